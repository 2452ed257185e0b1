"""``healthy-streets gaps``: where zones and OpenStreetMap disagree; schools left out."""

from __future__ import annotations

import sys
from typing import Any

import click

from healthy_streets._audience import speaking_to
from healthy_streets.cli._inputs import (
    check_table_output,
    csv_output_opt,
    inputs_options,
    load,
    table_output,
)
from healthy_streets.cli._report import print_imports, show
from healthy_streets.cli.options import InputFile, a_number, overwrite_opt, pairs_opt

#: The speed-limit file's own flags, named in its messages.
_LIMITS_FLAGS = {"layer": "--speed-limits-layer", "fields": "--speed-limits-field"}


@click.command("gaps")
@inputs_options
@click.option(
    "--edge-tolerance",
    "edge_tolerance_m",
    type=click.FloatRange(0, 1_000),
    callback=a_number,
    default=25.0,
    show_default=True,
    help="Metres from a zone's edge within which a street piece is not a gap.",
)
@click.option(
    "--speed-limits",
    "limits_file",
    type=InputFile(),
    default=None,
    help="Council speed-limit lines (a .gdb folder too): also list streets where OSM's limit "
    "differs.",
)
@click.option(
    "--speed-limits-layer",
    "limits_layer",
    metavar="NAME",
    default=None,
    help="The layer of the speed-limit file to read, when it holds several.",
)
@pairs_opt(
    "speed-limits-field",
    "Name the speed-limit file's column for a role where the guess is wrong: limit, group. "
    "Repeatable.",
    dest="limits_fields",
)
@csv_output_opt
@overwrite_opt
@click.pass_context
def command(
    ctx: click.Context,
    edge_tolerance_m: float,
    limits_file: str | None,
    limits_layer: str | None,
    limits_fields: dict[str, str],
    output: str | None,
    overwrite: bool,
    **options: Any,
) -> None:
    """List the 20mph gaps, ready for the council to check signs or fix the map.

    Streets inside an implemented zone that OpenStreetMap gives a limit above 20 mph;
    streets OSM tags 20 mph outside every zone; schools outside every zone in force, with
    the distance to the nearest zone; and with --speed-limits, streets where the council's
    speed-limit lines and OSM give different limits.

    \b
    Examples:
      healthy-streets gaps --sample
      healthy-streets gaps --zones zones.geojson --osm-file area.osm.pbf -o gaps.csv
      healthy-streets gaps --sample --speed-limits council_limits.shp
      healthy-streets gaps --sample --speed-limits limits.gpkg --speed-limits-layer roads \\
          --speed-limits-field limit=SPEED_TXT
    """
    import pandas as pd

    from healthy_streets.analysis.gaps import COUNCIL_DIFFERS, SCHOOL_OUTSIDE, gaps_table
    from healthy_streets.analysis.tables import OUTSIDE
    from healthy_streets.io.zones import read_speed_limit_lines

    if (limits_layer or limits_fields) and not limits_file:
        raise click.UsageError("--speed-limits-layer and --speed-limits-field need --speed-limits.")
    check_table_output(output, overwrite=overwrite, options=options, also=[limits_file])
    lines = None
    if limits_file:  # read first: a wrong column is said before the long work
        with speaking_to("cli", flags=_LIMITS_FLAGS):
            limits = read_speed_limit_lines(limits_file, layer=limits_layer, fields=limits_fields)
        print_imports([limits], file=sys.stderr)  # which column became the limit, and why
        lines = limits.layer
    inputs, layers = load(options, quiet=ctx.obj.get("quiet", False))
    table = gaps_table(layers, speed_limits=lines, edge_tolerance_m=edge_tolerance_m)
    if table.empty:
        show("No gaps found: no faster street in a zone, no 20 mph street or school outside.")
    schools = table["kind"] == SCHOOL_OUTSIDE
    if schools.any() and not (layers.zones["status"] == "implemented").any():
        show(
            "No zone is in force (status implemented), so every school is outside one; "
            "check the zones' status or implementation dates."
        )
    for kind, rows in table.groupby("kind", sort=False):
        show(f"{kind} ({len(rows)}):")
        for row in rows.itertuples():
            if kind == SCHOOL_OUTSIDE:
                show(f"  {row.street} - {_school_distance(row.distance_m, row.zone_id)}")
            elif kind == COUNCIL_DIFFERS:
                show(
                    f"  {row.street}: {row.length_m:.0f} m, OSM {_mph(row.speed_mph)}, "
                    f"council {_mph(row.council_mph_low, row.council_mph_high)} "
                    f"[{row.maxspeed}]"
                )
            else:
                tag = "; ".join(str(t) for t in (row.maxspeed, row.maxspeed_type) if pd.notna(t))
                where = "outside zones" if row.zone_id == OUTSIDE else f"in {row.zone_id}"
                show(
                    f"  {row.street} ({where}): {row.length_m:.0f} m, {row.speed_mph:g} mph [{tag}]"
                )
    table_output(table, output, overwrite=overwrite, inputs=inputs, also=[limits_file])


def _school_distance(distance_m: float, zone_id: object) -> str:
    """How far a school lies from the nearest zone in force, or that there is none."""
    import pandas as pd

    if pd.isna(distance_m) or pd.isna(zone_id):
        return "no zone in force to measure from"
    return f"{distance_m:.0f} m from {zone_id}"


def _mph(low: float, high: float | None = None) -> str:
    """``20 mph``, ``50-70 mph`` for a band, ``limit unknown``."""
    import pandas as pd

    if pd.isna(low):
        return "limit unknown"
    if high is None or pd.isna(high) or high == low:
        return f"{low:g} mph"
    return f"{low:g}-{high:g} mph"
