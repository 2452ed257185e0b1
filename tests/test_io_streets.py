"""The street network from any source: OSM files, osmnx GraphML, a graph in memory; the
same everywhere a street file is accepted (a build, ``Inputs``, the command line)."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import geopandas as gpd
import osmnx as ox
import pandas as pd
import pyogrio
import pytest
import shapely
from click.testing import CliRunner

import healthy_streets as hs
from healthy_streets import settings
from healthy_streets.cli import main
from healthy_streets.errors import ConfigError, InputFileError
from healthy_streets.io.streets import read_street_network

from conftest import SAMPLE, sample_project
from map_pages import drawn


@pytest.fixture(scope="module")
def graphml(tmp_path_factory):
    """The sample saved by osmnx as GraphML."""
    path = tmp_path_factory.mktemp("graphml") / "yarrowside.graphml"
    ox.save_graphml(ox.graph_from_xml(SAMPLE / "yarrowside.osm"), path)
    return path


@pytest.fixture
def no_overpass(monkeypatch, tmp_path):
    """Overpass where nothing listens: a download would fail loudly."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setattr(settings, "overpass_url", f"http://127.0.0.1:{port}/api")
    monkeypatch.setattr(settings, "nominatim_url", f"http://127.0.0.1:{port}/")
    monkeypatch.setattr(settings, "osm_cache_folder", str(tmp_path / "cache"))


def test_one_source_from_the_dispatcher(graphml):
    zones = hs.read_zones(SAMPLE / "zones.geojson").layer
    from_file = read_street_network(osm_file=SAMPLE / "yarrowside.osm", clip_to=zones)
    from_graphml = read_street_network(osm_file=graphml, clip_to=zones)
    in_memory = read_street_network(streets=ox.load_graphml(graphml), clip_to=zones)
    assert from_file.unit == "highway ways" and len(from_file.layer) > 400
    assert len(from_graphml.layer) == len(in_memory.layer) > 400
    assert in_memory.source == "streets (in memory)"
    assert from_graphml.layer["length_m"].sum() == pytest.approx(
        in_memory.layer["length_m"].sum(), rel=1e-6
    )
    with pytest.raises(ConfigError, match="one source.*2 were given"):
        read_street_network(osm_file=graphml, place="Chorley")


def test_the_osm_file_reader_takes_graphml_and_the_assets_reader_says_it_holds_streets(graphml):
    """``street_network_from_osm_file`` reads a ``.graphml`` file as ``Inputs(osm=...)``
    does; the assets reader says GraphML holds streets only and what to give instead."""
    from healthy_streets.io.osm_features import assets_from_osm_file

    read = hs.street_network_from_osm_file(graphml)
    expected = hs.street_network_from_graphml(graphml)
    pd.testing.assert_frame_equal(read.layer, expected.layer)
    assert read.summary() == expected.summary()
    assert len(read.layer) == 499 and read.layer["graph_edges"].notna().all()
    # the GraphML file's own edges, as osmnx loads it
    loaded = ox.load_graphml(graphml)
    edges = hs.segment_graph_edges(read.layer)
    assert all(loaded.has_edge(*t) for t in edges[["u", "v", "key"]].itertuples(index=False))
    with pytest.raises(InputFileError) as info:
        assets_from_osm_file(graphml)
    message = str(info.value)
    assert "cannot be read as OpenStreetMap data" not in message
    assert "A GraphML file holds an osmnx street graph only, not the community assets" in message
    assert "Give the OpenStreetMap extract (.osm or .osm.pbf) the graph was made from" in message
    assert "assets_from_osm_place" in message


def test_a_graphml_file_builds_the_layers_with_no_download(graphml, no_overpass):
    inputs = hs.Inputs(
        SAMPLE / "zones.geojson", osm=graphml, reports=[SAMPLE / "reports_open311.json"]
    )
    layers = hs.load_layers(inputs)  # osm_assets is on: nothing is downloaded for it
    streets = next(r for r in layers.imports if r.kind == "streets")
    assert len(layers.streets) > 400 and set(layers.streets["zone_id"].dropna())
    assert any("No assets were read from OpenStreetMap" in note for note in streets.notes)
    assert any("GraphML" in note for note in streets.notes)
    assert layers.basemap is None
    assert not any(r.source == "OpenStreetMap" for r in layers.imports if r.kind == "assets")
    assert len(layers.reports) == 20  # the Open311 file's reports, all within the area


def test_a_graph_given_as_osm_is_taken_as_the_streets(no_overpass):
    graph = ox.graph_from_xml(SAMPLE / "yarrowside.osm")
    inputs = hs.Inputs(SAMPLE / "zones.geojson", osm=graph, osm_assets=False)
    assert inputs.osm is None and inputs.streets is graph
    layers = hs.load_layers(inputs)
    assert len(layers.streets) > 400
    assert layers.streets[["u", "v", "key"]].notna().all().all()
    with pytest.raises(ConfigError, match="both osm= and streets="):
        hs.Inputs(SAMPLE / "zones.geojson", osm=graph, streets=graph)
    with pytest.raises(ConfigError, match="Give the street network once"):
        hs.Inputs(SAMPLE / "zones.geojson", osm=SAMPLE / "yarrowside.osm", place="Yarrowside")


def test_inputs_without_streets_for_an_evaluation():
    inputs = hs.Inputs(SAMPLE / "zones.geojson", reports=[SAMPLE / "reports_fixmystreet.csv"])
    with pytest.raises(ConfigError) as info:  # refused before any file is read
        hs.load_layers(inputs)
    assert "Give the street network: an OpenStreetMap file (osm=path)" in str(info.value)
    assert "load_layers(inputs, streets=False)" in str(info.value)
    layers = hs.load_layers(inputs, streets=False)
    assert [r.source for r in layers.imports] == ["zones.geojson", "reports_fixmystreet.csv"]
    assert layers.streets.empty and "segment_id" in layers.streets
    assert layers.reports["segment_id"].isna().all()
    assert layers.reports["zone_id"].value_counts()["yarrowside-north"] == 592
    # the evaluation is the one the full layers give
    full = hs.load_layers(
        hs.Inputs(
            SAMPLE / "zones.geojson",
            osm=SAMPLE / "yarrowside.osm",
            reports=[SAMPLE / "reports_fixmystreet.csv"],
        )
    )
    pd.testing.assert_frame_equal(
        hs.before_after(layers, category="litter"), hs.before_after(full, category="litter")
    )


def test_a_graphml_file_on_the_command_line(graphml):
    result = CliRunner().invoke(
        main, ["-q", "gaps", "--zones", str(SAMPLE / "zones.geojson"), "--osm-file", str(graphml)]
    )
    assert result.exit_code == 0, result.output
    assert "faster in zone" in result.output or "20 mph outside zones" in result.output


def test_the_street_file_is_named_never_given_by_position():
    """Every option of ``Inputs`` but the zones is keyword-only: a street file given second
    by position is refused, not taken for another field."""
    with pytest.raises(TypeError, match="positional"):
        hs.Inputs("zones.geojson", "area.osm")  # type: ignore[misc]


# ---------------------------------------------------------------- a project on GraphML


def _zone_of(lon: float, lat: float, zones) -> str | None:
    """The zone a point lies in, worked out from the zones file itself."""
    point = gpd.GeoSeries([shapely.Point(lon, lat)], crs="EPSG:4326").to_crs(zones.crs).iloc[0]
    found = zones[zones.contains(point)]
    return str(found["zone_id"].iloc[0]) if len(found) else None


def _background_kinds(page: Path) -> set[str]:
    """What the map's drawn background shows (the kinds of its features)."""
    features = drawn(page.read_text(encoding="utf-8")).get("basemap", [])
    return {f["properties"]["kind"] for f in features}


def _build(project: Path) -> str:
    result = CliRunner().invoke(main, ["build", str(project), "--overwrite"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_graphml_project_builds_and_rebuilds_with_no_download(graphml, no_overpass, tmp_path):
    """``osm_file = "….graphml"`` with ``osm_assets = true``: the build reads no assets from
    OpenStreetMap (and downloads none), draws every zone's map with a background of streets
    only (GraphML holds no parks, water or railways), counts the file's reports in the
    summary; a rebuild after the reports file changes, and one redrawing a map from the
    store, do the same."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(graphml, project / "yarrowside.graphml")
    for name in ("zones.geojson", "assets_walkabout.csv", "reports_open311.json"):
        shutil.copy(SAMPLE / name, project / name)
    (project / "healthy-streets.toml").write_text(
        sample_project("GraphML streets", osm_file="yarrowside.graphml", osm_assets=True)
    )
    zones = hs.read_zones(SAMPLE / "zones.geojson").layer
    out = project / "out"

    said = _build(project)
    assert "No assets were read from OpenStreetMap: yarrowside.graphml is osmnx's GraphML" in said
    maps = sorted(p.stem for p in (out / "maps").glob("*.html"))
    assert maps == sorted(zones["zone_id"])
    for zone_id in maps:
        kinds = _background_kinds(out / "maps" / f"{zone_id}.html")
        assert kinds and all(k.startswith("street_") for k in kinds), (zone_id, kinds)
    store = out / "healthy-streets.gpkg"
    assert set(pyogrio.read_dataframe(store, layer="assets")["source"]) == {"assets_walkabout.csv"}
    summary = pd.read_csv(out / "tables" / "summary.csv").set_index("zone_id")
    assert summary["assets"].sum() == 70  # the walkabout's rows, and no more
    assert summary["reports"].sum() == 20  # the Open311 file's

    # one report inside a zone leaves the file
    reports = json.loads((project / "reports_open311.json").read_text())
    gone = next(r for r in reports if _zone_of(r["long"], r["lat"], zones) is not None)
    zone_id = _zone_of(gone["long"], gone["lat"], zones)
    kept = [r for r in reports if r is not gone]
    (project / "reports_open311.json").write_text(json.dumps(kept))
    said = _build(project)
    assert "reports_open311.json's content changed: the reports are read again" in said
    again = pd.read_csv(out / "tables" / "summary.csv").set_index("zone_id")
    expected = summary["reports"].copy()
    expected[zone_id] -= 1
    assert again["reports"].to_dict() == expected.to_dict()
    assert again["assets"].to_dict() == summary["assets"].to_dict()
    assert sorted(p.stem for p in (out / "maps").glob("*.html")) == maps
    kinds = _background_kinds(out / "maps" / f"{zone_id}.html")
    assert kinds and all(k.startswith("street_") for k in kinds), kinds

    # a map removed is drawn again from the store
    (out / "maps" / f"{zone_id}.html").unlink()
    said = _build(project)
    assert "Drawn again from the store" in said
    kinds = _background_kinds(out / "maps" / f"{zone_id}.html")
    assert kinds and all(k.startswith("street_") for k in kinds), kinds
