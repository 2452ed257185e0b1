"""The tile a synthetic county repeats: the sample neighbourhood's OSM data, in metres.

The sample (``data/sample/yarrowside.osm``) has streets, footways, a railway, a river,
parks, school grounds and point features, but no buildings. Buildings are added here once,
as candidate house footprints along both sides of the residential streets (kept clear of
streets, railway, water, green spaces and each other); each tile of the county draws its
own subset of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import osmium
import shapely
from pyproj import Transformer

from ._layout import HOUSE_NODE_BASE as HOUSE_NODE_LIMIT
from ._layout import SHAPE_NODE_BASE

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
TO_BNG = Transformer.from_crs(4326, 27700, always_xy=True)
TO_LONLAT = Transformer.from_crs(27700, 4326, always_xy=True)

#: Streets that get houses along them, with the setback of the house fronts (metres).
HOUSE_STREETS = {"residential": 7.0, "living_street": 6.0, "unclassified": 8.0, "tertiary": 9.0}
HOUSE_WIDTH_M, HOUSE_DEPTH_M, HOUSE_SPACING_M = 8.5, 9.0, 13.0
#: Streets get shape points so that no stretch between nodes is longer than this: the
#: sample's are about 40 m, a real extract's curving streets have nodes every 10-20 m.
SHAPE_POINT_M = 15.0


@dataclass
class Way:
    """One way of the tile: local id, node ids (local), tags."""

    id: int
    nodes: list[int]
    tags: dict[str, str]


@dataclass
class Relation:
    """One relation of the tile: local id, members (type, local ref, role), tags."""

    id: int
    members: list[tuple[str, int, str]]
    tags: dict[str, str]


@dataclass
class BaseTile:
    """The sample's OSM data in British National Grid metres, plus house candidates.

    ``node_ids``, ``node_x``, ``node_y`` are parallel arrays in id order; ``node_tags`` holds
    the tags of the nodes that have any. ``houses`` are candidate footprints (4 corners
    each, in metres) with the local id of the street they face.
    """

    node_ids: np.ndarray
    node_x: np.ndarray
    node_y: np.ndarray
    node_tags: dict[int, dict[str, str]]
    ways: list[Way]
    relations: list[Relation]
    houses: np.ndarray = field(default_factory=lambda: np.empty((0, 4, 2)))
    house_streets: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    pond: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))

    @property
    def street_ways(self) -> list[Way]:
        return [w for w in self.ways if "highway" in w.tags]

    def way(self, wid: int) -> Way:
        return next(w for w in self.ways if w.id == wid)


@cache
def base_tile() -> BaseTile:
    """Read the sample once and add the candidate houses and a pond."""
    ids, lons, lats, tags = [], [], [], {}
    ways, relations = [], []
    for obj in osmium.FileProcessor(str(SAMPLE / "yarrowside.osm")):
        if obj.is_node():
            ids.append(obj.id)
            lons.append(obj.location.lon)
            lats.append(obj.location.lat)
            if len(obj.tags):
                tags[obj.id] = dict(obj.tags)
        elif obj.is_way():
            ways.append(Way(obj.id, [n.ref for n in obj.nodes], dict(obj.tags)))
        elif obj.is_relation():
            members = [(m.type, m.ref, m.role) for m in obj.members]
            relations.append(Relation(obj.id, members, dict(obj.tags)))
    order = np.argsort(ids)
    x, y = TO_BNG.transform(np.asarray(lons)[order], np.asarray(lats)[order])
    tile = BaseTile(np.asarray(ids)[order], np.asarray(x), np.asarray(y), tags, ways, relations)
    _add_shape_points(tile)
    tile.pond = _pond(tile)
    tile.houses, tile.house_streets = _houses(tile)
    return tile


def _add_shape_points(tile: BaseTile) -> None:
    """Put nodes along the streets every :data:`SHAPE_POINT_M` at most (ids from
    :data:`SHAPE_NODE_BASE`), as a real extract's streets have."""
    new_x: list[float] = []
    new_y: list[float] = []
    for way in tile.street_ways:
        index = np.searchsorted(tile.node_ids, way.nodes)
        xs, ys = tile.node_x[index], tile.node_y[index]
        nodes = [way.nodes[0]]
        for k in range(1, len(way.nodes)):
            steps = int(np.ceil(np.hypot(xs[k] - xs[k - 1], ys[k] - ys[k - 1]) / SHAPE_POINT_M))
            for f in np.arange(1, steps) / max(steps, 1):
                nodes.append(SHAPE_NODE_BASE + len(new_x))
                new_x.append(float(xs[k - 1] + f * (xs[k] - xs[k - 1])))
                new_y.append(float(ys[k - 1] + f * (ys[k] - ys[k - 1])))
            nodes.append(way.nodes[k])
        way.nodes = nodes
    if SHAPE_NODE_BASE + len(new_x) > HOUSE_NODE_LIMIT:
        raise ValueError("Too many shape points for the id range.")
    tile.node_ids = np.concatenate([tile.node_ids, SHAPE_NODE_BASE + np.arange(len(new_x))])
    tile.node_x = np.concatenate([tile.node_x, new_x])
    tile.node_y = np.concatenate([tile.node_y, new_y])


def _line(tile: BaseTile, way: Way) -> shapely.LineString:
    index = np.searchsorted(tile.node_ids, way.nodes)
    return shapely.LineString(np.column_stack([tile.node_x[index], tile.node_y[index]]))


def _pond(tile: BaseTile) -> np.ndarray:
    """A small pond in the largest park (its outline, closed)."""
    parks = [w for w in tile.ways if w.tags.get("leisure") == "park"]
    biggest = max((shapely.Polygon(_line(tile, w)) for w in parks), key=lambda p: p.area)
    centre = biggest.point_on_surface()
    pond = centre.buffer(22, quad_segs=3)
    return np.asarray(pond.exterior.coords)


def _houses(tile: BaseTile) -> tuple[np.ndarray, np.ndarray]:
    """Candidate house footprints along both sides of the residential streets, clear of
    every way's line (buffered), of areas that are not residential, and of each other."""
    keep_clear = []
    for way in tile.ways:
        line = _line(tile, way)
        closed = way.nodes[0] == way.nodes[-1] and len(way.nodes) > 3
        if closed and way.tags.get("landuse") != "residential":
            keep_clear.append(shapely.Polygon(line).buffer(2))
        elif not closed:
            width = 4.5 if way.tags.get("highway") in HOUSE_STREETS else 3.0
            keep_clear.append(line.buffer(width))
    keep_clear.append(shapely.Polygon(tile.pond).buffer(3))
    blocked = shapely.STRtree(keep_clear)
    corners, streets = [], []
    for way in tile.ways:
        setback = HOUSE_STREETS.get(way.tags.get("highway", ""))
        if setback is None:
            continue
        line = _line(tile, way)
        for along in np.arange(HOUSE_SPACING_M / 2, line.length, HOUSE_SPACING_M):
            a, b = (
                line.interpolate(max(0.0, along - 1)),
                line.interpolate(min(line.length, along + 1)),
            )
            direction = np.array([b.x - a.x, b.y - a.y])
            norm = float(np.hypot(*direction))
            if norm == 0:
                continue
            u = direction / norm
            n = np.array([-u[1], u[0]])
            centre = np.array(line.interpolate(along).coords[0])
            for side in (1.0, -1.0):
                front = centre + side * n * setback
                back = front + side * n * HOUSE_DEPTH_M
                half = u * HOUSE_WIDTH_M / 2
                corners.append([front - half, front + half, back + half, back - half])
                streets.append(way.id)
    boxes = shapely.polygons(np.asarray(corners))
    clear = ~np.isin(np.arange(len(boxes)), blocked.query(boxes, predicate="intersects")[0])
    boxes, keep = boxes[clear], np.flatnonzero(clear)
    tree = shapely.STRtree(boxes)
    taken = np.zeros(len(boxes), dtype=bool)
    for i, box in enumerate(boxes):
        hits = tree.query(box.buffer(0.5), predicate="intersects")
        if not taken[hits[hits < i]].any():
            taken[i] = True
    chosen = keep[taken]
    return np.asarray(corners)[chosen], np.asarray(streets)[chosen]
