"""Stable identifiers made from names: zone ids, asset ids, file names."""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["slugify", "zone_ids_from_names"]


def slugify(text: str) -> str:
    """A file-name-safe identifier: ``"Church Fields (North)"`` -> ``"church-fields-north"``."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "zone"


def zone_ids_from_names(names: Iterable[object]) -> list[str]:
    """Stable ids from zone names: slugs, numbered ``-2``, ``-3`` when names repeat."""
    ids: list[str] = []
    seen: dict[str, int] = {}
    for name in names:
        base = slugify(str(name))
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids
