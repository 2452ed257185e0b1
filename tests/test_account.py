"""The account of an import: rows outside the project area, the column guesses, and the rule
that every row in is kept, rejected, outside or set aside for review, a repaired row a kept
one (over the hostile corpus, the sample, a build and generated files)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from test_hostile_inputs import CASES, EAST, LAT, LON, NORTH

from healthy_streets.errors import InputFileError
from healthy_streets.io.store import provenance_row
from healthy_streets.model.account import ALL_ROWS, AccountBook, ImportResult


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


# ---- every account adds up, and a repaired row is a kept row ---------------------------


def assert_accounted(result: ImportResult) -> None:
    """The account of ``result`` adds up: every row in is kept, rejected, outside the
    project area or set aside for review, and each row repaired is one kept (never one
    rejected, outside or set aside)."""
    said = result.summary()
    total = result.kept + result.n_rejected + result.n_outside + result.n_for_review
    assert result.rows_in == total, said
    assert 0 <= result.n_repaired <= result.kept, said
    repaired = set(result.repaired["row"].astype("str")) - {ALL_ROWS}
    for table in (result.rejected, result.outside, result.for_review):
        assert not repaired & set(table["row"].astype("str")), said
    kept = _kept_rows(result)
    if kept is not None:  # the source rows of the layer: each repaired row among them
        assert repaired <= kept, said


def _kept_rows(result: ImportResult) -> set[str] | None:
    if result.layer_rows is not None:
        return set(result.layer_rows.astype("str"))
    if "source_ref" in result.layer and result.rows_kept is None:
        return set(result.layer["source_ref"].astype("str"))
    return None


def test_a_row_repaired_then_rejected_or_outside_is_not_counted_repaired():
    book = AccountBook("county.csv")
    book.repair_many(pd.Series([2, 3, 4, 5]), "Read with latitude and longitude swapped.")
    book.repair(6, "The status is not one the toolkit knows; counted as open.")
    book.reject(3, "The date cannot be read.")
    book.outside_area(pd.Index([4]), [900.0])
    result = book.result(gpd.GeoDataFrame(geometry=[None] * 3), 5, rows=[2, 5, 6])
    assert (result.kept, result.n_repaired, result.n_rejected, result.n_outside) == (3, 3, 1, 1)
    assert result.repaired["row"].tolist() == ["2", "5", "6"]
    assert result.summary() == (
        "county.csv: 5 rows: 3 kept (3 repaired), 1 rejected, 1 outside the project area."
    )
    assert_accounted(result)


def test_a_repair_of_the_whole_file_no_kept_row_carries_is_said_in_a_note():
    reason = "The 'Easting' and 'Northing' columns are the wrong way round."
    book = AccountBook("toilets.csv")
    book.repair_many(pd.Series([2, 3]), reason, whole_file=True)
    book.outside_area(pd.Index([2, 3]), [250_000.0, 251_000.0])
    result = book.result(gpd.GeoDataFrame(geometry=[]), 2)
    assert (result.kept, result.n_repaired, result.n_outside) == (0, 0, 2)
    assert reason in result.notes
    assert_accounted(result)
    # with a row kept, the repair is in its row, and not said again
    book = AccountBook("toilets.csv")
    book.repair_many(pd.Series([2, 3]), reason, whole_file=True)
    book.outside_area(pd.Index([3]), [250_000.0])
    result = book.result(gpd.GeoDataFrame(geometry=[None]), 2, rows=[2])
    assert (result.kept, result.n_repaired, result.n_outside) == (1, 1, 1)
    assert reason not in result.notes
    # a row's own repair is not a whole file's: said nowhere once its row is rejected
    book = AccountBook("toilets.csv")
    book.repair(2, "The status is not one the toolkit knows; counted as open.")
    book.reject(2, "The date cannot be read.")
    result = book.result(gpd.GeoDataFrame(geometry=[]), 1)
    assert result.repaired.empty and result.notes == []


def test_a_repair_of_every_row_counts_each_row_kept_once():
    """The CRS a whole file was read in is a repair of every row kept (row ``all``), never
    more rows than were kept, with the rows repaired on their own too."""
    book = AccountBook("zones.geojson")
    book.repair(ALL_ROWS, "No CRS declared; read as EPSG:27700.", field="crs")
    book.repair(1, "The outline crosses itself; it was mended.", field="geometry")
    book.reject(3, "The row has no geometry.")
    result = book.result(gpd.GeoDataFrame(geometry=[None] * 2), 3, unit="features")
    assert (result.kept, result.n_repaired, result.n_rejected) == (2, 2, 1)
    assert_accounted(result)


def test_rows_left_out_after_the_import_take_their_repairs_with_them():
    book = AccountBook("bench.csv")
    book.repair_many(pd.Series([2, 4]), "Placed at the centre of the postcode.")
    layer = gpd.GeoDataFrame({"name": ["a", "b", "c"]}, geometry=[None] * 3)
    result = book.result(layer, 3, rows=[2, 3, 4])
    gone = np.array([False, False, True])
    again = pd.DataFrame(
        [{"source": "bench.csv", "row": "4", "field": "", "value": "", "reason": "Once."}]
    )
    later = result.without(gone, rejected=again)
    assert (later.kept, later.n_repaired, later.n_rejected) == (2, 1, 1)
    assert later.layer["name"].tolist() == ["a", "b"]
    assert later.layer_rows.tolist() == ["2", "3"]
    assert_accounted(later)
    # an asset is known by its source_ref
    assets = gpd.GeoDataFrame({"source_ref": ["2", "3", "4"]}, geometry=[None] * 3)
    result = book.result(assets, 3)
    later = result.without(gone, for_review=again)
    assert (later.kept, later.n_repaired, later.n_for_review) == (2, 1, 1)
    assert_accounted(later)


# The hostile corpus: every reader, each with a file of hostile rows (tests/test_hostile_inputs.py)


def _hostile_reads(path: Path, command: str, extra: list[str], area) -> ImportResult:
    from healthy_streets.io.assets import read_assets
    from healthy_streets.io.osm import street_network_from_osm_file
    from healthy_streets.io.reports import read_reports, reports_from_csv
    from healthy_streets.io.zones import read_zones

    if command == "zones":
        return read_zones(path, crs="EPSG:27700" if "--crs" in extra else None)
    if command == "assets":
        return read_assets(path, area=area)
    if command == "reports" and "--map" in extra:
        mapping = dict(item.split("=", 1) for item in extra if "=" in item)
        return reports_from_csv(path, columns=mapping, area=area)
    if command == "reports":
        return read_reports(path, area=area)
    return street_network_from_osm_file(path, clip_to=area)


@pytest.mark.parametrize(
    ("command", "name", "write", "extra"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_every_hostile_file_gives_an_account_that_adds_up(tmp_path, command, name, write, extra):
    path = write(tmp_path / name)
    to_grid = Transformer.from_crs(4326, 27700, always_xy=True)
    areas = [
        None,
        shapely.box(EAST - 300, NORTH - 300, EAST + 300, NORTH + 300),
        shapely.Point(*to_grid.transform(LON, LAT)).buffer(300),
    ]
    for area in areas:
        assert_accounted(_hostile_reads(path, command, extra, area))


@pytest.mark.parametrize("project", ["sample", "hostile"])
def test_a_builds_imports_add_up(tmp_path, project):
    """The sample and the hostile project, read as a build reads them (assets counted once
    across files, reports once across exports, residents' changes set aside)."""
    import healthy_streets as hs

    from hostile import hostile_project

    if project == "sample":
        inputs = hs.sample_inputs()
    else:
        inputs = hs.load_project(hostile_project(tmp_path)["config"]).inputs
    layers = hs.load_layers(inputs, attach=False)
    assert len(layers.imports) >= 6
    for result in layers.imports:
        assert_accounted(result)


# Generated files: places in and out of the project area, their coordinate columns headed
# either way round, rows swapped, blank, at 0, 0, badly dated, of an unknown status, split
# by a carriage return or in another encoding


#: Trafford's places (easting, northing), in TRAFFORD_AREA; Bolton and Barking beyond it.
_PLACES = {
    "stretford": (379574, 394471),
    "town hall": (381239, 395576),
    "sale": (378500, 391961),
    "altrincham": (376819, 387852),
    "bolton": (371700, 409000),
    "barking": (544960, 184780),
}
TRAFFORD_AREA = shapely.box(370_000, 385_000, 385_000, 398_000)
STRETFORD_AREA = shapely.box(378_000, 393_000, 382_000, 397_000)
_TO_LONLAT = Transformer.from_crs(27700, 4326, always_xy=True)
_ROW_KINDS = [
    *_PLACES,
    "swapped",
    "blank",
    "zeros",
    "bad date",
    "us date",
    "odd status",
    "carriage return",
    "cp1252",
]


def _generated_file(folder: Path, layout: str, kinds: list[str]) -> Path:
    """A council's sheet of one row per kind: ``layout`` says which coordinates and whether
    their two headings are exchanged (``en``, ``ne``, ``latlon``, ``lonlat``)."""
    first, second = {
        "en": ("Easting", "Northing"),
        "ne": ("Northing", "Easting"),
        "latlon": ("Latitude", "Longitude"),
        "lonlat": ("Longitude", "Latitude"),
    }[layout]
    lines = [f"Ref,Location,Kind,Status,ReceivedDate,{first},{second}\r\n".encode()]
    places = list(_PLACES.values())
    for i, kind in enumerate(kinds):
        east, north = _PLACES.get(kind, places[i % 4])
        if layout.startswith("lat") or layout.startswith("lon"):
            lon, lat = _TO_LONLAT.transform(east, north)
            a, b = f"{lat:.5f}", f"{lon:.5f}"
        else:
            a, b = str(east), str(north)
        if kind == "swapped":  # this row's two values the other way round
            a, b = b, a
        elif kind == "blank":
            a = b = ""
        elif kind == "zeros":
            a = b = "0"
        date = {"bad date": "32/13/2025", "us date": "03/25/2025"}.get(
            kind, f"0{i % 9 + 1}/03/2025"
        )
        status = "Pending triage" if kind == "odd status" else "Open"
        name = f"Place {i}"
        if kind == "carriage return":
            name += "\rcalled in by Jo Bloggs 07700 900123"
        line = f"R-{i},{name},Fly tipping,{status},{date},{a},{b}\r\n"
        encoding = "cp1252" if kind == "cp1252" else "utf-8"
        if kind == "cp1252":
            line = line.replace(name, name + " café")
        lines.append(line.encode(encoding))
    path = folder / f"generated-{layout}.csv"
    path.write_bytes(b"".join(lines))
    return path


def _read_or_message(reader, path: Path, **options) -> ImportResult | None:
    try:
        return reader(path, **options)
    except InputFileError as exc:  # one clear message naming the file: no account to check
        message = str(exc)
    assert str(path) in message
    return None


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    layout=st.sampled_from(["en", "ne", "latlon", "lonlat"]),
    kinds=st.lists(st.sampled_from(_ROW_KINDS), min_size=1, max_size=9),
    area=st.sampled_from([None, TRAFFORD_AREA, STRETFORD_AREA]),
)
def test_generated_files_give_accounts_that_add_up(tmp_path, layout, kinds, area):
    from healthy_streets.io.assets import merge_assets, read_assets
    from healthy_streets.io.reports import drop_duplicate_reports, read_reports

    path = _generated_file(tmp_path, layout, kinds)
    for reader, once in ((read_assets, merge_assets), (read_reports, drop_duplicate_reports)):
        result = _read_or_message(reader, path, area=area)
        if result is None:
            continue
        assert_accounted(result)
        again = _read_or_message(reader, path, area=area)
        assert again is not None
        twice = once([result, again])  # the second counted once: each row left out
        twice = twice.results if hasattr(twice, "results") else twice
        for each in twice:
            assert_accounted(each)
        # the same file again: each row already kept, so none kept or repaired again
        assert (twice[1].kept, twice[1].n_repaired) == (0, 0)
        assert twice[1].n_rejected == result.n_rejected + result.kept


def test_the_builds_record_keeps_the_rows_set_aside_for_review():
    """A rebuild that reads the accounts back from the last build's record (nothing
    changed, or the report files alone) counts the rows set aside for review as that build
    did: the account still adds up."""
    from healthy_streets._rebuild import _account, imports_of

    book = AccountBook("community-additions.geojson")
    book.repair(3, "Placed at the centre of the postcode.")
    layer = gpd.GeoDataFrame(
        {"source_ref": ["2", "3", "4"]}, geometry=[shapely.Point(0, 0)] * 3, crs=27700
    )
    layer.attrs["layer"] = "assets"
    review = pd.DataFrame(
        [
            {
                "source": "community-additions.geojson",
                "row": "4",
                "field": "name",
                "value": "walkabout-csv-7",
                "reason": "Proposed change: renames 'Bench' to 'Seat'.",
            }
        ]
    )
    built = book.result(layer, 3).without(np.array([False, False, True]), for_review=review)
    record = json.loads(json.dumps({"imports": [_account(built)]}))
    [again] = imports_of(record)
    assert (again.rows_in, again.kept, again.n_repaired, again.n_for_review) == (3, 2, 1, 1)
    assert again.for_review["reason"].tolist() == ["Proposed change: renames 'Bench' to 'Seat'."]
    assert_accounted(again)
