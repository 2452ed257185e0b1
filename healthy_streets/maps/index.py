"""The index page: every zone with its key figures and a link to its map. Works offline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import jinja2
import pandas as pd
import shapely

from healthy_streets._files import check_output, write_text_atomic
from healthy_streets.analysis.changes import Changes, describe_counts
from healthy_streets.model.words import counted

__all__ = ["index_page", "save_index"]

STATUS_WORDS = {"implemented": "In force", "proposed": "Proposed", "unknown": "Unknown"}

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("healthy_streets.maps", "templates"),
    autoescape=True,  # every data text is escaped
    trim_blocks=True,
    lstrip_blocks=True,
)


def index_page(
    figures: pd.DataFrame,
    zones: gpd.GeoDataFrame,
    links: dict[str, str],
    *,
    title: str = "Healthy streets: 20mph zone maps",
    made_on: dt.date | None = None,
    data_range: str | None = None,
    since_last: Changes | None = None,
    reports_note: str | None = None,
    to_review: int = 0,
    sources: str | None = None,
) -> str:
    """The HTML of the index page.

    Parameters
    ----------
    figures
        From :func:`healthy_streets.analysis.key_figures`.
    zones
        The zones (for the overview outline).
    links
        ``zone_id`` -> relative link to the zone's map.
    title, made_on, data_range
        Shown at the top.
    since_last
        What changed since the last build: said at the top, with a column of each zone's
        changes.
    reports_note
        What to say at the top about where the reports came from (reports read from a
        service's cache because it could not be reached: how old they are).
    to_review
        How many changes residents' additions propose to places already mapped: said at
        the top, with a link to ``tables/additions_to_review.csv``.
    sources
        Where the layers came from (:func:`~healthy_streets.maps.meeting.sources_line`:
        markup, its data escaped); by default only the streets' licence is said.
    """
    rows = []
    for zone_id, row in figures.iterrows():
        share = row["share_20mph"]
        rows.append(
            {
                "name": row["name"],
                "href": links.get(str(zone_id)),
                "status": STATUS_WORDS.get(str(row["status"]), ""),
                "street_km": _street_km(row["street_km"], zone=str(zone_id) in links),
                "share_20mph": "" if pd.isna(share) else f"{share:.0%}",
                "assets": int(row["assets"]),
                "reports_past_year": int(row["reports_past_year"]),
                "since": _since_cell(since_last, str(zone_id)) if since_last is not None else None,
            }
        )
    outlines, viewbox = _outlines(zones, links)
    made = (made_on or dt.date.today()).strftime("%d %B %Y").lstrip("0")
    return _ENV.get_template("index.html").render(
        title=title,
        made_on=made,
        data_range=data_range,
        rows=rows,
        outlines=outlines,
        viewbox=viewbox,
        since_day=since_last.since.day if since_last is not None else None,
        since_sentence=since_last.sentence() if since_last is not None else None,
        since_note=since_last.since.note if since_last is not None else None,
        reports_note=reports_note,
        to_review=counted(to_review, "proposed change", "proposed changes") if to_review else None,
        sources=sources or "Streets © OpenStreetMap contributors (ODbL).",
    )


def _street_km(km: float, *, zone: bool) -> str:
    """A zone's street length as the index shows it: a zone with none, whose map warns
    that the OpenStreetMap extract holds no streets for it, says so here too."""
    return "None in the extract" if zone and not km > 0 else f"{km:.1f}"


def _since_cell(changes: Changes, zone_id: str) -> str:
    """A zone's changes in a few words (:func:`~healthy_streets.analysis.changes.describe_counts`,
    the counts of none left out): ``3 new reports, 1 fixed or closed, 2 places added``."""
    return describe_counts(changes.zone_counts(zone_id), only_found=True) or "No change"


def save_index(html: str, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write the index page atomically."""
    return write_text_atomic(check_output(path, overwrite=overwrite), html)


def _outlines(zones: gpd.GeoDataFrame, links: dict[str, str]) -> tuple[list[dict[str, str]], str]:
    if zones.empty:
        return [], "0 0 1 1"
    minx, miny, maxx, maxy = zones.total_bounds
    pad = max(maxx - minx, maxy - miny) * 0.05
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    outlines = []
    for _, zone in zones.iterrows():
        outlines.append(
            {
                "href": links.get(str(zone["zone_id"]), "#"),
                "name": str(zone["name"]),
                "status": str(zone["status"]),
                "path": _svg_path(zone.geometry, minx, maxy),
            }
        )
    return outlines, f"0 0 {maxx - minx:.1f} {maxy - miny:.1f}"


def _svg_path(geom: shapely.Geometry, minx: float, maxy: float) -> str:
    parts = []
    for polygon in shapely.get_parts(geom):
        for ring in [polygon.exterior, *polygon.interiors]:
            coords = " L".join(f"{x - minx:.1f},{maxy - y:.1f}" for x, y in ring.coords)
            parts.append(f"M{coords} Z")
    return " ".join(parts)
