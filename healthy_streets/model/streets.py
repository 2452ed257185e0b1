"""The ``streets`` layer from what an analyst has: an osmnx graph, its edges, or the layer.

:func:`as_streets` is the one door: every function that takes streets passes what it was
given through it, so an osmnx/NetworkX ``MultiDiGraph``, osmnx's edge GeoDataFrame
(``ox.graph_to_gdfs(G, nodes=False)``) and a normalised ``streets`` layer are all accepted,
and converted once. The layer keeps osmnx's ``u``, ``v`` and ``key`` as columns, so that
joining a result back to the graph needs no parsing of ``segment_id``.

The file readers (:mod:`healthy_streets.io.osm`) build their graphs and finish them here
too (:func:`streets_from_graph`).

osmnx is imported when a graph is converted, not with this module: the analysis functions
that pass their streets through :func:`as_streets` should not pay for it otherwise.
"""

from __future__ import annotations

import logging
import weakref
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
    "ROAD_CLASSES",
    "ZONE_TAGS",
    "as_streets",
    "drop_non_streets",
    "is_osm_edges",
    "is_streets_layer",
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
        The ``streets`` layer (``docs/layers.md``), with osmnx's ``u``, ``v`` and ``key``:
        ``G.edges[u, v, key]`` (or ``[v, u, key]``, the other way along a two-way street) is
        the segment's edge in the graph. ``zone_id`` is empty: cut the streets at the zones
        with :func:`healthy_streets.cut_streets_at_zones` (the analysis functions do so when
        they are given zones and a graph).

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


def drop_non_streets(graph: nx.MultiGraph) -> tuple[nx.MultiGraph, int, int]:
    """A copy of ``graph`` with only the edges that are streets in use.

    Edges without ``highway``, with a ``highway`` that is no road in use (``proposed``,
    ``construction``...) or with ``area=yes`` are removed, and so are nodes without
    coordinates (a clipped extract's) and nodes left without edges.

    Returns
    -------
    (graph, edges removed, nodes without coordinates removed)
    """
    graph = graph.copy()
    placeless = [n for n, data in graph.nodes(data=True) if "x" not in data or "y" not in data]
    graph.remove_nodes_from(placeless)
    not_streets = [
        (u, v, k)
        for u, v, k, data in graph.edges(keys=True, data=True)
        if not _is_street(data.get("highway")) or "yes" in map(str, _as_list(data.get("area")))
    ]
    graph.remove_edges_from(not_streets)
    graph.remove_nodes_from([n for n, degree in dict(graph.degree()).items() if degree == 0])
    return graph, len(not_streets), len(placeless)


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
    streets, dropped, placeless = drop_non_streets(graph)
    if dropped or placeless:
        log.info(
            "Left out %d edges that are not streets and %d nodes without coordinates",
            dropped,
            placeless,
        )
    layer = streets_from_graph(
        streets, nation=nation, working_crs=working_crs, uk_defaults=_in_uk(streets)
    )
    _CONVERTED[graph] = (state, layer.copy())
    return layer


def streets_from_graph(
    graph: nx.MultiGraph,
    *,
    nation: str | None = None,
    working_crs: str | None = None,
    simplify: bool = True,
    uk_defaults: bool = True,
    zone_tags: bool | None = None,
    notes: list[str] | None = None,
) -> gpd.GeoDataFrame:
    """The ``streets`` layer from an osmnx graph that holds streets only.

    The graph may come from a file, GraphML or Overpass; see :func:`as_streets` for a
    graph that may hold more than streets (footways' areas, roads not built yet). The
    graph is simplified with osmnx, keeping every node where two ways meet, then made
    undirected so that a two-way street is one row, and projected to the working CRS.

    Parameters
    ----------
    graph
        An osmnx ``MultiDiGraph`` (or undirected ``MultiGraph``) in EPSG:4326, or with a
        ``crs`` graph attribute.
    nation
        For ``GB:nsl_restricted``.
    working_crs
        The CRS of the layer.
    simplify
        Simplify the graph first (skipped for graphs osmnx already simplified).
    uk_defaults
        Give roads with no speed tag the UK default of their class (see
        :func:`~healthy_streets.model.speed.speed_from_tags`); ``False`` outside the UK.
    zone_tags, notes
        As for :func:`street_columns`: a graph read without the tags of a signed 20mph zone
        leaves ``signed_20mph_zone`` unknown, and what the graph lost (those tags, ways of
        several kinds merged into one edge) is said in ``notes`` or logged as a warning.

    Returns
    -------
    GeoDataFrame
        The ``streets`` layer, with the undirected graph's ``u``, ``v`` and ``key``.

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

    directed = isinstance(graph, nx.MultiDiGraph)
    if directed and simplify and not graph.graph.get("simplified"):
        if not all("length" in d for *_, d in graph.edges(data=True)):
            graph = _with_lengths(graph)
        graph = ox.simplify_graph(graph, edge_attrs_differ=["osmid"], remove_rings=False)
    undirected = ox.convert.to_undirected(graph) if directed else graph
    edges = ox.convert.graph_to_gdfs(undirected, nodes=False, fill_edge_geometry=True)
    edges = edges.reset_index()
    edges = edges.to_crs(working_crs or settings.working_crs)
    return street_columns(
        edges, nation=nation, uk_defaults=uk_defaults, zone_tags=zone_tags, notes=notes
    )


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
            "u": edges["u"].astype("int64"),
            "v": edges["v"].astype("int64"),
            "key": edges["key"].astype("int64") if "key" in edges else 0,
        },
        geometry=edges.geometry,
        crs=edges.crs,
    )
    return conform(streets.take(_by_way_and_id(way_ids, segment_ids)), STREETS)


def _losses(edges: gpd.GeoDataFrame, mixed: pd.Series, *, zone_tags: bool) -> list[str]:
    """What converting these edges could not keep, in sentences naming the fix."""
    said = []
    if not zone_tags:
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
