"""The meeting map: one self-contained HTML page per zone, for a community meeting.

What it shows, bottom to top: OpenStreetMap tiles when the laptop is online; the
neighbourhood drawn from the OSM data itself (green spaces, water, railways) so the map makes
sense with no tiles; neighbouring zones faintly and this zone's outline (implemented solid,
proposed dashed); the 20mph gaps highlighted; streets coloured by speed limit with a second
cue in width and dash; community assets as pictograms; resident reports as a heat map and
as points, with a filter by category, status and date. A title block, a legend that lists
exactly what is drawn, and an "Add a place" tool for residents.

Everything the page needs is inside it: no script, style, font or icon is fetched. Reports
go into the page as compact columns and are drawn on one canvas, so a zone with 100,000
reports stays a few megabytes and opens quickly.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from markupsafe import Markup

from healthy_streets import settings
from healthy_streets._files import check_output, write_text_atomic
from healthy_streets.analysis.attach import given_layers
from healthy_streets.analysis.changes import Changes
from healthy_streets.analysis.gaps import twenty_mph_gaps
from healthy_streets.errors import ConfigError
from healthy_streets.maps.elements import (
    AddPlaces,
    AssetLayer,
    GeoJsonLayer,
    OfflineFigure,
    PageReady,
    PanelHtml,
    RegisterLayer,
    ReportData,
    ReportFilter,
    ReportHeat,
    ReportPoints,
    ToolkitAssets,
    html,
)
from healthy_streets.maps.since_last import since_last_marks
from healthy_streets.maps.style import (
    ASSET_INK,
    ASSET_SYMBOLS,
    BASEMAP_STYLES,
    GAP_STYLE,
    HEAT_GRADIENT,
    PATH_STYLE,
    REPORT_COLOURS,
    REPORT_SHAPES,
    REPORT_STATUS_LOOK,
    REPORT_STATUSES,
    SHAPES,
    SPEED_BANDS,
    STATUS_WORDS,
    ZONE_STYLES,
    leaflet_style,
    pictogram_svg,
    speed_band,
)
from healthy_streets.model.build import Layers
from healthy_streets.model.ids import zone_id_of
from healthy_streets.model.layers import COMMUNITY_MAP_KIND
from healthy_streets.model.osm_date import OsmDate, osm_date_of_imports
from healthy_streets.model.taxonomy import ASSET_CATEGORIES, REPORT_CATEGORIES, report_category

__all__ = ["meeting_map", "save_map", "sources_line"]

#: Decimal places of longitude/latitude written into maps (6 is about 0.1 m).
COORD_DECIMALS = 6
#: Reports are placed to 1/100,000 of a degree (about a metre).
REPORT_SCALE = 100_000
#: More assets than this are clustered when zoomed out.
CLUSTER_ASSETS_OVER = 60
#: Reports' descriptions share this many characters of the page between them.
DETAIL_BUDGET_CHARS = 2_000_000
#: Longest description shown in a report's popup.
DETAIL_MAX_CHARS = 160
#: When the focus category has no report near a zone and there are more reports than this,
#: the map opens on the heat map of every category (the points are one click away).
POINTS_SHOWN_UP_TO = 400

NEIGHBOUR_STYLE = {
    "*": {"color": "#555555", "weight": 2, "opacity": 0.6, "dashArray": "2 6", "fill": False}
}
#: Where a street's speed limit came from (``speed_source``), in plain words.
SPEED_SOURCE_WORDS = {
    "maxspeed": "OpenStreetMap: the signed limit (maxspeed)",
    "maxspeed_kmh": "OpenStreetMap: the signed limit, given in km/h",
    "maxspeed_lowest": "OpenStreetMap: the lowest of the limits tagged",
    "national_limit": "OpenStreetMap: the national speed limit",
    "maxspeed_type": "OpenStreetMap: the type of limit (maxspeed:type)",
    "zone_maxspeed": "OpenStreetMap: the zone's limit (zone:maxspeed)",
    "source_maxspeed": "OpenStreetMap: the source of the limit (source:maxspeed)",
    "default": "Assumed from the type of road: no limit is tagged",
    "unknown": "Not known",
}
BASEMAP_LABELS = {
    "green": "Parks and green spaces",
    "water": "Water",
    "waterway": "Rivers and streams",
    "railway": "Railway",
    "street_main": "Main roads",
    "street_local": "Streets",
    "street_path": "Paths",
}


def meeting_map(
    layers: Layers | str | None = None,
    zone: str | None = None,
    *,
    zones: gpd.GeoDataFrame | None = None,
    streets: Any = None,
    assets: gpd.GeoDataFrame | None = None,
    reports: gpd.GeoDataFrame | None = None,
    basemap: gpd.GeoDataFrame | None = None,
    gaps: gpd.GeoDataFrame | None = None,
    margin_m: float = 250.0,
    made_on: dt.date | None = None,
    tiles: bool = True,
    add_places: bool = True,
    project: str | None = None,
    focus: str | None = "dog_fouling",
    additions_contact: str | None = None,
    since_last: Changes | None = None,
    reports_note: str | None = None,
    osm_date: OsmDate | None = None,
) -> folium.Map:
    """Build the meeting map for one zone.

    Parameters
    ----------
    layers
        A :class:`~healthy_streets.Layers` (from :func:`~healthy_streets.load_layers`), its
        layers used where the keywords below give none. A zone here instead, with the
        layers as keywords, is the older way to call it, and works too.
    zone
        The zone: its ``zone_id`` or its name (``"Yarrowside North"``), in any case; a name
        several zones share is refused, listing their ids to choose from.
    zones, streets, assets, reports
        The normalised layers (in the working CRS); the streets may be an osmnx graph or
        osmnx's edges (:func:`~healthy_streets.as_streets`). Streets, assets and reports
        within ``margin_m`` of the zone are shown. Streets not yet cut at the zones are cut
        (they give the 20mph gaps); reports attached to streets show their street.
    basemap
        The background drawn from OSM (:func:`healthy_streets.io.osm_features.
        basemap_from_osm_file`): green spaces, water, railways.
    gaps
        The 20mph gaps (:func:`~healthy_streets.analysis.twenty_mph_gaps`), when worked out
        already: a build works them out once for all its maps. By default those of the
        streets near the zone.
    margin_m
        How far around the zone the map shows things, in metres. Lines and areas (streets,
        the background, gaps, the outlines of the other zones there) are cut at the
        rectangle around the zone and its margin: the page holds the zone's view only, so
        its size and the time it takes follow the zone's own data, not the county's.
    made_on
        The date printed as "made on" (default today).
    tiles
        Add OpenStreetMap tiles (shown when the laptop is online).
    add_places
        Include the "Add a place" tool.
    project
        The project's name. Browsers keep every map opened from disk in one store, so
        residents' additions are kept under the project and the zone: two projects with a
        zone of the same name keep theirs apart.
    focus
        The report category the map opens on, as points (its key, label or a word for it;
        the project's evaluation category): the other categories are one click away in
        the legend. ``None`` opens on every category.
    additions_contact
        Where residents send the file of places they added (an email address, an office):
        shown under "Download my additions".
    since_last
        What changed since the last build
        (:func:`~healthy_streets.analysis.changes.changes_since`): marked on the map (new
        reports and places ringed, reports fixed or closed in a dashed ring, places removed
        shown where they were), counted in the legend and said under the title.
    reports_note
        What the map should say under its title about where its reports came from (the
        reports of a service that could not be reached, read from its cache: how old
        they are).
    osm_date
        The date of the streets' OpenStreetMap data, said on the sources line ("data of
        25 February 2015"); by default that of the layers' streets import, if it has one.

    Returns
    -------
    folium.Map
        Display it in Jupyter, or write it with :func:`save_map`.

    Raises
    ------
    ConfigError
        When no zone is named, no zone has that id or name (the closest are suggested), or
        a layer is missing, in degrees, in another CRS than the others or lacks its
        columns.

    Examples
    --------
    >>> m = meeting_map(layers, "Yarrowside North")
    >>> path = save_map(m, out / "yarrowside-north.html", overwrite=True)
    >>> path.name
    'yarrowside-north.html'
    >>> path.stat().st_size > 100_000  # Leaflet is inlined: the page opens offline
    True
    """
    if isinstance(layers, str):  # meeting_map(zone, zones=..., streets=...)
        layers, zone = None, layers
    if isinstance(layers, Layers) and zones is not None:
        layers = replace(layers, zones=zones)
    given = given_layers(
        layers if layers is not None else zones,
        streets,
        assets,
        reports,
        roles=("zones", "streets", "assets", "reports"),
        caller="meeting_map",
        optional=("assets", "reports"),
    )
    zones, streets = given["zones"], given["streets"]
    assets, reports = given["assets"], given["reports"]
    if basemap is None and isinstance(layers, Layers):
        basemap = layers.basemap
    if osm_date is None and isinstance(layers, Layers):
        osm_date = osm_date_of_imports(layers.imports)
    if zone is None:
        raise ConfigError("meeting_map needs the zone to draw: its zone_id or its name.")
    view = map_view(
        zones,
        zone_id_of(zones, zone),
        streets=streets,
        assets=assets,
        reports=reports,
        basemap=basemap,
        gaps=gaps,
        margin_m=margin_m,
    )
    return draw_map(
        view,
        made_on=made_on,
        tiles=tiles,
        add_places=add_places,
        project=project,
        focus=focus,
        additions_contact=additions_contact,
        since_last=since_last,
        reports_note=reports_note,
        osm_date=osm_date,
    )


@dataclass(frozen=True)
class MapView:
    """What one zone's map draws, picked from the layers: the zone, the zones in its view
    (itself among them), and the streets, assets, reports, background and 20mph gaps within
    ``margin_m`` of it (whole features; :func:`draw_map` clips them to the view). Small
    enough to send to another process: a map's cost is its own zone's data only."""

    zone: pd.Series
    zones: gpd.GeoDataFrame
    streets: gpd.GeoDataFrame
    assets: gpd.GeoDataFrame
    reports: gpd.GeoDataFrame
    basemap: gpd.GeoDataFrame
    gaps: gpd.GeoDataFrame | None
    margin_m: float

    @property
    def area(self) -> Any:
        """The zone and its margin: what the map shows things within."""
        return self.zone.geometry.buffer(self.margin_m)

    @property
    def box(self) -> tuple[float, float, float, float]:
        """The view's rectangle (the area's bounds): what the map's drawings are clipped to."""
        return tuple(self.area.bounds)


def map_view(
    zones: gpd.GeoDataFrame,
    zone_id: str,
    *,
    streets: gpd.GeoDataFrame,
    assets: gpd.GeoDataFrame | None = None,
    reports: gpd.GeoDataFrame | None = None,
    basemap: gpd.GeoDataFrame | None = None,
    gaps: gpd.GeoDataFrame | None = None,
    margin_m: float = 250.0,
    edge_tolerance_m: float = 25.0,
) -> MapView:
    """Pick what the map of ``zone_id`` draws from checked layers (by their spatial
    indexes: a few milliseconds, whatever the size of the county). Without ``gaps``, the
    zones near the view's streets come too (``edge_tolerance_m`` around them), which the
    20mph gaps of those streets need."""
    zone = zones[zones["zone_id"] == zone_id].iloc[0]
    area = zone.geometry.buffer(margin_m)
    near_streets = _within(streets, area)
    reach = shapely.box(*area.bounds)
    if gaps is None and not near_streets.empty:
        reach = shapely.box(*near_streets.total_bounds).union(reach).buffer(edge_tolerance_m)
    return MapView(
        zone=zone,
        zones=_within(zones, reach),
        streets=near_streets,
        assets=_within(assets, area),
        reports=_within(reports, area),
        basemap=_within(basemap, area),
        gaps=None if gaps is None else _within(gaps, area),
        margin_m=margin_m,
    )


class ViewRows(Protocol):
    """One zone's rows read from somewhere other than the layers in memory (a database:
    :class:`healthy_streets.io.postgis_analysis.ZoneRows`): the zone (one row), the zones
    meeting its view's rectangle, and the streets, assets, reports, background and 20mph
    gaps meeting the zone and its margin (``None`` for a layer there is none of)."""

    @property
    def zone(self) -> gpd.GeoDataFrame: ...
    @property
    def zones(self) -> gpd.GeoDataFrame | None: ...
    @property
    def streets(self) -> gpd.GeoDataFrame: ...
    @property
    def assets(self) -> gpd.GeoDataFrame: ...
    @property
    def reports(self) -> gpd.GeoDataFrame: ...
    @property
    def basemap(self) -> gpd.GeoDataFrame | None: ...
    @property
    def gaps(self) -> gpd.GeoDataFrame | None: ...
    @property
    def rows_read(self) -> int:
        """How many rows were read (the zone's own among them)."""
        ...


def view_of_rows(rows: ViewRows, *, margin_m: float = 250.0) -> MapView:
    """The :class:`MapView` of one zone's rows read elsewhere: what :func:`map_view` picks
    from the layers, when ``rows`` are the layers' rows within ``margin_m`` of the zone (and
    the zones within its view's rectangle), in the layers' order."""
    if rows.zone.empty:
        raise ConfigError("The rows of a map were read for a zone that is not in the zones.")
    nothing = gpd.GeoDataFrame(geometry=[], crs=settings.working_crs)
    return MapView(
        zone=rows.zone.iloc[0],
        zones=rows.zones if rows.zones is not None else rows.zone,
        streets=rows.streets,
        assets=rows.assets,
        reports=rows.reports,
        basemap=rows.basemap if rows.basemap is not None else nothing,
        gaps=rows.gaps,
        margin_m=margin_m,
    )


def draw_map(
    view: MapView,
    *,
    made_on: dt.date | None = None,
    tiles: bool = True,
    add_places: bool = True,
    project: str | None = None,
    focus: str | None = "dog_fouling",
    additions_contact: str | None = None,
    since_last: Changes | None = None,
    reports_note: str | None = None,
    osm_date: OsmDate | None = None,
) -> folium.Map:
    """The meeting map of a :class:`MapView` (the options as :func:`meeting_map`'s). Every
    line and area is clipped to the view's rectangle first: a street, a park or a gap
    running far beyond the zone is drawn as far as the view reaches."""
    if focus is not None:
        focus = report_category(focus)
    zone_row, box = view.zone, view.box
    streets = _clipped(view.streets, box)
    gaps = twenty_mph_gaps(view.zones, view.streets) if view.gaps is None else view.gaps
    outline = gpd.GeoSeries([zone_row.geometry], crs=view.zones.crs)
    bounds = outline.to_crs(settings.map_crs).total_bounds
    figure = OfflineFigure(title=f"{zone_row['name']} – healthy streets map")
    fmap = folium.Map(
        location=[(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2],
        zoom_start=16,
        tiles=None,
        prefer_canvas=False,  # streets as SVG: sharp on paper (the reports have a canvas)
        control_scale=True,
        max_zoom=19,
    )
    figure.add_child(fmap)
    fmap.add_child(ToolkitAssets())
    legend = _Legend()
    if tiles:
        tile_layer = folium.TileLayer(
            "OpenStreetMap",
            name="Background map (needs internet)",
            attr="© OpenStreetMap contributors",
            max_zoom=19,
        )
        fmap.add_child(tile_layer)
        fmap.add_child(RegisterLayer(tile_layer, key="tiles"))
    _add_basemap(fmap, _clipped(view.basemap, box), streets, legend, tiles=tiles)
    _add_zones(fmap, view.zones, zone_row, legend, box=box)
    _add_gaps(fmap, _clipped(_within(gaps, view.area), box), legend)
    _add_streets(fmap, streets, legend)
    _add_assets(fmap, view.assets, legend)
    _add_reports(fmap, view.reports, legend, focus=focus)
    since = None if since_last is None else _add_since_last(fmap, since_last, view, legend)
    # the page fits the zone once laid out (HS.ready), in the room the map has then: a
    # fit here, before a phone folds the legend into a sheet, would leave it small
    zone_bounds = [[bounds[1], bounds[0]], [bounds[3], bounds[2]]]
    if add_places:
        fmap.add_child(
            AddPlaces(
                zone_id=str(zone_row["zone_id"]),
                project=project or "",
                contact=additions_contact or "",
                zone_name=str(zone_row["name"]),
                kind=COMMUNITY_MAP_KIND,
                categories=_asset_categories(),
                imported=_community_map_places(view.assets),
            )
        )
        legend.add(
            "Added at this meeting",
            [
                _row(
                    _pictogram_symbol("other", dashed=True),
                    "Places added on this computer",
                    Markup('<span data-hs-additions-count="">0</span>'),
                    layer="additions",
                    attrs=Markup(' data-hs-additions-row=""'),
                )
            ],
        )
    side = _side_panel(
        zone_row,
        view.reports,
        made_on or dt.date.today(),
        legend,
        map_id=fmap.get_name(),
        streets=_has_own_streets(view),
        since=since,
        sources=_sources_line(view, osm_date),
        reports_note=reports_note,
    )
    fmap.add_child(PanelHtml(side, first=True))
    fmap.add_child(PageReady(zone_bounds=zone_bounds))
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

    Returns
    -------
    Path
        The file written. The page needs no internet: Leaflet, the styles and the data are
        inside it (only the background tiles, when the map has them, come from online).

    Raises
    ------
    OutputExistsError
        When ``path`` exists and ``overwrite`` is false.
    OutputIsInputError
        When ``path`` is one of ``inputs``.

    Examples
    --------
    >>> m = meeting_map(layers, "Cowslip")
    >>> path = save_map(m, out / "cowslip.html", overwrite=True)
    >>> path.relative_to(out)
    PosixPath('cowslip.html')
    """
    target = check_output(path, overwrite=overwrite, inputs=inputs)
    return write_text_atomic(target, fmap.get_root().render())


def _within(layer: gpd.GeoDataFrame | None, area: Any) -> gpd.GeoDataFrame:
    """The features of ``layer`` that touch ``area``, whole."""
    if layer is None or layer.empty:
        return gpd.GeoDataFrame(geometry=[], crs=settings.working_crs)
    hits = layer.sindex.query(area, predicate="intersects")
    return layer.iloc[np.sort(hits)]


def _clipped(layer: gpd.GeoDataFrame, box: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
    """``layer`` with each geometry cut to the rectangle ``box`` (what lies outside it
    dropped); its other columns (a street's whole length, say) as they were."""
    if layer.empty:
        return layer
    geometry = shapely.clip_by_rect(layer.geometry.to_numpy(), *box)
    keep = ~shapely.is_empty(geometry)
    out = layer[keep].copy()
    out[layer.geometry.name] = gpd.GeoSeries(geometry[keep], index=out.index, crs=layer.crs)
    return out


def _geojson(frame: gpd.GeoDataFrame, properties: Sequence[str]) -> dict[str, Any]:
    """GeoJSON in EPSG:4326 with only ``properties`` (missing values as null), coordinates
    rounded to :data:`COORD_DECIMALS`."""
    out = frame[[*properties, "geometry"]].to_crs(settings.map_crs)
    out = out.astype(dict.fromkeys(properties, "object"))
    out[list(properties)] = out[list(properties)].where(out[list(properties)].notna(), None)
    if not len(out):
        return {"type": "FeatureCollection", "features": []}
    out["geometry"] = shapely.transform(out.geometry.to_numpy(), _rounded)
    data = out.__geo_interface__
    for feature in data["features"]:
        feature.pop("bbox", None)
        feature.pop("id", None)
    data.pop("bbox", None)
    return data


def _rounded(coordinates: np.ndarray) -> np.ndarray:
    return np.round(coordinates, COORD_DECIMALS)


_NOTHING = Markup("")


class _Legend:
    """Collects what the map draws, to list exactly that: a section per kind of thing,
    a row per thing, each with the box that shows or hides it (``data-hs-*`` attributes
    the page's script binds; see ``templates/healthy_streets.js``)."""

    def __init__(self) -> None:
        self.sections: list[Markup] = []

    def add(
        self,
        title: str,
        items: list[Markup],
        *,
        layer: str = "",
        after: Markup = _NOTHING,
        before: Markup = _NOTHING,
    ) -> None:
        """A section of ``items`` (``before`` and ``after`` them, notes or controls); with
        ``layer``, its heading's box shows or hides that layer, and rows without a box of
        their own are drawn with it."""
        if not items:
            return
        if layer:
            head = html(
                '<section class="hs-section" data-hs-section-layer="{layer}"><h3><label>'
                '<input type="checkbox" data-hs-layer="{layer}" checked>{title}</label></h3>',
                layer=layer,
                title=title,
            )
        else:
            head = html('<section class="hs-section"><h3>{title}</h3>', title=title)
        self.sections.append(
            head
            + before
            + Markup("<ul>")
            + Markup("").join(items)
            + Markup("</ul>")
            + after
            + Markup("</section>")
        )

    def markup(self) -> Markup:
        """The legend, the layers drawn on top first."""
        return (
            html(
                '<div class="hs-legend"><h2>Legend</h2><p class="hs-note">Tick a box to show '
                "or hide what it names.</p>"
            )
            + Markup("").join(reversed(self.sections))
            + Markup("</div>")
        )


def _row(
    symbol: Markup,
    label: str,
    amount: str | Markup = "",
    *,
    layer: str = "",
    checked: bool = True,
    attrs: Markup = _NOTHING,
    extra: Markup = _NOTHING,
) -> Markup:
    """A legend row: its symbol, its words and how many; with ``layer``, a box that shows
    or hides that layer."""
    box = (
        html(
            '<input type="checkbox" data-hs-layer="{layer}"{checked}>',
            layer=layer,
            checked=Markup(" checked") if checked else _NOTHING,
        )
        if layer
        else _NOTHING
    )
    words = html('<span class="hs-symbol">{symbol}</span>{label}', symbol=symbol, label=label)
    body = html("<label>{box}{words}</label>", box=box, words=words) if layer else words
    return html(
        '<li data-hs-row=""{attrs}>{body}<span class="hs-count">{amount}</span>{extra}</li>',
        attrs=attrs,
        body=body,
        amount=amount,
        extra=extra,
    )


def _line_symbol(style: dict[str, Any]) -> Markup:
    return html(
        '<svg width="34" height="14" aria-hidden="true"><line x1="2" y1="7" x2="32" y2="7" '
        'stroke="{colour}" stroke-width="{weight}" stroke-dasharray="{dash}" '
        'stroke-opacity="{opacity}" stroke-linecap="{cap}"/></svg>',
        colour=style.get("color", "#000"),
        weight=style.get("weight", 2),
        dash=style.get("dashArray") or "none",
        opacity=style.get("opacity", 1),
        cap=style.get("lineCap", "butt"),
    )


def _area_symbol(style: dict[str, Any]) -> Markup:
    return html(
        '<svg width="34" height="16" aria-hidden="true"><rect x="2" y="2" width="30" '
        'height="12" fill="{fill}" fill-opacity="{opacity}" stroke="{colour}" '
        'stroke-width="{weight}" stroke-dasharray="{dash}"/></svg>',
        fill=style.get("fillColor", "none"),
        opacity=style.get("fillOpacity", 1),
        colour=style.get("color", "#000"),
        weight=style.get("weight", 1),
        dash=style.get("dashArray") or "none",
    )


def _shape_symbol(colour: str, shape: str, size: int = 20) -> Markup:
    """A report category's marker as SVG: the same corners the map's canvas draws."""
    corners = SHAPES[shape]
    if corners:
        points = " ".join(f"{x:g},{y:g}" for x, y in corners)
        figure = html('<polygon points="{points}"', points=points)
    else:
        figure = html('<circle cx="0" cy="0" r="1"')
    return html(
        '<svg width="{size}" height="{size}" viewBox="-1.45 -1.45 2.9 2.9" aria-hidden="true">'
        '{figure} fill="{colour}" stroke="#1a1a1a" stroke-width="0.2" '
        'stroke-linejoin="round"/></svg>',
        size=size,
        figure=figure,
        colour=colour,
    )


def _pictogram_symbol(category: str, *, dashed: bool = False) -> Markup:
    # style.pictogram_svg formats only the palette's constants, never data
    return Markup(pictogram_svg(category, dashed=dashed))


def _ramp_symbol() -> Markup:
    stops = Markup("").join(
        html('<stop offset="{at}" stop-color="{colour}"/>', at=at, colour=colour)
        for at, colour in sorted(HEAT_GRADIENT.items())
    )
    return html(
        '<svg width="34" height="14" aria-hidden="true"><defs><linearGradient id="hs-heat">'
        '{stops}</linearGradient></defs><rect x="1" y="2" width="32" height="10" '
        'fill="url(#hs-heat)" stroke="#1a1a1a" stroke-width="0.8"/></svg>',
        stops=stops,
    )


def _only(kind: str, key: str, label: str) -> Markup:
    return html(
        '<button type="button" class="hs-only" data-hs-only-{kind}="{key}" '
        'aria-label="Show only {label}">only</button>',
        kind=kind,
        key=key,
        label=label,
    )


def _add_since_last(fmap: folium.Map, changes: Changes, view: MapView, legend: _Legend) -> str:
    """Rings around what changed since the last build, near the zone, and the legend's
    rows counting them; returns what the heading says (the zone's counts, and those ringed
    nearby), from the same counts as the legend."""
    zone_id = str(view.zone["zone_id"])
    marks = since_last_marks(changes, view.area, view.zones.crs, zone_id=zone_id)
    if marks.layer is not None:
        fmap.add_child(marks.layer)
    legend.add(
        f"Since the last build ({changes.since.day})",
        [_row(symbol, words, amount) for symbol, words, amount in marks.legend_rows()],
        layer="since_last" if marks.layer is not None else "",
    )
    return " ".join(filter(None, [changes.sentence(zone_id=zone_id), marks.nearby_sentence()]))


def _add_basemap(
    fmap: folium.Map,
    basemap: gpd.GeoDataFrame,
    streets: gpd.GeoDataFrame,
    legend: _Legend,
    *,
    tiles: bool,
) -> None:
    """The drawn background: OSM's green spaces, water and railways, and every street by
    its class in grey, beneath the coloured layers (so the map reads with no tiles, and
    with the speed layer turned off)."""
    tile_row = (
        [_row(Markup(""), "Map tiles from OpenStreetMap (need internet)", layer="tiles")]
        if tiles
        else []
    )
    parts = [basemap[["kind", "name", "geometry"]]] if not basemap.empty else []
    if not streets.empty:
        roads = streets[["road_class", "name", "geometry"]].rename(columns={"road_class": "kind"})
        roads = roads.assign(kind="street_" + roads["kind"].astype("str"))
        parts.append(roads)
    if not parts:
        legend.add("Background", tile_row)
        return
    frame = gpd.GeoDataFrame(
        pd.concat(parts, ignore_index=True), geometry="geometry", crs=parts[0].crs
    )
    fmap.add_child(
        GeoJsonLayer(
            _geojson(frame, ["kind", "name"]),
            name="Drawn background (works offline)",
            style_property="kind",
            styles=BASEMAP_STYLES,
            interactive=False,
            key="basemap",
        )
    )
    present = set(frame["kind"])
    items = []
    for kind, label in BASEMAP_LABELS.items():
        if kind in present:
            style = BASEMAP_STYLES[kind]
            symbol = _area_symbol(style) if "fillColor" in style else _line_symbol(style)
            items.append(_row(symbol, label))
    legend.add("Background drawn from OpenStreetMap", items + tile_row, layer="basemap")


def _add_zones(
    fmap: folium.Map,
    zones: gpd.GeoDataFrame,
    zone: pd.Series,
    legend: _Legend,
    *,
    box: tuple[float, float, float, float],
) -> None:
    """This zone, and the outlines of the other zones within the view's rectangle ``box``
    (as far as they reach into it)."""
    others = zones[zones["zone_id"] != zone["zone_id"]]
    others = _clipped(others.assign(geometry=others.geometry.boundary), box)
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
    this = zones[zones["zone_id"] == zone["zone_id"]]
    fmap.add_child(
        GeoJsonLayer(
            _geojson(this, ["name", "status"]),
            name="This 20mph zone",
            style_property="status",
            styles=ZONE_STYLES,
            interactive=False,
            key="zone",
        )
    )
    status = str(zone["status"])
    items = [
        _row(
            _area_symbol(ZONE_STYLES.get(status, ZONE_STYLES["*"])),
            f"This zone ({STATUS_WORDS.get(status, 'status unknown').lower()})",
            layer="zone",
        )
    ]
    if not others.empty:
        items.append(
            _row(
                _line_symbol(NEIGHBOUR_STYLE["*"]),
                "Other 20mph zones",
                str(len(others)),
                layer="other_zones",
            )
        )
    legend.add("20mph zones", items)


def _add_gaps(fmap: folium.Map, gaps: gpd.GeoDataFrame, legend: _Legend) -> None:
    """The 20mph gaps near the zone, to check."""
    if gaps.empty:
        return
    frame = gaps.assign(
        limit=gaps["speed_mph"].map(lambda v: f"{v:g} mph"), tag=gaps["maxspeed"].fillna("(none)")
    )
    fmap.add_child(
        GeoJsonLayer(
            _geojson(frame, ["street", "kind", "limit", "tag"]),
            name="20mph gaps to check",
            styles={"*": GAP_STYLE},
            popup=[
                ("Street", "street"),
                ("To check", "kind"),
                ("OpenStreetMap says", "limit"),
                ("Tag", "tag"),
            ],
            key="gaps",
        )
    )
    legend.add(
        "To check",
        [
            _row(
                _line_symbol(GAP_STYLE),
                "20mph gap (zone and map disagree)",
                str(len(gaps)),
                layer="gaps",
            )
        ],
    )


def _add_streets(fmap: folium.Map, streets: gpd.GeoDataFrame, legend: _Legend) -> None:
    if streets.empty:
        return
    frame = streets.copy()
    frame["band"] = np.where(
        frame["road_class"] == "path", "path", frame["speed_mph"].map(speed_band)
    )
    frame["limit"] = frame["speed_mph"].map(lambda v: f"{v:g} mph" if pd.notna(v) else "Not known")
    frame["street"] = (
        frame["name"]
        .astype("object")
        .where(frame["name"].notna(), "Unnamed " + frame["highway"].astype("str"))
    )
    frame["limit_from"] = frame["speed_source"].map(SPEED_SOURCE_WORDS).astype("object")
    styles = {band.key: leaflet_style(band.key) for band in SPEED_BANDS}
    styles["path"] = PATH_STYLE
    fmap.add_child(
        GeoJsonLayer(
            _geojson(frame, ["street", "limit", "limit_from", "band", "highway"]),
            name="Streets by speed limit",
            style_property="band",
            styles=styles,
            popup=[
                ("Street", "street"),
                ("Speed limit", "limit"),
                ("Limit from", "limit_from"),
                ("Type", "highway"),
            ],
            tooltip="street",
            key="streets",
        )
    )
    roads = frame[frame["band"] != "path"]
    km = roads.groupby("band")["length_m"].sum() / 1000
    items = [
        _row(_line_symbol(leaflet_style(b.key)), b.label, f"{km[b.key]:.1f} km")
        for b in SPEED_BANDS
        if b.key in km
    ]
    paths = frame[frame["band"] == "path"]
    if len(paths):
        items.append(
            _row(
                _line_symbol(PATH_STYLE),
                "Footpaths and cycle paths",
                f"{paths['length_m'].sum() / 1000:.1f} km",
            )
        )
    legend.add("Streets by speed limit", items, layer="streets")


def _asset_categories() -> list[dict[str, str]]:
    return [
        {"key": k, "label": label, "colour": ASSET_INK, "symbol": ASSET_SYMBOLS[k]}
        for k, label in ASSET_CATEGORIES.items()
    ]


def _add_assets(fmap: folium.Map, assets: gpd.GeoDataFrame, legend: _Legend) -> None:
    if assets.empty:
        return
    frame = assets.copy()
    frame.geometry = frame.geometry.representative_point()
    frame = frame.to_crs(settings.map_crs)
    keys = [k for k in ASSET_CATEGORIES if k in set(frame["category"])]
    index = {k: i for i, k in enumerate(keys)}
    every = {c["key"]: c for c in _asset_categories()}
    columns: dict[str, list[Any]] = {
        "lat": frame.geometry.y.round(COORD_DECIMALS).tolist(),
        "lon": frame.geometry.x.round(COORD_DECIMALS).tolist(),
        "cat": frame["category"].map(index).astype("int64").tolist(),
        "name": _texts(frame["name"]),
        "notes": _texts(frame["notes"]),
        "source": _texts(frame["source"]),
    }
    fmap.add_child(
        AssetLayer(
            columns,
            categories=[every[k] for k in keys],
            name="Community assets",
            popup=[("Name", "name"), ("Category", "cat"), ("Notes", "notes"), ("Source", "source")],
            cluster=len(frame) > CLUSTER_ASSETS_OVER,
        )
    )
    counts = frame["category"].value_counts()
    legend.add(
        "Community assets",
        [
            _category_row(
                _pictogram_symbol(k),
                "asset",
                k,
                every[k]["label"],
                str(int(counts[k])),
            )
            for k in keys
        ],
        layer="assets",
    )


#: The end of an asset's ``source`` when it came from a meeting map's additions file.
COMMUNITY_MAP_SOURCE = "(community map)"


def _community_map_places(assets: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """The drawn assets that came from meeting maps' additions files, as the add-places
    tool needs them to recognise a resident's own additions already imported: where (as
    the map's other points, rounded), the category and the name (``None`` without one)."""
    if assets.empty:
        return []
    frame = assets[assets["source"].astype("str").str.endswith(COMMUNITY_MAP_SOURCE)]
    if frame.empty:
        return []
    frame = frame.set_geometry(frame.geometry.representative_point()).to_crs(settings.map_crs)
    return [
        {"lat": lat, "lon": lon, "category": str(category), "name": name}
        for lat, lon, category, name in zip(
            frame.geometry.y.round(COORD_DECIMALS).tolist(),
            frame.geometry.x.round(COORD_DECIMALS).tolist(),
            frame["category"],
            _texts(frame["name"]),
            strict=True,
        )
    ]


def _category_row(
    symbol: Markup,
    kind: str,
    key: str,
    label: str,
    amount: Markup | str,
    *,
    checked: bool = True,
) -> Markup:
    """A category's row: its box (show or hide the category) and "only this"."""
    box = html(
        '<input type="checkbox" data-hs-{kind}-cat="{key}"{checked}>',
        kind=kind,
        key=key,
        checked=Markup(" checked") if checked else _NOTHING,
    )
    words = html('<span class="hs-symbol">{symbol}</span>{label}', symbol=symbol, label=label)
    return html(
        '<li data-hs-row="" data-hs-{kind}-row="{key}"><label>{box}{words}</label>'
        '<span class="hs-count">{amount}</span>{only}</li>',
        kind=kind,
        key=key,
        box=box,
        words=words,
        amount=amount,
        only=_only(kind, key, label),
    )


def _add_reports(
    fmap: folium.Map, reports: gpd.GeoDataFrame, legend: _Legend, *, focus: str | None
) -> None:
    """Reports as points and as a heat map, both following the legend's filter. The map
    opens on the focus category's points; without any near the zone, on every category
    (as the heat map alone when there are many)."""
    if reports.empty or reports["reported_at"].isna().all():
        return
    columns = report_columns(reports)
    keys = [c["key"] for c in columns["categories"]]
    shown: list[str]
    opening = _NOTHING
    if focus is not None and focus in keys:
        shown, points = [focus], True
    else:
        shown, points = keys, len(columns["lat"]) <= POINTS_SHOWN_UP_TO
        if focus is not None:
            opening = html(
                '<p class="hs-note hs-focus-note">No {label} reports near this zone: the map '
                "opens on every category{how}.</p>",
                label=REPORT_CATEGORIES.get(focus, focus).lower(),
                how="" if points else ", as a heat map",
            )
    data = ReportData(columns, shown=shown)
    fmap.add_child(data)
    fmap.add_child(ReportHeat(data, gradient=HEAT_GRADIENT, show=not points))
    fmap.add_child(ReportPoints(data, show=points))
    fmap.add_child(ReportFilter(data))
    counts = pd.Series(columns["cat"]).value_counts()
    rows = [
        _row(
            Markup(""),
            "As points: a shape and colour per category",
            layer="reports",
            checked=points,
        ),
        _row(
            _ramp_symbol(),
            "As a heat map: where reports gather",
            layer="reports_heat",
            checked=not points,
        ),
    ]
    for k, category in enumerate(columns["categories"]):
        row = _category_row(
            _shape_symbol(category["colour"], REPORT_SHAPES[category["key"]]),
            "report",
            category["key"],
            category["label"],
            html(
                '<span data-hs-report-count="{key}">{n}</span>',
                key=category["key"],
                n=int(counts.get(k, 0)),
            ),
            checked=category["key"] in shown,
        )
        rows.append(row)
    legend.add("Resident reports", rows, after=_report_filter(columns), before=opening)


def _report_filter(columns: dict[str, Any]) -> Markup:
    """The reports' status and date filter, and how many are shown."""
    statuses = Markup("").join(
        html(
            '<label><input type="checkbox" data-hs-status="{key}" checked>{label}</label>',
            key=key,
            label=label,
        )
        for key, label in zip(columns["statuses"], columns["statusLabels"], strict=True)
    )
    day0 = dt.date.fromisoformat(columns["day0"])
    first = (day0 + dt.timedelta(days=columns["dayMin"])).isoformat()
    last = (day0 + dt.timedelta(days=columns["dayMax"])).isoformat()
    dates = Markup("").join(
        html(
            '<label class="hs-date">{words}<input type="date" data-hs-date="{which}" '
            'min="{first}" max="{last}" value="{value}"></label>',
            words=words,
            which=which,
            first=first,
            last=last,
            value=first if which == "from" else last,
        )
        for which, words in (("from", "From"), ("to", "To"))
    )
    return html(
        '<p class="hs-note"><span data-hs-report-shown="">{n}</span> of {n} reports shown. '
        "Faded: fixed or closed.</p>"
        '<details class="hs-more"><summary>Filter by status and date</summary>'
        "<fieldset><legend>Status</legend>{statuses}</fieldset>"
        "<fieldset><legend>Reported between</legend>{dates}</fieldset>"
        '<p class="hs-warning" data-hs-date-problem="" role="status" hidden>The start date '
        "is after the end date: no report is shown. Change one of the dates.</p></details>",
        n=len(columns["lat"]),
        statuses=statuses,
        dates=dates,
    )


def report_columns(reports: gpd.GeoDataFrame) -> dict[str, Any]:
    """Reports as the compact columns :class:`~healthy_streets.maps.elements.ReportData`
    holds: positions as integer offsets, texts as indexes into lists of distinct texts,
    descriptions shortened so that all of them together stay within
    :data:`DETAIL_BUDGET_CHARS`."""
    frame = reports[reports["reported_at"].notna()].copy()
    frame.geometry = frame.geometry.representative_point()
    frame = frame.to_crs(settings.map_crs)
    lat, lon = frame.geometry.y.to_numpy(), frame.geometry.x.to_numpy()
    origin = [float(np.floor(lat.min() * 1000) / 1000), float(np.floor(lon.min() * 1000) / 1000)]
    keys = [k for k in REPORT_CATEGORIES if k in set(frame["category"])]
    statuses = list(REPORT_STATUSES)
    local = frame["reported_at"].dt.tz_convert("Europe/London").dt.tz_localize(None)
    days = local.dt.normalize()
    day0 = days.min()
    day = ((days - day0).dt.days).astype("int64")
    n = len(frame)
    limit = min(DETAIL_MAX_CHARS, DETAIL_BUDGET_CHARS // max(n, 1))
    details = frame["detail"].astype("object")
    if limit < 20:
        details = pd.Series([None] * n, index=frame.index, dtype="object")
    else:
        details = details.map(lambda t: _shorten(t, limit) if isinstance(t, str) else None)
    street_codes, street_list = _codes(frame.get("street_name", pd.Series(index=frame.index)))
    title_codes, title_list = _codes(frame["title"])
    detail_codes, detail_list = _codes(details)
    return {
        "origin": origin,
        "scale": REPORT_SCALE,
        "lat": np.rint((lat - origin[0]) * REPORT_SCALE).astype("int64").tolist(),
        "lon": np.rint((lon - origin[1]) * REPORT_SCALE).astype("int64").tolist(),
        "cat": frame["category"].map({k: i for i, k in enumerate(keys)}).astype("int64").tolist(),
        "categories": [
            {
                "key": k,
                "label": REPORT_CATEGORIES[k],
                "colour": REPORT_COLOURS[k],
                "shape": [list(corner) for corner in SHAPES[REPORT_SHAPES[k]]],
            }
            for k in keys
        ],
        "status": frame["status"]
        .map({s: i for i, s in enumerate(statuses)})
        .fillna(0)
        .astype("int64")
        .tolist(),
        "statuses": statuses,
        "statusLabels": [REPORT_STATUSES[s] for s in statuses],
        "look": REPORT_STATUS_LOOK,  # statuses[0] (open) drawn "open", the others "faded"
        "day0": day0.strftime("%Y-%m-%d"),
        "day": day.tolist(),
        "dayMin": int(day.min()),
        "dayMax": int(day.max()),
        "street": street_codes,
        "streets": street_list,
        "title": title_codes,
        "titles": title_list,
        "detail": detail_codes,
        "details": detail_list,
    }


def _codes(values: pd.Series) -> tuple[list[int], list[str]]:
    """Each value's index into the list of distinct values (-1 for none)."""
    text = values.astype("object").where(values.notna(), None)
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    return codes.astype("int64").tolist(), [str(u) for u in uniques]


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return (cut if len(cut) > limit // 2 else text[: limit - 1]) + "…"


def _texts(values: pd.Series) -> list[str | None]:
    return [None if pd.isna(v) else str(v) for v in values]


def _side_panel(
    zone: pd.Series,
    reports: gpd.GeoDataFrame,
    made_on: dt.date,
    legend: _Legend,
    *,
    map_id: str,
    streets: bool = True,
    since: str | None = None,
    sources: Markup | None = None,
    reports_note: str | None = None,
) -> Markup:
    """The title and the legend, beside the map (below it on a phone, as a sheet that
    folds away). The legend scrolls by itself and can be reached from the keyboard; a
    link that shows when tabbed to skips it, to the map and its controls."""
    return html(
        '<aside class="hs-side" id="hs-side" data-open="true" aria-label="Title and legend">'
        '<a class="hs-skip" href="#{map_id}">Skip to the map</a>'
        '<div class="hs-side-bar"><h1>{name}</h1>'
        '<button type="button" class="hs-side-toggle" aria-controls="hs-side-body" '
        'aria-expanded="true">Hide the legend</button></div>'
        '<div class="hs-side-body" id="hs-side-body" tabindex="0" role="region" '
        'aria-label="About this map, and its legend">{title}{legend}</div></aside>',
        name=zone["name"],
        map_id=map_id,
        title=_title_block(
            zone,
            reports,
            made_on,
            streets=streets,
            since=since,
            sources=sources,
            reports_note=reports_note,
        ),
        legend=legend.markup(),
    )


def _title_block(
    zone: pd.Series,
    reports: gpd.GeoDataFrame,
    made_on: dt.date,
    *,
    streets: bool = True,
    since: str | None = None,
    sources: Markup | None = None,
    reports_note: str | None = None,
) -> Markup:
    status = STATUS_WORDS.get(str(zone["status"]), "Status unknown")
    when = _implemented_phrase(zone)
    if not reports.empty and reports["reported_at"].notna().any():
        first = reports["reported_at"].min().strftime("%b %Y")
        last = reports["reported_at"].max().strftime("%b %Y")
        data_range = f"Reports from {first} to {last}"
    else:
        data_range = "No resident reports in this area"
    tro = zone.get("tro_ref")
    return html(
        '<div class="hs-title">'
        "<p><strong>20mph zone:</strong> {status}{when}{tro}</p>"
        "<p>{data_range}. Map made {made}.</p>"
        "{reports_note}"
        "{since}"
        "{no_streets}"
        '<p class="hs-sources">{sources}</p>'
        "</div>",
        status=status,
        when=when,
        tro=f" (order {tro})" if isinstance(tro, str) and tro else "",
        data_range=data_range,
        made=made_on.strftime("%d %B %Y").lstrip("0"),
        sources=sources if sources is not None else _STREETS_FROM_OSM + Markup("."),
        since=html('<p class="hs-since">{since}</p>', since=since) if since else _NOTHING,
        reports_note=html('<p class="hs-warning hs-reports-note">{note}</p>', note=reports_note)
        if reports_note
        else _NOTHING,
        no_streets=Markup("")
        if streets
        else html(
            '<p class="hs-warning"><strong>No streets:</strong> the OpenStreetMap extract '
            "holds no streets for this zone. Check that it covers the zone.</p>"
        ),
    )


_STREETS_FROM_OSM = Markup("Streets © OpenStreetMap contributors (ODbL)")
#: Sources named on a map's sources line before the rest are counted.
_SOURCES_NAMED = 4


def _has_own_streets(view: MapView) -> bool:
    """Whether the zone of ``view`` has streets of its own (not only in the margin)."""
    streets = view.streets
    if streets.empty:
        return False
    if "zone_id" not in streets or streets["zone_id"].isna().all():  # not attached
        inside = streets.geometry.intersection(view.zone.geometry).length
        return bool((inside > 1.0).any())
    return bool((streets["zone_id"].astype("str") == str(view.zone["zone_id"])).any())


def _sources_line(view: MapView, osm_date: OsmDate | None = None) -> Markup:
    """Where what the map draws came from, as the layers' ``source`` columns say: the
    zones' file, the report files, the places' files, OpenStreetMap (with the date of its
    data, when known) and residents' additions (each name is data: escaped)."""
    zone_source = view.zone.get("source")
    zones = _source_name(zone_source) if isinstance(zone_source, str) and zone_source else ""
    return _sources(zones, view.reports, view.assets, osm_date)


def sources_line(
    zones: gpd.GeoDataFrame,
    reports: gpd.GeoDataFrame,
    assets: gpd.GeoDataFrame,
    osm_date: OsmDate | None = None,
) -> Markup:
    """Where a build's layers came from, as their ``source`` columns say (the index page's
    line; each map has its own zone's), and the date of the streets' OpenStreetMap data
    (``osm_date``, when known)."""
    return _sources(_source_names(zones), reports, assets, osm_date)


def _sources(
    zones: str,
    reports: gpd.GeoDataFrame,
    assets: gpd.GeoDataFrame,
    osm_date: OsmDate | None = None,
) -> Markup:
    streets = _STREETS_FROM_OSM
    if osm_date is not None:  # a date, never the file's text
        streets += html(", {phrase}", phrase=osm_date.phrase())
    parts = [streets]
    if zones:
        parts.append(html("zones from {source}", source=zones))
    names = _source_names(reports)
    if names:
        parts.append(html("reports from {names}", names=names))
    elif reports.empty:
        parts.append(Markup("no reports"))
    places = _source_names(assets)
    if places:
        parts.append(html("places from {names}", names=places))
    return Markup("; ").join(parts) + Markup(".")


def _source_names(layer: gpd.GeoDataFrame) -> str:
    """The distinct sources of ``layer``'s rows, most rows first, for people to read:
    OpenStreetMap as its contributors, meeting maps' additions as residents'."""
    if layer.empty or "source" not in layer:
        return ""
    counts = layer["source"].dropna().astype("str").map(_source_name).value_counts(sort=True)
    names = [name for name in counts.index if name]
    shown = names[:_SOURCES_NAMED]
    more = len(names) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


#: What an analyst's own layer goes by (``zones (a GeoDataFrame)``): no source a reader
#: of the map could look up, so not named on it.
_IN_MEMORY = re.compile(r".* \(an? (?:Geo)?DataFrame\)")


def _source_name(source: str) -> str:
    if _IN_MEMORY.fullmatch(source):
        return ""
    if source == "OpenStreetMap":
        return "OpenStreetMap contributors"
    if source.endswith(COMMUNITY_MAP_SOURCE):
        return "residents' additions at meetings"
    return source


def _implemented_phrase(zone: pd.Series) -> str:
    date = zone.get("implemented_on")
    precision = zone.get("implemented_precision")
    if date is None or pd.isna(date):
        return ""
    if precision == "season":
        seasons = {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}
        return f", from {seasons.get(date.month, 'about')} {date.year}"
    if precision == "quarter":  # July-September 2017
        last = date + pd.DateOffset(months=2)
        return f", from {date:%B}-{last:%B} {date.year}"
    formats = {"day": "%d %B %Y", "month": "%B %Y", "year": "%Y"}
    text = date.strftime(formats.get(str(precision), "%d %B %Y")).lstrip("0")
    return f", from {text}"
