import json
import warnings
import zipfile

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from healthy_streets.errors import InputFileError, MissingCRSError
from healthy_streets.io.zones import read_zones, status_from_text
from healthy_streets.model.layers import ZONES

from conftest import square


def council_zones(crs="EPSG:27700"):
    """Three zones as a council GIS exports them: upper-case fields, vague dates."""
    return gpd.GeoDataFrame(
        {
            "ZONE_NAME": ["Church Fields", "Mill Lane", None],
            "TRO_REF": ["LCC/TRO/2021/117", "LCC/TRO/2022/009", None],
            "STATUS": ["Implemented", "Proposed", "unconfirmed"],
            "IMPL_DATE": ["Zone 2, 6 Sep 2021", "Autumn 2026?", "07/31/2016"],
        },
        geometry=[
            square(358000, 417000, 300),
            square(358400, 417000, 300),
            square(358800, 417000, 300),
        ],
        crs=crs,
    )


def legacy_geojson(path, frame):
    """GeoJSON in British National Grid with the legacy `crs` member older tools write."""
    data = json.loads(frame.to_json())
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}
    path.write_text(json.dumps(data))
    return path


def test_legacy_crs_geojson_gives_the_zones_layer(tmp_path):
    result = read_zones(legacy_geojson(tmp_path / "zones.geojson", council_zones()))
    zones = result.layer
    assert list(zones.columns) == ZONES.column_names
    assert zones.crs == "EPSG:27700"
    assert list(zones["zone_id"]) == ["church-fields", "mill-lane", "unnamed-zone-row-3"]
    assert list(zones["status"]) == ["implemented", "proposed", "unknown"]
    assert zones.loc[0, "implemented_on"] == pd.Timestamp("2021-09-06")
    assert zones.loc[0, "implemented_text"] == "Zone 2, 6 Sep 2021"
    assert list(zones["implemented_precision"]) == ["day", "season", "day"]
    assert zones.loc[0, "tro_ref"] == "LCC/TRO/2021/117"
    assert zones.loc[0].geometry.area == pytest.approx(90_000)
    assert (result.rows_in, result.kept, result.n_rejected) == (3, 3, 0)
    # the one numeric date can only be month first: read so, and said
    assert zones.loc[2, "implemented_on"] == pd.Timestamp("2016-07-31")
    assert any(
        note.startswith("Dates in 'IMPL_DATE' read month first (US order): 1 value like 07/31")
        for note in result.notes
    )
    assert any(note.startswith("1 zone with no name in 'ZONE_NAME'") for note in result.notes)
    assert any(
        note.startswith("1 implementation date known only to the season") and "too vague" in note
        for note in result.notes
    )


def test_lon_lat_geojson_is_converted_to_british_national_grid(tmp_path):
    path = tmp_path / "zones.geojson"
    council_zones().to_crs("EPSG:4326").to_file(path)
    zones = read_zones(path).layer
    assert zones.crs == "EPSG:27700"
    assert zones.geometry.area.round(-1).tolist() == [90_000, 90_000, 90_000]


@pytest.mark.parametrize(
    ("driver", "suffix"), [("GPKG", ".gpkg"), ("ESRI Shapefile", ".shp"), ("KML", ".kml")]
)
def test_other_formats(tmp_path, driver, suffix):
    path = tmp_path / f"zones{suffix}"
    frame = council_zones()
    if driver == "KML":
        frame = frame.rename(columns={"ZONE_NAME": "Name"}).to_crs("EPSG:4326")
    frame.to_file(path, driver=driver)
    zones = read_zones(path).layer
    assert zones.loc[0, "name"] == "Church Fields"
    assert zones.geometry.area.sum() == pytest.approx(270_000, rel=1e-3)


def test_zipped_shapefile(tmp_path):
    council_zones().to_file(tmp_path / "zones.shp")
    archive = tmp_path / "zones.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in tmp_path.glob("zones.*"):
            if part.suffix != ".zip":
                zf.write(part, part.name)
    assert read_zones(archive).layer["status"].tolist() == ["implemented", "proposed", "unknown"]


def test_csv_with_wkt_in_national_grid_metres_is_read_as_such_and_said(tmp_path):
    # as the assets' WKT is read: numbers that can only be National Grid metres are
    frame = council_zones()
    table = pd.DataFrame(frame.drop(columns="geometry"))
    table["WKT"] = frame.geometry.to_wkt()
    path = tmp_path / "zones.csv"
    table.to_csv(path, index=False)
    result = read_zones(path)
    assert result.layer.crs == "EPSG:27700"
    assert result.layer.geometry.iloc[0].equals_exact(frame.geometry.iloc[0], 1e-6)
    assert (
        "Coordinates of 'WKT': WKT in National Grid metres, read as British National Grid "
        "(EPSG:27700): they lie in its range and no CRS was given. If they are in another "
        "CRS, name it with crs=."
    ) in result.notes
    # a CRS named wins, and nothing is said
    named = read_zones(path, crs="EPSG:27700")
    assert not any(n.startswith("Coordinates of") for n in named.notes)
    # numbers that are neither degrees nor National Grid metres still need a CRS
    table["WKT"] = frame.to_crs("EPSG:3857").geometry.to_wkt()
    table.to_csv(path, index=False)
    with pytest.raises(MissingCRSError, match=r"zones\.csv.*crs=.*EPSG:4326"):
        read_zones(path)


def test_geojson_in_metres_without_the_legacy_crs_member(tmp_path):
    # GeoJSON without a `crs` member is longitude/latitude by definition; councils still
    # write British National Grid metres into it
    path = tmp_path / "zones.geojson"
    data = json.loads(council_zones().to_json())
    del data["crs"]
    path.write_text(json.dumps(data))
    with pytest.raises(
        InputFileError, match=r'not degrees.*crs="EPSG:27700" \(or assume_bng=True\)'
    ):
        read_zones(path)
    result = read_zones(path, assume_bng=True)
    assert result.layer.crs == "EPSG:27700"
    assert result.layer.geometry.iloc[0].equals_exact(council_zones().geometry.iloc[0], 1e-6)
    assert "can only be British National Grid metres" in result.repaired.iloc[0]["reason"]


def test_a_geopackage_with_several_layers_lists_them(tmp_path):
    path = tmp_path / "council.gpkg"
    council_zones().to_file(path, layer="zones_2021")
    council_zones().iloc[:1].to_file(path, layer="zones_2023")
    with pytest.raises(InputFileError, match="'zones_2021', 'zones_2023'.*layer=\"NAME\""):
        read_zones(path)
    assert len(read_zones(path, layer="zones_2023").layer) == 1
    assert len(read_zones(path, layer="Zones_2023").layer) == 1  # layer names in any case


def test_invalid_3d_and_empty_geometries_are_repaired_or_rejected(tmp_path):
    bowtie = shapely.Polygon(
        [(358000, 417000), (358100, 417100), (358100, 417000), (358000, 417100)]
    )
    with_z = shapely.force_3d(square(358300, 417000, 100))
    frame = gpd.GeoDataFrame(
        {"name": ["Bowtie", "Hilly", "Nothing", "Line"]},
        geometry=[bowtie, with_z, None, shapely.LineString([(0, 0), (1, 1)])],
        crs="EPSG:27700",
    )
    path = tmp_path / "messy.gpkg"
    frame.to_file(path)
    result = read_zones(path)
    assert result.layer["name"].tolist() == ["Bowtie", "Hilly"]
    assert result.layer.geometry.is_valid.all()
    assert not shapely.has_z(result.layer.geometry.values).any()
    reasons = dict(zip(result.repaired["row"], result.repaired["reason"], strict=True))
    assert "crosses itself" in reasons["1"] and "Z" in reasons["2"]
    assert "Self-intersection" in result.repaired.set_index("row").loc["1", "value"]
    rejected = dict(zip(result.rejected["row"], result.rejected["reason"], strict=True))
    assert set(rejected) == {"3", "4"}
    assert "no geometry" in rejected["3"] and "not a polygon" in rejected["4"]
    assert result.rows_in == result.kept + result.n_rejected


def test_fields_named_by_the_user(tmp_path):
    frame = council_zones().rename(columns={"ZONE_NAME": "SCHEME_TITLE", "IMPL_DATE": "GO_LIVE"})
    path = legacy_geojson(tmp_path / "z.geojson", frame)
    zones = read_zones(path, fields={"name": "scheme_title", "date": "GO_LIVE"}).layer
    assert zones.loc[0, "name"] == "Church Fields"
    assert zones.loc[0, "implemented_precision"] == "day"
    with pytest.raises(InputFileError, match="no column 'nope'"):
        read_zones(path, fields={"name": "nope"})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b'{"type": "FeatureCollection", "features": [', "cannot be read"),
        (b"\x00\x01garbage", "cannot tell what format"),
        (b'<?xml version="1.0"?><osm version="0.6"></osm>', "OpenStreetMap file"),
    ],
)
def test_bad_files_get_one_clear_message(tmp_path, content, message):
    suffix = ".geojson" if content.startswith(b"{") or not content else ".dat"
    path = tmp_path / f"zones{suffix}"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=message) as info:
        read_zones(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("side", [".dbf", ".shx", ".prj", ".cpg"])
def test_a_shapefiles_side_file_given_alone_names_the_shp(tmp_path, side):
    """An officer who picks the .dbf (it opens in a spreadsheet) is told to give the .shp."""
    frame = gpd.GeoDataFrame(
        {"name": ["Church Fields"]},
        geometry=[shapely.box(358000, 417000, 358300, 417300)],
        crs="EPSG:27700",
    )
    frame.to_file(tmp_path / "zones.shp")
    given = tmp_path / f"zones{side}"
    with pytest.raises(InputFileError, match=r"one of a Shapefile's side files") as info:
        read_zones(given)
    assert "Give the .shp file (zones.shp)" in str(info.value)
    assert read_zones(tmp_path / "zones.shp").layer.loc[0, "name"] == "Church Fields"


def test_a_file_with_no_usable_geometry(tmp_path):
    frame = gpd.GeoDataFrame(
        {"name": ["a"]}, geometry=[shapely.Point(358000, 417000)], crs="EPSG:27700"
    )
    path = tmp_path / "points.geojson"
    frame.to_file(path)
    with pytest.raises(InputFileError, match="No row has a usable zone polygon"):
        read_zones(path)


def test_a_missing_file():
    with pytest.raises(InputFileError, match="does not exist"):
        read_zones("no/such/zones.geojson")


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Implemented", "implemented"),
        ("Existing 20mph zone", "implemented"),
        ("LIVE", "implemented"),
        ("Implemented scheme", "implemented"),
        ("Scheme complete", "implemented"),
        ("Not implemented", "unknown"),
        ("Not yet in force", "proposed"),
        ("Proposed", "proposed"),
        ("Potential future 20mph", "proposed"),
        ("unconfirmed", "unknown"),
        (None, "unknown"),
    ],
)
def test_status_from_text(text, status):
    assert status_from_text(text) == status


def test_kmz(tmp_path):
    kml = tmp_path / "doc.kml"
    council_zones().rename(columns={"ZONE_NAME": "Name"}).to_crs("EPSG:4326").to_file(
        kml, driver="KML"
    )
    kmz = tmp_path / "zones.kmz"
    with zipfile.ZipFile(kmz, "w") as zf:
        zf.write(kml, "doc.kml")
    zones = read_zones(kmz).layer
    assert zones["name"].tolist() == ["Church Fields", "Mill Lane", "Unnamed zone (row 3)"]
    assert zones.geometry.area.sum() == pytest.approx(270_000, rel=1e-3)


def test_shapefile_truncated_field_names(tmp_path):
    frame = council_zones().rename(columns={"IMPL_DATE": "IMPLEMENTA", "TRO_REF": "TRO_REFERE"})
    path = tmp_path / "zones.shp"
    frame.to_file(path)
    zones = read_zones(path).layer
    assert zones.loc[0, "implemented_text"] == "Zone 2, 6 Sep 2021"
    assert zones.loc[0, "tro_ref"] == "LCC/TRO/2021/117"


def test_a_shapefile_missing_its_other_parts_says_which(tmp_path):
    path = tmp_path / "Zones.shp"
    council_zones().to_file(path)
    (tmp_path / "Zones.dbf").unlink()
    with pytest.raises(InputFileError, match=r"Zones\.dbf is missing.*Copy every Zones\.\*"):
        read_zones(path)
    (tmp_path / "Zones.shx").unlink()
    with pytest.raises(InputFileError, match=r"Zones\.shx and Zones\.dbf are missing"):
        read_zones(path)


def test_zone_ids_are_stable_and_unique(tmp_path):
    frame = council_zones()
    frame["ZONE_NAME"] = ["Church Fields", "Church Fields", "Mill Lane"]
    path = legacy_geojson(tmp_path / "z.geojson", frame)
    first = read_zones(path).layer["zone_id"].tolist()
    assert first == ["church-fields", "church-fields-2", "mill-lane"]
    assert read_zones(path).layer["zone_id"].tolist() == first


def test_repeated_names_never_share_an_id_and_the_account_says_so(tmp_path):
    frame = council_zones()
    # the second "Church Fields" must not take the id the third zone's own name gives
    frame["ZONE_NAME"] = ["Church Fields", "Church Fields", "Church Fields 2"]
    result = read_zones(legacy_geojson(tmp_path / "z.geojson", frame))
    assert result.layer["zone_id"].tolist() == [
        "church-fields",
        "church-fields-3",
        "church-fields-2",
    ]
    ids = result.repaired[result.repaired["field"] == "ZONE_NAME"]
    assert ids["row"].tolist() == ["2"]
    reason = ids.iloc[0]["reason"]
    assert "Another zone (row 1) has the same name" in reason
    assert "the zone's id is made unique" in reason
    assert ids.iloc[0]["value"] == "Church Fields (id 'church-fields-3')"


def test_a_very_long_name_gives_a_short_unique_id(tmp_path):
    frame = council_zones()
    long_a, long_b = "Church Fields " + "a" * 300, "Church Fields " + "b" * 300
    frame["ZONE_NAME"] = [long_a, long_b, long_a]
    result = read_zones(legacy_geojson(tmp_path / "z.geojson", frame))
    ids = result.layer["zone_id"].tolist()
    assert len(set(ids)) == 3
    assert all(i.startswith("church-fields-") and len(i) <= 70 for i in ids)
    assert ids[2] == ids[0] + "-2"
    assert result.layer["name"].tolist() == [long_a, long_b, long_a]  # the name itself is kept
    ids = result.repaired[result.repaired["field"] == "ZONE_NAME"]
    reasons = dict(zip(ids["row"], ids["reason"], strict=True))
    assert set(reasons) == {"1", "2", "3"}
    assert "314 characters long, too long for the file name of the zone's map" in reasons["1"]
    assert "same name" in reasons["3"] and "too long" in reasons["3"]


def council_lines():
    """Street lines as a council publishes a 20mph scheme: a LAYER field per street."""
    y = [417050, 417150, 417250]
    return gpd.GeoDataFrame(
        {
            "LAYER": ["20mph streets", "20mph streets", "Part time 20mph", "30mph", "??"],
            "ZONE": ["Church Fields", "Church Fields", None, None, None],
        },
        geometry=[
            shapely.LineString([(358000, y[0]), (358300, y[0])]),
            shapely.LineString([(358000, y[1]), (358300, y[1])]),
            shapely.LineString([(359000, y[0]), (359100, y[0])]),
            shapely.LineString([(358000, y[2]), (358300, y[2])]),
            shapely.LineString([(358000, 417400), (358300, 417400)]),
        ],
        crs="EPSG:27700",
    )


def test_speed_limit_lines(tmp_path):
    from healthy_streets.io.zones import LinesNotZonesError, read_speed_limit_lines

    path = tmp_path / "limits.gpkg"
    council_lines().to_file(path)
    with pytest.raises(LinesNotZonesError, match="street lines with speed limits"):
        read_zones(path)
    result = read_speed_limit_lines(path, fields={"group": "ZONE"})
    lines = result.layer
    assert lines["speed_mph"].tolist()[:4] == [20.0, 20.0, 20.0, 30.0]
    assert lines["part_time"].tolist() == [False, False, True, False, False]
    assert lines["group"].tolist()[:2] == ["Church Fields", "Church Fields"]
    # a limit that cannot be read is kept as unknown, shown in the account, not rejected
    assert lines.loc[4, "limit_kind"] == "unknown" and pd.isna(lines.loc[4, "speed_mph"])
    assert result.n_rejected == 0 and result.kept == result.rows_in == 5
    assert result.repaired["value"].tolist() == ["??"]
    assert any("1 line with no speed limit that could be read" in n for n in result.notes)
    assert any("limit <- 'LAYER' (header)" in n for n in result.notes)
    assert result.columns["group"]["how"] == "named by you"


def test_the_limit_column_of_speed_limit_lines_is_found_by_its_values(tmp_path):
    """A GeoPackage whose columns are headed F1, F2, F3: the limits are the column whose
    values read as speed limits, not the street names beside it, and the guess is shown."""
    from healthy_streets.io.zones import read_speed_limit_lines

    lines = council_lines().rename(columns={"LAYER": "F3", "ZONE": "F2"})
    lines["F1"] = ["Mill Lane", "Church Street", "A59", "B5256 Station Road", "Moor Road"]
    path = tmp_path / "limits.gpkg"
    lines[["F1", "F2", "F3", "geometry"]].to_file(path)
    result = read_speed_limit_lines(path)
    layer = result.layer
    assert layer["limit_text"].tolist()[:4] == [
        "20mph streets",
        "20mph streets",
        "Part time 20mph",
        "30mph",
    ]
    assert layer["speed_mph"].tolist()[:4] == [20.0, 20.0, 20.0, 30.0]
    assert layer["part_time"].tolist() == [False, False, True, False, False]
    assert layer.loc[4, "limit_kind"] == "unknown"  # '??' is kept, with no limit
    assert result.columns["limit"] == {
        "column": "F3",
        "how": "content: 80% of its values read as speed limits",
        "share": 0.8,
    }
    assert "limit <- 'F3' (content: 80% of its values read as speed limits)" in result.notes[0]
    assert result.kept == result.rows_in == 5 and result.n_rejected == 0


def test_bands_are_kept_as_bands_and_lines_with_no_limit_are_kept(tmp_path):
    from healthy_streets.io.zones import read_speed_limit_lines

    lines = council_lines().iloc[:4].copy()
    lines["LAYER"] = ["50, 60 or 70mph", "30/40", None, "20mph"]
    lines["ROAD"] = ["A59", "B5256", "A6 trunk road", "Mill Lane"]
    path = tmp_path / "limits.shp"
    lines.to_file(path)
    result = read_speed_limit_lines(path)
    layer = result.layer
    assert layer["limit_kind"].tolist() == ["band", "band", "unknown", "single"]
    assert layer["speed_mph_low"].tolist()[:2] == [50.0, 30.0]
    assert layer["speed_mph_high"].tolist()[:2] == [70.0, 40.0]
    # a band is never stored as its top value
    assert layer["speed_mph"].isna().tolist() == [True, True, True, False]
    assert layer.loc[3, "speed_mph"] == 20.0
    assert result.n_rejected == 0 and result.kept == 4
    notes = " ".join(result.notes)
    assert "2 lines with a band of limits ('50, 60 or 70mph', '30/40')" in notes
    assert "1 line with no speed limit that could be read (1 blank, 0 unreadable)" in notes


def test_zones_drawn_from_speed_limit_lines(tmp_path):
    from healthy_streets.analysis.zones import zones_from_speed_limit_lines
    from healthy_streets.io.zones import read_speed_limit_lines

    path = tmp_path / "limits.geojson"
    council_lines().to_crs("EPSG:4326").to_file(path)
    lines = read_speed_limit_lines(path, fields={"group": "ZONE"}).layer
    zones = zones_from_speed_limit_lines(lines)
    assert zones["name"].tolist() == ["Church Fields"]  # part-time and 30mph lines make none
    zone = zones.iloc[0]
    assert zone["status"] == "implemented"
    assert "outline from street lines" in zone["source"]
    # two 300 m streets 100 m apart, widened by 25 m and the block between them filled
    assert zone.geometry.area == pytest.approx(350 * 150, rel=0.05)
    assert zone.geometry.contains(shapely.Point(358150, 417100))  # the block between them
    with_part_time = zones_from_speed_limit_lines(lines, include_part_time=True)
    assert len(with_part_time) == 2


@pytest.mark.parametrize(
    ("text", "low", "high", "part_time"),
    [
        ("20mph streets", 20, 20, False),
        ("Part time 20mph", 20, 20, True),
        ("30", 30, 30, False),  # councils speak mph
        ("A6 30mph", 30, 30, False),  # not the road number
        ("B5256 - 30 mph", 30, 30, False),
        ("Zone 1, 20mph", 20, 20, False),  # not the zone number
        ("20 MPH (school times)", 20, 20, True),
        ("50, 60 or 70mph", 50, 70, False),
        ("30/40", 30, 40, False),
        ("20-30 mph", 20, 30, False),
        ("20 mph / 30 mph", 20, 30, False),
        ("National speed limit", 60, 70, False),
        ("Trunk road", None, None, False),
        ("??", None, None, False),
        (None, None, None, False),
    ],
)
def test_limit_from_text(text, low, high, part_time):
    from healthy_streets.io.zones import limit_from_text

    limit = limit_from_text(text)
    assert (limit.low, limit.high, limit.part_time) == (low, high, part_time)
    assert limit.mph == (low if low == high else None)


def test_format_chosen_by_content_when_the_extension_says_nothing(tmp_path):
    geojson = legacy_geojson(tmp_path / "zones.geojson", council_zones())
    export = tmp_path / "zones_export.dat"
    export.write_bytes(geojson.read_bytes())
    assert len(read_zones(export).layer) == 3
    gpkg = tmp_path / "zones.gpkg"
    council_zones().to_file(gpkg)
    renamed = tmp_path / "zones_from_gis"
    renamed.write_bytes(gpkg.read_bytes())
    assert len(read_zones(renamed).layer) == 3


def three_squares():
    return [square(358000 + 400 * i, 417000, 300) for i in range(3)]


def test_a_shapefiles_cut_field_names_give_the_name_the_date_and_the_number(tmp_path):
    # GDAL cuts long field names to 10 characters, as council exports have them:
    # Implementation -> Implementa, Implementation_Date -> Implemen_1
    frame = gpd.GeoDataFrame(
        {
            "ZONE_NO": [4, 5, 6],
            "Implementation": ["Zone 4,  16 Aug 2017", "Zone 5, 1 Sep 2018", "Zone 6, 2 May 2019"],
            "Implementation_Date": ["16/08/2017", "01/09/2018", "02/05/2019"],
        },
        geometry=three_squares(),
        crs="EPSG:27700",
    )
    path = tmp_path / "zones.shp"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame.to_file(path)
    assert any("'Implementation_Date' to 'Implemen_1'" in str(w.message) for w in caught)
    result = read_zones(path)
    zones = result.layer
    assert zones["name"].tolist() == ["Zone 4", "Zone 5", "Zone 6"]
    assert zones["implemented_on"].dt.strftime("%Y-%m-%d").tolist() == [
        "2017-08-16",
        "2018-09-01",
        "2019-05-02",
    ]
    assert zones["status"].tolist() == ["implemented"] * 3
    guesses = result.notes[0]
    assert "date <- 'Implemen_1' (header, cut to 10 characters)" in guesses
    assert "name <- 'Implementa' (split: 100% of its values hold a name and then a date)" in guesses
    assert result.columns["date"]["column"] == "Implemen_1"


def test_an_integer_zone_number_names_the_zones_in_a_geopackage(tmp_path):
    frame = gpd.GeoDataFrame(
        {"ZONE": [4, 7, 9], "GO_LIVE": ["2017-08-16", "2018-09-01", None]},
        geometry=three_squares(),
        crs="EPSG:27700",
    )
    path = tmp_path / "zones.gpkg"
    frame.to_file(path)
    result = read_zones(path)
    assert result.layer["name"].tolist() == ["Zone 4", "Zone 7", "Zone 9"]
    assert result.layer["zone_id"].tolist() == ["zone-4", "zone-7", "zone-9"]
    notes = " ".join(result.notes)
    assert "zone_number <- 'ZONE' (header)" in notes
    # the header suggested a name, but the values are numbers: said, not silently taken
    assert "the header 'ZONE' suggested it, but only 0% of its values are short texts" in notes
    assert "named after its number in 'ZONE' ('Zone 4')" in notes


def test_the_status_comes_from_the_date_when_no_column_gives_it(tmp_path):
    frame = gpd.GeoDataFrame(
        {"SCHEME_NAM": ["Church Fields", "Mill Lane", "Kestrel Park"]},
        geometry=three_squares(),
        crs="EPSG:27700",
    )
    frame["DATE_LIVE"] = ["31 Jul 2016", "Spring 2099", None]
    path = tmp_path / "zones.shp"
    frame.to_file(path)
    result = read_zones(path)
    assert result.layer["name"].tolist() == ["Church Fields", "Mill Lane", "Kestrel Park"]
    assert result.layer["status"].tolist() == ["implemented", "proposed", "unknown"]
    assert result.layer["status_text"].isna().all()  # nothing was written: nothing shown
    assert (
        "No column gives the status, so each zone takes it from the implementation date: "
        "1 in force (the date has passed), 1 proposed (the date is to come), 1 unknown"
    ) in " ".join(result.notes)


def test_a_written_status_always_wins_over_the_date(tmp_path):
    frame = council_zones()
    frame["STATUS"] = ["Proposed", None, "unconfirmed"]
    frame["IMPL_DATE"] = ["31 Jul 2016", "31 Jul 2016", "31 Jul 2016"]
    result = read_zones(legacy_geojson(tmp_path / "z.geojson", frame))
    assert result.layer["status"].tolist() == ["proposed", "implemented", "unknown"]
    assert "1 zone with no status takes it from the implementation date: 1 in force" in (
        " ".join(result.notes)
    )


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("31 Jul 2016", "implemented"),
        ("1 Dec 2026", "implemented"),  # the day itself counts
        ("2 Dec 2026", "proposed"),
        ("Dec 2026", "unknown"),  # the month holds today: too vague to tell
        ("Nov 2026", "implemented"),
        ("Autumn 2026", "implemented"),  # September to November
        ("Winter 2026", "unknown"),
        ("2027", "proposed"),
        ("07/31/2016", "unknown"),  # not a UK date
        (None, "unknown"),
    ],
)
def test_status_from_date(text, status):
    import datetime as dt

    from healthy_streets.io.zones import status_from_date
    from healthy_streets.model.dates import parse_council_date

    assert status_from_date(parse_council_date(text), today=dt.date(2026, 12, 1)) == status


def test_no_date_column_is_said_in_one_line(tmp_path):
    frame = gpd.GeoDataFrame(
        {"sub_zone_name": ["CA-B", "CA-C", "CA-D/E"], "control_saturday": ["08:30-13:30"] * 3},
        geometry=three_squares(),
        crs="EPSG:27700",
    )
    result = read_zones(legacy_geojson(tmp_path / "cpz.geojson", frame))
    assert result.layer["name"].tolist() == ["CA-B", "CA-C", "CA-D/E"]
    assert result.layer["implemented_on"].isna().all()
    said = [n for n in result.notes if n.startswith("No column looks like an implementation date")]
    assert len(said) == 1 and 'fields={"date": "COLUMN"}' in said[0]
    assert result.layer["status"].tolist() == ["unknown"] * 3


def test_columns_with_headers_that_say_nothing_are_found_by_their_values(tmp_path):
    frame = gpd.GeoDataFrame(
        {
            "F1": ["Church Fields", "Mill Lane", "Kestrel Park"],
            "F2": ["2016-07-31", "2017-01-02", "2099-03-04"],
            "F3": ["Implemented", "Implemented", "Proposed"],
            "F4": ["LCC/TRO/2016/1", "LCC/TRO/2017/2", "LCC/TRO/2099/3"],  # a year, not a date
        },
        geometry=three_squares(),
        crs="EPSG:27700",
    )
    result = read_zones(legacy_geojson(tmp_path / "z.geojson", frame))
    zones = result.layer
    assert zones["name"].tolist() == ["Church Fields", "Mill Lane", "Kestrel Park"]
    assert zones["implemented_precision"].tolist() == ["day"] * 3
    assert zones["status"].tolist() == ["implemented", "implemented", "proposed"]
    assert result.columns["date"] == {
        "column": "F2",
        "how": "content: 100% of its values read as dates",
        "share": 1.0,
    }
    assert "status <- 'F3' (content: 100% of its values are status words" in result.notes[0]


def test_a_few_codes_in_an_empty_column_are_not_taken_for_names(tmp_path):
    frame = gpd.GeoDataFrame(
        {"sccId": ["SE07", "E02", None, None, None], "Status": ["unconfirmed"] * 5},
        geometry=[square(358000 + 400 * i, 417000, 300) for i in range(5)],
        crs="EPSG:27700",
    )
    result = read_zones(legacy_geojson(tmp_path / "z.geojson", frame))
    assert result.layer["name"].tolist() == [f"Unnamed zone (row {n})" for n in range(1, 6)]
    assert "'sccId' looked like it but is filled in only 2 of 5 rows" in result.notes[0]


def test_a_file_geodatabase_folder_or_zipped(tmp_path):
    import pyogrio

    assert "w" in pyogrio.list_drivers()["OpenFileGDB"]  # GDAL writes File Geodatabases
    gdb = tmp_path / "council.gdb"
    frame = council_zones().rename(columns={"ZONE_NAME": "SCHEME_NAME", "IMPL_DATE": "GO_LIVE"})
    frame.to_file(gdb, driver="OpenFileGDB", layer="Zones20mph")
    frame.iloc[:1].to_file(gdb, driver="OpenFileGDB", layer="Proposed")
    with pytest.raises(InputFileError, match="2 layers: 'Zones20mph', 'Proposed'.*layer="):
        read_zones(gdb)
    zones = read_zones(gdb, layer="Zones20mph").layer
    assert zones["name"].tolist()[:2] == ["Church Fields", "Mill Lane"]
    assert zones["implemented_precision"].tolist() == ["day", "season", "day"]
    archive = tmp_path / "council.gdb.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in gdb.iterdir():
            zf.write(part, f"council.gdb/{part.name}")
    assert read_zones(archive, layer="proposed").layer["name"].tolist() == ["Church Fields"]


def test_a_zip_of_several_shapefiles_is_read_by_layer(tmp_path):
    council_zones().to_file(tmp_path / "zones_2021.shp")
    council_zones().iloc[:1].to_file(tmp_path / "zones_2023.shp")
    archive = tmp_path / "zones.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in sorted(tmp_path.glob("zones_*.*")):
            zf.write(part, f"export/{part.name}")
    with pytest.raises(InputFileError, match="2 shapefiles: 'zones_2021', 'zones_2023'.*layer="):
        read_zones(archive)
    assert len(read_zones(archive, layer="zones_2021").layer) == 3
    assert len(read_zones(archive, layer="ZONES_2023").layer) == 1
    with pytest.raises(InputFileError, match="no shapefile 'zones_2022'.*'zones_2021'"):
        read_zones(archive, layer="zones_2022")


def test_zones_outside_great_britain_are_warned_about(tmp_path):
    paris = gpd.GeoDataFrame(
        {"name": ["Marais", "Bastille"]},
        geometry=[shapely.box(2.35, 48.85, 2.36, 48.86), shapely.box(2.37, 48.85, 2.38, 48.86)],
        crs="EPSG:4326",
    )
    path = tmp_path / "paris.geojson"
    paris.to_file(path)
    result = read_zones(path)
    warning = next(n for n in result.notes if "outside Great Britain" in n)
    assert "UK speed defaults" in warning and "EPSG:32631" in warning
    assert 'hs.settings.working_crs = "EPSG:32631"' in warning  # Python's way to name it
    assert not any(
        "outside Great Britain" in n
        for n in read_zones(legacy_geojson(tmp_path / "z.geojson", council_zones())).notes
    )


def test_zones_in_the_isle_of_man_get_a_note_of_their_own(tmp_path):
    douglas = gpd.GeoDataFrame(
        {"name": ["Douglas Promenade"]},
        geometry=[shapely.box(-4.495, 54.145, -4.485, 54.155)],  # 54.15 N, 4.49 W
        crs="EPSG:4326",
    )
    path = tmp_path / "douglas.geojson"
    douglas.to_file(path)
    result = read_zones(path)
    assert len(result.layer) == 1 and result.layer.crs == "EPSG:27700"  # kept, in the grid
    note = next(n for n in result.notes if "Isle of Man" in n)
    assert note.startswith(
        "The zones lie in the Isle of Man (around 54.15° N, 4.49° W), which is not in the UK: "
        "its speed limits and defaults differ"
    )
    assert "EPSG:326" not in note  # the National Grid covers it


def test_a_zones_layer_the_toolkit_wrote_keeps_its_ids_when_read_back(tmp_path):
    import healthy_streets as hs
    from healthy_streets.analysis.zones import zones_from_osm_20mph
    from healthy_streets.io.write import write_gpkg

    from conftest import SAMPLE

    streets = hs.street_network_from_osm_file(SAMPLE / "yarrowside.osm").layer
    derived = zones_from_osm_20mph(streets)
    store = tmp_path / "project.gpkg"
    write_gpkg(derived, store, "zones")
    result = hs.read_zones(store, layer="zones")
    # the names would give osm-20mph-area-1...: the maps and the history would be renamed
    assert result.layer["zone_id"].tolist() == derived["zone_id"].tolist()
    assert result.layer["name"].tolist() == derived["name"].tolist()
    assert any("its ids are kept" in note for note in result.notes)

    # a council's own file with a zone_id column is named from its names, as before
    council = derived[["zone_id", "name", "geometry"]].assign(zone_id=["1", "2", "3", "4", "5"])
    council.to_file(tmp_path / "council.gpkg", layer="zones")
    named = hs.read_zones(tmp_path / "council.gpkg")
    assert named.layer["zone_id"].tolist()[:2] == ["osm-20mph-area-1", "osm-20mph-area-2"]

    # the toolkit's columns with ids that are no ids: made from the names, and said
    broken = derived.assign(zone_id=["a", "a", "Zone B", "c", "d"])
    write_gpkg(broken, tmp_path / "broken.gpkg", "zones")
    remade = hs.read_zones(tmp_path / "broken.gpkg")
    assert remade.layer["zone_id"].is_unique
    assert remade.layer["zone_id"].iloc[0] == "osm-20mph-area-1"
    assert any("not a set of unique ids" in note for note in remade.notes)


def four_squares():
    return [square(358000 + 400 * i, 417000, 300) for i in range(4)]


MIXED_NAMES = [
    "Zone 4, 16 Aug 2017",
    "Zone 5, 1 Sep 2018",
    "Zone 6, 2 May 2019",
    "Zone 7 (proposed)",
]
LONG_NOTES = [
    "Signed zone; entry roundels at every junction with Yarrowgate Road and Moorfield Road",
    "Zone 3 of the Chorley East programme; school keep clear markings renewed",
    "Signs only, no traffic calming; two parts either side of Yarrow Meadows park",
    "Consultation closed; awaiting funding",
]


@pytest.mark.parametrize("with_notes", [False, True])
def test_a_name_column_with_a_date_in_most_rows_gives_names_and_dates(tmp_path, with_notes):
    columns = {"ZONE_NAME": MIXED_NAMES, **({"NOTES": LONG_NOTES} if with_notes else {})}
    path = tmp_path / "zones.shp"
    gpd.GeoDataFrame(columns, geometry=four_squares(), crs="EPSG:27700").to_file(path)
    result = read_zones(path)
    zones = result.layer
    assert zones["name"].tolist() == ["Zone 4", "Zone 5", "Zone 6", "Zone 7 (proposed)"]
    assert zones["zone_id"].tolist()[:3] == ["zone-4", "zone-5", "zone-6"]
    assert zones["implemented_on"].dt.strftime("%Y-%m-%d").tolist()[:3] == [
        "2017-08-16",
        "2018-09-01",
        "2019-05-02",
    ]
    assert zones["implemented_on"].isna().tolist() == [False, False, False, True]
    guesses = result.notes[0]
    assert "name <- 'ZONE_NAME' (header; its part of values holding a name" in guesses
    assert "date <- 'ZONE_NAME' (split: 75% of its values hold a name and then a date)" in guesses
    assert "NOTES" not in guesses  # long notes are not names


@pytest.mark.parametrize(
    "fields",
    [{"name": "ZONE_NAME", "date": "ZONE_NAME"}, {"name": "ZONE_NAME"}, {"date": "ZONE_NAME"}],
)
def test_a_name_and_date_column_named_by_the_user_is_still_split(tmp_path, fields):
    path = tmp_path / "zones.geojson"
    frame = gpd.GeoDataFrame(
        {"ZONE_NAME": MIXED_NAMES, "NOTES": LONG_NOTES}, geometry=four_squares(), crs="EPSG:27700"
    )
    result = read_zones(legacy_geojson(path, frame), fields=fields)
    assert result.layer["name"].tolist()[:3] == ["Zone 4", "Zone 5", "Zone 6"]
    assert result.layer["implemented_on"].notna().sum() == 3


def test_unnamed_zones_never_take_a_real_zones_name_or_id(tmp_path):
    frame = gpd.GeoDataFrame(
        {"ZONE_NAME": ["Zone 4", None, "Zone 2", None]}, geometry=four_squares(), crs="EPSG:27700"
    )
    result = read_zones(legacy_geojson(tmp_path / "zones.geojson", frame))
    zones = result.layer
    assert zones["name"].tolist() == [
        "Zone 4",
        "Unnamed zone (row 2)",
        "Zone 2",
        "Unnamed zone (row 4)",
    ]
    # the real zones keep the ids their names give; nothing was renumbered
    assert zones["zone_id"].tolist() == [
        "zone-4",
        "unnamed-zone-row-2",
        "zone-2",
        "unnamed-zone-row-4",
    ]
    assert result.repaired.empty
    assert any(n.startswith("2 zones with no name in 'ZONE_NAME'") for n in result.notes)


def test_an_unnamed_zones_name_is_unlike_a_real_one_even_when_a_council_used_it(tmp_path):
    frame = gpd.GeoDataFrame(
        {"ZONE_NAME": ["Unnamed zone (row 2)", None]},
        geometry=four_squares()[:2],
        crs="EPSG:27700",
    )
    zones = read_zones(legacy_geojson(tmp_path / "zones.geojson", frame)).layer
    assert zones["name"].tolist() == ["Unnamed zone (row 2)", "Unnamed zone (row 2, 2)"]
    assert zones["zone_id"].tolist()[0] == "unnamed-zone-row-2"


def test_a_missing_zone_number_is_never_the_text_nan(tmp_path):
    frame = gpd.GeoDataFrame(
        {
            "ZoneNo": pd.array([1, 2, None, 4], dtype="Int64"),
            "Commenced": pd.to_datetime(["2017-08-16", "2018-09-01", "2030-01-01", None]),
        },
        geometry=four_squares(),
        crs="EPSG:27700",
    )
    path = tmp_path / "zones.gpkg"
    frame.to_file(path, layer="z")
    result = read_zones(path)
    zones = result.layer
    assert zones["name"].tolist() == ["Zone 1", "Zone 2", "Unnamed zone (row 3)", "Zone 4"]
    assert zones["zone_id"].tolist()[2] == "unnamed-zone-row-3"
    assert any(n.startswith("1 zone with no number in 'ZoneNo'") for n in result.notes)


def test_blank_cells_of_a_name_and_date_column_are_never_the_text_nan(tmp_path):
    frame = gpd.GeoDataFrame(
        {"ZONE_NAME": ["Zone 4, 16 Aug 2017", "", "Zone 2, 1 Sep 2018", "  "]},
        geometry=four_squares(),
        crs="EPSG:27700",
    )
    result = read_zones(legacy_geojson(tmp_path / "zones.geojson", frame))
    zones = result.layer
    assert "nan" not in " ".join(zones["name"]).lower()
    assert zones["zone_id"].tolist() == [
        "zone-4",
        "unnamed-zone-row-2",
        "zone-2",
        "unnamed-zone-row-4",
    ]
    assert zones["implemented_precision"].tolist() == ["day", "unknown", "day", "unknown"]
    assert any(n.startswith("2 zones with no name in 'ZONE_NAME'") for n in result.notes)


def test_dates_as_excel_writes_them_in_a_zones_file(tmp_path):
    frame = gpd.GeoDataFrame(
        {
            "ZONE_NAME": ["Church Fields", "Mill Lane", "Kestrel Park", "Cowslip"],
            "GO_LIVE": ["16-Aug-17", "Sep-2017", "20180901", "42963"],
            "OBJ_REF": ["42963", "43344", "43590", "43800"],  # numbers, not dates
        },
        geometry=four_squares(),
        crs="EPSG:27700",
    )
    result = read_zones(legacy_geojson(tmp_path / "zones.geojson", frame))
    zones = result.layer
    assert zones["implemented_on"].dt.strftime("%Y-%m-%d").tolist() == [
        "2017-08-16",
        "2017-09-01",
        "2018-09-01",
        "2017-08-16",
    ]
    assert zones["implemented_precision"].tolist() == ["day", "month", "day", "day"]
    notes = " ".join(result.notes)
    assert "date <- 'GO_LIVE' (header)" in notes
    assert "1 implementation date in 'GO_LIVE' is an Excel day number (42963 is 16 Aug 2017)" in (
        notes
    )


def test_excel_day_numbers_are_not_dates_where_no_header_says_so(tmp_path):
    frame = gpd.GeoDataFrame(
        {"ZONE_NAME": ["Church Fields", "Mill Lane"], "F2": ["42963", "43344"]},
        geometry=four_squares()[:2],
        crs="EPSG:27700",
    )
    result = read_zones(legacy_geojson(tmp_path / "zones.geojson", frame))
    assert result.layer["implemented_on"].isna().all()
    assert "Excel" not in " ".join(result.notes)


def test_a_zone_known_to_the_quarter(tmp_path):
    frame = gpd.GeoDataFrame(
        {"ZONE_NAME": ["Church Fields", "Mill Lane"], "GO_LIVE": ["Q3 2017", "Q2 2099"]},
        geometry=four_squares()[:2],
        crs="EPSG:27700",
    )
    result = read_zones(legacy_geojson(tmp_path / "zones.geojson", frame))
    zones = result.layer
    assert zones["implemented_on"].dt.strftime("%Y-%m-%d").tolist() == ["2017-07-01", "2099-04-01"]
    assert zones["implemented_precision"].tolist() == ["quarter", "quarter"]
    assert zones["status"].tolist() == ["implemented", "proposed"]
    assert any(
        n.startswith("2 implementation dates known only to the quarter") for n in result.notes
    )


def _dated_zones(tmp_path, dates):
    frame = gpd.GeoDataFrame(
        {"Scheme": [f"Zone {chr(65 + i)}" for i in range(len(dates))], "Date": dates},
        geometry=[square(358000 + 400 * i, 417000, 300) for i in range(len(dates))],
        crs="EPSG:27700",
    )
    path = tmp_path / "zones.gpkg"
    frame.to_file(path)
    return path


def test_zones_whose_dates_can_only_be_month_first_are_read_month_first(tmp_path):
    # as a US-set GIS exports them: the ambiguous 03/01/2016 is 1 March, not 3 January
    path = _dated_zones(tmp_path, ["08/16/2017", "03/01/2016", "11/20/2015", "01/08/2018"])
    result = read_zones(path)
    assert result.layer["implemented_on"].dt.strftime("%Y-%m-%d").tolist() == [
        "2017-08-16",
        "2016-03-01",
        "2015-11-20",
        "2018-01-08",
    ]
    assert result.repaired.empty
    assert (
        "Dates in 'Date' read month first (US order): 2 values like 08/16/2017 can only be "
        "month first, so the 2 values that could be either (like 03/01/2016) are too. If they "
        'are day first, date_order="dmy".'
    ) in result.notes


def test_zones_with_day_first_and_month_first_dates_are_read_day_first_and_said(tmp_path):
    path = _dated_zones(tmp_path, ["16/08/2017", "08/16/2017", "03/01/2016"])
    result = read_zones(path)
    assert result.layer["implemented_on"].dt.strftime("%Y-%m-%d").tolist()[::2] == [
        "2017-08-16",
        "2016-01-03",
    ]
    assert pd.isna(result.layer["implemented_on"].iloc[1])
    assert result.repaired["reason"].tolist() == [
        "The date could not be read as a UK (day-first) date; implemented_on is left empty."
    ]
    assert any(n.startswith("Dates in 'Date' are mixed:") for n in result.notes)


def test_zones_whose_dates_could_be_either_are_read_day_first_and_it_is_said(tmp_path):
    path = _dated_zones(tmp_path, ["03/01/2016", "05/06/2019"])
    result = read_zones(path)
    assert result.layer["implemented_on"].iloc[0] == pd.Timestamp("2016-01-03")
    said = [n for n in result.notes if n.startswith("Dates in 'Date' could be day or month")]
    assert len(said) == 1 and 'date_order="mdy"' in said[0]


def test_the_date_order_given_wins(tmp_path):
    path = _dated_zones(tmp_path, ["03/01/2016", "05/06/2019", "16/08/2017"])
    result = read_zones(path, date_order="mdy")
    assert result.layer["implemented_on"].iloc[:2].dt.strftime("%Y-%m-%d").tolist() == [
        "2016-03-01",
        "2019-05-06",
    ]
    assert result.repaired["reason"].tolist() == [
        "The date could not be read as a US (month-first) date; implemented_on is left empty."
    ]


def test_the_zones_command_takes_a_date_order(tmp_path):
    from click.testing import CliRunner

    from healthy_streets.cli import main

    path = _dated_zones(tmp_path, ["03/01/2016", "05/06/2019"])
    said = CliRunner().invoke(main, ["zones", str(path)])
    assert said.exit_code == 0, said.output
    assert "If they are month first (US order), --date-order mdy." in said.output
    given = CliRunner().invoke(main, ["zones", str(path), "--date-order", "mdy"])
    assert given.exit_code == 0, given.output
    assert "as --date-order mdy says" in given.output


def test_zones_are_named_from_the_titles_of_their_plans(tmp_path):
    # no column is headed as a name; each zone gives the council plan it was drawn from
    plans = [
        "20mph speed limit plans for Gleadless Valley.pdf",
        "20mph speed limit plans for Gleadless Valley.pdf",
        "20mph speed limit plans for Darnall.pdf",
        "20mph speed limit plans for Firth Park.pdf",
        "Proposed extensions to Greystones and Whirlow 20mph area.pdf",
        None,
    ]
    frame = gpd.GeoDataFrame(
        {"Source": plans, "Status": ["unconfirmed"] * 6},
        geometry=[square(358000 + 400 * i, 417000, 300) for i in range(6)],
        crs="EPSG:27700",
    )
    result = read_zones(legacy_geojson(tmp_path / "plans.geojson", frame))
    assert result.layer["name"].tolist() == [
        "Gleadless Valley",
        "Gleadless Valley",
        "Darnall",
        "Firth Park",
        "Proposed extensions to Greystones and Whirlow 20mph area",
        "Unnamed zone (row 6)",
    ]
    assert result.layer["zone_id"].tolist()[:2] == ["gleadless-valley", "gleadless-valley-2"]
    assert result.columns["name"]["how"] == (
        "titles of the zones' plans, without '20mph speed limit plans for' and 'the file "
        'extension\': 4 names for 6 zones; fields={"name": "COLUMN"} names another'
    )


def test_a_column_naming_many_zones_alike_is_no_title(tmp_path):
    # a ward for every few zones names none of them
    frame = gpd.GeoDataFrame(
        {"Ward": ["Ward of Chorley East"] * 4 + ["Ward of Chorley West"] * 4},
        geometry=[square(358000 + 400 * i, 417000, 300) for i in range(8)],
        crs="EPSG:27700",
    )
    result = read_zones(legacy_geojson(tmp_path / "wards.geojson", frame))
    assert result.layer["name"].str.startswith("Unnamed zone").all()
    assert result.columns["name"]["column"] is None


def test_names_sharing_a_word_are_kept_whole(tmp_path):
    frame = gpd.GeoDataFrame(
        {"Area": ["Zone North", "Zone South", "Zone East"]},
        geometry=three_squares(),
        crs="EPSG:27700",
    )
    result = read_zones(legacy_geojson(tmp_path / "z.geojson", frame))
    assert result.layer["name"].tolist() == ["Zone North", "Zone South", "Zone East"]


def plans_file(tmp_path, plans, **columns):
    """Zones whose only name is the title of the plan each was drawn from, as Sheffield's."""
    frame = gpd.GeoDataFrame(
        {"Source": plans, **columns},
        geometry=[square(358000 + 400 * i, 417000, 300) for i in range(len(plans))],
        crs="EPSG:27700",
    )
    return legacy_geojson(tmp_path / "plans.geojson", frame)


GLEADLESS = "20mph speed limit plans for Gleadless Valley.pdf"
FIRTH_PARK = "20mph speed limit plans for Firth Park.pdf"


def test_the_words_most_rows_share_are_not_taken_off_a_title(tmp_path):
    # four polygons of one plan and one of another: "... plans for Gleadless" is most rows'
    # start, but the name of one plan, not the words of every title
    result = read_zones(plans_file(tmp_path, [GLEADLESS] * 4 + [FIRTH_PARK]))
    assert result.layer["name"].tolist() == ["Gleadless Valley"] * 4 + ["Firth Park"]
    assert result.columns["name"]["how"].startswith(
        "titles of the zones' plans, without '20mph speed limit plans for' and 'the file "
        "extension': 2 names for 5 zones"
    )


def test_one_plans_title_for_every_zone_names_them_all(tmp_path):
    result = read_zones(plans_file(tmp_path, [GLEADLESS] * 4))
    assert result.layer["name"].tolist() == ["Gleadless Valley"] * 4
    assert result.layer["zone_id"].tolist() == [
        "gleadless-valley",
        "gleadless-valley-2",
        "gleadless-valley-3",
        "gleadless-valley-4",
    ]
    assert "1 name for 4 zones" in result.columns["name"]["how"]


def test_a_word_only_some_titles_share_stays_in_their_names(tmp_path):
    # three of five plans are for parts of Gleadless: still not a word every title has
    plans = [
        "20mph speed limit plans for Gleadless Valley.pdf",
        "20mph speed limit plans for Gleadless Townend.pdf",
        "20mph speed limit plans for Gleadless Common.pdf",
        "20mph speed limit plans for Firth Park.pdf",
        "Proposed extensions to Greystones 20mph area.pdf",
    ]
    result = read_zones(plans_file(tmp_path, plans))
    assert result.layer["name"].tolist() == [
        "Gleadless Valley",
        "Gleadless Townend",
        "Gleadless Common",
        "Firth Park",
        "Proposed extensions to Greystones 20mph area",
    ]


def test_common_words_are_found_in_any_case_and_shown_as_written(tmp_path):
    plans = [
        "20mph Speed Limit Plans For Darnall.pdf",
        "20mph speed limit plans for Firth Park.pdf",
    ]
    result = read_zones(plans_file(tmp_path, plans))
    assert result.layer["name"].tolist() == ["Darnall", "Firth Park"]
    assert "without '20mph Speed Limit Plans For'" in result.columns["name"]["how"]


def test_every_status_value_is_said_with_how_it_was_read(tmp_path):
    statuses = ["unconfirmed"] * 3 + ["Existing 20mph zone", "Potential future zone", "Agreed"]
    result = read_zones(plans_file(tmp_path, [GLEADLESS] * 6, Status=statuses))
    (note,) = [n for n in result.notes if n.startswith("Status values")]
    assert note.startswith(
        "Status values in 'Status': 'unconfirmed' (3 zones) read as unknown (the word says "
        "the status is not known); 'Existing 20mph zone' (1 zone) read as implemented (in "
        "force); 'Potential future zone' (1 zone) read as proposed; 'Agreed' (1 zone) read "
        "as unknown: not a status the toolkit knows. A zone whose status is unknown is not "
        "known to be in force, so it is not evaluated"
    )
    assert 'fields={"status": "COLUMN"}' in note


def test_a_status_column_of_known_words_says_them_without_advice(tmp_path):
    result = read_zones(plans_file(tmp_path, [GLEADLESS] * 2, Status=["Implemented", "Proposed"]))
    (note,) = [n for n in result.notes if n.startswith("Status values")]
    assert note == (
        "Status values in 'Status': 'Implemented' (1 zone) read as implemented (in force); "
        "'Proposed' (1 zone) read as proposed."
    )


def test_many_status_values_are_counted_past_the_first_few(tmp_path):
    statuses = [f"Phase {i} implemented" for i in range(14)] + ["Phase 14 proposed"]
    result = read_zones(plans_file(tmp_path, [GLEADLESS] * 15, Status=statuses))
    (note,) = [n for n in result.notes if n.startswith("Status values")]
    assert note.endswith("; and 3 other values (1 zone implemented, 2 zones proposed).") or (
        note.endswith("; and 3 other values (2 zones implemented, 1 zone proposed).")
    )


def test_a_misspelt_season_read_as_its_year_is_named_by_row_and_value(tmp_path):
    dates = ["Autumn 2015?", "Autimn 2015?", "2014", "Spring 2016?"]
    result = read_zones(plans_file(tmp_path, [GLEADLESS] * 4, DateBuilt=dates))
    assert result.layer["implemented_precision"].tolist() == ["season", "year", "year", "season"]
    (year,) = [n for n in result.notes if "known only to the year" in n]
    assert year.startswith(
        "2 implementation dates known only to the year ('Autimn 2015?' in row 2; '2014' in "
        "row 3). Only the year of 'Autimn 2015?' could be read: the words name no month or "
        "season (one misspelt?). Each stands for the year's first day"
    )
    (season,) = [n for n in result.notes if "known only to the season" in n]
    assert season.startswith(
        "2 implementation dates known only to the season ('Autumn 2015?' in row 1; "
        "'Spring 2016?' in row 4): each"
    )


def test_many_vague_dates_are_named_by_their_first_values_and_rows(tmp_path):
    dates = ["Autumn 2015?"] * 5 + ["Spring 2016?", "Summer 2013", "Winter 2014", "Spring 2013"]
    result = read_zones(plans_file(tmp_path, [GLEADLESS] * 9, DateBuilt=dates))
    (season,) = [n for n in result.notes if "known only to the season" in n]
    assert season.startswith(
        "9 implementation dates known only to the season ('Autumn 2015?' in rows 1, 2, 3, …; "
        "'Spring 2016?' in row 6; 'Summer 2013' in row 7; and 2 other values): each"
    )


def test_a_self_intersecting_outline_says_where_it_crosses_itself(tmp_path):
    bowtie = shapely.Polygon(
        [(358000, 417000), (358300, 417300), (358300, 417000), (358000, 417300)]
    )
    frame = gpd.GeoDataFrame(
        {"name": ["Church Fields", "Mill Lane"]},
        geometry=[square(358400, 417000, 300), bowtie],
        crs="EPSG:27700",
    )
    result = read_zones(legacy_geojson(tmp_path / "z.geojson", frame))
    (mended,) = result.repaired.itertuples()
    assert (mended.row, mended.field) == ("2", "geometry")
    assert mended.reason == (
        "The outline crosses itself or is otherwise not a valid polygon (Self-intersection at "
        "358150, 417150 in the file's coordinates); it was mended. Check the zone's shape "
        "there in the GIS."
    )
    assert mended.value == "Self-intersection at 358150, 417150 in the file's coordinates"
    assert result.layer.geometry.is_valid.all()


def test_verbose_lists_every_reason_a_row_was_repaired(tmp_path):
    from click.testing import CliRunner

    from healthy_streets.cli import main

    # ten plans of two polygons each: ten ids repaired, for ten reasons (one a plan: the
    # polygons of one plan share theirs, said once with their rows)
    places = ["Gleadless", "Firth Park", "Charnock", "Darnall", "Spink Hall", "Parson Cross"]
    places += ["Shirecliffe", "Stannington", "Woodhouse", "Hillsborough"]
    plans = [f"20mph speed limit plans for {place}.pdf" for place in places for _ in (1, 2)]
    path = plans_file(tmp_path, plans)
    said = CliRunner().invoke(main, ["zones", str(path)])
    assert said.exit_code == 0, said.output
    assert said.output.count("1 repaired: Another zone (row ") == 8
    assert "plans.geojson: and 2 more reasons for 2 rows repaired (-v lists them all)" in (
        said.output
    )
    for verbose in (["-v", "zones", str(path)], ["zones", str(path), "-v"]):
        told = CliRunner().invoke(main, verbose)
        assert told.exit_code == 0, told.output
        assert told.output.count("1 repaired: Another zone (row ") == 10
        assert "more reasons" not in told.output
    # eleven polygons of one plan: one reason, with the ten rows
    path = plans_file(tmp_path, [GLEADLESS] * 11)
    said = CliRunner().invoke(main, ["zones", str(path)]).output
    assert "10 repaired: Another zone (row 1) has the same name" in said
    assert "to choose the ids. (row 2, 3, 4, 5, 6, …)" in said


@pytest.mark.parametrize("header", ["Name", "Zone", "ZONE_NAME"])
def test_zones_named_by_a_single_letter_under_a_name_header_keep_their_names(tmp_path, header):
    # controlled parking and 20mph zones are often lettered: "A", "B", "C"
    frame = gpd.GeoDataFrame(
        {header: ["A", "B", "C", "D"], "Status": ["Existing", "Existing", "Proposed", "Existing"]},
        geometry=four_squares(),
        crs="EPSG:27700",
    )
    result = read_zones(legacy_geojson(tmp_path / "zones.geojson", frame))
    assert result.layer["name"].tolist() == ["A", "B", "C", "D"]
    assert result.layer["zone_id"].tolist() == ["a", "b", "c", "d"]
    assert result.columns["name"]["column"] == header


def test_single_letters_are_no_name_where_no_header_says_so(tmp_path):
    # a column of one-letter codes (a class, a ward letter) is not chosen by its values
    frame = gpd.GeoDataFrame(
        {"Ward": ["Church Fields", "Mill Lane", "Hill Top", "Low Green"], "Cls": list("ABCD")},
        geometry=four_squares(),
        crs="EPSG:27700",
    )
    result = read_zones(legacy_geojson(tmp_path / "zones.geojson", frame))
    assert result.columns["name"]["column"] == "Ward"


def test_geojson_written_latitude_first_is_read_the_right_way_round_and_said(tmp_path):
    # a tool that writes [latitude, longitude]: the zone lies off Somalia as written, and
    # in Leeds the right way round
    ring = [[53.80, -1.55], [53.80, -1.54], [53.81, -1.54], [53.81, -1.55], [53.80, -1.55]]
    feature = {
        "type": "Feature",
        "properties": {"Name": "Woodhouse", "Status": "Implemented"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    result = read_zones(path)
    centre = result.layer.to_crs("EPSG:4326").geometry.iloc[0].centroid
    assert (round(centre.x, 3), round(centre.y, 3)) == (-1.545, 53.805)
    assert result.repaired["reason"].str.contains("latitude first").tolist() == [True]
    assert not any("outside Great Britain" in n for n in result.notes)


def test_zones_abroad_are_not_turned_round_when_that_is_no_better(tmp_path):
    ring = [[2.35, 48.85], [2.36, 48.85], [2.36, 48.86], [2.35, 48.86], [2.35, 48.85]]
    feature = {
        "type": "Feature",
        "properties": {"Name": "Marais"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    result = read_zones(path)
    centre = result.layer.to_crs("EPSG:4326").geometry.iloc[0].centroid
    assert abs(centre.y - 48.855) < 0.001
    assert any("outside Great Britain" in n for n in result.notes)


@pytest.mark.parametrize(
    "header",
    ["Effective Date", "Date Operational", "Date of Implementation", "Date Introduced"],
)
def test_council_date_headings_name_the_date_so_excel_day_numbers_read(tmp_path, header):
    frame = gpd.GeoDataFrame(
        {"Scheme Name": ["Church Fields", "Mill Lane"], header: ["42963", "43344"]},
        geometry=four_squares()[:2],
        crs="EPSG:27700",
    )
    result = read_zones(legacy_geojson(tmp_path / "zones.geojson", frame))
    assert result.columns["date"]["how"] == "header"
    assert result.layer["implemented_on"].dt.strftime("%Y-%m-%d").tolist() == [
        "2017-08-16",
        "2018-09-01",
    ]
