"""A build's attaching, per-zone counts and maps' rows done in its PostGIS store's database.

With ``[store] in_database = true`` (or ``build --in-database``) and a PostgreSQL store,
a build reads its inputs and cuts the streets at the zones as always, then writes the layers
into a working schema of the database (:func:`layers_in_database`) and takes from it each asset's
and report's zone and nearest street, and the summary's and the category tables' counts
(:func:`with_database_counts`). The maps' background and 20mph gaps join them there
(:func:`map_rows`), and each map worker reads its own zone's rows back from the database to
draw its map. The results are those of the in-memory path (the tests compare them on the
sample); ``docs/postgis.md`` says when the database is worth it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import geopandas as gpd
import pandas as pd

from healthy_streets._audience import option
from healthy_streets.errors import ConfigError
from healthy_streets.io.postgis_analysis import (
    WorkingSchema,
    ZoneCounts,
    ZoneRowsReader,
    layers_attached_in_database,
    working_schema,
)
from healthy_streets.model.build import Layers

__all__ = [
    "attached_in_database",
    "check_in_database",
    "layers_in_database",
    "map_rows",
    "with_database_counts",
]

_STATUSES = ["open", "fixed", "closed"]


def check_in_database(target: str) -> None:
    """Refuse (:class:`ConfigError`) to attach in the database of a store that is not a
    PostgreSQL database."""
    if not str(target).startswith(("postgresql:", "postgresql+psycopg:", "postgres:")):
        raise ConfigError(
            f"Attaching in the database needs a PostGIS store, but the store is {target!r}. "
            "Give the store as a PostgreSQL URL "
            f"({option('store', 'postgresql://user@host/database')}), or build without "
            f"{option('in_database')}."
        )


def attached_in_database(store: Any, layers: Layers) -> tuple[Layers, ZoneCounts]:
    """``layers`` with each asset's and report's zone and street from ``store``'s database,
    and the per-zone counts (see
    :func:`~healthy_streets.io.postgis_analysis.layers_attached_in_database`)."""
    return layers_attached_in_database(store, layers)


@contextlib.contextmanager
def layers_in_database(store: Any, layers: Layers) -> Iterator[WorkingSchema]:
    """The build's layers in a working schema of ``store``'s database, attached and
    counted there, for the ``with`` block (then dropped): its ``layers`` are attached, its
    ``counts`` the per-zone counts (see
    :func:`~healthy_streets.io.postgis_analysis.working_schema`)."""
    with working_schema(store, layers) as work:
        yield work


def map_rows(
    work: WorkingSchema, *, gaps: gpd.GeoDataFrame | None, basemap: gpd.GeoDataFrame | None
) -> ZoneRowsReader:
    """Write the maps' 20mph ``gaps`` and ``basemap`` beside the layers of ``work``, and
    return what the map workers read each zone's rows with
    (:func:`healthy_streets.maps.batch.save_maps`'s ``rows``)."""
    work.add("gaps", gaps)
    work.add("basemap", basemap)
    return work.reader()


def with_database_counts(
    tables: dict[str, pd.DataFrame], counts: ZoneCounts
) -> dict[str, pd.DataFrame]:
    """The build's tables with the counts of ``summary``, ``reports_by_category`` and
    ``assets_by_category`` taken from the database's aggregates (a zone or category the
    database has no row for counts 0)."""
    out = dict(tables)
    if "summary" in out:
        summary = out["summary"].copy()
        by_zone = counts.reports.set_index("zone_id")
        for column in ["reports", *_STATUSES]:
            summary[column] = _looked_up(summary, ["zone_id"], by_zone[column])
        assets = counts.assets.set_index("zone_id")["assets"]
        summary["assets"] = _looked_up(summary, ["zone_id"], assets)
        out["summary"] = summary
    keys = ["zone_id", "category"]
    if "reports_by_category" in out:
        table = out["reports_by_category"].copy()
        found = counts.reports_by_category.set_index(keys)
        for column in ["count", *_STATUSES]:
            table[column] = _looked_up(table, keys, found[column])
        out["reports_by_category"] = table
    if "assets_by_category" in out:
        table = out["assets_by_category"].copy()
        found = counts.assets_by_category.set_index(keys)
        table["count"] = _looked_up(table, keys, found["count"])
        out["assets_by_category"] = table
    return out


def _looked_up(table: pd.DataFrame, keys: list[str], values: pd.Series) -> pd.Series:
    index = pd.MultiIndex.from_frame(table[keys]) if len(keys) > 1 else pd.Index(table[keys[0]])
    found = values.reindex(index).fillna(0).astype("int64")
    return pd.Series(found.to_numpy(), index=table.index)
