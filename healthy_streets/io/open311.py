"""Resident reports straight from an Open311 GeoReport v2 service, cached in the project.

FixMyStreet (``https://<site>/open311/v2/requests.json``) and many council systems publish
their reports as GeoReport v2. :func:`reports_from_open311_server` asks such a service for
the reports made since a date, keeps them in a cache folder, and reads the cache with the
same reader as an Open311 file (:func:`healthy_streets.io.reports.reports_from_open311`):
the same categories, statuses, privacy rules and account of every row.

**Politely.** One request at a time, at least :data:`MIN_INTERVAL_S` apart; a server error
(5xx) or a dropped connection is tried again after 2, 4, 8... seconds (the first such
wait 2, the next 4, whatever ``429`` came between them), :data:`RETRIES` times in all; a
``429 Too Many Requests`` is waited out as its ``Retry-After`` says (without one, as a
server error is); each wait is
logged as it starts, with its reason and length (the command line shows it); every request
names the toolkit and its version in its ``User-Agent`` and gives up after
:data:`healthy_streets.settings.requests_timeout` seconds of silence, or when a whole answer
(its connection, status line, headers and body) has not come in :data:`ANSWER_DEADLINE_S`
seconds from the request's start (a service sending a byte at a time): both are timeouts,
each try has its own deadline, and a try timed out is tried again as a dropped connection is.

**What the standard offers, and FixMyStreet.** GeoReport v2 filters by the date a report
was made (``start_date``, ``end_date``: at most 90 days apart), by ``status`` and by
``service_code``; ``jurisdiction_id`` names the council on a service that serves several
(FixMyStreet requires one). It has no area filter, no paging and no "updated since". Some
services page (``page``/``page_size``, an extension the Open311 wiki lists for Chicago,
Boston, Toronto...); FixMyStreet does not: it answers at most 1000 requests (or
``max_requests``, or a lower limit of the site's own), newest first, and says to walk the
dates. So this client asks for a window of dates; a short first answer is followed once by
page 2, to learn whether the service pages (remembered in the state, and learnt again when a
service known to page answers page 2 with page 1); an answer that may
have been cut at the service's limit (as many reports of the dates asked as the most it has
sent at once) is followed by the next page where the service pages, else by the window
before the oldest report returned (after the newest, for a service that answers oldest
first, and before its oldest once; for one whose answers have no order, by the two halves
of the window). Only the reports of the dates asked count for an answer's order and size; a
report from other dates is the service's fault. Dates whose answers cannot be shown to
hold every report are said in the notes, and the fetch never says it has them all.

**Only what changed.** The cache remembers when it was fetched and the latest
``updated_datetime`` it holds. The next fetch asks for reports updated since then
(``updated_after``, an extension some services honour); a service that answers with older
reports too (FixMyStreet does; one in :data:`STRAYS_PER` or more of its answer) is
remembered as not honouring it until :data:`UPDATED_AFTER_RETRY_DAYS` later, when it is
asked with it again (fewer such reports are the service's slips), and is asked instead for
the reports made since the last fetch, or in the last :data:`REFRESH_DAYS` days if that is
longer: new reports, and the status of recent ones; the older reports that were open are
asked for again by id (``service_request_id``, :data:`BY_ID_BATCH` at a time) where the
service honours a list of ids, else one at a time (``requests/<id>.json``), at most
``recheck_per_build`` (:data:`RECHECK_PER_BUILD`) a fetch, those checked longest ago first
(when each was last checked is kept in the state), so that successive builds go round them
all; the notes say how many were checked, found closed or gone, and how many were not and
when the one checked longest ago was. Only
the reports kept (made since the first day asked, in the area) are counted as new. An
updated report replaces its earlier
version (by ``service_request_id``); a report made in those dates that the service no
longer sends (hidden or deleted) leaves the cache. An answer of reports updated since never
names a report the service removed, so where the service honours ``updated_after`` every
date since the first day is asked again when the last such walk (``walked_at`` in the state)
is ``rewalk_days`` (:data:`REWALK_DAYS`) old; until then the notes say when it was.

**Offline.** When the service cannot be reached, the build uses the cache and says, in one
line, how old it is; with no cache, one error says to export the reports as a file instead.

**Privacy.** The cache keeps only the fields a report needs (see :data:`KEPT_FIELDS`):
``requestor_name``, addresses and every other field are dropped before anything is
written, and the reporter's name, emails, phone numbers and home addresses written in the
text, the status too, are removed first (:mod:`healthy_streets.model.privacy`), as for a
file. A request whose ``service_request_id`` holds an email, a phone number or a name is
rejected (its id is shown on every map), and a date or a coordinate that holds text is kept
without any word that may be a name (:func:`~healthy_streets.model.privacy.scrub_value`),
for the reader to reject with the reason.

**The area.** GeoReport v2 cannot be asked for an area, so reports are fetched by date and
those whose coordinates lie outside the project's area (its lat/long bounds) are not kept:
they are counted outside the area, like the reports of a county-wide file read for one town.

The cache folder (``<project>/cache/open311/<host>-<hash>/`` in a project) holds
``requests.json`` (the reports kept, as GeoReport v2 JSON: a file the toolkit reads like any
other), ``elsewhere.json`` (ids of the reports outside the area, with their coordinates, and
the items rejected when fetched, with the reason) and ``state.json`` (the service's address
without a user name, password or key, when it was fetched, the latest update it holds,
what the service supports, when each old open report was last asked for by id).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import hashlib
import itertools
import json
import logging
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import geopandas as gpd
import pandas as pd
import requests
import shapely
from typing_extensions import Unpack

from healthy_streets import settings
from healthy_streets._audience import option
from healthy_streets._files import write_text_atomic
from healthy_streets._version import __version__
from healthy_streets.errors import ConfigError, InputFileError, NetworkUnavailableError
from healthy_streets.io._deadline import Deadline, DeadlineAdapter
from healthy_streets.io.overpass import can_connect
from healthy_streets.io.reports import (
    MISSING_COLUMNS,
    TIMEZONE,
    ReportOptions,
    _open311_items,
    _open311_requests,
    reports_from_open311,
)
from healthy_streets.model.account import ACCOUNT_COLUMNS, AccountBook, ImportResult, outside_note
from healthy_streets.model.layers import REPORTS, empty_layer
from healthy_streets.model.privacy import (
    is_personal_column,
    person_columns,
    plain_ids,
    remove_names,
    scrub_value,
    scrub_values,
)
from healthy_streets.model.privacy import redact_series as _redact_series
from healthy_streets.model.progress import SHOWN

__all__ = [
    "KEPT_FIELDS",
    "OPEN311_SERVER",
    "RECHECK_PER_BUILD",
    "USER_AGENT",
    "Fetch",
    "Open311Client",
    "Recheck",
    "check_settings",
    "endpoint_folder",
    "fetch_open311",
    "public_url",
    "read_open311_cache",
    "reports_from_open311_server",
]

log = logging.getLogger(__name__)

#: The ``format`` of a report :class:`~healthy_streets.pipeline.Source` that is an Open311
#: service: its ``path`` is the cache folder, its options the URL, ``jurisdiction_id`` and
#: ``since``.
OPEN311_SERVER = "open311-server"
#: Names the toolkit to the services it asks.
USER_AGENT = f"healthy-streets/{__version__} (20mph zone maps for councils; python-requests)"

# Politeness, read at each call (a test makes them short).
#: Seconds between the start of one request and the next.
MIN_INTERVAL_S = 1.0
#: Times a request is tried again after a server error or a dropped connection.
RETRIES = 4
#: The first wait before trying again, in seconds; doubled each time.
BACKOFF_S = 2.0
#: The longest ``Retry-After`` waited out, in seconds; a longer one ends the fetch.
MAX_WAIT_S = 300.0
#: The largest answer read, in bytes. A page of :data:`PAGE_SIZE` reports is a few
#: megabytes; a larger answer is not read into memory, and the fetch stops (the cache used).
MAX_ANSWER_BYTES = 64 * 1024 * 1024
#: The longest an answer may take to come whole, in seconds, from the request's start
#: (connecting, the status line and headers, the body): an answer still coming then (a
#: service sending a byte at a time, each within
#: :data:`~healthy_streets.settings.requests_timeout`) is cut, and is a timeout.
ANSWER_DEADLINE_S = 120.0
#: Reports asked for at once (``page_size`` and ``max_requests``): FixMyStreet's limit.
PAGE_SIZE = 1000
#: Pages read for one window of dates at most: a service that never sends a last page
#: (a fault) is left there, said in the notes, not read for ever.
MAX_PAGES = 500
#: The widest window of dates asked at once (GeoReport v2 allows 90 days).
WINDOW_DAYS = 90
#: Without ``updated_after``, reports made this many days back are asked again for their
#: status.
REFRESH_DAYS = 90
#: Reports made this many days back are fetched when no ``since`` is given.
DEFAULT_SINCE_DAYS = 730
#: Where the service honours ``updated_after`` (which never sends a report it removed),
#: every date since the first day is asked again when the last such walk is this many days
#: old, so that the reports the service hid or deleted leave the cache.
REWALK_DAYS = 7
#: The fewest and most days a ``rewalk_days`` may be (0: at every fetch).
REWALK_RANGE = (0, 365)
#: Asked again before the last mark, for clocks that differ and reports saved late.
_OVERLAP = dt.timedelta(hours=1)

#: The fields the cache keeps of each service request: the ones a report needs. Free text
#: among them (:data:`_TEXT_FIELDS`) has personal data removed first.
KEPT_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "group",
    "description",
    "title",
    "detail",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "agency_responsible",
    "interface_used",
    "lat",
    "long",
)
#: Every text field kept: a service may write an officer's address even into the agency's,
#: and who closed a report into its status ("Closed by Jane Doe").
_TEXT_FIELDS = (
    "title",
    "detail",
    "description",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "group",
    "agency_responsible",
    "interface_used",
)
#: Fields that should hold a date or a number: a value there that is neither is kept
#: without any word that may be a name (:func:`~healthy_streets.model.privacy.scrub_value`),
#: for the reader to reject with its reason.
_VALUE_FIELDS = ("requested_datetime", "updated_datetime", "expected_datetime", "lat", "long")
_CACHE_FILES = ("requests.json", "elsewhere.json", "state.json")


# --- the service ---------------------------------------------------------------------------


#: Query parameters never shown or recorded: their names look like a key or a password.
_SECRET_NAME = re.compile(r"key|token|secret|passw|auth|sig|session|credential", re.IGNORECASE)


def public_url(url: str) -> str:
    """``url`` as a record may show it: without a user name and password, and without any
    query parameter whose name looks like a key, token or password.

    >>> public_url("https://jo:secret@council.example/open311/v2?api_key=abc&jurisdiction_id=x")
    'https://council.example/open311/v2?jurisdiction_id=x'
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host  # an IPv6 address
    try:
        port = parts.port
    except ValueError:  # not a number: said as no port
        port = None
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _SECRET_NAME.search(name)
    ]
    netloc = host + (f":{port}" if port is not None else "")
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), ""))


@dataclass(frozen=True)
class _Endpoint:
    """A GeoReport v2 ``requests`` resource and the filters every request carries."""

    url: str
    jurisdiction_id: str | None = None
    service_code: str | None = None
    status: str | None = None
    params: tuple[tuple[str, str], ...] = ()

    @property
    def host(self) -> str:
        """The host (and port) as messages, notes and folder names show it: never a user
        name or password written into the address."""
        return urlsplit(public_url(self.url)).netloc

    def base_params(self) -> dict[str, str]:
        params = dict(self.params)
        for name in ("jurisdiction_id", "service_code", "status"):
            value = getattr(self, name)
            if value:
                params[name] = value
        return params


def _endpoint(
    url: str,
    *,
    jurisdiction_id: str | None = None,
    service_code: str | None = None,
    status: str | None = None,
    params: Mapping[str, str] | None = None,
) -> _Endpoint:
    """The ``requests.json`` (or ``.xml``) resource of ``url``, which may name the service's
    base (``https://site/open311/v2``) or the resource itself."""
    text = str(url).strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - a port that is not a number raises here
        (parts.hostname or "").encode("idna")  # a name of 300 letters is no host's
    except ValueError:  # "http://[::1": a bracket not closed, a port of letters
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.netloc
        or not text.isprintable()  # a line break would end a header line
    ):
        raise ConfigError(
            f"The Open311 address {url!r} is not a web address; give the service's "
            "requests URL, e.g. https://www.fixmystreet.com/open311/v2/requests.json."
        )
    if status not in (None, "open", "closed"):
        raise ConfigError(f"The Open311 status {status!r} should be open or closed.")
    path = parts.path.rstrip("/")
    if not path.endswith(("/requests.json", "/requests.xml")):
        path += "/requests.json"
    resource = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    asked = {**dict(parse_qsl(parts.query, keep_blank_values=True)), **(params or {})}
    extra = tuple(sorted((str(k), str(v)) for k, v in asked.items()))  # an api_key, sent
    return _Endpoint(resource, jurisdiction_id or None, service_code or None, status, extra)


def check_settings(
    url: str,
    *,
    since: dt.date | str | None = None,
    status: str | None = None,
    recheck_per_build: int | None = None,
    rewalk_days: int | None = None,
) -> None:
    """Refuse (:class:`~healthy_streets.errors.ConfigError`) an address that is not a web
    address, a ``since`` that is not a date, a ``status`` other than open or closed, a
    ``recheck_per_build`` or ``rewalk_days`` that is not a whole number in its range."""
    _endpoint(url, status=status)
    _since(since)
    _recheck_cap(recheck_per_build)
    _rewalk_days(rewalk_days)


def endpoint_folder(
    cache: str | Path,
    url: str,
    *,
    jurisdiction_id: str | None = None,
    service_code: str | None = None,
    status: str | None = None,
) -> Path:
    """The folder below ``cache`` for one service and filters: ``<host>-<hash>``.

    >>> endpoint_folder("cache/open311", "https://www.fixmystreet.com/open311/v2").parent
    PosixPath('cache/open311')
    """
    point = _endpoint(
        url, jurisdiction_id=jurisdiction_id, service_code=service_code, status=status
    )
    key = json.dumps([point.url, point.jurisdiction_id, point.service_code, point.status])
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
    host = "".join(c if c.isalnum() or c in ".-" else "-" for c in point.host)
    return Path(cache) / f"{host}-{digest}"


class _BusyError(Exception):
    """The service asks to wait longer than :data:`MAX_WAIT_S`, or keeps failing."""


class _UnreachableError(Exception):
    """The service cannot be reached (no connection, no name)."""


class _OverdueError(Exception):
    """The answer did not come whole within :data:`ANSWER_DEADLINE_S`."""


class Open311Client:
    """A polite client of one GeoReport v2 service (see the module for what polite means).

    Parameters
    ----------
    url
        The service's ``requests.json`` (or ``.xml``) address, or its base.
    jurisdiction_id, service_code, status
        Filters every request carries.
    params
        Further query parameters every request carries (a service's own filters, such as
        FixMyStreet's ``agency_responsible``).
    session
        The :class:`requests.Session` to use (default: a new one). Its adapters for
        ``http://`` and ``https://`` are replaced by ones whose connections
        :data:`ANSWER_DEADLINE_S` can cut.
    sleep, clock
        How to wait and what time it is (monotonic seconds): tests make them instant.

    Attributes
    ----------
    requests_made
        The query of each request sent, in order.
    """

    def __init__(
        self,
        url: str,
        *,
        jurisdiction_id: str | None = None,
        service_code: str | None = None,
        status: str | None = None,
        params: Mapping[str, str] | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.endpoint = _endpoint(
            url,
            jurisdiction_id=jurisdiction_id,
            service_code=service_code,
            status=status,
            params=params,
        )
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        for scheme in ("http://", "https://"):  # connections the answer's deadline can cut
            self.session.mount(scheme, DeadlineAdapter())
        self.sleep = sleep
        self.clock = clock
        self.requests_made: list[dict[str, str]] = []
        self.waits: list[float] = []
        self._last: float | None = None

    def get(self, params: Mapping[str, str], *, retry_errors: bool = True) -> list[object]:
        """One answer of the service: its service requests, as they came.

        ``retry_errors=False`` asks once for what the service may not support: a server
        error (5xx) is then an :class:`~healthy_streets.errors.InputFileError` at once, not
        tried again (a ``429`` is still waited out).

        Raises
        ------
        NetworkUnavailableError
            The service cannot be reached, or keeps failing.
        InputFileError
            The service answers with an error, or with something that is not GeoReport.
        """
        query = {**self.endpoint.base_params(), **params}
        response = self._answer(query, retry_errors=retry_errors)
        return _items_of(response, self.endpoint.url, self.endpoint)

    def get_one(self, service_request_id: str) -> list[object] | None:
        """One service request, asked for by its id (GeoReport v2's GET Service Request,
        ``requests/<id>.json``), with the same spacing, retries and waits as :meth:`get`.

        Returns
        -------
        list or None
            The service's answer (FixMyStreet's holds the report, or nothing when the
            report is hidden); None when the service says there is no such request (``404``
            or ``410``: deleted, or never made).

        Raises
        ------
        NetworkUnavailableError
            The service cannot be reached, or keeps failing.
        InputFileError
            The service answers with another error, or with something that is not GeoReport.
        """
        url = _one_url(self.endpoint.url, service_request_id)
        query = {  # the council, and the service's own parameters (a key): not the filters
            k: v for k, v in self.endpoint.base_params().items() if k not in _LIST_FILTERS
        }
        response = self._answer(query, retry_errors=True, url=url)
        if response.status_code in _ABSENT:
            return None
        return _items_of(response, url, self.endpoint)

    def _answer(
        self, query: dict[str, str], *, retry_errors: bool, url: str | None = None
    ) -> requests.Response:
        """The service's answer to ``query`` at ``url`` (default: the ``requests``
        resource); with ``url``, a ``404`` or ``410`` is an answer, not an error."""
        failures = 0  # the waits of our own choosing so far (not a Retry-After): 2, 4, 8...
        for attempt in range(RETRIES + 1):
            if self._last is not None:
                self._pause(MIN_INTERVAL_S - (self.clock() - self._last))
            self._last = self.clock()
            self.requests_made.append(dict(query))
            last = attempt == RETRIES
            try:
                response = self._fetch(url or self.endpoint.url, query)
            except (requests.ConnectionError, requests.Timeout, _OverdueError) as exc:
                timed_out = isinstance(exc, requests.Timeout | _OverdueError)
                what = "timed out" if timed_out else "no connection"
                detail = str(exc) if isinstance(exc, _OverdueError) else type(exc).__name__
                if last:
                    raise _UnreachableError(
                        f"{what} to {self.endpoint.host} after {RETRIES + 1} tries: {detail}"
                    ) from None
                why = f"{what.capitalize()} to {self.endpoint.host} ({detail})"
                self._said_wait(why, BACKOFF_S * 2**failures, attempt=attempt, asked=False)
                failures += 1
                continue
            busy = response.status_code == 429 or (response.status_code >= 500 and retry_errors)
            if busy:
                wait = _retry_after(response)
                if last or (wait is not None and wait > MAX_WAIT_S):
                    raise _BusyError(_status_text(response, wait))
                why = _why_busy(response, self.endpoint.host)
                asked = wait is not None
                if wait is None:  # a wait the service asked for does not count up the backoff
                    wait = BACKOFF_S * 2**failures
                    failures += 1
                self._said_wait(why, wait, attempt=attempt, asked=asked)
                continue
            if url is not None and response.status_code in _ABSENT:
                return response
            if response.status_code >= 400:
                raise InputFileError(
                    url or self.endpoint.url,
                    f"The Open311 service answered {_status_text(response, None)}",
                    fix=_fix_for(response.text, self.endpoint),
                )
            return response
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _fetch(self, url: str, query: dict[str, str]) -> requests.Response:
        """The answer to one request, read whole within :data:`ANSWER_DEADLINE_S` of its
        start (real time, whatever :attr:`clock` says): connecting, the status line and
        headers, and the body. The connection is cut then, even in the middle of a read
        that a byte every few seconds would keep waiting, and the answer is an
        :class:`_OverdueError`."""
        overdue = _OverdueError(f"the answer was not whole after {_seconds(ANSWER_DEADLINE_S)}")
        response: requests.Response | None = None
        with Deadline(ANSWER_DEADLINE_S) as deadline:
            try:
                response = self.session.get(
                    url, params=query, timeout=settings.requests_timeout, stream=True
                )
                self._read(response, url, deadline)
                if deadline.stop():  # cut at the end of the body: what came may be short
                    raise overdue
            except BaseException as exc:
                if response is not None:
                    response.close()
                cut = deadline.stop() and isinstance(exc, Exception)
                if cut and not isinstance(exc, InputFileError | _OverdueError):
                    raise overdue from None  # the cut connection's own error
                raise
        return response

    def _read(self, response: requests.Response, url: str, deadline: Deadline) -> None:
        """Read ``response``'s body, at most :data:`MAX_ANSWER_BYTES` of it: a larger
        answer is an :class:`~healthy_streets.errors.InputFileError`, not tried again.
        Reading stops when ``deadline`` has passed (the caller says so)."""
        limit = MAX_ANSWER_BYTES
        too_large = InputFileError(
            url,
            f"The service's answer is larger than {limit / 2**20:.3g} MB (a page of "
            f"{PAGE_SIZE} reports is a few), so it was not read",
            fix=_fix_for("", self.endpoint),
        )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise too_large
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(chunk_size=8 * 1024):
            if deadline.passed:
                return  # cut: said by the caller
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)
        response._content = b"".join(chunks)

    def _pause(self, seconds: float) -> None:
        if seconds > 0:
            self.waits.append(seconds)
            self.sleep(seconds)

    def _said_wait(self, why: str, wait: float, *, attempt: int, asked: bool) -> None:
        """Wait ``wait`` seconds before trying again, and say so first (the command line
        shows it: a wait may be minutes): ``why`` (a sentence's start: "The service at
        HOST is unavailable (HTTP 503)"), and whether the service ``asked`` for the wait
        (``Retry-After``) or it is the backoff."""
        tries = f"(try {attempt + 2} of {RETRIES + 1})"
        if asked:
            line = f"{why} and asked us to wait {_seconds(wait)}; waiting {tries}."
        else:
            line = f"{why}; trying again in {_seconds(wait)} {tries}."
        log.info("%s", line, extra=SHOWN)
        self._pause(wait)


def _why_busy(response: requests.Response, host: str) -> str:
    """Why the service did not answer, as the wait says it."""
    code = f"(HTTP {_status_text(response, None)})"
    if response.status_code == 429:
        return f"The service at {host} is busy {code}"
    if response.status_code == 503:
        return f"The service at {host} is unavailable {code}"
    return f"The service at {host} answered with an error {code}"


def _seconds(value: float) -> str:
    """A wait as said: ``4 s``, ``0.25 s``, ``2 min 30 s``."""
    if value < 1:
        return f"{value:.2g} s"
    whole = round(value)
    minutes, seconds = divmod(whole, 60)
    if not minutes:
        return f"{seconds} s"
    return f"{minutes} min" + (f" {seconds} s" if seconds else "")


#: The answers to a request for one report that say the service does not have it.
_ABSENT = (404, 410)
#: Filters of a list of reports, not sent with a request for one report.
_LIST_FILTERS = ("status", "service_code")


def _one_url(url: str, service_request_id: str) -> str:
    """The address of one service request (``.../requests/<id>.json``) beside the
    ``requests.json`` resource ``url``; the id, text from the service, is quoted whole (a
    ``/`` or ``?`` in it stays in the id)."""
    resource, _, suffix = url.rpartition(".")
    return f"{resource}/{quote(service_request_id, safe='')}.{suffix}"


def _items_of(response: requests.Response, url: str, endpoint: _Endpoint) -> list[object]:
    """The service requests of an answer; an answer that is not Open311 data is an
    :class:`~healthy_streets.errors.InputFileError` that says what to do about a service
    (not about a file)."""
    text = response.content.decode("utf-8", errors="replace")
    head = text.lstrip()[:300].lower()
    if head.startswith(("<!doctype html", "<html")):
        raise InputFileError(
            url,
            "The service answered with a web page, not Open311 data",
            fix=_fix_for(text, None),
        )
    if not text.strip():
        raise InputFileError(
            url, "The service answered with nothing", fix=_not_open311_fix(text, endpoint)
        )
    try:
        return _open311_items(url, text)
    except InputFileError as exc:  # its advice is a file's ("download it again")
        raise InputFileError(url, exc.problem, fix=_not_open311_fix(text, endpoint)) from None


def _not_open311_fix(text: str, endpoint: _Endpoint) -> str:
    """What to do about a service that answered with something that is not Open311 data."""
    if "jurisdiction_id" in text and not endpoint.jurisdiction_id:
        return _fix_for(text, endpoint)
    kind = "XML" if text.lstrip().startswith("<") else "JSON"
    return (
        f"The service answered with something that is not Open311 {kind}: check the address "
        "ends in /open311/v2/requests.json (or the service's own), or try again later; or "
        f"export the reports from the service as a file and read that instead, "
        f"{option('reports_file')}."
    )


def _fix_for(text: str, endpoint: _Endpoint | None) -> str:
    if "jurisdiction_id" in text and not (endpoint and endpoint.jurisdiction_id):
        return (
            "The service asks for a jurisdiction id: give it with "
            f"{option('jurisdiction_id', 'ID')}, e.g. the site's name, fixmystreet.com."
        )
    return (
        "Check the address ends in /open311/v2/requests.json (or the service's own), and "
        "that the service is up; or export the reports as a file and name it instead."
    )


def _retry_after(response: requests.Response) -> float | None:
    """Seconds the service asks to wait (``Retry-After``: seconds or an HTTP date)."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _status_text(response: requests.Response, wait: float | None) -> str:
    text = f"{response.status_code} {response.reason or ''}".strip()
    if wait is not None and wait > MAX_WAIT_S:
        text += f" and asks to wait {wait:.0f} seconds"
    return text


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:160]


# --- walking the dates ---------------------------------------------------------------------


def _w3c(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


#: The time zone of a service's date-times written without an offset, as the readers of
#: reports read them (:func:`healthy_streets.io.reports.parse_report_dates`).
_UK = ZoneInfo(TIMEZONE)


def _moment(value: object, *, naive: dt.tzinfo = dt.UTC) -> dt.datetime | None:
    """A W3C date-time as an aware datetime, else None. One written without an offset is
    in ``naive``: UTC for the times the toolkit writes itself (always with their offset);
    UK time for a service's (:func:`_served`)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=naive)


def _served(value: object) -> dt.datetime | None:
    """A date-time a service sent, as the readers of reports read it: with its offset
    exactly; without one, in UK time, a time in the hour that comes twice in October the
    first time round (BST) and one in the hour skipped in March an hour later (the fold
    rule of :mod:`zoneinfo`, which gives both). So a report falls in the same window
    whether the fetch or the reader places it. In UTC: datetimes of one zone compare by
    their clocks, which in the hour skipped in March is not by the moment."""
    moment = _moment(value, naive=_UK)
    return None if moment is None else moment.astimezone(dt.UTC)


def _id_of(item: object) -> str | None:
    if not isinstance(item, dict):
        return None
    value = item.get("service_request_id")
    if value is None or isinstance(value, dict | list) or not str(value).strip():
        return None
    return str(value).strip()


@dataclass
class _Walk:
    """What asking the service gave: its items, and facts worth telling."""

    items: list[object] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _Walker:
    """Asks for windows of dates until every report in them is in hand."""

    def __init__(self, client: Open311Client, state: dict[str, Any]) -> None:
        self.client = client
        self.state = state
        self.walk = _Walk()
        self.seen: set[str | None] = set()
        #: The windows of dates whose every report is in hand.
        self.covered: list[tuple[dt.datetime, dt.datetime]] = []
        #: The most reports of the dates asked one answer held: a lower bound of the
        #: service's own limit, so an answer with fewer held every report of its dates.
        self.most = 0
        #: Whether every window asked was shown complete.
        self.complete = True
        #: What asking again for the old open reports did.
        self.recheck = Recheck()
        #: The reports taken out of the cache as no longer on the service (asked for by id).
        self.removed: dict[str, dict[str, object]] = {}

    def window(self, start: dt.datetime, end: dt.datetime) -> None:
        """Every report made from ``start`` (included) to ``end`` (excluded).

        An answer may hold fewer reports than the window does, even below the page size
        asked (FixMyStreet's own limit may be lower), so an answer newest first is followed
        by the dates before its oldest report (one oldest first by the dates after its
        newest; one in no order by the two halves of its dates), until an answer holds fewer
        reports than the most the service has sent at once: then it held them all. Only the
        reports made in the dates asked count: one from other dates is the service's fault,
        kept but not taken for the answer's order or its limit. Dates whose answers cannot
        be shown complete are said in the notes (and the window is not taken as covered).
        """
        pending, complete = [(start, end)], True
        while pending:
            low, high = pending.pop()
            query = {"start_date": _w3c(low), "end_date": _w3c(high)}
            items, how = self.pages(query)
            inside = _made_between(items, low, high)
            new = [i for i, _ in inside if _id_of(i) not in self.seen]
            self.seen |= {_id_of(i) for i in items}
            self.walk.items += items
            if how == "complete":
                continue
            size = len({_id_of(i) for i, _ in inside})
            self.most = max(self.most, size)
            if how == "short" and size < max(self.most, 2):
                continue  # fewer than the service sends at once: every report of these dates
            narrower = _narrower(low, high, [m for _, m in inside]) if new else None
            if narrower is None:
                complete = False
                self.walk.notes.append(
                    f"The service sent {size} reports made between {_w3c(low)} and "
                    f"{_w3c(high)} and no more{'' if new else ' when asked again'}; it may "
                    "hold more that it does not send, so some of them may be missing."
                )
                continue
            pending += narrower
        if complete:
            self.covered.append((start, end))
        else:
            self.complete = False

    def pages(self, query: dict[str, str]) -> tuple[list[object], str]:
        """The answer to ``query``, page after page where the service pages, and how it
        ended: ``complete`` (an empty page, or one shorter than the first, from a service
        that pages; a service not yet known to page is asked for page 2 once, and one known
        to page that answers page 2 with page 1 again is known not to any more), ``full``
        (as many as asked, from a service that does not page; or pages that overlapped, as
        when the service changed its page size while they were read) or ``short`` (fewer
        than asked: all, unless the service has a lower limit of its own)."""
        size = {"page_size": str(PAGE_SIZE), "max_requests": str(PAGE_SIZE)}
        items = self.client.get({**query, **size})
        paging = self.state.get("paging")
        if not items:
            return items, "complete" if paging is True else "short"
        if paging is False:
            return items, "full" if len(items) >= PAGE_SIZE else "short"
        # a service that pages may send fewer than asked (a limit of its own): the next
        # page says whether there are more; it also says whether the service pages (the
        # same answer again: no; other reports, or none: yes), remembered in the state and
        # learnt again whenever page 2 is asked for (a service that paged once may stop)
        seen = {_id_of(i) for i in items}
        first, page = len(items), 2
        while True:
            more = self.client.get({**query, **size, "page": str(page)})
            new = [i for i in more if _id_of(i) not in seen]
            if more and not new and page == 2:  # the same answer again: it does not page
                self.state["paging"] = False
                return items, "full" if len(items) >= PAGE_SIZE else "short"
            self.state["paging"] = True
            items += new
            seen |= {_id_of(i) for i in new}
            if len(new) < len(more):  # the pages overlap: walk the dates instead
                return items, "full"
            if len(more) < first:
                return items, "complete"
            if page >= MAX_PAGES:
                self.walk.notes.append(
                    f"The service sent {page} full pages for the reports made between "
                    f"{query.get('start_date', '?')} and {query.get('end_date', '?')} and "
                    "never a last one; reading stopped there, so some reports may be missing."
                )
                return items, "complete"
            page += 1


def _made_between(
    items: Iterable[object], low: dt.datetime, high: dt.datetime
) -> list[tuple[object, dt.datetime]]:
    """The reports made from ``low`` to ``high`` (excluded), each with when it was made, in
    the order the service sent them (items with no id or no readable date left out)."""
    out: list[tuple[object, dt.datetime]] = []
    for item in items:
        if not isinstance(item, dict) or _id_of(item) is None:
            continue
        made = _served(item.get("requested_datetime"))
        if made is not None and low <= made < high:
            out.append((item, made))
    return out


def _narrower(
    low: dt.datetime, high: dt.datetime, moments: list[dt.datetime]
) -> list[tuple[dt.datetime, dt.datetime]] | None:
    """The dates still to ask after an answer that may have been cut at the service's limit
    (``moments``: when its reports of these dates were made, in the order sent), or None
    when they cannot be made narrower."""
    if not moments:
        return None
    oldest, newest = min(moments), max(moments)
    before = oldest + dt.timedelta(seconds=1)
    if low < oldest and before < high and _in_order(moments, -1):
        return [(low, before)]  # FixMyStreet's way: the dates before these
    if low < newest < high and _in_order(moments, 1):
        # oldest first: the dates after these; and, unless the answer began at the first
        # moment asked, the dates before them, as a service may cut its newest reports
        # first and send them oldest first (FixMyStreet's order is newest first, and its
        # cut too)
        return [(newest, high)] + ([(low, min(before, high))] if low < oldest else [])
    if high - low > dt.timedelta(seconds=2):
        middle = low + (high - low) / 2
        return [(low, middle), (middle, high)]
    return None


def _in_order(moments: list[dt.datetime], direction: int) -> bool:
    """Whether the service sent its answer oldest first (``direction`` 1) or newest first
    (-1)."""
    pairs = itertools.pairwise(moments)
    return len(moments) > 1 and all((b - a) * direction >= dt.timedelta(0) for a, b in pairs)


def _windows(start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    out = []
    step = dt.timedelta(days=WINDOW_DAYS)
    while start < end:
        out.append((start, min(start + step, end)))
        start += step
    return out


# --- the cache -----------------------------------------------------------------------------


@dataclass
class _Cache:
    """A service's cache: the reports kept, those elsewhere, and the state."""

    folder: Path
    records: dict[str, dict[str, object]] = field(default_factory=dict)
    outside: dict[str, list[float]] = field(default_factory=dict)
    rejected: dict[str, dict[str, str]] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> _Cache:
        cache = cls(folder)
        if not all((folder / name).is_file() for name in _CACHE_FILES):
            return cache
        try:
            records = json.loads((folder / "requests.json").read_text(encoding="utf-8"))
            elsewhere = json.loads((folder / "elsewhere.json").read_text(encoding="utf-8"))
            state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
            cache.records = {str(r["service_request_id"]): r for r in records}
            cache.outside = {str(k): list(v) for k, v in elsewhere["outside"].items()}
            cache.rejected = {str(k): dict(v) for k, v in elsewhere["rejected"].items()}
            cache.state = dict(state)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("The Open311 cache in %s cannot be read (%s); fetching again", folder, exc)
            return cls(folder)
        return cache

    @property
    def fetched_at(self) -> dt.datetime | None:
        return _moment(self.state.get("fetched_at"))

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        records = sorted(self.records.values(), key=lambda r: _sort_key(r["service_request_id"]))
        write_text_atomic(self.folder / "requests.json", _json(records))
        elsewhere = {"outside": self.outside, "rejected": self.rejected}
        write_text_atomic(self.folder / "elsewhere.json", _json(elsewhere))
        write_text_atomic(self.folder / "state.json", _json(self.state))  # last: the mark


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def _sort_key(value: object) -> tuple[int, str]:
    text = str(value)
    return (0, f"{int(text):020d}") if text.isdigit() else (1, text)


def _clean(
    items: list[object], *, where: str
) -> tuple[list[dict[str, object]], dict[str, dict[str, str]]]:
    """The items as the cache keeps them (see :data:`KEPT_FIELDS`), and those rejected
    (keyed by their id, else by their content), each with the reason.

    Every field kept is scrubbed, each a column at a time: the text fields of personal
    data and of the names the request's person fields hold, the dates and coordinates of
    any word that may be a name (:data:`_VALUE_FIELDS`); a request whose id holds personal
    data is rejected."""
    good: list[dict[str, object]] = []
    rejected: dict[str, dict[str, str]] = {}
    dicts = [i for i in items if isinstance(i, dict)]
    frame = pd.DataFrame.from_records(dicts) if dicts else pd.DataFrame()
    people = person_columns(frame)
    flat = {  # flattened first (an agency's recipients), so that the text is scrubbed
        name: frame[name].map(functools.partial(_scalar, name))
        for name in KEPT_FIELDS
        if name in frame and not is_personal_column(name)
    }
    cleaned = {
        name: (
            remove_names(_scrubbed(values, _redact_series), people)
            if name in _TEXT_FIELDS
            else _scrubbed(values, scrub_values)
            if name in _VALUE_FIELDS
            else values
        ).tolist()
        for name, values in flat.items()
    }
    ids = pd.Series([_id_of(item) for item in dicts], dtype="object")
    personal = _personal_ids(ids, people).tolist()
    position = 0
    for item in items:
        if not isinstance(item, dict):
            key = "item-" + hashlib.sha256(repr(item).encode()).hexdigest()[:12]
            rejected[key] = _rejection(
                key, "", item, f"Not a service request (a {type(item).__name__}, {where})."
            )
            continue
        row = position
        position += 1
        rid = ids[row]
        if rid is None:
            key = (
                "item-"
                + hashlib.sha256(repr(sorted(item.items(), key=str)).encode()).hexdigest()[:12]
            )
            value = item.get("service_request_id", "")
            rejected[key] = _rejection(
                key,
                "service_request_id",
                value,
                f"The service request has no service_request_id ({where}), so its updates "
                "could not be told from it.",
            )
            continue
        if personal[row]:
            key = "item-" + hashlib.sha256(rid.encode()).hexdigest()[:12]  # the same each time
            rejected[key] = _rejection(
                key,
                "service_request_id",
                rid,
                f"The service_request_id holds personal data (an email, a phone number or a "
                f"name) ({where}), so the request is left out: an id is shown on every map "
                "and table. The service should give its requests ids of their own.",
            )
            continue
        record = {
            name: _scalar(name, cleaned[name][row])
            for name in KEPT_FIELDS
            if name in cleaned and name in item
        }
        record["service_request_id"] = rid
        good.append(record)
    return good, rejected


def _personal_ids(ids: pd.Series, people: pd.DataFrame) -> pd.Series:
    """Which ids hold an email, a phone number, a name after a cue, or the name of a person
    their request names (``people``: the requests' person fields, in the same order)."""
    given = ids.dropna().astype("str")
    given = given[~plain_ids(given)]
    held = given != _redact_series(given).astype("str")
    if len(people.columns):
        named = remove_names(given, people.set_axis(ids.index).loc[given.index])
        held |= given != named.astype("str")
    return held.reindex(ids.index, fill_value=False).astype("bool")


def _scrubbed(values: pd.Series, scrub: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``values`` with their texts ``scrub``-bed (other values, numbers, as they were)."""
    text = values.where(values.map(lambda v: isinstance(v, str)), None)
    return scrub(text).where(text.notna(), values).astype("object")


def _scalar(name: str, value: object) -> object:
    if name == "agency_responsible" and isinstance(value, dict):
        value = value.get("recipient", "")
    if isinstance(value, list):
        return "; ".join(str(v) for v in value if not isinstance(v, dict | list))
    if isinstance(value, dict):
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _rejection(key: str, name: str, value: object, reason: str) -> dict[str, str]:
    """A rejected item's account: its value (an id, or an item that is no service request)
    without personal data or any word that may be a name (it has no cue before it)."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)[:1000]
    return {"row": key, "field": name, "value": scrub_value(text)[:200], "reason": reason}


# --- the area ------------------------------------------------------------------------------


def _bounds(area: shapely.Geometry | None, working_crs: str) -> list[float] | None:
    """The area's bounds in longitude/latitude, a little wider (about 100 m)."""
    if area is None:
        return None
    west, south, east, north = gpd.GeoSeries([area], crs=working_crs).to_crs(4326).total_bounds
    margin = 0.001
    return [
        float(west) - margin,
        float(south) - margin,
        float(east) + margin,
        float(north) + margin,
    ]


def _inside(bounds: list[float] | None, record: Mapping[str, object]) -> bool | None:
    """Whether the record's coordinates lie in ``bounds`` (``None``: they cannot be read or
    are no place, and the reader says so)."""
    if bounds is None:
        return True
    try:
        lat, lon = float(record["lat"]), float(record["long"])  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (abs(lat) <= 90 and abs(lon) <= 180) or lat == lon == 0:
        return None  # no place on Earth, or a blank sent as zeros: the reader rejects it
    west, south, east, north = bounds
    return bool(west <= lon <= east and south <= lat <= north)


def _covers(outer: list[float] | None, inner: list[float] | None) -> bool:
    if outer is None:
        return True
    if inner is None:
        return False
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and outer[2] >= inner[2]
        and outer[3] >= inner[3]
    )


# --- fetching ------------------------------------------------------------------------------


@dataclass
class Fetch:
    """What one fetch did.

    Attributes
    ----------
    folder
        The cache folder.
    online
        Whether the service answered (else the cache was used as it was).
    requests
        Requests sent.
    new, updated
        Reports not in the cache before, and reports whose newer version replaced the one
        cached. Only reports the reader keeps count: a request it rejects (a date or a
        place that cannot be read) is neither; one rejected before and read now is new.
    gone
        Reports cached before that the service no longer has (hidden, or deleted): asked
        again for the dates they were made, or by id, it answered without them. A request
        that the reader rejected is never counted gone.
    recheck
        What asking again for the old open reports by id did (how many were asked, found
        closed, not asked this time, and when the one checked longest ago was last checked).
    notes
        What to tell the user (one line each).
    """

    folder: Path
    online: bool
    requests: int = 0
    new: int = 0
    updated: int = 0
    gone: int = 0
    recheck: Recheck = field(default_factory=lambda: Recheck())
    notes: list[str] = field(default_factory=list)


def fetch_open311(
    url: str,
    *,
    cache_folder: str | Path,
    since: dt.date | str | None = None,
    jurisdiction_id: str | None = None,
    service_code: str | None = None,
    status: str | None = None,
    params: Mapping[str, str] | None = None,
    area: shapely.Geometry | None = None,
    working_crs: str | None = None,
    client: Open311Client | None = None,
    recheck_per_build: int | None = None,
    rewalk_days: int | None = None,
) -> Fetch:
    """Bring the cache of an Open311 service up to date: the whole period the first time,
    then only what changed (see the module).

    Parameters
    ----------
    url
        The service's ``requests.json`` address (or its base, ``.../open311/v2``).
    cache_folder
        This service's cache folder (:func:`endpoint_folder` names one).
    since
        The first day of reports to fetch (default: :data:`DEFAULT_SINCE_DAYS` ago).
    jurisdiction_id, service_code, status, params
        Filters every request carries (see :class:`Open311Client`).
    area
        The project's area in ``working_crs``: reports outside its bounds are not kept.
    client
        The client to ask with (default: a new :class:`Open311Client`).
    recheck_per_build
        Where the service cannot be asked for a list of ids (FixMyStreet), the most old
        open reports asked for again one at a time (default :data:`RECHECK_PER_BUILD`; 0:
        none), those checked longest ago first, so that successive builds go round them.
    rewalk_days
        Where the service honours ``updated_after``: ask again for every date since
        ``since`` when the last such walk is this many days old (default
        :data:`REWALK_DAYS`; 0: at this fetch), so that the reports the service removed
        leave the cache (an answer of reports updated since never names them).

    Raises
    ------
    NetworkUnavailableError
        The service cannot be reached (or keeps failing) and nothing is cached.
    InputFileError
        The service answers with something that is not Open311 data (an error, a web page,
        JSON cut short) and nothing is cached; with a cache, the cache is used and a note
        says why.
    """
    folder = Path(cache_folder)
    client = client or Open311Client(
        url,
        jurisdiction_id=jurisdiction_id,
        service_code=service_code,
        status=status,
        params=params,
    )
    start = _since(since)
    cap = _recheck_cap(recheck_per_build)
    rewalk = _rewalk_days(rewalk_days)
    bounds = _bounds(area, working_crs or settings.working_crs)
    cache = _Cache.load(folder)
    host = client.endpoint.host
    # the address as the state keeps it: without a user name, a password or a key
    endpoint = public_url(client.endpoint.url)
    asked = (endpoint, client.endpoint.jurisdiction_id)
    cached = (public_url(str(cache.state.get("endpoint", ""))), cache.state.get("jurisdiction_id"))
    if cache.state and cached != asked:
        cache = _Cache(folder)  # another service's, or another council's: start again
    sent = len(client.requests_made)
    proxied = bool(requests.utils.get_environ_proxies(client.endpoint.url))
    if not proxied and not can_connect(client.endpoint.url):  # behind a proxy: ask through it
        return _offline(cache, host, f"cannot connect to {host}")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    state = dict(cache.state)
    walker = _Walker(client, state)
    try:
        plan = _ask(
            walker, cache, state, start=start, bounds=bounds, now=now, cap=cap, rewalk=rewalk
        )
    except (_UnreachableError, _BusyError) as exc:
        return _offline(cache, host, str(exc))
    except InputFileError as exc:  # a maintenance page, an answer cut short
        if cache.fetched_at is None:
            raise
        return _offline(cache, host, exc.problem.rstrip("."), reached=True)
    fetch = Fetch(folder, online=True, requests=len(client.requests_made) - sent)
    fetch.recheck = walker.recheck
    fetch.notes.append(plan)
    _merge(
        cache,
        walker.walk.items,
        bounds=bounds,
        start=start,
        fetch=fetch,
        host=host,
        covered=walker.covered,
        removed=walker.removed,
    )
    fetch.notes += walker.walk.notes
    state.update(
        endpoint=endpoint,
        jurisdiction_id=client.endpoint.jurisdiction_id,
        since=start.astimezone(ZoneInfo(TIMEZONE)).date().isoformat(),
        bounds=bounds,
        fetched_at=_w3c(now),
        mark=_w3c(_mark(cache, now)),
        toolkit_version=__version__,
    )
    cache.state = state
    cache.save()
    return fetch


def _recheck_cap(value: object) -> int:
    """The most old open reports asked for again one by one in a fetch (``None``: the
    default, :data:`RECHECK_PER_BUILD`)."""
    what = "The number of old open reports to check again in a build"
    return _whole_number(
        value,
        RECHECK_PER_BUILD,
        RECHECK_RANGE,
        what=what,
        low="none",
        example="recheck_per_build = 50",
    )


def _rewalk_days(value: object) -> int:
    """Days between walks of every date where the service honours ``updated_after``
    (``None``: the default, :data:`REWALK_DAYS`)."""
    what = "The days between walks of every date"
    return _whole_number(
        value, REWALK_DAYS, REWALK_RANGE, what=what, low="at every fetch", example="rewalk_days = 7"
    )


def _whole_number(
    value: object, default: int, span: tuple[int, int], *, what: str, low: str, example: str
) -> int:
    """``value``, a whole number in ``span`` (``None``: ``default``), else one error saying
    ``what`` it is, what its lowest means and an ``example``."""
    if value is None:
        return default
    least, most = span
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
        raise ConfigError(
            f"{what}, {value!r}, should be a whole number from {least} ({low}) to {most}, "
            f"e.g. {example}."
        )
    return value


def _since(since: dt.date | str | None) -> dt.datetime:
    """The first moment of the day ``since`` in the council's time, in UTC (a report made at
    00:30 in British Summer Time is made on that day, though at 23:30 the day before in
    UTC)."""
    if since is None:
        day = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=DEFAULT_SINCE_DAYS)
    elif isinstance(since, dt.datetime):
        day = since.date()
    elif isinstance(since, dt.date):
        day = since
    else:
        try:
            day = dt.date.fromisoformat(str(since).strip())
        except ValueError:
            raise ConfigError(
                f"The date {since!r} to fetch reports since is not a date; write it "
                "YYYY-MM-DD, e.g. 2024-04-01."
            ) from None
    return dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(TIMEZONE)).astimezone(dt.UTC)


def _ask(
    walker: _Walker,
    cache: _Cache,
    state: dict[str, Any],
    *,
    start: dt.datetime,
    bounds: list[float] | None,
    now: dt.datetime,
    cap: int,
    rewalk: int = REWALK_DAYS,
) -> str:
    """Ask the service for what the cache lacks; say what was asked."""
    fetched, mark = cache.fetched_at, _moment(state.get("mark"))
    try:
        cached_since: dt.datetime | None = _since(state["since"])
    except (KeyError, ConfigError):
        cached_since = None
    whole = fetched is None or mark is None or cached_since is None
    if not whole and not _covers(state.get("bounds"), bounds):
        whole = True
        walker.walk.notes.append("The project's area reaches beyond what was fetched before.")
    if whole:
        cache.records, cache.outside, cache.rejected = {}, {}, {}
        _walk_all(walker, state, start=start, now=now)
        day = f"{start.astimezone(ZoneInfo(TIMEZONE)):%d %b %Y}"
        if walker.complete:
            return f"Fetched every report made since {day}."
        return f"Fetched the reports made since {day}, but some may be missing (see below)."
    assert fetched is not None and mark is not None and cached_since is not None
    if start < cached_since:  # an earlier start: the months before, and the changes
        for low, high in _windows(start, cached_since):
            walker.window(low, high)
    threshold = mark - _OVERLAP
    if _asks_updated_after(state, now):
        items, how = walker.pages({"updated_after": _w3c(threshold)})
        walker.walk.items += items  # current versions, whatever the service did with the ask
        dated = [m for i in items if isinstance(i, dict) and (m := _updated(i)) is not None]
        older = sum(m < threshold for m in dated)
        # a few reports updated before then are the service's slips (a report saved again
        # with its old time), not a sign that it ignores the ask
        honoured = older * STRAYS_PER < len(dated) if older else True
        if honoured and how != "full":
            if items:
                state["updated_after"] = True
                state.pop("updated_after_tried", None)
            if older:
                _decided(
                    walker,
                    f"{older} of the {len(dated)} reports the service sent as updated since "
                    f"{threshold:%d %b %Y %H:%M} UTC {'were' if older != 1 else 'was'} "
                    "updated before then: taken as slips of the service (kept as sent), which "
                    "is still asked only for the reports updated since the last fetch.",
                )
            said = f"Asked for the reports updated since {threshold:%d %b %Y %H:%M} UTC"
            return said + _rewalk(walker, state, start=start, now=now, days=rewalk)
        if not honoured:
            again = now + dt.timedelta(days=UPDATED_AFTER_RETRY_DAYS)
            state["updated_after"] = False
            state["updated_after_tried"] = _w3c(now)
            _decided(
                walker,
                f"{older} of the {len(dated)} reports the service sent as updated since "
                f"{threshold:%d %b %Y %H:%M} UTC {'were' if older != 1 else 'was'} updated "
                "before then: the service seems not to honour updated_after, so it is asked "
                f"for the reports made in the last {REFRESH_DAYS} days (or since the last "
                f"fetch) instead; updated_after is tried again from {again:%d %b %Y} (every "
                f"{UPDATED_AFTER_RETRY_DAYS} days).",
            )
    end = now + dt.timedelta(minutes=1)  # a report made as the fetch starts is asked for too
    refresh = max(start, min(fetched - _OVERLAP, end - dt.timedelta(days=REFRESH_DAYS)))
    for low, high in _windows(refresh, end):
        walker.window(low, high)
    said = (
        f"Asked for the reports made since {refresh:%d %b %Y} (the service cannot be asked "
        f"for reports updated since the last fetch{_tried(state)})"
    )
    return f"{said}; {_recheck(walker, cache, state, before=refresh, now=now, cap=cap)}"


#: Days after which a service found not to honour ``updated_after`` is asked with it again
#: (it may have been a few reports saved again with their old times, or a new version of
#: the service).
UPDATED_AFTER_RETRY_DAYS = 30
#: An answer to ``updated_after`` with fewer than one report in this many updated before
#: the time asked is taken as honouring it (those few are the service's slips).
STRAYS_PER = 10


def _asks_updated_after(state: Mapping[str, Any], now: dt.datetime) -> bool:
    """Whether to ask for the reports updated since the last fetch: unless the service was
    found not to honour it less than :data:`UPDATED_AFTER_RETRY_DAYS` ago."""
    if state.get("updated_after") is not False:
        return True
    tried = _moment(state.get("updated_after_tried"))
    return tried is None or now - tried >= dt.timedelta(days=UPDATED_AFTER_RETRY_DAYS)


def _tried(state: Mapping[str, Any]) -> str:
    """When ``updated_after`` was last tried and found not honoured, and when it is tried
    again: the end of a parenthesis ("" when not known)."""
    tried = _moment(state.get("updated_after_tried"))
    if state.get("updated_after") is not False or tried is None:
        return ""
    again = tried + dt.timedelta(days=UPDATED_AFTER_RETRY_DAYS)
    return f": found so on {tried:%d %b %Y}, and tried again from {again:%d %b %Y}"


def _updated(item: Mapping[str, object]) -> dt.datetime | None:
    return _served(item.get("updated_datetime"))


def _decided(walker: _Walker, line: str) -> None:
    """Say what the fetch decided, in its notes and the log."""
    log.info("%s", line)
    walker.walk.notes.append(line)


def _walk_all(
    walker: _Walker, state: dict[str, Any], *, start: dt.datetime, now: dt.datetime
) -> None:
    """Ask for every date from ``start``, and remember when (dates whose answers cannot be
    shown complete are said in the notes, and not asked again at every fetch for that)."""
    for low, high in _windows(start, now + dt.timedelta(minutes=1)):
        walker.window(low, high)
    state["walked_at"] = _w3c(now)


def _rewalk(
    walker: _Walker, state: dict[str, Any], *, start: dt.datetime, now: dt.datetime, days: int
) -> str:
    """Where the service honours ``updated_after``: walk every date again when the last
    walk is ``days`` old (or its time is not known), so that the reports the service
    removed leave the cache; else say when it was. The end of a sentence."""
    walked = _moment(state.get("walked_at"))
    if walked is not None and now - walked < dt.timedelta(days=days):
        return (
            f"; reports the service removed are noticed at a walk of every date, every {days} "
            f"day{'s' if days != 1 else ''}: the last was {_age(now - walked)} ago, on "
            f"{walked:%d %b %Y}."
        )
    _walk_all(walker, state, start=start, now=now)
    day = f"{start.astimezone(ZoneInfo(TIMEZONE)):%d %b %Y}"
    last = f"the last was {_age(now - walked)} ago" if walked else "none was recorded"
    return (
        f", and every report made since {day}, to notice those the service removed "
        f"({last}; every {days} day{'s' if days != 1 else ''})."
    )


#: Reports asked for by id in one request (``service_request_id``, a comma-delimited list).
BY_ID_BATCH = 50
#: Old open reports asked for again one at a time (``requests/<id>.json``) in one fetch at
#: most, where the service cannot be asked for a list of ids: those checked longest ago
#: first, so that successive builds go round them all.
RECHECK_PER_BUILD = 20
#: The fewest and most reports a ``recheck_per_build`` may ask for (a thousand, a request a
#: second, is a quarter of an hour).
RECHECK_RANGE = (0, 1000)


@dataclass
class Recheck:
    """What asking again for the old open reports did, one by one.

    Attributes
    ----------
    due
        The cached reports made before the dates asked again that were open.
    asked
        Of those, the reports asked for again in this fetch (a list, or one by one).
    closed
        Of those, the reports found closed.
    gone
        The ids of the reports the service no longer has (``404``, or an empty answer);
        not those the reader rejected (a date or a place that cannot be read).
    unchecked
        The reports due that were not asked for again in this fetch.
    never
        Of those, the reports never asked for again since they were first fetched.
    oldest_check
        The earliest last check of the reports not asked for again (None: none was ever
        checked again, or every report due was asked).
    """

    due: int = 0
    asked: int = 0
    closed: int = 0
    gone: list[str] = field(default_factory=list)
    unchecked: int = 0
    never: int = 0
    oldest_check: dt.datetime | None = None


def _recheck(
    walker: _Walker,
    cache: _Cache,
    state: dict[str, Any],
    *,
    before: dt.datetime,
    now: dt.datetime,
    cap: int,
) -> str:
    """Ask again, by id, for the cached reports made before ``before`` that were not closed
    (their closing is in no window of dates asked), :data:`BY_ID_BATCH` at a time where the
    service takes a list of ids, else one at a time, at most ``cap`` of them, those checked
    longest ago first (:func:`_recheck_one_by_one`); say what was done.

    GeoReport v2's GET Service Requests takes ``service_request_id`` as a comma-delimited
    list that "overrides all other arguments". FixMyStreet does not split the list: its
    ``get_requests`` (``perllib/FixMyStreet/App/Controller/Open311.pm``) turns the parameter
    into ``id = <value>``, one report, so a list is an error there (and ``requests/<id>.json``
    answers one report a request). A service is taken to honour the list when its answer
    holds only reports asked for; an error, an empty answer, or other reports mean it does
    not, and that is remembered in the state (``by_id``) so it is not asked again.
    """
    ids = sorted(
        (rid for rid, r in cache.records.items() if _open_before(r, before)), key=_sort_key
    )
    days = max(0, round((now - before) / dt.timedelta(days=1)))  # a minute short: 90 days
    due = set(ids)
    checked: dict[str, str] = {
        str(k): str(v) for k, v in (state.get("checked") or {}).items() if k in due
    }
    state["checked"] = checked  # only the reports still due
    walker.recheck = Recheck(due=len(ids))
    if not ids:
        return f"no report made more than {days} days ago was open when last fetched."
    asked = 0
    if state.get("by_id") is not False:
        for at in range(0, len(ids), BY_ID_BATCH):
            batch = ids[at : at + BY_ID_BATCH]
            query = {"service_request_id": ",".join(batch)}
            try:
                items = walker.client.get(query, retry_errors=False)
            except InputFileError:
                items = None
            sent = {_id_of(i) for i in items or [] if isinstance(i, dict)}
            if not items or not sent <= set(batch):
                if items is None or sent:  # an error, or other reports: not honoured
                    state["by_id"] = False
                break
            walker.walk.items += items
            walker.recheck.closed += _closings(cache, items)
            asked += len(batch)
            checked.update(dict.fromkeys(batch, _w3c(now)))
            if len(batch) > 1:
                state["by_id"] = True
    walker.recheck.asked = asked
    if asked == len(ids):
        return (
            f"the {asked} report{'s' if asked != 1 else ''} made before then that were "
            "open were asked for again by id."
        )
    return _recheck_one_by_one(walker, cache, state, ids[asked:], days=days, now=now, cap=cap)


def _recheck_one_by_one(
    walker: _Walker,
    cache: _Cache,
    state: dict[str, Any],
    ids: list[str],
    *,
    days: int,
    now: dt.datetime,
    cap: int,
) -> str:
    """Ask for at most ``cap`` of ``ids`` one at a time (GeoReport v2's GET Service Request,
    ``requests/<id>.json``), those never checked again first, then those checked longest
    ago, each one's check remembered in the state (``checked``: id -> when), so that
    successive builds go round them all. A report the service says it does not have (a
    ``404``, or an empty answer: hidden or deleted) leaves the cache, and is said; a service
    that has never answered an id and answers none of more than :data:`GONE_AT_ONCE` is
    taken not to answer ``requests/<id>.json`` (``one_by_id`` in the state), and none leaves.
    """
    checked: dict[str, str] = state["checked"]
    order = sorted(ids, key=lambda rid: (checked.get(rid, ""), _sort_key(rid)))
    chosen = order[:cap] if state.get("one_by_id") is not False else []
    found: list[object] = []
    gone: list[str] = []
    stopped = ""
    for rid in chosen:
        try:
            items = walker.client.get_one(rid)
        except (InputFileError, _UnreachableError, _BusyError) as exc:
            stopped = f" Asking one by one stopped at report {rid!r}: {_first_line(exc)}."
            break
        mine = [i for i in items or [] if _id_of(i) == rid]
        if items and not mine:  # other reports: the service does not answer by id
            state["one_by_id"] = False
            stopped = (
                f" The service answered report {rid!r} with other reports, so reports "
                "are not asked for one by one there any more."
            )
            break
        if mine:
            found += mine
            state["one_by_id"] = True
        else:
            gone.append(rid)
    if gone and not found and len(gone) > GONE_AT_ONCE and state.get("one_by_id") is not True:
        state["one_by_id"] = False
        stopped += (
            f" The service had none of the {len(gone)} reports asked for one by one, so it "
            "seems not to answer requests/<id>.json: they are kept, and not asked for again."
        )
        gone = []
    done = {str(_id_of(i)) for i in found} | set(gone)
    checked.update(dict.fromkeys(sorted(done - set(gone)), _w3c(now)))
    columns = _columns(cache.records.values())
    for rid in gone:
        walker.removed[rid] = cache.records.pop(rid)
        checked.pop(rid, None)
    walker.walk.items += found
    report = walker.recheck
    report.asked += len(done)
    report.closed += _closings(cache, found)
    shown = _kept([walker.removed[rid] for rid in gone], columns)  # not one rejected when read
    report.gone = [rid for rid in gone if rid in shown]
    left = [rid for rid in ids if rid not in done]
    report.unchecked = len(left)
    report.never = sum(rid not in checked for rid in left)
    times = [t for rid in left if (t := _moment(checked.get(rid))) is not None]
    report.oldest_check = min(times) if times else None
    return _recheck_said(report, days=days, cap=cap) + stopped


def _closings(cache: _Cache, items: Iterable[object]) -> int:
    """How many of ``items`` are closed whose cached version was not."""
    count = 0
    for item in items:
        old = cache.records.get(_id_of(item) or "")
        if old is not None and isinstance(item, dict):
            now_closed = str(item.get("status") or "").strip().lower() == "closed"
            count += now_closed and str(old.get("status") or "").strip().lower() != "closed"
    return count


def _recheck_said(report: Recheck, *, days: int, cap: int) -> str:
    """What asking again one by one did, in one sentence (and one on what is left)."""
    s = "s" if report.due != 1 else ""
    said = (
        f"of the {report.due} open report{s} made more than {days} days ago, "
        f"{report.asked} {'were' if report.asked != 1 else 'was'} asked for again one by one "
        f"(at most {cap} a build: the service cannot be asked for a list of ids), "
        f"{report.closed} found closed since"
    )
    if report.gone:
        said += f", {len(report.gone)} no longer on the service (hidden or deleted)"
    if not report.unchecked:
        return said + "."
    said += (
        f"; {report.unchecked} {'were' if report.unchecked != 1 else 'was'} not checked this "
        "time, so a closing of "
        f"{'one of them' if report.unchecked != 1 else 'it'} since is not known yet"
    )
    return said + f" ({_last_checked(report)})."


def _last_checked(report: Recheck) -> str:
    never = f"{report.never} never checked again since first fetched" if report.never else ""
    if report.oldest_check is None:
        return never
    oldest = f"the one checked longest ago was last checked on {report.oldest_check:%d %b %Y}"
    return f"{never}; {oldest}" if never else oldest


def _open_before(record: Mapping[str, object], before: dt.datetime) -> bool:
    made = _served(record.get("requested_datetime"))
    status = str(record.get("status") or "").strip().lower()
    return made is not None and made < before and status != "closed"


def _merge(
    cache: _Cache,
    items: list[object],
    *,
    bounds: list[float] | None,
    start: dt.datetime,
    fetch: Fetch,
    host: str,
    covered: Iterable[tuple[dt.datetime, dt.datetime]] = (),
    removed: Mapping[str, Mapping[str, object]] | None = None,
) -> None:
    """Put the answers into the cache: an updated report replaces its earlier version, and
    one made in a window of dates ``covered`` that the service did not send is no longer
    kept (the service hid or deleted it); ``removed``: the reports already taken out of the
    cache (asked for by id, and no longer on the service).

    Only reports are counted: a request the reader rejects (a date or a place that cannot
    be read) is neither new, nor updated, nor gone (:func:`_kept`)."""
    records, rejected = _clean(items, where=f"from {host}")
    gone = {
        **(removed or {}),
        **_forget_gone(cache, {_id_of(i) for i in items}, _spans(covered), fetch),
    }
    for key, entry in rejected.items():
        cache.rejected[key] = entry
    counted: set[str] = set()
    added: set[str] = set()
    before: dict[str, Mapping[str, object]] = {}  # the earlier version of each changed
    for record in records:
        rid = str(record["service_request_id"])
        made = _served(record.get("requested_datetime"))
        if made is not None and made < start:
            continue  # before the first day asked for: not kept, so not counted
        old = cache.records.get(rid)
        if old is not None and _older(record, old):
            continue  # the same report, asked twice: keep the newer version
        cache.rejected.pop(rid, None)
        inside = _inside(bounds, record) is not False
        if rid not in counted and old is None and rid not in cache.outside and inside:
            added.add(rid)
        elif rid not in counted and old is not None and old != record:
            before[rid] = old
        counted.add(rid)
        if not inside:
            cache.records.pop(rid, None)
            cache.outside[rid] = [float(record["long"]), float(record["lat"])]  # type: ignore[arg-type]
        else:
            cache.outside.pop(rid, None)
            cache.records[rid] = record
    for rid, record in list(cache.records.items()):
        made = _served(record.get("requested_datetime"))
        if made is not None and made < start:  # a later start than before: drop the earlier
            del cache.records[rid]
    if bounds is not None:  # a smaller area than before: fewer kept
        for rid, record in list(cache.records.items()):
            if _inside(bounds, record) is False:
                del cache.records[rid]
                cache.outside[rid] = [float(record["long"]), float(record["lat"])]  # type: ignore[arg-type]
    columns = _columns(cache.records.values(), gone.values(), before.values())
    now = {rid: cache.records[rid] for rid in sorted(added | set(before)) if rid in cache.records}
    kept_now = _kept(now.values(), columns)
    kept_before = _kept([*gone.values(), *before.values()], columns)
    fetch.new = len(added & kept_now) + len(kept_now & set(before) - kept_before)
    fetch.updated = len(kept_now & kept_before & set(before))
    fetch.gone = len(kept_before & set(gone))
    fetch.notes.append(
        f"{fetch.requests} request{'s' if fetch.requests != 1 else ''}: "
        f"{fetch.new} new report{'s' if fetch.new != 1 else ''}, {fetch.updated} updated"
        + (f", {fetch.gone} no longer on the service." if fetch.gone else ".")
    )


def _columns(*groups: Iterable[Mapping[str, object]]) -> list[str]:
    """Every field the records of ``groups`` give, in a stable order."""
    return sorted({name for group in groups for record in group for name in record})


def _kept(records: Iterable[Mapping[str, object]], columns: Sequence[str] = ()) -> set[str]:
    """The ids of the cached ``records`` that the reader keeps as reports (with ``columns``,
    the fields of the whole cache, as it reads them): a request it rejects, as a date or
    a place that cannot be read, is not counted as a report, new or gone."""
    listed = [dict(record) for record in records]
    if not listed:
        return set()
    try:
        result = _open311_requests(Path(_CACHE_FILES[0]), listed, [], columns=columns)
    except InputFileError:  # no category, no date, no place in any of them: none is kept
        return set()
    return {str(rid) for rid in result.layer["report_id"]}


#: Reports of the cache the service no longer sends that are taken as removed from it: at
#: most this many, or a tenth of the cached reports of the dates asked, whichever is more.
GONE_AT_ONCE = 5


def _forget_gone(
    cache: _Cache, sent: set[str | None], spans: list[tuple[dt.datetime, dt.datetime]], fetch: Fetch
) -> dict[str, dict[str, object]]:
    """Take out of the cache the reports made in ``spans`` that the service did not send
    (hidden or deleted by the council), and give them. More missing at once than
    :data:`GONE_AT_ONCE` allows looks like a limit of the service's own on its answers,
    not removals: they are kept, and the fetch says so."""
    asked = []
    for rid, record in cache.records.items():
        made = _served(record.get("requested_datetime"))
        if made is not None and any(a <= made < b for a, b in spans):
            asked.append(rid)
    missing = [rid for rid in asked if rid not in sent]
    if len(missing) > max(GONE_AT_ONCE, len(asked) // 10):
        fetch.notes.append(
            f"{len(missing)} of the {len(asked)} reports fetched before for the dates asked "
            "were not sent again; so many at once looks like a limit of the service on its "
            "answers rather than reports it removed, so they are kept."
        )
        return {}
    return {rid: cache.records.pop(rid) for rid in missing}


def _spans(
    windows: Iterable[tuple[dt.datetime, dt.datetime]],
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The windows joined where they meet, each less :data:`_OVERLAP` at both ends (a time
    written without its offset may be an hour out)."""
    joined: list[tuple[dt.datetime, dt.datetime]] = []
    for low, high in sorted(windows):
        if joined and low <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(high, joined[-1][1]))
        else:
            joined.append((low, high))
    return [(low + _OVERLAP, high - _OVERLAP) for low, high in joined]


def _older(record: Mapping[str, object], old: Mapping[str, object]) -> bool:
    new_time, old_time = (
        _served(record.get("updated_datetime")),
        _served(old.get("updated_datetime")),
    )
    return new_time is not None and old_time is not None and new_time < old_time


def _mark(cache: _Cache, now: dt.datetime) -> dt.datetime:
    """The latest update the cache holds (the service's clock), else now."""
    moments = [_served(r.get("updated_datetime")) for r in cache.records.values()]
    known = [m for m in moments if m is not None and m <= now + dt.timedelta(days=1)]
    old = _moment(cache.state.get("mark"))
    candidates = known + ([old] if old else [])
    return max(candidates) if candidates else now


def _offline(cache: _Cache, host: str, why: str, *, reached: bool = False) -> Fetch:
    """The cache as it is, and one line on why and how old it is (``reached``: the service
    answered, with something that is not Open311 data)."""
    fetched = cache.fetched_at
    if fetched is None:
        raise NetworkUnavailableError(
            f"Cannot fetch the reports from {host} ({why}), and none are cached in "
            f"{cache.folder} from an earlier fetch. Export the reports from the service as a "
            "file (FixMyStreet's CSV export, or the Open311 JSON saved from a browser) and "
            f"read that instead, {option('reports_file')}; or try again when online."
        )
    age = _age(dt.datetime.now(dt.UTC) - fetched)
    line = (
        f"{'The service was not used' if reached else 'Offline'} ({why}): using the reports "
        f"fetched from {host} {age} ago, on {fetched:%d %b %Y at %H:%M} UTC."
    )
    log.info("%s", line)  # said first among the import's notes
    return Fetch(cache.folder, online=False, notes=[line + _waiting(cache)])


def _waiting(cache: _Cache) -> str:
    """Where old open reports are asked for again one by one: how many were checked when,
    as the cache says (offline, none is checked)."""
    if cache.state.get("by_id") is not False or cache.fetched_at is None:
        return ""
    before = cache.fetched_at - dt.timedelta(days=REFRESH_DAYS)
    due = [rid for rid, r in cache.records.items() if _open_before(r, before)]
    if not due:
        return ""
    checked = cache.state.get("checked") or {}
    times = [t for rid in due if (t := _moment(checked.get(rid))) is not None]
    report = Recheck(
        due=len(due),
        unchecked=len(due),
        never=len(due) - len(times),
        oldest_check=min(times, default=None),
    )
    s = "s" if len(due) != 1 else ""
    return (
        f" None of the {len(due)} open report{s} made more than {REFRESH_DAYS} days before "
        f"then was checked again ({_last_checked(report)})."
    )


def _age(delta: dt.timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "less than a minute"


# --- reading -------------------------------------------------------------------------------


def reports_from_open311_server(
    url: str,
    *,
    cache_folder: str | Path | None = None,
    since: dt.date | str | None = None,
    jurisdiction_id: str | None = None,
    service_code: str | None = None,
    status: str | None = None,
    params: Mapping[str, str] | None = None,
    client: Open311Client | None = None,
    recheck_per_build: int | None = None,
    rewalk_days: int | None = None,
    **options: Unpack[ReportOptions],
) -> ImportResult:
    """Fetch a service's reports (only what changed, after the first time) and read them
    into the ``reports`` layer.

    Parameters
    ----------
    url
        The service's ``requests.json`` (or ``.xml``) address, or its base
        (``https://www.fixmystreet.com/open311/v2``).
    cache_folder
        This service's cache folder (default: :func:`endpoint_folder` below
        ``cache/open311`` in the current folder; a project keeps it in its own folder).
    since
        The first day of reports (a date or ``YYYY-MM-DD``; default two years ago).
    jurisdiction_id, service_code, status, params
        Filters every request carries: the council on a service of several (FixMyStreet
        needs one), one category, ``open`` or ``closed``, and the service's own parameters.
    client
        The client to ask with (default: a polite :class:`Open311Client`).
    recheck_per_build
        Where the service cannot be asked for a list of ids (FixMyStreet), the most old
        open reports asked for again one at a time in this fetch (default
        :data:`RECHECK_PER_BUILD`): see :func:`fetch_open311`.
    rewalk_days
        Where the service honours ``updated_after``, the days between walks of every date
        since ``since`` that notice the reports it removed (default :data:`REWALK_DAYS`;
        0: at this fetch): see :func:`fetch_open311`.
    **options
        ``area``, ``taxonomy``, ``tiers``, ``working_crs``: see
        :class:`~healthy_streets.io.reports.ReportOptions`. Reports outside ``area`` are
        counted outside the project area.

    Returns
    -------
    ImportResult
        The reports, with their account: the items the service sent that are not service
        requests are rejected with the reason; the fetch (or, offline, the cache's age) is
        said in the notes.

    Examples
    --------
    Asking a live service needs the internet, so this example is not run:

    >>> result = reports_from_open311_server(  # doctest: +SKIP
    ...     "https://www.fixmystreet.com/open311/v2/requests.json",
    ...     jurisdiction_id="fixmystreet.com",
    ...     since="2025-01-01",
    ... )

    Offline, a saved answer of the same query reads with
    :func:`~healthy_streets.io.reports.reports_from_open311`:

    >>> import healthy_streets as hs
    >>> result = hs.reports_from_open311("data/sample/reports_open311.json")
    >>> print(result.summary())
    reports_open311.json: 20 rows: 20 kept (0 repaired), 0 rejected.
    """
    folder = Path(cache_folder) if cache_folder is not None else None
    if folder is None:
        folder = endpoint_folder(
            "cache/open311",
            url,
            jurisdiction_id=jurisdiction_id,
            service_code=service_code,
            status=status,
        )
    fetch = fetch_open311(
        url,
        cache_folder=folder,
        since=since,
        jurisdiction_id=jurisdiction_id,
        service_code=service_code,
        status=status,
        params=params,
        area=options.get("area"),
        working_crs=options.get("working_crs"),
        client=client,
        recheck_per_build=recheck_per_build,
        rewalk_days=rewalk_days,
    )
    return read_open311_cache(folder, notes=fetch.notes, **options)


def read_open311_cache(
    folder: str | Path, *, notes: Iterable[str] = (), **options: Unpack[ReportOptions]
) -> ImportResult:
    """Read a service's cache folder (see the module) into the ``reports`` layer, with the
    account of every report the service sent: kept, rejected, or outside the area."""
    cache = _Cache.load(Path(folder))
    said = cache.state.get("endpoint")  # a cache written before kept a password there too
    endpoint = public_url(str(said)) if said else str(folder)
    name = f"Open311 {urlsplit(endpoint).netloc or Path(folder).name}"
    if cache.records:
        try:
            result = reports_from_open311(cache.folder / "requests.json", **options)
        except InputFileError as exc:
            fix = exc.fix
            if exc.problem.startswith(MISSING_COLUMNS):  # its advice is a file's (--map)
                fix = _missing_fix(cache)
            raise InputFileError(endpoint, exc.problem, fix=fix) from None
    else:
        result = AccountBook(name).result(empty_layer(REPORTS, crs=options.get("working_crs")), 0)
    return _with_elsewhere(
        result,
        cache,
        name=name,
        notes=list(notes),
        area=options.get("area"),
        working_crs=options.get("working_crs") or settings.working_crs,
    )


def _missing_fix(cache: _Cache) -> str:
    """What to do about a service whose requests lack a category, a date or a place."""
    given = ", ".join(repr(name) for name in _columns(cache.records.values()))
    return (
        f"Of the fields a report needs, the service's requests give {given}; GeoReport v2 "
        "requests have service_name or service_code, requested_datetime, lat and long. "
        "Check the address is the service's requests resource (.../open311/v2/requests.json), "
        "or export the reports from the service as a file and read that instead, "
        f"{option('reports_file')}."
    )


def _with_elsewhere(
    result: ImportResult,
    cache: _Cache,
    *,
    name: str,
    notes: list[str],
    area: shapely.Geometry | None,
    working_crs: str,
) -> ImportResult:
    """The reader's result, named for the service, with the items rejected when fetched and
    the reports outside the area's bounds added to its account."""
    layer = result.layer.assign(source=name) if len(result.layer) else result.layer
    layer.attrs.update(result.layer.attrs)
    result = _rows_named_by_id(result, list(cache.records))
    rejected = pd.DataFrame(
        [{"source": name, **entry} for entry in cache.rejected.values()], columns=ACCOUNT_COLUMNS
    )
    old_rejected = result.rejected.assign(source=name)
    outside = result.outside
    if cache.outside:
        far = pd.DataFrame(
            {
                "row": list(cache.outside),
                "distance_m": _distances(list(cache.outside.values()), area, working_crs),
            }
        )
        outside = pd.concat([outside, far], ignore_index=True)
    said = outside_note(result.outside, result.unit) if result.n_outside else None
    extra = [n for n in result.notes if n != said]
    if len(outside):
        extra.append(outside_note(outside, UNIT))
    return replace(
        result,
        layer=layer,
        source=name,
        unit=UNIT,
        rows_in=result.rows_in + len(cache.rejected) + len(cache.outside),
        repaired=result.repaired.assign(source=name),
        rejected=pd.concat([old_rejected, rejected], ignore_index=True).astype("str"),
        outside=outside,
        notes=[*notes, *extra],
    )


#: What the account of an Open311 service counts: its service requests, each named by its id.
UNIT = "requests"


def _rows_named_by_id(result: ImportResult, ids: list[str]) -> ImportResult:
    """The account's rows named by the service request's id, as the cache's own rejections
    are (the reader numbers the cache file's requests, in the order of ``ids``)."""

    def named(frame: pd.DataFrame) -> pd.DataFrame:
        if not len(frame):
            return frame
        position = pd.to_numeric(frame["row"], errors="coerce")
        known = position.between(1, len(ids))
        rows = frame["row"].astype("object").copy()
        rows[known] = [ids[int(p) - 1] for p in position[known]]
        return frame.assign(row=rows)

    rows = result.layer_rows
    return replace(
        result,
        repaired=named(result.repaired),
        rejected=named(result.rejected),
        outside=named(result.outside),
        layer_rows=None if rows is None else pd.Index(named(pd.DataFrame({"row": rows}))["row"]),
    )


def _distances(
    points: list[list[float]], area: shapely.Geometry | None, working_crs: str
) -> list[float]:
    if area is None or not points:
        return [math.nan] * len(points)
    lonlat = gpd.GeoSeries(gpd.points_from_xy(*zip(*points, strict=True)), crs=4326)
    working = lonlat.to_crs(working_crs)
    return [round(float(d), 1) for d in working.distance(area)]
