"""What the outputs say about where files are.

Published outputs (the store, the build's record beside the maps) name input files
relative to the project folder, never by where they are on the officer's machine.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from click.testing import CliRunner

from healthy_streets._build_record import RECORD_NAME
from healthy_streets.cli import main

from conftest import SAMPLE

PROJECT = """
[project]
name = "Yarrowside"
output = "out"

[zones]
file = "zones.geojson"

[streets]
osm_file = "yarrowside.osm"
osm_assets = false

[[assets]]
file = "assets_walkabout.csv"

[[reports]]
file = "reports/fixmystreet.csv"
"""


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def project(tmp_path: Path) -> Path:
    """The sample as a project in a folder whose path names its officer."""
    folder = tmp_path / "home" / "jane.smith" / "Documents" / "council"
    folder.mkdir(parents=True)
    for name in ("zones.geojson", "yarrowside.osm", "assets_walkabout.csv"):
        shutil.copy(SAMPLE / name, folder / name)
    (folder / "reports").mkdir()
    shutil.copy(SAMPLE / "reports_fixmystreet.csv", folder / "reports" / "fixmystreet.csv")
    (folder / "healthy-streets.toml").write_text(PROJECT, encoding="utf-8")
    return folder


def texts_in(out: Path) -> dict[str, str]:
    """Every text an output holds, by file (a workbook's sheets, each store table's
    cells), as someone receiving the folder can read it."""
    found = {}
    for path in out.rglob("*"):
        if not path.is_file() or path.name.endswith(".lock"):
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                found[str(path)] = " ".join(book.read(n).decode() for n in book.namelist())
        elif path.suffix == ".gpkg":
            with sqlite3.connect(path) as db:
                tables = [
                    r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                ]
                cells = [
                    str(cell)
                    for name in tables
                    for row in db.execute(f'SELECT * FROM "{name}"')
                    for cell in row
                    if isinstance(cell, str)
                ]
            found[str(path)] = " ".join(cells)
        else:
            found[str(path)] = path.read_bytes().decode("utf-8", "replace")
    return found


def test_a_build_names_its_files_relative_to_the_project_folder(tmp_path):
    folder = project(tmp_path)
    result = run("build", folder / "healthy-streets.toml")
    assert result.exit_code == 0, result.output
    out = folder / "out"
    leaks = {name for name, text in texts_in(out).items() if "jane.smith" in text}
    assert leaks == set()  # the store, the record, the tables, the maps
    store = out / "healthy-streets.gpkg"
    provenance = pyogrio.read_dataframe(store, layer="provenance", read_geometry=False)
    assert sorted(provenance["path"]) == [
        "assets_walkabout.csv", "reports/fixmystreet.csv", "yarrowside.osm", "zones.geojson",
    ]  # fmt: skip
    reports = pyogrio.read_dataframe(store, layer="reports", read_geometry=False)
    assert set(reports["source_path"]) == {"reports/fixmystreet.csv"}
    builds = pyogrio.read_dataframe(store, layer="builds", read_geometry=False)
    assert {i["path"] for i in json.loads(builds["inputs"].iloc[0])} == set(provenance["path"])
    record = json.loads((out / RECORD_NAME).read_text())
    assert {f["path"] for f in record["inputs"]["files"]} == set(provenance["path"])
    assert record["store"]["target"] == "healthy-streets.gpkg"

    # the record still tells the next build nothing changed, and which file did
    again = run("build", folder / "healthy-streets.toml", "--overwrite")
    assert "Nothing changed since the build" in again.output
    fms = folder / "reports" / "fixmystreet.csv"
    fms.write_text("\n".join(fms.read_text().splitlines()[:-1]) + "\n")
    third = run("build", folder / "healthy-streets.toml", "--overwrite")
    assert third.exit_code == 0, third.output
    assert "fixmystreet.csv's content changed: the reports are read again" in third.output
    reports = pyogrio.read_dataframe(store, layer="reports", read_geometry=False)
    assert set(reports["source_path"]) == {"reports/fixmystreet.csv"}


def test_files_outside_the_project_folder_are_named_without_their_place(tmp_path):
    """Two files of one name from elsewhere keep their own rows, and the store does not
    say where either was."""
    store = tmp_path / "council" / "store.gpkg"
    store.parent.mkdir()
    lines = (SAMPLE / "reports_fixmystreet.csv").read_text().splitlines()
    a = tmp_path / "jane.smith" / "Downloads" / "reports.csv"
    b = tmp_path / "jane.smith" / "Desktop" / "reports.csv"
    for path, rows in ((a, lines[1:6]), (b, lines[6:9])):
        path.parent.mkdir(parents=True)
        path.write_text("\n".join([lines[0], *rows]) + "\n")
        assert run("reports", path, "--output", store).exit_code == 0
    reports = pyogrio.read_dataframe(store, layer="reports", read_geometry=False)
    counts = reports["source_path"].value_counts()
    assert sorted(counts.tolist()) == [3, 5]
    assert all(p.startswith("<outside>/") and p.endswith("/reports.csv") for p in counts.index)
    assert "jane.smith" not in texts_in(store.parent)[str(store)]


def test_an_older_store_keyed_by_absolute_paths_is_updated_in_place(tmp_path):
    """A store an earlier version wrote (rows keyed by the file's absolute path): the file
    imported again replaces its own rows, never doubles them, and another file's stay."""
    folder = tmp_path / "council"
    folder.mkdir()
    store = folder / "store.gpkg"
    lines = (SAMPLE / "reports_fixmystreet.csv").read_text().splitlines()
    mine, other = folder / "a" / "reports.csv", folder / "b" / "reports.csv"
    for path, rows in ((mine, lines[1:6]), (other, lines[6:9])):
        path.parent.mkdir()
        path.write_text("\n".join([lines[0], *rows]) + "\n")
        assert run("reports", path, "--output", store).exit_code == 0
    absolute = {p.relative_to(folder).as_posix(): str(p.resolve()) for p in (mine, other)}
    for layer, column in (("reports", "source_path"), ("provenance", "path")):  # as earlier
        frame = gpd.read_file(store, layer=layer)
        frame[column] = frame[column].map(absolute)
        pyogrio.write_dataframe(frame, store, layer=layer, driver="GPKG")
    mine.write_text("\n".join([lines[0], *lines[10:12]]) + "\n")
    assert run("reports", mine, "--output", store).exit_code == 0
    reports = pyogrio.read_dataframe(store, layer="reports", read_geometry=False)
    assert reports["source_path"].value_counts().to_dict() == {
        str(other.resolve()): 3,  # untouched until it is imported again
        "a/reports.csv": 2,
    }
    provenance = pyogrio.read_dataframe(store, layer="provenance", read_geometry=False)
    assert sorted(provenance["path"]) == sorted([str(other.resolve()), "a/reports.csv"])


@pytest.mark.realdata
def test_a_real_reports_file_is_stored_relative_to_its_project(tmp_path, shared_data):
    folder = tmp_path / "jane.smith" / "council"
    (folder / "data").mkdir(parents=True)
    (folder / "healthy-streets.toml").write_text("")
    real = folder / "data" / "bath_fms_sample.csv"
    shutil.copy(shared_data / "reports" / "bath_fms_sample.csv", real)
    store = folder / "out" / "store.gpkg"
    result = run("reports", real, "--output", store)
    assert result.exit_code == 0, result.output
    provenance = pyogrio.read_dataframe(store, layer="provenance", read_geometry=False)
    assert provenance["path"].tolist() == ["data/bath_fms_sample.csv"]
    assert provenance["rows_in"].tolist() == [1576]
    assert "jane.smith" not in texts_in(store.parent)[str(store)]
