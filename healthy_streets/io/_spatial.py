"""Reading spatial files: the format chosen by content and extension, one clear error each."""

from __future__ import annotations

import codecs
import contextlib
import logging
import re
import struct
import typing
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from glob import escape as glob_escape
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError

from healthy_streets._audience import option
from healthy_streets.errors import InputFileError
from healthy_streets.io._common import (
    MAX_CELLS,
    find_column,
    raise_special_file,
    read_table,
    refuse_non_data,
)
from healthy_streets.io._json_text import mend_json, needs_mending
from healthy_streets.io._kml import description_fields, folder_paths, join_path
from healthy_streets.io._meta import written_layers
from healthy_streets.model.account import AccountBook


@dataclass(frozen=True)
class Format:
    """A spatial file format the toolkit reads."""

    name: str
    extensions: tuple[str, ...]


GEOJSON = Format("GeoJSON", (".geojson", ".json"))
SHAPEFILE = Format("Shapefile", (".shp",))
ZIPPED_SHAPEFILE = Format("zipped Shapefile", (".zip",))
GEOPACKAGE = Format("GeoPackage", (".gpkg",))
FILE_GDB = Format("File Geodatabase", (".gdb",))
KML = Format("KML", (".kml",))
KMZ = Format("KMZ", (".kmz",))
CSV_WKT = Format("CSV with a WKT column", (".csv", ".txt", ".tsv"))

#: The formats, chosen by extension first (the geopandas way), then by content.
FORMATS = (GEOJSON, SHAPEFILE, ZIPPED_SHAPEFILE, GEOPACKAGE, FILE_GDB, KML, KMZ, CSV_WKT)
#: Formats that hold several layers, one chosen with ``layer=``.
MULTI_LAYER = (GEOPACKAGE, FILE_GDB, KML, KMZ)

log = logging.getLogger(__name__)


@contextlib.contextmanager
def gdal_notes() -> Iterator[None]:
    """GDAL's and pyogrio's warnings (a GeoPackage without the .gpkg extension, a column of
    JSON that is not JSON...) go to the log, not to the user's screen: what matters about a
    file is said in the import's account."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for warning in caught:
        log.debug("GDAL: %s", warning.message)


_WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom", "shape", "wkt_geom", "geometry_wkt")


#: The files that go with a Shapefile's ``.shp``, which no reader takes on their own.
SHAPEFILE_SIDE_FILES = frozenset({".dbf", ".shx", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qmd"})


def detect_format(path: Path) -> Format:
    """The format of ``path``, from its extension, else from its first bytes."""
    suffix = path.suffix.lower()
    head = _head(path)
    refuse_non_data(path, head)
    refuse_gdal_descriptions(path, _head(path, size=DESCRIPTION_BYTES))
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
            fix=f"Load it as the street network: {option('osm_file')}.",
        )
    shp = path.with_suffix(".shp")
    if suffix in SHAPEFILE_SIDE_FILES:
        raise InputFileError(
            path,
            f"This is one of a Shapefile's side files ({suffix}), not the Shapefile itself",
            fix=f"Give the .shp file ({shp.name}); its side files are read with it."
            if shp.is_file()
            else "Give the Shapefile's .shp file, kept beside this one.",
        )
    names = ", ".join(ext for fmt in FORMATS for ext in fmt.extensions)
    raise InputFileError(
        path,
        f"The toolkit cannot tell what format this file is (extension {suffix or 'none'!r})",
        fix=f"Export it as GeoJSON, Shapefile, GeoPackage, File Geodatabase, KML or CSV with "
        f"WKT ({names}).",
    )


def _head(path: Path, *, size: int = 512) -> bytes:
    if not path.is_file():
        return b""
    with path.open("rb") as f:
        return f.read(size)


#: What GDAL looks for in a file's first bytes to open it, whatever its name, as a
#: description of data kept elsewhere: an OGR VRT names files to read (any file on the
#: machine), a WFS description names a server to ask.
GDAL_DESCRIPTIONS = (
    b"<ogrvrtdatasource",
    b"<vrtdataset",
    b"<ogrwfsdatasource",
    b"wfs_capabilities",
)
#: How much of a file is searched for them (GDAL itself looks at the first kilobyte).
DESCRIPTION_BYTES = 65_536


def refuse_gdal_descriptions(path: Path | str, head: bytes) -> None:
    """Refuse a file that GDAL would open as a description of other data (a VRT saved as
    ``zones.geojson``): it would read files from outside the project, which the project's
    folder check cannot see."""
    if any(marker in head.lower() for marker in GDAL_DESCRIPTIONS):
        raise InputFileError(
            path,
            "This is not data but a GDAL description (a VRT) that points GDAL at other "
            "files or servers, so it could read data from anywhere on the machine",
            fix="Export the data itself as GeoJSON, Shapefile, GeoPackage, KML or CSV with "
            "WKT, and put that file in the project folder.",
        )


def _check_shapefile_parts(path: Path) -> None:
    """A Shapefile is several files side by side; say which are missing (the .prj is left
    to the CRS check, which names the fix)."""
    parts = list(path.parent.glob(f"{glob_escape(path.stem)}.*"))
    for part in parts:  # GDAL opens the side files too: a named pipe would never answer
        if not part.is_file() and not part.is_dir():
            raise_special_file(part)
    present = {p.name.lower() for p in parts}
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


def list_layers(path: Path, *, source: str | None = None) -> list[str]:
    """The layers of a multi-layer file (GeoPackage, File Geodatabase, KML), or the
    shapefiles of a zip that holds several. ``source`` is what GDAL opens, when not
    ``path`` itself (a File Geodatabase inside a zip)."""
    if source is None and path.suffix.lower() == ".zip" and path.is_file():
        return list(_zip_shapefiles(path))
    try:
        with gdal_notes():
            return [str(name) for name in pyogrio.list_layers(source or path)[:, 0]]
    except (DataSourceError, DataLayerError) as exc:
        raise _unreadable(path, exc) from None


def read_spatial(
    path: Path, *, layer: str | None = None, ours: str | None = None
) -> tuple[gpd.GeoDataFrame, Format]:
    """Read a spatial file into a GeoDataFrame as it is (CRS as declared, may be None).

    ``ours`` names the layer the toolkit writes for what is being read (``"zones"``): in a
    GeoPackage of several layers where no ``layer`` is chosen, that layer is read when
    healthy-streets wrote it (its ``healthy_streets_meta`` table lists it), as a store or
    ``healthy-streets network --derive-zones --output`` holds it; which layer was read is
    said in ``frame.attrs["text_notes"]``. Whenever the layer read is that layer of the
    toolkit's (chosen so, or named by ``layer``), ``frame.attrs["ours"]`` is ``ours``: its
    columns are the toolkit's own, and need no guessing.

    The rows are numbered from 1, as a GIS numbers features. A GeoJSON file whose text
    holds NUL characters or bytes that are not UTF-8 is mended first (see
    :mod:`healthy_streets.io._json_text`): ``frame.attrs["text_repairs"]`` names the
    features repaired and ``frame.attrs["text_notes"]`` says the rest (see
    :func:`~healthy_streets.io._common.note_reading`).

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
    layers: list[str] = []
    inner: Format | None = None
    chosen: str | None = None
    if fmt is ZIPPED_SHAPEFILE:
        source, inner = _zip_source(path, layer)
        if inner is FILE_GDB:
            layers = list_layers(path, source=source)
        else:
            layer = None  # the shapefile chosen is the zip's layer
    elif fmt in MULTI_LAYER:
        layers = list_layers(path)
    if fmt in (KML, KMZ) and layers:
        return _with_description_fields(read_kml_folders(path, layers, layer, fmt)), fmt
    if layer is None and len(layers) > 1:
        # tables without shapes (a store's rejected rows, provenance...) are no layer to read
        info = {name: _layer_info(source, name) for name in layers}
        shaped = [name for name in layers if info[name][1]] or layers
        non_empty = [name for name in shaped if info[name][0] > 0]
        chosen = _our_layer(path, shaped, non_empty, ours) if ours else None
        if chosen is not None:
            layer = chosen
        elif len(non_empty) == 1:
            layer = non_empty[0]
        else:
            tables = len(layers) - len(shaped)
            raise InputFileError(
                path,
                f"The file holds {len(shaped)} layers{' of shapes' if tables else ''}: "
                f"{', '.join(map(repr, shaped))}"
                + (f" (and {tables} tables without shapes)" if tables else ""),
                fix=f"Choose one with {option('layer', 'NAME')}.",
            )
    if layer is not None and layers and layer not in layers:
        named = {name.strip().casefold(): name for name in layers}
        if layer.strip().casefold() not in named:
            raise InputFileError(
                path,
                f"There is no layer {layer!r}; the layers are {', '.join(map(repr, layers))}",
                fix=f"Choose one of them with {option('layer')}.",
            )
        layer = named[layer.strip().casefold()]
    shapefile = fmt is SHAPEFILE or inner is SHAPEFILE
    encoding = _dbf_encoding(path, source) if shapefile else None
    mended = mend_json(path) if fmt is GEOJSON and needs_mending(path) else None
    frame = _read_frame(path, source if mended is None else mended.data, layer, fmt, encoding)
    if (
        shapefile
        and encoding is None
        and _dbf_parts(path, source)[1] is None  # no .cpg: bytes 0x80-0x9f are cp1252's
        and _has_c1_controls(frame)
    ):
        encoding = "cp1252"
        frame = _read_frame(path, source, layer, fmt, encoding)
    if encoding is not None:
        frame.attrs["text_notes"] = [ENCODING_NOTES[encoding]]
    others = [n for n in layers if n != chosen and _layer_info(source, n)[1]] if chosen else []
    if others:  # said only when another layer could have been meant
        frame.attrs["text_notes"] = [
            *frame.attrs.get("text_notes", []),
            f"Read the layer {chosen!r}, the {ours} healthy-streets wrote into the file (it "
            f"also holds {', '.join(map(repr, others))}); choose another with "
            f"{option('layer', 'NAME')}.",
        ]
    if mended is not None:  # features numbered from 1, as the frame's rows are below
        frame.attrs["text_repairs"], frame.attrs["text_notes"] = mended.repairs, mended.notes
    if ours is not None and _is_our_layer(path, fmt, layers, layer, chosen, ours):
        frame.attrs["ours"] = ours
    if not isinstance(frame, gpd.GeoDataFrame) or "geometry" not in frame:
        raise InputFileError(
            path, "The file has no geometry column.", fix="Export it again with its shapes."
        )
    problems = frame.attrs.get("geometry_problems", {})
    frame.index = pd.RangeIndex(1, len(frame) + 1)  # features numbered as a GIS numbers them
    frame.attrs["geometry_problems"] = {position + 1: why for position, why in problems.items()}
    return frame, fmt


#: The share of a KML's descriptions that must be tables of fields to be read as its columns.
DESCRIPTION_TABLE_SHARE = 0.8


def _with_description_fields(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A KML whose descriptions are tables of fields (ArcGIS's "Layer To KML"): those fields
    as its columns instead of the description (a field named as a column the file already
    has is left in the table), said in ``attrs["text_notes"]``; else the frame as it is."""
    column = next((c for c in frame.columns if str(c).casefold() == "description"), None)
    if column is None:
        return frame
    given = frame[column].dropna()
    given = given[given.astype("str").str.strip() != ""]
    if given.empty:
        return frame
    parsed = given.map(description_fields)
    if parsed.notna().mean() < DESCRIPTION_TABLE_SHARE:
        return frame
    taken = {str(c).casefold() for c in frame.columns if c != column}
    keys = [
        key
        for key in dict.fromkeys(k for fields in parsed.dropna() for k in fields)
        if key.casefold() not in taken
    ]
    out = frame.drop(columns=[column])
    by_row = parsed.reindex(frame.index)
    for key in keys:
        out[key] = by_row.map(
            lambda fields, k=key: fields.get(k) if isinstance(fields, dict) else None
        )
    out.attrs = dict(frame.attrs)
    listed = ", ".join(map(repr, keys[:8])) + (", ..." if len(keys) > 8 else "")
    out.attrs["text_notes"] = [
        *frame.attrs.get("text_notes", []),
        f"The placemarks' descriptions are tables of fields (as ArcGIS writes KML): read as "
        f"the columns {listed}.",
    ]
    return out


def read_kml_folders(
    path: Path, layers: list[str], layer: str | None, fmt: Format
) -> gpd.GeoDataFrame:
    """Every placemark of a KML/KMZ, or those of the folder ``layer`` names and its
    subfolders, with its folder path in the column ``_layer`` ("Benches/Meersbrook ward",
    see :func:`~healthy_streets.io._kml.folder_paths`); ``attrs["kml_folders"]`` maps each
    path to its folders.

    ``layer`` is a folder's name (in any case, without GDAL's ``(#2)``), its path, or a
    GDAL layer's name; a name that several folders share takes them all."""
    counts = [_feature_count(str(path), name) for name in layers]
    paths = folder_paths(path, layers, counts)
    chosen = [name for name, count in zip(layers, counts, strict=True) if count > 0]
    if layer is not None:
        wanted = " ".join(layer.split()).casefold()
        picked = {
            tuple(paths[name][: i + 1])
            for name in layers
            for i in range(len(paths[name]))
            if wanted
            in (
                paths[name][i].casefold(),
                join_path(paths[name][: i + 1]).casefold(),
                " ".join(name.split()).casefold() if i == len(paths[name]) - 1 else None,
            )
        }
        if not picked:
            listed = ", ".join(repr(join_path(paths[name])) for name in layers)
            raise InputFileError(
                path,
                f"There is no folder {layer!r} in the file; its folders are {listed}",
                fix=f"Choose one of them with {option('layer')}.",
            )
        chosen = [name for name in chosen if any(paths[name][: len(p)] == p for p in picked)]
    parts: list[gpd.GeoDataFrame] = []
    problems: dict[int, str] = {}
    for name in chosen:
        part = _read_frame(path, str(path), name, fmt, None)
        offset = sum(len(p) for p in parts)
        for position, why in part.attrs.get("geometry_problems", {}).items():
            problems[offset + position] = why
        part["_layer"] = join_path(paths[name])
        parts.append(part)
    if not parts:  # no placemarks there: an empty frame with the file's columns
        frame = _read_frame(path, str(path), layers[0], fmt, None).iloc[:0].copy()
        frame["_layer"] = pd.Series(dtype="object")
    else:
        frame = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=parts[0].crs)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    frame.attrs["geometry_problems"] = {position + 1: why for position, why in problems.items()}
    frame.attrs["kml_folders"] = {join_path(p): p for p in paths.values()}
    return frame


def _read_frame(
    path: Path, source: str | bytes, layer: str | None, fmt: Format, encoding: str | None
) -> gpd.GeoDataFrame:
    """The file as GDAL reads it (or ``source``, its mended text), its text in ``encoding``
    when one is given."""
    options = {} if encoding is None else {"encoding": encoding}
    _refuse_many_fields(path, source, layer, options)
    try:
        with gdal_notes():
            try:
                return gpd.read_file(source, layer=layer, engine="pyogrio", **options)
            except shapely.errors.GEOSException:  # a shape GEOS cannot hold: read the rest
                return _read_past_broken_shapes(source, layer, encoding)
    except (DataSourceError, DataLayerError, FieldError, GeometryError, ValueError) as exc:
        raise _unreadable(path, exc, fmt) from None


def _refuse_many_fields(
    path: Path, source: str | bytes, layer: str | None, options: dict[str, str]
) -> None:
    """Refuse a layer of more fields than any table of zones, places or reports has
    (:data:`~healthy_streets.io._common.MAX_CELLS`), asked of GDAL's summary before the
    features are read: a 3 MB GeoJSON of 200,000 properties held GDAL for minutes. A
    summary GDAL cannot give is left for the reading to say what is wrong."""
    try:
        with gdal_notes():
            fields = len(pyogrio.read_info(source, layer=layer, **options)["fields"])
    except Exception:  # read_file says what is wrong with it
        return
    if fields > MAX_CELLS:
        raise InputFileError(
            path,
            f"The file's features have {fields:,} fields, more than any table of zones, "
            f"places or reports ({MAX_CELLS:,} at most)",
            fix="Export only the columns needed (names, categories, dates, notes) from the GIS.",
        )


#: What is said of a Shapefile read in an encoding guessed (no .cpg names one), in the
#: words the CSV reader uses.
ENCODING_NOTES = {
    "cp1252": "The Shapefile has no .cpg file naming its text encoding, and its text is not "
    "UTF-8: it was read as Windows-1252 (cp1252), as ArcGIS and Excel on Windows write it; "
    "check names with accents and quotes, and add a .cpg naming the encoding if they look "
    "wrong.",
    "UTF-8": "The Shapefile has no .cpg file naming its text encoding; its text is UTF-8, so "
    "it was read as UTF-8.",
}
#: C1 control characters: in text read as ISO-8859-1, the bytes cp1252 uses for quotes and
#: dashes ("St Mary\x92s").
_C1 = re.compile("[\x80-\x9f]")


def _dbf_parts(path: Path, source: str) -> tuple[str | None, str | None]:
    """The .dbf and .cpg of a Shapefile (in a zip, their paths in it); ``None`` for a part
    that is missing."""
    if source.startswith("/vsizip/"):
        inner = source.removeprefix(f"/vsizip/{path}/")
        stem = inner[: -len(".shp")].casefold()
        names = {n.casefold(): n for n in _zip_names(path)}
        return names.get(f"{stem}.dbf"), names.get(f"{stem}.cpg")
    by_suffix = {
        p.suffix.lower(): str(p)
        for p in path.parent.glob(f"{glob_escape(path.stem)}.*")
        if p.stem == path.stem
    }
    return by_suffix.get(".dbf"), by_suffix.get(".cpg")


def _dbf_encoding(path: Path, source: str) -> str | None:
    """The encoding to read a Shapefile's text in, when GDAL would guess it wrong: none is
    named (no .cpg, language byte 0) and its text is not ASCII: ``"UTF-8"`` when it reads
    as UTF-8, else ``"cp1252"``. ``None`` to leave it to GDAL."""
    dbf, cpg = _dbf_parts(path, source)
    if dbf is None or cpg is not None:
        return None
    try:
        with _open_part(path, source, dbf) as handle:
            header = handle.read(32)
            if len(header) < 32 or header[29] != 0:  # a language byte GDAL reads
                return None
            handle.read(int.from_bytes(header[8:10], "little") - 32)  # the field list
            return _records_encoding(handle)
    except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError):
        return None  # GDAL's own reading says what is wrong


def _records_encoding(handle: typing.BinaryIO) -> str | None:
    """``None`` for ASCII records, ``"UTF-8"`` for records that read as UTF-8, else
    ``"cp1252"``; read a block at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    ascii_only = True
    while block := handle.read(1 << 20):
        if block.isascii():
            continue
        ascii_only = False
        try:
            decoder.decode(block)
        except UnicodeDecodeError:
            return "cp1252"
    if ascii_only:
        return None
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "UTF-8"


def _open_part(path: Path, source: str, name: str) -> typing.BinaryIO:
    """A side file of a Shapefile (``name``: a path, or a path in the zip ``path``)."""
    if source.startswith("/vsizip/"):
        archive = zipfile.ZipFile(path)
        return typing.cast(typing.BinaryIO, archive.open(name))
    return Path(name).open("rb")


def _has_c1_controls(frame: pd.DataFrame) -> bool:
    """Whether a text column holds C1 control characters (see :data:`_C1`)."""
    for column in frame.columns:
        values = frame[column]
        if column == "geometry" or not (
            values.dtype == object or pd.api.types.is_string_dtype(values.dtype)
        ):
            continue
        text = values.dropna()
        if len(text) and text.astype("str").str.contains(_C1).any():
            return True
    return False


def _read_past_broken_shapes(
    source: str | bytes, layer: str | None, encoding: str | None = None
) -> gpd.GeoDataFrame:
    """Read a file some of whose shapes GEOS refuses (a line of one point): those rows get
    no geometry, and ``attrs["geometry_problems"]`` says why (by position from 0)."""
    options = {} if encoding is None else {"encoding": encoding}
    frame = gpd.read_file(source, layer=layer, engine="pyogrio", on_invalid="ignore", **options)
    _, _, shapes, _ = pyogrio.raw.read(source, layer=layer, columns=[])
    geometries = list(frame.geometry.values)
    problems: dict[int, str] = {}
    for position, wkb in enumerate(shapes):
        if wkb is None or geometries[position] is not None:
            continue
        try:
            geometries[position] = shapely.from_wkb(wkb)
        except shapely.errors.GEOSException as exc:
            problems[position] = (
                _NOT_FINITE
                if _wkb_has_non_finite(bytes(wkb))
                else f"The shape cannot be read ({_wkt_problem(exc)}); fix it in the GIS."
            )
    frame = frame.set_geometry(gpd.GeoSeries(geometries, index=frame.index, crs=frame.crs))
    frame.attrs["geometry_problems"] = problems
    return frame


def _wkb_has_non_finite(wkb: bytes) -> bool:
    """True when a coordinate of the (ISO or extended) WKB shape is NaN or infinite: GEOS
    refuses such a ring as not closed, which hides the cause."""
    numbers: list[float] = []

    def walk(offset: int) -> int:
        order = "<" if wkb[offset] == 1 else ">"
        (code,) = struct.unpack_from(order + "I", wkb, offset + 1)
        offset += 5 + (4 if code & 0x20000000 else 0)  # an EWKB SRID
        iso = (code & 0x0FFFFFFF) // 1000
        dims = (
            2
            + (bool(code & 0x80000000) or iso in (1, 3))
            + (bool(code & 0x40000000) or iso in (2, 3))
        )
        kind = (code & 0x0FFFFFFF) % 1000
        if kind == 1:
            numbers.extend(struct.unpack_from(f"{order}{dims}d", wkb, offset))
            return offset + 8 * dims
        (count,) = struct.unpack_from(order + "I", wkb, offset)
        offset += 4
        if kind == 2:
            numbers.extend(struct.unpack_from(f"{order}{dims * count}d", wkb, offset))
            return offset + 8 * dims * count
        if kind == 3:
            for _ in range(count):
                (points,) = struct.unpack_from(order + "I", wkb, offset)
                numbers.extend(struct.unpack_from(f"{order}{dims * points}d", wkb, offset + 4))
                offset += 4 + 8 * dims * points
            return offset
        for _ in range(count):  # multi-part shapes and collections
            offset = walk(offset)
        return offset

    try:
        walk(0)
    except (struct.error, IndexError, RecursionError):
        return False
    return not np.isfinite(numbers).all()


def _our_layer(path: Path, shaped: list[str], non_empty: list[str], ours: str) -> str | None:
    """``ours`` when the file holds it and healthy-streets wrote it (the layer to read of a
    file of several); None when the file is not one the toolkit wrote, or does not list it.

    Raises
    ------
    InputFileError
        When every layer of shapes is the toolkit's and ``ours`` is empty or missing (a
        network written without zones, or with none drawn): reading another of its layers
        as ``ours`` would only mislead.
    """
    written = written_layers(path)
    if ours in written and ours in non_empty:
        return ours
    if not written or any(name not in written for name in shaped):
        return None
    held = ", ".join(repr(name) for name in shaped if name != ours)
    if ours in shaped:
        why = (
            f"The {ours} layer healthy-streets wrote into the file is empty (it also holds {held})"
        )
        how = f"; {option('min_area')}" if ours == "zones" else ""
    else:
        why = f"The file holds no {ours} layer: healthy-streets wrote {held} into it"
        how = f"; {option('derive_zones')}" if ours == "zones" else ""
    raise InputFileError(
        path,
        why,
        fix=f"Give the file of {ours}, or choose a layer with {option('layer', 'NAME')}{how}.",
    )


def _is_our_layer(
    path: Path,
    fmt: Format,
    layers: list[str],
    layer: str | None,
    chosen: str | None,
    ours: str,
) -> bool:
    """Whether the layer read is the ``ours`` layer healthy-streets wrote into a GeoPackage
    (chosen as such, or named by ``layer``, or the file's only layer)."""
    if chosen is not None:
        return chosen == ours
    read = layer if layer is not None else (layers[0] if len(layers) == 1 else None)
    if fmt is not GEOPACKAGE or read != ours:
        return False
    with gdal_notes():
        return ours in written_layers(path)


def _layer_info(source: str, layer: str) -> tuple[int, bool]:
    """How many features a layer holds, and whether they have shapes (not a plain table)."""
    try:
        with gdal_notes():
            info = pyogrio.read_info(source, layer=layer)
    except (DataSourceError, DataLayerError):
        return 0, False
    return int(info["features"]), info.get("geometry_type") is not None


def _feature_count(source: str, layer: str) -> int:
    try:
        with gdal_notes():
            return int(pyogrio.read_info(source, layer=layer)["features"])
    except (DataSourceError, DataLayerError):
        return 0


def _zip_names(path: Path) -> list[str]:
    """The files of a zip, without the ones macOS adds (``__MACOSX/``, ``._zones.shp``),
    which hold no data."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        raise InputFileError(
            path, "This is not a readable zip file", fix="Zip the shapefile's files again."
        ) from None
    return [name for name in names if not _macos_extra(name)]


def _macos_extra(name: str) -> bool:
    """A file macOS puts in a zip it makes: its folder ``__MACOSX`` or a ``._`` file."""
    parts = PurePosixPath(name).parts
    return "__MACOSX" in parts or (bool(parts) and parts[-1].startswith("._"))


def _zip_shapefiles(path: Path) -> dict[str, str]:
    """The shapefiles of a zip: layer name -> its path in the zip. A layer is named by its
    file's stem (``zones``), or, when two shapefiles share a stem (``2019/zones.shp`` and
    ``2024/zones.shp``), by its path in the zip without ``.shp`` (``2024/zones``)."""
    shps = sorted(n for n in _zip_names(path) if n.lower().endswith(".shp"))
    stems = [PurePosixPath(name).stem for name in shps]
    return {
        (stem if stems.count(stem) == 1 else name[: -len(".shp")]): name
        for stem, name in zip(stems, shps, strict=True)
    }


def _gdb_roots(names: list[str]) -> list[str]:
    """The folders of a zip that hold a File Geodatabase (``""`` for one zipped from inside
    its folder): those named ``.gdb`` and those holding its ``.gdbtable`` files."""
    roots = {str(PurePosixPath(n).parent) for n in names if n.lower().endswith(".gdbtable")}
    roots |= {
        str(PurePosixPath(*PurePosixPath(n).parts[: i + 1]))
        for n in names
        for i, part in enumerate(PurePosixPath(n).parts[:-1])
        if part.lower().endswith(".gdb")
    }
    return sorted("" if root == "." else root for root in roots)


def _zip_source(path: Path, layer: str | None) -> tuple[str, Format | None]:
    """What GDAL reads in a zip: the one shapefile (or the one named ``layer``), a File
    Geodatabase, or a KML; and which of those it is."""
    names = _zip_names(path)
    shapefiles = _zip_shapefiles(path)
    gdbs = _gdb_roots(names)
    kmls = [n for n in names if n.lower().endswith(".kml")]
    if not shapefiles and len(gdbs) > 1:
        raise InputFileError(
            path,
            f"The zip file holds {len(gdbs)} File Geodatabases: {', '.join(map(repr, gdbs))}",
            fix="Zip each File Geodatabase on its own and name the one to read.",
        )
    if not shapefiles and gdbs:
        return f"/vsizip/{path}" + (f"/{gdbs[0]}" if gdbs[0] else ""), FILE_GDB
    if not shapefiles and len(kmls) == 1:
        return _member(path, kmls[0]), KML
    if not shapefiles and any(n.startswith(("xl/", "word/", "ppt/")) for n in names):
        raise InputFileError(
            path,
            "This is an Office document (a spreadsheet or a text), which holds no boundaries "
            "or lines",
            fix="Zones and speed limits are read from GeoJSON, a GeoPackage, a Shapefile (or a "
            "zip of one), KML or a File Geodatabase; a spreadsheet of places or reports is "
            "read by healthy-streets assets or healthy-streets reports.",
        )
    if not shapefiles:
        raise InputFileError(
            path,
            "The zip file holds no shapefile (.shp) and no File Geodatabase (.gdb)",
            fix="Zip the .shp with its .shx, .dbf and .prj files.",
        )
    listed = ", ".join(map(repr, shapefiles))
    if layer is not None:
        return _member(path, _zip_layer(path, shapefiles, layer)), SHAPEFILE
    if len(shapefiles) == 1:
        return _member(path, next(iter(shapefiles.values()))), SHAPEFILE
    raise InputFileError(
        path,
        f"The zip file holds {len(shapefiles)} shapefiles: {listed}",
        fix=f"Choose one with {option('layer', 'NAME')}.",
    )


def _zip_layer(path: Path, shapefiles: dict[str, str], layer: str) -> str:
    """The path in the zip of the shapefile ``layer`` names: a layer's name, or its path in
    the zip with or without ``.shp``, in any case; a stem that two shapefiles share is
    refused, with their paths."""
    wanted = layer.strip().casefold().removesuffix(".shp")
    by_name: dict[str, list[str]] = {}
    for name, inner in shapefiles.items():
        for key in {name, inner[: -len(".shp")], PurePosixPath(inner).stem}:
            by_name.setdefault(key.casefold(), []).append(name)
    found = sorted(set(by_name.get(wanted, [])))
    if len(found) == 1:
        return shapefiles[found[0]]
    if found:
        raise InputFileError(
            path,
            f"The zip file holds {len(found)} shapefiles named {layer!r}: "
            f"{', '.join(map(repr, found))}",
            fix=f"Choose one by its path in the zip, such as {option('layer', found[-1])}.",
        )
    raise InputFileError(
        path,
        f"There is no shapefile {layer!r} in the zip file; its shapefiles are "
        f"{', '.join(map(repr, shapefiles))}",
        fix=f"Choose one of them with {option('layer')}.",
    )


def _member(path: Path, name: str) -> str:
    """What GDAL opens for the file ``name`` in the zip ``path``, once it is seen to be data
    (see :func:`refuse_gdal_descriptions`)."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open(name) as member:
            head = member.read(DESCRIPTION_BYTES)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as exc:
        raise InputFileError(
            path,
            f"The file {name!r} in the zip cannot be unpacked ({exc})",
            fix="Zip the shapefile's files again, without a password.",
        ) from None
    refuse_gdal_descriptions(f"{path} ({name})", head)
    return f"/vsizip/{path}/{name}"


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
    """A GeoDataFrame (no CRS) from a table with a WKT column; None when it has none.

    A row whose text is not WKT has no geometry, and ``frame.attrs["geometry_problems"]``
    says why (see :func:`unusable_geometries`); the table's other ``attrs`` are kept.
    """
    column = find_column(table.columns, _WKT_COLUMNS, truncated=False)
    if column is None:
        return None
    geoms: list[shapely.Geometry | None] = []
    problems: dict[object, str] = {}
    for row, text in table[column].items():
        geometry = None
        if pd.notna(text):
            try:
                geometry = shapely.from_wkt(text)
            except shapely.errors.GEOSException as exc:
                problems[row] = (
                    f"The {column!r} text is not valid WKT ({_wkt_problem(exc)}); fix it in "
                    "the file (it should read like POLYGON ((x y, x y, ...)))."
                )
        geoms.append(geometry)
    for row, (reason, _) in table.attrs.get("bad_rows", {}).items():
        problems[row] = reason
    frame = gpd.GeoDataFrame(table.drop(columns=[column]), geometry=geoms, crs=None)
    frame.attrs = {**table.attrs, "geometry_problems": problems, "geometry_field": column}
    return frame


def _wkt_problem(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    text = re.sub(r"^(ParseException|IllegalArgumentException):\s*", "", text)
    return text[:120]


def unusable_geometries(frame: gpd.GeoDataFrame) -> pd.Series:
    """Why each row's geometry cannot be used, or ``""`` when it can.

    A geometry is unusable when it is missing or empty, has a coordinate that is not a
    finite number (NaN or Infinity), or has a polygon ring of fewer than four points or a
    line of fewer than two. Reasons a reader found earlier (text that is not WKT) are kept
    from ``frame.attrs["geometry_problems"]``.
    """
    geoms = frame.geometry.values
    reasons = pd.Series("", index=frame.index, dtype="object")
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    reasons[missing] = "The row has no geometry."
    present = ~missing
    if present.any():
        reasons[present] = [_geometry_problem(g) for g in geoms[present]]
    for row, reason in frame.attrs.get("geometry_problems", {}).items():
        if row in reasons.index:
            reasons[row] = reason
    return reasons


_NOT_FINITE = (
    "A coordinate is not a finite number (NaN or Infinity); fix the shape in the GIS and "
    "export it again."
)


def _geometry_problem(geometry: shapely.Geometry) -> str:
    coordinates = shapely.get_coordinates(geometry)
    if not np.isfinite(coordinates).all():
        return _NOT_FINITE
    parts = shapely.get_parts(geometry)
    rings = shapely.get_rings(parts[shapely.get_type_id(parts) == 3])
    if len(rings) and (shapely.get_num_coordinates(rings) < 4).any():
        return (
            "A ring of the outline has fewer than four points (a closed ring needs at least "
            "three corners and the first point again at the end); fix the shape in the GIS."
        )
    lines = parts[np.isin(shapely.get_type_id(parts), (1, 2))]
    if len(lines) and (shapely.get_num_coordinates(lines) < 2).any():
        return "A line has fewer than two points; fix the shape in the GIS."
    return ""


def drop_unusable_geometries(
    frame: gpd.GeoDataFrame, book: AccountBook
) -> tuple[gpd.GeoDataFrame, pd.Series]:
    """``frame`` without the rows :func:`unusable_geometries` finds, each rejected with
    its reason; and those reasons, by row."""
    reasons = unusable_geometries(frame)
    bad = reasons != ""
    field = str(frame.attrs.get("geometry_field", "geometry"))
    for row, reason in reasons[bad].items():
        book.reject(row, reason, field=field)
    return frame[~bad.to_numpy()].copy(), reasons[bad]


def first_reason(reasons: pd.Series) -> str:
    """`` (row 3: The row has no geometry.)`` for a message about a file nothing of which
    was kept; empty when there is no reason."""
    if reasons.empty:
        return ""
    return f" (row {reasons.index[0]}: {str(reasons.iloc[0]).rstrip('.')})"


def _unreadable(path: Path, exc: Exception, fmt: Format | None = None) -> InputFileError:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    detail = detail.replace(str(path), "the file")
    kind = fmt.name if fmt else "spatial"
    # GDAL's own words, where they say more than they help: the SQL it ran, the driver prefix
    if "sqlite" in detail.lower() and "failed:" in detail:
        detail = detail.rsplit("failed:", 1)[1].split(";")[0].strip()
    elif "not recognized as being in a supported file format" in detail:
        detail = "GDAL does not recognise its content"
        if fmt is GEOJSON:
            detail += '; GeoJSON is an object such as {"type": "FeatureCollection", ...}'
    return InputFileError(
        path,
        f"The file cannot be read as {kind} ({detail[:160]})",
        fix="It may be damaged or incomplete: export it again from the GIS.",
    )
