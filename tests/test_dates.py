import datetime as dt

import pytest

from healthy_streets.model.dates import date_as_known, parse_council_date


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
