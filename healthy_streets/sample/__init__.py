"""A deterministic sample neighbourhood for trying, testing and demonstrating the toolkit.

:func:`generate_sample` writes "Yarrowside", a fictional neighbourhood at real coordinates
east of Chorley, Lancashire: an OpenStreetMap extract, the council's 20mph zones, a
walkabout asset spreadsheet, a FixMyStreet CSV export, Open311 requests, a README and
``truth.json`` (what was planted, for tests). The same seed gives the same bytes on any
machine: only :class:`random.Random` is used, and every file is formatted by hand.

Run ``python -m healthy_streets.sample DIR`` to write the files into ``DIR``.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from pathlib import Path

from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from ._assets import ASSET_HEADER, build_assets
from ._landscape import area_ways
from ._locate import Locator
from ._model import World
from ._open311 import build_open311
from ._pois import add_features
from ._readme import readme_text
from ._reports import Report, build_reports
from ._speeds import tag_speeds
from ._streets import Network, build_network
from ._truth import build_truth
from ._writers import csv_text, json_text, osm_xml, write_text, zones_geojson
from ._zones import build_zones

__all__ = ["DEFAULT_SEED", "FILES", "FIXMYSTREET_HEADER", "generate_sample"]

#: The seed of the committed sample in ``data/sample``.
DEFAULT_SEED = 20261125

#: File name of each role.
FILES = {
    "osm": "yarrowside.osm",
    "zones": "zones.geojson",
    "assets": "assets_walkabout.csv",
    "reports_fixmystreet": "reports_fixmystreet.csv",
    "reports_open311": "reports_open311.json",
    "truth": "truth.json",
    "readme": "README.md",
}

#: The FixMyStreet CSV export's columns, in its order.
FIXMYSTREET_HEADER = (
    "Report ID",
    "Title",
    "Detail",
    "User Name",
    "Category",
    "Subcategory",
    "Created",
    "Confirmed",
    "Acknowledged",
    "Fixed",
    "Closed",
    "Status",
    "Latitude",
    "Longitude",
    "Query",
    "Ward",
    "Easting",
    "Northing",
    "Report URL",
    "Device Type",
    "Site Used",
    "Reported As",
)


def _rng(seed: int, part: str) -> random.Random:
    """One independent, reproducible generator per part of the sample."""
    return random.Random(f"{seed}/{part}")


def build_world(seed: int) -> tuple[World, Network]:
    """Build the neighbourhood: streets, zones, speed tags, areas and point features.

    Parameters
    ----------
    seed : int
        The sample's seed.

    Returns
    -------
    world : World
        Everything the OpenStreetMap and zone files are written from.
    network : Network
        The street network and the frame it was built in.
    """
    network = build_network(_rng(seed, "streets"))
    zones = build_zones(network.skeleton)
    world = World(ways=list(network.plan.ways), node_tags=dict(network.plan.node_tags), zones=zones)
    world.facts.update(network.facts)
    world.facts.update(tag_speeds(world.ways, zones, _rng(seed, "speeds")))
    world.ways += area_ways(network.skeleton)
    add_features(world, network, zones, _rng(seed, "features"))
    return world, network


def generate_sample(
    directory: str | os.PathLike[str], *, seed: int = DEFAULT_SEED
) -> dict[str, Path]:
    """Write the sample neighbourhood into ``directory`` (created if needed).

    Parameters
    ----------
    directory : str or os.PathLike
        Where to write the files; existing files of the same names are replaced.
    seed : int, default :data:`DEFAULT_SEED`
        Different seeds give different neighbourhoods, reports and assets.

    Returns
    -------
    dict of str to pathlib.Path
        The path written for each role: ``"osm"``, ``"zones"``, ``"assets"``,
        ``"reports_fixmystreet"``, ``"reports_open311"``, ``"truth"``, ``"readme"``.
    """
    world, network = build_world(seed)
    locator = Locator(world, wards(network))
    reports = build_reports(world, locator, _rng(seed, "reports"))
    requests, duplicated = build_open311(reports, locator, _rng(seed, "open311"))
    assets = build_assets(world, network.skeleton, locator, _rng(seed, "assets"))
    truth = build_truth(world, reports, duplicated, assets, seed)
    texts = {
        "osm": osm_xml(world),
        "zones": zones_geojson(world.zones),
        "assets": csv_text(ASSET_HEADER, assets),
        "reports_fixmystreet": csv_text(FIXMYSTREET_HEADER, [_fms_row(r) for r in reports]),
        "reports_open311": json_text(requests),
        "truth": json_text(truth),
        "readme": readme_text(truth),
    }
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    return {role: write_text(out / FILES[role], text) for role, text in texts.items()}


def wards(network: Network) -> dict[str, BaseGeometry]:
    """The (real) Chorley wards the sample's blocks are placed in, as report data names them.

    Parameters
    ----------
    network : Network
        The street network and its blocks.

    Returns
    -------
    dict of str to shapely geometry
        Ward name to area.
    """
    faces = network.skeleton.faces
    groups = {
        "Chorley North East": ("A", "B", "NE"),
        "Chorley South East": ("C", "SW_S"),
        "Chorley East": ("D", "SE", "S_M", "S_E"),
    }
    return {name: unary_union([faces[k] for k in keys]) for name, keys in groups.items()}


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S") if value is not None else ""


def _fms_row(report: Report) -> list[object]:
    lon, lat = report.lonlat
    return [
        report.report_id,
        report.title,
        report.detail,
        report.user_name,
        report.category,
        report.subcategory,
        _when(report.created),
        _when(report.confirmed),
        _when(report.acknowledged),
        _when(report.fixed),
        _when(report.closed),
        report.status,
        f"{lat:.7f}",
        f"{lon:.7f}",
        "",
        report.ward,
        int(report.point[0]),
        int(report.point[1]),
        f"https://www.fixmystreet.com/report/{report.report_id}",
        report.device,
        report.site,
        "anonymous" if report.user_name == "(anonymous)" else "user",
    ]
