"""The date of an OpenStreetMap extract's data: read from the file, said in the build's
notes, on the maps' and the index's sources lines, by ``network``, kept in the store's
provenance; a warning when it is old, nothing said when the file gives none."""

from __future__ import annotations

import datetime as dt
import re

import geopandas as gpd
import osmium
import pytest
import shapely
from click.testing import CliRunner

import healthy_streets as hs
from healthy_streets.cli import main
from healthy_streets.io.osm import data_date, street_network_from_osm_file
from healthy_streets.io.store import open_store
from healthy_streets.maps.meeting import meeting_map, sources_line
from healthy_streets.model.build import Inputs, Source
from healthy_streets.model.osm_date import OsmDate, osm_date_from_text

from conftest import osm_xml_of

# Mill Lane (20 mph) and Church Street near Chorley, as in test_io_osm.
NODES = {1: (53.6500, -2.6300), 2: (53.6500, -2.6290), 3: (53.6500, -2.6280)}
NODES |= {4: (53.6510, -2.6290), 5: (53.6520, -2.6290)}
WAYS = [
    (10, [1, 2, 3], {"highway": "residential", "name": "Mill Lane", "maxspeed": "20 mph"}),
    (11, [2, 4, 5], {"highway": "tertiary", "name": "Church Street", "maxspeed": "30 mph"}),
]
#: A day within the last two years, and one long before.
RECENT = dt.date.today() - dt.timedelta(days=40)
OLD = dt.date(2015, 2, 25)


def _stamp(day: dt.date, time: str = "10:15:02") -> str:
    return f"{day.isoformat()}T{time}Z"


def osm_xml(
    *, root: str = "", meta: str = "", way_times: tuple[str | None, ...] = (None, None)
) -> str:
    """The two streets as OSM XML: ``root`` attributes of ``<osm>``, a ``<meta>`` element's
    attributes, each way's timestamp (``None``: none)."""
    return osm_xml_of(WAYS, NODES, root=root, meta=meta, way_times=way_times)


def pbf_with_header(path, replication: str | None, xml: str):
    """``xml`` written as a PBF whose header has ``replication`` as its replication
    timestamp (as Geofabrik's extracts have)."""
    source = path.with_suffix(".source.osm")
    source.write_text(xml)
    header = osmium.io.Header()
    header.set("generator", "test")
    if replication is not None:
        header.set("osmosis_replication_timestamp", replication)
    with osmium.SimpleWriter(str(path), header=header, overwrite=True) as writer:
        for obj in osmium.FileProcessor(str(source)):
            writer.add(obj)
    return path


def zones_around() -> gpd.GeoDataFrame:
    area = gpd.GeoSeries([shapely.box(-2.6305, 53.6495, -2.6275, 53.6525)], crs=4326)
    return gpd.GeoDataFrame(
        {"name": ["Mill Lane"], "status": ["implemented"]}, geometry=area.to_crs(27700)
    )


def sources_of(page: str) -> str:
    return re.search(r'<p class="hs-sources">(.*?)</p>', page, re.S).group(1)


def test_a_pbf_header_replication_timestamp_dates_the_data(tmp_path):
    # the ways say 2019, the header 25 February 2015: the header's is the extract's date
    xml = osm_xml(way_times=("2019-01-01T00:00:00Z", None))
    path = pbf_with_header(tmp_path / "area.osm.pbf", "2015-02-25T21:43:02Z", xml)
    result = street_network_from_osm_file(path)
    assert result.data_date == OsmDate(OLD, "replication")
    said = "OpenStreetMap data of 25 February 2015 (the extract's replication timestamp)."
    assert said in result.notes
    assert result.notes[0] == (
        "Warning: the OpenStreetMap data is from 2015: streets and places may have changed "
        "since; download a newer extract."
    )


@pytest.mark.parametrize(
    ("root", "meta", "basis"),
    [
        (' timestamp="2015-02-25T10:15:02Z"', "", "timestamp"),
        ("", 'osm_base="2015-02-25T10:15:02Z"', "osm_base"),  # as Overpass writes it
    ],
)
def test_an_xml_files_own_date_dates_the_data(tmp_path, root, meta, basis):
    path = tmp_path / "area.osm"
    path.write_text(osm_xml(root=root, meta=meta, way_times=(_stamp(RECENT), None)))
    assert street_network_from_osm_file(path).data_date == OsmDate(OLD, basis)


def test_without_a_header_date_the_newest_way_says_data_up_to(tmp_path):
    xml = osm_xml(way_times=("2016-05-01T00:00:00Z", _stamp(RECENT, "23:59:59")))
    for path in (tmp_path / "area.osm", pbf_with_header(tmp_path / "area.osm.pbf", None, xml)):
        if path.suffix == ".osm":
            path.write_text(xml)
        result = street_network_from_osm_file(path)
        assert result.data_date == OsmDate(RECENT, "newest")
        day = f"{RECENT.day} {RECENT:%B %Y}"
        assert f"OpenStreetMap data up to {day} (the newest timestamp of the file's ways)." in (
            result.notes
        )
        assert not [n for n in result.notes if "newer extract" in n]  # recent: no warning


def test_a_file_that_gives_no_date_says_nothing(tmp_path):
    path = tmp_path / "area.osm"
    path.write_text(osm_xml())
    result = street_network_from_osm_file(path)
    assert result.data_date is None
    assert not [n for n in result.notes if "OpenStreetMap data" in n]
    layers = hs.load_layers(Inputs(Source(None, data=zones_around()), osm=path))
    page = meeting_map(layers, "Mill Lane", tiles=False).get_root().render()
    # (the zones are the test's own layer, named on no map)
    assert sources_of(page) == "Streets © OpenStreetMap contributors (ODbL); no reports."


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "2015-02-25<img src=x>",
        "yesterday",
        "2015-13-45T00:00:00Z",
        "1999-01-01T00:00:00Z",  # before OpenStreetMap
        "2999-01-01T00:00:00Z",  # after tomorrow
        "",
        None,
    ],
)
def test_text_from_the_file_that_is_no_date_is_no_date(text):
    assert osm_date_from_text(text, "osm_base") is None


def test_a_header_that_is_no_date_falls_back_to_the_ways(tmp_path):
    path = tmp_path / "area.osm"
    path.write_text(
        osm_xml(meta='osm_base="&lt;b&gt;soon&lt;/b&gt;"', way_times=(_stamp(OLD), None))
    )
    assert data_date(path, "2015-02-25T10:15:02Z") == OsmDate(OLD, "newest")
    assert street_network_from_osm_file(path).data_date == OsmDate(OLD, "newest")


def test_the_network_command_says_the_date_and_warns_of_old_data(tmp_path):
    path = pbf_with_header(tmp_path / "area.osm.pbf", "2015-02-25T21:43:02Z", osm_xml())
    result = CliRunner().invoke(main, ["network", "--osm-file", str(path)])
    assert result.exit_code == 0, result.output
    assert "OpenStreetMap data of 25 February 2015 (the extract's replication timestamp)" in (
        result.output
    )
    assert "the OpenStreetMap data is from 2015: streets and places may have changed" in (
        result.output
    )


def test_the_meeting_map_and_the_index_say_the_date_of_the_data(tmp_path):
    path = pbf_with_header(tmp_path / "area.osm.pbf", "2015-02-25T21:43:02Z", osm_xml())
    layers = hs.load_layers(Inputs(Source(None, data=zones_around()), osm=path))
    page = meeting_map(layers, "Mill Lane", tiles=False).get_root().render()
    line = sources_of(page)
    assert line == (
        "Streets © OpenStreetMap contributors (ODbL), data of 25 February 2015; no reports."
    )
    assert "replication" not in line and "21:43" not in line  # the date, not the header's text
    index = sources_line(layers.zones, layers.reports, layers.assets, OsmDate(OLD, "replication"))
    assert index.startswith("Streets © OpenStreetMap contributors (ODbL), data of 25 February 2015")


def test_a_build_and_its_rebuild_from_the_store_say_the_date(tmp_path):
    from test_rebuild import build, write_project

    project = write_project(tmp_path / "project")
    xml = (project / "yarrowside.osm").read_text()
    marked = xml.replace('generator="healthy_streets sample generator"', 'generator="t"', 1)
    marked = marked.replace("<bounds", '<meta osm_base="2015-02-25T10:15:02Z"/>\n  <bounds', 1)
    assert marked != xml
    (project / "yarrowside.osm").write_text(marked)
    said = build(project)
    assert "the OpenStreetMap data is from 2015" in said
    out = project / "out"
    maps = sorted((out / "maps").glob("*.html"))
    expected = "Streets © OpenStreetMap contributors (ODbL), data of 25 February 2015;"
    assert expected in (out / "index.html").read_text(encoding="utf-8")
    for page in maps:
        assert sources_of(page.read_text(encoding="utf-8")).startswith(expected)
    provenance = open_store(out / "healthy-streets.gpkg").read("provenance")
    dates = dict(zip(provenance["role"], provenance["data_date"], strict=True))
    assert dates["streets"] == "2015-02-25"
    # a map drawn again from the store (the build's record carries the date)
    maps[0].unlink()
    again = build(project)
    assert "Drawn again from the store" in again
    assert sources_of(maps[0].read_text(encoding="utf-8")).startswith(expected)
