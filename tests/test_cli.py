import re

from click.testing import CliRunner

from healthy_streets import __version__
from healthy_streets.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_demo_builds_a_map_per_zone_and_the_index(tmp_path):
    out = tmp_path / "demo"
    result = run("demo", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == str((out / "index.html").resolve())
    maps = sorted(p.name for p in (out / "maps").iterdir())
    assert maps == [
        "cowslip.html",
        "kestrel-park.html",
        "yarrow-meadows.html",
        "yarrowside-north.html",
    ]
    # the account of every input
    assert re.search(r"reports_fixmystreet\.csv\s+rows\s+\d+", result.output)
    assert "3 of them carry maxspeed" in result.output
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in maps:
        assert f'href="maps/{name}"' in index


def test_demo_never_overwrites_without_being_asked(tmp_path):
    out = tmp_path / "demo"
    assert run("demo", "--output", str(out)).exit_code == 0
    before = (out / "index.html").stat().st_mtime_ns
    again = run("demo", "--output", str(out))
    assert again.exit_code == 1
    assert "already exists" in again.output
    assert "--overwrite" in again.output
    assert "Traceback" not in again.output
    assert (out / "index.html").stat().st_mtime_ns == before
    assert run("demo", "--output", str(out), "--overwrite").exit_code == 0


def test_version_and_help():
    assert run("--version").output.strip() == f"healthy-streets, version {__version__}"
    top = run("--help")
    assert top.exit_code == 0
    assert "demo" in top.output and "Examples:" in top.output
    for command in ("demo", "sample"):
        text = run(command, "--help").output
        assert "Examples:" in text
        assert f"healthy-streets {command}" in text


def test_bad_usage_exits_with_2():
    assert run("demo", "--no-such-option").exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_sample_writes_the_generator_output(tmp_path):
    result = run("sample", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s" / "zones.geojson").is_file()
    refused = run("sample", str(tmp_path / "s"))
    assert refused.exit_code == 1
    assert "--overwrite" in refused.output


def test_cli_py_shim_runs_the_same_group():
    import runpy

    from conftest import ROOT

    namespace = runpy.run_path(str(ROOT / "cli.py"), run_name="not_main")
    assert namespace["main"] is main
