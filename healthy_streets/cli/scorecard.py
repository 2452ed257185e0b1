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
    table = scorecard(layers)  # the layers whole: the import account says why one is empty
    show(scorecard_text(table))
    table_output(table, output, overwrite=overwrite, inputs=inputs)


def scorecard_text(table: Any) -> str:
    """The scores, an indicator a row and a zone a column, then why each gap is not scored.

    Scores are whole numbers 0 to 3; one not scored is a dash, never NaN, and the lines
    under the table give each indicator's reason (and its zones, where not all).
    """
    from healthy_streets.cli._tables import MISSING, screen_text

    wide = table.pivot(index="indicator", columns="zone_id", values="score")
    wide = wide.reindex(index=table["indicator"].unique(), columns=table["zone_id"].unique())
    wide = wide.astype("Int64")  # 3, not 3.0; <NA> where not scored, shown as a dash
    lines = [screen_text(wide)]
    gaps = table[table["not_scored"].fillna("") != ""]
    if len(gaps):
        zones = table["zone_id"].nunique()
        lines.append(f"{MISSING} not scored:")
        groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        for (indicator, why), rows in gaps.groupby(["indicator", "not_scored"], sort=False):
            where = () if len(rows) == zones else tuple(rows["zone_id"].map(_zone_said))
            groups.setdefault((why, where), []).append(indicator)
        for (why, where), indicators in groups.items():
            said = f" ({', '.join(where)})" if where else ""
            lines.append(f"  {'; '.join(indicators)}{said}: {why}")
    return "\n".join(lines)


def _zone_said(zone_id: object) -> str:
    from healthy_streets.analysis.tables import OUTSIDE, OUTSIDE_NAME

    return OUTSIDE_NAME.lower() if zone_id == OUTSIDE else str(zone_id)
