"""The normalised layers, and the rules that turn raw inputs into them.

- :mod:`~healthy_streets.model.layers`: the columns of ``zones``, ``streets``, ``assets`` and
  ``reports`` (the one place they are defined).
- :mod:`~healthy_streets.model.streets`: the ``streets`` layer from an osmnx graph or its
  edges (:func:`~healthy_streets.model.streets.as_streets`).
- :mod:`~healthy_streets.model.build`: what a build reads and makes (``Inputs``, ``Layers``).
- :mod:`~healthy_streets.model.account`: what every import kept, repaired and rejected.
- :mod:`~healthy_streets.model.speed`: UK speed limits from OpenStreetMap tags.
- :mod:`~healthy_streets.model.dates`: dates as councils write them.
- :mod:`~healthy_streets.model.taxonomy`: the asset and report categories.
- :mod:`~healthy_streets.model.privacy`: what never leaves an importer.
- :mod:`~healthy_streets.model.vocabulary`: nations, report formats, tiers, controls.

The names below load on first use, so that importing a light module of this package (the
vocabularies, for the command line's ``--help``) does not load pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "ASSETS": "healthy_streets.model.layers",
    "LAYERS": "healthy_streets.model.layers",
    "REPORTS": "healthy_streets.model.layers",
    "STREETS": "healthy_streets.model.layers",
    "ZONES": "healthy_streets.model.layers",
    "Layer": "healthy_streets.model.layers",
    "CouncilDate": "healthy_streets.model.dates",
    "parse_council_date": "healthy_streets.model.dates",
    "ImportResult": "healthy_streets.model.account",
    "Speed": "healthy_streets.model.speed",
    "speed_from_tags": "healthy_streets.model.speed",
}

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


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'healthy_streets.model' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:
    from healthy_streets.model.account import ImportResult
    from healthy_streets.model.dates import CouncilDate, parse_council_date
    from healthy_streets.model.layers import ASSETS, LAYERS, REPORTS, STREETS, ZONES, Layer
    from healthy_streets.model.speed import Speed, speed_from_tags
