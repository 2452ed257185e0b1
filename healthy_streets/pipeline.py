"""From input files to maps, tables and the store: the steps every build runs, in order.

:func:`load_layers` imports every input and attaches the layers to each other;
:func:`write_outputs` writes one map per zone, the index page, the tables and the rejected
rows; :func:`build` runs both for a project and updates its store. The command line's
``build`` and ``demo`` are :func:`build`; a notebook can call any step, or stop after the
first and analyse the layers.

The records these steps pass along (:class:`Inputs`, :class:`Layers`, :class:`BuildOutputs`)
are defined in :mod:`healthy_streets.model.build` and importable from here too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import geopandas as gpd
import pandas as pd
import shapely

from healthy_streets import history, settings
from healthy_streets._audience import audience, option, speaking_to
from healthy_streets._build_record import MAPS_MADE
from healthy_streets._files import check_output, confined, sha256, write_fix
from healthy_streets._rebuild import (
    RECORD_NAME,
    Rebuild,
    build_record,
    input_fingerprint,
    layers_but_reports,
    layers_from_store,
    plan_rebuild,
    read_record,
    reused_outputs,
    store_entry,
    write_record,
)
from healthy_streets._staging import OutputStaging, checkpoint
from healthy_streets.analysis.attach import assign_zones, attach_to_streets, cut_streets_at_zones
from healthy_streets.analysis.changes import Changes, changes_since
from healthy_streets.analysis.evaluation import before_after, check_settings, evaluation_buffer_m
from healthy_streets.analysis.gaps import (
    compare_speed_limits,
    schools_outside_zones,
    twenty_mph_gaps,
)
from healthy_streets.analysis.scorecard import scorecard
from healthy_streets.analysis.tables import (
    asset_counts,
    hotspot_streets,
    key_figures,
    report_counts,
    summarise_zones,
)
from healthy_streets.errors import (
    BuildInterrupted,
    ConfigError,
    OutputExistsError,
    OutputWriteError,
)
from healthy_streets.in_database import (
    check_in_database,
    layers_in_database,
    map_rows,
    with_database_counts,
)
from healthy_streets.io._common import check_buffer_m
from healthy_streets.io.assets import COMMUNITY_MAP, merge_assets, read_assets
from healthy_streets.io.open311 import OPEN311_SERVER, public_url, reports_from_open311_server
from healthy_streets.io.osm_features import (
    assets_from_osm_polygon,
    basemap_from_osm_file,
)
from healthy_streets.io.osm_layers import osm_layers_from_file
from healthy_streets.io.reports import drop_duplicate_reports, read_reports, reports_from_csv
from healthy_streets.io.store import (
    around,
    kept_additions,
    open_store,
    project_area,
    store_names,
    store_update,
)
from healthy_streets.io.streets import is_graphml, read_street_network
from healthy_streets.io.write import write_csv, write_workbook
from healthy_streets.io.zones import read_speed_limit_lines, read_zones
from healthy_streets.maps.batch import RowsSource, save_maps
from healthy_streets.maps.elements import GENERATOR
from healthy_streets.maps.index import index_page, save_index
from healthy_streets.maps.meeting import sources_line
from healthy_streets.maps.pdf import check_printing, maps_to_pdf
from healthy_streets.model.account import ImportResult
from healthy_streets.model.build import (
    REPORTS_WITHIN_M,
    RING_REPORTS_WITHIN_M,
    BuildOutputs,
    Fetched,
    Inputs,
    Layers,
    Progress,
    Source,
    as_progress,
)
from healthy_streets.model.history import EarlierBuild
from healthy_streets.model.ids import check_file_ids, zone_id_of, zone_ids_of
from healthy_streets.model.layers import ASSETS, REPORTS, STREETS, empty_layer
from healthy_streets.model.osm_date import osm_date_of_imports
from healthy_streets.model.taxonomy import asset_taxonomy, report_taxonomy
from healthy_streets.model.words import counted
from healthy_streets.project import Project, sample_inputs

__all__ = [
    "BuildOutputs",
    "Inputs",
    "Layers",
    "Progress",
    "Source",
    "additions_to_review",
    "analysis_tables",
    "build",
    "load_layers",
    "refuse_existing_outputs",
    "sample_inputs",
    "write_outputs",
]

log = logging.getLogger(__name__)


def load_layers(
    inputs: Inputs,
    *,
    progress: Progress | Callable[[str], None] | None = None,
    kept: Sequence[tuple[ImportResult, Path | None]] = (),
    reports_within_m: float = 0.0,
    attach: bool = True,
    streets: bool = True,
) -> Layers:
    """Import every input and attach the layers to each other.

    Streets are cut at the zones, ``zone_id`` is set on every layer, and reports and assets
    are attached to their nearest street.

    Parameters
    ----------
    inputs
        What to read: files, or layers in memory (zones of the analyst's own, an osmnx
        graph for the streets).
    progress
        Told each step as it starts (a :class:`Progress`, or a function of one string).
    kept
        Asset imports that come from elsewhere than the inputs' files, with the file each
        came from: residents' additions a store already holds
        (:func:`healthy_streets.io.store.kept_additions`). Like every meeting map's
        additions, they count after the project's asset files and OpenStreetMap's, so that
        one renaming or moving a place already mapped is set aside for an officer.
    reports_within_m
        Read reports this far beyond the zones when it is farther than the buffer: the
        ring an evaluation compares with
        (:func:`healthy_streets.analysis.evaluation_buffer_m`). How far each frame's
        reports were read is in its ``attrs["reports_within_m"]`` (the layers' ``reports``:
        the buffer; :meth:`~healthy_streets.Layers.evaluation_reports`, with those read for
        the ring: this), which an evaluation given the reports alone reads.
    attach
        Place assets and reports in zones and attach them to streets (``False``: leave that
        to the database, :mod:`healthy_streets.in_database`).
    streets
        Build the street network (``False``: leave it out, for work that needs none, as
        :func:`~healthy_streets.before_after`; the ``streets`` layer is then empty, no
        report or asset is attached to a street, and the inputs may give no network).

    Returns
    -------
    Layers
        The layers, how each import went, and the background the maps draw.

    Raises
    ------
    InputFileError
        When an input file cannot be read (the message names the file, the row or column,
        and the fix).
    ConfigError
        When ``inputs.buffer_m`` is not a distance the toolkit accepts, or a reader's
        option has a value it cannot use.
    NetworkUnavailableError
        When a place's streets must be downloaded and the services cannot be reached.

    Examples
    --------
    The analyst's own zones and an osmnx graph, with the FixMyStreet export:

    >>> import osmnx as ox
    >>> import healthy_streets as hs
    >>> my_zones = hs.read_zones("data/sample/zones.geojson").layer
    >>> G = ox.graph_from_xml("data/sample/yarrowside.osm", retain_all=True)
    >>> inputs = Inputs(my_zones, streets=G, reports=["data/sample/reports_fixmystreet.csv"])
    >>> layers = load_layers(inputs)
    >>> for result in layers.imports:
    ...     print(result.summary())
    zones (a GeoDataFrame): 4 features: 4 kept (0 repaired), 0 rejected.
    streets (in memory): 499 street segments: 499 kept (0 repaired), 0 rejected.
    reports_fixmystreet.csv: 2682 rows: 2682 kept (0 repaired), 0 rejected.
    >>> layers.reports.groupby("zone_id").size()
    zone_id
    cowslip             440
    kestrel-park        317
    yarrow-meadows      331
    yarrowside-north    592
    dtype: int64
    """
    step = as_progress(progress).step
    given = check_buffer_m(inputs.buffer_m)
    if streets:
        _check_network(inputs)
    buffer_m = settings.street_buffer_m if given is None else given
    step("Reading the zones")
    with _inputs_speaker(crs="zones_crs", layer="zones_layer"):
        zones_result = inputs.zones.read(read_zones, **inputs.zones.options)
    zones = zones_result.layer
    area = project_area(zones, buffer_m=buffer_m)
    imports = [zones_result]
    paths: list[Path | None] = [inputs.zones.path]
    speed_limits = None
    if isinstance(inputs.speed_limits, Source):
        step("Reading the council's speed-limit lines")
        limits = inputs.speed_limits.read(read_speed_limit_lines, **inputs.speed_limits.options)
        imports.append(limits)
        paths.append(inputs.speed_limits.path)
        speed_limits = limits.layer

    if streets:
        step("Building the street network")
    from_file = streets and inputs.osm is not None and not is_graphml(inputs.osm)
    osm = None
    with _streets_speaker(inputs):
        if not streets:
            streets_result = None
        elif from_file:  # streets, OSM assets and the maps' background in one read
            osm = osm_layers_from_file(
                inputs.osm, clip_to=zones, buffer_m=buffer_m, nation=inputs.nation, area=area
            )
            streets_result = osm.streets
        else:
            streets_result = read_street_network(
                osm_file=inputs.osm,
                place=inputs.place,
                streets=inputs.streets,
                clip_to=zones,
                buffer_m=buffer_m,
                nation=inputs.nation,
            )
    if streets_result is not None:
        imports.append(streets_result)
        paths.append(inputs.osm)

    taxonomy = asset_taxonomy(inputs.asset_synonyms)
    asset_results = []
    for source in inputs.assets:
        step(f"Reading assets from {source.name}")
        with _inputs_speaker(asset_synonyms="asset_synonyms"):
            asset_results.append(
                source.read(read_assets, area=area, taxonomy=taxonomy, **source.options)
            )
    read = list(zip(asset_results, [source.path for source in inputs.assets], strict=True))
    if not streets:
        pass  # nothing is read from the street network's source
    elif inputs.osm_assets and _has_osm_assets(inputs):
        step("Reading the assets OpenStreetMap maps")
        if osm is not None:
            read.append((osm.assets, inputs.osm))
        else:
            with _streets_speaker(inputs):
                read.append((_osm_assets(inputs, area), inputs.osm))
    elif inputs.osm_assets and streets_result is not None:
        streets_result.notes.append(_no_osm_assets(inputs))
    read = _additions_last([*read, *kept])
    merged = merge_assets([result for result, _ in read])
    asset_results = merged.results
    imports.extend(asset_results)
    paths += [path for _, path in read]

    fetched: list[Fetched] = []
    report_results = _read_reports(
        inputs, zones, area, reports_within_m, buffer_m, step, fetched=fetched
    )
    reports, ring_reports = _ring_apart(report_results, area, buffer_m, reports_within_m)
    imports.extend(report_results)
    paths += [source.path for source in inputs.reports]

    step("Attaching streets, assets and reports to zones")
    if streets_result is None:
        network = empty_layer(STREETS, crs=zones.crs)
    else:
        network = cut_streets_at_zones(streets_result.layer, zones, outside_within_m=buffer_m)
        _note_zones_without_streets(zones, network, streets_result)
    assets = _concat([r.layer for r in asset_results], ASSETS)
    if attach:
        assets = attach_to_streets(assign_zones(assets, zones), network)
        reports = attach_to_streets(assign_zones(reports, zones), network)
    basemap = osm.basemap if osm is not None else None
    within = max(buffer_m, reports_within_m)
    reports.attrs[REPORTS_WITHIN_M] = buffer_m  # how far each frame's reports were read
    if ring_reports is not None:
        ring_reports.attrs[REPORTS_WITHIN_M] = within
    if within > buffer_m:  # read farther for the ring: the evaluation points to them
        reports.attrs[RING_REPORTS_WITHIN_M] = within
    return Layers(
        zones=zones,
        streets=network,
        assets=assets,
        reports=reports,
        imports=imports,
        basemap=basemap,
        speed_limits=speed_limits,
        import_paths=paths,
        changes=merged.changes,
        ring_reports=ring_reports,
        reports_within_m=within,
        fetched=fetched,
    )


def _additions_last(
    read: list[tuple[ImportResult, Path | None]],
) -> list[tuple[ImportResult, Path | None]]:
    """The asset imports in the order they are counted once in: the project's own files,
    then OpenStreetMap's, then residents' additions from meeting maps (the additions
    folder's, a file named as an asset, those kept in the store). An addition is thus
    checked against every place already mapped, OpenStreetMap's too: one that renames or
    moves a place is set aside for an officer (:func:`~healthy_streets.io.assets.merge_assets`),
    where coming before OpenStreetMap it would have replaced the place silently."""
    return sorted(read, key=lambda pair: _is_additions(pair[0]))


def _is_additions(result: ImportResult) -> bool:
    """Whether ``result`` holds a meeting map's additions (every row's ``source`` says so)."""
    sources = result.layer["source"].astype("str") if "source" in result.layer else None
    return (
        sources is not None and len(sources) > 0 and bool(sources.str.endswith(COMMUNITY_MAP).all())
    )


def _inputs_speaker(**flags: str) -> contextlib.AbstractContextManager[Any]:
    """While :class:`Inputs` are read for Python, messages name its keywords (``flags``:
    the zones' ``zones_crs=`` and ``zones_layer=``, the taxonomies' ``asset_synonyms=``
    and ``report_synonyms=``); the command line and a project name their own."""
    if audience().audience != "python":
        return contextlib.nullcontext()
    return speaking_to("python", flags=flags)


def _streets_speaker(inputs: Inputs) -> contextlib.AbstractContextManager[Any]:
    """While the street network of a project is read, messages name ``[streets]``'s keys."""
    if not inputs.origin:
        return contextlib.nullcontext()
    return speaking_to("project", table="[streets]")


def _source_speaker(source: Source, *, table: str) -> contextlib.AbstractContextManager[Any]:
    """While an input a project names but does not read as a file (an Open311 service) is
    fetched, messages name the keys of the project file's ``table``."""
    if not source.origin:
        return contextlib.nullcontext()
    return speaking_to("project", table=table)


def _check_network(inputs: Inputs) -> None:
    """Refuse inputs that give no street network where one is built."""
    if inputs.networks() == 0:
        raise ConfigError(
            "Give the street network: an OpenStreetMap file (osm=path), a place name to "
            "download (place=), or a network in memory (streets= an osmnx graph, its edge "
            "GeoDataFrame or a streets layer). Work that needs no streets, as an evaluation, "
            "reads the inputs with load_layers(inputs, streets=False)."
        )


def _has_osm_assets(inputs: Inputs) -> bool:
    """Whether the street network's source holds OpenStreetMap's assets: an OpenStreetMap
    file (not osmnx's GraphML, which holds streets only), or a place to download."""
    if inputs.osm is not None:
        return not is_graphml(inputs.osm)
    return inputs.place is not None


def _no_osm_assets(inputs: Inputs) -> str:
    what = (
        f"{inputs.osm.name} is osmnx's GraphML"
        if inputs.osm is not None
        else "the street network was given in memory"
    )
    return (
        f"No assets were read from OpenStreetMap: {what}, which holds streets only. To "
        "have OpenStreetMap's benches, parks and schools, give an OpenStreetMap extract "
        "(.osm, .osm.pbf) instead."
    )


def _osm_assets(inputs: Inputs, area: Any) -> ImportResult:
    """OpenStreetMap's assets for a project whose streets are downloaded (a file's are
    read with its streets, by :func:`~healthy_streets.io.osm_layers.osm_layers_from_file`)."""
    return assets_from_osm_polygon(area, area=area)


def _read_reports(
    inputs: Inputs,
    zones: gpd.GeoDataFrame,
    area: Any,
    reports_within_m: float,
    buffer_m: float,
    step: Callable[[str], None],
    *,
    fetched: list[Fetched] | None = None,
) -> list[ImportResult]:
    """Every report file, within the area (or the wider ring an evaluation needs), each
    report counted once; how each Open311 service's reports came in is added to
    ``fetched``."""
    taxonomy = report_taxonomy(inputs.report_synonyms)
    wider = reports_within_m > buffer_m
    report_area = around(zones, reports_within_m) if wider else area
    results = []
    with _inputs_speaker(report_synonyms="report_synonyms"):
        for source in inputs.reports:
            options: dict[str, Any] = {
                "area": report_area,
                "taxonomy": taxonomy,
                "tiers": inputs.tiers,
            }
            # a live Open311 service, topped up into its cache
            if source.format == OPEN311_SERVER:
                step(f"Fetching reports from {public_url(source.options['url'])}")  # no password
                started = dt.datetime.now(dt.UTC).replace(microsecond=0)
                with _source_speaker(source, table="[[reports]]"):
                    results.append(
                        reports_from_open311_server(
                            cache_folder=source.path, **source.options, **options
                        )
                    )
                if fetched is not None:
                    fetched.append(_fetched(source, started))
                continue
            step(f"Reading reports from {source.name}")
            sheet = source.options.get("layer")
            if "date_order" in source.options:
                options["date_order"] = source.options["date_order"]
            if "columns" in source.options:
                results.append(
                    source.read(
                        reports_from_csv, columns=source.options["columns"], layer=sheet, **options
                    )
                )
            else:
                results.append(
                    source.read(read_reports, format=source.format, layer=sheet, **options)
                )
    return drop_duplicate_reports(results)


def _fetched(source: Source, started: dt.datetime) -> Fetched:
    """How an Open311 source's reports came in: its cache says when they were fetched,
    which is after ``started`` only when the service answered this build."""
    origin = history.open311_origin(Path(str(source.path)))
    when = pd.to_datetime(origin.get("fetched_at"), utc=True, errors="coerce")
    fetched_at = None if pd.isna(when) else when.to_pydatetime()
    return Fetched(
        service=urlsplit(public_url(source.options["url"])).netloc,
        online=fetched_at is not None and fetched_at >= started,
        fetched_at=fetched_at,
    )


def _reports_note(layers: Layers) -> str | None:
    """What the index and every map say of reports read from a cache because their
    service could not be reached (``None``: every service answered, or none was asked)."""
    said = [f.offline_sentence() for f in layers.fetched]
    return " ".join(s for s in said if s) or None


def _ring_apart(
    results: Sequence[ImportResult], area: Any, buffer_m: float, within_m: float
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame | None]:
    """The reports within the buffer, and those read beyond it for an evaluation's ring
    (``None`` when none were read that far), each file's note saying how many.

    Each import's layer keeps its reports within the buffer, as the build's layer and store
    do (so that every stored row is matched with its file); its account still counts the
    others as kept (``rows_kept``), as they were read and are counted in the ring.
    """
    if within_m <= buffer_m:
        return _concat([r.layer for r in results], REPORTS), None
    shapely.prepare(area)
    ring = []
    for result in results:
        layer = result.layer
        points = layer.geometry
        beyond = ~shapely.intersects_xy(area, points.x.to_numpy(), points.y.to_numpy())
        if not beyond.any():
            continue
        result.notes.append(
            f"{counted(int(beyond.sum()), 'report lies', 'reports lie')} {buffer_m:g} to "
            f"{within_m:g} m beyond the zones, read for the evaluation's comparison only: the "
            "tables, maps and store leave them out, as they leave out the streets there."
        )
        if result.rows_kept is None:
            result.rows_kept = len(layer)
        ring.append(layer[beyond])
        result.layer = layer[~beyond].reset_index(drop=True)
        if result.layer_rows is not None:  # still counted kept: their repairs stay
            result.layer_rows = result.layer_rows[~beyond]
    reports = _concat([r.layer for r in results], REPORTS)
    return reports, (_concat(ring, REPORTS).reset_index(drop=True) if ring else None)


def _note_zones_without_streets(
    zones: gpd.GeoDataFrame, streets: gpd.GeoDataFrame, result: ImportResult
) -> None:
    """Say, among the street network's notes, which zones got no street at all: an extract
    that does not cover them (their maps say so too)."""
    bare = zones.loc[~zones["zone_id"].isin(set(streets["zone_id"].dropna()))]
    if len(bare):
        names = ", ".join(map(repr, _zone_labels(zones).loc[bare.index].head(10)))
        more = f" and {len(bare) - 10} more" if len(bare) > 10 else ""
        result.notes.append(
            f"Warning: {counted(len(bare), 'zone has', 'zones have')} no street from the "
            f"network ({names}{more}): the extract may not cover them. Their maps say so; "
            "check the extract's area."
        )


def _zone_labels(zones: gpd.GeoDataFrame) -> pd.Series:
    """Each zone as a message names it: by its name, or by its ``zone_id`` where another
    zone has the same name (a file whose every zone is called after the same document)."""
    names = zones["name"].astype("str")
    repeated = names.duplicated(keep=False)
    return names.where(~repeated, zones["zone_id"].astype("str"))


def _concat(layers: Sequence[gpd.GeoDataFrame], spec: Any) -> gpd.GeoDataFrame:
    layers = [layer for layer in layers if len(layer)]
    if not layers:
        return empty_layer(spec)
    return gpd.GeoDataFrame(pd.concat(layers, ignore_index=True), crs=layers[0].crs)


def analysis_tables(
    layers: Layers,
    *,
    evaluation: dict[str, Any] | None = None,
    gaps: gpd.GeoDataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Every table a build writes, by name (the CSV's and the workbook sheet's name).

    Parameters
    ----------
    layers
        From :func:`load_layers`.
    evaluation
        Keyword arguments for :func:`~healthy_streets.analysis.before_after`.
    gaps
        :func:`~healthy_streets.analysis.twenty_mph_gaps` of the layers, when worked out
        already (the maps draw them too).

    Returns
    -------
    dict
        Table name -> table: ``summary``, ``reports_by_category``, ``assets_by_category``,
        ``hotspots``, ``gaps``, ``schools_outside_zones``, ``evaluation``, ``scorecard``;
        ``council_limits_differ`` with speed-limit lines, ``additions_to_review`` when
        residents' additions would change places already mapped.
    """
    if gaps is None:
        gaps = twenty_mph_gaps(layers)
    tables = {
        "summary": summarise_zones(layers).reset_index(),
        "reports_by_category": report_counts(layers),
        "assets_by_category": asset_counts(layers),
        "hotspots": hotspot_streets(layers).drop(columns="geometry"),
        "gaps": gaps.drop(columns="geometry"),
        "schools_outside_zones": schools_outside_zones(layers).drop(columns="geometry"),
        "evaluation": before_after(layers, **(evaluation or {})).reset_index(),
        "scorecard": scorecard(layers),
    }
    if layers.speed_limits is not None:
        tables["council_limits_differ"] = compare_speed_limits(layers).drop(columns="geometry")
    if layers.changes is not None and len(layers.changes):
        tables["additions_to_review"] = additions_to_review(layers)
    return tables


def additions_to_review(layers: Layers) -> pd.DataFrame:
    """The changes residents' additions would make to places already mapped (a rename, a
    move), with the zone of the place (the zone it lies in, else the nearest: a place just
    beyond a zone's edge is on that zone's map), for an officer to accept by editing the
    place in the file that has it (``in_file``); empty when there are none."""
    changes = layers.changes if layers.changes is not None else pd.DataFrame()
    if changes.empty:
        return changes
    places = layers.assets.drop_duplicates("asset_id").set_index("asset_id")
    zone_of = places["zone_id"].astype("object")
    beyond = zone_of.isna() & places.geometry.notna()
    if beyond.any() and len(layers.zones):
        near = layers.zones.sindex.nearest(places.geometry[beyond].values, return_all=False)
        zone_of[zone_of.index[beyond.to_numpy()][near[0]]] = (
            layers.zones["zone_id"].iloc[near[1]].values
        )
    return changes.assign(zone_id=changes["asset_id"].map(zone_of)).sort_values(
        ["zone_id", "asset_id"], na_position="last", kind="stable"
    )


def write_outputs(
    layers: Layers,
    out_dir: str | Path,
    *,
    overwrite: bool = False,
    inputs: Sequence[Path] = (),
    zone_ids: str | Sequence[str] | None = None,
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
    ``tables`` ``OUT/tables/<name>.csv`` and ``OUT/tables.xlsx``. Everything is written into
    a staging folder first and moved into place together at the end (see
    :mod:`healthy_streets._staging`): a build that fails or is interrupted leaves the
    previous outputs as they were, and a second build into the same folder at the same time
    is refused.

    Parameters
    ----------
    layers
        From :func:`load_layers`.
    out_dir
        The output folder.
    overwrite
        Replace outputs that exist (otherwise refused, before anything is written).
    inputs
        Input files, which are never written over.
    zone_ids
        Draw these zones' maps only: each by its ``zone_id`` or its name (a name several
        zones share draws them all, said in a warning); one zone may be given alone
        (``zone_ids="Cowslip"``). Default: all.
    made_on
        The date the maps say they were made (default today).
    title
        The index page's title.
    tables
        Tables to write (:func:`analysis_tables`), if any.
    progress
        Told each step.
    focus
        The report category the maps open on (its key, label or a word for it).
    pdf
        Also print each map to ``OUT/maps/<zone_id>.pdf``, and every zone's page into
        ``OUT/atlas.pdf`` when all zones are drawn (the ``pdf`` extra and Chromium, see
        :mod:`healthy_streets.maps.pdf`).
    additions_contact
        Where residents send the additions they download from a map (each map says it).

    Returns
    -------
    BuildOutputs
        What was written.

    Raises
    ------
    OutputExistsError
        When an output exists and ``overwrite`` is false (before anything is written).
    OutputIsInputError
        When an output would be one of ``inputs``.
    ConfigError
        When a zone of ``zone_ids`` is not in the zones, or a zone's ``zone_id`` cannot
        name a file (an analyst's own layer with "LCC/TRO/117"), before anything is written.
    PrintError
        With ``pdf``, when the ``pdf`` extra or Chromium is missing.
    BuildLockedError
        When another build is writing into the same folder.
    OutputWriteError
        When the outputs cannot be written (a full disk); nothing was changed.

    Examples
    --------
    >>> outputs = write_outputs(layers, out, zone_ids=["Cowslip"], overwrite=True)
    >>> outputs.maps["cowslip"].relative_to(out)
    PosixPath('maps/cowslip.html')
    >>> outputs.index.relative_to(out)  # the page that lists the maps
    PosixPath('index.html')
    """
    out = Path(out_dir)
    if isinstance(zone_ids, str):  # one zone, not its letters
        zone_ids = [zone_ids]
    chosen = None if zone_ids is None else zone_ids_of(layers.zones, zone_ids)
    if pdf:
        check_printing()
    relative = _output_paths(layers, chosen, tables, pdf=pdf)
    for path in relative.values():
        check_output(confined(out / path, out), overwrite=overwrite, inputs=inputs)
    in_python = audience().audience == "python"  # its folder is out_dir here, not output
    named = speaking_to("python", flags={"output": "out_dir"}) if in_python else None
    with named or contextlib.nullcontext(), OutputStaging(out) as staging:
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
    check_file_ids(chosen, names="maps/<zone_id>.html")
    relative = {
        "index": Path("index.html"),
        "rejected": Path("rejected.csv"),
        "repaired": Path("repaired.csv"),
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
    gaps: gpd.GeoDataFrame | None = None,
    since_last: Changes | None = None,
    rows: RowsSource | None = None,
) -> None:
    """Write every output into the staging folder (a failure to write is one clear error,
    with nothing changed); the maps' PDFs when ``relative`` names them. The 20mph gaps are
    worked out once for every map (``gaps``, when the tables already did); the changes
    ``since_last`` build are marked on the maps and the index. With ``rows``, each map is
    drawn from its zone's rows read from there (see
    :func:`~healthy_streets.maps.batch.save_maps`)."""
    stage, out = staging.files, staging.out
    with _write_errors(out):
        reporter = as_progress(progress)
        chosen = [key.removeprefix("map:") for key in relative if key.startswith("map:")]
        if gaps is None and chosen:
            gaps = twenty_mph_gaps(layers)
        save_maps(  # in a pool of processes, one per core (settings.map_workers)
            layers,
            {zid: stage / relative[f"map:{zid}"] for zid in chosen},
            gaps=gaps,
            progress=reporter,
            made_on=made_on,
            project=title,
            focus=focus,
            additions_contact=additions_contact,
            since_last=since_last,
            rows=rows,
            reports_note=_reports_note(layers),
        )
        _stage_pdfs(stage, relative, chosen, reporter)
        if "index" in relative:
            _stage_index(
                layers,
                staging,
                relative,
                chosen,
                made_on=made_on,
                title=title,
                since_last=since_last,
            )
        if "rejected" in relative:
            write_csv(layers.rejected(), stage / relative["rejected"], overwrite=True)
            write_csv(layers.repaired(), stage / relative["repaired"], overwrite=True)
        if tables:
            for name, table in tables.items():
                write_csv(table, stage / relative[f"table:{name}"], overwrite=True)
            write_workbook(tables, stage / relative["workbook"], overwrite=True)


def _stage_index(
    layers: Layers,
    staging: OutputStaging,
    relative: dict[str, Path],
    chosen: Sequence[str],
    *,
    made_on: dt.date | None,
    title: str,
    since_last: Changes | None = None,
) -> None:
    """The index page, linking every zone whose map is drawn now or was before."""
    out = staging.out
    links = {
        zid: f"maps/{zid}.html"
        for zid in layers.zones["zone_id"]
        if zid in chosen or (out / "maps" / f"{zid}.html").exists()
    }
    page = index_page(
        key_figures(layers),
        layers.zones,
        links,
        made_on=made_on,
        title=title,
        data_range=_data_range(layers.reports),
        since_last=since_last,
        reports_note=_reports_note(layers),
        to_review=len(layers.changes) if layers.changes is not None else 0,
        sources=sources_line(
            layers.zones, layers.reports, layers.assets, osm_date_of_imports(layers.imports)
        ),
    )
    save_index(page, staging.files / relative["index"], overwrite=True)


def _stage_pdfs(
    stage: Path, relative: dict[str, Path], chosen: Sequence[str], reporter: Progress
) -> None:
    """Print the staged maps that ``relative`` asks PDFs of, and the atlas."""
    wanted = [zid for zid in chosen if f"pdf:{zid}" in relative]
    if not wanted:
        return
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
        repaired=out / relative["repaired"],
        tables={key[6:]: out / path for key, path in relative.items() if key.startswith("table:")},
        workbook=out / relative["workbook"] if tables else None,
        pdfs={key[4:]: out / path for key, path in relative.items() if key.startswith("pdf:")},
        atlas=out / relative["atlas"] if "atlas" in relative else None,
        to_review=len((tables or {}).get("additions_to_review", ())),
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
    reuse: bool = True,
    since_last: bool | None = None,
    in_database: bool | None = None,
) -> tuple[Layers, BuildOutputs]:
    """Run a whole project: imports, the store, the tables, the maps and the index.

    A build whose input files, project settings and toolkit version are those of the last
    build into the output folder, with its store (a GeoPackage, or a PostGIS schema) as
    that build left it, reuses it (see :mod:`healthy_streets._rebuild`): the layers come
    from the store, only the maps that are missing or were changed (or ``zone``'s) are drawn
    again, and the rest is left as it was. When only report files changed, only they are
    read again. The outputs' ``notes`` say what was reused, or why every input was read.

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
    reuse
        Reuse the last build when nothing it read has changed; ``False`` reads every input.
    since_last
        Show what changed since the last build (new reports, reports fixed or closed,
        places added or removed) on the index, every map, the summary and
        ``tables/changes.csv`` (:mod:`healthy_streets.history`). Default: the project's
        ``compare`` setting. Every build is recorded in the store either way. A build that
        compares and has maps to draw reads every input (or, when only reports changed,
        the reports), as what it marks is worked out from every layer.
    in_database
        Attach assets and reports to zones and streets, and take the summary's counts, in
        the PostGIS store's database (:mod:`healthy_streets.in_database`). Default: the
        project's ``[store] in_database``.

    Returns
    -------
    (Layers, BuildOutputs)
        The layers the build made, and what it wrote. A build that reused the last one
        (``BuildOutputs.reused``) returns what it read from the store: every zone; when it
        drew maps, every street and the assets and reports around those maps (all of them
        when it drew many); pass ``reuse=False`` for every layer whole.

    Raises
    ------
    BuildInterrupted
        On Ctrl-C (or SIGTERM, from the command line); its message says whether anything
        changed.
    OutputExistsError
        When outputs exist and ``overwrite`` is false (checked before the build starts).
    ConfigError
        When the evaluation's settings cannot be used, ``zone`` is not in the zones file,
        or ``in_database`` is asked of a store that is not PostGIS.
    PrintError
        With ``pdf``, when the ``pdf`` extra or Chromium is missing.
    BuildLockedError
        When another build is writing into the same output folder.
    InputFileError
        When an input file cannot be read.
    StoreError, OutputWriteError
        When the store or the outputs cannot be written; nothing was changed.

    Examples
    --------
    The sample as a project, built into a folder of its own, with one zone's map:

    >>> import healthy_streets as hs
    >>> project = hs.Project("Yarrowside", hs.sample_inputs("data/sample"), out / "yarrowside")
    >>> layers, outputs = build(project, zone="Cowslip")
    >>> outputs.maps["cowslip"].relative_to(out)
    PosixPath('yarrowside/maps/cowslip.html')
    >>> outputs.store.endswith("healthy-streets.gpkg")
    True

    From a project file: ``build(hs.load_project("my-project"), zone="Cowslip")``.
    """
    out = Path(output) if output is not None else project.output
    # everything that can be refused is refused before any work is done
    check_settings(**project.evaluation)
    zone_ids = None if zone is None else [_chosen_zone(project.inputs, zone)]
    if pdf:
        check_printing()
    refuse_linked_folders(out)
    if not overwrite:
        refuse_existing_outputs(out)
    target = store or project.store or str(out / "healthy-streets.gpkg")
    in_database = project.in_database if in_database is None else in_database
    if in_database:
        check_in_database(str(target))
    if not str(target).startswith("postgres"):
        check_output(target, overwrite=True, inputs=project.inputs.paths())
    for path in (out / "index.html", out / "rejected.csv", out / "repaired.csv"):
        check_output(path, overwrite=True, inputs=project.inputs.paths())
    store_at = open_store(target, schema=project.store_schema)
    staging = OutputStaging(out, decide=store_at.build_committed)
    reporter = progress or Progress()
    try:
        with staging:  # the folder's lock held, and any build killed as it ended finished
            fingerprint = input_fingerprint(project)
            zone_id = zone_ids[0] if zone_ids else None
            plan, why = plan_rebuild(
                fingerprint, out, str(target), zone_id=zone_id, pdf=pdf, store=store_at
            )
            compare = project.compare == "last" if since_last is None else since_last
            if not reuse:
                plan, why = None, "Reading every input, as asked."
            elif compare and plan is not None and not plan.reread and plan.redraw:
                plan, why = None, _COMPARING
            if plan is not None and not plan.reread:
                layers, outputs = _rebuild_staged(
                    project,
                    staging,
                    store_at,
                    plan,
                    overwrite=overwrite,
                    reporter=reporter,
                    pdf=pdf,
                )
            else:
                why = plan.said if plan is not None else why
                reporter.step(why)
                layers, outputs = _build_staged(
                    project,
                    staging,
                    store_at,
                    zone_ids=zone_ids,
                    overwrite=overwrite,
                    reporter=reporter,
                    pdf=pdf,
                    fingerprint=fingerprint,
                    reread=plan,
                    compare=compare,
                    in_database=in_database,
                )
                outputs.notes.append(why)
    except KeyboardInterrupt as exc:
        if isinstance(exc, BuildInterrupted):
            raise
        raise BuildInterrupted(changed=staging.committed) from None
    except Exception as exc:
        if not staging.stopped:
            raise
        # a stop reached the build, and a writer failed as it unwound (a workbook with no
        # sheets yet, say): the stop is the news, and the failure is only its echo
        log.debug("After the interruption: %r", exc)
        raise BuildInterrupted(changed=staging.committed) from None
    outputs.store = store_at.name  # a PostGIS URL without its password
    return layers, outputs


def _build_staged(
    project: Project,
    staging: OutputStaging,
    store_at: Any,
    *,
    zone_ids: list[str] | None,
    overwrite: bool,
    reporter: Progress,
    pdf: bool = False,
    fingerprint: dict[str, Any] | None = None,
    reread: Rebuild | None = None,
    compare: bool = False,
    in_database: bool = False,
) -> tuple[Layers, BuildOutputs]:
    """The build inside its staging folder: check the store, import, stage the outputs and
    the store, then commit them together, with the build's record
    (:mod:`healthy_streets._rebuild`) when ``fingerprint`` describes its inputs. With
    ``reread``, only the reports are read from their files, the other layers from the
    store. With ``compare``, what changed since the last build the store holds is marked
    (:mod:`healthy_streets.history`); the build is recorded in the store either way."""
    kinds = ["zones", "streets", "assets", "reports"]
    kinds += ["speed_limits"] if project.inputs.speed_limits is not None else []
    store_at.check(store_names(kinds, history=True), overwrite=overwrite)  # before the long work
    earlier = store_at.earlier_build() if compare else None
    left_out: list[str] = []  # residents' additions whose files are gone
    if reread is not None:  # zones, streets and assets from the store
        layers = _reading_reports_again(project, store_at, reread, reporter)
    else:
        kept = kept_additions(
            store_at,
            inputs=project.inputs.paths(),
            additions=project.additions,
            read_before=_inputs_read_before(staging.out),
            folder=project.folder,
        )
        left_out += kept.notes
        layers = load_layers(
            project.inputs,
            progress=reporter,
            kept=kept.imports,
            reports_within_m=evaluation_buffer_m(**project.evaluation),
            attach=not in_database,
        )
    with contextlib.ExitStack() as database:
        work = None
        if in_database:  # zones and street links from the PostGIS database
            reporter.step("Attaching assets and reports in the database")
            work = database.enter_context(layers_in_database(store_at, layers))
            layers = work.layers
        checkpoint("loaded")
        reporter.step("Working out the tables")
        gaps = twenty_mph_gaps(layers)  # once, for the table and every map
        tables = analysis_tables(layers, evaluation=project.evaluation, gaps=gaps)
        if work is not None:
            tables = with_database_counts(tables, work.counts)
        changes, carried = _comparison(earlier, layers, staging.out, partial=zone_ids is not None)
        if changes is not None:
            tables = history.with_changes(tables, changes, layers.zones)
        relative = _output_paths(layers, zone_ids, tables, pdf=pdf)
        _stage_project_outputs(
            project,
            layers,
            staging,
            relative,
            overwrite=overwrite,
            tables=tables,
            gaps=gaps,
            progress=reporter,
            since_last=changes,
            # each map drawn from its zone's rows, read back from the database
            rows=map_rows(work, gaps=gaps, basemap=layers.basemap) if work else None,
        )
    reporter.step("Updating the store")
    update = store_update(layers, project.inputs, folder=project.folder)
    update.history = history.build_record(
        layers,
        build_id=staging.id,
        project=project.name,
        provenance=update.provenance,
        folder=project.folder,
        changes=changes,
        zones_drawn=zone_ids,
    )
    prepared = store_at.prepare(
        update,
        overwrite=overwrite,
        place=staging.place,
        build_id=staging.id,
    )
    stale = _stale_maps(staging.out, set(layers.zones["zone_id"])) if overwrite else []
    unprinted = _unprinted_pdfs(staging.out, relative, stale) if overwrite else []
    unwritten, edited = _stale_tables(staging.out, relative) if overwrite else ([], [])
    moves = _moves(staging, staging.out, relative)
    try:
        if fingerprint is not None:
            copy = prepared.moves[0][0] if prepared.moves else None
            record = build_record(
                fingerprint=fingerprint,
                build_id=staging.id,
                store=store_entry(
                    str(prepared.moves[0][1]) if copy else "",
                    copy,
                    out=staging.out,
                    store=store_at if prepared.digest is not None else None,
                    digest=prepared.digest,
                ),
                staged={str(path): staging.files / path for path in relative.values()},
                zone_ids=[str(z) for z in layers.zones["zone_id"]],
                layers=layers,
                folder=project.folder,
            )
            record[MAPS_MADE] = _maps_made(staging.out, relative, [*stale, *unprinted])
            moves.append(_staged_record(staging, record))
        checkpoint("store-staged")
        staging.commit(
            [*moves, *prepared.moves],
            removes=[*stale, *unprinted, *unwritten],
            store_commit=prepared.commit,
            store_key=prepared.key,
        )
    finally:
        prepared.discard()
    outputs = _build_outputs(staging.out, relative, tables)
    outputs.removed, outputs.unprinted = stale, unprinted
    outputs.notes += left_out + _tables_note(unwritten, edited)
    outputs.since_last = history.describe_earlier(changes, wanted=compare and carried is None)
    outputs.since_last += carried or []
    return layers, outputs


def _comparison(
    earlier: EarlierBuild | None, layers: Layers, out: Path, *, partial: bool
) -> tuple[Changes | None, list[str] | None]:
    """What a build marks as changed since ``earlier`` (the last full build), and, for a
    partial build (``--zone``) that shows again the comparison that build made, what it
    says of it (``None`` otherwise).

    A partial build draws one map and leaves the others as the last full build drew them:
    so that the index, ``changes.csv`` and every map tell the same story, it shows that
    build's comparison again (read back from the ``changes.csv`` it wrote) instead of
    making its own, and it is never the baseline of a later comparison.
    """
    if earlier is None:
        return None, None
    if not partial or not earlier.compared_with:
        return changes_since(earlier, layers), None
    name = "tables/changes.csv"
    digest = _made(out)[0].get(name)
    changes = history.carried_changes(out / name, digest, earlier)
    if changes is None:
        return None, [
            f"Nothing marked as changed: this build draws one zone's map, and shows what "
            f"changed as the build of {earlier.day} showed it on every map, but {name} is "
            f"no longer as that build wrote it. Build every zone (leave out "
            f"{option('zone', 'NAME')}) to compare again."
        ]
    return changes, [
        changes.sentence() + history.where_listed(changes),
        f"As the build of {earlier.day} showed it on every map: this build draws one zone's "
        "map, and the next build of every zone compares with that build.",
    ]


#: Why a build that would reuse the last one reads every input instead.
_COMPARING = (
    "Reading every input: a build that shows what changed since the last one works it out "
    "from every layer."
)


def _stage_project_outputs(
    project: Project,
    layers: Layers,
    staging: OutputStaging,
    relative: dict[str, Path],
    *,
    overwrite: bool,
    tables: dict[str, pd.DataFrame] | None,
    progress: Progress,
    gaps: gpd.GeoDataFrame | None = None,
    since_last: Changes | None = None,
    rows: RowsSource | None = None,
) -> None:
    """Stage the outputs ``relative`` names, as the project draws them (its title, focus
    and contact), once each is known to be one a build may write."""
    for path in relative.values():
        target = confined(staging.out / path, staging.out)
        check_output(target, overwrite=overwrite, inputs=project.inputs.paths())
    _stage_outputs(
        layers,
        staging,
        relative,
        made_on=None,
        title=project.name,
        tables=tables,
        progress=progress,
        focus=_first_category(project.evaluation.get("category", "dog_fouling")),
        additions_contact=project.additions_contact,
        gaps=gaps,
        since_last=since_last,
        rows=rows,
    )
    checkpoint("staged")


def _first_category(category: str | list[str]) -> str:
    """The category the maps open on: the evaluation's, or the first of its several."""
    return category if isinstance(category, str) else category[0]


def _reading_reports_again(
    project: Project, store_at: Any, plan: Rebuild, reporter: Progress
) -> Layers:
    """The layers of a build whose report files alone changed: zones, streets and assets
    from the store, the reports read again and attached to them."""
    inputs = project.inputs
    layers = layers_but_reports(store_at, plan.record, folder=project.folder)
    given = check_buffer_m(inputs.buffer_m)
    buffer_m = settings.street_buffer_m if given is None else given
    area = project_area(layers.zones, buffer_m=buffer_m)
    within_m = evaluation_buffer_m(**project.evaluation)
    fetched: list[Fetched] = []
    results = _read_reports(
        inputs, layers.zones, area, within_m, buffer_m, reporter.step, fetched=fetched
    )
    layers.fetched = fetched
    reports, layers.ring_reports = _ring_apart(results, area, buffer_m, within_m)
    layers.reports_within_m = max(buffer_m, within_m)
    reporter.step("Attaching the reports to zones and streets")
    layers.reports = attach_to_streets(assign_zones(reports, layers.zones), layers.streets)
    layers.imports += results
    layers.import_paths += [source.path for source in inputs.reports]
    layers.basemap = _basemap(project, layers)
    return layers


def _basemap(project: Project, layers: Layers) -> gpd.GeoDataFrame | None:
    """The maps' background from the project's OpenStreetMap file, around the zones."""
    osm = project.inputs.osm
    if osm is None or is_graphml(osm):
        return None
    return basemap_from_osm_file(
        osm, area=project_area(layers.zones, buffer_m=project.inputs.buffer_m)
    )


def _rebuild_staged(
    project: Project,
    staging: OutputStaging,
    store_at: Any,
    plan: Rebuild,
    *,
    overwrite: bool,
    reporter: Progress,
    pdf: bool = False,
) -> tuple[Layers, BuildOutputs]:
    """A build that reuses the last one (see :mod:`healthy_streets._rebuild`): the layers
    from the store, only the maps ``plan`` names drawn again, the tables, store and other
    maps left as they are (nothing at all changes when there is no map to draw)."""
    reporter.step(plan.said)
    around = None if plan.whole else plan.redraw
    layers = layers_from_store(store_at, plan.record, folder=project.folder, around=around)
    if plan.redraw:
        layers.basemap = _basemap(project, layers)
    checkpoint("loaded")
    out = staging.out
    zone_ids = [str(z) for z in plan.record.get("zone_ids", [])]
    stale = _stale_maps(out, set(zone_ids)) if overwrite else []
    relative = {f"map:{zid}": Path("maps") / f"{zid}.html" for zid in plan.redraw}
    if pdf:
        relative |= {f"pdf:{zid}": Path("maps") / f"{zid}.pdf" for zid in plan.redraw}
    if plan.index:
        relative["index"] = Path("index.html")  # maps drawn for the first time: new links
    # Nothing the maps show has changed: the PDFs and the atlas the last build printed
    # still show them, and are kept (only a map gone with its zone takes its PDF along).
    if not relative and not stale:
        outputs = reused_outputs(out, plan.record, [])
        outputs.notes += [plan.said, _nothing_changed(plan)]
        return layers, outputs
    _stage_project_outputs(
        project, layers, staging, relative, overwrite=overwrite, tables=None, progress=reporter
    )
    record = build_record(
        fingerprint=plan.record["inputs"],
        build_id=staging.id,
        store=plan.record["store"],
        staged={str(path): staging.files / path for path in relative.values()},
        zone_ids=zone_ids,
        layers=layers,
        folder=project.folder,
        previous=plan.record,
    )
    record[MAPS_MADE] = _maps_made(out, relative, stale)
    staging.commit(
        [*_moves(staging, out, relative), _staged_record(staging, record)], removes=stale
    )
    outputs = reused_outputs(out, plan.record, plan.redraw)
    outputs.removed = stale
    outputs.notes += [plan.said, _redrawn(plan, layers)]
    return layers, outputs


def _nothing_changed(plan: Rebuild) -> str:
    return (
        f"Nothing changed since the build of {plan.built_on}: the maps, tables, index and "
        "store are as they were."
    )


def _redrawn(plan: Rebuild, layers: Layers) -> str:
    names = layers.zones.set_index("zone_id")["name"].astype("str")
    drawn = ", ".join(repr(names.get(zid, zid)) for zid in plan.redraw[:10])
    more = f" and {len(plan.redraw) - 10} more" if len(plan.redraw) > 10 else ""
    which = "map" if len(plan.redraw) == 1 else "maps"
    return (
        f"Drawn again from the store: the {which} of {drawn}{more}; the other maps, the "
        f"tables and the store are as the build of {plan.built_on} left them."
    )


def _staged_record(staging: OutputStaging, record: dict[str, Any]) -> tuple[Path, Path]:
    """Write the build's record into the staging folder: (staged file, its place)."""
    staged = staging.files / RECORD_NAME
    write_record(record, staged)
    return staged, staging.out / RECORD_NAME


def _inputs_read_before(out: Path) -> list[str]:
    """The files the last build into ``out`` read as its project's inputs (its record)."""
    record, _ = read_record(out)
    files = (record or {}).get("inputs", {}).get("files", [])
    return [str(f["path"]) for f in files if isinstance(f, dict) and f.get("path")]


def _made(out: Path) -> tuple[dict[str, str], set[str]]:
    """The last build's outputs (relative path -> SHA-256), and every map and PDF the
    toolkit's builds wrote into ``out`` and have not removed since (their records)."""
    record, _ = read_record(out)
    if record is None:
        return {}, set()
    outputs = {str(k): str(v) for k, v in dict(record.get("outputs", {})).items()}
    made = {str(p) for p in record.get(MAPS_MADE, [])}
    return outputs, made | {p for p in outputs if p.startswith("maps/")}


def _maps_made(out: Path, relative: dict[str, Path], removed: Sequence[Path]) -> list[str]:
    """The record's :data:`MAPS_MADE` after a build that writes ``relative`` and removes
    ``removed``."""
    _, made = _made(out)
    made |= {p.as_posix() for p in relative.values() if p.parts[0] == "maps"}
    made -= {p.relative_to(out).as_posix() for p in removed}
    return sorted(made)


def _stale_maps(out: Path, zone_ids: set[str]) -> list[Path]:
    """The maps the toolkit's builds made (and their PDFs) of zones no longer in the zones
    file: an ``--overwrite`` build removes them with the rest of its changes. Only maps
    the builds' records list are taken: a copy an officer made (``cowslip-copy.html``) is
    theirs."""
    _, made = _made(out)
    stale = []
    for name in sorted(made):
        page = out / name
        if page.suffix != ".html" or page.stem in zone_ids or not page.is_file():
            continue
        if not _made_by_toolkit(page):
            continue
        stale.append(page)
        pdf = page.with_suffix(".pdf")
        if pdf.relative_to(out).as_posix() in made and pdf.is_file():
            stale.append(pdf)
    return stale


def _stale_tables(out: Path, relative: dict[str, Path]) -> tuple[list[Path], list[Path]]:
    """The tables the last build wrote that this one does not (``additions_to_review.csv``
    once the changes it listed are gone): those as the last build wrote them, removed with
    the build's changes, and those edited since, left as they are."""
    outputs, _ = _made(out)
    writing = {p.as_posix() for p in relative.values()}
    unwritten: list[Path] = []
    edited: list[Path] = []
    for name, digest in sorted(outputs.items()):
        path = out / name
        if not (name.startswith("tables/") and name.endswith(".csv")) or name in writing:
            continue
        if not path.is_file():
            continue
        (unwritten if sha256(path) == digest else edited).append(path)
    return unwritten, edited


def _tables_note(unwritten: Sequence[Path], edited: Sequence[Path]) -> list[str]:
    """What became of the tables a build no longer writes."""
    notes = []
    if unwritten:
        names = ", ".join(p.name for p in unwritten)
        notes.append(f"Removed {names} from tables/: this build has nothing to put in them.")
    if edited:
        names = ", ".join(p.name for p in edited)
        they, them, were = ("it", "it", "was") if len(edited) == 1 else ("they", "them", "were")
        notes.append(
            f"Left {names} in tables/ as {they} {'is' if they == 'it' else 'are'}: this build "
            f"has nothing to put in {them}, but {they} {were} edited since the build that "
            f"wrote {them}. Delete {them} when done with {them}."
        )
    return notes


def _unprinted_pdfs(out: Path, relative: dict[str, Path], stale: Sequence[Path]) -> list[Path]:
    """The PDFs the last build printed of the maps this one draws again without printing
    them, and its atlas when any map is drawn again and the atlas is not printed again (a
    ``--zone`` build prints no atlas, even with ``--pdf``): they would no longer match the
    maps. Only PDFs the last build's record lists, as it wrote them, are taken (a PDF an
    officer has since changed is theirs)."""
    record, _ = read_record(out)
    if record is None:
        return []
    printed: dict[str, str] = record.get("outputs", {})
    drawn = [key.removeprefix("map:") for key in relative if key.startswith("map:")]
    candidates = [Path("maps") / f"{zid}.pdf" for zid in drawn if f"pdf:{zid}" not in relative]
    if drawn and "atlas" not in relative:
        candidates.append(Path("atlas.pdf"))
    found = []
    for candidate in candidates:
        path = out / candidate
        digest = printed.get(candidate.as_posix())
        if path in stale or digest is None or not path.is_file():
            continue
        if sha256(path) == digest:
            found.append(path)
    return found


def _made_by_toolkit(page: Path) -> bool:
    """Whether ``page`` is a meeting map the toolkit wrote (its ``generator``, in its head)."""
    with page.open("rb") as handle:
        head = handle.read(4096)
    return f'<meta name="generator" content="{GENERATOR}'.encode() in head


#: The folders a build writes into inside its output folder.
OUTPUT_FOLDERS = ("maps", "tables")


def refuse_linked_folders(out: Path) -> None:
    """Raise :class:`~healthy_streets.errors.OutputLinkError` when a folder the build
    writes into inside ``out`` (``maps/``, ``tables/``) is a link out of it: writing
    through it would replace files elsewhere (refused before any work is done)."""
    for folder in OUTPUT_FOLDERS:
        confined(out / folder / "-", out)


def refuse_existing_outputs(out: Path) -> None:
    """Raise :class:`OutputExistsError` for the first build output already in ``out``
    (a build without ``overwrite`` stops before doing any work)."""
    candidates = [out / name for name in ("index.html", "rejected.csv", "repaired.csv")]
    candidates += [out / "tables.xlsx", out / "atlas.pdf"]
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


def _chosen_zone(inputs: Inputs, wanted: str) -> str:
    """The ``zone_id`` of the zone a build draws alone, checked against the zones file
    before any other input is read (a zone not in it is refused, with the closest names)."""
    zones = inputs.zones.read(read_zones, **inputs.zones.options).layer
    return zone_id_of(zones, wanted)
