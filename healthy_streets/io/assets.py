"""Community assets: walkabout spreadsheets, council open data, community maps, OpenStreetMap.

Sources, chosen by the file:

- spreadsheets (CSV, Excel ``.xlsx``) typed up after walkabouts: each asset's place from
  latitude/longitude, easting/northing, an OS grid reference or a postcode (with a postcode
  file), columns found by name in any case;
- spatial files (GeoJSON, KML/KMZ, GeoPackage, Shapefile): points, or polygons for sites
  such as parks and allotments. A KML from Google My Maps keeps each category in its own
  layer: every layer is read and its name is the category where the rows give none;
- the GeoJSON residents download from a meeting map's "Add a place" tool;
- OpenStreetMap extracts (``.osm``, ``.osm.pbf``): see :mod:`healthy_streets.io.osm_features`.

Free-text categories map to the asset taxonomy (:mod:`healthy_streets.model.taxonomy`) with
the original kept; texts that match nothing become ``other`` and are listed in the notes.
Columns that hold people (``Added By``, emails, phones) are never read; emails, phone numbers,
home addresses and people's names written in names and notes are removed
(:mod:`healthy_streets.model.privacy`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from healthy_streets import settings
from healthy_streets.errors import InputFileError
from healthy_streets.io._common import (
    check_input,
    note_reading,
    read_table,
    refuse_non_data,
    reject_bad_rows,
    resolve_fields,
    to_working_crs,
)
from healthy_streets.io._coords import PostcodeLookup, find_coordinate_columns, points_from_table
from healthy_streets.io._spatial import (
    CSV_WKT,
    KML,
    KMZ,
    detect_format,
    drop_unusable_geometries,
    frame_from_wkt_table,
    list_layers,
    read_spatial,
)
from healthy_streets.model.account import AccountBook, ImportResult
from healthy_streets.model.ids import slugify
from healthy_streets.model.layers import ASSETS, COMMUNITY_MAP_KIND, conform
from healthy_streets.model.privacy import (
    is_personal_column,
    person_columns,
    redact_series,
    remove_names,
)
from healthy_streets.model.taxonomy import Taxonomy, asset_taxonomy, match_notes

__all__ = [
    "ASSET_FIELDS",
    "drop_duplicate_assets",
    "read_assets",
    "read_excel_table",
]

#: Column names recognised for each role.
ASSET_FIELDS: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "asset_name",
        "asset",
        "title",
        "site_name",
        "site",
        "place",
        "venue",
        "community_hub",
        "hub",
    ),
    "category": (
        "category",
        "asset_category",
        "asset_type",
        "type",
        "kind",
        "what",
        "amenity",
        "feature",
        "classification",
        "class",
        "layer",
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
        "opening_hours",
    ),
}

#: The ``healthy_streets.kind`` a meeting map writes into its "Download my additions" file.

_COORDINATE_ROLES = ("lat", "lon", "easting", "northing", "grid_ref", "postcode")
_EXCEL = (".xlsx", ".xlsm")


def read_assets(
    path: str | Path,
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

    Parameters
    ----------
    path
        A CSV or Excel spreadsheet; a GeoJSON, KML/KMZ, GeoPackage or Shapefile; a meeting
        map's additions file; or an OpenStreetMap extract.
    fields
        Columns for the roles ``name``, ``category`` and ``notes``, and for the coordinates
        ``lat``, ``lon``, ``easting``, ``northing``, ``grid_ref`` and ``postcode``, where the
        file's names are not recognised.
    crs
        For spatial files that declare no CRS.
    layer
        The layer of a multi-layer file, or the sheet of a workbook.
    area
        The project area in the working CRS; assets outside it are rejected.
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
        ``.layer`` is the ``assets`` layer.

    Examples
    --------
    >>> result = read_assets("data/sample/assets_walkabout.csv")  # doctest: +SKIP
    >>> result.layer.category.value_counts()  # doctest: +SKIP
    """
    path = check_input(path)
    from healthy_streets.io.osm import is_osm_file

    if is_osm_file(path):
        from healthy_streets.io.osm_features import assets_from_osm_file

        return assets_from_osm_file(path, area=area, working_crs=working_crs)
    working = working_crs or settings.working_crs
    book = AccountBook(path.name)
    taxonomy = taxonomy or asset_taxonomy()
    roles = dict(fields or {})
    coordinate_fields = {k: roles.pop(k) for k in list(roles) if k in _COORDINATE_ROLES}
    source = path.name
    if path.suffix.lower() in _EXCEL:
        table = read_excel_table(path, sheet=layer)
    elif detect_format(path) is CSV_WKT:
        table = read_table(path)
    else:
        table = None
    spatial = frame_from_wkt_table(path, table) if table is not None else None
    if table is not None and spatial is None:
        book.hide_names(person_columns(table))
        rows_in = len(table)
        if rows_in == 0:
            raise InputFileError(
                path, "The spreadsheet holds no rows.", fix="Check it is the right file."
            )
        table = reject_bad_rows(table, book)
        columns = find_coordinate_columns(list(table.columns), coordinate_fields)
        if not columns.any:
            raise InputFileError(
                path,
                "No coordinate columns were found",
                fix="Name them Latitude/Longitude, Easting/Northing, Grid Ref or Postcode, or "
                "map them with --field lat=COLUMN --field lon=COLUMN.",
            )
        lookup = (
            PostcodeLookup.from_file(postcodes)
            if postcodes is not None and not isinstance(postcodes, PostcodeLookup)
            else postcodes
        )
        points = points_from_table(
            table, columns, book, area=area, working_crs=working, postcodes=lookup
        )
        frame = gpd.GeoDataFrame(table.loc[points.index], geometry=points, crs=working)
    else:
        if spatial is not None:
            frame = spatial
        else:
            frame = _read_spatial_assets(path, layer)
            if _is_community_map(path):
                source = f"{path.name} (community map)"
        rows_in = len(frame)
        if rows_in == 0:
            raise InputFileError(
                path, "The file holds no features.", fix="Check it is the right file."
            )
        frame, _ = drop_unusable_geometries(frame, book)
        frame, _ = to_working_crs(frame, path, crs=crs, working_crs=working, book=book)
        if area is not None and len(frame):
            outside = ~frame.intersects(area)
            book.reject_many(
                frame.index[outside].to_series(),
                "The asset lies far outside the project area; check the coordinates.",
                field="geometry",
            )
            frame = frame[~outside]
    names = [c for c in frame.columns if c not in ("geometry", "_layer")]
    resolved = resolve_fields(path, names, ASSET_FIELDS, roles)
    assets = _asset_columns(
        frame, resolved, book, taxonomy, category=category, source=source, slug=slugify(path.name)
    )
    if table is not None:
        note_reading(table, book, kept=assets.index)
    return book.result(conform(assets, ASSETS), rows_in)


def read_excel_table(path: Path, *, sheet: str | None = None) -> pd.DataFrame:
    """A worksheet as a frame of strings, indexed by spreadsheet row (the header is row 1).

    With no ``sheet``, the workbook's only sheet with data is read; several are an error that
    lists them.
    """
    with path.open("rb") as head:
        refuse_non_data(path, head.read(512))  # a sign-in page saved as .xlsx
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
                fix="Choose one with --layer.",
            )
        chosen = sheets[named[sheet.strip().casefold()]]
    else:
        filled = {name: frame for name, frame in sheets.items() if not frame.empty}
        if len(filled) > 1:
            raise InputFileError(
                path,
                f"The workbook has {len(filled)} sheets with data: {', '.join(map(repr, filled))}",
                fix="Choose one with --layer SHEET.",
            )
        chosen = next(iter(filled.values()), next(iter(sheets.values())))
    chosen.columns = [str(c).strip() for c in chosen.columns]
    chosen.index = pd.RangeIndex(2, 2 + len(chosen))
    return chosen


def _read_spatial_assets(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    """A spatial file; every layer of a KML/KMZ (its name kept in ``_layer``) unless one is
    chosen."""
    fmt = detect_format(path)
    layers = list_layers(path) if fmt in (KML, KMZ) and layer is None else []
    if len(layers) <= 1:
        frame, _ = read_spatial(path, layer=layer or (layers[0] if layers else None))
        if layers:
            frame["_layer"] = layers[0]
        return frame
    frames = []
    for name in layers:
        part, _ = read_spatial(path, layer=name)
        part["_layer"] = name
        frames.append(part)
    frame = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


def _is_community_map(path: Path) -> bool:
    """True for the GeoJSON a meeting map's "Download my additions" writes."""
    if path.suffix.lower() not in (".geojson", ".json"):
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    meta = data.get("healthy_streets") if isinstance(data, dict) else None
    return isinstance(meta, dict) and meta.get("kind") == COMMUNITY_MAP_KIND


def _asset_columns(
    frame: gpd.GeoDataFrame,
    roles: Mapping[str, str | None],
    book: AccountBook,
    taxonomy: Taxonomy,
    *,
    category: str | None,
    source: str,
    slug: str,
) -> gpd.GeoDataFrame:
    def column(role: str) -> pd.Series:
        name = roles.get(role)
        if name is None or is_personal_column(name):
            return pd.Series([None] * len(frame), index=frame.index, dtype="object")
        return frame[name].astype("object").where(frame[name].notna(), None)

    people = person_columns(frame)
    category_text = column("category")
    if "_layer" in frame:  # a My Maps layer name is the category of the rows in it
        category_text = category_text.fillna(frame["_layer"])
    if category is not None:
        category_text = category_text.fillna(category)
    keys = category_text.map(taxonomy.categorise)
    for note in match_notes(
        category_text, taxonomy, what="asset", settings_table="[taxonomy.assets]"
    ):
        book.note(note)
    missing = category_text.isna()
    if missing.any():
        book.note(
            f"{int(missing.sum())} rows give no category and became 'other'; name one "
            "for the file with --category (category= in Python)."
        )
    return gpd.GeoDataFrame(
        {
            "asset_id": [f"{slug}-{row}" for row in frame.index],
            "name": redact_series(remove_names(column("name"), people)),
            "category": keys,
            "category_text": redact_series(category_text),
            "source": source,
            "source_ref": [str(row) for row in frame.index],
            "notes": redact_series(remove_names(column("notes"), people)),
            "zone_id": None,
        },
        geometry=frame.geometry,
        crs=frame.crs,
        index=frame.index,
    )


def drop_duplicate_assets(
    results: list[ImportResult], *, within_m: float = 15.0
) -> list[ImportResult]:
    """Count an asset once across sources: a later source loses the assets an earlier one
    already has.

    Two records are the same asset when they share a category and lie within ``within_m``
    metres of each other (a point inside a park's outline is at 0 m). Records are paired
    one to one, nearest first, so two benches side by side in one file and one bench in
    another make one duplicate, not two. Put the community's own files first and
    OpenStreetMap last, so that the residents' record (with their notes) is the one kept.
    Assets dropped move to the later result's ``rejected`` table, with the asset they
    duplicate as the value.
    """
    kept: list[gpd.GeoDataFrame] = []
    out = []
    for result in results:
        layer = result.layer
        earlier = (
            gpd.GeoDataFrame(pd.concat(kept, ignore_index=True), crs=layer.crs) if kept else None
        )
        matched = _pair_duplicates(layer, earlier, within_m) if earlier is not None else {}
        if matched and earlier is not None:
            again = layer.index.isin(list(matched))
            extra = pd.DataFrame(
                {
                    "source": result.source,
                    "row": layer.loc[again, "source_ref"].astype("str"),
                    "field": "geometry",
                    "value": [earlier.at[matched[i], "asset_id"] for i in layer.index[again]],
                    "reason": [
                        f"Already in {earlier.at[matched[i], 'source']}: the same "
                        f"category within {within_m:g} m (counted once)."
                        for i in layer.index[again]
                    ],
                }
            )
            result = replace(
                result,
                layer=layer[~again].reset_index(drop=True),
                rejected=pd.concat([result.rejected, extra], ignore_index=True),
            )
            result.layer.attrs["layer"] = "assets"
        kept.append(result.layer)
        out.append(result)
    return out


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
