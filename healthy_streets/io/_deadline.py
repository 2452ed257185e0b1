"""A deadline for a whole HTTP answer asked for with :mod:`requests`: the connection, the
status line and headers, and the body, however slowly a service sends them.

``requests``' timeout bounds each wait for the next bytes, so a service that sends a byte
every few seconds (its headers as well as its body) is never timed out. Here a timer shuts
down the socket the answer comes on when the time is up, which wakes the read waiting on
it; the read then fails (or ends short) and :attr:`Deadline.passed` says why.

The socket is found through public hooks: a session with a :class:`DeadlineAdapter`
mounted makes connections (:class:`urllib3.connection.HTTPConnection` subclasses) that show
themselves, and the socket they hold (their ``sock``), to the deadline running in the
thread as they connect and as each request is sent on them (a connection kept alive by an
earlier answer too)::

    session.mount("http://", DeadlineAdapter())
    session.mount("https://", DeadlineAdapter())
    with Deadline(120) as deadline:
        response = session.get(url, timeout=20, stream=True)
        body = response.content
    # an error raised inside, with deadline.passed, is the deadline's

A library that asks through ``requests.get`` or ``requests.post`` (osmnx does) makes a new
session for every request, out of reach. For it, :func:`each_answer_within` gives every
answer asked for in its ``with`` block a deadline of its own, through the sessions made
there (see its notes on how)::

    with each_answer_within(300):
        graph = osmnx.graph_from_place("Chorley, Lancashire")
    # an answer not whole in 300 s from its request raised AnswerOverdueError

Either time may depend on the request (its service, say): give a function of the
:class:`requests.PreparedRequest` instead of a number. ``read_timeout`` replaces the wait for
each read that the library asked for::

    with each_answer_within(lambda r: 300 if "overpass" in r.url else 140,
                            read_timeout=lambda r: 180 if "overpass" in r.url else 20):
        graph = osmnx.graph_from_place("Chorley, Lancashire")

What cannot be cut: the name lookup, and the opening of the connection (its TCP connect,
and a TLS handshake, whose socket is out of reach until it is done), which are bounded by
``requests``' timeout for each wait as before; a connection opened after the deadline is
cut at once, before anything is asked on it. A connection through a SOCKS proxy is not seen
at all (its pools are not urllib3's own): there, only the reading of each chunk of the body
checks the time.
"""

from __future__ import annotations

import contextlib
import contextvars
import socket
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import requests.adapters
import requests.sessions
import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = [
    "AnswerDeadlineAdapter",
    "AnswerOverdueError",
    "Deadline",
    "DeadlineAdapter",
    "DeadlinePassedError",
    "Seconds",
    "each_answer_within",
]

#: A time in seconds for an answer: the same for every request, or a function of the request.
Seconds = float | Callable[[requests.PreparedRequest], float]


def _seconds_for(seconds: Seconds, request: requests.PreparedRequest) -> float:
    return seconds(request) if callable(seconds) else seconds


#: The deadline running in this thread (or context), if any.
_RUNNING: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "healthy_streets_deadline", default=None
)


class DeadlinePassedError(Exception):
    """A connection was about to be opened or used after its answer's deadline."""


class Deadline:
    """``seconds`` from now for the answers asked for in the ``with`` block, through a
    session with a :class:`DeadlineAdapter` mounted. Leaving the block stops the timer
    (its thread ended before the block is left)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._passed = False
        self._stopped = False
        self._connections: list[HTTPConnection] = []
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(max(0.0, seconds), self._cut)
        self._timer.name = "healthy-streets answer deadline"
        self._timer.daemon = True
        self._token: contextvars.Token[Deadline | None] | None = None

    @property
    def passed(self) -> bool:
        """Whether the time ran out before :meth:`stop`: the answer's connection was cut
        then, and whatever came may be short."""
        return self._passed

    def __enter__(self) -> Deadline:
        self._token = _RUNNING.set(self)
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self._timer.join()
        if self._token is not None:
            _RUNNING.reset(self._token)
            self._token = None

    def stop(self) -> bool:
        """Stop the clock (the answer is whole): True when it had run out already."""
        with self._lock:
            self._stopped = True
        self._timer.cancel()
        return self._passed

    def watch(self, connection: HTTPConnection) -> None:
        """Remember ``connection`` and its socket, to cut when the time is up; when it is up
        already, cut them now and raise :class:`DeadlinePassedError`."""
        with self._lock:
            if connection not in self._connections:
                self._connections.append(connection)
            sock = connection.sock
            if sock is not None and sock not in self._sockets:
                self._sockets.append(sock)
            if not self._passed:
                return
        _shut(sock)
        raise DeadlinePassedError(f"the answer was not whole after {self.seconds:g} s")

    def _cut(self) -> None:
        """The timer's: shut down every socket watched, waking a read waiting on one. A
        connection's socket is taken both as first seen (an answer read to its end after
        the connection let it go keeps it) and as it is now (one being opened)."""
        with self._lock:
            if self._stopped:
                return
            self._passed = True
            sockets = [*self._sockets, *(c.sock for c in self._connections)]
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket | None) -> None:
    """Shut down ``sock``'s connection both ways, so that a read waiting on it ends at once;
    the socket itself is left for its owner to close (a TLS socket's state too: the plain
    socket's shutdown is called, not the TLS one's)."""
    if sock is not None:
        with contextlib.suppress(OSError):  # closed meanwhile
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


if TYPE_CHECKING:
    _Base = HTTPConnection
else:
    _Base = object


class _Watched(_Base):
    """A connection that shows itself to the running :class:`Deadline` as it connects and
    as each request is sent on it."""

    def connect(self) -> None:
        deadline = _RUNNING.get()
        if deadline is not None:
            deadline.watch(self)  # its socket, once open: a proxy's tunnel is read on it
        super().connect()
        if deadline is not None:
            deadline.watch(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        deadline = _RUNNING.get()
        if deadline is not None:
            deadline.watch(self)  # a connection kept alive, or not yet opened
        super().request(*args, **kwargs)


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


#: urllib3's pools, and the same pools making watched connections.
_WATCHED_POOLS: dict[type[HTTPConnectionPool], type[HTTPConnectionPool]] = {
    HTTPConnectionPool: _WatchedHTTPConnectionPool,
    HTTPSConnectionPool: _WatchedHTTPSConnectionPool,
}


class DeadlineAdapter(requests.adapters.HTTPAdapter):
    """``requests``' adapter, its connections (direct or through an HTTP proxy) watched by
    the :class:`Deadline` running when they are used."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        _watch_pools(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> urllib3.PoolManager:
        manager: urllib3.PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        _watch_pools(manager)
        return manager


def _watch_pools(manager: urllib3.PoolManager) -> None:
    """Make ``manager``'s new pools of urllib3's own classes make watched connections."""
    manager.pool_classes_by_scheme = {
        scheme: _WATCHED_POOLS.get(pool, pool)
        for scheme, pool in manager.pool_classes_by_scheme.items()
    }


class AnswerOverdueError(requests.exceptions.Timeout):
    """An answer was not whole by its deadline (:class:`AnswerDeadlineAdapter`): its
    connection was cut. ``request`` is the request (its ``url``), ``seconds`` the deadline."""

    def __init__(self, request: requests.PreparedRequest, seconds: float) -> None:
        super().__init__(f"the answer was not whole after {seconds:g} s", request=request)
        self.seconds = seconds


class AnswerDeadlineAdapter(DeadlineAdapter):
    """A :class:`DeadlineAdapter` that gives every answer sent through it a
    :class:`Deadline` of its own, ``seconds`` from its request: the connection, the status
    line and headers and (unless the request is streamed, when the caller reads it) the
    body, which is read here. An answer not whole then is an :class:`AnswerOverdueError`,
    whatever error the cut connection raised (or a body that ended short). ``read_timeout``,
    when given, is the wait for each read instead of the one the request was sent with."""

    def __init__(
        self, seconds: Seconds, *args: Any, read_timeout: Seconds | None = None, **kwargs: Any
    ) -> None:
        self.seconds = seconds
        self.read_timeout = read_timeout
        super().__init__(*args, **kwargs)

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> requests.Response:
        seconds = _seconds_for(self.seconds, request)
        if self.read_timeout is not None:
            kwargs["timeout"] = _seconds_for(self.read_timeout, request)
        with Deadline(seconds) as deadline:
            try:
                response = super().send(request, stream, *args, **kwargs)
                if not stream:
                    _ = response.content  # within the deadline (requests would read it after)
            except Exception:
                if deadline.stop():
                    raise AnswerOverdueError(request, seconds) from None
                raise
            if deadline.stop():  # cut at the end of the body: what came may be short
                response.close()
                raise AnswerOverdueError(request, seconds)
        return response


#: The deadline of each answer asked for through the sessions made in this thread (or
#: context), while :func:`each_answer_within` runs.
_EACH_ANSWER: contextvars.ContextVar[tuple[Seconds, Seconds | None] | None] = (
    contextvars.ContextVar("healthy_streets_each_answer", default=None)
)

#: The name :class:`requests.Session` mounts its adapters by, in :mod:`requests.sessions`.
_MOUNTED = "HTTPAdapter"


class _SessionAdapters:
    """The adapter a new :class:`requests.Session` mounts, replaced while any
    :func:`each_answer_within` runs (in any thread) and put back when the last ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._saved: Callable[..., requests.adapters.HTTPAdapter] | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> requests.adapters.HTTPAdapter:
        """The adapter for a session being made: with a deadline for each answer in a
        thread where :func:`each_answer_within` runs, else requests' own, as before."""
        limits = _EACH_ANSWER.get()
        if limits is not None:
            seconds, read_timeout = limits
            return AnswerDeadlineAdapter(seconds, *args, read_timeout=read_timeout, **kwargs)
        saved = self._saved or requests.adapters.HTTPAdapter  # the last block just ended
        return saved(*args, **kwargs)

    def use(self) -> None:
        with self._lock:
            if self._users == 0:
                self._saved = getattr(requests.sessions, _MOUNTED)
                setattr(requests.sessions, _MOUNTED, self)
            self._users += 1

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            if self._users == 0:
                setattr(requests.sessions, _MOUNTED, self._saved)
                self._saved = None


_SESSION_ADAPTERS = _SessionAdapters()


@contextlib.contextmanager
def each_answer_within(seconds: Seconds, *, read_timeout: Seconds | None = None) -> Iterator[None]:
    """Give every answer asked for in the ``with`` block, in this thread, ``seconds`` from
    its request to be whole (:class:`AnswerDeadlineAdapter`); one that is not raises
    :class:`AnswerOverdueError`. ``seconds``, and ``read_timeout`` (the wait for each read,
    when given, instead of the one asked for), may be functions of the request.

    For a library that asks through ``requests.get`` or ``requests.post``, which make a new
    session for every request and offer no way to mount an adapter on it (osmnx 2 passes
    only its ``requests_kwargs`` on). So, while the block runs, the adapter that
    :class:`requests.Session` mounts (the ``HTTPAdapter`` it names in
    :mod:`requests.sessions`) is replaced by a maker of adapters that gives sessions made
    in this thread (this context: a thread started inside the block is not in it) the
    deadline, and every other session requests' own adapter, as before. The name is put
    back when the last such block, in any thread, ends. Sessions made before the block, or
    kept from it, are left as they are.
    """
    token = _EACH_ANSWER.set((seconds, read_timeout))
    _SESSION_ADAPTERS.use()
    try:
        yield
    finally:
        _SESSION_ADAPTERS.release()
        _EACH_ANSWER.reset(token)
