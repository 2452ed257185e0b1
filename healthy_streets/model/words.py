"""Counts in plain English: "1 way lies", "3 ways lie"."""

from __future__ import annotations

__all__ = ["counted"]


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun, singular or plural: ``counted(1, "way")`` is ``"1 way"``.

    >>> counted(3, "street way")
    '3 street ways'
    >>> counted(1, "category", "categories")
    '1 category'
    """
    if n == 1:
        return f"{n} {noun}"
    if plural is None:
        plural = (
            noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"
        )
    return f"{n} {plural}"
