"""Simulation: streets with known report rates fed through ``hotspot_streets``.

Run with ``python benchmarks/simulate_hotspots.py`` (``make bench SIMULATE=yes`` runs it
with the evaluation's simulation). Each replicate draws one area of streets, 100 to 600 m
long, whose true rates of reports per 100 m per year are all the same except, in the power
scenarios, one street at three times the rate; reports fall at random along each street
and over three years, and some are repeated, as real reports are: the same problem
reported again within days or weeks, a few metres away. The public
:func:`healthy_streets.hotspot_streets` then says which streets stand out, and the run
counts how often any street stands out with no street truly different (the false-flag
rate), and how often the truly busier street does (the power). Results go to
``out/bench/hotspots.json`` and, as a Markdown table, to standard output.

The default tests run these scenarios at fewer replicates
(``tests/test_hotspots_simulation.py``); docs/evaluation.md has the full run's figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from healthy_streets.analysis.tables import hotspot_streets
from healthy_streets.model.layers import REPORTS, STREETS, conform

CRS = "EPSG:27700"
START = pd.Timestamp("2021-01-01", tz="Europe/London")
X0, Y0 = 350_000.0, 410_000.0
#: Metres between neighbouring streets: no report is near another street.
SPACING = 200.0
CATEGORY = "dog_fouling"
#: The seed of the full run: docs/evaluation.md's figures come from it.
SEED = 20261201


@dataclass(frozen=True)
class Scenario:
    """One simulated area: its streets' true rate, how reports repeat, the truth.

    ``repeat_share`` of first reports are repeated, each ``repeat_sizes`` times in all
    (the first included; a size drawn uniformly from the range, both ends included), each
    repeat ``repeat_days`` days after the first (uniform) and up to ``repeat_m`` metres
    along the street from it. ``hot_factor`` is the true rate of street 0 against the
    others' (1: every street the same, so any street standing out is a false flag).
    """

    name: str
    description: str
    streets: int = 60
    per_100m_per_year: float = 1.0
    years: float = 3.0
    repeat_share: float = 0.0
    repeat_sizes: tuple[int, int] = (2, 3)
    repeat_days: tuple[float, float] = (0.0, 30.0)
    repeat_m: float = 5.0
    hot_factor: float = 1.0


SCENARIOS = [
    Scenario("none", "no repeated reports"),
    Scenario(
        "some_repeats",
        "4% of problems reported 2-3 times within 30 days and 5 m (6% of reports repeats,"
        " as in the Bath requests)",
        repeat_share=0.04,
    ),
    Scenario(
        "prolific",
        "15% of problems reported 2-5 times over 4 months and up to 30 m along the street"
        " (a prolific reporter)",
        repeat_share=0.15,
        repeat_sizes=(2, 5),
        repeat_days=(0.0, 120.0),
        repeat_m=30.0,
    ),
    Scenario(
        "prolific_apart",
        "as prolific, every repeat 31 to 120 days later: none is one event with its first",
        repeat_share=0.15,
        repeat_sizes=(2, 5),
        repeat_days=(31.0, 120.0),
        repeat_m=30.0,
    ),
    Scenario(
        "hot_some_repeats",
        "one street of 60 at three times the rate, repeats as some_repeats",
        repeat_share=0.04,
        hot_factor=3.0,
    ),
    Scenario(
        "hot_prolific",
        "one street of 60 at three times the rate, repeats as prolific",
        repeat_share=0.15,
        repeat_sizes=(2, 5),
        repeat_days=(0.0, 120.0),
        repeat_m=30.0,
        hot_factor=3.0,
    ),
]


def seeds(count: int, *, seed: int = SEED) -> list[int]:
    """The seeds of ``count`` replicates."""
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(count)]


def make_world(scenario: Scenario, seed: int) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The streets and reports of one replicate (street 0 is the busier one, if any)."""
    rng = np.random.default_rng(seed)
    n = scenario.streets
    lengths = rng.uniform(100, 600, n)
    ys = Y0 + np.arange(n) * SPACING
    streets = conform(
        gpd.GeoDataFrame(
            {
                "segment_id": [f"s{i}" for i in range(n)],
                "osm_way_id": np.arange(n),
                "name": [f"Street {i}" for i in range(n)],
                "highway": "residential",
                "road_class": "local",
                "length_m": lengths,
                "zone_id": None,
            },
            geometry=shapely.linestrings(
                np.stack([np.c_[np.full(n, X0), ys], np.c_[X0 + lengths, ys]], axis=1)
            ),
            crs=CRS,
        ),
        STREETS,
    )
    rate = np.full(n, scenario.per_100m_per_year)
    rate[0] *= scenario.hot_factor
    days = scenario.years * 365
    problems = rng.poisson(rate * lengths / 100 * scenario.years)
    street = np.repeat(np.arange(n), problems)
    along = rng.uniform(0, lengths[street])
    day = rng.uniform(0, days, len(street))
    low, high = scenario.repeat_sizes
    size = np.where(
        rng.random(len(street)) < scenario.repeat_share, rng.integers(low, high + 1, len(street)), 1
    )
    first = np.repeat(np.arange(len(street)), size)
    again = np.r_[False, first[1:] == first[:-1]]
    street, along, day = street[first], along[first], day[first]
    day = day + again * rng.uniform(*scenario.repeat_days, len(first))
    along = along + again * rng.uniform(-scenario.repeat_m, scenario.repeat_m, len(first))
    along = np.clip(along, 0, lengths[street])
    kept = day < days
    street, along, day = street[kept], along[kept], day[kept]
    reports = conform(
        gpd.GeoDataFrame(
            {
                "report_id": [f"r{i}" for i in range(len(street))],
                "category": CATEGORY,
                "status": "open",
                "reported_at": START + pd.to_timedelta(day, unit="D"),
                "zone_id": None,
                "segment_id": [f"s{i}" for i in street],
            },
            geometry=shapely.points(X0 + along, ys[street]),
            crs=CRS,
        ),
        REPORTS,
    )
    return streets, reports


def flags(scenario: Scenario, seed: int) -> dict[str, float]:
    """What ``hotspot_streets`` says of one replicate: whether any street of the usual rate
    stands out, whether the busier street does, and the dispersion it estimated."""
    streets, reports = make_world(scenario, seed)
    end = (START + pd.Timedelta(days=scenario.years * 365)).date()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = hotspot_streets(
            streets, reports, category=CATEGORY, start=START.date(), end=end, min_reports=0
        )
    busy = table["street"] == "Street 0"
    usual = ~busy if scenario.hot_factor != 1 else np.ones(len(table), bool)
    return {
        "false_flag": bool(table.loc[usual, "stands_out"].any()),
        "found": bool(table.loc[busy, "stands_out"].any()),
        "dispersion": float(table["dispersion"].median()),
        "repeats": 1 - table["events"].sum() / max(1, table["reports"].sum()),
    }


def run(scenario: Scenario, replicates: list[int]) -> dict[str, object]:
    """The shares of replicates with a false flag and with the busier street found."""
    rows = pd.DataFrame([flags(scenario, seed) for seed in replicates])
    return {
        **asdict(scenario),
        "replicates": len(replicates),
        "any_false_flag": round(float(rows["false_flag"].mean()), 3),
        "busier_street_found": (
            round(float(rows["found"].mean()), 3) if scenario.hot_factor != 1 else None
        ),
        "median_dispersion": round(float(rows["dispersion"].median()), 2),
        "reports_folded_into_events": round(float(rows["repeats"].mean()), 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=500)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", default="out/bench")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results = []
    began = time.perf_counter()
    print("| scenario | replicates | any street falsely flagged | busier street flagged |")
    print("|---|---|---|---|")
    for scenario in SCENARIOS:
        result = run(scenario, seeds(args.replicates, seed=args.seed))
        results.append(result)
        found = result["busier_street_found"]
        print(
            f"| {scenario.name} | {result['replicates']} | {result['any_false_flag']:.1%} | "
            f"{'' if found is None else format(found, '.1%')} |",
            flush=True,
        )
    (out / "hotspots.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"{time.perf_counter() - began:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
