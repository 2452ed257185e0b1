"""Writing outputs: layers to a GeoPackage the council's GIS team opens in QGIS, tables as
CSV and Excel workbooks whose cells never run as formulas. Every write is atomic.

:func:`write_gpkg` is the one place a GeoPackage layer is written: :func:`write_layer` and
the project store (:mod:`healthy_streets.io.store`) both write through it."""

from __future__ import annotations

import csv
import io
import re
import shutil
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from healthy_streets._files import atomic_path, check_output, write_bytes_atomic
from healthy_streets.errors import ConfigError, ForeignLayerError, OutputExistsError

__all__ = [
    "csv_text",
    "gpkg_layers",
    "is_formula",
    "neutralise_formulas",
    "sheet_names",
    "write_csv",
    "write_gpkg",
    "write_layer",
    "write_workbook",
]

#: A cell that starts with one of these is a formula to a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def gpkg_layers(path: str | Path) -> list[str]:
    """The layers of a GeoPackage (an empty list if the file does not exist)."""
    p = Path(path)
    if not p.exists():
        return []
    return [str(name) for name in pyogrio.list_layers(p)[:, 0]]


def write_layer(
    frame: gpd.GeoDataFrame | pd.DataFrame,
    path: str | Path,
    layer: str,
    *,
    overwrite: bool = False,
    inputs: Iterable[str | Path] = (),
) -> Path:
    """Write ``frame`` as ``layer`` of the GeoPackage ``path``, atomically.

    Other layers of an existing GeoPackage are kept, and no layer is ever written over
    without ``overwrite``; nor is a file that is not a GeoPackage
    (:class:`~healthy_streets.errors.ForeignLayerError`). The file is copied beside itself,
    the layer written into the copy, and the copy renamed over the original: an error part
    way leaves the GeoPackage as it was.

    Parameters
    ----------
    frame
        A layer (GeoDataFrame), or a table without geometry (written as an attribute table).
    path
        The ``.gpkg`` file.
    layer
        The layer name.
    overwrite
        Replace a layer of that name if the file has one (otherwise refused), or a file
        that is not a GeoPackage.
    inputs
        Input files; ``path`` may not be one of them.
    """
    target = check_output(path, overwrite=True, inputs=inputs)
    if target.suffix.lower() != ".gpkg":
        raise ConfigError(f"{target} should be a GeoPackage: give it the extension .gpkg.")
    try:
        present = gpkg_layers(target)
    except pyogrio.errors.DataSourceError as exc:
        if not overwrite:
            reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else "unreadable"
            raise ForeignLayerError(
                target, {"the whole file": f"not a GeoPackage ({reason})"}
            ) from None
        present = None  # replaced by a new GeoPackage
    if present is not None and layer in present and not overwrite:
        raise OutputExistsError(f"{target} (layer {layer!r})")
    with atomic_path(target) as tmp:
        if present is not None and target.exists():
            shutil.copyfile(target, tmp)
        else:
            tmp.unlink()
        write_gpkg(frame, tmp, layer)
    return target


def write_gpkg(frame: gpd.GeoDataFrame | pd.DataFrame, path: str | Path, layer: str) -> None:
    """Write ``frame`` as ``layer`` of the GeoPackage file ``path`` as it stands: no checks,
    not atomic (callers write into a copy: :func:`write_layer`, the store).

    Times with a zone are written in UTC, as the GeoPackage standard stores them; a layer
    of one geometry type declares it (polygons and multipolygons together as
    ``MultiPolygon``), any other mix ``Unknown``.

    Parameters
    ----------
    frame
        A layer (GeoDataFrame), or a table without geometry.
    path
        The ``.gpkg`` file, created if it does not exist.
    layer
        The layer's name; a layer of that name is replaced.
    """
    options: dict[str, Any] = {}
    if isinstance(frame, gpd.GeoDataFrame):
        kinds = set(frame.geom_type.dropna())
        if not kinds or len(kinds) > 1:
            options["geometry_type"] = "Unknown" if len(kinds) != 1 else kinds.pop()
        if kinds <= {"Polygon", "MultiPolygon"} and kinds:
            options["geometry_type"] = "MultiPolygon"
            options["promote_to_multi"] = True
    pyogrio.write_dataframe(_gpkg_ready(frame), path, layer=layer, driver="GPKG", **options)


def _gpkg_ready(frame: gpd.GeoDataFrame | pd.DataFrame) -> gpd.GeoDataFrame | pd.DataFrame:
    """Times with a zone in UTC, as the GeoPackage standard stores them (QGIS shows them in
    local time); the same instants, so nothing is lost."""
    aware = [c for c in frame.columns if isinstance(frame[c].dtype, pd.DatetimeTZDtype)]
    if not aware:
        return frame
    out = frame.copy()
    for column in aware:
        out[column] = out[column].dt.tz_convert("UTC")
    return out


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    r"""A copy of ``frame`` whose text cells cannot run as spreadsheet formulas.

    A text cell whose first character that is not white space or a control character
    (spaces, tabs, carriage returns, zero-width spaces...) is ``=``, ``+``, ``-`` or ``@``
    gets a leading ``'`` (the OWASP advice for CSV injection), so that a spreadsheet shows
    it as text: ``" =1+2"``, ``"\r=1+3 Kestrel Road"`` and ``"\t@SUM(A1)"`` are all
    neutralised, and so is a cell that starts with a tab or carriage return. Numbers are
    left alone: a negative number is not a formula.
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            text = values.astype("object")
            risky = text.map(is_formula)
            out[column] = text.where(~risky, "'" + text.astype("str"))
    return out


#: Characters a worksheet cannot hold (XML 1.0 refuses them): openpyxl raises on them.
_NOT_IN_A_SHEET = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: The most characters Excel keeps in a cell.
EXCEL_CELL_CHARS = 32_767


def _for_excel(frame: pd.DataFrame) -> pd.DataFrame:
    r"""``frame`` with text a workbook can hold: a control character (a bell, an escape,
    a vertical tab from a pasted cell) is written as its visible escape (``\x1b``), as the
    terminal shows it, where it made the whole workbook fail; a text longer than Excel keeps
    in a cell is cut there, ending with "…".

    >>> _for_excel(pd.DataFrame({"name": ["Bell\x07 Zone", "x" * 40_000, 3]}))["name"].map(
    ...     lambda v: v if not isinstance(v, str) or len(v) < 99 else len(v)
    ... ).tolist()
    ['Bell\\x07 Zone', 32767, 3]
    """

    def fit(value: object) -> object:
        if not isinstance(value, str):
            return value
        text = _NOT_IN_A_SHEET.sub(lambda found: f"\\x{ord(found.group()):02x}", value)
        return text if len(text) <= EXCEL_CELL_CHARS else text[: EXCEL_CELL_CHARS - 1] + "…"

    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].astype("object").map(fit)
    return out


def is_formula(value: object) -> bool:
    """Whether a spreadsheet could run ``value`` as a formula (see
    :func:`neutralise_formulas`)."""
    if not isinstance(value, str) or not value:
        return False
    if value[0] in FORMULA_STARTS:
        return True
    return _visible(value).startswith(FORMULA_STARTS)


def _visible(text: str) -> str:
    """``text`` without its leading white space and control or format characters."""
    for index, char in enumerate(text):
        if not (char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs")):
            return text[index:]
    return ""


def csv_text(frame: pd.DataFrame, *, index: bool = False) -> str:
    """A table as CSV text, formulas neutralised and geometry columns left out.

    Records end with CRLF (RFC 4180), so that the ``csv`` writer quotes every cell holding
    a line break, a lone carriage return included: a cell never splits a row, whichever
    reader opens the file.
    """
    table = pd.DataFrame(frame).drop(columns=["geometry"], errors="ignore")
    return neutralise_formulas(table).to_csv(
        index=index, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL
    )


def write_csv(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    overwrite: bool = False,
    inputs: Iterable[str | Path] = (),
    index: bool = False,
) -> Path:
    """Write a table as UTF-8 CSV (with a BOM, so Excel reads it right), atomically, with
    formulas neutralised, cells holding line breaks quoted, and geometry columns left out
    (see :func:`csv_text`). Every CSV the toolkit writes goes through here."""
    target = check_output(path, overwrite=overwrite, inputs=inputs)
    return write_bytes_atomic(target, csv_text(frame, index=index).encode("utf-8-sig"))


def sheet_names(names: Sequence[str]) -> list[str]:
    """Excel sheet names for tables ``names``, in order: the characters Excel refuses
    (``[]:*?/\\``) made ``-``, at most 31 characters, never blank, and unique whatever
    the case (a clash ends in a number).

    >>> sheet_names(["summary", "zones/2024", "Summary", "x" * 40])
    ['summary', 'zones-2024', 'Summary 2', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']
    """
    taken: set[str] = set()
    out = []
    for name in names:
        base = re.sub(r"[\[\]:*?/\\]", "-", str(name)).strip().strip("'")[:31] or "Sheet"
        sheet, number = base, 1
        while sheet.casefold() in taken:
            number += 1
            suffix = f" {number}"
            sheet = base[: 31 - len(suffix)] + suffix
        taken.add(sheet.casefold())
        out.append(sheet)
    return out


def write_workbook(
    tables: dict[str, pd.DataFrame],
    path: str | Path,
    *,
    overwrite: bool = False,
    inputs: Iterable[str | Path] = (),
) -> Path:
    """Write tables as one Excel workbook, a sheet per table, atomically.

    Text cells that a spreadsheet would run as formulas are neutralised, times are written
    in UK local time (Excel has no time zones), geometry columns are left out.
    """
    if not tables:
        raise ConfigError(f"There are no tables to write to {path}; give at least one.")
    target = check_output(path, overwrite=overwrite, inputs=inputs)
    sheets: dict[str, pd.DataFrame] = {}
    for sheet, table in zip(sheet_names(list(tables)), tables.values(), strict=True):
        frame = _for_excel(
            neutralise_formulas(pd.DataFrame(table).drop(columns=["geometry"], errors="ignore"))
        )
        for column in frame.columns:
            if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
                frame[column] = frame[column].dt.tz_convert("Europe/London").dt.tz_localize(None)
        sheets[sheet] = frame
    # built in memory and written once whole: a writer stopped part-way (Ctrl-C) is dropped
    # unsaved, where its context manager would save a workbook with no sheets, and fail
    buffer = io.BytesIO()
    writer = pd.ExcelWriter(buffer, engine="openpyxl")
    for sheet, frame in sheets.items():
        frame.to_excel(writer, sheet_name=sheet, index=False)
    writer.close()
    return write_bytes_atomic(target, buffer.getvalue())
