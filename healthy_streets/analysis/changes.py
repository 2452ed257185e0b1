"""What changed since the last build: new reports, reports fixed or closed, places added
or removed.

The comparison is made on the data, not in the browser: :func:`changes_since` takes the
last build as the store holds it (:class:`~healthy_streets.model.history.EarlierBuild`) and
this build's layers, and returns one row per change; a build writes them to
``tables/changes.csv``, adds per-zone counts to the summary, and marks them on the index and
on each zone's map.

How things are matched:

- **Reports** by ``report_id`` (the source's own id, or a hash of the row: the same report
  keeps its id from one export to the next). A report not in the last build is *new*; one
  that was open and is now fixed or closed is *fixed* or *closed*; one the last build had
  and this one has not is *no longer in the data* (hidden by the council, or outside the
  dates now read).
- **Places** (community assets) by what they are and where: the same category and name
  within :data:`SAME_PLACE_M` metres. Their ids are row numbers in a file, which shift when
  a row is inserted, so they are not used: a place whose row moved is not "removed and
  added again". A place moved further than that is listed as removed where it was and
  added where it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from healthy_streets.analysis.tables import OUTSIDE
from healthy_streets.model.build import Layers
from healthy_streets.model.history import EarlierBuild
from healthy_streets.model.taxonomy import ASSET_CATEGORIES, REPORT_CATEGORIES

__all__ = [
    "CHANGE_COLUMNS",
    "CHANGE_KINDS",
    "COUNT_COLUMNS",
    "COUNT_WORDS",
    "SAME_PLACE_M",
    "Changes",
    "changes_since",
    "count_changes",
    "describe_counts",
]

#: A place found again within this distance (same category and name) is the same place.
SAME_PLACE_M = 5.0

#: Each kind of change, in the order tables list them, with its words.
CHANGE_KINDS = {
    "new_report": "New report",
    "report_fixed": "Report fixed",
    "report_closed": "Report closed",
    "report_gone": "Report no longer in the data",
    "asset_added": "Place added",
    "asset_renamed": "Place renamed or recategorised",
    "asset_removed": "Place removed",
}
#: The columns of ``changes.csv``. ``what`` is the category (and, for a place, its name);
#: no report's title or description is listed. ``lat``, ``lon``: where (WGS 84).
CHANGE_COLUMNS = [
    "zone_id",
    "change",
    "change_text",
    "id",
    "what",
    "street",
    "reported_on",
    "status_before",
    "status_now",
    "lat",
    "lon",
]
#: The rows' columns while they are found (positions in the layers' CRS).
_ROW_COLUMNS = [*CHANGE_COLUMNS[:-2], "x", "y"]
#: Per-zone counts (the summary's extra columns, the index's "since" column, each map's
#: heading and legend): each count's name -> the kinds of change it counts. The one
#: source of every count a page or table shows.
COUNT_COLUMNS = {
    "new_reports": ("new_report",),
    "reports_fixed_or_closed": ("report_fixed", "report_closed"),
    "reports_gone": ("report_gone",),
    "assets_added": ("asset_added",),
    "assets_renamed": ("asset_renamed",),
    "assets_removed": ("asset_removed",),
}
#: How :func:`describe_counts` says each count: (some, with ``{n}`` and ``{s}`` for the
#: plural's s; none, or ``None`` to say nothing when there are none).
COUNT_WORDS: dict[str, tuple[str, str | None]] = {
    "new_reports": ("{n} new report{s}", "no new reports"),
    "reports_fixed_or_closed": ("{n} fixed or closed", "none fixed or closed"),
    "reports_gone": ("{n} report{s} no longer in the data", None),
    "assets_added": ("{n} place{s} added", "no places added"),
    "assets_renamed": ("{n} renamed or recategorised", None),
    "assets_removed": ("{n} removed", "none removed"),
}


def count_changes(table: pd.DataFrame) -> dict[str, int]:
    """How many of ``table``'s changes each of :data:`COUNT_COLUMNS` counts.

    >>> rows = pd.DataFrame({"change": ["new_report", "report_closed", "report_gone"]})
    >>> count_changes(rows)["reports_fixed_or_closed"]
    1
    """
    return {
        column: int(table["change"].isin(kinds).sum()) for column, kinds in COUNT_COLUMNS.items()
    }


@dataclass
class Changes:
    """What changed since an earlier build.

    Attributes
    ----------
    since
        The earlier build.
    table
        One row per change (:data:`CHANGE_COLUMNS`; ``lat``, ``lon`` in WGS 84, for a
        place removed or a report no longer in the data where it was, as the store kept
        it; ``zone_id`` empty outside every zone).
    """

    since: EarlierBuild
    table: pd.DataFrame
    _counts: pd.DataFrame | None = field(default=None, repr=False)

    def counts(self) -> pd.DataFrame:
        """Per ``zone_id`` (:data:`~healthy_streets.analysis.tables.OUTSIDE` for changes
        outside every zone), each of :data:`COUNT_COLUMNS`."""
        if self._counts is None:
            rows = self.table.assign(zone_id=self.table["zone_id"].fillna(OUTSIDE))
            counts = pd.DataFrame(
                {
                    column: rows[rows["change"].isin(kinds)].groupby("zone_id").size()
                    for column, kinds in COUNT_COLUMNS.items()
                },
                columns=list(COUNT_COLUMNS),
            )
            self._counts = counts.fillna(0).astype("int64")
        return self._counts

    def totals(self) -> dict[str, int]:
        """Every count over the whole area (zones or not)."""
        return count_changes(self.table)

    def zone_counts(self, zone_id: str) -> dict[str, int]:
        """Every count of one zone (:data:`~healthy_streets.analysis.tables.OUTSIDE`: of
        the area outside every zone); all nought for a zone where nothing changed."""
        counts = self.counts()
        if zone_id not in counts.index:
            return dict.fromkeys(COUNT_COLUMNS, 0)
        return {column: int(counts.at[zone_id, column]) for column in COUNT_COLUMNS}

    def sentence(self, *, zone_id: str | None = None) -> str:
        """``Since the build of 12 October 2026: 14 new reports, 6 fixed or closed, ...``
        for the whole area, or one zone."""
        totals = self.totals() if zone_id is None else self.zone_counts(zone_id)
        return f"Since the build of {self.since.day}: {describe_counts(totals)}."

    def of_zone(self, zone_id: str) -> pd.DataFrame:
        """The changes in one zone."""
        return self.table[self.table["zone_id"] == zone_id]


def describe_counts(counts: dict[str, int], *, only_found: bool = False) -> str:
    """``14 new reports, 6 fixed or closed, 2 places added, none removed``: each count of
    :data:`COUNT_COLUMNS` in the words of :data:`COUNT_WORDS` (those that say nothing when
    there are none left out; with ``only_found``, every count of none left out).

    >>> counts = dict.fromkeys(COUNT_COLUMNS, 0) | {"new_reports": 1, "reports_gone": 2}
    >>> print(describe_counts(counts))  # doctest: +NORMALIZE_WHITESPACE
    1 new report, none fixed or closed, 2 reports no longer in the data, no places added,
    none removed
    >>> print(describe_counts(counts, only_found=True))
    1 new report, 2 reports no longer in the data
    """
    parts = []
    for column, (some, none) in COUNT_WORDS.items():
        n = counts[column]
        if n:
            parts.append(some.format(n=f"{n:,}", s="s" if n != 1 else ""))
        elif none is not None and not only_found:
            parts.append(none)
    return ", ".join(parts)


def changes_since(earlier: EarlierBuild, layers: Layers) -> Changes:
    """Compare this build's layers with the last build's.

    Parameters
    ----------
    earlier
        The last build, as the store holds it.
    layers
        This build's layers (zones assigned).

    Returns
    -------
    Changes
        One row per change; a report fixed is listed under its zone now, a report gone under
        its zone then.

    Examples
    --------
    The last build is read from the store with ``store.earlier_build()``; here it is the
    sample as it was before its twelve latest reports came in:

    >>> import datetime as dt
    >>> from healthy_streets.model.history import (
    ...     EARLIER_ASSET_COLUMNS, EARLIER_REPORT_COLUMNS, EarlierBuild)
    >>> latest = layers.reports.nlargest(12, "reported_at").index
    >>> earlier = EarlierBuild(
    ...     build_id="",
    ...     built_at=dt.datetime(2026, 10, 12, tzinfo=dt.UTC),
    ...     reports=layers.reports.drop(latest)[EARLIER_REPORT_COLUMNS],
    ...     assets=layers.assets[[*EARLIER_ASSET_COLUMNS, "geometry"]],
    ... )
    >>> changes = changes_since(earlier, layers)
    >>> print(changes.sentence())  # doctest: +NORMALIZE_WHITESPACE
    Since the build of 12 October 2026: 12 new reports, none fixed or closed, no places
    added, none removed.
    """
    crs = layers.reports.crs or layers.assets.crs
    frames = [_report_changes(earlier.reports, layers.reports)]
    frames.append(_asset_changes(earlier.assets, layers.assets))
    found = [f for f in frames if len(f)]
    table = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=_ROW_COLUMNS)
    order = {kind: i for i, kind in enumerate(CHANGE_KINDS)}
    table = table.assign(_order=table["change"].map(order))
    table = table.sort_values(
        ["zone_id", "_order", "reported_on", "id"], na_position="last", kind="stable"
    )
    table = table.drop(columns="_order").reset_index(drop=True)
    table["change_text"] = table["change"].map(CHANGE_KINDS)
    x, y = table["x"].to_numpy(dtype="float64"), table["y"].to_numpy(dtype="float64")
    points = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=crs)
    if crs is not None and len(points):
        points = points.to_crs("EPSG:4326")
    known = np.isfinite(x) & np.isfinite(y)
    table["lat"] = np.where(known, np.round(points.y.to_numpy(dtype="float64"), 6), np.nan)
    table["lon"] = np.where(known, np.round(points.x.to_numpy(dtype="float64"), 6), np.nan)
    return Changes(since=earlier, table=table[CHANGE_COLUMNS])


def _report_changes(before: pd.DataFrame, now: gpd.GeoDataFrame) -> pd.DataFrame:
    old = before.drop_duplicates("report_id").set_index("report_id")
    new = now.drop_duplicates("report_id").set_index("report_id")
    is_new = ~new.index.isin(old.index)
    both = new.index[~is_new]
    was_open = old.loc[both, "status"].astype("str") == "open"
    status_now = new.loc[both, "status"].astype("str")
    fixed = both[(was_open & (status_now == "fixed")).to_numpy()]
    closed = both[(was_open & (status_now == "closed")).to_numpy()]
    gone = old.index[~old.index.isin(new.index)]
    points = _points(now, new.index)
    rows = [
        _report_rows(new[is_new], "new_report", None, points),
        _report_rows(new.loc[fixed], "report_fixed", old.loc[fixed, "status"], points),
        _report_rows(new.loc[closed], "report_closed", old.loc[closed, "status"], points),
        _report_rows(old.loc[gone], "report_gone", old.loc[gone, "status"], _were(before, now)),
    ]
    found = [r for r in rows if len(r)]
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=_ROW_COLUMNS)


def _were(before: pd.DataFrame, now: gpd.GeoDataFrame) -> pd.DataFrame | None:
    """Where each report of the last build was (by ``report_id``, in ``now``'s CRS), from
    its geometry in the store; ``None`` when the store kept none."""
    if not isinstance(before, gpd.GeoDataFrame) or before.geometry.isna().all():
        return None
    if before.crs is not None and now.crs is not None and before.crs != now.crs:
        before = before.to_crs(now.crs)
    return _points(before, pd.Index(before["report_id"].unique()))


def _points(layer: gpd.GeoDataFrame, ids: pd.Index) -> pd.DataFrame:
    """Each row's point (x, y), by the layer's id column's values in ``ids``' order."""
    unique = layer.drop_duplicates("report_id").set_index("report_id")
    point = unique.geometry.representative_point()
    return pd.DataFrame({"x": point.x, "y": point.y}).reindex(ids)


def _report_rows(
    frame: pd.DataFrame, change: str, before: pd.Series | None, points: pd.DataFrame | None
) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=_ROW_COLUMNS)
    reported = pd.to_datetime(frame["reported_at"], utc=True, errors="coerce")
    local = reported.dt.tz_convert("Europe/London").dt.strftime("%Y-%m-%d")
    gone = change == "report_gone"
    xy = points.reindex(frame.index) if points is not None else None
    return pd.DataFrame(
        {
            "zone_id": frame["zone_id"].to_numpy(),
            "change": change,
            "id": frame.index.astype("str"),
            "what": frame["category"].map(REPORT_CATEGORIES).fillna(frame["category"]).to_numpy(),
            "street": frame.get("street_name", pd.Series(None, index=frame.index)).to_numpy(),
            "reported_on": local.where(reported.notna(), None).to_numpy(),
            "status_before": before.reindex(frame.index).to_numpy() if before is not None else None,
            "status_now": None if gone else frame["status"].to_numpy(),
            "x": xy["x"].to_numpy() if xy is not None else np.nan,
            "y": xy["y"].to_numpy() if xy is not None else np.nan,
        }
    )


def _asset_changes(before: gpd.GeoDataFrame, now: gpd.GeoDataFrame) -> pd.DataFrame:
    if before.crs is not None and now.crs is not None and before.crs != now.crs:
        before = before.to_crs(now.crs)
    old, new = _places(before), _places(now)
    pairs = old.merge(new, on=["category", "name_key", "x_key", "y_key", "nth"], how="inner")
    old = old[~old["row"].isin(pairs["row_x"])]
    new = new[~new["row"].isin(pairs["row_y"])]
    old, new, _ = _pair_near(old, new, on=["category", "name_key"])
    old, new, renamed = _pair_near(old, new, on=[])
    added = _asset_rows(now.iloc[new["row"].to_numpy()], new, "asset_added")
    removed = _asset_rows(before.iloc[old["row"].to_numpy()], old, "asset_removed")
    changed = _asset_rows(
        now.iloc[renamed["row_new"].to_numpy()], _renamed(renamed), "asset_renamed"
    )
    if len(changed):
        was = _asset_rows(before.iloc[renamed["row_old"].to_numpy()], renamed, "asset_removed")
        changed["what"] = [_was(a, b) for a, b in zip(changed["what"], was["what"], strict=True)]
    frames = [f for f in (added, changed, removed) if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=_ROW_COLUMNS)


def _places(layer: gpd.GeoDataFrame) -> pd.DataFrame:
    """Each place's key: category, name (case and spacing aside), position to 0.1 m, and
    its rank among places of the same key (two benches of one name at one spot)."""
    point = layer.geometry.representative_point()
    names = layer["name"].astype("object").where(layer["name"].notna(), "")
    frame = pd.DataFrame(
        {
            "row": np.arange(len(layer)),
            "category": layer["category"].astype("str").to_numpy(),
            "name_key": [" ".join(str(n).casefold().split()) for n in names],
            "x": point.x.to_numpy(),
            "y": point.y.to_numpy(),
        }
    )
    frame["x_key"] = np.round(frame["x"].to_numpy(), 1)
    frame["y_key"] = np.round(frame["y"].to_numpy(), 1)
    frame["nth"] = frame.groupby(["category", "name_key", "x_key", "y_key"]).cumcount()
    return frame


def _pair_near(
    old: pd.DataFrame, new: pd.DataFrame, *, on: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Pairs places left over that agree ``on`` those keys (none: any two places) and lie
    within :data:`SAME_PLACE_M` of each other, nearest first. Returns the places still
    unpaired, old and new, and the pairs (``row_old``, ``row_new``, ``x``, ``y``)."""
    pairs = pd.DataFrame({"row_old": [], "row_new": [], "x": [], "y": []}, dtype="int64")
    if old.empty or new.empty:
        return old, new, pairs
    near = (
        old.merge(new, on=on, suffixes=("_old", "_new"))
        if on
        else old.merge(new, how="cross", suffixes=("_old", "_new"))
    )
    near["distance"] = np.hypot(near["x_old"] - near["x_new"], near["y_old"] - near["y_new"])
    near = near[near["distance"] <= SAME_PLACE_M].sort_values("distance", kind="stable")
    used_old: set[int] = set()
    used_new: set[int] = set()
    chosen = []
    for number, (row_old, row_new) in enumerate(zip(near["row_old"], near["row_new"], strict=True)):
        if row_old in used_old or row_new in used_new:
            continue
        used_old.add(row_old)
        used_new.add(row_new)
        chosen.append(number)
    pairs = near.iloc[chosen].rename(columns={"x_new": "x", "y_new": "y"})
    return (
        old[~old["row"].isin(used_old)],
        new[~new["row"].isin(used_new)],
        pairs[["row_old", "row_new", "x", "y"]],
    )


def _was(now: str, before: str) -> str:
    """``Benches: Pond bench (was Old bench)``; the category said again only if it changed."""
    label_now, _, _ = now.partition(": ")
    label_before, _, name_before = before.partition(": ")
    shown = name_before if label_now == label_before and name_before else before
    return f"{now} (was {shown or 'unnamed'})"


def _renamed(pairs: pd.DataFrame) -> pd.DataFrame:
    return pairs.rename(columns={"row_new": "row"})


def _asset_rows(layer: gpd.GeoDataFrame, keys: pd.DataFrame, change: str) -> pd.DataFrame:
    if layer.empty:
        return pd.DataFrame(columns=_ROW_COLUMNS)
    label = layer["category"].map(ASSET_CATEGORIES).fillna(layer["category"]).astype("str")
    names = layer["name"].astype("object")
    what = [
        f"{c}: {n}" if isinstance(n, str) and n.strip() else c
        for c, n in zip(label, names, strict=True)
    ]
    return pd.DataFrame(
        {
            "zone_id": layer["zone_id"].to_numpy(),
            "change": change,
            "id": layer["asset_id"].astype("str").to_numpy(),
            "what": what,
            "street": None,
            "reported_on": None,
            "status_before": None,
            "status_now": None,
            "x": keys["x"].to_numpy(),
            "y": keys["y"].to_numpy(),
        }
    )
