"""``python -m healthy_streets``: the ``healthy-streets`` command, where its script is not on
the PATH."""

from healthy_streets.cli import entry

if __name__ == "__main__":
    entry()
