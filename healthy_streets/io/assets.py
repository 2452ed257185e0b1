"""Community assets: walkabout spreadsheets and council open data.

A spreadsheet (CSV) gives each asset's place as latitude/longitude, easting/northing or an
OS grid reference, found by column name. Spatial files (GeoJSON, KML, GeoPackage,
Shapefile) give points or polygons (parks, allotments). Free-text categories are mapped to the
asset taxonomy (:mod:`healthy_streets.model.taxonomy`), the original text kept; texts that
match nothing become ``other`` and are listed in the import's notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from healthy_streets import settings
from healthy_streets.errors import InputFileError
from healthy_streets.io._common import check_input, read_table, resolve_fields, to_working_crs
from healthy_streets.io._coords import find_coordinate_columns, points_from_table
from healthy_streets.io._spatial import (
    CSV_WKT,
    detect_format,
    frame_from_wkt_table,
    read_spatial,
)
from healthy_streets.io.zones import slugify
from healthy_streets.model.account import AccountBook, ImportResult
from healthy_streets.model.layers import ASSETS, conform
from healthy_streets.model.privacy import is_personal_column, redact_series
from healthy_streets.model.taxonomy import Taxonomy, asset_taxonomy

__all__ = ["ASSET_FIELDS", "read_assets"]

#: Column names recognised for each role.
ASSET_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "asset_name", "asset", "title", "site_name", "site", "place", "venue"),
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
        "address",
    ),
}


def read_assets(
    path: str | Path,
    *,
    fields: Mapping[str, str] | None = None,
    crs: object = None,
    layer: str | None = None,
    area: shapely.Geometry | None = None,
    taxonomy: Taxonomy | None = None,
    category: str | None = None,
    working_crs: str | None = None,
) -> ImportResult:
    """Read community assets into the ``assets`` layer.

    Parameters
    ----------
    path
        A CSV spreadsheet, or a GeoJSON, KML, GeoPackage or Shapefile.
    fields
        Columns for the roles ``name``, ``category`` and ``notes``, and for coordinates
        (``lat``, ``lon``, ``easting``, ``northing``, ``grid_ref``) where the file's names are
        not recognised.
    crs
        For spatial files that declare no CRS.
    layer
        The layer of a multi-layer file.
    area
        The project area in the working CRS; points outside it are rejected.
    taxonomy
        The asset taxonomy (a project's own synonyms added); default the standard one.
    category
        Category text for every row, for files of one kind (a file of libraries).
    working_crs
        The CRS of the layer.

    Returns
    -------
    ImportResult
        ``.layer`` is the ``assets`` layer.
    """
    path = check_input(path)
    working = working_crs or settings.working_crs
    book = AccountBook(path.name)
    taxonomy = taxonomy or asset_taxonomy()
    fields = dict(fields or {})
    coordinate_fields = {
        k: fields.pop(k)
        for k in list(fields)
        if k in ("lat", "lon", "easting", "northing", "grid_ref")
    }
    table = read_table(path) if detect_format(path) is CSV_WKT else None
    spatial = frame_from_wkt_table(path, table) if table is not None else None
    if table is not None and spatial is None:
        rows_in = len(table)
        columns = find_coordinate_columns(list(table.columns), coordinate_fields)
        if not columns.any:
            raise InputFileError(
                path,
                "No coordinate columns were found",
                fix="Name them Latitude/Longitude, Easting/Northing or Grid Ref, or map them "
                "with --field lat=COLUMN --field lon=COLUMN.",
            )
        points = points_from_table(table, columns, book, area=area, working_crs=working)
        frame = gpd.GeoDataFrame(table.loc[points.index], geometry=points, crs=working)
    else:
        frame = spatial if spatial is not None else read_spatial(path, layer=layer)[0]
        rows_in = len(frame)
        empty = frame.geometry.isna() | frame.geometry.is_empty
        book.reject_many(
            frame.index[empty].to_series(), "The row has no geometry.", field="geometry"
        )
        frame = frame[~empty]
        frame, _ = to_working_crs(frame, path, crs=crs, working_crs=working)
        if area is not None and len(frame):
            outside = ~frame.intersects(area)
            book.reject_many(
                frame.index[outside].to_series(),
                "The asset lies far outside the project area; check the coordinates.",
                field="geometry",
            )
            frame = frame[~outside]
    if rows_in == 0:
        raise InputFileError(path, "The file holds no rows.", fix="Check it is the right file.")
    roles = resolve_fields(
        path, [c for c in frame.columns if c != "geometry"], ASSET_FIELDS, fields
    )
    assets = _asset_columns(frame, roles, book, taxonomy, category=category, source=path)
    return book.result(conform(assets, ASSETS), rows_in)


def _asset_columns(
    frame: gpd.GeoDataFrame,
    roles: Mapping[str, str | None],
    book: AccountBook,
    taxonomy: Taxonomy,
    *,
    category: str | None,
    source: Path,
) -> gpd.GeoDataFrame:
    def column(role: str) -> pd.Series:
        name = roles.get(role)
        if name is None or is_personal_column(name):
            return pd.Series([None] * len(frame), index=frame.index, dtype="object")
        return frame[name].astype("object").where(frame[name].notna(), None)

    category_text = column("category")
    if category is not None:
        category_text = category_text.fillna(category)
    matches = category_text.map(taxonomy.match)
    keys = matches.map(lambda m: m.category)
    unmatched = category_text[matches.map(lambda m: m.how == "unmatched")].dropna()
    if len(unmatched):
        counts = unmatched.value_counts()
        listed = ", ".join(f"{text!r} ({n})" for text, n in counts.head(12).items())
        book.note(
            f"{len(unmatched)} categories match nothing in the taxonomy and became "
            f"'other': {listed}. Add them to the project's asset synonyms."
        )
    slug = slugify(source.stem)
    return gpd.GeoDataFrame(
        {
            "asset_id": [f"{slug}-{row}" for row in frame.index],
            "name": column("name"),
            "category": keys,
            "category_text": category_text,
            "source": source.name,
            "source_ref": [str(row) for row in frame.index],
            "notes": redact_series(column("notes")),
            "zone_id": None,
        },
        geometry=frame.geometry,
        crs=frame.crs,
        index=frame.index,
    )
