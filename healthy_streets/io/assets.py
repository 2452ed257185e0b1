"""Community assets: walkabout spreadsheets, council open data, community maps, OpenStreetMap.

Sources, chosen by the file:

- spreadsheets (CSV, Excel ``.xlsx``) typed up after walkabouts: each asset's place from
  latitude/longitude, easting/northing, an OS grid reference or a postcode (with a postcode
  file);
- spatial files (GeoJSON, KML/KMZ, GeoPackage, Shapefile, CSV with a WKT column): points, or
  polygons for sites such as parks and allotments. A KML from Google My Maps keeps each
  category in its own layer: every layer (or the one chosen) is read and its name is the
  category where the rows give none (a default name such as "Untitled layer" is none);
  where its ``Name`` gives only the type ("Community Toilet"), the site is read from the
  description's first part ("@ Balham Library.<br>Disabled Access");
- the GeoJSON residents download from a meeting map's "Add a place" tool;
- OpenStreetMap extracts (``.osm``, ``.osm.pbf``): see :mod:`healthy_streets.io.osm_features`.

Each column's role is found by its header or, where no header says, by its values
(:mod:`healthy_streets.io._roles`), and every guess is said in the import's notes. Cells
such as ``NA``, ``N/A``, ``null`` or ``-`` are no value. Free-text categories map to the
asset taxonomy (:mod:`healthy_streets.model.taxonomy`) with the original kept; texts that
match nothing become ``other`` and are listed in the notes. Assets outside the project
area are set apart with their distance from it, not rejected; places that cannot be right
(outside Great Britain while the working CRS is the British National Grid, ``0, 0``) are
rejected with the reason, and a file whose places mostly lie outside Great Britain gets one
note naming the working CRS to set. With another working CRS, places anywhere are read.
Columns that hold people (``Added By``, emails, phones) are never read; emails, phone numbers,
home addresses and people's names written in names and notes are removed
(:mod:`healthy_streets.model.privacy`).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from healthy_streets import settings
from healthy_streets._audience import option
from healthy_streets.errors import InputFileError
from healthy_streets.io._columns import (
    LayerNames,
    category_among_headers,
    category_by_values,
    category_from_file_name,
    is_default_layer_name,
    record_guesses,
)
from healthy_streets.io._common import (
    MAX_CELLS,
    blank_cells,
    crs_of_wkt_numbers,
    note_reading,
    read_table,
    refuse_non_data,
    reject_bad_rows,
    to_working_crs,
    without_empty_rows,
)
from healthy_streets.io._coords import (
    PostcodeLookup,
    coordinate_guesses,
    find_coordinate_columns,
    lat_lon_pair_columns,
    national_grid_note,
    outside_great_britain,
    points_from_table,
    set_apart_outside,
    working_is_british,
)
from healthy_streets.io._frames import frame_or_file, geometry_of, text_table
from healthy_streets.io._kml import folder_levels, split_path
from healthy_streets.io._roles import Guess, Role, Roles, find_roles, looks_like_name
from healthy_streets.io._spatial import (
    CSV_WKT,
    KML,
    KMZ,
    detect_format,
    drop_unusable_geometries,
    frame_from_wkt_table,
    read_spatial,
)
from healthy_streets.io.osm import is_osm_file
from healthy_streets.io.osm_features import assets_from_osm_file
from healthy_streets.model.account import AccountBook, ImportResult
from healthy_streets.model.ids import slugify
from healthy_streets.model.layers import ASSETS, COMMUNITY_MAP_KIND, conform
from healthy_streets.model.privacy import (
    is_personal_column,
    person_columns,
    redact,
    redact_series,
    remove_names,
)
from healthy_streets.model.taxonomy import Taxonomy, asset_taxonomy, match_notes
from healthy_streets.model.words import counted

__all__ = [
    "ASSET_FIELDS",
    "ASSET_ROLES",
    "CHANGE_COLUMNS",
    "MergedAssets",
    "drop_duplicate_assets",
    "merge_assets",
    "read_assets",
    "read_excel_table",
]

#: Header synonyms for each role, most specific first (council and open-data headings).
ASSET_FIELDS: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "asset_name",
        "site_name",
        "place_name",
        "feature_name",
        "facility_name",
        "location_name",
        "dist_name_1",  # OS Open Greenspace: distName1, or distinctiveName1 (GML/GeoPackage)
        "distinctive_name_1",
        "distinctive_name",
        "title",
        "site",
        "place",
        "venue",
        "facility",
        "community_hub",
        "hub",
        "asset",
        "feature_location",
        "location",
    ),
    "category": (
        "category",
        "asset_category",
        "asset_type",
        "site_type",
        "type_of_site",
        "facility_type",
        "feature_type",
        "feature_type_code",
        "what_is_it",
        "type",
        "kind",
        "what",
        "amenity",
        "fclass",
        "function",
        "primary_function",
        "typology",
        "feature",
        "classification",
        "class",
    ),
    "notes": (
        "notes",
        "note",
        "comments",
        "comment",
        "details",
        "description",
        "remarks",
        "info",
        "information",
        "additional_information",
        "opening_hours",
        "access_notes",
        "directions",
        "access",
    ),
}

#: Texts that say yes or no (a flag column's values), never a note.
_FLAGS = frozenset({"y", "n", "yes", "no", "true", "false", "t", "f", "0", "1", "x"})
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)


def _looks_like_note_text(value: str) -> bool:
    """Text with words in it, not a yes/no flag or a number ("Level access Y/N": "Y" is no
    note; "N but lift available" is)."""
    text = value.strip()
    return text.casefold() not in _FLAGS and len(re.findall(r"[^\W\d_]", text)) >= 3


def _looks_like_free_text(value: str) -> bool:
    """Free text, as a note is written: four words or more (of letters), 25 characters or
    more, and not an address (with a postcode), a link or an email alone."""
    text = value.strip()
    words = re.findall(r"[^\W\d_]{2,}", text)
    if len(text) < 25 or len(words) < 4 or _POSTCODE.search(text):
        return False
    return _looks_like_note_text(text) and not re.fullmatch(r"\S+(@|://)\S+", text)


def _looks_like_asset_name(value: str) -> bool:
    """A name (:func:`looks_like_name`), or a single letter ("Bench A" typed as "A")."""
    text = value.strip()
    return looks_like_name(text) or (len(text) == 1 and text.isalpha())


_NAME = Role(
    "name",
    ASSET_FIELDS["name"],
    _looks_like_asset_name,
    share=0.8,
    what="are short distinct texts",
    contradicts_below=0.5,
    distinct=True,
)
_CATEGORY = Role("category", ASSET_FIELDS["category"])  # values judged by the taxonomy
_NOTES = Role(
    "notes",
    ASSET_FIELDS["notes"],
    _looks_like_free_text,
    share=0.6,
    what="are free text (several words)",
    contradicts_below=0.3,
    content_by_header=_looks_like_note_text,
    within=True,
)
#: The roles an asset file's columns play, in order of precedence.
ASSET_ROLES = (_NAME, _CATEGORY, _NOTES)

_COORDINATE_ROLES = ("lat", "lon", "easting", "northing", "grid_ref", "postcode")
_EXCEL = (".xlsx", ".xlsm")


def read_assets(
    path: str | Path | pd.DataFrame,
    *,
    fields: Mapping[str, str] | None = None,
    crs: object = None,
    layer: str | None = None,
    area: shapely.Geometry | None = None,
    taxonomy: Taxonomy | None = None,
    category: str | None = None,
    postcodes: str | Path | PostcodeLookup | None = None,
    working_crs: str | None = None,
) -> ImportResult:
    """Read community assets into the ``assets`` layer.

    Each column's role (name, category, notes, coordinates) is found by its header
    (``Name``, ``Site name``, ``Location``, ``What is it``, ``site_type``, ``fclass``...)
    or, when no header says, by its values: mostly distinct short texts are the name, a
    column whose values the taxonomy knows is the category; of several columns whose
    headers name the category (a code ``Asset_Type`` and its description ``Asset_Ty_1``),
    the one whose values the taxonomy knows best. A name column that mostly repeats the
    category's text ("Community Toilet") gives way, in those rows, to the first part of the
    notes or to another column of distinct place names. Every guess is said in the
    result's notes and kept in ``result.columns``, and so is how many rows have no name.
    Rows that give no category take the KML layer's name (not a default one such as
    "Untitled layer"), then ``category``, then the file's name when it names one
    ("defibrillators.csv"), each said in the notes; so do all rows when the category
    column names nothing the taxonomy knows.

    Parameters
    ----------
    path
        A CSV or Excel spreadsheet; a GeoJSON, KML/KMZ, GeoPackage or Shapefile; a meeting
        map's additions file; or an OpenStreetMap extract. Or a GeoDataFrame of the
        analyst's own (in any CRS it declares), or a DataFrame with coordinate columns,
        read as a file would be: the account and notes name it ``assets (a GeoDataFrame)``.
    fields
        Columns for the roles ``name``, ``category`` and ``notes``, and for the coordinates
        ``lat``, ``lon``, ``easting``, ``northing``, ``grid_ref`` and ``postcode``: these
        win over the guesses.
    crs
        For spatial files that declare no CRS; for a spreadsheet, the CRS of its eastings
        and northings (default the British National Grid, or the working CRS of a project
        outside Britain when it is projected).
    layer
        The layer of a multi-layer file, or the sheet of a workbook.
    area
        The project area in the working CRS; assets outside it are set apart (counted in
        ``result.outside`` with their distance), not rejected.
    taxonomy
        The asset taxonomy (a project's own synonyms added); default the standard one.
    category
        Category text for rows that give none (a file of libraries).
    postcodes
        A postcode file (ONS Postcode Directory or Code-Point Open CSV) to place rows that
        give only a postcode.
    working_crs
        The CRS of the layer.

    Returns
    -------
    ImportResult
        ``.layer`` is the ``assets`` layer (``docs/layers.md``); ``.columns`` says which
        column played each role and why, ``.rejected`` which rows were left out and why.

    Raises
    ------
    InputFileError
        When the file is missing, empty or cannot be read, ``fields`` names a column of
        personal data, a spreadsheet has no coordinate columns, or a workbook has several
        sheets with data and ``layer`` names none.
    MissingCRSError
        When a spatial file declares no CRS and ``crs`` names none.

    Examples
    --------
    >>> result = read_assets("data/sample/assets_walkabout.csv")
    >>> print(result.summary())
    assets_walkabout.csv: 70 rows: 70 kept (0 repaired), 0 rejected.
    >>> result.layer["category"].value_counts().head(3)
    category
    bench    17
    bin      16
    tree     11
    Name: count, dtype: int64

    Benches of the analyst's own, in longitude and latitude:

    >>> mine = pd.DataFrame({"Site": ["Bench by the pond"], "Type": ["Bench"],
    ...                      "Latitude": [53.6512], "Longitude": [-2.6233]})
    >>> result = read_assets(mine)
    >>> print(result.summary())
    assets (a DataFrame): 1 rows: 1 kept (0 repaired), 0 rejected.
    >>> result.layer[["name", "category"]]
                    name category
    0  Bench by the pond    bench
    """
    path, own = frame_or_file(path, "assets")
    if own is None and is_osm_file(path):
        return assets_from_osm_file(path, area=area, working_crs=working_crs)
    working = working_crs or settings.working_crs
    book = AccountBook(path.name)
    taxonomy = taxonomy or asset_taxonomy()
    given = dict(fields or {})
    for role, column in given.items():
        if is_personal_column(str(column)):
            raise InputFileError(
                path,
                f"The column {column!r} (named for the {role}) holds personal data "
                "(people's names, addresses or contact details), which the toolkit never reads",
                fix=f"Name another column with {option('fields', role=role)}, or leave the "
                "role to be guessed.",
            )
    coordinate_fields = {k: given.pop(k) for k in list(given) if k in _COORDINATE_ROLES}
    source = path.name
    if own is not None:  # a frame of the analyst's own: placed by its geometry, else columns
        table = None if geometry_of(own) is not None else text_table(own)
    elif path.suffix.lower() in _EXCEL:
        table = read_excel_table(path, sheet=layer)
    elif detect_format(path) is CSV_WKT:
        table = read_table(path)
    else:
        table = None
    spatial = frame_from_wkt_table(path, table) if table is not None and own is None else None
    how_read = table
    if table is not None and spatial is None:
        rows_in = len(table)
        if rows_in == 0:
            raise InputFileError(
                path, "The spreadsheet holds no rows.", fix="Check it is the right file."
            )
        frame, read, coordinates = _assets_from_table(
            path,
            table,
            book,
            coordinate_fields,
            area=area,
            working=working,
            postcodes=postcodes,
            metres_crs=crs,
        )
    else:
        if spatial is not None:
            frame = spatial
        else:
            frame = own if own is not None else _read_spatial_assets(path, layer)
            if own is None and _is_community_map(path):
                source = f"{path.name} (community map)"
        rows_in = len(frame)
        if rows_in == 0:
            raise InputFileError(
                path, "The file holds no features.", fix="Check it is the right file."
            )
        how_read = frame if spatial is None else table  # its encoding notes, for the account
        frame = blank_cells(frame)
        read = frame
        frame, coordinates = place_features(
            path, frame, table, book, crs=crs, area=area, working=working
        )
    book.hide_names(person_columns(read))
    skip = [*(g.column for g in coordinates.values() if g.column), "_layer"]
    excluded = [c for c in read.columns if c in skip or is_personal_column(str(c))]
    roles = find_roles(path, read, ASSET_ROLES, given, exclude=excluded)
    if "category" not in given:
        _find_category_by_values(read, roles, taxonomy, skip)
        category_among_headers(read, roles, ASSET_FIELDS["category"], taxonomy, exclude=excluded)
    assets = _asset_columns(
        frame,
        roles,
        book,
        taxonomy,
        exclude=excluded,
        category=category,
        source=source,
        slug=slugify(path.name),
        path=path,
    )
    record_guesses(book, roles, coordinates)
    if how_read is not None:  # text repaired (a CSV's rows, a GeoJSON's features), notes
        note_reading(how_read, book, kept=assets.index)
    return book.result(conform(assets, ASSETS), rows_in)


def _assets_from_table(
    path: Path,
    table: pd.DataFrame,
    book: AccountBook,
    coordinate_fields: Mapping[str, str],
    *,
    area: shapely.Geometry | None,
    working: str,
    postcodes: str | Path | PostcodeLookup | None,
    metres_crs: object = None,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, dict[str, Guess]]:
    """The rows of a spreadsheet placed by their coordinates; the table as read (to judge
    its columns by); the coordinate columns used."""
    table = reject_bad_rows(table, book)
    columns = find_coordinate_columns(list(table.columns), coordinate_fields, path=path)
    placed, paired = table, dict[str, Guess]()
    if not columns.any and not coordinate_fields:
        pairs = lat_lon_pair_columns(table)  # Socrata's "Location": "(51.55, -0.18)"
        if pairs is not None:
            placed, columns, paired = pairs
    if not columns.any:
        raise InputFileError(
            path,
            "No coordinate columns were found",
            fix="Name them Latitude/Longitude, Easting/Northing, Grid Ref or Postcode, or "
            f"map them with {option('fields', role='lat')} and {option('fields', role='lon')}.",
        )
    lookup = (
        PostcodeLookup.from_file(postcodes)
        if postcodes is not None and not isinstance(postcodes, PostcodeLookup)
        else postcodes
    )
    points = points_from_table(
        placed,
        columns,
        book,
        area=area,
        working_crs=working,
        postcodes=lookup,
        metres_crs=metres_crs,
    )
    frame = gpd.GeoDataFrame(table.loc[points.index], geometry=points, crs=working)
    return frame, table, {**coordinate_guesses(columns, coordinate_fields), **paired}


def place_features(
    path: Path,
    frame: gpd.GeoDataFrame,
    table: pd.DataFrame | None,
    book: AccountBook,
    *,
    crs: object,
    area: shapely.Geometry | None,
    working: str,
) -> tuple[gpd.GeoDataFrame, dict[str, Guess]]:
    """A spatial file's features in the working CRS, those that cannot be places rejected
    and those outside ``area`` set apart; the guess of the geometry column, if any."""
    frame, _ = drop_unusable_geometries(frame, book)
    guesses: dict[str, Guess] = {}
    if table is not None and crs is None and frame.crs is None:  # a CSV with a WKT column
        crs, guess = _wkt_crs(table, frame)
        if guess is not None:
            guesses["geometry"] = guess
    frame, _ = to_working_crs(frame, path, crs=crs, working_crs=working, book=book)
    if table is not None and guesses:
        _compare_wkt_with_columns(table, frame, book, guesses)
    if working_is_british(working) and len(frame):
        abroad = outside_great_britain(frame.geometry)
        if abroad.sum() * 2 > len(frame):
            places = frame.geometry[abroad].representative_point().to_crs("EPSG:4326")
            book.note(
                national_grid_note(
                    places.x.to_numpy(), places.y.to_numpy(), total=len(frame), what="features"
                )
            )
        book.reject_many(
            frame.index[abroad].to_series(),
            "The feature lies outside Great Britain, so it is not a place in this project "
            "(not merely outside its area); check its coordinates or the file's CRS.",
            field="geometry",
        )
        frame = frame[~abroad]
    if area is not None and len(frame):
        frame = frame[set_apart_outside(frame, area, book)]
    return frame, guesses


def _wkt_crs(table: pd.DataFrame, frame: gpd.GeoDataFrame) -> tuple[str | None, Guess | None]:
    """The CRS of a WKT column the file does not name, from its numbers: longitude and
    latitude in degrees (anywhere: places outside Britain are then said and rejected when
    the project is in Britain) are EPSG:4326, metres on the National Grid EPSG:27700."""
    column = str(frame.attrs.get("geometry_field", "geometry"))
    crs, how = crs_of_wkt_numbers(frame.geometry)
    return crs, (Guess("geometry", column, how) if crs else None)


#: Metres apart beyond which a WKT point and the row's own coordinates disagree.
AGREE_WITHIN_M = 50.0


def _compare_wkt_with_columns(
    table: pd.DataFrame, frame: gpd.GeoDataFrame, book: AccountBook, guesses: dict[str, Guess]
) -> None:
    """Check the WKT points against the row's easting/northing (or latitude/longitude)
    columns, and say which rows disagree by more than :data:`AGREE_WITHIN_M`."""
    columns = find_coordinate_columns(list(table.columns))
    if not ((columns.easting and columns.northing) or (columns.lat and columns.lon)):
        return
    check = AccountBook(book.source)  # the columns' own verdicts are not this import's
    own = points_from_table(table.loc[frame.index], columns, check, working_crs=str(frame.crs))
    points = frame.geometry.loc[own.index]
    is_point = points.geom_type == "Point"
    apart = points[is_point].distance(own[is_point]).round(0)
    far = apart[apart > AGREE_WITHIN_M]
    names = ", ".join(map(repr, columns.names[:2]))
    guesses["geometry"] = replace(
        guesses["geometry"],
        how=f"{guesses['geometry'].how}; used rather than {names}, which agree within "
        f"{AGREE_WITHIN_M:g} m in {len(apart) - len(far)} of {len(apart)} rows",
    )
    if len(far):
        rows = ", ".join(map(str, far.index[:10])) + (", …" if len(far) > 10 else "")
        book.note(
            f"{len(far)} rows' WKT point and {names} disagree by more than "
            f"{AGREE_WITHIN_M:g} m ({far.min():.0f} to {far.max():.0f} m; rows {rows}): "
            "the WKT point was used; check them."
        )


def _find_category_by_values(
    frame: pd.DataFrame, roles: Roles, taxonomy: Taxonomy, skip: list[str]
) -> None:
    """When no header named the category, the column whose values the taxonomy knows
    (the name column too, when it repeats a few values: the type, as My Maps writes it)."""
    if roles["category"] is not None:
        return
    taken = {roles["name"], roles["notes"], *skip}
    candidates = [
        c
        for c in frame.columns
        if c not in taken and c != "geometry" and not is_personal_column(str(c))
    ]
    name = roles["name"]
    if name is not None:
        candidates.append(name)
    guess = category_by_values(
        frame, candidates, taxonomy, repeated=[name] if name is not None else []
    )
    if guess is not None:
        roles.guesses["category"] = guess


def read_excel_table(path: Path, *, sheet: str | None = None) -> pd.DataFrame:
    """A worksheet as a frame of strings, indexed by spreadsheet row (the header is row 1,
    or the first row with two cells filled below a title: see :func:`_below_title_lines`).
    Rows whose every cell is empty are skipped and listed (see
    :func:`~healthy_streets.io._common.without_empty_rows`).

    With no ``sheet``, the workbook's only sheet with data is read; several are an error that
    lists them.
    """
    with path.open("rb") as head:
        refuse_non_data(path, head.read(512))  # a sign-in page saved as .xlsx
    _refuse_far_cells(path)
    try:
        sheets = pd.read_excel(
            path,
            sheet_name=None,
            dtype="str",
            keep_default_na=False,
            na_values=[""],
            engine="openpyxl",
        )
    except Exception as exc:
        raise InputFileError(
            path,
            f"The file cannot be read as an Excel workbook ({str(exc).splitlines()[0][:120]})",
            fix="Open it in Excel and save it again as .xlsx, or save the sheet as CSV.",
        ) from None
    if sheet is not None:
        named = {str(name).strip().casefold(): name for name in sheets}
        if sheet.strip().casefold() not in named:
            raise InputFileError(
                path,
                f"There is no sheet {sheet!r}; the sheets are {', '.join(map(repr, sheets))}",
                fix=f"Choose one with {option('layer')}.",
            )
        chosen = sheets[named[sheet.strip().casefold()]]
    else:
        filled = {name: frame for name, frame in sheets.items() if not frame.empty}
        if len(filled) > 1:
            raise InputFileError(
                path,
                f"The workbook has {len(filled)} sheets with data: {', '.join(map(repr, filled))}",
                fix=f"Choose one with {option('layer', 'SHEET')}.",
            )
        chosen = next(iter(filled.values()), next(iter(sheets.values())))
    chosen.columns = [str(c).strip() for c in chosen.columns]
    chosen.index = pd.RangeIndex(2, 2 + len(chosen))
    table = _below_title_lines(chosen)
    return without_empty_rows(blank_cells(table), table)


#: A sheet reaching more cells than this (rows times columns, from A1 to its farthest
#: filled cell) while filling fewer than one in :data:`_SPARSE` of them is refused: read
#: whole, a 5 KB workbook with one character in cell XFD1048576 held the import for ever.
_FAR_CELLS = 10_000_000
_SPARSE = 20


def _refuse_far_cells(path: Path) -> None:
    """Refuse a workbook a sheet of which has a cell far beyond its table (a stray
    character in row 1,048,576 or column XFD): read as a table, every empty cell up to it
    would be held in memory. A workbook openpyxl cannot open is left for pandas to say so."""
    import openpyxl  # with pandas' Excel reader

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # read_excel below says what is wrong with it
        return
    try:
        for sheet in book.worksheets:
            if not hasattr(sheet, "reset_dimensions"):
                continue  # a chart sheet
            sheet.reset_dimensions()  # the extent its cells give, not the one it declares
            rows = columns = filled = 0
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value is None or not hasattr(cell, "row"):
                        continue
                    filled += 1
                    rows, columns = max(rows, cell.row), max(columns, cell.column)
            if rows * columns > _FAR_CELLS and filled * _SPARSE < rows * columns:
                raise InputFileError(
                    path,
                    f"The sheet {sheet.title!r} reaches row {rows:,} and column {columns:,}, "
                    f"with {filled:,} cells filled: a cell far beyond the table (a stray "
                    "character, perhaps) would make it millions of empty cells to read",
                    fix="Delete the rows below the table and the columns to its right in "
                    "Excel, or save the sheet as CSV.",
                )
            if columns > MAX_CELLS:
                raise InputFileError(
                    path,
                    f"The sheet {sheet.title!r} has {columns:,} columns, more than any table "
                    f"of zones, places or reports ({MAX_CELLS:,} at most)",
                    fix="Delete the columns to the right of the table in Excel, or save the "
                    "sheet as CSV.",
                )
    finally:
        book.close()


def _below_title_lines(sheet: pd.DataFrame) -> pd.DataFrame:
    """A worksheet whose first rows are a title ("Walkabout 12 March 2025", one cell filled,
    perhaps merged across) and blank lines: the table below them, headed by its first row
    with two cells filled, its rows still numbered as in Excel (``attrs["title_lines"]``
    counts the rows skipped)."""
    named = [c for c in sheet.columns if not c.startswith("Unnamed:")]
    if len(named) != 1 or sheet.shape[1] < 2:
        return sheet
    filled = sheet.notna().sum(axis=1)
    heads = filled.index[filled.to_numpy() >= 2][:1]
    if not len(heads) or heads[0] > 11:
        return sheet
    head = heads[0]
    header = [
        str(cell).strip() if pd.notna(cell) and str(cell).strip() else f"Unnamed: {i}"
        for i, cell in enumerate(sheet.loc[head])
    ]
    seen: dict[str, int] = {}
    for i, name in enumerate(header):  # repeated headers numbered as pandas numbers them
        if name in seen:
            seen[name] += 1
            header[i] = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
    table = sheet.loc[head + 1 :].copy()
    table.columns = header
    table.attrs["title_lines"] = head - 1
    return table


def _read_spatial_assets(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    """A spatial file; every folder of a KML/KMZ (its folder path kept in ``_layer``) unless
    one is chosen; a GeoPackage's ``assets`` layer that healthy-streets wrote (a store) unless
    one is chosen. A KML's descriptions are HTML: read as text (see :func:`html_to_text`)."""
    frame, fmt = read_spatial(path, layer=layer, ours="assets")
    if fmt in (KML, KMZ):
        for column in [c for c in frame.columns if str(c).lower() == "description"]:
            frame[column] = frame[column].map(html_to_text, na_action="ignore")
    return frame


_LINE_BREAK = re.compile(
    r"\s*<\s*(?:br|/?p|/?div|/?li)(?:\s[^<>]{0,200})?\s*/?\s*>\s*", re.IGNORECASE
)
_TAG = re.compile(r"<[^<>]{0,500}>")


def html_to_text(value: object) -> object:
    """The text of a KML description written in HTML: line breaks (``<br>``, paragraphs)
    become "; ", other tags go, entities are read ("&amp;" is "&").

    Personal data is removed while the lines are still lines, so that a cue that starts a
    line ("Dear", "Name:", a sign-off above a name) is seen as one; the layer's columns are
    scrubbed again as every file's are.

    >>> html_to_text("Balham High Road<br>Disabled Access")
    'Balham High Road; Disabled Access'
    >>> html_to_text("Gate locked at dusk<br>Thanks<br>Jane Doe")
    'Gate locked at dusk; Thanks; [name removed]'
    """
    if not isinstance(value, str) or ("<" not in value and "&" not in value):
        return value
    text = _TAG.sub(" ", _LINE_BREAK.sub("\n", value))
    text = html.unescape(text)
    lines = [" ".join(part.split()) for line in text.split("\n") for part in line.split(";")]
    scrubbed = str(redact("\n".join(line for line in lines if line)))
    return "; ".join(line for line in scrubbed.split("\n") if line)


def _is_community_map(path: Path) -> bool:
    """True for the GeoJSON a meeting map's "Download my additions" writes."""
    if path.suffix.lower() not in (".geojson", ".json"):
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return False
    meta = data.get("healthy_streets") if isinstance(data, dict) else None
    return isinstance(meta, dict) and meta.get("kind") == COMMUNITY_MAP_KIND


def _asset_columns(
    frame: gpd.GeoDataFrame,
    roles: Roles,
    book: AccountBook,
    taxonomy: Taxonomy,
    *,
    exclude: list[str],
    category: str | None,
    source: str,
    slug: str,
    path: Path,
) -> gpd.GeoDataFrame:
    """The ``assets`` layer's columns from the file's, by ``roles`` (``exclude``: columns
    that never name a place, such as coordinates and people's details)."""
    people = person_columns(frame)
    category_text = roles.column_values(frame, _CATEGORY)
    if "_layer" in frame:  # a My Maps layer name is the category of the rows in it
        category_text = _category_from_layers(
            frame["_layer"], category_text, roles, taxonomy, frame.attrs.get("kml_folders")
        )
    if category is not None:
        category_text = category_text.fillna(category)
    keys, texts, times = _categorise(category_text, taxonomy)
    keys, from_file = _category_from_file(path, keys, category_text, roles, book, taxonomy)
    if from_file.any():  # their texts are not categories: not said to match nothing
        _, texts, times = _categorise(category_text[~from_file], taxonomy)
    for note in match_notes(texts, taxonomy, what="asset", times=times):
        book.note(note)
    missing = category_text.isna() & (keys == "other")
    if missing.any():
        book.note(
            f"{counted(int(missing.sum()), 'row')} {'gives' if missing.sum() == 1 else 'give'} "
            f"no category and became 'other'; name one for the file with {option('category')}."
        )
    names = _asset_names(frame, roles, book, category_text, exclude=exclude)
    return gpd.GeoDataFrame(
        {
            "asset_id": [f"{slug}-{row}" for row in frame.index],
            "name": remove_names(redact_series(names), people),
            "category": keys,
            "category_text": redact_series(category_text),
            "source": source,
            "source_ref": [str(row) for row in frame.index],
            "notes": remove_names(redact_series(roles.column_values(frame, _NOTES)), people),
            "zone_id": None,
        },
        geometry=frame.geometry,
        crs=frame.crs,
        index=frame.index,
    )


#: How :func:`find_roles` says a column was named with ``--field``.
_NAMED_BY_YOU = "named by you"
#: A name column gives only the type ("Community Toilet") when at least this share of the
#: rows that have a name hold a type repeated in other rows.
_TYPE_NAMES_SHARE = 0.5
#: A column names the places instead when this share of those rows give a place name...
_PLACE_SHARE = 0.6
#: ...that are mostly distinct.
_PLACE_DISTINCT = 0.5
#: Words after which a full stop does not end a sentence ("St. Mary's").
_ABBREVIATIONS = frozenset({"st", "dr", "rd", "mr", "mrs", "ms", "mt", "no", "ave", "nr", "opp"})
#: Opening hours, not a place: "0800 - Dusk", "9:30-17:00".
_HOURS = re.compile(r"^\d{3,4}\b|^\d{1,2}[:.]\d{2}|\d{3,4}\s*-\s*\d{3,4}")
_WORD = re.compile(r"[^\W\d_][\w'’]*")


def _asset_names(
    frame: gpd.GeoDataFrame,
    roles: Roles,
    book: AccountBook,
    category_text: pd.Series,
    *,
    exclude: list[str],
) -> pd.Series:
    """Each row's name from the name column; where that column mostly gives only the
    asset's type ("Community Toilet", as Google My Maps files often do), the place from the
    notes' first part or another column of distinct names (the guess says so). A note says
    how many rows have no name (the map shows those by their category)."""
    names = roles.column_values(frame, _NAME)
    column = roles["name"]
    if column is None or not len(frame):
        return names
    missing = int(names.isna().sum())
    if roles.guesses["name"].how != _NAMED_BY_YOU:
        names = _names_beyond_types(frame, names, roles, category_text, exclude=exclude)
    if missing:
        book.note(
            f"{missing} of {len(frame)} rows give no name in {column!r}; the map shows them "
            "by their category."
        )
    return names


def _names_beyond_types(
    frame: gpd.GeoDataFrame,
    names: pd.Series,
    roles: Roles,
    category_text: pd.Series,
    *,
    exclude: list[str],
) -> pd.Series:
    """``names`` with the rows that give only a type named from another column, when the
    name column mostly repeats the category's text; ``names`` itself otherwise."""
    text = names.map(lambda v: v.strip() if isinstance(v, str) and v.strip() else None)
    counts = text.value_counts()
    repeated = text.map(counts).fillna(0).to_numpy() >= 2
    typed = pd.Series(repeated, index=text.index) & (text == category_text.astype("object"))
    if typed.sum() < _TYPE_NAMES_SHARE * text.notna().sum() or not typed.any():
        return names
    column = str(roles["name"])
    notes = roles["notes"]
    taken = {*exclude, *roles.values(), "geometry"}
    candidates = [c for c in frame.columns if c not in taken]
    found = _place_column(frame, typed, [notes] if notes is not None else [], first_part=True)
    if found is None:
        found = _place_column(frame, typed, candidates, first_part=False)
    if found is None:
        return names
    source, places = found
    use = typed & places.notna() & (places.str.casefold() != text.str.casefold())
    if not use.any():
        return names
    types = ", ".join(f"{t!r} {n}" for t, n in text[typed].value_counts().head(3).items())
    more = ", …" if text[typed].nunique() > 3 else ""
    how = "its first part" if source == notes else "its text"
    roles.guesses["name"] = Guess(
        "name",
        source,
        f"{how}, in the {int(use.sum())} rows where {column!r} gives only the type "
        f"({types}{more}); {column!r} in the others",
        float(use.mean()),
    )
    return names.where(~use, places)


def _place_column(
    frame: gpd.GeoDataFrame, rows: pd.Series, columns: list[str], *, first_part: bool
) -> tuple[str, pd.Series] | None:
    """The first of ``columns`` (by the share of place names, on a tie) whose values in
    ``rows`` (their first part, with ``first_part``) are mostly distinct place names
    ("Balham Library"), with those names (missing where a row has none)."""
    best: tuple[float, str, pd.Series] | None = None
    for column in columns:
        values = frame[column][rows]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
            continue
        places = values.map(lambda v: _place_name(v, first_part=first_part))
        if first_part:
            places = _without_common_tails(places, values)
        given = places.dropna()
        if not len(given) or given.nunique() < _PLACE_DISTINCT * len(given):
            continue
        share = float(given.map(_title_case).sum()) / len(values)
        if share >= _PLACE_SHARE and (best is None or share > best[0]):
            best = (share, column, places)
    if best is None:
        return None
    _, column, places = best
    return column, places.reindex(frame.index)


def _place_name(value: object, *, first_part: bool) -> str | None:
    """A value as a place's name: its first part (before ";" or a full stop ending a
    sentence) with "@" and full stops trimmed, or ``None`` when that is no name (a number,
    opening hours)."""
    if not isinstance(value, str):
        return None
    text = value
    if first_part:
        pieces = re.split(r"(?<=\.)\s+", value.split(";", 1)[0])
        text = pieces[0]
        for piece in pieces[1:]:
            words = _WORD.findall(text)
            if not words or words[-1].casefold() not in _ABBREVIATIONS:
                break
            text = f"{text} {piece}"
    text = text.strip().lstrip("@").strip().rstrip(".").strip()
    if not _looks_like_asset_name(text) or len(text) < 3 or _HOURS.search(text):
        return None
    return text


def _without_common_tails(places: pd.Series, values: pd.Series) -> pd.Series:
    """``places`` (first parts of ``values``) without a tail after a comma that other rows
    give as a part of their own ("Leaders Gardens Cafe, Disabled Access" when "Disabled
    Access" follows many other places)."""
    parts = values.dropna().astype("str").str.split(r";|(?<=\.)\s+", regex=True)
    later = parts.map(lambda p: [x.strip(" .").casefold() for x in p[1:]]).explode().dropna()
    common = set(later.value_counts().loc[lambda n: n >= 3].index) - {""}
    if not common:
        return places

    def trim(place: object) -> object:
        if not isinstance(place, str) or ", " not in place:
            return place
        head, tail = place.rsplit(", ", 1)
        return head if tail.strip(" .").casefold() in common and head else place

    return places.map(trim)


def _title_case(name: str) -> bool:
    """True for a name written as places are ("Balham Library", "Magdalen Road nr
    Earlsfield Station"): more than half its words of four letters or more start with a
    capital, unlike a note ("Needs paint")."""
    words = [w for w in _WORD.findall(name) if len(w) >= 4]
    if not words:
        return name[:1].isupper()
    return sum(w[0].isupper() for w in words) * 2 > len(words)


def _category_from_layers(
    layers: pd.Series, text: pd.Series, roles: Roles, taxonomy: Taxonomy, folders: object
) -> pd.Series:
    """Rows that give no category take it from their KML folder path: the innermost folder
    the taxonomy knows ("Benches" in "Benches/Meersbrook ward"), else the innermost folder
    (not a default name such as "Untitled layer"); the category's guess says which:
    ``category <- the KML folder 'Benches' (level 1 of 'Benches/Meersbrook ward')``."""
    known = folders if isinstance(folders, dict) else None
    levels = folder_levels(
        layers, lambda name: taxonomy.match(name).how != "unmatched", known=known
    )
    innermost = layers.map(
        lambda t: None if pd.isna(t) else split_path(str(t), known)[-1], na_action="ignore"
    )
    named = levels.values.fillna(innermost.where(~innermost.map(is_default_layer_name)))
    filled = text.isna() & named.notna()
    if not filled.any():
        return text
    nested = any(len(split_path(str(t), known)) > 1 for t in layers.dropna().unique())
    if nested and levels.how:
        listed = levels.said()
        if levels.unmatched:
            listed += f"; {counted(levels.unmatched, 'row')} in no folder the toolkit knows"
    else:
        counts = named[filled].value_counts()
        listed = ", ".join(f"{name!r} {n}" for name, n in counts.head(8).items())
        listed += ", …" if len(counts) > 8 else ""
    guess = roles.guesses["category"]
    if guess.column is None:
        unnamed = int((text.isna() & named.isna()).sum())
        if unnamed:
            listed += f"; {counted(unnamed, 'row')} in a layer whose name says nothing"
        said = listed if nested and levels.how else f"layer names ({listed})"
        roles.guesses["category"] = LayerNames("category", "_layer", said)
    else:
        said = f"it from {listed}" if nested and levels.how else f"their layer's name: {listed}"
        roles.guesses["category"] = replace(
            guess,
            how=f"{guess.how}; {int(filled.sum())} rows that give none take {said}",
        )
    return text.fillna(named)


def _categorise(texts: pd.Series, taxonomy: Taxonomy) -> tuple[pd.Series, list[object], list[int]]:
    """Each row's category key (``taxonomy.categorise``, worked out once per distinct
    text), and the distinct texts with how many rows give each (for the notes)."""
    cells = texts.to_numpy(dtype=object)
    try:
        codes, distinct = pd.factorize(cells)  # missing values apart (-1)
    except TypeError:  # a value that cannot be hashed (a list): each row by itself
        codes, distinct = np.arange(len(cells)), cells
    keys = np.array([*map(taxonomy.categorise, distinct), None], dtype=object)[codes]
    missing = np.flatnonzero(codes < 0)
    if len(missing):  # what a missing value gives depends on what it is (None, NaN)
        keys[missing] = [taxonomy.categorise(cell) for cell in cells[missing]]
    times = np.bincount(codes[codes >= 0], minlength=len(distinct)).tolist()
    return pd.Series(keys, index=texts.index), list(distinct), times


def _category_from_file(
    path: Path,
    keys: pd.Series,
    text: pd.Series,
    roles: Roles,
    book: AccountBook,
    taxonomy: Taxonomy,
) -> tuple[pd.Series, pd.Series]:
    """Rows that give no category (or whose category column names nothing the taxonomy
    knows) take the category the file's name gives, said in the notes; so do the rows
    whose category is read from the name column (the type, as Google My Maps writes it)
    but which hold a name the taxonomy does not know ("Sainsbury's Balham" among "Community
    Toilet"s). The keys, and which rows took the file's category."""
    from_name = category_from_file_name(path, taxonomy)
    if from_name is None:
        return keys, pd.Series(False, index=keys.index)
    nothing_known = bool(text.notna().any()) and bool((keys[text.notna()] == "other").all())
    a_name = roles["category"] is not None and roles["category"] == roles["name"]
    todo = text.isna() | ((nothing_known or a_name) & (keys == "other"))
    if not todo.any():
        return keys, todo
    label = taxonomy.label(from_name)
    rows = "1 row that gives" if todo.sum() == 1 else f"{int(todo.sum())} rows that give"
    were = "was" if todo.sum() == 1 else "were"
    book.note(
        f"{rows} no category the toolkit knows {were} given {label!r} ({from_name}), as the "
        f"file's name {path.name!r} says; name another with {option('category')}."
    )
    if roles["category"] is None:
        roles.guesses["category"] = replace(
            roles.guesses["category"], how=f"the file's name says {label!r} for every row"
        )
    return keys.where(~todo, from_name), todo


#: A meeting map's additions file, as an import's ``source`` says it.
COMMUNITY_MAP = "(community map)"
#: The start of the reason given to an addition that would change a place already mapped.
CHANGE_REASON = "A change to a place already mapped, for an officer to check"
#: Columns of :attr:`MergedAssets.changes`.
CHANGE_COLUMNS = [
    "source",
    "row",
    "change",
    "asset_id",
    "category",
    "name_now",
    "name_proposed",
    "moved_m",
    "in_file",
]


@dataclass
class MergedAssets:
    """Asset imports with each asset counted once, and the changes set aside.

    Attributes
    ----------
    results
        The imports, each without the assets an earlier one already has.
    changes
        The changes meeting-map additions propose to places already mapped (a rename or a
        move), one row each (:data:`CHANGE_COLUMNS`): never applied, listed for an officer
        to accept by editing the place in the file that has it (``in_file``).
    """

    results: list[ImportResult]
    changes: pd.DataFrame


def drop_duplicate_assets(
    results: list[ImportResult], *, within_m: float = 15.0, moved_within_m: float = 150.0
) -> list[ImportResult]:
    """The imports of :func:`merge_assets` (without the list of changes)."""
    return merge_assets(results, within_m=within_m, moved_within_m=moved_within_m).results


def merge_assets(
    results: list[ImportResult], *, within_m: float = 15.0, moved_within_m: float = 150.0
) -> MergedAssets:
    """Count an asset once across sources: a later source loses the assets an earlier one
    already has.

    Two records are the same asset when they share a category and lie within ``within_m``
    metres of each other (a point inside a park's outline is at 0 m). Records are paired
    one to one, nearest first, so two benches side by side in one file and one bench in
    another make one duplicate, not two. Put the community's own files first and
    OpenStreetMap last, so that the residents' record (with their notes) is the one kept.
    Assets dropped move to the later result's ``rejected`` table, with the asset they
    duplicate as the value.

    An addition from a meeting map that would change a place already mapped is never
    applied silently: one of the same category within ``within_m`` under another name (a
    rename), or one of the same category and name from ``within_m`` to ``moved_within_m``
    away (a move), is left out, set aside for review (in its result's ``for_review``, its
    reason starting with :data:`CHANGE_REASON`; not rejected) and listed in
    :attr:`MergedAssets.changes`.
    """
    kept: list[gpd.GeoDataFrame] = []
    out = []
    changes: list[dict[str, object]] = []
    for result in results:
        layer = result.layer
        earlier = (
            gpd.GeoDataFrame(pd.concat(kept, ignore_index=True), crs=layer.crs) if kept else None
        )
        if earlier is not None and not layer.empty and not earlier.empty:
            result = _set_aside(result, earlier, within_m, moved_within_m, changes)
            result.layer.attrs["layer"] = "assets"
        kept.append(result.layer)
        out.append(result)
    return MergedAssets(out, pd.DataFrame(changes, columns=CHANGE_COLUMNS))


def _set_aside(
    result: ImportResult,
    earlier: gpd.GeoDataFrame,
    within_m: float,
    moved_within_m: float,
    changes: list[dict[str, object]],
) -> ImportResult:
    """``result`` without its duplicates of ``earlier`` and, for a meeting map's additions,
    without the changes it proposes to them (each recorded, and added to ``changes``)."""
    layer = result.layer
    additions = layer["source"].astype("str").str.endswith(COMMUNITY_MAP)
    matched = _pair_duplicates(layer, earlier, within_m)
    moved = _moves(
        layer[additions].drop(index=list(matched), errors="ignore"), earlier, moved_within_m
    )
    rows: list[dict[str, object]] = []
    proposed: list[dict[str, object]] = []  # set aside for review, not rejected
    for i, j in [*matched.items(), *((i, j) for i, (j, _) in moved.items())]:
        old, new = _text(earlier.at[j, "name"]), _text(layer.at[i, "name"])
        renames = bool(additions[i]) and i in matched and new and new.casefold() != old.casefold()
        change = ""
        if renames:
            change = f"renames {old or 'a place with no name'!r} to {new!r}"
        elif i in moved:
            change = f"moves {old!r} {moved[i][1]:.0f} m"
        if change:
            why = f"{CHANGE_REASON}: {change}; accept it by editing the place in "
            why += f"{earlier.at[j, 'source']}."
            changes.append(
                {
                    "source": result.source,
                    "row": str(layer.at[i, "source_ref"]),
                    "change": change,
                    "asset_id": earlier.at[j, "asset_id"],
                    "category": earlier.at[j, "category"],
                    "name_now": old or None,
                    "name_proposed": new if renames else None,
                    "moved_m": round(moved[i][1]) if i in moved else None,
                    "in_file": earlier.at[j, "source"],
                }
            )
        else:
            why = f"Already in {earlier.at[j, 'source']}: the same category within "
            why += f"{within_m:g} m (counted once)."
        (proposed if change else rows).append(
            {
                "source": result.source,
                "row": str(layer.at[i, "source_ref"]),
                "field": "name" if renames else "geometry",
                "value": str(earlier.at[j, "asset_id"]),
                "reason": why,
            }
        )
    if not rows and not proposed:
        return result
    gone = layer.index.isin([*matched, *moved])
    return result.without(
        gone,
        rejected=pd.DataFrame(rows) if rows else None,
        for_review=pd.DataFrame(proposed) if proposed else None,
    )


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def _moves(
    layer: gpd.GeoDataFrame, earlier: gpd.GeoDataFrame, within_m: float
) -> dict[object, tuple[object, float]]:
    """Row of ``layer`` -> (row of ``earlier``, metres) for each place of the same category
    and name lying farther than a duplicate but within ``within_m``: moved."""
    if layer.empty:
        return {}
    left, right = earlier.sindex.query(
        layer.geometry.values, predicate="dwithin", distance=within_m
    )
    found: dict[object, tuple[object, float]] = {}
    for a, b in zip(left, right, strict=True):
        i, j = layer.index[a], earlier.index[b]
        name = _text(layer.at[i, "name"]).casefold()
        if not name or layer.at[i, "category"] != earlier.at[j, "category"]:
            continue
        if name != _text(earlier.at[j, "name"]).casefold():
            continue
        metres = float(shapely.distance(layer.geometry.values[a], earlier.geometry.values[b]))
        if i not in found or metres < found[i][1]:
            found[i] = (j, metres)
    return found


def _pair_duplicates(
    layer: gpd.GeoDataFrame, earlier: gpd.GeoDataFrame, within_m: float
) -> dict[object, object]:
    """Index in ``layer`` -> index in ``earlier`` of the same asset, one to one."""
    if layer.empty or earlier.empty:
        return {}
    left, right = earlier.sindex.query(
        layer.geometry.values, predicate="dwithin", distance=within_m
    )
    same = layer["category"].to_numpy()[left] == earlier["category"].to_numpy()[right]
    left, right = left[same], right[same]
    distance = shapely.distance(layer.geometry.values[left], earlier.geometry.values[right])
    matched: dict[object, object] = {}
    used: set[int] = set()
    for k in np.argsort(distance, kind="stable"):
        a, b = int(left[k]), int(right[k])
        if layer.index[a] in matched or b in used:
            continue
        matched[layer.index[a]] = earlier.index[b]
        used.add(b)
    return matched
