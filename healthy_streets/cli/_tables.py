"""How the command line shows a table on screen: a missing value as a dash, never as
``NaN``, ``None`` or ``<NA>`` (the CSVs keep their empty cells).

pandas is imported when a table is shown, not with the command line: a command that stops
early (a misspelt zone, ``--help``) never loads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: What the screen shows for a missing value.
MISSING = "—"


def screen_text(frame: pd.DataFrame, *, index: bool = True) -> str:
    """``frame`` as text for the screen, each missing value shown as :data:`MISSING`.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"status": ["implemented", None], "days": [3.5, float("nan")]},
    ...                      index=pd.Index(["north", None], name="zone_id"))
    >>> print(screen_text(frame))  # doctest: +NORMALIZE_WHITESPACE
                  status  days
    zone_id
    north    implemented   3.5
    —                  —     —
    """
    import numpy as np
    import pandas as pd

    shown = frame.copy()
    for name in shown.columns:
        column = shown[name]
        plain = column.dtype.kind in "fmM" and not isinstance(
            column.dtype, pd.api.extensions.ExtensionDtype
        )
        # None in text and date columns, and <NA> in nullable integers, booleans and
        # categories, print as themselves whatever na_rep says; as NaN in objects they take it
        if not plain and column.isna().any():
            shown[name] = column.astype("object").where(column.notna(), np.nan)
    if index and not isinstance(shown.index, pd.MultiIndex) and shown.index.hasnans:
        shown.index = pd.Index(
            [MISSING if pd.isna(label) else label for label in shown.index],
            name=shown.index.name,
            dtype="object",
        )
    return shown.to_string(index=index, na_rep=MISSING)
