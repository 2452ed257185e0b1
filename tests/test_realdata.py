"""The real-data tier: public files nobody on this project wrote, in ../shared/data."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from healthy_streets.analysis.attach import cut_streets_at_zones
from healthy_streets.io.assets import read_assets
from healthy_streets.io.osm import street_network_from_osm_file
from healthy_streets.io.zones import read_zones
from healthy_streets.maps.meeting import meeting_map
from healthy_streets.model.layers import ZONES, conform

pytestmark = pytest.mark.realdata


def test_leeds_xml_holds_highway_ways_only(shared_data):
    result = street_network_from_osm_file(shared_data / "osm" / "leeds_cycleway.osm")
    streets = result.layer
    assert result.rows_in == 354  # highway ways, areas and construction left out
    assert result.rows_in == result.kept + result.n_rejected
    assert streets["highway"].notna().all()
    # the York & Selby railway carries maxspeed 35/45 mph; it never becomes a street
    assert "York & Selby Lines" not in set(streets["name"].dropna())
    assert any("7 railway" in note and "7 of them carry maxspeed" in note for note in result.notes)
    speeds = set(streets["speed_mph"].dropna())
    assert {10.0, 20.0, 30.0, 40.0} <= speeds
    assert streets["speed_mph"].dropna().between(5, 70).all()
    assert streets["length_m"].sum() == pytest.approx(16_140, rel=0.05)


def test_leeds_pbf(shared_data):
    result = street_network_from_osm_file(shared_data / "osm" / "leeds_its.osm.pbf")
    assert result.rows_in == 180
    assert set(result.layer.loc[result.layer["speed_source"] == "maxspeed", "speed_mph"]) == {30}
    assert result.layer.crs == "EPSG:27700"


def test_sheffield_zones_in_both_crs_agree(shared_data):
    bng = read_zones(shared_data / "zones" / "sheffield_20mph_bng.geojson").layer
    lonlat = read_zones(shared_data / "zones" / "sheffield_20mph_crs84.geojson").layer
    assert len(bng) == len(lonlat) == 57
    assert bng.crs == lonlat.crs == "EPSG:27700"
    ratio = bng.geometry.area.sum() / lonlat.geometry.area.sum()
    assert ratio == pytest.approx(1.0, abs=0.001)
    assert (bng["implemented_precision"] == "season").sum() >= 1
    assert set(bng["status"]) <= {"implemented", "proposed", "unknown"}


def test_sheffield_strategy_map_statuses(shared_data):
    result = read_zones(shared_data / "zones" / "sheffield_20mph_strategy_crs84.geojson")
    zones = result.layer
    assert len(zones) == 219 == result.rows_in - result.n_rejected
    counts = zones["status"].value_counts()
    assert counts["implemented"] > 0
    assert counts["proposed"] > 0
    assert zones.geometry.is_valid.all()


@pytest.mark.parametrize(
    ("name", "rows", "category"),
    [
        ("trafford_community_hubs.csv", 6, None),
        ("trafford_libraries.geojson", 13, "library"),
        ("trafford_leisure_centres.geojson", 9, None),
    ],
)
def test_trafford_assets(shared_data, name, rows, category):
    result = read_assets(shared_data / "assets" / name)
    assert result.kept == rows
    assets = result.layer
    assert assets.crs == "EPSG:27700"
    # Trafford lies around E 370-385 km, N 385-400 km
    minx, miny, maxx, maxy = assets.total_bounds
    assert minx > 365_000 and maxx < 390_000
    assert miny > 380_000 and maxy < 400_000
    assert assets["name"].notna().all()
    if category:
        assert (assets["category"] == category).all()


def test_trafford_allotments_are_polygons(shared_data):
    result = read_assets(
        shared_data / "assets" / "trafford_allotments.geojson", category="Allotments"
    )
    assert result.kept == 35
    assert set(result.layer.geom_type) <= {"Polygon", "MultiPolygon"}
    assert (result.layer["category"] == "allotment").all()


def test_a_meeting_map_over_leeds(shared_data):
    streets = street_network_from_osm_file(shared_data / "osm" / "leeds_cycleway.osm").layer
    centre = streets.union_all().centroid
    zones = conform(
        gpd.GeoDataFrame(
            {
                "zone_id": ["leeds-centre"],
                "name": ["Leeds centre (drawn for a test)"],
                "status": ["implemented"],
            },
            geometry=[shapely.Point(centre.x, centre.y).buffer(250)],
            crs=streets.crs,
        ),
        ZONES,
    )
    cut = cut_streets_at_zones(streets, zones)
    inside = cut[cut["zone_id"] == "leeds-centre"]
    assert inside.length.max() <= 500
    page = meeting_map("leeds-centre", zones=zones, streets=cut).get_root().render()
    assert "Leeds centre (drawn for a test)" in page
