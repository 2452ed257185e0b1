"""Random places on or beside the streets, in a chosen zone or outside every zone."""

from __future__ import annotations

import bisect
import itertools
import math
import random

from shapely.geometry import Point as ShapelyPoint
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union
from shapely.strtree import STRtree

from ._geo import Point, offset_point
from ._model import World, Zone
from ._zones import zone_of

__all__ = ["OUTSIDE", "Locator"]

#: The region key for "outside every zone".
OUTSIDE = ""

_MAIN_ROADS = frozenset({"primary", "secondary", "tertiary"})


class Locator:
    """Draw points within a few metres of a street, region by region.

    A point is accepted only if, rounded to whole metres, it lies in the wanted region and
    at least ``margin`` metres from every zone boundary, so that anyone testing it against
    the zone polygons (from latitude and longitude or from the rounded easting and
    northing) finds it in the same zone. Points stay within ``reach`` metres of a zone: the
    area a council would look at around its zones.

    Parameters
    ----------
    world : World
        The ways (streets and paths) and the zones.
    wards : dict of str to shapely geometry
        Ward name to area; a point takes the ward containing it, or the nearest.
    spread : float, default 12.0
        Largest distance of a point from its street, in metres.
    margin : float, default 5.0
        Smallest distance of a point from a zone boundary, in metres.
    reach : float, default 250.0
        Largest distance of a point from the nearest zone, in metres.
    """

    def __init__(
        self,
        world: World,
        wards: dict[str, BaseGeometry],
        spread: float = 12.0,
        margin: float = 5.0,
        reach: float = 250.0,
    ) -> None:
        self.zones: list[Zone] = world.zones
        self.wards = wards
        self.spread = spread
        self.margin = margin
        self._boundary = unary_union([z.geometry.boundary for z in world.zones])
        self._area = unary_union([z.geometry for z in world.zones]).buffer(reach)
        self._segments: dict[tuple[str, bool], list[tuple[Point, Point]]] = {}
        self._weights: dict[tuple[str, bool], list[float]] = {}
        named = [w for w in world.highways() if w.tags.get("name") and w.tags.get("area") != "yes"]
        self._named = named
        self._tree = STRtree([w.line for w in named])
        for way in world.highways():
            if way.tags.get("area") == "yes" or "bridge" in way.tags:
                continue
            main = way.highway in _MAIN_ROADS
            for a, b in itertools.pairwise(way.points):
                middle = ShapelyPoint((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
                if not self._area.contains(middle):
                    continue
                for key in ((zone_of(middle, self.zones), main), ("*", main)):
                    self._segments.setdefault(key, []).append((a, b))
        for key, segments in self._segments.items():
            lengths = [math.dist(a, b) for a, b in segments]
            self._weights[key] = list(itertools.accumulate(lengths))

    def region_of(self, point: Point) -> str:
        """Return the zone key of a point, or :data:`OUTSIDE`."""
        return zone_of(ShapelyPoint(point), self.zones)

    def point(
        self, rng: random.Random, region: str = "*", *, main_road: bool | None = None
    ) -> Point:
        """Draw a point near a street.

        Parameters
        ----------
        rng : random.Random
            Source of the choice.
        region : str, default "*"
            A zone key, :data:`OUTSIDE`, or ``"*"`` for anywhere.
        main_road : bool or None
            ``True`` for points by the A, B and tertiary roads only, ``False`` for points by
            other streets and paths only, ``None`` for either.

        Returns
        -------
        Point
            A point rounded to whole metres.
        """
        kinds = (True, False) if main_road is None else (main_road,)
        keys = [(region, kind) for kind in kinds if (region, kind) in self._segments]
        while True:
            key = keys[0] if len(keys) == 1 else self._pick_kind(keys, rng)
            segments, cumulative = self._segments[key], self._weights[key]
            index = bisect.bisect(cumulative, rng.random() * cumulative[-1])
            a, b = segments[min(index, len(segments) - 1)]
            side = rng.uniform(-self.spread, self.spread)
            candidate = offset_point(a, b, rng.random(), side)
            rounded = (float(round(candidate[0])), float(round(candidate[1])))
            if self._accepts(rounded, region):
                return rounded

    def _pick_kind(self, keys: list[tuple[str, bool]], rng: random.Random) -> tuple[str, bool]:
        totals = [self._weights[k][-1] for k in keys]
        return keys[0] if rng.random() * sum(totals) < totals[0] else keys[1]

    def _accepts(self, point: Point, region: str) -> bool:
        shape = ShapelyPoint(point)
        if self._boundary.distance(shape) < self.margin or not self._area.contains(shape):
            return False
        return region == "*" or zone_of(shape, self.zones) == region

    def ward_of(self, point: Point) -> str:
        """Return the name of the ward a point lies in (or is nearest to)."""
        shape = ShapelyPoint(point)
        return min(self.wards, key=lambda name: self.wards[name].distance(shape))

    def nearest_street(self, point: Point) -> str:
        """Return the name of the named street nearest to a point."""
        index = self._tree.nearest(ShapelyPoint(point))
        return self._named[int(index)].tags["name"]
