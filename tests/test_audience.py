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


def test_settings_said_as_a_phrase_a_table_of_their_own_or_a_command():
    # a project's own words for categories: a table of their own, text = category key
    with speaking_to("project", table="[[assets]] number 1"):
        assert option("asset_synonyms", "bench", role="Seat") == (
            '[taxonomy.assets] "Seat" = "bench"'
        )
        assert option("since_last") == '[project] compare = "last"'
    with speaking_to("cli"):
        assert option("report_synonyms", "CATEGORY", role="TEXT") == "--synonym TEXT=CATEGORY"
        assert option("since_last") == "--since-last"
        # a command is said as it is written, with no value after it
        assert option("osm_assets_file", "FILE") == "healthy-streets assets FILE.osm"
        assert option("new_project") == "healthy-streets init FOLDER"
    assert option("since_last") == "since_last=True"
    assert option("asset_synonyms", "CATEGORY", role="TEXT") == (
        'taxonomy=asset_taxonomy({"TEXT": "CATEGORY"}) (from healthy_streets.model.taxonomy)'
    )
    with speaking_to("python", flags={"report_synonyms": "report_synonyms"}):  # Inputs' own
        assert option("report_synonyms", "CATEGORY", role="TEXT") == (
            'report_synonyms={"TEXT": "CATEGORY"}'
        )


def odd_assets(folder: Path) -> Path:
    """Three of the walkabout's places, their category a word no taxonomy knows."""
    rows = pd.read_csv(SAMPLE / "assets_walkabout.csv").dropna(subset=["Latitude"]).head(3)
    rows["Category"] = "Thingamajig"
    path = folder / "odd_assets.csv"
    rows.to_csv(path, index=False)
    return path


def odd_reports(folder: Path) -> Path:
    """Four of the sample's FixMyStreet reports, their category a word no taxonomy knows."""
    rows = pd.read_csv(SAMPLE / "reports_fixmystreet.csv").head(4)
    rows["Category"] = "Thingamajig"
    path = folder / "odd_reports.csv"
    rows.to_csv(path, index=False)
    return path


UNMATCHED = "{n} {what} categories matched nothing and became 'Other': 'Thingamajig' ({n}). "
FIX = "Give each its category with {}."


def unmatched_note(notes: list[str], what: str, n: int) -> str:
    start = UNMATCHED.format(n=n, what=what)
    found = [note for note in notes if note.startswith(start)]
    assert len(found) == 1, notes
    return found[0].removeprefix(start)


def test_unmatched_categories_in_python(tmp_path):
    assets = hs.read_assets(odd_assets(tmp_path))
    assert unmatched_note(assets.notes, "asset", 3) == FIX.format(
        'taxonomy=asset_taxonomy({"TEXT": "CATEGORY"}) (from healthy_streets.model.taxonomy)'
    )
    reports = hs.read_reports(odd_reports(tmp_path), format="fixmystreet")
    assert unmatched_note(reports.notes, "report", 4) == FIX.format(
        'taxonomy=report_taxonomy({"TEXT": "CATEGORY"}) (from healthy_streets.model.taxonomy)'
    )


def test_unmatched_categories_of_inputs_read_in_python(tmp_path):
    inputs = hs.Inputs(
        SAMPLE / "zones.geojson",
        osm=SAMPLE / "yarrowside.osm",
        assets=[odd_assets(tmp_path)],
        reports=[(odd_reports(tmp_path), "fixmystreet")],
        osm_assets=False,
    )
    layers = hs.load_layers(inputs)
    notes = [note for result in layers.imports for note in result.notes]
    assert unmatched_note(notes, "asset", 3) == FIX.format('asset_synonyms={"TEXT": "CATEGORY"}')
    assert unmatched_note(notes, "report", 4) == FIX.format('report_synonyms={"TEXT": "CATEGORY"}')


def test_unmatched_categories_on_the_command_line(tmp_path):
    assets = run("assets", odd_assets(tmp_path))
    assert assets.exit_code == 0, assets.output
    said = " ".join(assets.output.split())  # as wrapped for the terminal
    assert UNMATCHED.format(n=3, what="asset") + FIX.format("--synonym TEXT=CATEGORY") in said
    reports = run("reports", odd_reports(tmp_path), "--format", "fixmystreet")
    assert reports.exit_code == 0, reports.output
    said = " ".join(reports.output.split())
    assert UNMATCHED.format(n=4, what="report") + FIX.format("--synonym TEXT=CATEGORY") in said
    assert "[taxonomy." not in assets.output + reports.output
    assert "taxonomy=" not in assets.output + reports.output


def test_unmatched_categories_in_a_project_file(tmp_path):
    config = project(tmp_path / "p", 'file = "zones.geojson"')
    shutil.copy(SAMPLE / "zones.geojson", config.parent / "zones.geojson")
    odd_assets(config.parent)
    odd_reports(config.parent)
    with config.open("a") as file:
        file.write(
            '\n[[assets]]\nfile = "odd_assets.csv"\n\n'
            '[[reports]]\nfile = "odd_reports.csv"\nformat = "fixmystreet"\n'
        )
    layers = hs.load_layers(hs.load_project(config).inputs)  # from Python: the file's keys
    notes = [note for result in layers.imports for note in result.notes]
    assert unmatched_note(notes, "asset", 3) == FIX.format('[taxonomy.assets] "TEXT" = "CATEGORY"')
    assert unmatched_note(notes, "report", 4) == FIX.format(
        '[taxonomy.reports] "TEXT" = "CATEGORY"'
    )
    assert not any("--synonym" in note or "taxonomy=" in note for note in notes)


def test_a_comparison_to_come_in_each_language():
    from healthy_streets.history import describe_earlier

    first = "No earlier build in the store to compare with: this build is the first, and "
    said = first + "the next one (with {}) will show what changed since it."
    assert describe_earlier(None, wanted=True) == [said.format("since_last=True")]
    with speaking_to("cli"):
        assert describe_earlier(None, wanted=True) == [said.format("--since-last")]


def test_a_comparison_a_one_zone_build_cannot_show_again(tmp_path):
    from types import SimpleNamespace

    from healthy_streets.pipeline import _comparison

    earlier = SimpleNamespace(compared_with="b-1", compared_at=None, day="3 March 2025")
    for words, zone in (("python", 'zone="NAME"'), ("cli", "--zone NAME")):
        with speaking_to(words):
            changes, notes = _comparison(earlier, None, tmp_path, partial=True)
        assert changes is None
        assert notes is not None and notes[0].endswith(
            f"Build every zone (leave out {zone}) to compare again."
        ), words


def test_an_unknown_category_in_each_language():
    with pytest.raises(hs.errors.ConfigError) as info:
        hs.report_category("Dug fowl")
    assert str(info.value).endswith("(docs/taxonomy.md lists them, with the words read as each).")
    result = run("evaluate", "--sample", "--category", "Dug fowl")
    assert result.exit_code == 2
    assert "(healthy-streets categories lists them)" in " ".join(result.output.split())


def test_a_missing_project_file_in_each_language(tmp_path):
    with pytest.raises(hs.errors.ProjectFileError) as info:
        hs.load_project(tmp_path / "nope")
    message = str(info.value)
    assert message.endswith(
        "does not exist. Create a project with: healthy_streets.project.init_project(FOLDER), "
        'or name the project file: load_project("path/to/healthy-streets.toml").'
    )
    assert "healthy-streets init" not in message
    result = run("build", tmp_path / "nope")
    said = " ".join(result.output.split())
    assert result.exit_code != 0
    assert (
        "does not exist. Create a project with: healthy-streets init FOLDER, or name the "
        "project file: healthy-streets build path/to/healthy-streets.toml." in said
    )


def test_attaching_in_the_database_of_a_geopackage_in_each_language(tmp_path):
    config = project(tmp_path / "p", 'file = "zones.geojson"')
    shutil.copy(SAMPLE / "zones.geojson", config.parent / "zones.geojson")
    needs = "Attaching in the database needs a PostGIS store, but the store is "
    fix = "Give the store as a PostgreSQL URL ({}), or build without {}."
    with pytest.raises(hs.errors.ConfigError) as info:
        hs.build(hs.load_project(config), in_database=True)
    assert needs in str(info.value)
    assert str(info.value).endswith(
        fix.format('store="postgresql://user@host/database"', "in_database=True")
    )
    result = run("build", config, "--in-database")
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert fix.format("--store postgresql://user@host/database", "--in-database") in said
    assert not (config.parent / "out").exists()


def test_a_jurisdiction_id_asked_for_in_each_language():
    from healthy_streets.io.open311 import _fix_for

    asked = "<error>jurisdiction_id is required</error>"
    start = "The service asks for a jurisdiction id: give it with "
    end = ", e.g. the site's name, fixmystreet.com."
    assert _fix_for(asked, None) == start + 'jurisdiction_id="ID"' + end
    with speaking_to("cli"):
        assert _fix_for(asked, None) == start + "--jurisdiction-id ID" + end
        with speaking_to("project", table="[[reports]]"):
            assert _fix_for(asked, None) == start + '[[reports]] jurisdiction_id = "ID"' + end


def test_speed_limit_lines_given_as_zones_in_each_language(tmp_path):
    lines = gpd.GeoDataFrame(
        {"SPEED": ["20 mph", "30 mph"]},
        geometry=[
            shapely.LineString([(358000, 417000), (358300, 417000)]),
            shapely.LineString([(358000, 417100), (358300, 417100)]),
        ],
        crs="EPSG:27700",
    )
    path = tmp_path / "limits.gpkg"
    lines.to_file(path)
    start = "Read it as council speed-limit lines: "
    with pytest.raises(InputFileError) as info:
        hs.read_zones(path)
    assert start + "read_speed_limit_lines(path) (zones_from_speed_limit_lines(" in str(info.value)
    assert "healthy-streets" not in str(info.value)
    result = run("summary", "--zones", path, "--osm-file", SAMPLE / "yarrowside.osm")
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert start + "healthy-streets zones FILE (--group-by FIELD builds zones from them)." in said
    config = project(tmp_path / "p", 'file = "limits.gpkg"')
    shutil.copy(path, config.parent / "limits.gpkg")
    with pytest.raises(InputFileError) as info:
        hs.load_layers(hs.load_project(config).inputs)
    assert start + '[zones] speed_limits = "FILE", the zones themselves in [zones] file.' in str(
        info.value
    )


def test_several_roles_of_a_mapping_are_one_setting_in_each_audience():
    swapped = {"easting": "Northing", "northing": "Easting"}
    assert (
        option("fields", roles=swapped) == 'fields={"easting": "Northing", "northing": "Easting"}'
    )
    with speaking_to("cli"):
        assert option("fields", roles=swapped) == (
            "--field easting=Northing --field northing=Easting"
        )
    with speaking_to("project", table="[[assets]]"):
        assert option("fields", roles=swapped) == (
            '[assets.fields] (of [[assets]]) easting = "Northing" and northing = "Easting"'
        )
    with pytest.raises(ValueError, match="crs is no mapping"):
        option("crs", roles=swapped)
