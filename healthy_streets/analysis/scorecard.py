"""A Healthy Streets scorecard per zone, from transparent open-data proxies.

Transport for London's Healthy Streets Approach judges a street by ten indicators. Most are
about how a street *feels* and are properly measured on foot with TfL's check. Here each
indicator gets a proxy from the data the toolkit holds (OpenStreetMap, the council's zones,
community assets, resident reports) where a defensible one exists, scored 0 to 3 against
thresholds written below, with the raw value beside the score, where each threshold comes
from (a cited source, or the toolkit's own judgement, said as such) and what the proxy
misses. An indicator without a usable proxy says so rather than invent one: "people feel
safe" is not scored by the share of 20 mph streets, which is what the evaluation tests, and
"clean air" is not scored by the same number as "not too noisy". ``docs/scorecard.md``
(generated from :data:`PROXIES` by ``make docs``) explains each proxy and its limits.

Scores compare zones with each other and with the area outside them; they are not TfL's
Healthy Streets Check scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from healthy_streets.analysis.attach import given_layers
from healthy_streets.analysis.tables import (
    OUTSIDE,
    asset_counts,
    period_known,
    report_counts,
    report_period,
    street_lengths,
)
from healthy_streets.model.build import Layers

if TYPE_CHECKING:
    from healthy_streets.model.account import ImportResult

__all__ = ["INDICATORS", "PROXIES", "Proxy", "markdown", "scorecard"]

#: TfL's ten Healthy Streets Indicators, in TfL's order.
INDICATORS = (
    "Pedestrians from all walks of life",
    "Easy to cross",
    "Shade and shelter",
    "Places to stop and rest",
    "Not too noisy",
    "People choose to walk, cycle and use public transport",
    "People feel safe",
    "Things to see and do",
    "People feel relaxed",
    "Clean air",
)

#: Asset categories that count as "things to see and do".
THINGS_TO_DO = (
    "park",
    "playground",
    "community_centre",
    "library",
    "place_of_worship",
    "shop_cafe",
    "allotment",
    "sport_leisure",
    "community_group",
    "health",
)


@dataclass(frozen=True)
class Proxy:
    """How one indicator is scored.

    Attributes
    ----------
    indicator
        TfL's indicator.
    measure
        What is measured, in plain words (``None``: no usable proxy).
    unit
        The raw value's unit.
    thresholds
        Three cut points: a raw value at or above the first scores 1, the second 2, the
        third 3 (or at or below them, when ``higher_is_better`` is false).
    higher_is_better
        Whether a bigger raw value is better.
    limits
        What the proxy misses, in plain words.
    source
        Where the thresholds come from: a cited source, or :data:`OWN` with any guidance
        they were set against.
    """

    indicator: str
    measure: str | None
    unit: str
    thresholds: tuple[float, float, float]
    higher_is_better: bool
    limits: str
    source: str = ""

    def score(self, value: float) -> float:
        """0 to 3 against the thresholds; NaN when the value is unknown."""
        if value is None or np.isnan(value):
            return np.nan
        if self.higher_is_better:
            return float(sum(value >= t for t in self.thresholds))
        return float(sum(value <= t for t in self.thresholds))


#: How a threshold set by the toolkit itself is marked.
OWN = "The toolkit's own judgement, not a published standard"

PROXIES: tuple[Proxy, ...] = (
    Proxy(
        "Pedestrians from all walks of life",
        None,
        "",
        (0, 0, 0),
        True,
        "Who uses a street needs counting people on it; no open data says so. Left "
        "unscored rather than guessed.",
    ),
    Proxy(
        "Easy to cross",
        "Mapped crossings (zebra, signals, uncontrolled) per km of road",
        "per km",
        (0.5, 1.5, 3.0),
        True,
        "Counts only crossings mapped in OpenStreetMap; says nothing of kerb heights, "
        "waiting times or how wide the road is.",
        f"{OWN}.",
    ),
    Proxy(
        "Shade and shelter",
        "Trees, and bus stops with a shelter, per km of road",
        "per km",
        (5.0, 15.0, 30.0),
        True,
        "Street trees are patchily mapped in OpenStreetMap and by walkabouts; canopy, "
        "awnings and building shade are not counted. A bus stop counts as a shelter when "
        "OpenStreetMap tags it shelter=yes (or it is an amenity=shelter), or its notes or "
        "name say so.",
        f"{OWN}.",
    ),
    Proxy(
        "Places to stop and rest",
        "Benches and other seats per km of road",
        "per km",
        (1.0, 3.0, 6.0),
        True,
        "Only mapped seats count; their condition, and walls or steps people sit on, do not.",
        f"{OWN}, for residential streets. For comparison, DfT's Inclusive Mobility (2005, "
        "section 3.4) asks for seats at intervals of no more than 50 m (20 per km) in "
        "commonly used pedestrian areas.",
    ),
    Proxy(
        "Not too noisy",
        "Share of road length on main roads (motorway to secondary)",
        "share",
        (0.30, 0.15, 0.05),
        False,
        "Main roads stand for traffic noise; traffic volumes, speeds and surfaces are not "
        "known. Defra's strategic noise maps model road noise where they cover a street.",
        f"{OWN}.",
    ),
    Proxy(
        "People choose to walk, cycle and use public transport",
        "Bus stops per square kilometre",
        "per km2",
        (2.0, 5.0, 10.0),
        True,
        "Stops are only a chance to use buses; how often they run, cycle routes and how "
        "people actually travel are not known.",
        f"{OWN}. For comparison, highway design guides ask for homes within 400 m of a "
        "stop in towns (for example the Leicestershire Highway Design Guide: at most "
        "400 m, preferably 250 m).",
    ),
    Proxy(
        "People feel safe",
        None,
        "",
        (0, 0, 0),
        True,
        "Not scored. The share of streets at 20 mph is what the before/after evaluation "
        "tests, so scoring safety by it would assume the answer; a signed limit is not the "
        "speed driven either. Feeling safe needs residents' surveys, or collision records "
        "(STATS19) and measured speeds, which the toolkit does not hold.",
    ),
    Proxy(
        "Things to see and do",
        "Community assets (parks, play areas, halls, libraries, shops and cafes, places of "
        "worship, allotments, groups, health services) per square kilometre",
        "per km2",
        (5.0, 15.0, 30.0),
        True,
        "As complete as the community's and OpenStreetMap's mapping; a busy high street "
        "and a quiet lane with a library can score alike.",
        f"{OWN}.",
    ),
    Proxy(
        "People feel relaxed",
        "Dog fouling and litter reports per km of road per year (a clean, cared-for street)",
        "per km per year",
        (10.0, 5.0, 2.0),
        False,
        "Reports measure residents' willingness to report as well as the mess, and a "
        "meeting about a zone changes how much people report; clutter, noise and crowding "
        "are not counted.",
        f"{OWN}.",
    ),
    Proxy(
        "Clean air",
        None,
        "",
        (0, 0, 0),
        True,
        "Not scored. Air quality needs measurements (the council's diffusion tubes and "
        "Air Quality Management Areas, or Defra's background pollution maps); the share "
        "of main roads measures traffic, which 'not too noisy' already scores, and "
        "scoring it twice would count one number as two indicators.",
    ),
)


def scorecard(
    zones: Any,
    streets: Any = None,
    assets: Any = None,
    reports: Any = None,
) -> pd.DataFrame:
    """The Healthy Streets scorecard: one row per zone (and outside) and indicator.

    Parameters
    ----------
    zones
        The ``zones`` layer; or a :class:`~healthy_streets.Layers` (from
        :func:`~healthy_streets.load_layers`), whose layers are used where the others are
        not given.
    streets
        The ``streets`` layer, an osmnx graph or osmnx's edges
        (:func:`~healthy_streets.as_streets`).
    assets
        The ``assets`` layer.
    reports
        The ``reports`` layer.

    Returns
    -------
    DataFrame
        Columns ``zone_id``, ``indicator``, ``measure``, ``value`` (raw), ``unit``,
        ``score`` (0 to 3; empty when not scored), ``not_scored`` (why there is no score,
        in words; empty when scored), ``thresholds`` (the cut points for 1, 2 and 3, in
        words), ``threshold_source`` (a cited source, or the toolkit's own judgement) and
        ``limits`` (what the proxy misses, or why there is none). The indicators and their
        thresholds are listed in ``docs/scorecard.md``.

        An indicator is not scored, rather than scored as if its count were 0, where its
        input is missing: no reports (none given, none kept, or none in the zone's area)
        for "People feel relaxed"; no assets, or none of the categories it counts
        anywhere in the project's area, for the asset-based proxies. Nor is it scored
        without a proxy, without roads to count per km, or per square kilometre outside
        the zones.

    Raises
    ------
    ConfigError
        When a layer is missing, not a GeoDataFrame, in degrees or another CRS than the
        others, or lacks its layer's columns.

    Examples
    --------
    >>> card = scorecard(layers)
    >>> card.columns.tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['zone_id', 'indicator', 'measure', 'value', 'unit', 'score', 'not_scored',
     'thresholds', 'threshold_source', 'limits']
    >>> cowslip = card[card["zone_id"] == "cowslip"]
    >>> cowslip[["indicator", "value", "unit", "score"]].head(3)
                                 indicator  value    unit  score
    10  Pedestrians from all walks of life    NaN            NaN
    11                       Easy to cross  0.000  per km    0.0
    12                   Shade and shelter  3.171  per km    0.0
    """
    imports = zones.imports if isinstance(zones, Layers) else []
    given = given_layers(
        zones,
        streets,
        assets,
        reports,
        roles=("zones", "streets", "assets", "reports"),
        caller="scorecard",
    )
    zones, streets, assets, reports = (
        given["zones"],
        given["streets"],
        given["assets"],
        given["reports"],
    )
    lengths = street_lengths(zones, streets)
    index = lengths.index
    area = pd.Series(
        zones.geometry.area.to_numpy() / 1e6, index=zones["zone_id"].astype("str").to_numpy()
    ).reindex(index)
    counts = (
        asset_counts(zones, streets, assets)
        .pivot_table(
            index="zone_id", columns="category", values="count", aggfunc="sum", fill_value=0
        )
        .reindex(index, fill_value=0)
    )

    def assets_of(*categories: str) -> pd.Series:
        present = [c for c in categories if c in counts]
        return counts[present].sum(axis=1) if present else pd.Series(0, index=index)

    km = lengths["street_km"].where(lengths["street_km"] > 0)
    roads = streets[streets["road_class"] != "path"]
    main_km = (
        (roads.loc[roads["road_class"] == "main", "length_m"] / 1000)
        .groupby(roads["zone_id"].astype("object").where(roads["zone_id"].notna(), OUTSIDE))
        .sum()
    )
    shelters = _shelters(assets)
    cleanliness = report_counts(zones, streets, reports)
    clean = cleanliness[cleanliness["category"].isin(["dog_fouling", "litter"])]
    years = report_period(reports).years if period_known(reports) else 0.0
    mess = clean.groupby("zone_id")["count"].sum().reindex(index, fill_value=0)
    any_report = cleanliness.groupby("zone_id")["count"].sum().reindex(index, fill_value=0) > 0
    values = {
        "Easy to cross": assets_of("crossing") / km,
        "Shade and shelter": (assets_of("tree") + shelters.reindex(index, fill_value=0)) / km,
        "Places to stop and rest": assets_of("bench") / km,
        "Not too noisy": main_km.reindex(index, fill_value=0.0) / km,
        "People choose to walk, cycle and use public transport": assets_of("bus_stop") / area,
        "Things to see and do": assets_of(*THINGS_TO_DO) / area,
        "People feel relaxed": mess / km / years if years > 0 else mess * np.nan,
    }
    # why an indicator has no score, where its input is missing: a count of nothing is not
    # a measurement of none (no reports given would otherwise score "relaxed" 3 of 3)
    no_assets = _no_layer_reason(assets, imports, "assets")
    no_reports = _no_layer_reason(reports, imports, "reports")
    mapped = set(assets["category"].dropna().astype("str"))
    rows = []
    for zone_id in index:
        for proxy in PROXIES:
            value = values[proxy.indicator][zone_id] if proxy.measure else np.nan
            why = ""
            if proxy.measure is None:
                why = NO_PROXY
            elif proxy.indicator in _ASSET_INPUTS:
                categories, things = _ASSET_INPUTS[proxy.indicator]
                # bus shelters count with the trees, whatever category they were given
                sheltered = proxy.indicator == "Shade and shelter" and len(shelters) > 0
                if no_assets:
                    why = no_assets
                elif not (mapped & set(categories) or sheltered):
                    why = f"no {things} in the assets given, anywhere in the project's area"
            elif proxy.indicator == "People feel relaxed":
                if no_reports:
                    why = no_reports
                elif not any_report[zone_id]:
                    why = _in_zone("no reports", zone_id)
            if not why and pd.isna(value):
                why = _no_value_reason(proxy, zone_id, km)
            if why:
                value = np.nan
            rows.append(
                {
                    "zone_id": zone_id,
                    "indicator": proxy.indicator,
                    "measure": proxy.measure or "No usable proxy in open data",
                    "value": round(float(value), 3) if pd.notna(value) else np.nan,
                    "unit": proxy.unit,
                    "score": np.nan if why else proxy.score(float(value)),
                    "not_scored": why,
                    "thresholds": _thresholds_text(proxy),
                    "threshold_source": proxy.source,
                    "limits": proxy.limits,
                }
            )
    return pd.DataFrame(rows)


#: Why an indicator without a proxy has no score.
NO_PROXY = "no usable proxy in open data"

#: The asset categories each asset-based indicator counts, and what they are in words
#: ("Shade and shelter" counts bus shelters too, see :func:`_shelters`).
_ASSET_INPUTS: dict[str, tuple[tuple[str, ...], str]] = {
    "Easy to cross": (("crossing",), "crossings"),
    "Shade and shelter": (("tree",), "trees or bus shelters"),
    "Places to stop and rest": (("bench",), "benches"),
    "People choose to walk, cycle and use public transport": (("bus_stop",), "bus stops"),
    "Things to see and do": (THINGS_TO_DO, "parks, halls, shops or other places to go"),
}


def _no_layer_reason(layer: pd.DataFrame, imports: list[ImportResult], kind: str) -> str:
    """Why a layer gives nothing to score by, or ``""`` when it has rows: none were given,
    or those given were all left out (outside the project's area) or rejected."""
    if len(layer):
        return ""
    read = [r for r in imports if r.kind == kind and r.rows_in > 0]
    if not read:
        return f"no {kind} were given"
    if not any(r.n_rejected for r in read):
        return f"all the {kind} given lie outside the project's area"
    return f"none of the {kind} given was kept (rejected or outside the project's area)"


def _no_value_reason(proxy: Proxy, zone_id: str, km: pd.Series) -> str:
    """Why a proxy has no value in a zone: no roads to count per km, or no area."""
    if proxy.unit.startswith("per km2"):
        if zone_id == OUTSIDE:
            return "the area outside all zones has no set area"
        return "the zone has no area"
    if pd.isna(km.get(zone_id)):
        return _in_zone("no roads", zone_id)
    return "its value cannot be worked out"


def _in_zone(what: str, zone_id: str) -> str:
    """``no roads in this zone's area``, or ``... outside all zones`` for that row."""
    return f"{what} outside all zones" if zone_id == OUTSIDE else f"{what} in this zone's area"


def _shelters(assets: gpd.GeoDataFrame) -> pd.Series:
    """Bus shelters per zone: amenity=shelter, and bus stops OpenStreetMap tags
    shelter=yes (its importer notes "Shelter") or whose name or notes say shelter (but not
    "no shelter")."""
    text = (
        assets["category_text"].fillna("")
        + " "
        + assets["name"].fillna("")
        + " "
        + assets["notes"].fillna("")
    ).str.lower()
    said = text.str.contains("shelter") & ~text.str.contains(r"\b(?:no|without)\s+shelter")
    shelter = said | (assets["category_text"] == "amenity=shelter")
    zone = assets["zone_id"].astype("object").where(assets["zone_id"].notna(), OUTSIDE)
    return assets[shelter].groupby(zone[shelter]).size()


def _thresholds_text(proxy: Proxy) -> str:
    if not proxy.measure:
        return ""
    sign = ">=" if proxy.higher_is_better else "<="
    return "; ".join(
        f"{score}: {sign} {t:g}" for score, t in zip((1, 2, 3), proxy.thresholds, strict=True)
    )


def markdown() -> str:
    """The scorecard reference as Markdown (the text of ``docs/scorecard.md``)."""
    lines = [
        "# The Healthy Streets scorecard",
        "",
        "Generated from `healthy_streets/analysis/scorecard.py` by `make docs`; do not edit "
        "by hand.",
        "",
        "Transport for London's Healthy Streets Approach judges streets by ten indicators, "
        "properly assessed on foot with TfL's Healthy Streets Check. The toolkit's scorecard "
        "gives each indicator a *proxy* from open data where a defensible one exists, scored "
        "0 to 3 against the thresholds below, and shows the raw value beside the score. It "
        "compares zones with each other and with the area outside them; it is not a Healthy "
        'Streets Check score. "Road" means streets that are not footways or paths.',
        "",
        "| indicator | proxy | unit | score 1 / 2 / 3 at | thresholds from | limits |",
        "|---|---|---|---|---|---|",
    ]
    for proxy in PROXIES:
        if proxy.measure is None:
            lines.append(f"| {proxy.indicator} | *no usable proxy* | | | | {proxy.limits} |")
            continue
        sign = "at least" if proxy.higher_is_better else "at most"
        cuts = " / ".join(f"{t:g}" for t in proxy.thresholds)
        lines.append(
            f"| {proxy.indicator} | {proxy.measure} | {proxy.unit} | {sign} {cuts} | "
            f"{proxy.source} | {proxy.limits} |"
        )
    lines += [
        "",
        "A proxy scores 0 below the first threshold (above it, when lower is better). An "
        "indicator whose value cannot be computed has no score: a zone with no roads, or a "
        "per-square-kilometre proxy for the area outside all zones, which has no set area.",
        "",
        "Nor is an indicator scored when its input is missing, which would score it as if "
        'the count were 0: "People feel relaxed" when no reports were given (or none was '
        "kept, or none lies in the zone's area), the proxies counted from assets when no "
        "assets were given or none of the categories a proxy counts is mapped anywhere in "
        "the project's area. The table's `not_scored` column says why, in words; nothing "
        "not scored counts as 0 anywhere.",
        "",
        "No threshold here is a published standard for these proxies: each is the toolkit's "
        "own judgement, set to spread real neighbourhoods across the scores, and where "
        "guidance bears on it, the guidance is named for comparison. The scorecard table "
        "(CSV and workbook) carries each row's threshold source and limits beside its "
        "score.",
    ]
    return "\n".join(lines) + "\n"
