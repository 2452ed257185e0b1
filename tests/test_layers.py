import geopandas as gpd
import pandas as pd
import shapely

from healthy_streets.model.layers import LAYERS, STREETS, conform, empty_layer


def test_empty_layers_have_every_column_in_the_working_crs():
    for layer in LAYERS.values():
        frame = empty_layer(layer)
        assert list(frame.columns) == layer.column_names
        assert frame.crs == "EPSG:27700"


def test_conform_orders_columns_casts_and_blanks_empty_text():
    frame = gpd.GeoDataFrame(
        {"extra": [1], "name": [""], "osm_way_id": [7], "segment_id": [None], "speed_mph": [20]},
        geometry=[shapely.LineString([(0, 0), (1, 0)])],
        crs="EPSG:27700",
    )
    out = conform(frame, STREETS)
    assert list(out.columns) == STREETS.column_names
    assert out["osm_way_id"].dtype == "int64"
    assert out["speed_mph"].dtype == "float64"
    assert pd.isna(out.loc[0, "name"])  # empty text is a missing value
    # a source that does not say whether a street is in a signed zone leaves it unknown
    assert out["signed_20mph_zone"].dtype == "boolean" and pd.isna(out.loc[0, "signed_20mph_zone"])
    assert out.attrs["layer"] == "streets"


def test_every_public_name_is_exported():
    import healthy_streets as hs

    assert set(hs.__all__) == {"__version__", "settings", *hs._EXPORTS}
    for name in hs._EXPORTS:
        assert callable(getattr(hs, name)), name
