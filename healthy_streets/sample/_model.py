"""The sample neighbourhood as plain objects, before it is written to files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from ._geo import Point

__all__ = ["Feature", "Relation", "Way", "World", "Zone"]


@dataclass
class Way:
    """An OpenStreetMap way: node positions (shared positions are shared nodes) and tags.

    Attributes
    ----------
    points : list of Point
        Node positions in order; a closed way repeats its first point at the end.
    tags : dict of str to str
        The way's OpenStreetMap tags.
    street : str
        The street this way belongs to (several ways can make one street); empty for
        ways that are not streets.
    block : str
        The block of the neighbourhood an estate street was built in; empty otherwise.
    """

    points: list[Point]
    tags: dict[str, str]
    street: str = ""
    block: str = ""

    @property
    def line(self) -> LineString:
        """The way's geometry in British National Grid metres."""
        return LineString(self.points)

    @property
    def highway(self) -> str:
        """The way's ``highway`` tag, or an empty string."""
        return self.tags.get("highway", "")


@dataclass
class Feature:
    """An OpenStreetMap node with tags that is not part of any way."""

    point: Point
    tags: dict[str, str]


@dataclass
class Relation:
    """An OpenStreetMap relation whose members are ways and features of the world."""

    members: list[tuple[Way | Feature, str]]
    tags: dict[str, str]


@dataclass
class Zone:
    """A council 20mph zone.

    Attributes
    ----------
    key : str
        Short label used by the generator and in ``truth.json`` ("A" to "D").
    name, tro_ref, status, impl_date_text, notes : str
        The council's attribute values, written as the council writes them.
    impl_date : datetime.date or None
        The implementation date the text stands for; ``None`` for a proposed zone.
    geometry : shapely geometry
        Polygon or MultiPolygon in British National Grid metres (vertices rounded to 0.1 m).
    """

    key: str
    name: str
    tro_ref: str
    status: str
    impl_date_text: str
    impl_date: dt.date | None
    notes: str
    geometry: BaseGeometry


@dataclass
class World:
    """Everything the sample files are written from.

    Attributes
    ----------
    ways : list of Way
        Streets, paths, railway, waterways and areas, in writing order.
    node_tags : dict of Point to dict
        Tags on nodes that belong to ways (crossings, traffic signals, bollards).
    features : list of Feature
        Tagged nodes that are not part of any way (benches, trees, bus stops...).
    relations : list of Relation
        Relations (a bus route).
    zones : list of Zone
        The council's 20mph zones.
    facts : dict
        Named things the tests and ``truth.json`` refer to (gap streets, the school outside
        the zones...).
    """

    ways: list[Way] = field(default_factory=list)
    node_tags: dict[Point, dict[str, str]] = field(default_factory=dict)
    features: list[Feature] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    zones: list[Zone] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)

    def highways(self) -> list[Way]:
        """Return the ways tagged ``highway`` (streets, paths and the pedestrian area)."""
        return [w for w in self.ways if w.highway]
