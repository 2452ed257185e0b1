"""Residential estates: long curving streets, short links, cul-de-sacs and their joins.

Each block gets a lattice turned to its own angle: rows of gently curving streets about
90 m apart, joined by short streets at irregular places (so most junctions are T-junctions
rather than crossroads), with closes branching off and the row ends joining the main roads
or stopping as dead ends. Nothing crosses anything else without a shared node.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import shapely
from shapely import affinity
from shapely.geometry import LineString
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry.base import BaseGeometry

from ._geo import Point, offset_point, pt, resample
from ._names import StreetNames
from ._plan import Plan

__all__ = ["Estate", "EstateSpec", "build_estate"]


@dataclass(frozen=True)
class EstateSpec:
    """How one block's estate is laid out.

    Attributes
    ----------
    face : str
        The block's key in :attr:`Skeleton.faces`.
    angle : float
        Direction of the rows in degrees anticlockwise from east.
    row_spacing : float
        Distance between rows in metres.
    """

    face: str
    angle: float
    row_spacing: float = 90.0


@dataclass
class _Row:
    points: list[Point]
    name: str
    u: list[float]


@dataclass
class Estate:
    """The streets of one estate, before they become ways.

    Attributes
    ----------
    rows : list of list of Point
        The long streets (after joins to main roads), one node list each.
    row_names : list of str
        The name of each row.
    links : list of tuple
        ``(points, name, gap)`` for each short street joining two rows; ``gap`` is the
        index of the lower row.
    closes : list of tuple
        ``(points, name)`` for each cul-de-sac; the last point is the dead end.
    """

    rows: list[list[Point]] = field(default_factory=list)
    row_names: list[str] = field(default_factory=list)
    links: list[tuple[list[Point], str, int]] = field(default_factory=list)
    closes: list[tuple[list[Point], str]] = field(default_factory=list)


def build_estate(
    plan: Plan,
    region: BaseGeometry,
    spec: EstateSpec,
    main_nodes: list[Point],
    avoid: BaseGeometry,
    extent: BaseGeometry,
    names: StreetNames,
    rng: random.Random,
) -> Estate:
    """Lay out one estate inside ``region`` and register its lines in ``plan``.

    Parameters
    ----------
    plan : Plan
        Existing lines; the estate's lines are registered as blockers (the caller turns
        the returned :class:`Estate` into ways).
    region : shapely geometry
        Where the estate's streets go (the block minus a margin and minus green spaces).
    spec : EstateSpec
        Angle and spacing of the rows.
    main_nodes : list of Point
        Main-road nodes the rows may join; nodes used here are removed from the list.
    avoid : shapely geometry
        Areas no join may cross.
    extent : shapely geometry
        The sample's extent; rows ending near its edge are carried on to it.
    names : StreetNames
        Source of street names.
    rng : random.Random
        Source of every irregularity.

    Returns
    -------
    Estate
        The estate's streets.
    """
    rows = _rows(region, spec, rng)
    for row_group in rows:
        for row in row_group:
            row.name = names.row()
            plan.block(row.points)
    estate = Estate()
    _links(plan, region, rows, spec, estate, names, rng)
    _closes(plan, region, rows, spec, estate, names, rng)
    _join_main_roads(plan, rows, estate, main_nodes, avoid, extent, rng)
    for row_group in rows:
        for row in row_group:
            estate.rows.append(row.points)
            estate.row_names.append(row.name)
    return estate


def _rows(region: BaseGeometry, spec: EstateSpec, rng: random.Random) -> list[list[_Row]]:
    origin = region.centroid
    turned = affinity.rotate(region, -spec.angle, origin=origin)
    minx, miny, maxx, maxy = turned.bounds
    cos, sin = math.cos(math.radians(spec.angle)), math.sin(math.radians(spec.angle))
    rows: list[list[_Row]] = []
    v = miny + rng.uniform(0.35, 0.65) * spec.row_spacing
    while v < maxy:
        amplitude, wave = rng.uniform(3.0, 12.0), rng.uniform(260.0, 520.0)
        phase = rng.uniform(0.0, 2 * math.pi)
        dense = LineString(
            [
                (u, v + amplitude * math.sin(2 * math.pi * u / wave + phase))
                for u in _steps(minx - 20, maxx + 20, 6.0)
            ]
        )
        line = affinity.rotate(dense, spec.angle, origin=origin)
        group = []
        for piece in _line_parts(line.intersection(region)):
            if piece.length >= 60.0:
                points = resample(piece, rng, (32.0, 52.0))
                u = [(p[0] - origin.x) * cos + (p[1] - origin.y) * sin for p in points]
                group.append(_Row(points, "", u))
        rows.append(group)
        v += spec.row_spacing * rng.uniform(0.92, 1.08)
    return rows


def _steps(start: float, stop: float, step: float) -> list[float]:
    count = int((stop - start) / step) + 1
    return [start + i * step for i in range(count)]


def _line_parts(geometry: BaseGeometry) -> list[LineString]:
    merged = shapely.line_merge(geometry) if geometry.geom_type == "MultiLineString" else geometry
    return [g for g in shapely.get_parts(merged) if g.geom_type == "LineString"]


def _nearest_by_u(group: list[_Row], target: float, within: float) -> tuple[_Row, int] | None:
    best: tuple[float, _Row, int] | None = None
    for row in group:
        for i, u in enumerate(row.u):
            gap = abs(u - target)
            if gap <= within and (best is None or gap < best[0]):
                best = (gap, row, i)
    return None if best is None else (best[1], best[2])


def _links(
    plan: Plan,
    region: BaseGeometry,
    rows: list[list[_Row]],
    spec: EstateSpec,
    estate: Estate,
    names: StreetNames,
    rng: random.Random,
) -> None:
    """Join neighbouring rows with short streets at irregular places."""
    allowed = region.buffer(6.0)
    for gap in range(len(rows) - 1):
        lower, upper = rows[gap], rows[gap + 1]
        all_u = [u for row in lower for u in row.u]
        if not all_u:
            continue
        target = min(all_u) + rng.uniform(10.0, 80.0)
        while target < max(all_u):
            link = _link_between(lower, upper, target, spec, rng)
            if link and allowed.contains(LineString(link)) and plan.fits(link, 8.0):
                name = names.link() if rng.random() < 0.85 else ""
                estate.links.append((link, name, gap))
                plan.block(link)
            target += rng.uniform(95.0, 170.0)


def _link_between(
    lower: list[_Row], upper: list[_Row], target: float, spec: EstateSpec, rng: random.Random
) -> list[Point] | None:
    start = _nearest_by_u(lower, target, 20.0)
    if start is None:
        return None
    end = _nearest_by_u(upper, start[0].u[start[1]], 22.0)
    if end is None:
        return None
    a, b = start[0].points[start[1]], end[0].points[end[1]]
    length = math.dist(a, b)
    if length > spec.row_spacing * 1.5:
        return None
    if length > 55.0:
        return [a, offset_point(a, b, 0.5, rng.uniform(-4.0, 4.0)), b]
    return [a, b]


def _closes(
    plan: Plan,
    region: BaseGeometry,
    rows: list[list[_Row]],
    spec: EstateSpec,
    estate: Estate,
    names: StreetNames,
    rng: random.Random,
) -> None:
    """Add cul-de-sacs branching off the rows."""
    used = {p for points, _, _ in estate.links for p in (points[0], points[-1])}
    angle = math.radians(spec.angle)
    normal = (-math.sin(angle), math.cos(angle))
    allowed = region.buffer(10.0)
    for group in rows:
        for row in group:
            for i in range(1, len(row.points) - 1):
                node = row.points[i]
                if any(math.dist(node, p) < 28.0 for p in used) or rng.random() > 0.35:
                    continue
                close = _close_from(node, normal, rng)
                if allowed.contains(ShapelyPoint(close[-1])) and plan.fits(close, 8.0):
                    estate.closes.append((close, names.close(row.name)))
                    plan.block(close)
                    used.add(node)


def _close_from(node: Point, normal: tuple[float, float], rng: random.Random) -> list[Point]:
    side = 1.0 if rng.random() < 0.5 else -1.0
    length = rng.uniform(40.0, 62.0)
    bend = rng.uniform(-0.35, 0.35)
    dx = normal[0] * side + normal[1] * bend
    dy = normal[1] * side - normal[0] * bend
    norm = math.hypot(dx, dy)
    mid = pt(node[0] + normal[0] * side * length * 0.5, node[1] + normal[1] * side * length * 0.5)
    end = pt(mid[0] + dx / norm * length * 0.5, mid[1] + dy / norm * length * 0.5)
    return [node, mid, end]


def _join_main_roads(
    plan: Plan,
    rows: list[list[_Row]],
    estate: Estate,
    main_nodes: list[Point],
    avoid: BaseGeometry,
    extent: BaseGeometry,
    rng: random.Random,
) -> None:
    """Extend row ends to the nearest main-road node, or leave them as dead ends."""
    linked = {p for points, _, _ in estate.links for p in points}
    for group in rows:
        for row in group:
            isolated = not linked.intersection(row.points)
            for at_start in (True, False):
                if not isolated and rng.random() > 0.85:
                    continue
                end = row.points[0] if at_start else row.points[-1]
                join = plan.join(end, main_nodes, 95.0, avoid=avoid) or plan.join(
                    end, main_nodes, 95.0, clearance=3.0, avoid=avoid
                )
                if join is not None:
                    main_nodes.remove(join[-1])
                else:
                    join = _to_edge(plan, row.points, at_start, extent)
                if join is None:
                    continue
                plan.block(join)
                if at_start:
                    row.points[:0] = list(reversed(join[1:]))
                else:
                    row.points.extend(join[1:])


def _to_edge(
    plan: Plan, points: list[Point], at_start: bool, extent: BaseGeometry
) -> list[Point] | None:
    """Carry a street ending near the edge of the extent on to the edge, as in an extract."""
    end, before = (points[0], points[1]) if at_start else (points[-1], points[-2])
    dx, dy = end[0] - before[0], end[1] - before[1]
    norm = math.hypot(dx, dy)
    ray = LineString([end, (end[0] + dx / norm * 60.0, end[1] + dy / norm * 60.0)])
    hit = ray.intersection(extent.boundary)
    if hit.is_empty or hit.geom_type != "Point":
        return None
    reach = math.dist(end, (hit.x, hit.y))
    edge = pt(end[0] + dx / norm * (reach - 0.5), end[1] + dy / norm * (reach - 0.5))
    line = [end, edge]
    return line if plan.fits(line, 4.0) else None
