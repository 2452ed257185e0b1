"""Benchmark: the PostGIS path against the in-memory path, on the county benchmark's counties.

Run by ``make bench`` after the county benchmark, or
``python benchmarks/bench_county_postgis.py --scale quarter --out out/bench``. With a
PostGIS database in ``--url`` (default: the ``HEALTHY_STREETS_POSTGIS_URL`` environment
variable), for each scale it runs, on the county under ``OUT/county/SCALE`` (generated if
missing, as ``bench_county.py`` does):

- ``bench_postgis.py``: placing assets and reports in zones and attaching them to streets,
  in memory and in the database; the rows whose links differ;
- ``bench_postgis_maps.py``: every zone's map drawn from the layers in memory and from each
  zone's rows read back from the database; the maps whose pages differ;

each in a process of its own, and prints one table per scale: both paths' seconds, the
database's over memory's, and whether the results are the same. Results go to
``OUT/postgis.json``. Without a database it says so, records why nothing ran, and exits
with success: ``make bench`` goes on, and the output says plainly what was not measured
(``docs/postgis.md`` says how to run it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from county import SCALES, generate_county

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VARIABLE = "HEALTHY_STREETS_POSTGIS_URL"
NOT_RUN = (
    "PostGIS benchmarks NOT RUN: {variable} is not set, so the in-database path was not "
    "compared with the in-memory path. Set it to a PostGIS database (docs/postgis.md, "
    '"Running the PostGIS benchmarks") and run make bench again.'
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="append", choices=list(SCALES))
    parser.add_argument("--out", type=Path, default=Path("out/bench"))
    parser.add_argument("--url", default=os.environ.get(VARIABLE, "").strip() or None)
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs of each path")
    args = parser.parse_args()
    results_path = args.out / "postgis.json"
    results_path.parent.mkdir(parents=True, exist_ok=True)
    if not args.url:
        message = NOT_RUN.format(variable=VARIABLE)
        print(f"\n{message}")
        record = {"date": dt.date.today().isoformat(), "not_run": message}
        results_path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        return
    results: dict[str, Any] = {"date": dt.date.today().isoformat(), "scales": {}}
    failed = False
    for scale in args.scale or ["quarter", "half", "whole"]:
        county = args.out / "county" / scale
        print(f"[{scale}] PostGIS: the county in {county}", file=sys.stderr, flush=True)
        generate_county(scale, county)
        entry = {
            name: _run(script, county, url=args.url, runs=args.runs)
            for name, script in (("attach", "bench_postgis.py"), ("maps", "bench_postgis_maps.py"))
        }
        results["scales"][scale] = entry
        print(f"\n{scale} county: the PostGIS path against the in-memory path\n")
        print(_table(rows(entry)))
        failed |= any("error" in part or not same(name, part) for name, part in entry.items())
    results_path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    if failed:
        sys.exit("The PostGIS path did not run or did not match the in-memory path (above).")


def _run(script: str, county: Path, *, url: str, runs: int) -> dict[str, Any]:
    """One of the PostGIS benchmarks in a process of its own: its JSON, or its error."""
    env = os.environ | {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    }
    done = subprocess.run(
        [sys.executable, str(HERE / script), str(county), "--url", url, "--runs", str(runs)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-5:]}
    return json.loads(done.stdout)


def same(name: str, part: dict[str, Any]) -> bool:
    """Whether the in-database path gave what the in-memory path gave."""
    if "error" in part:
        return False
    if name == "attach":
        return sum(part["rows_that_differ"].values()) == 0
    return part["maps_that_differ"] == 0


def rows(entry: dict[str, Any]) -> list[list[str]]:
    """work | in memory | PostGIS | PostGIS / in memory | same result?"""
    out = []
    attach, maps = entry["attach"], entry["maps"]
    if "error" in attach:
        out.append(["attaching assets and reports", "error", " ".join(attach["error"]), "—", "no"])
    else:
        memory, database = attach["in_memory_median_s"], attach["in_database_median_s"]
        differ = attach["rows_that_differ"]
        out.append(
            [
                f"attaching {attach['assets']:,} assets and {attach['reports']:,} reports",
                f"{memory:.2f} s",
                f"{database:.2f} s",
                f"{database / memory:.1f}x" if memory else "—",
                "yes" if same("attach", attach) else f"**no**: rows that differ {differ}",
            ]
        )
    if "error" in maps:
        out.append(["all maps", "error", " ".join(maps["error"]), "—", "no"])
    else:
        memory, database = maps["in_memory"]["seconds"], maps["streamed"]["seconds"]
        out.append(
            [
                f"all {maps['maps']} maps ({maps['workers']} processes)",
                f"{memory:.2f} s, {maps['in_memory']['total_pss_mb']:.0f} MB (PSS)",
                f"{database:.2f} s (+ {maps['working_schema_written_s']:.2f} s writing the "
                f"working schema), {maps['streamed']['total_pss_mb']:.0f} MB (PSS)",
                f"{database / memory:.1f}x" if memory else "—",
                "yes"
                if same("maps", maps)
                else f"**no**: {maps['maps_that_differ']} maps differ "
                f"({', '.join(maps['maps_that_differ_first'])})",
            ]
        )
    return out


def _table(body: list[list[str]]) -> str:
    header = ["work", "in memory", "PostGIS", "PostGIS / in memory", "same result?"]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = [header, ["-" * w for w in widths], *body]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in lines)


if __name__ == "__main__":
    main()
