"""``healthy-streets demo``: build the bundled sample neighbourhood."""

from __future__ import annotations

import click

from healthy_streets.cli.build import run_build
from healthy_streets.cli.options import output_dir_opt, overwrite_opt


@click.command("demo")
@output_dir_opt("out/demo")
@overwrite_opt
@click.pass_context
def command(ctx: click.Context, output: str, overwrite: bool) -> None:
    """Build the bundled sample neighbourhood: its maps, tables and store.

    Yarrowside is a fictional neighbourhood at real coordinates near Chorley town
    centre, with council 20mph zones, OpenStreetMap streets, community assets and
    FixMyStreet reports. This is `build` on the sample; the maps open in any browser with
    no internet.

    \b
    Examples:
      healthy-streets demo
      healthy-streets demo --output /tmp/maps --overwrite
    """
    from healthy_streets.project import sample_project

    run_build(ctx, sample_project(output), zone=None, output=None, store=None, overwrite=overwrite)
