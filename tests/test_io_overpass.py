"""The online street network, against a local server that answers like Overpass and
Nominatim (nothing here reaches the internet)."""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlsplit

import geopandas as gpd
import osmnx as ox
import pytest
import requests
import requests.adapters
import shapely
from click.testing import CliRunner

from healthy_streets import settings
from healthy_streets.cli import main
from healthy_streets.errors import HealthyStreetsError, NetworkUnavailableError
from healthy_streets.io import _deadline, overpass
from healthy_streets.io.osm import street_network_from_osm_file
from healthy_streets.io.overpass import (
    BUSY_TRIES,
    PlaceNotFoundError,
    street_network_from_bbox,
    street_network_from_place,
    street_network_from_polygon,
)
from healthy_streets.io.zones import read_zones

from conftest import SAMPLE
from fake_http import threads_of_the_client
from fake_osm_server import FakeOSM

OSM_FILE = SAMPLE / "yarrowside.osm"


@pytest.fixture(scope="module")
def sample_extent():
    streets = street_network_from_osm_file(OSM_FILE).layer
    return streets.to_crs("EPSG:4326").total_bounds


@pytest.fixture
def server(sample_extent, tmp_path, monkeypatch):
    west, south, east, north = sample_extent
    polygon = shapely.geometry.mapping(
        shapely.box(west - 0.01, south - 0.01, east + 0.01, north + 0.01)
    )
    polygon = {"type": "Polygon", "coordinates": [list(map(list, polygon["coordinates"][0]))]}
    with FakeOSM(OSM_FILE, polygon) as fake:
        monkeypatch.setattr(settings, "overpass_url", f"{fake.url}/api")
        monkeypatch.setattr(settings, "nominatim_url", f"{fake.url}/")
        monkeypatch.setattr(settings, "osm_cache_folder", str(tmp_path / "cache"))
        yield fake


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """Services at a local port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setattr(settings, "overpass_url", f"http://127.0.0.1:{port}/api")
    monkeypatch.setattr(settings, "nominatim_url", f"http://127.0.0.1:{port}/")
    monkeypatch.setattr(settings, "osm_cache_folder", str(tmp_path / "cache"))


def test_by_place_name_gives_the_same_streets_as_the_file(server):
    online = street_network_from_place("Yarrowside, Chorley")
    local = street_network_from_osm_file(OSM_FILE)
    assert len(online.layer) == len(local.layer)
    assert online.layer["length_m"].sum() == pytest.approx(local.layer["length_m"].sum(), rel=1e-6)
    assert sorted(online.layer["segment_id"]) == sorted(local.layer["segment_id"])
    assert online.kept == local.kept
    assert "GET /search" in server.requests
    assert "GET /api/status" in server.requests  # osmnx keeps Overpass's rate limits
    assert "POST /api/interpreter" in server.requests


def test_answers_are_cached(server, tmp_path):
    street_network_from_place("Yarrowside, Chorley")
    asked = len(server.requests)
    again = street_network_from_place("Yarrowside, Chorley")
    assert len(server.requests) == asked  # the cache answered
    assert len(again.layer) > 400
    assert any((tmp_path / "cache").iterdir())
    assert any("cached in" in note for note in again.notes)


def test_by_bbox_and_around_the_zones(server, sample_extent):
    west, south, east, north = sample_extent
    boxed = street_network_from_bbox((west, south, east, north))
    assert len(boxed.layer) > 400
    zones = read_zones(SAMPLE / "zones.geojson").layer
    around = street_network_from_polygon(zones, buffer_m=100)
    assert 0 < len(around.layer) <= len(boxed.layer)
    reach = zones.union_all().buffer(100 + 1)
    assert around.layer.intersects(reach).all()


def test_an_unknown_place(server):
    with pytest.raises(PlaceNotFoundError, match="no area called 'Atlantis'"):
        street_network_from_place("Atlantis")


def test_offline_fails_in_seconds_with_one_line_pointing_to_osm_file(offline):
    started = time.monotonic()
    with pytest.raises(NetworkUnavailableError) as info:
        street_network_from_bbox((-2.63, 53.64, -2.61, 53.66))
    assert time.monotonic() - started < 10
    message = str(info.value)
    assert "street_network_from_osm_file(path)" in message  # as Python names it
    assert "\n" not in message


def test_offline_place_name_through_the_cli(offline):
    started = time.monotonic()
    result = CliRunner().invoke(main, ["network", "--place", "Yarrowside"])
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: Cannot reach 127.0.0.1")
    assert "--osm-file" in lines[0]


def test_online_place_through_the_cli(server, tmp_path):
    out = tmp_path / "chorley.gpkg"
    result = CliRunner().invoke(main, ["network", "--place", "Yarrowside", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert len(gpd.read_file(out, layer="streets")) > 400


def test_assets_downloaded_by_place(server):
    from healthy_streets.io.osm_features import assets_from_osm_file, assets_from_osm_place

    online = assets_from_osm_place("Yarrowside")
    local = assets_from_osm_file(OSM_FILE)
    assert online.layer["category"].value_counts().to_dict() == (
        local.layer["category"].value_counts().to_dict()
    )
    assert online.layer["source_ref"].str.match(r"^(node|way|relation)/\d+$").all()


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        ((500, "text/html", "<html><body>Internal error</body></html>"), "answered 500"),
        ((200, "application/json", '{"elements": []}'), "OpenStreetMap returned no streets"),
    ],
    ids=["error page", "no elements"],
)
def test_an_overpass_failure_is_not_called_an_unknown_place(server, answer, said):
    # Nominatim finds Yarrowside; Overpass fails: the place name is not what is wrong
    server.overpass_always = answer
    with pytest.raises(HealthyStreetsError) as info:
        street_network_from_place("Yarrowside")
    message = str(info.value)
    assert not isinstance(info.value, PlaceNotFoundError)
    assert "Nominatim found no area" not in message
    assert said in message
    assert "street_network_from_osm_file(path)" in message
    assert "\n" not in message


def test_a_busy_overpass_is_waited_for_a_few_times_then_said(server, monkeypatch, caplog):
    # osmnx waits 55 s after a 429 or 504 and asks again, forever: here, BUSY_TRIES times
    waits: list[float] = []
    monkeypatch.setattr(ox._overpass.time, "sleep", waits.append)
    server.overpass_always = (504, "text/html", "<html>Gateway Timeout</html>")
    with (
        caplog.at_level("WARNING", logger="healthy_streets.io.overpass"),
        pytest.raises(NetworkUnavailableError) as info,
    ):
        street_network_from_place("Yarrowside")
    asked = [r for r in server.requests if r == "POST /api/interpreter"]
    assert len(asked) == BUSY_TRIES
    assert waits.count(55) == BUSY_TRIES - 1  # osmnx's own wait after each busy answer
    message = str(info.value)
    assert message.startswith("Overpass at 127.0.0.1 is busy (HTTP 504 Gateway Timeout)")
    assert f"still busy after {BUSY_TRIES} tries" in message
    assert "street_network_from_osm_file(path)" in message
    said = [r.getMessage() for r in caplog.records if "tries again" in r.getMessage()]
    assert len(said) == BUSY_TRIES - 1
    assert "try 2 of 3" in said[0]


def test_a_busy_overpass_that_recovers_gives_the_streets(server, monkeypatch):
    monkeypatch.setattr(ox._overpass.time, "sleep", lambda seconds: None)
    server.overpass_script = [(429, "text/plain", "rate limited")]
    online = street_network_from_place("Yarrowside")
    assert len(online.layer) == len(street_network_from_osm_file(OSM_FILE).layer)


@pytest.fixture
def short_deadline(monkeypatch):
    """Answers that must come whole within 1.5 s of their request: Overpass given 1 s to
    run the query (also the wait for each read), Nominatim 1 s for each read, and half a
    second more."""
    monkeypatch.setattr(settings, "overpass_timeout", 1.0)
    monkeypatch.setattr(settings, "requests_timeout", 1.0)
    monkeypatch.setattr(overpass, "ANSWER_MARGIN_S", 0.5)
    assert overpass.answer_deadline_s() == 1.5
    return 1.5


@pytest.mark.parametrize(
    ("trickled", "slowly", "service"),
    [
        ("/interpreter", "trickle_head_s", "Overpass"),
        ("/interpreter", "trickle_s", "Overpass"),
        ("/status", "trickle_head_s", "Overpass"),
        ("/search", "trickle_s", "Nominatim"),
    ],
    ids=["query's headers", "query's body", "status's headers", "Nominatim's body"],
)
def test_an_answer_that_trickles_is_cut_at_the_deadline(
    server, short_deadline, trickled, slowly, service
):
    """A byte every 0.2 s: each read comes well within osmnx's 1 s timeout, and the answer
    would take 15 s (the fake's longest trickle) or, from a real service, for ever."""
    before = threads_of_the_client()
    server.trickled = (trickled,)
    setattr(server, slowly, 0.2)
    started = time.monotonic()
    with pytest.raises(NetworkUnavailableError) as info:
        street_network_from_place("Yarrowside")
    ended = time.monotonic()
    left = threads_of_the_client() - before
    assert ended - started < short_deadline + 6  # not 15 s (with Nominatim's 1 s pause)
    assert server.requests[-1].endswith(trickled)  # the answer cut was the last asked for
    assert short_deadline - 0.1 <= ended - server.arrived[-1] < short_deadline + 5
    message = str(info.value)
    assert message.startswith(
        f"{service} at 127.0.0.1 did not send its whole answer within 1.5 s of the request"
    )
    assert "streets for OpenStreetMap (Yarrowside) were not downloaded" in message
    assert "street_network_from_osm_file(path)" in message
    assert "\n" not in message
    assert not left  # the deadline's timer has ended
    assert requests.sessions.HTTPAdapter is requests.adapters.HTTPAdapter  # put back


def test_a_slow_answer_whole_in_time_is_read(server, short_deadline, sample_extent, monkeypatch):
    monkeypatch.setattr(overpass, "ANSWER_MARGIN_S", 5.0)  # 6 s for each answer
    server.trickled = ("/status",)
    server.trickle_s = 0.005  # its 190 bytes in about a second: slow, but in time
    started = time.monotonic()
    online = street_network_from_bbox(tuple(sample_extent))
    assert time.monotonic() - started > 0.9
    assert len(online.layer) > 400


def test_a_trickling_overpass_through_the_cli(server, short_deadline, sample_extent):
    west, south, east, north = sample_extent
    server.trickled = ("/interpreter",)
    server.trickle_s = 0.05
    result = CliRunner().invoke(main, ["network", "--bbox", f"{west},{south},{east},{north}"])
    assert time.monotonic() - server.arrived[-1] < short_deadline + 5  # not 15 s
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "Error: Overpass at 127.0.0.1 did not send its whole answer within 1.5 s"
    )
    assert "--osm-file FILE" in lines[0]
    assert server.requests.count("POST /api/interpreter") == 1  # not tried again


def an_answer_cut_short(server, remark: str) -> tuple[int, str, str]:
    """Overpass's 200 answer with ``remark`` and a few of the streets it had found."""
    ways = [e for e in server.elements if e["type"] == "way"][:3]
    used = {ref for way in ways for ref in way["nodes"]}
    nodes = [e for e in server.elements if e["type"] == "node" and e["id"] in used]
    body = {"version": 0.6, "generator": "Overpass API", "elements": nodes + ways}
    return (200, "application/json", json.dumps(body | {"remark": remark}))


@pytest.mark.parametrize(
    "remark",
    [
        'runtime error: Query timed out in "query" at line 3 after 21 seconds.',
        "runtime error: Query run out of memory using about 2048 MB of RAM.",
    ],
    ids=["timed out", "out of memory"],
)
def test_an_answer_overpass_says_is_incomplete_fails_the_download(
    server, sample_extent, tmp_path, remark
):
    west, south, east, north = sample_extent
    server.overpass_always = an_answer_cut_short(server, remark)
    out = tmp_path / "streets.gpkg"
    bbox = f"{west},{south},{east},{north}"
    result = CliRunner().invoke(main, ["network", "--bbox", bbox, "--output", str(out)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        f"Error: Overpass at 127.0.0.1 stopped before it had all the streets for "
        f"OpenStreetMap (bbox {bbox}): it said {remark!r}, so they were not downloaded"
    )
    assert "Ask for a smaller area, try again later" in lines[0]
    assert "--osm-file FILE" in lines[0]
    assert not out.exists()
    # nothing cached: the same download asks Overpass again, and gets the whole network
    server.overpass_always = None
    asked = server.requests.count("POST /api/interpreter")
    whole = street_network_from_bbox((west, south, east, north))
    assert server.requests.count("POST /api/interpreter") == asked + 1
    assert len(whole.layer) > 400


def test_an_incomplete_answer_for_assets_is_said_too(server):
    from healthy_streets.io.osm_features import assets_from_osm_place

    remark = 'runtime error: Query timed out in "print" at line 7 after 181 seconds.'
    server.overpass_always = an_answer_cut_short(server, remark)
    with pytest.raises(HealthyStreetsError) as info:
        assets_from_osm_place("Yarrowside")
    message = str(info.value)
    assert message.startswith(
        "Overpass at 127.0.0.1 stopped before it had all the OpenStreetMap features of "
        f"'Yarrowside': it said {remark!r}, so they were not downloaded"
    )
    assert "assets_from_osm_file(path)" in message
    assert "\n" not in message


def test_a_remark_that_is_not_an_error_is_said_and_the_answer_used(server, caplog):
    elements = {"version": 0.6, "elements": server.elements, "remark": "runtime remark: Test"}
    server.overpass_always = (200, "application/json", json.dumps(elements))
    with caplog.at_level("WARNING", logger="healthy_streets.io.overpass"):
        online = street_network_from_place("Yarrowside")
    assert len(online.layer) == len(street_network_from_osm_file(OSM_FILE).layer)
    said = [r.getMessage() for r in caplog.records if "remarked" in r.getMessage()]
    assert said == [
        "Overpass at 127.0.0.1 remarked 'runtime remark: Test' on the streets for "
        "OpenStreetMap (Yarrowside); its answer is used."
    ]


@pytest.fixture
def timeouts(monkeypatch):
    """The wait for each read, and the deadline of the whole answer, of every request sent
    (its path: /search, /api/status, /api/interpreter)."""
    sent: dict[str, tuple[float, float]] = {}
    send = requests.adapters.HTTPAdapter.send

    def recording(adapter, request, *args, **kwargs):
        running = _deadline._RUNNING.get()
        path = urlsplit(request.url).path
        sent[path] = (kwargs.get("timeout"), running.seconds if running else None)
        return send(adapter, request, *args, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", recording)
    return sent


def test_overpass_is_given_its_own_time_and_nominatim_the_requests_timeout(server, timeouts):
    street_network_from_place("Yarrowside")
    assert "[timeout:180]" in server.queries[-1]  # Overpass's own default, not 20 s
    assert timeouts["/api/interpreter"] == (180, 300)  # each read; the whole answer
    assert timeouts["/api/status"] == (20, 140)  # its status answers at once: no query
    assert timeouts["/search"] == (20, 140)  # Nominatim: settings.requests_timeout


def test_the_overpass_timeout_setting(server, timeouts, monkeypatch, sample_extent):
    monkeypatch.setattr(settings, "overpass_timeout", 900.0)
    street_network_from_bbox(tuple(sample_extent))
    assert "[timeout:900]" in server.queries[-1]
    assert timeouts["/api/interpreter"] == (900, 1020)
    assert ox.settings.overpass_settings == "[out:json][timeout:{timeout}]{maxsize}"  # put back
