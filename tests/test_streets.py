"""The streets layer from what an analyst has: an osmnx graph, its edges, or the layer."""

from __future__ import annotations

import re

import geopandas as gpd
import osmnx as ox
import pandas as pd
import pytest
import shapely

import healthy_streets as hs
from healthy_streets.errors import ConfigError
from healthy_streets.model.layers import STREETS
from healthy_streets.model.streets import as_streets

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
    keys = {_pair(*e) for e in merged}
    rows = from_graph[[_pair(u, v, k) in keys for u, v, k in from_graph[["u", "v", "key"]].values]]
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
