"""The documentation: generated pages up to date (`make docs`), and the site builds offline."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import healthy_streets
from healthy_streets._docs import pages

from conftest import ROOT, _unavailable

#: What an analyst looks up first: each must have its own entry in the API reference.
ENTRY_POINTS = [
    "read_zones",
    "street_network_from_osm_file",
    "read_assets",
    "read_reports",
    "load_layers",
    "summarise_zones",
    "hotspot_streets",
    "before_after",
    "scorecard",
    "meeting_map",
    "save_map",
    "write_outputs",
    "build",
    "load_project",
    "ImportResult",
    "HealthyStreetsError",
]

#: Packages whose modules are documented elsewhere: the command line by its --help, the
#: sample's generator by data/sample/README.md.
NOT_IN_THE_REFERENCE = ("healthy_streets.cli", "healthy_streets.sample")


@pytest.mark.parametrize("page", ["layers", "taxonomy", "scorecard"])
def test_generated_page_is_up_to_date(page):
    written = (ROOT / "docs" / f"{page}.md").read_text(encoding="utf-8")
    assert written == pages()[page](), f"docs/{page}.md is out of date: run `make docs`"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site, built as `make docs` builds it (warnings are errors), into a tmp folder."""
    if importlib.util.find_spec("sphinx") is None:
        _unavailable("Sphinx is not installed (pip install -e '.[docs]')")
    out = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-E", "-b", "html"]
    command += ["-d", str(out / "doctrees"), str(ROOT / "docs"), str(out / "html")]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", f"the docs build warned:\n{done.stderr}"
    return out / "html"


def anchors(site: Path) -> set[str]:
    """Every ``id`` on the API reference's pages."""
    found: set[str] = set()
    for page in (site / "api").glob("*.html"):
        found.update(re.findall(r'id="([^"]+)"', page.read_text(encoding="utf-8")))
    return found


def public_modules() -> list[str]:
    """Every module file of the package whose dotted path has no part starting with ``_``."""
    names = []
    for path in sorted((ROOT / "healthy_streets").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts)
        if not any(p.startswith("_") for p in parts) and not name.startswith(NOT_IN_THE_REFERENCE):
            names.append(name)
    return names


@pytest.mark.docs
def test_the_reference_documents_the_main_entry_points(site):
    ids = anchors(site)
    missing = [n for n in ENTRY_POINTS if not any(i.endswith(f".{n}") for i in ids)]
    assert not missing, f"not in the API reference: {missing}"
    io = (site / "api" / "io.html").read_text(encoding="utf-8")
    start = io.index('id="healthy_streets.io.zones.read_zones"')
    entry = io[start : io.index('<dl class="py', start)]
    for section in ("Parameters", "Returns", "Examples"):
        assert f">{section}<" in entry, f"read_zones's entry has no {section} section"


@pytest.mark.docs
def test_every_exported_name_links_to_its_entry(site):
    ids = anchors(site)
    top = (site / "api" / "healthy_streets.html").read_text(encoding="utf-8")
    for name in healthy_streets.__all__:
        value = getattr(healthy_streets, name)
        if isinstance(value, str):  # __version__
            continue
        if isinstance(value, ModuleType):
            anchor = f"module-{value.__name__}"
        else:
            anchor = f"{value.__module__}.{value.__qualname__}"
        assert anchor in ids, f"healthy_streets.{name} ({anchor}) has no entry"
        assert f'.html#{anchor}"' in top, f"the top-level page does not link to {anchor}"


@pytest.mark.docs
def test_every_public_module_is_on_a_reference_page(site):
    ids = anchors(site)
    missing = [name for name in public_modules() if f"module-{name}" not in ids]
    assert not missing, f"add these modules to a page in docs/api/: {missing}"


@pytest.mark.docs
def test_the_home_page_is_the_readme_with_its_links_working(site):
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "A toolkit for a county council" in home and "The sample neighbourhood" in home
    for page in ("layers", "taxonomy", "scorecard", "evaluation", "security", "benchmarks"):
        assert f'href="{page}.html' in home, f"the home page does not link to {page}.html"
        assert (site / f"{page}.html").is_file()


@pytest.mark.docs
def test_the_site_fetches_nothing_from_elsewhere(site):
    fetches = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=\"(?:https?:)?//")
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not fetches.search(text), f"{page.relative_to(site)} loads something from the web"
        assert "fonts.googleapis" not in text and "@import url(" not in text
    for style in site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", style.read_text(encoding="utf-8"))
