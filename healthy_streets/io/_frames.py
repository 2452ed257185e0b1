"""Layers of the analyst's own: a GeoDataFrame (or a DataFrame of coordinates) read as a file is.

:func:`~healthy_streets.io.zones.read_zones`, :func:`~healthy_streets.io.assets.read_assets`
and the readers of :mod:`healthy_streets.io.reports` take a frame wherever they take a
file: its columns' roles are guessed by header and content as a file's are, every row is
accounted for (kept, repaired or rejected), and the privacy filter runs on it. The account
and the messages name it ``reports (a GeoDataFrame)`` where they would name the file.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from healthy_streets.errors import MissingCRSError
from healthy_streets.io._common import check_input

__all__ = [
    "frame_or_file",
    "geometry_of",
    "in_memory",
    "is_frame",
    "refuse_no_crs",
    "text_table",
]


def is_frame(value: object) -> bool:
    """Whether ``value`` is a frame of the analyst's own (a GeoDataFrame or a DataFrame)."""
    return isinstance(value, pd.DataFrame)


def in_memory(what: str, frame: pd.DataFrame) -> Path:
    """What an import of ``frame`` is called in its account and messages, in place of a
    file's name: ``assets (a GeoDataFrame)``, ``reports (a DataFrame)``."""
    return Path(f"{what} (a {type(frame).__name__})")


def frame_or_file(
    given: str | os.PathLike[str] | pd.DataFrame, what: str
) -> tuple[Path, pd.DataFrame | None]:
    """The input a reader was given: a file checked by :func:`check_input` (and no frame),
    or a frame of the analyst's own (a copy, with string column names and one label per
    row) and the name it goes by (:func:`in_memory`).

    Raises
    ------
    InputFileError
        When ``given`` is neither a path nor a frame, or the file cannot be read.
    """
    if not isinstance(given, pd.DataFrame):
        return check_input(given), None  # which refuses what is not a path
    frame = given.copy()
    frame.attrs = {}  # what a file's reading says (title lines, repairs): nothing here
    frame.columns = [str(c) for c in frame.columns]
    if not frame.index.is_unique:  # rows are named by their label: each needs its own
        frame = frame.reset_index(drop=True)
    return in_memory(what, given), frame


def geometry_of(frame: pd.DataFrame) -> gpd.GeoSeries | None:
    """The places of a frame of the analyst's own: its geometry, when it is a GeoDataFrame
    with one; ``None`` for a plain DataFrame (read by its coordinate columns)."""
    if not isinstance(frame, gpd.GeoDataFrame) or frame.active_geometry_name is None:
        return None
    return frame.geometry


def refuse_no_crs(geometry: gpd.GeoSeries, name: Path) -> None:
    """Refuse a frame's geometry with no CRS, for a reader with no ``crs`` option.

    Raises
    ------
    MissingCRSError
        When ``geometry`` has places but no CRS.
    """
    if geometry.crs is None and bool((geometry.notna() & ~geometry.is_empty).any()):
        raise MissingCRSError(
            name,
            "The GeoDataFrame does not say which coordinate reference system it uses",
            fix="Set it first: frame.set_crs('EPSG:27700') for British National Grid metres, "
            "frame.set_crs('EPSG:4326') for longitude/latitude.",
        )


def text_table(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s cells as the text a CSV file would hold (a missing cell missing; a date as
    ISO 8601; a number as Python writes it), without its geometry: what the readers of
    tables look at."""
    columns = [c for c in frame.columns if not _is_geometry(frame, c)]
    table = pd.DataFrame(index=frame.index)
    for column in columns:
        values = frame[column]
        table[column] = values.map(_cell_text).astype("object")
    return table


def _is_geometry(frame: pd.DataFrame, column: str) -> bool:
    return isinstance(frame[column].dtype, gpd.array.GeometryDtype)


def _cell_text(value: object) -> object:
    if value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value))):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)
