"""The four normalised layers and their columns: the one place they are defined.

Every importer returns one of these layers, every analysis function takes them, and the
project store writes them. Their columns are stable: add columns at the end, never
rename or drop one. ``docs/layers.md`` is generated from the definitions below
(``make docs``) and a test keeps the two in step.

All layers are GeoDataFrames in the working CRS (:data:`healthy_streets.settings.working_crs`,
British National Grid by default); maps convert to EPSG:4326 at the very end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from healthy_streets import settings

__all__ = [
    "ASSETS",
    "COMMUNITY_MAP_KIND",
    "LAYERS",
    "REPORTS",
    "SPEED_LIMITS",
    "STREETS",
    "ZONES",
    "Column",
    "Layer",
    "conform",
    "empty_layer",
]


@dataclass(frozen=True)
class Column:
    """One column of a normalised layer.

    Attributes
    ----------
    name
        The column name.
    dtype
        The pandas dtype the column is held in.
    description
        What the column means, in plain words.
    """

    name: str
    dtype: str
    description: str


@dataclass(frozen=True)
class Layer:
    """A normalised layer: its name, geometry types and columns (geometry last)."""

    name: str
    geometry_types: tuple[str, ...]
    columns: tuple[Column, ...]
    description: str

    @property
    def column_names(self) -> list[str]:
        """Column names in order, geometry last."""
        return [c.name for c in self.columns] + ["geometry"]


# Free text from residents, as the importers leave it (healthy_streets.model.privacy).
_SCRUBBED = (
    "emails, phone numbers, postcodes, home addresses and people's names replaced by "
    "`[email removed]`, `[phone removed]`, `[postcode removed]`, `[address removed]` and "
    "`[name removed]`; places and organisations kept"
)

_ZONE_ID = Column(
    "zone_id",
    "str",
    "The zone the feature lies in (see `zones.zone_id`); empty when it lies outside every zone.",
)

_STREET_LINK = (
    Column(
        "segment_id",
        "str",
        "The nearest street segment within the attach distance (see "
        "`analysis.attach_to_streets`); empty for polygons, far points, or before attaching.",
    ),
    Column("street_name", "str", "That segment's street name."),
    Column("street_distance_m", "float64", "Distance to that segment in metres."),
)

ZONES = Layer(
    "zones",
    ("Polygon", "MultiPolygon"),
    (
        Column(
            "zone_id",
            "str",
            "Stable identifier: a slug of the zone name (numbered when names repeat); a zone "
            "with no name is `unnamed-zone-row-<row>`. Used in file names of maps.",
        ),
        Column(
            "name",
            "str",
            "The zone's name as the council gives it; with no name column, the name in the "
            "title of the zone's plan when a column gives one (`Gleadless Valley` from "
            "`20mph speed limit plans for Gleadless Valley.pdf`: the words most titles share "
            "and the file extension taken off), else `Zone <number>` from a zone number, else "
            "`Unnamed zone (row <row>)`.",
        ),
        Column(
            "status",
            "str",
            "`implemented`, `proposed` or `unknown`: from the status as written; for a zone "
            "with none, from `implemented_on` (`implemented` once the date has passed, "
            "`proposed` before it, `unknown` without a date).",
        ),
        Column(
            "status_text",
            "str",
            "The status as written in the source file, personal data removed as in "
            "`reports.detail`; empty when the status came from the date.",
        ),
        Column(
            "implemented_on",
            "datetime64[ms]",
            "When the zone came into force, as a date (the first day of the month, quarter, "
            "season or year when the source is that vague); empty when unknown. Numeric dates "
            "are read in one order per column: day first, or month first when some can only be "
            "month first and none only day first (`date_order` chooses; the import's notes say "
            "which).",
        ),
        Column(
            "implemented_precision",
            "str",
            "How precise `implemented_on` is: `day`, `month`, `quarter`, `season`, `year` or "
            "`unknown`.",
        ),
        Column(
            "implemented_text",
            "str",
            "The implementation date as written, personal data removed as in `status_text`.",
        ),
        Column(
            "tro_ref",
            "str",
            "Traffic Regulation Order reference, if given; personal data removed as in "
            "`status_text`.",
        ),
        Column("source", "str", "The file the zone came from."),
    ),
    "Council 20mph zones, one row per zone; multipart zones stay one row.",
)

STREETS = Layer(
    "streets",
    ("LineString",),
    (
        Column(
            "segment_id",
            "str",
            "Identifier of the segment, unique in the layer: `<way>-<first node>-<last node>` "
            "(`-2` added for a second segment between the same nodes, as on a roundabout), "
            "with `-<n>` added when a zone boundary cuts it.",
        ),
        Column(
            "osm_way_id",
            "int64",
            "The OpenStreetMap way the segment belongs to (a segment never spans two ways).",
        ),
        Column("name", "str", "Street name (`name=*`), empty when the way has none."),
        Column("highway", "str", "OpenStreetMap `highway=*` class (residential, primary...)."),
        Column(
            "road_class",
            "str",
            "`main` (motorway, trunk, primary, secondary and their links), `local` (tertiary, "
            "unclassified, residential, living_street, service, road) or `path` (footway, "
            "cycleway, path, steps, pedestrian, bridleway, track...). Street lengths in tables "
            "count `main` and `local` only.",
        ),
        Column(
            "speed_mph",
            "float64",
            "Speed limit in mph (5 to 70); empty when unknown or not applicable (paths).",
        ),
        Column(
            "speed_source",
            "str",
            "Where `speed_mph` came from; see `healthy_streets.model.speed` for the vocabulary "
            "(`maxspeed`, `maxspeed_kmh`, `maxspeed_lowest`, `maxspeed_type`, `zone_maxspeed`, "
            "`source_maxspeed`, `national_limit`, `default`, `unknown`).",
        ),
        Column("maxspeed", "str", "The raw `maxspeed=*` text (lists joined with `;`)."),
        Column(
            "maxspeed_type",
            "str",
            "The raw `maxspeed:type=*` text, else `zone:maxspeed=*`.",
        ),
        Column(
            "signed_20mph_zone",
            "boolean",
            "OSM says the street is in a signed 20mph zone (`GB:zone20` or `GB:20`); empty "
            "when the source has no such tags to tell (an osmnx graph read without them).",
        ),
        Column("length_m", "float64", "Length in metres, measured in the working CRS."),
        _ZONE_ID,
        Column(
            "u",
            "Int64",
            "The OpenStreetMap node at the segment's first end. Made of an osmnx graph: the "
            "graph's node there, and with `v` and `key`, `G.edges[u, v, key]` is the "
            "segment's edge when it is exactly one edge of the graph; `u` and `v` are in the "
            "order of `segment_id` unless the graph holds the street the other way round only "
            "(a one-way street). Read from an OpenStreetMap file or downloaded: the end "
            "osmnx's undirected graph holds first. Empty for streets not from OpenStreetMap. "
            "A piece cut at a zone boundary keeps its segment's `u`, `v` and `key`.",
        ),
        Column("v", "Int64", "The OpenStreetMap node at the segment's other end (see `u`)."),
        Column(
            "key",
            "Int64",
            "Made of an osmnx graph: the graph's own key of the segment's edge (never "
            "renumbered), empty when the segment is several of the graph's edges joined "
            "(see `graph_edges`). Read from an OpenStreetMap file or downloaded: osmnx's key "
            "of the edge between `u` and `v` (0, or 1, 2... where several run between the "
            "same two nodes).",
        ),
        Column(
            "graph_edges",
            "str",
            "Made of an osmnx graph: the graph's edges the segment is made of, in order "
            "from `u` to `v`, as `u,v,key;u,v,key...` (`G.edges[u, v, key]` each; "
            "`healthy_streets.segment_graph_edges` lists them as a table); "
            "their lengths add up to the segment's (a piece cut at a zone boundary keeps the "
            "whole segment's). Empty for streets read from a file or downloaded.",
        ),
    ),
    "OpenStreetMap street segments (`highway=*` ways only), split at intersections.",
)

ASSETS = Layer(
    "assets",
    ("Point", "Polygon", "MultiPolygon"),
    (
        Column(
            "asset_id",
            "str",
            "Identifier: `<file name slug>-<row>` (`walkabout-csv-12`), or `osm-<element>-<id>`.",
        ),
        Column(
            "name",
            "str",
            "The asset's name; may be empty. From a file (not OpenStreetMap), personal data "
            "removed as in `notes`.",
        ),
        Column(
            "category",
            "str",
            "Category key from the asset taxonomy (`healthy_streets.model.taxonomy`).",
        ),
        Column(
            "category_text",
            "str",
            "The category as written in the source; from a file, personal data removed as in "
            "`notes`.",
        ),
        Column("source", "str", "Where the record came from: a file name, or `OpenStreetMap`."),
        Column("source_ref", "str", "Row number in the source file, or the OSM element id."),
        Column(
            "notes",
            "str",
            "Free-text notes; from a file (not OpenStreetMap): the column headed as notes "
            "(Notes, Comments, Description, Opening hours..., also within a longer heading such "
            'as "Access notes"), else one of long free text no other role took (never a '
            f"column about a person), with {_SCRUBBED}.",
        ),
        _ZONE_ID,
        *_STREET_LINK,
    ),
    "Community assets: points, or polygons for sites such as parks and allotments.",
)

#: The ``healthy_streets.kind`` of the GeoJSON a meeting map's "Download my additions"
#: writes; the asset reader knows such a file by it.
COMMUNITY_MAP_KIND = "community-map additions"

REPORTS = Layer(
    "reports",
    ("Point",),
    (
        Column(
            "report_id",
            "str",
            "The report's identifier in its source (a FixMyStreet report id is the same in its "
            "CSV export and its Open311 feed, so one report is counted once); for a file "
            "with no ids, `<file stem>-<hash of the row>`, the same for the same report.",
        ),
        Column("category", "str", "Category key from the report taxonomy (`model.taxonomy`)."),
        Column(
            "category_text",
            "str",
            "Category (and subcategory, after ` / `) as written in the source, personal data "
            "removed as in `detail`.",
        ),
        Column(
            "status",
            "str",
            "`open`, `fixed` or `closed`, from the status as written "
            "(`io.reports.REPORT_STATUSES`; one the toolkit does not know is `open`, and the "
            "import says so). A report FixMyStreet never publishes (`hidden`, `unconfirmed`, "
            "`partial`) is not in the layer: its row is rejected with its id and why, its "
            "text kept nowhere.",
        ),
        Column(
            "status_text",
            "str",
            "The status as written in the source, personal data removed as in `detail`.",
        ),
        Column(
            "reported_at",
            "datetime64[ms, Europe/London]",
            "When the report was made (FixMyStreet: Confirmed, else Created).",
        ),
        Column(
            "fixed_at",
            "datetime64[ms, Europe/London]",
            "When it was marked fixed (or closed), where known; kept as written even when it "
            "comes before `reported_at` (the import's notes count those, and "
            "`median_days_to_fix` leaves them out).",
        ),
        Column("title", "str", f"Title, with {_SCRUBBED}."),
        Column("detail", "str", f"Description, with {_SCRUBBED}."),
        Column("source", "str", "The file the report came from."),
        Column(
            "responsible_tier",
            "str",
            "`county` or `district`: which tier of local government handles the category.",
        ),
        _ZONE_ID,
        *_STREET_LINK,
    ),
    "Resident reports (FixMyStreet, Open311, council CRM). Never holds names, emails or phones.",
)

SPEED_LIMITS = Layer(
    "speed_limits",
    ("LineString", "MultiLineString"),
    (
        Column("line_id", "str", "Identifier: `<source slug>-<row>`."),
        Column(
            "speed_mph",
            "float64",
            "The council's speed limit in mph, when the line has one limit; empty for a band "
            "(see `speed_mph_low`) or an unknown limit (never a band's top value).",
        ),
        Column(
            "part_time",
            "bool",
            "The limit applies at some times only (part-time 20mph outside schools, advisory).",
        ),
        Column("limit_text", "str", "The limit exactly as written (`20mph streets`...)."),
        Column("group", "str", "The value of the grouping field (a zone or scheme name), if any."),
        Column("source", "str", "The file the line came from."),
        _ZONE_ID,
        Column(
            "speed_mph_low",
            "float64",
            "The lowest limit the text gives, in mph: `speed_mph` for one limit, the band's "
            "lowest for a band or list (`50, 60 or 70mph` gives 50; `National speed limit` "
            "60); empty when unknown.",
        ),
        Column(
            "speed_mph_high",
            "float64",
            "The highest limit the text gives, in mph (70 for `50, 60 or 70mph`); empty when "
            "unknown.",
        ),
        Column(
            "limit_kind",
            "str",
            "`single` (one limit), `band` (a range or list of limits: `speed_mph` is empty) "
            "or `unknown` (no limit could be read: the line is kept all the same).",
        ),
    ),
    "Council speed-limit lines (streets with a limit), compared with OpenStreetMap's limits.",
)

LAYERS: dict[str, Layer] = {
    layer.name: layer for layer in (ZONES, STREETS, ASSETS, REPORTS, SPEED_LIMITS)
}


def empty_layer(layer: Layer, *, crs: str | None = None) -> gpd.GeoDataFrame:
    """Return an empty GeoDataFrame with ``layer``'s columns and dtypes.

    Parameters
    ----------
    layer
        One of :data:`ZONES`, :data:`STREETS`, :data:`ASSETS`, :data:`REPORTS`.
    crs
        The CRS; defaults to the working CRS.
    """

    frame = pd.DataFrame({c.name: pd.Series([], dtype=c.dtype) for c in layer.columns})
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=crs or settings.working_crs))


#: pandas' text dtype, the one ``astype("str")`` gives.
_TEXT = pd.Series([], dtype="str").dtype


def conform(frame: gpd.GeoDataFrame, layer: Layer) -> gpd.GeoDataFrame:
    """Return ``frame`` with exactly ``layer``'s columns, in order, in their dtypes.

    Missing columns are added empty; extra columns are dropped. Raises ``KeyError`` if the
    frame has no geometry. This is how every importer hands back its layer.
    """
    out = {}
    n = len(frame)
    for column in layer.columns:
        if column.name in frame.columns:
            values = frame[column.name]
        else:
            values = pd.Series([None] * n, index=frame.index, dtype="object")
        out[column.name] = _cast(values, column)
    result = gpd.GeoDataFrame(
        pd.DataFrame(out, index=frame.index),
        geometry=frame.geometry.values,
        crs=frame.crs,
    )
    result = result.reset_index(drop=True)
    result.attrs["layer"] = layer.name
    return result


def _cast(values: pd.Series, column: Column) -> pd.Series:
    if column.dtype == "str":  # text, with empty text missing
        if values.dtype == object and values.isna().all():  # quicker than each None cast
            return pd.Series(np.nan, index=values.index, name=values.name, dtype=_TEXT)
        if values.dtype in (_TEXT, object):  # what astype("str") makes of each value
            text = values if values.dtype == _TEXT else values.astype("str")
            empty = text.to_numpy(dtype=object) == ""
            return text.mask(empty) if empty.any() else text
        text = values.astype("object")
        text = text.where(text.notna() & (text.astype("str") != ""), None)
        return text.astype("str")
    if column.dtype == "bool":
        return values.fillna(False).astype("bool")
    if column.dtype.startswith("datetime64"):
        if values.isna().all():
            return pd.Series(pd.NaT, index=values.index, dtype=column.dtype)
        return values.astype(column.dtype)
    return values.astype(column.dtype)


def markdown(layers: Iterable[Layer] = LAYERS.values()) -> str:
    """The column reference as Markdown (the text of ``docs/layers.md``)."""
    lines = [
        "# The normalised layers",
        "",
        "Generated from `healthy_streets/model/layers.py` by `make docs`; do not edit by hand.",
        "",
        "Every layer is a GeoDataFrame in the working CRS (EPSG:27700, British National Grid, "
        "unless the project names another), with exactly these columns in this order and a "
        "`geometry` column last. Empty text is an empty value, not an empty string.",
    ]
    for layer in layers:
        lines += [
            "",
            f"## `{layer.name}`",
            "",
            f"{layer.description} Geometry: {', '.join(layer.geometry_types)}.",
            "",
            "| column | dtype | meaning |",
            "|---|---|---|",
        ]
        lines += [f"| `{c.name}` | `{c.dtype}` | {c.description} |" for c in layer.columns]
    return "\n".join(lines) + "\n"
