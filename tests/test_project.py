"""The officer's workflow: init, edit, build, rebuild, interrupt."""

from __future__ import annotations

import re
import shutil

import pyogrio
import pytest
from click.testing import CliRunner

from healthy_streets.cli import main
from healthy_streets.errors import ProjectFileError
from healthy_streets.project import init_project, load_project

from conftest import SAMPLE


def run(*args):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def project(tmp_path):
    """A project folder set up with init, the sample's files copied in, the TOML edited."""
    folder = tmp_path / "yarrowside"
    result = run("init", str(folder), "--name", "Yarrowside 20mph zones")
    assert result.exit_code == 0, result.output
    for name in (
        "zones.geojson",
        "yarrowside.osm",
        "assets_walkabout.csv",
        "reports_fixmystreet.csv",
        "reports_open311.json",
    ):
        shutil.copy(SAMPLE / name, folder / name)
    config = folder / "healthy-streets.toml"
    text = config.read_text()
    text = text.replace('osm_file = "area.osm.pbf"', 'osm_file = "yarrowside.osm"')
    text = text.replace('file = "walkabout.csv"', 'file = "assets_walkabout.csv"')
    text = text.replace(
        'file = "fixmystreet.csv"\nformat = "fixmystreet"',
        'file = "reports_fixmystreet.csv"\nformat = "fixmystreet"\n\n'
        '[[reports]]\nfile = "reports_open311.json"\nformat = "open311"',
    )
    text = text.replace('# "chatty bench" = "bench"', '"thingy by the wall" = "other"')
    config.write_text(text)
    return folder


def test_init_writes_a_commented_toml_and_a_readme(tmp_path):
    paths = init_project(tmp_path / "p")
    assert [p.name for p in paths] == ["healthy-streets.toml", "README.md"]
    text = paths[0].read_text()
    assert text.count("#") > 30  # every setting explained
    assert "[[reports]]" in text
    readme = paths[1].read_text()
    assert "healthy-streets build" in readme
    # the README names every setting the file may hold, with its meaning
    from healthy_streets.project import _SCHEMA

    for table, keys in _SCHEMA.items():
        for key, (_, meaning) in keys.items():
            assert f"  - `{key}`: {meaning}" in readme, (table, key)
    assert "- `[[assets]]` (one table per file):" in readme
    # and every setting the TOML mentions, commented or not, is one the toolkit knows
    commented = "\n".join(line.lstrip("# ") for line in text.splitlines())
    for key in re.findall(r"^([a-z_]+) = ", commented, re.M):
        assert any(key in keys for keys in _SCHEMA.values()) or key in (
            "report_id", "category", "created", "easting", "northing", "name", "date",
            "graffiti",
        ), key  # fmt: skip
    with pytest.raises(FileExistsError):
        init_project(tmp_path / "p")


def test_build_from_init_to_store(project):
    result = run("build", str(project / "healthy-streets.toml"))
    assert result.exit_code == 0, result.output
    out = project / "out"
    # the summary: each input, then the outputs
    assert "reports_open311.json" in result.output
    assert "Outputs:" in result.output
    assert result.output.strip().splitlines()[-1] == str((out / "index.html").resolve())
    assert sorted(p.name for p in (out / "maps").iterdir()) == [
        "cowslip.html",
        "kestrel-park.html",
        "yarrow-meadows.html",
        "yarrowside-north.html",
    ]
    assert "Yarrowside 20mph zones" in (out / "index.html").read_text()
    assert (out / "tables" / "evaluation.csv").is_file()
    assert (out / "tables.xlsx").is_file()
    assert "reason" in (out / "rejected.csv").read_text(encoding="utf-8-sig")
    store = out / "healthy-streets.gpkg"
    layers = dict(pyogrio.list_layers(store))
    assert {"zones", "streets", "assets", "reports", "rejected", "provenance"} <= set(layers)
    assert pyogrio.read_info(store, layer="streets")["crs"] == "EPSG:27700"
    provenance = pyogrio.read_dataframe(store, layer="provenance", read_geometry=False)
    assert set(provenance["input"]) >= {
        "zones.geojson",
        "yarrowside.osm",
        "reports_fixmystreet.csv",
        "reports_open311.json",
    }
    row = provenance.set_index("input").loc["reports_open311.json"]
    assert (row["rows_in"], row["kept"], row["rejected"]) == (20, 10, 10)
    assert row["path"] == str((project / "reports_open311.json").resolve())
    # the edited taxonomy took effect: the walkabout's odd category is known now
    assert "match nothing" not in result.output.split("assets_walkabout.csv")[-1].split("\n")[0]

    # again: maps are not replaced without --overwrite...
    again = run("build", str(project))
    assert again.exit_code == 1
    assert "--overwrite" in again.output
    # ...and with it, nothing doubles in the store
    counts = {
        name: pyogrio.read_info(store, layer=name)["features"]
        for name in ("zones", "streets", "assets", "reports", "rejected", "provenance")
    }
    assert run("build", str(project), "--overwrite").exit_code == 0
    assert counts == {name: pyogrio.read_info(store, layer=name)["features"] for name in counts}


def test_an_interrupted_build_leaves_the_previous_outputs_whole(project, monkeypatch):
    assert run("build", str(project)).exit_code == 0
    out = project / "out"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    import healthy_streets.maps.meeting as meeting

    real = meeting.meeting_map
    calls = {"n": 0}

    def interrupted(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(meeting, "meeting_map", interrupted)
    result = run("build", str(project), "--overwrite")
    assert result.exit_code == 1
    assert "Interrupted" in result.output
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert set(after) == set(before)  # no staging folder or temporary file left
    assert {p for p in after if after[p] != before[p]} <= {out / "healthy-streets.gpkg"}


def test_one_zone_only(project):
    result = run("build", str(project), "--zone", "Cowslip")
    assert result.exit_code == 0, result.output
    assert [p.name for p in (project / "out" / "maps").iterdir()] == ["cowslip.html"]
    index = (project / "out" / "index.html").read_text()
    assert 'href="maps/cowslip.html"' in index
    assert 'href="maps/kestrel-park.html"' not in index
    unknown = run("build", str(project), "--zone", "Atlantis", "--overwrite")
    assert unknown.exit_code == 2
    assert "cowslip (Cowslip)" in unknown.output


def test_an_output_that_is_an_input_is_refused(project):
    import geopandas as gpd

    gpd.read_file(project / "zones.geojson").to_file(project / "zones.gpkg")
    config = project / "healthy-streets.toml"
    config.write_text(config.read_text().replace('file = "zones.geojson"', 'file = "zones.gpkg"'))
    result = run("build", str(project), "--store", str(project / "zones.gpkg"))
    assert result.exit_code == 1
    assert "is one of the inputs" in result.output
    alone = run("zones", str(project / "zones.gpkg"), "--output", str(project / "zones.gpkg"))
    assert alone.exit_code == 1
    assert "is one of the inputs" in alone.output


def test_every_problem_in_the_toml_at_once(tmp_path):
    config = tmp_path / "healthy-streets.toml"
    config.write_text(
        '[project]\nnation = "mars"\ncolour = "blue"\n[streets]\nosm_file = 3\n'
        '[[reports]]\nformat = "fax"\n[weather]\nrain = true\n'
    )
    with pytest.raises(ProjectFileError) as info:
        load_project(config)
    message = str(info.value)
    for problem in (
        "nation = 'mars'",
        "[project] colour",
        "[streets] osm_file = 3",
        "[[reports]] number 1 has no file",
        "format = 'fax'",
        "[weather]",
        "[zones] file is missing",
    ):
        assert problem in message, problem
    result = run("build", str(config))
    assert result.exit_code == 1  # a problem with a file, not with how the command was typed
    assert "has 7 problems:" in result.output
    assert "Usage:" not in result.output


def test_progress_is_plain_lines_when_not_a_terminal(project):
    result = CliRunner().invoke(main, ["build", str(project)])
    assert "… Drawing the zone maps (1 of 4)" in result.output
    assert "… Updating the store" in result.output


def test_the_readme_shows_the_project_file_in_full():
    from healthy_streets.project import TEMPLATE

    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = TEMPLATE.format(name="Chorley East 20mph zones", config="healthy-streets.toml")
    assert example in readme, "README's TOML example is out of date with project.TEMPLATE"
