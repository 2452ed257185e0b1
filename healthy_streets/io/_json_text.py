"""JSON text that GDAL would damage without a word: NUL characters, which cut a text short
(``"Nul\\u0000Byte Zone"`` read as ``"Nul"``), and bytes that are not UTF-8 (a file that mixes
UTF-8 with Windows-1252 pasted from a spreadsheet), which make GDAL refuse the whole file.

Such a file is read here, through Python's JSON reader: each run of bytes that is not UTF-8
as Windows-1252 (cp1252), as the CSV reader reads a line of them, and NUL characters removed;
each feature (or request) whose text was repaired is named, with what was done. The mended
JSON is handed to GDAL as it would have read a clean file.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

#: What was done to a feature's text, in the words the CSV reader uses for a row.
NUL_REMOVED = "NUL characters (a damaged or binary file) were removed"
READ_AS_CP1252 = (
    "bytes that are not UTF-8, unlike the rest of the file, were read as Windows-1252 (cp1252)"
)
#: Marks the start and the end of a run of bytes read as Windows-1252 while the text is
#: read (Unicode noncharacters, which no text exchanged holds; removed again).
_RUN_START, _RUN_END = "\ufdd0", "\ufdd1"
_RUN = re.compile(f"{_RUN_START}[^{_RUN_END}]*{_RUN_END}")
_MARKS = re.compile(f"[{_RUN_START}{_RUN_END}]")
_ERRORS = "healthy_streets.cp1252_runs"
#: ``\u0000`` in JSON text (not ``\\u0000``, a backslash written out and then ``u0000``).
_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def _cp1252_run(error: UnicodeError) -> tuple[str, int]:
    """The decoding error handler: a run of bytes that is not UTF-8, as Windows-1252,
    marked."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    run = error.object[error.start : error.end]
    try:
        text = run.decode("cp1252")
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        text = run.decode("latin-1")
    return f"{_RUN_START}{text}{_RUN_END}", error.end


codecs.register_error(_ERRORS, _cp1252_run)


@dataclass
class MendedJson:
    """JSON text read in Python, mended.

    Attributes
    ----------
    data
        The mended JSON, as UTF-8 bytes (ASCII: every other character escaped).
    repairs
        Feature number (from 1, in the file's order) -> what was done to its text.
    notes
        What was done to text outside the features (field names, the file's own name) and
        to the file as a whole.
    """

    data: bytes
    repairs: dict[int, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def needs_mending(path: Path) -> bool:
    """Whether a JSON file holds a NUL character (raw or written ``\\u0000``) or bytes
    that are not UTF-8; read a block at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    tail = b""
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            if b"\x00" in block or _NUL_ESCAPE.search(tail + block):
                return True
            tail = block[-16:]
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                return True
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return True
    return False


def mend_json(path: Path) -> MendedJson | None:
    """The JSON of ``path`` with its text mended (see the module's notes), or ``None`` when
    it is not JSON that Python reads (GDAL's reading says what is wrong)."""
    data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    text = data.decode("utf-8", errors=_ERRORS)
    mixed = _RUN_START in text and not _RUN.sub("", text).isascii()
    notes: list[str] = []
    try:
        value = json.loads(text, strict=False)  # strict=False: a raw NUL within a text
    except RecursionError:  # nested too deeply for Python: GDAL's reading says so
        return None
    except json.JSONDecodeError:
        if "\x00" not in text:
            return None
        try:  # NUL bytes between the values, where no text is: removed, the file noted
            value = json.loads(text.replace("\x00", ""), strict=False)
        except json.JSONDecodeError:
            return None
        notes.append("NUL bytes between the file's values were removed.")
    # a file all in cp1252 is said once, below; a run in a file of UTF-8, feature by feature
    said_of = {"nul", "run"} if mixed else {"nul"}
    repairs: dict[int, str] = {}
    for number, feature in enumerate(_features(value), start=1):
        found = mend_text(feature) & said_of
        if found:
            repairs[number] = repair_sentence(found)
    outside = mend_text(value) & said_of  # the features are mended: the rest is outside them
    if outside:
        said = repair_sentence(outside).removesuffix("; check the row's text.")
        notes.append(f"In text outside the features (field names, the file's name): {said}.")
    if _RUN_START in text and not mixed:
        notes.append(
            "The file's text is not UTF-8, as GeoJSON and JSON should be: it was read as "
            "Windows-1252 (cp1252), as Excel on Windows writes it; check names with accents "
            "and quotes."
        )
    out = json.dumps(value, ensure_ascii=True, allow_nan=True).encode("ascii")
    return MendedJson(out, repairs, notes)


def repair_sentence(found: set[str]) -> str:
    """What :func:`mend_text` did, as the reason of a row's repair."""
    parts = [NUL_REMOVED] if "nul" in found else []
    if "run" in found:
        parts.append(READ_AS_CP1252)
    text = "; ".join(parts)
    return f"{text[0].upper()}{text[1:]}; check the row's text."


def _features(value: object) -> Iterator[object]:
    """The features of a GeoJSON value, in the order GDAL numbers them (a lone Feature is
    feature 1)."""
    if isinstance(value, dict):
        if value.get("type") == "Feature":
            yield value
        elif isinstance(value.get("features"), list):
            yield from value["features"]


def mend_text(value: object, *, runs: bool = True) -> set[str]:
    """Mend, in place, the text of a decoded JSON object or list (keys too): NUL characters
    removed and, with ``runs`` (text read by :func:`mend_json`), the marks of runs read as
    cp1252 taken off. Say what was found: ``"nul"``, ``"run"``."""
    found: set[str] = set()

    def text(s: str) -> str:
        if "\x00" in s:
            found.add("nul")
            s = s.replace("\x00", "")
        if runs and (_RUN_START in s or _RUN_END in s):
            found.add("run")
            s = _MARKS.sub("", s)
        return s

    stack: list[object] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            entries = list(item.items())
            item.clear()
            for key, inner in entries:
                item[text(key)] = text(inner) if isinstance(inner, str) else inner
                if isinstance(inner, dict | list):
                    stack.append(inner)
        elif isinstance(item, list):
            for index, inner in enumerate(item):
                if isinstance(inner, str):
                    item[index] = text(inner)
                elif isinstance(inner, dict | list):
                    stack.append(inner)
    return found
