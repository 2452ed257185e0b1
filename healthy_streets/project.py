"""A project folder: one ``healthy-streets.toml`` saying where everything is.

An officer sets a zone project up once (``healthy-streets init DIR``), edits the file, and
rebuilds the maps before every meeting with ``healthy-streets build``. Paths in the file are
relative to the file's folder. Every problem in the file is reported at once, each naming
the key and what to do.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from healthy_streets._audience import option
from healthy_streets._files import (
    check_output,
    project_folder,
    side_files,
    write_text_atomic,
)
from healthy_streets._project_file import CONFIG_NAME, project_file
from healthy_streets._project_zones import zones_source
from healthy_streets.analysis.evaluation import check_settings
from healthy_streets.errors import ConfigError, ProjectFileError
from healthy_streets.io._common import BUFFER_RANGE_M
from healthy_streets.io.open311 import (
    OPEN311_SERVER,
    RECHECK_RANGE,
    REWALK_RANGE,
    endpoint_folder,
)
from healthy_streets.io.open311 import check_settings as check_open311
from healthy_streets.model.build import Inputs, Source
from healthy_streets.model.dates import DATE_ORDERS
from healthy_streets.model.taxonomy import (
    ASSET_CATEGORIES,
    REPORT_CATEGORIES,
    asset_taxonomy,
    report_taxonomy,
)
from healthy_streets.model.vocabulary import (
    ADJUSTMENTS,
    CONTROLS,
    NATIONS,
    REPORT_FORMATS,
    TIERS,
    words,
)
from healthy_streets.sample import FILES, generate_sample

__all__ = [
    "CONFIG_NAME",
    "Project",
    "init_project",
    "load_project",
    "sample_inputs",
    "sample_project",
]


@dataclass
class Project:
    """A project: its inputs, where outputs go, the store, and the evaluation's settings.

    Attributes
    ----------
    name
        Shown on the index page.
    inputs
        The files (and how to read each).
    output
        The folder for maps, tables and the GeoPackage store.
    store
        A PostgreSQL URL (``postgresql://...``) for a shared PostGIS store, or ``None`` for
        the GeoPackage ``<output>/healthy-streets.gpkg``.
    store_schema
        The PostGIS schema.
    evaluation
        Keyword arguments for :func:`healthy_streets.analysis.before_after`.
    path
        The TOML file, when the project came from one.
    additions_contact
        Where residents send the additions they download from a meeting map (each map
        says it).
    compare
        ``"last"``: every build shows what changed since the last one (``build
        --since-last``); ``None``: builds do not compare.
    in_database
        Attach assets and reports to zones and streets, and count them per zone, in the
        PostGIS store's database (``build --in-database``; :mod:`healthy_streets.in_database`).
    additions
        The folder of residents' additions files every build reads (``[project]
        additions``), or ``None``. A place the store holds from a file that was in it, and is
        no longer, is left out of the next build.

    Examples
    --------
    Usually read from a project file by :func:`load_project`; made in Python, for the
    sample with a ring as the evaluation's comparison:

    >>> project = Project("Yarrowside", sample_inputs("data/sample"), out / "yarrowside",
    ...                   evaluation={"control": "ring", "ring_m": 400})
    >>> project.store is None  # the GeoPackage in the output folder
    True

    Built with :func:`~healthy_streets.build` (here one zone's map, with every table):

    >>> from healthy_streets import build
    >>> layers, outputs = build(project, zone="Cowslip")
    >>> sorted(outputs.maps)
    ['cowslip']
    >>> outputs.tables["evaluation"].name
    'evaluation.csv'
    """

    name: str
    inputs: Inputs
    output: Path
    store: str | None = None
    store_schema: str = "healthy_streets"
    evaluation: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    additions_contact: str | None = None
    compare: str | None = None
    in_database: bool = False
    additions: Path | None = None

    @property
    def folder(self) -> Path:
        """The project folder, that published outputs name input files relative to (the
        store's ``source_path``, the build's record): the project file's folder, or for a
        project made in Python, the project folder around its output folder
        (:func:`~healthy_streets._files.project_folder`)."""
        if self.path is not None:
            return Path(self.path).parent.resolve()
        return project_folder(Path(self.output).parent)


# The file's layout: table -> key -> (type, meaning). Tables in _LISTS are arrays of tables.
_SCHEMA: dict[str, dict[str, tuple[type | tuple[type, ...], str]]] = {
    "project": {
        "name": (str, "a title for the index page"),
        "output": (str, "the folder for maps, tables and the store"),
        "nation": (str, words(NATIONS)),
        "buffer_m": ((int, float), "metres around the zones to keep"),
        "allow_outside": (bool, "true to read input files from outside the project folder"),
        "additions": (str, "a folder of residents' additions files, read by every build"),
        "additions_contact": (str, "where residents send their additions (on each map)"),
        "compare": (str, '"last": show what changed since the last build on every map'),
    },
    "zones": {
        "file": (str, "the council's zones file"),
        "crs": (str, "the file's CRS when it declares none"),
        "layer": (str, "the layer of a GeoPackage or KML"),
        "assume_bng": (bool, "read a file with no CRS as British National Grid"),
        "fields": (dict, "role = column, for name, status, date, tro_ref"),
        "date_order": (str, '"dmy" (day first, UK) or "mdy" (month first, US) for numeric dates'),
        "speed_limits": (str, "council speed-limit lines (optional)"),
    },
    "streets": {
        "osm_file": (str, "an OpenStreetMap extract (.osm, .osm.pbf, .graphml)"),
        "place": (str, "a place name to download (needs internet)"),
        "osm_assets": (bool, "also take the assets OpenStreetMap maps"),
    },
    "assets": {
        "file": (str, "an asset file"),
        "category": (str, "category for rows that give none"),
        "layer": (str, "the layer or sheet"),
        "crs": (str, "the file's CRS when it declares none (a sheet's eastings/northings)"),
        "postcodes": (str, "a postcode file for rows with only a postcode"),
        "fields": (dict, "role = column"),
    },
    "reports": {
        "file": (str, "a report file"),
        "format": (str, words(REPORT_FORMATS)),
        "columns": (dict, "role = column, for a council CSV"),
        "fields": (dict, "role = column, for a council CSV (the same as columns)"),
        "layer": (str, "the sheet, when the file is an Excel workbook"),
        "date_order": (str, '"dmy" (day first, UK) or "mdy" (month first, US) for numeric dates'),
        "open311": (str, "instead of file: an Open311 service's URL, asked by every build"),
        "jurisdiction_id": (str, "the council's id on that service (FixMyStreet needs one)"),
        "since": ((str, dt.date), "the first day of reports fetched from open311 (YYYY-MM-DD)"),
        "recheck_per_build": (
            int,
            "the most old open reports open311 asks for again one by one in a build",
        ),
        "rewalk_days": (
            int,
            "days between walks of every date that notice reports an open311 service removed",
        ),
    },
    "taxonomy": {
        "assets": (dict, "extra asset synonyms: text = category key"),
        "reports": (dict, "extra report synonyms: text = category key"),
        "tiers": (dict, f"report category = {words(TIERS)}"),
    },
    "store": {
        "url": (str, "postgresql://... for a shared PostGIS database"),
        "schema": (str, "the PostGIS schema"),
        "in_database": (bool, "true to attach and count in the PostGIS database (needs url)"),
    },
    "evaluation": {
        "category": (
            (str, list),
            'the report category to evaluate, or a list of them ("dog_fouling" or '
            '["dog_fouling", "litter"])',
        ),
        "window_months": (int, "months before and after"),
        "control": (str, words(CONTROLS)),
        "ring_m": ((int, float), "the ring's width in metres"),
        "baseline_months": (int, "months before the date (default: twice window_months)"),
        "gap_m": ((int, float), "metres next to the zones left out of the comparison"),
        "history_months": (int, "months before the before window used for the checks"),
        "min_reports": (int, "fewest reports in a zone (and its comparison) to evaluate it"),
        "adjust": (str, f"{words(ADJUSTMENTS)}: the adjustment for zones tested together"),
        "decided_on": (dict, "zone = the day it was decided on: its baseline ends there"),
    },
}
_LISTS = {"assets", "reports"}
#: The numbers a key may take: (table, key) -> (lowest, highest). The evaluation's own
#: settings are checked by :func:`healthy_streets.analysis.evaluation.check_settings`.
_RANGES: dict[tuple[str, str], tuple[float, float]] = {
    ("project", "buffer_m"): BUFFER_RANGE_M,
    ("reports", "recheck_per_build"): RECHECK_RANGE,
    ("reports", "rewalk_days"): REWALK_RANGE,
}
#: Keys holding a table whose values must be text (role = column, text = category...).
_TEXT_TABLES = {"fields", "columns", "assets", "reports", "tiers"}


def _report_columns(entry: dict[str, Any]) -> dict[str, Any]:
    """A ``[[reports]]`` entry's ``columns`` (or ``fields``, as zones and assets say) and
    the ``layer`` (sheet) of a workbook."""
    named = {**entry.get("columns", {}), **entry.get("fields", {})}
    sheet: dict[str, Any] = {k: entry[k] for k in ("layer", "date_order") if k in entry}
    return {"columns": named, **sheet} if named else sheet


def load_project(path: str | Path) -> Project:
    """Read a ``healthy-streets.toml`` (or the one in a folder).

    Input files must lie inside the project's folder (the file's folder) unless the file
    says ``allow_outside = true`` under ``[project]``; a path that leads elsewhere, through
    ``..``, an absolute path or a link, is refused, and so is a named pipe or a device. So
    are the files read beside an input: a Shapefile's .dbf, .shx, .prj... and a
    GeoPackage's -wal.

    Parameters
    ----------
    path
        The project file, or the folder that holds its ``healthy-streets.toml``. Paths in
        the file are relative to the file's folder.

    Returns
    -------
    Project
        The inputs (each file with how to read it), the output folder, the store and the
        evaluation's settings, all checked.

    Raises
    ------
    ProjectFileError
        Listing every problem in the file, each with the key and the fix; or when the file
        does not exist, is not a regular file, or is not valid TOML.

    Examples
    --------
    A project folder: the sample's files and a project file that names them.

    >>> import shutil
    >>> folder = shutil.copytree("data/sample", out / "my-project")
    >>> _ = (folder / "healthy-streets.toml").write_text('''
    ... [project]
    ... name = "Yarrowside"
    ... output = "out"
    ...
    ... [zones]
    ... file = "zones.geojson"
    ...
    ... [streets]
    ... osm_file = "yarrowside.osm"
    ...
    ... [[reports]]
    ... file = "reports_fixmystreet.csv"
    ... format = "fixmystreet"
    ... ''')
    >>> project = load_project(out / "my-project")
    >>> project.name
    'Yarrowside'
    >>> project.output.relative_to(out)  # "out" is beside the project file
    PosixPath('my-project/out')
    >>> [path.name for path in project.inputs.paths()]
    ['zones.geojson', 'reports_fixmystreet.csv', 'yarrowside.osm']

    ``build(project)`` then builds it (see :func:`~healthy_streets.build`).
    """
    file = project_file(path)
    if file.exists() and not file.is_file():
        raise ProjectFileError(
            f"{file} is not a regular file (it is a named pipe, a device or a socket). "
            "Name the project's healthy-streets.toml itself."
        )
    if not file.is_file():
        raise ProjectFileError(
            f"{file} does not exist. Create a project with: {option('new_project')}, or "
            f"name the project file: {option('project_file')}."
        )
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProjectFileError(f"{file}: the file is not valid TOML ({exc}).") from None
    problems: list[str] = []
    _check_layout(data, problems)
    _normalise_values(data, problems)
    _check_required(data, problems)
    base = file.parent
    _check_paths(data, base, problems)
    if problems:
        listed = "\n".join(f"  - {p}" for p in problems)
        count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        raise ProjectFileError(f"{file} has {count}:\n{listed}")
    return _project(data, file)


def _check_required(data: dict[str, Any], problems: list[str]) -> None:
    """The keys a build cannot do without."""
    zones_table, streets_table = _table(data.get("zones")), _table(data.get("streets"))
    if "file" not in zones_table:
        problems.append("[zones] file is missing: give the council's zones file.")
    if not streets_table.get("osm_file") and not streets_table.get("place"):
        problems.append(
            "[streets] needs osm_file (an OpenStreetMap extract) or place (a name to download)."
        )
    if streets_table.get("osm_file") and streets_table.get("place"):
        problems.append("[streets] has both osm_file and place: keep one.")
    compare = _table(data.get("project")).get("compare")
    if isinstance(compare, str) and compare != "last":
        problems.append(
            f'[project] compare is "{compare}": write compare = "last" to show what changed '
            "since the last build, or remove the key."
        )
    store_table = _table(data.get("store"))
    url = store_table.get("url")
    if store_table.get("in_database") is True and not (
        isinstance(url, str) and url.startswith(("postgresql:", "postgres:"))
    ):
        problems.append(
            "[store] in_database = true attaches in a PostGIS database, but [store] has no "
            'PostgreSQL url: add url = "postgresql://user@host/database", or remove '
            "in_database."
        )
    for kind in ("assets", "reports"):
        for i, entry in enumerate(_entries(data, kind), start=1):
            if kind == "reports" and "open311" in entry:  # live Open311: io/open311.py
                problems += _open311_problems(entry, i)
            elif "file" not in entry:
                problems.append(f"[[{kind}]] number {i} has no file.")


def _open311_problems(entry: dict[str, Any], number: int) -> list[str]:
    """What is wrong with a ``[[reports]]`` entry that names an Open311 service."""
    where = f"[[reports]] number {number}"
    if "file" in entry:
        return [f"{where} has both file and open311: keep one (one [[reports]] per source)."]
    if not isinstance(entry["open311"], str):
        return []  # said by the layout check
    try:
        check_open311(entry["open311"], since=entry.get("since"))
    except ConfigError as exc:
        return [f"{where}: {exc}"]
    return []


def _table(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _entries(data: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    value = data.get(kind, [])
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _input_paths(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Every input path the file names: (where, as written)."""
    zones_table, streets_table = _table(data.get("zones")), _table(data.get("streets"))
    named = [
        ("[project] additions", _table(data.get("project")).get("additions")),
        ("[zones] file", zones_table.get("file")),
        ("[zones] speed_limits", zones_table.get("speed_limits")),
        ("[streets] osm_file", streets_table.get("osm_file")),
    ]
    for kind, keys in (("assets", ("file", "postcodes")), ("reports", ("file",))):
        for i, entry in enumerate(_entries(data, kind), start=1):
            named += [(f"[[{kind}]] number {i} {key}", entry.get(key)) for key in keys]
    return [(where, value) for where, value in named if isinstance(value, str) and value]


def _check_paths(data: dict[str, Any], base: Path, problems: list[str]) -> None:
    """Inputs stay inside the project folder (unless allowed out) and are ordinary files."""
    allow_outside = _table(data.get("project")).get("allow_outside") is True
    folder = base.resolve()
    named = _input_paths(data)
    additions = _table(data.get("project")).get("additions")
    if isinstance(additions, str) and additions:
        named += [
            (f"[project] additions, file {p.name!r}", str(p.relative_to(base)))
            for p in _addition_files(base / additions)
        ]
    for where, value in named:
        written = base / value
        resolved = written.resolve()
        if not allow_outside and not resolved.is_relative_to(folder):
            as_written = Path(os.path.normpath(written.absolute()))
            inside = as_written.is_relative_to(os.path.normpath(base.absolute()))
            link = f" (a link to {resolved})" if inside else ""
            problems.append(
                f"{where} = {value!r} is outside the project folder {folder}{link}. Copy "
                "the file into the folder, or allow files outside it with "
                "allow_outside = true under [project]."
            )
        elif resolved.exists() and not resolved.is_file() and not resolved.is_dir():
            problems.append(
                f"{where} = {value!r} is not a regular file (a named pipe, a device or a "
                "socket). Name the data file itself."
            )
        else:
            problems += _side_file_problems(
                f"{where} = {value!r}", resolved, folder, allow_outside=allow_outside
            )


def _side_file_problems(
    where: str, resolved: Path, folder: Path, *, allow_outside: bool
) -> list[str]:
    """What is wrong with the files read beside an input (a Shapefile's .dbf, .shx, .prj...;
    a GeoPackage's -wal): the same as with the input itself, each named."""
    problems = []
    for side in side_files(resolved):  # GDAL opens them beside the file it is given
        target = side.resolve()
        if not allow_outside and not target.is_relative_to(folder):
            problems.append(
                f"{where}: the file read with it, {side.name!r}, is outside the project "
                f"folder {folder} (a link to {target}). Copy the file itself into the "
                "folder, or allow files outside it with allow_outside = true under [project]."
            )
        elif target.exists() and not target.is_file() and not target.is_dir():
            problems.append(
                f"{where}: the file read with it, {side.name!r}, is not a regular file (a "
                "named pipe, a device or a socket). Put the file itself in its place."
            )
    return problems


def _project(data: dict[str, Any], file: Path) -> Project:
    """The :class:`Project` a checked file describes."""
    base = file.parent

    def resolve(value: str | None) -> Path | None:
        return None if value is None else (base / value).resolve()

    def path_of(value: str) -> Path:
        return (base / value).resolve()

    project_table = data.get("project", {})
    zones_table = data.get("zones", {})
    streets_table = data.get("streets", {})
    nation = project_table.get("nation")
    inputs = Inputs(
        zones_source(zones_table, base),
        osm=resolve(streets_table.get("osm_file")),
        place=streets_table.get("place"),
        assets=[
            Source(
                path_of(entry["file"]),
                options={
                    k: (str(resolve(v)) if k == "postcodes" else v)
                    for k, v in entry.items()
                    if k != "file"
                },
                origin=f"[[assets]] number {number}",
            )
            for number, entry in enumerate(data.get("assets", []), start=1)
        ]
        + _addition_sources(resolve(project_table.get("additions"))),
        reports=[
            _open311_source(entry, base)
            if "open311" in entry
            else Source(
                path_of(entry["file"]),
                entry.get("format"),
                options=_report_columns(entry),
                origin=f"[[reports]] number {number}",
            )
            for number, entry in enumerate(data.get("reports", []), start=1)
        ],
        speed_limits=(
            Source(path_of(zones_table["speed_limits"]), origin="[zones] speed_limits")
            if zones_table.get("speed_limits")
            else None
        ),
        buffer_m=project_table.get("buffer_m"),
        osm_assets=streets_table.get("osm_assets", True),
        nation=nation,
        asset_synonyms=data.get("taxonomy", {}).get("assets", {}),
        report_synonyms=data.get("taxonomy", {}).get("reports", {}),
        tiers=data.get("taxonomy", {}).get("tiers", {}),
        origin=str(file),
    )
    store_table = data.get("store", {})
    return Project(
        name=project_table.get("name", base.resolve().name),
        inputs=inputs,
        output=path_of(project_table.get("output", "out")),
        store=store_table.get("url"),
        store_schema=store_table.get("schema", "healthy_streets"),
        evaluation=dict(data.get("evaluation", {})),
        path=file,
        additions_contact=project_table.get("additions_contact"),
        compare=project_table.get("compare"),
        in_database=bool(store_table.get("in_database", False)),
        additions=resolve(project_table.get("additions")),
    )


def _open311_source(entry: dict[str, Any], base: Path) -> Source:
    """A ``[[reports]] open311 = URL`` entry: fetched into ``<project>/cache/open311/``
    by every build (:mod:`healthy_streets.io.open311`)."""
    options = {"url": entry["open311"]}
    keys = ("jurisdiction_id", "since", "recheck_per_build", "rewalk_days")
    options |= {key: entry[key] for key in keys if key in entry}
    folder = endpoint_folder(
        base.resolve() / "cache" / "open311",
        entry["open311"],
        jurisdiction_id=entry.get("jurisdiction_id"),
    )
    return Source(folder, OPEN311_SERVER, options=options, origin="[[reports]] open311")


#: Files in a project's additions folder that a build reads (a meeting map's downloads).
ADDITION_SUFFIXES = (".geojson", ".json")


def _addition_files(folder: Path | None) -> list[Path]:
    """The additions files in the project's additions folder, in name order."""
    if folder is None or not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() in ADDITION_SUFFIXES and not p.name.startswith(".")
    )


def _addition_sources(folder: Path | None) -> list[Source]:
    """Every additions file in the project's additions folder, as assets to read after the
    project's own asset files (so a resident's addition never replaces a place the
    council's files hold: it is counted once, or set aside as a change)."""
    return [Source(p.resolve(), origin="[project] additions") for p in _addition_files(folder)]


def _normalise_values(data: dict[str, Any], problems: list[str]) -> None:
    """Read choices in any case ("Wales", "FixMyStreet", "Dog fouling") and check them."""

    def choose(where: str, value: object, allowed: tuple[str, ...]) -> str:
        chosen = "_".join(str(value).strip().lower().split())
        if chosen not in allowed:
            problems.append(f"{where} = {value!r} should be one of {words(allowed)}.")
        return chosen

    project_table = _table(data.get("project"))
    if "nation" in project_table:
        project_table["nation"] = choose("[project] nation", project_table["nation"], NATIONS)
    entries = data.get("reports", [])
    for i, entry in enumerate(entries if isinstance(entries, list) else [], start=1):
        if isinstance(entry, dict) and "format" in entry:
            entry["format"] = choose(
                f"[[reports]] number {i} format", entry["format"], REPORT_FORMATS
            )
        if isinstance(entry, dict) and isinstance(entry.get("date_order"), str):
            where = f"[[reports]] number {i} date_order"
            entry["date_order"] = choose(where, entry["date_order"], DATE_ORDERS)
    zones_table = _table(data.get("zones"))
    if isinstance(zones_table.get("date_order"), str):
        zones_table["date_order"] = choose(
            "[zones] date_order", zones_table["date_order"], DATE_ORDERS
        )
    taxonomy = _table(data.get("taxonomy"))
    reports_keys, assets_keys = report_taxonomy(), asset_taxonomy()
    for kind, keys, known in (
        ("assets", assets_keys, ASSET_CATEGORIES),
        ("reports", reports_keys, REPORT_CATEGORIES),
    ):
        own = taxonomy.get(kind, {})
        own = own if isinstance(own, dict) else {}
        for text, key in list(own.items()):
            own[text] = keys.key(str(key))
            if own[text] not in known:
                problems.append(
                    f"[taxonomy.{kind}] {text!r} = {key!r}: there is no such "
                    f"category; use one of {', '.join(known)}."
                )
    tiers = _table(taxonomy.get("tiers"))
    for key, tier in list(tiers.items()):
        del tiers[key]
        category = reports_keys.key(str(key))
        if category not in REPORT_CATEGORIES:
            problems.append(
                f"[taxonomy.tiers] {key!r}: there is no such report category; use "
                f"one of {', '.join(REPORT_CATEGORIES)}."
            )
        tiers[category] = choose(f"[taxonomy.tiers] {key}", str(tier), TIERS)
    evaluation = _table(data.get("evaluation"))
    if "category" in evaluation:
        chosen = evaluation["category"]
        if isinstance(chosen, list):
            if not chosen or not all(isinstance(c, str) for c in chosen):
                problems.append(
                    f"[evaluation] category = {chosen!r} should be a category or a list of "
                    'them, in quotes: ["dog_fouling", "litter"].'
                )
            else:
                picked = list(dict.fromkeys(reports_keys.key(c) for c in chosen))
                evaluation["category"] = picked[0] if len(picked) == 1 else picked
        else:
            evaluation["category"] = reports_keys.key(str(chosen))
    if "control" in evaluation:
        evaluation["control"] = str(evaluation["control"]).strip().lower()
    if any(p.startswith("[evaluation]") for p in problems):
        return  # a key of the wrong type is already listed; checking values would repeat it
    try:
        check_settings(**evaluation)
    except (ConfigError, TypeError) as exc:
        problems.append(f"[evaluation] {exc}")


def _check_layout(data: dict[str, Any], problems: list[str]) -> None:
    for table, value in data.items():
        if table not in _SCHEMA:
            problems.append(
                f"[{table}] is not a table the toolkit knows; the tables are {', '.join(_SCHEMA)}."
            )
            continue
        entries = value if table in _LISTS else [value]
        if table in _LISTS and not isinstance(value, list):
            problems.append(f"{table} should be written [[{table}]], one per file.")
            continue
        for entry in entries:
            if not isinstance(entry, dict):
                problems.append(f"[{table}] should be a table of keys.")
                continue
            for key, item in entry.items():
                _check_setting(table, key, item, problems)


def _check_setting(table: str, key: str, item: object, problems: list[str]) -> None:
    """One key's type, and its range for a number."""
    spec = _SCHEMA[table].get(key)
    if spec is None:
        known = ", ".join(_SCHEMA[table])
        problems.append(
            f"[{table}] {key} is not a setting the toolkit knows; the settings are {known}."
        )
        return
    types, meaning = spec
    allowed = types if isinstance(types, tuple) else (types,)
    if not isinstance(item, allowed) or (isinstance(item, bool) and bool not in allowed):
        problems.append(f"[{table}] {key} = {item!r} should be {meaning}.")
        return
    if (table, key) in _RANGES:
        low, high = _RANGES[(table, key)]
        if not (isinstance(item, int | float) and math.isfinite(item) and low <= item <= high):
            problems.append(
                f"[{table}] {key} = {item!r} should be {meaning}: a number from {low:g} "
                f"to {high:g}."
            )
    if isinstance(item, dict) and key in _TEXT_TABLES:
        for name, value in item.items():
            if not isinstance(value, str):
                problems.append(f"[{table}.{key}] {name} = {value!r} should be text, in quotes.")


def sample_inputs(directory: str | Path | None = None) -> Inputs:
    """The bundled sample neighbourhood's inputs.

    Parameters
    ----------
    directory
        Where the sample's files are. By default the checkout's ``data/sample``; where
        that does not exist (an installed package), the sample is generated into a cache
        folder first.

    Returns
    -------
    Inputs
        The zones, the OpenStreetMap extract (streets and OSM's assets), the walkabout's
        assets, and the reports of the FixMyStreet export and the Open311 feed.

    Examples
    --------
    >>> import healthy_streets as hs
    >>> layers = hs.load_layers(hs.sample_inputs())
    >>> len(layers.zones), len(layers.streets), len(layers.assets), len(layers.reports)
    (4, 620, 185, 2692)
    >>> for path in hs.sample_inputs("data/sample").paths():
    ...     print(path.name)
    zones.geojson
    assets_walkabout.csv
    reports_fixmystreet.csv
    reports_open311.json
    yarrowside.osm
    """
    folder = Path(directory) if directory is not None else _sample_folder()
    return Inputs(
        folder / FILES["zones"],
        osm=folder / FILES["osm"],
        assets=[folder / FILES["assets"]],
        reports=[
            (folder / FILES["reports_fixmystreet"], "fixmystreet"),
            (folder / FILES["reports_open311"], "open311"),
        ],
    )


def _sample_folder() -> Path:
    checkout = Path(__file__).resolve().parents[1] / "data" / "sample"
    if all((checkout / name).is_file() for name in FILES.values()):
        return checkout
    cache = Path.home() / ".cache" / "healthy_streets" / "sample"
    if not all((cache / name).is_file() for name in FILES.values()):
        generate_sample(cache)
    return cache


def sample_project(output: str | Path = "out/demo") -> Project:
    """The bundled sample as a project (what ``healthy-streets demo`` builds).

    Parameters
    ----------
    output
        The output folder.
    """
    return Project(
        name="Yarrowside (sample): 20mph zone maps", inputs=sample_inputs(), output=Path(output)
    )


TEMPLATE = f"""# healthy-streets project file. Paths are relative to this file's folder.
# Build the maps, tables and the store with:  healthy-streets build {{config}}
# Every setting is described in README.md beside this file.

[project]
name = {{name}}
output = "out"                  # maps, tables and the GeoPackage store go here
nation = "england"              # {words(NATIONS)}
buffer_m = 300                  # metres around the zones to keep streets, assets, reports
# allow_outside = true          # read input files from outside this folder too
additions = "additions"         # residents' additions files from the meeting maps: every
                                # build reads them (put each downloaded file in it)
# additions_contact = "healthy.streets@example.gov.uk"   # "Then send the file to ..." on each map
# compare = "last"              # every build shows what changed since the last one

[zones]
file = "zones.geojson"          # GeoJSON, Shapefile (.shp/.zip), GeoPackage, KML/KMZ, CSV+WKT
# crs = "EPSG:27700"            # only when the file declares no CRS
# layer = "zones_2025"          # a GeoPackage or KML with several layers
# date_order = "mdy"            # numeric dates month first (US); default: decided and said
# speed_limits = "council_speed_limits.shp"   # council street lines, compared with OSM
# [zones.fields]                # when the file's column names are not recognised
# name = "SCHEME_NAME"
# date = "GO_LIVE"

[streets]
osm_file = "area.osm.pbf"       # an OpenStreetMap extract (.osm, .osm.bz2, .osm.pbf, .graphml)
# place = "Chorley, Lancashire" # instead of osm_file: download (needs internet; cached)
osm_assets = true               # also take benches, parks, schools... mapped in OpenStreetMap

[[assets]]
file = "walkabout.csv"          # CSV/.xlsx (lat/lon, easting/northing, grid ref, postcode),
                                # GeoJSON, KML/KMZ, or a meeting map's additions file
# postcodes = "ONSPD.csv"       # to place rows that give only a postcode
# category = "Library"          # for a file of one kind
# layer = "Assets"              # the sheet of a workbook, or the layer of a GeoPackage/KML
# [assets.fields]               # when the file's column names are not recognised
# name = "Site"
# category = "Type"

# [[assets]]                    # one [[assets]] table per file
# file = "community-additions.geojson"

[[reports]]
file = "fixmystreet.csv"
format = "fixmystreet"          # {words(REPORT_FORMATS)}

# [[reports]]                   # straight from the council's Open311 service: every build
# open311 = "https://www.fixmystreet.com/open311/v2/requests.json"   # asks only for changes
# jurisdiction_id = "fixmystreet.com"
# since = 2024-04-01            # the first day of reports to fetch (default: two years ago)
# recheck_per_build = 50        # old open reports asked for again one by one (FixMyStreet)
# rewalk_days = 7               # every date asked again this often, to notice removed reports

# [[reports]]                   # a council CRM export: its columns are found, or named here
# file = "crm.csv"               # or an Excel workbook, with layer = "Sheet1" for one sheet
# format = "csv"
# date_order = "mdy"            # numeric dates month first (US); default: decided and said
# [reports.fields]              # (or [reports.columns])
# report_id = "Case Ref"
# category = "Enquiry Type"
# created = "Logged On"
# easting = "X"
# northing = "Y"

[taxonomy.assets]               # the project's own words: text = category key (docs/taxonomy.md)
# "chatty bench" = "bench"

[taxonomy.reports]
# "dog poo" = "dog_fouling"

[taxonomy.tiers]                # which tier handles a report category here
# graffiti = "county"

[store]
# url = "postgresql://user@host/database"   # a shared PostGIS database instead of the GeoPackage
# schema = "healthy_streets"
# in_database = true                         # attach and count in that database (docs/postgis.md)

[evaluation]
category = "dog_fouling"
window_months = 12
control = "outside"             # outside (all zones), ring (around each zone) or
                                # not_yet_treated (zones not yet in force); outside and
                                # ring leave out the gap_m (100 m) next to the zones
"""

README_TEMPLATE = """# {name}

A healthy-streets project. Put the input files in this folder, say where they are in
`{config}`, and build everything with:

    healthy-streets build {config}

That writes, into the output folder (`out/` by default):

- `index.html` and `maps/<zone>.html`: meeting maps that open with no internet;
- `tables/*.csv` and `tables.xlsx`: the per-zone summary, reports and assets by category,
  hotspot streets, 20mph gaps, the before/after evaluation and the scorecard;
- `healthy-streets.gpkg`: every layer for QGIS (British National Grid), the rejected rows
  with their reasons, and where each layer came from;
- `rejected.csv`: every input row not used, and why.
- `repaired.csv`: every input row kept after a change, and what was done.

Rebuild before each meeting with `healthy-streets build {config} --overwrite`; one zone
only with `--zone NAME`. Existing outputs are never replaced without `--overwrite`.

## The settings

Every table and key the project file may hold (paths are relative to the file). Category
keys for `[taxonomy]` and `[evaluation]` are listed by `healthy-streets categories`.

{settings}
"""


def settings_markdown() -> str:
    """Every table and key of the project file with its meaning, as Markdown."""
    lines: list[str] = []
    for table, keys in _SCHEMA.items():
        heading = f"[[{table}]]" if table in _LISTS else f"[{table}]"
        once = " (one table per file)" if table in _LISTS else ""
        lines.append(f"- `{heading}`{once}:")
        lines += [f"  - `{key}`: {meaning}" for key, (_, meaning) in keys.items()]
    return "\n".join(lines)


def init_project(
    directory: str | Path, *, name: str | None = None, overwrite: bool = False
) -> list[Path]:
    """Write a commented ``healthy-streets.toml`` and a short README into ``directory``.

    Returns the paths written. Existing files are refused unless ``overwrite``.
    """

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    title = name or folder.resolve().name.replace("-", " ").replace("_", " ").title()
    files = {
        folder / CONFIG_NAME: TEMPLATE.format(name=json.dumps(title), config=CONFIG_NAME),
        folder / "README.md": README_TEMPLATE.format(
            name=title, config=CONFIG_NAME, settings=settings_markdown()
        ),
    }
    for path in files:
        check_output(path, overwrite=overwrite)
    (folder / "additions").mkdir(exist_ok=True)
    return [write_text_atomic(path, text) for path, text in files.items()]
