"""The street network from any source: OSM files, osmnx GraphML, a graph in memory; the
same everywhere a street file is accepted (a build, ``Inputs``, the command line)."""

from __future__ import annotations

import socket

import osmnx as ox
import pytest
from click.testing import CliRunner

import healthy_streets as hs
from healthy_streets import settings
from healthy_streets.cli import main
from healthy_streets.errors import ConfigError
from healthy_streets.io.streets import read_street_network

from conftest import SAMPLE


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
        hs.Inputs(SAMPLE / "zones.geojson")


def test_a_graphml_file_on_the_command_line(graphml):
    result = CliRunner().invoke(
        main, ["-q", "gaps", "--zones", str(SAMPLE / "zones.geojson"), "--osm-file", str(graphml)]
    )
    assert result.exit_code == 0, result.output
    assert "faster in zone" in result.output or "20 mph outside zones" in result.output
