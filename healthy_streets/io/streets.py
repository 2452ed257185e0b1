"""The street network from whichever source is given: the one dispatcher.

A build (:func:`healthy_streets.load_layers`), the command line's ``network`` and a notebook
all choose the reader here: an OpenStreetMap file (``.osm``, ``.osm.bz2``, ``.osm.pbf``)
or osmnx's ``.graphml``, a place name, a bounding box, the area around some zones (those
three downloaded), or a network already in memory (an osmnx graph, its edges, a streets
layer).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from healthy_streets.errors import ConfigError
from healthy_streets.io._common import check_buffer_m
from healthy_streets.io.osm import (
    clip_streets,
    is_graphml,
    street_network_from_graphml,
    street_network_from_osm_file,
)
from healthy_streets.io.overpass import (
    street_network_from_bbox,
    street_network_from_place,
    street_network_from_polygon,
)
from healthy_streets.model.account import AccountBook, ImportResult
from healthy_streets.model.streets import as_streets

__all__ = ["is_graphml", "read_street_network", "street_network_from_graph"]

#: How a network in memory is named in its account.
IN_MEMORY = "streets (in memory)"


def read_street_network(
    *,
    osm_file: str | Path | None = None,
    place: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    around: gpd.GeoDataFrame | None = None,
    streets: Any = None,
    clip_to: shapely.Geometry | gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    buffer_m: float | None = None,
    nation: str | None = None,
    working_crs: str | None = None,
) -> ImportResult:
    """The ``streets`` layer from the one source given, with its account.

    Parameters
    ----------
    osm_file
        An OpenStreetMap extract (``.osm``, ``.osm.bz2``, ``.osm.gz``, ``.osm.pbf``), or a
        GraphML file osmnx saved (``.graphml``).
    place
        A place name whose streets are downloaded (needs internet).
    bbox
        ``(west, south, east, north)`` in degrees, whose streets are downloaded.
    around
        Zones whose streets (within ``buffer_m``) are downloaded.
    streets
        A network in memory: an osmnx graph, osmnx's edges or a streets layer
        (:func:`~healthy_streets.as_streets`).
    clip_to, buffer_m, nation, working_crs
        As for :func:`~healthy_streets.io.osm.street_network_from_osm_file` (a bounding
        box is not clipped; zones to download around are buffered by ``buffer_m``).

    Returns
    -------
    ImportResult
        ``.layer`` is the ``streets`` layer, from the reader the source calls for:
        :func:`~healthy_streets.io.osm.street_network_from_osm_file`,
        :func:`~healthy_streets.io.osm.street_network_from_graphml`,
        :func:`~healthy_streets.io.overpass.street_network_from_place`,
        :func:`~healthy_streets.io.overpass.street_network_from_bbox`,
        :func:`~healthy_streets.io.overpass.street_network_from_polygon` or
        :func:`street_network_from_graph`.

    Raises
    ------
    ConfigError
        When none of the sources, or more than one, is given.

    Examples
    --------
    From an extract on disk, kept to 200 m around the zones:

    >>> zones = layers.zones
    >>> result = read_street_network(osm_file="data/sample/yarrowside.osm", clip_to=zones,
    ...                              buffer_m=200)
    >>> print(result.summary())
    yarrowside.osm: 292 highway ways: 292 kept (0 repaired), 0 rejected; 566 streets rows.

    From an osmnx graph already in the notebook:

    >>> import osmnx as ox
    >>> G = ox.graph_from_xml("data/sample/yarrowside.osm", retain_all=True)
    >>> result = read_street_network(streets=G, clip_to=zones, buffer_m=200)
    >>> len(result.layer)  # fewer, longer segments: osmnx joins ways between junctions
    487
    """
    given = {
        "osm_file": osm_file,
        "place": place,
        "bbox": bbox,
        "around": around,
        "streets": streets,
    }
    chosen = [name for name, value in given.items() if value is not None]
    if len(chosen) != 1:
        raise ConfigError(
            "Give the street network one source: an OpenStreetMap or GraphML file, a place "
            f"name, a bounding box, zones to download around, or a network in memory; "
            f"{len(chosen)} were given."
        )
    options: dict[str, Any] = {"nation": nation, "working_crs": working_crs}
    if osm_file is not None:
        reader = street_network_from_graphml if is_graphml(osm_file) else None
        reader = reader or street_network_from_osm_file
        return reader(osm_file, clip_to=clip_to, buffer_m=buffer_m, **options)
    if place is not None:
        return street_network_from_place(place, clip_to=clip_to, buffer_m=buffer_m, **options)
    if bbox is not None:
        return street_network_from_bbox(bbox, **options)
    if around is not None:
        return street_network_from_polygon(around, buffer_m=buffer_m, **options)
    return street_network_from_graph(streets, clip_to=clip_to, buffer_m=buffer_m, **options)


def street_network_from_graph(
    streets: Any,
    *,
    clip_to: shapely.Geometry | gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    buffer_m: float | None = None,
    nation: str | None = None,
    working_crs: str | None = None,
) -> ImportResult:
    """The ``streets`` layer, with its account, from a network in memory.

    An osmnx graph, osmnx's edges or a streets layer, converted by
    :func:`~healthy_streets.as_streets`.

    Parameters
    ----------
    streets
        The network.
    clip_to, buffer_m, nation, working_crs
        As for :func:`~healthy_streets.io.osm.street_network_from_osm_file`.

    Returns
    -------
    ImportResult
        ``.layer`` is the ``streets`` layer; rows of the account are its segments.

    Raises
    ------
    ConfigError
        When ``streets`` is none of the three kinds, or ``buffer_m`` is not a distance the
        toolkit accepts.

    Examples
    --------
    >>> import osmnx as ox
    >>> G = ox.graph_from_xml("data/sample/yarrowside.osm", retain_all=True)
    >>> result = street_network_from_graph(G, clip_to=layers.zones, buffer_m=200)
    >>> print(result.summary())
    streets (in memory): 487 street segments: 487 kept (0 repaired), 0 rejected.
    >>> result.layer[["segment_id", "name", "speed_mph", "u", "v", "key"]].head(3)
      segment_id             name  speed_mph    u    v  key
    0  7-121-124  Yarrowgate Road       30.0  121  124    0
    1  9-124-125  Yarrowgate Road       30.0  124  125    0
    2  9-125-133  Yarrowgate Road       30.0  125  133    0
    """
    buffer_m = check_buffer_m(buffer_m)
    layer = as_streets(streets, nation=nation, working_crs=working_crs)
    notes: list[str] = []
    kept = clip_streets(layer, clip_to, buffer_m, notes)
    book = AccountBook(IN_MEMORY)
    return book.result(kept, len(kept), notes=notes, unit="street segments")
