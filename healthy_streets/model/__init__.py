"""The normalised layers, and the rules that turn raw inputs into them.

- :mod:`~healthy_streets.model.layers`: the columns of ``zones``, ``streets``, ``assets`` and
  ``reports`` (the one place they are defined).
- :mod:`~healthy_streets.model.account`: what every import kept, repaired and rejected.
- :mod:`~healthy_streets.model.speed`: UK speed limits from OpenStreetMap tags.
- :mod:`~healthy_streets.model.dates`: dates as councils write them.
- :mod:`~healthy_streets.model.taxonomy`: the asset and report categories.
- :mod:`~healthy_streets.model.privacy`: what never leaves an importer.
"""

from healthy_streets.model.account import ImportResult
from healthy_streets.model.dates import CouncilDate, parse_council_date
from healthy_streets.model.layers import ASSETS, LAYERS, REPORTS, STREETS, ZONES, Layer
from healthy_streets.model.speed import Speed, speed_from_tags

__all__ = [
    "ASSETS",
    "LAYERS",
    "REPORTS",
    "STREETS",
    "ZONES",
    "CouncilDate",
    "ImportResult",
    "Layer",
    "Speed",
    "parse_council_date",
    "speed_from_tags",
]
