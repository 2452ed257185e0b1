"""Column guesses the asset and report importers share, beyond :mod:`._roles`.

- a category column found by its values: the column whose values the taxonomy knows
  (judged on its distinct values), when the header named none; and, when several headers
  name it (a code column ``Asset_Type`` and its description ``Asset_Ty_1``), the one whose
  values the taxonomy knows best;
- a category given by a KML's layer names rather than by a column;
- a category named by the file itself (``camden_toilets.csv``, ``defibrillators.csv``) for
  the rows that give none;
- the guesses recorded in the import's account and said in its summary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from healthy_streets.io._roles import Guess, Roles, fold_header, header_matches
from healthy_streets.model.account import AccountBook
from healthy_streets.model.taxonomy import Taxonomy

__all__ = [
    "CATEGORY_SHARE",
    "LayerNames",
    "category_among_headers",
    "category_by_values",
    "category_from_file_name",
    "is_default_layer_name",
    "known_share",
    "record_guesses",
]

#: The share of a column's values the taxonomy must know for the column to be the category.
CATEGORY_SHARE = 0.6
#: A category column repeats its values: at most this many distinct ones...
_MOST_DISTINCT = 200
#: ...and at most this share of its values distinct (a small file may name each once).
_DISTINCT_SHARE = 0.5
_SMALL = 6

# Columns that hold no category whatever their values: identifiers, and the bookkeeping
# fields GDAL reads from KML (a KML placemark's id is "<layer name>.<n>").
_NOT_CATEGORIES = re.compile(
    r"^([a-z]*id|timestamp|begin|end|altitudemode|tessellate|extrude|visibility|draworder|"
    r"icon|styleurl|geometry|wkt|thegeom)$"
)

# Layer names that say nothing: Google My Maps' "Untitled layer", GIS defaults.
_DEFAULT_LAYER = re.compile(
    r"^\s*(untitled( layer)?|unnamed( layer)?|new layer|layer|default|points?|features?|"
    r"placemarks?|my places)\s*\d*\s*$",
    re.IGNORECASE,
)


def is_default_layer_name(name: object) -> bool:
    """True for a layer name that names no category ("Untitled layer", "Layer 1").

    >>> is_default_layer_name("Untitled layer"), is_default_layer_name("Benches")
    (True, False)
    """
    return bool(_DEFAULT_LAYER.match(str(name)))


def category_by_values(
    frame: pd.DataFrame,
    candidates: Iterable[str],
    taxonomy: Taxonomy,
    *,
    role: str = "category",
    repeated: Iterable[str] = (),
) -> Guess | None:
    """The column of ``candidates`` whose values best name categories of ``taxonomy``.

    A category column repeats a few values; a column qualifies when at most half its values
    are distinct (or it is small) and at least :data:`CATEGORY_SHARE` of its values are
    known to the taxonomy (by a synonym, a keyword or a close spelling). Columns in
    ``repeated`` (a name column) qualify only when at most half their values are distinct,
    however small. Returns ``None`` when no column qualifies.
    """
    strict = set(repeated)
    best: tuple[float, str] | None = None
    for column in candidates:
        if _NOT_CATEGORIES.match(fold_header(column)):
            continue
        counts = _value_counts(frame[column])
        total = int(counts.sum())
        if total < 2 or len(counts) > _MOST_DISTINCT:
            continue
        few = len(counts) <= _DISTINCT_SHARE * total
        if not few and (column in strict or len(counts) > _SMALL):
            continue
        share = _known_rows(counts, taxonomy) / total
        if share >= CATEGORY_SHARE and (best is None or share > best[0]):
            best = (share, column)
    if best is None:
        return None
    share, column = best
    return Guess(
        role, column, f"content: {share:.0%} of its values are categories the toolkit knows", share
    )


def known_share(values: pd.Series, taxonomy: Taxonomy) -> float:
    """The share of a column's values (those given) that name a category the taxonomy knows,
    by a synonym, a keyword or a close spelling; 0 for a column with no values."""
    counts = _value_counts(values)
    total = int(counts.sum())
    if not total:
        return 0.0
    return _known_rows(counts, taxonomy) / total


def _known_rows(counts: pd.Series, taxonomy: Taxonomy) -> int:
    """How many rows give a text (counted in ``counts``) the taxonomy knows."""
    return sum(int(n) for text, n in counts.items() if taxonomy.match(text).how != "unmatched")


def category_among_headers(
    frame: pd.DataFrame,
    roles: Roles,
    headers: Sequence[str],
    taxonomy: Taxonomy,
    *,
    exclude: Iterable[str] = (),
) -> None:
    """When the category was found by its header and other columns' headers name it too
    (``Asset_Type`` holding codes such as "BEN", and ``Asset_Ty_1`` cut to 10 characters
    holding "Bench"), give the role to the one whose values the taxonomy knows best (at
    least :data:`CATEGORY_SHARE` of them, and more than the header's first choice), and say
    so in the guess. Columns in ``exclude`` and those playing other roles are not looked at.
    """
    chosen = roles.guesses.get("category")
    if chosen is None or chosen.column is None or not chosen.how.startswith("header"):
        return
    taken = {g.column for role, g in roles.guesses.items() if role != "category"}
    skip = taken | set(exclude)
    matches: dict[str, str] = {}
    for column in map(str, frame.columns):
        if column in skip or column == "geometry":
            continue
        hows = {header_matches(column, header) for header in headers} - {None}
        if hows:
            matches[column] = "header" if "exact" in hows else "header, cut to 10 characters"
    if len(matches) < 2 or chosen.column not in matches:
        return
    shares = {column: known_share(frame[column], taxonomy) for column in matches}
    best = max(matches, key=lambda column: (shares[column], column == chosen.column))
    if best == chosen.column or shares[best] < CATEGORY_SHARE:
        return
    others = ", ".join(f"{shares[c]:.0%} in {c!r}" for c in matches if c != best)
    roles.guesses["category"] = Guess(
        "category",
        best,
        f"{matches[best]}; {shares[best]:.0%} of its values are categories the toolkit "
        f"knows, against {others}",
        shares[best],
    )


@dataclass(frozen=True)
class LayerNames(Guess):
    """A role given by a KML's layer names or folders (kept in the column ``_layer``), not
    by one of the file's columns: said ``category <- layer names (...)`` or ``category <-
    the KML folder 'Benches' (level 1 of 'Benches/Meersbrook ward')``."""

    def describe(self) -> str:
        """One phrase: ``category <- layer names ('Benches' 2, 'Dog bins' 2)``."""
        return f"{self.role} <- {self.how}"


def _value_counts(values: pd.Series) -> pd.Series:
    text = values.dropna().astype("str").str.strip()
    return text[text != ""].value_counts()


def category_from_file_name(path: Path, taxonomy: Taxonomy) -> str | None:
    """The category the file's name gives by a word the taxonomy knows ("camden_toilets.csv"
    -> ``toilets``), else ``None``; close spellings do not count."""
    match = taxonomy.match(path.stem)
    return match.category if match.how in ("synonym", "keyword") else None


def record_guesses(
    book: AccountBook, roles: Roles, extra: Mapping[str, Guess] | None = None
) -> Roles:
    """Add ``extra`` guesses (coordinates, geometry) to ``roles`` and record them all in
    ``book`` (said among the import's notes, kept in the store's provenance)."""
    if extra:
        roles.guesses.update(extra)
    book.record_columns(roles.as_record(), roles.describe())
    return roles
