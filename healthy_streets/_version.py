"""The toolkit's version: one place, read by the package, the store and the command line.

The build reads it from here too (``[tool.hatch.version]`` in ``pyproject.toml``), so the
installed package's metadata and :data:`__version__` cannot disagree, and the command line
learns it without loading :mod:`importlib.metadata` (a third of ``--help``'s start-up).
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
