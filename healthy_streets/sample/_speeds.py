"""Speed-limit tags on the sample's streets, the way UK OpenStreetMap mappers write them.

Residential streets inside the implemented zones carry ``maxspeed="20 mph"`` with
``maxspeed:type="GB:zone20"``, except for a few planted cases an analysis should notice:
streets in zone A still tagged 30 mph, streets with only ``zone:maxspeed="GB:20"``, the
spellings "20mph" and "20 MPH". Outside the zones there is a 20 mph street by a school with
no zone type, a way with only ``maxspeed:type``, a bare number (km/h by OpenStreetMap's
rules) and a list of two limits. Streets in the proposed zone are tagged 30 mph or not at all.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable

from ._model import Way, Zone

__all__ = ["street_zones", "tag_speeds"]

_ESTATE = frozenset({"residential", "living_street"})
_ZONE20 = {"maxspeed": "20 mph", "maxspeed:type": "GB:zone20"}


def street_zones(ways: list[Way], zones: list[Zone]) -> list[str]:
    """Return the zone each way mostly lies in (``""`` for outside every zone).

    Parameters
    ----------
    ways : list of Way
        The ways to place.
    zones : list of Zone
        The council's zones.

    Returns
    -------
    list of str
        One zone key (or ``""``) per way.
    """
    keys = []
    for way in ways:
        line = way.line
        best = ""
        for zone in zones:
            if line.intersection(zone.geometry).length > 0.5 * line.length:
                best = zone.key
        keys.append(best)
    return keys


def tag_speeds(ways: list[Way], zones: list[Zone], rng: random.Random) -> dict[str, object]:
    """Tag speed limits on estate streets and plant the cases an analysis should find.

    Parameters
    ----------
    ways : list of Way
        All ways; only residential and living streets are tagged here (main roads carry
        their limits already; service roads and paths carry none).
    zones : list of Zone
        The council's zones.
    rng : random.Random
        Chooses which streets carry the planted cases.

    Returns
    -------
    dict
        The streets chosen for each planted case, by case name.
    """
    estate = [w for w in ways if w.highway in _ESTATE]
    streets = _streets_by_zone(estate, street_zones(estate, zones))
    implemented = {z.key for z in zones if z.status == "Implemented"}
    for key, by_name in streets.items():
        for _name, members in by_name.items():
            if key in implemented:
                _retag(members, _ZONE20)
            elif rng.random() < 0.5:
                _retag(members, {"maxspeed": "30 mph"})
    return _plant_cases(streets, rng)


def _streets_by_zone(ways: list[Way], keys: list[str]) -> dict[str, dict[str, list[Way]]]:
    """Group ways into streets (by name; unnamed ways stand alone) within each zone."""
    by_zone: dict[str, dict[str, list[Way]]] = defaultdict(lambda: defaultdict(list))
    for index, (way, key) in enumerate(zip(ways, keys, strict=True)):
        by_zone[key][way.street or f"(unnamed way {index})"].append(way)
    whole = defaultdict(set)
    for key, by_name in by_zone.items():
        for name in by_name:
            whole[name].add(key)
    # A street counts as in a zone only when all its ways are; the rest are left as they are.
    return {
        key: {n: ws for n, ws in sorted(by_name.items()) if len(whole[n]) == 1}
        for key, by_name in sorted(by_zone.items())
    }


def _retag(ways: list[Way], tags: dict[str, str]) -> None:
    for way in ways:
        for key in ("maxspeed", "maxspeed:type", "zone:maxspeed", "source:maxspeed"):
            way.tags.pop(key, None)
        way.tags.update(tags)


def _plant_cases(streets: dict[str, dict[str, list[Way]]], rng: random.Random) -> dict[str, object]:
    taken: set[str] = set()

    def pick(
        zone: str, count: int = 1, test: Callable[[list[Way]], bool] = bool
    ) -> list[tuple[str, str]]:
        pool = [
            n
            for n, ws in streets.get(zone, {}).items()
            if not n.startswith("(") and n not in taken and test(ws)
        ]
        chosen = rng.sample(pool, count)
        taken.update(chosen)
        return [(zone, n) for n in chosen]

    def single(ws: list[Way]) -> bool:
        return len(ws) == 1

    def by_school(ws: list[Way]) -> bool:
        return all(w.block == "NE" for w in ws)

    cases: dict[str, tuple[list[tuple[str, str]], dict[str, str]]] = {
        "gap_30mph_in_zone_A": (pick("A", 2), {"maxspeed": "30 mph"}),
        "zone_maxspeed_only": (pick("B") + pick("C"), {"zone:maxspeed": "GB:20"}),
        "spelling_20mph": (pick("C"), {"maxspeed": "20mph"}),
        "spelling_20_MPH": (pick("B"), {"maxspeed": "20 MPH"}),
        "twenty_outside_zones": (
            pick("", 1, by_school),
            {"maxspeed": "20 mph", "source:maxspeed": "sign"},
        ),
        "maxspeed_type_only": (pick("", 1, single), {"maxspeed:type": "GB:nsl_restricted"}),
        "bare_number_30": (pick("", 1, single), {"maxspeed": "30"}),
        "list_20_30": (pick("", 1, single), {"maxspeed": "20 mph;30 mph"}),
    }
    facts: dict[str, object] = {}
    for case, (chosen, tags) in cases.items():
        for zone, name in chosen:
            _retag(streets[zone][name], tags)
        facts[case] = [name for _, name in chosen]
    return facts
