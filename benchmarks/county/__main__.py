"""Write a synthetic county: ``python benchmarks/county --scale quarter --out DIR``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from county import SCALES, SEED, generate_county


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=list(SCALES), default="tiny")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    manifest = generate_county(args.scale, args.out, seed=args.seed, reuse=False)
    print(json.dumps(manifest, indent=2))


if __name__ == "__main__":
    main()
