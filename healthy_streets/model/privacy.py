"""Personal data never leaves the importers.

Columns that hold people (reporter names, staff, emails, phones) are dropped by name, and
emails and phone numbers written inside free text are replaced by ``[email removed]`` and
``[phone removed]``. The rules are deliberately broad: a redacted reference number costs
little, a published phone number costs a lot.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["is_personal_column", "redact", "redact_series", "remove_names"]

_PERSONAL_COLUMN = re.compile(
    r"(^|[^a-z])(user ?name|username|name of reporter|reporter|requestor|requester|"
    r"staff|officer|e-?mail|phone|telephone|tel|mobile|contact|added by|recorded by|"
    r"submitted by|volunteer|author|first ?name|surname|last ?name|full ?name|"
    r"address|address line|house ?number|home)([^a-z]|$)",
    re.IGNORECASE,
)

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# UK numbers: 07700 900123, 01257 515151, +44 7700 900123, (01257) 515 151, 0800 123 4567.
_PHONE = re.compile(
    r"(?<![\w/])(?:(?:\+|00)44\s*\(?0?\)?\s*|\(?0)\d{2,4}\)?(?:[\s.-]{0,2}\d){6,8}(?![\w/])"
)

EMAIL_MARK = "[email removed]"
PHONE_MARK = "[phone removed]"
NAME_MARK = "[name removed]"
#: Values of a name column that are not names.
NOT_NAMES = frozenset({"anonymous", "(anonymous)", "anon", "n/a", "none", "unknown", "-"})


def is_personal_column(name: str) -> bool:
    """True for a column name that holds people or their contact details.

    >>> is_personal_column("User Name"), is_personal_column("Staff User")
    (True, True)
    >>> is_personal_column("Category")
    False
    """
    return bool(_PERSONAL_COLUMN.search(name.replace("_", " ")))


def redact(text: object) -> object:
    """Replace emails and UK phone numbers in ``text``; other values pass through.

    >>> redact("Call me on 07700 900123 or jo@example.com")
    'Call me on [phone removed] or [email removed]'
    """
    if not isinstance(text, str):
        return text
    return _PHONE.sub(PHONE_MARK, _EMAIL.sub(EMAIL_MARK, text))


def redact_series(values: pd.Series) -> pd.Series:
    """:func:`redact` over a column of text, vectorised."""
    text = values.astype("str")
    text = text.str.replace(_EMAIL, EMAIL_MARK, regex=True)
    text = text.str.replace(_PHONE, PHONE_MARK, regex=True)
    return text.where(values.notna(), None)


def remove_names(texts: pd.Series, names: pd.DataFrame) -> pd.Series:
    """Replace, in each row's text, the names that row's personal columns hold.

    FixMyStreet's "User Name" is dropped, but people write their own (or a neighbour's)
    name into the title or details too: "Anne Sharples reported this". Each name of the
    row (three letters or more, not "(anonymous)") becomes ``[name removed]``, in any case.
    """
    out = texts.astype("object").copy()
    if names.empty:
        return out
    for row, values in names.iterrows():
        text = out.get(row)
        if not isinstance(text, str):
            continue
        for value in values.dropna().astype("str"):
            name = value.strip()
            if len(name) < 3 or name.lower() in NOT_NAMES or "@" in name:
                continue
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", NAME_MARK, text, flags=re.IGNORECASE)
        out[row] = text
    return out
