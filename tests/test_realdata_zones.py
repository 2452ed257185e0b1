"""The real-data tier for zones and OpenStreetMap: public files nobody on this project wrote,
read with no --field, each guess checked against what SOURCES.md says the file holds."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from click.testing import CliRunner

from healthy_streets.analysis.attach import cut_streets_at_zones
from healthy_streets.analysis.gaps import twenty_mph_gaps
from healthy_streets.analysis.zones import tagged_20mph, zones_from_osm_20mph
from healthy_streets.cli import main
from healthy_streets.io.osm import street_network_from_osm_file
from healthy_streets.io.osm_features import assets_from_osm_file
from healthy_streets.io.zones import read_zones

pytestmark = pytest.mark.realdata

ZONE_FILES = [
    "camden_cpz.geojson",
    "sheffield_20mph_bng.geojson",
    "sheffield_20mph_crs84.geojson",
    "sheffield_20mph_strategy_crs84.geojson",
]
OSM_FILES = ["leeds_cycleway.osm", "leeds_its.osm.pbf", "oxford_centre.osm", "rutland.osm.pbf"]


def guesses(result):
    """The one note that says which column played which role."""
    (note,) = [n for n in result.notes if n.startswith("Columns:")]
    return note


def test_the_zones_folder_is_what_this_tier_reads(shared_data):
    assert sorted(p.name for p in (shared_data / "zones").iterdir()) == ZONE_FILES


@pytest.mark.parametrize("name", ZONE_FILES)
def test_every_zones_file_imports_with_its_guesses_shown(shared_data, name):
    result = CliRunner().invoke(main, ["zones", str(shared_data / "zones" / name)])
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert f"{name}: Columns: " in result.output
    read = read_zones(shared_data / "zones" / name)
    zones = read.layer
    assert read.rows_in == read.kept + read.n_rejected == len(zones)
    assert zones["zone_id"].is_unique
    assert set(zones["status"]) <= {"implemented", "proposed", "unknown"}
    assert read.columns == {
        role: read.columns[role] for role in ("name", "date", "status", "tro_ref", "zone_number")
    }
    assert not any("outside Great Britain" in note for note in read.notes)


@pytest.mark.parametrize("name", ["sheffield_20mph_bng.geojson", "sheffield_20mph_crs84.geojson"])
def test_sheffield_dates_are_read_and_unconfirmed_stays_unknown(shared_data, name):
    result = read_zones(shared_data / "zones" / name)
    zones = result.layer
    note = guesses(result)
    assert "date <- 'DateBuilt' (header)" in note
    assert "status <- 'Status' (header)" in note
    # no column is headed as a name, but 'Source' names each zone's plan: the names are
    # its titles without the words they share and the .pdf (sccId, three codes in 57 rows,
    # is not taken)
    assert (
        "name <- 'Source' (titles of the zones' plans, without '20mph speed limit plans for' "
        "and 'the file extension': 26 names for 57 zones; "
        'fields={"name": "COLUMN"} names another)'
    ) in note
    assert zones["name"].iloc[[0, 5, 25, 35]].tolist() == [
        "Gleadless Valley",
        "Charnock",
        "Proposed extensions to Greystones and Whirlow 20mph area",
        "Heeley and Meersbrook",
    ]
    assert zones["name"].nunique() == 26 and not zones["name"].str.startswith("Unnamed").any()
    # polygons of one plan share its name; each has its own id
    assert zones["zone_id"].iloc[:4].tolist() == [
        "gleadless-valley",
        "gleadless-valley-2",
        "gleadless-valley-3",
        "gleadless-valley-4",
    ]
    dated = zones[zones["implemented_text"].notna()]
    assert len(dated) == 41
    assert dated["implemented_precision"].value_counts().to_dict() == {
        "season": 26,
        "month": 14,
        "year": 1,
    }
    first = zones.iloc[0]
    assert (first["implemented_text"], first["implemented_precision"]) == ("Autumn 2015?", "season")
    assert first["implemented_on"] == pd.Timestamp(dt.date(2015, 9, 1))
    # an explicit "unconfirmed" wins over a date that has passed; the rest have neither
    assert (zones.loc[zones["status_text"] == "unconfirmed", "status"] == "unknown").sum() == 41
    assert (zones["status"] == "unknown").all()
    assert (
        "16 zones with no status take it from the implementation date: 16 unknown (no date)."
        in result.notes
    )
    # how each status value was read is said, and a misspelt season names its row
    assert any(
        n.startswith(
            "Status values in 'Status': 'unconfirmed' (41 zones) read as unknown (the word "
            "says the status is not known)."
        )
        for n in result.notes
    )
    assert any(
        n.startswith("1 implementation date known only to the year ('Autimn 2015?' in row 18)")
        for n in result.notes
    )


def test_sheffield_in_both_crs_gives_the_same_zones(shared_data):
    bng = read_zones(shared_data / "zones" / "sheffield_20mph_bng.geojson").layer
    lonlat = read_zones(shared_data / "zones" / "sheffield_20mph_crs84.geojson").layer
    assert bng.crs == lonlat.crs == "EPSG:27700"
    assert lonlat.geometry.area.sum() == pytest.approx(bng.geometry.area.sum(), rel=1e-3)


def test_sheffield_strategy_status_comes_from_the_map_key(shared_data):
    result = read_zones(shared_data / "zones" / "sheffield_20mph_strategy_crs84.geojson")
    zones = result.layer
    note = guesses(result)
    assert "status <- 'MapKey' (header)" in note
    assert "name <- 'sccId' (content: 99% of its values are short texts, mostly distinct)" in note
    counts = zones.groupby("status")["status_text"].agg(lambda s: sorted(set(s)))
    assert counts["implemented"] == [
        "Existing 20mph zone",
        "Existing or approved 20mph speed limit/part-time advisory 20mph limit (school entrance)",
    ]
    assert all(text.startswith(("Potential future", "Provisional")) for text in counts["proposed"])
    assert zones["status"].value_counts().to_dict() == {"proposed": 156, "implemented": 63}
    assert zones["name"].head(3).tolist() == ["N01", "N18", "N02"]
    assert zones["implemented_on"].isna().all()
    assert (
        sum(n.startswith("No column looks like an implementation date") for n in result.notes) == 1
    )


def test_camden_parking_zones_are_named_by_sub_zone(shared_data):
    result = read_zones(shared_data / "zones" / "camden_cpz.geojson")
    zones = result.layer
    assert guesses(result).startswith("Columns: name <- 'sub_zone_name' (header); no column for")
    assert zones["name"].head(4).tolist() == ["CA-B", "CA-C", "CA-D", "CA-D/E"]
    assert zones["name"].nunique() == 49
    # the hours are not dates, and the numeric identifier is not a zone number
    assert zones["implemented_on"].isna().all()
    assert result.columns["date"]["column"] is None
    assert result.columns["zone_number"]["column"] is None
    assert (
        sum(n.startswith("No column looks like an implementation date") for n in result.notes) == 1
    )
    assert (zones["status"] == "unknown").all()
    # two self-intersecting outlines mended, never dropped
    mended = result.repaired[result.repaired["reason"].str.contains("crosses itself")]
    assert len(mended) == 2 and zones.geometry.is_valid.all()
    # each says where, in the file's longitude and latitude
    assert mended["row"].tolist() == ["4", "53"]
    assert (
        mended["reason"].str.contains(r"\(Self-intersection at -0\.\d+, 51\.\d+ in the file").all()
    )


@pytest.mark.parametrize("name", OSM_FILES)
def test_every_osm_file_imports_in_great_britain(shared_data, name):
    path = shared_data / "osm" / name
    result = street_network_from_osm_file(path)
    streets = result.layer
    assert result.rows_in == result.kept + result.n_rejected
    assert len(streets) > 0 and streets["highway"].notna().all()
    # rutland's extent crosses the county line (whole ways kept); all four are in Britain
    assert not any("outside Great Britain" in note for note in result.notes)
    roads = streets[streets["road_class"] != "path"]
    assert roads["speed_mph"].notna().mean() > 0.5  # UK defaults apply
    assets = assets_from_osm_file(path)
    assert assets.rows_in == assets.kept + assets.n_rejected


@pytest.mark.parametrize("name", ["leeds_cycleway.osm", "oxford_centre.osm", "rutland.osm.pbf"])
def test_no_street_inside_a_zone_drawn_from_osm_is_a_gap(shared_data, name):
    streets = street_network_from_osm_file(shared_data / "osm" / name).layer
    derived = zones_from_osm_20mph(streets)
    gaps = twenty_mph_gaps(derived, cut_streets_at_zones(streets, derived))
    flagged = gaps.loc[gaps["kind"] == "20 mph outside zones", "osm_way_ids"]
    flagged_ways = {int(w) for ids in flagged for w in ids.split(";")}
    tagged = streets[tagged_20mph(streets)]
    assert len(tagged) > 0
    inside = tagged.within(derived.union_all()) if len(derived) else tagged["highway"].isna()
    assert flagged_ways.isdisjoint(set(tagged.loc[inside, "osm_way_id"]))
    # and every tagged street left out of the zones is listed: nothing is lost either
    assert set(tagged.loc[~inside, "osm_way_id"]) <= flagged_ways
