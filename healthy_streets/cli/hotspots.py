"""``healthy-streets hotspots``: streets ranked by reports per 100 m per year."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from healthy_streets.cli._inputs import (
    check_table_output,
    csv_output_opt,
    inputs_options,
    load,
    table_output,
)
from healthy_streets.cli._report import show
from healthy_streets.cli.options import a_number, category_opt, overwrite_opt, period_opts
from healthy_streets.model.vocabulary import ADJUSTMENTS


@click.command("hotspots")
@inputs_options
@category_opt(None, "One report category (e.g. dog_fouling); default all.")
@period_opts
@click.option(
    "--min-length",
    "min_length_m",
    type=click.FloatRange(0, 100_000),
    callback=a_number,
    default=100.0,
    show_default=True,
    help="Shortest street ranked, in metres.",
)
@click.option(
    "--min-reports",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Fewest reports for a street to be ranked.",
)
@click.option(
    "--smooth",
    is_flag=True,
    default=False,
    help="Rank by Empirical Bayes rates: a street's rate pulled towards its area's as far as "
    "its few reports warrant, so that short streets with a few reports do not top the list.",
)
@click.option(
    "--adjust",
    type=click.Choice(ADJUSTMENTS),
    default="bh",
    show_default=True,
    help="Adjust the test of standing out for the streets tested together: "
    "Benjamini-Hochberg, Holm, or none.",
)
@click.option(
    "--top", type=click.IntRange(min=0), default=15, show_default=True, help="Rows shown on screen."
)
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
    smooth: bool,
    adjust: str,
    top: int,
    output: str | None,
    overwrite: bool,
    **options: Any,
) -> None:
    """Rank streets by resident reports per 100 m per year, saying which stand out.

    Reports count for the street they are nearest (within 50 m). Segments of a named street
    within a zone are one street, so a short segment cannot top the list; streets shorter
    than --min-length or with fewer than --min-reports reports are not ranked. Each rate
    has a 95% interval; a street "stands out" only where its reports are beyond chance
    against the rest of its area (zone, or outside all zones), adjusted for every street
    tested. Reports of the same kind within 10 m and 30 days of one another count once
    (the "events" column), and a street is judged against how much its area's streets vary.
    Most differences between streets with a handful of reports are chance.

    \b
    Examples:
      healthy-streets hotspots --sample --category dog_fouling
      healthy-streets hotspots --sample --category dog_fouling --smooth
      healthy-streets hotspots --sample --start 2025-01-01 --output hotspots.csv
    """
    from healthy_streets.analysis.tables import hotspot_streets

    check_table_output(output, overwrite=overwrite, options=options)  # before the work
    inputs, layers = load(options, quiet=ctx.obj.get("quiet", False))
    table = hotspot_streets(
        layers.streets,
        layers.reports,
        category=category,
        start=start,
        end=end,
        min_length_m=min_length_m,
        min_reports=min_reports,
        smooth=smooth,
        adjust=adjust,
    )
    columns = ["rank", "zone_id", "street", "length_m", "reports", "events", "per_100m_per_year"]
    columns += ["rate_low", "rate_high"]
    columns += ["smoothed_per_100m_per_year"] if smooth else []
    shown = table[[*columns, "stands_out"]]
    if shown.empty:
        show(
            f"No street of {min_length_m:g} m or more has {min_reports} or more reports"
            f"{' of ' + category if category else ''} in the period."
        )
    else:
        show(shown.head(top).to_string(index=False))
        tested = int(table.attrs.get("streets_tested", len(table)))
        fewer = tested - len(table)
        also = (
            f", the {len(table)} listed and {fewer} with fewer than {min_reports} reports, as "
            "any street could have stood out"
            if fewer > 0
            else ""
        )
        show(
            f"{int(table['stands_out'].sum())} of the {len(table)} streets listed stand out "
            "from their area "
            "beyond chance (their distinct events, a report of the same kind within 10 m "
            "and 30 days of another counting once, against the rest of the area's, allowing "
            "for how much its streets vary; "
            f"{table['adjustment'].iloc[0]} of {min_length_m:g} m or more{also})."
        )
    table_output(table, output, overwrite=overwrite, inputs=inputs)
