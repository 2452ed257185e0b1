"""Writing files safely: atomically, never over an input, never over an output unasked."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from glob import escape as glob_escape
from pathlib import Path

from healthy_streets.errors import OutputExistsError, OutputIsInputError, OutputLinkError

__all__ = [
    "OUTSIDE",
    "SQLITE_SIDE_SUFFIXES",
    "atomic_path",
    "check_output",
    "confined",
    "inside",
    "project_folder",
    "recorded_path",
    "sha256",
    "side_files",
    "write_bytes_atomic",
    "write_fix",
    "write_text_atomic",
]


def check_output(path: str | Path, *, overwrite: bool, inputs: Iterable[str | Path] = ()) -> Path:
    """Refuse an output that is an input, or that exists when ``overwrite`` is false."""
    target = Path(path)
    resolved = target.resolve()
    for source in inputs:
        if Path(source).resolve() == resolved:
            raise OutputIsInputError(target)
    if target.exists() and not overwrite:
        raise OutputExistsError(target)
    return target


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one step.

    If the block raises, the temporary file is removed and ``path`` is left as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # the temporary file keeps the extension: some writers (GDAL) choose a format by it
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=f".part{target.suffix}", dir=target.parent
    )
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        tmp_path.chmod(0o644)  # mkstemp makes it private; outputs are for sharing
        tmp_path.replace(target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write UTF-8 text to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")
    return Path(path)


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write bytes to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def inside(path: str | Path, folder: str | Path) -> bool:
    """Whether ``path`` names a file in ``folder`` or below it, with the links of its
    folders followed: no ``..``, no absolute path elsewhere, no folder that links out. A
    record or plan the toolkit reads back from an output folder may have been edited; a
    path in it that leads elsewhere is never written, moved or removed.

    >>> inside("/out/maps/a.html", "/out"), inside("/out/tables/../../x.csv", "/out")
    (True, False)
    """
    path = Path(path)
    if path.name in ("", ".", "..") or "\0" in str(path):
        return False
    try:
        return path.parent.resolve().is_relative_to(Path(folder).resolve())
    except (OSError, RuntimeError, ValueError):  # a loop of links, a name too long
        return False


def confined(path: str | Path, folder: str | Path) -> Path:
    """``path``, a file to write in ``folder`` or below it, once no folder on the way to it
    is a link that leads out of ``folder``; else :class:`OutputLinkError`, naming the
    link: writing through it would replace files elsewhere on the machine.

    >>> confined("/out/maps/a.html", "/out")
    PosixPath('/out/maps/a.html')
    """
    path, folder = Path(path), Path(folder)
    if inside(path, folder):
        return path
    step = folder
    below = path.parent.relative_to(folder) if path.parent.is_relative_to(folder) else Path()
    for part in below.parts:
        step = step / part
        if step.is_symlink() and not inside(step / "file", folder):
            raise OutputLinkError(step, folder)
    raise OutputLinkError(path.parent, folder)


#: How a published output names a file outside the project folder (see
#: :func:`recorded_path`).
OUTSIDE = "<outside>"


def project_folder(start: str | Path) -> Path:
    """The project folder ``start`` lies in: the nearest folder, ``start`` or above it,
    holding a ``healthy-streets.toml``; else ``start`` itself (resolved)."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if (folder / "healthy-streets.toml").is_file():
            return folder
    return start


def recorded_path(path: str | Path, folder: str | Path) -> str:
    """How a published output (the store, the build's record) names the file ``path``:
    relative to the project ``folder`` (``reports/fixmystreet.csv``), or, for a file
    outside it, ``<outside>/<digest>/<name>``, its name after the first 12 hex digits of the
    SHA-256 of its resolved path. Where a file is on the officer's machine (their user
    name, their folders) is never published, while two files of one name stay apart.

    >>> recorded_path("/home/jane/council/reports/fms.csv", "/home/jane/council")
    'reports/fms.csv'
    >>> recorded_path("/home/jane/Downloads/fms.csv", "/home/jane/council")[:10]
    '<outside>/'
    """
    resolved, base = Path(path).resolve(), Path(folder).resolve()
    if resolved.is_relative_to(base) and resolved != base:
        return resolved.relative_to(base).as_posix()
    digest = hashlib.sha256(str(resolved).encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return f"{OUTSIDE}/{digest}/{resolved.name}"


def sha256(path: str | Path, *, chunk: int = 1 << 20) -> str:
    """The SHA-256 of a file, as hex."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


#: The files SQLite opens beside a database (a GeoPackage): its write-ahead log, the log's
#: index and a rollback journal, which hold rows not yet in the file itself.
SQLITE_SIDE_SUFFIXES = ("-wal", "-shm", "-journal")


def side_files(path: Path) -> list[Path]:
    """The files read with ``path`` though it does not name them, as found beside it (not
    resolved): a Shapefile's other parts (every file of its name with another extension:
    .dbf, .shx, .prj, .cpg, the spatial indexes .qix, .sbn, .sbx...); a GeoPackage's
    ``-wal``, ``-shm`` and ``-journal`` files, when there; the files inside a File
    Geodatabase (a folder). Any other file has none (a .shp in a zip is read from the zip).
    """
    suffix = path.suffix.lower()
    try:
        if suffix == ".shp":
            beside = path.parent.glob(f"{glob_escape(path.stem)}.*")
            return sorted(p for p in beside if p.stem == path.stem and p.name != path.name)
        if suffix == ".gpkg":
            named = (path.with_name(path.name + end) for end in SQLITE_SIDE_SUFFIXES)
            return [p for p in named if p.is_symlink() or p.exists()]
        if suffix == ".gdb" and path.is_dir():
            return sorted(path.iterdir())
    except OSError:  # a folder that cannot be listed: reading the file says what is wrong
        return []
    return []


def write_fix(exc: BaseException, *, otherwise: str) -> str:
    """What to do about a failed write: free space on a full disk, choose a place one may
    write to, else ``otherwise``."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "Free some space on the disk, then try again."
    if isinstance(exc, PermissionError):
        return "Choose a place you can write to."
    return otherwise
