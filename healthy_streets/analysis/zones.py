"""Zones where a council publishes no zone polygons: outlines drawn from 20 mph streets.

Both functions draw an area around a set of street lines the same way, documented here once:

1. every line is widened by ``corridor_m`` on each side (the street and its frontages);
2. gaps between the widened streets narrower than ``2 * close_m`` are filled (a
   morphological closing: widen by ``close_m`` more, then shrink by ``close_m``), so that the
   blocks enclosed by 20 mph streets belong to the zone;
3. holes left smaller than ``min_hole_m2`` are filled, and pieces smaller than
   ``min_area_m2`` dropped.

The result is an outline, not a legal boundary: maps say where a zone came from
(``source`` and ``status_text``).
"""

from __future__ import annotations

import logging
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from healthy_streets._audience import audience
from healthy_streets.analysis._validate import gather
from healthy_streets.model.ids import zone_ids_from_names
from healthy_streets.model.layers import ZONES, conform
from healthy_streets.model.words import counted

log = logging.getLogger(__name__)

__all__ = [
    "council_limits",
    "outline_from_lines",
    "tagged_20mph",
    "zones_from_osm_20mph",
    "zones_from_speed_limit_lines",
]


def council_limits(lines: gpd.GeoDataFrame) -> tuple[pd.Series, pd.Series]:
    """The lowest and highest limit of each council speed-limit line, in mph (the same for
    one limit; NaN when unknown). Lines stored before bands were kept have only
    ``speed_mph``."""
    mph = pd.to_numeric(lines["speed_mph"], errors="coerce")
    low = lines.get("speed_mph_low", mph)
    high = lines.get("speed_mph_high", mph)
    return (
        pd.to_numeric(low, errors="coerce").fillna(mph),
        pd.to_numeric(high, errors="coerce").fillna(mph),
    )


def outline_from_lines(
    lines: gpd.GeoSeries,
    *,
    corridor_m: float = 25.0,
    close_m: float = 60.0,
    min_hole_m2: float = 20_000.0,
) -> shapely.Geometry:
    """The area around street lines (see the module's description of the method)."""
    if lines.empty:
        return shapely.Polygon()
    widened = shapely.union_all(lines.buffer(corridor_m + close_m).values)
    closed = widened.buffer(-close_m)
    parts = []
    for polygon in shapely.get_parts(closed):
        keep = [ring for ring in polygon.interiors if shapely.Polygon(ring).area >= min_hole_m2]
        parts.append(shapely.Polygon(polygon.exterior, keep))
    return shapely.union_all(parts) if parts else shapely.Polygon()


def zones_from_speed_limit_lines(
    lines: Any,
    *,
    max_mph: float = 20.0,
    include_part_time: bool = False,
    corridor_m: float = 25.0,
    close_m: float = 60.0,
    min_area_m2: float = 5_000.0,
) -> gpd.GeoDataFrame:
    """Draw zones from council speed-limit lines: one per ``group``, or per connected area.

    Parameters
    ----------
    lines
        The ``speed_limits`` layer (:func:`~healthy_streets.read_speed_limit_lines`), in
        a projected CRS in metres, or a ``Layers`` that holds one.
    max_mph
        Lines with a limit at or below this make zones (a band, all of it: "20-30 mph"
        makes none; lines of unknown limit make none).
    include_part_time
        Part-time limits (outside schools) make zones too.
    corridor_m
        Metres each line is widened by on each side (the street and its frontages).
    close_m
        Gaps between the widened lines narrower than twice this, in metres, are filled,
        so that blocks enclosed by the streets belong to the zone.
    min_area_m2
        Pieces of outline smaller than this, in square metres, are left out.

    Returns
    -------
    GeoDataFrame
        The ``zones`` layer: status ``implemented`` (the lines are limits in force),
        ``source`` naming the lines' file and "outline from street lines"; a zone with no
        ``group`` is named "20mph area <n>".

    Raises
    ------
    ConfigError
        When the lines are not a GeoDataFrame, are in degrees, or lack the columns of the
        ``speed_limits`` layer.

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
    >>> zones = zones_from_speed_limit_lines(lines, include_part_time=True)
    >>> zones[["zone_id", "name", "source"]]
       zone_id     name                                            source
    0  cowslip  Cowslip  speed_limits.geojson (outline from street lines)
    >>> print(f"{zones.area.iloc[0] / 10_000:.1f} hectares")
    7.6 hectares
    """
    lines = gather(lines, roles=["speed_limits"], caller="zones_from_speed_limit_lines")[
        "speed_limits"
    ]
    chosen = lines[council_limits(lines)[1] <= max_mph]  # a band counts by its top
    if not include_part_time:
        chosen = chosen[~chosen["part_time"]]
    rows: list[tuple[str | None, shapely.Geometry, gpd.GeoDataFrame]] = []
    groups = chosen.groupby(chosen["group"].fillna(""), sort=True) if len(chosen) else []
    for group, members in groups:
        outline = outline_from_lines(members.geometry, corridor_m=corridor_m, close_m=close_m)
        pieces = [p for p in shapely.get_parts(outline) if p.area >= min_area_m2]
        if group:
            if pieces:
                rows.append((str(group), shapely.union_all(pieces), members))
        else:
            rows += [(None, piece, members) for piece in pieces]
    records = []
    for number, (name, geometry, members) in enumerate(rows, start=1):
        source = ", ".join(sorted(set(members["source"].astype("str"))))
        records.append(
            {
                "name": name or f"20mph area {number}",
                "status": "implemented",
                "status_text": f"outline from {max_mph:g} mph street lines",
                "implemented_precision": "unknown",
                "source": f"{source} (outline from street lines)",
                "geometry": geometry,
            }
        )
    return _zones(records, lines.crs)


#: ``speed_source`` values that come from a speed tag on the street (not a default, not a
#: bare number OpenStreetMap reads as km/h).
TAGGED_SOURCES = (
    "maxspeed",
    "maxspeed_lowest",
    "maxspeed_type",
    "zone_maxspeed",
    "source_maxspeed",
)


def tagged_20mph(streets: gpd.GeoDataFrame) -> pd.Series:
    """True for roads (not paths) OpenStreetMap tags 20 mph or less: a signed 20mph zone
    (``GB:zone20``, ``GB:20``) or a speed tag of 20 mph or less (not a default, not a bare
    number, which OSM reads as km/h). The one definition used to draw zones from OSM
    (:func:`zones_from_osm_20mph`) and to find 20 mph streets outside zones
    (:func:`healthy_streets.analysis.twenty_mph_gaps`), so that the two agree.

    Returns
    -------
    Series
        Booleans indexed like ``streets``.
    """
    roads = streets["road_class"] != "path"
    speed = pd.to_numeric(streets["speed_mph"], errors="coerce")
    by_tag = (speed <= 20) & streets["speed_source"].isin(TAGGED_SOURCES)
    return roads & (by_tag | streets["signed_20mph_zone"].fillna(False).astype(bool))


def zones_from_osm_20mph(
    streets: Any,
    *,
    corridor_m: float = 25.0,
    close_m: float = 40.0,
    min_area_m2: float = 20_000.0,
) -> gpd.GeoDataFrame:
    """Candidate 20mph zones from OpenStreetMap streets tagged 20 mph.

    The streets are those :func:`tagged_20mph` finds. They are grouped into networks: two
    such streets belong together when they meet at a junction that no faster road reaches
    (a road OSM gives more than 20 mph; roads of unknown limit do not part them), so estates
    on either side of a 30 mph main road become separate zones. Each group is drawn into an
    area (see the module's description). A group whose area is under ``min_area_m2`` joins
    the zone it touches (a short 20 mph street between two junctions of a main road), or is
    left out when it touches none (a lone 20 mph cul-de-sac). Where two areas would overlap,
    the larger keeps the ground. Every street of a zone lies inside the zones, so
    :func:`~healthy_streets.analysis.twenty_mph_gaps` never lists it as outside them.

    Parameters
    ----------
    streets
        The ``streets`` layer, an osmnx graph or osmnx's edges (in a projected CRS in
        metres: a layer in degrees is refused, naming the fix), or a ``Layers``.
    corridor_m
        Metres each street is widened by on each side (the street and its frontages).
    close_m
        Gaps between the widened streets narrower than twice this, in metres, are filled,
        so that blocks enclosed by 20 mph streets belong to the zone.
    min_area_m2
        Outlines smaller than this, in square metres, join the zone they touch, or are left
        out.

    Returns
    -------
    GeoDataFrame
        The ``zones`` layer, largest first: ``zone_id`` ``osm-20mph-<n>``, status
        ``implemented`` (OpenStreetMap maps the limits in force on its data's date; when
        they came in is unknown, so none is evaluated before and after until given a
        date), ``source`` "OpenStreetMap (derived)". When streets tagged 20 mph
        were left out (groups under ``min_area_m2`` touching no zone), or no zone was
        drawn, ``attrs["notes"]`` says why, with the largest left out and the
        ``min_area_m2`` that would keep it; logged too (a warning when no zone was drawn).

    Raises
    ------
    ConfigError
        When the streets are not a streets layer, an osmnx graph or its edges, or are in
        degrees.

    Examples
    --------
    >>> import healthy_streets as hs
    >>> streets = hs.street_network_from_osm_file("data/sample/yarrowside.osm").layer
    >>> candidates = zones_from_osm_20mph(streets, min_area_m2=50_000)
    >>> candidates[["zone_id", "name"]]
           zone_id              name
    0  osm-20mph-1  OSM 20mph area 1
    1  osm-20mph-2  OSM 20mph area 2
    2  osm-20mph-3  OSM 20mph area 3
    3  osm-20mph-4  OSM 20mph area 4
    4  osm-20mph-5  OSM 20mph area 5
    """
    streets = gather(streets, roles=["streets"], caller="zones_from_osm_20mph")["streets"]
    roads = streets[streets["road_class"] != "path"]
    slow = tagged_20mph(roads)
    speed = pd.to_numeric(roads["speed_mph"], errors="coerce")
    tagged, faster = roads[slow], roads[~slow & (speed > 20)]
    groups = _street_groups(tagged, faster)
    outlines = [
        outline_from_lines(tagged.geometry.iloc[group], corridor_m=corridor_m, close_m=close_m)
        for group in groups
    ]
    pieces, left_out = _join_small_pieces(outlines, min_area_m2)
    taken = shapely.Polygon()
    disjoint = []
    for piece in pieces:
        disjoint.append(piece.difference(taken))
        taken = taken.union(piece)
    records = [
        {
            "zone_id": f"osm-20mph-{number}",
            "name": f"OSM 20mph area {number}",
            "status": "implemented",
            "status_text": "in force on OpenStreetMap's streets tagged 20 mph (derived)",
            "implemented_precision": "unknown",
            "source": "OpenStreetMap (derived)",
            "geometry": piece,
        }
        for number, piece in enumerate(disjoint, start=1)
    ]
    zones = _zones(records, streets.crs)
    notes = _derivation_notes(
        roads,
        tagged,
        [groups[i] for i in left_out],
        [outlines[i] for i in left_out],
        zones=len(zones),
        groups=len(groups),
        min_area_m2=min_area_m2,
    )
    if notes:
        zones.attrs["notes"] = notes
        for note in notes:
            log.log(logging.INFO if len(zones) else logging.WARNING, "%s", note)
    return zones


def _derivation_notes(
    roads: gpd.GeoDataFrame,
    tagged: gpd.GeoDataFrame,
    left_groups: list[list[int]],
    left_outlines: list[shapely.Geometry],
    *,
    zones: int,
    groups: int,
    min_area_m2: float,
) -> list[str]:
    """Why :func:`zones_from_osm_20mph` drew no zone, or left 20 mph streets out of them:
    none tagged 20 mph (saying how much is 20 mph by default only), or the groups too
    small for a zone that touch none, with the largest of them and the fix."""

    def amount(frame: gpd.GeoDataFrame) -> str:
        ways = int(frame["osm_way_id"].nunique())
        metres = float(frame["length_m"].sum())
        length = f"{metres / 1000:,.1f} km" if metres >= 1000 else f"{metres:.0f} m"
        return f"{counted(ways, 'way')} ({length})"

    if tagged.empty:
        speed = pd.to_numeric(roads["speed_mph"], errors="coerce")
        by_default = roads[speed <= 20]
        one = by_default["osm_way_id"].nunique() == 1
        why = (
            f" {amount(by_default)} {'is' if one else 'are'} 20 mph or less only by "
            f"{'its' if one else 'their'} class's default, which draws no zone (only a "
            "limit tagged on the street does)."
            if len(by_default)
            else ""
        )
        return [
            "No zone drawn: no road is tagged 20 mph or less in OpenStreetMap (maxspeed, "
            f"or a signed 20mph zone).{why}"
        ]
    if not left_groups:
        return []
    left = tagged.iloc[sorted(i for group in left_groups for i in group)]
    largest = max(outline.area for outline in left_outlines)
    step = 1000 if largest >= 1000 else 10
    keeps = int(largest // step * step) or int(largest)  # at most the largest: it is kept
    each = "each " if len(left_groups) > 1 else ""
    small = (
        f"{each}smaller than {_min_area()} ({min_area_m2:,.0f} m2; the largest {largest:,.0f} m2)"
    )
    fix = f"lower {_min_area()} to keep them ({_min_area(keeps)} keeps the largest)."
    parted = "of streets apart (or parted by a faster road)"
    if not zones:
        return [
            f"No zone drawn: {amount(tagged)} tagged 20 mph or less make "
            f"{counted(groups, 'group')} {parted}, {small}: {fix}"
        ]
    return [
        f"{amount(left)} tagged 20 mph or less left out of the zones: {len(left_groups)} of "
        f"the {counted(groups, 'group')} {parted}, {small} and touching no zone: {fix}"
    ]


def _min_area(value: float | None = None) -> str:
    """``min_area_m2`` as the caller sets it (``--min-area`` on the command line), with
    ``value`` if given."""
    cli = audience().audience == "cli"
    name = "--min-area" if cli else "min_area_m2"
    if value is None:
        return name
    return f"{name}{' ' if cli else '='}{value:.0f}"


def _join_small_pieces(
    outlines: list[shapely.Geometry], min_area_m2: float
) -> tuple[list[shapely.Geometry], list[int]]:
    """The outlines large enough to be zones, largest first, each with the small outlines
    that touch it joined to it (a small one touching several joins the largest); and the
    positions of the small outlines that touch none (left out)."""
    large = sorted((o for o in outlines if o.area >= min_area_m2), key=lambda p: -p.area)
    left_out = []
    for position, outline in enumerate(outlines):
        if not 0 < outline.area < min_area_m2:
            continue
        for number, piece in enumerate(large):
            if piece.intersects(outline):
                large[number] = piece.union(outline)
                break
        else:
            left_out.append(position)
    return large, left_out


def _street_groups(tagged: gpd.GeoDataFrame, faster: gpd.GeoDataFrame) -> list[list[int]]:
    """Positions of ``tagged`` streets grouped by junctions no faster road reaches."""
    import networkx as nx

    def ends(frame: gpd.GeoDataFrame) -> tuple[list[tuple[float, float]], ...]:
        first = shapely.get_point(frame.geometry.values, 0)
        last = shapely.get_point(frame.geometry.values, -1)
        key = lambda p: (round(p.x, 1), round(p.y, 1))  # noqa: E731
        return [key(p) for p in first], [key(p) for p in last]

    fast_a, fast_b = ends(faster) if len(faster) else ([], [])
    fast = set(fast_a) | set(fast_b)
    graph = nx.MultiGraph()  # two streets may join the same two junctions (a loop)
    starts, finishes = ends(tagged) if len(tagged) else ([], [])
    for position, (a, b) in enumerate(zip(starts, finishes, strict=True)):
        node_a = ("own", position, 0) if a in fast else a
        node_b = ("own", position, 1) if b in fast else b
        graph.add_edge(node_a, node_b, position=position)
    groups = []
    for component in nx.connected_components(graph):
        positions = {
            d["position"] for *_, d in graph.subgraph(component).edges(keys=True, data=True)
        }
        groups.append(sorted(positions))
    return groups


def _zones(records: list[dict[str, object]], crs: object) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        pd.DataFrame(records, columns=[*ZONES.column_names]), geometry="geometry", crs=crs
    )
    if frame["zone_id"].isna().all():
        frame["zone_id"] = zone_ids_from_names(frame["name"])
    return conform(frame, ZONES)
