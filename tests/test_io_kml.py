"""KML files with nested folders, as Google Earth and council GIS exports write them: every
placemark read with its folder path, the category or status taken from the folder that
names one, and the choice said in the Columns line."""

from __future__ import annotations

import pytest

from healthy_streets.errors import InputFileError
from healthy_streets.io.assets import read_assets
from healthy_streets.io.zones import read_zones


def _square(x: float, y: float) -> str:
    d = 0.002
    ring = [(x, y), (x + d, y), (x + d, y + d), (x, y + d), (x, y)]
    points = " ".join(f"{a},{b},0" for a, b in ring)
    return (
        "<Polygon><outerBoundaryIs><LinearRing><coordinates>"
        f"{points}</coordinates></LinearRing></outerBoundaryIs></Polygon>"
    )


def _zone(name: str, description: str, at: int) -> str:
    return (
        f"<Placemark><name>{name}</name><description>{description}</description>"
        f"{_square(-1.47 + at * 0.01, 53.35)}</Placemark>"
    )


def _kml(body: str, title: str = "20mph zones") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>{title}</name>'
        f"{body}</Document></kml>"
    )


ZONES_KML = _kml(
    "<Folder><name>Implemented</name>"
    f"<Folder><name>2017</name>{_zone('Gleadless Valley', 'Went live 16 Aug 2017', 0)}"
    f"{_zone('Hillsborough', 'Went live 1 Mar 2017', 1)}</Folder>"
    f"<Folder><name>2018</name>{_zone('London Road', 'Went live 20 Nov 2018', 2)}</Folder>"
    "</Folder>"
    "<Folder><name>Proposed</name>"
    f"<Folder><name>Phase 3</name>{_zone('Fox Hill', 'Consultation 2030', 3)}</Folder>"
    "</Folder>"
    f"{_zone('Meersbrook', '', 4)}"
)


def _point(name: str, at: int) -> str:
    return (
        f"<Placemark><name>{name}</name><Point><coordinates>{-1.47 + at * 0.001},53.38,0"
        "</coordinates></Point></Placemark>"
    )


ASSETS_KML = _kml(
    "<Folder><name>Benches</name>"
    f"<Folder><name>Meersbrook ward</name>{_point('Bench by the pond', 0)}</Folder>"
    f"<Folder><name>Nether Edge ward</name>{_point('Memorial bench', 1)}</Folder>"
    "</Folder>"
    "<Folder><name>Play areas</name>"
    f"<Folder><name>Meersbrook ward</name>{_point('Meersbrook Park swings', 2)}</Folder>"
    "</Folder>",
    title="Walkabout 2024",
)


def test_nested_kml_zones_are_all_read_with_the_status_their_folder_gives(tmp_path):
    path = tmp_path / "zones.kml"
    path.write_text(ZONES_KML)
    result = read_zones(path)
    by_name = dict(zip(result.layer["name"], result.layer["status"], strict=True))
    assert by_name == {
        "Gleadless Valley": "implemented",
        "Hillsborough": "implemented",
        "London Road": "implemented",
        "Fox Hill": "proposed",
        "Meersbrook": "unknown",
    }
    columns = next(note for note in result.notes if "Columns:" in note)
    assert (
        "status <- the KML folders 'Implemented' (level 1 of 'Implemented/2017', "
        "'Implemented/2018'), 'Proposed' (level 1 of 'Proposed/Phase 3'); 1 zone in no "
        "folder named by a status"
    ) in columns
    assert "'_layer'" not in columns  # the folder path is no column of the file


@pytest.mark.parametrize(
    ("layer", "names"),
    [
        ("Implemented", ["Gleadless Valley", "Hillsborough", "London Road"]),
        ("implemented/2018", ["London Road"]),
        ("Phase 3", ["Fox Hill"]),
    ],
)
def test_a_kml_folder_chosen_takes_its_subfolders(tmp_path, layer, names):
    path = tmp_path / "zones.kml"
    path.write_text(ZONES_KML)
    result = read_zones(path, layer=layer)
    assert result.layer["name"].tolist() == names


def test_a_kml_folder_that_is_not_there_is_refused_with_the_folders_listed(tmp_path):
    path = tmp_path / "zones.kml"
    path.write_text(ZONES_KML)
    with pytest.raises(InputFileError) as caught:
        read_zones(path, layer="Abandoned")
    assert "There is no folder 'Abandoned' in the file" in str(caught.value)
    assert "'Implemented/2017'" in str(caught.value)


def test_nested_kml_assets_take_the_category_from_the_folder_the_taxonomy_knows(tmp_path):
    path = tmp_path / "walkabout.kml"
    path.write_text(ASSETS_KML)
    result = read_assets(path)
    assert result.layer["category"].tolist() == ["bench", "bench", "playground"]
    assert result.layer["category_text"].tolist() == ["Benches", "Benches", "Play areas"]
    columns = result.notes[-1]
    assert (
        "category <- the KML folders 'Benches' (level 1 of 'Benches/Meersbrook ward', "
        "'Benches/Nether Edge ward'), 'Play areas' (level 1 of 'Play areas/Meersbrook ward')"
    ) in columns
    assert not any("(#2)" in note for note in result.notes)  # GDAL's suffix stays out
    ward = read_assets(path, layer="Meersbrook ward")  # both folders of that name
    assert ward.layer["name"].tolist() == ["Bench by the pond", "Meersbrook Park swings"]
    assert ward.layer["category"].tolist() == ["bench", "playground"]


def test_folders_the_taxonomy_does_not_know_give_the_innermost_name(tmp_path):
    path = tmp_path / "walkabout.kml"
    path.write_text(
        _kml(
            "<Folder><name>Walkabout</name>"
            f"<Folder><name>Things to fix</name>{_point('Broken gate', 0)}</Folder>"
            "</Folder>",
            title="Walkabout 2024",
        )
    )
    result = read_assets(path)
    assert result.layer["category_text"].tolist() == ["Things to fix"]
    assert result.layer["category"].tolist() == ["other"]


def _arcgis_placemark(number: int, fields: dict[str, str], lon: float, lat: float) -> str:
    rows = "".join(f"<tr><td>{key}</td><td>{value}</td></tr>" for key, value in fields.items())
    table = f'<html><body><table><tr><td colspan="2">Assets</td></tr>{rows}</table></body></html>'
    return (
        f"<Placemark><name>{number}</name><description><![CDATA[{table}]]></description>"
        f"<Point><coordinates>{lon},{lat},0</coordinates></Point></Placemark>"
    )


def test_arcgis_kml_whose_fields_are_a_table_in_each_description(tmp_path):
    # ArcGIS's "Layer To KML" writes each feature's attributes as an HTML table in its
    # description: they are the file's columns, found by their headers as any file's are
    marks = [
        _arcgis_placemark(
            1, {"SITE_NAME": "Hyde Park Corner", "ASSET_TYPE": "Bench"}, -1.565, 53.81
        ),
        _arcgis_placemark(
            2, {"SITE_NAME": "Woodhouse Moor", "ASSET_TYPE": "Litter Bin"}, -1.560, 53.812
        ),
    ]
    path = tmp_path / "assets.kml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
        f"<Document><Folder><name>Benches</name>{''.join(marks)}</Folder></Document></kml>"
    )
    result = read_assets(path)
    assert result.layer["name"].tolist() == ["Hyde Park Corner", "Woodhouse Moor"]
    assert result.layer["category"].tolist() == ["bench", "bin"]
    assert result.columns["category"]["column"] == "ASSET_TYPE"
    assert any("tables of fields" in note for note in result.notes)
