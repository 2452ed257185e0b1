"""Resident reports: FixMyStreet CSV exports, Open311 GeoReport v2, council CRM exports.

Columns are matched by header name, never by position, so older exports missing columns and
council exports with extra ones both load. A council's own CSV has its columns found by
header (``Ref``, ``Kind``, ``Type``, ``ReceivedDate``...) and, where no header says, by
content (dates that read, categories the taxonomy knows, statuses, a FixMyStreet report
link that holds the report's id); every guess is said in the import's notes.

Times with an offset (``+01:00``, ``Z``, or ``UTC``, ``GMT`` or ``BST`` after them) are
exact; times without one are UK time. Where the clocks change, such a time is read as the
clocks moved: in the hour that comes twice when they go back, as the first time round (BST);
in the hour skipped when they go forward, an hour later. The notes say how many reports'
times were read so, and which (:func:`parse_report_dates`).

Names, emails, phone numbers and staff names never leave this module: only the columns of
the ``reports`` layer are kept, and emails, phone numbers, home addresses and people's names
written inside titles and descriptions are removed (:mod:`healthy_streets.model.privacy`).
Reports outside the project area are set apart with their distance, not rejected.

Reports FixMyStreet never publishes are left out: a status (FixMyStreet's ``state``) of
``hidden`` (hidden by its moderators, often because the report holds personal data or
abuse), ``unconfirmed`` (the reporter never confirmed it by email) or ``partial`` (never
completed) rejects the row with that reason (:data:`UNPUBLISHED_STATES`), in every reader
(a FixMyStreet export, Open311, a council's CSV). Only the row, its report id and the reason
are recorded: its title, text and category are used nowhere, so they reach no layer, note,
``rejected.csv`` or store. Other statuses map to ``open``, ``fixed`` or ``closed``
(:data:`REPORT_STATUSES`); an unknown one is counted as open, a repair that says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple, TypedDict
from xml.etree import ElementTree

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from typing_extensions import Unpack

from healthy_streets import settings
from healthy_streets._audience import option
from healthy_streets.errors import ConfigError, InputFileError
from healthy_streets.io._columns import category_by_values, record_guesses
from healthy_streets.io._common import (
    all_match,
    blank_cells,
    check_input,
    crs_of_wkt_numbers,
    decode_text,
    find_column,
    note_reading,
    read_header,
    read_table,
    reject_bad_rows,
)
from healthy_streets.io._coords import (
    COORDINATE_COLUMNS,
    coordinate_guesses,
    find_coordinate_columns,
    lat_lon_pair_columns,
    points_from_table,
)
from healthy_streets.io._frames import (
    frame_or_file,
    geometry_of,
    is_frame,
    refuse_no_crs,
    text_table,
)
from healthy_streets.io._json_text import mend_text, repair_sentence
from healthy_streets.io._roles import (
    NOTHING_LIKE_IT,
    Guess,
    Role,
    Roles,
    find_roles,
    header_matches,
)
from healthy_streets.io._spatial import frame_from_wkt_table, read_spatial
from healthy_streets.io.assets import place_features, read_excel_table
from healthy_streets.model.account import AccountBook, ImportResult
from healthy_streets.model.dates import EXCEL_SERIAL_DATES, column_date_order, excel_serial_date
from healthy_streets.model.layers import REPORTS, conform
from healthy_streets.model.privacy import (
    is_person_column,
    is_personal_column,
    names_remover,
    person_columns,
    plain_ids,
    quoted,
    redact_series,
    remove_names,
    scrub_value,
)
from healthy_streets.model.taxonomy import (
    RESPONSIBLE_TIER,
    Taxonomy,
    match_notes,
    report_taxonomy,
)
from healthy_streets.model.vocabulary import REPORT_FORMATS, words

__all__ = [
    "CSV_COLUMNS",
    "CSV_ROLES",
    "FIXMYSTREET_COLUMNS",
    "OPEN311_COLUMNS",
    "REPORT_STATUSES",
    "UNPUBLISHED_STATES",
    "drop_duplicate_reports",
    "read_reports",
    "reports_from_csv",
    "reports_from_fixmystreet",
    "reports_from_open311",
    "status_from_text",
    "unpublished_state",
]

TIMEZONE = "Europe/London"

#: Report status text (folded to lower case) -> ``open``, ``fixed`` or ``closed``.
REPORT_STATUSES: dict[str, str] = {
    **dict.fromkeys(
        [
            "open",
            "confirmed",
            "investigating",
            "in progress",
            "planned",
            "action scheduled",
            "acknowledged",
            "reported",
            "new",
            "submitted",
            "received",
            "assigned",
            "under investigation",
            "awaiting action",
            "in hand",
            "response target passed",
            "resolution target passed",
        ],
        "open",
    ),
    **dict.fromkeys(
        [
            "fixed",
            "fixed - user",
            "fixed - council",
            "fixed by user",
            "fixed by council",
            "resolved",
            "completed",
            "complete",
            "done",
            "cleared",
            "removed",
        ],
        "fixed",
    ),
    **dict.fromkeys(
        [
            "closed",
            "unable to fix",
            "not responsible",
            "duplicate",
            "internal referral",
            "not councils responsibility",
            "no further action",
            "nfa",
            "withdrawn",
            "rejected",
            "cancelled",
            "no action required",
        ],
        "closed",
    ),
}

#: The states of reports FixMyStreet never publishes (its ``hidden_states``: ``hidden``,
#: ``unconfirmed``, ``partial``) -> why such a report is left out. A row in one of them is
#: rejected with that reason, and only its row, id and reason are recorded: its title and
#: text are not kept, in the layer or in the rejected rows.
UNPUBLISHED_STATES: dict[str, str] = {
    "hidden": (
        "FixMyStreet's moderators hid it (often because it holds personal data or abuse), "
        "and it is never published"
    ),
    "unconfirmed": (
        "its reporter never confirmed it by email, and FixMyStreet publishes only confirmed "
        "reports, so it is not counted as a report"
    ),
    "partial": (
        "its reporter started it but never completed it, and FixMyStreet does not publish "
        "it, so it is not counted as a report"
    ),
}

#: Roles of a report table -> the FixMyStreet CSV export's header names.
FIXMYSTREET_COLUMNS: dict[str, tuple[str, ...]] = {
    "report_id": ("Report ID", "id"),
    "title": ("Title",),
    "detail": ("Detail", "Details", "Description"),
    "category": ("Category",),
    "subcategory": ("Subcategory", "Sub-category", "Sub category"),
    "created": ("Created",),
    "confirmed": ("Confirmed",),
    "fixed": ("Fixed",),
    "status": ("Status", "State"),
}

#: Roles -> Open311 GeoReport v2 field names (FixMyStreet's extras included).
OPEN311_COLUMNS: dict[str, tuple[str, ...]] = {
    "report_id": ("service_request_id",),
    "title": ("title",),
    "detail": ("detail", "description"),
    "category": ("service_name", "service_code"),
    "subcategory": ("group",),
    "created": ("requested_datetime",),
    "confirmed": (),
    "fixed": (),
    "status": ("status",),
}

#: How the error for a table that lacks a category, a date or coordinates begins.
MISSING_COLUMNS = "Columns needed for reports are missing"

#: Roles a council CRM CSV can map (``--map ROLE=COLUMN``), with the headers tried when
#: unmapped (council and open-data headings), most specific first.
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "report_id": (
        "report_id",
        "reference",
        "ref",
        "case_ref",
        "case_reference",
        "case_number",
        "case_no",
        "case_id",
        "enquiry_number",
        "enquiry_no",
        "enquiry_ref",
        "request_id",
        "request_number",
        "request_no",
        "service_request_id",
        "service_request_number",
        "service_request_no",
        "sr_number",
        "job_number",
        "job_no",
        "job_ref",
        "reference_number",
        "reference_no",
        "ref_no",
        "fault_number",
        "fault_ref",
        "incident_id",
        "incident_number",
        "id",
    ),
    "title": ("title", "summary", "subject"),
    "detail": ("detail", "details", "description", "notes", "comments"),
    "category": (
        "category",
        "service",
        "service_name",
        "enquiry_type",
        "service_request_type",
        "request_type",
        "complaint_type",
        "problem_type",
        "issue_type",
        "kind",
        "type",
        "issue",
        "problem",
    ),
    "subcategory": ("subcategory", "sub_category", "sub_type", "subtype", "type", "detail_type"),
    "created": (
        "created",
        "date_created",
        "created_date",
        "created_at",
        "creation_date",
        "reported",
        "date_reported",
        "reported_date",
        "received",
        "received_date",
        "date_received",
        "logged",
        "date_logged",
        "logged_date",
        "logged_on",
        "opened",
        "date_opened",
        "requested_datetime",
        "reported_at",  # the reports layer's own, read again
        "date",
    ),
    "confirmed": ("confirmed",),
    "fixed": (
        "fixed",
        "date_fixed",
        "resolved",
        "date_resolved",
        "completed",
        "date_completed",
        "closed_date",
        "date_closed",
        "fixed_at",
    ),
    "status": ("status", "state", "case_status", "current_status"),
}

_ISO_LIKE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}")
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})\s*$")
#: A zone written after a time: UTC and GMT (+00:00), BST (British Summer Time, +01:00).
_ZONE_WORD = re.compile(r"\s*\b(UTC|GMT|BST)\s*$", re.IGNORECASE)
_ZONE_OFFSETS = {"UTC": "+00:00", "GMT": "+00:00", "BST": "+01:00"}
#: A time in another format than ISO 8601 with an offset after it ("26/10/2025 01:30 GMT",
#: its word made an offset first): the text before the offset, and the offset.
_TIME_THEN_OFFSET = re.compile(
    r"^(?P<text>.*\d:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AP]M)?)\s*"
    r"(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})$",
    re.IGNORECASE,
)
#: ISO 8601 local times as exports write them ("2019-11-01T00:01:00"): no spaces around,
#: no offset; a column of only these is read in one call.
_PLAIN_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?+)?+)?+")
_UK_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %I:%M:%S %p",
    "%d/%m/%Y %I:%M %p",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d/%m/%y %H:%M",
    "%d/%m/%y",
    # month names, as CRM and database exports write them: "31-Jul-2016 14:03", "31 July 2016"
    "%d-%b-%Y %H:%M:%S",
    "%d-%b-%Y %H:%M",
    "%d-%b-%Y",
    "%d-%b-%y %H:%M",
    "%d-%b-%y",
    "%d %b %Y %H:%M:%S",
    "%d %b %Y %H:%M",
    "%d %b %Y",
    "%d %B %Y %H:%M",
    "%d %B %Y",
    # year first with slashes (never month first): "2016/07/31 14:03:00"
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)
#: The same formats month first (US order: "03/19/2018 11:56:00 AM"), for a column whose
#: dates are read month first.
_US_FORMATS = tuple(
    re.sub(r"%d([/.-])%m", r"%m\1%d", fmt) for fmt in _UK_FORMATS if re.search(r"%d[/.-]%m", fmt)
)
#: The formats tried in each order: the numeric ones, then those with a month name or the
#: year first (read the same either way).
_FORMATS = {
    "dmy": _UK_FORMATS,
    "mdy": _US_FORMATS + tuple(f for f in _UK_FORMATS if not re.search(r"%d[/.-]%m", f)),
}


class ReportOptions(TypedDict, total=False):
    """Options every reports importer takes.

    Attributes
    ----------
    area
        The project area in the working CRS; reports outside it are set apart (counted in
        ``result.outside`` with their distance), not rejected.
    taxonomy
        The report taxonomy (with a project's own synonyms); default the standard one.
    tiers
        Category key -> ``county`` or ``district``, overriding :data:`RESPONSIBLE_TIER`.
    working_crs
        The CRS of the layer (default :data:`settings.working_crs`).
    date_order
        How numeric dates are read: ``"dmy"`` day first (UK), ``"mdy"`` month first (US).
        ``None`` decides for each date column from its values (month first when some can
        only be month first, "03/19/2018", and none only day first), said in the notes with
        what decided it ("1 of 5 values (like 19/03/2018) has a day above 12"). The notes
        also count the reports whose date fixed comes before the date they were made: kept
        as written, left out of ``median_days_to_fix``.
    """

    area: shapely.Geometry | None
    taxonomy: Taxonomy | None
    tiers: Mapping[str, str] | None
    working_crs: str | None
    date_order: str | None


def status_from_text(text: object) -> str | None:
    """``open``, ``fixed`` or ``closed`` from a report's status text; None if unknown, or
    a state FixMyStreet never publishes (:func:`unpublished_state`).

    >>> status_from_text("Fixed - Council"), status_from_text("action scheduled")
    ('fixed', 'open')
    """
    folded = _folded_status(text)
    if folded is None:
        return None
    if folded in REPORT_STATUSES:
        return REPORT_STATUSES[folded]
    for prefix, status in (("fixed", "fixed"), ("closed", "closed"), ("open", "open")):
        if folded.startswith(prefix):
            return status
    return None


def unpublished_state(text: object) -> str | None:
    """The state, when ``text`` is one FixMyStreet never publishes (``hidden``,
    ``unconfirmed``, ``partial``: :data:`UNPUBLISHED_STATES`); else None.

    >>> unpublished_state(" Hidden"), unpublished_state("confirmed")
    ('hidden', None)
    """
    folded = _folded_status(text)
    return folded if folded in UNPUBLISHED_STATES else None


def _folded_status(text: object) -> str | None:
    """A status as the statuses are looked up: in small letters, spaces run together, no
    apostrophe; None for a cell that is not text."""
    if not isinstance(text, str):
        return None
    return re.sub(r"\s+", " ", text.strip().lower().replace("’", "").replace("'", ""))


def _is_status(text: str) -> bool:
    """A status the toolkit knows, or a state of a report FixMyStreet does not publish."""
    return status_from_text(text) is not None or unpublished_state(text) is not None


def parse_report_dates(values: pd.Series, *, date_order: str = "dmy") -> pd.Series:
    """Dates as ISO 8601 or UK day-first text ("19/03/2018", "31-Jul-2016", "31 July 2016"),
    with or without a time, in Europe/London; numeric dates month first with
    ``date_order="mdy"`` ("03/19/2018", US order).

    Text with an offset (``+01:00``, ``Z``, or ``UTC``, ``GMT`` or ``BST`` written after
    it: "2010-07-04 19:00:35 UTC", "26/10/2025 01:30 GMT") is that moment exactly. Text
    without one is UK time, and where the clocks change it is read as they moved: a time in
    the hour that comes twice when they go back (01:00 to 02:00 on the last Sunday of
    October) is the first time round, in British Summer Time ("2025-10-26 01:30" is 00:30
    UTC; write "+00:00" or "GMT" after the second); a time in the hour skipped when they go
    forward (01:00 to 02:00 on the last Sunday of March), which no clock showed, is read an
    hour later ("2025-03-30 01:30" is 02:30 BST, 01:30 UTC). The readers of reports say in
    their notes which reports' times were read so. Fractions of a second finer than a
    millisecond are cut to the millisecond. UK times may be written with AM/PM
    ("19/03/2018 11:56:00 AM"). Unreadable text gives NaT.

    >>> dates = parse_report_dates(pd.Series(["2025-10-26 01:30", "2025-10-26 01:30 GMT"]))
    >>> dates.dt.tz_convert("UTC").dt.strftime("%H:%M UTC").tolist()
    ['00:30 UTC', '01:30 UTC']
    """
    return _read_dates(values, date_order=date_order).dates


class _LocalTimes(NamedTuple):
    """Dates read (:func:`parse_report_dates`), with the rows whose time, written with no
    offset, fell where the clocks changed."""

    #: The dates, in Europe/London, to the millisecond (NaT where unreadable).
    dates: pd.Series
    #: Rows whose time fell in the hour that came twice (read as the first, BST).
    repeated: pd.Index
    #: Rows whose time fell in the hour skipped in spring (read an hour later).
    skipped: pd.Index


#: How far the clocks move: a time in the hour skipped in spring is read this much later.
_CLOCK_CHANGE = pd.Timedelta(hours=1)


def _read_dates(values: pd.Series, *, date_order: str = "dmy") -> _LocalTimes:
    out = pd.Series(pd.NaT, index=values.index, dtype=f"datetime64[ms, {TIMEZONE}]")
    present = values.notna()
    if all_match(values[present], _PLAIN_ISO):  # the common export: read at once
        local = _localise(pd.to_datetime(values[present], format="ISO8601", errors="coerce"))
        out[present] = local.dates
        return local._replace(dates=out)
    repeated: list[pd.Index] = []
    skipped: list[pd.Index] = []

    def read_local(parsed: pd.Series) -> None:
        local = _localise(parsed)
        out[parsed.index] = local.dates
        repeated.append(local.repeated)
        skipped.append(local.skipped)

    text = values.astype("str").str.strip()
    worded = text.str[-3:].str.upper().isin(_ZONE_OFFSETS)  # a zone written: a few rows
    if worded.any():
        text[worded] = text[worded].str.replace(_ZONE_WORD, _zone_offset, regex=True)
    present = values.notna() & (text != "")
    iso = present & text.str.match(_ISO_LIKE)
    aware = iso & text.str.contains(_OFFSET)
    if aware.any():
        parsed = pd.to_datetime(text[aware], format="ISO8601", errors="coerce", utc=True)
        out[aware] = _to_ms(parsed)
    naive = iso & ~aware
    if naive.any():
        read_local(pd.to_datetime(text[naive], format="ISO8601", errors="coerce"))
    rest = present & ~iso
    ahead = _offsets_after_times(text, rest)  # "26/10/2025 01:30+00:00": read without it
    text[ahead.index] = text[ahead.index].str.replace(_TIME_THEN_OFFSET, r"\g<text>", regex=True)
    for fmt in _FORMATS[date_order]:
        if not rest.any():
            break
        parsed = pd.to_datetime(text[rest], format=fmt, errors="coerce")
        parsed = parsed[parsed.notna()]
        if len(parsed):
            exact = parsed.index.isin(ahead.index)
            if exact.any():  # the time and its offset: the moment
                at = parsed[exact]
                out[at.index] = _to_ms((at - ahead[at.index]).dt.tz_localize("UTC"))
            if not exact.all():
                read_local(parsed[~exact])
            rest = rest & ~rest.index.isin(parsed.index)
    return _LocalTimes(out, _joined(repeated), _joined(skipped))


def _zone_offset(match: re.Match[str]) -> str:
    return _ZONE_OFFSETS[match[1].upper()]


def _offsets_after_times(text: pd.Series, rows: pd.Series) -> pd.Series:
    """How far ahead of UTC the offsets written after the times of ``rows`` of ``text``
    are, for the rows that give one."""
    tail = text[rows].str[-6:]  # an offset's sign is in the last six characters
    signed = tail.str.contains("+", regex=False) | tail.str.contains("-", regex=False)
    parts = text[rows][signed].str.extract(_TIME_THEN_OFFSET).dropna()
    sign = parts["sign"].map({"+": 1, "-": -1})
    minutes = (parts["hours"].astype("int64") * 60 + parts["minutes"].astype("int64")) * sign
    return pd.to_timedelta(minutes, unit="min")


def _joined(indexes: list[pd.Index]) -> pd.Index:
    return indexes[0].append(indexes[1:]) if indexes else pd.Index([])


def _localise(parsed: pd.Series) -> _LocalTimes:
    """Naive UK times made aware, to the millisecond: a time in the hour that came twice
    when the clocks went back read as the first (BST), one in the hour skipped when they
    went forward an hour later (as the clocks moved); the rows of each said."""
    read = parsed.dt.tz_localize(TIMEZONE, ambiguous=True, nonexistent=_CLOCK_CHANGE)
    later = parsed.dt.tz_localize(TIMEZONE, ambiguous=False, nonexistent="NaT")
    skipped = parsed.notna() & later.isna()
    repeated = later.notna() & (read != later)
    return _LocalTimes(_to_ms(read), parsed.index[repeated], parsed.index[skipped])


def _to_ms(times: pd.Series) -> pd.Series:
    """Aware times cut to the millisecond, the layer's unit, in Europe/London
    ("11:56:00.123456" -> "11:56:00.123"). Cut in UTC, where every moment is one time:
    cut as local times, those of the hour that comes twice could not be placed again."""
    utc = times.dt.tz_convert("UTC").dt.floor("ms").dt.as_unit("ms")
    return utc.dt.tz_convert(TIMEZONE)


def looks_like_report_date(value: str) -> bool:
    """A date as :func:`parse_report_dates` reads it, day first or month first.

    >>> looks_like_report_date("19/03/2018 11:56:00 AM"), looks_like_report_date("Noise")
    (True, False)
    >>> looks_like_report_date("03/19/2018 11:56:00 AM")
    True
    """
    text = value.strip()
    if not _DATE_SHAPE.match(text):  # most values of most columns: quickly not dates
        return False
    if _ISO_LIKE.match(text):
        return bool(parse_report_dates(pd.Series([text])).notna().iloc[0])
    text = _ZONE_WORD.sub("", text)  # "26/10/2025 01:30 GMT": the time before the zone read
    zoned = _TIME_THEN_OFFSET.match(text)
    text = zoned["text"] if zoned else text
    for fmt in (*_UK_FORMATS, *_US_FORMATS):
        try:
            dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return True
    return False


#: The start of a date: day, month and year (or year, month and day) however separated, and
#: no digit after the last of them (a time may follow, after a space or ISO 8601's "T").
_DATE_SHAPE = re.compile(r"^\s*\d{1,4}[-/. ](?:\d{1,2}|[A-Za-z]{3,9})[-/. ]\d{2,4}(?!\d)")


_FMS_LINK = re.compile(r"^\s*https?://[^\s]*/report/(\d+)\b")


def report_id_from_link(value: str) -> str | None:
    """The report's id in a FixMyStreet report link, else ``None``.

    >>> report_id_from_link("https://www.fixmystreet.com/report/122878")
    '122878'
    """
    match = _FMS_LINK.match(value)
    return match[1] if match else None


def _header_roles(columns: Mapping[str, Sequence[str]]) -> tuple[Role, ...]:
    return tuple(Role(role, tuple(names)) for role, names in columns.items())


#: An Excel day number, with the time as a fraction of the day ("42963.4375").
_EXCEL_DAY = re.compile(r"\s*(\d{5})(\.\d+)?\s*")
# A value of the lines "\n".join(values) + "\n" that may be a day number (a line break first,
# so that the search skips from one line to the next).
_EXCEL_DAY_LINE = re.compile(r"\n[ \t]*\d{5}(?:\.\d+)?[ \t]*\n")


def _excel_day_time(value: object) -> str | None:
    """The ISO date and time an Excel day number stands for ("42963.4375" ->
    "2017-08-16T10:30:00"), for a day in :data:`EXCEL_SERIAL_DATES`; ``None`` otherwise."""
    match = _EXCEL_DAY.fullmatch(str(value)) if value is not None else None
    day = excel_serial_date(match[1]) if match else None
    if match is None or day is None:
        return None
    seconds = round(float(match[2] or 0) * 86400)
    return (dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)).isoformat()


def _looks_like_report_date_by_its_header(value: str) -> bool:
    """A date, or an Excel day number (a number in a column whose header names a date)."""
    return looks_like_report_date(value) or _excel_day_time(value) is not None


def _excel_days(values: pd.Series, column: str, book: AccountBook) -> pd.Series:
    """``values`` with Excel day numbers written as ISO dates and times, said in the notes:
    for a column that its header (or the user) names for a date, where a number is a day
    (as a spreadsheet that lost its cells' date format saves them)."""
    given = values.dropna()
    if not _EXCEL_DAY_LINE.search("\n" + "\n".join(map(str, given.tolist())) + "\n"):
        return values  # (one search of all the values: dates are not looked at one by one)
    days = values.map(_excel_day_time, na_action="ignore")
    found = days.notna()
    if not found.any():
        return values
    low, high = EXCEL_SERIAL_DATES
    first = values[found].iloc[0]
    count = int(found.sum())
    book.note(
        f"{count} {'date' if count == 1 else 'dates'} in {column!r} "
        f"{'is an Excel day number' if count == 1 else 'are Excel day numbers'} ({first} is "
        f"{dt.datetime.fromisoformat(days[found].iloc[0]):%d %b %Y %H:%M}), read as such because "
        f"the column's header names a date (only numbers for days from {low:%Y} to {high:%Y} "
        "are read this way). Check them, and save the column formatted as dates."
    )
    return values.where(~found, days)


#: The roles of a council CSV: found by header, else by content.
CSV_ROLES: tuple[Role, ...] = (
    Role(
        "report_id",
        CSV_COLUMNS["report_id"],
        split=report_id_from_link,
        what_split="a FixMyStreet report link",
    ),
    Role("category", CSV_COLUMNS["category"]),  # values judged by the taxonomy
    Role("subcategory", CSV_COLUMNS["subcategory"]),
    Role(
        "created",
        CSV_COLUMNS["created"],
        looks_like_report_date,
        share=0.8,
        what="read as dates",
        contradicts_below=0.5,
        content_by_header=_looks_like_report_date_by_its_header,
    ),
    Role("confirmed", CSV_COLUMNS["confirmed"]),
    Role("fixed", CSV_COLUMNS["fixed"]),
    Role(
        "status",
        CSV_COLUMNS["status"],
        _is_status,
        share=0.8,
        what="are statuses the toolkit knows",
    ),
    Role("title", CSV_COLUMNS["title"]),
    Role("detail", CSV_COLUMNS["detail"]),
)


def reports_from_fixmystreet(
    path: str | Path | pd.DataFrame, *, layer: str | None = None, **options: Unpack[ReportOptions]
) -> ImportResult:
    """Read a FixMyStreet CSV export into the ``reports`` layer.

    Columns are found by header name (``Report ID``, ``Category``, ``Subcategory``,
    ``Created``, ``Confirmed``, ``Fixed``, ``Status``, ``Title``, ``Detail``, ``Latitude``/
    ``Longitude``, else ``Easting``/``Northing``); others (``User Name``, ``Staff User``...)
    are never read. ``reported_at`` is Confirmed, else Created.

    Parameters
    ----------
    path
        The CSV file FixMyStreet exported (its dashboard's "Download as CSV"). Or a
        GeoDataFrame of the analyst's own (placed by its geometry, in any CRS it declares),
        or a DataFrame with coordinate columns, read as a file would be: the account and
        notes name it ``reports (a GeoDataFrame)``.
    layer
        The sheet, when the export was saved as an Excel workbook.
    **options
        ``area``, ``taxonomy``, ``tiers``, ``working_crs``: see :class:`ReportOptions`.

    Returns
    -------
    ImportResult
        ``.layer`` is the ``reports`` layer (``docs/layers.md``); ``.rejected`` holds the
        rows left out (a report FixMyStreet does not publish, a duplicate id, a date or a
        place that cannot be read) with the reason, ``.outside`` the reports beyond
        ``area``.

    Raises
    ------
    InputFileError
        When the file is missing, empty or not a table, or lacks a category, a date or
        coordinates (the message lists the columns it has).

    Examples
    --------
    >>> result = reports_from_fixmystreet("data/sample/reports_fixmystreet.csv")
    >>> print(result.summary())
    reports_fixmystreet.csv: 2682 rows: 2682 kept (0 repaired), 0 rejected.
    >>> result.layer.groupby(["category", "status"]).size().loc["dog_fouling"]
    status
    closed     716
    fixed     1286
    open       178
    dtype: int64
    """
    roles = tuple(_FMS_ID if role.name == "report_id" else role for role in _FMS_ROLES)
    path, table, places = _report_input(path, columns=_read_by_fixmystreet, sheet=layer)
    return _reports_from_table(path, table, roles, places=places, **options)


_FMS_ROLES = _header_roles(FIXMYSTREET_COLUMNS)
#: Exports that give no id column give each report's link, which holds it.
_FMS_LINKS = ("url", "link", "report_url", "report_link")
_FMS_ID = Role(
    "report_id",
    FIXMYSTREET_COLUMNS["report_id"],
    split=report_id_from_link,
    what_split="a FixMyStreet report link",
)


def _read_by_fixmystreet(column: str) -> bool:
    """Whether :func:`reports_from_fixmystreet` may read a column: one a header of its roles
    or of coordinates names, or a report link (its id, where no column gives it; the
    exports' other columns are never looked at), or one that names a person (whose names
    are cut out of the reports' text)."""
    synonyms = [*(h for names in FIXMYSTREET_COLUMNS.values() for h in names), *_FMS_LINKS]
    synonyms += [h for names in COORDINATE_COLUMNS.values() for h in names]
    return is_person_column(column) or any(header_matches(column, h) for h in synonyms)


def reports_from_csv(
    path: str | Path | pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    layer: str | None = None,
    **options: Unpack[ReportOptions],
) -> ImportResult:
    """Read any council CSV of reports, its columns found by header and content.

    Roles not given in ``columns`` are found by the header (council and open-data headings:
    ``Ref``, ``Kind``, ``Type``, ``ReceivedDate``...) or, where no header says, by the
    values: dates that read are the date, a column whose values the report taxonomy knows
    the category, known statuses the status, a FixMyStreet report link the id. Each report
    is placed by its coordinate columns, else by a WKT column (``WKT``, ``the_geom``...)
    whose CRS its numbers show. Every guess is said in the result's notes and kept in
    ``result.columns``.

    Parameters
    ----------
    path
        The CSV file. Or a GeoDataFrame of the analyst's own (placed by its geometry, in any
        CRS it declares), or a DataFrame with coordinate columns, read as a file would be:
        the account and notes name it ``reports (a GeoDataFrame)``.
    columns
        Role -> column name, for the roles ``report_id``, ``title``, ``detail``, ``category``,
        ``subcategory``, ``created``, ``confirmed``, ``fixed``, ``status`` and the
        coordinates ``lat``, ``lon``, ``easting``, ``northing``, ``grid_ref``: these win over
        the guesses.
    layer
        The sheet, when the file is an Excel workbook (default: its one sheet with data).
    **options
        ``area``, ``taxonomy``, ``tiers``, ``working_crs``: see :class:`ReportOptions`.

    Returns
    -------
    ImportResult
        ``.layer`` is the ``reports`` layer; ``.columns`` says which column played each
        role and why, ``.rejected`` which rows were left out and why.

    Raises
    ------
    InputFileError
        When ``columns`` names a column the file lacks, or no column holds a category, a
        date or coordinates (the message lists the columns it has).
    ConfigError
        When ``columns`` names a role that is not one of the above.

    Examples
    --------
    A council CRM's export (two reports, made here as the CRM would write them):

    >>> _ = (out / "crm_export.csv").write_text(
    ...     "Ref,Enquiry Type,Logged,Easting,Northing\\n"
    ...     "CRM-101,Dog fouling,03/02/2024,359529,417626\\n"
    ...     "CRM-102,Fly tipping,11/02/2024,358596,417629\\n"
    ... )
    >>> result = reports_from_csv(out / "crm_export.csv")
    >>> result.columns["category"]
    {'column': 'Enquiry Type', 'how': 'header', 'share': None}
    >>> result.layer[["report_id", "category", "reported_at"]]
      report_id     category               reported_at
    0   CRM-101  dog_fouling 2024-02-03 00:00:00+00:00
    1   CRM-102  fly_tipping 2024-02-11 00:00:00+00:00

    Naming the columns the guesses got wrong:

    >>> named = {"category": "Enquiry Type", "created": "Logged"}
    >>> result = reports_from_csv(out / "crm_export.csv", columns=named)
    >>> result.columns["created"]
    {'column': 'Logged', 'how': 'named by you', 'share': None}
    """
    path, table, places = _report_input(path, sheet=layer)
    given: dict[str, str] = {}
    coordinates: dict[str, str] = {}
    placed_by: dict[str, Guess] = {}
    for role, column in (columns or {}).items():
        if role in ("lat", "lon", "easting", "northing", "grid_ref"):
            coordinates[role] = column
        elif role in CSV_COLUMNS:
            if find_column(table.columns, [column], truncated=False) is None:
                raise InputFileError(
                    path,
                    f"There is no column {column!r} for {role}",
                    fix=f"The columns are: {', '.join(map(quoted, table.columns))}.",
                )
            given[role] = column
        else:
            raise ConfigError(
                f"Unknown role {role!r} in the column mapping; the roles are "
                f"{', '.join([*CSV_COLUMNS, 'lat', 'lon', 'easting', 'northing', 'grid_ref'])}."
            )
    if places is None and not find_coordinate_columns(list(table.columns), coordinates).any:
        wkt = _wkt_places(path, table)
        if wkt is not None:
            table, places, placed_by["geometry"] = wkt
    return _reports_from_table(
        path,
        table,
        CSV_ROLES,
        given=given,
        coordinates=coordinates,
        by_content=True,
        places=places,
        placed_by=placed_by,
        **options,
    )


def _wkt_places(
    path: Path, table: pd.DataFrame
) -> tuple[pd.DataFrame, gpd.GeoSeries, Guess] | None:
    """A table with no coordinate columns placed by its WKT column (``WKT``, ``the_geom``...),
    as assets are: the table without it, the places in the CRS their numbers show
    (longitude and latitude, or National Grid metres), and the guess said; ``None`` when
    the table has no WKT column."""
    frame = frame_from_wkt_table(path, table)
    if frame is None:
        return None
    column = str(frame.attrs["geometry_field"])
    crs, how = crs_of_wkt_numbers(frame.geometry)
    if crs is None:
        raise InputFileError(
            path,
            f"The reports are placed only by the WKT in {column!r}, whose numbers are neither "
            "longitude and latitude nor National Grid metres, so their CRS cannot be told",
            fix="Export the reports with Latitude/Longitude or Easting/Northing columns.",
        )
    places = frame.geometry.set_crs(crs)
    places.name = column
    places.attrs["geometry_problems"] = frame.attrs["geometry_problems"]  # text not WKT
    return table.drop(columns=[column]), places, Guess("geometry", column, how)


def reports_from_open311(
    path: str | Path | pd.DataFrame, **options: Unpack[ReportOptions]
) -> ImportResult:
    """Read Open311 GeoReport v2 service requests (JSON or XML) into the ``reports`` layer.

    JSON may be a bare list or an object with ``service_requests``; XML has
    ``<service_requests><request>...``. ``requestor_name`` and other personal fields are
    never read.

    Parameters
    ----------
    path
        The saved answer of an Open311 ``requests.json`` or ``requests.xml`` query; a live
        service is queried by :func:`healthy_streets.io.open311.reports_from_open311_server`.
        Or the requests as a frame of the analyst's own (see :func:`reports_from_csv`).
    **options
        ``area``, ``taxonomy``, ``tiers``, ``working_crs``: see :class:`ReportOptions`.

    Returns
    -------
    ImportResult
        ``.layer`` is the ``reports`` layer; ``.rejected`` holds the requests left out,
        with the reason.

    Raises
    ------
    InputFileError
        When the file is empty, is not JSON or XML that reads, holds no list of service
        requests, or its requests lack a category, a date or coordinates.

    Examples
    --------
    >>> result = reports_from_open311("data/sample/reports_open311.json")
    >>> print(result.summary())
    reports_open311.json: 20 rows: 20 kept (0 repaired), 0 rejected.
    >>> result.layer.groupby("status").size()
    status
    closed     9
    open      11
    dtype: int64
    """
    if is_frame(path):  # the requests as a frame of the analyst's own
        name, table, places = _report_input(path)
        return _reports_from_table(
            name, table, _header_roles(OPEN311_COLUMNS), places=places, **options
        )
    path = _check_reports_file(path)
    decoded = decode_text(path)
    records = _open311_records(path, decoded.text)
    return _open311_requests(path, records, decoded.notes(), **options)


def _open311_requests(
    path: Path,
    records: list[dict[str, object]],
    text_notes: list[str],
    *,
    columns: Sequence[str] = (),
    **options: Unpack[ReportOptions],
) -> ImportResult:
    """Open311 service requests (``path``'s, as read) into the ``reports`` layer; the table
    has ``columns`` too, empty where no request gives them."""
    # a NUL written \u0000 in a text: removed, and the request's repair says so
    mended = {n: mend_text(r, runs=False) for n, r in enumerate(records, start=1)}
    table = pd.DataFrame.from_records(records).astype("object")
    for column in columns:
        if column not in table:
            table[column] = None
    table = table.where(table.notna(), None).map(lambda v: None if v is None else str(v))
    table.index = pd.RangeIndex(1, len(table) + 1)
    table = blank_cells(table)
    table.attrs["text_notes"] = text_notes
    table.attrs["text_repairs"] = {n: repair_sentence(f) for n, f in mended.items() if f}
    return _reports_from_table(path, table, _header_roles(OPEN311_COLUMNS), **options)


def _report_input(
    given: str | Path | pd.DataFrame,
    *,
    columns: Callable[[str], bool] | None = None,
    sheet: str | None = None,
) -> tuple[Path, pd.DataFrame, gpd.GeoSeries | None]:
    """The table of reports a reader was given: a file's (:func:`read_report_table`), or a
    frame of the analyst's own as text, with its geometry when it has one (its places; a
    plain DataFrame's are its coordinate columns). A frame's columns are all kept: none is
    read but by the reader's roles, and person columns are cut out as a file's are."""
    if not is_frame(given):
        path = _check_reports_file(given)
        if _is_geopackage(path):
            return path, *_geopackage_reports(path, sheet)
        return path, read_report_table(path, columns=columns, sheet=sheet), None
    path, own = frame_or_file(given, "reports")
    assert own is not None
    if sheet is not None:
        raise ConfigError(f"{path.name} has no sheets to choose; leave out {option('layer')}.")
    places = geometry_of(own)
    if places is not None:
        refuse_no_crs(places, path)
    return path, text_table(own), places


def _is_geopackage(path: Path) -> bool:
    """A GeoPackage by its name (a store holds its ``reports`` layer)."""
    return path.suffix.lower() == ".gpkg"


def _geopackage_reports(path: Path, layer: str | None) -> tuple[pd.DataFrame, gpd.GeoSeries]:
    """A GeoPackage layer of reports as text, and its places: the ``reports`` layer that
    healthy-streets wrote into a store of several unless ``layer`` chooses another (which
    was read is said in the notes)."""
    frame, _ = read_spatial(path, layer=layer, ours="reports")  # one with shapes, or refused
    places = frame.geometry
    refuse_no_crs(places, path)
    table = text_table(frame)
    table.attrs["text_notes"] = frame.attrs.get("text_notes", [])
    return table, places


#: Map layers given for reports, by their name.
_MAP_LAYERS = {
    ".kml": "KML",
    ".kmz": "KMZ",
    ".geojson": "GeoJSON",
    ".shp": "Shapefile",
    ".gpx": "GPX",
}


def _check_reports_file(path: str | Path) -> Path:
    """:func:`check_input`, and a File Geodatabase (a folder) refused: reports are tables."""
    checked = check_input(path)
    kind = _MAP_LAYERS.get(checked.suffix.lower())
    if kind is not None and checked.is_file():
        raise InputFileError(
            checked,
            f"This is a {kind} file, a map layer; reports are read from tables",
            fix="Give the reports as CSV or Excel (FixMyStreet or a council export), or Open311 "
            "JSON or XML; a map layer of places is read by healthy-streets assets.",
        )
    if checked.is_dir():
        raise InputFileError(
            checked,
            "This is a File Geodatabase (a folder), which holds no reports the toolkit reads",
            fix="Export the reports as CSV (FixMyStreet or a council export), or Open311 JSON "
            "or XML.",
        )
    return checked


#: Excel workbooks, read as the assets importer reads them (a title above the header too).
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
#: Characters that no header of a table of text holds: a binary file read as text.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def read_report_table(
    path: Path, *, columns: Callable[[str], bool] | None = None, sheet: str | None = None
) -> pd.DataFrame:
    """A table of reports: a CSV file (:func:`read_table`) or a sheet of an Excel workbook
    (``sheet``, else its one sheet with data; read by
    :func:`~healthy_streets.io.assets.read_excel_table`, which skips a title above the
    header); with ``columns``, only the columns that pass that test (all of them listed in
    ``attrs["all_columns"]``).

    Raises
    ------
    InputFileError
        For a file that is not a table of text: a zip, a GeoPackage or another binary file.
    """
    if _is_excel(path):
        table = read_excel_table(path, sheet=sheet)
        if columns is not None:
            every = list(table.columns)
            table = table[[c for c in every if columns(c)]]
            table.attrs["all_columns"] = every
        table.attrs["sheet"] = sheet
        return table
    if sheet is not None:
        raise ConfigError(
            f"{path.name} is not an Excel workbook: it has no sheet {sheet!r} to choose; "
            f"leave out {option('layer')}."
        )
    _refuse_binary(path, _head(path))
    table = read_table(path, columns=columns)
    if any(_CONTROL.search(str(c)) for c in _all_columns(table)):
        raise InputFileError(
            path,
            "This is not a table of text: its first line holds control characters, as a "
            "binary file does",
            fix=_TABLE_FIX,
        )
    return table


_TABLE_FIX = "Export the reports as CSV or an Excel workbook (.xlsx), or Open311 JSON or XML."


def _report_header(path: Path, sheet: str | None = None) -> list[str]:
    """The column names of a table of reports, from its header where it can."""
    if _is_excel(path):
        return list(read_excel_table(path, sheet=sheet).columns)
    _refuse_binary(path, _head(path))
    return read_header(path)


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(512)


def _is_excel(path: Path) -> bool:
    """An Excel workbook, by its name or (saved under another name) by its content."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return True
    if not _head(path).startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _refuse_binary(path: Path, head: bytes) -> None:
    """Refuse a zip file or a database given as a table of reports."""
    if head.startswith(b"PK\x03\x04"):
        raise InputFileError(
            path,
            "This is a zip file, not a table of reports",
            fix="Unzip it and name the CSV or Excel file of reports inside.",
        )
    if head.startswith(b"SQLite format 3"):
        raise InputFileError(
            path,
            "This is a database (a GeoPackage or SQLite file), not a table of reports",
            fix=_TABLE_FIX,
        )


def read_reports(
    path: str | Path | pd.DataFrame,
    *,
    format: str | None = None,
    layer: str | None = None,
    **options: Unpack[ReportOptions],
) -> ImportResult:
    """Read reports, choosing the reader by ``format`` or by the file.

    By default ``.json``/``.xml`` files are Open311, CSV files with a ``Report ID`` column
    FixMyStreet, and other CSV files a council's own export, read by
    :func:`reports_from_csv` with its columns found by header and content.

    Parameters
    ----------
    path
        A FixMyStreet CSV export, an Open311 GeoReport v2 answer (JSON or XML), or a
        council's CSV of reports. Or a GeoDataFrame of the analyst's own (placed by its
        geometry, in any CRS it declares), or a DataFrame with coordinate columns, read as
        a file would be: the account and notes name it ``reports (a GeoDataFrame)``. Or a
        GeoPackage: its one layer of shapes, or the ``reports`` layer healthy-streets wrote
        into a store of several (said in the notes), read as a council's export.
    format
        ``"fixmystreet"`` (:func:`reports_from_fixmystreet`), ``"open311"``
        (:func:`reports_from_open311`) or ``"csv"`` (:func:`reports_from_csv`); ``None``
        decides by the file as above. A frame is FixMyStreet's when it has a ``Report ID``
        column and a ``Created`` or ``Confirmed`` one, else a council's.
    layer
        The sheet of an Excel workbook of reports (default: its one sheet with data), or the
        layer of a GeoPackage.
    **options
        ``area``, ``taxonomy``, ``tiers``, ``working_crs``: see :class:`ReportOptions`.
        With ``format="csv"`` also ``columns`` (see :func:`reports_from_csv`).

    Returns
    -------
    ImportResult
        ``.layer`` is the ``reports`` layer (``docs/layers.md``); ``.rejected`` holds the
        rows left out with the reason, ``.outside`` the reports beyond ``area``.

    Raises
    ------
    ConfigError
        When ``format`` is not one of the three, or ``layer`` names a sheet of a file that
        is not a workbook.
    InputFileError
        When the file cannot be read as reports (see each reader).

    Examples
    --------
    >>> result = read_reports("data/sample/reports_fixmystreet.csv")
    >>> print(result.summary())
    reports_fixmystreet.csv: 2682 rows: 2682 kept (0 repaired), 0 rejected.
    >>> result.layer.groupby("category").size()
    category
    abandoned_vehicle      26
    dog_fouling          2180
    fly_tipping            92
    graffiti               21
    litter                151
    potholes               91
    speeding               38
    street_lighting        49
    vegetation             34
    dtype: int64
    """
    if format is None:
        if is_frame(path):  # a frame of the analyst's own: by its columns, as a CSV's
            assert isinstance(path, pd.DataFrame)
            header = [str(c) for c in path.columns]  # an export's, with its dates: FixMyStreet
            dated = find_column(header, ["Created"]) or find_column(header, ["Confirmed"])
            format = "fixmystreet" if find_column(header, ["Report ID"]) and dated else "csv"
        else:
            path = _check_reports_file(path)
            if path.suffix.lower() in (".json", ".xml"):
                format = "open311"
            elif _is_geopackage(path):  # a store's reports layer: a council export's reader
                format = "csv"
            else:
                header = _report_header(path, layer)
                format = "fixmystreet" if find_column(header, ["Report ID"]) else "csv"
    if format == "fixmystreet":
        return reports_from_fixmystreet(path, layer=layer, **options)
    if format == "open311":
        if layer is not None:
            raise ConfigError(f"Open311 files have no sheets; leave out {option('layer')}.")
        return reports_from_open311(path, **options)
    if format == "csv":
        return reports_from_csv(path, layer=layer, **options)
    raise ConfigError(f"Unknown reports format {format!r}; use {words(REPORT_FORMATS)}.")


def _element_text(element: ElementTree.Element) -> str:
    """An XML field's text; for one holding elements (FixMyStreet's
    ``<agency_responsible><recipient>...</recipient></agency_responsible>``), their texts
    joined by "; ", as the JSON's lists are."""
    if len(element) == 0:
        return (element.text or "").strip()
    return "; ".join(text.strip() for text in element.itertext() if text.strip())


def _open311_records(path: Path, text: str) -> list[dict[str, object]]:
    items = _open311_items(path, text)
    if not all(isinstance(r, dict) for r in items):
        raise InputFileError(
            path,
            "This is not an Open311 list of service requests",
            fix="Expected a JSON list of requests or an object with 'service_requests'.",
        )
    if not items:
        raise InputFileError(
            path, "The file holds no service requests.", fix="Check the feed's date range."
        )
    return items  # type: ignore[return-value]


def _open311_items(path: Path | str, text: str) -> list[object]:
    """The service requests of an Open311 answer (JSON or XML), each as it came.

    JSON is a bare list, an object with ``service_requests`` (or ``requests``), or
    FixMyStreet's ``{"requests": [{"request": [...]}]}``; XML is ``<service_requests>`` or
    ``<requests>`` of ``<request>`` elements. ``path`` names the file (or the URL) in errors.
    """
    text = text.strip()
    if not text:
        raise InputFileError(path, "The file is empty.", fix="Export it again.")
    if text.startswith("<"):
        try:
            root = ElementTree.fromstring(text)  # noqa: S314 - expat expands no external entities
        except ElementTree.ParseError as exc:
            raise InputFileError(
                path, f"The XML cannot be read ({exc})", fix="Download the Open311 feed again."
            ) from None
        requests = root.findall(".//request")
        return [{child.tag: _element_text(child) for child in request} for request in requests]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(
            path,
            f"The JSON cannot be read (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            fix="Download the Open311 feed again; the file may be cut short.",
        ) from None
    except RecursionError:  # "[[[[...": no service nests its requests so deep
        raise InputFileError(
            path,
            "The JSON is nested too deeply to be a list of Open311 service requests",
            fix="Download the Open311 feed again from the council's service.",
        ) from None
    if isinstance(data, dict):
        data = data.get("service_requests", data.get("requests"))
    if (
        isinstance(data, list)
        and len(data) == 1
        and isinstance(data[0], dict)
        and set(data[0]) == {"request"}
        and isinstance(data[0]["request"], list)
    ):
        data = data[0]["request"]  # FixMyStreet's JSON, shaped like its XML
    if not isinstance(data, list):
        raise InputFileError(
            path,
            "This is not an Open311 list of service requests",
            fix="Expected a JSON list of requests or an object with 'service_requests'.",
        )
    return data


def _reports_from_table(
    path: Path,
    table: pd.DataFrame,
    role_list: Sequence[Role],
    *,
    given: Mapping[str, str] | None = None,
    coordinates: Mapping[str, str] | None = None,
    by_content: bool = False,
    area: shapely.Geometry | None = None,
    taxonomy: Taxonomy | None = None,
    tiers: Mapping[str, str] | None = None,
    working_crs: str | None = None,
    date_order: str | None = None,
    places: gpd.GeoSeries | None = None,
    placed_by: Mapping[str, Guess] | None = None,
) -> ImportResult:
    """The ``reports`` layer of a table of reports whose columns play ``role_list``; each
    row placed by its coordinate columns or, given ``places`` (a GeoDataFrame's geometry,
    indexed like ``table``), by its place there (``placed_by``: the guess of the column
    they were read from, said with the others)."""
    working = working_crs or settings.working_crs
    taxonomy = taxonomy or report_taxonomy()
    book = AccountBook(path.name)
    rows_in = len(table)
    if rows_in == 0:
        raise InputFileError(path, "The file holds no reports.", fix="Check the export's dates.")
    table = reject_bad_rows(table, book)
    # a GeoDataFrame's geometry places its rows: no column is read as coordinates
    coords = find_coordinate_columns(
        [] if places is not None else list(table.columns), coordinates, path=path
    )
    paired: dict[str, Guess] = {}
    if not coords.any and places is None and not coordinates:
        pairs = lat_lon_pair_columns(table)  # Socrata's "Location": "(51.38, -2.36)"
        if pairs is not None:
            table, coords, paired = pairs
    personal = [c for c in table.columns if is_personal_column(str(c))]
    exclude = [*coords.names, *(g.column for g in paired.values() if g.column), *personal]
    found = find_roles(path, table, role_list, given, exclude=exclude)
    if by_content and found["category"] is None and "category" not in (given or {}):
        taken = {g.column for g in found.guesses.values()} | set(coords.names) | set(personal)
        # a title column that repeats a few known categories ("Subject": "Pothole") holds them
        titled = [] if found["title"] is None else [found["title"]]
        candidates = [c for c in table.columns if c not in taken or c in titled]
        guess = category_by_values(table, candidates, taxonomy, repeated=titled)
        if guess is not None:
            found.guesses["category"] = guess
    roles: dict[str, str | None] = dict(found)
    missing = []
    if roles["category"] is None:
        missing.append(_missing_role(table, found, role_list, "category"))
    if roles["created"] is None and roles["confirmed"] is None:
        missing.append(_missing_role(table, found, role_list, "created", "a date"))
    if not coords.any and places is None:
        missing.append("coordinates (Latitude/Longitude or Easting/Northing)")
    if missing:
        raise InputFileError(
            path,
            f"{MISSING_COLUMNS}: {', '.join(missing)}",
            fix=f"The file has: {', '.join(map(quoted, _all_columns(table)))}. For a council "
            "export, "
            f"map the columns with {option('columns')}.",
        )
    record_guesses(
        book, found, {**coordinate_guesses(coords, coordinates), **paired, **(placed_by or {})}
    )
    if by_content and roles["created"] is not None and roles["confirmed"] is not None:
        book.note(
            f"Each report is dated by {roles['confirmed']!r} (when it was confirmed), else "
            f"by {roles['created']!r}, as FixMyStreet's exports are read."
        )
    by_role = {role.name: role for role in role_list}
    read: dict[str, pd.Series] = {}

    def column(role: str) -> pd.Series:
        if role not in read:  # each column's values taken once (they are not changed)
            read[role] = found.column_values(table, by_role[role])
        return read[role]

    for role in ("confirmed", "created", "fixed"):  # a date column that lost its format
        if found.guesses[role].named:
            read[role] = _excel_days(column(role), str(roles[role]), book)

    ids = column("report_id").astype("object")
    no_id = ids.isna()
    if no_id.any():  # the row's whole text: every column, read again if some were left
        whole = (
            table
            if list(table.columns) == _all_columns(table)
            else read_report_table(path, sheet=table.attrs.get("sheet"))
        )
        ids[no_id] = _content_ids(whole.loc[table.index[no_id]], path.stem)
    ids = pd.Series(
        [rid.strip() for rid in ids.astype("str").tolist()], index=ids.index, dtype="str"
    )
    personal_id = _personal_ids(ids, no_id, person_columns(table))
    withheld = _unpublished(
        column("status"),
        roles["status"],
        ids,
        id_column=roles["report_id"],
        personal_id=personal_id,
        book=book,
    )
    personal_id &= ~withheld
    for row in table.index[personal_id]:
        book.reject(
            row,
            "The report id holds personal data (an email, a phone number or a name), so the "
            "report is left out: an id is shown on every map and table. Give the reports ids "
            "of their own (the council's reference), or leave the id column out.",
            field=roles["report_id"] or "report_id",
            value=scrub_value(ids[row]),
        )
    left_out = personal_id | withheld
    duplicate = ids[~left_out].duplicated(keep="first").reindex(ids.index, fill_value=False)
    if duplicate.any():
        first = {rid: row for row, rid in ids[~duplicate & ~left_out].items()}
        for row in ids.index[duplicate]:
            same = "same report id" if not no_id[row] else "same category, date, place and text"
            book.reject(
                row,
                f"Duplicate of row {first[ids[row]]} ({same}).",
                field=roles["report_id"] or "report_id",
                value=ids[row],
            )

    orders = {
        role: _date_order(column(role), roles[role], date_order, book)
        for role in ("confirmed", "created", "fixed")
    }
    read_as = {"confirmed": _read_dates(column("confirmed"), date_order=orders["confirmed"])}
    reported_at = read_as["confirmed"].dates
    unconfirmed = reported_at.isna()
    if unconfirmed.any():  # the date created where no date confirmed reads
        created = column("created")[unconfirmed]
        read_as["created"] = _read_dates(created, date_order=orders["created"])
        reported_at = reported_at.fillna(read_as["created"].dates)
    undated = reported_at.isna() & ~duplicate & ~left_out
    raw_confirmed = column("confirmed")
    for row in table.index[undated]:
        use_confirmed = roles["confirmed"] is not None and pd.notna(raw_confirmed[row])
        date_field = roles["confirmed"] if use_confirmed else roles["created"]
        us = orders["confirmed" if use_confirmed else "created"] == "mdy"
        book.reject(
            row,
            "The date cannot be read (expected ISO 2025-11-25 14:03 or "
            + ("US 11/25/2025 14:03)." if us else "UK 25/11/2025 14:03)."),
            field=str(date_field),
            value=scrub_value(table.at[row, date_field]) if date_field else "",
        )

    usable = ~duplicate & ~undated & ~left_out
    candidates = table if usable.all() else table[usable]
    if places is None:
        points = points_from_table(candidates, coords, book, area=area, working_crs=working)
    else:
        points = _points_of(places.loc[candidates.index], path, book, area=area, working=working)
    keep = points.index

    # the categories of reports FixMyStreet does not publish are not read, nor counted in notes
    published = ~withheld
    category, category_text = _categories(
        column("category")[published], column("subcategory")[published], taxonomy, book
    )
    if withheld.any():
        category, category_text = category.reindex(table.index), category_text.reindex(table.index)
    status_text = column("status")
    codes, distinct = pd.factorize(status_text)  # each status text read once
    statuses = np.array([*map(status_from_text, distinct), None], dtype=object)
    status = pd.Series(statuses[codes], index=status_text.index, dtype="object")
    if roles["status"] is None:
        book.note("The file has no status column; every report is counted as open.")
    else:
        unknown = status.isna() & table.index.isin(keep)
        for row in table.index[unknown]:
            book.repair(
                row,
                "The status is not one the toolkit knows; counted as open.",
                field=roles["status"],
                value=status_text[row],
            )
    status = status.fillna("open")
    tier_table = {**RESPONSIBLE_TIER, **(tiers or {})}
    people = person_columns(table)
    book.hide_names(people)
    at = table.index.get_indexer(keep)  # the kept rows' positions, looked up once
    read_as["fixed"] = _read_dates(column("fixed").take(at), date_order=orders["fixed"])
    for role, times in read_as.items():
        for note in _clock_notes(roles[role], times, column(role), ids=ids, kept=keep):
            book.note(note)
    fixed_before = _fixed_before_note(
        reported_at.take(at),
        read_as["fixed"].dates,
        fixed_column=roles["fixed"],
        dated_by=[c for c in (roles["confirmed"], roles["created"]) if c is not None],
        ids=ids.take(at),
    )
    if fixed_before:
        book.note(fixed_before)
    cut_names = names_remover(people.take(at))  # the names in the text of each row kept
    kept_category = category.take(at)
    reports = gpd.GeoDataFrame(
        {
            "report_id": ids.take(at),
            "category": kept_category,
            "category_text": cut_names(redact_series(category_text.take(at))),
            "status": status.take(at),
            "status_text": cut_names(redact_series(status_text.take(at))),
            "reported_at": reported_at.take(at),
            "fixed_at": read_as["fixed"].dates,
            "title": cut_names(redact_series(column("title").take(at))),  # emails first
            "detail": cut_names(redact_series(column("detail").take(at))),
            "source": path.name,
            "responsible_tier": kept_category.map(tier_table).fillna("district"),
            "zone_id": None,
        },
        geometry=points,
        crs=working,
        index=keep,
    )
    note_reading(table, book, kept=keep)
    return book.result(conform(reports, REPORTS), rows_in, rows=keep)


def _fixed_before_note(
    reported: pd.Series,
    fixed: pd.Series,
    *,
    fixed_column: str | None,
    dated_by: Sequence[str],
    ids: pd.Series,
) -> str | None:
    """What the notes say of the reports kept whose date fixed (or closed) comes before
    the date they were made: how many, how many of those the same day with the closing
    date written at midnight (a day with no time, as CRM exports write it), and which came
    a day or more before; and that they are kept with their dates as written, left out of
    the days to fix. ``None`` when there are none."""
    if fixed_column is None:
        return None
    before = (fixed < reported).to_numpy()
    if not before.any():
        return None
    made, done = reported[before], fixed[before]
    same_day = (done.dt.normalize() == made.dt.normalize()).to_numpy()
    midnight = same_day & (done == done.dt.normalize()).to_numpy()
    earlier_day = ~same_day
    when = " (else ".join(repr(c) for c in dated_by) + (")" if len(dated_by) > 1 else "")
    count = int(before.sum())
    parts = []
    if midnight.any():
        parts.append(
            f"{int(midnight.sum())} the same day, the closing date written at midnight (a day "
            "with no time)"
        )
    if (same_day & ~midnight).any():
        parts.append(f"{int((same_day & ~midnight).sum())} earlier the same day")
    if earlier_day.any():
        rows = made.index[earlier_day]
        shown = "; ".join(
            f"{ids[row]}: made {made[row]:%d %b %Y %H:%M}, closed {done[row]:%d %b %Y %H:%M}"
            for row in rows[:5]
        )
        more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
        which = "report" if len(rows) == 1 else "reports"
        parts.append(f"{len(rows)} a day or more before ({which} {shown}{more})")
    reports = "1 report" if count == 1 else f"{count} reports"
    return (
        f"In {reports}, {fixed_column!r} comes before {when}: {', '.join(parts)}. "
        f"{'It is' if count == 1 else 'They are'} kept, with the dates as written; "
        "median_days_to_fix (the days from report to fix, of fixed reports) leaves "
        f"{'it' if count == 1 else 'them'} out."
    )


def _clock_notes(
    column: str | None, times: _LocalTimes, written: pd.Series, *, ids: pd.Series, kept: pd.Index
) -> list[str]:
    """What the notes say of the reports kept whose time in ``column``, written with no
    offset, fell where the clocks changed: how many, which (up to five), and how each was
    read.
    """
    if column is None:
        return []
    notes = []
    for rows, where, how in (
        (
            times.repeated,
            "the hour that came twice when the clocks went back",
            "read as the first time round, in British Summer Time ({local} BST is {utc} UTC). "
            "Where a time is the second, in GMT, write +00:00 or GMT after it.",
        ),
        (
            times.skipped,
            "the hour skipped when the clocks went forward",
            "read an hour later, as the clocks moved, since no clock showed it "
            "({written} as {local} BST, {utc} UTC).",
        ),
    ):
        these = kept[kept.isin(rows)]
        if not len(these):
            continue
        first = times.dates[these[0]]
        shown = "; ".join(f"{ids[row]}: {str(written[row]).strip()!r}" for row in these[:5])
        more = f" and {len(these) - 5} more" if len(these) > 5 else ""
        if len(these) == 1:
            said = f"1 report's {column!r} time falls in {where} (report {shown}) and gives"
        else:
            said = (
                f"{len(these)} reports' {column!r} times fall in {where} (reports {shown}{more}) "
                "and give"
            )
        read = how.format(
            written=f"{first.tz_localize(None) - _CLOCK_CHANGE:%H:%M}",  # as written
            local=f"{first:%H:%M}",
            utc=f"{first.tz_convert('UTC'):%H:%M}",
        )
        notes.append(f"{said} no offset: {read}")
    return notes


def _unpublished(
    status_text: pd.Series,
    column: str | None,
    ids: pd.Series,
    *,
    id_column: str | None,
    personal_id: pd.Series,
    book: AccountBook,
) -> pd.Series:
    """Which rows are reports FixMyStreet never publishes (their status in ``column`` is
    ``hidden``, ``unconfirmed`` or ``partial``: :data:`UNPUBLISHED_STATES`), each rejected
    with its state's reason. Only the row, its report id (scrubbed, where ``personal_id``
    says it holds personal data) and the reason are recorded: never its title or text."""
    if column is None:
        return pd.Series(False, index=status_text.index, dtype="bool")
    codes, distinct = pd.factorize(status_text)  # each status text read once
    states = np.array([*map(unpublished_state, distinct), None], dtype=object)
    state = pd.Series(states[codes], index=status_text.index, dtype="object")
    withheld = state.notna()
    for row in status_text.index[withheld]:  # in the file's order
        book.reject(
            row,
            f"The report's {column!r} is {state[row]!r}: {UNPUBLISHED_STATES[state[row]]}. "
            "Left out; its title and text are not kept.",
            field=id_column or "report_id",
            value=scrub_value(ids[row]) if personal_id[row] else ids[row],
        )
    return withheld


def _personal_ids(ids: pd.Series, made: pd.Series, people: pd.DataFrame) -> pd.Series:
    """Which of ``ids`` hold personal data: an email, a phone number, a name after a cue, or
    a name the row's person columns hold (the ids the toolkit ``made`` for rows that gave
    none are its own)."""
    given = ids[~made]
    given = given[~plain_ids(given)]
    held = given != redact_series(given)
    if len(people.columns):
        held |= given != remove_names(given, people.loc[given.index]).astype("str")
    return held.astype("bool").reindex(ids.index, fill_value=False)


def _date_order(values: pd.Series, column: str | None, given: str | None, book: AccountBook) -> str:
    """The order ``column``'s numeric dates are read in: ``given``, else decided from its
    values (:func:`~healthy_streets.model.dates.column_date_order`), said in the notes."""
    if column is None or (given is None and all_match(values.dropna(), _PLAIN_ISO)):
        return given or "dmy"  # no column, or ISO dates only (the common export): no order
    order = column_date_order(values, given=given)
    said = order.note(column, lambda o: option("date_order", o))
    if said:
        book.note(said)
    return order.order


def _points_of(
    places: gpd.GeoSeries,
    path: Path,
    book: AccountBook,
    *,
    area: shapely.Geometry | None,
    working: str,
) -> gpd.GeoSeries:
    """The reports' points in the working CRS, from a GeoDataFrame's geometry, as an asset
    file's features are placed (:func:`~healthy_streets.io.assets.place_features`: no
    geometry or one outside Great Britain rejected, beyond ``area`` set apart); a line or
    an area stands for the point within it (a repair, which says so)."""
    shapes = places.geom_type
    area_like = ~places.isna() & ~places.is_empty & (shapes != "Point")
    if area_like.any():
        book.repair_many(
            places.index[area_like].to_series(),
            "A report is a point: the place is a line or an area, and a point within it was used.",
            field=str(places.name or "geometry"),
            values=shapes[area_like],
        )
        places = places.copy()
        places[area_like] = places[area_like].representative_point()
    frame = gpd.GeoDataFrame(geometry=places, crs=places.crs)
    frame.attrs["geometry_problems"] = places.attrs.get("geometry_problems", {})
    placed, _ = place_features(path, frame, None, book, crs=None, area=area, working=working)
    return placed.geometry


def _missing_role(
    table: pd.DataFrame, found: Roles, role_list: Sequence[Role], name: str, what: str = ""
) -> str:
    """A role no column plays, for the message that says so: ``created (a date)``, and why a
    column whose header suggested it was refused, with its first value."""
    guess = found.guesses.get(name)
    if guess is None or guess.how in (NOTHING_LIKE_IT, "named by you"):
        return f"{name} ({what})" if what else name
    role = next(r for r in role_list if r.name == name)
    example = ""
    for column in table.columns:
        if any(header_matches(str(column), synonym) for synonym in role.headers):
            values = table[column].dropna()
            if len(values):
                example = f"; its first value is {_shown(values.iloc[0])}"
            break
    return f"{name} ({what + ': ' if what else ''}{guess.how}{example})"


def _shown(value: object) -> str:
    """A cell's text for a message: quoted, cut to 60 characters."""
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _all_columns(table: pd.DataFrame) -> list[str]:
    """Every column of the file ``table`` was read from (some may have been left out)."""
    return list(table.attrs.get("all_columns", table.columns))


def _content_ids(rows: pd.DataFrame, stem: str) -> list[str]:
    """Ids for reports a file gives none: ``<file stem>-<hash of the row's content>``.

    The same report in two exports (a council's monthly CRM files overlap) gets the same id
    and is counted once; different reports never share one, whatever their files are called.
    """
    text = rows.astype("object").fillna("").astype("str").agg("|".join, axis=1)
    return [f"{stem}-{hashlib.blake2b(t.encode('utf-8'), digest_size=6).hexdigest()}" for t in text]


def _categories(
    category: pd.Series, subcategory: pd.Series, taxonomy: Taxonomy, book: AccountBook
) -> tuple[pd.Series, pd.Series]:
    """Category keys (subcategory first when it names one) and the original text.

    The import's notes list the text that decided each category: the subcategory or the
    category that named one, or both as written ("General Request / Nuisance") when
    neither did.
    """
    main_codes, mains = pd.factorize(category.to_numpy(dtype=object))
    detail_codes, details = pd.factorize(subcategory.to_numpy(dtype=object))
    # each distinct pair of texts (either missing) numbered in the order it first comes
    width = len(details) + 1
    pair, pairs = pd.factorize((main_codes + 1) * width + detail_codes + 1)
    keys = []
    deciding: list[object] = []
    combined = []
    for number in pairs.tolist():
        main = mains[number // width - 1] if number // width else None
        detail = details[number % width - 1] if number % width else None
        match = taxonomy.match(detail) if detail else None
        said = detail
        if match is None or match.category == "other":  # "Other" says less than the category
            match, said = taxonomy.match(main), main
        if match.how == "unmatched" and main and detail:
            said = f"{main} / {detail}"
        keys.append(match.category)
        deciding.append(said)
        combined.append(f"{main} / {detail}" if main and detail else (main or detail))
    by_row = {
        name: pd.Series(np.array(values, dtype=object)[pair], index=category.index, dtype="object")
        for name, values in (("key", keys), ("text", combined))
    }
    notes = match_notes(
        deciding,
        taxonomy,
        what="report",
        times=np.bincount(pair, minlength=len(deciding)).tolist(),
    )
    for note in notes:
        book.note(note)
    return by_row["key"], by_row["text"]


def drop_duplicate_reports(results: Iterable[ImportResult]) -> list[ImportResult]:
    """Count a report once across files: later files lose reports seen in earlier ones.

    A FixMyStreet report has the same id in the CSV export and the Open311 feed. Reports
    dropped are moved to the later file's ``rejected`` table with the reason.

    Parameters
    ----------
    results
        Reports imports (from :func:`read_reports` and the like), in order of precedence:
        a report is kept in the first that holds its ``report_id``.

    Returns
    -------
    list of ImportResult
        The same imports in the same order, each later one without the reports an earlier
        one holds: its ``rejected`` gains one row per report dropped (``field``
        ``report_id``, ``reason`` "Already imported from <file>."). The inputs are not
        changed.

    Raises
    ------
    ConfigError
        When ``results`` is not imports (a layer given in their place).

    Examples
    --------
    >>> fms, feed = drop_duplicate_reports([
    ...     read_reports("data/sample/reports_fixmystreet.csv"),
    ...     read_reports("data/sample/reports_open311.json"),
    ... ])
    >>> len(fms.layer), len(feed.layer)
    (2682, 10)
    >>> feed.rejected["reason"].value_counts()
    reason
    Already imported from reports_fixmystreet.csv.    10
    Name: count, dtype: int64
    """
    given = results
    results = list(results) if not isinstance(given, pd.DataFrame) else []
    if isinstance(given, pd.DataFrame) or not all(isinstance(r, ImportResult) for r in results):
        raise ConfigError(
            "drop_duplicate_reports takes the imports, in order (the results of read_reports "
            "and the like), not a layer; a layer's own duplicates go with "
            "layer.drop_duplicates('report_id')."
        )
    seen: dict[str, str] = {}
    out = []
    for result in results:
        layer = result.layer
        again = layer["report_id"].isin(list(seen))
        if again.any():
            extra = pd.DataFrame(
                {
                    "source": result.source,
                    "row": layer.loc[again, "report_id"].astype("str"),
                    "field": "report_id",
                    "value": layer.loc[again, "report_id"].astype("str"),
                    "reason": [
                        f"Already imported from {seen[r]}." for r in layer.loc[again, "report_id"]
                    ],
                }
            )
            result = result.without(again, rejected=extra)  # their repairs go too
            result.layer.attrs["layer"] = "reports"
        for rid in result.layer["report_id"]:
            seen.setdefault(rid, result.source)
        out.append(result)
    return out
