"""How the command line shows progress and the account of each import.

Everything the command line prints goes through :func:`echo`, which shows control
characters from data files (a zone named with a terminal escape sequence, a bidirectional
override in a report's title) as visible escapes, so text from a file never drives the
officer's terminal.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from typing import IO, TYPE_CHECKING, TypeVar

import click

from healthy_streets.model.progress import Progress
from healthy_streets.model.words import counted

if TYPE_CHECKING:
    from healthy_streets.model.account import ImportResult

T = TypeVar("T")

#: Rejection reasons listed per input before "and N more" (``-v`` lists them all).
MAX_REASONS = 8
#: Rows named for each reason (``-v``: :data:`MAX_ROWS_VERBOSE`).
MAX_ROWS = 5
MAX_ROWS_VERBOSE = 50

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: object) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``), not obeyed.

    >>> printable("Zone\x1b[2J 1")
    'Zone\\\\x1b[2J 1'
    """
    return _CONTROL.sub(lambda m: repr(m[0])[1:-1], str(text))


def echo(
    message: object = "", *, err: bool = False, nl: bool = True, file: IO[str] | None = None
) -> None:
    """:func:`click.echo` for text that may hold data: control characters made visible."""
    click.echo(printable(message), err=err, nl=nl, file=file)


class CliProgress(Progress):
    """Progress on stderr: a bar for long loops on a terminal, plain lines otherwise (a log
    file, CI), nothing when quiet."""

    def __init__(self, *, quiet: bool = False, terminal: bool | None = None) -> None:
        self.quiet = quiet
        self.terminal = sys.stderr.isatty() if terminal is None else terminal

    def step(self, text: str) -> None:
        if not self.quiet:
            echo(f"… {text}", err=True)

    def items(self, items: Sequence[T], text: str) -> Iterable[T]:
        if self.quiet:
            yield from items
        elif self.terminal:
            with click.progressbar(items, label=text, file=sys.stderr, show_pos=True) as bar:
                yield from bar
        else:
            for number, item in enumerate(items, start=1):
                echo(f"… {text} ({number} of {len(items)})", err=True)
                yield item


def progress_printer(*, quiet: bool) -> CliProgress:
    """The progress reporter for a command."""
    return CliProgress(quiet=quiet)


def quiet() -> bool:
    """Whether the user asked for errors only (``healthy-streets -q ...``)."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and (ctx.find_root().obj or {}).get("quiet"))


def verbose() -> bool:
    """Whether the user asked to be told more (``healthy-streets -v ...``)."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and (ctx.find_root().obj or {}).get("verbosity", 0) > 0)


def say(message: str = "", *, err: bool = False) -> None:
    """Print a message unless the user asked for results and errors only."""
    if not quiet():
        echo(message, err=err)


def show(result: str) -> None:
    """Print a command's result (its table, its list): always, even when quiet. When the
    command writes its CSV to standard output (``--output -``), the result goes to standard
    error instead (unless quiet), so that the CSV stays clean."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.params.get("output") == "-":
        say(result, err=True)
    else:
        echo(result)


def _none_kept(result: ImportResult) -> str:
    """Why an import kept nothing: its rows rejected, outside the project area, or both."""
    rejected, outside = result.n_rejected, result.n_outside
    one = result.unit.removesuffix("s")
    if outside == 0:
        which = (
            f"all {result.rows_in} {result.unit} were" if result.rows_in > 1 else "its only one was"
        )
        return f"{which} rejected (the reasons follow; -q hides them)."
    where = "outside the project area (left out, not rejected)"
    if rejected == 0:
        which = f"all {outside} {result.unit} lie" if outside > 1 else f"its only {one} lies"
        return f"{which} {where}: check that the file is for this project's area."
    were = f"{rejected} {result.unit} were" if rejected > 1 else f"1 {one} was"
    lie = f"{outside} lie" if outside > 1 else "1 lies"
    return f"{were} rejected (the reasons follow; -q hides them) and {lie} {where}."


def print_imports(results: Iterable[ImportResult], *, file: IO[str] | None = None) -> None:
    """A table of each input: rows in, kept, repaired, rejected, outside the project area
    (and set aside for review, when any input has such rows); then notes and reasons.
    An input that kept no row is called out on stderr, even when quiet, saying whether its
    rows were rejected or lie outside the project area."""
    results = list(results)
    for r in results:
        # rows set aside for review are said by the build, as proposals, not as a loss
        if r.rows_in > 0 and r.kept == 0 and (r.n_rejected or r.n_outside):
            echo(f"Warning: nothing was kept from {r.source}: {_none_kept(r)}", err=True)
    if quiet():
        return
    most, rows_named = (None, MAX_ROWS_VERBOSE) if verbose() else (MAX_REASONS, MAX_ROWS)
    # rows set aside for review get a column only when an input has some
    review = any(r.n_for_review for r in results)
    header = (
        f"{'input':<34} {'unit':<14} {'in':>7} {'kept':>7} {'repaired':>9} {'rejected':>9} "
        f"{'outside':>9}" + (f" {'for review':>11}" if review else "")
    )
    echo(header, file=file)
    for r in results:
        name = r.source if len(r.source) <= 34 else "…" + r.source[-33:]
        echo(
            f"{name:<34} {r.unit:<14} {r.rows_in:>7} {r.kept:>7} {r.n_repaired:>9} "
            f"{r.n_rejected:>9} {r.n_outside:>9}" + (f" {r.n_for_review:>11}" if review else ""),
            file=file,
        )
    for r in results:
        for note in r.notes:
            echo(f"  {r.source}: {note}", file=file)
        accounts = (
            ("repaired", r.repaired),
            ("rejected", r.rejected),
            ("set aside for review", r.for_review),
        )
        for kind, table in accounts:
            if table.empty:
                continue
            counts = table.groupby("reason", sort=False).size().sort_values(ascending=False)
            for reason, count in (counts if most is None else counts.head(most)).items():
                rows = table.loc[table["reason"] == reason, "row"].head(rows_named).tolist()
                where = ", ".join(_row_name(r.unit, row) for row in rows)
                where += ", …" if count > len(rows) else ""
                echo(
                    f"  {r.source}: {count} {kind}: {reason} ({row_word(r.unit, count)} {where})",
                    file=file,
                )
            if most is not None and len(counts) > most:
                more = int(counts.iloc[most:].sum())
                echo(
                    f"  {r.source}: and {len(counts) - most} more reasons for "
                    f"{counted(more, 'row')} {kind} (-v lists them all)",
                    file=file,
                )


#: How a row of the account is named, by the unit of its source: an OSM way's id is not a
#: row number.
_ROW_WORDS = {
    "highway ways": ("OSM", "OSM"),  # rows named "way/123": "(OSM way 123)"
    "OSM elements": ("OSM", "OSM"),
    "requests": ("Open311 request", "Open311 requests"),
}


def _row_name(unit: str, row: object) -> str:
    """A row as the summary names it: an OSM element "way/123" as "way 123"."""
    text = str(row)
    return text.replace("/", " ", 1) if _ROW_WORDS.get(unit, ("",))[0] == "OSM" else text


def row_word(unit: str, count: int) -> str:
    """``row`` for a file's rows; ``OSM`` for OpenStreetMap, whose rows are named by their
    element ("way/123", said "OSM way 123"); ``Open311 request`` for a service's requests,
    named by their id.

    >>> row_word("features", 3), row_word("highway ways", 1), row_word("requests", 2)
    ('row', 'OSM', 'Open311 requests')
    """
    one, many = _ROW_WORDS.get(unit, ("row", "row"))
    return one if count == 1 else many
