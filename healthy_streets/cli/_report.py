"""How the command line shows progress and the account of each import."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import IO

import click

from healthy_streets.model.account import ImportResult

#: Rejection reasons listed per input before "and N more".
MAX_REASONS = 8


def progress_printer(*, quiet: bool) -> Callable[[str], None]:
    """A progress callback: a line per step on stderr (none when quiet)."""

    def show(step: str) -> None:
        if not quiet:
            click.echo(f"… {step}", err=True)

    return show


def print_imports(results: Iterable[ImportResult], *, file: IO[str] | None = None) -> None:
    """A table of each input: rows in, kept, repaired, rejected; then notes and reasons."""
    results = list(results)
    header = f"{'input':<34} {'unit':<14} {'in':>7} {'kept':>7} {'repaired':>9} {'rejected':>9}"
    click.echo(header, file=file)
    for r in results:
        name = r.source if len(r.source) <= 34 else "…" + r.source[-33:]
        click.echo(
            f"{name:<34} {r.unit:<14} {r.rows_in:>7} {r.kept:>7} {r.n_repaired:>9} "
            f"{r.n_rejected:>9}",
            file=file,
        )
    for r in results:
        for note in r.notes:
            click.echo(f"  {r.source}: {note}", file=file)
        for kind, table in (("repaired", r.repaired), ("rejected", r.rejected)):
            if table.empty:
                continue
            counts = table.groupby("reason", sort=False).size().sort_values(ascending=False)
            for reason, count in counts.head(MAX_REASONS).items():
                rows = table.loc[table["reason"] == reason, "row"].head(5).tolist()
                where = ", ".join(map(str, rows)) + (", …" if count > len(rows) else "")
                click.echo(f"  {r.source}: {count} {kind}: {reason} (row {where})", file=file)
            if len(counts) > MAX_REASONS:
                click.echo(f"  {r.source}: and {len(counts) - MAX_REASONS} more reasons", file=file)
