"""The file reader's ways, read from libosmium's OPL and node index on arrays, are what a
plain pyosmium loop over the same file finds: the same street ways with the same tags,
nodes and places, and the same count of what is no street, by kind.

The reference reads every way as pyosmium hands it over (tags as a dict, each node's
place if it has a valid one) and sorts it with a few lines of Python. The files hold what
is awkward for the fast reader: tag values OPL escapes (spaces, commas, ``=``, ``%``, line
ends, tabs and text that looks like an escape), a key given twice, keys that share their first eight
letters, ways that are no street with several kinds or with ``maxspeed``, highway areas
and roads not in use, a way with no tags, nodes the file lacks or numbers negatively,
and a node whose coordinates are out of range.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import osmium
import pytest

from healthy_streets.io._osm_ways import NOT_STREET_KINDS, STREET_TAGS, Ways
from healthy_streets.io.osm import read_osm_file, read_ways, street_network_from_osm_file
from healthy_streets.model.streets import NOT_STREET_HIGHWAYS

from conftest import SAMPLE, as_pbf, osm_xml_of

NODES = {n: (53.65 + 0.0005 * (n % 7), -2.63 + 0.0007 * (n // 7)) for n in range(1, 40)}
NODES[-5] = (53.6512, -2.6111)  # as an editor numbers a node not yet uploaded
NODES[38] = (95.0, -2.62)  # beyond the pole: libosmium reads it, but it is no place

WAYS: list[tuple[int, list[int], list[tuple[str, str]]]] = [
    (1, [1, 2, 3], [("highway", "residential"), ("name", "Mill Lane, East")]),
    (2, [3, 4, 5], [("highway", "primary"), ("name", "50% = fifty"), ("ref", "A6")]),
    (3, [5, 6], [("highway", "service"), ("name", "100%20%off"), ("maxspeed", "5 mph")]),
    # a key given twice: the last counts, as in a dict of the tags
    (4, [6, 7], [("highway", "tertiary"), ("maxspeed", "20 mph"), ("maxspeed", "30 mph")]),
    # keys alike in their first eight letters
    (
        5,
        [7, 8, 9],
        [
            ("highway", "unclassified"),
            ("maxspeed:type", "GB:zone20"),
            ("maxspeed:forward", "20 mph"),
            ("maxspeed:backward", "30 mph"),
            ("maxspeed:practical", "25 mph"),
            ("source:maxspeed", "GB:nsl_single"),
            ("zone:maxspeed", "GB:20"),
            ("name:en", "Not The Name"),
        ],
    ),
    (6, [9, 10], [("highway", "living_street"), ("name", "Überweg Straße")]),
    (14, [30, 31], [("highway", "path"), ("name", "First line\nsecond\tline, %a% and %0a%")]),
    (7, [10, 11], [("highway", "proposed")]),
    (8, [11, 12, 13, 11], [("highway", "pedestrian"), ("area", "yes")]),
    (9, [13, 14], [("highway", "footway"), ("area", "no")]),
    (10, [14, 15], [("highway", "")]),
    # nodes the file lacks, a node numbered negatively, a node with no place
    (11, [15, 99, 16, 17], [("highway", "service")]),
    (12, [17, -5, 18], [("highway", "track")]),
    (13, [18, 38, 19, 20], [("highway", "residential")]),
    # no streets
    (20, [21, 22], [("railway", "rail"), ("maxspeed", "75 mph")]),
    (21, [22, 23, 24, 22], [("amenity", "school"), ("building", "yes")]),
    (22, [24, 25], [("waterway", "river"), ("name", "River Yarrow")]),
    (23, [25, 26], [("barrier", "fence"), ("landuse", "farmland"), ("maxspeed", "none")]),
    (24, [26, 27], []),
    (25, [27, 28], [("highwayman", "Dick Turpin"), ("power", "line")]),
    (26, [28, 29], [("natural", "tree_row"), ("leisure", "park")]),
]


def osm_xml(ways=WAYS, nodes=NODES) -> str:
    return osm_xml_of(ways, nodes)


@pytest.fixture(params=["osm", "osm.pbf", "sample"])
def osm_file(tmp_path, request):
    if request.param == "sample":
        return SAMPLE / "yarrowside.osm"
    xml = tmp_path / "awkward.osm"
    xml.write_text(osm_xml(), encoding="utf-8")
    return xml if request.param == "osm" else as_pbf(xml)


def plain_read(path) -> dict[str, object]:
    """What a pyosmium loop finds in a file, sorted as the file reader sorts it."""
    streets = []
    not_streets: Counter[str] = Counter()
    left_out: Counter[str] = Counter()
    with_maxspeed = 0
    for way in osmium.FileProcessor(str(path)).with_locations():
        if not isinstance(way, osmium.osm.Way):
            continue
        tags = {tag.k: tag.v for tag in way.tags}
        if "highway" not in tags:
            not_streets[next((k for k in NOT_STREET_KINDS if k in tags), "other")] += 1
            with_maxspeed += "maxspeed" in tags
        elif tags["highway"] in NOT_STREET_HIGHWAYS or tags.get("area") == "yes":
            left_out["area" if tags.get("area") == "yes" else tags["highway"]] += 1
        else:
            places = [
                (n.ref, *((n.lon, n.lat) if n.location.valid() else (math.nan, math.nan)))
                for n in way.nodes
            ]
            kept = {k: v for k, v in tags.items() if k in STREET_TAGS}
            streets.append((way.id, kept, places))
    return {
        "streets": streets,
        "not_streets": list(not_streets.items()),
        "with_maxspeed": with_maxspeed,
        "left_out": list(left_out.items()),
    }


def found(ways: Ways) -> dict[str, object]:
    """The same from what the file reader found."""
    streets = ways.streets
    rows = streets.tags.to_dict("records")
    listed = []
    for w, way_id in enumerate(streets.way_ids.tolist()):
        run = slice(streets.offsets[w], streets.offsets[w + 1])
        places = list(
            zip(
                streets.refs[run].tolist(),
                streets.lon[run].tolist(),
                streets.lat[run].tolist(),
                strict=True,
            )
        )
        tags = {k: v for k, v in rows[w].items() if v is not None}
        listed.append((way_id, tags, places))
    return {
        "streets": listed,
        "not_streets": list(ways.not_streets.items()),
        "with_maxspeed": ways.not_streets_with_maxspeed,
        "left_out": list(ways.highway_left_out.items()),
    }


def test_the_reader_finds_what_a_plain_pyosmium_loop_finds(osm_file):
    ways, _ = read_osm_file(osm_file, lambda source: read_ways(source))
    ours, theirs = found(ways), plain_read(osm_file)
    # places compared as numbers, NaN equal to NaN: the very same doubles
    assert [(i, t) for i, t, _ in ours["streets"]] == [(i, t) for i, t, _ in theirs["streets"]]
    for (_, _, a), (_, _, b) in zip(ours["streets"], theirs["streets"], strict=True):
        np.testing.assert_array_equal(np.array(a, dtype=float), np.array(b, dtype=float))
        assert [ref for ref, *_ in a] == [ref for ref, *_ in b]
    for key in ("not_streets", "with_maxspeed", "left_out"):
        assert ours[key] == theirs[key]
    assert ours["streets"], "the file has streets"


def test_tags_that_opl_escapes_come_back_as_written(tmp_path):
    xml = tmp_path / "awkward.osm"
    xml.write_text(osm_xml(), encoding="utf-8")
    path = as_pbf(xml)
    streets = street_network_from_osm_file(path).layer.set_index("osm_way_id")
    assert streets.loc[1, "name"] == "Mill Lane, East"
    assert streets.loc[2, "name"] == "50% = fifty"
    assert streets.loc[3, "name"] == "100%20%off"
    assert streets.loc[6, "name"] == "Überweg Straße"
    assert streets.loc[14, "name"] == "First line\nsecond\tline, %a% and %0a%"
    assert streets.loc[4, "maxspeed"] == "30 mph"  # the last of the two
    assert streets.loc[5, ["maxspeed_type", "name"]].isna().tolist() == [False, True]


def test_what_is_no_street_is_counted_by_its_first_kind(tmp_path):
    path = tmp_path / "awkward.osm"
    path.write_text(osm_xml(), encoding="utf-8")
    notes = " ".join(street_network_from_osm_file(path).notes)
    assert (
        "Left out: 7 ways that are not streets (1 railway, 1 building, 1 waterway, 1 landuse, "
        "1 other, 1 power, 1 natural); 2 of them carry maxspeed." in notes
    )
    assert "Left out: 2 highway ways that are areas or not roads in use (1 proposed, 1 area)." in (
        notes
    )


def test_a_node_with_coordinates_out_of_range_has_no_place(tmp_path):
    path = tmp_path / "awkward.osm"
    path.write_text(osm_xml(), encoding="utf-8")
    result = street_network_from_osm_file(path)
    repaired = result.repaired.set_index("row")
    reason = repaired.loc["way/13", "reason"]
    assert "their coordinates are not numbers in range: OSM node 38" in reason
    assert "kept the longest run of 2 nodes" in repaired.loc["way/13", "reason"]
    assert "not in the file" in repaired.loc["way/11", "reason"]
    rejected = result.rejected.set_index("row")  # its middle node numbered -5: no run of two
    assert "not in the file" in rejected.loc["way/12", "reason"]
    assert any("OSM node 38: lat 95.0, lon -2.62" in note for note in result.notes)


def test_a_temporary_folder_with_a_comma_is_passed_over_and_said(tmp_path, monkeypatch, caplog):
    """libosmium reads an index's file name up to a comma: with TMPDIR=.../a,b the network
    (and the build's one pass over the file) is read all the same, through another
    temporary folder, and the log says which."""
    import logging

    from healthy_streets.errors import ConfigError
    from healthy_streets.io.osm import NodeIndex
    from healthy_streets.io.osm_layers import osm_layers_from_file

    folder = tmp_path / "a,b"
    folder.mkdir()
    path = tmp_path / "awkward.osm"
    path.write_text(osm_xml(), encoding="utf-8")
    sample = SAMPLE / "yarrowside.osm"
    expected = street_network_from_osm_file(path), osm_layers_from_file(sample)
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr("tempfile.tempdir", None)
    with caplog.at_level(logging.INFO, logger="healthy_streets"):
        streets, layers = street_network_from_osm_file(path), osm_layers_from_file(sample)
    assert streets.layer.to_wkt().equals(expected[0].layer.to_wkt())
    assert layers.streets.layer.to_wkt().equals(expected[1].streets.layer.to_wkt())
    assert len(layers.assets.layer) == len(expected[1].assets.layer) > 0
    said = [r.getMessage() for r in caplog.records if "has a comma in its name" in r.getMessage()]
    assert len(said) == 2
    assert list(folder.iterdir()) == []  # nothing was written there
    with pytest.raises(ConfigError, match="has a comma in its name.*Set TMPDIR"):
        NodeIndex(folder)  # the index itself refuses such a path, in a sentence


def test_no_temporary_folder_without_a_comma_is_refused_in_a_sentence(tmp_path, monkeypatch):
    import tempfile

    from healthy_streets.errors import ConfigError

    folder = tmp_path / "a,b"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr("tempfile.tempdir", None)
    real = tempfile.TemporaryDirectory

    def read_only(*args, dir=None, **kwargs):
        if "," not in str(dir):
            raise PermissionError(13, "Permission denied", dir)
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr("healthy_streets.io.osm.tempfile.TemporaryDirectory", read_only)
    path = tmp_path / "awkward.osm"
    path.write_text(osm_xml(), encoding="utf-8")
    with pytest.raises(ConfigError, match="has a comma in its name.*Set TMPDIR"):
        street_network_from_osm_file(path)
