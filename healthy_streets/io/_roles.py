"""Which column is which: roles found by header and by content, every guess said.

Councils and open-data portals name their columns every way there is (``Location``,
``Site name``, ``What is it``, ``SCHEME_NAM``, ``GO_LIVE``, ``Implemen_1``...). An importer
describes the roles it needs (:class:`Role`: header synonyms and a test of the values), and
:func:`find_roles` gives each role a column:

1. a column the user named (``--field ROLE=COLUMN``, ``fields =`` in a project file);
2. a column whose header is a synonym of the role, in any case and punctuation, or a
   synonym cut short as Shapefiles cut field names to 10 characters (``Implementa``,
   ``Implemen_1``), unless its values plainly contradict the role (a "date" column with no
   dates in it); for a role that allows it (:attr:`Role.within`), then a header holding a
   synonym among other words ("Opening hours (If not 24 hour)", "Access notes") whose
   values fit;
3. a column already chosen that holds two roles at once ("Zone 4, 16 Aug 2017": a name and
   a date) gives the other role too, split: when most of its values hold both and its header
   (or the user) named it for one of them, else when nearly all do; a column the user names
   for both roles is split between them;
4. otherwise the column whose values fit the role best (dates that parse, categories the
   taxonomy knows, mostly distinct short texts for a name), when enough of them do.

The result says how each column was chosen, in words an officer can check
(:meth:`Roles.describe`), so that no guess is silent.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from healthy_streets._audience import option
from healthy_streets.errors import ConfigError, InputFileError
from healthy_streets.model.dates import numeric_date_order, parse_council_date
from healthy_streets.model.privacy import is_personal_column, quoted

__all__ = [
    "MISSING_TEXTS",
    "Guess",
    "Role",
    "Roles",
    "blank_missing",
    "date_after_name",
    "find_roles",
    "fold_header",
    "folded_text",
    "header_holds",
    "header_matches",
    "looks_like_date",
    "looks_like_name",
    "looks_like_plain_date",
    "missing_text_cells",
    "name_before_date",
]

#: Cell texts that mean "no value" in council and open-data files (R's NA, Excel's #N/A...).
MISSING_TEXTS = frozenset(
    {"", "na", "n/a", "n.a.", "#n/a", "null", "none", "nil", "-", "--", "nan", "(blank)"}
)

#: Why a role has no column, when nothing suggested one.
NOTHING_LIKE_IT = "nothing in the header or the values looked like it"

#: Values looked at to judge a column's content.
SAMPLE_VALUES = 400

#: The share of a column's values that must hold two roles for it to be split between them
#: when its header (or the user) already named it for one of the two: most of them.
SPLIT_SHARE_NAMED = 0.5

#: How a column named by the user was chosen (:attr:`Guess.how`).
NAMED_BY_YOU = "named by you"


def fold_header(name: object) -> str:
    """A header folded for matching: lower case, letters and digits only.

    >>> fold_header(" Site Name "), fold_header("IMPL_DATE")
    ('sitename', 'impldate')
    """
    return _folded(str(name))


@functools.lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    """:func:`fold_header` of a text (the same few headers and synonyms are folded over
    and over when roles are found)."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


_SHAPEFILE_SUFFIX = re.compile(r"_\d{1,2}$")


def header_matches(header: str, synonym: str) -> str | None:
    """How ``header`` matches ``synonym``: ``"exact"``, ``"cut"`` (a Shapefile's 10-character
    cut of it) or ``None``.

    >>> header_matches("Site name", "site_name"), header_matches("Implemen_1", "implemented")
    ('exact', 'cut')
    >>> header_matches("Implementa", "implementation_date"), header_matches("Name", "names")
    ('cut', None)
    """
    folded, wanted = fold_header(header), fold_header(synonym)
    if not folded:
        return None
    if folded == wanted:
        return "exact"
    # Shapefiles keep 10 characters, and number repeats: "Implemen_1"
    stem = fold_header(_SHAPEFILE_SUFFIX.sub("", str(header).strip()))
    if len(str(header).strip()) in (9, 10) and len(stem) >= 6 and wanted.startswith(stem):
        return "cut"
    return None


def header_holds(header: str, synonym: str) -> bool:
    """Whether ``header`` holds the words of ``synonym`` one after another, among others.

    >>> header_holds("Opening hours (If not 24 hour)", "opening_hours")
    True
    >>> header_holds("Access notes", "notes"), header_holds("Accessible", "access")
    (True, False)
    """
    words = re.findall(r"[a-z0-9]+", str(header).lower())
    wanted = re.findall(r"[a-z0-9]+", synonym.lower())
    size = len(wanted)
    return bool(wanted) and any(words[i : i + size] == wanted for i in range(len(words) - size + 1))


@dataclass(frozen=True)
class Role:
    """A role a column can play in an import.

    Attributes
    ----------
    name
        The role (``name``, ``date``, ``status``, ``category``...), as ``--field`` names it.
    headers
        Header synonyms, most specific first.
    content
        A test of one value: does it look like this role? ``None`` when only the header can
        tell (notes, references).
    share
        The share of a column's values that must pass ``content`` for the column to be
        chosen by its values alone.
    what
        What a passing value is, for the summary ("read as dates").
    contradicts_below
        A header match is refused when fewer than this share of the values pass ``content``
        (its values plainly are something else). 0 never refuses.
    distinct
        Only a column of mostly distinct values can play the role by its values (a name).
    split
        For a role found inside a column that holds two ("Zone 4, 16 Aug 2017"): a function
        giving this role's part of a value, or ``None`` when the value is not of that form
        (such a value plays the role whole when it passes ``content``: "Zone 7 (proposed)"
        in a column of names with dates is a name).
    what_split
        What such a value holds, for the summary ("a name and then a date"). Two roles with
        the same ``what_split`` are the two parts of such values.
    content_by_header
        A looser test of one value, for a column whose header already names the role (an
        Excel day number is a date in a column headed ``GO_LIVE``, a number elsewhere);
        ``None`` to use ``content``.
    within
        A header holding a synonym among other words ("Access notes") plays the role too,
        when no header is a synonym and most of its values pass the looser test.
    """

    name: str
    headers: tuple[str, ...]
    content: Callable[[str], bool] | None = None
    share: float = 0.8
    what: str = ""
    contradicts_below: float = 0.0
    distinct: bool = False
    split: Callable[[str], str | None] | None = None
    what_split: str = ""
    content_by_header: Callable[[str], bool] | None = None
    within: bool = False

    def part(self, value: object) -> object:
        """This role's part of a value of a column that holds two roles: the part
        :attr:`split` gives, else the whole value when it fits the role, else ``None``."""
        if value is None or self.split is None:
            return None
        text = str(value)
        found = self.split(text)
        if found is None and self.content is not None and self.content(text):
            return text
        return found


@dataclass(frozen=True)
class Guess:
    """The column a role was given, and why."""

    role: str
    column: str | None
    how: str
    share: float | None = None
    split: bool = False

    @property
    def named(self) -> bool:
        """The column was named by the user or chosen by its header (not by its values)."""
        return self.column is not None and self.how.startswith((NAMED_BY_YOU, "header"))

    def describe(self) -> str:
        """One phrase: ``name <- 'Location' (header)``."""
        if self.column is None:
            return f"{self.role}: no column ({self.how})"
        return f"{self.role} <- {quoted(self.column)} ({self.how})"  # a header may be a row


@dataclass
class Roles(Mapping[str, str | None]):
    """Each role's column (``None`` when no column plays it), with how each was chosen."""

    guesses: dict[str, Guess] = field(default_factory=dict)

    def __getitem__(self, role: str) -> str | None:
        return self.guesses[role].column

    def __iter__(self) -> Iterator[str]:
        return iter(self.guesses)

    def __len__(self) -> int:
        return len(self.guesses)

    def column_values(self, frame: pd.DataFrame, role: Role) -> pd.Series:
        """``role``'s values in ``frame``: its column, or its part of each value when it is
        split from a column holding two roles; missing where no column plays it."""
        guess = self.guesses.get(role.name)
        if guess is None or guess.column is None:
            return pd.Series([None] * len(frame), index=frame.index, dtype="object")
        cells = frame[guess.column].to_numpy(dtype=object)
        missing = pd.isna(cells)
        if missing.any():
            cells = cells.copy()
            cells[missing] = None
        column = pd.Series(cells, index=frame.index, name=guess.column, dtype="object")
        if not guess.split or role.split is None:
            return column
        parts = [role.part(value) for value in column]
        return pd.Series(parts, index=frame.index, name=guess.column, dtype="object")

    def describe(self) -> str:
        """Every role's column and why, as one sentence for an import's summary."""
        found = [g.describe() for g in self.guesses.values() if g.column is not None]
        missing = [
            g.role if g.how == NOTHING_LIKE_IT else f"{g.role} ({g.how})"
            for g in self.guesses.values()
            if g.column is None
        ]
        text = "Columns: " + ("; ".join(found) if found else "none recognised")
        if missing:
            text += f"; no column for {', '.join(missing)}"
        return text + "."

    def as_record(self) -> dict[str, dict[str, object]]:
        """The guesses as plain data (for the store's provenance)."""
        return {
            g.role: {"column": g.column, "how": g.how, "share": g.share}
            for g in self.guesses.values()
        }


def blank_missing(
    frame: pd.DataFrame,
    *,
    said_nan: dict[str, list[object]] | None = None,
    empty: float | None = None,
) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells meaning "no value" (:data:`MISSING_TEXTS`, in any
    case, with spaces around) are missing: ``None``, and ``empty`` for a cell with no text
    at all (NaN where the table came from pandas' reader, which makes an empty cell NaN).

    ``said_nan``, when given, is filled with the rows whose cell said ``NaN``, by column.
    """
    out = frame.copy(deep=False)  # the columns replaced below are new: frame is not changed
    for column in frame.columns:
        values = frame[column]
        cells = missing_text_cells(values)
        if cells is None:
            continue
        missing, nan, blank = cells
        if missing.any() or values.dtype != object:  # else the column is as it would be
            kept = values.to_numpy(dtype=object).copy()
            kept[missing] = None
            if empty is not None:
                kept[blank] = empty
            out[column] = pd.Series(kept, index=frame.index, name=values.name, dtype="object")
        if said_nan is not None and nan.any():
            said_nan[str(column)] = frame.index[nan].tolist()
    return out


#: The longest of :data:`MISSING_TEXTS`: a longer text without spaces around is none of them.
_LONGEST_MISSING = max(map(len, MISSING_TEXTS))


def missing_text_cells(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Which cells of a column of text mean "no value" (their :func:`folded_text` is one of
    :data:`MISSING_TEXTS`), which of those said ``NaN`` and which hold no text at all (``""``);
    ``None`` for a column with no text in it, as :func:`folded_text` says.

    Only the cells that may be one of those words are folded: the short ones and those with
    white space at an end (folding never shortens a text, so no other cell is one), found
    over the whole column at once.
    """
    if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
        return None
    cells = values.to_numpy(dtype=object)
    present, joined = _joined_texts(cells)
    if joined is None or not present.any():  # not all text: judged as folded_text does
        try:
            values.astype("object").str  # noqa: B018 (refuses a column without text)
        except AttributeError:
            return None
    if joined is None:  # look at each cell
        maybe = np.flatnonzero([isinstance(cell, str) for cell in cells])
    else:
        maybe = np.flatnonzero(present)[_maybe_missing(joined, int(present.sum()))]
    codes, distinct = pd.factorize(cells[maybe])  # the few texts they are, folded once each
    folded = [text.strip().lower() for text in distinct]
    found = []
    for test in (lambda f, _: f in MISSING_TEXTS, lambda f, _: f == "nan", lambda _, t: t == ""):
        cells_found = np.zeros(len(cells), dtype=bool)
        verdicts = [test(f, t) for f, t in zip(folded, distinct, strict=True)]
        cells_found[maybe] = np.array([*verdicts, False])[codes]
        found.append(cells_found)
    missing, nan, blank = found
    return missing, nan, blank


def _joined_texts(cells: np.ndarray) -> tuple[np.ndarray, str | None]:
    """Which cells are present, and those cells joined, each between NUL characters (``None``
    when one of them is not text)."""
    texts = cells.tolist()
    try:  # every cell text (a table as read): no need to look for missing cells
        return np.ones(len(cells), dtype=bool), "\x00" + "\x00".join(texts) + "\x00"
    except TypeError:
        present = ~pd.isna(cells)
    try:
        return present, "\x00" + "\x00".join(cells[present].tolist()) + "\x00"
    except TypeError:
        return present, None


#: Byte -> True for the bytes that begin or end a UTF-8 text with white space that
#: ``str.strip`` takes off: the ASCII ones, and any byte beyond ASCII (it may belong to
#: white space such as U+00A0).
_SPACE_BYTES = np.array([c >= 128 or chr(c).isspace() for c in range(256)])
#: Byte -> True for the first bytes of :data:`MISSING_TEXTS`, in either case.
_FIRSTS = np.isin(
    np.arange(256), [ord(c) for text in MISSING_TEXTS if text for c in (text[0], text[0].upper())]
)


def _maybe_missing(joined: str, count: int) -> np.ndarray:
    """Which of the ``count`` texts joined (each between NUL characters) may fold to one of
    :data:`MISSING_TEXTS`, looked at as an array of UTF-8 bytes: those of at most
    :data:`_LONGEST_MISSING` bytes that start as one does, and those with white space (or a
    byte beyond ASCII) at an end. Every text of :data:`MISSING_TEXTS` is ASCII, and a
    character beyond ASCII that is not white space never folds to ASCII that is in one, so
    no other text is one of them."""
    points = np.frombuffer(joined.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    apart = np.flatnonzero(points == 0)
    if len(apart) != count + 1:  # a cell holds a NUL itself
        return np.ones(count, dtype=bool)
    first, last = apart[:-1] + 1, apart[1:] - 1  # each cell's first and last byte
    length = last - first + 1
    # an empty text's first and last bytes are the NULs around it: neither starts one
    starts = _FIRSTS[points[first]] | (length == 0)
    spaced = _SPACE_BYTES[points[first]] | _SPACE_BYTES[points[last]]
    return ((length <= _LONGEST_MISSING) & starts) | spaced


def folded_text(values: pd.Series) -> pd.Series | None:
    """Each text cell stripped and in lower case (other cells missing), vectorised; ``None``
    for a column with no text in it."""
    try:
        return values.astype("object").str.strip().str.lower()
    except AttributeError:
        return None


def find_roles(
    path: str | Path,
    frame: pd.DataFrame,
    roles: Sequence[Role],
    given: Mapping[str, str] | None = None,
    *,
    exclude: Sequence[str] = (),
) -> Roles:
    """Give each role a column of ``frame``, by the user's word, the header or the values.

    Parameters
    ----------
    path
        The file (for messages).
    frame
        The table as read (text cells; missing values as missing).
    roles
        The roles wanted, in order of precedence: an earlier role takes a column first.
    given
        Role -> column named by the user; these win and must exist.
    exclude
        Columns that play no role here (geometry, coordinates already used).

    Raises
    ------
    ConfigError
        For a role in ``given`` that is not one of ``roles``.
    InputFileError
        For a column in ``given`` that the file does not have.
    """
    wanted = {role.name: role for role in roles}
    given = dict(given or {})
    unknown = sorted(set(given) - set(wanted))
    if unknown:
        raise ConfigError(
            f"Unknown field role(s) {', '.join(map(repr, unknown))}; "
            f"the roles are {', '.join(wanted)}."
        )
    columns = [c for c in frame.columns if c not in exclude and c != "geometry"]
    values = _ByColumn(lambda c: _sample(frame[c]))
    filled = _ByColumn(lambda c: int(frame[c].notna().sum()))
    out = Roles()
    used: set[str] = set()
    for role_name, column in given.items():
        match = next((c for c in columns if fold_header(c) == fold_header(column)), None)
        if match is None:
            raise InputFileError(
                path,
                f"There is no column {column!r} for the {role_name} "
                f"({option('fields', column, role=role_name)})",
                fix=f"Use one of: {', '.join(map(quoted, columns))}.",
            )
        out.guesses[role_name] = Guess(role_name, match, NAMED_BY_YOU)
        used.add(match)
    _split_named_twice(roles, out, values)
    columns = [c for c in columns if c in used or not is_personal_column(str(c))]  # no guess
    refused: dict[str, str] = {}
    for role in roles:
        if role.name in out.guesses:
            continue
        guess = _by_header(role, columns, used, values, refused)
        if guess is not None:
            out.guesses[role.name] = guess
            used.add(str(guess.column))
    for role in roles:  # a column holding two roles is surer than a column that might
        if role.name not in out.guesses:
            guess = _by_split(role, columns, values, _named_for_a_partner(role, roles, out))
            if guess is not None:
                out.guesses[role.name] = guess
    for role in roles:
        if role.name in out.guesses or role.content is None:
            continue
        guess = _by_content(role, columns, used, values, (filled, len(frame)), refused)
        if guess is not None:
            out.guesses[role.name] = guess
            used.add(str(guess.column))
    for role in roles:
        if role.name not in out.guesses:
            why = refused.get(role.name, NOTHING_LIKE_IT)
            out.guesses[role.name] = Guess(role.name, None, why)
    _split_shared_columns(roles, out, values)
    out.guesses = {r.name: out.guesses[r.name] for r in roles}
    return out


class _ByColumn(dict[str, Any]):
    """Column -> what ``work`` says of it, worked out when first asked for (a file's roles
    found by their headers never look at most columns' values)."""

    def __init__(self, work: Callable[[str], Any]) -> None:
        super().__init__()
        self._work = work

    def __missing__(self, column: str) -> Any:
        self[column] = found = self._work(column)
        return found


def _sample(values: pd.Series) -> list[str]:
    """The first :data:`SAMPLE_VALUES` values that are not blank, stripped (looked for a
    few thousand rows at a time, not over the whole column)."""
    sample: list[str] = []
    for start in range(0, len(values), 4 * SAMPLE_VALUES):
        for value in values.iloc[start : start + 4 * SAMPLE_VALUES].dropna():
            text = str(value).strip()
            if text:
                sample.append(text)
                if len(sample) == SAMPLE_VALUES:
                    return sample
    return sample


def _passing(role: Role, sample: list[str], *, by_header: bool = False) -> float | None:
    """The share of ``sample`` that fits ``role`` (by its looser test when the header
    names the role); ``None`` when there is no test or no value."""
    content = (role.content_by_header if by_header else None) or role.content
    if content is None or not sample:
        return None
    distinct = list(dict.fromkeys(sample))
    verdicts = {v: bool(content(v)) for v in distinct}
    return sum(verdicts[v] for v in sample) / len(sample)


def _by_header(
    role: Role,
    columns: list[str],
    used: set[str],
    values: Mapping[str, list[str]],
    refused: dict[str, str],
) -> Guess | None:
    for synonym in role.headers:
        for how in ("exact", "cut"):
            for column in columns:
                if column in used or header_matches(column, synonym) != how:
                    continue
                share = _passing(role, values[column], by_header=True)
                if share is not None and share < role.contradicts_below:
                    refused.setdefault(
                        role.name,
                        f"the header {column!r} suggested it, but only {share:.0%} of its "
                        f"values {role.what or 'fit'}",
                    )
                    continue
                why = "header" if how == "exact" else "header, cut to 10 characters"
                return Guess(role.name, column, why, share)
    return _by_words_of_header(role, columns, used, values) if role.within else None


#: The share of a column's values that must fit a role for a header that only holds a
#: synonym among other words to give it the role.
WITHIN_SHARE = 0.5


def _by_words_of_header(
    role: Role, columns: list[str], used: set[str], values: Mapping[str, list[str]]
) -> Guess | None:
    """The first column (by synonym) whose header holds a synonym among other words and
    whose values mostly fit the role ("Level access Y/N" holds "access" but is a flag)."""
    for synonym in role.headers:
        for column in columns:
            if column in used or not values[column] or not header_holds(column, synonym):
                continue
            share = _passing(role, values[column], by_header=True)
            if share is None or share >= WITHIN_SHARE:
                words = " ".join(re.findall(r"[a-z0-9]+", synonym.lower()))
                return Guess(role.name, column, f"its header holds {words!r}", share)
    return None


def _by_content(
    role: Role,
    columns: list[str],
    used: set[str],
    values: Mapping[str, list[str]],
    fill: tuple[Mapping[str, int], int],
    refused: dict[str, str],
) -> Guess | None:
    """The column whose values fit ``role`` best, if enough do. A column empty in most rows
    is never chosen by its values: a few codes among blanks are too little to go on."""
    best: tuple[float, str] | None = None
    filled, rows = fill
    for column in columns:
        sample = values[column]
        if column in used or len(sample) < 2:
            continue
        if role.distinct and len(set(sample)) < 0.5 * len(sample):
            continue
        share = _passing(role, sample)
        if share is None or share < role.share:
            continue
        if 2 * filled[column] < rows:
            refused.setdefault(
                role.name,
                f"{column!r} looked like it but is filled in only {filled[column]} of {rows} rows",
            )
            continue
        if best is None or share > best[0]:
            best = (share, column)
    if best is None:
        return None
    share, column = best
    return Guess(role.name, column, f"content: {share:.0%} of its values {role.what}", share)


def _split_shared_columns(
    roles: Sequence[Role], out: Roles, values: Mapping[str, list[str]]
) -> None:
    """A column split for one role and taken whole by another gives that one its own part
    too: a name column holding "Zone 4, 16 Aug 2017" names the zone "Zone 4"."""
    split_columns = {g.column for g in out.guesses.values() if g.split}
    for role in roles:
        guess = out.guesses[role.name]
        if guess.split or guess.column not in split_columns or role.split is None:
            continue
        share = _split_share(role, values[str(guess.column)])
        if share >= (SPLIT_SHARE_NAMED if guess.named else role.share):
            out.guesses[role.name] = Guess(
                role.name,
                guess.column,
                f"{guess.how}; its part of values holding {role.what_split}",
                share,
                True,
            )


def _split_share(role: Role, sample: list[str]) -> float:
    """The share of ``sample`` holding ``role``'s part, split from a value holding two."""
    assert role.split is not None
    return sum(bool(role.split(v)) for v in sample) / max(len(sample), 1)


def _named_for_a_partner(role: Role, roles: Sequence[Role], out: Roles) -> set[str]:
    """The columns that the user or their header named for a role whose values ``role``
    shares ("Zone 4, 16 Aug 2017" in a column headed ``ZONE_NAME``: the date's too)."""
    if role.split is None:
        return set()
    partners = {
        r.name for r in roles if r.name != role.name and r.split and r.what_split == role.what_split
    }
    return {str(g.column) for g in out.guesses.values() if g.role in partners and g.named}


def _split_named_twice(roles: Sequence[Role], out: Roles, values: Mapping[str, list[str]]) -> None:
    """A column the user named for two roles that share values ("Zone 4, 16 Aug 2017" for
    both the name and the date) is split between them."""
    for role in roles:
        guess = out.guesses.get(role.name)
        if guess is None or role.split is None:
            continue
        if guess.column in _named_for_a_partner(role, roles, out):
            share = _split_share(role, values[str(guess.column)])
            out.guesses[role.name] = Guess(
                role.name,
                guess.column,
                f"{NAMED_BY_YOU}; split: {share:.0%} of its values hold {role.what_split}",
                share,
                True,
            )


def _by_split(
    role: Role, columns: list[str], values: Mapping[str, list[str]], named: set[str]
) -> Guess | None:
    """The column whose values hold ``role`` and another role, split: nearly all of them
    (``role.share``), or most of them (:data:`SPLIT_SHARE_NAMED`) in a column named for the
    other role."""
    if role.split is None:
        return None
    best: tuple[float, str] | None = None
    for column in columns:
        sample = values[column]
        if not sample:
            continue
        share = _split_share(role, sample)
        enough = SPLIT_SHARE_NAMED if column in named else role.share
        if share >= enough and (best is None or share > best[0]):
            best = (share, column)
    if best is None:
        return None
    share, column = best
    return Guess(
        role.name, column, f"split: {share:.0%} of its values hold {role.what_split}", share, True
    )


# ---- tests of one value, shared by the importers' roles ----

_LETTER = re.compile(r"[^\W\d_]")
_NOT_A_NAME = re.compile(r"^(https?://|www\.)|@|^[\d\s.,:/-]+$", re.IGNORECASE)


def looks_like_date(value: str) -> bool:
    """A date as councils write them ("31 Jul 2016", "2016-07-31", "Autumn 2015?"), day
    first or month first ("07/31/2016": which order a column is read in is decided for the
    whole column, by :func:`~healthy_streets.model.dates.column_date_order`).

    >>> looks_like_date("31/07/2016"), looks_like_date("07/31/2016"), looks_like_date("Church")
    (True, True, False)
    """
    return parse_council_date(value).precision != "unknown" or (numeric_date_order(value) == "mdy")


def looks_like_name(value: str) -> bool:
    """A short text with letters that is not a number, a date, a link or an email.

    >>> looks_like_name("Church Fields"), looks_like_name("2016-07-31"), looks_like_name("17")
    (True, False, False)
    """
    text = value.strip()
    if not 2 <= len(text) <= 80 or not _LETTER.search(text) or _NOT_A_NAME.search(text):
        return False
    return not (looks_like_date(text) and len(_LETTER.findall(text)) <= 9)


_DATE_TAIL = re.compile(r"^(?P<name>.*?[^\W_].*?)\s*[,;:(\-–]\s*(?P<date>[^,;:(]+?)\)?\s*$")


def looks_like_plain_date(value: str) -> bool:
    """A date, and nothing else: not a name followed by a date ("Zone 4, 16 Aug 2017").

    >>> looks_like_plain_date("16 Aug 2017"), looks_like_plain_date("Zone 4, 16 Aug 2017")
    (True, False)
    """
    return looks_like_date(value) and name_before_date(value) is None


def date_after_name(value: str) -> str | None:
    """The date in a value that holds a name and then a date: "Zone 4, 16 Aug 2017" ->
    "16 Aug 2017"; ``None`` when the value is not of that form."""
    if name_before_date(value) is None:
        return None
    match = _DATE_TAIL.match(value.strip())
    return match["date"].strip() if match else None


def name_before_date(value: str) -> str | None:
    """The name in a value that holds a name and then a date: "Zone 4, 16 Aug 2017" ->
    "Zone 4"; ``None`` when the value is not of that form.

    >>> name_before_date("Zone 4,  16 Aug 2017"), name_before_date("16 Aug 2017")
    ('Zone 4', None)
    """
    match = _DATE_TAIL.match(value.strip())
    if match is None or not looks_like_date(match["date"]):
        return None
    name = match["name"].strip()
    return name if looks_like_name(name) and not looks_like_date(name) else None
