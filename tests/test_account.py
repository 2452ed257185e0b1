"""The account of an import: rows outside the project area and the column guesses."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd

from healthy_streets.io.store import provenance_row
from healthy_streets.model.account import AccountBook


def _result():
    book = AccountBook("county.csv")
    book.reject(7, "No coordinates.", field="Latitude")
    book.outside_area(pd.Index([3, 4, 5]), [120.0, 5_300.0, 41_000.0])
    book.record_columns(
        {"name": {"column": "Location", "how": "header", "share": None}},
        "Columns: name <- 'Location' (header).",
    )
    return book.result(gpd.GeoDataFrame(geometry=[]), 4)


def test_rows_outside_the_area_are_counted_apart_and_said_with_their_distance():
    result = _result()
    assert (result.rows_in, result.kept, result.n_rejected, result.n_outside) == (4, 0, 1, 3)
    assert result.rows_in == result.kept + result.n_rejected + result.n_outside
    assert "3 rows lie outside the project area (from 120 m to 41 km beyond it)" in " ".join(
        result.notes
    )
    assert result.summary().endswith("1 rejected, 3 outside the project area.")
    assert result.rejected["row"].tolist() == ["7"]


def test_the_column_guesses_are_said_and_kept_for_the_store():
    result = _result()
    assert "Columns: name <- 'Location' (header)." in result.notes
    row = provenance_row(result, None)
    assert row["outside"] == 3
    assert json.loads(row["columns"])["name"]["column"] == "Location"
