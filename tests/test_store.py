"""The project store: a GeoPackage for QGIS, or PostGIS for a team."""

from __future__ import annotations

import copy
import errno
import json
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from click.testing import CliRunner

import healthy_streets as hs
from healthy_streets.cli import main
from healthy_streets.errors import ForeignLayerError, StoreError
from healthy_streets.io.store import (
    META_TABLE,
    PROVENANCE_COLUMNS,
    import_update,
    open_store,
    store_update,
)
from healthy_streets.model.account import ACCOUNT_COLUMNS
from healthy_streets.model.layers import LAYERS

from conftest import SAMPLE


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def layers(shared_sample_layers):
    return copy.deepcopy(shared_sample_layers)


@pytest.fixture(scope="module")
def update(layers):
    return store_update(layers, hs.sample_inputs(), folder=SAMPLE)


def open311(path, *ids, lat=53.651):
    """A small Open311 file of graffiti reports with these ids."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            [
                {
                    "service_request_id": rid,
                    "status": "open",
                    "service_name": "Graffiti",
                    "lat": lat,
                    "long": -2.62,
                    "requested_datetime": "2025-01-02T10:00:00Z",
                }
                for rid in ids
            ]
        )
    )
    return path


def council_zones(path, layer="zones"):
    """A GeoPackage of the council's own, with a zones layer of other columns."""
    frame = gpd.GeoDataFrame(
        {"SCHEME": ["Old Town"], "WARD": ["Chorley East"]},
        geometry=[shapely.box(358000, 417000, 358500, 417500)],
        crs="EPSG:27700",
    )
    frame.to_file(path, layer=layer, driver="GPKG")
    frame.assign(KIND="park").to_file(path, layer="parks", driver="GPKG")
    return path


def table(path, layer):
    return pyogrio.read_dataframe(path, layer=layer, read_geometry=False)


def test_the_geopackage_holds_every_layer_in_british_national_grid(tmp_path, layers, update):
    path = tmp_path / "store.gpkg"
    open_store(path).update(update)
    listed = dict(pyogrio.list_layers(path))
    assert set(listed) == {
        "zones", "streets", "assets", "reports", "rejected", "repaired", "provenance",
        META_TABLE, "layer_styles",  # QGIS's default style of each layer (tests/test_styles.py)
    }  # fmt: skip
    for name in ("zones", "streets", "assets", "reports"):
        info = pyogrio.read_info(path, layer=name)
        assert info["crs"] == "EPSG:27700", name
        spec = [c for c in LAYERS[name].column_names if c != "geometry"]
        assert list(info["fields"]) == [*spec, "source_path"]
        assert info["features"] == len(getattr(layers, name))
    provenance = table(path, "provenance")
    assert list(provenance.columns) == PROVENANCE_COLUMNS
    zones_row = provenance.set_index("input").loc["zones.geojson"]
    assert zones_row["role"] == "zones"
    assert zones_row["path"] == "zones.geojson"  # relative to the project folder
    assert len(zones_row["sha256"]) == 64
    assert zones_row["size_bytes"] > 1000
    assert (zones_row["rows_in"], zones_row["kept"]) == (4, 4)
    assert zones_row["toolkit_version"] == hs.__version__
    rejected = table(path, "rejected")
    assert set(rejected["source"]) == {"yarrowside.osm", "reports_open311.json"}
    assert rejected["reason"].notna().all()
    # every row says which file it came from, by its path in the project folder
    reports = table(path, "reports")
    by_name = reports.groupby("source")["source_path"].unique().map(list).to_dict()
    assert by_name == {
        "reports_fixmystreet.csv": ["reports_fixmystreet.csv"],
        "reports_open311.json": ["reports_open311.json"],
    }
    assets = table(path, "assets")
    assert set(assets["source_path"]) == {"assets_walkabout.csv", "yarrowside.osm"}
    meta = table(path, META_TABLE)
    assert set(meta["layer"]) == set(listed) - {"layer_styles"}  # shared: rows of its own
    assert set(meta["toolkit_version"]) == {hs.__version__}


def test_importing_again_replaces_instead_of_doubling(tmp_path, update):
    store = open_store(tmp_path / "store.gpkg")
    store.update(update)
    names = ("zones", "streets", "assets", "reports", "rejected", "repaired", "provenance")
    before = {name: len(store.read(name)) for name in (*names, META_TABLE)}
    store.update(update)
    assert {name: len(store.read(name)) for name in (*names, META_TABLE)} == before


def test_a_full_disk_leaves_the_store_as_it_was(tmp_path, update, monkeypatch):
    path = tmp_path / "store.gpkg"
    store = open_store(path)
    store.update(update)
    saved = path.read_bytes()
    import healthy_streets.io.store as module

    calls = {"n": 0}
    real_write = module.write_gpkg

    def fail_on_third(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(module, "write_gpkg", fail_on_third)
    with pytest.raises(StoreError) as info:
        store.update(update)
    message = str(info.value)
    assert str(path) in message
    assert "No space left on device" in message
    assert "nothing was changed" in message
    assert "Free some space on the disk" in message
    assert path.read_bytes() == saved
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.gpkg"]


def test_a_council_layer_is_never_written_over_without_overwrite(tmp_path):
    path = council_zones(tmp_path / "council.gpkg")
    saved = path.read_bytes()
    result = run("zones", SAMPLE / "zones.geojson", "--output", path)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    message = result.output.strip().splitlines()[-1]  # one line, after the import's account
    assert message.startswith("Error: ")
    assert str(path) in message
    assert "'zones'" in message
    assert "SCHEME, WARD" in message  # what the layer holds, so the officer recognises it
    assert "--overwrite" in message
    assert path.read_bytes() == saved
    assert sorted(p.name for p in tmp_path.iterdir()) == ["council.gpkg"]

    assert run("zones", SAMPLE / "zones.geojson", "-o", path, "--overwrite").exit_code == 0
    zones = pyogrio.read_dataframe(path, layer="zones")
    assert len(zones) == 4 and "SCHEME" not in zones
    parks = pyogrio.read_dataframe(path, layer="parks")  # the council's other layer: untouched
    assert parks["KIND"].tolist() == ["park"]


def test_a_table_of_another_kind_is_never_merged_into(tmp_path):
    path = tmp_path / "council.gpkg"
    # the council's own "reports" table, of another kind, and a provenance table too
    pd.DataFrame({"case": ["C1"], "officer": ["J. Bloggs"]}).pipe(
        lambda f: pyogrio.write_dataframe(f, path, layer="reports", driver="GPKG")
    )
    saved = path.read_bytes()
    result = run("reports", open311(tmp_path / "r.json", "x1"), "--output", path)
    assert result.exit_code == 1
    assert "'reports'" in result.output and "case, officer" in result.output
    assert path.read_bytes() == saved


def test_a_toolkit_layer_whose_columns_were_changed_is_foreign(tmp_path):
    path = tmp_path / "store.gpkg"
    reports = open311(tmp_path / "r.json", "x1")
    assert run("reports", reports, "--output", path).exit_code == 0
    # someone adds a column in QGIS
    edited = gpd.read_file(path, layer="reports").assign(checked_by="GIS team")
    pyogrio.write_dataframe(edited, path, layer="reports", driver="GPKG")
    saved = path.read_bytes()
    result = run("reports", reports, "--output", path)
    assert result.exit_code == 1
    assert "its columns are not the toolkit's reports: extra checked_by" in result.output
    assert path.read_bytes() == saved


def test_a_file_that_is_not_a_geopackage_is_never_replaced(tmp_path):
    path = tmp_path / "notes.gpkg"
    path.write_text("the council's notes, saved with the wrong extension")
    result = run("reports", open311(tmp_path / "r.json", "x1"), "--output", path)
    assert result.exit_code == 1
    assert "not a GeoPackage" in result.output and "--overwrite" in result.output
    assert path.read_text().startswith("the council's notes")


def test_every_import_command_refuses_a_foreign_layer(tmp_path):
    osm = SAMPLE / "yarrowside.osm"
    for command, layer, args in (
        ("zones", "zones", [SAMPLE / "zones.geojson"]),
        ("assets", "assets", [SAMPLE / "assets_walkabout.csv"]),
        ("reports", "reports", [SAMPLE / "reports_open311.json"]),
        ("network", "streets", ["--osm-file", osm]),
        ("network", "zones", ["--osm-file", osm, "--derive-zones"]),
    ):
        path = council_zones(tmp_path / f"{command}-{layer}.gpkg", layer=layer)
        saved = path.read_bytes()
        result = run(command, *args, "--output", path)
        assert result.exit_code == 1, (command, result.output)
        assert f"'{layer}'" in result.output and "--overwrite" in result.output, command
        assert path.read_bytes() == saved, command


def test_rows_are_keyed_by_the_file_not_its_name(tmp_path):
    store = tmp_path / "store.gpkg"
    a = open311(tmp_path / "a" / "reports.json", "a1", "a2")
    b = open311(tmp_path / "b" / "reports.json", "b1")
    assert run("reports", a, "-o", store).exit_code == 0
    assert run("reports", b, "-o", store).exit_code == 0  # another file of the same name adds
    reports = table(store, "reports")
    assert sorted(reports["report_id"]) == ["a1", "a2", "b1"]
    assert set(reports["source"]) == {"reports.json"}  # for people to read
    # each file by its path in the store's folder (never where that is on the machine)
    paths = reports.set_index("report_id")["source_path"]
    assert paths["a1"] == "a/reports.json" and paths["b1"] == "b/reports.json"
    provenance = table(store, "provenance").set_index("path")
    assert sorted(provenance.index) == ["a/reports.json", "b/reports.json"]
    from healthy_streets._files import sha256

    assert provenance.loc["a/reports.json", "sha256"] == sha256(a)
    assert provenance.loc["b/reports.json", "sha256"] == sha256(b)

    # the same file with new content replaces its own earlier rows, and only those
    open311(a, "a3")
    assert run("reports", a, "-o", store).exit_code == 0
    reports = table(store, "reports")
    assert sorted(reports["report_id"]) == ["a3", "b1"]
    provenance = table(store, "provenance").set_index("path")
    assert len(provenance) == 2
    assert provenance.loc["a/reports.json", "sha256"] == sha256(a)

    # the same content from another path (the file was moved) replaces, never doubles
    moved = tmp_path / "archive" / "b-reports.json"
    moved.parent.mkdir()
    moved.write_bytes(b.read_bytes())
    assert run("reports", moved, "-o", store).exit_code == 0
    reports = table(store, "reports")
    assert sorted(reports["report_id"]) == ["a3", "b1"]
    assert reports.set_index("report_id").loc["b1", "source_path"] == "archive/b-reports.json"
    assert sorted(table(store, "provenance")["path"]) == [
        "a/reports.json",
        "archive/b-reports.json",
    ]


def test_rejected_rows_are_keyed_by_the_file_too(tmp_path):
    store = tmp_path / "store.gpkg"
    a = open311(tmp_path / "a" / "reports.json", "a1", "a2", lat=float("nan"))
    b = open311(tmp_path / "b" / "reports.json", "b1", lat=float("nan"))
    for path in (a, b, a):
        assert run("reports", path, "-o", store).exit_code == 0
    rejected = table(store, "rejected")
    counts = rejected["source_path"].value_counts().to_dict()
    assert counts == {"a/reports.json": 2, "b/reports.json": 1}


def mended_zones(path):
    """A council's zones file: an outline that crosses itself (a bow tie) and two zones of
    one name, which the reader mends and makes unique."""
    bow_tie = shapely.Polygon([(358000, 417000), (358300, 417300), (358300, 417000),
                               (358000, 417300)])  # fmt: skip
    gpd.GeoDataFrame(
        {"name": ["Mill Lane", "Church Fields", "Church Fields"], "status": ["Implemented"] * 3},
        geometry=[
            bow_tie,
            shapely.box(359000, 417000, 359300, 417300),
            shapely.box(360000, 417000, 360300, 417300),
        ],
        crs="EPSG:27700",
    ).to_file(path)
    return path


def reports_with_contacts(path):
    """Reports, one with a status the reader does not know, holding an e-mail and a phone."""
    path.write_text(
        "id,category,status,created,latitude,longitude\n"
        "r1,Dog fouling,open,2025-01-02 10:00,53.651,-2.62\n"
        "r2,Dog fouling,Passed to jo.bloggs@example.com on 07700 900123,2025-01-03 10:00,"
        "53.652,-2.62\n"
    )
    return path


def check_repaired(repaired, zones, reports):
    """The store's ``repaired`` table for ``mended_zones`` and ``reports_with_contacts``."""
    assert list(repaired.columns) == ["layer", *ACCOUNT_COLUMNS, "source_path"]
    by_row = repaired.set_index(["layer", "row"]).sort_index()
    assert by_row.index.tolist() == [("reports", "3"), ("zones", "1"), ("zones", "3")]
    bow = by_row.loc[("zones", "1")]
    assert (bow["source"], bow["field"]) == ("zones.geojson", "geometry")
    assert bow["value"].startswith("Self-intersection at 358150")
    assert bow["reason"].startswith("The outline crosses itself")
    assert "it was mended" in bow["reason"]
    twin = by_row.loc[("zones", "3")]
    assert (twin["field"], twin["value"]) == ("name", "Church Fields (id 'church-fields-2')")
    assert "the zone's id is made unique" in twin["reason"]
    status = by_row.loc[("reports", "3")]
    assert (status["source"], status["field"]) == ("reports.csv", "status")
    assert status["value"] == "Passed to [email removed] on [phone removed]"
    assert status["reason"] == "The status is not one the toolkit knows; counted as open."
    # named relative to the folder of the store and the files (no project file above them)
    assert set(repaired["source_path"]) == {zones.name, reports.name}
    # no personal data anywhere in the table
    text = repaired.to_csv()
    assert "jo.bloggs" not in text and "07700" not in text and "900123" not in text


def test_rows_the_reader_repaired_are_stored_with_what_was_read_and_why(tmp_path):
    zones = mended_zones(tmp_path / "zones.geojson")
    reports = reports_with_contacts(tmp_path / "reports.csv")
    store = tmp_path / "store.gpkg"
    for command, path in (("zones", zones), ("reports", reports), ("zones", zones)):
        assert run(command, path, "-o", store).exit_code == 0  # the zones twice: not doubled
    repaired = table(store, "repaired")
    check_repaired(repaired, zones, reports)
    assert "repaired" in set(table(store, META_TABLE)["layer"])
    # the provenance counts the same rows
    provenance = table(store, "provenance").set_index("input")
    assert provenance.loc["zones.geojson", "repaired"] == 2
    assert provenance.loc["reports.csv", "repaired"] == 1
    # a file imported again without the problems leaves no repair of it behind
    gpd.read_file(zones).iloc[:2].assign(geometry=lambda f: f.buffer(0)).to_file(zones)
    assert run("zones", zones, "-o", store).exit_code == 0
    assert table(store, "repaired")["layer"].tolist() == ["reports"]


@pytest.mark.parametrize("ring", [False, True])
def test_a_build_with_two_files_of_one_name_keeps_both(tmp_path, ring):
    """Two files named alike keep their own rows in the store, also when an evaluation's
    ring has reports read beyond the buffer (kept apart from the store's layer)."""
    from healthy_streets.pipeline import Inputs

    a = open311(tmp_path / "a" / "reports.json", "a1", "a2")
    b = open311(tmp_path / "b" / "reports.json", "b1")
    if ring:  # a report about 600 m beyond the zones, in file a, read for a 900 m ring
        far = json.loads(open311(tmp_path / "far.json", "a3", lat=53.662).read_text())
        a.write_text(json.dumps([*json.loads(a.read_text()), *far]))
    inputs = Inputs(
        zones=SAMPLE / "zones.geojson", osm=SAMPLE / "yarrowside.osm", reports=[a, b],
        osm_assets=False,
    )  # fmt: skip
    built = hs.load_layers(inputs, reports_within_m=900 if ring else 0)
    if ring:
        assert built.ring_reports["report_id"].tolist() == ["a3"]
    path = tmp_path / "store.gpkg"
    open_store(path).update(store_update(built, inputs, folder=tmp_path))
    reports = table(path, "reports").set_index("report_id")
    assert reports["source_path"].to_dict() == {
        "a1": "a/reports.json", "a2": "a/reports.json", "b1": "b/reports.json",
    }  # fmt: skip
    provenance = table(path, "provenance")
    rows = provenance[provenance["role"] == "reports"].set_index("path")
    assert set(rows.index) == {"a/reports.json", "b/reports.json"}
    assert rows.loc["a/reports.json", "rows_in"] == (3 if ring else 2)
    assert rows.loc["a/reports.json", "kept"] == (3 if ring else 2)  # read, and counted
    assert rows.loc["b/reports.json", "rows_in"] == 1


def test_a_reports_file_imported_alone_replaces_only_its_rows(tmp_path, layers, update):
    store = open_store(tmp_path / "store.gpkg")
    store.update(update)
    fms = SAMPLE / "reports_fixmystreet.csv"
    result = hs.read_reports(fms)
    result.layer = result.layer.head(10)
    store.update(import_update(result, fms))
    reports = store.read("reports")
    assert (reports["source"] == "reports_fixmystreet.csv").sum() == 10
    assert (reports["source"] == "reports_open311.json").sum() == (
        layers.reports["source"] == "reports_open311.json"
    ).sum()


def test_a_store_must_be_a_geopackage_or_postgresql(tmp_path):
    from healthy_streets.errors import ConfigError

    with pytest.raises(ConfigError, match=r"\.gpkg file or a postgresql:// URL"):
        open_store(tmp_path / "store.sqlite")


def test_write_layer_refuses_a_file_that_is_not_a_geopackage(tmp_path):
    from healthy_streets.io.write import write_layer

    path = tmp_path / "x.gpkg"
    path.write_text("not a GeoPackage")
    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(0, 0)], crs="EPSG:27700")
    with pytest.raises(ForeignLayerError, match="not a GeoPackage"):
        write_layer(frame, path, "one")
    assert path.read_text() == "not a GeoPackage"
    write_layer(frame, path, "one", overwrite=True)
    assert pyogrio.list_layers(path)[:, 0].tolist() == ["one"]


@pytest.fixture
def schema(postgis_schema):
    return postgis_schema


@pytest.mark.postgis
def test_postgis_round_trip(postgis_url, schema, layers, update):
    store = open_store(postgis_url, schema=schema)
    store.update(update)
    store.update(update)  # again: nothing doubles
    for name in ("zones", "streets", "assets", "reports"):
        back = store.read(name)
        assert len(back) == len(getattr(layers, name)), name
        assert back.crs == "EPSG:27700"
        assert list(back.columns) == LAYERS[name].column_names
    zones = store.read("zones").set_index("zone_id")
    assert zones.loc["yarrowside-north", "implemented_text"] == "06/09/2021"
    reports = store.read("reports")
    original = layers.reports.set_index("report_id")
    first = reports.iloc[0]
    assert first["reported_at"] == original.loc[first["report_id"], "reported_at"]
    assert first.geometry.equals_exact(original.loc[first["report_id"]].geometry, 1e-6)
    provenance = store.read("provenance")
    assert len(provenance) == len(update.provenance)
    assert set(store.read(META_TABLE)["layer"]) == set(update.names())


@pytest.mark.postgis
def test_postgis_rows_are_keyed_by_the_file_and_foreign_tables_refused(
    postgis_url, schema, tmp_path
):
    a = open311(tmp_path / "a" / "reports.json", "a1", "a2")
    b = open311(tmp_path / "b" / "reports.json", "b1")
    store = open_store(postgis_url, schema=schema)
    for path in (a, b):
        store.update(import_update(hs.read_reports(path), path, folder=tmp_path))
    assert sorted(store.read("reports")["report_id"]) == ["a1", "a2", "b1"]
    open311(a, "a3")
    store.update(import_update(hs.read_reports(a), a, folder=tmp_path))
    assert sorted(store.read("reports")["report_id"]) == ["a3", "b1"]
    assert sorted(store.read("provenance")["path"]) == ["a/reports.json", "b/reports.json"]

    from sqlalchemy import text

    engine = store.engine()
    with engine.begin() as conn:  # the council's own zones table in the schema
        conn.execute(text(f'CREATE TABLE "{schema}".zones (scheme text, ward text)'))
        conn.execute(text(f"INSERT INTO \"{schema}\".zones VALUES ('Old Town', 'East')"))
    engine.dispose()
    zones = SAMPLE / "zones.geojson"
    with pytest.raises(ForeignLayerError, match=r"'zones'.*scheme, ward.*overwrite=True") as info:
        store.update(import_update(hs.read_zones(zones), zones))
    assert "postgres:postgres" not in str(info.value)  # no password in messages
    assert sorted(store.read("reports")["report_id"]) == ["a3", "b1"]  # nothing changed
    engine = store.engine()
    with engine.connect() as conn:
        assert conn.execute(text(f'SELECT count(*) FROM "{schema}".zones')).scalar() == 1
    engine.dispose()
    store.update(import_update(hs.read_zones(zones), zones), overwrite=True)
    assert len(store.read("zones")) == 4


@pytest.mark.postgis
def test_postgis_stores_the_rows_the_reader_repaired(postgis_url, schema, tmp_path):
    zones = mended_zones(tmp_path / "zones.geojson")
    reports = reports_with_contacts(tmp_path / "reports.csv")
    store = open_store(postgis_url, schema=schema)
    for path, read in ((zones, hs.read_zones), (reports, hs.read_reports), (zones, hs.read_zones)):
        store.update(import_update(read(path), path, folder=tmp_path))  # zones twice: not doubled
    check_repaired(store.read("repaired"), zones, reports)
    assert "repaired" in set(store.read(META_TABLE)["layer"])


@pytest.mark.postgis
def test_postgis_store_is_checked_again_without_a_warning(postgis_url, schema, update):
    """A second build, in a process of its own, inspects the stored layers before it writes
    any: PostGIS's geometry columns must not bring SQLAlchemy's "Did not recognize type"
    warning to the officer's screen."""
    open_store(postgis_url, schema=schema).update(update)
    check = (
        "from healthy_streets.io.store import open_store; "
        f"open_store({postgis_url!r}, schema={schema!r}).check(['streets'], overwrite=True)"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", check], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Did not recognize type" not in done.stderr


@pytest.mark.postgis
def test_postgis_failure_changes_nothing(postgis_url, update):
    broken = open_store(postgis_url.replace("5432", "1"), schema="hs_nowhere")
    with pytest.raises(StoreError, match="nothing was changed") as info:
        broken.update(update)
    assert "postgres:postgres" not in str(info.value)  # no password in messages


def test_a_schema_name_that_would_end_its_quotes_is_refused_before_any_sql():
    """A double quote would end the schema's quoted name in SQL and run the rest of the
    setting as SQL: the setting is refused, naming the fix."""
    from healthy_streets.errors import ConfigError

    for schema in ('a10 x"; CREATE TABLE pwned10(i int); --', "", "a\x00b"):
        with pytest.raises(ConfigError, match=r"Set \[store\] schema in the project file"):
            open_store("postgresql://gis@dbserver/hs", schema=schema)


@pytest.mark.postgis
@pytest.mark.parametrize("schema", ["pg_healthy_streets", "s" * 64])
def test_a_schema_name_the_server_refuses_names_the_setting(postgis_url, update, schema):
    """A reserved or too long name: the message says to change the schema setting, not to
    check the server, the URL, the user or the password."""
    store = open_store(postgis_url, schema=schema)
    with pytest.raises(StoreError, match="nothing was changed") as info:
        store.update(update)
    message = str(info.value)
    assert f"(schema {schema!r})" in message
    assert "The server refused the schema name" in message
    assert "Set [store] schema in the project file" in message
    assert "Check the server is running" not in message
    assert "postgres:postgres" not in message


@pytest.mark.postgis
def test_a_user_who_may_not_create_the_schema_is_told_so(postgis_url, update):
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    role = f"hs_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgis_url.replace("postgresql://", "postgresql+psycopg://"))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'pw'"))
        database = make_url(postgis_url).database
        conn.execute(text(f'REVOKE CREATE ON DATABASE "{database}" FROM {role}'))
    try:
        url = postgis_url.replace("postgres:postgres@", f"{role}:pw@")
        with pytest.raises(StoreError, match="nothing was changed") as info:
            open_store(url, schema=f"{role}_store").update(update)
        message = str(info.value)
        assert f"The user {role!r} may not create or write the schema" in message
        assert "Check the server is running" not in message
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP ROLE {role}"))
        admin.dispose()


def test_a_layer_an_earlier_version_wrote_is_the_toolkits(tmp_path, update):
    """A layer gains columns at its end (streets gained u, v, key and graph_edges): a store
    written before is still the toolkit's, and the next update rewrites the layer with today's
    columns."""
    from healthy_streets.io.store import earlier_version, stored_columns
    from healthy_streets.io.write import write_gpkg

    path = tmp_path / "store.gpkg"
    store = open_store(path)
    store.update(update)
    older = gpd.read_file(path, layer="streets").drop(columns=["u", "v", "key", "graph_edges"])
    write_gpkg(older, path, "streets")  # as a version before u, v, key and graph_edges wrote it
    columns = list(pyogrio.read_info(path, layer="streets")["fields"])
    assert earlier_version("streets", columns)
    assert not earlier_version("streets", ["segment_id", "WARD", "source_path"])
    store.check(["streets"])  # not refused as another's layer
    store.update(update)
    assert list(pyogrio.read_info(path, layer="streets")["fields"]) == stored_columns("streets")
    assert gpd.read_file(path, layer="streets")["u"].notna().all()


def _provenance_of_an_older_store(store, tmp_path, make_older):
    """Write ``update``'s store, make its ``provenance`` as a version before ``for_review``
    wrote it (``make_older``), then import one file alone: the older rows read back with
    ``for_review`` not known, the new row with its count."""
    make_older()
    before = store.read("provenance")
    assert list(before.columns) == PROVENANCE_COLUMNS
    assert before["for_review"].isna().all()  # not known, not nought
    store.check(["reports"])  # still the toolkit's table, not refused as another's
    path = open311(tmp_path / "new" / "reports.json", "n1", "n2")
    store.update(import_update(hs.read_reports(path), path, folder=tmp_path))
    after = store.read("provenance")
    assert list(after.columns) == PROVENANCE_COLUMNS
    after = after.set_index("path")
    new = after.loc["new/reports.json"]
    assert (new["rows_in"], new["kept"], new["for_review"]) == (2, 2, 0)
    assert after.drop(index="new/reports.json")["for_review"].isna().all()
    assert len(after) == len(before) + 1


def test_a_provenance_table_written_before_for_review_is_read_and_added_to(tmp_path, update):
    from healthy_streets.io.write import write_gpkg

    path = tmp_path / "store.gpkg"
    store = open_store(path)
    store.update(update)

    def make_older():
        older = pyogrio.read_dataframe(path, layer="provenance", read_geometry=False)
        write_gpkg(older.drop(columns=["for_review", "data_date"]), path, "provenance")

    _provenance_of_an_older_store(store, tmp_path, make_older)
    fields = pyogrio.read_info(path, layer="provenance")
    assert dict(zip(fields["fields"], fields["dtypes"], strict=True))["for_review"] == "int64"


@pytest.mark.postgis
def test_a_postgis_provenance_table_written_before_for_review_is_added_to(
    postgis_url, schema, update, tmp_path
):
    from sqlalchemy import text

    store = open_store(postgis_url, schema=schema)
    store.update(update)

    def make_older():
        engine = store.engine()
        with engine.begin() as conn:
            for column in ("data_date", "for_review"):
                conn.execute(text(f'ALTER TABLE "{schema}".provenance DROP COLUMN {column}'))
        engine.dispose()

    _provenance_of_an_older_store(store, tmp_path, make_older)
    store.update(update)  # a whole update over it, too
    assert (store.read("provenance")["for_review"] == 0).all()


@pytest.mark.parametrize("metres", [300.0, 10_000.0])
def test_the_area_around_the_zones_is_the_buffer_of_their_union(metres):
    """The zones and ``metres`` around them, buffered zone by zone and joined, is the
    buffer of the zones' union to within the chords that draw a buffer's arcs: every point
    that far from a zone is in it, and none much farther."""
    import numpy as np

    from healthy_streets.io.store import around

    zones = hs.read_zones(SAMPLE / "zones.geojson").layer
    area = around(zones, metres)
    whole = zones.union_all().buffer(metres)
    chord = metres * (1 - np.cos(np.pi / 32))  # the default 8 segments a quarter circle
    assert shapely.hausdorff_distance(area.boundary, whole.boundary) < 2 * chord
    assert shapely.symmetric_difference(area, whole).area < 0.005 * whole.area
    # points at 99% of the distance from the zones, all around: inside
    ring = shapely.get_coordinates(zones.union_all().buffer(metres * 0.99).exterior)
    assert shapely.contains_xy(area, ring[:, 0], ring[:, 1]).all()
    # and at 101%: outside
    beyond = shapely.get_coordinates(zones.union_all().buffer(metres * 1.01).exterior)
    assert not shapely.contains_xy(area, beyond[:, 0], beyond[:, 1]).any()
