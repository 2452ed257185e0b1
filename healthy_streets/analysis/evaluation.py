"""Before and after: did reports change when a 20mph zone came in?

For each implemented zone with a date, reports of one category (dog fouling by default) are
counted month by month in a window before and after the date, in the zone and in a control
area: the streets outside all zones, or a ring around the zone. The rate ratio after/before
in the zone, divided by the same ratio in the control, is a difference-in-differences on the
rate scale: below 1, reports fell in the zone relative to the control.

The ratio and its 95% confidence interval come from a Poisson regression of the monthly
counts (statsmodels), ``count ~ zone + after + zone:after``; the interaction is the ratio of
ratios. Its standard error is widened when the months vary more than a Poisson count would
(quasi-Poisson: the Pearson dispersion, never below 1). A plain-language verdict says
whether the interval excludes "no change", and says when there are too few reports to tell.

A zone whose date is known only to the month ("July 2016") came in some time in that
month: the month is left out of both windows, so the before window ends when the month
begins and the after window starts the month after. A zone dated to the day has no gap.

The windows are shortened, both alike, when the reports do not cover them (a zone that came
in soon after the records start); a zone whose windows would be shorter than
``min_window_months`` is not evaluated, and its verdict says why.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from healthy_streets.model.dates import date_as_known
from healthy_streets.model.taxonomy import REPORT_CATEGORIES

__all__ = [
    "CONTROLS",
    "Windows",
    "before_after",
    "check_settings",
    "monthly_counts",
    "windows_for",
]

TIMEZONE = "Europe/London"
#: Control areas: the streets outside all zones, or a ring around the zone (outside zones).
CONTROLS = ("outside", "ring")
Z95 = 1.959963984540054
#: The widest control ring, in metres: wider would reach far beyond a zone's neighbourhood.
MAX_RING_M = 10_000.0


@dataclass(frozen=True)
class Windows:
    """The before and after windows of a zone's evaluation (days in Europe/London).

    Attributes
    ----------
    start
        The before window's first day.
    date
        The day the before window ends (exclusive): the implementation date.
    after
        The after window's first day: the date, or the next month's first day when the
        date is known only to the month (that month is counted in neither window).
    end
        The after window's end (exclusive).
    months
        Each window's length in months, after shortening to the records.
    """

    start: pd.Timestamp
    date: pd.Timestamp
    after: pd.Timestamp
    end: pd.Timestamp
    months: int


def windows_for(zone: Any, reports: gpd.GeoDataFrame, *, window_months: int = 12) -> Windows | None:
    """The windows :func:`before_after` uses for ``zone`` (a row of the zones layer), or
    ``None`` when it has no date or there are no reports."""
    date = zone["implemented_on"]
    coverage = _coverage(reports)
    if date is None or pd.isna(date) or coverage is None:
        return None
    return _windows(date, coverage, window_months, zone["implemented_precision"])


def monthly_counts(
    zones: gpd.GeoDataFrame,
    reports: gpd.GeoDataFrame,
    zone_id: str,
    *,
    category: str = "dog_fouling",
    control: str = "outside",
    ring_m: float = 400.0,
) -> pd.DataFrame:
    """Reports of ``category`` per calendar month in a zone and in its control area.

    Months run over the whole range of the reports (any category), so a month with no
    report of this category counts 0 and a month before the records began does not appear.

    Returns
    -------
    DataFrame
        Indexed by ``month`` (the month's first day), with columns ``zone`` and ``control``
        (counts).
    """
    _check(category, control)
    zone_mask, control_mask = _masks(zones, reports, zone_id, control, ring_m)
    of_category = reports["category"] == category
    months = _months(reports["reported_at"])
    dates = reports["reported_at"].dt.tz_convert(TIMEZONE).dt.tz_localize(None)
    month_of = dates.dt.to_period("M").dt.to_timestamp()
    table = pd.DataFrame(index=pd.Index(months, name="month"))
    table["zone"] = (
        month_of[zone_mask & of_category].value_counts().reindex(table.index, fill_value=0)
    )
    table["control"] = (
        month_of[control_mask & of_category].value_counts().reindex(table.index, fill_value=0)
    )
    return table.astype("int64")


def before_after(
    zones: gpd.GeoDataFrame,
    reports: gpd.GeoDataFrame,
    *,
    category: str = "dog_fouling",
    window_months: int = 12,
    control: str = "outside",
    ring_m: float = 400.0,
    min_reports: int = 10,
    min_window_months: int = 6,
) -> pd.DataFrame:
    """Evaluate every zone: reports before and after it came in, against a control.

    Parameters
    ----------
    zones, reports
        The normalised layers; reports must carry ``zone_id``.
    category
        The report category (a key of the report taxonomy).
    window_months
        Months before and after the zone's date.
    control
        ``"outside"`` (reports outside every zone) or ``"ring"`` (within ``ring_m`` of the
        zone, outside every zone).
    ring_m
        The ring's width, in metres.
    min_reports
        Fewer reports than this in the zone (or the control) over both windows: too few to
        tell.
    min_window_months
        Shortest window worth evaluating.

    Returns
    -------
    DataFrame
        One row per zone, indexed by ``zone_id``:

        ``name``, ``implemented_on``, ``implemented_precision``
            The zone.
        ``category``, ``control``, ``window_months``
            What was compared (``window_months`` as used, after shortening).
        ``before_start``, ``after_start``, ``after_end``
            The first day counted, the after window's first day (a month after the date
            when it is known only to the month; the date itself otherwise) and the last
            day counted.
        ``zone_before``, ``zone_after``, ``control_before``, ``control_after``
            Report counts.
        ``zone_ratio``, ``control_ratio``
            Rate ratios after/before.
        ``ratio_of_ratios``, ``ci_low``, ``ci_high``, ``p_value``
            The difference-in-differences on the rate scale and its 95% interval.
        ``dispersion``
            The Pearson dispersion used to widen the interval (1 = Poisson).
        ``evaluated``
            Whether the zone could be evaluated.
        ``verdict``
            In plain words.

    Examples
    --------
    >>> before_after(layers.zones, layers.reports)[["verdict"]]  # doctest: +SKIP
    """
    check_settings(category, window_months, control, ring_m, min_reports, min_window_months)
    label = REPORT_CATEGORIES[category]
    coverage = _coverage(reports)
    rows = []
    for zone in zones.itertuples(index=False):
        row: dict[str, object] = {
            "zone_id": zone.zone_id,
            "name": zone.name,
            "implemented_on": zone.implemented_on,
            "implemented_precision": zone.implemented_precision,
            "category": category,
            "control": control,
        }
        reason = _not_evaluable(zone, coverage, window_months, min_window_months)
        if reason:
            rows.append({**row, "evaluated": False, "verdict": reason})
            continue
        assert coverage is not None  # _not_evaluable said so otherwise
        windows = _windows(zone.implemented_on, coverage, window_months, zone.implemented_precision)
        counts = _anchored_counts(
            zones,
            reports,
            str(zone.zone_id),
            windows,
            category=category,
            control=control,
            ring_m=ring_m,
        )
        after = counts.index >= 0
        row.update(
            {
                "window_months": windows.months,
                "before_start": windows.start.date(),
                "after_start": windows.after.date(),
                "after_end": (windows.end - pd.Timedelta(days=1)).date(),
                "zone_before": int(counts.loc[~after, "zone"].sum()),
                "zone_after": int(counts.loc[after, "zone"].sum()),
                "control_before": int(counts.loc[~after, "control"].sum()),
                "control_after": int(counts.loc[after, "control"].sum()),
            }
        )
        row.update(_ratios(row))
        row.update(_fit(counts, after, row, min_reports, label, control))
        rows.append(row)
    table = pd.DataFrame(rows).set_index("zone_id")
    columns = [
        "name",
        "implemented_on",
        "implemented_precision",
        "category",
        "control",
        "window_months",
        "before_start",
        "after_start",
        "after_end",
        "zone_before",
        "zone_after",
        "control_before",
        "control_after",
        "zone_ratio",
        "control_ratio",
        "ratio_of_ratios",
        "ci_low",
        "ci_high",
        "p_value",
        "dispersion",
        "evaluated",
        "verdict",
    ]
    return table.reindex(columns=columns)


_GAP = -(10**6)  # the label of a month-precision date's own month, counted in neither window


def _anchored_counts(
    zones: gpd.GeoDataFrame,
    reports: gpd.GeoDataFrame,
    zone_id: str,
    windows: Windows,
    *,
    category: str,
    control: str,
    ring_m: float,
) -> pd.DataFrame:
    """Counts per month counted from the zone's date: month -1 is the month before it,
    month 0 the first month of the after window (a month-precision date's own month, between
    the two, is counted in neither)."""
    zone_mask, control_mask = _masks(zones, reports, zone_id, control, ring_m)
    of_category = reports["category"] == category
    before = [windows.date + pd.DateOffset(months=k) for k in range(-windows.months, 0)]
    after = [windows.after + pd.DateOffset(months=k) for k in range(windows.months + 1)]
    gap = [windows.date] if windows.after > windows.date else []
    labels = list(range(-windows.months, windows.months))
    bin_labels = labels[: windows.months] + ([_GAP] if gap else []) + labels[windows.months :]
    when = reports["reported_at"].dt.tz_convert(TIMEZONE)
    month = pd.cut(
        when, bins=pd.DatetimeIndex(before + gap + after), right=False, labels=bin_labels
    )
    table = pd.DataFrame(index=pd.Index(labels, name="month"))
    for column, mask in (("zone", zone_mask), ("control", control_mask)):
        chosen = month[mask & of_category].dropna().astype("int64")
        chosen = chosen[chosen != _GAP]
        table[column] = chosen.value_counts().reindex(table.index, fill_value=0)
    return table.astype("int64")


def check_settings(
    category: str = "dog_fouling",
    window_months: int = 12,
    control: str = "outside",
    ring_m: float = 400.0,
    min_reports: int = 10,
    min_window_months: int = 6,
) -> None:
    """Refuse settings :func:`before_after` cannot use, saying which values it can."""
    from healthy_streets.errors import ConfigError

    def whole(value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    _check(category, control)
    if not whole(window_months) or window_months < 1:
        raise ConfigError(
            f"window_months (the window) must be a whole number of months, 1 or more, not "
            f"{window_months!r}."
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


def _check(category: str, control: str) -> None:
    from healthy_streets.errors import ConfigError

    if category not in REPORT_CATEGORIES:
        raise ConfigError(
            f"Unknown report category {category!r}; use one of {', '.join(REPORT_CATEGORIES)}."
        )
    if control not in CONTROLS:
        raise ConfigError(f"Unknown control {control!r}; use 'outside' or 'ring'.")


def _masks(
    zones: gpd.GeoDataFrame, reports: gpd.GeoDataFrame, zone_id: str, control: str, ring_m: float
) -> tuple[pd.Series, pd.Series]:
    in_zone = reports["zone_id"] == zone_id
    outside = reports["zone_id"].isna()
    if control == "outside":
        return in_zone, outside
    geometry = zones.loc[zones["zone_id"] == zone_id].geometry.union_all()
    ring = shapely.difference(geometry.buffer(ring_m), geometry)
    near = pd.Series(shapely.intersects(reports.geometry.values, ring), index=reports.index)
    return in_zone, outside & near


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


def _day_start(value: object) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize(TIMEZONE) if stamp.tzinfo is None else stamp
    return stamp.normalize()


def _not_evaluable(
    zone: object,
    coverage: tuple[pd.Timestamp, pd.Timestamp] | None,
    window_months: int,
    min_window_months: int,
) -> str | None:
    status = getattr(zone, "status", "unknown")
    if status != "implemented":
        return f"Not evaluated: the zone is {status}, not in force."
    date = getattr(zone, "implemented_on", None)
    precision = getattr(zone, "implemented_precision", "unknown")
    if date is None or pd.isna(date):
        return "Not evaluated: the zone has no implementation date."
    if precision not in ("day", "month"):
        text = getattr(zone, "implemented_text", "") or ""
        return (
            f"Not evaluated: the implementation date is known only to the {precision} "
            f"({text!r}); give the day or month in the zones file."
        )
    if coverage is None:
        return "Not evaluated: there are no reports."
    windows = _windows(date, coverage, window_months, precision)
    if windows.months < min_window_months:
        first, end = coverage
        return (
            f"Not evaluated: the reports ({first:%b %Y} to "
            f"{end - pd.Timedelta(days=1):%b %Y}) do not cover {min_window_months} months "
            f"either side of {date_as_known(pd.Timestamp(date), precision)}."
        )
    return None


def _windows(
    date: object,
    coverage: tuple[pd.Timestamp, pd.Timestamp],
    months: int,
    precision: str = "day",
) -> Windows:
    start_date = _day_start(date)
    after_start = start_date + pd.DateOffset(months=1) if precision == "month" else start_date
    first, end = coverage
    before = _whole_months(first, start_date)
    after = _whole_months(after_start, end)
    used = max(0, min(months, before, after))
    return Windows(
        start_date - pd.DateOffset(months=used),
        start_date,
        after_start,
        after_start + pd.DateOffset(months=used),
        used,
    )


def _whole_months(a: pd.Timestamp, b: pd.Timestamp) -> int:
    if b <= a:
        return 0
    count = (b.year - a.year) * 12 + (b.month - a.month)
    if a + pd.DateOffset(months=count) > b:
        count -= 1
    return count


def _ratios(row: dict[str, object]) -> dict[str, float]:
    def ratio(after: object, before: object) -> float:
        a, b = float(after), float(before)  # type: ignore[arg-type]
        return a / b if b > 0 else math.nan

    return {
        "zone_ratio": round(ratio(row["zone_after"], row["zone_before"]), 4),
        "control_ratio": round(ratio(row["control_after"], row["control_before"]), 4),
    }


def _fit(
    counts: pd.DataFrame,
    after: np.ndarray,
    row: dict[str, object],
    min_reports: int,
    label: str,
    control: str,
) -> dict[str, object]:
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    zone_total = int(row["zone_before"]) + int(row["zone_after"])  # type: ignore[call-overload]
    control_total = int(row["control_before"]) + int(row["control_after"])  # type: ignore[call-overload]
    cells = [row["zone_before"], row["zone_after"], row["control_before"], row["control_after"]]
    where = "streets outside all zones" if control == "outside" else "a ring around the zone"
    if zone_total < min_reports or control_total < min_reports or min(cells) == 0:  # type: ignore[type-var]
        return {
            "evaluated": False,
            "verdict": (
                f"Too few {label.lower()} reports to tell: {zone_total} in the zone and "
                f"{control_total} on {where} over both windows (at least "
                f"{min_reports} each, and some in every window, are needed)."
            ),
        }
    n = len(counts)
    y = np.concatenate([counts["zone"].to_numpy(), counts["control"].to_numpy()])
    in_zone = np.concatenate([np.ones(n), np.zeros(n)])
    later = np.concatenate([after, after]).astype(float)
    design = np.column_stack([np.ones(2 * n), in_zone, later, in_zone * later])
    with warnings.catch_warnings():
        # months that repeat one count exactly fit "perfectly"; the estimates stand
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        result = sm.GLM(y, design, family=sm.families.Poisson()).fit()
    dispersion = max(1.0, float(result.pearson_chi2 / result.df_resid)) if result.df_resid else 1.0
    coef = float(result.params[3])
    se = float(result.bse[3]) * math.sqrt(dispersion)
    low, high = math.exp(coef - Z95 * se), math.exp(coef + Z95 * se)
    from scipy import stats

    p_value = float(2 * stats.norm.sf(abs(coef / se)))
    ratio = math.exp(coef)
    if high < 1:
        verdict = (
            f"{label} reports fell by {1 - ratio:.0%} in the zone relative to {where} "
            f"(95% CI {1 - high:.0%} to {1 - low:.0%} fewer)."
        )
    elif low > 1:
        verdict = (
            f"{label} reports rose by {ratio - 1:.0%} in the zone relative to {where} "
            f"(95% CI {low - 1:.0%} to {high - 1:.0%} more)."
        )
    else:
        verdict = (
            f"No clear change in {label.lower()} reports relative to {where}: the ratio "
            f"is {ratio:.2f} but the 95% CI ({low:.2f} to {high:.2f}) includes no change."
        )
    return {
        "ratio_of_ratios": round(ratio, 4),
        "ci_low": round(low, 4),
        "ci_high": round(high, 4),
        "p_value": round(p_value, 5),
        "dispersion": round(dispersion, 3),
        "evaluated": True,
        "verdict": verdict,
    }
