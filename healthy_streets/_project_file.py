"""The parts of a project file read before the library loads: where the file is, and its
``[zones]`` table as a :class:`~healthy_streets.model.build.Source`.

A build for one zone (``build --zone NAME``) checks the name against the zones file alone,
read through here, so that a misspelt zone is said (with the closest names) before the rest
of the toolkit is imported; :func:`healthy_streets.project.load_project` reads the same
table through the same function.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from healthy_streets.errors import HealthyStreetsError
from healthy_streets.io.zones import read_zones
from healthy_streets.model.build import Source
from healthy_streets.model.ids import zone_id_of

__all__ = ["CONFIG_NAME", "project_file", "zone_in_project", "zones_source"]

#: The project file's name in a project folder.
CONFIG_NAME = "healthy-streets.toml"


def project_file(path: str | Path) -> Path:
    """The project file ``path`` names: the file itself, or its folder's
    ``healthy-streets.toml``."""
    file = Path(path)
    return file / CONFIG_NAME if file.is_dir() else file


def zones_source(zones_table: dict[str, Any], base: Path) -> Source:
    """The zones file a project's ``[zones]`` table names (relative to ``base``, the
    project's folder), with the reader's options the table gives."""
    options: dict[str, Any] = {
        k: zones_table[k]
        for k in ("crs", "layer", "assume_bng", "fields", "date_order")
        if k in zones_table
    }
    return Source((base / zones_table["file"]).resolve(), options=options, origin="[zones] file")


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
