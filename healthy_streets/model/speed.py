"""UK speed limits from OpenStreetMap tags: one pure function used everywhere.

:func:`speed_from_tags` turns a way's tags into a speed in mph and the place it came from.
It never raises: every input gives a speed from 5 to 70 mph, or an explicit unknown.

Rules, in order (the first that gives a usable speed wins)
----------------------------------------------------------
1. ``maxspeed`` (then the lower of ``maxspeed:forward`` / ``maxspeed:backward``):
   ``"20 mph"``, ``"20mph"``, ``"20 MPH"`` are mph; ``"30 km/h"``, ``"30 kph"`` and a bare
   number (``"30"``: OpenStreetMap's unit is km/h unless written) are converted to mph
   (source ``maxspeed_kmh``); UK codes ``GB:nsl_single`` (60), ``GB:nsl_dual`` (70),
   ``GB:motorway`` (70), ``GB:nsl_restricted`` (see below), ``GB:zone20`` (20) give source
   ``national_limit`` or ``maxspeed``; ``"walk"`` is walking pace (5 mph). Several values
   (``"20 mph;30 mph"``, or the Python lists osmnx leaves after merging ways) give the
   lowest, with source ``maxspeed_lowest``.
2. ``maxspeed:type``, then ``zone:maxspeed``, then ``source:maxspeed``: ``GB:zone20`` or
   ``GB:20`` (20), ``GB:nsl_*`` and ``GB:<n>`` (sources ``maxspeed_type``,
   ``zone_maxspeed``, ``source_maxspeed``).
3. A default by ``highway`` class (source ``default``): see :data:`DEFAULT_MPH`. Roads in
   towns without a signed limit are "restricted roads": 30 mph, or 20 mph in Wales from
   17 September 2023. These are UK defaults: for streets outside Great Britain and
   Northern Ireland (``uk_defaults=False``) this rule is skipped.
4. Otherwise unknown (``speed_mph`` is ``None``, source ``unknown``): paths and service
   roads with no tag that gives a limit.

``maxspeed=national`` (or ``GB:national``) is the national limit of the road's class:
70 mph on a motorway, else 60 mph (a dual carriageway's 70 cannot be told from the tag).

A ``maxspeed`` that gives no usable limit (``"none"``, ``"signals"`` or ``"variable"`` for
variable limits, garbage such as ``"fast"``, or anything outside 5 to 70 mph after
conversion) is passed over for rule 2, but never given a default (rule 3): the limit is
unknown, and the raw text stays in the ``maxspeed`` column, counted in the import's notes
(see :func:`unreadable_maxspeed`).

Rule 3's default is the restricted-road limit, which applies only where there are street
lights (mostly built-up areas); the street importer gives roads of
:data:`RURAL_CLASSES` outside built-up land and not lit the national limit instead (see
:func:`healthy_streets.io.osm.street_network_from_osm_file`).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from healthy_streets import settings
from healthy_streets.model.vocabulary import NATIONS, choose

log = logging.getLogger("healthy_streets")

__all__ = [
    "BANDS",
    "DEFAULT_MPH",
    "KMH_PER_MPH",
    "NATIONAL_DUAL_MPH",
    "NATIONAL_SINGLE_MPH",
    "NATIONS",
    "RURAL_CLASSES",
    "SOURCES",
    "WALES_20MPH_FROM",
    "Speed",
    "nation_of",
    "restricted_road_mph",
    "speed_band",
    "speed_from_tags",
    "unreadable_maxspeed",
]

KMH_PER_MPH = 1.609344
MIN_MPH = 5.0
MAX_MPH = 70.0
WALES_20MPH_FROM = dt.date(2023, 9, 17)

#: Every value ``speed_source`` can take.
SOURCES = (
    "maxspeed",
    "maxspeed_kmh",
    "maxspeed_lowest",
    "national_limit",
    "maxspeed_type",
    "zone_maxspeed",
    "source_maxspeed",
    "default",
    "unknown",
)

#: Default speed by ``highway`` class when no tag says. ``"restricted"`` means the
#: restricted-road limit of the nation (30 mph; 20 mph in Wales from 17 September 2023).
#: Classes not listed (service roads, paths) have no default: their speed is unknown.
DEFAULT_MPH: dict[str, float | str] = {
    "motorway": 70.0,
    "motorway_link": 70.0,
    "trunk": "restricted",
    "trunk_link": "restricted",
    "primary": "restricted",
    "primary_link": "restricted",
    "secondary": "restricted",
    "secondary_link": "restricted",
    "tertiary": "restricted",
    "tertiary_link": "restricted",
    "unclassified": "restricted",
    "residential": "restricted",
    "road": "restricted",
    "living_street": 20.0,
}

#: Road classes that outside towns are mostly unlit, so that with no speed tag they take the
#: national limit (60 mph on a single carriageway), not the restricted-road limit.
RURAL_CLASSES = frozenset(
    {
        "trunk",
        "trunk_link",
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "unclassified",
        "road",
    }
)
#: The national limit on a single carriageway, and on a motorway (or dual carriageway).
NATIONAL_SINGLE_MPH, NATIONAL_DUAL_MPH = 60.0, 70.0

_UK_CODES: dict[str, float | str] = {
    "nsl_single": 60.0,
    "nsl_dual": 70.0,
    "motorway": 70.0,
    "nsl_restricted": "restricted",
    "zone20": 20.0,
    "zone 20": 20.0,
    "zone": 20.0,
    "national": "national",
}

_NUMBER_UNIT = re.compile(
    r"^\s*(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>mph|km/h|kmh|kph|km/hr|kmph)?\s*$", re.IGNORECASE
)
_UK_CODE = re.compile(r"^\s*(?:gb|uk)\s*:\s*(?P<code>[a-z_ 0-9]+?)\s*$", re.IGNORECASE)
_SPLIT = re.compile(r"[;|]")


class Speed(NamedTuple):
    """A speed limit and where it came from.

    Attributes
    ----------
    mph
        The limit in mph, rounded to 0.1; ``None`` when unknown.
    source
        One of :data:`SOURCES`.
    """

    mph: float | None
    source: str


def nation_of(nation: object = None) -> str:
    """``nation`` as one of :data:`NATIONS`, read in any case (``"Wales"``, ``"Northern
    Ireland"``); ``None`` is :data:`healthy_streets.settings.nation`.

    Every door that takes a nation reads it here (:class:`healthy_streets.Inputs`,
    :func:`speed_from_tags`), as the project file and the command line read theirs.

    Raises
    ------
    ConfigError
        For a nation that is none of them, suggesting the closest.

    Examples
    --------
    >>> nation_of("Wales"), nation_of("Northern Ireland")
    ('wales', 'northern_ireland')
    """
    if nation is None:
        return choose(settings.nation, NATIONS, what="hs.settings.nation =")
    return choose(nation, NATIONS, what="nation =")


def restricted_road_mph(nation: str, on: dt.date | None = None) -> float:
    """The limit on a restricted road (``GB:nsl_restricted``) in ``nation`` on ``on``.

    >>> restricted_road_mph("Wales", dt.date(2024, 1, 1))
    20.0
    >>> restricted_road_mph("england")
    30.0
    """
    if nation_of(nation) == "wales" and (on or dt.date.today()) >= WALES_20MPH_FROM:
        return 20.0
    return 30.0


def speed_from_tags(
    tags: Mapping[str, object],
    *,
    nation: str | None = None,
    on: dt.date | None = None,
    uk_defaults: bool = True,
) -> Speed:
    """Turn a way's OpenStreetMap tags into a speed limit in mph and its source.

    Parameters
    ----------
    tags
        The way's tags. Values may be strings, numbers, ``None``/NaN, or lists (as osmnx
        leaves them after merging ways).
    nation
        One of :data:`~healthy_streets.model.vocabulary.NATIONS` (``"england"``,
        ``"wales"``, ``"scotland"``, ``"northern_ireland"``), in any case; decides
        ``GB:nsl_restricted``. Defaults to :data:`healthy_streets.settings.nation`.
    on
        The date the limits apply on (Welsh restricted roads became 20 mph on
        17 September 2023). Defaults to today.
    uk_defaults
        Give a road with no speed tag the UK default of its class (rule 3). ``False`` for
        streets outside Great Britain and Northern Ireland: their limit is then unknown.

    Returns
    -------
    Speed
        ``(mph, source)``; ``mph`` is between 5 and 70, or ``None`` with source ``unknown``.

    Raises
    ------
    ConfigError
        When ``nation`` is not a UK nation (the tags never raise).

    Examples
    --------
    >>> speed_from_tags({"highway": "residential", "maxspeed": "20 mph"})
    Speed(mph=20.0, source='maxspeed')
    >>> speed_from_tags({"highway": "residential", "maxspeed": "30"})
    Speed(mph=18.6, source='maxspeed_kmh')
    >>> speed_from_tags({"highway": "residential", "maxspeed:type": "GB:zone20"})
    Speed(mph=20.0, source='maxspeed_type')
    >>> speed_from_tags({"highway": "footway"})
    Speed(mph=None, source='unknown')
    """
    nation = nation_of(nation)
    try:
        return _speed_from_tags(tags, nation=nation, on=on, uk_defaults=uk_defaults)
    except Exception:  # a tag shape no mapper has written yet must not stop a county import
        log.warning("Speed limit unreadable from tags %r; counted as unknown", dict(tags))
        log.debug("Unreadable speed tags", exc_info=True)
        return Speed(None, "unknown")


def _speed_from_tags(
    tags: Mapping[str, object],
    *,
    nation: str,
    on: dt.date | None,
    uk_defaults: bool = True,
) -> Speed:
    restricted = restricted_road_mph(nation, on)
    highways = [h.strip().lower() for h in _values(tags.get("highway"))]
    national = NATIONAL_DUAL_MPH if {"motorway", "motorway_link"} & set(highways) else None
    limits = {"restricted": restricted, "national": national or NATIONAL_SINGLE_MPH}
    unreadable = False
    for key in ("maxspeed", "maxspeed:forward|maxspeed:backward"):
        values = [v for k in key.split("|") for v in _values(tags.get(k))]
        speed = _from_maxspeed(values, limits)
        if speed is not None:
            return speed
        unreadable = unreadable or bool(values)

    for key, source in (
        ("maxspeed:type", "maxspeed_type"),
        ("zone:maxspeed", "zone_maxspeed"),
        ("source:maxspeed", "source_maxspeed"),
    ):
        readings = [_read_value(v, limits) for v in _values(tags.get(key))]
        mphs = [r[0] for r in readings if r is not None]
        if mphs:
            return Speed(min(mphs), source)
    if unreadable:  # a maxspeed no limit is read from: unknown, not a default
        return Speed(None, "unknown")

    for highway in _values(tags.get("highway")) if uk_defaults else []:
        default = DEFAULT_MPH.get(highway.strip().lower())
        if default is not None:
            return Speed(restricted if default == "restricted" else float(default), "default")
    return Speed(None, "unknown")


def _from_maxspeed(values: list[str], limits: Mapping[str, float]) -> Speed | None:
    readings = [r for r in (_read_value(v, limits) for v in values) if r is not None]
    if not readings:
        return None
    if len(readings) > 1:
        return Speed(min(r[0] for r in readings), "maxspeed_lowest")
    return Speed(*readings[0])


def _read_value(value: str, limits: Mapping[str, float]) -> tuple[float, str] | None:
    """One value to (mph, source), or None when it gives no usable speed; ``limits`` are
    the restricted-road and national limits (``"restricted"``, ``"national"``) that apply."""
    text = value.strip()
    lowered = text.lower()
    if lowered == "walk":
        return MIN_MPH, "maxspeed"
    if lowered == "national":
        return limits["national"], "national_limit"
    match = _NUMBER_UNIT.match(text)
    if match:
        number = float(match["num"].replace(",", "."))
        unit = (match["unit"] or "km/h").lower()
        if unit == "mph":
            return _bounded(number, "maxspeed")
        return _bounded(number / KMH_PER_MPH, "maxspeed_kmh")
    match = _UK_CODE.match(text)
    if match:
        code = match["code"].strip().lower()
        mph = _UK_CODES.get(code)
        if mph is None and code.isdigit():  # zone:maxspeed=GB:20
            return _bounded(float(code), "maxspeed")
        if mph is None:
            return None
        if isinstance(mph, str):  # the restricted-road or the national limit
            return limits[mph], "national_limit"
        source = "maxspeed" if code.startswith("zone") else "national_limit"
        return float(mph), source
    return None


def _bounded(mph: float, source: str) -> tuple[float, str] | None:
    mph = round(mph, 1)
    if MIN_MPH <= mph <= MAX_MPH:
        return mph, source
    return None


def _values(raw: object) -> list[str]:
    """A tag value as a list of strings: splits ``;`` lists, flattens Python lists."""
    if raw is None:
        return []
    if isinstance(raw, float) and math.isnan(raw):
        return []
    if isinstance(raw, str):
        return [part for part in _SPLIT.split(raw) if part.strip()]
    if isinstance(raw, Iterable) and not isinstance(raw, bytes | Mapping):
        return [v for item in raw for v in _values(item)]
    if isinstance(raw, int | float):
        return [str(raw)]
    return []


#: What a ``maxspeed`` value that gives no limit means, for the import's notes.
_UNREADABLE_MEANING = {
    "signals": "variable",
    "variable": "variable",
    "none": "no limit, which UK roads do not have",
}


def unreadable_maxspeed(value: object) -> str:
    """How a ``maxspeed`` text that gives no limit is said in notes: ``maxspeed=signals
    (variable)``, ``maxspeed=fast``.

    >>> unreadable_maxspeed("signals"), unreadable_maxspeed("fast")
    ('maxspeed=signals (variable)', 'maxspeed=fast')
    """
    text = str(value).strip()[:40]
    meaning = _UNREADABLE_MEANING.get(text.lower())
    return f"maxspeed={text}" + (f" ({meaning})" if meaning else "")


def is_signed_20mph_zone(tags: Mapping[str, object]) -> bool:
    """True when OSM tags say the way is in a signed 20mph zone.

    ``maxspeed:type=GB:zone20``, ``zone:maxspeed=GB:20`` (or ``GB:zone20``), or
    ``source:maxspeed=GB:zone20``.
    """
    for key in ("maxspeed:type", "zone:maxspeed", "source:maxspeed", "maxspeed"):
        for value in _values(tags.get(key)):
            code = value.strip().lower().replace(" ", "")
            if code in {"gb:zone20", "gb:20", "uk:zone20", "uk:20"}:
                return True
    return False


#: Speed bands used in tables and maps, slowest first: key -> label.
BANDS: dict[str, str] = {
    "20": "20 mph or less",
    "30": "30 mph",
    "40": "40 mph and over",
    "unknown": "Limit unknown",
}


def speed_band(mph: float | None) -> str:
    """The band key for a speed: ``"20"`` (20 or less), ``"30"`` (above 20 up to 30),
    ``"40"`` (above 30) or ``"unknown"``.

    >>> speed_band(20), speed_band(18.6), speed_band(30), speed_band(40), speed_band(None)
    ('20', '20', '30', '40', 'unknown')
    """
    if mph is None or (isinstance(mph, float) and math.isnan(mph)):
        return "unknown"
    if mph <= 20:
        return "20"
    if mph <= 30:
        return "30"
    return "40"
