"""Benchmark: a meeting map with 100,000 reports against folium's MarkerCluster baseline.

Run with ``make bench`` (or ``python benchmarks/bench_map.py``). Both maps are built in the
same run from the same reports around one zone of the sample, both with Leaflet inlined (so
both open offline), and opened in headless Chromium with every request other than
``file:`` and ``data:`` blocked. Before anything is timed, each page is checked to draw what
it claims: no page error, no request blocked, and every report in the page (ours: in the
reports layer's data, and its list of what is in view, for the keyboard, 20 reports and
places at most, 31 entries in all;
the baseline: a marker in the cluster, with its popup). A page that
fails the check stops the benchmark. Reported: HTML size, seconds to build the page in
Python, and seconds from navigation until the page's scripts have run (the load event; the
median of three loads after a warm-up), for ours and the baseline, and their ratios.
Timings on a shared machine are noisy: compare the ratios, which come from one run.
Results go to ``out/bench/results.json``.

The baseline needs two things folium takes from the internet or from the tiles: folium's
popups build their content with jQuery's ``$(html)[0]`` (offline, "$ is not defined" stops
the page at its first marker), and Leaflet.markercluster needs the map's ``maxZoom``, which
a tile layer would give ("Map has no maxZoom specified"). So the baseline page carries a
three-line stand-in for ``$(html)[0]`` and Leaflet's own default marker images as ``data:``
URIs, and its map sets ``max_zoom``.
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import sys
import time
from pathlib import Path

import folium
import numpy as np
import pandas as pd
import xstatic.pkg.leaflet as xs_leaflet
from branca.element import MacroElement
from folium.plugins import MarkerCluster
from jinja2 import Template

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
    """``n`` reports scattered over the zone and the 250 m around it, over seven years."""
    import geopandas as gpd
    import shapely

    rng = np.random.default_rng(seed)
    zone = layers.zones.set_index("zone_id").loc[ZONE].geometry.buffer(250)
    minx, miny, maxx, maxy = zone.bounds
    # within the 250 m the meeting map shows around its zone, so both pages hold all n
    xs, ys = rng.uniform(minx, maxx, 3 * n), rng.uniform(miny, maxy, 3 * n)
    inside = shapely.contains_xy(zone, xs, ys)
    xs, ys = xs[inside][:n], ys[inside][:n]
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


class OfflineMarkerSupport(MacroElement):
    """What folium's markers and popups take from elsewhere, inlined: a stand-in for
    jQuery's ``$(html)[0]`` (the only jQuery folium's popups use) and Leaflet's default
    marker images (Leaflet finds them by a path its stylesheet gives, which an inlined
    stylesheet cannot)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
    window.$ = window.$ || function (html) {
        const holder = document.createElement("template");
        holder.innerHTML = html.trim();
        return [holder.content.firstChild];
    };
    L.Icon.Default.imagePath = "";
    L.Icon.Default.mergeOptions({{ this.icons|tojson }});
{% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "OfflineMarkerSupport"
        images = Path(xs_leaflet.BASE_DIR) / "images"
        self.icons = {
            key: "data:image/png;base64,"
            + base64.b64encode((images / name).read_bytes()).decode("ascii")
            for key, name in (
                ("iconUrl", "marker-icon.png"),
                ("iconRetinaUrl", "marker-icon-2x.png"),
                ("shadowUrl", "marker-shadow.png"),
            )
        }


def baseline(layers: hs.pipeline.Layers, reports: pd.DataFrame, path: Path) -> tuple[float, str]:
    """folium's plain way: one Marker with an HTML popup per report, in a MarkerCluster.
    Returns the seconds taken and the cluster's name in the page's script."""
    started = time.perf_counter()
    points = reports.to_crs("EPSG:4326")
    centre = points.union_all().centroid
    figure = OfflineFigure(title="baseline")
    fmap = folium.Map(location=[centre.y, centre.x], zoom_start=16, tiles=None)
    fmap.options["max_zoom"] = 19  # folium gives max_zoom to a tile layer only
    figure.add_child(fmap)
    OfflineMarkerSupport().add_to(fmap)
    cluster = MarkerCluster().add_to(fmap)
    for row in points.itertuples():
        folium.Marker(
            [row.geometry.y, row.geometry.x],
            popup=folium.Popup(f"{row.title}<br>{row.category}<br>{row.reported_at:%d %b %Y}"),
        ).add_to(cluster)
    path.write_text(figure.render(), encoding="utf-8")
    return time.perf_counter() - started, cluster.get_name()


TILE = re.compile(r"^https://tile\.openstreetmap\.org/\d+/\d+/\d+\.png$")
#: What each page claims to draw, read in the page: the reports it holds, and a sample
#: popup's text for the baseline.
OURS_DRAWN = "() => HS.layers.reports._data.raw.lat.length"
#: Ours lists what is in view for the keyboard, however many reports it holds: 20 reports
#: and places at most, and 31 entries in all (with the nearest streets, 20mph gaps and
#: other zones): the entries its "List what is here" shows, opened.
OURS_LISTED = """() => {
    document.querySelector(".hs-here > button").click();
    return {points: document.querySelectorAll(
              ".hs-here-item[data-hs-report], .hs-here-item[data-hs-place]").length,
            all: document.querySelectorAll(".hs-here-item").length};
}"""
BASELINE_DRAWN = """(name) => {
    const cluster = window[name];
    const markers = cluster.getLayers();
    const popup = markers[0].getPopup();
    const content = popup.getContent();
    return {
        reports: markers.length,
        clusters_shown: document.querySelectorAll(".marker-cluster").length,
        popup_text: (content instanceof Node ? content.textContent : String(content)).trim(),
        max_zoom: cluster._map.getMaxZoom(),
    };
}"""


def check_draws(
    browser, path: Path, *, ready: str | None, expected: int, cluster: str | None, timeout_s: float
) -> dict:
    """Open ``path`` and check it draws what it claims: no page error, no request that
    leaves the machine, and ``expected`` reports in the page. Raises SystemExit if not."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    blocked: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith(("file:", "data:")):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    try:
        page.goto(path.resolve().as_uri(), wait_until="load", timeout=timeout_s * 1000)
        if ready:
            page.wait_for_selector(ready, state="attached", timeout=timeout_s * 1000)
            drawn = {"reports": page.evaluate(OURS_DRAWN), "listed": page.evaluate(OURS_LISTED)}
        else:
            drawn = page.evaluate(BASELINE_DRAWN, cluster)
    finally:
        page.close()
    # ours asks for map tiles (shown when online; the page draws its own background when
    # not): a blocked tile is expected, any other blocked request is a fault
    fetched = [u for u in blocked if not TILE.search(u)]
    problems = [f"page error: {e}" for e in errors] + [f"request blocked: {u}" for u in fetched]
    if drawn["reports"] != expected:
        problems.append(f"{drawn['reports']} reports drawn, not {expected}")
    if ready and not (1 <= drawn["listed"]["points"] <= 20 and drawn["listed"]["all"] <= 31):
        problems.append(
            f"{drawn['listed']['points']} reports and places in the list of what is in view, "
            f"not 1 to 20, or {drawn['listed']['all']} entries in all, over 31"
        )
    if not ready and not (drawn["popup_text"] and drawn["clusters_shown"]):
        problems.append(f"no cluster shown or an empty popup: {drawn}")
    if problems:
        raise SystemExit(f"{path} does not draw what it claims: " + "; ".join(problems))
    return drawn | {"page_errors": 0, "tiles_blocked": len(blocked)}


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
    build_base, cluster = baseline(layers, reports, base_path)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        checked = {
            "ours": check_draws(
                browser,
                ours_path,
                ready="body[data-map-ready='1']",
                expected=len(reports),
                cluster=None,
                timeout_s=args.timeout,
            ),
            "baseline": check_draws(
                browser,
                base_path,
                ready=None,
                expected=len(reports),
                cluster=cluster,
                timeout_s=args.timeout,
            ),
        }
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
    results["checked_in_browser"] = checked
    results["ratios_baseline_over_ours"] = {
        "html": round(mb(base_path) / mb(ours_path), 1),
        "build": round(build_base / build_ours, 1),
        "open": (round(open_base / open_ours, 1) if open_ours and open_base else None),
    }
    (args.out / "results.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
