"""The documentation: generated pages up to date (`make docs`), and the site builds offline."""

from __future__ import annotations

import ast
import importlib.util
import inspect
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

import healthy_streets
from healthy_streets._docs import pages
from healthy_streets.errors import ConfigError

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


# Every exported function and class documented to the standard of ``read_zones``: checked
# from the docstring itself with numpydoc's own parser, so that a parameter added to a
# public function without a word in its docstring fails here.


def exported_callables() -> list[str]:
    """The names in ``healthy_streets.__all__`` that are functions or classes."""
    names = []
    for name in healthy_streets.__all__:
        value = getattr(healthy_streets, name)
        if callable(value) and not isinstance(value, ModuleType):
            names.append(name)
    return names


def _names(entries) -> list[str]:
    """The names a numpydoc section lists (``a, b`` on one line is two names)."""
    return [n.strip().replace("\\", "") for e in entries for n in e.name.split(",") if n.strip()]


def _own_raises(function) -> set[str]:
    """The errors ``function``'s own body raises by name (``raise ConfigError(...)``), not
    those of the functions it calls or of functions defined inside it."""
    source = textwrap.dedent(inspect.getsource(function))
    tree = ast.parse(source).body[0]
    found: set[str] = set()
    todo = list(ast.iter_child_nodes(tree))
    while todo:
        node = todo.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        if isinstance(node, ast.Raise) and node.exc is not None:
            raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(raised, ast.Name) and raised.id[:1].isupper():
                found.add(raised.id)
            elif isinstance(raised, ast.Attribute):
                found.add(raised.attr)
        todo.extend(ast.iter_child_nodes(node))
    return found


def docstring_problems(obj) -> list[str]:
    """What ``obj``'s docstring lacks against the house standard, as phrases (none: fine).

    A function needs Parameters naming every parameter of its signature, in its order
    (``*args`` and ``**options`` with their stars; a catch-all named ``_`` or ``**_`` is
    not an option and is left out), and nothing else; Returns unless it returns None;
    Raises naming each error its own body raises; and Examples. A class needs each of its
    constructor's parameters under Parameters or Attributes, and Examples.
    """
    from numpydoc.docscrape import get_doc_object
    from numpydoc.validate import Validator

    doc = Validator(get_doc_object(obj))
    if not doc.raw_doc.strip():
        return ["no docstring"]
    problems = []
    signature = [p for p in doc.signature_parameters if not p.lstrip("*").startswith("_")]
    documented = _names(doc.doc["Parameters"]) + _names(doc.doc["Other Parameters"])
    if inspect.isclass(obj):
        documented += _names(doc.doc["Attributes"])
    missing = [p for p in signature if p not in documented]
    if missing:
        problems.append(f"parameters not documented: {missing}")
    unknown = [p for p in _names(doc.doc["Parameters"]) if p not in doc.signature_parameters]
    if unknown:
        problems.append(f"documented parameters not in the signature: {unknown}")
    if not inspect.isclass(obj):
        order = [p for p in documented if p in signature]
        if not missing and not unknown and order != signature:
            problems.append(f"parameters documented in another order than {signature}")
        returns = inspect.signature(obj).return_annotation
        if returns is inspect.Signature.empty:
            problems.append("no return annotation")
        elif returns not in (None, "None") and not doc.doc["Returns"]:
            problems.append("no Returns section")
        said = {w for e in doc.doc["Raises"] for w in re.findall(r"\w+", f"{e.name} {e.type}")}
        unsaid = sorted(_own_raises(obj) - said)
        if unsaid:
            problems.append(f"raises {unsaid} without saying so under Raises")
    if not doc.doc["Examples"]:
        problems.append("no Examples section")
    return problems


@pytest.fixture(scope="module")
def numpydoc_installed() -> None:
    if importlib.util.find_spec("numpydoc") is None:
        _unavailable("numpydoc is not installed (pip install -e '.[docs]')")


@pytest.mark.parametrize("name", exported_callables())
def test_every_exported_name_is_documented_like_read_zones(name, numpydoc_installed):
    problems = docstring_problems(getattr(healthy_streets, name))
    assert not problems, f"healthy_streets.{name}: {'; '.join(problems)}"


def _well_documented(path: str, *, crs: object = None, **options: object) -> int:
    """Count something.

    Parameters
    ----------
    path
        A file.
    crs
        Its CRS.
    **options
        Passed on.

    Returns
    -------
    int
        The count.

    Raises
    ------
    ConfigError
        Never, in truth.

    Examples
    --------
    >>> _well_documented("zones.geojson")
    1
    """
    if path == "":
        raise ConfigError("No path.")
    return 1


def _new_option(path: str, *, crs: object = None, layer: str | None = None) -> int:
    """Count something.

    Parameters
    ----------
    path
        A file.
    crs
        Its CRS.

    Returns
    -------
    int
        The count.
    """
    if path == "":
        raise ConfigError("No path.")
    return 1


def _renamed(path: str, *, layer_name: str | None = None) -> None:
    """Count nothing.

    Parameters
    ----------
    layer
        The layer.
    path
        A file.

    Examples
    --------
    >>> _renamed("zones.gpkg", layer_name="zones")
    """


def test_the_docstring_check_finds_what_is_missing(numpydoc_installed):
    assert docstring_problems(_well_documented) == []
    assert docstring_problems(_new_option) == [
        "parameters not documented: ['layer']",
        "raises ['ConfigError'] without saying so under Raises",
        "no Examples section",
    ]
    assert docstring_problems(_renamed) == [
        "parameters not documented: ['layer_name']",
        "documented parameters not in the signature: ['layer']",
    ]


def sections_shown(obj) -> list[tuple[str, ...]]:
    """The sections ``obj``'s entry in the API reference must show (any one of each tuple)."""
    if inspect.isclass(obj):
        return [("Parameters", "Attributes"), ("Examples",)]
    parameters = [p for p in inspect.signature(obj).parameters if not p.startswith("_")]
    returns = inspect.signature(obj).return_annotation not in (None, "None")
    wanted = [("Parameters",)] if parameters else []
    return [*wanted, *([("Returns",)] if returns else []), ("Examples",)]


@pytest.mark.docs
def test_every_exported_entry_shows_its_sections(site):
    pages = [page.read_text(encoding="utf-8") for page in (site / "api").glob("*.html")]
    for name in exported_callables():
        value = getattr(healthy_streets, name)
        anchor = f'id="{value.__module__}.{value.__qualname__}"'
        page = next(text for text in pages if anchor in text)
        start = page.index(anchor)
        end = page.find('<dl class="py', start)
        entry = page[start : end if end > 0 else None]
        for sections in sections_shown(value):
            shown = any(f">{section}<" in entry for section in sections)
            assert shown, f"{name}'s entry has no {' or '.join(sections)} section"
