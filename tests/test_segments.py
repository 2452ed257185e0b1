"""The file reader cuts ways into segments on arrays: the same layer as osmnx's graph gives;
and one read of a file gives the streets, assets and background three readers give.

The reference is the graph the toolkit used to build of an OSM file (one edge per pair of
consecutive nodes, in the way's direction, with the way's id and tags), simplified and made
undirected by osmnx (:func:`healthy_streets.model.streets.streets_from_graph`). The file
holds what makes osmnx's keys and cuts awkward: roundabouts that start between junctions,
parallel roads between the same two junctions both ways round, a loop back to its own
junction, a lone ring, repeated nodes, two ways over the same two nodes, and tags that
OPL has to escape.
"""

from __future__ import annotations

import itertools

import networkx as nx
import osmium
import pandas as pd
import pytest
import shapely

from healthy_streets.io.osm import street_network_from_osm_file
from healthy_streets.model.streets import streets_from_graph

from conftest import as_pbf, osm_xml_of


def _grid() -> dict[int, tuple[float, float]]:
    """Node id -> (lat, lon): a 10 x 10 grid about 70 m apart near Chorley."""
    return {
        100 + 10 * row + col: (53.65 + 0.0006 * row, -2.63 + 0.001 * col)
        for row in range(10)
        for col in range(10)
    }


NODES = _grid()
# a node at the very place of another (mappers leave such pairs)
NODES[500] = NODES[155]

WAYS: list[tuple[int, list[int], dict[str, str]]] = [
    # a main road west to east along row 0, in two ways meeting end to end
    (1, [100, 101, 102, 103, 104], {"highway": "primary", "maxspeed": "30 mph", "ref": "A6"}),
    (2, [104, 105, 106, 107], {"highway": "primary", "maxspeed": "40 mph", "ref": "A6"}),
    # side streets north from it; one crosses another street mid-way
    (3, [102, 112, 122, 132], {"highway": "residential", "name": "Mill Lane, East"}),
    (4, [120, 121, 122, 123, 124], {"highway": "residential", "maxspeed": "20 mph;30 mph"}),
    # a roundabout whose first node is between its junctions, with two roads meeting it
    (
        5,
        [145, 146, 156, 155, 145],
        {"highway": "primary", "junction": "roundabout", "name": "50% = fifty"},
    ),
    (6, [124, 134, 144, 145], {"highway": "tertiary", "maxspeed": "GB:nsl_single"}),
    (7, [156, 157, 158], {"highway": "tertiary", "maxspeed:type": "GB:zone20"}),
    # two service roads between the same junctions (105 and 125), opposite ways round
    (8, [105, 115, 125], {"highway": "service", "service": "alley"}),
    (9, [125, 126, 116, 105], {"highway": "service", "access": "private"}),
    # and two the same way round (106 to 127)
    (10, [106, 117, 127], {"highway": "unclassified"}),
    (11, [106, 107, 118, 128, 127], {"highway": "unclassified", "maxspeed": "walk"}),
    (12, [127, 137], {"highway": "residential"}),
    # a loop back to its own junction: a cul-de-sac ring
    (13, [132, 142, 143, 133, 132], {"highway": "residential", "name": "Ring Close"}),
    # a lone ring touching nothing
    (14, [170, 171, 181, 180, 170], {"highway": "footway", "maxspeed": "none"}),
    # nodes repeated one after the other; a way of one node twice
    (15, [160, 160, 161, 162, 162, 163], {"highway": "living_street", "name": "Überweg"}),
    (16, [190, 190], {"highway": "residential"}),
    # two ways over the same two nodes, opposite ways round, tags the same keys
    (17, [164, 165], {"highway": "path", "name": "Upper"}),
    (18, [165, 164], {"highway": "path", "name": "Lower"}),
    (19, [163, 164], {"highway": "path", "maxspeed:forward": "20 mph", "maxspeed:backward": "30"}),
    # a closed way through two junctions: two segments between the same two nodes
    (20, [150, 151, 152, 153, 150], {"highway": "residential", "zone:maxspeed": "GB:20"}),
    (21, [140, 150], {"highway": "residential"}),
    (22, [152, 162], {"highway": "residential", "source:maxspeed": "GB:nsl_restricted"}),
    # a way back over two nodes of the main road (osmnx keeps one edge of the two)
    (24, [107, 106], {"highway": "service", "name": "Back Lane"}),
    # through the node at the roundabout's place
    (23, [500, 165], {"highway": "track"}),
    # what is not a street
    (30, [108, 109, 119], {"railway": "rail", "maxspeed": "75 mph"}),
    (31, [110, 111, 121, 110], {"building": "yes"}),
]


def osm_xml(ways=WAYS, nodes=NODES) -> str:
    return osm_xml_of(ways, nodes)


def graph_of(path) -> nx.MultiDiGraph:
    """The graph of a file's street ways as the toolkit built it before: nodes with the
    places libosmium reads, one edge per pair of consecutive different nodes."""
    graph = nx.MultiDiGraph(crs="epsg:4326")
    for way in osmium.FileProcessor(str(path)).with_locations():
        if not isinstance(way, osmium.osm.Way) or "highway" not in way.tags:
            continue
        tags = dict(way.tags)
        nodes = [(n.ref, n.location.lon, n.location.lat) for n in way.nodes]
        for ref, lon, lat in nodes:
            graph.add_node(ref, x=lon, y=lat)
        for (u, *_), (v, *_) in itertools.pairwise(nodes):
            if u != v:
                graph.add_edge(u, v, osmid=way.id, **tags)
    return graph


def assert_same_layer(ours, theirs):
    pd.testing.assert_frame_equal(ours.drop(columns="geometry"), theirs.drop(columns="geometry"))
    assert (ours.geometry.to_wkb() == theirs.geometry.to_wkb()).all()


@pytest.fixture(params=["osm", "osm.pbf"])
def tricky(tmp_path, request):
    xml = tmp_path / "tricky.osm"
    xml.write_text(osm_xml(), encoding="utf-8")
    return xml if request.param == "osm" else as_pbf(xml)


def test_the_file_reader_cuts_ways_as_osmnx_simplifies_them(tricky):
    ours = street_network_from_osm_file(tricky).layer
    theirs = streets_from_graph(graph_of(tricky), graph_edges=False)
    assert_same_layer(ours, theirs)
    # what the awkward places give: a key moved on, a self-loop, a lone ring's edges
    segments = ours.set_index("segment_id")
    assert {"20-150-152", "20-150-152-2"} <= set(segments.index)
    assert segments.loc["13-132-132", ["u", "v"]].tolist() == [132, 132]
    assert (ours["osm_way_id"] == 14).sum() == 4
    assert segments.loc["5-145-156", "name"] == "50% = fifty"
    assert segments.loc["3-102-122", "name"] == "Mill Lane, East"
    assert sorted(ours.loc[ours["osm_way_id"].isin([8, 9]), "key"]) == [0, 1]
    assert sorted(ours.loc[ours["osm_way_id"].isin([2, 11, 24]) & (ours["v"] == 107), "key"]) == [
        0,
        1,
    ]


def test_a_way_through_a_node_twice_is_cut_by_the_graph(tmp_path):
    # 190 -> 191 -> 192 -> 191 -> 190: node 191 is no junction, yet met twice
    ways = [*WAYS, (40, [191, 192, 193, 192, 191], {"highway": "service"})]
    path = tmp_path / "twice.osm"
    path.write_text(osm_xml(ways), encoding="utf-8")
    ours = street_network_from_osm_file(path).layer
    assert_same_layer(ours, streets_from_graph(graph_of(path), graph_edges=False))
    assert (ours["osm_way_id"] == 40).any()


def test_one_read_gives_the_streets_assets_and_background_of_three(tmp_path):
    from healthy_streets.io.osm_features import assets_from_osm_file, basemap_from_osm_file
    from healthy_streets.io.osm_layers import osm_layers_from_file

    from conftest import SAMPLE

    path = SAMPLE / "yarrowside.osm"
    area = shapely.box(300_000, 400_000, 400_000, 500_000)  # around the sample, in BNG
    together = osm_layers_from_file(path, area=area)
    streets = street_network_from_osm_file(path)
    assets = assets_from_osm_file(path, area=area)
    basemap = basemap_from_osm_file(path, area=area)
    assert_same_layer(together.streets.layer, streets.layer)
    assert_same_layer(together.assets.layer, assets.layer)
    assert_same_layer(together.basemap, basemap)
    assert together.streets.notes == streets.notes
    assert (together.assets.rows_in, together.assets.notes) == (assets.rows_in, assets.notes)
    assert len(together.assets.layer) > 0 and set(together.basemap["kind"]) >= {"green", "waterway"}
