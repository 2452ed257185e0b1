"""QGIS styles for the store's layers, so the GIS team opens the meeting map's look.

Every layer the store holds (``zones``, ``streets``, ``assets``, ``reports``,
``speed_limits``) gets one style, written both as QML (QGIS's own format) and as SLD 1.1
(for other GIS), into the ``layer_styles`` table with the schema QGIS itself creates, marked
as the layer's default: QGIS applies it when the layer is opened.

* ``streets`` and ``speed_limits``: the meeting map's speed bands (colour, width and dash,
  from :data:`healthy_streets.maps.style.SPEED_BANDS`), paths thin and grey;
* ``zones``: implemented zones drawn solid, proposed ones dashed, others dotted (the
  meeting map's :data:`~healthy_streets.maps.meeting.ZONE_STYLES`);
* ``assets``: each category's pictogram on the asset ink, the meeting map's own marker
  (:func:`~healthy_streets.maps.style.pictogram_svg`, embedded in the style), and for areas
  a fill of the ink with the pictogram at the centre;
* ``reports``: each category's colour and shape (:data:`~healthy_streets.maps.style.
  REPORT_COLOURS`, :data:`~healthy_streets.maps.style.REPORT_SHAPES`), open reports solid
  and those fixed or closed faded as on the meeting map (its
  :data:`~healthy_streets.maps.style.FADED_STATUSES` and
  :data:`~healthy_streets.maps.style.REPORT_STATUS_LOOK`).

Where QGIS looks (from its source, ``QgsOgrUtils::loadStoredStyle`` and the PostgreSQL
provider): in a GeoPackage, the ``layer_styles`` table of the file, rows with
``f_table_schema = ''`` and the layer's name and geometry column; in PostGIS,
``public.layer_styles``, rows with the database's name in ``f_table_catalog`` and the
layer's schema, table and geometry column. A default row (``useAsDefault``) wins, then the
latest ``update_time``.

**Only the toolkit's own rows are replaced.** A row is the toolkit's when its
``styleName`` is :data:`STYLE_NAME` and it is for one of the layers written; every other
row (a council's own styles, for its own layers or ours) is kept. Where the council has
saved a default style of its own for one of our layers, the toolkit's style is added beside
it but not made the default: the council's choice stands.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from xml.etree import ElementTree as ET

from healthy_streets._version import __version__
from healthy_streets.maps.style import (
    ASSET_INK,
    FADED_STATUSES,
    PATH_STYLE,
    REPORT_COLOURS,
    REPORT_SHAPES,
    REPORT_STATUS_LOOK,
    REPORT_STATUSES,
    SPEED_BANDS,
    STATUS_WORDS,
    ZONE_STYLES,
    pictogram_svg,
)
from healthy_streets.model.taxonomy import ASSET_CATEGORIES, REPORT_CATEGORIES

__all__ = [
    "LAYER_STYLES_COLUMNS",
    "STYLED_LAYERS",
    "STYLE_NAME",
    "qml_style",
    "sld_style",
    "write_styles",
]

log = logging.getLogger(__name__)

#: The ``styleName`` of every row the toolkit writes (at most 30 characters, as QGIS's
#: schema allows): the rows it may replace.
STYLE_NAME = "healthy-streets"
#: The layers that get a style (tables such as ``rejected`` need none).
STYLED_LAYERS = ("zones", "streets", "assets", "reports", "speed_limits")
#: The columns of QGIS's ``layer_styles`` table (``id`` aside), in its order.
LAYER_STYLES_COLUMNS = (
    "f_table_catalog",
    "f_table_schema",
    "f_table_name",
    "f_geometry_column",
    "styleName",
    "styleQML",
    "styleSLD",
    "useAsDefault",
    "description",
    "owner",
    "ui",
    "update_time",
)

#: Screen pixels (the meeting map's Leaflet units) to millimetres (QGIS's), at 96 dpi.
_MM_PER_PX = 25.4 / 96
_QGIS_VERSION = "3.28.0-Firenze"

#: QGIS's ``layer_styles`` in a GeoPackage: what GDAL creates from the fields QGIS defines
#: (``QgsOgrUtils::saveStyle``), with ``id`` as the key.
_GPKG_DDL = (
    'CREATE TABLE "layer_styles" ('
    '"id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
    '"f_table_catalog" TEXT(256), "f_table_schema" TEXT(256), "f_table_name" TEXT(256), '
    '"f_geometry_column" TEXT(256), "styleName" TEXT(30), "styleQML" TEXT, '
    '"styleSLD" TEXT, "useAsDefault" BOOLEAN, "description" TEXT, "owner" TEXT(30), '
    '"ui" TEXT(30), '
    "\"update_time\" DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
)
#: The columns of ``layer_styles`` the toolkit reads and writes: a table of that name without
#: them is not QGIS's, and is never written into.
_GPKG_NEEDED = (
    "f_table_schema",
    "f_table_name",
    "f_geometry_column",
    "styleName",
    "styleQML",
    "useAsDefault",
)
#: QGIS's ``layer_styles`` in PostgreSQL (``QgsPostgresUtils::createStylesTable``).
_POSTGRES_DDL = (
    "CREATE TABLE IF NOT EXISTS public.layer_styles("
    "id SERIAL PRIMARY KEY, f_table_catalog varchar, f_table_schema varchar, "
    "f_table_name varchar, f_geometry_column varchar, styleName text, styleQML xml, "
    "styleSLD xml, useAsDefault boolean, description text, "
    "owner varchar(63) DEFAULT CURRENT_USER, ui xml, "
    "update_time timestamp DEFAULT CURRENT_TIMESTAMP, type varchar, r_raster_column varchar)"
)


# --- the look of each layer ----------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    colour: str
    width_px: float
    dash_px: tuple[float, ...] = ()
    opacity: float = 1.0


@dataclass(frozen=True)
class _Pictogram:
    """An asset category's marker: the meeting map's SVG pictogram."""

    category: str
    size_px: float = 24.0

    def svg_base64(self) -> str:
        return base64.b64encode(pictogram_svg(self.category).encode("utf-8")).decode("ascii")


@dataclass(frozen=True)
class _Fill:
    colour: str
    opacity: float
    outline: _Line
    centre: _Pictogram | None = None


@dataclass(frozen=True)
class _Marker:
    colour: str
    shape: str = "circle"
    size_mm: float = 3.2
    opacity: float = 1.0
    outline: str = "#232323"


_Symbol = _Line | _Fill | _Marker | _Pictogram


@dataclass(frozen=True)
class _Rule:
    """One class of a layer: its legend label, its filter (``None``: every feature no other
    rule of its level takes) and its symbol; or, with ``children``, the classes it is split
    into (each report category into open and faded), drawn by their own symbols."""

    label: str
    where: tuple[Any, ...] | None
    symbol: _Symbol | None
    children: tuple[_Rule, ...] = ()


def _dash(text: str | None) -> tuple[float, ...]:
    return tuple(float(part) for part in text.split()) if text else ()


#: Leaflet's shapes -> a QGIS simple marker and its rotation; an SLD well-known name.
_QGIS_SHAPES: dict[str, tuple[str, float]] = {
    "circle": ("circle", 0),
    "square": ("square", 0),
    "triangle": ("triangle", 0),
    "triangle_down": ("triangle", 180),
    "diamond": ("diamond", 0),
    "pentagon": ("pentagon", 0),
    "hexagon": ("hexagon", 0),
    "star": ("star", 0),
    "plus": ("cross_fill", 0),
    "cross": ("cross_fill", 45),
    "octagon": ("octagon", 0),
    "bar": ("half_square", 90),
    "arrow": ("arrow", 0),
}
_SLD_SHAPES: dict[str, tuple[str, float]] = {
    "circle": ("circle", 0),
    "square": ("square", 0),
    "triangle": ("triangle", 0),
    "triangle_down": ("triangle", 180),
    "diamond": ("square", 45),
    "star": ("star", 0),
    "plus": ("cross", 0),
    "cross": ("x", 0),
}


def _speed_rules(*, paths: bool) -> list[_Rule]:
    """The meeting map's speed bands (and paths, for the street network)."""
    not_path: tuple[str, ...] = ("not_path",) if paths else ()
    rules = [_Rule("Paths (footways, cycleways)", ("path",), _path_line())] if paths else []
    limits = {"20": (None, 20.0), "30": (20.0, 30.0), "40": (30.0, None)}
    for band in SPEED_BANDS:
        line = _Line(band.colour, band.weight, _dash(band.dash), 0.95)
        if band.key in limits:
            low, high = limits[band.key]
            rules.append(_Rule(band.label, ("speed", low, high, *not_path), line))
        else:
            rules.append(_Rule(band.label, None, line))
    return rules


def _path_line() -> _Line:
    return _Line(
        str(PATH_STYLE["color"]),
        float(PATH_STYLE["weight"]),  # type: ignore[arg-type]
        _dash(str(PATH_STYLE["dashArray"])),
        float(PATH_STYLE["opacity"]),  # type: ignore[arg-type]
    )


def _zone_rules() -> list[_Rule]:
    rules = []
    for status in ("implemented", "proposed"):
        rules.append(_Rule(STATUS_WORDS[status], ("equals", "status", status), _zone(status)))
    rules.append(_Rule(STATUS_WORDS["unknown"], None, _zone("*")))
    return rules


def _zone(status: str) -> _Fill:
    style = ZONE_STYLES[status]
    outline = _Line(
        str(style["color"]),
        float(style["weight"]),  # type: ignore[arg-type]
        _dash(style.get("dashArray")),  # type: ignore[arg-type]
    )
    return _Fill(str(style["fillColor"]), float(style["fillOpacity"]), outline)  # type: ignore[arg-type]


def _category_rules(
    colours: dict[str, str], labels: dict[str, str], *, shapes: dict[str, str] | None = None
) -> list[_Rule]:
    rules = []
    for key, colour in colours.items():
        if key == "other":
            continue
        shape = shapes.get(key, "circle") if shapes else "circle"
        symbol = _Marker(colour, shape, 3.6 if shapes else 3.2)
        rules.append(_Rule(labels.get(key, key), ("equals", "category", key), symbol))
    other = shapes.get("other", "circle") if shapes else "circle"
    rules.append(_Rule(labels.get("other", "Other"), None, _Marker(colours["other"], other)))
    return rules


def _asset_rules() -> list[_Rule]:
    """Each asset category's pictogram (``other`` takes the rest)."""
    rules = [
        _Rule(label, ("equals", "category", key), _Pictogram(key))
        for key, label in ASSET_CATEGORIES.items()
        if key != "other"
    ]
    rules.append(_Rule(ASSET_CATEGORIES.get("other", "Other"), None, _Pictogram("other")))
    return rules


#: The reports faded on the meeting map: those whose status is one of these.
_FADED = ("in", "status", FADED_STATUSES)


def _report_rules() -> list[_Rule]:
    """Each category's colour and shape, split as the meeting map draws it: open reports
    solid, those fixed or closed faded (paler fill, grey outline)."""
    faded_words = " or ".join(REPORT_STATUSES[s] for s in FADED_STATUSES).capitalize()
    open_words = REPORT_STATUSES[next(iter(REPORT_STATUSES))]
    rules = []
    for rule in _category_rules(REPORT_COLOURS, REPORT_CATEGORIES, shapes=REPORT_SHAPES):
        marker = cast(_Marker, rule.symbol)  # a category's marker
        looks = {
            kind: _Marker(
                marker.colour,
                marker.shape,
                marker.size_mm,
                float(look["fill_opacity"]),
                str(look["stroke"]),
            )
            for kind, look in REPORT_STATUS_LOOK.items()
        }
        children = (
            _Rule(f"{rule.label}: {faded_words.lower()}", _FADED, looks["faded"]),
            _Rule(f"{rule.label}: {open_words.lower()}", None, looks["open"]),
        )
        rules.append(_Rule(rule.label, rule.where, None, children))
    return rules


def _area_rules(rules: list[_Rule]) -> list[_Rule]:
    """For the areas of the asset layer: a fill of the ink, the category's pictogram at the
    centre."""
    out = []
    for rule in rules:
        centre = rule.symbol if isinstance(rule.symbol, _Pictogram) else None
        fill = _Fill(ASSET_INK, 0.35, _Line(ASSET_INK, 2.0), centre)
        out.append(_Rule(rule.label, rule.where, fill))
    return out


def _rules(layer: str) -> list[_Rule]:
    if layer == "streets":
        return _speed_rules(paths=True)
    if layer == "speed_limits":
        return _speed_rules(paths=False)
    if layer == "zones":
        return _zone_rules()
    if layer == "assets":
        return _asset_rules()
    if layer == "reports":
        return _report_rules()
    raise ValueError(f"There is no style for the layer {layer!r}; styled: {STYLED_LAYERS}.")


def _geometry_kinds(layer: str, geometry_type: str | None) -> tuple[str, ...]:
    """``point``, ``line`` and/or ``polygon``: what the layer's features are."""
    kind = (geometry_type or "").upper()
    if "POINT" in kind:
        return ("point",)
    if "LINE" in kind:
        return ("line",)
    if "POLYGON" in kind or "SURFACE" in kind:
        return ("polygon",)
    return {"zones": ("polygon",), "streets": ("line",), "speed_limits": ("line",)}.get(
        layer, ("point", "polygon")
    )


def _layer_groups(layer: str, kinds: Sequence[str]) -> list[tuple[str | None, list[_Rule]]]:
    """The layer's rules, by the geometry they draw: one group (``None``) for a layer of
    one kind; for ``assets`` of points and areas, markers for the points and fills (of the
    same classes, in the same order) for the areas."""
    rules = _rules(layer)
    if layer != "assets":
        return [(None, rules)]
    if len(kinds) == 1:
        return [(None, rules if kinds[0] == "point" else _area_rules(rules))]
    return [("point", rules), ("polygon", _area_rules(rules))]


# --- QML -----------------------------------------------------------------------------------


def _rgba(colour: str, opacity: float = 1.0) -> str:
    text = colour.lstrip("#")
    r, g, b = (int(text[i : i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{round(opacity * 255)}"


def _mm(px: float) -> str:
    return f"{px * _MM_PER_PX:.3g}"


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _qgis_filter(where: tuple[Any, ...] | None) -> str:
    if where is None:
        return "ELSE"  # every feature no other rule of its group takes
    kind, *args = where
    if kind == "equals":
        return f'"{args[0]}" = {_quoted(str(args[1]))}'
    if kind == "in":
        return f'"{args[0]}" IN (' + ", ".join(_quoted(str(v)) for v in args[1]) + ")"
    if kind == "not":
        return f"NOT ({_qgis_filter(args[0])})"
    if kind in ("and", "or"):
        return f" {kind.upper()} ".join(
            f"({_qgis_filter(w)})" if len(args) > 1 else _qgis_filter(w) for w in args
        )
    if kind == "path":
        return "\"road_class\" = 'path'"
    low, high, *rest = args
    parts = ["coalesce(\"road_class\", '') <> 'path'"] if rest else []
    if low is not None:
        parts.append(f'"speed_mph" > {low:g}')
    if high is not None:
        parts.append(f'"speed_mph" <= {high:g}')
    return " AND ".join(parts)


def _option_map(parent: ET.Element, options: dict[str, str]) -> None:
    """QGIS 3's ``<Option type="Map">`` and, for QGIS before 3.26, the same as ``<prop>``."""
    holder = ET.SubElement(parent, "Option", type="Map")
    for name, value in options.items():
        ET.SubElement(holder, "Option", name=name, type="QString", value=value)
    for name, value in options.items():
        ET.SubElement(parent, "prop", k=name, v=value)


def _line_options(line: _Line) -> dict[str, str]:
    options = {
        "line_color": _rgba(line.colour, line.opacity),
        "line_width": _mm(line.width_px),
        "line_width_unit": "MM",
        "line_style": "solid",
        "capstyle": "round" if not line.dash_px else "flat",
        "joinstyle": "round",
        "offset": "0",
        "use_custom_dash": "1" if line.dash_px else "0",
        "customdash": ";".join(_mm(d) for d in line.dash_px) if line.dash_px else "5;2",
        "customdash_unit": "MM",
    }
    return options


def _qml_layer(parent: ET.Element, kind: str) -> ET.Element:
    layer = ET.SubElement(parent, "layer", {"class": kind, "enabled": "1"})
    layer.set("locked", "0")
    layer.set("pass", "0")
    return layer


def _qml_pictogram(parent: ET.Element, pictogram: _Pictogram) -> None:
    """An SVG marker layer with the pictogram embedded (QGIS reads ``base64:`` names)."""
    _option_map(
        _qml_layer(parent, "SvgMarker"),
        {
            "name": "base64:" + pictogram.svg_base64(),
            "angle": "0",
            "fixedAspectRatio": "0",
            "offset": "0,0",
            "offset_unit": "MM",
            "scale_method": "diameter",
            "size": _mm(pictogram.size_px),
            "size_unit": "MM",
            "vertical_anchor_point": "1",
            "horizontal_anchor_point": "1",
        },
    )


def _qml_symbol(parent: ET.Element, name: str, symbol: _Symbol) -> None:
    kind = {_Line: "line", _Fill: "fill", _Marker: "marker", _Pictogram: "marker"}[type(symbol)]
    element = ET.SubElement(
        parent,
        "symbol",
        type=kind,
        name=name,
        alpha="1",
        clip_to_extent="1",
        force_rhr="0",
    )
    if isinstance(symbol, _Line):
        layer = ET.SubElement(element, "layer", {"class": "SimpleLine", "enabled": "1"})
        layer.set("locked", "0")
        layer.set("pass", "0")
        _option_map(layer, _line_options(symbol))
    elif isinstance(symbol, _Fill):
        fill = ET.SubElement(element, "layer", {"class": "SimpleFill", "enabled": "1"})
        fill.set("locked", "0")
        fill.set("pass", "0")
        _option_map(
            fill,
            {
                "color": _rgba(symbol.colour, symbol.opacity),
                "style": "solid",
                "outline_style": "no",
                "outline_color": _rgba(symbol.outline.colour),
                "outline_width": "0",
                "outline_width_unit": "MM",
            },
        )
        outline = ET.SubElement(element, "layer", {"class": "SimpleLine", "enabled": "1"})
        outline.set("locked", "0")
        outline.set("pass", "0")
        _option_map(outline, _line_options(symbol.outline))
        if symbol.centre is not None:
            centroid = _qml_layer(element, "CentroidFill")
            _option_map(
                centroid,
                {"point_on_surface": "1", "point_on_all_parts": "1", "clip_points": "0"},
            )
            _qml_symbol(centroid, f"@{name}@2", symbol.centre)
    elif isinstance(symbol, _Pictogram):
        _qml_pictogram(element, symbol)
    else:
        shape, angle = _QGIS_SHAPES.get(symbol.shape, ("circle", 0))
        marker = ET.SubElement(element, "layer", {"class": "SimpleMarker", "enabled": "1"})
        marker.set("locked", "0")
        marker.set("pass", "0")
        _option_map(
            marker,
            {
                "name": shape,
                "angle": f"{angle:g}",
                "color": _rgba(symbol.colour, symbol.opacity),
                "outline_color": _rgba(symbol.outline),
                "outline_style": "solid",
                "outline_width": "0.3",
                "outline_width_unit": "MM",
                "joinstyle": "bevel",
                "scale_method": "diameter",
                "size": f"{symbol.size_mm:g}",
                "size_unit": "MM",
            },
        )


def _key(layer: str, index: object) -> str:
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"healthy-streets/{layer}/{index}")) + "}"


def qml_style(layer: str, *, geometry_type: str | None = None) -> str:
    """The QGIS style (QML) of a store layer, as the meeting map draws it.

    Parameters
    ----------
    layer
        One of :data:`STYLED_LAYERS`.
    geometry_type
        The layer's geometry type as the store declares it (``POINT``, ``MULTIPOLYGON``,
        ``GEOMETRY``...): an ``assets`` layer of points and areas gets rules for both.

    Examples
    --------
    >>> "speed_mph" in qml_style("streets")
    True
    """
    kinds = _geometry_kinds(layer, geometry_type)
    root = ET.Element("qgis", version=_QGIS_VERSION, styleCategories="Symbology")
    renderer = ET.SubElement(
        root,
        "renderer-v2",
        type="RuleRenderer",
        symbollevels="0",
        forceraster="0",
        enableorderby="0",
        referencescale="-1",
    )
    rules = ET.SubElement(renderer, "rules", key=_key(layer, "root"))
    symbols = ET.SubElement(renderer, "symbols")
    number = 0
    for geometry, group in _layer_groups(layer, kinds):
        parent = rules
        if geometry is not None:
            parent = ET.SubElement(
                rules,
                "rule",
                key=_key(layer, geometry),
                filter=f"geometry_type($geometry) = {_quoted(geometry.title())}",
                label="Areas" if geometry == "polygon" else "Points",
            )
        number = _qml_rules(parent, symbols, group, layer=layer, number=number)
    if len(kinds) == 1:
        geometry = {"point": "0", "line": "1", "polygon": "2"}[kinds[0]]
        ET.SubElement(root, "layerGeometryType").text = geometry
    return ET.tostring(root, encoding="unicode")


def _qml_rules(
    parent: ET.Element, symbols: ET.Element, rules: Sequence[_Rule], *, layer: str, number: int
) -> int:
    """Write ``rules`` (and their children, nested) under ``parent``, their symbols into
    ``symbols``, numbered from ``number``; returns the next number."""
    for rule in rules:
        element = ET.SubElement(
            parent,
            "rule",
            key=_key(layer, f"rule {number}"),
            filter=_qgis_filter(rule.where),
            label=rule.label,
        )
        if rule.symbol is not None:
            element.set("key", _key(layer, number))
            element.set("symbol", str(number))
            _qml_symbol(symbols, str(number), rule.symbol)
        number += 1
        number = _qml_rules(element, symbols, rule.children, layer=layer, number=number)
    return number


# --- SLD -----------------------------------------------------------------------------------

_SLD = "http://www.opengis.net/sld"
_SE = "http://www.opengis.net/se"
_OGC = "http://www.opengis.net/ogc"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
ET.register_namespace("", _SLD)
ET.register_namespace("se", _SE)
ET.register_namespace("ogc", _OGC)
ET.register_namespace("xsi", _XSI)


def _se(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{_SE}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _ogc(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{_OGC}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _comparison(parent: ET.Element, tag: str, column: str, value: str) -> None:
    compare = _ogc(parent, tag)
    _ogc(compare, "PropertyName", column)
    _ogc(compare, "Literal", value)


def _sld_filter(rule_element: ET.Element, where: tuple[Any, ...] | None) -> None:
    if where is None:
        _se(rule_element, "ElseFilter")
        return
    kind, *args = where
    holder = _ogc(rule_element, "Filter")
    if kind in ("in", "not", "and", "or"):
        _sld_condition(holder, where)
        return
    conditions: list[tuple[str, str, str]] = []
    if kind == "equals":
        conditions.append(("PropertyIsEqualTo", str(args[0]), str(args[1])))
    elif kind == "path":
        conditions.append(("PropertyIsEqualTo", "road_class", "path"))
    elif kind == "speed":
        low, high, *rest = args
        if rest:
            conditions.append(("PropertyIsNotEqualTo", "road_class", "path"))
        if low is not None:
            conditions.append(("PropertyIsGreaterThan", "speed_mph", f"{low:g}"))
        if high is not None:
            conditions.append(("PropertyIsLessThanOrEqualTo", "speed_mph", f"{high:g}"))
    target = _ogc(holder, "And") if len(conditions) > 1 else holder
    for tag, column, value in conditions:
        _comparison(target, tag, column, value)


def _sld_condition(parent: ET.Element, where: tuple[Any, ...]) -> None:
    """A filter of ``equals``, ``in``, ``not``, ``and`` and ``or`` as OGC filter elements."""
    kind, *args = where
    if kind == "equals":
        _comparison(parent, "PropertyIsEqualTo", str(args[0]), str(args[1]))
    elif kind == "in":
        column, values = args
        either = _ogc(parent, "Or") if len(values) > 1 else parent
        for value in values:
            _comparison(either, "PropertyIsEqualTo", str(column), str(value))
    elif kind == "not":
        _sld_condition(_ogc(parent, "Not"), args[0])
    else:  # "and", "or": of one condition, that condition
        both = _ogc(parent, kind.title()) if len(args) > 1 else parent
        for part in args:
            _sld_condition(both, part)


def _flat(rules: Sequence[_Rule]) -> list[_Rule]:
    """``rules`` as SLD draws them: every rule that a feature matches is drawn, and its
    ``ElseFilter`` is the whole style's, so a rule split into ``children`` becomes one rule
    per child, each with its own filter and its parent's, and a filter of ``None`` among
    such rules is said as "none of the others"."""
    if not any(rule.children for rule in rules):
        return list(rules)
    out = []
    for rule in rules:
        where = rule.where or _none_of(rules)
        if not rule.children:
            out.append(_Rule(rule.label, where, rule.symbol))
            continue
        for child in rule.children:
            own = child.where or _none_of(rule.children)
            out.append(_Rule(child.label, ("and", where, own), child.symbol))
    return out


def _none_of(rules: Sequence[_Rule]) -> tuple[Any, ...]:
    """A filter true where none of ``rules``' own filters is."""
    return ("not", ("or", *[rule.where for rule in rules if rule.where is not None]))


def _stroke(parent: ET.Element, line: _Line) -> None:
    stroke = _se(parent, "Stroke")
    _se(stroke, "SvgParameter", line.colour.lower(), name="stroke")
    _se(stroke, "SvgParameter", f"{line.opacity:g}", name="stroke-opacity")
    _se(stroke, "SvgParameter", f"{line.width_px:g}", name="stroke-width")
    _se(stroke, "SvgParameter", "round", name="stroke-linejoin")
    if line.dash_px:
        _se(
            stroke,
            "SvgParameter",
            " ".join(f"{d:g}" for d in line.dash_px),
            name="stroke-dasharray",
        )


def _sld_pictogram(parent: ET.Element, pictogram: _Pictogram) -> None:
    """A point symbolizer showing the pictogram's SVG, inline (SE 1.1 ``InlineContent``)."""
    graphic = _se(_se(parent, "PointSymbolizer"), "Graphic")
    external = _se(graphic, "ExternalGraphic")
    _se(external, "InlineContent", pictogram.svg_base64(), encoding="base64")
    _se(external, "Format", "image/svg+xml")
    _se(graphic, "Size", f"{pictogram.size_px:g}")


def _sld_symbolizer(parent: ET.Element, symbol: _Symbol) -> None:
    if isinstance(symbol, _Line):
        _stroke(_se(parent, "LineSymbolizer"), symbol)
    elif isinstance(symbol, _Fill):
        polygon = _se(parent, "PolygonSymbolizer")
        fill = _se(polygon, "Fill")
        _se(fill, "SvgParameter", symbol.colour.lower(), name="fill")
        _se(fill, "SvgParameter", f"{symbol.opacity:g}", name="fill-opacity")
        _stroke(polygon, symbol.outline)
        if symbol.centre is not None:
            _sld_pictogram(parent, symbol.centre)
    elif isinstance(symbol, _Pictogram):
        _sld_pictogram(parent, symbol)
    else:
        name, angle = _SLD_SHAPES.get(symbol.shape, ("circle", 0))
        graphic = _se(_se(parent, "PointSymbolizer"), "Graphic")
        mark = _se(graphic, "Mark")
        _se(mark, "WellKnownName", name)
        fill = _se(mark, "Fill")
        _se(fill, "SvgParameter", symbol.colour.lower(), name="fill")
        if symbol.opacity != 1.0:
            _se(fill, "SvgParameter", f"{symbol.opacity:g}", name="fill-opacity")
        _stroke(mark, _Line(symbol.outline, 1.0))
        _se(graphic, "Size", f"{symbol.size_mm / _MM_PER_PX:.3g}")
        if angle:
            _se(graphic, "Rotation", f"{angle:g}")


def sld_style(layer: str, *, geometry_type: str | None = None) -> str:
    """The layer's style as an OGC SLD 1.1 document, for GIS other than QGIS.

    The same classes as :func:`qml_style`; marker shapes SLD has no name for are drawn as
    circles (the colours still tell the categories apart).
    """
    kinds = _geometry_kinds(layer, geometry_type)
    root = ET.Element(
        f"{{{_SLD}}}StyledLayerDescriptor",
        {
            "version": "1.1.0",
            f"{{{_XSI}}}schemaLocation": f"{_SLD} http://schemas.opengis.net/sld/1.1.0/"
            "StyledLayerDescriptor.xsd",
        },
    )
    named = ET.SubElement(root, f"{{{_SLD}}}NamedLayer")
    _se(named, "Name", layer)
    user = ET.SubElement(named, f"{{{_SLD}}}UserStyle")
    _se(user, "Name", STYLE_NAME)
    feature_style = _se(user, "FeatureTypeStyle")
    groups = [_flat(group) for _, group in _layer_groups(layer, kinds)]
    for same in zip(*groups, strict=True):  # a class drawn on points and on areas: one rule
        element = _se(feature_style, "Rule")
        _se(element, "Name", same[0].label)
        _se(_se(element, "Description"), "Title", same[0].label)
        _sld_filter(element, same[0].where)
        for rule in sorted(same, key=lambda r: not isinstance(r.symbol, _Fill)):
            _sld_symbolizer(element, cast(_Symbol, rule.symbol))
    return ET.tostring(root, encoding="unicode")


# --- writing the table ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    table: str
    geometry_column: str
    geometry_type: str | None

    def values(self, *, catalog: str, schema: str, default: bool) -> dict[str, object]:
        return {
            "f_table_catalog": catalog,
            "f_table_schema": schema,
            "f_table_name": self.table,
            "f_geometry_column": self.geometry_column,
            "styleName": STYLE_NAME,
            "styleQML": qml_style(self.table, geometry_type=self.geometry_type),
            "styleSLD": sld_style(self.table, geometry_type=self.geometry_type),
            "useAsDefault": default,
            "description": f"The meeting map's look, written by healthy-streets {__version__}.",
            "owner": STYLE_NAME,
        }


def write_styles(
    target: str | Path | Any, layers: Iterable[str], *, schema: str | None = None
) -> list[str]:
    """Write the toolkit's style of each of ``layers`` into the store's ``layer_styles``.

    Rows the toolkit wrote before for those layers are replaced; every other row is kept
    (see the module). Layers without a style (tables) and layers the store does not hold
    are passed over.

    Parameters
    ----------
    target
        A GeoPackage's path, or an open SQLAlchemy connection to the PostGIS database (in
        the transaction that writes the layers: the styles change with them).
    layers
        The layers just written.
    schema
        For PostGIS, the store's schema.

    Returns
    -------
    list of str
        The layers styled.
    """
    wanted = [name for name in dict.fromkeys(layers) if name in STYLED_LAYERS]
    if not wanted:
        return []
    if isinstance(target, str | Path):
        return _write_gpkg(Path(target), wanted)
    if schema is None:
        raise ValueError("write_styles needs the store's schema for a PostGIS connection.")
    return _write_postgis(target, wanted, schema)


@contextlib.contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(path)
    try:
        with connection:
            yield connection
    finally:
        connection.close()


def _write_gpkg(path: Path, layers: list[str]) -> list[str]:
    with _sqlite(path) as db:
        found = {
            str(table): (str(column), str(kind))
            for table, column, kind in db.execute(
                "SELECT table_name, column_name, geometry_type_name FROM gpkg_geometry_columns"
            )
        }
        rows = [_Row(name, *found[name]) for name in layers if name in found]
        if not rows:
            return []
        if not _has_table(db, "layer_styles"):
            db.execute(_GPKG_DDL)
            db.execute(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
                "last_change, srs_id) VALUES ('layer_styles', 'attributes', 'layer_styles', "
                "'QGIS layer styles', strftime('%Y-%m-%dT%H:%M:%fZ','now'), 0)"
            )
        columns = _columns(db)
        missing = [c for c in _GPKG_NEEDED if c.lower() not in {n.lower() for n in columns}]
        if missing:
            log.warning(
                "The store's layer_styles table is not QGIS's (it has no column %s): it is "
                "left as it is, and the layers are stored without the toolkit's QGIS styles. "
                "Rename that table in the store to have them.",
                ", ".join(missing),
            )
            return []
        for row in rows:
            db.execute(
                'DELETE FROM "layer_styles" WHERE "f_table_name" = ? AND "styleName" = ? '
                "AND coalesce(\"f_table_schema\", '') = ''",
                (row.table, STYLE_NAME),
            )
            taken = db.execute(
                'SELECT count(*) FROM "layer_styles" WHERE "f_table_name" = ? '
                'AND "f_geometry_column" = ? AND "useAsDefault" '
                "AND coalesce(\"f_table_schema\", '') = ''",
                (row.table, row.geometry_column),
            ).fetchone()[0]
            values = row.values(catalog="", schema="", default=not taken)
            _note_kept_default(row.table, taken)
            names = [c for c in values if c in columns]
            quoted = ", ".join(f'"{c}"' for c in names)
            marks = ", ".join("?" for _ in names)
            db.execute(
                f'INSERT INTO "layer_styles" ({quoted}, "update_time") '  # noqa: S608 - our columns
                f"VALUES ({marks}, strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
                [values[c] for c in names],
            )
        db.execute(
            "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') "
            "WHERE table_name = 'layer_styles'"
        )
    return [row.table for row in rows]


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    found = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
    return found.fetchone() is not None


def _columns(db: sqlite3.Connection) -> set[str]:
    return {str(row[1]) for row in db.execute('PRAGMA table_info("layer_styles")')}


def _note_kept_default(table: str, taken: int) -> None:
    if taken:
        log.info(
            "The store already has a default style of its own for %s: the toolkit's style "
            "is added as %r, not made the default",
            table,
            STYLE_NAME,
        )


def _write_postgis(conn: Any, layers: list[str], schema: str) -> list[str]:
    """In a savepoint of ``conn``'s transaction: a database where the user may not create
    ``public.layer_styles`` keeps its layers, and the build says the styles were not
    written."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    found = conn.execute(
        text(
            "SELECT f_table_name, f_geometry_column, type FROM geometry_columns "
            "WHERE f_table_schema = :schema AND f_table_name = ANY(:names)"
        ),
        {"schema": schema, "names": layers},
    ).fetchall()
    by_name = {str(name): (str(column), str(kind)) for name, column, kind in found}
    rows = [_Row(name, *by_name[name]) for name in layers if name in by_name]
    if not rows:
        return []
    try:
        with conn.begin_nested():
            catalog = str(conn.execute(text("SELECT current_database()")).scalar())
            conn.execute(text(_POSTGRES_DDL))
            columns = {
                str(c).lower()
                for (c,) in conn.execute(
                    text(
                        "SELECT column_name FROM information_schema.columns "
                        "WHERE table_schema = 'public' AND table_name = 'layer_styles'"
                    )
                )
            }
            for row in rows:
                _postgis_row(conn, row, catalog=catalog, schema=schema, columns=columns)
    except SQLAlchemyError as exc:
        log.warning(
            "The QGIS styles could not be written into public.layer_styles (%s); the layers "
            "are stored, unstyled. Ask the database's owner to let this user create and write "
            "that table.",
            str(exc).strip().splitlines()[0][:200],
        )
        return []
    return [row.table for row in rows]


def _postgis_row(conn: Any, row: _Row, *, catalog: str, schema: str, columns: set[str]) -> None:
    from sqlalchemy import text

    where = (
        "f_table_catalog = :catalog AND f_table_schema = :schema AND f_table_name = :table "
        "AND f_geometry_column = :geometry"
    )
    params = {
        "catalog": catalog,
        "schema": schema,
        "table": row.table,
        "geometry": row.geometry_column,
        "style": STYLE_NAME,
    }
    conn.execute(
        text(f"DELETE FROM public.layer_styles WHERE {where} AND stylename = :style"),  # noqa: S608
        params,
    )
    taken = conn.execute(
        text(f"SELECT count(*) FROM public.layer_styles WHERE {where} AND useasdefault"),  # noqa: S608
        params,
    ).scalar()
    _note_kept_default(row.table, int(taken or 0))
    values = row.values(catalog=catalog, schema=schema, default=not taken)
    # QGIS reads a PostGIS layer's style where ``type`` is its geometry ("Point", "Line",
    # "Polygon") or NULL (the assets' points and areas): never "vector"
    kinds = _geometry_kinds(row.table, row.geometry_type)
    values["type"] = kinds[0].title() if len(kinds) == 1 else None
    names = [c for c in values if c.lower() in columns]
    quoted = ", ".join(names)
    bound = ", ".join(
        f"XMLPARSE(DOCUMENT :{c})" if c in ("styleQML", "styleSLD") else f":{c}" for c in names
    )
    conn.execute(
        text(f"INSERT INTO public.layer_styles ({quoted}) VALUES ({bound})"),  # noqa: S608
        {c: values[c] for c in names},
    )
