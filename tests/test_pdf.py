"""``build --pdf``: each zone's map on one A4 page, and an atlas, printed by Chromium."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pypdf  # the test extra: a PDF is checked page by page
import pytest
from click.testing import CliRunner

from healthy_streets.cli import main
from healthy_streets.errors import PrintError
from healthy_streets.maps.pdf import CHROMIUM_ENV, check_printing, find_chromium

from conftest import SAMPLE, sample_project

PROJECT = sample_project("Printed Yarrowside", end='\n[evaluation]\ncategory = "litter"\n')


def make_project(folder: Path, zones: int = 3) -> Path:
    """The sample's first ``zones`` zones, its walkabout and its Open311 reports; the
    project evaluates litter."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("yarrowside.osm", "assets_walkabout.csv", "reports_open311.json"):
        shutil.copy(SAMPLE / name, folder / name)
    data = json.loads((SAMPLE / "zones.geojson").read_text())
    data["features"] = data["features"][:zones]
    (folder / "zones.geojson").write_text(json.dumps(data))
    (folder / "healthy-streets.toml").write_text(PROJECT)
    return folder / "healthy-streets.toml"


@pytest.fixture
def chromium(chromium_path, monkeypatch):
    monkeypatch.setenv(CHROMIUM_ENV, chromium_path)
    return chromium_path


@pytest.mark.browser
def test_build_pdf_prints_each_zone_on_one_a4_page_and_an_atlas(tmp_path, chromium):
    config = make_project(tmp_path / "project")
    result = CliRunner().invoke(main, ["build", str(config), "--pdf"])
    assert result.exit_code == 0, result.output
    out = config.parent / "out"
    maps = sorted((out / "maps").glob("*.html"))
    pdfs = sorted((out / "maps").glob("*.pdf"))
    assert [p.stem for p in pdfs] == [m.stem for m in maps] and len(pdfs) == 3
    assert "3 A4 PDFs beside them, and all of them in" in result.output
    names = {}
    for pdf in pdfs:
        reader = pypdf.PdfReader(pdf)
        assert len(reader.pages) == 1, pdf.name
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 across
        text = reader.pages[0].extract_text()
        for words in ("Map made", "OpenStreetMap contributors", "Legend", "20 mph or less"):
            assert words in text, (pdf.name, words)
        names[pdf.stem] = text.splitlines()[0]
    # the atlas: every zone's page, in the zones' order
    atlas = pypdf.PdfReader(out / "atlas.pdf")
    assert len(atlas.pages) == 3
    zone_names = [
        f["properties"]["ZONE_NAME"]
        for f in json.loads((config.parent / "zones.geojson").read_text())["features"]
    ]
    firsts = [page.extract_text().splitlines()[0] for page in atlas.pages]
    assert firsts == zone_names
    assert sorted(names.values()) == sorted(zone_names)
    # the maps open on the project's evaluation category, and print it
    on_litter = [m.stem for m in maps if '["litter"]);' in m.read_text(encoding="utf-8")]
    assert on_litter
    for stem in on_litter:
        text = pypdf.PdfReader(out / "maps" / f"{stem}.pdf").pages[0].extract_text()
        assert "Litter and street cleaning" in text and "Dog fouling" not in text
    # nothing left of the staging folder; a second build without --overwrite is refused
    assert not [p for p in out.iterdir() if p.name.startswith(".staging-")]
    again = CliRunner().invoke(main, ["build", str(config), "--pdf"])
    assert again.exit_code == 1 and "--overwrite" in again.output


@pytest.mark.browser
def test_one_zone_prints_its_page_and_no_atlas(tmp_path, chromium):
    import healthy_streets as hs
    from healthy_streets.project import load_project

    config = make_project(tmp_path / "project", zones=2)
    _layers, outputs = hs.build(load_project(config), zone="Yarrowside North", pdf=True)
    assert list(outputs.pdfs) == ["yarrowside-north"]
    assert outputs.atlas is None and not (config.parent / "out" / "atlas.pdf").exists()
    assert len(pypdf.PdfReader(outputs.pdfs["yarrowside-north"]).pages) == 1
    assert outputs.pdfs["yarrowside-north"] in outputs.paths()


@pytest.mark.browser
def test_a_printing_failure_changes_nothing(tmp_path, chromium, monkeypatch):
    import healthy_streets.pipeline as pdf_module  # where the build prints its maps
    from healthy_streets.pipeline import build
    from healthy_streets.project import load_project

    def half_done(maps, *, atlas=None, **kwargs):
        Path(maps[0]).with_suffix(".pdf").write_bytes(b"%PDF-1.7 half")
        raise PrintError("Chromium stopped half way.")

    monkeypatch.setattr(pdf_module, "maps_to_pdf", half_done)
    config = make_project(tmp_path / "project", zones=1)
    with pytest.raises(PrintError, match="half way"):
        build(load_project(config), pdf=True)
    out = config.parent / "out"
    left = [p.name for p in out.iterdir()] if out.exists() else []
    assert [name for name in left if not name.startswith(".healthy-streets")] == []


def test_without_chromium_the_option_fails_with_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "no-such-chromium"))
    config = make_project(tmp_path / "project", zones=1)
    result = CliRunner().invoke(main, ["build", str(config), "--pdf"])
    assert result.exit_code == 1
    message = result.output.strip()
    assert len(message.splitlines()) == 1
    assert "needs Chromium" in message and CHROMIUM_ENV in message
    assert "no-such-chromium" in message
    assert not (config.parent / "out").exists()  # refused before any work


def test_without_the_pdf_extra_the_option_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pypdf", None)  # as if it were not installed
    with pytest.raises(PrintError, match=r"needs pypdf.*pip install 'healthy-streets\[pdf\]'"):
        check_printing()
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)
    config = make_project(tmp_path / "project", zones=1)
    result = CliRunner().invoke(main, ["build", str(config), "--pdf"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: Printing maps to PDF needs Playwright, which is not installed: "
        "pip install 'healthy-streets[pdf]'."
    )


def test_chromium_is_found_by_setting_then_variable_then_path(tmp_path, monkeypatch):
    from healthy_streets import settings

    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv(CHROMIUM_ENV, str(fake))
    assert find_chromium() == str(fake)
    other = tmp_path / "other-chromium"
    other.write_text("#!/bin/sh\n")
    other.chmod(0o755)
    monkeypatch.setattr(settings, "chromium", str(other))
    assert find_chromium() == str(other)
    assert find_chromium(str(fake)) == str(fake)
    monkeypatch.setattr(settings, "chromium", None)
    monkeypatch.delenv(CHROMIUM_ENV)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PrintError, match="none is installed here"):
        find_chromium()
    (tmp_path / "chromium").write_text("#!/bin/sh\n")
    (tmp_path / "chromium").chmod(0o755)
    assert find_chromium() == str(tmp_path / "chromium")
