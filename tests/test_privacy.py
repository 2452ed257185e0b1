import pandas as pd
import pytest

from healthy_streets.model.privacy import is_personal_column, redact, redact_series


@pytest.mark.parametrize(
    "name",
    [
        "User Name",
        "Staff User",
        "requestor_name",
        "Email",
        "e-mail address",
        "Phone",
        "Telephone",
        "Added By",
        "contact_number",
        "Reporter",
    ],
)
def test_personal_columns(name):
    assert is_personal_column(name)


@pytest.mark.parametrize("name", ["Category", "Report ID", "Ward", "Hotel", "Title", "Name"])
def test_other_columns(name):
    assert not is_personal_column(name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call me on 07700 900123 please", "call me on [phone removed] please"),
        ("ring 01257 515151", "ring [phone removed]"),
        ("+44 7700 900123", "[phone removed]"),
        ("(01257) 515 151 after 6", "[phone removed] after 6"),
        ("email jo.bloggs@example.com", "email [email removed]"),
        ("Report 12345 at 10:30 on 25/11/2026", "Report 12345 at 10:30 on 25/11/2026"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def test_redact_series_keeps_missing_values():
    out = redact_series(pd.Series(["a@b.co.uk", None]))
    assert out.iloc[0] == "[email removed]"
    assert pd.isna(out.iloc[1])


PEOPLE = ["Margaret Thistlethwaite", "Devinder Staffmember", "Olu Requestor", "Kezia Volunteer"]
CONTACTS = [
    "margaret.t@example.org",
    "07700 900461",
    "01257 515151",
    "kez@example.net",
    "+44 7700 900999",
]


def test_personal_data_never_reaches_a_map_or_a_table(tmp_path):
    """Files full of names, emails and phones go through a whole build; none come out."""
    import json
    import shutil

    from healthy_streets.pipeline import Inputs, load_layers, write_outputs

    from conftest import SAMPLE

    for name in ("zones.geojson", "yarrowside.osm"):
        shutil.copy(SAMPLE / name, tmp_path / name)
    fms = tmp_path / "fms.csv"
    fms.write_text(
        "Report ID,Title,Detail,User Name,Category,Subcategory,Created,Confirmed,Acknowledged,"
        "Fixed,Closed,Status,Latitude,Longitude,Query,Ward,Easting,Northing,Report URL,"
        "Device Type,Site Used,Reported As,Staff User,Reporter Email,Contact Number\n"
        '9001,"Mess again, email margaret.t@example.org","Call 07700 900461 or 01257 515151",'
        "Margaret Thistlethwaite,Dog fouling,,2024-03-01T10:00:00,2024-03-01T10:05:00,,,,"
        "confirmed,53.6535,-2.6180,,Chorley East,,,https://fms/9001,mobile,fixmystreet,user,"
        "Devinder Staffmember,margaret.t@example.org,07700 900461\n"
        "9002,Litter,bad date here,Kezia Volunteer,Litter,,not a date,,,,,open,53.6535,-2.6180,"
        ",,,,,,,,Devinder Staffmember,kez@example.net,+44 7700 900999\n"
    )
    feed = tmp_path / "open311.json"
    feed.write_text(
        json.dumps(
            [
                {
                    "service_request_id": "9003",
                    "status": "open",
                    "service_name": "Fly Tipping",
                    "requested_datetime": "2024-03-02T09:00:00Z",
                    "lat": 53.6535,
                    "long": -2.6180,
                    "requestor_name": "Olu Requestor",
                    "email": "kez@example.net",
                    "description": "Sofa dumped. Olu's number is +44 7700 900999",
                    "title": "Sofa",
                    "status_notes": "Passed to Devinder Staffmember",
                }
            ]
        )
    )
    walkabout = tmp_path / "walkabout.csv"
    walkabout.write_text(
        "Name,Category,Latitude,Longitude,Notes,Added By,Email,Phone\n"
        "Bench,Bench,53.6535,-2.6180,Ask kez@example.net or ring 01257 515151,"
        "Kezia Volunteer,kez@example.net,01257 515151\n"
    )
    inputs = Inputs(
        zones=tmp_path / "zones.geojson",
        osm=tmp_path / "yarrowside.osm",
        assets=[walkabout],
        reports=[(fms, None), (feed, None)],
    )
    layers = load_layers(inputs)
    assert set(layers.reports["report_id"]) >= {"9001", "9003"}
    out = tmp_path / "out"
    write_outputs(layers, out, inputs=inputs.paths())
    written = [p for p in out.rglob("*") if p.is_file()]
    assert {p.suffix for p in written} >= {".html", ".csv"}
    for path in written:
        text = path.read_text(encoding="utf-8")
        for secret in PEOPLE + CONTACTS:
            assert secret not in text, f"{secret!r} reached {path.name}"
    # and not in the layers an analyst holds either
    for layer in (layers.reports, layers.assets):
        text = layer.drop(columns="geometry").astype("str").to_csv()
        for secret in PEOPLE + CONTACTS:
            assert secret not in text
