"""``healthy-streets zones``: read a council's 20mph zones (or speed-limit lines)."""

from __future__ import annotations

import click

from healthy_streets.cli._inputs import check_store_output, store_output
from healthy_streets.cli._report import print_imports, show
from healthy_streets.cli.options import (
    InputFile,
    crs_opt,
    date_order_opt,
    gpkg_output_opt,
    layer_opt,
    overwrite_opt,
    pairs_opt,
)


@click.command("zones")
@click.argument("file", type=InputFile())
@crs_opt
@layer_opt
@pairs_opt(
    "field",
    "Name the column for a role where the guess is wrong: name, status, date, tro_ref, "
    "zone_number (polygons); limit, group (speed-limit lines). Repeatable.",
)
@click.option(
    "--assume-bng",
    is_flag=True,
    default=False,
    help="Read a file with no CRS, or GeoJSON in metres, as British National Grid when its "
    "coordinates can only be that.",
)
@click.option(
    "--group-by",
    metavar="FIELD",
    default=None,
    help="For speed-limit lines: build a zone per value of FIELD from the 20 mph lines.",
)
@date_order_opt
@gpkg_output_opt
@overwrite_opt
def command(
    file: str,
    crs: str | None,
    layer: str | None,
    fields: dict[str, str],
    assume_bng: bool,
    group_by: str | None,
    date_order: str | None,
    output: str | None,
    overwrite: bool,
) -> None:
    """Read a council's 20mph zones from FILE and say what was kept.

    FILE is GeoJSON, Shapefile (.shp, or .zip of one or several), GeoPackage, File
    Geodatabase (a .gdb folder, or zipped), KML/KMZ or CSV with a WKT column. Which column
    holds the name, the status, the date... is guessed from its header and its values, and
    every guess is said; --field corrects one. A zone with no status takes it from its date.
    Zone polygons become the `zones` layer. A file of street lines with a speed limit
    (a LAYER field such as "20mph streets") becomes the `speed_limits` layer, and with
    --group-by also zones drawn around its 20 mph streets. With --output the layers are
    written into a GeoPackage (or PostGIS); a layer of the same name that healthy-streets
    did not write is never replaced without --overwrite.

    \b
    Examples:
      healthy-streets zones data/sample/zones.geojson
      healthy-streets zones council_zones.csv --crs EPSG:27700 --output project.gpkg
      healthy-streets zones zones.gpkg --layer zones_2024 --field name=SCHEME
      healthy-streets zones council.gdb --layer Zones20mph
      healthy-streets zones us_export.gpkg --date-order mdy
      healthy-streets zones speed_limits.shp --group-by ZONE_NAME --output project.gpkg
    """
    import pandas as pd

    from healthy_streets.analysis.zones import zones_from_speed_limit_lines
    from healthy_streets.io.zones import LinesNotZonesError, read_speed_limit_lines, read_zones

    check_store_output(output, [], overwrite=overwrite, inputs=[file])  # never the file read
    try:
        result = read_zones(
            file,
            fields=fields,
            crs=crs,
            layer=layer,
            assume_bng=assume_bng,
            date_order=date_order,
        )
        layers = {"zones": result.layer}
    except LinesNotZonesError:
        line_fields = dict(fields)
        if group_by:
            line_fields["group"] = group_by
        result = read_speed_limit_lines(
            file, fields=line_fields, crs=crs, layer=layer, assume_bng=assume_bng
        )
        layers = {"speed_limits": result.layer}
        if group_by:
            layers["zones"] = zones_from_speed_limit_lines(result.layer)
    # which layers the file gives is known once it is read: refused before they are shown
    check_store_output(output, list(layers), overwrite=overwrite)
    print_imports([result])
    if "zones" in layers:
        zones = layers["zones"]
        show(f"{len(zones)} zones:")  # the result: shown even with -q
        for zone in zones.itertuples():
            when = zone.implemented_text if isinstance(zone.implemented_text, str) else ""
            show(f"  {zone.zone_id:<28} {zone.status:<12} {when:<24} {zone.name}")
    if "speed_limits" in layers:
        limits = layers["speed_limits"]
        labels = [
            _limit_label(low, high, part_time)
            for low, high, part_time in zip(
                limits["speed_mph_low"], limits["speed_mph_high"], limits["part_time"], strict=True
            )
        ]
        by_label = pd.DataFrame(
            {"low": limits["speed_mph_low"], "km": limits.geometry.length / 1000}
        ).groupby(pd.Series(labels, index=limits.index))
        table = by_label.agg(low=("low", "min"), km=("km", "sum")).sort_values("low")
        for label, row in table.iterrows():
            show(f"  {label}: {round(row['km'], 2)} km")
    if output:
        extra = {name: frame for name, frame in layers.items() if name != result.kind}
        store_output(result, output, source=file, extra=extra, overwrite=overwrite)


def _limit_label(low: float, high: float, part_time: bool) -> str:
    """``20 mph``, ``50-70 mph (band)``, ``limit unknown``, with `` (part time)``."""
    import pandas as pd

    if pd.isna(low):
        label = "limit unknown"
    elif low == high:
        label = f"{low:g} mph"
    else:
        label = f"{low:g}-{high:g} mph (band)"
    return label + (" (part time)" if part_time else "")
