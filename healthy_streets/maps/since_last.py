"""The meeting map's marks for what changed since the last build.

A ring around each new report and each place added, a dashed ring around each report fixed
or closed, a faint dotted disc where a place was removed, in one layer ("Since the last
build") that the legend lists with its counts. What is marked is worked out in the data
(:func:`healthy_streets.analysis.changes.changes_since`); the page only draws it. The legend
and the map's heading count the zone's changes from one source
(:meth:`~healthy_streets.analysis.changes.Changes.zone_counts`); the rings drawn just
outside the zone are added to the legend as "nearby", and said under the heading.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import shapely
from markupsafe import Markup

from healthy_streets.analysis.changes import COUNT_COLUMNS, Changes, count_changes, describe_counts
from healthy_streets.maps.elements import GeoJsonLayer, html

__all__ = ["SINCE_LAST_STYLES", "SinceLastMarks", "since_last_marks"]

_NONE = Markup("")

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
#: The legend's words for each count (:data:`~healthy_streets.analysis.changes.COUNT_COLUMNS`),
#: in its order; its symbol is the ring of its first kind of change (none: not drawn).
_LEGEND = {
    "new_reports": "New reports",
    "reports_fixed_or_closed": "Reports fixed or closed",
    "reports_gone": "Reports no longer in the data (not drawn: see tables/changes.csv)",
    "assets_added": "Places added",
    "assets_renamed": "Places renamed or recategorised",
    "assets_removed": "Places removed (where they were)",
}


@dataclass
class SinceLastMarks:
    """What a zone's map shows of the changes since the last build.

    Attributes
    ----------
    layer
        The rings, around the changes within the map's view (``None``: none there).
    zone
        The zone's counts (:meth:`~healthy_streets.analysis.changes.Changes.zone_counts`):
        what the heading says and the legend counts.
    nearby
        The counts of the changes ringed on the map outside the zone (in a neighbouring
        zone, or outside every zone), which the legend adds as "nearby".
    """

    layer: GeoJsonLayer | None
    zone: dict[str, int]
    nearby: dict[str, int]

    def legend_rows(self) -> list[tuple[Markup, str, str]]:
        """(symbol, words, how many) for each count that is not nought here or nearby:
        ``("…", "New reports", "1 (+2 nearby)")``."""
        rows = []
        for column, words in _LEGEND.items():
            here, near = self.zone[column], self.nearby[column]
            if not here and not near:
                continue
            kind = COUNT_COLUMNS[column][0]
            symbol = _ring_symbol(SINCE_LAST_STYLES[kind]) if kind in SINCE_LAST_STYLES else _NONE
            amount = f"{here:,}" + (f" (+{near:,} nearby)" if near else "")
            rows.append((symbol, words, amount))
        return rows

    def nearby_sentence(self) -> str:
        """``Also ringed on this map, outside the zone: 2 new reports.`` (empty if none)."""
        said = describe_counts(self.nearby, only_found=True)
        return f"Also ringed on this map, outside the zone: {said}." if said else ""


def since_last_marks(
    changes: Changes, area: shapely.Geometry, crs: Any, *, zone_id: str
) -> SinceLastMarks:
    """The marks of zone ``zone_id``'s map, whose view is ``area`` (in ``crs``): the rings
    around the changes within it, the zone's counts and those of the changes ringed
    outside the zone."""
    zone = changes.zone_counts(zone_id)
    table = changes.table.dropna(subset=["lat", "lon"])
    table = table[table["change"].isin(SINCE_LAST_STYLES)]
    points = gpd.GeoSeries(gpd.points_from_xy(table["lon"], table["lat"]), crs="EPSG:4326")
    if len(points):
        inside = points.to_crs(crs).within(area).to_numpy()
        table, points = table[inside], points[inside]
    nearby = count_changes(table[table["zone_id"].astype("object") != zone_id])
    if table.empty:
        return SinceLastMarks(layer=None, zone=zone, nearby=nearby)
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
    return SinceLastMarks(layer=layer, zone=zone, nearby=nearby)


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
