"""The maps' colours as readers with colour-vision deficiencies see them.

Each palette is simulated for deuteranopia, protanopia and tritanopia (Machado et al. 2009,
full severity) and compared with CIEDE2000 (see ``colour_vision``). The bar: the speed
bands' own closest pair, Okabe–Ito orange against vermillion under deuteranopia, is
ΔE00 12.5 apart, and readers tell those streets apart (the bands differ in width and dash
too). Report categories must stay at least that far from each other and from every speed
colour under every simulation, and they have a shape each as well. The old palette's
closest categories were 5.1 apart (fly-tipping against abandoned vehicles, deuteranopia)
and speeding was the 20 mph blue itself.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from healthy_streets.maps.style import (
    ASSET_COLOURS,
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


def test_dog_fouling_is_not_the_bench_nor_the_bin_and_speeding_is_not_20_mph():
    for vision in VISIONS:
        assert difference(REPORT_COLOURS["dog_fouling"], ASSET_COLOURS["bench"], vision) > 25
        assert difference(REPORT_COLOURS["dog_fouling"], ASSET_COLOURS["bin"], vision) > 25
        assert difference(REPORT_COLOURS["speeding"], band("20").colour, vision) > 25


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
