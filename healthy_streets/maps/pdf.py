"""Meeting maps printed on A4 through headless Chromium: a page per zone, and an atlas.

An optional extra, for officers who hand out paper at a meeting: ``pip install
'healthy-streets[pdf]'`` brings Playwright (which drives the browser) and pypdf (which joins
the zones' pages into one atlas). The browser is the machine's own Chromium, never one
downloaded: :data:`healthy_streets.settings.chromium`, else the environment variable
``HEALTHY_STREETS_CHROMIUM``, else ``chromium``, ``chromium-browser`` or ``google-chrome`` on
the PATH.

Each map is opened from disk with every request but ``file:`` and ``data:`` refused (so no
tiles: the page draws the neighbourhood from the OpenStreetMap data, and a build never waits
on the network), laid out by its own print layout (the zone fitted to the map's box, the
legend beside it; see ``templates/healthy_streets.js``) and printed on one A4 landscape page.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from healthy_streets import settings
from healthy_streets._files import write_bytes_atomic
from healthy_streets.errors import PrintError

__all__ = ["CHROMIUM_ENV", "check_printing", "find_chromium", "maps_to_pdf"]

#: The environment variable naming the Chromium that prints maps.
CHROMIUM_ENV = "HEALTHY_STREETS_CHROMIUM"
_ON_PATH = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_EXTRA = "pip install 'healthy-streets[pdf]'"


def find_chromium(path: str | None = None) -> str:
    """The Chromium to print with: ``path``, else :data:`settings.chromium`, else
    ``$HEALTHY_STREETS_CHROMIUM``, else the first of ``chromium``, ``chromium-browser`` or
    ``google-chrome`` on the PATH.

    Raises
    ------
    PrintError
        When none is found, or the one named is not an executable file.
    """
    named = path or settings.chromium or os.environ.get(CHROMIUM_ENV)
    if named:
        found = shutil.which(named)
        if found is None:
            raise PrintError(
                f"Printing maps to PDF needs Chromium, and {named!r} is not an executable "
                f"file; install Chromium (apt-get install chromium) or set {CHROMIUM_ENV} to "
                "its path."
            )
        return found
    for name in _ON_PATH:
        found = shutil.which(name)
        if found:
            return found
    raise PrintError(
        "Printing maps to PDF needs Chromium, and none is installed here (looked for "
        f"{', '.join(_ON_PATH)}); install it (apt-get install chromium) or set {CHROMIUM_ENV} "
        "to its path."
    )


def check_printing(*, chromium: str | None = None) -> str:
    """Check, before any work, that maps can be printed: the ``pdf`` extra is installed and
    a Chromium is found. Returns the Chromium's path.

    Raises
    ------
    PrintError
        Naming what is missing and how to install it.
    """
    for module, package in (("playwright.sync_api", "Playwright"), ("pypdf", "pypdf")):
        try:
            __import__(module)
        except ImportError:
            raise PrintError(
                f"Printing maps to PDF needs {package}, which is not installed: {_EXTRA}."
            ) from None
    return find_chromium(chromium)


def maps_to_pdf(
    maps: Sequence[str | Path],
    *,
    atlas: str | Path | None = None,
    chromium: str | None = None,
    timeout_s: float = 120.0,
) -> list[Path]:
    """Print each meeting map on one A4 landscape page, as a PDF beside it.

    Parameters
    ----------
    maps
        Meeting maps' HTML files (from :func:`healthy_streets.maps.meeting.save_map`).
        ``zone.html`` is printed to ``zone.pdf`` in the same folder, replacing it.
    atlas
        Also write every page, in the order of ``maps``, into this one PDF.
    chromium
        The browser, instead of the one :func:`find_chromium` finds.
    timeout_s
        Seconds a map may take to open before the printing gives up.

    Returns
    -------
    list of Path
        The PDFs written, one per map (the atlas last, when asked for).

    Raises
    ------
    PrintError
        When the extra or Chromium is missing, or a map cannot be opened or printed on one
        page.

    Examples
    --------
    Printing drives Chromium through Playwright, so this example is not run:

    >>> maps_to_pdf(["out/maps/kestrel-park.html"], atlas="out/atlas.pdf")  # doctest: +SKIP
    """
    executable = check_printing(chromium=chromium)
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    pages: list[Path] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            try:
                for source in maps:
                    html = Path(source)
                    pages.append(_print_one(browser, html, timeout_s=timeout_s))
            finally:
                browser.close()
    except PlaywrightError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PrintError(
            f"Chromium ({executable}) could not print the maps: {first}. Check that it starts "
            f"(run it with --version), or set {CHROMIUM_ENV} to another."
        ) from None
    if atlas is not None:
        pages.append(_join(pages, Path(atlas)))
    return pages


def _print_one(browser: Any, html: Path, *, timeout_s: float) -> Path:
    """Print one map to ``<name>.pdf`` beside it."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.route("**/*", _offline)
        page.goto(html.resolve().as_uri(), timeout=timeout_s * 1000)
        wait_ms = timeout_s * 1000
        page.wait_for_selector("body[data-map-ready='1']", state="attached", timeout=wait_ms)
        page.evaluate("HS.preparePrint()")
        data = page.pdf(
            format="A4", landscape=True, prefer_css_page_size=True, print_background=True
        )
    finally:
        page.close()
    count = _page_count(data)
    if count != 1:
        raise PrintError(
            f"{html} printed on {count} pages, not one; the map's print layout did not fit "
            "A4. Please report this with the map."
        )
    return write_bytes_atomic(html.with_suffix(".pdf"), data)


def _offline(route: Any) -> None:
    if route.request.url.startswith(("file:", "data:")):
        route.continue_()
    else:
        route.abort()


def _page_count(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def _join(pages: Sequence[Path], atlas: Path) -> Path:
    """Every page, in order, in one PDF."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for path in pages:
        writer.append(str(path))
    buffer = io.BytesIO()
    writer.write(buffer)
    return write_bytes_atomic(atlas, buffer.getvalue())
