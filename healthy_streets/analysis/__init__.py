"""Analysis: pure functions over the normalised layers (GeoDataFrames in, tables out).

- :mod:`~healthy_streets.analysis.attach`: streets cut at zones, zone ids, nearest streets.
- :mod:`~healthy_streets.analysis.tables`: per-zone tables and hotspot streets.
- :mod:`~healthy_streets.analysis.gaps`: 20mph gaps, schools outside zones, council limits
  against OSM.
- :mod:`~healthy_streets.analysis.evaluation`: before/after evaluation of each zone.
- :mod:`~healthy_streets.analysis.scorecard`: the Healthy Streets scorecard.
- :mod:`~healthy_streets.analysis.zones`: zones drawn from 20 mph streets.
"""

from healthy_streets.analysis.attach import (
    assign_zones,
    attach_to_streets,
    cut_streets_at_zones,
    disjoint_zones,
)
from healthy_streets.analysis.evaluation import (
    before_after,
    evaluation_buffer_m,
    monthly_counts,
)
from healthy_streets.analysis.gaps import (
    compare_speed_limits,
    gaps_table,
    schools_outside_zones,
    twenty_mph_gaps,
)
from healthy_streets.analysis.scorecard import scorecard
from healthy_streets.analysis.tables import (
    OUTSIDE,
    asset_counts,
    hotspot_streets,
    key_figures,
    report_counts,
    street_lengths,
    summarise_zones,
)
from healthy_streets.analysis.zones import zones_from_osm_20mph, zones_from_speed_limit_lines

__all__ = [
    "OUTSIDE",
    "asset_counts",
    "assign_zones",
    "attach_to_streets",
    "before_after",
    "compare_speed_limits",
    "cut_streets_at_zones",
    "disjoint_zones",
    "evaluation_buffer_m",
    "gaps_table",
    "hotspot_streets",
    "key_figures",
    "monthly_counts",
    "report_counts",
    "schools_outside_zones",
    "scorecard",
    "street_lengths",
    "summarise_zones",
    "twenty_mph_gaps",
    "zones_from_osm_20mph",
    "zones_from_speed_limit_lines",
]
