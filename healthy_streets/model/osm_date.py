"""How old an OpenStreetMap extract's data is: read from the file, said on the maps.

An officer may build maps from an extract downloaded years ago; the maps and the build's
notes say the date of its data, so that nobody takes a street map of 2015 for today's.

The date comes, in this order, from the file's header (a PBF's
``osmosis_replication_timestamp``, which Geofabrik and ``osmium`` write), the XML's own
``<osm timestamp="...">`` or an Overpass export's ``<meta osm_base="...">``: the moment the
data was taken out of OpenStreetMap ("data of"); else from the newest timestamp of the
file's ways ("data up to": the extract is at least that recent, and may be newer). A file
that says none has no date, and nothing is said.

Text from a file is data: it is read as a date (:func:`osm_date_from_text`) and only the
date is ever shown.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = ["BASES", "OLD_AFTER_YEARS", "OsmDate", "osm_date_from_text", "osm_date_of_imports"]

#: Where a date came from -> how the build's notes name it.
BASES = {
    "replication": "the extract's replication timestamp",
    "timestamp": "the file's timestamp",
    "osm_base": "the Overpass export's osm_base",
    "newest": "the newest timestamp of the file's ways",
}
#: Data older than this many years is warned of in the build's notes.
OLD_AFTER_YEARS = 2
#: OpenStreetMap began in 2004: a date before it is no date of its data.
_FIRST_DAY = dt.date(2004, 8, 1)
#: ISO 8601 as OpenStreetMap writes it (``2015-02-25T10:15:02Z``), a day at least.
_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)


@dataclass(frozen=True)
class OsmDate:
    """The date of an extract's data (UTC), and what it was read from (:data:`BASES`)."""

    day: dt.date
    basis: str

    @property
    def up_to(self) -> bool:
        """Whether the date is only the newest element's: the data is at least that recent."""
        return self.basis == "newest"

    @property
    def day_text(self) -> str:
        """``25 February 2015``."""
        return f"{self.day.day} {self.day:%B %Y}"

    def phrase(self) -> str:
        """``data of 25 February 2015`` (``data up to ...`` from the newest way)."""
        return f"data {'up to' if self.up_to else 'of'} {self.day_text}"

    def sentence(self) -> str:
        """What the build's notes say: ``OpenStreetMap data of 25 February 2015 (the
        extract's replication timestamp).``"""
        return f"OpenStreetMap {self.phrase()} ({BASES.get(self.basis, self.basis)})."

    def is_old(self, today: dt.date | None = None) -> bool:
        """Whether the data is more than :data:`OLD_AFTER_YEARS` years older than ``today``."""
        today = today or dt.date.today()
        try:
            limit = today.replace(year=today.year - OLD_AFTER_YEARS)
        except ValueError:  # 29 February
            limit = today.replace(year=today.year - OLD_AFTER_YEARS, day=28)
        return self.day < limit

    def old_warning(self, today: dt.date | None = None) -> str | None:
        """The build's warning of old data (``None`` when it is recent enough)."""
        if not self.is_old(today):
            return None
        return (
            f"Warning: the OpenStreetMap data is from {self.day.year}: streets and places may "
            "have changed since; download a newer extract."
        )

    def as_record(self) -> dict[str, str]:
        """As a build record keeps it."""
        return {"day": self.day.isoformat(), "basis": self.basis}

    @classmethod
    def from_record(cls, entry: Any) -> OsmDate | None:
        """From :meth:`as_record` (``None`` for anything else: a record edited by hand)."""
        if not isinstance(entry, dict) or entry.get("basis") not in BASES:
            return None
        return osm_date_from_text(entry.get("day"), str(entry["basis"]))


def osm_date_from_text(text: Any, basis: str) -> OsmDate | None:
    """The date of ``text`` (an ISO 8601 timestamp as OpenStreetMap writes it, or a day),
    in UTC; ``None`` when it is no such date, or one before OpenStreetMap began or after
    tomorrow."""
    if isinstance(text, bytes):
        text = text.decode("ascii", "replace")
    if not isinstance(text, str) or not _ISO.fullmatch(text.strip()):
        return None
    try:
        moment = pd.Timestamp(text.strip())
    except (ValueError, OverflowError):
        return None
    if moment is pd.NaT or pd.isna(moment):
        return None
    if moment.tzinfo is not None:
        moment = moment.tz_convert("UTC")
    day = moment.date()
    if not _FIRST_DAY <= day <= dt.date.today() + dt.timedelta(days=1):
        return None
    return OsmDate(day=day, basis=basis)


def osm_date_of_imports(imports: Any) -> OsmDate | None:
    """The date of the street network's OpenStreetMap data among a build's imports."""
    for result in imports or ():
        date = getattr(result, "data_date", None)
        if getattr(result, "kind", "") == "streets" and isinstance(date, OsmDate):
            return date
    return None
