"""Stable identifiers made from names: zone ids, asset ids, file names.

A zone's id names its map (``maps/<zone_id>.html``), so ids are safe as file names on any
system: lower-case letters, digits and hyphens, at most :data:`MAX_ID_LENGTH` characters
before any ``-2`` (a longer name is cut and given a short hash of the whole, so that two
long names that start alike still differ), never a name Windows reserves (``con``,
``nul``...), and unique within a layer.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from healthy_streets.errors import ConfigError

__all__ = [
    "MAX_ID_LENGTH",
    "ZoneId",
    "slugify",
    "zone_id_of",
    "zone_ids",
    "zone_ids_from_names",
    "zone_ids_of",
]

#: The longest id: far below any file system's limit on a file name (255 bytes), with room
#: for a ``-2`` and the ``.html`` of a map's file name.
MAX_ID_LENGTH = 64

#: Names Windows will not give a file, whatever the extension.
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)
_HASH_LENGTH = 8


def slugify(text: str) -> str:
    """A file-name-safe identifier: ``"Church Fields (North)"`` -> ``"church-fields-north"``.

    Text whose slug would be longer than :data:`MAX_ID_LENGTH` characters is cut, and ends
    with a short hash of the whole so that different long texts keep different identifiers.

    >>> slugify("Church Fields (North)")
    'church-fields-north'
    >>> len(slugify("Zone " * 100)) <= MAX_ID_LENGTH
    True
    """
    return _slug(text)[0]


def _slug(text: object) -> tuple[str, bool]:
    """The slug of ``text``, and whether it had to be shortened."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    shortened = len(slug) > MAX_ID_LENGTH
    if shortened:
        digest = hashlib.blake2b(slug.encode("utf-8"), digest_size=8).hexdigest()[:_HASH_LENGTH]
        slug = f"{slug[: MAX_ID_LENGTH - _HASH_LENGTH - 1].rstrip('-')}-{digest}"
    if slug in _RESERVED:
        slug = f"{slug}-zone"
    return slug or "zone", shortened


@dataclass(frozen=True)
class ZoneId:
    """A zone's id, and why it is not simply its name's slug (``None`` when it is).

    Attributes
    ----------
    id
        The id.
    why
        ``"shortened"`` (the name is too long for a file name), ``"repeated"`` (another
        zone has a name with the same slug), both joined with ``" and "``, or ``None``.
    """

    id: str
    why: str | None = None


def zone_ids(names: Iterable[object]) -> list[ZoneId]:
    """Unique ids from zone names, each saying whether it had to differ from the name.

    The first zone of a name takes the name's slug; later zones of the same name are
    numbered ``-2``, ``-3``..., skipping any number that is another zone's own slug (so
    "Church Fields", "Church Fields", "Church Fields 2" become ``church-fields``,
    ``church-fields-3`` and ``church-fields-2``: every zone whose name is unique keeps the
    id its name gives).
    """
    slugs = [_slug(name) for name in names]
    taken = {slug for slug, _ in slugs}
    seen: Counter[str] = Counter()
    out: list[ZoneId] = []
    for slug, shortened in slugs:
        seen[slug] += 1
        ident = slug
        if seen[slug] > 1:
            number = seen[slug]
            while f"{slug}-{number}" in taken:
                number += 1
            ident = f"{slug}-{number}"
            taken.add(ident)
        reasons = [
            why for why, yes in (("shortened", shortened), ("repeated", ident != slug)) if yes
        ]
        out.append(ZoneId(ident, " and ".join(reasons) or None))
    return out


def zone_ids_from_names(names: Iterable[object]) -> list[str]:
    """Stable, unique ids from zone names (see :func:`zone_ids`)."""
    return [zone.id for zone in zone_ids(names)]


def zone_id_of(zones: Any, wanted: object) -> str:
    """The ``zone_id`` of the zone ``wanted`` names: its id, or its name in any case.

    The command line's ``--zone``, a build's ``zone``, ``meeting_map``'s zone and
    ``write_outputs``' ``zone_ids`` all name zones through here.

    Parameters
    ----------
    zones
        The ``zones`` layer (any table with ``zone_id`` and ``name``).
    wanted
        A ``zone_id`` (``"yarrowside-north"``) or a name (``"Yarrowside North"``).

    Returns
    -------
    str
        The zone's ``zone_id``.

    Raises
    ------
    ConfigError
        When no zone has that id or name, suggesting the closest ones, or none is named
        (``wanted`` is ``None``), listing them.

    Examples
    --------
    >>> import pandas as pd
    >>> zones = pd.DataFrame({"zone_id": ["cowslip"], "name": ["Cowslip"]})
    >>> zone_id_of(zones, "COWSLIP")
    'cowslip'
    >>> zone_id_of(zones, "Cowslp")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    healthy_streets.errors.ConfigError: There is no zone 'Cowslp'. Did you mean 'Cowslip' ...
    """
    ids = [str(z) for z in zones["zone_id"]]
    names = [str(n) for n in zones["name"]]
    if wanted is None:
        raise ConfigError(
            f"No zone was named: name one by its zone_id or its name. {_zones_listed(ids, names)}"
        )
    text = str(wanted).strip()
    if text in ids:
        return text
    folded = text.casefold()
    for zone_id, name in zip(ids, names, strict=True):
        if folded in (name.casefold(), zone_id.casefold(), slugify(name)):
            return zone_id
    raise ConfigError(_no_such_zone(text, ids, names))


def zone_ids_of(zones: Any, wanted: Iterable[object]) -> list[str]:
    """:func:`zone_id_of` for each of ``wanted``, in order, once each."""
    return list(dict.fromkeys(zone_id_of(zones, w) for w in wanted))


#: The ``zone_id`` of the row for streets outside every zone in the tables and scorecards:
#: not a zone, so never suggested nor listed as one.
_OUTSIDE = "(outside zones)"


def _no_such_zone(text: str, ids: list[str], names: list[str]) -> str:
    pairs = _real_zones(ids, names)
    by_word = {name.casefold(): (zone_id, name) for zone_id, name in pairs}
    by_word |= {zone_id.casefold(): (zone_id, name) for zone_id, name in pairs}
    close = difflib.get_close_matches(text.casefold(), list(by_word), n=3, cutoff=0.6)
    suggested = list(dict.fromkeys(by_word[c] for c in close))
    guess = ""
    if suggested:
        shown = " or ".join(
            repr(name) if name == zone_id else f"{name!r} ({zone_id})"
            for zone_id, name in suggested
        )
        guess = f" Did you mean {shown}?"
    return f"There is no zone {text!r}.{guess} {_zones_listed(ids, names)}"


def _real_zones(ids: list[str], names: list[str]) -> list[tuple[str, str]]:
    """The zones' (id, name) pairs, without the tables' row for outside every zone."""
    return [(z, n) for z, n in zip(ids, names, strict=True) if z != _OUTSIDE]


def _zones_listed(ids: list[str], names: list[str]) -> str:
    pairs = _real_zones(ids, names)
    listed = ", ".join(z if z == n else f"{z} ({n})" for z, n in pairs[:20])
    more = f" and {len(pairs) - 20} more" if len(pairs) > 20 else ""
    return f"The zones are: {listed or 'none'}{more}."
