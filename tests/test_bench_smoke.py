"""The county benchmark at its tiny scale: it runs end to end and records every stage.

A smoke test only: nothing here asserts on a timing. The benchmark itself is
``benchmarks/bench_county.py`` (``make bench``).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))

from county import FILES, SCALES, generate_county  # noqa: E402
from county.stages import OPTIONAL, STAGES  # noqa: E402


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


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
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
    return json.loads((out / "county.json").read_text(encoding="utf-8")), done.stdout


def test_every_stage_runs_and_is_recorded(tiny_run: tuple[dict, str]) -> None:
    results, _ = tiny_run
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


def test_the_report_has_every_row(tiny_run: tuple[dict, str]) -> None:
    _, printed = tiny_run
    for work in (
        "street network from PBF",
        "reading reports",
        "attaching to zones and streets",
        "all 3 maps",
        "rebuild with nothing changed",
        "whole `build`, end to end",
    ):
        assert work in printed
