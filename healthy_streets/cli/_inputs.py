"""What commands share about inputs and outputs: the input options of the analysis
commands (the sample, or the files of a project), a table's ``--output``, and the store an
import's ``--output`` names."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from healthy_streets.cli.options import InputFile, date_order_opt, synonym_opt

F = TypeVar("F", bound=Callable[..., Any])


zones_layer_opt = click.option(
    "--zones-layer",
    "--layer",
    "zones_layer",
    metavar="NAME",
    default=None,
    help="The layer of the zones file to read, when it holds several (a File Geodatabase, "
    "a zip of several shapefiles, a GeoPackage); the zones layer healthy-streets wrote into "
    "a GeoPackage (network --derive-zones, a store) is read without it.",
)


def inputs_options(func: F) -> F:
    """Add --sample, --zones, --zones-layer, --osm-file, --assets, --reports, --crs,
    --date-order, --asset-synonym, --report-synonym and --buffer."""
    options = [
        click.option(
            "--sample", is_flag=True, default=False, help="Use the bundled sample neighbourhood."
        ),
        click.option(
            "--zones",
            "zones_file",
            type=InputFile(),
            default=None,
            help="Council 20mph zones file (a .gdb folder too).",
        ),
        zones_layer_opt,
        click.option(
            "--osm-file",
            type=click.Path(dir_okay=False),
            default=None,
            help="OpenStreetMap extract (.osm, .osm.bz2, .osm.pbf), or osmnx's .graphml.",
        ),
        click.option(
            "--assets",
            "asset_files",
            multiple=True,
            type=InputFile(),
            help="Asset file (a .gdb folder too). Repeatable.",
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
        date_order_opt,
        synonym_opt(
            "--asset-synonym",
            "asset_synonyms",
            "Map a text of the asset files to an asset category key (see docs/taxonomy.md). "
            "Repeatable.",
        ),
        synonym_opt(
            "--report-synonym",
            "report_synonyms",
            'Map a text of the report files to a report category key, e.g. "Dog '
            'Mess=dog_fouling" (see docs/taxonomy.md). Repeatable.',
        ),
        click.option(
            "--buffer",
            "buffer_m",
            type=click.FloatRange(0, 10_000),
            callback=_a_number,
            default=None,
            help="Metres around the zones to keep streets, assets and reports [default: 300].",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _a_number(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """Refuse NaN, which every range lets through."""
    if value is not None and math.isnan(value):
        raise click.BadParameter("give a number of metres, not 'nan'.")
    return value


#: The options that name an input file, or say how one is read: none goes with --sample.
_FILE_OPTIONS = (
    ("zones_file", "--zones"),
    ("zones_layer", "--zones-layer"),
    ("zones_crs", "--crs"),
    ("osm_file", "--osm-file"),
    ("asset_files", "--assets"),
    ("report_files", "--reports"),
    ("date_order", "--date-order"),
)


def inputs_from(options: dict[str, Any], *, streets: bool = True) -> Any:
    """The :class:`~healthy_streets.model.build.Inputs` the options name (``streets``:
    whether the command needs the street network, and so ``--osm-file``)."""
    from healthy_streets.model.build import Inputs
    from healthy_streets.project import sample_inputs

    _check_synonyms(options)

    if options["sample"]:
        given = [flag for key, flag in _FILE_OPTIONS if options.get(key)]
        if given:
            raise click.UsageError(
                "Give --sample or your own files, not both: --sample reads the bundled "
                f"sample neighbourhood's files, and would leave out {' and '.join(given)}."
            )
        inputs = sample_inputs()
        inputs.buffer_m = options["buffer_m"]
        inputs.asset_synonyms = dict(options.get("asset_synonyms") or {})
        inputs.report_synonyms = dict(options.get("report_synonyms") or {})
        return inputs
    if not options["zones_file"]:
        needed = "--zones FILE and --osm-file FILE" if streets else "--zones FILE"
        raise click.UsageError(f"Give {needed} (or --sample).")
    if streets and not options["osm_file"]:
        raise click.UsageError("Give --osm-file FILE for the streets (or --sample).")
    return Inputs(
        options["zones_file"],
        osm=options["osm_file"],
        assets=list(options["asset_files"]),
        reports=list(options["report_files"]),
        zones_crs=options["zones_crs"],
        zones_layer=options.get("zones_layer"),
        date_order=options.get("date_order"),
        buffer_m=options["buffer_m"],
        asset_synonyms=dict(options.get("asset_synonyms") or {}),
        report_synonyms=dict(options.get("report_synonyms") or {}),
    )


def _check_synonyms(options: dict[str, Any]) -> None:
    """Refuse a synonym naming a category that does not exist, before any file is read."""
    from healthy_streets.errors import ConfigError
    from healthy_streets.model.taxonomy import asset_taxonomy, report_taxonomy

    for flag, key, taxonomy in (
        ("--asset-synonym", "asset_synonyms", asset_taxonomy),
        ("--report-synonym", "report_synonyms", report_taxonomy),
    ):
        if options.get(key):
            try:
                taxonomy(options[key])
            except ConfigError as error:
                raise click.BadParameter(str(error), param_hint=f"'{flag}'") from None


def load(
    options: dict[str, Any],
    *,
    quiet: bool = False,
    reports_within_m: float = 0.0,
    streets: bool = True,
) -> Any:
    """Load and attach the layers the options name, showing progress on stderr, then each
    input's account as a build prints it (rows kept, repaired, rejected with the first
    reasons, outside the area; a warning for a file that kept nothing), on stderr so that
    the command's table stays alone on stdout. Reports are read ``reports_within_m``
    beyond the zones when that is farther than the buffer (for an evaluation's
    comparison). ``streets=False``: no street network is read, for a command that needs
    none (an evaluation); ``--osm-file`` may then be left out."""
    from healthy_streets.cli._report import print_imports, progress_printer, say
    from healthy_streets.pipeline import load_layers

    inputs = inputs_from(options, streets=streets)
    if not streets and inputs.networks() and not options["sample"]:
        say(f"Not reading {options['osm_file']}: this command needs no streets.", err=True)
    layers = load_layers(
        inputs,
        progress=progress_printer(quiet=quiet),
        reports_within_m=reports_within_m,
        streets=streets,
    )
    print_imports(layers.imports, file=sys.stderr)
    return inputs, layers


def check_table_output(
    output: str | None,
    *,
    overwrite: bool,
    options: dict[str, Any],
    also: Sequence[str | None] = (),
) -> None:
    """Refuse, before any work, a table's ``--output`` that exists (without
    ``--overwrite``) or is a file the command reads (those ``options`` name, and ``also``)."""
    if not output or output == "-":
        return
    from healthy_streets._files import check_output

    read = [*inputs_from(options, streets=False).paths(), *(path for path in also if path)]
    check_output(output, overwrite=overwrite, inputs=read)


def table_output(
    frame: Any,
    output: str | None,
    *,
    overwrite: bool,
    inputs: Any,
    index: bool = False,
    also: Sequence[str | None] = (),
) -> None:
    """Write ``frame`` as CSV to ``output`` (``-`` for stdout), or say nothing; never over
    a file read (``inputs``' files, and ``also``)."""
    if not output:
        return
    if output == "-":
        from healthy_streets.cli._report import printable
        from healthy_streets.io.write import csv_text

        text = csv_text(frame, index=index)
        if sys.stdout.isatty():  # read by a person: data never drives the terminal
            text = printable(text.replace("\r\n", "\n"))
        click.echo(text, nl=False)
        return
    from healthy_streets.cli._report import say
    from healthy_streets.io.write import write_csv

    read = [*inputs.paths(), *(path for path in also if path)]
    if output.lower().endswith(".xlsx"):
        from healthy_streets.io.write import write_workbook

        name = Path(output).stem[:31]
        table = frame.reset_index() if index else frame
        write_workbook({name: table}, output, overwrite=overwrite, inputs=read)
    else:
        write_csv(frame, output, overwrite=overwrite, inputs=read, index=index)
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


def store_output(
    result: Any,
    output: str,
    *,
    source: str | None,
    inputs: Sequence[str | None] = (),
    extra: dict[str, Any] | None = None,
    overwrite: bool = False,
) -> None:
    """Put one import (and layers derived from it) into the store ``--output`` names: its
    rows replace the rows of earlier imports of the same file; other files' rows stay.

    Every command's ``--output`` store goes through here: an input is never the store, and
    a layer the toolkit did not write is never replaced without ``--overwrite``.

    Parameters
    ----------
    result
        The :class:`~healthy_streets.model.account.ImportResult`.
    output
        A ``.gpkg`` path or a ``postgresql://`` URL.
    source
        The file read (``None`` for an online source).
    inputs
        Other files the command read (the store may not be one of them either).
    extra
        Layers derived from the import, by name.
    overwrite
        Replace layers of those names that the toolkit did not write.
    """
    from healthy_streets._files import check_output, project_folder
    from healthy_streets.cli._report import say
    from healthy_streets.io.store import import_update, open_store

    # the store names the file relative to its project's folder (never where it is on the
    # machine): the one around the GeoPackage, or for PostGIS around the current folder
    folder = project_folder(Path.cwd())
    if not output.startswith("postgres"):
        read = [p for p in (source, *inputs) if p]
        check_output(output, overwrite=True, inputs=read)
        folder = project_folder(Path(output).absolute().parent)
    update = import_update(result, source, extra=extra, folder=folder)
    store = open_store(output)
    store.update(update, overwrite=overwrite)
    say(f"Stored {', '.join(update.layers)} in {store.name}", err=True)  # no password


def store_area(output: str | None) -> Any:
    """The project area of the zones the ``--output`` store holds, as a build reads around
    them, said in one line (``None``, and nothing said, when there is no store or it holds
    no zones): an import alone then judges its rows by it as a build would.

    The metres around the zones are the project's ``buffer_m`` when the record of the
    build that wrote a GeoPackage store sits beside it, else the toolkit's default.
    """
    if not output:
        return None
    from healthy_streets.cli._report import say
    from healthy_streets.io.store import open_store
    from healthy_streets.io.store import store_area as area_of

    buffer_m, how = _build_buffer_m(output)
    found = area_of(open_store(output), buffer_m=buffer_m)
    if found is None:
        return None
    zones = f"{found.zones} zone" + ("" if found.zones == 1 else "s")
    say(
        f"Judged against the area of the {zones} in {found.store}, with {found.buffer_m:g} m "
        f"around them ({how}), as a build with those zones would be: which way round the "
        "coordinate columns are, and which rows lie outside it (counted as outside and left "
        "out of the store, not rejected)."
    )
    return found.area


def _build_buffer_m(output: str) -> tuple[float | None, str]:
    """The metres a build reads around the zones of the GeoPackage store ``output``: its
    project's ``buffer_m``, from the record of the build that wrote the store when it sits
    beside the store; else ``None`` (the toolkit's default). With how it was found."""
    default = None, "the toolkit's default reach"
    if output.startswith("postgres"):
        return default
    from healthy_streets._rebuild import read_record

    path = Path(output)
    record, _ = read_record(path.parent)
    if record is None or (record.get("store") or {}).get("target") != str(path.resolve()):
        return default
    buffer_m = ((record.get("inputs") or {}).get("settings") or {}).get("buffer_m")
    if not isinstance(buffer_m, int | float) or isinstance(buffer_m, bool):
        return default
    return float(buffer_m), "the project's buffer_m, as its last build read"


def check_store_output(
    output: str | None,
    layers: Sequence[str],
    *,
    overwrite: bool,
    inputs: Sequence[str | None] = (),
) -> None:
    """Refuse, before any work, a ``--output`` store that is one of the files the command
    reads (``inputs``), or that holds layers of these names that the toolkit did not write
    (or a PostGIS store that cannot be reached)."""
    if not output:
        return
    if not output.startswith("postgres"):
        from healthy_streets._files import check_output

        check_output(output, overwrite=True, inputs=[path for path in inputs if path])
    if overwrite or not layers:
        return
    from healthy_streets.io.store import open_store, store_names

    open_store(output).check(store_names(layers))
