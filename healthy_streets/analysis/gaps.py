"""20mph gaps: where the council's zones and OpenStreetMap disagree, and schools left out.

Pure functions; each list is ready for the council to check signage or fix the map.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from healthy_streets.analysis.attach import given_layers
from healthy_streets.analysis.tables import OUTSIDE
from healthy_streets.analysis.zones import council_limits, tagged_20mph

__all__ = ["compare_speed_limits", "gaps_table", "schools_outside_zones", "twenty_mph_gaps"]

#: Kinds of gap in :func:`twenty_mph_gaps`.
FASTER_IN_ZONE = "faster in zone"
#: Columns of :func:`twenty_mph_gaps`.
GAP_COLUMNS = [
    "kind",
    "zone_id",
    "street",
    "highway",
    "length_m",
    "speed_mph",
    "maxspeed",
    "maxspeed_type",
    "speed_source",
    "osm_way_ids",
    "geometry",
]
TWENTY_OUTSIDE = "20 mph outside zones"
NO_UNIT = "limit tagged without a unit"


def twenty_mph_gaps(
    zones: Any, streets: Any = None, *, edge_tolerance_m: float = 25.0
) -> gpd.GeoDataFrame:
    """Streets where the council's zones and OpenStreetMap's speed limits disagree.

    Two kinds, roads only (not paths):

    - ``faster in zone``: inside an *implemented* council zone, OSM gives a limit above
      20 mph (check the signs, or correct the map);
    - ``20 mph outside zones``: OSM gives 20 mph or less (from a ``maxspeed`` or zone tag, not
      a default: :func:`~healthy_streets.analysis.zones.tagged_20mph`) outside every council
      zone (a zone the council's file lacks, or a map error). Zones drawn from OSM's
      tagging (:func:`~healthy_streets.analysis.zones_from_osm_20mph`) hold every street
      they were drawn from, so none of those is listed;
    - ``limit tagged without a unit``: ``maxspeed=30`` with no unit, anywhere. By OSM's
      rules that is 30 km/h (18.6 mph); in Britain it is almost surely a slip for mph, so
      the map, not the street, needs fixing.

    Streets not yet cut at the zones (a graph, say) are cut first. Pieces lying wholly within
    ``edge_tolerance_m`` of a zone's edge are not gaps: a council draws its boundary along
    the main road while OSM's streets run to the road's centre line, so every street
    entering a zone has a few metres on the other side. Segments of one street (same name,
    same zone, same tags) are joined into one row.

    Parameters
    ----------
    zones
        The ``zones`` layer; or a :class:`~healthy_streets.Layers` (from
        :func:`~healthy_streets.load_layers`), whose layers are used where the others are
        not given.
    streets
        The ``streets`` layer, an osmnx graph or osmnx's edges
        (:func:`~healthy_streets.as_streets`).
    edge_tolerance_m
        Metres from a zone's edge within which a street piece is not a gap.

    Returns
    -------
    GeoDataFrame
        ``kind``, ``zone_id`` (the zone, or ``"(outside zones)"``), ``street``, ``highway``,
        ``length_m``, ``speed_mph``, ``maxspeed`` and ``maxspeed_type`` (the raw tags),
        ``speed_source``, ``osm_way_ids`` (``;``-joined), geometry; longest first in each
        kind.

    Raises
    ------
    ConfigError
        When a layer is missing, not a GeoDataFrame, in degrees or another CRS than the
        others, or lacks its layer's columns.

    Examples
    --------
    >>> gaps = twenty_mph_gaps(layers)
    >>> gaps.groupby("kind")["length_m"].sum().round()  # metres of street
    kind
    20 mph outside zones            99.0
    faster in zone                 130.0
    limit tagged without a unit     50.0
    Name: length_m, dtype: float64
    >>> gaps[["kind", "zone_id", "street", "speed_mph"]].head(3)
                       kind           zone_id          street  speed_mph
    0        faster in zone  yarrowside-north   Siskin Street       30.0
    1        faster in zone  yarrowside-north  Heapey Gardens       30.0
    2  20 mph outside zones   (outside zones)  Withnell Croft       20.0
    """
    given = given_layers(zones, streets, roles=("zones", "streets"), caller="twenty_mph_gaps")
    zones, streets = given["zones"], given["streets"]
    roads = streets[streets["road_class"] != "path"].copy()
    implemented = set(zones.loc[zones["status"] == "implemented", "zone_id"].astype("str"))
    in_zone = roads["zone_id"].isin(implemented)
    no_unit = roads["speed_source"] == "maxspeed_kmh"
    tagged_20 = tagged_20mph(roads) & ~no_unit
    at_edge = _near_edges(roads, zones, edge_tolerance_m)
    faster = roads[in_zone & (roads["speed_mph"] > 20) & ~at_edge].assign(kind=FASTER_IN_ZONE)
    outside = roads[roads["zone_id"].isna() & tagged_20 & ~at_edge].assign(kind=TWENTY_OUTSIDE)
    unitless = roads[no_unit].assign(kind=NO_UNIT)
    gaps = pd.concat([faster, outside, unitless], ignore_index=True)
    if gaps.empty:
        return gpd.GeoDataFrame(
            columns=GAP_COLUMNS,
            geometry="geometry",
            crs=streets.crs,
        )
    gaps["zone_id"] = gaps["zone_id"].astype("object").where(gaps["zone_id"].notna(), OUTSIDE)
    gaps["street"] = gaps["name"].astype("object").where(gaps["name"].notna(), "(unnamed)")
    keys = [
        "kind",
        "zone_id",
        "street",
        "highway",
        "speed_mph",
        "maxspeed",
        "maxspeed_type",
        "speed_source",
    ]
    for key in keys:
        gaps[key] = gaps[key].astype("object").where(gaps[key].notna(), "")
    gaps["osm_way_ids"] = gaps["osm_way_id"].astype("str")
    grouped = (
        gpd.GeoDataFrame(gaps, geometry="geometry", crs=streets.crs)
        .dissolve(
            by=keys,
            aggfunc={
                "length_m": "sum",
                "osm_way_ids": lambda ids: ";".join(sorted(set(ids), key=int)),
            },
        )
        .reset_index()
    )
    grouped = grouped.replace({"": None})
    grouped["length_m"] = grouped["length_m"].round(1)
    grouped["speed_mph"] = pd.to_numeric(grouped["speed_mph"])
    order = {FASTER_IN_ZONE: 0, TWENTY_OUTSIDE: 1, NO_UNIT: 2}
    grouped = grouped.sort_values(
        ["kind", "length_m"],
        ascending=[True, False],
        key=lambda s: s.map(order) if s.name == "kind" else s,
    )
    return gpd.GeoDataFrame(
        grouped[GAP_COLUMNS].reset_index(drop=True), geometry="geometry", crs=streets.crs
    )


def _near_edges(roads: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, tolerance_m: float) -> pd.Series:
    """True for roads lying wholly within ``tolerance_m`` of a zone's edge."""
    if zones.empty or tolerance_m <= 0:
        return pd.Series(False, index=roads.index)
    # GEOS may buffer an intricate outline into an invalid shape: mend it before the union
    bands = shapely.make_valid(zones.geometry.boundary.buffer(tolerance_m).values)
    band = shapely.union_all(bands)
    return pd.Series(shapely.within(roads.geometry.values, band), index=roads.index)


def schools_outside_zones(
    assets: Any, zones: Any = None, *, implemented_only: bool = True
) -> gpd.GeoDataFrame:
    """Schools outside every 20mph zone, with the distance to the nearest zone.

    Parameters
    ----------
    assets
        The ``assets`` layer (schools from walkabouts, council data or OpenStreetMap); or a
        :class:`~healthy_streets.Layers`, whose layers are used where the others are not
        given.
    zones
        The ``zones`` layer.
    implemented_only
        Count only zones in force (a school in a proposed zone is still outside).

    Returns
    -------
    GeoDataFrame
        ``asset_id``, ``name``, ``source``, ``distance_m`` (to the nearest zone's edge, in
        metres; empty when no zone counts), ``nearest_zone_id``, ``note`` (why
        ``distance_m`` is empty: no zone is in force, or there are no zones; empty
        otherwise), the school's geometry; nearest first.

    Raises
    ------
    ConfigError
        When a layer is missing, not a GeoDataFrame, in degrees or another CRS than the
        others, or lacks its layer's columns.

    Examples
    --------
    >>> schools_outside_zones(layers)[["name", "distance_m"]]
                          name  distance_m
    0  Withnell Primary School       152.4

    Counting proposed zones as covering their schools too:

    >>> schools_outside_zones(layers, implemented_only=False)[["name", "distance_m"]]
                          name  distance_m
    0  Withnell Primary School       152.4
    """
    given = given_layers(assets, zones, roles=("assets", "zones"), caller="schools_outside_zones")
    assets, zones = given["assets"], given["zones"]
    schools = assets[assets["category"] == "school"]
    covering = zones[zones["status"] == "implemented"] if implemented_only else zones
    if schools.empty:
        return gpd.GeoDataFrame(
            columns=[
                "asset_id",
                "name",
                "source",
                "distance_m",
                "nearest_zone_id",
                "note",
                "geometry",
            ],
            geometry="geometry",
            crs=assets.crs,
        )
    if covering.empty:
        inside = np.zeros(len(schools), dtype=bool)
    else:
        union = shapely.union_all(covering.geometry.values)
        inside = shapely.intersects(schools.geometry.values, union)
    outside = schools[~inside]
    if covering.empty:
        nearest = pd.Series([None] * len(outside), index=outside.index, dtype="object")
        distance = pd.Series(np.nan, index=outside.index)
    else:
        left, right = covering.sindex.nearest(outside.geometry.values, return_all=False)
        nearest = pd.Series(covering["zone_id"].to_numpy()[right], index=outside.index[left])
        distance = pd.Series(
            shapely.distance(outside.geometry.values[left], covering.geometry.values[right]),
            index=outside.index[left],
        )
    result = gpd.GeoDataFrame(
        {
            "asset_id": outside["asset_id"],
            "name": outside["name"],
            "source": outside["source"],
            "distance_m": distance.reindex(outside.index).round(1),
            "nearest_zone_id": nearest.reindex(outside.index),
            "note": _no_distance(zones, implemented_only) if covering.empty else "",
        },
        geometry=outside.geometry,
        crs=assets.crs,
    )
    return result.sort_values("distance_m").reset_index(drop=True)


def compare_speed_limits(
    speed_limits: Any,
    streets: Any = None,
    *,
    match_m: float = 10.0,
    min_overlap: float = 0.5,
) -> gpd.GeoDataFrame:
    """Council speed-limit lines against OpenStreetMap's limits on the same street.

    Each OSM road segment is matched to the council line it runs along: at least
    ``min_overlap`` of its length within ``match_m`` metres of the line. Segments whose
    limits differ are listed: OSM's limit is not the council's, or lies outside the
    council's band ("50, 60 or 70mph" agrees with 50, 60 and 70). A council line of
    unknown limit is never a difference (there is nothing to compare); a segment OSM gives
    no limit is one.

    Parameters
    ----------
    speed_limits
        The council's ``speed_limits`` layer; or a :class:`~healthy_streets.Layers` (from
        :func:`~healthy_streets.load_layers`), whose layers are used where the others are
        not given.
    streets
        The ``streets`` layer, an osmnx graph or osmnx's edges
        (:func:`~healthy_streets.as_streets`).
    match_m
        How far a segment may lie from a council line and run along it, in metres.
    min_overlap
        The share of a segment's length that must lie within ``match_m`` of the line.

    Returns
    -------
    GeoDataFrame
        ``segment_id``, ``street``, ``length_m``, ``osm_mph``, ``osm_source``,
        ``council_mph`` (empty for a band), ``council_part_time``, ``limit_text``,
        ``line_id``, ``council_mph_low`` and ``council_mph_high`` (the band's ends; both
        ``council_mph`` for one limit), geometry (the OSM segment); longest first.

    Raises
    ------
    ConfigError
        When a layer is missing, not a GeoDataFrame, in degrees or another CRS than the
        others, or lacks its layer's columns.

    Examples
    --------
    A council's lines (here three of the sample's streets, as its GIS would export them):

    >>> streets = layers.streets.dissolve("name")
    >>> council = streets.loc[["Alder Way", "Cowslip Lane", "Kestrel Road"]]
    >>> council["LAYER"] = ["20mph streets", "Part time 20mph", "30mph"]
    >>> council["SCHEME"] = ["Cowslip", "Cowslip", None]
    >>> council[["LAYER", "SCHEME", "geometry"]].to_file(out / "speed_limits.geojson")

    >>> import healthy_streets as hs
    >>> named = {"limit": "LAYER", "group": "SCHEME"}
    >>> lines = hs.read_speed_limit_lines(out / "speed_limits.geojson", fields=named).layer
    >>> differ = compare_speed_limits(lines, layers.streets)
    >>> differ.groupby(["street", "osm_mph", "council_mph"])["length_m"].sum().round()
    street        osm_mph  council_mph
    Cowslip Lane  30.0     20.0           960.0
    Name: length_m, dtype: float64
    """
    given = given_layers(
        speed_limits, streets, roles=("speed_limits", "streets"), caller="compare_speed_limits"
    )
    speed_limits, streets = given["speed_limits"], given["streets"]
    roads = streets[streets["road_class"] != "path"]
    columns = [
        "segment_id",
        "street",
        "length_m",
        "osm_mph",
        "osm_source",
        "council_mph",
        "council_part_time",
        "limit_text",
        "line_id",
        "council_mph_low",
        "council_mph_high",
        "geometry",
    ]
    low, high = council_limits(speed_limits)
    speed_limits = speed_limits.assign(_low=low, _high=high)[low.notna()]
    if roads.empty or speed_limits.empty:
        return gpd.GeoDataFrame(columns=columns, geometry="geometry", crs=streets.crs)
    corridors = speed_limits.geometry.buffer(match_m, cap_style="flat")
    road_idx, line_idx = corridors.sindex.query(roads.geometry.values, predicate="intersects")
    overlap = shapely.length(
        shapely.intersection(roads.geometry.values[road_idx], corridors.values[line_idx])
    )
    share = overlap / np.maximum(roads["length_m"].to_numpy()[road_idx], 1e-9)
    pairs = pd.DataFrame({"road": road_idx, "line": line_idx, "share": share})
    pairs = pairs[pairs["share"] >= min_overlap].sort_values("share", ascending=False)
    pairs = pairs.drop_duplicates("road")
    matched_roads = roads.iloc[pairs["road"].to_numpy()]
    matched_lines = speed_limits.iloc[pairs["line"].to_numpy()]
    table = gpd.GeoDataFrame(
        {
            "segment_id": matched_roads["segment_id"].to_numpy(),
            "street": matched_roads["name"].to_numpy(),
            "length_m": matched_roads["length_m"].to_numpy(),
            "osm_mph": matched_roads["speed_mph"].to_numpy(),
            "osm_source": matched_roads["speed_source"].to_numpy(),
            "council_mph": matched_lines["speed_mph"].to_numpy(),
            "council_part_time": matched_lines["part_time"].to_numpy(),
            "limit_text": matched_lines["limit_text"].to_numpy(),
            "line_id": matched_lines["line_id"].to_numpy(),
            "council_mph_low": matched_lines["_low"].to_numpy(),
            "council_mph_high": matched_lines["_high"].to_numpy(),
        },
        geometry=matched_roads.geometry.to_numpy(),
        crs=streets.crs,
    )
    osm = table["osm_mph"].astype(float)
    tolerance = 0.05  # km/h converted to mph and rounded to 0.1
    within = (osm >= table["council_mph_low"] - tolerance) & (
        osm <= table["council_mph_high"] + tolerance
    )
    table = table[~within | table["osm_mph"].isna()]
    return table.sort_values("length_m", ascending=False).reset_index(drop=True)[columns]


#: The kind of a row of :func:`gaps_table` for a school, and for a council limit.
SCHOOL_OUTSIDE = "school outside zones"
COUNCIL_DIFFERS = "council limit differs"


def _no_distance(zones: gpd.GeoDataFrame, implemented_only: bool) -> str:
    """Why a school outside the zones has no distance to the nearest zone."""
    if zones.empty:
        return "no zones to measure from"
    if implemented_only:
        return "no zone in force (status implemented) to measure from"
    return "no zone to measure from"


def gaps_table(
    zones: Any,
    streets: Any = None,
    assets: Any = None,
    speed_limits: Any = None,
    *,
    edge_tolerance_m: float = 25.0,
    gaps: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Every gap in one table, for the council to check signs or fix the map.

    The 20mph gaps, the schools outside every zone in force and, with council speed-limit
    lines, the streets whose limits differ: the command line's ``gaps`` table.

    Parameters
    ----------
    zones
        The ``zones`` layer; or a :class:`~healthy_streets.Layers`, whose layers (its
        speed-limit lines too) are used where the others are not given.
    streets
        The ``streets`` layer, an osmnx graph or osmnx's edges
        (:func:`~healthy_streets.as_streets`).
    assets
        The ``assets`` layer (its schools).
    speed_limits
        The council's ``speed_limits`` layer (optional).
    edge_tolerance_m
        As for :func:`twenty_mph_gaps`.
    gaps
        :func:`twenty_mph_gaps` already worked out (not worked out again).

    Returns
    -------
    DataFrame
        One row per gap: ``kind`` (the kinds of :func:`twenty_mph_gaps`, ``"school outside
        zones"`` or ``"council limit differs"``), ``zone_id`` (for a school: the nearest
        zone in force), ``street`` (for a school: its name), ``highway``, ``length_m``,
        ``speed_mph`` (OpenStreetMap's), ``maxspeed``, ``maxspeed_type``,
        ``speed_source``, ``osm_way_ids`` (for a school: its ``asset_id``; for a council
        limit: the segment), ``distance_m`` (a school's, to the nearest zone in force),
        ``council_mph``, ``council_mph_low``, ``council_mph_high`` and ``note`` (why a
        school has no ``distance_m``: no zone in force to measure from).

    Raises
    ------
    ConfigError
        When a layer is missing, not a GeoDataFrame, in degrees or another CRS than the
        others, or lacks its layer's columns.

    Examples
    --------
    >>> table = gaps_table(layers)
    >>> table.groupby("kind").size()
    kind
    20 mph outside zones           2
    faster in zone                 2
    limit tagged without a unit    1
    school outside zones           1
    dtype: int64
    """
    given = given_layers(
        zones,
        streets,
        assets,
        speed_limits,
        roles=("zones", "streets", "assets", "speed_limits"),
        caller="gaps_table",
        optional=("speed_limits",),
    )
    zones, streets, assets = given["zones"], given["streets"], given["assets"]
    if gaps is None:
        gaps = twenty_mph_gaps(zones, streets, edge_tolerance_m=edge_tolerance_m)
    schools = schools_outside_zones(assets, zones)
    parts = [
        pd.DataFrame(gaps.drop(columns="geometry")),
        pd.DataFrame(
            {
                "kind": SCHOOL_OUTSIDE,
                "zone_id": schools["nearest_zone_id"],
                "street": schools["name"],
                "distance_m": schools["distance_m"],
                "osm_way_ids": schools["asset_id"],
                "note": schools["note"],
            }
        ),
    ]
    if given["speed_limits"] is not None:
        differ = compare_speed_limits(given["speed_limits"], streets)
        parts.append(
            pd.DataFrame(
                {
                    "kind": COUNCIL_DIFFERS,
                    "street": differ["street"],
                    "length_m": differ["length_m"].round(1),
                    "speed_mph": differ["osm_mph"],
                    "council_mph": differ["council_mph"],
                    "council_mph_low": differ["council_mph_low"],
                    "council_mph_high": differ["council_mph_high"],
                    "maxspeed": differ["limit_text"],
                    "osm_way_ids": differ["segment_id"],
                }
            )
        )
    parts = [part for part in parts if len(part)]
    columns = [c for c in GAP_COLUMNS if c != "geometry"]
    columns += ["distance_m", "council_mph", "council_mph_low", "council_mph_high", "note"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True).reindex(columns=columns)
