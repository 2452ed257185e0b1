"""From input files to maps, tables and the store: the steps every build runs, in order.

:func:`load_layers` imports every input and attaches the layers to each other;
:func:`write_outputs` writes one map per zone, the index page, the tables and the rejected
rows; :func:`build` runs both for a project and updates its store. The command line's
``build`` and ``demo`` are :func:`build`; a notebook can call any step, or stop after the
first and analyse the layers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import geopandas as gpd
import pandas as pd

from healthy_streets import settings
from healthy_streets._files import check_output, write_text_atomic
from healthy_streets._staging import OutputStaging, checkpoint
from healthy_streets.model.account import ACCOUNT_COLUMNS, ImportResult
from healthy_streets.model.layers import ASSETS, REPORTS, empty_layer
from healthy_streets.model.words import counted

if TYPE_CHECKING:
    from healthy_streets.project import Project

__all__ = [
    "BuildOutputs",
    "Inputs",
    "Layers",
    "Progress",
    "Source",
    "build",
    "load_layers",
    "sample_inputs",
    "write_outputs",
]

log = logging.getLogger(__name__)
T = TypeVar("T")


class Progress:
    """How a build reports its steps. The library logs them; the command line shows a
    progress bar on a terminal (see :mod:`healthy_streets.cli._report`)."""

    def step(self, text: str) -> None:
        """A step starts."""
        log.info("%s", text)

    def items(self, items: Sequence[T], text: str) -> Iterable[T]:
        """Go through ``items``, reporting each."""
        for number, item in enumerate(items, start=1):
            log.info("%s (%d of %d)", text, number, len(items))
            yield item


@dataclass
class Source:
    """One input file and how to read it.

    Attributes
    ----------
    path
        The file.
    format
        For reports: ``fixmystreet``, ``open311``, ``csv``, or ``None`` to decide by the file;
        ``open311-server`` for an Open311 service (``path`` is its cache folder, ``options``
        its ``url``, ``jurisdiction_id`` and ``since``: see
        :func:`healthy_streets.io.open311.reports_from_open311_server`).
    options
        Keyword arguments for the reader (``crs``, ``layer``, ``fields``, ``category``,
        ``postcodes``, ``columns``...).
    """

    path: Path
    format: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    origin: str = ""

    def read(self, reader: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call ``reader`` on this file; an error about it says where the project names it."""
        from healthy_streets.errors import InputFileError

        try:
            return reader(self.path, *args, **kwargs)
        except InputFileError as exc:
            if not self.origin:
                raise
            fix = (exc.fix or "") + (
                f" (The project names this file in {self.origin}; its "
                "settings, such as crs, layer or fields, go there.)"
            )
            raise InputFileError(
                exc.path, exc.problem, row=exc.row, field=exc.field, fix=fix.strip()
            ) from None


def _source(value: Source | Path | str | tuple[Path, str | None]) -> Source:
    if isinstance(value, Source):
        return value
    if isinstance(value, tuple):
        return Source(Path(value[0]), value[1])
    return Source(Path(value))


@dataclass
class Inputs:
    """What a build reads.

    Attributes
    ----------
    zones
        The council's 20mph zones (a path, or a :class:`Source` with reader options).
    osm
        An OpenStreetMap extract for the street network (``.osm``, ``.osm.bz2``,
        ``.osm.pbf``, ``.graphml``).
    place
        Instead of ``osm``: a place name whose streets are downloaded (needs internet).
    assets
        Community asset files.
    reports
        Report files (paths, ``(path, format)`` pairs or :class:`Source`).
    speed_limits
        Council speed-limit lines, compared with OSM (optional).
    zones_crs
        The zones file's CRS when it declares none.
    buffer_m
        How far beyond the zones streets, assets and reports are kept, in metres.
    osm_assets
        Also take the community assets OpenStreetMap maps (benches, parks, schools, bins...).
        Assets the community's own files already hold are counted once.
    nation
        For restricted roads (see :func:`healthy_streets.speed_from_tags`).
    asset_synonyms, report_synonyms
        The project's own words for categories: text -> category key.
    tiers
        Report category -> ``county`` or ``district``, overriding the defaults.
    """

    zones: Source | Path
    osm: Path | None = None
    place: str | None = None
    assets: list[Any] = field(default_factory=list)
    reports: list[Any] = field(default_factory=list)
    speed_limits: Source | Path | None = None
    zones_crs: str | None = None
    buffer_m: float | None = None
    osm_assets: bool = True
    nation: str | None = None
    asset_synonyms: dict[str, str] = field(default_factory=dict)
    report_synonyms: dict[str, str] = field(default_factory=dict)
    tiers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.zones = _source(self.zones)
        if self.zones_crs and "crs" not in self.zones.options:
            self.zones.options["crs"] = self.zones_crs
        self.osm = Path(self.osm) if self.osm is not None else None
        self.assets = [_source(a) for a in self.assets]
        self.reports = [_source(r) for r in self.reports]
        self.speed_limits = _source(self.speed_limits) if self.speed_limits else None
        if (self.osm is None) == (self.place is None):
            from healthy_streets.errors import ConfigError

            raise ConfigError(
                "Give the street network as an OpenStreetMap file or as a place "
                "name to download (one of them)."
            )

    def sources(self) -> list[Source]:
        """Every input file with its options."""
        zones = self.zones if isinstance(self.zones, Source) else _source(self.zones)
        out = [zones, *self.assets, *self.reports]
        if isinstance(self.speed_limits, Source):
            out.append(self.speed_limits)
        if self.osm is not None:
            out.append(Source(self.osm))
        return out

    def paths(self) -> list[Path]:
        """Every input file (outputs may never be one of them)."""
        return [s.path for s in self.sources()]


@dataclass
class Layers:
    """The normalised layers of a build, attached to each other, and how each import went.

    ``basemap`` is not a normalised layer: it is what the maps draw under everything (green
    spaces, water, railways from the OSM file). ``speed_limits`` holds council speed-limit
    lines when the project has them. ``import_paths`` holds the file each import read, in
    the order of ``imports`` (``None`` for an online source); the store keys rows by it.
    ``changes`` lists what residents' additions would change in places already mapped (a
    rename, a move): set aside for an officer, never applied
    (:class:`healthy_streets.io.assets.MergedAssets`).
    """

    zones: gpd.GeoDataFrame
    streets: gpd.GeoDataFrame
    assets: gpd.GeoDataFrame
    reports: gpd.GeoDataFrame
    imports: list[ImportResult]
    basemap: gpd.GeoDataFrame | None = None
    speed_limits: gpd.GeoDataFrame | None = None
    import_paths: list[Path | None] = field(default_factory=list)
    changes: pd.DataFrame | None = None

    def rejected(self) -> pd.DataFrame:
        """Every rejected row of every import, with its source and reason."""
        frames = [r.rejected for r in self.imports if len(r.rejected)]
        if not frames:
            return pd.DataFrame(columns=ACCOUNT_COLUMNS)
        return pd.concat(frames, ignore_index=True)


@dataclass
class BuildOutputs:
    """What a build wrote."""

    index: Path
    maps: dict[str, Path]
    rejected: Path
    tables: dict[str, Path] = field(default_factory=dict)
    workbook: Path | None = None
    store: str | None = None
    pdfs: dict[str, Path] = field(default_factory=dict)
    atlas: Path | None = None
    removed: list[Path] = field(default_factory=list)

    def paths(self) -> list[Path]:
        """Every file written."""
        files = [self.index, *self.maps.values(), self.rejected, *self.tables.values()]
        files += [*self.pdfs.values(), *([self.atlas] if self.atlas else [])]
        return files + ([self.workbook] if self.workbook else [])


def load_layers(
    inputs: Inputs,
    *,
    progress: Progress | Callable[[str], None] | None = None,
    kept: Sequence[tuple[ImportResult, Path | None]] = (),
    reports_within_m: float = 0.0,
) -> Layers:
    """Import every input and attach the layers: streets cut at zones, ``zone_id`` on all,
    reports and assets attached to their nearest street.

    Parameters
    ----------
    inputs
        What to read.
    progress
        Told each step as it starts (a :class:`Progress`, or a function of one string).
    kept
        Asset imports that come from elsewhere than the inputs' files, with the file each
        came from: residents' additions a store already holds
        (:func:`healthy_streets.store.kept_additions`). They count after the project's asset
        files and before OpenStreetMap's.
    reports_within_m
        Read reports this far beyond the zones when it is farther than the buffer: the
        ring an evaluation compares with
        (:func:`healthy_streets.analysis.evaluation_buffer_m`).
    """
    from healthy_streets.analysis.attach import (
        assign_zones,
        attach_to_streets,
        cut_streets_at_zones,
    )
    from healthy_streets.io.assets import merge_assets, read_assets
    from healthy_streets.io.osm_features import basemap_from_osm_file
    from healthy_streets.io.reports import drop_duplicate_reports, read_reports, reports_from_csv
    from healthy_streets.io.zones import read_speed_limit_lines, read_zones
    from healthy_streets.model.taxonomy import asset_taxonomy, report_taxonomy

    step = _stepper(progress)
    from healthy_streets.io._common import check_buffer_m

    given = check_buffer_m(inputs.buffer_m)
    buffer_m = settings.street_buffer_m if given is None else given
    zones_source = _source(inputs.zones)
    step("Reading the zones")
    zones_result = zones_source.read(read_zones, **zones_source.options)
    zones = zones_result.layer
    area = zones.union_all().buffer(buffer_m)
    imports = [zones_result]
    paths: list[Path | None] = [zones_source.path]
    speed_limits = None
    if isinstance(inputs.speed_limits, Source):
        step("Reading the council's speed-limit lines")
        limits = inputs.speed_limits.read(read_speed_limit_lines, **inputs.speed_limits.options)
        imports.append(limits)
        paths.append(inputs.speed_limits.path)
        speed_limits = limits.layer

    step("Building the street network")
    streets_result = _streets(inputs, zones, buffer_m)
    imports.append(streets_result)
    paths.append(inputs.osm)

    taxonomy = asset_taxonomy(inputs.asset_synonyms)
    asset_results = []
    for source in inputs.assets:
        step(f"Reading assets from {source.path.name}")
        asset_results.append(
            source.read(read_assets, area=area, taxonomy=taxonomy, **source.options)
        )
    paths += [source.path for source in inputs.assets]
    asset_results += [result for result, _ in kept]
    paths += [path for _, path in kept]
    if inputs.osm_assets:
        step("Reading the assets OpenStreetMap maps")
        asset_results.append(_osm_assets(inputs, area))
        from_file = inputs.osm is not None and inputs.osm.suffix.lower() != ".graphml"
        paths.append(inputs.osm if from_file else None)
    merged = merge_assets(asset_results)
    asset_results = merged.results
    imports.extend(asset_results)

    report_taxonomy_ = report_taxonomy(inputs.report_synonyms)
    wider = reports_within_m > buffer_m
    report_area = zones.union_all().buffer(reports_within_m) if wider else area
    report_results = []
    for source in inputs.reports:
        options: dict[str, Any] = {
            "area": report_area,
            "taxonomy": report_taxonomy_,
            "tiers": inputs.tiers,
        }
        if source.format == "open311-server":  # live Open311 (healthy_streets/io/open311.py)
            from healthy_streets.io.open311 import reports_from_open311_server

            step(f"Fetching reports from {source.options['url']}")
            report_results.append(
                reports_from_open311_server(cache_folder=source.path, **source.options, **options)
            )
            continue
        step(f"Reading reports from {source.path.name}")
        if "columns" in source.options:
            report_results.append(
                source.read(reports_from_csv, columns=source.options["columns"], **options)
            )
        else:
            report_results.append(source.read(read_reports, format=source.format, **options))
    report_results = drop_duplicate_reports(report_results)
    imports.extend(report_results)
    paths += [source.path for source in inputs.reports]

    step("Attaching streets, assets and reports to zones")
    streets = cut_streets_at_zones(streets_result.layer, zones, outside_within_m=buffer_m)
    _note_zones_without_streets(zones, streets, streets_result)
    assets = _concat([r.layer for r in asset_results], ASSETS)
    reports = _concat([r.layer for r in report_results], REPORTS)
    assets = attach_to_streets(assign_zones(assets, zones), streets)
    reports = attach_to_streets(assign_zones(reports, zones), streets)
    basemap = basemap_from_osm_file(inputs.osm, area=area) if inputs.osm else None
    return Layers(
        zones=zones,
        streets=streets,
        assets=assets,
        reports=reports,
        imports=imports,
        basemap=basemap,
        speed_limits=speed_limits,
        import_paths=paths,
        changes=merged.changes,
    )


def _note_zones_without_streets(
    zones: gpd.GeoDataFrame, streets: gpd.GeoDataFrame, result: ImportResult
) -> None:
    """Say, among the street network's notes, which zones got no street at all: an extract
    that does not cover them (their maps say so too)."""
    bare = zones.loc[~zones["zone_id"].isin(set(streets["zone_id"].dropna())), "name"]
    if len(bare):
        names = ", ".join(map(repr, bare.astype("str").head(10)))
        more = f" and {len(bare) - 10} more" if len(bare) > 10 else ""
        result.notes.append(
            f"Warning: {counted(len(bare), 'zone has', 'zones have')} no street from the "
            f"network ({names}{more}): the extract may not cover them. Their maps say so; "
            "check the extract's area."
        )


def _streets(inputs: Inputs, zones: gpd.GeoDataFrame, buffer_m: float) -> ImportResult:
    if inputs.osm is None:
        from healthy_streets.io.overpass import street_network_from_place

        return street_network_from_place(
            str(inputs.place), clip_to=zones, buffer_m=buffer_m, nation=inputs.nation
        )
    from healthy_streets.io.osm import street_network_from_graphml, street_network_from_osm_file

    reader = (
        street_network_from_graphml
        if inputs.osm.suffix.lower() == ".graphml"
        else street_network_from_osm_file
    )
    return reader(inputs.osm, clip_to=zones, buffer_m=buffer_m, nation=inputs.nation)


def _osm_assets(inputs: Inputs, area: Any) -> ImportResult:
    from healthy_streets.io.osm_features import assets_from_osm_file, assets_from_osm_polygon

    if inputs.osm is not None and inputs.osm.suffix.lower() != ".graphml":
        return assets_from_osm_file(inputs.osm, area=area)
    return assets_from_osm_polygon(area, area=area)


def _stepper(progress: Progress | Callable[[str], None] | None) -> Callable[[str], None]:
    if progress is None:
        return Progress().step
    if isinstance(progress, Progress):
        return progress.step
    return progress


def _concat(layers: Sequence[gpd.GeoDataFrame], spec: Any) -> gpd.GeoDataFrame:
    layers = [layer for layer in layers if len(layer)]
    if not layers:
        return empty_layer(spec)
    return gpd.GeoDataFrame(pd.concat(layers, ignore_index=True), crs=layers[0].crs)


def analysis_tables(
    layers: Layers, *, evaluation: dict[str, Any] | None = None
) -> dict[str, pd.DataFrame]:
    """Every table a build writes, by name (the CSV's and the workbook sheet's name)."""
    from healthy_streets.analysis.evaluation import before_after
    from healthy_streets.analysis.gaps import (
        compare_speed_limits,
        schools_outside_zones,
        twenty_mph_gaps,
    )
    from healthy_streets.analysis.scorecard import scorecard
    from healthy_streets.analysis.tables import (
        asset_counts,
        hotspot_streets,
        report_counts,
        summarise_zones,
    )

    zones, streets, assets, reports = layers.zones, layers.streets, layers.assets, layers.reports
    tables = {
        "summary": summarise_zones(zones, streets, assets, reports).reset_index(),
        "reports_by_category": report_counts(zones, streets, reports),
        "assets_by_category": asset_counts(zones, streets, assets),
        "hotspots": hotspot_streets(streets, reports).drop(columns="geometry"),
        "gaps": twenty_mph_gaps(zones, streets).drop(columns="geometry"),
        "schools_outside_zones": schools_outside_zones(assets, zones).drop(columns="geometry"),
        "evaluation": before_after(zones, reports, **(evaluation or {})).reset_index(),
        "scorecard": scorecard(zones, streets, assets, reports),
    }
    if layers.speed_limits is not None:
        tables["council_limits_differ"] = compare_speed_limits(layers.speed_limits, streets).drop(
            columns="geometry"
        )
    if layers.changes is not None and len(layers.changes):
        tables["additions_to_review"] = additions_to_review(layers)
    return tables


def additions_to_review(layers: Layers) -> pd.DataFrame:
    """The changes residents' additions would make to places already mapped (a rename, a
    move), with the zone of the place, for an officer to accept by editing the place in
    the file that has it (``in_file``); empty when there are none."""
    changes = layers.changes if layers.changes is not None else pd.DataFrame()
    if changes.empty:
        return changes
    zone_of = layers.assets.drop_duplicates("asset_id").set_index("asset_id")["zone_id"]
    return changes.assign(zone_id=changes["asset_id"].map(zone_of)).sort_values(
        ["zone_id", "asset_id"], na_position="last", kind="stable"
    )


def write_outputs(
    layers: Layers,
    out_dir: str | Path,
    *,
    overwrite: bool = False,
    inputs: Sequence[Path] = (),
    zone_ids: Sequence[str] | None = None,
    made_on: dt.date | None = None,
    title: str = "Healthy streets: 20mph zone maps",
    tables: dict[str, pd.DataFrame] | None = None,
    progress: Progress | Callable[[str], None] | None = None,
    focus: str | None = "dog_fouling",
    pdf: bool = False,
    additions_contact: str | None = None,
) -> BuildOutputs:
    """Write one meeting map per zone, the index page, the tables and the rejected rows.

    Layout: ``OUT/index.html``, ``OUT/maps/<zone_id>.html``, ``OUT/rejected.csv``, and with
    ``tables`` ``OUT/tables/<name>.csv`` and ``OUT/tables.xlsx``. The maps open on the
    ``focus`` report category. With ``pdf`` (the ``pdf`` extra and Chromium, see
    :mod:`healthy_streets.maps.pdf`), each map is also printed to ``OUT/maps/<zone_id>.pdf``,
    and every zone's page into ``OUT/atlas.pdf`` when all zones are drawn. Each map's
    "Download my additions" says ``additions_contact`` (where residents send the file).
    Everything is written into
    a staging folder first and moved into place together at the end (see
    :mod:`healthy_streets._staging`): a build that fails or is interrupted leaves the
    previous outputs as they were, and a second build into the same folder at the same time
    is refused. An existing file is refused unless ``overwrite``.
    """
    out = Path(out_dir)
    if pdf:
        from healthy_streets.maps.pdf import check_printing

        check_printing()
    relative = _output_paths(layers, zone_ids, tables, pdf=pdf)
    for path in relative.values():
        check_output(out / path, overwrite=overwrite, inputs=inputs)
    with OutputStaging(out) as staging:
        _stage_outputs(
            layers,
            staging,
            relative,
            made_on=made_on,
            title=title,
            tables=tables,
            progress=progress,
            focus=focus,
            additions_contact=additions_contact,
        )
        staging.commit(_moves(staging, out, relative))
    return _build_outputs(out, relative, tables)


def _output_paths(
    layers: Layers,
    zone_ids: Sequence[str] | None,
    tables: dict[str, pd.DataFrame] | None,
    *,
    pdf: bool = False,
) -> dict[str, Path]:
    """Each output's name -> its path inside the output folder."""
    chosen = list(layers.zones["zone_id"]) if zone_ids is None else list(zone_ids)
    relative = {
        "index": Path("index.html"),
        "rejected": Path("rejected.csv"),
        **{f"map:{zid}": Path("maps") / f"{zid}.html" for zid in chosen},
    }
    if pdf:
        relative.update({f"pdf:{zid}": Path("maps") / f"{zid}.pdf" for zid in chosen})
        if zone_ids is None:
            relative["atlas"] = Path("atlas.pdf")
    if tables:
        relative.update({f"table:{name}": Path("tables") / f"{name}.csv" for name in tables})
        relative["workbook"] = Path("tables.xlsx")
    return relative


@contextlib.contextmanager
def _write_errors(out: Path) -> Iterator[None]:
    """A failure to write a staged output becomes one clear error: nothing was changed."""
    try:
        yield
    except OSError as exc:
        from healthy_streets._files import write_fix
        from healthy_streets.errors import OutputWriteError

        fix = write_fix(exc, otherwise="Check the folder and that the disk has room.")
        raise OutputWriteError(
            f"The build could not write its outputs into {out} ({exc.strerror or exc}); "
            f"nothing was changed: the earlier maps, tables and store are as they were. {fix}"
        ) from None


def _stage_outputs(
    layers: Layers,
    staging: OutputStaging,
    relative: dict[str, Path],
    *,
    made_on: dt.date | None,
    title: str,
    tables: dict[str, pd.DataFrame] | None,
    progress: Progress | Callable[[str], None] | None,
    focus: str | None = "dog_fouling",
    additions_contact: str | None = None,
) -> None:
    """Write every output into the staging folder (a failure to write is one clear error,
    with nothing changed); the maps' PDFs when ``relative`` names them."""
    from healthy_streets.analysis.tables import key_figures
    from healthy_streets.io.write import write_csv, write_workbook
    from healthy_streets.maps.index import index_page
    from healthy_streets.maps.meeting import meeting_map, save_map

    stage, out = staging.files, staging.out
    with _write_errors(out):
        reporter = progress if isinstance(progress, Progress) else Progress()
        chosen = [key.removeprefix("map:") for key in relative if key.startswith("map:")]
        for zid in reporter.items(chosen, "Drawing the zone maps"):
            fmap = meeting_map(
                zid,
                zones=layers.zones,
                streets=layers.streets,
                assets=layers.assets,
                reports=layers.reports,
                basemap=layers.basemap,
                made_on=made_on,
                project=title,
                focus=focus,
                additions_contact=additions_contact,
            )
            save_map(fmap, stage / relative[f"map:{zid}"], overwrite=True)
        _stage_pdfs(stage, relative, chosen, reporter)
        figures = key_figures(layers.zones, layers.streets, layers.assets, layers.reports)
        links = {
            zid: f"maps/{zid}.html"
            for zid in layers.zones["zone_id"]
            if zid in chosen or (out / "maps" / f"{zid}.html").exists()
        }
        write_text_atomic(
            stage / relative["index"],
            index_page(
                figures,
                layers.zones,
                links,
                made_on=made_on,
                title=title,
                data_range=_data_range(layers.reports),
            ),
        )
        write_csv(layers.rejected(), stage / relative["rejected"], overwrite=True)
        if tables:
            for name, table in tables.items():
                write_csv(table, stage / relative[f"table:{name}"], overwrite=True)
            write_workbook(tables, stage / relative["workbook"], overwrite=True)


def _stage_pdfs(
    stage: Path, relative: dict[str, Path], chosen: Sequence[str], reporter: Progress
) -> None:
    """Print the staged maps that ``relative`` asks PDFs of, and the atlas."""
    wanted = [zid for zid in chosen if f"pdf:{zid}" in relative]
    if not wanted:
        return
    from healthy_streets.maps.pdf import maps_to_pdf

    reporter.step("Printing the maps to PDF")
    atlas = stage / relative["atlas"] if "atlas" in relative else None
    maps_to_pdf([stage / relative[f"map:{zid}"] for zid in wanted], atlas=atlas)


def _moves(staging: OutputStaging, out: Path, relative: dict[str, Path]) -> list[tuple[Path, Path]]:
    """(staged file, output) pairs, the index page last."""
    order = sorted(relative.values(), key=lambda p: p == Path("index.html"))
    return [(staging.files / path, out / path) for path in order]


def _build_outputs(
    out: Path, relative: dict[str, Path], tables: dict[str, pd.DataFrame] | None
) -> BuildOutputs:
    return BuildOutputs(
        index=out / relative["index"],
        maps={key[4:]: out / path for key, path in relative.items() if key.startswith("map:")},
        rejected=out / relative["rejected"],
        tables={key[6:]: out / path for key, path in relative.items() if key.startswith("table:")},
        workbook=out / relative["workbook"] if tables else None,
        pdfs={key[4:]: out / path for key, path in relative.items() if key.startswith("pdf:")},
        atlas=out / relative["atlas"] if "atlas" in relative else None,
    )


def _data_range(reports: gpd.GeoDataFrame) -> str | None:
    if not len(reports) or not reports["reported_at"].notna().any():
        return None
    return (
        f"Reports from {reports['reported_at'].min():%d %b %Y} to "
        f"{reports['reported_at'].max():%d %b %Y}"
    )


def build(
    project: Project,
    *,
    zone: str | None = None,
    output: str | Path | None = None,
    store: str | None = None,
    overwrite: bool = False,
    progress: Progress | None = None,
    pdf: bool = False,
) -> tuple[Layers, BuildOutputs]:
    """Run a whole project: imports, the store, the tables, the maps and the index.

    The maps, tables, index, rejected rows and store change together or not at all: all
    are prepared first (the outputs in a staging folder, a GeoPackage store in a copy, a
    PostGIS store in a transaction not yet committed), then made real in one step at the end
    (see :mod:`healthy_streets._staging`). A build that fails, or is interrupted before that
    step, changes nothing. A second build into the same folder at the same time is refused
    (:class:`~healthy_streets.errors.BuildLockedError`).

    Parameters
    ----------
    project
        From :func:`healthy_streets.project.load_project`.
    zone
        Draw this zone's map only (its ``zone_id`` or name); tables cover every zone.
    output
        The output folder, instead of the project's.
    store
        A PostgreSQL URL, or a ``.gpkg`` path, instead of the project's store.
    overwrite
        Replace existing maps and tables, and layers of the store's names that the toolkit
        did not write (the council's own ``zones`` layer, say). Without it the store's own
        layers are still replaced: the store mirrors the project.
    progress
        Told each step.
    pdf
        Also print each zone's map to an A4 PDF, and all of them into ``atlas.pdf`` (the
        ``pdf`` extra and Chromium; see :mod:`healthy_streets.maps.pdf`).

    Raises
    ------
    BuildInterrupted
        On Ctrl-C (or SIGTERM, from the command line); its message says whether anything
        changed.
    """
    from healthy_streets.analysis.evaluation import check_settings
    from healthy_streets.errors import BuildInterrupted
    from healthy_streets.store import open_store

    out = Path(output) if output is not None else project.output
    # everything that can be refused is refused before any work is done
    check_settings(**project.evaluation)
    if pdf:
        from healthy_streets.maps.pdf import check_printing

        check_printing()
    if not overwrite:
        refuse_existing_outputs(out)
    target = store or project.store or str(out / "healthy-streets.gpkg")
    if not str(target).startswith("postgres"):
        check_output(target, overwrite=True, inputs=project.inputs.paths())
    for path in (out / "index.html", out / "rejected.csv"):
        check_output(path, overwrite=True, inputs=project.inputs.paths())
    store_at = open_store(target, schema=project.store_schema)
    staging = OutputStaging(out, decide=store_at.build_committed)
    try:
        with staging:
            layers, outputs = _build_staged(
                project,
                staging,
                store_at,
                zone=zone,
                overwrite=overwrite,
                reporter=progress or Progress(),
                pdf=pdf,
            )
    except KeyboardInterrupt as exc:
        if isinstance(exc, BuildInterrupted):
            raise
        raise BuildInterrupted(changed=staging.committed) from None
    outputs.store = str(target)
    return layers, outputs


def _build_staged(
    project: Project,
    staging: OutputStaging,
    store_at: Any,
    *,
    zone: str | None,
    overwrite: bool,
    reporter: Progress,
    pdf: bool = False,
) -> tuple[Layers, BuildOutputs]:
    """The build inside its staging folder: check the store, import, stage the outputs and
    the store, then commit them together."""
    from healthy_streets.analysis.evaluation import evaluation_buffer_m
    from healthy_streets.store import kept_additions, store_names, store_update

    kinds = ["zones", "streets", "assets", "reports"]
    kinds += ["speed_limits"] if project.inputs.speed_limits is not None else []
    store_at.check(store_names(kinds), overwrite=overwrite)  # before the long work
    kept = kept_additions(store_at, inputs=project.inputs.paths())
    layers = load_layers(
        project.inputs,
        progress=reporter,
        kept=kept,
        reports_within_m=evaluation_buffer_m(**project.evaluation),
    )
    checkpoint("loaded")
    zone_ids = None if zone is None else [_zone_id(layers.zones, zone)]
    reporter.step("Working out the tables")
    tables = analysis_tables(layers, evaluation=project.evaluation)
    relative = _output_paths(layers, zone_ids, tables, pdf=pdf)
    for path in relative.values():
        check_output(staging.out / path, overwrite=overwrite, inputs=project.inputs.paths())
    _stage_outputs(
        layers,
        staging,
        relative,
        made_on=None,
        title=project.name,
        tables=tables,
        progress=reporter,
        focus=project.evaluation.get("category", "dog_fouling"),
        additions_contact=project.additions_contact,
    )
    checkpoint("staged")
    reporter.step("Updating the store")
    prepared = store_at.prepare(
        store_update(layers, project.inputs),
        overwrite=overwrite,
        place=staging.place,
        build_id=staging.id,
    )
    stale = _stale_maps(staging.out, set(layers.zones["zone_id"])) if overwrite else []
    try:
        checkpoint("store-staged")
        staging.commit(
            [*_moves(staging, staging.out, relative), *prepared.moves],
            removes=stale,
            store_commit=prepared.commit,
            store_key=prepared.key,
        )
    finally:
        prepared.discard()
    outputs = _build_outputs(staging.out, relative, tables)
    outputs.removed = stale
    return layers, outputs


def _stale_maps(out: Path, zone_ids: set[str]) -> list[Path]:
    """The maps the toolkit made (and their PDFs) of zones no longer in the zones file: an
    ``--overwrite`` build removes them with the rest of its changes."""
    folder = out / "maps"
    if not folder.is_dir():
        return []
    stale = []
    for page in sorted(folder.glob("*.html")):
        if page.stem in zone_ids or not _made_by_toolkit(page):
            continue
        stale.append(page)
        if page.with_suffix(".pdf").is_file():
            stale.append(page.with_suffix(".pdf"))
    return stale


def _made_by_toolkit(page: Path) -> bool:
    """Whether ``page`` is a meeting map the toolkit wrote (its ``generator``, in its head)."""
    from healthy_streets.maps.elements import GENERATOR

    with page.open("rb") as handle:
        head = handle.read(4096)
    return f'<meta name="generator" content="{GENERATOR}'.encode() in head


def refuse_existing_outputs(out: Path) -> None:
    """Raise :class:`OutputExistsError` for the first build output already in ``out``
    (a build without ``overwrite`` stops before doing any work)."""
    from healthy_streets.errors import OutputExistsError

    candidates = [out / "index.html", out / "rejected.csv", out / "tables.xlsx", out / "atlas.pdf"]
    for folder, pattern in (
        (out / "maps", "*.html"),
        (out / "maps", "*.pdf"),
        (out / "tables", "*.csv"),
    ):
        if folder.is_dir():
            candidates += sorted(folder.glob(pattern))
    for path in candidates:
        if path.exists():
            raise OutputExistsError(path)


def _zone_id(zones: gpd.GeoDataFrame, wanted: str) -> str:
    for zone in zones.itertuples():
        if wanted in (zone.zone_id, str(zone.name)) or wanted.lower() == str(zone.name).lower():
            return str(zone.zone_id)
    from healthy_streets.errors import ConfigError

    known = ", ".join(f"{z.zone_id} ({z.name})" for z in zones.itertuples())
    raise ConfigError(f"There is no zone {wanted!r}; the zones are: {known}.")


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
