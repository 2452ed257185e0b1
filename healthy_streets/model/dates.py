"""Dates as councils write them, with their precision, never guessed silently.

:func:`parse_council_date` reads "31 Jul 2016", "31/07/2016", "2016-07-31", "2016/07/31",
"20160731", "16-Aug-17" (as Excel writes dates), "Zone 1, 31 Jul 2016", "July 2016",
"Sep-2017", "Aug-17", "2016-07", "Q3 2016", "Autumn 2015?" or "2015" into a date and a
precision (``day``, ``month``, ``quarter``, ``season``, ``year`` or ``unknown``), and an Excel
day number ("42963") when the caller knows the column holds dates. Numeric dates are
day-first, as in the UK; "07/31/2016" is not a UK date and is read as unknown rather than
guessed, unless the caller reads the text month first (``date_order="mdy"``, US order).
:func:`column_date_order` decides one order for a whole column from its values, and says
why. A vague date stands for its first day (the month's first, the quarter's or the
season's first month, 1 January). A two-digit year is read as Python's ``%y`` reads it
(00-68 are 2000-2068, 69-99 are 1969-1999).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import NamedTuple

from healthy_streets.errors import ConfigError

__all__ = [
    "DATE_ORDERS",
    "EXCEL_SERIAL_DATES",
    "PRECISIONS",
    "CouncilDate",
    "DateOrder",
    "column_date_order",
    "date_as_known",
    "day_argument",
    "excel_serial_date",
    "numeric_date_order",
    "parse_council_date",
]

PRECISIONS = ("day", "month", "quarter", "season", "year", "unknown")

#: The orders a numeric date ("03/01/2016") is read in: day first (UK, the default) or month
#: first (US).
DATE_ORDERS = ("dmy", "mdy")

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

#: The days an Excel day number is read as, when a column's header says it holds dates: a
#: plausible implementation date (a number for an earlier or a later day is a count, an id or
#: a reference, not a day).
EXCEL_SERIAL_DATES = (dt.date(1990, 1, 1), dt.date(2099, 12, 31))
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0, as it counts (with 1900 a leap year)

_MONTH_WORD = "|".join(sorted(_MONTHS, key=len, reverse=True))
# Year first, as ISO 8601 and GIS write it: "2016-07-31", "2016/07/31", "2016.07.31".
_ISO = re.compile(r"(?<!\d)(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)")
# ISO 8601 without separators, as databases write it: "20160731".
_ISO_COMPACT = re.compile(
    r"(?<![\d.])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![\d.])"
)
_DMY_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?!\d)")
_DMY_WORDS = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*(?:of\s+)?|[-/])({_MONTH_WORD})\.?,?"
    r"(?:\s+|[-/])(\d{4})(?!\d)",
    re.IGNORECASE,
)
# As Excel writes a day with a two-digit year: "16-Aug-17", "16/Aug/17".
_DMY_SHORT = re.compile(
    rf"(?<!\d)(\d{{1,2}})([-/])({_MONTH_WORD})\2(\d{{2}})(?![\d:])", re.IGNORECASE
)
_MY_WORDS = re.compile(rf"\b({_MONTH_WORD})\.?,?(?:\s+|\s*[-/]\s*)(\d{{4}})(?!\d)", re.IGNORECASE)
# A month and a two-digit year, as Excel writes them: "Aug-17" (never "Aug 17", which may be a day).
_MY_SHORT = re.compile(rf"\b({_MONTH_WORD})[-'’](\d{{2}})(?![\d:/.-])", re.IGNORECASE)
_MY_NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})/(\d{4})(?!\d)")
# ISO year and month: "2019-07" (not "2019-20", a financial year).
_YM_ISO = re.compile(r"(?<![\d/.-])(\d{4})-(0?[1-9]|1[0-2])(?![\d/.-])")
# A calendar quarter: "Q3 2017", "Q3-2017", "2017 Q3", "2017-Q3".
_QUARTER = re.compile(
    r"\bq([1-4])\s*[-/]?\s*((?:19|20)\d{2})(?!\d)|(?<!\d)((?:19|20)\d{2})\s*[-/]?\s*q([1-4])\b",
    re.IGNORECASE,
)
_SEASON = re.compile(r"\b(spring|summer|autumn|fall|winter)\s+(\d{4})(?!\d)", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_SERIAL = re.compile(r"(\d{5})(?:\.0+)?")


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


def parse_council_date(
    value: object, *, excel_serials: bool = False, date_order: str = "dmy"
) -> CouncilDate:
    """Read a date as a council writes it.

    Parameters
    ----------
    value
        Text, a ``datetime.date``/``datetime``, a pandas Timestamp, or empty.
    excel_serials
        Also read a whole number as an Excel day number, for a day in
        :data:`EXCEL_SERIAL_DATES` ("42963" is 16 Aug 2017, as a spreadsheet that lost its
        cell format writes it). Only for a column known to hold dates (its header says so):
        elsewhere such a number is a count or a reference.
    date_order
        How a numeric date is read: ``"dmy"`` day first (UK), ``"mdy"`` month first (US:
        "08/16/2017"). Dates with a month name or the year first read the same either way.

    Returns
    -------
    CouncilDate
        ``(date, precision, text)``: the date (the first day of a vague date's period:
        a month, a quarter, a season, a year), how precise it is (``day``, ``month``,
        ``quarter``, ``season``, ``year``; ``unknown`` when it cannot be read, with ``date``
        ``None``), and the text as written. Day-first: a date such as ``07/31/2016`` that only
        reads month-first is unknown, not guessed. A quarter is a calendar quarter ("Q3
        2017" is July to September 2017).

    Examples
    --------
    >>> parse_council_date("Zone 1, 31 Jul 2016")
    CouncilDate(date=datetime.date(2016, 7, 31), precision='day', text='Zone 1, 31 Jul 2016')
    >>> parse_council_date("Autumn 2015?")
    CouncilDate(date=datetime.date(2015, 9, 1), precision='season', text='Autumn 2015?')
    >>> parse_council_date("16-Aug-17").date, parse_council_date("Q3 2017")[:2]
    (datetime.date(2017, 8, 16), (datetime.date(2017, 7, 1), 'quarter'))
    >>> parse_council_date("42963").precision, parse_council_date("42963", excel_serials=True).date
    ('unknown', datetime.date(2017, 8, 16))
    >>> parse_council_date("07/31/2016").precision
    'unknown'
    >>> parse_council_date("07/31/2016", date_order="mdy").date
    datetime.date(2016, 7, 31)
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
    serial = excel_serial_date(text) if excel_serials else None
    if serial is not None:
        return CouncilDate(serial, "day", text)
    date, precision = _parse(text, month_first=_month_first(date_order))
    return CouncilDate(date, precision, text)


def _month_first(date_order: str) -> bool:
    if date_order not in DATE_ORDERS:
        raise ValueError(
            f"The date order {date_order!r} is not one the toolkit knows: use 'dmy' (day "
            "first, as in the UK) or 'mdy' (month first, as in the US)."
        )
    return date_order == "mdy"


def excel_serial_date(text: str) -> dt.date | None:
    """The date an Excel day number stands for, when ``text`` is one for a day in
    :data:`EXCEL_SERIAL_DATES` ("42963" or "42963.0"); ``None`` otherwise.

    >>> excel_serial_date("42963"), excel_serial_date("117")
    (datetime.date(2017, 8, 16), None)
    """
    match = _SERIAL.fullmatch(text.strip())
    if match is None:
        return None
    date = _EXCEL_EPOCH + dt.timedelta(days=int(match[1]))
    first, last = EXCEL_SERIAL_DATES
    return date if first <= date <= last else None


def _parse(text: str, *, month_first: bool = False) -> tuple[dt.date | None, str]:
    match = _ISO.search(text)
    if match:
        return _day(match[1], match[3], match[4])
    match = _ISO_COMPACT.search(text)
    if match:
        return _day(match[1], match[2], match[3])
    match = _DMY_NUMERIC.search(text)
    if match:
        if month_first:
            return _day(match[3], match[1], match[2])
        return _day(match[3], match[2], match[1])
    match = _DMY_WORDS.search(text)
    if match:
        day, month, year = match.groups()
        return _day(year, str(_MONTHS[month.lower()]), day)
    match = _DMY_SHORT.search(text)
    if match:
        return _day(match[4], str(_MONTHS[match[3].lower()]), match[1])
    return _vague(text)


def _vague(text: str) -> tuple[dt.date | None, str]:
    """A date known to the month, the quarter, the season or the year."""
    match = _MY_WORDS.search(text)
    if match:
        return _first_of(int(match[2]), _MONTHS[match[1].lower()], "month")
    match = _MY_SHORT.search(text)
    if match:
        return _first_of(_full_year(match[2]), _MONTHS[match[1].lower()], "month")
    match = _MY_NUMERIC.search(text)
    if match:
        return _first_of(int(match[2]), int(match[1]), "month")
    match = _YM_ISO.search(text)
    if match:
        return _first_of(int(match[1]), int(match[2]), "month")
    match = _QUARTER.search(text)
    if match:
        quarter, year = (match[1], match[2]) if match[1] else (match[4], match[3])
        return _first_of(int(year), 3 * int(quarter) - 2, "quarter")
    match = _SEASON.search(text)
    if match:
        return _first_of(int(match[2]), _SEASONS[match[1].lower()], "season")
    years = _YEAR.findall(text)
    if len(years) == 1:
        return dt.date(int(years[0]), 1, 1), "year"
    return None, "unknown"


def _full_year(year: str) -> int:
    """A year as written in full: two digits as Python's ``%y`` reads them."""
    y = int(year)
    if len(year) == 2:
        y += 2000 if y < 69 else 1900
    return y


def _day(year: str, month: str, day: str) -> tuple[dt.date | None, str]:
    try:
        return dt.date(_full_year(year), int(month), int(day)), "day"
    except ValueError:
        return None, "unknown"


def _first_of(year: int, month: int, precision: str) -> tuple[dt.date | None, str]:
    try:
        return dt.date(year, month, 1), precision
    except ValueError:
        return None, "unknown"


def date_as_known(date: dt.date, precision: str) -> str:
    """A date written as precisely as it is known: "06 Sep 2021", "Jul 2016" for a
    month-precision date (which stands for the month's first day), "Q3 2017" for a quarter.

    >>> date_as_known(dt.date(2017, 7, 1), "quarter")
    'Q3 2017'
    """
    if precision == "quarter":
        return f"Q{(date.month - 1) // 3 + 1} {date.year}"
    return date.strftime("%b %Y" if precision == "month" else "%d %b %Y")


def numeric_date_order(text: str) -> str | None:
    """The orders a numeric date can be read in: ``"dmy"`` when only day first
    ("16/08/2017"), ``"mdy"`` when only month first ("08/16/2017"), ``"either"`` when both
    ("03/01/2016"); ``None`` for a text that is no numeric day-month-year date (a month
    name, the year first) or reads neither way.

    >>> [numeric_date_order(t) for t in ("16/08/2017", "08/16/2017", "03/01/2016", "2016-01-03")]
    ['dmy', 'mdy', 'either', None]
    """
    text = str(text)
    if _ISO.search(text) or _ISO_COMPACT.search(text):
        return None
    match = _DMY_NUMERIC.search(text)
    if match is None:
        return None
    day_first = _day(match[3], match[2], match[1])[0] is not None
    month_first = _day(match[3], match[1], match[2])[0] is not None
    if day_first and month_first:
        return "either"
    return "dmy" if day_first else ("mdy" if month_first else None)


class DateOrder(NamedTuple):
    """The order a column's numeric dates are read in, and why.

    Attributes
    ----------
    order
        ``"dmy"`` (day first) or ``"mdy"`` (month first).
    why
        ``"given"`` (the caller said), ``"day first"`` (some values read only day first,
        none only month first), ``"month first"`` (the reverse), ``"mixed"`` (both kinds:
        read day first), ``"assumed"`` (every value reads either way: read day first, the
        UK default) or ``"none"`` (no numeric dates).
    counts
        How many values read only day first, only month first, and either way.
    examples
        A value of each of those kinds (``""`` when there is none).
    """

    order: str
    why: str
    counts: tuple[int, int, int]
    examples: tuple[str, str, str]

    def note(self, column: str, setting: Callable[[str], str]) -> str | None:
        """What an officer should know of how ``column``'s dates were read: the order given,
        or the order decided and from what; ``None`` when the column holds no numeric date
        (the year first, or a month's name: read the same either way). ``setting(order)``
        names the setting that chooses the order (``--date-order mdy``)."""
        (dmy, mdy, either), (dmy_eg, mdy_eg, either_eg) = self.counts, self.examples
        if self.why == "given":
            against = mdy if self.order == "dmy" else dmy
            example = mdy_eg if self.order == "dmy" else dmy_eg
            text = f"Dates in {column!r} read {_FIRST[self.order]}, as {setting(self.order)} says"
            if against:
                text += f"; {_values(against)} like {example} cannot be read that way"
            return text + "."
        if self.why == "month first":
            text = (
                f"Dates in {column!r} read month first (US order): {_values(mdy)} like "
                f"{mdy_eg} can only be month first"
            )
            if either:
                text += (
                    f", so the {_values(either)} that could be either (like {either_eg}) are too"
                )
            return text + f". If they are day first, {setting('dmy')}."
        if self.why == "day first":
            total = dmy + mdy + either
            text = (
                f"Dates in {column!r} read day first (UK order), decided from its values: "
                f"{dmy} of {_values(total)} (like {dmy_eg}) {'has' if dmy == 1 else 'have'} a "
                "day above 12, so can only be day first, and none can only be month first"
            )
            if either:
                text += (
                    f"; the {either} that could be either (like {either_eg}) "
                    f"{'is' if either == 1 else 'are'} read so too"
                )
            return text + "."
        if self.why == "mixed":
            return (
                f"Dates in {column!r} are mixed: {_values(dmy)} like {dmy_eg} can only be day "
                f"first and {_values(mdy)} like {mdy_eg} only month first. Read day first "
                f"(UK order), so the month-first ones cannot be read; check the column, or "
                f"read it all month first with {setting('mdy')}."
            )
        if self.why == "assumed":
            read = parse_council_date(either_eg).date
            shown = f", {either_eg} as {read:%d %b %Y}" if read else ""
            return (
                f"Dates in {column!r} could be day or month first ({_values(either)} like "
                f"{either_eg}, none with a number over 12 to tell): read day first (UK "
                f"order){shown}. If they are month first (US order), {setting('mdy')}."
            )
        return None


_FIRST = {"dmy": "day first (UK order)", "mdy": "month first (US order)"}


def _values(count: int) -> str:
    return f"{count} value{'' if count == 1 else 's'}"


def column_date_order(values: Iterable[object], *, given: str | None = None) -> DateOrder:
    """One order for a column's numeric dates, from its values (or as ``given``).

    Month first when some values can only be month first ("08/16/2017") and none only day
    first; day first otherwise: when some can only be day first, when both kinds occur
    (``"mixed"``: the month-first ones are then unreadable) and when every value reads
    either way (``"assumed"``, the UK default).

    >>> column_date_order(["08/16/2017", "03/01/2016"])[:3]
    ('mdy', 'month first', (0, 1, 1))
    >>> column_date_order(["03/01/2016"]).why, column_date_order(["03/01/2016"], given="mdy").order
    ('assumed', 'mdy')
    """
    counts = {"dmy": 0, "mdy": 0, "either": 0}
    examples = {"dmy": "", "mdy": "", "either": ""}
    texts = Counter(str(v).strip() for v in values if _is_text(v))
    for text, times in texts.items():
        kind = numeric_date_order(text)
        if kind is not None:
            counts[kind] += times
            examples[kind] = examples[kind] or text
    found = (counts["dmy"], counts["mdy"], counts["either"])
    shown = (examples["dmy"], examples["mdy"], examples["either"])
    if given is not None:
        _month_first(given)
        return DateOrder(given, "given", found, shown)
    dmy, mdy, either = found
    if mdy and not dmy:
        return DateOrder("mdy", "month first", found, shown)
    why = "mixed" if (mdy and dmy) else "day first" if dmy else "assumed" if either else "none"
    return DateOrder("dmy", why, found, shown)


def _is_text(value: object) -> bool:
    """A cell that may hold a date written as text (not missing, not a date object)."""
    if value is None or isinstance(value, (dt.date, float, int)):
        return False
    return bool(str(value).strip())


#: A numeric date with no year first: "01/02/2016", "1.2.16".
_NUMERIC_DAY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")


def day_argument(value: object, name: str) -> dt.date:
    """A day given to a function (``start=``, ``decided_on=``...): a ``datetime.date``,
    ``datetime`` or pandas Timestamp as it is, or text: ISO ("2016-02-01", with a time or
    not), or a date a council writes whose day cannot be mistaken ("1 Feb 2016",
    "31/01/2016"). A numeric date that reads as a day either way round ("01/02/2016": 1
    February in the UK, 2 January in the US) is refused, never guessed.

    >>> day_argument("2016-02-01", "start")
    datetime.datetime(2016, 2, 1, 0, 0)
    >>> day_argument("31/01/2016", "start")
    datetime.date(2016, 1, 31)
    >>> day_argument("01/02/2016", "start")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    healthy_streets.errors.ConfigError: start = '01/02/2016' could be 1 February 2016 (...
    """
    if isinstance(value, dt.date):
        return value
    text = value.strip() if isinstance(value, str) else None
    if text:
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            pass
        numeric = _NUMERIC_DAY.fullmatch(text)
        if numeric and int(numeric[1]) <= 12 and int(numeric[2]) <= 12 and numeric[1] != numeric[2]:
            uk = parse_council_date(text).date
            us = parse_council_date(text, date_order="mdy").date
            if uk is not None and us is not None:
                raise ConfigError(
                    f"{name} = {value!r} could be {uk:%-d %B %Y} (day first, as in the UK) or "
                    f"{us:%-d %B %Y} (month first): write it as {uk:%Y-%m-%d} or {us:%Y-%m-%d}."
                )
        read = parse_council_date(text)
        if read.date is not None and read.precision == "day":
            return read.date
    raise ConfigError(f"{name} = {value!r} is not a date; write it as 2024-01-31.")
