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
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from healthy_streets.errors import ConfigError

log = logging.getLogger(__name__)

__all__ = [
    "MAX_ID_LENGTH",
    "ZoneId",
    "check_file_ids",
    "slugify",
    "zone_id_of",
    "zone_ids",
    "zone_ids_from_names",
    "zone_ids_named",
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

    >>> slugify("Church Fields (North)"), slugify("Ffordd Tŷ Gwyn")
    ('church-fields-north', 'ffordd-ty-gwyn')
    >>> len(slugify("Zone " * 100)) <= MAX_ID_LENGTH
    True
    """
    return _slug(text)[0]


def _slug(text: object) -> tuple[str, bool]:
    """The slug of ``text``, and whether it had to be shortened. Accented letters are their
    plain letters ("Tŷ" -> "ty", "Café" -> "cafe"), not gaps."""
    plain = "".join(
        c
        for c in unicodedata.normalize("NFKD", str(text).casefold())
        if not unicodedata.combining(c)
    )
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    shortened = len(slug) > MAX_ID_LENGTH
    if shortened:
        digest = hashlib.blake2b(slug.encode("utf-8"), digest_size=8).hexdigest()[:_HASH_LENGTH]
        slug = f"{slug[: MAX_ID_LENGTH - _HASH_LENGTH - 1].rstrip('-')}-{digest}"
    if slug in _RESERVED:
        slug = f"{slug}-zone"
    return slug or "zone", shortened


#: An id that may name a file: letters, digits, ``-``, ``_`` and ``.`` (not first), so that
#: no id reaches another folder (``/``, ``\\``, ``..``) or holds a character a file system
#: refuses.
_FILE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
#: The longest id a file is named by: a file system takes 255 bytes, with room to spare for
#: the ``_dog_fouling.png`` or ``.html`` after it.
_MAX_FILE_ID = 200


def check_file_ids(ids: Iterable[object], *, layer: str = "zones", names: str) -> None:
    """Refuse ids that cannot name a file inside the output folder.

    The toolkit's readers make ids that are always safe (:func:`slugify`); an analyst's own
    layer may hold any text in ``zone_id`` ("LCC/TRO/2021/117", "../../x"), which, as a
    file's name, would write into another folder or outside the one given.

    Parameters
    ----------
    ids
        The ids to check.
    layer
        The layer they come from, as the message names it.
    names
        The files they would name, as the message says it (``"maps/<zone_id>.html"``).

    Raises
    ------
    ConfigError
        Naming every such id and the fix.

    >>> check_file_ids(["cowslip", "Zone_2"], names="maps/<zone_id>.html")
    >>> check_file_ids(["../../x"], names="maps/<zone_id>.html")
    Traceback (most recent call last):
    ...
    healthy_streets.errors.ConfigError: The zones layer's zone_id '../../x' cannot name a file ...
    """
    bad = sorted(
        {
            str(ident)
            for ident in ids
            if not isinstance(ident, str)
            or len(ident) > _MAX_FILE_ID
            or not _FILE_ID.fullmatch(ident)
            or ident.lower().split(".")[0] in _RESERVED
        }
    )
    if not bad:
        return
    shown = ", ".join(_printable(ident) for ident in bad[:5])
    more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
    ids_word = "zone_id " if len(bad) == 1 else "zone_ids "
    raise ConfigError(
        f"The {layer} layer's {ids_word}{shown}{more} cannot name a file ({names}): an id "
        "is used as a file's name, so it may hold only letters, digits, '-', '_' and '.' "
        f"(not first), at most {_MAX_FILE_ID} characters. Give each zone such an id, for "
        "example zones['zone_id'] = healthy_streets.model.ids.zone_ids_from_names("
        "zones['name'])."
    )


def _printable(text: str) -> str:
    """``text`` quoted, cut to 60 characters, control characters shown as escapes."""
    cut = text if len(text) <= 60 else text[:57] + "..."
    return repr(cut)


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
    ``monthly_counts``' zone name zones through here; ``write_outputs``' ``zone_ids`` and
    ``before_after``'s ``decided_on``, where several zones may be meant, through
    :func:`zone_ids_named`.

    An id always wins over a name: ``"gleadless-valley"`` is that zone even when other
    zones are called "Gleadless Valley" too. A name that several zones share is refused
    here, where one zone is wanted, listing their ids to choose from.

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
        When no zone has that id or name, suggesting the closest ones; when the name is
        several zones' (not one's id), listing their ids; or when none is named
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
    >>> shared = pd.DataFrame({"zone_id": ["vale", "vale-2"], "name": ["Vale", "Vale"]})
    >>> zone_id_of(shared, "vale-2")
    'vale-2'
    >>> zone_id_of(shared, "Vale")
    Traceback (most recent call last):
    ...
    healthy_streets.errors.ConfigError: 'Vale' names 2 zones: vale, vale-2; give one id.
    """
    text, found = _named(zones, wanted)
    if len(found) > 1:
        raise ConfigError(f"{text!r} names {len(found)} zones: {', '.join(found)}; give one id.")
    return found[0]


def zone_ids_named(zones: Any, wanted: object) -> list[str]:
    """The ``zone_id`` of every zone ``wanted`` names, where several zones may be meant.

    ``[wanted]`` when it is a zone's id (an id always wins over a name), else every zone
    whose name it is, in any case: a name that several zones share means them all, and
    a warning says which.

    Raises
    ------
    ConfigError
        When no zone has that id or name (the closest are suggested).

    Examples
    --------
    >>> import pandas as pd
    >>> shared = pd.DataFrame({"zone_id": ["vale", "vale-2"], "name": ["Vale", "Vale"]})
    >>> zone_ids_named(shared, "Vale")
    ['vale', 'vale-2']
    >>> zone_ids_named(shared, "vale")  # the first zone's id
    ['vale']
    >>> zone_ids_named(shared, "VALE")  # the name, in another case
    ['vale', 'vale-2']
    """
    text, found = _named(zones, wanted)
    if len(found) > 1:
        log.warning(
            "%r names %d zones (%s): all %d are taken; give an id to take one alone.",
            text,
            len(found),
            ", ".join(found),
            len(found),
        )
    return found


def zone_ids_of(zones: Any, wanted: Iterable[object]) -> list[str]:
    """:func:`zone_ids_named` for each of ``wanted``, in order, once each: a name several
    zones share brings them all (said in a warning)."""
    return list(dict.fromkeys(z for w in wanted for z in zone_ids_named(zones, w)))


def _named(zones: Any, wanted: object) -> tuple[str, list[str]]:
    """``wanted`` as text, and the ids of the zones it names, each once, in the zones'
    order: the zone whose id it is; else the zones of that name in any case; else the zone
    whose id it is in another case (ids are lower-case: "VALE" is a name); else the zones
    of that name as a slug (``"church-fields"`` for "Church Fields").

    Raises ConfigError when it names none (or is ``None``)."""
    ids = [str(z) for z in zones["zone_id"]]
    names = [str(n) for n in zones["name"]]
    if wanted is None:
        raise ConfigError(
            f"No zone was named: name one by its zone_id or its name. {_zones_listed(ids, names)}"
        )
    text = str(wanted).strip()
    if text in ids:
        return text, [text]
    folded = text.casefold()
    pairs = list(zip(ids, names, strict=True))
    found: list[str] = []
    for matches in (
        lambda z, n: n.strip().casefold() == folded,
        lambda z, n: z.casefold() == folded,
        lambda z, n: slugify(n) == folded,
    ):
        found = list(dict.fromkeys(z for z, n in pairs if matches(z, n)))
        if found:
            break
    if not found:
        raise ConfigError(_no_such_zone(text, ids, names))
    return text, found


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
