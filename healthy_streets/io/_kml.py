"""A KML's folders: each GDAL layer's full folder path, and the folder level that says what
its placemarks are.

GDAL's LIBKML driver gives each ``<Folder>`` of a KML as a layer of its own, named by the
folder's name alone ("Meersbrook ward", then "Meersbrook ward (#2)" for a second folder of
that name), and the document itself as a layer when placemarks sit in it outside any folder.
The nesting is lost. :func:`folder_paths` recovers it from the KML's text, read with the
standard library's parser (expat: no external entity is fetched, and entity amplification
beyond its limit is refused, as in :mod:`healthy_streets.io.reports`).
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

import pandas as pd

__all__ = [
    "FolderLevels",
    "description_fields",
    "folder_levels",
    "folder_paths",
    "join_path",
    "layer_name",
    "split_path",
]

#: GDAL's suffix on the second and later layers of the same name: "Meersbrook ward (#2)".
_GDAL_SUFFIX = re.compile(r"\s*\(#\d+\)\s*$")
_CONTAINERS = ("Document", "Folder")
#: Between the folders of a path, as said to the user and kept in the ``_layer`` column.
SEPARATOR = "/"


def layer_name(name: str) -> str:
    """A GDAL layer's name without the suffix GDAL adds to tell same-named layers apart.

    >>> layer_name("Meersbrook ward (#2)")
    'Meersbrook ward'
    """
    return _GDAL_SUFFIX.sub("", name)


def join_path(path: Sequence[str]) -> str:
    """``("Benches", "Meersbrook ward")`` -> ``"Benches/Meersbrook ward"``."""
    return SEPARATOR.join(path)


def split_path(joined: str, known: Mapping[str, tuple[str, ...]] | None = None) -> tuple[str, ...]:
    """The folders of a joined path (exactly, from ``known``, when a folder's own name holds
    the separator: "2017/18")."""
    if known and joined in known:
        return known[joined]
    return tuple(joined.split(SEPARATOR))


@dataclass
class _Container:
    kind: str
    parent: int | None
    name: str | None = None
    placemarks: int = 0


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _containers(handle: IO[bytes]) -> list[_Container]:
    """The KML's documents and folders in document order, each with its parent and how many
    placemarks it holds itself (not in its subfolders)."""
    found: list[_Container] = []
    open_containers: list[int] = []
    elements: list[str] = []
    # expat fetches no external entity and refuses entity amplification (a "billion laughs")
    for event, element in ElementTree.iterparse(handle, events=("start", "end")):  # noqa: S314
        tag = _local(element.tag)
        if event == "start":
            if tag in _CONTAINERS:
                parent = open_containers[-1] if open_containers else None
                found.append(_Container(tag, parent))
                open_containers.append(len(found) - 1)
            elements.append(tag)
            continue
        elements.pop()
        parent_tag = elements[-1] if elements else None
        if tag in _CONTAINERS:
            open_containers.pop()
        elif tag == "name" and parent_tag in _CONTAINERS:
            container = found[open_containers[-1]]
            if container.name is None:
                container.name = " ".join((element.text or "").split())
        elif tag == "Placemark":
            if parent_tag in _CONTAINERS:
                found[open_containers[-1]].placemarks += 1
            element.clear()
    return found


def _open_kml(path: Path) -> IO[bytes]:
    """The KML text of ``path``: the file, or the main KML of a KMZ (``doc.kml``, else the
    first KML in it, as GDAL reads it)."""
    if path.suffix.lower() != ".kmz":
        return path.open("rb")
    archive = zipfile.ZipFile(path)
    names = [n for n in archive.namelist() if n.lower().endswith(".kml")]
    name = next((n for n in names if n.lower() == "doc.kml"), names[0] if names else None)
    if name is None:
        raise ValueError("no KML in the KMZ")
    return archive.open(name)


def _path(found: list[_Container], index: int) -> tuple[str, ...]:
    """A container's folder path from the top; the document itself (placemarks outside any
    folder) by its own name."""
    names: list[str] = []
    at: int | None = index
    while at is not None:
        container = found[at]
        if container.parent is not None or container.kind == "Folder":
            names.append(container.name or "")
        at = container.parent
    return tuple(reversed(names)) or (found[index].name or "",)


def folder_paths(
    path: Path, layers: Sequence[str], counts: Sequence[int]
) -> dict[str, tuple[str, ...]]:
    """Each GDAL layer of the KML (or KMZ) ``path`` -> its folder path from the top
    (``("Benches", "Meersbrook ward")``); ``counts`` are the layers' feature counts.

    GDAL lists a KML's containers in document order, the document only when placemarks sit
    in it outside any folder: each layer is matched to the next container of the same name
    holding as many placemarks. When the text cannot be read or does not match GDAL's
    layers, each layer is a folder of its own, named without GDAL's ``(#N)`` suffix.
    """
    flat: dict[str, tuple[str, ...]] = {name: (layer_name(name),) for name in layers}
    try:
        with _open_kml(path) as handle:
            found = _containers(handle)
    except (OSError, ValueError, zipfile.BadZipFile, ElementTree.ParseError, RuntimeError):
        return flat  # GDAL read it: the layers stand as they are
    out: dict[str, tuple[str, ...]] = {}
    at = 0
    for name, count in zip(layers, counts, strict=True):
        wanted = layer_name(name).casefold()
        while at < len(found) and not (
            (found[at].name or "").casefold() == wanted and found[at].placemarks == count
        ):
            at += 1
        if at == len(found):
            return flat
        out[name] = _path(found, at)
        at += 1
    return out


@dataclass(frozen=True)
class FolderLevels:
    """The folder chosen in each row's path (``None`` where no folder matched), and how
    the choice is said: ``'Benches' (level 1 of 'Benches/Meersbrook ward')``."""

    values: pd.Series
    how: str
    unmatched: int
    folders: int

    def said(self) -> str:
        """``the KML folder 'Benches' (level 1 of ...)``, ``the KML folders ...``."""
        return f"the KML folder{'s' if self.folders > 1 else ''} {self.how}"


def folder_levels(
    joined: pd.Series,
    matches: Callable[[str], bool],
    *,
    known: Mapping[str, tuple[str, ...]] | None = None,
) -> FolderLevels:
    """For each row's folder path (``joined``, as :func:`join_path` writes it), its
    innermost folder whose name ``matches`` (a category the taxonomy knows, a status word).

    >>> paths = pd.Series(["Benches/Heeley", "Benches/Meersbrook", "Heeley"])
    >>> levels = folder_levels(paths, lambda name: name == "Benches")
    >>> list(levels.values)
    ['Benches', 'Benches', None]
    >>> print(levels.said())
    the KML folder 'Benches' (level 1 of 'Benches/Heeley', 'Benches/Meersbrook')
    """
    chosen: dict[str, tuple[str, int] | None] = {}
    for text in joined.dropna().unique():
        levels = split_path(str(text), known)
        hits = [(name, i + 1) for i, name in enumerate(levels) if name and matches(name)]
        chosen[str(text)] = hits[-1] if hits else None
    values = [None if pd.isna(t) else (chosen[str(t)] or (None,))[0] for t in joined]
    grouped: dict[tuple[str, int], list[str]] = {}
    for text, hit in chosen.items():
        if hit is not None:
            grouped.setdefault(hit, []).append(join_path(split_path(text, known)))
    said = [
        f"{name!r} (level {level} of {_listed(map(repr, paths), 3)})"
        if any(path != name for path in paths)
        else repr(name)
        for (name, level), paths in grouped.items()
    ]
    unmatched = sum(value is None for value in values)
    return FolderLevels(
        pd.Series(values, index=joined.index, dtype="object"),
        _listed(said),
        unmatched,
        len(grouped),
    )


def _listed(items: Iterable[str], most: int = 8) -> str:
    items = list(items)
    return ", ".join(items[:most]) + (", …" if len(items) > most else "")


_TABLE_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr\s*>", re.IGNORECASE | re.DOTALL)
_TABLE_CELL = re.compile(r"<t[dh]\b[^>]*>(.*?)</t[dh]\s*>", re.IGNORECASE | re.DOTALL)
_ANY_TAG = re.compile(r"<[^<>]*>")


def description_fields(value: object) -> dict[str, str] | None:
    """The fields of a placemark's description written as an HTML table of field and value,
    as ArcGIS's "Layer To KML" writes every feature's attributes; ``None`` when the
    description is no such table (fewer than two rows of two cells).

    >>> description_fields("<table><tr><td>SITE</td><td>Hyde Park</td></tr>"
    ...                    "<tr><td>TYPE</td><td>Bench &amp; bin</td></tr></table>")
    {'SITE': 'Hyde Park', 'TYPE': 'Bench & bin'}
    """
    if not isinstance(value, str) or "<t" not in value.lower():
        return None
    fields: dict[str, str] = {}
    for row in _TABLE_ROW.findall(value):
        cells = [
            " ".join(html.unescape(_ANY_TAG.sub(" ", cell)).split())
            for cell in _TABLE_CELL.findall(row)
        ]
        if len(cells) == 2 and cells[0] and cells[0] not in fields:
            fields[cells[0]] = cells[1]
    return fields if len(fields) >= 2 else None
