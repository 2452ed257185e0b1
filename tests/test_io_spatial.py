"""Reading spatial files: zips as GIS users and Macs make them, Shapefile text encodings."""

import zipfile

import geopandas as gpd
import pyogrio
import pytest
import shapely

from healthy_streets.errors import InputFileError
from healthy_streets.io._spatial import ENCODING_NOTES, list_layers, read_spatial
from healthy_streets.io.zones import read_zones

from conftest import square


def zones(names, crs="EPSG:27700"):
    return gpd.GeoDataFrame(
        {"ZONE_NAME": names},
        geometry=[square(358000 + 400 * i, 417000, 300) for i in range(len(names))],
        crs=crs,
    )


def zip_shapefile(archive, folder, stem, inside, *, mode="w"):
    """Add the Shapefile ``folder/stem.*`` to ``archive`` as ``inside/stem.*``."""
    with zipfile.ZipFile(archive, mode) as zf:
        for part in sorted(folder.glob(f"{stem}.*")):
            zf.write(part, f"{inside}/{part.name}" if inside else part.name)


def test_a_zip_made_on_a_mac_holds_one_shapefile_not_two(tmp_path):
    zones(["Church Fields", "Mill Lane"]).to_file(tmp_path / "zones.shp")
    archive = tmp_path / "mac.zip"
    zip_shapefile(archive, tmp_path, "zones", "zones")
    with zipfile.ZipFile(archive, "a") as zf:  # the AppleDouble files Finder adds
        for suffix in ("shp", "shx", "dbf", "prj"):
            zf.writestr(f"__MACOSX/zones/._zones.{suffix}", b"\x00\x05\x16\x07" + bytes(80))
        zf.writestr("._zones.shp", b"\x00\x05\x16\x07" + bytes(80))
    assert list_layers(archive) == ["zones"]
    frame, _ = read_spatial(archive)
    assert frame["ZONE_NAME"].tolist() == ["Church Fields", "Mill Lane"]


def test_two_shapefiles_of_one_name_in_a_zip_are_told_apart_by_their_paths(tmp_path):
    for year, names in (("2019", ["Old Zone"]), ("2024", ["New Zone", "Newer Zone"])):
        folder = tmp_path / year
        folder.mkdir()
        zones(names).to_file(folder / "zones.shp")
        zip_shapefile(tmp_path / "zones.zip", folder, "zones", year, mode="a")
    archive = tmp_path / "zones.zip"
    assert list_layers(archive) == ["2019/zones", "2024/zones"]
    with pytest.raises(InputFileError, match=r"2 shapefiles: '2019/zones', '2024/zones'.*layer"):
        read_spatial(archive)
    with pytest.raises(InputFileError, match=r"2 shapefiles named 'zones'.*such as .*2024/zones"):
        read_spatial(archive, layer="zones")
    assert read_spatial(archive, layer="2024/zones")[0]["ZONE_NAME"].tolist() == [
        "New Zone",
        "Newer Zone",
    ]
    assert read_spatial(archive, layer="2019/ZONES.shp")[0]["ZONE_NAME"].tolist() == ["Old Zone"]
    assert read_zones(archive, layer="2024/zones").layer["name"].tolist() == [
        "New Zone",
        "Newer Zone",
    ]


def test_a_file_geodatabase_zipped_from_inside_its_folder(tmp_path):
    gdb = tmp_path / "council.gdb"
    zones(["Church Fields", "Mill Lane"]).to_file(gdb, driver="OpenFileGDB", layer="Zones20mph")
    zones(["Proposed Zone"]).to_file(gdb, driver="OpenFileGDB", layer="Proposed")
    archive = tmp_path / "gdb_flat.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in gdb.iterdir():
            zf.write(part, part.name)  # no council.gdb/ folder in the zip
    with pytest.raises(InputFileError, match="2 layers: 'Zones20mph', 'Proposed'"):
        read_spatial(archive)
    frame, _ = read_spatial(archive, layer="proposed")
    assert frame["ZONE_NAME"].tolist() == ["Proposed Zone"]


def _without_encoding(shp):
    """Take a Shapefile's encoding away, as old exports leave it: no .cpg, and the DBF's
    language byte 0."""
    shp.with_suffix(".cpg").unlink()
    dbf = shp.with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    data[29] = 0
    dbf.write_bytes(bytes(data))


NAMES = ["St Mary’s – Café", "Zoë’s Lane", "Rhosllannerchrugog"]


@pytest.mark.parametrize(("written", "read_as"), [("cp1252", "cp1252"), ("UTF-8", "UTF-8")])
def test_a_shapefile_with_no_cpg_is_read_in_the_encoding_its_text_has(tmp_path, written, read_as):
    shp = tmp_path / "zones.shp"
    zones(NAMES).to_file(shp, engine="pyogrio", encoding=written)
    _without_encoding(shp)
    frame, _ = read_spatial(shp)
    assert frame["ZONE_NAME"].tolist() == NAMES
    assert frame.attrs["text_notes"] == [ENCODING_NOTES[read_as]]
    result = read_zones(shp)
    assert result.layer["name"].tolist() == NAMES
    assert ENCODING_NOTES[read_as] in result.notes


def test_a_shapefile_of_places_with_no_cpg_says_its_encoding_too(tmp_path):
    from healthy_streets.io.assets import read_assets

    shp = tmp_path / "places.shp"
    places = zones(NAMES).assign(TYPE="bench").rename(columns={"ZONE_NAME": "NAME"})
    places.set_geometry(places.geometry.centroid).to_file(shp, engine="pyogrio", encoding="cp1252")
    _without_encoding(shp)
    result = read_assets(shp)
    assert sorted(result.layer["name"]) == sorted(NAMES)
    assert ENCODING_NOTES["cp1252"] in result.notes


def test_a_zipped_cp1252_shapefile_with_no_cpg(tmp_path):
    shp = tmp_path / "zones.shp"
    zones(NAMES).to_file(shp, engine="pyogrio", encoding="cp1252")
    _without_encoding(shp)
    zip_shapefile(tmp_path / "zones.zip", tmp_path, "zones", "export")
    frame, _ = read_spatial(tmp_path / "zones.zip")
    assert frame["ZONE_NAME"].tolist() == NAMES
    assert "Windows-1252 (cp1252)" in frame.attrs["text_notes"][0]


def test_a_shapefile_whose_cpg_names_its_encoding_gets_no_guess(tmp_path):
    shp = tmp_path / "zones.shp"
    zones(NAMES).to_file(shp, engine="pyogrio", encoding="cp1252")
    shp.with_suffix(".cpg").write_text("1252")
    frame, _ = read_spatial(shp)
    assert frame["ZONE_NAME"].tolist() == NAMES
    assert "text_notes" not in frame.attrs


def test_an_ascii_shapefile_with_no_cpg_is_read_without_a_note(tmp_path):
    shp = tmp_path / "zones.shp"
    zones(["Mill Lane"]).to_file(shp)
    _without_encoding(shp)
    frame, _ = read_spatial(shp)
    assert frame["ZONE_NAME"].tolist() == ["Mill Lane"]
    assert "text_notes" not in frame.attrs
    assert shapely.equals(frame.geometry.iloc[0], square(358000, 417000, 300))


def test_a_shapefile_whose_language_byte_says_latin_1_but_holds_cp1252_quotes(tmp_path):
    shp = tmp_path / "zones.shp"
    zones(NAMES).to_file(shp, engine="pyogrio", encoding="cp1252")
    _without_encoding(shp)
    dbf = shp.with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    data[29] = 0x57  # "ANSI", which GDAL reads as ISO-8859-1: the quotes become C1 controls
    dbf.write_bytes(bytes(data))
    frame, _ = read_spatial(shp)
    assert frame["ZONE_NAME"].tolist() == NAMES
    assert frame.attrs["text_notes"] == [ENCODING_NOTES["cp1252"]]


def test_a_named_pipe_read_beside_the_file_is_refused_before_gdal_waits_on_it(tmp_path):
    import os

    shp = tmp_path / "zones.shp"
    zones(["Mill Lane"]).to_file(shp)
    shp.with_suffix(".qix").unlink(missing_ok=True)
    os.mkfifo(tmp_path / "zones.qix")  # a spatial index GDAL would open
    with pytest.raises(InputFileError, match=r"zones\.qix: This is not a regular file"):
        read_zones(shp)
    gpkg = tmp_path / "zones.gpkg"
    zones(["Mill Lane"]).to_file(gpkg)
    os.mkfifo(tmp_path / "zones.gpkg-wal")
    with pytest.raises(InputFileError, match=r"zones\.gpkg-wal: This is not a regular file"):
        read_zones(gpkg)


def _geojson(features, *, crs="EPSG:27700"):
    """A FeatureCollection of squares with ``features`` as their properties, as text."""
    import json

    collection = {
        "type": "FeatureCollection",
        "crs": {
            "type": "name",
            "properties": {"name": f"urn:ogc:def:crs:{crs.replace(':', '::')}"},
        },
        "features": [
            {
                "type": "Feature",
                "properties": properties,
                "geometry": shapely.geometry.mapping(square(358000 + 400 * i, 417000, 300)),
            }
            for i, properties in enumerate(features)
        ],
    }
    return json.dumps(collection, ensure_ascii=False)  # as GDAL and QGIS write it


NUL_REPAIR = "NUL characters (a damaged or binary file) were removed; check the row's text."


def test_a_nul_in_a_geojson_zone_name_is_removed_and_the_zone_named_as_repaired(tmp_path):
    # GDAL would read "Nul\u0000Byte Zone" as "Nul", and say nothing
    path = tmp_path / "zones.geojson"
    text = _geojson([{"ZONE_NAME": "Mill Lane"}, {"ZONE_NAME": "Nul\u0000Byte Zone"}])
    assert "\\u0000" in text
    path.write_text(text)
    result = read_zones(path)
    assert result.layer["name"].tolist() == ["Mill Lane", "NulByte Zone"]
    assert result.summary().endswith("2 kept (1 repaired), 0 rejected.")
    repaired = result.repaired.set_index("row")
    assert repaired.loc["2", "reason"] == NUL_REPAIR
    # a raw NUL byte in a text too; and a backslash written out before u0000 is text
    raw = text.replace("\\u0000", "\x00").replace("Mill Lane", "C:\\\\u0000 Lane")
    path.write_bytes(raw.encode())
    result = read_zones(path)
    assert result.layer["name"].tolist() == ["C:\\u0000 Lane", "NulByte Zone"]
    assert result.repaired["row"].tolist() == ["2"]


def test_a_nul_in_a_geojson_asset_name_is_removed_and_the_asset_named_as_repaired(tmp_path):
    from healthy_streets.io.assets import read_assets

    path = tmp_path / "assets.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
        '{"type": "Point", "coordinates": [-2.6137984, 53.6535548]}, "properties": '
        '{"name": "Bench\\u0000 by the pond", "category": "Bench"}}]}'
    )
    result = read_assets(path)
    assert result.layer["name"].tolist() == ["Bench by the pond"]
    assert result.summary() == "assets.geojson: 1 rows: 1 kept (1 repaired), 0 rejected."
    assert result.repaired.set_index("row").loc["1", "reason"] == NUL_REPAIR


def test_a_geojson_mixing_utf8_and_cp1252_is_read_feature_by_feature(tmp_path):
    # GDAL refuses the whole file ("... byte 0xe9 in position 3"), naming no feature
    path = tmp_path / "zones.geojson"
    text = _geojson(
        [{"ZONE_NAME": "Café UTF"}, {"ZONE_NAME": "Cafe CP"}, {"ZONE_NAME": "St Mary’s"}]
    )
    data = text.encode("utf-8").replace(b"Cafe CP", "Café – CP".encode("cp1252"))
    path.write_bytes(data)
    result = read_zones(path)
    assert result.layer["name"].tolist() == ["Café UTF", "Café – CP", "St Mary’s"]
    assert result.summary().endswith("3 kept (1 repaired), 0 rejected.")
    assert result.repaired.set_index("row").loc["2", "reason"] == (
        "Bytes that are not UTF-8, unlike the rest of the file, were read as Windows-1252 "
        "(cp1252); check the row's text."
    )
    # a file all in cp1252: read as such, said once for the file, no row repaired
    text = _geojson([{"ZONE_NAME": "Café"}, {"ZONE_NAME": "Zoë’s Lane"}])
    path.write_bytes(text.encode("cp1252"))
    result = read_zones(path)
    assert result.layer["name"].tolist() == ["Café", "Zoë’s Lane"]
    assert result.repaired.empty
    assert any(
        "The file's text is not UTF-8, as GeoJSON and JSON should be" in n for n in result.notes
    )


def test_a_spreadsheet_given_as_zones_is_named_for_what_it_is(tmp_path):
    # an .xlsx is a zip inside: it is not "a zip with no shapefile"
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Name", "Postcode"])
    book.save(tmp_path / "toilets.xlsx")
    with pytest.raises(InputFileError, match="an Office document .* no boundaries") as said:
        read_zones(tmp_path / "toilets.xlsx")
    assert "shapefile (.shp)" not in str(said.value).split(".")[0]
    assert "healthy-streets assets" in str(said.value)


def test_a_wrong_crs_named_by_the_user_is_said_as_theirs(tmp_path):
    # the file declares British National Grid; the user's crs= said degrees
    path = tmp_path / "zones.geojson"
    gpd.GeoDataFrame(
        {"name": ["North"]}, geometry=[square(350_000, 410_000, 500)], crs="EPSG:27700"
    ).to_file(path)
    with pytest.raises(InputFileError, match=r'crs="EPSG:4326" names longitude/latitude') as said:
        read_zones(path, crs="EPSG:4326")
    assert "The file says" not in str(said.value)


def test_a_store_whose_only_map_layer_is_the_zones_is_read_without_layer(tmp_path):
    # the toolkit's own store (zones --output) holds tables beside the zones: they are no
    # layer to choose, so the zones are read as the file's one layer of shapes
    import pandas as pd
    import pyogrio

    store = tmp_path / "project.gpkg"
    zones = gpd.GeoDataFrame(
        {"name": ["Church Fields"], "status": ["Implemented"]},
        geometry=[square(358000, 417000, 300)],
        crs="EPSG:27700",
    )
    zones.to_file(store, layer="zones")
    pyogrio.write_dataframe(pd.DataFrame({"reason": ["bad"]}), store, layer="rejected")
    pyogrio.write_dataframe(pd.DataFrame({"input": ["z.geojson"]}), store, layer="provenance")
    assert read_zones(store).layer["name"].tolist() == ["Church Fields"]
    # two layers of shapes: asked which, and only those are listed
    zones.to_file(store, layer="zones_2019")
    with pytest.raises(InputFileError, match="holds 2 layers of shapes: 'zones', 'zones_2019'"):
        read_zones(store)


def test_the_zones_layer_healthy_streets_wrote_is_read_from_a_store_of_several(
    tmp_path, shared_sample_layers, sample_store
):
    zones = shared_sample_layers.zones
    store = sample_store(tmp_path / "project.gpkg")
    result = read_zones(store)
    assert result.layer["zone_id"].tolist() == zones["zone_id"].tolist()
    assert (
        "Read the layer 'zones', the zones healthy-streets wrote into the file (it also holds "
        "'streets', 'assets', 'reports'); choose another with layer=\"NAME\"."
    ) in result.notes
    # a layer of the council's own beside them: the toolkit's zones are still the ones read,
    # and the note names the other
    zones.to_file(store, layer="zones_2019")
    again = read_zones(store)
    assert again.layer["zone_id"].tolist() == zones["zone_id"].tolist()
    assert any("'reports', 'zones_2019'); choose another" in note for note in again.notes)
    assert read_zones(store, layer="zones_2019").layer["name"].tolist() == (zones["name"].tolist())


def test_the_toolkits_own_zones_are_read_by_their_known_columns_with_no_guesses(
    tmp_path, shared_sample_layers, sample_store
):
    zones = shared_sample_layers.zones
    store = sample_store(tmp_path / "project.gpkg")
    for result in (read_zones(store), read_zones(store, layer="ZONES")):
        assert not any(note.startswith("Columns:") for note in result.notes), result.notes
        assert not any("no column for" in note for note in result.notes)
        read = result.layer
        for column in ("zone_id", "name", "status", "tro_ref", "implemented_on"):
            assert read[column].tolist() == zones[column].tolist(), column
        assert result.columns["date"] == {
            "column": "implemented_on",
            "how": "a healthy-streets zones layer",
            "share": None,
        }
    # the same columns in a layer the council added are still guessed, and said
    zones.to_file(store, layer="zones_2019")
    council = read_zones(store, layer="zones_2019")
    assert council.notes[0].startswith(
        "Columns: name <- 'name' (header); date <- 'implemented_on' (header);"
    )
    # named by the user, the toolkit's columns are the user's
    named = read_zones(store, fields={"name": "tro_ref"})
    assert named.layer["name"].tolist() == zones["tro_ref"].tolist()
    assert any("name <- 'tro_ref' (named by you)" in note for note in named.notes)


def test_a_store_without_the_toolkits_zones_asks_which_layer(tmp_path, shared_sample_layers):
    import healthy_streets as hs
    from healthy_streets.io.store import open_store, store_update

    layers = shared_sample_layers
    store = tmp_path / "project.gpkg"
    open_store(store).update(store_update(layers, hs.sample_inputs()))
    council = layers.zones[["name", "geometry"]]
    council.to_file(store, layer="council_zones")  # the council's, beside the toolkit's
    pyogrio.write_dataframe(layers.zones.iloc[:0], store, layer="zones")  # no zones
    with pytest.raises(InputFileError) as asked:
        read_zones(store)
    said = str(asked.value)
    assert said.endswith(
        "project.gpkg: The file holds 5 layers of shapes: 'streets', 'assets', 'reports', "
        "'council_zones', 'zones' (and 5 tables without shapes). Choose one with "
        'layer="NAME".'
    )
    assert read_zones(store, layer="council_zones").layer["name"].tolist() == (
        layers.zones["name"].tolist()
    )
