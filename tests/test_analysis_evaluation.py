import json
import math
import re

import pandas as pd
import pytest

from healthy_streets.analysis.evaluation import before_after, monthly_counts
from healthy_streets.errors import ConfigError

import layers_for_tests as t
from conftest import SAMPLE

X, Y = t.X0, t.Y0
ZONE_POINT, OUTSIDE_POINT = (X + 50, Y + 50), (X + 500, Y + 500)


def steady_reports(per_month, *, covering=(2021, 2022)):
    """Reports on the 15th of each month of 2021 and 2022: ``per_month`` maps
    (place, year) to how many each month, so the monthly counts do not vary. Two litter
    reports mark the first and last day of the years ``covering``, so that the records
    cover them whole."""
    first, last = covering
    rows = [
        ("first", "litter", "open", f"{first}-01-01", None, None, None, OUTSIDE_POINT),
        ("last", "litter", "open", f"{last}-12-31", None, None, None, OUTSIDE_POINT),
    ]
    n = 0
    for (place, year), count in per_month.items():
        for month in range(1, 13):
            for _ in range(count):
                n += 1
                zone = "north" if place == "zone" else None
                point = ZONE_POINT if place == "zone" else OUTSIDE_POINT
                rows.append(
                    (
                        str(n),
                        "dog_fouling",
                        "open",
                        f"{year}-{month:02d}-15",
                        None,
                        zone,
                        None,
                        point,
                    )
                )
    return t.reports(rows)


@pytest.fixture
def zones():
    return t.zones([("north", "implemented", "2022-01-01", (X, Y, X + 100, Y + 100))])


def test_ratio_of_ratios_and_its_interval_by_hand(zones):
    # zone: 5 a month before, 2 after; outside: 6 a month throughout
    reports = steady_reports(
        {("zone", 2021): 5, ("zone", 2022): 2, ("outside", 2021): 6, ("outside", 2022): 6}
    )
    row = before_after(zones, reports).loc["north"]
    a, b, c, d = 60, 24, 72, 72
    assert (row["zone_before"], row["zone_after"], row["control_before"], row["control_after"]) == (
        a,
        b,
        c,
        d,
    )
    assert row["zone_ratio"] == pytest.approx(0.4)
    assert row["control_ratio"] == pytest.approx(1.0)
    assert row["ratio_of_ratios"] == pytest.approx(0.4, abs=1e-4)
    # months do not vary, so the Poisson interval stands: log-ratio +- 1.96 se
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    assert row["dispersion"] == 1.0
    assert row["ci_low"] == pytest.approx(0.4 * math.exp(-1.959964 * se), abs=1e-3)
    assert row["ci_high"] == pytest.approx(0.4 * math.exp(1.959964 * se), abs=1e-3)
    assert row["evaluated"]
    assert row["verdict"].startswith("Dog fouling reports fell by 60% in the zone")


def test_no_effect_gives_an_interval_that_includes_one(zones):
    reports = steady_reports(
        {("zone", 2021): 4, ("zone", 2022): 4, ("outside", 2021): 6, ("outside", 2022): 6}
    )
    row = before_after(zones, reports).loc["north"]
    assert row["ratio_of_ratios"] == pytest.approx(1.0)
    assert row["ci_low"] < 1 < row["ci_high"]
    assert row["verdict"].startswith("No clear change")


def test_too_few_reports_to_tell(zones):
    reports = steady_reports({("outside", 2021): 6, ("outside", 2022): 6})
    extra = t.reports(
        [("z1", "dog_fouling", "open", "2021-05-01", None, "north", None, ZONE_POINT)]
    )
    row = before_after(zones, pd.concat([reports, extra])).loc["north"]
    assert not row["evaluated"]
    assert row["verdict"].startswith("Too few dog fouling reports to tell: 1 in the zone")


def test_windows_shorten_when_the_records_start_late(zones):
    late = steady_reports({("zone", 2022): 3, ("outside", 2022): 3}, covering=(2022, 2022))
    start = t.reports([("x", "litter", "open", "2021-07-01", None, None, None, OUTSIDE_POINT)])
    row = before_after(zones, pd.concat([late, start])).loc["north"]
    assert row["window_months"] == 6
    assert str(row["before_start"]) == "2021-07-01"
    too_late = before_after(zones, late).loc["north"]
    assert not too_late["evaluated"]
    assert "do not cover 6 months" in too_late["verdict"]


def test_zones_that_cannot_be_evaluated_say_why():
    zones = t.zones(
        [
            ("planned", "proposed", None, (X, Y, X + 100, Y + 100)),
            ("undated", "implemented", None, (X + 200, Y, X + 300, Y + 100)),
        ]
    )
    reports = steady_reports({("outside", 2021): 1})
    table = before_after(zones, reports)
    assert table.loc["planned", "verdict"] == "Not evaluated: the zone is proposed, not in force."
    assert "no implementation date" in table.loc["undated", "verdict"]
    with pytest.raises(ConfigError, match="Unknown report category 'dogs'"):
        before_after(zones, reports, category="dogs")


def test_monthly_counts(zones):
    reports = steady_reports({("zone", 2021): 2, ("outside", 2021): 3})
    counts = monthly_counts(zones, reports, "north")
    assert len(counts) == 24  # the records run from January 2021 to December 2022
    assert counts["zone"].tolist() == [2] * 12 + [0] * 12
    assert counts["control"].tolist() == [3] * 12 + [0] * 12


def test_the_planted_effect_is_found_in_the_sample():
    import healthy_streets as hs

    truth = json.loads((SAMPLE / "truth.json").read_text())["before_after"]
    layers = hs.load_layers(hs.sample_inputs())
    table = before_after(layers.zones, layers.reports)
    zone_a = table.loc["yarrowside-north"]
    planted = truth["A"]
    assert (
        zone_a["zone_before"],
        zone_a["zone_after"],
        zone_a["control_before"],
        zone_a["control_after"],
    ) == (
        planted["zone_before"],
        planted["zone_after"],
        planted["outside_before"],
        planted["outside_after"],
    )
    assert zone_a["ratio_of_ratios"] < 1  # the right direction
    assert zone_a["ci_high"] < 1  # excludes no effect
    assert zone_a["ratio_of_ratios"] == pytest.approx(planted["ratio_of_ratios"], abs=1e-3)
    zone_b = table.loc["cowslip"]
    assert zone_b["ci_low"] < 1 < zone_b["ci_high"]  # no planted effect: includes it
    assert "before the" not in zone_b["verdict"]
    ring = before_after(layers.zones, layers.reports, control="ring")
    assert ring.loc["yarrowside-north", "ci_high"] < 1


def test_a_month_precision_date_leaves_its_own_month_out():
    # "January 2022": the zone came in some time that month, so January is in neither window
    zones = t.zones([("north", "implemented", "2022-01-01", (X, Y, X + 100, Y + 100))])
    zones["implemented_precision"] = "month"
    reports = steady_reports(
        {("zone", 2021): 5, ("zone", 2022): 2, ("outside", 2021): 6, ("outside", 2022): 6},
        covering=(2021, 2023),
    )
    transition = t.reports(
        [(f"jan{i}", "dog_fouling", "open", "2022-01-20", None, "north", None, ZONE_POINT)
         for i in range(40)]
    )  # fmt: skip
    row = before_after(zones, pd.concat([reports, transition])).loc["north"]
    assert (str(row["before_start"]), str(row["after_start"]), str(row["after_end"])) == (
        "2021-01-01",
        "2022-02-01",
        "2023-01-31",
    )
    # twelve months each side; none of January's 40 (nor its 2 steady) reports counted
    assert (row["zone_before"], row["zone_after"]) == (60, 22)
    day = before_after(
        t.zones([("north", "implemented", "2022-01-01", (X, Y, X + 100, Y + 100))]), reports
    ).loc["north"]
    assert str(day["after_start"]) == "2022-01-01"  # a date to the day has no gap
    assert day["zone_after"] == 24


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"ring_m": math.inf}, "ring_m (the ring) must be a width in metres above 0 and at"),
        ({"ring_m": "400"}, "above 0 and at most 10000, not '400'"),
        ({"ring_m": 0}, "above 0 and at most 10000, not 0"),
        ({"ring_m": -1}, "not -1"),
        ({"ring_m": math.nan}, "not nan"),
        ({"ring_m": 1e9}, "not 1000000000.0"),
        ({"window_months": 0}, "window_months (the window) must be a whole number"),
        ({"window_months": 6.5}, "whole number of months, 1 or more, not 6.5"),
        ({"window_months": True}, "whole number of months, 1 or more, not True"),
        ({"window_months": 3}, "A window of 3 months is shorter than the shortest worth"),
        ({"min_reports": 0}, "min_reports must be a whole number, 1 or more, not 0"),
        ({"control": "county"}, "county"),
    ],
)
def test_settings_an_evaluation_cannot_use_are_refused(settings, message):
    from healthy_streets.analysis.evaluation import check_settings

    with pytest.raises(ConfigError, match=re.escape(message)):
        check_settings(**settings)


def test_a_project_with_a_ring_width_as_text_is_told_once(tmp_path):
    from healthy_streets.errors import ProjectFileError
    from healthy_streets.project import load_project

    path = tmp_path / "healthy-streets.toml"
    path.write_text(
        '[zones]\nfile = "z.geojson"\n[streets]\nosm_file = "a.osm"\n'
        '[evaluation]\ncontrol = "Ring"\nring_m = "400"\n'
    )
    with pytest.raises(ProjectFileError) as info:
        load_project(path)
    assert str(info.value).count("[evaluation]") == 1
    assert "[evaluation] ring_m = '400' should be" in str(info.value)
