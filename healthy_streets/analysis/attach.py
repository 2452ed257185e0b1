"""Attaching things to places: zones to everything, streets to points.

Pure functions: layers in, layers out (copies), no I/O. Spatial indexes throughout.

One rule settles every place two zones could both claim, whatever order the zones file
lists them in: **zones are ranked by** ``zone_id`` **(in text order), and where zones
overlap or share an edge, the overlap, the edge and any point on it belong to the first
zone in that ranking.** A zone's boundary is part of the zone: a report exactly on it is in
the zone, never in the area outside all zones.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from healthy_streets import settings
from healthy_streets.analysis._validate import Given, gather
from healthy_streets.model.layers import STREETS, conform

__all__ = [
    "assign_zones",
    "attach_to_streets",
    "cut_streets_at_zones",
    "disjoint_zones",
    "given_layers",
    "zone_ranks",
]

log = logging.getLogger(__name__)

#: Pieces of street shorter than this (metres) left by cutting at a boundary are dropped.
MIN_PIECE_M = 0.01


def given_layers(
    first: Any,
    *rest: Any,
    roles: Sequence[str],
    caller: str,
    optional: Sequence[str] = (),
) -> Given:
    """The layers a call was given, checked (:func:`~healthy_streets.analysis._validate.
    gather`) and attached to each other where they are not yet.

    Streets given as a graph or osmnx's edges, or never cut at zones (``zone_id`` empty
    throughout), are cut at the call's zones (of a graph's, only the streets within
    :data:`settings.street_buffer_m` of them are kept, as a build keeps); assets and
    reports not yet placed in zones (``zone_id`` empty throughout) are placed in them, and
    those not yet attached to the streets (or attached to other streets: a graph was given)
    are attached to them; all as :func:`healthy_streets.load_layers` does. Layers already
    attached are used as they are.
    """
    given = gather(first, *rest, roles=roles, caller=caller, optional=optional)
    zones, streets = given["zones"], given["streets"]
    recut = (
        zones is not None
        and streets is not None
        and len(zones) > 0
        and (given.converted or bool(streets["zone_id"].isna().all()))
    )
    if recut:  # a graph's streets outside the zones: those a build keeps, near them
        within = settings.street_buffer_m if given.converted else None
        given.layers["streets"] = streets = _cut(streets, zones, outside_within_m=within)
    for role in ("assets", "reports"):
        layer = given[role]
        if layer is None:
            continue
        if zones is not None and len(zones) and bool(layer["zone_id"].isna().all()):
            layer = _assign(layer, zones)
        unattached = bool(layer["segment_id"].isna().all())
        if streets is not None and (given.converted or recut or unattached):
            layer = _attach(layer, streets, None)
        given.layers[role] = layer
    return given


def zone_ranks(zones: gpd.GeoDataFrame) -> np.ndarray:
    """Each zone's rank (0 first) for places two zones share: by ``zone_id`` in text order,
    never by the order of the file."""
    ids = zones["zone_id"].astype("str").to_numpy()
    order = np.argsort(ids, kind="stable")
    ranks = np.empty(len(ids), dtype=np.int64)
    ranks[order] = np.arange(len(ids))
    return ranks


def disjoint_zones(zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Zones with overlaps removed: where zones overlap, the zone ranked first (by
    ``zone_id``, see :func:`zone_ranks`) keeps the area.

    Councils rarely draw overlapping zones, but when they do every street and report must
    still belong to one zone only. Rows stay in their order. Each zone loses only what the
    zones ranked before it that meet it cover (found with a spatial index), so the cost
    grows with the zones, not with their square; a zone no earlier zone meets is kept as
    it is.
    """
    geoms = zones.geometry.to_numpy()
    out = geoms.copy()
    for i, earlier in _earlier_zones(zones, geoms):
        out[i] = shapely.difference(geoms[i], shapely.union_all(geoms[earlier]))
    result = zones.copy()
    result.geometry = gpd.GeoSeries(list(out), index=zones.index, crs=zones.crs)
    return result


def _earlier_zones(zones: gpd.GeoDataFrame, geoms: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """Each zone that meets zones ranked before it, with those zones (positions)."""
    ranks = zone_ranks(zones)
    later, earlier = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = ranks[earlier] < ranks[later]
    later, earlier = later[keep], earlier[keep]
    if not len(later):
        return
    order = np.lexsort((ranks[earlier], later))
    later, earlier = later[order], earlier[order]
    starts = np.flatnonzero(np.r_[True, later[1:] != later[:-1]])
    for start, group in zip(starts, np.split(earlier, starts[1:]), strict=True):
        yield int(later[start]), group


def assign_zones(layer: gpd.GeoDataFrame, zones: Any = None) -> gpd.GeoDataFrame:
    """Set ``zone_id`` on points or polygons: the zone that contains each.

    A polygon is placed by its representative point. Features outside every zone get an
    empty ``zone_id``.

    A point on a zone's boundary is in the zone; on an edge two zones share, or in their
    overlap, it is in the zone ranked first by ``zone_id`` (see the module's rule).

    Parameters
    ----------
    layer
        ``assets`` or ``reports`` (any layer with point or polygon geometry).
    zones
        The ``zones`` layer, same CRS; or a :class:`~healthy_streets.Layers`, whose zones
        are used.

    Returns
    -------
    GeoDataFrame
        A copy of ``layer`` with ``zone_id`` filled.

    Raises
    ------
    ConfigError
        When a layer is missing, not a GeoDataFrame, in degrees or another CRS than the
        other, or the zones lack their layer's columns.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point, box
    >>> from healthy_streets import read_zones
    >>> drawn = gpd.GeoDataFrame({"name": ["Cowslip"]}, crs="EPSG:27700",
    ...                          geometry=[box(352000, 430000, 352500, 430500)])
    >>> zones = read_zones(drawn).layer
    >>> places = gpd.GeoDataFrame({"name": ["Bench", "Bin"]}, crs="EPSG:27700",
    ...                           geometry=[Point(352100, 430100), Point(353000, 430100)])
    >>> assign_zones(places, zones)[["name", "zone_id"]]
        name  zone_id
    0  Bench  cowslip
    1    Bin      NaN
    """
    given = gather(layer, zones, roles=("layer", "zones"), caller="assign_zones")
    return _assign(given["layer"], given["zones"])


def _assign(layer: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = layer.copy()
    if out.empty or zones.empty:
        out["zone_id"] = pd.Series([None] * len(out), index=out.index, dtype="str")
        return out
    points = out.geometry.representative_point()
    flat = disjoint_zones(zones)
    point_idx, zone_idx = flat.sindex.query(points, predicate="intersects")
    zone_ids = pd.Series([None] * len(out), index=out.index, dtype="object")
    ranks = zone_ranks(flat)
    first = pd.Series(ranks[zone_idx], index=point_idx).groupby(level=0).min()
    by_rank = flat["zone_id"].to_numpy()[np.argsort(ranks)]
    zone_ids.iloc[first.index.to_numpy()] = by_rank[first.to_numpy()]
    out["zone_id"] = zone_ids.astype("str")
    return out


def cut_streets_at_zones(
    streets: Any,
    zones: Any = None,
    *,
    outside_within_m: float | None = None,
) -> gpd.GeoDataFrame:
    """Cut street segments at zone boundaries and set ``zone_id`` on each piece.

    A segment that crosses a boundary becomes one row per piece (its ``segment_id`` gains
    ``-1``, ``-2``...), so that street length inside a zone is exact. Lengths are recomputed.
    A street along an edge two zones share belongs to the zone ranked first by ``zone_id``
    (see the module's rule).

    Parameters
    ----------
    streets
        The ``streets`` layer, an osmnx graph or osmnx's edges
        (:func:`~healthy_streets.model.streets.as_streets`); or a ``Layers``, whose streets
        are cut at its zones.
    zones
        The ``zones`` layer, same CRS; or a :class:`~healthy_streets.Layers`, whose zones
        are used.
    outside_within_m
        Also cut the streets outside all zones where they pass this distance from the
        zones (the buffer reports were imported within), so that the area outside has the
        same extent for its street length as for its reports; pieces beyond are dropped.
        ``None`` keeps every segment whole.

    Returns
    -------
    GeoDataFrame
        The ``streets`` layer, cut, with ``zone_id`` filled.

    Raises
    ------
    ConfigError
        When the zones are missing, or a layer is in degrees, in another CRS than the
        other, or lacks its layer's columns.

    Examples
    --------
    >>> import osmnx as ox
    >>> G = ox.graph_from_xml("data/sample/yarrowside.osm", retain_all=True)
    >>> cut = cut_streets_at_zones(G, layers.zones)
    >>> cut.groupby("zone_id", dropna=False)["length_m"].sum().round()  # metres of street
    zone_id
    cowslip              5001.0
    kestrel-park         4511.0
    yarrow-meadows       6798.0
    yarrowside-north    10315.0
    NaN                 13531.0
    Name: length_m, dtype: float64
    """
    given = gather(streets, zones, roles=("streets", "zones"), caller="cut_streets_at_zones")
    return _cut(given["streets"], given["zones"], outside_within_m=outside_within_m)


def _cut(
    streets: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    *,
    outside_within_m: float | None = None,
) -> gpd.GeoDataFrame:
    if outside_within_m is not None and not streets.empty and not zones.empty:
        streets = _within(streets, zones, outside_within_m)
    if streets.empty or zones.empty:
        return conform(streets.assign(zone_id=None), STREETS)
    flat = disjoint_zones(zones)
    zone_geoms = flat.geometry.values
    zone_ids = flat["zone_id"].to_numpy()
    street_geoms = streets.geometry.values

    zone_idx, street_idx = streets.sindex.query(zone_geoms, predicate="intersects")
    inside = shapely.intersection(street_geoms[street_idx], zone_geoms[zone_idx])
    inside = _one_zone_each(street_idx, zone_ranks(flat)[zone_idx], inside)
    pieces_in = pd.DataFrame({"row": street_idx, "zone_id": zone_ids[zone_idx], "geometry": inside})

    touched, outside = _outside_zones(street_geoms, street_idx, zone_geoms, zone_idx)
    pieces_out = pd.DataFrame({"row": touched, "zone_id": None, "geometry": outside})
    untouched = np.setdiff1d(np.arange(len(streets)), touched)
    whole = pd.DataFrame({"row": untouched, "zone_id": None, "geometry": street_geoms[untouched]})

    pieces = pd.concat([pieces_in, pieces_out], ignore_index=True)
    pieces = gpd.GeoDataFrame(pieces, geometry="geometry", crs=streets.crs)
    pieces = pieces.explode(index_parts=False, ignore_index=True)
    pieces = pieces[pieces.geom_type == "LineString"]
    pieces = pieces[pieces.length >= MIN_PIECE_M]
    # numbered along the street, whatever the order of the zones: by where each piece's
    # middle lies along the street (then by zone, for a street that doubles back)
    middles = shapely.line_interpolate_point(pieces.geometry.values, 0.5, normalized=True)
    pieces["along"] = shapely.line_locate_point(street_geoms[pieces["row"].to_numpy()], middles)
    pieces["zone_key"] = pieces["zone_id"].astype("object").fillna("").astype("str")
    pieces = pieces.sort_values(["row", "along", "zone_key"], kind="stable")
    pieces["part"] = pieces.groupby("row").cumcount() + 1
    parts = pieces.groupby("row")["part"].transform("size")

    attrs = streets.drop(columns=["geometry", "zone_id"]).reset_index(drop=True)
    cut = attrs.iloc[pieces["row"].to_numpy()].reset_index(drop=True)
    cut["zone_id"] = pieces["zone_id"].to_numpy()
    suffix = np.where(parts.to_numpy() > 1, "-" + pieces["part"].astype("str").to_numpy(), "")
    cut["segment_id"] = cut["segment_id"].astype("str").to_numpy() + suffix
    cut = gpd.GeoDataFrame(cut, geometry=pieces.geometry.to_numpy(), crs=streets.crs)

    kept_whole = attrs.iloc[whole["row"].to_numpy()].reset_index(drop=True)
    kept_whole["zone_id"] = None
    kept_whole = gpd.GeoDataFrame(
        kept_whole, geometry=whole["geometry"].to_numpy(), crs=streets.crs
    )
    result = pd.concat([cut, kept_whole], ignore_index=True)
    result["length_m"] = result.geometry.length.round(2)
    result = gpd.GeoDataFrame(result, geometry="geometry", crs=streets.crs)
    return conform(result.sort_values(["osm_way_id", "segment_id"], kind="stable"), STREETS)


def _by_street(
    street_idx: np.ndarray, other_idx: np.ndarray, others: np.ndarray, combine: Any
) -> tuple[np.ndarray, np.ndarray]:
    """The streets of the pairs ``street_idx``/``other_idx`` (positions, each once), and
    for each the one polygon it meets, or those it meets put together by ``combine``."""
    if not len(street_idx):
        return street_idx, np.empty(0, dtype=object)
    order = np.argsort(street_idx, kind="stable")
    streets, met = street_idx[order], other_idx[order]
    starts = np.flatnonzero(np.r_[True, streets[1:] != streets[:-1]])
    counts = np.diff(np.r_[starts, len(streets)])
    cover = np.asarray(others, dtype=object)[met[starts]]
    for k in np.flatnonzero(counts > 1):
        cover[k] = combine(others[met[starts[k] : starts[k] + counts[k]]])
    return streets[starts], cover


def _outside_zones(
    street_geoms: np.ndarray, street_idx: np.ndarray, zone_geoms: np.ndarray, zone_idx: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The streets that meet zones (positions) and their parts outside every zone: each
    street less the zones it meets (most meet one), never less the union of every zone,
    whose cost would grow with the whole county for each street."""
    touched, cover = _by_street(street_idx, zone_idx, zone_geoms, shapely.union_all)
    return touched, shapely.difference(street_geoms[touched], cover)


def _within(
    streets: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, distance: float
) -> gpd.GeoDataFrame:
    """The streets cut where they leave ``distance`` around the zones (pieces beyond
    dropped; a segment cut in two keeps its ``segment_id`` for the part within)."""
    area = shapely.union_all(zones.geometry.values).buffer(distance)
    clipped = _clipped(np.asarray(streets.geometry.values), shapely.get_parts(area))
    out = streets.copy()
    out.geometry = gpd.GeoSeries(clipped, index=streets.index, crs=streets.crs)
    out = out[~out.geometry.is_empty]
    out = out.explode(index_parts=False)
    out = out[(out.geom_type == "LineString") & (out.length >= MIN_PIECE_M)]
    parts = out.groupby(level=0).cumcount() + 1
    several = out.groupby(level=0)["segment_id"].transform("size") > 1
    out["segment_id"] = (
        out["segment_id"]
        .astype("str")
        .where(~several, out["segment_id"].astype("str") + "-w" + parts.astype("str"))
    )
    out["length_m"] = out.geometry.length
    return gpd.GeoDataFrame(out.reset_index(drop=True), geometry="geometry", crs=streets.crs)


def _clipped(lines: np.ndarray, parts: np.ndarray) -> np.ndarray:
    """Each line's part within the polygons ``parts`` (empty where it meets none): each line
    clipped by the polygons it meets, and kept whole where one holds it (the same lines as
    clipping each by all of them, which costs the whole county for each line)."""
    out = np.array([shapely.LineString()] * len(lines), dtype=object)
    shapely.prepare(parts)
    line_idx, part_idx = shapely.STRtree(parts).query(lines, predicate="intersects")
    met, cover = _by_street(line_idx, part_idx, parts, shapely.multipolygons)
    # clipping nodes a line that crosses itself and drops a point repeated: such lines
    # are clipped, not kept as they are
    plain = shapely.is_simple(lines[met]) & (
        shapely.get_num_coordinates(shapely.remove_repeated_points(lines[met]))
        == shapely.get_num_coordinates(lines[met])
    )
    whole = shapely.contains_properly(cover, lines[met]) & plain
    out[met[whole]] = lines[met[whole]]
    out[met[~whole]] = shapely.intersection(lines[met[~whole]], cover[~whole])
    return out


def _one_zone_each(street_idx: np.ndarray, zone_rank: np.ndarray, pieces: np.ndarray) -> np.ndarray:
    """Give a street running along a boundary two zones share to the zone ranked first.

    Intersecting a line with a polygon keeps the part lying on its edge, so a street along
    the boundary between two zones would count in both. For the (few) streets that meet
    more than one zone, each zone's piece loses what a zone ranked before it already has.
    """
    out = pieces.copy()
    order = np.lexsort((zone_rank, street_idx))
    shared = pd.Series(street_idx).duplicated(keep=False).to_numpy()
    taken: dict[int, shapely.Geometry] = {}
    for k in order[shared[order]]:
        street = int(street_idx[k])
        if street in taken:
            out[k] = shapely.difference(out[k], taken[street])
            taken[street] = shapely.union(taken[street], pieces[k])
        else:
            taken[street] = pieces[k]
    return out


def attach_to_streets(
    layer: gpd.GeoDataFrame,
    streets: Any,
    *,
    max_distance_m: float | None = None,
) -> gpd.GeoDataFrame:
    """Attach each point to the nearest street segment within ``max_distance_m``.

    Every segment is a candidate, footpaths included: dog fouling reported on a footpath
    belongs to that footpath. Polygons (parks, allotments) are not attached. Between
    segments equally near, the point goes to the one first by ``segment_id`` (in text
    order), whatever order the layer lists them in.

    Parameters
    ----------
    layer
        ``reports`` or ``assets``.
    streets
        The ``streets`` layer (ideally cut at zones), same CRS; an osmnx graph or
        osmnx's edges (:func:`~healthy_streets.model.streets.as_streets`); or a
        :class:`~healthy_streets.Layers`, whose streets are used.
    max_distance_m
        Points further than this from every segment are left unattached (default
        :data:`settings.attach_distance_m`).

    Returns
    -------
    GeoDataFrame
        A copy of ``layer`` with ``segment_id``, ``street_name`` and ``street_distance_m``
        (metres, to 0.1 m); all three empty for a point left unattached and for polygons.

    Raises
    ------
    ConfigError
        When a layer is missing, not a GeoDataFrame, in degrees or another CRS than the
        other, or the streets lack their layer's columns.

    Examples
    --------
    >>> import healthy_streets as hs
    >>> reports = hs.read_reports("data/sample/reports_fixmystreet.csv").layer
    >>> attached = attach_to_streets(reports, layers.streets, max_distance_m=30)
    >>> attached["street_name"].value_counts().head(3)
    street_name
    Yarrowgate Road    77
    Bracken Grove      73
    Moorfield Road     72
    Name: count, dtype: int64
    >>> int(attached["segment_id"].isna().sum())  # further than 30 m from every street
    0
    """
    given = gather(layer, streets, roles=("layer", "streets"), caller="attach_to_streets")
    return _attach(given["layer"], given["streets"], max_distance_m)


def _attach(
    layer: gpd.GeoDataFrame, streets: gpd.GeoDataFrame, max_distance_m: float | None
) -> gpd.GeoDataFrame:
    distance = settings.attach_distance_m if max_distance_m is None else max_distance_m
    out = layer.copy()
    out["segment_id"] = pd.Series([None] * len(out), index=out.index, dtype="object")
    out["street_name"] = pd.Series([None] * len(out), index=out.index, dtype="object")
    out["street_distance_m"] = np.nan
    is_point = (out.geom_type == "Point").to_numpy()
    if not is_point.any() or streets.empty:
        return _street_link_dtypes(out)
    points = out.geometry.values[is_point]
    point_idx, street_idx = streets.sindex.nearest(points, max_distance=distance, return_all=True)
    point_idx, street_idx = _first_by_segment_id(point_idx, street_idx, streets)
    dists = shapely.distance(points[point_idx], streets.geometry.values[street_idx])
    rows = np.flatnonzero(is_point)[point_idx]
    out.iloc[rows, out.columns.get_loc("segment_id")] = streets["segment_id"].to_numpy()[street_idx]
    out.iloc[rows, out.columns.get_loc("street_name")] = streets["name"].to_numpy()[street_idx]
    out.iloc[rows, out.columns.get_loc("street_distance_m")] = np.round(dists, 1)
    return _street_link_dtypes(out)


def _first_by_segment_id(
    point_idx: np.ndarray, street_idx: np.ndarray, streets: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Of each point's nearest segments (several when equidistant), the one first by
    ``segment_id`` in text order: a tie settled by the data, never by the index's layout
    (the rule :mod:`healthy_streets.io.postgis_analysis` follows in the database)."""
    if not len(point_idx) or not (np.diff(np.sort(point_idx)) == 0).any():
        return point_idx, street_idx
    ids = streets["segment_id"].astype("str").to_numpy()
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.argsort(ids, kind="stable")] = np.arange(len(ids))
    order = np.lexsort((rank[street_idx], point_idx))
    point_idx, street_idx = point_idx[order], street_idx[order]
    first = np.r_[True, point_idx[1:] != point_idx[:-1]]
    return point_idx[first], street_idx[first]


def _street_link_dtypes(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame["segment_id"] = frame["segment_id"].astype("str")
    frame["street_name"] = (
        frame["street_name"]
        .astype("object")
        .where(frame["street_name"].notna(), None)
        .astype("str")
    )
    frame["street_distance_m"] = frame["street_distance_m"].astype("float64")
    return frame
