"""The county's OpenStreetMap extract: the sample tiled with fresh ids, plus buildings.

Each tile is the sample neighbourhood moved by whole kilometres (in British National
Grid), its street names renamed (a per-tile shuffle of the names' first words, so names
stay unique within a town and repeat across the county as real ones do; A and B roads keep
theirs), with its own subset of house footprints (whole streets built up in a per-tile
order), a pond in its largest park and farmland in the gap to its east. Neighbouring tiles
are joined by the A road (eastwards, national speed limit) and the B road (northwards,
40 mph). Written as ``.osm.pbf`` and ``.osm`` XML at once, nodes then ways then
relations, each in id order (as extracts are).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import osmium

from ._base import TO_LONLAT, BaseTile, Way, base_tile
from ._layout import (
    COLUMNS,
    EXTRA_NODE_BASE,
    EXTRA_WAY_BASE,
    HOUSE_NODE_BASE,
    HOUSE_WAY_BASE,
    NODE_STRIDE,
    RELATION_STRIDE,
    WAY_STRIDE,
    Tile,
)

TIMESTAMP = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)
#: The sample's nodes where the tiles join: the A road's west and east ends, the B
#: road's south and north ends.
A_WEST, A_EAST, B_SOUTH, B_NORTH = 121, 165, 198, 166
BUILDING_KINDS = ("house", "semidetached_house", "detached", "terrace", "yes")
BUILDING_SHARES = (0.5, 0.2, 0.1, 0.1, 0.1)
_STRIDES = {"n": NODE_STRIDE, "w": WAY_STRIDE, "r": RELATION_STRIDE}


def write_osm(
    tiles: Sequence[Tile], houses_per_tile: np.ndarray, paths: Sequence[Path], *, seed: int
) -> dict[str, int]:
    """Write the county to every path in ``paths`` (the suffix picks the format); return
    counts of what was written."""
    base = base_tile()
    plans = [
        _TilePlan(base, tile, int(n), seed) for tile, n in zip(tiles, houses_per_tile, strict=True)
    ]
    header = osmium.io.Header()
    header.set("generator", "healthy_streets county benchmark")
    lon, lat = _bounds(plans)
    header.add_box(
        osmium.osm.Box(osmium.osm.Location(lon[0], lat[0]), osmium.osm.Location(lon[1], lat[1]))
    )
    writers = [osmium.SimpleWriter(str(p), header=header, overwrite=True) for p in paths]
    counts = {"nodes": 0, "ways": 0, "street_ways": 0, "buildings": 0, "relations": 0}
    try:
        for plan in plans:
            for node in plan.nodes():
                counts["nodes"] += 1
                for writer in writers:
                    writer.add_node(node)
        present = {tile.number for tile in tiles}
        for plan in plans:
            for way in plan.ways(present):
                counts["ways"] += 1
                counts["street_ways"] += "highway" in way.tags
                counts["buildings"] += "building" in way.tags
                for writer in writers:
                    writer.add_way(way)
        for plan in plans:
            for relation in plan.relations():
                counts["relations"] += 1
                for writer in writers:
                    writer.add_relation(relation)
    finally:
        for writer in writers:
            writer.close()
    return counts


def _bounds(plans: Sequence[_TilePlan]) -> tuple[tuple[float, float], tuple[float, float]]:
    lons = np.concatenate([p.lon for p in plans])
    lats = np.concatenate([p.lat for p in plans])
    return (float(lons.min()), float(lons.max())), (float(lats.min()), float(lats.max()))


def _first_words(base: BaseTile) -> list[str]:
    names = {w.tags.get("name") for w in base.street_ways if "ref" not in w.tags}
    return sorted({name.split()[0] for name in names if name and " " in name})


class _TilePlan:
    """Everything one tile writes, with its ids, coordinates and names decided."""

    def __init__(self, base: BaseTile, tile: Tile, houses: int, seed: int) -> None:
        self.base, self.tile = base, tile
        rng = np.random.default_rng([seed, 1, tile.number])
        words = _first_words(base)
        self.rename = dict(zip(words, rng.permutation(words), strict=True))
        order = rng.permutation(np.unique(base.house_streets))
        rank = np.argsort(order)[np.searchsorted(np.unique(base.house_streets), base.house_streets)]
        self.house_index = np.argsort(rank, kind="stable")[:houses]
        self.kinds = rng.choice(len(BUILDING_KINDS), size=len(self.house_index), p=BUILDING_SHARES)
        self.addressed = rng.random(len(self.house_index)) < 0.35
        pond, farm = base.pond[:-1], self._farmland()
        x = np.concatenate([base.node_x, base.houses[self.house_index].reshape(-1, 2)[:, 0]])
        y = np.concatenate([base.node_y, base.houses[self.house_index].reshape(-1, 2)[:, 1]])
        x = np.concatenate([x, pond[:, 0], farm[:, 0]]) + tile.dx
        y = np.concatenate([y, pond[:, 1], farm[:, 1]]) + tile.dy
        self.lon, self.lat = (np.round(v, 7) for v in TO_LONLAT.transform(x, y))
        n_houses = len(self.house_index) * 4
        self.ids = (
            np.concatenate(
                [
                    base.node_ids,
                    HOUSE_NODE_BASE + np.arange(n_houses),
                    EXTRA_NODE_BASE + np.arange(len(pond) + len(farm)),
                ]
            )
            + tile.number * NODE_STRIDE
        )
        self.pond_ids = self.ids[len(base.node_ids) + n_houses :][: len(pond)]
        self.farm_ids = self.ids[len(base.node_ids) + n_houses + len(pond) :]

    def _farmland(self) -> np.ndarray:
        right = float(self.base.node_x.max())
        bottom, top = float(self.base.node_y.min()), float(self.base.node_y.max())
        return np.array(
            [[right + 25, bottom], [right + 175, bottom], [right + 175, top], [right + 25, top]]
        )

    def node_id(self, local: int, tile_number: int | None = None) -> int:
        number = self.tile.number if tile_number is None else tile_number
        return number * NODE_STRIDE + local

    def nodes(self) -> Iterator[osmium.osm.mutable.Node]:
        tags = self.base.node_tags
        for i, node_id in enumerate(self.ids.tolist()):
            local = node_id - self.tile.number * NODE_STRIDE
            yield osmium.osm.mutable.Node(
                id=node_id,
                location=(float(self.lon[i]), float(self.lat[i])),
                tags=tags.get(local, {}),
                version=1,
                timestamp=TIMESTAMP,
            )

    def _way(
        self, local: int, nodes: Sequence[int], tags: dict[str, str]
    ) -> osmium.osm.mutable.Way:
        return osmium.osm.mutable.Way(
            id=self.tile.number * WAY_STRIDE + local,
            nodes=list(nodes),
            tags=tags,
            version=1,
            timestamp=TIMESTAMP,
        )

    def _tags(self, way: Way) -> dict[str, str]:
        tags = dict(way.tags)
        name = tags.get("name")
        if "highway" in tags and name and "ref" not in tags and " " in name:
            first, rest = name.split(" ", 1)
            tags["name"] = f"{self.rename.get(first, first)} {rest}"
        return tags

    def ways(self, present: set[int]) -> Iterator[osmium.osm.mutable.Way]:
        base, number = self.base, self.tile.number
        for way in base.ways:
            yield self._way(way.id, [self.node_id(n) for n in way.nodes], self._tags(way))
        numbers: dict[int, int] = {}
        for k, house in enumerate(self.house_index.tolist()):
            street = base.way(int(base.house_streets[house]))
            first = self.node_id(HOUSE_NODE_BASE + 4 * k)
            tags = {"building": BUILDING_KINDS[self.kinds[k]]}
            if self.addressed[k] and "name" in street.tags:
                numbers[street.id] = numbers.get(street.id, 0) + 1
                tags["addr:street"] = self._tags(street)["name"]
                tags["addr:housenumber"] = str(numbers[street.id])
            yield self._way(HOUSE_WAY_BASE + k, [*range(first, first + 4), first], tags)
        pond = self.pond_ids.tolist()
        yield self._way(EXTRA_WAY_BASE, [*pond, pond[0]], {"natural": "water", "water": "pond"})
        farm = self.farm_ids.tolist()
        yield self._way(EXTRA_WAY_BASE + 1, [*farm, farm[0]], {"landuse": "farmland"})
        east, north = number + 1, number + COLUMNS
        if (number + 1) % COLUMNS and east in present:
            a_road = dict(base.way(13).tags)
            a_road.update({"maxspeed": "60 mph", "maxspeed:type": "GB:nsl_single", "lit": "no"})
            a_road.pop("source:maxspeed", None)
            a_road.pop("sidewalk", None)
            yield self._way(
                EXTRA_WAY_BASE + 2, [self.node_id(A_EAST), self.node_id(A_WEST, east)], a_road
            )
        if north in present:
            b_road = dict(base.way(14).tags)
            b_road.update({"maxspeed": "40 mph", "source:maxspeed": "sign", "sidewalk": "none"})
            b_road.pop("maxspeed:type", None)
            yield self._way(
                EXTRA_WAY_BASE + 3, [self.node_id(B_NORTH), self.node_id(B_SOUTH, north)], b_road
            )

    def relations(self) -> Iterator[osmium.osm.mutable.Relation]:
        for relation in self.base.relations:
            members = [
                (kind, self.tile.number * _STRIDES[kind] + ref, role)
                for kind, ref, role in relation.members
            ]
            yield osmium.osm.mutable.Relation(
                id=self.tile.number * RELATION_STRIDE + relation.id,
                members=members,
                tags=dict(relation.tags),
                version=1,
                timestamp=TIMESTAMP,
            )
