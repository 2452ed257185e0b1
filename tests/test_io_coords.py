import numpy as np
import pandas as pd
import pytest
import shapely

from healthy_streets.io._coords import grid_ref_to_bng


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("SD 58323 17512", (358323.5, 417512.5)),
        ("SD5832317512", (358323.5, 417512.5)),
        ("sd 5832 1751", (358325.0, 417515.0)),
        ("SD5817", (358500.0, 417500.0)),
        ("SD 58 17", (358500.0, 417500.0)),
        ("TQ 30 80", (530500.0, 180500.0)),  # central London
        ("NN 166 712", (216650.0, 771250.0)),  # Ben Nevis
        ("HP 6 1", (465000.0, 1215000.0)),  # Shetland
    ],
)
def test_grid_refs_at_any_precision(ref, expected):
    assert grid_ref_to_bng(ref) == expected


@pytest.mark.parametrize("ref", ["SD", "SD 583 17512", "SI 1 2", "12345", "", "SD 1234567890123"])
def test_not_grid_refs(ref):
    assert grid_ref_to_bng(ref) is None


def test_rows_outside_the_area_are_set_apart_with_their_distance():
    import geopandas as gpd
    import pandas as pd
    import shapely

    from healthy_streets.io._coords import find_coordinate_columns, points_from_table
    from healthy_streets.model.account import AccountBook

    table = pd.DataFrame(
        {
            "Latitude": ["53.6512", "0", "53.6512", "48.8566"],
            "Longitude": ["-2.6255", "0", "-2.5", "2.3522"],
        },
        index=[2, 3, 4, 5],
    )
    book = AccountBook("walkabout.csv")
    columns = find_coordinate_columns(list(table.columns))
    area = gpd.GeoSeries.from_xy([-2.6255], [53.6512], crs=4326).to_crs(27700).iloc[0].buffer(100)
    points = points_from_table(table, columns, book, area=area, working_crs="EPSG:27700")
    assert points.index.tolist() == [2]
    result = book.result(gpd.GeoDataFrame(geometry=points), 4)
    reasons = dict(zip(result.rejected["row"], result.rejected["reason"], strict=True))
    assert "not a real place" in reasons["3"]  # 0, 0: a blank written as zeros
    assert "outside Great Britain" in reasons["5"]  # Paris: no place in this project
    assert result.outside["row"].tolist() == ["4"]  # 8 km east: elsewhere, no error
    assert result.outside["distance_m"].iloc[0] == pytest.approx(8200, rel=0.05)
    assert shapely.Point(points.iloc[0].coords[0]).within(area)


def test_outside_great_britain():
    import geopandas as gpd

    from healthy_streets.io._coords import outside_great_britain

    places = gpd.GeoSeries.from_xy(
        [-2.63, 2.35, -6.26, -1.2, 1.85, -5.93, -7.46, -6.40],
        [53.65, 48.86, 53.35, 60.3, 50.95, 54.60, 54.83, 54.00],
        crs=4326,
    )
    # Chorley, Paris, Dublin, Shetland, Calais, Belfast, Strabane (on the border), and
    # Dundalk (8 km from the border: within the margin of doubt, kept as a place)
    assert outside_great_britain(places.to_crs(27700)).tolist() == [
        False,
        True,
        True,
        False,
        True,
        False,
        False,
        False,
    ]


def test_nan_written_in_a_cell_is_missing_but_remembered(tmp_path):
    from healthy_streets.io._common import NAN_CELLS, read_table

    path = tmp_path / "t.csv"
    path.write_text("Name,Lat,Notes\nA,nan,NA\nB,53.6,n/a\nC, - ,None\nD,,Slats loose\n")
    table = read_table(path)
    assert table.isna().sum().to_dict() == {"Name": 0, "Lat": 3, "Notes": 3}
    assert table["Notes"].dropna().tolist() == ["Slats loose"]
    assert table.attrs[NAN_CELLS] == {"Lat": [2]}  # said "nan": not a number, not blank


def test_a_many_part_area_finds_the_places_in_it_and_their_distances_as_shapely_does():
    """Places tested part by part against the points in each part's bounds, and distances
    measured in blocks through an index of the area's edges: the same as testing and
    measuring every point against the whole area, for points inside, outside, in a hole,
    on a corner and a rounding either side of an edge."""
    import numpy as np
    import shapely

    from healthy_streets.io._coords import _inside
    from healthy_streets.model.area import distances_xy as _distances_xy

    rng = np.random.default_rng(5)
    parts = [shapely.Point(x, y).buffer(r) for x, y, r in rng.uniform(0, 3000, (40, 3)) / [1, 1, 6]]
    area = shapely.union_all(parts).difference(shapely.box(1000, 1000, 1400, 1400))
    assert (
        len(shapely.get_parts(area)) > 5
        and shapely.get_num_interior_rings(shapely.get_parts(area)).sum()
    )
    corners = shapely.get_coordinates(area)[::7]
    # points near edges, a rounding either side of them
    edges = shapely.get_coordinates(
        shapely.line_interpolate_point(
            shapely.get_exterior_ring(shapely.get_parts(area)), 0.3, normalized=True
        )
    )
    x = np.concatenate([rng.uniform(-500, 3500, 20_000), corners[:, 0], edges[:, 0]])
    y = np.concatenate([rng.uniform(-500, 3500, 20_000), corners[:, 1], edges[:, 1]])
    inside = _inside(area, x, y)
    assert inside.tolist() == shapely.intersects_xy(area, x, y).tolist()
    corner_rows = slice(20_000, 20_000 + len(corners))
    assert 0 < inside.sum() < len(x) and inside[corner_rows].all()  # a corner touches it
    measured = _distances_xy(x[~inside], y[~inside], area)
    assert (
        measured.tolist() == shapely.distance(shapely.points(x[~inside], y[~inside]), area).tolist()
    )


def test_places_in_another_working_crs_are_those_the_national_grid_converts_to():
    """Coordinates converted on arrays to a working CRS other than the National Grid give
    the points that converting the National Grid points gives, to the last digit."""
    import geopandas as gpd
    import pandas as pd

    from healthy_streets.io._coords import find_coordinate_columns, points_from_table
    from healthy_streets.model.account import AccountBook

    table = pd.DataFrame(
        {
            "Latitude": ["53.6512", None, "53.70001"],
            "Longitude": ["-2.6255", None, "-2.70002"],
            "Easting": [None, "358323", None],
            "Northing": [None, "417512", None],
        },
        index=[2, 3, 4],
    )
    columns = find_coordinate_columns(list(table.columns))
    grid = points_from_table(table, columns, AccountBook("a.csv"), working_crs="EPSG:27700")
    utm = points_from_table(table, columns, AccountBook("a.csv"), working_crs="EPSG:32630")
    assert utm.crs == "EPSG:32630" and utm.index.tolist() == [2, 3, 4]
    expected = gpd.GeoSeries(grid).to_crs("EPSG:32630")
    assert (
        utm.get_coordinates().to_numpy().tolist() == expected.get_coordinates().to_numpy().tolist()
    )


def test_places_anywhere_when_the_working_crs_is_not_the_national_grid():
    """With a working CRS of its own, a project abroad keeps its places; rows that are no
    degrees are still rejected, and X/Y columns in degrees are read as such."""
    import pandas as pd
    from pyproj import Transformer

    from healthy_streets.io._coords import find_coordinate_columns, points_from_table
    from healthy_streets.model.account import AccountBook

    paris = Transformer.from_crs(4326, 32631, always_xy=True).transform(2.3522, 48.8566)
    table = pd.DataFrame(
        {"Latitude": ["48.8566", "120", "48.8566"], "Longitude": ["2.3522", "2.3522", "200"]},
        index=[2, 3, 4],
    )
    book = AccountBook("paris.csv")
    columns = find_coordinate_columns(list(table.columns))
    points = points_from_table(table, columns, book, working_crs="EPSG:32631")
    assert points.index.tolist() == [2]
    assert points.iloc[0].coords[0] == pytest.approx(paris, abs=0.001)
    result = book.result(pd.DataFrame(index=points.index), 3)
    reasons = dict(zip(result.rejected["row"], result.rejected["reason"], strict=True))
    assert "swapped" in reasons["3"] and "not degrees" in reasons["4"]
    assert not result.notes

    xy = pd.DataFrame({"X": ["2.3522"], "Y": ["48.8566"]}, index=[2])
    book = AccountBook("paris_xy.csv")
    columns = find_coordinate_columns(list(xy.columns))
    points = points_from_table(xy, columns, book, working_crs="EPSG:32631")
    assert points.iloc[0].coords[0] == pytest.approx(paris, abs=0.001)
    notes = book.result(pd.DataFrame(index=points.index), 1).notes
    assert any("longitude and latitude in degrees" in note for note in notes)


def _belfast_sheet(crs: str) -> tuple[pd.DataFrame, list[tuple[float, float]]]:
    """Three Belfast places as a walkabout sheet's eastings and northings in ``crs``, and
    where they are in the Irish Transverse Mercator (EPSG:2157)."""
    from pyproj import Transformer

    places = [(-5.9301, 54.5966), (-5.9155, 54.6022), (-5.9430, 54.5843)]  # lon, lat
    east, north = Transformer.from_crs(4326, crs, always_xy=True).transform(
        *zip(*places, strict=True)
    )
    itm = Transformer.from_crs(4326, 2157, always_xy=True).transform(*zip(*places, strict=True))
    table = pd.DataFrame(
        {"Name": ["City Hall", "Cathedral", "Botanic"], "Easting": east, "Northing": north}
    )
    return table.astype({"Easting": "str", "Northing": "str"}), list(zip(*itm, strict=True))


def _belfast_area() -> object:
    from pyproj import Transformer

    centre = Transformer.from_crs(4326, 2157, always_xy=True).transform(-5.93, 54.597)
    return shapely.Point(centre).buffer(3000)


@pytest.mark.parametrize("with_area", [True, False])
def test_eastings_in_a_project_outside_britain_are_its_working_crs_and_said(with_area):
    """A council in Northern Ireland works in the Irish Transverse Mercator, and its
    walkabout sheet's eastings and northings are in it: they are read in the working CRS
    (not as National Grid metres, which would put them in Scotland), and the note says
    which CRS was taken and how to name another."""
    from healthy_streets.io._coords import find_coordinate_columns, points_from_table
    from healthy_streets.model.account import AccountBook

    table, expected = _belfast_sheet("EPSG:2157")
    book = AccountBook("belfast.csv")
    area = _belfast_area() if with_area else None
    columns = find_coordinate_columns(list(table.columns))
    points = points_from_table(table, columns, book, working_crs="EPSG:2157", area=area)
    assert points.index.tolist() == [0, 1, 2]
    got = points.get_coordinates().to_numpy()
    assert got == pytest.approx(np.array(expected), abs=0.01)
    result = book.result(pd.DataFrame(index=points.index), 3)
    assert result.rejected.empty and result.outside.empty
    [note] = [n for n in result.notes if "Eastings and northings" in n]
    assert "read in the working CRS, IRENET95 / Irish Transverse Mercator (EPSG:2157)" in note
    assert "as the project is not in Britain" in note and "crs=" in note


def test_eastings_in_a_named_crs_are_read_in_it():
    """A sheet in the older Irish Grid (EPSG:29902) read for a project in the Irish
    Transverse Mercator: named with ``crs``, its places land where they are."""
    from healthy_streets.io._coords import find_coordinate_columns, points_from_table
    from healthy_streets.model.account import AccountBook

    table, expected = _belfast_sheet("EPSG:29902")
    book = AccountBook("belfast.csv")
    columns = find_coordinate_columns(list(table.columns))
    points = points_from_table(
        table,
        columns,
        book,
        working_crs="EPSG:2157",
        area=_belfast_area(),
        metres_crs="EPSG:29902",
    )
    # the two Irish grids differ by their datums: metres, not kilometres
    assert points.get_coordinates().to_numpy() == pytest.approx(np.array(expected), abs=5)
    notes = book.result(pd.DataFrame(index=points.index), 3).notes
    assert any("(EPSG:29902), as named" in note for note in notes)


def test_national_grid_eastings_in_a_utm_project_in_britain_stay_national_grid():
    """A British project working in UTM zone 30N still reads its sheets' eastings as the
    National Grid's, with an area (they land in it) and without one (the zone takes in
    Britain); no CRS is noted. Preston's point read the other way round lies on land too
    (in the Peak District), so without an area the only note says that guess."""
    from pyproj import Transformer

    from healthy_streets.io._coords import find_coordinate_columns, points_from_table
    from healthy_streets.model.account import AccountBook

    table = pd.DataFrame({"Easting": ["358323"], "Northing": ["417512"]})
    utm = Transformer.from_crs(27700, 32630, always_xy=True).transform(358323, 417512)
    columns = find_coordinate_columns(list(table.columns))
    for area in (shapely.Point(utm).buffer(500), None):
        book = AccountBook("preston.csv")
        points = points_from_table(table, columns, book, working_crs="EPSG:32630", area=area)
        assert points.iloc[0].coords[0] == pytest.approx(utm, abs=0.01)
        notes = book.result(pd.DataFrame(index=points.index), 1).notes
        if area is not None:
            assert not notes
        else:
            assert len(notes) == 1
            assert notes[0].startswith("Warning: the 'Easting' and 'Northing' columns could be")


DUBLIN = [(53.3498, -6.2603), (53.3438, -6.2546), (53.3561, -6.2700)]


def test_rows_in_dublin_are_no_place_in_a_british_project_and_said_so(tmp_path):
    from healthy_streets.io.assets import read_assets
    from healthy_streets.io.reports import reports_from_csv

    assets = tmp_path / "dublin_defibrillators.csv"
    assets.write_text(
        "Location,Latitude,Longitude\n"
        + "".join(f"Library {i},{lat},{lon}\n" for i, (lat, lon) in enumerate(DUBLIN))
    )
    reports = tmp_path / "dublin_enquiries.csv"
    reports.write_text(
        "Ref,Category,Logged,Lat,Lng\n"
        + "".join(f"E{i},Litter,01/03/2024,{lat},{lon}\n" for i, (lat, lon) in enumerate(DUBLIN))
    )
    for result in (read_assets(assets), reports_from_csv(reports)):
        assert len(result.layer) == 0 and result.n_rejected == 3
        assert result.rejected["reason"].str.contains("outside Great Britain").all()
        [note] = [n for n in result.notes if "working CRS" in n]
        assert "3 of 3 rows with latitude/longitude lie outside Great Britain and Northern " in note
        assert "53.35° N, 6.26° W" in note and "EPSG:32629" in note


def test_features_in_dublin_are_no_place_in_a_british_project(tmp_path):
    import geopandas as gpd

    from healthy_streets.io.assets import read_assets

    path = tmp_path / "dublin_libraries.geojson"
    gpd.GeoDataFrame(
        {"name": ["Central Library", "Pearse Street Library", "Belfast Central Library"]},
        geometry=gpd.points_from_xy([-6.2603, -6.2456, -5.9317], [53.3498, 53.3438, 54.6010]),
        crs="EPSG:4326",
    ).to_file(path)
    result = read_assets(path)
    assert result.layer["name"].tolist() == ["Belfast Central Library"]  # Northern Ireland
    assert result.rejected["row"].tolist() == ["1", "2"]
    [note] = [n for n in result.notes if "working CRS" in n]
    assert note.startswith("2 of 3 features lie outside Great Britain and Northern Ireland")


def test_rows_in_dublin_are_kept_in_a_project_with_an_irish_working_crs(tmp_path, monkeypatch):
    from healthy_streets import settings
    from healthy_streets.io.reports import reports_from_csv

    monkeypatch.setattr(settings, "working_crs", "EPSG:2157")  # Irish Transverse Mercator
    path = tmp_path / "dublin_enquiries.csv"
    path.write_text(
        "Ref,Category,Logged,Lat,Lng\n"
        + "".join(f"E{i},Litter,01/03/2024,{lat},{lon}\n" for i, (lat, lon) in enumerate(DUBLIN))
    )
    result = reports_from_csv(path)
    assert len(result.layer) == 3 and result.n_rejected == 0
    assert result.layer.geometry.iloc[0].x == pytest.approx(715_830, abs=50)  # ITM easting
