import json

import pytest

from healthy_streets.io.assets import read_assets
from healthy_streets.io.osm_features import assets_from_osm_file, category_from_osm_tags

from conftest import SAMPLE


@pytest.fixture(scope="module")
def truth():
    return json.loads((SAMPLE / "truth.json").read_text())


def test_sample_osm_features_become_assets(truth):
    result = assets_from_osm_file(SAMPLE / "yarrowside.osm")
    assets = result.layer
    counts = assets["category"].value_counts()
    points = truth["osm"]["point_features"]
    assert counts["bench"] == points["amenity=bench"]
    assert counts["tree"] == points["natural=tree"]
    assert counts["bin"] == points["amenity=waste_basket"]
    assert counts["crossing"] == truth["osm"]["crossing_nodes"]
    assert counts["bus_stop"] == points["highway=bus_stop"]
    assert (assets["source"] == "OpenStreetMap").all()
    # parks, school grounds and allotments are polygons
    polygons = assets[assets.geom_type.isin(["Polygon", "MultiPolygon"])]
    assert set(polygons["category"]) >= {"park", "school", "allotment"}
    dog_bins = assets["notes"].fillna("").str.startswith("Dog waste bin")
    assert dog_bins.sum() == points["dog_waste_bins"]
    assert assets["source_ref"].str.match(r"^(node|way|relation)/\d+$").all()


def test_read_assets_knows_an_osm_file():
    assert read_assets(SAMPLE / "yarrowside.osm").kept > 100


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"amenity": "bench"}, ("bench", "amenity=bench")),
        ({"leisure": "park", "name": "Lapwing Park"}, ("park", "leisure=park")),
        ({"amenity": "waste_basket", "waste": "dog_excrement"}, ("bin", "amenity=waste_basket")),
        ({"shop": "convenience"}, ("shop_cafe", "shop=convenience")),
        ({"highway": "crossing", "crossing": "zebra"}, ("crossing", "highway=crossing")),
        # a shelter at a stop is the stop's; a picnic or weather shelter is a place to rest
        (
            {"amenity": "shelter", "shelter_type": "public_transport"},
            ("bus_stop", "amenity=shelter"),
        ),
        ({"amenity": "shelter", "shelter_type": "picnic_shelter"}, ("bench", "amenity=shelter")),
        ({"highway": "residential"}, None),
        ({"building": "yes"}, None),
        # a sports club's ground or clubhouse, not a community group; other clubs are no asset
        ({"club": "sport", "sport": "cricket"}, ("sport_leisure", "club=sport")),
        ({"leisure": "sports_club"}, ("sport_leisure", "leisure=sports_club")),
        (
            {"amenity": "community_centre", "club": "sport"},
            ("community_centre", "amenity=community_centre"),
        ),
        ({"club": "scout"}, None),
    ],
)
def test_osm_presets(tags, expected):
    assert category_from_osm_tags(tags) == expected


def test_a_bench_whose_coordinates_are_not_numbers_is_rejected_the_rest_read(tmp_path):
    path = tmp_path / "benches.osm"
    path.write_text(
        '<?xml version="1.0"?><osm version="0.6">'
        '<node id="1" lat="53.65" lon="-2.63"><tag k="amenity" v="bench"/></node>'
        '<node id="2" lat="nan" lon="-2.63"><tag k="amenity" v="bench"/></node>'
        '<node id="3" lat="53.651" lon="Infinity"><tag k="amenity" v="bench"/></node>'
        "</osm>"
    )
    result = assets_from_osm_file(path)
    assert result.layer["source_ref"].tolist() == ["node/1"]
    rejected = result.rejected.set_index("row")
    assert rejected.loc["node/2", "reason"] == (
        "The OSM node has no usable coordinates (not numbers, or out of range)."
    )
    assert rejected.loc["node/3", "value"] == "lat '53.651', lon 'Infinity'"
    assert (result.rows_in, result.kept, result.n_rejected) == (3, 1, 2)
    assert any("2 OSM nodes had coordinates that are not numbers" in n for n in result.notes)


def test_sports_clubs_in_an_osm_file_are_read_as_sports_and_leisure(tmp_path):
    path = tmp_path / "clubs.osm"
    path.write_text(
        '<?xml version="1.0"?><osm version="0.6">'
        '<node id="1" lat="53.65" lon="-2.63"><tag k="club" v="sport"/>'
        '<tag k="sport" v="cricket"/><tag k="name" v="Chorley Cricket Club"/></node>'
        '<node id="2" lat="53.651" lon="-2.63"><tag k="leisure" v="sports_club"/></node>'
        '<node id="3" lat="53.652" lon="-2.63"><tag k="club" v="scout"/></node>'
        "</osm>"
    )
    result = assets_from_osm_file(path)
    layer = result.layer.set_index("source_ref")
    assert layer["category"].to_dict() == {"node/1": "sport_leisure", "node/2": "sport_leisure"}
    assert layer.loc["node/1", "name"] == "Chorley Cricket Club"
