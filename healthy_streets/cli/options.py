"""Options shared by several commands, defined once (the rasterio ``rio`` way)."""

from __future__ import annotations

import click

overwrite_opt = click.option(
    "--overwrite",
    is_flag=True,
    default=False,
    help="Replace outputs that already exist.",
)


def output_dir_opt(default: str) -> click.Option:
    """``--output DIR``, a folder for outputs."""
    return click.option(
        "--output",
        "-o",
        "output",
        type=click.Path(file_okay=False, dir_okay=True, writable=True),
        default=default,
        show_default=True,
        help="Folder to write the outputs into.",
    )
