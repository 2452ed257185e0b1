"""QGIS styles in the store: a default style per layer, matching the meeting map."""

from __future__ import annotations

import base64
import re
import shutil
import sqlite3
from xml.etree import ElementTree as ET

import geopandas as gpd
import pyogrio
import pytest
import shapely
from click.testing import CliRunner

import healthy_streets as hs
from healthy_streets.cli import main
from healthy_streets.io.styles import STYLE_NAME, STYLED_LAYERS, qml_style, sld_style
from healthy_streets.maps.meeting import ZONE_STYLES
from healthy_streets.maps.style import ASSET_INK, REPORT_COLOURS, SPEED_BANDS, pictogram_svg
from healthy_streets.store import open_store, store_update

from conftest import SAMPLE, sample_project

SLD = "{http://www.opengis.net/sld}"
SE = "{http://www.opengis.net/se}"
OGC = "{http://www.opengis.net/ogc}"


@pytest.fixture(scope="module")
def update():
    return store_update(hs.load_layers(hs.sample_inputs()), hs.sample_inputs())


@pytest.fixture(scope="module")
def built(tmp_path_factory, update):
    path = tmp_path_factory.mktemp("styled") / "store.gpkg"
    open_store(path).update(update)
    return path


@pytest.fixture
def store(built, tmp_path):
    path = tmp_path / "store.gpkg"
    shutil.copyfile(built, path)
    return path


def rows(path, where="1"):
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        found = db.execute(f"SELECT * FROM layer_styles WHERE {where} ORDER BY id").fetchall()
    return [dict(r) for r in found]


def rgba(colour, alpha=255):
    text = colour.lstrip("#")
    return ",".join(str(int(text[i : i + 2], 16)) for i in (0, 2, 4)) + f",{alpha}"


def test_every_layer_opens_with_a_default_style_gdal_reads(built, update):
    with sqlite3.connect(built) as db:
        geometry = dict(db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
        contents = db.execute(
            "SELECT data_type, identifier FROM gpkg_contents WHERE table_name = 'layer_styles'"
        ).fetchone()
    assert contents == ("attributes", "layer_styles")  # a table GeoPackage readers know
    table = pyogrio.read_dataframe(built, layer="layer_styles", read_geometry=False)
    assert (
        set(table["f_table_name"])
        == set(update.layers)
        == {
            "zones",
            "streets",
            "assets",
            "reports",
        }
    )
    for _, row in table.iterrows():
        # what QGIS asks for when it opens the layer (QgsOgrUtils::loadStoredStyle)
        assert row["f_table_schema"] == ""
        assert row["f_geometry_column"] == geometry[row["f_table_name"]] == "geom"
        assert row["styleName"] == STYLE_NAME
        assert bool(row["useAsDefault"]) is True
        assert ET.fromstring(row["styleQML"]).tag == "qgis"
        assert ET.fromstring(row["styleSLD"]).tag == f"{SLD}StyledLayerDescriptor"
    assert table["f_table_name"].is_unique
    info = pyogrio.read_info(built, layer="layer_styles")
    assert list(info["fields"][:5]) == [
        "f_table_catalog",
        "f_table_schema",
        "f_table_name",
        "f_geometry_column",
        "styleName",
    ]


def qml_filters(qml):
    return [rule.get("filter") for rule in ET.fromstring(qml).iter("rule")]


def qml_options(qml, name):
    return [o.get("value") for o in ET.fromstring(qml).iter("Option") if o.get("name") == name]


def test_streets_keep_the_maps_speed_colours_widths_and_dashes(built):
    (row,) = rows(built, "f_table_name = 'streets'")
    qml, sld = row["styleQML"], row["styleSLD"]
    filters = qml_filters(qml)
    assert "\"road_class\" = 'path'" in filters
    assert "coalesce(\"road_class\", '') <> 'path' AND \"speed_mph\" <= 20" in filters
    assert filters[-1] == "ELSE"  # limit unknown
    colours = qml_options(qml, "line_color")
    assert [rgba(b.colour, 242) for b in SPEED_BANDS] == colours[1:]
    widths = [float(w) for w in qml_options(qml, "line_width")[1:]]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1]  # 20 mph widest
    dashes = qml_options(qml, "use_custom_dash")[1:]
    assert dashes == ["0" if b.dash is None else "1" for b in SPEED_BANDS]
    root = ET.fromstring(sld)
    names = {p.text for p in root.iter(f"{OGC}PropertyName")}
    assert names == {"speed_mph", "road_class"}
    strokes = [p.text for p in root.iter(f"{SE}SvgParameter") if p.get("name") == "stroke"]
    assert {b.colour.lower() for b in SPEED_BANDS} <= set(strokes)
    dasharrays = [
        p.text for p in root.iter(f"{SE}SvgParameter") if p.get("name") == "stroke-dasharray"
    ]
    assert [b.dash for b in SPEED_BANDS if b.dash] == dasharrays[1:]  # after the paths'


def test_zones_are_solid_when_in_force_and_dashed_when_proposed(built):
    (row,) = rows(built, "f_table_name = 'zones'")
    qml = row["styleQML"]
    assert qml_filters(qml) == ["\"status\" = 'implemented'", "\"status\" = 'proposed'", "ELSE"]
    assert qml_options(qml, "use_custom_dash") == ["0", "1", "1"]
    fills = qml_options(qml, "color")
    assert fills[0] == rgba(ZONE_STYLES["implemented"]["fillColor"], 15)
    labels = [rule.get("label") for rule in ET.fromstring(qml).iter("rule")]
    assert labels == ["In force", "Proposed", "Status unknown"]
    sld = ET.fromstring(row["styleSLD"])
    literals = [p.text for p in sld.iter(f"{OGC}Literal")]
    assert literals == ["implemented", "proposed"]
    assert len(list(sld.iter(f"{SE}ElseFilter"))) == 1


def category_symbols(qml: str) -> dict[str, dict[str, dict[str, str]]]:
    """Each category rule's filter -> its children's filters -> their symbol's options."""
    root = ET.fromstring(qml)
    symbols = {s.get("name"): s for s in root.iter("symbol")}
    found = {}
    for rule in root.find("renderer-v2/rules").findall("rule"):
        found[rule.get("filter")] = {
            child.get("filter"): {
                o.get("name"): o.get("value") for o in symbols[child.get("symbol")].iter("Option")
            }
            for child in rule.findall("rule")
        }
    return found


def test_reports_have_their_categorys_colour_and_shape(built):
    (row,) = rows(built, "f_table_name = 'reports'")
    by_filter = category_symbols(row["styleQML"])

    def look(category):
        options = by_filter[f"\"category\" = '{category}'"]["ELSE"]  # open: as it is
        return options["color"], options["name"], options["angle"]

    assert look("dog_fouling") == (rgba(REPORT_COLOURS["dog_fouling"]), "circle", "0")
    assert look("street_lighting") == (rgba(REPORT_COLOURS["street_lighting"]), "star", "0")
    assert look("graffiti") == (rgba(REPORT_COLOURS["graffiti"]), "triangle", "180")
    shapes = {look(c)[1:] for c in REPORT_COLOURS if c != "other"}
    assert len(shapes) == len(REPORT_COLOURS) - 1  # no two categories share a shape
    sld = ET.fromstring(row["styleSLD"])
    fills = {p.text for p in sld.iter(f"{SE}SvgParameter") if p.get("name") == "fill"}
    assert fills == {c.lower() for c in REPORT_COLOURS.values()}


def test_reports_fixed_or_closed_are_faded_as_on_the_meeting_map(built):
    """Each category is split by the reports' status, the column the store has, as the
    meeting map draws it: open reports solid with a dark outline, those fixed or closed at
    half opacity with a grey one (the map's legend: "Faded: fixed or closed")."""
    columns = set(pyogrio.read_info(built, layer="reports")["fields"])
    reports = gpd.read_file(built, layer="reports")
    (row,) = rows(built, "f_table_name = 'reports'")
    faded_filter = "\"status\" IN ('fixed', 'closed')"
    for parent, children in category_symbols(row["styleQML"]).items():
        assert set(children) == {faded_filter, "ELSE"}, parent
        assert set(re.findall(r'"([^"]+)"', faded_filter)) <= columns
        faded, solid = children[faded_filter], children["ELSE"]
        r, g, b, alpha = solid["color"].split(",")
        assert alpha == "255" and faded["color"] == f"{r},{g},{b},128", parent
        assert solid["outline_color"] == rgba("#1a1a1a")
        assert faded["outline_color"] == rgba("#555555")
        assert {faded["name"], faded["angle"]} == {solid["name"], solid["angle"]}
    # the statuses faded are those the store's reports have that are not open
    assert set(reports["status"]) - {"open"} <= {"fixed", "closed"}
    assert {"fixed", "closed"} & set(reports["status"]), "the sample has some to fade"
    sld = ET.fromstring(row["styleSLD"])
    opacities = {}
    for rule in sld.iter(f"{SE}Rule"):
        name = rule.find(f"{SE}Name").text
        assert {p.text for p in rule.iter(f"{OGC}PropertyName")} <= columns
        fill = {p.get("name"): p.text for p in rule.iter(f"{SE}SvgParameter")}
        opacities[name.rpartition(": ")[2]] = (fill.get("fill-opacity", "1"), fill["stroke"])
    assert opacities == {"fixed or closed": ("0.5", "#555555"), "open": ("1", "#1a1a1a")}


def test_the_map_and_the_styles_fade_by_one_vocabulary(update):
    """The meeting map draws open and faded reports by the look its data carries, the one
    the store's styles use (maps/style.py), with no colour or opacity of its own."""
    from healthy_streets.maps.meeting import report_columns
    from healthy_streets.maps.style import FADED_STATUSES, REPORT_STATUS_LOOK

    from conftest import ROOT

    script = (ROOT / "healthy_streets/maps/templates/healthy_streets.js").read_text()
    assert "#555555" not in script and "0.5" not in script
    reports = update.layers["reports"][0]
    data = report_columns(reports.to_crs("EPSG:27700"))
    assert data["look"] == REPORT_STATUS_LOOK
    assert [s for i, s in enumerate(data["statuses"]) if i] == list(FADED_STATUSES)


def test_assets_of_points_and_areas_get_markers_and_fills():
    qml = qml_style("assets", geometry_type="GEOMETRY")
    root = ET.fromstring(qml)
    groups = root.find("renderer-v2/rules").findall("rule")
    assert [g.get("filter") for g in groups] == [
        "geometry_type($geometry) = 'Point'",
        "geometry_type($geometry) = 'Polygon'",
    ]
    for group in groups:  # "Other" in each group takes only the rest of its own kind
        assert [r.get("filter") for r in group.findall("rule")][-1] == "ELSE"
    kinds = {s.get("type") for s in root.iter("symbol")}
    assert kinds == {"marker", "fill"}
    only_points = ET.fromstring(qml_style("assets", geometry_type="POINT"))
    assert {s.get("type") for s in only_points.iter("symbol")} == {"marker"}
    assert rgba(ASSET_INK, 89) in set(qml_options(qml, "color"))  # areas: a fill of the ink


def test_assets_are_the_meeting_maps_pictograms():
    root = ET.fromstring(qml_style("assets", geometry_type="GEOMETRY"))
    symbols = {s.get("name"): s for s in root.iter("symbol")}
    points, areas = root.find("renderer-v2/rules").findall("rule")

    def pictograms(rule):
        found = [
            base64.b64decode(o.get("value").removeprefix("base64:")).decode()
            for o in symbols[rule.get("symbol")].iter("Option")
            if o.get("name") == "name" and o.get("value", "").startswith("base64:")
        ]
        assert len(found) == 1, rule.get("label")
        return found[0]

    for group in (points, areas):  # areas: the pictogram at the centre of the ink fill
        by_filter = {r.get("filter"): pictograms(r) for r in group.findall("rule")}
        assert by_filter["\"category\" = 'bench'"] == pictogram_svg("bench")
        assert by_filter["ELSE"] == pictogram_svg("other")
        assert len(set(by_filter.values())) == len(by_filter)  # a pictogram each
    sld = ET.fromstring(sld_style("assets", geometry_type="POINT"))
    inline = [base64.b64decode(e.text).decode() for e in sld.iter(f"{SE}InlineContent")]
    assert pictogram_svg("bench") in inline and len(set(inline)) == len(inline)


@pytest.mark.parametrize("layer", STYLED_LAYERS)
def test_each_style_parses_and_names_its_columns(layer):
    column = {"streets": "speed_mph", "speed_limits": "speed_mph", "zones": "status"}.get(
        layer, "category"
    )
    qml, sld = qml_style(layer), sld_style(layer)
    assert f'"{column}"' in " ".join(qml_filters(qml))
    assert column in {p.text for p in ET.fromstring(sld).iter(f"{OGC}PropertyName")}


def test_a_councils_own_styles_survive_an_update(store, update):
    with sqlite3.connect(store) as db:
        db.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
            "f_geometry_column, styleName, styleQML, useAsDefault) VALUES "
            "('', '', 'parks', 'geom', 'parks', '<qgis/>', 1), "
            "('', '', 'streets', 'geom', 'gritting routes', '<qgis/>', 0)"
        )
    open_store(store).update(update)
    found = rows(store)
    council = [(r["f_table_name"], r["styleName"]) for r in found if r["styleName"] != STYLE_NAME]
    assert council == [("parks", "parks"), ("streets", "gritting routes")]
    ours = [r["f_table_name"] for r in found if r["styleName"] == STYLE_NAME]
    assert sorted(ours) == ["assets", "reports", "streets", "zones"]  # replaced, not doubled
    assert all(r["useAsDefault"] for r in found if r["styleName"] == STYLE_NAME)


def test_a_councils_default_for_one_of_our_layers_stays_the_default(store, update):
    with sqlite3.connect(store) as db:
        db.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
            "f_geometry_column, styleName, styleQML, useAsDefault) VALUES "
            "('', '', 'zones', 'geom', 'cabinet map', '<qgis/>', 1)"
        )
    open_store(store).update(update)
    zones = {r["styleName"]: r["useAsDefault"] for r in rows(store, "f_table_name = 'zones'")}
    assert zones == {"cabinet map": 1, STYLE_NAME: 0}
    streets = rows(store, "f_table_name = 'streets'")
    assert [r["useAsDefault"] for r in streets] == [1]


def test_a_layer_styles_table_that_is_not_qgiss_is_left_alone(
    tmp_path, update, caplog, monkeypatch
):
    """A council's own table named layer_styles, of other columns: the store is updated
    without styles, with a warning, and the table keeps its rows (no traceback)."""
    import logging

    monkeypatch.setattr(logging.getLogger("healthy_streets"), "propagate", True)  # a CLI ran
    caplog.set_level(logging.WARNING, logger="healthy_streets")
    path = tmp_path / "store.gpkg"
    council = gpd.GeoDataFrame({"x": [1]}, geometry=[shapely.Point(0, 0)], crs=27700)
    council.to_file(path, layer="council_things")
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE layer_styles (owner_team TEXT, note TEXT)")
        db.execute("INSERT INTO layer_styles VALUES ('highways', 'ours')")
    open_store(path).update(update)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT * FROM layer_styles").fetchall() == [("highways", "ours")]
    assert len(pyogrio.read_dataframe(path, layer="zones")) == 4
    assert "layer_styles table is not QGIS's" in caplog.text


@pytest.mark.postgis
def test_postgis_store_gets_qgis_layer_styles(postgis_url, update):
    import uuid

    from sqlalchemy import create_engine, text

    schema = f"hs_styles_{uuid.uuid4().hex[:8]}"
    engine = create_engine(postgis_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        store = open_store(postgis_url, schema=schema)
        store.update(update)
        store.update(update)  # again: the toolkit's rows are replaced, not doubled
        with engine.connect() as conn:
            found = conn.execute(
                text(
                    "SELECT f_table_catalog, f_table_name, f_geometry_column, stylename, "
                    "useasdefault, styleqml::text, stylesld::text, type "
                    "FROM public.layer_styles WHERE f_table_schema = :schema "
                    "ORDER BY f_table_name"
                ),
                {"schema": schema},
            ).fetchall()
            database = conn.execute(text("SELECT current_database()")).scalar()
    finally:
        with engine.begin() as conn:
            conn.execute(
                text("DELETE FROM public.layer_styles WHERE f_table_schema = :s"), {"s": schema}
            )
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
    assert [r[1] for r in found] == ["assets", "reports", "streets", "zones"]
    # QGIS asks for "type = <the layer's geometry> OR type IS NULL"
    kinds = {"assets": None, "reports": "Point", "streets": "Line", "zones": "Polygon"}
    for catalog, table, geometry, name, default, qml, sld, kind in found:
        assert (catalog, geometry, name, default, kind) == (
            database,
            "geometry",
            STYLE_NAME,
            True,
            kinds[table],
        )
        assert ET.fromstring(qml).tag == "qgis"
        assert ET.fromstring(sld).tag == f"{SLD}StyledLayerDescriptor"


# ---------------------------------------------------------------- styles name real columns


@pytest.fixture(scope="module")
def project_store(tmp_path_factory):
    """The store of a project built with the council's speed-limit lines beside its zones
    (a ``speed_limits`` layer, as well as zones, streets, assets and reports)."""
    folder = tmp_path_factory.mktemp("limits") / "project"
    folder.mkdir()
    for name in ("zones.geojson", "yarrowside.osm", "assets_walkabout.csv", "reports_open311.json"):
        shutil.copy(SAMPLE / name, folder / name)
    limits = gpd.GeoDataFrame(
        {"LAYER": ["20mph streets", "30mph", "Part time 20mph", "50, 60 or 70mph"]},
        geometry=[
            shapely.LineString([(358300, 417400 + 100 * i), (358700, 417400 + 100 * i)])
            for i in range(4)
        ],
        crs="EPSG:27700",
    )
    limits.to_file(folder / "limits.gpkg")
    text = sample_project("Styled store")
    zones = '[zones]\nfile = "zones.geojson"\n'
    assert zones in text
    text = text.replace(zones, zones + 'speed_limits = "limits.gpkg"\n')
    (folder / "healthy-streets.toml").write_text(text)
    result = CliRunner().invoke(main, ["build", str(folder)])
    assert result.exit_code == 0, result.output
    return folder / "out" / "healthy-streets.gpkg"


#: A QGIS expression's field reference: a name in double quotes.
_FIELD = re.compile(r'"([^"]+)"')


def qml_fields(qml):
    """Every field a QML style names: in its expressions (rule filters, or any other
    attribute or text) and as the field of a renderer (``attr``)."""
    names = set()
    for element in ET.fromstring(qml).iter():
        for key, value in element.attrib.items():
            names |= {value} if key == "attr" else set(_FIELD.findall(value))
        names |= set(_FIELD.findall(element.text or ""))
    return names


def sld_fields(sld):
    """Every ``PropertyName`` of an SLD style (in a filter, or a symbolizer's geometry)."""
    return {e.text for e in ET.fromstring(sld).iter() if e.tag.endswith("}PropertyName")}


@pytest.mark.parametrize("which", ["built", "project_store"])
def test_every_style_names_only_columns_of_its_layer(which, request):
    """Each ``layer_styles`` row of a built store names, in its QML expressions and its SLD
    filters, only fields that its layer has (or its geometry column): a renamed or dropped
    column would leave QGIS drawing every feature as "Other"."""
    path = request.getfixturevalue(which)
    styled = rows(path)
    layers = {r["f_table_name"] for r in styled}
    assert layers >= {"zones", "streets", "assets", "reports"}
    if which == "project_store":
        assert "speed_limits" in layers
        assert pyogrio.read_info(path, layer="speed_limits")["features"] == 4
    for row in styled:
        info = pyogrio.read_info(path, layer=row["f_table_name"])
        columns = {*info["fields"], info["geometry_name"]}
        assert row["f_geometry_column"] == info["geometry_name"]
        named = qml_fields(row["styleQML"])
        in_sld = sld_fields(row["styleSLD"])
        assert named and in_sld, row["f_table_name"]  # the styles do name their fields
        assert named <= columns, (row["f_table_name"], named - columns)
        assert in_sld <= columns, (row["f_table_name"], in_sld - columns)
