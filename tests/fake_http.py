"""Answers of the fake services (Open311, Overpass, Nominatim), sent whole or slowly.

``send_answer`` sends a status, headers and body as :mod:`http.server` would, or a byte at a
time (the status line and headers, the body, or both), every so many seconds: a service
that never lets a read time out, and is never done. A trickle lasts at most
:data:`TRICKLE_FOR_S` seconds, then the rest is sent at once, so that a client that waits
for the whole answer is slow, not stuck; closing the server (``closing``) ends it at once.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler

#: The longest an answer is trickled: a client that waits for it whole is slow, not stuck.
TRICKLE_FOR_S = 15.0


def threads_of_the_client() -> set[threading.Thread]:
    """The threads running but a fake server's (one for each connection it serves)."""
    return {t for t in threading.enumerate() if "process_request_thread" not in t.name}


def send_answer(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str,
    *,
    headers: dict[str, str] | None = None,
    closing: threading.Event,
    trickle_head_s: float = 0.0,
    trickle_s: float = 0.0,
) -> None:
    """``status``, the headers (``content_type``, the length, ``headers``) and ``body`` to
    ``handler``'s client: the status line and headers a byte every ``trickle_head_s``
    seconds, the body a byte every ``trickle_s`` seconds (0: at once). A client that gives up
    is let go."""
    headers = {"Content-Type": content_type, "Content-Length": str(len(body))} | (headers or {})
    try:
        if trickle_head_s:
            reason = handler.responses[status][0]
            lines = [f"{handler.protocol_version} {status} {reason}"]
            lines += [f"{name}: {value}" for name, value in headers.items()]
            head = "".join(f"{line}\r\n" for line in [*lines, ""])
            if not _trickle(handler, head.encode("latin-1"), trickle_head_s, closing):
                return
        else:
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.end_headers()
        if trickle_s:
            _trickle(handler, body, trickle_s, closing)
        else:
            handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        return  # the client gave up waiting


def _trickle(
    handler: BaseHTTPRequestHandler, data: bytes, every_s: float, closing: threading.Event
) -> bool:
    """``data`` a byte every ``every_s`` seconds, for at most :data:`TRICKLE_FOR_S`, then the
    rest at once: False when the server was closed meanwhile (the rest not sent)."""
    handler.wfile.flush()
    sent = 0
    until = time.monotonic() + TRICKLE_FOR_S
    while sent < len(data) and time.monotonic() < until:
        handler.wfile.write(data[sent : sent + 1])
        handler.wfile.flush()
        sent += 1
        if closing.wait(every_s):
            return False
    handler.wfile.write(data[sent:])
    return True
