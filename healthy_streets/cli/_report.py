"""How the command line shows progress and the account of each import."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import IO

import click

from healthy_streets.model.account import ImportResult


def progress_printer(*, quiet: bool) -> Callable[[str], None]:
    """A progress callback: a line per step on stderr (none when quiet)."""

    def show(step: str) -> None:
        if not quiet:
            click.echo(f"… {step}", err=True)

    return show


def print_imports(results: Iterable[ImportResult], *, file: IO[str] | None = None) -> None:
    """A table of each input: rows in, kept, repaired, rejected; then its notes."""
    results = list(results)
    out = file or sys.stdout
    header = f"{'input':<34} {'unit':<14} {'in':>7} {'kept':>7} {'repaired':>9} {'rejected':>9}"
    click.echo(header, file=out)
    for r in results:
        name = r.source if len(r.source) <= 34 else "…" + r.source[-33:]
        click.echo(
            f"{name:<34} {r.unit:<14} {r.rows_in:>7} {r.kept:>7} {r.n_repaired:>9} "
            f"{r.n_rejected:>9}",
            file=out,
        )
    for r in results:
        for note in r.notes:
            click.echo(f"  {r.source}: {note}", file=out)
