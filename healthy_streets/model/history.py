"""What the store remembers of the builds before this one.

Every build records itself in the store (``builds``: when, which inputs, how many of each
layer; ``build_zones``: the counts per zone). A build asked to compare (``build
--since-last``, or ``compare = "last"`` in the project file) reads back the last build's
record and the reports and places it left in the store, as an :class:`EarlierBuild`;
:func:`healthy_streets.analysis.changes.changes_since` compares them with the new layers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

__all__ = [
    "BUILDS_COLUMNS",
    "BUILD_ZONES_COLUMNS",
    "EARLIER_ASSET_COLUMNS",
    "EARLIER_REPORT_COLUMNS",
    "EarlierBuild",
    "build_day",
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
        Its reports (:data:`EARLIER_REPORT_COLUMNS`, and geometry in the store's CRS when
        the store keeps it).
    assets
        Its places (:data:`EARLIER_ASSET_COLUMNS` and geometry, in the store's CRS).
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
