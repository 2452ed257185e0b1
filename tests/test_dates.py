import datetime as dt

import pytest

from healthy_streets.model.dates import parse_council_date


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
    ],
)
def test_parse_council_date(text, date, precision):
    parsed = parse_council_date(text)
    assert (parsed.date, parsed.precision) == (date, precision)


def test_original_text_is_kept():
    assert parse_council_date("  Zone 1, 31 Jul 2016 ").text == "Zone 1, 31 Jul 2016"
