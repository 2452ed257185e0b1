"""Rebuilds that reuse what the last build made, when its inputs have not changed.

Every project build leaves a record beside its outputs, ``OUT/.healthy-streets-build.json``
(moved into place with them, so it always describes the outputs it sits beside): the
fingerprint of what the build read (each input file's role, path relative to the project
folder (:func:`~healthy_streets._files.recorded_path`: the record sits in the output
folder, which is shared, and never says where the files are on the officer's machine),
SHA-256, that of
each file read beside it (a Shapefile's .dbf, .shx, .prj...; a GeoPackage's -wal) and reader
options; the project's settings; the toolkit's version), the SHA-256 of the GeoPackage
store it wrote and of every output, how each import went, and every zone's id and name
(``build --zone NAME`` checks the name against them: :mod:`healthy_streets._build_record`).

The next build of the project compares (:func:`plan_rebuild`):

- the inputs' fingerprint is the same, the store's SHA-256 (a PostGIS store's content
  digest) is the one recorded, and the
  tables, index and rejected rows are as the build wrote them: the layers are the store's
  (already attached to each other, read from it instead of the files). Only the maps that
  are missing, or differ from what the build wrote, are drawn again (with ``--zone``, that
  zone's map), from the stored rows around each zone; with none to draw, nothing changes;
- only report files changed (their content, or which there are): the reports are read
  again and attached to the zones, streets and assets of the store, and everything is
  made again from them (the same outputs as a build reading every file);
- anything else (another input changed, added or removed, a setting or the toolkit
  changed, the store changed or missing, an output table edited, an input read online) is
  a full build, and the reason is said.

A PostGIS store is reused as a GeoPackage is: in place of the file's SHA-256, the record
keeps a digest of the store's content that the database works out as the build writes it
(:meth:`~healthy_streets.io.store.PostGISStore.content_digest`), and the next build asks the
database for it again: any row another user, an import or another build added, removed or
edited since means every input is read again. The record names the database by its URL
without the password.

The toolkit counts as changed when its version does, or any file of the installed package
(a development install between versions).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import geopandas as gpd
import pandas as pd
import shapely

from healthy_streets._build_record import (
    RECORD_FORMAT,
    RECORD_NAME,
    as_recorded,
    read_record,
    recorded_options,
    side_file_digests,
    toolkit_digest,
    toolkit_settings,
)
from healthy_streets._files import recorded_path, sha256
from healthy_streets._version import __version__
from healthy_streets.history import public_url
from healthy_streets.io.open311 import OPEN311_SERVER
from healthy_streets.io.store import SOURCE_PATH
from healthy_streets.model.account import ACCOUNT_COLUMNS, ImportResult
from healthy_streets.model.build import BuildOutputs, Layers
from healthy_streets.model.layers import LAYERS, empty_layer
from healthy_streets.model.osm_date import OsmDate
from healthy_streets.project import Project

__all__ = [
    "RECORD_NAME",
    "Rebuild",
    "build_record",
    "input_fingerprint",
    "layers_but_reports",
    "layers_from_store",
    "plan_rebuild",
    "reused_outputs",
    "store_entry",
    "write_record",
]

#: Past this many maps to draw again, the store's layers are read whole, once.
ZONE_READS = 8
#: Metres read around a zone beyond what its map shows: streets entering the view whole.
_SLACK_M = 500.0


def input_fingerprint(project: Project) -> dict[str, Any]:
    """What a build of ``project`` reads and the settings it reads it with; ``unusable``
    says why a build of them cannot be reused (inputs in memory or online never are)."""
    inputs = project.inputs
    why = ""
    if inputs.streets is not None or inputs.place is not None:
        why = "the street network is not a file (it is downloaded, or given in memory)"
    roles: list[tuple[str, Any]] = [("zones", inputs.zones)]
    roles += [("assets", s) for s in inputs.assets] + [("reports", s) for s in inputs.reports]
    roles += [("speed_limits", inputs.speed_limits)] if inputs.speed_limits is not None else []
    folder = project.folder
    files = []
    for role, source in roles:
        if source.format == OPEN311_SERVER:
            host = urlsplit(public_url(str(source.options["url"]))).netloc  # no password
            why = why or f"the reports come from the Open311 service at {host}, asked every build"
            continue
        if source.path is None:
            why = why or f"{source.name} is not a file (a service, or a layer in memory)"
            continue
        if not source.path.is_file():
            why = why or f"{source.name} is not there"
            continue
        files.append(_file_entry(role, source.path, source.format, source.options, folder))
    if inputs.osm is not None and inputs.osm.is_file():
        files.append(_file_entry("streets", inputs.osm, None, {}, folder))
    project_settings = {
        "title": project.name,
        "evaluation": project.evaluation,
        "additions_contact": project.additions_contact,
        "buffer_m": inputs.buffer_m,
        "osm_assets": inputs.osm_assets,
        "nation": inputs.nation,
        "asset_synonyms": inputs.asset_synonyms,
        "report_synonyms": inputs.report_synonyms,
        "tiers": inputs.tiers,
        "toolkit_settings": toolkit_settings(),
    }
    return {
        "toolkit_version": __version__,
        "toolkit_files": toolkit_digest(),
        "files": files,
        "settings": as_recorded(project_settings),
        "unusable": why,
    }


def _file_entry(
    role: str, path: Path, format: str | None, options: dict[str, Any], folder: Path
) -> dict[str, Any]:
    """An input file's role, place (relative to the project ``folder``), content and
    options; its content is also that of the files read with it (a Shapefile's .dbf,
    where QGIS saves an edited name; a GeoPackage's -wal, where SQLite keeps rows not yet
    written into the file)."""
    return {
        "role": role,
        "name": path.name,
        "path": recorded_path(path, folder),
        "sha256": sha256(path),
        "side_files": side_file_digests(path),
        "format": format,
        "options": recorded_options(options, folder),
    }


@dataclass
class Rebuild:
    """A build that reuses the last one: what it found and what it draws again.

    Attributes
    ----------
    record
        The last build's record (see the module's notes).
    redraw
        The ``zone_id`` of each map to draw again.
    said
        What is reused, in a sentence for the officer.
    whole
        Whether the store's layers are read whole (many maps to draw, or an index page
        whose links change), else around each map's zone only.
    reread
        Only report files changed: the reports are read again and everything is made
        again from them and the store's other layers.
    index
        Whether the index page is made again: maps drawn for the first time need links.
    """

    record: dict[str, Any]
    redraw: list[str]
    said: str
    whole: bool = False
    reread: bool = False
    index: bool = False

    @property
    def built_on(self) -> str:
        """The last build's date and time, as an officer reads it."""
        return _when(self.record)


def _when(record: dict[str, Any]) -> str:
    try:
        moment = dt.datetime.fromisoformat(str(record.get("built_at")))
    except ValueError:
        return "an earlier build"
    return f"{moment.astimezone():%d %b %Y %H:%M}"


def plan_rebuild(
    fingerprint: dict[str, Any],
    out: Path,
    store_target: str,
    *,
    zone_id: str | None,
    pdf: bool,
    store: Any = None,
) -> tuple[Rebuild | None, str]:
    """Whether a build of the inputs ``fingerprint`` describes (:func:`input_fingerprint`)
    into ``out`` can reuse the last one; ``store`` is the opened store of ``store_target``
    (a PostGIS store's content is checked through it).

    Returns
    -------
    (Rebuild or None, str)
        The rebuild, or ``None`` and why every input is read again (a sentence).
    """
    why = str(fingerprint.get("unusable", ""))
    if why:
        return None, f"Reading every input: {why}."
    record, why = read_record(out)
    if record is None:
        return None, f"Reading every input: {why}."
    when = _when(record)
    changed = changes(record.get("inputs", {}), fingerprint)
    reread = changed and _only_reports(record, fingerprint)
    if changed and not reread:
        return None, f"Reading every input: {changed} since the build of {when}."
    path, why = _store_as_built(record, store_target, store, when, out)
    if why:
        return None, why
    if reread:
        said = (
            f"Zones, streets and assets unchanged since the build of {when}: read from the "
            f"store {path}; {changed}: the reports are read again."
        )
        return Rebuild(record=record, redraw=[], said=said, reread=True), ""
    outputs: dict[str, str] = record.get("outputs", {})
    for relative, digest in outputs.items():
        if relative.startswith("maps/"):
            continue
        if not (out / relative).is_file() or sha256(out / relative) != digest:
            return None, (
                f"Reading every input: {relative} was changed or removed since the build of "
                f"{when}; everything is built again."
            )
    zone_ids = [str(z) for z in record.get("zone_ids", [])]
    wanted = zone_ids if zone_id is None else [zone_id]
    redraw = [zid for zid in wanted if zid == zone_id or _changed(out, zid, outputs, pdf=pdf)]
    if pdf and zone_id is None and (redraw or "atlas.pdf" not in outputs):
        return None, (
            f"Reading every input: the atlas of the build of {when} lacks maps drawn since; "
            "everything is built and printed again."
        )
    links_change = any(f"maps/{zid}.html" not in outputs for zid in redraw)
    said = (
        f"Streets, assets and reports unchanged since the build of {when}: read from the "
        f"store {path}."
    )
    whole = links_change or len(redraw) > ZONE_READS
    return Rebuild(record=record, redraw=redraw, said=said, whole=whole, index=links_change), ""


def _store_as_built(
    record: dict[str, Any], store_target: str, store: Any, when: str, out: Path
) -> tuple[str, str]:
    """The store for people to read, and why it cannot be reused (``""``: it can): it
    must be the one the build of ``record`` wrote, holding what that build left in it.

    A GeoPackage's SHA-256 is compared with the record's; a PostGIS store's content digest
    (:meth:`~healthy_streets.io.store.PostGISStore.content_digest`, worked out by the
    database) with the one the build took as it wrote, so that rows another user or an
    import added, removed or edited since are seen.
    """
    entry = record.get("store") or {}
    if str(store_target).startswith("postgres"):
        if store is None or entry.get("key") != store.key:
            return "", f"Reading every input: the build of {when} wrote another store."
        where = store.name
        digest = store.content_digest()
        if digest is None:
            return "", f"Reading every input: the store {where} is empty; it is written anew."
    else:
        path = Path(store_target)
        where = str(path)
        if entry.get("target") != recorded_path(path, out):
            return "", f"Reading every input: the build of {when} wrote another store."
        if not path.is_file():
            return "", f"Reading every input: the store {path} is missing; it is written anew."
        digest = sha256(path)
    if digest != entry.get("digest", entry.get("sha256")):
        return "", (
            f"Reading every input: the store {where} was changed since the build of {when} (by "
            "an import, another build, or in QGIS); it is written anew from the project's files."
        )
    return where, ""


def _only_reports(record: dict[str, Any], fingerprint: dict[str, Any]) -> bool:
    """Whether only report files changed (their content, or which there are) since the
    build ``record`` describes, which set aside no residents' changes to review: the
    reports are then read again, and the other layers taken from the store."""
    old = record.get("inputs", {})
    for key in ("toolkit_version", "toolkit_files"):
        if old.get(key) != fingerprint.get(key):
            return False
    if old.get("settings") != fingerprint.get("settings") or record.get("changes_to_review"):
        return False
    before = [f for f in old.get("files", []) if f["role"] != "reports"]
    after = [f for f in fingerprint.get("files", []) if f["role"] != "reports"]
    return before == after


def _changed(out: Path, zid: str, outputs: dict[str, str], *, pdf: bool) -> bool:
    """Whether the map of ``zid`` (and its PDF) is missing or not what the build wrote."""
    names = [f"maps/{zid}.html"] + ([f"maps/{zid}.pdf"] if pdf else [])
    for name in names:
        if name not in outputs or not (out / name).is_file():
            return True
        if sha256(out / name) != outputs[name]:
            return True
    return False


def changes(old: dict[str, Any], new: dict[str, Any]) -> str:
    """What differs between two fingerprints, in words (``""``: nothing)."""
    if old.get("toolkit_version") != new.get("toolkit_version"):
        return (
            f"the toolkit's version changed ({old.get('toolkit_version')} to "
            f"{new.get('toolkit_version')})"
        )
    if old.get("toolkit_files") != new.get("toolkit_files"):
        return f"the toolkit's files changed (version {new.get('toolkit_version')})"
    said = []
    before = {(f["role"], f["path"]): f for f in old.get("files", [])}
    after = {(f["role"], f["path"]): f for f in new.get("files", [])}
    gone = {(f["role"], f["sha256"]): f for k, f in before.items() if k not in after}
    for key, entry in after.items():
        moved = gone.pop((entry["role"], entry["sha256"]), None) if key not in before else None
        if moved is not None:
            said.append(f"{entry['name']} moved (from {Path(moved['path']).parent})")
        elif key not in before:
            said.append(f"{entry['name']} was added")
        elif before[key] != entry:
            said.append(_how_changed(before[key], entry))
    said += [f"{entry['name']} was removed" for entry in gone.values()]
    old_settings, new_settings = old.get("settings", {}), new.get("settings", {})
    keys = sorted(
        k for k in {*old_settings, *new_settings} if old_settings.get(k) != new_settings.get(k)
    )
    if keys:
        said.append("the project's settings changed (" + ", ".join(keys) + ")")
    return "; ".join(said)


def _how_changed(old: dict[str, Any], new: dict[str, Any]) -> str:
    """How an input file read by both builds changed, in words."""
    name = new["name"]
    if old["sha256"] != new["sha256"]:
        return f"{name}'s content changed"
    before, after = old.get("side_files", {}), new.get("side_files", {})
    if before != after:
        sides = sorted(k for k in {*before, *after} if before.get(k) != after.get(k))
        return f"{name}'s content changed ({', '.join(sides)})"
    return f"{name}'s settings changed"


def build_record(
    *,
    fingerprint: dict[str, Any],
    build_id: str,
    store: dict[str, Any],
    staged: dict[str, Path],
    zone_ids: list[str],
    layers: Layers,
    folder: Path,
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The record a build leaves beside its outputs.

    Parameters
    ----------
    fingerprint
        :func:`input_fingerprint`.
    build_id
        The build's id.
    store
        The store written (:func:`store_entry`).
    staged
        Output path (relative to the output folder) -> the staged file: each one's
        SHA-256 is recorded.
    zone_ids
        Every zone of the build.
    layers
        Its layers (their imports' accounts are recorded).
    folder
        The project folder: each import's file is recorded relative to it, as the store
        names it (:func:`~healthy_streets._files.recorded_path`).
    previous
        The record of the build reused: its outputs not staged this time keep their entry.
    """
    outputs = dict((previous or {}).get("outputs", {}))
    outputs.update({str(rel): sha256(path) for rel, path in staged.items()})
    return {
        "format": RECORD_FORMAT,
        "build_id": build_id,
        "built_at": (previous or {}).get("built_at")
        or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "inputs": fingerprint,
        "store": store,
        "outputs": dict(sorted(outputs.items())),
        "zone_ids": zone_ids,
        # each zone's id and name: `build --zone NAME` checks a name against them
        "zones": [
            {"zone_id": str(zone_id), "name": str(name)}
            for zone_id, name in zip(layers.zones["zone_id"], layers.zones["name"], strict=True)
        ],
        "single_polygons": [
            str(z) for z in layers.zones.loc[layers.zones.geom_type == "Polygon", "zone_id"]
        ],
        # how many: a build that reuses this one says them again
        "changes_to_review": (
            len(layers.changes)
            if layers.changes is not None
            else int((previous or {}).get("changes_to_review", 0))
        ),
        "imports": [_account(r) for r in layers.imports],
        "import_paths": [
            recorded_path(p, folder) if p is not None else None for p in layers.import_paths
        ],
    }


def store_entry(
    store_target: str,
    store_copy: Path | None,
    *,
    out: Path,
    store: Any = None,
    digest: str | None = None,
) -> dict[str, Any]:
    """How the record names the store a build wrote: for a GeoPackage, its path relative
    to the output folder ``out`` (:func:`~healthy_streets._files.recorded_path`) and the
    SHA-256 of the copy the build staged (the file it becomes); for a PostGIS ``store``,
    its URL without the password, its schema, its key and the ``digest`` of its content
    as the build left it."""
    if store is not None and hasattr(store, "key"):
        return {"target": store.name, "key": store.key, "sha256": None, "digest": digest}
    if store_copy is None:
        return {"target": str(store_target), "sha256": None}
    return {"target": recorded_path(store_target, out), "sha256": sha256(store_copy)}


def write_record(record: dict[str, Any], path: Path) -> None:
    """Write the record (into the staging folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, default=str) + "\n", encoding="utf-8")


def _account(result: ImportResult) -> dict[str, Any]:
    return {
        "source": result.source,
        "kind": result.kind,
        "unit": result.unit,
        "rows_in": result.rows_in,
        "kept": result.kept,
        "notes": list(result.notes),
        "columns": result.columns,
        "repaired": _records(result.repaired),
        "rejected": _records(result.rejected),
        "outside": _records(result.outside),
        "for_review": _records(result.for_review),
        # the date of an OpenStreetMap extract's data: the maps of a rebuild say it again
        "data_date": result.data_date.as_record() if result.data_date is not None else None,
    }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return json.loads(frame.to_json(orient="records", date_format="iso", default_handler=str))


def imports_of(record: dict[str, Any]) -> list[ImportResult]:
    """The imports' accounts as the last build recorded them."""
    out = []
    for entry in record.get("imports", []):
        kind = str(entry.get("kind", ""))
        spec = LAYERS.get(kind)
        layer = empty_layer(spec) if spec is not None else gpd.GeoDataFrame()
        outside = pd.DataFrame(entry.get("outside") or [], columns=["row", "distance_m"])
        out.append(
            ImportResult(
                layer=layer,
                source=str(entry.get("source", "")),
                rows_in=int(entry.get("rows_in", 0)),
                repaired=_account_frame(entry.get("repaired")),
                rejected=_account_frame(entry.get("rejected")),
                notes=list(entry.get("notes", [])),
                unit=str(entry.get("unit", "rows")),
                rows_kept=int(entry.get("kept", 0)),
                kind=kind,
                outside=outside.astype({"row": "str"}),
                columns=dict(entry.get("columns") or {}),
                for_review=_account_frame(entry.get("for_review")),
                data_date=OsmDate.from_record(entry.get("data_date")),
            )
        )
    return out


def _account_frame(rows: Any) -> pd.DataFrame:
    frame = pd.DataFrame(rows or [], columns=ACCOUNT_COLUMNS)
    return frame.astype(dict.fromkeys(ACCOUNT_COLUMNS, "str")) if len(frame) else frame


def layers_from_store(
    store: Any,
    record: dict[str, Any],
    *,
    folder: Path,
    around: list[str] | None = None,
    margin_m: float = 250.0,
) -> Layers:
    """The build's layers as the store holds them: zones, streets (cut at the zones),
    assets and reports (attached), and speed-limit lines where the project has them.

    Parameters
    ----------
    store
        A :class:`~healthy_streets.io.store.GeoPackageStore`.
    record
        The build's record (its imports' accounts go with the layers).
    folder
        The project folder, that the record's files are relative to.
    around
        Read only the assets and reports around these zones (what their maps show, and
        more); every zone and street is read. Default: every row.
    margin_m
        How far around a zone its map shows things, in metres.
    """
    zones = _as_built(store.read("zones"), record)
    bbox = None
    if around is not None and not around:  # nothing to draw: the zones only
        return Layers(
            zones=zones,
            streets=empty_layer(LAYERS["streets"]),
            assets=empty_layer(LAYERS["assets"]),
            reports=empty_layer(LAYERS["reports"]),
            imports=imports_of(record),
        )
    if around is not None:
        chosen = zones[zones["zone_id"].astype("str").isin(around)]
        grown = chosen.geometry.buffer(margin_m + _SLACK_M)
        bbox = tuple(grown.total_bounds) if len(chosen) else None
    # the streets whole: a 20mph gap joins a street's every piece, near the zone or not
    frames = {name: store.read(name, bbox=bbox) for name in ("assets", "reports")}
    frames["streets"] = store.read("streets")
    speed_limits = store.read("speed_limits") if store.has("speed_limits") else None
    return Layers(
        zones=zones,
        streets=frames["streets"],
        assets=frames["assets"],
        reports=frames["reports"],
        imports=imports_of(record),
        speed_limits=speed_limits,
        import_paths=[folder / p if p else None for p in record.get("import_paths", [])],
    )


def layers_but_reports(store: Any, record: dict[str, Any], *, folder: Path) -> Layers:
    """Every layer of the build but the reports, as the store holds them, with each
    import's account (the reports' left out) and its rows: what a build whose report files
    alone changed starts from. The record's files are relative to the project
    ``folder``, as the store's ``source_path`` is."""
    frames = {name: store.read(name, with_paths=True) for name in ("zones", "streets", "assets")}
    if store.has("speed_limits"):
        frames["speed_limits"] = store.read("speed_limits", with_paths=True)
    frames["zones"] = _as_built(frames["zones"], record)
    imports, paths = [], []
    recorded = record.get("import_paths", [])
    for result, path in zip(imports_of(record), recorded, strict=True):
        if result.kind == "reports":
            continue
        identity = recorded_path(folder / path, folder) if path else result.source
        frame = frames.get(result.kind)
        if frame is not None:
            mine = frame[frame[SOURCE_PATH].astype("str") == identity]
            result.layer = mine.drop(columns=SOURCE_PATH).reset_index(drop=True)
        imports.append(result)
        paths.append(folder / path if path else None)
    plain = {name: frame.drop(columns=SOURCE_PATH) for name, frame in frames.items()}
    return Layers(
        zones=plain["zones"],
        streets=plain["streets"],
        assets=plain["assets"],
        reports=empty_layer(LAYERS["reports"]),
        imports=imports,
        speed_limits=plain.get("speed_limits"),
        import_paths=paths,
    )


def _as_built(zones: gpd.GeoDataFrame, record: dict[str, Any]) -> gpd.GeoDataFrame:
    """The zones with the shapes the build had: the store keeps every zone as a
    MultiPolygon (one geometry type per layer, for QGIS), a zone that was one polygon is
    one again (its map draws it the same either way, and now writes it the same)."""
    single = zones["zone_id"].astype("str").isin(record.get("single_polygons", []))
    single &= zones.geom_type.eq("MultiPolygon") & (shapely.get_num_geometries(zones.geometry) == 1)
    if single.any():
        zones = zones.copy()
        zones.loc[single, "geometry"] = shapely.get_geometry(zones.geometry[single], 0)
    return zones


def reused_outputs(out: Path, record: dict[str, Any], drawn: list[str]) -> BuildOutputs:
    """The outputs of a build that reused the last one: the maps drawn again, the rest as
    the last build wrote them."""
    outputs: dict[str, str] = record.get("outputs", {})
    tables = {
        Path(rel).stem: out / rel
        for rel in outputs
        if rel.startswith("tables/") and rel.endswith(".csv")
    }
    return BuildOutputs(
        index=out / "index.html",
        maps={zid: out / "maps" / f"{zid}.html" for zid in drawn},
        rejected=out / "rejected.csv",
        repaired=out / "repaired.csv" if "repaired.csv" in outputs else None,
        tables=tables,
        workbook=out / "tables.xlsx" if "tables.xlsx" in outputs else None,
        pdfs={zid: out / "maps" / f"{zid}.pdf" for zid in drawn if f"maps/{zid}.pdf" in outputs},
        reused=True,
        to_review=int(record.get("changes_to_review", 0)),
    )
