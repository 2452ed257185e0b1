"""The ways of an OpenStreetMap file, from libosmium's OPL text, as arrays.

libosmium writes every way of the file, with its nodes' places, as one line of OPL
(``w12 Thighway=residential,name=Mill%20%Lane Nn1x-2.63y53.65,n2x-2.629y53.65``; a node
the file lacks is ``n99xy``), so that no node passes through Python one at a time: the
lines are split here, the tags of street ways read, and the nodes of all of them parsed
in one go by numpy. What :func:`parse_ways` finds is what the file reader accounts for.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from healthy_streets.model.account import AccountBook
from healthy_streets.model.segments import StreetWays
from healthy_streets.model.streets import NOT_STREET_HIGHWAYS

#: Way tags kept on street segments.
STREET_TAGS = (
    "highway",
    "name",
    "ref",
    "maxspeed",
    "maxspeed:type",
    "zone:maxspeed",
    "source:maxspeed",
    "maxspeed:forward",
    "maxspeed:backward",
    "oneway",
    "service",
    "access",
    "junction",
)

#: What a way that is no street is counted as: the first of these keys it has.
NOT_STREET_KINDS = (
    "railway",
    "waterway",
    "building",
    "landuse",
    "natural",
    "leisure",
    "amenity",
    "barrier",
    "power",
)

#: The tags a street way keeps, and ``area`` (a highway area is no street), in OPL.
_STREET_TAG = re.compile(
    rb",(" + b"|".join(re.escape(k.encode()) for k in (*STREET_TAGS, "area")) + rb")=([^,]*)"
)
_KIND_PATTERNS = tuple((kind, f",{kind}=".encode()) for kind in NOT_STREET_KINDS)

#: OPL writes characters that are not plain as ``%hex%``.
_ESCAPE = re.compile(r"%([0-9a-fA-F]+)%")
#: Node text to numbers: ``n1x-2.63y53.65`` -> ``1 -2.63 53.65``.
_NODE_SEPARATORS = bytes.maketrans(b"nxy,", b"    ")


@dataclass
class Ways:
    """What a pass over an OSM file found.

    ``streets`` are the street ways to account for, nodes with no place having NaN
    coordinates: those within the window in the file's order, then those beyond it that
    share a node with them (they make their junctions)."""

    streets: StreetWays
    not_streets: Counter[str] = field(default_factory=Counter)
    not_streets_with_maxspeed: int = 0
    highway_left_out: Counter[str] = field(default_factory=Counter)
    beyond_area: int = 0


def parse_ways(opl: bytes, window: tuple[float, float, float, float] | None = None) -> Ways:
    """The ways of a file from its OPL (ways only, with node places), sorted into streets
    and what is not a street; street ways wholly beyond ``window`` (lon/lat) are left out
    unless they share a node with a street within it."""
    found = Ways(streets=_no_ways())
    way_ids: list[int] = []
    tags_of: list[dict[str, str]] = []
    node_texts: list[bytes] = []
    kinds: Counter[tuple[str, bool]] = Counter()
    for line in opl.split(b"\n"):
        if not line:
            continue
        way_id, marked, nodes = line.split(b" ")  # w1 Tk=v,k=v Nn1x..y..,n2x..y..
        marked = b"," + marked[1:]  # every tag after a comma
        if b",highway=" not in marked:
            kinds[_kind(marked)] += 1
            continue
        tags = {key.decode(): _text(value) for key, value in _STREET_TAG.findall(marked)}
        highway, area = tags["highway"], tags.pop("area", None) == "yes"
        if highway in NOT_STREET_HIGHWAYS or area:
            found.highway_left_out["area" if area else highway] += 1
            continue
        way_ids.append(int(way_id[1:]))
        tags_of.append({k: tags[k] for k in STREET_TAGS if k in tags})
        node_texts.append(nodes[1:])
    for (kind, maxspeed), n in kinds.items():
        found.not_streets[kind] += n
        found.not_streets_with_maxspeed += n * maxspeed
    streets = _street_arrays(way_ids, tags_of, node_texts)
    found.streets, found.beyond_area = _within(streets, window)
    return found


def _kind(marked: bytes) -> tuple[str, bool]:
    """What a way that is no street is (``marked`` is its tags after a comma), and
    whether it carries ``maxspeed``."""
    for kind, pattern in _KIND_PATTERNS:
        if pattern in marked:
            return kind, b",maxspeed=" in marked
    return "other", b",maxspeed=" in marked


def _text(value: bytes) -> str:
    """An OPL tag value as text."""
    text = value.decode("utf-8", "replace")
    return _ESCAPE.sub(lambda m: chr(int(m[1], 16)), text) if "%" in text else text


def _no_ways() -> StreetWays:
    return _street_arrays([], [], [])


def _street_arrays(
    way_ids: list[int], tags_of: list[dict[str, str]], node_texts: list[bytes]
) -> StreetWays:
    counts = np.array([t.count(b",") + 1 if t else 0 for t in node_texts], dtype=np.int64)
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    text = b",".join(t for t in node_texts if t).replace(b"xy", b"xNaNyNaN")
    numbers = np.fromstring(text.translate(_NODE_SEPARATORS), dtype=np.float64, sep=" ")
    triples = numbers.reshape(-1, 3)
    return StreetWays(
        way_ids=np.asarray(way_ids, dtype=np.int64),
        tags=tags_of,
        offsets=offsets,
        refs=triples[:, 0].astype(np.int64),
        lon=triples[:, 1].copy(),
        lat=triples[:, 2].copy(),
    )


def _within(
    ways: StreetWays, window: tuple[float, float, float, float] | None
) -> tuple[StreetWays, int]:
    """The ways whose placed nodes' box meets ``window``, then those beyond it that share
    a node with them; and how many were left out. A way with no placed node is kept for
    the account to reject."""
    if window is None or not len(ways.way_ids):
        return ways, 0
    counts = np.diff(ways.offsets)
    way_of = np.repeat(np.arange(len(counts)), counts)
    n = len(counts)
    placed = ~np.isnan(ways.lon)
    low_x, high_x = _extent(ways.lon, way_of, placed, n)
    low_y, high_y = _extent(ways.lat, way_of, placed, n)
    minx, miny, maxx, maxy = window
    with np.errstate(invalid="ignore"):
        beyond = (high_x < minx) | (low_x > maxx) | (high_y < miny) | (low_y > maxy)
    near_refs = ways.refs[~beyond[way_of]]
    touches = np.zeros(n, dtype=bool)
    shared = np.isin(ways.refs, near_refs) & beyond[way_of]
    touches[np.unique(way_of[shared])] = True
    order = np.concatenate([np.flatnonzero(~beyond), np.flatnonzero(beyond & touches)])
    return _select(ways, order), int((beyond & ~touches).sum())


def _extent(
    values: np.ndarray, way_of: np.ndarray, placed: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each way's lowest and highest placed value (NaN for a way with none)."""
    low = np.full(n, np.inf)
    high = np.full(n, -np.inf)
    np.minimum.at(low, way_of[placed], values[placed])
    np.maximum.at(high, way_of[placed], values[placed])
    none = ~np.isfinite(low)
    low[none], high[none] = np.nan, np.nan
    return low, high


def _select(ways: StreetWays, order: np.ndarray) -> StreetWays:
    counts = np.diff(ways.offsets)[order]
    offsets = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    index = np.repeat(ways.offsets[order] - offsets[:-1], counts) + np.arange(offsets[-1])
    return StreetWays(
        way_ids=ways.way_ids[order],
        tags=[ways.tags[i] for i in order.tolist()],
        offsets=offsets,
        refs=ways.refs[index],
        lon=ways.lon[index],
        lat=ways.lat[index],
    )


def placed_runs(
    ways: StreetWays, book: AccountBook, bad_nodes: dict[int, str] | None = None
) -> StreetWays:
    """The street ways, each cut to its longest run of placed nodes; a way with nodes
    missing (not in the file, or in ``bad_nodes``: their coordinates could not be read) is
    repaired in ``book``, one with fewer than two placed nodes rejected."""
    bad_nodes = bad_nodes or {}
    counts = np.diff(ways.offsets)
    way_of = np.repeat(np.arange(len(counts)), counts)
    missing = np.isnan(ways.lon)
    keep = np.ones(len(ways.refs), dtype=bool)
    kept_ways = counts >= 2
    for w in np.union1d(np.unique(way_of[missing]), np.flatnonzero(counts < 2)).tolist():
        begin, end = int(ways.offsets[w]), int(ways.offsets[w + 1])
        first, length = _longest_run(~missing[begin:end])
        keep[begin:end] = False
        keep[begin + first : begin + first + length] = True
        lost = ways.refs[begin:end][missing[begin:end]].tolist()
        why = _why_missing(lost, bad_nodes)
        way_id = int(ways.way_ids[w])
        if length < 2:
            kept_ways[w] = False
            book.reject(
                way_id,
                f"Fewer than two of the way's nodes have a place {why}; it cannot be drawn.",
                field="nodes",
                value=f"{len(lost)} of {end - begin} missing",
            )
            continue
        kept_ways[w] = True
        book.repair(
            way_id,
            f"{len(lost)} of its {end - begin} nodes have no place {why}; kept the "
            f"longest run of {length} nodes.",
            field="nodes",
            value=f"{len(lost)} missing",
        )
    keep &= kept_ways[way_of]
    new_counts = np.bincount(way_of[keep], minlength=len(counts))[kept_ways]
    offsets = np.zeros(len(new_counts) + 1, dtype=np.int64)
    np.cumsum(new_counts, out=offsets[1:])
    return StreetWays(
        way_ids=ways.way_ids[kept_ways],
        tags=[t for t, k in zip(ways.tags, kept_ways.tolist(), strict=True) if k],
        offsets=offsets,
        refs=ways.refs[keep],
        lon=ways.lon[keep],
        lat=ways.lat[keep],
    )


def _longest_run(present: np.ndarray) -> tuple[int, int]:
    """Where the first longest run of True starts, and its length."""
    best_start, best, start = 0, 0, None
    for i, here in enumerate([*present.tolist(), False]):
        if here and start is None:
            start = i
        elif not here and start is not None:
            if i - start > best:
                best_start, best = start, i - start
            start = None
    return best_start, best


def _why_missing(missing: list[int], bad_nodes: dict[int, str]) -> str:
    """Why a way's nodes have no place: not in the file, or coordinates not readable."""
    unreadable = [ref for ref in missing if ref in bad_nodes]
    if not unreadable:
        return "(they are not in the file: a clipped extract)"
    shown = "; ".join(f"OSM node {ref}: {bad_nodes[ref]}" for ref in unreadable[:3])
    return f"(their coordinates are not numbers in range: {shown})"
