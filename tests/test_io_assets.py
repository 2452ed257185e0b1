import io
import re

import pytest
import shapely
from pyproj import Transformer

from healthy_streets.errors import InputFileError
from healthy_streets.io.assets import read_assets
from healthy_streets.model.layers import ASSETS

WALKABOUT = """Name,Category,Latitude,Longitude,Easting,Northing,Grid Ref,Notes,Added By
Bench by the pond,Benches,53.6512,-2.6255,,,,"Broken slat, call 07700 900123",Margaret Holt
Poo bin,poo bin,,,358850,417420,,,Dev Patel
The hall,Comunity Centre,,,,,SD 58323 17512,Tea on Tuesdays,Ann Lee
Mystery,Thingy by the wall,53.6512,-2.6255,,,,,
Swapped,Bench,-2.6255,53.6512,,,,,
Nowhere,Bench,,,,,,,
Paris,Cafe,48.8566,2.3522,,,,,
Bad ref,Bench,,,,,ZZ 123,,
"""


@pytest.fixture
def walkabout(tmp_path):
    path = tmp_path / "walkabout.csv"
    path.write_text(WALKABOUT)
    return path


def test_walkabout_spreadsheet(walkabout):
    result = read_assets(walkabout)
    assets = result.layer.set_index("source_ref")
    assert list(result.layer.columns) == ASSETS.column_names
    assert assets.loc["2", "category"] == "bench"
    assert assets.loc["2", "category_text"] == "Benches"
    assert assets.loc["2", "notes"] == "Broken slat, call [phone removed]"
    assert assets.loc["3"].geometry.coords[0] == (358850.0, 417420.0)
    assert assets.loc["4", "category"] == "community_centre"
    assert assets.loc["4"].geometry.coords[0] == (358323.5, 417512.5)
    assert assets.loc["5", "category"] == "other"
    assert any("'Thingy by the wall'" in note for note in result.notes)
    # volunteers' names are never read
    assert "Margaret Holt" not in result.layer.to_json()


def test_every_row_is_kept_or_rejected_with_a_reason(walkabout):
    result = read_assets(walkabout)
    assert result.rows_in == 8 == result.kept + result.n_rejected
    reasons = dict(zip(result.rejected["row"], result.rejected["reason"], strict=True))
    assert "6" not in reasons  # latitude and longitude swapped in that row: read swapped
    assert "swapped in this row" in result.repaired.set_index("row").loc["6", "reason"]
    assert "no coordinates" in reasons["7"]
    assert "outside Great Britain" in reasons["8"]
    assert "not an OS grid reference" in reasons["9"]


def test_points_outside_the_project_area_are_set_apart_not_rejected(walkabout):
    area = shapely.box(358800, 417400, 358900, 417500)
    result = read_assets(walkabout, area=area)
    assert result.layer["source_ref"].tolist() == ["3"]
    # the bench, the hall, the mystery and the swapped row lie in Chorley, 55 to 477 m away
    assert sorted(result.outside["row"]) == ["2", "4", "5", "6"]
    assert sorted(result.outside["distance_m"]) == [55, 55, 55, 477]
    assert not result.rejected["reason"].str.contains("project area").any()
    assert set(result.rejected["row"]) == {"7", "8", "9"}  # as without an area
    assert result.rows_in == result.kept + result.n_rejected + result.n_outside
    note = next(n for n in result.notes if "outside the project area" in n)
    assert note == (
        "4 rows lie outside the project area (from 55 m to 477 m beyond it): left out, "
        "not rejected."
    )


def test_a_spreadsheet_without_coordinates(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Name,Category\nBench,Bench\n")
    with pytest.raises(InputFileError, match="No coordinate columns"):
        read_assets(path)


def test_excel_workbook(tmp_path):
    import pandas as pd

    table = pd.read_csv(io.StringIO(WALKABOUT))
    path = tmp_path / "walkabout.xlsx"
    with pd.ExcelWriter(path) as writer:
        table.to_excel(writer, sheet_name="Assets", index=False)
    result = read_assets(path)
    assert (result.rows_in, result.kept) == (8, 5)  # as from the CSV: three rows rejected
    assert result.layer.set_index("source_ref").loc["4", "category"] == "community_centre"
    with pd.ExcelWriter(path) as writer:
        table.to_excel(writer, sheet_name="North", index=False)
        table.to_excel(writer, sheet_name="South", index=False)
    with pytest.raises(InputFileError, match="'North', 'South'.*layer=\"SHEET\""):
        read_assets(path)
    assert read_assets(path, layer="South").kept == 5
    assert read_assets(path, layer="south ").kept == 5  # sheet names read in any case


def test_excel_sheet_with_a_title_above_the_header_and_an_empty_column(tmp_path):
    # as officers lay out a sheet: a title (merged across), a blank row, then the table,
    # with an empty column left for ticks
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Walkabout 12 March 2025 - Church Fields"])
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(["Place", None, "What is it", "Latitude", "Longitude", "Notes"])
    sheet.append(["Bench by the pond", None, "Bench", 53.6512, -2.6255, "Broken slat"])
    sheet.append(["St Mary's Church Hall", None, "Community centre", 53.6551, -2.6301, None])
    path = tmp_path / "walkabout.xlsx"
    book.save(path)
    result = read_assets(path)
    assert (result.rows_in, result.kept) == (2, 2)
    assert result.layer["name"].tolist() == ["Bench by the pond", "St Mary's Church Hall"]
    assert result.layer["category"].tolist() == ["bench", "community_centre"]
    assert result.layer["source_ref"].tolist() == ["4", "5"]  # rows as Excel numbers them
    assert "The header is on row 3: the 2 title lines above it were skipped." in result.notes


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "cp1252"])
def test_spreadsheet_text_in_any_encoding_excel_saves(tmp_path, encoding):
    path = tmp_path / "walkabout.csv"
    text = WALKABOUT.replace("The hall", "Café hall")
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # Excel's "Unicode text" carries a byte-order mark
    path.write_bytes(data)
    result = read_assets(path)
    assert (result.rows_in, result.kept) == (8, 5)
    assert "Café hall" in set(result.layer["name"])


def test_title_lines_above_the_header_are_skipped_and_said(tmp_path):
    path = tmp_path / "walkabout.csv"
    path.write_text("Walkabout export,,,,\nPrinted 12/03/2025,,,,\n" + WALKABOUT)
    result = read_assets(path)
    assert (result.rows_in, result.kept) == (8, 5)
    assert "The header is on row 3: the 2 title lines above it were skipped." in result.notes
    # rows are numbered as the spreadsheet numbers them: the first data row is row 4
    assert set(result.rejected["row"]) == {"9", "10", "11"}  # row 8 (swapped) is read swapped


def test_decimal_commas_and_thousands_commas_in_coordinates(tmp_path):
    # saved with semicolons and decimal commas (a European Excel); eastings with commas
    semicolons = tmp_path / "walkabout.csv"
    semicolons.write_text(
        "Name;Category;Latitude;Longitude\nBench;Bench;53,6512;-2,6255\nBin;Bin;53,651;-2,626\n"
    )
    result = read_assets(semicolons)
    assert (result.kept, result.n_rejected) == (2, 0)
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    places = [(-2.6255, 53.6512), (-2.626, 53.651)]
    for point, (lon, lat) in zip(result.layer.geometry, places, strict=True):
        assert point.distance(shapely.Point(to_bng.transform(lon, lat))) < 0.01
    grouped = tmp_path / "bins.csv"
    grouped.write_text('Name,Easting,Northing\nA,"358,850","417,420"\nB,"358850,5","417420,5"\n')
    coords = [p.coords[0] for p in read_assets(grouped).layer.geometry]
    assert coords == [(358850.0, 417420.0), (358850.5, 417420.5)]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("name", ["Bench", "Café bench"])  # ASCII read in place, or decoded
def test_a_lone_carriage_return_in_a_cell_splits_the_row_and_is_said(tmp_path, newline, name):
    """A cell pasted with a carriage return in it, not quoted: read as a spreadsheet reads it
    (two rows), and the note names both rows and the line, with the fix."""
    path = tmp_path / "walkabout.csv"
    lines = ["Name,Category,Lat,Lon", "Pond bench,Bench,53.65,-2.62"]
    lines += [f"{name}\rby the gate,Bench,53.66,-2.63", "Hall,Village hall,53.67,-2.64"]
    path.write_bytes(newline.join([*lines, ""]).encode("utf-8"))
    result = read_assets(path)
    assert (result.rows_in, result.kept) == (4, 3)
    assert set(result.rejected["row"]) == {"3"}  # the row cut short has no coordinates
    split = [n for n in result.notes if "carriage return" in n]
    assert split == [
        "Row 3 ends at a carriage return inside a cell that is not in quotes, and the rest of "
        "line 3 of the file was read as row 4 (as a spreadsheet reads it): put that cell in "
        "double quotes, or remove the carriage return, so the line is read as one row."
    ]


def test_a_split_row_is_named_after_a_row_of_empty_cells_too(tmp_path):
    """A line of commas only is a row of empty cells (pandas keeps it), skipped and said as
    one, a line of spaces is a blank line: the rows are numbered as a spreadsheet shows
    them (the line of spaces is its row 3), and the note still names the split."""
    path = tmp_path / "walkabout.csv"
    path.write_bytes(
        b"Name,Category,Lat,Lon\n,,,\n   \n"
        b"Bench\rby gate,Bench,53.66,-2.63\nHall,Bench,53.67,-2.64\n"
    )
    result = read_assets(path)
    assert result.rows_in == 3 and set(result.rejected["row"]) == {"4"}
    assert any(n.startswith("Row 2 is empty (no cell holds anything);") for n in result.notes)
    split = [n for n in result.notes if "carriage return" in n]
    assert len(split) == 1 and split[0].startswith("Row 4 ends at a carriage return")
    assert "the rest of line 4 of the file was read as row 5" in split[0]


def test_a_quoted_carriage_return_and_old_mac_lines_are_read_as_they_are(tmp_path):
    quoted = tmp_path / "quoted.csv"
    quoted.write_bytes(b'Name,Category,Lat,Lon\n"Bench\rby the gate",Bench,53.66,-2.63\n')
    result = read_assets(quoted)
    assert (result.rows_in, result.kept) == (1, 1)
    assert result.layer["name"].iloc[0].startswith("Bench")
    assert not [n for n in result.notes if "carriage return" in n]
    mac = tmp_path / "mac.csv"  # every line ends with a carriage return alone
    mac.write_bytes(b"Name,Category,Lat,Lon\rBench,Bench,53.66,-2.63\rHall,Bench,53.67,-2.64\r")
    result = read_assets(mac)
    assert (result.rows_in, result.kept) == (2, 2)
    assert not [n for n in result.notes if "carriage return" in n]


def test_postcodes_from_a_lookup_file_however_written(tmp_path):
    sheet = tmp_path / "hall.csv"
    sheet.write_text("Name,Category,Postcode\nThe hall,Village hall,pr7  1ab\nLost,Bench,ZZ9 9ZZ\n")
    onspd = tmp_path / "onspd.csv"
    onspd.write_text("pcd,pcds,oseast1m,osnrth1m\nPR7 1AB,PR7 1AB,358600,417700\n")
    result = read_assets(sheet, postcodes=onspd)
    assert result.layer.geometry.iloc[0].coords[0] == (358600.0, 417700.0)
    assert "centre of the postcode" in result.repaired.iloc[0]["reason"]
    assert "not in onspd.csv" in result.rejected.iloc[0]["reason"]
    codepoint = tmp_path / "pr.csv"  # Code-Point Open: no header
    codepoint.write_text(
        '"PR7 1AB",10,358601,417701,"E92000001","","E10000017","","E07000118","E05005001"\n'
    )
    moved = read_assets(sheet, postcodes=codepoint).layer.geometry.iloc[0]
    assert moved.coords[0] == (358601.0, 417701.0)
    without = read_assets(sheet)
    assert 'postcodes="FILE"' in without.rejected.iloc[0]["reason"]  # as Python names it
    assert without.kept == 0


def test_google_my_maps_kml_layers_are_categories(tmp_path):
    import geopandas as gpd
    import pyogrio
    import shapely

    path = tmp_path / "my_maps.kml"
    for layer, name in (("Benches", "Bench by the pond"), ("Dog bins", "Bin at the gate")):
        frame = gpd.GeoDataFrame(
            {"Name": [name], "Description": ["Seen on the walkabout"]},
            geometry=[shapely.Point(-2.6255, 53.6512)],
            crs="EPSG:4326",
        )
        pyogrio.write_dataframe(frame, path, layer=layer, driver="LIBKML", append=path.exists())
    result = read_assets(path)
    assets = result.layer.sort_values("name")
    assert assets["name"].tolist() == ["Bench by the pond", "Bin at the gate"]
    assert assets["category"].tolist() == ["bench", "bin"]
    assert assets["category_text"].tolist() == ["Benches", "Dog bins"]
    assert assets["notes"].tolist() == ["Seen on the walkabout"] * 2


def test_a_community_map_download_imports_back(tmp_path):
    import json

    path = tmp_path / "community-additions.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "healthy_streets": {
                    "kind": "community-map additions",
                    "version": 1,
                    "map": "Yarrowside North",
                },
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [-2.6255, 53.6512]},
                        "properties": {
                            "name": "Chatty bench",
                            "category": "bench",
                            "notes": "Good for a natter; ring 07700 900123",
                            "added_at": "2026-11-25T19:00:00Z",
                        },
                    }
                ],
            }
        )
    )
    asset = read_assets(path).layer.iloc[0]
    assert (asset["name"], asset["category"]) == ("Chatty bench", "bench")
    assert asset["source"] == "community-additions.geojson (community map)"
    assert asset["notes"] == "Good for a natter; ring [phone removed]"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", b"", "empty"),
        ("a.xlsx", b"PK\x03\x04 not really a workbook", "cannot be read as an Excel workbook"),
        ("a.geojson", b'{"type": "FeatureCollection", "features": [{"type"', "cannot be read"),
        ("a.kml", b"<kml><Document><Placemark>", "cannot be read"),
        ("a.csv", b"Name,Category\nBench,Bench\n", "No coordinate columns"),
        ("a.csv", b"<!DOCTYPE html>\n<html><body>Sign in</body></html>", "This is a web page"),
        ("a.geojson", b"\n<html><head><title>404</title></head></html>", "This is a web page"),
        ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "save it as .xlsx"),
        ("a.dat", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old Excel workbook"),
    ],
)
def test_malformed_asset_files(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=message) as info:
        read_assets(path)
    assert name in str(info.value)


def test_an_asset_in_two_sources_counts_once(walkabout, tmp_path):
    import geopandas as gpd
    import shapely

    from healthy_streets.io.assets import drop_duplicate_assets

    # OSM has the pond bench (5 m away), the same spot as a tree, and a bench far off
    osm = tmp_path / "osm.geojson"
    first = read_assets(walkabout).layer.set_index("source_ref").loc["2"].geometry
    gpd.GeoDataFrame(
        {"name": ["Pond bench", "Oak", "Far bench"], "category": ["bench", "tree", "bench"]},
        geometry=[
            shapely.Point(first.x + 5, first.y),
            shapely.Point(first.x, first.y),
            shapely.Point(first.x + 100, first.y),
        ],
        crs="EPSG:27700",
    ).to_file(osm)
    community, second = drop_duplicate_assets([read_assets(walkabout), read_assets(osm)])
    assert community.kept == 5
    assert second.layer["name"].tolist() == ["Oak", "Far bench"]
    assert second.rejected["reason"].tolist() == [
        "Already in walkabout.csv: the same category within 15 m (counted once)."
    ]
    assert second.rejected["value"].tolist() == ["walkabout-csv-2"]
    assert second.rows_in == second.kept + second.n_rejected


def test_latitude_and_longitude_headed_the_wrong_way_round(tmp_path):
    path = tmp_path / "walkabout.csv"
    path.write_text(
        "Name,Category,Latitude,Longitude\n"
        "Bench by the pond,Bench,-2.6255,53.6512\n"
        "Poo bin,Dog bin,-2.6270,53.6520\n"
        "Nowhere,Bench,,\n"
    )
    result = read_assets(path)
    assert (result.rows_in, result.kept, result.n_repaired) == (3, 2, 2)
    assert "wrong way round in every row" in result.repaired.iloc[0]["reason"]
    bench = result.layer.set_index("name").loc["Bench by the pond", "geometry"]
    expected = Transformer.from_crs(4326, 27700, always_xy=True).transform(-2.6255, 53.6512)
    assert bench.distance(shapely.Point(expected)) < 0.01  # lat 53.65, lon -2.63: Chorley
    # one swapped row among good ones is a slip, not a heading: that row is read swapped
    path.write_text(WALKABOUT)
    slip = read_assets(path)
    repaired = slip.repaired.set_index("row").loc["6"]
    assert "Latitude and longitude were swapped in this row" in repaired["reason"]
    assert "6" not in set(slip.rejected["row"])


@pytest.mark.parametrize(
    ("name", "text", "header_row", "columns"),
    [
        # a header with blank column names is still the header
        ("blank.csv", "Latitude,Longitude,Category,,\n53.65,-2.61,Bench,x,y\n", 1, 5),
        # exports that leave out trailing empty cells
        ("ragged.csv", "Name,Category,Latitude,Longitude,Notes\nA,Bench,53.65,-2.61\n", 1, 5),
        # a title above a tab-separated table (Excel's "Text (Tab delimited)")
        ("tab.tsv", "Assets export\nName\tLatitude\tLongitude\nA\t53.65\t-2.61\n", 2, 3),
        # a title with commas in it above a semicolon-separated table
        ("semi.csv", "Report: Yarrowside, Chorley, 2024\nName;Lat;Lon\nA;53,65;-2,61\n", 2, 3),
        # Excel pads a title row with empty cells to the table's width
        ("padded.csv", "Walkabout export,,\n,,\nName,Latitude,Longitude\nA,53.65,-2.61\n", 3, 3),
        # a title and a header with no rows yet
        ("empty.csv", "Walkabout,,\nName,Latitude,Longitude\n", 2, 3),
        # one column only
        ("one.csv", "Postcode\nPR7 1AB\nPR7 2CD\n", 1, 1),
    ],
)
def test_the_header_is_found_in_the_layouts_exports_take(tmp_path, name, text, header_row, columns):
    from healthy_streets.io._common import read_table

    path = tmp_path / name
    path.write_text(text)
    table = read_table(path)
    assert len(table.columns) == columns
    assert table.attrs["title_lines"] == header_row - 1
    assert table.index[0:1].tolist() in ([], [header_row + 1])  # rows numbered as in Excel


# ---- columns found by header and by content, every guess said ---------------------------

DEFIBRILLATORS = """Location,Address,Postcode,Latitude,Longitude,Access,Installed,Contact Name,Notes
Leyland United Football Club,"Dunkirk Lane, Leyland",PR25 1BZ,53.6911,-2.7002,24/7,NA,\
Margaret Holt,Cabinet by the clubhouse door; code from Margaret Holt on 07700 900123
Chorley Mall,"Market Street, Chorley",PR7 1DE,53.6530,-2.6290,Shop hours,N/A,NA,NA
Euxton Village Hall,"Wigan Road, Euxton",PR7 6JH,53.6640,-2.6740,24/7,12/05/2019,,
Whittle-le-Woods Post Office,"Preston Road, Whittle-le-Woods",PR6 7PN,53.6860,-2.6420,NA,null,-,-
"""


def test_a_defibrillator_list_read_right_with_no_field(tmp_path):
    path = tmp_path / "chorley_defibrillators.csv"
    path.write_text(DEFIBRILLATORS)
    result = read_assets(path)
    assets = result.layer.set_index("source_ref")
    # "Location" holds the names; public names keep their town names whole
    assert assets["name"].tolist() == [
        "Leyland United Football Club",
        "Chorley Mall",
        "Euxton Village Hall",
        "Whittle-le-Woods Post Office",
    ]
    # no column names the kind: the file's name does, and the summary says so
    assert (assets["category"] == "defibrillator").all()
    assert assets["category_text"].isna().all()
    # NA, N/A, null and - are no value, not text
    # ...but the persons in a row are not: the contact's name and phone are removed
    assert assets.loc["2", "notes"] == (
        "Cabinet by the clubhouse door; code from [name removed] on [phone removed]"
    )
    assert assets[["notes"]].loc[["3", "5"]].isna().all().all()
    columns = next(n for n in result.notes if n.startswith("Columns:"))
    assert "name <- 'Location' (header)" in columns
    assert "lat <- 'Latitude' (header); lon <- 'Longitude' (header)" in columns
    assert "no column for category (the file's name says 'Defibrillators' for every row)" in (
        columns
    )
    assert any("were given 'Defibrillators' (defibrillator)" in n for n in result.notes)
    assert result.columns["name"] == {"column": "Location", "how": "header", "share": 1.0}


def test_the_users_field_wins_over_a_guess(tmp_path):
    path = tmp_path / "chorley_defibrillators.csv"
    path.write_text(DEFIBRILLATORS)
    result = read_assets(path, fields={"name": "Notes", "category": "Installed"})
    assert result.layer["name"].iloc[0].startswith("Cabinet by the clubhouse door; code from")
    assert result.columns["category"]["how"] == "named by you"
    # the column names nothing the taxonomy knows: the file's name speaks for every row
    assert set(result.layer["category"]) == {"defibrillator"}
    assert result.layer["category_text"].fillna("").tolist() == ["", "", "12/05/2019", ""]
    # a column of personal data is never read, even when named
    with pytest.raises(
        InputFileError, match="'Address' \\(named for the name\\) holds personal data"
    ):
        read_assets(path, fields={"name": "Address"})


def test_a_greenspace_file_with_site_type(tmp_path):
    import geopandas as gpd

    types = [
        "Public Park Or Garden",
        "Play Space",
        "Playing Field",
        "Allotments Or Community Growing Spaces",
        "Religious Grounds",
        "Cemetery",
        "Golf Course",
        "Bowling Green",
        "Tennis Court",
        "Other Sports Facility",
        "Public Park Or Garden",
        "Play Space",
    ]
    path = tmp_path / "open_spaces.geojson"
    gpd.GeoDataFrame(
        {
            "site_name": [f"Site {n}" for n in range(len(types))],
            "site_type": types,
            "area_ha": [f"{n}.5" for n in range(len(types))],
        },
        geometry=[
            shapely.box(358000 + 200 * n, 417000, 358100 + 200 * n, 417100) for n in range(12)
        ],
        crs="EPSG:27700",
    ).to_file(path)
    result = read_assets(path)
    assert result.layer["category"].tolist() == [
        "park",
        "playground",
        "sport_leisure",
        "allotment",
        "place_of_worship",
        "park",
        "sport_leisure",
        "sport_leisure",
        "sport_leisure",
        "sport_leisure",
        "park",
        "playground",
    ]
    assert result.layer["category_text"].iloc[0] == "Public Park Or Garden"
    assert "category <- 'site_type' (header)" in result.notes[-1]


WALKABOUT_SHEET = """Place,What is it,Grid ref,Notes
The pond,Bench,SD 58323 17512,Slats loose
Lapwing Park gate,Dog bin,SD 5840 1760,
St Mary's,Church hall,SD5817,Tea on Tuesdays
"""


def test_a_walkabout_sheet_with_unusual_headings(tmp_path):
    path = tmp_path / "walkabout.csv"
    path.write_text(WALKABOUT_SHEET)
    result = read_assets(path)
    assets = result.layer
    assert assets["name"].tolist() == ["The pond", "Lapwing Park gate", "St Mary's"]
    assert assets["category"].tolist() == ["bench", "bin", "community_centre"]
    assert assets["notes"].fillna("").tolist() == ["Slats loose", "", "Tea on Tuesdays"]
    assert result.notes[-1] == (
        "Columns: name <- 'Place' (header); category <- 'What is it' (header); "
        "notes <- 'Notes' (header); grid_ref <- 'Grid ref' (header)."
    )


def test_columns_with_no_telling_header_are_judged_by_their_values(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "F1,F2,F3,Lat,Lon\n"
        "Kestrel Park bench,Bench,17,53.6512,-2.6255\n"
        "Cowslip Lane bin,Dog bin,4,53.6513,-2.6256\n"
        "Old school bench,Bench,9,53.6514,-2.6257\n"
        "Mill Lane bin,Litter bin,12,53.6515,-2.6258\n"
        "Church Fields seat,Seat,3,53.6516,-2.6259\n"
    )
    result = read_assets(path)
    assert result.layer["name"].iloc[0] == "Kestrel Park bench"
    assert result.layer["category"].tolist() == ["bench", "bin", "bench", "bin", "bench"]
    columns = result.notes[-1]
    assert "name <- 'F1' (content: 100% of its values are short distinct texts)" in columns
    assert "category <- 'F2' (content: 100% of its values are categories the toolkit knows)" in (
        columns
    )


def test_a_my_maps_untitled_layer_is_not_a_category_and_the_name_holding_types_is(tmp_path):
    import geopandas as gpd
    import pyogrio

    names = ["Community Toilet"] * 5 + ["Automatic Public Convenience"] * 3 + ["Tesco Clapham"]
    path = tmp_path / "toilets.kml"
    frame = gpd.GeoDataFrame(
        {"Name": names, "Description": [f"High Street {n}<br>Disabled Access" for n in range(9)]},
        geometry=[shapely.Point(-0.16 + n / 1000, 51.46) for n in range(9)],
        crs="EPSG:4326",
    )
    pyogrio.write_dataframe(frame, path, layer="Untitled layer", driver="LIBKML")
    result = read_assets(path)
    # the shop's name in the column of types is no category: the file's name gives one
    assert result.layer["category"].value_counts().to_dict() == {"toilets": 9}
    assert result.layer["name"].iloc[-1] == "Tesco Clapham"
    assert (
        "1 row that gives no category the toolkit knows was given 'Public toilets' (toilets), "
        "as the file's name 'toilets.kml' says" in result.notes[0]
    )
    assert not any("matched nothing" in note for note in result.notes)
    assert result.layer["category_text"].iloc[0] == "Community Toilet"  # not "Untitled layer"
    assert result.layer["notes"].iloc[0] == "High Street 0; Disabled Access"  # HTML read as text
    assert "category <- 'Name' (content: 89% of its values are categories" in result.notes[-1]


def test_wkt_in_degrees_beside_eastings_and_northings(tmp_path):
    from pyproj import Transformer

    to_lonlat = Transformer.from_crs(27700, 4326, always_xy=True)
    rows = []
    for n, (east, north) in enumerate([(364766, 158692), (364748, 158449), (365000, 158000)]):
        lon, lat = to_lonlat.transform(east + (80 if n == 2 else 0), north)
        rows.append(f"GBIN: LANE {n},POINT ({lon} {lat}),GBIN,{east},{north}")
    path = tmp_path / "grit.csv"
    path.write_text(
        "FEATURE_LOCATION,the_geom,FEATURE_TYPE_CODE,EASTING,NORTHING\n" + "\n".join(rows)
    )
    result = read_assets(path)
    assert result.kept == 3
    assert set(result.layer["category"]) == {"grit_bin"}
    third = result.layer.geometry.iloc[2]
    assert third.distance(shapely.Point(365080, 158000)) < 0.5  # the WKT point is used
    assert (
        "geometry <- 'the_geom' (WKT in longitude/latitude degrees, read as EPSG:4326; used "
        "rather than 'EASTING', 'NORTHING', which agree within 50 m in 2 of 3 rows)"
    ) in result.notes[-1]
    assert any(
        n.startswith("1 rows' WKT point and 'EASTING', 'NORTHING' disagree")
        and "80 to 80 m; rows 4)" in n
        for n in result.notes
    )


def test_x_and_y_columns_in_degrees_are_read_as_longitude_and_latitude(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("Name,Category,X,Y\nBench,Bench,-2.6255,53.6512\nBin,Dog bin,-2.6256,53.6513\n")
    result = read_assets(path)
    assert result.kept == 2
    assert result.layer.geometry.iloc[0].distance(shapely.Point(358700, 417240)) < 300
    assert any("hold longitude and latitude in degrees" in n for n in result.notes)


def test_places_that_cannot_be_right_are_rejected_and_places_elsewhere_set_apart(tmp_path):
    area = shapely.box(358000, 417000, 359000, 418000)
    path = tmp_path / "walkabout.csv"
    path.write_text(
        "Name,Category,Easting,Northing\n"
        "In the zone,Bench,358500,417500\n"
        "Zeros,Bench,0,0\n"
        "Swapped,Bench,417500,358500\n"
        "Next town,Bench,352000,420000\n"
        "Far away,Bench,530000,180000\n"
    )
    result = read_assets(path, area=area)
    assert result.layer["name"].tolist() == ["In the zone"]
    reasons = dict(zip(result.rejected["row"], result.rejected["reason"], strict=True))
    assert "0, 0, which is not a real place" in reasons["3"]
    assert "Easting and northing look swapped" in reasons["4"]
    outside = dict(zip(result.outside["row"], result.outside["distance_m"], strict=True))
    assert outside == {"5": pytest.approx(6325, abs=1), "6": pytest.approx(292_250, abs=1)}
    assert result.rows_in == result.kept + result.n_rejected + result.n_outside


def test_a_spatial_feature_outside_great_britain_is_rejected_not_set_apart(tmp_path):
    import geopandas as gpd

    path = tmp_path / "parks.geojson"
    gpd.GeoDataFrame(
        {"name": ["Astley Park", "Parc Monceau", "Haigh Hall"], "type": ["Park"] * 3},
        geometry=[
            shapely.Point(-2.64, 53.65),
            shapely.Point(2.31, 48.88),
            shapely.Point(-2.60, 53.57),
        ],
        crs="EPSG:4326",
    ).to_file(path)
    area = shapely.Point(358500, 417500).buffer(3000)
    result = read_assets(path, area=area)
    assert result.layer["name"].tolist() == ["Astley Park"]
    assert result.rejected["row"].tolist() == ["2"]
    assert "outside Great Britain" in result.rejected["reason"].iloc[0]
    assert result.outside["row"].tolist() == ["3"]  # Haigh Hall is in Wigan: elsewhere


def test_missing_value_texts_in_an_excel_sheet(tmp_path):
    import pandas as pd

    path = tmp_path / "sheet.xlsx"
    pd.DataFrame(
        {
            "Site name": ["Kestrel Park", "Mill Lane"],
            "Asset type": ["Play area", "NA"],
            "Latitude": ["53.6512", "53.6513"],
            "Longitude": ["-2.6255", "-2.6256"],
            "Comments": ["None", " n/a "],
        }
    ).to_excel(path, index=False)
    result = read_assets(path)
    assert result.layer["category"].tolist() == ["playground", "other"]
    assert result.layer["category_text"].isna().tolist() == [False, True]
    assert result.layer["notes"].isna().all()


PARIS_ASSETS = """Name,Type,Latitude,Longitude
Bibliothèque Forney,Library,48.8534,2.3600
Square du Temple,Park,48.8648,2.3607
École Saint-Merri,School,48.8590,2.3510
Parc de la Tête d'Or,Park,45.7772,4.8554
"""


def _paris_utm(lon, lat):
    return Transformer.from_crs("EPSG:4326", "EPSG:32631", always_xy=True).transform(lon, lat)


def test_a_paris_spreadsheet_is_read_when_the_working_crs_is_paris_own(tmp_path, monkeypatch):
    from healthy_streets import settings

    path = tmp_path / "paris.csv"
    path.write_text(PARIS_ASSETS)
    monkeypatch.setattr(settings, "working_crs", "EPSG:32631")
    result = read_assets(path)
    assert result.layer.crs == "EPSG:32631" and result.n_rejected == 0
    assets = result.layer.set_index("name")
    assert assets.loc["Square du Temple", "category"] == "park"
    assert assets.loc["Bibliothèque Forney"].geometry.coords[0] == pytest.approx(
        _paris_utm(2.3600, 48.8534), abs=0.001
    )
    assert not any("outside Great Britain" in note for note in result.notes)
    # the project area still sets apart what lies outside it: Lyon is 390 km away
    area = shapely.Point(*_paris_utm(2.355, 48.86)).buffer(3000)
    in_paris = read_assets(path, area=area)
    assert in_paris.layer["source_ref"].tolist() == ["2", "3", "4"]
    assert in_paris.outside["row"].tolist() == ["5"] and in_paris.n_rejected == 0
    assert in_paris.outside["distance_m"].iloc[0] == pytest.approx(390_000, rel=0.02)


def test_a_paris_spreadsheet_in_a_british_project_is_said_once_and_rejected(tmp_path):
    path = tmp_path / "paris.csv"
    path.write_text(PARIS_ASSETS)
    result = read_assets(path)  # the working CRS is the National Grid
    assert len(result.layer) == 0 and result.n_rejected == 4
    assert result.rejected["reason"].str.contains("outside Great Britain").all()
    [note] = [n for n in result.notes if "working CRS" in n]
    assert note.startswith("4 of 4 rows with latitude/longitude lie outside Great Britain")
    assert "48.86° N, 2.36° E" in note
    assert 'hs.settings.working_crs = "EPSG:32631"' in note


def test_a_british_file_with_a_stray_row_abroad_gets_no_note(walkabout):
    result = read_assets(walkabout)
    assert result.rejected["row"].tolist().count("8") == 1  # Paris, rejected by itself
    assert not any("working CRS" in note for note in result.notes)


@pytest.mark.parametrize("name", ["paris.geojson", "paris_wkt.csv"])
def test_paris_features_by_the_working_crs(tmp_path, monkeypatch, name):
    import geopandas as gpd

    from healthy_streets import settings

    path = tmp_path / name
    parks = gpd.GeoDataFrame(
        {"name": ["Square du Temple", "Parc Monceau"], "type": ["Park", "Park"]},
        geometry=[shapely.Point(2.3607, 48.8648), shapely.Point(2.3088, 48.8797)],
        crs="EPSG:4326",
    )
    if path.suffix == ".csv":  # a WKT column that names no CRS
        parks.assign(WKT=parks.geometry.to_wkt()).drop(columns="geometry").to_csv(path, index=False)
    else:
        parks.to_file(path)
    british = read_assets(path)
    assert british.n_rejected == 2
    assert british.rejected["reason"].str.contains("outside Great Britain").all()
    [note] = [n for n in british.notes if "working CRS" in n]
    assert note.startswith("2 of 2 features lie outside Great Britain") and "EPSG:32631" in note
    monkeypatch.setattr(settings, "working_crs", "EPSG:32631")
    local = read_assets(path)
    assert local.n_rejected == 0 and local.layer["category"].tolist() == ["park", "park"]
    assert local.layer.geometry.iloc[1].coords[0] == pytest.approx(
        _paris_utm(2.3088, 48.8797), abs=0.001
    )


def test_a_sheets_eastings_in_a_named_crs_through_read_assets(tmp_path):
    """``read_assets(..., crs=...)`` names the CRS of a spreadsheet's eastings and
    northings: a Northern Ireland sheet in the Irish Grid, for a project in the Irish
    Transverse Mercator, lands in Belfast; a CRS that is none is one clear error."""
    from pyproj import Transformer

    from healthy_streets.errors import ConfigError
    from healthy_streets.io.assets import read_assets

    east, north = Transformer.from_crs(4326, 29902, always_xy=True).transform(-5.9301, 54.5966)
    sheet = tmp_path / "belfast_benches.csv"
    sheet.write_text(f"Name,Category,Easting,Northing\nCity Hall bench,Bench,{east},{north}\n")
    result = read_assets(sheet, crs="EPSG:29902", working_crs="EPSG:2157")
    lon, lat = result.layer.to_crs(4326).geometry.iloc[0].coords[0]
    assert (lon, lat) == pytest.approx((-5.9301, 54.5966), abs=1e-4)
    assert any("EPSG:29902), as named" in note for note in result.notes)
    with pytest.raises(ConfigError, match="'EPSG:0' is not a coordinate reference system"):
        read_assets(sheet, crs="EPSG:0", working_crs="EPSG:2157")


def _greenspace(path, name_field, *, rows=9):
    """An OS Open Greenspace-like layer whose site names fill one row in three."""
    import geopandas as gpd

    functions = ["Public Park Or Garden", "Play Space", "Playing Field"]
    gpd.GeoDataFrame(
        {
            "id": [f"{n:08X}-0000" for n in range(rows)],
            "function": [functions[n % 3] for n in range(rows)],
            name_field: [None if n % 3 else f"Astley Park {n}" for n in range(rows)],
        },
        geometry=[
            shapely.box(358000 + 200 * n, 417000, 358100 + 200 * n, 417100) for n in range(rows)
        ],
        crs="EPSG:27700",
    ).to_file(path)


@pytest.mark.parametrize(
    ("name", "field", "column", "how"),
    [
        ("GB_GreenspaceSite.shp", "distName1", "distName1", "header"),
        ("greenspace.gpkg", "distinctiveName1", "distinctiveName1", "header"),
        # a Shapefile cuts distinctiveName1 to 10 characters
        ("greenspace_cut.shp", "distinctiv", "distinctiv", "header, cut to 10 characters"),
    ],
)
def test_os_open_greenspace_names_filled_in_a_third_of_rows(tmp_path, name, field, column, how):
    path = tmp_path / name
    _greenspace(path, field)
    result = read_assets(path)
    assets = result.layer
    # a sparse name column found by its header is still the name: never refused for gaps
    assert assets["name"].fillna("").tolist()[:4] == ["Astley Park 0", "", "", "Astley Park 3"]
    assert assets["category"].tolist()[:3] == ["park", "playground", "sport_leisure"]
    assert f"name <- {column!r} ({how})" in result.notes[-1]
    assert f"6 of 9 rows give no name in {column!r}; the map shows them by their category." in (
        result.notes
    )


def _council_assets(path, codes, descriptions):
    import geopandas as gpd

    gpd.GeoDataFrame(
        {"Asset_Type": codes, "Asset_Ty_1": descriptions, "Feature_Lo": ["Mill Lane"] * 8},
        geometry=[shapely.Point(358000 + 10 * n, 417000) for n in range(8)],
        crs="EPSG:27700",
    ).to_file(path)


def test_of_two_category_headers_the_column_the_taxonomy_knows_wins(tmp_path):
    path = tmp_path / "council_assets.shp"
    codes = ["BEN", "BIN", "BEN", "GRT", "BIN", "BEN", "PLY", "BIN"]
    kinds = [
        "Bench",
        "Litter Bin",
        "Bench",
        "Grit Bin",
        "Dog Bin",
        "Seat",
        "Play Area",
        "Litter Bin",
    ]
    _council_assets(path, codes, kinds)
    result = read_assets(path)
    # the codes ('BEN', 'PLY') would leave half the rows 'other'; the descriptions none
    assert result.layer["category"].tolist() == [
        "bench", "bin", "bench", "grit_bin", "bin", "bench", "playground", "bin"
    ]  # fmt: skip
    assert result.layer["category_text"].iloc[0] == "Bench"
    assert (
        "category <- 'Asset_Ty_1' (header, cut to 10 characters; 100% of its values are "
        "categories the toolkit knows, against 50% in 'Asset_Type')"
    ) in result.notes[-1]
    # when the first header's column is as well known, it stays, said as before
    _council_assets(path, kinds, codes)
    again = read_assets(path)
    assert "category <- 'Asset_Type' (header)" in again.notes[-1]
    assert again.layer["category_text"].iloc[0] == "Bench"


def _my_maps_kml(path, names, descriptions):
    import geopandas as gpd
    import pyogrio

    frame = gpd.GeoDataFrame(
        {"Name": names, "Description": descriptions},
        geometry=[shapely.Point(-0.16 + n / 1000, 51.46) for n in range(len(names))],
        crs="EPSG:4326",
    )
    pyogrio.write_dataframe(frame, path, layer="Untitled layer", driver="LIBKML")


TOILET_SITES = [
    ("Community Toilet", "@ Balham Library.<br>Disabled Access"),
    ("Community Toilet", "@ Bliss Barbers.<br>No Disabled Access"),
    ("Community Toilet", "@ Cantuccio Restaurant. No Disabled Access"),
    ("Community Toilet", "@ Leaders Gardens Cafe, Disabled Access"),
    ("Community Toilet", "@St. Mary's Church Hall. Disabled Access"),
    ("Automatic Public Convenience", "Garratt Terrace. Disabled Access."),
    ("Automatic Public Convenience", "Junction Approach. Disabled Access. 20p."),
    ("Park Toilet", "0800 - Dusk"),
    ("Park Toilet", "0800 - Dusk"),
    ("Sainsbury's Balham (Open London)", "Baby Changing; Disabled Access"),
]


def test_a_name_column_holding_only_types_takes_the_place_from_the_description(tmp_path):
    path = tmp_path / "toilets.kml"
    _my_maps_kml(path, *zip(*TOILET_SITES, strict=True))
    result = read_assets(path)
    assert result.layer["name"].tolist() == [
        "Balham Library",
        "Bliss Barbers",
        "Cantuccio Restaurant",
        "Leaders Gardens Cafe",  # ", Disabled Access" follows other places too
        "St. Mary's Church Hall",  # "St." ends no sentence
        "Garratt Terrace",
        "Junction Approach",
        "Park Toilet",  # opening hours are no name: the type stays
        "Park Toilet",
        "Sainsbury's Balham (Open London)",  # a name already
    ]
    assert (result.layer["category"] == "toilets").all()
    assert result.layer["category_text"].iloc[0] == "Community Toilet"  # the type is kept
    assert (
        "name <- 'description' (its first part, in the 7 rows where 'Name' gives only the type "
        "('Community Toilet' 5, 'Automatic Public Convenience' 2, 'Park Toilet' 2); 'Name' in "
        "the others)"
    ) in result.notes[-1]
    # a name the user chose is kept as it is
    named = read_assets(path, fields={"name": "Name"})
    assert named.layer["name"].iloc[0] == "Community Toilet"


def test_types_as_names_beside_notes_that_are_no_places_stay(tmp_path):
    path = tmp_path / "walkabout.csv"
    path.write_text(
        "Name,Category,Latitude,Longitude,Notes\n"
        "Bench,Bench,53.6512,-2.6255,Needs paint\n"
        "Bench,Bench,53.6513,-2.6255,slats loose\n"
        "Dog bin,Dog bin,53.6514,-2.6255,overflowing on Mondays\n"
        "Dog bin,Dog bin,53.6515,-2.6255,Glass broken\n"
    )
    result = read_assets(path)
    assert result.layer["name"].tolist() == ["Bench", "Bench", "Dog bin", "Dog bin"]
    assert "name <- 'Name' (header)" in result.notes[-1]


def _layers_kml(path, layers):
    import geopandas as gpd
    import pyogrio

    for layer, name in layers:
        frame = gpd.GeoDataFrame(
            {"Name": [name], "Description": ["Seen on the walkabout"]},
            geometry=[shapely.Point(-2.6255, 53.6512)],
            crs="EPSG:4326",
        )
        pyogrio.write_dataframe(frame, path, layer=layer, driver="LIBKML", append=path.exists())


def test_kml_layer_names_are_the_category_and_the_guess_says_so(tmp_path):
    path = tmp_path / "my_maps.kml"
    _layers_kml(
        path,
        [("Benches", "By the pond"), ("Dog bins", "Mill Lane"), ("Untitled layer", "Swings")],
    )
    result = read_assets(path)
    assert result.layer["category"].tolist() == ["bench", "bin", "other"]
    assert (
        "category <- layer names ('Benches' 1, 'Dog bins' 1; 1 row in a layer whose name says "
        "nothing)"
    ) in result.notes[-1]
    assert "no column for category" not in result.notes[-1]
    assert "1 row gives no category and became 'other'" in result.notes[0]
    # one layer chosen: its name is still the category
    benches = read_assets(path, layer="Benches")
    assert benches.layer["category"].tolist() == ["bench"]
    assert benches.layer["category_text"].tolist() == ["Benches"]
    assert "category <- layer names ('Benches' 1)" in benches.notes[-1]
    assert not any("no category" in note for note in benches.notes)


def test_kml_layer_chosen_on_the_command_line(tmp_path):
    from click.testing import CliRunner

    from healthy_streets.cli import main

    path = tmp_path / "my_maps.kml"
    _layers_kml(path, [("Benches", "By the pond"), ("Dog bins", "Mill Lane")])
    result = CliRunner().invoke(main, ["assets", str(path), "--layer", "Benches"])
    assert result.exit_code == 0, result.output
    assert "category <- layer names ('Benches' 1)" in result.output
    assert re.search(r"bench\s+1", result.output)
    assert "became 'other'" not in result.output


def test_an_aed_list_named_so_is_of_defibrillators(tmp_path):
    path = tmp_path / "chorley_aed_list.csv"
    path.write_text(DEFIBRILLATORS)
    result = read_assets(path)
    assert (result.layer["category"] == "defibrillator").all()
    typed = tmp_path / "community_list.csv"
    typed.write_text("Site,Type,Latitude,Longitude\nTown Hall,AED locations,53.65,-2.63\n")
    assert read_assets(typed).layer["category"].tolist() == ["defibrillator"]


@pytest.mark.parametrize(
    ("header", "how"),
    [("Access notes", "header"), ("Cabinet access notes", "its header holds 'notes'")],
)
def test_a_notes_column_is_found_inside_a_longer_header(tmp_path, header, how):
    path = tmp_path / "defibrillators.csv"
    path.write_text(
        f"Location,Latitude,Longitude,Level access Y/N,{header}\n"
        "Chorley Mall,53.6530,-2.6290,Y,Inside the main doors; call 07700 900123 after 6pm\n"
        "Euxton Village Hall,53.6640,-2.6740,N,Cabinet on the car park wall\n"
        "Astley Park,53.6590,-2.6400,Y,\n"
    )
    result = read_assets(path)
    notes = result.layer.set_index("source_ref")["notes"]
    assert notes.loc["2"] == "Inside the main doors; call [phone removed] after 6pm"
    assert notes.loc["3"] == "Cabinet on the car park wall"
    columns = next(n for n in result.notes if n.startswith("Columns:"))
    # "Level access Y/N" holds "access" too, but its values are flags, not notes
    assert f"notes <- {header!r} ({how})" in columns


def test_opening_hours_under_a_long_heading_become_the_notes(tmp_path):
    # as a borough's toilets workbook heads them, with yes/no flags beside
    path = tmp_path / "toilets.csv"
    path.write_text(
        "Area,Latitude,Longitude,24 hour Y/N,Opening hours (If not 24 hour)\n"
        "Beddington Park,51.3730,-0.1440,N,Cafe opening hours - usually from 9am to 4.30pm\n"
        "Carshalton Library,51.3680,-0.1660,N,Mon: closed / Tues: 9:30am - 7pm\n"
    )
    result = read_assets(path)
    assert result.layer["notes"].tolist() == [
        "Cafe opening hours - usually from 9am to 4.30pm",
        "Mon: closed / Tues: 9:30am - 7pm",
    ]
    assert result.columns["notes"]["column"] == "Opening hours (If not 24 hour)"
    assert result.columns["notes"]["how"] == "its header holds 'opening hours'"


def test_free_text_under_a_heading_no_synonym_names_becomes_the_notes(tmp_path):
    path = tmp_path / "benches.csv"
    path.write_text(
        "Place,Latitude,Longitude,Contact,Where to find it\n"
        "Mill Lane bench,53.6512,-2.6255,Jane Smith has the key to the shed,"
        '"Beside the pond, facing the old mill and the footbridge"\n'
        "Church Fields bench,53.6520,-2.6240,Jane Smith has the key to the shed,"
        "At the top of the path under the big oak tree\n"
        "Yarrow bench,53.6530,-2.6230,,Half way along the river walk near the weir\n"
    )
    result = read_assets(path)
    assert result.layer["notes"].tolist()[0] == (
        "Beside the pond, facing the old mill and the footbridge"
    )
    guess = result.columns["notes"]
    assert guess["column"] == "Where to find it"  # never the person's column
    assert guess["how"] == "content: 100% of its values are free text (several words)"
    assert not result.layer["notes"].str.contains("Jane Smith").any()


def test_a_kml_descriptions_lines_are_scrubbed_as_lines(tmp_path):
    """A KML description's <br> lines are joined with "; " in the layer, but a cue that
    starts a line ("Dear", "Name:", a sign-off above a name) is seen there first."""
    import geopandas as gpd
    import pyogrio

    descriptions = [
        "Gate locked at dusk<br>Dear Jane Doe, thank you",
        "Open 9-5<p>Name: Zed Quimby</p>",
        "Bench by the pond<br>Thanks<br>Ursula Grint",
    ]
    frame = gpd.GeoDataFrame(
        {"Name": ["Bench", "Toilet", "Bench"], "Description": descriptions},
        geometry=[shapely.Point(-0.16 + n / 1000, 51.46) for n in range(3)],
        crs="EPSG:4326",
    )
    path = tmp_path / "places.kml"
    pyogrio.write_dataframe(frame, path, layer="Places", driver="LIBKML")
    notes = list(read_assets(path).layer["notes"])
    assert notes == [
        "Gate locked at dusk; Dear [name removed], thank you",
        "Open 9-5; Name: [name removed]",
        "Bench by the pond; Thanks; [name removed]",
    ]


def test_assets_placed_by_a_socrata_location_column_of_latitude_longitude_pairs(tmp_path):
    # Camden's open data writes the place as "(51.549337, -0.18195)" in "Location"; with no
    # other coordinate column that is where the rows are (and no name is taken from it)
    path = tmp_path / "toilets.csv"
    path.write_text(
        "Name,Category,Location\n"
        'Hampstead Heath,Public toilet,"(51.560813, -0.160583)"\n'
        'Kentish Town,Public toilet,"(51.549337, -0.142)"\n'
    )
    result = read_assets(path)
    assert result.layer["name"].tolist() == ["Hampstead Heath", "Kentish Town"]
    place = result.layer.to_crs("EPSG:4326").geometry.iloc[1]
    assert (round(place.x, 4), round(place.y, 4)) == (-0.1420, 51.5493)
    assert result.columns["lon"]["column"] == "Location"


def test_sports_clubs_in_a_council_list_are_sports_not_community_groups(tmp_path):
    path = tmp_path / "community_assets.csv"
    path.write_text(
        "Name,Type,Latitude,Longitude\n"
        "Leyland United,Football Club,53.6512,-2.6255\n"
        "Chorley CC,Cricket Club,53.6513,-2.6256\n"
        "Worden Park Bowlers,Bowling Club,53.6514,-2.6257\n"
        "Tuesday lunches,Lunch club,53.6515,-2.6258\n"
        "Friends of the park,Community group,53.6516,-2.6259\n"
    )
    result = read_assets(path)
    assert result.layer["category"].tolist() == [
        "sport_leisure",
        "sport_leisure",
        "sport_leisure",
        "community_group",
        "community_group",
    ]


def test_the_assets_layer_healthy_streets_wrote_is_read_from_a_store_of_several(
    tmp_path, shared_sample_layers, sample_store
):
    import geopandas as gpd
    import pyogrio

    assets = shared_sample_layers.assets
    store = sample_store(tmp_path / "project.gpkg")
    result = read_assets(store)
    assert sorted(result.layer["name"].dropna()) == sorted(assets["name"].dropna())
    assert result.layer["category"].value_counts().to_dict() == (
        assets["category"].value_counts().to_dict()
    )
    assert (
        "Read the layer 'assets', the assets healthy-streets wrote into the file (it also "
        "holds 'zones', 'streets', 'reports'); choose another with layer=\"NAME\"."
    ) in result.notes
    # a layer of the council's own beside it: named, it is the one read
    council = gpd.GeoDataFrame(
        {"Site": ["Library"], "Type": ["library"]}, geometry=[assets.geometry.iloc[0]], crs=27700
    )
    council.to_file(store, layer="council_assets")
    assert read_assets(store, layer="council_assets").layer["name"].tolist() == ["Library"]
    # a file the toolkit did not write still asks which layer
    mine = tmp_path / "mine.gpkg"
    council.to_file(mine, layer="libraries")
    council.to_file(mine, layer="benches")
    with pytest.raises(InputFileError, match="holds 2 layers: 'libraries', 'benches'"):
        read_assets(mine)
    # a store whose assets layer is empty says so, reading none of its other layers
    empty = sample_store(tmp_path / "empty.gpkg")
    pyogrio.write_dataframe(assets.iloc[:0], empty, layer="assets")
    with pytest.raises(InputFileError) as said:
        read_assets(empty)
    assert str(said.value).endswith(
        "empty.gpkg: The assets layer healthy-streets wrote into the file is empty (it also "
        "holds 'zones', 'streets', 'reports'). Give the file of assets, or choose a layer "
        'with layer="NAME".'
    )
