import json
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
    assert list(zones["zone_id"]) == ["church-fields", "mill-lane", "zone-3"]
    assert list(zones["status"]) == ["implemented", "proposed", "unknown"]
    assert zones.loc[0, "implemented_on"] == pd.Timestamp("2021-09-06")
    assert zones.loc[0, "implemented_text"] == "Zone 2, 6 Sep 2021"
    assert list(zones["implemented_precision"]) == ["day", "season", "unknown"]
    assert zones.loc[0, "tro_ref"] == "LCC/TRO/2021/117"
    assert zones.loc[0].geometry.area == pytest.approx(90_000)
    assert (result.rows_in, result.kept, result.n_rejected) == (3, 3, 0)
    # the unreadable US-style date is not guessed, and the account says so
    assert result.repaired.iloc[0]["value"] == "07/31/2016"
    assert any(note.startswith("1 zone without a name") for note in result.notes)
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


def test_csv_with_wkt_needs_a_crs(tmp_path):
    frame = council_zones()
    table = pd.DataFrame(frame.drop(columns="geometry"))
    table["WKT"] = frame.geometry.to_wkt()
    path = tmp_path / "zones.csv"
    table.to_csv(path, index=False)
    with pytest.raises(MissingCRSError, match=r"zones\.csv.*--crs EPSG:27700"):
        read_zones(path)
    assert len(read_zones(path, crs="EPSG:27700").layer) == 3
    # or allowed to guess when the numbers can only be British National Grid
    result = read_zones(path, assume_bng=True)
    assert result.layer.crs == "EPSG:27700"
    assert "British National Grid" in result.repaired.iloc[0]["reason"]


def test_geojson_in_metres_without_the_legacy_crs_member(tmp_path):
    # GeoJSON without a `crs` member is longitude/latitude by definition; councils still
    # write British National Grid metres into it
    path = tmp_path / "zones.geojson"
    data = json.loads(council_zones().to_json())
    del data["crs"]
    path.write_text(json.dumps(data))
    with pytest.raises(InputFileError, match=r"not degrees.*--crs EPSG:27700 \(or --assume-bng\)"):
        read_zones(path)
    result = read_zones(path, assume_bng=True)
    assert result.layer.crs == "EPSG:27700"
    assert result.layer.geometry.iloc[0].equals_exact(council_zones().geometry.iloc[0], 1e-6)
    assert "can only be British National Grid metres" in result.repaired.iloc[0]["reason"]


def test_a_geopackage_with_several_layers_lists_them(tmp_path):
    path = tmp_path / "council.gpkg"
    council_zones().to_file(path, layer="zones_2021")
    council_zones().iloc[:1].to_file(path, layer="zones_2023")
    with pytest.raises(InputFileError, match="'zones_2021', 'zones_2023'.*--layer"):
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
    assert zones["name"].tolist() == ["Church Fields", "Mill Lane", "Zone 3"]
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
    assert "this zone's id is 'church-fields-3'" in reason


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
    assert lines["speed_mph"].tolist() == [20.0, 20.0, 20.0, 30.0]
    assert lines["part_time"].tolist() == [False, False, True, False]
    assert lines["group"].tolist()[:2] == ["Church Fields", "Church Fields"]
    assert result.rejected["value"].tolist() == ["??"]
    assert result.rows_in == result.kept + result.n_rejected


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


def test_limit_from_text():
    from healthy_streets.io.zones import limit_from_text

    assert limit_from_text("20mph streets") == (20.0, False)
    assert limit_from_text("Part time 20mph") == (20.0, True)
    assert limit_from_text("30") == (30.0, False)  # councils speak mph
    assert limit_from_text("A6 30mph") == (30.0, False)  # not the road number
    assert limit_from_text("B5256 - 30 mph") == (30.0, False)
    assert limit_from_text("Zone 1, 20mph") == (20.0, False)
    assert limit_from_text("20 MPH (school times)") == (20.0, True)
    assert limit_from_text("National speed limit") == (None, False)
    assert limit_from_text(None) == (None, False)


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
