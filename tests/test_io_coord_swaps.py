"""Coordinates swapped in some rows or all: read the other way round when the row's values
cannot be right as given and can the other way, counted as repaired with the evidence."""

from __future__ import annotations

import shapely
from pyproj import Transformer

from healthy_streets.io.assets import read_assets

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
