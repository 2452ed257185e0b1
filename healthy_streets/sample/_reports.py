"""Resident reports as FixMyStreet would hold them, with a planted before/after effect.

Dog fouling reports arrive as a Poisson-like process in each region: 16 hourly slots a day
(07:00 to 22:59), each holding a report with probability ``rate / 16`` (the Bernoulli
approximation of a Poisson process, using only ``random.Random.random``). In zone A the
rate drops from 8 to 3.5 a month when the zone is implemented; elsewhere it is constant.
Other categories arrive at lower constant rates anywhere.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from ._geo import Point, to_lonlat
from ._locate import OUTSIDE, Locator
from ._model import World
from ._names import PersonNames

__all__ = [
    "DOG_CATEGORIES",
    "DOG_RATES",
    "END",
    "OTHER_RATES",
    "START",
    "Report",
    "build_reports",
    "local_offset",
    "new_report",
]

#: First and last day of the reports (the export was taken at the end of ``END``).
START = dt.date(2019, 1, 1)
END = dt.date(2025, 10, 31)
EXPORTED = dt.datetime(2025, 11, 1, 0, 0)

#: Dog fouling reports per month by region: (before, after, change date or None).
DOG_RATES: dict[str, tuple[float, float, dt.date | None]] = {
    "A": (8.0, 3.5, dt.date(2021, 9, 6)),
    "B": (5.0, 5.0, None),
    "C": (3.0, 3.0, None),
    "D": (3.0, 3.0, None),
    OUTSIDE: (10.0, 10.0, None),
}
#: The spellings of dog fouling in the export, with their shares.
DOG_CATEGORIES = (("Dog fouling", 0.55), ("Dog Fouling", 0.3), ("Dog Mess", 0.15))
#: Other categories: reports per month over the whole neighbourhood.
OTHER_RATES = {
    "Litter": 1.1,
    "Street cleaning": 0.5,
    "Flytipping": 0.35,
    "Fly Tipping": 0.3,
    "Fly-Tipping": 0.25,
    "SC-Fly-Tip Defect": 0.2,
    "Speeding": 0.5,
    "Potholes": 1.1,
    "Street lighting": 0.6,
    "Graffiti": 0.3,
    "Overgrown vegetation": 0.45,
    "Abandoned vehicles": 0.3,
}

_SLOTS = range(7, 23)
_DAYS_PER_MONTH = 365.25 / 12

_TITLES = {
    "dog": (
        "Dog fouling",
        "Dog mess on pavement",
        "Dog poo on footpath",
        "Dog fouling outside school",
        "Dog mess by bench",
        "Dog fouling on grass verge",
        "Repeated dog fouling",
        "Dog mess near play area",
    ),
    "Litter": ("Litter", "Litter on verge", "Overflowing litter bin", "Rubbish outside shops"),
    "Street cleaning": ("Leaves blocking pavement", "Mud on road", "Broken glass on pavement"),
    "fly": ("Fly tipping", "Mattress dumped", "Rubble dumped", "Bags of rubbish dumped"),
    "Speeding": ("Speeding traffic", "Cars speeding", "Speeding near school", "Racing at night"),
    "Potholes": ("Pothole", "Deep pothole", "Pothole near drain", "Potholes in road"),
    "Street lighting": ("Street light out", "Light flickering", "Street light on in daytime"),
    "Graffiti": ("Graffiti on wall", "Graffiti on bus shelter", "Tagging on sign"),
    "Overgrown vegetation": ("Overgrown hedge", "Hedge blocking pavement", "Brambles over path"),
    "Abandoned vehicles": ("Abandoned car", "Untaxed car parked for weeks", "Abandoned van"),
}
_DETAILS = (
    "On {street}.",
    "Outside number {number}, {street}.",
    "Near the junction with {street}.",
    "Been like this for a fortnight.",
    "Every morning this week.",
    'Neighbours say it is "getting worse".',
    "By the bench, near the park gate.",
    "Second time I've reported this.",
    "Please sort.\nThanks.",
    "",
)
_SUBCATEGORIES = {
    "Flytipping": ("Household waste", "Builders' waste", ""),
    "Fly Tipping": ("Furniture", ""),
    "Street lighting": ("Light out", "Light on in day"),
    "Potholes": ("Carriageway", "Footway"),
}
_Weights = tuple[tuple[str, float], ...]
# FixMyStreet's states, with the share of each within its group.
_OPEN: _Weights = (
    ("confirmed", 0.45),
    ("investigating", 0.2),
    ("in progress", 0.15),
    ("planned", 0.1),
    ("action scheduled", 0.1),
)
_FIXED: _Weights = (("fixed", 0.5), ("fixed - council", 0.35), ("fixed - user", 0.15))
_CLOSED: _Weights = (
    ("closed", 0.35),
    ("unable to fix", 0.2),
    ("not responsible", 0.2),
    ("duplicate", 0.15),
    ("internal referral", 0.1),
)
_CONTACTS = (
    " Call me on 07700 900{n:03d}.",
    " Email {user}@example.com if you need more.",
    " Ring 01632 960{n:03d} after 5pm.",
    " My mobile is +44 7700 900{n:03d}.",
)


@dataclass
class Report:
    """One resident report as the FixMyStreet export holds it."""

    report_id: int
    created: dt.datetime
    category: str
    subcategory: str
    title: str
    detail: str
    user_name: str
    status: str
    confirmed: dt.datetime
    acknowledged: dt.datetime | None
    fixed: dt.datetime | None
    closed: dt.datetime | None
    point: Point
    lonlat: tuple[float, float]
    street: str
    region: str
    ward: str
    device: str
    site: str

    @property
    def is_dog_fouling(self) -> bool:
        """Whether the category is one of the spellings of dog fouling."""
        return self.category in dict(DOG_CATEGORIES)


def _weighted(rng: random.Random, choices: _Weights) -> str:
    target = rng.random() * sum(w for _, w in choices)
    for value, weight in choices:
        target -= weight
        if target < 0:
            return value
    return choices[-1][0]


def _events(
    rng: random.Random,
    rate: float,
    after: float,
    change: dt.date | None,
    first: dt.date,
    last: dt.date,
) -> list[dt.datetime]:
    """Times of a Poisson-like process, ``rate`` per month (``after`` from ``change``)."""
    times = []
    day = first
    while day <= last:
        monthly = after if change is not None and day >= change else rate
        p = monthly / _DAYS_PER_MONTH / len(_SLOTS)
        for hour in _SLOTS:
            if rng.random() < p:
                minute = rng.randrange(60)
                times.append(dt.datetime(day.year, day.month, day.day, hour, minute))
        day += dt.timedelta(days=1)
    return times


def build_reports(world: World, locator: Locator, rng: random.Random) -> list[Report]:
    """Generate the FixMyStreet reports of the sample, in order of creation.

    Parameters
    ----------
    world : World
        The neighbourhood (its zones decide where dog fouling falls).
    locator : Locator
        Places reports near streets in the wanted region.
    rng : random.Random
        Source of times, places and wording.

    Returns
    -------
    list of Report
        Reports from :data:`START` to :data:`END` with increasing ids.
    """
    drafts: list[tuple[dt.datetime, str, Point]] = []
    for region, (before, after, change) in DOG_RATES.items():
        for when in _events(rng, before, after, change, START, END):
            category = _weighted(rng, DOG_CATEGORIES)
            drafts.append((when, category, locator.point(rng, region)))
    other = tuple(OTHER_RATES.items())
    for when in _events(rng, sum(OTHER_RATES.values()), 0.0, None, START, END):
        category = _weighted(rng, other)
        main = True if category == "Speeding" and rng.random() < 0.6 else None
        drafts.append((when, category, locator.point(rng, "*", main_road=main)))
    drafts.sort(key=lambda d: d[0])
    people = PersonNames(rng, 220).names
    reports = []
    last_id = 0
    for when, category, point in drafts:
        last_id = _next_id(when, last_id, rng)
        reports.append(new_report(last_id, when, category, point, locator, people, rng))
    _add_contact_details(reports, rng)
    return reports


def _next_id(when: dt.datetime, last: int, rng: random.Random) -> int:
    minutes = (when - dt.datetime(2019, 1, 1)).total_seconds() / 60
    return max(last + 1, 1850000 + int(minutes * 0.75) + rng.randrange(40))


def new_report(
    report_id: int,
    when: dt.datetime,
    category: str,
    point: Point,
    locator: Locator,
    people: list[str],
    rng: random.Random,
) -> Report:
    """Make one report: wording, reporter, device, state and the dates that go with it.

    Parameters
    ----------
    report_id : int
        FixMyStreet's report number.
    when : datetime.datetime
        When the report was made (UK local time).
    category : str
        The category as the resident chose it.
    point : Point
        Where it was reported (British National Grid, whole metres).
    locator : Locator
        Names the nearest street.
    people : list of str
        Names of residents who report under their own name.
    rng : random.Random
        Source of choices.

    Returns
    -------
    Report
        The report.
    """
    family = "dog" if category in dict(DOG_CATEGORIES) else category
    if "fly" in category.lower() and "tip" in category.lower():
        family = "fly"
    street = locator.nearest_street(point)
    title = rng.choice(_TITLES[family])
    detail = rng.choice(_DETAILS).format(street=street, number=rng.randrange(1, 120))
    anonymous = rng.random() < 0.4
    report = Report(
        report_id=report_id,
        created=when,
        category=category,
        subcategory=rng.choice(_SUBCATEGORIES.get(category, ("",))),
        title=title,
        detail=detail,
        user_name="(anonymous)" if anonymous else rng.choice(people),
        status="confirmed",
        confirmed=when + dt.timedelta(minutes=rng.randrange(0, 20)),
        acknowledged=None,
        fixed=None,
        closed=None,
        point=point,
        lonlat=to_lonlat(point),
        street=street,
        region=locator.region_of(point),
        ward=locator.ward_of(point),
        device="mobile" if rng.random() < 0.6 else "desktop",
        site="fixmystreet" if rng.random() < 0.55 else "lancashire",
    )
    _set_status(report, rng)
    return report


def _office_time(day: dt.datetime, rng: random.Random) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, rng.randrange(8, 17), rng.randrange(60))


def _set_status(report: Report, rng: random.Random) -> None:
    """Choose a state by the report's age, with dates that agree with it."""
    age = (EXPORTED - report.created).days
    chance_open = 0.8 if age < 14 else 0.35 if age < 120 else 0.06
    if rng.random() < chance_open:
        report.status = _weighted(rng, _OPEN)
    else:
        fixed = rng.random() < 0.65
        report.status = _weighted(rng, _FIXED if fixed else _CLOSED)
        done = _office_time(report.created + dt.timedelta(days=rng.randrange(2, 60)), rng)
        if done >= EXPORTED:
            report.status = "in progress"
        elif fixed:
            report.fixed = done
        else:
            report.closed = done
    if report.status != "confirmed":
        ack = _office_time(report.created + dt.timedelta(days=rng.randrange(1, 4)), rng)
        end = report.fixed or report.closed or EXPORTED
        report.acknowledged = min(max(ack, report.confirmed), end)


def _add_contact_details(reports: list[Report], rng: random.Random) -> None:
    """Put phone numbers and email addresses in a few titles and details."""
    named = [r for r in reports if r.user_name != "(anonymous)"]
    for number, report in enumerate(rng.sample(named, 9)):
        user = report.user_name.lower().replace(" ", ".")
        text = _CONTACTS[number % len(_CONTACTS)].format(n=rng.randrange(1000), user=user)
        if number == 0:
            report.title = f"{report.title} - call 07700 900{rng.randrange(1000):03d}"
        else:
            report.detail = (report.detail + text).strip()


def local_offset(when: dt.datetime) -> str:
    """Return the UK offset from UTC in force at a local time (``+01:00`` in summer).

    British Summer Time runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the
    last Sunday of October (local times in the repeated hour are read as summer time).

    Parameters
    ----------
    when : datetime.datetime
        A local (naive) time in the UK.

    Returns
    -------
    str
        ``"+00:00"`` or ``"+01:00"``.
    """
    start = _last_sunday(when.year, 3)
    end = _last_sunday(when.year, 10)
    summer = (
        dt.datetime(start.year, 3, start.day, 1) <= when < dt.datetime(end.year, 10, end.day, 2)
    )
    return "+01:00" if summer else "+00:00"


def _last_sunday(year: int, month: int) -> dt.date:
    last = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - 6) % 7)
