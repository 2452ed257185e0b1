"""The input options analysis commands share: the sample, or the files of a project."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def inputs_options(func: F) -> F:
    """Add --sample, --zones, --osm-file, --assets, --reports, --crs and --buffer."""
    options = [
        click.option(
            "--sample", is_flag=True, default=False, help="Use the bundled sample neighbourhood."
        ),
        click.option(
            "--zones",
            "zones_file",
            type=click.Path(dir_okay=False),
            default=None,
            help="Council 20mph zones file.",
        ),
        click.option(
            "--osm-file",
            type=click.Path(dir_okay=False),
            default=None,
            help="OpenStreetMap extract (.osm, .osm.bz2, .osm.pbf).",
        ),
        click.option(
            "--assets",
            "asset_files",
            multiple=True,
            type=click.Path(dir_okay=False),
            help="Asset file. Repeatable.",
        ),
        click.option(
            "--reports",
            "report_files",
            multiple=True,
            type=click.Path(dir_okay=False),
            help="Report file. Repeatable.",
        ),
        click.option(
            "--crs",
            "zones_crs",
            default=None,
            metavar="CRS",
            help="The zones file's CRS when it declares none.",
        ),
        click.option(
            "--buffer",
            "buffer_m",
            type=float,
            default=None,
            help="Metres around the zones to keep streets, assets and reports [default: 300].",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def inputs_from(options: dict[str, Any]) -> Any:
    """The :class:`~healthy_streets.pipeline.Inputs` the options name."""
    from healthy_streets.pipeline import Inputs, sample_inputs

    if options["sample"]:
        if options["zones_file"] or options["osm_file"]:
            raise click.UsageError("Give --sample or --zones/--osm-file, not both.")
        inputs = sample_inputs()
    else:
        if not (options["zones_file"] and options["osm_file"]):
            raise click.UsageError("Give --zones FILE and --osm-file FILE (or --sample).")
        inputs = Inputs(
            zones=Path(options["zones_file"]),
            osm=Path(options["osm_file"]),
            assets=[Path(p) for p in options["asset_files"]],
            reports=[(Path(p), None) for p in options["report_files"]],
            zones_crs=options["zones_crs"],
        )
    inputs.buffer_m = options["buffer_m"]
    return inputs


def load(options: dict[str, Any], *, quiet: bool = False) -> Any:
    """Load and attach the layers the options name, showing progress on stderr."""
    from healthy_streets.cli._report import progress_printer
    from healthy_streets.pipeline import load_layers

    inputs = inputs_from(options)
    return inputs, load_layers(inputs, progress=progress_printer(quiet=quiet))


def table_output(
    frame: Any, output: str | None, *, overwrite: bool, inputs: Any, index: bool = False
) -> None:
    """Write ``frame`` as CSV to ``output`` (``-`` for stdout), or say nothing."""
    if not output:
        return
    if output == "-":
        from healthy_streets.io.write import neutralise_formulas

        table = frame.drop(columns=["geometry"], errors="ignore")
        click.echo(neutralise_formulas(table).to_csv(index=index), nl=False)
        return
    from healthy_streets.cli._report import say
    from healthy_streets.io.write import write_csv

    if output.lower().endswith(".xlsx"):
        from healthy_streets.io.write import write_workbook

        name = Path(output).stem[:31]
        table = frame.reset_index() if index else frame
        write_workbook({name: table}, output, overwrite=overwrite, inputs=inputs.paths())
    else:
        write_csv(frame, output, overwrite=overwrite, inputs=inputs.paths(), index=index)
    say(f"Wrote {output}", err=True)


csv_output_opt = click.option(
    "--output",
    "-o",
    "output",
    default=None,
    metavar="FILE.csv",
    help="Write the table as CSV (or an Excel workbook, for a name ending .xlsx; - for "
    "standard output).",
)
