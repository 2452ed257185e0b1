"""The meeting map: one self-contained HTML page per zone, for a community meeting.

Layers: the zone (implemented solid, proposed dashed) with neighbouring zones faint; streets
coloured by speed limit with a second cue in width and dash; community assets; resident
reports. A title block and a legend that lists exactly what is drawn. Everything the page
needs is inside it: it works with no internet, and OpenStreetMap tiles appear when online.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from healthy_streets import settings
from healthy_streets._files import check_output, write_text_atomic
from healthy_streets.maps.elements import (
    GeoJsonLayer,
    OfflineFigure,
    PanelHtml,
    PointLayer,
    ToolkitAssets,
    html,
)
from healthy_streets.maps.style import (
    ASSET_COLOURS,
    PATH_STYLE,
    REPORT_COLOURS,
    SPEED_BANDS,
    leaflet_style,
    speed_band,
)
from healthy_streets.model.taxonomy import ASSET_CATEGORIES, REPORT_CATEGORIES

__all__ = ["meeting_map", "save_map"]

#: Decimal places of longitude/latitude written into maps (6 is about 0.1 m).
COORD_DECIMALS = 6

ZONE_STYLES = {
    "implemented": {
        "color": "#1a1a1a",
        "weight": 4,
        "fill": True,
        "fillColor": "#0072B2",
        "fillOpacity": 0.06,
    },
    "proposed": {
        "color": "#1a1a1a",
        "weight": 4,
        "dashArray": "12 8",
        "fill": True,
        "fillColor": "#E69F00",
        "fillOpacity": 0.05,
    },
    "*": {
        "color": "#1a1a1a",
        "weight": 3,
        "dashArray": "4 6",
        "fill": True,
        "fillColor": "#999999",
        "fillOpacity": 0.05,
    },
}
NEIGHBOUR_STYLE = {
    "*": {"color": "#555555", "weight": 2, "opacity": 0.5, "dashArray": "2 6", "fill": False}
}

STATUS_WORDS = {"implemented": "In force", "proposed": "Proposed", "unknown": "Status unknown"}


def meeting_map(
    zone_id: str,
    *,
    zones: gpd.GeoDataFrame,
    streets: gpd.GeoDataFrame,
    assets: gpd.GeoDataFrame | None = None,
    reports: gpd.GeoDataFrame | None = None,
    margin_m: float = 250.0,
    made_on: dt.date | None = None,
    tiles: bool = True,
) -> folium.Map:
    """Build the meeting map for one zone.

    Parameters
    ----------
    zone_id
        The zone, by its ``zone_id``.
    zones, streets, assets, reports
        The normalised layers (in the working CRS); streets, assets and reports are shown
        within ``margin_m`` of the zone.
    margin_m
        How far around the zone the map shows things, in metres.
    made_on
        The date printed as "made on" (default today).
    tiles
        Add OpenStreetMap tiles (shown when the laptop is online).

    Returns
    -------
    folium.Map
        Display it in Jupyter, or write it with :func:`save_map`.

    Examples
    --------
    >>> m = meeting_map("church-fields", zones=zones, streets=streets,
    ...                 assets=assets, reports=reports)  # doctest: +SKIP
    >>> save_map(m, "church-fields.html", overwrite=True)  # doctest: +SKIP
    """
    matches = zones[zones["zone_id"] == zone_id]
    if matches.empty:
        from healthy_streets.errors import ConfigError

        known = ", ".join(zones["zone_id"].astype("str"))
        raise ConfigError(f"There is no zone {zone_id!r}; the zones are: {known}.")
    zone = matches.iloc[0]
    area = zone.geometry.buffer(margin_m)
    nearby = _within(streets, area)
    near_assets = _within(assets, area)
    near_reports = _within(reports, area)

    bounds = gpd.GeoSeries([zone.geometry], crs=zones.crs).to_crs(settings.map_crs).total_bounds
    figure = OfflineFigure(title=f"{zone['name']} – healthy streets map")
    fmap = folium.Map(
        location=[(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2],
        zoom_start=16,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        max_zoom=19,
    )
    figure.add_child(fmap)
    fmap.add_child(ToolkitAssets())
    if tiles:
        folium.TileLayer(
            "OpenStreetMap",
            name="Background map (needs internet)",
            attr="© OpenStreetMap contributors",
            max_zoom=19,
        ).add_to(fmap)

    others = zones[zones["zone_id"] != zone_id]
    if not others.empty:
        fmap.add_child(
            GeoJsonLayer(
                _geojson(others, ["name"]),
                name="Other 20mph zones",
                styles=NEIGHBOUR_STYLE,
                tooltip="name",
                key="other_zones",
            )
        )
    fmap.add_child(
        GeoJsonLayer(
            _geojson(matches, ["name", "status"]),
            name="This 20mph zone",
            key="zone",
            style_property="status",
            styles=ZONE_STYLES,
            interactive=False,
        )
    )
    street_counts = _add_streets(fmap, nearby)
    asset_counts = _add_points(fmap, near_assets, kind="assets")
    report_counts = _add_points(fmap, near_reports, kind="reports")

    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    fmap.add_child(PanelHtml(_title_block(zone, near_reports, made_on or dt.date.today())))
    fmap.add_child(PanelHtml(_legend(street_counts, asset_counts, report_counts)))
    return fmap


def save_map(
    fmap: folium.Map,
    path: str | Path,
    *,
    overwrite: bool = False,
    inputs: Iterable[str | Path] = (),
) -> Path:
    """Write a map as one self-contained HTML file, atomically.

    Parameters
    ----------
    fmap
        A map from :func:`meeting_map`.
    path
        The HTML file to write.
    overwrite
        Replace an existing file.
    inputs
        Input files, which are never overwritten.
    """
    target = check_output(path, overwrite=overwrite, inputs=inputs)
    root = fmap.get_root()
    return write_text_atomic(target, root.render())


def _within(layer: gpd.GeoDataFrame | None, area: Any) -> gpd.GeoDataFrame:
    if layer is None or layer.empty:
        return gpd.GeoDataFrame(geometry=[], crs=settings.working_crs)
    hits = layer.sindex.query(area, predicate="intersects")
    return layer.iloc[np.sort(hits)]


def _geojson(frame: gpd.GeoDataFrame, properties: Sequence[str]) -> dict[str, Any]:
    """GeoJSON in EPSG:4326 with only ``properties`` (missing values as null)."""
    out = frame[[*properties, "geometry"]].to_crs(settings.map_crs)
    out = out.astype(dict.fromkeys(properties, "object"))
    out[list(properties)] = out[list(properties)].where(out[list(properties)].notna(), None)
    return out.__geo_interface__ if len(out) else {"type": "FeatureCollection", "features": []}


def _round_coords(data: dict[str, Any]) -> dict[str, Any]:
    def walk(value: Any) -> Any:
        if isinstance(value, list | tuple):
            if value and isinstance(value[0], float | int):
                return [round(float(v), COORD_DECIMALS) for v in value]
            return [walk(v) for v in value]
        return value

    for feature in data.get("features", []):
        geometry = feature.get("geometry")
        if geometry:
            geometry["coordinates"] = walk(geometry["coordinates"])
        feature.pop("bbox", None)
        feature.pop("id", None)
    data.pop("bbox", None)
    return data


def _add_streets(fmap: folium.Map, streets: gpd.GeoDataFrame) -> dict[str, float]:
    """Streets by speed band; returns km of street per band key."""
    if streets.empty:
        return {}
    frame = streets.copy()
    frame["band"] = np.where(
        frame["road_class"] == "path", "path", frame["speed_mph"].map(speed_band)
    )
    frame["limit"] = frame["speed_mph"].map(lambda v: f"{v:g} mph" if pd.notna(v) else "Not known")
    frame["street"] = frame["name"].fillna("Unnamed " + frame["highway"].astype("str"))
    styles = {band.key: leaflet_style(band.key) for band in SPEED_BANDS}
    styles["path"] = PATH_STYLE
    data = _round_coords(_geojson(frame, ["street", "limit", "band", "highway"]))
    fmap.add_child(
        GeoJsonLayer(
            data,
            name="Streets by speed limit",
            key="streets",
            style_property="band",
            styles=styles,
            popup=[("Street", "street"), ("Speed limit", "limit"), ("Type", "highway")],
            tooltip="street",
        )
    )
    roads = frame[frame["band"] != "path"]
    return (roads.groupby("band")["length_m"].sum() / 1000).round(2).to_dict()


def _add_points(fmap: folium.Map, layer: gpd.GeoDataFrame, *, kind: str) -> dict[str, int]:
    """Assets or reports as a point layer; returns counts per category key."""
    if layer.empty:
        return {}
    labels = ASSET_CATEGORIES if kind == "assets" else REPORT_CATEGORIES
    colours = ASSET_COLOURS if kind == "assets" else REPORT_COLOURS
    frame = layer.copy()
    frame.geometry = frame.geometry.representative_point()
    frame = frame.to_crs(settings.map_crs)
    keys = [k for k in labels if k in set(frame["category"])]
    index = {k: i for i, k in enumerate(keys)}
    categories = [{"key": k, "label": labels[k], "colour": colours[k]} for k in keys]
    columns: dict[str, list[Any]] = {
        "lat": frame.geometry.y.round(COORD_DECIMALS).tolist(),
        "lon": frame.geometry.x.round(COORD_DECIMALS).tolist(),
        "cat": frame["category"].map(index).astype("int64").tolist(),
    }
    if kind == "assets":
        columns["name"] = _texts(frame["name"])
        columns["notes"] = _texts(frame["notes"])
        columns["source"] = _texts(frame["source"])
        popup = [("Name", "name"), ("Category", "cat"), ("Notes", "notes"), ("Source", "source")]
        name = "Community assets"
    else:
        columns["title"] = _texts(frame["title"])
        columns["date"] = frame["reported_at"].dt.strftime("%d %b %Y").tolist()
        columns["status"] = _texts(frame["status"].str.capitalize())
        columns["street"] = _texts(frame.get("street_name", pd.Series(index=frame.index)))
        columns["detail"] = _texts(frame["detail"].str.slice(0, 280))
        popup = [
            ("Report", "title"),
            ("Category", "cat"),
            ("Date", "date"),
            ("Status", "status"),
            ("Street", "street"),
            ("Details", "detail"),
        ]
        name = "Resident reports"
    fmap.add_child(
        PointLayer(
            columns,
            categories=categories,
            name=name,
            key=kind,
            popup=popup,
            cluster=kind == "reports",
            radius=8 if kind == "assets" else 6,
        )
    )
    return frame["category"].value_counts().to_dict()


def _texts(values: pd.Series) -> list[str | None]:
    return [None if pd.isna(v) else str(v) for v in values]


def _title_block(zone: pd.Series, reports: gpd.GeoDataFrame, made_on: dt.date) -> Any:
    status = STATUS_WORDS.get(str(zone["status"]), "Status unknown")
    when = _implemented_phrase(zone)
    if not reports.empty and reports["reported_at"].notna().any():
        first = reports["reported_at"].min().strftime("%b %Y")
        last = reports["reported_at"].max().strftime("%b %Y")
        data_range = f"Reports from {first} to {last}"
    else:
        data_range = "No resident reports in this area"
    return html(
        '<div class="hs-panel hs-title" role="banner">'
        "<h1>{name}</h1>"
        "<p><strong>20mph zone:</strong> {status}{when}</p>"
        "<p>{data_range}. Map made {made}.</p>"
        '<p class="hs-sources">Streets and places © OpenStreetMap contributors (ODbL); '
        "zones from the council; reports from FixMyStreet and the council.</p>"
        "</div>",
        name=zone["name"],
        status=status,
        when=when,
        data_range=data_range,
        made=made_on.strftime("%d %B %Y").lstrip("0"),
    )


def _implemented_phrase(zone: pd.Series) -> str:
    date = zone.get("implemented_on")
    precision = zone.get("implemented_precision")
    if date is None or pd.isna(date):
        return ""
    formats = {"day": "%d %B %Y", "month": "%B %Y", "year": "%Y"}
    if precision == "season":
        seasons = {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}
        return f", from {seasons.get(date.month, 'about')} {date.year}"
    text = date.strftime(formats.get(str(precision), "%d %B %Y")).lstrip("0")
    return f", from {text}"


_LINE_ITEM = (
    '<li><svg width="34" height="12" aria-hidden="true"><line x1="1" y1="6" x2="33" y2="6" '
    'stroke="{colour}" stroke-width="{weight}" stroke-dasharray="{dash}"/></svg>{label}'
    '<span class="hs-count">{amount}</span></li>'
)
_DOT_ITEM = (
    '<li><svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="6" '
    'fill="{colour}" stroke="#fff" stroke-width="2"/></svg>{label}'
    '<span class="hs-count">{amount}</span></li>'
)


def _legend(streets: dict[str, float], assets: dict[str, int], reports: dict[str, int]) -> Any:
    """The legend: exactly the bands and categories drawn, with their amounts."""
    parts = [
        html(
            '<div class="hs-panel hs-legend" role="complementary" aria-label="Legend">'
            "<h2>Legend</h2>"
        )
    ]
    if streets:
        parts.append(html("<h3>Speed limit</h3><ul>"))
        parts += [
            html(
                _LINE_ITEM,
                colour=b.colour,
                weight=b.weight,
                dash=b.dash or "none",
                label=b.label,
                amount=f"{streets[b.key]:.1f} km",
            )
            for b in SPEED_BANDS
            if b.key in streets
        ]
        parts.append(html("</ul>"))
    for title, counts, labels, colours in (
        ("Community assets", assets, ASSET_CATEGORIES, ASSET_COLOURS),
        ("Resident reports", reports, REPORT_CATEGORIES, REPORT_COLOURS),
    ):
        if counts:
            parts.append(html("<h3>{title}</h3><ul>", title=title))
            parts += [
                html(_DOT_ITEM, colour=colours[key], label=label, amount=counts[key])
                for key, label in labels.items()
                if key in counts
            ]
            parts.append(html("</ul>"))
    parts.append(html("</div>"))
    return _markup("").join(parts)


def _markup(text: str) -> Any:
    from markupsafe import Markup

    return Markup(text)
