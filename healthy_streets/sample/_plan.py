"""A street network under construction, with a check that new streets do not cross old ones."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from ._geo import Point, offset_point
from ._model import Way

__all__ = ["Plan"]


class Plan:
    """Ways placed so far, and the lines new streets must not cross.

    Every street, path, railway and river is a *blocker*: a new street may end on one of
    their nodes but never cross them between nodes, so that every junction in the written
    OpenStreetMap file is a shared node, as in real OpenStreetMap data.
    """

    def __init__(self) -> None:
        self.ways: list[Way] = []
        self.node_tags: dict[Point, dict[str, str]] = {}
        self._blockers: list[LineString] = []
        self._array: np.ndarray | None = None

    def block(self, points: Sequence[Point]) -> None:
        """Register a line that later streets must not cross.

        Parameters
        ----------
        points : sequence of Point
            The line's vertices.
        """
        self._blockers.append(LineString(points))
        self._array = None

    def add(
        self,
        points: Sequence[Point],
        tags: dict[str, str],
        street: str = "",
        *,
        register: bool = True,
        block: str = "",
    ) -> Way:
        """Add a way, registering it as a blocker.

        Parameters
        ----------
        points : sequence of Point
            Node positions.
        tags : dict of str to str
            OpenStreetMap tags.
        street : str
            The street the way belongs to.
        register : bool, default True
            Register the way as a blocker (``False`` when its line already is one).
        block : str
            The block of the neighbourhood the way was built in.

        Returns
        -------
        Way
            The new way.
        """
        way = Way(list(points), dict(tags), street, block)
        self.ways.append(way)
        if register:
            self.block(points)
        return way

    def join(
        self,
        end: Point,
        targets: Sequence[Point],
        reach: float,
        *,
        clearance: float = 5.0,
        avoid: BaseGeometry | None = None,
    ) -> list[Point] | None:
        """Find the shortest acceptable line from ``end`` to one of ``targets``.

        Parameters
        ----------
        end : Point
            Where the line starts (usually a dead end).
        targets : sequence of Point
            Nodes the line may end on.
        reach : float
            Longest acceptable line in metres.
        clearance, avoid
            As for :meth:`fits`.

        Returns
        -------
        list of Point or None
            The line's nodes (a middle node is added to lines over 50 m), or ``None``.
        """
        near = sorted(
            (math.dist(end, t), t) for t in targets if t != end and math.dist(end, t) <= reach
        )
        for length, target in near[:6]:
            line = (
                [end, offset_point(end, target, 0.5, 0.0), target] if length > 50 else [end, target]
            )
            if self.fits(line, clearance, avoid):
                return line
        return None

    def _lines(self) -> np.ndarray:
        if self._array is None:
            self._array = np.array(self._blockers, dtype=object)
        return self._array

    def fits(
        self,
        points: Sequence[Point],
        clearance: float = 6.0,
        avoid: BaseGeometry | None = None,
    ) -> bool:
        """Tell whether a new line can be added without crossing or crowding others.

        Parameters
        ----------
        points : sequence of Point
            The new line; its two ends may lie on existing lines.
        clearance : float, default 6.0
            Minimum distance in metres between the new line's middle part and any other
            line (the parts within ``clearance + 4`` m of its ends are exempt).
        avoid : shapely geometry, optional
            Areas the line must not enter (parks, school grounds).

        Returns
        -------
        bool
            ``True`` when the line can be added.
        """
        line = LineString(points)
        length = line.length
        if length < 8.0 or len(set(points)) != len(points):
            return False
        lines = self._lines()
        if lines.size:
            inner = substring(line, 0.5, length - 0.5)
            if shapely.intersects(lines, inner).any():
                return False
            margin = clearance + 4.0
            if length > 2 * margin + 2.0:
                core = substring(line, margin, length - margin)
                if shapely.dwithin(lines, core, clearance).any():
                    return False
        return avoid is None or not line.intersects(avoid)
