"""Run the ``healthy-streets`` command line from a checkout: ``python cli.py --help``."""

from healthy_streets.cli import entry, main

__all__ = ["entry", "main"]

if __name__ == "__main__":
    entry()
