import pytest

from healthy_streets.errors import InputFileError
from healthy_streets.io.assets import read_assets
from healthy_streets.model.layers import ASSETS

WALKABOUT = """Name,Category,Latitude,Longitude,Easting,Northing,Grid Ref,Notes,Added By
Bench by the pond,Benches,53.6512,-2.6255,,,,"Broken slat, call 07700 900123",Margaret Holt
Poo bin,poo bin,,,358850,417420,,,Dev Patel
The hall,Comunity Centre,,,,,SD 58323 17512,Tea on Tuesdays,Ann Lee
Mystery,Thingy by the wall,53.6512,-2.6255,,,,,
Swapped,Bench,-2.6255,53.6512,,,,,
Nowhere,Bench,,,,,,,
Paris,Cafe,48.8566,2.3522,,,,,
Bad ref,Bench,,,,,ZZ 123,,
"""


@pytest.fixture
def walkabout(tmp_path):
    path = tmp_path / "walkabout.csv"
    path.write_text(WALKABOUT)
    return path


def test_walkabout_spreadsheet(walkabout):
    result = read_assets(walkabout)
    assets = result.layer.set_index("source_ref")
    assert list(result.layer.columns) == ASSETS.column_names
    assert assets.loc["2", "category"] == "bench"
    assert assets.loc["2", "category_text"] == "Benches"
    assert assets.loc["2", "notes"] == "Broken slat, call [phone removed]"
    assert assets.loc["3"].geometry.coords[0] == (358850.0, 417420.0)
    assert assets.loc["4", "category"] == "community_centre"
    assert assets.loc["4"].geometry.coords[0] == (358323.5, 417512.5)
    assert assets.loc["5", "category"] == "other"
    assert any("'Thingy by the wall'" in note for note in result.notes)
    # volunteers' names are never read
    assert "Margaret Holt" not in result.layer.to_json()


def test_every_row_is_kept_or_rejected_with_a_reason(walkabout):
    result = read_assets(walkabout)
    assert result.rows_in == 8 == result.kept + result.n_rejected
    reasons = dict(zip(result.rejected["row"], result.rejected["reason"], strict=True))
    assert "swapped" in reasons["6"]
    assert "no coordinates" in reasons["7"]
    assert "outside Great Britain" in reasons["8"]
    assert "not an OS grid reference" in reasons["9"]


def test_points_outside_the_project_area_are_rejected(walkabout):
    import shapely

    area = shapely.box(358800, 417400, 358900, 417500)
    result = read_assets(walkabout, area=area)
    assert result.layer["source_ref"].tolist() == ["3"]
    assert result.rejected["reason"].str.contains("outside the project area").sum() == 3


def test_a_spreadsheet_without_coordinates(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Name,Category\nBench,Bench\n")
    with pytest.raises(InputFileError, match="No coordinate columns"):
        read_assets(path)
