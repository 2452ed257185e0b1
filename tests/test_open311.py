"""Reports straight from an Open311 service, against a local server that answers like
FixMyStreet's (nothing here reaches the internet)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
import socket
import sqlite3
import time
import zipfile
from zoneinfo import ZoneInfo

import pandas as pd
import pyogrio
import pytest
import requests
from click.testing import CliRunner

from healthy_streets import settings
from healthy_streets.cli import main
from healthy_streets.errors import (
    ConfigError,
    InputFileError,
    NetworkUnavailableError,
    ProjectFileError,
)
from healthy_streets.io import open311
from healthy_streets.io._deadline import Deadline, DeadlineAdapter, DeadlinePassedError
from healthy_streets.io.open311 import Open311Client, endpoint_folder, reports_from_open311_server
from healthy_streets.io.reports import read_reports
from healthy_streets.project import load_project

from conftest import SAMPLE
from fake_http import threads_of_the_client
from fake_open311_server import Failure, FakeOpen311

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
SINCE = (NOW - dt.timedelta(days=200)).date()
#: Noon (UTC) the day before: reports made at noon, days before, are made at the same time
#: whenever the tests run, never in an hour where the clocks change.
NOON = dt.datetime.combine(NOW.date() - dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC)
#: Inside the sample's zones (Yarrowside, Chorley), and far away (Westminster).
HERE = (53.6505, -2.6215)
ELSEWHERE = (51.5007, -0.1246)
LONDON = ZoneInfo("Europe/London")


def w3c(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def first_moment(day):
    """Midnight at the start of ``day`` in the council's time, as a request's start_date."""
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=LONDON)
    return midnight.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def report(number, days_ago, *, status="open", category="Dog Fouling", where=HERE, **extra):
    made = NOW - dt.timedelta(days=days_ago)
    return {
        "service_request_id": number,
        "status": status,
        "service_name": category,
        "service_code": category[:2].upper(),
        "title": f"{category} report {number}",
        "detail": "Near the bench by the shops.",
        "description": f"{category} report {number}: Near the bench by the shops.",
        "requested_datetime": w3c(made),
        "updated_datetime": w3c(made),
        "lat": where[0] + number % 7 * 0.0003,
        "long": where[1] + number % 5 * 0.0003,
        "interface_used": "Web interface",
        "agency_responsible": {"recipient": ["Chorley Borough Council"]},
        **extra,
    }


def at_noon(number, days_ago, **extra):
    """:func:`report`, made at noon ``days_ago`` days before :data:`NOON`."""
    made = w3c(NOON - dt.timedelta(days=days_ago))
    return report(number, days_ago, requested_datetime=made, updated_datetime=made, **extra)


def twelve():
    return [report(100 + i, 3 + 15 * i) for i in range(12)]


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    """Politeness in milliseconds, not seconds (the waits themselves are tested below)."""
    monkeypatch.setattr(open311, "MIN_INTERVAL_S", 0.0)
    monkeypatch.setattr(open311, "BACKOFF_S", 0.01)


def fetch(server, cache, *, since=SINCE, **options):
    return reports_from_open311_server(
        server.url, cache_folder=cache, jurisdiction_id="chorley", since=since, **options
    )


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_service_that_pages_is_read_page_by_page(tmp_path, monkeypatch):
    monkeypatch.setattr(open311, "PAGE_SIZE", 5)
    recent = [report(100 + i, 1 + 4 * i) for i in range(12)]  # the last 45 days: one window
    with FakeOpen311(recent, pages=True) as server:
        result = fetch(server, tmp_path, since=(NOW - dt.timedelta(days=60)).date())
    assert sorted(result.layer["report_id"].astype(int)) == list(range(100, 112))
    assert [q.get("page", "1") for q in server.requests] == ["1", "2", "3"]  # 5, 5 and 2
    assert result.rows_in == result.kept == 12


def test_fixmystreet_is_walked_back_through_the_dates(tmp_path):
    with FakeOpen311(twelve(), limit=5) as server:  # no paging; newest 5 only
        result = fetch(server, tmp_path)
    assert sorted(result.layer["report_id"].astype(int)) == list(range(100, 112))
    assert all(q["jurisdiction_id"] == "chorley" for q in server.requests)
    ends = [q["end_date"] for q in server.requests]
    windows = [(q["start_date"], q["end_date"], q.get("page")) for q in server.requests]
    assert len(windows) == len(set(windows))  # no window asked twice
    assert [q["page"] for q in server.requests if "page" in q] == ["2"]  # does it page? once
    assert any(a > b for a, b in itertools.pairwise(ends))  # earlier and earlier
    starts = {
        dt.datetime.fromisoformat(q["start_date"].replace("Z", "+00:00")) for q in server.requests
    }
    assert min(starts).astimezone(LONDON).date() == SINCE  # from midnight, the council's time
    assert max(
        dt.datetime.fromisoformat(q["end_date"].replace("Z", "+00:00"))
        - dt.datetime.fromisoformat(q["start_date"].replace("Z", "+00:00"))
        for q in server.requests
    ) <= dt.timedelta(days=90)  # GeoReport v2's widest span
    assert server.user_agents[0].startswith("healthy-streets/")


@pytest.mark.parametrize("cut", ["newest", "oldest"])
def test_a_service_answering_oldest_first_is_walked_forward_through_the_dates(tmp_path, cut):
    """Ten reports an answer, oldest first: the oldest ten of the dates asked, or (a service
    that cuts its newest first, then turns them round) the newest ten."""
    thirty = [report(300 + i, 1 + i) for i in range(30)]  # the last month: one window
    with FakeOpen311(thirty) as server:
        answer = server.answer
        if cut == "newest":
            server.answer = lambda query: list(reversed(answer(query)))[:10]  # oldest ten
        else:
            server.answer = lambda query: list(reversed(answer(query)[:10]))  # newest ten
        result = fetch(server, tmp_path, since=(NOW - dt.timedelta(days=60)).date())
    assert sorted(result.layer["report_id"].astype(int)) == list(range(300, 330))
    assert not [n for n in result.notes if "missing" in n or "not sent again" in n]
    assert result.notes[0].startswith("Fetched every report made since")
    starts = [q["start_date"] for q in server.requests if "page" not in q]
    windows = [(q["start_date"], q["end_date"]) for q in server.requests if "page" not in q]
    assert len(set(windows)) == len(windows)  # no window asked twice
    if cut == "newest":  # the window, the dates before its first answer, then later and later
        assert starts[0] == starts[1] and starts[1:] == sorted(starts[1:])


def test_429_is_waited_out_as_retry_after_says_and_a_500_tried_again():
    waits = []
    with FakeOpen311(twelve()) as server:
        server.script = [Failure(429, {"Retry-After": "7"}), Failure(500)]
        client = Open311Client(server.url, jurisdiction_id="chorley", sleep=waits.append)
        items = client.get({"start_date": w3c(NOW - dt.timedelta(days=30))})
    assert len(server.requests) == 3  # 429, 500, then the answer
    assert 7.0 in waits  # Retry-After
    assert any(0 < w < 7.0 for w in waits)  # the backoff after the 500
    assert {i["service_request_id"] for i in items} == {100, 101}


def test_the_minimum_interval_between_requests_is_kept(monkeypatch):
    monkeypatch.setattr(open311, "MIN_INTERVAL_S", 1.5)
    waits = []
    clock = iter([0.0, 0.25, 1.5, 6.25, 6.25])  # asked before and after each pause
    with FakeOpen311(twelve()) as server:
        client = Open311Client(
            server.url, jurisdiction_id="chorley", sleep=waits.append, clock=lambda: next(clock)
        )
        for _ in range(3):
            client.get({})
    assert waits == [1.25]  # the second came 0.25 s after the first; the third long after


def test_a_service_that_keeps_failing_with_nothing_cached_says_to_export_a_file(tmp_path):
    with FakeOpen311(twelve()) as server:
        server.script = [Failure(503)] * (open311.RETRIES + 1)
        with pytest.raises(NetworkUnavailableError, match="Export the reports") as caught:
            fetch(server, tmp_path)
    assert "503" in str(caught.value)
    assert len(server.requests) == open311.RETRIES + 1


def test_a_missing_jurisdiction_id_is_one_clear_error(tmp_path):
    with FakeOpen311(twelve()) as server, pytest.raises(InputFileError) as caught:
        reports_from_open311_server(server.url, cache_folder=tmp_path, since=SINCE)
    assert "jurisdiction_id" in str(caught.value)
    assert server.url in str(caught.value)


def test_malformed_items_are_rejected_with_reasons_and_the_rest_kept(tmp_path):
    with FakeOpen311(twelve()) as server:
        server.junk = [
            "not a request",
            {"status": "open", "service_name": "Litter", "lat": HERE[0], "long": HERE[1]},
            report(900, 5, lat="north"),
            report(901, 5, requested_datetime="last Tuesday"),
        ]
        result = fetch(server, tmp_path)
    assert len(result.layer) == 12
    reasons = dict(zip(result.rejected["row"], result.rejected["reason"], strict=True))
    assert len(reasons) == 4
    assert result.rows_in == result.kept + result.n_rejected + result.n_outside == 16
    joined = " ".join(reasons.values())
    assert "Not a service request (a str" in joined
    assert "no service_request_id" in joined
    assert "date cannot be read" in joined
    assert "date cannot be read" in reasons["901"]  # named by its id, as the council knows it
    assert {"900", "901"} <= set(reasons)
    assert set(result.rejected["source"]) == {result.source}


def test_names_and_emails_never_reach_the_layer_or_the_cache(tmp_path):
    person = report(
        500,
        4,
        requestor_name="Jane Smithson",
        detail="Jane Smithson here: email jane.smithson@example.com or ring 07700 900123.",
        address="12 Acacia Avenue",
    )
    with FakeOpen311([person]) as server:
        result = fetch(server, tmp_path)
    detail = result.layer["detail"].iloc[0]
    assert "Smithson" not in detail and "@" not in detail and "07700" not in detail
    assert "[name removed]" in detail and "[email removed]" in detail
    cached = "".join(p.read_text() for p in tmp_path.iterdir())
    for secret in ("Smithson", "jane.smithson", "900123", "requestor_name", "Acacia"):
        assert secret not in cached, secret


#: A resident's details, as FixMyStreet's Open311 may carry them in each free-text field.
SECRETS = ("Smithson", "jane.smithson", "Quince", "07700", "900123", "900456", "example.com")


def personal_report(number, days_ago):
    """A report whose every free-text field names the resident or their contact details."""
    return report(
        number,
        days_ago,
        requestor_name="Jane Smithson",
        title="Dog mess outside Jane Smithson's gate, ring 07700 900123",
        description="Reported by Peter Quince. Email jane.smithson@example.com or 07700 900456.",
        status_notes="Officer rang Jane Smithson on 07700 900123; jane.smithson@example.com",
        group="Jane Smithson jane.smithson@example.com",
        agency_responsible={"recipient": ["Chorley Council (officer: jane.smithson@example.com)"]},
        interface_used="Reported by Peter Quince on 07700 900456",
    )


def text_of(frame):
    """Every cell of a layer but its geometry, as one text."""
    return frame.drop(columns="geometry").astype("str").to_csv()


@pytest.mark.parametrize("answers", ["json", "xml"])
def test_a_persons_details_are_removed_from_every_text_field_kept(tmp_path, answers):
    """Title, description, status notes, group, the agency and the interface (and detail,
    above) lose the resident's name, phone and email before the cache is written: neither
    the layer nor any cached file holds them, whatever the service answers in (FixMyStreet's
    XML nests an agency's recipients in elements, its JSON in a list)."""
    with FakeOpen311([personal_report(501, 4)]) as server:
        result = reports_from_open311_server(
            server.url.replace(".json", f".{answers}"),
            cache_folder=tmp_path,
            jurisdiction_id="chorley",
            since=SINCE,
        )
    assert list(result.layer["report_id"]) == ["501"]
    title = result.layer["title"].iloc[0]
    assert title == "Dog mess outside [name removed]'s gate, ring [phone removed]"
    layer = text_of(result.layer)
    cached = "".join(p.read_text(encoding="utf-8") for p in tmp_path.rglob("*") if p.is_file())
    (record,) = json.loads((tmp_path / "requests.json").read_text(encoding="utf-8"))
    for name in ("title", "description", "status_notes", "group", "interface_used"):
        assert "[name removed]" in record[name] or "[phone removed]" in record[name], name
    assert record["agency_responsible"] == "Chorley Council (officer: [email removed])"
    for secret in SECRETS:
        assert secret not in layer, secret
        assert secret not in cached, secret


#: A resident's details planted in the fields that are no free text (see :func:`plant`).
PLANTED = ("Jane Doe", "Doe", "07700", "900123", "jane.doe", "example.com")


def plant(server):
    """Requests whose fields that are no free text hold a resident's details, as an audit
    found them: a status naming who closed the report, a latitude and (sent once) a date
    holding a phone, an id that is an email, and (sent once) an item that is no request."""
    server.reports["700"] = report(700, 5, status="Closed by Jane Doe 07700 900123")
    server.reports["702"] = report(702, 6, lat="07700 900123")
    by_email = report(703, 7)
    by_email["service_request_id"] = "jane.doe@example.com"
    server.reports["jane.doe@example.com"] = by_email
    server.junk = [
        "Jane Doe, 07700 900123, jane.doe@example.com",
        report(701, 5, requested_datetime="ring Jane Doe on 07700 900123"),
    ]


def test_personal_data_in_fields_that_are_no_free_text_reaches_neither_cache_nor_layer(
    tmp_path,
):
    """Every field kept goes through the scrubber: the status loses the name and phone, the
    request whose id is an email is rejected, and the values rejected (a date, a latitude, an
    item that is no request) are shown without the name, the phone or the email."""
    with FakeOpen311(twelve()) as server:
        plant(server)
        result = fetch(server, tmp_path)
    statuses = dict(zip(result.layer["report_id"], result.layer["status_text"], strict=True))
    assert statuses["700"] == "Closed by [name removed] [phone removed]"
    assert status_of(result, 700) == "closed"
    rejected = {
        (row if row.isdigit() else field): value
        for row, field, value in result.rejected[["row", "field", "value"]].values.tolist()
    }
    assert rejected == {
        "701": "ring [name removed] on [phone removed]",
        "702": f"[phone removed], {report(702, 6)['long']}",
        "": "[text removed], [phone removed], [email removed]",  # the item that is no request
        "service_request_id": "[email removed]",
    }
    reasons = " ".join(result.rejected["reason"])
    assert "The service_request_id holds personal data" in reasons
    assert result.rows_in == 17 and result.kept == 13
    cached = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()}
    (record,) = [r for r in json.loads(cached["requests.json"]) if r["service_request_id"] == "701"]
    assert record["requested_datetime"] == "ring [name removed] on [phone removed]"
    published = [*cached.values(), text_of(result.layer), result.rejected.to_csv(), *result.notes]
    for text in published:
        for secret in PLANTED:
            assert secret not in text, secret


def test_a_json_file_of_requests_is_read_with_the_same_care(tmp_path):
    """The same requests in an Open311 file read directly (not fetched): the same layer and
    the same rejections, and the name the request names is cut out of its status too."""
    by_email = report(703, 7)
    by_email["service_request_id"] = "jane.doe@example.com"
    items = [
        report(700, 5, status="Closed by Jane Doe 07700 900123"),
        report(701, 5, requested_datetime="ring Jane Doe on 07700 900123"),
        report(702, 6, lat="Jane Doe"),
        by_email,
        report(704, 5, status="Passed to Tom Lee", requestor_name="Tom Lee"),
        report(705, 5, service_request_id="Tom Lee", requestor_name="Tom Lee"),
        report(706, 5),
    ]
    path = tmp_path / "requests.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    result = read_reports(path)
    assert sorted(result.layer["report_id"]) == ["700", "704", "706"]
    statuses = dict(zip(result.layer["report_id"], result.layer["status_text"], strict=True))
    assert statuses["700"] == "Closed by [name removed] [phone removed]"
    assert statuses["704"] == "Passed to [name removed]"
    values = dict(zip(result.rejected["field"], result.rejected["value"], strict=True))
    assert values["requested_datetime"] == "ring [name removed] on [phone removed]"
    assert values["'lat', 'long'"] == f"[text removed], {report(702, 6)['long']}"
    assert sorted(result.rejected["row"]) == ["2", "3", "4", "6"]
    assert (
        result.rejected["reason"].str.startswith("The report id holds personal data")
    ).sum() == 2
    published = text_of(result.layer) + result.rejected.to_csv() + result.repaired.to_csv()
    published += " ".join(result.notes)
    for secret in (*PLANTED, "Tom Lee"):
        assert secret not in published, secret


def test_only_reports_kept_are_counted_new_and_rejected_ones_never_gone(tmp_path):
    """A request the reader rejects (its place cannot be read) is neither new when fetched
    nor, when the service no longer sends it, no longer on the service; mended, it is new."""
    with FakeOpen311(twelve()) as server:
        server.junk = [report(704, 5, lat="north"), "not a request"]
        first = fetch(server, tmp_path)
        second = fetch(server, tmp_path)  # the malformed ones are not sent again
        server.reports["705"] = report(705, 4, lat="north")
        third = fetch(server, tmp_path)
        server.reports["705"] = report(705, 4, updated_datetime=w3c(NOW))
        fourth = fetch(server, tmp_path)
    assert first.kept == 12 and "704" in set(first.rejected["row"])
    assert ": 12 new reports, 0 updated." in first.notes[1]
    assert ": 0 new reports, 0 updated." in second.notes[1]  # 704 is not "no longer" there
    assert ": 0 new reports, 0 updated." in third.notes[1]  # 705 rejected: not new
    assert ": 1 new report, 0 updated." in fourth.notes[1]  # 705 mended: kept, so new
    assert "705" in set(fourth.layer["report_id"])


def stray(server, number, days_ago):
    """A report made and last updated ``days_ago``, which the service sends with its answer
    to updated_after all the same (a slip, or a service that ignores the ask)."""
    item = report(number, days_ago)
    answer = server.answer

    def with_stray(query):
        items = answer(query)
        return [*items, item] if "updated_after" in query else items

    server.answer = with_stray


def touch(server, numbers):
    for number in numbers:
        server.reports[str(number)]["updated_datetime"] = w3c(NOW)


def test_one_old_report_among_the_updates_is_taken_as_a_slip(tmp_path):
    """A service honouring updated_after that sends, among a dozen reports updated since,
    one updated long before: still taken to honour it (said in the notes), and the next
    fetch asks it again, not for every report of the last 90 days."""
    forty = [report(300 + i, 1 + 4 * i) for i in range(40)]
    with FakeOpen311(forty, updated_after=True) as server:
        fetch(server, tmp_path)
        touch(server, range(300, 312))
        stray(server, 900, 20)
        second = fetch(server, tmp_path)
        asked = len(server.requests)
        third = fetch(server, tmp_path)
        again = server.since(asked)
    assert json.loads((tmp_path / "state.json").read_text())["updated_after"] is True
    said = " ".join(second.notes)
    assert "1 of the 13 reports the service sent as updated since" in said
    assert "was updated before then: taken as slips of the service" in said
    assert second.notes[0].startswith("Asked for the reports updated since")
    assert len(again) == 1 and "updated_after" in again[0]  # only the updates again
    assert third.notes[0].startswith("Asked for the reports updated since")


def test_a_service_found_to_ignore_updated_after_is_asked_again_a_month_later(tmp_path):
    """An answer to updated_after mostly of reports updated before then: the service is taken
    not to honour it, said with the date it is tried again, and after that many days it is
    asked again (and, honouring it now, asked only for the updates)."""
    forty = [report(300 + i, 1 + 4 * i) for i in range(40)]
    with FakeOpen311(forty) as server:  # ignores updated_after, like FixMyStreet
        fetch(server, tmp_path)
        second = fetch(server, tmp_path)
        asked = len(server.requests)
        third = fetch(server, tmp_path)
        not_asked = server.since(asked)
        state = json.loads((tmp_path / "state.json").read_text())
        tried = dt.datetime.fromisoformat(state["updated_after_tried"].replace("Z", "+00:00"))
        later = tried - dt.timedelta(days=open311.UPDATED_AFTER_RETRY_DAYS)
        state["updated_after_tried"] = w3c(later)
        (tmp_path / "state.json").write_text(json.dumps(state))
        server.updated_after = True  # a new version of the service honours it
        asked = len(server.requests)
        fourth = fetch(server, tmp_path)
        retried = server.since(asked)
    again = tried + dt.timedelta(days=open311.UPDATED_AFTER_RETRY_DAYS)
    said = " ".join(second.notes)
    assert "the service seems not to honour updated_after" in said
    assert f"updated_after is tried again from {again:%d %b %Y} (every 30 days)" in said
    assert all("updated_after" not in q for q in not_asked)
    assert (
        f"found so on {tried:%d %b %Y}, and tried again from {again:%d %b %Y}" in (third.notes[0])
    )
    assert "updated_after" in retried[0] and len(retried) == 1
    assert fourth.notes[0].startswith("Asked for the reports updated since")
    assert json.loads((tmp_path / "state.json").read_text())["updated_after"] is True


def test_the_next_fetch_asks_only_for_updates_and_merges_them(tmp_path):
    with FakeOpen311(twelve(), updated_after=True) as server:
        first = fetch(server, tmp_path)
        assert set(first.layer["status"]) == {"open"}
        asked = len(server.requests)
        fixed = server.reports["101"]
        fixed.update(status="closed", updated_datetime=w3c(NOW + dt.timedelta(minutes=1)))
        server.reports["200"] = report(200, 0)
        second = fetch(server, tmp_path)
    again = server.since(asked)
    assert len(again) == 1
    assert "start_date" not in again[0]
    mark = dt.datetime.fromisoformat(again[0]["updated_after"].replace("Z", "+00:00"))
    assert NOW - dt.timedelta(days=4) < mark < NOW  # the latest update held, less an hour
    statuses = dict(zip(second.layer["report_id"], second.layer["status"], strict=True))
    assert statuses["101"] == "closed" and statuses["200"] == "open"
    assert len(second.layer) == 13  # replaced, not doubled
    assert "1 new report, 1 updated." in " ".join(second.notes)
    assert "updated since" in second.notes[0]


def test_fixmystreet_that_ignores_updated_after_is_asked_for_recent_reports(tmp_path):
    with FakeOpen311(twelve()) as server:  # like FixMyStreet: updated_after means nothing
        fetch(server, tmp_path)
        first = len(server.requests)
        server.reports["100"].update(status="closed", updated_datetime=w3c(NOW))
        second = fetch(server, tmp_path)
        probe, *rest = server.since(first)
        third_from = len(server.requests)
        fetch(server, tmp_path)
        third = server.since(third_from)
    assert "updated_after" in probe  # asked once, and found out
    assert all("updated_after" not in q for q in [*rest, *third])
    refresh = min(q["start_date"] for q in rest if "start_date" in q)
    assert refresh > str(SINCE)  # not the whole period again
    spans = [
        dt.datetime.fromisoformat(q["end_date"].replace("Z", "+00:00"))
        - dt.datetime.fromisoformat(q["start_date"].replace("Z", "+00:00"))
        for q in [*rest, *third]
        if "start_date" in q
    ]
    assert spans and min(spans) > dt.timedelta(days=1)  # never a window of the last minute
    assert dict(zip(second.layer["report_id"], second.layer["status"], strict=True))["100"] == (
        "closed"
    )
    state = json.loads((tmp_path / "state.json").read_text())
    assert state["updated_after"] is False


def test_offline_the_cache_is_used_and_its_age_said(tmp_path):
    server = FakeOpen311(twelve())
    with server:
        fetch(server, tmp_path)
    state = tmp_path / "state.json"
    saved = json.loads(state.read_text())
    saved["fetched_at"] = w3c(NOW - dt.timedelta(days=3, hours=2))
    state.write_text(json.dumps(saved))
    result = fetch(server, tmp_path)  # the server has gone: its port is closed
    assert len(result.layer) == 12
    line = result.notes[0]
    assert line.startswith("Offline (cannot connect to 127.0.0.1:")
    assert "3 days ago" in line
    assert sum("Offline" in note for note in result.notes) == 1  # one line


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("<!DOCTYPE html><html><body>Down for maintenance</body></html>", "a web page"),
        ('{"requests": [{"request": [{"service_request_id": "1", "stat', "JSON"),
    ],
    ids=["maintenance-page", "cut-short"],
)
def test_an_answer_that_is_not_open311_data_uses_the_cache_and_says_why(tmp_path, body, said):
    with FakeOpen311(twelve()) as server:
        fresh = tmp_path / "fresh"
        server.script = [Failure(200, body=body)]
        with pytest.raises(InputFileError, match=said):  # nothing cached: one clear error
            fetch(server, fresh)
        fetch(server, tmp_path)
        server.script = [Failure(200, body=body)]
        result = fetch(server, tmp_path)
    assert len(result.layer) == 12  # the cache
    [line] = [n for n in result.notes if "using the reports fetched" in n]
    assert line.startswith("The service was not used (") and said in line
    assert "less than a minute ago" in line


def test_a_connection_that_fails_is_tried_again_then_the_cache_used(tmp_path, monkeypatch):
    with FakeOpen311(twelve()) as server:
        fetch(server, tmp_path)
    # a proxy that does not answer: every request fails after the connection check
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    waits = []
    client = Open311Client(server.url, jurisdiction_id="chorley", sleep=waits.append)
    result = fetch(server, tmp_path, client=client)
    assert len(client.requests_made) == open311.RETRIES + 1
    assert waits == [0.01 * 2**n for n in range(open311.RETRIES)]  # 2, 4, 8... in seconds
    assert len(result.layer) == 12
    assert result.notes[0].startswith("Offline (no connection to 127.0.0.1:")
    assert "ProxyError" in result.notes[0]


#: How long a hanging fake service waits before answering (it stops when closed, so a
#: client that gives up in time does not wait for it).
HANG_S = 24.0


@pytest.fixture
def short_timeout(monkeypatch):
    """Requests that give up after 0.3 s, tried twice."""
    monkeypatch.setattr(settings, "requests_timeout", 0.3)
    monkeypatch.setattr(open311, "RETRIES", 1)
    return 0.3


def test_a_service_that_hangs_is_given_up_after_the_timeout_and_the_cache_used(
    tmp_path, short_timeout
):
    with FakeOpen311(twelve()) as server:
        fetch(server, tmp_path)
        server.delay_s = HANG_S  # connects, then answers nothing until it is closed
        started = time.monotonic()
        result = fetch(server, tmp_path)
        took = time.monotonic() - started
    tries = open311.RETRIES + 1
    # given up after each try's timeout, not after the hang (room for a busy machine)
    assert tries * short_timeout <= took < tries * short_timeout + HANG_S / 4
    assert len(result.layer) == 12  # the cache
    line = result.notes[0]
    assert line.startswith(f"Offline (timed out to 127.0.0.1:{server.httpd.server_address[1]} ")
    assert f"after {tries} tries: ReadTimeout): using the reports fetched from" in line
    assert sum("Offline" in note for note in result.notes) == 1 and "\n" not in line


def test_a_service_that_hangs_with_nothing_cached_is_one_error(tmp_path, short_timeout):
    with FakeOpen311(twelve()) as server:
        server.delay_s = HANG_S
        started = time.monotonic()
        with pytest.raises(NetworkUnavailableError) as caught:
            fetch(server, tmp_path)
        took = time.monotonic() - started
    assert took < (open311.RETRIES + 1) * short_timeout + HANG_S / 4
    message = str(caught.value)
    assert "timed out to 127.0.0.1:" in message and "Export the reports" in message
    assert "\n" not in message
    assert not (tmp_path / "requests.json").exists()


def test_offline_with_nothing_cached_points_to_a_file_export(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/open311/v2/requests.json"
    with pytest.raises(NetworkUnavailableError) as caught:
        reports_from_open311_server(url, cache_folder=tmp_path, since=SINCE)
    message = str(caught.value)
    assert "cannot connect" in message and "Export the reports" in message
    assert "read that instead, read_reports(path) (or Inputs(reports=[path]))" in message
    assert "--reports" not in message and "[[reports]]" not in message
    assert "\n" not in message


def test_offline_with_nothing_cached_names_what_the_command_has(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/open311/v2/requests.json"
    args = ["reports", "--open311", url, "--since", str(SINCE), "--cache", str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "read that instead, healthy-streets reports FILE; or try again when online." in said
    assert "--reports" not in said and "[[reports]]" not in said


def test_offline_with_nothing_cached_a_build_names_the_project_files_key(live_project):
    config = live_project / "healthy-streets.toml"
    text = config.read_text().replace('osm_file = "area.osm.pbf"', 'osm_file = "yarrowside.osm"')
    text = text.replace('file = "walkabout.csv"', 'file = "assets_walkabout.csv"')
    url = f"http://127.0.0.1:{closed_port()}/open311/v2"
    text = text.replace(
        'file = "fixmystreet.csv"\nformat = "fixmystreet"', f'open311 = "{url}"\nsince = {SINCE}'
    )
    config.write_text(text)
    result = CliRunner().invoke(main, ["build", str(config)])
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert 'read that instead, [[reports]] file = "FILE" (in place of open311);' in said
    assert "--reports" not in said and "healthy-streets reports FILE" not in said


def test_xml_answers_are_read_too(tmp_path):
    with FakeOpen311(twelve()) as server:
        result = reports_from_open311_server(
            server.url.replace(".json", ".xml"),
            cache_folder=tmp_path,
            jurisdiction_id="chorley",
            since=SINCE,
        )
    assert sorted(result.layer["report_id"].astype(int)) == list(range(100, 112))
    assert set(result.layer["category"]) == {"dog_fouling"}


def test_reports_outside_the_area_are_counted_not_kept(tmp_path):
    from healthy_streets.io.zones import read_zones

    zones = read_zones(SAMPLE / "zones.geojson").layer
    area = zones.union_all().buffer(300)
    far = [report(300 + i, 2 + i, where=ELSEWHERE) for i in range(3)]
    # coordinates that are no place are rejected with why, not counted outside the area
    nowhere = [report(310, 3, lat=0, long=0), report(311, 3, lat=91.5, long=-2.6)]
    with FakeOpen311([*twelve(), *far, *nowhere]) as server:
        result = fetch(server, tmp_path, area=area)
    assert len(result.layer) == 12
    assert result.n_outside == 3
    assert result.outside["distance_m"].min() > 200_000  # London is far from Chorley
    assert result.outside["distance_m"].max() < 1_000_000  # and nothing is "inf km" away
    reasons = dict(zip(result.rejected["row"], result.rejected["reason"], strict=True))
    assert sorted(reasons) == ["310", "311"]
    assert "0, 0, which is not a real place" in reasons["310"]
    assert any("outside the project area" in note for note in result.notes)
    cached = json.loads((tmp_path / "requests.json").read_text())
    assert len(cached) == 14  # not those outside; those of no place, rejected on every read


def test_the_command_fetches_with_since_and_a_cache(tmp_path):
    with FakeOpen311(twelve()) as server:
        server.junk = [report(901, 5, requested_datetime="last Tuesday")]
        args = ["reports", "--open311", server.url, "--since", str(SINCE)]
        args += ["--jurisdiction-id", "chorley", "--cache", str(tmp_path)]
        result = CliRunner().invoke(main, args)
        bad = CliRunner().invoke(main, [*args[:3], "--since", "last spring"])
    assert result.exit_code == 0, result.output
    assert "dog_fouling" in result.output
    assert "12 new reports" in result.output  # not 901, rejected: its date cannot be read
    assert "(Open311 request 901)" in result.output  # the council's id, not a position
    folder = endpoint_folder(tmp_path, server.url, jurisdiction_id="chorley")
    assert (folder / "state.json").is_file()
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output  # a bad argument


def test_a_password_or_key_in_the_address_is_used_but_never_shown(tmp_path):
    with FakeOpen311(twelve()) as server:
        address = server.url.replace("http://", "http://jo:s3cret@") + "?api_key=k3y"
        result = reports_from_open311_server(
            address, cache_folder=tmp_path, since=SINCE, jurisdiction_id="chorley"
        )
    assert len(result.layer) == 12
    assert all(q.get("api_key") == "k3y" for q in server.requests)  # the key is sent
    shown = [result.source, *result.notes, *map(str, tmp_path.rglob("*"))]
    shown += result.layer["source"].tolist() + result.rejected["source"].tolist()
    shown += [p.read_text(encoding="utf-8") for p in tmp_path.rglob("*") if p.is_file()]
    for text in shown:
        assert "s3cret" not in text and "k3y" not in text and "jo:" not in text, text
    state = json.loads((tmp_path / "state.json").read_text(encoding="utf-8"))
    assert state["endpoint"] == server.url


def test_a_cache_that_kept_a_password_is_used_and_kept_without_it(tmp_path):
    """A cache written before the state left out credentials: the same service, so only the
    changes are asked for, and the state is written again without them."""
    with FakeOpen311(twelve()) as server:
        address = server.url.replace("http://", "http://alice:s3cretPW@") + "?api_key=K3Y"
        fetch(server, tmp_path)
        state = json.loads((tmp_path / "state.json").read_text(encoding="utf-8"))
        state["endpoint"] = server.url.replace("http://", "http://alice:s3cretPW@")
        (tmp_path / "state.json").write_text(json.dumps(state), encoding="utf-8")
        asked = len(server.requests)
        result = reports_from_open311_server(
            address, cache_folder=tmp_path, since=SINCE, jurisdiction_id="chorley"
        )
        again = server.since(asked)
    assert len(result.layer) == 12
    assert all(q.get("start_date", "9") > str(SINCE) for q in again)  # not the whole period
    cached = "".join(p.read_text(encoding="utf-8") for p in tmp_path.rglob("*") if p.is_file())
    assert "s3cretPW" not in cached and "K3Y" not in cached and "alice" not in cached


def test_the_project_file_checks_open311_entries(tmp_path):
    (tmp_path / "healthy-streets.toml").write_text(
        '[zones]\nfile = "zones.geojson"\n[streets]\nosm_file = "area.osm"\n'
        '[[reports]]\nopen311 = "ftp://example"\n'
        '[[reports]]\nopen311 = "https://example.org/open311/v2"\nsince = "yesterday"\n'
        '[[reports]]\nopen311 = "https://example.org/open311/v2"\nfile = "r.csv"\n'
    )
    with pytest.raises(ProjectFileError) as caught:
        load_project(tmp_path)
    message = str(caught.value)
    assert "[[reports]] number 1: The Open311 address 'ftp://example' is not a web" in message
    assert "[[reports]] number 2: The date 'yesterday'" in message
    assert "[[reports]] number 3 has both file and open311" in message


@pytest.mark.parametrize(
    "address",
    [
        "http://[::1",
        "https://example.org:port/open311/v2",
        "https://example.org/v2\r\nX-A: b",
        "https://" + "a" * 300 + "/open311/v2",  # a label no host name may have
    ],
)
def test_an_address_that_cannot_be_read_is_refused_with_a_message(tmp_path, address):
    """A bracket not closed, a port of letters or a line break: one message from the
    project file and from the command line, never a traceback."""
    (tmp_path / "healthy-streets.toml").write_text(
        '[zones]\nfile = "zones.geojson"\n[streets]\nosm_file = "area.osm"\n'
        f"[[reports]]\nopen311 = {json.dumps(address)}\n"
    )
    with pytest.raises(ProjectFileError, match="is not a web address"):
        load_project(tmp_path)
    args = ["reports", "--open311", address, "--cache", str(tmp_path / "cache")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0
    assert "is not a web address" in result.output
    assert isinstance(result.exception, SystemExit)  # a message, not an exception
    assert "Traceback" not in result.output


@pytest.fixture
def live_project(tmp_path):
    folder = tmp_path / "yarrowside"
    assert CliRunner().invoke(main, ["init", str(folder)]).exit_code == 0
    for name in ("zones.geojson", "yarrowside.osm", "assets_walkabout.csv"):
        shutil.copy(SAMPLE / name, folder / name)
    return folder


def test_a_project_builds_twice_from_the_service_the_second_time_asking_for_changes(
    live_project,
):
    reports = [*twelve(), report(400, 10, where=ELSEWHERE), personal_report(402, 6)]
    with FakeOpen311(reports) as server:
        plant(server)  # a resident's details where no free text should be
        config = live_project / "healthy-streets.toml"
        text = config.read_text()
        text = text.replace('osm_file = "area.osm.pbf"', 'osm_file = "yarrowside.osm"')
        text = text.replace('file = "walkabout.csv"', 'file = "assets_walkabout.csv"')
        text = text.replace(
            'file = "fixmystreet.csv"\nformat = "fixmystreet"',
            f'open311 = "{server.base}"\njurisdiction_id = "chorley"\nsince = {SINCE}',
        )
        config.write_text(text)
        project = load_project(config)
        cache = project.inputs.reports[0].path
        assert cache.parent == (live_project / "cache" / "open311").resolve()

        first = CliRunner().invoke(main, ["build", str(config)])
        assert first.exit_code == 0, first.output
        assert f"reports come from the Open311 service at {server.base[7:].split('/')[0]}" in (
            first.output
        )
        asked = len(server.requests)
        server.reports["102"].update(status="closed", updated_datetime=w3c(NOW))
        server.reports["401"] = report(401, 1)
        second = CliRunner().invoke(main, ["build", str(config), "--overwrite", "--since-last"])
        assert second.exit_code == 0, second.output
        again = server.since(asked)
    assert "Fetching reports from" in second.output
    assert "1 new report, 1 updated." in second.output
    first_starts = {q["start_date"] for q in server.requests[:asked]}
    assert min(first_starts) == first_moment(SINCE)
    assert all(q.get("start_date", "9") > str(SINCE) for q in again)  # not the whole period
    lists = [p for p in server.paths[asked:] if p.endswith("/requests.json")]
    assert len(lists) < asked  # and the old open reports, one by one
    assert sorted(p for p in server.paths[asked:] if p not in lists) == [
        f"/open311/v2/requests/{n}.json" for n in range(106, 112)
    ]
    store = live_project / "out" / "healthy-streets.gpkg"
    stored = pyogrio.read_dataframe(store, layer="reports")
    statuses = dict(zip(stored["report_id"], stored["status"], strict=True))
    assert statuses["102"] == "closed" and statuses["401"] == "open"
    assert "400" not in statuses  # in Westminster: outside the project area
    provenance = pyogrio.read_dataframe(store, layer="provenance", read_geometry=False)
    row = provenance.set_index("role").loc["reports"]
    assert (row["rows_in"], row["kept"], row["rejected"], row["outside"]) == (20, 15, 4, 1)
    assert row["path"] == cache.relative_to(live_project.resolve()).as_posix()  # no home
    styled = pyogrio.read_dataframe(store, layer="layer_styles", read_geometry=False)
    assert "reports" in set(styled["f_table_name"])
    # the second build marks what is new and what was fixed or closed since the first
    out = live_project / "out"
    said = "1 new report, 1 fixed or closed, no places added, none removed"
    assert said in second.output and said in (out / "index.html").read_text(encoding="utf-8")
    changes = pd.read_csv(out / "tables" / "changes.csv", dtype="str", encoding="utf-8-sig")
    assert dict(zip(changes["id"], changes["change"], strict=True)) == {
        "401": "new_report",
        "102": "report_closed",
    }
    for zone_id in set(changes["zone_id"]) - {"(outside zones)"}:
        page = (out / "maps" / f"{zone_id}.html").read_text(encoding="utf-8")
        assert '"since_last"' in page
    # the resident's details reach nothing the build publishes, nor the cache
    assert "402" in statuses and "700" in statuses
    published = published_text(out)
    assert "[name removed]" in published
    assert "Closed by [name removed] [phone removed]" in published  # 700's status
    cached = "".join(p.read_text(encoding="utf-8") for p in cache.rglob("*") if p.is_file())
    for secret in (*SECRETS, *PLANTED):
        assert secret not in published, secret
        assert secret not in cached, secret


def published_text(out):
    """Every text in the build's outputs: the maps, the tables (and the workbook's
    sheets), the rejected rows and every text of the store."""
    texts = []
    for path in sorted(out.rglob("*")):
        if path.suffix in (".html", ".csv", ".json"):
            texts.append(path.read_text(encoding="utf-8"))
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                texts += [book.read(n).decode("utf-8") for n in book.namelist()]
        elif path.suffix == ".gpkg":
            with sqlite3.connect(path) as db:
                found = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                tables = [r[0] for r in found.fetchall()]
                for table in tables:
                    rows = db.execute(f'SELECT * FROM "{table}"').fetchall()
                    texts += [v for row in rows for v in row if isinstance(v, str)]
    return "\n".join(texts)


def test_a_service_whose_pages_change_size_is_read_to_the_end(tmp_path, monkeypatch):
    monkeypatch.setattr(open311, "PAGE_SIZE", 5)
    recent = [report(100 + i, 1 + 2 * i) for i in range(12)]  # the last 25 days: one window
    since = (NOW - dt.timedelta(days=60)).date()
    with FakeOpen311(recent, pages=True) as server:
        answer = server.answer

        def shrinking(query):  # pages of 5, then of 3 from the second request on
            items = answer(query)
            server.limit = 3
            return items

        server.answer = shrinking
        first = fetch(server, tmp_path, since=since)
        server.answer = answer
        for i in range(7):  # a week later, the service still pages by 3 (fewer than asked)
            server.reports[str(200 + i)] = report(200 + i, 0)
        second = fetch(server, tmp_path, since=since)
    assert sorted(first.layer["report_id"].astype(int)) == list(range(100, 112))
    assert len(second.layer) == 19


def test_a_service_that_never_sends_a_last_page_is_left_after_the_most_pages(tmp_path, monkeypatch):
    """A faulty service whose every page is full of reports never seen before is read up to
    MAX_PAGES pages a window, not for ever; the fetch keeps what came and says that some
    reports may be missing."""
    monkeypatch.setattr(open311, "PAGE_SIZE", 5)
    monkeypatch.setattr(open311, "MAX_PAGES", 4)
    since = (NOW - dt.timedelta(days=20)).date()
    fresh = itertools.count(1000)
    with FakeOpen311([], pages=True) as server:
        server.answer = lambda query: [report(next(fresh), 1) for _ in range(5)]
        result = fetch(server, tmp_path, since=since)
    assert len(result.layer) == 20  # four pages of five
    [note] = [n for n in result.notes if "never a last one; reading stopped there" in n]
    assert "sent 4 full pages for the reports made between 20" in note, note


def test_a_report_the_service_no_longer_has_leaves_the_cache(tmp_path):
    with FakeOpen311(twelve()) as server:  # like FixMyStreet: asked again for recent reports
        fetch(server, tmp_path)
        del server.reports["103"]  # hidden by the council, 48 days after it was made
        del server.reports["110"]  # made 153 days ago: not asked for again, so not known
        second = fetch(server, tmp_path, recheck_per_build=0)
    kept = set(second.layer["report_id"])
    assert "103" not in kept and "110" in kept
    assert len(second.layer) == 11
    assert "1 no longer on the service" in " ".join(second.notes)
    cached = json.loads((tmp_path / "requests.json").read_text())
    assert "103" not in {r["service_request_id"] for r in cached}


def test_reports_a_limited_answer_leaves_out_are_kept_not_taken_as_removed(tmp_path):
    """A service whose own limit falls while it is read (ten reports an answer, then five)
    leaves out reports the walk took as sent: so many missing at once are kept in the
    cache, and the fetch says why; a few removed by the council still leave it."""
    thirty = [report(300 + i, 1 + i) for i in range(30)]  # the last month: one window
    since = (NOW - dt.timedelta(days=60)).date()
    with FakeOpen311(thirty) as server:
        assert len(fetch(server, tmp_path, since=since).layer) == 30
        answer = server.answer
        windows = []

        def falling(query):  # ten for the first window of dates asked, then five
            windows.append("start_date" in query)
            return answer(query)[: 10 if windows.count(True) <= 1 else 5]

        server.answer = falling
        limited = fetch(server, tmp_path, since=since)
        server.answer = answer
        del server.reports["300"], server.reports["301"]  # hidden by the council
        removed = fetch(server, tmp_path, since=since)
    assert len(limited.layer) == 30
    [note] = [n for n in limited.notes if "were not sent again" in n]
    assert note.startswith("16 of the 30 reports fetched before")  # 10, then 4 and the 10th
    assert "looks like a limit of the service" in note
    assert len(removed.layer) == 28 and "2 no longer on the service" in " ".join(removed.notes)


def test_answers_that_cannot_be_shown_complete_are_said(tmp_path):
    """A service that sends the same ten reports, in no order, whatever dates are asked:
    the walk cannot show it has every report, keeps what came and says so, never that it
    fetched every report."""
    thirty = [report(300 + i, 1 + i) for i in range(30)]
    since = (NOW - dt.timedelta(days=60)).date()
    with FakeOpen311(thirty) as server:
        same = sorted(server.answer({}), key=lambda r: int(r["service_request_id"]) % 7)[:10]
        server.answer = lambda query: list(same)
        result = fetch(server, tmp_path, since=since)
    assert len(result.layer) == 10
    assert result.notes[0].startswith("Fetched the reports made since")
    assert "some may be missing" in result.notes[0]
    assert not [n for n in result.notes if n.startswith("Fetched every report")]
    assert [n for n in result.notes if "some of them may be missing" in n]
    assert len(server.requests) < 10  # the same answer again is not asked for ever


def test_since_is_a_day_in_the_councils_time(tmp_path):
    summer = dt.date(NOW.year - 1, 7, 1)  # British Summer Time: midnight is 23:00 UTC
    first_hour = report(100, 0, requested_datetime=f"{summer}T00:30:00+01:00")
    day_before = report(
        101, 0, requested_datetime=f"{summer - dt.timedelta(days=1)}T23:30:00+01:00"
    )
    with FakeOpen311([first_hour, day_before, report(102, 3)]) as server:
        first = fetch(server, tmp_path, since=summer)
        asked = len(server.requests)
        fetch(server, tmp_path, since=summer)
        again = server.since(asked)
    assert sorted(first.layer["report_id"]) == ["100", "102"]
    first_start = min(q["start_date"] for q in server.requests[:asked])
    assert first_start == first_moment(summer) == f"{summer - dt.timedelta(days=1)}T23:00:00Z"
    assert all(q.get("start_date", "9") > f"{summer}" for q in again)  # not the months before


def test_a_report_from_other_dates_in_an_answer_does_not_stop_the_walk_back(tmp_path):
    """FixMyStreet answering ten at a time, its first answer carrying a valid report made
    years before the dates asked: every report of the dates is fetched all the same, and
    the report from 2020 (before the first day asked) is neither kept nor counted."""
    forty = [at_noon(300 + i, i) for i in range(40)]  # the last 41 days, whatever the hour
    stray = report(1, 0, requested_datetime="2020-01-01T00:00:00Z")
    stray["updated_datetime"] = stray["requested_datetime"]
    with FakeOpen311(forty, limit=10) as server:
        server.junk = [stray]
        result = fetch(server, tmp_path, since=(NOW - dt.timedelta(days=60)).date())
    assert sorted(result.layer["report_id"].astype(int)) == list(range(300, 340))
    assert result.notes[0].startswith("Fetched every report made since")
    assert " 40 new reports, 0 updated." in result.notes[1]  # not 41
    assert not [n for n in result.notes if "missing" in n]


def test_reports_made_in_the_hour_that_came_twice_are_fetched_and_read_again(tmp_path):
    """Reports made in the hour the clocks went back, written as FixMyStreet writes them
    (with the offset then in force) and in UTC: fetched, kept in the cache, and read at
    their own moments, by this build and, from the cache, by the next one offline."""
    made = {
        "1": "2025-10-26T01:30:00+01:00",  # 00:30 UTC
        "2": "2025-10-26T01:30:00+00:00",  # an hour later, the second 01:30
        "3": "2025-10-26T01:59:00Z",  # 01:59 GMT
        "4": "2025-10-26T00:59:59+00:00",  # 01:59:59 BST
    }
    reports = [
        report(int(rid), 0, requested_datetime=when, updated_datetime=when)
        for rid, when in made.items()
    ]
    expected = {
        "1": "2025-10-26 00:30:00+00:00",
        "2": "2025-10-26 01:30:00+00:00",
        "3": "2025-10-26 01:59:00+00:00",
        "4": "2025-10-26 00:59:59+00:00",
    }
    server = FakeOpen311(reports)
    with server:
        first = fetch(server, tmp_path, since=dt.date(2025, 10, 20))
    cached = json.loads((tmp_path / "requests.json").read_text())
    assert {r["service_request_id"]: r["requested_datetime"] for r in cached} == made
    later = fetch(server, tmp_path, since=dt.date(2025, 10, 20))  # offline: the port is closed
    assert later.notes[0].startswith("Offline")
    for result in (first, later):
        reported = result.layer.set_index("report_id")["reported_at"].dt.tz_convert("UTC")
        assert reported.astype("str").to_dict() == expected
        assert not [n for n in result.notes if "clocks" in n]  # offsets given: no guess


@pytest.mark.parametrize(
    ("limit", "pages"), [(5, ["1", "2", "3"]), (20, ["1", "2"])], ids=["more", "empty"]
)
def test_a_service_paging_below_the_size_asked_is_found_to_page(tmp_path, limit, pages):
    """A service that pages by at most ``limit`` (fewer than the 1000 asked): its short
    first answer is followed by page 2 once, to learn whether it pages (new reports, or
    none: it does), and that is remembered."""
    recent = [report(100 + i, 1 + 4 * i) for i in range(12)]  # the last 45 days: one window
    with FakeOpen311(recent, pages=True, limit=limit) as server:
        server.answer = lambda query, answer=server.answer: list(reversed(answer(query)))
        result = fetch(server, tmp_path, since=(NOW - dt.timedelta(days=60)).date())
    assert sorted(result.layer["report_id"].astype(int)) == list(range(100, 112))
    assert [q.get("page", "1") for q in server.requests] == pages
    assert result.notes[0].startswith("Fetched every report made since")
    assert json.loads((tmp_path / "state.json").read_text())["paging"] is True


def test_a_service_that_does_not_page_is_asked_for_page_2_once(tmp_path):
    with FakeOpen311(twelve()) as server:  # FixMyStreet: the same answer again
        fetch(server, tmp_path)
        first = len(server.requests)
        fetch(server, tmp_path)
    assert [q["page"] for q in server.requests if "page" in q] == ["2"]
    assert all("page" not in q for q in server.since(first))
    assert json.loads((tmp_path / "state.json").read_text())["paging"] is False


def test_a_service_that_stops_paging_is_learnt_again_without_a_false_warning(tmp_path):
    """A service first seen paging (remembered in the state) that later answers page 2 with
    page 1 again no longer pages: that is learnt again, and every report is taken as sent,
    with no note that some may be missing."""
    recent = [report(100 + i, 1 + 4 * i) for i in range(12)]  # the last 45 days: one window
    since = (NOW - dt.timedelta(days=60)).date()
    with FakeOpen311(recent, pages=True, limit=20) as server:
        fetch(server, tmp_path, since=since)
        assert json.loads((tmp_path / "state.json").read_text())["paging"] is True
        server.pages = False  # the service's new version ignores page
        server.reports["200"] = report(200, 0)
        second = fetch(server, tmp_path, since=since)
        asked = len(server.requests)
        third = fetch(server, tmp_path, since=since)
    assert json.loads((tmp_path / "state.json").read_text())["paging"] is False
    assert len(second.layer) == len(third.layer) == 13
    for result in (second, third):
        assert not [n for n in result.notes if "missing" in n], result.notes
    assert all("page" not in q for q in server.since(asked))  # not asked for page 2 again


def close(server, number):
    server.reports[str(number)].update(status="closed", updated_datetime=w3c(NOW))


def test_old_open_reports_are_asked_for_again_by_id(tmp_path, monkeypatch):
    """A service that ignores updated_after but takes a list of ids: the reports made
    before the dates asked again that were open are asked for by id, a few at a time, and
    their closing is seen."""
    monkeypatch.setattr(open311, "BY_ID_BATCH", 4)
    with FakeOpen311(twelve(), by_id="list") as server:
        fetch(server, tmp_path)
        first = len(server.requests)
        for number in (101, 108, 111):  # made 18, 123 and 168 days ago
            close(server, number)
        second = fetch(server, tmp_path)
    by_id = [q["service_request_id"] for q in server.since(first) if "service_request_id" in q]
    assert by_id == ["106,107,108,109", "110,111"]  # the six made more than 90 days ago
    statuses = dict(zip(second.layer["report_id"], second.layer["status"], strict=True))
    assert [statuses[n] for n in ("101", "108", "111", "110")] == ["closed"] * 3 + ["open"]
    assert (
        "the 6 reports made before then that were open were asked for again by id"
        in (second.notes[0])
    )
    assert "0 new reports, 3 updated." in second.notes[1]
    assert json.loads((tmp_path / "state.json").read_text())["by_id"] is True


def one_by_one(server, start):
    """The ids of the reports asked for one at a time (``requests/<id>.json``) since the
    request ``start``."""
    paths = server.paths[start:]
    return [p.rsplit("/", 1)[1].removesuffix(".json") for p in paths if "/requests/" in p]


def status_of(result, number):
    return dict(zip(result.layer["report_id"], result.layer["status"], strict=True))[str(number)]


@pytest.mark.parametrize("by_id", ["one", "ignored"])
def test_old_open_reports_are_checked_one_by_one_in_turn_until_a_closing_is_seen(tmp_path, by_id):
    """FixMyStreet takes one id, not a list (a list is a server error there, not tried
    again); another service ignores the ids. Either way the old open reports are asked for
    one at a time, at most recheck_per_build a build, those never checked (then those
    checked longest ago) first, so that a closing is seen within a few builds."""
    with FakeOpen311(twelve(), by_id=by_id) as server:
        fetch(server, tmp_path)
        builds, asked = [], []
        for build in range(4):
            if build == 1:  # after the probe of updated_after, which FixMyStreet ignores
                close(server, 111)  # made 168 days ago, the last in turn
            start = len(server.requests)
            builds.append(fetch(server, tmp_path, recheck_per_build=2))
            asked.append(one_by_one(server, start))
        lists = [q for q in server.requests if "," in q.get("service_request_id", "")]
    assert len(lists) == 1  # a list once, not retried; then one by one
    assert asked == [["106", "107"], ["108", "109"], ["110", "111"], ["106", "107"]]
    assert [status_of(b, 111) for b in builds] == ["open", "open", "closed", "closed"]
    assert (
        "of the 6 open reports made more than 90 days ago, 2 were asked for again one by one "
        "(at most 2 a build: the service cannot be asked for a list of ids), 0 found closed "
        "since; 4 were not checked this time, so a closing of one of them since is not known "
        "yet (4 never checked again since first fetched)."
    ) in builds[0].notes[0]
    today = f"{NOW:%d %b %Y}"
    assert (
        builds[1]
        .notes[0]
        .endswith(
            f"(2 never checked again since first fetched; the one checked longest ago was last "
            f"checked on {today})."
        )
    )
    assert "2 were asked for again one by one" in builds[2].notes[0]
    assert "1 found closed since" in builds[2].notes[0]
    assert "of the 5 open reports" in builds[3].notes[0]  # 111 is closed: no longer due
    assert f"the one checked longest ago was last checked on {today}" in builds[3].notes[0]
    checked = json.loads((tmp_path / "state.json").read_text())["checked"]
    assert sorted(checked) == ["106", "107", "108", "109", "110"]
    assert json.loads((tmp_path / "state.json").read_text())["by_id"] is False


def test_at_most_recheck_per_build_reports_are_asked_for_one_by_one(tmp_path, monkeypatch):
    monkeypatch.setattr(open311, "RECHECK_PER_BUILD", 3)
    many = [report(500 + i, 100 + i) for i in range(40)]  # 40 old open reports
    with FakeOpen311(many) as server:
        fetch(server, tmp_path)
        for cap, expected in ((None, 3), (7, 7), (0, 0)):
            start = len(server.requests)
            result = fetch(server, tmp_path, recheck_per_build=cap)
            assert len(one_by_one(server, start)) == expected
            assert result.notes[0].count(f"{expected} were asked for again one by one") == 1
    with pytest.raises(ConfigError, match="recheck_per_build = 50"):
        fetch(server, tmp_path, recheck_per_build=-1)


def test_an_old_report_the_service_no_longer_has_is_said_and_leaves_the_cache(tmp_path):
    """A 404 for one id (deleted), an empty answer for another (FixMyStreet's answer for a
    report it hides): both said, taken out, and the rest checked."""
    with FakeOpen311(twelve()) as server:
        fetch(server, tmp_path)
        del server.reports["107"]
        server.hidden.add("109")
        close(server, 110)
        done = open311.fetch_open311(
            server.url, cache_folder=tmp_path, jurisdiction_id="chorley", since=SINCE
        )
    second = open311.read_open311_cache(tmp_path, notes=done.notes)
    said = second.notes[0]
    assert "6 were asked for again one by one" in said
    assert "1 found closed since, 2 no longer on the service (hidden or deleted)." in said
    assert (done.recheck.gone, done.recheck.closed, done.recheck.unchecked) == (
        ["107", "109"],
        1,
        0,
    )
    assert "2 no longer on the service" in second.notes[1]
    kept = set(second.layer["report_id"])
    assert not kept & {"107", "109"} and len(kept) == 10
    assert status_of(second, 110) == "closed"
    cached = {r["service_request_id"] for r in json.loads((tmp_path / "requests.json").read_text())}
    assert not cached & {"107", "109"}


def test_a_service_with_no_requests_by_id_is_not_taken_to_have_removed_them(tmp_path):
    """A service that answers no requests/<id>.json (every one a 404) has not deleted the
    reports: they are kept, and it is not asked one by one again."""
    old = [report(600 + i, 100 + i) for i in range(8)]
    with FakeOpen311(old) as server:
        fetch(server, tmp_path)
        server.reports.clear()  # requests/<id>.json: 404 for every one
        server.answer = lambda query: list(old)  # the lists still answer
        second = fetch(server, tmp_path)
        start = len(server.requests)
        third = fetch(server, tmp_path)
    assert len(second.layer) == 8 and len(third.layer) == 8
    assert "seems not to answer requests/<id>.json: they are kept" in second.notes[0]
    assert one_by_one(server, start) == []
    assert json.loads((tmp_path / "state.json").read_text())["one_by_id"] is False


def test_offline_the_old_open_reports_are_not_checked_and_that_is_said(tmp_path):
    server = FakeOpen311(twelve())
    with server:
        fetch(server, tmp_path)
        close(server, 106)
        online = fetch(server, tmp_path, recheck_per_build=2)
    offline = fetch(server, tmp_path, recheck_per_build=2)  # the port is closed
    assert status_of(online, 106) == "closed"
    assert status_of(offline, 106) == "closed"  # as cached
    line = offline.notes[0]
    assert line.startswith("Offline (cannot connect to 127.0.0.1:")
    assert (
        "None of the 5 open reports made more than 90 days before then was checked again (4 "
        f"never checked again since first fetched; the one checked longest ago was last "
        f"checked on {NOW:%d %b %Y})."
    ) in line
    assert sum("Offline" in note for note in offline.notes) == 1


def test_recheck_per_build_is_read_from_the_project_file_and_the_command(tmp_path):
    with FakeOpen311(twelve()) as server:
        args = ["reports", "--open311", server.url, "--since", str(SINCE)]
        args += ["--jurisdiction-id", "chorley", "--cache", str(tmp_path)]
        assert CliRunner().invoke(main, args).exit_code == 0
        start = len(server.requests)
        result = CliRunner().invoke(main, [*args, "--recheck-per-build", "1"])
        bad = CliRunner().invoke(main, [*args, "--recheck-per-build", "-3"])
    assert result.exit_code == 0, result.output
    assert one_by_one(server, start) == ["106"]
    assert "1 was asked for again one by one" in result.output
    assert bad.exit_code == 2
    shown = " ".join(CliRunner().invoke(main, ["reports", "--help"]).output.split())
    assert f"[default: {open311.RECHECK_PER_BUILD}]" in shown
    config = tmp_path / "project" / "healthy-streets.toml"
    config.parent.mkdir()
    head = '[zones]\nfile = "zones.geojson"\n[streets]\nosm_file = "area.osm"\n[[reports]]\n'
    entry = 'open311 = "https://example.org/open311/v2"\nrecheck_per_build = '
    config.write_text(head + entry + "50\n")
    assert load_project(config).inputs.reports[0].options["recheck_per_build"] == 50
    for wrong in ("-1", "5000", '"ten"'):
        config.write_text(head + entry + wrong + "\n")
        with pytest.raises(ProjectFileError, match="recheck_per_build"):
            load_project(config)


def test_reports_before_the_first_day_are_not_counted_as_new(tmp_path):
    """FixMyStreet answers updated_after (which it ignores) with its newest reports, some
    made before the first day asked for: a second fetch with nothing changed counts none."""
    with FakeOpen311(twelve()) as server:
        args = ["reports", "--open311", server.url, "--since", str(NOW.date() - dt.timedelta(20))]
        args += ["--jurisdiction-id", "chorley", "--cache", str(tmp_path)]
        first = CliRunner().invoke(main, args)
        second = CliRunner().invoke(main, args)
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert ": 2 new reports, 0 updated." in first.output  # made 3 and 18 days ago
    assert ": 0 new reports, 0 updated." in second.output


def test_each_wait_is_said_with_its_reason_and_length(caplog):
    """A 429 with Retry-After, twice, then a 503: each wait is logged as it starts, with
    the reason and the seconds, marked for the command line to show by default."""
    waits = []
    with FakeOpen311(twelve()) as server:
        server.script = [Failure(429, {"Retry-After": "4"})] * 2 + [Failure(503)]
        client = Open311Client(server.url, jurisdiction_id="chorley", sleep=waits.append)
        with caplog.at_level("INFO", logger="healthy_streets.io.open311"):
            client.get({})
    host = f"127.0.0.1:{server.httpd.server_address[1]}"
    said = [r.getMessage() for r in caplog.records if getattr(r, "shown", False)]
    assert said == [
        f"The service at {host} is busy (HTTP 429 Too Many Requests) and asked us to wait "
        "4 s; waiting (try 2 of 5).",
        f"The service at {host} is busy (HTTP 429 Too Many Requests) and asked us to wait "
        "4 s; waiting (try 3 of 5).",
        f"The service at {host} is unavailable (HTTP 503 Service Unavailable); trying again "
        "in 0.01 s (try 4 of 5).",  # the first wait of our own: the 429s asked for theirs
    ]
    assert waits == [4.0, 4.0, 0.01]


def test_the_backoff_counts_only_its_own_waits():
    """A 500 after a 429 waits the first backoff (2 s, here 0.01), the next 500 twice that:
    the wait a 429 asked for does not count, as the README says (2, 4, 8, 16 s)."""
    waits = []
    with FakeOpen311(twelve()) as server:
        server.script = [Failure(429, {"Retry-After": "3"}), Failure(500), Failure(502)]
        client = Open311Client(server.url, jurisdiction_id="chorley", sleep=waits.append)
        client.get({})
    assert waits == [3.0, 0.01, 0.02]


def test_the_command_shows_each_wait_by_default_and_not_when_quiet(tmp_path):
    with FakeOpen311(twelve()) as server:
        args = ["reports", "--open311", server.url, "--jurisdiction-id", "chorley"]
        args += ["--since", str(SINCE), "--cache", str(tmp_path / "cache")]
        server.script = [Failure(503)]
        shown = CliRunner().invoke(main, args)
        server.script = [Failure(503)]
        quiet = CliRunner().invoke(main, ["-q", *args, "--cache", str(tmp_path / "other")])
    assert shown.exit_code == 0, shown.output
    assert quiet.exit_code == 0, quiet.output
    line = "is unavailable (HTTP 503 Service Unavailable); trying again in 0.01 s (try 2 of 5)."
    assert f"… The service at 127.0.0.1:{server.httpd.server_address[1]} {line}" in shown.stderr
    assert line not in quiet.stderr


def age_the_last_walk(cache, days):
    state = json.loads((cache / "state.json").read_text())
    walked = dt.datetime.fromisoformat(state["walked_at"].replace("Z", "+00:00"))
    state["walked_at"] = w3c(walked - dt.timedelta(days=days))
    (cache / "state.json").write_text(json.dumps(state))


def test_a_service_honouring_updated_after_is_walked_again_to_notice_removals(tmp_path):
    """A council system honouring updated_after never sends a report it removed: the next
    fetch asks only for updates and says when every date was last walked; once that walk
    is REWALK_DAYS old, every date is asked again and the removed report leaves the cache."""
    forty = [report(300 + i, 1 + 4 * i) for i in range(40)]
    with FakeOpen311(forty, updated_after=True) as server:
        assert len(fetch(server, tmp_path).layer) == 40
        del server.reports["305"]  # deleted by the council
        server.reports["400"] = report(400, 0)
        asked = len(server.requests)
        age_the_last_walk(tmp_path, 3)
        soon = fetch(server, tmp_path)
        quick = server.since(asked)
        age_the_last_walk(tmp_path, open311.REWALK_DAYS - 3)
        later = fetch(server, tmp_path)
    assert len(quick) == 1 and "updated_after" in quick[0]  # only the updates
    assert len(soon.layer) == 41  # not yet known to be removed
    assert soon.notes[0].endswith(
        "reports the service removed are noticed at a walk of every date, every 7 days: the "
        f"last was 3 days ago, on {NOW - dt.timedelta(days=3):%d %b %Y}."
    )
    assert "305" not in set(later.layer["report_id"]) and len(later.layer) == 40
    assert "1 no longer on the service" in " ".join(later.notes)
    assert "to notice those the service removed (the last was 7 days ago" in later.notes[0]
    state = json.loads((tmp_path / "state.json").read_text())
    walked = dt.datetime.fromisoformat(state["walked_at"].replace("Z", "+00:00"))
    assert walked >= NOW  # walked now: the next fetch asks only for updates again


def test_rewalk_days_0_walks_every_date_at_every_fetch(tmp_path):
    forty = [report(300 + i, 1 + 4 * i) for i in range(40)]
    with FakeOpen311(forty, updated_after=True) as server:
        fetch(server, tmp_path)
        server.hidden.add("310")
        result = fetch(server, tmp_path, rewalk_days=0)
    assert "310" not in set(result.layer["report_id"]) and len(result.layer) == 39
    with pytest.raises(ConfigError, match="rewalk_days = 7"):
        fetch(server, tmp_path, rewalk_days=-1)


def test_rewalk_days_is_read_from_the_project_file_and_the_command(tmp_path):
    (tmp_path / "healthy-streets.toml").write_text(
        '[zones]\nfile = "zones.geojson"\n[streets]\nosm_file = "area.osm"\n'
        '[[reports]]\nopen311 = "https://example.org/open311/v2"\nrewalk_days = 3\n'
    )
    assert load_project(tmp_path).inputs.reports[0].options["rewalk_days"] == 3
    (tmp_path / "healthy-streets.toml").write_text(
        '[zones]\nfile = "zones.geojson"\n[streets]\nosm_file = "area.osm"\n'
        '[[reports]]\nopen311 = "https://example.org/open311/v2"\nrewalk_days = 400\n'
    )
    with pytest.raises(ProjectFileError, match="rewalk_days"):
        load_project(tmp_path)
    forty = [report(300 + i, 1 + 4 * i) for i in range(40)]
    with FakeOpen311(forty, updated_after=True) as server:
        args = ["reports", "--open311", server.url, "--jurisdiction-id", "chorley"]
        args += ["--since", str(SINCE), "--cache", str(tmp_path / "cache")]
        assert CliRunner().invoke(main, args).exit_code == 0
        del server.reports["320"]
        result = CliRunner().invoke(main, [*args, "--rewalk-days", "0"])
    assert result.exit_code == 0, result.output
    assert "1 no longer on the service" in " ".join(result.output.split())


@pytest.mark.parametrize(
    "sent",
    [
        "2024-06-01T00:30:00",  # summer, no offset: 23:30 UTC the day before
        "2024-01-15T09:00:00",  # winter, no offset: GMT
        "2025-10-26T01:30:00",  # the hour that comes twice: the first time round (BST)
        "2025-03-30T01:30:00",  # the hour skipped: an hour later
        "2024-06-01T00:30:00+01:00",
        "2024-06-01T00:30:00Z",
    ],
)
def test_the_fetch_places_a_services_time_where_the_reader_does(sent):
    """A service that writes its times without an offset: the fetch (which pages by date
    and decides what is new) and the reader of its reports take each for the same moment,
    so that no report falls in one window for the one and another for the other."""
    from healthy_streets.io.open311 import _served
    from healthy_streets.io.reports import parse_report_dates

    read = parse_report_dates(pd.Series([sent.replace("T", " ")])).iloc[0]
    assert _served(sent) == read.tz_convert("UTC").to_pydatetime()
    assert _served(sent).tzinfo == dt.UTC


def test_an_answer_too_large_is_not_read_and_the_cache_used(tmp_path, monkeypatch):
    monkeypatch.setattr(open311, "MAX_ANSWER_BYTES", 50_000)
    huge = json.dumps([report(900, 5, description="x" * 60_000)])
    with FakeOpen311(twelve()) as server:
        server.script = [Failure(200, body=huge)]
        with pytest.raises(InputFileError, match="larger than 0.0477 MB") as caught:
            fetch(server, tmp_path / "fresh")  # nothing cached: one clear error
        assert "\n" not in str(caught.value)
        fetch(server, tmp_path)
        server.script = [Failure(200, body=huge)]
        result = fetch(server, tmp_path)
    assert len(result.layer) == 12  # the cache, not the answer
    [line] = [n for n in result.notes if "using the reports fetched" in n]
    assert "larger than" in line


@pytest.fixture
def short_deadline(monkeypatch):
    """Answers that must come whole in 1 s, tried twice."""
    monkeypatch.setattr(open311, "ANSWER_DEADLINE_S", 1.0)
    monkeypatch.setattr(open311, "RETRIES", 1)
    return 1.0


def test_a_service_that_trickles_is_cut_at_the_deadline_and_the_cache_used(
    tmp_path, short_deadline
):
    with FakeOpen311(twelve()) as server:
        fetch(server, tmp_path)
        server.trickle_s = 0.05  # a byte every 0.05 s: never a read timeout, never done
        before = len(server.requests)
        started = time.monotonic()
        result = fetch(server, tmp_path)
        took = time.monotonic() - started
    tries = open311.RETRIES + 1
    assert tries * short_deadline <= took < tries * short_deadline + 5
    assert len(server.since(before)) == tries  # the same request, tried again once
    assert len(result.layer) == 12  # the cache
    line = result.notes[0]
    assert line.startswith(
        f"Offline (timed out to 127.0.0.1:{server.httpd.server_address[1]} after {tries} tries: "
        "the answer was not whole after 1 s): using the reports fetched from"
    )
    assert sum("Offline" in note for note in result.notes) == 1 and "\n" not in line


def test_a_service_that_trickles_with_nothing_cached_is_one_error(tmp_path, short_deadline, caplog):
    caplog.set_level("INFO", logger="healthy_streets.io.open311")
    with FakeOpen311(twelve()) as server:
        server.trickle_s = 0.05
        started = time.monotonic()
        with pytest.raises(NetworkUnavailableError) as caught:
            fetch(server, tmp_path)
        took = time.monotonic() - started
    assert took < (open311.RETRIES + 1) * short_deadline + 5
    message = str(caught.value)
    assert "timed out to 127.0.0.1:" in message and "not whole after 1 s" in message
    assert "Export the reports" in message and "\n" not in message
    assert not (tmp_path / "requests.json").exists()
    [wait] = [r.getMessage() for r in caplog.records if "trying again" in r.getMessage()]
    assert "(the answer was not whole after 1 s); trying again in" in wait


def test_a_service_that_trickles_its_headers_is_cut_at_the_deadline(
    tmp_path, short_deadline, caplog
):
    """The status line and headers a byte a second: each read comes well within the
    timeout, and the deadline (counted from the request, not from the headers) still ends
    each try, with one line, and leaves no thread behind."""
    caplog.set_level("INFO", logger="healthy_streets.io.open311")
    with FakeOpen311(twelve()) as server:
        before = threads_of_the_client()
        server.trickle_head_s = 1.0
        started = time.monotonic()
        with pytest.raises(NetworkUnavailableError) as caught:
            fetch(server, tmp_path)
        took = time.monotonic() - started
        left = threads_of_the_client() - before
    tries = open311.RETRIES + 1
    assert tries * short_deadline <= took < tries * short_deadline + 5  # not 15 s a try
    assert len(server.requests) == tries
    message = str(caught.value)
    assert f"timed out to 127.0.0.1:{server.httpd.server_address[1]} after {tries} tries" in message
    assert "the answer was not whole after 1 s" in message
    assert "Export the reports" in message and "\n" not in message
    [wait] = [r.getMessage() for r in caplog.records if "trying again" in r.getMessage()]
    assert "(the answer was not whole after 1 s); trying again in" in wait
    assert not left


def test_a_connection_kept_alive_is_cut_at_the_deadline_too(short_deadline):
    """The next request on a connection an earlier answer left open: its socket, not
    opened for this request, is the one cut."""
    with FakeOpen311(twelve(), keep_alive=True) as server:
        client = Open311Client(server.url, jurisdiction_id="chorley")
        assert len(client.get({})) == 12
        server.trickle_head_s = 1.0
        started = time.monotonic()
        with pytest.raises(open311._UnreachableError, match="not whole after 1 s"):
            client.get({})
        took = time.monotonic() - started
    assert 2 * short_deadline <= took < 2 * short_deadline + 5


def test_no_request_is_sent_once_the_deadline_has_passed():
    """A connection opened (or a kept one used) after the deadline is not: nothing is
    asked of the service when no answer could come in time."""
    session = requests.Session()
    session.mount("http://", DeadlineAdapter())
    with FakeOpen311(twelve()) as server, Deadline(0.0) as deadline:
        while not deadline.passed:
            time.sleep(0.01)
        with pytest.raises(DeadlinePassedError, match="not whole after 0 s"):
            session.get(server.url, timeout=5)
    assert server.requests == []


def test_an_answer_that_is_not_json_is_said_as_a_services_not_a_files(tmp_path):
    cut = '{"requests": [{"request": [{"service_request_id": "1", "stat'
    with FakeOpen311(twelve()) as server:
        server.script = [Failure(200, body=cut)]
        with pytest.raises(InputFileError) as caught:
            fetch(server, tmp_path)
    error = caught.value
    assert error.problem.startswith("The JSON cannot be read (line 1, column ")
    assert error.fix.startswith("The service answered with something that is not Open311 JSON")
    assert "try again later" in error.fix and "export the reports" in error.fix
    assert "Download" not in str(error) and "file may be cut short" not in str(error)


def test_an_empty_answer_is_said_as_a_services(tmp_path):
    with FakeOpen311(twelve()) as server:
        server.script = [Failure(200, body="  \n")]
        with pytest.raises(InputFileError) as caught:
            fetch(server, tmp_path)
    assert caught.value.problem == "The service answered with nothing"
    assert "not Open311 JSON" in caught.value.fix and "Export it again" not in str(caught.value)


def test_requests_without_a_category_are_one_error_that_advises_no_column_mapping(tmp_path):
    bare = [
        {k: v for k, v in r.items() if k not in ("service_name", "service_code")} for r in twelve()
    ]
    with FakeOpen311(bare) as server:
        args = ["reports", "--open311", server.url, "--jurisdiction-id", "chorley"]
        args += ["--since", str(SINCE), "--cache", str(tmp_path)]
        result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert "Columns needed for reports are missing: category" in said
    assert "GeoReport v2 requests have service_name or service_code" in said
    assert "read that instead, healthy-streets reports FILE." in said
    assert "--map" not in said and "map the columns" not in said
