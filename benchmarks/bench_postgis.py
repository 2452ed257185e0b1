"""In-memory against in-database attaching, on one county's layers (``docs/postgis.md``).

Loads the layers once with the library (streets cut at the zones), then times, each
``--runs`` times interleaved: placing assets and reports in zones and attaching them to the
nearest street in memory (:mod:`healthy_streets.analysis.attach`), and the same in the
PostGIS database (:func:`healthy_streets.io.postgis_analysis.layers_attached_in_database`:
writing the working tables, GiST indexes, the joins, the counts and reading back), and says
whether the two agree row for row.

    python benchmarks/bench_postgis.py out/bench/county/quarter \\
        --url postgresql://postgres:postgres@127.0.0.1:5432/healthy_streets_test
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

import healthy_streets as hs
from healthy_streets.analysis.attach import assign_zones, attach_to_streets
from healthy_streets.io.postgis_analysis import layers_attached_in_database
from healthy_streets.io.store import PostGISStore
from healthy_streets.model.build import Layers

LINKS = ["zone_id", "segment_id", "street_name", "street_distance_m"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a county folder (healthy-streets.toml)")
    parser.add_argument("--url", required=True, help="a PostGIS database")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    project = hs.load_project(args.folder / "healthy-streets.toml")
    layers = hs.load_layers(project.inputs)
    loaded = time.perf_counter() - started
    bare = Layers(
        zones=layers.zones,
        streets=layers.streets,
        assets=_unattached(layers.assets),
        reports=_unattached(layers.reports),
    )
    store = PostGISStore(args.url, schema=f"bench_{uuid.uuid4().hex[:8]}")
    memory_s, database_s = [], []
    steps = _Steps()
    logging.getLogger("healthy_streets.io.postgis_analysis").addHandler(steps)
    logging.getLogger("healthy_streets.io.postgis_analysis").setLevel(logging.INFO)
    for _ in range(args.runs):
        t = time.perf_counter()
        memory = {
            name: attach_to_streets(assign_zones(getattr(bare, name), bare.zones), bare.streets)
            for name in ("assets", "reports")
        }
        memory_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        database, _ = layers_attached_in_database(store, bare)
        database_s.append(time.perf_counter() - t)
    differ = {
        name: int(_differ(memory[name], getattr(database, name))) for name in ("assets", "reports")
    }
    result = {
        "folder": str(args.folder),
        "zones": len(layers.zones),
        "streets": len(layers.streets),
        "assets": len(layers.assets),
        "reports": len(layers.reports),
        "load_s": round(loaded, 1),
        "in_memory_s": [round(x, 2) for x in memory_s],
        "in_database_s": [round(x, 2) for x in database_s],
        "in_memory_median_s": round(statistics.median(memory_s), 2),
        "in_database_median_s": round(statistics.median(database_s), 2),
        "in_database_steps_median_s": {
            step: round(statistics.median(times), 2) for step, times in steps.times.items()
        },
        "rows_that_differ": differ,
    }
    print(json.dumps(result, indent=2))


class _Steps(logging.Handler):
    """Collects the in-database path's step times from its log."""

    def __init__(self) -> None:
        super().__init__()
        self.times: dict[str, list[float]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        step = getattr(record, "step", None)
        if step is not None:
            self.times.setdefault(step, []).append(float(record.args[-1]))  # type: ignore[index]


def _unattached(layer: pd.DataFrame) -> pd.DataFrame:
    return layer.assign(zone_id=None, segment_id=None, street_name=None, street_distance_m=np.nan)


def _differ(left: pd.DataFrame, right: pd.DataFrame) -> int:
    a, b = left[LINKS].reset_index(drop=True), right[LINKS].reset_index(drop=True)
    same = (a == b) | (a.isna() & b.isna())
    return int((~same.all(axis=1)).sum())


if __name__ == "__main__":
    main()
