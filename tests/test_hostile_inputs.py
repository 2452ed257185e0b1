"""Hostile and broken inputs: every reader gives a clear message or an account, never a
traceback, and never waits for ever.

Each file is written by the test: markup, braces, quotes, NUL bytes, huge cells, empty and
broken geometries, missing fields and values of the wrong type, in every format the
importers read. Each goes through the command a user would type, with ``--output``; the
command must end with status 0 (imported, with an account), 1 (one clear message about the
file) or 2 (a usage message), never with an exception the toolkit did not mean.
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from healthy_streets.cli import main
from healthy_streets.errors import InputFileError
from healthy_streets.io._common import check_input, read_table
from healthy_streets.io.assets import read_assets
from healthy_streets.io.reports import reports_from_fixmystreet
from healthy_streets.io.zones import read_zones

#: The length of a huge cell in the files run through the commands (a cell of megabytes is
#: read by :func:`test_a_huge_cell_is_read_whole`; the commands' scrubbing of personal
#: data is timed by the privacy tests).
HUGE = 2_000

#: Text an attacker or a broken export might put in any cell.
HOSTILE = [
    "{{ 7*7 }}",
    "{% for x in range(3) %}x{% endfor %}",
    "${7*7}",
    "<script>alert(1)</script>",
    "<b>bold</b> &amp; &lt;",
    '"quoted, with ""quotes"" and commas"',
    "'",
    "=1+2",
    "\r=1+3 Kestrel Road",
    "line one\nline two",
    "tab\there",
    "a\x00b",
    "café ☃ 😀 ŵ",
    "\u202eevil",
    "\x1b[2J",
    "",
    "   ",
    "nan",
    "NaN",
    "Infinity",
    "-inf",
    "1e309",
    "[1, 2]",
    '{"a": {"b": 1}}',
    "None",
    "null",
    "x" * HUGE,
]

# A small area near Chorley, in longitude/latitude and in British National Grid metres.
LON, LAT = -2.63, 53.65
EAST, NORTH = 358000, 417000


def run(*args: object):
    """Run the command line; fail on anything but a clean exit with status 0, 1 or 2."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        trace = "".join(traceback.format_exception(result.exception))
        pytest.fail(f"{args}: uncaught {result.exception!r}\n{result.output}\n{trace}")
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    if result.exit_code:
        error = [line for line in result.output.splitlines() if line.startswith("Error:")]
        assert len(error) == 1, result.output  # one message, on one line
        assert "Traceback" not in result.output
    return result


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def hostile_rows(good: list[str], *, width: int) -> list[list[str]]:
    """A good row, then each hostile text in every column of a row of its own, then rows
    too short and too long."""
    rows = [good]
    for text in HOSTILE:
        for column in range(width):
            row = list(good)
            row[column] = text
            rows.append(row)
    rows += [good[:1], [*good, "extra"]]
    return rows


def feature(properties: object, geometry: object) -> dict[str, object]:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def square(x: float, y: float, size: float) -> list[list[list[float]]]:
    return [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]


BROKEN_GEOMETRIES: list[object] = [
    None,
    {},
    {"type": "Polygon", "coordinates": []},
    {"type": "Polygon", "coordinates": [[]]},
    {"type": "Polygon", "coordinates": [[[EAST, NORTH], [EAST + 9, NORTH], [EAST, NORTH]]]},
    {"type": "Polygon", "coordinates": "POLYGON((0 0, 1 1))"},
    {"type": "Polygon", "coordinates": [[["a", "b"], ["c", "d"], ["e", "f"], ["a", "b"]]]},
    {"type": "Pointy", "coordinates": [1, 2]},
    {"type": "Point", "coordinates": []},
    {"type": "Point", "coordinates": [1e308, -1e308]},
    {"type": "LineString", "coordinates": [[EAST, NORTH]]},
    {"type": "GeometryCollection", "geometries": []},
    {"type": "Polygon", "coordinates": square(math.nan, NORTH, 100)},
    {"type": "Polygon", "coordinates": square(EAST, math.inf, 100)},
]
HOSTILE_PROPERTIES: list[object] = [
    {"name": text, "category": text, "notes": text, "status": text, "date": text}
    for text in HOSTILE
] + [
    {"name": ["a", "list"], "category": {"nested": {"object": 1}}, "notes": 3.5},
    {"name": 12, "category": True, "notes": None, "date": 20160731},
    {},
    None,
    [],
]


def zones_geojson(path: Path) -> Path:
    good = {"type": "Polygon", "coordinates": square(EAST, NORTH, 300)}
    features = [feature({"name": "Church Fields", "status": "Implemented"}, good)]
    features += [feature(p, good) for p in HOSTILE_PROPERTIES]
    features += [feature({"name": "Broken"}, g) for g in BROKEN_GEOMETRIES]
    data = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},
        "features": features,
    }
    path.write_text(json.dumps(data))  # NaN and Infinity are written as JSON5 does
    return path


def zones_csv(path: Path) -> Path:
    good = ["Church Fields", "Implemented", f"POLYGON(({EAST} {NORTH}, {EAST + 9} {NORTH}, "
            f"{EAST + 9} {NORTH + 9}, {EAST} {NORTH}))"]  # fmt: skip
    rows = hostile_rows(good, width=3)
    rows += [
        ["Bad", "x", "POLYGON((1 2, 3"],
        ["Empty", "x", "POLYGON EMPTY"],
        ["Point", "", "POINT(1 2)"],
    ]
    path.write_text(csv_text(["name", "status", "wkt"], rows))
    return path


def xml_text(text: str) -> str:
    """``text`` escaped for XML, without the characters XML cannot hold (NUL, ESC)."""
    allowed = "".join(c for c in text if c in "\t\n\r" or ord(c) >= 32)
    return allowed.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def kml(path: Path) -> Path:
    placemarks = "".join(
        f"<Placemark><name>{xml_text(text)}</name><description>{xml_text(text)}"
        "</description><Polygon><outerBoundaryIs><LinearRing><coordinates>-2.63,53.65 "
        "-2.62,53.65 -2.62,53.66 -2.63,53.65</coordinates></LinearRing></outerBoundaryIs>"
        "</Polygon></Placemark>"
        for text in HOSTILE
    )
    placemarks += (
        "<Placemark><name>No place</name></Placemark>"
        "<Placemark><name>Bad</name><Point><coordinates>a,b</coordinates></Point></Placemark>"
        "<Placemark><name>Ring</name><Polygon><outerBoundaryIs><LinearRing><coordinates>"
        "-2.63,53.65 -2.62,53.65 -2.63,53.65</coordinates></LinearRing></outerBoundaryIs>"
        "</Polygon></Placemark>"
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
        f"<Document><name>{{{{7*7}}}}</name>{placemarks}</Document></kml>"
    )
    return path


def assets_csv(path: Path) -> Path:
    good = ["Bench", "bench", "Seen on the walkabout", str(LAT), str(LON), "SD 58323 17512"]
    rows = hostile_rows(good, width=6)
    path.write_text(csv_text(["Name", "Category", "Notes", "Lat", "Lon", "Grid Ref"], rows))
    return path


def assets_bng_csv(path: Path) -> Path:
    good = ["Bench", "bench", str(EAST), str(NORTH), "PR7 1AA"]
    rows = hostile_rows(good, width=5)
    path.write_text(csv_text(["Name", "Type", "Easting", "Northing", "Postcode"], rows))
    return path


def assets_xlsx(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Category", "Notes", "Latitude", "Longitude"])
    sheet.append(["Bench", "bench", "ok", LAT, LON])
    for text in HOSTILE:
        clean = "".join(c for c in text if c in "\t\n\r" or ord(c) >= 32)[:30_000]
        sheet.append([clean, clean, clean, clean, LON])
    sheet.append(["=1+2", 3, None, "=A1", "=NOW()"])
    sheet.append([None, None, None, None, None])
    book.save(path)
    return path


def assets_geojson(path: Path, *, community: bool = False) -> Path:
    good = {"type": "Point", "coordinates": [LON, LAT]}
    features = [feature({"name": "Bench", "category": "bench"}, good)]
    features += [feature(p, good) for p in HOSTILE_PROPERTIES]
    features += [feature({"name": "Broken"}, g) for g in BROKEN_GEOMETRIES]
    data: dict[str, object] = {"type": "FeatureCollection", "features": features}
    if community:
        data["healthy_streets"] = {"kind": "community-map additions", "version": "{{7*7}}"}
    path.write_text(json.dumps(data))
    return path


FMS_HEADER = ["Report ID", "Title", "Detail", "User Name", "Category", "Created", "Confirmed",
              "Status", "Latitude", "Longitude", "Easting", "Northing"]  # fmt: skip


def fixmystreet_csv(path: Path) -> Path:
    good = ["101", "Dog mess", "By the gate", "Jane Doe", "Dog fouling", "2025-11-25 14:03",
            "25/11/2025 14:05", "confirmed", str(LAT), str(LON), "", ""]  # fmt: skip
    rows = hostile_rows(good, width=len(good))
    for i, row in enumerate(rows[1:], start=102):
        if row[0] == good[0]:
            row[0] = str(i)  # distinct ids, so that rows are not only duplicates
    path.write_text(csv_text(FMS_HEADER, rows))
    return path


CRM_MAPPING = ["--map", "created=Logged On", "--map", "easting=X", "--map", "northing=Y"]


def council_csv(path: Path) -> Path:
    good = ["C1", "Fly Tipping", "25/11/2025", str(EAST), str(NORTH)]
    rows = hostile_rows(good, width=5)
    path.write_text(csv_text(["Case Ref", "Enquiry Type", "Logged On", "X", "Y"], rows))
    return path


def open311_json(path: Path) -> Path:
    good = {
        "service_request_id": "1",
        "service_name": "Dog fouling",
        "requested_datetime": "2025-11-25T14:03:00Z",
        "lat": LAT,
        "long": LON,
        "description": "By the gate",
    }
    records: list[object] = [good]
    for i, text in enumerate(HOSTILE, start=2):
        records += [{**good, "service_request_id": str(i), key: text} for key in good]
    records += [
        {**good, "service_request_id": "x1", "lat": [1, 2], "long": {"a": 1}},
        {**good, "service_request_id": None, "service_name": ["Dog", "fouling"]},
        {**good, "service_request_id": "x3", "requested_datetime": 12345, "lat": True},
        {"service_request_id": "x4"},
        {},
    ]
    path.write_text(json.dumps(records))
    return path


def open311_xml(path: Path) -> Path:
    requests = "".join(
        f"<request><service_request_id>{i}</service_request_id><service_name>{xml_text(text)}"
        "</service_name><requested_datetime>2025-11-25T14:03:00Z</requested_datetime>"
        f"<lat>{LAT}</lat><long>{LON}</long><description><b>{xml_text(text)}</b>"
        "</description></request>"
        for i, text in enumerate(HOSTILE)
    )
    requests += "<request><lat>nan</lat><long>inf</long></request><request/>"
    path.write_text(f'<?xml version="1.0"?><service_requests>{requests}</service_requests>')
    return path


def osm_xml(path: Path) -> Path:
    def attr(text: str) -> str:  # OSM allows 255 characters in a tag's value
        text = xml_text(text[:200])
        return text.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#9;")

    nodes = [(1, LAT, LON), (2, LAT + 0.001, LON), (3, LAT + 0.002, LON), (4, LAT, LON + 0.001)]
    lines = ['<?xml version="1.0"?>', '<osm version="0.6">']
    lines += [f'<node id="{n}" lat="{lat}" lon="{lon}"/>' for n, lat, lon in nodes]
    lines += [
        '<node id="5" lat="nan" lon="-2.63"/>',
        '<node id="6" lat="53.65" lon="Infinity"/>',
        '<node id="7" lat="" lon=""/>',
        '<node id="8" lat="1000" lon="1"><tag k="amenity" v="bench"/></node>',
    ]
    for i, text in enumerate(HOSTILE, start=20):
        lines.append(
            f'<node id="{i}" lat="{LAT}" lon="{LON}"><tag k="amenity" v="bench"/>'
            f'<tag k="name" v="{attr(text)}"/></node>'
        )
    for i, text in enumerate(HOSTILE, start=100):
        refs = "".join(f'<nd ref="{r}"/>' for r in (1, 2, 5, 3, 6, 4, 7, 99))
        lines.append(
            f'<way id="{i}">{refs}<tag k="highway" v="residential"/>'
            f'<tag k="name" v="{attr(text)}"/><tag k="maxspeed" v="{attr(text[:50])}"/>'
            "</way>"
        )
    lines += [
        '<way id="900"><tag k="highway" v="residential"/></way>',
        '<way id="901"><nd ref="1"/><nd ref="2"/><tag k="highway" v=""/></way>',
        '<way id="902"><nd ref="1"/><nd ref="2"/><tag k="highway" v="path"/>'
        '<tag k="maxspeed" v="20 mph;{{7*7}} mph"/></way>',
        "</osm>",
    ]
    path.write_text("\n".join(lines))
    return path


#: (command, file name, writer, extra arguments): every reader, each with a hostile file.
CASES: list[tuple[str, str, Callable[[Path], Path], list[str]]] = [
    ("zones", "zones.geojson", zones_geojson, []),
    ("zones", "zones.csv", zones_csv, ["--crs", "EPSG:27700"]),
    ("zones", "zones.kml", kml, []),
    ("assets", "walkabout.csv", assets_csv, []),
    ("assets", "walkabout_bng.csv", assets_bng_csv, []),
    ("assets", "walkabout.xlsx", assets_xlsx, []),
    ("assets", "open_data.geojson", assets_geojson, []),
    ("assets", "places.kml", kml, []),
    ("assets", "community-additions.geojson", lambda p: assets_geojson(p, community=True), []),
    ("assets", "area.osm", osm_xml, []),
    ("reports", "fixmystreet.csv", fixmystreet_csv, []),
    (
        "reports",
        "crm.csv",
        council_csv,
        ["--format", "csv", *CRM_MAPPING],
    ),
    ("reports", "open311.json", open311_json, []),
    ("reports", "open311.xml", open311_xml, []),
    ("network", "area.osm", osm_xml, []),
]


@pytest.mark.parametrize(
    ("command", "name", "write", "extra"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_hostile_files_never_give_a_traceback(tmp_path, command, name, write, extra):
    path = write(tmp_path / name)
    args = ["--osm-file", path] if command == "network" else [path]
    result = run(command, *args, *extra, "--output", tmp_path / "store.gpkg")
    assert result.exit_code == 0, result.output  # the good rows are imported
    assert "rejected" in result.output


#: Files broken as a whole: each gets one message naming the file.
WHOLE_FILE_BREAKAGES: list[tuple[str, str, bytes]] = [
    ("zones", "zones.geojson", b'{"type": "FeatureCollection", "features": [{"type": '),
    ("zones", "zones.geojson", b'{"type": "FeatureCollection", "features": {}}'),
    ("zones", "zones.geojson", b"[1, 2, 3]"),
    ("zones", "zones.geojson", b'"just a string"'),
    ("zones", "zones.geojson", b"{}" + b" " * 10 + b"\x00" * 100),
    ("zones", "zones.csv", b"name,wkt\n"),
    ("zones", "zones.csv", b"\x00\x00\x00\x00"),
    ("zones", "zones.kml", b"<kml><Document><Placemark>"),
    (
        "zones",
        "zones.kml",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM '
        b'"file:///etc/passwd">]><kml><Document><name>&e;</name></Document></kml>',
    ),
    ("zones", "zones.gpkg", b"SQLite format 3\x00" + b"\x00" * 200),
    ("zones", "zones.zip", b"PK\x03\x04broken"),
    ("assets", "walkabout.csv", b'Name,Lat,Lon\n"unclosed,53.6,-2.6\n'),
    ("assets", "walkabout.csv", b"\xff\xfe\x00"),
    ("assets", "walkabout.csv", b"Name\n" + b"x\n" * 10),
    ("assets", "walkabout.xlsx", b"PK\x03\x04 not a workbook"),
    ("assets", "walkabout.xlsx", b"<html><body>Sign in</body></html>"),
    ("assets", "walkabout.json", b'{"type": "FeatureCollection", "features": []}'),
    ("reports", "open311.json", b'{"service_requests": "none"}'),
    ("reports", "open311.json", b'[{"a": 1}, 2]'),
    ("reports", "open311.json", b"[]"),
    ("reports", "open311.json", b"{" * 100_000),
    ("reports", "open311.json", b"[" * 100_000 + b"]" * 100_000),  # nested past Python's stack
    ("reports", "open311.json", b'[{"title": ' + b"[" * 990 + b"]" * 990 + b"}]"),
    (
        "assets",
        "walkabout.geojson",  # a NUL makes Python read it before GDAL
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        b'{"name": "a\\u0000b", "notes": ' + b"[" * 100_000 + b"]" * 100_000 + b"}, "
        b'"geometry": {"type": "Point", "coordinates": [-2.6, 53.6]}}]}',
    ),
    ("reports", "open311.xml", b"<service_requests><request>"),
    (
        "reports",
        "open311.xml",
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b"<service_requests><request><description>&lol3;</description></request>"
        b"</service_requests>",
    ),
    ("reports", "fixmystreet.csv", b"Report ID,Category\n1,Dog fouling\n"),
    ("reports", "fixmystreet.csv", ",".join(FMS_HEADER).encode() + b"\n"),
    ("network", "area.osm", b'<osm version="0.6"><node id="abc" lat="1" lon="1"/></osm>'),
    ("network", "area.osm", b'<osm version="0.6"><node id="1" lat="1" lon="1"><b/></node></osm>'),
    ("network", "area.osm", b"<osm"),
    ("network", "area.osm.pbf", b"\x00\x00\x00\x0dnot a pbf file"),
    ("network", "area.osm.bz2", b"BZh9 broken"),
]


@pytest.mark.parametrize(
    ("command", "name", "content"),
    WHOLE_FILE_BREAKAGES,
    ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(WHOLE_FILE_BREAKAGES)],
)
def test_files_broken_as_a_whole_get_one_message_naming_the_file(tmp_path, command, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    args = ["--osm-file", path] if command == "network" else [path]
    result = run(command, *args, "--output", tmp_path / "store.gpkg")
    if result.exit_code:
        assert str(path) in result.output
        assert "/etc/passwd" not in result.output.replace(str(path), "")
    assert "root:" not in result.output  # an external entity is never expanded


# The reader functions, each given a special file in place of its input.
READERS: list[tuple[str, Callable[[Path], object]]] = [
    ("zones.geojson", read_zones),
    ("walkabout.csv", read_assets),
    ("fixmystreet.csv", reports_from_fixmystreet),
]


@pytest.mark.parametrize(("name", "reader"), READERS, ids=[r[0] for r in READERS])
def test_a_named_pipe_is_refused_at_once_and_never_waited_on(tmp_path, name, reader):
    pipe = tmp_path / name
    os.mkfifo(pipe)
    outcome: dict[str, object] = {}

    def attempt() -> None:
        try:
            reader(pipe)
        except InputFileError as exc:
            outcome["error"] = str(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():  # unblock the reader, then fail
        with open(pipe, "wb"):  # noqa: PTH123 - the pipe's other end
            pass
        pytest.fail(f"reading the named pipe {pipe} hung")
    assert f"{pipe}: This is not a regular file but a named pipe" in str(outcome.get("error"))
    # and through the command line, with the same message
    result = run("zones" if name.startswith("zones") else "assets", pipe)
    assert result.exit_code == 1 and "is not a regular file" in result.output


def test_a_device_is_refused(tmp_path):
    with pytest.raises(InputFileError, match="not a regular file"):
        check_input("/dev/zero")
    link = tmp_path / "walkabout.csv"
    link.symlink_to("/dev/zero")  # a file that never ends, behind an innocent name
    with pytest.raises(InputFileError, match="not a regular file"):
        read_assets(link)


def test_a_shapefile_whose_side_file_is_a_pipe_is_refused(tmp_path):
    import geopandas as gpd
    import shapely

    path = tmp_path / "zones.shp"
    gpd.GeoDataFrame(
        {"name": ["a"]}, geometry=[shapely.box(EAST, NORTH, EAST + 9, NORTH + 9)], crs=27700
    ).to_file(path)
    (tmp_path / "zones.dbf").unlink()
    os.mkfifo(tmp_path / "zones.dbf")
    with pytest.raises(InputFileError, match=r"zones\.dbf: This is not a regular file"):
        read_zones(path)


def _zip_of(path: Path, member: str, text: str) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for ext in (".shx", ".dbf"):
            archive.writestr(member.replace(".shp", ext), b"")
        archive.writestr(member, text)


@pytest.mark.parametrize("name", ["zones.geojson", "zones.kml", "zones.shp", "zones.zip"])
def test_a_file_that_makes_gdal_read_another_file_is_refused(tmp_path, name):
    """GDAL opens a file by its content: an OGR VRT saved as zones.geojson would make it read
    any file on the machine, outside the project folder, into the maps and the store."""
    import geopandas as gpd
    import shapely

    secret = tmp_path / "elsewhere" / "secret.geojson"
    secret.parent.mkdir()
    gpd.GeoDataFrame(
        {"name": ["SECRET-ZONE"]},
        geometry=[shapely.box(EAST, NORTH, EAST + 90, NORTH + 90)],
        crs=27700,
    ).to_file(secret, layer="secret")
    vrt = (
        "<OGRVRTDataSource><OGRVRTLayer name='zones'>"
        f"<SrcDataSource>{secret}</SrcDataSource><SrcLayer>secret</SrcLayer>"
        "</OGRVRTLayer></OGRVRTDataSource>"
    )
    path = tmp_path / "project" / name
    path.parent.mkdir()
    if name.endswith(".zip"):
        _zip_of(path, "zones.shp", vrt)
    else:
        path.write_text(vrt)
        for ext in (".shx", ".dbf"):
            if name.endswith(".shp"):
                path.with_suffix(ext).write_bytes(b"")
    result = run("zones", path, "--output", tmp_path / "project" / "zones.gpkg")
    assert result.exit_code == 1, result.output
    assert "SECRET-ZONE" not in result.output
    assert "points GDAL at other files" in " ".join(result.output.split())
    assert not (tmp_path / "project" / "zones.gpkg").exists()


# ---- text: encodings, NUL bytes, huge cells, rows that do not fit -----------------------


def test_mixed_encodings_and_nul_bytes_are_repaired_row_by_row_and_said(tmp_path):
    path = tmp_path / "walkabout.csv"
    path.write_bytes(
        b"Name,Category,Lat,Lon\n"
        b"Ben\x00ch by the gate,bench,53.65,-2.63\n"  # row 2: a NUL byte
        + "Café Nero,community centre,53.65,-2.63\n".encode()  # row 3: UTF-8
        + "Café Rouge,community centre,53.65,-2.63\n".encode("cp1252")  # row 4: cp1252
        + b'"Two-line\nname",bench,53.65,-2.63\n'  # row 5, on two lines
        + "Crème brûlée stall,other,53.65,-2.63\n".encode("cp1252")  # row 6, on line 7
        + "Nowhere café,other,,\n".encode("cp1252")  # row 7: rejected, so not repaired
    )
    result = read_assets(path)
    names = result.layer.set_index("source_ref")["name"]
    assert names["2"] == "Bench by the gate"  # not cut short at the NUL
    assert names["3"] == "Café Nero" and names["4"] == "Café Rouge"
    assert names["6"] == "Crème brûlée stall"
    repaired = dict(zip(result.repaired["row"], result.repaired["reason"], strict=True))
    assert set(repaired) == {"2", "4", "6"}  # the rows, not the lines, and only rows kept
    assert repaired["2"].startswith("NUL bytes (a damaged or binary file) were removed")
    assert repaired["4"].startswith("Bytes that are not UTF-8, unlike the rest of the file")
    assert "Windows-1252 (cp1252)" in repaired["6"]
    assert result.rejected["row"].tolist() == ["7"]


def test_open311_json_with_a_cp1252_line_is_read_and_the_line_noted(tmp_path):
    from healthy_streets.io.reports import reports_from_open311

    record = (
        '{{"service_request_id": "{i}", "service_name": "Dog fouling", "lat": 53.65, '
        '"long": -2.63, "requested_datetime": "2025-11-25T14:03:00Z", "description": "{d}"}}'
    )
    path = tmp_path / "open311.json"
    path.write_bytes(
        b"[\n"
        + (record.format(i=1, d="Café") + ",\n").encode()
        + (record.format(i=2, d="Café\x00") + "\n").encode("cp1252")
        + b"]"
    )
    result = reports_from_open311(path)
    assert result.layer["detail"].tolist() == ["Café", "Café"]
    assert (
        "Line 3: bytes that are not UTF-8, unlike the rest of the file, were read as "
        "Windows-1252 (cp1252); NUL bytes (a damaged or binary file) were removed; check the "
        "text there."
    ) in result.notes


def test_an_excel_csv_in_cp1252_throughout_is_read_without_a_repair(tmp_path):
    path = tmp_path / "walkabout.csv"
    path.write_bytes("Name,Lat,Lon\nCafé,53.65,-2.63\nTea rooms £2,53.65,-2.63\n".encode("cp1252"))
    result = read_assets(path)
    assert result.layer["name"].tolist() == ["Café", "Tea rooms £2"]
    assert result.repaired.empty


def test_utf16_without_a_bom_is_read(tmp_path):
    path = tmp_path / "walkabout.csv"
    path.write_bytes("Name,Lat,Lon\nCafé,53.65,-2.63\n".encode("utf-16-le"))
    assert read_assets(path).layer["name"].tolist() == ["Café"]


def test_a_huge_cell_is_read_whole(tmp_path):
    path = tmp_path / "walkabout.csv"
    path.write_text("Name,Notes,Lat,Lon\nBench," + "x" * 5_000_000 + ",53.65,-2.63\n")
    table = read_table(path)
    assert len(table.loc[2, "Notes"]) == 5_000_000


def test_a_row_with_too_many_cells_is_rejected_and_the_rest_kept(tmp_path):
    path = tmp_path / "walkabout.csv"
    path.write_text(
        'Name,Lat,Lon\n"Two-line\nbench",53.65,-2.63\nBench, by the gate,53.65,-2.63\n'
        "Bin,53.65,-2.63\n"
    )
    result = read_assets(path)
    assert result.layer["name"].tolist() == ["Two-line\nbench", "Bin"]
    row = result.rejected.iloc[0]
    assert row["row"] == "3"
    assert row["reason"] == (
        "The row has 4 cells but the header has 3 columns (a comma or a quote out of "
        "place?); fix the row in a spreadsheet."
    )
    assert row["value"] == "Bench, by the gate,53.65,-2.63"
    assert (result.rows_in, result.kept, result.n_rejected) == (3, 2, 1)


def test_a_report_row_with_too_many_cells_is_rejected(tmp_path):
    path = tmp_path / "fixmystreet.csv"
    good = ["7", "Dog mess", "", "", "Dog fouling", "2025-11-25 14:03", "", "confirmed"]
    rows = [[*good, str(LAT), str(LON), "", ""], [*good, str(LAT), str(LON), "", "", "x"]]
    rows[1][0] = "8"
    path.write_text(csv_text(FMS_HEADER, rows))
    result = reports_from_fixmystreet(path)
    assert result.layer["report_id"].tolist() == ["7"]
    assert result.rejected["row"].tolist() == ["3"]
    assert "13 cells but the header has 12 columns" in result.rejected.iloc[0]["reason"]


# ---- coordinates and shapes that are not numbers or not shapes --------------------------


def test_nan_and_infinity_in_spreadsheet_coordinates_are_rejected_with_the_reason(tmp_path):
    path = tmp_path / "walkabout.csv"
    path.write_text(
        "Name,Lat,Lon,Easting,Northing\n"
        "Good,53.65,-2.63,,\n"
        "A,nan,-2.63,,\n"
        "B,53.65,Infinity,,\n"
        f"C,,,-inf,{NORTH}\n"
        f"D,,,NaN,NaN\n"
        f"E,nan,nan,{EAST},{NORTH}\n"  # the easting and northing still place it
    )
    result = read_assets(path)
    assert result.layer["name"].tolist() == ["Good", "E"]
    reasons = dict(zip(result.rejected["row"], result.rejected["reason"], strict=True))
    assert set(reasons) == {"3", "4", "5", "6"}
    assert all(
        r == "A coordinate is NaN or Infinity, which is not a number; fix the row's coordinates."
        for r in reasons.values()
    )


def geojson_zones(path: Path, geometries: list[object]) -> Path:
    features = [feature({"name": f"Zone {i}"}, g) for i, g in enumerate(geometries, start=1)]
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},
                "features": features,
            }
        )
    )
    return path


def test_broken_shapes_in_geojson_are_rejected_row_by_row(tmp_path):
    good = {"type": "Polygon", "coordinates": square(EAST, NORTH, 300)}
    path = geojson_zones(
        tmp_path / "zones.geojson",
        [
            good,
            {"type": "Polygon", "coordinates": square(math.nan, NORTH, 100)},
            {"type": "Polygon", "coordinates": square(EAST, math.inf, 100)},
            {"type": "Polygon", "coordinates": [[[EAST, NORTH], [EAST + 9, NORTH], [EAST, NORTH]]]},
            {"type": "LineString", "coordinates": [[EAST, NORTH]]},
            None,
        ],
    )
    result = read_zones(path)
    assert result.layer["name"].tolist() == ["Zone 1"]
    reasons = dict(zip(result.rejected["row"], result.rejected["reason"], strict=True))
    not_finite = "A coordinate is not a finite number (NaN or Infinity); fix the shape in the GIS"
    assert reasons["2"].startswith(not_finite) and reasons["3"].startswith(not_finite)
    assert reasons["4"].startswith("A ring of the outline has fewer than four points")
    assert reasons["5"] == (
        "The shape cannot be read (point array must contain 0 or >1 elements); fix it in the GIS."
    )
    assert reasons["6"] == "The row has no geometry."
    assert result.rows_in == result.kept + result.n_rejected == 6


def test_a_file_whose_every_shape_is_broken_says_why(tmp_path):
    path = geojson_zones(
        tmp_path / "zones.geojson",
        [{"type": "Polygon", "coordinates": square(math.nan, NORTH, 100)}],
    )
    with pytest.raises(InputFileError, match=r"No row has a usable zone polygon \(row 1: A coord"):
        read_zones(path)


def test_one_bad_wkt_row_is_rejected_and_the_rest_kept(tmp_path):
    path = tmp_path / "zones.csv"
    box = f"POLYGON(({EAST} {NORTH}, {EAST + 9} {NORTH}, {EAST + 9} {NORTH + 9}, {EAST} {NORTH}))"
    path.write_text(
        csv_text(
            ["name", "WKT"],
            [["Church Fields", box], ["Mill Lane", "POLYGON((1 2, 3"], ["Moor Road", box]],
        )
    )
    result = read_zones(path, crs="EPSG:27700")
    assert result.layer["name"].tolist() == ["Church Fields", "Moor Road"]
    rejected = result.rejected.iloc[0]
    assert (rejected["row"], rejected["field"]) == ("3", "WKT")
    assert rejected["reason"].startswith("The 'WKT' text is not valid WKT (")
    assert "it should read like POLYGON ((x y, x y, ...))" in rejected["reason"]
    # assets with a WKT column too
    assets = tmp_path / "sites.csv"
    assets.write_text(
        csv_text(["Name", "geometry"], [["Park", box], ["Broken", "POINT(nan"], ["Bin", box]])
    )
    result = read_assets(assets, crs="EPSG:27700")
    assert result.layer["name"].tolist() == ["Park", "Bin"]
    assert result.rejected["row"].tolist() == ["3"]


def test_a_stray_point_in_a_lon_lat_file_is_rejected_not_the_file(tmp_path):
    path = tmp_path / "assets.geojson"
    points = [[LON, LAT], [LON + 0.001, LAT], [1e308, -1e308]]
    features = [
        feature({"name": f"Bench {i}"}, {"type": "Point", "coordinates": xy})
        for i, xy in enumerate(points, start=1)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    result = read_assets(path)
    assert result.layer["name"].tolist() == ["Bench 1", "Bench 2"]
    assert result.rejected["row"].tolist() == ["3"]
    assert (
        "are not longitude and latitude in degrees, as the rest of the file's are"
        in (result.rejected.iloc[0]["reason"])
    )


# ---- a property: whatever a cell holds, the account adds up ----------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cells=st.lists(st.text(max_size=40), min_size=4, max_size=4))
def test_any_cells_give_an_account_or_a_clear_message(tmp_path, cells):
    import csv
    import io

    path = tmp_path / "walkabout.csv"
    rows = [["Bench", "bench", str(LAT), str(LON)], cells, ["Bin", "bin", str(LAT), str(LON)]]
    out = io.StringIO()  # as spreadsheets write CSV: a cell with a line break of any kind quoted
    csv.writer(out, lineterminator="\r\n").writerows([["Name", "Category", "Lat", "Lon"], *rows])
    path.write_bytes(out.getvalue().encode("utf-8", "surrogatepass"))
    try:
        result = read_assets(path)
    except InputFileError as exc:
        message = str(exc)
    else:
        message = ""
    if message:
        assert str(path) in message and "\n" not in message
        return
    assert result.rows_in == result.kept + result.n_rejected
    assert {"Bench", "Bin"} <= set(result.layer["name"])


# ---- a build with zone names that would break file names -------------------------------


def test_a_build_with_repeated_and_very_long_zone_names(tmp_path):
    import shutil

    from conftest import SAMPLE

    folder = tmp_path / "project"
    assert run("init", folder).exit_code == 0
    for name in ("yarrowside.osm", "reports_fixmystreet.csv"):
        shutil.copy(SAMPLE / name, folder / name)
    zones = json.loads((SAMPLE / "zones.geojson").read_text())
    long_name = "Yarrowside " + "and the streets around the church " * 9
    names = ["Church Fields", "Church Fields", long_name, long_name]
    for zone, name in zip(zones["features"], names, strict=True):
        zone["properties"]["ZONE_NAME"] = name
    (folder / "zones.geojson").write_text(json.dumps(zones))
    config = folder / "healthy-streets.toml"
    text = config.read_text().replace('"area.osm.pbf"', '"yarrowside.osm"')
    text = text.replace('[[assets]]\nfile = "walkabout.csv"', "")
    text = text.replace('"fixmystreet.csv"', '"reports_fixmystreet.csv"')
    config.write_text(text)
    result = run("build", config)
    assert result.exit_code == 0, result.output
    maps = sorted(p.name for p in (folder / "out" / "maps").glob("*.html"))
    assert len(maps) == 4 and "church-fields.html" in maps and "church-fields-2.html" in maps
    assert all(len(name) <= 80 for name in maps)
    assert "Another zone (row 1) has the same name" in result.output
    assert f"The name is {len(long_name.strip())} characters long" in result.output
    assert (
        "characters long, too long for the file name of the zone's map; another zone (row 3)"
        in (result.output)
    )


@pytest.mark.parametrize("bad", ["../../escaped", "LCC/TRO/2021/117", "..\\up", ".hidden", "con"])
def test_a_zone_id_of_an_analysts_layer_never_names_a_file_outside_the_folder(
    sample_layers, tmp_path, bad
):
    """The toolkit's readers make ids safe as file names; a zones layer of an analyst's
    own may hold any text in zone_id, which must not write maps or figures elsewhere."""
    import pandas as pd

    import healthy_streets as hs
    from healthy_streets.errors import ConfigError

    first = sample_layers.zones["zone_id"].iloc[0]
    for layer in (sample_layers.zones, sample_layers.assets, sample_layers.reports):
        layer["zone_id"] = layer["zone_id"].replace({first: bad})
    out = tmp_path / "a" / "b" / "out"
    with pytest.raises(ConfigError, match="cannot name a file") as raised:
        hs.write_outputs(sample_layers, out)
    assert repr(bad) in str(raised.value)
    evaluation = pd.DataFrame({"evaluated": [True], "decided_on": [None]}, index=[bad])
    with pytest.raises(ConfigError, match="cannot name a file"):
        hs.save_monthly_plots(sample_layers, evaluation, out / "figures")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("command", ["assets", "reports"])
def test_a_workbook_with_a_cell_far_beyond_its_table_is_refused_at_once(tmp_path, command):
    """5 KB, one character in cell XFD1048576: read whole as a table, it held the import
    for minutes and all the memory; now one message, in seconds. A table that fills its
    extent is read as before."""
    import time

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Category", "Latitude", "Longitude", "Created"])
    sheet.append(["Bench", "Bench", 53.65, -2.62, "2024-01-01"])
    sheet["XFD1048576"] = "x"
    path = tmp_path / "walkabout.xlsx"
    book.save(path)
    began = time.monotonic()
    result = run(command, path)
    assert time.monotonic() - began < 30
    assert result.exit_code == 1, result.output
    assert "reaches row 1,048,576 and column 16,384, with 11 cells filled" in result.output
    assert "Traceback" not in result.output
    del sheet["XFD1048576"]
    book.save(path)
    assert run("assets", path).exit_code == 0


@pytest.mark.parametrize(
    ("command", "content", "said"),
    [
        ("assets", "Name,Category,Latitude,Longitude\nBench,Bench,53.65,-2.62" + "," * 2_000_000,
         "Row 2 has 2,000,004 cells"),
        ("reports", "Report ID,Category,Created,Latitude,Longitude" + ",x" * 1_000_000 + "\n",
         "Row 1 has 1,000,005 cells"),
    ],
)  # fmt: skip
def test_a_csv_row_of_millions_of_cells_is_refused_at_once(tmp_path, command, content, said):
    """2 MB of commas on one line held pandas for minutes; a long text in quotes may still
    hold as many commas as it likes."""
    import time

    path = tmp_path / "table.csv"
    path.write_text(content + "\n")
    began = time.monotonic()
    result = run(command, path)
    assert time.monotonic() - began < 30
    assert result.exit_code == 1, result.output
    assert said in result.output and "Traceback" not in result.output
    path.write_text(
        'Name,Category,Latitude,Longitude,Notes\nBench,Bench,53.65,-2.62,"' + "," * 6000 + '"\n'
    )
    assert run("assets", path).exit_code == 0


def test_a_layer_or_sheet_of_thousands_of_fields_is_refused_before_it_is_read(tmp_path):
    """A 3 MB GeoJSON of 200,000 properties held GDAL for minutes (20,000: 20 s), and the
    columns' checks as long again: GDAL's summary is asked first. A workbook likewise."""
    import time

    import openpyxl

    properties = {"name": "Bench", "category": "Bench"} | {f"k{i}": "v" for i in range(50_000)}
    feature = {"type": "Feature", "properties": properties,
               "geometry": {"type": "Point", "coordinates": [-2.62, 53.65]}}  # fmt: skip
    path = tmp_path / "places.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    began = time.monotonic()
    result = run("assets", path)
    assert time.monotonic() - began < 30
    assert result.exit_code == 1, result.output
    assert "The file's features have 50,002 fields" in result.output
    book = openpyxl.Workbook()
    book.active.append(["Name", "Category", "Latitude", "Longitude", *range(6000)])
    book.active.append(["Bench", "Bench", 53.65, -2.62])
    book.save(tmp_path / "walkabout.xlsx")
    result = run("assets", tmp_path / "walkabout.xlsx")
    assert result.exit_code == 1, result.output
    assert "The sheet 'Sheet' has 6,004 columns" in result.output


def test_a_row_with_too_many_cells_is_named_by_its_own_row_past_empty_rows(tmp_path):
    path = tmp_path / "walkabout.csv"
    path.write_text(
        "Name,Lat,Lon\n"
        "Bench,53.65,-2.63\n"
        ",,\n"
        "\n"
        "Bench, by the gate,53.65,-2.63\n"  # row 5: four cells
        ",,\n"
        "Bin,53.65,-2.63\n"
    )
    result = read_assets(path)
    assert result.layer["name"].tolist() == ["Bench", "Bin"]
    assert result.layer["source_ref"].tolist() == ["2", "7"]
    assert result.rejected["row"].tolist() == ["5"]
    assert "4 cells but the header has 3 columns" in result.rejected.iloc[0]["reason"]
    assert (result.rows_in, result.kept, result.n_rejected) == (3, 2, 1)
    assert any(
        n.startswith("2 rows are empty (no cell holds anything): rows 3, 6;") for n in result.notes
    )


@pytest.mark.parametrize("rows", [3, 1_500])  # each line tried, or one search of the file
def test_a_row_of_quoted_empty_cells_among_quoted_rows_is_skipped(tmp_path, rows):
    path = tmp_path / "walkabout.csv"
    lines = ['"Name","Lat","Lon"']
    lines += [f'"Bench {i}","53.65","-2.63"' for i in range(rows)]
    lines.insert(3, '"","",""')  # row 4
    path.write_text("\n".join(lines) + "\n")
    result = read_assets(path)
    assert (result.rows_in, result.kept, result.n_rejected) == (rows, rows, 0)
    assert result.layer["source_ref"].tolist()[:3] == ["2", "3", "5"]
    assert any(n.startswith("Row 4 is empty (no cell holds anything);") for n in result.notes)
