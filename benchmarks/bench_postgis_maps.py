"""The map stage drawn from the layers in memory against each map's rows read back from
PostGIS (``docs/postgis.md``), on one county's layers.

Loads the layers once with the library, works out the 20mph gaps, then, each ``--runs``
times interleaved, draws every zone's map in the library's pool of processes:

- **in memory**: :func:`healthy_streets.maps.batch.save_maps` from the layers (each worker
  picks its zone's rows from the layers it was forked with, by their spatial indexes);
- **streamed**: the layers, the background and the gaps written into a working schema
  (:func:`healthy_streets.io.postgis_analysis.working_schema`, timed apart), then
  ``save_maps(..., rows=reader)``: each worker reads its zone's rows from the database.

While the maps are drawn, a thread samples every 50 ms the proportional set size (PSS:
each page shared between processes counted once, split between them) of this process and
its workers, and each worker's unique set size (USS: the memory only it holds). The
figures are the peaks: ``total_pss_mb`` (parent and workers together) and
``worker_uss_mb`` (the largest worker). Each path writes its maps to a folder of its own,
and ``maps_that_differ`` counts the zones whose two pages differ (folium's random element
names aside): 0 when the database gives every map the rows memory gives it.

    python benchmarks/bench_postgis_maps.py benchmarks/out/county/quarter \\
        --url postgresql://postgres:postgres@127.0.0.1:5432/healthy_streets_test
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import re
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil

import healthy_streets as hs
from healthy_streets.analysis.gaps import twenty_mph_gaps
from healthy_streets.in_database import map_rows
from healthy_streets.io.postgis_analysis import working_schema
from healthy_streets.io.store import PostGISStore
from healthy_streets.maps.batch import map_workers, save_maps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a county folder (healthy-streets.toml)")
    parser.add_argument("--url", required=True, help="a PostGIS database")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    project = hs.load_project(args.folder / "healthy-streets.toml")
    layers = hs.load_layers(project.inputs)
    gaps = twenty_mph_gaps(layers)
    store = PostGISStore(args.url, schema=f"bench_{uuid.uuid4().hex[:8]}")
    zone_ids = [str(z) for z in layers.zones["zone_id"]]
    results: dict[str, list[dict[str, float]]] = {"in_memory": [], "streamed": []}
    written_s = []
    with tempfile.TemporaryDirectory() as folder:
        targets = {
            path: {zid: Path(folder) / path / f"{zid}.html" for zid in zone_ids} for path in results
        }
        for _ in range(args.runs):
            in_memory = functools.partial(save_maps, layers, targets["in_memory"], gaps=gaps)
            results["in_memory"].append(_measured(in_memory))
            started = time.perf_counter()
            with working_schema(store, layers) as work:
                rows = map_rows(work, gaps=gaps, basemap=layers.basemap)
                written_s.append(time.perf_counter() - started)
                streamed = functools.partial(save_maps, layers, targets["streamed"], rows=rows)
                results["streamed"].append(_measured(streamed))
        differ = [
            zid
            for zid in zone_ids
            if _plain(targets["in_memory"][zid]) != _plain(targets["streamed"][zid])
        ]
    summary = {
        "folder": str(args.folder),
        "maps": len(zone_ids),
        "workers": map_workers(maps=len(zone_ids)),
        "rows": {
            name: len(getattr(layers, name)) for name in ("zones", "streets", "assets", "reports")
        }
        | {"basemap": len(layers.basemap) if layers.basemap is not None else 0, "gaps": len(gaps)},
        "maps_that_differ": len(differ),
        "maps_that_differ_first": differ[:5],
        "working_schema_written_s": _median(written_s),
        **{
            path: {key: _median([run[key] for run in runs]) for key in runs[0]}
            for path, runs in results.items()
        },
        "runs": results,
    }
    print(json.dumps(summary, indent=1))


def _plain(page: Path) -> str:
    """The page with folium's random element names numbered in order of appearance."""
    seen: dict[str, str] = {}
    text = page.read_text(encoding="utf-8")
    return re.sub(r"_[0-9a-f]{32}", lambda m: seen.setdefault(m[0], f"_{len(seen)}"), text)


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def _measured(draw: Callable[[], Any]) -> dict[str, float]:
    """Draw, and say how long it took and the peak memory of this process and its
    workers while it did."""
    with _sampled() as peaks:
        started = time.perf_counter()
        draw()
        seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), **peaks}


@contextlib.contextmanager
def _sampled(every_s: float = 0.05) -> Iterator[dict[str, float]]:
    me = psutil.Process()
    peaks = {"total_pss_mb": 0.0, "parent_pss_mb": 0.0, "worker_uss_mb": 0.0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            with contextlib.suppress(psutil.Error):
                parent = me.memory_full_info().pss
                workers = []
                for child in me.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        workers.append(child.memory_full_info())
                total = parent + sum(w.pss for w in workers)
                peaks["total_pss_mb"] = max(peaks["total_pss_mb"], total / 1e6)
                peaks["parent_pss_mb"] = max(peaks["parent_pss_mb"], parent / 1e6)
                largest = max((w.uss for w in workers), default=0)
                peaks["worker_uss_mb"] = max(peaks["worker_uss_mb"], largest / 1e6)
            done.wait(every_s)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peaks
    finally:
        done.set()
        thread.join()
        for key, value in peaks.items():
            peaks[key] = round(value, 1)


if __name__ == "__main__":
    main()
