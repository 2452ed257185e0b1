"""The ways of an OpenStreetMap file, from libosmium's OPL text and node index, as arrays.

libosmium writes every way of the file as one line of OPL
(``w12 Thighway=residential,name=Mill%20%Lane Nn1,n2``; the file readers have it write each
way's timestamp too, ``w12 dV t2015-02-25T10:15:02Z T...``, of which the newest is kept) and
keeps every node's place in a ``sparse_file_array`` index: a file of (node id, x, y)
records, x and y in 1e-7 degrees (libosmium's ``SparseFileArray``, a vector of id and
location pairs in a file). Neither
passes through Python one element at a time: the index is read as one array, and the OPL
text is taken apart by numpy (where each line, tag, key and value starts), so that Python
only touches the values of the tags a street keeps. What :func:`parse_ways` finds is what
the file reader accounts for.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from healthy_streets.model.account import AccountBook
from healthy_streets.model.segments import StreetWays
from healthy_streets.model.streets import NOT_STREET_HIGHWAYS, NOT_STREET_KINDS

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
    "lit",
)
#: ``landuse=*`` values of built-up land, where a road with no speed tag is a restricted
#: road (street lights); outside it, an unlit road has the national limit.
BUILT_UP_LANDUSE = ("residential", "commercial", "retail")

#: The keys read from the OPL, by number: the street tags, ``area`` (a highway area is no
#: street), then the kinds of what is not a street.
_KEYS = (*STREET_TAGS, "area", *NOT_STREET_KINDS)
_HIGHWAY = _KEYS.index("highway")
_MAXSPEED = _KEYS.index("maxspeed")
_AREA = _KEYS.index("area")
_FIRST_KIND = _KEYS.index(NOT_STREET_KINDS[0])


def _key_number(words: list[np.ndarray], length: np.ndarray) -> np.ndarray:
    """A number made of a key's 64-bit words and its length (the same for the same key)."""
    number = length.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    for word in words:
        number = (number ^ word) * np.uint64(0xBF58476D1CE4E5B9)
    return number


def _key_table() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:data:`_KEYS` as 64-bit words (little-endian, zero past the key) and lengths, and
    their :func:`_key_number` ascending with which key each is."""
    width = -(-max(len(k) for k in _KEYS) // 8)
    raw = [k.encode().ljust(8 * width, b"\0") for k in _KEYS]
    words = np.array(
        [[int.from_bytes(r[8 * i : 8 * i + 8], "little") for i in range(width)] for r in raw],
        dtype=np.uint64,
    )
    lengths = np.array([len(k) for k in _KEYS], dtype=np.int64)
    numbers = _key_number(list(words.T), lengths)
    order = np.argsort(numbers)
    return words, lengths, numbers[order], order


_KEY_WORDS, _KEY_LENGTHS, _KEY_NUMBERS, _KEY_ORDER = _key_table()

#: OPL writes characters that are not plain as ``%hex%``.
_ESCAPE = re.compile(r"%([0-9a-fA-F]+)%")
#: Node ids in OPL to numbers: ``n1,n2`` -> `` 1  2``; way ids: ``w1w2`` -> `` 1 2``.
_REF_SEPARATORS = bytes.maketrans(b"n,", b"  ")
_ID_SEPARATORS = bytes.maketrans(b"w", b" ")
#: Tag values parted by commas or spaces in OPL to lines.
_TEXT_SEPARATORS = bytes.maketrans(b", ", b"\n\n")

#: A record of libosmium's ``sparse_file_array`` index of node places: the node id, then
#: its place in 1e-7 degrees (``std::pair<unsigned_object_id_type, Location>``).
PLACE_RECORD = np.dtype([("id", np.uint64), ("x", np.int32), ("y", np.int32)])
#: libosmium's coordinate of a node with no place.
_UNDEFINED = np.iinfo(np.int32).max
_PRECISION = 10_000_000
#: Degrees from the median of a file's nodes beyond which a node at latitude or longitude
#: exactly 0 is taken as a coordinate misread (see :meth:`NodePlaces.stray_zeros`).
STRAY_DEGREES = 5
#: The lowest bytes of a 64-bit word, by how many are kept.
_LOW_BYTES = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)


@dataclass
class NodePlaces:
    """The places of a file's nodes: ``ids`` ascending, ``x`` and ``y`` in 1e-7 degrees
    (libosmium's fixed-point coordinates; a node with no place has
    ``2**31 - 1``)."""

    ids: np.ndarray
    x: np.ndarray
    y: np.ndarray

    @classmethod
    def from_index(cls, path: Path, table: Any) -> NodePlaces:
        """The places libosmium's ``sparse_file_array`` index ``table`` holds in ``path``.

        The records past the index's size are its unused room; a record is checked
        against the index itself, so a change of libosmium's layout fails loudly."""
        count = table.used_memory() // PLACE_RECORD.itemsize
        records = np.fromfile(path, dtype=PLACE_RECORD, count=count)
        if len(records) != count:
            raise RuntimeError(f"libosmium's node index {path} holds fewer records than it says.")
        ids = records["id"].astype(np.int64)
        if count and (np.diff(ids) < 0).any():  # sorted only once a way was read
            order = np.argsort(ids, kind="stable")
            ids, records = ids[order], records[order]
        places = cls(ids=ids, x=records["x"].copy(), y=records["y"].copy())
        if count:
            places.check(table, count // 2)
        return places

    def check(self, table: Any, i: int) -> None:
        """Raise unless record ``i`` is what libosmium's ``table`` says of its node."""
        try:
            place = table.get(int(self.ids[i]))
        except KeyError:  # an index not yet sorted: nothing to compare with
            return
        if (place.x, place.y) != (int(self.x[i]), int(self.y[i])):
            raise RuntimeError("libosmium's node index is not laid out as expected.")

    def lookup(self, refs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Longitudes and latitudes of the nodes ``refs`` (NaN where a node is not in the
        file or has no place)."""
        if not len(self.ids):
            nan = np.full(len(refs), np.nan)
            return nan, nan.copy()
        at = np.minimum(np.searchsorted(self.ids, refs), len(self.ids) - 1)
        x, y = self.x[at], self.y[at]
        placed = (self.ids[at] == refs) & (x != _UNDEFINED) & (y != _UNDEFINED)
        placed &= np.abs(x) <= 180 * _PRECISION
        placed &= np.abs(y) <= 90 * _PRECISION
        lon = np.where(placed, x / _PRECISION, np.nan)
        lat = np.where(placed, y / _PRECISION, np.nan)
        return lon, lat

    def out_of_range(self) -> dict[int, str]:
        """Nodes whose coordinates lie beyond -180 to 180 or -90 to 90: id -> what they
        are (such a node has no place, as libosmium's ``Location.valid()`` says); and nodes
        at latitude or longitude exactly 0 far from the file's other nodes (see
        :meth:`stray_zeros`), which are given no place here."""
        defined = (self.x != _UNDEFINED) & (self.y != _UNDEFINED)
        beyond = defined & (
            (np.abs(self.x) > 180 * _PRECISION) | (np.abs(self.y) > 90 * _PRECISION)
        )
        found = {
            int(n): f"lat {y / _PRECISION!r}, lon {x / _PRECISION!r}"
            for n, x, y in zip(
                self.ids[beyond].tolist(),
                self.x[beyond].tolist(),
                self.y[beyond].tolist(),
                strict=True,
            )
        }
        return found | self.stray_zeros(defined & ~beyond)

    def stray_zeros(self, defined: np.ndarray) -> dict[int, str]:
        """Nodes at latitude or longitude exactly 0 more than :data:`STRAY_DEGREES` from
        the median of the file's nodes: id -> what they are. Such a place is what
        libosmium makes of a coordinate it cannot hold (``lat="1e400"``, in a file converted
        by osmium), not a street's: they are given no place."""
        zero = defined & ((self.x == 0) | (self.y == 0))
        if not zero.any():
            return {}
        x0, y0 = np.median(self.x[defined]), np.median(self.y[defined])
        far = STRAY_DEGREES * _PRECISION
        stray = zero & ((np.abs(self.x - x0) > far) | (np.abs(self.y - y0) > far))
        found = {
            int(n): f"lat {y / _PRECISION!r}, lon {x / _PRECISION!r}, far from the other nodes"
            for n, x, y in zip(
                self.ids[stray].tolist(),
                self.x[stray].tolist(),
                self.y[stray].tolist(),
                strict=True,
            )
        }
        self.x[stray] = self.y[stray] = _UNDEFINED
        return found


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
    #: The built-up land the file maps (closed ``landuse`` ways of
    #: :data:`BUILT_UP_LANDUSE`), as polygons in longitude/latitude.
    built_up: list[shapely.Geometry] = field(default_factory=list)
    #: Where the file's buildings are (each building way's first node), lon/lat.
    buildings: tuple[np.ndarray, np.ndarray] = (np.empty(0), np.empty(0))
    #: The newest timestamp of the file's ways (``2015-02-25T10:15:02Z``), when the OPL
    #: was written with them and any way has one: text of the file, to be read as a date.
    newest: str | None = None


def parse_ways(
    opl: bytes,
    places: NodePlaces,
    window: tuple[float, float, float, float] | None = None,
) -> Ways:
    """The ways of a file from its OPL (ways only, without node places) and the places of
    its nodes, sorted into streets and what is not a street; street ways wholly beyond
    ``window`` (lon/lat) are left out unless they share a node with a street within it."""
    found = Ways(streets=_no_ways())
    if not opl:
        return found
    lines = _OplLines(opl)
    found.newest = lines.newest()
    tags = lines.tags()
    highway = np.zeros(lines.count, dtype=bool)
    highway[tags.line[tags.code == _HIGHWAY]] = True
    _count_not_streets(found, lines.count, tags, ~highway)
    found.built_up = _built_up(lines, tags, places)
    found.buildings = _buildings(lines, tags, places)
    candidates = np.flatnonzero(highway)
    values = _street_tag_values(lines, tags, highway, candidates)
    area = values.pop("area") == "yes"
    left_out = pd.Series(values["highway"]).isin(NOT_STREET_HIGHWAYS).to_numpy() | area
    found.highway_left_out = Counter(
        np.where(area[left_out], "area", values["highway"][left_out]).tolist()
    )
    kept = candidates[~left_out]
    streets = StreetWays(
        way_ids=lines.way_ids(kept),
        tags=pd.DataFrame({key: column[~left_out] for key, column in values.items()}, dtype=object),
        offsets=np.zeros(1, dtype=np.int64),
        refs=np.array([], dtype=np.int64),
        lon=np.array([], dtype=float),
        lat=np.array([], dtype=float),
    )
    streets.offsets, streets.refs = lines.node_refs(kept)
    streets.lon, streets.lat = places.lookup(streets.refs)
    found.streets, found.beyond_area = _within(streets, window)
    return found


@dataclass
class _Tags:
    """Every tag of the OPL: its line, its key's number in :data:`_KEYS` (-1 for other
    keys), and where its value starts and ends."""

    line: np.ndarray
    code: np.ndarray
    value_start: np.ndarray
    value_end: np.ndarray


class _OplLines:
    """Where the parts of each line of OPL ways start and end: ``w<id> T<tags> N<nodes>``,
    or, written with the timestamp, ``w<id> dV t<timestamp> T<tags> N<nodes>``.

    OPL escapes spaces, commas, ``=`` and line ends in keys and values, so the bytes that
    are any of these (:attr:`marks`, their bytes :attr:`kind`) give every line its shape:
    two spaces (four with the timestamp), between the last two tags ``key=value`` parted by
    commas, after them node ids parted by commas, and a line end."""

    def __init__(self, opl: bytes) -> None:
        self.opl = opl
        self.text = text = np.frombuffer(opl, dtype=np.uint8)
        mark = text == ord("\n")
        scratch = np.empty_like(mark)
        for byte in b" ,=":
            mark |= np.equal(text, byte, out=scratch)
        marks = np.flatnonzero(mark)
        del mark, scratch
        if text[-1] != ord("\n"):  # the last line's end
            marks = np.append(marks, len(opl))
        self.marks = marks
        self.kind = np.append(text[marks[:-1]], np.uint8(10))
        #: where, in the marks, each line ends and has its spaces
        self.end_at = np.flatnonzero(self.kind == ord("\n"))
        spaces = np.flatnonzero(self.kind == ord(" "))
        self.count = len(self.end_at)
        self.starts = np.concatenate([[0], marks[self.end_at[:-1]] + 1])
        self.ends = marks[self.end_at]
        fields = 4 if len(spaces) == 4 * self.count else 2  # with the timestamp, or not
        if len(spaces) != fields * self.count:
            raise _unexpected()
        self.id_at, self.tags_end_at = spaces[0::fields], spaces[fields - 1 :: fields]
        #: the space before each line's tags
        self.head_at = spaces[fields - 2 :: fields]
        if (self.tags_end_at > self.end_at).any() or (self.id_at[1:] < self.end_at[:-1]).any():
            raise _unexpected()  # not the same spaces in each line
        self.id_end, self.tags_end = marks[self.id_at], marks[self.tags_end_at]
        head = marks[self.head_at]
        #: where each line's timestamp starts and ends (none: the OPL has no timestamps)
        self.time_span: tuple[np.ndarray, np.ndarray] | None = None
        if fields == 4:
            time_at = marks[spaces[1::4]]
            if (text[self.id_end + 1] != ord("d")).any() or (text[time_at + 1] != ord("t")).any():
                raise _unexpected()
            self.time_span = (time_at + 2, head)
        if (
            (text[self.starts] != ord("w")).any()
            or (self.id_end <= self.starts + 1).any()
            or (text[head + 1] != ord("T")).any()
            or (text[self.tags_end + 1] != ord("N")).any()
        ):
            raise _unexpected()

    def newest(self) -> str | None:
        """The newest timestamp of the ways (``2015-02-25T10:15:02Z``), if the OPL holds
        them and any way has one."""
        if self.time_span is None:
            return None
        begin, end = self.time_span
        begin = begin[end - begin == _TIMESTAMP_LENGTH]  # the others have none
        if not len(begin):
            return None
        # YYYYMMDDhhmmss of each as one number: the newest is the largest
        digits = self.text[begin[:, None] + _TIMESTAMP_DIGITS].astype(np.int64) - ord("0")
        newest = int(np.argmax(digits @ _DIGIT_WEIGHTS))
        at = int(begin[newest])
        return self.opl[at : at + _TIMESTAMP_LENGTH].decode("ascii", "replace")

    def tags(self) -> _Tags:
        """Every tag, found from its ``=`` (the only one: OPL escapes the rest)."""
        equals = np.flatnonzero(self.kind == ord("="))
        line = np.searchsorted(self.end_at, equals)
        if ((equals < self.head_at[line]) | (equals > self.tags_end_at[line])).any():
            raise _unexpected()
        before, after = self.kind[equals - 1], self.kind[equals + 1]
        if ((before == ord("=")) | (after == ord("="))).any():  # key=value parted by commas
            raise _unexpected()
        key_start = self.marks[equals - 1] + 1 + (before == ord(" "))  # after "," or " T"
        key_end = self.marks[equals]
        return _Tags(
            line=line,
            code=self.key_codes(key_start, key_end - key_start),
            value_start=key_end + 1,
            value_end=self.marks[equals + 1],
        )

    def key_codes(self, start: np.ndarray, length: np.ndarray) -> np.ndarray:
        """Each key's number in :data:`_KEYS`, or -1: keys read as 64-bit words, looked up
        by a number made of them and checked word by word."""
        codes = np.full(len(start), -1, dtype=np.int16)
        width = _KEY_WORDS.shape[1]
        maybe = np.flatnonzero((length > 0) & (length <= 8 * width))
        start, length = start[maybe], length[maybe]
        words = [self.word(start + 8 * i, length - 8 * i) for i in range(width)]
        found = np.searchsorted(_KEY_NUMBERS, _key_number(words, length))
        key = _KEY_ORDER[np.minimum(found, len(_KEY_ORDER) - 1)]
        same = length == _KEY_LENGTHS[key]
        for i, word in enumerate(words):
            same &= word == _KEY_WORDS[key, i]
        codes[maybe[same]] = key[same]
        return codes

    def word(self, at: np.ndarray, keep: np.ndarray) -> np.ndarray:
        """The bytes at ``at`` as little-endian 64-bit words, only the first ``keep`` of
        each (0 to 8) kept."""
        size = len(self.text)
        out = np.zeros(len(at), dtype=np.uint64)
        wanted = keep > 0
        inside = wanted & (at <= size - 8)
        if size >= 8:
            overlapping = np.ndarray((size - 7,), dtype="<u8", buffer=self.text, strides=(1,))
            out[inside] = overlapping[at[inside]]
        for i in np.flatnonzero(wanted & ~inside).tolist():  # the last bytes of the text
            tail = self.opl[at[i] : at[i] + 8]
            out[i] = int.from_bytes(tail.ljust(8, b"\0"), "little")
        return out & _LOW_BYTES[np.clip(keep, 0, 8)]

    def way_ids(self, lines: np.ndarray) -> np.ndarray:
        """The way ids of ``lines``."""
        text = self.spans(self.starts[lines], self.id_end[lines])  # w1w2...
        return _integers(text.translate(_ID_SEPARATORS), len(lines))

    def node_refs(self, lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The node ids of ``lines``, one after another, and where each line's start."""
        begin, end = self.tags_end[lines] + 2, self.ends[lines]
        commas = self.end_at[lines] - self.tags_end_at[lines] - 1
        counts = np.where(end > begin, commas + 1, 0)
        offsets = np.zeros(len(lines) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        text = self.spans(begin, end)  # n1,n2n3,n4...: every id after an n
        return offsets, _integers(text.translate(_REF_SEPARATORS), int(offsets[-1]))

    def spans(self, begin: np.ndarray, end: np.ndarray) -> bytes:
        """The bytes from each ``begin`` to its ``end``, one after another."""
        opl = self.opl
        return b"".join([opl[s:e] for s, e in zip(begin.tolist(), end.tolist(), strict=True)])

    def texts(self, begin: np.ndarray, end: np.ndarray) -> list[str]:
        """The text from each ``begin`` to its ``end`` (no line end, comma or space in
        between), OPL's escapes undone: decoded as one text, split, and the values with an
        escape undone one distinct value at a time."""
        size = end - begin + 1  # with the comma or space after each
        at = np.zeros(len(size), dtype=np.int64)
        np.cumsum(size[:-1], out=at[1:])
        chars = self.text[np.repeat(begin - at, size) + np.arange(int(size.sum()))]
        joined = chars.tobytes().translate(_TEXT_SEPARATORS)
        values = joined.decode("utf-8", "replace").split("\n")[:-1]
        escaped = np.unique(np.searchsorted(at, np.flatnonzero(chars == ord("%")), "right") - 1)
        undone: dict[str, str] = {}
        for i in escaped.tolist():
            value = values[i]
            if value not in undone:
                undone[value] = _text(value)
            values[i] = undone[value]
        return values


#: ``2015-02-25T10:15:02Z``: how libosmium writes a timestamp.
_TIMESTAMP_LENGTH = 20
#: Where its digits are, and what each weighs.
_TIMESTAMP_DIGITS = np.array([0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18])
_DIGIT_WEIGHTS = 10 ** np.arange(len(_TIMESTAMP_DIGITS) - 1, -1, -1, dtype=np.int64)


def _unexpected() -> RuntimeError:
    return RuntimeError("libosmium's OPL of the ways is not laid out as expected.")


def _integers(text: bytes, count: int) -> np.ndarray:
    """``count`` integers written in ``text``, separated by spaces."""
    if not count:
        return np.array([], dtype=np.int64)
    numbers = np.fromstring(text, dtype=np.int64, sep=" ")
    if len(numbers) != count:
        raise RuntimeError("libosmium's OPL of the ways is not laid out as expected.")
    return numbers


_LANDUSE = _KEYS.index("landuse")


def _built_up(lines: _OplLines, tags: _Tags, places: NodePlaces) -> list[shapely.Geometry]:
    """The closed ``landuse`` ways of :data:`BUILT_UP_LANDUSE` as polygons (lon/lat);
    those with a node of no place are left out."""
    landuse = np.flatnonzero(tags.code == _LANDUSE)
    values = lines.texts(tags.value_start[landuse], tags.value_end[landuse])
    chosen = np.unique(tags.line[landuse[[v in BUILT_UP_LANDUSE for v in values]]])
    if not len(chosen):
        return []
    offsets, refs = lines.node_refs(chosen)
    lon, lat = places.lookup(refs)
    polygons = []
    for start, end in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True):
        ring = refs[start:end]
        x, y = lon[start:end], lat[start:end]
        if len(ring) >= 4 and ring[0] == ring[-1] and np.isfinite(x).all() and np.isfinite(y).all():
            polygons.append(shapely.Polygon(np.column_stack([x, y])))
    return polygons


_BUILDING = _KEYS.index("building")


def _buildings(lines: _OplLines, tags: _Tags, places: NodePlaces) -> tuple[np.ndarray, np.ndarray]:
    """The place of each building way's first node (lon/lat), those with one."""
    # the building ways' lines, each once, in order (a mask, not a sort of every tag)
    building = np.zeros(lines.count, dtype=bool)
    building[tags.line[tags.code == _BUILDING]] = True
    chosen = np.flatnonzero(building)
    if not len(chosen):
        return np.empty(0), np.empty(0)
    offsets, refs = lines.node_refs(chosen)
    has_nodes = offsets[1:] > offsets[:-1]
    lon, lat = places.lookup(refs[offsets[:-1][has_nodes]])
    placed = np.isfinite(lon) & np.isfinite(lat)
    return lon[placed], lat[placed]


def _count_not_streets(found: Ways, count: int, tags: _Tags, not_street: np.ndarray) -> None:
    """Count the ways that are no street by kind (the first of :data:`NOT_STREET_KINDS`
    they have, in the order the file first has each), and those carrying ``maxspeed``."""
    kinds = np.full(count, len(NOT_STREET_KINDS), dtype=np.int16)  # "other"
    is_kind = tags.code >= _FIRST_KIND
    np.minimum.at(kinds, tags.line[is_kind], tags.code[is_kind] - _FIRST_KIND)
    maxspeed = np.zeros(count, dtype=bool)
    maxspeed[tags.line[tags.code == _MAXSPEED]] = True
    kinds = kinds[not_street]
    names = (*NOT_STREET_KINDS, "other")
    present, first = np.unique(kinds, return_index=True)
    totals = np.bincount(kinds, minlength=len(names))
    for kind in present[np.argsort(first)].tolist():
        found.not_streets[names[kind]] += int(totals[kind])
    found.not_streets_with_maxspeed = int(maxspeed[not_street].sum())


def _street_tag_values(
    lines: _OplLines, tags: _Tags, highway: np.ndarray, candidates: np.ndarray
) -> dict[str, np.ndarray]:
    """The street tags and ``area`` of the ``candidates`` lines (those with ``highway``):
    key -> one value per line (None where the line lacks it; of a key given twice, the
    last)."""
    wanted = np.flatnonzero(highway[tags.line] & (tags.code >= 0) & (tags.code <= _AREA))
    row = np.searchsorted(candidates, tags.line[wanted])
    code = tags.code[wanted].astype(np.int64)
    place = row * (_AREA + 1) + code
    if len(place) and np.bincount(place).max() > 1:  # a key given twice: the last
        order = np.argsort(place, kind="stable")
        last = np.ones(len(order), dtype=bool)
        last[:-1] = place[order][1:] != place[order][:-1]
        keep = np.sort(order[last])
        wanted, row, code = wanted[keep], row[keep], code[keep]
    decoded = np.empty(len(wanted), dtype=object)
    decoded[:] = lines.texts(tags.value_start[wanted], tags.value_end[wanted])
    columns = {}
    for number, key in enumerate(_KEYS[: _AREA + 1]):
        column = np.full(len(candidates), None, dtype=object)
        mine = code == number
        column[row[mine]] = decoded[mine]
        columns[key] = column
    return columns


def _text(value: str) -> str:
    """An OPL tag value with its ``%hex%`` escapes undone."""
    return _ESCAPE.sub(lambda m: chr(int(m[1], 16)), value) if "%" in value else value


def _no_ways() -> StreetWays:
    return StreetWays(
        way_ids=np.array([], dtype=np.int64),
        tags=pd.DataFrame({key: [] for key in STREET_TAGS}, dtype=object),
        offsets=np.zeros(1, dtype=np.int64),
        refs=np.array([], dtype=np.int64),
        lon=np.array([], dtype=float),
        lat=np.array([], dtype=float),
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
    touches[way_of[shared]] = True
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
        tags=_take(ways.tags, order),
        offsets=offsets,
        refs=ways.refs[index],
        lon=ways.lon[index],
        lat=ways.lat[index],
    )


def _take(tags: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """The tags of ``rows``, numbered from 0."""
    return tags.take(rows).reset_index(drop=True)


def placed_runs(
    ways: StreetWays, book: AccountBook, bad_nodes: dict[int, str] | None = None
) -> StreetWays:
    """The street ways, each cut to its longest run of placed nodes; a way with nodes
    missing (not in the file, or in ``bad_nodes``: their coordinates could not be read) is
    repaired in ``book``, one with fewer than two placed nodes rejected."""
    bad_nodes = bad_nodes or {}
    counts = np.diff(ways.offsets)
    missing = np.isnan(ways.lon)
    if not missing.any() and (counts >= 2).all():
        return ways  # nothing to cut
    way_of = np.repeat(np.arange(len(counts)), counts)
    keep = np.ones(len(ways.refs), dtype=bool)
    kept_ways = counts >= 2
    for w in np.union1d(np.unique(way_of[missing]), np.flatnonzero(counts < 2)).tolist():
        begin, end = int(ways.offsets[w]), int(ways.offsets[w + 1])
        first, length = _longest_run(~missing[begin:end])
        keep[begin:end] = False
        keep[begin + first : begin + first + length] = True
        lost = ways.refs[begin:end][missing[begin:end]].tolist()
        why = _why_missing(lost, bad_nodes)
        way_id = f"way/{int(ways.way_ids[w])}"  # as OSM names it, not a row number
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
        tags=_take(ways.tags, np.flatnonzero(kept_ways)),
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
