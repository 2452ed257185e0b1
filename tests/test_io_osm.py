import bz2
import re

import osmium
import pandas as pd
import pytest
import shapely

from healthy_streets.errors import InputFileError
from healthy_streets.io.osm import street_network_from_osm_file

# A tiny neighbourhood near Chorley. Nodes 1-3 run east along Mill Lane; node 2 is where
# Church Street leaves it to the north (nodes 2, 4, 5). A railway and a river carry tags a
# careless loader would take for streets. Way 40 references node 99, which the file lacks.
NODES = {
    1: (53.6500, -2.6300),
    2: (53.6500, -2.6290),
    3: (53.6500, -2.6280),
    4: (53.6510, -2.6290),
    5: (53.6520, -2.6290),
    6: (53.6530, -2.6300),
    7: (53.6530, -2.6280),
    8: (53.6540, -2.6300),
    9: (53.6540, -2.6280),
    10: (53.6505, -2.6270),
    11: (53.6515, -2.6270),
}
WAYS = [
    (
        10,
        [1, 2, 3],
        {
            "highway": "residential",
            "name": "Mill Lane",
            "maxspeed": "20 mph",
            "maxspeed:type": "GB:zone20",
        },
    ),
    (11, [2, 4, 5], {"highway": "tertiary", "name": "Church Street", "maxspeed": "30"}),
    (20, [6, 7], {"railway": "rail", "maxspeed": "75 mph", "name": "Main Line"}),
    (21, [8, 9], {"waterway": "river", "name": "River Yarrow"}),
    (22, [6, 7, 9, 8, 6], {"highway": "pedestrian", "area": "yes", "name": "Market Square"}),
    (23, [10, 11], {"highway": "proposed", "name": "New Road"}),
    (40, [3, 99, 10, 11], {"highway": "service"}),
]


def osm_xml(ways=WAYS, nodes=NODES) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for nid, (lat, lon) in nodes.items():
        lines.append(f'<node id="{nid}" version="1" lat="{lat}" lon="{lon}"/>')
    for wid, refs, tags in ways:
        lines.append(f'<way id="{wid}" version="1">')
        lines += [f'<nd ref="{r}"/>' for r in refs]
        lines += [f'<tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("</way>")
    lines.append("</osm>")
    return "\n".join(lines)


@pytest.fixture
def osm_file(tmp_path):
    path = tmp_path / "tiny.osm"
    path.write_text(osm_xml())
    return path


def test_only_highway_ways_become_streets(osm_file):
    result = street_network_from_osm_file(osm_file)
    streets = result.layer
    assert set(streets["osm_way_id"]) == {10, 11, 40}
    assert "Main Line" not in set(streets["name"]) and "River Yarrow" not in set(streets["name"])
    assert "Market Square" not in set(streets["name"])  # an area, not a street
    note = " ".join(result.notes)
    assert "1 railway" in note and "1 waterway" in note and "1 of them carries maxspeed" in note
    assert "1 area" in note and "1 proposed" in note


def test_segments_split_at_junctions_with_speeds(osm_file):
    streets = street_network_from_osm_file(osm_file).layer.set_index("segment_id")
    # Mill Lane is cut where Church Street leaves it; Church Street is one segment
    assert sorted(streets.index) == ["10-1-2", "10-2-3", "11-2-5", "40-10-11"]
    mill = streets.loc["10-1-2"]
    assert (mill["speed_mph"], mill["speed_source"], mill["signed_20mph_zone"]) == (
        20.0,
        "maxspeed",
        True,
    )
    church = streets.loc["11-2-5"]
    assert (church["speed_mph"], church["speed_source"]) == (18.6, "maxspeed_kmh")
    assert church["maxspeed"] == "30"
    assert church["road_class"] == "local"
    # 0.001 degrees of longitude at 53.65 N is about 66 m; 0.002 of latitude about 222 m
    assert mill["length_m"] == pytest.approx(66.1, abs=1.0)
    assert church["length_m"] == pytest.approx(222.4, abs=1.5)
    assert streets.crs == "EPSG:27700"


def test_missing_nodes_are_counted_and_the_longest_run_kept(osm_file):
    result = street_network_from_osm_file(osm_file)
    assert (result.rows_in, result.kept, result.n_repaired, result.n_rejected) == (3, 3, 1, 0)
    assert result.repaired.iloc[0]["row"] == "way/40"  # an OSM id, not a row number
    assert (
        "1 of its 4 nodes have no place (they are not in the file: a clipped extract)"
        in (result.repaired.iloc[0]["reason"])
    )


def test_a_way_with_no_nodes_in_the_file_is_rejected(tmp_path):
    path = tmp_path / "clipped.osm"
    path.write_text(osm_xml([*WAYS, (41, [97, 98], {"highway": "residential"})]))
    result = street_network_from_osm_file(path)
    assert result.rejected["row"].tolist() == ["way/41"]
    assert result.rows_in == result.kept + result.n_rejected


def test_bz2_and_pbf_give_the_same_streets(osm_file, tmp_path):
    xml = street_network_from_osm_file(osm_file).layer
    bz = tmp_path / "tiny.osm.bz2"
    bz.write_bytes(bz2.compress(osm_file.read_bytes()))
    pbf = tmp_path / "tiny.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(osm_file)):
            writer.add(obj)
    for other in (bz, pbf):
        layer = street_network_from_osm_file(other).layer
        assert layer["segment_id"].tolist() == xml["segment_id"].tolist()
        assert layer["length_m"].tolist() == pytest.approx(xml["length_m"].tolist())


def test_clip_to_an_area(osm_file):
    import shapely

    full = street_network_from_osm_file(osm_file).layer
    around_mill_lane = full[full["osm_way_id"] == 10].union_all().buffer(5)
    result = street_network_from_osm_file(osm_file, clip_to=around_mill_lane, buffer_m=0)
    assert set(result.layer["osm_way_id"]) == {10, 11}  # Church Street touches it at node 2
    assert "Left out: 1 segment more than 0 m from the zones." in result.notes
    assert isinstance(around_mill_lane, shapely.Polygon)


def test_ways_far_beyond_the_area_are_not_read(tmp_path, osm_file):
    # a county extract: a street in Lancaster, 45 km north, is skipped as the file is read;
    # a long way whose two nodes lie far either side of the zone still crosses it, and stays
    NODES.update(
        {50: (54.05, -2.80), 51: (54.05, -2.79), 52: (53.6502, -2.70), 53: (53.6502, -2.55)}
    )
    try:
        ways = [
            *WAYS,
            (60, [50, 51], {"highway": "residential", "name": "Lancaster Road"}),
            (61, [52, 53], {"highway": "primary", "name": "Long Straight"}),
        ]
        path = tmp_path / "county.osm"
        path.write_text(osm_xml(ways))
    finally:
        for node in (50, 51, 52, 53):
            del NODES[node]
    full = street_network_from_osm_file(osm_file).layer
    around_mill_lane = full[full["osm_way_id"] == 10].union_all().buffer(5)
    result = street_network_from_osm_file(path, clip_to=around_mill_lane, buffer_m=50)
    assert "Lancaster Road" not in set(result.layer["name"])
    assert "Long Straight" in set(result.layer["name"])
    assert "Not read: 1 street way wholly beyond the area around the zones." in result.notes
    # the account covers the ways read, the note the one that was not
    assert result.rows_in + 1 == street_network_from_osm_file(path).rows_in


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<osm version='0.6'><node id='1' lat='53' lon='-2'/></osm>", "no streets"),
        ("<osm version='0.6'><way id='1'", "cannot be read"),
        ("not xml at all", "cannot be read"),
    ],
)
def test_bad_osm_files(tmp_path, content, message):
    path = tmp_path / "bad.osm"
    path.write_text(content)
    with pytest.raises(InputFileError, match=message) as info:
        street_network_from_osm_file(path)
    assert "bad.osm" in str(info.value)


def test_graphml_saved_by_osmnx(tmp_path, monkeypatch):
    import osmnx as ox

    from healthy_streets.io.osm import STREET_TAGS, street_network_from_graphml

    # a graph saved with the speed tags (osmnx's default list lacks maxspeed:type)
    monkeypatch.setattr(
        ox.settings, "useful_tags_way", [*STREET_TAGS, "area", "railway", "waterway"]
    )

    # osmnx cannot read a file whose ways lack nodes (way 40): save one without it
    whole = tmp_path / "whole.osm"
    whole.write_text(osm_xml([w for w in WAYS if w[0] != 40]))
    graph = ox.graph_from_xml(whole, simplify=False, retain_all=True)
    path = tmp_path / "tiny.graphml"
    ox.save_graphml(graph, path)
    result = street_network_from_graphml(path)
    streets = result.layer
    # graph_from_xml keeps the railway and the river: they are left out here
    assert set(streets["osm_way_id"]) == {10, 11}
    assert "not streets" in " ".join(result.notes)
    mill = streets.set_index("segment_id").loc["10-1-2"]
    assert (mill["speed_mph"], mill["signed_20mph_zone"]) == (20.0, True)


def test_derived_zones_from_osm_20mph_streets():
    from healthy_streets.analysis.zones import zones_from_osm_20mph
    from healthy_streets.io.zones import read_zones

    from conftest import SAMPLE

    streets = street_network_from_osm_file(SAMPLE / "yarrowside.osm").layer
    derived = zones_from_osm_20mph(streets)
    council = read_zones(SAMPLE / "zones.geojson").layer.set_index("zone_id")
    assert derived["zone_id"].tolist()[:2] == ["osm-20mph-1", "osm-20mph-2"]
    assert (derived["source"] == "OpenStreetMap (derived)").all()
    assert derived.geometry.area.is_monotonic_decreasing
    # the estates on either side of the main road stay apart; each derived area lies mostly
    # inside one council zone, and the largest covers most of Yarrowside North
    for area in derived.geometry:
        shares = council.geometry.intersection(area).area / area.area
        assert shares.max() > 0.8
    biggest = derived.geometry.iloc[0]
    north = council.loc["yarrowside-north"].geometry
    assert biggest.intersection(north).area / north.area > 0.8
    # the proposed zone, whose streets are 30 mph, gets no derived area
    kestrel = council.loc["kestrel-park"].geometry
    assert derived.geometry.intersection(kestrel).area.sum() / kestrel.area < 0.05


def test_a_roundabout_gives_unique_segment_ids(tmp_path):
    # a closed way through two junctions: two segments between the same two nodes
    ring = [
        (50, [1, 2, 3, 4, 1], {"highway": "primary", "junction": "roundabout"}),
        (51, [5, 1], {"highway": "residential", "name": "In"}),
        (52, [3, 6], {"highway": "residential", "name": "Out"}),
    ]
    path = tmp_path / "ring.osm"
    path.write_text(osm_xml(ring))
    streets = street_network_from_osm_file(path).layer
    assert streets["segment_id"].is_unique
    ring_ids = sorted(streets.loc[streets["osm_way_id"] == 50, "segment_id"])
    assert ring_ids == ["50-1-3", "50-1-3-2"] or ring_ids == ["50-1-3", "50-3-1"]


@pytest.mark.parametrize("buffer_m", [50, 200])
def test_skipping_far_ways_changes_no_street(monkeypatch, buffer_m):
    # ways beyond the zones are skipped while reading, but the streets near the zones must
    # be split at exactly the junctions the whole file gives them
    import healthy_streets.io.osm as osm
    from healthy_streets.io.zones import read_zones

    from conftest import SAMPLE

    zones = read_zones(SAMPLE / "zones.geojson").layer
    path = SAMPLE / "yarrowside.osm"
    for zone in zones.itertuples():
        area = zone.geometry
        fast = street_network_from_osm_file(path, clip_to=area, buffer_m=buffer_m)
        with monkeypatch.context() as patch:
            patch.setattr(osm, "lonlat_window", lambda *args: None)
            whole = street_network_from_osm_file(path, clip_to=area, buffer_m=buffer_m)
        assert any(note.startswith("Not read: ") for note in fast.notes), zone.zone_id
        columns = ["segment_id", "osm_way_id", "name", "speed_mph", "length_m"]
        key = ["segment_id"]
        a = fast.layer[columns].sort_values(key).reset_index(drop=True)
        b = whole.layer[columns].sort_values(key).reset_index(drop=True)
        assert a.equals(b), zone.zone_id
        assert fast.layer.geometry.union_all().equals(whole.layer.geometry.union_all())
        # the account covers the ways read; the rest are counted in the note
        assert fast.rows_in == fast.kept + fast.n_rejected


def test_a_node_whose_coordinates_are_not_numbers_is_read_as_having_no_place(tmp_path):
    # libosmium refuses a whole file for lat="nan"; the toolkit reads the rest
    text = osm_xml().replace(
        '<node id="2" version="1" lat="53.65" lon="-2.629"/>',
        '<node id="2" version="1" lat="nan" lon="-2.629"/>',
    )
    assert 'lat="nan"' in text
    for name, data in (("nan.osm", text.encode()), ("nan.osm.bz2", bz2.compress(text.encode()))):
        path = tmp_path / name
        path.write_bytes(data)
        result = street_network_from_osm_file(path)
        # Mill Lane (nodes 1, 2, 3) falls apart without node 2; Church Street (2, 4, 5) keeps
        # the run 4, 5
        rejected = result.rejected.set_index("row")
        assert rejected.loc["way/10", "reason"] == (
            "Fewer than two of the way's nodes have a place (their coordinates are not "
            "numbers in range: OSM node 2: lat 'nan', lon '-2.629'); it cannot be drawn."
        )
        assert result.repaired.set_index("row").loc["way/11", "reason"] == (
            "1 of its 3 nodes have no place (their coordinates are not numbers in range: OSM "
            "node 2: lat 'nan', lon '-2.629'); kept the longest run of 2 nodes."
        )
        assert any(
            note.startswith("1 OSM node had coordinates that are not numbers in range (OSM node 2")
            for note in result.notes
        )
        assert result.rows_in == result.kept + result.n_rejected


def test_an_extract_of_another_place_than_the_zones_is_said_so():
    # zones 200 km from the sample's streets: not "the file holds no streets"
    from conftest import SAMPLE

    far = shapely.box(150_000, 200_000, 151_000, 201_000)
    with pytest.raises(InputFileError) as said:
        street_network_from_osm_file(SAMPLE / "yarrowside.osm", clip_to=far, buffer_m=200)
    message = str(said.value)
    assert re.search(
        r"None of the file's \d+ street ways lies near the zones \(within 200 m", message
    )
    assert "the extract and the zones are of different places" in message
    assert "holds no streets" not in message


def test_a_geojson_given_as_osm_data_is_named_for_what_it_is(tmp_path):
    path = tmp_path / "zones.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(InputFileError, match=r"This is a GeoJSON file, not OpenStreetMap") as e:
        street_network_from_osm_file(path)
    assert ".osm.pbf" in str(e.value) and "damaged" not in str(e.value)


def test_an_element_libosmium_cannot_read_is_one_clear_message(tmp_path):
    path = tmp_path / "bad.osm"
    path.write_text(osm_xml().replace('<node id="3"', '<node id="three"'))
    with pytest.raises(InputFileError, match=r"cannot be read as OpenStreetMap data \(illegal id"):
        street_network_from_osm_file(path)


@pytest.mark.parametrize("buffer_m", [float("nan"), float("inf"), -500, 1e9, True])
def test_a_buffer_that_is_not_a_distance_is_refused(osm_file, buffer_m):
    from healthy_streets.errors import ConfigError

    with pytest.raises(ConfigError, match=r"buffer_m = .* should be the metres around the zones"):
        street_network_from_osm_file(osm_file, buffer_m=buffer_m)


def test_an_extract_outside_great_britain_gets_a_warning_and_no_uk_defaults(tmp_path):
    untagged = (12, [4, 10], {"highway": "residential", "name": "Rue des Rosiers"})
    paris = {n: (lat - 53.65 + 48.857, lon + 2.63 + 2.36) for n, (lat, lon) in NODES.items()}
    chorley_file, paris_file = tmp_path / "chorley.osm", tmp_path / "paris.osm"
    chorley_file.write_text(osm_xml([*WAYS, untagged]))
    paris_file.write_text(osm_xml([*WAYS, untagged], nodes=paris))

    def speeds(result):
        frame = result.layer.drop_duplicates("osm_way_id").set_index("osm_way_id")
        return frame[["speed_mph", "speed_source"]].astype("object").to_dict("index")

    at_home = street_network_from_osm_file(chorley_file)
    assert speeds(at_home)[12] == {"speed_mph": 30.0, "speed_source": "default"}
    assert not any("outside Great Britain" in note for note in at_home.notes)
    abroad = street_network_from_osm_file(paris_file)
    found = speeds(abroad)
    assert found[12]["speed_source"] == "unknown" and pd.isna(found[12]["speed_mph"])
    # tags still count: a bare number is km/h anywhere
    assert found[11] == {"speed_mph": 18.6, "speed_source": "maxspeed_kmh"}
    warning = abroad.notes[0]
    assert warning.startswith("The streets lie outside Great Britain and Northern Ireland")
    assert "EPSG:32631" in warning
    # with a working CRS for the place, the CRS part of the warning is not needed
    local = street_network_from_osm_file(paris_file, working_crs="EPSG:32631")
    assert local.layer.crs == "EPSG:32631"
    assert "UK speed defaults" in local.notes[0] and "EPSG:32631" not in local.notes[0]


def test_an_extract_of_the_isle_of_man_gets_no_uk_defaults(tmp_path):
    untagged = (12, [4, 10], {"highway": "residential", "name": "Victoria Road"})
    douglas = {n: (lat - 53.65 + 54.15, lon + 2.63 - 4.49) for n, (lat, lon) in NODES.items()}
    path = tmp_path / "douglas.osm"
    path.write_text(osm_xml([*WAYS, untagged], nodes=douglas))
    result = street_network_from_osm_file(path)
    frame = result.layer.drop_duplicates("osm_way_id").set_index("osm_way_id")
    assert frame.loc[12, "speed_source"] == "unknown" and pd.isna(frame.loc[12, "speed_mph"])
    assert result.layer.crs == "EPSG:27700"
    note = next(n for n in result.notes if "Isle of Man" in n)
    assert "which is not in the UK: its speed limits and defaults differ" in note


def test_a_street_mapped_twice_the_other_way_round_is_one_segment_and_said(tmp_path):
    # way 12 runs back over Mill Lane's nodes: osmnx's undirected graph has one edge there
    twice = [*WAYS, (12, [3, 2, 1], {"highway": "footway", "name": "Mill Lane path"})]
    path = tmp_path / "twice.osm"
    path.write_text(osm_xml(ways=twice))
    result = street_network_from_osm_file(path)
    streets = result.layer
    assert 10 not in set(streets["osm_way_id"]) and 12 in set(streets["osm_way_id"])
    mill = streets[streets["osm_way_id"] == 12]
    assert len(mill) == 2  # 3-2 and 2-1, each once, not twice
    assert set(mill["highway"]) == {"footway"}  # the later way's tags win, as in osmnx
    note = next(n for n in result.notes if "mapped twice" in n)
    assert note.startswith("2 street segments of OSM ways 10 run over the same nodes")
    once = tmp_path / "once.osm"
    once.write_text(osm_xml())
    assert not any("mapped twice" in n for n in street_network_from_osm_file(once).notes)


def test_graphml_of_osmnx_defaults_says_what_it_lost(tmp_path):
    import osmnx as ox

    from healthy_streets.io.osm import street_network_from_graphml

    from conftest import SAMPLE

    path = tmp_path / "streets.graphml"
    ox.save_graphml(ox.graph_from_xml(SAMPLE / "yarrowside.osm"), path)  # osmnx's defaults
    result = street_network_from_graphml(path)
    assert result.layer["signed_20mph_zone"].isna().all()  # unknown, not "not signed"
    said = " ".join(result.notes)
    assert "ox.settings.useful_tags_way += ['maxspeed:type', 'zone:maxspeed'" in said
    assert re.search(r"Warning: \d+\.\d\d km of street network \(\d+ edges\) are edges osmnx", said)
    # what the .osm file itself gives, and says nothing of
    own = street_network_from_osm_file(SAMPLE / "yarrowside.osm")
    assert own.layer["signed_20mph_zone"].notna().all() and own.layer["signed_20mph_zone"].any()
    assert "useful_tags_way" not in " ".join(own.notes)


BAD_LATITUDES = ["nan", "inf", "", "1e400", "9e99"]


def with_bad_node(value: str, *, bounds: str = "") -> str:
    """The tiny neighbourhood whose node 2 (on Mill Lane and Church Street, and a bench)
    has ``lat`` written ``value``; ``bounds`` a header ``<bounds>`` element."""
    text = osm_xml().replace(
        '<node id="2" version="1" lat="53.65" lon="-2.629"/>',
        f'<node id="2" version="1" lat="{value}" lon="-2.629"><tag k="amenity" v="bench"/></node>',
    )
    return text.replace('generator="test">', f'generator="test">{bounds}')


@pytest.mark.parametrize("value", BAD_LATITUDES)
def test_every_reader_of_an_osm_file_takes_a_node_with_bad_coordinates_as_placeless(
    tmp_path, value
):
    # libosmium refuses the file for lat="nan" and reads lat="1e400" as 0 without a word
    # (a segment to the equator, thousands of km long): each reader says which node it was
    from click.testing import CliRunner

    from healthy_streets.cli import main
    from healthy_streets.io.osm_features import assets_from_osm_file
    from healthy_streets.io.osm_layers import osm_layers_from_file

    path = tmp_path / "bad.osm"
    path.write_text(
        with_bad_node(
            value, bounds='<bounds minlat="nan" minlon="-2.64" maxlat="53.66" maxlon="-2.62"/>'
        )
    )
    said = f"OSM node 2: lat {value!r}, lon '-2.629'"
    layers = osm_layers_from_file(path)
    for streets in (street_network_from_osm_file(path), layers.streets):
        assert streets.layer["length_m"].max() < 200  # metres: no street runs off the map
        rejected = streets.rejected.set_index("row")
        assert rejected.loc["way/10", "reason"] == (
            "Fewer than two of the way's nodes have a place (their coordinates are not "
            f"numbers in range: {said}); it cannot be drawn."
        )
        assert (
            streets.repaired.set_index("row")
            .loc["way/11", "reason"]
            .startswith("1 of its 3 nodes have no place")
        )
        assert any(
            n.startswith(f"1 OSM node had coordinates that are not numbers in range ({said}")
            for n in streets.notes
        )
    for assets in (assets_from_osm_file(path), layers.assets):
        assert "node/2" not in set(assets.layer["source_ref"])
        assert assets.rejected.set_index("row").loc["node/2", "reason"] == (
            "The OSM node has no usable coordinates (not numbers, or out of range)."
        )
    result = CliRunner().invoke(
        main, ["network", "--osm-file", str(path), "--output", str(tmp_path / "n.gpkg")]
    )
    assert result.exit_code == 0, result.output
    assert f"1 OSM node had coordinates that are not numbers in range ({said}" in " ".join(
        result.output.split()
    )


def test_a_coordinate_written_with_an_exponent_in_range_is_read_as_its_number(tmp_path):
    lengths = {}
    for value in ("5.365e1", "53.65"):
        path = tmp_path / f"{value}.osm"
        path.write_text(with_bad_node(value))
        streets = street_network_from_osm_file(path)
        assert not any("not numbers in range" in n for n in streets.notes)
        lengths[value] = streets.layer.set_index("segment_id")["length_m"].round(2).to_dict()
    assert lengths["5.365e1"] == lengths["53.65"]


def test_a_compressed_file_with_a_coordinate_read_as_zero_is_mended_too(tmp_path):
    path = tmp_path / "bad.osm.bz2"
    path.write_bytes(bz2.compress(with_bad_node("1e400").encode()))
    streets = street_network_from_osm_file(path)
    assert streets.layer["length_m"].max() < 200
    assert any("(OSM node 2: lat '1e400', lon '-2.629')" in n for n in streets.notes)


def _as_pbf(text: str, path):
    """The OSM XML ``text`` converted to ``path`` (.osm.pbf), as osmium cat would."""
    writer = osmium.SimpleWriter(str(path))
    try:
        for obj in osmium.FileProcessor(osmium.io.FileBuffer(text.encode(), "osm")):
            writer.add(obj)
    finally:
        writer.close()
    return path


def test_a_street_node_at_latitude_zero_far_from_the_rest_has_no_place(tmp_path):
    # what osmium makes of lat="1e400" when it converts a file: lat 0, far from Chorley
    path = _as_pbf(with_bad_node("0"), tmp_path / "converted.osm.pbf")
    streets = street_network_from_osm_file(path)
    assert streets.layer["length_m"].max() < 200
    said = "OSM node 2: lat 0.0, lon -2.629, far from the other nodes"
    assert "way/10" in set(streets.rejected["row"])
    assert any(f"not numbers in range ({said})" in n for n in streets.notes)
    # a street on the Greenwich meridian keeps its node at longitude 0
    greenwich = {n: (51.4769 + lat - 53.65, lon + 2.63) for n, (lat, lon) in NODES.items()}
    greenwich[1] = (51.4769, 0.0)
    streets = street_network_from_osm_file(
        _as_pbf(osm_xml(nodes=greenwich), tmp_path / "greenwich.osm.pbf")
    )
    assert not any("not numbers in range" in n for n in streets.notes)
    assert "way/10" not in set(streets.rejected["row"])


# A village (landuse=residential around nodes 100-103) and the lanes that leave it: one
# lane inside the village, one out in the fields, one out there but lit, one whose maxspeed
# gives no limit, and a residential street out there too (always a restricted road).
VILLAGE_NODES = {
    100: (53.6000, -0.7000),
    101: (53.6000, -0.6900),
    102: (53.6060, -0.6900),
    103: (53.6060, -0.7000),
    110: (53.6020, -0.6980),
    111: (53.6040, -0.6920),
    120: (53.6200, -0.7000),
    121: (53.6300, -0.7000),
    130: (53.6200, -0.6800),
    131: (53.6300, -0.6800),
    140: (53.6200, -0.6600),
    141: (53.6300, -0.6600),
    150: (53.6200, -0.6400),
    151: (53.6300, -0.6400),
    160: (53.6200, -0.6200),
    161: (53.6300, -0.6200),
    170: (53.6250, -0.6195),
    171: (53.6250, -0.6190),
    172: (53.6253, -0.6190),
}
VILLAGE_WAYS = [
    (100, [100, 101, 102, 103, 100], {"landuse": "residential"}),
    (110, [110, 111], {"highway": "unclassified", "name": "Main Street"}),
    (120, [120, 121], {"highway": "unclassified", "name": "Field Lane"}),
    (130, [130, 131], {"highway": "tertiary", "name": "Station Road", "lit": "yes"}),
    (140, [140, 141], {"highway": "secondary", "name": "Top Road", "maxspeed": "signals"}),
    (150, [150, 151], {"highway": "residential", "name": "Farm Cottages"}),
    (160, [160, 161], {"highway": "unclassified", "name": "Mill Lane"}),
    (170, [170, 171, 172, 170], {"building": "house"}),  # 33 m from Mill Lane
]


def test_an_unlit_road_outside_built_up_land_is_assumed_at_the_national_limit(tmp_path):
    path = tmp_path / "village.osm"
    path.write_text(osm_xml(VILLAGE_WAYS, VILLAGE_NODES))
    result = street_network_from_osm_file(path)
    streets = result.layer.set_index("name")
    assert streets.loc["Main Street", "speed_mph"] == 30.0  # in the village
    assert streets.loc["Field Lane", "speed_mph"] == 60.0  # out in the fields, unlit
    assert streets.loc["Station Road", "speed_mph"] == 30.0  # lit
    assert streets.loc["Farm Cottages", "speed_mph"] == 30.0  # a residential street
    assert streets.loc["Mill Lane", "speed_mph"] == 30.0  # a house by it: built-up
    assumed = streets.loc[["Main Street", "Field Lane", "Station Road"], "speed_source"]
    assert set(assumed) == {"default"}  # all still counted as assumed
    assert pd.isna(streets.loc["Top Road", "speed_mph"])  # maxspeed=signals: unknown
    notes = " ".join(result.notes)
    field_km = streets.loc["Field Lane", "length_m"] / 1000
    assert re.search(
        rf"{field_km:.1f} km of road with no speed tag .* lies outside the built-up land the "
        r"file maps .* national limit, 60 mph",
        notes,
    )
    top_km = streets.loc["Top Road", "length_m"] / 1000
    assert f"{top_km:.1f} km with maxspeed=signals (variable): read as unknown" in notes


def test_without_built_up_land_mapped_untagged_roads_stay_restricted(tmp_path):
    path = tmp_path / "lanes.osm"
    path.write_text(osm_xml(VILLAGE_WAYS[1:-1], VILLAGE_NODES))
    streets = street_network_from_osm_file(path).layer.set_index("name")
    assert streets.loc["Field Lane", "speed_mph"] == 30.0  # nothing tells town from country
