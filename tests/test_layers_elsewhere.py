"""Layers given one by one that lie in another place (Oxford's streets with Bath's zones)
are refused at every analysis door, in one message naming the layer, how far it lies and
the fix; a layer partly in the zones' place is used as it is. Reports given on their own
are counted in the comparison outside all zones as far as a build reads them (10 km)."""

from __future__ import annotations

import logging

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import healthy_streets as hs
from healthy_streets.analysis._validate import PLACE_REACH_M
from healthy_streets.analysis.evaluation import OUTSIDE_REACH_M
from healthy_streets.errors import ConfigError
from healthy_streets.io.store import around
from healthy_streets.model.build import REPORTS_WITHIN_M
from healthy_streets.model.layers import SPEED_LIMITS, conform

import layers_for_tests as t

X, Y = t.X0, t.Y0
#: Oxford from Bath, roughly: 95 km east of the zones.
AWAY = 95_000.0


@pytest.fixture(scope="module")
def zones():
    return t.zones([("north", "implemented", "2022-01-10", (X, Y, X + 100, Y + 100))])


@pytest.fixture(scope="module")
def streets():
    road = ("residential", "local", 20.0, "maxspeed", True, "20 mph", None)
    return t.streets(
        [
            ("s1", "Elm Road", *road, [(X, Y + 50), (X + 100, Y + 50)]),
            ("s2", "Oak Lane", *road, [(X + 50, Y), (X + 50, Y + 100)]),
        ]
    )


@pytest.fixture(scope="module")
def assets():
    return t.assets([("a1", "school", None, shapely.Point(X + 40, Y + 40))])


@pytest.fixture(scope="module")
def reports():
    rows = [
        (f"r{i}", "dog_fouling", "open", f"2021-{m:02d}-05 12:00", None, None, None, (x, y))
        for i, (m, x, y) in enumerate(
            [(1, X + 50, Y + 55), (3, X + 20, Y + 50), (6, X + 300, Y + 50), (9, X + 60, Y + 60)]
        )
    ]
    return t.reports(rows)


@pytest.fixture(scope="module")
def limits():
    frame = gpd.GeoDataFrame(
        {
            "line_id": ["l1"],
            "speed_mph": [20.0],
            "part_time": [False],
            "limit_text": ["20mph"],
        },
        geometry=[shapely.LineString([(X, Y + 50), (X + 100, Y + 50)])],
        crs=t.CRS,
    )
    return conform(frame, SPEED_LIMITS)


def away(frame, dx=AWAY, dy=0.0):
    """The layer moved ``dx`` metres east (another place)."""
    return frame.set_geometry(frame.geometry.translate(dx, dy))


def _meeting_map(z, s, a, r):
    return hs.meeting_map("north", zones=z, streets=s, assets=a, reports=r, tiles=False)


# (the call, given the four layers; which of them lies in another place; the caller named;
# what the far layer is called; what it is measured from)
DOORS = [
    (lambda z, s, a, r, lines: hs.street_lengths(z, s), "s", "street_lengths", "streets", "zones"),
    (lambda z, s, a, r, lines: hs.asset_counts(z, s, a), "a", "asset_counts", "assets", "zones"),
    (lambda z, s, a, r, lines: hs.report_counts(z, s, r), "r", "report_counts", "reports", "zones"),
    (
        lambda z, s, a, r, lines: hs.summarise_zones(z, s, a, r),
        "s",
        "summarise_zones",
        "streets",
        "zones",
    ),
    (
        lambda z, s, a, r, lines: hs.summarise_zones(z, s, a, r),
        "r",
        "summarise_zones",
        "reports",
        "zones",
    ),
    (lambda z, s, a, r, lines: hs.key_figures(z, s, a, r), "a", "key_figures", "assets", "zones"),
    (lambda z, s, a, r, lines: hs.scorecard(z, s, a, r), "r", "scorecard", "reports", "zones"),
    (
        lambda z, s, a, r, lines: hs.hotspot_streets(s, r),
        "r",
        "hotspot_streets",
        "reports",
        "streets",
    ),
    (
        lambda z, s, a, r, lines: hs.hotspot_streets(s, r, zones=z),
        "s",
        "hotspot_streets",
        "streets",
        "zones",
    ),
    (
        lambda z, s, a, r, lines: hs.twenty_mph_gaps(z, s),
        "s",
        "twenty_mph_gaps",
        "streets",
        "zones",
    ),
    (
        lambda z, s, a, r, lines: hs.schools_outside_zones(a, z),
        "a",
        "schools_outside_zones",
        "assets",
        "zones",
    ),
    (
        lambda z, s, a, r, lines: hs.compare_speed_limits(lines, s),
        "lines",
        "compare_speed_limits",
        "speed_limits",
        "streets",
    ),
    (
        lambda z, s, a, r, lines: hs.gaps_table(z, s, a, lines),
        "lines",
        "gaps_table",
        "speed_limits",
        "zones",
    ),
    (lambda z, s, a, r, lines: hs.before_after(z, r), "r", "before_after", "reports", "zones"),
    (
        lambda z, s, a, r, lines: hs.monthly_counts(z, r, "north"),
        "r",
        "monthly_counts",
        "reports",
        "zones",
    ),
    (lambda z, s, a, r, lines: _meeting_map(z, s, a, r), "a", "meeting_map", "assets", "zones"),
    (lambda z, s, a, r, lines: hs.assign_zones(r, z), "r", "assign_zones", "points", "zones"),
    (
        lambda z, s, a, r, lines: hs.attach_to_streets(a, s),
        "a",
        "attach_to_streets",
        "points",
        "streets",
    ),
    (
        lambda z, s, a, r, lines: hs.cut_streets_at_zones(s, z),
        "s",
        "cut_streets_at_zones",
        "streets",
        "zones",
    ),
]


@pytest.mark.parametrize(
    ("call", "far", "caller", "named", "anchor"),
    DOORS,
    ids=[f"{door[2]}-{door[3]}" for door in DOORS],
)
def test_a_layer_for_another_place_is_refused_at_every_door(
    call, far, caller, named, anchor, zones, streets, assets, reports, limits
):
    given = {"z": zones, "s": streets, "a": assets, "r": reports, "lines": limits}
    call(*given.values())  # all in one place: works
    given[far] = away(given[far])
    with pytest.raises(ConfigError) as info:
        call(*given.values())
    message = str(info.value)
    assert message.startswith(f"The {named} given to {caller} lie 95 km from the {anchor} (")
    assert "none within 10 km of them" in message
    assert "they are for another place" in message
    assert message.endswith(f"Give {named} for the {anchor}' area, or {anchor} for theirs.")


def test_the_message_says_how_far_the_layer_lies_and_names_every_layer_elsewhere(
    zones, streets, assets, reports
):
    """Distances from the zones' edge, as a build measures rows outside the project area:
    the middle row's and the nearest's; each layer elsewhere in the one message."""
    spread = t.reports(
        [
            (f"r{i}", "litter", "open", "2021-01-05 12:00", None, None, None, (X + 100 + d, Y))
            for i, d in enumerate([20_000, 25_000, 93_200])
        ]
    )
    with pytest.raises(ConfigError) as info:
        hs.summarise_zones(zones, away(streets), assets, spread)
    assert str(info.value) == (
        "The streets given to summarise_zones lie 95 km from the zones (the nearest 94.9 km), "
        "and the reports 25 km (the nearest 20.0 km), none within 10 km of them (as far as a "
        "build reads anything): each is for another place. Give streets and reports for the "
        "zones' area, or zones for theirs."
    )


def test_a_layer_partly_in_the_zones_place_is_used_without_a_word(
    zones, streets, assets, reports, caplog, recwarn
):
    """A county's reports read for one town, a graph wider than the zones: some rows far
    off, some near. Used as given, no refusal and no warning; the far rows count outside."""
    caplog.set_level(logging.INFO, logger="healthy_streets")
    both = t.reports(
        [
            ("near", "dog_fouling", "open", "2021-02-05 12:00", None, None, None, (X + 50, Y + 50)),
            ("far", "dog_fouling", "open", "2021-02-06 12:00", None, None, None, (X + AWAY, Y)),
        ]
    )
    wide = pd.concat([streets, away(streets).assign(segment_id=["s3", "s4"])])
    summary = hs.summarise_zones(zones, wide, assets, both)
    assert summary.loc["north", "reports"] == 1
    assert summary["reports"].sum() == 2  # the far one outside all zones
    assert len(hs.hotspot_streets(wide, both, zones=zones, min_reports=1)) >= 1
    assert "another place" not in caplog.text
    assert not [w for w in recwarn if "another place" in str(w.message)]


def test_a_layer_just_within_reach_of_the_zones_is_not_refused(zones, streets, assets):
    """The reach is a build's farthest read (10 km, the evaluation's comparison outside all
    zones): a school 9.9 km off the zones is one a build would read; 10.1 km, not."""
    assert PLACE_REACH_M == OUTSIDE_REACH_M == 10_000
    near = away(assets, dx=60 + 9_900)  # the school at X + 40: 9,900 m beyond the zone
    assert len(hs.schools_outside_zones(near, zones)) == 1
    with pytest.raises(ConfigError, match=r"lie 10 km from the zones \(the nearest 10.1 km\)"):
        hs.schools_outside_zones(away(assets, dx=60 + 10_100), zones)


def test_empty_layers_are_not_judged(zones, streets, assets, reports):
    summary = hs.summarise_zones(zones, streets, assets.iloc[:0], away(reports).iloc[:0])
    assert summary.loc["north", "reports"] == 0


def _outside_reports(distances):
    """Reports of dog fouling outside the zone, ``distances`` metres beyond its east edge,
    one a month over 2021 and 2022 at each; and two a month in the zone."""
    rows = []
    for year in (2021, 2022):
        for month in range(1, 13):
            day = f"{year}-{month:02d}-10 12:00"
            places = [(f"o{d}", (X + 100 + d, Y + 50)) for d in distances]
            places += [("z0", (X + 50, Y + 50)), ("z1", (X + 50, Y + 40))]
            for name, place in places:
                report_id = f"{name}-{year}-{month}"
                rows.append((report_id, "dog_fouling", "open", day, None, None, None, place))
    return t.reports(rows)


def test_reports_given_on_their_own_are_compared_as_far_as_a_build_reads_them(zones):
    """docs/evaluation.md: the streets outside all zones are read up to 10 km from the
    zones. Reports given on their own (a whole county's file) count in that comparison as
    far as a build would read them for it, not to wherever the file ends: the same table as
    the reports a build reads (the zones' project area 10 km out)."""
    reports = _outside_reports([500, 4_000, 15_000, 30_000])
    given = hs.before_after(zones, reports, window_months=12).loc["north"]
    assert given["control_before"] == 2 * 12  # at 500 m and 4 km, not at 15 and 30 km
    assert given["comparison"] == (
        "streets outside all zones, from 100 m to 4,000 m beyond them, leaving out the 100 m "
        "next to them, where displaced reports land"
    )
    area = around(zones, OUTSIDE_REACH_M)  # as load_layers reads reports for the comparison
    read = reports[shapely.intersects(area, reports.geometry.to_numpy())]
    assert len(read) == len(reports) - 2 * 24
    pd.testing.assert_frame_equal(
        hs.before_after(zones, read, window_months=12),
        hs.before_after(zones, reports, window_months=12),
    )
    counts = hs.monthly_counts(zones, reports, "north")
    assert counts["control"].sum() == 2 * 24
    assert counts.attrs["comparison"] == given["comparison"]
    # reports a build read, saying how far (attrs["reports_within_m"]): used as they are
    wide = reports.copy()
    wide.attrs[REPORTS_WITHIN_M] = 30_000.0
    assert hs.before_after(zones, wide).loc["north", "control_before"] == 4 * 12
    # a ring counts no report that far out: its comparison is unchanged
    ring = hs.before_after(zones, reports, control="ring", ring_m=4_000, gap_m=100)
    assert ring.loc["north", "control_before"] == 2 * 12
