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

crs_opt = click.option(
    "--crs",
    metavar="CRS",
    default=None,
    help="The file's coordinate reference system when it declares none (e.g. EPSG:27700).",
)

layer_opt = click.option(
    "--layer",
    metavar="NAME",
    default=None,
    help="The layer to read from a GeoPackage or KML file that holds several.",
)

gpkg_output_opt = click.option(
    "--output",
    "-o",
    "output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Store to put the normalised layer in: a .gpkg file (or postgresql://...). Rows from "
    "this file replace its earlier rows; other files' rows stay.",
)


def _parse_pairs(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        role, sep, column = value.partition("=")
        if not sep or not role.strip() or not column.strip():
            raise click.BadParameter(
                f"{value!r} should be ROLE=COLUMN, e.g. name=SCHEME_NAME.", ctx=ctx, param=param
            )
        pairs[role.strip()] = column.strip()
    return pairs


def pairs_opt(name: str, help_text: str) -> Callable[[F], F]:
    """A repeatable ``--NAME ROLE=COLUMN`` option, parsed into a dict."""
    return click.option(
        f"--{name}",
        "fields",
        metavar="ROLE=COLUMN",
        multiple=True,
        callback=_parse_pairs,
        help=help_text,
    )


synonyms_opt = click.option(
    "--synonym",
    "synonyms",
    metavar="TEXT=CATEGORY",
    multiple=True,
    callback=_parse_pairs,
    help="Map a text of this file to a category key (see docs/taxonomy.md). Repeatable.",
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
