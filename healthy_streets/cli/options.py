"""Options shared by several commands, defined once (the rasterio ``rio`` way)."""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


class InputFile(click.Path):
    """A data file to read, or a File Geodatabase: a folder whose name ends ``.gdb``. Any
    other folder is refused in one line; whether the file exists is the reader's to say."""

    def __init__(self) -> None:
        super().__init__(dir_okay=True)
        self.name = "file"  # FILE in the help

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path = super().convert(value, param, ctx)
        folder = Path(os.fsdecode(path))
        if folder.is_dir() and folder.suffix.lower() != ".gdb":
            self.fail(
                f"{os.fsdecode(value)!r} is a folder, not a file: name the file inside it (a "
                "folder is read only as a File Geodatabase, whose name ends .gdb).",
                param,
                ctx,
            )
        return path


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
    help="The file's coordinate reference system when it declares none, or a spreadsheet's "
    "eastings/northings' (e.g. EPSG:27700).",
)

layer_opt = click.option(
    "--layer",
    metavar="NAME",
    default=None,
    help="The layer to read from a file that holds several (GeoPackage, File Geodatabase, "
    "a zip of shapefiles); in a KML, whose folders are all read by default, the folder to "
    "read (with its subfolders).",
)

date_order_opt = click.option(
    "--date-order",
    type=click.Choice(["dmy", "mdy"]),
    default=None,
    help="How numeric dates such as 03/01/2016 are read: dmy day first (UK), mdy month first "
    "(US) [default: decided from each date column's values, and said].",
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
    synonyms = param.metavar == SYNONYM_METAVAR
    for value in values:
        role, sep, column = value.partition("=")
        if not sep or not role.strip() or not column.strip():
            shape = (
                f'{SYNONYM_METAVAR}, e.g. "Dog Mess=dog_fouling"'
                if synonyms
                else "ROLE=COLUMN, e.g. name=SCHEME_NAME"
            )
            raise click.BadParameter(f"{value!r} should be {shape}.", ctx=ctx, param=param)
        pairs[role.strip()] = column.strip()
    return pairs


def pairs_opt(
    name: str, help_text: str, *, dest: str = "fields", also: tuple[str, ...] = ()
) -> Callable[[F], F]:
    """A repeatable ``--NAME ROLE=COLUMN`` option (also spelt ``--ALSO``), parsed into the
    dict ``dest``."""
    return click.option(
        f"--{name}",
        *(f"--{other}" for other in also),
        dest,
        metavar="ROLE=COLUMN",
        multiple=True,
        callback=_parse_pairs,
        help=help_text,
    )


SYNONYM_METAVAR = "TEXT=CATEGORY"


def synonym_opt(flag: str, dest: str, help_text: str) -> Callable[[F], F]:
    """A repeatable ``--FLAG TEXT=CATEGORY`` option, parsed into the dict ``dest``."""
    return click.option(
        flag,
        dest,
        metavar=SYNONYM_METAVAR,
        multiple=True,
        callback=_parse_pairs,
        help=help_text,
    )


synonyms_opt = synonym_opt(
    "--synonym",
    "synonyms",
    "Map a text of this file to a category key (see docs/taxonomy.md). Repeatable.",
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


def a_number(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """Refuse NaN, which every range lets through (``--min-length nan`` ranked nothing,
    and said so as if it were a length)."""
    if value is not None and math.isnan(value):
        raise click.BadParameter("give a number, not 'nan'.")
    return value


class _Day(click.ParamType):
    """A day written 2024-01-31 (ISO), as every table the toolkit writes uses."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date; write it as 2024-01-31.", param, ctx)


def period_opts(f: F) -> F:
    """``--start`` and ``--end``: the days reports are counted from and before."""

    def check(ctx: click.Context, param: click.Parameter, value: dt.date | None) -> Any:
        start = ctx.params.get("start")
        if value is not None and start is not None and value <= start:
            raise click.BadParameter(
                f"{value} is not after --start {start}; reports are counted from --start "
                "up to the day before --end.",
                ctx=ctx,
                param=param,
            )
        return value

    f = click.option(
        "--end",
        type=_Day(),
        default=None,
        metavar="DATE",
        callback=check,
        help="Count reports before this day (e.g. 2025-01-01).",
    )(f)
    return click.option(
        "--start",
        type=_Day(),
        default=None,
        metavar="DATE",
        is_eager=True,
        help="Count reports from this day (e.g. 2024-01-01).",
    )(f)


def category_opt(
    default: str | None, help_text: str, *, multiple: bool = False
) -> Callable[[F], F]:
    """``--category``: a report category by its key, label or a word for it ("Dog fouling",
    "dog_fouling", "dog mess"), as every function's ``category=`` reads it; with
    ``multiple``, repeatable: the keys as a tuple, each once, in the order given
    (``default`` when none is given)."""

    def read(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        from healthy_streets.errors import ConfigError
        from healthy_streets.model.taxonomy import report_category

        if value is None:
            return None
        try:
            if multiple:
                return tuple(dict.fromkeys(report_category(v) for v in value))
            return report_category(value)
        except ConfigError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from None

    return click.option(
        "--category",
        default=(default,) if multiple and default is not None else default,
        show_default=default is not None,
        metavar="KEY",
        multiple=multiple,
        callback=read,
        help=f"{help_text} Repeatable." if multiple else help_text,
    )
