"""Options shared by several commands, defined once (the rasterio ``rio`` way)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

overwrite_opt = click.option(
    "--overwrite",
    is_flag=True,
    default=False,
    help="Replace outputs that already exist.",
)


def output_dir_opt(default: str) -> Callable[[F], F]:
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
