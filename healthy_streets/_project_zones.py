"""A project's ``[zones]`` table as a :class:`~healthy_streets.model.build.Source`, and a zone
named for a build checked against the zones file alone.

``build --zone NAME`` reads the zones file through here when the last build's record cannot
answer (:func:`healthy_streets._project_file.zone_in_last_build`), so that a misspelt zone
is said (with the closest names) before the rest of the toolkit is imported;
:func:`healthy_streets.project.load_project` reads the same table through the same function.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from healthy_streets._project_file import project_file, zones_file
from healthy_streets.errors import HealthyStreetsError
from healthy_streets.io.zones import read_zones
from healthy_streets.model.build import Source
from healthy_streets.model.ids import zone_id_of

__all__ = ["zone_in_project", "zones_source"]


def zones_source(zones_table: dict[str, Any], base: Path) -> Source:
    """The zones file a project's ``[zones]`` table names (relative to ``base``, the
    project's folder), with the reader's options the table gives."""
    path, options = zones_file(zones_table, base)
    return Source(path, options=options, origin="[zones] file")


def zone_in_project(path: str | Path, wanted: str) -> str | None:
    """The ``zone_id`` of the zone ``wanted`` names in the project at ``path``, from its
    zones file alone; ``None`` when the project file or the zones file cannot be read (then
    :func:`~healthy_streets.project.load_project` or the build says what is wrong).

    Raises
    ------
    ConfigError
        When the zones file has no zone of that id or name (the closest are suggested).
    """
    file = project_file(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
        table = data["zones"]
        source = zones_source(table, file.parent)
        zones = source.read(read_zones, **source.options).layer
    except (OSError, ValueError, KeyError, TypeError, HealthyStreetsError):
        return None
    return zone_id_of(zones, wanted)
