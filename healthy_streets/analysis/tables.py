"""Per-zone tables and hotspot streets: what officers and analysts read first.

Pure functions over the normalised layers: GeoDataFrames in, DataFrames out, no printing,
no I/O. Streets must be cut at zone boundaries and carry ``zone_id``
(:func:`~healthy_streets.analysis.attach.cut_streets_at_zones`); assets and reports must
carry ``zone_id`` (:func:`~healthy_streets.analysis.attach.assign_zones`) and, for hotspots,
``segment_id`` (:func:`~healthy_streets.analysis.attach.attach_to_streets`).

"Street length" everywhere means roads: ``road_class`` ``main`` or ``local``, not paths.
The area outside all zones is a row of every per-zone table (``zone_id`` ``"(outside
zones)"``), so each zone has a comparison.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import stats
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from healthy_streets.analysis._its import adjust_p
from healthy_streets.analysis.attach import given_layers
from healthy_streets.errors import ConfigError
from healthy_streets.model.dates import day_argument
from healthy_streets.model.layers import ASSETS, REPORTS, empty_layer
from healthy_streets.model.speed import BANDS, speed_band
from healthy_streets.model.taxonomy import report_categories
from healthy_streets.model.vocabulary import ADJUSTMENT_NAMES, ADJUSTMENTS, words

__all__ = [
    "OUTSIDE",
    "Period",
    "asset_counts",
    "hotspot_streets",
    "key_figures",
    "period_known",
    "report_counts",
    "report_period",
    "street_lengths",
    "summarise_zones",
]

#: The ``zone_id`` of the area outside every zone in tables.
OUTSIDE = "(outside zones)"
#: The name tables give the rows of :data:`OUTSIDE`.
OUTSIDE_NAME = "Outside all zones"

TIMEZONE = "Europe/London"
DAYS_PER_YEAR = 365.25


class Period(NamedTuple):
    """A date range ``[start, end)`` and its length in years."""

    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def years(self) -> float:
        """The period's length in years (of 365.25 days)."""
        return max((self.end - self.start).total_seconds() / 86_400 / DAYS_PER_YEAR, 0.0)


def report_period(
    reports: gpd.GeoDataFrame,
    *,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
) -> Period:
    """The period reports are counted over: ``start`` (inclusive) to ``end`` (exclusive),
    each defaulting to the first day and the day after the last day with a report.

    With no report dated and no ``start`` and ``end``, there is no period: the placeholder
    returned (a day in 2000) is for arithmetic only, never to show;
    :func:`period_known` tells."""
    dates = reports["reported_at"].dropna()
    first = dates.min() if len(dates) else pd.Timestamp("2000-01-01", tz=TIMEZONE)
    last = dates.max() if len(dates) else first
    period = Period(
        _day(start, "start") if start is not None else first.normalize(),
        _day(end, "end") if end is not None else last.normalize() + pd.Timedelta(days=1),
    )
    if start is not None and end is not None and period.end <= period.start:
        raise ConfigError(
            f"end {period.end.date()} is not after start {period.start.date()}; reports are "
            "counted from start up to the day before end."
        )
    return period


def period_known(
    reports: gpd.GeoDataFrame,
    *,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
) -> bool:
    """Whether there is a period to count reports over: a report has a date, or ``start``
    and ``end`` are both given. Without either (no reports were given, or none lies in the
    project's area) :func:`report_period` has no dates to go by, and a rate per year, or
    the period's first and last day, would be made up."""
    return bool(reports["reported_at"].notna().any()) or (start is not None and end is not None)


def _day(value: dt.date | str, name: str) -> pd.Timestamp:
    stamp = pd.Timestamp(day_argument(value, name))  # "01/02/2016" refused, not guessed
    if stamp.tzinfo is not None:
        return stamp.tz_convert(TIMEZONE)
    # UK time, read as the reports' times are: in the hour that comes twice when the clocks
    # go back the first (BST), in the hour skipped when they go forward an hour later
    return stamp.tz_localize(TIMEZONE, ambiguous=True, nonexistent=pd.Timedelta(hours=1))


def _zone_index(zones: gpd.GeoDataFrame) -> pd.Index:
    return pd.Index([*zones["zone_id"].astype("str"), OUTSIDE], name="zone_id")


def _zone_of(layer: pd.DataFrame) -> pd.Series:
    return layer["zone_id"].astype("object").where(layer["zone_id"].notna(), OUTSIDE)


def _roads(streets: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return streets[streets["road_class"] != "path"]


def street_lengths(
    zones: Any,
    streets: Any = None,
) -> pd.DataFrame:
    """Street length per zone, by speed band.

    Parameters
    ----------
    zones
        The ``zones`` layer; or a :class:`~healthy_streets.Layers` (from
        :func:`~healthy_streets.load_layers`), whose layers are used where the others are
        not given.
    streets
        The ``streets`` layer, an osmnx graph or osmnx's edges
        (:func:`~healthy_streets.as_streets`).

    Returns
    -------
    DataFrame
        Indexed by ``zone_id`` (zones in order, then outside), with:

        ``street_km``
            Road length (not paths), km.
        ``km_20``, ``km_30``, ``km_40``, ``km_unknown``
            Of that, km with a limit of 20 mph or less, over 20 up to 30, over 30, unknown.
        ``km_assumed``
            Of ``street_km``, km whose limit no tag gives: the default for the road's class
            (``speed_source`` ``default``: the restricted-road limit, 30 mph or 20 mph in
            Wales), which a road outside a town, with no street lighting, does not have.
        ``share_20mph``
            ``km_20 / street_km``: the share OSM gives a limit of 20 mph or less.
        ``share_signed_20mph_zone``
            The share OSM tags as a signed 20mph zone (``GB:zone20``); empty where the
            streets' source does not tell (an osmnx graph read without those tags).
        ``path_km``
            Footways, cycleways and other paths, km (not in ``street_km``).

    Raises
    ------
    ConfigError
        When a layer is missing, not a GeoDataFrame, in degrees or another CRS than the
        others, or lacks its layer's columns.

    Examples
    --------
    >>> lengths = street_lengths(layers)
    >>> lengths[["street_km", "share_20mph"]]  # doctest: +NORMALIZE_WHITESPACE
                      street_km  share_20mph
    zone_id
    yarrowside-north     9.2104       0.9724
    cowslip              4.7299       0.9891
    yarrow-meadows       5.7234       1.0000
    kestrel-park         4.3351       0.0000
    (outside zones)     11.8553       0.0282

    Straight from an osmnx graph and the analyst's own zones:

    >>> import osmnx as ox
    >>> import healthy_streets as hs
    >>> zones = hs.read_zones("data/sample/zones.geojson").layer
    >>> G = ox.graph_from_xml("data/sample/yarrowside.osm", retain_all=True)
    >>> street_lengths(zones, G).loc["cowslip", ["street_km", "share_20mph"]]
    street_km      4.3967
    share_20mph    0.9882
    Name: cowslip, dtype: float64

    (osmnx merged footways into streets there, which the toolkit does not count as street,
    and says so; ``ox.graph_from_xml(path, simplify=False)`` gives the file's 4.7299 km.)
    """
    given = given_layers(zones, streets, roles=("zones", "streets"), caller="street_lengths")
    zones, streets = given["zones"], given["streets"]
    index = _zone_index(zones)
    roads = _roads(streets)
    zone = _zone_of(roads)
    km = roads["length_m"] / 1000
    band = roads["speed_mph"].map(speed_band)
    table = pd.DataFrame(index=index)
    table["street_km"] = km.groupby(zone).sum().reindex(index, fill_value=0.0)
    for key in BANDS:
        table[f"km_{key}"] = (
            km[band == key].groupby(zone[band == key]).sum().reindex(index, fill_value=0.0)
        )
    assumed = roads["speed_source"] == "default"
    table["km_assumed"] = km[assumed].groupby(zone[assumed]).sum().reindex(index, fill_value=0.0)
    signed = roads["signed_20mph_zone"].fillna(False).astype(bool)
    untold = roads["signed_20mph_zone"].isna()  # the streets' source has no zone tags
    table["share_20mph"] = _share(table["km_20"], table["street_km"])
    table["share_signed_20mph_zone"] = _share(
        km[signed].groupby(zone[signed]).sum().reindex(index, fill_value=0.0), table["street_km"]
    ).mask(untold.groupby(zone).any().reindex(index, fill_value=False))
    paths = streets[streets["road_class"] == "path"]
    table["path_km"] = (
        (paths["length_m"] / 1000).groupby(_zone_of(paths)).sum().reindex(index, fill_value=0.0)
    )
    return table.round(4)


def _share(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (part / whole).where(whole > 0)


def asset_counts(
    zones: Any,
    streets: Any = None,
    assets: Any = None,
) -> pd.DataFrame:
    """Community assets per zone and category, with their density.

    Parameters
    ----------
    zones
        The ``zones`` layer; or a :class:`~healthy_streets.Layers` (from
        :func:`~healthy_streets.load_layers`), whose layers are used where the others are
        not given.
    streets
        The ``streets`` layer, an osmnx graph or osmnx's edges
        (:func:`~healthy_streets.as_streets`).
    assets
        The ``assets`` layer.

    Returns
    -------
    DataFrame
        One row per zone (and outside) and asset category present, with ``zone_id``,
        ``category``, ``count``, ``per_street_km`` (count per km of road) and ``per_km2``
        (count per square kilometre of zone; empty outside zones). The area outside all
        zones has the ``zone_id`` ``"(outside zones)"``.

    Raises
    ------
    ConfigError
        When a layer is missing, not a GeoDataFrame, in degrees or another CRS than the
        others, or lacks its layer's columns.

    Examples
    --------
    >>> counts = asset_counts(layers)
    >>> counts[counts["category"] == "bench"]
                 zone_id category  count  per_street_km  per_km2
    0   yarrowside-north    bench     10          1.086   18.517
    7            cowslip    bench      5          1.057   14.826
    15    yarrow-meadows    bench      7          1.223   19.502
    18      kestrel-park    bench      8          1.845   27.114
    27   (outside zones)    bench     10          0.844      NaN
    """
    given = given_layers(
        zones, streets, assets, roles=("zones", "streets", "assets"), caller="asset_counts"
    )
    zones, streets, assets = given["zones"], given["streets"], given["assets"]
    index = _zone_index(zones)
    lengths = street_lengths(zones, streets)["street_km"]
    area = _areas_km2(zones)
    counts = assets.groupby([_zone_of(assets), assets["category"]]).size()
    table = counts.rename("count").reset_index()
    table.columns = ["zone_id", "category", "count"]
    table = table[table["zone_id"].isin(index)]
    table["per_street_km"] = (
        (table["count"] / table["zone_id"].map(lengths))
        .where(table["zone_id"].map(lengths) > 0)
        .round(3)
    )
    table["per_km2"] = (table["count"] / table["zone_id"].map(area)).round(3)
    order = {z: i for i, z in enumerate(index)}
    return table.sort_values(
        ["zone_id", "category"], key=lambda s: s.map(order) if s.name == "zone_id" else s
    ).reset_index(drop=True)


def _areas_km2(zones: gpd.GeoDataFrame) -> pd.Series:
    return pd.Series(
        zones.geometry.area.to_numpy() / 1e6, index=zones["zone_id"].astype("str").to_numpy()
    )


def report_counts(
    zones: Any,
    streets: Any = None,
    reports: Any = None,
    *,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
) -> pd.DataFrame:
    """Resident reports per zone and category over a period.

    Parameters
    ----------
    zones
        The ``zones`` layer; or a :class:`~healthy_streets.Layers` (from
        :func:`~healthy_streets.load_layers`), whose layers are used where the others are
        not given.
    streets
        The ``streets`` layer, an osmnx graph or osmnx's edges
        (:func:`~healthy_streets.as_streets`).
    reports
        The ``reports`` layer.
    start, end
        The period ``[start, end)``; by default the first to the last report's day.

    Returns
    -------
    DataFrame
        One row per zone (and outside) and report category present, with ``zone_id``,
        ``category``, ``count``, ``per_street_km_per_year`` (count per km of road per year of
        the period), ``open``, ``fixed``, ``closed`` (counts by status now) and
        ``median_days_to_fix`` (from report to fix, for fixed reports with both dates).

    Raises
    ------
    ConfigError
        When ``start`` or ``end`` is not a date, ``end`` is not after ``start``, or a layer
        is missing, in degrees or lacks its columns.

    Examples
    --------
    >>> counts = report_counts(layers, start="2024-01-01", end="2025-01-01")
    >>> counts[["zone_id", "category", "count", "open", "fixed", "closed"]].head(3)
                zone_id     category  count  open  fixed  closed
    0  yarrowside-north  dog_fouling     33     2     18      13
    1  yarrowside-north  fly_tipping      6     0      3       3
    2  yarrowside-north       litter      2     0      0       2
    """
    given = given_layers(
        zones, streets, reports, roles=("zones", "streets", "reports"), caller="report_counts"
    )
    zones, streets, reports = given["zones"], given["streets"], given["reports"]
    period = report_period(reports, start=start, end=end)
    chosen = _in_period(reports, period)
    index = _zone_index(zones)
    lengths = street_lengths(zones, streets)["street_km"]
    keys = [_zone_of(chosen).rename("zone_id"), chosen["category"].rename("category")]
    table = chosen.groupby(keys).size().rename("count").to_frame()
    status = chosen.groupby([*keys, chosen["status"]]).size().unstack(fill_value=0)
    for name in ("open", "fixed", "closed"):
        table[name] = status.get(name, 0)
    days = (chosen["fixed_at"] - chosen["reported_at"]).dt.total_seconds() / 86_400
    fixed = (chosen["status"] == "fixed") & days.notna() & (days >= 0)
    table["median_days_to_fix"] = days[fixed].groupby([k[fixed] for k in keys]).median()
    table = table.reset_index()
    table = table[table["zone_id"].isin(index)]
    km = table["zone_id"].map(lengths)
    known = period_known(reports, start=start, end=end)
    table["per_street_km_per_year"] = (table["count"] / km / period.years).where(
        (km > 0) & (period.years > 0) & known
    )
    table = table[
        [
            "zone_id",
            "category",
            "count",
            "per_street_km_per_year",
            "open",
            "fixed",
            "closed",
            "median_days_to_fix",
        ]
    ]
    order = {z: i for i, z in enumerate(index)}
    table = table.sort_values(
        ["zone_id", "category"], key=lambda s: s.map(order) if s.name == "zone_id" else s
    )
    return table.reset_index(drop=True).round(
        {"per_street_km_per_year": 3, "median_days_to_fix": 1}
    )


def _in_period(reports: gpd.GeoDataFrame, period: Period) -> gpd.GeoDataFrame:
    when = reports["reported_at"]
    return reports[(when >= period.start) & (when < period.end)]


def summarise_zones(
    zones: Any,
    streets: Any = None,
    assets: Any = None,
    reports: Any = None,
    *,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
) -> pd.DataFrame:
    """One row per zone (and the area outside all zones): the headline figures.

    Parameters
    ----------
    zones
        The ``zones`` layer; or a :class:`~healthy_streets.Layers` (from
        :func:`~healthy_streets.load_layers`), whose layers are used where the others are
        not given.
    streets
        The ``streets`` layer, an osmnx graph or osmnx's edges
        (:func:`~healthy_streets.as_streets`).
    assets
        The ``assets`` layer; without it (``None``) the assets' columns are empty, not 0.
    reports
        The ``reports`` layer; without it (``None``) the reports' columns are empty, not 0.
    start, end
        The period reports are counted over, ``[start, end)``: dates (``datetime.date`` or
        text such as ``"2024-01-01"``; a day that reads either way round, ``"01/02/2024"``,
        is refused, not guessed), in the council's local time. By default the first
        report's day up to and including the last report's day.

    Returns
    -------
    DataFrame
        Indexed by ``zone_id`` (the zones in order, then ``"(outside zones)"``), with
        ``name``, ``status``, ``implemented_on``,
        ``area_km2`` (empty outside zones), the columns of :func:`street_lengths`,
        ``assets`` and ``assets_per_street_km``, ``reports`` (in the period) and
        ``reports_per_street_km_per_year``, ``open``, ``fixed``, ``closed``,
        ``median_days_to_fix``, and ``period_start``/``period_end`` (the first and last
        day counted). With no report dated and no ``start`` and ``end`` there is no period:
        ``period_start``, ``period_end`` and ``reports_per_street_km_per_year`` are empty.

    Raises
    ------
    ConfigError
        When ``start`` or ``end`` is not a date, ``end`` is not after ``start``, or a layer
        is missing, in degrees or lacks its columns.

    Examples
    --------
    >>> summary = summarise_zones(layers)
    >>> summary[["name", "street_km", "assets", "reports"]]  # doctest: +NORMALIZE_WHITESPACE
                                   name  street_km  assets  reports
    zone_id
    yarrowside-north   Yarrowside North     9.2104      52      595
    cowslip                     Cowslip     4.7299      33      441
    yarrow-meadows       Yarrow Meadows     5.7234      21      333
    kestrel-park           Kestrel Park     4.3351      21      318
    (outside zones)   Outside all zones    11.8553      58     1005

    The layers one by one, counting reports from 2024 on:

    >>> recent = summarise_zones(layers.zones, layers.streets, layers.assets,
    ...                          layers.reports, start="2024-01-01")
    >>> recent[["reports", "open", "fixed", "median_days_to_fix"]]  # doctest: +NORMALIZE_WHITESPACE
                      reports  open  fixed  median_days_to_fix
    zone_id
    yarrowside-north      101    22     49                31.9
    cowslip               124    20     62                33.3
    yarrow-meadows        107    17     62                29.6
    kestrel-park           75    13     42                24.6
    (outside zones)       269    43    155                28.7
    """
    given = given_layers(
        zones,
        streets,
        assets,
        reports,
        roles=("zones", "streets", "assets", "reports"),
        caller="summarise_zones",
        optional=("assets", "reports"),
    )
    zones, streets = given["zones"], given["streets"]
    # a layer not given counts nothing: its columns are emptied below, not zeros
    assets = given["assets"] if given["assets"] is not None else empty_layer(ASSETS, crs=zones.crs)
    reports = (
        given["reports"] if given["reports"] is not None else empty_layer(REPORTS, crs=zones.crs)
    )
    table = _summary(zones, streets, assets, reports, start=start, end=end)
    if given["assets"] is None:
        table[["assets", "assets_per_street_km"]] = np.nan
    if given["reports"] is None:
        counted = ["reports", "reports_per_street_km_per_year", "open", "fixed", "closed"]
        table[counted] = np.nan
    return table


def _summary(
    zones: gpd.GeoDataFrame,
    streets: gpd.GeoDataFrame,
    assets: gpd.GeoDataFrame,
    reports: gpd.GeoDataFrame,
    *,
    start: dt.date | str | None,
    end: dt.date | str | None,
) -> pd.DataFrame:
    index = _zone_index(zones)
    period = report_period(reports, start=start, end=end)
    chosen = _in_period(reports, period)
    table = pd.DataFrame(index=index)
    table["name"] = [*zones["name"].astype("str"), OUTSIDE_NAME]
    table["status"] = [*zones["status"].astype("str"), None]
    table["implemented_on"] = [*zones["implemented_on"], pd.NaT]
    table["area_km2"] = _areas_km2(zones).reindex(index).round(4)
    lengths = street_lengths(zones, streets)
    table = table.join(lengths)
    table["assets"] = assets.groupby(_zone_of(assets)).size().reindex(index, fill_value=0)
    table["assets_per_street_km"] = (
        (table["assets"] / table["street_km"]).where(table["street_km"] > 0).round(3)
    )
    zone = _zone_of(chosen)
    table["reports"] = chosen.groupby(zone).size().reindex(index, fill_value=0)
    known = period_known(reports, start=start, end=end)
    table["reports_per_street_km_per_year"] = (
        (table["reports"] / table["street_km"] / period.years)
        .where((table["street_km"] > 0) & (period.years > 0) & known)
        .round(3)
    )
    status = chosen.groupby([zone, chosen["status"]]).size().unstack(fill_value=0)
    for name in ("open", "fixed", "closed"):
        column = status[name] if name in status else pd.Series(dtype="int64")
        table[name] = column.reindex(index, fill_value=0).astype("int64")
    days = (chosen["fixed_at"] - chosen["reported_at"]).dt.total_seconds() / 86_400
    fixed = (chosen["status"] == "fixed") & days.notna() & (days >= 0)
    table["median_days_to_fix"] = days[fixed].groupby(zone[fixed]).median().reindex(index).round(1)
    # no reports and no period given: no period to name (empty cells, not a made-up day)
    table["period_start"] = period.start.date() if known else None
    table["period_end"] = (period.end - pd.Timedelta(days=1)).date() if known else None
    return table


def hotspot_streets(
    streets: Any,
    reports: Any = None,
    *,
    zones: Any = None,
    category: str | Sequence[str] | None = None,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    min_length_m: float = 100.0,
    min_reports: int = 3,
    smooth: bool = False,
    adjust: str = "bh",
) -> gpd.GeoDataFrame:
    """Rank streets by reports per 100 m per year, with how sure that ranking is.

    Reports attached to a street segment (``segment_id``) count for the street the segment
    belongs to: connected segments with the same name in the same zone are one street (an
    unnamed segment is its own OSM way; two unconnected streets of one name are two
    stretches). Ranking whole streets, and only streets at least
    ``min_length_m`` long with at least ``min_reports`` reports, keeps a 5 m segment with one
    report from topping the list.

    The same problem is often reported more than once, so the uncertainty counts distinct
    reporting events: reports of one category within 10 m and 30 days of an event's first
    report are one event. A street's rate carries a 95% interval (exact Poisson on its
    events, in reports). Whether it **stands out** from its area (its zone, or the area
    outside all zones) is a one-sided test of its events against what the rest of the
    area's streets would give it for its length, allowing for those streets varying more
    than chance (their quasi-Poisson dispersion, as a negative binomial, with the
    uncertainty of that estimate), adjusted for every street of at least ``min_length_m``
    tested (Benjamini-Hochberg by default: with every street at its area's true rate, the
    chance of any standing out is at most 5%). Most differences between streets with a
    handful of reports are chance; ``stands_out`` says which are not.

    Parameters
    ----------
    streets
        The ``streets`` layer, an osmnx graph or osmnx's edges
        (:func:`~healthy_streets.as_streets`); or a :class:`~healthy_streets.Layers` (from
        :func:`~healthy_streets.load_layers`), whose layers are used where the others are
        not given.
    reports
        The ``reports`` layer.
    zones
        The ``zones`` layer, needed only for streets not yet cut at the zones (an osmnx
        graph, its edges): they are cut at them, so that each street is ranked in its zone.
        A ``Layers`` brings its own.
    category
        Count one report category only: its key, label or a word for it (``"dog_fouling"``,
        ``"Dog fouling"``, ``"dog mess"``), or several together (``["dog_fouling",
        "litter"]``, each counted in its ``reports_<category>`` column); default all.
    start, end
        The period ``[start, end)``; by default the reports' whole range.
    min_length_m
        Shortest street ranked (and tested), in metres.
    min_reports
        Fewest reports for a street to be listed.
    smooth
        Rank by the Empirical Bayes rate instead: each street's rate pulled towards its
        area's by as much as its few reports warrant (a gamma-Poisson model), so that a
        short street with three reports does not top the list by luck.
    adjust
        ``"bh"`` (Benjamini-Hochberg), ``"holm"`` or ``"none"``.

    Returns
    -------
    GeoDataFrame
        One row per street, highest rate first: ``rank``, ``zone_id``, ``street``,
        ``stretch`` (1, 2... for unconnected streets of one name), ``length_m``,
        ``reports``, ``events`` (distinct reporting events), ``per_100m_per_year`` (reports)
        with its 95% interval ``rate_low`` and ``rate_high``, ``smoothed_per_100m_per_year``
        (Empirical Bayes), ``area_rate`` (the rest of the area's reports per 100 m per
        year), ``expected`` (events at the rest of the area's rate of events),
        ``dispersion`` (how many times more than chance the rest of the area's streets
        vary, at least 1), ``p_value``, ``p_adjusted``, ``stands_out``, ``adjustment`` (how
        many streets were tested together, and how) and, per category,
        ``reports_<category>``; the street's geometry (its segments joined).
        ``attrs["streets_tested"]``: how many streets were tested together, the listed
        ones and those at least ``min_length_m`` long with fewer reports (any street could
        have stood out, so each counts in the adjustment).

    Raises
    ------
    ConfigError
        When ``adjust``, ``category``, ``start`` or ``end`` has a value it cannot use, a
        layer is missing, in degrees or lacks its columns, or the streets are not cut at
        the zones the reports are in and no ``zones`` are given.

    Examples
    --------
    >>> top = hotspot_streets(layers, category="dog fouling", smooth=True)
    >>> top[["street", "reports", "events", "expected", "dispersion", "stands_out"]].head(3)
               street  reports  events  expected  dispersion  stands_out
    0        Dam Lane       38      37     17.37        1.98       False
    1  Fieldfare Lane       52      52     36.66        2.18       False
    2     Birch Grove       14      13      7.36        2.19       False

    Dam Lane has twice the events its length would get at the rate of the rest of the area
    outside the zones, but those streets vary twice as much as chance would make them, and
    76 streets were tested: none stands out.

    Streets straight from an osmnx graph, cut at the zones on the way:

    >>> import osmnx as ox
    >>> G = ox.graph_from_xml("data/sample/yarrowside.osm", retain_all=True)
    >>> from_graph = hotspot_streets(G, layers.reports, zones=layers.zones)
    >>> from_graph[["street", "reports", "per_100m_per_year"]].head(3)
              street  reports  per_100m_per_year
    0    Birch Grove       15              2.135
    1  Maple Gardens       20              2.076
    2       Dam Lane       39              1.921
    """
    given = given_layers(
        streets,
        reports,
        zones,
        roles=("streets", "reports", "zones"),
        caller="hotspot_streets",
        optional=("zones",),
    )
    streets, reports = given["streets"], given["reports"]
    uncut = given["zones"] is None and bool(streets["zone_id"].isna().all())
    if uncut and reports["zone_id"].notna().any():
        raise ConfigError(
            "The streets given to hotspot_streets are not cut at the zones the reports are "
            "in, so every street would be ranked as outside all zones. Give the zones too: "
            "hotspot_streets(streets, reports, zones=zones), or a Layers from load_layers."
        )
    if adjust not in ADJUSTMENTS:
        raise ConfigError(f"Unknown adjustment {adjust!r}; use {words(ADJUSTMENTS)}.")
    period = report_period(reports, start=start, end=end)
    chosen = _in_period(reports, period)
    if category is not None:
        wanted = report_categories(category)
        chosen = chosen[chosen["category"].isin([wanted] if isinstance(wanted, str) else wanted)]
    chosen = chosen[chosen["segment_id"].notna()]
    frame = streets.copy()
    frame["street"] = (
        frame["name"]
        .astype("object")
        .where(
            frame["name"].notna(),
            "Unnamed "
            + frame["highway"].astype("str")
            + " (way "
            + frame["osm_way_id"].astype("str")
            + ")",
        )
    )
    frame["zone"] = _zone_of(frame)
    frame["stretch"] = _stretches(frame)
    keys = ["zone", "street", "stretch"]
    key = frame.set_index("segment_id")[keys]
    attached = chosen.join(key, on="segment_id", how="inner")
    per_street = attached.groupby(keys).size().rename("reports")
    events = attached[_first_of_event(attached)].groupby(keys).size().rename("events")
    by_category = (
        attached.groupby([*keys, "category"]).size().unstack(fill_value=0).add_prefix("reports_")
    )
    lengths = frame.groupby(keys)[["length_m"]].sum()  # as dissolve sums them
    table = lengths.join(per_street, how="left").join(events, how="left").join(by_category)
    for column in ("reports", "events"):
        table[column] = table[column].fillna(0).astype("int64")
    for column in by_category.columns:
        table[column] = table[column].fillna(0).astype("int64")
    years = period.years if period.years > 0 else np.nan
    table["per_100m_per_year"] = (table["reports"] / (table["length_m"] / 100) / years).round(3)
    tested = table[table["length_m"] >= min_length_m].copy()
    tested = _uncertainty(tested, years=years, adjust=adjust)
    table = tested[tested["reports"] >= min_reports]
    order = "smoothed_per_100m_per_year" if smooth else "per_100m_per_year"
    table = table.sort_values([order, "reports"], ascending=False).reset_index()
    table["geometry"] = _joined_segments(frame, keys, table[keys])
    table = table.rename(columns={"zone": "zone_id"})
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table["length_m"] = table["length_m"].round(1)
    columns = [
        "rank",
        "zone_id",
        "street",
        "stretch",
        "length_m",
        "reports",
        "events",
        "per_100m_per_year",
        "rate_low",
        "rate_high",
        "smoothed_per_100m_per_year",
        "area_rate",
        "expected",
        "dispersion",
        "p_value",
        "p_adjusted",
        "stands_out",
        "adjustment",
        *[c for c in table.columns if c.startswith("reports_")],
        "geometry",
    ]
    result = gpd.GeoDataFrame(table[columns], geometry="geometry", crs=streets.crs)
    result.attrs["streets_tested"] = int(tested["p_value"].notna().sum())
    return result


def _joined_segments(frame: gpd.GeoDataFrame, keys: list[str], wanted: pd.DataFrame) -> Any:
    """The geometry of each street of ``wanted`` (its ``keys``, in its order): its segments
    joined as ``dissolve`` joins them (the union of the street's segments, in their order),
    for the streets listed only, and the streets with as many segments joined together in
    one call (joining every street of a county one at a time costs more than all the rest).
    """
    street = pd.MultiIndex.from_frame(wanted).get_indexer(pd.MultiIndex.from_frame(frame[keys]))
    rows = np.flatnonzero(street >= 0)
    rows = rows[np.argsort(street[rows], kind="stable")]  # by street, in frame order
    segments = np.asarray(frame.geometry.values, dtype=object)[rows]
    sizes = np.bincount(street[rows], minlength=len(wanted))
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    out = np.full(len(wanted), None, dtype=object)
    for size in np.unique(sizes[sizes > 0]):
        streets = np.flatnonzero(sizes == size)
        block = segments[starts[streets][:, None] + np.arange(size)]
        out[streets] = shapely.union_all(block, axis=1)
    return out


def _uncertainty(table: pd.DataFrame, *, years: float, adjust: str) -> pd.DataFrame:
    """Add each street's interval, its area's rate without it, the one-sided test of
    standing out, and the Empirical Bayes rate (``table``: every street tested).

    The test counts distinct reporting events (:func:`_first_of_event`), not reports, and
    allows for the rest of the area's streets varying more than chance alone
    (:func:`_dispersion`): a negative binomial whose variance is the dispersion times its
    mean (as quasi-Poisson). The interval is the exact Poisson interval of the street's
    events, in reports (times its reports per event).
    """
    out = table.copy()
    exposure = out["length_m"].to_numpy(float) / 100 * years  # 100 m-years
    count = out["reports"].to_numpy(float)
    events = out["events"].to_numpy(float)
    per_event = np.divide(count, events, out=np.ones_like(count), where=events > 0)
    scale = per_event / np.where(exposure > 0, exposure, np.nan)
    low = np.where(events > 0, stats.chi2.ppf(0.025, 2 * events) / 2, 0)
    out["rate_low"] = np.round(low * scale, 3)
    out["rate_high"] = np.round(stats.chi2.ppf(0.975, 2 * events + 2) / 2 * scale, 3)
    area = out.index.get_level_values("zone")
    out["area_rate"] = np.round(_rest(count, exposure, area), 3)
    expected = _rest(events, exposure, area) * exposure
    out["expected"] = np.round(expected, 2)
    dispersion, df = _dispersion(events, exposure, area)
    out["dispersion"] = np.round(np.maximum(dispersion, 1), 2)
    p = _tail(events, expected, dispersion, df)
    out["p_value"] = np.round(p, 5)
    adjusted = adjust_p(p, adjust)
    out["p_adjusted"] = np.round(adjusted, 5)
    out["stands_out"] = adjusted < 0.05
    method = ADJUSTMENT_NAMES[adjust]
    out["adjustment"] = f"{method} over {int(np.isfinite(p).sum())} streets"
    out["smoothed_per_100m_per_year"] = np.round(_empirical_bayes(count, exposure, area), 3)
    return out


#: Reports of one category this close (metres) and soon (days) after an event's first
#: report are the same event: the same problem reported again.
EVENT_WITHIN_M = 10.0
EVENT_DAYS = 30
#: An area with fewer other streets than this takes the dispersion of every area's streets.
DISPERSION_MIN_STREETS = 20
#: Quantiles of the dispersion's uncertainty that a street's test averages over.
DISPERSION_DRAWS = 40


def _first_of_event(reports: gpd.GeoDataFrame) -> pd.Series:
    """Whether each report opens a distinct reporting event (True) or repeats one.

    Taken in the order they were made, a report repeats an event when the event's first
    report is of the same category, within :data:`EVENT_WITHIN_M` metres and at most
    :data:`EVENT_DAYS` days before it; otherwise it opens an event of its own. An event
    therefore spans at most 30 days: a problem reported every week for a year is twelve or
    so events, not one.
    """
    made = pd.DatetimeIndex(reports["reported_at"])
    made = made.tz_convert(None) if made.tz is not None else made
    order = np.argsort(made.to_numpy(dtype="datetime64[ns]"), kind="stable")
    points = np.asarray(reports.geometry.values, dtype=object)[order]
    when = made.to_numpy(dtype="datetime64[ns]")[order]
    category = reports["category"].to_numpy(dtype=object)[order]
    earlier, later = shapely.STRtree(points).query(
        points, predicate="dwithin", distance=EVENT_WITHIN_M
    )
    gap = when[later] - when[earlier]
    near = (
        (earlier < later)  # in the order made: ties by their order in the layer
        & (gap <= np.timedelta64(EVENT_DAYS, "D"))
        & (category[earlier] == category[later])
    )
    earlier, later = earlier[near], later[near]
    first = np.ones(len(points), dtype=bool)
    sort = np.lexsort((earlier, later))
    earlier, later = earlier[sort], later[sort]
    bounds = np.r_[0, np.flatnonzero(later[1:] != later[:-1]) + 1, len(later)]
    for a, b in itertools.pairwise(bounds.tolist() if len(later) else []):
        first[later[a]] = not first[earlier[a:b]].any()
    out = np.empty(len(points), dtype=bool)
    out[order] = first
    return pd.Series(out, index=reports.index)


def _rest(count: np.ndarray, exposure: np.ndarray, area: pd.Index) -> np.ndarray:
    """Each street's area's rate without the street: the other streets' counts over their
    exposure (NaN where the street is its area's only one with exposure)."""
    total = pd.DataFrame({"count": count, "exposure": exposure}).groupby(area.to_numpy())
    sums = total.transform("sum")
    rest_exposure = sums["exposure"].to_numpy() - exposure
    return np.divide(
        sums["count"].to_numpy() - count,
        rest_exposure,
        out=np.full(len(count), np.nan),
        where=rest_exposure > 0,
    )


def _dispersion(
    count: np.ndarray, exposure: np.ndarray, area: pd.Index
) -> tuple[np.ndarray, np.ndarray]:
    """How much more the other streets of each street's area vary than chance: the
    quasi-Poisson dispersion (Pearson's chi-squared over its degrees of freedom) of an
    intercept-only Poisson model of their counts with their exposure as offset, at least 1.

    Leaving the street out keeps a busy street from hiding itself by inflating the
    dispersion it is judged by. An area with fewer than :data:`DISPERSION_MIN_STREETS`
    other streets takes the dispersion of every area's streets, each about its own area's
    rate, the street itself left out.
    """
    frame = pd.DataFrame({"count": count, "exposure": exposure, "area": area.to_numpy()})
    frame["square"] = np.divide(count**2, exposure, out=np.zeros_like(count), where=exposure > 0)
    frame["streets"] = (exposure > 0).astype(float)
    sums = frame.groupby("area")[["count", "exposure", "square", "streets"]].sum()
    # Pearson's X2 about the rate C/E: sum((c - e C/E)^2 / (e C/E)) = sum(c^2/e) E/C - C
    rate = sums["count"] / sums["exposure"]
    pearson = (sums["square"] / rate - sums["count"]).where(sums["count"] > 0, 0.0)
    own = sums.reindex(frame["area"])
    rest = (
        own[["count", "exposure", "square", "streets"]].to_numpy()
        - frame[["count", "exposure", "square", "streets"]].to_numpy() * (exposure > 0)[:, None]
    )
    rest_count, rest_exposure, rest_square, rest_streets = rest.T
    rest_rate = np.divide(
        rest_count, rest_exposure, out=np.zeros_like(count), where=rest_exposure > 0
    )
    rest_pearson = np.divide(
        rest_square, rest_rate, out=np.zeros_like(count), where=rest_rate > 0
    ) - np.where(rest_rate > 0, rest_count, 0)
    local_df = np.maximum(rest_streets - 1, 0)
    # every area's streets, the street's own area without it
    all_pearson = pearson.sum() - pearson.reindex(frame["area"]).to_numpy() + rest_pearson
    all_df = (
        (sums["streets"] - 1).clip(lower=0).sum()
        - np.maximum(own["streets"].to_numpy() - 1, 0)
        + local_df
    )
    use_local = rest_streets >= DISPERSION_MIN_STREETS
    chi2 = np.where(use_local, rest_pearson, all_pearson)
    df = np.where(use_local, local_df, all_df)
    return np.divide(chi2, df, out=np.ones_like(count), where=df > 0), df


def _tail(
    count: np.ndarray, expected: np.ndarray, dispersion: np.ndarray, df: np.ndarray
) -> np.ndarray:
    """The chance of ``count`` or more where ``expected`` were due, allowing for reports
    varying more than chance: negative binomial with variance the dispersion times its
    mean (Poisson at a dispersion of 1 or less), averaged over what the dispersion may be
    given its estimate from ``df`` degrees of freedom (a scaled inverse chi-squared, at
    :data:`DISPERSION_DRAWS` quantiles), as a t test allows for an estimated variance.
    1 for no count, NaN with no expectation."""
    known = np.isfinite(expected) & (expected > 0)
    mean = np.where(known, expected, 1.0)[:, None]
    quantile = (np.arange(DISPERSION_DRAWS) + 0.5) / DISPERSION_DRAWS
    spread = np.divide(
        df[:, None],
        stats.chi2.ppf(quantile, np.maximum(df, 1)[:, None]),
        where=df[:, None] > 0,
        out=np.ones((len(df), DISPERSION_DRAWS)),
    )
    phi = np.maximum(dispersion[:, None] * spread, 1.0)
    extra = np.maximum(phi - 1, 1e-9)
    below = count[:, None] - 1
    negative_binomial = stats.nbinom.sf(below, mean / extra, 1 / phi)
    p = np.where(phi > 1 + 1e-6, negative_binomial, stats.poisson.sf(below, mean)).mean(axis=1)
    p = np.where(known, p, np.nan)
    # nothing expected: a street with reports stands out only as its p of 0 says
    p = np.where(np.isfinite(expected) & (expected == 0) & (count > 0), 0.0, p)
    return np.where(count == 0, 1.0, p)


def _empirical_bayes(count: np.ndarray, exposure: np.ndarray, area: pd.Index) -> np.ndarray:
    """Rates pulled towards their area's: a gamma-Poisson model whose spread of true street
    rates is estimated by the method of moments from all the streets (Clayton and Kaldor)."""
    frame = pd.DataFrame({"count": count, "exposure": exposure, "area": area})
    sums = frame.groupby("area")[["count", "exposure"]].transform("sum")
    mean = (sums["count"] / sums["exposure"]).to_numpy()
    usable = exposure > 0
    if not usable.any():
        return np.full(len(count), np.nan)
    rate = np.divide(count, exposure, out=np.zeros_like(count), where=usable)
    spread = (exposure[usable] * (rate[usable] - mean[usable]) ** 2).sum() / exposure[usable].sum()
    noise = mean[usable].sum() / exposure[usable].sum()
    between = max(0.0, spread - noise)
    weight = np.divide(
        between,
        between + mean / np.where(usable, exposure, np.inf),
        out=np.zeros_like(rate),
        where=(between + mean) > 0,
    )
    return weight * rate + (1 - weight) * mean


def _stretches(frame: gpd.GeoDataFrame) -> pd.Series:
    """Number the connected stretches of each street within a zone (1, 2...): two
    Church Lanes at either end of the area outside the zones are two streets.

    Segments of one street in one zone that share an end (to 0.1 m) are connected. The
    stretches of a street are numbered in the order of their first segment in ``frame``.
    """
    if frame.empty:
        return pd.Series(np.zeros(0, dtype="int64"), index=frame.index)
    ends = [
        shapely.get_coordinates(shapely.get_point(frame.geometry.values, at)).round(1)
        for at in (0, -1)
    ]
    # each segment's two ends as nodes (zone, street, x, y), numbered as they first appear
    zone, street = frame["zone"].to_numpy(dtype=object), frame["street"].to_numpy(dtype=object)
    nodes = pd.DataFrame(
        {
            "zone": np.repeat(zone, 2),
            "street": np.repeat(street, 2),
            "x": np.column_stack([ends[0][:, 0], ends[1][:, 0]]).ravel(),
            "y": np.column_stack([ends[0][:, 1], ends[1][:, 1]]).ravel(),
        }
    )
    node = nodes.groupby(list(nodes.columns), sort=False, dropna=False).ngroup().to_numpy()
    a, b = node[0::2], node[1::2]
    count = int(node.max()) + 1
    links = coo_matrix((np.ones(len(a)), (a, b)), shape=(count, count))
    # components come numbered in the order of their first node
    _, component = connected_components(links, directed=False)
    first = pd.DataFrame({"component": component[a], "zone": zone, "street": street})
    first = first.drop_duplicates("component").sort_values("component")
    number = first.groupby(["zone", "street"], sort=False, dropna=False).cumcount() + 1
    by_component = pd.Series(number.to_numpy(), index=first["component"].to_numpy())
    return pd.Series(by_component.reindex(component[a]).to_numpy(dtype="int64"), index=frame.index)


def key_figures(
    zones: Any,
    streets: Any = None,
    assets: Any = None,
    reports: Any = None,
    *,
    year_ending: dt.date | None = None,
) -> pd.DataFrame:
    """The index page's figures per zone (and outside all zones).

    Name, status, street km, share at 20 mph, assets, and reports in all and in the past
    year.

    Parameters
    ----------
    zones
        The ``zones`` layer; or a :class:`~healthy_streets.Layers` (from
        :func:`~healthy_streets.load_layers`), whose layers are used where the others are
        not given.
    streets
        The ``streets`` layer, an osmnx graph or osmnx's edges
        (:func:`~healthy_streets.as_streets`).
    assets
        The ``assets`` layer.
    reports
        The ``reports`` layer.
    year_ending
        The last day of the "past year" (default: the day of the latest report).

    Returns
    -------
    DataFrame
        Indexed by ``zone_id``: ``name``, ``status``, ``street_km``, ``share_20mph``,
        ``assets``, ``reports`` (all dates) and ``reports_past_year`` (the 365 days up to
        and including ``year_ending``).

    Raises
    ------
    ConfigError
        When ``year_ending`` is not a date, or a layer is missing, in degrees or lacks its
        columns.

    Examples
    --------
    >>> import datetime as dt
    >>> figures = key_figures(layers, year_ending=dt.date(2025, 3, 31))
    >>> figures[["name", "reports", "reports_past_year"]]  # doctest: +NORMALIZE_WHITESPACE
                                   name  reports  reports_past_year
    zone_id
    yarrowside-north   Yarrowside North      595                 51
    cowslip                     Cowslip      441                 64
    yarrow-meadows       Yarrow Meadows      333                 60
    kestrel-park           Kestrel Park      318                 40
    (outside zones)   Outside all zones     1005                137
    """
    given = given_layers(
        zones,
        streets,
        assets,
        reports,
        roles=("zones", "streets", "assets", "reports"),
        caller="key_figures",
    )
    zones, streets, assets, reports = (
        given["zones"],
        given["streets"],
        given["assets"],
        given["reports"],
    )
    summary = summarise_zones(zones, streets, assets, reports)
    last = report_period(reports).end - pd.Timedelta(days=1)
    end = _day(year_ending, "year_ending") if year_ending is not None else last
    past_year = summarise_zones(
        zones,
        streets,
        assets,
        reports,
        start=(end - pd.Timedelta(days=364)).date(),
        end=(end + pd.Timedelta(days=1)).date(),
    )
    table = summary[["name", "status", "street_km", "share_20mph", "assets", "reports"]].copy()
    table["street_km"] = table["street_km"].round(2)
    table["share_20mph"] = table["share_20mph"].round(3)
    table["reports_past_year"] = past_year["reports"]
    return table
