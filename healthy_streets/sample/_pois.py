"""OpenStreetMap point features: benches, bins, trees, bus stops, crossings and amenities."""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Callable

from shapely.geometry import Point as ShapelyPoint
from shapely.geometry import Polygon

from ._geo import Point, offset_point, pt
from ._model import Feature, Relation, Way, World, Zone
from ._skeleton import Skeleton
from ._speeds import street_zones
from ._streets import Network, valence

__all__ = ["add_features"]

_BENCH = {"amenity": "bench"}
_DOG_BIN = {"amenity": "waste_basket", "waste": "dog_excrement"}
_CROSSINGS = (
    ("primary", ("traffic_signals", "zebra", "traffic_signals", "zebra")),
    ("secondary", ("zebra", "traffic_signals", "uncontrolled")),
    ("tertiary", ("zebra", "uncontrolled")),
    ("residential", ("uncontrolled", "uncontrolled", "uncontrolled")),
)
_TREES: tuple[dict[str, str], ...] = (
    {"genus": "Tilia", "leaf_type": "broadleaved"},
    {"genus": "Acer", "leaf_type": "broadleaved"},
    {"genus": "Sorbus", "leaf_type": "broadleaved"},
    {"genus": "Prunus", "leaf_type": "broadleaved"},
    {"leaf_type": "broadleaved"},
    {},
)


def add_features(world: World, net: Network, zones: list[Zone], rng: random.Random) -> None:
    """Place the sample's point features and the bus route.

    Parameters
    ----------
    world : World
        Receives the features, the tags on crossing nodes and the bus route relation; its
        ways must already hold the street network.
    net : Network
        The street network and the frame it was built in.
    zones : list of Zone
        The council's zones (bins and street trees go mostly inside them).
    rng : random.Random
        Source of positions and choices.
    """
    streets = [w for w in world.ways if w.highway in ("residential", "living_street")]
    where = dict(zip(map(id, streets), street_zones(streets, zones), strict=True))
    placer = _Placer(world, rng)

    def in_zones(*keys: str) -> list[Way]:
        return [w for w in streets if where[id(w)] in keys]

    _amenities(world, net.skeleton, placer, streets)
    _bus_stops(world, net.skeleton, placer, streets)
    _crossings(world, net, rng)
    for key, count in (("A", 5), ("B", 2), ("C", 1), ("", 2)):
        for i in range(count):
            tags = {**_DOG_BIN, "vending": "excrement_bags"} if i % 2 == 0 else dict(_DOG_BIN)
            placer.beside(in_zones(key), tags)
    for _ in range(8):
        placer.beside(streets, {"amenity": "waste_basket"})
    for _ in range(16):
        placer.beside(streets, {**_BENCH, "backrest": rng.choice(("yes", "no"))})
    for name in ("lapwing_park", "yarrow_meadows", "rec"):
        for _ in range(3):
            placer.inside(net.skeleton.areas[name], {**_BENCH, "backrest": "yes"})
    for _ in range(40):
        placer.beside(in_zones("A", "C", "B"), {"natural": "tree", **rng.choice(_TREES)}, (4, 7))
    for name in ("lapwing_park", "yarrow_meadows", "rec", "grass"):
        for _ in range(5):
            placer.inside(net.skeleton.areas[name], {"natural": "tree", **rng.choice(_TREES)})


class _Placer:
    """Put features beside streets or inside areas, never on top of a street."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng

    def add(self, point: Point, tags: dict[str, str]) -> Feature:
        feature = Feature(point, dict(tags))
        self.world.features.append(feature)
        return feature

    def beside(
        self, ways: list[Way], tags: dict[str, str], offset: tuple[float, float] = (5.0, 9.0)
    ) -> Feature:
        segments = [(a, b) for w in ways for a, b in itertools.pairwise(w.points)]
        cumulative = list(itertools.accumulate(math.dist(a, b) for a, b in segments))
        pick = bisect.bisect(cumulative, self.rng.random() * cumulative[-1])
        a, b = segments[min(pick, len(segments) - 1)]
        side = self.rng.uniform(*offset) * self.rng.choice((-1.0, 1.0))
        return self.add(offset_point(a, b, self.rng.uniform(0.15, 0.85), side), tags)

    def inside(self, area: Polygon, tags: dict[str, str]) -> Feature:
        inner = area.buffer(-5.0)
        minx, miny, maxx, maxy = inner.bounds
        while True:
            point = pt(self.rng.uniform(minx, maxx), self.rng.uniform(miny, maxy))
            if inner.contains(ShapelyPoint(point)):
                return self.add(point, tags)


def _nearest_street(point: Point, streets: list[Way]) -> str:
    named = [w for w in streets if w.tags.get("name")]
    best = min(named, key=lambda w: w.line.distance(ShapelyPoint(point)))
    return best.tags["name"]


def _amenities(world: World, sk: Skeleton, placer: _Placer, streets: list[Way]) -> None:
    square = sk.areas["square"].centroid
    around = [(-30.0, 8.0), (30.0, 12.0), (-12.0, -32.0), (26.0, -30.0), (0.0, 34.0)]
    shops = [
        {"amenity": "cafe", "name": "The Bobbin Café"},
        {
            "amenity": "pharmacy",
            "dispensing": "yes",
            "healthcare": "pharmacy",
            "name": "Moorfield Pharmacy",
        },
        {"amenity": "library", "name": "Yarrowside Library"},
        {"amenity": "doctors", "healthcare": "doctor", "name": "Yarrowside Medical Centre"},
        {"name": "Moorfield Stores", "shop": "convenience"},
    ]
    for (dx, dy), tags in zip(around, shops, strict=True):
        placer.add(pt(square.x + dx, square.y + dy), tags)
    centre = sk.areas["centre"]
    placer.add(
        pt(centre.centroid.x, centre.bounds[3] + 14.0),
        {"amenity": "community_centre", "name": "Yarrowside Community Centre"},
    )
    church_road = [p for p in sk.lines["secondary_n"] if p[1] < sk.junctions["C"][1]]
    a, b = church_road[len(church_road) // 2], church_road[len(church_road) // 2 + 1]
    placer.add(
        offset_point(a, b, 0.5, 22.0),
        {
            "amenity": "place_of_worship",
            "denomination": "methodist",
            "name": "Moorfield Methodist Church",
            "religion": "christian",
        },
    )
    for area in ("lapwing_park", "yarrow_meadows"):
        name = "Lapwing Park Playground" if area == "lapwing_park" else "Meadows Play Area"
        placer.inside(sk.areas[area], {"leisure": "playground", "name": name})
    _outside_school(world, placer, streets)


def _outside_school(world: World, placer: _Placer, streets: list[Way]) -> None:
    """The primary school beside the 20 mph street outside the zones."""
    names = world.facts["twenty_outside_zones"]
    assert isinstance(names, list)
    street = [w for w in streets if w.street == names[0]]
    longest = max(street, key=lambda w: w.line.length)
    middle = len(longest.points) // 2
    point = offset_point(longest.points[middle - 1], longest.points[middle], 0.5, 18.0)
    school = f"{names[0].split()[0]} Primary School"
    placer.add(point, {"amenity": "school", "isced:level": "1", "name": school})
    world.facts["school_outside_zones"] = school


def _bus_stops(world: World, sk: Skeleton, placer: _Placer, streets: list[Way]) -> None:
    stops: list[Feature] = []
    for road, fractions in (("primary", (0.2, 0.45, 0.62, 0.85)), ("secondary_s", (0.3, 0.7))):
        nodes = sk.lines[road]
        for k, fraction in enumerate(fractions):
            i = int(fraction * (len(nodes) - 1))
            side = 7.0 if k % 2 == 0 else -7.0
            point = offset_point(nodes[i], nodes[i + 1], 0.5, side)
            road_name = "Yarrowgate Road" if road == "primary" else "Moorfield Road"
            tags = {
                "bench": "yes" if k % 2 == 0 else "no",
                "bus": "yes",
                "highway": "bus_stop",
                "naptan:AtcoCode": f"2500IMG{4100 + len(stops) * 7}",
                "name": f"{road_name} / {_nearest_street(point, streets)}",
                "public_transport": "platform",
                "shelter": "yes" if k < 2 else "no",
            }
            stops.append(placer.add(point, tags))
    primary = [w for w in world.ways if w.highway == "primary"]
    members: list[tuple[Way | Feature, str]] = [(w, "") for w in primary]
    members += [(s, "platform") for s in stops[:4]]
    tags = {
        "name": "7: Chorley – Brinscall",
        "network": "Lancashire",
        "public_transport:version": "2",
        "ref": "7",
        "route": "bus",
        "type": "route",
    }
    world.relations.append(Relation(members, tags))


def _crossings(world: World, net: Network, rng: random.Random) -> None:
    """Tag crossings on street nodes, signals and a mini roundabout on junction nodes."""
    count = valence(world.highways())
    sk = net.skeleton
    world.node_tags[sk.junctions["J"]] = {"highway": "traffic_signals"}
    world.node_tags[sk.junctions["K"]] = {"highway": "mini_roundabout"}
    for highway, kinds in _CROSSINGS:
        nodes = _plain_nodes(world, highway, count, lambda p: p in world.node_tags)
        for kind, node in zip(kinds, rng.sample(nodes, len(kinds)), strict=True):
            tags = {"crossing": kind, "highway": "crossing"}
            if kind == "zebra":
                tags["crossing_ref"] = "zebra"
            world.node_tags[node] = tags


def _plain_nodes(
    world: World, highway: str, count: dict[Point, int], taken: Callable[[Point], bool]
) -> list[Point]:
    """Nodes inside ways of one class that are not junctions, bridge ends or tagged."""
    found = set()
    for way in world.ways:
        if way.highway != highway or "bridge" in way.tags:
            continue
        for p in way.points[1:-1]:
            if count[p] == 2 and not taken(p):
                found.add(p)
    return sorted(found)
