"""Before and after: did reports change when a 20mph zone came in?

For each implemented zone with a date, reports of one category (dog fouling by default) are
counted month by month in a window before and after the date, in the zone and in a
comparison area: the streets outside all zones beyond a gap next to them (where displaced
reports would land), a ring around the zone beyond that gap, or the zones not yet in force.
The change in the zone, divided by the change in the comparison, is a
difference-in-differences on the rate scale (the "ratio of ratios"): below 1, reports fell
in the zone relative to the comparison.

The ratio comes from a regression of both monthly series with a term for every month they
share (the season, the trend and any event that moved reporting everywhere that month), and
its interval allows for months that run high or low together and is checked against
placebo dates before the zone came in (:mod:`healthy_streets.analysis._its`). The simple
ratio of the four window counts stands beside it as a readable cross-check.

Before a verdict, three checks: the trend of the zone against its comparison before the date
(a change that only continues it is not the zone's doing); the same contrast a window
earlier (a placebo); and whether the year before the date was unusually high against the
zone's longer history (regression to the mean; ``decided_on`` takes the baseline from
before the decision to make the zone). With several zones or categories, the p-values are
adjusted (Holm by default) and the verdict says so. Verdicts come in four honest kinds: a
clear fall or rise; "no change larger than X% is likely" when the interval is narrow; "too
uncertain to tell" when it is wide; and "not enough reports". Every zone also gets the
smallest fall its counts could detect. ``docs/evaluation.md`` explains the method, its
assumptions and what it cannot tell, with simulation results.

A zone whose date is known only to the month ("July 2016") came in some time in that
month: the month is left out of both windows, so the before window ends when the month
begins and the after window starts the month after. A zone dated to the day has no gap.

The windows are shortened, both alike, when the reports do not cover them (a zone that came
in soon after the records start); a zone whose windows would be shorter than
``min_window_months`` is not evaluated, and its verdict says why. The records of a category
are the reports of the sources (the ``source`` column: each file or feed) that carry it:
their span, not that of a file with none of its reports, is when the category was recorded
(a month before its source began is no month without reports). A date given with no
precision is taken at its own: a timestamp is a day.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

import healthy_streets.settings as toolkit_settings
from healthy_streets.analysis import _its
from healthy_streets.analysis.attach import given_layers
from healthy_streets.errors import ConfigError
from healthy_streets.model.area import around
from healthy_streets.model.build import REPORTS_WITHIN_M, RING_REPORTS_WITHIN_M, Layers
from healthy_streets.model.dates import (
    PRECISIONS,
    date_as_known,
    day_argument,
    parse_council_date,
)
from healthy_streets.model.ids import zone_id_of, zone_ids_named
from healthy_streets.model.taxonomy import REPORT_CATEGORIES, report_categories, report_category
from healthy_streets.model.vocabulary import ADJUSTMENT_NAMES, ADJUSTMENTS, CONTROLS, words

__all__ = [
    "ADJUSTMENTS",
    "CONTROLS",
    "KINDS",
    "Windows",
    "before_after",
    "check_settings",
    "evaluation_buffer_m",
    "monthly_counts",
    "windows_for",
]

TIMEZONE = "Europe/London"
#: Comparison areas: the streets outside all zones (beyond a gap next to every zone), a
#: ring around the zone (beyond a gap, outside every zone), or the zones not yet in force
#: (proposed, or in force only after the evaluated zone's after window).
#: How p-values are adjusted for the number of zones and categories tested together.
#: The kinds of verdict, in ``verdict_kind``.
KINDS = (
    "fall",
    "rise",
    "no_change",
    "uncertain",
    "not_enough_reports",
    "check_data",
    "not_evaluated",
)
Z95 = 1.959963984540054
#: The widest control ring, in metres: wider would reach far beyond a zone's neighbourhood.
MAX_RING_M = 10_000.0
#: The longest window, baseline or history, in months (50 years): longer would reach dates
#: before any report and outside the calendar the counts are kept in.
MAX_MONTHS = 600
#: How far beyond the zones reports are read for the comparison outside all zones, in
#: metres: the neighbourhoods around the zones, not only a build's ``buffer_m`` (300 m by
#: default). The band next to the zones where reports displaced from them would land
#: (``gap_m``) is left out of that comparison.
OUTSIDE_REACH_M = 10_000.0
ALPHA = 0.05
#: An interval within a fall and a rise of this much is narrow enough to say that no larger
#: change is likely.
NARROW = 0.25
#: Months before the date above the zone's earlier level by more than chance gives this
#: often (one-sided) are flagged: a deliberately sensitive screen, applied to the last
#: window's length of months and to the whole before window, as a zone may have been chosen
#: on either (see docs/evaluation.md).
RTM_LEVEL = 0.20
_EPOCH = pd.Timestamp("1970-01-01")


@dataclass(frozen=True)
class Windows:
    """The before and after windows of a zone's evaluation (days in Europe/London).

    Attributes
    ----------
    start
        The before window's first day.
    date
        The implementation date.
    after
        The after window's first day: the date, or the next month's first day when the
        date is known only to the month (that month is counted in neither window).
    end
        The after window's end (exclusive).
    months
        The after window's length in months, after shortening to the records.
    base
        The before window's end (exclusive): the date, or the decision date when the
        baseline is taken from before the decision.
    history
        Months before the before window used for the checks and the noise (at most
        ``history_months``, as far as the records go).
    before_months
        The before window's length in months (the baseline), after shortening.
    """

    start: pd.Timestamp
    date: pd.Timestamp
    after: pd.Timestamp
    end: pd.Timestamp
    months: int
    base: pd.Timestamp | None = None
    history: int = 0
    before_months: int | None = None

    @property
    def before(self) -> int:
        """The before window's length in months (the baseline)."""
        return self.months if self.before_months is None else self.before_months

    @property
    def before_end(self) -> pd.Timestamp:
        """The before window's end (exclusive)."""
        return self.base if self.base is not None else self.date


def windows_for(
    zone: Any,
    reports: gpd.GeoDataFrame,
    *,
    window_months: int = 12,
    baseline_months: int | None = None,
    history_months: int = 36,
    decided_on: object = None,
    category: str | None = None,
) -> Windows | None:
    """The windows :func:`before_after` uses for ``zone`` (a row of the zones layer), or
    ``None`` when it has no date or there are no reports. With ``category`` (its key), the
    records are those of the sources that carry it, as :func:`before_after` takes them;
    ``None``: all the reports. A date given with no precision is taken at its own (a
    timestamp: the day)."""
    dated = _dated(zone["implemented_on"], zone["implemented_precision"])
    coverage = _records(reports, category).coverage
    if dated.date is None or coverage is None:
        return None
    return _windows(
        dated.date,
        coverage,
        window_months,
        dated.precision,
        base=decided_on,
        history_months=history_months,
        before_months=baseline_months,
    )


def evaluation_buffer_m(
    *, control: str = "outside", ring_m: float = 400.0, gap_m: float = 100.0, **_: object
) -> float:
    """How far beyond the zones reports must be imported for an evaluation's comparison.

    A ring reaches ``gap_m + ring_m`` beyond its zone: import reports at least that far, or
    the ring is cut short where the import stopped. The streets outside all zones are read
    :data:`OUTSIDE_REACH_M` (10 km) out, not only as far as the usual buffer (300 m): the band
    next to the zones is where reports displaced from them land, so a comparison made of it
    would be pulled the zones' way. That band (``gap_m``) is left out of the comparison, and
    its words say so and how far its reports reach ("streets outside all zones, from 100 m
    to 2,994 m beyond them"). Zones not yet in force need nothing beyond the zones.

    Parameters
    ----------
    control
        The comparison, as for :func:`before_after`: ``"outside"``, ``"ring"`` or
        ``"not_yet_treated"``.
    ring_m
        The ring's width, in metres.
    gap_m
        The band next to the zones left out of the ring and of the streets outside all
        zones, in metres.
    **_
        The evaluation's other settings (``category``, ``window_months``...), ignored, so
        that a project's whole ``[evaluation]`` table can be passed.

    Returns
    -------
    float
        Metres beyond the zones: ``gap_m + ring_m`` for a ring, :data:`OUTSIDE_REACH_M`
        for the streets outside all zones, else 0.

    Examples
    --------
    >>> evaluation_buffer_m(control="ring", ring_m=400, gap_m=100)
    500.0
    >>> evaluation_buffer_m(control="outside", category="dog_fouling", window_months=12)
    10000.0
    >>> evaluation_buffer_m(control="not_yet_treated")
    0.0
    """
    if control == "ring":
        return float(gap_m + ring_m)
    return OUTSIDE_REACH_M if control == "outside" else 0.0


def monthly_counts(
    zones: Any,
    reports: Any = None,
    zone_id: str | None = None,
    *,
    category: str = "dog_fouling",
    control: str = "outside",
    ring_m: float = 400.0,
    gap_m: float = 100.0,
    window_months: int = 12,
) -> pd.DataFrame:
    """Reports of ``category`` per calendar month in a zone and in its comparison area.

    Months run over the span of the records (any category) of the sources that carry this
    category (the reports' ``source``: each file or feed), as :func:`before_after` takes
    them: a month with no report of this category counts 0, and a month before those sources
    began, or after they stopped, does not appear (another file's longer span does not
    stretch this category's months).
    For ``control="not_yet_treated"`` the comparison is the zones not in force by the end of
    the zone's after window (``window_months``).

    Parameters
    ----------
    zones
        The ``zones`` layer; or a :class:`~healthy_streets.Layers`, whose reports are used
        when none are given (``monthly_counts(layers, "Cowslip")``).
    reports
        The ``reports`` layer.
    zone_id
        The zone: its ``zone_id`` or its name.
    category
        The report category: its key, label or a word for it.
    control, ring_m, gap_m, window_months
        As for :func:`before_after`.

    Returns
    -------
    DataFrame
        Indexed by ``month`` (the month's first day), with columns ``zone`` and ``control``
        (counts); ``attrs["comparison"]`` says what the comparison was, in words, as
        :func:`before_after`'s ``comparison`` does, and ``attrs["ring_cut_m"]`` where a ring
        was cut short because the reports stop (``None``: not cut).

    Raises
    ------
    ConfigError
        When no zone has that id or name, ``category`` or ``control`` is unknown, or a
        layer is missing, in degrees or lacks its columns.

    Examples
    --------
    >>> counts = monthly_counts(layers, "Cowslip", category="dog fouling")
    >>> counts.head(3)  # doctest: +NORMALIZE_WHITESPACE
                zone  control
    month
    2019-01-01     3        4
    2019-02-01     7        3
    2019-03-01     5        7
    >>> counts.loc["2023"].sum()  # the year's reports, in the zone and in the comparison
    zone       57
    control    35
    dtype: int64
    >>> print(counts.attrs["comparison"])  # doctest: +NORMALIZE_WHITESPACE
    streets outside all zones, from 100 m to 249 m beyond them, leaving out the 100 m next
    to them, where displaced reports land
    """
    if isinstance(reports, str):  # monthly_counts(layers, "Cowslip")
        reports, zone_id = None, reports
    reports, reach = _evaluation_reports(zones, reports)
    given = given_layers(zones, reports, roles=("zones", "reports"), caller="monthly_counts")
    zones, reports = given["zones"], given["reports"]
    zone_id = zone_id_of(zones, zone_id)
    category = report_category(category)
    _check(category, control)
    reports = _read_as_a_build(zones, reports, reach, control)
    zones, _ = _with_dates(zones)
    months = _months(_records(reports, category).reports["reported_at"])
    reach = _measured_reach(zones, reports, reach, control)
    daily = _Daily(
        zones, reports, category, control=control, ring_m=ring_m, gap_m=gap_m, reach=reach
    )
    row = zones.loc[zones["zone_id"].astype("str") == str(zone_id)].iloc[0]
    end = None
    if control == "not_yet_treated":
        windows = windows_for(row, reports, window_months=window_months, category=category)
        end = windows.end if windows is not None else None
    zone_series, control_series, comparison = daily.series(str(zone_id), end)
    table = pd.DataFrame(index=pd.Index(months, name="month"))
    if len(months):
        edges = [*months, months[-1] + pd.DateOffset(months=1)]
        days = np.array([_day_number(e) for e in edges])
        table["zone"] = daily.between(zone_series, days)
        table["control"] = daily.between(control_series, days) if control_series is not None else 0
    else:
        table["zone"], table["control"] = [], []
    table = table.astype("int64")
    table.attrs.update(comparison=comparison, ring_cut_m=daily.ring_cut_m)
    return table


def before_after(
    zones: Any,
    reports: Any = None,
    *,
    category: str | Sequence[str] = "dog_fouling",
    window_months: int = 12,
    control: str = "outside",
    ring_m: float = 400.0,
    gap_m: float = 100.0,
    min_reports: int = 10,
    min_window_months: int = 6,
    baseline_months: int | None = None,
    history_months: int = 36,
    decided_on: Mapping[str, object] | None = None,
    adjust: str = "holm",
) -> pd.DataFrame:
    """Evaluate every zone: reports before and after it came in, against a comparison.

    Parameters
    ----------
    zones
        The ``zones`` layer; or a :class:`~healthy_streets.Layers` (from
        :func:`~healthy_streets.load_layers`), whose reports are used when none are given.
    reports
        The ``reports`` layer (reports not yet placed in zones are placed in ``zones``).
        Given on their own (without the ``attrs["reports_within_m"]`` a build's reports
        carry), those farther than :data:`OUTSIDE_REACH_M` (10 km) from the zones are left
        out of the comparison outside all zones, as a build would not have read them.
    category
        The report category (its key, label or a word for it: ``"dog_fouling"``,
        ``"Dog fouling"``, ``"dog mess"``), or a list of several: one row per zone and
        category, indexed by both, all adjusted together.
    window_months
        Months after the zone's date (the after window).
    control
        The comparison area: ``"outside"`` (reports outside every zone, ``gap_m`` or more
        from every zone), ``"ring"`` (from ``gap_m`` to ``gap_m + ring_m`` beyond the zone,
        outside every zone and ``gap_m`` or more from every zone in force) or
        ``"not_yet_treated"`` (the zones proposed, or in force only after the zone's after
        window).
    ring_m
        The ring's width, in metres.
    gap_m
        The band next to the zones left out of the comparison, in metres, where reports
        displaced from a zone would land: reports outside every zone but less than
        ``gap_m`` from one count in neither the zone nor the comparison (the ring around
        the zone, or the streets outside all zones; 0 leaves none out). The ``comparison``
        column says so: "streets outside all zones, from 100 m to 2,994 m beyond them,
        leaving out the 100 m next to them, where displaced reports land".
    min_reports
        Fewer reports than this in the zone (or the comparison) over both windows: not
        enough to tell.
    min_window_months
        Shortest window worth evaluating (before and after).
    baseline_months
        Months before the date (the before window, or baseline). By default twice
        ``window_months`` where the records reach a window further back (room for a placebo
        date), else as long as leaves that room, and never shorter than ``window_months``
        where the records allow it. A longer baseline is steadier and less swayed by one
        unusual year (safety-camera evaluations use three years); each window is shortened
        to the records.
    history_months
        Months before the before window used, where the records have them, to gauge how
        much the counts vary, to test the trend before the date, for placebo dates and to
        judge whether the before window was unusual (regression to the mean).
    decided_on
        Zone id or name -> the day the zone was decided on (chosen, consulted on): the
        before window then ends there, so that a zone chosen after a bad year is not
        judged against that year. The months between the decision and the date are in
        neither window. A name several zones share gives the day to them all (a warning
        says which), save those given by their own id. Days as ``start`` takes them
        (``"2020-06-01"``; ``"01/06/2020"``, which reads as a day either way round, is
        refused, not guessed).
    adjust
        ``"holm"`` (the chance of any false claim among the zones and categories tested is
        at most 5%), ``"bh"`` (Benjamini-Hochberg: at most 5% of the claims are expected to
        be false; for many zones) or ``"none"``.

    Returns
    -------
    DataFrame
        One row per zone, indexed by ``zone_id``; for a list of categories, one row per
        zone and category, indexed by both (``zone_id``, ``category``), so that each row
        has its own key (``table.loc[("cowslip", "litter")]``, ``table.xs("litter",
        level="category")``):

        ``category``
            The report category's key (a column when one category was given; the index's
            second level for a list).
        ``name``, ``implemented_on``, ``implemented_precision``, ``decided_on``
            The zone; a date given with no precision is taken at its own (a timestamp: the
            day), and ``implemented_precision`` says which was used.
        ``control``, ``comparison``
            What was compared (``comparison`` in words; for the streets outside all zones,
            from ``gap_m`` to how far their reports reach). A ring that reaches beyond the
            reports says where it is cut: how far they were read (a ``Layers``'
            ``reports_within_m``, or the reports' ``attrs["reports_within_m"]``), else where
            the farthest report given outside the zones lies.
        ``before_months``, ``window_months``, ``history_months``
            The months of the before window, the after window and the history as used,
            after shortening to the records: the span of the reports (all categories) of
            the sources that carry the category (a file or feed with none of its reports
            is left out, and the verdict says so where that changed the span).
        ``before_start``, ``before_end``, ``after_start``, ``after_end``
            The first and last day of each window.
        ``zone_before``, ``zone_after``, ``control_before``, ``control_after``
            Report counts.
        ``zone_ratio``, ``control_ratio``
            Rate ratios after/before.
        ``ratio_of_ratios``, ``ci_low``, ``ci_high``, ``p_value``
            The difference-in-differences on the rate scale and its 95% interval. With a
            term for every month, the estimate is exactly ``zone_ratio / control_ratio``
            (the readable cross-check); the monthly model gives the interval.
        ``p_adjusted``, ``adjustment``
            The p-value adjusted for the tests made together, and how ("Holm over 8 zones";
            "Holm over 6 tests (3 zones, 2 categories)").
        ``dispersion``, ``autocorrelation``, ``variance_inflation``, ``placebo_dates``, ``df``
            How the interval was widened: the Pearson dispersion (1 = Poisson), the lag-1
            autocorrelation of the months, the factor the placebo dates added, how many
            there were, and the t distribution's degrees of freedom (inf: normal).
        ``detectable_fall``
            The smallest fall (0.3 = 30%) these counts would find 4 times in 5, at the level
            the verdict uses: with several tests adjusted together, 5% over their number
            (Holm's and Benjamini-Hochberg's threshold for one change among them). For a
            zone with too few reports, from its before window's counts, with the after
            window (as long as it is) at the rate before the date; for a zone not evaluated
            (proposed, not covered by the records, no zone not yet in force), from the
            zone's and the comparison's reports (the streets outside all zones, where there
            is no comparison) in the latest ``window_months`` of the records, over the
            default windows (a baseline of ``baseline_months``, by default twice
            ``window_months``, and the after window), and said in its verdict; both as if
            counts were Poisson and for a zone tested alone: floors, for planning. NaN where
            the zone or the comparison had no report to fall from (a zone not evaluated
            then gives both counts in its verdict).
        ``pretrend_ratio_per_year``, ``pretrend_p``
            How the zone changed against its comparison per year before the date (1: in
            step), and the chance of a trend this steep by chance.
        ``placebo_ratio``, ``placebo_p``
            The same evaluation with the date ``window_months`` earlier, when no zone was
            in force.
        ``rtm_months``, ``rtm_ratio``, ``rtm_p``, ``rtm_flag``
            Whether the months a zone is chosen on were unusually high: two checks, the last
            ``window_months`` before the baseline's end (the year a zone is usually chosen
            after) against all the zone's earlier months, and the whole before window
            against the history before it (a zone ranked on its whole baseline), each
            relative to the comparison. ``rtm_months`` says which check is shown (its
            months), ``rtm_ratio`` its ratio (above 1: higher than before), ``rtm_p`` its
            one-sided chance of a difference this large (the smaller of the two), and the
            flag: those months were higher than chance would make them 4 times in 5
            (``rtm_p`` below 0.2), so a fall after them may be partly regression to the
            mean, the usual fate of a zone chosen after a bad year.
        ``evaluated``
            Whether the zone had an estimate.
        ``verdict_kind``
            One of :data:`KINDS`.
        ``verdict``
            In plain words.

    Raises
    ------
    ConfigError
        When a setting has a value it cannot use (the message says which values it can), a
        category is unknown, or a layer is missing, in degrees or lacks its columns.

    Examples
    --------
    >>> result = before_after(layers, category="Dog fouling")
    >>> print(result.loc["cowslip", "verdict"])  # doctest: +NORMALIZE_WHITESPACE
    Too uncertain to tell: dog fouling reports in the zone changed by between a fall of 41%
    and a rise of 70% relative to streets outside all zones, from 100 m to 249 m beyond
    them, leaving out the 100 m next to them, where displaced reports land (95% CI). These
    counts could only show a fall of 56% or more, at the level adjusted over 2 zones.

    Several categories, adjusted together: a row for each zone and category, keyed by both:

    >>> both = before_after(layers, category=["dog_fouling", "litter"])
    >>> both.loc[("cowslip", "litter"), "verdict_kind"]
    'not_enough_reports'
    >>> print(both.loc[("cowslip", "dog_fouling"), "adjustment"])
    Holm over 3 tests (2 zones, 2 categories)

    Against a ring around each zone, with reports read as far as :func:`evaluation_buffer_m`
    says (give the ``Layers`` itself: a ring's comparison counts the reports read for it,
    which ``layers.reports`` leaves out):

    >>> within = evaluation_buffer_m(control="ring", ring_m=400, gap_m=100)
    >>> wide = hs.load_layers(hs.sample_inputs(), reports_within_m=within)
    >>> ring = before_after(wide, control="ring", ring_m=400, gap_m=100)
    >>> print(ring.loc["cowslip", "verdict"])  # doctest: +NORMALIZE_WHITESPACE
    Too uncertain to tell: dog fouling reports in the zone changed by between a fall of 51%
    and a rise of 56% relative to a ring 100-500 m beyond the zone, whose reports reach 249
    m (the report files hold none farther from the zones; read 500 m out) (95% CI). These
    counts could only show a fall of 60% or more, at the level adjusted over 2 zones.
    """
    reports, reach = _evaluation_reports(zones, reports)
    given = given_layers(zones, reports, roles=("zones", "reports"), caller="before_after")
    zones, reports = given["zones"], given["reports"]
    category = report_categories(category)
    if not isinstance(category, str):  # each once: "dog mess" and "Dog fouling" are one
        category = list(dict.fromkeys(category))
    check_settings(
        category,
        window_months,
        control,
        ring_m,
        min_reports,
        min_window_months,
        baseline_months=baseline_months,
        gap_m=gap_m,
        history_months=history_months,
        adjust=adjust,
        decided_on=decided_on,
    )
    reports = _read_as_a_build(zones, reports, reach, control)
    decisions = _decisions(zones, decided_on)
    zones, dates = _with_dates(zones)
    reach = _measured_reach(zones, reports, reach, control)
    settings = _Settings(
        window_months,
        control,
        ring_m,
        gap_m,
        min_reports,
        min_window_months,
        history_months,
        baseline_months,
    )
    rows = []
    for key in [category] if isinstance(category, str) else list(category):
        daily = _Daily(
            zones, reports, key, control=control, ring_m=ring_m, gap_m=gap_m, reach=reach
        )
        records = _records(reports, key)  # the span of the sources that carry the category
        for zone in zones.itertuples(index=False):
            decided = decisions.get(str(zone.zone_id))
            dated = dates[str(zone.zone_id)]
            rows.append(_zone_row(zone, dated, key, daily, records, settings, decided))
    table = pd.DataFrame(rows, columns=[*_COLUMNS, "_se", "_notes"])
    for column, dtype in _COLUMNS.items():
        if dtype == "object":
            table[column] = table[column].astype("object").where(table[column].notna(), None)
    _adjust_and_judge(table, adjust)
    table["verdict"] = [
        f"{verdict} {note}" if isinstance(note, str) and note else verdict
        for verdict, note in zip(table["verdict"], table["_notes"], strict=True)
    ]
    keyed_by = ["zone_id"] if isinstance(category, str) else ["zone_id", "category"]
    return table.drop(columns=["_se", "_notes"]).set_index(keyed_by)


@dataclass(frozen=True)
class _Reach:
    """How far beyond the zones the reports an evaluation counts go, in metres
    (``metres``: the nearer of how far they were read and where the farthest one lies), and
    how far they were read (``read_m``: a ``Layers``' ``reports_within_m``, or the reports'
    ``attrs["reports_within_m"]``; ``None`` when not known), and for a ``Layers``' reports
    given alone, how far its reports for the ring were read (``ring_read_m``)."""

    metres: float
    read_m: float | None = None
    ring_read_m: float | None = None


def _evaluation_reports(zones: Any, reports: Any) -> tuple[Any, _Reach | None]:
    """The reports an evaluation of ``zones`` counts, and how far beyond the zones they
    were read: for a ``Layers`` given alone, its reports with those read for the ring
    (:meth:`~healthy_streets.Layers.evaluation_reports`) and its ``reports_within_m``;
    for reports given, ``attrs["reports_within_m"]`` when they carry it (else the reach is
    measured by :func:`_measured_reach`, once the layers are checked)."""
    if isinstance(zones, Layers) and reports is None:
        within = zones.reports_within_m
        return zones.evaluation_reports(), (None if within is None else _Reach(within, within))
    attrs = getattr(reports, "attrs", {})
    within = _distance_in(attrs, REPORTS_WITHIN_M)
    ring = _distance_in(attrs, RING_REPORTS_WITHIN_M)
    return reports, (None if within is None else _Reach(within, within, ring))


def _distance_in(attrs: Mapping[str, Any], key: str) -> float | None:
    """The distance ``attrs[key]`` holds, in metres, or None when it holds none."""
    value = attrs.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return None


def _measured_reach(
    zones: gpd.GeoDataFrame, reports: gpd.GeoDataFrame, reach: _Reach | None, control: str
) -> _Reach | None:
    """How far the comparison's reports reach beyond the zones: the farthest report outside
    every zone, in whole metres from the zones (0 when none is outside), or how far they
    were read when that is nearer (``read`` then true). A ring beyond where the reports stop
    is said to be cut there, and the streets outside all zones say how far they go."""
    if not len(zones):
        return reach
    outside = reports.geometry[reports["zone_id"].isna()].to_numpy()
    outside = outside[~shapely.is_missing(outside) & ~shapely.is_empty(outside)]
    farthest = 0.0
    if len(outside):
        # each report's distance to its nearest zone, through the zones' index (the distance
        # to the zones' union measures every zone for every report)
        _, metres = shapely.STRtree(zones.geometry.to_numpy()).query_nearest(
            outside, return_distance=True
        )
        farthest = float(math.floor(np.nanmax(metres))) if len(metres) else 0.0
    read = None if reach is None else reach.read_m
    ring = None if reach is None else reach.ring_read_m
    return _Reach(farthest if read is None else min(read, farthest), read, ring)


def _read_as_a_build(
    zones: gpd.GeoDataFrame, reports: gpd.GeoDataFrame, reach: _Reach | None, control: str
) -> gpd.GeoDataFrame:
    """For the comparison outside all zones, reports given on their own (how far they were
    read not known: no ``attrs["reports_within_m"]``) within :data:`OUTSIDE_REACH_M` of the
    zones (or the buffer, when farther), as :func:`~healthy_streets.load_layers` reads them
    for it (the zones' project area, :func:`~healthy_streets.model.area.around`): a county's
    reports are compared as a build would compare them, not to wherever the file ends.
    A ring and the zones not yet in force count no report that far out; reports read by a
    build, and reports without a place, are left as they are."""
    if control != "outside" or reach is not None or not len(zones) or not len(reports):
        return reports
    area = around(zones, max(toolkit_settings.street_buffer_m, OUTSIDE_REACH_M))
    shapely.prepare(area)
    points = reports.geometry.to_numpy()
    keep = shapely.intersects(area, points) | shapely.is_missing(points)
    return reports if keep.all() else reports[keep]


_COLUMNS: dict[str, str] = {
    "zone_id": "object",
    "category": "object",
    "name": "object",
    "implemented_on": "object",
    "implemented_precision": "object",
    "decided_on": "object",
    "control": "object",
    "comparison": "object",
    "before_months": "float64",
    "window_months": "float64",
    "history_months": "float64",
    "before_start": "object",
    "before_end": "object",
    "after_start": "object",
    "after_end": "object",
    "zone_before": "float64",
    "zone_after": "float64",
    "control_before": "float64",
    "control_after": "float64",
    "zone_ratio": "float64",
    "control_ratio": "float64",
    "ratio_of_ratios": "float64",
    "ci_low": "float64",
    "ci_high": "float64",
    "p_value": "float64",
    "p_adjusted": "float64",
    "adjustment": "object",
    "dispersion": "float64",
    "autocorrelation": "float64",
    "variance_inflation": "float64",
    "placebo_dates": "float64",
    "df": "float64",
    "detectable_fall": "float64",
    "pretrend_ratio_per_year": "float64",
    "pretrend_p": "float64",
    "placebo_ratio": "float64",
    "placebo_p": "float64",
    "rtm_months": "float64",
    "rtm_ratio": "float64",
    "rtm_p": "float64",
    "rtm_flag": "object",
    "evaluated": "bool",
    "verdict_kind": "object",
    "verdict": "object",
}


@dataclass(frozen=True)
class _Settings:
    window_months: int
    control: str
    ring_m: float
    gap_m: float
    min_reports: int
    min_window_months: int
    history_months: int
    baseline_months: int | None


class _Daily:
    """Reports of one category per local day, in each zone and in the comparison areas,
    as cumulative sums: any window's count is a difference of two of them."""

    def __init__(
        self,
        zones: gpd.GeoDataFrame,
        reports: gpd.GeoDataFrame,
        category: str,
        *,
        control: str,
        ring_m: float,
        gap_m: float,
        reach: _Reach | None = None,
    ) -> None:
        self.zones = zones
        self.control = control
        self.ring = (gap_m, ring_m)
        self.reach = reach
        chosen = reports[(reports["category"] == category) & reports["reported_at"].notna()]
        self.days = _day_numbers(chosen["reported_at"])
        all_days = _day_numbers(reports["reported_at"].dropna())
        self.first = int(all_days.min()) if len(all_days) else 0
        self.length = (int(all_days.max()) - self.first + 2) if len(all_days) else 1
        self.zone_of = chosen["zone_id"].astype("object").where(chosen["zone_id"].notna(), None)
        self.outside = self.zone_of.isna().to_numpy()
        self.geometry = chosen.geometry.to_numpy()
        # reports outside every zone but within the gap of one: where displaced reports land
        self.near_point, self.near_zone = _pairs_near_zones(
            self.geometry, zones.geometry.to_numpy(), gap_m
        )
        self.band = np.zeros(len(self.geometry), bool)
        self.band[self.near_point] = True
        self.band &= self.outside
        # the day each zone came into force (none for a zone not in force): a zone whose
        # date falls within the records may push reports into its band, before or after
        dates = zones["implemented_on"].where(zones["status"] == "implemented")
        self.change_day = np.array(
            [np.nan if pd.isna(d) else _day_number(_day_start(d)) for d in dates], float
        )
        ids = zones["zone_id"].astype("str").tolist()
        self.index = {zone_id: i for i, zone_id in enumerate(ids)}
        codes = self.zone_of.map(self.index).astype("float64").fillna(-1).to_numpy().astype("int64")
        counts = np.zeros((len(ids), self.length), dtype=np.int64)
        keep = codes >= 0
        np.add.at(counts, (codes[keep], self.days[keep] - self.first), 1)
        self.by_zone = np.concatenate(
            [np.zeros((len(ids), 1), np.int64), counts.cumsum(axis=1)], axis=1
        )
        self.outside_cum = self._cumulative(self.outside & ~self.band)

    def _displaced(self, zone_id: str, end: pd.Timestamp | None) -> np.ndarray:
        """Reports in the band of another zone that came into force within the records
        (up to ``end``, the after window's end): that zone's displaced reports land there,
        and may fall in this zone's ring. A zone in force before the records begin, or
        proposed, moves nothing over the windows, and its band stays in the ring."""
        last = np.inf if end is None else _day_number(end)
        changing = (self.change_day >= self.first) & (self.change_day < last)
        changing[self.index[zone_id]] = False
        out = np.zeros(len(self.geometry), bool)
        out[self.near_point[changing[self.near_zone]]] = True
        return out & self.outside

    def _cumulative(self, mask: np.ndarray) -> np.ndarray:
        per_day = np.bincount(self.days[mask] - self.first, minlength=self.length)
        return np.concatenate([[0], per_day.cumsum()])

    def series(
        self, zone_id: str, end: pd.Timestamp | None
    ) -> tuple[np.ndarray, np.ndarray | None, str]:
        """Cumulative daily counts of the zone and of its comparison (``None``: there is
        none), and the comparison in words (``end``: the after window's end, for the
        not-yet-treated zones)."""
        zone = self.by_zone[self.index[zone_id]]
        if self.control == "outside":
            return zone, self.outside_cum, self.outside_words
        if self.control == "ring":
            gap, width = self.ring
            geometry = self.zones.geometry.iloc[self.index[zone_id]]
            ring = shapely.difference(geometry.buffer(gap + width), geometry.buffer(gap))
            near = self.outside & ~self._displaced(zone_id, end)
            near &= shapely.intersects(self.geometry, ring)
            return zone, self._cumulative(near), self._ring_words()
        chosen = [z for z in self._untreated(end) if z != zone_id]
        if not chosen:
            return zone, None, "no zone not yet in force"
        rows = [self.index[z] for z in chosen]
        shown = ", ".join(chosen[:5]) + (f" and {len(chosen) - 5} more" if len(chosen) > 5 else "")
        noun = "zone" if len(chosen) == 1 else "zones"
        words = f"{len(chosen)} {noun} not yet in force ({shown})"
        return zone, self.by_zone[rows].sum(axis=0), words

    @property
    def outside_words(self) -> str:
        """The streets outside all zones in words: from how far beyond the zones their
        reports count (the gap next to the zones, where displaced reports land, is left
        out) to how far they reach (the farthest report, or how far reports were read)."""
        gap = self.ring[0]
        if gap <= 0:
            if self.reach is None:
                return "streets outside all zones"
            return f"streets outside all zones, within {_metres(self.reach.metres)} of them"
        left_out = f"leaving out the {gap:,g} m next to them, where displaced reports land"
        if self.reach is None:
            return f"streets outside all zones, from {gap:,g} m beyond them, {left_out}"
        reach, read = self.reach.metres, self.reach.read_m
        if reach < gap:
            if read is not None and read < gap:
                why = f"the reports were read only {_metres(read)} out: read them farther, or"
            elif read is None:
                why = f"the farthest report given lies {_metres(reach)} out: read farther, or"
            else:
                why = f"read {_metres(read)} out, the report files hold none beyond {reach:g} m:"
            return (
                f"streets outside all zones, from {gap:,g} m beyond them, {left_out}; no report "
                f"lies that far ({why} give a smaller gap_m)"
            )
        return (
            f"streets outside all zones, from {gap:,g} m to {_metres(reach)} beyond them, "
            f"{left_out}"
        )

    @property
    def ring_cut_m(self) -> float | None:
        """Where the ring is cut (metres beyond the zone), or ``None`` when the reports
        reach as far as it does (or how far they reach is not known)."""
        gap, width = self.ring
        if self.control != "ring" or self.reach is None or self.reach.metres >= gap + width:
            return None
        return self.reach.metres

    def _ring_words(self) -> str:
        """The ring in words; where its reports stop short of it, said so and why: the
        reports were read no farther, none lies farther in the files read, or (how far they
        were read not known) none given lies farther."""
        gap, width = self.ring
        words = f"a ring {gap:g}-{gap + width:g} m beyond the zone"
        reach, end = self.reach, gap + width
        if self.ring_cut_m is None or reach is None:
            return words
        how = f"load_layers(..., reports_within_m={end:g})"
        if reach.read_m is None:
            return (
                f"{words}, cut at {reach.metres:g} m, where the farthest report given lies "
                f"(give the Layers, whose reports read for the ring count too, or read "
                f"reports {end:g} m out: {how})"
            )
        if reach.read_m < end:
            beyond = (
                f" and none lies beyond {reach.metres:g} m" if reach.metres < reach.read_m else ""
            )
            fix = f"read them {end:g} m out: {how}, as a build does"
            if reach.ring_read_m is not None and reach.ring_read_m >= end:
                fix = (
                    f"those read {reach.ring_read_m:g} m out for the ring are in "
                    "layers.evaluation_reports(): give them, or the Layers"
                )
            return (
                f"{words}, cut at {reach.metres:g} m: the reports were read {reach.read_m:g} m "
                f"out{beyond} ({fix})"
            )
        return (
            f"{words}, whose reports reach {reach.metres:g} m (the report files hold none "
            f"farther from the zones; read {reach.read_m:g} m out)"
        )

    def _untreated(self, end: pd.Timestamp | None) -> list[str]:
        out = []
        for zone in self.zones.itertuples(index=False):
            later = (
                zone.status == "implemented"
                and pd.notna(zone.implemented_on)
                and end is not None
                and _day_start(zone.implemented_on) >= end
            )
            if zone.status == "proposed" or later:
                out.append(str(zone.zone_id))
        return out

    def between(self, cumulative: np.ndarray, edges: np.ndarray) -> np.ndarray:
        """Counts between consecutive day numbers ``edges`` (each bin [edge, next edge))."""
        at = np.clip(edges - self.first, 0, self.length)
        return np.diff(cumulative[at])


def _pairs_near_zones(
    points: np.ndarray, zones: np.ndarray, gap_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """Each (point, zone) pair, by position, where the point lies less than ``gap_m``
    metres from the zone (at ``gap_m`` exactly it is beyond the gap); none when ``gap_m``
    is 0."""
    none = np.zeros(0, np.int64)
    usable = np.flatnonzero(~shapely.is_missing(zones) & ~shapely.is_empty(zones))
    if gap_m <= 0 or not len(points) or not len(usable):
        return none, none
    point, zone = shapely.STRtree(zones[usable]).query(points, predicate="dwithin", distance=gap_m)
    within = shapely.distance(points[point], zones[usable][zone]) < gap_m
    return point[within], usable[zone[within]]


def _metres(distance: float) -> str:
    """A distance as a verdict says it: ``249 m``, ``3,050 m``."""
    return f"{distance:,.0f} m"


def _day_number(stamp: pd.Timestamp) -> int:
    local = stamp.tz_convert(TIMEZONE) if stamp.tzinfo is not None else stamp
    return int((local.tz_localize(None).normalize() - _EPOCH).days)


def _day_numbers(times: pd.Series) -> np.ndarray:
    local = times.dt.tz_convert(TIMEZONE).dt.tz_localize(None).dt.normalize()
    return ((local - _EPOCH).dt.days).to_numpy("int64")


def _zone_row(
    zone: Any,
    dated: _Dated,
    category: str,
    daily: _Daily,
    records: _Records,
    settings: _Settings,
    decided: pd.Timestamp | None,
) -> dict[str, object]:
    coverage = records.coverage
    row: dict[str, object] = {
        "zone_id": zone.zone_id,
        "name": zone.name,
        "implemented_on": zone.implemented_on,
        "implemented_precision": dated.precision,
        "decided_on": decided.date() if decided is not None else None,
        "category": category,
        "control": settings.control,
        "evaluated": False,
    }
    reason = _not_evaluable(zone, dated, decided)
    if not reason:  # the date is used: say how it was read, and the records' span
        notes = " ".join(note for note in (_date_note(dated), records.note) if note)
        row["_notes"] = notes
        reason = _not_covered(dated, coverage, settings, decided)
        if reason and notes:  # said next to the reason, before the planning figure
            reason, row["_notes"] = f"{reason} {notes}", ""
    if reason:
        planning = _planning_row(zone, daily, coverage, settings)
        row.update(planning)
        return {
            **row,
            "verdict_kind": "not_evaluated",
            "verdict": f"{reason}{_planning_words(planning, settings)}",
        }
    assert coverage is not None and dated.date is not None  # _not_covered said so otherwise
    windows = _windows(
        dated.date,
        coverage,
        settings.window_months,
        dated.precision,
        base=decided,
        history_months=settings.history_months,
        before_months=settings.baseline_months,
    )
    zone_cum, control_cum, comparison = daily.series(str(zone.zone_id), windows.end)
    if control_cum is None:
        planning = _planning_row(zone, daily, coverage, settings)
        row["detectable_fall"] = planning.get("detectable_fall")
        return {**row, "comparison": comparison, "verdict_kind": "not_evaluated", "verdict": (
            "Not evaluated: no other zone is still to come in after this zone's after window, "
            "so there is no zone not yet in force to compare with; use the control 'outside' "
            f"or 'ring'.{_planning_words(planning, settings)}"
        )}  # fmt: skip
    series = _binned(daily, zone_cum, control_cum, windows)
    before, after = series.before, series.after
    counts = {
        "zone_before": int(series.zone[before].sum()),
        "zone_after": int(series.zone[after].sum()),
        "control_before": int(series.comparison[before].sum()),
        "control_after": int(series.comparison[after].sum()),
    }
    row.update(
        {
            "comparison": comparison,
            "before_months": windows.before,
            "window_months": windows.months,
            "history_months": windows.history,
            "before_start": windows.start.date(),
            "before_end": (windows.before_end - pd.Timedelta(days=1)).date(),
            "after_start": windows.after.date(),
            "after_end": (windows.end - pd.Timedelta(days=1)).date(),
            **counts,
            **_simple_ratios(counts),
        }
    )
    label = REPORT_CATEGORIES[category]
    zone_total = counts["zone_before"] + counts["zone_after"]
    control_total = counts["control_before"] + counts["control_after"]
    floor, rate_of = _floor(counts, windows)
    row["detectable_fall"] = round(floor, 4) if math.isfinite(floor) else math.nan
    gap = _feed_gap(counts, windows, label, comparison, settings.min_reports)
    if gap:
        return {**row, "verdict_kind": "check_data", "verdict": gap + _floor_words(
            floor, rate_of, "If they do, at"
        )}  # fmt: skip
    if (
        zone_total < settings.min_reports
        or control_total < settings.min_reports
        or min(counts.values()) == 0
    ):
        return {**row, "verdict_kind": "not_enough_reports", "verdict": _too_few(
            label, zone_total, control_total, comparison, settings.min_reports, floor, rate_of
        )}  # fmt: skip
    analysis = _its.analyse(series)
    if analysis is None:
        return {**row, "verdict_kind": "not_enough_reports", "verdict": _too_few(
            label, zone_total, control_total, comparison, settings.min_reports, floor, rate_of
        )}  # fmt: skip
    row.update(_analysis_columns(analysis))
    return {**row, "evaluated": True}


def _binned(daily: _Daily, zone: np.ndarray, control: np.ndarray, windows: Windows) -> _its.Series:
    """The zone's and comparison's counts per month of the history, the before window
    (months counted back from its end) and the after window (counted on from its start)."""
    base = windows.before_end
    back = windows.before + windows.history
    pre_edges = [base + pd.DateOffset(months=k) for k in range(-back, 1)]
    post_edges = [windows.after + pd.DateOffset(months=k) for k in range(windows.months + 1)]
    pre_days = np.array([_day_number(e) for e in pre_edges])
    post_days = np.array([_day_number(e) for e in post_edges])
    gap = (windows.after - base).days / (365.25 / 12)
    position = np.concatenate([np.arange(-back, 0), gap + np.arange(windows.months)])
    after = np.r_[np.zeros(back, bool), np.ones(windows.months, bool)]
    before = np.r_[np.zeros(windows.history, bool), np.ones(windows.before, bool)]
    return _its.Series(
        zone=np.concatenate([daily.between(zone, pre_days), daily.between(zone, post_days)]),
        comparison=np.concatenate(
            [daily.between(control, pre_days), daily.between(control, post_days)]
        ),
        position=position.astype(float),
        after=after,
        before=np.r_[before, np.zeros(windows.months, bool)],
    )


def _analysis_columns(analysis: _its.Analysis) -> dict[str, object]:
    effect = analysis.effect
    low, high = effect.interval()
    out: dict[str, object] = {
        "ratio_of_ratios": round(effect.ratio, 4),
        "ci_low": round(low, 4),
        "ci_high": round(high, 4),
        "p_value": round(effect.p_value, 5),
        "dispersion": round(analysis.dispersion, 3),
        "autocorrelation": round(analysis.autocorrelation, 3),
        "variance_inflation": round(analysis.inflation, 3),
        "placebo_dates": analysis.placebo_dates,
        "df": round(effect.df, 1) if math.isfinite(effect.df) else math.inf,
        "detectable_fall": round(analysis.detectable_fall(), 4),  # alone: see _adjust_and_judge
        "_se": (analysis.effect.se, analysis.effect.df),
    }
    if analysis.pretrend is not None:
        out["pretrend_ratio_per_year"] = round(analysis.pretrend.ratio, 4)
        out["pretrend_p"] = round(analysis.pretrend.p_value, 5)
    if analysis.placebo is not None:
        out["placebo_ratio"] = round(analysis.placebo.ratio, 4)
        out["placebo_p"] = round(analysis.placebo.p_value, 5)
    checks = [
        (months, check)
        for months, check in (
            (analysis.after_months, analysis.rtm),
            (analysis.before_months, analysis.rtm_baseline),
        )
        if check is not None
    ]
    if checks:  # the check nearer to flagging: a zone may be chosen on either span
        months, check = min(checks, key=lambda pair: pair[1].one_sided_p())
        out["rtm_months"] = months
        out["rtm_ratio"] = round(check.ratio, 4)
        out["rtm_p"] = round(check.one_sided_p(), 5)
        out["rtm_flag"] = bool(check.ratio > 1 and out["rtm_p"] < RTM_LEVEL)  # type: ignore[operator]
    return out


def _planning_row(
    zone: Any,
    daily: _Daily,
    coverage: tuple[pd.Timestamp, pd.Timestamp] | None,
    settings: _Settings,
) -> dict[str, object]:
    """For a zone not evaluated: the smallest fall its recent counts could show, so that an
    officer knows before a scheme whether reports can ever show its effect."""
    if coverage is None or str(zone.zone_id) not in daily.index:
        return {}
    end = coverage[1]
    start = max(coverage[0], end - pd.DateOffset(months=settings.window_months))
    zone_cum, control_cum, comparison = daily.series(str(zone.zone_id), end)
    if control_cum is None:
        control_cum, comparison = daily.outside_cum, daily.outside_words
    days = np.array([_day_number(start), _day_number(end)])
    zone_count = float(daily.between(zone_cum, days)[0])
    control_count = float(daily.between(control_cum, days)[0])
    # the default baseline: twice the after window, so at this rate twice the reports
    baseline = settings.baseline_months or 2 * settings.window_months
    scale = baseline / settings.window_months
    floor = _its.detectable_fall(zone_count * scale, control_count * scale, after=1 / scale)
    return {
        "comparison": comparison,
        "detectable_fall": round(floor, 4) if math.isfinite(floor) else math.nan,
        "_planning": (int(zone_count), int(control_count)),
    }


def _planning_words(planning: Mapping[str, Any], settings: _Settings) -> str:
    """The planning figure of a zone not evaluated, as a sentence to add to its verdict."""
    floor = planning.get("detectable_fall")
    if "_planning" not in planning or not isinstance(floor, float):
        return ""
    zone_count, control_count = planning["_planning"]
    if not math.isfinite(floor):  # none in the zone or the comparison: nothing to fall from
        return (
            f" For planning: the latest {settings.window_months} months hold {zone_count} in "
            f"the zone and {control_count} on {planning['comparison']}: too few to show any "
            "fall."
        )
    baseline = settings.baseline_months or 2 * settings.window_months
    return (
        f" For planning: at the rate of the latest {settings.window_months} months "
        f"({zone_count} in the zone, {control_count} on {planning['comparison']}), a "
        f"{baseline}-month baseline and a {settings.window_months}-month after window "
        f"could show a fall of {floor:.0%} or more (tested alone; if counts were "
        "Poisson, so a floor)."
    )


def _adjust_and_judge(table: pd.DataFrame, adjust: str) -> None:
    """Adjust the p-values of every evaluated row together; write each verdict."""
    tested = table["evaluated"].to_numpy(bool)
    count = int(tested.sum())
    p = table["p_value"].to_numpy(float)
    table["p_adjusted"] = np.round(_its.adjust_p(np.where(tested, p, np.nan), adjust), 5)
    method = ADJUSTMENT_NAMES[adjust]
    what = _tests_words(
        count, table.loc[tested, "zone_id"].nunique(), table.loc[tested, "category"].nunique()
    )
    note = f"{method} over {what}" if adjust != "none" else f"not adjusted ({what} tested)"
    # a row not tested has no adjustment: empty, as the other text columns' missing values
    table["adjustment"] = pd.Series(
        [note if one else None for one in tested], index=table.index, dtype="object"
    )
    # the smallest fall found 4 times in 5 at the level the verdict uses: for one change
    # among the tests, Holm's and Benjamini-Hochberg's first threshold, 5% over their number
    level = ALPHA / count if adjust != "none" and count > 1 else ALPHA
    for i in np.flatnonzero(tested):
        se, df = table["_se"].iloc[i]
        table.iloc[i, table.columns.get_loc("detectable_fall")] = round(
            _its.detectable(se, df, level=level), 4
        )
        kind, text = _verdict(table.iloc[i], count, adjust, what)
        table.iloc[i, table.columns.get_loc("verdict_kind")] = kind
        table.iloc[i, table.columns.get_loc("verdict")] = text
    for column, dtype in _COLUMNS.items():
        if dtype == "float64":
            table[column] = pd.to_numeric(table[column], errors="coerce").astype("float64")
    table["evaluated"] = table["evaluated"].astype(bool)


def _tests_words(count: int, zones: int, categories: int) -> str:
    """The tests adjusted together, in words: ``1 zone``, ``8 zones``, or ``6 tests (3
    zones, 2 categories)`` when more than one category was tested."""
    if categories <= 1:
        return f"{count} {'zone' if count == 1 else 'zones'}"
    return f"{count} tests ({zones} {'zone' if zones == 1 else 'zones'}, {categories} categories)"


def _verdict(row: pd.Series, count: int, adjust: str, what: str) -> tuple[str, str]:
    """The verdict's kind and words, ending with the smallest fall the counts could show;
    ``what`` says the ``count`` tests adjusted together (:func:`_tests_words`)."""
    kind, text = _judged(row, count, adjust, what)
    detectable = float(row["detectable_fall"])
    if not math.isfinite(detectable):
        return kind, text
    level = f", at the level adjusted over {what}" if count > 1 and adjust != "none" else ""
    ratio = float(row["ratio_of_ratios"])
    if " fell by " in text or " rose by " in text:  # a change found: said as power, so that
        # a found fall smaller than the figure does not read as denied by it
        smaller = " fell by " in text and 1 - ratio < detectable
        return kind, (
            f"{text} These counts find a fall of {detectable:.0%} or more 4 times in 5"
            f"{level}{'; a smaller one, as here, less often' if smaller else ''}."
        )
    wide = kind == "uncertain" and text.endswith("(95% CI).")
    can = "could only show" if wide else "could show"
    return kind, f"{text} These counts {can} a fall of {detectable:.0%} or more{level}."


def _judged(row: pd.Series, count: int, adjust: str, what: str) -> tuple[str, str]:
    label = REPORT_CATEGORIES[str(row["category"])]
    where = str(row["comparison"])
    low, high, ratio = float(row["ci_low"]), float(row["ci_high"]), float(row["ratio_of_ratios"])
    span = f"between {_change(low)} and {_change(high)}"
    significant = row["p_value"] < ALPHA
    claimable = row["p_adjusted"] < ALPHA
    if claimable:
        fell = ratio < 1
        moved = f"fell by {1 - ratio:.0%}" if fell else f"rose by {ratio - 1:.0%}"
        interval = (
            f"95% CI {1 - high:.0%} to {1 - low:.0%} fewer"
            if fell
            else f"95% CI {low - 1:.0%} to {high - 1:.0%} more"
        )
        if not row["placebo_dates"] > 0:
            reach = int(row["before_months"]) + int(row["window_months"])
            return "uncertain", (
                f"Too uncertain to tell: {label.lower()} reports {moved} in the zone relative "
                f"to {where} ({interval}), but the records do not reach far enough before "
                f"the baseline to check the change against a placebo date ({reach} months "
                "before its end are needed): a shift in reporting near the date would look "
                "the same. Give older records, or a shorter baseline_months."
            )
        trend = row["pretrend_ratio_per_year"]
        if (
            pd.notna(row["pretrend_p"])
            and row["pretrend_p"] < ALPHA
            and (trend < 1) == fell
            and trend != 1
        ):
            direction = "falling" if trend < 1 else "rising"
            return "uncertain", (
                f"Too uncertain to tell: {label.lower()} reports {moved} in the zone relative "
                f"to {where} ({interval}), but they were already {direction} by "
                f"{abs(trend - 1):.0%} a year relative to it before the date "
                f"({_p(row['pretrend_p'])}): the change may continue that trend rather than "
                "be the zone's doing."
            )
        text = (
            f"{label} reports {moved} in the zone relative to {where} ({interval}; "
            f"{_p_text(row, count, adjust, what)})."
        )
        rtm = row["rtm_ratio"]
        if pd.notna(row["rtm_p"]) and row["rtm_p"] < RTM_LEVEL and (rtm > 1) == fell:
            level = "above" if rtm > 1 else "below"
            text += (
                f" Caution: the {int(row['rtm_months'])} months before the date were "
                f"{abs(rtm - 1):.0%} {level} the zone's earlier level, so part of the change "
                "may be regression to the mean; give decided_on to take the baseline from "
                "before the zone was chosen."
            )
        return ("fall" if fell else "rise"), text
    if significant:
        return "uncertain", (
            f"Too uncertain to tell: {label.lower()} reports in the zone changed by {span} "
            f"relative to {where} (95% CI). The interval excludes no change, but with "
            f"{what} tested together it is not clear enough to claim "
            f"({_p_text(row, count, adjust, what)})."
        )
    if max(1 - low, high - 1) <= NARROW:
        largest = max(1 - low, high - 1)
        return "no_change", (
            f"No change larger than {math.ceil(largest * 100)}% is likely: {label.lower()} "
            f"reports in the zone changed by {span} relative to {where} (95% CI)."
        )
    return "uncertain", (
        f"Too uncertain to tell: {label.lower()} reports in the zone changed by {span} "
        f"relative to {where} (95% CI)."
    )


def _p_text(row: pd.Series, count: int, adjust: str, what: str) -> str:
    if count <= 1 or adjust == "none":
        extra = f", not adjusted for the {what} tested" if count > 1 else ""
        return f"{_p(row['p_value'])}{extra}"
    method = "Holm" if adjust == "holm" else "Benjamini-Hochberg"
    return f"{method}-adjusted {_p(row['p_adjusted'])} over {what}"


def _p(value: float) -> str:
    """A p-value as a verdict says it: ``p = 0.022``, or ``p < 0.001`` below that (never
    ``p = 0``, nor a number in e-notation); near 0.05, with a third decimal or as ``p <
    0.05``, so that a claimed p-value never reads as 0.05 and an unclaimed one never below.

    >>> [_p(v) for v in (0.0496, 0.0504, 0.049, 0.0512, 0.0004, 0.31)]
    ['p < 0.05', 'p = 0.050', 'p = 0.049', 'p = 0.051', 'p < 0.001', 'p = 0.31']
    """
    if value < 0.001:
        return "p < 0.001"
    text = f"{value:.2g}"
    if float(text) == ALPHA or (float(text) < ALPHA) != (value < ALPHA):
        text = f"{value:.3f}"
        if value < ALPHA <= float(text):
            return f"p < {ALPHA:g}"
    return f"p = {text}"


def _change(ratio: float) -> str:
    if ratio < 1:
        return f"a fall of {1 - ratio:.0%}"
    if ratio > 1:
        return f"a rise of {ratio - 1:.0%}"
    return "no change"


def _too_few(
    label: str,
    zone_total: int,
    control_total: int,
    where: str,
    minimum: int,
    floor: float,
    rate_of: str,
) -> str:
    text = (
        f"Not enough reports to tell: {zone_total} {label.lower()} "
        f"{'report' if zone_total == 1 else 'reports'} in the zone and {control_total} on "
        f"{where} over both windows (at least {minimum} each, and some in every window, are "
        "needed)."
    )
    return text + _floor_words(floor, rate_of, "At")


#: A window with no report where the other window's rate would give this many or more
#: (the chance of none by chance below 1 in 100) is a gap in the records, not a change.
FEED_GAP_EXPECTED = -math.log(0.01)


def _feed_gap(
    counts: Mapping[str, int], windows: Windows, label: str, where: str, minimum: int
) -> str:
    """A data warning when the zone's or the comparison's reports stop (or start) at the
    date: none in one window where the other's rate would make none all but impossible. A
    complete stop is far more often a gap in the report feed (a new reporting system, a
    category renamed, an export cut short) than a scheme's whole effect, and a complete
    start the reverse; "" when neither (or the other window holds fewer than ``minimum``
    reports: too few to tell a gap)."""
    scale = {"before": windows.before / windows.months, "after": windows.months / windows.before}
    for side, noun in (("zone", "in the zone"), ("control", f"on {where}")):
        for empty, full in (("after", "before"), ("before", "after")):
            had = counts[f"{side}_{full}"]
            expected = had * scale[empty]
            if counts[f"{side}_{empty}"] == 0 and had >= minimum and expected >= FEED_GAP_EXPECTED:
                span = (
                    f"{windows.after:%d %b %Y} to {windows.end - pd.Timedelta(days=1):%d %b %Y}"
                    if empty == "after"
                    else f"{windows.start:%d %b %Y} to "
                    f"{windows.before_end - pd.Timedelta(days=1):%d %b %Y}"
                )
                return (
                    f"Check the data: {had} {label.lower()} "
                    f"{'report' if had == 1 else 'reports'} {noun} {full} the date and none "
                    f"{empty}. So complete a {'stop' if empty == 'after' else 'start'} is more "
                    "likely a gap in the report feed (a new reporting system, a category "
                    f"renamed, an export cut short) than a real change: check that the reports "
                    f"cover {span} {noun}."
                )
    return ""


def _floor(counts: Mapping[str, int], windows: Windows) -> tuple[float, str]:
    """The smallest fall the counts could show if counts were Poisson, at the rate of the
    window with reports (the before window's, else the after window's), and which it was
    (``""``: neither window has reports in the zone and the comparison)."""
    after = windows.months / windows.before
    if counts["zone_before"] > 0 and counts["control_before"] > 0:
        floor = _its.detectable_fall(counts["zone_before"], counts["control_before"], after=after)
        return floor, "before"
    if counts["zone_after"] > 0 and counts["control_after"] > 0:
        zone, control = counts["zone_after"] / after, counts["control_after"] / after
        return _its.detectable_fall(zone, control, after=after), "after"
    return math.nan, ""


def _floor_words(floor: float, rate_of: str, lead: str) -> str:
    """The smallest fall the counts could show, as a sentence (or why there is none)."""
    if not math.isfinite(floor):
        return (
            " No fall could show: neither window has reports both in the zone and in the "
            "comparison."
        )
    when = "before" if rate_of == "before" else "after"
    return f" {lead} the rate {when} the date, only a fall of {floor:.0%} or more could show."


def _simple_ratios(counts: dict[str, int]) -> dict[str, float]:
    def ratio(after: float, before: float) -> float:
        return round(after / before, 4) if before > 0 else math.nan

    return {
        "zone_ratio": ratio(counts["zone_after"], counts["zone_before"]),
        "control_ratio": ratio(counts["control_after"], counts["control_before"]),
    }


def check_settings(
    category: str | Sequence[str] = "dog_fouling",
    window_months: int = 12,
    control: str = "outside",
    ring_m: float = 400.0,
    min_reports: int = 10,
    min_window_months: int = 6,
    *,
    baseline_months: int | None = None,
    gap_m: float = 100.0,
    history_months: int = 36,
    adjust: str = "holm",
    decided_on: Mapping[str, object] | None = None,
) -> None:
    """Refuse settings :func:`before_after` cannot use, saying which values it can."""

    def whole(value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    _check(category, control)
    if not whole(window_months) or not 1 <= window_months <= MAX_MONTHS:
        raise ConfigError(
            f"window_months (the window) must be a whole number of months, 1 to "
            f"{MAX_MONTHS}, not {window_months!r}."
        )
    if not (whole(ring_m) or isinstance(ring_m, float)) or not 0 < ring_m <= MAX_RING_M:
        raise ConfigError(
            f"ring_m (the ring) must be a width in metres above 0 and at most {MAX_RING_M:g}, "
            f"not {ring_m!r}."
        )
    if not whole(min_window_months) or min_window_months < 1:
        raise ConfigError(
            f"min_window_months must be a whole number of months, 1 or more, not "
            f"{min_window_months!r}."
        )
    if min_window_months > window_months:
        raise ConfigError(
            f"A window of {window_months} months is shorter than the shortest worth "
            f"evaluating ({min_window_months}); make it longer."
        )
    if not whole(min_reports) or min_reports < 1:
        raise ConfigError(f"min_reports must be a whole number, 1 or more, not {min_reports!r}.")
    if baseline_months is not None and (
        not whole(baseline_months) or not min_window_months <= baseline_months <= MAX_MONTHS
    ):
        raise ConfigError(
            f"baseline_months must be a whole number of months, at least min_window_months "
            f"({min_window_months}) and at most {MAX_MONTHS}, not {baseline_months!r}."
        )
    _check_more(gap_m, history_months, adjust, decided_on, control=control)


def _check_more(
    gap_m: object, history_months: object, adjust: object, decided_on: object, *, control: str
) -> None:

    number = isinstance(gap_m, int | float) and not isinstance(gap_m, bool)
    if not number or not 0 <= gap_m < math.inf:  # type: ignore[operator]
        raise ConfigError(
            f"gap_m (the band next to the zones left out of the comparison) must be a distance "
            f"in metres, 0 or more, not {gap_m!r}."
        )
    if control == "outside" and gap_m >= OUTSIDE_REACH_M:  # type: ignore[operator]
        raise ConfigError(
            f"gap_m = {gap_m!r} leaves out every report the comparison outside all zones "
            f"reads (up to {OUTSIDE_REACH_M:g} m from the zones); make it smaller."
        )
    if (
        not isinstance(history_months, int)
        or isinstance(history_months, bool)
        or not 0 <= history_months <= MAX_MONTHS
    ):
        raise ConfigError(
            f"history_months must be a whole number of months, 0 to {MAX_MONTHS}, not "
            f"{history_months!r}."
        )
    if adjust not in ADJUSTMENTS:
        raise ConfigError(
            f"Unknown adjustment {adjust!r}; use {words(ADJUSTMENTS)} (holm: Holm, bh: "
            "Benjamini-Hochberg)."
        )
    if decided_on is None:
        return
    if not isinstance(decided_on, Mapping):
        raise ConfigError(
            f"decided_on must map zone ids or names to dates, not {decided_on!r}; for "
            'example {"north" = 2020-06-01}.'
        )
    for zone, day in decided_on.items():
        _decision_day(zone, day)


def _decision_day(zone: object, day: object) -> pd.Timestamp:

    if not isinstance(day, str | dt.date) or pd.isna(day):
        raise ConfigError(
            f"decided_on for {zone!r} is {day!r}, which is not a date; write it as 2020-06-01."
        )
    return _day_start(pd.Timestamp(day_argument(day, f"decided_on[{zone!r}]")))


def _decisions(
    zones: gpd.GeoDataFrame, decided_on: Mapping[str, object] | None
) -> dict[str, pd.Timestamp]:
    """decided_on by zone id (given by id or name: a name several zones share gives the
    day to them all, said in a warning, save any of them given by its own id)."""

    if not decided_on:
        return {}
    by_id: dict[str, pd.Timestamp] = {}
    by_name: dict[str, pd.Timestamp] = {}
    for key, day in decided_on.items():
        try:
            zone_ids = zone_ids_named(zones, key)
        except ConfigError as exc:
            raise ConfigError(f"decided_on names a zone that is not one: {exc}") from None
        named = by_id if zone_ids == [str(key).strip()] else by_name  # an id wins over a name
        named.update(dict.fromkeys(zone_ids, _decision_day(key, day)))
    return by_name | by_id


def _check(category: str | Sequence[str], control: str) -> None:
    report_categories(category)  # a key, label or word for one, else refused
    if control not in CONTROLS:
        raise ConfigError(f"Unknown control {control!r}; use {words(CONTROLS)}.")


def _months(dates: pd.Series) -> pd.DatetimeIndex:
    local = dates.dropna().dt.tz_convert(TIMEZONE).dt.tz_localize(None)
    if local.empty:
        return pd.DatetimeIndex([])
    first = local.min().to_period("M").to_timestamp()
    last = local.max().to_period("M").to_timestamp()
    return pd.date_range(first, last, freq="MS")


def _coverage(reports: gpd.GeoDataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The days the records cover: the first report's day to the day after the last's."""
    dates = reports["reported_at"].dropna()
    if dates.empty:
        return None
    first = dates.min().tz_convert(TIMEZONE).normalize()
    return first, dates.max().tz_convert(TIMEZONE).normalize() + pd.Timedelta(days=1)


#: At most this many sources are named in a note; the rest are counted.
_SOURCES_NAMED = 3


@dataclass(frozen=True)
class _Records:
    """The records a category's evaluation rests on: the reports of the sources (the
    ``source`` column: each file or feed) that carry the category, all their categories.
    ``coverage`` is their span (first day, day after the last); ``note`` says which
    sources' span it is when leaving the others out changed it ("" when it did not)."""

    reports: gpd.GeoDataFrame
    coverage: tuple[pd.Timestamp, pd.Timestamp] | None
    note: str = ""


def _records(reports: gpd.GeoDataFrame, category: str | None) -> _Records:
    """The reports whose span is the records' span for ``category``: those of the sources
    that carry it, as a source's span is when it was recording (a month before a source
    began is no month without reports). All the reports when every source carries it, when
    none does (the verdict then says there are none), when ``category`` is ``None`` or the
    layer has no ``source`` column. Reports with no source are one source."""
    everything = _Records(reports, _coverage(reports))
    if category is None or "source" not in reports.columns or not len(reports):
        return everything
    dated = reports["reported_at"].notna().to_numpy()
    source = reports["source"].astype("object").where(reports["source"].notna(), "")
    source = source.astype("str")
    carrying = set(source[dated & (reports["category"] == category).to_numpy()])
    if not carrying or carrying >= set(source[dated]):
        return everything
    kept = reports[source.isin(carrying).to_numpy()]
    coverage = _coverage(kept)
    if coverage == everything.coverage:
        return _Records(kept, coverage)
    return _Records(kept, coverage, _records_note(reports, source, dated, carrying, category))


def _records_note(
    reports: gpd.GeoDataFrame,
    source: pd.Series,
    dated: np.ndarray,
    carrying: set[str],
    category: str,
) -> str:
    """Which sources' span the windows rest on, and which were left out (with their spans),
    as a sentence for the verdict."""
    label = REPORT_CATEGORIES[category].lower()
    times = reports["reported_at"][dated]
    spans = times.groupby(source[dated].to_numpy()).agg(["min", "max"])

    def name(key: str) -> str:
        return key if key else "(reports with no source)"

    def listed(keys: list[str], with_spans: bool) -> str:
        shown = []
        for key in keys[:_SOURCES_NAMED]:
            first, last = spans.loc[key, "min"], spans.loc[key, "max"]
            span = f" ({_month(first)} to {_month(last)})" if with_spans else ""
            shown.append(f"{name(key)}{span}")
        more = len(keys) - _SOURCES_NAMED
        return ", ".join(shown) + (f" and {more} more" if more > 0 else "")

    used = sorted(carrying)
    left = sorted(set(spans.index) - carrying)
    first = min(spans.loc[k, "min"] for k in used)
    last = max(spans.loc[k, "max"] for k in used)
    which = "the source" if len(used) == 1 else f"the {len(used)} sources"
    return (
        f"The windows rest on {_month(first)} to {_month(last)}, the span of {which} with "
        f"{label} reports ({listed(used, False)}); left out, as "
        f"{'it has' if len(left) == 1 else 'they have'} no {label} report: "
        f"{listed(left, True)}."
    )


def _month(stamp: pd.Timestamp) -> str:
    """A report's month as a note says it: ``Jan 2015``."""
    return f"{stamp.tz_convert(TIMEZONE):%b %Y}"


def _day_start(value: object) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:  # the day's midnight, UK time (never where the clocks change)
        return stamp.normalize().tz_localize(TIMEZONE)
    return stamp.normalize()


@dataclass(frozen=True)
class _Dated:
    """A zone's implementation date as the evaluation reads it: ``date`` (``None``: none),
    its ``precision``, and ``taken`` when no precision was given with it (missing,
    ``unknown`` or blank), so the date's own was used: a date or timestamp is a day, a
    text is read as a zones file's would be ("2016-06": the month). ``text`` is the date as
    written, for a verdict ("" when none)."""

    date: pd.Timestamp | None
    precision: str
    taken: bool = False
    text: str = ""


def _dated(date: object, precision: object, text: object = None) -> _Dated:
    """A zone's date and its precision (see :class:`_Dated`)."""
    given = precision.strip().lower() if isinstance(precision, str) else ""
    given = given if given in PRECISIONS else ""
    written = text.strip() if isinstance(text, str) else ""
    if isinstance(date, str):  # a date written as text, set by hand: read as a file's
        parsed = parse_council_date(date)
        stamp = pd.Timestamp(parsed.date) if parsed.date is not None else None
        usable = given if given and given != "unknown" else parsed.precision
        return _Dated(stamp, usable, usable != given, written or date.strip())
    if date is None or pd.isna(date):
        return _Dated(None, given or "unknown", False, written)
    if given and given != "unknown":
        return _Dated(pd.Timestamp(date), given, False, written)
    return _Dated(pd.Timestamp(date), "day", True, written)


def _with_dates(zones: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, dict[str, _Dated]]:
    """The zones with each date at its precision (:func:`_dated`): a date given with no
    precision (an analyst's ``zones.loc[..., "implemented_on"] = pd.Timestamp(...)``) is
    taken at its own, so that it is evaluated rather than refused; and each zone's date by
    ``zone_id``."""
    texts = zones["implemented_text"] if "implemented_text" in zones else [None] * len(zones)
    dated = [
        _dated(date, precision, text)
        for date, precision, text in zip(
            zones["implemented_on"], zones["implemented_precision"], texts, strict=True
        )
    ]
    by_id = {str(z): d for z, d in zip(zones["zone_id"], dated, strict=True)}
    written = [isinstance(v, str) for v in zones["implemented_on"]]
    if not any(d.taken or text for d, text in zip(dated, written, strict=True)):
        return zones, by_id
    out = zones.copy()
    out["implemented_on"] = pd.to_datetime(
        pd.Series([d.date for d in dated], index=zones.index, dtype="object")
    )
    out["implemented_precision"] = [d.precision for d in dated]
    return out, by_id


def _date_note(dated: _Dated) -> str:
    """A note for a date whose precision was taken from the date itself, where it matters:
    a day that is a month's first may stand for the month ("" otherwise)."""
    if not dated.taken or dated.date is None or dated.precision != "day":
        return ""
    if dated.date.day != 1:
        return ""
    return (
        f"No precision was given with the date, so it is taken as the day "
        f"{dated.date:%d %b %Y}; if only the month is known, set implemented_precision to "
        '"month" (the month is then left out of both windows).'
    )


def _not_evaluable(zone: object, dated: _Dated, decided: pd.Timestamp | None) -> str | None:
    """Why a zone is not evaluated whatever the records: its status or its date."""
    status = getattr(zone, "status", "unknown")
    if status == "unknown":
        return (
            "Not evaluated: its status is unknown (not known to be in force); give it in the "
            "zones file."
        )
    if status != "implemented":
        return f"Not evaluated: the zone is {status}, not in force."
    date, precision = dated.date, dated.precision
    if date is None:
        if dated.text:
            return (
                f'Not evaluated: its implementation date, "{dated.text}", is not one it can '
                "read; give the day or month in the zones file."
            )
        return "Not evaluated: the zone has no implementation date."
    if precision not in ("day", "month"):
        written = dated.text or date_as_known(date, precision)
        if precision == "year":
            written = dated.text or f"{date.year}"
        return (
            f'Not evaluated: the implementation date is known only to the {precision} ("'
            f'{written}"); give the day or month in the zones file.'
        )
    if decided is not None and decided > _day_start(date):
        return (
            f"Not evaluated: decided_on ({decided:%d %b %Y}) is after the zone came in "
            f"({date_as_known(date, precision)}); give the day it was decided."
        )
    return None


def _not_covered(
    dated: _Dated,
    coverage: tuple[pd.Timestamp, pd.Timestamp] | None,
    settings: _Settings,
    decided: pd.Timestamp | None,
) -> str | None:
    """Why a zone with a usable date is not evaluated: the records do not cover its
    windows (``None``: they do)."""
    date, precision = dated.date, dated.precision
    assert date is not None  # _not_evaluable said so otherwise
    if coverage is None:
        return "Not evaluated: there are no reports."
    windows = _windows(
        date,
        coverage,
        settings.window_months,
        precision,
        base=decided,
        before_months=settings.baseline_months,
    )
    if min(windows.months, windows.before) < settings.min_window_months:
        first, end = coverage
        baseline = (
            f"before {decided:%d %b %Y} and after " if decided is not None else "either side of "
        )
        return (
            f"Not evaluated: the reports ({first:%b %Y} to "
            f"{end - pd.Timedelta(days=1):%b %Y}) do not cover {settings.min_window_months} "
            f"months {baseline}{date_as_known(date, precision)}."
        )
    return None


def _windows(
    date: object,
    coverage: tuple[pd.Timestamp, pd.Timestamp],
    months: int,
    precision: str = "day",
    *,
    base: object = None,
    history_months: int = 0,
    before_months: int | None = None,
) -> Windows:
    """The windows, each shortened to the records on its own (a rate per month is
    comparable whatever the window's length). ``before_months`` ``None``: the default
    baseline (see :func:`before_after`)."""
    start_date = _day_start(date)
    after_start = start_date + pd.DateOffset(months=1) if precision == "month" else start_date
    end_of_base = _day_start(base) if base is not None else start_date
    first, end = coverage
    reach = _whole_months(first, end_of_base)
    if before_months is None:  # twice the window, leaving a window's room for a placebo
        before = max(min(months, reach), min(2 * months, reach - months))
    else:
        before = max(0, min(before_months, reach))
    after = max(0, min(months, _whole_months(after_start, end)))
    start = end_of_base - pd.DateOffset(months=before)
    history = max(0, min(history_months, _whole_months(first, start)))
    return Windows(
        start,
        start_date,
        after_start,
        after_start + pd.DateOffset(months=after),
        after,
        end_of_base if base is not None else None,
        history,
        before,
    )


def _whole_months(a: pd.Timestamp, b: pd.Timestamp) -> int:
    if b <= a:
        return 0
    count = (b.year - a.year) * 12 + (b.month - a.month)
    if a + pd.DateOffset(months=count) > b:
        count -= 1
    return count
