"""Messages in the caller's language: a setting named as the caller writes it.

The same setting has three names: a keyword in Python (``crs=``), a flag on the command line
(``--crs``) and a key in a project file (``[zones] crs``). An error that tells the user how
to fix something names the setting with :func:`option`, which asks who is listening: the
command line says so for the whole of a command (:func:`speaking_to`), and a project's input
file says so while it is read (:meth:`healthy_streets.model.build.Source.read`, with the
table that names the file). Python is the default.

>>> option("crs", "EPSG:27700")
'crs="EPSG:27700"'
>>> with speaking_to("cli"):
...     option("crs", "EPSG:27700")
'--crs EPSG:27700'
>>> with speaking_to("project", table="[zones]"):
...     option("crs", "EPSG:27700")
'[zones] crs = "EPSG:27700"'
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass

__all__ = ["AUDIENCES", "OPTIONS", "Option", "Speaker", "audience", "option", "speaking_to"]

#: Who may be listening.
AUDIENCES = ("python", "cli", "project")


@dataclass(frozen=True)
class Option:
    """One setting's three names.

    Attributes
    ----------
    python
        The keyword (``crs``), or a phrase for Python when it is no keyword.
    cli
        The flag (``--crs``).
    project
        The key in the project file's table (``crs``), or a whole phrase starting with
        ``[`` for a key of a fixed table (``[streets] osm_file``); ``None`` when the project
        file has no such key (the setting is then named as the command line or Python names
        it, whichever runs the project).
    kind
        ``"value"`` (``crs="EPSG:27700"``), ``"flag"`` (on or off: ``overwrite=True``,
        ``--overwrite``), ``"mapping"`` (role = column: ``fields={"name": "SCHEME"}``),
        ``"setting"`` (one of :mod:`healthy_streets.settings`, an environment variable on
        the command line) or ``"phrase"`` (each name is said as it is written, the value
        left out: ``healthy-streets init FOLDER``).

    A name that is no keyword in Python (``read_reports(path)``), no flag on the command
    line (``healthy-streets assets FILE.osm``) is a phrase, said as it is written.
    """

    python: str
    cli: str
    project: str | None
    kind: str = "value"


OPTIONS: dict[str, Option] = {
    "crs": Option("crs", "--crs", "crs"),
    "layer": Option("layer", "--layer", "layer"),
    "assume_bng": Option("assume_bng", "--assume-bng", "assume_bng", kind="flag"),
    "fields": Option("fields", "--field", "fields", kind="mapping"),
    "date_order": Option("date_order", "--date-order", "date_order"),
    "columns": Option("columns", "--map", "columns", kind="mapping"),
    "category": Option("category", "--category", "category"),
    "postcodes": Option("postcodes", "--postcodes", "postcodes"),
    "overwrite": Option("overwrite", "--overwrite", None, kind="flag"),
    "output": Option("output", "--output", None),
    "osm_file": Option(
        "street_network_from_osm_file(path) (or Inputs(osm=path))",
        "--osm-file",
        "[streets] osm_file",
    ),
    "osm_assets_file": Option(
        "assets_from_osm_file(path) (or Inputs(osm=path))",
        "healthy-streets assets FILE.osm",
        "[streets] osm_file",
    ),
    "buffer_m": Option("buffer_m", "--buffer", "[project] buffer_m"),
    "reports_file": Option(
        "read_reports(path) (or Inputs(reports=[path]))",
        "healthy-streets reports FILE",
        '[[reports]] file = "FILE" (in place of open311)',
    ),
    "working_crs": Option(
        "hs.settings.working_crs", "HEALTHY_STREETS_WORKING_CRS", None, kind="setting"
    ),
    # a project's own words for categories: text = category key
    "asset_synonyms": Option(
        'taxonomy=asset_taxonomy({"TEXT": "CATEGORY"}) (from healthy_streets.model.taxonomy)',
        "--synonym",
        "[taxonomy.assets]",
        kind="mapping",
    ),
    "report_synonyms": Option(
        'taxonomy=report_taxonomy({"TEXT": "CATEGORY"}) (from healthy_streets.model.taxonomy)',
        "--synonym",
        "[taxonomy.reports]",
        kind="mapping",
    ),
    "since_last": Option(
        "since_last=True", "--since-last", '[project] compare = "last"', kind="phrase"
    ),
    "zone": Option("zone", "--zone", None),
    "store": Option("store", "--store", "[store] url"),
    "in_database": Option("in_database", "--in-database", "[store] in_database", kind="flag"),
    "jurisdiction_id": Option("jurisdiction_id", "--jurisdiction-id", "jurisdiction_id"),
    "new_project": Option(
        "healthy_streets.project.init_project(FOLDER)", "healthy-streets init FOLDER", None
    ),
    "project_file": Option(
        'load_project("path/to/healthy-streets.toml")',
        "healthy-streets build path/to/healthy-streets.toml",
        None,
    ),
    "categories_listed": Option(
        "docs/taxonomy.md lists them, with the words read as each",
        "healthy-streets categories lists them",
        None,
    ),
    "derive_zones": Option(
        "zones_from_osm_20mph(streets) (from healthy_streets.analysis.zones) draws them from "
        "OpenStreetMap",
        "healthy-streets network --derive-zones --output FILE draws them from OpenStreetMap",
        None,
        kind="phrase",
    ),
    "min_area": Option(
        "zones_from_osm_20mph(streets, min_area_m2=...) with a lower area draws smaller zones",
        "a lower --min-area draws smaller zones",
        None,
        kind="phrase",
    ),
    "speed_limit_lines": Option(
        "read_speed_limit_lines(path) (zones_from_speed_limit_lines(lines) makes zones of "
        'them, grouped by the field read_speed_limit_lines(path, fields={"group": FIELD}) '
        "names)",
        "healthy-streets zones FILE (--group-by FIELD builds zones from them)",
        '[zones] speed_limits = "FILE", the zones themselves in [zones] file',
        kind="phrase",
    ),
}


@dataclass(frozen=True)
class Speaker:
    """Who is listening.

    Attributes
    ----------
    audience
        ``"python"``, ``"cli"`` or ``"project"``.
    table
        For a project: the table that names the file being read (``[zones]``,
        ``[[assets]] number 2``).
    outer
        For a project: who runs it (``"cli"`` or ``"python"``), for settings the project
        file does not hold (``overwrite``).
    flags
        Settings the caller names its own way, as pairs of a key of :data:`OPTIONS` and the
        name: on the command line a command's flags of its own
        (``("layer", "--speed-limits-layer")``), in Python a function's keywords of its
        own (``("crs", "zones_crs")``, as :class:`~healthy_streets.Inputs` names them).
    """

    audience: str = "python"
    table: str = ""
    outer: str = "python"
    flags: tuple[tuple[str, str], ...] = ()


_PYTHON = Speaker()
_SPEAKER: ContextVar[Speaker | None] = ContextVar("healthy_streets_speaker", default=None)


def audience() -> Speaker:
    """Who is listening now."""
    return _SPEAKER.get() or _PYTHON


@contextlib.contextmanager
def speaking_to(
    who: str, *, table: str = "", flags: dict[str, str] | None = None
) -> Iterator[Speaker]:
    """Name settings for ``who`` (``"python"``, ``"cli"`` or ``"project"``) in the block.

    A project's ``table`` is the table naming the file read in the block (``[zones]``).
    ``flags`` names the settings the caller names its own way for the file read in the
    block: a command's flags (``{"layer": "--speed-limits-layer"}``), or in Python a
    function's keywords (``{"crs": "zones_crs"}``).

    >>> with speaking_to("cli", flags={"layer": "--speed-limits-layer"}):
    ...     option("layer", "roads")
    '--speed-limits-layer roads'
    >>> with speaking_to("python", flags={"crs": "zones_crs"}):
    ...     option("crs", "EPSG:27700")
    'zones_crs="EPSG:27700"'
    """
    if who not in AUDIENCES:
        raise ValueError(f"Unknown audience {who!r}; use one of {', '.join(AUDIENCES)}.")
    unknown = sorted(set(flags or {}) - set(OPTIONS))
    if unknown:
        raise ValueError(f"Unknown settings {unknown}; use keys of OPTIONS.")
    now = audience()
    outer = now.outer if now.audience == "project" else now.audience
    speaker = Speaker(who, table, outer, tuple((flags or {}).items()))
    token = _SPEAKER.set(speaker)
    try:
        yield speaker
    finally:
        _SPEAKER.reset(token)


def option(
    name: str,
    value: object = None,
    *,
    role: str | None = None,
    roles: Mapping[str, object] | None = None,
) -> str:
    """The setting ``name`` as the listener writes it, with ``value`` if given.

    Parameters
    ----------
    name
        A key of :data:`OPTIONS` (``"crs"``, ``"overwrite"``, ``"fields"``...).
    value
        The value to show (``"EPSG:27700"``); for a flag, ignored.
    role
        For a mapping (``fields``, ``columns``): the role whose column ``value`` is.
    roles
        For a mapping: several roles at once, role -> column, said as one setting (one
        ``fields=`` in Python), in place of ``role`` and ``value``.

    Examples
    --------
    >>> option("overwrite")
    'overwrite=True'
    >>> option("fields", "SCHEME", role="name")
    'fields={"name": "SCHEME"}'
    >>> with speaking_to("cli"):
    ...     option("fields", "SCHEME", role="name")
    '--field name=SCHEME'
    >>> option("fields", roles={"easting": "N", "northing": "E"})
    'fields={"easting": "N", "northing": "E"}'
    >>> with speaking_to("cli"):
    ...     option("fields", roles={"easting": "N", "northing": "E"})
    '--field easting=N --field northing=E'
    """
    spec = OPTIONS[name]
    if roles is not None and spec.kind != "mapping":
        raise ValueError(f"{name} is no mapping: it takes no roles")
    pairs: _Pairs = list(roles.items()) if roles is not None else [(role, value)]
    speaker = audience()
    who = speaker.audience
    if who == "project" and spec.project is None:
        who = speaker.outer
    renamed = dict(speaker.flags).get(name) if who == speaker.audience else None
    if who == "cli":
        if renamed is not None:
            spec = Option(spec.python, renamed, spec.project, spec.kind)
        return _cli(spec, value, pairs)
    if who == "project":
        return _project(spec, value, pairs, speaker.table)
    if renamed is not None:
        spec = Option(renamed, spec.cli, spec.project, spec.kind)
    return _python(spec, value, pairs)


def _shown(value: object) -> str:
    return json.dumps(str(value), ensure_ascii=False)


#: A mapping's roles and their columns, as :func:`option` was given them.
_Pairs = list[tuple[str | None, object]]


def _python(spec: Option, value: object, pairs: _Pairs) -> str:
    if spec.kind == "phrase":
        return spec.python
    if spec.kind == "setting":
        return spec.python if value is None else f"{spec.python} = {_shown(value)}"
    if spec.kind == "flag":
        return f"{spec.python}=True"
    if not spec.python.isidentifier():
        return spec.python
    if spec.kind == "mapping":
        shown = (f"{_shown(r or 'ROLE')}: {_shown(_column(v))}" for r, v in pairs)
        return f"{spec.python}={{{', '.join(shown)}}}"
    return f"{spec.python}=" if value is None else f"{spec.python}={_shown(value)}"


def _column(value: object) -> object:
    """A mapping's column as said: ``COLUMN`` when none is given."""
    return value if value is not None else "COLUMN"


def _cli(spec: Option, value: object, pairs: _Pairs) -> str:
    if spec.kind == "setting":
        return spec.cli if value is None else f"{spec.cli}={value}"
    if spec.kind == "phrase" or not spec.cli.startswith("-"):
        return spec.cli  # a command, or words: as written
    if spec.kind == "flag":
        return spec.cli
    if spec.kind == "mapping":
        return " ".join(f"{spec.cli} {r or 'ROLE'}={_column(v)}" for r, v in pairs)
    return spec.cli if value is None else f"{spec.cli} {value}"


def _project(spec: Option, value: object, pairs: _Pairs, table: str) -> str:
    key = str(spec.project)
    if spec.kind == "phrase":
        return key
    if key.startswith("[") and spec.kind == "mapping":  # a table of its own: text = value
        shown = (
            f"{_shown(r or 'TEXT')} = {_shown(v if v is not None else 'VALUE')}" for r, v in pairs
        )
        return f"{key} {' and '.join(shown)}"
    if key.startswith("["):
        where = key
    elif spec.kind == "mapping":
        kind = table.strip("[]").split("]")[0].strip("[ ") or "zones"
        where = f"[{kind}.{key}]" + (f" (of {table})" if table.startswith("[[") else "")
        return f"{where} " + " and ".join(f"{r or 'ROLE'} = {_shown(_column(v))}" for r, v in pairs)
    else:
        where = f"{table} {key}" if table else key
    if spec.kind == "flag":
        return f"{where} = true"
    return where if value is None else f"{where} = {_shown(value)}"
