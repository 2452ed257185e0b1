"""OpenStreetMap street networks downloaded through osmnx: by place name, bounding box or area.

A convenience for a laptop that is online; everything else in the toolkit works from local
files. Answers are cached by osmnx in :data:`settings.osm_cache_folder` (``cache/osm`` below
the current folder by default), so the same download again needs no network. The services
are :data:`settings.overpass_url` and :data:`settings.nominatim_url`.

With no internet, osmnx would wait 60 seconds for Overpass's rate-limit status before
failing. So the Overpass host is first tried with a short connection: when it cannot be
reached, osmnx's rate-limit check is switched off, a cached answer is still used, and
otherwise the user hears within seconds, in one line that points to a local extract
(``--osm-file`` on the command line, ``[streets] osm_file`` in a project). When the
host can be reached, osmnx keeps Overpass's rate limits.

osmnx answers a ``429`` or ``504`` (a busy service) by waiting 55 seconds and asking again,
with no end and nothing said. Here each such wait is said as it starts, and after
:data:`BUSY_TRIES` busy answers the download stops with one line that points to a local
extract. A failure of Overpass (an error page, an empty answer) is said as Overpass's, not
as a place Nominatim did not find.

Overpass is given :data:`settings.overpass_timeout` seconds (180 by default, Overpass's own
default) to run a query: its ``[timeout:...]``, and the wait for each read of its answers.
Nominatim's answers are waited for :data:`settings.requests_timeout` seconds a read.

osmnx gives up on an answer only after that many seconds of silence, so a service that
sends its headers or body a byte every few seconds would keep a download waiting for hours.
Here every answer (Nominatim's, Overpass's status and query) must be whole within
:func:`answer_deadline_s` of its request: its service's time, plus :data:`ANSWER_MARGIN_S`.
When it is not, its connection is cut and the download stops with one line that names the
service and points to a local extract.

Overpass that runs out of time or memory still answers ``200``, with what it had found by
then (often nothing) and a ``remark`` that says so (``runtime error: Query timed out...``).
osmnx only logs it; here such an answer stops the download with one line that says what
Overpass said, so a partial street network is never taken for the whole (and nothing of it
is cached). Any other remark is said as a warning and the answer is used.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import re
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import geopandas as gpd
import networkx as nx
import osmnx as ox
import requests
import shapely

from healthy_streets import settings
from healthy_streets._audience import option
from healthy_streets.errors import ConfigError, HealthyStreetsError, NetworkUnavailableError
from healthy_streets.io._deadline import AnswerOverdueError, each_answer_within
from healthy_streets.io.osm import NOT_STREET_HIGHWAYS, STREET_TAGS, finish_network
from healthy_streets.model.account import AccountBook, ImportResult
from healthy_streets.model.progress import SHOWN

__all__ = [
    "OverpassIncompleteError",
    "PlaceNotFoundError",
    "street_network_from_bbox",
    "street_network_from_place",
    "street_network_from_polygon",
]

log = logging.getLogger(__name__)

#: The Overpass filter: highway ways that are streets in use, not areas.
STREET_FILTER = (
    f'["highway"]["area"!~"yes"]["highway"!~"^({"|".join(sorted(NOT_STREET_HIGHWAYS))})$"]'
)


class PlaceNotFoundError(HealthyStreetsError, LookupError):
    """Nominatim found no area for a place name."""


class OverpassIncompleteError(HealthyStreetsError):
    """Overpass answered, but said its answer is not whole (it ran out of time or memory)."""


def street_network_from_place(
    query: str,
    *,
    clip_to: shapely.Geometry | gpd.GeoDataFrame | None = None,
    buffer_m: float | None = None,
    nation: str | None = None,
    working_crs: str | None = None,
) -> ImportResult:
    """Download the streets within a place's boundary (geocoded by Nominatim).

    Parameters
    ----------
    query
        A place name OpenStreetMap has a boundary for, e.g. ``"Chorley, Lancashire"``.
    clip_to, buffer_m, nation, working_crs
        As for :func:`healthy_streets.io.osm.street_network_from_osm_file`.

    Returns
    -------
    ImportResult
        ``.layer`` is the ``streets`` layer; rows of the account are OSM ways, and
        ``.notes`` says where the download is cached.

    Raises
    ------
    NetworkUnavailableError
        No connection to the services (one line that points to a local extract).
    PlaceNotFoundError
        Nominatim knows no area by that name.

    Examples
    --------
    Asking Nominatim and Overpass needs the internet, so this example is not run:

    >>> result = street_network_from_place("Chorley, Lancashire")  # doctest: +SKIP
    >>> result.layer.groupby("speed_mph")["length_m"].sum()  # doctest: +SKIP

    Offline, read an extract already downloaded:

    >>> import healthy_streets as hs
    >>> result = hs.street_network_from_osm_file("data/sample/yarrowside.osm")
    >>> result.layer.groupby("speed_mph")["length_m"].sum().round()  # metres of street
    speed_mph
    18.6       50.0
    20.0    19641.0
    30.0    15769.0
    40.0      275.0
    Name: length_m, dtype: float64
    """
    return _download(
        f"OpenStreetMap ({query})",
        lambda: ox.graph_from_place(query, **_GRAPH_OPTIONS),
        query=query,
        clip_to=clip_to,
        buffer_m=buffer_m,
        nation=nation,
        working_crs=working_crs,
    )


def street_network_from_bbox(
    bbox: tuple[float, float, float, float],
    *,
    nation: str | None = None,
    working_crs: str | None = None,
) -> ImportResult:
    """Download the streets in a bounding box (through osmnx, cached).

    Parameters
    ----------
    bbox
        ``(west, south, east, north)``: longitudes and latitudes in degrees (EPSG:4326).
    nation
        Decides ``GB:nsl_restricted`` (see :func:`healthy_streets.speed_from_tags`).
    working_crs
        The CRS of the layer (default :data:`settings.working_crs`).

    Returns
    -------
    ImportResult
        ``.layer`` is the ``streets`` layer (streets crossing the box's edge kept whole);
        rows of the account are OSM ways.

    Raises
    ------
    ConfigError
        When ``bbox`` is not west < east and south < north, in degrees.
    NetworkUnavailableError
        When the services cannot be reached and no answer is cached.
    HealthyStreetsError
        When OpenStreetMap returns no streets in the box.

    Examples
    --------
    Asking Overpass needs the internet, so this example is not run:

    >>> result = street_network_from_bbox((-2.66, 53.63, -2.60, 53.67))  # doctest: +SKIP
    >>> print(result.summary())  # doctest: +SKIP

    Offline, an extract already downloaded for the box reads as
    ``hs.street_network_from_osm_file("area.osm.pbf")``.
    """
    west, south, east, north = bbox
    if not (
        west < east
        and south < north
        and west >= -180
        and east <= 180
        and south >= -90
        and north <= 90
    ):
        raise ConfigError(
            f"The bounding box {bbox!r} is not west,south,east,north in degrees "
            "(for Chorley: -2.66,53.63,-2.60,53.67)."
        )
    return _download(
        f"OpenStreetMap (bbox {west},{south},{east},{north})",
        lambda: ox.graph_from_bbox((west, south, east, north), **_GRAPH_OPTIONS),
        nation=nation,
        working_crs=working_crs,
    )


def street_network_from_polygon(
    area: shapely.Geometry | gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    buffer_m: float | None = None,
    crs: str | None = None,
    nation: str | None = None,
    working_crs: str | None = None,
) -> ImportResult:
    """Download the streets within an area plus a buffer, usually the zones.

    Parameters
    ----------
    area
        The zones (a GeoDataFrame or GeoSeries, in the CRS they declare) or a polygon in
        ``crs``.
    buffer_m
        Metres around the area (default :data:`settings.street_buffer_m`).
    crs
        The CRS of a bare polygon ``area`` (default the working CRS); ignored for a
        GeoDataFrame.
    nation
        Decides ``GB:nsl_restricted`` (see :func:`healthy_streets.speed_from_tags`).
    working_crs
        The CRS of the layer (default :data:`settings.working_crs`).

    Returns
    -------
    ImportResult
        ``.layer`` is the ``streets`` layer (streets crossing the buffered area's edge kept
        whole); rows of the account are OSM ways.

    Raises
    ------
    NetworkUnavailableError
        When the services cannot be reached and no answer is cached.
    HealthyStreetsError
        When OpenStreetMap returns no streets in the area.

    Examples
    --------
    Asking Overpass needs the internet, so the download is not run here:

    >>> import healthy_streets as hs
    >>> zones = hs.read_zones("data/sample/zones.geojson").layer
    >>> result = street_network_from_polygon(zones, buffer_m=300)  # doctest: +SKIP

    Offline, the same streets from an extract already downloaded, kept to 300 m around
    the zones:

    >>> result = hs.street_network_from_osm_file("data/sample/yarrowside.osm", clip_to=zones,
    ...                                          buffer_m=300)
    >>> print(result.summary())
    yarrowside.osm: 292 highway ways: 292 kept (0 repaired), 0 rejected; 581 streets rows.
    """
    working = working_crs or settings.working_crs
    if isinstance(area, gpd.GeoDataFrame | gpd.GeoSeries):
        shape = area.to_crs(working).union_all()
    else:
        shape = gpd.GeoSeries([area], crs=crs or working).to_crs(working).iloc[0]
    distance = settings.street_buffer_m if buffer_m is None else buffer_m
    polygon = gpd.GeoSeries([shape.buffer(distance)], crs=working).to_crs("EPSG:4326").iloc[0]
    return _download(
        f"OpenStreetMap (the zones plus {distance:g} m)",
        lambda: ox.graph_from_polygon(polygon, **_GRAPH_OPTIONS),
        nation=nation,
        working_crs=working,
    )


_GRAPH_OPTIONS: dict[str, Any] = {
    "custom_filter": STREET_FILTER,
    "simplify": False,
    "retain_all": True,
    "truncate_by_edge": True,
}


def _download(
    source: str,
    fetch: Callable[[], nx.MultiDiGraph],
    *,
    query: str | None = None,
    clip_to: shapely.Geometry | gpd.GeoDataFrame | None = None,
    buffer_m: float | None = None,
    nation: str | None = None,
    working_crs: str | None = None,
) -> ImportResult:
    graph = _download_with(fetch, what=f"streets for {source}", query=query)
    book = AccountBook(source)
    ways = {
        w
        for *_, d in graph.edges(data=True)
        for w in (d["osmid"] if isinstance(d["osmid"], list) else [d["osmid"]])
    }
    notes = [f"Downloaded through osmnx; cached in {Path(settings.osm_cache_folder).resolve()}."]
    return finish_network(
        graph,
        book,
        rows_in=len(ways),
        notes=notes,
        clip_to=clip_to,
        buffer_m=buffer_m,
        nation=nation,
        working_crs=working_crs,
        zone_tags=True,  # asked for (osmnx_settings): their absence means there are none
    )


T = TypeVar("T")


def _download_with(
    fetch: Callable[[], T], *, what: str, query: str | None = None, local: str = "osm_file"
) -> T:
    """Run an osmnx download of ``what`` with the toolkit's settings, its errors made plain:
    they point to ``local``, the setting (a key of
    :data:`~healthy_streets._audience.OPTIONS`) that reads the same from a local extract."""
    watch = _Watch(what=what, local=local)
    with (
        osmnx_settings(rate_limit=can_connect(settings.overpass_url), watch=watch),
        each_answer_within(
            lambda request: _given_s(str(request.url)) + ANSWER_MARGIN_S,
            read_timeout=lambda request: _given_s(str(request.url)),
        ),
    ):
        try:
            return fetch()
        except AnswerOverdueError as exc:
            raise _overdue(exc, what=what, local=local) from None
        except requests.RequestException as exc:
            raise _offline(exc, what=what, local=local) from None
        except (ox._errors.InsufficientResponseError, TypeError, ValueError) as exc:
            failed = watch.failed
            if failed is not None:  # the place was found: Overpass answered with an error
                raise HealthyStreetsError(
                    f"Overpass at {_host(failed.url)} answered {_status(failed)} when asked "
                    f"for {what}. Try again later, or use a local extract: {option(local)}."
                ) from None
            if query is None or watch.overpass_answered:
                raise HealthyStreetsError(
                    f"OpenStreetMap returned no {what} ({_first_line(exc)}). Check the area, "
                    f"or use a local extract: {option(local)}."
                ) from None
            raise PlaceNotFoundError(
                f"Nominatim found no area called {query!r} ({exc}). Check the spelling, add "
                "the county ('Chorley, Lancashire'), or give a local extract instead: "
                f"{option(local)}."
            ) from None


#: Seconds an answer may take, whole, beyond the time its service is given (for Overpass,
#: to run the query): for the answer's transfer (a county's streets are tens of megabytes)
#: and a slow start.
ANSWER_MARGIN_S = 120.0


def _timeout_s(service: str = "Overpass") -> float:
    """The seconds ``service`` is given: :data:`settings.overpass_timeout` for Overpass (to
    run a query, and for each read of its answers), :data:`settings.requests_timeout` for
    Nominatim (for each read)."""
    return settings.overpass_timeout if service == "Overpass" else settings.requests_timeout


def _given_s(url: str) -> float:
    """The seconds the service at ``url`` is given for each read of its answer: Overpass's
    query the query's own time (:func:`_timeout_s`); its ``/status``, which answers at once
    and runs nothing, and Nominatim :data:`settings.requests_timeout`."""
    service = _service(url)
    return settings.requests_timeout if _is_status(url) else _timeout_s(service)


def _is_status(url: str) -> bool:
    """Whether ``url`` asks Overpass for its rate-limit status, not a query."""
    return _service(url) == "Overpass" and urlsplit(url).path.rstrip("/").endswith("/status")


def answer_deadline_s(service: str = "Overpass") -> float:
    """Seconds from a request to ``service`` (Overpass or Nominatim) until its answer must be
    whole (its status line, headers and body, however slowly they come): the time the
    service is given plus :data:`ANSWER_MARGIN_S`. For Overpass, its ``[timeout:...]``,
    :data:`settings.overpass_timeout`, so 300 s with the default settings (a query that runs
    out of its time is ended by Overpass itself, with its own remark, well before); for
    Nominatim, :data:`settings.requests_timeout` (140 s)."""
    return _timeout_s(service) + ANSWER_MARGIN_S


def _overdue(
    exc: AnswerOverdueError, *, what: str, local: str = "osm_file"
) -> NetworkUnavailableError:
    """The one line for an answer not whole by its deadline, naming its service."""
    url = str(getattr(exc.request, "url", None) or settings.overpass_url)
    return NetworkUnavailableError(
        f"{_service(url)} at {_host(url)} did not send its whole answer within "
        f"{exc.seconds:g} s of the request (it was still coming), so the {what} were not "
        "downloaded. Try again later, or use a local OpenStreetMap extract instead "
        f"(.osm, .osm.pbf): {option(local, 'FILE')}."
    )


#: Busy answers (``429``, ``504``) in one download before it stops: osmnx
#: waits 55 seconds after each, so three mean about two minutes of waiting.
BUSY_TRIES = 3


#: A remark of Overpass's that means its answer is not whole: a runtime error (the query
#: ran out of time or memory, or failed), or a runtime remark that it timed out or ran out.
INCOMPLETE_REMARK = re.compile(r"runtime error|timed out|out of memory|r[au]n out of", re.I)


class _Watch:
    """Sees every answer osmnx gets (a ``requests`` response hook): says each wait a busy
    answer makes osmnx take, stops after :data:`BUSY_TRIES` of them, stops at an answer of
    Overpass's that its remark says is not whole (:data:`INCOMPLETE_REMARK`), and remembers
    whether Overpass answered and its last error, so that a failure is told as its
    service's."""

    def __init__(self, *, what: str, local: str) -> None:
        self.what = what
        self.local = local
        self.busy = 0
        self.overpass_answered = False
        self.failed: requests.Response | None = None

    def __call__(self, response: requests.Response, *args: object, **kwargs: object) -> None:
        url = str(response.url or "")
        service = _service(url)
        if service == "Overpass" and not _is_status(url):
            self.overpass_answered = True
            self.failed = None if response.ok else response
            if response.ok:
                self._check_remark(response)
        if response.status_code not in (429, 504):
            return
        self.busy += 1
        why = f"{service} at {_host(url)} is busy (HTTP {_status(response)})"
        if self.busy >= BUSY_TRIES:
            response.close()  # the hook runs before requests reads the answer: release it
            raise NetworkUnavailableError(
                f"{why} and was still busy after {BUSY_TRIES} tries, so the {self.what} "
                "were not downloaded. Try again later, or use a local OpenStreetMap extract "
                f"instead (.osm, .osm.pbf): {option(self.local, 'FILE')}."
            )
        log.warning(
            "%s; osmnx tries again in about a minute (try %d of %d).",
            why,
            self.busy + 1,
            BUSY_TRIES,
            extra=SHOWN,
        )

    def _check_remark(self, response: requests.Response) -> None:
        """Stop at an answer Overpass remarks is not whole; say any other remark."""
        remark = _remark(response)
        if remark is None:
            return
        said = " ".join(remark.split())[:300]  # Overpass's words, on one line
        where = f"Overpass at {_host(str(response.url))}"
        if INCOMPLETE_REMARK.search(remark):
            raise OverpassIncompleteError(
                f"{where} stopped before it had all the {self.what}: it said {said!r}, so "
                "they were not downloaded (nothing of its answer is kept). Ask for a smaller "
                "area, try again later, or use a local OpenStreetMap extract instead (.osm, "
                f".osm.pbf): {option(self.local, 'FILE')}."
            )
        log.warning(
            "%s remarked %r on the %s; its answer is used.", where, said, self.what, extra=SHOWN
        )


def _remark(response: requests.Response) -> str | None:
    """The ``remark`` of an Overpass JSON answer, if it has one. The body (tens of megabytes
    for a county) is parsed only when it holds the word."""
    content = response.content
    if b'"remark"' not in content:
        return None
    try:
        answer = json.loads(content)
    except ValueError:  # not JSON: osmnx says so
        return None
    remark = answer.get("remark") if isinstance(answer, dict) else None
    return None if remark is None else str(remark)


def _service(url: str) -> str:
    """The service ``url`` is of: Overpass (:data:`settings.overpass_url`), else Nominatim."""
    return "Overpass" if url.startswith(settings.overpass_url.rstrip("/")) else "Nominatim"


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def _status(response: requests.Response) -> str:
    return f"{response.status_code} {response.reason or ''}".strip()


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:160]


@contextlib.contextmanager
def osmnx_settings(*, rate_limit: bool = True, watch: _Watch | None = None) -> Iterator[None]:
    """osmnx's settings as the toolkit needs them, for the duration of a download.

    The toolkit's own settings give the services, the cache folder and the timeouts (the
    query's ``[timeout:...]`` is :data:`settings.overpass_timeout`, in osmnx's
    ``overpass_settings``); way tags are the street tags; no lookup of the server's address
    through Google's DNS service.
    ``rate_limit`` keeps osmnx's check of Overpass's status (and its pauses); ``watch`` sees
    every answer (a ``requests`` response hook).
    """
    kwargs = dict(ox.settings.requests_kwargs)
    if watch is not None:
        kwargs["hooks"] = {"response": [watch]}
    wanted = {
        "requests_kwargs": kwargs,
        "overpass_rate_limit": rate_limit,
        "overpass_url": settings.overpass_url,
        "nominatim_url": settings.nominatim_url,
        "requests_timeout": settings.requests_timeout,
        "overpass_settings": ox.settings.overpass_settings.replace(
            "{timeout}", str(math.ceil(settings.overpass_timeout))
        ),
        "cache_folder": settings.osm_cache_folder,
        "use_cache": True,
        "useful_tags_way": list(STREET_TAGS),
        "doh_url_template": None,
        "log_console": False,
    }
    saved = {name: getattr(ox.settings, name) for name in wanted}
    for name, value in wanted.items():
        setattr(ox.settings, name, value)
    original_getaddrinfo = socket.getaddrinfo  # osmnx pins the Overpass host's address
    try:
        yield
    finally:
        socket.getaddrinfo = original_getaddrinfo
        for name, value in saved.items():
            setattr(ox.settings, name, value)


def can_connect(url: str, *, timeout: float | None = None) -> bool:
    """True when a connection to ``url``'s host opens within ``timeout`` seconds (default:
    the smaller of 5 and :data:`settings.requests_timeout`)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    limit = min(5.0, settings.requests_timeout) if timeout is None else timeout
    try:
        with socket.create_connection((host, port), timeout=limit):
            return True
    except (OSError, UnicodeError):  # UnicodeError: a host name no DNS could hold
        log.info("Cannot connect to %s:%s; osmnx will use its cache or fail fast", host, port)
        return False


def _offline(
    exc: requests.RequestException, *, what: str = "the streets", local: str = "osm_file"
) -> NetworkUnavailableError:
    request = getattr(exc, "request", None)
    host = urlsplit(str(getattr(request, "url", None) or settings.overpass_url)).hostname
    reason = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
    return NetworkUnavailableError(
        f"Cannot reach {host or 'OpenStreetMap'} to download {what} (no internet? "
        f"{reason}). Use a local OpenStreetMap extract instead (.osm, .osm.pbf): "
        f"{option(local, 'FILE')}."
    )
