"""Dates as councils write them, with their precision, never guessed silently.

:func:`parse_council_date` reads "31 Jul 2016", "31/07/2016", "2016-07-31", "2016/07/31",
"Zone 1, 31 Jul 2016", "July 2016", "2016-07", "Autumn 2015?" or "2015" into a date and
a precision (``day``, ``month``, ``season``, ``year`` or ``unknown``). Numeric dates are
day-first, as in the UK; "07/31/2016" is not a UK date and is read as unknown rather than
guessed. A vague date stands for its first day (the month's first, the season's first
month, 1 January).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import NamedTuple

__all__ = ["PRECISIONS", "CouncilDate", "date_as_known", "parse_council_date"]

PRECISIONS = ("day", "month", "season", "year", "unknown")

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
#: The first month of each season, as British councils use the words.
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}

_MONTH_WORD = "|".join(sorted(_MONTHS, key=len, reverse=True))
# Year first, as ISO 8601 and GIS write it: "2016-07-31", "2016/07/31", "2016.07.31".
_ISO = re.compile(r"(?<!\d)(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)")
_DMY_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?!\d)")
_DMY_WORDS = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:of\s+)?({_MONTH_WORD})\.?,?\s+(\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_MY_WORDS = re.compile(rf"\b({_MONTH_WORD})\.?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE)
_MY_NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})/(\d{4})(?!\d)")
# ISO year and month: "2019-07" (not "2019-20", a financial year).
_YM_ISO = re.compile(r"(?<![\d/.-])(\d{4})-(0?[1-9]|1[0-2])(?![\d/.-])")
_SEASON = re.compile(r"\b(spring|summer|autumn|fall|winter)\s+(\d{4})(?!\d)", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


class CouncilDate(NamedTuple):
    """A date read from council text.

    Attributes
    ----------
    date
        The date (first day of the period for vague dates); ``None`` when unknown.
    precision
        One of :data:`PRECISIONS`.
    text
        The text as written.
    """

    date: dt.date | None
    precision: str
    text: str


def parse_council_date(value: object) -> CouncilDate:
    """Read a date as a council writes it.

    Parameters
    ----------
    value
        Text, a ``datetime.date``/``datetime``, a pandas Timestamp, or empty.

    Returns
    -------
    CouncilDate
        ``(date, precision, text)``: the date (the first day of a vague date's period:
        a month, a season, a year), how precise it is (``day``, ``month``, ``season``,
        ``year``; ``unknown`` when it cannot be read, with ``date`` ``None``), and the text
        as written. Day-first: a date such as ``07/31/2016`` that only reads month-first
        is unknown, not guessed.

    Examples
    --------
    >>> parse_council_date("Zone 1, 31 Jul 2016")
    CouncilDate(date=datetime.date(2016, 7, 31), precision='day', text='Zone 1, 31 Jul 2016')
    >>> parse_council_date("Autumn 2015?")
    CouncilDate(date=datetime.date(2015, 9, 1), precision='season', text='Autumn 2015?')
    >>> parse_council_date("07/31/2016").precision
    'unknown'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return CouncilDate(None, "unknown", "")
    if isinstance(value, dt.datetime):
        return CouncilDate(value.date(), "day", value.isoformat())
    if isinstance(value, dt.date):
        return CouncilDate(value, "day", value.isoformat())
    text = str(value).strip()
    if not text:
        return CouncilDate(None, "unknown", "")
    date, precision = _parse(text)
    return CouncilDate(date, precision, text)


def _parse(text: str) -> tuple[dt.date | None, str]:
    match = _ISO.search(text)
    if match:
        return _day(match[1], match[3], match[4])
    match = _DMY_NUMERIC.search(text)
    if match:
        return _day(match[3], match[2], match[1])
    match = _DMY_WORDS.search(text)
    if match:
        day, month, year = match.groups()
        return _day(year, str(_MONTHS[month.lower()]), day)
    match = _MY_WORDS.search(text)
    if match:
        return _first_of(int(match[2]), _MONTHS[match[1].lower()], "month")
    match = _MY_NUMERIC.search(text)
    if match:
        return _first_of(int(match[2]), int(match[1]), "month")
    match = _YM_ISO.search(text)
    if match:
        return _first_of(int(match[1]), int(match[2]), "month")
    match = _SEASON.search(text)
    if match:
        return _first_of(int(match[2]), _SEASONS[match[1].lower()], "season")
    years = _YEAR.findall(text)
    if len(years) == 1:
        return dt.date(int(years[0]), 1, 1), "year"
    return None, "unknown"


def _day(year: str, month: str, day: str) -> tuple[dt.date | None, str]:
    y = int(year)
    if len(year) == 2:
        y += 2000
    try:
        return dt.date(y, int(month), int(day)), "day"
    except ValueError:
        return None, "unknown"


def _first_of(year: int, month: int, precision: str) -> tuple[dt.date | None, str]:
    try:
        return dt.date(year, month, 1), precision
    except ValueError:
        return None, "unknown"


def date_as_known(date: dt.date, precision: str) -> str:
    """A date written as precisely as it is known: "06 Sep 2021", or "Jul 2016" for a
    month-precision date (which stands for the month's first day)."""
    return date.strftime("%b %Y" if precision == "month" else "%d %b %Y")
