"""The statistics behind :func:`~healthy_streets.analysis.evaluation.before_after`.

A zone's monthly report counts are judged against a comparison's, month by month. With a
term for every month shared by the two series (the season, any trend and any event that
moved reporting everywhere that month), a Poisson regression of both series is the same, for
the ratio of ratios, as a logistic regression of the zone's share of each month's reports
(the conditional likelihood): ``share ~ zone + after``. That is what is fitted here, with
two parameters, so that hundreds of zones take seconds. The ratio of ratios is the exponent
of the ``after`` term.

Its variance allows for months that run high or low together. The Pearson residuals of the
zone's share over all the months used (the history, the before window and the after window)
give a dispersion (never below 1, the Poisson variance) and a lag-1 autocorrelation
(corrected for its small-sample bias). A month's residual is Poisson noise, which does not
persist, plus extra variation (the part of the dispersion above 1: a prolific reporter, a
cleansing round), which may: the working correlation of two months ``k`` apart is
``share * phi**k``, with ``share`` the extra variation's part of the dispersion and
``phi`` (at most 0.95) what makes the lag-1 autocorrelation come out as measured. (Fitting a
plain AR(1) to the residuals instead dilutes a persistent extra variation with the Poisson
noise and underestimates how long it lasts.) The variance is the sandwich of that
correlation.

It is then checked against the same comparison at every earlier date the months allow
(placebo dates, which had no zone): the squared standardised placebo estimates are pooled
with the model's own variance estimate, each weighted by the information it carries. The
placebos can widen the interval, never narrow it: they test the model. The interval uses a
t distribution whose degrees of freedom (Satterthwaite) come from how much of the variance
had to be estimated: when the months look Poisson, the interval is the Poisson one; when
they vary more, few effective months estimated that variation and the interval widens.
``docs/evaluation.md`` has the reasoning and the simulation results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = [
    "Estimate",
    "Series",
    "adjust_p",
    "analyse",
    "detectable",
    "detectable_fall",
]

Z80 = 0.8416212335729143  # the normal quantile for 80% power
MAX_RHO = 0.95
#: Degrees of freedom of the model's own variance estimate: one per window-length block of
#: months used, less one.
BLOCK = 1.0
#: Weight of the placebo dates: 1.5 per window length of placebo dates (overlapping
#: placebos share months; 1.5 as for overlapping batch means).
PLACEBO_WEIGHT = 1.5


@dataclass(frozen=True)
class Series:
    """A zone's and its comparison's counts in consecutive bins (months) of its evaluation.

    Attributes
    ----------
    zone, comparison
        Reports per bin.
    position
        Each bin's start in months from the end of the before window (the before window's
        last bin is -1; the after window's first is the gap between the windows, 0 when the
        after window starts where the before window ends).
    after
        Bins of the after window.
    before
        Bins of the before window (the rest of the bins before it are the history).
    """

    zone: np.ndarray
    comparison: np.ndarray
    position: np.ndarray
    after: np.ndarray
    before: np.ndarray

    @property
    def pre(self) -> np.ndarray:
        """Bins before the date: the history and the before window."""
        return ~self.after


@dataclass(frozen=True)
class Estimate:
    """One contrast, with its interval.

    ``log_ratio`` is on the log scale; ``ratio``, ``low`` and ``high`` on the ratio scale.
    """

    log_ratio: float
    se: float
    df: float
    p_value: float

    @property
    def ratio(self) -> float:
        return math.exp(self.log_ratio)

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        crit = _t_quantile(0.5 + level / 2, self.df)
        return (
            math.exp(self.log_ratio - crit * self.se),
            math.exp(self.log_ratio + crit * self.se),
        )

    def one_sided_p(self) -> float:
        """The chance of an estimate at least this far from 1, in its own direction."""
        return float(_t_sf(abs(self.log_ratio) / self.se, self.df)) if self.se > 0 else 1.0


@dataclass(frozen=True)
class Analysis:
    """The main estimate, how its variance was found, and the checks."""

    effect: Estimate
    dispersion: float
    autocorrelation: float
    inflation: float
    placebo_dates: int
    pretrend: Estimate | None  # log ratio per year
    placebo: Estimate | None  # the latest placebo date
    rtm: Estimate | None  # the latest months before the date against the earlier ones
    rtm_baseline: Estimate | None = None  # the whole before window against the history
    after_months: int = 0  # the after window's months (the latest months ``rtm`` takes)
    before_months: int = 0  # the before window's months (``rtm_baseline``'s)

    def detectable_fall(self, level: float = 0.05) -> float:
        """The smallest fall found 4 times in 5 (80% power) by a two-sided test at
        ``level``: 5% for a zone tested alone, the adjusted level (5% over the number of
        tests, Holm's and Benjamini-Hochberg's threshold for one change among them) for a
        zone tested with others."""
        return detectable(self.effect.se, self.effect.df, level=level)


@dataclass(frozen=True)
class _Fit:
    beta: np.ndarray
    weight: np.ndarray  # n p (1 - p)
    residual: np.ndarray  # Pearson
    cov: np.ndarray  # the inverse information


def _t_quantile(q: float, df: float) -> float:
    return float(stats.norm.ppf(q) if not math.isfinite(df) else stats.t.ppf(q, df))


def _t_sf(x: float, df: float) -> float:
    return float(stats.norm.sf(x) if not math.isfinite(df) else stats.t.sf(x, df))


def _fit(zone: np.ndarray, total: np.ndarray, design: np.ndarray) -> _Fit | None:
    """Logistic regression of ``zone`` out of ``total`` by Newton's method; ``None`` when
    the data cannot identify it (a share of 0 or 1 in a group the design separates)."""
    used = total > 0
    if not used.any():
        return None
    beta = np.zeros(design.shape[1])
    share = (zone.sum() + 0.5) / (total.sum() + 1.0)
    beta[0] = math.log(share / (1 - share))
    for _ in range(100):
        p = 1 / (1 + np.exp(-(design @ beta)))
        weight = total * p * (1 - p)
        information = design.T @ (design * weight[:, None])
        try:
            step = np.linalg.solve(information, design.T @ (zone - total * p))
        except np.linalg.LinAlgError:
            return None
        beta = beta + step
        if not np.all(np.isfinite(beta)) or np.abs(beta).max() > 30:
            return None
        if np.abs(step).max() < 1e-10:
            break
    p = 1 / (1 + np.exp(-(design @ beta)))
    weight = total * p * (1 - p)
    information = design.T @ (design * weight[:, None])
    if np.linalg.cond(information) > 1e12:
        return None
    residual = np.zeros_like(weight)
    residual[weight > 0] = (zone - total * p)[weight > 0] / np.sqrt(weight[weight > 0])
    return _Fit(beta, weight, residual, np.linalg.inv(information))


@dataclass(frozen=True)
class _Noise:
    """How the months vary beyond Poisson, from the residuals of all the months used."""

    dispersion: float  # Pearson, never below 1
    share: float  # the part of a month's variance that may persist
    phi: float  # its lag-1 correlation
    months: int

    @property
    def autocorrelation(self) -> float:
        """The lag-1 autocorrelation of the months (share x phi)."""
        return self.share * self.phi

    def correlation(self, position: np.ndarray) -> np.ndarray:
        lag = np.abs(position[:, None] - position[None, :])
        corr = self.share * self.phi**lag
        np.fill_diagonal(corr, 1.0)
        return corr


def _noise(
    series: Series, bins: np.ndarray | None = None, regressor: np.ndarray | None = None
) -> _Noise:
    """The dispersion and persistence of the months, from each month's residual around
    ``share ~ zone + regressor`` (by default: every month, and the after window)."""
    bins = np.ones(len(series.zone), dtype=bool) if bins is None else bins
    regressor = series.after.astype(float) if regressor is None else regressor
    total = (series.zone + series.comparison)[bins]
    design = np.column_stack([np.ones(len(total)), regressor[bins]])
    fit = _fit(series.zone[bins], total, design)
    if fit is None:
        return _Noise(1.0, 0.0, 0.0, 0)
    used = fit.weight > 0
    months = int(used.sum())
    if months <= 2:
        return _Noise(1.0, 0.0, 0.0, months)
    r = fit.residual
    dispersion = max(1.0, float((r[used] ** 2).sum() / (months - 2)))
    adjacent = used[1:] & used[:-1] & (np.diff(series.position[bins]) == 1)
    # relative to the variance used (never below Poisson), so that months steadier than
    # Poisson do not make a correlation out of rounding
    squares = max(float((r[used] ** 2).sum()), months - 2.0)
    rho = float((r[1:] * r[:-1])[adjacent].sum() / squares)
    if rho > 1e-9:  # (not rounding error)
        rho += (1 + 3 * rho) / months  # the Marriott-Pope small-sample bias of the estimate
    rho = min(max(rho, 0.0), MAX_RHO)
    if rho == 0:
        return _Noise(dispersion, 0.0, 0.0, months)
    share = max(1 - 1 / dispersion, rho)
    return _Noise(dispersion, share, min(MAX_RHO, rho / share), months)


def _sandwich(fit: _Fit, design: np.ndarray, position: np.ndarray, noise: _Noise) -> np.ndarray:
    """The covariance of the estimates under the working correlation of the months (before
    multiplying by the dispersion)."""
    scaled = design * np.sqrt(fit.weight)[:, None]
    meat = scaled.T @ noise.correlation(position) @ scaled
    return fit.cov @ meat @ fit.cov


@dataclass(frozen=True)
class _Contrast:
    """A two-parameter fit on some bins: its estimate, and its variance before pooling."""

    log_ratio: float
    variance: float  # dispersion x sandwich
    poisson: float  # the Poisson (binomial) variance alone


def _contrast(
    series: Series, bins: np.ndarray, regressor: np.ndarray, noise: _Noise
) -> _Contrast | None:
    zone, total = series.zone[bins], (series.zone + series.comparison)[bins]
    design = np.column_stack([np.ones(int(bins.sum())), regressor[bins]])
    fit = _fit(zone, total, design)
    if fit is None:
        return None
    sandwich = _sandwich(fit, design, series.position[bins], noise)
    variance = noise.dispersion * float(sandwich[1, 1])
    return _Contrast(float(fit.beta[1]), variance, float(fit.cov[1, 1]))


def _placebos(
    series: Series, before: int, after: int, noise: _Noise
) -> list[tuple[int, _Contrast]]:
    """The same contrast at every earlier split of the months before the date that leaves
    ``before`` whole months before it and ``after`` after it: (split, contrast), the latest
    first."""
    pre = np.flatnonzero(series.pre)
    out = []
    for split in range(len(pre) - after, before - 1, -1):
        bins = np.zeros(len(series.zone), dtype=bool)
        bins[pre[split - before : split + after]] = True
        later = np.zeros(len(series.zone))
        later[pre[split : split + after]] = 1.0
        found = _contrast(series, bins, later, noise)
        if found is not None and found.variance > 0:
            out.append((split, found))
    return out


def analyse(series: Series) -> Analysis | None:
    """Estimate the ratio of ratios and run the checks; ``None`` when the counts cannot
    identify it."""
    months = int(series.before.sum())
    after = int(series.after.sum())
    window = series.before | series.after
    noise = _noise(series)
    main = _contrast(series, window, series.after.astype(float), noise)
    if main is None:
        return None
    placebos = _placebos(series, months, after, noise)
    model_df = max(1.0, noise.months / (BLOCK * after) - 1)
    count = len(placebos)
    placebo_df = max(1.0, PLACEBO_WEIGHT * count / after) if count else 0.0
    inflation = 1.0
    if count:
        mean_square = float(np.mean([c.log_ratio**2 / c.variance for _, c in placebos]))
        pooled = (model_df + placebo_df * mean_square) / (model_df + placebo_df)
        inflation = max(1.0, pooled)
    df_total = model_df + placebo_df

    def estimate(contrast: _Contrast) -> Estimate:
        return _estimate(contrast, df_total, inflation)

    pre = series.pre
    pretrend = None
    if int(pre.sum()) >= 6:
        # its own noise: a drift left in the residuals would look like persistent noise
        years = series.position / 12.0
        drift = _noise(series, pre, years)
        trend = _contrast(series, pre, years, drift)
        if trend is not None:
            pretrend = _estimate(trend, max(1.0, drift.months / after - 1))
    rtm = None
    if int(pre.sum()) - after >= min(6, after):
        # the last after-window's length of months before the date (the year a zone is
        # chosen after) against all the earlier months; not pooled with the placebos, the
        # latest of which is much the same contrast
        latest_months = np.zeros(len(series.zone))
        latest_months[np.flatnonzero(pre)[-after:]] = 1.0
        high = _contrast(series, pre, latest_months, noise)
        rtm = _estimate(high, model_df) if high is not None else None
    rtm_baseline = None
    if int((pre & ~series.before).sum()) >= min(6, after) and int(series.before.sum()) > after:
        # the whole before window (a zone may be chosen on it) against the history before it
        high = _contrast(series, pre, series.before.astype(float), noise)
        rtm_baseline = _estimate(high, model_df) if high is not None else None
    latest = placebos[0] if placebos and placebos[0][0] == int(pre.sum()) - after else None
    return Analysis(
        effect=estimate(main),
        dispersion=noise.dispersion,
        autocorrelation=noise.autocorrelation,
        inflation=inflation,
        placebo_dates=count,
        pretrend=pretrend,
        placebo=estimate(latest[1]) if latest else None,
        rtm=rtm,
        rtm_baseline=rtm_baseline,
        after_months=after,
        before_months=months,
    )


def _estimate(contrast: _Contrast, degrees: float, inflation: float = 1.0) -> Estimate:
    """The contrast with its variance (times ``inflation``) and Satterthwaite degrees of
    freedom: ``degrees`` for the part of the variance beyond Poisson, infinite for the
    Poisson part, which is known."""
    variance = max(contrast.variance * inflation, contrast.poisson)
    extra = variance - contrast.poisson
    df = degrees * (variance / extra) ** 2 if extra > 1e-12 * variance else math.inf
    se = math.sqrt(variance)
    p = 2 * _t_sf(abs(contrast.log_ratio) / se, df) if se > 0 else 1.0
    return Estimate(contrast.log_ratio, se, df, min(1.0, p))


def detectable(se: float, df: float = math.inf, *, level: float = 0.05) -> float:
    """The smallest fall found 4 times in 5 (80% power) by a two-sided test at ``level`` of
    a log ratio with standard error ``se`` and ``df`` degrees of freedom."""
    crit = _t_quantile(1 - level / 2, df)
    return 1 - math.exp(-(crit + Z80) * se)


def detectable_fall(
    zone: float, comparison: float, *, after: float = 1.0, level: float = 0.05
) -> float:
    """The smallest fall found 4 times in 5 (80% power, two-sided at ``level``) when the
    before window holds ``zone`` and ``comparison`` reports and the after window, ``after``
    times as long, holds them at the same rate, if counts were Poisson (so a floor: real
    counts vary more). NaN without reports."""
    if zone <= 0 or comparison <= 0 or not after > 0:
        return math.nan
    se = math.sqrt((1 + 1 / after) * (1 / zone + 1 / comparison))
    return detectable(se, level=level)


def adjust_p(p_values: np.ndarray, method: str) -> np.ndarray:
    """Holm's or Benjamini and Hochberg's adjustment of ``p_values`` (NaN stays NaN)."""
    out = np.full(len(p_values), np.nan)
    known = ~np.isnan(p_values)
    if method == "none" or not known.any():
        out[known] = p_values[known]
        return out
    from statsmodels.stats.multitest import multipletests

    out[known] = multipletests(p_values[known], method="holm" if method == "holm" else "fdr_bh")[1]
    return out
