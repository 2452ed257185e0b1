"""How things look on the maps: colours safe for colour-blind readers, and a second cue.

Speed limits use the Okabe–Ito palette, which readers with the common colour-vision
deficiencies can tell apart, and every band also differs in line width and dash so that the
map still reads in greyscale print or on a washed-out projector.
"""

from __future__ import annotations

from dataclasses import dataclass

from healthy_streets.model.speed import BANDS, speed_band

__all__ = [
    "ASSET_COLOURS",
    "REPORT_COLOURS",
    "SPEED_BANDS",
    "SpeedBand",
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


# Category colours: distinct hues from the Okabe–Ito and Tol palettes; symbols differ too.
ASSET_COLOURS: dict[str, str] = {
    "bench": "#8c510a",
    "park": "#1b7837",
    "playground": "#c51b7d",
    "school": "#2166ac",
    "community_centre": "#762a83",
    "library": "#4d4d4d",
    "place_of_worship": "#5e3c99",
    "health": "#b2182b",
    "shop_cafe": "#e08214",
    "allotment": "#5aae61",
    "sport_leisure": "#01665e",
    "bin": "#35978f",
    "tree": "#4d9221",
    "crossing": "#000000",
    "bus_stop": "#d6604d",
    "toilets": "#4393c3",
    "community_group": "#9970ab",
    "other": "#878787",
}

REPORT_COLOURS: dict[str, str] = {
    "dog_fouling": "#8c510a",
    "litter": "#CC79A7",
    "fly_tipping": "#D55E00",
    "speeding": "#0072B2",
    "potholes": "#000000",
    "street_lighting": "#E69F00",
    "graffiti": "#56B4E9",
    "vegetation": "#009E73",
    "abandoned_vehicle": "#999933",
    "other": "#7f7f7f",
}
