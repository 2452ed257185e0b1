"""A deadline for each answer asked for through sessions a library makes itself
(``requests.get``): only in the thread that asked for it, and undone after."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import requests.adapters
import requests.sessions

from healthy_streets.io._deadline import (
    AnswerDeadlineAdapter,
    AnswerOverdueError,
    each_answer_within,
)

from fake_http import threads_of_the_client
from fake_open311_server import FakeOpen311

REQUESTS_OWN = requests.adapters.HTTPAdapter


def adapter_of_a_new_session() -> requests.adapters.BaseAdapter:
    with requests.Session() as session:
        return session.get_adapter("https://example.org/")


def test_sessions_made_in_the_block_give_each_answer_the_deadline():
    with each_answer_within(7.5):
        adapter = adapter_of_a_new_session()
    assert isinstance(adapter, AnswerDeadlineAdapter)
    assert adapter.seconds == 7.5
    assert requests.sessions.HTTPAdapter is REQUESTS_OWN  # put back
    assert type(adapter_of_a_new_session()) is REQUESTS_OWN


def test_sessions_made_in_another_thread_meanwhile_are_requests_own():
    with each_answer_within(7.5), ThreadPoolExecutor(1) as pool:
        other = pool.submit(adapter_of_a_new_session).result()
        mine = adapter_of_a_new_session()
    assert type(other) is REQUESTS_OWN
    assert isinstance(mine, AnswerDeadlineAdapter)


def test_blocks_in_two_threads_each_keep_their_own_deadline_and_the_last_puts_it_back():
    first_in = threading.Event()
    second_done = threading.Event()

    def first() -> tuple[float, float]:
        with each_answer_within(1.0):
            first_in.set()
            second_done.wait(5)  # the second block starts and ends inside this one
            after_second = adapter_of_a_new_session()
            assert isinstance(after_second, AnswerDeadlineAdapter)
            return after_second.seconds, adapter_seconds()

    def second() -> float:
        first_in.wait(5)
        with each_answer_within(2.0):
            seconds = adapter_seconds()
        second_done.set()
        return seconds

    with ThreadPoolExecutor(2) as pool:
        one, two = pool.submit(first), pool.submit(second)
        assert one.result() == (1.0, 1.0)
        assert two.result() == 2.0
    assert requests.sessions.HTTPAdapter is REQUESTS_OWN


def adapter_seconds() -> float:
    adapter = adapter_of_a_new_session()
    assert isinstance(adapter, AnswerDeadlineAdapter)
    return adapter.seconds


def test_a_trickled_answer_through_requests_get_is_cut(tmp_path):
    """What osmnx does: ``requests.get`` with only a timeout for each read."""
    with FakeOpen311([]) as server:
        before = threads_of_the_client()
        server.trickle_head_s = 0.2
        started = time.monotonic()
        with each_answer_within(1.0), pytest.raises(AnswerOverdueError) as info:
            requests.get(server.url, timeout=5)
        took = time.monotonic() - started
        left = threads_of_the_client() - before
    assert 1.0 <= took < 6.0  # not the fake's 15 s (room for a busy machine)
    assert str(info.value) == "the answer was not whole after 1 s"
    assert info.value.request.url == server.url
    assert isinstance(info.value, requests.Timeout)  # as requests' own timeouts are
    assert not left


def test_an_answer_in_time_is_whole():
    with FakeOpen311([]) as server, each_answer_within(5.0):
        server.trickle_s = 0.01  # its 31 bytes in a third of a second: slow, in time
        started = time.monotonic()
        response = requests.get(server.url, params={"jurisdiction_id": "chorley"}, timeout=5)
        took = time.monotonic() - started
    assert response.status_code == 200
    assert response.json() == {"requests": [{"request": []}]}  # read in time, kept whole
    assert took > 0.01 * (len(response.content) - 1)  # it did trickle: a pause between bytes
