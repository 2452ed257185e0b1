"""The council's four 20mph zones, drawn a few metres inside the roads around each block."""

from __future__ import annotations

import datetime as dt

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from ._model import Zone
from ._skeleton import Skeleton

__all__ = ["EFFECT_ZONE", "build_zones", "zone_of"]

#: The zone where the sample's dog fouling reports fall after implementation.
EFFECT_ZONE = "A"

_INSET_M = 8.0

_ZONES = (
    (
        "A",
        "Yarrowside North",
        "LCC/TRO/2021/117",
        "Implemented",
        "06/09/2021",
        dt.date(2021, 9, 6),
        "Signed zone; entry roundels at every junction with Yarrowgate Road and Moorfield Road",
    ),
    (
        "B",
        "Cowslip",
        "LCC/TRO/2022/031",
        "Implemented",
        "Zone 3, 14 Mar 2022",
        dt.date(2022, 3, 14),
        "Zone 3 of the Chorley East programme; school keep clear markings renewed",
    ),
    (
        "C",
        "Yarrow Meadows",
        "LCC/TRO/2016/058",
        "Implemented",
        "31 Jul 2016",
        dt.date(2016, 7, 31),
        "Signs only, no traffic calming; two parts either side of Yarrow Meadows park",
    ),
    (
        "D",
        "Kestrel Park",
        "TBC",
        "Proposed",
        "Autumn 2026?",
        None,
        "Consultation closed; awaiting funding",
    ),
)


def build_zones(sk: Skeleton) -> list[Zone]:
    """Draw the zones from the blocks of the neighbourhood.

    Zone C is a MultiPolygon: the park through its middle is left out.

    Parameters
    ----------
    sk : Skeleton
        The blocks and green spaces.

    Returns
    -------
    list of Zone
        Zones A to D.
    """
    shapes = {
        "A": _inset(sk.faces["A"]),
        "B": _inset(sk.faces["B"]),
        "C": _inset(sk.faces["C"]).difference(sk.areas["meadows_strip"].buffer(3.0)),
        "D": _inset(sk.faces["D"]),
    }
    zones = []
    for key, name, tro, status, text, date, notes in _ZONES:
        geometry = _tidy(shapes[key])
        zones.append(Zone(key, name, tro, status, text, date, notes, geometry))
    return zones


def _inset(face: Polygon) -> BaseGeometry:
    return face.buffer(-_INSET_M, join_style="mitre").simplify(1.0)


def _tidy(geometry: BaseGeometry) -> BaseGeometry:
    """Round vertices to 0.1 m and orient rings (exterior anticlockwise)."""
    rounded = shapely.transform(geometry, _round_coords)
    if not rounded.is_valid:  # pragma: no cover - guarded by the tests
        raise ValueError("zone polygon became invalid after rounding")
    if isinstance(rounded, MultiPolygon):
        parts = sorted(rounded.geoms, key=lambda p: p.bounds)
        return MultiPolygon([orient(p) for p in parts])
    return orient(rounded)


def _round_coords(coords: np.ndarray) -> np.ndarray:
    return np.array([[round(float(x), 1), round(float(y), 1)] for x, y in coords])


def zone_of(point: shapely.Point, zones: list[Zone]) -> str:
    """Return the key of the zone containing a point, or ``""`` outside every zone.

    Parameters
    ----------
    point : shapely.Point
        A point in British National Grid metres.
    zones : list of Zone
        The zones to test.

    Returns
    -------
    str
        ``"A"`` to ``"D"``, or ``""``.
    """
    for zone in zones:
        if zone.geometry.contains(point):
            return zone.key
    return ""
