"""The ``healthy-streets`` command line: a thin shell over the Python API.

One command per module; shared options in :mod:`healthy_streets.cli.options`. Library
errors become one-line messages with exit status 1; bad usage exits with status 2.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from healthy_streets import __version__
from healthy_streets.errors import ConfigError, HealthyStreetsError

__all__ = ["main"]

log = logging.getLogger("healthy_streets")


class _Group(click.Group):
    """Turns the toolkit's errors into one clear line each."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise click.UsageError(str(exc), ctx) from None
        except HealthyStreetsError as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt:
            raise click.ClickException(
                "Interrupted; outputs already written are whole, "
                "the one being written was not kept."
            ) from None


def _configure_logging(verbosity: int) -> None:
    level = max(logging.DEBUG, logging.WARNING - 10 * verbosity)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("healthy_streets")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="healthy-streets")
@click.option("-v", "--verbose", "verbose", count=True, help="Say more (repeat for debug).")
@click.option("-q", "--quiet", "quiet", count=True, help="Say less: errors only.")
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
    _configure_logging(verbose - quiet)
    ctx.obj["quiet"] = quiet > 0


def _register() -> None:
    from healthy_streets.cli import (
        assets,
        build,
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
        sample,
    ):
        main.add_command(module.command)


_register()
