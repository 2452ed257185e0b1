"""healthy_streets: 20mph zones, streets, community assets and resident reports, mapped offline.

The main entry points, importable from the top level:

>>> import healthy_streets as hs
>>> zones = hs.read_zones("data/sample/zones.geojson").layer
>>> streets = hs.street_network_from_osm_file("data/sample/yarrowside.osm").layer
>>> lengths = hs.street_lengths(zones, streets)
>>> lengths[["street_km", "share_20mph"]]  # doctest: +NORMALIZE_WHITESPACE
                  street_km  share_20mph
zone_id
yarrowside-north     9.2104       0.9724
cowslip              4.7299       0.9891
yarrow-meadows       5.7234       1.0000
kestrel-park         4.3351       0.0000
(outside zones)     12.1494       0.0275

Reading (each returns an :class:`~healthy_streets.model.ImportResult`: ``.layer`` plus what
was repaired and rejected): :func:`read_zones` (a file, or a GeoDataFrame of your own),
:func:`street_network_from_osm_file` (or :func:`read_street_network` for any source),
:func:`read_assets`, :func:`reports_from_fixmystreet`, :func:`reports_from_open311`,
:func:`reports_from_csv`, :func:`read_reports`. An osmnx graph as the streets layer:
:func:`as_streets` (each segment's edges of the graph: :func:`segment_graph_edges`).
Attaching and analysis: :func:`cut_streets_at_zones`, :func:`assign_zones`,
:func:`attach_to_streets`, :func:`summarise_zones`, :func:`hotspot_streets`,
:func:`before_after`, :func:`twenty_mph_gaps`, :func:`scorecard`.
Maps: :func:`meeting_map`, :func:`save_map`. The whole build: :func:`load_layers` (from
:class:`Inputs`, to :class:`Layers`), :func:`write_outputs`, :func:`load_project`,
:func:`build`, :func:`sample_inputs`. Settings: :mod:`healthy_streets.settings`. The
layers' columns: ``docs/layers.md``.

Every analysis function and the meeting map take a :class:`Layers` whole
(``hs.summarise_zones(layers)``, ``hs.meeting_map(layers, "Cowslip")``) or the layers one
by one, the streets also as an osmnx graph; zones by id or name, report categories by key,
label or a word for them (``category="dog fouling"``).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from healthy_streets import settings
from healthy_streets._version import __version__

# Public name -> module. Loaded on first use, so `import healthy_streets` (and the command
# line's --help) stays quick.
_EXPORTS = {
    "read_zones": "healthy_streets.io.zones",
    "street_network_from_osm_file": "healthy_streets.io.osm",
    "streets_from_graph": "healthy_streets.model.streets",
    "as_streets": "healthy_streets.model.streets",
    "segment_graph_edges": "healthy_streets.model.streets",
    "read_street_network": "healthy_streets.io.streets",
    "street_network_from_graph": "healthy_streets.io.streets",
    "gaps_table": "healthy_streets.analysis.gaps",
    "save_monthly_plots": "healthy_streets.figures",
    "report_category": "healthy_streets.model.taxonomy",
    "zone_id_of": "healthy_streets.model.ids",
    "read_assets": "healthy_streets.io.assets",
    "read_reports": "healthy_streets.io.reports",
    "reports_from_csv": "healthy_streets.io.reports",
    "reports_from_fixmystreet": "healthy_streets.io.reports",
    "reports_from_open311": "healthy_streets.io.reports",
    "drop_duplicate_reports": "healthy_streets.io.reports",
    "assign_zones": "healthy_streets.analysis.attach",
    "attach_to_streets": "healthy_streets.analysis.attach",
    "cut_streets_at_zones": "healthy_streets.analysis.attach",
    "key_figures": "healthy_streets.analysis.tables",
    "summarise_zones": "healthy_streets.analysis.tables",
    "street_lengths": "healthy_streets.analysis.tables",
    "asset_counts": "healthy_streets.analysis.tables",
    "report_counts": "healthy_streets.analysis.tables",
    "hotspot_streets": "healthy_streets.analysis.tables",
    "twenty_mph_gaps": "healthy_streets.analysis.gaps",
    "schools_outside_zones": "healthy_streets.analysis.gaps",
    "compare_speed_limits": "healthy_streets.analysis.gaps",
    "before_after": "healthy_streets.analysis.evaluation",
    "monthly_counts": "healthy_streets.analysis.evaluation",
    "evaluation_buffer_m": "healthy_streets.analysis.evaluation",
    "scorecard": "healthy_streets.analysis.scorecard",
    "zones_from_osm_20mph": "healthy_streets.analysis.zones",
    "zones_from_speed_limit_lines": "healthy_streets.analysis.zones",
    "read_speed_limit_lines": "healthy_streets.io.zones",
    "street_network_from_graphml": "healthy_streets.io.osm",
    "street_network_from_place": "healthy_streets.io.overpass",
    "street_network_from_bbox": "healthy_streets.io.overpass",
    "street_network_from_polygon": "healthy_streets.io.overpass",
    "assets_from_osm_file": "healthy_streets.io.osm_features",
    "assets_from_osm_place": "healthy_streets.io.osm_features",
    "plot_monthly": "healthy_streets.figures",
    "plot_scorecard": "healthy_streets.figures",
    "plot_speed_bands": "healthy_streets.figures",
    "meeting_map": "healthy_streets.maps.meeting",
    "save_map": "healthy_streets.maps.meeting",
    "load_layers": "healthy_streets.pipeline",
    "write_outputs": "healthy_streets.pipeline",
    "sample_inputs": "healthy_streets.project",
    "build": "healthy_streets.pipeline",
    "Inputs": "healthy_streets.model.build",
    "Layers": "healthy_streets.model.build",
    "Source": "healthy_streets.model.build",
    "Project": "healthy_streets.project",
    "load_project": "healthy_streets.project",
    "ImportResult": "healthy_streets.model.account",
    "speed_from_tags": "healthy_streets.model.speed",
    "parse_council_date": "healthy_streets.model.dates",
}

__all__ = [
    "ImportResult",
    "Inputs",
    "Layers",
    "Project",
    "Source",
    "__version__",
    "as_streets",
    "asset_counts",
    "assets_from_osm_file",
    "assets_from_osm_place",
    "assign_zones",
    "attach_to_streets",
    "before_after",
    "build",
    "compare_speed_limits",
    "cut_streets_at_zones",
    "drop_duplicate_reports",
    "evaluation_buffer_m",
    "gaps_table",
    "hotspot_streets",
    "key_figures",
    "load_layers",
    "load_project",
    "meeting_map",
    "monthly_counts",
    "parse_council_date",
    "plot_monthly",
    "plot_scorecard",
    "plot_speed_bands",
    "read_assets",
    "read_reports",
    "read_speed_limit_lines",
    "read_street_network",
    "read_zones",
    "report_category",
    "report_counts",
    "reports_from_csv",
    "reports_from_fixmystreet",
    "reports_from_open311",
    "sample_inputs",
    "save_map",
    "save_monthly_plots",
    "schools_outside_zones",
    "scorecard",
    "segment_graph_edges",
    "settings",
    "speed_from_tags",
    "street_lengths",
    "street_network_from_bbox",
    "street_network_from_graph",
    "street_network_from_graphml",
    "street_network_from_osm_file",
    "street_network_from_place",
    "street_network_from_polygon",
    "streets_from_graph",
    "summarise_zones",
    "twenty_mph_gaps",
    "write_outputs",
    "zone_id_of",
    "zones_from_osm_20mph",
    "zones_from_speed_limit_lines",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'healthy_streets' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:
    from healthy_streets.analysis.attach import (
        assign_zones,
        attach_to_streets,
        cut_streets_at_zones,
    )
    from healthy_streets.analysis.gaps import gaps_table
    from healthy_streets.analysis.tables import key_figures
    from healthy_streets.figures import save_monthly_plots
    from healthy_streets.io.assets import read_assets
    from healthy_streets.io.osm import street_network_from_graphml, street_network_from_osm_file
    from healthy_streets.io.reports import (
        drop_duplicate_reports,
        read_reports,
        reports_from_csv,
        reports_from_fixmystreet,
        reports_from_open311,
    )
    from healthy_streets.io.streets import read_street_network, street_network_from_graph
    from healthy_streets.io.zones import read_speed_limit_lines, read_zones
    from healthy_streets.maps.meeting import meeting_map, save_map
    from healthy_streets.model.account import ImportResult
    from healthy_streets.model.build import Inputs, Layers, Source
    from healthy_streets.model.dates import parse_council_date
    from healthy_streets.model.ids import zone_id_of
    from healthy_streets.model.speed import speed_from_tags
    from healthy_streets.model.streets import as_streets, segment_graph_edges, streets_from_graph
    from healthy_streets.model.taxonomy import report_category
    from healthy_streets.pipeline import build, load_layers, write_outputs
    from healthy_streets.project import Project, load_project, sample_inputs
