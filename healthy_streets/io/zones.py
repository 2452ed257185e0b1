"""Council 20mph zones from whatever the council's GIS exported.

Formats: GeoJSON (including the legacy ``crs`` member older tools write), Shapefile (``.shp``
with its side files, or a ``.zip``), GeoPackage (``layer=``), KML/KMZ and CSV with a WKT
column. Attribute names differ between councils; the common ones are recognised in any case
(including names shapefiles cut to 10 characters) and ``fields=`` names the rest.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from healthy_streets.errors import InputFileError
from healthy_streets.io._common import check_input, note_reading, resolve_fields, to_working_crs
from healthy_streets.io._spatial import drop_unusable_geometries, first_reason, read_spatial
from healthy_streets.model.account import AccountBook, ImportResult
from healthy_streets.model.dates import parse_council_date
from healthy_streets.model.ids import slugify, zone_ids
from healthy_streets.model.layers import SPEED_LIMITS, ZONES, conform
from healthy_streets.model.words import counted

__all__ = [
    "LIMIT_FIELDS",
    "ZONE_FIELDS",
    "LinesNotZonesError",
    "limit_from_text",
    "read_speed_limit_lines",
    "read_zones",
    "status_from_text",
]

log = logging.getLogger(__name__)

#: Column names recognised for each role, most specific first (matched ignoring case,
#: spaces and punctuation).
ZONE_FIELDS: dict[str, tuple[str, ...]] = {
    "name": (
        "zone_name",
        "zonename",
        "zone name",
        "scheme_name",
        "scheme",
        "site_name",
        "area_name",
        "name",
        "zone",
        "title",
        "location",
        "description",
    ),
    "status": ("status", "zone_status", "scheme_status", "state", "stage", "mapkey", "map_key"),
    "date": (
        "impl_date",
        "implementation_date",
        "implemented_date",
        "date_implemented",
        "implemented",
        "implementation",
        "date_built",
        "datebuilt",
        "built",
        "start_date",
        "date_live",
        "live_date",
        "in_force",
        "date_in_force",
        "operational",
        "commenced",
        "date",
    ),
    "tro_ref": (
        "tro_ref",
        "tro_reference",
        "troref",
        "tro",
        "tro_no",
        "tro_number",
        "order_ref",
        "traffic_order",
        "traffic_regulation_order",
        "order",
    ),
}

#: Column names recognised for council speed-limit lines.
LIMIT_FIELDS: dict[str, tuple[str, ...]] = {
    "limit": (
        "layer",
        "speed_limit",
        "speedlimit",
        "speed",
        "limit",
        "mph",
        "restriction",
        "speed_lim",
        "spd_limit",
        "type",
        "description",
        "name",
    ),
    "group": (
        "zone_name",
        "zone",
        "scheme_name",
        "scheme",
        "area_name",
        "area",
        "group",
        "tro_ref",
        "tro",
    ),
}

_LIMIT_MPH = re.compile(r"(?<![\w.])(\d{1,2})\s*(?:mph|m\.p\.h\.?)(?![a-z])", re.IGNORECASE)
_LIMIT_BARE = re.compile(r"^\s*(\d{1,2})\s*$")
_PART_TIME = re.compile(r"part[\s-]*time|school|advisory|variable|timed|when lights", re.IGNORECASE)


class LinesNotZonesError(InputFileError):
    """The file holds street lines with speed limits, not zone polygons."""


_IMPLEMENTED_WORDS = (
    r"implemented|existing|live|in force|complete|completed|installed|built|operational|"
    r"active|in place|made|sealed"
)
_IMPLEMENTED = re.compile(rf"\b({_IMPLEMENTED_WORDS})\b", re.IGNORECASE)
_NEGATED = re.compile(
    rf"\b(not|no longer|never)\b(\s+\w+){{0,2}}?\s+({_IMPLEMENTED_WORDS})\b", re.IGNORECASE
)
_PROPOSED = re.compile(
    r"\b(proposed|proposal|planned|potential|future|consultation|draft|candidate|"
    r"programmed|advertised)\b",
    re.IGNORECASE,
)


def status_from_text(text: object) -> str:
    """``implemented``, ``proposed`` or ``unknown`` from a council's status text.

    >>> status_from_text("Existing 20mph zone"), status_from_text("Potential future 20mph")
    ('implemented', 'proposed')
    >>> status_from_text("unconfirmed")
    'unknown'
    """
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return "unknown"
    value = str(text)
    if _NEGATED.search(value):  # "Not implemented", "Not yet in force"
        return "proposed" if re.search(r"\byet\b", value, re.IGNORECASE) else "unknown"
    if _PROPOSED.search(value):
        return "proposed"
    if _IMPLEMENTED.search(value):
        return "implemented"
    return "unknown"


def read_zones(
    path: str | Path,
    *,
    crs: object = None,
    layer: str | None = None,
    fields: Mapping[str, str] | None = None,
    assume_bng: bool = False,
    working_crs: str | None = None,
) -> ImportResult:
    """Read council 20mph zone polygons into the ``zones`` layer.

    Parameters
    ----------
    path
        GeoJSON, Shapefile (``.shp`` or ``.zip``), GeoPackage, KML/KMZ or CSV with WKT.
    crs
        The file's CRS when it declares none (or declares a wrong one).
    layer
        The layer to read from a GeoPackage or KML holding several.
    fields
        Columns for the roles ``name``, ``status``, ``date`` and ``tro_ref`` where the
        file's names are not recognised, e.g. ``{"name": "SCHEME", "date": "GO_LIVE"}``.
    assume_bng
        Read a file with no CRS as British National Grid when its coordinates can only be
        that.
    working_crs
        The CRS of the layer returned (default :data:`settings.working_crs`).

    Returns
    -------
    ImportResult
        ``.layer`` is the ``zones`` layer (see ``docs/layers.md``); ``.repaired`` says which
        geometries were mended and how, ``.rejected`` which rows were left out and why.

    Examples
    --------
    >>> result = read_zones("data/sample/zones.geojson")  # doctest: +SKIP
    >>> result.layer[["zone_id", "name", "status", "implemented_on"]]  # doctest: +SKIP
    """
    path = check_input(path)
    frame, _ = read_spatial(path, layer=layer)
    book = AccountBook(path.name)
    rows_in = len(frame)
    if rows_in == 0:
        raise InputFileError(
            path,
            "The file holds no zones.",
            fix="Check it is the right export, with features in it.",
        )
    read = frame
    frame = _usable_polygons(frame, book, path)
    frame, note = to_working_crs(
        frame, path, crs=crs, assume_bng=assume_bng, working_crs=working_crs, book=book
    )
    if note:
        book.repair("all", note, field="crs")
    columns = resolve_fields(
        path, [c for c in frame.columns if c != "geometry"], ZONE_FIELDS, fields
    )
    zones = _attributes(frame, columns, book, path.name)
    note_reading(read, book, kept=zones.index)
    return book.result(conform(zones, ZONES), rows_in, unit="features")


def _usable_polygons(frame: gpd.GeoDataFrame, book: AccountBook, path: Path) -> gpd.GeoDataFrame:
    """Drop rows without a polygon (rejected), mend the rest (repaired)."""
    frame, unusable = drop_unusable_geometries(frame, book)
    if frame.empty:
        raise InputFileError(
            path,
            f"No row has a usable zone polygon{first_reason(unusable)}",
            fix="Check the export holds the zone areas (polygons) and export it again.",
        )
    if len(frame) and shapely.has_z(frame.geometry.values).any():
        has_z = shapely.has_z(frame.geometry.values)
        book.repair_many(
            frame.index[has_z].to_series(), "Dropped the Z (height) coordinates.", field="geometry"
        )
        frame.geometry = shapely.force_2d(frame.geometry.values)
    invalid = ~frame.geometry.is_valid
    if invalid.any():
        reasons = [shapely.is_valid_reason(g) for g in frame.geometry[invalid]]
        book.repair_many(
            frame.index[invalid].to_series(),
            "The outline crosses itself or is otherwise not a valid polygon; it was mended "
            "(the value says where). Check the zone's shape in the GIS.",
            field="geometry",
            values=pd.Series(reasons, index=frame.index[invalid]),
        )
        frame.loc[invalid, "geometry"] = shapely.make_valid(frame.geometry[invalid].values)
    polygons = frame.geometry.apply(_polygonal)
    not_polygon = polygons.isna()
    kinds = frame.geometry.geom_type
    if not_polygon.any():
        book.reject_many(
            frame.index[not_polygon].to_series(),
            "The geometry is not a polygon; zones are areas (council speed-limit lines are "
            "read with read_speed_limit_lines).",
            field="geometry",
            values=kinds[not_polygon],
        )
    frame = frame[~not_polygon].copy()
    frame.geometry = polygons[~not_polygon]
    if frame.empty:
        lines = not_polygon & kinds.reindex(not_polygon.index).fillna("").str.contains("Line")
        if lines.any():
            raise LinesNotZonesError(
                path,
                "The file holds street lines with speed limits, not zone polygons",
                fix="Read it as council speed-limit lines: healthy-streets zones FILE does so "
                "(read_speed_limit_lines in Python); --group-by FIELD builds zones from them.",
            )
        raise InputFileError(
            path,
            "No row has a usable zone polygon",
            fix="Check the export holds the zone areas (polygons), not points or lines.",
        )
    return frame


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry | None:
    """The polygon or multipolygon part of ``geom``; None when it has none."""
    if geom is None:
        return None
    if geom.geom_type in {"Polygon", "MultiPolygon"}:
        return geom
    if geom.geom_type == "GeometryCollection":
        parts = [g for g in shapely.get_parts(geom) if g.geom_type in {"Polygon", "MultiPolygon"}]
        if parts:
            return shapely.union_all(parts)
    return None


def _attributes(
    frame: gpd.GeoDataFrame, columns: Mapping[str, str | None], book: AccountBook, source: str
) -> gpd.GeoDataFrame:
    def column(role: str) -> pd.Series:
        name = columns.get(role)
        if name is None:
            return pd.Series([None] * len(frame), index=frame.index, dtype="object")
        return frame[name].astype("object").where(frame[name].notna(), None)

    names = column("name").map(lambda v: str(v).strip() if v is not None else None)
    unnamed = names.isna() | (names == "")
    if unnamed.any():
        book.note(
            f"{counted(int(unnamed.sum()), 'zone')} without a name, so each is named after "
            "its row ('Zone 3'). Name the column with --field name=COLUMN "
            "(fields={'name': ...} in Python)."
        )
    names = names.where(~unnamed, [f"Zone {row}" for row in frame.index])
    ids = _zone_ids(names, book, columns.get("name") or "name")
    dates = column("date").map(parse_council_date)
    status_text = column("status")
    out = gpd.GeoDataFrame(
        {
            "zone_id": ids,
            "name": names,
            "status": status_text.map(status_from_text),
            "status_text": status_text,
            "implemented_on": pd.to_datetime([d.date for d in dates]).astype("datetime64[ms]"),
            "implemented_precision": [d.precision for d in dates],
            "implemented_text": [d.text or None for d in dates],
            "tro_ref": column("tro_ref"),
            "source": source,
        },
        geometry=frame.geometry,
        crs=frame.crs,
        index=frame.index,
    )
    date_field = columns.get("date") or "date"
    for row, d in zip(frame.index, dates, strict=True):
        if d.text and d.precision == "unknown":
            book.repair(
                row,
                "The date could not be read as a UK date; implemented_on is left empty.",
                field=date_field,
                value=d.text,
            )
    vague = pd.Series(
        [d.precision for d in dates if d.text and d.precision not in ("day", "unknown")]
    ).value_counts()
    for precision, count in vague.items():
        dates_known = f"{counted(int(count), 'implementation date')} known only to the {precision}"
        if precision == "month":
            book.note(
                f"{dates_known}: each stands for the month's first day, and before-and-after "
                "evaluations leave that month out."
            )
        else:
            book.note(
                f"{dates_known}: each stands for the {precision}'s first day, too vague for "
                "a before-and-after evaluation. Give the day or the month in the zones file."
            )
    return out


def _zone_ids(names: pd.Series, book: AccountBook, field: str) -> list[str]:
    """Unique ids, safe as file names; a zone whose id differs from its name's is repaired."""
    ids = zone_ids(names)
    first: dict[str, object] = {}
    for row, name, zone in zip(names.index, names, ids, strict=True):
        same = slugify(str(name))
        first.setdefault(same, row)
        if zone.why is None:
            continue
        what = []
        if "shortened" in zone.why:
            what.append(
                f"The name is {len(str(name))} characters long, too long for the file name "
                "of the zone's map"
            )
        if "repeated" in zone.why:
            another = "another" if what else "Another"
            what.append(
                f"{another} zone (row {first[same]}) has the same name, or one that gives the "
                f"same id {same!r}"
            )
        book.repair(
            row,
            f"{'; '.join(what)}: this zone's id is {zone.id!r}. Give each zone its own "
            "short name in the zones file to choose the ids.",
            field=field,
            value=name,
        )
    return [zone.id for zone in ids]


def limit_from_text(text: object) -> tuple[float | None, bool]:
    """A council's speed-limit text to ``(mph, part_time)``.

    Council files speak mph: a number followed by "mph", or a text that is only a number
    (unlike OpenStreetMap, where a bare number is km/h). Other numbers (road numbers,
    zone numbers) are not limits.

    >>> limit_from_text("20mph streets"), limit_from_text("Part time 20mph")
    ((20.0, False), (20.0, True))
    >>> limit_from_text("National speed limit")
    (None, False)
    """
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None, False
    value = str(text)
    match = _LIMIT_MPH.search(value) or _LIMIT_BARE.match(value)
    mph = float(match[1]) if match and 5 <= int(match[1]) <= 70 else None
    return mph, bool(_PART_TIME.search(value))


def read_speed_limit_lines(
    path: str | Path,
    *,
    crs: object = None,
    layer: str | None = None,
    fields: Mapping[str, str] | None = None,
    assume_bng: bool = False,
    working_crs: str | None = None,
) -> ImportResult:
    """Read council street lines that carry a speed limit into the ``speed_limits`` layer.

    Some councils publish their 20mph scheme as streets rather than zones: a line per street
    with a field such as ``LAYER`` = "20mph streets", "Part time 20mph" or "30mph".

    Parameters
    ----------
    path
        Any format :func:`read_zones` reads.
    fields
        Columns for the roles ``limit`` (the speed-limit text) and ``group`` (a zone or
        scheme name, used by :func:`healthy_streets.analysis.zones_from_speed_limit_lines`).
    crs, layer, assume_bng, working_crs
        As for :func:`read_zones`.
    """
    path = check_input(path)
    frame, _ = read_spatial(path, layer=layer)
    book = AccountBook(path.name)
    rows_in, read = len(frame), frame
    frame, unusable = drop_unusable_geometries(frame, book)
    frame.geometry = shapely.force_2d(frame.geometry.values)
    is_line = frame.geom_type.isin(["LineString", "MultiLineString"])
    book.reject_many(
        frame.index[~is_line].to_series(),
        "The geometry is not a line.",
        field="geometry",
        values=frame.geom_type[~is_line],
    )
    frame = frame[is_line]
    if frame.empty:
        raise InputFileError(
            path,
            "No row has a usable street line"
            + (first_reason(unusable) if len(unusable) == rows_in else ""),
            fix="Check the export holds the speed-limit lines.",
        )
    frame, note = to_working_crs(
        frame, path, crs=crs, assume_bng=assume_bng, working_crs=working_crs, book=book
    )
    if note:
        book.repair("all", note, field="crs")
    columns = resolve_fields(
        path, [c for c in frame.columns if c != "geometry"], LIMIT_FIELDS, fields
    )
    if columns["limit"] is None:
        raise InputFileError(
            path,
            "No column holds the speed limit",
            fix="Name it with --field limit=COLUMN (fields={'limit': ...} in Python).",
        )
    limits = frame[columns["limit"]].map(limit_from_text)
    mph = limits.map(lambda pair: pair[0])
    unreadable = mph.isna()
    book.reject_many(
        frame.index[unreadable].to_series(),
        "No speed limit could be read.",
        field=columns["limit"],
        values=frame.loc[unreadable, columns["limit"]],
    )
    frame = frame[~unreadable]
    group = (
        frame[columns["group"]]
        if columns["group"]
        else pd.Series([None] * len(frame), index=frame.index, dtype="object")
    )
    lines = gpd.GeoDataFrame(
        {
            "line_id": [f"{slugify(path.stem)}-{row}" for row in frame.index],
            "speed_mph": mph[~unreadable],
            "part_time": limits[~unreadable].map(lambda pair: pair[1]),
            "limit_text": frame[columns["limit"]],
            "group": group,
            "source": path.name,
            "zone_id": None,
        },
        geometry=frame.geometry,
        crs=frame.crs,
        index=frame.index,
    )
    note_reading(read, book, kept=lines.index)
    return book.result(conform(lines, SPEED_LIMITS), rows_in, unit="features")
