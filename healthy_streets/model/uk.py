"""Where UK rules apply: Great Britain and Northern Ireland, coarsely.

The toolkit's speed defaults (restricted roads at 30 mph, the national speed limit, the
``GB:`` codes of OpenStreetMap) and its working CRS (British National Grid) are British.
Data from elsewhere is read all the same, but with a warning, and with no UK default
invented for its streets (:func:`outside_uk_note`).

:data:`UK_AREA` is a hand-drawn outline in longitude and latitude: generous at sea, it
takes in the islands (Scilly to Shetland) and the Isle of Man, and keeps out France, the
Channel Islands and Ireland; along the land border in Ireland it is right to within a few
kilometres. The Isle of Man lies inside it, as the British National Grid covers it, but it
is not in the UK and UK speed rules do not apply there: data there gets a note of its own
(:data:`ISLE_OF_MAN`). By itself it decides a warning, never a row; the importers reject a row as no
place in a project in Britain only beyond a margin around it that takes in those kilometres
of doubt (Dublin and Calais are beyond it, no town of Northern Ireland is).

:func:`on_uk_land` is finer: whether points of the National Grid lie on the land of Great
Britain, Northern Ireland or the Isle of Man, or near its coast. Its outline
(``uk_land.wkt`` beside this module) is Natural Earth's 1:10m countries (public domain) for
the United Kingdom and the Isle of Man, as world-atlas 2.0.2 (``countries-10m.json``, ids
826 and 833) publishes them, Rockall left out, simplified to 0.01° and rounded to 0.001°:
right to about a kilometre, so a point within :data:`LAND_MARGIN_M` of it counts as on
land (a pier, a seafront, the outline's own error). It tells which way round a file's
eastings and northings are (a county's places read the wrong way round mostly lie in the
sea), never whether one row is right.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer

from healthy_streets import settings
from healthy_streets._audience import option

__all__ = [
    "ISLE_OF_MAN",
    "LAND_MARGIN_M",
    "UK_AREA",
    "lonlat_outside_uk_note",
    "on_uk_land",
    "outside_uk_note",
    "place_phrase",
    "share_in_uk",
    "suggested_crs",
]

#: Great Britain, Northern Ireland and the Isle of Man, coarsely (longitude, latitude).
UK_AREA = shapely.Polygon(
    [
        (-6.6, 49.8),  # south-west of Scilly
        (-5.0, 49.85),  # south of the Lizard
        (-2.0, 50.45),  # between Portland and Alderney
        (-1.3, 50.5),  # south of the Isle of Wight
        (0.2, 50.65),  # Beachy Head
        (1.0, 50.85),  # Dungeness
        (1.45, 51.08),  # the Strait of Dover, off the South Foreland
        (1.6, 51.3),  # off the North Foreland
        (2.0, 52.0),
        (2.0, 52.8),  # off Lowestoft
        (1.0, 53.2),  # off north Norfolk
        (0.5, 53.7),  # off Spurn Head
        (0.0, 54.3),  # off Flamborough Head
        (-1.0, 55.0),
        (-1.5, 55.9),  # off Berwick
        (-1.3, 57.6),  # off Peterhead
        (-0.4, 60.5),  # east of Shetland
        (-0.5, 61.0),
        (-2.5, 61.0),  # north-west of Shetland
        (-7.0, 59.3),  # north of the Butt of Lewis and North Rona
        (-9.0, 57.9),  # west of St Kilda
        (-8.0, 56.4),  # west of Barra Head and Tiree
        (-6.8, 55.5),  # between Islay and Donegal
        (-6.9, 55.2),  # the mouth of Lough Foyle
        (-7.4, 55.05),  # west of Derry
        (-7.5, 54.85),  # Strabane
        (-7.75, 54.6),
        (-8.15, 54.45),  # Belleek
        (-7.85, 54.25),  # Belcoo
        (-7.4, 54.15),  # Newtownbutler
        (-7.05, 54.35),  # north of Clones and Monaghan
        (-6.75, 54.25),
        (-6.65, 54.05),  # Crossmaglen
        (-6.3, 54.1),  # north of Dundalk
        (-6.1, 54.06),  # Carlingford Lough
        (-5.9, 53.95),
        (-5.3, 53.7),  # the Irish Sea, well off Dublin
        (-4.9, 53.3),  # west of Holy Island
        (-5.0, 52.8),  # west of Bardsey
        (-5.8, 51.7),  # west of the Smalls
        (-6.8, 50.3),
    ]
)

#: The Isle of Man, coarsely (longitude, latitude): inside :data:`UK_AREA`, but a Crown
#: Dependency with its own speed limits (and roads with none), not part of the UK.
ISLE_OF_MAN = shapely.box(-4.87, 54.03, -4.29, 54.43)

_BNG = "EPSG:27700"

#: How far out to sea (metres) a point of :func:`on_uk_land` still counts as on land.
LAND_MARGIN_M = 2_000.0


@cache
def _land_near() -> shapely.Geometry:
    """The land of :func:`on_uk_land` in National Grid metres, :data:`LAND_MARGIN_M`
    around it, prepared (read once, when first asked)."""
    text = resources.files("healthy_streets.model").joinpath("uk_land.wkt").read_text("utf-8")
    to_bng = Transformer.from_crs("EPSG:4326", _BNG, always_xy=True)
    land = shapely.transform(
        shapely.from_wkt(text.strip()),
        lambda xy: np.column_stack(to_bng.transform(xy[:, 0], xy[:, 1])),
    )
    near = shapely.buffer(land, LAND_MARGIN_M, quad_segs=2)
    shapely.prepare(near)
    return near


def on_uk_land(east: np.ndarray, north: np.ndarray) -> np.ndarray:
    """Which National Grid points (eastings, northings in metres) lie on the land of Great
    Britain, Northern Ireland or the Isle of Man, or within :data:`LAND_MARGIN_M` of its
    coast (see the module).

    Stretford, the place its easting and northing give read the other way round (near
    Poynton, also on land) and London's read so (the sea off Galloway):

    >>> on_uk_land(np.array([379709, 394458, 180000]), np.array([394458, 379709, 530000]))
    array([ True,  True, False])
    """
    east, north = np.asarray(east, dtype=float), np.asarray(north, dtype=float)
    return np.asarray(shapely.contains_xy(_land_near(), east, north), dtype=bool)


def share_in_uk(lon: np.ndarray, lat: np.ndarray) -> float:
    """The share of the points (degrees) that lie in Great Britain or Northern Ireland;
    1.0 for no points."""
    if len(lon) == 0:
        return 1.0
    return float(shapely.contains_xy(UK_AREA, np.asarray(lon), np.asarray(lat)).mean())


def place_phrase(lon: float, lat: float) -> str:
    """A place in degrees as messages write it.

    >>> place_phrase(2.35, 48.86)
    '48.86° N, 2.35° E'
    """
    return f"{abs(lat):.2f}° {'N' if lat >= 0 else 'S'}, {abs(lon):.2f}° {'E' if lon >= 0 else 'W'}"


def suggested_crs(lon: float, lat: float) -> str:
    """The UTM zone's CRS for a place (a projected CRS that suits it).

    >>> suggested_crs(2.35, 48.86), suggested_crs(-70.6, -33.4)
    ('EPSG:32631', 'EPSG:32719')
    """
    zone = min(int((lon + 180) // 6) + 1, 60)
    return f"EPSG:{32600 + zone if lat >= 0 else 32700 + zone}"


def outside_uk_note(
    points: gpd.GeoSeries | gpd.GeoDataFrame, *, what: str, working_crs: str | None = None
) -> str | None:
    """A warning when most of ``points`` lie outside Great Britain and Northern Ireland;
    ``None`` when they lie there (or cannot be placed).

    Parameters
    ----------
    points
        Points (or any shapes: their representative points are used) with a CRS.
    what
        What they are, for the sentence ("The zones", "The streets").
    working_crs
        The working CRS (default :data:`settings.working_crs`): the warning says to name
        another when it is British National Grid.
    """
    series = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
    series = series[~(series.is_empty | series.isna())]
    if series.empty or series.crs is None:
        return None
    lonlat = series.representative_point().to_crs(4326)
    return lonlat_outside_uk_note(
        lonlat.x.to_numpy(), lonlat.y.to_numpy(), what=what, working_crs=working_crs
    )


def lonlat_outside_uk_note(
    lon: np.ndarray, lat: np.ndarray, *, what: str, working_crs: str | None = None
) -> str | None:
    """:func:`outside_uk_note` for points given as longitudes and latitudes."""

    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    finite = np.isfinite(lon) & np.isfinite(lat)
    if not finite.any():
        return None
    centre_lon, centre_lat = float(np.median(lon[finite])), float(np.median(lat[finite]))
    where = f"around {place_phrase(centre_lon, centre_lat)}"
    if share_in_uk(lon[finite], lat[finite]) >= 0.5:
        on_man = shapely.contains_xy(ISLE_OF_MAN, lon[finite], lat[finite]).mean()
        if on_man < 0.5:
            return None
        return (
            f"{what} lie in the Isle of Man ({where}), which is not in the UK: its speed "
            "limits and defaults differ (it has roads with no speed limit), so no UK default "
            "(restricted roads at 30 mph, the national speed limit) is assumed and a street "
            "with no speed tag has an unknown limit. The British National Grid covers it, so "
            "lengths and areas are right."
        )
    text = (
        f"{what} lie outside Great Britain and Northern Ireland ({where}): UK speed "
        "defaults (restricted roads at 30 mph, the national speed limit) do not apply there, "
        "so none are assumed and a street with no speed tag has an unknown limit."
    )
    if (working_crs or settings.working_crs).upper() == _BNG:
        crs = suggested_crs(centre_lon, centre_lat)
        text += (
            " British National Grid (EPSG:27700, the working CRS) does not apply there either: "
            f"lengths and areas are distorted. Name a projected CRS for the area, such as "
            f"{crs} (its UTM zone): {option('working_crs', crs)}."
        )
    return text
