"""OpenStreetMap street networks: from local files (``.osm``, ``.osm.bz2``, ``.osm.pbf``).

Only ``highway=*`` ways become streets. Railways, rivers, buildings and other ways are never
streets even when they carry ``maxspeed``; highway *areas* (``area=yes`` pedestrian squares)
and roads that do not exist yet or any more (``proposed``, ``construction``, ``abandoned``...)
are left out too, and counted.

The file is read by libosmium (through pyosmium, which reads all three formats) in one pass:
it writes the ways as OPL text and keeps every node's place in an index on disk, and both
are read back as arrays (:mod:`healthy_streets.io._osm_ways`). The ways are cut into
segments between intersections and dead ends exactly as osmnx would simplify their graph
(:mod:`healthy_streets.model.segments`), never merging two ways, so that a segment's name
and speed limit are those of its one way and no column holds a list.

A clipped extract may reference nodes that are not in the file. Such a way keeps its
longest run of nodes that are present (repaired), or is rejected when fewer than two remain;
so does a way through a node whose coordinates are not numbers or out of range.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import itertools
import logging
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar, cast

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely

from healthy_streets import settings
from healthy_streets.errors import ConfigError, InputFileError
from healthy_streets.io._common import check_buffer_m, check_input, no_cycle_collection
from healthy_streets.io._osm_ways import (
    STREET_TAGS,
    NodePlaces,
    Ways,
    parse_ways,
    placed_runs,
)
from healthy_streets.model.account import AccountBook, ImportResult
from healthy_streets.model.osm_date import OsmDate, osm_date_from_text
from healthy_streets.model.segments import (
    NotSimpleError,
    Segments,
    StreetWays,
    segments_from_ways,
    streets_from_ways,
)
from healthy_streets.model.speed import NATIONAL_SINGLE_MPH, RURAL_CLASSES, unreadable_maxspeed
from healthy_streets.model.streets import (
    NOT_STREET_HIGHWAYS,
    ROAD_CLASSES,
    kinds,
    not_roads_note,
    street_graph,
    streets_from_graph,
    with_maxspeed,
)
from healthy_streets.model.uk import lonlat_outside_uk_note
from healthy_streets.model.words import counted

__all__ = [
    "NOT_STREET_HIGHWAYS",  # defined in healthy_streets.model.streets
    "ROAD_CLASSES",
    "STREET_TAGS",
    "clip_streets",
    "data_date",
    "finish_network",
    "is_graphml",
    "street_network_from_graphml",
    "street_network_from_osm_file",
    "streets_from_graph",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: How the ways are written for :func:`~healthy_streets.io._osm_ways.parse_ways`: OPL with
#: each way's timestamp (the newest of them dates a file whose header does not).
OPL_FORMAT = "opl,add_metadata=timestamp"

OSM_SUFFIXES = (".osm", ".osm.bz2", ".osm.gz", ".osm.pbf", ".pbf", ".osm.xml", ".xml")


def street_network_from_osm_file(
    path: str | Path,
    *,
    clip_to: shapely.Geometry | gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    buffer_m: float | None = None,
    nation: str | None = None,
    working_crs: str | None = None,
) -> ImportResult:
    """Build the ``streets`` layer from an OpenStreetMap file.

    Parameters
    ----------
    path
        ``.osm`` (XML), ``.osm.bz2``, ``.osm.gz`` or ``.osm.pbf``; a ``.graphml`` file
        osmnx saved is read by :func:`street_network_from_graphml`.
    clip_to
        Keep only segments within ``buffer_m`` of this area (in the working CRS), usually
        the zones. ``None`` keeps everything.
    buffer_m
        Distance around ``clip_to`` to keep, in metres (default
        :data:`settings.street_buffer_m`).
    nation
        Decides ``GB:nsl_restricted`` (see :func:`healthy_streets.model.speed_from_tags`).
    working_crs
        The CRS of the layer (default :data:`settings.working_crs`).

    Returns
    -------
    ImportResult
        ``.layer`` is the ``streets`` layer (one row per segment); rows of the account are
        OSM ways: ``.repaired`` lists ways with nodes missing from the file, ``.rejected``
        ways that could not be drawn at all; ``.notes`` counts ways that are not streets.

    Examples
    --------
    >>> result = street_network_from_osm_file("data/sample/yarrowside.osm")
    >>> print(result.summary())
    yarrowside.osm: 292 highway ways: 292 kept (0 repaired), 0 rejected; 581 streets rows.
    >>> result.layer.groupby("speed_mph")["length_m"].sum().round()  # metres of street
    speed_mph
    18.6       50.0
    20.0    19641.0
    30.0    15769.0
    40.0      275.0
    Name: length_m, dtype: float64
    """
    if isinstance(path, str | os.PathLike) and is_graphml(path):  # osmnx's: its own reader
        return street_network_from_graphml(
            path, clip_to=clip_to, buffer_m=buffer_m, nation=nation, working_crs=working_crs
        )
    path = check_input(path)
    buffer_m = check_buffer_m(buffer_m)
    window = lonlat_window(clip_to, buffer_m, working_crs)
    with no_cycle_collection():
        ways, source = read_osm_file(path, lambda source: read_ways(source, window))
        return network_from_ways(
            ways,
            source,
            clip_to=clip_to,
            buffer_m=buffer_m,
            nation=nation,
            working_crs=working_crs,
        )


def network_from_ways(
    ways: Ways,
    source: OsmSource,
    *,
    clip_to: shapely.Geometry | gpd.GeoDataFrame | gpd.GeoSeries | None,
    buffer_m: float | None,
    nation: str | None,
    working_crs: str | None,
) -> ImportResult:
    """The ``streets`` import of the ways a pass over ``source`` found (see
    :func:`street_network_from_osm_file`, whose options these are)."""
    path = source.path
    book = AccountBook(path.name)
    street_ways = placed_runs(ways.streets, book, source.bad_nodes)
    if not _has_edges(street_ways) and ways.beyond_area:
        reach = f" (within {buffer_m:g} m of them)" if buffer_m is not None else ""
        raise InputFileError(
            path,
            f"None of the file's {counted(ways.beyond_area, 'street way')} lies near the "
            f"zones{reach}: the extract and the zones are of different places",
            fix="Give an OpenStreetMap extract of the zones' area, or the zones of the extract's.",
        )
    if not _has_edges(street_ways):
        raise InputFileError(
            path,
            "The file holds no streets (no usable highway=* ways)",
            fix="Check it is an OpenStreetMap extract of the right area.",
        )
    notes = _notes(ways) + [note for note in [source.note()] if note]
    try:
        segments: Segments | None = segments_from_ways(street_ways)
    except NotSimpleError:  # osmnx's walk along a way through a node twice: its graph
        segments = None
    if segments is not None and segments.merged:
        notes.append(_merged_note(segments, street_ways))
    warning = _outside_uk_nodes(street_ways, working_crs, segments)
    if warning:
        notes = [warning, *notes]
    uk_defaults = warning is None
    if segments is not None:
        streets = streets_from_ways(
            street_ways,
            nation=nation,
            working_crs=working_crs,
            uk_defaults=uk_defaults,
            segments=segments,
        )
    else:
        graph = _graph_from_ways(street_ways)
        streets = streets_from_graph(
            graph,
            nation=nation,
            working_crs=working_crs,
            uk_defaults=uk_defaults,
            zone_tags=True,
            graph_edges=False,  # the toolkit's graph of the file: ids as the file reader's
        )
    if uk_defaults:
        streets, note = _national_limit_outside_towns(streets, ways)
        notes += [note] if note else []
    date = data_date(source.path, ways.newest)
    if date is not None:
        old = date.old_warning()
        notes = [old, *notes] if old else notes
        notes.append(date.sentence())
    result = _streets_result(
        streets,
        book,
        rows_in=len(ways.streets.way_ids),
        notes=notes,
        clip_to=clip_to,
        buffer_m=buffer_m,
    )
    result.data_date = date
    return result


#: How much of the start of an XML file is looked at for its date (before its first element).
_HEAD_BYTES = 1 << 16
_FIRST_ELEMENT = re.compile(rb"<(?:node|way|relation|changeset)\b")
_ROOT_TIMESTAMP = re.compile(rb"""<osm\b[^>]*?\stimestamp\s*=\s*["']([^"'<>]{1,40})["']""")
_OSM_BASE = re.compile(rb"""<meta\b[^>]*?\sosm_base\s*=\s*["']([^"'<>]{1,40})["']""")


def data_date(path: Path, newest: str | None = None) -> OsmDate | None:
    """The date of the OpenStreetMap data in the file ``path``
    (:mod:`healthy_streets.model.osm_date`): its header's replication timestamp (a PBF's,
    as pyosmium reads it), the XML's ``<osm timestamp>`` or Overpass's
    ``<meta osm_base>`` (which pyosmium does not read: looked for in the XML's first
    64 KB, before its first element), else ``newest``, the newest timestamp of its ways;
    ``None`` when none of them is a date."""
    import osmium

    try:
        reader = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING)
        try:
            stamp = reader.header().get("osmosis_replication_timestamp")
        finally:
            reader.close()
    except (RuntimeError, ValueError, OSError, osmium.InvalidLocationError):
        stamp = None  # a damaged header (minlat="nan"): the read says what is wrong
    date = osm_date_from_text(stamp, "replication")
    if date is None and _is_xml(path):
        head = _xml_head(path)
        for pattern, basis in ((_ROOT_TIMESTAMP, "timestamp"), (_OSM_BASE, "osm_base")):
            found = pattern.search(head)
            date = osm_date_from_text(found[1], basis) if found else None
            if date is not None:
                break
    return date or osm_date_from_text(newest, "newest")


def _xml_head(path: Path) -> bytes:
    """The start of an XML file (through bzip2 or gzip), up to its first element."""
    try:
        with _open_xml(path) as handle:
            head = handle.read(_HEAD_BYTES)
    except (OSError, EOFError, ValueError):
        return b""
    first = _FIRST_ELEMENT.search(head)
    return head[: first.start()] if first else head


#: A road with a building this near (metres) is taken as built-up: restricted, not national.
_HOUSES_WITHIN_M = 100.0
#: ``lit=*`` values that say a road has no street lights.
_UNLIT = frozenset({"no", "disused", "0", "false"})


def _national_limit_outside_towns(
    streets: gpd.GeoDataFrame, ways: Ways
) -> tuple[gpd.GeoDataFrame, str | None]:
    """Roads of :data:`~healthy_streets.model.speed.RURAL_CLASSES` given the restricted-road
    default (no speed tag) that lie wholly outside the built-up land the file maps, have no
    building within 100 m and are not lit (no ``lit=*`` saying they are) take the national
    limit instead, still counted as assumed (source ``default``); and the note saying so. A
    file that maps no built-up land (``landuse=residential``...) is left as it is: nothing
    tells town from country (buildings alone, which a small extract may hold a few of, do
    not)."""
    if not ways.built_up or streets.empty:
        return streets, None
    lit = ways.streets.tags["lit"].to_numpy(dtype=object)
    lit_ways = ways.streets.way_ids[
        np.array([v is not None and str(v).strip().lower() not in _UNLIT for v in lit], bool)
    ]
    candidates = (
        (streets["speed_source"] == "default")
        & streets["highway"].isin(RURAL_CLASSES)
        & ~streets["osm_way_id"].isin(lit_ways)
    ).to_numpy()
    if not candidates.any():
        return streets, None
    roads = streets.geometry.to_numpy()[candidates]
    inside = np.zeros(len(roads), dtype=bool)
    if ways.built_up:
        built = gpd.GeoSeries(ways.built_up, crs="EPSG:4326").to_crs(streets.crs).to_numpy()
        hits = shapely.STRtree(built).query(roads, predicate="intersects")
        inside[np.unique(hits[0])] = True
    if len(ways.buildings[0]):  # houses along it: a village the landuse does not cover
        houses = gpd.GeoSeries(gpd.points_from_xy(*ways.buildings), crs="EPSG:4326").to_crs(
            streets.crs
        )
        hits = shapely.STRtree(houses.to_numpy()).query(
            roads, predicate="dwithin", distance=_HOUSES_WITHIN_M
        )
        inside[np.unique(hits[0])] = True
    rural = np.flatnonzero(candidates)[~inside]
    if not len(rural):
        return streets, None
    streets = streets.copy()
    column = streets.columns.get_loc("speed_mph")
    streets.iloc[rural, column] = NATIONAL_SINGLE_MPH
    km = streets["length_m"].to_numpy()
    rural_km, town_km = km[rural].sum() / 1000, km[np.flatnonzero(candidates)[inside]].sum() / 1000
    return streets, (
        f"{rural_km:.1f} km of road with no speed tag (trunk, primary, secondary, tertiary, "
        "unclassified) lies outside the built-up land the file maps (landuse=residential, "
        f"commercial or retail, or a building within {_HOUSES_WITHIN_M:g} m) and has no lit=yes: "
        "it is assumed to have the national limit, "
        f"{NATIONAL_SINGLE_MPH:g} mph, as an unlit road outside a town does; {town_km:.1f} km of "
        "such road within built-up land is assumed to be a restricted road (30 mph, or 20 mph "
        "in Wales)."
    )


def _unreadable_maxspeed_note(streets: gpd.GeoDataFrame) -> str | None:
    """How much road has a ``maxspeed`` that gives no limit, by value: read as unknown."""
    if streets.empty or "maxspeed" not in streets:
        return None
    raw = streets["maxspeed"].astype("object")
    bad = (streets["speed_source"] == "unknown") & raw.notna() & ~raw.isin(["", "None", "nan"])
    if not bad.any():
        return None
    km = streets.loc[bad, "length_m"].groupby(raw[bad]).sum().sort_values(ascending=False) / 1000
    listed = [f"{k:.1f} km with {unreadable_maxspeed(value)}" for value, k in km.head(6).items()]
    more = f" and {len(km) - 6} other values" if len(km) > 6 else ""
    return (
        f"{'; '.join(listed)}{more}: read as unknown (the tag gives no limit, so no default "
        "is assumed)."
    )


def _merged_note(segments: Segments, ways: StreetWays) -> str:
    """What became of street segments another way maps again, the other way round."""
    laid = sorted({int(p) for under in segments.merged.values() for p in under})
    way_ids = sorted({int(ways.way_ids[segments.piece_way[p]]) for p in laid})
    shown = ", ".join(str(w) for w in way_ids[:5]) + (", ..." if len(way_ids) > 5 else "")
    return (
        f"{counted(len(laid), 'street segment')} of OSM ways {shown} run over the same nodes "
        "as another way's, the other way round (the same street mapped twice): each pair is "
        "one segment, with the later way's id and the tags of both, as osmnx's undirected "
        "graph makes it."
    )


def street_network_from_graphml(
    path: str | Path,
    *,
    clip_to: shapely.Geometry | gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    buffer_m: float | None = None,
    nation: str | None = None,
    working_crs: str | None = None,
) -> ImportResult:
    """Build the ``streets`` layer from a GraphML file saved by osmnx (``ox.save_graphml``).

    Edges whose ``highway`` is missing or not a street in use are left out and counted. A
    graph osmnx already simplified may hold segments that span several ways; their
    ``osm_way_id`` is the lowest of them and list-valued tags are joined with ``;``. A
    GraphML file holds streets only: community assets and the maps' background come from
    an OpenStreetMap file.

    Parameters
    ----------
    path
        The ``.graphml`` file.
    clip_to
        Keep only segments within ``buffer_m`` of this area (in the working CRS), usually
        the zones. ``None`` keeps everything.
    buffer_m
        Distance around ``clip_to`` to keep, in metres (default
        :data:`settings.street_buffer_m`).
    nation
        Decides ``GB:nsl_restricted`` (see :func:`healthy_streets.model.speed_from_tags`).
    working_crs
        The CRS of the layer (default :data:`settings.working_crs`).

    Returns
    -------
    ImportResult
        ``.layer`` is the ``streets`` layer, with the undirected graph's ``u``, ``v`` and
        ``key``; rows of the account are OSM ways, and ``.notes`` counts the edges left
        out.

    Raises
    ------
    InputFileError
        When the file is missing or empty, cannot be read as an osmnx GraphML graph, or
        holds no streets.
    ConfigError
        When ``buffer_m`` is not a distance the toolkit accepts.

    Examples
    --------
    A graph saved from osmnx (here the sample's extract), kept to 200 m around the zones:

    >>> import osmnx as ox
    >>> G = ox.graph_from_xml("data/sample/yarrowside.osm", retain_all=True)
    >>> ox.save_graphml(G, out / "area.graphml")
    >>> result = street_network_from_graphml(out / "area.graphml", clip_to=layers.zones,
    ...                                      buffer_m=200)
    >>> print(result.summary())
    area.graphml: 292 highway ways: 292 kept (0 repaired), 0 rejected; 487 streets rows.
    >>> result.layer[["segment_id", "u", "v", "key", "speed_mph"]].head(3)
      segment_id    u    v  key  speed_mph
    0  7-121-124  121  124    0       30.0
    1  9-124-125  124  125    0       30.0
    2  9-125-133  125  133    0       30.0
    """
    path = check_input(path)
    buffer_m = check_buffer_m(buffer_m)
    import osmnx as ox  # heavy: only for GraphML

    try:
        graph = ox.load_graphml(path)
    except Exception as exc:
        raise InputFileError(
            path,
            f"The file cannot be read as an osmnx GraphML graph ({str(exc).splitlines()[0]})",
            fix="Save the graph again with osmnx.save_graphml, or use the .osm file.",
        ) from None
    book = AccountBook(path.name)
    # osmnx keeps nodes a clipped extract lacked, and every way it was asked for
    try:
        found = street_graph(graph)
    except ConfigError:  # no CRS, and coordinates that are not degrees
        raise InputFileError(
            path,
            "The graph names no CRS (no crs graph attribute) and its coordinates are not "
            "longitude and latitude",
            fix="Load it with osmnx.load_graphml, name its CRS (G.graph['crs'] = "
            "'EPSG:27700'), and save it again with osmnx.save_graphml.",
        ) from None
    graph = found.graph
    if graph.number_of_edges() == 0:
        raise InputFileError(
            path,
            "The graph holds no streets (no highway=* edges)",
            fix="Check it is a street network graph.",
        )
    ways = {
        w
        for *_, d in graph.edges(data=True)
        for w in (d["osmid"] if isinstance(d.get("osmid"), list) else [d.get("osmid")])
    }
    return finish_network(
        graph,
        book,
        rows_in=len(ways),
        notes=found.notes(),
        clip_to=clip_to,
        buffer_m=buffer_m,
        nation=nation,
        working_crs=working_crs,
        graph_edges=True,
    )


def finish_network(
    graph: nx.MultiDiGraph,
    book: AccountBook,
    *,
    rows_in: int,
    notes: list[str],
    clip_to: shapely.Geometry | gpd.GeoDataFrame | gpd.GeoSeries | None,
    buffer_m: float | None,
    nation: str | None,
    working_crs: str | None,
    zone_tags: bool | None = None,
    graph_edges: bool = False,
) -> ImportResult:
    """From a street graph to the import result: segments, speeds, clipping, the account.

    Streets outside Great Britain and Northern Ireland get no UK default speed, and the
    account warns that UK rules and British National Grid do not apply there. What the
    graph lost (the tags of a signed 20mph zone, unless ``zone_tags`` says it was read with
    them; ways of several kinds merged into one edge) is said among the account's notes.
    With ``graph_edges``, the graph is one the analyst has too (a GraphML file), and the
    segments name its edges (see
    :func:`~healthy_streets.model.streets.streets_from_graph`)."""
    warning = _outside_uk(graph, working_crs)
    if warning:
        notes = [warning, *notes]
    losses: list[str] = []
    streets = streets_from_graph(
        graph,
        nation=nation,
        working_crs=working_crs,
        uk_defaults=warning is None,
        zone_tags=zone_tags,
        notes=losses,
        graph_edges=graph_edges,
    )
    notes = [*notes, *(f"Warning: {loss}" for loss in losses)]
    return _streets_result(
        streets, book, rows_in=rows_in, notes=notes, clip_to=clip_to, buffer_m=buffer_m
    )


def _streets_result(
    streets: gpd.GeoDataFrame,
    book: AccountBook,
    *,
    rows_in: int,
    notes: list[str],
    clip_to: shapely.Geometry | gpd.GeoDataFrame | gpd.GeoSeries | None,
    buffer_m: float | None,
) -> ImportResult:
    streets = clip_streets(streets, clip_to, buffer_m, notes)
    note = _unreadable_maxspeed_note(streets)
    notes = [*notes, note] if note else notes
    kept_ways = rows_in - len(book.rejected_rows)
    log.info("%s: %d street ways, %d segments", book.source, kept_ways, len(streets))
    return book.result(streets, rows_in, notes=notes, unit="highway ways", rows_kept=kept_ways)


#: Nodes looked at to tell where a network lies.
_PLACE_SAMPLE = 20_000


def _outside_uk(graph: nx.MultiDiGraph, working_crs: str | None) -> str | None:
    """The warning for a network outside Great Britain and Northern Ireland, else None."""
    nodes = list(graph.nodes(data=True))
    step = max(1, len(nodes) // _PLACE_SAMPLE)
    lon = [data["x"] for _, data in nodes[::step] if "x" in data]
    lat = [data["y"] for _, data in nodes[::step] if "y" in data]
    return lonlat_outside_uk_note(
        np.asarray(lon), np.asarray(lat), what="The streets", working_crs=working_crs
    )


def _outside_uk_nodes(
    ways: StreetWays, working_crs: str | None, segments: Segments | None = None
) -> str | None:
    """:func:`_outside_uk` for street ways: the same nodes looked at, in the graph's order
    (the order ``segments`` holds them in, when given)."""
    if segments is not None:
        lon, lat = segments.lon, segments.lat
    else:
        _, first = np.unique(ways.refs, return_index=True)
        first.sort()
        lon, lat = ways.lon[first], ways.lat[first]
    step = max(1, len(lon) // _PLACE_SAMPLE)
    return lonlat_outside_uk_note(
        lon[::step], lat[::step], what="The streets", working_crs=working_crs
    )


@dataclass
class OsmSource:
    """An OpenStreetMap file to read, or a copy of it with unreadable coordinates removed.

    Attributes
    ----------
    path
        The file.
    data
        The XML with the ``lat``/``lon`` of :attr:`bad_nodes` removed, or ``None`` to read
        the file as it is.
    bad_nodes
        Node id -> the coordinates it had (``lat 'nan'``): libosmium refuses the whole file
        for one of these, so these nodes are read as having no place.
    """

    path: Path
    data: bytes | None = None
    bad_nodes: dict[int, str] = field(default_factory=dict)

    def note(self) -> str | None:
        """A note naming the nodes read with no place, if any."""
        if not self.bad_nodes:
            return None
        shown = "; ".join(f"OSM node {n}: {v}" for n, v in list(self.bad_nodes.items())[:5])
        more = ", …" if len(self.bad_nodes) > 5 else ""
        return (
            f"{counted(len(self.bad_nodes), 'OSM node')} had coordinates that are not numbers "
            f"in range ({shown}{more}) and were read as having no place: what runs through "
            "them is repaired or left out, as the account says."
        )


class _UnreadableCoordinatesError(Exception):
    """libosmium refused a node's coordinates; the file is read again without them."""


def is_graphml(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names an osmnx GraphML file (by its extension)."""
    return Path(path).suffix.lower() == ".graphml"


def refuse_graphml(path: Path, what: str, instead: str | None = None) -> None:
    """Refuse a GraphML file where an OpenStreetMap file is read for ``what`` (it holds
    the streets only), naming what to give, or do ``instead``."""
    if is_graphml(path):
        raise InputFileError(
            path,
            f"A GraphML file holds an osmnx street graph only, not the {what} an "
            "OpenStreetMap file maps",
            fix="Give the OpenStreetMap extract (.osm or .osm.pbf) the graph was made from"
            + (f", or {instead}" if instead else "")
            + "; read the GraphML file's streets with street_network_from_graphml.",
        )


def read_osm_file(path: Path, read: Callable[[OsmSource], T]) -> tuple[T, OsmSource]:
    """Run ``read`` over an OSM file; when libosmium refuses the file for a node's
    coordinates (``lat="nan"``, ``lat=""``), run it again over a copy whose such nodes have
    none. An XML file with a coordinate written with an exponent (``lat="1e400"``, which
    libosmium reads as 0 without a word) is read through that copy from the start: there,
    such a coordinate in range is written out in full and one out of range is taken off.

    Returns ``read``'s result and the source it read (its ``bad_nodes`` say which nodes
    lost their coordinates).
    """
    refuse_graphml(path, "community assets and map background")
    if _is_xml(path) and _has_exponent(path):  # libosmium may read it as 0, unsaid
        source = _without_bad_coordinates(path)
        return read(source), source
    try:
        source = OsmSource(path)
        return read(source), source
    except _UnreadableCoordinatesError:
        source = _without_bad_coordinates(path)
        return read(source), source


def osm_elements(source: OsmSource, *filters: Any, areas: Any = None) -> Iterator[Any]:
    """The elements of an OSM file that pass ``filters`` (pyosmium filters), with node
    locations on ways and, with ``areas`` (a filter), the areas assembled from closed ways
    and multipolygons. A damaged file raises :class:`InputFileError`. Read the file through
    :func:`read_osm_file`, which mends coordinates libosmium cannot read."""
    import osmium

    processor = osmium.FileProcessor(osmium_input(source)).with_locations()
    if areas is not None:
        processor = processor.with_areas(areas)
    for filter_ in filters:
        processor = processor.with_filter(filter_)
    with reading(source):
        yield from processor


def osmium_input(source: OsmSource) -> Any:
    """What pyosmium reads: the file, or the mended copy of it."""
    import osmium

    return osmium.io.FileBuffer(source.data, "osm") if source.data is not None else str(source.path)


@contextlib.contextmanager
def reading(source: OsmSource) -> Iterator[None]:
    """libosmium's errors as the toolkit's: a file refused for a node's coordinates is read
    again without them (:func:`read_osm_file`); anything else is a damaged file."""
    import osmium

    try:
        yield
    except osmium.InvalidLocationError as exc:
        if source.data is None and _is_xml(source.path):
            raise _UnreadableCoordinatesError from None
        raise _unreadable_osm(source.path, exc) from None
    except (RuntimeError, ValueError) as exc:  # libosmium: damaged data, an id that is text
        raise _unreadable_osm(source.path, exc) from None


#: Files of other kinds given for OpenStreetMap data, by their name.
_NOT_OSM = {
    ".geojson": "GeoJSON",
    ".json": "JSON",
    ".gpkg": "GeoPackage",
    ".shp": "Shapefile",
    ".zip": "zip",
    ".kml": "KML",
    ".kmz": "KMZ",
    ".csv": "CSV",
    ".xlsx": "Excel",
}


def _unreadable_osm(path: Path, exc: Exception) -> InputFileError:
    kind = _NOT_OSM.get(path.suffix.lower())
    if kind is not None:
        return InputFileError(
            path,
            f"This is a {kind} file, not OpenStreetMap data",
            fix="Give an OpenStreetMap extract (.osm, .osm.pbf, .osm.bz2, for example from "
            "Geofabrik) or an osmnx GraphML file; zones, places and reports have their own "
            "options.",
        )
    detail = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
    fix = (
        "Sort it first, for example: osmium sort FILE -o sorted.osm.pbf."
        if "out of order" in detail
        else "It may be damaged or incomplete: download or export it again."
    )
    return InputFileError(
        path, f"The file cannot be read as OpenStreetMap data ({detail})", fix=fix
    )


def _is_xml(path: Path) -> bool:
    name = path.name.lower()
    return not name.endswith(".pbf") and name.endswith(OSM_SUFFIXES)


_NODE_TAG = re.compile(rb"""<node\b(?:[^>"']|"[^"]*"|'[^']*')*>""")
_COORDINATE = re.compile(rb"""\s(lat|lon)\s*=\s*("[^"]*"|'[^']*')""")
_NODE_ID = re.compile(rb"""\sid\s*=\s*["']\s*(-?\d{1,19})\s*["']""")
_NUMBER = re.compile(rb"-?(?:\d{1,3}(?:\.\d{0,15})?|\.\d{1,15})")
_EXPONENT_NUMBER = re.compile(rb"[-+]?(?:\d+(?:\.\d*)?|\.\d+)[eE][-+]?\d+")
#: A node's coordinate written with an exponent, looked for before libosmium reads the file
#: (what else it finds, a header's ``minlat="1e-5"``, only sends the file the mended way).
_EXPONENT = re.compile(rb"""l(?:at|on)\s*=\s*["'][^"'<>]{0,40}[eE]""")
#: The extract's box in the file's header: only a hint, which libosmium refuses whole
#: files for (``minlat="nan"``); left out of the mended copy.
_BOUNDS = re.compile(rb"<bounds\b[^>]*?(?:/>|>\s*</bounds\s*>)")


def _has_exponent(path: Path) -> bool:
    """Whether a node's coordinate in the XML of ``path`` (compressed or not) is written
    with an exponent; read a block at a time."""
    tail = b""
    try:
        with _open_xml(path) as handle:
            while block := handle.read(1 << 22):
                if _EXPONENT.search(block) or _EXPONENT.search(tail + block[:64]):
                    return True
                tail = block[-64:]
    except (OSError, EOFError, ValueError):  # damaged: libosmium says what is wrong
        return False
    return False


def _without_bad_coordinates(path: Path) -> OsmSource:
    """The XML of ``path`` with the coordinates libosmium cannot read taken off their
    nodes (not numbers, or beyond -180 to 180), and which nodes those were."""
    raw = path.read_bytes()
    try:
        if raw.startswith(b"BZh"):
            raw = bz2.decompress(raw)
        elif raw.startswith(b"\x1f\x8b"):
            raw = gzip.decompress(raw)
    except (OSError, ValueError, EOFError) as exc:
        raise _unreadable_osm(path, exc) from None
    bad: dict[int, str] = {}

    def mend(match: re.Match[bytes]) -> bytes:
        tag = match[0]
        values = {m[1].decode(): m[2][1:-1] for m in _COORDINATE.finditer(tag)}
        plain = {k: _plain(v) for k, v in values.items()}
        if all(v is not None for v in plain.values()):
            if plain == values:
                return tag
            return _COORDINATE.sub(lambda m: b' %s="%s"' % (m[1], plain[m[1].decode()]), tag)
        node = _NODE_ID.search(tag)
        if node is not None:
            bad[int(node[1])] = ", ".join(
                f"{k} {v.decode('utf-8', 'replace')[:40]!r}" for k, v in values.items()
            )
        return _COORDINATE.sub(b"", tag)

    data = _NODE_TAG.sub(mend, _BOUNDS.sub(b"", raw))
    return OsmSource(path, data, bad)


def _open_xml(path: Path) -> IO[bytes]:
    """The XML of ``path``, read through bzip2 or gzip when it is compressed."""
    with path.open("rb") as handle:
        magic = handle.read(3)
    if magic == b"BZh":
        return bz2.open(path, "rb")
    if magic.startswith(b"\x1f\x8b"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def _plain(value: bytes) -> bytes | None:
    """A coordinate as libosmium reads it right: as it is, a number of up to three digits
    before the point; written out in full, one with an exponent (``5.365e1``); else
    ``None`` (not a number, or beyond -180 to 180)."""
    if _NUMBER.fullmatch(value) is not None:
        return value if abs(float(value)) <= 180 else None
    if _EXPONENT_NUMBER.fullmatch(value) is None:
        return None
    number = float(value)
    return f"{number:.7f}".encode() if math.isfinite(number) and abs(number) <= 180 else None


def lonlat_window(
    clip_to: shapely.Geometry | gpd.GeoDataFrame | gpd.GeoSeries | None,
    buffer_m: float | None,
    working_crs: str | None,
) -> tuple[float, float, float, float] | None:
    """The longitude/latitude box around ``clip_to`` and its buffer (with a margin), so that
    ways far beyond the zones in a county extract are skipped as the file is read."""
    if clip_to is None:
        return None
    if isinstance(clip_to, gpd.GeoDataFrame | gpd.GeoSeries):
        area = clip_to.geometry if isinstance(clip_to, gpd.GeoDataFrame) else clip_to
    else:
        area = gpd.GeoSeries([clip_to], crs=working_crs or settings.working_crs)
    if area.crs is None or area.is_empty.all():
        return None
    distance = settings.street_buffer_m if buffer_m is None else buffer_m
    projected = area.to_crs(working_crs or settings.working_crs)
    box = shapely.box(*projected.total_bounds).buffer(distance + 100, join_style="mitre")
    minx, miny, maxx, maxy = gpd.GeoSeries([box], crs=projected.crs).to_crs(4326).total_bounds
    return float(minx), float(miny), float(maxx), float(maxy)


def read_ways(source: OsmSource, window: tuple[float, float, float, float] | None = None) -> Ways:
    """Every way of the file, written by libosmium as OPL, and every node's place, kept by
    libosmium in an index on disk, read back as arrays (see
    :mod:`healthy_streets.io._osm_ways`)."""
    import osmium

    with scratch_folder() as folder:
        opl = Path(folder) / "ways.opl"
        with NodeIndex(Path(folder)) as index:
            writer = osmium.SimpleWriter(osmium.io.File(str(opl), OPL_FORMAT))
            try:
                with reading(source):
                    osmium.apply(
                        osmium_input(source),
                        index.handler,
                        osmium.filter.EntityFilter(osmium.osm.WAY),
                        writer,
                    )
            finally:
                writer.close()
            places = index.places(source)
        return parse_ways(opl.read_bytes(), places, window)


def scratch_folder() -> tempfile.TemporaryDirectory[str]:
    """A temporary folder for libosmium's node index, whose path has no comma (libosmium
    reads an index's file name up to one): in the system's temporary folder, or, when that
    path has a comma (``TMPDIR=/home/a,b/tmp``), in the first of the other folders Python
    looks in (``TEMP``, ``TMP``, ``/tmp``, ``/var/tmp``, ``/usr/tmp``, the current folder)
    that has none and can be written to (logged)."""
    system = tempfile.gettempdir()
    # the folders Python's tempfile looks in; each is used through mkdtemp (private, 0700)
    named = [os.environ.get(name, "") for name in ("TMPDIR", "TEMP", "TMP")]
    usual = ["/tmp", "/var/tmp", "/usr/tmp"]  # noqa: S108
    for base in dict.fromkeys([system, *named, *usual, str(Path.cwd())]):
        if not base or "," in base or not Path(base).is_dir():
            continue
        try:
            folder = tempfile.TemporaryDirectory(prefix="healthy-streets-", dir=base)
        except OSError:
            continue
        if base != system:
            log.info(
                "The temporary folder %s has a comma in its name, which libosmium cannot use "
                "for its node index: using %s instead.",
                system,
                folder.name,
            )
        return folder
    raise ConfigError(
        f"The temporary folder {system!r} has a comma in its name, which libosmium cannot use "
        "for its node index, and no other could be written to. Set TMPDIR to a folder whose "
        "path has no comma."
    )


class NodeIndex:
    """Every node's place, kept by libosmium in a ``sparse_file_array`` index in a folder
    as :attr:`handler` sees the nodes, and read back as arrays by :meth:`places`. Used as
    a context manager, it lets libosmium close the file at the end (before the folder is
    removed: Windows removes no file still open)."""

    def __init__(self, folder: Path) -> None:
        import osmium

        self.path = folder / "nodes.index"
        if "," in str(self.path):  # libosmium reads the file name up to a comma
            raise ConfigError(
                f"The temporary folder {str(folder)!r} has a comma in its name, which "
                "libosmium cannot use for its node index. Set TMPDIR to a folder whose "
                "path has no comma."
            )
        self.table: Any = osmium.index.create_map(f"sparse_file_array,{self.path}")
        self.handler: Any = osmium.NodeLocationsForWays(self.table)
        self.handler.ignore_errors()  # a node the file lacks is a way's missing node
        self.handler.apply_nodes_to_ways = False  # ways' nodes are looked up on arrays

    def __enter__(self) -> NodeIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handler = self.table = None  # libosmium unmaps and closes the file

    def places(self, source: OsmSource) -> NodePlaces:
        """The places kept; nodes whose coordinates are out of range have none, and are
        added to ``source.bad_nodes``."""
        places = NodePlaces.from_index(self.path, self.table)
        source.bad_nodes.update(places.out_of_range())
        return places


def _graph_from_ways(ways: StreetWays) -> nx.MultiDiGraph:
    """An osmnx-style graph (unsimplified) of street ways whose nodes all have a place: one
    edge per pair of consecutive nodes, in the way's direction."""
    graph = nx.MultiDiGraph(crs="epsg:4326")
    refs, lon, lat = ways.refs.tolist(), ways.lon.tolist(), ways.lat.tolist()
    offsets = ways.offsets.tolist()
    tags_of = [
        {k: v for k, v in row.items() if isinstance(v, str)} for row in ways.tags.to_dict("records")
    ]
    for w, (way_id, tags) in enumerate(zip(ways.way_ids.tolist(), tags_of, strict=True)):
        run = range(offsets[w], offsets[w + 1])
        for i in run:
            graph.add_node(refs[i], x=lon[i], y=lat[i])
        for i, j in itertools.pairwise(run):
            if refs[i] != refs[j]:
                graph.add_edge(refs[i], refs[j], osmid=way_id, **tags)
    return graph


def _has_edges(ways: StreetWays) -> bool:
    """Whether any way joins two different nodes (a graph of them has an edge)."""
    if len(ways.refs) < 2:
        return False
    differ = ways.refs[1:] != ways.refs[:-1]
    within = np.ones(len(ways.refs) - 1, dtype=bool)
    within[ways.offsets[1:-1] - 1] = False
    return bool((differ & within).any())


def clip_streets(
    streets: gpd.GeoDataFrame,
    clip_to: shapely.Geometry | gpd.GeoDataFrame | gpd.GeoSeries | None,
    buffer_m: float | None,
    notes: list[str],
) -> gpd.GeoDataFrame:
    """The streets within ``buffer_m`` of ``clip_to`` (all of them when it is ``None``);
    how many were left out is added to ``notes``."""
    if clip_to is None:
        return streets
    if isinstance(clip_to, gpd.GeoDataFrame | gpd.GeoSeries):
        area = clip_to.to_crs(streets.crs).union_all()
    else:
        area = clip_to
    distance = settings.street_buffer_m if buffer_m is None else buffer_m
    area = area.buffer(distance)
    keep = streets.intersects(area)
    dropped = int((~keep).sum())
    if dropped:
        notes.append(
            f"Left out: {counted(dropped, 'segment')} more than {distance:g} m from the zones."
        )
    return streets[keep].reset_index(drop=True)


def _notes(ways: Ways) -> list[str]:
    notes = []
    if ways.not_streets:
        total = sum(ways.not_streets.values())
        note = f"Left out: {counted(total, 'way')} that are not streets ({kinds(ways.not_streets)})"
        notes.append(with_maxspeed(note, ways.not_streets_with_maxspeed))
    if ways.highway_left_out:
        notes.append(not_roads_note(ways.highway_left_out, "highway way"))
    if ways.beyond_area:
        notes.append(
            f"Not read: {counted(ways.beyond_area, 'street way')} wholly beyond the area "
            "around the zones."
        )
    return notes


def is_osm_file(path: str | Path) -> bool:
    """True for a file name an OpenStreetMap extract would have."""
    name = Path(path).name.lower()
    return name.endswith(OSM_SUFFIXES)
