"""Benchmark: a meeting map with 100,000 reports against folium's MarkerCluster baseline.

Run with ``make bench`` (or ``python benchmarks/bench_map.py``). Both maps are built in the
same run from the same reports around one zone of the sample, both with Leaflet inlined (so
both open offline), and opened in headless Chromium with the network cut off. Reported:
HTML size, seconds to build the page in Python, and seconds from navigation until the page's
scripts have run (the load event; the median of three loads after a warm-up), for ours and
the baseline, and their ratios. Timings on a shared machine are noisy: compare the ratios,
which come from one run. Results go to ``out/bench/results.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import folium
import numpy as np
import pandas as pd
from folium.plugins import MarkerCluster

import healthy_streets as hs
from healthy_streets.maps.elements import OfflineFigure
from healthy_streets.model.layers import REPORTS, conform
from healthy_streets.model.taxonomy import REPORT_CATEGORIES

ZONE = "yarrowside-north"
TITLES = [
    "Dog fouling",
    "Dog mess on the path",
    "Litter everywhere",
    "Fly-tipped sofa",
    "Pothole",
    "Street light out",
    "Cars speeding",
    "Graffiti on the wall",
    "Overgrown hedge",
    "Abandoned car",
]
WORDS = [
    "outside",
    "number",
    "near",
    "the",
    "corner",
    "by",
    "the",
    "school",
    "gates",
    "again",
    "this",
    "week",
    "on",
    "the",
    "path",
    "beside",
    "the",
    "bench",
    "left",
    "overnight",
    "bags",
    "bin",
    "full",
    "please",
    "clear",
]


def synthetic_reports(layers: hs.pipeline.Layers, n: int, seed: int = 7) -> pd.DataFrame:
    """``n`` reports scattered over the zone and 250 m around it, over seven years."""
    import geopandas as gpd

    rng = np.random.default_rng(seed)
    zone = layers.zones.set_index("zone_id").loc[ZONE].geometry.buffer(250)
    minx, miny, maxx, maxy = zone.bounds
    xs = rng.uniform(minx, maxx, n)
    ys = rng.uniform(miny, maxy, n)
    categories = rng.choice(list(REPORT_CATEGORIES), n)
    start = pd.Timestamp("2019-01-01", tz="Europe/London")
    when = start + pd.to_timedelta(rng.uniform(0, 7 * 365, n), unit="D")
    details = [" ".join(rng.choice(WORDS, 10)) for _ in range(n)]
    frame = gpd.GeoDataFrame(
        {
            "report_id": [f"b{i}" for i in range(n)],
            "category": categories,
            "status": rng.choice(["open", "fixed", "closed"], n, p=[0.2, 0.6, 0.2]),
            "reported_at": when,
            "title": rng.choice(TITLES, n),
            "detail": details,
            "source": "benchmark",
            "zone_id": ZONE,
        },
        geometry=gpd.points_from_xy(xs, ys),
        crs=layers.zones.crs,
    )
    return hs.attach_to_streets(conform(frame, REPORTS), layers.streets)


def ours(layers: hs.pipeline.Layers, reports: pd.DataFrame, path: Path) -> float:
    started = time.perf_counter()
    fmap = hs.meeting_map(
        ZONE,
        zones=layers.zones,
        streets=layers.streets,
        assets=layers.assets,
        reports=reports,
        basemap=layers.basemap,
    )
    hs.save_map(fmap, path, overwrite=True)
    return time.perf_counter() - started


def baseline(layers: hs.pipeline.Layers, reports: pd.DataFrame, path: Path) -> float:
    """folium's plain way: one Marker with an HTML popup per report, in a MarkerCluster."""
    started = time.perf_counter()
    points = reports.to_crs("EPSG:4326")
    centre = points.union_all().centroid
    figure = OfflineFigure(title="baseline")
    fmap = folium.Map(location=[centre.y, centre.x], zoom_start=16, tiles=None)
    figure.add_child(fmap)
    cluster = MarkerCluster().add_to(fmap)
    for row in points.itertuples():
        folium.Marker(
            [row.geometry.y, row.geometry.x],
            popup=folium.Popup(f"{row.title}<br>{row.category}<br>{row.reported_at:%d %b %Y}"),
        ).add_to(cluster)
    path.write_text(figure.render(), encoding="utf-8")
    return time.perf_counter() - started


def open_time(
    browser, path: Path, *, ready: str | None, timeout_s: float, runs: int = 3
) -> float | None:
    """Median seconds from navigation start until the page's scripts have run, over
    ``runs`` loads after one warm-up load (so the file is in the disk cache for both pages);
    None on a timeout."""
    times = []
    for run in range(runs + 1):
        seconds = _open_once(browser, path, ready=ready, timeout_s=timeout_s)
        if seconds is None:
            return None
        if run:
            times.append(seconds)
    return float(np.median(times))


def _open_once(browser, path: Path, *, ready: str | None, timeout_s: float) -> float | None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort()
        ),
    )
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.goto(path.resolve().as_uri(), wait_until="load", timeout=timeout_s * 1000)
        if ready:
            page.wait_for_selector(ready, timeout=timeout_s * 1000)
        return page.evaluate(
            "() => (performance.getEntriesByType('navigation')[0].loadEventEnd) / 1000"
        )
    except PlaywrightTimeout:
        print(f"{path}: not open within {timeout_s:g} s", file=sys.stderr)
        return None  # too slow to open is a result (recorded as null), not a crash
    finally:
        page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("out/bench"))
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    layers = hs.load_layers(hs.sample_inputs())
    reports = synthetic_reports(layers, args.reports)
    ours_path, base_path = args.out / "ours.html", args.out / "baseline.html"
    build_ours = ours(layers, reports, ours_path)
    build_base = baseline(layers, reports, base_path)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        open_ours = open_time(
            browser, ours_path, ready="body[data-map-ready='1']", timeout_s=args.timeout
        )
        open_base = open_time(browser, base_path, ready=None, timeout_s=args.timeout)
        browser.close()

    def mb(path: Path) -> float:
        return path.stat().st_size / 1e6

    results = {
        "reports": args.reports,
        "ours": {
            "html_mb": round(mb(ours_path), 2),
            "build_s": round(build_ours, 2),
            "open_s": None if open_ours is None else round(open_ours, 2),
        },
        "baseline": {
            "html_mb": round(mb(base_path), 2),
            "build_s": round(build_base, 2),
            "open_s": None if open_base is None else round(open_base, 2),
        },
    }
    results["ratios_baseline_over_ours"] = {
        "html": round(mb(base_path) / mb(ours_path), 1),
        "build": round(build_base / build_ours, 1),
        "open": (round(open_base / open_ours, 1) if open_ours and open_base else None),
    }
    (args.out / "results.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
