"""The officer's workflow: init, edit, build, rebuild, interrupt."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
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
    assert row["path"] == "reports_open311.json"  # in the project folder: never where it is
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
    config = project / "healthy-streets.toml"  # a new title: every map is drawn again
    config.write_text(config.read_text().replace("Yarrowside 20mph zones", "Yarrowside, again"))
    import healthy_streets.maps.batch as batch  # where the build draws each map

    real = batch.draw_map
    third = sorted(p.stem for p in (out / "maps").glob("*.html"))[2]

    def interrupted(view, **kwargs):  # Ctrl-C as the third zone's map is drawn
        if view.zone["zone_id"] == third:
            raise KeyboardInterrupt
        return real(view, **kwargs)

    monkeypatch.setattr(batch, "draw_map", interrupted)
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
    example = TEMPLATE.format(name='"Chorley East 20mph zones"', config="healthy-streets.toml")
    assert example in readme, "README's TOML example is out of date with project.TEMPLATE"


def minimal_project(folder, extra=""):
    """A project file naming a zones file and an OSM file, with ``extra`` TOML after it."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "healthy-streets.toml"
    config.write_text(f'[zones]\nfile = "zones.geojson"\n[streets]\nosm_file = "area.osm"\n{extra}')
    return config


def test_input_files_outside_the_project_folder_are_refused(tmp_path):
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("a,b\n1,2\n")
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "linked.csv").symlink_to(outside)
    config = minimal_project(
        folder,
        '[[reports]]\nfile = "/etc/shadow"\nformat = "csv"\n'
        '[[reports]]\nfile = "../../../etc/passwd"\n'
        '[[assets]]\nfile = "linked.csv"\npostcodes = "../elsewhere.csv"\n'
        '[[assets]]\nfile = "sub/../walkabout.csv"\n',  # inside, however written
    )
    with pytest.raises(ProjectFileError) as info:
        load_project(config)
    message = str(info.value)
    assert "has 4 problems:" in message  # every one listed at once
    assert "[[reports]] number 1 file = '/etc/shadow' is outside the project folder" in message
    assert "[[reports]] number 2 file = '../../../etc/passwd' is outside" in message
    assert f"[[assets]] number 1 file = 'linked.csv' is outside the project folder {folder}" in (
        message
    )
    assert f"(a link to {outside})" in message
    assert "[[assets]] number 1 postcodes = '../elsewhere.csv' is outside" in message
    assert "allow_outside = true under [project]" in message
    # the build says the same, in one message with exit status 1
    result = run("build", str(config))
    assert result.exit_code == 1 and "is outside the project folder" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_shapefile_whose_side_file_links_outside_is_refused(tmp_path):
    # GDAL reads zones.dbf beside zones.shp: a .dbf linked to a file outside the project
    # would put that file's text (here names SECRET-OUTSIDE-n) into the maps and tables
    import geopandas as gpd

    outside = tmp_path / "outside"
    outside.mkdir()
    zones = gpd.read_file(SAMPLE / "zones.geojson").iloc[:2]
    secret = zones.assign(name=["SECRET-OUTSIDE-1", "SECRET-OUTSIDE-2"])
    secret.to_file(outside / "zones.shp")
    folder = tmp_path / "project"
    folder.mkdir()
    zones.to_file(folder / "zones.shp")
    shutil.copy(SAMPLE / "yarrowside.osm", folder / "area.osm")
    (folder / "zones.dbf").unlink()
    (folder / "zones.dbf").symlink_to(outside / "zones.dbf")
    config = minimal_project(folder)
    config.write_text(config.read_text().replace("zones.geojson", "zones.shp"))
    with pytest.raises(ProjectFileError) as info:
        load_project(config)
    assert str(info.value) == (
        f"{config} has 1 problem:\n  - [zones] file = 'zones.shp': the file read with it, "
        f"'zones.dbf', is outside the project folder {folder} (a link to "
        f"{outside / 'zones.dbf'}). Copy the file itself into the folder, or allow files "
        "outside it with allow_outside = true under [project]."
    )
    result = run("build", str(config))
    assert result.exit_code == 1
    assert "'zones.dbf', is outside the project folder" in result.output
    assert "SECRET" not in result.output and not (folder / "out").exists()
    # allowed out, the same files are read
    config.write_text(f"[project]\nallow_outside = true\n{config.read_text()}")
    assert load_project(config).inputs.zones.path == folder / "zones.shp"


def test_a_geopackage_write_ahead_log_outside_or_a_pipe_is_refused(tmp_path):
    import os

    folder = tmp_path / "project"
    config = minimal_project(folder)
    config.write_text(config.read_text().replace("zones.geojson", "zones.gpkg"))
    (folder / "zones.gpkg").write_bytes(b"SQLite format 3\x00")
    (tmp_path / "elsewhere-wal").write_bytes(b"rows from elsewhere")
    (folder / "zones.gpkg-wal").symlink_to(tmp_path / "elsewhere-wal")
    os.mkfifo(folder / "zones.gpkg-shm")
    with pytest.raises(ProjectFileError) as info:
        load_project(config)
    message = str(info.value)
    assert "has 2 problems:" in message
    assert (
        "[zones] file = 'zones.gpkg': the file read with it, 'zones.gpkg-wal', is outside "
        f"the project folder {folder} (a link to {tmp_path / 'elsewhere-wal'})"
    ) in message
    assert (
        "[zones] file = 'zones.gpkg': the file read with it, 'zones.gpkg-shm', is not a "
        "regular file (a named pipe, a device or a socket)"
    ) in message


def test_input_files_outside_are_read_when_the_project_allows_it(tmp_path):
    outside = tmp_path / "shared" / "zones.geojson"
    config = minimal_project(tmp_path / "project", "[project]\nallow_outside = true\n")
    config.write_text(config.read_text().replace('"zones.geojson"', f'"{outside}"'))
    assert load_project(config).inputs.zones.path == outside
    # allow_outside is a yes or no
    config.write_text(config.read_text().replace("allow_outside = true", 'allow_outside = "yes"'))
    with pytest.raises(ProjectFileError, match=r"allow_outside = 'yes' should be true to read"):
        load_project(config)


def test_a_named_pipe_is_refused_as_an_input(tmp_path):
    import os

    folder = tmp_path / "project"
    config = minimal_project(folder)
    os.mkfifo(folder / "zones.geojson")
    with pytest.raises(
        ProjectFileError, match=r"\[zones\] file = 'zones.geojson' is not a regular"
    ):
        load_project(config)
    os.mkfifo(tmp_path / "pipe.toml")
    with pytest.raises(ProjectFileError, match="is not a regular file"):
        load_project(tmp_path / "pipe.toml")


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "[project]\nbuffer_m = -500",
            "[project] buffer_m = -500 should be metres around the zones to keep: a number "
            "from 0 to 10000.",
        ),
        ("[project]\nbuffer_m = nan", "[project] buffer_m = nan should be metres around"),
        ("[project]\nbuffer_m = inf", "[project] buffer_m = inf should be metres around"),
        ("[project]\nbuffer_m = 1e9", "buffer_m = 1000000000.0 should be metres around the"),
        ("[project]\nbuffer_m = true", "[project] buffer_m = True should be metres around"),
        ("[project]\nbuffer_m = '300'", "[project] buffer_m = '300' should be metres around"),
        (
            "[evaluation]\nwindow_months = 0",
            "[evaluation] window_months (the window) must be a whole number of months, 1 to 600",
        ),
        (
            "[evaluation]\nring_m = -1",
            "[evaluation] ring_m (the ring) must be a width in metres above 0 and at most "
            "10000, not -1",
        ),
        ("[evaluation]\nring_m = true", "[evaluation] ring_m = True should be the ring's width"),
        ("[zones.fields]\nname = 3", "[zones.fields] name = 3 should be text, in quotes."),
    ],
)
def test_numbers_in_the_project_file_are_checked_for_type_and_range(tmp_path, setting, message):
    config = minimal_project(tmp_path, setting + "\n")
    with pytest.raises(ProjectFileError) as info:
        load_project(config)
    assert message in str(info.value)
    assert "has 1 problem:" in str(info.value)


def test_the_evaluation_takes_one_category_or_several(tmp_path):
    several = minimal_project(
        tmp_path / "a", '[evaluation]\ncategory = ["Dog fouling", "litter"]\n'
    )
    assert load_project(several).evaluation["category"] == ["dog_fouling", "litter"]
    one = minimal_project(
        tmp_path / "b", '[evaluation]\ncategory = ["dog_fouling", "Dog fouling"]\n'
    )
    assert load_project(one).evaluation["category"] == "dog_fouling"  # the same one, once
    for value, problem in (
        ("[1, 2]", "[evaluation] category = [1, 2] should be a category or a list of them"),
        ("[]", "[evaluation] category = [] should be a category or a list of them"),
        ('["litter", "dgs"]', "[evaluation] 'dgs' is not a report category"),
    ):
        config = minimal_project(tmp_path / "c", f"[evaluation]\ncategory = {value}\n")
        with pytest.raises(ProjectFileError) as info:
            load_project(config)
        assert problem in str(info.value)
        assert "has 1 problem:" in str(info.value)


def test_a_table_where_a_key_should_be_is_listed_not_a_crash(tmp_path):
    config = tmp_path / "healthy-streets.toml"
    config.write_text('zones = 3\nstreets = "x"\nassets = [1, 2]\n[evaluation]\nring_m = []\n')
    with pytest.raises(ProjectFileError) as info:
        load_project(config)
    message = str(info.value)
    for problem in ("[zones] should be a table of keys", "[assets] should be a table of keys"):
        assert problem in message
    assert "[zones] file is missing" in message


def test_inputs_with_a_buffer_that_is_not_a_distance_are_refused():
    import math

    import healthy_streets as hs
    from healthy_streets.errors import ConfigError

    inputs = hs.sample_inputs()
    inputs.buffer_m = math.nan
    with pytest.raises(ConfigError, match="buffer_m = nan should be the metres"):
        hs.load_layers(inputs)


def test_a_zone_removed_from_the_file_loses_its_map_on_overwrite(project):
    import json

    config = str(project / "healthy-streets.toml")
    assert run("-q", "build", config).exit_code == 0
    maps = project / "out" / "maps"
    assert (maps / "cowslip.html").is_file()
    (maps / "council-notes.html").write_text("<p>the council's own page</p>")
    # an officer's own copy of a map: the toolkit's page, but not one a build wrote there
    shutil.copy(maps / "cowslip.html", maps / "cowslip-copy.html")
    # a PDF beside the toolkit's map (as build --pdf prints it), and one beside the council's
    _as_printed(project / "out", ["maps/cowslip.pdf"])
    (maps / "council-notes.pdf").write_bytes(b"%PDF-1.7\n% the council's own\n")
    zones = json.loads((project / "zones.geojson").read_text())
    zones["features"] = [f for f in zones["features"] if f["properties"]["ZONE_NAME"] != "Cowslip"]
    (project / "zones.geojson").write_text(json.dumps(zones))
    result = run("build", config, "--overwrite")
    assert result.exit_code == 0, result.output
    assert (
        "removed, as their zones are no longer in the zones file: cowslip.html, cowslip.pdf\n"
    ) in result.output
    assert "cowslip-copy" not in result.output
    assert sorted(p.name for p in maps.iterdir()) == [
        "council-notes.html",  # not the toolkit's: never touched
        "council-notes.pdf",  # nor the PDF beside it
        "cowslip-copy.html",  # the officer's copy: theirs
        "kestrel-park.html",
        "yarrow-meadows.html",
        "yarrowside-north.html",
    ]
    assert "cowslip" not in (project / "out" / "index.html").read_text()


def _as_printed(out, names):
    """Write PDFs as a ``build --pdf`` leaves them: listed in the build's record."""
    import json

    from healthy_streets._files import sha256
    from healthy_streets._rebuild import RECORD_NAME

    record = json.loads((out / RECORD_NAME).read_text(encoding="utf-8"))
    for name in names:
        (out / name).write_bytes(b"%PDF-1.7\n% " + name.encode() + b", printed by build --pdf\n")
        record["outputs"][name] = sha256(out / name)
    (out / RECORD_NAME).write_text(json.dumps(record), encoding="utf-8")


def test_pdfs_of_maps_drawn_again_without_pdf_are_removed_and_said(project):
    """A build from changed inputs that draws maps again without --pdf takes away the PDFs
    the last build printed of them, and the atlas: they would show the old maps at the next
    meeting. A PDF changed since (an officer's notes on it) is left alone, and so is every
    PDF when nothing changed."""
    config = str(project / "healthy-streets.toml")
    assert run("-q", "build", config).exit_code == 0
    out = project / "out"
    _as_printed(out, ["maps/cowslip.pdf", "maps/kestrel-park.pdf", "atlas.pdf"])
    (out / "maps" / "kestrel-park.pdf").write_bytes(b"%PDF-1.7\n% annotated by an officer\n")
    reports = project / "reports_fixmystreet.csv"
    reports.write_text("".join(reports.read_text().splitlines(keepends=True)[:-1]))
    result = run("build", config, "--overwrite")  # the reports changed: every map drawn
    assert result.exit_code == 0, result.output
    assert (
        "removed, as the maps they printed were drawn again: cowslip.pdf, atlas.pdf (build "
        "every zone with --pdf to print them again)"
    ) in " ".join(result.output.split())
    assert not (out / "maps" / "cowslip.pdf").exists() and not (out / "atlas.pdf").exists()
    assert (out / "maps" / "kestrel-park.pdf").read_bytes().endswith(b"by an officer\n")
    again = run("build", config, "--overwrite")  # the record no longer lists them
    assert "Nothing changed since the build" in " ".join(again.output.split()), again.output

    # nothing changed: a map drawn again from the store (it was deleted, or asked for with
    # --zone) shows what its PDF and the atlas show, and they are kept
    _as_printed(out, ["maps/yarrow-meadows.pdf", "maps/cowslip.pdf", "atlas.pdf"])
    printed = {name: (out / name).read_bytes() for name in ("maps/cowslip.pdf", "atlas.pdf")}
    (out / "maps" / "yarrow-meadows.html").unlink()
    redrawn = run("build", config, "--overwrite")
    assert redrawn.exit_code == 0, redrawn.output
    assert "Drawn again from the store" in " ".join(redrawn.output.split())
    assert "removed" not in redrawn.output
    assert (out / "maps" / "yarrow-meadows.html").is_file()
    one = run("build", config, "--overwrite", "--zone", "Cowslip")
    assert one.exit_code == 0, one.output
    assert "the map of 'Cowslip'" in " ".join(one.output.split())
    assert "removed" not in one.output
    assert {name: (out / name).read_bytes() for name in printed} == printed
    assert (out / "maps" / "yarrow-meadows.pdf").is_file()
    last = run("build", config, "--overwrite")
    assert "Nothing changed since the build" in " ".join(last.output.split()), last.output


def test_a_decision_date_in_the_project_moves_the_baseline_of_the_build(project):
    import pandas as pd

    config = project / "healthy-streets.toml"
    evaluation = project / "out" / "tables" / "evaluation.csv"
    assert run("-q", "build", str(config)).exit_code == 0
    north = pd.read_csv(evaluation).set_index("zone_id").loc["yarrowside-north"]
    assert (north["before_end"], north["rtm_flag"]) == ("2021-09-05", True)
    assert "part of the change may be regression to the mean" in north["verdict"]
    # the zone was chosen (decided on) on 1 Jan 2021, after a year above its earlier level
    text = config.read_text().replace(
        'control = "outside"', 'control = "outside"\ndecided_on = {"Yarrowside North" = 2021-01-01}'
    )
    config.write_text(text)
    assert load_project(config).evaluation["decided_on"] == {
        "Yarrowside North": dt.date(2021, 1, 1)
    }
    result = run("-q", "build", str(config), "--overwrite")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(evaluation).set_index("zone_id")
    north = table.loc["yarrowside-north"]
    assert north["decided_on"] == "2021-01-01"
    assert (north["before_start"], north["before_end"]) == ("2020-01-01", "2020-12-31")
    assert north["rtm_flag"] is False
    assert north["verdict_kind"] == "fall"
    assert north["verdict"].startswith("Dog fouling reports fell by 54% in the zone")
    assert "regression to the mean" not in north["verdict"]
    assert table.loc["cowslip", "before_end"] == "2022-03-13"  # its own date, as before
    # the build's workbook carries the same
    sheet = pd.read_excel(project / "out" / "tables.xlsx", sheet_name="evaluation")
    north = sheet.set_index("zone_id").loc["yarrowside-north"]
    assert str(north["before_end"])[:10] == "2020-12-31"


def test_a_zone_the_extract_does_not_cover_is_said_and_its_map_says_so(project):
    import json

    zones = json.loads((project / "zones.geojson").read_text())
    far = zones["features"][1]
    name = far["properties"]["ZONE_NAME"]
    far["geometry"] = {  # a square in Preston, 10 km from the extract
        "type": "Polygon",
        "coordinates": [[[353000, 429000], [353400, 429000], [353400, 429400], [353000, 429000]]],
    }
    (project / "zones.geojson").write_text(json.dumps(zones))
    result = run("build", str(project / "healthy-streets.toml"))
    assert result.exit_code == 0, result.output
    assert f"Warning: 1 zone has no street from the network ('{name}')" in result.output
    from healthy_streets.model.ids import slugify

    page = (project / "out" / "maps" / f"{slugify(name)}.html").read_text(encoding="utf-8")
    assert "No streets:</strong> the OpenStreetMap extract holds no streets for this zone" in page
    other = (project / "out" / "maps" / "yarrowside-north.html").read_text(encoding="utf-8")
    assert "No streets:" not in other


def _additions_file(path, places):
    """A meeting map's "Download my additions" file: (name, category, lon, lat) each."""
    import json

    from healthy_streets.model.layers import COMMUNITY_MAP_KIND

    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "healthy_streets": {"kind": COMMUNITY_MAP_KIND, "version": 1, "zone_id": "x"},
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [lon, lat]},
                        "properties": {"name": name, "category": category, "notes": ""},
                    }
                    for name, category, lon, lat in places
                ],
            }
        )
    )


def test_additions_in_the_project_folder_are_read_by_every_build(project):
    import pandas as pd

    config = project / "healthy-streets.toml"
    config.write_text(
        config.read_text().replace(
            "# additions_contact = ", 'additions_contact = "Kim at the library" # '
        )
    )
    _additions_file(
        project / "additions" / "additions-kestrel-park-2026-11-20.geojson",
        [
            ("Friendship bench", "bench", -2.61800, 53.64950),  # new
            ("School gate bin", "bin", -2.6126753, 53.6522663),  # renames a walkabout bin
            ("Bench at the top of the hill", "bench", -2.6200924, 53.6468817),  # 61 m away
        ],
    )
    result = run("build", str(config))
    assert result.exit_code == 0, result.output
    said = "2 proposed changes from residents to review: tables/additions_to_review.csv"
    assert said in result.output
    out = project / "out"
    assets = pyogrio.read_dataframe(out / "healthy-streets.gpkg", layer="assets")
    assert "Friendship bench" in set(assets["name"])
    assert "School gate bin" not in set(assets["name"])  # never applied silently
    assert "Litter bin by the school gates" in set(assets["name"])
    review = pd.read_csv(out / "tables" / "additions_to_review.csv", encoding="utf-8-sig")
    assert sorted(review["change"]) == [
        "moves 'Bench at the top of the hill' 61 m",
        "renames 'Litter bin by the school gates' to 'School gate bin'",
    ]
    assert set(review["in_file"]) == {"assets_walkabout.csv"}
    page = "".join(p.read_text(encoding="utf-8") for p in (out / "maps").glob("*.html"))
    assert "Friendship bench" in page
    assert "Kim at the library" in page
    # again: still there, and still only proposed
    again = run("build", str(config), "--overwrite")
    assert again.exit_code == 0, again.output
    assets = pyogrio.read_dataframe(out / "healthy-streets.gpkg", layer="assets")
    assert (assets["name"] == "Friendship bench").sum() == 1


def test_an_addition_renaming_an_openstreetmap_place_is_set_aside_for_review(project):
    import pandas as pd

    config = project / "healthy-streets.toml"
    _additions_file(  # 3 m from the OpenStreetMap shop node/1083 "Moorfield Stores"
        project / "additions" / "rename-shop.geojson",
        [("Renamed shop", "shop_cafe", -2.6213779, 53.6509631)],
    )
    result = run("build", str(config))
    assert result.exit_code == 0, result.output
    said = "1 proposed change from residents to review: tables/additions_to_review.csv"
    assert said in result.output
    out = project / "out"
    review = pd.read_csv(out / "tables" / "additions_to_review.csv", encoding="utf-8-sig")
    assert list(review["change"]) == ["renames 'Moorfield Stores' to 'Renamed shop'"]
    assert list(review["asset_id"]) == ["osm-node-1083"]
    page = "".join(p.read_text(encoding="utf-8") for p in (out / "maps").glob("*.html"))
    assert "Moorfield Stores" in page  # the place as mapped, not the resident's change
    assert "Renamed shop" not in page
    # the file taken away: the table listing its change goes with it
    (project / "additions" / "rename-shop.geojson").unlink()
    again = run("build", str(config), "--overwrite")
    assert again.exit_code == 0, again.output
    assert "Removed additions_to_review.csv from tables/" in again.output
    assert not (out / "tables" / "additions_to_review.csv").exists()
    assert (out / "tables" / "summary.csv").is_file()


def test_the_stores_provenance_counts_the_additions_set_aside_for_review(project):
    """An additions file's provenance row accounts for every row: the rename set aside for
    review is counted there, neither kept nor rejected; the other inputs set none aside."""
    config = project / "healthy-streets.toml"
    _additions_file(  # one new bench; one rename of the OpenStreetMap shop "Moorfield Stores"
        project / "additions" / "rename-shop.geojson",
        [
            ("Friendship bench", "bench", -2.61800, 53.64950),
            ("Renamed shop", "shop_cafe", -2.6213779, 53.6509631),
        ],
    )
    assert run("-q", "build", str(config)).exit_code == 0
    gpkg = project / "out" / "healthy-streets.gpkg"
    provenance = pyogrio.read_dataframe(gpkg, layer="provenance", read_geometry=False)
    row = provenance.set_index("input").loc["rename-shop.geojson"]
    assert (row["rows_in"], row["kept"], row["rejected"], row["for_review"]) == (2, 1, 0, 1)
    accounted = row["kept"] + row["rejected"] + row["outside"] + row["for_review"]
    assert row["rows_in"] == accounted
    others = provenance[provenance["input"] != "rename-shop.geojson"]
    assert len(others) and (others["for_review"] == 0).all()


def test_an_edited_table_the_build_no_longer_writes_is_left_and_said(project):
    config = project / "healthy-streets.toml"
    _additions_file(
        project / "additions" / "rename-shop.geojson",
        [("Renamed shop", "shop_cafe", -2.6213779, 53.6509631)],
    )
    assert run("-q", "build", str(config)).exit_code == 0
    table = project / "out" / "tables" / "additions_to_review.csv"
    table.write_text(table.read_text(encoding="utf-8-sig") + "accepted by Kim\n")
    (project / "additions" / "rename-shop.geojson").unlink()
    again = run("build", str(config), "--overwrite")
    assert again.exit_code == 0, again.output
    assert "Left additions_to_review.csv in tables/ as it is" in again.output
    assert "accepted by Kim" in table.read_text(encoding="utf-8-sig")


def test_additions_imported_into_the_store_by_hand_survive_a_rebuild(project, tmp_path):
    config = str(project / "healthy-streets.toml")
    assert run("-q", "build", config).exit_code == 0
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    _additions_file(
        downloads / "additions-cowslip.geojson",
        [("Bench by the pond", "bench", -2.6300, 53.6500)],
    )
    store = project / "out" / "healthy-streets.gpkg"
    imported = run("assets", str(downloads / "additions-cowslip.geojson"), "--output", str(store))
    assert imported.exit_code == 0, imported.output
    rebuilt = run("build", config, "--overwrite")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "Kept from the store, where it was imported by hand from" in rebuilt.output
    assets = pyogrio.read_dataframe(store, layer="assets")
    assert (assets["name"] == "Bench by the pond").sum() == 1
    assert any(
        "Bench by the pond" in p.read_text(encoding="utf-8")
        for p in (project / "out" / "maps").glob("*.html")
    )


def _drawn(project, name):
    return any(
        name in p.read_text(encoding="utf-8") for p in (project / "out" / "maps").glob("*.html")
    )


def test_an_additions_file_taken_out_of_the_folder_takes_its_places_with_it(project):
    config = str(project / "healthy-streets.toml")
    _additions_file(
        project / "additions" / "meeting.geojson",
        [
            ("Prank place", "bench", -2.6300, 53.6500),
            ("Prank two", "bench", -2.6310, 53.6505),
            ("Prank three", "bench", -2.6320, 53.6510),
        ],
    )
    assert run("-q", "build", config).exit_code == 0
    assert _drawn(project, "Prank place")
    (project / "additions" / "meeting.geojson").unlink()
    rebuilt = run("build", config, "--overwrite")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "imported by hand" not in rebuilt.output
    assert "meeting.geojson is no longer in additions/" in rebuilt.output
    assert "its 3 places are left out" in rebuilt.output
    assert not _drawn(project, "Prank place")
    assets = pyogrio.read_dataframe(project / "out" / "healthy-streets.gpkg", layer="assets")
    assert not assets["name"].str.startswith("Prank").any()


def test_an_additions_file_the_project_no_longer_names_takes_its_places_with_it(project):
    config = project / "healthy-streets.toml"
    _additions_file(project / "walk.geojson", [("Bench by the pond", "bench", -2.63, 53.65)])
    named = config.read_text() + '\n[[assets]]\nfile = "walk.geojson"\n'
    original = config.read_text()
    config.write_text(named)
    assert run("-q", "build", str(config)).exit_code == 0
    assert _drawn(project, "Bench by the pond")
    config.write_text(original)  # the entry taken out; the file stays in the folder
    rebuilt = run("build", str(config), "--overwrite")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "imported by hand" not in rebuilt.output
    assert "walk.geojson" in rebuilt.output
    assert "is no longer one of the project's files" in " ".join(rebuilt.output.split())
    assert not _drawn(project, "Bench by the pond")


def test_a_wide_ring_imports_the_reports_it_compares_with(project):
    import csv

    import geopandas as gpd
    import pandas as pd
    from pyproj import Transformer

    import healthy_streets as hs

    zones = gpd.read_file(project / "zones.geojson").to_crs("EPSG:27700")
    top = zones.total_bounds[3]
    x = float(zones.geometry.union_all().centroid.x)
    lon, lat = Transformer.from_crs(27700, 4326, always_xy=True).transform(x, top + 600)
    path = project / "reports_fixmystreet.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    far = dict(rows[0], **{"Report ID": "990001", "Latitude": f"{lat:.7f}"})
    far.update({"Longitude": f"{lon:.7f}", "Easting": "", "Northing": ""})
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=list(rows[0])).writerow(far)
    config = project / "healthy-streets.toml"
    narrow = run("build", str(config))
    assert narrow.exit_code == 0, narrow.output
    out = project / "out"
    reports = gpd.read_file(out / "healthy-streets.gpkg", layer="reports")
    assert "990001" not in set(reports["report_id"])  # 600 m out: beyond the 300 m buffer
    before = pd.read_csv(out / "tables" / "summary.csv").set_index("zone_id")
    # ...but the comparison outside all zones counts it, and says how far it reaches
    outside = pd.read_csv(out / "tables" / "evaluation.csv")["comparison"].dropna()
    reach = outside.str.extract(r"from 100 m to (\d+) m beyond them, leaving out the 100 m")
    assert set(reach[0].astype(int)) >= {600}
    text = config.read_text().replace('control = "outside"', 'control = "ring"\nring_m = 800')
    config.write_text(text)
    wide = run("build", str(config), "--overwrite")
    assert wide.exit_code == 0, wide.output
    note = "1 report lies 300 to 900 m beyond the zones, read for the evaluation's comparison only"
    assert note in (" ".join(wide.output.split()))
    # the ring reaches 100 + 800 m, and its comparison counts the far report...
    evaluation = pd.read_csv(out / "tables" / "evaluation.csv")
    assert evaluation["comparison"].str.startswith("a ring 100-900 m beyond the zone").all()
    layers = hs.load_layers(load_project(project).inputs, reports_within_m=900)
    assert "990001" in set(layers.ring_reports["report_id"])
    assert "990001" not in set(layers.reports["report_id"])
    near = zones.geometry.distance(layers.ring_reports.geometry.iloc[0]).idxmin()
    zone_id, category = layers.zones["zone_id"].iloc[near], layers.ring_reports["category"].iloc[0]
    ring = {"control": "ring", "ring_m": 800, "category": category}
    counted = hs.monthly_counts(layers, zone_id, **ring)["control"].sum()
    without = hs.monthly_counts(layers.zones, layers.reports, zone_id, **ring)["control"].sum()
    assert counted == without + 1
    # ...while the tables, maps and store keep the area outside the zones as it was: its
    # reports as far out as its streets (the buffer), so its rates per km stay true
    after = pd.read_csv(out / "tables" / "summary.csv").set_index("zone_id")
    pd.testing.assert_frame_equal(after, before)
    reports = gpd.read_file(out / "healthy-streets.gpkg", layer="reports")
    assert "990001" not in set(reports["report_id"])
    streets = gpd.read_file(out / "healthy-streets.gpkg", layer="streets")
    outside = streets[streets["zone_id"].isna()]
    reach = outside.distance(zones.geometry.union_all()).max()
    assert reach <= 300.5  # the outside area ends at the buffer, for streets as for reports


def test_a_reports_entry_names_its_columns_as_fields_like_zones_and_assets(tmp_path):
    config = minimal_project(
        tmp_path,
        '[[reports]]\nfile = "crm.csv"\nformat = "csv"\n'
        '[reports.fields]\ncategory = "Enquiry"\ncreated = "Logged On"\n'
        '[[reports]]\nfile = "old.csv"\n[reports.columns]\ncategory = "Type"\n',
    )
    first, second = load_project(config).inputs.reports
    assert first.options == {"columns": {"category": "Enquiry", "created": "Logged On"}}
    assert second.options == {"columns": {"category": "Type"}}


def test_a_build_evaluates_several_categories_and_its_maps_open_on_the_first(project):
    import pandas as pd

    config = project / "healthy-streets.toml"
    text = config.read_text()
    text = text.replace('category = "dog_fouling"', 'category = ["dog_fouling", "litter"]', 1)
    config.write_text(text)
    result = run("-q", "build", str(config))
    assert result.exit_code == 0, result.output
    table = pd.read_csv(project / "out" / "tables" / "evaluation.csv")
    assert set(table["category"]) == {"dog_fouling", "litter"}
    assert table.groupby("category").size().nunique() == 1  # every zone for each
    adjusted = table["adjustment"].dropna()  # the zones evaluated, tested together
    assert len(adjusted) >= 2 and adjusted.str.contains("2 categories").all()
    assert (project / "out" / "maps" / "cowslip.html").is_file()


def test_a_date_order_in_the_project_file_reaches_the_readers(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    config = folder / "healthy-streets.toml"
    config.write_text(
        '[zones]\nfile = "zones.geojson"\ndate_order = "MDY"\n[streets]\nosm_file = "area.osm"\n'
        '[[reports]]\nfile = "crm.csv"\ndate_order = "mdy"\n'
        '[[reports]]\nfile = "fms.csv"\nformat = "csv"\n[reports.fields]\ncreated = "Logged"\n'
    )
    inputs = load_project(config).inputs
    assert inputs.zones.options == {"date_order": "mdy"}
    assert [r.options for r in inputs.reports] == [
        {"date_order": "mdy"},
        {"columns": {"created": "Logged"}},
    ]
    config.write_text(
        '[zones]\nfile = "zones.geojson"\ndate_order = "us"\n[streets]\nosm_file = "area.osm"\n'
    )
    with pytest.raises(ProjectFileError, match=r"\[zones\] date_order = 'us' should be one of"):
        load_project(config)


def test_the_date_order_of_inputs_reaches_the_zones_and_the_reports():
    from healthy_streets.model.build import Inputs

    inputs = Inputs("zones.gpkg", osm="area.osm", reports=["crm.csv"], date_order="mdy")
    assert inputs.zones.options == {"date_order": "mdy"}
    assert inputs.reports[0].options == {"date_order": "mdy"}


def test_zones_without_streets_are_named_by_id_where_their_names_repeat():
    """A council file whose zones are all named after the same document: the warning names
    them by zone id, which tells them apart; a zone whose name is its own keeps its name."""
    import geopandas as gpd
    import shapely

    import healthy_streets as hs

    import layers_for_tests as t

    x, y = t.X0, t.Y0
    zones = gpd.GeoDataFrame(
        {"name": ["Gleadless Valley.pdf", "Gleadless Valley.pdf", "Church Fields", "Oak Road"]},
        geometry=[shapely.box(x + 1000 * n, y, x + 1000 * n + 300, y + 300) for n in range(4)],
        crs="EPSG:27700",
    )
    streets = t.streets(
        [("a", "Long Lane", "residential", "local", 20.0, "maxspeed", True, "20 mph", None,
          [(x + 3010, y + 150), (x + 3290, y + 150)])]
    )  # fmt: skip
    layers = hs.load_layers(hs.Inputs(zones, streets=streets))
    ids = layers.zones.set_index("name")["zone_id"]
    warning = next(n for r in layers.imports for n in r.notes if "no street from the network" in n)
    valley = layers.zones.loc[layers.zones["name"] == "Gleadless Valley.pdf", "zone_id"]
    shown = ", ".join(repr(z) for z in [*valley, "Church Fields"])
    assert f"3 zones have no street from the network ({shown})" in warning
    assert ids["Oak Road"] not in warning and "Oak Road" not in warning


def test_residents_proposed_changes_are_for_review_not_rejected(project):
    """Two additions that rename and move a walkabout's bus stop (which lies in no zone, 5 m
    beyond Cowslip's edge and 11 m beyond Kestrel Park's): one line says so even with -q,
    not as a rejection; rejected.csv does not list them; the index links the table; the
    table names the nearest zone."""
    import re

    import pandas as pd

    from healthy_streets.io.assets import CHANGE_REASON

    config = project / "healthy-streets.toml"
    _additions_file(
        project / "additions" / "additions-change.geojson",
        [
            ("Bus stop opposite the shops (renamed)", "bus_stop", -2.618408087820813, 53.65104),
            ("Bus stop opposite the shops", "bus_stop", -2.617608087820813, 53.6510403972576),
        ],
    )
    result = run("-q", "build", str(config))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "2 proposed changes from residents to review: tables/additions_to_review.csv" in lines
    assert "rejected" not in result.output and "Warning" not in result.output
    out = project / "out"
    rejected = pd.read_csv(out / "rejected.csv", encoding="utf-8-sig")
    assert "additions-change.geojson" not in set(rejected["source"].astype(str))
    review = pd.read_csv(out / "tables" / "additions_to_review.csv", encoding="utf-8-sig")
    assert len(review) == 2
    assert set(review["zone_id"]) == {"cowslip"}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "2 proposed changes from residents to review" in index
    assert 'href="tables/additions_to_review.csv"' in index
    (out / "healthy-streets.gpkg").unlink()  # no store to reuse: every input read again
    chatty = run("build", str(config), "--overwrite")
    listed = re.findall(r"additions-change\.geojson: 1 set aside for review: (.*)", chatty.output)
    assert [line.split(":")[0] for line in listed] == [CHANGE_REASON] * 2
    table = chatty.output.splitlines()
    header = next(line for line in table if line.startswith("input "))
    assert header.split()[-3:] == ["outside", "for", "review"]
    row = next(line.split() for line in table if line.startswith("additions-change.geojson "))
    # in, kept, repaired, rejected, outside, for review
    assert row[2:] == ["2", "0", "0", "0", "0", "2"]
    # nothing changed: the build reuses this one's layers, and still says what waits
    again = run("-q", "build", str(config), "--overwrite")
    assert (
        "Streets, assets and reports unchanged" in run("build", str(config), "--overwrite").output
    )
    assert "2 proposed changes from residents to review: tables/additions_to_review.csv" in (
        again.output
    )


def _recorded_build(tmp_path, zones_file, *, options=None):
    """An output folder whose build record says the build read ``zones_file`` (with the
    reader's ``options``) and made the sample's four zones, as a build writes it."""
    import json

    from healthy_streets._build_record import RECORD_FORMAT, RECORD_NAME
    from healthy_streets._rebuild import _file_entry, toolkit_digest, toolkit_settings
    from healthy_streets._version import __version__

    out = tmp_path / "out"
    out.mkdir()
    record = {
        "format": RECORD_FORMAT,
        "inputs": {
            "toolkit_version": __version__,
            "toolkit_files": toolkit_digest(),
            "files": [_file_entry("zones", zones_file, None, options or {}, tmp_path)],
            "settings": json.loads(json.dumps({"toolkit_settings": toolkit_settings()})),
        },
        "zones": [
            {"zone_id": "yarrowside-north", "name": "Yarrowside North"},
            {"zone_id": "cowslip", "name": "Cowslip"},
            {"zone_id": "yarrow-meadows", "name": "Yarrow Meadows"},
            {"zone_id": "kestrel-park", "name": "Kestrel Park"},
        ],
    }
    (out / RECORD_NAME).write_text(json.dumps(record), encoding="utf-8")
    return out, record


def test_a_zone_is_checked_against_the_last_builds_zones_while_the_file_is_unchanged(
    tmp_path,
):
    """``build --zone`` trusts the last build's zones only for the zones file that build
    read, as it was (its SHA-256), read the same way; else it reads the file."""
    import json

    from healthy_streets._build_record import RECORD_NAME
    from healthy_streets._project_file import zone_in_last_build
    from healthy_streets.errors import ConfigError

    shutil.copy(SAMPLE / "zones.geojson", tmp_path / "zones.geojson")
    config = tmp_path / "healthy-streets.toml"
    config.write_text('[project]\nname = "Y"\n\n[zones]\nfile = "zones.geojson"\n')
    out, record = _recorded_build(tmp_path, tmp_path / "zones.geojson")
    # by id, by name in any case; a misspelt one refused with the closest
    assert zone_in_last_build(tmp_path, "cowslip") == "cowslip"
    assert zone_in_last_build(config, "YARROW MEADOWS") == "yarrow-meadows"
    with pytest.raises(ConfigError, match=r"no zone 'Kestrel Prk'\. Did you mean 'Kestrel Park'"):
        zone_in_last_build(config, "Kestrel Prk")
    # another output folder (--output) holds no record: the record cannot tell
    assert zone_in_last_build(config, "Cowslp", output=tmp_path / "other") is None
    with pytest.raises(ConfigError, match="Did you mean 'Cowslip'"):  # --output names it
        zone_in_last_build(config, "Cowslp", output=out)
    # other reader options than the build's
    config.write_text('[zones]\nfile = "zones.geojson"\ncrs = "EPSG:27700"\n')
    assert zone_in_last_build(config, "Cowslp") is None
    config.write_text('[zones]\nfile = "zones.geojson"\n')
    # the zones file changed since the build (a zone renamed in QGIS, say)
    zones = tmp_path / "zones.geojson"
    zones.write_text(zones.read_text().replace("Cowslip", "Cowslip Lane"))
    assert zone_in_last_build(config, "Cowslp") is None
    shutil.copy(SAMPLE / "zones.geojson", zones)
    assert zone_in_last_build(config, "Cowslip") == "cowslip"
    # a record of another toolkit version, or one written before zones were recorded
    for edit in ({"toolkit_version": "0.0.1"}, {"zones": None}):
        changed = json.loads(json.dumps(record))
        if "zones" in edit:
            del changed["zones"]
        else:
            changed["inputs"].update(edit)
        (out / RECORD_NAME).write_text(json.dumps(changed), encoding="utf-8")
        assert zone_in_last_build(config, "Cowslp") is None, edit
    (out / RECORD_NAME).write_text("{not json", encoding="utf-8")
    assert zone_in_last_build(config, "Cowslp") is None


def test_a_shapefiles_zones_are_trusted_while_its_dbf_is_unchanged(tmp_path):
    """A Shapefile's names are in its .dbf: the record holds that file's SHA-256 too."""
    import geopandas as gpd

    from healthy_streets._project_file import zone_in_last_build

    gpd.read_file(SAMPLE / "zones.geojson").to_file(tmp_path / "zones.shp")
    config = tmp_path / "healthy-streets.toml"
    config.write_text('[zones]\nfile = "zones.shp"\n')
    _recorded_build(tmp_path, tmp_path / "zones.shp")
    assert zone_in_last_build(config, "Cowslip") == "cowslip"
    dbf = tmp_path / "zones.dbf"
    dbf.write_bytes(dbf.read_bytes().replace(b"Cowslip", b"Cowslop"))
    assert zone_in_last_build(config, "Cowslip") is None


def test_rows_kept_after_a_change_are_listed_in_repaired_csv(project):
    # a zone drawn as a bow tie is kept with its outline made valid: the build says what it
    # did to which row in repaired.csv, beside rejected.csv
    zones = gpd.read_file(project / "zones.geojson")
    x0, y0, x1, y1 = zones.geometry.iloc[0].bounds
    zones.loc[0, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    zones.to_file(project / "zones.geojson", driver="GeoJSON")
    result = run("build", str(project))
    assert result.exit_code == 0, result.output
    repaired = pd.read_csv(project / "out" / "repaired.csv", encoding="utf-8-sig", dtype=str)
    assert list(repaired.columns) == ["source", "row", "field", "value", "reason"]
    outline = repaired[repaired["source"] == "zones.geojson"]
    assert len(outline) == 1 and "Self-intersection" in outline["reason"].iloc[0]
    # every row the build counts as repaired is there, and nothing else
    store = project / "out" / "healthy-streets.gpkg"
    provenance = pyogrio.read_dataframe(store, layer="provenance", read_geometry=False)
    assert len(repaired) == int(provenance["repaired"].sum())
    # the store keeps the same rows, with the layer and the file each came from
    stored = pyogrio.read_dataframe(store, layer="repaired", read_geometry=False)
    assert stored[repaired.columns].astype(str).values.tolist() == repaired.values.tolist()
    # named relative to the project folder
    assert stored.loc[stored["source"] == "zones.geojson", "source_path"].tolist() == [
        "zones.geojson"
    ]
    assert stored.loc[stored["source"] == "zones.geojson", "layer"].tolist() == ["zones"]


def test_a_quiet_build_still_warns_of_an_input_that_kept_nothing(project):
    # places from another town: -q hides the table, not that a whole file was left out
    (project / "far.csv").write_text(
        "Name,Category,Latitude,Longitude\n"
        "Bench A,Bench,51.4545,-2.5879\nBench B,Bench,51.4546,-2.5880\n"
    )
    config = project / "healthy-streets.toml"
    config.write_text(config.read_text() + '\n[[assets]]\nfile = "far.csv"\n')
    result = run("-q", "build", str(project))
    assert result.exit_code == 0, result.output
    assert "Warning: nothing was kept from far.csv: all 2 rows lie outside the project area" in (
        result.output
    )
    assert "input " not in result.output  # the table is not printed
