"""Street segments from OpenStreetMap ways on arrays: osmnx's simplification without a graph.

A file reader hands over its street ways as flat arrays (each way's node ids and places in
order); :func:`segments_from_ways` splits them into segments between junctions and dead
ends exactly as building an osmnx graph of the ways (one edge per pair of consecutive
nodes, in the way's direction), simplifying it with ``edge_attrs_differ=["osmid"]`` and
``remove_rings=False`` and making it undirected would: the same ``u``, ``v`` and ``key``,
the same geometry. Node-level work is done on numpy arrays; only the rare segments that
share both ends with another (a roundabout met twice by the same road, two service roads
between the same two junctions) go through the few lines of Python that settle osmnx's keys.

:func:`streets_from_ways` makes the ``streets`` layer of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from healthy_streets import settings
from healthy_streets.model.streets import street_columns

__all__ = ["Segments", "StreetWays", "segments_from_ways", "streets_from_ways"]


@dataclass
class StreetWays:
    """Street ways as flat arrays: way ``i`` has nodes ``offsets[i]:offsets[i + 1]``.

    Attributes
    ----------
    way_ids
        OSM way ids, one per way (int64).
    tags
        Each way's tags, one row per way numbered from 0, a column per key (None where a
        way lacks the key).
    offsets
        Where each way's nodes start in the node arrays (int64, one more than the ways).
    refs, lon, lat
        Node ids and places, every one placed.
    """

    way_ids: np.ndarray
    tags: pd.DataFrame
    offsets: np.ndarray
    refs: np.ndarray
    lon: np.ndarray
    lat: np.ndarray


@dataclass
class Segments:
    """osmnx's undirected edges: edge ``j`` is the line through the dense nodes
    ``nodes[starts[piece[j]]:starts[piece[j] + 1]]``, part of way ``way[j]`` (an index into
    the ways), from ``u[j]`` to ``v[j]`` with ``key[j]``.

    ``u`` and ``v`` are dense node numbers: ``node_ids`` says which OSM node each is and
    ``lon``/``lat`` where, in the order osmnx's graph holds the nodes.
    """

    way: np.ndarray
    piece: np.ndarray
    piece_way: np.ndarray
    u: np.ndarray
    v: np.ndarray
    key: np.ndarray
    starts: np.ndarray
    nodes: np.ndarray
    node_ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    #: piece -> the pieces osmnx's undirected graph laid under it: a way run the other way
    #: over the same nodes by another way; the edge holds the later's id and line, and the
    #: tags of both (the later's winning)
    merged: dict[int, list[int]]


class NotSimpleError(ValueError):
    """Some way runs through a node that is no junction more than once: osmnx's walk along
    such a way is not a cut at junctions, so the graph must do it."""


def segments_from_ways(ways: StreetWays) -> Segments:
    """Split street ways into osmnx's undirected, simplified edges (see the module).

    Raises
    ------
    NotSimpleError
        When a way runs twice through a node that is not a junction.
    """
    n_ways = len(ways.way_ids)
    way_of = np.repeat(np.arange(n_ways), np.diff(ways.offsets))
    # dense node numbers, in the order the graph first meets each node
    ids, first, inverse = np.unique(ways.refs, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    node = rank[inverse]
    node_ids, lon, lat = ids[order], ways.lon[first[order]], ways.lat[first[order]]

    # one directed edge per pair of consecutive, different nodes of a way
    same_way = np.zeros(len(node), dtype=bool)
    same_way[:-1] = way_of[:-1] == way_of[1:]
    repeat = np.zeros(len(node), dtype=bool)
    repeat[1:] = same_way[:-1] & (node[1:] == node[:-1])
    tail = np.flatnonzero(same_way[:-1] & ~repeat[1:]) if len(node) else np.array([], int)
    eu, ev, ew = node[tail], node[tail + 1], way_of[tail]
    endpoint = _endpoints(eu, ev, ew, len(node_ids))
    through = ~endpoint
    if (np.bincount(eu, minlength=len(node_ids))[through] != 1).any() or (
        np.bincount(ev, minlength=len(node_ids))[through] != 1
    ).any():
        raise NotSimpleError("a way runs twice through a node that is no junction")

    # each way as its sequence of distinct consecutive nodes, cut at endpoints
    seq, seq_way = node[~repeat], way_of[~repeat]
    starts, pieces, piece_way, simplified = _pieces(seq, seq_way, endpoint, n_ways)
    rows = _undirected(starts, pieces, piece_way, simplified, eu, ev, endpoint, node_ids, lon, lat)
    piece, u, v, key, merged = rows
    return Segments(
        way=piece_way[piece],
        piece=piece,
        piece_way=piece_way,
        u=u,
        v=v,
        key=key,
        starts=starts,
        nodes=pieces,
        node_ids=node_ids,
        lon=lon,
        lat=lat,
        merged=merged,
    )


def _endpoints(eu: np.ndarray, ev: np.ndarray, ew: np.ndarray, n_nodes: int) -> np.ndarray:
    """osmnx's ``_is_endpoint`` for every node at once (rules 2, 3 and 5: no edge joins a
    node to itself here)."""
    out_degree = np.bincount(eu, minlength=n_nodes)
    in_degree = np.bincount(ev, minlength=n_nodes)
    degree = out_degree + in_degree
    ends = np.concatenate([eu, ev])
    # exactly two neighbours: the lowest and the highest differ, and there is no other
    others = np.concatenate([ev, eu])
    low, high = _lowest_highest(ends, others, n_nodes)
    third = (others != low[ends]) & (others != high[ends])
    two_neighbours = (low != high) & (np.bincount(ends[third], minlength=n_nodes) == 0)
    # rule 5: the edges belong to more than one way
    way_low, way_high = _lowest_highest(ends, np.concatenate([ew, ew]), n_nodes)
    through = two_neighbours & ((degree == 2) | (degree == 4)) & (way_low == way_high)
    return (out_degree == 0) | (in_degree == 0) | ~through


def _lowest_highest(at: np.ndarray, values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest of ``values`` at each of ``n`` places (-1 where none)."""
    low = np.full(n, np.iinfo(np.int64).max)
    high = np.full(n, -1)
    np.minimum.at(low, at, values)
    np.maximum.at(high, at, values)
    low[high < 0] = -1
    return low, high


def _pieces(
    seq: np.ndarray, seq_way: np.ndarray, endpoint: np.ndarray, n_ways: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cut each way's node sequence at its endpoints: (starts, nodes, way, simplified) of
    the directed pieces, piece ``j`` being ``nodes[starts[j]:starts[j + 1]]``.

    A closed way whose first node is no endpoint is turned to start at its first endpoint
    (osmnx's path runs across the closing node); one with no endpoint at all is left as
    its single edges, as osmnx leaves a ring it cannot simplify."""
    bounds = np.searchsorted(seq_way, np.arange(n_ways + 1))
    first, last = bounds[:-1], bounds[1:] - 1
    at_end = endpoint[seq]
    turned = np.flatnonzero((last > first) & ~at_end[np.minimum(first, len(seq) - 1)])
    plain = np.ones(len(seq), dtype=bool)
    parts, ways_of, marks = [], [], []
    for w in turned:
        run = seq[first[w] : last[w] + 1]
        plain[first[w] : last[w] + 1] = False
        inner = np.flatnonzero(endpoint[run])
        if len(inner):
            k = int(inner[0])
            run = np.concatenate([run[k:], run[1 : k + 1]])
            cut = endpoint[run]
        else:
            cut = np.ones(len(run), dtype=bool)
        parts.append(run)
        ways_of.append(np.full(len(run), w))
        marks.append(cut)
    nodes = np.concatenate([seq[plain], *parts])
    way = np.concatenate([seq_way[plain], *ways_of])
    cut = np.concatenate([at_end[plain], *marks])
    last_of_way = np.ones(len(nodes), dtype=bool)
    last_of_way[:-1] = way[1:] != way[:-1]
    start_at = np.flatnonzero(cut & ~last_of_way)
    cuts = np.flatnonzero(cut)
    end_at = cuts[np.searchsorted(cuts, start_at, side="right")]
    counts = end_at - start_at + 1
    starts = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    index = np.repeat(start_at - starts[:-1], counts) + np.arange(starts[-1])
    simplified = counts > 2
    return starts, nodes[index], way[start_at], simplified


def _undirected(
    starts: np.ndarray,
    nodes: np.ndarray,
    piece_way: np.ndarray,
    simplified: np.ndarray,
    eu: np.ndarray,
    ev: np.ndarray,
    endpoint: np.ndarray,
    node_ids: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[int, list[int]]]:
    """osmnx's ``to_undirected``: (piece, u, v, key) of each edge, and the pieces laid
    under others (see :attr:`Segments.merged`). ``u`` is the end the
    graph holds first; pieces that share both ends get osmnx's keys, and a line that
    repeats another of the same way is kept once."""
    src, dst = nodes[starts[:-1]], nodes[starts[1:] - 1]
    low, high = np.minimum(src, dst), np.maximum(src, dst)
    _, group, size = np.unique(low * len(node_ids) + high, return_inverse=True, return_counts=True)
    shared = size[group] > 1
    alone = np.flatnonzero(~shared)
    rows = [(alone, low[alone], high[alone], np.zeros(len(alone), dtype=np.int64))]
    pieces = _SharedEnds(starts, nodes, piece_way, simplified, eu, ev, node_ids, lon, lat)
    if shared.any():
        rows.append(pieces.edges(np.flatnonzero(shared), endpoint))
    piece, u, v, key = (np.concatenate([r[i] for r in rows]) for i in range(4))
    return piece, u, v, key, pieces.merged


@dataclass
class _SharedEnds:
    """osmnx's keys for pieces that share both ends, settled as its graph settles them."""

    starts: np.ndarray
    nodes: np.ndarray
    way: np.ndarray
    simplified: np.ndarray
    eu: np.ndarray
    ev: np.ndarray
    node_ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    merged: dict[int, list[int]] = field(default_factory=dict)

    def line(self, piece: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
        run = self.nodes[self.starts[piece] : self.starts[piece + 1]]
        return tuple(self.lon[run].tolist()), tuple(self.lat[run].tolist())

    def same_line(self, a: int, b: int) -> bool:
        """osmnx's ``_is_same_geometry``: the same points, either way round."""
        xa, ya = self.line(a)
        xb, yb = self.line(b)
        return (xa, ya) == (xb, yb) or (xa[::-1], ya[::-1]) == (xb, yb)

    def edges(
        self, shared: np.ndarray, endpoint: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        first_edge = self._first_edges(shared)
        path_rank = self._path_ranks(endpoint)
        # directed keys: edges that stayed as they were, then paths in osmnx's order
        keyed: dict[tuple[int, int], list[int]] = {}
        for piece in sorted(
            shared.tolist(), key=lambda p: self._insertion(p, first_edge, path_rank)
        ):
            keyed.setdefault(self._ends(piece), []).append(piece)
        # _update_edge_keys: (u, v, k) and (v, u, k) with different lines; one is moved on
        by_pair: dict[tuple[int, int], dict[tuple[int, int], dict[int, int]]] = {}
        for (a, b), pieces in keyed.items():
            pair = (min(a, b), max(a, b))
            by_pair.setdefault(pair, {})[(a, b)] = dict(enumerate(pieces))
        flagged = []
        for (lo, hi), directed in by_pair.items():
            if lo == hi or (lo, hi) not in directed or (hi, lo) not in directed:
                continue
            for k in sorted(set(directed[(lo, hi)]) & set(directed[(hi, lo)])):
                if not self.same_line(directed[(lo, hi)][k], directed[(hi, lo)][k]):
                    ids = sorted([str(self.node_ids[lo]), str(self.node_ids[hi])])
                    label = "_".join([*ids, str(k)])
                    flagged.append((label, (int(self.node_ids[lo]), int(self.node_ids[hi]), k)))
        dense = {int(self.node_ids[n]): n for pair in by_pair for n in pair}
        for u_id, v_id, k in {edge for _, edge in sorted(flagged, key=lambda f: f[0])}:
            a, b = dense[u_id], dense[v_id]
            directed = by_pair[(min(a, b), max(a, b))]
            new = max([*directed.get((a, b), {}), *directed.get((b, a), {})]) + 1
            directed[(a, b)][new] = directed[(a, b)].pop(k)
        return self._kept(by_pair)

    def _kept(
        self, by_pair: dict[tuple[int, int], dict[tuple[int, int], dict[int, int]]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The undirected graph: a key met again takes the later piece; a copy of a line
        of the same way is dropped."""
        rows: list[tuple[int, int, int, int]] = []
        for (lo, hi), directed in by_pair.items():
            undirected: dict[int, int] = {}
            laid: dict[int, list[int]] = {}
            for ends in [(lo, hi), (hi, lo)] if lo != hi else [(lo, lo)]:
                for k, piece in directed.get(ends, {}).items():
                    if k in undirected:  # the same key both ways round: one edge
                        laid[piece] = [*laid.pop(undirected[k], []), undirected[k]]
                    undirected[k] = piece
            copies: set[int] = set()
            for k1, p1 in undirected.items():
                if k1 in copies:
                    continue
                for k2, p2 in undirected.items():
                    if k1 != k2 and self.way[p1] == self.way[p2] and self.same_line(p1, p2):
                        copies.add(k2)
            rows += [(p, lo, hi, k) for k, p in undirected.items() if k not in copies]
            self.merged.update(
                {p: laid[p] for k, p in undirected.items() if k not in copies and p in laid}
            )
        if not rows:
            empty = np.array([], dtype=np.int64)
            return empty, empty, empty, empty
        return tuple(np.array(column, dtype=np.int64) for column in zip(*rows, strict=True))  # type: ignore[return-value]

    def _ends(self, piece: int) -> tuple[int, int]:
        return int(self.nodes[self.starts[piece]]), int(self.nodes[self.starts[piece + 1] - 1])

    def _first_edges(self, shared: np.ndarray) -> dict[tuple[int, int], int]:
        """The index of the first graph edge from each shared piece's start to its second
        node (the order the graph holds a node's successors in)."""
        wanted = {
            (int(self.nodes[self.starts[p]]), int(self.nodes[self.starts[p] + 1]))
            for p in shared.tolist()
        }
        first: dict[tuple[int, int], int] = {}
        for i, edge in enumerate(zip(self.eu.tolist(), self.ev.tolist(), strict=True)):
            if edge in wanted and edge not in first:
                first[edge] = i
        return first

    def _path_ranks(self, endpoint: np.ndarray) -> dict[int, int]:
        """Where each endpoint comes when osmnx walks its set of endpoints."""
        ids = self.node_ids[endpoint].tolist()
        dense = np.flatnonzero(endpoint).tolist()
        by_id = dict(zip(ids, dense, strict=True))
        return {by_id[n]: i for i, n in enumerate({n for n in ids})}  # noqa: C416

    def _insertion(
        self, piece: int, first_edge: dict[tuple[int, int], int], path_rank: dict[int, int]
    ) -> tuple[int, int, int, int]:
        start = int(self.nodes[self.starts[piece]])
        step = (start, int(self.nodes[self.starts[piece] + 1]))
        if self.simplified[piece]:
            return (1, path_rank[start], first_edge[step], piece)
        return (0, first_edge[step], 0, piece)


def streets_from_ways(
    ways: StreetWays,
    *,
    nation: str | None = None,
    working_crs: str | None = None,
    uk_defaults: bool = True,
    segments: Segments | None = None,
) -> gpd.GeoDataFrame:
    """The ``streets`` layer of street ways: the layer
    :func:`~healthy_streets.model.streets.streets_from_graph` makes of their osmnx graph.

    Parameters
    ----------
    ways
        The street ways, every node placed, in the order the file holds them.
    nation, working_crs, uk_defaults
        As for :func:`~healthy_streets.model.streets.streets_from_graph`.
    segments
        What :func:`segments_from_ways` made of ``ways``, if it was called already.

    Raises
    ------
    NotSimpleError
        When a way runs twice through a node that is not a junction (build the graph).
    """
    segments = segments_from_ways(ways) if segments is None else segments
    crs = working_crs or settings.working_crs
    to_working = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = to_working.transform(segments.lon, segments.lat)
    begin = segments.starts[segments.piece]
    counts = segments.starts[segments.piece + 1] - begin
    at = np.repeat(begin - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    run = segments.nodes[at + np.arange(int(counts.sum()))]
    lines = shapely.linestrings(
        np.column_stack([np.asarray(x)[run], np.asarray(y)[run]]),
        indices=np.repeat(np.arange(len(counts)), counts),
    )
    tags = {key: ways.tags[key].to_numpy()[segments.way] for key in ways.tags.columns}
    if segments.merged:  # osmnx's edge holds the tags of both ways, the later's winning
        row_of = {piece: row for row, piece in enumerate(segments.piece.tolist())}
        for piece, under in segments.merged.items():
            layers = ways.tags.take([segments.piece_way[p] for p in [*under, piece]])
            for key in tags:
                tags[key][row_of[piece]] = _last_given(layers[key])
    edges = pd.DataFrame(tags, dtype=object).assign(
        osmid=ways.way_ids[segments.way],
        u=segments.node_ids[segments.u],
        v=segments.node_ids[segments.v],
        key=segments.key,
    )
    edges = gpd.GeoDataFrame(edges, geometry=lines, crs=crs)
    return street_columns(edges, nation=nation, uk_defaults=uk_defaults)


def _last_given(values: pd.Series) -> object:
    """The last value given (None if there is none)."""
    given = values.dropna()
    return given.iloc[-1] if len(given) else None
