"""The toolkit's fixed vocabularies, defined once.

The command line's choices (``--nation``, ``--format``, ``--control``, ``--adjust``), the
project file's checks and its documentation (``healthy-streets init``'s README), and the
library's own checks all read them from here. Light on purpose: the command line imports it
to build its ``--help``.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from healthy_streets.errors import ConfigError

__all__ = [
    "ADJUSTMENTS",
    "ADJUSTMENT_NAMES",
    "CONTROLS",
    "NATIONS",
    "REPORT_FORMATS",
    "TIERS",
    "choose",
    "words",
]

#: The UK nations whose rules on restricted roads differ (``GB:nsl_restricted``).
NATIONS = ("england", "wales", "scotland", "northern_ireland")
#: The kinds of report file: FixMyStreet's CSV export, Open311 GeoReport v2, a council CSV.
REPORT_FORMATS = ("fixmystreet", "open311", "csv")
#: The tiers of local government that handle a report category.
TIERS = ("county", "district")
#: The evaluation's comparison areas (:func:`healthy_streets.before_after`).
CONTROLS = ("outside", "ring", "not_yet_treated")
#: Adjustments for many tests at once: Holm, Benjamini-Hochberg, none.
ADJUSTMENTS = ("holm", "bh", "none")
#: Each adjustment's name in plain words.
ADJUSTMENT_NAMES = {"holm": "Holm", "bh": "Benjamini-Hochberg", "none": "not adjusted"}


def words(values: Sequence[str], *, last: str = "or") -> str:
    """``values`` as a phrase.

    >>> words(NATIONS)
    'england, wales, scotland or northern_ireland'
    """
    values = list(values)
    if len(values) < 2:
        return "".join(values)
    return f"{', '.join(values[:-1])} {last} {values[-1]}"


def choose(value: object, allowed: Sequence[str], *, what: str) -> str:
    """``value`` as one of ``allowed``, read in any case with spaces or hyphens for
    underscores ("Northern Ireland" is ``northern_ireland``).

    Parameters
    ----------
    value
        As the user wrote it.
    allowed
        The vocabulary.
    what
        What is chosen, for the message ("The nation", ``nation=``).

    Raises
    ------
    ConfigError
        When ``value`` is none of them, suggesting the closest.

    Examples
    --------
    >>> choose("Northern Ireland", NATIONS, what="The nation")
    'northern_ireland'
    >>> choose("englnd", NATIONS, what="The nation")
    Traceback (most recent call last):
    ...
    healthy_streets.errors.ConfigError: The nation 'englnd' should be one of england, wales, \
scotland or northern_ireland. Did you mean 'england'?
    """
    chosen = "_".join(str(value).strip().lower().replace("-", " ").split())
    if chosen not in allowed:
        close = difflib.get_close_matches(chosen, list(allowed), n=2, cutoff=0.6)
        guess = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
        raise ConfigError(f"{what} {value!r} should be one of {words(allowed)}.{guess}")
    return chosen
