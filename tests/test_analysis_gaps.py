import pytest
import shapely

from healthy_streets.analysis.gaps import (
    compare_speed_limits,
    schools_outside_zones,
    twenty_mph_gaps,
)
from healthy_streets.analysis.tables import OUTSIDE

import layers_for_tests as t

X, Y = t.X0, t.Y0


@pytest.fixture
def zones():
    return t.zones(
        [
            ("north", "implemented", "2022-01-10", (X, Y, X + 1000, Y + 500)),
            ("south", "proposed", None, (X, Y - 500, X + 1000, Y)),
        ]
    )


def test_twenty_mph_gaps(zones):
    streets = t.streets(
        [
            # in force and tagged 30: a gap (two segments of one street join into one row)
            (
                "a",
                "Elm Road",
                "residential",
                "local",
                30.0,
                "maxspeed",
                False,
                "30 mph",
                "north",
                [(X + 100, Y + 200), (X + 300, Y + 200)],
            ),
            (
                "b",
                "Elm Road",
                "residential",
                "local",
                30.0,
                "maxspeed",
                False,
                "30 mph",
                "north",
                [(X + 300, Y + 200), (X + 400, Y + 200)],
            ),
            # 30 in the proposed zone: not a gap
            (
                "c",
                "Ash Lane",
                "residential",
                "local",
                30.0,
                "maxspeed",
                False,
                "30 mph",
                "south",
                [(X + 100, Y - 200), (X + 400, Y - 200)],
            ),
            # 20 mph outside every zone: a gap; a 20 mph default outside is not
            (
                "d",
                "School Lane",
                "residential",
                "local",
                20.0,
                "maxspeed",
                False,
                "20 mph",
                None,
                [(X + 100, Y + 900), (X + 300, Y + 900)],
            ),
            (
                "e",
                "Quiet Way",
                "living_street",
                "local",
                20.0,
                "default",
                False,
                None,
                None,
                [(X + 100, Y + 950), (X + 300, Y + 950)],
            ),
            # the last 10 m of a zone street, across the boundary: at the edge, not a gap
            (
                "f",
                "Oak Road",
                "residential",
                "local",
                20.0,
                "maxspeed",
                True,
                "20 mph",
                None,
                [(X + 500, Y + 500), (X + 500, Y + 510)],
            ),
            # a 30 mph footway inside: paths are not roads
            (
                "g",
                None,
                "footway",
                "path",
                30.0,
                "maxspeed",
                False,
                "30 mph",
                "north",
                [(X + 100, Y + 300), (X + 300, Y + 300)],
            ),
        ]
    )
    gaps = twenty_mph_gaps(zones, streets)
    rows = gaps.set_index("street")
    assert rows.index.tolist() == ["Elm Road", "School Lane"]
    elm = rows.loc["Elm Road"]
    assert (elm["kind"], elm["zone_id"], elm["length_m"]) == ("faster in zone", "north", 300.0)
    assert (elm["maxspeed"], elm["osm_way_ids"]) == ("30 mph", "1;2")
    school = rows.loc["School Lane"]
    assert (school["kind"], school["zone_id"], school["length_m"]) == (
        "20 mph outside zones",
        OUTSIDE,
        200.0,
    )
    with_edges = twenty_mph_gaps(zones, streets, edge_tolerance_m=0)
    assert "Oak Road" in set(with_edges["street"])


def test_schools_outside_zones(zones):
    assets = t.assets(
        [
            ("inside", "school", "north", shapely.Point(X + 500, Y + 250)),
            ("proposed", "school", "south", shapely.Point(X + 500, Y - 250)),
            ("far", "school", None, shapely.Point(X + 500, Y + 900)),
            ("grounds", "school", None, shapely.box(X + 1100, Y + 100, X + 1200, Y + 200)),
            ("bench", "bench", None, shapely.Point(X + 500, Y + 2000)),
        ]
    )
    table = schools_outside_zones(assets, zones)
    assert table["asset_id"].tolist() == ["grounds", "proposed", "far"]
    assert table["distance_m"].tolist() == [100.0, 250.0, 400.0]
    assert table["nearest_zone_id"].tolist() == ["north", "north", "north"]
    assert schools_outside_zones(assets, zones, implemented_only=False)["asset_id"].tolist() == [
        "grounds",
        "far",
    ]


def test_council_limits_against_osm():
    import geopandas as gpd

    from healthy_streets.model.layers import SPEED_LIMITS, conform

    lines = conform(
        gpd.GeoDataFrame(
            {
                "line_id": ["l1", "l2"],
                "speed_mph": [20.0, 30.0],
                "part_time": [False, False],
                "limit_text": ["20mph streets", "30mph"],
            },
            geometry=[
                shapely.LineString([(X, Y), (X + 500, Y)]),
                shapely.LineString([(X, Y + 300), (X + 500, Y + 300)]),
            ],
            crs="EPSG:27700",
        ),
        SPEED_LIMITS,
    )
    streets = t.streets(
        [
            (
                "agree",
                "A Road",
                "residential",
                "local",
                20.0,
                "maxspeed",
                True,
                "20 mph",
                None,
                [(X, Y + 2), (X + 200, Y + 2)],
            ),
            (
                "differ",
                "B Road",
                "residential",
                "local",
                30.0,
                "maxspeed",
                False,
                "30 mph",
                None,
                [(X + 200, Y + 3), (X + 500, Y + 3)],
            ),
            (
                "agree too",
                "C Road",
                "residential",
                "local",
                30.0,
                "maxspeed",
                False,
                "30 mph",
                None,
                [(X, Y + 300), (X + 500, Y + 300)],
            ),
            (
                "elsewhere",
                "D Road",
                "residential",
                "local",
                30.0,
                "maxspeed",
                False,
                "30 mph",
                None,
                [(X, Y + 150), (X + 500, Y + 150)],
            ),
        ]
    )
    table = compare_speed_limits(lines, streets)
    assert table["segment_id"].tolist() == ["differ"]
    assert (table.iloc[0]["osm_mph"], table.iloc[0]["council_mph"]) == (30.0, 20.0)


def test_a_limit_without_a_unit_is_its_own_kind(zones):
    streets = t.streets(
        [
            (
                "k",
                "Wheelton Gardens",
                "residential",
                "local",
                18.6,
                "maxspeed_kmh",
                False,
                "30",
                None,
                [(X + 100, Y + 900), (X + 300, Y + 900)],
            ),
        ]
    )
    gaps = twenty_mph_gaps(zones, streets)
    assert gaps["kind"].tolist() == ["limit tagged without a unit"]
    assert gaps["maxspeed"].tolist() == ["30"]
