"""Coordinates swapped in some rows or all: read the other way round when the row's values
cannot be right as given and can the other way, counted as repaired with the evidence."""

from __future__ import annotations

import re

import pytest
import shapely
from pyproj import Transformer

from healthy_streets.io.assets import read_assets
from healthy_streets.io.reports import read_reports

#: Trafford's defibrillators: latitude, longitude; easting, northing; postcode.
TRAFFORD = [
    ("Stretford Mall", 53.4466, -2.309, 379574, 394471, "M32 9BD"),
    ("Trafford Town Hall", 53.4566, -2.284, 381239, 395576, "M32 0TH"),
    ("Sale Football Club", 53.424, -2.325, 378500, 391961, "M33 2LS"),
    ("Altrincham Market House", 53.387, -2.35, 376819, 387852, "WA14 1SA"),
]
_TO_BNG = Transformer.from_crs(4326, 27700, always_xy=True)


def test_latitude_and_longitude_swapped_in_some_rows_are_read_swapped(tmp_path):
    path = tmp_path / "defibs.csv"
    rows = [
        f"{name},Defibrillator,{lon if i < 2 else lat},{lat if i < 2 else lon}"
        for i, (name, lat, lon, *_) in enumerate(TRAFFORD)
    ]
    path.write_text("Location,Type,Latitude,Longitude\n" + "\n".join(rows) + "\n")
    result = read_assets(path)
    assert (result.kept, result.n_repaired, result.n_rejected) == (4, 2, 0)
    reasons = dict(zip(result.repaired["row"], result.repaired["reason"], strict=True))
    assert set(reasons) == {"2", "3"}
    assert "Latitude and longitude were swapped in this row" in reasons["2"]
    for (name, lat, lon, *_), point in zip(TRAFFORD, result.layer.geometry, strict=True):
        assert point.distance(shapely.Point(_TO_BNG.transform(lon, lat))) < 1, name


def test_an_easting_beyond_the_grid_is_read_as_the_northing(tmp_path):
    path = tmp_path / "grit_bins.csv"
    path.write_text(
        "Site,Type,Easting,Northing\n"
        "Skye,Grit bin,145000,830000\n"
        "Skye slip,Grit bin,830000,145000\n"
    )
    result = read_assets(path)
    assert (result.kept, result.n_repaired, result.n_rejected) == (2, 1, 0)
    assert "beyond the National Grid's 700,000" in result.repaired.iloc[0]["reason"]
    assert result.layer.geometry.iloc[1].equals(shapely.Point(145000, 830000))


def test_a_postcode_far_from_the_point_and_near_it_swapped_turns_it(tmp_path):
    onspd = tmp_path / "onspd.csv"
    onspd.write_text(
        "pcds,oseast1m,osnrth1m\n"
        + "".join(f"{code},{east},{north}\n" for *_, east, north, code in TRAFFORD)
    )
    path = tmp_path / "defibs.csv"
    path.write_text(
        "Location,Type,Postcode,Easting,Northing\n"
        + "".join(
            f"{name},Defibrillator,{code},{north},{east}\n"  # every row swapped
            for name, _, _, east, north, code in TRAFFORD
        )
    )
    result = read_assets(path, postcodes=onspd)
    assert (result.kept, result.n_repaired, result.n_rejected) == (4, 4, 0)
    assert (
        "km from the point as given and within 2 km of it read the other way round"
    ) in result.repaired.iloc[0]["reason"]
    for (*_, east, north, _), point in zip(TRAFFORD, result.layer.geometry, strict=True):
        assert point.equals(shapely.Point(east, north))
    # without the lookup there is no evidence: read as given (both readings are in England)
    assert read_assets(path).n_repaired == 0


# ---- columns headed the wrong way round, where both readings lie in Great Britain ---------

#: Trafford's places lie near the grid's diagonal (E 376-381 km, N 387-396 km): read the
#: other way round they fall on land near Macclesfield, so Great Britain alone cannot tell.
TRAFFORD_AREA = shapely.box(370_000, 385_000, 385_000, 398_000)


def _swapped_headings(tmp_path, rows=TRAFFORD, *, name="defibs.csv"):
    """A sheet of ``rows`` whose easting column is headed Northing and northing Easting."""
    path = tmp_path / name
    path.write_text(
        "Location,Type,Northing,Easting\n"
        + "".join(f"{place},Defibrillator,{east},{north}\n" for place, _, _, east, north, _ in rows)
    )
    return path


def test_columns_swapped_with_nothing_to_tell_are_read_as_headed_with_a_warning(tmp_path):
    result = read_assets(_swapped_headings(tmp_path))
    assert (result.kept, result.n_repaired, result.n_rejected) == (4, 0, 0)
    # read as headed: each place is its easting and northing the wrong way round
    for (name, *_, east, north, _), point in zip(TRAFFORD, result.layer.geometry, strict=True):
        assert point.equals(shapely.Point(north, east)), name
    [warning] = [note for note in result.notes if "wrong way round" in note]
    assert warning == (
        "Warning: the 'Easting' and 'Northing' columns could be the wrong way round, and "
        "nothing tells which way is right. Read as headed, the 4 rows lie around 53.31° N, "
        "2.10° W; read the other way round, around 53.44° N, 2.32° W (20 km away); read either "
        "way, all 4 rows lie on land in Great Britain. They were read as headed. Check a place "
        'on the map; if it is wrong, name the columns the other way round: fields={"easting": '
        '"Northing", "northing": "Easting"}.'
    )


def test_the_call_the_warning_suggests_reads_the_columns_the_other_way_round(tmp_path):
    path = _swapped_headings(tmp_path)
    [warning] = [note for note in read_assets(path).notes if "wrong way round" in note]
    suggested = re.search(r"the other way round: (fields=\{.*\})\.$", warning).group(1)
    # the suggestion, as written, is one argument of a call that runs against the file
    result = eval(f"read_assets(path, {suggested})", {"read_assets": read_assets, "path": path})
    assert result.columns["easting"]["column"] == "Northing"
    assert result.columns["northing"]["column"] == "Easting"
    assert not [note for note in result.notes if "wrong way round" in note]
    for (name, *_, east, north, _), point in zip(TRAFFORD, result.layer.geometry, strict=True):
        assert point.equals(shapely.Point(east, north)), name


def test_columns_named_by_the_user_are_not_doubted(tmp_path):
    path = _swapped_headings(tmp_path)
    result = read_assets(path, fields={"easting": "Northing", "northing": "Easting"})
    assert not [note for note in result.notes if "wrong way round" in note]
    assert result.layer.geometry.iloc[0].equals(shapely.Point(379574, 394471))


def test_columns_swapped_are_read_swapped_when_only_so_they_lie_in_the_project_area(tmp_path):
    result = read_assets(_swapped_headings(tmp_path), area=TRAFFORD_AREA)
    assert (result.kept, result.n_repaired, result.n_rejected, result.n_outside) == (4, 4, 0, 0)
    for (name, *_, east, north, _), point in zip(TRAFFORD, result.layer.geometry, strict=True):
        assert point.equals(shapely.Point(east, north)), name
    assert set(result.repaired["reason"]) == {
        "The 'Easting' and 'Northing' columns are the wrong way round (read as headed, none of "
        "the 4 rows lie in the project area; read the other way round, all 4 do), so each row "
        "was read with them swapped; check them and swap the two headings in the file."
    }
    assert set(result.repaired["value"]) == {f"{n}, {e}" for *_, e, n, _ in TRAFFORD}
    assert not [note for note in result.notes if "wrong way round" in note]
    # the same file headed right is read as it is, with nothing to say
    right = tmp_path / "right.csv"
    right.write_text(
        _swapped_headings(tmp_path).read_text().replace("Northing,Easting", "Easting,Northing")
    )
    as_headed = read_assets(right, area=TRAFFORD_AREA)
    assert (as_headed.kept, as_headed.n_repaired) == (4, 0)
    assert not [note for note in as_headed.notes if "wrong way round" in note]
    assert as_headed.layer.geometry.iloc[0].equals(shapely.Point(379574, 394471))


def test_columns_swapped_are_read_swapped_when_so_they_meet_the_files_other_places(tmp_path):
    """Two rows placed by latitude/longitude say where the file is; the four placed by the
    swapped columns lie near them only read the other way round."""
    path = tmp_path / "defibs.csv"
    path.write_text(
        "Location,Type,Latitude,Longitude,Northing,Easting\n"
        "Urmston Library,Defibrillator,53.4487,-2.3541,,\n"
        "Sale Waterside,Defibrillator,53.4246,-2.3222,,\n"
        + "".join(
            f"{place},Defibrillator,,,{east},{north}\n" for place, _, _, east, north, _ in TRAFFORD
        )
    )
    result = read_assets(path)
    assert (result.kept, result.n_repaired) == (6, 4)
    assert set(result.repaired["reason"]) == {
        "The 'Easting' and 'Northing' columns are the wrong way round (read as headed, none of "
        "the 4 rows lie within 5 km of the file's places given by latitude/longitude or grid "
        "reference; read the other way round, all 4 do), so each row was read with them "
        "swapped; check them and swap the two headings in the file."
    }
    for (name, *_, east, north, _), point in zip(
        TRAFFORD, result.layer.geometry.iloc[2:], strict=True
    ):
        assert point.equals(shapely.Point(east, north)), name


#: Barking's toilets: read the other way round, in the North Channel off Galloway.
BARKING = [
    ("Barking Park", 0, 0, 544960, 184780, ""),
    ("Abbey Green", 0, 0, 543960, 183930, ""),
    ("Mayesbrook Park", 0, 0, 546930, 184370, ""),
]


def test_columns_swapped_are_read_swapped_when_as_headed_they_lie_at_sea(tmp_path):
    result = read_assets(_swapped_headings(tmp_path, BARKING, name="toilets.csv"))
    assert (result.kept, result.n_repaired, result.n_rejected) == (3, 3, 0)
    for (name, *_, east, north, _), point in zip(BARKING, result.layer.geometry, strict=True):
        assert point.equals(shapely.Point(east, north)), name
    assert set(result.repaired["reason"]) == {
        "The 'Easting' and 'Northing' columns are the wrong way round (read as headed, all 3 "
        "rows lie at sea or beyond the National Grid; read the other way round, none do), so "
        "each row was read with them swapped; check them and swap the two headings in the file."
    }
    # headed right, the sea decides the other way: nothing to repair or say
    right = tmp_path / "right.csv"
    right.write_text(
        "Location,Type,Easting,Northing\n"
        + "".join(f"{place},Toilet,{east},{north}\n" for place, _, _, east, north, _ in BARKING)
    )
    as_headed = read_assets(right)
    assert (as_headed.kept, as_headed.n_repaired) == (3, 0)
    assert not [note for note in as_headed.notes if "wrong way round" in note]


def test_the_warning_names_the_cli_flags_and_the_postcode_file_that_would_settle_it(tmp_path):
    from click.testing import CliRunner

    from healthy_streets.cli import main

    path = tmp_path / "defibs.csv"
    path.write_text(
        "Location,Type,Postcode,EASTING,NORTHING\n"
        + "".join(
            f"{place},Defibrillator,{code},{north},{east}\n"
            for place, _, _, east, north, code in TRAFFORD
        )
    )
    result = CliRunner().invoke(main, ["assets", str(path)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert (
        "defibs.csv: Warning: the 'EASTING' and 'NORTHING' columns could be the wrong way round"
    ) in text
    assert (
        "name the columns the other way round: --field easting=NORTHING --field "
        "northing=EASTING. The rows' postcodes ('Postcode') would settle it with a postcode "
        "file: --postcodes FILE."
    ) in text
    # the flags suggested, given as written, read the columns the other way round
    flags = re.search(r"the other way round: (--field \S+ --field \S+)\. ", text).group(1)
    again = CliRunner().invoke(main, ["assets", str(path), *flags.split()])
    assert again.exit_code == 0, again.output
    assert "wrong way round" not in again.output
    assert "easting <- 'NORTHING' (named by you)" in " ".join(again.output.split())


# ---- a file imported alone into a store that holds the project's zones --------------------

_TO_LONLAT = Transformer.from_crs(27700, 4326, always_xy=True)
#: Zones around Stretford, Sale and Altrincham (National Grid boxes), holding TRAFFORD's places.
TRAFFORD_ZONES = {
    "Stretford": (378_000, 393_000, 382_000, 397_000),
    "Sale": (376_000, 390_000, 380_000, 393_000),
    "Altrincham": (375_500, 386_500, 378_500, 389_500),
}
#: Far outside those zones (and outside them read the other way round too).
BOLTON = ("Bolton Market", 0, 0, 371_700, 409_000, "")


def _trafford_zones_geojson(tmp_path):
    """The zones as a council's GeoJSON (longitude, latitude), as the zones command reads."""
    import json

    features = []
    for name, (x0, y0, x1, y1) in TRAFFORD_ZONES.items():
        ring = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name, "status": "in force"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[list(_TO_LONLAT.transform(x, y)) for x, y in ring]],
                },
            }
        )
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _cli(*args):
    from click.testing import CliRunner

    from healthy_streets.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def _store_with_zones(tmp_path):
    store = tmp_path / "out" / "healthy-streets.gpkg"
    _cli("zones", _trafford_zones_geojson(tmp_path), "--output", store)
    return store


def _judged(store, *, buffer_m=300, how="the toolkit's default reach"):
    return (
        f"Judged against the area of the 3 zones in {store}, with {buffer_m} m around them "
        f"({how}), as a build with those zones would be: which way round the coordinate "
        "columns are, and which rows lie outside it (counted as outside and left out of the "
        "store, not rejected)."
    )


def _stored_points(store, layer):
    import geopandas as gpd

    frame = gpd.read_file(store, layer=layer)
    return [(round(p.x), round(p.y)) for p in frame.geometry]


def test_assets_imported_into_a_store_with_zones_are_judged_by_their_area(tmp_path):
    store = _store_with_zones(tmp_path)
    places = [*TRAFFORD, BOLTON]
    right = tmp_path / "defibs.csv"
    right.write_text(
        "Location,Type,Easting,Northing\n"
        + "".join(f"{place},Defibrillator,{east},{north}\n" for place, *_, east, north, _ in places)
    )
    text = _cli("assets", right, "--output", store)
    assert _judged(store) in text
    assert "wrong way round" not in text
    # the four in Trafford kept as given; Bolton, 13 km beyond the zones, counted outside
    assert "defibs.csv rows 5 4 0 0 1" in text
    assert "1 row lies outside the project area (13 km beyond it): left out, not rejected" in text
    assert _stored_points(store, "assets") == [(e, n) for *_, e, n, _ in TRAFFORD]

    # the same places with the two headings exchanged: the zones settle which way is right
    swapped = _swapped_headings(tmp_path, places, name="defibs_2.csv")
    alone = _cli("assets", swapped)  # no store: nothing tells, read as headed with a warning
    assert "could be the wrong way round, and nothing tells which way is right" in alone
    text = _cli("assets", swapped, "--output", store)
    assert _judged(store) in text
    assert "could be the wrong way round" not in text
    assert (
        "The 'Easting' and 'Northing' columns are the wrong way round (read as headed, none of "
        "the 5 rows lie in the project area; read the other way round, 4 do), so each row was "
        "read with them swapped; check them and swap the two headings in the file."
    ) in text
    # Bolton, outside, is not counted among the repaired: 5 in, 4 kept, 4 repaired, 1 outside
    assert "defibs_2.csv rows 5 4 4 0 1" in text
    assert "1 row lies outside the project area" in text
    points = _stored_points(store, "assets")
    assert sorted(points) == sorted([(e, n) for *_, e, n, _ in TRAFFORD] * 2)


def test_reports_imported_into_a_store_with_zones_are_judged_by_their_area(tmp_path):
    store = _store_with_zones(tmp_path)
    path = tmp_path / "requests.csv"
    path.write_text(  # a council's export, its easting column headed Northing
        "Ref,Kind,ReceivedDate,Northing,Easting\n"
        + "".join(
            f"R-{i},Fly tipping,0{i + 1}/03/2025,{east},{north}\n"
            for i, (*_, east, north, _) in enumerate(TRAFFORD)
        )
    )
    assert "nothing tells which way is right" in _cli("reports", path)
    text = _cli("reports", path, "--output", store)
    assert _judged(store) in text
    assert "could be the wrong way round" not in text
    assert "columns are the wrong way round (read as headed, none of the 4 rows lie" in text
    assert _stored_points(store, "reports") == [(e, n) for *_, e, n, _ in TRAFFORD]


def test_a_store_without_the_toolkits_zones_judges_nothing(tmp_path):
    import geopandas as gpd

    swapped = _swapped_headings(tmp_path)
    # a store holding assets only, then one holding a council's own layer named zones
    store = tmp_path / "assets-only.gpkg"
    _cli("assets", swapped, "--output", store)
    text = _cli("assets", swapped, "--output", store)
    assert "Judged against" not in text
    assert "nothing tells which way is right" in text
    council = tmp_path / "council.gpkg"
    box = shapely.box(*TRAFFORD_ZONES["Stretford"])
    gpd.GeoDataFrame({"SCHEME": ["Stretford"]}, geometry=[box], crs=27700).to_file(
        council, layer="zones"
    )
    text = _cli("assets", swapped, "--output", council)
    assert "Judged against" not in text
    assert "nothing tells which way is right" in text


def test_the_area_reaches_as_far_as_the_build_that_wrote_the_store(tmp_path):
    """A project's buffer_m, from the record its build left beside the store."""
    import json

    store = _store_with_zones(tmp_path)
    path = tmp_path / "bench.csv"
    path.write_text("Location,Type,Easting,Northing\nBy the canal,Bench,382400,395000\n")
    text = _cli("assets", path, "--output", store)  # 400 m east of Stretford's zone
    assert "bench.csv rows 1 0 0 0 1" in text
    record = {
        "format": 1,
        "store": {"target": str(store.resolve()), "sha256": None},
        "inputs": {"settings": {"buffer_m": 500}},
    }
    (store.parent / ".healthy-streets-build.json").write_text(json.dumps(record))
    text = _cli("assets", path, "--output", store)
    assert _judged(store, buffer_m=500, how="the project's buffer_m, as its last build read") in (
        text
    )
    assert "bench.csv rows 1 1 0 0 0" in text


def test_store_area_is_the_zones_and_the_buffer_around_them(tmp_path, postgis_url, postgis_schema):
    """The Python API: the same area from a GeoPackage store and a PostGIS one."""
    from healthy_streets.io.store import (
        PostGISStore,
        import_update,
        open_store,
        project_area,
        store_area,
    )
    from healthy_streets.io.zones import read_zones

    geojson = _trafford_zones_geojson(tmp_path)
    zones = read_zones(geojson)
    gpkg = open_store(tmp_path / "store.gpkg")
    assert store_area(gpkg) is None  # no store yet
    postgis = PostGISStore(postgis_url, schema=postgis_schema)
    for store in (gpkg, postgis):
        store.update(import_update(zones, geojson))
        found = store_area(store)
        assert (found.zones, found.buffer_m, found.store) == (3, 300, store.name)
        assert found.area.equals(project_area(zones.layer, buffer_m=300))
        # the zones and 300 m around them, to the chords that draw a buffer's arcs
        whole = zones.layer.union_all().buffer(300)
        assert found.area.symmetric_difference(whole).area < 0.001 * whole.area
        assert store_area(store, buffer_m=50).buffer_m == 50
        result = read_assets(_swapped_headings(tmp_path), area=found.area)
        assert (result.kept, result.n_repaired, result.n_outside) == (4, 4, 0)


# ---- a repaired row is a kept row: rows read swapped that then lie outside the area ------


def _requests(tmp_path, rows, *, name="requests.csv"):
    """A council's export of ``rows`` as reports, its easting column headed Northing."""
    path = tmp_path / name
    path.write_text(
        "Ref,Kind,ReceivedDate,Northing,Easting\n"
        + "".join(
            f"R-{i},Fly tipping,0{i + 1}/03/2025,{east},{north}\n"
            for i, (*_, east, north, _) in enumerate(rows)
        )
    )
    return path


def _latitude_headed_longitude(tmp_path, rows, *, name="defibs.csv"):
    """A sheet of ``rows`` whose latitude column is headed Longitude and longitude Latitude."""
    path = tmp_path / name
    lines = []
    for place, *_, east, north, _ in rows:
        lon, lat = _TO_LONLAT.transform(east, north)
        lines.append(f"{place},Defibrillator,{lat:.5f},{lon:.5f}\n")
    path.write_text("Location,Type,Longitude,Latitude\n" + "".join(lines))
    return path


@pytest.mark.parametrize(
    ("kind", "write"),
    [
        ("assets", _swapped_headings),
        ("reports", _requests),
        ("assets", _latitude_headed_longitude),
    ],
    ids=["assets-easting-northing", "reports-easting-northing", "assets-latitude-longitude"],
)
def test_a_row_read_swapped_and_outside_the_area_is_counted_outside_not_repaired(
    tmp_path, kind, write
):
    """Five rows, their two coordinate headings exchanged, one of them (Bolton) beyond the
    project area: the swap repairs the four kept, and Bolton is counted outside alone."""
    path = write(tmp_path, [*TRAFFORD, BOLTON])
    reader = read_assets if kind == "assets" else read_reports
    result = reader(path, area=TRAFFORD_AREA)
    counts = (result.rows_in, result.kept, result.n_repaired, result.n_rejected, result.n_outside)
    assert counts == (5, 4, 4, 0, 1)
    assert result.repaired["row"].tolist() == ["2", "3", "4", "5"]
    assert result.outside["row"].tolist() == ["6"]
    assert result.summary() == (
        f"{path.name}: 5 rows: 4 kept (4 repaired), 0 rejected, 1 outside the project area."
    )
    assert len(set(result.repaired["reason"])) == 1  # the file's swap, said once per kept row
    assert "wrong way round" in result.repaired["reason"].iloc[0]
    for (name, *_, east, north, _), point in zip(TRAFFORD, result.layer.geometry, strict=True):
        assert point.distance(shapely.Point(east, north)) < 1, name


def test_columns_read_swapped_with_every_row_outside_the_area_say_so_in_a_note(tmp_path):
    """No row kept carries the swap of the file's columns: it is said among the notes, so
    the guess is still shown, and nothing is counted repaired."""
    result = read_assets(
        _swapped_headings(tmp_path, BARKING, name="toilets.csv"), area=TRAFFORD_AREA
    )
    assert (result.kept, result.n_repaired, result.n_rejected, result.n_outside) == (0, 0, 0, 3)
    assert result.repaired.empty
    [said] = [note for note in result.notes if "wrong way round" in note]
    assert said.startswith("The 'Easting' and 'Northing' columns are the wrong way round (")
    assert said.endswith(
        "so each row was read with them swapped; check them and swap the two headings in the file."
    )
    # measured as read swapped: Barking is some 250 km from Trafford
    assert (result.outside["distance_m"] > 200_000).all()


def test_a_build_counts_rows_read_swapped_and_outside_the_zones_as_outside_only(tmp_path):
    import geopandas as gpd

    import healthy_streets as hs

    zones = gpd.GeoDataFrame(
        {"name": list(TRAFFORD_ZONES), "status": "in force"},
        geometry=[shapely.box(*box) for box in TRAFFORD_ZONES.values()],
        crs=27700,
    )
    streets = gpd.GeoDataFrame(  # osmnx's edges: a street across each zone
        {"u": [1, 3, 5], "v": [2, 4, 6], "key": 0, "osmid": [10, 11, 12], "highway": "residential"},
        geometry=[
            shapely.LineString([(x0 + 100, y0 + 100), (x1 - 100, y1 - 100)])
            for x0, y0, x1, y1 in TRAFFORD_ZONES.values()
        ],
        crs=27700,
    )
    places = [*TRAFFORD, BOLTON]
    inputs = hs.Inputs(
        zones,
        streets=streets,
        assets=[_swapped_headings(tmp_path, places)],
        reports=[_requests(tmp_path, places)],
        osm_assets=False,
    )
    layers = hs.load_layers(inputs, attach=False)
    by_name = {result.source: result for result in layers.imports}
    for name in ("defibs.csv", "requests.csv"):
        result = by_name[name]
        counts = (result.rows_in, result.kept, result.n_repaired, result.n_outside)
        assert counts == (5, 4, 4, 1), name
    assert len(layers.assets) == len(layers.reports) == 4
