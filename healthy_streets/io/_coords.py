"""Coordinates in spreadsheets: latitude/longitude, easting/northing, OS grid references.

Columns are found by name in any case (``Grid Ref X``/``Grid Ref Y`` and ``X``/``Y`` too:
read as longitude and latitude when their values are degrees). Each row's point comes
from the first system that gives one (latitude/longitude, then easting/northing, then a
grid reference, then a postcode looked up in a file the user supplies, placed at the
postcode's centre).

Rows whose place cannot be right are rejected with the reason: values that cannot be read,
``0, 0`` (a blank exported as zeros), a point
outside Great Britain, easting and northing that land in the project area only when read
the other way round. A row in Great Britain but outside the project area is not an error (a
county's file read for one town): it is set apart, counted with its distance from the area
(:meth:`~healthy_streets.model.account.AccountBook.outside_area`), and not rejected. A row
whose latitude and longitude cannot be right as given but can read swapped (latitude -2.3
in a project in Britain) is read swapped and counted as repaired with the reason; when
every row is so, the reason says the two columns are headed the wrong way round. Eastings
and northings are read swapped in the same way when the row's evidence says so, and all of a
file's when the evidence says its two columns are headed the wrong way round: the rows'
postcodes, the project area, the file's other places or Great Britain's land (see
:func:`_swapped_metres`). In much of England both readings lie on land and, with none of
that to tell, the columns are read as headed with a warning that says so.

Great Britain is the project's place when the working CRS is the British National Grid. A
file most of whose places lie elsewhere then gets one note naming the working CRS to set
(:func:`national_grid_note`) besides its rows' rejections. With another working CRS (a
project in Paris, say), latitude and longitude are places anywhere on Earth, and only the
project area sets rows apart; grid references and postcodes are still the National Grid's,
and eastings and northings are read in the working CRS when it is a projected CRS for
another place (:func:`easting_northing_crs`; a note says so), or in the CRS the user names.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from healthy_streets._audience import option
from healthy_streets.errors import InputFileError
from healthy_streets.io._common import (
    NAN_CELLS,
    all_match,
    check_input,
    find_column,
    no_cycle_collection,
    parse_crs,
    read_table,
    read_text,
    resolve_fields,
)
from healthy_streets.io._roles import Guess
from healthy_streets.model.account import AccountBook
from healthy_streets.model.area import distances, distances_xy
from healthy_streets.model.privacy import scrub_value
from healthy_streets.model.uk import UK_AREA, on_uk_land, place_phrase, suggested_crs

__all__ = [
    "COORDINATE_COLUMNS",
    "coordinate_guesses",
    "easting_northing_crs",
    "find_coordinate_columns",
    "grid_ref_to_bng",
    "in_great_britain",
    "lat_lon_pair_columns",
    "national_grid_note",
    "outside_great_britain",
    "points_from_table",
    "set_apart_outside",
    "working_is_british",
]

#: Column names recognised for each coordinate, most specific first.
COORDINATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "lat": ("latitude", "lat", "y_lat", "wgs84_lat", "lat_wgs84", "decimal_latitude"),
    "lon": (
        "longitude",
        "lon",
        "long",
        "lng",
        "x_lon",
        "wgs84_lon",
        "lon_wgs84",
        "decimal_longitude",
    ),
    "easting": (
        "easting",
        "eastings",
        "east",
        "x_bng",
        "bng_x",
        "os_x",
        "x_coordinate",
        "grid_ref_x",
        "grid_reference_x",
        "grid_x",
        "xcoord",
        "x_coord",
        "point_x",
        "x",
    ),
    "northing": (
        "northing",
        "northings",
        "north",
        "y_bng",
        "bng_y",
        "os_y",
        "y_coordinate",
        "grid_ref_y",
        "grid_reference_y",
        "grid_y",
        "ycoord",
        "y_coord",
        "point_y",
        "y",
    ),
    "grid_ref": (
        "grid_ref",
        "grid reference",
        "gridref",
        "os_grid_ref",
        "os_grid_reference",
        "ngr",
        "national_grid_reference",
        "os_ref",
        "grid",
    ),
    "postcode": ("postcode", "post_code", "postal_code", "pcd", "pcds", "pcd2"),
}

#: Latitude/longitude box of Great Britain and Northern Ireland (with a margin).
GB_LONLAT = (-8.9, 49.8, 2.0, 61.0)
#: Great Britain and Northern Ireland (:data:`~healthy_streets.model.uk.UK_AREA`) and 0.15°
#: around them (10 to 17 km): a place beyond is in no project in Britain (Dublin, Calais),
#: while the land border's few kilometres of doubt fall on the British side.
UK_NEAR = UK_AREA.buffer(0.15)
shapely.prepare(UK_NEAR)
#: Longitude/latitude of the whole world: the places of a project outside Britain.
WORLD_LONLAT = (-180.0, -90.0, 180.0, 90.0)
#: Easting/northing box of the National Grid.
GB_BNG = (0.0, 0.0, 700_000.0, 1_250_000.0)

_LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"  # the grid skips I
_GRID_REF = re.compile(r"^\s*([A-HJ-Z]{2})\s*(\d+)\s*(\d*)\s*$", re.IGNORECASE)

_TO_BNG = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


def grid_ref_to_bng(text: str) -> tuple[float, float] | None:
    """An OS grid reference to the easting and northing of the centre of its square.

    Any precision, with or without spaces: ``"SD 58323 17512"``, ``"SD5832317512"``,
    ``"SD5817"``. The point returned is the centre of the square the reference names (a
    4-figure reference names a 1 km square). Returns ``None`` for text that is not a grid
    reference.

    >>> grid_ref_to_bng("SD 58323 17512")
    (358323.5, 417512.5)
    >>> grid_ref_to_bng("SD5817")
    (358500.0, 417500.0)
    """
    match = _GRID_REF.match(str(text))
    if not match:
        return None
    letters, first, second = match[1].upper(), match[2], match[3]
    digits = first + second
    if second and len(first) != len(second):
        return None
    if len(digits) % 2 or len(digits) > 10:
        return None
    half = len(digits) // 2
    i1, i2 = _LETTERS.index(letters[0]), _LETTERS.index(letters[1])
    # the 100 km square, counted from the grid's false origin (SV is square 0, 0)
    e100 = ((i1 - 2) % 5) * 5 + i2 % 5
    n100 = (19 - (i1 // 5) * 5) - i2 // 5
    unit = 10 ** (5 - half)
    easting = e100 * 100_000 + int(digits[:half] or 0) * unit + unit / 2
    northing = n100 * 100_000 + int(digits[half:] or 0) * unit + unit / 2
    if not (GB_BNG[0] <= easting <= GB_BNG[2] and GB_BNG[1] <= northing <= GB_BNG[3]):
        return None
    return float(easting), float(northing)


@dataclass(frozen=True)
class CoordinateColumns:
    """The coordinate columns found in a table."""

    lat: str | None = None
    lon: str | None = None
    easting: str | None = None
    northing: str | None = None
    grid_ref: str | None = None
    postcode: str | None = None
    #: The roles whose column the user named (``--field easting=...``): not guesses.
    given: frozenset[str] = frozenset()

    @property
    def any(self) -> bool:
        """True when the table has at least one column that can place a row."""
        return bool(
            (self.lat and self.lon)
            or (self.easting and self.northing)
            or self.grid_ref
            or self.postcode
        )

    @property
    def names(self) -> list[str]:
        """The columns found."""
        return [
            c
            for c in (self.lat, self.lon, self.easting, self.northing, self.grid_ref, self.postcode)
            if c
        ]

    def describe(self) -> str:
        """The columns, as a phrase for messages."""
        return ", ".join(map(repr, self.names)) or "none"


def find_coordinate_columns(
    columns: list[str], given: Mapping[str, str] | None = None, *, path: Path | None = None
) -> CoordinateColumns:
    """Find the coordinate columns of a table; ``given`` (role -> column) wins.

    Raises
    ------
    InputFileError
        For a column in ``given`` that the table does not have (``path`` names the file).
    """
    found = resolve_fields(
        path or Path("the file"), columns, COORDINATE_COLUMNS, given, truncated=False
    )
    return CoordinateColumns(**found, given=frozenset(given or {}))


#: A latitude and longitude in brackets, as Socrata's open-data portals write a place
#: ("(51.549337, -0.18195)"), alone or after an address.
_LAT_LON_PAIR = re.compile(r"\(\s*([-+]?\d{1,3}(?:\.\d+)?)\s*,\s*([-+]?\d{1,3}(?:\.\d+)?)\s*\)\s*$")

#: The share of a column's values that must be such pairs for it to place the rows.
PAIR_SHARE = 0.8


def lat_lon_pair_columns(
    table: pd.DataFrame,
) -> tuple[pd.DataFrame, CoordinateColumns, dict[str, Guess]] | None:
    """For a table with no coordinate columns: the first column whose values are mostly
    "(latitude, longitude)" pairs (Socrata's ``Location``), split. Returns the table with
    the two numbers as columns of their own (``"Location (latitude)"``...), the coordinate
    columns to read, and the guesses (the pairs' column, and why) for the summary; ``None``
    when no column holds such pairs. Pairs written the other way round are turned as
    swapped latitude/longitude columns are (:func:`points_from_table`)."""
    for column in table.columns:
        cells = table[column]
        if cells.dtype != object:
            continue
        text = cells.dropna().astype("str").str.strip()
        text = text[text != ""]
        if text.empty:
            continue
        share = float(text.str.extract(_LAT_LON_PAIR)[0].notna().mean())
        if share < PAIR_SHARE:
            continue
        parts = cells.astype("object").where(cells.notna(), "").astype("str")
        numbers = parts.str.extract(_LAT_LON_PAIR)
        lat, lon = f"{column} (latitude)", f"{column} (longitude)"
        placed = table.assign(**{lat: numbers[0], lon: numbers[1]})
        how = f"{share:.0%} of its values are latitude, longitude pairs in brackets"
        guesses = {role: Guess(role, str(column), how, share) for role in ("lat", "lon")}
        return placed, CoordinateColumns(lat=lat, lon=lon), guesses
    return None


def coordinate_guesses(
    columns: CoordinateColumns, given: Mapping[str, str] | None = None
) -> dict[str, Guess]:
    """The coordinate columns used, as guesses for an import's summary (role -> guess)."""
    given = given or {}
    guesses = {}
    for role in COORDINATE_COLUMNS:
        column = getattr(columns, role)
        if column is not None:
            how = "named by you" if role in given else "header"
            guesses[role] = Guess(role, column, how)
    return guesses


def _numbers(
    table: pd.DataFrame,
    column: str | None,
    rows: np.ndarray | None = None,
    *,
    degrees: bool = False,
) -> pd.Series:
    """The numbers of a column (NaN where there is none), of the ``rows`` (a mask) only.

    A comma groups thousands ("358,231") unless it is the number's only separator and
    stands where a thousands comma cannot ("358231,5"), or the column holds ``degrees``
    ("53,6543", "-2,632"): then it is a decimal comma, as files saved with semicolons in
    much of Europe write them.
    """
    if column is None:
        return pd.Series(np.nan, index=table.index)
    if rows is not None:
        return _numbers(table[[column]][rows], column, degrees=degrees).reindex(table.index)
    values = table[column]
    if all_match(values[values.notna()], _PLAIN_NUMBER):  # text with nothing to take off
        numbers = pd.to_numeric(values, errors="coerce")
    else:
        text = values.astype("str").str.strip()
        decimal = text.str.fullmatch(_DECIMAL_COMMA)
        if not degrees:
            decimal &= ~text.str.fullmatch(_THOUSANDS)
        text = text.where(~decimal, text.str.replace(",", ".", regex=False))
        text = text.str.replace(",", "", regex=False)
        text = text.str.replace(r"[°'\"NnEe]$", "", regex=True)
        numbers = pd.to_numeric(text, errors="coerce")
    return numbers.where(np.isfinite(numbers))  # Infinity is no more a place than NaN


#: A number with one comma and no point: "53,6543", "358,231".
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
#: A number whose commas group thousands: "358,231", "1,234,567".
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+")


_NOT_FINITE = r"\s*[+-]?(?:nan|inf|infinity)\s*"
#: A number as most files write it, which :func:`_numbers` reads as it is.
_PLAIN_NUMBER = re.compile(r"[+-]?\d++(?:\.\d*+)?+")


def _not_finite(table: pd.DataFrame, columns: CoordinateColumns, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` (a mask) have NaN or Infinity written in a coordinate column (a NaN
    the table reader read as missing is listed in the table's ``nan_cells``)."""
    names = [c for c in (columns.lat, columns.lon, columns.easting, columns.northing) if c]
    said_nan: dict[str, list[object]] = table.attrs.get(NAN_CELLS, {})
    found = np.zeros(len(table), dtype=bool)
    for name in names:
        cells = table[name][rows].astype("str")
        found[rows] |= cells.str.fullmatch(_NOT_FINITE, case=False).to_numpy(dtype=bool)
        found |= table.index.isin(said_nan.get(name, []))
    return found & rows


class PostcodeLookup:
    """Postcode -> easting and northing of its centre, from a file the user supplies.

    Reads the ONS Postcode Directory and similar CSVs (a header with ``pcds``/``postcode``
    and ``oseast1m``/``easting`` and ``osnrth1m``/``northing``) and Code-Point Open's
    headerless CSVs (postcode, quality, easting, northing, ...). Postcodes match however
    they are spaced or cased.
    """

    def __init__(self, centres: dict[str, tuple[float, float]], source: str) -> None:
        self.centres = centres
        self.source = source

    @staticmethod
    def key(postcode: object) -> str:
        """``" pr7  1ab"`` -> ``"PR71AB"``."""
        return re.sub(r"\s+", "", str(postcode)).upper()

    def find(self, postcode: object) -> tuple[float, float] | None:
        """The centre of ``postcode``, or None when the file does not hold it."""
        return self.centres.get(self.key(postcode))

    @classmethod
    def from_file(cls, path: str | Path) -> PostcodeLookup:
        """Read a postcode file (see the class description)."""

        path = check_input(path)
        table = read_table(path)
        postcode = find_column(
            table.columns, ("pcds", "pcd", "pcd2", "postcode", "post_code"), truncated=False
        )
        east = find_column(
            table.columns, ("oseast1m", "easting", "eastings", "east"), truncated=False
        )
        north = find_column(
            table.columns, ("osnrth1m", "northing", "northings", "north"), truncated=False
        )
        if not (postcode and east and north):
            header = list(table.columns)
            if len(header) >= 4 and _POSTCODE.match(str(header[0])):  # Code-Point Open
                table = _headerless(path)
                table.columns = ["postcode", "easting", "northing"]
                postcode, east, north = "postcode", "easting", "northing"
            else:
                raise InputFileError(
                    path,
                    "This is not a postcode file: it needs columns for the postcode, easting "
                    "and northing",
                    fix="Use the ONS Postcode Directory or Code-Point Open (CSV).",
                )
        eastings = pd.to_numeric(table[east], errors="coerce")
        northings = pd.to_numeric(table[north], errors="coerce")
        ok = np.isfinite(eastings) & np.isfinite(northings) & table[postcode].notna()
        centres = {
            cls.key(p): (float(e), float(n))
            for p, e, n in zip(table.loc[ok, postcode], eastings[ok], northings[ok], strict=True)
        }
        return cls(centres, path.name)


def _headerless(path: Path) -> pd.DataFrame:
    """Code-Point Open's columns 1, 3 and 4 (postcode, easting, northing): no header."""

    try:
        return pd.read_csv(
            io.StringIO(read_text(path)), header=None, dtype="str", usecols=[0, 2, 3]
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputFileError(
            path,
            f"This is not a readable postcode file ({str(exc).strip().splitlines()[0][:120]})",
            fix="Use the ONS Postcode Directory or Code-Point Open (CSV) as published.",
        ) from None


_POSTCODE = re.compile(r"^\s*[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\s*$", re.IGNORECASE)


def points_from_table(
    table: pd.DataFrame,
    columns: CoordinateColumns,
    book: AccountBook,
    *,
    area: shapely.Geometry | None = None,
    working_crs: str,
    postcodes: PostcodeLookup | None = None,
    metres_crs: object = None,
) -> gpd.GeoSeries:
    """One point per row of ``table`` in ``working_crs``; rows without one are rejected, and
    rows outside ``area`` are set apart with their distance from it (see the module).

    The returned series is indexed like ``table`` and holds only the rows kept. The places
    are worked out on arrays of coordinates, and a point is made only for each row kept.
    Eastings and northings are in ``metres_crs`` when it is given, else as
    :func:`easting_northing_crs` says (noted when it is not the National Grid).
    """
    british = working_is_british(working_crs)
    columns = _degrees_in_xy(table, columns, book, british=british)
    lat = _numbers(table, columns.lat, degrees=True).to_numpy(dtype=float)
    lon = _numbers(table, columns.lon, degrees=True).to_numpy(dtype=float)
    x = np.full(len(table), np.nan)
    y = np.full(len(table), np.nan)
    reason = np.full(len(table), "", dtype=object)

    has_ll = ~np.isnan(lat) & ~np.isnan(lon)
    lat, lon, swapped, outside_ll = _check_lonlat(
        lat, lon, has_ll, columns, book, table=table, british=british
    )
    zeros_ll = has_ll & (lat == 0) & (lon == 0)
    outside_ll &= ~zeros_ll
    good_ll = has_ll & ~swapped & ~outside_ll & ~zeros_ll
    # places in Britain go by the National Grid (as its eastings and northings do); others
    # (with a working CRS of their own) are kept in degrees and converted from them
    abroad = good_ll & ~_in_box(lon, lat, GB_LONLAT)
    in_britain = good_ll & ~abroad
    if in_britain.any():
        x[in_britain], y[in_britain] = _TO_BNG.transform(lon[in_britain], lat[in_britain])
    x[abroad], y[abroad] = lon[abroad], lat[abroad]
    reason[swapped] = _SWAPPED_FAR
    reason[outside_ll] = _NO_PLACE[british]
    if british and outside_ll.sum() * 2 > has_ll.sum():
        book.note(
            national_grid_note(
                lon[outside_ll],
                lat[outside_ll],
                total=int(has_ll.sum()),
                what="rows with latitude/longitude",
            )
        )
    reason[zeros_ll] = NOT_A_PLACE

    todo = ~has_ll
    east, north = (
        _numbers(table, c, todo).to_numpy(dtype=float) for c in (columns.easting, columns.northing)
    )
    has_en = todo & ~np.isnan(east) & ~np.isnan(north)
    zeros_en = has_en & (east == 0) & (north == 0)
    metres = easting_northing_crs(
        working_crs, metres_crs, east=east[has_en], north=north[has_en], area=area
    )
    if _BNG.is_exact_same(metres) and has_en.any():
        east, north = _swapped_metres(
            table,
            columns,
            has_en & ~zeros_en,
            (east, north),
            book,
            postcodes=postcodes,
            area=area,
            working_crs=working_crs,
            others=_other_places(table, columns, in_britain, (x, y), has_en),
        )
    if has_en.any() and not _BNG.is_exact_same(metres):
        book.note(_metres_note(columns, metres, given=metres_crs is not None))
    good_en = has_en & _in_box(east, north, _crs_box(metres)) & ~zeros_en
    x[good_en], y[good_en] = east[good_en], north[good_en]
    reason[has_en & ~good_en & ~zeros_en] = (
        "Easting/northing lie outside the National Grid, so they are not a place in "
        "Great Britain; check the coordinates."
        if _BNG.is_exact_same(metres)
        else f"Easting/northing lie outside the area {_crs_name(metres)} covers; check the "
        f"coordinates, or name their CRS with {option('crs')}."
    )
    reason[zeros_en] = NOT_A_PLACE
    in_metres = good_en if not _BNG.is_exact_same(metres) else np.zeros(len(table), dtype=bool)

    todo = todo & ~has_en
    if columns.grid_ref:
        refs = table[columns.grid_ref].to_numpy(dtype=object)
        for i in np.flatnonzero(todo & pd.notna(refs)):
            point = grid_ref_to_bng(refs[i])
            if point is None:
                reason[i] = (
                    f"{scrub_value(refs[i])!r} is not an OS grid reference (like 'SD 58323 17512')."
                )
            else:
                x[i], y[i] = point
    if columns.postcode:
        where = np.isnan(x) & (reason == "")
        _place_by_postcode(table, columns.postcode, where, postcodes, (x, y, reason), book)
    missing = np.isnan(x) & (reason == "")
    reason[_not_finite(table, columns, missing)] = (
        "A coordinate is NaN or Infinity, which is not a number; fix the row's coordinates."
    )
    missing = missing & (reason == "")
    if missing.any():
        reason[missing & _partly_filled(table, columns)] = (
            "The coordinates are incomplete or not numbers."
        )
        reason[missing & (reason == "")] = (
            f"The row has no coordinates (looked in {columns.describe()})."
        )

    placed = np.flatnonzero(~np.isnan(x))
    xs, ys = _to_working(x[placed], y[placed], working_crs, degrees=abroad[placed])
    if in_metres.any():  # eastings and northings of another CRS than the National Grid
        into = Transformer.from_crs(metres, CRS.from_user_input(working_crs), always_xy=True)
        own = in_metres[placed]
        xs[own], ys[own] = into.transform(x[placed][own], y[placed][own])
    if area is not None and len(placed):
        inside = _inside(area, xs, ys)
        turned = _swapped_into_area(
            east[placed], north[placed], good_en[placed] & ~inside, area, working_crs, metres
        )
        reason[placed[turned]] = (
            "Easting and northing look swapped: read the other way round, the point lies in "
            "the project area. Swap the two values."
        )
        outside = ~inside & ~turned
        if outside.any():
            far = distances_xy(xs[outside], ys[outside], area)
            book.outside_area(table.index[placed[outside]], np.round(far, 0))
        placed, xs, ys = placed[inside], xs[inside], ys[inside]
    for i in np.flatnonzero(reason != ""):
        row = table.index[i]
        book.reject(
            row, reason[i], field=columns.describe(), value=_row_coordinates(table, columns, row)
        )
    with no_cycle_collection():  # a point per row kept: no cycles to find among them
        points = shapely.points(xs, ys)
    return gpd.GeoSeries(points, index=table.index[placed], crs=working_crs)


#: How far a postcode's centre may lie from its row's point (metres) before the point is
#: doubted, and how near the point read the other way round must then come.
_POSTCODE_DOUBT_M, _POSTCODE_AGREES_M = 5_000.0, 2_000.0
_FROM_BNG = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def _swapped_metres(
    table: pd.DataFrame,
    columns: CoordinateColumns,
    rows: np.ndarray,
    values: tuple[np.ndarray, np.ndarray],
    book: AccountBook,
    *,
    postcodes: PostcodeLookup | None,
    area: shapely.Geometry | None = None,
    working_crs: str = "EPSG:27700",
    others: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The National Grid eastings and northings to use, with those of ``rows`` (a mask)
    read swapped where the evidence says they are, each counted as repaired with it.

    A row's own evidence comes first: an "easting" beyond the grid's 700,000 that read as a
    northing is in it; a point off Great Britain that read the other way round is in it;
    the row's postcode, looked up, lies far from the point and near it read the other way
    round (or the other way about: evidence the row is right as given).

    In England and Wales both readings usually lie in Great Britain (Trafford's places,
    read the other way round, fall near Macclesfield), so whether the two columns are
    headed the wrong way round is decided for the whole file (:func:`_columns_verdict`):
    by the rows' postcodes, else by the project ``area`` (in ``working_crs``), else by
    the file's ``others`` places (National Grid points of its rows placed by latitude and
    longitude or a grid reference), else by the land
    (:func:`~healthy_streets.model.uk.on_uk_land`). When they are, the rows without
    evidence of their own are read swapped too, counted with the file's evidence; when
    nothing decides, the columns are read as headed and a note says the guess, the
    places each reading gives, and how to settle it.
    """
    east, north = values
    why = np.full(len(east), "", dtype=object)  # the row's own evidence it is swapped
    held = np.zeros(len(east), dtype=bool)  # ... or that it is right as given
    by_postcode = np.zeros(len(east), dtype=bool)  # that evidence is the row's postcode
    beyond = rows & (east > GB_BNG[2]) & _in_box(north, east, GB_BNG)
    why[beyond] = "the easting is beyond the National Grid's 700,000 and the northing is not"
    held |= rows & (north > GB_BNG[2]) & _in_box(east, north, GB_BNG)
    inside = rows & ~beyond & _in_box(east, north, GB_BNG) & _in_box(north, east, GB_BNG)
    if inside.any():
        lon, lat = _FROM_BNG.transform(east[inside], north[inside])
        lon2, lat2 = _FROM_BNG.transform(north[inside], east[inside])
        given_in, turned_in = in_great_britain(lon, lat), in_great_britain(lon2, lat2)
        why[np.flatnonzero(inside)[~given_in & turned_in]] = (
            "as given the point is off Great Britain's land; read the other way round it is on it"
        )
        held[np.flatnonzero(inside)[given_in & ~turned_in]] = True
    if postcodes is not None and columns.postcode:
        codes = table[columns.postcode].to_numpy(dtype=object)
        for i in np.flatnonzero(inside & (why == "") & ~held):
            centre = postcodes.find(codes[i]) if pd.notna(codes[i]) else None
            if centre is None:
                continue
            given = float(np.hypot(east[i] - centre[0], north[i] - centre[1]))
            turned = float(np.hypot(north[i] - centre[0], east[i] - centre[1]))
            if given > _POSTCODE_DOUBT_M and turned < _POSTCODE_AGREES_M:
                why[i] = (
                    f"the row's postcode lies {given / 1000:.0f} km from the point as given "
                    f"and within {_POSTCODE_AGREES_M / 1000:.0f} km of it read the other way "
                    "round"
                )
                by_postcode[i] = True
            elif turned > _POSTCODE_DOUBT_M and given < _POSTCODE_AGREES_M:
                held[i] = by_postcode[i] = True
    loose = inside & (why == "") & ~held  # rows with no evidence of their own
    verdict, evidence = "headed", ""
    if loose.any() and not {"easting", "northing"} <= columns.given:
        verdict, evidence = _columns_verdict(
            (east, north), rows, (why != "", held, by_postcode), area, working_crs, others
        )
    if verdict == "unsure":
        book.note(_unsure_note(columns, east[loose], north[loose], postcodes, evidence))
    turn = why != ""
    if verdict == "swapped":
        book.repair_many(
            table.index[loose].to_series(),
            f"The {columns.easting!r} and {columns.northing!r} columns are the wrong way "
            f"round ({evidence}), so each row was read with them swapped; check them and "
            "swap the two headings in the file.",
            field=f"{columns.easting}, {columns.northing}",
            values=_pairs(table, east, north, loose),
            whole_file=True,
        )
    for reason in np.unique(why[turn]):
        these = turn & (why == reason)
        book.repair_many(
            table.index[these].to_series(),
            f"Easting and northing were swapped in this row ({reason}), so it was read with "
            "the two values swapped; check it and swap them in the file.",
            field=f"{columns.easting}, {columns.northing}",
            values=_pairs(table, east, north, these),
        )
    if verdict == "swapped":
        turn |= loose
    if not turn.any():
        return east, north
    return np.where(turn, north, east), np.where(turn, east, north)


def _pairs(table: pd.DataFrame, east: np.ndarray, north: np.ndarray, rows: np.ndarray) -> pd.Series:
    """The easting and northing of ``rows`` (a mask) as given, for the account."""
    return pd.Series(
        [f"{e:g}, {n:g}" for e, n in zip(east[rows], north[rows], strict=True)],
        index=table.index[rows],
    )


def _columns_verdict(
    values: tuple[np.ndarray, np.ndarray],
    rows: np.ndarray,
    own: tuple[np.ndarray, np.ndarray, np.ndarray],
    area: shapely.Geometry | None,
    working_crs: str,
    others: np.ndarray | None = None,
) -> tuple[str, str]:
    """Whether a file's easting and northing columns are headed the right way round:
    ``"headed"``, ``"swapped"`` (with the evidence, as a phrase) or ``"unsure"`` (with
    what was weighed), from the ``rows`` (a mask) that hold both.

    ``own`` is the rows' own evidence: swapped, held as given, and whether that evidence
    is the row's postcode. In turn, each deciding when it can:

    - the rows' postcodes: the columns are the way most rows whose postcode was looked up
      say;
    - the project ``area``: swapped when read the other way round more than half of the
      rows lie in it, and more than as headed; as headed when more lie in it as headed;
    - the file's ``others`` places (points of the National Grid): the same, with the rows
      that lie within :data:`_NEAR_OTHERS_M` of one of them;
    - the land: swapped when as headed more than half of the rows lie off it (at sea, or
      beyond the National Grid) and read the other way round at most a tenth do; as
      headed when fewer lie off it as headed than read the other way round.

    A file of places near the diagonal of the grid (eastings close to northings: Greater
    Manchester, Leeds, Sheffield, Norwich) lies on land both ways, and with no postcode or
    area to tell, is ``"unsure"``.
    """
    east, north = values
    swapped, held, by_postcode = own
    n = int(rows.sum())
    for_turn, for_held = int((swapped & by_postcode).sum()), int((held & by_postcode).sum())
    if for_turn != for_held:
        looked_up = for_turn + for_held
        if for_turn > for_held:
            return "swapped", (
                f"{for_turn} of the {looked_up} rows whose postcode was looked up lie near it "
                "only read the other way round"
            )
        return "headed", ""
    given_ok = _in_box(east, north, GB_BNG)
    turned_ok = _in_box(north, east, GB_BNG)
    weighed = []
    if area is not None:
        given_in = np.zeros(len(east), dtype=bool)
        turned_in = np.zeros(len(east), dtype=bool)
        for ok, inside, (x, y) in (
            (given_ok, given_in, (east, north)),
            (turned_ok, turned_in, (north, east)),
        ):
            these = rows & ok
            if these.any():
                inside[these] = _inside(area, *_to_working(x[these], y[these], working_crs))
        found = _by_most("lie in the project area", int(given_in.sum()), int(turned_in.sum()), n)
        if isinstance(found, tuple):
            return found
        weighed.append(found)
    if others is not None and len(others):
        tree = shapely.STRtree(others)
        n_given, n_turned = (
            len(
                np.unique(
                    tree.query(shapely.points(x[rows], y[rows]), "dwithin", _NEAR_OTHERS_M)[0]
                )
            )
            for x, y in ((east, north), (north, east))
        )
        near = (
            f"lie within {_NEAR_OTHERS_M / 1000:g} km of the file's places given by "
            "latitude/longitude or grid reference"
        )
        found = _by_most(near, n_given, n_turned, n)
        if isinstance(found, tuple):
            return found
        weighed.append(found)
    off_given = int((rows & ~(given_ok & on_uk_land(east, north))).sum())
    off_turned = int((rows & ~(turned_ok & on_uk_land(north, east))).sum())
    if off_given * 2 > n and off_turned * 10 <= n:
        return "swapped", (
            f"read as headed, {_of(off_given, n)} rows lie at sea or beyond the National "
            f"Grid; read the other way round, {_do(off_turned, n)}"
        )
    if off_given < off_turned:
        return "headed", ""
    weighed.append(_either("lie on land in Great Britain", n - off_given, n - off_turned, n))
    return "unsure", " and ".join(weighed)


def _by_most(what: str, given: int, turned: int, total: int) -> tuple[str, str] | str:
    """The verdict of how many of ``total`` rows ``what`` read as headed (``given``) and the
    other way round (``turned``): swapped when more than half do only turned, and more than
    as headed; headed when more do as headed; else what was weighed, in words."""
    if turned * 2 > total and turned > given:
        return "swapped", (
            f"read as headed, {_of(given, total)} rows {what}; read the other way round, "
            f"{_do(turned, total)}"
        )
    if given > turned:
        return "headed", ""
    return _either(what, given, turned, total)


def _either(what: str, given: int, turned: int, total: int) -> str:
    """How many of ``total`` rows ``what`` read as headed and read the other way round."""
    if given == turned:
        return f"read either way, {_of(given, total)} rows {what}"
    return f"{_of(given, total)} rows {what} as headed and {turned} read the other way round"


#: How near one of a file's places given otherwise (metres) a row's easting and northing
#: must put it to count as near the file's places.
_NEAR_OTHERS_M = 5_000.0


def _other_places(
    table: pd.DataFrame,
    columns: CoordinateColumns,
    placed: np.ndarray,
    xy: tuple[np.ndarray, np.ndarray],
    rows: np.ndarray,
) -> np.ndarray:
    """The places (National Grid points) of a file's rows placed otherwise than by the
    easting and northing of ``rows`` (a mask): those ``placed`` by latitude and longitude
    (at ``xy``), and those with a grid reference."""
    x, y = xy
    points = [shapely.points(x[placed], y[placed])]
    if columns.grid_ref:
        refs = table[columns.grid_ref].to_numpy(dtype=object)
        found = (grid_ref_to_bng(ref) for ref in refs[~placed & ~rows & pd.notna(refs)])
        points.append(np.array([shapely.Point(p) for p in found if p is not None], dtype=object))
    return np.concatenate(points)


def _of(count: int, total: int) -> str:
    """``"3 of 6"``, or ``"all 6"`` / ``"none of the 6"``."""
    if count == total:
        return f"all {total}"
    return f"none of the {total}" if count == 0 else f"{count} of {total}"


def _do(count: int, total: int) -> str:
    """``"3 do"``, or ``"all 6 do"`` / ``"none do"``: the count of :func:`_of` said again."""
    if count == total:
        return f"all {total} do"
    return "none do" if count == 0 else f"{count} do"


def _unsure_note(
    columns: CoordinateColumns,
    east: np.ndarray,
    north: np.ndarray,
    postcodes: PostcodeLookup | None,
    weighed: str,
) -> str:
    """The note that a file's ``east``, ``north`` (the rows with no evidence of their own)
    could be read either way round: where each reading puts them, and how to settle it."""
    lon, lat = _FROM_BNG.transform(east, north)
    lon2, lat2 = _FROM_BNG.transform(north, east)
    here = float(np.median(lon)), float(np.median(lat))
    there = float(np.median(lon2)), float(np.median(lat2))
    apart = float(np.hypot(np.median(east) - np.median(north), np.median(north) - np.median(east)))
    lie = "the row lies" if len(east) == 1 else f"the {len(east)} rows lie"
    text = (
        f"Warning: the {columns.easting!r} and {columns.northing!r} columns could be the wrong "
        f"way round, and nothing tells which way is right. Read as headed, {lie} around "
        f"{place_phrase(*here)}; read the other way round, around {place_phrase(*there)} "
        f"({apart / 1000:.0f} km away); {weighed}. They were read as headed. Check a place "
        "on the map; if it is wrong, name the columns the other way round: "
        f"{option('fields', roles={'easting': columns.northing, 'northing': columns.easting})}."
    )
    if columns.postcode and postcodes is None:
        text += (
            f" The rows' postcodes ({columns.postcode!r}) would settle it with a postcode "
            f"file: {option('postcodes', 'FILE')}."
        )
    return text


def _check_lonlat(
    lat: np.ndarray,
    lon: np.ndarray,
    has_ll: np.ndarray,
    columns: CoordinateColumns,
    book: AccountBook,
    *,
    table: pd.DataFrame,
    british: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The latitudes and longitudes to use, which rows look swapped and stay rejected, and
    which are no place: outside Great Britain in a project in Britain (``british``), not
    degrees in one elsewhere. A row that looks swapped is read swapped and counted as
    repaired; abroad, only when read swapped it lies near the file's other places."""
    field = f"{columns.lat}, {columns.lon}"
    unsure = np.zeros(len(table), dtype=bool)  # swapped, but read swapped far from the rest
    if not british:
        swapped = has_ll & (np.abs(lat) > 90) & (np.abs(lon) <= 90)
        why = "a latitude lies between -90 and 90"
    else:
        swapped = has_ll & _in_box(lat, lon, GB_LONLAT) & ~_in_box(lon, lat, GB_LONLAT)
        why = "in Britain latitude is about 50 to 60 and longitude about -8 to 2"
    if not swapped.any():
        pass
    elif not (has_ll & ~swapped).any():
        # every row the wrong way round: the columns' headings are swapped, not the values
        book.repair_many(
            table.index[swapped].to_series(),
            f"The {columns.lat!r} and {columns.lon!r} columns are the wrong way round in "
            "every row, so each row was read with them swapped.",
            field=field,
            whole_file=True,
        )
    else:  # a slip in a few rows: as given they are no place, read swapped they are
        if not british:  # ...near the file's other places (anywhere on Earth is no evidence)
            good = has_ll & ~swapped
            west, east = lon[good].min() - _NEAR_DEGREES, lon[good].max() + _NEAR_DEGREES
            south, north = lat[good].min() - _NEAR_DEGREES, lat[good].max() + _NEAR_DEGREES
            near = _in_box(lat, lon, (west, south, east, north))
            unsure = swapped & ~near
            swapped &= near
        book.repair_many(
            table.index[swapped].to_series(),
            f"Latitude and longitude were swapped in this row ({why}), so it was read with "
            "the two values swapped; check it and swap them in the file.",
            field=field,
            values=pd.Series(
                [f"{a:g}, {b:g}" for a, b in zip(lat[swapped], lon[swapped], strict=True)],
                index=table.index[swapped],
            ),
        )
    lat, lon = np.where(swapped, lon, lat), np.where(swapped, lat, lon)
    if not british:
        return lat, lon, unsure, has_ll & ~_in_box(lon, lat, WORLD_LONLAT) & ~unsure
    return lat, lon, np.zeros(len(table), dtype=bool), has_ll & ~in_great_britain(lon, lat)


def in_great_britain(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Which longitudes and latitudes lie in Great Britain or Northern Ireland (within
    :data:`UK_NEAR`): places in a project in Britain.

    >>> in_great_britain(np.array([-2.63, -6.26, -5.93]), np.array([53.65, 53.35, 54.60]))
    array([ True, False,  True])
    """
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return _in_box(lon, lat, GB_LONLAT) & shapely.contains_xy(UK_NEAR, lon, lat)


def national_grid_note(lon: np.ndarray, lat: np.ndarray, *, total: int, what: str) -> str:
    """The note for a file most of whose ``total`` places (``what`` they are: "features")
    lie outside Great Britain (those places given, in degrees) while the working CRS is the
    British National Grid: they are rejected, and the working CRS to name for a project
    where they are."""
    centre_lon, centre_lat = float(np.median(lon)), float(np.median(lat))
    crs = suggested_crs(centre_lon, centre_lat)
    return (
        f"{len(lon)} of {total} {what} lie outside Great Britain and Northern Ireland (around "
        f"{place_phrase(centre_lon, centre_lat)}), but the working CRS is British National "
        "Grid (EPSG:27700), which is for a project in Britain, so each is rejected as no "
        "place in this project. For a project there, name a projected CRS for the area, "
        f"such as {crs} (its UTM zone): {option('working_crs', crs)}."
    )


def _inside(area: shapely.Geometry, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Which points touch ``area``, as ``shapely.intersects_xy`` says: each part of the area
    (a county's zones are many) tested against the points in its bounding box only, which
    is twice as quick as testing every point against the whole."""
    parts = shapely.get_parts(area)
    if len(parts) < 2:
        shapely.prepare(area)
        return np.asarray(shapely.intersects_xy(area, x, y), dtype=bool)
    out = np.zeros(len(x), dtype=bool)
    order = np.argsort(x, kind="stable")
    along = x[order]
    for part, (west, south, east, north) in zip(parts, shapely.bounds(parts), strict=True):
        start = np.searchsorted(along, west, side="left")
        end = np.searchsorted(along, east, side="right")
        rows = order[start:end]
        rows = rows[(y[rows] >= south) & (y[rows] <= north)]
        shapely.prepare(part)
        out[rows] |= shapely.intersects_xy(part, x[rows], y[rows])
    return out


def _to_working(
    x: np.ndarray, y: np.ndarray, working_crs: str, *, degrees: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """National Grid eastings and northings in ``working_crs``, as ``GeoSeries.to_crs``
    converts them; the points ``degrees`` (a mask) are longitude and latitude instead."""
    working = CRS.from_user_input(working_crs)
    if degrees is not None and degrees.any():
        xs, ys = _to_working(x[~degrees], y[~degrees], working_crs)
        x, y = x.copy(), y.copy()
        x[~degrees], y[~degrees] = xs, ys
        from_degrees = Transformer.from_crs("EPSG:4326", working, always_xy=True)
        x[degrees], y[degrees] = from_degrees.transform(x[degrees], y[degrees])
        return x, y
    if _BNG.is_exact_same(working):
        return x, y
    return Transformer.from_crs(_BNG, working, always_xy=True).transform(x, y)


_BNG = CRS.from_epsg(27700)


#: How near the file's other places (degrees) a row read swapped must lie, abroad.
_NEAR_DEGREES = 2.0
#: Why a row's latitude and longitude look swapped but read swapped are far from the rest.
_SWAPPED_FAR = (
    "Latitude and longitude look swapped (a latitude lies between -90 and 90), but read "
    "swapped the place is far from the file's others; check the row's coordinates."
)
#: Why a row's latitude and longitude are no place: in a project in Britain (True) or not.
_NO_PLACE = {
    True: "Latitude/longitude lie outside Great Britain, so they are not a place in this "
    "project (not merely outside its area); check the coordinates.",
    False: "Latitude/longitude are not degrees (latitude -90 to 90, longitude -180 to 180); "
    "check the coordinates.",
}
#: Why a row at 0, 0 is rejected.
NOT_A_PLACE = (
    "The coordinates are 0, 0, which is not a real place (a blank exported as zeros); "
    "fix the row's coordinates."
)


def set_apart_outside(
    geometries: gpd.GeoSeries | gpd.GeoDataFrame, area: shapely.Geometry, book: AccountBook
) -> pd.Series:
    """Which of ``geometries`` touch ``area`` (a boolean series to keep them by); those that
    do not are recorded in ``book`` as outside the project area, with their distance from
    it in metres (not rejected)."""
    series = geometries.geometry if isinstance(geometries, gpd.GeoDataFrame) else geometries
    values = series.to_numpy()
    shapely.prepare(area)  # the area is tested against every row
    inside = pd.Series(shapely.intersects(area, values), index=series.index)
    if not inside.all():
        far = np.round(distances(values[~inside.to_numpy()], area), 0)
        book.outside_area(series.index[~inside], far)
    return inside


def working_is_british(working_crs: object) -> bool:
    """True when the working CRS is the British National Grid: the project is in Britain."""
    return CRS.from_user_input(working_crs).to_epsg() == 27700


def outside_great_britain(geometries: gpd.GeoSeries) -> pd.Series:
    """Which of ``geometries`` (any CRS) lie wholly outside Great Britain and Northern
    Ireland (beyond :data:`UK_NEAR`: in Paris, or in Dublin): not places in a project in
    Britain."""
    if geometries.crs is None or not len(geometries):
        return pd.Series(False, index=geometries.index)
    lonlat = geometries.to_crs("EPSG:4326")
    bounds = lonlat.bounds
    west, south, east, north = GB_LONLAT
    outside_box = (
        (bounds["maxx"] < west)
        | (bounds["minx"] > east)
        | (bounds["maxy"] < south)
        | (bounds["miny"] > north)
    ).fillna(False)
    shapes = lonlat.to_numpy()
    present = ~(shapely.is_missing(shapes) | shapely.is_empty(shapes))
    beyond = present & ~shapely.intersects(UK_NEAR, shapes)
    return outside_box | pd.Series(beyond, index=geometries.index)


def _swapped_into_area(
    east: np.ndarray,
    north: np.ndarray,
    candidates: np.ndarray,
    area: shapely.Geometry,
    working_crs: str,
    metres: CRS = _BNG,
) -> np.ndarray:
    """Which of the ``candidates`` (a mask: rows placed by easting/northing, in ``metres``,
    outside ``area``) lie in it read the other way round (easting and northing swapped)."""
    turned = np.zeros(len(candidates), dtype=bool)
    if candidates.any():
        into = Transformer.from_crs(metres, CRS.from_user_input(working_crs), always_xy=True)
        xs, ys = into.transform(north[candidates], east[candidates])
        turned[candidates] = shapely.intersects_xy(area, xs, ys)
    return turned


def easting_northing_crs(
    working_crs: object,
    given: object = None,
    *,
    east: np.ndarray | None = None,
    north: np.ndarray | None = None,
    area: shapely.Geometry | None = None,
) -> CRS:
    """The CRS a spreadsheet's eastings and northings (or X/Y in metres) are read in.

    ``given`` when named. Else the British National Grid, unless the working CRS is
    another projected CRS: then the one of the two that puts more of the values ``east``,
    ``north`` in the project ``area`` (when both are known), or, with no such difference,
    the National Grid when the working CRS's area of use takes in Great Britain (a UTM zone
    chosen for a British project) and the working CRS otherwise (a local grid's metres,
    such as the Irish Transverse Mercator's).

    >>> easting_northing_crs("EPSG:27700").to_epsg(), easting_northing_crs("EPSG:2157").to_epsg()
    (27700, 2157)
    >>> easting_northing_crs("EPSG:32630").to_epsg()  # UTM zone 30N takes in Britain
    27700
    """
    if given is not None:
        return parse_crs(given, what=option("crs"))
    working = CRS.from_user_input(working_crs)
    if _BNG.is_exact_same(working) or not working.is_projected:
        return _BNG
    if area is not None and east is not None and north is not None and len(east):
        from_grid = Transformer.from_crs(_BNG, working, always_xy=True).transform(east, north)
        by_grid = int(_inside(area, *map(np.asarray, from_grid)).sum())
        by_working = int(_inside(area, east, north).sum())
        if by_grid != by_working:
            return _BNG if by_grid > by_working else working
    use = working.area_of_use
    takes_in_britain = (
        use is not None and use.west <= -2.0 <= use.east and use.south <= 54.0 <= use.north
    )
    return _BNG if takes_in_britain else working


def _crs_box(crs: CRS) -> tuple[float, float, float, float]:
    """The box of eastings and northings that ``crs`` covers (its area of use, in its own
    units); the National Grid's own box for it, and no bound when the CRS declares none."""
    if _BNG.is_exact_same(crs):
        return GB_BNG
    use = crs.area_of_use
    if use is None:
        return (-np.inf, -np.inf, np.inf, np.inf)
    into = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    return tuple(into.transform_bounds(*use.bounds, densify_pts=21))  # type: ignore[return-value]


def _crs_name(crs: CRS) -> str:
    code = crs.to_epsg()
    return f"{crs.name} (EPSG:{code})" if code else crs.name


def _metres_note(columns: CoordinateColumns, crs: CRS, *, given: bool) -> str:
    """The note that a file's eastings and northings were read in ``crs``, not the
    National Grid: named by the user (``given``), or the working CRS of a project outside
    Britain."""
    which = f"{columns.easting!r}/{columns.northing!r}"
    if given:
        return f"Eastings and northings ({which}) are read in {_crs_name(crs)}, as named."
    return (
        f"Eastings and northings ({which}) are read in the working CRS, {_crs_name(crs)}, "
        f"as the project is not in Britain; if they are in another CRS, name it with "
        f"{option('crs')}."
    )


def _degrees_in_xy(
    table: pd.DataFrame, columns: CoordinateColumns, book: AccountBook, *, british: bool = True
) -> CoordinateColumns:
    """``X``/``Y`` columns found as easting/northing that hold longitude/latitude degrees
    in Britain, or anywhere when the project is not (``british``), and no
    latitude/longitude columns: read as longitude and latitude."""
    if columns.lat or columns.lon or not (columns.easting and columns.northing):
        return columns
    xs, ys = _numbers(table, columns.easting), _numbers(table, columns.northing)
    both = xs.notna() & ys.notna()
    box = GB_LONLAT if british else WORLD_LONLAT
    if not both.any() or not _in_box(xs[both], ys[both], box).all():
        return columns
    book.note(
        f"The {columns.easting!r} and {columns.northing!r} columns hold longitude and "
        "latitude in degrees, not metres: read as longitude and latitude (EPSG:4326)."
    )
    return replace(columns, lon=columns.easting, lat=columns.northing, easting=None, northing=None)


def _place_by_postcode(
    table: pd.DataFrame,
    field: str,
    where: np.ndarray,
    postcodes: PostcodeLookup | None,
    places: tuple[np.ndarray, np.ndarray, np.ndarray],
    book: AccountBook,
) -> None:
    """Place the rows ``where`` (a mask) by the postcode in column ``field``: their ``x``,
    ``y`` (or their ``reason`` for being rejected) in ``places``."""
    x, y, reason = places
    codes = table[field].to_numpy(dtype=object)
    for i in np.flatnonzero(where & pd.notna(codes)):
        code = codes[i]
        if postcodes is None:
            reason[i] = (
                "Only a postcode is given; name a postcode file (ONS Postcode Directory or "
                f"Code-Point Open) to place it: {option('postcodes', 'FILE')}."
            )
            continue
        centre = postcodes.find(code)
        if centre is None:
            reason[i] = f"The postcode {scrub_value(code)!r} is not in {postcodes.source}."
            continue
        x[i], y[i] = centre
        book.repair(
            table.index[i],
            f"Placed at the centre of the postcode (from {postcodes.source}).",
            field=field,
            value=code,
        )


def _in_box(x: np.ndarray, y: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    return (x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3])


def _partly_filled(table: pd.DataFrame, columns: CoordinateColumns) -> np.ndarray:
    names = [c for c in (columns.lat, columns.lon, columns.easting, columns.northing) if c]
    if not names:
        return np.zeros(len(table), dtype=bool)
    return table[names].notna().any(axis=1).to_numpy(dtype=bool)


def _row_coordinates(table: pd.DataFrame, columns: CoordinateColumns, row: object) -> str:
    """A row's coordinates as its rejection shows them: a value that is no number is shown
    without any word that may be a name (a name or a phone written there has no cue)."""
    values = [scrub_value(table.at[row, c]) for c in columns.names if pd.notna(table.at[row, c])]
    return ", ".join(values)
