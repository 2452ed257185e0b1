"""Areas around zones, and how far things lie from them: the project area a build reads
around its zones (:func:`around`), and each geometry's distance from an area
(:func:`distances`), shared by the readers (what lies outside the project area) and the
analysis (layers given for another place)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

__all__ = ["around", "distances", "distances_xy"]


def around(zones: gpd.GeoDataFrame, metres: float) -> Any:
    """``zones`` and ``metres`` around them, as one geometry: each zone buffered, then the
    buffers joined. The same area as buffering the zones' union, to the few metres by which
    any buffer's arcs are drawn as chords, and far quicker at county scale: the union's
    buffer nodes every offset curve against every other (a 10 km reach around 300 zones took
    2.1 s, and grows faster than the zones; buffered one by one, 0.03 s)."""
    return shapely.union_all(shapely.buffer(zones.geometry.to_numpy(), metres))


def distances(geometries: np.ndarray, area: shapely.Geometry) -> np.ndarray:
    """Each geometry's distance from ``area``, none of them touching it: the distance to the
    nearest edge of the area's polygons, found with a spatial index of the edges (the same
    distance as to the whole area, without measuring to every edge of a county of zones)."""
    tree = _edge_tree(area)
    if tree is None:
        return np.asarray(shapely.distance(geometries, area), dtype=float)
    corner = shapely.bounds(geometries)[:, :2]
    out = np.full(len(geometries), np.nan)
    for rows in _nearby_blocks(corner[:, 0], corner[:, 1]):
        (which, _), distance = tree.query_nearest(
            geometries[rows], return_distance=True, all_matches=False
        )
        out[rows[which]] = distance
    return out


def distances_xy(x: np.ndarray, y: np.ndarray, area: shapely.Geometry) -> np.ndarray:
    """:func:`distances` of the points ``x``, ``y``, each block of them made as a point
    only while it is measured (the points are not kept)."""
    tree = _edge_tree(area)
    out = np.full(len(x), np.nan)
    for rows in _nearby_blocks(x, y):
        points = shapely.points(x[rows], y[rows])
        if tree is None:
            out[rows] = shapely.distance(points, area)
            continue
        (which, _), distance = tree.query_nearest(points, return_distance=True, all_matches=False)
        out[rows[which]] = distance
    return out


def _edge_tree(area: shapely.Geometry) -> shapely.STRtree | None:
    """A spatial index of the edges of ``area``'s polygons, four at a time along each ring
    (``None`` when the area is not made of polygons), in small nodes: each search looks at
    fewer edges (40% quicker than nodes of 10), and the lines are a quarter of the edges."""
    parts = shapely.get_parts(area)
    if not len(parts) or not bool(np.all(shapely.get_type_id(parts) == 3)):
        return None
    coords, ring = shapely.get_coordinates(shapely.get_rings(parts), return_index=True)
    starts = np.flatnonzero(np.r_[True, ring[1:] != ring[:-1]])  # each ring's first point
    ends = np.r_[starts[1:], len(coords)] - 1  # and its last
    edges = np.flatnonzero(ring[1:] == ring[:-1])  # edge i runs from point i to point i + 1
    first = edges[(edges - starts[np.searchsorted(starts, edges, side="right") - 1]) % 4 == 0]
    last = np.minimum(first + 4, ends[np.searchsorted(starts, first, side="right") - 1])
    count = last - first + 1
    points = (
        np.repeat(first, count) + np.arange(count.sum()) - np.repeat(count.cumsum() - count, count)
    )
    lines = shapely.linestrings(coords[points], indices=np.repeat(np.arange(len(first)), count))
    return shapely.STRtree(lines, node_capacity=4)


def _nearby_blocks(x: np.ndarray, y: np.ndarray, size: int = 512) -> Iterator[np.ndarray]:
    """Positions of ``x``, ``y`` in blocks, in rows of 200 m squares: a search for the
    nearest edge then follows the last through the tree (a quarter quicker than in the
    file's order)."""
    order = np.lexsort((x // 200.0, y // 200.0))
    for start in range(0, len(order), size):
        yield order[start : start + size]
