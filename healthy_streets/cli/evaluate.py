"""``healthy-streets evaluate``: reports before and after each zone came in."""

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
from healthy_streets.cli._report import say, show
from healthy_streets.cli.options import category_opt, overwrite_opt
from healthy_streets.model.vocabulary import ADJUSTMENTS, CONTROLS


def _decisions(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> Any:
    """``ZONE=DATE`` pairs as a dict."""
    pairs: dict[str, str] = {}
    for value in values:
        zone, sep, day = value.partition("=")
        if not sep or not zone.strip() or not day.strip():
            raise click.BadParameter(
                f"{value!r} should be ZONE=DATE, e.g. north=2020-06-01.", ctx=ctx, param=param
            )
        pairs[zone.strip()] = day.strip()
    return pairs


def _line(key: object, row: Any) -> str:
    """A zone's verdict as printed, with the category when several were evaluated (the
    table's key is then the zone and the category)."""
    from healthy_streets.model.taxonomy import REPORT_CATEGORIES  # not at start-up: --help

    if isinstance(key, tuple):
        zone_id, category = key
        return f"{row['name']} ({zone_id}, {REPORT_CATEGORIES[category].lower()}): {row['verdict']}"
    return f"{row['name']} ({key}): {row['verdict']}"


@click.command("evaluate")
@inputs_options
@category_opt(
    "dog_fouling",
    "The report category to evaluate; give several to evaluate each, adjusted together.",
    multiple=True,
)
@click.option(
    "--window-months",
    type=int,
    default=12,
    show_default=True,
    help="Months after each zone's date.",
)
@click.option(
    "--baseline-months",
    type=int,
    default=None,
    help="Months before each zone's date to compare with [default: twice --window-months].",
)
@click.option(
    "--control",
    type=click.Choice(CONTROLS),
    default="outside",
    show_default=True,
    help="Compare with streets outside all zones, a ring around each zone, or the zones not "
    "yet in force (proposed, or in force only after the zone's after window).",
)
@click.option(
    "--ring",
    "ring_m",
    type=float,
    default=400.0,
    show_default=True,
    help="The ring's width in metres (--control ring); reports are imported as far out as "
    "the ring reaches.",
)
@click.option(
    "--gap",
    "gap_m",
    type=float,
    default=100.0,
    show_default=True,
    help="Metres next to the zones left out of the comparison (the ring, or the streets "
    "outside all zones), where displaced reports land; 0 leaves none out.",
)
@click.option(
    "--history-months",
    type=int,
    default=36,
    show_default=True,
    help="Months before the before window used for the checks and to gauge the noise.",
)
@click.option(
    "--decided-on",
    "decided_on",
    metavar="ZONE=DATE",
    multiple=True,
    callback=_decisions,
    help="Take ZONE's baseline from before the day it was decided on (e.g. "
    "north=2020-06-01), not from the year that got it chosen. Repeatable.",
)
@click.option(
    "--adjust",
    type=click.Choice(ADJUSTMENTS),
    default="holm",
    show_default=True,
    help="Adjust for the zones (and categories) tested together: Holm, Benjamini-Hochberg "
    "(for many zones), or none.",
)
@click.option(
    "--figures",
    "figures_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Also save each zone's monthly series as a PNG into this folder.",
)
@csv_output_opt
@overwrite_opt
@click.pass_context
def command(
    ctx: click.Context,
    category: tuple[str, ...],
    window_months: int,
    baseline_months: int | None,
    control: str,
    ring_m: float,
    gap_m: float,
    history_months: int,
    decided_on: dict[str, str],
    adjust: str,
    figures_dir: str | None,
    output: str | None,
    overwrite: bool,
    **options: Any,
) -> None:
    """Evaluate each zone: reports before and after it came in, against a comparison area.

    For each zone in force with a date (to the day or month), monthly counts of one report
    category in a window before and after, in the zone and in the comparison; the rate
    ratio after/before in each and their ratio (difference-in-differences on the rate
    scale), with a 95% interval that allows for months that run high or low together;
    checks of the trend before the date, a placebo date and regression to the mean; an
    adjustment for the zones tested together; and a verdict in plain words: a clear fall or
    rise, no change larger than X% likely, too uncertain to tell, or not enough reports.
    docs/evaluation.md explains the method and what it cannot tell.

    \b
    Examples:
      healthy-streets evaluate --sample
      healthy-streets evaluate --sample --control ring --window-months 18 -o evaluation.csv
      healthy-streets evaluate --sample --control not_yet_treated --adjust bh
      healthy-streets evaluate --sample --decided-on yarrowside-north=2020-06-01
      healthy-streets evaluate --sample --category litter --figures out/figures
      healthy-streets evaluate --sample --category dog_fouling --category litter
    """
    from healthy_streets.analysis.evaluation import (
        before_after,
        check_settings,
        evaluation_buffer_m,
    )

    settings: dict[str, Any] = {
        "baseline_months": baseline_months,
        "gap_m": gap_m,
        "history_months": history_months,
        "adjust": adjust,
        "decided_on": decided_on or None,
    }
    categories: str | list[str] = category[0] if len(category) == 1 else list(category)
    check_settings(categories, window_months, control, ring_m, **settings)  # before slow work
    check_table_output(output, overwrite=overwrite, options=options)
    reach = evaluation_buffer_m(control=control, ring_m=ring_m, gap_m=gap_m)
    if control == "ring" and (options["buffer_m"] is None or options["buffer_m"] < reach):
        say(
            f"Importing reports within {reach:g} m of the zones, as far as the ring reaches.",
            err=True,
        )
    quiet = ctx.obj.get("quiet", False)
    inputs, layers = load(options, quiet=quiet, reports_within_m=reach, streets=False)
    table = before_after(
        layers,  # whole: with any reports read for the ring
        category=categories,
        window_months=window_months,
        control=control,
        ring_m=ring_m,
        **settings,
    )
    for key, row in table.iterrows():
        show(_line(key, row))
    # the figures first: their names follow the zones evaluated, and one that exists is
    # refused before anything is written
    if figures_dir:
        from healthy_streets.figures import save_monthly_plots

        written = save_monthly_plots(
            layers,
            table,
            figures_dir,
            overwrite=overwrite,
            control=control,
            ring_m=ring_m,
            window_months=window_months,
            gap_m=gap_m,
            baseline_months=baseline_months,
            history_months=history_months,
        )
        for path in written:
            say(f"Wrote {path}", err=True)
    table_output(table, output, overwrite=overwrite, inputs=inputs, index=True)
