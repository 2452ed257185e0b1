"""``healthy-streets build``: run a project: imports, store, tables, maps and index."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from healthy_streets.cli._report import echo, print_imports, progress_printer
from healthy_streets.cli.options import overwrite_opt
from healthy_streets.errors import BuildInterrupted
from healthy_streets.model.words import counted


@contextlib.contextmanager
def _nothing_changed_if_interrupted() -> Iterator[None]:
    """Ctrl-C or SIGTERM before the build has started (while the library loads, or the
    project file is read) has changed nothing, and the message says so as a build's does."""
    try:
        yield
    except KeyboardInterrupt as exc:
        if isinstance(exc, BuildInterrupted):
            raise
        raise BuildInterrupted(changed=False) from None


def run_build(
    ctx: click.Context,
    project: Any,
    *,
    zone: str | None,
    output: str | None,
    store: str | None,
    overwrite: bool,
    pdf: bool = False,
    since_last: bool | None = None,
    in_database: bool | None = None,
) -> None:
    """Build ``project`` and print the summary: each input's account, then the outputs."""
    quiet = ctx.obj.get("quiet", False)
    with _nothing_changed_if_interrupted():
        from healthy_streets.pipeline import build

        layers, outputs = build(
            project,
            zone=zone,
            output=output,
            store=store,
            overwrite=overwrite,
            progress=progress_printer(quiet=quiet),
            pdf=pdf,
            since_last=since_last,
            in_database=in_database,
        )
    if quiet:  # warnings, not chatter: an input that kept nothing, an old cache
        print_imports(layers.imports)  # (only its warnings, when quiet)
        for fetched in layers.fetched:
            sentence = fetched.offline_sentence()
            if sentence:
                echo(f"Warning: {sentence}", err=True)
    else:
        print_imports(layers.imports)
        for note in outputs.notes:
            echo(note)
        echo("Outputs:")
        maps = counted(len(outputs.maps), "zone map")
        again = " drawn again; the others as they were," if outputs.reused else ""
        echo(f"  {maps}{again} in {outputs.index.parent / 'maps'}")
        if outputs.pdfs:
            pdfs = counted(len(outputs.pdfs), "A4 PDF")
            atlas = f", and all of them in {outputs.atlas}" if outputs.atlas else ""
            echo(f"  {pdfs} beside them{atlas}")
        echo(
            f"  {len(outputs.tables)} tables in {outputs.index.parent / 'tables'} "
            f"and {outputs.workbook}" + (", as they were" if outputs.reused else "")
        )
        echo(f"  rejected rows and their reasons: {outputs.rejected}")
        echo(f"  store: {outputs.store}")
        if outputs.removed:
            names = ", ".join(p.name for p in outputs.removed)
            echo(f"  removed, as their zones are no longer in the zones file: {names}")
        if outputs.unprinted:
            names = ", ".join(p.name for p in outputs.unprinted)
            echo(
                f"  removed, as the maps they printed were drawn again: {names} (build every "
                "zone with --pdf to print them again)"
            )
        for sentence in outputs.since_last:
            echo(sentence)
    review = outputs.tables.get("additions_to_review")
    if review is not None and outputs.to_review:
        # a result, shown even with -q: the officer has proposals to accept or not
        changes = counted(outputs.to_review, "proposed change", "proposed changes")
        echo(f"{changes} from residents to review: {_relative(review, outputs.index.parent)}")
    echo(str(outputs.index.resolve()))


def _zone_named(config: Path, zone: str, output: str | None) -> str | None:
    """The ``zone_id`` of ``zone`` in the project ``config``: from the last build's record
    when it read this zones file as it is (nothing else is loaded), else from the zones
    file alone (before the rest of the toolkit loads); ``None`` when neither can be read
    (loading the project says why). A zone not there is refused, with the closest names."""
    from healthy_streets._project_file import zone_in_last_build

    found = zone_in_last_build(config, zone, output=output)
    if found is None:
        from healthy_streets._project_zones import zone_in_project

        found = zone_in_project(config, zone)
    return found


def _relative(path: Path, folder: Path) -> Path:
    """``path`` within the output folder as the officer finds it there
    (``tables/additions_to_review.csv``), else as it is."""
    try:
        return path.resolve().relative_to(folder.resolve())
    except ValueError:
        return path


@click.command("build")
@click.argument("config", type=click.Path(), default="healthy-streets.toml", required=False)
@click.option("--zone", default=None, metavar="NAME", help="Draw one zone's map only.")
@click.option(
    "--output",
    "-o",
    default=None,
    type=click.Path(file_okay=False),
    help="Output folder, instead of the project's.",
)
@click.option(
    "--store",
    default=None,
    metavar="URL|FILE",
    help="postgresql://... for a shared PostGIS store, or a .gpkg file.",
)
@click.option(
    "--pdf",
    is_flag=True,
    help="Also print each zone's map to an A4 PDF, and all of them into atlas.pdf (needs "
    "pip install 'healthy-streets[pdf]' and Chromium).",
)
@click.option(
    "--since-last/--no-since-last",
    "since_last",
    default=None,
    help="Show what changed since the last build (new reports, reports fixed or closed, "
    "places added or removed) on the index, every map and tables/changes.csv. Default: the "
    'project\'s compare = "last" setting.',
)
@click.option(
    "--in-database",
    "in_database",
    is_flag=True,
    default=None,
    help="Attach assets and reports to zones and streets, and count them per zone, in the "
    "PostGIS store's database (needs a postgresql:// store). Default: the project's [store] "
    "in_database.",
)
@overwrite_opt
@click.pass_context
def command(
    ctx: click.Context,
    config: str,
    zone: str | None,
    output: str | None,
    store: str | None,
    pdf: bool,
    since_last: bool | None,
    in_database: bool | None,
    overwrite: bool,
) -> None:
    """Build a project: imports, the store, the tables, the maps and the index.

    CONFIG is the project's healthy-streets.toml (or its folder). At the end it prints each
    input's rows kept, repaired and rejected, then the outputs written; rejected rows and
    their reasons go to rejected.csv beside the maps, rows kept after a change to
    repaired.csv. Existing maps and tables are never
    replaced without --overwrite, nor are layers in the store that healthy-streets did not
    write. The maps, tables and store change together at the very end: a build that fails
    or is stopped (Ctrl-C) changes nothing, and says so. One build at a time may write into
    an output folder. With --pdf each map is also printed on an A4 page (maps/<zone>.pdf)
    and all of them into atlas.pdf, through the machine's Chromium (HEALTHY_STREETS_CHROMIUM
    names another). Every build is recorded in the store; with --since-last the index, each
    map and tables/changes.csv show what changed since the previous one.

    A build whose input files, project settings and toolkit version are those of the last
    build into the folder, with its GeoPackage store unchanged, reads the layers from the
    store instead of the files: it draws again only the maps that are missing or were
    changed (with --zone, that zone's map) and leaves the rest as it was, saying so.
    Anything else changed, and every input is read again, with the reason.

    \b
    Examples:
      healthy-streets build
      healthy-streets build --pdf --overwrite
      healthy-streets build --since-last --overwrite
      healthy-streets build chorley-east/healthy-streets.toml --overwrite
      healthy-streets build chorley-east --zone "Church Fields" --overwrite
      healthy-streets build --store postgresql://gis@dbserver/healthy_streets
      healthy-streets build --store postgresql://gis@dbserver/hs --in-database
    """
    with _nothing_changed_if_interrupted():
        if zone is not None:  # a misspelt zone is said before the rest of the toolkit loads
            zone = _zone_named(Path(config), zone, output) or zone
        from healthy_streets.project import load_project

        project = load_project(Path(config))
    run_build(
        ctx,
        project,
        zone=zone,
        output=output,
        store=store,
        overwrite=overwrite,
        pdf=pdf,
        since_last=since_last,
        in_database=in_database,
    )
