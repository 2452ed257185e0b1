"""Closed ways that are not streets: parks, school grounds, allotments, a car park, land use.

A careless loader that takes every way for a street would pick these up; the toolkit must
not.
"""

from __future__ import annotations

from shapely.geometry import Polygon

from ._geo import Point, pt
from ._model import Way
from ._skeleton import Skeleton

__all__ = ["area_ways"]


def area_ways(sk: Skeleton) -> list[Way]:
    """Return the sample's area ways, each a closed ring.

    Parameters
    ----------
    sk : Skeleton
        The frame holding the area shapes.

    Returns
    -------
    list of Way
        Parks, grass, a playground, school grounds, allotments, a car park and a
        residential land-use area.
    """
    areas = sk.areas
    residential = sk.faces["SE"].buffer(-12.0, join_style="mitre").simplify(2.0)
    return [
        _closed(areas["lapwing_park"], {"leisure": "park", "name": "Lapwing Park"}),
        _closed(areas["yarrow_meadows"], {"leisure": "park", "name": "Yarrow Meadows"}),
        _closed(areas["rec"], {"leisure": "park", "name": "Cowslip Recreation Ground"}),
        _closed(areas["grass"], {"landuse": "grass"}),
        _closed(
            areas["playground"],
            {"leisure": "playground", "name": "Cowslip Rec Play Area", "surface": "woodchips"},
        ),
        _closed(areas["school"], {"amenity": "school", "name": "Yarrowside Primary School"}),
        _closed(areas["allotments"], {"landuse": "allotments", "name": "Dam Lane Allotments"}),
        _closed(areas["centre"], {"amenity": "parking", "parking": "surface"}),
        _closed(residential, {"landuse": "residential"}),
    ]


def _closed(polygon: Polygon, tags: dict[str, str]) -> Way:
    ring: list[Point] = [pt(x, y) for x, y in polygon.exterior.coords]
    ring[-1] = ring[0]
    return Way(ring, tags)
