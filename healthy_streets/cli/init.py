"""``healthy-streets init``: set up a project folder."""

from __future__ import annotations

import click

from healthy_streets.cli._report import echo


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--name", default=None, help="The project's title (default: the folder's name).")
@click.option(
    "--overwrite",
    is_flag=True,
    default=False,
    help="Replace the folder's healthy-streets.toml and README.md if they exist.",
)
def command(directory: str, name: str | None, overwrite: bool) -> None:
    """Set up a project in DIRECTORY: a commented healthy-streets.toml and a README.

    Put the zones, the OpenStreetMap extract, the asset and report files in the folder,
    say where they are in healthy-streets.toml, then run healthy-streets build.

    \b
    Examples:
      healthy-streets init chorley-east
      healthy-streets init chorley-east --name "Chorley East 20mph zones"
    """
    from healthy_streets.project import init_project

    for path in init_project(directory, name=name, overwrite=overwrite):
        echo(f"Wrote {path}")
    echo(
        f"Next: edit {directory}/healthy-streets.toml, then run "
        f"healthy-streets build {directory}/healthy-streets.toml"
    )
