"""How a long piece of work reports its steps: the library logs them; the command line
shows them on the terminal (:class:`healthy_streets.cli._report.CliProgress`)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

__all__ = ["SHOWN", "Progress", "as_progress", "is_shown"]

log = logging.getLogger("healthy_streets.pipeline")
T = TypeVar("T")

#: The ``extra`` of an ``INFO`` log record the command line shows by default, as it shows
#: progress: what keeps the user waiting while it happens (a service that asks to wait).
SHOWN = {"shown": True}


def is_shown(record: logging.LogRecord) -> bool:
    """Whether ``record`` was logged with :data:`SHOWN`."""
    return bool(getattr(record, "shown", False))


class Progress:
    """How a build reports its steps. The library logs them; the command line shows a
    progress bar on a terminal (see :mod:`healthy_streets.cli._report`)."""

    def step(self, text: str) -> None:
        """A step starts.

        Parameters
        ----------
        text
            What the step does, as a phrase ("Reading the zones").
        """
        log.info("%s", text)

    def items(self, items: Sequence[T], text: str) -> Iterable[T]:
        """Go through ``items``, reporting each.

        Parameters
        ----------
        items
            What to go through.
        text
            What is done to each, as a phrase ("Drawing the zone maps").
        """
        for number, item in enumerate(items, start=1):
            log.info("%s (%d of %d)", text, number, len(items))
            yield item


class _Steps(Progress):
    """A function of one string, told each step."""

    def __init__(self, told: Callable[[str], None]) -> None:
        self.told = told

    def step(self, text: str) -> None:
        self.told(text)


def as_progress(progress: Progress | Callable[[str], None] | None) -> Progress:
    """A :class:`Progress` from what a caller gave: one, a function told each step, or
    ``None`` (log the steps)."""
    if progress is None:
        return Progress()
    if isinstance(progress, Progress):
        return progress
    return _Steps(progress)
