"""Rebuilds reuse the store when nothing they read has changed, and read every input again,
saying why, when something has.

A small project from the generated sample (two zones, the walkabout, the FixMyStreet
reports) is built once; every test starts from a copy of that build.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from healthy_streets._rebuild import RECORD_NAME
from healthy_streets.cli import main

from conftest import SAMPLE, sample_project


def write_project(folder: Path, *, extra: str = "") -> Path:
    """The sample's first two zones, its walkabout and its FixMyStreet reports."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("yarrowside.osm", "assets_walkabout.csv", "reports_fixmystreet.csv"):
        shutil.copy(SAMPLE / name, folder / name)
    zones = json.loads((SAMPLE / "zones.geojson").read_text())
    zones["features"] = zones["features"][:2]
    (folder / "zones.geojson").write_text(json.dumps(zones))
    (folder / "healthy-streets.toml").write_text(
        sample_project(
            "Yarrowside rebuilds",
            reports="reports_fixmystreet.csv",
            report_format="fixmystreet",
            project=extra,
        )
    )
    return folder


def build(project: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["build", str(project), "--overwrite", *args])
    assert result.exit_code == 0, result.output
    return result.output


def hashes(out: Path) -> dict[str, str]:
    """Every output file's SHA-256, the build's record aside."""
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in (RECORD_NAME, ".healthy-streets.lock")
    }


def same_map(a: Path, b: Path) -> bool:
    """Whether two meeting maps draw the same (folium names its elements at random)."""

    def plain(text: str) -> str:
        seen: dict[str, str] = {}
        return re.sub(r"_[0-9a-f]{32}", lambda m: seen.setdefault(m[0], f"_{len(seen)}"), text)

    return plain(a.read_text(encoding="utf-8")) == plain(b.read_text(encoding="utf-8"))


@dataclass
class Built:
    project: Path
    first: Path  # a copy of the project and its first build
    zone_maps: list[str]

    @property
    def out(self) -> Path:
        return self.project / "out"


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("rebuild")
    project = write_project(root / "project")
    build(project)
    shutil.copytree(project, root / "first")
    maps = sorted(p.stem for p in (root / "first" / "out" / "maps").glob("*.html"))
    return Built(project, root / "first", maps)


@pytest.fixture
def built(built_once) -> Built:
    """The project and its first build as they were, for one test to change (in the same
    folder: the store keys its rows by the files' paths, so a moved project is built
    again)."""
    shutil.rmtree(built_once.project)
    shutil.copytree(built_once.first, built_once.project)
    return Built(built_once.project, built_once.first / "out", built_once.zone_maps)


def reports_in_summary(out: Path) -> int:
    return int(pd.read_csv(out / "tables" / "summary.csv")["reports"].sum())


def test_a_rebuild_with_nothing_changed_reuses_the_store_and_changes_nothing(built):
    before = hashes(built.out)
    said = build(built.project)
    assert "Streets, assets and reports unchanged since the build of" in said
    assert "read from the store" in said
    assert "Nothing changed since the build of" in said
    assert "0 zone maps drawn again" in said
    assert hashes(built.out) == before  # every map, table and the store, byte for byte
    assert reports_in_summary(built.out) > 0


def test_zone_draws_its_map_again_and_leaves_the_rest_byte_identical(built):
    zone = built.zone_maps[0]
    before = hashes(built.out)
    said = build(built.project, "--zone", zone)
    assert "Drawn again from the store: the map of" in said
    after = hashes(built.out)
    changed = {name for name in before if after.get(name) != before[name]}
    assert changed == {f"maps/{zone}.html"}
    # drawn from the stored layers, it draws what the first build drew from the files
    assert same_map(built.out / "maps" / f"{zone}.html", built.first / "maps" / f"{zone}.html")
    again = build(built.project)  # the record knows the new map: nothing to do
    assert "Nothing changed since the build of" in again


def test_a_missing_map_is_drawn_again_from_the_store(built):
    gone = built.out / "maps" / f"{built.zone_maps[1]}.html"
    gone.unlink()
    before = hashes(built.out)
    said = build(built.project)
    assert "Drawn again from the store" in said
    assert same_map(gone, built.first / "maps" / gone.name)
    assert {k: v for k, v in hashes(built.out).items() if k != f"maps/{gone.name}"} == before


def test_a_changed_report_file_is_read_again_alone(built):
    reports = built.project / "reports_fixmystreet.csv"
    lines = reports.read_text(encoding="utf-8").splitlines(keepends=True)
    reports.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    before = reports_in_summary(built.out)
    said = build(built.project)
    assert "Zones, streets and assets unchanged since the build of" in said
    assert "reports_fixmystreet.csv's content changed: the reports are read again" in said
    assert 0 < reports_in_summary(built.out) < before
    # the same tables, rejected rows, index and maps as a build reading every file
    fresh = built.project / "fresh"
    assert "no earlier build is recorded" in build(built.project, "--output", str(fresh))
    mine, theirs = hashes(built.out), hashes(fresh)
    for name in theirs:
        if name.endswith(".csv") or name == "index.html":
            assert mine[name] == theirs[name], name
    for zone in built.zone_maps:
        assert same_map(built.out / "maps" / f"{zone}.html", fresh / "maps" / f"{zone}.html")
    assert "Nothing changed" in build(built.project)  # and the next build reuses that


def test_a_changed_asset_file_reads_every_input_again(built):
    assets = built.project / "assets_walkabout.csv"
    lines = assets.read_text(encoding="utf-8").splitlines(keepends=True)
    assets.write_text("".join(lines[:-5]), encoding="utf-8")
    said = build(built.project)
    assert "Reading every input: assets_walkabout.csv's content changed since the build" in said
    assert "unchanged since" not in said


def test_a_changed_project_setting_reads_everything_again(built):
    toml = built.project / "healthy-streets.toml"
    toml.write_text(
        sample_project(
            "Yarrowside rebuilds",
            reports="reports_fixmystreet.csv",
            report_format="fixmystreet",
            project="buffer_m = 150\n",
        )
    )
    said = build(built.project)
    assert "the project's settings changed (buffer_m)" in said
    assert "Nothing changed" not in said


def test_another_toolkit_version_reads_everything_again(built, monkeypatch):
    import healthy_streets._rebuild as rebuild

    monkeypatch.setattr(rebuild, "__version__", "99.0")
    said = build(built.project)
    assert "the toolkit's version changed" in said
    assert "to 99.0" in said
    record = json.loads((built.out / RECORD_NAME).read_text())
    assert record["inputs"]["toolkit_version"] == "99.0"


def test_other_toolkit_files_read_everything_again(built, monkeypatch):
    import healthy_streets._rebuild as rebuild

    monkeypatch.setattr(rebuild, "toolkit_digest", lambda: "a development install, edited")
    said = build(built.project)
    assert "the toolkit's files changed" in said
    assert "Nothing changed" not in said


def test_a_store_changed_outside_the_build_is_written_anew(built):
    store = built.out / "healthy-streets.gpkg"
    with sqlite3.connect(store) as db:
        kept = db.execute("SELECT count(*) FROM reports").fetchone()[0]
        db.execute("DELETE FROM reports WHERE fid IN (SELECT fid FROM reports LIMIT 5)")
    said = build(built.project)
    assert "was changed since the build of" in said
    assert "written anew from the project's files" in said
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT count(*) FROM reports").fetchone()[0] == kept


def test_a_missing_store_is_written_anew(built):
    (built.out / "healthy-streets.gpkg").unlink()
    said = build(built.project)
    assert "is missing; it is written anew" in said
    assert (built.out / "healthy-streets.gpkg").is_file()
    assert "Nothing changed" in build(built.project)


def test_an_edited_table_is_written_again(built):
    summary = built.out / "tables" / "summary.csv"
    summary.write_text("edited by hand\n", encoding="utf-8")
    said = build(built.project)
    assert "tables/summary.csv was changed or removed since the build of" in said
    assert reports_in_summary(built.out) > 0


def test_a_rebuild_still_refuses_to_replace_outputs_without_overwrite(built):
    before = hashes(built.out)
    result = CliRunner().invoke(main, ["build", str(built.project)])
    assert result.exit_code == 1
    assert "--overwrite" in result.output
    assert hashes(built.out) == before


def test_maps_a_zone_build_left_out_are_drawn_from_the_store_with_their_links(tmp_path):
    project = write_project(tmp_path / "project")
    first = build(project, "--zone", "Cowslip")
    assert "no earlier build is recorded" in first
    index = project / "out" / "index.html"
    assert 'href="maps/yarrowside-north.html"' not in index.read_text(encoding="utf-8")
    said = build(project)
    assert "Drawn again from the store: the map of 'Yarrowside North'" in said
    assert (project / "out" / "maps" / "yarrowside-north.html").is_file()
    assert 'href="maps/yarrowside-north.html"' in index.read_text(encoding="utf-8")
    assert "Nothing changed" in build(project)


# ---------------------------------------------------------------- a PostGIS store


@pytest.fixture
def postgis_project(tmp_path, postgis_url, postgis_schema) -> Path:
    """The small project with its store in a PostGIS schema of its own, built in the
    database."""
    project = write_project(tmp_path / "project")
    toml = project / "healthy-streets.toml"
    toml.write_text(
        toml.read_text()
        + f'\n[store]\nurl = "{postgis_url}"\nschema = "{postgis_schema}"\nin_database = true\n'
    )
    return project


def in_store(url: str, sql: str) -> list:
    """Run ``sql`` in the database as another user would (committed); its rows, if any."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        result = conn.execute(text(sql))
        rows = [tuple(row) for row in result] if result.returns_rows else []
    engine.dispose()
    return rows


@pytest.mark.postgis
@pytest.mark.usefixtures("working_schemas_alone")  # built in the database
def test_a_postgis_store_is_reused_when_nothing_changed(
    postgis_project, postgis_url, postgis_schema
):
    """Built twice with nothing changed, the second build reads the layers from the PostGIS
    store and changes nothing (not even the store's build records); ``--zone`` draws that
    map again from the store, as the first build drew it; the record names the database
    without its password."""
    out = postgis_project / "out"
    assert "no earlier build is recorded" in build(postgis_project)
    first = out.parent / "first"
    shutil.copytree(out, first)
    builds = in_store(postgis_url, f'SELECT count(*) FROM "{postgis_schema}".builds')
    before = hashes(out)

    said = build(postgis_project)
    assert "Streets, assets and reports unchanged since the build of" in said
    assert "read from the store postgresql+psycopg://postgres:***@" in said
    assert f"(schema {postgis_schema})" in said
    assert "Nothing changed since the build of" in said
    assert hashes(out) == before
    assert in_store(postgis_url, f'SELECT count(*) FROM "{postgis_schema}".builds') == builds
    record = (out / RECORD_NAME).read_text(encoding="utf-8")
    assert ":postgres@" not in record and "postgres:***@" in record

    zone = "cowslip"
    said = build(postgis_project, "--zone", "Cowslip")
    assert "Drawn again from the store: the map of 'Cowslip'" in said
    after = hashes(out)
    assert {name for name in before if after.get(name) != before[name]} == {f"maps/{zone}.html"}
    assert same_map(out / "maps" / f"{zone}.html", first / "maps" / f"{zone}.html")
    assert "Nothing changed since the build of" in build(postgis_project)


@pytest.mark.postgis
@pytest.mark.usefixtures("working_schemas_alone")  # built in the database
def test_a_postgis_store_changed_since_the_build_is_written_anew(
    postgis_project, postgis_url, postgis_schema
):
    """Rows another user removed, or one value edited (the rows' count unchanged), are
    seen: the next build reads every input and writes the store anew."""
    reports = f'"{postgis_schema}".reports'
    build(postgis_project)
    (kept,) = in_store(postgis_url, f"SELECT count(*) FROM {reports}")
    in_store(
        postgis_url,
        f"DELETE FROM {reports} WHERE ctid IN (SELECT ctid FROM {reports} LIMIT 5)",
    )
    said = build(postgis_project)
    assert "Reading every input: the store postgresql" in said
    assert "was changed since the build of" in said
    assert in_store(postgis_url, f"SELECT count(*) FROM {reports}") == [kept]
    assert "Nothing changed since the build of" in build(postgis_project)

    in_store(
        postgis_url,
        f"UPDATE {reports} SET title = 'Edited in QGIS' "
        f"WHERE report_id = (SELECT min(report_id) FROM {reports})",
    )
    said = build(postgis_project)
    assert "was changed since the build of" in said
    edited = in_store(postgis_url, f"SELECT count(*) FROM {reports} WHERE title = 'Edited in QGIS'")
    assert edited == [(0,)]


def test_a_zone_renamed_in_the_shapefiles_dbf_alone_reads_every_input_again(tmp_path):
    # QGIS saves a renamed zone into zones.dbf and leaves zones.shp as it was: the build
    # sees the change and shows the new name
    import geopandas as gpd

    project = write_project(tmp_path / "project")
    zones = gpd.read_file(project / "zones.geojson")
    zones.to_file(project / "zones.shp", engine="pyogrio")
    (project / "zones.geojson").unlink()
    toml = project / "healthy-streets.toml"
    toml.write_text(toml.read_text().replace('"zones.geojson"', '"zones.shp"'))
    build(project)
    shp = (project / "zones.shp").read_bytes()
    dbf = (project / "zones.dbf").read_bytes()
    assert dbf.count(b"Cowslip") == 1
    (project / "zones.dbf").write_bytes(dbf.replace(b"Cowslip", b"Oxslips"))
    said = build(project)
    changed = "zones.shp's content changed (zones.dbf) since the build"
    assert f"Reading every input: {changed}" in said
    assert (project / "zones.shp").read_bytes() == shp
    names = pd.read_csv(project / "out" / "tables" / "summary.csv")["name"].tolist()
    assert "Oxslips" in names and "Cowslip" not in names
    assert "Oxslips" in (project / "out" / "index.html").read_text(encoding="utf-8")
