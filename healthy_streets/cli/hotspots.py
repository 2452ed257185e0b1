"""``healthy-streets hotspots``: streets ranked by reports per 100 m per year."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from healthy_streets.cli._inputs import csv_output_opt, inputs_options, load, table_output
from healthy_streets.cli._report import show
from healthy_streets.cli.options import category_opt, overwrite_opt, period_opts


@click.command("hotspots")
@inputs_options
@category_opt(None, "One report category (e.g. dog_fouling); default all.")
@period_opts
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
    start: dt.date | None,
    end: dt.date | None,
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
    if shown.empty:
        show(
            f"No street of {min_length_m:g} m or more has {min_reports} or more reports"
            f"{' of ' + category if category else ''} in the period."
        )
    else:
        show(shown.head(top).to_string(index=False))
    table_output(table, output, overwrite=overwrite, inputs=inputs)
