"""Text writers with fixed formatting, so the same sample gives the same bytes everywhere.

No GDAL or other library writer is used: their output changes between versions.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from ._geo import HEIGHT, ORIGIN_E, ORIGIN_N, WIDTH, Point, to_lonlat
from ._model import Way, World, Zone

__all__ = ["csv_text", "json_text", "osm_xml", "write_text", "zones_geojson"]

#: The edit time stamped on every OpenStreetMap element of the sample.
OSM_TIMESTAMP = "2025-10-01T00:00:00Z"
_META = f'version="1" timestamp="{OSM_TIMESTAMP}"'


def write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text with ``\\n`` line endings, whatever the platform.

    Parameters
    ----------
    path : pathlib.Path
        Destination file.
    text : str
        The content.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path.write_bytes(text.encode("utf-8"))
    return path


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;", "\n": "&#10;"})


def _tag_lines(tags: dict[str, str], indent: str) -> list[str]:
    return [f'{indent}<tag k="{_attr(k)}" v="{_attr(v)}"/>' for k, v in sorted(tags.items())]


def _node_ids(world: World) -> tuple[dict[Point, int], dict[int, int]]:
    """Number way nodes in order of first use, then the free-standing features."""
    ids: dict[Point, int] = {}
    for way in world.ways:
        for p in way.points:
            ids.setdefault(p, len(ids) + 1)
    feature_ids = {id(f): len(ids) + 1 + i for i, f in enumerate(world.features)}
    return ids, feature_ids


def osm_xml(world: World) -> str:
    """Render the world as an OpenStreetMap XML (API 0.6) document.

    Parameters
    ----------
    world : World
        Ways, tagged way nodes, point features and relations.

    Returns
    -------
    str
        The document: bounds, then nodes, ways and relations, each in id order.
    """
    ids, feature_ids = _node_ids(world)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<osm version="0.6" generator="healthy_streets sample generator">',
        _bounds_line(),
    ]
    for p, node_id in ids.items():
        lines += _node_lines(node_id, p, world.node_tags.get(p, {}))
    for feature in world.features:
        lines += _node_lines(feature_ids[id(feature)], feature.point, feature.tags)
    way_ids = {id(w): i + 1 for i, w in enumerate(world.ways)}
    for way in world.ways:
        lines.append(f'  <way id="{way_ids[id(way)]}" {_META}>')
        lines += [f'    <nd ref="{ids[p]}"/>' for p in way.points]
        lines += _tag_lines(way.tags, "    ")
        lines.append("  </way>")
    for number, relation in enumerate(world.relations, start=1):
        lines.append(f'  <relation id="{number}" {_META}>')
        for member, role in relation.members:
            if isinstance(member, Way):
                ref, kind = way_ids[id(member)], "way"
            else:
                ref, kind = feature_ids[id(member)], "node"
            lines.append(f'    <member type="{kind}" ref="{ref}" role="{_attr(role)}"/>')
        lines += _tag_lines(relation.tags, "    ")
        lines.append("  </relation>")
    lines.append("</osm>")
    return "\n".join(lines) + "\n"


def _bounds_line() -> str:
    corners = [
        to_lonlat((ORIGIN_E + dx, ORIGIN_N + dy)) for dx in (0.0, WIDTH) for dy in (0.0, HEIGHT)
    ]
    lons, lats = [c[0] for c in corners], [c[1] for c in corners]
    return (
        f'  <bounds minlat="{min(lats):.7f}" minlon="{min(lons):.7f}"'
        f' maxlat="{max(lats):.7f}" maxlon="{max(lons):.7f}"/>'
    )


def _node_lines(node_id: int, point: Point, tags: dict[str, str]) -> list[str]:
    lon, lat = to_lonlat(point)
    head = f'  <node id="{node_id}" {_META} lat="{lat:.7f}" lon="{lon:.7f}"'
    if not tags:
        return [head + "/>"]
    return [head + ">", *_tag_lines(tags, "    "), "  </node>"]


def _ring_text(coords: Iterable[tuple[float, float]]) -> str:
    return "[" + ", ".join(f"[{x:.1f}, {y:.1f}]" for x, y in coords) + "]"


def _polygon_text(polygon: Polygon) -> str:
    rings = [polygon.exterior, *polygon.interiors]
    return "[" + ", ".join(_ring_text(r.coords) for r in rings) + "]"


def _geometry_text(geometry: BaseGeometry) -> str:
    if isinstance(geometry, MultiPolygon):
        parts = ", ".join(_polygon_text(p) for p in geometry.geoms)
        return f'{{"type": "MultiPolygon", "coordinates": [{parts}]}}'
    assert isinstance(geometry, Polygon)
    return f'{{"type": "Polygon", "coordinates": {_polygon_text(geometry)}}}'


def zones_geojson(zones: Sequence[Zone]) -> str:
    """Render the zones as a council GIS would export them: GeoJSON in EPSG:27700.

    The CRS is declared in the legacy ``crs`` member (as older GIS tools write it) and the
    attribute names are upper-case shapefile-style fields.

    Parameters
    ----------
    zones : sequence of Zone
        The zones.

    Returns
    -------
    str
        The GeoJSON document, one feature per line.
    """
    features = []
    for number, zone in enumerate(zones, start=1):
        properties = {
            "OBJECTID": number,
            "ZONE_NAME": zone.name,
            "TRO_REF": zone.tro_ref,
            "STATUS": zone.status,
            "IMPL_DATE": zone.impl_date_text,
            "NOTES": zone.notes,
        }
        features.append(
            f'{{"type": "Feature", "properties": {json.dumps(properties, ensure_ascii=False)},'
            f' "geometry": {_geometry_text(zone.geometry)}}}'
        )
    crs = '{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}'
    return (
        '{\n"type": "FeatureCollection",\n"name": "twenty_mph_zones",\n'
        f'"crs": {crs},\n"features": [\n' + ",\n".join(features) + "\n]\n}\n"
    )


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Render rows as CSV with minimal quoting and ``\\n`` line endings.

    Parameters
    ----------
    header : sequence of str
        Column names.
    rows : iterable of sequences
        Values; ``None`` is written as an empty field.

    Returns
    -------
    str
        The CSV text.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue()


def json_text(value: object) -> str:
    """Render a value as indented JSON (keys in the order given) with a final newline.

    Parameters
    ----------
    value : object
        Lists, dicts, strings, integers, rounded floats, booleans and ``None``.

    Returns
    -------
    str
        The JSON text.
    """
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
