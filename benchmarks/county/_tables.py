"""The county's zones, assets and FixMyStreet export, and its project file.

Each is drawn from the sample's own file, tile by tile: the sample's zones moved with their
tile (a chosen share of them, renamed after the tile's place, with implementation dates
spread over 2016-2025 in the formats councils write), walkabout rows and FixMyStreet
reports resampled with their tile and jittered by a few metres, with new ids and dates
spread over six years (the time from created to confirmed, fixed or closed kept as the
sample row had it). Text such as reporters' names, titles and details comes from the
sample rows as written, so the privacy scrubbing has real work to do.

Reports fall unevenly, as in a real county: one town-centre zone holds
:data:`TOWN_CENTRE_SHARE` of them (8,750 of the whole county's 250,000; the busiest zone of
a real council's export held 8,621), and the rest are shared over the tiles by
heavy-tailed (lognormal) weights, so some towns have several times the reports of others.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._base import SAMPLE, TO_BNG, TO_LONLAT
from ._layout import Tile, chosen, spread

REPORTS_FROM = dt.datetime(2019, 11, 1)
REPORTS_TO = dt.datetime(2025, 10, 31, 23, 0)
EXPORTED = dt.datetime(2025, 11, 1)
TIME_COLUMNS = ("Confirmed", "Acknowledged", "Fixed", "Closed")
ISO = "%Y-%m-%dT%H:%M:%S"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
SEASONS = ("Spring", "Summer", "Autumn", "Winter")
#: The share of all reports made in one busy town-centre zone.
TOWN_CENTRE_SHARE = 0.035
#: The spread of the other reports over the tiles: the tiles' weights are a lognormal
#: distribution's quantiles with this sigma, in a seeded order (the busiest tile has 6
#: times the median tile's reports in the quarter county, 9 times in the whole; quantiles,
#: not draws, so that every scale has the same shape of spread).
TILE_SIGMA = 0.75


def town_centre(tiles: Sequence[Tile], zones: int) -> tuple[int, int, str]:
    """The town centre: the tile (its index), the sample's zone (its index in the sample's
    zones file) and the zone's name in the county, of the first zone written from the
    middle tile of the county on."""
    features = json.loads((SAMPLE / "zones.geojson").read_text(encoding="utf-8"))["features"]
    kept = np.flatnonzero(chosen(zones, len(tiles) * len(features)))
    first = int(kept[np.searchsorted(kept, (len(tiles) // 2) * len(features)) % len(kept)])
    tile, zone = divmod(first, len(features))
    return tile, zone, f"{tiles[tile].place} {features[zone]['properties']['ZONE_NAME']}"


def report_counts(total: int, tiles: int, *, seed: int) -> tuple[int, np.ndarray]:
    """How many of ``total`` reports the town centre gets, and how many each tile gets of
    the rest (heavy-tailed: lognormal weights, shared out by largest remainders)."""
    from scipy.special import ndtri

    busy = round(TOWN_CENTRE_SHARE * total)
    quantiles = np.exp(TILE_SIGMA * ndtri((np.arange(tiles) + 0.5) / tiles))
    weights = np.random.default_rng([seed, 5]).permutation(quantiles)
    exact = (total - busy) * weights / weights.sum()
    counts = np.floor(exact).astype(int)
    short = (total - busy) - int(counts.sum())
    counts[np.argsort(counts - exact, kind="stable")[:short]] += 1
    return busy, counts


def write_zones(tiles: Sequence[Tile], total: int, path: Path, *, seed: int) -> int:
    """The council's zones file: ``total`` of the tiles' zones, in EPSG:27700 with the
    legacy ``crs`` member and the sample's shapefile-style fields."""
    sample = json.loads((SAMPLE / "zones.geojson").read_text(encoding="utf-8"))
    candidates = [(tile, feature) for tile in tiles for feature in sample["features"]]
    mask = chosen(total, len(candidates))
    rng = np.random.default_rng([seed, 2])
    features = []
    for (tile, feature), keep in zip(candidates, mask, strict=True):
        if not keep:
            continue
        number = len(features) + 1
        properties = dict(feature["properties"])
        proposed = properties["STATUS"] == "Proposed"
        when = dt.date(2016, 1, 1) + dt.timedelta(days=int(rng.integers(0, 3500)))
        properties.update(
            OBJECTID=number,
            ZONE_NAME=f"{tile.place} {properties['ZONE_NAME']}",
            TRO_REF="TBC" if proposed else f"LCC/TRO/{when.year}/{number:03d}",
            IMPL_DATE=_season(rng) if proposed else _council_date(when, number),
        )
        geometry = {
            "type": feature["geometry"]["type"],
            "coordinates": _moved(feature["geometry"]["coordinates"], tile.dx, tile.dy),
        }
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    lines = [
        "{",
        '"type": "FeatureCollection",',
        '"name": "twenty_mph_zones",',
        '"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},',
        '"features": [',
        ",\n".join(json.dumps(f, ensure_ascii=False) for f in features),
        "]",
        "}",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(features)


def _moved(coordinates: Any, dx: float, dy: float) -> Any:
    if isinstance(coordinates[0], int | float):
        return [round(coordinates[0] + dx, 1), round(coordinates[1] + dy, 1)]
    return [_moved(c, dx, dy) for c in coordinates]


def _council_date(when: dt.date, number: int) -> str:
    """The date as councils write it, in one of the sample's forms."""
    form = number % 4
    if form == 0:
        return when.strftime("%d/%m/%Y")
    if form == 1:
        return f"Zone {number % 9 + 1}, {when.day} {MONTHS[when.month - 1]} {when.year}"
    if form == 2:
        return f"{when.day} {MONTHS[when.month - 1]} {when.year}"
    return when.isoformat()


def _season(rng: np.random.Generator) -> str:
    return f"{SEASONS[int(rng.integers(0, 4))]} {int(rng.integers(2026, 2028))}?"


def _read_sample(name: str) -> pd.DataFrame:
    return pd.read_csv(SAMPLE / name, dtype="str", keep_default_na=False)


def _jitter(rng: np.random.Generator, n: int, metres: float) -> np.ndarray:
    return rng.normal(0.0, metres, n)


def write_reports(
    tiles: Sequence[Tile], total: int, path: Path, *, seed: int, centre: tuple[int, int, str]
) -> dict[str, int]:
    """A FixMyStreet CSV export of ``total`` reports over six years, in the export's
    column order: :data:`TOWN_CENTRE_SHARE` of them in the ``centre`` zone (tile index,
    sample zone index; see :func:`town_centre`), the rest over the tiles as
    :func:`report_counts` shares them. Returns the counts: all reports, the town
    centre's, and the fewest, median and most of a tile."""
    sample = _read_sample("reports_fixmystreet.csv")
    rng = np.random.default_rng([seed, 3])
    busy, per_tile = report_counts(total, len(tiles), seed=seed)
    inside = _in_sample_zone(sample, centre[1])
    everywhere = np.arange(len(sample))
    draws = [(tile, everywhere, n) for tile, n in zip(tiles, per_tile, strict=True)]
    draws.append((tiles[centre[0]], inside, busy))
    parts = []
    for tile, pool, n in draws:
        rows = sample.iloc[pool[rng.integers(0, len(pool), n)]].reset_index(drop=True)
        east = rows["Easting"].astype(float).to_numpy() + tile.dx + _jitter(rng, n, 2.0)
        north = rows["Northing"].astype(float).to_numpy() + tile.dy + _jitter(rng, n, 2.0)
        lon, lat = TO_LONLAT.transform(east, north)
        rows["Easting"] = np.round(east).astype(int).astype(str)
        rows["Northing"] = np.round(north).astype(int).astype(str)
        rows["Latitude"] = [f"{v:.7f}" for v in lat]
        rows["Longitude"] = [f"{v:.7f}" for v in lon]
        rows["Ward"] = rows["Ward"].str.replace("Chorley", tile.place, regex=False)
        parts.append(rows)
    reports = pd.concat(parts, ignore_index=True)
    minutes = int((REPORTS_TO - REPORTS_FROM).total_seconds() // 60)
    created = pd.Timestamp(REPORTS_FROM) + pd.to_timedelta(
        rng.integers(0, minutes, len(reports)), unit="min"
    )
    shift = created - pd.to_datetime(reports["Created"], format=ISO).to_numpy()
    for column in TIME_COLUMNS:
        when = pd.to_datetime(reports[column].replace("", None), format=ISO) + shift
        text = when.dt.strftime(ISO).where(when.notna() & (when < EXPORTED), "")
        reports[column] = text
    reports["Created"] = created.strftime(ISO)
    reports = reports.iloc[np.argsort(created.to_numpy(), kind="stable")].reset_index(drop=True)
    ids = 2_000_000 + np.cumsum(rng.integers(1, 40, len(reports)))
    reports["Report ID"] = ids.astype(str)
    reports["Report URL"] = [f"https://www.fixmystreet.com/report/{i}" for i in ids]
    reports.to_csv(path, index=False, lineterminator="\n")
    return {
        "reports": len(reports),
        "town_centre_reports": busy,
        "tile_reports_min": int(per_tile.min()),
        "tile_reports_median": int(np.median(per_tile)),
        "tile_reports_max": int(per_tile.max()),
    }


def _in_sample_zone(sample: pd.DataFrame, zone: int) -> np.ndarray:
    """The rows of the sample's reports that lie in the sample's zone ``zone``."""
    import shapely

    features = json.loads((SAMPLE / "zones.geojson").read_text(encoding="utf-8"))["features"]
    polygon = shapely.geometry.shape(features[zone]["geometry"])
    points = shapely.points(sample["Easting"].astype(float), sample["Northing"].astype(float))
    rows = np.flatnonzero(shapely.contains(polygon, points))
    if not len(rows):
        raise ValueError(f"The sample has no report in its zone {zone}.")
    return rows


def write_assets(tiles: Sequence[Tile], total: int, path: Path, *, seed: int) -> int:
    """A walkabout spreadsheet of ``total`` community assets: each row placed the way its
    sample row was (latitude/longitude, easting/northing, or an OS grid reference)."""
    sample = _read_sample("assets_walkabout.csv")
    east0, north0 = _asset_places(sample)
    rng = np.random.default_rng([seed, 4])
    parts = []
    for tile, n in zip(tiles, spread(total, len(tiles)), strict=True):
        pick = rng.integers(0, len(sample), n)
        rows = sample.iloc[pick].reset_index(drop=True)
        east = east0[pick] + tile.dx + _jitter(rng, n, 4.0)
        north = north0[pick] + tile.dy + _jitter(rng, n, 4.0)
        lon, lat = TO_LONLAT.transform(east, north)
        has_lonlat = rows["Latitude"] != ""
        has_en = rows["Easting"] != ""
        has_grid = rows["Grid Ref"] != ""
        rows["Latitude"] = np.where(has_lonlat, [f"{v:.7f}" for v in lat], "")
        rows["Longitude"] = np.where(has_lonlat, [f"{v:.7f}" for v in lon], "")
        rows["Easting"] = np.where(has_en, np.round(east).astype(int).astype(str), "")
        rows["Northing"] = np.where(has_en, np.round(north).astype(int).astype(str), "")
        rows["Grid Ref"] = np.where(
            has_grid, [_grid_ref(e, n_) for e, n_ in zip(east, north, strict=True)], ""
        )
        parts.append(rows)
    assets = pd.concat(parts, ignore_index=True)
    assets.to_csv(path, index=False, lineterminator="\n")
    return len(assets)


def _asset_places(sample: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each sample row's place in metres, from whichever columns it has."""
    east = np.full(len(sample), np.nan)
    north = np.full(len(sample), np.nan)
    lonlat = (sample["Latitude"] != "").to_numpy()
    x, y = TO_BNG.transform(
        sample.loc[lonlat, "Longitude"].astype(float), sample.loc[lonlat, "Latitude"].astype(float)
    )
    east[lonlat], north[lonlat] = x, y
    en = ~lonlat & (sample["Easting"] != "").to_numpy()
    east[en] = sample.loc[en, "Easting"].astype(float)
    north[en] = sample.loc[en, "Northing"].astype(float)
    grid = ~lonlat & ~en
    for i in np.flatnonzero(grid):
        letters, e, n = sample.iloc[i]["Grid Ref"].split()
        if letters != "SD":
            raise ValueError(f"Only SD grid references are expected, not {letters!r}.")
        east[i], north[i] = 300_000 + int(e), 400_000 + int(n)
    return east, north


def _grid_ref(east: float, north: float) -> str:
    """An OS grid reference in the SD square (all of the county lies in it)."""
    e, n = round(east) - 300_000, round(north) - 400_000
    if not (0 <= e < 100_000 and 0 <= n < 100_000):
        raise ValueError(f"E {east:.0f} N {north:.0f} is outside the SD square.")
    return f"SD {e:05d} {n:05d}"


PROJECT = """# A synthetic county for the benchmark (benchmarks/county): {scale} scale.
[project]
name = "Synthetic county ({scale}): 20mph zone maps"
output = "out"
nation = "england"

[zones]
file = "{zones}"

[streets]
osm_file = "{osm}"
osm_assets = true

[[assets]]
file = "{assets}"

[[reports]]
file = "{reports}"
format = "fixmystreet"

[evaluation]
category = "dog_fouling"
window_months = 12
control = "outside"
"""


def write_project(path: Path, *, scale: str, files: dict[str, str]) -> None:
    """The project file ``healthy-streets build`` reads."""
    path.write_text(PROJECT.format(scale=scale, **files), encoding="utf-8")
