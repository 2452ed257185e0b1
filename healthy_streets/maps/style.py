"""How things look on the maps: colours safe for colour-blind readers, and a second cue.

Speed limits use the Okabe–Ito palette, which readers with the common colour-vision
deficiencies can tell apart, and every band also differs in line width and dash so that the
map still reads in greyscale print or on a washed-out projector. Report categories keep
saturated colours of their own, each with a shape as well; community assets are one family
apart from them, white pictograms on one dark ink, told apart by pictogram and legend text.
Every colour a reader must tell from another (reports, the asset ink, speed bands, the
20mph-gap highlight, the heat map's stops) is at least CIEDE2000 12.5 apart under simulated
deuteranopia, protanopia and tritanopia: ``tests/test_style.py`` lists the pairs and the
few exempt ones, and ``docs/maps.md`` the measured minima.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from healthy_streets.model.speed import BANDS, speed_band

__all__ = [
    "ASSET_GLYPH",
    "ASSET_INK",
    "ASSET_SYMBOLS",
    "FADED_STATUSES",
    "GAP_STYLE",
    "HEAT_GRADIENT",
    "REPORT_COLOURS",
    "REPORT_SHAPES",
    "REPORT_STATUS_LOOK",
    "SHAPES",
    "SPEED_BANDS",
    "STATUS_WORDS",
    "ZONE_STYLES",
    "SpeedBand",
    "pictogram_svg",
    "speed_band",
]


@dataclass(frozen=True)
class SpeedBand:
    """A speed band: how its streets are drawn and named in the legend."""

    key: str
    label: str
    colour: str
    weight: float
    dash: str | None


#: Speed bands, slowest first. Colours: Okabe–Ito blue, orange, vermillion; grey for unknown.
SPEED_BANDS: tuple[SpeedBand, ...] = (
    SpeedBand("20", BANDS["20"], "#0072B2", 6.0, None),
    SpeedBand("30", BANDS["30"], "#E69F00", 4.0, "10 5"),
    SpeedBand("40", BANDS["40"], "#D55E00", 4.0, "2 6"),
    SpeedBand("unknown", BANDS["unknown"], "#7f7f7f", 2.5, "1 4"),
)
_BANDS = {band.key: band for band in SPEED_BANDS}

#: Paths (footways, cycleways) are drawn thin and neutral, whatever their speed.
PATH_STYLE = {"color": "#6b6b6b", "weight": 1.5, "dashArray": "3 3", "opacity": 0.8}


def band(key: str) -> SpeedBand:
    """The :class:`SpeedBand` for a key."""
    return _BANDS[key]


def leaflet_style(key: str) -> dict[str, object]:
    """Leaflet path options for a speed band."""
    b = _BANDS[key]
    style: dict[str, object] = {"color": b.colour, "weight": b.weight, "opacity": 0.95}
    if b.dash:
        style["dashArray"] = b.dash
    return style


#: Every community asset's marker: a disc of this dark warm grey ("ink") with its category's
#: pictogram (:data:`ASSET_SYMBOLS`) in white on it (7.2:1 contrast). Assets are one family
#: told apart by their pictograms and the legend's words, so that no asset can be mistaken for
#: a report, a speed limit, the 20mph-gap highlight or the heat map: the ink is at least
#: ΔE00 12.5 from each of them under simulated deuteranopia, protanopia and tritanopia
#: (``tests/test_style.py``).
ASSET_INK = "#585850"
#: The white of the pictograms, and of the ring round each asset's disc.
ASSET_GLYPH = "#ffffff"

#: Report categories' colours, chosen so that every pair, and every category against every
#: speed colour, the asset ink (:data:`ASSET_INK`) and the 20mph-gap highlight
#: (:data:`GAP_STYLE`), stays at least as far apart (CIEDE2000) as the speed palette's own
#: closest pair under simulated deuteranopia, protanopia and tritanopia
#: (``tests/test_style.py`` measures it). Each category also has its own shape
#: (:data:`REPORT_SHAPES`); "other" is white, drawn with the same dark outline.
REPORT_COLOURS: dict[str, str] = {
    "dog_fouling": "#18ffb8",
    "litter": "#eeccff",
    "fly_tipping": "#3300cc",
    "speeding": "#bb1100",
    "potholes": "#440022",
    "street_lighting": "#ccff66",
    "graffiti": "#7890ff",
    "vegetation": "#987058",
    "abandoned_vehicle": "#c098c0",
    "noise": "#004455",
    "pests": "#770011",
    "pollution": "#000055",
    "other": "#ffffff",
}

#: Each report category's marker shape (see :data:`SHAPES`): the second cue, so that no
#: category depends on colour alone.
REPORT_SHAPES: dict[str, str] = {
    "dog_fouling": "circle",
    "litter": "square",
    "fly_tipping": "triangle",
    "speeding": "diamond",
    "potholes": "hexagon",
    "street_lighting": "star",
    "graffiti": "triangle_down",
    "vegetation": "pentagon",
    "abandoned_vehicle": "plus",
    "noise": "octagon",
    "pests": "bar",
    "pollution": "arrow",
    "other": "cross",
}


def _regular(sides: int, radius: float, turn: float = 0.0) -> tuple[tuple[float, float], ...]:
    step = 2 * math.pi / sides
    return tuple(
        (
            round(radius * math.sin(turn + i * step), 3) + 0.0,
            round(-radius * math.cos(turn + i * step), 3) + 0.0,
        )
        for i in range(sides)
    )


def _star(points: int, outer: float, inner: float) -> tuple[tuple[float, float], ...]:
    corners = []
    for i in range(points * 2):
        r = outer if i % 2 == 0 else inner
        angle = i * math.pi / points
        corners.append((round(r * math.sin(angle), 3) + 0.0, round(-r * math.cos(angle), 3) + 0.0))
    return tuple(corners)


def _plus(arm: float, half: float, turn: float = 0.0) -> tuple[tuple[float, float], ...]:
    quarter = [(half, -arm), (half, -half), (arm, -half)]
    corners: list[tuple[float, float]] = []
    for k in range(4):
        angle = turn + k * math.pi / 2
        cos, sin = math.cos(angle), math.sin(angle)
        corners += [(x * cos - y * sin, x * sin + y * cos) for x, y in quarter]
    return tuple((round(x, 3) + 0.0, round(y, 3) + 0.0) for x, y in corners)


#: Marker shapes as polygon corners around (0, 0), y downwards, about one unit across from
#: the centre (a circle has none). The map's canvas and the legend's SVG draw the same.
SHAPES: dict[str, tuple[tuple[float, float], ...]] = {
    "circle": (),
    "square": ((-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)),
    "triangle": _regular(3, 1.2),
    "triangle_down": _regular(3, 1.2, math.pi),
    "diamond": _regular(4, 1.2),
    "pentagon": _regular(5, 1.05),
    "hexagon": _regular(6, 1.0, math.pi / 6),
    "star": _star(5, 1.3, 0.55),
    "plus": _plus(1.1, 0.4),
    "cross": _plus(1.15, 0.38, math.pi / 4),
    "octagon": _regular(8, 1.05, math.pi / 8),
    "bar": ((-1.2, -0.55), (1.2, -0.55), (1.2, 0.55), (-1.2, 0.55)),
    "arrow": (
        (0.0, -1.25),
        (1.1, 0.0),
        (0.45, 0.0),
        (0.45, 1.1),
        (-0.45, 1.1),
        (-0.45, 0.0),
        (-1.1, 0.0),
    ),
}

#: The heat map's colour ramp (Leaflet.heat gradient stops): lavender to plum, a hue no
#: street is drawn in, and far from every speed colour under the common colour-vision
#: deficiencies (``tests/test_style.py``).
HEAT_GRADIENT: dict[float, str] = {
    0.2: "#ddddff",
    0.4: "#ccaaff",
    0.6: "#997799",
    0.8: "#664466",
    1.0: "#441122",
}

#: Pictograms drawn white on the asset ink: SVG path data in a 24 x 24 box. The shapes
#: alone tell the asset categories apart (all share :data:`ASSET_INK`).
ASSET_SYMBOLS: dict[str, str] = {
    "bench": "M3 8h18v2.5H3zM3 12h18v2.5H3zM5 14h2.2v6H5zM16.8 14H19v6h-2.2z",
    "park": "M12 2C8 2 5 5 5 9c0 3 2 5.3 5 6v7h4v-7c3-.7 5-3 5-6 0-4-3-7-7-7z",
    "playground": "M3 4h18v2h-1.5L22 21h-2.3L17.3 6H6.7L4.3 21H2L4.5 6H3zM8 14h8v2H8zM9 8h1.5"
    "v6H9zM13.5 8H15v6h-1.5z",
    "school": "M12 3 1 9l11 6 9-4.9V17h2V9zM5 13.2v4L12 21l7-3.8v-4L12 17z",
    "community_centre": "M12 3 2 12h3v9h5v-6h4v6h5v-9h3z",
    "library": "M3 5c3.3 0 6.3.8 8 2.6V21c-1.7-1.6-4.7-2.4-8-2.4zM21 5c-3.3 0-6.3.8-8 2.6V21"
    "c1.7-1.6 4.7-2.4 8-2.4z",
    "place_of_worship": "M12 2l-2.5 3v3L5 11.5V22h5v-5a2 2 0 0 1 4 0v5h5V11.5L14.5 8V5z",
    "health": "M9 3h6v6h6v6h-6v6H9v-6H3V9h6z",
    "shop_cafe": "M3 8h13v6a5 5 0 0 1-5 5H8a5 5 0 0 1-5-5zM16 9h2a3 3 0 0 1 0 6h-2v-2h2a1 1 0 0"
    " 0 0-2h-2zM3 20.5h14V22H3z",
    "allotment": "M11 22v-8.5C7 13.5 4 11 4 6c4 0 7 2.5 7 6.5C11 7.5 14 3 20 3c0 6-3 9.5-7 9.5V22z",
    "sport_leisure": "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 3.2 3.4 2.5-1.3 4H9.9l-1.3-4z"
    "M4.6 10.3l2.6-.9 1.3 4-2 2.8-2.3-.4a7.8 7.8 0 0 1 .4-5.5zm14.8 0a7.8 7.8"
    " 0 0 1 .4 5.5l-2.3.4-2-2.8 1.3-4z",
    "bin": "M6 7h12l-1.2 14H7.2zM4 4h16v2H4zM9 2h6v2H9z",
    "tree": "M12 1.5 4.5 13h4L5.5 18h5.5v4.5h2V18h5.5l-3-5h4z",
    "crossing": "M2.5 4h4v16h-4zM10 4h4v16h-4zM17.5 4h4v16h-4z",
    "bus_stop": "M5 3h14a2 2 0 0 1 2 2v12h-2v3h-3v-3H8v3H5v-3H3V5a2 2 0 0 1 2-2zm0 3v6h14V6zM6"
    " 14h3v2H6zm9 0h3v2h-3z",
    "toilets": "M7 1.5a2.2 2.2 0 1 1 0 4.4 2.2 2.2 0 0 1 0-4.4zM4.5 7h5L11 15H9v7.5H5V15H3zM17"
    " 1.5a2.2 2.2 0 1 1 0 4.4 2.2 2.2 0 0 1 0-4.4zM14.5 7h5l.5 8h-1.5v7.5h-4V15H13z",
    "community_group": "M8 3a3.2 3.2 0 1 1 0 6.4A3.2 3.2 0 0 1 8 3zm8.5 1a2.8 2.8 0 1 1 0 5.6 2.8"
    " 2.8 0 0 1 0-5.6zM1.5 21c0-5 3-9.5 6.5-9.5s6.5 4.5 6.5 9.5zm13.5 0c0-2.8"
    "-.7-5.5-2-7.4 1-1 2.2-1.6 3.5-1.6 3.5 0 6 4 6 9z",
    # a heart with a lightning bolt cut out of it
    "defibrillator": "M12 21 3.2 12.6C.9 10.3.9 6.6 3.2 4.3s6-2.3 8.3 0l.5.5.5-.5c2.3-2.3 6-2.3"
    " 8.3 0s2.3 6 0 8.3zM13 6.5 8 13h3.2l-1.2 5 5-6.8h-3.2z",
    "drinking_water": "M12 2.5S5 10.4 5 15a7 7 0 0 0 14 0c0-4.6-7-12.5-7-12.5z",
    # a grit box: a sloping lid over a box with a slot
    "grit_bin": "M3 8.5 12 4l9 4.5zM4 10h16v10H4zM7 13h10v1.6H7z",
    # a portico: pediment, three columns, a step
    "heritage": "M12 2 2 7v2h20V7zM4 10h3v8H4zM10.5 10h3v8h-3zM17 10h3v8h-3zM2 19h20v3H2z",
    "public_service": "M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5z",
    # a pillar box with its slot
    "street_service": "M6 9a6 6 0 0 1 12 0v11h1.5v2h-15v-2H6zM8.5 10h7v1.6h-7z",
    "other": "M12 6.5a5.5 5.5 0 1 1 0 11 5.5 5.5 0 0 1 0-11z",
}


def pictogram_svg(category: str, *, size: int = 24, dashed: bool = False) -> str:
    """An asset category's marker as a standalone SVG document: the ink disc, a ring, and
    the category's white pictogram.

    Parameters
    ----------
    category
        A key of :data:`ASSET_SYMBOLS`.
    size
        Width and height in pixels.
    dashed
        A dashed black ring (a place added at the meeting) instead of the white one.

    Returns
    -------
    str
        SVG markup; the meeting map's legend and the QGIS and SLD styles embed it.
    """
    ring = "#000000" if dashed else ASSET_GLYPH
    dash = ' stroke-dasharray="4 3"' if dashed else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 32 32" aria-hidden="true"><circle cx="16" cy="16" r="14.5" '
        f'fill="{ASSET_INK}" stroke="{ring}" stroke-width="2.5"{dash}/>'
        f'<path d="{ASSET_SYMBOLS[category]}" '
        f'fill="{ASSET_GLYPH}" fill-rule="evenodd" transform="translate(4 4)"/></svg>'
    )


#: Report statuses in the order the map encodes them, with their plain words.
REPORT_STATUSES: dict[str, str] = {"open": "Open", "fixed": "Fixed", "closed": "Closed"}
#: The statuses drawn faded (every status but the first, open): the meeting map, its print
#: copy and the store's QGIS styles (:mod:`healthy_streets.io.styles`) all read them here.
FADED_STATUSES: tuple[str, ...] = tuple(REPORT_STATUSES)[1:]
#: How a report's marker is drawn, open or faded: its fill's opacity and its outline.
REPORT_STATUS_LOOK: dict[str, dict[str, float | str]] = {
    "open": {"fill_opacity": 1.0, "stroke": "#1a1a1a"},
    "faded": {"fill_opacity": 0.5, "stroke": "#555555"},
}

#: The highlight drawn under streets where the council's zones and OSM disagree: a pale sage
#: that is no speed colour, no report colour, not the asset ink and not on the heat ramp
#: (at least ΔE00 12.5 from each under every simulation, ``tests/test_style.py``).
GAP_STYLE = {"color": "#98c0b0", "weight": 14, "opacity": 0.7, "lineCap": "round"}

#: The drawn background: OpenStreetMap's green spaces, water and railways.
BASEMAP_STYLES: dict[str, dict[str, object]] = {
    "green": {"color": "#8fbf7a", "weight": 1, "fillColor": "#cfe8c0", "fillOpacity": 0.9},
    "water": {"color": "#6fa8d6", "weight": 1, "fillColor": "#b7d8f2", "fillOpacity": 0.95},
    "waterway": {"color": "#6fa8d6", "weight": 4, "opacity": 0.9},
    "railway": {"color": "#555555", "weight": 3, "dashArray": "8 6", "opacity": 0.8},
    "street_main": {"color": "#b5b0a8", "weight": 11, "opacity": 0.9, "lineCap": "round"},
    "street_local": {"color": "#c9c4bc", "weight": 8, "opacity": 0.9, "lineCap": "round"},
    "street_path": {"color": "#c9c4bc", "weight": 3, "opacity": 0.9},
    "*": {"color": "#bbbbbb", "weight": 1},
}


#: How a zone is outlined, by its status (``*``: status unknown).
ZONE_STYLES = {
    "implemented": {
        "color": "#1a1a1a",
        "weight": 4,
        "fill": True,
        "fillColor": "#0072B2",
        "fillOpacity": 0.06,
    },
    "proposed": {
        "color": "#1a1a1a",
        "weight": 4,
        "dashArray": "12 8",
        "fill": True,
        "fillColor": "#E69F00",
        "fillOpacity": 0.05,
    },
    "*": {
        "color": "#1a1a1a",
        "weight": 3,
        "dashArray": "4 6",
        "fill": True,
        "fillColor": "#999999",
        "fillOpacity": 0.05,
    },
}

#: A zone's status in plain words.
STATUS_WORDS = {"implemented": "In force", "proposed": "Proposed", "unknown": "Status unknown"}
