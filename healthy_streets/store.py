"""Moved to :mod:`healthy_streets.io.store`; this name is kept for code that imported it."""

from healthy_streets.io.store import *  # noqa: F403
from healthy_streets.io.store import __all__  # noqa: F401
