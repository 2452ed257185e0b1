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
        ("ring 0044 7700 900789", "ring [phone removed]"),
        ("ring 07700  900123", "ring [phone removed]"),
        ("+44 (0)1257 515151", "[phone removed]"),
        ("case ref 12345678", "case ref 12345678"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def test_each_rows_own_names_are_removed_from_its_text():
    from healthy_streets.model.privacy import remove_names

    texts = pd.Series(
        ["Anne Sharples reported this; ANNE SHARPLES again", "By (anonymous)", "Lee Lane is dirty"]
    )
    names = pd.DataFrame({"User Name": ["Anne Sharples", "(anonymous)", "Jo Lee"]})
    out = remove_names(texts, names)
    assert out.tolist() == [
        "[name removed] reported this; [name removed] again",
        "By (anonymous)",
        "Lee Lane is dirty",
    ]


def test_redact_series_keeps_missing_values():
    out = redact_series(pd.Series(["a@b.co.uk", None]))
    assert out.iloc[0] == "[email removed]"
    assert pd.isna(out.iloc[1])


PEOPLE = [
    "Margaret Thistlethwaite",
    "Devinder Staffmember",
    "Olu Requestor",
    "Kezia Volunteer",
    "Jean Smith",
]
CONTACTS = [
    "margaret.t@example.org",
    "07700 900461",
    "01257 515151",
    "kez@example.net",
    "+44 7700 900999",
    "0044 7700 900789",
    "07700  900123",
    "12 Acacia Avenue",
]


def test_personal_data_never_reaches_a_map_a_table_or_the_store(tmp_path):
    """Files full of names, emails, phones and home addresses go through a whole project
    build; none of them come out, in any map, table, workbook, store layer or log.

    (An asset's own name is what the community chose to publish: a phone number in it is
    removed, the name is kept.)"""
    import json
    import shutil
    import zipfile

    import pyogrio
    from click.testing import CliRunner

    from healthy_streets.cli import main

    from conftest import SAMPLE

    for name in ("zones.geojson", "yarrowside.osm"):
        shutil.copy(SAMPLE / name, tmp_path / name)
    (tmp_path / "fms.csv").write_text(
        "Report ID,Title,Detail,User Name,Category,Subcategory,Created,Confirmed,Acknowledged,"
        "Fixed,Closed,Status,Latitude,Longitude,Query,Ward,Easting,Northing,Report URL,"
        "Device Type,Site Used,Reported As,Staff User,Reporter Email,Contact Number\n"
        '9001,"Mess again, email margaret.t@example.org","Call 07700 900461 or 01257 515151. '
        'Margaret Thistlethwaite reported this",'
        "Margaret Thistlethwaite,Dog fouling,,2024-03-01T10:00:00,2024-03-01T10:05:00,,,,"
        "confirmed,53.6535,-2.6180,,Chorley East,,,https://fms/9001,mobile,fixmystreet,user,"
        "Devinder Staffmember,margaret.t@example.org,07700 900461\n"
        "9002,Litter,bad date here,Kezia Volunteer,Litter,,not a date,,,,,open,53.6535,-2.6180,"
        ",,,,,,,,Devinder Staffmember,kez@example.net,+44 7700 900999\n"
        '9004,Bins,"ring 0044 7700 900789 or 07700  900123",Jean Smith,Litter,,2024-03-02,,,,,'
        "open,53.6535,-2.6180,,,,,,,,,,,\n"
    )
    (tmp_path / "open311.json").write_text(
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
                    "description": "Sofa dumped. Olu Requestor's number is +44 7700 900999",
                    "title": "Sofa",
                    "status_notes": "Passed to Devinder Staffmember",
                }
            ]
        )
    )
    (tmp_path / "walkabout.csv").write_text(
        "Name,Category,Latitude,Longitude,Notes,Added By,Email,Phone,Address\n"
        "Bench,Bench,53.6535,-2.6180,Ask kez@example.net or ring 01257 515151,"
        "Kezia Volunteer,kez@example.net,01257 515151,12 Acacia Avenue\n"
        "Shopping helper 07700 900461,People who help,53.6536,-2.6181,"
        "Kezia Volunteer knows her,Kezia Volunteer,,,12 Acacia Avenue\n"
    )
    (tmp_path / "healthy-streets.toml").write_text(
        '[zones]\nfile = "zones.geojson"\n[streets]\nosm_file = "yarrowside.osm"\n'
        '[[assets]]\nfile = "walkabout.csv"\n[[reports]]\nfile = "fms.csv"\n'
        '[[reports]]\nfile = "open311.json"\n'
    )
    result = CliRunner().invoke(main, ["build", str(tmp_path / "healthy-streets.toml")])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    texts = {"(terminal)": result.output}
    for path in out.rglob("*"):
        if path.suffix in (".html", ".csv"):
            texts[path.name] = path.read_text(encoding="utf-8-sig")
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                texts[path.name] = " ".join(
                    book.read(n).decode("utf-8", "replace") for n in book.namelist()
                )
        elif path.suffix == ".gpkg":
            for layer, _ in pyogrio.list_layers(path):
                table = pyogrio.read_dataframe(path, layer=layer, read_geometry=False)
                texts[f"{path.name}:{layer}"] = table.astype("str").to_csv()
    assert {"index.html", "tables.xlsx", "rejected.csv", "summary.csv"} <= set(texts)
    assert any(name.endswith(":reports") for name in texts)
    assert any("9004" in text for name, text in texts.items() if name.endswith(":reports"))
    for name, text in texts.items():
        for secret in PEOPLE + CONTACTS:
            assert secret not in text, f"{secret!r} reached {name}"
