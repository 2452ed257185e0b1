import geopandas as gpd
import pytest
import shapely

from healthy_streets.errors import OutputExistsError, OutputIsInputError
from healthy_streets.io.write import gpkg_layers, write_layer


def frame(n=1):
    return gpd.GeoDataFrame(
        {"a": list(range(n))},
        geometry=[shapely.Point(358000 + i, 417000) for i in range(n)],
        crs="EPSG:27700",
    )


def test_layers_are_added_and_replaced_only_when_asked(tmp_path):
    path = tmp_path / "store.gpkg"
    write_layer(frame(), path, "one")
    write_layer(frame(2), path, "two")
    assert sorted(gpkg_layers(path)) == ["one", "two"]
    with pytest.raises(OutputExistsError, match="layer 'one'"):
        write_layer(frame(3), path, "one")
    write_layer(frame(3), path, "one", overwrite=True)
    assert len(gpd.read_file(path, layer="one")) == 3
    assert len(gpd.read_file(path, layer="two")) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.gpkg"]


def test_a_failed_write_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    import pyogrio

    path = tmp_path / "store.gpkg"
    write_layer(frame(), path, "one")
    before = path.read_bytes()
    real_write = pyogrio.write_dataframe

    def write_then_fail(*args, **kwargs):
        real_write(*args, **kwargs)  # the layer is written into the temporary copy...
        raise OSError("disk full")  # ...and then the write fails

    monkeypatch.setattr(pyogrio, "write_dataframe", write_then_fail)
    with pytest.raises(OSError, match="disk full"):
        write_layer(frame(5), path, "two")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.gpkg"]


def test_an_input_is_never_an_output(tmp_path):
    path = tmp_path / "in.gpkg"
    write_layer(frame(), path, "one")
    with pytest.raises(OutputIsInputError):
        write_layer(frame(), path, "two", inputs=[path])


def test_times_keep_their_instant(tmp_path):
    import pandas as pd

    summer = pd.Timestamp("2024-07-01 12:00", tz="Europe/London")
    layer = frame().assign(reported_at=[summer])
    path = tmp_path / "store.gpkg"
    write_layer(layer, path, "reports")
    back = gpd.read_file(path, layer="reports")["reported_at"].iloc[0]
    assert back == summer  # 11:00 UTC, the same instant
    assert str(layer["reported_at"].dt.tz) == "Europe/London"  # the caller's frame is untouched


def test_csv_cells_never_run_as_formulas(tmp_path):
    import pandas as pd

    from healthy_streets.io.write import write_csv

    table = pd.DataFrame(
        {
            "title": ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "plain", None],
            "count": [-5, 1, 2, 3, 4, 5],
        }
    )
    path = write_csv(table, tmp_path / "t.csv")
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back["title"].tolist()[:5] == [
        '\'=HYPERLINK("http://x")',
        "'+1+1",
        "'-2",
        "'@SUM(A1)",
        "plain",
    ]
    assert back["count"].tolist()[0] == -5  # numbers are not formulas
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads the BOM as UTF-8


def test_one_workbook_a_sheet_per_table(tmp_path):
    import pandas as pd

    from healthy_streets.io.write import write_workbook

    tables = {
        "summary": pd.DataFrame({"zone": ["North"], "reports": [3]}),
        "reports_by_category_and_a_very_long_name": pd.DataFrame(
            {"title": ["=1+1"], "when": [pd.Timestamp("2024-07-01 12:00", tz="Europe/London")]}
        ),
    }
    path = write_workbook(tables, tmp_path / "tables.xlsx")
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == ["summary", "reports_by_category_and_a_very_"]  # 31 characters
    long = sheets["reports_by_category_and_a_very_"]
    assert long.loc[0, "title"] == "'=1+1"
    assert long.loc[0, "when"] == pd.Timestamp("2024-07-01 12:00")  # UK local time
    with pytest.raises(OutputExistsError):
        write_workbook(tables, path)
