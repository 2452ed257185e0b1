"""Many zones' meeting maps at once, on every core.

:func:`save_maps` draws each zone's map in a pool of worker processes (one per core unless
:data:`healthy_streets.settings.map_workers` says otherwise) and writes each to its file.
A map is drawn from what lies in its view only: its worker picks the zone's neighbours,
streets, background, assets, reports and gaps by the layers' spatial indexes
(:func:`~healthy_streets.maps.meeting.map_view`), clips them to the view, draws the map and
writes the page. A map costs what its own zone's data costs, whatever the size of the
county.

The workers are forked from this process once the layers and their spatial indexes are
ready, so they share the layers without copying them. They ignore Ctrl-C (the caller
decides what an interruption means) and die with this process if it is killed outright.
When drawing stops early (Ctrl-C, SIGTERM, an error in one map) the workers are stopped
before the interruption or the error goes on, so no map is written after it. Where the
system cannot fork safely (Windows, macOS), the maps are drawn one after another in this
process.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import geopandas as gpd

from healthy_streets import settings
from healthy_streets._staging import checkpoint
from healthy_streets.analysis.attach import given_layers
from healthy_streets.analysis.changes import Changes
from healthy_streets.analysis.gaps import twenty_mph_gaps
from healthy_streets.errors import ConfigError
from healthy_streets.maps.meeting import ViewRows, draw_map, map_view, save_map, view_of_rows
from healthy_streets.model.build import Layers, Progress, as_progress
from healthy_streets.model.osm_date import OsmDate, osm_date_of_imports

__all__ = ["RowsSource", "map_workers", "save_maps"]

log = logging.getLogger(__name__)

#: The environment variable that says how many processes draw maps (when the setting is
#: not set): for the command line.
WORKERS_VARIABLE = "HEALTHY_STREETS_MAP_WORKERS"


class RowsSource(Protocol):
    """Where the map workers read each zone's rows instead of picking them from the layers
    in memory (a database: :class:`healthy_streets.io.postgis_analysis.ZoneRowsReader`).

    Called in the worker that draws the map (a process forked from this one, which must
    open its own connection to wherever the rows are), as ``source(zone_id,
    margin_m=...)``; it returns the rows of that zone's view (:class:`ViewRows`) and
    counts what it read. ``close()`` is called in this process when every map is drawn.
    """

    def __call__(self, zone_id: str, *, margin_m: float) -> ViewRows: ...

    def close(self) -> None: ...


#: What the workers draw from, set in this process just before they are forked (so that
#: they share it rather than receive a copy of it each).
_SHARED: dict[str, Any] = {}


@dataclass(frozen=True)
class _Done:
    """A map written, and what it cost."""

    zone_id: str
    target: Path
    seconds: float
    cpu_s: float
    rows: int | None = None


def map_workers(workers: int | None = None, *, maps: int | None = None) -> int:
    """How many processes draw maps: ``workers``, else
    :data:`healthy_streets.settings.map_workers`, else the environment variable
    ``HEALTHY_STREETS_MAP_WORKERS``, else one per core; never more than ``maps``, never
    fewer than one.

    Raises
    ------
    ConfigError
        For a count that is not a whole number of at least 1.
    """
    wanted: object = workers if workers is not None else settings.map_workers
    where = "workers" if workers is not None else "settings.map_workers"
    if wanted is None and os.environ.get(WORKERS_VARIABLE, "").strip():
        wanted, where = os.environ[WORKERS_VARIABLE].strip(), WORKERS_VARIABLE
    if wanted is None:
        count = os.cpu_count() or 1
    else:
        try:
            count = int(str(wanted))
        except ValueError:
            count = 0
        if count < 1:
            raise ConfigError(
                f"{where} is {wanted!r}: how many processes draw the maps must be a whole "
                "number of at least 1 (leave it unset for one per core)."
            )
    return max(min(count, maps) if maps is not None else count, 1)


def save_maps(
    layers: Layers,
    targets: Mapping[str, str | Path],
    *,
    gaps: gpd.GeoDataFrame | None = None,
    workers: int | None = None,
    progress: Progress | Callable[[str], None] | None = None,
    margin_m: float = 250.0,
    made_on: dt.date | None = None,
    tiles: bool = True,
    add_places: bool = True,
    project: str | None = None,
    focus: str | None = "dog_fouling",
    additions_contact: str | None = None,
    since_last: Changes | None = None,
    rows: RowsSource | None = None,
    reports_note: str | None = None,
    osm_date: OsmDate | None = None,
) -> dict[str, Path]:
    """Draw the meeting map of each zone in ``targets`` and write it there, on every core.

    The maps are those :func:`~healthy_streets.maps.meeting.meeting_map` draws, written as
    :func:`~healthy_streets.maps.meeting.save_map` writes them (atomically, over any file
    already there: check the targets first).

    Parameters
    ----------
    layers
        From :func:`~healthy_streets.load_layers`.
    targets
        ``zone_id`` -> the HTML file to write, in the order to draw them.
    gaps
        :func:`~healthy_streets.analysis.twenty_mph_gaps` of the layers, when worked out
        already (else worked out here, once for every map).
    workers
        How many processes draw; default :data:`healthy_streets.settings.map_workers`
        (one per core unless set). With one, or one map, they are drawn in this process.
    progress
        Told as each map is done ("Drawing the zone maps").
    margin_m, made_on, tiles, add_places, project, focus, additions_contact, since_last
    reports_note, osm_date
        As :func:`~healthy_streets.maps.meeting.meeting_map` takes them (``osm_date`` by
        default that of the layers' streets import).
    rows
        Where each worker reads its zone's rows (the zone, its neighbours, the streets,
        assets, reports, background and gaps of its view), instead of picking them from
        ``layers`` (then neither ``layers`` nor ``gaps`` are drawn from, and no spatial
        index is built): a database, so that a worker holds its own zone's rows only.
        Closed when the maps are drawn.

    Returns
    -------
    dict
        ``zone_id`` -> the file written.

    Examples
    --------
    >>> saved = save_maps(layers, {"cowslip": out / "cowslip.html"})
    >>> {zone_id: path.relative_to(out) for zone_id, path in saved.items()}
    {'cowslip': PosixPath('cowslip.html')}
    """
    if not targets:
        return {}
    given = given_layers(
        layers,
        roles=("zones", "streets", "assets", "reports"),
        caller="save_maps",
        optional=("assets", "reports"),
    )
    zones, streets = given["zones"], given["streets"]
    if gaps is None and rows is None:
        gaps = twenty_mph_gaps(zones, streets)
    options = {
        "made_on": made_on or dt.date.today(),
        "tiles": tiles,
        "add_places": add_places,
        "project": project,
        "focus": focus,
        "additions_contact": additions_contact,
        "since_last": since_last,
        "reports_note": reports_note,
        "osm_date": osm_date if osm_date is not None else osm_date_of_imports(layers.imports),
    }
    layer_of = {
        "streets": streets,
        "assets": given["assets"],
        "reports": given["reports"],
        "basemap": layers.basemap,
        "gaps": gaps,
    }
    for layer in (zones, *layer_of.values()) if rows is None else ():
        if layer is not None and not layer.empty:
            _ = layer.sindex  # built once, here, and shared with every worker
    jobs = [(str(zone_id), Path(target)) for zone_id, target in targets.items()]
    count = map_workers(workers, maps=len(jobs))
    if not _can_fork():
        count = 1
    ticks = iter(as_progress(progress).items([z for z, _ in jobs], "Drawing the zone maps"))
    next(ticks, None)  # the first map starts; each map done moves the progress on
    _SHARED.update(zones=zones, layers=layer_of, margin_m=margin_m, options=options, rows=rows)
    try:
        if count == 1:
            for zone_id, target in jobs:
                _tick(ticks, _draw(zone_id, target))
        else:
            _pooled(jobs, count, lambda done: _tick(ticks, done))
    finally:
        _SHARED.clear()
        if rows is not None:
            rows.close()
    for _ in ticks:  # the progress ends (its bar closes) once every map is done
        pass
    return dict(jobs)


def _tick(ticks: Iterator[str], done: _Done) -> None:
    checkpoint("map-drawn")
    next(ticks, None)
    log.debug(
        "Drew the map of %s in %.2f s (%.2f s of CPU).",
        done.zone_id,
        done.seconds,
        done.cpu_s,
        extra={"zone_id": done.zone_id, "rows_read": done.rows},  # rows: read from its source
    )


def _draw(zone_id: str, target: Path) -> _Done:
    """Draw the map of ``zone_id`` from :data:`_SHARED` (the layers, or the rows its source
    reads) and write it to ``target`` (in a worker, or in this process)."""
    started, cpu = time.perf_counter(), time.process_time()
    margin_m, source, read = _SHARED["margin_m"], _SHARED["rows"], None
    if source is not None:
        rows = source(zone_id, margin_m=margin_m)
        view, read = view_of_rows(rows, margin_m=margin_m), rows.rows_read
    else:
        view = map_view(_SHARED["zones"], zone_id, margin_m=margin_m, **_SHARED["layers"])
    save_map(draw_map(view, **_SHARED["options"]), target, overwrite=True)
    took = time.perf_counter() - started
    return _Done(zone_id, target, took, time.process_time() - cpu, rows=read)


def _pooled(jobs: list[tuple[str, Path]], count: int, finished: Callable[[_Done], None]) -> None:
    """Draw the jobs in ``count`` forked workers; ``finished`` is told of each map done.
    Anything that stops the drawing early stops the workers first."""
    with _pipes_may_break():
        _pool_draws(jobs, count, finished)


def _pool_draws(
    jobs: list[tuple[str, Path]], count: int, finished: Callable[[_Done], None]
) -> None:
    pool = ProcessPoolExecutor(
        max_workers=count, mp_context=multiprocessing.get_context("fork"), initializer=_start
    )
    try:
        with warnings.catch_warnings():
            # Python 3.12+ warns of fork() in a process with threads (numpy's BLAS has some):
            # the workers are forked from this thread before any of the pool's own start,
            # and run the toolkit's code only.
            warnings.filterwarnings(
                "ignore", "This process .* is multi-threaded", DeprecationWarning
            )
            pending = {pool.submit(_draw, zone_id, target) for zone_id, target in jobs}
        while pending:
            ready, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in ready:
                finished(future.result())  # a worker's error is raised here
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)


@contextlib.contextmanager
def _pipes_may_break() -> Iterator[None]:
    """While the pool runs, a write into a pipe nobody reads any more (a stopped worker's)
    raises an error in the thread that writes, which the pool handles, instead of ending
    this process: the command line has the system's default for SIGPIPE (quiet ends of
    ``| head``), which would kill the build mid-way with no message."""
    sigpipe = getattr(signal, "SIGPIPE", None)
    if sigpipe is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(sigpipe, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(sigpipe, before)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now (the maps they were drawing are not written) and wait for
    them to be gone."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
    else:
        processes = list((getattr(pool, "_processes", None) or {}).values())
        for process in processes:
            with contextlib.suppress(OSError, ValueError):
                process.terminate()
        for process in processes:
            with contextlib.suppress(OSError, ValueError, AssertionError):
                process.join(timeout=10)
    pool.shutdown(wait=True, cancel_futures=True)


def _can_fork() -> bool:
    """Whether workers can be forked safely here (Linux and the BSDs; not macOS, whose
    system libraries do not survive a fork, nor Windows, which has none)."""
    return "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"


def _start() -> None:
    """A worker's first step: leave Ctrl-C to the process that started it, and die with
    it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()


def _die_with_parent() -> None:
    """On Linux, have the system kill this process when its parent dies (a build killed
    outright leaves no worker drawing into its folder)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # it died before that took effect
        os._exit(1)
