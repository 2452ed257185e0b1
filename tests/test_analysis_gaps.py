import numpy as np
import pandas as pd
import pytest
import shapely

from healthy_streets.analysis.gaps import (
    compare_speed_limits,
    gaps_table,
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


def test_streets_inside_zones_drawn_from_osm_are_never_gaps():
    from healthy_streets.analysis.attach import cut_streets_at_zones
    from healthy_streets.analysis.zones import tagged_20mph, zones_from_osm_20mph
    from healthy_streets.io.osm import street_network_from_osm_file

    from conftest import SAMPLE

    streets = street_network_from_osm_file(SAMPLE / "yarrowside.osm").layer
    derived = zones_from_osm_20mph(streets)
    gaps = twenty_mph_gaps(derived, cut_streets_at_zones(streets, derived))
    flagged = gaps[gaps["kind"] == "20 mph outside zones"]
    flagged_ways = {int(w) for ids in flagged["osm_way_ids"] for w in ids.split(";")}
    # Gorse Avenue (way 96) runs between two junctions of faster roads: its short piece once
    # made a group too small for a zone of its own, and was listed outside the zones
    assert 96 not in flagged_ways
    tagged = streets[tagged_20mph(streets)]
    inside = tagged.within(derived.union_all())
    assert set(tagged.loc[inside, "osm_way_id"]).isdisjoint(flagged_ways)
    # what is listed is the lone 20 mph cul-de-sacs no zone was drawn around
    assert flagged_ways == set(tagged.loc[~inside, "osm_way_id"]) == {199, 202}


def test_a_short_20mph_street_between_main_road_junctions_joins_the_zone_it_touches():
    from healthy_streets.analysis.zones import zones_from_osm_20mph

    def road(segment, name, mph, coordinates, source="maxspeed"):
        return (segment, name, "residential", "local", mph, source, False, None, None, coordinates)

    estate = [
        road(f"e{n}", f"Close {n}", 20.0, [(X + 100 * n, Y), (X + 100 * n, Y + 400)])
        for n in range(1, 5)
    ]
    estate += [
        road(
            f"spine{n}", "Spine Road", 20.0, [(X + 100 * n, Y + 400), (X + 100 * n + 100, Y + 400)]
        )
        for n in range(1, 4)
    ]
    streets = t.streets(
        [
            *estate,
            # a 30 mph main road crossing the spine's end, and a service road of no known
            # limit: the stub between them is short, and belongs with the estate
            *(
                road(f"main{n}", "Main Road", 30.0, [(X + 500, Y + y0), (X + 500, Y + y1)])
                for n, (y0, y1) in enumerate([(-200, 400), (400, 700), (700, 800)])
            ),
            road("stub", "Stub Lane", 20.0, [(X + 400, Y + 400), (X + 500, Y + 400)]),
            # a short 20 mph link between two main roads: a group of its own, too small
            # for a zone, joined to the zone it touches
            road("link", "Link Lane", 20.0, [(X + 500, Y + 400), (X + 580, Y + 400)]),
            road("bypass1", "Bypass", 40.0, [(X + 580, Y - 200), (X + 580, Y + 400)]),
            road("bypass2", "Bypass", 40.0, [(X + 580, Y + 400), (X + 580, Y + 800)]),
            road("yard", "Yard", float("nan"), [(X + 400, Y + 400), (X + 400, Y + 450)], "unknown"),
            # a lone 20 mph cul-de-sac off the main road: too small, left out
            road("lone", "Lone Close", 20.0, [(X + 500, Y + 700), (X + 440, Y + 700)]),
        ]
    )
    zones = zones_from_osm_20mph(streets)
    assert len(zones) == 1
    area = zones.geometry.iloc[0]
    by_id = streets.set_index("segment_id").geometry
    estate_ids = ["e1", "e2", "e3", "e4", "spine1", "spine2", "spine3", "stub", "link"]
    assert all(by_id[s].within(area) for s in estate_ids)
    assert not by_id["lone"].intersects(area)
    # OpenStreetMap maps the limits in force: a school beside the estate is measured to it,
    # not left with "no zone in force to measure from"
    assert zones["status"].tolist() == ["implemented"]
    school = t.assets([("school", "school", None, shapely.Point(X + 250, Y - 300))])
    outside = schools_outside_zones(school, zones)
    assert outside["nearest_zone_id"].tolist() == ["osm-20mph-1"]
    assert 250 < outside["distance_m"].iloc[0] < 300  # to the zone's edge around the closes


def test_council_bands_and_unknown_limits_against_osm():
    import geopandas as gpd

    from healthy_streets.model.layers import SPEED_LIMITS, conform

    def line(y):
        return shapely.LineString([(X, Y + y), (X + 500, Y + y)])

    lines = conform(
        gpd.GeoDataFrame(
            {
                "line_id": ["band", "unknown"],
                "speed_mph": [None, None],
                "speed_mph_low": [50.0, None],
                "speed_mph_high": [70.0, None],
                "limit_kind": ["band", "unknown"],
                "limit_text": ["50, 60 or 70mph", None],
            },
            geometry=[line(0), line(300)],
            crs="EPSG:27700",
        ),
        SPEED_LIMITS,
    )

    def osm(segment, mph, y, x0, x1):
        mph_text = f"{mph:g} mph"
        return (segment, segment, "trunk", "main", mph, "maxspeed", False, mph_text, None,
                [(X + x0, Y + y), (X + x1, Y + y)])  # fmt: skip

    streets = t.streets(
        [
            osm("in band", 60.0, 2, 0, 200),
            osm("below band", 40.0, 2, 200, 500),
            osm("no council limit", 30.0, 300, 0, 500),
        ]
    )
    table = compare_speed_limits(lines, streets)
    assert table["segment_id"].tolist() == ["below band"]
    row = table.iloc[0]
    assert (row["council_mph_low"], row["council_mph_high"]) == (50.0, 70.0)
    assert pd.isna(row["council_mph"])  # never the band's top value


def test_a_council_band_of_20_mph_lines_makes_no_zone():
    import geopandas as gpd

    from healthy_streets.analysis.zones import zones_from_speed_limit_lines
    from healthy_streets.model.layers import SPEED_LIMITS, conform

    rows = [(20.0, 20.0, 20.0), (None, 20.0, 30.0), (None, None, None)]
    lines = conform(
        gpd.GeoDataFrame(
            {
                "line_id": ["a", "b", "c"],
                "speed_mph": [r[0] for r in rows],
                "speed_mph_low": [r[1] for r in rows],
                "speed_mph_high": [r[2] for r in rows],
                "group": ["A", "B", "C"],
                "source": "limits.shp",
            },
            geometry=[
                shapely.LineString([(X, Y + 300 * n), (X + 400, Y + 300 * n)]) for n in range(3)
            ],
            crs="EPSG:27700",
        ),
        SPEED_LIMITS,
    )
    assert zones_from_speed_limit_lines(lines)["name"].tolist() == ["A"]


def test_both_halves_of_a_20mph_loop_lie_in_its_zone():
    from healthy_streets.analysis.zones import zones_from_osm_20mph

    def half(segment, y):
        coordinates = [(X, Y), (X, Y + y), (X + 300, Y + y), (X + 300, Y)]
        return (segment, "Wellington Square", "residential", "local", 20.0, "maxspeed", False,
                "20 mph", None, coordinates)  # fmt: skip

    # one closed way, cut into two segments between the same two junctions
    streets = t.streets([half("north", 200), half("south", -200)])
    zones = zones_from_osm_20mph(streets)
    assert len(zones) == 1
    assert streets.geometry.within(zones.geometry.iloc[0]).all()


def test_a_school_without_a_distance_says_why(zones):
    assets = t.assets([("far", "school", None, shapely.Point(X + 500, Y + 900))])
    proposed = zones.assign(status="proposed")
    table = schools_outside_zones(assets, proposed)
    assert np.isnan(table.loc[0, "distance_m"])
    assert table.loc[0, "note"] == "no zone in force (status implemented) to measure from"
    assert schools_outside_zones(assets, zones).loc[0, "note"] == ""  # measured: no note
    road = t.streets(
        [("a", "Oak Road", "residential", "local", 20.0, "maxspeed", True, "20 mph", "north",
          [(X, Y + 100), (X + 1000, Y + 100)])]
    )  # fmt: skip
    gaps = gaps_table(proposed, road, assets)
    school = gaps[gaps["kind"] == "school outside zones"].iloc[0]
    assert np.isnan(school["distance_m"])
    assert school["note"] == "no zone in force (status implemented) to measure from"
