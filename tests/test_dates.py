import datetime as dt
import re

import pytest

from healthy_streets.errors import ConfigError
from healthy_streets.model.dates import date_as_known, day_argument, parse_council_date


@pytest.mark.parametrize(
    ("text", "date", "precision"),
    [
        ("31 Jul 2016", dt.date(2016, 7, 31), "day"),
        ("31 July 2016", dt.date(2016, 7, 31), "day"),
        ("31/07/2016", dt.date(2016, 7, 31), "day"),
        ("31.07.2016", dt.date(2016, 7, 31), "day"),
        ("2016-07-31", dt.date(2016, 7, 31), "day"),
        ("Zone 1, 31 Jul 2016", dt.date(2016, 7, 31), "day"),
        ("1st March 2020", dt.date(2020, 3, 1), "day"),
        ("06/09/2021", dt.date(2021, 9, 6), "day"),  # day first, as in the UK
        ("July 2016", dt.date(2016, 7, 1), "month"),
        ("Sept 2019", dt.date(2019, 9, 1), "month"),
        ("07/2016", dt.date(2016, 7, 1), "month"),
        ("2019-07", dt.date(2019, 7, 1), "month"),  # ISO year and month, not the year alone
        ("2019/07/01", dt.date(2019, 7, 1), "day"),  # year first with slashes, as GIS write it
        ("2019.07.01", dt.date(2019, 7, 1), "day"),
        ("2019-20", dt.date(2019, 1, 1), "year"),  # a financial year: no month 20
        ("Autumn 2015?", dt.date(2015, 9, 1), "season"),
        ("spring 2020", dt.date(2020, 3, 1), "season"),
        ("2015", dt.date(2015, 1, 1), "year"),
        ("c. 2015", dt.date(2015, 1, 1), "year"),
        ("07/31/2016", None, "unknown"),  # not a UK date: never guessed
        ("31/02/2016", None, "unknown"),
        ("soon", None, "unknown"),
        ("", None, "unknown"),
        (None, None, "unknown"),
        (float("nan"), None, "unknown"),
        (dt.date(2020, 1, 2), dt.date(2020, 1, 2), "day"),
        # as Excel and databases write them
        ("16-Aug-17", dt.date(2017, 8, 16), "day"),
        ("01-Sep-18", dt.date(2018, 9, 1), "day"),
        ("16-Aug-2017", dt.date(2017, 8, 16), "day"),
        ("16/Aug/17", dt.date(2017, 8, 16), "day"),
        ("31-Jul-85", dt.date(1985, 7, 31), "day"),  # two-digit years as %y reads them
        ("20170816", dt.date(2017, 8, 16), "day"),
        ("20171316", None, "unknown"),  # no month 13: a number, not a date
        ("Aug-17", dt.date(2017, 8, 1), "month"),
        ("Sep-2017", dt.date(2017, 9, 1), "month"),
        ("Sep/2017", dt.date(2017, 9, 1), "month"),
        ("Q3 2017", dt.date(2017, 7, 1), "quarter"),
        ("q1-2019", dt.date(2019, 1, 1), "quarter"),
        ("2017 Q4", dt.date(2017, 10, 1), "quarter"),
        ("Aug 17", None, "unknown"),  # the 17th of August, or 2017: not guessed
        ("42963", None, "unknown"),  # a number, unless the column is known to hold dates
    ],
)
def test_parse_council_date(text, date, precision):
    parsed = parse_council_date(text)
    assert (parsed.date, parsed.precision) == (date, precision)


def test_original_text_is_kept():
    assert parse_council_date("  Zone 1, 31 Jul 2016 ").text == "Zone 1, 31 Jul 2016"


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("42963", dt.date(2017, 8, 16)),
        ("42963.0", dt.date(2017, 8, 16)),  # as a numeric cell is written
        ("32874", dt.date(1990, 1, 1)),  # the range's ends
        ("73050", dt.date(2099, 12, 31)),
        ("32873", None),  # before 1990: a count or a reference, not a day
        ("117", None),
        ("2017", dt.date(2017, 1, 1)),  # a year stays a year
    ],
)
def test_excel_day_numbers_are_read_only_when_asked_and_in_range(text, date):
    assert parse_council_date(text, excel_serials=True).date == date


def test_a_quarter_is_written_as_a_quarter():
    parsed = parse_council_date("Q3 2017")
    assert date_as_known(parsed.date, parsed.precision) == "Q3 2017"


@pytest.mark.parametrize(
    ("text", "order", "date"),
    [
        ("08/16/2017", "mdy", dt.date(2017, 8, 16)),
        ("03/01/2016", "mdy", dt.date(2016, 3, 1)),
        ("03/01/2016", "dmy", dt.date(2016, 1, 3)),
        ("16/08/2017", "mdy", None),  # no month 16
        ("2016-03-01", "mdy", dt.date(2016, 3, 1)),  # year first reads the same either way
        ("1 Mar 2016", "mdy", dt.date(2016, 3, 1)),
    ],
)
def test_a_numeric_date_read_month_first(text, order, date):
    assert parse_council_date(text, date_order=order).date == date


def test_an_unknown_date_order_is_refused():
    with pytest.raises(ValueError, match="'ymd'.*'dmy'.*'mdy'"):
        parse_council_date("03/01/2016", date_order="ymd")


def _setting(order):
    return f"--date-order {order}"


def test_a_column_with_dates_only_month_first_is_read_month_first():
    from healthy_streets.model.dates import column_date_order

    values = ["08/16/2017", "03/01/2016", "11/20/2015", None, "03/01/2016"]
    order = column_date_order(values)
    assert (order.order, order.why, order.counts) == ("mdy", "month first", (0, 2, 2))
    assert order.note("Date", _setting) == (
        "Dates in 'Date' read month first (US order): 2 values like 08/16/2017 can only be "
        "month first, so the 2 values that could be either (like 03/01/2016) are too. If they "
        "are day first, --date-order dmy."
    )


def test_a_column_of_both_kinds_is_read_day_first_and_called_mixed():
    from healthy_streets.model.dates import column_date_order

    order = column_date_order(["16/08/2017", "08/16/2017", "03/01/2016"])
    assert (order.order, order.why) == ("dmy", "mixed")
    note = order.note("Date", _setting)
    assert "are mixed: 1 value like 16/08/2017 can only be day first and 1 value like " in note
    assert "08/16/2017 only month first" in note and "--date-order mdy" in note


def test_a_column_whose_dates_could_be_either_is_read_day_first_and_says_so():
    from healthy_streets.model.dates import column_date_order

    order = column_date_order(["03/01/2016", "05/06/2019 10:00"])
    assert (order.order, order.why) == ("dmy", "assumed")
    assert order.note("Date", _setting) == (
        "Dates in 'Date' could be day or month first (2 values like 03/01/2016, none with a "
        "number over 12 to tell): read day first (UK order), 03/01/2016 as 03 Jan 2016. If "
        "they are month first (US order), --date-order mdy."
    )


def test_a_day_first_column_is_said_with_why_and_a_given_order_wins():
    from healthy_streets.model.dates import column_date_order

    # decided from the values, so said (as --date-order's help promises), with what decided it
    assert column_date_order(["16/08/2017", "03/01/2016"]).note("Date", _setting) == (
        "Dates in 'Date' read day first (UK order), decided from its values: 1 of 2 values "
        "(like 16/08/2017) has a day above 12, so can only be day first, and none can only be "
        "month first; the 1 that could be either (like 03/01/2016) is read so too."
    )
    assert column_date_order(["16/08/2017", "31/12/2016"]).note("Date", _setting) == (
        "Dates in 'Date' read day first (UK order), decided from its values: 2 of 2 values "
        "(like 16/08/2017) have a day above 12, so can only be day first, and none can only be "
        "month first."
    )
    # no numeric date (the year first, a month's name): read the same either way, nothing said
    assert column_date_order(["2016-01-03", "Autumn 2015"]).why == "none"
    assert column_date_order(["2016-01-03", "Autumn 2015"]).note("Date", _setting) is None
    given = column_date_order(["16/08/2017", "08/16/2017"], given="mdy")
    assert given.order == "mdy"
    assert given.note("Date", _setting) == (
        "Dates in 'Date' read month first (US order), as --date-order mdy says; 1 value like "
        "16/08/2017 cannot be read that way."
    )


@pytest.mark.parametrize(
    ("start", "end", "utc"),
    [
        # times as the reports' are read: the hour that came twice as its first time round
        # (BST), the hour skipped in spring an hour later
        ("2025-03-30 01:30", "2025-10-26 01:30", ("2025-03-30 01:30", "2025-10-26 00:30")),
        ("2025-03-30", "2025-10-26", ("2025-03-30 00:00", "2025-10-25 23:00")),  # midnights
        ("2025-10-26 01:30+00:00", "2025-10-27", ("2025-10-26 01:30", "2025-10-27 00:00")),
    ],
)
def test_a_report_period_where_the_clocks_change(start, end, utc):
    from healthy_streets.analysis.tables import report_period
    from healthy_streets.model.layers import REPORTS, empty_layer

    period = report_period(empty_layer(REPORTS), start=start, end=end)
    got = tuple(f"{t.tz_convert('UTC'):%Y-%m-%d %H:%M}" for t in (period.start, period.end))
    assert got == utc
    assert str(period.start.tz) == "Europe/London"


@pytest.mark.parametrize(
    ("day", "utc"),
    [
        ("2025-10-26 01:30", "2025-10-25 23:00"),  # the day's midnight, BST
        ("2025-03-30 01:30", "2025-03-30 00:00"),  # GMT
        (dt.date(2025, 10, 26), "2025-10-25 23:00"),
    ],
)
def test_an_evaluation_day_given_with_a_time_where_the_clocks_change_starts_at_midnight(day, utc):
    from healthy_streets.analysis.evaluation import _day_start

    assert f"{_day_start(day).tz_convert('UTC'):%Y-%m-%d %H:%M}" == utc


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2016-02-01", dt.date(2016, 2, 1)),
        ("2016-02-01T10:30", dt.date(2016, 2, 1)),
        (" 31/01/2016 ", dt.date(2016, 1, 31)),  # only day first can read it
        ("1 Feb 2016", dt.date(2016, 2, 1)),
        ("05/05/2016", dt.date(2016, 5, 5)),  # the same either way round
        (dt.date(2016, 2, 1), dt.date(2016, 2, 1)),
    ],
)
def test_a_day_given_to_a_function_is_read_as_written(value, day):
    read = day_argument(value, "start")
    assert (read.year, read.month, read.day) == (day.year, day.month, day.day)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("01/02/2016", "could be 1 February 2016 (day first, as in the UK) or 2 January 2016"),
        ("3.4.16", "could be 3 April 2016 (day first, as in the UK) or 4 March 2016"),
        ("07/31/2016", "is not a date"),  # a US date is not guessed either
        ("March 2016", "is not a date"),  # a month is not a day
        ("", "is not a date"),
        (None, "is not a date"),
    ],
)
def test_a_day_that_could_be_misread_is_refused(value, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        day_argument(value, "start")
