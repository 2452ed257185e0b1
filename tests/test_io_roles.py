"""Column roles by header and by content, with every guess said."""

from __future__ import annotations

import pandas as pd
import pytest

from healthy_streets.errors import ConfigError, InputFileError
from healthy_streets.io._roles import (
    MISSING_TEXTS,
    Role,
    blank_missing,
    date_after_name,
    find_roles,
    folded_text,
    header_matches,
    looks_like_name,
    looks_like_plain_date,
    missing_text_cells,
    name_before_date,
)

NAME = Role(
    "name",
    ("zone_name", "scheme_name", "name", "location"),
    looks_like_name,
    share=0.8,
    what="are short distinct texts",
    distinct=True,
    split=name_before_date,
    what_split="a name and then a date",
)
DATE = Role(
    "date",
    ("implementation_date", "impl_date", "go_live", "date"),
    looks_like_plain_date,
    share=0.8,
    what="read as dates",
    contradicts_below=0.5,
    split=date_after_name,
    what_split="a name and then a date",
)
NOTES = Role("notes", ("notes", "comments"))
ROLES = (NAME, DATE, NOTES)


@pytest.mark.parametrize(
    ("header", "synonym", "how"),
    [
        ("ZONE_NAME", "zone_name", "exact"),
        ("Zone Name", "zone_name", "exact"),
        ("SCHEME_NAM", "scheme_name", "cut"),
        ("Implementa", "implementation_date", "cut"),
        ("Implemen_1", "implementation_date", "cut"),
        ("Name", "names", None),
        ("Date", "date_built", None),  # a short header is a word, not a cut
    ],
)
def test_headers_match_whole_or_cut_to_ten_characters(header, synonym, how):
    assert header_matches(header, synonym) == how


def test_a_shapefiles_cut_headers_find_the_date_not_the_name_that_holds_one():
    # the name field holds "Zone 4, 16 Aug 2017"; the real date field is a cut twin
    frame = pd.DataFrame(
        {
            "OBJECTID": ["1", "2", "3"],
            "Implementa": ["Zone 4,  16 Aug 2017", "Zone 5, 1 Sep 2018", "Zone 6, 2 May 2019"],
            "Implemen_1": ["16/08/2017", "01/09/2018", "02/05/2019"],
        }
    )
    roles = find_roles("zones.shp", frame, ROLES)
    assert roles["date"] == "Implemen_1"
    assert roles["name"] == "Implementa"
    assert roles.column_values(frame, NAME).tolist() == ["Zone 4", "Zone 5", "Zone 6"]
    text = roles.describe()
    assert "date <- 'Implemen_1' (header, cut to 10 characters)" in text
    assert "name <- 'Implementa' (split: 100% of its values hold a name and then a date)" in text
    assert "no column for notes" in text


def test_one_field_holding_name_and_date_gives_both():
    frame = pd.DataFrame({"LABEL": ["Zone 1, 31 Jul 2016", "Zone 2 (July 2017)"]})
    roles = find_roles("zones.shp", frame, ROLES)
    assert (roles["name"], roles["date"]) == ("LABEL", "LABEL")
    assert roles.column_values(frame, NAME).tolist() == ["Zone 1", "Zone 2"]
    assert roles.column_values(frame, DATE).tolist() == ["31 Jul 2016", "July 2017"]


def test_a_name_column_with_dates_in_it_gives_the_date_and_a_clean_name():
    frame = pd.DataFrame({"ZONE_NAME": ["Zone 1, 31 Jul 2016", "Zone 2, 1 Aug 2017"]})
    roles = find_roles("zones.geojson", frame, ROLES)
    assert roles.column_values(frame, NAME).tolist() == ["Zone 1", "Zone 2"]
    assert roles.column_values(frame, DATE).tolist() == ["31 Jul 2016", "1 Aug 2017"]
    assert "header; its part of values holding a name and then a date" in roles.describe()


def test_values_decide_when_the_header_does_not():
    frame = pd.DataFrame(
        {
            "F1": ["Church Fields", "Kestrel Park", "Yarrow Meadows", "Cowslip"],
            "F2": ["2016-07-31", "2017-01-02", "2018-03-04", "2019-05-06"],
            "F3": ["a", "a", "a", "a"],
        }
    )
    roles = find_roles("zones.csv", frame, ROLES)
    assert (roles["name"], roles["date"]) == ("F1", "F2")
    assert "date <- 'F2' (content: 100% of its values read as dates)" in roles.describe()


def test_a_header_whose_values_contradict_it_is_refused_and_said():
    frame = pd.DataFrame({"Date": ["Church Fields", "Kestrel Park", "Cowslip"]})
    roles = find_roles("zones.csv", frame, (DATE,))
    assert roles["date"] is None
    assert "only 0% of its values read as dates" in roles.describe()


def test_the_users_word_wins_and_must_name_a_real_column():
    frame = pd.DataFrame({"A": ["x", "y"], "B": ["2016-01-01", "2017-01-01"]})
    roles = find_roles("f.csv", frame, ROLES, {"name": "b"})
    assert roles["name"] == "B"
    assert roles.guesses["name"].how == "named by you"
    with pytest.raises(InputFileError, match="no column 'C' for the name"):
        find_roles("f.csv", frame, ROLES, {"name": "C"})
    with pytest.raises(ConfigError, match="Unknown field role"):
        find_roles("f.csv", frame, ROLES, {"colour": "A"})


@pytest.mark.parametrize("text", ["NA", "N/A", "n/a", "null", "None", "-", "", "   ", " na "])
def test_missing_value_texts_are_missing(text):
    frame = blank_missing(pd.DataFrame({"a": [text, "Kestrel"], "n": [1, 2]}))
    assert frame["a"].isna().tolist() == [True, False]
    assert frame["n"].tolist() == [1, 2]


@pytest.mark.parametrize("dtype", [object, "str"])
def test_blank_cells_found_over_a_column_are_those_folding_each_cell_finds(dtype):
    """Only short cells that start as a missing word does (or cells with spaces at an end)
    are folded: on cells made to confuse that (white space of every kind, letters whose
    case folds oddly, NUL, surrogates, numbers among the text), the cells found missing and
    those that said NaN are the ones folding every cell finds."""
    import random

    rng = random.Random(3)
    atoms = [
        *("", " ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\x1c", "\ud800", "\U0001f600"),
        *("NA", "n/a", "NaN", "nan", "None", "-", "--", "(blank)", "NULL", "#N/A", "n.a."),
        *("nil", "N", "(", "#", "x", "Dog bin", "İ", "\u212a", "é", "a" * 9),
    ]
    checked = 0
    for _ in range(1000):
        cells: list[object] = [
            "".join(rng.choice(atoms) for _ in range(rng.randint(0, 3)))
            for _ in range(rng.randint(0, 8))
        ]
        cells = [None if rng.random() < 0.1 else c for c in cells]
        if cells and rng.random() < 0.1:
            cells[0] = 3.5
        if cells and rng.random() < 0.05:
            cells[-1] = "a\x00b"
        try:
            values = pd.Series(cells, dtype=dtype)
        except (TypeError, ValueError):
            continue
        folded = folded_text(values)
        found = missing_text_cells(values)
        if folded is None:
            assert found is None
            continue
        assert found is not None
        assert found[0].tolist() == folded.isin(MISSING_TEXTS).tolist(), cells
        assert found[1].tolist() == (folded == "nan").fillna(False).tolist(), cells
        checked += int(found[0].any())
    assert checked > 250


@pytest.mark.parametrize(
    ("value", "name", "date"),
    [
        ("Zone 4,  16 Aug 2017", "Zone 4", "16 Aug 2017"),
        ("Church Fields - 2016-07-31", "Church Fields", "2016-07-31"),
        ("Phase 2: Autumn 2015?", "Phase 2", "Autumn 2015?"),
        ("Kestrel Park", None, None),
        ("16 Aug 2017", None, None),
    ],
)
def test_a_name_and_a_date_in_one_value(value, name, date):
    assert name_before_date(value) == name
    assert date_after_name(value) == date


def test_a_mostly_empty_column_is_not_chosen_by_its_values():
    frame = pd.DataFrame({"sccId": ["Kestrel Park", "Cowslip", "Heapey", *[None] * 9]})
    roles = find_roles("zones.geojson", frame, (NAME,))
    assert roles["name"] is None
    assert "'sccId' looked like it but is filled in only 3 of 12 rows" in roles.describe()


def test_a_cell_with_no_text_is_what_the_table_reader_says_and_the_others_none():
    import numpy as np

    frame = pd.DataFrame({"a": ["", "NA", " n/a", "Kestrel", "\u3000-\u3000"]})
    read = blank_missing(frame, empty=np.nan)
    assert [type(v).__name__ for v in read["a"]] == [
        "float",
        "NoneType",
        "NoneType",
        "str",
        "NoneType",
    ]
    assert blank_missing(frame)["a"].tolist() == [None, None, None, "Kestrel", None]
    assert frame["a"].tolist()[0] == ""  # the frame given is not changed


def test_a_column_named_for_the_name_gives_the_date_when_most_values_hold_one():
    # three of four values hold a date: enough when the header names the column for the name
    frame = pd.DataFrame(
        {
            "ZONE_NAME": [
                "Zone 4, 16 Aug 2017",
                "Zone 5, 1 Sep 2018",
                "Zone 6, 2 May 2019",
                "Zone 7 (proposed)",
            ]
        }
    )
    roles = find_roles("zones.shp", frame, ROLES)
    assert (roles["name"], roles["date"]) == ("ZONE_NAME", "ZONE_NAME")
    # a value holding no date is a name whole, and gives no date
    assert roles.column_values(frame, NAME).tolist() == [
        "Zone 4",
        "Zone 5",
        "Zone 6",
        "Zone 7 (proposed)",
    ]
    assert roles.column_values(frame, DATE).tolist() == [
        "16 Aug 2017",
        "1 Sep 2018",
        "2 May 2019",
        None,
    ]
    assert "date <- 'ZONE_NAME' (split: 75% of its values hold a name and then a date)" in (
        roles.describe()
    )


def test_a_column_no_header_names_is_split_only_when_nearly_all_values_hold_two_roles():
    frame = pd.DataFrame(
        {"F1": ["Zone 4, 16 Aug 2017", "Zone 5, 1 Sep 2018", "Zone 6, 2 May 2019", "Zone 7"]}
    )
    roles = find_roles("zones.csv", frame, ROLES)
    assert roles["date"] is None
    assert "split" not in roles.describe()


def test_a_column_the_user_names_for_both_the_name_and_the_date_is_split():
    frame = pd.DataFrame({"LABEL": ["Zone 4, 16 Aug 2017", "Zone 5, 1 Sep 2018", "Zone 6"]})
    roles = find_roles("zones.csv", frame, ROLES, {"name": "LABEL", "date": "LABEL"})
    assert roles.column_values(frame, NAME).tolist() == ["Zone 4", "Zone 5", "Zone 6"]
    assert roles.column_values(frame, DATE).tolist() == ["16 Aug 2017", "1 Sep 2018", None]
    assert (
        "date <- 'LABEL' (named by you; split: 67% of its values hold a name and then a date)"
        in roles.describe()
    )


def test_a_split_columns_missing_cells_stay_missing():
    frame = pd.DataFrame({"ZONE_NAME": ["Zone 4, 16 Aug 2017", None, "Zone 2, 1 Sep 2018", None]})
    roles = find_roles("zones.geojson", frame, ROLES)
    names = roles.column_values(frame, NAME)
    assert names.tolist() == ["Zone 4", None, "Zone 2", None]  # None, never NaN or "nan"
    assert roles.column_values(frame, DATE).isna().tolist() == [False, True, False, True]


def test_a_looser_test_applies_only_where_the_header_names_the_role():
    serial = Role(
        "date",
        ("go_live",),
        looks_like_plain_date,
        what="read as dates",
        contradicts_below=0.5,
        content_by_header=lambda v: v.isdigit() or looks_like_plain_date(v),
    )
    frame = pd.DataFrame({"GO_LIVE": ["42963", "43344"], "REF": ["42963", "43344"]})
    roles = find_roles("zones.csv", frame, (serial,))
    assert roles["date"] == "GO_LIVE"
    assert find_roles("zones.csv", frame[["REF"]], (serial,))["date"] is None
