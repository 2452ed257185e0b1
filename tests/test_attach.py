import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from healthy_streets.analysis.attach import (
    assign_zones,
    attach_to_streets,
    cut_streets_at_zones,
    disjoint_zones,
)
from healthy_streets.analysis.tables import OUTSIDE, key_figures
from healthy_streets.errors import ConfigError
from healthy_streets.model.layers import ASSETS, REPORTS, STREETS, conform

from conftest import square


def streets_layer(rows):
    """rows: (segment_id, name, speed_mph, road_class, coordinates)."""
    frame = gpd.GeoDataFrame(
        {
            "segment_id": [r[0] for r in rows],
            "osm_way_id": np.arange(1, len(rows) + 1),
            "name": [r[1] for r in rows],
            "highway": ["residential"] * len(rows),
            "road_class": [r[3] for r in rows],
            "speed_mph": [r[2] for r in rows],
            "speed_source": ["maxspeed"] * len(rows),
        },
        geometry=[shapely.LineString(r[4]) for r in rows],
        crs="EPSG:27700",
    )
    frame["length_m"] = frame.length
    return conform(frame, STREETS)


@pytest.fixture
def streets():
    y = 417050
    return streets_layer(
        [
            # 50 m outside, 100 m in West, 50 m in East
            ("a", "Long Street", 20.0, "local", [(357950, y), (358150, y)]),
            # wholly outside
            ("b", "Far Road", 30.0, "local", [(359000, y), (359100, y)]),
            # a footpath inside West
            ("c", None, None, "path", [(358010, 417010), (358010, 417090)]),
        ]
    )


def points(layer_spec, xy, **columns):
    frame = gpd.GeoDataFrame(columns, geometry=[shapely.Point(p) for p in xy], crs="EPSG:27700")
    return conform(frame, layer_spec)


def test_streets_are_cut_at_zone_boundaries(streets, two_zones):
    cut = cut_streets_at_zones(streets, two_zones)
    lengths = cut.groupby(cut["zone_id"].fillna(OUTSIDE))["length_m"].sum()
    assert lengths["west"] == pytest.approx(100 + 80)  # Long Street's 100 m + the path's 80 m
    assert lengths["east"] == pytest.approx(50)
    assert lengths[OUTSIDE] == pytest.approx(50 + 100)
    assert cut["length_m"].sum() == pytest.approx(streets["length_m"].sum())
    long_street = cut[cut["osm_way_id"] == 1].set_index("segment_id")
    assert sorted(long_street.index) == ["a-1", "a-2", "a-3"]
    assert list(cut.columns) == STREETS.column_names


def test_overlapping_zones_give_each_place_one_zone(two_zones):
    overlapping = two_zones.copy()
    overlapping.loc[1, "geometry"] = shapely.box(358050, 417000, 358200, 417100)  # 50 m over West
    # the overlap goes to the zone first by zone_id ("east"), in whatever order the file is
    y = 417050
    street = streets_layer([("a", "x", 20, "local", [(358000, y), (358200, y)])])
    for zones in (overlapping, overlapping.iloc[::-1]):
        flat = disjoint_zones(zones).set_index("zone_id")
        assert flat.geometry.area.to_dict() == pytest.approx({"west": 5_000, "east": 15_000})
        cut = cut_streets_at_zones(street, zones)
        assert cut.groupby("zone_id")["length_m"].sum().to_dict() == pytest.approx(
            {"west": 50, "east": 150}
        )
        inside_both = points(REPORTS, [(358075, y)], report_id=["1"])
        assert assign_zones(inside_both, zones)["zone_id"].tolist() == ["east"]


def test_a_point_on_a_boundary_is_in_the_zone_and_a_shared_edge_follows_zone_id(two_zones):
    # (358000, y): West's outer edge; (358100, y): the edge West and East share
    y = 417050
    reports = points(REPORTS, [(358000, y), (358100, y), (358100, 417000)], report_id=list("abc"))
    for zones in (two_zones, two_zones.iloc[::-1]):
        assert assign_zones(reports, zones)["zone_id"].tolist() == ["west", "east", "east"]
    # a street across both zones and beyond: its pieces are numbered along it, from its
    # start, whichever zone comes first in the file
    across = streets_layer([("s", "Cross St", 30.0, "local", [(357950, y), (358250, y)])])
    for zones in (two_zones, two_zones.iloc[::-1]):
        cut = cut_streets_at_zones(across, zones)
        zone = cut["zone_id"].fillna(OUTSIDE)
        pieces = {
            s: (z, m) for s, z, m in zip(cut["segment_id"], zone, cut["length_m"], strict=True)
        }
        assert pieces == {
            "s-1": (OUTSIDE, 50.0),
            "s-2": ("west", 100.0),
            "s-3": ("east", 100.0),
            "s-4": (OUTSIDE, 50.0),
        }


def test_the_area_outside_is_cut_at_the_import_buffer(two_zones):
    # 300 m from West's edge to 500 m away: only the first 100 m lies within 200 m of the zones
    y = 417050
    far = streets_layer([("f", "Far Lane", 30.0, "local", [(357700, y), (357500, y)])])
    whole = cut_streets_at_zones(far, two_zones)
    assert whole["length_m"].sum() == pytest.approx(200)
    near = cut_streets_at_zones(far, two_zones, outside_within_m=200)
    assert near["length_m"].sum() == pytest.approx(0)
    crossing = streets_layer([("g", "Long Lane", 30.0, "local", [(358050, y), (357500, y)])])
    cut = cut_streets_at_zones(crossing, two_zones, outside_within_m=200)
    by_zone = cut.groupby(cut["zone_id"].fillna(OUTSIDE))["length_m"].sum()
    assert by_zone.to_dict() == pytest.approx({"west": 50, OUTSIDE: 200})


def test_assign_zones_to_points_and_polygons(two_zones):
    reports = points(
        REPORTS, [(358050, 417050), (358150, 417050), (359000, 417050)], report_id=["1", "2", "3"]
    )
    assigned = assign_zones(reports, two_zones)
    assert assigned["zone_id"].tolist()[:2] == ["west", "east"]
    assert pd.isna(assigned["zone_id"].iloc[2])
    park = gpd.GeoDataFrame(
        {"asset_id": ["p"], "category": ["park"]},
        geometry=[square(358110, 417010, 50)],
        crs="EPSG:27700",
    )
    assert assign_zones(conform(park, ASSETS), two_zones)["zone_id"].tolist() == ["east"]


def test_layers_in_another_crs_are_refused(two_zones):
    reports = points(REPORTS, [(358050, 417050)], report_id=["1"]).to_crs("EPSG:4326")
    with pytest.raises(ConfigError, match="EPSG:4326.*working CRS"):
        assign_zones(reports, two_zones)


def test_attach_to_the_nearest_street_within_the_distance(streets):
    reports = points(
        REPORTS,
        [(358060, 417058), (358011, 417030), (358500, 417500)],
        report_id=["near", "path", "far"],
    )
    attached = attach_to_streets(reports, streets, max_distance_m=50).set_index("report_id")
    assert attached.loc["near", "segment_id"] == "a"
    assert attached.loc["near", "street_name"] == "Long Street"
    assert attached.loc["near", "street_distance_m"] == pytest.approx(8.0)
    assert attached.loc["path", "segment_id"] == "c"
    assert attached.loc["path", "street_distance_m"] == pytest.approx(1.0)
    assert pd.isna(attached.loc["far", "segment_id"])
    assert np.isnan(attached.loc["far", "street_distance_m"])


def test_key_figures(streets, two_zones):
    cut = cut_streets_at_zones(streets, two_zones)
    reports = assign_zones(
        points(
            REPORTS,
            [(358050, 417050), (358060, 417050), (359000, 417050)],
            report_id=["1", "2", "3"],
            reported_at=pd.to_datetime(["2020-01-01", "2024-06-01", "2024-06-30"]).tz_localize(
                "Europe/London"
            ),
        ),
        two_zones,
    )
    assets = assign_zones(points(ASSETS, [(358150, 417050)], asset_id=["x"]), two_zones)
    table = key_figures(two_zones, cut, assets, reports)
    assert table.index.tolist() == ["west", "east", OUTSIDE]
    assert table.loc["west", "street_km"] == pytest.approx(0.1)  # the path does not count
    assert table.loc["west", "share_20mph"] == 1.0
    assert table.loc[OUTSIDE, "street_km"] == pytest.approx(0.15)
    assert table.loc[OUTSIDE, "share_20mph"] == pytest.approx(0.333, abs=1e-3)
    assert table["assets"].tolist() == [0, 1, 0]
    assert table["reports"].tolist() == [2, 0, 1]
    assert table["reports_past_year"].tolist() == [1, 0, 1]


def test_a_street_along_a_shared_boundary_counts_once(two_zones):
    # Main Road runs along the edge West and East share, then on into East
    main = streets_layer(
        [("m", "Main Road", 30.0, "local", [(358100, 416950), (358100, 417100), (358180, 417100)])]
    )
    for zones in (two_zones, two_zones.iloc[::-1]):
        cut = cut_streets_at_zones(main, zones)
        assert cut["length_m"].sum() == pytest.approx(main["length_m"].sum())
        by_zone = cut.groupby(cut["zone_id"].fillna(OUTSIDE))["length_m"].sum()
        # the 100 m along the shared edge and the 80 m on into East: East, first by zone_id
        assert by_zone.to_dict() == pytest.approx({"east": 180, OUTSIDE: 50})


def _random_lines(rng, count, extent, *, step=60.0):
    starts = rng.uniform(0, extent, (count, 2))
    turns = rng.normal(0, step, (count, 3, 2)).cumsum(axis=1)
    return shapely.linestrings(np.concatenate([starts[:, None], starts[:, None] + turns], axis=1))


def test_overlaps_are_removed_between_the_zones_that_meet_only():
    """Zones in a random order, overlapping and sharing edges: each keeps what no zone
    ranked before it covers, the same area as taking away the union of every zone before
    it (as the zones were done one after another)."""
    rng = np.random.default_rng(4)
    boxes = [square(*rng.uniform(0, 2000, 2), rng.uniform(100, 500)) for _ in range(60)]
    boxes += [square(0, 0, 100), square(100, 0, 100)]  # an edge shared
    ids = rng.permutation([f"Z{i:03d}" for i in range(len(boxes))])
    zones = gpd.GeoDataFrame({"zone_id": ids}, geometry=boxes, crs="EPSG:27700")
    flat = disjoint_zones(zones).geometry.to_numpy()
    taken = shapely.Polygon()
    for i in np.argsort(ids):
        expected = shapely.difference(boxes[i], taken)
        assert abs(shapely.area(flat[i]) - shapely.area(expected)) < 1e-6
        assert shapely.area(shapely.symmetric_difference(flat[i], expected)) < 1e-6
        taken = shapely.union(taken, boxes[i])
    assert sum(shapely.area(flat)) == pytest.approx(shapely.area(taken))


def test_streets_clipped_by_the_parts_they_meet_are_those_clipped_by_the_whole_area():
    """The buffer around the zones is many polygons (with holes): each street clipped by
    the ones it meets, or kept whole where one holds it, is the same line, point for point,
    as the street clipped by all of them."""
    from healthy_streets.analysis.attach import _clipped

    rng = np.random.default_rng(8)
    rings = [square(*rng.uniform(0, 3000, 2), rng.uniform(50, 400)) for _ in range(40)]
    area = shapely.union_all(rings).buffer(20)
    area = shapely.difference(area, square(1000, 1000, 150))  # a hole, if it falls inside
    lines = _random_lines(rng, 3000, 3000)  # some cross themselves
    lines[:50] = shapely.linestrings(  # some repeat a point
        np.repeat(shapely.get_coordinates(lines[:50]).reshape(50, 4, 2), 2, axis=1)
    )
    got = _clipped(lines, shapely.get_parts(area))
    expected = shapely.intersection(lines, area)
    assert (shapely.to_wkb(got) == shapely.to_wkb(expected)).all()
    assert 100 < int((~shapely.is_empty(got)).sum()) < len(lines)  # some in, some out


def test_streets_cut_against_their_own_zones_have_the_lengths_the_whole_union_gave():
    """Each street less the zones it meets is the street less every zone."""
    from healthy_streets.analysis.attach import _outside_zones

    rng = np.random.default_rng(6)
    zones = np.array([square(*rng.uniform(0, 3000, 2), rng.uniform(50, 400)) for _ in range(80)])
    lines = _random_lines(rng, 2000, 3000)
    zone_idx, street_idx = shapely.STRtree(lines).query(zones, predicate="intersects")
    touched, outside = _outside_zones(lines, street_idx, zones, zone_idx)
    expected = shapely.difference(lines[touched], shapely.union_all(zones))
    assert shapely.length(outside) == pytest.approx(shapely.length(expected), abs=1e-9)
    assert shapely.equals(outside, expected).all()
    assert len(touched) > 200
