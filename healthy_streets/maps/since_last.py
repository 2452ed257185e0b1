"""The meeting map's marks for what changed since the last build.

A ring around each new report and each place added, a dashed ring around each report fixed
or closed, a faint dotted disc where a place was removed, in one layer ("Since the last
build") that the legend lists with its counts. What is marked is worked out in the data
(:func:`healthy_streets.analysis.changes.changes_since`); the page only draws it.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import shapely
from markupsafe import Markup

from healthy_streets.analysis.changes import Changes
from healthy_streets.maps.elements import GeoJsonLayer, html

__all__ = ["SINCE_LAST_STYLES", "since_last_layer"]

#: How each change is drawn: rings in black, told apart by their dashes and size (not by
#: colour), over the report's or place's own marker.
SINCE_LAST_STYLES: dict[str, dict[str, Any]] = {
    "new_report": {"color": "#000000", "weight": 3, "fill": False, "radius": 11},
    "report_fixed": {
        "color": "#000000",
        "weight": 3,
        "dashArray": "3 4",
        "fill": False,
        "radius": 11,
    },
    "asset_added": {"color": "#000000", "weight": 3, "fill": False, "radius": 18},
    "asset_removed": {
        "color": "#444444",
        "weight": 2,
        "dashArray": "2 4",
        "fill": True,
        "fillColor": "#ffffff",
        "fillOpacity": 0.7,
        "radius": 10,
    },
}
SINCE_LAST_STYLES["report_closed"] = SINCE_LAST_STYLES["report_fixed"]
SINCE_LAST_STYLES["asset_renamed"] = SINCE_LAST_STYLES["asset_added"]
#: Kinds drawn alike, counted together in the legend.
_SAME_RING = {"report_closed": "report_fixed", "asset_renamed": "asset_added"}
#: The legend's words for each drawn kind (fixed and closed share a ring).
_LEGEND = {
    "new_report": "New reports",
    "report_fixed": "Reports fixed or closed",
    "asset_added": "Places added or renamed",
    "asset_removed": "Places removed (where they were)",
}


def since_last_layer(
    changes: Changes, area: shapely.Geometry, crs: Any
) -> tuple[GeoJsonLayer | None, list[tuple[Markup, str, int]]]:
    """The layer marking the changes within ``area`` (in ``crs``), and the legend's rows:
    (symbol, words, how many) for each kind drawn."""
    table = changes.table.dropna(subset=["lat", "lon"])
    table = table[table["change"].isin(SINCE_LAST_STYLES)]
    points = gpd.GeoSeries(gpd.points_from_xy(table["lon"], table["lat"]), crs="EPSG:4326")
    if len(points):
        inside = points.to_crs(crs).within(area).to_numpy()
        table, points = table[inside], points[inside]
    if table.empty:
        return None, []
    frame = gpd.GeoDataFrame(
        table[["change", "change_text", "what", "street", "reported_on"]].astype("object"),
        geometry=points.to_numpy(),
        crs="EPSG:4326",
    )
    frame = frame.where(frame.notna(), None)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(p.x, 6), round(p.y, 6)]},
            "properties": {k: row[k] for k in ("change", "change_text", "what", "street")}
            | {"reported_on": row["reported_on"]},
        }
        for p, (_, row) in zip(frame.geometry, frame.iterrows(), strict=True)
    ]
    layer = GeoJsonLayer(
        {"type": "FeatureCollection", "features": features},
        name=f"Since the last build ({changes.since.day})",
        style_property="change",
        styles=SINCE_LAST_STYLES,
        popup=[
            ("Since the last build", "change_text"),
            ("What", "what"),
            ("Street", "street"),
            ("Reported", "reported_on"),
        ],
        key="since_last",
    )
    kinds = frame["change"].replace(_SAME_RING).value_counts()
    rows = [
        (_ring_symbol(SINCE_LAST_STYLES[kind]), words, int(kinds[kind]))
        for kind, words in _LEGEND.items()
        if kind in kinds
    ]
    return layer, rows


def _ring_symbol(style: dict[str, Any]) -> Markup:
    return html(
        '<svg width="24" height="24" aria-hidden="true"><circle cx="12" cy="12" r="9" '
        'fill="{fill}" fill-opacity="{opacity}" stroke="{colour}" stroke-width="{weight}" '
        'stroke-dasharray="{dash}"/></svg>',
        fill=style.get("fillColor", "none") if style.get("fill") else "none",
        opacity=style.get("fillOpacity", 1),
        colour=style["color"],
        weight=style["weight"],
        dash=style.get("dashArray") or "none",
    )
