"""Coordinates and small geometry helpers for the sample neighbourhood.

Everything is built in British National Grid (EPSG:27700) metres. Points are plain
``(easting, northing)`` tuples rounded to 0.1 m, so that two streets meeting at the same
point share one OpenStreetMap node and every later geometric test sees the same numbers on
every machine.
"""

from __future__ import annotations

import functools
import itertools
import math
import random
from collections.abc import Iterable, Sequence

from pyproj import Transformer
from shapely.geometry import LineString

__all__ = [
    "HEIGHT",
    "ORIGIN_E",
    "ORIGIN_N",
    "WIDTH",
    "Point",
    "at",
    "catmull_rom",
    "offset_point",
    "os_grid_ref",
    "pt",
    "resample",
    "to_lonlat",
]

Point = tuple[float, float]

#: South-west corner of the sample extent (British National Grid metres).
ORIGIN_E = 358100.0
ORIGIN_N = 416600.0
#: Size of the sample extent in metres (east-west, north-south).
WIDTH = 1800.0
HEIGHT = 1400.0

# The Helmert transformation "OSGB36 to WGS 84 (6)" (EPSG:1314), which is what
# ``Transformer.from_crs(27700, 4326, always_xy=True)`` uses when the OSTN15 grid is not
# installed. Pinning it keeps the written latitudes and longitudes identical on machines
# that do have the grid (where PROJ would otherwise pick it and move points by about 1 m).
_BNG_TO_WGS84 = (
    "+proj=pipeline"
    " +step +inv +proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000"
    " +ellps=airy"
    " +step +proj=push +v_3"
    " +step +proj=cart +ellps=airy"
    " +step +proj=helmert +x=446.448 +y=-125.157 +z=542.06 +rx=0.15 +ry=0.247 +rz=0.842"
    " +s=-20.489 +convention=position_vector"
    " +step +inv +proj=cart +ellps=WGS84"
    " +step +proj=pop +v_3"
    " +step +proj=unitconvert +xy_in=rad +xy_out=deg"
)

_GRID_LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"  # the OS alphabet has no I


def pt(easting: float, northing: float) -> Point:
    """Return a point rounded to 0.1 m.

    Parameters
    ----------
    easting, northing : float
        British National Grid coordinates in metres.

    Returns
    -------
    Point
        The rounded ``(easting, northing)``.
    """
    return (round(easting, 1), round(northing, 1))


def at(x: float, y: float) -> Point:
    """Return the point ``x`` m east and ``y`` m north of the extent's south-west corner.

    Parameters
    ----------
    x, y : float
        Offsets in metres from (:data:`ORIGIN_E`, :data:`ORIGIN_N`).

    Returns
    -------
    Point
        The rounded British National Grid point.
    """
    return pt(ORIGIN_E + x, ORIGIN_N + y)


@functools.cache
def _transformer() -> Transformer:
    return Transformer.from_pipeline(_BNG_TO_WGS84)


def to_lonlat(point: Point) -> tuple[float, float]:
    """Convert a British National Grid point to WGS84 longitude and latitude.

    Parameters
    ----------
    point : Point
        ``(easting, northing)`` in metres.

    Returns
    -------
    tuple of float
        ``(longitude, latitude)`` in degrees, rounded to 7 decimals (about 1 cm).
    """
    lon, lat = _transformer().transform(point[0], point[1])
    return (round(lon, 7), round(lat, 7))


def os_grid_ref(easting: float, northing: float) -> str:
    """Format a point as a 10-figure Ordnance Survey grid reference.

    Parameters
    ----------
    easting, northing : float
        British National Grid coordinates in metres (inside Great Britain's grid).

    Returns
    -------
    str
        For example ``"SD 59012 17345"``.
    """
    e100k, n100k = int(easting // 100000), int(northing // 100000)
    first = (19 - n100k) - (19 - n100k) % 5 + (e100k + 10) // 5
    second = (19 - n100k) * 5 % 25 + e100k % 5
    letters = _GRID_LETTERS[first] + _GRID_LETTERS[second]
    return f"{letters} {int(easting) % 100000:05d} {int(northing) % 100000:05d}"


def catmull_rom(control: Sequence[Point], step: float = 4.0) -> LineString:
    """Draw a smooth curve through control points.

    Parameters
    ----------
    control : sequence of Point
        At least two points; the curve passes through each of them.
    step : float, default 4.0
        Approximate spacing in metres of the returned vertices.

    Returns
    -------
    shapely.LineString
        A densely sampled centripetal-free (uniform) Catmull-Rom spline.
    """
    pts = [control[0], *control, control[-1]]
    out: list[Point] = [control[0]]
    for i in range(1, len(pts) - 2):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        n = max(2, int(math.dist(p1, p2) / step))
        for k in range(1, n + 1):
            t = k / n
            out.append(
                (
                    _spline(p0[0], p1[0], p2[0], p3[0], t),
                    _spline(p0[1], p1[1], p2[1], p3[1], t),
                )
            )
    out[-1] = control[-1]
    return LineString(out)


def _spline(a: float, b: float, c: float, d: float, t: float) -> float:
    t2, t3 = t * t, t * t * t
    return 0.5 * (
        2 * b + (c - a) * t + (2 * a - 5 * b + 4 * c - d) * t2 + (3 * b - a - 3 * c + d) * t3
    )


def resample(
    line: LineString,
    rng: random.Random,
    spacing: tuple[float, float] = (30.0, 60.0),
    must: Iterable[float] = (),
) -> list[Point]:
    """Place OpenStreetMap nodes along a line, as a mapper would.

    Parameters
    ----------
    line : shapely.LineString
        The line to follow.
    rng : random.Random
        Source of the irregular spacing.
    spacing : tuple of float, default (30, 60)
        Smallest and largest gap between consecutive nodes, in metres.
    must : iterable of float
        Distances along the line where a node must be (junctions, bridge ends).

    Returns
    -------
    list of Point
        Rounded node positions from the start to the end of the line.
    """
    length = line.length
    fixed = sorted({0.0, length, *(m for m in must if 0.0 < m < length)})
    stations: list[float] = []
    for start, end in itertools.pairwise(fixed):
        stations.append(start)
        pos = start + rng.uniform(*spacing)
        while pos < end - spacing[0] * 0.6:
            stations.append(pos)
            pos += rng.uniform(*spacing)
    stations.append(length)
    points = [pt(*line.interpolate(s).coords[0]) for s in stations]
    points[0] = pt(*line.coords[0])
    points[-1] = pt(*line.coords[-1])
    return points


def offset_point(a: Point, b: Point, t: float, side: float) -> Point:
    """Return a point part-way along a segment, moved sideways.

    Parameters
    ----------
    a, b : Point
        The segment's ends.
    t : float
        Fraction of the way from ``a`` to ``b``.
    side : float
        Distance in metres to the left (positive) or right (negative) of the segment.

    Returns
    -------
    Point
        The rounded point.
    """
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy) or 1.0
    return pt(a[0] + dx * t - dy / length * side, a[1] + dy * t + dx / length * side)
