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


def test_sheet_names_excel_refuses_are_made_ones_it_takes(tmp_path):
    """Table names with characters Excel refuses, names alike but for case, and long
    names sharing their first 31 characters each get a sheet of their own; no tables at
    all is one clear error, and no file."""
    import pandas as pd

    from healthy_streets.errors import ConfigError
    from healthy_streets.io.write import write_workbook

    long = "reports_by_category_and_a_very_long_name"
    names = ["zones/2024", "Summary", "summary", "[draft]: a?", long, long + " 2", "'"]
    tables = {name: pd.DataFrame({"table": [name]}) for name in names}
    path = write_workbook(tables, tmp_path / "tables.xlsx")
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == [
        "zones-2024",
        "Summary",
        "summary 2",
        "-draft-- a-",
        "reports_by_category_and_a_very_",
        "reports_by_category_and_a_ver 2",
        "Sheet",
    ]
    assert [frame.loc[0, "table"] for frame in sheets.values()] == names  # in order
    with pytest.raises(ConfigError, match="no tables to write"):
        write_workbook({}, tmp_path / "none.xlsx")
    assert not (tmp_path / "none.xlsx").exists()


def test_a_workbook_stopped_mid_write_leaves_the_old_one_whole(tmp_path, monkeypatch):
    """Ctrl-C while the sheets are written: the interruption is what the caller sees (not
    the writer's complaint that a workbook needs a sheet), and the old file is untouched."""
    import pandas as pd

    from healthy_streets.io.write import write_workbook

    path = tmp_path / "tables.xlsx"
    path.write_bytes(b"the old workbook")

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_excel", stopped)
    with pytest.raises(KeyboardInterrupt):
        write_workbook({"summary": pd.DataFrame({"zone": ["North"]})}, path, overwrite=True)
    assert path.read_bytes() == b"the old workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["tables.xlsx"]  # no temporary file left


HOSTILE = [
    " =1+2",
    "\r=1+3 Kestrel Road",
    "\t@SUM(A1)",
    "\n+cmd|' /C calc'!A0",
    "\u200b-2+3",  # a zero-width space first
    '\u00a0=HYPERLINK("http://x")',  # a no-break space first
    "\x00\x1f=1",
    "Kestrel Road\rNorth",  # a lone carriage return inside: must not split the row
    "two\nlines",
    "crlf\r\ninside",
    'a "quoted", comma',
    "plain",
]


def test_csv_cells_never_split_rows_nor_run_as_formulas(tmp_path):
    import csv
    import io

    import pandas as pd

    from healthy_streets.io.write import write_csv

    table = pd.DataFrame({"street": HOSTILE, "reports": range(len(HOSTILE)), "note": HOSTILE[::-1]})
    path = write_csv(table, tmp_path / "hotspots.csv")
    text = path.read_bytes().decode("utf-8-sig")
    with io.StringIO(text, newline="") as handle:
        rows = list(csv.reader(handle))
    by_pandas = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert rows[0] == ["street", "reports", "note"]
    assert len(rows) == len(HOSTILE) + 1  # same rows: no cell split one
    assert by_pandas.values.tolist() == rows[1:]  # both readers see the same cells
    for original, row in zip(HOSTILE, rows[1:], strict=True):
        cell = row[0]
        assert cell.lstrip("'") == original  # the same text, at most a leading quote added
        visible = cell.lstrip("".join(chr(c) for c in range(33)) + "\u200b\u00a0")
        assert not visible.startswith(("=", "+", "-", "@")), repr(cell)
    assert [row[1] for row in rows[1:]] == [str(n) for n in range(len(HOSTILE))]
    assert rows[1][0] == "' =1+2" and rows[2][0] == "'\r=1+3 Kestrel Road"
    assert rows[8][0] == "Kestrel Road\rNorth"  # harmless text is left as it was


def test_csv_to_standard_output_is_the_same_text():
    import pandas as pd

    from healthy_streets.io.write import csv_text

    table = pd.DataFrame({"street": ["\r=1+3 Kestrel Road"], "geometry": [None]})
    assert csv_text(table) == 'street\r\n"\'\r=1+3 Kestrel Road"\r\n'


def test_every_csv_writer_goes_through_write_csv():
    import re

    from conftest import ROOT

    found = []
    for path in sorted((ROOT / "healthy_streets").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"\.to_csv\(|csv\.(writer|DictWriter)\(", text):
            line = text[: match.start()].count("\n") + 1
            found.append(f"{path.relative_to(ROOT)}:{line}")
    # the one call is csv_text's; the sample generator writes test inputs, not outputs; the
    # reader writes a bad row back as one line of text, a value that rejected.csv (written
    # by write_csv) then holds
    assert [f.split(":")[0] for f in found] == [
        "healthy_streets/io/_common.py",
        "healthy_streets/io/write.py",
        "healthy_streets/sample/_writers.py",
    ], found


def test_control_characters_and_huge_cells_never_stop_the_workbook(tmp_path):
    """A zone, street or place name holding a bell, an escape or a vertical tab (pasted from
    a spreadsheet) made openpyxl refuse the whole workbook, and a build with it ended in a
    traceback: each is written as its visible escape; a cell beyond Excel's 32,767
    characters is cut there."""
    import json

    import openpyxl
    import pandas as pd
    from click.testing import CliRunner

    from healthy_streets.cli import main
    from healthy_streets.io.write import write_workbook

    from conftest import SAMPLE

    table = pd.DataFrame({"name": ["Bell\x07 Zone \x1b[31m", "\x0b=1+2", "x" * 40_000]})
    path = write_workbook({"summary": table}, tmp_path / "tables.xlsx")
    cells = [c.value for c in openpyxl.load_workbook(path)["summary"]["A"]][1:]
    assert cells[:2] == ["Bell\\x07 Zone \\x1b[31m", "'\\x0b=1+2"]
    assert len(cells[2]) == 32_767 and cells[2].endswith("…")
    zones = json.loads((SAMPLE / "zones.geojson").read_text(encoding="utf-8"))
    zones["features"][0]["properties"]["ZONE_NAME"] = "Yarrowside\x0bNorth\x1b"
    (tmp_path / "zones.geojson").write_text(json.dumps(zones), encoding="utf-8")
    out = tmp_path / "summary.xlsx"
    result = CliRunner().invoke(
        main,
        ["-q", "summary", "--zones", str(tmp_path / "zones.geojson"), "--osm-file",
         str(SAMPLE / "yarrowside.osm"), "--reports", str(SAMPLE / "reports_fixmystreet.csv"),
         "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    names = [c.value for c in openpyxl.load_workbook(out).active["B"]]
    assert "Yarrowside\\x0bNorth\\x1b" in names
