"""Benchmark: how long ``healthy-streets --help`` and a command's ``--help`` take.

Run with ``make bench`` (or ``python benchmarks/bench_help.py``). Each command line runs in
a fresh Python process, as an officer's would, five times; the median wall-clock time is
reported, with the heavy libraries the process loaded (none should be: the commands load
the library only when they run). Results go to ``out/bench/help.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5
COMMANDS = [["--help"], ["build", "--help"], ["summary", "--help"], ["evaluate", "--help"]]
HEAVY = (
    "pandas",
    "geopandas",
    "folium",
    "osmium",
    "osmnx",
    "statsmodels",
    "matplotlib",
    "importlib.metadata",
)
#: Runs the command line in-process, then says which heavy libraries it loaded.
PROBE = (
    "import sys\n"
    "from healthy_streets.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:], prog_name='healthy-streets')\n"
    "except SystemExit:\n"
    "    pass\n"
    f"print(sorted(set({HEAVY!r}) & set(sys.modules)), file=sys.stderr)\n"
)


def time_command(args: list[str], runs: int = RUNS) -> dict[str, object]:
    """The median seconds of ``runs`` fresh processes running ``healthy-streets ARGS``."""
    seconds = []
    loaded = ""
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", PROBE, *args],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        seconds.append(time.perf_counter() - started)
        loaded = done.stderr.strip().splitlines()[-1]
    return {
        "command": "healthy-streets " + " ".join(args),
        "median_s": round(statistics.median(seconds), 3),
        "runs_s": [round(s, 3) for s in seconds],
        "heavy_modules_loaded": loaded,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out/bench", help="folder for help.json")
    parser.add_argument("--runs", type=int, default=RUNS)
    options = parser.parse_args()
    results = [time_command(args, options.runs) for args in COMMANDS]
    for row in results:
        heavy = row["heavy_modules_loaded"]
        print(f"{row['command']:<34} median {row['median_s']:.3f} s  heavy: {heavy}")
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "help.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
