"""The ``streets`` layer from what an analyst has: an osmnx graph, its edges, or the layer.

:func:`as_streets` is the one door: every function that takes streets passes what it was
given through it, so an osmnx/NetworkX ``MultiDiGraph``, osmnx's edge GeoDataFrame
(``ox.graph_to_gdfs(G, nodes=False)``) and a normalised ``streets`` layer are all accepted,
and converted once. Only the graph's streets are kept (:func:`street_graph`), and each
segment keeps the graph's own ``u``, ``v`` and ``key`` and lists the graph's edges it is
made of (``graph_edges``; :func:`segment_graph_edges`), so that joining a result back to
the graph needs no parsing of ``segment_id``: also when the graph is unsimplified and the
toolkit joins its edges between junctions into one segment.

The file readers (:mod:`healthy_streets.io.osm`) build their graphs and finish them here
too (:func:`streets_from_graph`).

osmnx is imported when a graph is converted, not with this module: the analysis functions
that pass their streets through :func:`as_streets` should not pay for it otherwise.
"""

from __future__ import annotations

import logging
import sys
import weakref
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from healthy_streets import settings
from healthy_streets._audience import option
from healthy_streets.errors import ConfigError
from healthy_streets.model.layers import STREETS, conform
from healthy_streets.model.speed import is_signed_20mph_zone, speed_from_tags
from healthy_streets.model.uk import lonlat_outside_uk_note
from healthy_streets.model.words import counted

__all__ = [
    "NOT_STREET_HIGHWAYS",
    "NOT_STREET_KINDS",
    "ROAD_CLASSES",
    "ZONE_TAGS",
    "StreetGraph",
    "as_streets",
    "is_osm_edges",
    "is_streets_layer",
    "segment_graph_edges",
    "street_graph",
    "streets_from_edges",
    "streets_from_graph",
]

log = logging.getLogger(__name__)

#: ``highway=*`` values that are not streets people use today.
NOT_STREET_HIGHWAYS = frozenset(
    {
        "proposed",
        "planned",
        "construction",
        "abandoned",
        "disused",
        "razed",
        "platform",
        "rest_area",
        "services",
        "elevator",
        "emergency_bay",
        "no",
    }
)

#: What an edge or way that is no street is counted as: the first of these keys it has
#: (osmnx keeps ``landuse`` by default, the others only when asked).
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

#: ``highway`` -> road class (see the ``streets.road_class`` column). Unlisted values are
#: ``local``.
ROAD_CLASSES: dict[str, str] = {
    **dict.fromkeys(
        [
            "motorway",
            "motorway_link",
            "trunk",
            "trunk_link",
            "primary",
            "primary_link",
            "secondary",
            "secondary_link",
        ],
        "main",
    ),
    **dict.fromkeys(
        [
            "footway",
            "cycleway",
            "path",
            "steps",
            "pedestrian",
            "bridleway",
            "track",
            "corridor",
            "sidewalk",
            "crossing",
            "via_ferrata",
            "busway",
            "bus_guideway",
        ],
        "path",
    ),
}
#: When osmnx merged ways of several classes into one edge, which part is which is lost:
#: the edge takes the least road-like class of them (a residential street merged with a
#: footway is not counted as street, nor given a street's limit), and the conversion says
#: how many km were so merged (:func:`street_columns`).
_CLASS_RANK = {"main": 0, "local": 1, "path": 2}
#: The tags that say a street is in a signed 20mph zone, which osmnx does not keep unless
#: asked (``ox.settings.useful_tags_way``).
ZONE_TAGS = ("maxspeed:type", "zone:maxspeed", "source:maxspeed")

#: The columns that make a GeoDataFrame a ``streets`` layer (the others may be added).
_LAYER_COLUMNS = ("segment_id", "osm_way_id", "highway", "road_class", "speed_mph")
#: The columns of osmnx's edges.
_EDGE_KEYS = ("u", "v", "key")


def is_streets_layer(frame: object) -> bool:
    """Whether ``frame`` is a ``streets`` layer (has its identifying columns)."""
    return isinstance(frame, gpd.GeoDataFrame) and all(c in frame for c in _LAYER_COLUMNS)


def is_osm_edges(frame: object) -> bool:
    """Whether ``frame`` is osmnx's edge GeoDataFrame: ``u``, ``v``, ``key`` in its index
    (or columns), with ``osmid`` and ``highway``."""
    if not isinstance(frame, gpd.GeoDataFrame) or not {"osmid", "highway"} <= set(frame):
        return False
    names = set(frame.index.names) | set(frame.columns)
    return set(_EDGE_KEYS) <= names


def as_streets(
    streets: Any,
    *,
    nation: str | None = None,
    working_crs: str | None = None,
    what: str = "streets",
) -> gpd.GeoDataFrame:
    """The ``streets`` layer from an osmnx graph, osmnx's edges, or the layer itself.

    Parameters
    ----------
    streets
        One of:

        - an osmnx/NetworkX ``MultiDiGraph`` (or its undirected ``MultiGraph``), as
          ``ox.graph_from_xml``, ``ox.graph_from_place`` or ``ox.load_graphml`` give it:
          simplified (unless osmnx did so already), made undirected so that a two-way street
          is one row, and projected to the working CRS; edges that are not streets
          (no ``highway``, ``area=yes``, roads not built yet) are left out;
        - osmnx's edge GeoDataFrame, ``ox.graph_to_gdfs(G, nodes=False)`` (``u``, ``v`` and
          ``key`` in its index or as columns): made into the graph again, then as above;
        - a ``streets`` layer (from :func:`healthy_streets.street_network_from_osm_file` or
          :func:`healthy_streets.load_layers`): returned as it is, with any of its optional
          columns that are missing added empty.
    nation
        For ``GB:nsl_restricted`` (see :func:`healthy_streets.speed_from_tags`).
    working_crs
        The CRS of the layer (default :data:`settings.working_crs`).
    what
        What the streets are called in messages.

    Returns
    -------
    GeoDataFrame
        The ``streets`` layer (``docs/layers.md``). Made of a graph or its edges, each
        segment lists the graph's edges it is made of in ``graph_edges`` (the graph's own
        keys; :func:`segment_graph_edges` makes a table of them); ``u`` and ``v`` are the
        graph's nodes at its ends, and when it is exactly one edge of the graph,
        ``G.edges[u, v, key]`` is that edge (``key`` is empty for a segment the toolkit
        joined from several edges of an unsimplified graph). ``zone_id`` is empty: cut the
        streets at the zones with :func:`healthy_streets.cut_streets_at_zones` (the
        analysis functions do so when they are given zones and a graph).

    Raises
    ------
    ConfigError
        For anything else, saying what each kind looks like.

    Notes
    -----
    A graph is converted once: the layer is kept while the graph lives and given again
    (a copy) to every later call with the same ``nation`` and working CRS, so each analysis
    function given ``G`` does not convert it again, nor say its warnings again. A graph
    that gained or lost nodes or edges, or whose graph attributes (``G.graph``: its CRS...)
    changed, is converted again; an edge's attributes changed in place are not noticed:
    give a copy (``G.copy()``) after editing edges.

    Examples
    --------
    >>> import osmnx as ox
    >>> G = ox.graph_from_xml("data/sample/yarrowside.osm", retain_all=True)
    >>> streets = as_streets(G)
    >>> streets[["segment_id", "u", "v", "key", "speed_mph"]].head(3)
      segment_id    u    v  key  speed_mph
    0  7-121-124  121  124    0       30.0
    1  9-124-125  124  125    0       30.0
    2  9-125-133  125  133    0       30.0

    Each row leads back to its edge in the graph:

    >>> row = streets.iloc[0]
    >>> G.edges[row["u"], row["v"], row["key"]]["name"]
    'Yarrowgate Road'

    An unsimplified graph is simplified here, keeping each way apart: a segment is then
    several of the graph's edges, listed in ``graph_edges``:

    >>> whole = as_streets(ox.graph_from_xml("data/sample/yarrowside.osm", simplify=False))
    >>> whole.loc[whole["segment_id"] == "9-134-136", ["u", "v", "key", "graph_edges"]]
         u    v   key          graph_edges
    6  134  136  <NA>  134,135,0;135,136,0
    """
    if isinstance(streets, nx.MultiGraph):
        return _converted_graph(streets, nation=nation, working_crs=working_crs)
    if is_streets_layer(streets):
        if all(c in streets for c in STREETS.column_names):
            return streets
        return conform(streets, STREETS)
    if is_osm_edges(streets):
        return streets_from_edges(streets, nation=nation, working_crs=working_crs)
    raise ConfigError(_not_streets(streets, what))


def _not_streets(value: object, what: str) -> str:
    kind = type(value).__name__
    if isinstance(value, str) or hasattr(value, "__fspath__"):
        hint = (
            " For a file, read it first: street_network_from_osm_file(path) (.osm, .osm.pbf) "
            "or street_network_from_graphml(path), or give it to Inputs(osm=path)."
        )
    elif isinstance(value, gpd.GeoDataFrame):
        missing = [c for c in _LAYER_COLUMNS if c not in value]
        hint = (
            f" This GeoDataFrame has neither the streets layer's columns (it lacks "
            f"{', '.join(missing)}) nor osmnx's edges (u, v, key, osmid, highway)."
        )
    else:
        hint = ""
    return (
        f"The {what} should be a streets layer, an osmnx graph (MultiDiGraph) or osmnx's "
        f"edge GeoDataFrame (ox.graph_to_gdfs(G, nodes=False)), not a {kind}.{hint}"
    )


@dataclass
class StreetGraph:
    """A graph's streets, and what was left out of it (:func:`street_graph`).

    Attributes
    ----------
    graph
        A copy of the graph that holds its streets only, with a ``crs`` graph attribute.
    edges_in
        How many edges the graph held.
    not_streets
        Edges left out for having no ``highway`` tag, by kind: the first of
        :data:`NOT_STREET_KINDS` the edge has, else ``other`` (osmnx keeps few tags: a
        river or a railway is mostly ``other``, known by its name).
    not_street_names
        The names those edges have (a river's, a railway line's), each once.
    not_streets_with_maxspeed
        How many of those edges carry ``maxspeed`` (a railway's).
    highway_left_out
        Edges with a ``highway`` tag left out as areas or roads not in use, by
        ``area=yes`` or ``highway=<value>``.
    placeless
        Nodes without coordinates left out, with their edges (a clipped extract's).
    crs_assumed
        Whether the graph had no ``crs`` and its coordinates were taken as EPSG:4326.
    """

    graph: nx.MultiGraph
    edges_in: int = 0
    not_streets: Counter[str] = field(default_factory=Counter)
    not_street_names: list[str] = field(default_factory=list)
    not_streets_with_maxspeed: int = 0
    highway_left_out: Counter[str] = field(default_factory=Counter)
    placeless: int = 0
    crs_assumed: bool = False

    def notes(self) -> list[str]:
        """What was left out and assumed, in sentences."""
        notes = []
        if self.crs_assumed:
            notes.append(
                "The graph names no CRS (no G.graph['crs']): its x and y, which all lie "
                "within longitude and latitude's ranges, are taken as EPSG:4326. If they are "
                "not, name the CRS they are in, for example G.graph['crs'] = 'EPSG:27700'."
            )
        if self.not_streets:
            names = self.not_street_names
            shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
            note = (
                f"Left out: {counted(sum(self.not_streets.values()), 'edge')} of the graph "
                f"that are not streets, having no highway=* tag ({kinds(self.not_streets)}"
                + (f"; named {shown}" if names else "")
                + ")"
            )
            notes.append(with_maxspeed(note, self.not_streets_with_maxspeed))
        if self.highway_left_out:
            notes.append(not_roads_note(self.highway_left_out, "highway edge"))
        if self.placeless:
            notes.append(
                f"Left out: the edges that reach {counted(self.placeless, 'node')} without "
                "coordinates (a clipped extract)."
            )
        return notes


def kinds(counts: Counter[str]) -> str:
    """Counts of kinds in words, the commonest first: "12 railway, 3 waterway"."""
    return ", ".join(f"{n} {kind}" for kind, n in counts.most_common())


def with_maxspeed(note: str, carrying: int) -> str:
    """A note of things left out, saying how many of them carry a maxspeed tag, ended."""
    if carrying:
        note += f"; {carrying} of them {'carries' if carrying == 1 else 'carry'} maxspeed"
    return note + "."


def not_roads_note(counts: Counter[str], unit: str) -> str:
    """The note of highway ways or edges left out as areas or not roads in use."""
    left_out = counted(sum(counts.values()), unit)
    return f"Left out: {left_out} that are areas or not roads in use ({kinds(counts)})."


def street_graph(graph: nx.MultiGraph) -> StreetGraph:
    """A copy of ``graph`` with only the edges that are streets in use, as the toolkit's
    OpenStreetMap reader keeps them, and what was left out.

    Edges without ``highway`` (rivers, railways, parks' outlines that osmnx read with
    ``retain_all=True`` or a custom filter), with a ``highway`` that is no road in use
    (:data:`NOT_STREET_HIGHWAYS`: ``proposed``, ``construction``...) or with ``area=yes``
    are removed, and so are nodes without coordinates (a clipped extract's) and nodes left
    without edges. A graph with no ``crs`` graph attribute whose coordinates could be
    longitude and latitude is taken to be in EPSG:4326 (said in
    :meth:`StreetGraph.notes`).

    Raises
    ------
    ConfigError
        When the graph has no ``crs`` and its coordinates are not longitude and latitude.
    """
    found = StreetGraph(graph.copy(), edges_in=graph.number_of_edges())
    work = found.graph
    placeless = [n for n, data in work.nodes(data=True) if "x" not in data or "y" not in data]
    work.remove_nodes_from(placeless)
    found.placeless = len(placeless)
    if work.graph.get("crs") is None:
        _assume_lonlat(work)
        found.crs_assumed = work.number_of_nodes() > 0
    not_streets = []
    names: dict[str, None] = {}
    for u, v, k, data in work.edges(keys=True, data=True):
        highway = data.get("highway")
        if not _as_list(highway):
            kind = next((key for key in NOT_STREET_KINDS if key in data), "other")
            found.not_streets[kind] += 1
            found.not_streets_with_maxspeed += bool(_as_list(data.get("maxspeed")))
            names.update(dict.fromkeys(str(n) for n in _as_list(data.get("name"))))
        elif "yes" in map(str, _as_list(data.get("area"))):
            found.highway_left_out["area=yes"] += 1
        elif not _is_street(highway):
            found.highway_left_out[f"highway={_flatten_text(highway)}"] += 1
        else:
            continue
        not_streets.append((u, v, k))
    found.not_street_names = list(names)
    work.remove_edges_from(not_streets)
    if not_streets or placeless:
        work.remove_nodes_from([n for n, degree in dict(work.degree()).items() if degree == 0])
    return found


def _assume_lonlat(graph: nx.MultiGraph) -> None:
    """Give a graph with no ``crs`` EPSG:4326 when its coordinates could be longitude and
    latitude; else say how to name its CRS."""
    xy = np.array([(d["x"], d["y"]) for _, d in graph.nodes(data=True)], dtype=float)
    if len(xy) and not ((np.abs(xy[:, 0]) <= 180).all() and (np.abs(xy[:, 1]) <= 90).all()):
        raise ConfigError(
            "The graph names no CRS (no G.graph['crs']) and its x and y are not longitude "
            f"and latitude (x from {xy[:, 0].min():,.0f} to {xy[:, 0].max():,.0f}, y from "
            f"{xy[:, 1].min():,.0f} to {xy[:, 1].max():,.0f}). Name the CRS they are in, for "
            "example G.graph['crs'] = 'EPSG:27700' for British National Grid, then give the "
            "graph again."
        )
    graph.graph["crs"] = "EPSG:4326"


def _is_street(highway: object) -> bool:
    values = [str(v) for v in _as_list(highway)]
    return bool(values) and any(v not in NOT_STREET_HIGHWAYS for v in values)


def _as_list(value: object) -> list[object]:
    if value is None or (isinstance(value, float) and value != value):
        return []
    return list(value) if isinstance(value, list | tuple | set) else [value]


def _in_uk(graph: nx.MultiGraph) -> bool:
    """Whether ``graph`` lies in Great Britain and Northern Ireland, where UK speed defaults
    apply (a warning is logged when not)."""
    xy = np.array([(d["x"], d["y"]) for _, d in list(graph.nodes(data=True))[::50]], dtype=float)
    if not len(xy):
        return True
    crs = CRS.from_user_input(graph.graph.get("crs", "EPSG:4326"))
    if not crs.is_geographic:
        to_lonlat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        xy = np.column_stack(to_lonlat.transform(xy[:, 0], xy[:, 1]))
    warning = lonlat_outside_uk_note(xy[:, 0], xy[:, 1], what="The streets")
    if warning:
        log.warning("%s", warning)
    return warning is None


#: Each graph's streets layer, with the graph's state and the options it was made with
#: (see :func:`as_streets`): kept only while the graph itself is.
_CONVERTED: weakref.WeakKeyDictionary[nx.MultiGraph, tuple[tuple[Any, ...], gpd.GeoDataFrame]] = (
    weakref.WeakKeyDictionary()
)


def _converted_graph(
    graph: nx.MultiGraph, *, nation: str | None, working_crs: str | None
) -> gpd.GeoDataFrame:
    """:func:`as_streets` of a graph, converted once while it stays as it was."""
    state = (
        graph.number_of_nodes(),
        graph.number_of_edges(),
        repr(graph.graph),
        nation if nation is not None else settings.nation,
        working_crs or settings.working_crs,
    )
    kept = _CONVERTED.get(graph)
    if kept is not None and kept[0] == state:
        return kept[1].copy()
    layer = streets_from_graph(graph, nation=nation, working_crs=working_crs)
    _CONVERTED[graph] = (state, layer.copy())
    return layer


#: The edge attribute that carries, through osmnx's simplification and undirected graph,
#: which of the caller's edges each edge is made of (see :func:`streets_from_graph`).
_OWN_EDGES = "_healthy_streets_graph_edges"


def streets_from_graph(
    graph: nx.MultiGraph,
    *,
    nation: str | None = None,
    working_crs: str | None = None,
    simplify: bool = True,
    uk_defaults: bool | None = None,
    zone_tags: bool | None = None,
    notes: list[str] | None = None,
    graph_edges: bool = True,
) -> gpd.GeoDataFrame:
    """The ``streets`` layer from an osmnx graph.

    The graph may come from a file, GraphML or Overpass. Only its streets are kept, as the
    toolkit's OpenStreetMap reader keeps them: edges with no ``highway`` tag (rivers,
    railways, parks' outlines, which ``ox.graph_from_xml(..., retain_all=True)`` reads
    too), highway areas and roads not in use are left out, and how many, with their tags,
    is said (:func:`street_graph`). The graph is simplified with osmnx, keeping every
    node where two ways meet, then made undirected so that a two-way street is one row,
    and projected to the working CRS. The graph itself is not changed.

    Parameters
    ----------
    graph
        An osmnx ``MultiDiGraph`` (or undirected ``MultiGraph``) with a ``crs`` graph
        attribute; with none, its coordinates are taken as longitude and latitude
        (EPSG:4326), and that is said.
    nation
        For ``GB:nsl_restricted``.
    working_crs
        The CRS of the layer.
    simplify
        Simplify the graph first (skipped for graphs osmnx already simplified).
    uk_defaults
        Give roads with no speed tag the UK default of their class (see
        :func:`~healthy_streets.model.speed.speed_from_tags`); ``False`` outside the UK;
        ``None``: when the graph lies in Great Britain or Northern Ireland (a warning is
        logged when not).
    zone_tags, notes
        As for :func:`street_columns`: a graph read without the tags of a signed 20mph zone
        leaves ``signed_20mph_zone`` unknown, and what the graph lost (those tags, ways of
        several kinds merged into one edge) or what was left out of it (edges that are not
        streets) is said in ``notes`` or logged as a warning.
    graph_edges
        Whether the graph is the caller's own, so that ``u``, ``v``, ``key`` and
        ``graph_edges`` name its edges (``True``); ``False`` for a graph the toolkit built
        of an OpenStreetMap file, whose ``u``, ``v`` and ``key`` are those of osmnx's
        simplified, undirected graph, as the file reader gives them.

    Returns
    -------
    GeoDataFrame
        The ``streets`` layer. Each segment is made of one or more of the graph's edges,
        listed in ``graph_edges`` (``"u,v,key;u,v,key..."``, in order from the segment's
        ``u`` to its ``v``; :func:`segment_graph_edges` lists them as a table): the
        graph's keys, never renumbered. ``u`` and ``v`` are the graph's nodes at the
        segment's ends, in the order of ``segment_id`` unless the graph holds the street
        the other way round only (a one-way street); ``key`` is the graph's key when the
        segment is exactly one of its edges, ``G.edges[u, v, key]``, and empty when the
        toolkit joined several of them into one segment (an unsimplified graph's edges
        between junctions).

    Raises
    ------
    ConfigError
        When the graph is empty or holds no streets, or names no CRS and its coordinates
        are not longitude and latitude.

    Examples
    --------
    A graph downloaded by osmnx (this needs the internet, so it is not run here):

    >>> import osmnx as ox
    >>> G = ox.graph_from_place("Chorley, Lancashire", network_type="drive")  # doctest: +SKIP

    The same from an extract on disk:

    >>> G = ox.graph_from_xml("data/sample/yarrowside.osm", retain_all=True)
    >>> streets = streets_from_graph(G, nation="england")
    >>> streets.groupby("speed_mph")["length_m"].sum().round()  # metres of street
    speed_mph
    18.6       82.0
    20.0    20955.0
    30.0    15671.0
    40.0      223.0
    Name: length_m, dtype: float64
    """
    import osmnx as ox  # heavy: only when a graph is converted

    if graph.number_of_edges() == 0:
        raise ConfigError(
            f"The graph is empty ({counted(graph.number_of_nodes(), 'node')}, no edges): there "
            "are no streets to read. Build it again from an area, place or file that has "
            "streets (osmnx's graph_from_place, graph_from_bbox or graph_from_xml)."
        )
    found = street_graph(graph)
    said = found.notes()
    work = found.graph
    if work.number_of_edges() == 0:
        raise ConfigError(
            f"None of the graph's {counted(found.edges_in, 'edge')} is a street: "
            + " ".join(said)
            + " Build the graph from streets (osmnx's default network_type, or "
            "custom_filter='[\"highway\"]')."
        )
    if uk_defaults is None:
        uk_defaults = _in_uk(work)
    directed = isinstance(work, nx.MultiDiGraph)
    if directed and simplify and not work.graph.get("simplified"):
        if not all("length" in d for *_, d in work.edges(data=True)):
            work = _with_lengths(work)
        work = _simplified(work, graph_edges=graph_edges)
    elif graph_edges:
        for u, v, k, data in work.edges(keys=True, data=True):
            data[_OWN_EDGES] = ((u, v, k),)
    undirected = ox.convert.to_undirected(work) if directed else work
    edges = ox.convert.graph_to_gdfs(undirected, nodes=False, fill_edge_geometry=True)
    edges = edges.reset_index()
    if graph_edges:
        edges[_OWN_EDGES] = _facing_u(edges, work)
    edges = edges.to_crs(working_crs or settings.working_crs)
    losses: list[str] = []
    streets = street_columns(
        edges, nation=nation, uk_defaults=uk_defaults, zone_tags=zone_tags, notes=losses
    )
    said += losses
    if notes is None:
        for note in said:
            log.warning("%s", note)
    else:
        notes.extend(said)
    return streets


def _simplified(graph: nx.MultiDiGraph, *, graph_edges: bool) -> nx.MultiDiGraph:
    """osmnx's simplification of ``graph``, keeping every node where two ways meet; with
    ``graph_edges``, each edge lists the edges of ``graph`` it is made of (in order), with
    their keys: osmnx takes the first edge between two nodes of a path."""
    import osmnx as ox

    if not graph_edges:
        return ox.simplify_graph(graph, edge_attrs_differ=["osmid"], remove_rings=False)
    for *_, data in graph.edges(data=True):
        data.pop("merged_edges", None)  # the caller's own simplification's, if any
    simple = ox.simplify_graph(
        graph, edge_attrs_differ=["osmid"], remove_rings=False, track_merged=True
    )
    for u, v, k, data in simple.edges(keys=True, data=True):
        merged = data.pop("merged_edges", None)
        if merged:
            data[_OWN_EDGES] = tuple((a, b, next(iter(graph[a][b]))) for a, b in merged)
        else:  # an edge between two junctions, kept with its key
            data[_OWN_EDGES] = ((u, v, k),)
    return simple


def _facing_u(edges: gpd.GeoDataFrame, graph: nx.MultiGraph) -> list[Any]:
    """Each undirected edge's run of the graph's edges (:data:`_OWN_EDGES`), starting from
    its ``u`` where the graph also holds the same line the other way round (a two-way
    street), so that ``u`` and ``v`` agree with ``segment_id``; else as the graph holds it
    (a one-way street). osmnx's undirected edge keeps one direction's data, often the
    other one's. ``edges`` are in the graph's CRS."""
    runs: dict[tuple[Any, ...], list[tuple[tuple[tuple[Any, Any, Any], ...], Any]]] = {}
    for u, v, data in graph.edges(data=True):
        run = data[_OWN_EDGES]
        runs.setdefault((_nodes(run), _osmid_key(data.get("osmid"))), []).append(
            (run, (u, v, data.get("geometry")))
        )
    facing = []
    for u, run, osmid, line in zip(
        edges["u"].tolist(),
        edges[_OWN_EDGES].tolist(),
        edges["osmid"].tolist(),
        edges.geometry.to_numpy(),
        strict=True,
    ):
        if run[0][0] != u:
            back = shapely.get_coordinates(line)[::-1]
            for twin, (a, b, geometry) in runs.get((_nodes(run)[::-1], _osmid_key(osmid)), []):
                if np.array_equal(_coordinates(graph, a, b, geometry), back):
                    run = twin
                    break
        facing.append(run)
    return facing


def _coordinates(graph: nx.MultiGraph, u: Any, v: Any, geometry: Any) -> np.ndarray:
    """An edge's line as coordinates: its geometry, or straight from ``u`` to ``v``."""
    if geometry is not None:
        return shapely.get_coordinates(geometry)
    return np.array([[graph.nodes[n]["x"], graph.nodes[n]["y"]] for n in (u, v)], dtype=float)


def _nodes(run: tuple[tuple[Any, Any, Any], ...]) -> tuple[Any, ...]:
    return (run[0][0], *(edge[1] for edge in run))


def _osmid_key(osmid: object) -> object:
    """An edge's ``osmid`` as osmnx compares two edges' (lists as sets)."""
    return frozenset(osmid) if isinstance(osmid, list) else osmid


def _with_lengths(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Edge lengths osmnx's simplification sums: great-circle metres for a graph in degrees,
    straight-line units for a projected one."""
    import osmnx as ox

    crs = CRS.from_user_input(graph.graph.get("crs", "EPSG:4326"))
    if crs.is_geographic:
        return ox.distance.add_edge_lengths(graph)
    for u, v, data in graph.edges(data=True):
        a, b = graph.nodes[u], graph.nodes[v]
        data["length"] = float(np.hypot(a["x"] - b["x"], a["y"] - b["y"]))
    return graph


def streets_from_edges(
    edges: gpd.GeoDataFrame, *, nation: str | None = None, working_crs: str | None = None
) -> gpd.GeoDataFrame:
    """The ``streets`` layer from osmnx's edge GeoDataFrame
    (``ox.graph_to_gdfs(G, nodes=False)``), made into its graph again (nodes at the edges'
    ends) and converted as :func:`as_streets` converts a graph.

    Parameters
    ----------
    edges
        osmnx's edges: ``u``, ``v``, ``key`` in the index (or as columns), ``osmid``,
        ``highway`` and a geometry each, with a CRS.
    nation, working_crs
        As for :func:`as_streets`.
    """
    import osmnx as ox  # heavy: only when a graph is converted

    if edges.crs is None:
        raise ConfigError(
            "osmnx's edges have no CRS; give them the graph's (edges.set_crs(G.graph['crs']))."
        )
    frame = edges.reset_index() if _EDGE_KEYS[0] in edges.index.names else edges.copy()
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    geoms = frame.geometry.to_numpy()
    first = shapely.get_coordinates(shapely.get_point(geoms, 0))
    last = shapely.get_coordinates(shapely.get_point(geoms, -1))
    ends = pd.DataFrame(
        {
            "osmid": np.concatenate([frame["u"].to_numpy(), frame["v"].to_numpy()]),
            "x": np.concatenate([first[:, 0], last[:, 0]]),
            "y": np.concatenate([first[:, 1], last[:, 1]]),
        }
    ).drop_duplicates("osmid")
    nodes = gpd.GeoDataFrame(
        ends.set_index("osmid"),
        geometry=gpd.points_from_xy(ends["x"], ends["y"]),
        crs=frame.crs,
    )
    # osmnx simplified the graph if any edge bends (a raw graph's edges are straight)
    bends = bool((shapely.get_num_coordinates(geoms) > 2).any())
    graph = ox.convert.graph_from_gdfs(
        nodes,
        frame.set_index(list(_EDGE_KEYS)),
        graph_attrs={"crs": frame.crs, "simplified": bends},
    )
    return as_streets(graph, nation=nation, working_crs=working_crs)


def street_columns(
    edges: gpd.GeoDataFrame,
    *,
    nation: str | None,
    uk_defaults: bool = True,
    zone_tags: bool | None = None,
    notes: list[str] | None = None,
) -> gpd.GeoDataFrame:
    """The ``streets`` layer of osmnx's undirected edges (``u``, ``v``, ``key`` and ``osmid``
    as columns, tags as osmnx leaves them), in the working CRS.

    Parameters
    ----------
    edges
        The edges.
    nation, uk_defaults
        As for :func:`~healthy_streets.model.speed.speed_from_tags`.
    zone_tags
        Whether the edges were read with the tags of a signed 20mph zone (:data:`ZONE_TAGS`);
        ``None``: when any of them is a column. Without them, ``signed_20mph_zone`` is
        unknown (empty), not ``False``.
    notes
        Where to add what the conversion could not keep (the tags of a signed zone; edges
        osmnx merged from ways of several kinds); ``None``: logged as warnings.
    """

    def text(column: str) -> pd.Series:
        if column not in edges:
            return pd.Series([None] * len(edges), index=edges.index, dtype="object")
        if _plain_text(edges[column]):
            return edges[column].astype("object").where(edges[column].notna(), None)
        return edges[column].map(_flatten_text)

    osmid = edges["osmid"]
    way_ids = (osmid if pd.api.types.is_integer_dtype(osmid) else osmid.map(_lowest_id)).astype(
        "int64"
    )
    mixed = pd.Series(False, index=edges.index)
    if "highway" not in edges or _plain_text(edges["highway"]):
        highway = text("highway")  # one value each: the value itself
    else:
        highway = edges["highway"].map(_main_highway)
        mixed |= edges["highway"].map(_mixed_classes)
    if "maxspeed" in edges and not _plain_text(edges["maxspeed"]):
        mixed_limits = edges["maxspeed"].map(_several) & osmid.map(_several)
        mixed |= mixed_limits
    else:
        mixed_limits = pd.Series(False, index=edges.index)
    tag_frame = pd.DataFrame(
        {
            "highway": highway,
            "maxspeed": text("maxspeed"),
            "maxspeed:type": text("maxspeed:type"),
            "zone:maxspeed": text("zone:maxspeed"),
            "source:maxspeed": text("source:maxspeed"),
            "maxspeed:forward": text("maxspeed:forward"),
            "maxspeed:backward": text("maxspeed:backward"),
        }
    )
    speeds = _speeds(tag_frame, nation=nation, uk_defaults=uk_defaults)
    if mixed_limits.any():  # which part has which limit is not known
        speeds.loc[mixed_limits, "speed_mph"] = np.nan
        speeds.loc[mixed_limits, "speed_source"] = "unknown"
    if zone_tags is None:
        zone_tags = any(tag in edges for tag in ZONE_TAGS)
    signed = speeds["signed_20mph_zone"].astype("boolean")
    if not zone_tags:
        signed[:] = pd.NA
    said = _losses(edges, mixed, zone_tags=zone_tags)
    if notes is None:
        for note in said:
            log.warning("%s", note)
    else:
        notes.extend(said)
    segment_ids = _segment_ids(way_ids, edges["u"], edges["v"])
    if _OWN_EDGES in edges:  # the caller's graph: its edges, ends and keys
        own = edges[_OWN_EDGES]
        ends_u, ends_v = own.map(lambda e: e[0][0]), own.map(lambda e: e[-1][1])
        keys = own.map(lambda e: e[0][2] if len(e) == 1 else None).astype("Int64")
        listed = own.map(_edges_text)
    else:
        ends_u, ends_v = edges["u"], edges["v"]
        keys = edges["key"].astype("int64") if "key" in edges else 0
        listed = None
    streets = gpd.GeoDataFrame(
        {
            "segment_id": segment_ids,
            "osm_way_id": way_ids,
            "name": text("name"),
            "highway": speeds["highway"],
            "road_class": speeds["road_class"],
            "speed_mph": speeds["speed_mph"],
            "speed_source": speeds["speed_source"],
            "maxspeed": speeds["maxspeed"],
            "maxspeed_type": speeds["maxspeed_type"],
            "signed_20mph_zone": signed,
            "length_m": edges.geometry.length.round(2),
            "zone_id": None,
            "u": ends_u.astype("int64"),
            "v": ends_v.astype("int64"),
            "key": keys,
            "graph_edges": listed,
        },
        geometry=edges.geometry,
        crs=edges.crs,
    )
    return conform(streets.take(_by_way_and_id(way_ids, segment_ids)), STREETS)


def _edges_text(edges: tuple[tuple[Any, Any, Any], ...]) -> str:
    """A segment's edges of the graph as ``graph_edges`` holds them: ``u,v,key;...``."""
    return ";".join(f"{int(u)},{int(v)},{int(k)}" for u, v, k in edges)


def segment_graph_edges(streets: gpd.GeoDataFrame) -> pd.DataFrame:
    """The edges of the analyst's graph each street segment is made of, one row per edge.

    Each row of a ``streets`` layer made of a graph (:func:`as_streets`,
    :func:`streets_from_graph`) lists the graph's edges it is made of in its
    ``graph_edges`` column, as text (``"121,124,0;124,125,0"``, so that it is kept in a
    GeoPackage too); this is that column as a table, for joining results back to the
    graph: ``G.edges[u, v, key]`` is each row's edge.

    Parameters
    ----------
    streets
        A ``streets`` layer made of a graph, as it is or cut at the zones (a piece keeps
        its whole segment's edges). Rows with no ``graph_edges`` (streets read from an
        OpenStreetMap file, not from a graph) have no row here.

    Returns
    -------
    DataFrame
        ``segment_id``, ``u``, ``v`` and ``key`` (the graph's nodes and key, as
        integers): the edges of each segment, in order from its ``u`` to its ``v``.

    Raises
    ------
    ConfigError
        When the layer has no ``graph_edges`` column or none of its rows has any (streets
        not made of a graph).

    Examples
    --------
    An unsimplified graph, whose edges between junctions the toolkit joins into segments:

    >>> import osmnx as ox
    >>> G = ox.graph_from_xml("data/sample/yarrowside.osm", simplify=False)
    >>> streets = as_streets(G)
    >>> edges = segment_graph_edges(streets)
    >>> one = edges[edges["segment_id"] == "11-148-151"]
    >>> one
        segment_id    u    v  key
    27  11-148-151  148  149    0
    28  11-148-151  149  150    0
    29  11-148-151  150  151    0

    Every one is an edge of ``G``, and their lengths add up to the segment's (osmnx's
    great-circle metres, a little shorter than the working CRS's here):

    >>> all(G.has_edge(u, v, k) for u, v, k in edges[["u", "v", "key"]].itertuples(index=False))
    True
    >>> triples = one[["u", "v", "key"]].itertuples(index=False)
    >>> round(float(sum(G.edges[t]["length"] for t in triples)), 2)
    123.08
    >>> streets.loc[streets["segment_id"] == "11-148-151", "length_m"].item()
    123.44
    """
    if "graph_edges" not in streets or streets["graph_edges"].isna().all():
        raise ConfigError(
            "These streets list no edges of a graph (their graph_edges column is "
            f"{'missing' if 'graph_edges' not in streets else 'empty'}): only streets made "
            "of an osmnx graph do (as_streets(G), streets_from_graph(G)). Streets read from "
            "an OpenStreetMap file have u and v, the OSM nodes at their ends."
        )
    listed = streets[["segment_id", "graph_edges"]].dropna(subset=["graph_edges"])
    one_each = listed.assign(edge=listed["graph_edges"].astype("str").str.split(";")).explode(
        "edge"
    )
    parts = one_each["edge"].str.split(",", expand=True).astype("int64")
    return pd.DataFrame(
        {
            "segment_id": one_each["segment_id"].to_numpy(),
            "u": parts[0].to_numpy(),
            "v": parts[1].to_numpy(),
            "key": parts[2].to_numpy(),
        }
    )


def _losses(edges: gpd.GeoDataFrame, mixed: pd.Series, *, zone_tags: bool) -> list[str]:
    """What converting these edges could not keep, in sentences naming the fix."""
    said = []
    asked = _zone_tags_asked()
    if not zone_tags and asked:
        said.append(
            "The street network holds none of the tags that say a street is in a signed "
            f"20mph zone ({', '.join(ZONE_TAGS)}), though ox.settings.useful_tags_way asks "
            f"osmnx to keep {'them' if len(asked) == len(ZONE_TAGS) else ', '.join(asked)}: "
            "the OpenStreetMap data tags none of its streets so (or the graph was built "
            "before they were asked for). Whether its 20 mph streets are signed as a 20mph "
            "zone is unknown (signed_20mph_zone is empty)." + _rest_of_zone_tags(asked)
        )
    elif not zone_tags:
        said.append(
            "The street network holds none of the tags that say a street is in a signed "
            f"20mph zone ({', '.join(ZONE_TAGS)}): osmnx keeps only the tags in "
            "ox.settings.useful_tags_way. The share signed as a 20mph zone is unknown "
            "(empty), and a street whose 20 mph limit only those tags give has its class's "
            "default. To have them, add them before osmnx reads the streets: "
            f"ox.settings.useful_tags_way += {list(ZONE_TAGS)!r}, or give the .osm file "
            f"itself: {option('osm_file')}."
        )
    if mixed.any():
        km = float(edges.geometry.length[mixed].sum()) / 1000
        said.append(
            f"{km:.2f} km of street network ({counted(int(mixed.sum()), 'edge')}) are edges "
            "osmnx merged from OpenStreetMap ways of different kinds (a street and a footway, "
            "or different speed limits), and which part is which is no longer known: each is "
            "counted as its least road-like kind (a path, not a street) and a limit that "
            "differs along it is unknown, so street km may be short by as much. For the same "
            "figures as the .osm file, build the graph unsimplified (ox.graph_from_xml(path, "
            "simplify=False), ox.graph_from_place(..., simplify=False)): the toolkit then "
            "simplifies it keeping each way apart."
        )
    return said


def _zone_tags_asked() -> list[str]:
    """The tags of :data:`ZONE_TAGS` that ``ox.settings.useful_tags_way`` asks osmnx to
    keep, when osmnx is loaded (it is not loaded for this alone: a graph made by osmnx
    means it was)."""
    ox = sys.modules.get("osmnx")
    asked = getattr(getattr(ox, "settings", None), "useful_tags_way", None) or ()
    try:
        return [tag for tag in ZONE_TAGS if tag in asked]
    except TypeError:  # a setting that is not a list of tags
        return []


def _rest_of_zone_tags(asked: list[str]) -> str:
    """How to ask for the tags of a signed zone that ``asked`` lacks ("" when none)."""
    rest = [tag for tag in ZONE_TAGS if tag not in asked]
    if not rest:
        return ""
    return (
        " The other tags of a signed zone are not asked for; to have them, add them before "
        f"osmnx reads the streets: ox.settings.useful_tags_way += {rest!r}."
    )


def _segment_ids(way_ids: pd.Series, u: pd.Series, v: pd.Series) -> pd.Series:
    """``<way>-<u>-<v>`` of each edge; a second, third... edge of a way between the same
    two nodes (a closed way, a roundabout, runs twice between two junctions) gets ``-2``,
    ``-3``... added."""
    ids = [
        f"{w}-{a}-{b}"
        for w, a, b in zip(
            way_ids.tolist(),
            u.astype("int64").tolist(),
            v.astype("int64").tolist(),
            strict=True,
        )
    ]
    segment_ids = pd.Series(ids, index=way_ids.index, dtype="str")
    if len(set(ids)) < len(ids):
        again = segment_ids[segment_ids.duplicated(keep=False)]
        repeat = again.groupby(again).cumcount()
        later = repeat.index[repeat > 0]
        segment_ids[later] = again[later] + "-" + (repeat[later] + 1).astype("str")
    return segment_ids


def _by_way_and_id(way_ids: pd.Series, segment_ids: pd.Series) -> np.ndarray:
    """The positions of the rows in order of way, then of segment id as text."""
    order = np.argsort(segment_ids.to_numpy(dtype=str), kind="stable")
    return order[np.argsort(way_ids.to_numpy()[order], kind="stable")]


def _plain_text(values: pd.Series) -> bool:
    """Whether every value is text or missing (no lists osmnx left, no numbers)."""
    return pd.api.types.infer_dtype(values, skipna=True) in {"string", "empty"}


def _lowest_id(value: object) -> object:
    """The way id of an edge: of several (ways osmnx merged), the lowest."""
    return min(value) if isinstance(value, list) else value


def _main_highway(value: object) -> str | None:
    """The ``highway`` of an edge; of several (ways osmnx merged), the least road-like, as
    which part of the edge is which is not known."""
    in_use = _highways_in_use(value)
    if not in_use:
        return None
    return max(in_use, key=lambda h: _CLASS_RANK[ROAD_CLASSES.get(h, "local")])


def _highways_in_use(value: object) -> list[str]:
    values = sorted({str(v) for v in _as_list(value) if v is not None})
    return [v for v in values if v not in NOT_STREET_HIGHWAYS] or values


def _mixed_classes(value: object) -> bool:
    """Whether an edge's ``highway`` values (ways osmnx merged) are of several road classes."""
    return len({ROAD_CLASSES.get(h, "local") for h in _highways_in_use(value)}) > 1


def _several(value: object) -> bool:
    """Whether a tag value is several different values (ways osmnx merged)."""
    return isinstance(value, list | tuple | set) and len({str(v) for v in value}) > 1


def _speeds(tags: pd.DataFrame, *, nation: str | None, uk_defaults: bool) -> pd.DataFrame:
    """The columns of the layer that follow from a row's tags (``highway``, ``road_class``,
    the speed, its source, ``maxspeed``, ``maxspeed_type`` and the signed-zone flag),
    worked out once per distinct combination of tags."""
    key_columns = list(tags.columns)
    combination = _combinations(tags)
    _, first = np.unique(combination, return_index=True)
    distinct = tags.take(first).reset_index(drop=True)
    results = []
    for row in distinct.itertuples(index=False):
        row_tags = {k: v for k, v in zip(key_columns, row, strict=True) if isinstance(v, str)}
        speed = speed_from_tags(row_tags, nation=nation, uk_defaults=uk_defaults)
        results.append((speed.mph, speed.source, is_signed_20mph_zone(row_tags)))
    speeds = pd.DataFrame(results, columns=["speed_mph", "speed_source", "signed_20mph_zone"])
    speeds["highway"] = distinct["highway"]
    speeds["road_class"] = distinct["highway"].map(ROAD_CLASSES).fillna("local")
    speeds["maxspeed"] = distinct["maxspeed"]
    speeds["maxspeed_type"] = distinct["maxspeed:type"].fillna(distinct["zone:maxspeed"])
    text = ["speed_source", "highway", "road_class", "maxspeed", "maxspeed_type"]
    speeds[text] = speeds[text].astype("str")  # once per combination, not per row
    speeds = speeds.take(combination)
    speeds.index = tags.index
    return speeds


def _combinations(frame: pd.DataFrame) -> np.ndarray:
    """Each row's combination of values, numbered in the order they first come (missing
    values all alike)."""
    combination = np.zeros(len(frame), dtype=np.int64)
    for column in frame.columns:
        codes, values = pd.factorize(frame[column])
        combination = pd.factorize(combination * (len(values) + 1) + codes + 1)[0]
    return combination


def _flatten_text(value: object) -> str | None:
    """A tag value as text: lists (osmnx merges) joined with ``;``, NaN as None."""
    if isinstance(value, list | tuple | set):
        parts = sorted({str(v) for v in value if v is not None and v == v})
        return ";".join(parts) if parts else None
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(value)
