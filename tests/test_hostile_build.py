"""A whole build of a project whose every text field is hostile: no code runs, the build
succeeds, and each text reaches the maps, tables and index as the text it is."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner
from markupsafe import escape

from healthy_streets.cli import main
from healthy_streets.maps.elements import safe_json
from healthy_streets.model.privacy import NAME_MARK, redact

from hostile import CONTACT, CUED, hostile_project


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


def _published_texts(out):
    """Every text a build published: pages, tables, the build record, the workbook and
    the store's tables (all of them: the store holds only what may be published)."""
    import sqlite3

    import openpyxl

    for path in sorted(out.rglob("*")):
        if path.suffix in (".html", ".csv", ".json", ".txt", ".md", ".geojson"):
            yield path.name, path.read_text(encoding="utf-8-sig", errors="replace")
        elif path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            cells = (c.value for s in book.worksheets for r in s.iter_rows() for c in r)
            yield path.name, "\n".join(str(v) for v in cells if v is not None)
        elif path.suffix == ".gpkg":
            with sqlite3.connect(path) as store:
                names = [r[0] for r in store.execute("select name from sqlite_master")]
                for name in names:
                    try:
                        rows = store.execute(f'select * from "{name}"').fetchall()
                    except sqlite3.DatabaseError:  # an index, a trigger
                        continue
                    text = "\n".join(str(v) for r in rows for v in r if isinstance(v, str))
                    yield f"{path.name}:{name}", text


def test_every_kind_of_input_was_read(hostile_build):
    """The council CSV, the GeoJSON, KML and XLSX places and the [taxonomy] words are part
    of the build, so that the tests below look at what they gave."""
    _, out, _ = hostile_build
    record = (out / ".healthy-streets-build.json").read_text(encoding="utf-8")
    for name in ("council.csv", "places.geojson", "places.kml", "places.xlsx"):
        assert name in record, name
    rejected = pd.read_csv(out / "rejected.csv", encoding="utf-8-sig", dtype=str)
    assert "(the whole row)" in set(rejected["field"])


def test_no_personal_data_comes_out_of_the_build(hostile_build):
    project, out, _ = hostile_build
    published = dict(_published_texts(out))
    assert any(CONTACT in text for text in published.values())  # the scan reads the maps
    assert any(name.startswith("healthy-streets.gpkg:") for name in published)
    leaks = {
        (name, needle)
        for name, text in published.items()
        for needle in project["personal"]
        if needle.casefold() in text.casefold()
    }
    assert leaks == set()


def test_each_cued_name_reached_the_outputs_removed(hostile_build):
    """The names in free text only (no person column holds them) were read, and each
    cue's own rule removed its name: the texts are published with the mark in its place."""
    _, out, _ = hostile_build
    published = "\n".join(text for _, text in _published_texts(out))
    for cue, name in CUED.items():
        scrubbed = redact(cue.format(name)).strip()  # "Cllr [name removed]" is one mark
        assert NAME_MARK in scrubbed and name not in scrubbed
        assert scrubbed in published, cue
    for text in ("call [phone removed] or [phone removed]", "ring [phone removed]"):
        assert text in published
    assert "email [email removed] or [email removed]" in published


def test_the_terminal_says_nothing_personal(hostile_build):
    project, _, result = hostile_build
    for needle in project["personal"]:
        assert needle.casefold() not in result.output.casefold(), needle


def test_no_spreadsheet_cell_is_a_formula(hostile_build):
    import openpyxl

    _, out, _ = hostile_build
    for path in out.rglob("*.xlsx"):
        for sheet in openpyxl.load_workbook(path).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, cell.coordinate, cell.value)
