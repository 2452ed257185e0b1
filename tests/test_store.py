"""The project store: a GeoPackage for QGIS, or PostGIS for a team."""

from __future__ import annotations

import uuid

import pandas as pd
import pyogrio
import pytest

import healthy_streets as hs
from healthy_streets.model.layers import LAYERS
from healthy_streets.store import PROVENANCE_COLUMNS, open_store, store_update


@pytest.fixture(scope="module")
def layers():
    return hs.load_layers(hs.sample_inputs())


@pytest.fixture(scope="module")
def update(layers):
    return store_update(layers, hs.sample_inputs())


def test_the_geopackage_holds_every_layer_in_british_national_grid(tmp_path, layers, update):
    path = tmp_path / "store.gpkg"
    open_store(path).update(update)
    listed = dict(pyogrio.list_layers(path))
    assert set(listed) == {"zones", "streets", "assets", "reports", "rejected", "provenance"}
    for name in ("zones", "streets", "assets", "reports"):
        info = pyogrio.read_info(path, layer=name)
        assert info["crs"] == "EPSG:27700", name
        assert list(info["fields"]) == [c for c in LAYERS[name].column_names if c != "geometry"]
        assert info["features"] == len(getattr(layers, name))
    provenance = pyogrio.read_dataframe(path, layer="provenance", read_geometry=False)
    assert list(provenance.columns) == PROVENANCE_COLUMNS
    zones_row = provenance.set_index("input").loc["zones.geojson"]
    assert zones_row["role"] == "zones"
    assert len(zones_row["sha256"]) == 64
    assert zones_row["size_bytes"] > 1000
    assert (zones_row["rows_in"], zones_row["kept"]) == (4, 4)
    assert zones_row["toolkit_version"] == hs.__version__
    rejected = pyogrio.read_dataframe(path, layer="rejected", read_geometry=False)
    assert set(rejected["source"]) == {"yarrowside.osm", "reports_open311.json"}
    assert rejected["reason"].notna().all()


def test_importing_again_replaces_instead_of_doubling(tmp_path, update):
    store = open_store(tmp_path / "store.gpkg")
    store.update(update)
    before = {
        name: len(store.read(name))
        for name in ("zones", "streets", "assets", "reports", "rejected", "provenance")
    }
    store.update(update)
    after = {name: len(store.read(name)) for name in before}
    assert after == before


def test_a_failed_import_leaves_the_store_as_it_was(tmp_path, update, monkeypatch):
    path = tmp_path / "store.gpkg"
    store = open_store(path)
    store.update(update)
    saved = path.read_bytes()
    import healthy_streets.store as module

    calls = {"n": 0}
    real_write = module._write

    def fail_on_third(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(module, "_write", fail_on_third)
    with pytest.raises(OSError, match="disk full"):
        store.update(update)
    assert path.read_bytes() == saved
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.gpkg"]


def test_a_reports_file_imported_alone_replaces_only_its_rows(tmp_path, layers, update):
    from healthy_streets.store import StoreUpdate

    store = open_store(tmp_path / "store.gpkg")
    store.update(update)
    fms = layers.reports[layers.reports["source"] == "reports_fixmystreet.csv"].head(10)
    store.update(
        StoreUpdate(
            layers={"reports": (fms, {"reports_fixmystreet.csv"})},
            rejected=pd.DataFrame(columns=["layer", "source", "row", "field", "value", "reason"]),
            provenance=pd.DataFrame(
                [{"input": "reports_fixmystreet.csv"}], columns=PROVENANCE_COLUMNS
            ),
        )
    )
    reports = store.read("reports")
    assert (reports["source"] == "reports_fixmystreet.csv").sum() == 10
    assert (reports["source"] == "reports_open311.json").sum() == (
        layers.reports["source"] == "reports_open311.json"
    ).sum()


def test_a_store_must_be_a_geopackage_or_postgresql(tmp_path):
    from healthy_streets.errors import ConfigError

    with pytest.raises(ConfigError, match=r"\.gpkg file or a postgresql:// URL"):
        open_store(tmp_path / "store.sqlite")


@pytest.mark.postgis
def test_postgis_round_trip(postgis_url, layers, update):
    schema = f"hs_test_{uuid.uuid4().hex[:8]}"
    store = open_store(postgis_url, schema=schema)
    try:
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
    finally:
        from sqlalchemy import text

        engine = store.engine()
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


@pytest.mark.postgis
def test_postgis_failure_changes_nothing(postgis_url, update):
    from healthy_streets.errors import HealthyStreetsError

    broken = open_store(postgis_url.replace("5432", "1"), schema="hs_nowhere")
    with pytest.raises(HealthyStreetsError, match="nothing was changed") as info:
        broken.update(update)
    assert "postgres:postgres" not in str(info.value)  # no password in messages
