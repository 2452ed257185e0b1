"""The one guard at every analysis entry point: what the layers may be, checked once.

Every analysis function (and the meeting map) takes its layers one by one, or a whole
:class:`~healthy_streets.model.build.Layers` as its first argument (or, where a layer of
the caller's is placed on the zones or streets, in their place); its streets as a
``streets`` layer, an osmnx graph or osmnx's edges (converted by
:func:`~healthy_streets.model.streets.as_streets`). :func:`gather` puts what a call was
given in order and refuses, in one message naming the layer and the fix:

- anything that is not a GeoDataFrame (a file name: read it first);
- a layer with no CRS, in degrees (EPSG:4326: lengths and areas would be in degrees), in
  units other than metres, in a CRS whose scale where the layer lies is more than 2 % from
  true (Web Mercator, EPSG:3857: areas in England 2.6 to 3 times too large; measured with
  pyproj, the factor said), or in another CRS than the other layers;
- a layer lacking the columns of its normalised layer (``docs/layers.md``);
- a layer with rows none of which lies within :data:`PLACE_REACH_M` (10 km) of the zones
  (of the streets, when the call has no zones): a layer for another place (Oxford's streets
  given with Bath's zones), which would otherwise give a summary of nothing, or an
  evaluation compared with another town, and no warning. The measure is a build's: the
  zones' project area (:func:`healthy_streets.model.area.around`) and each row's distance
  beyond it, as the readers set rows apart "outside the project area". A layer partly
  within is used as it is.

The attaching that a graph needs (streets cut at the zones, points attached to them) is
:func:`healthy_streets.analysis.attach.given_layers`, which builds on this.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Proj, Transformer
from pyproj.exceptions import CRSError, ProjError

from healthy_streets import settings
from healthy_streets.errors import ConfigError
from healthy_streets.model.area import around, distances
from healthy_streets.model.build import Layers
from healthy_streets.model.layers import ASSETS, REPORTS, SPEED_LIMITS, STREETS, ZONES, Layer
from healthy_streets.model.streets import as_streets, is_streets_layer
from healthy_streets.model.uk import place_phrase, suggested_crs

__all__ = ["Given", "gather"]

#: The normalised layer each role holds (``layer``: any layer of points or areas).
SPECS: dict[str, Layer | None] = {
    "layer": None,
    "zones": ZONES,
    "streets": STREETS,
    "assets": ASSETS,
    "reports": REPORTS,
    "speed_limits": SPEED_LIMITS,
}
#: What a role's layer is called in messages ("the points given to assign_zones are...").
_CALLED = {"layer": "points"}
#: How an analyst turns a file or a GeoDataFrame of their own into each layer.
READERS = {
    "layer": "healthy_streets.read_assets(path).layer or read_reports(path).layer",
    "zones": "healthy_streets.read_zones(path or GeoDataFrame).layer",
    "streets": "healthy_streets.as_streets(graph), or street_network_from_osm_file(path).layer",
    "assets": "healthy_streets.read_assets(path).layer",
    "reports": "healthy_streets.read_reports(path).layer",
    "speed_limits": "healthy_streets.read_speed_limit_lines(path).layer",
}


@dataclass
class Given:
    """The layers a call was given, checked.

    Attributes
    ----------
    layers
        Role (``zones``, ``streets``...) -> the layer, or ``None`` when not given.
    converted
        Whether the streets came as a graph or osmnx's edges (converted here: not yet cut
        at any zones, nothing attached to them).
    """

    layers: dict[str, gpd.GeoDataFrame | None] = field(default_factory=dict)
    converted: bool = False

    def __getitem__(self, role: str) -> Any:
        return self.layers.get(role)


def gather(
    first: Any,
    *rest: Any,
    roles: Sequence[str],
    caller: str,
    optional: Sequence[str] = (),
) -> Given:
    """Put the layers a call was given in order, convert its streets, and check them all.

    Parameters
    ----------
    first
        The call's first argument: a :class:`~healthy_streets.model.build.Layers`, or the
        layer of the first role.
    *rest
        The layers of the other roles, in the order of ``roles`` (``None`` where not given:
        from ``first`` when it is a ``Layers``); a ``Layers`` here stands for its layer of
        that role (``assign_zones(points, layers)``: the layers' zones).
    roles
        The roles the call takes, in the order of its arguments.
    caller
        The function's name, for messages.
    optional
        Roles the call can do without.

    Raises
    ------
    ConfigError
        For a layer missing, not a GeoDataFrame, in a wrong CRS or lacking columns.
    """
    values = dict(zip(roles, (first, *rest), strict=False))
    for role in roles[1:]:  # a Layers where one layer goes: its layer of that role
        if isinstance(values.get(role), Layers):
            values[role] = getattr(values[role], role, None)
    if isinstance(first, Layers):
        values[roles[0]] = None
        for role in roles:
            if values.get(role) is None:
                values[role] = getattr(first, role, None)
    given = Given()
    target = _target_crs(values.get("zones"))
    for role in roles:
        value = values.get(role)
        if value is None:
            if role not in optional:
                raise ConfigError(
                    f"{caller} needs the {_CALLED.get(role, role)}: give them (the normalised "
                    f"{_CALLED.get(role, role)} layer), or "
                    "give a Layers from load_layers as the first argument."
                )
            given.layers[role] = None
            continue
        if role == "streets" and not is_streets_layer(value):
            value = as_streets(value, working_crs=target, what=f"streets given to {caller}")
            given.converted = True
        given.layers[role] = check_layer(value, role, caller)
    _same_crs(given, caller)
    _same_place(given, caller)
    return given


def _target_crs(zones: object) -> str | None:
    """The CRS a graph is converted to: the zones', when they are projected (the two must
    agree), else the working CRS."""
    crs = getattr(zones, "crs", None)
    if crs is not None and getattr(crs, "is_projected", False):
        return str(crs.to_string())
    return None


def check_layer(frame: Any, role: str, caller: str) -> gpd.GeoDataFrame:
    """``frame`` if it can be the ``role`` layer of a call to ``caller``; else the error
    that says why not and what to do."""
    spec = SPECS[role]
    named = _CALLED.get(role, role)
    if not isinstance(frame, gpd.GeoDataFrame):
        raise ConfigError(
            f"The {named} given to {caller} should be a GeoDataFrame (the {named} layer), not "
            f"a {type(frame).__name__}; read it first: {READERS[role]}."
        )
    _check_crs(frame, role, caller)
    missing = [c for c in spec.column_names if c not in frame.columns] if spec else []
    if missing:
        more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
        shown = ", ".join(missing[:8]) + more
        raise ConfigError(
            f"The {named} given to {caller} lack the column(s) {shown} of the normalised "
            f"{named} layer (docs/layers.md). Read them with {READERS[role]}, which finds "
            "the columns a file or GeoDataFrame of your own holds."
        )
    return frame


def _check_crs(frame: gpd.GeoDataFrame, role: str, caller: str) -> None:
    working = settings.working_crs
    named = _CALLED.get(role, role)
    if frame.crs is None:
        raise ConfigError(
            f"The {named} given to {caller} have no CRS, so their lengths and areas cannot be "
            f"measured. Name the CRS their coordinates are in ({named}.set_crs(...)), then "
            f"convert them to the working CRS: {named}.to_crs({working!r}); or read them with "
            f"{READERS[role]}."
        )
    if frame.crs.is_geographic:
        raise ConfigError(
            f"The {named} given to {caller} are in {frame.crs.to_string()} (longitude and "
            "latitude, in degrees): lengths and areas would come out in degrees. Convert "
            f"them to the working CRS: {named}.to_crs({working!r}); or read them with "
            f"{READERS[role]}, which does."
        )
    units = {axis.unit_name for axis in frame.crs.axis_info}
    if units and not units <= {"metre", "meter"}:
        raise ConfigError(
            f"The {named} given to {caller} are in {frame.crs.to_string()}, measured in "
            f"{', '.join(sorted(units))}: lengths and areas are in metres. Convert them to "
            f"the working CRS: {named}.to_crs({working!r})."
        )
    _check_scale(frame, role, caller)


#: How far a CRS's scale may be from true where the data lies: British National Grid and
#: UTM are within 0.1 % over their areas; Web Mercator (EPSG:3857) makes areas in England
#: 2.6 to 3 times too large.
MAX_SCALE_ERROR = 0.02


def _check_scale(frame: gpd.GeoDataFrame, role: str, caller: str) -> None:
    """Refuse a projected CRS that does not measure true lengths and areas where ``frame``
    lies (Web Mercator): its scale at the middle of the layer's extent, by pyproj."""
    place = _middle_lonlat(frame)
    if place is None:
        return
    lon, lat = place
    scales = _scales(frame.crs.srs, lon, lat)
    if scales is None or _true_enough(scales):
        return
    named = _CALLED.get(role, role)
    area, length = scales[0], max(scales[1:], key=lambda s: abs(s - 1))
    working = settings.working_crs
    if _true_enough(_scales(working, lon, lat)):
        fix = (
            f"convert them to the working CRS: {named}.to_crs({working!r}); or read them with "
            f"{READERS[role]}, which does."
        )
    else:  # the working CRS does not suit this place either: the UTM zone there
        utm = suggested_crs(lon, lat)
        fix = (
            f"convert them to the UTM zone there, {named}.to_crs({utm!r}), and name it as the "
            f"working CRS (healthy_streets.settings.working_crs = {utm!r})."
        )
    raise ConfigError(
        f"The {named} given to {caller} are in {frame.crs.to_string()}, which does not "
        f"measure true distances at {place_phrase(lon, lat)}: areas would come out "
        f"{_times(area, 'large', 'small')} and lengths {_times(length, 'long', 'short')}. "
        f"To measure them, {fix}"
    )


def _middle_lonlat(frame: gpd.GeoDataFrame) -> tuple[float, float] | None:
    """The middle of the layer's extent in longitude and latitude, rounded to 0.01°
    (``None`` for an empty layer, or one that cannot be placed)."""
    if frame.empty:
        return None
    minx, miny, maxx, maxy = frame.total_bounds
    if not np.isfinite([minx, miny, maxx, maxy]).all():
        return None
    lon, lat = _to_lonlat(frame.crs.srs)((minx + maxx) / 2, (miny + maxy) / 2)
    if not (np.isfinite(lon) and np.isfinite(lat)):
        return None
    return round(float(lon), 2), round(float(lat), 2)


@functools.lru_cache(maxsize=64)
def _to_lonlat(crs: str) -> Any:
    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform


@functools.lru_cache(maxsize=256)
def _scales(crs: str, lon: float, lat: float) -> tuple[float, float, float] | None:
    """The CRS's areal, meridional and parallel scale at a place (``None`` where pyproj
    cannot tell: beyond the projection's area)."""
    try:
        factors = Proj(crs).get_factors(lon, lat)
    except (ProjError, CRSError, RuntimeError):
        return None
    scales = (factors.areal_scale, factors.meridional_scale, factors.parallel_scale)
    return scales if all(np.isfinite(s) and s > 0 for s in scales) else None


def _true_enough(scales: tuple[float, float, float] | None) -> bool:
    return scales is not None and all(abs(s - 1) <= MAX_SCALE_ERROR for s in scales)


def _times(scale: float, more: str, less: str) -> str:
    """How far a measure is out: ``2.84 times too large``, ``1.22 times too short``."""
    if scale >= 1:
        return f"{scale:.2f} times too {more}"
    return f"{1 / scale:.2f} times too {less}"


def _same_crs(given: Given, caller: str) -> None:
    present = [(role, frame) for role, frame in given.layers.items() if frame is not None]
    if not present:
        return
    first_role, first = present[0]
    for role, frame in present[1:]:
        if frame.crs != first.crs:
            raise ConfigError(
                f"The {_CALLED.get(role, role)} given to {caller} are in "
                f"{frame.crs.to_string()} but the {_CALLED.get(first_role, first_role)} in "
                f"{first.crs.to_string()}; all must be in the working CRS "
                f"({settings.working_crs}). Convert them with .to_crs(), or read them with "
                "the toolkit's readers."
            )


#: How far from the zones a layer's rows may all lie and still be for the zones' place, in
#: metres: the farthest a build reads anything from its zones (reports for an evaluation's
#: comparison outside all zones, ``OUTSIDE_REACH_M``), not only its ``buffer_m`` (300 m),
#: so that what a build would read is never refused (schools a little way off the zones,
#: a county's reports). A layer with no row within it is one a build would read nothing of.
PLACE_REACH_M = 10_000.0
#: Rows tested at a time for lying within reach: a layer given whole is found near at its
#: first rows, without testing the rest.
_BLOCK = 4096


def _same_place(given: Given, caller: str) -> None:
    """Refuse layers with rows none of which lies within :data:`PLACE_REACH_M` of the zones
    (or, for a call without zones, of the streets' extent), naming each and how far it
    lies; a layer partly within passes."""
    anchor_role, area = _place_of(given)
    if area is None:
        return
    far = []
    for role, frame in given.layers.items():
        if role == anchor_role or frame is None or frame.empty:
            continue
        distances = _distances_if_far(frame, area)
        if distances is not None:
            far.append((role, distances))
    if far:
        raise ConfigError(_far_message(far, anchor_role, caller))


def _place_of(given: Given) -> tuple[str, Any]:
    """The role whose layer says where the call's place is (the zones, else the streets)
    and the area within :data:`PLACE_REACH_M` of it: the zones' project area as a build
    draws it (:func:`~healthy_streets.model.area.around`), or around the streets' extent
    (their convex hull: buffering every street would be slow for a county). ``None`` when
    neither has a geometry to place it by."""
    for role in ("zones", "streets"):
        frame = given[role]
        if frame is None or frame.empty:
            continue
        usable = _usable(frame.geometry.to_numpy())
        if not len(usable):
            continue
        try:
            if role == "zones":
                area = around(gpd.GeoDataFrame(geometry=usable, crs=frame.crs), PLACE_REACH_M)
            else:
                hull = shapely.convex_hull(shapely.multipoints(shapely.get_coordinates(usable)))
                area = shapely.buffer(hull, PLACE_REACH_M)
        except shapely.errors.GEOSException:  # an outline GEOS cannot buffer: not judged
            return role, None
        return role, area
    return "", None


def _usable(geometries: np.ndarray) -> np.ndarray:
    """The geometries that lie somewhere: not missing, not empty, finite."""
    keep = ~shapely.is_missing(geometries) & ~shapely.is_empty(geometries)
    geometries = geometries[keep]
    if len(geometries):
        finite = np.isfinite(shapely.bounds(geometries)).all(axis=1)
        geometries = geometries[finite]
    return geometries


def _distances_if_far(frame: gpd.GeoDataFrame, area: Any) -> np.ndarray | None:
    """How far beyond ``area`` each row of ``frame`` lies, in metres, when none lies within
    it (``None`` when one does, or none can be placed), by the readers' measure."""
    geometries = _usable(frame.geometry.to_numpy())
    if not len(geometries):
        return None
    shapely.prepare(area)
    try:
        for start in range(0, len(geometries), _BLOCK):
            if shapely.intersects(area, geometries[start : start + _BLOCK]).any():
                return None
        return np.asarray(distances(geometries, area), dtype=float)
    except shapely.errors.GEOSException:  # a geometry GEOS cannot test: not judged
        return None


def _far_message(far: list[tuple[str, np.ndarray]], anchor: str, caller: str) -> str:
    """One message for every layer that lies elsewhere: how far (its middle row and its
    nearest, from the zones or the streets), and the fix."""
    parts = []
    for i, (role, beyond) in enumerate(far):
        from_anchor = beyond[np.isfinite(beyond)] + PLACE_REACH_M  # from the zones, not the area
        typical, nearest = _km(float(np.median(from_anchor))), _km(float(from_anchor.min()), 1)
        named = _CALLED.get(role, role)
        parts.append(
            f"the {named} given to {caller} lie {typical} from the {anchor} (the nearest {nearest})"
            if i == 0
            else f"the {named} {typical} (the nearest {nearest})"
        )
    names = [_CALLED.get(role, role) for role, _ in far]
    these = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    they = "they are" if len(far) == 1 else "each is"
    text = ", and ".join(parts)
    return (
        f"{text[0].upper()}{text[1:]}, none within {_km(PLACE_REACH_M)} of them (as far as a "
        f"build reads anything): {they} for another place. Give {these} for the {anchor}' "
        f"area, or {anchor} for theirs."
    )


def _km(metres: float, decimals: int = 0) -> str:
    """A distance in km (``95 km``, ``93.2 km``), in metres below 1 km."""
    if metres < 1000:
        return f"{metres:,.0f} m"
    return f"{metres / 1000:,.{decimals}f} km"
