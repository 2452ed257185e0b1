"""Per-zone key figures: what the index page and the officers' tables lead with.

Pure functions over the normalised layers; no I/O.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd

__all__ = ["OUTSIDE", "key_figures"]

#: The ``zone_id`` used for the area outside every zone in tables.
OUTSIDE = "(outside zones)"


def key_figures(
    zones: gpd.GeoDataFrame,
    streets: gpd.GeoDataFrame,
    assets: gpd.GeoDataFrame,
    reports: gpd.GeoDataFrame,
    *,
    year_ending: dt.date | None = None,
) -> pd.DataFrame:
    """Headline figures per zone, with the area outside all zones as a last row.

    Streets must already carry ``zone_id`` (see
    :func:`healthy_streets.analysis.cut_streets_at_zones`), as must assets and reports
    (:func:`healthy_streets.analysis.assign_zones`).

    Parameters
    ----------
    zones, streets, assets, reports
        The normalised layers.
    year_ending
        The last day of the "past year" window for ``reports_past_year`` (default: the
        date of the latest report).

    Returns
    -------
    DataFrame
        Indexed by ``zone_id`` (zones in file order, then ``"(outside zones)"``), with:

        ``name``
            The zone's name.
        ``status``
            implemented / proposed / unknown (empty for outside).
        ``street_km``
            Length of roads (``road_class`` main or local; not paths), km.
        ``share_20mph``
            Share of that length with a speed limit of 20 mph or less, 0 to 1.
        ``assets``
            Community assets in the zone.
        ``reports``
            Resident reports in the zone, all dates.
        ``reports_past_year``
            Reports in the 365 days up to ``year_ending``.
    """
    index = [*zones["zone_id"].astype("str"), OUTSIDE]
    roads = streets[streets["road_class"] != "path"]
    road_zone = roads["zone_id"].fillna(OUTSIDE)
    km = roads.groupby(road_zone)["length_m"].sum() / 1000
    km20 = roads[roads["speed_mph"] <= 20].groupby(road_zone)["length_m"].sum() / 1000

    def count(layer: gpd.GeoDataFrame) -> pd.Series:
        return layer.groupby(layer["zone_id"].fillna(OUTSIDE)).size()

    if year_ending is None and len(reports) and reports["reported_at"].notna().any():
        end = reports["reported_at"].max()
    else:
        end = pd.Timestamp(year_ending or dt.date.today(), tz="Europe/London")
        end = end + pd.Timedelta(days=1) - pd.Timedelta(milliseconds=1)
    recent = reports[reports["reported_at"] > end - pd.Timedelta(days=365)]

    table = pd.DataFrame(index=pd.Index(index, name="zone_id"))
    table["name"] = [*zones["name"].astype("str"), "Outside all zones"]
    table["status"] = [*zones["status"].astype("str"), None]
    table["street_km"] = km.reindex(index).fillna(0.0).round(2)
    share = (km20.reindex(index).fillna(0.0) / km.reindex(index)).where(km.reindex(index) > 0)
    table["share_20mph"] = share.round(3)
    table["assets"] = count(assets).reindex(index).fillna(0).astype("int64")
    table["reports"] = count(reports).reindex(index).fillna(0).astype("int64")
    table["reports_past_year"] = count(recent).reindex(index).fillna(0).astype("int64")
    return table
