"""Open311 GeoReport v2 requests, as FixMyStreet serves them, half of them already exported.

The toolkit reads both sources; the requests that repeat a report of the CSV export (same
id, same place) must be counted once.
"""

from __future__ import annotations

import datetime as dt
import random

from ._locate import Locator
from ._names import PersonNames
from ._reports import DOG_CATEGORIES, OTHER_RATES, Report, local_offset, new_report

__all__ = ["COUNTY_CATEGORIES", "build_open311"]

#: Categories the county council (highway authority) deals with; the district deals with
#: the rest (dog fouling, litter, fly-tipping, graffiti, abandoned vehicles).
COUNTY_CATEGORIES = frozenset({"Speeding", "Potholes", "Street lighting", "Overgrown vegetation"})

_OPEN_STATES = frozenset(
    {"confirmed", "investigating", "in progress", "planned", "action scheduled"}
)
_CODES = {
    "Dog fouling": "DF01",
    "Dog Fouling": "DF01",
    "Dog Mess": "DF02",
    "Litter": "LT01",
    "Street cleaning": "SC01",
    "Flytipping": "FT01",
    "Fly Tipping": "FT01",
    "Fly-Tipping": "FT02",
    "SC-Fly-Tip Defect": "SC-FT",
    "Speeding": "HW-SPD",
    "Potholes": "HW-POT",
    "Street lighting": "HW-SL",
    "Graffiti": "GR01",
    "Overgrown vegetation": "HW-VEG",
    "Abandoned vehicles": "AV01",
}
_NOTES = {
    "fixed": "Cleared by the street cleansing team.",
    "fixed - council": "Work completed.",
    "fixed - user": "",
    "closed": "Closed after inspection.",
    "unable to fix": "Inspected; no action possible at present.",
    "not responsible": "Passed to the responsible authority.",
    "duplicate": "Duplicate of an earlier report.",
    "internal referral": "Referred to the highways team.",
    "investigating": "An officer will inspect.",
    "in progress": "Job raised.",
    "planned": "Added to the works programme.",
    "action scheduled": "Scheduled for the next visit.",
    "confirmed": "",
}


def build_open311(
    reports: list[Report], locator: Locator, rng: random.Random
) -> tuple[list[dict[str, object]], list[int]]:
    """Build the Open311 requests: ten copies of exported reports and ten newer ones.

    Parameters
    ----------
    reports : list of Report
        The CSV export's reports.
    locator : Locator
        Places the newer requests near streets.
    rng : random.Random
        Source of choices.

    Returns
    -------
    requests : list of dict
        GeoReport v2 requests with FixMyStreet's extra fields, oldest first.
    duplicated : list of int
        Ids of the requests that repeat a report of the CSV export.
    """
    recent = [r for r in reports if r.created.year == 2025]
    copies = rng.sample(recent, 10)
    newer = _newer(reports[-1].report_id, locator, rng)
    chosen = sorted([*copies, *newer], key=lambda r: r.report_id)
    names = {r.report_id for r in rng.sample(chosen, 5) if r.user_name != "(anonymous)"}
    requests = [_request(r, rng, with_name=r.report_id in names) for r in chosen]
    return requests, sorted(r.report_id for r in copies)


def _newer(last_id: int, locator: Locator, rng: random.Random) -> list[Report]:
    """Reports made after the CSV export was taken (November 2025)."""
    categories = [c for c, _ in DOG_CATEGORIES] + list(OTHER_RATES)
    people = PersonNames(rng, 12).names
    made = []
    when = dt.datetime(2025, 11, 1, 8, 0)
    for _ in range(10):
        when += dt.timedelta(hours=rng.randrange(20, 44), minutes=rng.randrange(60))
        last_id += rng.randrange(900, 1600)
        point = locator.point(rng)
        made.append(new_report(last_id, when, rng.choice(categories), point, locator, people, rng))
    return made


def _iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S") + local_offset(when)


def _request(report: Report, rng: random.Random, *, with_name: bool) -> dict[str, object]:
    updated = max(
        t for t in (report.confirmed, report.acknowledged, report.fixed, report.closed) if t
    )
    request: dict[str, object] = {
        "service_request_id": report.report_id,
        "status": "open" if report.status in _OPEN_STATES else "closed",
        "status_notes": _NOTES[report.status] or None,
        "service_name": report.category,
        "service_code": _CODES[report.category],
        "description": report.detail or report.title,
        "agency_responsible": (
            "Lancashire County Council"
            if report.category in COUNTY_CATEGORIES
            else "Chorley Borough Council"
        ),
        "requested_datetime": _iso(report.created),
        "updated_datetime": _iso(updated),
        "address": f"{report.street}, Chorley",
        "lat": report.lonlat[1],
        "long": report.lonlat[0],
        "media_url": (
            f"https://www.fixmystreet.com/photo/{report.report_id}.0.jpeg"
            if rng.random() < 0.4
            else ""
        ),
        "title": report.title,
        "detail": report.detail,
        "interface_used": "Web interface" if report.device == "desktop" else "mobile",
    }
    if with_name:
        request["requestor_name"] = report.user_name
    return request
