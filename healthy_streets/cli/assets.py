"""``healthy-streets assets``: read community assets."""

from __future__ import annotations

import click

from healthy_streets.cli._inputs import check_store_output, store_area, store_output
from healthy_streets.cli._report import print_imports, say
from healthy_streets.cli.options import (
    InputFile,
    crs_opt,
    gpkg_output_opt,
    layer_opt,
    overwrite_opt,
    pairs_opt,
    synonyms_opt,
)


@click.command("assets")
@click.argument("file", type=InputFile(), required=False)
@click.option(
    "--place",
    default=None,
    metavar="NAME",
    help="Download the assets OpenStreetMap maps in a place (needs internet).",
)
@crs_opt
@layer_opt
@pairs_opt(
    "field",
    "Name the column for a role when the guess is wrong: name, category, notes, lat, "
    "lon, easting, northing, grid_ref, postcode. Repeatable.",
)
@click.option(
    "--category",
    default=None,
    metavar="TEXT",
    help="Category for rows that give none (a file of libraries: --category Library).",
)
@click.option(
    "--postcodes",
    type=click.Path(dir_okay=False),
    default=None,
    help="Postcode file (ONS Postcode Directory or Code-Point Open CSV) to place rows "
    "that give only a postcode.",
)
@synonyms_opt
@gpkg_output_opt
@overwrite_opt
def command(
    file: str | None,
    place: str | None,
    crs: str | None,
    layer: str | None,
    fields: dict[str, str],
    category: str | None,
    postcodes: str | None,
    synonyms: dict[str, str],
    output: str | None,
    overwrite: bool,
) -> None:
    """Read community assets from FILE and say what was kept.

    FILE is a walkabout spreadsheet (CSV or .xlsx with latitude/longitude, easting/northing,
    OS grid references or postcodes), a GeoJSON, KML/KMZ (Google My Maps), GeoPackage,
    Shapefile or File Geodatabase (a .gdb folder, or zipped), the file residents download
    from a meeting map's "Add a place" tool, or an OpenStreetMap extract (benches, parks,
    schools, bins... by their tags).

    Each column's role is found by its header (Name, Site name, Location, What is it,
    site_type, fclass...) or by its values (distinct short texts are the name, texts the
    taxonomy knows the category); the summary says which column plays which role and why,
    and --field overrides any guess. Categories are mapped to the asset taxonomy; rows that
    give none take the file's name when it names one (defibrillators.csv); what matches
    nothing becomes "other" and is listed.

    With --output naming a store that holds the project's zones (written by build or
    zones), the rows are judged against the project area as a build with those zones would
    judge them: which way round easting/northing or latitude/longitude columns are, and
    which rows lie outside it (counted as outside and left out, not rejected).

    \b
    Examples:
      healthy-streets assets data/sample/assets_walkabout.csv
      healthy-streets assets defibrillators.csv --field name=Site --field category=Type
      healthy-streets assets walkabout.xlsx --postcodes ONSPD_NOV_2025.csv --output project.gpkg
      healthy-streets assets my_maps_export.kmz --synonym "Chatty bench=bench"
      healthy-streets assets community-additions.geojson --output project.gpkg
      healthy-streets assets council_assets.gdb --layer Defibrillators
      healthy-streets assets data/sample/yarrowside.osm
    """
    from healthy_streets.model.taxonomy import asset_taxonomy

    if (file is None) == (place is None):
        raise click.UsageError("Give a FILE or --place NAME (one of them).")
    check_store_output(output, ["assets"], overwrite=overwrite, inputs=[file, postcodes])
    area = store_area(output)
    if file is None:
        from healthy_streets.io.osm_features import assets_from_osm_place

        result = assets_from_osm_place(str(place), area=area)
    else:
        from healthy_streets.io.assets import read_assets

        result = read_assets(
            file,
            fields=fields,
            crs=crs,
            layer=layer,
            category=category,
            postcodes=postcodes,
            taxonomy=asset_taxonomy(synonyms),
            area=area,
        )
    print_imports([result])
    counts = result.layer["category"].value_counts()
    for key, n in counts.items():
        say(f"  {key:<18} {n:>6}")
    if output:
        store_output(result, output, source=file, inputs=[postcodes], overwrite=overwrite)
