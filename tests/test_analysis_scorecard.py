import numpy as np
import pandas as pd
import pytest
import shapely

from healthy_streets.analysis.scorecard import INDICATORS, PROXIES, scorecard

import layers_for_tests as t

X, Y = t.X0, t.Y0


def test_every_indicator_has_a_proxy_or_says_it_has_none():
    assert [p.indicator for p in PROXIES] == list(INDICATORS)
    unscored = [p.indicator for p in PROXIES if p.measure is None]
    # safety is not scored by the share at 20 mph (what the evaluation tests), and clean air
    # is not the same number as noise
    assert unscored == ["Pedestrians from all walks of life", "People feel safe", "Clean air"]
    measures = [p.measure for p in PROXIES if p.measure]
    assert len(measures) == len(set(measures))
    for proxy in PROXIES:
        assert proxy.limits
        if proxy.measure:
            cuts = proxy.thresholds
            assert list(cuts) == sorted(cuts, reverse=not proxy.higher_is_better)
            assert proxy.source  # cited, or marked as the toolkit's own


@pytest.mark.parametrize(
    ("value", "score"), [(0.0, 0), (0.99, 0), (1.0, 1), (2.9, 1), (3.0, 2), (6.0, 3), (60.0, 3)]
)
def test_benches_per_km_thresholds(value, score):
    benches = next(p for p in PROXIES if p.indicator == "Places to stop and rest")
    assert benches.score(value) == score


def test_lower_is_better_thresholds():
    main_roads = next(p for p in PROXIES if p.indicator == "Not too noisy")
    assert [main_roads.score(v) for v in (0.5, 0.3, 0.2, 0.1, 0.0)] == [0, 1, 1, 2, 3]
    assert np.isnan(main_roads.score(np.nan))


def test_scorecard_values_by_hand():
    zones = t.zones([("north", "implemented", "2022-01-10", (X, Y, X + 1000, Y + 1000))])
    streets = t.streets(
        [
            (
                "a",
                "Oak Road",
                "residential",
                "local",
                20.0,
                "maxspeed",
                True,
                "20 mph",
                "north",
                [(X, Y + 100), (X + 1000, Y + 100)],
            ),
            (
                "b",
                "Main Road",
                "primary",
                "main",
                30.0,
                "maxspeed",
                False,
                "30 mph",
                "north",
                [(X, Y + 500), (X + 1000, Y + 500)],
            ),
        ]
    )
    assets = t.assets(
        [(f"bench{i}", "bench", "north", shapely.Point(X + 10 * i, Y + 110)) for i in range(7)]
        + [
            ("cross", "crossing", "north", shapely.Point(X, Y + 500)),
            ("park", "park", "north", shapely.box(X, Y, X + 10, Y + 10)),
        ]
    )
    reports = t.reports(
        [
            (
                str(i),
                "dog_fouling",
                "open",
                f"2023-{m:02d}-01",
                None,
                "north",
                "a",
                (X + 5, Y + 100),
            )
            for i, m in enumerate(range(1, 13))
        ]
    )
    card = scorecard(zones, streets, assets, reports).set_index(["zone_id", "indicator"])
    north = card.loc["north"]
    assert north.loc["Places to stop and rest", "value"] == pytest.approx(3.5)  # 7 over 2 km
    assert north.loc["Places to stop and rest", "score"] == 2
    assert "Inclusive Mobility" in north.loc["Places to stop and rest", "threshold_source"]
    assert north.loc["Easy to cross", "threshold_source"].startswith("The toolkit's own")
    assert north.loc["Easy to cross", "value"] == pytest.approx(0.5)
    assert np.isnan(north.loc["People feel safe", "score"])
    assert "assume the answer" in north.loc["People feel safe", "limits"]
    assert north.loc["Not too noisy", "value"] == pytest.approx(0.5)
    assert north.loc["Not too noisy", "score"] == 0
    assert north.loc["Things to see and do", "value"] == pytest.approx(1.0)  # 1 park per km2
    # 12 reports over 2 km in the 335 days from the first to the last report's day
    relaxed = north.loc["People feel relaxed", "value"]
    assert relaxed == pytest.approx(12 / 2 / (335 / 365.25), abs=1e-2)
    assert np.isnan(north.loc["Pedestrians from all walks of life", "score"])
    assert north.loc["Pedestrians from all walks of life", "measure"] == (
        "No usable proxy in open data"
    )


def test_a_bus_stop_tagged_with_a_shelter_counts_as_shelter():
    zones = t.zones([("north", "implemented", "2022-01-10", (X, Y, X + 1000, Y + 1000))])
    streets = t.streets(
        [
            ("a", "Oak Road", "residential", "local", 20.0, "maxspeed", True, "20 mph",
             "north", [(X, Y + 100), (X + 1000, Y + 100)]),
        ]
    )  # fmt: skip
    assets = t.assets(
        [(f"stop{i}", "bus_stop", "north", shapely.Point(X + 100 * i, Y + 110)) for i in range(4)]
    )
    assets["category_text"] = ["highway=bus_stop"] * 3 + ["amenity=shelter"]
    assets["notes"] = ["Shelter", None, "no shelter, just a pole", None]
    card = scorecard(zones, streets, assets, t.reports([])).set_index(["zone_id", "indicator"])
    # the stop OpenStreetMap tags shelter=yes and the amenity=shelter: 2 per km of road
    assert card.loc[("north", "Shade and shelter"), "value"] == pytest.approx(2.0)


def test_the_sample_bus_stops_tagged_shelter_yes_are_shelters(sample_layers):
    from healthy_streets.analysis.scorecard import _shelters

    layers = sample_layers
    stops = layers.assets[layers.assets["category_text"] == "highway=bus_stop"]
    sheltered = stops[stops["notes"].fillna("").str.startswith("Shelter")]
    assert len(sheltered) >= 1
    untagged = layers.assets.copy()
    untagged.loc[sheltered.index, "notes"] = None
    # each stop tagged shelter=yes is one more shelter than without the tag
    assert _shelters(layers.assets).sum() - _shelters(untagged).sum() == len(sheltered)


def _two_zones():
    """Two zones, a road in each and one outside, a crossing and a bench in each zone."""
    zones = t.zones(
        [
            ("north", "implemented", "2022-01-10", (X, Y, X + 1000, Y + 1000)),
            ("south", "implemented", "2022-01-10", (X, Y - 1000, X + 1000, Y)),
        ]
    )
    streets = t.streets(
        [
            ("a", "Oak Road", "residential", "local", 20.0, "maxspeed", True, "20 mph",
             "north", [(X, Y + 100), (X + 1000, Y + 100)]),
            ("b", "Elm Road", "residential", "local", 20.0, "maxspeed", True, "20 mph",
             "south", [(X, Y - 100), (X + 1000, Y - 100)]),
            ("c", "Far Lane", "residential", "local", 30.0, "maxspeed", False, "30 mph",
             None, [(X + 2000, Y), (X + 3000, Y)]),
        ]
    )  # fmt: skip
    assets = t.assets(
        [
            ("cross-n", "crossing", "north", shapely.Point(X + 10, Y + 100)),
            ("bench-n", "bench", "north", shapely.Point(X + 20, Y + 110)),
            ("cross-s", "crossing", "south", shapely.Point(X + 10, Y - 100)),
            ("bench-s", "bench", "south", shapely.Point(X + 20, Y - 110)),
        ]
    )
    return zones, streets, assets


def _dog_fouling(zone, segment, x, y, count=3):
    return [
        (f"{zone}{i}", "dog_fouling", "open", f"2023-{i + 1:02d}-01", None, zone, segment, (x, y))
        for i in range(count)
    ]


RELAXED = "People feel relaxed"


def test_no_reports_leave_people_feel_relaxed_unscored_not_scored_3():
    zones, streets, assets = _two_zones()
    card = scorecard(zones, streets, assets, t.reports([])).set_index(["zone_id", "indicator"])
    relaxed = card.xs(RELAXED, level="indicator")
    # no reports is no measurement: not "no mess", which would score 3 of 3
    assert relaxed["score"].isna().all()
    assert relaxed["value"].isna().all()
    assert set(relaxed["not_scored"]) == {"no reports were given"}
    # the indicators that have their inputs are scored as ever, and say no reason
    cross = card.xs("Easy to cross", level="indicator")
    assert cross.loc["north", "score"] == 1 and cross.loc["north", "not_scored"] == ""


def test_a_zone_without_a_report_is_not_scored_on_reports_while_the_others_are():
    zones, streets, assets = _two_zones()
    reports = t.reports(_dog_fouling("north", "a", X + 5, Y + 100))
    card = scorecard(zones, streets, assets, reports).set_index(["zone_id", "indicator"])
    assert card.loc[("north", RELAXED), "score"] >= 0
    assert card.loc[("north", RELAXED), "not_scored"] == ""
    assert np.isnan(card.loc[("south", RELAXED), "score"])
    assert card.loc[("south", RELAXED), "not_scored"] == "no reports in this zone's area"
    assert card.loc[("(outside zones)", RELAXED), "not_scored"] == ("no reports outside all zones")


def test_reports_given_but_all_outside_the_project_area_say_so():
    from healthy_streets.model.account import ImportResult
    from healthy_streets.model.build import Layers

    zones, streets, assets = _two_zones()
    reports = t.reports([])
    far = ImportResult(
        reports,
        "bath.csv",
        rows_in=2,
        kind="reports",
        outside=pd.DataFrame({"row": [2, 3], "distance_m": [150_000.0, 150_100.0]}),
    )
    layers = Layers(zones, streets, assets, reports, imports=[far])
    card = scorecard(layers).set_index(["zone_id", "indicator"])
    relaxed = card.xs(RELAXED, level="indicator")
    assert relaxed["score"].isna().all()
    assert set(relaxed["not_scored"]) == {"all the reports given lie outside the project's area"}
    # no import of reports at all: none were given
    none_given = scorecard(Layers(zones, streets, assets, reports)).set_index("indicator")
    assert set(none_given.loc[RELAXED, "not_scored"]) == {"no reports were given"}


def test_indicators_counted_from_missing_assets_are_not_scored_as_0():
    zones, streets, assets = _two_zones()
    reports = t.reports(_dog_fouling("north", "a", X + 5, Y + 100))
    card = scorecard(zones, streets, t.assets([]), reports).set_index("indicator")
    from_assets = [
        "Easy to cross",
        "Shade and shelter",
        "Places to stop and rest",
        "People choose to walk, cycle and use public transport",
        "Things to see and do",
    ]
    for indicator in from_assets:
        assert card.loc[indicator, "score"].isna().all(), indicator
        assert set(card.loc[indicator, "not_scored"]) == {"no assets were given"}, indicator
    # the streets' own indicator is scored still
    assert card.loc["Not too noisy", "score"].notna().all()
    # assets given, but never a tree, bus stop or place to go in the whole area: not scored
    card = scorecard(zones, streets, assets, reports).set_index(["zone_id", "indicator"])
    assert card.loc[("north", "Places to stop and rest"), "score"] == 1
    shade = card.xs("Shade and shelter", level="indicator")
    assert shade["score"].isna().all()
    assert set(shade["not_scored"]) == {
        "no trees or bus shelters in the assets given, anywhere in the project's area"
    }
    stops = card.xs("People choose to walk, cycle and use public transport", level="indicator")
    assert set(stops["not_scored"]) == {
        "no bus stops in the assets given, anywhere in the project's area"
    }


def test_every_score_left_empty_says_why():
    zones, streets, assets = _two_zones()
    roadless = t.zones([("east", "implemented", "2022-01-10", (X + 5000, Y, X + 5100, Y + 100))])
    zones = pd.concat([zones, roadless], ignore_index=True)
    park = t.assets([("park", "park", "north", shapely.box(X, Y, X + 10, Y + 10))])
    assets = pd.concat([assets, park], ignore_index=True)
    reports = t.reports(_dog_fouling("north", "a", X + 5, Y + 100))
    card = scorecard(zones, streets, assets, reports)
    assert (card["score"].isna() == (card["not_scored"] != "")).all()
    east = card[card["zone_id"] == "east"].set_index("indicator")
    assert east.loc["Easy to cross", "not_scored"] == "no roads in this zone's area"
    outside = card[card["zone_id"] == "(outside zones)"].set_index("indicator")
    assert outside.loc["Things to see and do", "not_scored"] == (
        "the area outside all zones has no set area"
    )
    assert outside.loc["Clean air", "not_scored"] == "no usable proxy in open data"
