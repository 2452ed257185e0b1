"""The county benchmark at its tiny scale: it runs end to end and records every stage.

A smoke test only: nothing here asserts on a timing. The benchmark itself is
``benchmarks/bench_county.py`` (``make bench``).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))

from county import FILES, SCALES, SEED, generate_county  # noqa: E402
from county._tables import TOWN_CENTRE_SHARE, report_counts  # noqa: E402
from county.stages import BASELINES, OPTIONAL, STAGES, run_worker  # noqa: E402


def _digests(folder: Path) -> dict[str, str]:
    return {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
        for key, name in FILES.items()
        if key != "manifest"
    }


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    first = generate_county("tiny", tmp_path / "a", seed=7)
    generate_county("tiny", tmp_path / "b", seed=7)
    generate_county("tiny", tmp_path / "c", seed=8)
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    assert (
        _digests(tmp_path / "a")["reports_fixmystreet.csv"]
        != _digests(tmp_path / "c")["reports_fixmystreet.csv"]
    )
    counts, target = first["counts"], SCALES["tiny"]
    assert (counts["zones"], counts["assets"], counts["reports"]) == (
        target.zones,
        target.assets,
        target.reports,
    )
    assert counts["buildings"] == target.buildings
    assert abs(counts["street_ways"] - target.street_ways) <= 10


def test_reports_fall_unevenly_with_one_busy_town_centre() -> None:
    # the whole county's shares, without writing it: one zone with a real town centre's
    # load, and towns from a few dozen reports to several times the median
    busy, per_tile = report_counts(250_000, 271, seed=SEED)
    assert busy == round(TOWN_CENTRE_SHARE * 250_000) == 8_750
    assert busy + per_tile.sum() == 250_000
    median = float(np.median(per_tile))
    assert per_tile.max() > 5 * median and per_tile.min() < median / 5
    assert busy > per_tile.max()  # the town centre's zone alone outweighs any other town
    # the same shape of spread at every scale (linear growth stays measurable)
    _, quarter = report_counts(62_500, 68, seed=SEED)
    assert abs(float(np.median(quarter)) - median) < 0.05 * median


def test_the_town_centre_zone_holds_its_reports(tmp_path: Path) -> None:
    manifest = generate_county("tiny", tmp_path, seed=7)
    zones = json.loads((tmp_path / FILES["zones"]).read_text(encoding="utf-8"))["features"]
    centre = next(f for f in zones if f["properties"]["ZONE_NAME"] == manifest["town_centre"])
    reports = pd.read_csv(tmp_path / FILES["reports"])
    points = shapely.points(reports["Easting"], reports["Northing"])
    inside = shapely.contains(shapely.geometry.shape(centre["geometry"]), points).sum()
    # its own share (a few may be jittered over its edge) on top of its town's
    assert inside >= manifest["counts"]["town_centre_reports"] == round(TOWN_CENTRE_SHARE * 500)
    assert manifest["counts"]["reports"] == 500


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str, Path]:
    out = tmp_path_factory.mktemp("bench")
    done = subprocess.run(
        [sys.executable, str(BENCH / "bench_county.py"), "--scale", "tiny", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads((out / "county.json").read_text(encoding="utf-8")), done.stdout, out


def test_every_stage_runs_and_is_recorded(tiny_run: tuple[dict, str, Path]) -> None:
    results, _, _ = tiny_run
    stages = results["scales"]["tiny"]["stages"]
    assert set(stages) == set(STAGES)
    for name, stage in stages.items():
        optional = name.removeprefix("network_") in OPTIONAL
        if optional and find_spec(name.removeprefix("network_")) is None:
            assert stage["status"] == "unavailable", name
            continue
        assert stage["status"] == "ok", (name, stage)
        assert stage["seconds"] >= 0 and stage["peak_mb"] > 0, name
    # the stages did the work they claim: every report read, attached as geopandas does
    assert stages["reports_ours"]["rows"] == stages["reports_pandas"]["rows"] == 500
    assert stages["attach_geopandas"]["agreement"]["zone"] > 0.99
    assert stages["maps_ours"]["count"] == stages["build"]["maps"] == 3
    assert stages["build_zone"]["maps"] == 1
    assert results["machine"]["cpus"] >= 1


def test_a_baseline_is_charged_nothing_of_the_toolkit(tiny_run: tuple[dict, str, Path]) -> None:
    results, _, _ = tiny_run
    stages = results["scales"]["tiny"]["stages"]
    ran = {name: stage for name, stage in stages.items() if stage["status"] == "ok"}
    assert BASELINES & set(ran) >= {"network_osmnx", "reports_pandas", "attach_geopandas"}
    for name, stage in ran.items():
        # each process lists what it held: the toolkit in ours, never in a baseline
        assert ("healthy_streets" in stage["packages"]) is (name not in BASELINES), name
    # a baseline's library and what it loads on first use were imported before its clock
    for name in BASELINES & set(ran):
        assert "imported_during_work" not in ran[name], (name, ran[name])
    assert "osmium" not in ran["reports_pandas"]["packages"]
    # the plain pandas read holds far less than our reader's process
    assert ran["reports_pandas"]["peak_mb"] < ran["reports_ours"]["peak_mb"] / 2


def test_a_baseline_that_imports_the_toolkit_is_refused(tiny_run, tmp_path: Path) -> None:
    # this process has imported healthy_streets: a baseline run here must not report
    _, _, out = tiny_run
    result = tmp_path / "result.json"
    with pytest.raises(RuntimeError, match="'reports_pandas' imported the toolkit"):
        run_worker("reports_pandas", out / "county" / "tiny", tmp_path, result)
    assert not result.exists()


def test_the_map_workers_count_in_the_memory(tiny_run: tuple[dict, str, Path]) -> None:
    results, printed, _ = tiny_run
    stages = results["scales"]["tiny"]["stages"]
    maps, build = stages["maps_ours"], stages["build"]
    for stage in (maps, build):
        # two workers drew the maps: the bound is the parent and each worker at the peak
        assert stage["workers"] == 2 and stage["child_peak_mb"] > 0
        assert stage["memory_bound_mb"] == pytest.approx(
            stage["peak_mb"] + 2 * stage["child_peak_mb"], abs=0.2
        )
    assert f"at most {build['memory_bound_mb']:.0f} MB together" in printed
    for stage in (maps, build):
        # sampled together (PSS, a shared page counted once): the parent and its workers
        # held more than none of them and less than the bound that counts shared pages in
        # each worker
        assert stage["tree_processes_at_peak"] >= 1 and stage["tree_samples"] >= 1
        assert 0 < stage["tree_pss_peak_mb"] < stage["memory_bound_mb"]
    assert f"{build['tree_pss_peak_mb']:.0f} MB held together at the peak" in printed
    # one map is drawn in the build's own process: no workers to add
    assert stages["build_zone"]["workers"] == 1
    assert stages["build_zone"]["memory_bound_mb"] == stages["build_zone"]["peak_mb"]


def test_the_report_has_every_row(tiny_run: tuple[dict, str, Path]) -> None:
    results, printed, _ = tiny_run
    busiest = results["scales"]["tiny"]["stages"]["maps_ours"]["busiest"]
    for work in (
        "street network from PBF",
        "reading reports",
        "attaching to zones and streets",
        "all 3 maps",
        f"busiest map ({busiest['zone_id']}, {busiest['reports']:,} reports)",
        "rebuild with nothing changed",
        "whole `build`, end to end",
        "reports by place: 18 in the town centre (Adlington Cowslip)",
    ):
        assert work in printed


def _build_stage(peak_mb: float, child_peak_mb: float) -> dict:
    return {
        "status": "ok",
        "seconds": 60.0,
        "cpu_s": 90.0,
        "peak_mb": peak_mb,
        "child_peak_mb": child_peak_mb,
        "workers": 2,
        "memory_bound_mb": peak_mb + 2 * child_peak_mb,
    }


def test_the_whole_county_build_is_held_to_4_gb_with_its_workers() -> None:
    import bench_county

    def verdict(build: dict) -> str:
        row = next(r for r in bench_county.rows("whole", {"build": build}) if "build`" in r[0])
        return row[-1]

    assert verdict(_build_stage(peak_mb=1_000, child_peak_mb=1_000)) == "yes"
    # the parent alone is under 4 GB; with two workers at their peak it is not
    assert verdict(_build_stage(peak_mb=2_000, child_peak_mb=1_100)) == "**no**"
    # sampled together, the pages the workers share with the parent count once
    shared = _build_stage(peak_mb=2_000, child_peak_mb=1_100) | {"tree_pss_peak_mb": 2_900.0}
    assert verdict(shared) == "yes"
    assert verdict(shared | {"tree_pss_peak_mb": 4_200.0}) == "**no**"


def test_the_growth_curve_shows_a_busiest_map_growing_faster_than_its_data() -> None:
    import bench_county

    def scale(reports: int, cpu_s: float) -> dict:
        busiest = {"zone_id": "centre", "reports": reports, "cpu_s": cpu_s, "mb": 1.0}
        return {"stages": {"maps_ours": {"status": "ok", "seconds": 1.0, "busiest": busiest}}}

    # a cost quadratic in the zone's reports: twice the reports, four times the seconds
    results = {"scales": {"quarter": scale(2_000, 0.5), "half": scale(4_000, 2.0)}}
    table = {row[0]: row for row in bench_county.growth(results)}
    assert table["busiest map: its reports"][1:] == ["2,000", "4,000", "—", "2.0x", "—"]
    assert table["busiest map: CPU seconds"][1:] == ["0.50", "2.00", "—", "4.0x", "—"]


def _postgis_bench(out: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "HEALTHY_STREETS_POSTGIS_URL"}
    script = str(BENCH / "bench_county_postgis.py")
    return subprocess.run(
        [sys.executable, script, "--scale", "tiny", "--out", str(out), "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=ROOT,
        env=environment | env,
    )


def test_without_a_database_the_postgis_bench_says_it_did_not_run(tmp_path: Path) -> None:
    done = _postgis_bench(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "PostGIS benchmarks NOT RUN: HEALTHY_STREETS_POSTGIS_URL is not set" in done.stdout
    recorded = json.loads((tmp_path / "postgis.json").read_text(encoding="utf-8"))
    assert "NOT RUN" in recorded["not_run"] and "scales" not in recorded


@pytest.mark.postgis
def test_the_postgis_path_matches_the_in_memory_path_on_the_tiny_county(
    tmp_path: Path, postgis_url: str, working_schemas_alone: None
) -> None:
    done = _postgis_bench(tmp_path, HEALTHY_STREETS_POSTGIS_URL=postgis_url)
    assert done.returncode == 0, (done.stdout, done.stderr[-2000:])
    tiny = json.loads((tmp_path / "postgis.json").read_text(encoding="utf-8"))["scales"]["tiny"]
    attach, maps = tiny["attach"], tiny["maps"]
    assert attach["rows_that_differ"] == {"assets": 0, "reports": 0}
    assert attach["reports"] > 0 and maps["maps"] == 3
    assert maps["maps_that_differ"] == 0
    # the table says so, with the time of each path
    assert "attaching" in done.stdout and "all 3 maps" in done.stdout
    assert "**no**" not in done.stdout


def test_the_sampler_counts_a_stage_and_its_forked_worker_once_each(tmp_path: Path) -> None:
    """A process holding 150 MB forks a worker that adds 100 MB of its own: sampled
    together, 250 MB and more (the pages they share counted once), in two processes."""
    from county._memory import TreeMemory

    script = (
        "import os, time\n"
        "held = bytearray(150 * 2**20)\n"
        "if os.fork() == 0:\n"
        "    own = bytearray(100 * 2**20)\n"
        "    time.sleep(2)\n"
        "    os._exit(0)\n"
        "time.sleep(2.5)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    memory = TreeMemory(session=process.pid, interval=0.05)
    memory.start()
    process.wait(timeout=30)
    memory.stop()
    result = memory.result()
    assert result["tree_processes_at_peak"] == 2
    # both buffers once, the 150 MB the worker shares with its parent not twice
    assert 250 <= result["tree_pss_peak_mb"] < 400
