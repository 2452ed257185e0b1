"""Folium elements for the meeting map: one element per class, its JavaScript in a template.

Every text that comes from a data file reaches the page in one of two ways only: as JSON
inside a script (with ``<``, ``>``, ``&`` and the line separators escaped, so that no text can
close the script), shown by the browser through ``textContent``; or as HTML escaped by
:func:`markupsafe.escape`. No data text is ever given to ``innerHTML``.

No data text is ever template source either. branca renders an element's macros and then
wraps the output in a new ``Element``, which compiles it as a Jinja2 template and renders it
a second time: a report titled ``{{ ... }}`` would run as template code on the machine that
builds the map. The toolkit's elements therefore place their rendered output into the page
as :class:`PageText`, which is never parsed again, and :class:`OfflineFigure` does the same
for the output of folium's own elements before the page is put together.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.map import Layer
from folium.template import Template
from markupsafe import Markup, escape

from healthy_streets.errors import HealthyStreetsError
from healthy_streets.maps._resources import (
    DROPPED,
    INLINE_CSS,
    INLINE_JS,
    inline_css,
    inline_js,
    own_asset,
)

__all__ = [
    "AddPlaces",
    "AssetLayer",
    "GeoJsonLayer",
    "OfflineFigure",
    "PageReady",
    "PageText",
    "PanelHtml",
    "RegisterLayer",
    "ReportData",
    "ReportFilter",
    "ReportHeat",
    "ReportPoints",
    "ToolkitAssets",
    "safe_json",
]


def safe_json(value: Any) -> str:
    """Compact JSON that is safe inside an HTML ``<script>``: no text in it can end the
    script, and it is never read as template code.

    >>> safe_json({"t": "</script><img src=x onerror=alert(1)>"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    return (
        json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


class PageText(Element):
    """Finished text for the page (rendered markup or script), placed as it is.

    branca's own elements are Jinja2 templates; this one is not: its text is never parsed
    or rendered again, whatever braces it holds.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "PageText"
        self.text = str(text)

    def render(self, **kwargs: Any) -> str:
        """The text, unchanged."""
        return self.text


class _RenderedOnce(MacroElement):
    """A macro element whose rendered ``header``, ``html`` and ``script`` go into the page
    as :class:`PageText`: rendered once, with data only ever as values, never re-parsed
    (branca's :meth:`MacroElement.render` compiles each output as a new template)."""

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Render the macros once into the page, then the children."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise HealthyStreetsError("A map element can only be rendered inside its page.")
        module = self._template.module
        for part, container in (
            ("header", figure.header),
            ("html", figure.html),
            ("script", figure.script),
        ):
            macro = getattr(module, part, None)
            if macro is not None:
                container.add_child(PageText(macro(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


#: The ``generator`` every page the toolkit makes carries in its head.
GENERATOR = "healthy-streets"

#: folium's viewport, which turns pinch zoom off (``user-scalable=no``).
_FOLIUM_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>')


class OfflineFigure(Figure):
    """A folium Figure whose page fetches nothing: every script and style inlined.

    Folium elements add links to CDNs as they render; this figure swaps each, by name, for
    the same library from an installed package (see :mod:`healthy_streets.maps._resources`).
    Its viewport lets a phone zoom the page with two fingers (folium's forbids it).
    """

    _template = Template(
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8" />\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
        '<meta name="generator" content="{{ this.generator|e }}" />\n'
        "{% if this.title %}<title>{{ this.title|e }}</title>{% endif %}\n"
        "    {{this.header.render(**kwargs)}}\n"
        "</head>\n"
        "<body>\n"
        "    {{this.html.render(**kwargs)}}\n"
        "</body>\n"
        "<script>\n"
        "    {{this.script.render(**kwargs)}}\n"
        "</script>\n"
        "</html>\n"
    )

    #: Names the toolkit as the page's maker (a later build removes only pages it made).
    generator = GENERATOR

    def render(self, **kwargs: Any) -> str:
        """Render the page with every resource inlined."""
        for child in list(self._children.values()):
            child.render(**kwargs)
        self._inline_resources()
        self._freeze()
        return str(self._template.render(this=self, kwargs=kwargs))

    def _freeze(self) -> None:
        """Replace the outputs folium's own elements left as templates (see the module's
        docstring) by the text they hold, so nothing in the page is rendered twice; drop
        folium's viewport, which the page replaces."""
        for container in (self.header, self.html, self.script):
            children = container._children
            for name, child in list(children.items()):
                if type(child) is Element and child._template_str is not None:
                    text = child._template_str
                    if container is self.header:  # folium's markup only: never data
                        text = _FOLIUM_VIEWPORT.sub("", text)
                    frozen = PageText(text)
                    frozen._parent = container
                    children[name] = frozen

    def _inline_resources(self) -> None:
        children = self.header._children
        for name, child in list(children.items()):
            if isinstance(child, JavascriptLink):
                replacement: Element | None = self._replacement(name, child, INLINE_JS, "script")
            elif isinstance(child, CssLink):
                replacement = self._replacement(name, child, INLINE_CSS, "style")
            else:
                continue
            if replacement is None:
                del children[name]
            else:
                replacement._parent = self.header
                children[name] = replacement

    @staticmethod
    def _replacement(
        name: str, link: Element, table: Mapping[str, object], tag: str
    ) -> Element | None:
        if name in DROPPED:
            return None
        if name not in table:
            raise HealthyStreetsError(
                f"A map element wants {name!r} from {getattr(link, 'url', '?')}, which the "
                "toolkit does not inline; the map would not work offline. Add it to "
                "healthy_streets/maps/_resources.py from a pinned package."
            )
        code = inline_js(name) if tag == "script" else inline_css(name)
        return PageText(f"<{tag}>\n{code}\n</{tag}>")


class ToolkitAssets(_RenderedOnce):
    """The toolkit's own stylesheet and script helpers (``HS``), once per page."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>{{ this.css }}</style>
        <script>{{ this.js }}</script>
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "ToolkitAssets"
        self.css = Markup(own_asset("map.css"))
        self.js = Markup(own_asset("healthy_streets.js"))


class GeoJsonLayer(Layer, _RenderedOnce):
    """Lines or polygons with styles looked up by a property, and safe popups.

    Parameters
    ----------
    data
        A GeoJSON FeatureCollection (EPSG:4326).
    name
        The layer's name in the layer control (escaped).
    style_property
        The feature property whose value picks a style from ``styles``.
    styles
        Property value -> Leaflet path options; ``"*"`` is the fallback.
    popup
        ``(label, property)`` pairs shown in the popup, in order; the first is the title.
    tooltip
        A property shown on hover.
    show
        Whether the layer starts visible.
    interactive
        Whether features react to the mouse.
    key
        A short identifier the page's scripts (and tests) find the layer by.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = HS.geoJsonLayer({{ this.data_json }}, {
            styleProperty: {{ this.style_property_json }},
            styles: {{ this.styles_json }},
            popup: {{ this.popup_json }},
            tooltip: {{ this.tooltip_json }},
            interactive: {{ this.interactive_json }}
        });
        HS.register({{ this.key_json }}, {{ this.get_name() }}, {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: Mapping[str, Any],
        *,
        name: str,
        style_property: str | None = None,
        styles: Mapping[str, Mapping[str, Any]] | None = None,
        popup: Sequence[tuple[str, str]] = (),
        tooltip: str | None = None,
        show: bool = True,
        interactive: bool = True,
        key: str = "",
    ) -> None:
        super().__init__(name=str(escape(name)), overlay=True, control=True, show=show)
        self._name = "GeoJsonLayer"
        self.data_json = Markup(safe_json(data))
        self.style_property_json = Markup(safe_json(style_property))
        self.styles_json = Markup(safe_json(dict(styles or {})))
        self.popup_json = Markup(safe_json([list(p) for p in popup]))
        self.tooltip_json = Markup(safe_json(tooltip))
        self.interactive_json = Markup(safe_json(interactive))
        self.key_json = Markup(safe_json(key or name))


class _PluginLinks:
    """Adds the links of folium plugins an element needs; the figure inlines them."""

    links_js: tuple[tuple[str, str], ...] = ()
    links_css: tuple[tuple[str, str], ...] = ()

    def _add_links(self) -> None:
        figure = self.get_root()  # type: ignore[attr-defined]
        assert isinstance(figure, Figure)
        for name, url in self.links_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.links_css:
            figure.header.add_child(CssLink(url), name=name)


class AssetLayer(_PluginLinks, Layer, _RenderedOnce):
    """Community assets as pictogram markers (inline SVG), clustered when there are many.

    Parameters
    ----------
    columns
        Column name -> values, all the same length; must include ``lat``, ``lon`` and
        ``cat`` (an index into ``categories``).
    categories
        One entry per category: ``key``, ``label``, ``colour``, ``symbol`` (SVG path data).
    name
        The layer's name in the layer control.
    popup
        ``(label, column)`` pairs shown in the popup (``cat`` shows the category label).
    cluster
        Cluster markers when zoomed out (Leaflet.markercluster).
    size
        Pictogram size in pixels.
    key
        A short identifier the page's scripts (and tests) find the layer by.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = HS.assetLayer({{ this.columns_json }}, {
            categories: {{ this.categories_json }},
            popup: {{ this.popup_json }},
            cluster: {{ this.cluster_json }},
            size: {{ this.size }}
        });
        HS.register({{ this.key_json }}, {{ this.get_name() }}, {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        columns: Mapping[str, Sequence[Any]],
        *,
        categories: Sequence[Mapping[str, Any]],
        name: str,
        popup: Sequence[tuple[str, str]] = (),
        cluster: bool = False,
        size: int = 28,
        show: bool = True,
        key: str = "assets",
    ) -> None:
        super().__init__(name=str(escape(name)), overlay=True, control=True, show=show)
        self._name = "AssetLayer"
        _same_lengths(columns)
        self.columns_json = Markup(safe_json({k: list(v) for k, v in columns.items()}))
        self.categories_json = Markup(safe_json([dict(c) for c in categories]))
        self.popup_json = Markup(safe_json([list(p) for p in popup]))
        self.cluster_json = Markup(safe_json(cluster))
        self.size = int(size)
        self.key_json = Markup(safe_json(key))
        if cluster:
            from folium.plugins import MarkerCluster

            self.links_js = tuple(MarkerCluster.default_js)
            self.links_css = tuple(MarkerCluster.default_css)

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Add the clustering library's links (inlined by the figure) when clustering."""
        self._add_links()
        super().render(**kwargs)


def _same_lengths(columns: Mapping[str, Sequence[Any]]) -> None:
    if len({len(v) for v in columns.values()}) > 1:
        raise ValueError("Every column of a point layer must have the same length.")


class ReportData(_RenderedOnce):
    """Resident reports as compact columns, filtered in the browser.

    ``data`` holds: ``origin`` (lat, lon) and ``scale``, with ``lat``/``lon`` as integer
    offsets from it; ``cat``, ``status``, ``title``, ``street``, ``detail`` as indexes into
    ``categories``, ``statuses``, ``titles``, ``streets`` and ``details`` (-1 for none);
    ``day`` as days since ``day0``, with ``dayMin``/``dayMax``; ``statusLabels``. The
    :class:`ReportHeat`, :class:`ReportPoints` and :class:`ReportFilter` elements share it.
    ``shown`` are the category keys the map opens with (default all).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = HS.reportData({{ this.data_json }}, {{ this.shown_json }});
        {% endmacro %}
        """
    )

    def __init__(self, data: Mapping[str, Any], *, shown: Sequence[str] | None = None) -> None:
        super().__init__()
        self._name = "ReportData"
        self.count = len(data["lat"])
        self.data_json = Markup(safe_json(dict(data)))
        keys = [c["key"] for c in data["categories"]]
        self.shown = keys if shown is None else [k for k in keys if k in set(shown)]
        self.shown_json = Markup(safe_json(self.shown))


class ReportHeat(_PluginLinks, Layer, _RenderedOnce):
    """A heat map of the reports the filter shows (Leaflet.heat, shipped with folium), in
    the colours of ``gradient`` (stop between 0 and 1 -> colour), beneath the streets."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = HS.reportHeat({{ this.data.get_name() }},
                                                  {{ this.options_json }},
                                                  {{ this._parent.get_name() }});
        HS.register("reports_heat", {{ this.get_name() }}, {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: ReportData,
        *,
        gradient: Mapping[float, str],
        name: str = "Reports: heat map",
        show: bool = True,
    ) -> None:
        from folium.plugins import HeatMap

        super().__init__(name=str(escape(name)), overlay=True, control=True, show=show)
        self._name = "ReportHeat"
        self.data = data
        self.links_js = tuple(HeatMap.default_js)
        self.options_json = Markup(
            safe_json(
                {
                    "radius": 22,
                    "blur": 18,
                    "minOpacity": 0.25,
                    "maxZoom": 17,
                    "gradient": {str(k): v for k, v in gradient.items()},
                }
            )
        )

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Add Leaflet.heat's link (inlined by the figure)."""
        self._add_links()
        super().render(**kwargs)


class ReportPoints(Layer, _RenderedOnce):
    """The reports the filter shows, as shapes on one canvas (each category's colour and
    shape); a click on one opens it, even with a street's line beneath it (and hovering
    it shows no name of the line beneath), and a click beside them reaches the layers
    beneath."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = HS.reportPoints({{ this.data.get_name() }},
                                                    {radius: {{ this.radius }}});
        HS.register("reports", {{ this.get_name() }}, {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self, data: ReportData, *, name: str = "Reports: points", radius: int = 7, show: bool = True
    ) -> None:
        super().__init__(name=str(escape(name)), overlay=True, control=True, show=show)
        self._name = "ReportPoints"
        self.data = data
        self.radius = int(radius)


class ReportFilter(_RenderedOnce):
    """Filters reports by category, status and date: binds the legend's report rows
    (``data-hs-report-*`` inputs, built by :mod:`healthy_streets.maps.meeting`)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = HS.reportFilter({{ this.data.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, data: ReportData) -> None:
        super().__init__()
        self._name = "ReportFilter"
        self.data = data


class AddPlaces(_RenderedOnce):
    """The "Add a place" tool: residents mark places they know, with the mouse (a click
    anywhere on the map places the point, even on a street's line or a marker) or the
    keyboard; kept in the browser (surviving a reload) and downloaded as GeoJSON the toolkit
    imports back. ``contact``, when given, says where to send the file. ``imported`` are
    the places the map draws from residents' additions files (``lat``, ``lon``,
    ``category``, ``name``): an addition kept in the browser that is one of them is taken
    out of the browser's store, and the tool says so."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = HS.addPlaces({{ this._parent.get_name() }},
                                                 {{ this.options_json }});
        HS.register("additions", {{ this.get_name() }}.layer, {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        *,
        zone_id: str,
        zone_name: str,
        kind: str,
        categories: Sequence[Mapping[str, Any]],
        project: str = "",
        contact: str = "",
        size: int = 30,
        imported: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        super().__init__()
        self._name = "AddPlaces"
        self.options_json = Markup(
            safe_json(
                {
                    "zoneId": zone_id,
                    "zoneName": zone_name,
                    "project": project,
                    "contact": contact,
                    "kind": kind,
                    "categories": [dict(c) for c in categories],
                    "size": size,
                    "imported": [dict(p) for p in imported],
                }
            )
        )


class PageReady(_RenderedOnce):
    """Binds the legend and the side panel to the map, sets up printing (the zone,
    ``[[south, west], [north, east]]``, fitted to the page), and marks the page ready
    (``data-map-ready`` on the body) once every layer is drawn."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        HS.ready({{ this._parent.get_name() }}, {{ this.options_json }});
        {% endmacro %}
        """
    )

    def __init__(self, *, zone_bounds: Sequence[Sequence[float]] | None = None) -> None:
        super().__init__()
        self._name = "PageReady"
        bounds = [[float(v) for v in corner] for corner in zone_bounds] if zone_bounds else None
        self.options_json = Markup(safe_json({"zone": bounds}))


class RegisterLayer(_RenderedOnce):
    """Makes one of folium's own layers (the tiles) known to the page's scripts by ``key``,
    so that the legend can turn it on and off."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        HS.register({{ this.key_json }}, {{ this.layer.get_name() }},
                    {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, layer: Layer, *, key: str) -> None:
        super().__init__()
        self._name = "RegisterLayer"
        self.layer = layer
        self.key_json = Markup(safe_json(key))


class PanelHtml(_RenderedOnce):
    """A block of HTML in the page beside the map (the title and the legend). The HTML
    given must be built with :func:`markupsafe.escape` for every data text. With ``first``
    it comes before the map in the page, so that it is read and tabbed to first."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        {{ this.markup }}
        {% endmacro %}
        """
    )

    def __init__(self, markup: Markup, *, first: bool = False) -> None:
        super().__init__()
        self._name = "PanelHtml"
        if not isinstance(markup, Markup):
            raise TypeError("PanelHtml takes markupsafe.Markup, built with escape() for data.")
        self.markup = markup
        self.first = first

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Place the markup in the page (before the map with ``first``)."""
        super().render(**kwargs)
        figure = self.get_root()
        if self.first and isinstance(figure, Figure):
            figure.html._children.move_to_end(self.get_name(), last=False)


def html(template: str, **values: Any) -> Markup:
    """Format ``template`` with every value escaped (``Markup`` values pass as they are)."""
    return Markup(template).format(
        **{k: v if isinstance(v, Markup) else escape(v) for k, v in values.items()}
    )
