"""Shared fixtures: small layers built in code, the sample, the real-data folder, Chromium."""

from __future__ import annotations

import copy
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from click.testing import Result

from healthy_streets.model.layers import ZONES, conform

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
SHARED_DATA = Path(os.environ.get("HEALTHY_STREETS_SHARED_DATA", ROOT.parent / "shared" / "data"))
IN_CI = bool(os.environ.get("CI"))


def sample_project(
    name: str,
    *,
    reports: str = "reports_open311.json",
    report_format: str = "open311",
    project: str = "",
    end: str = "",
    osm_file: str = "yarrowside.osm",
    osm_assets: bool = False,
) -> str:
    """A project file over the sample's files (streets without OSM's assets, the walkabout,
    one report file): ``project`` adds lines to ``[project]``, ``end`` tables at the end;
    ``osm_file`` and ``osm_assets`` are ``[streets]``'s."""
    return (
        f'[project]\nname = "{name}"\noutput = "out"\n{project}\n'
        '[zones]\nfile = "zones.geojson"\n\n'
        f'[streets]\nosm_file = "{osm_file}"\nosm_assets = {str(osm_assets).lower()}\n\n'
        '[[assets]]\nfile = "assets_walkabout.csv"\n\n'
        f'[[reports]]\nfile = "{reports}"\nformat = "{report_format}"\n{end}'
    )


def _unavailable(reason: str) -> None:
    """Skip outside CI; fail in CI, where every tier must run."""
    if IN_CI:
        pytest.fail(f"{reason} (CI is set: this tier must run in CI)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public files in ../shared/data (the realdata tier)."""
    if not SHARED_DATA.is_dir():
        _unavailable(f"the real-data folder {SHARED_DATA} is not here")
    return SHARED_DATA


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium, for Playwright."""
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(candidate).exists():
            return candidate
    found = shutil.which("chromium")
    if not found:
        _unavailable("Chromium is not installed (apt-get install chromium)")
    return str(found)


def as_pbf(xml: Path) -> Path:
    """The OSM XML file ``xml`` written again as ``.osm.pbf`` beside it (by libosmium)."""
    import osmium

    pbf = xml.with_suffix(".osm.pbf")
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(xml)):
            writer.add(obj)
    return pbf


def osm_xml_of(ways, nodes, *, root: str = "", meta: str = "", way_times=None) -> str:
    """An OSM XML file of ``nodes`` (id -> (lat, lon)) and ``ways`` ((id, node ids, tags),
    the tags a mapping or (key, value) pairs), every text quoted as XML quotes it; ``root``
    more attributes of ``<osm>``, ``meta`` a ``<meta>`` element's attributes, ``way_times``
    each way's timestamp (``None``: none)."""
    from xml.sax.saxutils import quoteattr

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<osm version="0.6" generator="test"{root}>',
    ]
    if meta:
        lines.append(f"<meta {meta}/>")
    for nid, (lat, lon) in sorted(nodes.items()):
        lines.append(f'<node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    times = way_times if way_times is not None else [None] * len(ways)
    for (wid, refs, tags), when in zip(ways, times, strict=True):
        pairs = tags.items() if hasattr(tags, "items") else tags
        stamp = f' timestamp="{when}"' if when else ""
        lines.append(f'<way id="{wid}" version="1"{stamp}>')
        lines += [f'<nd ref="{r}"/>' for r in refs]
        lines += [f"<tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in pairs]
        lines.append("</way>")
    lines.append("</osm>")
    return "\n".join(lines)


def square(x: float, y: float, size: float) -> shapely.Polygon:
    """A square with its south-west corner at (x, y), in metres."""
    return shapely.box(x, y, x + size, y + size)


@pytest.fixture(autouse=True)
def toolkit_logging():
    """The toolkit's logger as each test found it: a command run in the test sets it up for
    the run (its own handler, no propagation), and the next test's ``caplog`` must still
    see the toolkit's records."""
    import logging

    logger = logging.getLogger("healthy_streets")
    kept = (logger.handlers[:], logger.level, logger.propagate)
    yield
    logger.handlers[:], logger.level, logger.propagate = kept


#: The day the tests judge the age of OpenStreetMap data on.
TESTS_TODAY = "2026-12-01"


@pytest.fixture(autouse=True)
def osm_data_age_judged_on_a_fixed_day(monkeypatch):
    """The sample's OpenStreetMap data is dated 1 October 2025: the tests judge its age as
    on :data:`TESTS_TODAY`, so that no test starts failing (a build's old-data warning)
    when the sample turns two years old. A test of the warning passes its own day."""
    import datetime as dt

    from healthy_streets.model.osm_date import OsmDate

    is_old = OsmDate.is_old
    fixed = dt.date.fromisoformat(TESTS_TODAY)
    monkeypatch.setattr(OsmDate, "is_old", lambda self, today=None: is_old(self, today or fixed))


@pytest.fixture
def two_zones() -> gpd.GeoDataFrame:
    """Two 100 m square zones side by side near Chorley, in EPSG:27700."""
    frame = gpd.GeoDataFrame(
        {
            "zone_id": ["west", "east"],
            "name": ["West", "East"],
            "status": ["implemented", "proposed"],
            "implemented_precision": ["day", "unknown"],
        },
        geometry=[square(358000, 417000, 100), square(358100, 417000, 100)],
        crs="EPSG:27700",
    )
    return conform(frame, ZONES)


@dataclass(frozen=True)
class DemoRun:
    """``healthy-streets demo`` run once: the folder it wrote and what the command said."""

    folder: Path
    result: Result


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> DemoRun:
    """The demo, built once per test session (per worker) through the command line, into
    a folder that did not exist."""
    from click.testing import CliRunner

    from healthy_streets.cli import main

    out = tmp_path_factory.mktemp("demo") / "demo"
    result = CliRunner().invoke(main, ["demo", "--output", str(out)])
    assert result.exit_code == 0, result.output
    return DemoRun(out, result)


@pytest.fixture(scope="session")
def demo_dir(demo_run) -> Path:
    """The demo's outputs (read them; never write into this folder)."""
    return demo_run.folder


@pytest.fixture(scope="session")
def shared_sample_layers():
    """``hs.load_layers(hs.sample_inputs())``, loaded once per session (per worker): never
    change it; module fixtures copy it, tests take ``sample_layers``."""
    import healthy_streets as hs

    return hs.load_layers(hs.sample_inputs())


@pytest.fixture
def sample_store(shared_sample_layers):
    """Writes the sample layers into a new GeoPackage store at the path given (its
    ``zones``, ``streets``, ``assets`` and ``reports`` layers, and the toolkit's tables),
    and gives the path."""
    import healthy_streets as hs
    from healthy_streets.io.store import open_store, store_update

    def write(path: Path) -> Path:
        open_store(path).update(store_update(shared_sample_layers, hs.sample_inputs()))
        return path

    return write


@pytest.fixture
def sample_layers(shared_sample_layers):
    """``hs.load_layers(hs.sample_inputs())``, loaded once per session; each test gets its
    own deep copy, free to change."""
    return copy.deepcopy(shared_sample_layers)


#: Where the PostGIS tests find a server (``.ci/run`` starts one and sets this).
POSTGIS_URL = os.environ.get(
    "HEALTHY_STREETS_POSTGIS_URL",
    "postgresql://postgres:postgres@127.0.0.1:5432/healthy_streets_test",
)


@pytest.fixture(scope="session")
def postgis_url() -> str:
    """A PostGIS database to write stores into (the PostGIS tier)."""
    try:
        import psycopg
    except ImportError:
        _unavailable("psycopg is not installed (pip install -e '.[test]')")
    try:
        with psycopg.connect(
            POSTGIS_URL.replace("postgresql+psycopg", "postgresql"), connect_timeout=3
        ) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except psycopg.Error as exc:
        _unavailable(
            f"no PostGIS server at {POSTGIS_URL.split('@')[-1]} "
            f"({str(exc).strip().splitlines()[0]}); .ci/run starts one"
        )
    return POSTGIS_URL


@pytest.fixture
def working_schemas_alone(tmp_path_factory):
    """For a test that builds in the database or counts its working schemas
    (``healthy_streets_work_*``, which every in-database build makes and drops): no other
    such test runs meanwhile, on any pytest-xdist worker, so that none counts another's."""
    import fcntl

    shared = tmp_path_factory.getbasetemp().parent  # the session's, above each worker's
    with (shared / "postgis-working-schemas.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture
def postgis_schema(postgis_url):
    """A schema of its own for one test in the PostGIS database, dropped after it."""
    name = f"hs_test_{uuid.uuid4().hex[:8]}"
    yield name
    from sqlalchemy import create_engine, text

    engine = create_engine(postgis_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    engine.dispose()


def pytest_collection_modifyitems(config, items):
    """Keep a module's tests that share a module-scoped fixture on one pytest-xdist worker.

    `make test` runs two workers with ``--dist loadgroup``: every other test goes to whichever
    worker is free, and a module fixture (a build, a browser, the docs site) is made once.
    """
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        definitions = info.name2fixturedefs.values() if info is not None else ()
        if any(d.scope in ("class", "module", "package") for defs in definitions for d in defs):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
