"""The README written next to the sample files."""

from __future__ import annotations

import textwrap
from typing import Any

__all__ = ["readme_text"]

_TEMPLATE = """\
# Yarrowside: the healthy_streets sample neighbourhood

Yarrowside is a **fictional** neighbourhood placed at real coordinates just east and south-east
of Chorley town centre, Lancashire (British National Grid about E 358100-359900,
N 416600-418000). Its streets, names, people and reports are invented; nothing here describes
real places or people. Every file was written by `healthy_streets.sample` with seed {seed};
the same seed gives the same bytes on any machine.

Regenerate with:

    python -m healthy_streets.sample data/sample

## Files

- `yarrowside.osm`: OpenStreetMap XML (API 0.6). Streets, paths, railway, river, parks,
  school grounds and point features (benches, bins, trees, bus stops, crossings, amenities),
  and one bus route relation.
- `zones.geojson`: the council's four 20mph zones. GeoJSON in EPSG:27700 with the CRS in
  the legacy `crs` member and shapefile-style fields `ZONE_NAME`, `TRO_REF`, `STATUS`,
  `IMPL_DATE`, `NOTES`.
- `assets_walkabout.csv`: {asset_rows} community assets typed up after walkabouts. Free-text
  categories; latitude/longitude or easting/northing (one row has only an OS grid
  reference); volunteers' names in `Added By`.
- `reports_fixmystreet.csv`: {report_rows} FixMyStreet reports ({first_day} to {last_day})
  in the export's column order, each within 12 m of a street and 250 m of a zone. About
  40 % are anonymous, the rest carry reporters' names;
  a few titles and details hold phone numbers or email addresses.
- `reports_open311.json`: 20 Open311 GeoReport v2 requests with FixMyStreet's extra fields;
  {duplicates} repeat a report of the CSV export (same id, same place) and must be counted
  once.
- `truth.json`: what was planted and what was measured (below), for tests.

## The zones

| key | ZONE_NAME | STATUS | IMPL_DATE (as written) | shape |
|---|---|---|---|---|
{zone_rows}

## Planted facts

- **Before/after effect in zone A.** Dog fouling reports (categories "Dog fouling", "Dog Fouling",
  "Dog Mess") arrive at about 8 a month in zone A before {a_date} and 3.5 a month after; about
  10 a month outside every zone throughout; 5 a month in zone B, 3 in zones C and D.
  Over 12 months either side of {a_date}: zone A {a_zb} -> {a_za}, outside {a_ob} -> {a_oa};
  ratio of ratios {a_ratio} (95 % CI {a_low} to {a_high}): a drop.
- **No effect in zone B.** Around {b_date}: zone B {b_zb} -> {b_za}, outside {b_ob} -> {b_oa};
  ratio of ratios {b_ratio} (95 % CI {b_low} to {b_high}), which includes 1.
- **Speed tagging.** Residential streets in the implemented zones carry `maxspeed=20 mph` and
  `maxspeed:type=GB:zone20`, except: in zone A {gap} still tagged 30 mph; {zone_only} with only
  `zone:maxspeed=GB:20`; {spell_a} tagged "20mph" and {spell_b} "20 MPH". Outside the zones:
  {twenty} is 20 mph by {school} (a school outside every zone) without a zone type; {type_only}
  has only `maxspeed:type=GB:nsl_restricted`; {bare} has `maxspeed=30` (a bare number: km/h);
  {listed} has `20 mph;30 mph`. Yarrowgate Road (A674) is 30 mph, 40 mph at its eastern end.
  Streets in the proposed zone D are tagged 30 mph or not at all.
- **Not streets.** The railway (`maxspeed=75 mph`), the River Yarrow, Tanyard Brook, parks,
  school grounds, allotments, a car park and a pedestrian square (`highway=pedestrian`,
  `area=yes`) are ways a careless loader would take for streets.
"""


def readme_text(truth: dict[str, Any]) -> str:
    """Render the README from the content of ``truth.json``.

    Parameters
    ----------
    truth : dict
        As returned by :func:`healthy_streets.sample._truth.build_truth`.

    Returns
    -------
    str
        Markdown text.
    """
    a, b = truth["before_after"]["A"], truth["before_after"]["B"]
    osm, reports = truth["osm"], truth["reports"]

    def names(case: str) -> str:
        return " and ".join(osm[case])

    zone_rows = "\n".join(
        f"| {z['key']} | {z['ZONE_NAME']} | {z['STATUS']} | {z['IMPL_DATE']} "
        f"| {z['geometry_type']} |"
        for z in truth["zones"]
    )
    values = {
        "seed": truth["seed"],
        "asset_rows": truth["assets"]["rows"],
        "report_rows": reports["fixmystreet_rows"],
        "first_day": reports["first_day"],
        "last_day": reports["last_day"],
        "duplicates": len(reports["open311_duplicates_of_csv"]),
        "zone_rows": zone_rows,
        "gap": names("gap_30mph_in_zone_A"),
        "zone_only": names("zone_maxspeed_only"),
        "spell_a": names("spelling_20mph"),
        "spell_b": names("spelling_20_MPH"),
        "twenty": names("twenty_outside_zones"),
        "school": osm["school_outside_zones"],
        "type_only": names("maxspeed_type_only"),
        "bare": names("bare_number_30"),
        "listed": names("list_20_30"),
    }
    for prefix, counts in (("a", a), ("b", b)):
        values.update(
            {
                f"{prefix}_date": counts["date"],
                f"{prefix}_zb": counts["zone_before"],
                f"{prefix}_za": counts["zone_after"],
                f"{prefix}_ob": counts["outside_before"],
                f"{prefix}_oa": counts["outside_after"],
                f"{prefix}_ratio": f"{counts['ratio_of_ratios']:.2f}",
                f"{prefix}_low": f"{counts['ci95_low']:.2f}",
                f"{prefix}_high": f"{counts['ci95_high']:.2f}",
            }
        )
    return _reflow(_TEMPLATE.format(**values))


def _reflow(text: str, width: int = 96) -> str:
    """Re-wrap every bullet point (filled-in names change line lengths)."""
    out: list[str] = []
    bullet: list[str] = []

    def flush() -> None:
        if bullet:
            joined = " ".join(part.strip() for part in bullet)
            out.extend(textwrap.wrap(joined, width, subsequent_indent="  ", break_on_hyphens=False))
            bullet.clear()

    for line in text.splitlines():
        if line.startswith("- "):
            flush()
            bullet.append(line)
        elif bullet and line.startswith("  ") and line.strip():
            bullet.append(line)
        else:
            flush()
            out.append(line)
    flush()
    return "\n".join(out) + "\n"
