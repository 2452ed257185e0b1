"""Numbers for the suspected causes of slow county builds, on a county the benchmark loaded.

    python benchmarks/county/suspects.py out/bench/county/half-work

Reads ``layers.pkl`` and ``attach_inputs.pkl`` (left by the ``load`` stage of
``bench_county.py``) and, for each suspect, times what the toolkit does today beside the
alternative, on the same data, checking the alternative gives the same answer:

- ``zone_edge_band``: the 25 m band along every zone's edge that the 20mph gaps leave out,
  rebuilt for each map (``twenty_mph_gaps`` is given every zone), against building it once;
- ``other_zone_outlines``: every map carries every other zone's outline, against only the
  zones within the map's view (bytes and seconds a map);
- ``cut_against_union``: each street crossing a zone edge is cut against the union of all
  zones, against the zones it meets only (seconds, and the same lengths);
- ``templates`` and ``json``: Jinja compiles and ``json.dumps`` calls (and bytes) while one
  map is drawn and saved, against the map's size;
- ``remove_names``: the per-row name removal on the reports' texts.

Writes JSON to stdout. Private helpers of the toolkit are called by name here: this is a
measuring script, and it breaks loudly when they move.
"""

from __future__ import annotations

import json
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import shapely

SAMPLE_MAPS = 24


def _timed(function: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    started = time.perf_counter()
    for _ in range(repeat):
        out = function()
    return (time.perf_counter() - started) / repeat, out


def _sample_zones(layers: Any) -> list[str]:
    ids = list(layers.zones["zone_id"])
    step = max(1, len(ids) // SAMPLE_MAPS)
    return ids[::step][:SAMPLE_MAPS]


def zone_edge_band(layers: Any) -> dict[str, Any]:
    from healthy_streets.analysis.gaps import _near_edges
    from healthy_streets.maps.meeting import _within

    zones, streets = layers.zones, layers.streets
    per_map, with_band = [], []
    once, band = _timed(
        lambda: shapely.union_all(shapely.make_valid(zones.geometry.boundary.buffer(25.0).values))
    )
    shapely.prepare(band)
    same = True
    for zid in _sample_zones(layers):
        area = zones.loc[zones["zone_id"] == zid].geometry.iloc[0].buffer(250)
        roads = _within(streets, area)
        roads = roads[roads["road_class"] != "path"]
        seconds, today = _timed(lambda roads=roads: _near_edges(roads, zones, 25.0))
        per_map.append(seconds)
        seconds, fast = _timed(lambda roads=roads: shapely.within(roads.geometry.values, band))
        with_band.append(seconds)
        same &= bool((today.to_numpy() == fast).all())
    return {
        "zones": len(zones),
        "per_map_s_today": round(float(np.mean(per_map)), 4),
        "band_once_s": round(once, 3),
        "per_map_s_with_band_once": round(float(np.mean(with_band)), 5),
        "same_answer": same,
    }


def other_zone_outlines(layers: Any) -> dict[str, Any]:
    from healthy_streets.maps.elements import safe_json
    from healthy_streets.maps.meeting import _geojson

    zones = layers.zones
    today_mb, view_mb, today_s, view_s = [], [], [], []
    for zid in _sample_zones(layers):
        zone = zones.loc[zones["zone_id"] == zid].geometry.iloc[0]
        others = zones[zones["zone_id"] != zid]
        seconds, payload = _timed(lambda others=others: safe_json(_geojson(others, ["name"])))
        today_s.append(seconds)
        today_mb.append(len(payload.encode()) / 1e6)
        near = others[others.intersects(zone.buffer(250).envelope.buffer(500))]
        seconds, payload = _timed(lambda near=near: safe_json(_geojson(near, ["name"])))
        view_s.append(seconds)
        view_mb.append(len(payload.encode()) / 1e6)
    return {
        "zones": len(zones),
        "per_map_mb_today": round(float(np.mean(today_mb)), 3),
        "per_map_s_today": round(float(np.mean(today_s)), 4),
        "per_map_mb_nearby_only": round(float(np.mean(view_mb)), 4),
        "per_map_s_nearby_only": round(float(np.mean(view_s)), 4),
        "nearby": "zones within 500 m of the map's view",
    }


def cut_against_union(inputs: dict[str, Any]) -> dict[str, Any]:
    from healthy_streets.analysis.attach import disjoint_zones

    streets, zones = inputs["streets"], inputs["zones"]
    flat = disjoint_zones(zones)
    zone_geoms, street_geoms = flat.geometry.values, streets.geometry.values
    zone_idx, street_idx = streets.sindex.query(zone_geoms, predicate="intersects")
    touched = np.unique(street_idx)

    def today() -> np.ndarray:
        return shapely.difference(street_geoms[touched], shapely.union_all(zone_geoms))

    def own() -> np.ndarray:
        order = np.argsort(street_idx, kind="stable")
        groups = np.split(zone_idx[order], np.flatnonzero(np.diff(street_idx[order])) + 1)
        mine = np.array([shapely.union_all(zone_geoms[g]) for g in groups], dtype=object)
        return shapely.difference(street_geoms[touched], mine)

    seconds_today, a = _timed(today)
    seconds_own, b = _timed(own)
    length_a, length_b = float(shapely.length(a).sum()), float(shapely.length(b).sum())
    return {
        "streets_crossing_zones": len(touched),
        "s_today": round(seconds_today, 3),
        "s_own_zones": round(seconds_own, 3),
        "length_m_today": round(length_a, 1),
        "length_m_own_zones": round(length_b, 1),
    }


def templates_and_json(layers: Any, folder: Path) -> dict[str, Any]:
    """Jinja compiles and json.dumps calls while the busiest zone's map is drawn and saved."""
    import jinja2

    import healthy_streets.maps.elements as elements
    from healthy_streets.maps.meeting import meeting_map, save_map

    busiest = layers.reports["zone_id"].value_counts().index[0]
    compiles, dumps = [0, 0.0], [0, 0]
    compile_ = jinja2.Environment.compile
    dumps_ = json.dumps

    def counting_compile(self: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        out = compile_(self, *args, **kwargs)
        compiles[0] += 1
        compiles[1] += time.perf_counter() - started
        return out

    def counting_dumps(*args: Any, **kwargs: Any) -> str:
        out = dumps_(*args, **kwargs)
        dumps[0] += 1
        dumps[1] += len(out)
        return out

    jinja2.Environment.compile = counting_compile  # type: ignore[method-assign]
    elements.json.dumps = counting_dumps  # type: ignore[attr-defined]
    try:
        started = time.perf_counter()
        fmap = meeting_map(
            busiest,
            zones=layers.zones,
            streets=layers.streets,
            assets=layers.assets,
            reports=layers.reports,
            basemap=layers.basemap,
        )
        path = save_map(fmap, folder / "busiest.html", overwrite=True)
        seconds = time.perf_counter() - started
    finally:
        jinja2.Environment.compile = compile_  # type: ignore[method-assign]
        elements.json.dumps = dumps_  # type: ignore[attr-defined]
    return {
        "zone": str(busiest),
        "seconds": round(seconds, 3),
        "jinja_compiles": compiles[0],
        "jinja_compile_s": round(compiles[1], 3),
        "json_dumps_calls": dumps[0],
        "json_dumps_mb": round(dumps[1] / 1e6, 3),
        "map_mb": round(path.stat().st_size / 1e6, 3),
    }


def remove_names_cost(inputs: dict[str, Any]) -> dict[str, Any]:
    """The reports' texts and names are gone by now (names are dropped on reading): time
    the name removal on synthetic texts of the same size instead."""
    import pandas as pd

    from healthy_streets.model.privacy import remove_names

    n = len(inputs["reports"])
    rng = np.random.default_rng(1)
    first = np.array(["Anne", "Lee", "Alan", "Geoff", "Priya", "Sue", "Dave", "Janet"])
    last = np.array(["Sharples", "Catterall", "Turner", "Brown", "Shah", "Clegg"])
    pairs = zip(rng.choice(first, n), rng.choice(last, n), strict=True)
    names = pd.DataFrame({"User Name": [f"{a} {b}" for a, b in pairs]})
    texts = pd.Series(
        np.where(
            rng.random(n) < 0.02,
            [f"{name} reported this again" for name in names["User Name"]],
            "Dog fouling on the path by the school gates again this week",
        )
    )
    seconds, _ = _timed(lambda: remove_names(texts, names))
    return {"rows": n, "s": round(seconds, 3), "rows_per_s": round(n / seconds)}


def main() -> None:
    work = Path(sys.argv[1])
    with (work / "layers.pkl").open("rb") as handle:
        layers = pickle.load(handle)  # noqa: S301 (the benchmark's own file)
    with (work / "attach_inputs.pkl").open("rb") as handle:
        inputs = pickle.load(handle)  # noqa: S301
    out = {
        "zone_edge_band": zone_edge_band(layers),
        "other_zone_outlines": other_zone_outlines(layers),
        "cut_against_union": cut_against_union(inputs),
        "templates_and_json": templates_and_json(layers, work),
        "remove_names": remove_names_cost(inputs),
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
