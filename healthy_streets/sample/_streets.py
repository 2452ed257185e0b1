"""The whole street network: main roads, estates, paths, service roads and their joins."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from shapely.geometry import LineString, Polygon, box
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from ._estates import Estate, EstateSpec, build_estate
from ._geo import (
    HEIGHT,
    ORIGIN_E,
    ORIGIN_N,
    WIDTH,
    Point,
    at,
    catmull_rom,
    offset_point,
    pt,
    resample,
)
from ._model import Way
from ._names import StreetNames
from ._plan import Plan
from ._skeleton import Skeleton, build_skeleton

__all__ = ["VEHICLE", "Network", "build_network", "valence"]

#: ``highway`` values a car can drive along.
VEHICLE = frozenset(
    {"primary", "secondary", "tertiary", "unclassified", "residential", "living_street", "service"}
)

_SPECS = (
    EstateSpec("A", 12.0),
    EstateSpec("B", -10.0),
    EstateSpec("C", 28.0, 88.0),
    EstateSpec("D", 75.0),
    EstateSpec("NE", 4.0),
    EstateSpec("SE", 35.0),
    EstateSpec("S_E", 2.0, 80.0),
)
# Areas each estate keeps out of, with the distance kept, in metres.
_KEEP_OUT: dict[str, tuple[tuple[str, float], ...]] = {
    "A": (("lapwing_park", 15.0),),
    "B": (("school", 15.0),),
    "C": (("meadows_strip", 20.0),),
    "D": (("square", 25.0), ("centre", 15.0)),
    "NE": (("rec", 15.0), ("grass", 15.0)),
}
_NO_THROUGH = ("lapwing_park", "school", "yarrow_meadows", "square", "centre", "rec", "grass")
_FOOTWAY = {"highway": "footway"}


@dataclass
class Network:
    """The built street network and what it was built from.

    Attributes
    ----------
    plan : Plan
        The ways and the tags on way nodes.
    skeleton : Skeleton
        Main roads, blocks and green spaces.
    estates : dict of str to Estate
        The estate built in each block.
    facts : dict
        Streets with a role in the sample (the alley, the living street, one-way streets).
    """

    plan: Plan
    skeleton: Skeleton
    estates: dict[str, Estate]
    facts: dict[str, object] = field(default_factory=dict)


def build_network(rng: random.Random) -> Network:
    """Build the street network of the sample neighbourhood.

    Parameters
    ----------
    rng : random.Random
        Source of every irregularity.

    Returns
    -------
    Network
        Streets, paths and the frame they were built in (speed limits are tagged later).
    """
    plan = Plan()
    sk = build_skeleton(plan, rng)
    names = StreetNames(rng)
    meadows_path = _riverside_paths(plan, sk, rng)
    avoid = unary_union([sk.areas[k] for k in _NO_THROUGH])
    extent = box(ORIGIN_E, ORIGIN_N, ORIGIN_E + WIDTH, ORIGIN_N + HEIGHT)
    estates: dict[str, Estate] = {}
    for spec in _SPECS:
        region = _region(sk, spec.face)
        estate = build_estate(plan, region, spec, sk.main_nodes, avoid, extent, names, rng)
        _estate_ways(plan, estate, spec.face, rng)
        estates[spec.face] = estate
    network = Network(plan, sk, estates)
    _bollard_breaks(plan, rng)
    _connect(plan, sk, avoid)
    _dead_end_footways(plan, avoid, rng)
    _park_paths(plan, sk)
    _meadows_links(plan, sk, meadows_path)
    _service_roads(network, rng)
    _special_streets(network)
    return network


def valence(ways: Iterable[Way]) -> Counter[Point]:
    """Count the way segments meeting at each node (1: dead end, 3 or more: junction).

    Parameters
    ----------
    ways : iterable of Way
        The ways to count.

    Returns
    -------
    collections.Counter
        Segment count by node position.
    """
    count: Counter[Point] = Counter()
    for way in ways:
        for a, b in itertools.pairwise(way.points):
            count[a] += 1
            count[b] += 1
    return count


def _region(sk: Skeleton, face: str) -> BaseGeometry:
    region = sk.faces[face].buffer(-30.0, join_style="mitre")
    for key, distance in _KEEP_OUT.get(face, ()):
        region = region.difference(sk.areas[key].buffer(distance))
    return region


def _estate_ways(plan: Plan, estate: Estate, face: str, rng: random.Random) -> None:
    residential = {"highway": "residential"}
    for points, name in zip(estate.rows, estate.row_names, strict=True):
        for piece in _split_row(points, rng):
            tags = {**residential, "name": name}
            plan.add(piece, tags, name, register=False, block=face)
    for points, name, _ in estate.links:
        tags = {**residential, "name": name} if name else residential
        plan.add(points, tags, name, register=False, block=face)
    for points, name in estate.closes:
        plan.add(points, {**residential, "name": name}, name, register=False, block=face)


def _split_row(points: list[Point], rng: random.Random) -> list[list[Point]]:
    """Split a long street into two ways now and then, as OpenStreetMap mappers do."""
    if len(points) < 10 or rng.random() < 0.5:
        return [points]
    cut = len(points) // 2 + rng.randint(-2, 2)
    return [points[: cut + 1], points[cut:]]


def _riverside_paths(plan: Plan, sk: Skeleton, rng: random.Random) -> list[Point]:
    """A public footpath along the river and a path through Yarrow Meadows down to it.

    Returns
    -------
    list of Point
        The nodes of the path through Yarrow Meadows.
    """
    river = [p for p in sk.lines["river"] if at(70, 0)[0] <= p[0] <= at(890, 0)[0]]
    bank = LineString(river).offset_curve(14.0)
    points = resample(bank, rng, (25.0, 45.0))
    end = min(sk.main_nodes, key=lambda p: math.dist(p, points[-1]))
    points.append(end)
    sk.main_nodes.remove(end)
    tags = {
        "designation": "public_footpath",
        "highway": "path",
        "name": "Yarrow Valley Way",
        "surface": "compacted",
    }
    plan.add(points, tags, "Yarrow Valley Way")
    top = min(sk.lines["primary"], key=lambda p: math.dist(p, at(440, 715)))
    bottom = min(points, key=lambda p: math.dist(p, at(440, 180)))
    control = [top, pt(top[0] + 6, top[1] - 150), pt(bottom[0] - 8, bottom[1] + 200), bottom]
    path = resample(catmull_rom(control), rng, (30.0, 50.0))
    plan.add(path, {**_FOOTWAY, "surface": "asphalt"})
    if top in sk.main_nodes:
        sk.main_nodes.remove(top)
    return path


def _meadows_links(plan: Plan, sk: Skeleton, path: list[Point]) -> None:
    """Footways from the estate on each side of Yarrow Meadows to the path through it."""
    strip = sk.areas["yarrow_meadows"]
    middle = strip.centroid.x
    count = valence(plan.ways)
    streets = [
        p
        for p in _street_nodes(plan, ("residential",))
        if strip.distance(ShapelyPoint(p)) < 60 and count[p] <= 2
    ]
    for side in (-1, 1):
        candidates = [p for p in streets if (p[0] - middle) * side > 0]
        candidates.sort(key=lambda p: (count[p] != 1, strip.distance(ShapelyPoint(p))))
        for node in candidates[:8]:
            join = plan.join(node, path[1:-1], 150.0, clearance=6.0)
            if join:
                plan.add(join, _FOOTWAY)
                break


def _bollard_breaks(plan: Plan, rng: random.Random) -> None:
    """Close three estate streets to through traffic with bollards (a path through)."""
    count = valence(plan.ways)
    candidates = [w for w in plan.ways if w.highway == "residential" and len(w.points) >= 8]
    for way in rng.sample(candidates, min(3, len(candidates))):
        points = way.points
        middle = sorted(range(2, len(points) - 3), key=lambda i: abs(i - len(points) / 2))
        for i in middle:
            a, b = points[i], points[i + 1]
            if count[a] == 2 and count[b] == 2 and math.dist(a, b) >= 30:
                way.points = points[: i + 1]
                plan.add(
                    points[i + 1 :], dict(way.tags), way.street, register=False, block=way.block
                )
                bollard = offset_point(a, b, 0.5, 0.0)
                plan.add([a, bollard, b], _FOOTWAY, register=False)
                plan.node_tags[bollard] = {"barrier": "bollard"}
                break


def _components(ways: list[Way]) -> dict[Point, Point]:
    parent: dict[Point, Point] = {}

    def find(p: Point) -> Point:
        while parent.setdefault(p, p) != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    for way in ways:
        for p in way.points[1:]:
            parent[find(p)] = find(way.points[0])
    return {p: find(p) for p in list(parent)}


def _connect(plan: Plan, sk: Skeleton, avoid: BaseGeometry) -> None:
    """Join every piece of street to the main network, or drop it."""
    while True:
        vehicle = [w for w in plan.ways if w.highway in VEHICLE]
        roots = _components(vehicle)
        main = roots[sk.lines["primary"][0]]
        stray = sorted({r for r in roots.values() if r != main})
        if not stray:
            return
        targets = [p for p, r in roots.items() if r == main]
        members = [p for p, r in roots.items() if r == stray[0]]
        for node in sorted(members, key=lambda p: min(math.dist(p, t) for t in targets)):
            join = plan.join(node, targets, 120.0, avoid=avoid)
            if join:
                plan.add(join, {"highway": "residential"})
                break
        else:
            drop = set(members)
            plan.ways = [w for w in plan.ways if not drop.intersection(w.points)]


def _dead_end_footways(plan: Plan, avoid: BaseGeometry, rng: random.Random) -> None:
    """Link some cul-de-sac ends to the next street with a footway."""
    count = valence(plan.ways)
    nodes: list[tuple[Point, str]] = []
    ends: list[tuple[Point, str]] = []
    for index, way in enumerate(plan.ways):
        if way.highway not in VEHICLE and way.highway not in ("footway", "path"):
            continue
        key = way.street or f"#{index}"
        nodes += [(p, key) for p in way.points]
        if way.highway == "residential":
            ends += [(p, key) for p in (way.points[0], way.points[-1]) if count[p] == 1]
    for end, key in sorted(ends):
        if rng.random() > 0.55:
            continue
        targets = [p for p, k in nodes if k != key and math.dist(p, end) <= 95.0]
        join = plan.join(end, targets, 95.0, clearance=6.0, avoid=avoid)
        if join:
            plan.add(join, _FOOTWAY)
            nodes += [(p, "footway") for p in join]


def _street_nodes(plan: Plan, highways: Iterable[str]) -> list[Point]:
    wanted = set(highways)
    return sorted({p for w in plan.ways if w.highway in wanted for p in w.points})


def _park_paths(plan: Plan, sk: Skeleton) -> None:
    """Paths across Lapwing Park and into Cowslip Recreation Ground."""
    park = sk.areas["lapwing_park"]
    streets = [
        p for p in _street_nodes(plan, ("residential",)) if park.distance(ShapelyPoint(p)) < 70
    ]
    corners = [(c[0], c[1]) for c in park.exterior.coords][:-1]
    centre = pt(park.centroid.x, park.centroid.y)
    west = sorted(streets, key=lambda p: math.dist(p, corners[0]))[:4]
    east = sorted(streets, key=lambda p: math.dist(p, corners[3]))[:4]
    for a in west:
        for b in east:
            path = [a, _inside(park, a), centre, _inside(park, b), b]
            if plan.fits(path, 4.0):
                plan.add(path, {**_FOOTWAY, "surface": "asphalt"})
                return
    rec = sk.areas["rec"]
    start = min(sk.lines["cowslip"], key=lambda p: math.dist(p, at(1455, 1160)))
    play = at(1470, 1240)
    path = [start, at(1458, 1205), at(1462, 1228), play]
    if plan.fits(path, 4.0) and rec.contains(ShapelyPoint(path[-2])):
        plan.add(path, _FOOTWAY)


def _inside(area: Polygon, outside: Point) -> Point:
    """The point 6 m inside ``area`` nearest to ``outside``."""
    edge = area.exterior.interpolate(area.exterior.project(ShapelyPoint(outside)))
    centre = area.centroid
    dx, dy = centre.x - edge.x, centre.y - edge.y
    norm = math.hypot(dx, dy)
    return pt(edge.x + dx / norm * 6.0, edge.y + dy / norm * 6.0)


def _service_roads(network: Network, rng: random.Random) -> None:
    plan, sk = network.plan, network.skeleton
    network.facts["alley"] = _alley(plan, network.estates["A"], rng)
    residential = _street_nodes(plan, ("residential",))
    _car_park_aisle(plan, sk.areas["school"], residential, loop=False)
    _car_park_aisle(plan, sk.areas["centre"], residential, loop=True)
    dam = min(sk.lines["dam"], key=lambda p: math.dist(p, at(1100, 96)))
    plan.add([dam, at(1102, 62), at(1104, 40)], {"access": "private", "highway": "service"})
    square = [(c[0], c[1]) for c in sk.areas["square"].exterior.coords][:-1]
    road = [p for p in sk.lines["secondary_s"] if p != sk.junctions["J"]]
    for a, b in sorted(((a, b) for a in road for b in square), key=lambda ab: math.dist(*ab)):
        if plan.fits([a, b], 3.0):
            plan.add([a, b], {**_FOOTWAY, "surface": "paving_stones"})
            break


def _alley(plan: Plan, estate: Estate, rng: random.Random) -> bool:
    """A one-way back alley between the middle nodes of two neighbouring links."""
    links = [(points, gap) for points, _, gap in estate.links if len(points) == 3]
    for (first, gap), (second, next_gap) in itertools.pairwise(links):
        a, b = first[1], second[1]
        if gap != next_gap or not 70.0 <= math.dist(a, b) <= 190.0:
            continue
        points = resample(LineString([a, b]), rng, (30.0, 45.0))
        if plan.fits(points, 8.0):
            tags = {"highway": "service", "oneway": "yes", "service": "alley"}
            plan.add(points, tags)
            return True
    return False


def _car_park_aisle(plan: Plan, area: Polygon, streets: list[Point], *, loop: bool) -> None:
    centre = area.centroid
    for node in sorted(streets, key=lambda p: centre.distance(ShapelyPoint(p)))[:8]:
        entry = _inside(area, node)
        if not plan.fits([node, entry], 4.0):
            continue
        if not loop:
            inner = pt(
                entry[0] + (centre.x - entry[0]) * 0.6, entry[1] + (centre.y - entry[1]) * 0.6
            )
            plan.add([node, entry, inner], {"highway": "service", "service": "parking_aisle"})
            return
        plan.add([node, entry], {"highway": "service"})
        ring = [entry, *_loop_points(area, entry), entry]
        plan.add(ring, {"highway": "service", "oneway": "yes", "service": "parking_aisle"})
        return


def _loop_points(area: Polygon, entry: Point) -> list[Point]:
    """The corners of a loop inside ``area``, starting after the edge nearest ``entry``."""
    ring = area.buffer(-9.0, join_style="mitre").exterior
    corners = [(c[0], c[1]) for c in ring.coords][:-1]
    along = ring.project(ShapelyPoint(entry))
    travelled, edge = 0.0, 0
    for i, (a, b) in enumerate(itertools.pairwise([*corners, corners[0]])):
        if travelled + math.dist(a, b) >= along:
            edge = i
            break
        travelled += math.dist(a, b)
    ordered = corners[edge + 1 :] + corners[: edge + 1]
    return [pt(*p) for p in ordered]


def _special_streets(network: Network) -> None:
    """One living street in zone A's estate and one one-way link in zone B's estate."""
    plan = network.plan
    closes = {tuple(points) for points, _ in network.estates["A"].closes}
    for way in plan.ways:
        if tuple(way.points) in closes:
            way.tags["highway"] = "living_street"
            network.facts["living_street"] = way.street
            break
    links = {tuple(points) for points, name, _ in network.estates["B"].links if name}
    for way in plan.ways:
        if tuple(way.points) in links:
            way.tags["oneway"] = "yes"
            network.facts["oneway_street"] = way.street
            break
