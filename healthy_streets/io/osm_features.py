"""Community assets from OpenStreetMap: benches, parks, schools, bins, trees, crossings...

OpenStreetMap tags map to the asset taxonomy through one documented table,
:data:`healthy_streets.model.taxonomy.OSM_ASSET_PRESETS` (also listed in
``docs/taxonomy.md``). Nodes become points; closed ways and multipolygons with area tags
(parks, school grounds, allotments) become polygons. From a local extract (the same file as
the street network) with pyosmium, or downloaded through osmnx.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import geopandas as gpd
import pandas as pd
import shapely

from healthy_streets import settings
from healthy_streets.io._common import check_input
from healthy_streets.io._coords import set_apart_outside
from healthy_streets.io.osm import OsmSource, osm_elements, read_osm_file, refuse_graphml
from healthy_streets.io.overpass import _download_with
from healthy_streets.model.account import AccountBook, ImportResult
from healthy_streets.model.layers import ASSETS, conform
from healthy_streets.model.taxonomy import OSM_ASSET_PRESETS

__all__ = [
    "BASEMAP_TAGS",
    "assets_from_osm_file",
    "assets_from_osm_place",
    "assets_from_osm_polygon",
    "basemap_from_osm_file",
    "category_from_osm_tags",
]

#: OSM keys any preset looks at (what a download asks Overpass for).
PRESET_KEYS = tuple(dict.fromkeys(key for key, *_ in OSM_ASSET_PRESETS))

#: Tags whose text becomes the asset's notes.
NOTE_TAGS = ("description", "opening_hours", "operator")


class TagLookup(Protocol):
    """Tags to look up by key: a ``dict``, or pyosmium's ``TagList`` (no copy made)."""

    def get(self, key: str, default: Any = None, /) -> Any: ...


def category_from_osm_tags(tags: TagLookup) -> tuple[str, str] | None:
    """The asset category for an element's tags (a mapping, or pyosmium's tags), and the
    tag that decided it.

    >>> category_from_osm_tags({"amenity": "waste_basket", "waste": "dog_excrement"})
    ('bin', 'amenity=waste_basket')
    >>> category_from_osm_tags({"highway": "residential"}) is None
    True
    """
    best: tuple[int, str, str] | None = None
    for key, by_value in _PRESETS_BY_KEY.items():
        found = tags.get(key)
        if not isinstance(found, str):
            continue
        for index, extra, category in by_value.get(found, []) + by_value.get("*", []):
            if best is not None and index > best[0]:
                continue
            if extra is None or tags.get(extra[0]) == extra[1]:
                best = (index, category, f"{key}={found}")
    return None if best is None else (best[1], best[2])


def _presets_by_key() -> dict[str, dict[str, list[tuple[int, tuple[str, str] | None, str]]]]:
    """The presets by key, then value: (place in the table, extra tag, category)."""
    index: dict[str, dict[str, list[tuple[int, tuple[str, str] | None, str]]]] = {}
    for place, (key, value, extra, category) in enumerate(OSM_ASSET_PRESETS):
        index.setdefault(key, {}).setdefault(value, []).append((place, extra, category))
    return index


_PRESETS_BY_KEY = _presets_by_key()


def assets_from_osm_file(
    path: str | Path,
    *,
    area: shapely.Geometry | None = None,
    working_crs: str | None = None,
) -> ImportResult:
    """Read the community assets OpenStreetMap maps in an extract (XML, bz2 or PBF).

    Parameters
    ----------
    path
        The extract (the same file as the street network will do).
    area
        The project area in the working CRS; assets outside it are left out (counted).
    working_crs
        The CRS of the layer.

    Returns
    -------
    ImportResult
        Rows are the tagged elements that match a preset; ``source`` is ``OpenStreetMap``
        and ``source_ref`` the element (``node/123``, ``way/45``, ``relation/6``).

    Raises
    ------
    InputFileError
        When the file is missing, empty, or cannot be read as OpenStreetMap data (a
        ``.graphml`` file holds streets only: it is refused saying so).

    Examples
    --------
    >>> result = assets_from_osm_file("data/sample/yarrowside.osm")
    >>> print(result.summary())
    yarrowside.osm: 137 OSM elements: 137 kept (0 repaired), 0 rejected.
    >>> result.layer["category"].value_counts().head(3)
    category
    tree     60
    bench    25
    bin      18
    Name: count, dtype: int64
    >>> result.layer["source_ref"].iloc[0]
    'node/135'
    """
    path = check_input(path)
    refuse_graphml(
        path, "community assets", "download them from OpenStreetMap (assets_from_osm_place)"
    )
    found, source = read_osm_file(path, _preset_elements)
    return assets_found(found, source, area=area, working_crs=working_crs)


def assets_found(
    found: Found,
    source: OsmSource,
    *,
    area: shapely.Geometry | None,
    working_crs: str | None,
) -> ImportResult:
    """The assets import of what a pass over ``source`` found."""
    book = AccountBook(source.path.name)
    for ref, place in found.placeless:
        book.reject(
            ref,
            "The OSM node has no usable coordinates (not numbers, or out of range).",
            field="lat, lon",
            value=place,
        )
    if source.note():
        book.note(str(source.note()))
    return _assets_result(found.assets, book, area=area, working_crs=working_crs)


@dataclass
class Found:
    """What a pass over an OSM file found for the assets and the drawn background."""

    #: (ref, tags, geometry) of the elements a preset takes
    assets: list[tuple[str, dict[str, str], shapely.Geometry]] = field(default_factory=list)
    #: (ref, coordinates) of asset nodes with no usable place
    placeless: list[tuple[str, str]] = field(default_factory=list)
    #: kind, name and geometry of the background's elements
    basemap: list[dict[str, object]] = field(default_factory=list)

    def take_asset(self, obj: Any, wkb: Any, source: OsmSource) -> None:
        """Keep ``obj`` (a pyosmium node or area) if a preset takes it."""
        import osmium

        if category_from_osm_tags(obj.tags) is None:  # libosmium's tags: no copy yet
            return
        if isinstance(obj, osmium.osm.Node):
            ref = f"node/{obj.id}"
            if not obj.location.valid():
                self.placeless.append((ref, source.bad_nodes.get(obj.id, "none")))
                return
            geometry = shapely.from_wkb(wkb.create_point(obj.location))
        elif isinstance(obj, osmium.osm.Area):
            try:
                geometry = shapely.from_wkb(wkb.create_multipolygon(obj))
            except (RuntimeError, osmium.InvalidLocationError):  # ways the extract cut off
                return
            kind = "way" if obj.from_way() else "relation"
            ref = f"{kind}/{obj.orig_id()}"
            if geometry.geom_type == "MultiPolygon" and len(geometry.geoms) == 1:
                geometry = geometry.geoms[0]
        else:
            return  # ways are never assets themselves: their areas come as areas
        self.assets.append((ref, dict(obj.tags), geometry))

    def take_basemap(self, obj: Any, wkb: Any) -> None:
        """Keep ``obj`` (a pyosmium way or area) if the background draws it."""
        import osmium

        tags = obj.tags  # libosmium's: looked up, not copied
        if isinstance(obj, osmium.osm.Area):
            kind = _kind(tags, BASEMAP_TAGS)
            if kind is None:
                return
            try:
                geometry = shapely.from_wkb(wkb.create_multipolygon(obj))
            except (RuntimeError, osmium.InvalidLocationError):
                return
        elif isinstance(obj, osmium.osm.Way):
            kind = _kind(tags, BASEMAP_LINES)
            if kind is None or tags.get("area") == "yes":
                return
            try:
                geometry = shapely.from_wkb(wkb.create_linestring(obj))
            except (RuntimeError, osmium.InvalidLocationError):  # nodes with no place
                return
        else:
            return
        self.basemap.append({"kind": kind, "name": tags.get("name"), "geometry": geometry})


def _preset_elements(source: OsmSource) -> Found:
    """The elements a preset takes."""
    import osmium

    found = Found()
    wkb = osmium.geom.WKBFactory()
    presets = osmium.filter.KeyFilter(*PRESET_KEYS)
    # ways are never assets themselves: their areas (if any) come as areas
    not_ways = osmium.filter.EntityFilter(osmium.osm.NODE | osmium.osm.AREA)
    for obj in osm_elements(source, presets, not_ways, areas=osmium.filter.KeyFilter(*PRESET_KEYS)):
        found.take_asset(obj, wkb, source)
    return found


def assets_from_osm_polygon(
    polygon: shapely.Geometry,
    *,
    crs: str | None = None,
    area: shapely.Geometry | None = None,
    working_crs: str | None = None,
) -> ImportResult:
    """Download the assets OpenStreetMap maps within a polygon (through osmnx, cached)."""
    import osmnx as ox

    working = working_crs or settings.working_crs
    lonlat = gpd.GeoSeries([polygon], crs=crs or working).to_crs("EPSG:4326").iloc[0]
    tags: dict[str, bool | str | list[str]] = dict.fromkeys(PRESET_KEYS, True)
    features = _download_with(
        lambda: ox.features_from_polygon(lonlat, tags=tags),
        what="OpenStreetMap features",
        local="osm_assets_file",
    )
    return _from_features(features, "OpenStreetMap (download)", area=area, working_crs=working)


def assets_from_osm_place(
    query: str,
    *,
    area: shapely.Geometry | None = None,
    working_crs: str | None = None,
) -> ImportResult:
    """Download the assets OpenStreetMap maps within a place's boundary.

    Through osmnx (needs internet; answers are cached in
    :data:`settings.osm_cache_folder`, so the same download again needs none).

    Parameters
    ----------
    query
        A place name OpenStreetMap has a boundary for, e.g. ``"Chorley, Lancashire"``.
    area
        The project area in the working CRS; assets outside it are left out (counted).
    working_crs
        The CRS of the layer (default :data:`settings.working_crs`).

    Returns
    -------
    ImportResult
        ``.layer`` is the ``assets`` layer: the elements that match a preset of
        :data:`~healthy_streets.model.taxonomy.OSM_ASSET_PRESETS`, ``source_ref`` naming
        each (``node/123``, ``way/45``).

    Raises
    ------
    NetworkUnavailableError
        When the services cannot be reached and no answer is cached.
    PlaceNotFoundError
        When Nominatim knows no area by that name.

    Examples
    --------
    Asking Nominatim and Overpass needs the internet, so this example is not run:

    >>> result = assets_from_osm_place("Chorley, Lancashire")  # doctest: +SKIP
    >>> result.layer.groupby("category").size()  # doctest: +SKIP

    Offline, read the same presets from an extract already downloaded:

    >>> result = assets_from_osm_file("data/sample/yarrowside.osm")
    >>> result.layer.groupby("category").size().head(3)
    category
    allotment     1
    bench        25
    bin          18
    dtype: int64
    """
    import osmnx as ox

    tags: dict[str, bool | str | list[str]] = dict.fromkeys(PRESET_KEYS, True)
    features = _download_with(
        lambda: ox.features_from_place(query, tags=tags),
        what=f"OpenStreetMap features of {query!r}",
        query=query,
        local="osm_assets_file",
    )
    return _from_features(features, f"OpenStreetMap ({query})", area=area, working_crs=working_crs)


def _from_features(
    features: gpd.GeoDataFrame,
    source: str,
    *,
    area: shapely.Geometry | None,
    working_crs: str | None,
) -> ImportResult:
    records = []
    tag_columns = [c for c in features.columns if c != "geometry"]
    for (element, osm_id), row in features.iterrows():
        tags = {
            k: v for k, v in zip(tag_columns, row[tag_columns], strict=True) if isinstance(v, str)
        }
        if category_from_osm_tags(tags) is not None:
            records.append((f"{element}/{osm_id}", tags, row.geometry))
    return _assets_result(records, AccountBook(source), area=area, working_crs=working_crs)


def _assets_result(
    records: Iterable[tuple[str, dict[str, str], shapely.Geometry]],
    book: AccountBook,
    *,
    area: shapely.Geometry | None,
    working_crs: str | None,
) -> ImportResult:
    rows = []
    rejected = len(book.rejected_rows)
    for ref, tags, geometry in records:
        category, tag = category_from_osm_tags(tags) or ("other", "")
        notes = "; ".join(tags[k] for k in NOTE_TAGS if k in tags) or None
        if tags.get("waste") == "dog_excrement":
            notes = "Dog waste bin" + (f"; {notes}" if notes else "")
        if category == "bus_stop" and tags.get("shelter") == "yes":
            notes = "Shelter" + (f"; {notes}" if notes else "")
        rows.append(
            {
                "asset_id": "osm-" + ref.replace("/", "-"),
                "name": tags.get("name"),
                "category": category,
                "category_text": tag,
                "source": "OpenStreetMap",
                "source_ref": ref,
                "notes": notes,
                "geometry": geometry,
            }
        )
    frame = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=[*ASSETS.column_names[:7], "geometry"]),
        geometry="geometry",
        crs="EPSG:4326",
    )
    frame = frame.to_crs(working_crs or settings.working_crs)
    rows_in = len(frame)
    if area is not None and len(frame):
        # counted apart as elsewhere, by their OSM ids: an extract is wider than a project
        by_ref = frame.geometry.set_axis(frame["source_ref"].to_numpy())
        frame = frame[set_apart_outside(by_ref, area, book).to_numpy()]
    return book.result(conform(frame, ASSETS), rows_in + rejected, unit="OSM elements")


#: What the drawn background shows, by OSM tag: (key, values) -> kind.
BASEMAP_TAGS: tuple[tuple[str, frozenset[str], str], ...] = (
    ("natural", frozenset({"water"}), "water"),
    ("waterway", frozenset({"riverbank", "dock"}), "water"),
    ("landuse", frozenset({"reservoir", "basin"}), "water"),
    (
        "leisure",
        frozenset(
            {
                "park",
                "garden",
                "playground",
                "pitch",
                "nature_reserve",
                "recreation_ground",
                "common",
                "golf_course",
            }
        ),
        "green",
    ),
    (
        "landuse",
        frozenset(
            {
                "grass",
                "recreation_ground",
                "village_green",
                "meadow",
                "allotments",
                "cemetery",
                "forest",
            }
        ),
        "green",
    ),
    ("natural", frozenset({"wood", "scrub", "grassland", "heath"}), "green"),
    ("amenity", frozenset({"grave_yard"}), "green"),
)
BASEMAP_LINES: tuple[tuple[str, frozenset[str], str], ...] = (
    ("waterway", frozenset({"river", "stream", "canal", "drain", "brook"}), "waterway"),
    ("railway", frozenset({"rail", "light_rail", "tram", "narrow_gauge", "subway"}), "railway"),
)


def basemap_from_osm_file(
    path: str | Path,
    *,
    area: shapely.Geometry | None = None,
    working_crs: str | None = None,
) -> gpd.GeoDataFrame:
    """The background a meeting map draws from the OSM data itself, so that it makes sense
    with no tiles: green spaces and water (polygons), rivers, streams and railways (lines).

    Returns
    -------
    GeoDataFrame
        ``kind`` (``green``, ``water``, ``waterway``, ``railway``), ``name``, geometry, in
        the working CRS; clipped to ``area`` when given.
    """

    path = check_input(path)
    rows, _ = read_osm_file(path, _basemap_rows)
    return basemap_frame(rows, area=area, working_crs=working_crs)


def basemap_frame(
    rows: list[dict[str, object]], *, area: shapely.Geometry | None, working_crs: str | None
) -> gpd.GeoDataFrame:
    """The background of the rows a pass found (see :func:`basemap_from_osm_file`)."""
    frame = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=["kind", "name", "geometry"]),
        geometry="geometry",
        crs="EPSG:4326",
    )
    frame = frame.to_crs(working_crs or settings.working_crs)
    if area is not None and len(frame):
        frame = frame[frame.intersects(area)]
    return frame.reset_index(drop=True)


#: OSM keys the background looks at.
BASEMAP_KEYS = tuple(sorted({key for key, *_ in BASEMAP_TAGS + BASEMAP_LINES}))


def _basemap_rows(source: OsmSource) -> list[dict[str, object]]:
    import osmium

    found = Found()
    wkb = osmium.geom.WKBFactory()
    lines_and_areas = osmium.filter.EntityFilter(osmium.osm.WAY | osmium.osm.AREA)
    for obj in osm_elements(
        source,
        osmium.filter.KeyFilter(*BASEMAP_KEYS),
        lines_and_areas,
        areas=osmium.filter.KeyFilter(*BASEMAP_KEYS),
    ):
        found.take_basemap(obj, wkb)
    return found.basemap


def _kind(tags: TagLookup, table: tuple[tuple[str, frozenset[str], str], ...]) -> str | None:
    for key, values, kind in table:
        if tags.get(key) in values:
            return kind
    return None
