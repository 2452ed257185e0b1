"""The record a project build leaves beside its outputs, as far as it is read before the
library loads: where it is, its layout, the toolkit it was made with, and the zones it built.

The record (``OUT/.healthy-streets-build.json``; see :mod:`healthy_streets._rebuild`) keeps
each input file's path (relative to the project folder:
:func:`~healthy_streets._files.recorded_path`), SHA-256 and reader options, and every
zone's ``zone_id`` and name.
``build --zone NAME`` checks the name against those zones (:func:`recorded_zones`) when the
zones file is the one that build read, read the same way by the same toolkit: a misspelt
zone is then said, with the closest names, with no more than the standard library loaded.
Anything else (no record, another zones file, a file changed since, other options) is
answered by reading the zones file
(:func:`healthy_streets._project_zones.zone_in_project`).
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from healthy_streets import settings
from healthy_streets._files import inside, recorded_path, sha256, side_files
from healthy_streets._version import __version__

__all__ = [
    "MAPS_MADE",
    "RECORD_FORMAT",
    "RECORD_NAME",
    "TOOLKIT_SETTINGS",
    "as_recorded",
    "read_record",
    "recorded_options",
    "recorded_zones",
    "side_file_digests",
    "toolkit_digest",
    "toolkit_settings",
]

#: The record of the last build, in the output folder.
RECORD_NAME = ".healthy-streets-build.json"
#: The record's list of the maps and PDFs the toolkit wrote into the output folder, and
#: has not removed since (a ``--zone`` build's record lists only its own outputs).
MAPS_MADE = "maps_made"
#: The record's layout; a record of another is not reused.
RECORD_FORMAT = 1
#: The toolkit's settings a build records (they change what the readers keep).
TOOLKIT_SETTINGS = ("working_crs", "nation", "street_buffer_m", "attach_distance_m")


def as_recorded(value: Any) -> Any:
    """``value`` as the record's JSON holds it (keys sorted, anything else as text)."""
    return json.loads(json.dumps(value, default=str, sort_keys=True))


#: The reader options that name a file (an assets entry's ``postcodes`` lookup).
FILE_OPTIONS = ("postcodes",)


def recorded_options(options: dict[str, Any], folder: Path) -> Any:
    """A reader's ``options`` as the record holds them (:func:`as_recorded`), a file they
    name relative to the project ``folder`` (:func:`~healthy_streets._files.recorded_path`)."""
    named = {
        key: recorded_path(value, folder) if key in FILE_OPTIONS and value else value
        for key, value in options.items()
    }
    return as_recorded(named)


@functools.cache
def toolkit_digest() -> str:
    """The SHA-256 of the toolkit's own files (its code, templates and map assets)."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def toolkit_settings() -> dict[str, Any]:
    """The toolkit's settings (:mod:`healthy_streets.settings`) a build records."""
    return {key: getattr(settings, key) for key in TOOLKIT_SETTINGS}


def read_record(out: Path) -> tuple[dict[str, Any] | None, str]:
    """The last build's record in ``out``, or ``None`` and why there is none to use."""
    path = out / RECORD_NAME
    if not path.is_file():
        return None, f"no earlier build is recorded in {out}"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return None, f"the record of the last build, {path}, could not be read ({exc})"
    if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT:
        return None, f"the record of the last build, {path}, is of another version"
    # the outputs a build may remove or replace: only files in the output folder, whatever
    # a record edited by hand says ("tables/../../x.csv")
    outputs = record.get("outputs")
    record["outputs"] = {
        str(name): digest
        for name, digest in (outputs.items() if isinstance(outputs, dict) else ())
        if isinstance(name, str) and _in_output(out, name)
    }
    made = record.get(MAPS_MADE)
    record[MAPS_MADE] = [
        name for name in (made if isinstance(made, list) else ()) if _in_output(out, name)
    ]
    return record, ""


def _in_output(out: Path, name: object) -> bool:
    """Whether ``name``, as the record lists an output, is a relative path inside ``out``."""
    return (
        isinstance(name, str)
        and not Path(name).is_absolute()
        and "\\" not in name
        and ".." not in Path(name).parts
        and inside(out / name, out)
    )


def recorded_zones(
    out: Path, zones_file: Path, options: dict[str, Any], *, folder: Path
) -> dict[str, list[str]]:
    """The zones the last build into ``out`` read from ``zones_file`` (in the project
    ``folder``) with the reader's
    ``options``, as ``{"zone_id": [...], "name": [...]}``; empty when that build is not
    known to have read them from this very file: no record, or one without its zones,
    another file or options, the file or a file read beside it (a Shapefile's .dbf)
    changed since, or another toolkit (version, files or settings)."""
    record, _ = read_record(out)
    if record is None or not isinstance(record.get("zones"), list):
        return {}
    inputs = record.get("inputs") or {}
    same_toolkit = (
        inputs.get("toolkit_version") == __version__
        and (inputs.get("settings") or {}).get("toolkit_settings")
        == as_recorded(toolkit_settings())
        and inputs.get("toolkit_files") == toolkit_digest()
    )
    if not same_toolkit:
        return {}
    path = zones_file.resolve()
    entries = [f for f in inputs.get("files") or [] if f.get("role") == "zones"]
    if len(entries) != 1 or not _same_file(entries[0], path, options, folder):
        return {}
    zones = record["zones"]
    try:
        return {
            "zone_id": [str(z["zone_id"]) for z in zones],
            "name": [str(z["name"]) for z in zones],
        }
    except (TypeError, KeyError):
        return {}


def _same_file(entry: dict[str, Any], path: Path, options: dict[str, Any], folder: Path) -> bool:
    """Whether the record's ``entry`` is the file at ``path`` read with ``options``, its
    content and that of the files read beside it unchanged."""
    if entry.get("path") != recorded_path(path, folder):
        return False
    if entry.get("options") != recorded_options(options, folder):
        return False
    try:
        if not path.is_file() or entry.get("sha256") != sha256(path):
            return False
        return entry.get("side_files") == side_file_digests(path)
    except OSError:
        return False


def side_file_digests(path: Path) -> dict[str, str]:
    """The SHA-256 of each file read beside ``path`` (a Shapefile's .dbf, where QGIS saves
    an edited name; a GeoPackage's -wal, where SQLite keeps rows not yet written into the
    file), by name; a GeoPackage's -shm and -journal hold no rows and are left out."""
    return {
        side.name: sha256(side)
        for side in side_files(path.resolve())
        if side.is_file() and not side.name.endswith(("-shm", "-journal"))
    }
