"""A build's record in the store, and what it changed since the last one.

Every build appends itself to the store's ``builds`` table (when, the toolkit's version,
each input's path and SHA-256, how many zones, streets, places and reports) and one row per
zone to ``build_zones`` (its reports, open reports and places, and with a comparison what
changed); a build of every zone also keeps what it saw in ``build_items`` (each report and
place, :data:`~healthy_streets.model.history.BUILD_ITEMS_COLUMNS`), the baseline of the next
comparison, which a build of one zone leaves as it is. A build that compares (``build
--since-last``, ``compare = "last"``) reads the last full build back from the store
(:meth:`~healthy_streets.io.store.GeoPackageStore.earlier_build`), finds what changed
(:func:`~healthy_streets.analysis.changes.changes_since`), and adds it to the outputs:
``tables/changes.csv``, the summary's ``*_since_last`` columns, the index and every map.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from healthy_streets._audience import option
from healthy_streets._files import sha256
from healthy_streets._version import __version__
from healthy_streets.analysis.changes import CHANGE_COLUMNS, COUNT_COLUMNS, Changes
from healthy_streets.analysis.tables import OUTSIDE, OUTSIDE_NAME
from healthy_streets.io.open311 import public_url
from healthy_streets.io.write import is_formula
from healthy_streets.model.build import Layers
from healthy_streets.model.history import (
    BUILD_ZONES_COLUMNS,
    BUILDS_COLUMNS,
    EarlierBuild,
    baseline_items,
)

__all__ = [
    "SINCE_LAST_SUFFIX",
    "build_record",
    "open311_origin",
    "public_url",
    "with_changes",
]  # public_url: io.open311's

#: The summary's change columns are its counts' names with this ending.
SINCE_LAST_SUFFIX = "_since_last"


#: A query parameter whose name matches this holds a secret: never recorded.
def build_record(
    layers: Layers,
    *,
    build_id: str,
    project: str,
    provenance: pd.DataFrame,
    changes: Changes | None = None,
    zones_drawn: Sequence[str] | None = None,
    folder: Path | None = None,
) -> dict[str, pd.DataFrame]:
    """The rows a build appends to the store's ``builds`` and ``build_zones`` tables, and
    for a build of every zone, the ``build_items`` that replace the last full build's.

    Parameters
    ----------
    layers
        The build's layers.
    build_id
        Its id (the staging folder's).
    project
        The project's name.
    provenance
        The store update's provenance rows (each input's role, path and SHA-256).
    changes
        What changed since the last build, when the build compared.
    zones_drawn
        The zones whose maps a partial build drew (``None``: every zone's); recorded so
        that the partial build is never the baseline of a later comparison, and it leaves
        ``build_items`` as the last full build wrote it.
    folder
        The project folder, that the provenance's paths are relative to (an Open311
        cache's is read there); default: the current folder.

    Notes
    -----
    Each input of ``builds.inputs`` is its ``role``, ``path`` and ``sha256``; the reports
    of an Open311 service (whose path is the cache folder the build read) are also said
    by the service's ``url`` (without a user name, a password or a query parameter that
    looks like a key or token), its ``jurisdiction_id`` and when they were ``fetched_at``
    (UTC), and their ``sha256`` is that of the cached reports the build read.
    """
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    inputs = [_input_entry(r, folder or Path.cwd()) for r in provenance.itertuples()]
    build = pd.DataFrame(
        [
            [
                build_id,
                now,
                __version__,
                project,
                len(layers.zones),
                len(layers.streets),
                len(layers.assets),
                len(layers.reports),
                json.dumps(inputs),
                changes.since.build_id if changes is not None else "",
                ",".join(zones_drawn) if zones_drawn is not None else "",
            ]
        ],
        columns=BUILDS_COLUMNS,
    )
    zones = layers.zones[["zone_id", "name"]].set_index("zone_id")
    reports = layers.reports.groupby("zone_id").size()
    open_reports = layers.reports[layers.reports["status"] == "open"].groupby("zone_id").size()
    counts = pd.DataFrame(
        {
            "name": zones["name"],
            "reports": reports.reindex(zones.index, fill_value=0),
            "open_reports": open_reports.reindex(zones.index, fill_value=0),
            "assets": layers.assets.groupby("zone_id").size().reindex(zones.index, fill_value=0),
        }
    )
    for column in COUNT_COLUMNS:
        if changes is None:
            counts[column] = pd.array([pd.NA] * len(counts), dtype="Int64")
        else:
            counts[column] = changes.counts()[column].reindex(zones.index, fill_value=0)
    per_zone = counts.reset_index().assign(build_id=build_id)
    record = {"builds": build, "build_zones": per_zone[BUILD_ZONES_COLUMNS]}
    if zones_drawn is None:  # the baseline of the next comparison
        record["build_items"] = baseline_items(layers.reports, layers.assets, build_id=build_id)
    return record


def _text(value: Any) -> str | None:
    return None if pd.isna(value) else str(value)


def _input_entry(row: Any, folder: Path) -> dict[str, Any]:
    """An input as ``builds.inputs`` lists it (an Open311 cache with its service); its
    ``path`` is the provenance's, relative to the project ``folder``."""
    entry = {"role": str(row.role), "path": str(row.path), "sha256": _text(row.sha256)}
    if entry["sha256"] is not None:  # a file
        return entry
    return entry | open311_origin(folder / str(row.path))


def open311_origin(folder: Path) -> dict[str, Any]:
    """Where the reports cached in an Open311 cache ``folder`` came from (its
    ``state.json``, see :mod:`healthy_streets.io.open311`): the service's public address,
    the jurisdiction, when they were fetched and the cached reports' SHA-256; nothing
    for a folder that holds no such cache."""
    try:
        state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
        reports = folder / "requests.json"
        digest = sha256(reports) if reports.is_file() else None
    except (OSError, ValueError):
        return {}
    if not isinstance(state, dict) or not isinstance(state.get("endpoint"), str):
        return {}
    return {
        "sha256": digest,
        "url": public_url(state["endpoint"]),
        "jurisdiction_id": _text(state.get("jurisdiction_id")),
        "fetched_at": _text(state.get("fetched_at")),
    }


def with_changes(
    tables: dict[str, pd.DataFrame], changes: Changes, zones: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """The build's tables with ``changes`` (``changes.csv``, each change with its zone's
    name, or :data:`~healthy_streets.analysis.tables.OUTSIDE`; and the summary's counts of
    each zone's changes since the last build)."""
    out = dict(tables)
    listed = changes.table.assign(zone_id=changes.table["zone_id"].fillna(OUTSIDE))
    names = zones.set_index("zone_id")["name"]
    listed.insert(1, "zone", listed["zone_id"].map(names).fillna(OUTSIDE_NAME))
    out["changes"] = listed
    summary = out.get("summary")
    if summary is not None and "zone_id" in summary:
        per_zone = changes.counts().add_suffix(SINCE_LAST_SUFFIX)
        merged = summary.merge(per_zone, left_on="zone_id", right_index=True, how="left")
        for column in per_zone.columns:
            merged[column] = merged[column].fillna(0).astype("int64")
        out["summary"] = merged
    return out


def carried_changes(path: Path, digest: str | None, earlier: EarlierBuild) -> Changes | None:
    """The comparison the last full build (``earlier``) made, read back from the
    ``changes.csv`` it wrote (``path``, whose SHA-256 its record gives as ``digest``), for a
    partial build to show again; ``None`` when that build did not compare, or the file is
    gone or was edited since.

    A build that draws one zone's map (``build --zone``) leaves the comparison as the last
    full build made it: the other zones' maps, which it does not draw again, show that
    comparison, and the index, ``changes.csv`` and the map it draws say the same.
    """
    if not earlier.compared_with or earlier.compared_at is None or digest is None:
        return None
    if not path.is_file() or sha256(path) != digest:
        return None
    table = pd.read_csv(path, dtype="str", encoding="utf-8-sig", keep_default_na=False)
    if not set(CHANGE_COLUMNS) <= set(table.columns):
        return None
    table = table[CHANGE_COLUMNS].map(_as_written).replace({"": None})
    table["zone_id"] = table["zone_id"].where(table["zone_id"] != OUTSIDE, None)
    for column in ("lat", "lon"):
        table[column] = pd.to_numeric(table[column], errors="coerce")
    since = EarlierBuild(
        build_id=earlier.compared_with,
        built_at=earlier.compared_at,
        reports=earlier.reports.iloc[0:0],
        assets=earlier.assets.iloc[0:0],
        with_time=earlier.with_time,
    )
    return Changes(since=since, table=table)


def _as_written(value: str) -> str:
    """A cell of a CSV the toolkit wrote, as it was before its formula was neutralised."""
    return value[1:] if value.startswith("'") and is_formula(value[1:]) else value


def where_listed(changes: Changes) -> str:
    """Where the changes are listed, to end the sentence that counts them: nothing when
    there are none (``changes.csv`` has only its header)."""
    return " Listed in tables/changes.csv." if len(changes.table) else ""


def describe_earlier(changes: Changes | None, *, wanted: bool) -> list[str]:
    """What a build says about its comparison (nothing when it was not asked for)."""
    if not wanted:
        return []
    if changes is None:
        return [
            "No earlier build in the store to compare with: this build is the first, and "
            f"the next one (with {option('since_last')}) will show what changed since it."
        ]
    notes: list[Any] = [changes.sentence() + where_listed(changes)]
    if changes.since.note:
        notes.append(changes.since.note)
    return notes
