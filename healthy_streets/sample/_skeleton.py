"""The frame of the neighbourhood: main roads, railway, river, green spaces and the blocks.

Yarrowside is cut into blocks by an A road running west to east (Yarrowgate Road), a B road
running north to south (Moorfield Road), two tertiary roads (Cowslip Lane, Kestrel Road),
the railway along its western edge and the River Yarrow along its southern part. Each block
later gets a residential estate; four of them are the council's 20mph zones.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, field

from shapely.geometry import LineString, Polygon, box
from shapely.geometry import Point as ShapelyPoint
from shapely.ops import polygonize, unary_union

from ._geo import HEIGHT, ORIGIN_E, ORIGIN_N, WIDTH, Point, at, catmull_rom, pt, resample
from ._plan import Plan

__all__ = ["Skeleton", "build_skeleton"]

_PRIMARY = {
    "highway": "primary",
    "lit": "yes",
    "maxspeed": "30 mph",
    "maxspeed:type": "GB:nsl_restricted",
    "name": "Yarrowgate Road",
    "ref": "A674",
    "sidewalk": "both",
}
_SECONDARY = {
    "highway": "secondary",
    "lit": "yes",
    "maxspeed": "30 mph",
    "maxspeed:type": "GB:nsl_restricted",
    "name": "Moorfield Road",
    "ref": "B6228",
    "sidewalk": "both",
}
_TERTIARY = {
    "highway": "tertiary",
    "lit": "yes",
    "maxspeed": "30 mph",
    "maxspeed:type": "GB:nsl_restricted",
    "sidewalk": "both",
}
_RAILWAY = {
    "electrified": "contact_line",
    "gauge": "1435",
    "maxspeed": "75 mph",
    "name": "Manchester to Preston Line",
    "railway": "rail",
    "usage": "main",
}
_BRIDGE = {"bridge": "yes", "layer": "1"}

#: A point inside each block, naming the blocks of the neighbourhood.
_FACE_SEEDS = {
    "A": (400, 1050),
    "B": (1300, 930),
    "NE": (1300, 1290),
    "C": (250, 450),
    "D": (1150, 450),
    "SE": (1600, 450),
    "SW_S": (450, 40),
    "S_M": (1150, 40),
    "S_E": (1650, 40),
}


@dataclass
class Skeleton:
    """The main roads, blocks and green spaces, in British National Grid metres.

    Attributes
    ----------
    lines : dict of str to list of Point
        Node positions of the main roads, railway and river, by role.
    faces : dict of str to Polygon
        The blocks between main roads, railway, river and the edge of the extent.
    areas : dict of str to Polygon
        Parks, school grounds, the pedestrian square and other areas streets keep out of.
    main_nodes : list of Point
        Main-road nodes where a side street may join.
    junctions : dict of str to Point
        Named junction nodes of the main roads.
    """

    lines: dict[str, list[Point]] = field(default_factory=dict)
    faces: dict[str, Polygon] = field(default_factory=dict)
    areas: dict[str, Polygon] = field(default_factory=dict)
    main_nodes: list[Point] = field(default_factory=list)
    junctions: dict[str, Point] = field(default_factory=dict)


def build_skeleton(plan: Plan, rng: random.Random) -> Skeleton:
    """Lay out the main roads, railway, river and green spaces.

    Parameters
    ----------
    plan : Plan
        Receives the ways (roads, railway, waterways, pedestrian square).
    rng : random.Random
        Source of node spacing and of the irregular edges of green spaces.

    Returns
    -------
    Skeleton
        The frame the estates are built in.
    """
    sk = Skeleton()
    river = _river_curve()
    railway = catmull_rom([at(45, 0), at(40, 450), at(33, 900), at(25, HEIGHT)])
    _add_river(plan, sk, river, rng)
    _add_railway(plan, sk, railway, river, rng)
    _add_primary(plan, sk, rng)
    _add_secondary(plan, sk, river, rng)
    _add_tertiaries(plan, sk, river, rng)
    sk.faces = _faces(sk)
    sk.areas = _areas(sk, rng)
    _add_pedestrian_square(plan, sk)
    sk.main_nodes = _main_nodes(sk)
    return sk


def _river_curve() -> LineString:
    points = []
    for i in range(0, int(WIDTH) + 1, 10):
        x = float(i)
        y = (
            175
            + 40 * math.sin(2 * math.pi * x / 650 + 0.6)
            + 15 * math.sin(2 * math.pi * x / 260 + 2.0)
        )
        points.append(at(x, y))
    return LineString(points)


def _crossing(line: LineString, other: LineString) -> float:
    """Return the distance along ``line`` where it crosses ``other``."""
    where = line.intersection(other)
    return line.project(ShapelyPoint(where.coords[0]))


def _node_at(line: LineString, distance: float) -> Point:
    return pt(*line.interpolate(distance).coords[0])


def _split(points: list[Point], cuts: set[Point]) -> list[list[Point]]:
    """Split a node list into ways at the given interior nodes."""
    pieces: list[list[Point]] = [[points[0]]]
    for p in points[1:]:
        pieces[-1].append(p)
        if p in cuts and p != points[-1]:
            pieces.append([p])
    return pieces


def _bridge_ends(crossing: float, half: float) -> tuple[float, float]:
    return (crossing - half, crossing + half)


def _add_river(plan: Plan, sk: Skeleton, river: LineString, rng: random.Random) -> None:
    nodes = resample(river, rng, (18.0, 32.0))
    sk.lines["river"] = nodes
    middle = len(nodes) // 2
    for piece in (nodes[: middle + 1], nodes[middle:]):
        plan.add(piece, {"name": "River Yarrow", "waterway": "river"})
    mouth = min(nodes, key=lambda p: abs(p[0] - (ORIGIN_E + 700)))
    stream = catmull_rom([at(640, 0), at(668, 40), at(652, 80), mouth])
    points = resample(stream, rng, (18.0, 28.0))
    points[-1] = mouth
    plan.add(points, {"name": "Tanyard Brook", "waterway": "stream"})


def _add_railway(
    plan: Plan, sk: Skeleton, railway: LineString, river: LineString, rng: random.Random
) -> None:
    ends = _bridge_ends(_crossing(railway, river), 15.0)
    nodes = resample(railway, rng, (30.0, 60.0), ends)
    sk.lines["railway"] = nodes
    bridge = {_node_at(railway, d) for d in ends}
    for piece in _split(nodes, bridge):
        tags = dict(_RAILWAY)
        if set(piece) == bridge:
            tags.update(_BRIDGE)
        plan.add(piece, tags)


def _add_primary(plan: Plan, sk: Skeleton, rng: random.Random) -> None:
    control = [at(0, 640), at(300, 690), at(600, 730), at(870, 760), at(1150, 745)]
    control += [at(1400, 760), at(1650, 800), at(WIDTH, 830)]
    line = catmull_rom(control)
    ends = _bridge_ends(_crossing(line, LineString(sk.lines["railway"])), 14.0)
    marks = {
        "J": line.project(ShapelyPoint(at(870, 760))),
        "K": line.project(ShapelyPoint(at(1420, 765))),
        "forty": line.project(ShapelyPoint(at(1530, 780))),
    }
    nodes = resample(line, rng, (30.0, 60.0), [*ends, *marks.values()])
    sk.lines["primary"] = nodes
    for key in ("J", "K"):
        sk.junctions[key] = _node_at(line, marks[key])
    bridge = {_node_at(line, d) for d in ends}
    forty = _node_at(line, marks["forty"])
    cuts = bridge | {sk.junctions["J"], sk.junctions["K"], forty}
    cuts.add(nodes[len(nodes) // 3])
    east = False
    for piece in _split(nodes, cuts):
        tags = dict(_PRIMARY)
        if set(piece) == bridge:
            tags.update(_BRIDGE)
        if piece[0] == forty:
            east = True
        if east:
            tags.update({"maxspeed": "40 mph", "sidewalk": "left", "source:maxspeed": "sign"})
            del tags["maxspeed:type"]
        plan.add(piece, tags)


def _add_secondary(plan: Plan, sk: Skeleton, river: LineString, rng: random.Random) -> None:
    junction = sk.junctions["J"]
    north = catmull_rom([at(820, HEIGHT), at(838, 1180), at(852, 980), junction])
    mark_c = north.project(ShapelyPoint(at(845, 1120)))
    north_nodes = resample(north, rng, (30.0, 60.0), [mark_c])
    sk.junctions["C"] = _node_at(north, mark_c)
    south = catmull_rom([junction, at(885, 560), at(905, 350), at(930, 170), at(950, 0)])
    ends = _bridge_ends(_crossing(south, river), 12.0)
    mark_d = south.project(ShapelyPoint(at(945, 70)))
    south_nodes = resample(south, rng, (30.0, 60.0), [*ends, mark_d])
    sk.junctions["D"] = _node_at(south, mark_d)
    sk.lines["secondary_n"] = north_nodes
    sk.lines["secondary_s"] = south_nodes
    bridge = {_node_at(south, d) for d in ends}
    pieces = _split(north_nodes, {sk.junctions["C"]})
    pieces += _split(south_nodes, bridge | {sk.junctions["D"]})
    for piece in pieces:
        tags = dict(_SECONDARY)
        if set(piece) == bridge:
            tags.update(_BRIDGE)
        plan.add(piece, tags)


def _add_tertiaries(plan: Plan, sk: Skeleton, river: LineString, rng: random.Random) -> None:
    start = sk.junctions["C"]
    cowslip = catmull_rom([start, at(1100, 1135), at(1400, 1150), at(WIDTH, 1180)])
    nodes = resample(cowslip, rng, (30.0, 60.0))
    sk.lines["cowslip"] = nodes
    for piece in _split(nodes, {nodes[len(nodes) // 2]}):
        plan.add(piece, {**_TERTIARY, "name": "Cowslip Lane"})
    kestrel = catmull_rom([sk.junctions["K"], at(1430, 520), at(1445, 260), at(1460, 0)])
    ends = _bridge_ends(_crossing(kestrel, river), 12.0)
    nodes = resample(kestrel, rng, (30.0, 60.0), ends)
    sk.lines["kestrel"] = nodes
    bridge = {_node_at(kestrel, d) for d in ends}
    for piece in _split(nodes, bridge):
        tags = {**_TERTIARY, "name": "Kestrel Road"}
        if set(piece) == bridge:
            tags.update(_BRIDGE)
        plan.add(piece, tags)
    dam = catmull_rom([sk.junctions["D"], at(1060, 88), at(1180, 100), at(1235, 96)])
    nodes = resample(dam, rng, (30.0, 50.0))
    sk.lines["dam"] = nodes
    plan.add(
        nodes, {"highway": "unclassified", "name": "Dam Lane", "surface": "asphalt", "lit": "yes"}
    )


def _faces(sk: Skeleton) -> dict[str, Polygon]:
    keys = ("railway", "river", "primary", "secondary_n", "secondary_s", "cowslip", "kestrel")
    lines = [LineString(sk.lines[k]) for k in keys]
    extent = box(ORIGIN_E, ORIGIN_N, ORIGIN_E + WIDTH, ORIGIN_N + HEIGHT)
    polygons = list(polygonize(unary_union([*lines, extent.boundary])))
    faces: dict[str, Polygon] = {}
    for key, (x, y) in _FACE_SEEDS.items():
        seed = ShapelyPoint(at(x, y))
        faces[key] = next(p for p in polygons if p.contains(seed))
    return faces


def _wobbly_strip(rng: random.Random, west: float, east: float) -> Polygon:
    left = [at(west + rng.uniform(-8, 8), y) for y in range(-60, int(HEIGHT) + 61, 90)]
    right = [at(east + rng.uniform(-8, 8), y) for y in range(-60, int(HEIGHT) + 61, 90)]
    return Polygon([*left, *reversed(right)])


def _ring(*xy: tuple[float, float]) -> Polygon:
    return Polygon([at(x, y) for x, y in xy])


def _areas(sk: Skeleton, rng: random.Random) -> dict[str, Polygon]:
    strip = _wobbly_strip(rng, 380, 500)
    meadows = strip.intersection(sk.faces["C"].buffer(-12, join_style="mitre"))
    return {
        "lapwing_park": _ring((290, 1120), (372, 1128), (455, 1135), (450, 1250), (300, 1240)),
        "meadows_strip": strip,
        "yarrow_meadows": meadows,
        "school": _ring((1110, 960), (1260, 965), (1255, 1065), (1115, 1060)),
        "square": _ring((905, 688), (948, 691), (946, 722), (903, 719)),
        "centre": _ring((1180, 560), (1245, 562), (1243, 612), (1178, 609)),
        "rec": _ring((1450, 1215), (1640, 1215), (1640, 1325), (1640, 1360), (1450, 1355)),
        "grass": _ring((1640, 1215), (1760, 1220), (1760, 1320), (1640, 1325)),
        "playground": _ring((1470, 1240), (1512, 1240), (1512, 1274), (1470, 1274)),
        "allotments": _ring((1010, 22), (1190, 30), (1196, 72), (1015, 66)),
    }


def _add_pedestrian_square(plan: Plan, sk: Skeleton) -> None:
    ring = [(c[0], c[1]) for c in sk.areas["square"].exterior.coords]
    tags = {
        "area": "yes",
        "highway": "pedestrian",
        "name": "Moorfield Square",
        "surface": "paving_stones",
    }
    plan.add(ring, tags)


def _main_nodes(sk: Skeleton) -> list[Point]:
    """Main-road nodes away from junctions and bridges, where side streets may join."""
    keys = ("primary", "secondary_n", "secondary_s", "cowslip", "kestrel")
    avoid = list(sk.junctions.values())
    for key in ("primary", "secondary_s", "kestrel"):
        nodes = sk.lines[key]
        for a, b in itertools.pairwise(nodes):
            if math.dist(a, b) < 31 and _is_bridge(a, b, sk):
                avoid += [a, b]
    found = []
    for key in keys:
        for p in sk.lines[key][1:-1]:
            if all(math.dist(p, q) > 25 for q in avoid):
                found.append(p)
    return found


def _is_bridge(a: Point, b: Point, sk: Skeleton) -> bool:
    segment = LineString([a, b])
    return segment.intersects(LineString(sk.lines["river"])) or segment.intersects(
        LineString(sk.lines["railway"])
    )
