"""``healthy-streets categories``: the category keys, and what a text would become."""

from __future__ import annotations

import click

from healthy_streets.cli._report import show

_HOW = {
    "synonym": "a known word for it",
    "keyword": "a keyword in the text",
    "spelling": "a close spelling",
    "unmatched": "nothing matched",
}


@click.command("categories")
@click.argument("kind", type=click.Choice(["assets", "reports"]), required=False)
@click.option(
    "--project",
    "project_file",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="Include this project's own words ([taxonomy] in healthy-streets.toml) and tiers.",
)
@click.option(
    "--try",
    "texts",
    multiple=True,
    metavar="TEXT",
    help="Say which category a text (as written in a file) would become. Repeatable.",
)
def command(kind: str | None, project_file: str | None, texts: tuple[str, ...]) -> None:
    """List the asset and report categories: the keys to use in the project file and on
    the command line (--category), with their labels and, for reports, the tier of a
    two-tier council that handles them.

    With --try, say which category each text would become, and why; use it to check a
    project's own words before a build.

    \b
    Examples:
      healthy-streets categories
      healthy-streets categories reports
      healthy-streets categories reports --try "Dog mess" --try "SC-Fly-Tip Defect"
      healthy-streets categories --project my-project/healthy-streets.toml --try "poo bin"
    """
    from healthy_streets.model.taxonomy import (
        ASSET_CATEGORIES,
        REPORT_CATEGORIES,
        RESPONSIBLE_TIER,
        asset_taxonomy,
        report_taxonomy,
    )

    asset_words: dict[str, str] = {}
    report_words: dict[str, str] = {}
    tiers = dict(RESPONSIBLE_TIER)
    if project_file is not None:
        from healthy_streets.project import load_project

        inputs = load_project(project_file).inputs
        asset_words, report_words = dict(inputs.asset_synonyms), dict(inputs.report_synonyms)
        tiers.update(inputs.tiers)
    kinds = [kind] if kind else ["assets", "reports"]
    taxonomies = {"assets": asset_taxonomy(asset_words), "reports": report_taxonomy(report_words)}
    if texts:
        for text in texts:
            for name in kinds:
                match = taxonomies[name].match(text)
                show(f"{text!r} -> {name[:-1]} category {match.category} ({_HOW[match.how]})")
        return
    for name in kinds:
        labels = ASSET_CATEGORIES if name == "assets" else REPORT_CATEGORIES
        show(f"{name.title()}:")
        for key, label in labels.items():
            tier = f"  [{tiers[key]}]" if name == "reports" else ""
            show(f"  {key:<20} {label}{tier}")
    show("The words each category recognises are listed in docs/taxonomy.md.")
