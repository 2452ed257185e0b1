"""From input files to maps: the steps every build runs, in order.

:func:`load_layers` imports every input and attaches the layers to each other;
:func:`write_outputs` writes one map per zone, the index page and the rejected rows. The
command line's ``demo`` (and later ``build``) is these two calls; a notebook can make them
too, or stop after the first and analyse the layers.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from healthy_streets import settings
from healthy_streets._files import check_output, write_text_atomic
from healthy_streets.analysis.attach import assign_zones, attach_to_streets, cut_streets_at_zones
from healthy_streets.analysis.tables import key_figures
from healthy_streets.io.assets import drop_duplicate_assets, read_assets
from healthy_streets.io.osm import street_network_from_osm_file
from healthy_streets.io.osm_features import assets_from_osm_file, basemap_from_osm_file
from healthy_streets.io.reports import drop_duplicate_reports, read_reports
from healthy_streets.io.zones import read_zones
from healthy_streets.maps.index import index_page
from healthy_streets.maps.meeting import meeting_map, save_map
from healthy_streets.model.account import ACCOUNT_COLUMNS, ImportResult
from healthy_streets.model.layers import ASSETS, REPORTS, empty_layer

__all__ = ["BuildOutputs", "Inputs", "Layers", "load_layers", "sample_inputs", "write_outputs"]

log = logging.getLogger(__name__)

#: Called as each step starts, with a short description (the CLI shows it as progress).
Progress = Callable[[str], None]


@dataclass
class Inputs:
    """The files a build reads.

    Attributes
    ----------
    zones
        Council 20mph zones.
    osm
        The OpenStreetMap extract for the street network.
    assets
        Community asset files.
    reports
        Report files, each with its format (``fixmystreet``, ``open311``, ``csv`` or
        ``None`` to decide by the file).
    zones_crs
        The CRS of the zones file when it declares none.
    buffer_m
        How far beyond the zones streets, assets and reports are kept, in metres.
    osm_assets
        Also take the community assets OpenStreetMap maps in ``osm`` (benches, parks,
        schools, bins...). Assets the community's own files already hold are counted once.
    """

    zones: Path
    osm: Path
    assets: list[Path] = field(default_factory=list)
    reports: list[tuple[Path, str | None]] = field(default_factory=list)
    zones_crs: str | None = None
    buffer_m: float | None = None
    osm_assets: bool = True

    def paths(self) -> list[Path]:
        """Every input file (outputs may never be one of them)."""
        return [self.zones, self.osm, *self.assets, *(p for p, _ in self.reports)]


@dataclass
class Layers:
    """The normalised layers of a build, attached to each other, and how each import went.

    ``basemap`` is not a normalised layer: it is what the maps draw under everything (green
    spaces, water, railways from the OSM file).
    """

    zones: gpd.GeoDataFrame
    streets: gpd.GeoDataFrame
    assets: gpd.GeoDataFrame
    reports: gpd.GeoDataFrame
    imports: list[ImportResult]
    basemap: gpd.GeoDataFrame | None = None

    def rejected(self) -> pd.DataFrame:
        """Every rejected row of every import, with its source and reason."""
        frames = [r.rejected for r in self.imports if len(r.rejected)]
        if not frames:
            return pd.DataFrame(columns=ACCOUNT_COLUMNS)
        return pd.concat(frames, ignore_index=True)


@dataclass
class BuildOutputs:
    """What :func:`write_outputs` wrote."""

    index: Path
    maps: dict[str, Path]
    rejected: Path


def _noop(_: str) -> None:
    return None


def load_layers(inputs: Inputs, *, progress: Progress = _noop) -> Layers:
    """Import every input and attach the layers: streets cut at zones, ``zone_id`` on all,
    reports and assets attached to their nearest street.

    Parameters
    ----------
    inputs
        The files.
    progress
        Told the name of each step as it starts.
    """
    buffer_m = settings.street_buffer_m if inputs.buffer_m is None else inputs.buffer_m
    progress("Reading the zones")
    zones_result = read_zones(inputs.zones, crs=inputs.zones_crs)
    zones = zones_result.layer
    area = zones.union_all().buffer(buffer_m)
    progress("Building the street network")
    streets_result = street_network_from_osm_file(inputs.osm, clip_to=zones, buffer_m=buffer_m)
    imports = [zones_result, streets_result]

    asset_results = []
    for path in inputs.assets:
        progress(f"Reading assets from {path.name}")
        asset_results.append(read_assets(path, area=area))
    if inputs.osm_assets:
        progress("Reading the assets OpenStreetMap maps")
        asset_results.append(assets_from_osm_file(inputs.osm, area=area))
    asset_results = drop_duplicate_assets(asset_results)
    imports.extend(asset_results)
    report_results = []
    for path, fmt in inputs.reports:
        progress(f"Reading reports from {path.name}")
        report_results.append(read_reports(path, format=fmt, area=area))
    report_results = drop_duplicate_reports(report_results)
    imports.extend(report_results)

    progress("Attaching streets, assets and reports to zones")
    streets = cut_streets_at_zones(streets_result.layer, zones)
    assets = _concat([r.layer for r in asset_results], ASSETS)
    reports = _concat([r.layer for r in report_results], REPORTS)
    assets = attach_to_streets(assign_zones(assets, zones), streets)
    reports = attach_to_streets(assign_zones(reports, zones), streets)
    basemap = basemap_from_osm_file(inputs.osm, area=area)
    return Layers(
        zones=zones,
        streets=streets,
        assets=assets,
        reports=reports,
        imports=imports,
        basemap=basemap,
    )


def _concat(layers: Sequence[gpd.GeoDataFrame], spec: object) -> gpd.GeoDataFrame:
    layers = [layer for layer in layers if len(layer)]
    if not layers:
        return empty_layer(spec)  # type: ignore[arg-type]
    return gpd.GeoDataFrame(pd.concat(layers, ignore_index=True), crs=layers[0].crs)


def write_outputs(
    layers: Layers,
    out_dir: str | Path,
    *,
    overwrite: bool = False,
    inputs: Sequence[Path] = (),
    zone_ids: Sequence[str] | None = None,
    made_on: dt.date | None = None,
    progress: Progress = _noop,
) -> BuildOutputs:
    """Write one meeting map per zone, the index page, and the rejected rows.

    Layout: ``OUT/index.html``, ``OUT/maps/<zone_id>.html``, ``OUT/rejected.csv``. Every
    file is written atomically; an existing file is refused unless ``overwrite``.
    """
    out = Path(out_dir)
    chosen = list(layers.zones["zone_id"]) if zone_ids is None else list(zone_ids)
    targets = {zid: out / "maps" / f"{zid}.html" for zid in chosen}
    index_path, rejected_path = out / "index.html", out / "rejected.csv"
    for path in [*targets.values(), index_path, rejected_path]:
        check_output(path, overwrite=overwrite, inputs=inputs)

    written: dict[str, Path] = {}
    for zid, path in targets.items():
        progress(f"Drawing the map of {zid}")
        fmap = meeting_map(
            zid,
            zones=layers.zones,
            streets=layers.streets,
            assets=layers.assets,
            reports=layers.reports,
            basemap=layers.basemap,
            made_on=made_on,
        )
        written[zid] = save_map(fmap, path, overwrite=True)
    figures = key_figures(layers.zones, layers.streets, layers.assets, layers.reports)
    links = {zid: f"maps/{p.name}" for zid, p in written.items()}
    reports = layers.reports
    data_range = None
    if len(reports) and reports["reported_at"].notna().any():
        data_range = (
            f"Reports from {reports['reported_at'].min():%d %b %Y} to "
            f"{reports['reported_at'].max():%d %b %Y}"
        )
    write_text_atomic(
        index_path, index_page(figures, layers.zones, links, made_on=made_on, data_range=data_range)
    )
    write_text_atomic(rejected_path, layers.rejected().to_csv(index=False))
    return BuildOutputs(index=index_path, maps=written, rejected=rejected_path)


def sample_inputs(directory: str | Path | None = None) -> Inputs:
    """The bundled sample neighbourhood's inputs.

    ``directory`` defaults to the checkout's ``data/sample``; where that does not exist (an
    installed package), the sample is generated into a cache folder first.
    """
    from healthy_streets.sample import FILES

    folder = Path(directory) if directory is not None else _sample_folder()
    return Inputs(
        zones=folder / FILES["zones"],
        osm=folder / FILES["osm"],
        assets=[folder / FILES["assets"]],
        reports=[
            (folder / FILES["reports_fixmystreet"], "fixmystreet"),
            (folder / FILES["reports_open311"], "open311"),
        ],
    )


def _sample_folder() -> Path:
    from healthy_streets.sample import FILES, generate_sample

    checkout = Path(__file__).resolve().parents[1] / "data" / "sample"
    if all((checkout / name).is_file() for name in FILES.values()):
        return checkout
    cache = Path.home() / ".cache" / "healthy_streets" / "sample"
    if not all((cache / name).is_file() for name in FILES.values()):
        generate_sample(cache)
    return cache
