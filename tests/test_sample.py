"""The committed sample neighbourhood (data/sample) and the generator that writes it."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import osmium
import pandas as pd
import pytest
from pyproj import Transformer
from shapely.geometry import LineString, Point, shape
from shapely.strtree import STRtree

from healthy_streets.sample import FILES, generate_sample
from healthy_streets.sample.__main__ import main

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "data" / "sample"
ROLES = {"osm", "zones", "assets", "reports_fixmystreet", "reports_open311", "truth", "readme"}
TO_BNG = Transformer.from_crs(4326, 27700, always_xy=True)

FMS_HEADER = [
    "Report ID",
    "Title",
    "Detail",
    "User Name",
    "Category",
    "Subcategory",
    "Created",
    "Confirmed",
    "Acknowledged",
    "Fixed",
    "Closed",
    "Status",
    "Latitude",
    "Longitude",
    "Query",
    "Ward",
    "Easting",
    "Northing",
    "Report URL",
    "Device Type",
    "Site Used",
    "Reported As",
]
OPEN_STATES = {"confirmed", "investigating", "in progress", "planned", "action scheduled"}
FIXED_STATES = {"fixed", "fixed - user", "fixed - council"}
CLOSED_STATES = {"closed", "unable to fix", "not responsible", "duplicate", "internal referral"}
DOG = {"Dog fouling", "Dog Fouling", "Dog Mess"}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
PHONE = re.compile(r"(?:\+44\s?7\d{3}|07\d{3}|01\d{3})\s?\d{3}\s?\d{3}")


# ---------------------------------------------------------------- fixtures


@dataclass
class Osm:
    """The OpenStreetMap file as plain dictionaries, in file order."""

    nodes: dict[int, tuple[float, float, dict[str, str]]] = field(default_factory=dict)
    ways: dict[int, tuple[list[int], dict[str, str]]] = field(default_factory=dict)
    relations: dict[int, tuple[list[tuple[str, int, str]], dict[str, str]]] = field(
        default_factory=dict
    )
    order: list[str] = field(default_factory=list)
    versions: set[int] = field(default_factory=set)
    timestamps: set[str] = field(default_factory=set)

    def highways(self) -> dict[int, tuple[list[int], dict[str, str]]]:
        return {i: w for i, w in self.ways.items() if "highway" in w[1]}

    def bng(self, node_id: int) -> tuple[float, float]:
        lon, lat, _ = self.nodes[node_id]
        return TO_BNG.transform(lon, lat)

    def line(self, way_id: int) -> LineString:
        return LineString([self.bng(n) for n in self.ways[way_id][0]])


@pytest.fixture(scope="module")
def osm() -> Osm:
    data = Osm()
    for obj in osmium.FileProcessor(str(SAMPLE / FILES["osm"])):
        data.versions.add(obj.version)
        data.timestamps.add(obj.timestamp.isoformat())
        tags = {t.k: t.v for t in obj.tags}
        if obj.is_node():
            data.nodes[obj.id] = (obj.location.lon, obj.location.lat, tags)
            data.order.append("node")
        elif obj.is_way():
            data.ways[obj.id] = ([n.ref for n in obj.nodes], tags)
            data.order.append("way")
        elif obj.is_relation():
            members = [(m.type, m.ref, m.role) for m in obj.members]
            data.relations[obj.id] = (members, tags)
            data.order.append("relation")
    return data


@pytest.fixture(scope="module")
def zones() -> dict:
    return json.loads((SAMPLE / FILES["zones"]).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def zone_shapes(zones: dict) -> dict[str, object]:
    return {f["properties"]["ZONE_NAME"]: shape(f["geometry"]) for f in zones["features"]}


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((SAMPLE / FILES["truth"]).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reports() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / FILES["reports_fixmystreet"], dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def requests() -> list[dict]:
    return json.loads((SAMPLE / FILES["reports_open311"]).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def assets() -> list[dict[str, str]]:
    with (SAMPLE / FILES["assets"]).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _zone_of(point: Point, zone_shapes: dict) -> str:
    for name, polygon in zone_shapes.items():
        if polygon.contains(point):
            return name
    return ""


# ---------------------------------------------------------------- the generator


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate_sample(tmp_path_factory.mktemp("sample"))


def test_regenerating_gives_the_committed_files_byte_for_byte(regenerated):
    assert set(regenerated) == ROLES
    assert sorted(p.name for p in SAMPLE.iterdir()) == sorted(FILES.values())
    for role, path in regenerated.items():
        assert path.name == FILES[role]
        assert path.read_bytes() == (SAMPLE / path.name).read_bytes(), f"{role} differs"


def test_another_seed_gives_different_files(tmp_path, regenerated):
    other = generate_sample(tmp_path / "other", seed=7)
    for role in ("osm", "zones", "assets", "reports_fixmystreet", "reports_open311"):
        assert other[role].read_bytes() != regenerated[role].read_bytes(), role


def test_command_line_writes_every_file(tmp_path, capsys):
    assert main([str(tmp_path / "new"), "--seed", "3"]) == 0
    printed = capsys.readouterr().out
    for name in FILES.values():
        assert (tmp_path / "new" / name).is_file()
        assert name in printed


def test_sample_is_small():
    sizes = {p.name: p.stat().st_size for p in SAMPLE.iterdir()}
    assert sum(sizes.values()) < 1.6e6
    assert sizes[FILES["reports_fixmystreet"]] < 820_000


def test_files_are_utf8_with_unix_newlines_and_no_bom():
    for path in SAMPLE.iterdir():
        data = path.read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf"), path.name
        assert b"\r\n" not in data, path.name
        data.decode("utf-8")


# ---------------------------------------------------------------- OpenStreetMap


def test_osm_header_and_element_order(osm):
    text = (SAMPLE / FILES["osm"]).read_text(encoding="utf-8")
    assert '<osm version="0.6" generator="healthy_streets sample generator">' in text
    assert "<bounds " in text.split("<node", 1)[0]
    assert osm.order == sorted(osm.order, key=["node", "way", "relation"].index)
    assert min(osm.nodes) > 0 and min(osm.ways) > 0 and min(osm.relations) > 0
    assert osm.versions == {1}
    assert osm.timestamps == {"2025-10-01T00:00:00+00:00"}


def test_every_way_node_exists(osm):
    for refs, _ in osm.ways.values():
        assert all(ref in osm.nodes for ref in refs)


def test_streets_share_nodes_where_they_meet(osm):
    main_nodes = {
        n
        for refs, tags in osm.ways.values()
        if tags.get("highway") in ("primary", "secondary", "tertiary")
        for n in refs
    }
    joins = sum(
        refs[0] in main_nodes or refs[-1] in main_nodes
        for refs, tags in osm.ways.values()
        if tags.get("highway") == "residential"
    )
    assert joins >= 30


def test_no_street_crosses_another_without_a_shared_node(osm):
    segments = []
    for refs, tags in osm.ways.values():
        if "bridge" in tags or tags.get("area") == "yes":
            continue
        if not ({"highway", "railway", "waterway"} & set(tags)):
            continue
        for a, b in itertools.pairwise(refs):
            line = LineString([osm.nodes[a][:2], osm.nodes[b][:2]])
            segments.append((line, {a, b}, "highway" in tags))
    tree = STRtree([s[0] for s in segments])
    for i, (line, ends, is_street) in enumerate(segments):
        for j in tree.query(line, predicate="intersects"):
            _, other_ends, other_street = segments[j]
            if j > i and not ends & other_ends and (is_street or other_street):
                pytest.fail(f"segments {ends} and {other_ends} cross without a shared node")


def test_look_alike_ways_are_there_with_their_tags(osm):
    tags = [t for _, t in osm.ways.values()]
    railway = [t for t in tags if t.get("railway") == "rail"]
    assert railway
    assert all(t["maxspeed"] == "75 mph" and t["usage"] == "main" and t["name"] for t in railway)
    assert any(t.get("waterway") == "river" and t.get("name") == "River Yarrow" for t in tags)
    assert any(t.get("waterway") == "stream" for t in tags)
    parks = [
        (refs, t) for refs, t in osm.ways.values() if t.get("leisure") == "park" and t.get("name")
    ]
    assert len(parks) >= 2
    assert all(refs[0] == refs[-1] for refs, _ in parks)
    school = [(r, t) for r, t in osm.ways.values() if t.get("amenity") == "school"]
    assert len(school) == 1 and school[0][0][0] == school[0][0][-1] and school[0][1]["name"]
    square = [(r, t) for r, t in osm.ways.values() if t.get("highway") == "pedestrian"]
    assert square and all(t.get("area") == "yes" and r[0] == r[-1] for r, t in square)
    assert any(t.get("landuse") == "grass" for t in tags)


def test_highway_classes_and_street_names(osm):
    ways = list(osm.highways().values())
    classes = {t["highway"] for _, t in ways}
    wanted = {"primary", "secondary", "tertiary", "unclassified", "residential", "service"}
    assert wanted | {"living_street", "footway", "path", "pedestrian"} <= classes
    primary = [t for _, t in ways if t["highway"] == "primary"]
    assert {t["ref"] for t in primary} == {"A674"}
    services = {t.get("service") for _, t in ways if t["highway"] == "service"}
    assert {"parking_aisle", "alley"} <= services
    residential = [t for _, t in ways if t["highway"] == "residential"]
    assert sum("name" in t for t in residential) / len(residential) > 0.8
    assert sum(t.get("oneway") == "yes" for _, t in ways) >= 2
    names = {t["name"] for t in residential if "name" in t}
    assert sum(len([t for t in residential if t.get("name") == n]) > 1 for n in names) >= 5


def test_point_feature_counts(osm):
    tagged = [t for _, _, t in osm.nodes.values() if t]

    def count(**wanted: str) -> int:
        return sum(all(t.get(k) == v for k, v in wanted.items()) for t in tagged)

    assert count(amenity="bench") == 25
    playground_ways = sum(t.get("leisure") == "playground" for _, t in osm.ways.values())
    assert count(leisure="playground") + playground_ways == 3
    assert count(amenity="school") == 1
    assert count(amenity="community_centre") == 1
    assert count(amenity="library") == 1
    assert count(amenity="place_of_worship") == 1
    assert count(amenity="waste_basket", waste="dog_excrement") >= 8
    assert count(amenity="waste_basket") > count(amenity="waste_basket", waste="dog_excrement")
    assert count(natural="tree") == 60
    assert count(highway="bus_stop") == 6
    assert count(amenity="pharmacy") == 1
    assert count(amenity="cafe") == 1
    assert count(highway="crossing") == 12


def test_crossings_are_street_nodes(osm):
    street_nodes = {n for refs, _ in osm.highways().values() for n in refs}
    crossings = [i for i, (_, _, t) in osm.nodes.items() if t.get("highway") == "crossing"]
    assert {osm.nodes[i][2]["crossing"] for i in crossings} == {
        "zebra",
        "traffic_signals",
        "uncontrolled",
    }
    assert all(i in street_nodes for i in crossings)


def test_every_speed_tagging_variant_is_present(osm, zone_shapes):
    ways = list(osm.highways().items())

    def having(**wanted: str | None) -> list[int]:
        return [
            i
            for i, (_, t) in ways
            if all(t.get(k.replace("_", ":")) == v for k, v in wanted.items())
        ]

    assert having(maxspeed="20 mph", maxspeed_type="GB:zone20")
    assert having(maxspeed="30 mph", maxspeed_type="GB:nsl_restricted")
    assert having(maxspeed="40 mph")
    assert having(maxspeed="20mph")
    assert having(maxspeed="20 MPH")
    assert having(maxspeed="30")
    assert having(maxspeed="20 mph;30 mph")
    assert having(zone_maxspeed="GB:20", maxspeed=None)
    assert having(maxspeed_type="GB:nsl_restricted", maxspeed=None)
    twenty_no_type = having(maxspeed="20 mph", maxspeed_type=None)
    outside = [w for w in twenty_no_type if not _zone_of(osm.line(w).centroid, zone_shapes)]
    assert outside, "a 20 mph street outside every zone"
    untagged = having(highway="residential", maxspeed=None, maxspeed_type=None)
    assert len(untagged) >= 5
    for _, (_, tags) in ways:
        if tags["highway"] in ("service", "footway", "path", "pedestrian"):
            assert "maxspeed" not in tags


def test_gap_streets_in_zone_a_are_tagged_30(osm, zone_shapes, truth):
    zone_a = zone_shapes["Yarrowside North"]
    gaps = truth["osm"]["gap_30mph_in_zone_A"]
    assert 1 <= len(gaps) <= 2
    for way_id, (_, tags) in osm.highways().items():
        if tags.get("name") in gaps:
            assert tags["maxspeed"] == "30 mph"
            assert zone_a.contains(osm.line(way_id).centroid)


def test_osmnx_finds_at_least_400_street_segments():
    import osmnx as ox  # a dependency of the toolkit: never skipped

    graph = ox.graph_from_xml(SAMPLE / FILES["osm"], simplify=True, retain_all=True)
    undirected = ox.convert.to_undirected(graph)
    segments = [d for *_, d in undirected.edges(keys=True, data=True) if "highway" in d]
    assert len(segments) >= 400


def test_bus_route_relation(osm):
    assert len(osm.relations) == 1
    members, tags = next(iter(osm.relations.values()))
    assert tags["type"] == "route" and tags["route"] == "bus"
    assert all(ref in (osm.ways if kind == "w" else osm.nodes) for kind, ref, _ in members)


# ---------------------------------------------------------------- zones


def test_zones_file_is_a_legacy_crs_council_export(zones):
    assert zones["type"] == "FeatureCollection"
    assert zones["crs"] == {
        "type": "name",
        "properties": {"name": "urn:ogc:def:crs:EPSG::27700"},
    }
    props = [f["properties"] for f in zones["features"]]
    assert len(props) == 4
    assert [p["IMPL_DATE"] for p in props] == [
        "06/09/2021",
        "Zone 3, 14 Mar 2022",
        "31 Jul 2016",
        "Autumn 2026?",
    ]
    assert [p["STATUS"] for p in props] == ["Implemented"] * 3 + ["Proposed"]
    assert all(re.fullmatch(r"LCC/TRO/\d{4}/\d{3}", p["TRO_REF"]) for p in props[:3])
    assert all(p["ZONE_NAME"] and "NOTES" in p for p in props)


def test_zone_polygons_are_valid_separate_and_in_chorley(zone_shapes):
    polygons = list(zone_shapes.values())
    assert all(p.is_valid and p.area > 100_000 for p in polygons)
    assert sum(p.geom_type == "MultiPolygon" for p in polygons) == 1
    for a, b in itertools.combinations(polygons, 2):
        assert a.intersection(b).area < 1.0
    for polygon in polygons:
        minx, miny, maxx, maxy = polygon.bounds
        assert 358000 < minx < maxx < 360000 and 416500 < miny < maxy < 418100


def test_main_roads_lie_outside_the_zones(osm, zone_shapes):
    for refs, tags in osm.highways().values():
        if tags["highway"] in ("primary", "secondary", "tertiary"):
            for ref in refs:
                assert not _zone_of(Point(osm.bng(ref)), zone_shapes), tags["name"]


def test_one_school_lies_outside_every_zone(osm, zone_shapes, truth):
    schools = [(lon, lat, t) for lon, lat, t in osm.nodes.values() if t.get("amenity") == "school"]
    outside = [
        t["name"]
        for lon, lat, t in schools
        if not _zone_of(Point(TO_BNG.transform(lon, lat)), zone_shapes)
    ]
    assert outside == [truth["osm"]["school_outside_zones"]]


# ---------------------------------------------------------------- FixMyStreet and Open311


def test_fixmystreet_header_is_the_export_header():
    with (SAMPLE / FILES["reports_fixmystreet"]).open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == FMS_HEADER


def test_reporters_are_named_or_anonymous(reports):
    anonymous = (reports["User Name"] == "(anonymous)").mean()
    assert 0.3 < anonymous < 0.5
    named = reports.loc[reports["User Name"] != "(anonymous)", "User Name"]
    assert named.str.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+").all()
    assert (reports["Reported As"] == "anonymous").sum() == (
        reports["User Name"] == "(anonymous)"
    ).sum()


def test_some_texts_hold_contact_details(reports, truth):
    text = reports["Title"] + " " + reports["Detail"]
    emails = text.str.contains(EMAIL)
    phones = text.str.contains(PHONE)
    assert emails.sum() >= 2 and phones.sum() >= 4
    flagged = set(reports.loc[emails | phones, "Report ID"].astype(int))
    assert flagged == set(truth["reports"]["rows_with_contact_details"])


def test_categories_states_and_dates_agree(reports):
    assert DOG | {"Flytipping", "Fly Tipping", "Fly-Tipping", "SC-Fly-Tip Defect"} <= set(
        reports["Category"]
    )
    assert set(reports["Status"]) <= OPEN_STATES | FIXED_STATES | CLOSED_STATES
    created = pd.to_datetime(reports["Created"], format="ISO8601")
    assert created.min() >= pd.Timestamp("2019-01-01")
    assert created.max() < pd.Timestamp("2025-11-01")
    assert created.is_monotonic_increasing
    fixed = reports["Status"].isin(FIXED_STATES)
    closed = reports["Status"].isin(CLOSED_STATES)
    assert (reports.loc[fixed, "Fixed"] != "").all()
    assert (pd.to_datetime(reports.loc[fixed, "Fixed"]) > created[fixed]).all()
    assert (reports.loc[closed, "Closed"] != "").all()
    assert (reports.loc[~fixed, "Fixed"] == "").all()
    assert (reports.loc[~closed, "Closed"] == "").all()
    assert reports["Report ID"].astype(int).is_unique
    assert (
        reports["Report URL"] == "https://www.fixmystreet.com/report/" + reports["Report ID"]
    ).all()


def test_report_grid_coordinates_match_latitude_longitude(reports):
    east, north = TO_BNG.transform(
        reports["Longitude"].astype(float).to_numpy(), reports["Latitude"].astype(float).to_numpy()
    )
    assert abs(east - reports["Easting"].astype(float)).max() < 2.0
    assert abs(north - reports["Northing"].astype(float)).max() < 2.0


def test_reports_lie_on_or_near_streets(osm, reports):
    lines = [osm.line(i) for i in osm.highways()]
    tree = STRtree(lines)
    points = [
        Point(float(e), float(n))
        for e, n in zip(reports["Easting"], reports["Northing"], strict=True)
    ]
    nearest = tree.query_nearest(points, return_distance=True)[1]
    assert nearest.max() < 15.0


def _before_after(reports: pd.DataFrame, zone_shapes: dict, zone: str, date: str) -> list[int]:
    dog = reports[reports["Category"].isin(DOG)].copy()
    dog["day"] = pd.to_datetime(dog["Created"]).dt.normalize()
    dog["zone"] = [
        _zone_of(Point(float(e), float(n)), zone_shapes)
        for e, n in zip(dog["Easting"], dog["Northing"], strict=True)
    ]
    change = pd.Timestamp(date)
    start, end = change - pd.DateOffset(years=1), change + pd.DateOffset(years=1)
    counts = []
    for where in (zone, ""):
        here = dog[dog["zone"] == where]
        counts.append(int(((here["day"] >= start) & (here["day"] < change)).sum()))
        counts.append(int(((here["day"] >= change) & (here["day"] < end)).sum()))
    return counts


def _ratio_ci(a: int, b: int, c: int, d: int) -> tuple[float, float]:
    ratio = (b / a) / (d / c)
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return ratio * math.exp(-1.96 * se), ratio * math.exp(1.96 * se)


def test_planted_drop_in_zone_a_is_significant(reports, zone_shapes, truth):
    a, b, c, d = _before_after(reports, zone_shapes, "Yarrowside North", "2021-09-06")
    expected = truth["before_after"]["A"]
    assert [a, b, c, d] == [
        expected["zone_before"],
        expected["zone_after"],
        expected["outside_before"],
        expected["outside_after"],
    ]
    _, high = _ratio_ci(a, b, c, d)
    assert high < 1.0
    assert 0.2 < (b / a) / (d / c) < 0.7


def test_no_effect_in_zone_b(reports, zone_shapes, truth):
    a, b, c, d = _before_after(reports, zone_shapes, "Cowslip", "2022-03-14")
    expected = truth["before_after"]["B"]
    assert [a, b] == [expected["zone_before"], expected["zone_after"]]
    low, high = _ratio_ci(a, b, c, d)
    assert low < 1.0 < high


def test_dog_fouling_is_reported_everywhere(reports, zone_shapes):
    dog = reports[reports["Category"].isin(DOG)]
    where = {
        _zone_of(Point(float(e), float(n)), zone_shapes)
        for e, n in zip(dog["Easting"], dog["Northing"], strict=True)
    }
    assert where == {"", *zone_shapes}


def test_open311_requests_half_repeat_the_export(requests, reports, truth):
    assert len(requests) == 20
    fields = {
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "requested_datetime",
        "updated_datetime",
        "address",
        "lat",
        "long",
        "media_url",
        "title",
        "detail",
        "interface_used",
    }
    assert all(fields <= set(r) for r in requests)
    assert {r["status"] for r in requests} <= {"open", "closed"}
    assert any("requestor_name" in r for r in requests)
    by_id = reports.set_index(reports["Report ID"].astype(int))
    repeated = [r for r in requests if r["service_request_id"] in by_id.index]
    assert (
        sorted(r["service_request_id"] for r in repeated)
        == truth["reports"]["open311_duplicates_of_csv"]
    )
    assert len(repeated) == 10
    for request in repeated:
        row = by_id.loc[request["service_request_id"]]
        assert f"{request['lat']:.7f}" == row["Latitude"]
        assert f"{request['long']:.7f}" == row["Longitude"]
        assert request["service_name"] == row["Category"]
        assert dt.datetime.fromisoformat(request["requested_datetime"]).replace(
            tzinfo=None
        ) == dt.datetime.fromisoformat(row["Created"])
    offsets = {r["requested_datetime"][-6:] for r in requests}
    assert offsets <= {"+00:00", "+01:00"}


# ---------------------------------------------------------------- walkabout assets


def test_asset_sheet_columns_and_messy_categories(assets):
    assert list(assets[0]) == [
        "Name",
        "Category",
        "Latitude",
        "Longitude",
        "Easting",
        "Northing",
        "Grid Ref",
        "Notes",
        "Added By",
        "Date Added",
    ]
    assert 60 <= len(assets) <= 80
    categories = {a["Category"] for a in assets}
    assert {"Bench", "bench", "Benches", "seat", "poo bin", "Comunity Centre"} <= categories
    assert "Thingy by the wall" in categories
    assert all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", a["Date Added"]) for a in assets)
    assert all(a["Added By"] for a in assets)
    assert any("," in a["Notes"] for a in assets) and any('"' in a["Notes"] for a in assets)


def test_assets_are_located_one_way_or_another(assets):
    def has(a: dict[str, str], *keys: str) -> bool:
        return all(a[k] for k in keys)

    only_latlon = [a for a in assets if has(a, "Latitude") and not has(a, "Easting")]
    only_en = [a for a in assets if has(a, "Easting") and not has(a, "Latitude")]
    grid_only = [a for a in assets if has(a, "Grid Ref")]
    assert only_latlon and only_en
    assert len(grid_only) == 1
    (row,) = grid_only
    assert not any(row[k] for k in ("Latitude", "Longitude", "Easting", "Northing"))
    match = re.fullmatch(r"SD (\d{5}) (\d{5})", row["Grid Ref"])
    assert match
    easting, northing = 300000 + int(match[1]), 400000 + int(match[2])
    assert 358100 <= easting <= 359900 and 416600 <= northing <= 418000
    for asset in assets:
        assert (
            has(asset, "Latitude", "Longitude")
            or has(asset, "Easting", "Northing")
            or (asset is row)
        )
