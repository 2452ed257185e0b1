"""``healthy-streets hotspots``: streets ranked by reports per 100 m per year."""

from __future__ import annotations

from typing import Any

import click

from healthy_streets.cli._inputs import csv_output_opt, inputs_options, load, table_output
from healthy_streets.cli._report import say
from healthy_streets.cli.options import overwrite_opt


@click.command("hotspots")
@inputs_options
@click.option(
    "--category",
    default=None,
    metavar="KEY",
    help="One report category (e.g. dog_fouling); default all.",
)
@click.option("--start", default=None, metavar="DATE", help="Count reports from this day.")
@click.option("--end", default=None, metavar="DATE", help="Count reports before this day.")
@click.option(
    "--min-length",
    "min_length_m",
    type=float,
    default=100.0,
    show_default=True,
    help="Shortest street ranked, in metres.",
)
@click.option(
    "--min-reports",
    type=int,
    default=3,
    show_default=True,
    help="Fewest reports for a street to be ranked.",
)
@click.option("--top", type=int, default=15, show_default=True, help="Rows shown on screen.")
@csv_output_opt
@overwrite_opt
@click.pass_context
def command(
    ctx: click.Context,
    category: str | None,
    start: str | None,
    end: str | None,
    min_length_m: float,
    min_reports: int,
    top: int,
    output: str | None,
    overwrite: bool,
    **options: Any,
) -> None:
    """Rank streets by resident reports per 100 m per year.

    Reports count for the street they are nearest (within 50 m). Segments of a named street
    within a zone are one street, so a short segment cannot top the list; streets shorter
    than --min-length or with fewer than --min-reports reports are not ranked.

    \b
    Examples:
      healthy-streets hotspots --sample --category dog_fouling
      healthy-streets hotspots --sample --start 2025-01-01 --output hotspots.csv
    """
    from healthy_streets.analysis.tables import hotspot_streets
    from healthy_streets.model.taxonomy import REPORT_CATEGORIES

    if category is not None and category not in REPORT_CATEGORIES:
        raise click.BadParameter(
            f"use one of {', '.join(REPORT_CATEGORIES)}", param_hint="--category"
        )
    inputs, layers = load(options, quiet=ctx.obj.get("quiet", False))
    table = hotspot_streets(
        layers.streets,
        layers.reports,
        category=category,
        start=start,
        end=end,
        min_length_m=min_length_m,
        min_reports=min_reports,
    )
    shown = table[["rank", "zone_id", "street", "length_m", "reports", "per_100m_per_year"]]
    say(shown.head(top).to_string(index=False))
    table_output(table, output, overwrite=overwrite, inputs=inputs)
