"""The table in which healthy-streets lists what it wrote into a GeoPackage (a store, or the
file of ``healthy-streets network --output``), apart from the store itself so that the
readers can ask it without loading the store and what the store loads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyogrio

__all__ = ["META_COLUMNS", "META_TABLE", "listed_layers", "written_layers"]

#: The table listing what the toolkit wrote.
META_TABLE = "healthy_streets_meta"
META_COLUMNS = ["layer", "toolkit_version", "written_at", "build_id"]


def listed_layers(found: dict[str, list[str]], meta: Callable[[], pd.DataFrame]) -> set[str]:
    """The names ``healthy_streets_meta`` lists, given each table of a file and its columns
    (``found``) and a way to read that table (nothing, if there is no such table of the
    toolkit's)."""
    if found.get(META_TABLE) != META_COLUMNS:
        return set()
    return set(meta()["layer"].dropna().astype("str"))


def written_layers(path: Path) -> set[str]:
    """The layers and tables of a GeoPackage that healthy-streets wrote, as its
    ``healthy_streets_meta`` lists them (nothing for a file without that table, or one GDAL
    cannot open)."""
    try:
        names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
        if META_TABLE not in names:
            return set()
        found = {META_TABLE: list(pyogrio.read_info(path, layer=META_TABLE)["fields"])}
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError):
        return set()
    return listed_layers(
        found, lambda: pyogrio.read_dataframe(path, layer=META_TABLE, read_geometry=False)
    )
