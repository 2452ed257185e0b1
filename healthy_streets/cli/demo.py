"""``healthy-streets demo``: build the maps of the bundled sample neighbourhood."""

from __future__ import annotations

from pathlib import Path

import click

from healthy_streets.cli._report import print_imports, progress_printer
from healthy_streets.cli.options import output_dir_opt, overwrite_opt


@click.command("demo")
@output_dir_opt("out/demo")
@overwrite_opt
@click.pass_context
def command(ctx: click.Context, output: str, overwrite: bool) -> None:
    """Build the meeting maps of the bundled sample neighbourhood.

    Yarrowside is a fictional neighbourhood at real coordinates near Chorley town
    centre, with council 20mph zones, OpenStreetMap streets, community assets and
    FixMyStreet reports. The maps open in any browser with no internet.

    \b
    Examples:
      healthy-streets demo
      healthy-streets demo --output /tmp/maps --overwrite
    """
    from healthy_streets.pipeline import load_layers, sample_inputs, write_outputs

    quiet = ctx.obj.get("quiet", False)
    progress = progress_printer(quiet=quiet)
    inputs = sample_inputs()
    layers = load_layers(inputs, progress=progress)
    outputs = write_outputs(
        layers, Path(output), overwrite=overwrite, inputs=inputs.paths(), progress=progress
    )
    if not quiet:
        print_imports(layers.imports)
        click.echo(f"Wrote {len(outputs.maps)} zone maps and the index page.")
        click.echo(f"Rejected rows and their reasons: {outputs.rejected}")
    click.echo(str(outputs.index.resolve()))
