"""Streets, assets and the drawn background from one OpenStreetMap file, in one read.

A build that takes all three from the same extract reads it once here (libosmium's pass
over the relations that make areas aside): the elements an asset preset or the background
looks at come to Python, everything else goes straight to libosmium's OPL writer and
every node's place to libosmium's node index, of which the street network is made as
:func:`~healthy_streets.io.osm.read_ways` makes it. Each of the three is what its own reader gives
(:func:`~healthy_streets.io.osm.street_network_from_osm_file`,
:func:`~healthy_streets.io.osm_features.assets_from_osm_file`,
:func:`~healthy_streets.io.osm_features.basemap_from_osm_file`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from healthy_streets.io._common import check_buffer_m, check_input, no_cycle_collection
from healthy_streets.io._osm_ways import Ways, parse_ways
from healthy_streets.io.osm import (
    OPL_FORMAT,
    NodeIndex,
    OsmSource,
    lonlat_window,
    network_from_ways,
    osmium_input,
    read_osm_file,
    reading,
    scratch_folder,
)
from healthy_streets.io.osm_features import (
    BASEMAP_KEYS,
    PRESET_KEYS,
    Found,
    assets_found,
    basemap_frame,
)
from healthy_streets.model.account import ImportResult

__all__ = ["OsmLayers", "osm_layers_from_file"]


@dataclass
class OsmLayers:
    """What one OpenStreetMap file gives a build.

    Attributes
    ----------
    streets
        The ``streets`` import (as :func:`~healthy_streets.io.osm.street_network_from_osm_file`).
    assets
        The assets OpenStreetMap maps (as
        :func:`~healthy_streets.io.osm_features.assets_from_osm_file`).
    basemap
        The drawn background (as :func:`~healthy_streets.io.osm_features.basemap_from_osm_file`).
    """

    streets: ImportResult
    assets: ImportResult
    basemap: gpd.GeoDataFrame


def osm_layers_from_file(
    path: str | Path,
    *,
    clip_to: shapely.Geometry | gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    buffer_m: float | None = None,
    nation: str | None = None,
    area: shapely.Geometry | None = None,
    working_crs: str | None = None,
) -> OsmLayers:
    """Read the street network, the assets and the background of an OSM file at once.

    Parameters
    ----------
    path
        ``.osm`` (XML), ``.osm.bz2``, ``.osm.gz`` or ``.osm.pbf``.
    clip_to, buffer_m, nation
        For the streets, as for :func:`~healthy_streets.io.osm.street_network_from_osm_file`.
    area
        The project area in the working CRS: assets and background outside it are left out.
    working_crs
        The CRS of the layers.

    Examples
    --------
    >>> osm = osm_layers_from_file("data/sample/yarrowside.osm")
    >>> len(osm.streets.layer), len(osm.assets.layer), len(osm.basemap)
    (581, 137, 12)
    >>> osm.basemap.groupby("kind").size()
    kind
    green       6
    railway     3
    waterway    3
    dtype: int64
    """
    path = check_input(path)
    buffer_m = check_buffer_m(buffer_m)
    window = lonlat_window(clip_to, buffer_m, working_crs)
    with no_cycle_collection():
        (ways, found), source = read_osm_file(path, lambda source: _read_all(source, window))
        streets = network_from_ways(
            ways,
            source,
            clip_to=clip_to,
            buffer_m=buffer_m,
            nation=nation,
            working_crs=working_crs,
        )
        return OsmLayers(
            streets=streets,
            assets=assets_found(found, source, area=area, working_crs=working_crs),
            basemap=basemap_frame(found.basemap, area=area, working_crs=working_crs),
        )


def _read_all(
    source: OsmSource, window: tuple[float, float, float, float] | None
) -> tuple[Ways, Found]:
    import osmium

    found = Found()
    with scratch_folder() as folder:
        opl = Path(folder) / "elements.opl"
        with NodeIndex(Path(folder)) as index:
            writer = osmium.SimpleWriter(osmium.io.File(str(opl), OPL_FORMAT))
            try:
                _read_elements(source, index.handler, writer, found)
            finally:
                writer.close()
            places = index.places(source)
        return parse_ways(_way_lines(opl.read_bytes()), places, window), found


def _read_elements(source: OsmSource, node_index: Any, writer: Any, found: Found) -> None:
    """One pass over the file: what an asset preset or the background looks at into
    ``found``, the rest to ``writer`` (every way to it), every node's place to the
    ``node_index`` handler."""
    import osmium

    keys = sorted({*PRESET_KEYS, *BASEMAP_KEYS})
    # ways come to Python only for the background's lines (their areas come as areas)
    background_ways = osmium.filter.KeyFilter(*BASEMAP_KEYS)
    background_ways.enable_for(osmium.osm.WAY)
    wkb = osmium.geom.WKBFactory()
    processor = (
        osmium.FileProcessor(osmium_input(source))
        .with_locations()
        .with_areas(osmium.filter.KeyFilter(*keys))
        .with_filter(node_index)  # lets everything pass
        .with_filter(osmium.filter.KeyFilter(*keys))
        .with_filter(background_ways)
        .handler_for_filtered(writer)  # the rest: to OPL, untouched by Python
    )
    with reading(source):
        for obj in processor:
            if isinstance(obj, osmium.osm.Way):
                writer.add_way(obj)  # every way is the street reader's
                found.take_basemap(obj, wkb)
            elif isinstance(obj, osmium.osm.Node):
                found.take_asset(obj, wkb, source)
            elif isinstance(obj, osmium.osm.Area):
                found.take_asset(obj, wkb, source)
                found.take_basemap(obj, wkb)


def _way_lines(opl: bytes) -> bytes:
    """The ways of OPL that also holds nodes and relations (a sorted file's nodes come
    first and its relations last)."""
    start = 0 if opl.startswith(b"w") else opl.find(b"\nw") + 1
    if start == 0 and not opl.startswith(b"w"):
        return b""
    end = opl.find(b"\nr", start)
    ways = opl[start : None if end < 0 else end + 1]
    if b"\nn" in ways or b"\nr" in ways:  # not sorted after all: line by line
        return b"\n".join(line for line in opl.split(b"\n") if line.startswith(b"w"))
    return ways
