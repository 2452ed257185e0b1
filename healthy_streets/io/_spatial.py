"""Reading spatial files: the format chosen by content and extension, one clear error each."""

from __future__ import annotations

import contextlib
import logging
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from glob import escape as glob_escape
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError

from healthy_streets.errors import InputFileError
from healthy_streets.io._common import find_column, read_table, refuse_non_data


@dataclass(frozen=True)
class Format:
    """A spatial file format the toolkit reads."""

    name: str
    extensions: tuple[str, ...]


GEOJSON = Format("GeoJSON", (".geojson", ".json"))
SHAPEFILE = Format("Shapefile", (".shp",))
ZIPPED_SHAPEFILE = Format("zipped Shapefile", (".zip",))
GEOPACKAGE = Format("GeoPackage", (".gpkg",))
KML = Format("KML", (".kml",))
KMZ = Format("KMZ", (".kmz",))
CSV_WKT = Format("CSV with a WKT column", (".csv", ".txt", ".tsv"))

#: The formats, chosen by extension first (the geopandas way), then by content.
FORMATS = (GEOJSON, SHAPEFILE, ZIPPED_SHAPEFILE, GEOPACKAGE, KML, KMZ, CSV_WKT)

log = logging.getLogger(__name__)


@contextlib.contextmanager
def gdal_notes() -> Iterator[None]:
    """GDAL's warnings (a GeoPackage without the .gpkg extension...) go to the log, not to
    the user's screen: what matters about a file is said in the import's account."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        yield
    for warning in caught:
        log.debug("GDAL: %s", warning.message)


_WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom", "shape", "wkt_geom", "geometry_wkt")


def detect_format(path: Path) -> Format:
    """The format of ``path``, from its extension, else from its first bytes."""
    suffix = path.suffix.lower()
    head = _head(path)
    refuse_non_data(path, head)
    for fmt in FORMATS:
        if suffix in fmt.extensions:
            return fmt
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"SQLite format 3"):
        return GEOPACKAGE
    if text.startswith(b"PK"):
        return ZIPPED_SHAPEFILE
    if text.startswith((b"{", b"[")):
        return GEOJSON
    if b"<kml" in head:
        return KML
    if b"<osm" in head:
        raise InputFileError(
            path,
            "This is an OpenStreetMap file, not a zones file",
            fix="Load it as the street network: healthy-streets network --osm-file FILE.",
        )
    names = ", ".join(ext for fmt in FORMATS for ext in fmt.extensions)
    raise InputFileError(
        path,
        f"The toolkit cannot tell what format this file is (extension {suffix or 'none'!r})",
        fix=f"Export it as GeoJSON, Shapefile, GeoPackage, KML or CSV with WKT ({names}).",
    )


def _head(path: Path) -> bytes:
    if not path.is_file():
        return b""
    with path.open("rb") as f:
        return f.read(512)


def _check_shapefile_parts(path: Path) -> None:
    """A Shapefile is several files side by side; say which are missing (the .prj is left
    to the CRS check, which names the fix)."""
    present = {p.name.lower() for p in path.parent.glob(f"{glob_escape(path.stem)}.*")}
    missing = [
        f"{path.stem}{ext}"
        for ext in (".shx", ".dbf")
        if f"{path.stem}{ext}".lower() not in present
    ]
    if missing:
        raise InputFileError(
            path,
            f"A Shapefile is several files side by side, and {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing",
            fix=f"Copy every {path.stem}.* file (.shp, .shx, .dbf, .prj) into one folder, "
            "or send them as one .zip.",
        )


def list_layers(path: Path) -> list[str]:
    """The layers of a multi-layer file (GeoPackage, KML)."""
    try:
        with gdal_notes():
            return [str(name) for name in pyogrio.list_layers(path)[:, 0]]
    except (DataSourceError, DataLayerError) as exc:
        raise _unreadable(path, exc) from None


def read_spatial(path: Path, *, layer: str | None = None) -> tuple[gpd.GeoDataFrame, Format]:
    """Read a spatial file into a GeoDataFrame as it is (CRS as declared, may be None).

    Raises
    ------
    InputFileError
        The file is corrupt, empty, has several layers and none was chosen, or is in a
        format the toolkit does not read.
    """
    fmt = detect_format(path)
    if fmt is CSV_WKT:
        return _read_csv_wkt(path), fmt
    source: str = str(path)  # GDAL's LIBKML driver reads .kmz itself
    if fmt is SHAPEFILE:
        _check_shapefile_parts(path)
    if fmt is ZIPPED_SHAPEFILE:
        source = _zip_source(path)
    layers = list_layers(Path(source)) if fmt in (GEOPACKAGE, KML, KMZ) else []
    if layer is None and len(layers) > 1:
        non_empty = [name for name in layers if _feature_count(source, name) > 0]
        if len(non_empty) == 1:
            layer = non_empty[0]
        else:
            raise InputFileError(
                path,
                f"The file holds {len(layers)} layers: {', '.join(map(repr, layers))}",
                fix="Choose one with --layer NAME (layer= in Python).",
            )
    if layer is not None and layers and layer not in layers:
        named = {name.strip().casefold(): name for name in layers}
        if layer.strip().casefold() not in named:
            raise InputFileError(
                path,
                f"There is no layer {layer!r}; the layers are {', '.join(map(repr, layers))}",
                fix="Choose one of them with --layer.",
            )
        layer = named[layer.strip().casefold()]
    try:
        with gdal_notes():
            frame = gpd.read_file(source, layer=layer, engine="pyogrio")
    except (DataSourceError, DataLayerError, FieldError, GeometryError, ValueError) as exc:
        raise _unreadable(path, exc, fmt) from None
    if not isinstance(frame, gpd.GeoDataFrame) or "geometry" not in frame:
        raise InputFileError(
            path, "The file has no geometry column.", fix="Export it again with its shapes."
        )
    frame.index = pd.RangeIndex(1, len(frame) + 1)  # features numbered as a GIS numbers them
    return frame, fmt


def _feature_count(source: str, layer: str) -> int:
    try:
        with gdal_notes():
            return int(pyogrio.read_info(source, layer=layer)["features"])
    except (DataSourceError, DataLayerError):
        return 0


def _zip_source(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        raise InputFileError(
            path, "This is not a readable zip file", fix="Zip the shapefile's files again."
        ) from None
    shps = [n for n in names if n.lower().endswith(".shp")]
    kmls = [n for n in names if n.lower().endswith(".kml")]
    if len(shps) == 1:
        return f"/vsizip/{path}/{shps[0]}"
    if not shps and len(kmls) == 1:
        return f"/vsizip/{path}/{kmls[0]}"
    if not shps:
        raise InputFileError(
            path,
            "The zip file holds no shapefile (.shp)",
            fix="Zip the .shp with its .shx, .dbf and .prj files.",
        )
    raise InputFileError(
        path,
        f"The zip file holds {len(shps)} shapefiles: {', '.join(shps)}",
        fix="Zip one shapefile (with its side files) per file.",
    )


def _read_csv_wkt(path: Path) -> gpd.GeoDataFrame:
    frame = frame_from_wkt_table(path, read_table(path))
    if frame is None:
        raise InputFileError(
            path,
            "The CSV has no column of WKT geometry",
            fix=f"Name the geometry column one of {', '.join(_WKT_COLUMNS)}.",
        )
    return frame


def frame_from_wkt_table(path: Path, table: pd.DataFrame) -> gpd.GeoDataFrame | None:
    """A GeoDataFrame (no CRS) from a table with a WKT column; None when it has none."""
    column = find_column(table.columns, _WKT_COLUMNS, truncated=False)
    if column is None:
        return None
    geoms: list[shapely.Geometry | None] = []
    for row, text in table[column].items():
        if pd.isna(text):
            geoms.append(None)
            continue
        try:
            geoms.append(shapely.from_wkt(text))
        except shapely.errors.GEOSException:
            raise InputFileError(
                path,
                f"The geometry is not valid WKT: {str(text)[:60]!r}",
                row=int(row),
                field=column,
                fix="Fix the WKT text (it should start POLYGON or MULTIPOLYGON).",
            ) from None
    return gpd.GeoDataFrame(table.drop(columns=[column]), geometry=geoms, crs=None)


def _unreadable(path: Path, exc: Exception, fmt: Format | None = None) -> InputFileError:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    detail = detail.replace(str(path), "the file")
    kind = fmt.name if fmt else "spatial"
    return InputFileError(
        path,
        f"The file cannot be read as {kind} ({detail[:160]})",
        fix="It may be damaged or incomplete: export it again from the GIS.",
    )
