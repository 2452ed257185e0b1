"""Builds that change their outputs all at once, or not at all.

A build writes everything new (maps, tables, the index, the rejected rows, the updated
GeoPackage store) into a staging folder inside the output folder, ``OUT/.staging-<id>/``.
Nothing the officer sees changes until the end, when :meth:`OutputStaging.commit`:

1. writes the plan of moves (``plan.json``: each staged file and where it goes);
2. for a PostGIS store, commits the database transaction (the update is recorded in the
   store's ``healthy_streets_meta`` under the build's id);
3. renames ``plan.json`` to ``commit.json``: from here the build has happened;
4. renames each staged file over its output, then removes the staging folder.

Ctrl-C and SIGTERM are held back from step 1 to step 4 (a few milliseconds of renames, and a
database commit), then delivered: a build either stops before it changed anything, or is
complete. A build killed outright (SIGKILL, a power cut of the process) can still stop in
step 4; the next build into the folder finishes the moves first (the folder's state was
decided in step 3, or for PostGIS by whether the store holds the build's id) and removes
staging folders of builds that never got that far.

A lock file, ``OUT/.healthy-streets.lock``, held (``flock``) for the whole build, refuses a
second build into the same folder while one runs; a killed build's lock dies with it.

The environment variable ``HEALTHY_STREETS_TEST_STOP_AT`` is for tests only: set to a stage
name (``loaded``, ``map-drawn`` (each map, as it is done), ``staged``, ``store-staged``,
``commit``, ``store-committed``, ``committed``, ``moved-<n>``),
the build sends itself SIGKILL there (``<stage>:TERM`` sends SIGTERM, ``<stage>:INT``
SIGINT), so that a test can stop a build at an exact point.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from healthy_streets._audience import option
from healthy_streets._files import confined, inside
from healthy_streets.errors import BuildLockedError, HealthyStreetsError

__all__ = ["LOCK_NAME", "STAGING_PREFIX", "OutputStaging", "checkpoint", "deferred_signals"]

log = logging.getLogger(__name__)

LOCK_NAME = ".healthy-streets.lock"
STAGING_PREFIX = ".staging-"
STOP_AT = "HEALTHY_STREETS_TEST_STOP_AT"
PLAN, COMMITTED = "plan.json", "commit.json"

#: Asked about a stale build whose store commit decides it: (build id, store key) ->
#: committed, not committed, or ``None`` when this store cannot tell.
Decider = Callable[[str, str], bool | None]


def checkpoint(stage: str) -> None:
    """A point where tests may stop the build (see the module's notes); else nothing."""
    wanted = os.environ.get(STOP_AT)
    if not wanted:
        return
    name, _, sig = wanted.partition(":")
    if name == stage:
        os.kill(os.getpid(), getattr(signal, f"SIG{sig or 'KILL'}"))


@contextlib.contextmanager
def deferred_signals() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back until the block ends, then deliver them.

    Outside the main thread (where Python cannot set handlers) the block runs unprotected.
    If the block raises, signals held back are dropped: the error is what the caller sees.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def remember(signum: int, frame: Any) -> None:
        received.append(signum)

    wanted = [signal.SIGINT, signal.SIGTERM]
    before = {s: signal.signal(s, remember) for s in wanted}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
    for signum in dict.fromkeys(received):
        signal.raise_signal(signum)


@contextlib.contextmanager
def stops_remembered() -> Iterator[list[int]]:
    """Remember each SIGINT and SIGTERM received in the block, and handle it as before.

    Python raises Ctrl-C's :class:`KeyboardInterrupt` wherever the main thread happens to
    be; when that is a finaliser or a weak reference's callback (a worker pool's, say), the
    exception is printed as "ignored" and the work goes on. The list this yields keeps the
    signal, so that a build can refuse to commit after it all the same. Outside the main
    thread, or for a signal whose handler is not a Python function, nothing is remembered.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    before: dict[int, Any] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(signum)
        if callable(handler):

            def remember(number: int, frame: Any, handler: Any = handler) -> None:
                received.append(number)
                handler(number, frame)

            before[signum] = signal.signal(signum, remember)
    try:
        yield received
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[Path]:
    """Hold ``folder``'s lock file, or raise :class:`BuildLockedError` if another process
    holds it. The lock goes with the process: a killed build's lock is no lock."""
    path = folder / LOCK_NAME
    if path.is_symlink():  # never the toolkit's: opening it would create the file it names
        path.unlink()
    with path.open("a+b") as handle:
        if not _try_lock(handle):
            raise BuildLockedError(
                f"Another build is writing into {folder} right now (it holds {path}). Wait for "
                f"it to finish, or build into another folder with {option('output')}."
            )
        yield path


def _try_lock(handle: IO[bytes]) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class OutputStaging:
    """A build's next outputs, staged inside the output folder and moved into place
    together (see the module's notes).

    Parameters
    ----------
    out
        The output folder.
    decide
        For stale builds whose store commit decides them (PostGIS): whether it committed.

    Attributes
    ----------
    files
        Where the outputs are staged, laid out as in ``out``.
    id
        The build's id (also in the staging folder's name and the store's meta table).
    committed
        Whether the build has happened (the outputs may still be moving into place).
    """

    def __init__(self, out: str | Path, *, decide: Decider | None = None) -> None:
        self.out = Path(out)
        self.decide = decide
        self.id = uuid.uuid4().hex[:12]
        self.root = self.out / f"{STAGING_PREFIX}{self.id}"
        self.files = self.root / "files"
        self.committed = False
        self._temps: list[Path] = []
        self._lock: contextlib.ExitStack | None = None
        self._stops: list[int] = []

    def __enter__(self) -> OutputStaging:
        self.out.mkdir(parents=True, exist_ok=True)
        stack = contextlib.ExitStack()
        self._stops = stack.enter_context(stops_remembered())
        stack.enter_context(folder_lock(self.out))
        try:
            for stale in sorted(self.out.glob(f"{STAGING_PREFIX}*")):
                if stale.is_symlink():  # no build's: the link goes, never what it names
                    stale.unlink()
                elif stale.is_dir():
                    _recover(stale, self.decide)
            self.files.mkdir(parents=True)
            self._write_plan(None)
        except BaseException:
            stack.close()
            raise
        self._lock = stack
        return self

    @property
    def stopped(self) -> bool:
        """Whether Ctrl-C or SIGTERM has reached the build (see :func:`stops_remembered`)."""
        return bool(self._stops)

    def place(self, target: Path) -> Path:
        """Where to write the new version of ``target`` so that it can be renamed over it:
        inside the staging folder when ``target`` is in the output folder, else a hidden file
        beside ``target`` (listed in the plan, so that it never outlives the build)."""
        target = Path(target)
        if target.resolve().parent == self.out.resolve():
            (self.root / "store").mkdir(exist_ok=True)
            return self.root / "store" / target.name
        temp = target.parent / f".{target.name}.{self.id}.part{target.suffix}"
        self._temps.append(temp)
        self._write_plan(None)
        return temp

    def commit(
        self,
        moves: Sequence[tuple[Path, Path]],
        *,
        removes: Sequence[Path] = (),
        store_commit: Callable[[], None] | None = None,
        store_key: str | None = None,
    ) -> None:
        """Make the build real: commit the store, move every staged file into place, then
        remove the outputs the build no longer makes (the map of a zone since removed).
        Nothing changes (:class:`~healthy_streets.errors.OutputLinkError`) when a folder
        in the output folder that an output goes into is a link out of it.

        ``moves`` are (staged file, output) pairs. Signals are held back throughout and
        delivered once everything is in place. A build that received Ctrl-C or SIGTERM
        before this point is not committed, even if the interruption was swallowed on its
        way (see :func:`stops_remembered`).
        """
        if self._stops:
            raise KeyboardInterrupt
        # an output whose folder became a link out of the output folder while the build ran
        # (maps/ -> elsewhere) is refused here, before the store or any file changes
        for source, target in moves:
            if inside(source, self.files):
                confined(target, self.out)
        for path in removes:
            confined(path, self.out)
        with deferred_signals():
            store = {"key": store_key} if store_commit is not None else None
            self._write_plan(
                [(str(a), str(b)) for a, b in moves],
                store=store,
                removes=[str(p) for p in removes],
            )
            checkpoint("commit")
            if store_commit is not None:
                store_commit()
                checkpoint("store-committed")
            (self.root / PLAN).replace(self.root / COMMITTED)
            _sync(self.root)
            self.committed = True
            checkpoint("committed")
            try:
                _move(moves)
                _remove(removes)
            except OSError as exc:
                raise HealthyStreetsError(
                    f"The build was complete, but moving its outputs into {self.out} stopped "
                    f"({exc.strerror or exc}: {exc.filename}). The next build into this folder "
                    "finishes the move; check the folder is writable."
                ) from None
            shutil.rmtree(self.root, ignore_errors=True)

    def _write_plan(
        self,
        moves: list[tuple[str, str]] | None,
        *,
        store: dict[str, Any] | None = None,
        removes: list[str] | None = None,
    ) -> None:
        plan = {
            "build_id": self.id,
            "moves": moves or [],
            "removes": removes or [],
            "temps": [str(t) for t in self._temps],
            "store": store,
        }
        tmp = self.root / f"{PLAN}.part"
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump(plan, handle)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(self.root / PLAN)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            if not self.committed:
                for temp in self._temps:
                    temp.unlink(missing_ok=True)
                shutil.rmtree(self.root, ignore_errors=True)
        finally:
            if self._lock is not None:
                self._lock.close()


def _move(moves: Sequence[tuple[Path | str, Path | str]]) -> None:
    """Rename each staged file over its output (those already moved are skipped)."""
    for number, (source, target) in enumerate(moves, start=1):
        source, target = Path(source), Path(target)
        if source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            source.replace(target)
        checkpoint(f"moved-{number}")


def _remove(paths: Sequence[Path | str]) -> None:
    """Remove outputs the build no longer makes (those already gone are skipped)."""
    for path in paths:
        Path(path).unlink(missing_ok=True)


def _recover(stale: Path, decide: Decider | None) -> None:
    """Finish a build that was killed after it happened; throw away one that was not."""
    plan_path = stale / COMMITTED
    committed = plan_path.exists()
    if not committed:
        plan_path = stale / PLAN
    plan = _read_plan(plan_path)
    store = plan.get("store") or {}
    if not committed and store.get("key") and decide is not None:
        committed = bool(decide(str(plan.get("build_id", "")), str(store["key"])))
    moves, removes, temps = _confined(plan, stale)
    if committed:
        log.warning("Finishing a build into %s that was interrupted as it ended.", stale.parent)
        _move(moves)
        _remove(removes)
    else:
        for temp in temps:
            temp.unlink(missing_ok=True)
    shutil.rmtree(stale, ignore_errors=True)


def _confined(
    plan: dict[str, Any], stale: Path
) -> tuple[list[tuple[Path, Path]], list[Path], list[Path]]:
    """The plan's moves, removals and temporary files, each only as a build makes them: a
    plan edited by hand (the output folder may be shared) never moves, replaces or
    removes a file elsewhere on the machine. A move is from the staging folder into the
    output folder, or from a store's temporary copy onto the store beside it; a removal is
    of a file in the output folder; a temporary file is named as a store's copy is.
    Anything else is left where it is, and said."""
    out, build_id = stale.parent, stale.name.removeprefix(STAGING_PREFIX)

    def temp_of(path: Path) -> bool:  # ".healthy-streets.gpkg.<id>.part.gpkg"
        return path.name.startswith(".") and f".{build_id}.part" in path.name

    def pairs(value: object) -> list[tuple[Path, Path]]:
        items = value if isinstance(value, list) else []
        return [
            (Path(item[0]), Path(item[1]))
            for item in items
            if isinstance(item, list | tuple)
            and len(item) == 2
            and all(isinstance(part, str) for part in item)
        ]

    def paths(value: object) -> list[Path]:
        items = value if isinstance(value, list) else []
        return [Path(item) for item in items if isinstance(item, str)]

    moves: list[tuple[Path, Path]] = []
    refused: list[tuple[Path, Path]] = []
    for source, target in pairs(plan.get("moves")):
        staged = inside(source, stale) and inside(target, out)
        beside = (
            source.parent == target.parent
            and source.name == f".{target.name}.{build_id}.part{target.suffix}"
        )
        (moves if staged or beside else refused).append((source, target))
    removes = [p for p in paths(plan.get("removes")) if inside(p, out)]
    temps = [p for p in paths(plan.get("temps")) if temp_of(p)]
    refused_files = [str(target) for _, target in refused]
    refused_files += [str(p) for p in paths(plan.get("removes")) if not inside(p, out)]
    refused_files += [str(p) for p in paths(plan.get("temps")) if not temp_of(p)]
    if refused_files:
        log.warning(
            "The plan of an interrupted build in %s names files outside the output folder "
            "(%s): they are left as they are.",
            stale,
            ", ".join(refused_files[:5]),
        )
    return moves, removes, temps


def _read_plan(path: Path) -> dict[str, Any]:
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return plan if isinstance(plan, dict) else {}


def _sync(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the system allows)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
