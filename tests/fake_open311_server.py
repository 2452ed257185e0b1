"""A small local HTTP server that answers like FixMyStreet's Open311 (GeoReport v2).

As FixMyStreet's does (``perllib/FixMyStreet/App/Controller/Open311.pm``): a
``jurisdiction_id`` is required (without one, a web page saying so), ``start_date`` and
``end_date`` filter the date a report was made (``>=`` and ``<``), ``status`` is ``open`` or
``closed``, answers hold at most ``limit`` requests (fewer with ``max_requests``), newest
first, and there is neither paging nor ``updated_after``; ``service_request_id`` names one
report (FixMyStreet turns it into ``id = <value>``, so a comma-delimited list is a database
error there: a 500). Switches make it page (``page``/``page_size``), honour ``updated_after``,
or take a list of ids (``by_id="list"``, as GeoReport v2 says: it overrides every other
filter) or ignore them (``by_id="ignored"``), as some other services do. One report is
also answered at ``requests/<id>.json`` (GeoReport v2's GET Service Request), as
FixMyStreet's ``get_request`` does: the report, or nothing for a report it hides (ids in
``hidden``, left out of every answer); a report it does not have is a ``404``, as many
services answer. ``script``
queues failures (a 429 with its ``Retry-After``, a 500) to answer before the next requests;
``delay_s`` makes every answer wait (a service that hangs), until the server is closed;
``trickle_s`` sends every answer's body a byte at a time, that many seconds apart (a service
that never times out), for at most :data:`fake_http.TRICKLE_FOR_S` seconds, then the rest at
once; ``trickle_head_s`` does the same with its status line and headers. ``keep_alive`` answers in
HTTP/1.1, keeping each connection open for the client's next request.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

from fake_http import send_answer


def moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass
class Failure:
    """One scripted answer: a status, its headers and body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""


class FakeOpen311:
    """Start with ``with FakeOpen311(reports) as server:``; ``server.url`` is the
    ``requests.json`` address. ``server.reports`` (id -> request) may be changed between
    fetches; ``server.requests`` holds the query of every request received."""

    def __init__(
        self,
        reports: list[dict[str, object]],
        *,
        limit: int = 1000,
        pages: bool = False,
        updated_after: bool = False,
        needs_jurisdiction: bool = True,
        by_id: str = "one",
        keep_alive: bool = False,
    ) -> None:
        self.reports = {str(r["service_request_id"]): dict(r) for r in reports}
        self.limit = limit
        self.pages = pages
        self.updated_after = updated_after
        self.needs_jurisdiction = needs_jurisdiction
        self.by_id = by_id
        self.script: list[Failure] = []
        self.junk: list[object] = []  # malformed items, sent once with the next answer
        self.delay_s = 0.0  # seconds before each answer: a service that hangs
        self.trickle_s = 0.0  # seconds between the bytes of each answer's body
        self.trickle_head_s = 0.0  # seconds between the bytes of its status line and headers
        self.closing = threading.Event()  # set when closed: a waiting answer ends at once
        self.requests: list[dict[str, str]] = []
        self.paths: list[str] = []  # the path of every request received
        self.hidden: set[str] = set()  # reports hidden: in no answer, nothing at requests/<id>.json
        self.user_agents: list[str] = []
        self.lock = threading.Lock()
        handler = self._handler()
        if keep_alive:
            handler.protocol_version = "HTTP/1.1"
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/open311/v2"
        self.url = f"{self.base}/requests.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeOpen311:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop answering: the port is closed (as when the laptop is offline)."""
        self.closing.set()
        if self.thread.is_alive():
            self.httpd.shutdown()
        self.httpd.server_close()

    def since(self, count: int) -> list[dict[str, str]]:
        """The queries of the requests after the first ``count``."""
        return self.requests[count:]

    def answer(self, query: dict[str, str]) -> list[object]:
        chosen = [
            r for r in self.reports.values() if str(r["service_request_id"]) not in self.hidden
        ]
        wanted = query.get("service_request_id") if self.by_id != "ignored" else None
        if wanted and self.by_id == "list":  # overrides every other filter
            return [r for r in chosen if str(r["service_request_id"]) in wanted.split(",")]
        if wanted:
            chosen = [r for r in chosen if str(r["service_request_id"]) == wanted]
        made = {id(r): moment(r["requested_datetime"]) for r in chosen}
        if "start_date" in query:
            chosen = [r for r in chosen if made[id(r)] >= moment(query["start_date"])]
        if "end_date" in query:
            chosen = [r for r in chosen if made[id(r)] < moment(query["end_date"])]
        if "status" in query:
            chosen = [r for r in chosen if r["status"] == query["status"]]
        if "service_code" in query:
            chosen = [r for r in chosen if r.get("service_code") == query["service_code"]]
        if self.updated_after and "updated_after" in query:
            after = moment(query["updated_after"])
            chosen = [r for r in chosen if moment(r["updated_datetime"]) >= after]
        chosen.sort(key=lambda r: moment(r["requested_datetime"]), reverse=True)
        size = min(self.limit, int(query.get("max_requests") or self.limit))
        if self.pages and "page_size" in query:
            size = min(self.limit, int(query["page_size"]))
            page = int(query.get("page", 1))
            items: list[object] = chosen[(page - 1) * size : page * size]
        else:
            items = chosen[:size]
        if self.junk:
            items, self.junk = [*items, *self.junk], []
        return items

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output quiet
                return None

            def _send(self, status: int, body: str, content_type: str, **headers: str) -> None:
                send_answer(
                    self,
                    status,
                    body.encode("utf-8"),
                    content_type,
                    headers=headers,
                    closing=server.closing,
                    trickle_head_s=server.trickle_head_s,
                    trickle_s=server.trickle_s,
                )

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                with server.lock:
                    server.requests.append(query)
                    server.paths.append(unquote(parts.path))
                    server.user_agents.append(self.headers.get("User-Agent", ""))
                    failure = server.script.pop(0) if server.script else None
                if server.delay_s and server.closing.wait(server.delay_s):
                    return  # closed while the answer waited
                if failure is not None:
                    self._send(failure.status, failure.body, "text/plain", **failure.headers)
                    return
                one = re.fullmatch(r".*/requests/([^/]+)\.json", parts.path)
                if not one and not parts.path.endswith(("/requests.json", "/requests.xml")):
                    self.send_error(404)
                    return
                if server.needs_jurisdiction and not query.get("jurisdiction_id"):
                    page = "<html><body><p>Note: ERROR: Missing jurisdiction_id</p></body></html>"
                    self._send(200, page, "text/html; charset=utf-8")
                    return
                if server.by_id == "one" and "," in query.get("service_request_id", ""):
                    error = "DBI Exception: invalid input syntax for type integer"
                    self._send(500, f"<html><body>{error}</body></html>", "text/html")
                    return
                if one:
                    wanted = unquote(one.group(1))
                    with server.lock:
                        found = server.reports.get(wanted)
                    if found is None:
                        self.send_error(404)
                        return
                    shown = [] if wanted in server.hidden else [found]
                    body = json.dumps({"requests": [{"request": shown}]})
                    self._send(200, body, "application/json; charset=utf-8")
                    return
                with server.lock:
                    items = server.answer(query)
                if parts.path.endswith(".xml"):
                    self._send(200, as_xml(items), "application/xml; charset=utf-8")
                else:
                    body = json.dumps({"requests": [{"request": items}]})
                    self._send(200, body, "application/json; charset=utf-8")

        return Handler


def as_xml(items: list[object]) -> str:
    """FixMyStreet's XML: ``<requests><request>`` with one element per field."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<requests>"]
    for item in items:
        if not isinstance(item, dict):
            out.append(f"<request>{escape(str(item))}</request>")
            continue
        fields = "".join(_element(k, v) for k, v in item.items())
        out.append(f"<request>{fields}</request>")
    out.append("</requests>")
    return "\n".join(out)


def _element(tag: str, value: object) -> str:
    """One field as FixMyStreet writes it: a dict as elements inside it, a list as the
    element repeated (``<recipient>`` for each of an agency's recipients)."""
    if isinstance(value, dict):
        return f"<{tag}>" + "".join(_element(k, v) for k, v in value.items()) + f"</{tag}>"
    if isinstance(value, list):
        return "".join(_element(tag, v) for v in value)
    return f"<{tag}>{escape(str(value))}</{tag}>"
