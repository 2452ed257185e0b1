"""What the sample was built to contain, measured on the generated data.

``truth.json`` lets tests (and people checking the toolkit) compare what an analysis finds
with what was planted: the before/after effect in zone A and its absence in zone B, the
speed-tagging cases, the school outside the zones, the Open311 duplicates.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter

from ._assets import GRID_REF_ONLY
from ._locate import OUTSIDE
from ._model import World, Zone
from ._reports import DOG_CATEGORIES, DOG_RATES, END, OTHER_RATES, START, Report

__all__ = ["WINDOW_MONTHS", "before_after", "build_truth"]

#: Length in months of the windows before and after each implementation date.
WINDOW_MONTHS = 12
_Z95 = 1.959964


def _shift_years(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year + years)


def before_after(reports: list[Report], zone: Zone) -> dict[str, object]:
    """Count dog fouling in 12-month windows around a zone's date, in it and outside zones.

    The ratio of ratios is (zone after / zone before) / (outside after / outside before);
    its 95 % confidence interval is taken on the log scale with standard error
    ``sqrt(1/a + 1/b + 1/c + 1/d)``.

    Parameters
    ----------
    reports : list of Report
        The FixMyStreet reports.
    zone : Zone
        A zone with an implementation date.

    Returns
    -------
    dict
        Window dates, the four counts, the ratio of ratios and its interval (4 decimals).
    """
    assert zone.impl_date is not None
    date = zone.impl_date
    start, end = _shift_years(date, -1), _shift_years(date, 1)
    counts: Counter[tuple[str, bool]] = Counter()
    for report in reports:
        day = report.created.date()
        if report.is_dog_fouling and start <= day < end and report.region in (zone.key, OUTSIDE):
            counts[(report.region, day >= date)] += 1
    a, b = counts[(zone.key, False)], counts[(zone.key, True)]
    c, d = counts[(OUTSIDE, False)], counts[(OUTSIDE, True)]
    ratio = (b / a) / (d / c)
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    low, high = ratio * math.exp(-_Z95 * se), ratio * math.exp(_Z95 * se)
    return {
        "zone": zone.key,
        "date": date.isoformat(),
        "before_window": [start.isoformat(), date.isoformat()],
        "after_window": [date.isoformat(), end.isoformat()],
        "zone_before": a,
        "zone_after": b,
        "outside_before": c,
        "outside_after": d,
        "ratio_of_ratios": round(ratio, 4),
        "log_se": round(se, 4),
        "ci95_low": round(low, 4),
        "ci95_high": round(high, 4),
        "ci_excludes_1": high < 1 or low > 1,
    }


def build_truth(
    world: World,
    reports: list[Report],
    duplicated: list[int],
    assets: list[list[object]],
    seed: int,
) -> dict[str, object]:
    """Collect the planted facts and the measured counts.

    Parameters
    ----------
    world : World
        The neighbourhood.
    reports : list of Report
        The FixMyStreet reports.
    duplicated : list of int
        Ids of Open311 requests that repeat a CSV report.
    assets : list of list
        The walkabout rows.
    seed : int
        The seed the sample was made with.

    Returns
    -------
    dict
        The content of ``truth.json``.
    """
    zones = {z.key: z for z in world.zones}
    return {
        "seed": seed,
        "crs": "EPSG:27700",
        "place": "Yarrowside: a fictional neighbourhood at real coordinates east of Chorley",
        "zones": [_zone_truth(z) for z in world.zones],
        "dog_fouling_categories": [c for c, _ in DOG_CATEGORIES],
        "dog_fouling_per_month_outside_zones": DOG_RATES[OUTSIDE][0],
        "other_categories_per_month_whole_area": OTHER_RATES,
        "window_months": WINDOW_MONTHS,
        "before_after": {k: before_after(reports, zones[k]) for k in ("A", "B")},
        "reports": _report_truth(reports, duplicated),
        "osm": _osm_truth(world),
        "assets": {"rows": len(assets), "grid_ref_only": GRID_REF_ONLY},
    }


def _zone_truth(zone: Zone) -> dict[str, object]:
    before, after, change = DOG_RATES[zone.key]
    return {
        "key": zone.key,
        "ZONE_NAME": zone.name,
        "TRO_REF": zone.tro_ref,
        "STATUS": zone.status,
        "IMPL_DATE": zone.impl_date_text,
        "impl_date": zone.impl_date.isoformat() if zone.impl_date else None,
        "geometry_type": zone.geometry.geom_type,
        "dog_fouling_per_month_before": before,
        "dog_fouling_per_month_after": after,
        "planted_effect": change is not None,
    }


def _report_truth(reports: list[Report], duplicated: list[int]) -> dict[str, object]:
    by_region = Counter(r.region or "outside" for r in reports if r.is_dog_fouling)
    contact = [
        r.report_id
        for r in reports
        if any(s in r.title + r.detail for s in ("@", "07700", "01632", "+44"))
    ]
    return {
        "first_day": START.isoformat(),
        "last_day": END.isoformat(),
        "fixmystreet_rows": len(reports),
        "dog_fouling_rows_by_region": dict(sorted(by_region.items())),
        "anonymous_rows": sum(r.user_name == "(anonymous)" for r in reports),
        "rows_with_contact_details": contact,
        "open311_requests": 20,
        "open311_duplicates_of_csv": duplicated,
    }


def _osm_truth(world: World) -> dict[str, object]:
    features: Counter[str] = Counter()
    for feature in world.features:
        tags = feature.tags
        if tags.get("waste") == "dog_excrement":
            features["dog_waste_bins"] += 1
        elif tags.get("amenity") == "waste_basket":
            features["litter_bins"] += 1
        for key in ("amenity", "leisure", "natural", "highway"):
            if key in tags:
                features[f"{key}={tags[key]}"] += 1
    crossings = sum(t.get("highway") == "crossing" for t in world.node_tags.values())
    facts = dict(sorted(world.facts.items()))
    return {
        "point_features": dict(sorted(features.items())),
        "crossing_nodes": crossings,
        **facts,
    }
