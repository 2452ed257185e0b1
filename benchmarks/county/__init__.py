"""A synthetic county for the benchmark: deterministic, at four scales.

The sample neighbourhood (``data/sample``) tiled across Lancashire with fresh ids, street
names and buildings (see :mod:`._osm`), with the zones, community assets and FixMyStreet
reports that go with it (see :mod:`._tables`) and a ``healthy-streets.toml`` so that
``healthy-streets build`` runs on it. The same seed gives the same bytes.

This module imports nothing beyond the standard library until a county is written: the
benchmark's stage processes import it, and a baseline's process must hold only what the
baseline needs (see :mod:`.stages`).

    python benchmarks/county --scale quarter --out out/bench/county/quarter
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["FILES", "SCALES", "Scale", "generate_county"]

SEED = 20261215
#: Bump when the generator's output changes, so cached counties are made again.
VERSION = 2


@dataclass(frozen=True)
class Scale:
    """What one scale of the county holds (street ways and buildings are approximate:
    whole tiles of the sample)."""

    street_ways: int
    buildings: int
    zones: int
    assets: int
    reports: int


SCALES = {
    "tiny": Scale(street_ways=300, buildings=600, zones=3, assets=100, reports=500),
    "quarter": Scale(20_000, 40_000, 150, 5_000, 62_500),
    "half": Scale(40_000, 80_000, 300, 10_000, 125_000),
    "whole": Scale(80_000, 160_000, 600, 20_000, 250_000),
}

FILES = {
    "pbf": "county.osm.pbf",
    "xml": "county.osm",
    "zones": "zones.geojson",
    "assets": "assets_walkabout.csv",
    "reports": "reports_fixmystreet.csv",
    "project": "healthy-streets.toml",
    "manifest": "county.json",
}


def tile_count(scale: Scale) -> int:
    """Tiles of the sample that make ``scale.street_ways`` (each adds two joining roads)."""
    from ._base import base_tile

    per_tile = len(base_tile().street_ways) + 2
    return max(1, round(scale.street_ways / per_tile))


def generate_county(
    name: str, folder: str | Path, *, seed: int = SEED, reuse: bool = True
) -> dict[str, object]:
    """Write the county of scale ``name`` into ``folder``; return its manifest (what it
    holds, each file's size and SHA-256). With ``reuse``, a folder whose manifest says it
    was made by this generator with this seed is kept as it is."""
    from ._layout import spread, tiles
    from ._osm import write_osm
    from ._tables import town_centre, write_assets, write_project, write_reports, write_zones

    scale = SCALES[name]
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / FILES["manifest"]
    if reuse and manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        wanted = {"scale": name, "seed": seed, "version": VERSION}
        if all(manifest.get(k) == v for k, v in wanted.items()) and all(
            (out / f).is_file() for f in manifest["files"]
        ):
            return manifest
    started = time.perf_counter()
    chosen = tiles(tile_count(scale))
    houses = spread(scale.buildings, len(chosen))
    counts = write_osm(chosen, houses, [out / FILES["pbf"], out / FILES["xml"]], seed=seed)
    counts["zones"] = write_zones(chosen, scale.zones, out / FILES["zones"], seed=seed)
    counts["assets"] = write_assets(chosen, scale.assets, out / FILES["assets"], seed=seed)
    centre = town_centre(chosen, scale.zones)
    counts |= write_reports(chosen, scale.reports, out / FILES["reports"], seed=seed, centre=centre)
    write_project(
        out / FILES["project"],
        scale=name,
        files={k: FILES[k] for k in ("zones", "assets", "reports")} | {"osm": FILES["pbf"]},
    )
    files = [FILES[k] for k in ("pbf", "xml", "zones", "assets", "reports", "project")]
    manifest = {
        "scale": name,
        "seed": seed,
        "version": VERSION,
        "target": asdict(scale),
        "tiles": len(chosen),
        "counts": counts,
        "town_centre": centre[2],
        "files": {
            f: {"bytes": (out / f).stat().st_size, "sha256": _sha256(out / f)} for f in files
        },
        "seconds": round(time.perf_counter() - started, 1),
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
