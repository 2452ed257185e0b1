"""The measured stages of the county benchmark, each run in a fresh process.

A stage loads what it needs (a pickle an earlier stage left, or the county's files)
before its clock starts and collects the garbage that loading left, then times its work
and reads the process's peak resident memory (``VmHWM``) when the work is done, before
anything is saved: so each stage's memory is its own, not the sum of the run.
``rss_start_mb`` is what the process held when the clock started (the interpreter, the
libraries and the stage's inputs).

Each stage's process imports only what its work needs, before the clock starts
(:data:`IMPORTS`): a baseline's process holds its own library and never the toolkit (the
worker refuses to report a baseline whose process imported ``healthy_streets``), so a
baseline is charged nothing of ours. Each result lists the packages its process held
(``packages``) and any first imported while the clock ran (``imported_during_work``).

Where a stage's maps are drawn by a pool of forked workers, ``peak_mb`` is the parent's
alone; ``child_peak_mb`` is the largest worker's peak and ``memory_bound_mb`` the parent's
peak plus every worker at that peak (``workers`` of them): an upper bound of what the stage
held at once, since a forked worker's resident pages include those it shares with its
parent and with the other workers.

Ours and the baselines do the same work on the same files:

- ``network_*``: the whole street network of the PBF (ours, pyrosm ``get_network("all")``),
  or of the XML (osmnx ``graph_from_xml``);
- ``reports_*`` / ``assets_*``: the FixMyStreet export and the walkabout sheet (ours with
  the project area and taxonomy as a build reads them; pandas ``read_csv``; pyogrio with the
  coordinates made into points);
- ``attach_*``: streets cut at zones, zones on assets and reports, each point to its nearest
  street within the attach distance (ours; geopandas ``overlay``, ``sjoin`` and
  ``sjoin_nearest``), from the inputs a build hands these steps (captured by ``load``);
- ``tables_ours``, ``maps_ours``: every table, every zone's map, from the attached layers;
- ``build``, ``build_zone``, ``rebuild``: :func:`healthy_streets.pipeline.build` as the
  command line runs it (fresh, one zone on the built county, again with nothing changed).
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import pickle
import re
import resource
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def _cpu_seconds() -> float:
    """User and system CPU seconds of this process (all its threads) so far, and of the
    processes it started that have ended (a build's map workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"/proc/self/status has no {field}.")


class Clock:
    """Times the work of a stage and reads its peak memory at the end."""

    def __init__(self, profile: Path | None = None) -> None:
        self.profile = profile
        self.seconds = 0.0
        self.cpu_s = 0.0
        self.load_avg: list[float] = []
        self.peak_mb = 0.0
        self.child_peak_mb = 0.0
        self.rss_start_mb = 0.0
        self.parts: dict[str, float] = {}
        self.imported: list[str] = []

    @contextlib.contextmanager
    def work(self) -> Iterator[Clock]:
        # The garbage the stage's setup left (imports, inputs) is collected before the
        # clock starts: a full collection in a process holding these libraries takes 0.1
        # to 0.2 s, which a stage would otherwise pay whenever the collector happened to
        # fall due. The collector runs as usual during the stage itself.
        gc.collect()
        profiler = None
        if self.profile is not None:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.005)
            profiler.start()
        self.rss_start_mb = _status_mb("VmRSS")
        self.load_avg = [os.getloadavg()[0]]
        before = set(sys.modules)
        cpu = _cpu_seconds()
        started = time.perf_counter()
        yield self
        self.seconds = time.perf_counter() - started
        self.cpu_s = _cpu_seconds() - cpu
        self.imported = packages(set(sys.modules) - before)
        self.peak_mb = _status_mb("VmHWM")
        # the largest of the processes it started (a build's map workers, which share
        # most of their memory with it)
        self.child_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        self.load_avg.append(os.getloadavg()[0])
        if profiler is not None and self.profile is not None:
            profiler.stop()
            self.profile.parent.mkdir(parents=True, exist_ok=True)
            self.profile.write_text(profiler.output_text(show_all=False), encoding="utf-8")
            flat = profiler.output_text(flat=True)
            self.profile.with_suffix(".flat.txt").write_text(flat, encoding="utf-8")

    @contextlib.contextmanager
    def part(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.parts[name] = self.parts.get(name, 0.0) + time.perf_counter() - started

    def result(self, **extra: Any) -> dict[str, Any]:
        out = {
            "seconds": round(self.seconds, 3),
            "cpu_s": round(self.cpu_s, 3),
            "load_avg": [round(v, 2) for v in self.load_avg],
            "peak_mb": round(self.peak_mb, 1),
            "rss_start_mb": round(self.rss_start_mb, 1),
        }
        if self.child_peak_mb:
            out["child_peak_mb"] = round(self.child_peak_mb, 1)
        if self.imported:
            out["imported_during_work"] = self.imported
        if self.parts:
            out["parts"] = {k: round(v, 3) for k, v in self.parts.items()}
        return out | extra

    def with_workers(self, workers: int) -> dict[str, Any]:
        """What the stage's process and its ``workers`` map workers held at most together:
        the parent's peak plus each worker at the largest worker's peak (an upper bound:
        see the module's notes). Without workers (the maps drawn in this process, or none
        drawn), the parent's peak."""
        if not self.child_peak_mb:
            return {"workers": workers, "memory_bound_mb": round(self.peak_mb, 1)}
        bound = self.peak_mb + workers * self.child_peak_mb
        return {"workers": workers, "memory_bound_mb": round(bound, 1)}


def packages(modules: Iterable[str]) -> list[str]:
    """The top-level packages of ``modules`` that are not the standard library's."""
    tops = {m.split(".")[0] for m in modules}
    return sorted(t for t in tops if t not in sys.stdlib_module_names and not t.startswith("_"))


class TimedProgress:
    """A build's progress that notes when each step (and each zone map) starts."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.events: list[tuple[float, str]] = []

    def _note(self, text: str) -> None:
        self.events.append((time.perf_counter() - self.started, text))

    def step(self, text: str) -> None:
        self._note(text)

    def items(self, items: Sequence[T], text: str) -> Iterable[T]:
        for number, item in enumerate(items, start=1):
            self._note(f"{text} ({number} of {len(items)})")
            yield item
        self._note("Writing the index, tables, workbook and rejected rows")

    def steps(self, end: float) -> tuple[dict[str, float], list[float]]:
        """Seconds per step (zone maps summed) and each zone map's seconds."""
        totals: dict[str, float] = {}
        if self.events and self.events[0][0] > 0:
            totals["Before the first step (the store, the outputs)"] = self.events[0][0]
        maps: list[float] = []
        ends = [t for t, _ in self.events[1:]] + [end]
        for (start, text), finish in zip(self.events, ends, strict=True):
            name = re.sub(r" \(\d+ of \d+\)$", "", text)
            totals[name] = totals.get(name, 0.0) + finish - start
            if name != text and name.startswith("Drawing"):
                maps.append(round(finish - start, 3))
        return {k: round(v, 3) for k, v in totals.items()}, maps


def _progress_class() -> type:
    """:class:`TimedProgress` as a subclass of the pipeline's Progress (the build checks)."""
    from healthy_streets.pipeline import Progress

    return type("TimedBuildProgress", (TimedProgress, Progress), {})


#: The toolkit's modules, imported before any clock starts by the stages that run the
#: whole pipeline: a reader that imports osmnx on first use would otherwise count two
#: seconds of imports as its work (a build imports them once).
TOOLKIT_MODULES = (
    "healthy_streets.io.osm",
    "healthy_streets.io.osm_features",
    "healthy_streets.io.zones",
    "healthy_streets.io.assets",
    "healthy_streets.io.reports",
    "healthy_streets.io.write",
    "healthy_streets.analysis.attach",
    "healthy_streets.analysis.tables",
    "healthy_streets.analysis.gaps",
    "healthy_streets.analysis.evaluation",
    "healthy_streets.analysis.scorecard",
    "healthy_streets.maps.meeting",
    "healthy_streets.maps.index",
    "healthy_streets.pipeline",
    "healthy_streets.project",
    "healthy_streets.store",
)
#: What the readers import, with what they load on first use.
_READER = ("healthy_streets.io.zones", "healthy_streets.model.taxonomy")
#: The modules each stage's process imports before its clock starts: what the stage's work
#: needs and what that loads on first use (so that no import is timed as work), nothing
#: else. A stage not named here runs the pipeline and imports :data:`TOOLKIT_MODULES`.
IMPORTS: dict[str, tuple[str, ...]] = {
    "network_ours": ("healthy_streets.io.osm", "osmium"),
    "reports_ours": (*_READER, "healthy_streets.io.reports"),
    "assets_ours": (*_READER, "healthy_streets.io.assets"),
    # the baselines: their own library only (pyrosm loads nearly all of itself, geopandas
    # and pandas on first use)
    "network_pyrosm": (
        "pyrosm",
        "pyrosm.pyrosm",
        "pyrosm.networks",
        "pyrosm.data_manager",
        "pyrosm.frames",
        "pyrosm.engine.readers",
        "pyrosm.graphs",
        "pyrosm.delta_compression",
        "pyrosm.pbf_export",
        "pyrosm.proto.osmformat_pb2",
        "multiprocessing.synchronize",
        "tqdm",
        "geopandas",
    ),
    "network_osmnx": ("osmnx", "xml.etree.ElementTree"),
    "reports_pandas": ("pandas",),
    "assets_pandas": ("pandas",),
    "reports_pyogrio": ("pyogrio", "geopandas"),
    "assets_pyogrio": ("pyogrio", "geopandas"),
    "attach_geopandas": ("geopandas",),
}
#: The stages that time another library: their processes must not import the toolkit.
BASELINES = frozenset(
    {
        "network_pyrosm",
        "network_osmnx",
        "reports_pandas",
        "assets_pandas",
        "reports_pyogrio",
        "assets_pyogrio",
        "attach_geopandas",
    }
)
TOOLKIT = "healthy_streets"


def _import(modules: Iterable[str]) -> None:
    import importlib

    for name in modules:
        importlib.import_module(name)


def toolkit_imported() -> bool:
    """Whether this process has imported any of the toolkit."""
    return any(m == TOOLKIT or m.startswith(TOOLKIT + ".") for m in sys.modules)


class Stage:
    """What a stage worker is given."""

    def __init__(
        self,
        name: str,
        county: Path,
        work: Path,
        *,
        zone: str | None = None,
        profile: Path | None = None,
    ) -> None:
        self.name, self.county, self.work, self.zone = name, county, work, zone
        self.clock = Clock(profile)
        _import(IMPORTS.get(name, TOOLKIT_MODULES))

    def file(self, key: str) -> Path:
        from county import FILES

        return self.county / FILES[key]

    def project(self) -> Any:
        from healthy_streets.project import load_project

        return load_project(self.file("project"))

    def area(self) -> Any:
        from healthy_streets import settings
        from healthy_streets.io.zones import read_zones

        zones = read_zones(self.file("zones")).layer
        return zones.union_all().buffer(settings.street_buffer_m)

    def load(self, name: str) -> Any:
        with (self.work / name).open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 (the benchmark's own files)

    def save(self, name: str, value: Any) -> None:
        with (self.work / name).open("wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)


# ---------------------------------------------------------------- the import, captured


def load(stage: Stage) -> dict[str, Any]:
    """``load_layers`` as a build runs it, with the attaching steps' inputs kept for the
    attach stages and each step timed."""
    import healthy_streets.analysis.attach as attach
    import healthy_streets.io.osm_features as osm_features
    import healthy_streets.pipeline as pipeline
    from healthy_streets import settings
    from healthy_streets.pipeline import load_layers

    captured: dict[str, Any] = {}
    clock = stage.clock

    def timed(name: str, function: Callable[..., Any], keep: Callable[..., None]) -> Callable:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            keep(*args)
            with clock.part(name):
                return function(*args, **kwargs)

        return wrapper

    def keep_cut(streets: Any, zones: Any) -> None:
        captured.update(streets=streets, zones=zones)

    def keep_assign(layer: Any, zones: Any) -> None:
        captured["reports" if "assets" in captured else "assets"] = layer

    watched = [
        (attach, "cut_streets_at_zones", keep_cut),
        (attach, "assign_zones", keep_assign),
        (attach, "attach_to_streets", lambda *a: None),
        (osm_features, "basemap_from_osm_file", lambda *a: None),
    ]
    for module, name, keep in watched:
        wrapped = timed(name, getattr(module, name), keep)
        # where it is defined, and where the pipeline imported it by name
        for holder in (module, pipeline):
            if hasattr(holder, name):
                setattr(holder, name, wrapped)
    project = stage.project()
    progress = _progress_class()()
    with clock.work():
        layers = load_layers(project.inputs, progress=progress)
    missing = {"streets", "zones", "assets", "reports"} - set(captured)
    if missing:
        raise RuntimeError(
            f"load_layers no longer calls the attaching functions this benchmark watches "
            f"(nothing captured for {sorted(missing)}): update benchmarks/county/stages.py."
        )
    steps, _ = progress.steps(clock.seconds)
    # the baseline reads the distance from here: its process does not import the toolkit
    stage.save("attach_inputs.pkl", captured | {"attach_distance_m": settings.attach_distance_m})
    stage.save("layers.pkl", layers)
    counts = {k: len(getattr(layers, k)) for k in ("zones", "streets", "assets", "reports")}
    busiest = layers.reports["zone_id"].value_counts()
    names = layers.zones.set_index("zone_id")["name"]
    top = str(busiest.index[0]) if len(busiest) else str(layers.zones["zone_id"].iloc[0])
    return clock.result(
        steps=steps, counts=counts, busiest_zone=str(names[top]), busiest_reports=int(busiest.max())
    )


# ---------------------------------------------------------------- street networks


def network_ours(stage: Stage) -> dict[str, Any]:
    from healthy_streets.io.osm import street_network_from_osm_file

    with stage.clock.work():
        result = street_network_from_osm_file(stage.file("pbf"))
    return stage.clock.result(segments=len(result.layer), ways=result.rows_kept)


def network_pyrosm(stage: Stage) -> dict[str, Any]:
    import pyrosm

    with stage.clock.work():
        ways = pyrosm.OSM(str(stage.file("pbf"))).get_network(network_type="all")
    return stage.clock.result(ways=len(ways))


def network_osmnx(stage: Stage) -> dict[str, Any]:
    import osmnx as ox

    with stage.clock.work():
        graph = ox.graph_from_xml(stage.file("xml"), simplify=True, retain_all=True)
    return stage.clock.result(edges=graph.number_of_edges(), nodes=graph.number_of_nodes())


# ---------------------------------------------------------------- reading the tables


def reports_ours(stage: Stage) -> dict[str, Any]:
    from healthy_streets.io.reports import read_reports
    from healthy_streets.model.taxonomy import report_taxonomy

    area, taxonomy = stage.area(), report_taxonomy()
    with stage.clock.work():
        result = read_reports(
            stage.file("reports"), format="fixmystreet", area=area, taxonomy=taxonomy, tiers={}
        )
    return stage.clock.result(rows=result.rows_in, kept=len(result.layer))


def assets_ours(stage: Stage) -> dict[str, Any]:
    from healthy_streets.io.assets import read_assets
    from healthy_streets.model.taxonomy import asset_taxonomy

    area, taxonomy = stage.area(), asset_taxonomy()
    with stage.clock.work():
        result = read_assets(stage.file("assets"), area=area, taxonomy=taxonomy)
    return stage.clock.result(rows=result.rows_in, kept=len(result.layer))


def _pandas(stage: Stage, key: str) -> dict[str, Any]:
    import pandas as pd

    with stage.clock.work():
        frame = pd.read_csv(stage.file(key))
    return stage.clock.result(rows=len(frame))


def _pyogrio(stage: Stage, key: str) -> dict[str, Any]:
    import pyogrio

    with stage.clock.work():
        frame = pyogrio.read_dataframe(
            stage.file(key),
            X_POSSIBLE_NAMES="Longitude",
            Y_POSSIBLE_NAMES="Latitude",
            KEEP_GEOM_COLUMNS="NO",
        )
    return stage.clock.result(rows=len(frame), points=int(frame.geometry.notna().sum()))


def reports_pandas(stage: Stage) -> dict[str, Any]:
    return _pandas(stage, "reports")


def reports_pyogrio(stage: Stage) -> dict[str, Any]:
    return _pyogrio(stage, "reports")


def assets_pandas(stage: Stage) -> dict[str, Any]:
    return _pandas(stage, "assets")


def assets_pyogrio(stage: Stage) -> dict[str, Any]:
    return _pyogrio(stage, "assets")


# ---------------------------------------------------------------- attaching


def attach_ours(stage: Stage) -> dict[str, Any]:
    from healthy_streets.analysis.attach import (
        assign_zones,
        attach_to_streets,
        cut_streets_at_zones,
    )

    given = stage.load("attach_inputs.pkl")
    zones, clock = given["zones"], stage.clock
    with clock.work():
        with clock.part("cut_streets_at_zones"):
            streets = cut_streets_at_zones(given["streets"], zones)
        out = {}
        for kind in ("assets", "reports"):
            with clock.part(f"assign_zones ({kind})"):
                layer = assign_zones(given[kind], zones)
            with clock.part(f"attach_to_streets ({kind})"):
                out[kind] = attach_to_streets(layer, streets)
    stage.save("attach_ours.pkl", {k: v[["zone_id", "street_name"]] for k, v in out.items()})
    return clock.result(
        pieces=len(streets),
        reports_in_zones=_filled(out["reports"]["zone_id"]),
        reports_on_streets=_filled(out["reports"]["street_name"]),
    )


def _filled(values: Any) -> int:
    """How many values are set (the layers write a missing text as NaN or "None")."""
    return int((values.notna() & (values.astype("object") != "None")).sum())


def attach_geopandas(stage: Stage) -> dict[str, Any]:
    """The same attachment with geopandas: ``overlay`` (identity) cuts the streets at the
    zones, ``sjoin`` (within) puts points in zones, ``sjoin_nearest`` finds each point's
    nearest street within the attach distance."""
    import geopandas as gpd

    given = stage.load("attach_inputs.pkl")
    zones = given["zones"][["zone_id", "geometry"]]
    link = ["zone_id", "segment_id", "street_name", "street_distance_m"]
    clock = stage.clock
    with clock.work():
        with clock.part("overlay (identity)"):
            streets = given["streets"].drop(columns=["zone_id"], errors="ignore")
            pieces = gpd.overlay(streets, zones, how="identity", keep_geom_type=True)
        out = {}
        for kind in ("assets", "reports"):
            layer = given[kind].drop(columns=link, errors="ignore")
            points = layer.set_geometry(layer.geometry.representative_point())
            with clock.part(f"sjoin ({kind})"):
                placed = gpd.sjoin(points, zones, how="left", predicate="within")
                placed = placed[~placed.index.duplicated()].drop(columns="index_right")
            with clock.part(f"sjoin_nearest ({kind})"):
                near = gpd.sjoin_nearest(
                    placed,
                    pieces[["name", "geometry"]].rename(columns={"name": "street_name"}),
                    how="left",
                    max_distance=given["attach_distance_m"],
                    distance_col="street_distance_m",
                )
                out[kind] = near[~near.index.duplicated()]
    agreement = _agreement(stage, out)
    return clock.result(
        pieces=len(pieces),
        reports_in_zones=_filled(out["reports"]["zone_id"]),
        reports_on_streets=_filled(out["reports"]["street_name"]),
        agreement=agreement,
    )


def _agreement(stage: Stage, theirs: dict[str, Any]) -> dict[str, float] | None:
    """Shares of reports on which geopandas and ours agree (zone, street name)."""
    path = stage.work / "attach_ours.pkl"
    if not path.is_file():
        return None
    ours = stage.load("attach_ours.pkl")["reports"]
    other = theirs["reports"].reindex(ours.index)
    zone_ours = ours["zone_id"].where(ours["zone_id"] != "None")
    same_zone = (zone_ours.fillna("-") == other["zone_id"].fillna("-")).mean()
    name_ours = ours["street_name"].where(ours["street_name"] != "None")
    same_name = (name_ours.fillna("-") == other["street_name"].fillna("-")).mean()
    return {"zone": round(float(same_zone), 4), "street_name": round(float(same_name), 4)}


# ---------------------------------------------------------------- tables and maps


def tables_ours(stage: Stage) -> dict[str, Any]:
    from healthy_streets.pipeline import analysis_tables

    layers, project = stage.load("layers.pkl"), stage.project()
    with stage.clock.work():
        tables = analysis_tables(layers, evaluation=project.evaluation)
    return stage.clock.result(tables={k: len(v) for k, v in tables.items()})


def maps_ours(stage: Stage) -> dict[str, Any]:
    """Every zone's map as a build draws them: the 20mph gaps once, then the maps in the
    library's pool of processes (one per core)."""
    from healthy_streets.analysis.gaps import twenty_mph_gaps
    from healthy_streets.maps.batch import map_workers, save_maps

    layers, project = stage.load("layers.pkl"), stage.project()
    folder = stage.work / "maps"
    folder.mkdir(exist_ok=True)
    targets = {str(zid): folder / f"{zid}.html" for zid in layers.zones["zone_id"]}
    drawn = _DrawnMaps()
    logger = logging.getLogger("healthy_streets.maps.batch")
    logger.addHandler(drawn)
    logger.setLevel(logging.DEBUG)
    clock = stage.clock
    with clock.work():
        gaps = twenty_mph_gaps(layers)
        written = save_maps(
            layers,
            targets,
            gaps=gaps,
            project=project.name,
            focus=project.evaluation.get("category", "dog_fouling"),
            additions_contact=project.additions_contact,
        )
    logger.removeHandler(drawn)
    reports = layers.reports["zone_id"].value_counts()
    per_map = [
        {
            "zone_id": zid,
            "reports": int(reports.get(zid, 0)),
            "seconds": round(drawn.seconds.get(zid, (0.0, 0.0))[0], 3),
            "cpu_s": round(drawn.seconds.get(zid, (0.0, 0.0))[1], 3),
            "mb": round(path.stat().st_size / 1e6, 3),
            "layers_mb": _layer_sizes(path.read_text(encoding="utf-8")),
        }
        for zid, path in written.items()
    ]
    workers = map_workers(maps=len(targets))
    return clock.result(maps=per_map, **clock.with_workers(workers), **_map_summary(per_map))


class _DrawnMaps(logging.Handler):
    """Each map's wall and CPU seconds, as the library logs them when a map is done."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seconds: dict[str, tuple[float, float]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("Drew the map of") and isinstance(record.args, tuple):
            zone_id, seconds, cpu_s = record.args
            self.seconds[str(zone_id)] = (float(seconds), float(cpu_s))


#: Where each element starts in a page's script: ``var <name> = HS.<kind>(``.
_ELEMENT_START = re.compile(r"var (\w+) = HS\.(\w+)\(")
#: The elements that carry data, and the layer key of those that register none.
_DATA_ELEMENTS = {"geoJsonLayer": None, "assetLayer": None, "reportData": "report_data"}


def _layer_sizes(page: str) -> dict[str, float]:
    """Megabytes of data each of the map's layers carries in the page, by the layer's key
    (its element's script, to the next element's; the page's libraries and styles are the
    rest)."""
    sizes: dict[str, float] = {}
    starts = list(_ELEMENT_START.finditer(page))
    for here, after in zip(starts, [*starts[1:], None], strict=True):
        if here.group(2) not in _DATA_ELEMENTS:
            continue
        chunk = page[here.start() : after.start() if after else page.find("</script>", here.end())]
        key = re.search(r'HS\.register\("(\w+)"', chunk)
        name = _DATA_ELEMENTS[here.group(2)] or (key.group(1) if key else here.group(2))
        sizes[name] = round(sizes.get(name, 0.0) + len(chunk.encode("utf-8")) / 1e6, 4)
    return sizes


#: The layers that carry a map's own zone's points.
_OWN_POINTS = ("report_data", "assets")


def _map_summary(per_map: list[dict[str, Any]]) -> dict[str, Any]:
    import numpy as np

    seconds = np.array([m["seconds"] for m in per_map])
    sizes = np.array([m["mb"] for m in per_map])
    # what a page weighs without its own zone's reports and assets (the data that may
    # rightly take a busy zone's map over 2 MB)
    points = np.array([sum(m["layers_mb"].get(k, 0.0) for k in _OWN_POINTS) for m in per_map])
    layers: dict[str, float] = {}
    for m in per_map:
        for key, mb in m["layers_mb"].items():
            layers[key] = layers.get(key, 0.0) + mb
    busiest = max(per_map, key=lambda m: m["reports"])
    return {
        "layers_total_mb": {k: round(v, 1) for k, v in sorted(layers.items())},
        "busiest": busiest,
        "count": len(per_map),
        "per_map_s": {
            "mean": round(float(seconds.mean()), 3),
            "median": round(float(np.median(seconds)), 3),
            "max": round(float(seconds.max()), 3),
        },
        "mb": {
            "mean": round(float(sizes.mean()), 3),
            "median": round(float(np.median(sizes)), 3),
            "max": round(float(sizes.max()), 3),
            "total": round(float(sizes.sum()), 1),
            "over_2mb": int((sizes > 2).sum()),
            "over_2mb_without_points": int((sizes - points > 2).sum()),
        },
    }


# ---------------------------------------------------------------- whole builds


def _build(stage: Stage, **options: Any) -> dict[str, Any]:
    from healthy_streets.maps.batch import map_workers
    from healthy_streets.pipeline import build

    project = stage.project()
    progress = _progress_class()()
    out = stage.work / "build"
    with stage.clock.work():
        _, outputs = build(project, output=out, overwrite=True, progress=progress, **options)
    steps, maps = progress.steps(stage.clock.seconds)
    sizes = [p.stat().st_size / 1e6 for p in outputs.maps.values()]
    extra: dict[str, Any] = {"steps": steps, "maps": len(outputs.maps)}
    extra |= stage.clock.with_workers(map_workers(maps=len(maps)) if maps else 0)
    if maps:
        extra["per_map_s"] = {"mean": round(sum(maps) / len(maps), 3), "max": max(maps)}
        extra["mb"] = {"max": round(max(sizes), 3), "total": round(sum(sizes), 1)}
    return stage.clock.result(**extra)


def build_fresh(stage: Stage) -> dict[str, Any]:
    return _build(stage)


def build_zone(stage: Stage) -> dict[str, Any]:
    return _build(stage, zone=stage.zone) | {"zone": stage.zone}


def rebuild(stage: Stage) -> dict[str, Any]:
    return _build(stage)


STAGES: dict[str, Callable[[Stage], dict[str, Any]]] = {
    "load": load,
    "network_ours": network_ours,
    "network_pyrosm": network_pyrosm,
    "network_osmnx": network_osmnx,
    "reports_ours": reports_ours,
    "reports_pandas": reports_pandas,
    "reports_pyogrio": reports_pyogrio,
    "assets_ours": assets_ours,
    "assets_pandas": assets_pandas,
    "assets_pyogrio": assets_pyogrio,
    "attach_ours": attach_ours,
    "attach_geopandas": attach_geopandas,
    "tables_ours": tables_ours,
    "maps_ours": maps_ours,
    "build": build_fresh,
    "build_zone": build_zone,
    "rebuild": rebuild,
}
#: Stages that need another's output: stage -> the stage it needs.
NEEDS = {
    "attach_ours": "load",
    "attach_geopandas": "load",
    "tables_ours": "load",
    "maps_ours": "load",
    "build_zone": "build",
    "rebuild": "build",
}


#: Baselines' libraries, in the ``bench`` extra: a stage without its library is recorded as
#: unavailable, not as a failure.
OPTIONAL = frozenset({"pyrosm"})


def run_worker(name: str, county: Path, work: Path, result: Path, **options: Any) -> None:
    """Run one stage in this process and write its result as JSON, with the packages the
    process held.

    Raises
    ------
    RuntimeError
        When a baseline's process imported the toolkit: its time and memory would include
        ours.
    """
    try:
        stage = Stage(name, county, work, **options)
        out = STAGES[name](stage)
    except ModuleNotFoundError as exc:
        if exc.name not in OPTIONAL:
            raise
        out = {"unavailable": f"{exc.name} is not installed (pip install -e '.[bench]')"}
    if name in BASELINES and toolkit_imported():
        held = sorted(m for m in sys.modules if m.startswith(TOOLKIT))
        raise RuntimeError(
            f"The baseline stage {name!r} imported the toolkit ({', '.join(held[:5])}): a "
            "baseline's process must hold its own library only. Find what imported it "
            "(python -X importtime) and keep it out of benchmarks/county/stages.py's "
            f"{name}."
        )
    out["packages"] = packages(sys.modules)
    result.write_text(json.dumps(out, indent=1), encoding="utf-8")
