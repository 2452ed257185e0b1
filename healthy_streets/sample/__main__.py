"""Write the sample neighbourhood: ``python -m healthy_streets.sample DIR [--seed N]``."""

from __future__ import annotations

import argparse

from . import DEFAULT_SEED, generate_sample


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, write the sample and print the paths written.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (defaults to ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status (0).
    """
    parser = argparse.ArgumentParser(
        prog="python -m healthy_streets.sample",
        description="Write the Yarrowside sample neighbourhood (OSM, zones, assets, reports).",
    )
    parser.add_argument("directory", help="folder to write the files into (created if needed)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = parser.parse_args(argv)
    for role, path in generate_sample(args.directory, seed=args.seed).items():
        print(f"{role:20s} {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
