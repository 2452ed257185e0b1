"""The project store: every normalised layer, the rejected rows, and where each came from.

By default a GeoPackage in the output folder (``healthy-streets.gpkg``), which the council's
GIS team opens in QGIS; or a PostGIS database shared by a team (``postgresql://...``),
written through SQLAlchemy, GeoAlchemy2 and psycopg into one schema.

Layers: ``zones``, ``streets``, ``assets``, ``reports`` (and ``speed_limits`` where a
project has council speed-limit lines), in the working CRS, columns as in
``docs/layers.md``. Tables: ``rejected`` (every row not used, with the reason) and
``provenance`` (each input's path, size, SHA-256, modification time, when it was imported,
rows in, kept, repaired, rejected, and the toolkit's version).

A project build replaces the store's contents whole, so that the store mirrors the files the
project names (nothing lingers from a file since removed). A file imported alone
(``healthy-streets reports FILE --output store.gpkg``) replaces only its own earlier rows:
rows are keyed by their ``source`` (the file's name), so importing the same file again
never doubles them, and files add up; a street network replaces the ``streets`` layer.
An update happens all at once or not at all: the GeoPackage is updated in a copy that
replaces it at the end; PostGIS in one transaction.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import pyogrio

from healthy_streets import __version__
from healthy_streets._files import atomic_path, sha256
from healthy_streets.model.account import ACCOUNT_COLUMNS
from healthy_streets.model.layers import LAYERS, conform

if TYPE_CHECKING:
    from healthy_streets.model.account import ImportResult
    from healthy_streets.pipeline import Inputs, Layers

__all__ = [
    "PROVENANCE_COLUMNS",
    "GeoPackageStore",
    "PostGISStore",
    "StoreUpdate",
    "import_update",
    "open_store",
    "provenance_row",
    "store_update",
]

PROVENANCE_COLUMNS = [
    "input",
    "role",
    "path",
    "size_bytes",
    "sha256",
    "modified_at",
    "imported_at",
    "unit",
    "rows_in",
    "kept",
    "repaired",
    "rejected",
    "toolkit_version",
]
REJECTED_COLUMNS = ["layer", *ACCOUNT_COLUMNS]


@dataclass
class StoreUpdate:
    """What one build or import puts in the store.

    Attributes
    ----------
    layers
        Layer name -> (rows, the ``source`` values they replace; ``None`` replaces all).
    rejected
        Rejected rows (``layer`` and the account's columns), replacing those of the same
        sources.
    provenance
        One row per input, replacing earlier rows of the same input.
    whole
        Replace every layer and table entirely (a project build: the store then mirrors the
        project's files, with nothing left from files the project no longer names).
    """

    layers: dict[str, tuple[gpd.GeoDataFrame, set[str] | None]]
    rejected: pd.DataFrame
    provenance: pd.DataFrame
    whole: bool = False

    @property
    def sources(self) -> set[str]:
        """Every input this update replaces."""
        return set(self.provenance["input"].astype("str"))


def store_update(layers: Layers, inputs: Inputs, *, whole: bool = True) -> StoreUpdate:
    """The :class:`StoreUpdate` for a build's layers (by default replacing the store's
    contents whole, so that it mirrors the project)."""
    paths = {s.path.name: s.path for s in inputs.sources()}
    rows = [provenance_row(result, paths.get(result.source)) for result in layers.imports]
    rejected = [r.rejected.assign(layer=r.kind) for r in layers.imports if len(r.rejected)]
    sources: dict[str, set[str]] = {}
    for result in layers.imports:
        if result.kind in ("zones", "assets", "reports", "speed_limits"):
            sources.setdefault(result.kind, set()).update(_sources_of(result))
    update_layers: dict[str, tuple[gpd.GeoDataFrame, set[str] | None]] = {
        "zones": (layers.zones, None if whole else sources.get("zones", set())),
        "streets": (layers.streets, None),
        "assets": (layers.assets, None if whole else sources.get("assets", set())),
        "reports": (layers.reports, None if whole else sources.get("reports", set())),
    }
    if layers.speed_limits is not None:
        update_layers["speed_limits"] = (
            layers.speed_limits,
            None if whole else sources.get("speed_limits", set()),
        )
    return StoreUpdate(
        layers=update_layers,
        rejected=_rejected_frame(rejected),
        provenance=pd.DataFrame(rows, columns=PROVENANCE_COLUMNS),
        whole=whole,
    )


def import_update(result: ImportResult, path: Path | None) -> StoreUpdate:
    """The :class:`StoreUpdate` for one file imported alone (``healthy-streets reports FILE
    --output store.gpkg``): its rows replace that file's earlier rows; the rest stay. A
    street network replaces the whole ``streets`` layer."""
    replaces = None if result.kind == "streets" else _sources_of(result)
    rejected = [result.rejected.assign(layer=result.kind)] if len(result.rejected) else []
    return StoreUpdate(
        layers={result.kind: (result.layer, replaces)},
        rejected=_rejected_frame(rejected),
        provenance=pd.DataFrame([provenance_row(result, path)], columns=PROVENANCE_COLUMNS),
    )


def _sources_of(result: ImportResult) -> set[str]:
    found = (
        set(result.layer["source"].dropna().astype("str"))
        if (len(result.layer) and "source" in result.layer)
        else set()
    )
    return found | {result.source}


def _rejected_frame(frames: list[pd.DataFrame]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame(columns=REJECTED_COLUMNS)
    return pd.concat(frames, ignore_index=True)[REJECTED_COLUMNS]


def provenance_row(result: ImportResult, path: Path | None) -> dict[str, Any]:
    """Where a layer came from: the file, its size, checksum and times, and the account."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    is_file = path is not None and path.is_file()
    return {
        "input": result.source,
        "role": result.kind,
        "path": str(path.resolve()) if path is not None else result.source,
        "size_bytes": path.stat().st_size if is_file else None,  # type: ignore[union-attr]
        "sha256": sha256(path) if is_file else None,  # type: ignore[arg-type]
        "modified_at": (
            dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)  # type: ignore[union-attr]
            .replace(microsecond=0)
            .isoformat()
            if is_file
            else None
        ),
        "imported_at": now,
        "unit": result.unit,
        "rows_in": result.rows_in,
        "kept": result.kept,
        "repaired": result.n_repaired,
        "rejected": result.n_rejected,
        "toolkit_version": __version__,
    }


def open_store(target: str | Path, *, schema: str = "healthy_streets") -> Any:
    """A :class:`GeoPackageStore` for a ``.gpkg`` path, a :class:`PostGISStore` for a
    ``postgresql://`` URL."""
    text = str(target)
    if text.startswith(("postgresql:", "postgresql+psycopg:", "postgres:")):
        return PostGISStore(text, schema=schema)
    path = Path(text)
    if path.suffix.lower() != ".gpkg":
        from healthy_streets.errors import ConfigError

        raise ConfigError(f"The store {text!r} should be a .gpkg file or a postgresql:// URL.")
    return GeoPackageStore(path)


class GeoPackageStore:
    """The store as one GeoPackage."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def update(self, update: StoreUpdate) -> None:
        """Apply ``update`` all at once (in a copy that replaces the file at the end)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(self.path) as tmp:
            if self.path.exists():
                shutil.copyfile(self.path, tmp)
            else:
                tmp.unlink()
            present = _gpkg_layers(tmp)
            for name, (frame, sources) in update.layers.items():
                merged = frame
                if name in present and sources is not None and not update.whole:
                    old = conform(gpd.read_file(tmp, layer=name), LAYERS[name])
                    merged = pd.concat(
                        [old[~old["source"].isin(sources)], frame], ignore_index=True
                    )
                    merged = gpd.GeoDataFrame(merged, geometry="geometry", crs=frame.crs)
                _write(conform(merged, LAYERS[name]), tmp, name)
            for name, frame, key in (
                ("rejected", update.rejected, "source"),
                ("provenance", update.provenance, "input"),
            ):
                if name in present and not update.whole:
                    old = pyogrio.read_dataframe(tmp, layer=name, read_geometry=False)
                    frame = pd.concat(
                        [old[~old[key].astype("str").isin(update.sources)], frame],
                        ignore_index=True,
                    )
                _write(frame, tmp, name)

    def read(self, layer: str) -> pd.DataFrame:
        """A layer (or table) of the store."""
        if layer in LAYERS:
            return conform(gpd.read_file(self.path, layer=layer), LAYERS[layer])
        return pyogrio.read_dataframe(self.path, layer=layer, read_geometry=False)


def _gpkg_layers(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {str(name) for name in pyogrio.list_layers(path)[:, 0]}


def _write(frame: pd.DataFrame, path: Path, layer: str) -> None:
    from healthy_streets.io.write import _gpkg_ready

    options: dict[str, Any] = {}
    if isinstance(frame, gpd.GeoDataFrame):
        kinds = set(frame.geom_type.dropna())
        if not kinds or len(kinds) > 1:
            options["geometry_type"] = "Unknown" if len(kinds) != 1 else kinds.pop()
        if kinds <= {"Polygon", "MultiPolygon"} and kinds:
            options["geometry_type"] = "MultiPolygon"
            options["promote_to_multi"] = True
    pyogrio.write_dataframe(_gpkg_ready(frame), path, layer=layer, driver="GPKG", **options)


class PostGISStore:
    """The store as one schema of a PostGIS database, shared by a team."""

    def __init__(self, url: str, *, schema: str = "healthy_streets") -> None:
        self.url = _sqlalchemy_url(url)
        self.schema = schema

    def engine(self) -> Any:
        """A SQLAlchemy engine (psycopg 3)."""
        from sqlalchemy import create_engine

        return create_engine(self.url)

    def update(self, update: StoreUpdate) -> None:
        """Apply ``update`` in one transaction."""
        from sqlalchemy import inspect, text

        try:
            engine = self.engine()
            with engine.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
                inspector = inspect(conn)
                for name, (frame, sources) in update.layers.items():
                    self._clear(conn, inspector, name, "source", None if update.whole else sources)
                    if len(frame):
                        frame.to_postgis(
                            name, conn, schema=self.schema, if_exists="append", index=False
                        )
                for name, frame, key in (
                    ("rejected", update.rejected, "source"),
                    ("provenance", update.provenance, "input"),
                ):
                    self._clear(
                        conn, inspector, name, key, None if update.whole else update.sources
                    )
                    if len(frame):
                        frame.to_sql(
                            name, conn, schema=self.schema, if_exists="append", index=False
                        )
            engine.dispose()
        except Exception as exc:
            from sqlalchemy.exc import SQLAlchemyError

            if not isinstance(exc, SQLAlchemyError | OSError):
                raise
            from healthy_streets.errors import HealthyStreetsError

            first = str(exc).strip().splitlines()[0][:200]
            raise HealthyStreetsError(
                f"The PostGIS store at {_safe_url(self.url)} could not be updated ({first}); "
                "nothing was changed. Check the server is running and the URL, user and "
                "password are right."
            ) from None

    def _clear(
        self, conn: Any, inspector: Any, table: str, key: str, values: set[str] | None
    ) -> None:
        from sqlalchemy import text

        if not inspector.has_table(table, schema=self.schema):
            return
        qualified = f'"{self.schema}"."{table}"'
        if values is None:
            conn.execute(text(f"DELETE FROM {qualified}"))  # noqa: S608 - names are ours
        elif values:
            conn.execute(
                text(f'DELETE FROM {qualified} WHERE "{key}" = ANY(:values)'),  # noqa: S608
                {"values": sorted(values)},
            )

    def read(self, layer: str) -> pd.DataFrame:
        """A layer (or table) of the store."""
        engine = self.engine()
        try:
            if layer in LAYERS:
                frame = gpd.read_postgis(
                    f'SELECT * FROM "{self.schema}"."{layer}"',  # noqa: S608
                    engine,
                    geom_col="geometry",
                )
                return conform(frame, LAYERS[layer])
            return pd.read_sql(f'SELECT * FROM "{self.schema}"."{layer}"', engine)  # noqa: S608
        finally:
            engine.dispose()


def _sqlalchemy_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
