import pandas as pd
import pytest

from healthy_streets.model.privacy import is_personal_column, redact, redact_series


@pytest.mark.parametrize(
    "name",
    [
        "User Name",
        "Staff User",
        "requestor_name",
        "Email",
        "e-mail address",
        "Phone",
        "Telephone",
        "Added By",
        "contact_number",
        "Reporter",
    ],
)
def test_personal_columns(name):
    assert is_personal_column(name)


@pytest.mark.parametrize("name", ["Category", "Report ID", "Ward", "Hotel", "Title", "Name"])
def test_other_columns(name):
    assert not is_personal_column(name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call me on 07700 900123 please", "call me on [phone removed] please"),
        ("ring 01257 515151", "ring [phone removed]"),
        ("+44 7700 900123", "[phone removed]"),
        ("(01257) 515 151 after 6", "[phone removed] after 6"),
        ("email jo.bloggs@example.com", "email [email removed]"),
        ("Report 12345 at 10:30 on 25/11/2026", "Report 12345 at 10:30 on 25/11/2026"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def test_redact_series_keeps_missing_values():
    out = redact_series(pd.Series(["a@b.co.uk", None]))
    assert out.iloc[0] == "[email removed]"
    assert pd.isna(out.iloc[1])
