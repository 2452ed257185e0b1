"""Writing normalised layers to a GeoPackage the council's GIS team can open in QGIS."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from healthy_streets._files import atomic_path, check_output
from healthy_streets.errors import OutputExistsError

__all__ = ["gpkg_layers", "neutralise_formulas", "write_csv", "write_layer", "write_workbook"]

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

    Other layers of an existing GeoPackage are kept. The file is copied beside itself, the
    layer written into the copy, and the copy renamed over the original: an error part way
    leaves the GeoPackage as it was.

    Parameters
    ----------
    frame
        A layer (GeoDataFrame), or a table without geometry (written as an attribute table).
    path
        The ``.gpkg`` file.
    layer
        The layer name.
    overwrite
        Replace a layer of that name if the file has one (otherwise refused).
    inputs
        Input files; ``path`` may not be one of them.
    """
    target = check_output(path, overwrite=True, inputs=inputs)
    if target.suffix.lower() != ".gpkg":
        from healthy_streets.errors import ConfigError

        raise ConfigError(f"{target} should be a GeoPackage: give it the extension .gpkg.")
    if layer in gpkg_layers(target) and not overwrite:
        raise OutputExistsError(f"{target} (layer {layer!r})")
    with atomic_path(target) as tmp:
        if target.exists():
            shutil.copyfile(target, tmp)
        else:
            tmp.unlink()
        pyogrio.write_dataframe(_gpkg_ready(frame), tmp, layer=layer, driver="GPKG")
    return target


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
    """A copy of ``frame`` whose text cells cannot run as spreadsheet formulas.

    A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading ``'`` (the OWASP advice for CSV injection), so that Excel shows it as text.
    Numbers are left alone: a negative number is not a formula.
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            text = values.astype("object")
            risky = text.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_STARTS))
            out[column] = text.where(~risky, "'" + text.astype("str"))
    return out


def write_csv(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    overwrite: bool = False,
    inputs: Iterable[str | Path] = (),
    index: bool = False,
) -> Path:
    """Write a table as UTF-8 CSV (with a BOM, so Excel reads it right), atomically, with
    formulas neutralised and geometry columns left out."""
    from healthy_streets._files import write_bytes_atomic

    target = check_output(path, overwrite=overwrite, inputs=inputs)
    table = pd.DataFrame(frame).drop(columns=["geometry"], errors="ignore")
    text = neutralise_formulas(table).to_csv(index=index, lineterminator="\n")
    return write_bytes_atomic(target, text.encode("utf-8-sig"))


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
    target = check_output(path, overwrite=overwrite, inputs=inputs)
    with atomic_path(target) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        used: set[str] = set()
        for name, table in tables.items():
            sheet = name[:31]
            while sheet in used:
                sheet = sheet[:29] + f"{len(used):02d}"
            used.add(sheet)
            frame = neutralise_formulas(
                pd.DataFrame(table).drop(columns=["geometry"], errors="ignore")
            )
            for column in frame.columns:
                if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
                    frame[column] = (
                        frame[column].dt.tz_convert("Europe/London").dt.tz_localize(None)
                    )
            frame.to_excel(writer, sheet_name=sheet, index=False)
    return target
