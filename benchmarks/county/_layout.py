"""Where each tile of the synthetic county lies, what it is called, and how ids are made."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Tiles per row: the county grows northwards row by row (a quarter is the southern rows).
COLUMNS = 21
#: Distance between tile origins, metres (the sample spans about 1.8 km by 1.4 km, so
#: neighbouring tiles are about 200 m apart, joined by a main road each way).
STEP_X, STEP_Y = 2000.0, 1600.0
#: Tile (0, 0) lies this far from the sample's own place (east of Chorley), so that the
#: whole county is centred near 53.65 N, 2.62 W: Lancashire, Great Britain.
ORIGIN_X, ORIGIN_Y = -10 * STEP_X, -6 * STEP_Y
#: Id strides: tile t's node ids are t * NODE_STRIDE + the sample's id, and so on.
NODE_STRIDE, WAY_STRIDE, RELATION_STRIDE = 100_000, 10_000, 100
#: Local way ids of the additions to each tile (the sample's ways are 1..~310).
HOUSE_WAY_BASE, EXTRA_WAY_BASE = 1000, 9000
#: Local node ids of the additions (the sample's nodes are 1..~1200): shape points added to
#: the streets, house corners, and the rest.
SHAPE_NODE_BASE, HOUSE_NODE_BASE, EXTRA_NODE_BASE = 2000, 40_000, 90_000

_PLACES = [
    "Adlington",
    "Brinscall",
    "Buckshaw",
    "Clayton",
    "Coppull",
    "Croston",
    "Eccleston",
    "Euxton",
    "Heapey",
    "Heskin",
    "Leyland",
    "Mawdesley",
    "Whittle",
    "Withnell",
    "Wheelton",
    "Bretherton",
    "Farington",
    "Lostock",
    "Longton",
    "Hutton",
    "Penwortham",
    "Walton",
    "Bamber",
    "Samlesbury",
    "Hoghton",
    "Riley",
    "Abbey",
    "Tockholes",
    "Rivington",
    "Anglezarke",
    "Charnock",
    "Ulnes",
    "Bispham",
    "Hesketh",
    "Tarleton",
    "Rufford",
    "Mossley",
    "Gregson",
    "Preesall",
    "Goosnargh",
    "Barton",
    "Broughton",
    "Longridge",
    "Ribchester",
    "Chipping",
    "Whalley",
    "Sabden",
    "Read",
]
_QUARTERS = ("", "North ", "South ", "East ", "West ", "Upper ", "Lower ", "Little ")


@dataclass(frozen=True)
class Tile:
    """One copy of the sample: its number, grid place, offset (metres) and place name."""

    number: int
    column: int
    row: int
    dx: float
    dy: float
    place: str


def tiles(count: int) -> list[Tile]:
    """The first ``count`` tiles, row by row from the south-west."""
    if count > len(_PLACES) * len(_QUARTERS):
        raise ValueError(f"At most {len(_PLACES) * len(_QUARTERS)} tiles have names.")
    out = []
    for number in range(count):
        row, column = divmod(number, COLUMNS)
        quarter, place = divmod(number, len(_PLACES))
        out.append(
            Tile(
                number,
                column,
                row,
                ORIGIN_X + column * STEP_X,
                ORIGIN_Y + row * STEP_Y,
                f"{_QUARTERS[quarter]}{_PLACES[place]}",
            )
        )
    return out


def spread(total: int, slots: int) -> np.ndarray:
    """``total`` items shared over ``slots`` as evenly as whole numbers allow."""
    edges = (np.arange(slots + 1) * total) // slots
    return np.diff(edges)


def chosen(total: int, candidates: int) -> np.ndarray:
    """A mask choosing ``total`` of ``candidates``, spread evenly through them."""
    if total > candidates:
        raise ValueError(f"Cannot choose {total} of {candidates}.")
    index = np.arange(candidates)
    return ((index + 1) * total) // candidates > (index * total) // candidates
