"""What changed since the last meeting: every build recorded in the store, and a build with
``--since-last`` (or ``compare = "last"``) marking what is new, fixed, added or removed.

A small project (the sample's zones, its walkabout and part of its Open311 reports) is built
once, then its files change as they would between meetings: new reports arrive, one open
report is fixed, one report disappears, a place is added, one is renamed, one removed, and
the walkabout's rows shift (a row inserted at the top). The second build must list exactly
those changes, and nothing for the places that only moved down the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import re
import shutil
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner
from test_browser import LAYER_COUNTS, OfflinePage, browser  # noqa: F401 (a fixture)

import healthy_streets as hs
from healthy_streets import history
from healthy_streets._files import sha256
from healthy_streets.analysis.changes import CHANGE_COLUMNS, SAME_PLACE_M, Changes, changes_since
from healthy_streets.analysis.tables import OUTSIDE
from healthy_streets.cli import main
from healthy_streets.history import public_url
from healthy_streets.io import open311
from healthy_streets.maps.index import index_page
from healthy_streets.model.build import Layers
from healthy_streets.model.history import EarlierBuild

from conftest import SAMPLE, sample_project
from fake_open311_server import FakeOpen311
from map_pages import drawn

HOSTILE_NAME = "=1+2 <img src=x onerror=alert(1)> {{7*7}}"
#: Where the place added between the meetings is (latitude, longitude, as the file has them).
ADDED_AT = ("53.6501", "-2.6190")


def write_project(folder: Path, *, compare: str = "", store: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("yarrowside.osm", "zones.geojson"):
        shutil.copy(SAMPLE / name, folder / name)
    (folder / "healthy-streets.toml").write_text(
        sample_project("Since the last meeting", project=compare, end=store)
    )


def sample_reports() -> list[dict]:
    return json.loads((SAMPLE / "reports_open311.json").read_text())


def sample_places() -> list[dict[str, str]]:
    with (SAMPLE / "assets_walkabout.csv").open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def write_places(folder: Path, rows: list[dict[str, str]]) -> None:
    with (folder / "assets_walkabout.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def build(folder: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["build", str(folder), "--overwrite", *args])
    assert result.exit_code == 0, result.output
    return result.output


@dataclass
class Meeting:
    """Two builds of one project, with what changed between them."""

    folder: Path
    first: str  # what the first build printed
    second: str  # what the second printed
    new: set[str]  # report ids that arrived
    fixed: str  # the report fixed since
    gone: str  # the report no longer in the file
    added: str  # the name of the place added
    renamed: tuple[str, str]  # (old name, new name)
    removed: str  # the name of the place removed

    def changes(self) -> pd.DataFrame:
        return pd.read_csv(
            self.folder / "out" / "tables" / "changes.csv", dtype="str", encoding="utf-8-sig"
        )


def two_builds(folder: Path, *, store: str = "", compare: str = "") -> Meeting:
    write_project(folder, store=store, compare=compare)
    reports, places = sample_reports(), sample_places()
    before = reports[:12]
    open_ones = [r for r in before if r["status"] == "open"]
    (folder / "reports_open311.json").write_text(json.dumps(before))
    write_places(folder, places)
    first = build(folder, *([] if compare else ["--since-last"]))

    # between the meetings
    after = [dict(r) for r in reports]
    fixed = next(r for r in after if r["service_request_id"] == open_ones[0]["service_request_id"])
    fixed["status"] = "fixed"
    gone = after.pop(1)  # no longer in the export
    (folder / "reports_open311.json").write_text(json.dumps(after))
    renamed = places[5]
    new_name = "Bench by the pond (repainted)"
    removed = places[7]
    added = dict(places[3], Name=HOSTILE_NAME, Latitude=ADDED_AT[0], Longitude=ADDED_AT[1])
    changed = [added] + [dict(p) for p in places if p is not removed]  # every row shifts
    next(p for p in changed if p["Name"] == renamed["Name"])["Name"] = new_name
    write_places(folder, changed)
    second = build(folder, *([] if compare else ["--since-last"]))
    return Meeting(
        folder=folder,
        first=first,
        second=second,
        new={str(r["service_request_id"]) for r in reports[12:]},
        fixed=str(fixed["service_request_id"]),
        gone=str(gone["service_request_id"]),
        added=HOSTILE_NAME,
        renamed=(renamed["Name"], new_name),
        removed=removed["Name"],
    )


@pytest.fixture(scope="module")
def meeting(tmp_path_factory) -> Meeting:
    return two_builds(tmp_path_factory.mktemp("since") / "project")


def test_the_first_build_says_there_is_nothing_to_compare_with(meeting):
    assert "No earlier build in the store to compare with" in meeting.first


def test_changes_csv_lists_exactly_what_changed(meeting):
    changes = meeting.changes()
    by_kind = changes.groupby("change")["id"].apply(set).to_dict()
    # every report that arrived and was read is new (a report outside the area is not kept)
    assert by_kind["new_report"] <= meeting.new and len(by_kind["new_report"]) >= 6
    assert by_kind["report_fixed"] == {meeting.fixed}
    assert by_kind["report_gone"] == {meeting.gone}
    places = changes[changes["change"].str.startswith("asset")]
    assert set(places["change"]) == {"asset_added", "asset_renamed", "asset_removed"}
    assert len(places) == 3, "places that only moved down the file are not changes"
    what = dict(zip(places["change"], places["what"], strict=True))
    assert meeting.removed in what["asset_removed"]
    assert meeting.renamed[1] in what["asset_renamed"]
    assert what["asset_renamed"].endswith(f"{meeting.renamed[1]} (was {meeting.renamed[0]})")
    # a formula typed into a place's name is neutralised in the CSV
    assert what["asset_added"].startswith("Benches") or not what["asset_added"].startswith("=")


def test_changes_carry_no_report_text_and_say_where(meeting):
    changes = meeting.changes()
    texts = [r[key] for r in sample_reports() for key in ("title", "detail")]
    titles = {t for t in texts if len(t.split()) >= 3}  # not a bare category ("Dog fouling")
    assert not set(changes.columns) & {"title", "detail", "description"}
    assert not titles & set(changes.stack())
    lat, lon = changes["lat"].astype(float), changes["lon"].astype(float)
    assert lat.between(53.6, 53.7).all() and lon.between(-2.7, -2.5).all()  # every change
    # the report no longer in the data: where the last build had it
    gone = changes[changes["change"] == "report_gone"].iloc[0]
    was = next(r for r in sample_reports() if str(r["service_request_id"]) == meeting.gone)
    where = (float(gone["lon"]), float(gone["lat"]))
    assert _metres_apart(where, (float(was["long"]), float(was["lat"]))) < 1.0
    summary = pd.read_csv(meeting.folder / "out" / "tables" / "summary.csv", encoding="utf-8-sig")
    names = dict(zip(summary["zone_id"], summary["name"], strict=True))
    assert all(names[z] == n for z, n in zip(changes["zone_id"], changes["zone"], strict=True))


def test_the_build_prints_the_counts(meeting):
    changes = meeting.changes()
    new = (changes["change"] == "new_report").sum()
    assert (
        f"{new} new reports, 1 fixed or closed, 1 report no longer in the data, 1 place added, "
        "1 renamed or recategorised, 1 removed." in meeting.second
    )


def test_the_summary_counts_each_zones_changes(meeting):
    summary = pd.read_csv(meeting.folder / "out" / "tables" / "summary.csv", encoding="utf-8-sig")
    changes = meeting.changes()
    new = changes[changes["change"] == "new_report"].groupby("zone_id").size()
    got = summary.set_index("zone_id")["new_reports_since_last"]
    assert got.sum() == len(changes[changes["change"] == "new_report"])
    for zone_id, count in new.items():
        assert got[zone_id] == count


def test_the_index_and_each_map_mark_the_changes(meeting):
    out = meeting.folder / "out"
    changes = meeting.changes()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Since the build of" in index and "tables/changes.csv" in index
    in_zones = changes[changes["zone_id"] != "(outside zones)"]
    zone_id = in_zones[in_zones["change"] == "new_report"]["zone_id"].value_counts().index[0]
    mine = changes[changes["zone_id"] == zone_id]
    new = (mine["change"] == "new_report").sum()
    page = (out / "maps" / f"{zone_id}.html").read_text(encoding="utf-8")
    assert f"{new} new report" in page
    assert '"since_last"' in page and "New reports" in page
    # the hostile place name is data: never markup, never a template
    assert "<img src=x" not in page and "49" not in page.split("onerror")[0][-20:]


def _metres_apart(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The distance between two (longitude, latitude) positions, on the National Grid."""
    points = gpd.GeoSeries([shapely.Point(a), shapely.Point(b)], crs="EPSG:4326")
    grid = points.to_crs("EPSG:27700")
    return float(grid.iloc[0].distance(grid.iloc[1]))


def test_each_change_is_marked_on_its_zones_map_and_counted_on_its_summary_row(meeting):
    """The report fixed, the place added and the place removed are each drawn on the map of
    the zone they lie in (found from the zones file, not from the build), where they are,
    and counted on that zone's summary row, and on no other."""
    zones = gpd.read_file(SAMPLE / "zones.geojson").to_crs("EPSG:27700")
    names = hs.read_zones(SAMPLE / "zones.geojson").layer.set_index("name")["zone_id"]
    fixed = next(r for r in sample_reports() if str(r["service_request_id"]) == meeting.fixed)
    removed = next(p for p in sample_places() if p["Name"] == meeting.removed)
    where = {  # (longitude, latitude) as the files give them
        "report_fixed": (float(fixed["long"]), float(fixed["lat"])),
        "asset_added": (float(ADDED_AT[1]), float(ADDED_AT[0])),
        "asset_removed": (float(removed["Longitude"]), float(removed["Latitude"])),
    }
    zone_of = {}
    for kind, (lon, lat) in where.items():
        point = gpd.GeoSeries([shapely.Point(lon, lat)], crs="EPSG:4326").to_crs(zones.crs)
        (name,) = zones.loc[zones.contains(point.iloc[0]), "ZONE_NAME"]  # one zone each
        zone_of[kind] = names[name]
    out = meeting.folder / "out"
    legend = {
        "report_fixed": "Reports fixed or closed",
        "asset_added": "Places added",
        "asset_removed": "Places removed (where they were)",
    }
    for kind, position in where.items():
        page = (out / "maps" / f"{zone_of[kind]}.html").read_text(encoding="utf-8")
        marks = [f for f in drawn(page)["since_last"] if f["properties"]["change"] == kind]
        nearest = min(_metres_apart(position, tuple(f["geometry"]["coordinates"])) for f in marks)
        assert nearest < 2.0, (kind, zone_of[kind], nearest)
        assert legend[kind] in page
    summary = pd.read_csv(out / "tables" / "summary.csv", encoding="utf-8-sig")
    summary = summary.set_index("zone_id")
    counted = {
        "reports_fixed_or_closed_since_last": "report_fixed",
        "assets_added_since_last": "asset_added",
        "assets_removed_since_last": "asset_removed",
    }
    for column, kind in counted.items():
        expected = {zone_id: int(zone_id == zone_of[kind]) for zone_id in summary.index}
        assert summary[column].to_dict() == expected, column


def test_every_build_is_recorded_in_the_store(meeting):
    with sqlite3.connect(meeting.folder / "out" / "healthy-streets.gpkg") as db:
        builds = pd.read_sql("SELECT * FROM builds ORDER BY built_at", db)
        zones = pd.read_sql("SELECT * FROM build_zones", db)
    assert len(builds) == 2
    assert builds["compared_with"].iloc[1] == builds["build_id"].iloc[0]
    inputs = json.loads(builds["inputs"].iloc[1])
    assert {i["role"] for i in inputs} >= {"zones", "streets", "assets", "reports"}
    assert all(len(i["sha256"] or "") == 64 for i in inputs if i["role"] != "streets")
    second = zones[zones["build_id"] == builds["build_id"].iloc[1]].set_index("zone_id")
    changes = meeting.changes()
    new = changes[changes["change"] == "new_report"].groupby("zone_id").size()
    new = new.drop("(outside zones)", errors="ignore")
    assert len(new) and (second["new_reports"].reindex(new.index) == new).all()
    first = zones[zones["build_id"] == builds["build_id"].iloc[0]]
    assert first["new_reports"].isna().all(), "the first build compared with nothing"
    for column, kind in (("reports_gone", "report_gone"), ("assets_renamed", "asset_renamed")):
        counted = changes[changes["change"] == kind].groupby("zone_id").size()
        counted = counted.drop("(outside zones)", errors="ignore")
        expected = counted.reindex(second.index, fill_value=0)
        assert second[column].astype(int).to_dict() == expected.to_dict(), column
        assert first[column].isna().all(), column


#: The per-zone counts a store written before they were recorded lacks.
LATER_COUNTS = ["reports_gone", "assets_renamed"]


def _build_over_an_older_store(folder: Path, make_older) -> None:
    """Build, make the store's ``build_zones`` as an earlier version wrote it (without
    :data:`LATER_COUNTS`), change the reports and build again, comparing."""
    reports = sample_reports()
    (folder / "reports_open311.json").write_text(json.dumps(reports[:12]))
    write_places(folder, sample_places())
    build(folder, "--since-last")
    make_older()
    (folder / "reports_open311.json").write_text(json.dumps(reports[1:12]))  # one gone
    build(folder, "--since-last")


def _check_history_of_an_older_store(zones: pd.DataFrame) -> None:
    first, second = (zones[zones["build_id"] == b] for b in zones["build_id"].unique())
    assert first[LATER_COUNTS].isna().all().all()  # not known, not nought
    assert second["reports_gone"].notna().all() and second["reports_gone"].astype(int).sum() == 1
    assert (second["assets_renamed"].astype(int) == 0).all()


def test_a_store_written_before_the_later_counts_is_built_into_and_read(tmp_path):
    from healthy_streets.io.store import BUILD_ZONES_COLUMNS, open_store
    from healthy_streets.io.write import write_gpkg

    folder = tmp_path / "project"
    write_project(folder)
    gpkg = folder / "out" / "healthy-streets.gpkg"

    older = gpkg.with_name("older.gpkg")

    def make_older_and_read() -> None:
        zones = open_store(gpkg).read("build_zones")
        write_gpkg(zones.drop(columns=LATER_COUNTS), gpkg, "build_zones")
        shutil.copy(gpkg, older)

    _build_over_an_older_store(folder, make_older_and_read)
    read_older = open_store(older).read("build_zones")  # read as it is: the counts unknown
    assert list(read_older.columns) == BUILD_ZONES_COLUMNS
    assert read_older[LATER_COUNTS].isna().all().all()
    zones = open_store(gpkg).read("build_zones")
    assert list(zones.columns) == BUILD_ZONES_COLUMNS
    _check_history_of_an_older_store(zones)


def test_a_postgis_store_written_before_the_later_counts_is_built_into(tmp_path, postgis_url):
    from sqlalchemy import text

    from healthy_streets.io.store import BUILD_ZONES_COLUMNS, open_store

    schema = f"hs_older_{uuid.uuid4().hex[:8]}"
    folder = tmp_path / "project"
    write_project(folder, store=f'[store]\nurl = "{postgis_url}"\nschema = "{schema}"\n')
    store = open_store(postgis_url, schema=schema)

    def make_older() -> None:
        engine = store.engine()
        with engine.begin() as conn:
            for column in LATER_COUNTS:
                conn.execute(text(f'ALTER TABLE "{schema}".build_zones DROP COLUMN {column}'))
        engine.dispose()
        assert list(store.read("build_zones").columns) == BUILD_ZONES_COLUMNS  # unknown

    try:
        _build_over_an_older_store(folder, make_older)
        zones = store.read("build_zones")
        assert list(zones.columns) == BUILD_ZONES_COLUMNS
        _check_history_of_an_older_store(zones)
    finally:
        engine = store.engine()
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


#: The words a reader sees for each count, and the kinds of change each counts (the tests'
#: own copy: what the index, the maps and the build say must match these).
SAID = [
    (("new_report",), "new report", "new reports"),
    (("report_fixed", "report_closed"), "fixed or closed", "fixed or closed"),
    (("report_gone",), "report no longer in the data", "reports no longer in the data"),
    (("asset_added",), "place added", "places added"),
    (("asset_renamed",), "renamed or recategorised", "renamed or recategorised"),
    (("asset_removed",), "removed", "removed"),
]
#: Each map legend's row -> the kinds of change it counts.
LEGEND_ROWS = {
    "New reports": ("new_report",),
    "Reports fixed or closed": ("report_fixed", "report_closed"),
    "Reports no longer in the data (not drawn: see tables/changes.csv)": ("report_gone",),
    "Places added": ("asset_added",),
    "Places renamed or recategorised": ("asset_renamed",),
    "Places removed (where they were)": ("asset_removed",),
}


def said_of(kinds: pd.Series) -> str:
    """What a reader should see for these changes, counts of none left out."""
    parts = []
    for counted, one, many in SAID:
        n = int(kinds.isin(counted).sum())
        if n:
            parts.append(f"{n} {one if n == 1 else many}")
    return ", ".join(parts) or "No change"


def numbers_said(text: str) -> dict[tuple[str, ...], int]:
    """The count a sentence gives for each kind of change (none said: 0)."""
    found = {}
    for counted, one, many in SAID:
        match = re.search(rf"(\d+) (?:{re.escape(many)}|{re.escape(one)})\b", text)
        found[counted] = int(match.group(1)) if match else 0
    return found


def index_cells(page: str) -> dict[str, str]:
    """The index's "Since ..." cell of each row, by the row's zone name."""
    cells = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S):
        since = re.search(r'<td data-label="Since [^"]*">(.*?)</td>', row, flags=re.S)
        if since:
            name = re.sub(r"<[^>]+>", "", row.split("</td>")[0]).strip()
            cells[html.unescape(name)] = html.unescape(since.group(1).strip())
    return cells


def since_heading(page: str) -> str:
    return html.unescape(re.search(r'<p class="hs-since">(.*?)</p>', page).group(1))


def since_legend(page: str) -> dict[str, str]:
    """The legend's rows under "Since the last build": words -> how many."""
    start = page.index("Since the last build (")
    section = page[start : page.index("</section>", start)]
    rows = re.findall(
        r'<li data-hs-row="">.*?</span>([^<]*)<span class="hs-count">([^<]*)</span>', section
    )
    return {html.unescape(words): amount for words, amount in rows}


def test_the_index_says_every_zones_changes_and_those_outside_all_zones(meeting):
    changes = meeting.changes()
    cells = index_cells((meeting.folder / "out" / "index.html").read_text(encoding="utf-8"))
    zones = hs.read_zones(SAMPLE / "zones.geojson").layer["name"]
    assert set(cells) == {*zones, "Outside all zones"}
    outside = changes[changes["zone"] == "Outside all zones"]
    assert len(outside), "the project has changes outside every zone"
    assert cells["Outside all zones"] == said_of(outside["change"]) != "No change"
    for name, cell in cells.items():
        assert cell == said_of(changes.loc[changes["zone"] == name, "change"]), name


def test_reports_no_longer_in_the_data_are_said_wherever_changes_are_counted(meeting):
    changes = meeting.changes()
    (zone_id,) = changes.loc[changes["change"] == "report_gone", "zone_id"]
    name = changes.loc[changes["zone_id"] == zone_id, "zone"].iloc[0]
    out = meeting.folder / "out"
    assert (
        "1 report no longer in the data"
        in index_cells((out / "index.html").read_text(encoding="utf-8"))[name]
    )
    page = (out / "maps" / f"{zone_id}.html").read_text(encoding="utf-8")
    assert "1 report no longer in the data" in since_heading(page)
    assert (
        since_legend(page)["Reports no longer in the data (not drawn: see tables/changes.csv)"]
        == "1"
    )
    summary = pd.read_csv(out / "tables" / "summary.csv", encoding="utf-8-sig")
    gone = summary.set_index("zone_id")["reports_gone_since_last"].to_dict()
    assert gone == {z: int(z == zone_id) for z in summary["zone_id"]}
    assert "1 report no longer in the data" in meeting.second


def test_each_maps_heading_and_legend_give_the_same_counts_as_changes_csv(meeting):
    """The heading's counts, the legend's and changes.csv's agree on every map; the rings
    drawn outside the zone are the legend's "nearby" and the heading's second sentence."""
    changes = meeting.changes()
    out = meeting.folder / "out"
    for path in sorted((out / "maps").glob("*.html")):
        page = path.read_text(encoding="utf-8")
        mine = changes.loc[changes["zone_id"] == path.stem, "change"]
        heading = since_heading(page)
        in_zone, _, nearby_text = heading.partition(" Also ringed on this map, outside the zone:")
        assert numbers_said(in_zone) == numbers_said(said_of(mine)), path.stem
        legend = since_legend(page)
        here, near = {}, {}
        for words, amount in legend.items():
            match = re.fullmatch(r"(\d+)(?: \(\+(\d+) nearby\))?", amount)
            assert match, amount
            here[LEGEND_ROWS[words]] = int(match.group(1))
            near[LEGEND_ROWS[words]] = int(match.group(2) or 0)
        said_here, said_near = numbers_said(in_zone), numbers_said(nearby_text)
        for kinds in LEGEND_ROWS.values():
            assert here.get(kinds, 0) == said_here[kinds], (path.stem, kinds, heading, legend)
            assert near.get(kinds, 0) == said_near[kinds], (path.stem, kinds, heading, legend)
        rings = drawn(page).get("since_last", [])
        inside = sum(n for kinds, n in here.items() if kinds != ("report_gone",))
        assert len(rings) == inside + sum(near.values()), path.stem


def test_the_index_and_a_map_in_the_words_of_the_audit(tmp_path):
    """Outside every zone 2 new reports, 1 closed and a place added; in a zone, only two
    reports no longer in the data; in another, nothing."""
    rows = [
        (None, "new_report", 53.65, -2.61),
        (None, "new_report", 53.651, -2.611),
        (None, "report_closed", 53.652, -2.612),
        (None, "asset_added", 53.653, -2.613),
        ("meadows", "report_gone", None, None),
        ("meadows", "report_gone", None, None),
    ]
    table = pd.DataFrame(
        [
            dict.fromkeys(CHANGE_COLUMNS)
            | {"zone_id": z, "change": k, "id": str(i), "lat": lat, "lon": lon}
            for i, (z, k, lat, lon) in enumerate(rows)
        ],
        columns=CHANGE_COLUMNS,
    )
    empty = pd.DataFrame(columns=["report_id", "category", "status", "reported_at"])
    changes = Changes(since=_earlier(empty, _places([])), table=table)
    square = shapely.box(0, 0, 100, 100)
    zones = gpd.GeoDataFrame(
        {
            "zone_id": ["meadows", "quiet"],
            "name": ["Yarrow Meadows", "Quiet Lane"],
            "status": "implemented",
        },
        geometry=[square, shapely.affinity.translate(square, 200)],
        crs="EPSG:27700",
    )
    figures = pd.DataFrame(
        {
            "name": ["Yarrow Meadows", "Quiet Lane", "Outside all zones"],
            "status": ["implemented", "implemented", None],
            "street_km": [5.7, 1.0, 11.9],
            "share_20mph": [1.0, 1.0, 0.03],
            "assets": [21, 3, 59],
            "reports_past_year": [43, 2, 120],
        },
        index=pd.Index(["meadows", "quiet", "(outside zones)"], name="zone_id"),
    )
    page = index_page(figures, zones, {}, since_last=changes)
    assert index_cells(page) == {
        "Yarrow Meadows": "2 reports no longer in the data",
        "Quiet Lane": "No change",
        "Outside all zones": "2 new reports, 1 fixed or closed, 1 place added",
    }
    assert (
        "Since the build of 12 October 2026: 2 new reports, 1 fixed or closed, 2 reports no "
        "longer in the data, 1 place added, none removed." in html.unescape(page)
    )


def test_the_store_records_which_open311_service_the_reports_came_from(tmp_path, monkeypatch):
    """The build's row in ``builds`` names the service (never its user name, password or
    key) and says when the reports were fetched, and fingerprints the reports read."""
    monkeypatch.setattr(open311, "MIN_INTERVAL_S", 0.0)
    folder = tmp_path / "project"
    write_project(folder)
    write_places(folder, sample_places())
    with FakeOpen311(sample_reports()) as server:
        port = server.base.split(":")[2].split("/")[0]
        address = f"http://jo:s3cret@127.0.0.1:{port}/open311/v2?api_key=k3y&format=json"
        config = folder / "healthy-streets.toml"
        config.write_text(
            config.read_text().replace(
                'file = "reports_open311.json"\nformat = "open311"\n',
                f'open311 = "{address}"\njurisdiction_id = "chorley"\nsince = 2020-01-01\n',
            )
        )
        before = dt.datetime.now(dt.UTC).replace(microsecond=0)
        build(folder)
        after = dt.datetime.now(dt.UTC)
        assert server.requests, "the reports came from the service"
    with sqlite3.connect(folder / "out" / "healthy-streets.gpkg") as db:
        (inputs,) = db.execute("SELECT inputs FROM builds").fetchone()
    (entry,) = [i for i in json.loads(inputs) if i["role"] == "reports"]
    assert entry["url"] == f"http://127.0.0.1:{port}/open311/v2/requests.json"
    assert entry["jurisdiction_id"] == "chorley"
    assert before <= dt.datetime.fromisoformat(entry["fetched_at"]) <= after
    assert entry["path"].startswith("cache/open311/")  # in the project folder
    assert entry["sha256"] == sha256(folder / entry["path"] / "requests.json")
    for secret in ("s3cret", "k3y"):
        assert secret not in json.dumps({k: v for k, v in entry.items() if k != "path"})


def test_an_offline_build_says_how_old_its_reports_are_on_the_index_and_every_map(
    tmp_path, monkeypatch
):
    """The service reached by the first build, not by the second: the second reads the
    cache, and its index and each map say when those reports were fetched."""
    monkeypatch.setattr(open311, "MIN_INTERVAL_S", 0.0)
    folder = tmp_path / "project"
    write_project(folder)
    write_places(folder, sample_places())
    with FakeOpen311(sample_reports()) as server:
        config = folder / "healthy-streets.toml"
        config.write_text(
            config.read_text().replace(
                'file = "reports_open311.json"\nformat = "open311"\n',
                f'open311 = "{server.url}"\njurisdiction_id = "chorley"\nsince = 2020-01-01\n',
            )
        )
        build(folder)
        host = server.base.split("/")[2]
    out = folder / "out"
    pages = [out / "index.html", *sorted((out / "maps").glob("*.html"))]
    assert not any("could not be reached" in p.read_text(encoding="utf-8") for p in pages)
    (state,) = (folder / "cache").rglob("state.json")  # as fetched 27 days ago
    fetched = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=27, hours=1)
    saved = json.loads(state.read_text())
    state.write_text(json.dumps(saved | {"fetched_at": fetched.isoformat()}))
    said = build(folder)  # the server is stopped
    assert "Offline" in said
    local = pd.Timestamp(fetched).tz_convert("Europe/London")
    sentence = (
        f"Reports from the Open311 service {host} as fetched 27 days ago "
        f"({local:%-d %B %Y}): the service could not be reached for this build."
    )
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert sentence in html.unescape(text), page.name
    # a warning, not chatter: said even when quiet, once, on standard error
    quiet = CliRunner().invoke(main, ["-q", "build", str(folder), "--overwrite"])
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stderr.count(f"Warning: {sentence}") == 1
    assert quiet.stdout.strip() == str((out / "index.html").resolve())  # nothing else


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("https://jo:pw@council.example/open311/v2", "https://council.example/open311/v2"),
        (
            "https://council.example:8443/v2/requests.json?jurisdiction_id=c&API_KEY=1&token=2"
            "&access_token=3&client_secret=4&password=5",
            "https://council.example:8443/v2/requests.json?jurisdiction_id=c",
        ),
        ("http://user@[::1]:8080/v2#part", "http://[::1]:8080/v2"),
    ],
)
def test_a_recorded_service_address_carries_no_credentials(address, public):
    assert public_url(address) == public


def test_compare_last_in_the_project_file(tmp_path):
    meeting = two_builds(tmp_path / "project", compare='compare = "last"\n')
    assert "No earlier build" in meeting.first
    assert "1 fixed or closed" in meeting.second


def test_a_one_zone_build_keeps_the_comparison_and_is_never_the_baseline(tmp_path):
    """After a full build that compared, ``build --zone`` draws one map: changes.csv, the
    index and every map still show what changed since the meeting before, and the next
    full build compares with the last full build, not with the one-zone build."""
    meeting = two_builds(tmp_path / "project", compare='compare = "last"\n')
    out = meeting.folder / "out"
    listed = (out / "tables" / "changes.csv").read_bytes()
    cells = index_cells((out / "index.html").read_text(encoding="utf-8"))
    changes = meeting.changes()
    in_zones = changes[changes["zone_id"] != OUTSIDE]
    elsewhere = in_zones[in_zones["change"] == "new_report"]["zone_id"].value_counts().index[0]
    other = next(z for z in changes["zone_id"].unique() if z not in (elsewhere, OUTSIDE))
    name = changes.loc[changes["zone_id"] == other, "zone"].iloc[0]
    said = build(meeting.folder, "--zone", name)
    assert (out / "tables" / "changes.csv").read_bytes() == listed
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index_cells(index) == cells
    for zone_id in (elsewhere, other):  # the map drawn again and one left as it was
        page = (out / "maps" / f"{zone_id}.html").read_text(encoding="utf-8")
        in_zone = since_heading(page).partition(" Also ringed")[0]
        assert numbers_said(in_zone) == numbers_said(cells[names_of(out)[zone_id]]), zone_id
        assert numbers_said(cells[names_of(out)[zone_id]]) != numbers_said("")
    assert "the next build of every zone compares with that build" in said
    build(meeting.folder)
    with sqlite3.connect(out / "healthy-streets.gpkg") as db:
        builds = pd.read_sql("SELECT * FROM builds ORDER BY built_at", db)
    first, second, partial, third = builds.to_dict("records")
    assert partial["zones_drawn"] == other and third["zones_drawn"] in ("", None)
    assert partial["compared_with"] == first["build_id"]  # as the full build's maps show
    assert third["compared_with"] == second["build_id"]  # never the one-zone build


#: The sample's reports that come in around a one-zone build (each with the zone it lies
#: in, from the zones file), and the open report fixed before it.
BEFORE_THE_ZONE = {"4549582": "kestrel-park", "4552334": "yarrow-meadows"}
AFTER_THE_ZONE = {"4554826": "cowslip"}
FIXED_BEFORE_THE_ZONE = "4475120"
#: A place added before the one-zone build (at ADDED_AT, in Kestrel Park).
PLACE_BEFORE_THE_ZONE = "Stop by the new crossing"


def _reports_of(ids: set[str]) -> list[dict]:
    return [r for r in sample_reports() if str(r["service_request_id"]) in ids]


def _around_a_one_zone_build(
    folder: Path, *, store: str = "", make_older=None
) -> tuple[pd.DataFrame, str]:
    """A full build (the sample's first 12 reports; its store then made as an earlier
    version wrote it by ``make_older``, if given); then reports arrive, one is fixed and a
    place is added; a build of Yarrow Meadows alone; another report arrives; a full build
    with ``--since-last``. Returns its changes.csv and what it printed."""
    write_project(folder, store=store)
    first = sample_reports()[:12]
    assert FIXED_BEFORE_THE_ZONE in {
        str(r["service_request_id"]) for r in first if r["status"] == "open"
    }
    (folder / "reports_open311.json").write_text(json.dumps(first))
    places = sample_places()
    write_places(folder, places)
    build(folder)
    if make_older is not None:
        make_older(folder / "out" / "healthy-streets.gpkg")

    reports = [dict(r) for r in first] + _reports_of(set(BEFORE_THE_ZONE))
    next(r for r in reports if str(r["service_request_id"]) == FIXED_BEFORE_THE_ZONE)["status"] = (
        "fixed"
    )
    (folder / "reports_open311.json").write_text(json.dumps(reports))
    added = dict(places[3], Name=PLACE_BEFORE_THE_ZONE, Latitude=ADDED_AT[0], Longitude=ADDED_AT[1])
    write_places(folder, [*places, added])
    build(folder, "--zone", "Yarrow Meadows")

    reports += _reports_of(set(AFTER_THE_ZONE))
    (folder / "reports_open311.json").write_text(json.dumps(reports))
    said = build(folder, "--since-last")
    changes = pd.read_csv(
        folder / "out" / "tables" / "changes.csv", dtype="str", encoding="utf-8-sig"
    )
    return changes, said


def _check_around_a_one_zone_build(folder: Path, changes: pd.DataFrame, said: str) -> None:
    """Everything that changed since the last full build is listed, whether it came in
    before the one-zone build (in the zone it drew or another) or after it."""
    by_kind = changes.groupby("change")["id"].apply(set).to_dict()
    arrived = BEFORE_THE_ZONE | AFTER_THE_ZONE
    assert set(by_kind) == {"new_report", "report_fixed", "asset_added"}
    assert by_kind["new_report"] == set(arrived)
    assert by_kind["report_fixed"] == {FIXED_BEFORE_THE_ZONE}
    ((place, zone_id),) = changes.loc[
        changes["change"] == "asset_added", ["what", "zone_id"]
    ].values
    assert place.endswith(PLACE_BEFORE_THE_ZONE) and zone_id == "kestrel-park"
    new = changes[changes["change"] == "new_report"]
    assert dict(zip(new["id"], new["zone_id"], strict=True)) == arrived
    assert "3 new reports, 1 fixed or closed, 1 place added, none removed." in said
    assert "does not hold what that build saw" not in said
    for report in _reports_of(set(arrived)):  # ringed on its zone's map, where it is
        page = folder / "out" / "maps" / f"{arrived[str(report['service_request_id'])]}.html"
        marks = drawn(page.read_text(encoding="utf-8"))["since_last"]
        rings = [f for f in marks if f["properties"]["change"] == "new_report"]
        where = (float(report["long"]), float(report["lat"]))
        nearest = min(_metres_apart(where, tuple(f["geometry"]["coordinates"])) for f in rings)
        assert nearest < 2.0, report["service_request_id"]


def test_what_came_in_around_a_one_zone_build_is_new_at_the_next_full_build(tmp_path):
    """The one-zone build writes the store's layers again (with the reports that came in
    before it), but the next full build compares with what the last full build saw."""
    folder = tmp_path / "project"
    changes, said = _around_a_one_zone_build(folder)
    _check_around_a_one_zone_build(folder, changes, said)
    # that full build is now the baseline: the next lists only what came in since it
    reports = json.loads((folder / "reports_open311.json").read_text())
    later = _reports_of({"4555860"})
    (folder / "reports_open311.json").write_text(json.dumps(reports + later))
    again = build(folder, "--since-last")
    assert "1 new report, none fixed or closed, no places added, none removed." in again
    listed = pd.read_csv(folder / "out" / "tables" / "changes.csv", dtype="str")
    assert listed[["change", "id"]].values.tolist() == [["new_report", "4555860"]]
    with sqlite3.connect(folder / "out" / "healthy-streets.gpkg") as db:
        last = db.execute("SELECT build_id FROM builds ORDER BY built_at DESC").fetchone()[0]
        kept = pd.read_sql("SELECT * FROM build_items", db)
    assert set(kept["build_id"]) == {last}, "only the last full build's items are kept"
    reports = kept[kept["layer"] == "reports"].set_index("item_id")
    assert set(BEFORE_THE_ZONE | AFTER_THE_ZONE) <= set(reports.index)
    assert reports.at[FIXED_BEFORE_THE_ZONE, "status"] == "fixed"
    assert PLACE_BEFORE_THE_ZONE in set(kept.loc[kept["layer"] == "assets", "name"])


def _without_build_items(store: Path) -> None:
    """The GeoPackage as a version that did not keep what each build saw wrote it."""
    with sqlite3.connect(store) as db:
        db.execute("DROP TABLE build_items")
        for table in ("gpkg_contents", "gpkg_ogr_contents"):
            db.execute(f"DELETE FROM {table} WHERE table_name = 'build_items'")
        db.execute("DELETE FROM healthy_streets_meta WHERE layer = 'build_items'")


def test_a_store_that_does_not_hold_what_its_last_build_saw_is_compared_with_its_layers(
    tmp_path,
):
    """A store written by an earlier version: the comparison is with its layers, as the
    one-zone build left them, and says so; from then on the store keeps what each full
    build saw."""
    folder = tmp_path / "project"
    changes, said = _around_a_one_zone_build(folder, make_older=_without_build_items)
    assert changes[["change", "id"]].values.tolist() == [
        ["new_report", i] for i in AFTER_THE_ZONE
    ], "what came in before the one-zone build cannot be told from what the store holds"
    assert (
        "This store does not hold what that build saw (it was written by an earlier version "
        "of the toolkit, which did not keep it), and its reports and assets were written "
        "again since by a build that drew one zone's map" in " ".join(said.split())
    )
    reports = json.loads((folder / "reports_open311.json").read_text())
    (folder / "reports_open311.json").write_text(json.dumps(reports + _reports_of({"4555860"})))
    again = build(folder, "--since-last")
    listed = pd.read_csv(folder / "out" / "tables" / "changes.csv", dtype="str")
    assert listed[["change", "id"]].values.tolist() == [["new_report", "4555860"]]
    assert "does not hold" not in again


@pytest.mark.postgis
def test_what_came_in_around_a_one_zone_build_is_new_in_a_postgis_store_too(tmp_path, postgis_url):
    from sqlalchemy import text

    from healthy_streets.io.store import open_store

    schema = f"hs_since_{uuid.uuid4().hex[:8]}"
    store = f'[store]\nurl = "{postgis_url}"\nschema = "{schema}"\n'
    try:
        folder = tmp_path / "project"
        changes, said = _around_a_one_zone_build(folder, store=store)
        _check_around_a_one_zone_build(folder, changes, said)
        kept = open_store(postgis_url, schema=schema).read("build_items")
        assert len(set(kept["build_id"])) == 1
    finally:
        engine = open_store(postgis_url, schema=schema).engine()
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def test_a_store_from_before_partial_builds_were_recorded_is_compared_with(tmp_path):
    """A store whose ``builds`` has no ``zones_drawn`` (written by an earlier version):
    its builds were all full builds; the next build compares with the last and adds the
    column."""
    folder = tmp_path / "project"
    write_project(folder)
    (folder / "reports_open311.json").write_text(json.dumps(sample_reports()[:12]))
    write_places(folder, sample_places())
    build(folder)
    store = folder / "out" / "healthy-streets.gpkg"
    _without_build_items(store)  # nor what each build saw
    with sqlite3.connect(store) as db:
        db.execute("ALTER TABLE builds DROP COLUMN zones_drawn")
        (first,) = db.execute("SELECT build_id FROM builds").fetchone()
    (folder / "reports_open311.json").write_text(json.dumps(sample_reports()))
    said = build(folder, "--since-last")
    assert "new reports" in said and "No earlier build" not in said
    # its layers are as that build left them: the comparison with them is exact
    assert "does not hold" not in said
    listed = pd.read_csv(folder / "out" / "tables" / "changes.csv", dtype="str")
    later = {str(r["service_request_id"]) for r in sample_reports()[12:]}
    assert set(listed["change"]) == {"new_report"} and set(listed["id"]) <= later
    with sqlite3.connect(store) as db:
        builds = pd.read_sql("SELECT * FROM builds ORDER BY built_at", db)
    assert builds["compared_with"].tolist()[1] == first
    assert builds["zones_drawn"].fillna("").tolist() == ["", ""]


def names_of(out: Path) -> dict[str, str]:
    summary = pd.read_csv(out / "tables" / "summary.csv", encoding="utf-8-sig")
    return dict(zip(summary["zone_id"], summary["name"], strict=True))


def test_changes_csv_is_named_only_when_it_lists_a_change():
    """With nothing changed, changes.csv holds only its header: the sentence that counts
    the changes does not send the officer there."""
    when = pd.Timestamp("2026-10-12 09:00", tz="UTC").to_pydatetime()
    empty = pd.DataFrame(columns=["report_id", "category", "status", "reported_at"])
    earlier = EarlierBuild("b", when, empty, _places([]))
    nothing = Changes(since=earlier, table=pd.DataFrame(columns=CHANGE_COLUMNS))
    (said,) = history.describe_earlier(nothing, wanted=True)
    assert said == (
        "Since the build of 12 October 2026: no new reports, none fixed or closed, no places "
        "added, none removed."
    )
    before = _reports([("1", "open")])
    now = _reports([("1", "fixed")])
    changed = changes_since(_earlier(pd.DataFrame(before), _places([])), _layers(_places([]), now))
    (said,) = history.describe_earlier(changed, wanted=True)
    assert said.endswith("none removed. Listed in tables/changes.csv.")


def test_a_build_of_the_same_day_is_named_by_its_time_too():
    when = pd.Timestamp("2026-12-01 14:05", tz="UTC").to_pydatetime()
    empty = pd.DataFrame(columns=["report_id", "category", "status", "reported_at"])
    earlier = EarlierBuild("b", when, empty, _places([]), with_time=True)
    changes = Changes(since=earlier, table=pd.DataFrame(columns=CHANGE_COLUMNS))
    assert changes.sentence().startswith("Since the build of 1 December 2026, 14:05: ")
    assert EarlierBuild("b", when, empty, _places([])).day == "1 December 2026"


def test_two_builds_on_one_day_name_the_earlier_by_its_time(meeting):
    """The second build of the day says when the first was made, to the minute."""
    with sqlite3.connect(meeting.folder / "out" / "healthy-streets.gpkg") as db:
        (first,) = db.execute("SELECT built_at FROM builds ORDER BY built_at").fetchone()
    local = pd.Timestamp(first).tz_convert("Europe/London")
    assert f"Since the build of {local:%-d %B %Y, %H:%M}: " in meeting.second


def test_compare_with_another_word_is_refused(tmp_path):
    write_project(tmp_path, compare='compare = "yesterday"\n')
    result = CliRunner().invoke(main, ["build", str(tmp_path)])
    assert result.exit_code == 1
    assert '[project] compare is "yesterday": write compare = "last"' in result.output


@pytest.mark.postgis
def test_a_postgis_store_remembers_its_builds_too(tmp_path, postgis_url):
    from sqlalchemy import text

    from healthy_streets.io.store import open_store

    schema = f"hs_since_{uuid.uuid4().hex[:8]}"
    store = f'[store]\nurl = "{postgis_url}"\nschema = "{schema}"\n'
    try:
        meeting = two_builds(tmp_path / "project", store=store)
        kinds = meeting.changes()["change"].value_counts()
        assert kinds["report_fixed"] == 1 and kinds["asset_removed"] == 1
        assert len(open_store(postgis_url, schema=schema).read("builds")) == 2
    finally:
        engine = open_store(postgis_url, schema=schema).engine()
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


# the comparison itself, on layers made in code


def _earlier(reports: pd.DataFrame, assets: gpd.GeoDataFrame) -> EarlierBuild:
    return EarlierBuild(
        build_id="b1",
        built_at=pd.Timestamp("2026-10-12 18:00", tz="UTC").to_pydatetime(),
        reports=reports,
        assets=assets,
    )


def _places(rows: list[tuple[str, str, float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "asset_id": [f"walkabout-{i}" for i in range(len(rows))],
            "name": [r[0] for r in rows],
            "category": [r[1] for r in rows],
            "zone_id": "z",
        },
        geometry=[shapely.Point(r[2], r[3]) for r in rows],
        crs="EPSG:27700",
    )


def _layers(assets: gpd.GeoDataFrame, reports: gpd.GeoDataFrame) -> Layers:
    zones = gpd.GeoDataFrame({"zone_id": ["z"], "name": ["Z"]}, geometry=[None], crs=assets.crs)
    return Layers(zones=zones, streets=zones.iloc[:0], assets=assets, reports=reports)


def _reports(rows: list[tuple[str, str]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "report_id": [r[0] for r in rows],
            "category": "litter",
            "status": [r[1] for r in rows],
            "reported_at": pd.Timestamp("2026-09-01", tz="Europe/London"),
            "zone_id": "z",
            "street_name": "Kestrel Road",
        },
        geometry=[shapely.Point(354000, 418000)] * len(rows),
        crs="EPSG:27700",
    )


def test_status_changes_are_read_as_a_council_would():
    before = _reports([("1", "open"), ("2", "open"), ("3", "fixed"), ("4", "open")])
    now = _reports([("1", "fixed"), ("2", "closed"), ("3", "open"), ("4", "open"), ("5", "open")])
    places = _places([])
    changes = changes_since(_earlier(pd.DataFrame(before), places), _layers(places, now))
    got = dict(zip(changes.table["id"], changes.table["change"], strict=True))
    # a reopened report is not "fixed"; one still open is not a change
    assert got == {"5": "new_report", "1": "report_fixed", "2": "report_closed"}
    assert changes.sentence().startswith("Since the build of 12 October 2026: 1 new report, 2 ")


@pytest.mark.parametrize(
    ("moved_m", "expected"),
    [(0.0, []), (SAME_PLACE_M - 1, []), (SAME_PLACE_M + 5, ["asset_added", "asset_removed"])],
)
def test_a_place_is_the_same_place_within_a_few_metres(moved_m, expected):
    before = _places([("Bench", "bench", 0, 0), ("Bench", "bench", 0, 0), ("Bin", "bin", 50, 0)])
    now = _places([("Bin", "bin", 50, 0), ("Bench", "bench", moved_m, 0), ("Bench", "bench", 0, 0)])
    reports = _reports([])
    changes = changes_since(_earlier(pd.DataFrame(reports), before), _layers(now, reports))
    assert sorted(changes.table["change"]) == expected


def test_two_places_where_one_was_leave_one_added():
    before = _places([("Bench", "bench", 0, 0)])
    now = _places([("Bench", "bench", 0, 0), ("Bench", "bench", 0.5, 0)])
    reports = _reports([])
    changes = changes_since(_earlier(pd.DataFrame(reports), before), _layers(now, reports))
    assert list(changes.table["change"]) == ["asset_added"]


@pytest.mark.browser
def test_the_rings_are_drawn_offline_and_a_popup_shows_the_name_as_text(meeting, browser):  # noqa: F811
    changes = meeting.changes()
    added = changes[changes["change"] == "asset_added"].iloc[0]
    view = OfflinePage(browser)
    page = view.open(meeting.folder / "out" / "maps" / f"{added['zone_id']}.html")
    layers = page.evaluate(LAYER_COUNTS)
    mine = changes[(changes["zone_id"] == added["zone_id"]) & changes["lat"].notna()]
    assert layers["since_last"]["onMap"] and layers["since_last"]["features"] >= len(mine)
    text = page.evaluate("""() => {
      const ring = HS.layers.since_last.getLayers().find(
        (l) => l.feature.properties.change === "asset_added");
      ring.openPopup();
      return document.querySelector('.leaflet-popup-content .hs-popup').innerText;
    }""")
    assert "Place added" in text and HOSTILE_NAME in text
    assert page.locator(".hs-legend").inner_text().count("Places added") == 1
    assert view.console_errors == [] and view.non_tile_failures() == []
    assert view.dialogs == []  # the name's onerror never ran
    page.close()


def _records(builds: list[tuple[str, str]], items_by: str) -> dict[str, pd.DataFrame]:
    """A store's records: ``builds`` (id, zones drawn), the layers written by the last,
    ``build_items`` by ``items_by`` (and holding nothing: that build saw no report or place)."""
    from healthy_streets.io.store import META_COLUMNS, META_TABLE
    from healthy_streets.model.history import BUILD_ITEMS_COLUMNS, BUILDS_COLUMNS

    rows = [
        dict.fromkeys(BUILDS_COLUMNS, "")
        | {"build_id": b, "built_at": f"2026-10-1{i}T18:00:00+00:00", "zones_drawn": drawn}
        for i, (b, drawn) in enumerate(builds)
    ]
    last = builds[-1][0]
    meta = [
        ["reports", "x", "", last],
        ["assets", "x", "", last],
        ["build_items", "x", "", items_by],
    ]
    return {
        "builds": pd.DataFrame(rows, columns=BUILDS_COLUMNS),
        META_TABLE: pd.DataFrame(meta, columns=META_COLUMNS),
        "build_items": pd.DataFrame(columns=BUILD_ITEMS_COLUMNS),
    }


def test_what_a_full_build_saw_is_its_baseline_even_when_it_saw_nothing():
    from healthy_streets.io.store import _earlier

    read = []

    def layers():
        read.append(True)
        return _reports([("1", "open")]), _places([("Bench", "bench", 0, 0)])

    # the full build saw no report and no place; a one-zone build wrote the layers since
    earlier = _earlier(_records([("full", ""), ("zone", "cowslip")], items_by="full"), layers)
    assert earlier is not None and earlier.build_id == "full"
    assert len(earlier.reports) == 0 and len(earlier.assets) == 0 and not read
    assert earlier.note is None
    # build_items written by another build than the one compared with: the layers, said so
    earlier = _earlier(_records([("full", ""), ("zone", "cowslip")], items_by="older"), layers)
    assert earlier is not None and read and list(earlier.reports["report_id"]) == ["1"]
    assert "written by an earlier version of the toolkit" in (earlier.note or "")
