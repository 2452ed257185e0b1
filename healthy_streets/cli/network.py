"""``healthy-streets network``: build the street network from OpenStreetMap."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from healthy_streets.cli._inputs import check_store_output, store_output, zones_layer_opt
from healthy_streets.cli._report import print_imports, say, show
from healthy_streets.cli.options import (
    InputFile,
    a_number,
    crs_opt,
    gpkg_output_opt,
    overwrite_opt,
)
from healthy_streets.model.vocabulary import NATIONS
from healthy_streets.model.words import counted

if TYPE_CHECKING:
    import geopandas as gpd


def _bbox(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    try:
        west, south, east, north = (float(v) for v in value.split(","))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} should be four numbers WEST,SOUTH,EAST,NORTH in degrees, e.g. "
            "-2.66,53.63,-2.60,53.67.",
            ctx=ctx,
            param=param,
        ) from None
    return west, south, east, north


@click.command("network")
@click.option(
    "--osm-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="A local OpenStreetMap extract: .osm, .osm.bz2, .osm.pbf, or .graphml.",
)
@click.option(
    "--place",
    default=None,
    metavar="NAME",
    help="Download the streets of a place (needs internet), e.g. 'Chorley'.",
)
@click.option(
    "--bbox",
    default=None,
    callback=_bbox,
    metavar="W,S,E,N",
    help="Download the streets in a box of longitudes and latitudes (needs internet).",
)
@click.option(
    "--zones",
    "zones_file",
    type=InputFile(),
    default=None,
    help="Zones file: keep streets within --buffer of them; with no other source, "
    "download the streets around them.",
)
@zones_layer_opt
@crs_opt
@click.option(
    "--buffer",
    "buffer_m",
    type=float,
    default=None,
    show_default="300",
    help="Metres around the zones to keep.",
)
@click.option(
    "--nation",
    type=click.Choice(NATIONS, case_sensitive=False),
    default=None,
    help="Whose rules apply to GB:nsl_restricted (Wales: 20 mph since Sept 2023).",
)
@click.option(
    "--derive-zones",
    is_flag=True,
    default=False,
    help="Also draw candidate 20mph zones from streets OSM tags 20 mph.",
)
@click.option(
    "--min-area",
    "min_area_m2",
    type=click.FloatRange(min=0),
    callback=a_number,
    default=20_000.0,
    show_default=True,
    metavar="M2",
    help="With --derive-zones: outlines smaller than this, in square metres, join the zone "
    "they touch, or are left out.",
)
@gpkg_output_opt
@overwrite_opt
def command(
    osm_file: str | None,
    place: str | None,
    bbox: tuple[float, float, float, float] | None,
    zones_file: str | None,
    zones_layer: str | None,
    crs: str | None,
    buffer_m: float | None,
    nation: str | None,
    derive_zones: bool,
    min_area_m2: float,
    output: str | None,
    overwrite: bool,
) -> None:
    """Build the street network: highway ways only, each segment with its speed limit.

    From a local file (--osm-file), or downloaded through osmnx by --place, --bbox or the
    area around --zones (cached in cache/osm). Railways, rivers and other ways are never
    streets, even when they carry maxspeed. With --output the `streets` layer (and with
    --derive-zones a `zones` layer) is written into a GeoPackage, whose zones the other
    commands read from it as --zones FILE.

    \b
    Examples:
      healthy-streets network --osm-file data/sample/yarrowside.osm
      healthy-streets network --osm-file lancashire.osm.pbf --zones zones.geojson \\
          --output project.gpkg
      healthy-streets network --place "Chorley, Lancashire" --output chorley.gpkg
      healthy-streets network --bbox -2.66,53.63,-2.60,53.67
      healthy-streets network --osm-file area.osm.pbf --derive-zones --output derived.gpkg
      healthy-streets gaps --zones derived.gpkg --osm-file area.osm.pbf
    """
    from healthy_streets.analysis.zones import zones_from_osm_20mph
    from healthy_streets.io.streets import read_street_network
    from healthy_streets.io.zones import read_zones

    sources = [s for s in (osm_file, place, bbox) if s is not None]
    if len(sources) > 1:
        raise click.UsageError("Give one source: --osm-file, --place or --bbox.")
    if not sources and not zones_file:
        raise click.UsageError(
            "Give a source: --osm-file FILE, --place NAME, --bbox W,S,E,N, "
            "or --zones FILE to download the streets around the zones."
        )
    check_store_output(
        output,
        ["streets", *(["zones"] if derive_zones else [])],
        overwrite=overwrite,
        inputs=[osm_file, zones_file],
    )
    zones = read_zones(zones_file, crs=crs, layer=zones_layer).layer if zones_file else None
    result = read_street_network(
        osm_file=osm_file,
        place=place,
        bbox=bbox,
        around=zones if not (osm_file or place or bbox) else None,
        clip_to=zones,
        buffer_m=buffer_m,
        nation=nation,
    )
    print_imports([result])
    streets = result.layer
    roads = streets[streets["road_class"] != "path"]
    show(  # the result: shown even with -q
        f"{len(streets)} segments, {roads['length_m'].sum() / 1000:.1f} km of road "
        f"(and {(streets['length_m'].sum() - roads['length_m'].sum()) / 1000:.1f} km "
        "of paths):"
    )
    speeds = roads["speed_mph"].fillna(-1)
    summary = roads.groupby(speeds)["length_m"].sum() / 1000
    assumed = roads[roads["speed_source"] == "default"].groupby(speeds)["length_m"].sum() / 1000
    for mph, km in summary.items():
        label = "unknown" if mph < 0 else f"{mph:g} mph"
        guessed = assumed.get(mph, 0.0)
        said = f" ({guessed:.2f} km of it assumed: no speed tag)" if guessed >= 0.005 else ""
        show(f"  {label:>10}: {km:.2f} km{said}")
    if assumed.sum() >= 0.005:
        say(
            f"  {assumed.sum():.1f} km of road has no speed tag and is taken as the default "
            "for its class: a restricted road (30 mph, or 20 mph in Wales), which has street "
            "lights, mostly in towns; where the file maps built-up land, a main or "
            "unclassified road outside it with no lit=yes takes the national limit (60 mph) "
            "instead, as the notes say."
        )
    layers = {"streets": streets}
    if derive_zones:
        layers["zones"] = zones_from_osm_20mph(streets, min_area_m2=min_area_m2)
        show(_derived_summary(streets, layers["zones"]))
    if output:
        extra = {name: frame for name, frame in layers.items() if name != "streets"}
        store_output(
            result, output, source=osm_file, inputs=[zones_file], extra=extra, overwrite=overwrite
        )


def _derived_summary(streets: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> str:
    """How many zones were drawn, and the 20 mph streets left out of them (lone streets
    too small for a zone of their own): as the zones' notes say, when they say it."""
    from healthy_streets.analysis.zones import tagged_20mph

    text = f"{counted(len(zones), 'candidate 20mph zone')} drawn from OSM."
    notes = zones.attrs.get("notes")
    if notes:  # why streets were left out, and the fix; with no zone, already a warning
        if not len(zones):
            return text
        return f"{text} {' '.join(notes)} Gaps lists them as 20 mph streets outside zones."
    tagged = streets[tagged_20mph(streets)]
    if tagged.empty:
        return text
    left_out = (
        ~tagged.within(zones.union_all().buffer(0.01))
        if len(zones)
        else tagged["segment_id"].notna()
    )
    if left_out.any():
        ways = tagged.loc[left_out, "osm_way_id"].nunique()
        metres = tagged.loc[left_out, "length_m"].sum()
        lie = (
            "lies apart from the others, in a group"
            if ways == 1
            else "lie apart from the others, in groups"
        )
        text += (
            f" {counted(ways, 'OSM way')} tagged 20 mph ({metres:.0f} m) {lie} too small for "
            "a zone: not drawn, and listed by gaps as 20 mph streets outside zones."
        )
    return text
