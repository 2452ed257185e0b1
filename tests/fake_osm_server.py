"""A small local HTTP server that answers like Nominatim and Overpass, for the online path.

It serves the sample neighbourhood's streets: Nominatim knows one place ("Yarrowside"),
and Overpass answers every query with the sample's highway ways and their nodes.
``overpass_script`` queues answers (a status, a content type and a body: a 504, an error
page, an empty answer) for Overpass's next queries; ``overpass_always`` answers every query.
``trickle_s`` sends the body of each answer a byte at a time, that many seconds apart (a
service that never lets a read time out), ``trickle_head_s`` its status line and headers;
``trickled`` names the answers slowed (the ends of their paths: ``/status`` and
``/interpreter`` are Overpass's, ``/search`` Nominatim's).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import osmium

from fake_http import send_answer


def overpass_elements(osm_file: Path, *, features: bool = False) -> list[dict]:
    """Overpass JSON elements of an OSM file: its highway ways and their nodes, or (with
    ``features``) every tagged node and way that is not a street, and the ways' nodes."""
    nodes: dict[int, dict] = {}
    ways: list[dict] = []
    tagged_nodes: list[int] = []
    for obj in osmium.FileProcessor(str(osm_file)):
        if obj.is_node():
            nodes[obj.id] = {
                "type": "node",
                "id": obj.id,
                "lat": obj.location.lat,
                "lon": obj.location.lon,
            }
            if len(obj.tags):
                nodes[obj.id]["tags"] = dict(obj.tags)
                tagged_nodes.append(obj.id)
        elif obj.is_way():
            street = "highway" in obj.tags and obj.tags.get("area") != "yes"
            if street != features and len(obj.tags):
                ways.append(
                    {
                        "type": "way",
                        "id": obj.id,
                        "nodes": [n.ref for n in obj.nodes],
                        "tags": dict(obj.tags),
                    }
                )
    used = {ref for way in ways for ref in way["nodes"]}
    if features:
        used |= set(tagged_nodes)
    return [nodes[ref] for ref in sorted(used)] + ways


class FakeOSM:
    """Start with ``with FakeOSM(osm_file) as server:``; ``server.url`` is its base URL."""

    def __init__(self, osm_file: Path, place_polygon: dict) -> None:
        self.elements = overpass_elements(osm_file)
        self.features = overpass_elements(osm_file, features=True)
        self.place_polygon = place_polygon
        self.requests: list[str] = []
        self.queries: list[str] = []  # the Overpass QL of each query, as asked
        self.arrived: list[float] = []  # when each request came (time.monotonic())
        self.overpass_script: list[tuple[int, str, str]] = []
        self.overpass_always: tuple[int, str, str] | None = None
        self.trickle_s = 0.0  # seconds between the bytes of an answer's body
        self.trickle_head_s = 0.0  # seconds between the bytes of its status line and headers
        self.trickled = ("/status", "/search", "/interpreter")
        self.closing = threading.Event()  # set when closed: a trickled answer ends at once
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeOSM:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output quiet
                return None

            def _send(
                self, body: str, content_type: str = "application/json", status: int = 200
            ) -> None:
                slow = urlsplit(self.path).path.endswith(server.trickled)
                send_answer(
                    self,
                    status,
                    body.encode("utf-8"),
                    content_type,
                    closing=server.closing,
                    trickle_head_s=server.trickle_head_s if slow else 0.0,
                    trickle_s=server.trickle_s if slow else 0.0,
                )

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                server.requests.append(f"GET {parts.path}")
                server.arrived.append(time.monotonic())
                if parts.path.endswith("/status"):
                    self._send(
                        "Connected as: 1\nCurrent time: 2026-11-25T00:00:00Z\n"
                        "Announced endpoint: none\nRate limit: 2\n2 slots available now.\n"
                        "Currently running queries (pid, space limit, time limit, start time):\n",
                        "text/plain",
                    )
                elif parts.path.endswith("/search"):
                    query = parse_qs(parts.query).get("q", [""])[0]
                    self._send(json.dumps(server._nominatim(query)))
                else:
                    self.send_error(404)

            def do_POST(self) -> None:
                server.requests.append(f"POST {urlsplit(self.path).path}")
                server.arrived.append(time.monotonic())
                length = int(self.headers.get("Content-Length", 0))
                query = parse_qs(self.rfile.read(length).decode("utf-8")).get("data", [""])[0]
                server.queries.append(query)
                scripted = server.overpass_always
                if server.overpass_script:
                    scripted = server.overpass_script.pop(0)
                if scripted is not None:
                    status, content_type, text = scripted
                    self._send(text, content_type, status)
                    return
                # osmnx asks for features node by node; for streets it asks for ways only
                elements = server.features if "node[" in query else server.elements
                body = {"version": 0.6, "generator": "fake overpass", "elements": elements}
                self._send(json.dumps(body))

        return Handler

    def _nominatim(self, query: str) -> list[dict]:
        if "yarrowside" not in query.lower():
            return []
        ring = self.place_polygon["coordinates"][0]
        lons = [p[0] for p in ring]
        lats = [p[1] for p in ring]
        return [
            {
                "place_id": 1,
                "osm_type": "relation",
                "osm_id": 1,
                "licence": "ODbL",
                "boundingbox": [str(min(lats)), str(max(lats)), str(min(lons)), str(max(lons))],
                "lat": str(sum(lats) / len(lats)),
                "lon": str(sum(lons) / len(lons)),
                "display_name": "Yarrowside, Chorley, Lancashire, England",
                "class": "boundary",
                "type": "administrative",
                "place_rank": 20,
                "importance": 0.5,
                "addresstype": "suburb",
                "name": "Yarrowside",
                "geojson": self.place_polygon,
            }
        ]
