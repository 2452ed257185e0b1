"""Attaching and counting inside PostGIS: the database does the spatial joins.

When a team's data outgrows one machine, the joins that
:mod:`healthy_streets.analysis.attach` does in memory run in the PostGIS database instead,
with the same rules and the same results:

- **Zones** (:func:`assign_zones_in_database`): a point (a polygon by its point on
  surface) is in the zone it intersects, boundary included; on an edge two zones share, or
  in their overlap, it is in the zone first by ``zone_id`` in text order (``COLLATE "C"``:
  code-point order, as Python sorts).
- **Streets** (:func:`attach_in_database`): each point takes the nearest street segment
  within ``max_distance_m`` (inclusive; default :data:`settings.attach_distance_m`), found by
  the GiST index's nearest-neighbour operator ``<->``; between equidistant segments, the one
  first by ``segment_id`` in text order. Polygons are not attached.
- **Counts** (:func:`zone_counts_in_database`): reports per zone (and per zone and
  category) with how many are open, fixed and closed now, and assets per zone (and per zone
  and category), as SQL aggregates; the area outside every zone is the row
  :data:`OUTSIDE`.
- **One zone's rows** (:func:`zone_rows`, :func:`iter_zone_rows`, :class:`ZoneRowsReader`):
  the zones, streets, assets and reports (and from a build's working schema, the background
  and the 20mph gaps) a meeting map of that zone draws (those within ``margin_m`` of it),
  streamed back as GeoDataFrames, one zone at a time.

The tables are the store's layout (:mod:`healthy_streets.io.store`): ``zones``,
``streets`` (cut at the zones), ``assets`` and ``reports`` in one schema, geometry column
``geometry``, in the working CRS. GiST indexes on every ``geometry`` are created where
missing (:func:`ensure_spatial_indexes`).

SQL text is built only from the toolkit's own names (the schema, tables and columns, each
quoted); every value (distances, dates, zone ids, areas) is a bound parameter.

A build with ``[store] in_database = true`` (``build --in-database``) opens a
:func:`working_schema`: it writes the layers into a schema of their own, attaches and
counts there, reads back each row's zone and street, adds the maps' background and gaps,
and lets the map workers read each zone's rows (:meth:`WorkingSchema.reader`); the schema
is dropped when the maps are drawn, so that nothing is left in the database but what the
build then commits to the store. :func:`layers_attached_in_database` does the joins alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import multiprocessing
import multiprocessing.util
import os
import re
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from healthy_streets import settings
from healthy_streets.errors import StoreError
from healthy_streets.model.build import Layers
from healthy_streets.model.layers import ASSETS, REPORTS, STREETS, ZONES, conform

__all__ = [
    "OUTSIDE",
    "WorkingSchema",
    "ZoneCounts",
    "ZoneRows",
    "ZoneRowsReader",
    "assign_zones_in_database",
    "attach_in_database",
    "ensure_spatial_indexes",
    "iter_zone_rows",
    "layers_attached_in_database",
    "working_schema",
    "zone_counts_in_database",
    "zone_rows",
]

log = logging.getLogger(__name__)

#: The ``zone_id`` of the area outside every zone in the counts (as the tables name it).
OUTSIDE = "(outside zones)"
#: The row-number column of the working tables: each row's position in its layer.
ROW = "_row"
#: The layers the joins read, and the columns of each the working tables hold.
_WORK_COLUMNS = {
    "zones": ["zone_id"],
    "streets": ["segment_id", "name"],
    "assets": ["category"],
    "reports": ["category", "status", "reported_at"],
}
_LINKS = ["zone_id", "segment_id", "street_name", "street_distance_m"]
_STATUSES = ("open", "fixed", "closed")


def _name(*parts: str) -> str:
    """A qualified, quoted identifier of the toolkit's own names (never data)."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in parts)


def ensure_spatial_indexes(conn: Any, *, schema: str, tables: Iterable[str]) -> list[str]:
    """Create a GiST index on ``geometry`` of each table that has none (and refresh the
    planner's statistics).

    Parameters
    ----------
    conn
        A SQLAlchemy connection.
    schema
        The schema holding the tables.
    tables
        Table names (the toolkit's: ``zones``, ``streets``, ``assets``, ``reports``).

    Returns
    -------
    list of str
        The tables that got a new index.
    """
    from sqlalchemy import text

    created = []
    for table in tables:
        found = conn.execute(
            text(
                "SELECT 1 FROM pg_indexes WHERE schemaname = :schema AND tablename = :table "
                "AND indexdef ILIKE '%USING gist%(geometry)%' LIMIT 1"
            ),
            {"schema": schema, "table": table},
        ).first()
        if found is None:
            index = _name(f"{table}_geometry_gist")
            conn.execute(
                text(f"CREATE INDEX {index} ON {_name(schema, table)} USING GIST (geometry)")
            )
            created.append(table)
        conn.execute(text(f"ANALYZE {_name(schema, table)}"))
    return created


def assign_zones_in_database(conn: Any, *, schema: str, table: str, key: str = ROW) -> None:
    """Set ``zone_id`` on every row of ``table`` (points, or polygons by their point on
    surface) from the schema's ``zones``, as
    :func:`~healthy_streets.analysis.attach.assign_zones` does; rows outside every zone get
    ``NULL``.

    One join driven by the zones: each zone's polygon is prepared once and tested against
    the rows its bounding box meets (through the rows' GiST index), which is several times
    faster than looking up each row's zone in turn. ``key`` names a column unique per row.
    """
    from sqlalchemy import text

    layer, zones, row = _name(schema, table), _name(schema, "zones"), _name(key)
    clear = f"UPDATE {layer} SET zone_id = NULL WHERE zone_id IS NOT NULL"  # noqa: S608
    conn.execute(text(clear))
    conn.execute(
        text(
            f"UPDATE {layer} AS l SET zone_id = f.zone_id FROM ("  # noqa: S608
            f"SELECT DISTINCT ON (r.{row}) r.{row} AS row_key, z.zone_id "
            f"FROM {zones} AS z JOIN {layer} AS r ON ST_Intersects(z.geometry, r.geometry) "
            "AND ST_Intersects(z.geometry, ST_PointOnSurface(r.geometry)) "
            f'ORDER BY r.{row}, z.zone_id COLLATE "C") AS f WHERE l.{row} = f.row_key'
        )
    )


def attach_in_database(
    conn: Any, *, schema: str, table: str, max_distance_m: float | None = None
) -> None:
    """Set ``segment_id``, ``street_name`` and ``street_distance_m`` on the points of
    ``table``: the nearest segment of the schema's ``streets`` within ``max_distance_m``, as
    :func:`~healthy_streets.analysis.attach.attach_to_streets` does (equidistant segments:
    the first by ``segment_id``). ``street_distance_m`` is the exact distance; the layer
    rounds it to 0.1 m when read back."""
    from sqlalchemy import text

    distance = settings.attach_distance_m if max_distance_m is None else max_distance_m
    streets = _name(schema, "streets")
    conn.execute(
        text(
            f"UPDATE {_name(schema, table)} AS l "  # noqa: S608
            "SET (segment_id, street_name, street_distance_m) = ("
            "SELECT s.segment_id, s.name, ST_Distance(s.geometry, l.geometry) "
            f"FROM {streets} AS s WHERE ST_DWithin(s.geometry, l.geometry, :distance) "
            'ORDER BY s.geometry <-> l.geometry, s.segment_id COLLATE "C" LIMIT 1) '
            "WHERE GeometryType(l.geometry) = 'POINT'"
        ),
        {"distance": float(distance)},
    )


@dataclass
class ZoneCounts:
    """The per-zone counts the summary and the index need, aggregated in the database.

    Attributes
    ----------
    reports
        Per zone (``zone_id``, :data:`OUTSIDE` for the area outside): ``reports``,
        ``open``, ``fixed``, ``closed``.
    reports_by_category
        Per zone and category: ``count``, ``open``, ``fixed``, ``closed``.
    assets
        Per zone: ``assets``.
    assets_by_category
        Per zone and category: ``count``.
    """

    reports: pd.DataFrame
    reports_by_category: pd.DataFrame
    assets: pd.DataFrame
    assets_by_category: pd.DataFrame


def zone_counts_in_database(
    conn: Any,
    *,
    schema: str,
    start: dt.datetime | pd.Timestamp | None = None,
    end: dt.datetime | pd.Timestamp | None = None,
) -> ZoneCounts:
    """Reports and assets per zone (and per zone and category), counted in the database.

    Parameters
    ----------
    conn
        A SQLAlchemy connection.
    schema
        The schema holding ``reports`` and ``assets`` with their ``zone_id``.
    start, end
        Count reports made in ``[start, end)`` (time-zone aware); by default every report
        with a date, as the tables count over the reports' whole range.

    Returns
    -------
    ZoneCounts
        Each table sorted by ``zone_id`` and ``category`` (text order).
    """
    from sqlalchemy import text

    clauses = ["reported_at IS NOT NULL"]
    params: dict[str, Any] = {"outside": OUTSIDE}
    if start is not None:
        clauses.append("reported_at >= :start")
        params["start"] = pd.Timestamp(start).to_pydatetime()
    if end is not None:
        clauses.append("reported_at < :end")
        params["end"] = pd.Timestamp(end).to_pydatetime()
    where = " AND ".join(clauses)
    status = ", ".join(f"count(*) FILTER (WHERE status = '{s}') AS {_name(s)}" for s in _STATUSES)
    zone = "COALESCE(zone_id, :outside) AS zone_id"
    reports, assets = _name(schema, "reports"), _name(schema, "assets")

    def read(sql: str, columns: Sequence[str]) -> pd.DataFrame:
        rows = conn.execute(text(sql), params).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=list(columns))
        for column in columns:
            if column not in ("zone_id", "category"):
                frame[column] = frame[column].astype("int64")
        keys = [c for c in ("zone_id", "category") if c in frame]
        return frame.sort_values(keys, kind="stable").reset_index(drop=True)

    return ZoneCounts(
        reports=read(
            f"SELECT {zone}, count(*), {status} FROM {reports} "  # noqa: S608
            f"WHERE {where} GROUP BY 1",
            ["zone_id", "reports", *_STATUSES],
        ),
        reports_by_category=read(
            f"SELECT {zone}, category, count(*), {status} FROM {reports} "  # noqa: S608
            f"WHERE {where} AND category IS NOT NULL GROUP BY 1, 2",
            ["zone_id", "category", "count", *_STATUSES],
        ),
        assets=read(
            f"SELECT {zone}, count(*) FROM {assets} GROUP BY 1",  # noqa: S608
            ["zone_id", "assets"],
        ),
        assets_by_category=read(
            f"SELECT {zone}, category, count(*) FROM {assets} "  # noqa: S608
            f"WHERE category IS NOT NULL GROUP BY 1, 2",
            ["zone_id", "category", "count"],
        ),
    )


@dataclass
class ZoneRows:
    """What one zone's map draws, read from the database: the zone, the zones in its view's
    rectangle (itself among them: the neighbours' outlines), and the streets, assets and
    reports within ``margin_m`` of it (whole features, as
    :func:`~healthy_streets.maps.meeting.map_view` picks them from the layers); and, read
    from a build's working schema (:func:`working_schema`), the background and the 20mph
    gaps within ``margin_m`` (``None`` where the schema holds none)."""

    zone: gpd.GeoDataFrame
    streets: gpd.GeoDataFrame
    assets: gpd.GeoDataFrame
    reports: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame | None = None
    basemap: gpd.GeoDataFrame | None = None
    gaps: gpd.GeoDataFrame | None = None

    @property
    def rows_read(self) -> int:
        """How many rows were read from the database (the zone's own row among them)."""
        frames = (self.zone, self.zones, self.streets, self.assets, self.reports)
        return sum(len(f) for f in (*frames, self.basemap, self.gaps) if f is not None)


def zone_rows(conn: Any, zone_id: str, *, schema: str, margin_m: float = 250.0) -> ZoneRows:
    """One zone's rows, streamed back from the store's layers for its map.

    Parameters
    ----------
    conn
        A SQLAlchemy connection.
    zone_id
        The zone.
    schema
        The store's schema (its ``zones``, ``streets``, ``assets`` and ``reports``).
    margin_m
        The map's margin around the zone: features meeting the zone buffered by this much
        are read (the buffer made by shapely, as the maps make it, and sent as a value);
        zones meeting that area's bounding rectangle.

    Returns
    -------
    ZoneRows
        Each layer with the toolkit's columns, its rows in the order of their ids (all
        empty for a zone the store does not hold).

    Examples
    --------
    This needs a PostGIS server (the council's), so it is not run here:

    >>> store = open_store("postgresql://gis@dbserver/hs")  # doctest: +SKIP
    >>> with store.engine().connect() as conn:  # doctest: +SKIP
    ...     rows = zone_rows(conn, "cowslip", schema=store.schema)
    """
    return _zone_rows(conn, zone_id, schema=schema, margin_m=margin_m)


def iter_zone_rows(
    conn: Any, zone_ids: Iterable[str], *, schema: str, margin_m: float = 250.0
) -> Iterator[tuple[str, ZoneRows]]:
    """:func:`zone_rows` for each zone in turn: only one zone's rows in memory at a time."""
    for zone_id in zone_ids:
        yield zone_id, zone_rows(conn, zone_id, schema=schema, margin_m=margin_m)


#: The layers a map reads, with the columns their rows are ordered by in a store.
_MAP_LAYERS = {
    "streets": ("osm_way_id", "segment_id"),
    "assets": ("asset_id",),
    "reports": ("report_id",),
}
_SPECS = {"zones": ZONES, "streets": STREETS, "assets": ASSETS, "reports": REPORTS}


def _zone_rows(
    conn: Any,
    zone_id: str,
    *,
    schema: str,
    margin_m: float,
    extra: dict[str, dict[str, Any]] | None = None,
    by_row: bool = False,
) -> ZoneRows:
    """:func:`zone_rows`, and the ``extra`` layers (name -> their columns' dtypes) a working
    schema holds; ``by_row``: rows in their layer's order (the working tables' ``_row``)."""
    extra = extra or {}

    def read(name: str, where: str, params: dict[str, Any]) -> gpd.GeoDataFrame:
        if name in extra:
            return _read_extra(conn, name, schema, where, params, extra[name])
        return _read(conn, name, schema, where, params, by_row=by_row)

    zone = read("zones", "WHERE zone_id = :zone_id", {"zone_id": zone_id})
    names = [*_MAP_LAYERS, *extra]
    if zone.empty:
        empty = {name: read(name, "WHERE false", {}) for name in ["zones", *names]}
        return ZoneRows(zone=zone, **empty)
    zone = zone.iloc[:1]  # as a map draws the first zone of that id
    area = shapely.buffer(zone.geometry.iloc[0], margin_m)
    srid = int(zone.crs.to_epsg() or 0)
    where = "WHERE ST_Intersects(geometry, ST_GeomFromWKB(:area, :srid))"
    frames = {
        name: read(name, where, {"area": shapely.to_wkb(area), "srid": srid}) for name in names
    }
    box = {"area": shapely.to_wkb(shapely.box(*area.bounds)), "srid": srid}
    return ZoneRows(zone=zone, zones=read("zones", where, box), **frames)


def _read(
    conn: Any,
    layer: str,
    schema: str,
    where: str,
    params: dict[str, Any],
    *,
    by_row: bool = False,
) -> gpd.GeoDataFrame:
    from sqlalchemy import text

    spec = _SPECS[layer]
    columns = ", ".join(_name(c) for c in spec.column_names)
    if by_row:
        order = _name(ROW)
    else:
        keys = _MAP_LAYERS.get(layer, ("zone_id",))
        order = ", ".join(
            f'{_name(k)} COLLATE "C"' if k != "osm_way_id" else _name(k) for k in keys
        )
    sql = text(
        f"SELECT {columns} FROM {_name(schema, layer)} {where} ORDER BY {order}"  # noqa: S608
    )
    frame = gpd.read_postgis(sql, conn, geom_col="geometry", params=params)
    if frame.crs is None:
        frame = frame.set_crs(settings.working_crs)
    if not by_row:
        return conform(frame, spec)
    # a working table's rows were conformed as they were written: only the dtypes to set
    out = frame.astype({c.name: c.dtype for c in spec.columns})
    if "street_distance_m" in out:  # exact in the database, rounded in the layer
        out["street_distance_m"] = np.round(out["street_distance_m"].to_numpy("float64"), 1)
    out.attrs["layer"] = spec.name
    return out


def _read_extra(
    conn: Any,
    layer: str,
    schema: str,
    where: str,
    params: dict[str, Any],
    dtypes: dict[str, Any],
) -> gpd.GeoDataFrame:
    """A layer of a working schema that has no spec of its own (the background, the gaps),
    with its columns in the dtypes it had in memory."""
    from sqlalchemy import text

    columns = ", ".join(_name(c) for c in dtypes)
    sql = text(
        f"SELECT {columns}, geometry FROM {_name(schema, layer)} {where} "  # noqa: S608
        f"ORDER BY {_name(ROW)}"
    )
    frame = gpd.read_postgis(sql, conn, geom_col="geometry", params=params)
    frame = frame.set_crs(settings.working_crs, allow_override=True)
    for column, dtype in dtypes.items():
        frame[column] = frame[column].astype(dtype)
    return frame


class ZoneRowsReader:
    """Reads one zone's rows at a time (:class:`ZoneRows`) from a build's working schema
    (:func:`working_schema`), on a connection of its own in each process that reads.

    A map worker forked from the build's process opens its own engine on its first read
    (an engine or connection is never used across a fork: one inherited from the parent is
    let go of without touching the parent's connections), and closes it when the worker
    ends. Call it as ``reader(zone_id, margin_m=250.0)``.
    """

    def __init__(
        self,
        store: Any,
        *,
        schema: str,
        extra: dict[str, dict[str, Any]] | None = None,
        inherited: Any = None,
    ) -> None:
        self.store = store
        self.schema = schema
        self.extra = dict(extra or {})
        self._inherited = inherited
        self._engine: Any = None
        self._pid = os.getpid()

    def __call__(self, zone_id: str, *, margin_m: float = 250.0) -> ZoneRows:
        """The rows the map of ``zone_id`` draws, as :func:`zone_rows` reads them (with the
        background and the gaps the working schema holds)."""
        failures = _failures(store=self.store, doing="read a zone's rows for its map")
        with failures, self._connected().connect() as conn:
            return _zone_rows(
                conn,
                zone_id,
                schema=self.schema,
                margin_m=margin_m,
                extra=self.extra,
                by_row=True,
            )

    def _connected(self) -> Any:
        if self._engine is not None and self._pid != os.getpid():
            self._engine.dispose(close=False)  # the parent's: its connections are left to it
            self._engine = None
        if self._engine is None:
            if self._inherited is not None and self._pid != os.getpid():
                self._inherited.dispose(close=False)  # the parent's engine: left to it
                self._inherited = None
            self._engine, self._pid = self.store.engine(), os.getpid()
            if multiprocessing.parent_process() is not None:  # a worker: close it as it ends
                multiprocessing.util.Finalize(None, self._engine.dispose, exitpriority=10)
        return self._engine

    def close(self) -> None:
        """Close this process's connection (a forked copy's is left to its own process)."""
        if self._engine is not None and self._pid == os.getpid():
            self._engine.dispose()
        self._engine = None


#: Working schemas are named this and 12 hexadecimal digits; those digits are the key of
#: the advisory lock their build holds while it uses them.
_WORK_PREFIX = "healthy_streets_work_"


@dataclass
class WorkingSchema:
    """A build's working tables in the store's database (see :func:`working_schema`).

    Attributes
    ----------
    name
        The schema.
    layers
        The layers given, with each asset's and report's zone and street from the database.
    counts
        The per-zone counts.
    """

    store: Any
    name: str
    layers: Layers
    counts: ZoneCounts
    conn: Any
    extra: dict[str, dict[str, Any]]
    engine: Any = None

    def add(self, name: str, frame: gpd.GeoDataFrame | None) -> None:
        """Write another layer the maps draw (``basemap``, ``gaps``) into the schema, with
        its GiST index (nothing for ``None``)."""
        if frame is None:
            return
        columns = [c for c in frame.columns if c != frame.geometry.name]
        with _failures(store=self.store, doing=f"write the maps' {name}"), self.conn.begin():
            _write_work(self.conn, frame, name, self.name, columns=columns)
            ensure_spatial_indexes(self.conn, schema=self.name, tables=[name])
        self.extra[name] = {c: frame[c].dtype for c in columns}

    def reader(self) -> ZoneRowsReader:
        """A :class:`ZoneRowsReader` of this schema (for the map workers)."""
        return ZoneRowsReader(self.store, schema=self.name, extra=self.extra, inherited=self.engine)


@contextlib.contextmanager
def working_schema(
    store: Any,
    layers: Layers,
    *,
    maps: bool = True,
    max_distance_m: float | None = None,
    start: dt.datetime | pd.Timestamp | None = None,
    end: dt.datetime | pd.Timestamp | None = None,
) -> Iterator[WorkingSchema]:
    """The layers written into a working schema of ``store``'s database and attached and
    counted there, for as long as the ``with`` block lasts; then the schema is dropped.

    The zones, the streets (cut at the zones), and the assets and reports are written
    (with every column of their layer when ``maps``, else only those the joins need);
    :func:`assign_zones_in_database`, :func:`attach_in_database` and
    :func:`zone_counts_in_database` run there, and each row's ``zone_id``, ``segment_id``,
    ``street_name`` and ``street_distance_m`` are read back. The schema is committed, so
    that other connections (the map workers', :meth:`WorkingSchema.reader`) read it, and
    dropped at the end of the block, whatever happens in it. The build holds an advisory
    lock named by the schema while it lasts: a schema left by a build that was killed
    outright (its lock gone with its connection) is dropped by the next one.

    Parameters
    ----------
    store
        A :class:`~healthy_streets.io.store.PostGISStore`.
    layers
        From :func:`~healthy_streets.pipeline.load_layers` (with ``attach=False``, or
        attached already: the database's results replace the layers' own).
    maps
        Write every column, for the maps to read back; ``False`` writes the joins' only.
    max_distance_m
        As :func:`attach_in_database`'s.
    start, end
        The period the report counts cover (see :func:`zone_counts_in_database`).
    """
    from sqlalchemy import text

    key = uuid.uuid4().hex[:12]
    work = _WORK_PREFIX + key
    engine = store.engine()
    try:
        with _failures(store=store, doing="attach the layers"):
            conn = engine.connect()
            try:
                conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": int(key, 16)})
                conn.commit()
                _drop_abandoned(conn)
                with conn.begin():
                    conn.execute(text("SET LOCAL jit = off"))  # compiling costs more than it saves
                    attached, counts = _attached(
                        conn,
                        layers,
                        work,
                        maps=maps,
                        max_distance_m=max_distance_m,
                        start=start,
                        end=end,
                    )
            except BaseException:
                _let_go(conn, work, key)
                raise
        try:
            yield WorkingSchema(store, work, attached, counts, conn, {}, engine)
        finally:
            _let_go(conn, work, key)
    finally:
        engine.dispose()


def _let_go(conn: Any, work: str, key: str) -> None:
    """Drop the working schema, let go of its lock and close the connection; a failure
    to is logged (the next build drops the schema) and never hides what went before."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        _drop(conn, work, key)
    except (SQLAlchemyError, OSError) as exc:
        log.warning(
            "Could not drop the working schema %s (%s); the next build in the database drops it.",
            work,
            str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__,
        )
    finally:
        with contextlib.suppress(Exception):
            conn.close()


def _attached(
    conn: Any,
    layers: Layers,
    work: str,
    *,
    maps: bool,
    max_distance_m: float | None,
    start: dt.datetime | pd.Timestamp | None,
    end: dt.datetime | pd.Timestamp | None,
) -> tuple[Layers, ZoneCounts]:
    from sqlalchemy import text

    with _timed("Wrote the working tables"):
        conn.execute(text(f"CREATE SCHEMA {_name(work)}"))
        for name in ("zones", "streets", "assets", "reports"):
            columns = list(_SPECS[name].column_names) if maps else _WORK_COLUMNS[name]
            columns = [c for c in columns if c != "geometry"]
            _write_work(conn, getattr(layers, name), name, work, columns=columns)
    with _timed("Indexed the working tables"):
        ensure_spatial_indexes(conn, schema=work, tables=list(_WORK_COLUMNS))
    attached: dict[str, gpd.GeoDataFrame] = {}
    for name in ("assets", "reports"):
        with _timed(f"Placed the {name} in zones"):
            assign_zones_in_database(conn, schema=work, table=name)
        with _timed(f"Attached the {name} to streets"):
            attach_in_database(conn, schema=work, table=name, max_distance_m=max_distance_m)
        with _timed(f"Read back the {name}' zones and streets"):
            attached[name] = _with_links(getattr(layers, name), conn, work, name)
    with _timed("Counted per zone"):
        counts = zone_counts_in_database(conn, schema=work, start=start, end=end)
    return replace(layers, assets=attached["assets"], reports=attached["reports"]), counts


def _drop(conn: Any, work: str, key: str) -> None:
    """Drop the working schema and let go of its lock (on a connection that may have
    failed mid-transaction: rolled back first)."""
    from sqlalchemy import text

    with contextlib.suppress(Exception):
        conn.rollback()
    conn.execute(text(f"DROP SCHEMA IF EXISTS {_name(work)} CASCADE"))
    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": int(key, 16)})
    conn.commit()


def _drop_abandoned(conn: Any) -> list[str]:
    """Drop the working schemas whose build is gone (their advisory lock free): left by a
    build killed outright. Returns their names."""
    from sqlalchemy import text

    found = conn.execute(
        text("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, :prefix)"),
        {"prefix": _WORK_PREFIX},
    ).all()
    dropped = []
    for (name,) in found:
        key = str(name)[len(_WORK_PREFIX) :]
        if not re.fullmatch(r"[0-9a-f]{12}", key):
            continue
        taken = conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": int(key, 16)})
        if not taken.scalar():
            continue  # a build is using it
        _drop(conn, str(name), key)
        dropped.append(str(name))
        log.info("Dropped the working schema %s, left by a build that was stopped.", name)
    conn.commit()
    return dropped


def layers_attached_in_database(
    store: Any,
    layers: Layers,
    *,
    max_distance_m: float | None = None,
    start: dt.datetime | pd.Timestamp | None = None,
    end: dt.datetime | pd.Timestamp | None = None,
) -> tuple[Layers, ZoneCounts]:
    """The layers with every asset's and report's zone and street worked out in the
    database, and the per-zone counts.

    The zones, the streets (cut at the zones) and the assets and reports (only the columns
    the joins need) are written into a working schema of the store's database;
    :func:`assign_zones_in_database`, :func:`attach_in_database` and
    :func:`zone_counts_in_database` run there; each row's ``zone_id``, ``segment_id``,
    ``street_name`` and ``street_distance_m`` are read back; and the schema is dropped,
    leaving the database as it was (:func:`working_schema`, without the maps' columns).

    Parameters
    ----------
    store
        A :class:`~healthy_streets.io.store.PostGISStore`.
    layers
        From :func:`~healthy_streets.pipeline.load_layers` (with ``attach=False``, or
        attached already: the database's results replace the layers' own).
    max_distance_m
        As :func:`attach_in_database`'s.
    start, end
        The period the report counts cover (see :func:`zone_counts_in_database`).

    Returns
    -------
    (Layers, ZoneCounts)
        A copy of ``layers`` with the assets and reports attached, and the counts.

    Examples
    --------
    This needs a PostGIS server (the council's), so it is not run here:

    >>> store = open_store("postgresql://gis@dbserver/hs")  # doctest: +SKIP
    >>> attached, counts = layers_attached_in_database(store, layers)  # doctest: +SKIP
    >>> counts.reports_by_category.head()  # doctest: +SKIP
    """
    with working_schema(
        store, layers, maps=False, max_distance_m=max_distance_m, start=start, end=end
    ) as work:
        return work.layers, work.counts


@contextlib.contextmanager
def _timed(what: str) -> Iterator[None]:
    """Log how long a step took (``benchmarks/bench_postgis.py`` reads these)."""
    started = time.perf_counter()
    yield
    log.info("%s in %.2f s", what, time.perf_counter() - started, extra={"step": what})


@contextlib.contextmanager
def _failures(*, store: Any, doing: str) -> Iterator[None]:
    """Database and network failures become one :class:`StoreError` (``doing``: what the
    database could not do, after "could not")."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except (SQLAlchemyError, OSError) as exc:
        where = make_url(store.url).render_as_string(hide_password=True)
        lines = str(exc).strip().splitlines()
        raise StoreError(
            f"The PostGIS database at {where} could not {doing} "
            f"({lines[0][:200] if lines else type(exc).__name__}); nothing was changed. Check "
            "the server is running, has PostGIS, and the URL, user and password are right; or "
            "build without in_database."
        ) from None


def _write_work(
    conn: Any, layer: gpd.GeoDataFrame, name: str, schema: str, *, columns: list[str]
) -> None:
    """``layer``'s ``columns``, with each row's position (``_row``), as table ``name``; an
    asset's or report's zone and street left empty for the joins to fill."""
    from sqlalchemy import text

    if name in _SPECS:
        layer = conform(layer, _SPECS[name])
    frame = gpd.GeoDataFrame(
        layer[columns].reset_index(drop=True),
        geometry=gpd.GeoSeries(layer.geometry.to_numpy(), crs=layer.crs).rename("geometry"),
    )
    frame.insert(0, ROW, np.arange(len(frame), dtype="int64"))
    if name in ("assets", "reports"):
        for column in ("zone_id", "segment_id", "street_name"):
            frame[column] = pd.Series([None] * len(frame), dtype="object")
        frame["street_distance_m"] = np.nan
    frame.to_postgis(name, conn, schema=schema, index=False)
    conn.execute(text(f"CREATE INDEX ON {_name(schema, name)} ({_name(ROW)})"))


def _with_links(layer: gpd.GeoDataFrame, conn: Any, schema: str, name: str) -> gpd.GeoDataFrame:
    """A copy of ``layer`` with the zone and street links the database worked out."""
    from sqlalchemy import text

    columns = ", ".join(_name(c) for c in _LINKS)
    rows = conn.execute(
        text(f"SELECT {columns} FROM {_name(schema, name)} ORDER BY {_name(ROW)}")  # noqa: S608
    ).all()
    links = pd.DataFrame([tuple(r) for r in rows], columns=_LINKS)
    out = layer.copy()
    for column in ("zone_id", "segment_id", "street_name"):
        out[column] = pd.Series(links[column].to_numpy(), index=out.index).astype("str")
    distance = pd.to_numeric(links["street_distance_m"], errors="coerce").to_numpy("float64")
    out["street_distance_m"] = np.round(distance, 1)
    return out
