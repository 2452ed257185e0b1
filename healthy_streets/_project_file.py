"""The parts of a project file read before the library loads: where the file is, the zones
file its ``[zones]`` table names, and a zone named for a build checked against the zones
the last build recorded.

``build --zone NAME`` checks the name here first (:func:`zone_in_last_build`): when the last
build into the output folder read this very zones file, unchanged, the same way, its record
(:mod:`healthy_streets._build_record`) holds every zone's id and name, and a misspelt zone
is said (with the closest names) with nothing but the standard library loaded. Otherwise
:func:`healthy_streets._project_zones.zone_in_project` reads the zones file alone, before
the rest of the toolkit is imported.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from healthy_streets._build_record import recorded_zones
from healthy_streets.model.ids import zone_id_of

__all__ = ["CONFIG_NAME", "ZONE_OPTIONS", "project_file", "zone_in_last_build", "zones_file"]

#: The project file's name in a project folder.
CONFIG_NAME = "healthy-streets.toml"

#: The keys of a project's ``[zones]`` table given to the zones reader.
ZONE_OPTIONS = ("crs", "layer", "assume_bng", "fields", "date_order")


def project_file(path: str | Path) -> Path:
    """The project file ``path`` names: the file itself, or its folder's
    ``healthy-streets.toml``."""
    file = Path(path)
    return file / CONFIG_NAME if file.is_dir() else file


def zones_file(zones_table: dict[str, Any], base: Path) -> tuple[Path, dict[str, Any]]:
    """The zones file a project's ``[zones]`` table names (relative to ``base``, the
    project's folder, resolved), and the reader's options the table gives."""
    options = {k: zones_table[k] for k in ZONE_OPTIONS if k in zones_table}
    return (base / zones_table["file"]).resolve(), options


def zone_in_last_build(
    path: str | Path, wanted: str, *, output: str | Path | None = None
) -> str | None:
    """The ``zone_id`` of the zone ``wanted`` names in the project at ``path``, from the
    record of the last build into its output folder (``output``, else the project's);
    ``None`` when that record cannot tell: no build recorded, or one that read another
    zones file, or this one before it changed, or read it another way.

    Raises
    ------
    ConfigError
        When the recorded zones have no zone of that id or name (the closest are
        suggested).
    """
    file = project_file(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
        zones, options = zones_file(data["zones"], file.parent)
        if output is None:  # as the project names it, beside the project file
            output = file.parent / data.get("project", {}).get("output", "out")
        recorded = recorded_zones(
            Path(output).resolve(), zones, options, folder=file.parent.resolve()
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # the project file is not as it should be: loading it says why
    return zone_id_of(recorded, wanted) if recorded else None
