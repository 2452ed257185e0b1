"""The ``healthy-streets`` command line: a thin shell over the Python API.

One command per module; shared options in :mod:`healthy_streets.cli.options`. Library
errors become one-line messages with exit status 1; bad usage exits with status 2.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from healthy_streets._audience import speaking_to
from healthy_streets._version import __version__
from healthy_streets.cli._report import printable
from healthy_streets.errors import BuildInterrupted, ConfigError, HealthyStreetsError
from healthy_streets.model.progress import is_shown

__all__ = ["entry", "main"]

log = logging.getLogger("healthy_streets")


class _Group(click.Group):
    """Turns the toolkit's errors into one clear line each: bad arguments exit 2, problems
    with data, files or the system exit 1; never a traceback (``-vv`` logs one)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with speaking_to("cli"):  # messages name --flags, not Python keywords
                return super().invoke(ctx)
        except ConfigError as exc:
            # no usage banner: the message says it
            raise click.UsageError(printable(exc)) from None
        except HealthyStreetsError as exc:
            raise click.ClickException(printable(exc)) from None
        except KeyboardInterrupt as exc:
            raise click.ClickException(_interrupted(exc)) from None
        except BrokenPipeError:
            sys.stderr.close()  # the reader (head, less) has gone: stop quietly
            ctx.exit(0)
        except OSError as exc:
            log.debug("The system refused", exc_info=True)
            raise click.ClickException(printable(_system_message(exc))) from None
        except Exception as exc:
            stop = _interruption(exc)
            if stop is None:
                raise
            raise click.ClickException(_interrupted(stop)) from None


def _interruption(exc: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C or SIGTERM behind ``exc``, if there is one: an interruption that lands in
    a library's compiled code (a module being imported as the command starts, say) can come
    out as that library's own error, caused by the KeyboardInterrupt."""
    seen: set[int] = set()
    found: BaseException | None = exc
    while found is not None and id(found) not in seen:
        if isinstance(found, KeyboardInterrupt):
            return found
        seen.add(id(found))
        found = found.__cause__ or found.__context__
    return None


def _interrupted(exc: KeyboardInterrupt) -> str:
    """One line that tells the truth about what an interruption changed.

    A writer stopped mid-file (a workbook's zip, say) is left for the garbage collector,
    whose complaint about its closed file would follow the message as a traceback: the
    staged file has already been removed, so those complaints are silenced.
    """
    sys.unraisablehook = _abandoned
    if isinstance(exc, BuildInterrupted):
        return str(exc)
    # outside a build, every write is one atomic rename: a file is whole, old or new
    return "Interrupted: no file was left half-written."


def _abandoned(unraisable: Any) -> None:
    """After an interruption, a half-written object's finaliser has nothing to report."""
    log.debug("After the interruption: %s", unraisable.exc_value)


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM (a service stopping, ``kill``) stops a command the way Ctrl-C does."""
    raise KeyboardInterrupt


def _system_message(exc: OSError) -> str:
    """One line for a file the system would not let us read or write."""
    where = exc.filename or "a file"
    reason = exc.strerror or str(exc)
    fixes = {
        "PermissionError": "Choose a folder you can write to, with --output.",
        "FileNotFoundError": "Check the folder exists, or choose another with --output.",
        "IsADirectoryError": "Give a file name, not a folder.",
    }
    fix = fixes.get(type(exc).__name__, "Check the path and that the disk has room.")
    return f"Cannot use {where}: {reason}. {fix}"


def entry() -> None:
    """The ``healthy-streets`` console script."""
    import signal

    if hasattr(signal, "SIGPIPE"):  # `healthy-streets ... | head` ends quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, _terminate)
    main()


def _verbosity(ctx: click.Context, param: click.Parameter, value: int) -> None:
    """``-v``/``-q`` given after the command: the same as before it, and the last one given
    wins (``-q zones FILE -v`` says more; ``zones FILE -v -q`` only the results)."""
    if not value:
        return
    obj = ctx.find_root().ensure_object(dict)
    if param.name == "verbose":
        obj["verbosity"] = max(obj.get("verbosity", 0), 0) + value
        obj["quiet"] = False
    else:
        obj["verbosity"] = min(obj.get("verbosity", 0), 0) - value
        obj["quiet"] = True
    _configure_logging(obj["verbosity"])


def _verbosity_options() -> list[click.Parameter]:
    """``-v`` and ``-q`` for every command, so that they work after its name too."""
    return [
        click.Option(
            ["-v", "--verbose", "verbose"],
            count=True,
            expose_value=False,
            callback=_verbosity,
            help="Say more (repeat for debug); as before the command.",
        ),
        click.Option(
            ["-q", "--quiet", "quiet"],
            count=True,
            expose_value=False,
            callback=_verbosity,
            help="Say less: only results and errors; as before the command.",
        ),
    ]


def _configure_logging(verbosity: int) -> None:
    """Warnings and errors on stderr (more with ``-v``, fewer with ``-q``), and unless
    quiet the ``INFO`` records the library marks as shown (:data:`SHOWN`: a wait) as
    progress lines."""
    level = max(logging.DEBUG, logging.WARNING - 10 * verbosity)
    show = verbosity >= 0
    handler = logging.StreamHandler(sys.stderr)
    # the module a record comes from is for a maintainer (-vv); an officer sees "Warning: ..."
    handler.setFormatter(_Formatter("%(levelname)s %(name)s: %(message)s", named=verbosity >= 2))
    handler.addFilter(lambda record: record.levelno >= level or (show and is_shown(record)))
    root = logging.getLogger("healthy_streets")
    root.handlers[:] = [handler]
    root.setLevel(min(level, logging.INFO) if show else level)
    root.propagate = False


class _Formatter(logging.Formatter):
    """A record shown as progress (:data:`SHOWN`, below ``WARNING``) as a progress line."""

    def __init__(self, fmt: str, *, named: bool) -> None:
        super().__init__(fmt)
        self.named = named

    def format(self, record: logging.LogRecord) -> str:
        if is_shown(record) and record.levelno < logging.WARNING:
            return printable(f"… {record.getMessage()}")
        if not self.named and record.levelno >= logging.WARNING and not record.exc_info:
            word = "Warning" if record.levelno < logging.ERROR else "Error"
            return printable(f"{word}: {record.getMessage()}")
        return super().format(record)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="healthy-streets")
@click.option("-v", "--verbose", "verbose", count=True, help="Say more (repeat for debug).")
@click.option("-q", "--quiet", "quiet", count=True, help="Say less: only results and errors.")
@click.pass_context
def main(ctx: click.Context, verbose: int, quiet: int) -> None:
    """Maps and evaluations for 20mph zones ("healthy streets").

    Reads council 20mph zones, OpenStreetMap streets, community assets and resident
    reports, and writes meeting maps that work with no internet.

    \b
    Examples:
      healthy-streets init my-project
      healthy-streets build my-project/healthy-streets.toml
      healthy-streets demo
      healthy-streets demo --output out/demo --overwrite
      healthy-streets zones council_zones.geojson --output project.gpkg
      healthy-streets network --osm-file area.osm.pbf --zones council_zones.geojson
      healthy-streets sample data/sample
    """
    ctx.ensure_object(dict)
    ctx.obj["verbosity"] = verbose - quiet
    _configure_logging(verbose - quiet)
    ctx.obj["quiet"] = quiet > 0


def _register() -> None:
    from healthy_streets.cli import (
        assets,
        build,
        categories,
        demo,
        evaluate,
        gaps,
        hotspots,
        init,
        network,
        reports,
        sample,
        scorecard,
        summary,
        zones,
    )

    for module in (
        init,
        build,
        demo,
        zones,
        network,
        assets,
        reports,
        summary,
        hotspots,
        gaps,
        evaluate,
        scorecard,
        categories,
        sample,
    ):
        module.command.params.extend(_verbosity_options())
        main.add_command(module.command)


_register()
