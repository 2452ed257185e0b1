"""``healthy-streets reports``: read resident reports."""

from __future__ import annotations

import click

from healthy_streets.cli._inputs import check_store_output, store_output
from healthy_streets.cli._report import print_imports, say
from healthy_streets.cli.options import gpkg_output_opt, overwrite_opt, pairs_opt, synonyms_opt
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
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(REPORT_FORMATS),
    default=None,
    help="The file's kind (default: decided by the file).",
)
@pairs_opt(
    "map",
    "For a council CSV, when the guess is wrong: the column for a role (report_id, "
    "category, subcategory, created, fixed, status, title, detail, lat, lon, easting, "
    "northing). Repeatable.",
)
@click.option(
    "--tier",
    "tiers",
    multiple=True,
    callback=_tiers,
    metavar="CATEGORY=TIER",
    help="Which tier handles a category here (county or district). Repeatable.",
)
@synonyms_opt
@gpkg_output_opt
@overwrite_opt
def command(
    file: str,
    fmt: str | None,
    fields: dict[str, str],
    tiers: dict[str, str],
    synonyms: dict[str, str],
    output: str | None,
    overwrite: bool,
) -> None:
    """Read resident reports from FILE and say what was kept.

    FILE is a FixMyStreet CSV export (columns matched by name), Open311 GeoReport v2
    (JSON or XML), or any council CSV: its columns are found by header (Ref, Kind, Type,
    ReceivedDate...) or by their values (dates, categories the taxonomy knows, statuses),
    and the summary says which column plays which role; --map ROLE=COLUMN overrides a
    guess. Names, emails and phone numbers never leave the importer. Categories are
    mapped to one report taxonomy and each report says which tier of local government
    handles it. Reports outside the project area (in a build) are counted apart, not
    rejected.

    \b
    Examples:
      healthy-streets reports data/sample/reports_fixmystreet.csv --output project.gpkg
      healthy-streets reports open311_requests.json
      healthy-streets reports environmental_requests.csv
      healthy-streets reports crm_export.csv --format csv --map report_id=CaseRef \\
          --map category=EnquiryType --map created=LoggedOn --map easting=X --map northing=Y
    """
    from healthy_streets.io.reports import read_reports
    from healthy_streets.model.taxonomy import report_taxonomy

    taxonomy = report_taxonomy(synonyms)
    if fields and fmt not in (None, "csv"):
        raise click.UsageError("--map is for council CSVs (--format csv).")
    check_store_output(output, ["reports"], overwrite=overwrite)
    if fields:
        from healthy_streets.io.reports import reports_from_csv

        result = reports_from_csv(file, columns=fields, taxonomy=taxonomy, tiers=tiers)
    else:
        result = read_reports(file, format=fmt, taxonomy=taxonomy, tiers=tiers)
    print_imports([result])
    if len(result.layer):
        table = result.layer.groupby(["category", "status"]).size().unstack(fill_value=0)
        say(table.to_string())
    if output:
        store_output(result, output, source=file, overwrite=overwrite)
