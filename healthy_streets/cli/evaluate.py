"""``healthy-streets evaluate``: reports before and after each zone came in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from healthy_streets.cli._inputs import csv_output_opt, inputs_options, load, table_output
from healthy_streets.cli._report import say, show
from healthy_streets.cli.options import category_opt, overwrite_opt


@click.command("evaluate")
@inputs_options
@category_opt("dog_fouling", "The report category to evaluate.")
@click.option(
    "--window-months",
    type=int,
    default=12,
    show_default=True,
    help="Months before and after each zone's date.",
)
@click.option(
    "--control",
    type=click.Choice(["outside", "ring"]),
    default="outside",
    show_default=True,
    help="Compare with streets outside all zones, or a ring around each zone.",
)
@click.option(
    "--ring",
    "ring_m",
    type=float,
    default=400.0,
    show_default=True,
    help="The ring's width in metres (--control ring).",
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
    category: str,
    window_months: int,
    control: str,
    ring_m: float,
    figures_dir: str | None,
    output: str | None,
    overwrite: bool,
    **options: Any,
) -> None:
    """Evaluate each zone: reports before and after it came in, against a control area.

    For each zone in force with a date (to the day or month), monthly counts of one report
    category in a window before and after, in the zone and in the control; the rate ratio
    after/before in each; their ratio (difference-in-differences on the rate scale) with a
    95% confidence interval from a Poisson regression; and a verdict in plain words that
    says when there are too few reports to tell.

    \b
    Examples:
      healthy-streets evaluate --sample
      healthy-streets evaluate --sample --control ring --window-months 18 -o evaluation.csv
      healthy-streets evaluate --sample --category litter --figures out/figures
    """
    from healthy_streets.analysis.evaluation import before_after, check_settings

    check_settings(category, window_months, control, ring_m)  # before any slow work
    inputs, layers = load(options, quiet=ctx.obj.get("quiet", False))
    table = before_after(
        layers.zones,
        layers.reports,
        category=category,
        window_months=window_months,
        control=control,
        ring_m=ring_m,
    )
    for zone_id, row in table.iterrows():
        show(f"{row['name']} ({zone_id}): {row['verdict']}")
    table_output(table, output, overwrite=overwrite, inputs=inputs, index=True)
    if figures_dir:
        _figures(
            layers,
            table,
            Path(figures_dir),
            category=category,
            control=control,
            ring_m=ring_m,
            window_months=window_months,
            overwrite=overwrite,
        )


def _figures(
    layers: Any,
    table: Any,
    folder: Path,
    *,
    category: str,
    control: str,
    ring_m: float,
    window_months: int,
    overwrite: bool,
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from healthy_streets._files import atomic_path, check_output
    from healthy_streets.figures import plot_monthly

    folder.mkdir(parents=True, exist_ok=True)
    for zone_id in table.index[table["evaluated"].fillna(False).astype(bool)]:
        target = check_output(folder / f"{zone_id}_{category}.png", overwrite=overwrite)
        figure, axes = plt.subplots(figsize=(9, 4), layout="constrained")
        plot_monthly(
            layers.zones,
            layers.reports,
            zone_id,
            category=category,
            control=control,
            ring_m=ring_m,
            window_months=window_months,
            ax=axes,
        )
        with atomic_path(target) as tmp:
            figure.savefig(tmp, dpi=120, format="png")
        plt.close(figure)
        say(f"Wrote {target}", err=True)
