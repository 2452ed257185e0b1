"""The project store: every normalised layer, the rejected rows, and where each came from.

By default a GeoPackage in the output folder (``healthy-streets.gpkg``), which the council's
GIS team opens in QGIS; or a PostGIS database shared by a team (``postgresql://...``),
written through SQLAlchemy, GeoAlchemy2 and psycopg into one schema.

Layers: ``zones``, ``streets``, ``assets``, ``reports`` (and ``speed_limits`` where a
project has council speed-limit lines), in the working CRS, with the columns of
``docs/layers.md`` and one more, ``source_path``. Tables: ``rejected`` (every row not used,
with the reason), ``repaired`` (every row kept after the reader changed something in it:
which field, the value as read, and what was done and why), ``provenance`` (each input's
name, path, size, SHA-256, modification time, when it was imported, rows in, kept, repaired,
rejected, outside the project area, the toolkit's version, rows set aside for review and the
date of the data, for an OpenStreetMap extract that says it) and ``healthy_streets_meta``
(each layer and table the toolkit wrote, with its version and the build that wrote it); and
from builds, ``builds`` and ``build_zones``, appended to by every build and never replaced,
and ``build_items``, what the last build of every zone saw (the baseline of the next
comparison), replaced by each such build (:mod:`healthy_streets.model.history`).

**What the toolkit wrote, and nothing else.** A layer or table of one of those names is the
toolkit's only when ``healthy_streets_meta`` lists it and its columns are exactly the
toolkit's. Anything else (the council's own ``zones`` layer, a ``reports`` table of another
kind, a file that is not a GeoPackage) is never written over, merged into or dropped unless
the caller passes ``overwrite`` (``--overwrite``): the update is refused with
:class:`~healthy_streets.errors.ForeignLayerError`, naming the store and the layers. Other
layers of the file or schema are never touched. (A store written by a development version
from before ``healthy_streets_meta`` existed is refused the same way: rebuild it with
``--overwrite``.)

**Rows keyed by the input's full identity.** Every row of a layer, and every rejected and
repaired row, carries ``source_path``: the path of the file it came from relative to the
project folder (``reports/fixmystreet.csv``; for a file outside it,
``<outside>/<digest>/<name>``, see :func:`~healthy_streets._files.recorded_path`), or, for
an online source, its name. The store is shared: where the files are on the officer's
machine (their user name, their folders) is never in it. The project folder is the project
file's folder for a build; for a file imported alone, the nearest folder holding a
``healthy-streets.toml`` around the GeoPackage (else the GeoPackage's folder), or for
PostGIS around the current folder. A store written before this holds absolute paths: a file
imported again replaces the rows its absolute path keys too. ``source`` stays the file's
name, for people to read. The provenance row of that input has the same ``path``, with the
file's SHA-256: ``path`` and ``sha256`` together identify what was imported. A project build
replaces the store's contents whole, so that the store mirrors the files the project names
(nothing lingers from a file since removed). A file imported alone (``healthy-streets
reports FILE --output store.gpkg``) replaces the rows of earlier imports of the same layer
from the same path (the same file, perhaps with new content), or with the same SHA-256 (the
same content, moved): importing a file again never doubles its rows, while another file of
the same name (``a/reports.json`` and ``b/reports.json``) adds its own. A street network
replaces the ``streets`` layer.

**All at once or not at all.** An update is prepared first (:meth:`GeoPackageStore.prepare`:
the GeoPackage updated in a copy; :meth:`PostGISStore.prepare`: one transaction, not yet
committed) and made real in one step (the copy renamed over the file; the transaction
committed). A build prepares the store next to its staged maps and tables, and commits both
together (see :mod:`healthy_streets._staging`); the build's id is recorded in
``healthy_streets_meta``, which lets the next build tell whether a PostGIS commit happened
before a build was killed. A store that cannot be read or written (a full disk, a database
that cannot be reached) raises :class:`~healthy_streets.errors.StoreError` and is left as it
was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from healthy_streets import settings
from healthy_streets._files import project_folder, recorded_path, sha256, write_fix
from healthy_streets._version import __version__
from healthy_streets.errors import (
    ConfigError,
    ForeignLayerError,
    HealthyStreetsError,
    StoreError,
)
from healthy_streets.io._common import check_buffer_m
from healthy_streets.io._meta import META_COLUMNS, META_TABLE, listed_layers
from healthy_streets.io.styles import write_styles
from healthy_streets.io.write import write_gpkg
from healthy_streets.model.account import ACCOUNT_COLUMNS, AccountBook, ImportResult
from healthy_streets.model.area import around
from healthy_streets.model.build import Inputs, Layers
from healthy_streets.model.history import (
    BUILD_ITEMS_COLUMNS,
    BUILD_ZONES_COLUMNS,
    BUILDS_COLUMNS,
    EARLIER_ASSET_COLUMNS,
    EARLIER_REPORT_COLUMNS,
    EarlierBuild,
    from_items,
)
from healthy_streets.model.layers import ASSETS, LAYERS, conform
from healthy_streets.model.words import counted

__all__ = [
    "META_COLUMNS",
    "META_TABLE",
    "PROVENANCE_COLUMNS",
    "REJECTED_COLUMNS",
    "REPAIRED_COLUMNS",
    "SOURCE_PATH",
    "GeoPackageStore",
    "KeptAdditions",
    "PostGISStore",
    "PreparedUpdate",
    "StoreArea",
    "StoreUpdate",
    "import_update",
    "kept_additions",
    "markdown",
    "open_store",
    "project_area",
    "provenance_row",
    "store_area",
    "store_names",
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
    "outside",
    "columns",
    "toolkit_version",
    "for_review",
    "data_date",
]
#: The column every stored row has beyond its layer's: the input's path, relative to the
#: project folder (:func:`~healthy_streets._files.recorded_path`).
SOURCE_PATH = "source_path"
REJECTED_COLUMNS = ["layer", *ACCOUNT_COLUMNS, SOURCE_PATH]
#: The rows kept that the reader repaired, as the import's account says (the values and
#: reasons with phone numbers and e-mail addresses removed, as in ``rejected``).
REPAIRED_COLUMNS = ["layer", *ACCOUNT_COLUMNS, SOURCE_PATH]
#: The tables of the imports' accounts, keyed as the layers' rows are: by ``layer`` and
#: ``source_path``.
ACCOUNT_TABLES = ("rejected", "repaired")
#: The build records: appended to by every build, never replaced (model/history.py).
HISTORY_TABLES = {"builds": BUILDS_COLUMNS, "build_zones": BUILD_ZONES_COLUMNS}
#: What the last build of every zone saw (model/history.py): replaced whole by each such
#: build, left as it is by a build of one zone.
BASELINE_TABLE = "build_items"
#: The tables that gained columns at their end since a store was first written (the build
#: records; ``provenance``, its ``for_review`` and ``data_date``): an earlier version's
#: table is the toolkit's, read and extended with the new columns empty (not known).
GROWN_TABLES = {*HISTORY_TABLES, "provenance"}
_TABLES = {
    "rejected": REJECTED_COLUMNS,
    "repaired": REPAIRED_COLUMNS,
    "provenance": PROVENANCE_COLUMNS,
    META_TABLE: META_COLUMNS,
    **HISTORY_TABLES,
    BASELINE_TABLE: BUILD_ITEMS_COLUMNS,
}


def stored_columns(name: str) -> list[str]:
    """The columns (geometry aside) of a layer or table as the store holds it."""
    if name in LAYERS:
        return [c for c in LAYERS[name].column_names if c != "geometry"] + [SOURCE_PATH]
    return list(_TABLES[name])


def store_names(layers: Iterable[str], *, history: bool = False) -> list[str]:
    """Every layer and table an update of ``layers`` writes (and with ``history``, a
    build's, the build records and what it saw)."""
    records = [*HISTORY_TABLES, BASELINE_TABLE] if history else []
    return [*layers, *ACCOUNT_TABLES, "provenance", *records, META_TABLE]


@dataclass
class StoreUpdate:
    """What one build or import puts in the store.

    Attributes
    ----------
    layers
        Layer name -> (its rows, the ``source_path`` values whose rows they replace;
        ``None`` replaces all). Rows without a ``source_path`` column take their
        ``source``.
    rejected
        Rejected rows (:data:`REJECTED_COLUMNS`), replacing those of the same layer and
        paths.
    repaired
        Rows kept that the reader repaired (:data:`REPAIRED_COLUMNS`), replacing those of
        the same layer and paths.
    provenance
        One row per input (:data:`PROVENANCE_COLUMNS`), replacing earlier rows of the same
        role and path (or SHA-256).
    whole
        Replace every layer and table entirely (a project build: the store then mirrors the
        project's files, with nothing left from files the project no longer names).
    history
        A build's record: table name (``builds``, ``build_zones``) -> rows appended to it;
        and for a build of every zone, ``build_items`` -> the rows that replace it.
    absolute
        Each input's ``source_path`` -> its resolved path, as a store written before paths
        were kept relative names it: rows of such a store keyed by it are replaced too.
    """

    layers: dict[str, tuple[gpd.GeoDataFrame, set[str] | None]]
    rejected: pd.DataFrame
    provenance: pd.DataFrame
    whole: bool = False
    history: dict[str, pd.DataFrame] = field(default_factory=dict)
    repaired: pd.DataFrame = field(default_factory=lambda: _account_frame([], "repaired"))
    absolute: dict[str, str] = field(default_factory=dict)

    def names(self) -> list[str]:
        """Every layer and table this update writes."""
        return [*self.layers, *ACCOUNT_TABLES, "provenance", *self.history, META_TABLE]

    def accounts(self) -> list[tuple[str, pd.DataFrame]]:
        """The imports' account tables (``rejected``, ``repaired``) with their rows."""
        return [("rejected", self.rejected), ("repaired", self.repaired)]

    def replaced(self, old_provenance: pd.DataFrame | None) -> dict[str, set[str] | None]:
        """Layer -> the ``source_path`` values whose rows this update replaces (``None``:
        every row).

        Besides the paths named, rows of an earlier import of the same content (the same
        SHA-256 for the same role, from another path: the file was moved), and rows an
        earlier version keyed by the file's absolute path, are replaced too.
        """
        if self.whole:
            return dict.fromkeys(self.layers)
        moved: dict[str, set[str]] = {}
        if old_provenance is not None and len(old_provenance) and len(self.provenance):
            old = old_provenance.dropna(subset=["sha256"])
            for row in self.provenance.dropna(subset=["sha256"]).itertuples():
                same = old[(old["role"] == row.role) & (old["sha256"] == row.sha256)]
                moved.setdefault(str(row.path), set()).update(same["path"].astype("str"))
        out: dict[str, set[str] | None] = {}
        for name, (_, paths) in self.layers.items():
            if paths is None:
                out[name] = None
                continue
            earlier = {self.absolute[p] for p in paths if p in self.absolute}
            out[name] = set(paths).union(earlier, *(moved.get(p, set()) for p in paths))
        return out


def store_update(
    layers: Layers, inputs: Inputs, *, whole: bool = True, folder: str | Path | None = None
) -> StoreUpdate:
    """The :class:`StoreUpdate` for a build's layers (by default replacing the store's
    contents whole, so that it mirrors the project).

    Each import is matched with its file through ``layers.import_paths`` (set by
    :func:`~healthy_streets.pipeline.load_layers`), else through the file names of
    ``inputs``. Files are named relative to the project ``folder`` (default: the project
    folder around the current folder, :func:`~healthy_streets._files.project_folder`).
    """
    base = _base(folder)
    by_name = {s.path.name: s.path for s in inputs.sources() if s.path is not None}
    paths = list(getattr(layers, "import_paths", []) or [])
    if len(paths) != len(layers.imports):
        paths = [by_name.get(r.source) for r in layers.imports]
    identities = [_identity(r, p, base) for r, p in zip(layers.imports, paths, strict=True)]
    rows = [provenance_row(r, p, folder=base) for r, p in zip(layers.imports, paths, strict=True)]
    rejected = [
        _account(r, "rejected", identity)
        for r, identity in zip(layers.imports, identities, strict=True)
        if len(r.rejected)
    ]
    repaired = [
        _account(r, "repaired", identity)
        for r, identity in zip(layers.imports, identities, strict=True)
        if len(r.repaired)
    ]
    frames = {"zones": layers.zones, "streets": layers.streets}
    frames |= {"assets": layers.assets, "reports": layers.reports}
    if layers.speed_limits is not None:
        frames["speed_limits"] = layers.speed_limits
    update_layers: dict[str, tuple[gpd.GeoDataFrame, set[str] | None]] = {}
    for name, frame in frames.items():
        mine = [(r, i) for r, i in zip(layers.imports, identities, strict=True) if r.kind == name]
        replaces = None if whole or name == "streets" else {i for _, i in mine}
        update_layers[name] = (_with_source_paths(frame, mine), replaces)
    return StoreUpdate(
        layers=update_layers,
        rejected=_account_frame(rejected, "rejected"),
        provenance=pd.DataFrame(rows, columns=PROVENANCE_COLUMNS),
        whole=whole,
        repaired=_account_frame(repaired, "repaired"),
        absolute=_absolute(zip(identities, paths, strict=True)),
    )


def import_update(
    result: ImportResult,
    path: str | Path | None,
    *,
    extra: dict[str, gpd.GeoDataFrame] | None = None,
    folder: str | Path | None = None,
) -> StoreUpdate:
    """The :class:`StoreUpdate` for one file imported alone (``healthy-streets reports FILE
    --output store.gpkg``): its rows replace the rows of earlier imports of that file; the
    rest stay. A street network replaces the whole ``streets`` layer.

    Parameters
    ----------
    result
        The import.
    path
        The file read (``None`` for an online source).
    extra
        Layers derived from the import (zones drawn from speed-limit lines), stored with
        the same ``source_path``.
    folder
        The project folder the file is named relative to (default: the one around the
        current folder, :func:`~healthy_streets._files.project_folder`).
    """
    path = Path(path) if path is not None else None
    base = _base(folder)
    identity = _identity(result, path, base)
    replaces = None if result.kind == "streets" else {identity}
    layers = {result.kind: (result.layer.assign(**{SOURCE_PATH: identity}), replaces)}
    for name, frame in (extra or {}).items():
        layers[name] = (frame.assign(**{SOURCE_PATH: identity}), {identity})
    rejected = [_account(result, "rejected", identity)] if len(result.rejected) else []
    repaired = [_account(result, "repaired", identity)] if len(result.repaired) else []
    return StoreUpdate(
        layers=layers,
        rejected=_account_frame(rejected, "rejected"),
        provenance=pd.DataFrame(
            [provenance_row(result, path, folder=base)], columns=PROVENANCE_COLUMNS
        ),
        repaired=_account_frame(repaired, "repaired"),
        absolute=_absolute([(identity, path)]),
    )


def _base(folder: str | Path | None) -> Path:
    """The project folder files are named relative to (default: around the current one)."""
    return Path(folder).resolve() if folder is not None else project_folder(Path.cwd())


def _identity(result: ImportResult, path: Path | None, folder: Path) -> str:
    """How the store names an input: its path relative to the project ``folder``
    (:func:`~healthy_streets._files.recorded_path`), else the online source's name."""
    return recorded_path(path, folder) if path is not None else result.source


def _absolute(identities: Iterable[tuple[str, Path | None]]) -> dict[str, str]:
    """Each file's ``source_path`` -> its resolved path (how earlier versions keyed it)."""
    return {i: str(p.resolve()) for i, p in identities if p is not None}


def _with_source_paths(
    frame: gpd.GeoDataFrame, imports: list[tuple[ImportResult, str]]
) -> gpd.GeoDataFrame:
    """``frame`` with each row's ``source_path``: the one import's, or (for a layer made of
    several imports, concatenated in order) each row's own import's; where the counts do
    not match (a layer built by hand), the path of the import of the row's ``source``."""
    if len(imports) == 1:
        return frame.assign(**{SOURCE_PATH: imports[0][1]})
    sizes = [len(r.layer) for r, _ in imports]
    if sum(sizes) == len(frame):
        values = [i for (_, i), n in zip(imports, sizes, strict=True) for _ in range(n)]
        return frame.assign(**{SOURCE_PATH: values})
    by_source = {r.source: i for r, i in imports}
    if "source" not in frame:
        return frame.assign(**{SOURCE_PATH: None})
    paths = frame["source"].map(lambda s: by_source.get(s, s))
    return frame.assign(**{SOURCE_PATH: paths})


def _account(result: ImportResult, table: str, identity: str) -> pd.DataFrame:
    """The import's ``rejected`` or ``repaired`` rows, as the store keeps them: with the
    layer and the input's identity (their values and reasons already without phone numbers
    and e-mail addresses: :class:`~healthy_streets.model.account.AccountBook`)."""
    rows: pd.DataFrame = getattr(result, table)
    return rows.assign(layer=result.kind, **{SOURCE_PATH: identity})


def _account_frame(frames: list[pd.DataFrame], table: str) -> pd.DataFrame:
    columns = stored_columns(table)
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def provenance_row(
    result: ImportResult, path: Path | None, *, folder: str | Path | None = None
) -> dict[str, Any]:
    """Where a layer came from: the file's name and path relative to the project
    ``folder`` (:func:`store_update`), its size, checksum and times, and the account."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    is_file = path is not None and path.is_file()
    stat = path.stat() if is_file else None  # type: ignore[union-attr]
    return {
        "input": result.source,
        "role": result.kind,
        "path": _identity(result, path, _base(folder)),
        "size_bytes": stat.st_size if stat else None,
        "sha256": sha256(path) if is_file else None,  # type: ignore[arg-type]
        "modified_at": (
            dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC).replace(microsecond=0).isoformat()
            if stat
            else None
        ),
        "imported_at": now,
        "unit": result.unit,
        "rows_in": result.rows_in,
        "kept": result.kept,
        "repaired": result.n_repaired,
        "rejected": result.n_rejected,
        "outside": result.n_outside,
        "columns": json.dumps(result.columns, ensure_ascii=False) if result.columns else None,
        "toolkit_version": __version__,
        "for_review": result.n_for_review,
        # the date of the data the file holds (an OpenStreetMap extract's), as ISO 8601
        "data_date": result.data_date.day.isoformat() if result.data_date is not None else None,
    }


def _stored(frame: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    """A layer as the store holds it: the layer's columns, then ``source_path``."""
    out = conform(frame, LAYERS[name])
    if SOURCE_PATH in frame:
        values = frame[SOURCE_PATH].to_numpy()
    else:
        values = frame["source"].to_numpy() if "source" in frame else [None] * len(frame)
    paths = pd.Series(values, index=out.index, dtype="object")
    out.insert(len(LAYERS[name].columns), SOURCE_PATH, paths.where(paths.notna(), None))
    return out


def _meta_rows(names: Iterable[str], build_id: str) -> pd.DataFrame:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    rows = [[name, __version__, now, build_id] for name in names]
    return pd.DataFrame(rows, columns=META_COLUMNS)


def _foreign(found: dict[str, list[str]], ours: set[str], names: Iterable[str]) -> dict[str, str]:
    """Of ``names``, those present (``found``: name -> columns) that are not the toolkit's,
    each with why."""
    out = {}
    for name in names:
        if name not in found:
            continue
        columns, expected = found[name], stored_columns(name)
        if name != META_TABLE and name not in ours:
            out[name] = f"not listed in {META_TABLE}; its columns: {_few(columns)}"
        elif columns != expected and not earlier_version(name, columns):
            extra = [c for c in columns if c not in expected]
            missing = [c for c in expected if c not in columns]
            parts = [f"extra {_few(extra)}"] if extra else []
            parts += [f"missing {_few(missing)}"] if missing else []
            out[name] = f"its columns are not the toolkit's {name}: " + (
                "; ".join(parts) or "another order"
            )
    return out


def earlier_version(name: str, columns: list[str]) -> bool:
    """Whether ``columns`` are those an earlier version of the toolkit stored layer ``name``
    with: its columns then (a layer only gains columns, at its end), then ``source_path``;
    or, for a table that gained columns (:data:`GROWN_TABLES`), its columns then. Such a
    layer is the toolkit's: an update rewrites it with today's columns (such a table's
    earlier rows with the new columns empty: not known)."""
    if name in GROWN_TABLES:
        now = stored_columns(name)
        return 0 < len(columns) < len(now) and now[: len(columns)] == columns
    if name not in LAYERS or not columns or columns[-1] != SOURCE_PATH:
        return False
    now = stored_columns(name)[:-1]
    then = columns[:-1]
    return len(then) < len(now) and now[: len(then)] == then


def _few(columns: list[str], limit: int = 6) -> str:
    shown = ", ".join(columns[:limit]) or "none"
    return shown + (f" and {len(columns) - limit} more" if len(columns) > limit else "")


def _current(name: str, columns: list[str]) -> bool:
    """Whether a table's ``columns`` are the toolkit's, today's or an earlier version's."""
    return columns == stored_columns(name) or earlier_version(name, columns)


@dataclass
class PreparedUpdate:
    """A store update ready to be made real in one step.

    Attributes
    ----------
    moves
        Files to rename into place (a GeoPackage's updated copy, and the file it replaces).
    commit
        What makes the update real besides the moves (a PostGIS commit), if anything.
    discard
        Throws the prepared update away (safe to call after ``commit``: it does nothing then).
    key
        For a store whose commit is not a move: which store it is (``build_committed`` asks
        it), else ``None``.
    digest
        For a PostGIS store, :meth:`PostGISStore.content_digest` of what the update leaves
        (taken inside its transaction), else ``None``.
    """

    moves: list[tuple[Path, Path]] = field(default_factory=list)
    commit: Callable[[], None] | None = None
    discard: Callable[[], None] = lambda: None
    key: str | None = None
    digest: str | None = None

    def apply(self) -> None:
        """Make the update real on its own (outside a build): commit, then move."""
        try:
            if self.commit is not None:
                self.commit()
            for source, target in self.moves:
                source.replace(target)
        finally:
            self.discard()


def open_store(target: str | Path, *, schema: str = "healthy_streets") -> Any:
    """A :class:`GeoPackageStore` for a ``.gpkg`` path, a :class:`PostGISStore` for a
    ``postgresql://`` URL."""
    text = str(target)
    if text.startswith(("postgresql:", "postgresql+psycopg:", "postgres:")):
        return PostGISStore(text, schema=schema)
    path = Path(text)
    if path.suffix.lower() != ".gpkg":
        raise ConfigError(f"The store {text!r} should be a .gpkg file or a postgresql:// URL.")
    return GeoPackageStore(path)


def project_area(zones: gpd.GeoDataFrame, *, buffer_m: float | None = None) -> Any:
    """The project area: ``zones`` and ``buffer_m`` metres around them, the area a build
    reads streets, assets and reports in (in the zones' CRS).

    Parameters
    ----------
    zones
        The ``zones`` layer.
    buffer_m
        Metres around the zones (default :data:`settings.street_buffer_m`).

    Raises
    ------
    ConfigError
        For a ``buffer_m`` the toolkit does not accept.
    """
    given = check_buffer_m(buffer_m)
    return around(zones, settings.street_buffer_m if given is None else given)


@dataclass
class StoreArea:
    """The project area of the zones a store holds (:func:`store_area`)."""

    #: The zones and ``buffer_m`` around them, in the working CRS: pass it as ``area=`` to
    #: :func:`~healthy_streets.io.assets.read_assets` or
    #: :func:`~healthy_streets.io.reports.read_reports`.
    area: Any
    #: How many zones the store holds.
    zones: int
    #: Metres around the zones.
    buffer_m: float
    #: The store for people to read (a GeoPackage's path; a database's URL without password).
    store: str


def store_area(store: Any, *, buffer_m: float | None = None) -> StoreArea | None:
    """The area of the project whose zones ``store`` holds, as a build reads around them
    (:func:`project_area`); ``None`` when the store holds no zones the toolkit wrote (no
    store yet, no ``zones`` layer, an empty one, or a layer of that name the toolkit did
    not write).

    Reading a file alone into a store that holds the project's zones with this ``area``
    decides what a build with those zones would: which way round coordinate columns are, and
    which rows lie outside the project area (counted, not kept).

    Parameters
    ----------
    store
        A :class:`GeoPackageStore` or :class:`PostGISStore` (:func:`open_store`).
    buffer_m
        Metres around the zones (default :data:`settings.street_buffer_m`).

    Raises
    ------
    StoreError
        When a PostGIS store cannot be reached.
    """
    try:
        store.check(["zones"])
    except ForeignLayerError:
        return None
    if not store.has("zones"):
        return None
    with store._failures():
        zones = store.read("zones")
    if not len(zones):
        return None
    if zones.crs is not None and zones.crs != settings.working_crs:
        zones = zones.to_crs(settings.working_crs)
    given = check_buffer_m(buffer_m)
    reach = settings.street_buffer_m if given is None else given
    return StoreArea(
        area=project_area(zones, buffer_m=reach), zones=len(zones), buffer_m=reach, store=store.name
    )


_GPKG_FIX = "Check the disk has room and the file is not open in another program."
#: What a GeoPackage store's failures raise from (GDAL through pyogrio, the file system).
_GPKG_ERRORS = (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError)


class GeoPackageStore:
    """The store as one GeoPackage."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @property
    def name(self) -> str:
        """The store for people to read: the GeoPackage's path."""
        return str(self.path)

    def check(self, names: Iterable[str], *, overwrite: bool = False) -> None:
        """Refuse (:class:`ForeignLayerError`) to write ``names`` over layers the toolkit did
        not write, unless ``overwrite``."""
        if overwrite:
            return
        with self._failures():
            found = self._found(self.path)
            ours = listed_layers(found, lambda: self._table(self.path, META_TABLE))
        foreign = _foreign(found, ours, names)
        if foreign:
            raise ForeignLayerError(self.path, foreign)

    @contextlib.contextmanager
    def _failures(self) -> Iterator[None]:
        """GDAL's and the file system's failures become one :class:`StoreError`."""
        try:
            yield
        except HealthyStreetsError:
            raise
        except _GPKG_ERRORS as exc:
            raise StoreError(
                f"The store {self.path} could not be updated ({_first_line(exc)}); nothing was "
                f"changed. {write_fix(exc, otherwise=_GPKG_FIX)}"
            ) from None

    def update(self, update: StoreUpdate, *, overwrite: bool = False) -> None:
        """Apply ``update`` all at once (in a copy that replaces the file at the end)."""
        self.prepare(update, overwrite=overwrite).apply()

    def prepare(
        self,
        update: StoreUpdate,
        *,
        overwrite: bool = False,
        place: Callable[[Path], Path] | None = None,
        build_id: str = "",
    ) -> PreparedUpdate:
        """Write the updated store into a copy, ready to replace the file.

        Parameters
        ----------
        update
            What to write.
        overwrite
            Replace layers of the same names that the toolkit did not write.
        place
            Where to write the copy, given the file (by default a hidden file beside it).
        build_id
            The build's id, recorded in ``healthy_streets_meta``.
        """
        with self._failures():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            copy = place(self.path) if place else _beside(self.path)
            try:
                self._write_copy(update, copy, overwrite=overwrite, build_id=build_id)
            except BaseException:
                copy.unlink(missing_ok=True)
                raise
        return PreparedUpdate(
            moves=[(copy, self.path)], discard=lambda: copy.unlink(missing_ok=True)
        )

    def _write_copy(
        self, update: StoreUpdate, copy: Path, *, overwrite: bool, build_id: str
    ) -> None:
        copy.unlink(missing_ok=True)
        found = self._found(self.path, overwrite=overwrite)
        ours = listed_layers(found, lambda: self._table(self.path, META_TABLE))
        foreign = _foreign(found, ours, update.names())
        if foreign and not overwrite:
            raise ForeignLayerError(self.path, foreign)
        if found:
            shutil.copyfile(self.path, copy)
            shutil.copymode(self.path, copy)
        mine = {name for name in found if name not in foreign}
        old_provenance = self._table(copy, "provenance") if "provenance" in mine else None
        replaced = update.replaced(old_provenance)
        for name, (frame, _) in update.layers.items():
            new = _stored(frame, name)
            paths = replaced[name]
            if name in mine and paths is not None:
                old = _stored(gpd.read_file(copy, layer=name), name)
                kept = old[~old[SOURCE_PATH].isin(paths)]
                new = gpd.GeoDataFrame(
                    pd.concat([kept, new], ignore_index=True), geometry="geometry", crs=new.crs
                )
            write_gpkg(new, copy, name)
        for name, frame in (*update.accounts(), ("provenance", update.provenance)):
            if name in mine and not update.whole:
                old = _in_todays_columns(self._table(copy, name), name)
                frame = pd.concat([_unreplaced(old, name, replaced), frame], ignore_index=True)
            write_gpkg(_counts_kept_whole(frame[stored_columns(name)]), copy, name)
        for name, rows in update.history.items():
            if name in mine and name != BASELINE_TABLE:  # appended to; build_items replaced
                rows = pd.concat([self._table(copy, name), rows], ignore_index=True)
            write_gpkg(rows[stored_columns(name)], copy, name)
        meta = _meta_rows(update.names(), build_id)
        if META_TABLE in mine:
            old = self._table(copy, META_TABLE)
            meta = pd.concat([old[~old["layer"].isin(update.names())], meta], ignore_index=True)
        write_gpkg(meta, copy, META_TABLE)
        write_styles(copy, update.layers)  # QGIS's default styles (healthy_streets/io/styles.py)
        if not found:
            copy.chmod(0o644)  # a new store is for sharing

    @staticmethod
    def _found(path: Path, *, overwrite: bool = False) -> dict[str, list[str]]:
        """Each layer of the file -> its columns (nothing if there is no file). A file GDAL
        cannot open as a GeoPackage is refused, or with ``overwrite`` treated as empty."""
        if not path.exists():
            return {}
        try:
            names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
            return {n: list(pyogrio.read_info(path, layer=n)["fields"]) for n in names}
        except pyogrio.errors.DataSourceError as exc:
            if overwrite:
                return {}
            raise ForeignLayerError(
                path, {"the whole file": f"not a GeoPackage ({_first_line(exc)})"}
            ) from None

    @staticmethod
    def _table(path: Path, name: str) -> pd.DataFrame:
        return pyogrio.read_dataframe(path, layer=name, read_geometry=False)

    def read(
        self,
        layer: str,
        *,
        with_paths: bool = False,
        bbox: tuple[float, float, float, float] | None = None,
    ) -> pd.DataFrame:
        """A layer (or table) of the store; ``with_paths`` keeps each row's
        ``source_path``; ``bbox`` (in the layer's CRS) reads only the rows that cross it,
        through the GeoPackage's spatial index."""
        if layer in LAYERS:
            frame = gpd.read_file(self.path, layer=layer, bbox=bbox, fid_as_index=True)
            frame = frame.sort_index()  # the spatial index gives rows in its own order
            return _read_back(frame, layer, with_paths=with_paths)
        return _in_todays_columns(self._table(self.path, layer), layer)

    def has(self, layer: str) -> bool:
        """Whether the store holds ``layer``."""
        if not self.path.is_file():
            return False
        return layer in {str(n) for n in pyogrio.list_layers(self.path)[:, 0]}

    def earlier_build(self) -> EarlierBuild | None:
        """The last build as this store holds it (``None`` when it holds no build's
        reports or places): what it saw (``build_items``), or, in a store that does not
        hold that, the store's reports and places."""
        with self._failures():
            found = self._found(self.path)
            ours = listed_layers(found, lambda: self._table(self.path, META_TABLE))
            tables = {
                name: self._table(self.path, name)
                for name in ("builds", META_TABLE, BASELINE_TABLE)
                if name in ours and _current(name, found[name])
            }

            def layers() -> tuple[pd.DataFrame, gpd.GeoDataFrame | None]:
                reports = _empty_earlier(EARLIER_REPORT_COLUMNS)
                if _holds(found, ours, "reports", EARLIER_REPORT_COLUMNS):
                    reports = gpd.read_file(
                        self.path, layer="reports", columns=EARLIER_REPORT_COLUMNS
                    )
                assets = None
                if _holds(found, ours, "assets", EARLIER_ASSET_COLUMNS):
                    assets = gpd.read_file(self.path, layer="assets", columns=EARLIER_ASSET_COLUMNS)
                return reports, assets

            return _earlier(tables, layers)

    def build_committed(self, build_id: str, key: str | None) -> bool | None:
        """A GeoPackage store's update is committed by its move: nothing to ask."""
        return None


def _unreplaced(old: pd.DataFrame, name: str, replaced: dict[str, set[str] | None]) -> pd.DataFrame:
    """Rows of the ``rejected``, ``repaired`` or ``provenance`` table that an update keeps."""
    role, path = ("layer", SOURCE_PATH) if name in ACCOUNT_TABLES else ("role", "path")
    gone = pd.Series(False, index=old.index)
    for layer, paths in replaced.items():
        mine = old[role].astype("str") == layer
        gone |= mine if paths is None else mine & old[path].astype("str").isin(paths)
    return old[~gone]


def _beside(path: Path) -> Path:
    """A new hidden file name beside ``path``, with its extension (GDAL reads it)."""
    fd, name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=f".part{path.suffix}", dir=path.parent
    )
    os.close(fd)
    return Path(name)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


#: How to name a PostGIS schema the server accepts.
_SCHEMA_FIX = (
    'Set [store] schema in the project file to a name of at most 63 letters, digits and "_", '
    'not starting with "pg_" (schema = "healthy_streets" by default).'
)
#: PostgreSQL's error codes (SQLSTATE) of a schema name the server refuses: no such schema,
#: a reserved name ("pg_..."), an invalid or a too long name, or a syntax error in it.
_SCHEMA_REFUSED = {"3F000", "42939", "42602", "42622", "42601"}


def _pg_fix(exc: BaseException, *, url: str, schema: str) -> str:
    """What to change when the server refused an update: the schema setting for a name it
    rejects, the user's rights, or the server and the URL (a failed connection)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import IdentifierError

    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    if isinstance(exc, IdentifierError) or (code in _SCHEMA_REFUSED and schema in str(exc)):
        return f"The server refused the schema name {schema!r}. {_SCHEMA_FIX}"
    user = make_url(url).username
    if code == "42501":
        return (
            f"The user {user!r} may not create or write the schema {schema!r}: grant it CREATE "
            "on the database (or create the schema and make it the owner), or set [store] "
            "schema to a schema it owns."
        )
    return "Check the server is running and the URL, user and password are right."


class PostGISStore:
    """The store as one schema of a PostGIS database, shared by a team.

    A ``schema`` holding a double quote or a NUL, or none at all, is refused
    (:class:`ConfigError`): it is written between double quotes in SQL, where a quote
    would end the name and let the rest of it run as SQL.
    """

    def __init__(self, url: str, *, schema: str = "healthy_streets") -> None:
        if not schema or '"' in schema or "\x00" in schema:
            raise ConfigError(
                f"The PostGIS schema {schema!r} cannot be used: a schema's name needs at least "
                f"one character and no double quote or NUL. {_SCHEMA_FIX}"
            )
        self.url = _sqlalchemy_url(url)
        self.schema = schema
        self.key = hashlib.sha256(f"{_safe_url(self.url)}|{schema}".encode()).hexdigest()[:16]

    def engine(self) -> Any:
        """A SQLAlchemy engine (psycopg 3)."""
        import geoalchemy2  # noqa: F401 - makes PostGIS's geometry a type SQLAlchemy reads
        from sqlalchemy import create_engine

        return create_engine(self.url, connect_args={"connect_timeout": 10})

    @contextlib.contextmanager
    def _failures(self) -> Iterator[None]:
        """Database and network failures become one :class:`StoreError`."""
        from sqlalchemy.exc import SQLAlchemyError

        try:
            yield
        except HealthyStreetsError:
            raise
        except (SQLAlchemyError, OSError) as exc:
            fix = _pg_fix(exc, url=self.url, schema=self.schema)
            raise StoreError(
                f"The PostGIS store at {_safe_url(self.url)} (schema {self.schema!r}) could "
                f"not be updated ({_first_line(exc)}); nothing was changed. {fix}"
            ) from None

    def check(self, names: Iterable[str], *, overwrite: bool = False) -> None:
        """Connect, and refuse (:class:`ForeignLayerError`) to write ``names`` over tables
        the toolkit did not write, unless ``overwrite``."""
        with self._failures():
            engine = self.engine()
            try:
                with engine.connect() as conn:
                    foreign = self._foreign(conn, names)
            finally:
                engine.dispose()
        if foreign and not overwrite:
            raise ForeignLayerError(_safe_url(self.url) + f" (schema {self.schema})", foreign)

    def _foreign(self, conn: Any, names: Iterable[str]) -> dict[str, str]:
        from sqlalchemy import inspect

        inspector = inspect(conn)
        present = (
            set(inspector.get_table_names(schema=self.schema))
            if (inspector.has_schema(self.schema))
            else set()
        )
        found = {
            name: [
                str(c["name"])
                for c in inspector.get_columns(name, schema=self.schema)
                if not (name in LAYERS and c["name"] == "geometry")
            ]
            for name in {*names, META_TABLE} & present
        }
        return _foreign(found, listed_layers(found, lambda: self._select(conn, META_TABLE)), names)

    def _select(self, conn: Any, table: str) -> pd.DataFrame:
        return pd.read_sql(f'SELECT * FROM "{self.schema}"."{table}"', conn)  # noqa: S608

    def update(self, update: StoreUpdate, *, overwrite: bool = False) -> None:
        """Apply ``update`` in one transaction."""
        self.prepare(update, overwrite=overwrite).apply()

    def prepare(
        self,
        update: StoreUpdate,
        *,
        overwrite: bool = False,
        place: Callable[[Path], Path] | None = None,
        build_id: str = "",
    ) -> PreparedUpdate:
        """Apply ``update`` in a transaction that is left open: :attr:`PreparedUpdate.commit`
        commits it, :attr:`PreparedUpdate.discard` rolls it back. ``place`` is not used (a
        database needs no file)."""
        with self._failures():
            engine = self.engine()
            try:
                conn = engine.connect()
            except BaseException:
                engine.dispose()
                raise
            transaction = conn.begin()
            state = {"open": True}

            def close(*, commit: bool) -> None:
                if not state["open"]:
                    return
                state["open"] = False
                try:
                    (transaction.commit if commit else transaction.rollback)()
                finally:
                    conn.close()
                    engine.dispose()

            try:
                self._apply(conn, update, overwrite=overwrite, build_id=build_id)
                digest = self._digest(conn)
            except BaseException:
                close(commit=False)
                raise

        def commit() -> None:
            with self._failures():
                close(commit=True)

        def discard() -> None:
            with contextlib.suppress(Exception), self._failures():
                close(commit=False)

        return PreparedUpdate(commit=commit, discard=discard, key=self.key, digest=digest)

    def _apply(self, conn: Any, update: StoreUpdate, *, overwrite: bool, build_id: str) -> None:
        from sqlalchemy import text

        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
        foreign = self._foreign(conn, update.names())
        if foreign and not overwrite:
            raise ForeignLayerError(_safe_url(self.url) + f" (schema {self.schema})", foreign)
        for name in foreign:
            conn.execute(text(f'DROP TABLE "{self.schema}"."{name}"'))
        from sqlalchemy import inspect

        present = set(inspect(conn).get_table_names(schema=self.schema))
        old_provenance = (
            self._select(conn, "provenance")
            if "provenance" in present and not update.whole
            else None
        )
        replaced = update.replaced(old_provenance)
        inspector = inspect(conn)
        for name, (frame, _) in update.layers.items():
            stored = _stored(frame, name)
            columns = [
                str(c["name"])
                for c in (
                    inspector.get_columns(name, schema=self.schema) if name in present else []
                )
                if c["name"] != "geometry"
            ]
            if name in present and earlier_version(name, columns):
                # a layer an earlier version wrote: rewritten with today's columns
                kept = self._kept_rows(conn, name, replaced[name])
                conn.execute(text(f'DROP TABLE "{self.schema}"."{name}"'))
                if len(kept):
                    stored = gpd.GeoDataFrame(
                        pd.concat([kept, stored], ignore_index=True),
                        geometry="geometry",
                        crs=stored.crs,
                    )
            elif name in present:
                self._delete(conn, name, SOURCE_PATH, replaced[name])
            if len(stored):
                stored.to_postgis(name, conn, schema=self.schema, if_exists="append", index=False)
        for name, frame, (role, path) in (
            *((name, rows, ("layer", SOURCE_PATH)) for name, rows in update.accounts()),
            ("provenance", update.provenance, ("role", "path")),
        ):
            if name in present and update.whole:
                self._delete(conn, name, path, None)
            elif name in present:
                for layer, paths in replaced.items():
                    self._delete(conn, name, path, paths, where=(role, layer))
            if name in present and name in GROWN_TABLES:
                self._add_columns(conn, name, frame)
            if len(frame):
                frame[stored_columns(name)].to_sql(
                    name, conn, schema=self.schema, if_exists="append", index=False
                )
        for name, rows in update.history.items():
            if name in present and name == BASELINE_TABLE:  # replaced whole
                conn.execute(text(f'DROP TABLE "{self.schema}"."{name}"'))
            elif name in present:
                self._add_columns(conn, name, rows)
            rows[stored_columns(name)].to_sql(
                name,
                conn,
                schema=self.schema,
                if_exists="append",
                index=False,
                method=_copy_rows if name == BASELINE_TABLE else None,  # a county's many
            )
        if META_TABLE in present:
            self._delete(conn, META_TABLE, "layer", set(update.names()))
        _meta_rows(update.names(), build_id).to_sql(
            META_TABLE, conn, schema=self.schema, if_exists="append", index=False
        )
        write_styles(conn, update.layers, schema=self.schema)  # QGIS's default styles

    def _add_columns(self, conn: Any, name: str, rows: pd.DataFrame) -> None:
        """Add to table ``name`` (:data:`GROWN_TABLES`), as an earlier version of the toolkit
        wrote it, the columns it lacks (at its end; its earlier rows empty there: not
        known)."""
        from sqlalchemy import inspect, text

        have = {str(c["name"]) for c in inspect(conn).get_columns(name, schema=self.schema)}
        for column in stored_columns(name):
            if column not in have:
                kind = "BIGINT" if pd.api.types.is_integer_dtype(rows[column]) else "TEXT"
                conn.execute(
                    text(f'ALTER TABLE "{self.schema}"."{name}" ADD COLUMN "{column}" {kind}')
                )

    def _kept_rows(self, conn: Any, name: str, replaced: set[str] | None) -> gpd.GeoDataFrame:
        """The rows of layer ``name`` an update keeps (none when it replaces them all), in
        today's columns."""
        if replaced is None:
            return gpd.GeoDataFrame()
        old = gpd.read_postgis(
            f'SELECT * FROM "{self.schema}"."{name}"',  # noqa: S608
            conn,
            geom_col="geometry",
        )
        return _stored(old[~old[SOURCE_PATH].astype("str").isin(replaced)], name)

    def _delete(
        self,
        conn: Any,
        table: str,
        key: str,
        values: set[str] | None,
        *,
        where: tuple[str, str] | None = None,
    ) -> None:
        from sqlalchemy import text

        qualified = f'"{self.schema}"."{table}"'
        clauses: list[str] = []
        params: dict[str, Any] = {}
        if where is not None:
            clauses.append(f'"{where[0]}" = :where')
            params["where"] = where[1]
        if values is not None:
            if not values:
                return
            clauses.append(f'"{key}" = ANY(:values)')
            params["values"] = sorted(values)
        condition = " WHERE " + " AND ".join(clauses) if clauses else ""
        conn.execute(text(f"DELETE FROM {qualified}{condition}"), params)  # noqa: S608

    def build_committed(self, build_id: str, key: str | None) -> bool | None:
        """Whether the build ``build_id`` committed its update to this store (``None`` when
        ``key`` names another store)."""
        from sqlalchemy import text

        if key != self.key:
            return None
        with self._failures():
            engine = self.engine()
            try:
                with engine.connect() as conn:
                    if not self._has_meta(conn):
                        return False
                    found = conn.execute(
                        text(
                            f'SELECT 1 FROM "{self.schema}"."{META_TABLE}" '  # noqa: S608
                            "WHERE build_id = :id LIMIT 1"
                        ),
                        {"id": build_id},
                    ).first()
                    return found is not None
            finally:
                engine.dispose()

    def earlier_build(self) -> EarlierBuild | None:
        """The last build as this store holds it (``None`` when it holds no build's
        reports or places): what it saw (``build_items``), or, in a store that does not
        hold that, the store's reports and places."""
        from sqlalchemy import inspect

        with self._failures():
            engine = self.engine()
            try:
                with engine.connect() as conn:
                    inspector = inspect(conn)
                    if not inspector.has_schema(self.schema):
                        return None
                    present = set(inspector.get_table_names(schema=self.schema))
                    wanted = {"builds", META_TABLE, BASELINE_TABLE, "reports", "assets"}
                    found = {
                        name: [str(c["name"]) for c in inspector.get_columns(name, self.schema)]
                        for name in present & wanted
                    }
                    ours = listed_layers(found, lambda: self._select(conn, META_TABLE))
                    tables = {
                        name: self._select(conn, name)
                        for name in ("builds", META_TABLE, BASELINE_TABLE)
                        if name in ours and _current(name, found[name])
                    }

                    def layers() -> tuple[pd.DataFrame, gpd.GeoDataFrame | None]:
                        reports = _empty_earlier(EARLIER_REPORT_COLUMNS)
                        if _holds(found, ours, "reports", EARLIER_REPORT_COLUMNS):
                            reports = gpd.read_postgis(
                                _columns_of(
                                    "reports", [*EARLIER_REPORT_COLUMNS, "geometry"], self.schema
                                ),
                                conn,
                                geom_col="geometry",
                            )
                        assets = None
                        if _holds(found, ours, "assets", EARLIER_ASSET_COLUMNS):
                            assets = gpd.read_postgis(
                                _columns_of(
                                    "assets", [*EARLIER_ASSET_COLUMNS, "geometry"], self.schema
                                ),
                                conn,
                                geom_col="geometry",
                            )
                        return reports, assets

                    return _earlier(tables, layers)
            finally:
                engine.dispose()

    @property
    def name(self) -> str:
        """The store for people to read: its URL without the password, and the schema."""
        return f"{_safe_url(self.url)} (schema {self.schema})"

    def content_digest(self) -> str | None:
        """A SHA-256 of what the store holds: every row of its layers, ``rejected`` and
        ``provenance``, with their columns and types (``None`` when it holds no zones).

        Worked out by the database from each row's text, in an order of its own (the rows'
        hashes sorted), so that it changes with any row added, removed or edited, by the
        toolkit or anyone else, and not with the order the rows are stored in. A build
        records it (:class:`PreparedUpdate`), and the next build reuses the store only
        when it is still the same (:mod:`healthy_streets._rebuild`).
        """
        with self._failures():
            engine = self.engine()
            try:
                with engine.connect() as conn, conn.begin():
                    return self._digest(conn)
            finally:
                engine.dispose()

    def _digest(self, conn: Any) -> str | None:
        from sqlalchemy import text

        # the text of timestamps and numbers the same whatever the session's settings
        for setting, value in (
            ("TimeZone", "UTC"),
            ("DateStyle", "ISO, YMD"),
            ("extra_float_digits", "1"),
        ):
            conn.execute(
                text("SELECT set_config(:name, :value, true)"), {"name": setting, "value": value}
            )
        digest = hashlib.sha256()
        for table in (*LAYERS, *ACCOUNT_TABLES, "provenance"):
            columns = conn.execute(
                text(
                    "SELECT string_agg(column_name || ' ' || udt_name, ', ' "
                    "ORDER BY ordinal_position) FROM information_schema.columns "
                    "WHERE table_schema = :schema AND table_name = :table"
                ),
                {"schema": self.schema, "table": table},
            ).scalar()
            if columns is None:
                if table == "zones":
                    return None
                digest.update(f"{table}: none\n".encode())
                continue
            count, rows = conn.execute(
                text(
                    "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) "  # noqa: S608
                    f'FROM (SELECT md5(t::text) AS h FROM "{self.schema}"."{table}" AS t) AS r'
                )
            ).one()
            digest.update(f"{table}: {columns}; {count} rows; {rows}\n".encode())
        return digest.hexdigest()

    def _has_meta(self, conn: Any) -> bool:
        from sqlalchemy import inspect

        return bool(inspect(conn).has_table(META_TABLE, schema=self.schema))

    def has(self, layer: str) -> bool:
        """Whether the store holds ``layer``."""
        from sqlalchemy import inspect

        engine = self.engine()
        try:
            with engine.connect() as conn:
                return bool(inspect(conn).has_table(layer, schema=self.schema))
        finally:
            engine.dispose()

    def read(
        self,
        layer: str,
        *,
        with_paths: bool = False,
        bbox: tuple[float, float, float, float] | None = None,
    ) -> pd.DataFrame:
        """A layer (or table) of the store; ``with_paths`` keeps each row's
        ``source_path``; ``bbox`` (in the layer's CRS) reads only the rows whose bounding
        box crosses it, through the GiST index where there is one. Rows come in the order
        they were written."""
        from sqlalchemy import text

        engine = self.engine()
        try:
            if layer in LAYERS:
                where, params = "", dict[str, Any]()
                if bbox is not None:
                    where = (
                        "WHERE geometry && ST_SetSRID(ST_MakeEnvelope(:x0, :y0, :x1, :y1), "
                        "Find_SRID(:schema, :layer, 'geometry'))"
                    )
                    params = dict(zip(("x0", "y0", "x1", "y1"), map(float, bbox), strict=True))
                    params |= {"schema": self.schema, "layer": layer}
                frame = gpd.read_postgis(
                    text(
                        f'SELECT * FROM "{self.schema}"."{layer}" {where} '  # noqa: S608
                        "ORDER BY ctid"
                    ),
                    engine,
                    geom_col="geometry",
                    params=params,
                )
                return _read_back(frame, layer, with_paths=with_paths)
            table = pd.read_sql(f'SELECT * FROM "{self.schema}"."{layer}"', engine)  # noqa: S608
            return _in_todays_columns(table, layer)
        finally:
            engine.dispose()


def _copy_rows(table: Any, conn: Any, keys: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """Rows for pandas' ``to_sql`` written through PostgreSQL's ``COPY`` (psycopg 3): a
    table of a county's reports in a second, where one ``INSERT`` a row takes many."""
    name = f'"{table.schema}"."{table.name}"' if table.schema else f'"{table.name}"'
    columns = ", ".join(f'"{key}"' for key in keys)
    with (
        conn.connection.cursor() as cursor,
        cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _in_todays_columns(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """A table that gained columns (:data:`GROWN_TABLES`) with the columns an earlier
    version of the toolkit did not write added, empty (not known); any other as it is."""
    if name not in GROWN_TABLES:
        return table
    missing = [c for c in stored_columns(name) if c not in table.columns]
    return table.assign(**dict.fromkeys(missing, pd.NA)) if missing else table


def _counts_kept_whole(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its ``for_review`` count (if any) in whole numbers, an earlier
    version's rows empty (not known): not turned into decimals by the empty rows."""
    if "for_review" not in frame:
        return frame
    return frame.assign(for_review=pd.to_numeric(frame["for_review"]).astype("Int64"))


def _holds(found: dict[str, list[str]], ours: set[str], layer: str, columns: list[str]) -> bool:
    """Whether the store holds the toolkit's ``layer`` with ``columns``."""
    return layer in ours and set(columns) <= set(found.get(layer, ()))


def _columns_of(table: str, columns: list[str], schema: str) -> str:
    """``SELECT`` of the toolkit's own column names (constants, never data) from a table."""
    names = ", ".join(f'"{c}"' for c in columns)
    return f'SELECT {names} FROM "{schema}"."{table}"'  # noqa: S608


def _empty_earlier(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def _earlier(
    tables: dict[str, pd.DataFrame],
    read_layers: Callable[[], tuple[pd.DataFrame, gpd.GeoDataFrame | None]],
) -> EarlierBuild | None:
    """The last build from the store's records: what it saw (``build_items``, when that
    build wrote it), else the store's reports and places (``read_layers``), saying so
    when they were written since; in a store written before builds were recorded, from
    when its reports were written."""
    meta = tables.get(META_TABLE, pd.DataFrame(columns=META_COLUMNS))
    written = meta.drop_duplicates("layer", keep="last").set_index("layer")
    layers = [name for name in ("reports", "assets") if name in written.index]
    if not layers:
        return None
    builds = tables.get("builds")
    note = None
    extra: dict[str, Any] = {}
    items = None
    if builds is not None and len(builds):
        last, extra = _baseline(builds)
        build_id, built_at = str(last["build_id"]), str(last["built_at"])
        items = _items_of(tables.get(BASELINE_TABLE), written, build_id)
        later = [name for name in layers if str(written.at[name, "build_id"]) != build_id]
        if items is None and later:
            note = _changed_since(later, builds, written.loc[later, "build_id"], build_id)
    else:
        build_id, built_at = "", str(written.loc[layers, "written_at"].max())
        note = (
            "This store was written before builds were recorded: the comparison is with its "
            "reports and places as they were written then."
        )
    reports, assets = from_items(items) if items is not None else read_layers()
    if assets is None:
        assets = gpd.GeoDataFrame(_empty_earlier(EARLIER_ASSET_COLUMNS), geometry=[])
    when = pd.Timestamp(built_at)
    when = when.tz_localize("UTC") if when.tzinfo is None else when.tz_convert("UTC")
    return EarlierBuild(
        build_id=build_id,
        built_at=when.to_pydatetime(),
        reports=reports,
        assets=assets,
        note=note,
        **extra,
    )


def _utc(text: Any) -> pd.Timestamp:
    when = pd.Timestamp(str(text))
    return when.tz_localize("UTC") if when.tzinfo is None else when.tz_convert("UTC")


def _partial(builds: pd.DataFrame) -> pd.Series:
    """Which of the ``builds`` rows drew some zones' maps only (a store written before
    ``zones_drawn`` was recorded holds full builds only)."""
    drawn = builds.get("zones_drawn", pd.Series(None, index=builds.index, dtype="object"))
    return drawn.fillna("").astype("str").str.strip() != ""


def _baseline(builds: pd.DataFrame) -> tuple[pd.Series, dict[str, Any]]:
    """The build a comparison is made with: the last full build (the last of any kind
    when no build was full), with the build it was itself compared with, and whether its
    day must say the time (another build was made that day)."""
    builds = builds.sort_values("built_at", kind="stable")
    full = builds[~_partial(builds)]
    last = (full if len(full) else builds).iloc[-1]
    days = builds["built_at"].map(lambda t: _utc(t).tz_convert("Europe/London").date())
    today = pd.Timestamp.now(tz="Europe/London").date()
    day = _utc(last["built_at"]).tz_convert("Europe/London").date()
    extra: dict[str, Any] = {"with_time": bool((days == day).sum() > 1 or day == today)}
    compared = str(last.get("compared_with") or "")
    before = builds[builds["build_id"].astype("str") == compared]
    if compared and len(before):
        extra["compared_with"] = compared
        extra["compared_at"] = _utc(before["built_at"].iloc[-1]).to_pydatetime()
    return last, extra


def _items_of(
    items: pd.DataFrame | None, written: pd.DataFrame, build_id: str
) -> pd.DataFrame | None:
    """What build ``build_id`` saw, from ``build_items`` (``None`` when that table is not
    the one that build wrote: a store written before builds kept what they saw)."""
    if items is None or BASELINE_TABLE not in written.index or not build_id:
        return None
    if str(written.at[BASELINE_TABLE, "build_id"]) != build_id:
        return None
    return items[items["build_id"].astype("str") == build_id]


def _changed_since(later: list[str], builds: pd.DataFrame, by: pd.Series, build_id: str) -> str:
    """What a comparison says of the store's layers ``later`` written since the build it
    compares with (``build_id``; ``by``: each layer's writer), when the store does not hold
    what that build saw (written by an earlier version of the toolkit, or a build of one
    zone, which does not keep it): written by a partial build, or by hand."""
    partial = set(builds.loc[_partial(builds), "build_id"].astype("str"))
    layers = " and ".join(later)
    why = "it was written by an earlier version of the toolkit, which did not keep it"
    if build_id in partial:  # no build of every zone yet
        why = "that build drew one zone's map, and only a build of every zone keeps it"
    said = f"This store does not hold what that build saw ({why}), and its {layers} "
    keeps = " Each build of every zone from now on keeps what it saw."
    if set(by.astype("str")) <= partial:
        return (
            f"{said}were written again since by a build that drew one zone's map: the "
            "comparison is with them as that build left them, so what came in before it is "
            "not listed as new." + keeps
        )
    return (
        f"{said}were changed after that build (imported into the store by hand): the "
        "comparison is with the store as it is now." + keeps
    )


def _read_back(frame: gpd.GeoDataFrame, layer: str, *, with_paths: bool) -> gpd.GeoDataFrame:
    """A stored layer as the toolkit's layer, with ``source_path`` when asked."""
    out = conform(frame, LAYERS[layer])
    if with_paths:
        paths = frame[SOURCE_PATH] if SOURCE_PATH in frame else pd.Series(None, index=out.index)
        out[SOURCE_PATH] = paths.to_numpy()
    return out


@dataclass
class KeptAdditions:
    """What :func:`kept_additions` found in a store.

    Attributes
    ----------
    imports
        Each file's places to keep, as an import of its own, with the file's path.
    notes
        One sentence per file whose places the store holds but a build leaves out: the file
        was read from the project (its additions folder, or a file the project named) and is
        no longer there.
    """

    imports: list[tuple[ImportResult, Path]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def kept_additions(
    store: Any,
    *,
    inputs: Iterable[Path],
    additions: Path | None = None,
    read_before: Iterable[str | Path] = (),
    folder: str | Path | None = None,
) -> KeptAdditions:
    """Residents' additions imported into ``store`` by hand (``healthy-streets assets
    additions.geojson --output store.gpkg``) from files the project does not name: each
    file's rows as an import of its own, so that a build, which replaces the store's
    contents with what the project names, keeps them.

    Parameters
    ----------
    store
        The store (:func:`open_store`).
    inputs
        The files the project names: their rows are read from the files, not kept.
    additions
        The project's additions folder: rows from a file in it were read by a build, not
        imported by hand, and a file no longer there takes its places with it.
    read_before
        The files an earlier build read as the project's inputs (its record): likewise
        gone with the file, or with the project's entry naming it.
    folder
        The project folder (the store names files relative to it: :func:`store_update`).

    Returns
    -------
    KeptAdditions
        The places kept, and a note for each file whose places are left out.
    """
    if not store.has("assets"):
        return KeptAdditions()
    frame = store.read("assets", with_paths=True)
    base = _base(folder)
    # as this version names them, and as earlier ones did (absolute)
    named = {recorded_path(p, base) for p in inputs} | {str(Path(p).resolve()) for p in inputs}
    earlier = {str(base / p) for p in read_before}
    additions_folder = additions.resolve() if additions is not None else None
    additions_rows = frame[
        frame["source"].astype("str").str.endswith("(community map)")
        & ~frame[SOURCE_PATH].astype("str").isin(named)
    ]
    found = KeptAdditions()
    for path, rows in additions_rows.groupby(SOURCE_PATH, sort=True):
        where = base / str(path)  # a relative path's file; an absolute one as it is
        gone = _left_out(where, len(rows), folder=additions_folder, earlier=earlier)
        if gone:
            found.notes.append(gone)
            continue
        layer = conform(rows.drop(columns=SOURCE_PATH).reset_index(drop=True), ASSETS)
        book = AccountBook(str(rows["source"].iloc[0]))
        book.note(
            f"Kept from the store, where it was imported by hand from {path}: put the file in "
            "the project's additions folder to keep it with the project."
        )
        found.imports.append((book.result(layer, len(layer)), where))
    return found


def _left_out(path: Path, places: int, *, folder: Path | None, earlier: set[str]) -> str:
    """Why the store's places from ``path`` are not kept (``""``: they are): the file was
    one a build read from the project, and is no longer one."""
    its = f"its {counted(places, 'place is', 'places are')}"
    if folder is not None and path.is_relative_to(folder):
        return (
            f"{path.name} is no longer in {folder.name}/ ({folder}): {its} left out. Put "
            "the file back in the folder to keep them."
        )
    if str(path) in earlier:
        return (
            f"{path.name} ({path}) is no longer one of the project's files, as it was for the "
            f"last build: {its} left out. Name it in the project file again to keep them."
        )
    return ""


def _sqlalchemy_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def markdown() -> str:
    """The store's part of ``docs/layers.md``: what it adds to the layers, and its tables."""
    return (
        "\n".join(
            [
                "",
                "## The project store",
                "",
                "(Generated from `healthy_streets/io/store.py`.) The store (a GeoPackage, "
                "`healthy-streets.gpkg` by default, or a PostGIS schema) holds each layer "
                "above with one more column, after the others:",
                "",
                "| column | dtype | meaning |",
                "|---|---|---|",
                f"| `{SOURCE_PATH}` | `str` | The input the row came from: the file's path "
                "relative to the project folder (`reports/fixmystreet.csv`; a file outside it "
                "`<outside>/<digest>/<name>`, never where it is on the machine) or an online "
                "source's name, the same as its `provenance.path`. `source` stays the file's "
                "name, for people to read. |",
                "",
                "Rows are keyed by the input's full identity, not its name: importing a file "
                "again (the same path, or the same SHA-256 from another path) replaces its earlier "
                "rows, while another file of the same name adds its own. A project build replaces "
                "the store's contents whole.",
                "",
                "Tables:",
                "",
                f"- `rejected`: {', '.join(f'`{c}`' for c in REJECTED_COLUMNS)}: every row not "
                "used, with the reason.",
                f"- `repaired`: {', '.join(f'`{c}`' for c in REPAIRED_COLUMNS)}: every row kept "
                "that the reader changed, as its account says: the source file and the row (the "
                "feature, or OSM way, numbered as the file numbers them; `all` for a repair of "
                "the whole file, such as its CRS), the field, the value as read (`value`), and "
                "what was used instead and why (`reason`: coordinates read swapped, a place "
                "taken from its postcode, an outline mended, a zone's id made unique...). Values "
                "and reasons carry no phone numbers, e-mail addresses or residents' names, as in "
                "`rejected`.",
                f"- `provenance`: {', '.join(f'`{c}`' for c in PROVENANCE_COLUMNS)}: one row per "
                "input and role; `input` is the file's name, `path` and `sha256` identify it. "
                "`rows_in` = `kept` + `rejected` + `outside` + `for_review` (rows set aside for "
                "an officer to review: a resident's proposed rename or move of a mapped place); "
                "`repaired` counts rows kept (a row repaired, then rejected or outside the "
                "project area, is counted there only); "
                "`for_review` is empty in a row written before it was counted. `data_date` is "
                "the date of an OpenStreetMap extract's data (`2015-02-25`), empty for other "
                "inputs, an extract that says none, and a row written before it was kept.",
                f"- `{META_TABLE}`: {', '.join(f'`{c}`' for c in META_COLUMNS)}: each layer and "
                "table the toolkit wrote. A layer of one of these names that this table does not "
                "list, or whose columns differ from the ones above, is the council's own: the "
                "toolkit never writes over it without `--overwrite`.",
                f"- `builds`: {', '.join(f'`{c}`' for c in BUILDS_COLUMNS)}: one row per "
                "build, appended to and never replaced (`zones_drawn` names the zones of a "
                "`--zone` build, empty for a build of every zone).",
                f"- `build_zones`: {', '.join(f'`{c}`' for c in BUILD_ZONES_COLUMNS)}: one "
                "row per zone per build; the change counts are empty when the build did not "
                "compare.",
                f"- `{BASELINE_TABLE}`: {', '.join(f'`{c}`' for c in BUILD_ITEMS_COLUMNS)}: "
                "what the last build of every zone saw, one row per report and place "
                "(`layer`), where each was in WGS 84 (`lon`, `lat`): the baseline of the next "
                "`--since-last` comparison. Each build of every zone replaces it; a `--zone` "
                "build leaves it.",
            ]
        )
        + "\n"
    )
