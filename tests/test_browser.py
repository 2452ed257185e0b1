"""Meeting maps in real headless Chromium, with the network cut off: nothing but file: and
data: may load, so these tests show the maps work in a hall with no wifi."""

from __future__ import annotations

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

    def __init__(self, browser, viewport=(1280, 800)):
        self.page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
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
    const count = (l) => { if (l.getLayers) { l.getLayers().forEach(count); } else { n += 1; } };
    count(layer);
    out[key] = {features: n, onMap: HS.map().hasLayer(layer)};
  }
  return out;
}"""


def test_a_demo_map_draws_every_layer_offline(browser, demo_dir, tmp_path):
    view = OfflinePage(browser)
    page = view.open(demo_dir / "maps" / "cowslip.html")
    layers = page.evaluate(LAYER_COUNTS)
    assert layers["zone"] == {"features": 1, "onMap": True}
    assert layers["other_zones"]["features"] == 3
    assert layers["streets"]["features"] > 100
    assert layers["assets"]["features"] > 10
    assert layers["reports"]["features"] > 100
    assert all(layer["onMap"] for layer in layers.values())
    # Leaflet drew them: the canvas renderer holds the vector layers
    assert page.evaluate("document.querySelectorAll('.leaflet-overlay-pane canvas').length") >= 1
    assert page.locator(".hs-legend").is_visible()
    assert "Cowslip" in page.locator(".hs-title h1").inner_text()
    assert view.console_errors == []
    assert view.non_tile_failures() == []
    assert view.dialogs == []
    page.screenshot(path=str(tmp_path / "cowslip.png"))
    assert (tmp_path / "cowslip.png").stat().st_size > 10_000
    page.close()


def test_a_popup_shows_data_as_text(browser, demo_dir):
    view = OfflinePage(browser)
    page = view.open(demo_dir / "maps" / "cowslip.html")
    text = page.evaluate("""() => {
      const layer = HS.layers.assets.getLayers()[0];
      layer.openPopup();
      return document.querySelector('.leaflet-popup-content .hs-popup').innerText;
    }""")
    assert "Category" in text
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
