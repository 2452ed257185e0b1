"""Meeting maps in real headless Chromium, with the network cut off: nothing but file: and
data: may load, so these tests show the maps work in a hall with no wifi."""

from __future__ import annotations

import json

import pytest

from conftest import _unavailable

pytestmark = pytest.mark.browser

TILE_HOST = "tile.openstreetmap.org"


@pytest.fixture(scope="module")
def browser(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


class OfflinePage:
    """A page whose every request but file: and data: is aborted, watching for errors."""

    def __init__(self, owner, viewport=(1280, 800)):
        size = {"width": viewport[0], "height": viewport[1]}
        # a Browser makes a page in a fresh context; a BrowserContext makes one in itself
        self.page = (
            owner.new_page(viewport=size) if hasattr(owner, "contexts") else (owner.new_page())
        )
        self.page.set_viewport_size(size)
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.console_errors.append(f"pageerror: {exc}"))
        self.page.on("requestfailed", lambda req: self.failed.append(req.url))
        self.page.on(
            "dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss())
        )
        self.page.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _console(self, message):
        if message.type != "error":
            return
        source = (message.location or {}).get("url", "")
        if TILE_HOST in source or (
            message.text.startswith("Failed to load resource")
            and TILE_HOST in " ".join(self.failed)
        ):
            return  # a map tile that cannot load offline: expected
        self.console_errors.append(message.text)

    def open(self, path):
        self.page.goto(path.as_uri())
        self.page.wait_for_function("typeof HS !== 'undefined' && HS.map() !== null")
        self.page.wait_for_timeout(300)
        return self.page

    def non_tile_failures(self):
        return [u for u in self.failed + self.blocked if TILE_HOST not in u]


LAYER_COUNTS = """() => {
  const out = {};
  for (const [key, layer] of Object.entries(HS.layers)) {
    let n = 0;
    if (layer.shownCount) { n = layer.shownCount(); }
    else if (layer._latlngs) { n = layer._latlngs.length; }
    else if (layer.getLayers) {
      const count = (l) => { if (l.getLayers) { l.getLayers().forEach(count); } else { n += 1; } };
      count(layer);
    }
    out[key] = {features: n, onMap: HS.map().hasLayer(layer)};
  }
  return out;
}"""


def test_a_demo_map_draws_every_layer_offline(browser, demo_dir, tmp_path):
    view = OfflinePage(browser)
    page = view.open(demo_dir / "maps" / "yarrowside-north.html")
    layers = page.evaluate(LAYER_COUNTS)
    assert layers["zone"] == {"features": 1, "onMap": True}
    assert layers["other_zones"]["features"] == 3
    assert layers["basemap"]["features"] >= 2  # a park and the railway, drawn from OSM
    assert layers["streets"]["features"] > 100
    assert layers["gaps"]["features"] >= 2  # Siskin Street and Heapey Gardens
    assert layers["assets"]["features"] > 20
    assert layers["reports_heat"]["features"] > 500
    assert layers["reports"]["features"] == layers["reports_heat"]["features"]
    for key in ("zone", "other_zones", "basemap", "streets", "gaps", "assets", "reports_heat"):
        assert layers[key]["onMap"], key
    # many reports: the points start hidden behind the heat map, one click away
    assert layers["reports"]["onMap"] is False
    # Leaflet drew them: canvases hold the vector layers and the heat map
    assert page.evaluate("document.querySelectorAll('.leaflet-overlay-pane canvas').length") >= 2
    assert page.locator(".hs-legend").is_visible()
    assert "Yarrowside North" in page.locator(".hs-title h1").inner_text()
    assert view.console_errors == []
    assert view.non_tile_failures() == []
    assert view.dialogs == []
    page.screenshot(path=str(tmp_path / "yarrowside-north.png"))
    assert (tmp_path / "yarrowside-north.png").stat().st_size > 10_000
    page.close()


def test_the_legend_lists_exactly_what_is_drawn(browser, demo_dir):
    view = OfflinePage(browser)
    page = view.open(demo_dir / "maps" / "yarrowside-north.html")
    legend = page.locator(".hs-legend").inner_text()
    for drawn in (
        "This zone (in force)",
        "20 mph or less",
        "30 mph",
        "20mph gap",
        "Benches and places to rest",
        "Dog fouling",
        "Parks and green spaces",
        "Railway",
    ):
        assert drawn in legend, drawn
    assert "40 mph and over" not in legend  # no such street near this zone
    page.close()


def test_toggles_and_filters_change_what_is_drawn(browser, demo_dir):
    view = OfflinePage(browser)
    page = view.open(demo_dir / "maps" / "yarrowside-north.html")
    total = page.evaluate(LAYER_COUNTS)["reports_heat"]["features"]
    page.locator(".hs-filter summary").click()
    dog = page.locator(".hs-filter input[name=category][value=dog_fouling]")
    dog_count = int(dog.locator("xpath=..").locator(".hs-count").inner_text())
    dog.uncheck()
    after = page.evaluate(LAYER_COUNTS)
    assert after["reports_heat"]["features"] == total - dog_count
    assert after["reports"]["features"] == total - dog_count
    assert page.locator(".hs-filter-count").inner_text() == f"{total - dog_count} of {total}"
    dog.check()
    page.locator(".hs-filter input[name=status][value=open]").uncheck()
    no_open = page.evaluate(LAYER_COUNTS)["reports_heat"]["features"]
    assert 0 < no_open < total
    page.locator(".hs-filter input[name=status][value=open]").check()
    page.locator(".hs-filter input[name=from]").fill("2024-01-01")
    page.locator(".hs-filter input[name=from]").dispatch_event("change")
    recent = page.evaluate(LAYER_COUNTS)["reports_heat"]["features"]
    assert 0 < recent < total / 2
    # the layer control turns layers off and on
    page.locator(".hs-filter summary").click()  # fold the filter away again
    page.locator(".leaflet-control-layers").hover()
    overlays = page.locator(".leaflet-control-layers-overlays label")
    overlays.filter(has_text="Streets by speed limit").click()
    assert page.evaluate(LAYER_COUNTS)["streets"]["onMap"] is False
    overlays.filter(has_text="Reports: points").click()
    assert page.evaluate(LAYER_COUNTS)["reports"]["onMap"] is True
    assert view.console_errors == []
    page.close()


def test_the_map_prints_on_one_a4_page(browser, demo_dir, tmp_path):
    import re

    view = OfflinePage(browser)
    page = view.open(demo_dir / "maps" / "yarrowside-north.html")
    pdf = tmp_path / "map.pdf"
    page.pdf(
        path=str(pdf), format="A4", landscape=True, print_background=True, prefer_css_page_size=True
    )
    data = pdf.read_bytes()
    assert len(re.findall(rb"/Type\s*/Page(?![a-z])", data)) == 1
    page.emulate_media(media="print")
    assert page.locator(".hs-legend").is_visible()
    assert page.locator(".hs-title").is_visible()
    assert not page.locator(".leaflet-control-zoom").is_visible()
    assert not page.locator(".hs-filter").is_visible()
    assert not page.locator(".hs-add").is_visible()
    page.close()


def test_a_phone_sees_the_title_and_the_legend(browser, demo_dir, tmp_path):
    view = OfflinePage(browser, viewport=(390, 844))
    page = view.open(demo_dir / "maps" / "cowslip.html")
    assert page.locator(".hs-title h1").is_visible()
    assert page.locator(".hs-legend").is_visible()
    title = page.locator(".hs-title").bounding_box()
    assert title["x"] + title["width"] <= 390
    page.screenshot(path=str(tmp_path / "phone.png"))
    assert view.console_errors == []
    page.close()


def test_a_popup_shows_data_as_text(browser, demo_dir):
    view = OfflinePage(browser)
    page = view.open(demo_dir / "maps" / "kestrel-park.html")
    text = page.evaluate("""() => new Promise((done) => {
      const group = HS.layers.assets;
      const named = group.getLayers().find((m) => m.options.title === "Benches and places to rest");
      const open = () => {
        named.openPopup();
        done(document.querySelector('.leaflet-popup-content .hs-popup').innerText);
      };
      if (group.zoomToShowLayer) { group.zoomToShowLayer(named, open); } else { open(); }
    })""")
    assert text.startswith("Bench") or "Benches and places to rest" in text
    assert "Source" in text
    assert view.console_errors == []
    page.close()


def test_the_index_page_works_offline(browser, demo_dir):
    view = OfflinePage(browser)
    view.page.goto((demo_dir / "index.html").as_uri())
    links = view.page.locator("table a")
    assert links.count() == 4
    links.first.click()
    view.page.wait_for_function("typeof HS !== 'undefined' && HS.map() !== null")
    assert view.page.url.endswith(".html")
    assert view.console_errors == []
    assert view.non_tile_failures() == []
    view.page.close()


XSS = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"


@pytest.fixture(scope="module")
def hostile_map(tmp_path_factory):
    """A map built from data full of markup and script, as a careless export might hold."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    from healthy_streets.analysis.attach import attach_to_streets
    from healthy_streets.maps.meeting import meeting_map, save_map
    from healthy_streets.model.layers import REPORTS, conform

    import layers_for_tests as t

    x, y = t.X0, t.Y0
    zones = t.zones([("west", "implemented", "2022-01-10", (x, y, x + 300, y + 300))])
    zones.loc[0, "name"] = f"West {XSS}"
    streets = t.streets(
        [
            (
                "a",
                XSS,
                "residential",
                "local",
                20.0,
                "maxspeed",
                True,
                XSS,
                "west",
                [(x + 10, y + 150), (x + 290, y + 150)],
            ),
        ]
    )
    reports = conform(
        gpd.GeoDataFrame(
            {
                "report_id": ["1"],
                "category": ["dog_fouling"],
                "status": ["open"],
                "reported_at": pd.to_datetime(["2024-01-02 10:00"]).tz_localize("Europe/London"),
                "title": [XSS],
                "detail": [f"Details: {XSS}"],
                "zone_id": ["west"],
            },
            geometry=[shapely.Point(x + 150, y + 152)],
            crs="EPSG:27700",
        ),
        REPORTS,
    )
    reports = attach_to_streets(reports, streets)
    assets = t.assets([(XSS, "bench", "west", shapely.Point(x + 100, y + 100))])
    path = tmp_path_factory.mktemp("hostile") / "west.html"
    save_map(
        meeting_map("west", zones=zones, streets=streets, assets=assets, reports=reports), path
    )
    return path


def test_text_from_data_files_never_runs(browser, hostile_map):
    view = OfflinePage(browser)
    page = view.open(hostile_map)
    assert "West <img src=x onerror=alert(1)>" in page.locator(".hs-title h1").inner_text()
    # open the report's popup by clicking it on the map
    point = page.evaluate("""() => {
      const data = HS.layers.reports._data;
      const p = HS.map().latLngToContainerPoint([data.lat[0], data.lon[0]]);
      const box = HS.map().getContainer().getBoundingClientRect();
      return [box.left + p.x, box.top + p.y];
    }""")
    page.mouse.click(point[0], point[1])
    popup = page.locator(".leaflet-popup-content .hs-popup")
    popup.wait_for()
    assert XSS[:40] in popup.inner_text()
    # the street's popup and the asset's too
    page.evaluate("HS.layers.streets.getLayers()[0].openPopup()")
    assert "onerror=alert(1)" in page.locator(".leaflet-popup-content").last.inner_text()
    page.evaluate("HS.layers.assets.getLayers()[0].openPopup()")
    assert "onerror=alert(1)" in page.locator(".leaflet-popup-content").last.inner_text()
    page.wait_for_timeout(300)
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert view.dialogs == []
    assert view.console_errors == []
    page.close()


@pytest.fixture(scope="module")
def hostile_build_dir(tmp_path_factory):
    """A whole project built from files whose every text field is hostile."""
    from click.testing import CliRunner

    from healthy_streets.cli import main

    from hostile import hostile_project

    project = hostile_project(tmp_path_factory.mktemp("hostile-project"))
    result = CliRunner().invoke(main, ["-q", "build", str(project["config"])])
    assert result.exit_code == 0, result.output
    return project


def test_a_hostile_projects_pages_show_every_text_and_run_none(browser, hostile_build_dir):
    import pandas as pd

    texts = set(hostile_build_dir["texts"])
    hostile_build_dir = hostile_build_dir["config"].parent / "out"
    summary = pd.read_csv(hostile_build_dir / "tables" / "summary.csv", encoding="utf-8-sig")
    names = dict(zip(summary["zone_id"], summary["name"], strict=True))
    for path in [hostile_build_dir / "index.html", *sorted(hostile_build_dir.glob("maps/*"))]:
        view = OfflinePage(browser)
        view.page.goto(path.as_uri())
        page = view.page
        if path.parent.name == "maps":
            page.wait_for_function("typeof HS !== 'undefined' && HS.map() !== null")
            assert page.locator(".hs-title h1").inner_text() == names[path.stem]
            # open every street's, asset's and addition's popup: each shows its text as text
            shown = page.evaluate("""() => {
              const out = [];
              for (const key of ["streets", "assets", "gaps"]) {
                const layer = HS.layers[key];
                if (!layer) { continue; }
                const each = (l) => { if (l.getLayers) { l.getLayers().forEach(each); }
                  else if (l.getPopup && l.getPopup()) { l.openPopup();
                    const box = document.querySelector(".leaflet-popup-content");
                    if (box) { out.push(box.innerText); } l.closePopup(); } };
                each(layer);
              }
              return out;
            }""")
            titles = {text.split("\n")[0] for text in shown}
            assert titles & texts  # street and asset names, exactly as typed
            assert not {"Bins 49 overflowing", "looplooploop by the shops"} & titles
        page.wait_for_timeout(200)
        assert page.evaluate("window.__hsPwned === undefined"), path.name
        assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
        assert view.dialogs == [], path.name
        assert view.console_errors == [], path.name
        page.close()


def test_malformed_additions_in_the_browser_never_stop_the_map(browser, demo_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    view = OfflinePage(context)
    page = view.open(demo_dir / "maps" / "kestrel-park.html")
    page.evaluate("""() => {
      const good = {lat: 53.6500, lon: -2.6200, category: "bench", name: "Kept bench"};
      const stored = [good, null, 5, "text", {lat: "north", lon: 2}, {lat: 91, lon: 0},
                      {lat: 53.65, lon: -2.62, category: "no-such", name: {nested: 1}},
                      {lat: 53.65}];
      for (const key of Object.keys(localStorage)) { localStorage.removeItem(key); }
      // the key the page uses: ask the map's own tool
      HS.layers.additions; // registered
      const project = document.documentElement.innerHTML.match(/"project":("[^"]*")/)[1];
      localStorage.setItem("hs-additions:" + JSON.parse(project) + ":kestrel-park",
                           JSON.stringify(stored));
    }""")
    page.reload()
    page.wait_for_function("typeof HS !== 'undefined' && HS.map() !== null")
    assert page.evaluate("document.body.getAttribute('data-map-ready')") == "1"
    assert page.evaluate("HS.layers.additions.getLayers().length") == 2
    assert view.console_errors == []
    context.close()


def test_residents_add_a_place_and_it_comes_back(browser, demo_dir, tmp_path):
    import geopandas as gpd
    import pandas as pd
    from click.testing import CliRunner

    from healthy_streets.cli import main

    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    view = OfflinePage(context)
    page = view.open(demo_dir / "maps" / "kestrel-park.html")
    page.get_by_role("button", name="Add a place").click()
    assert page.locator(".hs-hint").is_visible()
    page.mouse.click(520, 430)
    form = page.locator(".hs-add-form")
    form.locator("select[name=category]").select_option("bench")
    form.locator("input[name=name]").fill("Chatty bench <b>by the shop</b>")
    form.locator("textarea[name=notes]").fill("Good for a natter")
    form.get_by_role("button", name="Save this place").click()
    assert page.evaluate("HS.layers.additions.getLayers().length") == 1
    # kept in the browser: it survives a reload
    page.reload()
    page.wait_for_function("typeof HS !== 'undefined' && HS.map() !== null")
    assert page.evaluate("HS.layers.additions.getLayers().length") == 1
    # every map opened from disk shares one browser store: another project's map of a zone
    # with the same id must not show this project's additions
    keys = page.evaluate("Object.keys(window.localStorage)")
    assert (
        len(keys) == 1
        and keys[0].endswith(":kestrel-park")
        and keys[0] != ("hs-additions:kestrel-park")
    )
    html = (demo_dir / "maps" / "kestrel-park.html").read_text(encoding="utf-8")
    project = json.dumps(keys[0].split(":", 1)[1].rsplit(":", 1)[0])
    assert f'"project":{project}' in html
    other = tmp_path / "other-project-kestrel-park.html"
    other.write_text(html.replace(f'"project":{project}', '"project":"Another council"'))
    elsewhere = OfflinePage(context)
    assert elsewhere.open(other).evaluate("HS.layers.additions.getLayers().length") == 0
    assert elsewhere.console_errors == [] and elsewhere.non_tile_failures() == []
    elsewhere.page.close()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my additions (1)").click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.name.startswith("additions-kestrel-park-")
    assert view.console_errors == []
    context.close()

    # healthy-streets assets imports it back as community-captured assets...
    store = tmp_path / "p.gpkg"
    result = CliRunner().invoke(main, ["assets", str(saved), "--output", str(store)])
    assert result.exit_code == 0, result.output
    added = gpd.read_file(store, layer="assets").iloc[0]
    assert (added["name"], added["category"]) == ("Chatty bench <b>by the shop</b>", "bench")
    assert added["notes"] == "Good for a natter"
    assert added["source"].endswith("(community map)")

    # ...and the next map shows it
    import healthy_streets as hs
    from healthy_streets.io.assets import read_assets

    layers = hs.load_layers(hs.sample_inputs())
    extra = hs.assign_zones(read_assets(saved).layer, layers.zones)
    both = gpd.GeoDataFrame(pd.concat([layers.assets, extra]), crs=layers.assets.crs)
    next_map = tmp_path / "next.html"
    hs.save_map(
        hs.meeting_map(
            "kestrel-park",
            zones=layers.zones,
            streets=layers.streets,
            assets=both,
            reports=layers.reports,
        ),
        next_map,
    )
    view = OfflinePage(browser)
    page = view.open(next_map)
    names = page.evaluate("HS.layers.assets.hsColumns.name")
    assert "Chatty bench <b>by the shop</b>" in names
    assert (
        page.evaluate(LAYER_COUNTS)["assets"]["features"]
        == len(
            layers.assets[
                layers.assets.intersects(
                    layers.zones.set_index("zone_id").loc["kestrel-park"].geometry.buffer(250)
                )
            ]
        )
        + 1
    )
    assert view.console_errors == []
    page.close()


def test_the_benchmark_measures_both_maps_opening(tmp_path, chromium_path):
    # a small run of `make bench`: it must measure, not record a failure to open as "null"
    import subprocess
    import sys

    from conftest import ROOT

    out = tmp_path / "bench"
    script = ROOT / "benchmarks" / "bench_map.py"
    done = subprocess.run(  # --out relative, as `make bench` gives it
        [sys.executable, str(script), "--reports", "300", "--out", "bench"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((out / "results.json").read_text())
    assert results["reports"] == 300
    for side in ("ours", "baseline"):
        assert results[side]["open_s"] is not None, (side, done.stderr[-2000:])
        assert results[side]["open_s"] > 0 and results[side]["html_mb"] > 0
