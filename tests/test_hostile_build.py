"""A whole build of a project whose every text field is hostile: no code runs, the build
succeeds, and each text reaches the maps, tables and index as the text it is."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner
from markupsafe import escape

from healthy_streets.cli import main
from healthy_streets.maps.elements import safe_json

from hostile import hostile_project


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    project = hostile_project(folder)
    result = CliRunner().invoke(main, ["-q", "build", str(project["config"])])
    return project, folder / "out", result


def _pages(out):
    pages = [out / "index.html", *out.glob("maps/*")]
    return {p.name: p.read_text(encoding="utf-8") for p in pages}


def test_the_build_succeeds_and_runs_no_code(hostile_build):
    project, out, result = hostile_build
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert sorted(p.name for p in project["markers"].iterdir()) == []
    assert len(list(out.glob("maps/*.html"))) == 4


def test_template_code_is_shown_not_evaluated(hostile_build):
    _, out, _ = hostile_build
    for name, page in _pages(out).items():
        assert "Bins 49 overflowing" not in page, name
        assert "looplooploop" not in page, name


def test_every_text_reaches_the_maps_as_text(hostile_build):
    project, out, _ = hostile_build
    pages = "\n".join(_pages(out).values())
    for text in project["texts"]:
        as_json = safe_json(text)[1:-1]  # inside a script, as a JSON string
        as_html = str(escape(text))  # in the page's markup
        assert as_json in pages or as_html in pages, text


def test_no_text_can_leave_its_script_or_markup(hostile_build):
    _, out, _ = hostile_build
    for name, page in _pages(out).items():
        assert "<script>window.__hsPwned" not in page, name
        assert "<img src=x" not in page, name
        # one script element per inlined library or block: no data text opened another
        assert page.count("</script>") == page.count("<script"), name


def test_each_map_names_its_zone_verbatim(hostile_build):
    _, out, _ = hostile_build
    summary = pd.read_csv(out / "tables" / "summary.csv", encoding="utf-8-sig")
    zones = summary[~summary["zone_id"].str.startswith("(")]
    assert len(zones) == 4
    for zone in zones.itertuples():
        page = (out / "maps" / f"{zone.zone_id}.html").read_text(encoding="utf-8")
        assert f"<h1>{escape(zone.name)}</h1>" in page


def test_the_project_title_is_text_on_the_index(hostile_build):
    project, out, _ = hostile_build
    index = (out / "index.html").read_text(encoding="utf-8")
    assert str(escape(project["title"])) in index


def test_tables_hold_the_texts_verbatim(hostile_build):
    project, out, _ = hostile_build
    summary = pd.read_csv(out / "tables" / "summary.csv", encoding="utf-8-sig")
    zones = summary[~summary["zone_id"].str.startswith("(")]
    assert [name.split(" ", 2)[2] for name in zones["name"]] == project["texts"][::3][:4]
    hotspots = pd.read_csv(out / "tables" / "hotspots.csv", encoding="utf-8-sig")
    assert set(hotspots["street"].dropna()) & set(project["texts"])


def test_residents_additions_with_hostile_text_are_drawn_as_text(hostile_build):
    project, out, _ = hostile_build
    pages = "\n".join(p.read_text(encoding="utf-8") for p in out.glob("maps/*.html"))
    for i, text in enumerate(project["texts"]):
        assert safe_json(f"Added bench {i} {text}")[1:-1] in pages, text


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # popen's pipe
def test_the_payloads_are_live(tmp_path):
    """The harness is real: the first payload, rendered as a template, runs its command."""
    from branca.element import Element

    texts = hostile_project(tmp_path)["texts"]
    Element(texts[0]).render()
    assert [p.name for p in (tmp_path / "markers").iterdir()] == ["jinja-popen"]
