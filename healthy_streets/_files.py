"""Writing files safely: atomically, never over an input, never over an output unasked."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from healthy_streets.errors import OutputExistsError, OutputIsInputError

__all__ = [
    "atomic_path",
    "check_output",
    "sha256",
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


def sha256(path: str | Path, *, chunk: int = 1 << 20) -> str:
    """The SHA-256 of a file, as hex."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def write_fix(exc: BaseException, *, otherwise: str) -> str:
    """What to do about a failed write: free space on a full disk, choose a place one may
    write to, else ``otherwise``."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "Free some space on the disk, then try again."
    if isinstance(exc, PermissionError):
        return "Choose a place you can write to."
    return otherwise
