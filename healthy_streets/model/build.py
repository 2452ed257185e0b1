"""What a build reads and what it makes: :class:`Inputs` (with a :class:`Source` per file),
:class:`Layers` (the normalised layers, attached to each other) and :class:`BuildOutputs`.

These are plain records: reading them is :func:`healthy_streets.pipeline.load_layers`,
writing them :func:`healthy_streets.pipeline.write_outputs`, and a project file
(:func:`healthy_streets.project.load_project`) fills an :class:`Inputs` in.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

import pandas as pd

from healthy_streets._audience import speaking_to
from healthy_streets.errors import ConfigError, InputFileError
from healthy_streets.model.account import ACCOUNT_COLUMNS, ImportResult
from healthy_streets.model.progress import Progress, as_progress
from healthy_streets.model.speed import nation_of
from healthy_streets.model.words import counted

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "REPORTS_WITHIN_M",
    "RING_REPORTS_WITHIN_M",
    "BuildOutputs",
    "Fetched",
    "Inputs",
    "Layers",
    "Progress",
    "Source",
    "as_progress",
    "source_of",
]

#: The ``attrs`` key of a reports frame that says how far beyond the zones its reports were
#: read, in metres (set by :func:`healthy_streets.load_layers`, read by the evaluation).
REPORTS_WITHIN_M = "reports_within_m"
#: The ``attrs`` key of a ``Layers``' reports whose ring reports were read farther: how far
#: those were read, in metres (:meth:`Layers.evaluation_reports` holds both), so that an
#: evaluation given the reports alone can point to them.
RING_REPORTS_WITHIN_M = "ring_reports_within_m"

T = TypeVar("T")


@dataclass
class Source:
    """One input and how to read it: a file, or a layer already in memory.

    Attributes
    ----------
    path
        The file (``None`` for a layer in memory).
    format
        For reports: ``fixmystreet``, ``open311``, ``csv``, or ``None`` to decide by the file;
        ``open311-server`` for an Open311 service (``path`` is its cache folder, ``options``
        its ``url``, ``jurisdiction_id`` and ``since``: see
        :func:`healthy_streets.io.open311.reports_from_open311_server`).
    options
        Keyword arguments for the reader (``crs``, ``layer``, ``fields``, ``category``,
        ``postcodes``, ``columns``...).
    origin
        Where a project file names it (``[zones] file``, ``[[assets]] number 2``): while it
        is read, messages name its settings as that file writes them (``[zones] crs``).
    data
        A layer in memory (a GeoDataFrame of the analyst's own), read instead of a file.

    Examples
    --------
    A zones file with no CRS, and a council's CSV of reports with a column the guesses
    miss:

    >>> zones = Source(Path("zones.shp"), options={"crs": "EPSG:27700"})
    >>> crm = Source(Path("crm.csv"), format="csv",
    ...              options={"columns": {"category": "Enquiry Type"}})
    >>> inputs = Inputs(zones, osm="area.osm.pbf", reports=[crm])
    >>> [source.name for source in inputs.sources()]
    ['zones.shp', 'crm.csv', 'area.osm.pbf']
    """

    path: Path | None
    format: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    origin: str = ""
    data: Any = None

    @property
    def name(self) -> str:
        """The file's name, or what the layer in memory is."""
        if self.path is not None:
            return self.path.name
        return f"a {type(self.data).__name__} in memory"

    def read(self, reader: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call ``reader`` on this file (or layer in memory).

        Parameters
        ----------
        reader
            A reader such as :func:`healthy_streets.read_zones`.
        *args, **kwargs
            Passed on to ``reader``.

        Returns
        -------
        What ``reader`` returns. An error about a file a project names names the project
        file's settings (``[zones] crs``), and says which entry names the file.
        """
        what = self.data if self.data is not None else self.path
        if not self.origin:
            return reader(what, *args, **kwargs)
        table = self.origin.removesuffix(" file").strip()
        try:
            with speaking_to("project", table=table):
                return reader(what, *args, **kwargs)
        except InputFileError as exc:
            fix = f"{exc.fix or ''} The project names this file in {self.origin}."
            said = type(exc).__new__(type(exc))  # the same kind of error, with the note
            InputFileError.__init__(
                said, exc.path, exc.problem, row=exc.row, field=exc.field, fix=fix.strip()
            )
            raise said from None


def source_of(value: Any) -> Source:
    """A :class:`Source` from a path, a ``(path, format)`` pair, a layer in memory, or a
    :class:`Source`."""
    if isinstance(value, Source):
        return value
    if isinstance(value, tuple):
        return Source(Path(value[0]), value[1])
    if isinstance(value, str | os.PathLike):
        return Source(Path(value))
    return Source(None, data=value)


def _one_or_many(value: Any) -> list[Any]:
    """The inputs given for one kind: a list of them, or one alone (a file, a frame, a
    :class:`Source`), never read as a frame's column names or a path's letters."""
    if value is None:
        return []
    if isinstance(value, str | os.PathLike | Source | pd.DataFrame):
        return [value]
    return list(value)


def _is_path(value: object) -> bool:
    return isinstance(value, str | os.PathLike)


@dataclass
class Inputs:
    """What a build reads.

    Every attribute but ``zones`` is keyword-only.

    Attributes
    ----------
    zones
        The council's 20mph zones: a file (a path, or a :class:`Source` with reader
        options), or a GeoDataFrame of the analyst's own (any CRS it declares; read with
        :func:`healthy_streets.read_zones`, which finds its name, status and date columns).
    osm
        An OpenStreetMap file for the street network (``.osm``, ``.osm.bz2``, ``.osm.pbf``,
        or an osmnx ``.graphml``). An osmnx graph in memory is taken as ``streets``.
    place
        Instead of ``osm``: a place name whose streets are downloaded (needs internet).
    streets
        Instead of ``osm``: a street network in memory: an osmnx/NetworkX ``MultiDiGraph``,
        osmnx's edge GeoDataFrame, or a ``streets`` layer (see
        :func:`healthy_streets.as_streets`).
    assets
        Community asset files, or GeoDataFrames of the analyst's own (or DataFrames with
        latitude/longitude or easting/northing columns): one, or a list. Each is read with
        :func:`healthy_streets.read_assets`, which finds its columns' roles.
    reports
        Report files (paths, ``(path, format)`` pairs or :class:`Source`), or frames of the
        analyst's own as for ``assets``, read with :func:`healthy_streets.read_reports`:
        one, or a list.
    speed_limits
        Council speed-limit lines, compared with OSM (optional).
    zones_crs
        The zones file's CRS when it declares none.
    zones_layer
        The layer of the zones file to read, when it holds several.
    assume_bng
        Read a zones file that declares no CRS as British National Grid (EPSG:27700) when
        its coordinates look like it (as ``--assume-bng`` and ``[zones] assume_bng``).
    date_order
        How the zones' and the report files' numeric dates are read, ``"dmy"`` (day
        first) or ``"mdy"`` (month first), where a file's own options do not say (as
        ``--date-order``); ``None`` decides from each date column's values.
    buffer_m
        How far beyond the zones streets, assets and reports are kept, in metres.
    osm_assets
        Also take the community assets OpenStreetMap maps (benches, parks, schools, bins...)
        from the OpenStreetMap file (or, for ``place``, downloaded). A GraphML file or a
        network in memory holds streets only: no assets are read from it, and the streets'
        account says so. Assets the community's own files already hold are counted once.
    nation
        For restricted roads (see :func:`healthy_streets.speed_from_tags`): one of
        ``england``, ``wales``, ``scotland``, ``northern_ireland``, in any case
        (``"Wales"``); ``None`` is :data:`healthy_streets.settings.nation`.
    asset_synonyms, report_synonyms
        The project's own words for categories: text -> category key.
    tiers
        Report category -> ``county`` or ``district``, overriding the defaults.
    origin
        The project file these inputs come from, if any: messages about the street
        network then name its keys (``[streets] osm_file``).

    Examples
    --------
    >>> inputs = Inputs("zones.geojson", osm="area.osm.pbf", reports=["fixmystreet.csv"])
    >>> inputs.paths()
    [PosixPath('zones.geojson'), PosixPath('fixmystreet.csv'), PosixPath('area.osm.pbf')]
    """

    zones: Any
    _: KW_ONLY
    osm: Any = None
    place: str | None = None
    streets: Any = None
    assets: list[Any] = field(default_factory=list)
    reports: list[Any] = field(default_factory=list)
    speed_limits: Any = None
    zones_crs: str | None = None
    zones_layer: str | None = None
    assume_bng: bool = False
    date_order: str | None = None
    buffer_m: float | None = None
    osm_assets: bool = True
    nation: str | None = None
    asset_synonyms: dict[str, str] = field(default_factory=dict)
    report_synonyms: dict[str, str] = field(default_factory=dict)
    tiers: dict[str, str] = field(default_factory=dict)
    origin: str = ""

    def __post_init__(self) -> None:
        self.zones = source_of(self.zones)
        named = (("crs", self.zones_crs), ("layer", self.zones_layer))
        for key, value in (*named, ("assume_bng", self.assume_bng)):
            if value and key not in self.zones.options:
                self.zones.options[key] = value
        if self.nation is not None:
            self.nation = nation_of(self.nation)
        if self.osm is not None and not _is_path(self.osm):
            if self.streets is not None:
                raise ConfigError(
                    "Inputs got a street network in memory as both osm= and streets=; give "
                    "it once, as streets=."
                )
            self.osm, self.streets = None, self.osm  # a graph is OpenStreetMap's streets
        self.osm = Path(self.osm) if self.osm is not None else None
        self.assets = [source_of(a) for a in _one_or_many(self.assets)]
        self.reports = [source_of(r) for r in _one_or_many(self.reports)]
        if self.date_order is not None:
            for source in [self.zones, *self.reports]:
                if source.format != "open311-server":
                    source.options.setdefault("date_order", self.date_order)
        self.speed_limits = source_of(self.speed_limits) if self.speed_limits else None
        if self.networks() > 1:
            raise ConfigError(
                "Give the street network once: an OpenStreetMap file (osm=path), a place name "
                "to download (place=), or a network in memory (streets= an osmnx graph, its "
                f"edge GeoDataFrame or a streets layer); {self.networks()} were given."
            )

    def networks(self) -> int:
        """How many street networks were given: 1, or 0 for inputs read without streets
        (:func:`~healthy_streets.load_layers` with ``streets=False``)."""
        return sum(x is not None for x in (self.osm, self.place, self.streets))

    def sources(self) -> list[Source]:
        """Every input file with its options (layers in memory are not files)."""
        out = [self.zones, *self.assets, *self.reports]
        if self.speed_limits is not None:
            out.append(self.speed_limits)
        if self.osm is not None:
            out.append(Source(self.osm))
        return [s for s in out if s.path is not None]

    def paths(self) -> list[Path]:
        """Every input file (outputs may never be one of them)."""
        return [s.path for s in self.sources() if s.path is not None]


@dataclass(frozen=True)
class Fetched:
    """How a build had the reports of an Open311 service.

    Attributes
    ----------
    service
        The service, for people to read (its host, without credentials).
    online
        Whether the service answered this build (else its cache was read as it was).
    fetched_at
        When the reports read were fetched (UTC; ``None``: not known).
    """

    service: str
    online: bool
    fetched_at: dt.datetime | None = None

    def offline_sentence(self, now: dt.datetime | None = None) -> str | None:
        """What a page says of reports read from the cache because the service could not
        be reached (``None`` when it answered).

        >>> when = dt.datetime(2026, 11, 3, 9, 30, tzinfo=dt.UTC)
        >>> later = dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)
        >>> print(Fetched("council.example", False, when).offline_sentence(later))
        ... # doctest: +NORMALIZE_WHITESPACE
        Reports from the Open311 service council.example as fetched 27 days ago (3 November
        2026): the service could not be reached for this build.
        """
        if self.online:
            return None
        if self.fetched_at is None:
            when = "as fetched by an earlier build"
        else:
            now = now or dt.datetime.now(dt.UTC)
            local = self.fetched_at.astimezone(ZoneInfo("Europe/London"))
            day = f"{local:%d %B %Y}".lstrip("0")
            when = f"as fetched {_ago(now - self.fetched_at)} ({day})"
        return (
            f"Reports from the Open311 service {self.service} {when}: the service could not "
            "be reached for this build."
        )


def _ago(delta: dt.timedelta) -> str:
    """``27 days ago``, ``3 hours ago``, ``less than a minute ago``."""
    seconds = max(0, int(delta.total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            return f"{counted(seconds // size, unit)} ago"
    return "less than a minute ago"


@dataclass
class Layers:
    """The normalised layers of a build, attached to each other, and how each import went.

    Every analysis function and the meeting map take one whole
    (``summarise_zones(layers)``, ``meeting_map(layers, "Cowslip")``).

    Attributes
    ----------
    zones, streets, assets, reports
        The normalised layers (``docs/layers.md``): streets cut at the zones, ``zone_id``
        on every layer, assets and reports attached to their nearest street.
    imports
        How each import went (rows kept, repaired, rejected).
    basemap
        Not a normalised layer: what the maps draw under everything (green spaces, water,
        railways from the OSM file).
    speed_limits
        Council speed-limit lines, when the project has them.
    import_paths
        The file each import read, in the order of ``imports`` (``None`` for an online
        source or a layer in memory); the store keys rows by it.
    changes
        What residents' additions would change in places already mapped (a rename, a
        move): set aside for an officer, never applied
        (:class:`healthy_streets.io.assets.MergedAssets`).
    ring_reports
        Reports read beyond the buffer for an evaluation that compares each zone with a
        ring around it (``load_layers(..., reports_within_m=...)``): only
        :func:`~healthy_streets.analysis.before_after` and
        :func:`~healthy_streets.analysis.monthly_counts` count them; the tables, maps and
        store leave them out, so the area outside the zones has the same extent for its
        reports as for its streets. ``None`` when none were read.
    reports_within_m
        How far beyond the zones reports were read (metres; ``None``: not known, for
        layers not made by ``load_layers``). A ring reaching farther is cut there, and the
        evaluation's comparison says so.
    fetched
        How the reports of each Open311 service came in: fetched now, or, the service not
        reached, read from its cache as an earlier build fetched them (the index and every
        map say how old they are).

    Examples
    --------
    The sample's layers, as ``layers = hs.load_layers(hs.sample_inputs())`` returns them:

    >>> import healthy_streets as hs
    >>> for result in layers.imports:
    ...     print(result.summary())
    zones.geojson: 4 features: 4 kept (0 repaired), 0 rejected.
    yarrowside.osm: 292 highway ways: 292 kept (0 repaired), 0 rejected; 581 streets rows.
    assets_walkabout.csv: 70 rows: 70 kept (0 repaired), 0 rejected.
    yarrowside.osm: 137 OSM elements: 115 kept (0 repaired), 22 rejected.
    reports_fixmystreet.csv: 2682 rows: 2682 kept (0 repaired), 0 rejected.
    reports_open311.json: 20 rows: 10 kept (0 repaired), 10 rejected.
    >>> layers.rejected().groupby("source").size()
    source
    reports_open311.json    10
    yarrowside.osm          22
    dtype: int64
    >>> print(layers.rejected()["reason"].iloc[0])
    Already in assets_walkabout.csv: the same category within 15 m (counted once).
    >>> summary = hs.summarise_zones(layers)
    >>> summary[["name", "street_km", "assets", "reports"]]  # doctest: +NORMALIZE_WHITESPACE
                                   name  street_km  assets  reports
    zone_id
    yarrowside-north   Yarrowside North     9.2104      52      595
    cowslip                     Cowslip     4.7299      33      441
    yarrow-meadows       Yarrow Meadows     5.7234      21      333
    kestrel-park           Kestrel Park     4.3351      21      318
    (outside zones)   Outside all zones    11.8553      58     1005
    """

    zones: gpd.GeoDataFrame
    streets: gpd.GeoDataFrame
    assets: gpd.GeoDataFrame
    reports: gpd.GeoDataFrame
    imports: list[ImportResult] = field(default_factory=list)
    basemap: gpd.GeoDataFrame | None = None
    speed_limits: gpd.GeoDataFrame | None = None
    import_paths: list[Path | None] = field(default_factory=list)
    changes: pd.DataFrame | None = None
    ring_reports: gpd.GeoDataFrame | None = None
    reports_within_m: float | None = None
    fetched: list[Fetched] = field(default_factory=list)

    def evaluation_reports(self) -> gpd.GeoDataFrame:
        """The reports an evaluation counts: :attr:`reports` and :attr:`ring_reports`, with
        how far beyond the zones they were read (:attr:`reports_within_m`, when known) in
        their ``attrs["reports_within_m"]``, which the evaluation reads."""
        if self.ring_reports is None or self.ring_reports.empty:
            reports = self.reports.copy(deep=False)
        else:  # GeoDataFrames in one CRS concatenate to a GeoDataFrame in that CRS
            reports = pd.concat([self.reports, self.ring_reports], ignore_index=True)
        if self.reports_within_m is not None:
            reports.attrs[REPORTS_WITHIN_M] = self.reports_within_m
        reports.attrs.pop(RING_REPORTS_WITHIN_M, None)  # they are here
        return reports

    def rejected(self) -> pd.DataFrame:
        """Every rejected row of every import, with its source and reason."""
        return _account(r.rejected for r in self.imports)

    def repaired(self) -> pd.DataFrame:
        """Every row an import kept after changing it (a date's order, swapped
        coordinates, an outline made valid...), with its source and what was done."""
        return _account(r.repaired for r in self.imports)


def _account(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    found = [frame for frame in frames if len(frame)]
    if not found:
        return pd.DataFrame(columns=ACCOUNT_COLUMNS)
    return pd.concat(found, ignore_index=True)


@dataclass
class BuildOutputs:
    """What a build wrote.

    Attributes
    ----------
    index
        The index page.
    maps
        ``zone_id`` -> its meeting map.
    rejected
        The rejected rows, with their reasons (CSV).
    repaired
        The rows kept after a change, with what was done (CSV; ``None`` from a build
        that reused one before it wrote them).
    tables
        Table name -> its CSV.
    workbook
        Every table in one Excel workbook.
    store
        The store updated (a GeoPackage path or a PostGIS URL).
    pdfs
        ``zone_id`` -> its map printed on A4.
    atlas
        Every zone's printed map in one PDF.
    removed
        Maps of zones no longer in the zones file, removed by an ``overwrite`` build.
    unprinted
        PDFs the last build printed of maps this one drew again, from changed inputs,
        without printing them, and its atlas when this build printed none (a ``--zone``
        build prints no atlas): removed, as they would no longer match the maps.
    since_last
        What the build found changed since the last one (when it compared), in sentences.
    notes
        What the build reused from the last one, or why it read every input again
        (sentences for the officer).
    reused
        Whether the build reused the last one's layers from the store: ``maps`` are then
        the maps drawn again, and the tables, index and rejected rows are as the last
        build wrote them.
    to_review
        How many changes residents' additions propose to places already mapped, set aside
        for an officer (``tables["additions_to_review"]`` lists them; not rejected).
    """

    index: Path
    maps: dict[str, Path]
    rejected: Path
    repaired: Path | None = None
    tables: dict[str, Path] = field(default_factory=dict)
    workbook: Path | None = None
    store: str | None = None
    pdfs: dict[str, Path] = field(default_factory=dict)
    atlas: Path | None = None
    removed: list[Path] = field(default_factory=list)
    unprinted: list[Path] = field(default_factory=list)
    since_last: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reused: bool = False
    to_review: int = 0

    def paths(self) -> list[Path]:
        """Every file written."""
        files = [self.index, *self.maps.values(), self.rejected, *self.tables.values()]
        files += [*self.pdfs.values(), *([self.atlas] if self.atlas else [])]
        return files + ([self.workbook] if self.workbook else [])
