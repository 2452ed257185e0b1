"""``healthy-streets reports``: read resident reports."""

from __future__ import annotations

import click

from healthy_streets.cli._inputs import check_store_output, store_area, store_output
from healthy_streets.cli._report import print_imports, say
from healthy_streets.cli.options import (
    date_order_opt,
    gpkg_output_opt,
    overwrite_opt,
    pairs_opt,
    synonyms_opt,
)
from healthy_streets.model.vocabulary import REPORT_FORMATS, TIERS, words


def _tiers(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    from healthy_streets.model.taxonomy import REPORT_CATEGORIES

    tiers: dict[str, str] = {}
    for value in values:
        key, _, tier = value.partition("=")
        if key not in REPORT_CATEGORIES or tier not in TIERS:
            raise click.BadParameter(
                f"{value!r} should be CATEGORY=TIER, with TIER {words(TIERS)} and CATEGORY one "
                f"of {', '.join(REPORT_CATEGORIES)}.",
                ctx=ctx,
                param=param,
            )
        tiers[key] = tier
    return tiers


@click.command("reports")
@click.argument("file", type=click.Path(dir_okay=False), required=False)
@click.option(
    "--open311",
    "open311_url",
    metavar="URL",
    default=None,
    help="Instead of FILE: fetch from an Open311 service (its requests.json address); the "
    "answers are cached and the next fetch asks only for what changed.",
)
@click.option(
    "--since",
    metavar="DATE",
    default=None,
    help="With --open311: the first day of reports, YYYY-MM-DD [default: two years ago].",
)
@click.option(
    "--jurisdiction-id",
    metavar="ID",
    default=None,
    help="With --open311: the council's id on the service (FixMyStreet needs one).",
)
@click.option(
    "--recheck-per-build",
    metavar="N",
    type=click.IntRange(0, 1000),
    default=None,
    help="With --open311, where the service cannot be asked for a list of ids (FixMyStreet): "
    "the most old open reports asked for again one by one, those checked longest ago first, "
    "so that successive runs go round them all [default: 20].",
)
@click.option(
    "--rewalk-days",
    metavar="N",
    type=click.IntRange(0, 365),
    default=None,
    help="With --open311, where the service can be asked for reports updated since the last "
    "fetch: every date is asked again when the last such walk is N days old (0: now), so "
    "that reports the service removed leave the cache [default: 7].",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False),
    default="cache/open311",
    show_default=True,
    help="With --open311: the folder of cached answers.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(REPORT_FORMATS),
    default=None,
    help="The file's kind (default: decided by the file).",
)
@pairs_opt(
    "field",
    "For a council CSV, when the guess is wrong: the column for a role (report_id, "
    "category, subcategory, created, fixed, status, title, detail, lat, lon, easting, "
    "northing), as for zones and assets; --map is the same. Repeatable.",
    also=("map",),
)
@click.option(
    "--tier",
    "tiers",
    multiple=True,
    callback=_tiers,
    metavar="CATEGORY=TIER",
    help="Which tier handles a category here (county or district). Repeatable.",
)
@click.option(
    "--layer",
    metavar="SHEET",
    default=None,
    help="The sheet to read, when the reports are an Excel workbook of several sheets (or "
    "the layer of a GeoPackage).",
)
@synonyms_opt
@date_order_opt
@gpkg_output_opt
@overwrite_opt
def command(
    file: str | None,
    open311_url: str | None,
    since: str | None,
    jurisdiction_id: str | None,
    recheck_per_build: int | None,
    rewalk_days: int | None,
    cache_dir: str,
    fmt: str | None,
    fields: dict[str, str],
    tiers: dict[str, str],
    layer: str | None,
    synonyms: dict[str, str],
    date_order: str | None,
    output: str | None,
    overwrite: bool,
) -> None:
    """Read resident reports from FILE and say what was kept.

    FILE is a FixMyStreet CSV export (columns matched by name), Open311 GeoReport v2
    (JSON or XML), or any council CSV or Excel workbook (--layer SHEET for one of several
    sheets), or a GeoPackage layer (a store's reports layer is read from among its others,
    --layer NAME for another): its columns are found by header (Ref, Kind, Type,
    ReceivedDate...) or by their values (dates, categories the taxonomy knows, statuses),
    and the summary says which column plays which role; --field ROLE=COLUMN overrides a
    guess. Each report is placed by its coordinate columns (latitude/longitude,
    easting/northing, grid reference), else by a WKT column (WKT, the_geom...). Names,
    emails and phone numbers never leave the importer. Reports FixMyStreet
    never publishes (status hidden, unconfirmed or partial) are left out, each counted
    with why, their titles and text kept nowhere. Categories are
    mapped to one report taxonomy and each report says which tier of local government
    handles it. Reports outside the project area are counted apart, not rejected: in a
    build, and with --output naming a store that holds the project's zones (written by
    build or zones), whose area then also decides, as a build's would, which way round
    easting/northing or latitude/longitude columns are.

    With --open311 URL instead of FILE, the reports come straight from a council's Open311
    service (FixMyStreet's is https://SITE/open311/v2/requests.json): politely, a page at a
    time, cached in --cache; the next run asks only for what changed, and with no internet
    uses the cache and says how old it is. FixMyStreet cannot be asked for a list of ids,
    so the open reports made more than 90 days before are asked for again one by one,
    --recheck-per-build at a time, those checked longest ago first.

    \b
    Examples:
      healthy-streets reports data/sample/reports_fixmystreet.csv --output project.gpkg
      healthy-streets reports --open311 https://www.fixmystreet.com/open311/v2/requests.json \\
          --jurisdiction-id fixmystreet.com --since 2025-01-01
      healthy-streets reports open311_requests.json
      healthy-streets reports environmental_requests.csv
      healthy-streets reports us_crm_export.csv --date-order mdy
      healthy-streets reports crm_export.csv --format csv --field report_id=CaseRef \\
          --field category=EnquiryType --field created=LoggedOn --field easting=X \\
          --field northing=Y
    """
    from healthy_streets.io.reports import read_reports
    from healthy_streets.model.taxonomy import report_taxonomy

    taxonomy = report_taxonomy(synonyms)
    if fields and fmt not in (None, "csv"):
        raise click.UsageError("--field is for council CSVs (--format csv).")
    check_store_output(output, ["reports"], overwrite=overwrite, inputs=[file])
    if (file is None) == (open311_url is None):
        raise click.UsageError("Give a report FILE or --open311 URL (one of them).")
    if open311_url is not None and (fmt or fields or layer or date_order):
        raise click.UsageError(
            "--format, --field, --layer and --date-order are for files, not --open311."
        )
    area = store_area(output)
    if open311_url is not None:  # live Open311 (healthy_streets/io/open311.py)
        from healthy_streets.io.open311 import endpoint_folder, reports_from_open311_server

        result = reports_from_open311_server(
            open311_url,
            cache_folder=endpoint_folder(cache_dir, open311_url, jurisdiction_id=jurisdiction_id),
            since=since,
            jurisdiction_id=jurisdiction_id,
            recheck_per_build=recheck_per_build,
            rewalk_days=rewalk_days,
            taxonomy=taxonomy,
            tiers=tiers,
            area=area,
        )
    elif fields:
        from healthy_streets.io.reports import reports_from_csv

        result = reports_from_csv(
            str(file),
            columns=fields,
            layer=layer,
            taxonomy=taxonomy,
            tiers=tiers,
            date_order=date_order,
            area=area,
        )
    else:
        result = read_reports(
            str(file),
            format=fmt,
            layer=layer,
            taxonomy=taxonomy,
            tiers=tiers,
            date_order=date_order,
            area=area,
        )
    print_imports([result])
    if len(result.layer):
        table = result.layer.groupby(["category", "status"]).size().unstack(fill_value=0)
        say(table.to_string())
    if output:
        store_output(result, output, source=file, overwrite=overwrite)
