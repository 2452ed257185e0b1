"""Small layers built in code, where the right answers are known by hand."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from healthy_streets.model.layers import ASSETS, REPORTS, STREETS, ZONES, conform

CRS = "EPSG:27700"
X0, Y0 = 358000.0, 417000.0


def zones(rows):
    """rows: (zone_id, status, implemented_on or None, (x0, y0, x1, y1))."""
    frame = gpd.GeoDataFrame(
        {
            "zone_id": [r[0] for r in rows],
            "name": [r[0].title() for r in rows],
            "status": [r[1] for r in rows],
            "implemented_on": pd.to_datetime([r[2] for r in rows]),
            "implemented_precision": ["day" if r[2] else "unknown" for r in rows],
        },
        geometry=[shapely.box(*r[3]) for r in rows],
        crs=CRS,
    )
    return conform(frame, ZONES)


def streets(rows):
    """rows: (segment_id, name, highway, road_class, speed_mph, speed_source, signed,
    maxspeed, zone_id, coordinates)."""
    frame = gpd.GeoDataFrame(
        {
            "segment_id": [r[0] for r in rows],
            "osm_way_id": np.arange(1, len(rows) + 1),
            "name": [r[1] for r in rows],
            "highway": [r[2] for r in rows],
            "road_class": [r[3] for r in rows],
            "speed_mph": [r[4] for r in rows],
            "speed_source": [r[5] for r in rows],
            "signed_20mph_zone": [r[6] for r in rows],
            "maxspeed": [r[7] for r in rows],
            "zone_id": [r[8] for r in rows],
        },
        geometry=[shapely.LineString(r[9]) for r in rows],
        crs=CRS,
    )
    frame["length_m"] = frame.length
    return conform(frame, STREETS)


def reports(rows):
    """rows: (report_id, category, status, reported_at, fixed_at, zone_id, segment_id, (x, y))."""
    frame = gpd.GeoDataFrame(
        {
            "report_id": [r[0] for r in rows],
            "category": [r[1] for r in rows],
            "status": [r[2] for r in rows],
            "reported_at": pd.to_datetime([r[3] for r in rows]).tz_localize("Europe/London"),
            "fixed_at": pd.to_datetime([r[4] for r in rows]).tz_localize("Europe/London"),
            "zone_id": [r[5] for r in rows],
            "segment_id": [r[6] for r in rows],
        },
        geometry=[shapely.Point(r[7]) for r in rows],
        crs=CRS,
    )
    return conform(frame, REPORTS)


def assets(rows):
    """rows: (asset_id, category, zone_id, geometry)."""
    frame = gpd.GeoDataFrame(
        {
            "asset_id": [r[0] for r in rows],
            "name": [r[0] for r in rows],
            "category": [r[1] for r in rows],
            "zone_id": [r[2] for r in rows],
            "source": "test",
        },
        geometry=[r[3] for r in rows],
        crs=CRS,
    )
    return conform(frame, ASSETS)
