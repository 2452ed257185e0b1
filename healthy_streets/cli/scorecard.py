"""``healthy-streets scorecard``: the Healthy Streets scorecard per zone."""

from __future__ import annotations

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
from healthy_streets.cli.options import overwrite_opt


@click.command("scorecard")
@inputs_options
@csv_output_opt
@overwrite_opt
@click.pass_context
def command(ctx: click.Context, output: str | None, overwrite: bool, **options: Any) -> None:
    """Score each zone against TfL's ten Healthy Streets Indicators, from open-data proxies.

    Each proxy (benches per km, crossings per km, share at 20 mph...) is scored 0 to 3
    against documented thresholds, with its raw value; indicators without a usable proxy
    say so. See docs/scorecard.md for every proxy and its limits.

    \b
    Examples:
      healthy-streets scorecard --sample
      healthy-streets scorecard --sample --output scorecard.csv
    """
    from healthy_streets.analysis.scorecard import scorecard

    check_table_output(output, overwrite=overwrite, options=options)  # before the work
    inputs, layers = load(options, quiet=ctx.obj.get("quiet", False))
    table = scorecard(layers.zones, layers.streets, layers.assets, layers.reports)
    wide = table.pivot(index="indicator", columns="zone_id", values="score")
    show(wide.reindex(table["indicator"].unique()).to_string())
    table_output(table, output, overwrite=overwrite, inputs=inputs)
