"""The maps' colours as readers with colour-vision deficiencies see them.

Each palette is simulated for deuteranopia, protanopia and tritanopia (Machado et al. 2009,
full severity) and compared with CIEDE2000 (see ``colour_vision``). The bar: the speed
bands' own closest pair, Okabe–Ito orange against vermillion under deuteranopia, is
ΔE00 12.5 apart, and readers tell those streets apart (the bands differ in width and dash
too). Report categories must stay at least that far from each other and from every speed
colour under every simulation, and they have a shape each as well. The old palette's
closest categories were 5.1 apart (fly-tipping against abandoned vehicles, deuteranopia)
and speeding was the 20 mph blue itself.

Across the whole map (:data:`GROUPS`), every pair of colours a reader must tell apart clears
the same bar; :data:`EXEMPT` names the pairs of groups that need not, and why. Community
assets share one ink (white pictograms tell them apart), so the ink is checked against every
report colour, speed band, the gap highlight and every heat stop. With the old palette of a
colour per asset category, 32 report-against-asset pairs failed (speeding against the bench's
brown: 2.4 under deuteranopia).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from healthy_streets.maps.style import (
    ASSET_INK,
    ASSET_SYMBOLS,
    GAP_STYLE,
    HEAT_GRADIENT,
    REPORT_COLOURS,
    REPORT_SHAPES,
    SHAPES,
    SPEED_BANDS,
    band,
)
from healthy_streets.model.taxonomy import REPORT_CATEGORIES

from colour_vision import VISIONS, delta_e_2000, difference, rgb

SPEED_COLOURS = {b.key: b.colour for b in SPEED_BANDS}
#: The speed palette's closest pair under any simulation (orange and vermillion,
#: deuteranopia): the bar every report colour must clear.
BAR = min(
    difference(a, b, v)
    for a, b in itertools.combinations(SPEED_COLOURS.values(), 2)
    for v in VISIONS
)


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # Sharma, Wu & Dalal (2005), table 1: pairs 1, 7, 17, 25 and 34
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
        ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
    ],
)
def test_ciede2000_matches_the_published_test_pairs(lab1, lab2, expected):
    assert delta_e_2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)


def test_the_simulation_keeps_greys_grey_and_merges_red_and_green():
    for vision in VISIONS:
        assert difference("#808080", "#808080", vision) == 0
        assert difference("#000000", "#ffffff", vision) > 99
    # the classic confusion: a red and a green that deuteranopes cannot tell apart
    assert difference("#cc4433", "#778800", "normal") > 30
    assert difference("#cc4433", "#778800", "deuteranopia") < 8


def test_the_bar_is_the_speed_palettes_closest_pair():
    assert round(BAR, 1) == 12.5
    worst = min(
        (difference(a, b, v), a, b, v)
        for a, b in itertools.combinations(SPEED_COLOURS.values(), 2)
        for v in VISIONS
    )
    assert worst[1:] == (band("30").colour, band("40").colour, "deuteranopia")


def test_every_report_category_has_a_colour_and_a_shape_of_its_own():
    assert set(REPORT_COLOURS) == set(REPORT_CATEGORIES) == set(REPORT_SHAPES)
    assert len(set(REPORT_COLOURS.values())) == len(REPORT_COLOURS)
    assert len(set(REPORT_SHAPES.values())) == len(REPORT_SHAPES)
    assert set(REPORT_SHAPES.values()) <= set(SHAPES)


@pytest.mark.parametrize("vision", VISIONS)
def test_report_categories_stay_apart_under_each_vision(vision):
    pairs = {
        (a, b): difference(REPORT_COLOURS[a], REPORT_COLOURS[b], vision)
        for a, b in itertools.combinations(REPORT_COLOURS, 2)
    }
    closest = min(pairs, key=pairs.__getitem__)
    assert pairs[closest] >= BAR, (closest, round(pairs[closest], 1))


@pytest.mark.parametrize("vision", VISIONS)
def test_report_categories_never_look_like_a_speed_limit(vision):
    gaps = {
        (category, key): difference(colour, SPEED_COLOURS[key], vision)
        for category, colour in REPORT_COLOURS.items()
        for key in SPEED_COLOURS
    }
    closest = min(gaps, key=gaps.__getitem__)
    assert gaps[closest] >= BAR, (closest, round(gaps[closest], 1))


#: Every colour on the map that stands for something, by group.
GROUPS: dict[str, dict[str, str]] = {
    "report": dict(REPORT_COLOURS),
    "asset": {"asset ink": ASSET_INK},
    "speed": SPEED_COLOURS,
    "gap": {"20mph gap": str(GAP_STYLE["color"])},
    "heat": {f"heat {at:g}": colour for at, colour in HEAT_GRADIENT.items()},
}

#: Pairs of groups whose colours need not clear the bar against each other, and why.
EXEMPT: dict[frozenset[str], str] = {
    frozenset({"speed"}): "the speed bands are the bar itself, and differ in width and dash",
    frozenset({"heat"}): "one continuous ramp, read as more or fewer, never as categories",
    frozenset({"heat", "speed"}): (
        "an area under lines that carry width and dash: its own test below holds the ramp's "
        "ends 20 and every step 9 from each speed colour"
    ),
    frozenset({"heat", "report"}): (
        "the heat map is those same reports blurred into an area; a report's point on it "
        "is a shape with a dark outline, and the legend shows them as points or heat"
    ),
}


def pairs_to_tell_apart(groups: dict[str, dict[str, str]]) -> list[tuple[str, str, str, str]]:
    """(name, colour, name, colour) for every pair of colours across ``groups`` that a
    reader must tell apart (those of :data:`EXEMPT` left out)."""
    colours = [(g, name, c) for g, members in groups.items() for name, c in members.items()]
    return [
        (n1, c1, n2, c2)
        for (g1, n1, c1), (g2, n2, c2) in itertools.combinations(colours, 2)
        if frozenset({g1, g2}) not in EXEMPT
    ]


def closest_pair(groups: dict[str, dict[str, str]], vision: str) -> tuple[float, str, str]:
    """The closest pair to tell apart under ``vision``: (ΔE00, name, name)."""
    pairs = pairs_to_tell_apart(groups)
    return min((difference(c1, c2, vision), n1, n2) for n1, c1, n2, c2 in pairs)


@pytest.mark.parametrize("vision", VISIONS)
def test_every_pair_a_reader_must_tell_apart_clears_the_bar(vision):
    gap, first, second = closest_pair(GROUPS, vision)
    assert gap >= BAR, (first, second, round(gap, 1))


def test_the_pairs_checked_are_every_pair_across_the_map():
    # 13 reports, 1 ink, 4 speed bands, 1 gap, 5 heat stops: 24 colours, 276 pairs, of
    # which 6 speed-speed, 10 heat-heat, 20 heat-speed and 65 heat-report are exempt
    assert len(pairs_to_tell_apart(GROUPS)) == 276 - 6 - 10 - 20 - 65
    names = {n for pair in pairs_to_tell_apart(GROUPS) for n in pair[::2]}
    assert {"asset ink", "20mph gap", "heat 1", *REPORT_COLOURS, *SPEED_COLOURS} <= names


def test_the_old_palette_fails_the_same_test():
    # one colour per asset category, and the old gap pink: (some of) the old values
    old = dict(GROUPS)
    old["asset"] = {"bench": "#8c510a", "health": "#b2182b", "bus_stop": "#d6604d"}
    old["gap"] = {"20mph gap": "#CC79A7"}
    old["report"] = {**REPORT_COLOURS, "speeding": "#bb1100", "abandoned_vehicle": "#bb99bb"}
    assert closest_pair(old, "deuteranopia")[1:] == ("speeding", "bench")
    assert closest_pair(old, "deuteranopia")[0] < 2.5
    assert closest_pair(old, "tritanopia")[0] < 5  # speeding against health
    assert difference(old["gap"]["20mph gap"], band("unknown").colour, "deuteranopia") < BAR


def test_assets_are_told_apart_by_their_pictograms():
    assert len(set(ASSET_SYMBOLS.values())) == len(ASSET_SYMBOLS)


def test_speeding_is_not_20_mph_and_dog_fouling_is_not_an_asset():
    for vision in VISIONS:
        assert difference(REPORT_COLOURS["speeding"], band("20").colour, vision) > 25
        assert difference(REPORT_COLOURS["dog_fouling"], ASSET_INK, vision) > 25


def _ramp(steps: int) -> list[str]:
    stops = sorted(HEAT_GRADIENT.items())
    where = [p for p, _ in stops]
    colours = np.array([rgb(c) for _, c in stops])
    out = []
    for t in np.linspace(where[0], where[-1], steps):
        mixed = [np.interp(t, where, colours[:, i]) for i in range(3)]
        out.append("#" + "".join(f"{round(x * 255):02x}" for x in mixed))
    return out


def test_the_heat_map_cannot_be_mistaken_for_a_street():
    # Its pale edge (most of a heat blob) and its dark core keep far from every speed
    # colour. In between it passes through the middle lightness the speed colours share,
    # where a dichromat's colours crowd together: no part may come closer than 9, which is
    # still clear of the bar's three-quarters, for an area drawn under lines that carry
    # width and dash as well.
    def closest(colour: str) -> float:
        return min(difference(colour, s, v) for s in SPEED_COLOURS.values() for v in VISIONS)

    ends = [HEAT_GRADIENT[min(HEAT_GRADIENT)], HEAT_GRADIENT[max(HEAT_GRADIENT)]]
    assert min(closest(c) for c in ends) >= 20
    assert min(closest(c) for c in _ramp(41)) >= 9


def test_the_old_heat_ramp_fails_the_same_test():
    # Leaflet.heat's default: its red core is within 2 of the 40 mph vermillion under
    # deuteranopia, its lime within 9 of the 30 mph orange
    old = {0.4: "#0000ff", 0.6: "#00ffff", 0.7: "#00ff00", 0.8: "#ffff00", 1.0: "#ff0000"}
    assert difference(old[1.0], band("40").colour, "deuteranopia") < 2
    assert difference(old[0.7], band("30").colour, "deuteranopia") < 9
