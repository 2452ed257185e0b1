"""The real-data tier: public files nobody on this project wrote, in ../shared/data."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from healthy_streets.analysis.attach import cut_streets_at_zones
from healthy_streets.io.assets import read_assets, read_excel_table
from healthy_streets.io.osm import data_date, street_network_from_osm_file
from healthy_streets.io.reports import read_reports
from healthy_streets.io.zones import read_zones
from healthy_streets.maps.meeting import meeting_map
from healthy_streets.model.layers import ZONES, conform
from healthy_streets.model.osm_date import OsmDate
from healthy_streets.model.taxonomy import asset_taxonomy

pytestmark = pytest.mark.realdata


def test_leeds_xml_holds_highway_ways_only(shared_data):
    result = street_network_from_osm_file(shared_data / "osm" / "leeds_cycleway.osm")
    streets = result.layer
    assert result.rows_in == 354  # highway ways, areas and construction left out
    assert result.rows_in == result.kept + result.n_rejected
    assert streets["highway"].notna().all()
    # the York & Selby railway carries maxspeed 35/45 mph; it never becomes a street
    assert "York & Selby Lines" not in set(streets["name"].dropna())
    assert any("7 railway" in note and "7 of them carry maxspeed" in note for note in result.notes)
    speeds = set(streets["speed_mph"].dropna())
    assert {10.0, 20.0, 30.0, 40.0} <= speeds
    assert streets["speed_mph"].dropna().between(5, 70).all()
    assert streets["length_m"].sum() == pytest.approx(16_140, rel=0.05)


def test_leeds_pbf(shared_data):
    result = street_network_from_osm_file(shared_data / "osm" / "leeds_its.osm.pbf")
    assert result.rows_in == 180
    assert set(result.layer.loc[result.layer["speed_source"] == "maxspeed", "speed_mph"]) == {30}
    assert result.layer.crs == "EPSG:27700"


def test_zones_derived_from_leeds_are_read_back_by_gaps_without_a_layer(shared_data, tmp_path):
    from click.testing import CliRunner

    from healthy_streets.cli import main

    osm = str(shared_data / "osm" / "leeds_cycleway.osm")
    derived = tmp_path / "leeds.gpkg"
    made = CliRunner().invoke(main, ["network", "--osm-file", osm, "--derive-zones",
                                     "--output", str(derived)])  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "2 candidate 20mph zones drawn from OSM." in made.output
    out = tmp_path / "gaps.csv"
    gaps = CliRunner().invoke(main, ["gaps", "--zones", str(derived), "--osm-file", osm,
                                     "-o", str(out)])  # fmt: skip
    assert gaps.exit_code == 0, gaps.output
    assert "leeds.gpkg: Read the layer 'zones', the zones healthy-streets wrote into the file" in (
        " ".join(gaps.output.split())
    )
    found = pd.read_csv(out, encoding="utf-8-sig")
    # the streets tagged faster than 20 mph inside the two zones drawn from the 20 mph ones
    faster = found[found["kind"] == "faster in zone"]
    assert sorted(faster["street"]) == ["Eastgate", "St Peters Street"]
    assert set(faster["zone_id"]) == {"osm-20mph-1", "osm-20mph-2"}


def test_camdens_mended_outlines_and_repeated_names_are_in_the_stores_repaired_table(
    shared_data, tmp_path
):
    from healthy_streets.io.store import import_update, open_store

    path = shared_data / "zones" / "camden_cpz.geojson"
    store = open_store(tmp_path / "camden.gpkg")
    store.update(import_update(read_zones(path), path))
    repaired = store.read("repaired")
    assert set(repaired["source"]) == {"camden_cpz.geojson"}
    assert set(repaired["layer"]) == {"zones"}
    rows = repaired.groupby("field")["row"].apply(sorted).to_dict()
    # the two outlines that cross themselves, and the sub-zones named as an earlier one
    assert rows == {"geometry": ["4", "53"], "sub_zone_name": ["10", "16", "18", "29", "9"]}
    bow = repaired[repaired["row"] == "4"].iloc[0]
    assert (
        bow["value"] == "Self-intersection at -0.1308108183, 51.52733283 in the file's coordinates"
    )
    assert repaired.loc[repaired["row"] == "9", "value"].tolist() == ["CA-G (id 'ca-g-2')"]


def test_the_date_of_each_real_extracts_data(shared_data):
    # the user trial's Overpass export of Oxford, taken on 25 February 2015
    result = street_network_from_osm_file(shared_data / "osm" / "oxford_centre.osm")
    assert result.data_date == OsmDate(dt.date(2015, 2, 25), "osm_base")
    assert "OpenStreetMap data of 25 February 2015 (the Overpass export's osm_base)." in (
        result.notes
    )
    # Geofabrik's header; Overpass's meta; a PBF that says none (osmconvert): its ways'
    osm = shared_data / "osm"
    assert data_date(osm / "rutland.osm.pbf") == OsmDate(dt.date(2018, 2, 27), "replication")
    assert data_date(osm / "leeds_cycleway.osm") == OsmDate(dt.date(2024, 3, 22), "osm_base")
    assert data_date(osm / "leeds_its.osm.pbf") is None
    leeds = street_network_from_osm_file(osm / "leeds_its.osm.pbf").data_date
    assert leeds == OsmDate(dt.date(2020, 5, 3), "newest")


def test_sheffield_zones_in_both_crs_agree(shared_data):
    bng = read_zones(shared_data / "zones" / "sheffield_20mph_bng.geojson").layer
    lonlat = read_zones(shared_data / "zones" / "sheffield_20mph_crs84.geojson").layer
    assert len(bng) == len(lonlat) == 57
    assert bng.crs == lonlat.crs == "EPSG:27700"
    ratio = bng.geometry.area.sum() / lonlat.geometry.area.sum()
    assert ratio == pytest.approx(1.0, abs=0.001)
    assert (bng["implemented_precision"] == "season").sum() >= 1
    assert set(bng["status"]) <= {"implemented", "proposed", "unknown"}


def test_sheffield_strategy_map_statuses(shared_data):
    result = read_zones(shared_data / "zones" / "sheffield_20mph_strategy_crs84.geojson")
    zones = result.layer
    assert len(zones) == 219 == result.rows_in - result.n_rejected
    counts = zones["status"].value_counts()
    assert counts["implemented"] > 0
    assert counts["proposed"] > 0
    assert zones.geometry.is_valid.all()


@pytest.mark.parametrize(
    ("name", "rows", "category"),
    [
        # no column names the kind: the file's name does, and the summary says so
        ("trafford_community_hubs.csv", 6, "community_centre"),
        ("trafford_libraries.geojson", 13, "library"),
        ("trafford_leisure_centres.geojson", 9, "sport_leisure"),
    ],
)
def test_trafford_assets(shared_data, name, rows, category):
    result = read_assets(shared_data / "assets" / name)
    assert result.kept == rows
    assets = result.layer
    assert assets.crs == "EPSG:27700"
    # Trafford lies around E 370-385 km, N 385-400 km
    minx, miny, maxx, maxy = assets.total_bounds
    assert minx > 365_000 and maxx < 390_000
    assert miny > 380_000 and maxy < 400_000
    assert assets["name"].notna().all()
    assert (assets["category"] == category).all()


def test_trafford_allotments_are_polygons(shared_data):
    result = read_assets(shared_data / "assets" / "trafford_allotments.geojson")
    assert result.kept == 35
    assert set(result.layer.geom_type) <= {"Polygon", "MultiPolygon"}
    assert (result.layer["category"] == "allotment").all()
    assert "the file's name says 'Allotments' for every row" in columns_note(result)


def _with_headings_swapped(text: str, first: str, second: str) -> str:
    """A CSV's text with the headings of two columns exchanged (the values stay put)."""
    header, rest = text.split("\n", 1)
    names = header.split(",")
    i, j = names.index(first), names.index(second)
    names[i], names[j] = names[j], names[i]
    return ",".join(names) + "\n" + rest


def test_trafford_hubs_with_lon_and_lat_headed_the_wrong_way_round(shared_data, tmp_path):
    real = shared_data / "assets" / "trafford_community_hubs.csv"
    swapped = tmp_path / "trafford_community_hubs.csv"
    swapped.write_text(_with_headings_swapped(real.read_text(), "lon", "lat"))
    right, wrong = read_assets(real), read_assets(swapped)
    assert (wrong.kept, wrong.n_repaired, wrong.n_rejected) == (6, 6, 0)
    assert set(wrong.repaired["reason"]) == {
        "The 'lat' and 'lon' columns are the wrong way round in every row, so each row was "
        "read with them swapped."
    }
    assert wrong.layer.geometry.geom_equals_exact(right.layer.geometry, 0.01).all()


def test_trafford_hubs_with_easting_and_northing_headed_the_wrong_way_round(shared_data, tmp_path):
    """Trafford's places lie near the grid's diagonal: read the other way round, they are on
    land near Macclesfield. Alone, the file cannot tell, and says so; read for a project
    in Trafford (the area the council's own libraries, leisure centres and allotments
    span), it is read right and each row counted as repaired."""
    hubs = pd.read_csv(shared_data / "assets" / "trafford_community_hubs.csv")
    places = gpd.GeoSeries.from_xy(hubs["lon"], hubs["lat"], crs=4326).to_crs(27700)
    east, north = places.x, places.y
    hubs = hubs.drop(columns=["lon", "lat"]).assign(EASTING=east.round(), NORTHING=north.round())
    right = tmp_path / "right" / "trafford_community_hubs.csv"
    right.parent.mkdir()
    hubs.to_csv(right, index=False)
    swapped = tmp_path / "trafford_community_hubs.csv"
    swapped.write_text(_with_headings_swapped(right.read_text(), "EASTING", "NORTHING"))

    alone = read_assets(swapped)
    assert (alone.kept, alone.n_repaired, alone.n_rejected) == (6, 0, 0)
    [warning] = [note for note in alone.notes if "wrong way round" in note]
    assert warning.startswith(
        "Warning: the 'EASTING' and 'NORTHING' columns could be the wrong way round, and "
        "nothing tells which way is right. Read as headed, the 6 rows lie around 53.29° N, "
        "2.11° W; read the other way round, around 53.43° N, 2.35° W (23 km away); read "
        "either way, all 6 rows lie on land in Great Britain. They were read as headed."
    )
    assert "The rows' postcodes ('postcode') would settle it with a postcode file" in warning

    trafford = pd.concat(
        read_assets(shared_data / "assets" / name).layer.geometry
        for name in (
            "trafford_libraries.geojson",
            "trafford_leisure_centres.geojson",
            "trafford_allotments.geojson",
        )
    )
    area = shapely.union_all(trafford.to_numpy()).convex_hull.buffer(1_000)
    read_right = read_assets(right, area=area)
    in_trafford = read_assets(swapped, area=area)
    assert (in_trafford.kept, in_trafford.n_repaired, in_trafford.n_outside) == (6, 6, 0)
    assert set(in_trafford.repaired["reason"]) == {
        "The 'EASTING' and 'NORTHING' columns are the wrong way round (read as headed, none "
        "of the 6 rows lie in the project area; read the other way round, all 6 do), so each "
        "row was read with them swapped; check them and swap the two headings in the file."
    }
    assert in_trafford.layer.geometry.geom_equals(read_right.layer.geometry).all()
    assert (read_right.kept, read_right.n_repaired) == (6, 0)
    assert not [note for note in read_right.notes if "wrong way round" in note]


def test_leeds_eastings_and_northings_alone_warn_either_way_round_and_an_area_settles_it(
    shared_data, tmp_path
):
    """Leeds lies on the grid's diagonal (eastings about 3 km below the northings): a file
    of its places headed right and the same file headed the wrong way round are mirror
    images, both on land near Leeds, 4 km apart. Alone, neither can be told from the other,
    so both carry the warning (it is no false alarm: quietening it for the right file would
    quieten it for the swapped one); read with the area of the Leeds extract, the right file
    is read silently and the swapped one is read swapped, each row repaired."""
    osm = shared_data / "osm"
    places = read_assets(osm / "leeds_cycleway.osm").layer.geometry.representative_point()
    table = pd.DataFrame(
        {"Name": "x", "Type": "Bench", "E": places.x.round(), "N": places.y.round()}
    )
    right, swapped = tmp_path / "right.csv", tmp_path / "swapped.csv"
    table.rename(columns={"E": "Easting", "N": "Northing"}).to_csv(right, index=False)
    table.rename(columns={"E": "Northing", "N": "Easting"}).to_csv(swapped, index=False)
    for path in (right, swapped):
        [warning] = [n for n in read_assets(path).notes if "wrong way round" in n]
        assert "nothing tells which way is right" in warning and "(4 km away)" in warning
    area = gpd.read_file(osm / "leeds_cycleway_boundary.json").to_crs(27700).union_all()
    read_right, read_swapped = read_assets(right, area=area), read_assets(swapped, area=area)
    assert (read_right.kept, read_right.n_repaired, read_right.n_outside) == (161, 0, 28)
    assert not [n for n in read_right.notes if "wrong way round" in n]
    assert (read_swapped.kept, read_swapped.n_repaired, read_swapped.n_outside) == (161, 161, 28)
    assert read_swapped.layer.geometry.geom_equals(read_right.layer.geometry).all()


# ---- every asset and report file, read with no --field -----------------------------------

ASSET_FILES = [
    "barking_toilets.csv",
    "bath_grit_bins.csv",
    "camden_toilets.csv",
    "sutton_toilets.xlsx",
    "trafford_allotments.geojson",
    "trafford_community_hubs.csv",
    "trafford_leisure_centres.geojson",
    "trafford_libraries.geojson",
    "wandsworth_toilets.kml",
    "wales_pois/gis_osm_pois_free_1.shp",
]
REPORT_FILES = ["bath_fms_sample.csv", "bath_env_requests.csv"]


def columns_note(result) -> str:
    """The summary's line of guesses."""
    return next(note for note in result.notes if note.startswith("Columns: "))


def _is_a_type(name: str) -> bool:
    """True for a name that is only a kind of asset ("Community Toilet", "Bench")."""
    return asset_taxonomy().match(name).how == "synonym"


@pytest.mark.parametrize("name", ASSET_FILES)
def test_every_asset_file_imports_with_its_guesses_said(shared_data, name):
    result = read_assets(shared_data / "assets" / name)
    assert result.rows_in == result.kept + result.n_rejected + result.n_outside
    assert "name <- " in columns_note(result)  # each names its places in some column
    assets = result.layer
    if len(assets):
        assert assets["name"].notna().mean() > 0.4  # the Geofabrik layer leaves half blank
        names = assets["name"].dropna()
        # names are places, mostly distinct (shops of a chain repeat), not the kind of thing
        assert names.nunique() >= 0.75 * len(names)
        assert names.map(_is_a_type).mean() <= 0.05
        assert (assets["category"] == "other").mean() <= 0.2
        assert not assets["category_text"].isin(["Untitled layer"]).any()


@pytest.mark.parametrize("name", REPORT_FILES)
def test_every_report_file_imports_with_its_guesses_said(shared_data, name):
    result = read_reports(shared_data / "reports" / name)
    assert result.rows_in == result.kept + result.n_rejected + result.n_outside
    # only the reports FixMyStreet never publishes (hidden, unconfirmed) are left out
    assert result.n_rejected == (72 if name == "bath_fms_sample.csv" else 0)
    reports = result.layer
    assert reports["reported_at"].notna().all()
    assert reports["report_id"].is_unique
    assert (reports["category"] == "other").mean() <= 0.2
    # Bath and North East Somerset: E 355-380 km, N 150-170 km
    minx, miny, maxx, maxy = reports.total_bounds
    assert minx > 350_000 and maxx < 385_000
    assert miny > 145_000 and maxy < 175_000
    assert "lat <- 'Latitude' (header); lon <- 'Longitude' (header)" in columns_note(result) or (
        "lat <- 'latitude' (header); lon <- 'longitude' (header)" in columns_note(result)
    )


def test_bath_fixmystreet_sample(shared_data):
    result = read_reports(shared_data / "reports" / "bath_fms_sample.csv")
    reports = result.layer.set_index("report_id")
    # the 4 reports FixMyStreet's moderators hid and the 68 never confirmed are left out,
    # counted each with its reason, their titles kept nowhere
    assert result.kept == 1504
    reasons = result.rejected["reason"].str.extract(r"is '(\w+)'")[0].value_counts()
    assert reasons.to_dict() == {"unconfirmed": 68, "hidden": 4}
    assert (result.rejected["field"] == "url").all()  # the id, from the report's link
    assert "143649" in result.rejected["value"].tolist()  # "Regular vandalism and nuisance kids"
    assert "143649" not in reports.index
    published = result.rejected.to_csv() + reports["title"].str.cat(sep=" ")
    assert "vandalism and nuisance" not in published
    # dates like "2010-07-04 19:00:35 UTC"; the id from the report's link
    assert reports.loc["122878", "reported_at"] == pd.Timestamp(
        "2010-07-04 20:00:35", tz="Europe/London"
    )
    assert reports["reported_at"].min().year == 2007
    assert reports["status"].value_counts().to_dict() == {"open": 952, "fixed": 552}
    assert "report_id <- 'url' (split: 100% of its values hold a FixMyStreet report link)" in (
        columns_note(result)
    )
    assert "status <- 'state' (header)" in columns_note(result)
    # a traffic-signal fault is not street lighting (nor speeding): listed for the project
    lights = result.layer[result.layer["category_text"] == "Traffic lights"]
    assert len(lights) == 13 and (lights["category"] == "other").all()
    assert any("matched nothing" in n and "'Traffic lights' (13)" in n for n in result.notes)
    assert (result.layer["category"] == "street_lighting").sum() == 74


def test_bath_environmental_requests_need_no_mapping(shared_data):
    result = read_reports(shared_data / "reports" / "bath_env_requests.csv")
    assert result.kept == 5000
    counts = result.layer["category"].value_counts()
    assert counts["noise"] > 3000  # noise complaints, and noise requests that name no type
    assert counts["pests"] == 336  # "Rat Complaint"
    assert columns_note(result) == (
        "Columns: report_id <- 'Ref' (header); category <- 'Kind' (header); subcategory <- "
        "'Type' (header); created <- 'ReceivedDate' (header); fixed <- 'ClosedDate' (header); "
        "status <- 'Status' (header); lat <- 'Latitude' (header); lon <- 'Longitude' "
        "(header); no column for confirmed, title, detail."
    )
    received = result.layer["reported_at"]
    assert received.min().year == 2015 and received.max().year == 2019
    assert (received.dt.hour >= 12).any()  # PM read as PM
    # the order was decided from the values, so it is said, and from what
    assert (
        "Dates in 'ReceivedDate' read day first (UK order), decided from its values: 2933 of "
        "5000 values (like 19/03/2018 11:56:00 AM) have a day above 12"
    ) in " ".join(result.notes)
    assert (
        "Dates in 'ClosedDate' read day first (UK order), decided from its values: 2969 of "
        "4924 values"
    ) in " ".join(result.notes)
    # closed "12:00:00 AM" (a day with no time) the day a request came: before it, said
    assert (
        "In 768 reports, 'ClosedDate' comes before 'ReceivedDate': 767 the same day, the "
        "closing date written at midnight (a day with no time), 1 a day or more before"
    ) in " ".join(result.notes)


def test_bath_environmental_requests_placed_by_their_location_column_alone(shared_data, tmp_path):
    # the same export with only Socrata's "Location" ("(51.38..., -2.36...)") to place each
    # request: the same places as its Latitude and Longitude give
    whole = pd.read_csv(shared_data / "reports" / "bath_env_requests.csv", dtype=str)
    path = tmp_path / "requests.csv"
    whole.drop(columns=["Latitude", "Longitude"]).to_csv(path, index=False)
    located = read_reports(path)
    placed = read_reports(shared_data / "reports" / "bath_env_requests.csv")
    assert located.kept == placed.kept == 5000
    assert located.columns["lat"]["column"] == "Location"
    apart = located.layer.geometry.distance(placed.layer.geometry)
    assert apart.max() < 0.01  # metres


def test_a_bath_wide_export_read_for_one_neighbourhood(shared_data):
    # about 1 km around Bath Abbey: most reports lie elsewhere in B&NES, which is no error
    area = shapely.Point(375_100, 164_700).buffer(1000)
    result = read_reports(shared_data / "reports" / "bath_fms_sample.csv", area=area)
    assert result.n_rejected == 72  # hidden or never confirmed: never published, wherever
    assert 100 < result.kept < 800
    assert result.n_outside == 1576 - 72 - result.kept
    assert result.outside["distance_m"].max() < 25_000  # all within the council's area
    note = next(n for n in result.notes if "outside the project area" in n)
    assert note.startswith(f"{result.n_outside} rows lie outside the project area (from ")


def test_bath_grit_bins_from_their_wkt(shared_data):
    result = read_assets(shared_data / "assets" / "bath_grit_bins.csv")
    assert result.kept == 439
    assert (result.layer["category"] == "grit_bin").all()
    names = result.layer["name"]
    assert names.notna().all() and names.str.startswith("GBIN").sum() == 438  # one "GINB:"
    note = columns_note(result)
    assert "geometry <- 'the_geom' (WKT in longitude/latitude degrees, read as EPSG:4326" in note
    assert "which agree within 50 m in 436 of 439 rows" in note
    assert any(
        n.startswith("3 rows' WKT point and 'EASTING', 'NORTHING' disagree by more than 50 m")
        for n in result.notes
    )


def test_wandsworth_my_maps_kml(shared_data):
    result = read_assets(shared_data / "assets" / "wandsworth_toilets.kml")
    assert result.kept == 94
    # the shops' toilets, named in the column of types, take the file's "toilets"
    assert (result.layer["category"] == "toilets").all()
    assert result.notes[0].startswith("10 rows that give no category the toolkit knows were")
    assert "category <- 'Name' (content: 89% of its values are categories" in (columns_note(result))
    assert "<br>" not in "".join(result.layer["notes"].dropna())
    # 'Name' holds the type ("Community Toilet" 64 times): the site comes from the description
    names = result.layer["name"]
    assert {"Balham Library", "Bliss Barbers", "Clapham Junction", "Garratt Terrace"} <= set(names)
    assert names.notna().all() and names.nunique() >= 85
    assert (names == "Community Toilet").sum() == 0
    assert not names.str.startswith("@").any()
    assert "Sainsbury's Balham (Open London)" in set(names)  # a name already
    assert "name <- 'description' (its first part, in the 82 rows where 'Name' gives only" in (
        columns_note(result)
    )


def test_barking_toilets_by_their_grid_references(shared_data):
    result = read_assets(shared_data / "assets" / "barking_toilets.csv")
    assert result.kept == 10
    assert (result.layer["category"] == "toilets").all()
    minx, miny, maxx, maxy = result.layer.total_bounds  # Barking and Dagenham
    assert minx > 543_000 and maxx < 553_000
    assert miny > 181_000 and maxy < 191_000
    assert "easting <- 'Grid Ref X' (header); northing <- 'Grid Ref Y' (header)" in (
        columns_note(result)
    )
    assert result.layer["name"].iloc[0].startswith("Barking Park")


def test_camden_toilets(shared_data):
    result = read_assets(shared_data / "assets" / "camden_toilets.csv")
    assert result.kept == 47
    assert (result.layer["category"] == "toilets").all()
    assert "Holborn Library" in set(result.layer["name"])
    assert "name <- 'Name' (header)" in columns_note(result)


def test_sutton_toilets_placed_by_their_postcodes(shared_data, tmp_path):
    path = shared_data / "assets" / "sutton_toilets.xlsx"
    without = read_assets(path)
    assert without.kept == 0
    assert without.rejected["reason"].str.contains('postcodes="FILE"').all()
    assert "name <- 'Area' (content: 100% of its values are short distinct texts)" in (
        columns_note(without)
    )
    # a lookup written here (centres near Sutton, not the real ones) to see the rows read
    codes = sorted({str(c).strip().upper() for c in read_excel_table(path)["Post-code"]})
    lookup = tmp_path / "postcodes.csv"
    lookup.write_text(
        "pcds,oseast1m,osnrth1m\n"
        + "".join(f"{c},{526000 + 100 * n},{164000 + 50 * n}\n" for n, c in enumerate(codes))
    )
    result = read_assets(path, postcodes=lookup)
    assert result.kept == 23
    assert (result.layer["category"] == "toilets").all()
    assert result.layer["name"].tolist()[:3] == [
        "Beddington Park",
        "Cheam Recreation Ground",
        "Grove Park",
    ]


def test_wales_points_of_interest(shared_data):
    result = read_assets(shared_data / "assets" / "wales_pois" / "gis_osm_pois_free_1.shp")
    assert result.kept == 21_933
    counts = result.layer["category"].value_counts()
    # benches, picnic sites and shelters (Geofabrik's 'shelter': amenity=shelter of any
    # kind, a place to rest; a shelter at a stop is under its bus stop)
    assert counts["bench"] == 2441 + 126 + 106
    assert "shelter" not in set(
        result.layer.loc[result.layer["category"] == "bus_stop", "category_text"]
    )
    assert counts["bin"] == 572
    assert counts["toilets"] == 450
    assert counts["drinking_water"] == 78
    assert counts["other"] / result.kept < 0.1
    assert "category <- 'fclass' (header)" in columns_note(result)


def test_wales_points_of_interest_read_for_cardiff(shared_data):
    area = shapely.Point(318_500, 176_500).buffer(3000)  # Cardiff city centre
    result = read_assets(
        shared_data / "assets" / "wales_pois" / "gis_osm_pois_free_1.shp", area=area
    )
    assert result.n_rejected == 0
    assert 200 < result.kept < 3000
    assert result.rows_in == result.kept + result.n_outside
    # the farthest: a stray point in North Yorkshire, about 300 km away
    assert 250_000 < result.outside["distance_m"].max() < 400_000


def test_a_meeting_map_over_leeds(shared_data):
    streets = street_network_from_osm_file(shared_data / "osm" / "leeds_cycleway.osm").layer
    centre = streets.union_all().centroid
    zones = conform(
        gpd.GeoDataFrame(
            {
                "zone_id": ["leeds-centre"],
                "name": ["Leeds centre (drawn for a test)"],
                "status": ["implemented"],
            },
            geometry=[shapely.Point(centre.x, centre.y).buffer(250)],
            crs=streets.crs,
        ),
        ZONES,
    )
    cut = cut_streets_at_zones(streets, zones)
    inside = cut[cut["zone_id"] == "leeds-centre"]
    assert inside.length.max() <= 500
    page = meeting_map("leeds-centre", zones=zones, streets=cut).get_root().render()
    assert "Leeds centre (drawn for a test)" in page
