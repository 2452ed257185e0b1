"""Helpers shared by the importers: checking files, text encodings, headers, CRS on entry."""

from __future__ import annotations

import contextlib
import csv
import functools
import gc
import io
import itertools
import logging
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from healthy_streets import settings
from healthy_streets._audience import option
from healthy_streets._files import side_files
from healthy_streets.errors import ConfigError, InputFileError, MissingCRSError
from healthy_streets.io._roles import blank_missing
from healthy_streets.model.account import AccountBook
from healthy_streets.model.privacy import (
    is_person_column,
    is_personal_column,
    person_columns,
    quoted,
)
from healthy_streets.model.uk import share_in_uk

log = logging.getLogger("healthy_streets")

#: The distances around the zones the toolkit takes (``buffer_m``), in metres.
BUFFER_RANGE_M = (0.0, 10_000.0)

#: Where British National Grid coordinates can lie (metres), with a margin.
BNG_BOUNDS = (-10_000.0, -10_000.0, 710_000.0, 1_260_000.0)


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while a reader makes hundreds of thousands of objects
    that hold no cycles (geometries, text): each full collection would walk them all, and
    every other object of the process, for nothing. Reference counting frees them as ever,
    and the collector runs again afterwards as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check_input(path: str | os.PathLike[str]) -> Path:
    """Return ``path`` as a Path if it is a readable, non-empty file; else raise."""
    if not isinstance(path, str | os.PathLike):  # a list, a graph, None...: not a file
        kind = type(path).__name__
        raise InputFileError(
            f"a {kind}",
            f"Expected a file (its path), not a {kind}",
            fix="Pass the file's path; the readers of zones, assets and reports also take a "
            "GeoDataFrame.",
        )
    p = Path(path)
    if not p.exists():
        raise InputFileError(p, "The file does not exist.", fix="Check the path and spelling.")
    if p.is_dir() and p.suffix.lower() not in {".gdb"}:
        raise InputFileError(p, "This is a folder, not a file.", fix="Name the file inside it.")
    if not p.is_dir() and not p.is_file():
        raise_special_file(p)
    if p.is_file() and p.stat().st_size == 0:
        raise InputFileError(p, "The file is empty.", fix="Export it again from its source.")
    for side in side_files(p):  # GDAL and SQLite open these too: a named pipe never answers
        if side.exists() and not side.is_file() and not side.is_dir():
            raise_special_file(side)
    return p


def raise_special_file(path: Path) -> NoReturn:
    """Refuse a named pipe, a device or a socket: reading one could wait for ever."""
    raise InputFileError(
        path,
        "This is not a regular file but a named pipe, a device or a socket, which the "
        "toolkit does not read",
        fix="Name the data file itself (save the data to a file first).",
    )


def refuse_non_data(path: Path, head: bytes) -> None:
    """Refuse, with the fix, the files people save by mistake in place of data: a web page
    (a sign-in or error page saved by a download) and an old Excel ``.xls`` workbook."""
    text = _decode_head(head).lstrip("\ufeff \t\r\n").lower()
    if text.startswith(("<!doctype html", "<html")):
        raise InputFileError(
            path,
            "This is a web page (HTML), not a data file: the download probably saved a "
            "sign-in or error page instead of the data",
            fix="Download the file again (signed in, if the site asks) and check it opens "
            "in a spreadsheet or GIS before using it.",
        )
    if head.startswith(b"\xd0\xcf\x11\xe0") or path.suffix.lower() == ".xls":
        raise InputFileError(
            path,
            "This is an old Excel workbook (.xls), which the toolkit does not read",
            fix="Open it in Excel and save it as .xlsx, or save the sheet as CSV.",
        )


def note_reading(table: pd.DataFrame, book: AccountBook, *, kept: Iterable[object]) -> None:
    """Say in the import's account how the table was read: the title lines above the header
    that were skipped (a note), the rows of empty cells skipped (a note: see
    :func:`without_empty_rows`) and the ``kept`` rows whose text was repaired (a repair each:
    bytes in another encoding, NUL bytes removed)."""
    skipped = int(table.attrs.get("title_lines", 0))
    if skipped:
        lines = (
            "title line above it was" if skipped == 1 else f"{skipped} title lines above it were"
        )
        book.note(f"The header is on row {skipped + 1}: the {lines} skipped.")
    footer: list[tuple[object, str]] = table.attrs.get("footer_lines", [])
    if footer:
        rows = ", ".join(str(row) for row, _ in footer)
        texts = ", ".join(repr(text) for _, text in footer)
        book.note(
            f"The last line{'s' if len(footer) > 1 else ''} (row {rows}: {texts}) "
            f"{'are totals' if len(footer) > 1 else 'is a total'} below the table, not a row: "
            "left out."
        )
    empty: list[int] = table.attrs.get(EMPTY_ROWS, [])
    if empty:
        if len(empty) == 1:
            said = f"Row {_rows_said(empty)} is empty (no cell holds anything)"
        else:
            said = (
                f"{len(empty):,} rows are empty (no cell holds anything): rows {_rows_said(empty)}"
            )
        book.note(f"{said}; skipped as blank lines are, and not counted as rows read.")
    blank: list[int] = table.attrs.get(BLANK_LINES, [])
    if blank:
        book.note(
            f"A blank line between the table's rows (row {_rows_said(blank)}) was skipped"
            if len(blank) == 1
            else f"{len(blank):,} blank lines between the table's rows (rows "
            f"{_rows_said(blank)}) were skipped"
        )
    repairs: dict[object, str] = table.attrs.get("text_repairs", {})
    if repairs:
        rows = pd.Index(kept)
        for row in rows[rows.isin(list(repairs))]:
            book.repair(row, repairs[row], field="text")
    for note in table.attrs.get("text_notes", []):
        book.note(note)


def _decode_head(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    return head.decode("latin-1")


@dataclass(frozen=True)
class Text:
    """A text file's content, and what was done to the lines that were not clean text.

    Attributes
    ----------
    content
        The text; or, for a file of plain ASCII (no NUL byte), whose bytes are their own
        text, the file itself: read only when :attr:`text` is asked for.
    repairs
        Line number (from 1, counting ``\\n``) -> what was done to it.
    as_in_file
        The file's bytes are the text in UTF-8 as it is (no byte order mark, nothing
        repaired), so a reader may read the file itself.
    """

    content: str | Path
    repairs: dict[int, str] = field(default_factory=dict)
    as_in_file: bool = False

    @functools.cached_property
    def text(self) -> str:
        """The content as text."""
        content = self.content
        return content if isinstance(content, str) else self.data.decode("ascii")

    @functools.cached_property
    def data(self) -> bytes:
        """The content as UTF-8 bytes (a plain ASCII file's own, not decoded): for checks
        that look for a few bytes (line breaks, delimiters) in the whole text."""
        content = self.content
        if isinstance(content, str):
            return content.encode("utf-8", "surrogatepass")
        return content.read_bytes()

    @functools.cached_property
    def breaks(self) -> np.ndarray:
        """Where the line feeds are in :attr:`data` (byte offsets)."""
        return np.flatnonzero(np.frombuffer(self.data, dtype=np.uint8) == ord("\n"))

    def has_line(self, pattern: re.Pattern[bytes], starts: bytes) -> bool:
        """Whether ``pattern``, which starts with a line feed, matches in :attr:`data` at a
        line that starts with one of the bytes ``starts``: tried at those lines only, found
        by the first byte after each line feed (a file of records starting with an id has
        none), or by one search of the whole text when they are many."""
        breaks, first = self._line_starts
        at = breaks[np.isin(first, np.frombuffer(starts, dtype=np.uint8))]
        if len(at) > _LINES_TRIED:
            return pattern.search(self.data) is not None
        return any(pattern.match(self.data, int(i)) for i in at)

    @functools.cached_property
    def _line_starts(self) -> tuple[np.ndarray, np.ndarray]:
        """The line feeds that a line follows, and that line's first byte."""
        breaks = self.breaks[self.breaks + 1 < len(self.data)]
        return breaks, np.frombuffer(self.data, dtype=np.uint8)[breaks + 1]

    def head(self, size: int) -> str:
        """The first ``size`` characters."""
        if isinstance(self.content, str):
            return self.content[:size]
        with self.content.open("rb") as handle:
            return handle.read(size).decode("ascii")

    def is_blank(self) -> bool:
        """True when the text is empty or white space only (as ``not text.strip()``)."""
        if isinstance(self.content, str):
            return _NOT_SPACE.search(self.content) is None
        return not any(_NOT_SPACE_ASCII.search(block) for block in _blocks(self.content))

    def has_lone_return(self) -> bool:
        """Whether a carriage return not followed by a line feed is in the text."""
        if isinstance(self.content, str):
            return _LONE_RETURN.search(self.content) is not None
        # a block may end between "\r" and "\n": a false alarm, which the caller checks
        return any(_LONE_RETURN_ASCII.search(block) for block in _blocks(self.content))

    def notes(self) -> list[str]:
        """The repairs as notes about the whole file (for files that are not tables)."""
        by_reason: dict[str, list[int]] = {}
        for line, reason in self.repairs.items():
            by_reason.setdefault(reason, []).append(line)
        return [
            f"{_lines(lines)}: {reason}; check the text there."
            for reason, lines in by_reason.items()
        ]


#: Lines :meth:`Text.has_line` tries one by one; beyond, it searches the whole text.
_LINES_TRIED = 1_000

#: Any character ``str.strip`` keeps, in text and in ASCII bytes.
_NOT_SPACE = re.compile(r"\S")
_NOT_SPACE_ASCII = re.compile(rb"[^\t\n\x0b\x0c\r\x1c-\x1f ]")
_LONE_RETURN = re.compile(r"\r(?!\n)")
_LONE_RETURN_ASCII = re.compile(rb"\r(?!\n)")

#: What :func:`decode_text` does to a line (joined with "; " when it does both).
_MIXED = "bytes that are not UTF-8, unlike the rest of the file, were read as Windows-1252 (cp1252)"
_NUL = "NUL bytes (a damaged or binary file) were removed"


def _row_reason(reasons: list[str]) -> str:
    """The repairs of a row's lines as one sentence."""
    parts = dict.fromkeys(part for reason in reasons for part in reason.split("; "))
    text = "; ".join(parts)
    return f"{text[0].upper()}{text[1:]}; check the row's text."


def decode_text(path: Path) -> Text:
    """Read a text file line by line, repairing what can be repaired and saying so.

    The file is UTF-8 (with or without a BOM), UTF-16 (with a BOM, as Excel's "Unicode text"
    writes, or without one), else Windows-1252 as Excel on Windows saves CSV. A file that
    mixes UTF-8 lines with Windows-1252 lines (rows pasted from two sources) has each line
    read in its own encoding. NUL bytes are removed: they would cut the text short. Every
    line repaired is listed in :attr:`Text.repairs`.
    """
    with path.open("rb") as handle:
        refuse_non_data(path, handle.read(512))
    if _plain_ascii(path):  # UTF-8 with nothing to repair: read when it is needed
        return Text(path, {}, as_in_file=True)
    data = path.read_bytes()
    codec = _utf16(data)
    repairs: dict[int, str] = {}
    as_in_file = False
    if codec is not None:
        try:
            text = data.decode(codec).removeprefix("\ufeff")
        except UnicodeDecodeError:
            raise InputFileError(
                path,
                "The file says it is UTF-16 text but is not",
                fix="Save it again from the spreadsheet as CSV UTF-8.",
            ) from None
    else:
        as_in_file = not data.startswith(b"\xef\xbb\xbf")
        data = data.removeprefix(b"\xef\xbb\xbf")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            as_in_file = False
            text, repairs = _decode_lines(data.split(b"\n"))
    if "\x00" in text:
        lines = text.split("\n")
        for number, line in enumerate(lines, start=1):
            if "\x00" in line:
                lines[number - 1] = line.replace("\x00", "")
                repairs[number] = f"{repairs[number]}; {_NUL}" if number in repairs else _NUL
        text = "\n".join(lines)
        as_in_file = False
    return Text(text, repairs, as_in_file)


def _blocks(path: Path, size: int = 1 << 20) -> Iterator[bytearray]:
    """The bytes of a file, a block at a time (one buffer, used again for every block)."""
    block = bytearray(size)
    with path.open("rb", buffering=0) as handle:
        while count := handle.readinto(block):
            yield block if count == size else block[:count]


def _plain_ascii(path: Path) -> bool:
    """True for a file of ASCII bytes without a NUL: text as it is, nothing to repair."""
    return all(block.isascii() and block.find(0) < 0 for block in _blocks(path))


def _utf16(data: bytes) -> str | None:
    """The codec for UTF-16 text (with a BOM, or without one and mostly ASCII), else None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:2000]
    if len(head) >= 8 and len(head) % 2 == 0:
        for codec, zeros in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
            if zeros.count(0) > 0.9 * len(zeros):
                return codec
    return None


def _decode_lines(raw: list[bytes]) -> tuple[str, dict[int, str]]:
    """Each line as UTF-8 where it is; else Windows-1252: the whole file when no line is
    UTF-8 beyond plain ASCII (an Excel CSV), a repair on each line that is not when others
    are (a mixed file)."""
    utf8: list[str | None] = []
    for line in raw:
        try:
            utf8.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            utf8.append(None)
    mixed = any(text is not None and not text.isascii() for text in utf8)
    lines = [
        text if text is not None else _cp1252(line) for text, line in zip(utf8, raw, strict=True)
    ]
    if not mixed:
        return "\n".join(lines), {}
    return "\n".join(lines), {n: _MIXED for n, text in enumerate(utf8, start=1) if text is None}


def _cp1252(line: bytes) -> str:
    try:
        return line.decode("cp1252")
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return line.decode("latin-1")


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:5])) + (", …" if len(numbers) > 5 else "")
    return f"Line {shown}" if len(numbers) == 1 else f"Lines {shown}"


def read_text(path: Path) -> str:
    """The text of a file, decoded as :func:`decode_text` does (repairs not reported)."""
    return decode_text(path).text


def read_table(path: Path, *, columns: Callable[[str], bool] | None = None) -> pd.DataFrame:
    """Read a CSV file into a frame of strings (cells that mean "no value" as missing).

    The encoding is found by :func:`decode_text`; the delimiter is sniffed among comma,
    semicolon, tab and pipe. Title lines above the header (a report name, an export date)
    are skipped. Cells that mean "no value" (empty, ``NA``, ``N/A``, ``null``, ``-``...: see
    :func:`blank_cells`) are missing. The index holds spreadsheet row numbers (the header is
    row 1 unless title lines come first); ``frame.attrs["title_lines"]`` counts the lines
    skipped and
    ``frame.attrs["text_repairs"]`` maps the rows whose text was repaired to what was done
    (see :func:`note_reading`).

    With ``columns``, a test of a column's name, only the columns that pass it are kept
    (the others' cells are not looked at); ``frame.attrs["all_columns"]`` lists them all.
    """
    decoded, delimiter, header = _table_layout(path)
    try:
        frame = pd.read_csv(
            # the file itself when it is the text as it is: pandas reads a file faster
            path if decoded.as_in_file else _as_bytes(decoded.text),
            encoding="utf-8",
            sep=delimiter,
            skiprows=header,
            dtype=object,  # text, as the cells are looked at in Python (blank_cells)
            na_filter=False,  # empty cells too: blank_cells makes them NaN
            skipinitialspace=True,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        # rows of too many cells are set apart; a quote left open spoils the rest of the file
        too_many = re.search(r"Expected \d+ fields in line \d+, saw \d+", str(exc))
        frame = _read_ragged(decoded.text, delimiter, header) if too_many else None
        if frame is None:
            raise InputFileError(
                path,
                f"This is not a readable CSV file ({_first_line(exc)})",
                fix="Open it in a spreadsheet, check the columns line up, and save it as CSV.",
            ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    splits = _lone_return_splits(decoded, delimiter, header, len(frame))
    frame = _line_up_split_rows(frame, splits)
    every = list(frame.columns)
    raw = frame
    if columns is not None:
        frame = frame[[c for c in every if columns(c)]]
    rows = _spreadsheet_rows(decoded, delimiter, header, len(frame))
    frame.index = rows
    blank_lines = _blank_lines_between(rows, header)
    for kind in ("bad_rows", _BAD_ROW_NAMES):  # rows of _read_ragged, numbered in turn
        if kind in frame.attrs:
            frame.attrs[kind] = {rows[k - header - 2]: v for k, v in frame.attrs[kind].items()}
    frame = blank_cells(frame, empty=np.nan)
    if _maybe_empty_rows(decoded, delimiter):
        frame = without_empty_rows(frame, raw)
    frame, footer = _without_footer(frame)
    frame.attrs["title_lines"] = header
    frame.attrs["footer_lines"] = footer
    frame.attrs[BLANK_LINES] = blank_lines
    frame.attrs["text_repairs"], frame.attrs["text_notes"] = _row_repairs(
        decoded, delimiter, header, rows
    )
    frame.attrs["text_notes"] += _lone_return_notes(splits, rows)
    if columns is not None:
        frame.attrs["all_columns"] = every
    return frame


#: The first cell of a line a saved report ends with: its total, not a row.
_FOOTER = re.compile(
    r"\s*(?:(?:grand|sub)[ -]?totals?\b|totals?\b|count\b|number of\b"
    r"|\d+\s+(?:rows|records|items|results)\b)",
    re.IGNORECASE,
)


def _without_footer(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[object, str]]]:
    """``frame`` without the lines a saved report ends with ("Total: 2", "Grand Total,2",
    "2 records"): a last line whose first cell says it is a total and that fills at most
    half the columns. Returns the lines taken off (row, text), first first."""
    footer: list[tuple[object, str]] = []
    most = max(1, len(frame.columns) // 2)
    while len(frame):
        filled = frame.iloc[-1].dropna()
        if filled.empty or len(filled) > most or not _FOOTER.match(str(filled.iloc[0])):
            break
        footer.insert(0, (frame.index[-1], " ".join(str(v).strip() for v in filled)))
        frame = frame.iloc[:-1]
    return frame, footer


#: Attribute of a table read by :func:`read_table` (or an Excel sheet): the rows skipped
#: because every cell was empty, as a spreadsheet numbers them.
EMPTY_ROWS = "empty_rows"
#: Attribute of a table read by :func:`read_table`: the blank lines among its rows (which
#: pandas skips), as a spreadsheet numbers them.
BLANK_LINES = "blank_lines"


def _blank_lines_between(rows: pd.Index, header: int) -> list[int]:
    """The rows a spreadsheet shows from the first below the header to the last read that
    are not among ``rows`` (numbered by :func:`_spreadsheet_rows`): the blank lines between
    them. Blank lines after the last row are the file's end, not said."""
    if isinstance(rows, pd.RangeIndex) or not len(rows):
        return []
    numbers = np.arange(header + 2, int(rows[-1]) + 1)
    return numbers[~np.isin(numbers, rows.to_numpy())].tolist()


@functools.lru_cache(maxsize=8)
def _empty_line(delimiter: str) -> re.Pattern[bytes]:
    """A line of a file that may be a row of empty cells: delimiters, quotes and white
    space only (``,,,,`` as Excel saves the rows below a table, ``"","",""``)."""
    cells = re.escape(delimiter.encode("utf-8"))
    return re.compile(rb'\n(?=[ \t]*["' + cells + rb'])[ \t"' + cells + rb"]*+\r?(?=\n|\Z)")


def _maybe_empty_rows(decoded: Text, delimiter: str) -> bool:
    """Whether a line of the file may be a row of empty cells (found on its bytes), so that
    a file without any is not looked at row by row (most files)."""
    return decoded.has_line(_empty_line(delimiter), b' \t"' + delimiter.encode("utf-8"))


def without_empty_rows(table: pd.DataFrame, raw: pd.DataFrame) -> pd.DataFrame:
    """``table`` (its cells that mean "no value" missing, see :func:`blank_cells`) without
    the rows every cell of which is empty or white space in ``raw``, the table as read
    (every column, in the same order of rows): ``,,,,`` lines, as Excel saves the rows below
    a table, are blank lines to whoever reads the file, not rows with every value missing.
    They are listed in ``attrs["empty_rows"]`` (see :func:`note_reading`). A row set apart
    because it could not be split into its columns (``attrs["bad_rows"]``) is kept, for its
    rejection.

    Only the rows with every cell of ``table`` missing are looked at again in ``raw``
    (a row of ``N/A`` cells says so and is kept), column by column, on arrays.
    """
    missing = table.isna().to_numpy().all(axis=1) if len(table.columns) else None
    candidates = np.arange(len(table)) if missing is None else np.flatnonzero(missing)
    bad = table.attrs.get("bad_rows", {})
    if bad and candidates.size:
        candidates = candidates[~table.index[candidates].isin(list(bad))]
    for column in range(raw.shape[1]):
        if not candidates.size:
            break
        candidates = candidates[_blank(raw.iloc[:, column].to_numpy(dtype=object)[candidates])]
    if not candidates.size:
        return table
    empty = np.zeros(len(table), dtype=bool)
    empty[candidates] = True
    out = table[~empty]
    out.attrs = {**table.attrs, EMPTY_ROWS: table.index[empty].tolist()}
    return out


def _blank(cells: np.ndarray) -> np.ndarray:
    """Which of ``cells`` (as read: text, or missing) hold nothing but white space."""
    blank = (cells == "") | pd.isna(cells)
    rest = np.flatnonzero(~blank)
    if rest.size:
        texts = pd.Series(cells[rest], dtype=object)
        try:
            blank[rest] = (texts.str.strip() == "").fillna(value=False).to_numpy(dtype=bool)
        except AttributeError:  # no text among them (numbers): none blank
            blank[rest] = False
    return blank


def _rows_said(rows: Sequence[int]) -> str:
    """Row numbers as a reader scans them: runs as ranges (``3, 10–5,009``), the first few."""
    runs: list[list[int]] = []
    for number in rows:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    said = [f"{a:,}" if a == b else f"{a:,}\u2013{b:,}" for a, b in runs[:5]]
    return ", ".join(said) + (", …" if len(runs) > 5 else "")


def read_header(path: Path) -> list[str]:
    """The column names of a CSV file as :func:`read_table` gives them, from its header
    alone."""
    decoded, delimiter, header = _table_layout(path)
    try:
        names = pd.read_csv(
            io.StringIO(decoded.head(1_000_000)),
            sep=delimiter,
            skiprows=header,
            nrows=0,
            skipinitialspace=True,
        ).columns
    except (pd.errors.ParserError, ValueError):  # read_table says what is wrong
        return list(read_table(path).columns)
    return [str(c).strip() for c in names]


def _table_layout(path: Path) -> tuple[Text, str, int]:
    """A CSV file's text, delimiter and title lines above its header."""
    decoded = decode_text(path)
    if decoded.is_blank():
        raise InputFileError(path, "The file is empty.", fix="Export it again from its source.")
    delimiter, header = _layout(decoded.head(20_000))
    _refuse_wide_rows(path, decoded, delimiter)
    return decoded, delimiter, header


#: The most cells a line of a table may hold: no export of zones, places or reports has
#: more columns, and pandas takes minutes over a line of two million commas (2 MB).
MAX_CELLS = 5_000


def _refuse_wide_rows(path: Path, decoded: Text, delimiter: str) -> None:
    """Refuse a table with a row of more than :data:`MAX_CELLS` cells, naming it. Lines
    are measured first, then counted by their delimiters (fast); only a text with such a
    line is read as CSV, where a long text in quotes may hold as many commas as it likes."""
    breaks = decoded.breaks
    if np.diff(breaks, prepend=-1, append=len(decoded.data)).max() <= MAX_CELLS:
        return  # no line is long enough to hold that many cells (a line's length counts its end)
    text = decoded.text
    if not any(line.count(delimiter) >= MAX_CELLS for line in text.splitlines()):
        return
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if len(row) > MAX_CELLS:
            raise InputFileError(
                path,
                f"Row {number} has {len(row):,} cells, more than any table of zones, places "
                f"or reports ({MAX_CELLS:,} at most)",
                fix="Open the file in a spreadsheet, delete the cells to the right of the "
                "table, and save it as CSV again.",
            )


def _as_bytes(text: str) -> io.BytesIO | io.StringIO:
    """The text for pandas' CSV reader: as UTF-8 bytes, which it reads about twice as fast
    as a string (a string it encodes again in pieces); a text that cannot be encoded (a
    lone surrogate) as it is."""
    try:
        return io.BytesIO(text.encode("utf-8"))
    except UnicodeEncodeError:
        return io.StringIO(text)


#: Joins cells to be matched in one pass: no cell of a table read holds it (NUL bytes are
#: removed when a file is read), and no pattern this is used with matches it.
_CELLS_APART = "\x00"


def all_match(values: pd.Series, pattern: re.Pattern[str]) -> bool:
    """True when every cell of ``values`` is text that ``pattern`` matches in full (and
    there is at least one cell), for a fast path's test: the cells are joined and matched
    in one pass, far faster than one by one. ``pattern`` must not match the NUL character
    that joins them (no cell holds one: they are removed when a file is read)."""
    cells = values.tolist()
    try:
        joined = _CELLS_APART.join(cells) + _CELLS_APART
    except TypeError:  # a cell that is not text
        return False
    if not cells:
        return False
    if joined.count(_CELLS_APART) != len(cells):
        return False
    every, in_bytes = _every_cell(pattern)
    if in_bytes is not None and joined.isascii():  # the same matches, a third quicker
        return in_bytes.fullmatch(joined.encode("ascii")) is not None
    return every.fullmatch(joined) is not None


@functools.lru_cache(maxsize=16)
def _every_cell(
    pattern: re.Pattern[str],
) -> tuple[re.Pattern[str], re.Pattern[bytes] | None]:
    """``pattern`` repeated over cells joined by NUL characters (the repetition gives
    nothing back: each cell is matched up to its NUL, once), and the same for ASCII text
    as bytes when it matches ASCII text alike that way (an ASCII pattern without ``\\s``,
    which in text also matches four ASCII control characters)."""
    repeated = f"(?:(?:{pattern.pattern}){_CELLS_APART})*+"
    every = re.compile(repeated, pattern.flags)
    if not repeated.isascii() or re.search(r"\\[sS]", pattern.pattern):
        return every, None
    return every, re.compile(repeated.encode("ascii"), pattern.flags & ~re.UNICODE)


#: Attribute of a table read by :func:`blank_cells`: column -> rows whose cell said "NaN".
NAN_CELLS = "nan_cells"


def blank_cells(frame: pd.DataFrame, *, empty: float | None = None) -> pd.DataFrame:
    """``frame`` with the cells that mean "no value" missing
    (:data:`~healthy_streets.io._roles.MISSING_TEXTS`: empty, white space, ``NA``, ``N/A``,
    ``null``, ``None``, ``-``...), in every column: ``None``, or ``empty`` for a cell
    with no text at all.

    Cells that said ``NaN`` are listed in ``attrs["nan_cells"]`` (column -> rows), so that a
    coordinate written as NaN can be called not a number rather than missing.
    """
    nan_cells: dict[str, list[object]] = {}
    out = blank_missing(frame, said_nan=nan_cells, empty=empty)
    out.attrs = {**frame.attrs, NAN_CELLS: nan_cells}
    return out


def _read_ragged(text: str, delimiter: str, header: int) -> pd.DataFrame | None:
    """The table of a CSV file some of whose rows have more cells than the header (a comma
    or a quote out of place), read with the csv module: each such row is kept empty and
    ``attrs["bad_rows"]`` says why (see :func:`reject_bad_rows`). None when the file has no
    header at all."""
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(lines, delimiter=delimiter, skipinitialspace=True)
    records: list[tuple[list[str], str]] = []  # the cells, and the row as written
    start = 0
    try:
        for number, record in enumerate(reader):
            raw = "".join(lines[start : reader.line_num]).rstrip("\r\n")
            start = reader.line_num
            if number >= header and _read_by_pandas(record):  # a row of empty cells too
                records.append((record, raw))
    except csv.Error:
        return None
    if not records:
        return None
    names = _column_names(records[0][0])
    rows: list[list[str | None]] = []
    bad: dict[int, tuple[str, str]] = {}
    held: dict[int, list[str]] = {}
    for position, (record, raw) in enumerate(records[1:]):
        if len(record) > len(names):
            row = header + 2 + position  # numbered past blank lines by read_table
            text, held[row] = _without_people(record, raw, names, delimiter)
            bad[row] = (
                f"The row has {len(record)} cells but the header has {len(names)} columns (a "
                f"{_DELIMITER_NAMES.get(delimiter, repr(delimiter))} or a quote out of place?); "
                "fix the row in a spreadsheet.",
                text,
            )
            record = []
        cells: list[str | None] = [cell if cell != "" else None for cell in record]
        rows.append(cells + [None] * (len(names) - len(cells)))
    frame = pd.DataFrame(rows, columns=names, dtype="str")
    frame.attrs["bad_rows"] = bad
    frame.attrs[_BAD_ROW_NAMES] = held
    return frame


#: Attribute of a table read by :func:`read_table`: row -> the names of persons held by a
#: row that could not be split into its columns.
_BAD_ROW_NAMES = "bad_row_names"


def _without_people(
    record: list[str], raw: str, header: list[str], delimiter: str
) -> tuple[str, list[str]]:
    """A row of more cells than the header, as text with every cell that may lie under a
    personal column blank, and the names of persons among those cells.

    Which cell is out of place is not known: with ``k`` cells too many, a column's cell is
    at its own place (the stray cell is after it) or up to ``k`` places further on, and
    all these cells are blanked.
    """
    extra = max(len(record) - len(header), 0)
    as_written = next(csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter), [])
    cells = as_written if len(as_written) == len(record) else list(record)  # "a, b" kept
    names: list[str] = []
    for column, name in enumerate(header):
        if not is_personal_column(name):
            continue
        for at in range(column, min(column + extra + 1, len(cells))):
            if is_person_column(name) and cells[at].strip():
                names.append(cells[at])
            cells[at] = ""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="").writerow(cells)
    return out.getvalue(), names


_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def _column_names(header: list[str]) -> list[str]:
    """Header cells as pandas names them: blanks ``Unnamed: N``, repeats ``name.1``."""
    names: list[str] = []
    for number, cell in enumerate(header):
        name = cell if cell.strip() else f"Unnamed: {number}"
        base, count = name, 0
        while name in names:
            count += 1
            name = f"{base}.{count}"
        names.append(name)
    return names


def reject_bad_rows(table: pd.DataFrame, book: AccountBook) -> pd.DataFrame:
    """``table`` without the rows :func:`read_table` could not split into its columns,
    each rejected in ``book`` with the reason and the row's text.

    The text holds no personal data: the cells that may lie under a personal column are
    blank, and the names of persons the row held, or the rows next to it hold, are cut out
    of the rest (before the book removes emails, phones and names after a cue).
    """
    bad: dict[object, tuple[str, str]] = table.attrs.get("bad_rows", {})
    held: dict[object, list[str]] = table.attrs.get(_BAD_ROW_NAMES, {})
    people = person_columns(table)
    for row, (reason, text) in bad.items():
        names = list(held.get(row, []))
        if row in table.index and len(people.columns):
            at = table.index.get_loc(row)
            if isinstance(at, int):
                near = people.iloc[max(at - 2, 0) : at + 3].to_numpy(dtype=object)
                names += [name for name in near.ravel() if isinstance(name, str)]
        book.reject(row, reason, field="(the whole row)", value=text, names=names)
    return table.drop(index=[row for row in bad if row in table.index]) if bad else table


def _row_repairs(
    decoded: Text, delimiter: str, header: int, rows: pd.Index
) -> tuple[dict[object, str], list[str]]:
    """The repairs of :func:`decode_text`, by the row of the table (a row may span lines);
    a repair of a line outside any row (the header, a title) becomes a note."""
    if not decoded.repairs:
        return {}, []
    spans = _record_lines(decoded.text, delimiter, header)
    by_row: dict[object, str] = {}
    left = dict(decoded.repairs)
    if len(spans) == len(rows) + 1:  # the header and every row found: name the rows
        for row, (first, last) in zip(rows, spans[1:], strict=True):
            reasons = [left.pop(n) for n in range(first, last + 1) if n in left]
            if reasons:
                by_row[row] = _row_reason(reasons)
    notes = Text(decoded.text, left).notes() if left else []
    return by_row, notes


@dataclass(frozen=True)
class _Split:
    """A record of a CSV file that a lone carriage return ended early (see
    :func:`_lone_return_splits`)."""

    #: The record's number, counted as pandas reads them from the header (1) on.
    record: int
    #: The line of the file it is on (counted by line feeds).
    line: int
    #: The column the next record's first cell was written in (the rest of the line).
    column: int
    #: How many cells the next record has.
    cells: int


def _lone_return_splits(decoded: Text, delimiter: str, header: int, n_rows: int) -> list[_Split]:
    """The records that a carriage return in a cell that is not quoted ended early.

    Spreadsheets, pandas and Python's ``csv`` all end a row at a lone carriage return (one
    not followed by a line feed) outside quotes: a cell ``Bench\rby the gate`` pasted from
    another program becomes a row ending ``Bench`` and a row starting ``by the gate``, each
    with the wrong cells. Each split says where the rest of the line was written: its first
    cell in the column of the cell cut (the last of the record ended), the next cells in
    the columns after it. A file whose every line ends with a carriage return alone (old
    Mac text) has no line feeds, and no split; nor has a file whose records cannot be
    matched to the rows read (``n_rows`` and the header).
    """
    if not decoded.has_lone_return():
        return []
    text = decoded.text
    if "\n" not in text:
        return []
    lines = io.StringIO(text, newline="").readlines()
    numbers = list(itertools.accumulate((line.count("\n") for line in lines), initial=1))
    reader = csv.reader(lines, delimiter=delimiter, skipinitialspace=True)
    ended: list[tuple[int, int, int]] = []  # (record, line of the file, next one's column)
    widths: dict[int, int] = {}
    records, carried = 0, None  # the column the rest of a line ended early starts in
    try:
        for record in reader:
            line = lines[reader.line_num - 1]
            if reader.line_num <= header or not _read_by_pandas(record):
                carried = None
                continue
            records += 1
            widths[records] = len(record)
            start = carried or 0
            carried = None
            if line.endswith("\r"):
                carried = start + len(record) - 1
                ended.append((records, numbers[reader.line_num - 1], carried))
    except csv.Error:
        return []
    if records != n_rows + 1:  # the header and every row: only then can rows be named
        return []
    return [
        _Split(number, at, column, widths[number + 1])
        for number, at, column in ended
        if number < records  # not the last row, ended by a carriage return at the file's end
    ]


def _line_up_split_rows(frame: pd.DataFrame, splits: list[_Split]) -> pd.DataFrame:
    """``frame`` (as read, its rows by position) with the cells of each row that holds the
    rest of a line ended early put back under the columns they were written for: a
    caller's name, a phone number or a note written after the carriage return is then
    under its own column, which no layer reads and whose names are cut out of the text of
    the rows around it (a row read as a spreadsheet shows it would have them under the
    first columns instead, its id, category or date). Rows of the header's line, or whose
    cells would reach past the last column, are left as they are."""
    moved = [
        s
        for s in splits
        if s.record >= 2 and s.column > 0 and s.column + s.cells <= len(frame.columns)
    ]
    if not moved:
        return frame
    values = frame.to_numpy(dtype=object, copy=True)
    for split in moved:
        at = split.record - 1  # the row after the one ended (the header is record 1)
        row = values[at, : split.cells].copy()
        values[at, :] = ""
        values[at, split.column : split.column + split.cells] = row
    lined = pd.DataFrame(values, index=frame.index, columns=frame.columns, dtype=object)
    lined.attrs.update(frame.attrs)
    return lined


def _lone_return_notes(splits: list[_Split], rows: pd.Index) -> list[str]:
    """A note for each row that a carriage return in a cell that is not in quotes ended
    early (see :func:`_lone_return_splits`): the rows are numbered as a spreadsheet numbers
    them, and the note names both rows and the line, with the fix."""
    notes = []
    for split in splits:
        number = split.record
        where = f"Row {rows[number - 2]}" if number > 1 else "The header"
        how = (
            "as a spreadsheet reads it"
            if split.column == 0 or number == 1
            else "each cell under the column it was written for"
        )
        notes.append(
            f"{where} ends at a carriage return inside a cell that is not in quotes, and the "
            f"rest of line {split.line} of the file was read as row {rows[number - 1]} "
            f"({how}): put that cell in double quotes, or remove the carriage return, so "
            "the line is read as one row."
        )
    return notes


#: A blank line (or one of white space only), which pandas skips but a spreadsheet shows.
_BLANK_LINE = re.compile(rb"\n[ \t]*+\r?\n")


def _spreadsheet_rows(decoded: Text, delimiter: str, header: int, n_rows: int) -> pd.Index:
    """The rows of a table read by pandas, numbered as a spreadsheet opening the file shows
    them: the header is row ``header + 1``, and a blank line below it, which pandas skips,
    is a row too (a record spread over several lines by a quoted line break is one)."""
    plain = pd.RangeIndex(header + 2, header + 2 + n_rows)
    if not decoded.has_line(_BLANK_LINE, b" \t\r\n"):
        return plain
    lines = io.StringIO(decoded.text, newline="").readlines()
    reader = csv.reader(lines, delimiter=delimiter, skipinitialspace=True)
    rows: list[int] = []
    try:
        for number, record in enumerate(reader, start=1):
            if reader.line_num > header and _read_by_pandas(record):
                rows.append(number)
    except csv.Error:
        return plain
    if len(rows) != n_rows + 1:  # the header and every row: only then can rows be named
        return plain
    return pd.Index(rows[1:])


def _read_by_pandas(record: list[str]) -> bool:
    """Whether pandas reads a record as a row: it skips blank lines and lines of white space
    only, and keeps a line of delimiters only (a row of empty cells)."""
    return len(record) > 1 or (len(record) == 1 and bool(record[0].strip()))


def _record_lines(text: str, delimiter: str, header: int) -> list[tuple[int, int]]:
    """The first and last line (counted by ``\\n``, as :func:`decode_text` counts them) of
    each record from the header on, as pandas reads them (blank lines skipped; a lone
    carriage return ends a record, as it does for pandas)."""
    lines = io.StringIO(text, newline="").readlines()
    numbers = list(itertools.accumulate((line.count("\n") for line in lines), initial=1))
    reader = csv.reader(lines, delimiter=delimiter, skipinitialspace=True)
    spans: list[tuple[int, int]] = []
    last = 0
    try:
        for record in reader:
            first, last = last + 1, reader.line_num
            if first > header and _read_by_pandas(record):
                spans.append((numbers[first - 1], numbers[last - 1]))
    except csv.Error:
        return []
    return spans


def _layout(sample: str) -> tuple[str, int]:
    """The delimiter, and how many title lines come before the header.

    The delimiter is sniffed among comma, semicolon, tab and pipe, from the top or, when
    title lines above the header confuse the sniffer, from a few lines further down. The
    header is the first line with at least as many cells as most lines have and at least
    two of them filled: a title ("Walkabout export", even padded with empty cells as Excel
    saves it) has one filled, and a narrower line is not the table's.
    """
    lines = sample.splitlines()[:30]
    if len(sample) == 20_000 and len(lines) > 1:
        lines = lines[:-1]  # the last line of a cut sample may be cut short
    for start in range(min(10, max(len(lines) - 1, 1))):
        try:
            delimiter = csv.Sniffer().sniff("\n".join(lines[start:]), delimiters=",;\t|").delimiter
        except csv.Error:
            continue
        header = _header_line(lines, delimiter)
        if header is not None:
            return delimiter, header
    return ",", _header_line(lines, ",") or 0


def _header_line(lines: list[str], delimiter: str) -> int | None:
    """The index of the header among ``lines``; ``None`` when no line looks like one."""
    try:
        rows = list(csv.reader(lines, delimiter=delimiter))
    except csv.Error:
        return None
    widths = Counter(len(row) for row in rows if row)
    if not widths:
        return None
    # the table's width: the commonest, the wider on a tie (a title and a header alone)
    width = max(widths, key=lambda n: (widths[n], n))
    if width < 2:
        return 0
    for number, row in enumerate(rows[:10]):
        # at least as wide: exports that leave out trailing empty cells make rows narrower
        if len(row) >= width and sum(1 for cell in row if cell.strip()) >= 2:
            return number
    return None


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def fold_name(name: str) -> str:
    """Fold a column name for matching: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", str(name).lower())


def find_column(
    columns: Iterable[str],
    candidates: Sequence[str],
    *,
    truncated: bool = True,
) -> str | None:
    """Find the column among ``columns`` that matches one of ``candidates``.

    Matching ignores case, spaces and punctuation. With ``truncated``, a column name of 6 or
    more characters that is the start of a candidate also matches (shapefiles cut field
    names at 10 characters: ``IMPLEMENTA`` for ``implementation_date``). Candidates are
    tried in order, so put the most specific first.
    """
    folded = {fold_name(c): c for c in columns}
    for candidate in candidates:
        key = fold_name(candidate)
        if key in folded:
            return folded[key]
    if truncated:
        for candidate in candidates:
            key = fold_name(candidate)
            for name, original in folded.items():
                if len(name) >= 6 and key.startswith(name):
                    return original
    return None


def resolve_fields(
    path: Path,
    columns: Sequence[str],
    candidates: Mapping[str, Sequence[str]],
    given: Mapping[str, str] | None,
    *,
    truncated: bool = True,
) -> dict[str, str | None]:
    """Map each role (``name``, ``status``...) to a column of the file.

    ``given`` (from the user) wins and must name real columns; other roles are found among
    ``candidates`` (cut to 10 characters too, with ``truncated``: see :func:`find_column`).
    Raises :class:`ConfigError` for an unknown role and :class:`InputFileError` for a
    missing column.
    """
    given = dict(given or {})
    unknown = sorted(set(given) - set(candidates))
    if unknown:
        raise ConfigError(
            f"Unknown field role(s) {', '.join(map(repr, unknown))}; "
            f"the roles are {', '.join(candidates)}."
        )
    resolved: dict[str, str | None] = {}
    for role, names in candidates.items():
        if role in given:
            match = find_column(columns, [given[role]], truncated=False)
            if match is None:
                raise InputFileError(
                    path,
                    f"There is no column {given[role]!r} for the {role} "
                    f"({option('fields', given[role], role=role)})",
                    fix=f"Use one of: {', '.join(map(quoted, columns))}.",
                )
            resolved[role] = match
        else:
            resolved[role] = find_column(columns, names, truncated=truncated)
    return resolved


def parse_crs(value: object, *, what: str = "--crs") -> CRS:
    """Read a CRS the user named (``EPSG:27700``, ``27700``, a WKT or PROJ string)."""
    try:
        return CRS.from_user_input(value)
    except CRSError:
        raise ConfigError(
            f"{what} {value!r} is not a coordinate reference system I know. "
            "Use an EPSG code such as EPSG:27700 (British National Grid) or EPSG:4326."
        ) from None


def looks_like_bng(bounds: Sequence[float] | np.ndarray) -> bool:
    """True when bounds can only be British National Grid metres (not degrees)."""
    minx, miny, maxx, maxy = bounds
    in_bng = (
        BNG_BOUNDS[0] <= minx
        and maxx <= BNG_BOUNDS[2]
        and BNG_BOUNDS[1] <= miny
        and maxy <= BNG_BOUNDS[3]
    )
    return in_bng and (abs(maxx) > 1000 or abs(maxy) > 1000)


#: Longitude/latitude of the whole world.
_WORLD_DEGREES = (-180.0, -90.0, 180.0, 90.0)


def crs_of_wkt_numbers(geometries: gpd.GeoSeries) -> tuple[str | None, str]:
    """The CRS of shapes read from WKT text a file names no CRS for (a CSV's WKT column),
    from their numbers: longitude and latitude in degrees are EPSG:4326, metres in the
    National Grid's range EPSG:27700; ``(None, "")`` for anything else (no CRS is guessed).
    The text says why, for the import's notes.

    >>> import shapely
    >>> crs_of_wkt_numbers(gpd.GeoSeries([shapely.Point(358000, 417000)]))[0]
    'EPSG:27700'
    """
    present = geometries[~(geometries.isna() | geometries.is_empty)]
    if not len(present):
        return None, ""
    west, south, east, north = present.total_bounds
    world = _WORLD_DEGREES
    if world[0] <= west and east <= world[2] and world[1] <= south and north <= world[3]:
        return "EPSG:4326", "WKT in longitude/latitude degrees, read as EPSG:4326"
    if looks_like_bng(present.total_bounds):
        return "EPSG:27700", (
            "WKT in National Grid metres, read as British National Grid (EPSG:27700): they "
            "lie in its range and no CRS was given"
        )
    return None, ""


def to_working_crs(
    frame: gpd.GeoDataFrame,
    path: Path,
    *,
    crs: object = None,
    assume_bng: bool = False,
    working_crs: str | None = None,
    book: AccountBook | None = None,
) -> tuple[gpd.GeoDataFrame, str | None]:
    """Give ``frame`` a CRS and convert it to the working CRS.

    Parameters
    ----------
    frame
        As read from ``path``.
    path
        For messages.
    crs
        The CRS the user named for the file; overrides what the file declares.
    assume_bng
        Allow a file with no CRS, or one that declares longitude/latitude (as GeoJSON
        always does), whose coordinates can only be British National Grid to be read as
        EPSG:27700.
    working_crs
        Target CRS; defaults to :data:`settings.working_crs`.
    book
        Where to reject the rows of a longitude/latitude file whose coordinates are not
        degrees when most rows' are (without it, such rows make the whole file an error), and
        rows whose coordinates cannot be converted to the working CRS.

    Returns
    -------
    (frame, note)
        The converted frame and a note describing an assumption made, if any.
    """
    target = working_crs or settings.working_crs
    note = None
    if book is not None:
        frame = _reject_stray_degrees(frame, book, crs)
    valid = frame.geometry[~(frame.geometry.isna() | frame.geometry.is_empty)]
    bounds = valid.total_bounds if len(valid) else np.array([0.0, 0.0, 0.0, 0.0])
    if crs is not None:
        frame = frame.set_crs(parse_crs(crs), allow_override=True)
    elif frame.crs is None:
        if assume_bng and len(valid) and looks_like_bng(bounds):
            frame = frame.set_crs("EPSG:27700")
            note = (
                "No CRS declared; the coordinates can only be British National Grid (EPSG:27700)."
            )
        else:
            hint = (
                " The coordinates look like British National Grid metres: "
                f"{option('crs', 'EPSG:27700')}."
                if len(valid) and looks_like_bng(bounds)
                else f" For longitude/latitude use {option('crs', 'EPSG:4326')}."
            )
            raise MissingCRSError(
                path,
                "The file does not say which coordinate reference system it uses",
                fix=f"Name it with {option('crs')}." + hint,
            )
    in_degrees = (
        bounds[0] >= -180.5 and bounds[2] <= 180.5 and bounds[1] >= -90.5 and bounds[3] <= 90.5
    )
    if frame.crs is not None and frame.crs.is_geographic and len(valid) and not in_degrees:
        if assume_bng and crs is None and looks_like_bng(bounds):
            note = (
                f"The file says its coordinates are longitude/latitude ({frame.crs.name}) but "
                "they can only be British National Grid metres: read as EPSG:27700."
            )
            return frame.set_crs("EPSG:27700", allow_override=True).to_crs(target), note
        hint = " They look like British National Grid metres." if looks_like_bng(bounds) else ""
        said = (
            f"{option('crs', str(crs))} names longitude/latitude"
            if crs is not None
            else "The file says its coordinates are longitude/latitude"
        )
        raise InputFileError(
            path,
            f"{said} ({frame.crs.name}) but the coordinates run to {bounds[2]:.10g}, "
            f"{bounds[3]:.10g}, which are not degrees.{hint}",
            fix=f"Name the real CRS, for example {option('crs', 'EPSG:27700')}"
            + (f" (or {option('assume_bng')})." if looks_like_bng(bounds) else "."),
        )
    if frame.crs is not None and frame.crs.is_geographic and len(valid):
        frame, turned = _latitude_first(frame, valid, target)
        if turned and book is not None:
            book.repair_many(frame.index.to_series(), turned, field="geometry", whole_file=True)
        elif turned:
            note = turned
    converted = frame.to_crs(target)
    if book is not None and len(converted):
        lost = ~np.isfinite(converted.geometry.bounds.to_numpy()).all(axis=1)
        lost &= ~(converted.geometry.isna() | converted.geometry.is_empty).to_numpy()
        for row in converted.index[lost]:
            book.reject(
                row,
                f"The coordinates cannot be converted to the working CRS ({target}): they lie "
                "far outside the area it covers. Check them.",
                field="geometry",
            )
        converted = converted[~lost]
    return converted, note


#: The share of a file's places that must lie in the UK read the other way round, when
#: none does as written, for its coordinates to be taken as written latitude first.
LATITUDE_FIRST_SHARE = 0.8


def _latitude_first(
    frame: gpd.GeoDataFrame, valid: gpd.GeoSeries, target: str
) -> tuple[gpd.GeoDataFrame, str | None]:
    """A file of longitude/latitude whose coordinates were written latitude first (GeoJSON
    is longitude first; some tools write it the other way round): turned, with why, when
    the project is in Britain, no place lies in the UK as written and nearly all do turned;
    else the frame as it is and ``None``."""
    if parse_crs(target).to_epsg() != 27700:
        return frame, None
    points = valid.representative_point()
    x, y = points.x.to_numpy(), points.y.to_numpy()
    if share_in_uk(x, y) > 0 or share_in_uk(y, x) < LATITUDE_FIRST_SHARE:
        return frame, None
    turned = frame.copy()
    turned.geometry = shapely.transform(frame.geometry.values, lambda xy: xy[:, ::-1])
    return turned, (
        "The coordinates are written latitude first (GeoJSON and KML give longitude first): "
        f"as written the places lie around latitude {np.nanmean(y):.2f}, longitude "
        f"{np.nanmean(x):.2f}, far from the UK, and the other way round in the UK, so each "
        "was read so. Export the file again with longitude first."
    )


def _reject_stray_degrees(
    frame: gpd.GeoDataFrame, book: AccountBook, crs: object
) -> gpd.GeoDataFrame:
    """In a file of longitude/latitude, reject the few rows whose coordinates are not
    degrees; when most are not, the file's CRS is wrong, which :func:`to_working_crs` says."""
    declared = parse_crs(crs) if crs is not None else frame.crs
    if declared is None or not declared.is_geographic or frame.empty:
        return frame
    bounds = frame.geometry.bounds
    present = bounds.notna().all(axis=1)
    degrees = (
        (bounds["minx"] >= -180.5)
        & (bounds["maxx"] <= 180.5)
        & (bounds["miny"] >= -90.5)
        & (bounds["maxy"] <= 90.5)
    )
    stray = present & ~degrees
    if not stray.any() or stray.sum() * 2 >= present.sum():
        return frame
    for row in frame.index[stray]:
        box = bounds.loc[row]
        book.reject(
            row,
            f"The coordinates ({box['maxx']:.10g}, {box['maxy']:.10g}) are not longitude and "
            "latitude in degrees, as the rest of the file's are. Check them.",
            field="geometry",
        )
    return frame[~stray]


def require_columns(
    path: Path, columns: Sequence[str], needed: Mapping[str, Sequence[str]]
) -> dict[str, str]:
    """Find required columns (role -> candidates); one error listing every missing role."""
    found: dict[str, str] = {}
    missing: list[str] = []
    for role, names in needed.items():
        column = find_column(columns, names, truncated=False)
        if column is None:
            missing.append(f"{role} (one of {', '.join(map(repr, names[:4]))})")
        else:
            found[role] = column
    if missing:
        raise InputFileError(
            path,
            f"Required columns are missing: {'; '.join(missing)}",
            fix=f"The file has: {', '.join(map(quoted, columns))}. Rename a column, or map it "
            f"with {option('fields')}.",
        )
    return found


def check_buffer_m(value: object, *, what: str = "buffer_m") -> float | None:
    """``value`` as a distance around the zones in metres (``None`` stays ``None``).

    Raises :class:`ConfigError`, naming ``what`` and the range, for a value that is not a
    number, is NaN or infinite, or lies outside :data:`BUFFER_RANGE_M`.
    """
    if value is None:
        return None
    low, high = BUFFER_RANGE_M
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if number is None or not math.isfinite(number) or not low <= number <= high:
        raise ConfigError(
            f"{what} = {value!r} should be the metres around the zones to keep: a number "
            f"from {low:g} to {high:g}."
        )
    return float(number)


def check_working_crs(working_crs: object) -> str:
    """Refuse a geographic working CRS: lengths and areas need a projected one."""
    crs = parse_crs(working_crs, what="The working CRS")
    if not crs.is_projected:
        raise ConfigError(
            f"The working CRS {working_crs!r} is not projected, so lengths and areas would be "
            "in degrees. Use a projected CRS such as EPSG:27700."
        )
    return str(working_crs)
