"""``python -m healthy_streets.model``: print the column reference (``docs/layers.md``)."""

from healthy_streets.model.layers import markdown

print(markdown(), end="")
