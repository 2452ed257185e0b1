"""Frames of the analyst's own read as files are: reports and assets from a GeoDataFrame (or a
DataFrame of coordinates), with the same guesses, account and privacy filter."""

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import healthy_streets as hs
from healthy_streets.errors import InputFileError, MissingCRSError
from healthy_streets.io.assets import read_assets
from healthy_streets.io.reports import read_reports, reports_from_csv, reports_from_fixmystreet
from tests.layers_for_tests import streets as streets_layer

# three places in Chorley, in longitude/latitude
LON = [-2.6230, -2.6225, -2.6220]
LAT = [53.6512, 53.6514, 53.6516]


def _crm_frame() -> gpd.GeoDataFrame:
    """A council CRM's reports as an analyst holds them: typed columns, a reporter's name."""
    return gpd.GeoDataFrame(
        {
            "Ref": ["CRM-1", "CRM-2", "CRM-3"],
            "Enquiry Type": ["Dog fouling", "Fly tipping", "Dog Mess"],
            "Logged": pd.to_datetime(["2024-02-03 09:30", "2024-02-11 10:00", None]),
            "Reporter": ["Jane Smith", "Bob Jones", "Ann Lee"],
            "Details": ["Call Jane Smith on 07700 900123", "By the gate", "Outside no. 4"],
        },
        geometry=gpd.points_from_xy(LON, LAT),
        crs="EPSG:4326",
    )


def test_read_reports_takes_a_geodataframe_with_every_row_accounted_for():
    result = read_reports(_crm_frame())
    layer = result.layer
    assert result.source == "reports (a GeoDataFrame)"
    assert layer["source"].tolist() == ["reports (a GeoDataFrame)"] * 2
    assert layer["report_id"].tolist() == ["CRM-1", "CRM-2"]
    assert layer["category"].tolist() == ["dog_fouling", "fly_tipping"]
    assert layer["reported_at"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2024-02-03 09:30",
        "2024-02-11 10:00",
    ]
    # the row with no date is rejected with the reason, not dropped
    assert result.rejected["row"].tolist() == ["2"]
    assert "date cannot be read" in result.rejected["reason"].iloc[0]
    # placed by the geometry, in British National Grid metres
    assert layer.crs.to_epsg() == 27700
    expected = gpd.GeoSeries(gpd.points_from_xy(LON[:2], LAT[:2]), crs="EPSG:4326").to_crs(27700)
    assert layer.geometry.distance(expected, align=False).max() < 0.01
    # the guesses are said, and the person columns never reach the layer
    assert result.columns["category"]["column"] == "Enquiry Type"
    assert "Jane Smith" not in layer["detail"].iloc[0]
    assert "07700" not in layer["detail"].iloc[0]
    assert not any("Bob Jones" in str(v) for v in layer.drop(columns="geometry").to_numpy().ravel())


def test_the_reports_layer_itself_is_read_again():
    """A reports layer an analyst filtered (reported_at, fixed_at) reads back as it was."""
    frame = _crm_frame()
    first = read_reports(frame).layer
    again = read_reports(first)
    assert again.rejected.empty
    assert again.layer["report_id"].tolist() == first["report_id"].tolist()
    assert again.layer["category"].tolist() == first["category"].tolist()
    assert again.layer["reported_at"].tolist() == first["reported_at"].tolist()
    assert again.columns["created"]["column"] == "reported_at"


def test_each_report_reader_takes_a_frame():
    frame = _crm_frame()
    csv = reports_from_csv(frame, columns={"category": "Enquiry Type", "created": "Logged"})
    assert csv.layer["report_id"].tolist() == ["CRM-1", "CRM-2"]
    fms = gpd.GeoDataFrame(
        {
            "Report ID": [11, 12],
            "Category": ["Dog fouling", "Potholes"],
            "Confirmed": ["2024-03-01 08:00", "2024-03-02 08:00"],
            "User Name": ["Jane Smith", "(anonymous)"],
        },
        geometry=gpd.points_from_xy(LON[:2], LAT[:2]),
        crs="EPSG:4326",
    )
    for result in (reports_from_fixmystreet(fms), read_reports(fms)):
        assert result.layer["report_id"].tolist() == ["11", "12"]
        assert result.layer["category"].tolist() == ["dog_fouling", "potholes"]


def test_a_dataframe_of_coordinates_is_placed_by_its_columns():
    frame = pd.DataFrame(
        {
            "Ref": ["A", "B"],
            "Type": ["Litter", "Graffiti"],
            "Date": ["03/02/2024", "04/02/2024"],
            "Easting": [358300.0, 0.0],
            "Northing": [417400.0, 0.0],
        }
    )
    result = read_reports(frame)
    assert result.source == "reports (a DataFrame)"
    assert result.layer["report_id"].tolist() == ["A"]
    assert result.layer.geometry.iloc[0].equals(shapely.Point(358300, 417400))
    assert result.rejected["row"].tolist() == ["1"]  # 0, 0 is not a place


def test_a_report_drawn_as_an_area_is_repaired_to_a_point_and_outside_ones_set_apart():
    frame = gpd.GeoDataFrame(
        {"Ref": ["A", "B"], "Type": ["Litter", "Litter"], "Date": ["03/02/2024"] * 2},
        geometry=[shapely.box(358000, 417000, 358010, 417010), shapely.Point(400000, 417000)],
        crs="EPSG:27700",
    )
    area = shapely.box(357000, 416000, 359000, 418000)
    result = read_reports(frame, area=area)
    assert result.layer["report_id"].tolist() == ["A"]
    assert result.layer.geometry.iloc[0].within(shapely.box(358000, 417000, 358010, 417010))
    assert "a point within it was used" in result.repaired["reason"].iloc[0]
    assert len(result.outside) == 1  # set apart with its distance, not rejected


def test_a_frame_without_a_crs_is_refused_with_the_fix():
    frame = _crm_frame().set_crs(None, allow_override=True)
    with pytest.raises(MissingCRSError, match=r"reports \(a GeoDataFrame\).*set_crs"):
        read_reports(frame)


def test_something_neither_a_file_nor_a_frame_gets_a_sentence_not_a_type_error():
    for reader in (read_reports, read_assets, hs.read_zones):
        with pytest.raises(InputFileError, match="not a list"):
            reader(["zones.geojson"])


def test_read_assets_takes_a_geodataframe_and_a_dataframe():
    own = gpd.GeoDataFrame(
        {
            "Site": ["Bench by the pond", "Church Fields", "Oak"],
            "What is it": ["Bench", "Park", "Tree"],
            "Added By": ["Jane Smith", "Bob Jones", "Ann Lee"],
        },
        geometry=[
            shapely.Point(LON[0], LAT[0]),
            shapely.box(-2.6236, 53.6500, -2.6226, 53.6506),
            None,
        ],
        crs="EPSG:4326",
    )
    result = read_assets(own)
    assert result.source == "assets (a GeoDataFrame)"
    assert result.layer["name"].tolist() == ["Bench by the pond", "Church Fields"]
    assert result.layer["category"].tolist() == ["bench", "park"]
    assert result.layer.crs.to_epsg() == 27700
    assert result.rejected["row"].tolist() == ["2"]  # no geometry: said, not dropped
    assert "Jane Smith" not in result.layer.to_string()
    plain = pd.DataFrame(
        {"Name": ["Bench A"], "Type": ["bench"], "Latitude": [LAT[0]], "Longitude": [LON[0]]}
    )
    result = read_assets(plain)
    assert result.source == "assets (a DataFrame)"
    assert result.layer["category"].tolist() == ["bench"]
    assert result.columns["lat"]["column"] == "Latitude"


def _street_through_chorley():
    """One street across the three places, in a zone around them."""
    points = gpd.GeoSeries(gpd.points_from_xy(LON, LAT), crs="EPSG:4326").to_crs(27700)
    (x0, y0), (x1, y1) = points.iloc[0].coords[0], points.iloc[-1].coords[0]
    zone = gpd.GeoDataFrame(
        {"name": ["Church Fields"]},
        geometry=[shapely.box(x0 - 200, y0 - 200, x1 + 200, y1 + 200)],
        crs="EPSG:27700",
    )
    line = [(x0 - 100, y0), (x1 + 100, y1)]
    street = streets_layer(
        [("s1", "Church Lane", "residential", "local", 20, "maxspeed", True, "20 mph", None, line)]
    )
    return zone, street


def test_inputs_take_frames_one_alone_or_in_a_list():
    zone, street = _street_through_chorley()
    assets = gpd.GeoDataFrame(
        {"Site": ["Bench by the pond"], "Type": ["Bench"]},
        geometry=[shapely.Point(LON[1], LAT[1])],
        crs="EPSG:4326",
    )
    reports = _crm_frame()
    for given_assets, given_reports in ((assets, reports), ([assets], [reports])):
        inputs = hs.Inputs(zone, streets=street, assets=given_assets, reports=given_reports)
        assert len(inputs.assets) == 1 and len(inputs.reports) == 1
        layers = hs.load_layers(inputs)
        assert layers.assets["name"].tolist() == ["Bench by the pond"]
        assert layers.reports["report_id"].tolist() == ["CRM-1", "CRM-2"]
        assert set(layers.reports["zone_id"]) == {"church-fields"}
        sources = [r.source for r in layers.imports]
        assert "assets (a GeoDataFrame)" in sources and "reports (a GeoDataFrame)" in sources
    # one file alone is one file too, not its letters
    assert [s.name for s in hs.Inputs(zone, streets=street, reports="r.csv").reports] == ["r.csv"]
