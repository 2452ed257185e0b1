"""What the store remembers of the builds before this one.

Every build records itself in the store (``builds``: when, which inputs, how many of each
layer; ``build_zones``: the counts per zone), and a build of every zone what it saw
(``build_items``: each report's and place's id, category, status, zone and position). A
build asked to compare (``build --since-last``, or ``compare = "last"`` in the project
file) reads back the last full build's record and what it saw, as an :class:`EarlierBuild`;
:func:`healthy_streets.analysis.changes.changes_since` compares them with the new layers.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

__all__ = [
    "BUILDS_COLUMNS",
    "BUILD_ITEMS_COLUMNS",
    "BUILD_ZONES_COLUMNS",
    "EARLIER_ASSET_COLUMNS",
    "EARLIER_REPORT_COLUMNS",
    "EarlierBuild",
    "baseline_items",
    "build_day",
    "from_items",
]

#: One row per build: ``inputs`` is a JSON list of each input's role, path and SHA-256 (and
#: for the reports of an Open311 service, its ``url`` without credentials, its
#: ``jurisdiction_id`` and when they were ``fetched_at``);
#: ``compared_with`` the build it was compared with (empty when it was not); ``zones_drawn``
#: the zones whose maps a partial build (``build --zone``) drew, comma-separated (empty for
#: a build of every zone: a partial build is never the baseline of a later comparison).
BUILDS_COLUMNS = [
    "build_id",
    "built_at",
    "toolkit_version",
    "project",
    "zones",
    "streets",
    "assets",
    "reports",
    "inputs",
    "compared_with",
    "zones_drawn",
]
#: One row per zone per build; the change counts are empty when the build did not compare
#: (and ``reports_gone``, ``assets_renamed``, added last, are empty in the rows of a store
#: written before they were: not known). A history table only gains columns, at its end.
BUILD_ZONES_COLUMNS = [
    "build_id",
    "zone_id",
    "name",
    "reports",
    "open_reports",
    "assets",
    "new_reports",
    "reports_fixed_or_closed",
    "assets_added",
    "assets_removed",
    "reports_gone",
    "assets_renamed",
]
#: What the last build of every zone saw, the baseline of the next comparison: one row per
#: report (``layer`` ``reports``) and per place (``assets``) of that build, with the
#: columns a comparison reads (:data:`EARLIER_REPORT_COLUMNS`, :data:`EARLIER_ASSET_COLUMNS`;
#: ``item_id`` is the ``report_id`` or ``asset_id``, ``reported_at`` in UTC as ISO 8601
#: text, ``2026-10-12T17:04:00Z``, written faster than a GeoPackage's times),
#: and where it was (``lon``, ``lat``, WGS 84: the point of its geometry). A build of every
#: zone replaces the table; a build of one zone (``build --zone``) leaves it, so that what a
#: later comparison reads is that build's, whatever the store's layers hold since.
BUILD_ITEMS_COLUMNS = [
    "build_id",
    "layer",
    "item_id",
    "category",
    "name",
    "status",
    "reported_at",
    "zone_id",
    "street_name",
    "lon",
    "lat",
]
#: The reports' columns a comparison reads back from the store (with their geometry: a
#: report no longer in the data is listed where it was).
EARLIER_REPORT_COLUMNS = [
    "report_id",
    "category",
    "status",
    "reported_at",
    "zone_id",
    "street_name",
]
#: The places' columns a comparison reads back (with their geometry).
EARLIER_ASSET_COLUMNS = ["asset_id", "name", "category", "zone_id"]


@dataclass
class EarlierBuild:
    """The last build as the store holds it.

    Attributes
    ----------
    build_id
        Its id (empty for a store written before builds were recorded).
    built_at
        When it was made (UTC).
    reports
        Its reports (:data:`EARLIER_REPORT_COLUMNS`, and geometry with its CRS when the
        store keeps it: in WGS 84 from ``build_items``, else in the store's CRS).
    assets
        Its places (:data:`EARLIER_ASSET_COLUMNS` and geometry, with its CRS).
    note
        What the comparison should say about how far the store still holds that build
        (a layer imported into the store by hand since, say); ``None`` when it holds it
        exactly.
    compared_with
        The build that build was compared with (empty: none), and ``compared_at`` when it
        was made: a partial build shows that comparison again.
    with_time
        Whether :attr:`day` says the time too: another build was made on the same day.
    """

    build_id: str
    built_at: dt.datetime
    reports: pd.DataFrame
    assets: gpd.GeoDataFrame
    note: str | None = None
    compared_with: str = ""
    compared_at: dt.datetime | None = None
    with_time: bool = False

    @property
    def day(self) -> str:
        """The build's date as people write it (``12 October 2026``), with its time when
        another build was made that day (``1 December 2026, 14:05``, UK time)."""
        return build_day(self.built_at, with_time=self.with_time)


def build_day(when: dt.datetime, *, with_time: bool = False) -> str:
    """A build's date as people write it, in UK time, with the time when ``with_time``.

    >>> build_day(dt.datetime(2026, 12, 1, 14, 5, tzinfo=dt.UTC), with_time=True)
    '1 December 2026, 14:05'
    """
    local = pd.Timestamp(when).tz_convert("Europe/London")
    day = f"{local:%d %B %Y}".lstrip("0")
    return f"{day}, {local:%H:%M}" if with_time else day


def baseline_items(
    reports: gpd.GeoDataFrame, assets: gpd.GeoDataFrame, *, build_id: str
) -> pd.DataFrame:
    """The ``build_items`` rows (:data:`BUILD_ITEMS_COLUMNS`) of a build's ``reports`` and
    ``assets``: what the next comparison reads as that build's."""
    frames = []
    for layer, frame, id_column in (
        ("reports", reports, "report_id"),
        ("assets", assets, "asset_id"),
    ):
        lon, lat = _lon_lat(frame)
        none = pd.Series(None, index=frame.index, dtype="object")
        is_reports = layer == "reports"
        rows = pd.DataFrame(
            {
                "build_id": build_id,
                "layer": layer,
                "item_id": _texts(frame[id_column]),
                "category": _texts(frame["category"]),
                "name": none if is_reports else _texts(frame["name"]),
                "status": _texts(frame["status"]) if is_reports else none,
                "reported_at": _utc_texts(frame["reported_at"]) if is_reports else none,
                "zone_id": _texts(frame["zone_id"]),
                "street_name": _texts(frame["street_name"]) if is_reports else none,
                "lon": lon,
                "lat": lat,
            },
            index=frame.index,
            columns=BUILD_ITEMS_COLUMNS,
        )
        frames.append(rows)
    out = pd.concat(frames, ignore_index=True)
    for column in BUILD_ITEMS_COLUMNS:
        if column not in ("lon", "lat"):
            texts = out[column].astype("object")
            out[column] = texts.where(texts.notna(), None)
    return out


def from_items(items: pd.DataFrame) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """A build's reports (:data:`EARLIER_REPORT_COLUMNS`) and places
    (:data:`EARLIER_ASSET_COLUMNS`), each with its point (WGS 84), from its ``build_items``
    rows."""

    def layer(name: str, columns: list[str], id_column: str) -> gpd.GeoDataFrame:
        rows = items[items["layer"].astype("str") == name].rename(columns={"item_id": id_column})
        rows = rows.reset_index(drop=True)
        lon = pd.to_numeric(rows["lon"], errors="coerce").to_numpy(dtype="float64")
        lat = pd.to_numeric(rows["lat"], errors="coerce").to_numpy(dtype="float64")
        known = np.isfinite(lon) & np.isfinite(lat)
        points = np.full(len(rows), None, dtype="object")
        points[known] = shapely.points(lon[known], lat[known])
        geometry = gpd.GeoSeries(points, crs="EPSG:4326")
        frame = rows[columns].astype("object")
        return gpd.GeoDataFrame(frame.where(frame.notna(), None), geometry=geometry)

    return (
        layer("reports", EARLIER_REPORT_COLUMNS, "report_id"),
        layer("assets", EARLIER_ASSET_COLUMNS, "asset_id"),
    )


def _texts(values: pd.Series) -> pd.Series:
    """The values as text (``None`` where missing)."""
    texts = values.astype("str").astype("object")
    return texts.where(values.notna().to_numpy(), None)


def _utc_texts(values: pd.Series) -> pd.Series:
    """Times as ISO 8601 text in UTC (a time without a zone taken as UTC; empty where not
    a time)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        when = values.dt.tz_convert("UTC")
    else:
        when = pd.to_datetime(values, errors="coerce", utc=True, format="ISO8601")
    return when.dt.strftime("%Y-%m-%dT%H:%M:%SZ")


@functools.lru_cache(maxsize=4)
def _to_wgs84(crs: str) -> Transformer:
    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def _lon_lat(frame: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each row's point (its geometry's representative point, as a comparison takes it) in
    WGS 84; NaN without one."""
    geometry = frame.geometry.to_numpy()
    is_point = shapely.get_type_id(geometry) == shapely.GeometryType.POINT
    points = geometry.copy()
    points[~is_point] = shapely.point_on_surface(geometry[~is_point])
    x = shapely.get_x(points)
    y = shapely.get_y(points)
    known = np.isfinite(x) & np.isfinite(y)
    if frame.crs is not None and len(frame):
        x, y = _to_wgs84(frame.crs.to_wkt()).transform(x, y)
    lon = np.where(known, np.asarray(x, dtype="float64"), np.nan)
    lat = np.where(known, np.asarray(y, dtype="float64"), np.nan)
    return lon, lat
