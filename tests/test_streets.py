"""The streets layer from what an analyst has: an osmnx graph, its edges, or the layer."""

from __future__ import annotations

import re

import geopandas as gpd
import networkx as nx
import osmnx as ox
import pandas as pd
import pytest
import shapely

import healthy_streets as hs
from healthy_streets.errors import ConfigError
from healthy_streets.model.layers import STREETS
from healthy_streets.model.streets import (
    as_streets,
    segment_graph_edges,
    street_graph,
    streets_from_graph,
)

from conftest import SAMPLE

OSM_FILE = SAMPLE / "yarrowside.osm"


@pytest.fixture(scope="module")
def graph():
    """The sample as osmnx reads it (simplified the osmnx way, ways merged)."""
    return ox.graph_from_xml(OSM_FILE)


@pytest.fixture(scope="module")
def from_graph(graph):
    return as_streets(graph)


def _pair(u, v, key):
    return (min(u, v), max(u, v), key)


def test_a_graph_becomes_the_streets_layer(graph, from_graph):
    streets = from_graph
    assert list(streets.columns) == STREETS.column_names
    assert streets.crs == "EPSG:27700"
    assert streets["segment_id"].is_unique
    # a two-way street is one row: fewer rows than the graph's directed edges
    assert 0 < len(streets) < graph.number_of_edges()
    # u, v and key join each row back to its edge, with no parsing of segment_id
    for row in streets.sample(25, random_state=1).itertuples():
        edge = graph.get_edge_data(row.u, row.v, row.key) or graph.get_edge_data(
            row.v, row.u, row.key
        )
        assert edge is not None
        name = edge.get("name")
        expected = ";".join(sorted(set(name))) if isinstance(name, list) else name
        assert (row.name if isinstance(row.name, str) else None) == (
            expected if isinstance(expected, str) else None
        )
    # speeds from the tags osmnx kept: the sample's residential streets are 20 mph
    assert streets.loc[streets["maxspeed"] == "20 mph", "speed_mph"].eq(20).all()
    assert streets["speed_mph"].eq(20).sum() > 100


def test_ways_osmnx_merged_of_several_kinds_are_counted_as_the_least_road_like(
    graph, from_graph, caplog
):
    merged = [
        (u, v, k)
        for u, v, k, d in graph.edges(keys=True, data=True)
        if isinstance(d.get("highway"), list) and {"residential", "footway"} <= set(d["highway"])
    ]
    assert merged  # the sample has residential streets merged with footways
    keys = set(merged)  # each row is the graph's edge G.edges[u, v, key]
    rows = from_graph[[(u, v, k) in keys for u, v, k in from_graph[["u", "v", "key"]].values]]
    # which part is street is not known: none of it is counted as street km
    assert len(rows) and set(rows["highway"]) == {"footway"}
    assert set(rows["road_class"]) == {"path"}
    # and the conversion says how much
    caplog.set_level("WARNING", logger="healthy_streets")
    as_streets(graph.copy())  # another graph: converted (and its losses said) again
    mixed_km = rows["length_m"].sum() / 1000
    said = re.search(
        r"([\d.]+) km of street network \((\d+) edges\) are edges osmnx merged", caplog.text
    )
    assert said is not None, caplog.text
    assert float(said[1]) >= round(mixed_km, 2)
    assert "ox.graph_from_xml(path, simplify=False)" in caplog.text


def test_a_graph_gives_the_files_figures_where_it_holds_the_information(monkeypatch, caplog):
    """The same .osm file, read by the toolkit and by osmnx: unsimplified and with the tags of
    a signed zone, the graph gives the build's figures exactly; simplified the osmnx way with
    osmnx's default tags, what it lost is unknown or counted conservatively, and said."""
    layers = hs.load_layers(
        hs.Inputs(
            SAMPLE / "zones.geojson",
            osm=OSM_FILE,
            osm_assets=False,
            reports=[SAMPLE / "reports_fixmystreet.csv"],
        )
    )
    from_file = hs.summarise_zones(layers)
    with_tags = [*ox.settings.useful_tags_way, "maxspeed:type", "zone:maxspeed", "source:maxspeed"]
    monkeypatch.setattr(ox.settings, "useful_tags_way", with_tags)
    whole = ox.graph_from_xml(OSM_FILE, simplify=False)
    from_graph = hs.summarise_zones(layers.zones, whole, layers.assets, layers.reports)
    pd.testing.assert_frame_equal(from_graph, from_file)
    graph_spots = hs.hotspot_streets(whole, layers.reports, zones=layers.zones)
    file_spots = hs.hotspot_streets(layers)
    pd.testing.assert_frame_equal(
        graph_spots.drop(columns="geometry"), file_spots.drop(columns="geometry")
    )
    assert graph_spots.geom_equals(file_spots).all()  # the same lines, drawn either way
    assert from_file.loc["yarrowside-north", "share_signed_20mph_zone"] > 0.9

    monkeypatch.undo()  # osmnx's defaults: no maxspeed:type, ways merged
    caplog.set_level("WARNING", logger="healthy_streets")
    merged = ox.graph_from_xml(OSM_FILE)
    summary = hs.summarise_zones(layers.zones, merged, layers.assets, layers.reports)
    zones = list(layers.zones["zone_id"])
    # not 0: unknown, and the warning names the fix
    assert summary["share_signed_20mph_zone"].isna().all()
    assert "ox.settings.useful_tags_way += ['maxspeed:type', 'zone:maxspeed'" in caplog.text
    assert "street_network_from_osm_file(path)" in caplog.text
    # street km never counts a footway merged into a street; what it may miss is said
    said = float(re.search(r"([\d.]+) km of street network", caplog.text)[1])
    short = from_file.loc[zones, "street_km"] - summary.loc[zones, "street_km"]
    assert (short >= 0).all() and short.sum() <= said
    assert (summary.loc[zones, "reports"] == from_file.loc[zones, "reports"]).all()


def test_osmnx_edges_become_the_same_streets(graph, from_graph):
    edges = ox.graph_to_gdfs(graph, nodes=False)
    for frame in (edges, edges.reset_index()):  # u, v, key in the index, or as columns
        streets = as_streets(frame)
        assert len(streets) == len(from_graph)
        assert streets["length_m"].sum() == pytest.approx(from_graph["length_m"].sum())
        pairs = {_pair(*t) for t in streets[["u", "v", "key"]].itertuples(index=False)}
        assert pairs == {_pair(*t) for t in from_graph[["u", "v", "key"]].itertuples(index=False)}


def test_a_projected_graph_gives_the_same_streets(graph, from_graph):
    streets = as_streets(ox.project_graph(graph))
    assert streets.crs == "EPSG:27700"
    assert streets["length_m"].sum() == pytest.approx(from_graph["length_m"].sum(), rel=1e-3)


def test_a_streets_layer_is_taken_as_it_is():
    layer = hs.street_network_from_osm_file(OSM_FILE).layer
    assert as_streets(layer) is layer
    older = layer.drop(columns=["u", "v", "key"])  # a layer saved before u, v and key
    again = as_streets(older)
    assert list(again.columns) == STREETS.column_names
    assert again["u"].isna().all()


def test_the_file_readers_keep_u_v_key():
    streets = hs.street_network_from_osm_file(OSM_FILE).layer
    assert streets[["u", "v", "key"]].notna().all().all()
    first, last = streets["segment_id"].str.split("-", expand=True)[[1, 2]].astype("int64").T.values
    assert (first == streets["u"].to_numpy()).all() and (last == streets["v"].to_numpy()).all()


def test_what_is_not_streets_is_refused_saying_what_is():
    with pytest.raises(ConfigError, match="not a str.*street_network_from_osm_file"):
        as_streets(str(OSM_FILE))
    points = gpd.GeoDataFrame({"x": [1]}, geometry=[shapely.Point(0, 0)], crs="EPSG:27700")
    with pytest.raises(ConfigError, match="lacks segment_id.*u, v, key, osmid, highway"):
        as_streets(points)


def test_a_graph_is_converted_once_and_its_warnings_said_once(caplog, monkeypatch):
    """Each analysis function given ``G`` takes the streets converted the first time; a
    graph that changed is converted again."""
    import healthy_streets.model.streets as module

    calls = []
    convert = module.streets_from_graph
    monkeypatch.setattr(
        module, "streets_from_graph", lambda *a, **k: calls.append(1) or convert(*a, **k)
    )
    caplog.set_level("WARNING", logger="healthy_streets")
    graph = ox.graph_from_xml(OSM_FILE, simplify=False, retain_all=True)
    zones = hs.read_zones(SAMPLE / "zones.geojson").layer
    first = as_streets(graph)
    hs.street_lengths(zones, graph)
    hs.twenty_mph_gaps(zones, graph)
    again = as_streets(graph)
    assert len(calls) == 1
    pd.testing.assert_frame_equal(first, again)
    zone_tags = [r for r in caplog.records if "signed 20mph zone" in r.getMessage()]
    assert len(zone_tags) == 1
    again.loc[:, "speed_mph"] = 99.0  # the caller's copy: the next one is as converted
    assert (as_streets(graph)["speed_mph"] != 99.0).any()

    node = int(first["u"].iloc[0])
    assert node in set(first["u"]) | set(first["v"])
    graph.remove_node(node)  # with its edges
    fewer = as_streets(graph)
    assert len(calls) == 2
    assert node not in set(fewer["u"]) | set(fewer["v"])
    graph.graph["crs"] = graph.graph["crs"]  # written again, the same: nothing changed
    as_streets(graph)
    assert len(calls) == 2
    graph.graph["name"] = "Yarrowside, edited"  # the graph's attributes changed
    as_streets(graph)
    assert len(calls) == 3
    assert len(as_streets(graph, nation="wales")) == len(fewer) and len(calls) == 4


# ------------------------------------------------- each segment is made of the graph's edges


def _line_of(graph, u, v, key):
    """The graph's edge as a line in British National Grid (its geometry, or straight)."""
    data = graph.edges[u, v, key]
    line = data.get("geometry") or shapely.LineString(
        [(graph.nodes[n]["x"], graph.nodes[n]["y"]) for n in (u, v)]
    )
    return gpd.GeoSeries([line], crs=graph.graph["crs"]).to_crs("EPSG:27700").iloc[0]


def assert_made_of_the_graphs_edges(graph, streets):
    """Every segment lists edges the graph holds, with the graph's own keys, in order from
    ``u`` to ``v``; their lengths add up to the segment's; ``key`` is the graph's key of a
    segment that is one edge; and no street of the graph is lost."""
    edges = segment_graph_edges(streets)
    assert set(edges["segment_id"]) == set(streets["segment_id"])  # every row has its edges
    triples = list(edges[["u", "v", "key"]].itertuples(index=False, name=None))
    assert all(graph.has_edge(u, v, k) for u, v, k in triples)
    edges["graph_m"] = [graph.edges[t]["length"] for t in triples]
    edges["line_m"] = [_line_of(graph, *t).length for t in triples]
    by_segment = edges.groupby("segment_id", sort=False)
    summed = by_segment[["graph_m", "line_m"]].sum()
    length = streets.set_index("segment_id")["length_m"].loc[summed.index]
    # the same lines: to the centimetre of the layer's rounding
    assert (summed["line_m"] - length).abs().max() < 0.01
    # osmnx's great-circle metres, on a sphere: up to 0.3 % shorter than on the ellipsoid
    # at these latitudes (and the grid's scale, 0.04 %, and the rounding apart)
    assert ((summed["graph_m"] - length).abs() <= 0.004 * length + 0.02).all()
    # u and v are the ends of the run of edges, each edge starting where the last ended
    rows = streets.set_index("segment_id").loc[summed.index]
    assert (by_segment["u"].first() == rows["u"]).all()
    assert (by_segment["v"].last() == rows["v"]).all()
    assert (
        by_segment["u"].apply(lambda s: s.iloc[1:].tolist())
        == by_segment["v"].apply(lambda s: s.iloc[:-1].tolist())
    ).all()
    one = by_segment.size() == 1
    assert rows.loc[one, "key"].notna().all() and rows.loc[~one, "key"].isna().all()
    for u, v, key in rows.loc[one, ["u", "v", "key"]].itertuples(index=False):
        assert graph.has_edge(u, v, key)
    # every street edge of the graph is in a segment (a two-way street's, one way round)
    listed = {frozenset(t[:2]) for t in triples}
    streets_of = street_graph(graph).graph
    assert {frozenset((u, v)) for u, v in streets_of.edges()} <= listed
    return edges


@pytest.mark.parametrize("simplify", [True, False], ids=["simplified", "unsimplified"])
def test_every_segment_is_made_of_the_graphs_own_edges(simplify, tmp_path):
    graph = ox.graph_from_xml(OSM_FILE, retain_all=True, simplify=simplify)
    streets = as_streets(graph)
    edges = assert_made_of_the_graphs_edges(graph, streets)
    # u and v are the nodes segment_id names, in its order (the graph holds every street
    # that way round: its three one-way ways run so)
    ends = streets["segment_id"].str.split("-", expand=True)[[1, 2]].astype("int64")
    assert (ends[1] == streets["u"]).all() and (ends[2] == streets["v"]).all()
    joined = streets["key"].isna()
    if simplify:  # osmnx's edges, one each, parallel ones with the graph's keys 0 and 1
        assert len(streets) == 499 and not joined.any()
        ends = streets[["u", "v"]].apply(frozenset, axis=1)
        parallel = streets[ends.isin([frozenset({235, 962}), frozenset({811, 815})])]
        assert sorted(parallel["key"]) == [0, 0, 1, 1]
    else:  # the toolkit joined the graph's edges between junctions
        assert len(streets) == 581 and joined.sum() > 250 and len(edges) > 1000
        row = streets.set_index("segment_id").loc["9-125-133"]
        assert row["graph_edges"].split(";")[0].split(",")[:2] in (["125", "126"], ["133", "132"])
    # the text round-trips through a GeoPackage
    streets.to_file(tmp_path / "streets.gpkg", layer="streets")
    again = gpd.read_file(tmp_path / "streets.gpkg", layer="streets")
    pd.testing.assert_frame_equal(segment_graph_edges(again), segment_graph_edges(streets))


@pytest.mark.realdata
@pytest.mark.parametrize("simplify", [True, False], ids=["simplified", "unsimplified"])
def test_a_real_citys_graph_is_made_of_its_own_edges(shared_data, simplify):
    graph = ox.graph_from_xml(shared_data / "osm" / "oxford_centre.osm", simplify=simplify)
    streets = as_streets(graph)
    edges = assert_made_of_the_graphs_edges(graph, streets)
    assert len(streets) > 1000 and len(edges) >= len(streets)
    assert streets["key"].isna().any() == (not simplify)


def test_a_graph_with_more_than_streets_gives_its_streets_only(caplog):
    """Rivers, a railway and a park's outline that osmnx reads with ``retain_all=True`` are
    no streets, however the graph is given: left out, and said with their tags."""
    caplog.set_level("WARNING", logger="healthy_streets")
    graph = ox.graph_from_xml(OSM_FILE, retain_all=True)
    streets = streets_from_graph(graph)
    assert len(streets) == 499
    pd.testing.assert_frame_equal(streets, as_streets(graph))
    names = set(streets["name"].dropna())
    assert not names & {"River Yarrow", "Tanyard Brook", "Manchester to Preston Line"}
    assert streets["highway"].notna().all()
    assert (
        "Left out: 16 edges of the graph that are not streets, having no highway=* tag "
        "(12 other, 4 landuse; named River Yarrow, Tanyard Brook, Manchester to Preston Line, "
        "Cowslip Recreation Ground); 2 of them carry maxspeed." in caplog.text
    )
    assert "Left out: 2 highway edges that are areas or not roads in use (2 area=yes)." in (
        caplog.text
    )


def test_a_graph_without_a_crs_is_taken_in_degrees_and_an_empty_one_refused(caplog):
    graph = ox.graph_from_xml(OSM_FILE)
    expected = as_streets(graph)
    bare = graph.copy()
    del bare.graph["crs"]
    caplog.set_level("WARNING", logger="healthy_streets")
    streets = as_streets(bare)
    pd.testing.assert_frame_equal(streets, expected)
    assert "The graph names no CRS (no G.graph['crs'])" in caplog.text
    assert "taken as EPSG:4326" in caplog.text
    assert "crs" not in bare.graph  # the analyst's graph is left as it was

    projected = ox.project_graph(graph, to_crs="EPSG:27700")
    del projected.graph["crs"]
    with pytest.raises(ConfigError) as info:
        as_streets(projected)
    message = str(info.value)
    assert "names no CRS" in message and "are not longitude and latitude" in message
    assert "G.graph['crs'] = 'EPSG:27700'" in message

    with pytest.raises(ConfigError, match=r"The graph is empty \(0 nodes, no edges\)"):
        as_streets(nx.MultiDiGraph())
    rivers = graph.copy()
    rivers.remove_edges_from(list(rivers.edges))
    rivers.add_edge(1, 2, name="River Yarrow")
    rivers.nodes[1].update(x=-2.63, y=53.65)
    rivers.nodes[2].update(x=-2.62, y=53.65)
    with pytest.raises(ConfigError, match="None of the graph's 1 edge is a street.*River Yarrow"):
        as_streets(rivers)
