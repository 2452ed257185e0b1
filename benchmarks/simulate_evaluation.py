"""Simulation: reports with known effects fed through ``before_after``, to check its verdicts.

Run with ``make bench`` (or ``python benchmarks/simulate_evaluation.py``). Each scenario
builds synthetic zones and reports (GeoDataFrames in the working CRS, as the importers hand
them over) whose monthly counts follow a known process, runs the public
:func:`healthy_streets.before_after` on them, and compares what it says with the truth:
how often it claims a change that is not there, how often its 95% interval holds the true
ratio, how often it finds a change that is there, which kind of verdict it gives. Two
reference models run on the same monthly counts: the simple 2x2 quasi-Poisson the toolkit
used before (``previous``), and a quasi-Poisson with month-of-year terms (``month FE``).

The noise is modelled on real reports (see docs/evaluation.md): a seasonal swing and
month-to-month variation shared by the whole area, and for each zone (and its comparison)
its own autocorrelated variation (AR(1) on the log rate) and zone-only shocks (a prolific
reporter's episode, a lasting shift). The results go to ``out/bench/evaluation.json`` and,
as a Markdown table, to standard output.

The default tests run a few scenarios of this file at a small number of replicates
(``tests/test_analysis_evaluation_simulation.py``).
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import sys
import time
import warnings
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from healthy_streets.analysis.evaluation import before_after
from healthy_streets.model.layers import REPORTS, ZONES, conform

CRS = "EPSG:27700"
START = pd.Timestamp("2018-01-01")
X0, Y0 = 350_000.0, 410_000.0
#: Metres between neighbouring zones' corners: no ring reaches another zone.
SPACING = 3_000.0
ZONE_SIZE = 400.0
#: Ring comparison reports lie this far outside their zone's edge (inside a 100-500 m ring).
RING_AT = 300.0
#: The pooled area outside all zones: its reports lie this far west and south of the first
#: zone's corner (about 7 km: beyond the band next to the zones, within the 10 km a build,
#: and before_after given reports directly, read the comparison from).
OUTSIDE_AT = 5_000.0
CATEGORY = "dog_fouling"
#: The seed of ``make bench`` (``--seed``): docs/evaluation.md's figures come from it.
SEED = 20261130


@dataclass(frozen=True)
class Scenario:
    """One simulated situation: how reports arrive, and what the truth is.

    Rates are reports a year before any effect; noise terms act on the log of the monthly
    rate. ``effect`` is the true ratio of ratios in treated zones.
    """

    name: str
    description: str
    zones: int = 1
    zone_per_year: float = 50.0
    sizes: tuple[float, float] | None = None
    comparison: str = "outside"
    comparison_per_year: float = 600.0
    comparison_zones: int = 3
    season: float = 0.4
    trend: float = 0.0
    common_sd: float = 0.12
    common_phi: float = 0.3
    noise_sd: float = 0.0
    noise_phi: float = 0.5
    episode_p: float = 0.0
    episode_rise: float = 0.6
    shift_p: float = 0.0
    shift: float = 0.3
    effect: float = 1.0
    treated: int | None = None
    pretrend: float = 0.0
    worst_of: int = 0
    worst_on: int = 0  # months before the date the worst is chosen on (0: window_months)
    history_months: int = 36
    window_months: int = 12
    adjust: str = "none"
    replicates: int = 500


HEADLINE_NOISE = {"noise_sd": 0.2, "noise_phi": 0.5, "episode_p": 0.5}

SCENARIOS: tuple[Scenario, ...] = (
    Scenario("null_poisson", "No effect; Poisson counts, shared season and variation"),
    Scenario(
        "null_autocorrelated",
        "No effect; each series has AR(1) noise on the log rate (sd 0.2, lag-1 0.5)",
        noise_sd=0.2,
    ),
    Scenario(
        "null_zone_shocks",
        "No effect; half the zones have a prolific reporter's episode (+60% for 3-12 months)",
        episode_p=0.5,
    ),
    Scenario(
        "null_autocorrelated_and_shocks",
        "No effect; AR(1) noise and zone-only episodes together (the headline null)",
        **HEADLINE_NOISE,
    ),
    Scenario(
        "null_autocorrelated_and_shocks_no_season",
        "As the headline null, with no seasonal swing and no shared variation",
        season=0.0,
        common_sd=0.0,
        **HEADLINE_NOISE,
    ),
    Scenario(
        "null_lasting_shift",
        "No effect; AR(1) noise, and a quarter of zones shift by 30% for good at a random month",
        noise_sd=0.2,
        shift_p=0.25,
    ),
    Scenario(
        "null_ring",
        "No effect, headline noise; the comparison is a ring (150 reports a year) around the zone",
        comparison="ring",
        comparison_per_year=150.0,
        **HEADLINE_NOISE,
    ),
    Scenario(
        "null_not_yet_treated",
        "No effect, headline noise; the comparison is 3 proposed zones of 50 reports a year",
        comparison="not_yet_treated",
        comparison_per_year=50.0,
        **HEADLINE_NOISE,
    ),
    Scenario(
        "power_seasonal_40",
        "A true 40% fall at 50 reports a year; Poisson counts, shared season and variation",
        effect=0.6,
    ),
    Scenario(
        "power_seasonal_40_no_common",
        "A true 40% fall at 50 reports a year; seasonality only, no shared variation",
        effect=0.6,
        common_sd=0.0,
    ),
    Scenario(
        "power_autocorrelated_40",
        "A true 40% fall at 50 reports a year, with the headline noise",
        effect=0.6,
        **HEADLINE_NOISE,
    ),
    Scenario(
        "rtm_worst_of_ten",
        "No effect; the zone with the most reports in the before window of ten is evaluated",
        zones=10,
        worst_of=10,
    ),
    Scenario(
        "rtm_worst_of_ten_on_baseline",
        "No effect; the zone with the most reports in the 24-month baseline of ten is evaluated",
        zones=10,
        worst_of=10,
        worst_on=24,
    ),
    Scenario(
        "pretrend_falling",
        "No effect; the zone's reports fall by 15% a year relative to the comparison throughout",
        pretrend=math.log(0.85),
    ),
    Scenario(
        "eight_zones_holm",
        "No effect in any of 8 zones evaluated together, Holm adjustment: any claim at all",
        zones=8,
        adjust="holm",
        **HEADLINE_NOISE,
    ),
    Scenario(
        "eight_zones_unadjusted",
        "As eight_zones_holm with no adjustment",
        zones=8,
        adjust="none",
        **HEADLINE_NOISE,
    ),
    Scenario(
        "kinds_busy_no_effect",
        "No effect; a busy zone (2,000 reports a year) against 20,000 outside",
        zone_per_year=2000.0,
        comparison_per_year=20000.0,
    ),
    Scenario(
        "kinds_quiet_zone",
        "No effect; a quiet zone (3 reports a year)",
        zone_per_year=3.0,
    ),
    Scenario(
        "kinds_large_fall",
        "A true 50% fall at 200 reports a year",
        zone_per_year=200.0,
        effect=0.5,
    ),
    Scenario(
        "county_300_zones",
        "300 zones (20-100 reports a year each) against the pooled outside area "
        "(25,000 a year), shared season and a 5% a year trend; 100 zones fall by 40%",
        zones=300,
        sizes=(20.0, 100.0),
        comparison_per_year=25_000.0,
        trend=math.log(1.05),
        effect=0.6,
        treated=100,
        adjust="bh",
        replicates=20,
    ),
)


def _ar1(rng: np.random.Generator, months: int, sd: float, phi: float) -> np.ndarray:
    if sd <= 0:
        return np.zeros(months)
    out = np.empty(months)
    out[0] = rng.normal(0.0, sd)
    innovation = sd * math.sqrt(1 - phi**2)
    for t in range(1, months):
        out[t] = phi * out[t - 1] + rng.normal(0.0, innovation)
    return out


def _shocks(rng: np.random.Generator, months: int, scenario: Scenario) -> np.ndarray:
    out = np.zeros(months)
    if rng.random() < scenario.episode_p:
        length = int(rng.integers(3, 13))
        start = int(rng.integers(-length + 1, months))
        out[max(start, 0) : min(start + length, months)] += math.log1p(scenario.episode_rise)
    if rng.random() < scenario.shift_p:
        out[int(rng.integers(0, months)) :] += float(rng.choice([-1.0, 1.0])) * scenario.shift
    return out


@dataclass
class World:
    """One replicate: the layers, and the counts and truth behind them."""

    zones: gpd.GeoDataFrame
    reports: gpd.GeoDataFrame
    zone_counts: np.ndarray  # zones x months
    comparison_counts: np.ndarray  # zones x months (the comparison each zone is judged by)
    truth: np.ndarray  # true ratio per zone
    months: int
    date_index: int


def make_world(scenario: Scenario, seed: int) -> World:
    """Draw one replicate of ``scenario``: zones, reports, and the counts behind them."""
    rng = np.random.default_rng(seed)
    window, history = scenario.window_months, scenario.history_months
    months = history + 2 * window
    date_index = history + window
    t = np.arange(months)
    calendar = (START.month - 1 + t) % 12
    shared = (
        scenario.season * np.cos(2 * np.pi * calendar / 12)
        + scenario.trend * t / 12
        + _ar1(rng, months, scenario.common_sd, scenario.common_phi)
    )
    after = (t >= date_index).astype(float)
    n = scenario.zones
    if scenario.sizes is not None:
        rates = rng.uniform(*scenario.sizes, size=n)
    else:
        rates = np.full(n, scenario.zone_per_year)
    treated = n if scenario.treated is None else scenario.treated
    truth = np.where(np.arange(n) < treated, scenario.effect, 1.0)
    zone_counts = np.empty((n, months), dtype=np.int64)
    for i in range(n):
        log_rate = (
            math.log(rates[i] / 12)
            + shared
            + _ar1(rng, months, scenario.noise_sd, scenario.noise_phi)
            + _shocks(rng, months, scenario)
            + scenario.pretrend * (t - date_index) / 12
            + math.log(truth[i]) * after
        )
        zone_counts[i] = rng.poisson(np.exp(log_rate))

    def comparison_series() -> np.ndarray:
        own = _ar1(rng, months, scenario.noise_sd, scenario.noise_phi)
        return rng.poisson(np.exp(math.log(scenario.comparison_per_year / 12) + shared + own))

    if scenario.comparison == "ring":
        comparison_counts = np.stack([comparison_series() for _ in range(n)])
        extra = 0
    elif scenario.comparison == "not_yet_treated":
        extra = scenario.comparison_zones
        pooled = np.stack([comparison_series() for _ in range(extra)])
        comparison_counts = np.tile(pooled.sum(axis=0), (n, 1))
    else:
        comparison_counts = np.tile(comparison_series(), (n, 1))
        extra = 0
    zones = _zones(n, extra, START + pd.DateOffset(months=date_index))
    reports = _reports(rng, scenario, zones, zone_counts, comparison_counts, months, extra)
    return World(zones, reports, zone_counts, comparison_counts, truth, months, date_index)


def _corner(i: int) -> tuple[float, float]:
    return X0 + (i % 20) * SPACING, Y0 + (i // 20) * SPACING


def _zones(n: int, extra: int, date: pd.Timestamp) -> gpd.GeoDataFrame:
    ids = [f"z{i:03d}" for i in range(n)] + [f"p{i:03d}" for i in range(extra)]
    boxes = [shapely.box(*_corner(i), *(c + ZONE_SIZE for c in _corner(i))) for i in range(n)]
    boxes += [
        shapely.box(*_corner(n + i), *(c + ZONE_SIZE for c in _corner(n + i))) for i in range(extra)
    ]
    frame = gpd.GeoDataFrame(
        {
            "zone_id": ids,
            "name": [f"Zone {i}" for i in ids],
            "status": ["implemented"] * n + ["proposed"] * extra,
            "implemented_on": [date] * n + [pd.NaT] * extra,
            "implemented_precision": ["day"] * n + ["unknown"] * extra,
        },
        geometry=boxes,
        crs=CRS,
    )
    return conform(frame, ZONES)


def _times(rng: np.random.Generator, counts: np.ndarray) -> np.ndarray:
    """A day within its month and a daytime hour (08:00 to 20:00) for each report (counts:
    one row of monthly counts), so that no report falls in a clock change."""
    month = np.repeat(np.arange(len(counts)), counts)
    starts = np.array(
        [START + pd.DateOffset(months=int(k)) for k in range(len(counts) + 1)],
        dtype="datetime64[D]",
    )
    days = (starts[month + 1] - starts[month]).astype("int64")
    day = starts[month] + np.floor(rng.random(len(month)) * days).astype("int64")
    seconds = (8 * 3600 + rng.random(len(month)) * 12 * 3600).astype("int64")
    return day.astype("datetime64[s]") + seconds.astype("m8[s]")


def _reports(
    rng: np.random.Generator,
    scenario: Scenario,
    zones: gpd.GeoDataFrame,
    zone_counts: np.ndarray,
    comparison_counts: np.ndarray,
    months: int,
    extra: int,
) -> gpd.GeoDataFrame:
    times, xs, ys, zone_ids = [], [], [], []
    n = len(zone_counts)

    def add(counts: np.ndarray, zone_id: str | None, x: np.ndarray, y: np.ndarray) -> None:
        times.append(_times(rng, counts))
        xs.append(x)
        ys.append(y)
        zone_ids.extend([zone_id] * int(counts.sum()))

    def inside(i: int, k: int) -> tuple[np.ndarray, np.ndarray]:
        x0, y0 = _corner(i)
        return x0 + rng.uniform(1, ZONE_SIZE - 1, k), y0 + rng.uniform(1, ZONE_SIZE - 1, k)

    for i in range(n):
        k = int(zone_counts[i].sum())
        add(zone_counts[i], f"z{i:03d}", *inside(i, k))
    if scenario.comparison == "ring":
        for i in range(n):
            k = int(comparison_counts[i].sum())
            x0, y0 = _corner(i)
            along = rng.uniform(0, ZONE_SIZE, k)
            side = rng.integers(0, 4, k)
            x = np.select(
                [side == 0, side == 1, side == 2], [x0 + along, x0 + along, x0 - RING_AT]
            ).astype(float)
            x = np.where(side == 3, x0 + ZONE_SIZE + RING_AT, x)
            y = np.select(
                [side == 0, side == 1, side == 2],
                [y0 - RING_AT, y0 + ZONE_SIZE + RING_AT, y0 + along],
                y0 + along,
            ).astype(float)
            add(comparison_counts[i], None, x, y)
    elif scenario.comparison == "not_yet_treated":
        per = [comparison_counts[0] // extra] * extra  # shares of the pooled series
        per[0] = comparison_counts[0] - sum(per[1:])
        for j in range(extra):
            k = int(per[j].sum())
            add(per[j], f"p{j:03d}", *inside(n + j, k))
    else:
        k = int(comparison_counts[0].sum())
        add(comparison_counts[0], None, np.full(k, X0 - OUTSIDE_AT), np.full(k, Y0 - OUTSIDE_AT))
    first_last = [START + pd.Timedelta(hours=9), START + pd.DateOffset(months=months, hours=-9)]
    when = np.concatenate([*times, np.array(first_last, dtype="datetime64[s]")])
    frame = gpd.GeoDataFrame(
        {
            "report_id": [f"r{i}" for i in range(len(when))],
            "category": [CATEGORY] * (len(when) - 2) + ["litter", "litter"],
            "status": "open",
            "reported_at": pd.DatetimeIndex(when).tz_localize("Europe/London"),
            "zone_id": [*zone_ids, None, None],
        },
        geometry=shapely.points(
            np.concatenate([*xs, [X0 - OUTSIDE_AT] * 2]),
            np.concatenate([*ys, [Y0 - OUTSIDE_AT] * 2]),
        ),
        crs=CRS,
    )
    return conform(frame, REPORTS)


def evaluate(world: World, scenario: Scenario, **overrides: Any) -> pd.DataFrame:
    """``before_after`` on the world, with the scenario's settings (those it accepts)."""
    settings: dict[str, Any] = {
        "window_months": scenario.window_months,
        "control": scenario.comparison,
        "history_months": scenario.history_months,
        "adjust": scenario.adjust,
        **overrides,
    }
    accepted = inspect.signature(before_after).parameters
    settings = {k: v for k, v in settings.items() if k in accepted}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = before_after(world.zones, world.reports, category=CATEGORY, **settings)
    return table[table.index.str.startswith("z")]


def claims(table: pd.DataFrame) -> pd.Series:
    """Which rows claim a change: the verdict kind (or, for the previous method, an
    interval that excludes no change)."""
    if "verdict_kind" in table:
        return table["verdict_kind"].isin(["fall", "rise"])
    return (table["ci_high"] < 1) | (table["ci_low"] > 1)


def reference_models(world: World, rows: np.ndarray) -> dict[str, np.ndarray]:
    """Quasi-Poisson models on the same monthly counts, (claims, covers) per zone in
    ``rows``: the previous 2x2 model and a month-of-year fixed-effects model on 12 months
    either side, and the month-of-year model on the default windows of ``before_after``
    (24 months before, 12 after)."""
    import statsmodels.api as sm

    w = world.date_index
    out: dict[str, list[tuple[bool, bool]]] = {"previous": [], "month FE": [], "month FE 24/12": []}
    for name, before in (("previous", 12), ("month FE", 12), ("month FE 24/12", 24)):
        window = slice(w - before, w + 12)
        t = np.arange(world.months)[window]
        n = len(t)
        after = (t >= w).astype(float)
        calendar = (START.month - 1 + t) % 12
        season = (calendar[:, None] == np.arange(1, 12)[None, :]).astype(float)
        zone = np.r_[np.ones(n), np.zeros(n)]
        later = np.r_[after, after]
        design = np.column_stack([np.ones(2 * n), zone, later, zone * later])
        if name != "previous":
            design = np.column_stack([design, np.vstack([season, season])])
        for i in rows:
            y = np.concatenate([world.zone_counts[i, window], world.comparison_counts[i, window]])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fit = sm.GLM(y, design, family=sm.families.Poisson()).fit()
            dispersion = max(1.0, fit.pearson_chi2 / fit.df_resid)
            se = float(fit.bse[3]) * math.sqrt(dispersion)
            low, high = fit.params[3] - 1.959964 * se, fit.params[3] + 1.959964 * se
            truth = math.log(world.truth[i])
            out[name].append((bool(high < 0 or low > 0), bool(low <= truth <= high)))
    return {k: np.array(v) for k, v in out.items()}


def worst(world: World, scenario: Scenario) -> int:
    """The zone with the most reports in the months it is chosen on (``worst_on``, else the
    after window's length) before the date."""
    w = world.date_index
    months = scenario.worst_on or scenario.window_months
    return int(np.argmax(world.zone_counts[:, w - months : w].sum(axis=1)))


def replicate(args: tuple[Scenario, int]) -> dict[str, Any]:
    """Run one replicate; return its per-zone outcomes."""
    scenario, seed = args
    world = make_world(scenario, seed)
    started = time.perf_counter()
    table = evaluate(world, scenario)
    seconds = time.perf_counter() - started
    index = np.array([int(z[1:]) for z in table.index])
    if scenario.worst_of:
        chosen = worst(world, scenario)
        keep = index == chosen
        table, index = table[keep], index[keep]
    truth = world.truth[index]
    has_interval = table["ci_low"].notna().to_numpy()
    covers = (table["ci_low"].to_numpy() <= truth) & (truth <= table["ci_high"].to_numpy())
    kinds = (
        table["verdict_kind"].tolist()
        if "verdict_kind" in table
        else np.where(claims(table), "claim", "other").tolist()
    )
    rtm = table["rtm_flag"].fillna(False).to_numpy(bool) if "rtm_flag" in table else None
    pretrend = (
        (table["pretrend_p"] < 0.05).fillna(False).to_numpy(bool) if "pretrend_p" in table else None
    )
    falls = (table["ci_high"] < 1).to_numpy() & claims(table).to_numpy()
    cautioned = table["verdict"].str.contains("regression to the mean", regex=False).to_numpy()
    result = {
        "cautioned": (cautioned & claims(table).to_numpy()).tolist(),
        "claims": claims(table).to_numpy(bool).tolist(),
        "falls": falls.tolist(),
        "treated": (truth != 1).tolist(),
        "covers": covers[has_interval].tolist(),
        "kinds": kinds,
        "rtm": None if rtm is None else rtm.tolist(),
        "pretrend": None if pretrend is None else pretrend.tolist(),
        "dispersion": table["dispersion"].dropna().tolist(),
        "seconds": seconds,
    }
    if scenario.zones <= 10:
        refs = reference_models(world, index)
        result["reference"] = {k: v.tolist() for k, v in refs.items()}
    return result


def summarise(scenario: Scenario, results: list[dict[str, Any]]) -> dict[str, Any]:
    """The scenario's figures over all replicates."""
    claim = np.concatenate([r["claims"] for r in results]).astype(bool)
    fall = np.concatenate([r["falls"] for r in results]).astype(bool)
    treated = np.concatenate([r["treated"] for r in results]).astype(bool)
    covers = np.concatenate([r["covers"] for r in results]).astype(bool)
    kinds = Counter(k for r in results for k in r["kinds"])
    total = sum(kinds.values())
    summary: dict[str, Any] = {
        "scenario": scenario.name,
        "description": scenario.description,
        "replicates": len(results),
        "zones_judged": len(claim),
        "false_claims": float(claim[~treated].mean()) if (~treated).any() else None,
        "found": float(fall[treated].mean()) if treated.any() else None,
        "coverage": float(covers.mean()) if len(covers) else None,
        "any_claim_per_run": float(np.mean([any(r["claims"]) for r in results])),
        "kinds": {k: round(v / total, 4) for k, v in sorted(kinds.items())},
        "median_dispersion": float(np.median(np.concatenate([r["dispersion"] for r in results])))
        if any(r["dispersion"] for r in results)
        else None,
        "seconds_per_call": float(np.median([r["seconds"] for r in results])),
    }
    if results[0]["rtm"] is not None:
        summary["rtm_flagged"] = float(np.mean(np.concatenate([r["rtm"] for r in results])))
        cautioned = np.concatenate([r["cautioned"] for r in results]).astype(bool)
        summary["claims_with_rtm_caution"] = float(cautioned.sum() / max(claim.sum(), 1))
    if results[0]["pretrend"] is not None:
        summary["pretrend_flagged"] = float(
            np.mean(np.concatenate([r["pretrend"] for r in results]))
        )
    if "reference" in results[0]:
        for name in results[0]["reference"]:
            rows = np.concatenate([np.array(r["reference"][name], dtype=bool) for r in results])
            key = "found" if treated.any() else "false_claims"
            summary[f"{name}: {key}"] = float(rows[:, 0].mean())
            summary[f"{name}: coverage"] = float(rows[:, 1].mean())
    return summary


def seeds(count: int, seed: int = SEED) -> list[int]:
    """The seeds of a scenario's first ``count`` replicates (the same for every scenario)."""
    return [seed * 100_003 + k for k in range(count)]


def run(
    scenarios: tuple[Scenario, ...], *, replicates: int | None, workers: int, seed: int
) -> list[dict[str, Any]]:
    """Run each scenario; ``replicates`` overrides each scenario's own number."""
    summaries = []
    for scenario in scenarios:
        count = scenario.replicates if replicates is None else min(replicates, scenario.replicates)
        jobs = [(scenario, k) for k in seeds(count, seed)]
        started = time.perf_counter()
        if workers > 1:
            import multiprocessing

            with multiprocessing.get_context("fork").Pool(workers) as pool:
                results = pool.map(replicate, jobs, chunksize=4)
        else:
            results = [replicate(job) for job in jobs]
        summary = summarise(scenario, results)
        summary["seconds"] = round(time.perf_counter() - started, 1)
        print(json.dumps(summary), file=sys.stderr, flush=True)
        summaries.append(summary)
    return summaries


def real_data(path: Path) -> dict[str, Any]:
    """Placebo evaluations on real reports: Bath and North East Somerset's environmental
    protection requests (2015-2019; see ../shared/data/SOURCES.md). Every 1 km square with
    at least 20 requests a year is made a zone, in turn, "in force" from dates when none
    was (1 Jan and 1 Jul of 2017 and 2018), against every request outside it (the method
    leaves out those in the 100 m next to the square, as by default, and reads those within
    10 km of it, as a build does; the reference models count every one). No effect is there
    to find: every claim is false, and the previous and month-of-year models run on the
    monthly counts of the square and all outside it."""
    import statsmodels.api as sm

    frame = pd.read_csv(path)
    when = pd.to_datetime(
        frame["ReceivedDate"], dayfirst=True, format="%d/%m/%Y %I:%M:%S %p", errors="coerce"
    )
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(frame["Longitude"], frame["Latitude"]), crs="EPSG:4326"
    ).to_crs(CRS)
    keep = when.notna().to_numpy() & ~points.geometry.is_empty.to_numpy()
    when, points = when[keep], points[keep].reset_index(drop=True)
    cell = (points.geometry.x // 1000).astype(int) * 1000 + (points.geometry.y // 1000).astype(int)
    years = (when.max() - when.min()).days / 365.25
    busy = [c for c, n in cell.value_counts().items() if n / years >= 20]
    local = pd.DatetimeIndex(when).tz_localize("Europe/London", nonexistent="shift_forward")
    month = pd.DatetimeIndex(when).to_period("M")
    outcomes: dict[str, list[bool]] = {"method": [], "previous": [], "month FE": []}
    for code in busy:
        x0, y0 = (code // 1000) * 1000.0, (code % 1000) * 1000.0
        zone = conform(
            gpd.GeoDataFrame(
                {
                    "zone_id": ["square"],
                    "name": ["Square"],
                    "status": ["implemented"],
                    "implemented_precision": ["day"],
                },
                geometry=[shapely.box(x0, y0, x0 + 1000, y0 + 1000)],
                crs=CRS,
            ),
            ZONES,
        )
        inside = (cell == code).to_numpy()
        reports = conform(
            gpd.GeoDataFrame(
                {
                    "report_id": [str(i) for i in range(len(points))],
                    "category": "other",
                    "status": "closed",
                    "reported_at": local,
                    "zone_id": np.where(inside, "square", None),
                },
                geometry=points.geometry.to_numpy(),
                crs=CRS,
            ),
            REPORTS,
        )
        for date in ("2017-01-01", "2017-07-01", "2018-01-01", "2018-07-01"):
            zone["implemented_on"] = pd.Timestamp(date)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                table = before_after(zone, reports, category="other")
            outcomes["method"].append(bool(claims(table).iloc[0]))
            start = pd.Period(date, freq="M")
            for name, before in (("previous", 12), ("month FE", 12)):
                span = pd.period_range(start - before, start + 11, freq="M")
                z = pd.Series(month[inside]).value_counts().reindex(span, fill_value=0)
                c = pd.Series(month[~inside]).value_counts().reindex(span, fill_value=0)
                n = len(span)
                later = (span >= start).astype(float)
                design = np.column_stack(
                    [np.ones(2 * n), np.r_[np.ones(n), np.zeros(n)], np.r_[later, later]]
                )
                design = np.column_stack([design, design[:, 1] * design[:, 2]])
                if name == "month FE":
                    moy = (np.array([p.month for p in span])[:, None] == np.arange(2, 13)).astype(
                        float
                    )
                    design = np.column_stack([design, np.vstack([moy, moy])])
                y = np.concatenate([z.to_numpy(), c.to_numpy()])
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    fit = sm.GLM(y, design, family=sm.families.Poisson()).fit()
                se = float(fit.bse[3]) * math.sqrt(max(1.0, fit.pearson_chi2 / fit.df_resid))
                outcomes[name].append(abs(float(fit.params[3])) > 1.959964 * se)
    return {
        "scenario": "real_bath_placebos",
        "description": "Real requests (Bath and North East Somerset, 2015-2019): each busy "
        "1 km square at four dates when no zone was in force",
        "squares": len(busy),
        "evaluations": len(outcomes["method"]),
        **{f"{k}: false_claims": float(np.mean(v)) for k, v in outcomes.items()},
    }


def markdown(summaries: list[dict[str, Any]]) -> str:
    """The results as a Markdown table."""

    def pct(value: object) -> str:
        return "" if value is None else f"{100 * float(value):.1f}%"  # type: ignore[arg-type]

    lines = [
        "| scenario | runs | false claims | found | coverage | month FE | previous | kinds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in summaries:
        if s["scenario"] == "real_bath_placebos":
            lines.append(
                f"| {s['scenario']} | {s['evaluations']} | {pct(s['method: false_claims'])} | "
                f"| | {pct(s['month FE: false_claims'])} | {pct(s['previous: false_claims'])} | "
                f"{s['squares']} squares x 4 dates |"
            )
            continue
        key = "found" if s["found"] is not None else "false_claims"
        kinds = ", ".join(f"{k} {pct(v)}" for k, v in s["kinds"].items())
        extra = []
        if "rtm_flagged" in s:
            extra.append(f"RTM flagged {pct(s['rtm_flagged'])}")
            if s["claims_with_rtm_caution"]:
                extra.append(f"claims cautioned for RTM {pct(s['claims_with_rtm_caution'])}")
        if "pretrend_flagged" in s:
            extra.append(f"pre-trend flagged {pct(s['pretrend_flagged'])}")
        if s["zones_judged"] > s["replicates"]:
            extra.append(f"any claim per run {pct(s['any_claim_per_run'])}")
        lines.append(
            f"| {s['scenario']} | {s['replicates']} | {pct(s['false_claims'])} | "
            f"{pct(s['found'])} | {pct(s['coverage'])} | {pct(s.get(f'month FE: {key}'))} | "
            f"{pct(s.get(f'previous: {key}'))} | {kinds}{'; ' if extra else ''}"
            f"{'; '.join(extra)} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=None, help="per scenario (default 500)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--only", nargs="*", default=None, help="scenario names")
    parser.add_argument("--out", type=Path, default=Path("out/bench"))
    parser.add_argument(
        "--real-data",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "shared/data/reports/bath_env_requests.csv",
        help="real requests for placebo evaluations (skipped when the file is absent)",
    )
    args = parser.parse_args()
    chosen = tuple(s for s in SCENARIOS if not args.only or s.name in args.only)
    if "history_months" not in inspect.signature(before_after).parameters:
        # the previous method had no not-yet-treated comparison
        chosen = tuple(s for s in chosen if s.comparison != "not_yet_treated")
    started = time.perf_counter()
    summaries = run(chosen, replicates=args.replicates, workers=args.workers, seed=args.seed)
    if args.real_data.is_file() and not args.only:
        summaries.append(real_data(args.real_data))
        print(json.dumps(summaries[-1]), file=sys.stderr, flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    payload = {
        "command": " ".join(["python", *sys.argv]),
        "seconds": round(time.perf_counter() - started, 1),
        "scenarios": [asdict(s) for s in chosen],
        "results": summaries,
    }
    (args.out / "evaluation.json").write_text(json.dumps(payload, indent=2) + "\n")
    sys.stdout.write(markdown(summaries))


if __name__ == "__main__":
    main()
