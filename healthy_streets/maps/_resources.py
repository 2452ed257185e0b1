"""Scripts and styles inlined into every map, from pinned packages, never from a CDN.

Folium links Leaflet and its plugins from CDNs, which do not load in a community hall with no
wifi. Each link folium adds is replaced, by its name, with the same library read from an
installed package: Leaflet 1.9.3 and Leaflet.markercluster from the XStatic packages (pinned
in ``pyproject.toml``), Leaflet.heat from folium itself. Images the stylesheets refer to are
inlined as ``data:`` URIs. Links to jQuery, Bootstrap and Font Awesome are dropped: the maps
draw their icons as inline SVG and need none of them. A link with a name not in these tables
is an error, so a new folium element can never make a map fetch something silently.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from functools import cache
from importlib import resources
from pathlib import Path

import folium
import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_markercluster

__all__ = ["DROPPED", "INLINE_CSS", "INLINE_JS", "inline_css", "inline_js", "own_asset"]

_LEAFLET = Path(xs_leaflet.BASE_DIR)
_MARKERCLUSTER = Path(xs_markercluster.BASE_DIR)
_FOLIUM_TEMPLATES = Path(folium.__file__).parent / "templates"

#: folium's resource name -> the file that replaces it.
INLINE_JS: dict[str, Path] = {
    "leaflet": _LEAFLET / "leaflet.js",
    "markerclusterjs": _MARKERCLUSTER / "leaflet.markercluster.js",
    "leaflet-heat.js": _FOLIUM_TEMPLATES / "leaflet_heat.min.js",
}
INLINE_CSS: dict[str, Path] = {
    "leaflet_css": _LEAFLET / "leaflet.css",
    "markerclustercss": _MARKERCLUSTER / "MarkerCluster.css",
    "markerclusterdefaultcss": _MARKERCLUSTER / "MarkerCluster.Default.css",
}
#: folium's resources the maps do not need (jQuery, Bootstrap, Font Awesome, awesome-markers).
DROPPED = frozenset(
    {
        "jquery",
        "bootstrap",
        "awesome_markers",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers_font_css",
        "awesome_markers_css",
        "awesome_rotate_css",
    }
)

_CSS_URL = re.compile(r"url\((?!['\"]?(?:data:|#))['\"]?([^)'\"]+)['\"]?\)")


@cache
def inline_js(name: str) -> str:
    """The script for folium's resource ``name``, safe to place inside ``<script>``."""
    return _script_safe(INLINE_JS[name].read_text(encoding="utf-8"))


@cache
def inline_css(name: str) -> str:
    """The stylesheet for folium's resource ``name``, its images as ``data:`` URIs."""
    path = INLINE_CSS[name]
    return _css_with_data_uris(path.read_text(encoding="utf-8"), path.parent)


def _css_with_data_uris(css: str, folder: Path) -> str:
    def replace(match: re.Match[str]) -> str:
        target = folder / match[1]
        if not target.is_file():
            return "none"
        mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        data = base64.b64encode(target.read_bytes()).decode("ascii")
        return f"url(data:{mime};base64,{data})"

    return _CSS_URL.sub(replace, css).replace("</style", "<\\/style")


def _script_safe(code: str) -> str:
    return code.replace("</script", "<\\/script").replace("<!--", "<\\!--")


@cache
def own_asset(name: str) -> str:
    """One of the toolkit's own scripts or styles from ``maps/templates``."""
    text = (
        resources.files("healthy_streets.maps")
        .joinpath("templates", name)
        .read_text(encoding="utf-8")
    )
    return _script_safe(text) if name.endswith(".js") else text
