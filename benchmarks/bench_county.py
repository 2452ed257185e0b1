"""Benchmark: a whole county in one run, stage by stage, each beside its baseline.

Run with ``make bench`` (``SCALE=quarter`` for one scale) or
``python benchmarks/bench_county.py --scale quarter --scale half --scale whole``. For each
scale the synthetic county (``benchmarks/county``) is generated (or reused: the same seed
gives the same bytes) under ``OUT/county/SCALE``, then every stage runs in a fresh
process (``benchmarks/county/stages.py`` says what each does), with its wall time and its
own peak memory; the baselines run in the same invocation, on the same files. A stage that
runs past ``--timeout`` is stopped and recorded as not finished within it.

Prints the table (work | ours | baseline | ratio | target | met?) for each scale and the
growth curve (half / quarter and whole / quarter: linear is about 2 and 4), and merges the
results into ``OUT/county.json`` (one entry per scale, so scales can be run apart).
``--profile`` runs the stages under pyinstrument instead, writing each profile to
``OUT/county/profiles/SCALE/`` (profiled timings are not recorded as results).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from county import SCALES, generate_county
from county._memory import TreeMemory
from county.stages import NEEDS, STAGES, run_worker

ROOT = Path(__file__).resolve().parents[1]
LIBRARIES = (
    "healthy-streets",
    "osmium",
    "osmnx",
    "pyrosm",
    "pandas",
    "geopandas",
    "shapely",
    "pyogrio",
    "numpy",
    "folium",
    "networkx",
)
#: Absolute targets of the whole county (issue: "Targets on this machine").
WHOLE = "whole"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="append", choices=list(SCALES))
    parser.add_argument("--out", type=Path, default=Path("out/bench"))
    parser.add_argument("--timeout", type=float, default=1200.0, help="seconds per stage")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run the stages this many times, interleaved, and keep each one's median run",
    )
    parser.add_argument("--only", action="append", choices=list(STAGES), help="these stages")
    parser.add_argument("--skip", action="append", choices=list(STAGES), default=[])
    parser.add_argument("--profile", action="store_true", help="profile with pyinstrument")
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    parser.add_argument("--report", action="store_true", help="only print OUT/county.json")
    parser.add_argument("--worker", choices=list(STAGES), help=argparse.SUPPRESS)
    parser.add_argument("--county", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--zone", help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(
            args.worker,
            args.county,
            args.work,
            args.result,
            zone=args.zone,
            profile=args.profile_to,
        )
        return
    results_path = args.out / "county.json"
    results = _load(results_path)
    if not args.report:
        for scale in args.scale or ["quarter", "half", "whole"]:
            entry = run_scale(scale, args)
            if not args.profile:
                results = _load(results_path)  # again: another run may have written since
                earlier = results["scales"].get(scale)
                if args.only and earlier:  # the stages run again replace theirs only
                    entry["stages"] = earlier["stages"] | entry["stages"]
                results["scales"][scale] = entry
                results["machine"] = machine()
                results_path.parent.mkdir(parents=True, exist_ok=True)
                results_path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print_report(results, markdown=args.markdown)


def _load(path: Path) -> dict[str, Any]:
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"machine": {}, "scales": {}}


def run_scale(scale: str, args: argparse.Namespace) -> dict[str, Any]:
    """Generate the county of ``scale`` and run every stage on it."""
    county = args.out / "county" / scale
    print(f"[{scale}] generating the county in {county}", file=sys.stderr, flush=True)
    manifest = generate_county(scale, county)
    work = args.out / "county" / f"{scale}-work"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    names = [n for n in (args.only or STAGES) if n not in args.skip]
    for needed in {NEEDS[n] for n in names if n in NEEDS}:
        if needed not in names:
            names.insert(0, needed)
    names = [n for n in STAGES if n in names]
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for _ in range(max(1, args.repeat)):  # interleaved: ours and its baseline side by side
        stages = {name: done[len(done) // 2] for name, done in runs.items() if done}
        for name in names:
            if name in NEEDS and stages.get(NEEDS[name], {}).get("status") != "ok":
                stages[name] = {"status": "skipped", "reason": f"{NEEDS[name]} did not finish"}
                runs[name].append(stages[name])
                continue
            zone = stages.get("load", {}).get("busiest_zone") if name == "build_zone" else None
            profile = (
                args.out / "county" / "profiles" / scale / f"{name}.txt" if args.profile else None
            )
            result = run_stage(name, county, work, timeout=args.timeout, zone=zone, profile=profile)
            runs[name].append(result)
            stages[name] = result
            _say(scale, name, result)
    stages = {name: _median_run(done) for name, done in runs.items()}
    return {
        "date": dt.date.today().isoformat(),
        "county": {k: manifest.get(k) for k in ("tiles", "counts", "town_centre")}
        | {"mb": {f: round(v["bytes"] / 1e6, 1) for f, v in manifest["files"].items()}},
        "stages": stages,
    }


def _median_run(done: list[dict[str, Any]]) -> dict[str, Any]:
    """Of a stage's runs, the one of median CPU time (with every run's CPU seconds), or the
    first that did not finish."""
    finished = [run for run in done if run.get("status") == "ok" and "cpu_s" in run]
    if len(finished) < len(done) or not finished:
        return next(run for run in done if run not in finished)
    if len(finished) == 1:
        return finished[0]
    ordered = sorted(finished, key=lambda run: run["cpu_s"])
    return ordered[len(ordered) // 2] | {"runs_cpu_s": [run["cpu_s"] for run in finished]}


def run_stage(
    name: str,
    county: Path,
    work: Path,
    *,
    timeout: float,
    zone: str | None = None,
    profile: Path | None = None,
) -> dict[str, Any]:
    """Run one stage in a fresh process; its result, or why there is none."""
    result = work / f"{name}.json"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        name,
        "--county",
        str(county),
        "--work",
        str(work),
        "--result",
        str(result),
    ]
    command += ["--zone", zone] if zone else []
    command += ["--profile-to", str(profile)] if profile else []
    env = os.environ | {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    # the stage leads its own session: its map workers are in it too
    memory = TreeMemory(session=process.pid)
    memory.start()
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return {"status": "timeout", "limit_s": timeout}
    finally:
        memory.stop()
    wall = round(time.perf_counter() - started, 1)
    if process.returncode != 0 or not result.is_file():
        tail = stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        return {"status": "error", "returncode": process.returncode, "stderr": tail}
    found = json.loads(result.read_text(encoding="utf-8"))
    if "unavailable" in found:
        return {"status": "unavailable", "reason": found["unavailable"]}
    return {"status": "ok", "process_s": wall} | found | memory.result()


def _say(scale: str, name: str, stage: dict[str, Any]) -> None:
    if stage["status"] == "ok":
        text = f"{stage['seconds']:.2f} s, peak {stage['peak_mb']:.0f} MB"
    else:
        text = stage["status"] + (f": {stage.get('stderr')}" if "stderr" in stage else "")
    print(f"[{scale}] {name}: {text}", file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    """The machine and library versions the numbers come from."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    git = shutil.which("git") or "git"
    commit = subprocess.run(
        [git, "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(memory_kb / 1024**2, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
        "libraries": versions,
        "commit": commit,
    }


# ---------------------------------------------------------------- the report


def _ok(stages: dict[str, Any], name: str) -> dict[str, Any] | None:
    stage = stages.get(name)
    return stage if stage and stage.get("status") == "ok" else None


def _cell(stages: dict[str, Any], name: str, *, memory: bool = True) -> str:
    stage = stages.get(name)
    if stage is None:
        return "not run"
    if stage["status"] == "timeout":
        return f"not finished in {stage['limit_s']:.0f} s"
    if stage["status"] != "ok":
        return stage["status"]
    text = f"{stage['seconds']:.2f} s"
    if "cpu_s" in stage:
        text += f" ({stage['cpu_s']:.2f} s CPU)"
    return text + (f", {stage['peak_mb']:.0f} MB" if memory else "")


def cpu(stage: dict[str, Any]) -> float:
    """A stage's CPU seconds (its wall seconds where the run did not record them): on a
    machine other work shares, CPU time is the figure that does not depend on the others."""
    return float(stage.get("cpu_s", stage["seconds"]))


def _ratio(a: dict[str, Any] | None, b: dict[str, Any] | None, key: str = "cpu") -> float | None:
    if a is None or b is None:
        return None
    x, y = (cpu(a), cpu(b)) if key == "cpu" else (a[key], b[key])
    return y / x if x else None


def rows(scale: str, stages: dict[str, Any]) -> list[list[str]]:
    """The table of one scale: work | ours | baseline | ratio | target | met?"""
    out: list[list[str]] = []
    whole = scale == WHOLE

    def met(flag: bool | None) -> str:
        return "n/a" if flag is None else ("yes" if flag else "**no**")

    ours = _ok(stages, "network_ours")
    for base, target in (("network_pyrosm", "pyrosm"), ("network_osmnx", "osmnx")):
        other = _ok(stages, base)
        speed = _ratio(ours, other)
        if target == "pyrosm":
            memory = _ratio(other, ours, "peak_mb")
            ratio = f"time {1 / speed:.2f}x, memory {memory:.2f}x" if speed and memory else "—"
            flag = None if speed is None or memory is None else (speed >= 1 and memory <= 2)
            out.append(
                [
                    "street network from PBF",
                    _cell(stages, "network_ours"),
                    f"pyrosm: {_cell(stages, base)}",
                    ratio + " ours/pyrosm",
                    "time ≤ 1x, memory ≤ 2x",
                    met(flag),
                ]
            )
        else:
            timed_out = stages.get(base, {}).get("status") == "timeout"
            if timed_out and ours:
                bound = stages[base]["limit_s"] / cpu(ours)
                ratio, flag = f"> {bound:.1f}x", True if bound >= 10 else None
            else:
                ratio = f"{speed:.1f}x" if speed else "—"
                flag = None if speed is None else speed >= 10
            out.append(
                [
                    "street network vs osmnx (XML)",
                    _cell(stages, "network_ours"),
                    f"osmnx graph_from_xml: {_cell(stages, base)}",
                    ratio + " osmnx/ours",
                    "≥ 10x",
                    met(flag),
                ]
            )
    for kind in ("reports", "assets"):
        ours_k, pandas_k = _ok(stages, f"{kind}_ours"), _ok(stages, f"{kind}_pandas")
        speed = _ratio(pandas_k, ours_k)
        out.append(
            [
                f"reading {kind}",
                _cell(stages, f"{kind}_ours"),
                f"pandas: {_cell(stages, f'{kind}_pandas')}; pyogrio: "
                f"{_cell(stages, f'{kind}_pyogrio')}",
                f"{speed:.1f}x ours/pandas" if speed else "—",
                "≤ 3x",
                met(None if speed is None else speed <= 3),
            ]
        )
    attach, tables = _ok(stages, "attach_ours"), _ok(stages, "tables_ours")
    speed = _ratio(_ok(stages, "attach_geopandas"), attach)
    both = cpu(attach) + cpu(tables) if attach and tables else None
    agreement = (_ok(stages, "attach_geopandas") or {}).get("agreement")
    agree = (
        f" (same zone {agreement['zone']:.1%}, same street {agreement['street_name']:.1%})"
        if agreement
        else ""
    )
    out.append(
        [
            "attaching to zones and streets",
            _cell(stages, "attach_ours"),
            f"geopandas overlay/sjoin/sjoin_nearest: {_cell(stages, 'attach_geopandas')}{agree}",
            f"{speed:.2f}x ours/geopandas" if speed else "—",
            "with tables < 30 s (whole)",
            met(both < 30 if both is not None and whole else None),
        ]
    )
    out.append(
        [
            "the tables",
            _cell(stages, "tables_ours"),
            "—",
            "—",
            f"attaching + tables: {both:.1f} s" if both is not None else "—",
            met(both < 30 if both is not None and whole else None),
        ]
    )
    maps = _ok(stages, "maps_ours")
    if maps:
        out.append(
            [
                f"all {maps['count']} maps ({maps.get('workers', 1)} processes)",
                _cell(stages, "maps_ours") + _with_workers(maps),
                "—",
                f"{maps['per_map_s']['mean']:.2f} s a map (max {maps['per_map_s']['max']:.2f})",
                "< 180 s (whole)",
                met(cpu(maps) < 180 if whole else None),
            ]
        )
        out.append(busiest_map(maps))
        sizes = maps["mb"]
        beyond = sizes.get("over_2mb_without_points", sizes["over_2mb"])
        out.append(
            [
                "map size",
                f"max {sizes['max']:.2f} MB, median {sizes.get('median', 0):.2f} MB",
                "—",
                f"{sizes['over_2mb']} maps over 2 MB ({beyond} without their own reports and "
                f"assets); all {sizes['total']:.0f} MB",
                "none over 2 MB unless its own data needs it",
                met(beyond == 0),
            ]
        )
    else:
        out.append(["all maps", _cell(stages, "maps_ours"), "—", "—", "< 180 s (whole)", "n/a"])
    for name, label, limit_s in (
        ("build_zone", "`build --zone` (busiest zone) on a built county", 15),
        ("rebuild", "rebuild with nothing changed", 15),
    ):
        stage = _ok(stages, name)
        out.append(
            [
                label,
                _cell(stages, name),
                "—",
                "—",
                f"< {limit_s} s (whole)",
                met(cpu(stage) < limit_s if stage and whole else None),
            ]
        )
    build = _ok(stages, "build")
    out.append(
        [
            "whole `build`, end to end",
            _cell(stages, "build") + (_with_workers(build) if build else ""),
            "—",
            "—",
            "< 300 s and < 4 GB with its map workers (whole)",
            met(cpu(build) < 300 and memory_mb(build) < 4096 if build and whole else None),
        ]
    )
    return out


def memory_mb(stage: dict[str, Any]) -> float:
    """A stage's memory for its target: what its process and its map workers held together
    at the peak, as sampled (their PSS summed: ``county/_memory.py``); where it was not
    sampled, the parent's peak plus every worker at the largest worker's peak (an upper
    bound), else its own peak."""
    measured = stage.get("tree_pss_peak_mb")
    if measured is not None:
        return float(measured)
    return float(stage.get("memory_bound_mb", stage["peak_mb"]))


def _with_workers(stage: dict[str, Any]) -> str:
    """What the stage's map workers add to its memory, as the table shows it."""
    if not stage.get("child_peak_mb"):
        return ""
    text = (
        f" + {stage['workers']} map workers of at most {stage['child_peak_mb']:.0f} MB each: "
        f"at most {stage['memory_bound_mb']:.0f} MB together"
    )
    if stage.get("tree_pss_peak_mb") is not None:
        text += (
            f" counting their shared pages in each; {stage['tree_pss_peak_mb']:.0f} MB "
            "held together at the peak (PSS, sampled)"
        )
    return text


def busiest_map(maps: dict[str, Any]) -> list[str]:
    """The row of the map of the zone with the most reports: its time and size beside the
    median map's, so that a cost growing faster than a zone's own data shows."""
    top = maps["busiest"]
    median_reports = _median([m["reports"] for m in maps.get("maps", [])])
    layers = top.get("layers_mb", {})
    own = sum(layers.get(k, 0.0) for k in ("report_data", "assets"))
    return [
        f"busiest map ({top['zone_id']}, {top['reports']:,} reports)",
        f"{top['seconds']:.2f} s ({top.get('cpu_s', top['seconds']):.2f} s CPU), "
        f"{top['mb']:.2f} MB ({own:.2f} MB its reports and assets)",
        "—",
        f"median map: {median_reports:,.0f} reports, {maps['per_map_s']['median']:.2f} s, "
        f"{maps['mb'].get('median', 0):.2f} MB",
        "its own data only",
        "n/a",
    ]


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


#: The stages on the growth curve, with their labels.
GROWTH = (
    ("network_ours", "street network (ours)"),
    ("network_pyrosm", "street network (pyrosm)"),
    ("network_osmnx", "street network (osmnx, XML)"),
    ("reports_ours", "reading reports (ours)"),
    ("reports_pandas", "reading reports (pandas)"),
    ("assets_ours", "reading assets (ours)"),
    ("attach_ours", "attaching (ours)"),
    ("attach_geopandas", "attaching (geopandas)"),
    ("tables_ours", "tables"),
    ("maps_ours", "all maps"),
    ("build", "build"),
    ("build_zone", "build --zone"),
    ("rebuild", "rebuild, nothing changed"),
)


def growth(results: dict[str, Any]) -> list[list[str]]:
    """Each stage's seconds at each scale and its ratios to the quarter, then the busiest
    map's reports, CPU seconds and size (its reports grow with the county: a cost
    quadratic in a zone's data would grow as the square of their ratio)."""
    scales = results["scales"]
    table = []
    for name, label in GROWTH:
        values = {}
        for scale in ("quarter", "half", "whole"):
            stage = _ok(scales.get(scale, {}).get("stages", {}), name)
            values[scale] = cpu(stage) if stage else _short(scales, scale, name)
        table.append(_growth_row(label, values, "{:.1f}"))
    for label, key, form in (
        ("busiest map: its reports", "reports", "{:,.0f}"),
        ("busiest map: CPU seconds", "cpu_s", "{:.2f}"),
        ("busiest map: MB", "mb", "{:.2f}"),
    ):
        values = {}
        for scale in ("quarter", "half", "whole"):
            maps = _ok(scales.get(scale, {}).get("stages", {}), "maps_ours")
            top = maps.get("busiest", {}) if maps else {}
            values[scale] = top.get(key, "—")
        table.append(_growth_row(label, values, form))
    return table


def _growth_row(label: str, values: dict[str, float | str], form: str) -> list[str]:
    """A row of the growth curve: the value at each scale, then half and whole over quarter."""
    cells = [label] + [form.format(v) if isinstance(v, int | float) else v for v in values.values()]
    base = values["quarter"]
    for scale in ("half", "whole"):
        value = values[scale]
        if isinstance(value, int | float) and isinstance(base, int | float) and base:
            cells.append(f"{value / base:.1f}x")
        else:
            cells.append("—")
    return cells


def build_steps(results: dict[str, Any]) -> list[list[str]]:
    """Each step of the fresh build at each scale (wall seconds, as the build reported
    them to its progress), and the maps' seconds per map."""
    scales = [s for s in ("quarter", "half", "whole") if s in results["scales"]]
    builds = {s: _ok(results["scales"][s]["stages"], "build") for s in scales}
    names = list(dict.fromkeys(n for b in builds.values() if b for n in b.get("steps", {})))
    table = [[n, *[_step(builds[s], n) for s in scales]] for n in names]
    per_map = [
        f"{b['per_map_s']['mean']:.2f}" if b and "per_map_s" in b else "—" for b in builds.values()
    ]
    return [*table, ["seconds a map (mean)", *per_map]] if names else []


def _step(build: dict[str, Any] | None, name: str) -> str:
    if build is None or name not in build.get("steps", {}):
        return "—"
    return f"{build['steps'][name]:.1f}"


def _short(scales: dict[str, Any], scale: str, name: str) -> str:
    stage = scales.get(scale, {}).get("stages", {}).get(name)
    if stage is None:
        return "—"
    return "timeout" if stage["status"] == "timeout" else stage["status"]


def _table(header: list[str], body: list[list[str]], *, markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in body])
    widths = [max(len(str(r[i])) for r in [header, *body]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True))  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, body)])


def _cpus(results: dict[str, Any]) -> str:
    return f"{results.get('machine', {}).get('cpus', '?')} CPUs"


def print_report(results: dict[str, Any], *, markdown: bool = False) -> None:
    """The table of every scale measured, then the growth curve."""
    for scale in ("tiny", "quarter", "half", "whole"):
        entry = results["scales"].get(scale)
        if not entry:
            continue
        counts = entry["county"]["counts"]
        print(
            f"\n{scale} county ({entry['date']}): {counts['street_ways']:,} street ways, "
            f"{counts['buildings']:,} buildings, {counts['zones']} zones, {counts['assets']:,} "
            f"assets, {counts['reports']:,} reports; PBF {entry['county']['mb']['county.osm.pbf']}"
            f" MB, XML {entry['county']['mb']['county.osm']} MB"
        )
        if entry["county"].get("town_centre"):
            print(
                f"reports by place: {counts['town_centre_reports']:,} in the town centre "
                f"({entry['county']['town_centre']}), the rest from "
                f"{counts['tile_reports_min']:,} to {counts['tile_reports_max']:,} a tile "
                f"(median {counts['tile_reports_median']:,})"
            )
        print()
        loads = [v for st in entry["stages"].values() for v in st.get("load_avg", [])]
        if loads:
            print(f"load average during the stages: up to {max(loads):.1f} on {_cpus(results)}")
            print("(ratios and targets are on CPU seconds; wall seconds are shown beside them)\n")
        header = ["work", "ours", "baseline", "ratio", "target", "met?"]
        print(_table(header, rows(scale, entry["stages"]), markdown=markdown))
    steps = build_steps(results)
    if steps:
        print("\ninside the builds (wall seconds by step, fresh build)\n")
        header = ["step", *[s for s in ("quarter", "half", "whole") if s in results["scales"]]]
        print(_table(header, steps, markdown=markdown))
    if any(s in results["scales"] for s in ("half", "whole")):
        print("\ngrowth curve (CPU seconds; linear is 2x at half and 4x at whole)\n")
        header = ["stage", "quarter", "half", "whole", "half/quarter", "whole/quarter"]
        print(_table(header, growth(results), markdown=markdown))


if __name__ == "__main__":
    main()
