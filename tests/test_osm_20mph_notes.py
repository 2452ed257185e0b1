"""What OpenStreetMap's 20 mph streets could not give, said: zones too small to draw, and
the tags of a signed zone osmnx was asked for but the data does not hold."""

from __future__ import annotations

import logging
import re
import subprocess
import sys

from click.testing import CliRunner

import healthy_streets as hs
from healthy_streets.analysis.zones import zones_from_osm_20mph
from healthy_streets.cli import main

import layers_for_tests as t
from conftest import osm_xml_of


def _street(sid, mph, source, x, length, *, name="Lane", highway="residential", road="local"):
    coords = [(t.X0 + x, t.Y0), (t.X0 + x + length, t.Y0)]
    maxspeed = f"{mph:g} mph" if source == "maxspeed" else None
    return (sid, name, highway, road, float(mph), source, False, maxspeed, None, coords)


def test_no_zone_drawn_says_why_and_how_to_keep_them(caplog):
    """Two lone 50 m streets tagged 20 mph, far apart: each too small for a zone."""
    streets = t.streets(
        [
            _street("a", 20, "maxspeed", 0, 50),
            _street("b", 20, "maxspeed", 2000, 50),
            _street("c", 30, "default", 4000, 400, highway="primary", road="main"),
        ]
    )
    caplog.set_level(logging.INFO, logger="healthy_streets")
    zones = zones_from_osm_20mph(streets)
    assert len(zones) == 0
    (note,) = zones.attrs["notes"]
    said = re.fullmatch(
        r"No zone drawn: 2 ways \(100 m\) tagged 20 mph or less make 2 groups of streets "
        r"apart \(or parted by a faster road\), each smaller than min_area_m2 \(20,000 "
        r"m2; the largest ([\d,]+) m2\): lower min_area_m2 to keep them \(min_area_m2=(\d+) "
        r"keeps the largest\)\.",
        note,
    )
    assert said is not None, note
    largest = float(said[1].replace(",", ""))
    assert 4000 < largest < 5000  # 50 m by 50 m, and two half discs of 25 m
    assert said[2] == "4000"
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [("WARNING", note)]
    # the fix works: each is a zone
    kept = zones_from_osm_20mph(streets, min_area_m2=4000)
    assert len(kept) == 2 and "notes" not in kept.attrs


def test_streets_left_out_of_the_zones_drawn_are_a_note_not_a_warning(caplog):
    streets = t.streets(
        [_street("a", 20, "maxspeed", 0, 400), _street("b", 10, "maxspeed", 2000, 50)]
    )
    caplog.set_level(logging.INFO, logger="healthy_streets")
    zones = zones_from_osm_20mph(streets, min_area_m2=10_000)
    assert len(zones) == 1
    (note,) = zones.attrs["notes"]
    assert note.startswith(
        "1 way (50 m) tagged 20 mph or less left out of the zones: 1 of the 2 groups of "
        "streets apart (or parted by a faster road), smaller than min_area_m2 (10,000 m2; "
        "the largest 4,"
    )
    assert note.endswith(
        "m2) and touching no zone: lower min_area_m2 to keep them (min_area_m2=4000 keeps the "
        "largest)."
    )
    assert [r.levelname for r in caplog.records] == ["INFO"]


def test_no_street_tagged_20mph_says_so_and_what_is_20mph_by_default(caplog):
    streets = t.streets(
        [
            _street("a", 20, "default", 0, 50, highway="living_street"),
            _street("b", 30, "maxspeed", 2000, 50),
        ]
    )
    caplog.set_level(logging.WARNING, logger="healthy_streets")
    zones = zones_from_osm_20mph(streets)
    assert len(zones) == 0
    assert zones.attrs["notes"] == [
        "No zone drawn: no road is tagged 20 mph or less in OpenStreetMap (maxspeed, or a "
        "signed 20mph zone). 1 way (50 m) is 20 mph or less only by its class's default, "
        "which draws no zone (only a limit tagged on the street does)."
    ]
    assert "No zone drawn: no road is tagged" in caplog.text


def test_the_network_command_says_why_no_zone_was_drawn_and_takes_min_area(tmp_path):
    # two 20 mph streets of about 50 m, far apart, near Chorley
    lat, lon = 53.65, -2.63
    nodes = {
        1: (lat, lon),
        2: (lat, lon + 0.00075),
        3: (lat + 0.01, lon),
        4: (lat + 0.01, lon + 0.00075),
    }
    tags = {"highway": "residential", "maxspeed": "20 mph", "name": "Mill Lane"}
    osm = tmp_path / "two.osm"
    osm.write_text(osm_xml_of([(10, [1, 2], tags), (11, [3, 4], tags)], nodes), encoding="utf-8")
    result = CliRunner().invoke(main, ["network", "--osm-file", str(osm), "--derive-zones"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert re.search(
        r"Warning: No zone drawn: 2 ways \(\d+ m\) tagged 20 mph or less make 2 groups", said
    )
    assert "lower --min-area to keep them (--min-area 4000 keeps the largest)." in said
    assert "0 candidate 20mph zones drawn from OSM." in said
    kept = CliRunner().invoke(
        main, ["network", "--osm-file", str(osm), "--derive-zones", "--min-area", "4000"]
    )
    assert kept.exit_code == 0, kept.output
    assert "2 candidate 20mph zones drawn from OSM." in kept.output
    assert "No zone drawn" not in kept.output


# --- osmnx asked for the tags of a signed zone, but the data has none ---

_ZONE_TAGS = ["maxspeed:type", "zone:maxspeed", "source:maxspeed"]


def _graph(tmp_path, *, zone_tag=False):
    import osmnx as ox

    lat, lon = 53.65, -2.63
    nodes = {
        1: (lat, lon),
        2: (lat, lon + 0.001),
        3: (lat, lon + 0.002),
        4: (lat + 0.001, lon + 0.001),
    }
    tags = {"highway": "residential", "maxspeed": "20 mph"}
    if zone_tag:
        tags["maxspeed:type"] = "GB:zone20"
    ways = [(10, [1, 2], tags), (11, [2, 3], tags), (12, [2, 4], {"highway": "residential"})]
    path = tmp_path / "streets.osm"
    path.write_text(osm_xml_of(ways, nodes), encoding="utf-8")
    return ox.graph_from_xml(path)


def test_tags_asked_of_osmnx_but_not_in_the_data_are_said_to_be_missing(
    tmp_path, monkeypatch, caplog
):
    import osmnx as ox

    caplog.set_level(logging.WARNING, logger="healthy_streets")
    asked = [*ox.settings.useful_tags_way, *_ZONE_TAGS]
    monkeypatch.setattr(ox.settings, "useful_tags_way", asked)
    streets = hs.as_streets(_graph(tmp_path))
    assert streets["signed_20mph_zone"].isna().all()  # unknown
    assert (
        "The street network holds none of the tags that say a street is in a signed 20mph "
        "zone (maxspeed:type, zone:maxspeed, source:maxspeed), though "
        "ox.settings.useful_tags_way asks osmnx to keep them: the OpenStreetMap data tags "
        "none of its streets so (or the graph was built before they were asked for). Whether "
        "its 20 mph streets are signed as a 20mph zone is unknown (signed_20mph_zone is "
        "empty)." in caplog.text
    )
    assert "To have them, add them" not in caplog.text
    assert "useful_tags_way +=" not in caplog.text


def test_tags_partly_asked_of_osmnx_name_the_rest(tmp_path, monkeypatch, caplog):
    import osmnx as ox

    caplog.set_level(logging.WARNING, logger="healthy_streets")
    monkeypatch.setattr(
        ox.settings, "useful_tags_way", [*ox.settings.useful_tags_way, "maxspeed:type"]
    )
    hs.as_streets(_graph(tmp_path))
    assert "though ox.settings.useful_tags_way asks osmnx to keep maxspeed:type:" in caplog.text
    assert (
        "The other tags of a signed zone are not asked for; to have them, add them before "
        "osmnx reads the streets: ox.settings.useful_tags_way += ['zone:maxspeed', "
        "'source:maxspeed']." in caplog.text
    )


def test_tags_not_asked_of_osmnx_still_name_the_fix(tmp_path, caplog):
    import osmnx as ox

    assert not set(_ZONE_TAGS) & set(ox.settings.useful_tags_way)  # osmnx's defaults
    caplog.set_level(logging.WARNING, logger="healthy_streets")
    hs.as_streets(_graph(tmp_path, zone_tag=True))  # in the data, but not kept
    assert "To have them, add them before osmnx reads the streets" in caplog.text
    assert "asks osmnx to keep" not in caplog.text


def test_tags_asked_and_in_the_data_say_nothing(tmp_path, monkeypatch, caplog):
    import osmnx as ox

    caplog.set_level(logging.WARNING, logger="healthy_streets")
    monkeypatch.setattr(ox.settings, "useful_tags_way", [*ox.settings.useful_tags_way, *_ZONE_TAGS])
    streets = hs.as_streets(_graph(tmp_path, zone_tag=True))
    assert streets["signed_20mph_zone"].notna().all() and streets["signed_20mph_zone"].any()
    assert "signed 20mph zone" not in caplog.text


def test_the_settings_are_looked_at_without_importing_osmnx():
    code = (
        "import sys\n"
        "from healthy_streets.model.streets import _zone_tags_asked\n"
        "assert _zone_tags_asked() == []\n"
        "assert 'osmnx' not in sys.modules, 'imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
