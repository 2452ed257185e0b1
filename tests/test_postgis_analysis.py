"""Attaching and counting in PostGIS give what the in-memory path gives (the PostGIS tier)."""

import datetime as dt
import logging
import re
from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from test_attach import points, streets_layer

import healthy_streets as hs
from healthy_streets.analysis.attach import assign_zones, attach_to_streets
from healthy_streets.analysis.tables import asset_counts, report_counts, summarise_zones
from healthy_streets.errors import ConfigError, ProjectFileError
from healthy_streets.in_database import check_in_database, map_rows, with_database_counts
from healthy_streets.io.postgis_analysis import (
    OUTSIDE,
    layers_attached_in_database,
    working_schema,
    zone_counts_in_database,
    zone_rows,
)
from healthy_streets.io.store import PostGISStore, open_store, store_update
from healthy_streets.model.build import Layers
from healthy_streets.model.layers import ASSETS, REPORTS, conform

from conftest import square

pytestmark = pytest.mark.usefixtures("working_schemas_alone")

LINKS = ["zone_id", "segment_id", "street_name", "street_distance_m"]


def work_schemas(store):
    from sqlalchemy import text

    engine = store.engine()
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'healthy_streets_work_%'")
        ).all()
    engine.dispose()
    return rows


def unattached(layer):
    return layer.assign(zone_id=None, segment_id=None, street_name=None, street_distance_m=np.nan)


def assert_same_links(memory, database):
    left = memory[LINKS].reset_index(drop=True)
    right = database[LINKS].reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right)


@pytest.mark.postgis
def test_the_sample_attached_in_postgis_equals_the_in_memory_path(
    postgis_url, postgis_schema, sample_layers
):
    store = PostGISStore(postgis_url, schema=postgis_schema)
    given = Layers(
        zones=sample_layers.zones,
        streets=sample_layers.streets,
        assets=unattached(sample_layers.assets),
        reports=unattached(sample_layers.reports),
    )
    attached, counts = layers_attached_in_database(store, given)

    for name in ("assets", "reports"):
        assert_same_links(getattr(sample_layers, name), getattr(attached, name))
    reports = attached.reports
    assert reports["zone_id"].notna().sum() == 1687  # in a zone; the rest outside
    assert reports["segment_id"].notna().all()
    assert (reports["zone_id"] == "cowslip").sum() == 441
    assert work_schemas(store) == []  # the working tables were rolled back

    summary = summarise_zones(sample_layers)
    by_zone = counts.reports.set_index("zone_id").reindex(summary.index, fill_value=0)
    for column in ("reports", "open", "fixed", "closed"):
        assert by_zone[column].tolist() == summary[column].tolist(), column
    assets = counts.assets.set_index("zone_id")["assets"].reindex(summary.index, fill_value=0)
    assert assets.tolist() == summary["assets"].tolist()
    assert by_zone.loc[OUTSIDE, "reports"] == 1005

    keys = ["zone_id", "category"]
    memory = report_counts(sample_layers)[[*keys, "count", "open", "fixed", "closed"]]
    pd.testing.assert_frame_equal(
        memory.sort_values(keys).reset_index(drop=True), counts.reports_by_category
    )
    memory = asset_counts(sample_layers)[[*keys, "count"]]
    pd.testing.assert_frame_equal(
        memory.sort_values(keys).reset_index(drop=True), counts.assets_by_category
    )

    tables = {
        "summary": summary.reset_index(),
        "reports_by_category": report_counts(sample_layers),
    }
    broken = {
        k: t.assign(**{"count" if k != "summary" else "reports": 0}) for k, t in tables.items()
    }
    mended = with_database_counts(broken, counts)
    for name, table in tables.items():
        pd.testing.assert_frame_equal(mended[name], table, check_dtype=False)


@pytest.mark.postgis
def test_the_evaluation_of_layers_attached_in_postgis_equals_the_in_memory_one(
    postgis_url, postgis_schema, sample_layers
):
    """A build in the database places the reports in zones there and evaluates them as the
    in-memory build does: the same comparison outside all zones, leaving out the reports
    less than gap_m from a zone (displaced reports land there)."""
    store = PostGISStore(postgis_url, schema=postgis_schema)
    given = replace(sample_layers, reports=unattached(sample_layers.reports))
    attached, _ = layers_attached_in_database(store, given)
    memory = hs.before_after(sample_layers)
    database = hs.before_after(attached)
    pd.testing.assert_frame_equal(memory, database)
    north = database.loc["yarrowside-north"]
    assert north["comparison"] == (
        "streets outside all zones, from 100 m to 249 m beyond them, leaving out the 100 m "
        "next to them, where displaced reports land"
    )
    # the sample's dog fouling outside the zones, over the 24 months before and 12 after
    # its date, counted with the 100 m next to the zones and without: the band holds most
    assert (north["control_before"], north["control_after"]) == (82, 47)
    counted = hs.before_after(attached, gap_m=0).loc["yarrowside-north"]
    assert (counted["control_before"], counted["control_after"]) == (229, 124)
    pd.testing.assert_frame_equal(
        hs.before_after(sample_layers, gap_m=0), hs.before_after(attached, gap_m=0)
    )


@pytest.mark.postgis
def test_shared_edges_and_equidistant_streets_are_settled_alike(
    postgis_url, postgis_schema, two_zones
):
    """A point on the edge "west" and "east" share is in "east" (first by zone_id, though the
    file lists it second); a point as near two streets goes to the one first by segment_id
    ("s-10" before "s-9" in text order, where the spatial index alone finds "s-9"); a point exactly
    at the attaching distance is attached, one beyond it is not."""
    y = 417050
    streets = streets_layer(
        [
            ("s-10", "South Lane", 20.0, "local", [(358000, y - 20), (358200, y - 20)]),
            ("s-9", "North Lane", 20.0, "local", [(358000, y + 20), (358200, y + 20)]),
        ]
    )
    xy = [
        (358100, y),  # on the shared edge, 20 m from both lanes
        (358100, 417000),  # the shared edge's end, 30 m from South Lane: too far
        (358050, y),  # inside west, equidistant
        (358150, y + 19),  # inside east, nearest North Lane
        (358300, y + 20 + 30),  # outside the zones, 30 m beyond North Lane's end: too far
        (358150, y + 20 + 25),  # in east, 25 m from North Lane exactly: attached
    ]
    reports = points(REPORTS, xy, report_id=[f"r{i}" for i in range(len(xy))])
    reports["category"] = "dog_fouling"
    reports["status"] = ["open", "fixed", "closed", "open", "open", "fixed"]
    reports["reported_at"] = pd.Timestamp("2024-05-01 10:00", tz="Europe/London")
    park = conform(
        gpd.GeoDataFrame(
            {"asset_id": ["park"], "category": ["park"]},
            geometry=[square(358090, 417010, 20)],  # across the shared edge
            crs="EPSG:27700",
        ),
        ASSETS,
    )
    bench = points(ASSETS, [(358100, y)], asset_id=["bench"], category=["bench"])
    assets = gpd.GeoDataFrame(pd.concat([park, bench], ignore_index=True), crs="EPSG:27700")

    memory = {
        name: attach_to_streets(assign_zones(layer, two_zones), streets, max_distance_m=25)
        for name, layer in (("reports", reports), ("assets", assets))
    }
    store = PostGISStore(postgis_url, schema=postgis_schema)
    given = Layers(zones=two_zones, streets=streets, assets=assets, reports=reports)
    from healthy_streets import settings

    before = settings.attach_distance_m
    settings.attach_distance_m = 25
    try:
        attached, counts = layers_attached_in_database(store, given)
    finally:
        settings.attach_distance_m = before

    zones = attached.reports["zone_id"].fillna("-").tolist()
    assert zones == ["east", "east", "west", "east", "-", "east"]
    segments = attached.reports["segment_id"].fillna("-").tolist()
    assert segments == ["s-10", "-", "s-10", "s-9", "-", "s-9"]
    assert attached.reports["street_distance_m"].tolist()[5] == 25.0
    assert attached.assets["zone_id"].tolist() == ["east", "east"]
    assert attached.assets["segment_id"].isna().tolist() == [True, False]  # a park is an area
    for name in ("reports", "assets"):
        assert_same_links(memory[name], getattr(attached, name))
    by_zone = counts.reports.set_index("zone_id")
    assert by_zone.loc["east", ["reports", "open", "fixed", "closed"]].tolist() == [4, 2, 2, 0]
    assert by_zone.loc[OUTSIDE, "reports"] == 1


@pytest.mark.postgis
def test_counts_over_a_period_equal_the_summary_of_that_period(
    postgis_url, postgis_schema, sample_layers
):
    store = open_store(postgis_url, schema=postgis_schema)
    store.update(store_update(sample_layers, hs.sample_inputs()))
    start, end = (
        pd.Timestamp("2021-01-01", tz="Europe/London"),
        pd.Timestamp("2022-01-01", tz="Europe/London"),
    )
    engine = store.engine()
    with engine.connect() as conn:
        counts = zone_counts_in_database(conn, schema=postgis_schema, start=start, end=end)
    engine.dispose()
    summary = summarise_zones(sample_layers, start="2021-01-01", end="2022-01-01")
    by_zone = counts.reports.set_index("zone_id").reindex(summary.index, fill_value=0)
    assert by_zone["reports"].tolist() == summary["reports"].tolist()
    assert 0 < by_zone["reports"].sum() < len(sample_layers.reports)


@pytest.mark.postgis
def test_one_zones_rows_streamed_back_equal_the_layers_within_its_view(
    postgis_url, postgis_schema, sample_layers
):
    store = open_store(postgis_url, schema=postgis_schema)
    store.update(store_update(sample_layers, hs.sample_inputs()))
    zone = sample_layers.zones.set_index("zone_id").loc["cowslip"]
    view = zone.geometry.buffer(250)
    engine = store.engine()
    with engine.connect() as conn:
        rows = zone_rows(conn, "cowslip", schema=postgis_schema, margin_m=250)
        nowhere = zone_rows(conn, "no-such-zone", schema=postgis_schema)
    engine.dispose()

    assert rows.zone["zone_id"].tolist() == ["cowslip"]
    for name, key in (("streets", "segment_id"), ("assets", "asset_id"), ("reports", "report_id")):
        layer = getattr(sample_layers, name)
        within = layer[layer.intersects(view)].sort_values(key).reset_index(drop=True)
        back = getattr(rows, name).sort_values(key).reset_index(drop=True)
        assert 0 < len(back) < len(layer), name
        assert back[key].tolist() == within[key].tolist(), name
        assert list(back.columns) == list(layer.columns)
        columns = [c for c in ("zone_id", "segment_id", "category", "status") if c in layer]
        pd.testing.assert_frame_equal(back[columns], within[columns], check_dtype=False)
        assert back.geometry.geom_equals_exact(within.geometry, 1e-6).all(), name
    assert rows.reports["zone_id"].isin(["cowslip", np.nan]).any()
    assert nowhere.zone.empty and nowhere.reports.empty


def test_in_database_needs_a_postgresql_store(tmp_path):
    with pytest.raises(ConfigError, match=r"needs a PostGIS store.*'out/healthy-streets.gpkg'"):
        check_in_database("out/healthy-streets.gpkg")
    check_in_database("postgresql://gis@dbserver/healthy_streets")
    project = tmp_path / "healthy-streets.toml"
    project.write_text(
        '[zones]\nfile = "zones.geojson"\n[streets]\nosm_file = "x.osm"\n'
        "[store]\nin_database = true\n"
    )
    with pytest.raises(ProjectFileError, match=r"in_database = true .* no PostgreSQL url"):
        hs.load_project(project)

    from healthy_streets.pipeline import build
    from healthy_streets.project import sample_project

    out = tmp_path / "out"
    with pytest.raises(ConfigError, match="needs a PostGIS store"):
        build(sample_project(out), in_database=True)
    assert not out.exists()  # refused before any work


@pytest.mark.postgis
def test_a_build_in_the_database_gives_the_in_memory_zones_links_and_summary(
    postgis_url, postgis_schema, sample_layers, tmp_path
):
    from healthy_streets.pipeline import build
    from healthy_streets.project import sample_project

    project = sample_project(tmp_path / "out")
    project.store, project.store_schema, project.in_database = postgis_url, postgis_schema, True
    layers, outputs = build(project, zone="cowslip")

    for name in ("assets", "reports"):
        assert_same_links(getattr(sample_layers, name), getattr(layers, name))
    stored = open_store(postgis_url, schema=postgis_schema).read("reports")
    memory = sample_layers.reports.set_index("report_id")["segment_id"]
    assert stored.set_index("report_id")["segment_id"].sort_index().equals(memory.sort_index())
    summary = pd.read_csv(outputs.tables["summary"]).set_index("zone_id")
    expected = summarise_zones(sample_layers)
    for column in ("assets", "reports", "open", "fixed", "closed"):
        assert summary[column].tolist() == expected[column].tolist(), column


def same_map(a: str, b: str) -> bool:
    """Whether two meeting maps draw the same (folium names its elements at random)."""

    def plain(text: str) -> str:
        seen: dict[str, str] = {}
        return re.sub(r"_[0-9a-f]{32}", lambda m: seen.setdefault(m[0], f"_{len(seen)}"), text)

    return plain(a) == plain(b)


@pytest.mark.postgis
def test_an_in_database_build_draws_the_maps_the_in_memory_build_draws(
    postgis_url, postgis_schema, tmp_path, caplog
):
    """Every map of the sample built in the database, each drawn from its zone's rows read
    back from it, is the in-memory build's page (folium's random names aside), and the
    working tables are gone afterwards."""
    from healthy_streets.pipeline import build
    from healthy_streets.project import sample_project

    _, memory = build(sample_project(tmp_path / "memory"))
    project = sample_project(tmp_path / "database")
    project.store, project.store_schema, project.in_database = postgis_url, postgis_schema, True
    with caplog.at_level(logging.DEBUG, logger="healthy_streets.maps.batch"):
        _, database = build(project)

    read = {r.zone_id: r.rows_read for r in caplog.records if getattr(r, "rows_read", None)}
    assert set(read) == set(memory.maps) and all(n > 0 for n in read.values())
    assert len(memory.maps) == 4
    for zone_id, page in memory.maps.items():
        drawn = database.maps[zone_id].read_text(encoding="utf-8")
        assert same_map(drawn, page.read_text(encoding="utf-8")), zone_id
    assert work_schemas(open_store(postgis_url, schema=postgis_schema)) == []


def rows_in_view(layers, gaps, zone_id, margin_m=250.0):
    """How many rows the map of ``zone_id`` draws from the layers in memory."""
    zones = layers.zones
    zone = zones[zones["zone_id"] == zone_id].iloc[0]
    area = zone.geometry.buffer(margin_m)
    count = 1 + int(zones.intersects(shapely.box(*area.bounds)).sum())
    for layer in (layers.streets, layers.assets, layers.reports, layers.basemap, gaps):
        count += int(layer.intersects(area).sum())
    return count


@pytest.mark.postgis
def test_a_map_worker_reads_its_own_zones_rows_and_draws_them(
    postgis_url, postgis_schema, sample_layers, tmp_path, caplog
):
    """Drawn in two worker processes from the database, each map reads exactly the rows of
    its own view (not the county's) and draws what ``meeting_map`` draws from the layers,
    though the layers in memory the workers were forked with have no reports or assets."""
    from healthy_streets.analysis.gaps import twenty_mph_gaps
    from healthy_streets.maps.batch import save_maps
    from healthy_streets.maps.meeting import meeting_map

    store = PostGISStore(postgis_url, schema=postgis_schema)
    gaps = twenty_mph_gaps(sample_layers)
    emptied = replace(
        sample_layers,
        assets=sample_layers.assets.iloc[:0],
        reports=sample_layers.reports.iloc[:0],
    )
    zone_ids = list(sample_layers.zones["zone_id"])
    with working_schema(store, sample_layers) as work:
        rows = map_rows(work, gaps=gaps, basemap=sample_layers.basemap)
        with caplog.at_level(logging.DEBUG, logger="healthy_streets.maps.batch"):
            written = save_maps(
                emptied,
                {zid: tmp_path / f"{zid}.html" for zid in zone_ids},
                workers=2,
                made_on=dt.date(2026, 11, 25),
                rows=rows,
            )
        cowslip = work.reader()("cowslip")  # in this process, for a look at what is read

    read = {r.zone_id: r.rows_read for r in caplog.records if getattr(r, "rows_read", None)}
    everything = (
        sum(
            len(layer)
            for layer in (*(getattr(sample_layers, n) for n in ("zones", "streets")), gaps)
        )
        + len(sample_layers.assets)
        + len(sample_layers.reports)
        + len(sample_layers.basemap)
    )
    for zid in zone_ids:
        assert read[zid] == rows_in_view(sample_layers, gaps, zid), zid
        assert read[zid] < everything / 1.5, zid
        expected = meeting_map(sample_layers, zid, made_on=dt.date(2026, 11, 25))
        drawn = written[zid].read_text(encoding="utf-8")
        assert same_map(drawn, expected.get_root().render()), zid
    assert (
        len(cowslip.reports)
        == int(
            sample_layers.reports.intersects(
                sample_layers.zones.set_index("zone_id").loc["cowslip"].geometry.buffer(250)
            ).sum()
        )
        > 100
    )
    assert work_schemas(store) == []


def fail_while_drawing(store, layers, seen):
    with working_schema(store, layers) as work:
        seen += [work_schemas(store), work.name]
        raise RuntimeError("a map could not be drawn")


@pytest.mark.postgis
def test_working_tables_go_when_the_build_fails_or_was_killed(postgis_url, sample_layers):
    """A build that fails drops its working schema; one killed outright leaves its schema
    behind, unlocked, and the next build drops it; a schema whose build still runs (its
    lock held) is left alone."""
    from sqlalchemy import text

    store = PostGISStore(postgis_url, schema="unused")
    engine = store.engine()
    killed, running = "healthy_streets_work_00000000dead", "healthy_streets_work_00000000beef"
    with engine.connect() as other:
        other.execute(text(f'CREATE SCHEMA "{killed}"; CREATE SCHEMA "{running}"'))
        other.execute(text("SELECT pg_advisory_lock(:key)"), {"key": int("beef", 16)})
        other.commit()
        try:
            seen: list = []
            with pytest.raises(RuntimeError, match="could not be drawn"):
                fail_while_drawing(store, sample_layers, seen)
            assert set(seen[0]) == {(running,), (seen[1],)}  # the killed build's schema dropped
            assert work_schemas(store) == [(running,)]
        finally:
            other.execute(text(f'DROP SCHEMA IF EXISTS "{running}"'))
            other.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": int("beef", 16)})
            other.commit()
    engine.dispose()
