"""Stable identifiers made from names: zone ids, asset ids, file names.

A zone's id names its map (``maps/<zone_id>.html``), so ids are safe as file names on any
system: lower-case letters, digits and hyphens, at most :data:`MAX_ID_LENGTH` characters
before any ``-2`` (a longer name is cut and given a short hash of the whole, so that two
long names that start alike still differ), never a name Windows reserves (``con``,
``nul``...), and unique within a layer.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["MAX_ID_LENGTH", "ZoneId", "slugify", "zone_ids", "zone_ids_from_names"]

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
