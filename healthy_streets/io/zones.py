"""Council 20mph zones from whatever the council's GIS exported.

Formats: GeoJSON (including the legacy ``crs`` member older tools write), Shapefile (``.shp``
with its side files, or a ``.zip``), GeoPackage and File Geodatabase (``layer=``), KML/KMZ
and CSV with a WKT column. Which column is the name, the status, the date... is found by its
header (in any case, including names Shapefiles cut to 10 characters) and by its values
(:mod:`healthy_streets.io._roles`); every guess is said in the import's notes, and
``fields=`` names the rest.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import pandas as pd
import shapely

from healthy_streets._audience import option
from healthy_streets.errors import InputFileError
from healthy_streets.io._columns import LayerNames
from healthy_streets.io._common import (
    check_input,
    crs_of_wkt_numbers,
    note_reading,
    to_working_crs,
)
from healthy_streets.io._frames import frame_or_file
from healthy_streets.io._kml import folder_levels
from healthy_streets.io._roles import (
    Guess,
    Role,
    Roles,
    blank_missing,
    date_after_name,
    find_roles,
    looks_like_name,
    looks_like_plain_date,
    name_before_date,
)
from healthy_streets.io._spatial import (
    CSV_WKT,
    drop_unusable_geometries,
    first_reason,
    read_spatial,
)
from healthy_streets.model.account import ALL_ROWS, AccountBook, ImportResult
from healthy_streets.model.dates import (
    EXCEL_SERIAL_DATES,
    CouncilDate,
    column_date_order,
    excel_serial_date,
    parse_council_date,
)
from healthy_streets.model.ids import slugify, zone_ids
from healthy_streets.model.layers import SPEED_LIMITS, ZONES, conform
from healthy_streets.model.privacy import redact, redact_series
from healthy_streets.model.uk import outside_uk_note
from healthy_streets.model.words import counted

__all__ = [
    "LIMIT_FIELDS",
    "LIMIT_ROLES",
    "ZONE_FIELDS",
    "ZONE_ROLES",
    "CouncilLimit",
    "LinesNotZonesError",
    "limit_from_text",
    "read_speed_limit_lines",
    "read_zones",
    "status_from_date",
    "status_from_text",
]

log = logging.getLogger(__name__)


#: Column names recognised for each role, most specific first (matched ignoring case,
#: spaces and punctuation, and cut to 10 characters as Shapefiles cut them).
ZONE_FIELDS: dict[str, tuple[str, ...]] = {
    "name": (
        "zone_name",
        "zonename",
        "zone name",
        "sub_zone_name",
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
        "implemented_on",
        "implementation_date",
        "implemented_date",
        "date_implemented",
        "implemented",
        "implementation",
        "date_of_implementation",
        "implementation_year",
        "year_implemented",
        "effective_date",
        "date_effective",
        "date_operational",
        "operational_date",
        "date_introduced",
        "introduced",
        "date_built",
        "datebuilt",
        "built",
        "go_live",
        "golive",
        "go_live_date",
        "live_date",
        "date_live",
        "start_date",
        "in_force",
        "date_in_force",
        "operational",
        "commenced",
        "commencement_date",
        "completed",
        "completion_date",
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
    "zone_number": (
        "zone_no",
        "zone_number",
        "zone_num",
        "zoneno",
        "zone_nr",
        "zone_id",
        "number",
        "zone",
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
    r"programmed|programme|advertised|provisional)\b",
    re.IGNORECASE,
)
#: Status words that say the status is not known (a status all the same, not a name).
_UNDECIDED = re.compile(
    r"^\s*(unconfirmed|unknown|not known|tbc|tbd|to be confirmed|under review|on hold)\s*$",
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


def status_from_date(date: CouncilDate, *, today: dt.date | None = None) -> str:
    """``implemented`` when the implementation date has passed, ``proposed`` when it is to
    come, ``unknown`` without a date (or when a vague date's period holds today).

    >>> status_from_date(parse_council_date("31 Jul 2016"), today=dt.date(2026, 1, 1))
    'implemented'
    >>> status_from_date(parse_council_date("Autumn 2030"), today=dt.date(2026, 1, 1))
    'proposed'
    >>> status_from_date(parse_council_date("2026"), today=dt.date(2026, 6, 1))
    'unknown'
    """
    if date.date is None:
        return "unknown"
    today = today or dt.date.today()
    if _period_end(date) <= today:
        return "implemented"
    if date.date > today:
        return "proposed"
    return "unknown"


_PERIOD_MONTHS = {"day": 0, "month": 1, "quarter": 3, "season": 3, "year": 12}


def _period_end(date: CouncilDate) -> dt.date:
    """The last day of the period a vague date stands for (the day itself for a day)."""
    assert date.date is not None
    months = _PERIOD_MONTHS.get(date.precision, 0)
    if months == 0:
        return date.date
    month = date.date.month - 1 + months
    first_after = dt.date(date.date.year + month // 12, month % 12 + 1, 1)
    return first_after - dt.timedelta(days=1)


def _looks_like_zone_date(value: str) -> bool:
    """A date and nothing else; a year alone only when no other number is there (a TRO
    reference "LCC/TRO/2021/117" holds a year but is not a date)."""
    if not looks_like_plain_date(value):
        return False
    return parse_council_date(value).precision != "year" or len(re.findall(r"\d+", value)) == 1


def _looks_like_zone_name(value: str) -> bool:
    """A name (a long one too: some councils describe the zone in its name), or a name and
    then a date ("Zone 4, 16 Aug 2017")."""
    return looks_like_name(value[:80]) or name_before_date(value) is not None


def _looks_like_zone_name_by_its_header(value: str) -> bool:
    """A name, or a single letter (zones lettered "A", "B", "C") in a column whose header
    names the name."""
    return _looks_like_zone_name(value) or re.fullmatch(r"\s*[^\W\d_]\s*", value) is not None


def _looks_like_zone_date_by_its_header(value: str) -> bool:
    """A date, or an Excel day number (a number in a column whose header names a date)."""
    return _looks_like_zone_date(value) or excel_serial_date(value) is not None


def _looks_like_status(value: str) -> bool:
    return status_from_text(value) != "unknown" or bool(_UNDECIDED.match(value))


def _looks_like_zone_number(value: str) -> bool:
    return re.fullmatch(r"\d{1,4}(\.0+)?", value.strip()) is not None


_NAME_AND_DATE = "a name and then a date"

#: The roles of a zones file's columns, in order of precedence.
ZONE_ROLES: tuple[Role, ...] = (
    Role(
        "name",
        ZONE_FIELDS["name"],
        _looks_like_zone_name,
        share=0.8,
        what="are short texts, mostly distinct",
        contradicts_below=0.5,
        distinct=True,
        split=name_before_date,
        what_split=_NAME_AND_DATE,
        content_by_header=_looks_like_zone_name_by_its_header,
    ),
    Role(
        "date",
        ZONE_FIELDS["date"],
        _looks_like_zone_date,
        share=0.8,
        what="read as dates",
        # a column of "Zone 4, 16 Aug 2017" is a name holding a date, not the date column;
        # a date column may still hold a few such values
        contradicts_below=0.3,
        split=date_after_name,
        what_split=_NAME_AND_DATE,
        content_by_header=_looks_like_zone_date_by_its_header,
    ),
    Role(
        "status",
        ZONE_FIELDS["status"],
        _looks_like_status,
        share=0.8,
        what="are status words (implemented, proposed, unconfirmed...)",
    ),
    Role("tro_ref", ZONE_FIELDS["tro_ref"]),
    Role(
        "zone_number",
        ZONE_FIELDS["zone_number"],
        _looks_like_zone_number,
        share=1.1,  # by its header only: every table has a column of whole numbers
        what="are whole numbers",
        contradicts_below=0.8,
    ),
)


def read_zones(
    path: str | Path | gpd.GeoDataFrame,
    *,
    crs: object = None,
    layer: str | None = None,
    fields: Mapping[str, str] | None = None,
    assume_bng: bool = False,
    working_crs: str | None = None,
    date_order: str | None = None,
) -> ImportResult:
    """Read council 20mph zone polygons into the ``zones`` layer.

    Each column's role (name, date, status, TRO reference, zone number) is found by its
    header and by its values, and the guesses are said in ``.notes`` and kept in
    ``.columns``. A value holding a name and a date ("Zone 4, 16 Aug 2017") gives both.
    Zones with no name but a zone number are named "Zone 4". A zone with no status takes it
    from its date: in force once the date has passed, proposed before.

    Parameters
    ----------
    path
        GeoJSON, Shapefile (``.shp`` or ``.zip``), GeoPackage, File Geodatabase (a ``.gdb``
        folder or a zip of one), KML/KMZ or CSV with WKT; or a GeoDataFrame of zones of
        the analyst's own (in any CRS it declares), read as a file would be.
    crs
        The file's CRS when it declares none (or declares a wrong one).
    layer
        The layer to read from a file holding several (GeoPackage, File Geodatabase, KML,
        a zip of several shapefiles). A GeoPackage's ``zones`` layer that healthy-streets
        wrote (a store, or ``healthy-streets network --derive-zones --output``) is read
        without it, and said in the notes.
    fields
        Columns for the roles ``name``, ``status``, ``date``, ``tro_ref`` and
        ``zone_number`` where the guesses are wrong, e.g.
        ``{"name": "SCHEME", "date": "GO_LIVE"}``.
    assume_bng
        Read a file with no CRS as British National Grid when its coordinates can only be
        that.
    working_crs
        The CRS of the layer returned (default :data:`settings.working_crs`).
    date_order
        How numeric dates are read: ``"dmy"`` day first (UK), ``"mdy"`` month first (US).
        ``None`` decides from the date column's values: month first when some can only be
        month first ("08/16/2017") and none only day first, else day first (said in the
        notes when it was a guess).

    Returns
    -------
    ImportResult
        ``.layer`` is the ``zones`` layer (see ``docs/layers.md``); ``.repaired`` says which
        geometries were mended and how, ``.rejected`` which rows were left out and why.

    Raises
    ------
    MissingCRSError
        When the file declares no CRS and ``crs`` names none (nor ``assume_bng`` can).
    LinesNotZonesError
        When the file holds street lines with speed limits rather than zone polygons (read
        those with :func:`read_speed_limit_lines`).
    InputFileError
        When the file is missing, empty or cannot be read, holds several layers and
        ``layer`` names none, or has no row with a usable polygon.

    Examples
    --------
    >>> result = read_zones("data/sample/zones.geojson")
    >>> print(result.summary())
    zones.geojson: 4 features: 4 kept (0 repaired), 0 rejected.
    >>> result.layer[["zone_id", "name", "status", "implemented_on"]]
                zone_id              name       status implemented_on
    0  yarrowside-north  Yarrowside North  implemented     2021-09-06
    1           cowslip           Cowslip  implemented     2022-03-14
    2    yarrow-meadows    Yarrow Meadows  implemented     2016-07-31
    3      kestrel-park      Kestrel Park     proposed     2026-09-01

    Zones drawn in a notebook, in longitude and latitude:

    >>> import shapely
    >>> polygon = shapely.box(-2.6248, 53.6506, -2.6218, 53.6524)
    >>> mine = gpd.GeoDataFrame({"name": ["Church Fields"], "status": ["proposed"]},
    ...                         geometry=[polygon], crs="EPSG:4326")
    >>> zones = read_zones(mine).layer
    >>> zones[["zone_id", "name", "status"]]
             zone_id           name    status
    0  church-fields  Church Fields  proposed
    >>> zones.crs.to_epsg()  # British National Grid, in metres
    27700
    >>> print(f"{zones.area.iloc[0] / 10_000:.1f} hectares")
    4.0 hectares
    """
    path, own = frame_or_file(path, "zones")
    if own is not None and not isinstance(own, gpd.GeoDataFrame):
        raise InputFileError(
            path,
            "Zones are areas, and a DataFrame holds no geometry",
            fix="Give a GeoDataFrame of the zones' polygons (geopandas.GeoDataFrame(frame, "
            "geometry=..., crs=...)).",
        )
    fmt = None
    if own is not None:
        frame = own
    else:
        frame, fmt = read_spatial(path, layer=layer, ours="zones")
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
    if crs is None and frame.crs is None and fmt is CSV_WKT:  # as the assets' WKT is read
        crs, how = crs_of_wkt_numbers(frame.geometry)
        if crs is not None:
            column = frame.attrs.get("geometry_field", "WKT")
            book.note(
                f"Coordinates of {column!r}: {how}. If they are in another CRS, name it "
                f"with {option('crs')}."
            )
    frame, note = to_working_crs(
        frame, path, crs=crs, assume_bng=assume_bng, working_crs=working_crs, book=book
    )
    if note:
        book.repair(ALL_ROWS, note, field="crs")
    warning = outside_uk_note(frame.geometry.representative_point(), what="The zones")
    if warning:
        book.note(warning)
    frame = blank_missing(frame)
    titles = None
    roles = _own_zone_roles(frame) if not fields and read.attrs.get("ours") == "zones" else None
    if roles is not None:  # the toolkit's own columns: nothing was guessed, nothing to say
        book.record_columns(roles.as_record(), None)
    else:
        roles = find_roles(path, frame, ZONE_ROLES, fields, exclude=["_layer"])
        titles = None if roles.guesses["name"].named else _names_in_titles(frame, roles)
        if titles is not None:
            roles.guesses["name"] = titles.guess
        if roles["status"] is None and "_layer" in frame:
            frame = _status_from_folders(frame, roles, read.attrs.get("kml_folders"))
        book.record_columns(roles.as_record(), roles.describe())
    zones = _attributes(frame, roles, book, path.name, date_order, titles)
    note_reading(read, book, kept=zones.index)
    return book.result(conform(zones, ZONES), rows_in, unit="features")


def _status_from_folders(
    frame: gpd.GeoDataFrame, roles: Roles, folders: object
) -> gpd.GeoDataFrame:
    """With no status column, a KML's folders give the status: the innermost folder of
    each zone's path whose name is a status word ("Implemented" in "Implemented/2017"),
    kept in the column ``_folder_status`` and said in the status's guess."""
    levels = folder_levels(
        frame["_layer"],
        lambda name: status_from_text(name) != "unknown",
        known=folders if isinstance(folders, dict) else None,
    )
    if not levels.how:
        return frame
    how = levels.said()
    if levels.unmatched:
        how += f"; {counted(levels.unmatched, 'zone')} in no folder named by a status"
    roles.guesses["status"] = LayerNames("status", "_folder_status", how)
    return frame.assign(_folder_status=levels.values)


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
        for row, geom in frame.geometry[invalid].items():
            why = _invalid_where(shapely.is_valid_reason(geom))
            book.repair(
                row,
                f"The outline crosses itself or is otherwise not a valid polygon ({why}); it "
                "was mended. Check the zone's shape there in the GIS.",
                field="geometry",
                value=why,
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
                fix=f"Read it as council speed-limit lines: {option('speed_limit_lines')}.",
            )
        raise InputFileError(
            path,
            "No row has a usable zone polygon",
            fix="Check the export holds the zone areas (polygons), not points or lines.",
        )
    return frame


_INVALID_AT = re.compile(r"^(?P<what>[^\[]*)\[(?P<x>\S+) (?P<y>\S+)\]\s*$")


def _invalid_where(reason: str) -> str:
    """What is wrong with an outline and where, from shapely's ``is_valid_reason``, the
    point in the file's coordinates: "Self-intersection[531140.2 184540.7]" ->
    "Self-intersection at 531140.2, 184540.7 in the file's coordinates".

    >>> _invalid_where("Ring Self-intersection[531140.25 184540.7]")
    "Ring Self-intersection at 531140.25, 184540.7 in the file's coordinates"
    """
    match = _INVALID_AT.match(reason)
    if match is None:
        return reason
    what = match["what"].strip() or "A problem"
    try:
        x, y = (float(match[axis]) for axis in ("x", "y"))
    except ValueError:
        return reason
    return f"{what} at {x:.10g}, {y:.10g} in the file's coordinates"


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


def _role(name: str) -> Role:
    return next(role for role in ZONE_ROLES if role.name == name)


def _attributes(
    frame: gpd.GeoDataFrame,
    roles: Roles,
    book: AccountBook,
    source: str,
    date_order: str | None = None,
    titles: _Titles | None = None,
) -> gpd.GeoDataFrame:
    def column(role: str) -> pd.Series:
        values = roles.column_values(frame, _role(role))
        return values.map(titles.name) if role == "name" and titles is not None else values

    names = _names(frame, roles, column, book)
    ids = _own_zone_ids(frame, book) or _zone_ids(
        names, book, roles["name"] or roles["zone_number"] or "name"
    )
    dates, order = _dates(column("date"), roles, book, date_order)
    if roles["date"] is None:
        book.note(
            "No column looks like an implementation date, so no zone has one; name it with "
            f"{option('fields', role='date')} if the file has one."
        )
    status_text = column("status").map(_stripped)
    if roles["status"] is not None:
        _account_statuses(status_text, book, str(roles["status"]))
    status = _status(
        status_text, dates, book, given=roles["status"] is not None, dated=roles["date"] is not None
    )
    out = gpd.GeoDataFrame(
        {
            "zone_id": ids,
            "name": names,
            "status": status,
            "status_text": redact_series(status_text),
            "implemented_on": pd.to_datetime([d.date for d in dates]).astype("datetime64[ms]"),
            "implemented_precision": [d.precision for d in dates],
            "implemented_text": redact_series(pd.Series([d.text or None for d in dates])).values,
            "tro_ref": redact_series(column("tro_ref")),
            "source": source,
        },
        geometry=frame.geometry,
        crs=frame.crs,
        index=frame.index,
    )
    _account_dates(dates, frame.index, book, roles["date"] or "date", order)
    return out


def _missing(value: object) -> bool:
    """A missing cell: ``None``, NaN, NaT or ``pd.NA`` (a list or a mapping in a cell is
    not missing)."""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _stripped(value: object) -> str | None:
    """A cell as text without spaces around; ``None`` for a missing or empty one."""
    if _missing(value):
        return None
    return str(value).strip() or None


def _dates(
    values: pd.Series, roles: Roles, book: AccountBook, date_order: str | None = None
) -> tuple[pd.Series, str]:
    """The implementation dates, and the order numeric ones were read in (``date_order``, or
    decided from the values and said in the notes); Excel day numbers too when the column
    was named for the date by its header or by the user (said in the notes)."""
    guess = roles.guesses["date"]
    order = column_date_order(values, given=date_order)
    if guess.column is not None:
        said = order.note(guess.column, lambda o: option("date_order", o))
        if said:
            book.note(said)
    dates = values.map(
        lambda v: parse_council_date(v, excel_serials=guess.named, date_order=order.order)
    )
    if not guess.named:
        return dates, order.order
    serials = [d for d in dates if d.date is not None and excel_serial_date(d.text) is not None]
    if serials:
        low, high = EXCEL_SERIAL_DATES
        first = serials[0]
        book.note(
            f"{counted(len(serials), 'implementation date')} in {guess.column!r} "
            f"{'is an Excel day number' if len(serials) == 1 else 'are Excel day numbers'} "
            f"({first.text} is {first.date:%d %b %Y}), read as such because the column's "
            f"header names a date (only numbers for days from {low:%Y} to {high:%Y} are "
            f"read this way). Check {'it' if len(serials) == 1 else 'them'}, and save the "
            "column formatted as dates."
        )
    return dates, order.order


def _names(
    frame: gpd.GeoDataFrame,
    roles: Roles,
    column: Callable[[str], pd.Series],
    book: AccountBook,
) -> pd.Series:
    """Each zone's name: the name column, else "Zone 4" from a zone number, else "Unnamed
    zone (row 3)" (never a name another zone has)."""
    names = column("name").map(_stripped)
    if roles["name"] is None and roles["zone_number"] is not None:
        numbers = column("zone_number").map(_zone_number)
        names = numbers.map(lambda n: None if _missing(n) else f"Zone {n}")
        example = numbers.dropna().iloc[0] if numbers.notna().any() else "4"
        book.note(
            "No column holds names, so each zone is named after its number in "
            f"{roles['zone_number']!r} ('Zone {example}')."
        )
    unnamed = names.isna()
    if not unnamed.any():
        return names
    taken = {slugify(str(name)) for name in names[~unnamed]}
    fallback = [_unnamed_zone(row, taken) for row in frame.index[unnamed]]
    one = len(fallback) == 1
    if roles["name"] is not None:
        where, fix = f"no name in {roles['name']!r}", "."
    elif roles["zone_number"] is not None:
        where, fix = f"no number in {roles['zone_number']!r}", "."
    else:
        where, fix = "no name", f", or name the column with {option('fields', role='name')}."
    book.note(
        f"{counted(len(fallback), 'zone')} with {where}: {'it is' if one else 'each is'} "
        f"called after its row in the file ({fallback[0]!r}), a name no other zone has. Give "
        f"{'it a name' if one else 'each a name'} in the zones file{fix}"
    )
    out = names.copy()
    out[unnamed] = fallback
    return out


class _Titles(NamedTuple):
    """A column of titles that name the zones once their common words are taken off
    ("20mph speed limit plans for Gleadless Valley.pdf" names "Gleadless Valley")."""

    guess: Guess
    prefix: tuple[str, ...]
    suffix: tuple[str, ...]

    def name(self, value: object) -> str | None:
        """The name in one title: without the common words and a file's extension."""
        if _missing(value):
            return None
        words = _EXTENSION.sub("", str(value).strip()).split()
        if self.prefix and _folded_words(words[: len(self.prefix)]) == self.prefix:
            words = words[len(self.prefix) :]
        if self.suffix and _folded_words(words[-len(self.suffix) :]) == self.suffix:
            words = words[: -len(self.suffix)]
        return " ".join(words) or None


def _folded_words(words: Sequence[str]) -> tuple[str, ...]:
    """Words compared as common words are: in any case."""
    return tuple(word.casefold() for word in words)


#: A file's extension at the end of a title ("plans for Darnall.pdf").
_EXTENSION = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|jpe?g|png|tiff?|dwg|dxf|txt|html?)\s*$", re.I)
#: The share of the distinct titles that must begin (or end) with the same word for the
#: words they all share there to be taken off.
_COMMON_WORDS_SHARE = 0.6
#: The fewest words a column's values must share for them to be titles, without a file's
#: extension ("20mph speed limit plans for ...").
_TITLE_WORDS = 3
#: The fewest distinct names, as a share of the zones, for a column of titles to name them
#: (a ward or a district column names many zones alike: not names).
_TITLE_NAMES_SHARE = 0.3
#: Words after which a lone title names its zone ("20mph speed limit plans for | Gleadless
#: Valley"): with a single distinct title, nothing else tells the common words.
_TITLE_LINKS = frozenset({"for", "of", "in", "at", "to", "on", "-", "–", "—", ":"})


def _names_in_titles(frame: pd.DataFrame, roles: Roles) -> _Titles | None:
    """When no column is named (by the user or its header) for the names: a column of
    titles (the plan each zone comes from) whose values, without the words they share at
    the start and the end (:func:`_title_words`) and a file's extension, are names,
    distinct enough to tell the zones apart (or all one plan's, when the column holds the
    titles of files); the column the names were found in by their values, else any other.
    ``None`` when there is none."""
    by_values = roles["name"]
    if roles.guesses["name"].split or (by_values is None and roles["zone_number"] is not None):
        return None
    taken = {c for c in roles.values() if c is not None and c != by_values}
    for column in frame.columns if by_values is None else [by_values]:
        if column in taken or column in (frame.geometry.name, "_layer"):
            continue  # "_layer": a KML's folders, which give a status, never names
        values = frame[column].dropna()
        if 2 * len(values) < len(frame) or not all(isinstance(v, str) for v in values):
            continue
        files = bool(values.str.contains(_EXTENSION).any())
        titles = values.map(lambda v: _folded_words(_EXTENSION.sub("", v.strip()).split()))
        prefix, suffix = _title_words(list(titles))
        found = _Titles(Guess("name", str(column), ""), prefix, suffix)
        names = values.map(found.name).dropna()
        distinct = names.nunique()
        usable = names.map(looks_like_name).mean() if len(names) else 0.0
        few = distinct < 2 or distinct < _TITLE_NAMES_SHARE * len(frame)
        # one plan's file for every zone names them all (they are its polygons)
        if usable < 0.8 or (few and not (files and len(prefix) + len(suffix) >= _TITLE_WORDS)):
            continue
        if len(prefix) + len(suffix) < _TITLE_WORDS and not files:
            continue  # names as written ("Zone North", "Zone South"), not titles
        cut = [
            _as_written(values, words, end) for words, end in ((prefix, 0), (suffix, 1)) if words
        ]
        cut += ["the file extension"] if files else []
        guess = Guess("name", str(column), _titles_how(cut, distinct, len(frame)))
        return found._replace(guess=guess)
    return None


def _as_written(values: pd.Series, words: tuple[str, ...], end: int) -> str:
    """Common words (folded) as the first title holding them writes them, at its start (0)
    or its end (1)."""
    size = len(words)
    for value in values:
        found = _EXTENSION.sub("", value.strip()).split()
        found = found[:size] if end == 0 else found[-size:]
        if _folded_words(found) == words:
            return " ".join(found)
    return " ".join(words)


def _titles_how(cut: list[str], distinct: int, zones: int) -> str:
    """How a column of titles names the zones, for the summary."""
    return (
        f"titles of the zones' plans, without {' and '.join(repr(c) for c in cut)}: "
        f"{counted(distinct, 'name')} for {zones} zones; {option('fields', role='name')} "
        "names another"
    )


def _title_words(titles: list[tuple[str, ...]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words titles share at their start and at their end, taken off to leave names:
    whole words only, never a title's last word, and never so many that two titles become
    the same name (a sign the words taken were part of the names).

    >>> _title_words([("plans", "for", "Gleadless", "Valley"), ("plans", "for", "Firth", "Park")])
    (('plans', 'for'), ())
    """
    distinct = list(dict.fromkeys(t for t in titles if t))
    if len(distinct) == 1:
        return _lone_title_start(distinct[0]), ()
    prefix = _common_start(distinct)
    rest = [t[len(prefix) :] if t[: len(prefix)] == prefix else t for t in distinct]
    suffix = _common_start([t[::-1] for t in rest])[::-1]
    while (prefix or suffix) and not _tells_apart(distinct, prefix, suffix):
        if suffix:
            suffix = suffix[1:]
        else:
            prefix = prefix[:-1]
    return prefix, suffix


def _common_start(titles: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The words at the start of the largest group of titles beginning with the same word
    (most of them, :data:`_COMMON_WORDS_SHARE`, and at least two) that every title of the
    group shares, leaving each at least one word: the words a few titles of another form
    lack are taken off the rest, but never words only some of the group share ("... plans
    for Gleadless" when two of three plans are for Gleadless)."""
    if not titles:
        return ()
    firsts = pd.Series([t[0] for t in titles]).value_counts()
    first, count = firsts.index[0], int(firsts.iloc[0])
    if count < 2 or count < _COMMON_WORDS_SHARE * len(titles):
        return ()
    group = [t for t in titles if t[0] == first]
    common: tuple[str, ...] = ()
    for size in range(1, min(len(t) for t in group)):
        if any(t[:size] != group[0][:size] for t in group):
            break
        common = group[0][:size]
    return common


def _lone_title_start(title: tuple[str, ...]) -> tuple[str, ...]:
    """The words of the one title of every zone up to its last linking word ("for", "in",
    "-"...), when they are enough to be a title's (:data:`_TITLE_WORDS`) and leave a word."""
    for end in range(len(title) - 1, _TITLE_WORDS - 1, -1):
        if title[end - 1].lower() in _TITLE_LINKS:
            return title[:end]
    return ()


def _tells_apart(
    titles: list[tuple[str, ...]], prefix: tuple[str, ...], suffix: tuple[str, ...]
) -> bool:
    """Whether the titles ``prefix`` and ``suffix`` are taken off still give a name each,
    unlike any other's (titles that differ only in case or punctuation name one zone)."""
    strip = _Titles(Guess("name", None, ""), prefix, suffix)
    names: dict[str, str] = {}
    for title in titles:
        whole = " ".join(title)
        name = strip.name(whole) or ""
        if name == whole:  # a title of another form, kept whole, may well name a zone again
            continue
        if names.setdefault(slugify(name), slugify(whole)) != slugify(whole):
            return False
    return True


def _unnamed_zone(row: object, taken: set[str]) -> str:
    """The name of a zone with none: "Unnamed zone (row 3)", unlike any in ``taken``."""
    name, number = f"Unnamed zone (row {row})", 1
    while slugify(name) in taken:
        number += 1
        name = f"Unnamed zone (row {row}, {number})"
    taken.add(slugify(name))
    return name


def _zone_number(value: object) -> str | None:
    """A zone number as written for a name: 4, 4.0 and "4" give "4"; missing gives None."""
    if _missing(value):
        return None
    text = str(value).strip()
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    return text or None


def _status(
    text: pd.Series, dates: pd.Series, book: AccountBook, *, given: bool, dated: bool
) -> pd.Series:
    """The status written, else the one the date gives (said in the notes)."""
    written = text.notna()
    status = text.map(status_from_text)
    if written.all():
        return status
    today = dt.date.today()
    undated = dates.map(lambda d: d.date is None)
    from_date = dates[~written].map(lambda d: status_from_date(d, today=today))
    missing = int((~written).sum())
    one = missing == 1 or not given
    who = (
        f"{counted(missing, 'zone')} with no status"
        if given
        else "No column gives the status, so each zone"
    )
    if not dated:
        book.note(
            f"{who} {'has' if one else 'have'} an unknown status: no column gives the "
            "implementation date either."
        )
        return status.where(written, from_date)
    counts = from_date.value_counts()
    vague = int(((from_date == "unknown") & ~undated[~written]).sum())
    parts = [
        f"{count} {words}"
        for count, words in (
            (counts.get("implemented", 0), "in force (the date has passed)"),
            (counts.get("proposed", 0), "proposed (the date is to come)"),
            (counts.get("unknown", 0) - vague, "unknown (no date)"),
            (vague, "unknown (a vague date whose period holds today)"),
        )
        if count
    ]
    book.note(
        f"{who} {'takes' if one else 'take'} it from the implementation date: {', '.join(parts)}."
    )
    return status.where(written, from_date)


#: Distinct status values the notes show one by one (the rest are counted).
_STATUSES_SHOWN = 12
#: Characters of a status value the notes show.
_STATUS_SHOWN_LENGTH = 60
_STATUS_MEANINGS = {
    "implemented": "implemented (in force)",
    "proposed": "proposed",
}


def _account_statuses(text: pd.Series, book: AccountBook, field: str) -> None:
    """How each distinct status value was read, said in the notes: a value read as unknown
    is never silent (it may be a status in words the toolkit does not know)."""
    counts = text.dropna().astype(str).value_counts(sort=True)
    if counts.empty:
        return
    where = "the KML's folders" if field == "_folder_status" else repr(field)
    shown_as = dict(zip(counts.index, redact_series(pd.Series(counts.index)), strict=True))
    rest = counts.iloc[_STATUSES_SHOWN:]
    rest_read = pd.Series([status_from_text(value) for value in rest.index], dtype="object")
    parts = []
    unknown_words = int((rest_read == "unknown").sum())
    for value, count in counts.head(_STATUSES_SHOWN).items():
        shown = " ".join(str(shown_as[value]).split())
        if len(shown) > _STATUS_SHOWN_LENGTH:
            shown = shown[: _STATUS_SHOWN_LENGTH - 1] + "…"
        read = status_from_text(value)
        if read != "unknown":
            meaning = _STATUS_MEANINGS[read]
        elif _UNDECIDED.match(str(value)):
            meaning = "unknown (the word says the status is not known)"
            unknown_words += 1
        else:
            meaning = "unknown: not a status the toolkit knows"
            unknown_words += 1
        parts.append(f"{shown!r} ({counted(int(count), 'zone')}) read as {meaning}")
    if len(rest):
        by_status = pd.Series(rest.to_numpy()).groupby(rest_read.to_numpy()).sum()
        parts.append(
            f"and {counted(len(rest), 'other value')} ("
            + ", ".join(f"{counted(int(n), 'zone')} {s}" for s, n in by_status.items())
            + ")"
        )
    note = f"Status values in {where}: {'; '.join(parts)}."
    if unknown_words:
        note += (
            " A zone whose status is unknown is not known to be in force, so it is not "
            "evaluated: write its status as implemented (or existing, in force...) or "
            "proposed in the zones file, or name the column that holds it with "
            f"{option('fields', role='status')}."
        )
    book.note(note)


def _account_dates(
    dates: pd.Series, rows: pd.Index, book: AccountBook, date_field: str, order: str = "dmy"
) -> None:
    """Dates that could not be read are repaired; vague ones are noted."""
    as_what = "a UK (day-first) date" if order == "dmy" else "a US (month-first) date"
    for row, d in zip(rows, dates, strict=True):
        if d.text and d.precision == "unknown":
            book.repair(
                row,
                f"The date could not be read as {as_what}; implemented_on is left empty.",
                field=date_field,
                value=d.text,
            )
    vague = pd.Series(
        [d.precision for d in dates if d.text and d.precision not in ("day", "unknown")]
    ).value_counts()
    for precision, count in vague.items():
        which = [
            (row, d.text)
            for row, d in zip(rows, dates, strict=True)
            if d.text and d.precision == precision
        ]
        dates_known = (
            f"{counted(int(count), 'implementation date')} known only to the {precision} "
            f"({_where_texts(which)})"
        )
        worded = sorted({text for _, text in which if _WORD.search(text)})
        if precision == "year" and worded:
            others = " and others" if len(worded) > 1 else ""
            dates_known += (
                f". Only the year of {redact(worded[0])!r}{others} could be read: the words "
                "name no month or season (one misspelt?). Each"
            )
        else:
            dates_known += ": each"
        if precision == "month":
            book.note(
                f"{dates_known} stands for the month's first day, and before-and-after "
                "evaluations leave that month out."
            )
        else:
            book.note(
                f"{dates_known} stands for the {precision}'s first day, too vague for a "
                "before-and-after evaluation. Give the day or the month in the zones file."
            )


#: Distinct values, and rows of each, that a note on dates names.
_TEXTS_NAMED = 3
#: A word in a date's text (two letters or more).
_WORD = re.compile(r"[^\W\d_]{2,}")


def _where_texts(which: list[tuple[object, str]]) -> str:
    """Where values are, for a note: "'Autimn 2015?' in row 12; 'Summer 2013' in rows 3,
    9 …" (the first few values, and the first few rows of each).

    >>> _where_texts([(12, "Autimn 2015?")])
    "'Autimn 2015?' in row 12"
    >>> _where_texts([(1, "2014"), (2, "2014"), (3, "2015"), (4, "2014"), (5, "2014")])
    "'2014' in rows 1, 2, 4, …; '2015' in row 3"
    """
    by_text: dict[str, list[object]] = {}
    for row, text in which:
        by_text.setdefault(text, []).append(row)
    parts = []
    for text, rows in list(by_text.items())[:_TEXTS_NAMED]:
        named = ", ".join(str(row) for row in rows[:_TEXTS_NAMED])
        more = ", …" if len(rows) > _TEXTS_NAMED else ""
        parts.append(f"{redact(text)!r} in {'row' if len(rows) == 1 else 'rows'} {named}{more}")
    if len(by_text) > _TEXTS_NAMED:
        parts.append(f"and {counted(len(by_text) - _TEXTS_NAMED, 'other value')}")
    return "; ".join(parts)


#: The columns that mark a zones layer this toolkit wrote (a store's ``zones``).
_OWN_ZONE_COLUMNS = ("zone_id", "name", "status", "implemented_precision", "source")

#: The column of each role in the zones layer this toolkit writes (see ``docs/layers.md``);
#: it has no zone numbers.
_OWN_ZONE_ROLES = {
    "name": "name",
    "date": "implemented_on",
    "status": "status",
    "tro_ref": "tro_ref",
}

#: How the columns of the toolkit's own zones layer were chosen (:attr:`Guess.how`).
_OWN_LAYER = "a healthy-streets zones layer"


def _own_zone_roles(frame: pd.DataFrame) -> Roles | None:
    """The roles of a zones layer this toolkit wrote, read from its known columns; None when
    a column is missing (the layer was edited since), and the columns are found as any
    file's are."""
    if not set(_OWN_ZONE_ROLES.values()) <= set(frame.columns):
        return None
    roles = Roles()
    for role in ZONE_ROLES:
        column = _OWN_ZONE_ROLES.get(role.name)
        roles.guesses[role.name] = Guess(role.name, column, _OWN_LAYER)
    return roles


def _own_zone_ids(frame: pd.DataFrame, book: AccountBook) -> list[str] | None:
    """The ``zone_id`` of a zones layer this toolkit wrote, kept as it is (so a zone drawn
    from OpenStreetMap stays ``osm-20mph-1`` and its map and history keep their names);
    None for any other file, or when the ids are not usable ones (each unique, and an id as
    :func:`~healthy_streets.model.ids.slugify` makes them)."""
    if not all(name in frame.columns for name in _OWN_ZONE_COLUMNS):
        return None
    given = frame["zone_id"]
    text = given.astype("string")
    usable = (
        given.notna().all()
        and not text.duplicated().any()
        and all(slugify(value) == value for value in text)
    )
    if not usable:
        book.note(
            "The file looks like a healthy-streets zones layer, but its zone_id column is "
            "not a set of unique ids, so each zone's id is made from its name."
        )
        return None
    book.note(
        "zone_id <- 'zone_id' (a healthy-streets zones layer: its ids are kept, so each "
        "zone's map and history keep their names)."
    )
    return list(text)


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
        # the reason is the same for every zone of one name (said once, with their rows);
        # the value says which id each was given
        book.repair(
            row,
            f"{'; '.join(what)}: the zone's id is made unique (the value says which id it "
            "was given). Give each zone its own short name in the zones file to choose the "
            "ids.",
            field=field,
            value=f"{name} (id {zone.id!r})",
        )
    return [zone.id for zone in ids]


class CouncilLimit(NamedTuple):
    """A council's speed-limit text, read.

    Attributes
    ----------
    low, high
        The lowest and highest limit the text gives, in mph: the same for one limit
        ("20mph streets"), different for a band or a list ("50, 60 or 70mph", "30/40",
        "National speed limit": 60 or 70); ``None`` when no limit can be read.
    part_time
        The limit applies at some times only (school times, advisory, variable).
    """

    low: float | None
    high: float | None
    part_time: bool

    @property
    def mph(self) -> float | None:
        """The one limit; ``None`` for a band or when unknown (never a band's top)."""
        return self.low if self.low is not None and self.low == self.high else None

    @property
    def kind(self) -> str:
        """``single``, ``band`` or ``unknown``."""
        if self.low is None:
            return "unknown"
        return "single" if self.low == self.high else "band"


_NUMBER = re.compile(r"(?<![\w.])(\d{1,2})(?![\d.])")
_MPH_NEXT = re.compile(r"^\s*(?:mph|m\.p\.h\.?)(?![a-z])", re.IGNORECASE)
_LIST_GLUE = re.compile(
    r"^\s*(?:mph|m\.p\.h\.?)?\s*(?:[,/&+]|-|–|\bto\b|\bor\b|\band\b)\s*(?:\bor\b|\band\b)?\s*$",
    re.IGNORECASE,
)
_PART_TIME = re.compile(r"part[\s-]*time|school|advisory|variable|timed|when lights", re.IGNORECASE)
_NATIONAL = re.compile(r"\bnational\b|\bnsl\b", re.IGNORECASE)
#: The national speed limit for cars: 60 mph on single carriageways, 70 on dual ones.
NATIONAL_LIMIT_MPH = (60.0, 70.0)


def limit_from_text(text: object) -> CouncilLimit:
    """A council's speed-limit text to the limit or band it gives.

    Council files speak mph: a number followed by "mph", or a text that is only numbers
    (unlike OpenStreetMap, where a bare number is km/h). A list or a range of limits
    ("50, 60 or 70mph", "30/40", "20-30 mph") is a band, from its lowest to its highest
    limit; "National speed limit" is the band 60 to 70 mph. Other numbers (road numbers,
    zone numbers) are not limits.

    >>> limit_from_text("20mph streets")
    CouncilLimit(low=20.0, high=20.0, part_time=False)
    >>> limit_from_text("50, 60 or 70mph").kind, limit_from_text("50, 60 or 70mph").mph
    ('band', None)
    >>> limit_from_text("Trunk road").kind
    'unknown'
    """
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return CouncilLimit(None, None, False)
    value = str(text)
    part_time = bool(_PART_TIME.search(value))
    limits = _listed_limits(value)
    if limits:
        return CouncilLimit(min(limits), max(limits), part_time)
    if _NATIONAL.search(value):
        return CouncilLimit(*NATIONAL_LIMIT_MPH, part_time)
    return CouncilLimit(None, None, part_time)


def _listed_limits(value: str) -> list[float]:
    """The limits of the first run of numbers that speaks mph (or of a text that is only
    numbers), from the number nearest "mph" back while each is a limit."""
    numbers = list(_NUMBER.finditer(value))
    groups: list[list[re.Match[str]]] = []
    for number in numbers:
        if groups and _LIST_GLUE.match(value[groups[-1][-1].end() : number.start()]):
            groups[-1].append(number)
        else:
            groups.append([number])
    bare = len(groups) == 1 and not re.sub(
        r"[\s,/&+\-–]|\bto\b|\bor\b|\band\b", "", _NUMBER.sub("", value), flags=re.IGNORECASE
    )
    for group in groups:
        if not (bare or any(_MPH_NEXT.match(value[n.end() :]) for n in group)):
            continue
        first = int(group[-1][1])
        if not 5 <= first <= 70:
            continue
        limits = [float(first)]
        for number in reversed(group[:-1]):
            mph = int(number[1])
            if not (5 <= mph <= 70 and mph % 5 == 0):
                break
            limits.append(float(mph))
        return limits
    return []


def _looks_like_limit(value: str) -> bool:
    return limit_from_text(value).kind != "unknown"


#: The roles of a speed-limit lines file's columns.
LIMIT_ROLES: tuple[Role, ...] = (
    Role(
        "limit",
        LIMIT_FIELDS["limit"],
        _looks_like_limit,
        share=0.8,
        what="read as speed limits",
        contradicts_below=0.5,
    ),
    Role("group", LIMIT_FIELDS["group"]),
)


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
    with a field such as ``LAYER`` = "20mph streets", "Part time 20mph" or "30mph". A band
    ("50, 60 or 70mph") is kept as a band (``speed_mph_low`` to ``speed_mph_high``, with
    ``speed_mph`` empty); a line whose limit cannot be read (a trunk road with no limit
    text) is kept with an unknown limit, and counted in the notes.

    Parameters
    ----------
    path
        Any format :func:`read_zones` reads (a file; not a GeoDataFrame).
    crs, layer
        As for :func:`read_zones`.
    fields
        Columns for the roles ``limit`` (the speed-limit text) and ``group`` (a zone or
        scheme name, used by :func:`healthy_streets.analysis.zones_from_speed_limit_lines`).
    assume_bng, working_crs
        As for :func:`read_zones`.

    Returns
    -------
    ImportResult
        ``.layer`` is the ``speed_limits`` layer (``docs/layers.md``): ``line_id``,
        ``speed_mph`` (empty for a band or an unknown limit), ``part_time``,
        ``limit_text``, ``group``, ``source``, ``speed_mph_low``, ``speed_mph_high``,
        ``limit_kind``; ``.rejected`` holds the rows that are not lines.

    Raises
    ------
    MissingCRSError
        When the file declares no CRS and ``crs`` names none (nor ``assume_bng`` can).
    InputFileError
        When the file is missing, empty or cannot be read, has no row with a usable line,
        or no column holds the speed limit (name it in ``fields``).

    Examples
    --------
    A council's lines for three of the sample's streets, saved as its GIS would export them:

    >>> streets = layers.streets.dissolve("name")
    >>> council = streets.loc[["Alder Way", "Cowslip Lane", "Kestrel Road"]]
    >>> council["LAYER"] = ["20mph streets", "Part time 20mph", "30mph"]
    >>> council["SCHEME"] = ["Cowslip", "Cowslip", None]
    >>> council[["LAYER", "SCHEME", "geometry"]].to_file(out / "speed_limits.geojson")

    >>> named = {"limit": "LAYER", "group": "SCHEME"}
    >>> result = read_speed_limit_lines(out / "speed_limits.geojson", fields=named)
    >>> result.layer[["line_id", "speed_mph", "part_time", "limit_text", "group"]]
              line_id  speed_mph  part_time       limit_text    group
    0  speed-limits-1       20.0      False    20mph streets  Cowslip
    1  speed-limits-2       20.0       True  Part time 20mph  Cowslip
    2  speed-limits-3       30.0      False            30mph      NaN
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
        book.repair(ALL_ROWS, note, field="crs")
    warning = outside_uk_note(frame.geometry.representative_point(), what="The lines")
    if warning:
        book.note(warning)
    frame = blank_missing(frame)
    roles = find_roles(path, frame, LIMIT_ROLES, fields)
    book.record_columns(roles.as_record(), roles.describe())
    if roles["limit"] is None:
        raise InputFileError(
            path,
            "No column holds the speed limit",
            fix=f"Name it with {option('fields', role='limit')}.",
        )
    text = roles.column_values(frame, LIMIT_ROLES[0])
    limits = text.map(limit_from_text)
    _account_limits(text, limits, book, str(roles["limit"]))
    lines = gpd.GeoDataFrame(
        {
            "line_id": [f"{slugify(path.stem)}-{row}" for row in frame.index],
            "speed_mph": limits.map(lambda limit: limit.mph),
            "part_time": limits.map(lambda limit: limit.part_time),
            "limit_text": text,
            "group": roles.column_values(frame, LIMIT_ROLES[1]),
            "source": path.name,
            "zone_id": None,
            "speed_mph_low": limits.map(lambda limit: limit.low),
            "speed_mph_high": limits.map(lambda limit: limit.high),
            "limit_kind": limits.map(lambda limit: limit.kind),
        },
        geometry=frame.geometry,
        crs=frame.crs,
        index=frame.index,
    )
    note_reading(read, book, kept=lines.index)
    return book.result(conform(lines, SPEED_LIMITS), rows_in, unit="features")


def _account_limits(text: pd.Series, limits: pd.Series, book: AccountBook, field: str) -> None:
    """Bands and unknown limits are kept, and said: the notes count them, and a text that
    could not be read is a repair showing it."""
    kinds = limits.map(lambda limit: limit.kind)
    bands = kinds == "band"
    if bands.any():
        shown = ", ".join(repr(t) for t in text[bands].drop_duplicates().head(3))
        book.note(
            f"{counted(int(bands.sum()), 'line')} with a band of limits ({shown}): kept as a "
            "band from its lowest to its highest limit (speed_mph_low, speed_mph_high), with "
            "no single speed_mph."
        )
    unknown = kinds == "unknown"
    unreadable = unknown & text.notna()
    book.repair_many(
        text.index[unreadable].to_series(),
        "No speed limit could be read; the line is kept with an unknown limit.",
        field=field,
        values=text[unreadable],
    )
    if unknown.any():
        blank = int((unknown & text.isna()).sum())
        book.note(
            f"{counted(int(unknown.sum()), 'line')} with no speed limit that could be read "
            f"({blank} blank, {int(unreadable.sum())} unreadable): kept with an unknown limit."
        )
