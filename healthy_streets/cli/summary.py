"""``healthy-streets summary``: the per-zone table."""

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
from healthy_streets.cli._tables import screen_text
from healthy_streets.cli.options import overwrite_opt, period_opts


@click.command("summary")
@inputs_options
@period_opts
@click.option(
    "--by-category",
    is_flag=True,
    default=False,
    help="One row per zone and report category (and asset category) instead.",
)
@csv_output_opt
@overwrite_opt
@click.pass_context
def command(
    ctx: click.Context,
    start: dt.date | None,
    end: dt.date | None,
    by_category: bool,
    output: str | None,
    overwrite: bool,
    **options: Any,
) -> None:
    """Summarise each zone, and the area outside all zones for comparison.

    Area, street length by speed limit, the share at 20 mph, community assets per km of
    street, reports per km of street per year, open/fixed/closed and the median days to
    fix. --by-category gives reports (and assets) per zone and category.

    \b
    Examples:
      healthy-streets summary --sample
      healthy-streets summary --zones zones.geojson --osm-file area.osm.pbf \\
          --reports fixmystreet.csv --assets walkabout.csv --output summary.csv
      healthy-streets summary --sample --by-category --start 2024-01-01 -o categories.csv
    """
    from healthy_streets.analysis.tables import asset_counts, report_counts, summarise_zones

    check_table_output(output, overwrite=overwrite, options=options)  # before the work
    inputs, layers = load(options, quiet=ctx.obj.get("quiet", False))
    if by_category:
        reports = report_counts(
            layers.zones, layers.streets, layers.reports, start=start, end=end
        ).assign(kind="reports")
        assets = asset_counts(layers.zones, layers.streets, layers.assets).assign(kind="assets")
        table = reports.merge(assets, how="outer")
        show(_by_category_text(reports, assets))
        table_output(table, output, overwrite=overwrite, inputs=inputs)
        return
    table = summarise_zones(
        layers.zones, layers.streets, layers.assets, layers.reports, start=start, end=end
    )
    shown = table[
        [
            "name",
            "status",
            "street_km",
            "share_20mph",
            "assets",
            "reports",
            "reports_per_street_km_per_year",
            "median_days_to_fix",
        ]
    ]
    show(screen_text(shown))
    table_output(table, output, overwrite=overwrite, inputs=inputs, index=True)


def _by_category_text(reports: Any, assets: Any) -> str:
    """Reports by zone and category, then assets: two tables on screen, each with its own
    columns (the CSV has both in one, each row's other columns empty)."""
    parts = []
    for kind, table in (("Reports", reports), ("Assets", assets)):
        if table.empty:
            parts.append(f"{kind}: none.")
        else:
            parts.append(f"{kind}:\n{screen_text(table.drop(columns='kind'), index=False)}")
    return "\n\n".join(parts)
