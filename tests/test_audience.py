"""Messages in the caller's language: the same problem names the keyword in Python
(``crs=``), the flag on the command line (``--crs``) and the key in a project file
(``[zones] crs``)."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

import healthy_streets as hs
from healthy_streets import settings
from healthy_streets._audience import option, speaking_to
from healthy_streets.cli import main
from healthy_streets.errors import (
    InputFileError,
    MissingCRSError,
    NetworkUnavailableError,
    OutputExistsError,
)
from healthy_streets.io.write import write_csv

from conftest import SAMPLE

#: A zones file that declares no CRS (British National Grid metres): a zipped Shapefile
#: without its .prj.
NO_CRS = gpd.GeoDataFrame(
    {"name": ["North"]}, geometry=[shapely.box(358000, 417000, 358300, 417300)], crs=27700
)


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def project(folder: Path, zones: str, *, streets: str = 'osm_file = "yarrowside.osm"') -> Path:
    """A project file naming ``zones`` (a TOML table's body) and the street network."""
    folder.mkdir(exist_ok=True)
    shutil.copy(SAMPLE / "yarrowside.osm", folder / "yarrowside.osm")
    config = folder / "healthy-streets.toml"
    config.write_text(f"[zones]\n{zones}\n\n[streets]\n{streets}\nosm_assets = false\n")
    return config


@pytest.fixture
def no_crs(tmp_path):
    import zipfile

    parts = tmp_path / "parts"
    parts.mkdir()
    NO_CRS.to_file(parts / "zones.shp")
    path = tmp_path / "zones.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for part in parts.glob("zones.*"):
            if part.suffix != ".prj":
                archive.write(part, part.name)
    return path


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """Overpass and Nominatim at a local port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setattr(settings, "overpass_url", f"http://127.0.0.1:{port}/api")
    monkeypatch.setattr(settings, "nominatim_url", f"http://127.0.0.1:{port}/")
    monkeypatch.setattr(settings, "osm_cache_folder", str(tmp_path / "cache"))


def test_each_audience_writes_a_setting_its_own_way():
    assert option("crs", "EPSG:27700") == 'crs="EPSG:27700"'
    assert option("fields", "SCHEME", role="name") == 'fields={"name": "SCHEME"}'
    with speaking_to("cli"):
        assert option("crs", "EPSG:27700") == "--crs EPSG:27700"
        assert option("fields", "SCHEME", role="name") == "--field name=SCHEME"
        with speaking_to("project", table="[[assets]] number 2"):
            assert option("crs") == "[[assets]] number 2 crs"
            assert option("fields", "Site", role="name") == (
                '[assets.fields] (of [[assets]] number 2) name = "Site"'
            )
            # a project file holds no overwrite: it is named as whoever runs the project
            assert option("overwrite") == "--overwrite"
        assert option("overwrite") == "--overwrite"
    with speaking_to("project", table="[zones]"):
        assert option("crs", "EPSG:27700") == '[zones] crs = "EPSG:27700"'
        assert option("overwrite") == "overwrite=True"  # a project built from Python
    assert option("crs") == "crs="  # back to Python after each block


def test_missing_crs_in_python(no_crs):
    with pytest.raises(MissingCRSError) as info:
        hs.read_zones(no_crs)
    message = str(info.value)
    assert "Name it with crs=. The coordinates look like British National Grid metres: " in message
    assert 'metres: crs="EPSG:27700".' in message
    assert "--crs" not in message


def test_missing_crs_on_the_command_line(no_crs):
    result = run("zones", no_crs)
    assert result.exit_code == 1
    assert "Name it with --crs. The coordinates look like British" in result.output
    assert "metres: --crs EPSG:27700." in result.output
    assert "crs=" not in result.output


def test_missing_crs_in_a_project_file(no_crs, tmp_path):
    config = project(tmp_path / "p", f'file = "{no_crs.name}"')
    shutil.copy(no_crs, config.parent / no_crs.name)
    inputs = hs.load_project(config).inputs
    with pytest.raises(MissingCRSError) as info:
        hs.load_layers(inputs)  # read from Python, but the fix goes in the project file
    message = str(info.value)
    assert "Name it with [zones] crs. The coordinates look like British" in message
    assert 'metres: [zones] crs = "EPSG:27700".' in message
    assert message.endswith("The project names this file in [zones] file.")
    assert "--crs" not in message and "crs=" not in message
    built = run("build", config)  # from the command line, too
    assert built.exit_code == 1
    assert "[zones] crs" in built.output and "--crs" not in built.output


def test_an_existing_output_in_python(tmp_path):
    target = tmp_path / "table.csv"
    target.write_text("already here")
    with pytest.raises(OutputExistsError) as info:
        write_csv(pd.DataFrame({"a": [1]}), target)
    assert "replace it with overwrite=True" in str(info.value)
    assert "--overwrite" not in str(info.value)


def test_an_existing_output_on_the_command_line(tmp_path):
    assert run("init", tmp_path / "p").exit_code == 0
    again = run("init", tmp_path / "p")
    assert again.exit_code == 1
    assert "replace it with --overwrite" in again.output
    assert "overwrite=True" not in again.output


def test_an_existing_output_of_a_project_built_from_python(tmp_path, monkeypatch):
    config = project(tmp_path / "p", 'file = "zones.geojson"')
    shutil.copy(SAMPLE / "zones.geojson", config.parent / "zones.geojson")
    out = config.parent / "out"
    out.mkdir()
    (out / "index.html").write_text("an earlier build")
    with pytest.raises(OutputExistsError) as info:
        hs.build(hs.load_project(config))  # refused before any work
    assert "replace it with overwrite=True" in str(info.value)


def test_offline_in_python(offline):
    with pytest.raises(NetworkUnavailableError) as info:
        hs.street_network_from_place("Yarrowside")
    message = str(info.value)
    assert "street_network_from_osm_file(path) (or Inputs(osm=path))" in message
    assert "--osm-file" not in message


def test_offline_on_the_command_line(offline):
    result = run("network", "--place", "Yarrowside")
    assert result.exit_code == 1
    assert "--osm-file FILE" in result.output
    assert "street_network_from_osm_file" not in result.output


def test_offline_in_a_project_file(offline, tmp_path):
    config = project(
        tmp_path / "p", 'file = "zones.geojson"', streets='place = "Yarrowside, Lancashire"'
    )
    shutil.copy(SAMPLE / "zones.geojson", config.parent / "zones.geojson")
    with pytest.raises(NetworkUnavailableError) as info:
        hs.load_layers(hs.load_project(config).inputs)
    message = str(info.value)
    assert "[streets] osm_file" in message
    assert "--osm-file" not in message and "street_network_from_osm_file" not in message


def test_a_bad_field_mapping_in_python():
    with pytest.raises(InputFileError) as info:
        hs.read_zones(SAMPLE / "zones.geojson", fields={"name": "SCHEME"})
    message = str(info.value)
    assert 'There is no column \'SCHEME\' for the name (fields={"name": "SCHEME"})' in message
    assert "ZONE_NAME" in message  # the columns it could be


def test_a_bad_field_mapping_on_the_command_line():
    result = run("zones", SAMPLE / "zones.geojson", "--field", "name=SCHEME")
    assert result.exit_code == 1
    assert "There is no column 'SCHEME' for the name (--field name=SCHEME)" in result.output


def test_a_bad_field_mapping_in_a_project_file(tmp_path):
    config = project(tmp_path / "p", 'file = "zones.geojson"\n[zones.fields]\nname = "SCHEME"')
    shutil.copy(SAMPLE / "zones.geojson", config.parent / "zones.geojson")
    with pytest.raises(InputFileError) as info:
        hs.load_layers(hs.load_project(config).inputs)
    assert "There is no column 'SCHEME' for the name ([zones.fields] name = \"SCHEME\")" in str(
        info.value
    )


def test_missing_crs_of_the_zones_inputs_read(no_crs):
    # Inputs names the zones' CRS zones_crs=, not crs= (which Inputs would refuse)
    inputs = hs.Inputs(no_crs, osm=SAMPLE / "yarrowside.osm", osm_assets=False)
    with pytest.raises(MissingCRSError) as info:
        hs.load_layers(inputs)
    message = str(info.value)
    assert "Name it with zones_crs=. The coordinates look like British" in message
    assert 'metres: zones_crs="EPSG:27700".' in message
    assert " crs=" not in message and "--crs" not in message
    # the command line reads its zones through Inputs too, and still names its flag
    result = run("summary", "--zones", no_crs, "--osm-file", SAMPLE / "yarrowside.osm")
    assert result.exit_code == 1
    assert "metres: --crs EPSG:27700." in result.output
    assert "zones_crs" not in result.output


def test_zones_with_no_crs_read_as_bng_through_inputs(tmp_path):
    # a GeoJSON of British National Grid metres with no crs member, as old tools write it
    ring = [[358000, 417000], [358300, 417000], [358300, 417300], [358000, 417300]]
    feature = {
        "type": "Feature",
        "properties": {"name": "North"},
        "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
    }
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    osm = SAMPLE / "yarrowside.osm"
    with pytest.raises(InputFileError) as info:
        hs.load_layers(hs.Inputs(path, osm=osm, osm_assets=False))
    message = str(info.value)
    # the message names two keywords of Inputs, and both exist
    assert 'zones_crs="EPSG:27700" (or assume_bng=True)' in message
    layers = hs.load_layers(hs.Inputs(path, osm=osm, osm_assets=False, assume_bng=True))
    assert layers.zones.crs.to_epsg() == 27700
    assert layers.zones["name"].tolist() == ["North"]
    assert layers.zones.total_bounds.tolist() == [358000.0, 417000.0, 358300.0, 417300.0]


def test_offline_assets_by_place_in_python(offline):
    with pytest.raises(NetworkUnavailableError) as info:
        hs.assets_from_osm_place("Yarrowside")
    message = str(info.value)
    assert "to download OpenStreetMap features of 'Yarrowside'" in message
    assert "assets_from_osm_file(path)" in message
    assert "street_network_from_osm_file" not in message and "the streets" not in message
