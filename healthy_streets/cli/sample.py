"""``healthy-streets sample``: write the sample neighbourhood's input files."""

from __future__ import annotations

import click

from healthy_streets.cli._report import echo
from healthy_streets.cli.options import overwrite_opt


@click.command("sample")
@click.argument("directory", type=click.Path(file_okay=False), default="data/sample")
@click.option("--seed", type=int, default=None, help="Random seed (default: the bundled one).")
@overwrite_opt
def command(directory: str, seed: int | None, overwrite: bool) -> None:
    """Write the sample neighbourhood's input files into DIRECTORY.

    The files are made by a deterministic generator: the same seed gives the same bytes.

    \b
    Examples:
      healthy-streets sample data/sample --overwrite
      healthy-streets sample /tmp/other-sample --seed 7
    """
    from pathlib import Path

    from healthy_streets.errors import OutputExistsError
    from healthy_streets.sample import generate_sample

    folder = Path(directory)
    if folder.exists() and any(folder.iterdir()) and not overwrite:
        raise OutputExistsError(folder)
    paths = generate_sample(folder) if seed is None else generate_sample(folder, seed=seed)
    for role, path in paths.items():
        echo(f"{role}: {path}")
