import json

import pandas as pd
import pytest

from healthy_streets.errors import ConfigError, InputFileError
from healthy_streets.io.reports import (
    drop_duplicate_reports,
    parse_report_dates,
    read_reports,
    reports_from_csv,
    reports_from_fixmystreet,
    reports_from_open311,
    status_from_text,
)
from healthy_streets.model.layers import REPORTS

FMS_HEADER = (
    "Report ID,Title,Detail,User Name,Category,Subcategory,Created,Confirmed,"
    "Acknowledged,Fixed,Closed,Status,Latitude,Longitude,Query,Ward,Easting,Northing,"
    "Report URL,Device Type,Site Used,Reported As,Staff User"
)
FMS_ROWS = [
    '101,Dog mess,"Lots, call 07700 900123",Jo Bloggs,Dog Fouling,,2021-03-04T09:15:00,'
    "2021-03-04T09:16:00,,,,confirmed,53.651,-2.628,,Chorley East,,,https://fms/101,mobile,"
    "fixmystreet,user,Sam Staff",
    "102,Tipping,email me at a.b@example.com,(anonymous),SC-Fly-Tip Defect,,25/11/2022 14:03,,,"
    "26/11/2022 10:00,,Fixed - Council,,,,,358500,417400,,,,,",
    "103,Light out,,(anonymous),Street lighting,,garbage,,,,,fixed,53.651,-2.628,,,,,,,,,",
    "101,Again,,,Dog Fouling,,2021-03-04T09:15:00,,,,,confirmed,53.651,-2.628,,,,,,,,,",
    "104,Swapped,,,Litter,,2021-03-04,,,,,investigating,-2.628,53.651,,,,,,,,,",
]


@pytest.fixture
def fms(tmp_path):
    path = tmp_path / "fms.csv"
    path.write_text("\n".join([FMS_HEADER, *FMS_ROWS]) + "\n")
    return path


def test_fixmystreet_export(fms):
    result = reports_from_fixmystreet(fms)
    reports = result.layer.set_index("report_id")
    assert list(result.layer.columns) == REPORTS.column_names
    assert sorted(reports.index) == ["101", "102", "104"]
    assert reports.loc["101", "category"] == "dog_fouling"
    assert reports.loc["101", "status"] == "open"
    assert reports.loc["101", "reported_at"] == pd.Timestamp("2021-03-04 09:16", tz="Europe/London")
    assert reports.loc["101", "detail"] == "Lots, call [phone removed]"
    assert reports.loc["102", "category"] == "fly_tipping"
    assert reports.loc["102", "category_text"] == "SC-Fly-Tip Defect"
    assert reports.loc["102", "status"] == "fixed"
    assert reports.loc["102", "fixed_at"] == pd.Timestamp("2022-11-26 10:00", tz="Europe/London")
    assert reports.loc["102"].geometry.coords[0] == (358500.0, 417400.0)  # from E/N
    assert reports.loc["102", "responsible_tier"] == "district"
    text = result.layer.to_csv()
    for personal in ("Jo Bloggs", "Sam Staff", "a.b@example.com", "07700 900123"):
        assert personal not in text


def test_fixmystreet_account(fms):
    result = reports_from_fixmystreet(fms)
    assert result.rows_in == 5 == result.kept + result.n_rejected
    reasons = dict(zip(result.rejected["row"], result.rejected["reason"], strict=True))
    assert "cannot be read" in reasons["4"]
    assert "Duplicate of row 2" in reasons["5"]
    assert "6" not in reasons  # latitude and longitude swapped in that row: read swapped
    assert "swapped in this row" in result.repaired.set_index("row").loc["6", "reason"]


def test_columns_in_another_order_and_missing_ones(tmp_path):
    path = tmp_path / "old_export.csv"
    path.write_text(
        "Longitude,Latitude,Category,Created,Report ID\n-2.628,53.651,Dog Mess,2020-01-02 10:00,7\n"
    )
    result = reports_from_fixmystreet(path)
    assert result.layer.loc[0, "category"] == "dog_fouling"
    assert result.layer.loc[0, "status"] == "open"
    assert any("no status column" in n for n in result.notes)


def test_cp1252_and_bom_files(tmp_path):
    row = "1,Caf\u00e9 litter,,,Litter,,01/02/2023 10:00,,,,,closed,53.651,-2.628"
    header = (
        "Report ID,Title,Detail,User Name,Category,Subcategory,Created,Confirmed,"
        "Acknowledged,Fixed,Closed,Status,Latitude,Longitude"
    )
    for name, data in (
        ("cp.csv", (header + "\n" + row).encode("cp1252")),
        ("bom.csv", ("\ufeff" + header + "\n" + row).encode("utf-8")),
        ("unicode.txt", (header + "\n" + row).replace(",", "\t").encode("utf-16")),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        layer = reports_from_fixmystreet(path).layer
        assert layer.loc[0, "title"] == "Caf\u00e9 litter"
        assert layer.loc[0, "reported_at"] == pd.Timestamp("2023-02-01 10:00", tz="Europe/London")


def test_a_council_export_with_a_title_line(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text(
        "Enquiries logged 01/01/2024 - 31/03/2024,,,,\n"
        "Ref,Type,Logged,Easting,Northing\n"
        "E1,Dog fouling,02/01/2024,358500,417400\n"
        "E2,Litter,03/01/2024,358510,417410\n"
    )
    result = read_reports(path, format="csv")
    assert list(result.layer["category"]) == ["dog_fouling", "litter"]
    assert "The header is on row 2: the title line above it was skipped." in result.notes


def test_open311_json_and_xml(tmp_path):
    requests = [
        {
            "service_request_id": "101",
            "status": "open",
            "service_name": "Dog fouling",
            "requested_datetime": "2021-03-04T09:16:00+00:00",
            "lat": "53.651",
            "long": "-2.628",
            "description": "Mess",
            "requestor_name": "Jo Bloggs",
            "title": "Dog mess",
        },
        {
            "service_request_id": "900",
            "status": "closed",
            "service_name": "Potholes",
            "requested_datetime": "2024-07-01T08:00:00+01:00",
            "lat": 53.652,
            "long": -2.627,
        },
    ]
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(requests))
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"service_requests": requests}))
    xml = tmp_path / "feed.xml"
    xml.write_text(
        "<service_requests>"
        + "".join(
            "<request>" + "".join(f"<{k}>{v}</{k}>" for k, v in r.items()) + "</request>"
            for r in requests
        )
        + "</service_requests>"
    )
    for path in (bare, wrapped, xml):
        layer = reports_from_open311(path).layer.set_index("report_id")
        assert layer.loc["101", "category"] == "dog_fouling"
        assert layer.loc["900", "status"] == "closed"
        assert layer.loc["900", "reported_at"] == pd.Timestamp(
            "2024-07-01 08:00", tz="Europe/London"
        )
        assert layer.loc["101", "detail"] == "Mess"
        assert "Jo Bloggs" not in layer.to_csv()


def test_one_report_in_two_files_counts_once(fms, tmp_path):
    feed = tmp_path / "feed.json"
    feed.write_text(
        json.dumps(
            [
                {
                    "service_request_id": "101",
                    "status": "open",
                    "service_name": "Dog fouling",
                    "requested_datetime": "2021-03-04T09:16:00Z",
                    "lat": 53.651,
                    "long": -2.628,
                },
                {
                    "service_request_id": "555",
                    "status": "open",
                    "service_name": "Graffiti",
                    "requested_datetime": "2021-03-05T09:16:00Z",
                    "lat": 53.651,
                    "long": -2.628,
                },
            ]
        )
    )
    _first, second = drop_duplicate_reports([read_reports(fms), read_reports(feed)])
    assert second.layer["report_id"].tolist() == ["555"]
    assert second.rejected["reason"].tolist() == ["Already imported from fms.csv."]
    assert second.rows_in == second.kept + second.n_rejected
    # a layer where the imports go: one sentence naming what to pass, and the layer's way
    with pytest.raises(ConfigError, match=r"not a layer; .*drop_duplicates\('report_id'\)"):
        drop_duplicate_reports(second.layer)


def test_council_csv_with_a_column_mapping(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text(
        "Case Ref,Enquiry,Logged On,X,Y,Case State\n"
        "C-1,Dog Fouling - Pavement,03/04/2024 09:00,358500,417400,Completed\n"
    )
    result = reports_from_csv(
        path,
        columns={
            "report_id": "Case Ref",
            "category": "Enquiry",
            "created": "Logged On",
            "easting": "X",
            "northing": "Y",
            "status": "Case State",
        },
    )
    row = result.layer.iloc[0]
    assert (row["report_id"], row["category"], row["status"]) == ("C-1", "dog_fouling", "fixed")
    assert row["reported_at"] == pd.Timestamp("2024-04-03 09:00", tz="Europe/London")


def test_missing_columns_are_named_in_one_message(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("Ref,What\n1,Dog\n")
    with pytest.raises(InputFileError, match="category.*created.*coordinates"):
        reports_from_fixmystreet(path)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("confirmed", "open"),
        ("Investigating", "open"),
        ("in progress", "open"),
        ("action scheduled", "open"),
        ("fixed - user", "fixed"),
        ("Fixed - Council", "fixed"),
        ("unable to fix", "closed"),
        ("not responsible", "closed"),
        ("duplicate", "closed"),
        ("internal referral", "closed"),
        ("who knows", None),
    ],
)
def test_status_from_text(text, status):
    assert status_from_text(text) == status


def test_dates_iso_and_uk_in_london_time():
    dates = parse_report_dates(
        pd.Series(
            [
                "2023-07-01T12:00:00",
                "01/07/2023 12:00",
                "2023-07-01T11:00:00Z",
                "01/07/2023",
                "31/02/2023",
                None,
            ]
        )
    )
    summer_noon = pd.Timestamp("2023-07-01 12:00", tz="Europe/London")
    assert dates.iloc[0] == summer_noon
    assert dates.iloc[1] == summer_noon
    assert dates.iloc[2] == summer_noon  # 11:00 UTC is noon in British Summer Time
    assert dates.iloc[3] == pd.Timestamp("2023-07-01", tz="Europe/London")
    assert dates.iloc[4:].isna().all()


def test_dates_with_month_names_or_year_first_are_read_and_found_by_content(tmp_path):
    # CRM and database exports: "31-Jul-2016 14:03", "31 July 2016", "2016/07/31 14:03:00"
    dates = parse_report_dates(
        pd.Series(["31-Jul-2016 14:03", "31 Jul 2016", "31 July 2016 09:15", "2016/07/31 14:03:00"])
    )
    assert dates.tolist() == [
        pd.Timestamp("2016-07-31 14:03", tz="Europe/London"),
        pd.Timestamp("2016-07-31", tz="Europe/London"),
        pd.Timestamp("2016-07-31 09:15", tz="Europe/London"),
        pd.Timestamp("2016-07-31 14:03", tz="Europe/London"),
    ]
    crm = tmp_path / "crm.csv"
    crm.write_text(
        "Case Ref,Date Logged,Enquiry Type,Status,Easting,Northing\n"
        "C1,31-Jul-2016 14:03,Dog fouling,Open,358231,417512\n"
        "C2,01-Aug-2016 09:10,Fly tipping,Closed,358364,417601\n"
    )
    result = read_reports(crm)
    assert result.columns["created"]["column"] == "Date Logged"
    assert result.layer["reported_at"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2016-07-31 14:03",
        "2016-08-01 09:10",
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("feed.json", '{"service_requests": [', "JSON cannot be read \\(line 1"),
        ("feed.json", '{"error": "rate limited"}', "not an Open311 list"),
        ("feed.json", "[]", "no service requests"),
        ("feed.xml", "<service_requests><request>", "XML cannot be read"),
        ("fms.csv", "", "empty"),
        ("fms.csv", 'Report ID,Category\n1,"unterminated\n', "not a readable CSV"),
    ],
)
def test_malformed_report_files(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputFileError, match=message) as info:
        read_reports(path)
    assert name in str(info.value)


def test_a_column_mapping_that_names_no_column(tmp_path):
    from healthy_streets.errors import ConfigError

    path = tmp_path / "crm.csv"
    path.write_text("Case Ref,Enquiry\nC-1,Dog\n")
    with pytest.raises(InputFileError, match="no column 'Nope' for category"):
        reports_from_csv(path, columns={"category": "Nope"})
    with pytest.raises(ConfigError, match="Unknown role 'colour'"):
        reports_from_csv(path, columns={"colour": "Enquiry"})


def test_tiers_can_be_overridden(fms):
    layer = reports_from_fixmystreet(fms, tiers={"dog_fouling": "county"}).layer
    assert layer.set_index("report_id").loc["101", "responsible_tier"] == "county"


def test_a_subcategory_of_other_keeps_the_category(tmp_path):
    path = tmp_path / "fms.csv"
    path.write_text(
        "Report ID,Category,Subcategory,Created,Latitude,Longitude\n"
        "1,Dog fouling,Other,2024-01-01,53.651,-2.628\n"
        "2,Street cleaning,Dog fouling,2024-01-01,53.651,-2.628\n"
    )
    layer = reports_from_fixmystreet(path).layer.set_index("report_id")
    assert layer.loc["1", "category"] == "dog_fouling"
    assert layer.loc["1", "category_text"] == "Dog fouling / Other"
    assert layer.loc["2", "category"] == "dog_fouling"  # the subcategory says more


def test_reports_without_ids_from_two_files_named_alike(tmp_path):
    rows_2023 = "Category,Created,Easting,Northing\nLitter,01/02/2023,358500,417400\n"
    rows_2024 = "Category,Created,Easting,Northing\nLitter,01/02/2024,358500,417400\n"
    (tmp_path / "y2023").mkdir()
    (tmp_path / "y2024").mkdir()
    (tmp_path / "y2023" / "crm.csv").write_text(rows_2023)
    (tmp_path / "y2024" / "crm.csv").write_text(rows_2024 + "Litter,01/02/2024,358500,417400\n")
    first, second = drop_duplicate_reports(
        [
            reports_from_csv(tmp_path / "y2023" / "crm.csv"),
            reports_from_csv(tmp_path / "y2024" / "crm.csv"),
        ]
    )
    assert first.kept == 1
    assert second.kept == 1  # a different report, although both files are called crm.csv
    assert "same category, date, place and text" in second.rejected["reason"].iloc[0]
    again = reports_from_csv(tmp_path / "y2023" / "crm.csv")
    assert again.layer["report_id"].tolist() == first.layer["report_id"].tolist()  # stable


# ---- a council's own export read with no mapping; reports elsewhere in the county -------

CRM = """Ref,Kind,Type,Status,ReceivedDate,ClosedDate,ReceivedHow,Latitude,Longitude,Ward
a1f3,Noise Request,Noise complaint,Closed,19/03/2018 11:56:00 AM,21/03/2018 12:00:00 AM,\
Telephone,51.3736,-2.4004,27
b2e4,General Request,Accumulations (including refuse & litter,Under Investigation,\
07/10/2019 09:38:00 PM,NA,Email,51.3986,-2.3892,20
c3d5,General Request,Rat Complaint,Resolution Target Passed,01/11/2019 08:00:00 AM,,Web,\
51.3801,-2.3600,4
d4c6,General Request,,Closed,02/11/2019 10:15:00 AM,05/11/2019 12:00:00 AM,Web,51.3802,-2.3601,4
e5b7,General Request,Nuisance (excluding noise & pollution),Closed,03/11/2019 10:15:00 AM,,\
Web,51.3803,-2.3602,4
"""


def test_a_council_export_read_with_no_mapping(tmp_path):
    path = tmp_path / "environmental_requests.csv"
    path.write_text(CRM)
    result = read_reports(path)
    reports = result.layer.set_index("report_id")
    assert reports["category"].to_dict() == {
        "a1f3": "noise",
        "b2e4": "litter",
        "c3d5": "pests",
        "d4c6": "other",
        "e5b7": "other",
    }
    assert reports.loc["a1f3", "category_text"] == "Noise Request / Noise complaint"
    # day-first, with AM/PM
    assert reports.loc["b2e4", "reported_at"] == pd.Timestamp(
        "2019-10-07 21:38", tz="Europe/London"
    )
    assert reports.loc["a1f3", "fixed_at"] == pd.Timestamp("2018-03-21 00:00", tz="Europe/London")
    assert reports["status"].to_dict() == {
        "a1f3": "closed",
        "b2e4": "open",
        "c3d5": "open",
        "d4c6": "closed",
        "e5b7": "closed",
    }
    assert result.notes[0] == (
        "Columns: report_id <- 'Ref' (header); category <- 'Kind' (header); "
        "subcategory <- 'Type' (header); created <- 'ReceivedDate' (header); "
        "fixed <- 'ClosedDate' (header); status <- 'Status' (header); "
        "lat <- 'Latitude' (header); lon <- 'Longitude' (header); "
        "no column for confirmed, title, detail."
    )
    assert any(
        "'General Request / Nuisance (excluding noise & pollution)' (1)" in n for n in result.notes
    )
    assert result.columns["created"]["column"] == "ReceivedDate"


def test_a_council_export_whose_headers_say_nothing(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Col1,Col2,Col3,Easting,Northing\n"
        "Dog fouling,03/04/2024 09:00,Completed,358500,417400\n"
        "Litter,04/04/2024 10:00,In progress,358510,417410\n"
        "Dog fouling,05/04/2024 11:00,Completed,358520,417420\n"
    )
    result = reports_from_csv(path)
    assert result.layer["category"].tolist() == ["dog_fouling", "litter", "dog_fouling"]
    assert result.layer["status"].tolist() == ["fixed", "open", "fixed"]
    notes = result.notes[0]
    assert "category <- 'Col1' (content: 100% of its values are categories the toolkit knows)" in (
        notes
    )
    assert "created <- 'Col2' (content: 100% of its values read as dates)" in notes
    assert "status <- 'Col3' (content: 100% of its values are statuses the toolkit knows)" in notes


FMS_SAMPLE = """title,url,created,state,whensent,category,latitude,longitude,ward,Location,Ward
Caravan,https://www.fixmystreet.com/report/122878,2010-07-04 19:00:35 UTC,confirmed,\
2010-07-04 19:05:02 UTC,Other,51.40058458,-2.351277417,Lambridge,"(51.40058458, -2.351277417)",23
Potholes,https://www.fixmystreet.com/report/969969,2017-02-01 09:13:42 UTC,fixed - user,,\
Roads/highways,51.357334,-2.315411,Monkton Combe,"(51.357334, -2.315411)",10
Dumped sofa,https://www.fixmystreet.com/report/970001,2017-07-01 11:00:00 UTC,hidden,NA,\
Flytipping,51.3801,-2.3600,Widcombe,"(51.3801, -2.36)",4
"""


def test_a_council_published_fixmystreet_sample(tmp_path):
    path = tmp_path / "fms_sample.csv"
    path.write_text(FMS_SAMPLE)
    result = read_reports(path)
    reports = result.layer.set_index("report_id")
    # the id comes from the report's link, so the same report in an Open311 feed is one;
    # the hidden report (970001) is one FixMyStreet never publishes: left out
    assert list(reports.index) == ["122878", "969969"]
    assert result.rejected[["row", "value"]].values.tolist() == [["4", "970001"]]
    # "UTC" after the time: 19:00 UTC is 20:00 in British Summer Time
    assert reports.loc["122878", "reported_at"] == pd.Timestamp(
        "2010-07-04 20:00:35", tz="Europe/London"
    )
    assert reports["status"].tolist() == ["open", "fixed"]
    assert reports["category"].tolist() == ["other", "potholes"]
    assert (
        "report_id <- 'url' (split: 100% of its values hold a FixMyStreet report link)"
        in (result.notes[0])
    )
    # read as a FixMyStreet export, as a project made by init names it: the same ids
    named = read_reports(path, format="fixmystreet")
    assert named.layer["report_id"].tolist() == ["122878", "969969"]
    assert "report_id <- 'url' (split: 100%" in named.notes[0]


def test_a_county_wide_export_read_for_a_small_project(tmp_path):
    import numpy as np
    import shapely

    rng = np.random.default_rng(11)
    east = rng.uniform(340_000, 380_000, 60)  # a county 40 km across
    north = rng.uniform(400_000, 440_000, 60)
    rows = [
        f"{n},Dog fouling,2024-01-{1 + n % 28:02d},{e:.0f},{nn:.0f}"
        for n, (e, nn) in enumerate(zip(east, north, strict=True))
    ]
    rows.append("60,Litter,2024-02-01,0,0")  # a blank place exported as zeros
    rows.append("61,Litter,2024-02-01,358500,417500")  # in the project
    path = tmp_path / "county.csv"
    path.write_text("Report ID,Category,Created,Easting,Northing\n" + "\n".join(rows) + "\n")
    area = shapely.Point(358500, 417500).buffer(2000)
    result = read_reports(path, area=area)
    inside = [
        str(n)
        for n, (e, nn) in enumerate(zip(east, north, strict=True))
        if shapely.Point(e, nn).within(area)
    ]
    assert sorted(result.layer["report_id"]) == sorted([*inside, "61"])
    assert result.rejected["row"].tolist() == ["62"]  # only the place that is no place
    assert "not a real place" in result.rejected["reason"].iloc[0]
    assert result.n_outside == 60 - len(inside)
    assert result.rows_in == result.kept + result.n_rejected + result.n_outside
    far = result.outside["distance_m"]
    assert far.min() > 0 and far.max() < 40_000
    note = next(n for n in result.notes if "outside the project area" in n)
    assert note.startswith(f"{result.n_outside} rows lie outside the project area (from ")
    assert "km beyond it): left out, not rejected." in note


def test_the_reports_command_shows_its_guesses(tmp_path):
    from click.testing import CliRunner

    from healthy_streets.cli import main

    path = tmp_path / "environmental_requests.csv"
    path.write_text(CRM)
    result = CliRunner().invoke(main, ["reports", str(path)])
    assert result.exit_code == 0, result.output
    assert "category <- 'Kind' (header); subcategory <- 'Type' (header)" in result.output
    assert "created <- 'ReceivedDate' (header)" in result.output


def _hostile_export(path, texts):
    """A FixMyStreet export whose text cells are hostile payloads, blanks written every way
    ("N/A ", " null", "(blank)"), personal data and names; dates and numbers as exports
    write them, with a few written otherwise."""
    import csv
    import random

    rng = random.Random(9)
    people = ["Jane Doe", "(anonymous)", "O'Brien", "{{7*7}}", "N/A ", ""]
    blanks = ["", "N/A ", " null", "(blank)", "-", "NaN", " none\t"]
    header = FMS_HEADER.split(",")
    rows = []
    for i in range(600):
        person = rng.choice(people)
        row = dict.fromkeys(header, "")
        row.update(
            {
                "Report ID": str(1000 + i),
                "Title": rng.choice([*texts, f"{person} says {rng.choice(texts)}", *blanks]),
                "Detail": rng.choice(
                    [*texts, f"Call 07700 900{i:03d} or {person.lower()}", *blanks]
                ),
                "User Name": person,
                "Category": rng.choice(["Dog Fouling", "Litter", rng.choice(texts), *blanks]),
                "Subcategory": rng.choice(["", "Other", "Dog bin", rng.choice(texts)]),
                "Created": f"2021-03-{1 + i % 28:02d}T09:{i % 60:02d}:00",
                "Confirmed": rng.choice(["", f"2021-03-{1 + i % 28:02d}T10:00:00"]),
                "Fixed": rng.choice(["", "2021-04-01T12:00:00", "01/05/2021 10:00"]),
                "Status": rng.choice(["confirmed", "Fixed - Council", rng.choice(texts), *blanks]),
                "Latitude": f"{53.64 + rng.random() * 0.03:.7f}",
                "Longitude": f"{-2.64 + rng.random() * 0.03:.7f}",
                "Easting": "358500",
                "Northing": "417400",
            }
        )
        rows.append(row)
    rows[3]["Fixed"] = " 2021-04-04 09:15 "  # written otherwise: read by the general paths
    rows[4]["Latitude"] = "53.651°N"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def test_a_hostile_export_read_on_columns_gives_what_cell_by_cell_reading_gave(
    tmp_path, monkeypatch
):
    """Blank cells found over a column, dates and numbers read in one call, texts scrubbed
    once per distinct text, categories and statuses matched once per distinct value: the
    layer, the account and the notes are those of reading every cell by itself."""
    import numpy as np

    import healthy_streets.io._coords as coords
    import healthy_streets.io._roles as roles
    import healthy_streets.io.reports as reports

    from hostile import payloads

    texts = payloads(tmp_path)
    path = tmp_path / "fms.csv"
    _hostile_export(path, texts)
    fast = reports_from_fixmystreet(path)
    with monkeypatch.context() as patch:
        never = __import__("re").compile(r"(?!)")
        patch.setattr(reports, "_PLAIN_ISO", never)
        patch.setattr(coords, "_PLAIN_NUMBER", never)
        patch.setattr(
            roles,
            "_maybe_missing",
            lambda joined, count: np.ones(count, dtype=bool),
        )
        slow = reports_from_fixmystreet(path)
    pd.testing.assert_frame_equal(fast.layer, slow.layer, check_exact=True)
    for table in ("rejected", "repaired", "outside"):
        pd.testing.assert_frame_equal(getattr(fast, table), getattr(slow, table))
    assert fast.notes == slow.notes
    layer = fast.layer
    assert layer["title"].isin(texts).sum() > 50  # payloads kept as the text they are
    assert not layer["title"].dropna().str.contains("Jane Doe|07700", regex=True).any()
    assert not layer["detail"].dropna().str.contains("jane doe|07700", regex=True).any()
    assert not layer["category_text"].dropna().isin(["N/A ", "(blank)", "NaN"]).any()


def test_a_fixmystreet_report_without_an_id_is_named_by_all_its_row(tmp_path):
    """Only the columns the reader uses are read from an export, but a report without an
    id is named by the text of its whole row: two reports that differ only in a column the
    reader never uses ("Ward") are two reports, and the same row twice is one."""
    path = tmp_path / "fms.csv"
    row = ",Dog mess,,,Dog Fouling,,2021-03-04T09:15:00,,,,,confirmed,53.651,-2.628,,{ward},,,,,,,"
    rows = [row.format(ward="Chorley East"), row.format(ward="Chorley West")] * 2
    path.write_text("\n".join([FMS_HEADER, *rows]) + "\n")
    result = reports_from_fixmystreet(path)
    assert len(result.layer) == 2 and result.layer["report_id"].nunique() == 2
    assert result.layer["report_id"].str.startswith("fms-").all()
    assert result.rejected["reason"].str.startswith("Duplicate of row").tolist() == [True, True]
    whole = reports_from_csv(path, columns={"category": "Category", "created": "Created"})
    assert whole.layer["report_id"].tolist() == result.layer["report_id"].tolist()


def test_a_plain_text_file_of_white_space_is_empty(tmp_path):
    from healthy_streets.io._common import read_header, read_table

    path = tmp_path / "blank.csv"
    path.write_bytes(b" \t\r\n\x1c\x1f\n")  # white space to str.strip, in plain ASCII
    for read in (read_table, read_header):
        with pytest.raises(InputFileError, match="The file is empty"):
            read(path)


def test_a_fast_path_matches_ascii_text_as_bytes_and_other_text_as_text():
    import re

    from healthy_streets.io._common import all_match

    iso = re.compile(r"\d{4}-\d{2}-\d{2}")
    assert all_match(pd.Series(["2021-03-04", "1999-12-31"]), iso)
    assert not all_match(pd.Series(["2021-03-04", "1999-12-3"]), iso)
    assert all_match(pd.Series(["\u0662\u0660\u0662\u0661-03-04"]), iso)  # digits, as \\d says
    assert not all_match(pd.Series(["2021-03-04", None]), iso)
    spaced = re.compile(r"a\sb")
    assert all_match(pd.Series(["a\x1cb"]), spaced)  # a separator is white space to text


def test_the_header_alone_says_the_columns(tmp_path):
    from healthy_streets.io._common import read_header, read_table

    path = tmp_path / "export.csv"
    path.write_text('Report export\n Report ID , "Title",,Title\n1,a,b,c,d\n2,e,f,g\n')
    assert read_header(path) == list(read_table(path).columns)
    assert read_header(path) == ["Report ID", "Title", "Unnamed: 2", "Title.1"]


PARIS_FMS = [
    "201,Crottes de chien,,,Dog Fouling,,2024-05-02T09:15:00,,,,,confirmed,48.8566,2.3522",
    "202,Dépôt sauvage,,,Fly tipping,,2024-05-03T10:00:00,,,,,confirmed,48.8530,2.3499",
    "203,Lampadaire,,,Street lighting,,2024-05-04T18:30:00,,,,,confirmed,48.8606,2.3376",
]
PARIS_HEADER = ",".join(FMS_HEADER.split(",")[:14])


def test_paris_reports_are_read_when_the_working_crs_is_paris_own(tmp_path, monkeypatch):
    from pyproj import Transformer

    from healthy_streets import settings

    path = tmp_path / "paris_fms.csv"
    path.write_text("\n".join([PARIS_HEADER, *PARIS_FMS]) + "\n")
    british = reports_from_fixmystreet(path)
    assert british.kept == 0 and british.n_rejected == 3
    assert british.rejected["reason"].str.contains("outside Great Britain").all()
    [note] = [n for n in british.notes if "working CRS" in n]
    assert note.startswith("3 of 3 rows with latitude/longitude lie outside Great Britain")
    assert 'hs.settings.working_crs = "EPSG:32631"' in note

    monkeypatch.setattr(settings, "working_crs", "EPSG:32631")
    local = reports_from_fixmystreet(path)
    assert local.n_rejected == 0 and local.layer.crs == "EPSG:32631"
    reports = local.layer.set_index("report_id")
    assert reports.loc["202", "category"] == "fly_tipping"
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32631", always_xy=True)
    assert reports.loc["201"].geometry.coords[0] == pytest.approx(
        to_utm.transform(2.3522, 48.8566), abs=0.001
    )
    assert not any("outside Great Britain" in n for n in local.notes)


def test_a_file_geodatabase_folder_is_no_reports_file(tmp_path):
    folder = tmp_path / "reports.gdb"
    folder.mkdir()
    for reader in (read_reports, reports_from_fixmystreet, reports_from_csv, reports_from_open311):
        with pytest.raises(InputFileError, match="File Geodatabase.*Export the reports as CSV"):
            reader(folder)


@pytest.mark.parametrize(
    ("created", "expected"),
    [
        ("2024-03-01T09:15:00", "2024-03-01 09:15"),
        ("2024-03-01T09:15:00Z", "2024-03-01 09:15"),  # UTC is GMT in March
        ("2024-07-01T09:15:00+01:00", "2024-07-01 09:15"),  # BST as written
        ("2024-03-01T09:15:00.123456", "2024-03-01 09:15:00.123"),
        ("2024-07-01T08:15:00.5Z", "2024-07-01 09:15:00.5"),
    ],
)
def test_a_council_csv_with_iso_t_timestamps_is_dated_by_them(tmp_path, created, expected):
    from healthy_streets.io.reports import looks_like_report_date

    assert looks_like_report_date(created)
    path = tmp_path / "iso.csv"
    path.write_text(
        "Ref,Category,Created,Latitude,Longitude\n"
        f"A1,Dog fouling,{created},53.651,-2.628\n"
        f"A2,Litter,{created},53.653,-2.626\n"
    )
    result = reports_from_csv(path)
    assert result.columns["created"]["column"] == "Created"
    assert list(result.layer["reported_at"]) == [pd.Timestamp(expected, tz="Europe/London")] * 2


def test_a_t_that_is_not_a_time_is_no_date():
    from healthy_streets.io.reports import looks_like_report_date

    assert not looks_like_report_date("2024-03-01Tomorrow")
    assert not looks_like_report_date("2024-03-0112")


def test_a_fixmystreet_export_without_ids_read_as_a_council_csv_is_dated_right(tmp_path):
    # FixMyStreet's export with its 'Report ID' column removed: a council's CSV to the toolkit
    header = FMS_HEADER.replace("Report ID,", "")
    rows = [
        "Dog mess,,Jo Bloggs,Dog Fouling,,2021-03-04T09:15:00,2021-03-04T09:16:00,,,,confirmed,"
        "53.651,-2.628,,,,,https://www.fixmystreet.com/report/101,,,,",
        "Bin,,Jo Bloggs,Litter,,2021-03-05T10:00:00,,,,,confirmed,"
        "53.652,-2.627,,,,,https://www.fixmystreet.com/report/102,,,,",
    ]
    path = tmp_path / "fms_noid.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    result = read_reports(path)
    assert result.columns["created"] == {"column": "Created", "how": "header", "share": 1.0}
    assert "Each report is dated by 'Confirmed' (when it was confirmed), else by 'Created'" in (
        " ".join(result.notes)
    )
    dated = result.layer.set_index("report_id")["reported_at"]
    assert dated["101"] == pd.Timestamp("2021-03-04 09:16", tz="Europe/London")
    assert dated["102"] == pd.Timestamp("2021-03-05 10:00", tz="Europe/London")


def test_a_missing_date_says_why_the_header_that_suggested_it_was_refused(tmp_path):
    path = tmp_path / "words.csv"
    path.write_text(
        "Ref,Category,Created,Latitude,Longitude\n"
        "A1,Dog fouling,yesterday,53.651,-2.628\nA2,Litter,last week,53.653,-2.626\n"
    )
    with pytest.raises(InputFileError) as caught:
        reports_from_csv(path)
    assert (
        "missing: created (a date: the header 'Created' suggested it, but only 0% of its values "
        "read as dates; its first value is 'yesterday')"
    ) in str(caught.value)


def _crm_workbook(path, *, title=True):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append(["Environmental requests, March 2024"])
        sheet.append([])
    sheet.append(["Case No", "Problem", "Date Logged", "Easting", "Northing"])
    sheet.append(["C-1", "Dog fouling", "01/03/2024 09:15", 359529, 417626])
    sheet.append(["C-2", "Fly tipping", "03/03/2024", 358596, 417629])
    book.save(path)
    return path


@pytest.mark.parametrize("name", ["crm.xlsx", "crm_saved_without_extension.dat"])
def test_an_excel_workbook_of_reports_is_read_title_rows_and_all(tmp_path, name):
    path = _crm_workbook(tmp_path / name)
    result = read_reports(path)
    reports = result.layer.set_index("report_id")
    assert list(reports["category"]) == ["dog_fouling", "fly_tipping"]
    assert reports.loc["C-1", "reported_at"] == pd.Timestamp("2024-03-01 09:15", tz="Europe/London")
    assert reports.loc["C-2"].geometry.coords[0] == (358596.0, 417629.0)
    assert "The header is on row 3: the 2 title lines above it were skipped." in result.notes


def test_a_workbook_of_several_sheets_is_read_by_the_sheet_named(tmp_path):
    import openpyxl
    from click.testing import CliRunner

    from healthy_streets.cli import main

    path = _crm_workbook(tmp_path / "crm.xlsx")
    book = openpyxl.load_workbook(path)
    book.active.title = "March"
    other = book.create_sheet("Notes")
    other.append(["Who", "What"])
    other.append(["Officer", "Exported from the CRM"])
    book.save(path)
    with pytest.raises(InputFileError, match="March.*Notes|Notes.*March"):
        read_reports(path)  # which sheet? the message lists them
    assert list(read_reports(path, layer="March").layer["report_id"]) == ["C-1", "C-2"]
    said = CliRunner().invoke(main, ["reports", str(path), "--layer", "March"])
    assert said.exit_code == 0, said.output
    assert "dog_fouling" in said.output and "fly_tipping" in said.output
    unknown = CliRunner().invoke(main, ["reports", str(path)])
    assert unknown.exit_code == 1 and "--layer SHEET" in unknown.output


def test_an_excel_fixmystreet_export_is_read_as_fixmystreet(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(FMS_HEADER.split(","))
    book.active.append(next(__import__("csv").reader([FMS_ROWS[0]])))
    book.save(tmp_path / "fms.xlsx")
    result = read_reports(tmp_path / "fms.xlsx")
    assert result.columns["report_id"]["column"] == "Report ID"
    assert list(result.layer["report_id"]) == ["101"]
    assert "Jo Bloggs" not in result.layer.to_csv()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("reports.zip", b"PK\x03\x04" + bytes(200), "This is a zip file, not a table of reports"),
        ("reports.sqlite", b"SQLite format 3\x00" + bytes(200), "This is a database"),
        ("reports.gpkg", b"SQLite format 3\x00" + bytes(200), "cannot be read as spatial"),
        ("reports.csv", b"\x01\x02\x03\x1b\x7f,\x05\x06\n1,2\n", "not a table of text"),
    ],
)
def test_a_binary_file_given_as_reports_is_one_clear_message(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=message) as caught:
        read_reports(path)
    assert "\\x" not in str(caught.value) and "PK" not in str(caught.value)


def test_the_reports_layer_healthy_streets_wrote_is_read_from_a_store_of_several(
    tmp_path, shared_sample_layers, sample_store
):
    import pyogrio

    reports = shared_sample_layers.reports
    store = sample_store(tmp_path / "project.gpkg")
    result = read_reports(store)
    read = result.layer.set_index("report_id").sort_index()
    stored = reports.set_index("report_id").sort_index()
    assert read.index.tolist() == stored.index.tolist()
    assert read["category"].tolist() == stored["category"].tolist()
    assert read["status"].tolist() == stored["status"].tolist()
    assert (read["reported_at"] == stored["reported_at"]).all()
    assert read.geometry.geom_equals_exact(stored.geometry, tolerance=0.01).all()
    assert (
        "Read the layer 'reports', the reports healthy-streets wrote into the file (it also "
        "holds 'zones', 'streets', 'assets'); choose another with layer=\"NAME\"."
    ) in result.notes
    # a layer of the council's own beside it, named, is the one read
    reports.iloc[:3].to_file(store, layer="council_reports")
    chosen = read_reports(store, layer="council_reports")
    assert chosen.layer["report_id"].tolist() == reports["report_id"].iloc[:3].tolist()
    # a GeoPackage the toolkit did not write, of several layers, asks which
    mine = tmp_path / "mine.gpkg"
    reports.iloc[:3].to_file(mine, layer="north")
    reports.iloc[3:6].to_file(mine, layer="south")
    with pytest.raises(InputFileError, match="holds 2 layers: 'north', 'south'"):
        read_reports(mine)
    assert len(read_reports(mine, layer="south").layer) == 3
    # a store without reports says so, reading none of its other layers as reports
    empty = sample_store(tmp_path / "empty.gpkg")
    pyogrio.write_dataframe(reports.iloc[:0], empty, layer="reports")
    with pytest.raises(InputFileError, match="The reports layer healthy-streets wrote into the"):
        read_reports(empty)


@pytest.mark.parametrize("name", ["toilets.kml", "toilets.geojson", "walk.gpx"])
def test_a_map_layer_given_as_reports_is_one_clear_message(tmp_path, name):
    # a council's KML of toilets given to the reports importer: not read as CSV text
    path = tmp_path / name
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<kml></kml>\n')
    with pytest.raises(InputFileError, match="a map layer; reports are read from tables") as said:
        read_reports(path)
    assert "healthy-streets assets" in str(said.value) and "<?xml" not in str(said.value)


def test_a_nul_in_an_open311_text_is_removed_and_the_request_named_as_repaired(tmp_path):
    path = tmp_path / "open311.json"
    path.write_text(
        '[{"service_request_id": "1", "service_name": "Dog fouling", "requested_datetime": '
        '"2024-03-01T10:00:00+00:00", "lat": 53.6535548, "long": -2.6137984, "title": '
        '"Dog\\u0000 mess by the gate", "description": "A\\u0000B", "status": "open"}, '
        '{"service_request_id": "2", "service_name": "Dog fouling", "requested_datetime": '
        '"2024-03-02T10:00:00+00:00", "lat": 53.6535548, "long": -2.6137984, "title": '
        '"Bin full", "status": "open"}]'
    )
    result = reports_from_open311(path)
    assert result.layer.set_index("report_id").loc["1", "title"] == "Dog mess by the gate"
    assert result.summary() == "open311.json: 2 rows: 2 kept (1 repaired), 0 rejected."
    assert result.repaired.set_index("row").loc["1", "reason"] == (
        "NUL characters (a damaged or binary file) were removed; check the row's text."
    )


US_CRM = (
    "Ref,Kind,Type,ReceivedDate,Status,Latitude,Longitude\n"
    "a1,Noise Request,Noise complaint,11/11/2019 09:36:00 AM,Closed,51.3736,-2.4004\n"
    "b2,Noise Request,Noise complaint,03/19/2018 11:56:00 AM,Closed,51.3742,-2.3513\n"
    "c3,General Request,Dog fouling,10/07/2019 09:38:00 PM,Open,51.3986,-2.3892\n"
    "d4,General Request,Dog fouling,12/25/2019 08:00:00 AM,Open,51.3986,-2.3892\n"
)


def test_a_council_export_with_us_dates_is_read_month_first(tmp_path):
    path = tmp_path / "requests.csv"
    path.write_text(US_CRM)
    result = read_reports(path)
    assert result.n_rejected == 0
    reported = result.layer.set_index("report_id")["reported_at"].dt.strftime("%Y-%m-%d %H:%M")
    assert reported.to_dict() == {
        "a1": "2019-11-11 09:36",
        "b2": "2018-03-19 11:56",
        "c3": "2019-10-07 21:38",  # 7 October, not 10 July
        "d4": "2019-12-25 08:00",
    }
    assert (
        "Dates in 'ReceivedDate' read month first (US order): 2 values like 03/19/2018 "
        "11:56:00 AM can only be month first, so the 2 values that could be either (like "
        '11/11/2019 09:36:00 AM) are too. If they are day first, date_order="dmy".'
    ) in result.notes


def test_a_date_order_given_for_reports_wins(tmp_path):
    path = tmp_path / "requests.csv"
    path.write_text(US_CRM)
    result = read_reports(path, date_order="dmy")
    assert sorted(result.layer["report_id"]) == ["a1", "c3"]
    assert result.rejected["reason"].iloc[0].endswith("or UK 25/11/2025 14:03).")
    assert result.layer.set_index("report_id").loc["c3", "reported_at"] == pd.Timestamp(
        "2019-07-10 21:38", tz="Europe/London"
    )


def test_the_reports_command_takes_a_date_order(tmp_path):
    from click.testing import CliRunner

    from healthy_streets.cli import main

    path = tmp_path / "requests.csv"
    path.write_text(US_CRM)
    said = CliRunner().invoke(main, ["reports", str(path)])
    assert said.exit_code == 0, said.output
    assert "If they are day first, --date-order dmy." in said.output
    given = CliRunner().invoke(main, ["reports", str(path), "--date-order", "dmy"])
    assert given.exit_code == 0, given.output
    assert "read day first (UK order), as --date-order dmy says; 2 values like 03/19/2018" in (
        given.output
    )
    assert "2 rejected: The date cannot be read" in given.output


# ---- times where the clocks change: 26 October 2025 01:00-02:00 came twice (BST, then GMT);
# ---- 30 March 2025 01:00-02:00 never was (the clocks went from 01:00 GMT to 02:00 BST)


def _utc(series):
    return series.dt.tz_convert("UTC").dt.strftime("%Y-%m-%d %H:%M:%S.%f").str[:-3].tolist()


@pytest.mark.parametrize(
    ("text", "utc", "guess"),
    [
        # an offset is exact, in the hour that came twice as anywhere
        ("2025-10-26T01:30:00+01:00", "2025-10-26 00:30:00.000", None),
        ("2025-10-26T01:30:00+00:00", "2025-10-26 01:30:00.000", None),
        ("2025-10-26T00:30:00Z", "2025-10-26 00:30:00.000", None),
        ("2025-10-26T01:59:00Z", "2025-10-26 01:59:00.000", None),
        ("2025-10-26 01:30:00 UTC", "2025-10-26 01:30:00.000", None),
        ("2025-10-26T01:59:59.9999999+00:00", "2025-10-26 01:59:59.999", None),
        ("26/10/2025 01:30 GMT", "2025-10-26 01:30:00.000", None),
        ("26/10/2025 01:30 BST", "2025-10-26 00:30:00.000", None),
        ("26/10/2025 01:30:00 AM +0000", "2025-10-26 01:30:00.000", None),
        ("26-Oct-2025 01:30 gmt", "2025-10-26 01:30:00.000", None),
        # no offset, the hour that came twice: the first time round, BST
        ("2025-10-26T01:30:00", "2025-10-26 00:30:00.000", "repeated"),
        ("2025-10-26 01:00", "2025-10-26 00:00:00.000", "repeated"),
        ("2025-10-26T01:59:59.9999999", "2025-10-26 00:59:59.999", "repeated"),
        ("26/10/2025 01:30", "2025-10-26 00:30:00.000", "repeated"),
        ("26/10/2025 01:30:00 AM", "2025-10-26 00:30:00.000", "repeated"),
        # ... and either side of it, one time each
        ("2025-10-26T00:59:00", "2025-10-25 23:59:00.000", None),
        ("2025-10-26T02:00:00", "2025-10-26 02:00:00.000", None),
        ("26/10/2025", "2025-10-25 23:00:00.000", None),  # midnight, BST
        # no offset, the hour skipped in spring: an hour later, as the clocks moved
        ("2025-03-30T01:30:00", "2025-03-30 01:30:00.000", "skipped"),
        ("2025-03-30 01:00", "2025-03-30 01:00:00.000", "skipped"),
        ("30/03/2025 01:30", "2025-03-30 01:30:00.000", "skipped"),
        ("30/03/2025 01:59:00 AM", "2025-03-30 01:59:00.000", "skipped"),
        ("2025-03-30T00:59:00", "2025-03-30 00:59:00.000", None),  # GMT
        ("2025-03-30T02:00:00", "2025-03-30 01:00:00.000", None),  # BST
        ("2025-03-30T01:30:00+00:00", "2025-03-30 01:30:00.000", None),
    ],
)
def test_a_time_where_the_clocks_change_is_read_as_they_moved(text, utc, guess):
    from healthy_streets.io.reports import _read_dates

    for values in (  # alone (an ISO export's column is read at once), and among others
        pd.Series([text], index=[7]),
        pd.Series(["garbage", text, "01/07/2023 12:00"], index=[6, 7, 8]),
    ):
        read = _read_dates(values)
        assert _utc(read.dates.loc[[7]]) == [utc]
        assert read.dates.dtype == "datetime64[ms, Europe/London]"
        assert list(read.repeated) == ([7] if guess == "repeated" else [])
        assert list(read.skipped) == ([7] if guess == "skipped" else [])
    if " " in text and not text.startswith("2025"):
        from healthy_streets.io.reports import looks_like_report_date

        assert looks_like_report_date(text)  # a council CSV's date column found by content


def test_a_us_date_with_its_zone_is_read_month_first_and_exactly():
    dates = parse_report_dates(
        pd.Series(["10/26/2025 01:30 GMT", "10/26/2025 01:30"]), date_order="mdy"
    )
    assert _utc(dates) == ["2025-10-26 01:30:00.000", "2025-10-26 00:30:00.000"]


DST_FMS = (
    "Report ID,Title,Category,Created,Confirmed,Fixed,Status,Latitude,Longitude\n"
    # confirmed in the hour that came twice, written without an offset
    "201,Bin,Litter,2025-10-26T01:20:00,2025-10-26T01:30:00,,confirmed,53.651,-2.628\n"
    # created in it and never confirmed; fixed in the hour skipped in spring
    "202,Mess,Dog Fouling,2025-10-26T01:45:10.123456,,2026-03-29T01:15:00,fixed,53.652,-2.627\n"
    # created in the hour skipped in spring
    "203,Mess,Dog Fouling,2025-03-30T01:30:00,2025-03-30T02:10:00,,confirmed,53.653,-2.626\n"
    "204,Bin,Litter,2025-10-26T02:30:00,2025-10-26T02:31:00,,confirmed,53.654,-2.625\n"
    # left out (no place): its time is no report's, so not in the notes
    "205,Bin,Litter,2025-10-26T01:05:00,,,confirmed,,\n"
)


def test_a_fixmystreet_export_with_times_where_the_clocks_change(tmp_path):
    path = tmp_path / "fms.csv"
    path.write_text(DST_FMS)
    result = reports_from_fixmystreet(path)
    layer = result.layer.set_index("report_id")
    assert _utc(layer["reported_at"]) == [
        "2025-10-26 00:30:00.000",  # 01:30 BST, the first time round
        "2025-10-26 00:45:10.123",
        "2025-03-30 01:10:00.000",  # 02:10 BST, as confirmed (no guess)
        "2025-10-26 02:31:00.000",  # GMT
    ]
    assert layer.loc["202", "fixed_at"] == pd.Timestamp("2026-03-29 01:15", tz="UTC")
    assert str(layer.loc["202", "fixed_at"]) == "2026-03-29 02:15:00+01:00"
    clocks = [n for n in result.notes if "clocks" in n]
    assert clocks == [
        "1 report's 'Confirmed' time falls in the hour that came twice when the clocks went "
        "back (report 201: '2025-10-26T01:30:00') and gives no offset: read as the first time "
        "round, in British Summer Time (01:30 BST is 00:30 UTC). Where a time is the second, "
        "in GMT, write +00:00 or GMT after it.",
        "1 report's 'Created' time falls in the hour that came twice when the clocks went back "
        "(report 202: '2025-10-26T01:45:10.123456') and gives no offset: read as the first "
        "time round, in British Summer Time (01:45 BST is 00:45 UTC). Where a time is the "
        "second, in GMT, write +00:00 or GMT after it.",
        "1 report's 'Fixed' time falls in the hour skipped when the clocks went forward "
        "(report 202: '2026-03-29T01:15:00') and gives no offset: read an hour later, as the "
        "clocks moved, since no clock showed it (01:15 as 02:15 BST, 01:15 UTC).",
    ]
    assert (result.kept, result.n_rejected) == (4, 1)  # 205, with no place


def test_many_reports_in_the_hour_that_came_twice_are_counted_and_five_named(tmp_path):
    path = tmp_path / "fms.csv"
    rows = [f"{300 + i},Litter,2025-10-26 01:{i:02d},53.651,-2.628" for i in range(8)]
    path.write_text("\n".join(["Report ID,Category,Created,Latitude,Longitude", *rows]) + "\n")
    result = reports_from_fixmystreet(path)
    [said] = [n for n in result.notes if "clocks" in n]
    assert said.startswith(
        "8 reports' 'Created' times fall in the hour that came twice when the clocks went back "
        "(reports 300: '2025-10-26 01:00'; 301: '2025-10-26 01:01'; 302: '2025-10-26 01:02'; "
        "303: '2025-10-26 01:03'; 304: '2025-10-26 01:04' and 3 more) and give no offset: "
        "read as the first time round, in British Summer Time (01:00 BST is 00:00 UTC)."
    )
    assert _utc(result.layer["reported_at"])[-1] == "2025-10-26 00:07:00.000"


def _open311_requests():
    """FixMyStreet writes each time with the offset then in force; some services write UTC
    (Z), and some no offset at all."""
    times = {
        "1": "2025-10-26T01:30:00+01:00",  # the first 01:30
        "2": "2025-10-26T01:30:00+00:00",  # the second, an hour later
        "3": "2025-10-26T00:59:00Z",
        "4": "2025-10-26T01:30:00",  # no offset: a guess, said
        "5": "2025-03-30T01:30:00",  # no offset, in the hour skipped: a guess, said
        "6": "2025-03-30T02:30:00+01:00",
    }
    return [
        {
            "service_request_id": rid,
            "status": "open",
            "service_name": "Potholes",
            "requested_datetime": when,
            "lat": 53.651,
            "long": -2.628,
        }
        for rid, when in times.items()
    ]


@pytest.mark.parametrize("kind", ["json", "xml"])
def test_open311_times_where_the_clocks_change(tmp_path, kind):
    requests = _open311_requests()
    path = tmp_path / f"requests.{kind}"
    if kind == "json":
        path.write_text(json.dumps({"service_requests": requests}))
    else:
        path.write_text(
            "<service_requests>"
            + "".join(
                "<request>" + "".join(f"<{k}>{v}</{k}>" for k, v in r.items()) + "</request>"
                for r in requests
            )
            + "</service_requests>"
        )
    result = reports_from_open311(path)
    layer = result.layer.set_index("report_id")
    assert _utc(layer["reported_at"]) == [
        "2025-10-26 00:30:00.000",
        "2025-10-26 01:30:00.000",
        "2025-10-26 00:59:00.000",
        "2025-10-26 00:30:00.000",
        "2025-03-30 01:30:00.000",
        "2025-03-30 01:30:00.000",
    ]
    clocks = [n for n in result.notes if "clocks" in n]
    assert len(clocks) == 2
    assert clocks[0].startswith(
        "1 report's 'requested_datetime' time falls in the hour that came twice when the "
        "clocks went back (report 4: '2025-10-26T01:30:00') and gives no offset: read as the "
        "first time round"
    )
    assert clocks[1].startswith(
        "1 report's 'requested_datetime' time falls in the hour skipped when the clocks went "
        "forward (report 5: '2025-03-30T01:30:00')"
    )


def test_the_reports_command_reads_a_report_made_in_the_hour_that_came_twice(tmp_path):
    from click.testing import CliRunner

    from healthy_streets.cli import main

    path = tmp_path / "dst.json"
    path.write_text(json.dumps(_open311_requests()[:1] + _open311_requests()[3:4]))
    said = CliRunner().invoke(main, ["reports", str(path)])
    assert said.exit_code == 0, said.output
    assert "Traceback" not in said.output and "Cannot infer dst" not in said.output
    assert "1 report's 'requested_datetime' time falls in the hour that came twice" in said.output


DST_CRM = """Ref,Kind,Type,Status,ReceivedDate,ClosedDate,ReceivedHow,Latitude,Longitude,Ward
c1,General Request,Rat Complaint,Closed,26/10/2025 01:30:00 AM,26/10/2025 01:45:00 AM,Web,\
51.3801,-2.3600,4
c2,General Request,Rat Complaint,Closed,26/10/2025 01:30:00 AM GMT,,Web,51.3802,-2.3601,4
c3,Noise Request,Noise complaint,Open,30/03/2025 01:30:00 AM,,Telephone,51.3736,-2.4004,27
c4,Noise Request,Noise complaint,Open,30/03/2025 02:30:00 AM,,Telephone,51.3737,-2.4005,27
"""


@pytest.mark.parametrize("header", ["ReceivedDate", "Col5"], ids=["by-header", "by-content"])
def test_a_council_export_with_times_where_the_clocks_change(tmp_path, header):
    path = tmp_path / "environmental_requests.csv"
    path.write_text(DST_CRM.replace("ReceivedDate", header))
    result = reports_from_csv(path)
    assert result.columns["created"]["column"] == header
    layer = result.layer.set_index("report_id")
    assert _utc(layer["reported_at"]) == [
        "2025-10-26 00:30:00.000",  # read as the first, BST
        "2025-10-26 01:30:00.000",  # GMT, as written: the second
        "2025-03-30 01:30:00.000",  # 02:30 BST, an hour later
        "2025-03-30 01:30:00.000",  # 02:30 BST, as written
    ]
    assert layer.loc["c1", "fixed_at"] == pd.Timestamp("2025-10-26 00:45", tz="UTC")
    clocks = [n for n in result.notes if "clocks" in n]
    assert [n.split(" (report")[0] for n in clocks] == [
        f"1 report's {header!r} time falls in the hour that came twice when the clocks went back",
        f"1 report's {header!r} time falls in the hour skipped when the clocks went forward",
        "1 report's 'ClosedDate' time falls in the hour that came twice when the clocks went back",
    ]
    assert "(report c1: '26/10/2025 01:30:00 AM')" in clocks[0]
    assert "(01:30 as 02:30 BST, 01:30 UTC)" in clocks[1]


#: A FixMyStreet export with the states FixMyStreet never publishes: a report its
#: moderators hid (its title names a person and an address), one its reporter never
#: confirmed and one never completed, between published ones.
UNPUBLISHED_EXPORT = (
    "Report ID,Title,Detail,Category,Created,Confirmed,Fixed,Status,Latitude,Longitude\n"
    "101,Dog mess by the bench,On the green.,Dog fouling,2024-03-01T09:00:00,"
    "2024-03-01T09:05:00,,confirmed,53.6535,-2.6137\n"
    "102,Regular vandalism and nuisance kids,Jane Doe at 12 Acacia Avenue does it,"
    "Graffiti,2024-03-02T10:00:00,2024-03-02T10:05:00,,hidden,53.6536,-2.6138\n"
    "103,Sofa dumped,Never confirmed sofa,Fly tipping,2024-03-03T11:00:00,,,unconfirmed,"
    "53.6537,-2.6139\n"
    "104,Half a report,Started in the app,Street cleaning,2024-03-04T12:00:00,,,Partial,"
    "53.6538,-2.6140\n"
    "105,Pothole,Deep.,Potholes,2024-03-05T13:00:00,2024-03-05T13:05:00,"
    "2024-03-09T08:00:00,fixed - council,53.6539,-2.6141\n"
    "102,Regular vandalism and nuisance kids,Again,Graffiti,2024-03-06T10:00:00,"
    "2024-03-06T10:05:00,,Hidden,53.6536,-2.6138\n"
)
#: Text of the unpublished reports that no output may hold.
UNPUBLISHED_TEXT = ("vandalism", "Jane Doe", "Acacia", "Sofa", "Half a report", "Started")


def test_reports_fixmystreet_does_not_publish_are_left_out(tmp_path):
    path = tmp_path / "fms.csv"
    path.write_text(UNPUBLISHED_EXPORT)
    result = read_reports(path)
    assert result.layer["report_id"].tolist() == ["101", "105"]
    assert result.layer["status"].tolist() == ["open", "fixed"]
    assert result.rows_in == 6 == result.kept + result.n_rejected
    rejected = result.rejected
    # only the row, the report's id and why: no title, no text, no category
    assert rejected[["row", "field", "value"]].values.tolist() == [
        ["3", "Report ID", "102"],
        ["4", "Report ID", "103"],
        ["5", "Report ID", "104"],
        ["7", "Report ID", "102"],  # a second hidden row of the same id: hidden, no duplicate
    ]
    reasons = rejected["reason"].tolist()
    assert reasons[3] == reasons[0]
    assert reasons[0] == (
        "The report's 'Status' is 'hidden': FixMyStreet's moderators hid it (often because it "
        "holds personal data or abuse), and it is never published. Left out; its title and "
        "text are not kept."
    )
    assert reasons[1].startswith(
        "The report's 'Status' is 'unconfirmed': its reporter never confirmed it by email"
    )
    assert reasons[2].startswith("The report's 'Status' is 'partial': its reporter started it")
    published = rejected.to_csv() + result.repaired.to_csv() + " ".join(result.notes)
    published += result.layer.drop(columns="geometry").to_csv()
    for text in UNPUBLISHED_TEXT:
        assert text not in published, text
    # their categories are not read either: no note counts "Street cleaning" or "Graffiti"
    assert "Graffiti" not in " ".join(result.notes)


def test_a_hidden_report_does_not_make_a_published_one_a_duplicate(tmp_path):
    path = tmp_path / "fms.csv"
    lines = UNPUBLISHED_EXPORT.splitlines()
    # the hidden report first, then the same id published (a moderator's later decision)
    path.write_text("\n".join([lines[0], lines[2], lines[2].replace(",hidden,", ",confirmed,")]))
    result = read_reports(path)
    assert result.layer["report_id"].tolist() == ["102"]
    assert result.rejected["row"].tolist() == ["2"]
    assert "'hidden'" in result.rejected["reason"].iloc[0]


def test_unpublished_states_are_statuses_the_toolkit_knows_but_never_keeps():
    from healthy_streets.io.reports import unpublished_state

    for text in ("hidden", " Hidden ", "UNCONFIRMED", "partial"):
        assert status_from_text(text) is None
        assert unpublished_state(text) == text.strip().lower()
    assert unpublished_state("confirmed") is None and unpublished_state(None) is None


def test_a_council_csv_and_open311_leave_out_unpublished_reports_too(tmp_path):
    # a council CSV whose status column is found by its values, not its header
    path = tmp_path / "crm.csv"
    path.write_text(
        "Ref,Kind,Col3,Logged,Latitude,Longitude\n"
        "A1,Dog fouling,Closed,03/04/2024,53.6535,-2.6137\n"
        "A2,Dog fouling,hidden,04/04/2024,53.6536,-2.6138\n"
        "A3,Litter,Open,05/04/2024,53.6537,-2.6139\n"
        "A4,Litter,Unconfirmed,06/04/2024,53.6538,-2.6140\n"
    )
    result = reports_from_csv(path)
    assert "status <- 'Col3' (content: 100% of its values are statuses" in result.notes[0]
    assert result.layer["report_id"].tolist() == ["A1", "A3"]
    assert result.rejected["value"].tolist() == ["A2", "A4"]
    # Open311: GeoReport v2 says only open or closed, but a saved feed may hold the state
    feed = tmp_path / "requests.json"
    feed.write_text(
        json.dumps(
            [
                {
                    "service_request_id": str(n),
                    "service_name": "Graffiti",
                    "status": status,
                    "title": f"Title {n}",
                    "description": "Jane Doe at 12 Acacia Avenue" if status == "hidden" else "",
                    "requested_datetime": "2024-03-01T09:00:00+00:00",
                    "lat": 53.6535,
                    "long": -2.6137,
                }
                for n, status in enumerate(["open", "hidden", "closed", "unconfirmed"])
            ]
        )
    )
    result = read_reports(feed)
    assert result.layer["report_id"].tolist() == ["0", "2"]
    assert result.rejected["value"].tolist() == ["1", "3"]
    assert "'status' is 'hidden'" in result.rejected["reason"].iloc[0]
    assert "Acacia" not in result.rejected.to_csv()


def test_the_reports_command_says_what_it_left_out_and_the_store_holds_no_text(tmp_path):
    import sqlite3

    from click.testing import CliRunner

    from healthy_streets.cli import main

    path = tmp_path / "fms.csv"
    path.write_text(UNPUBLISHED_EXPORT)
    out = tmp_path / "reports.gpkg"
    said = CliRunner().invoke(main, ["reports", str(path), "-o", str(out)])
    assert said.exit_code == 0, said.output
    assert "2 rejected: The report's 'Status' is 'hidden': FixMyStreet's moderators hid it" in (
        said.output
    )
    assert "(row 3, 7)" in said.output
    assert "1 rejected: The report's 'Status' is 'unconfirmed'" in said.output
    assert "1 rejected: The report's 'Status' is 'partial'" in said.output
    with sqlite3.connect(out) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        stored = [str(v) for t in tables for row in db.execute(f'SELECT * FROM "{t}"') for v in row]
        rejected = db.execute("SELECT row, field, value FROM rejected").fetchall()
    assert rejected == [
        ("3", "Report ID", "102"),
        ("4", "Report ID", "103"),
        ("5", "Report ID", "104"),
        ("7", "Report ID", "102"),
    ]
    for text in UNPUBLISHED_TEXT:
        assert not [v for v in stored if text in v], text
        assert text not in said.output, text


def test_the_date_order_decided_is_said_with_what_decided_it(tmp_path):
    path = tmp_path / "environmental_requests.csv"
    path.write_text(CRM)
    result = read_reports(path)
    assert (
        "Dates in 'ReceivedDate' read day first (UK order), decided from its values: 1 of 5 "
        "values (like 19/03/2018 11:56:00 AM) has a day above 12, so can only be day first, "
        "and none can only be month first; the 4 that could be either (like 07/10/2019 "
        "09:38:00 PM) are read so too."
    ) in result.notes
    assert (
        "Dates in 'ClosedDate' read day first (UK order), decided from its values: 1 of 2 "
        "values (like 21/03/2018 12:00:00 AM) has a day above 12, so can only be day first, "
        "and none can only be month first; the 1 that could be either (like 05/11/2019 "
        "12:00:00 AM) is read so too."
    ) in result.notes
    # said by the command too (a blank closing date, "NA", is no value)
    from click.testing import CliRunner

    from healthy_streets.cli import main

    said = CliRunner().invoke(main, ["reports", str(path)])
    assert said.exit_code == 0, said.output
    assert "Dates in 'ReceivedDate' read day first (UK order), decided from its values: 1 of 5" in (
        said.output
    )
    # given, the order is said as given, not as decided
    given = read_reports(path, date_order="dmy")
    assert not [n for n in given.notes if "decided from its values" in n]
    assert "Dates in 'ReceivedDate' read day first (UK order), as date_order=" in (
        " ".join(given.notes)
    )
    # ISO 8601 dates read the same in either order: nothing to say
    iso = tmp_path / "iso.csv"
    iso.write_text("Ref,Kind,Logged,Latitude,Longitude\nA1,Litter,2024-03-01 10:00,53.65,-2.61\n")
    assert not [n for n in read_reports(iso).notes if n.startswith("Dates in")]


def test_closing_dates_before_the_report_are_said_and_kept(tmp_path):
    path = tmp_path / "requests.csv"
    path.write_text(
        "Ref,Kind,Type,Status,ReceivedDate,ClosedDate,Latitude,Longitude\n"
        "a1,General Request,Rat Complaint,Closed,19/03/2018 11:56:00 AM,"
        "19/03/2018 12:00:00 AM,51.3736,-2.4004\n"  # the same day, the closing time midnight
        "a2,General Request,Rat Complaint,Closed,20/03/2018 11:56:00 AM,"
        "19/03/2018 12:00:00 AM,51.3736,-2.4004\n"  # a day before
        "a3,General Request,Rat Complaint,Closed,21/03/2018 01:00:00 PM,"
        "21/03/2018 09:30:00 AM,51.3736,-2.4004\n"  # earlier the same day
        "a4,General Request,Rat Complaint,Closed,22/03/2018 11:56:00 AM,"
        "25/03/2018 12:00:00 AM,51.3736,-2.4004\n"  # after: nothing to say
    )
    result = read_reports(path)
    assert result.kept == 4 and result.n_rejected == 0
    assert (
        "In 3 reports, 'ClosedDate' comes before 'ReceivedDate': 1 the same day, the closing "
        "date written at midnight (a day with no time), 1 earlier the same day, 1 a day or "
        "more before (report a2: made 20 Mar 2018 11:56, closed 19 Mar 2018 00:00). They are "
        "kept, with the dates as written; median_days_to_fix (the days from report to fix, "
        "of fixed reports) leaves them out."
    ) in result.notes
    fixed_at = result.layer.set_index("report_id")["fixed_at"]
    assert fixed_at["a2"] == pd.Timestamp("2018-03-19", tz="Europe/London")  # as written


def test_a_fixmystreet_fix_before_its_confirmation_names_both_dates(tmp_path):
    path = tmp_path / "fms.csv"
    path.write_text(
        "Report ID,Category,Created,Confirmed,Fixed,Status,Latitude,Longitude\n"
        "1,Potholes,2024-03-01T09:00:00,2024-03-02T09:00:00,2024-03-01T10:00:00,fixed,"
        "53.65,-2.61\n"
        "2,Potholes,2024-03-01T09:00:00,2024-03-02T09:00:00,2024-03-03T10:00:00,fixed,"
        "53.65,-2.61\n"
    )
    notes = read_reports(path).notes
    assert [n for n in notes if "comes before" in n] == [
        "In 1 report, 'Fixed' comes before 'Confirmed' (else 'Created'): 1 a day or more "
        "before (report 1: made 02 Mar 2024 09:00, closed 01 Mar 2024 10:00). It is kept, "
        "with the dates as written; median_days_to_fix (the days from report to fix, of fixed "
        "reports) leaves it out."
    ]


def test_excel_day_numbers_in_a_column_headed_as_a_date_are_read_as_dates(tmp_path):
    # a CRM export opened in Excel and saved again loses the cells' date format: the
    # dates become day numbers, with the time as a fraction of the day
    crm = tmp_path / "crm.csv"
    crm.write_text(
        "Case Ref;Enquiry Type;Date Logged;Date Closed;Lat;Long\n"
        "CR1;Fly-tipping;42963;42965.5;51,381;-2,361\n"
        "CR2;Graffiti;43790.4375;;51,382;-2,362\n",
        encoding="latin-1",
    )
    result = read_reports(crm)
    assert result.columns["created"]["column"] == "Date Logged"
    assert result.layer["reported_at"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2017-08-16 00:00",
        "2019-11-21 10:30",
    ]
    assert result.layer["fixed_at"].dt.strftime("%Y-%m-%d %H:%M").tolist()[0] == "2017-08-18 12:00"
    assert any("Excel day numbers" in note and "42963" in note for note in result.notes)


def test_day_numbers_in_a_column_no_header_names_as_a_date_are_not_dates(tmp_path):
    # a reference of five digits is not a day: only a date header makes it one
    crm = tmp_path / "crm.csv"
    crm.write_text(
        "Ref,Enquiry Type,Logged,Lat,Long\n"
        "42963,Fly-tipping,2017-08-16,51.381,-2.361\n"
        "43790,Graffiti,2019-11-21,51.382,-2.362\n"
    )
    result = read_reports(crm)
    assert result.columns["created"]["column"] == "Logged"
    assert result.layer["report_id"].tolist() == ["42963", "43790"]
    assert not any("Excel" in note for note in result.notes)


@pytest.mark.parametrize(
    ("header", "point", "how"),
    [
        ("WKT", "POINT (-2.361 51.381)", "longitude/latitude degrees"),
        ("the_geom", "POINT (375000 164800)", "National Grid metres"),
    ],
)
def test_reports_placed_by_a_wkt_column_when_no_coordinate_columns(tmp_path, header, point, how):
    # an open-data portal's export: the place only as WKT, as assets are read
    crm = tmp_path / "crm.csv"
    crm.write_text(
        f"Ref,PROBLEM,LOGGED,{header}\n"
        f'7,Fly-tipping,2017-08-16,"{point}"\n'
        '8,Graffiti,2017-08-17,"POINT EMPTY"\n'
        '9,Graffiti,2017-08-17,"POINT (1 2"\n'
    )
    result = read_reports(crm)
    assert result.layer["report_id"].tolist() == ["7"]
    place = result.layer.to_crs("EPSG:4326").geometry.iloc[0]
    assert (round(place.x, 2), round(place.y, 2)) == (-2.36, 51.38)
    assert result.columns["geometry"]["column"] == header
    assert how in result.columns["geometry"]["how"]
    assert result.rejected["row"].tolist() == ["3", "4"]
    assert "no geometry" in result.rejected["reason"].iloc[0]
    assert f"The {header!r} text is not valid WKT" in result.rejected["reason"].iloc[1]


def test_a_subject_column_of_repeated_categories_gives_the_category(tmp_path):
    # a CRM export whose only text column, headed "SUBJECT", holds the enquiry's type
    kinds = ["Pothole", "Graffiti", "Fly tipping", "Dog fouling"] * 3
    crm = tmp_path / "crm.csv"
    crm.write_text(
        "ENQUIRY_NO,SUBJECT,ENQUIRY_TIME,X,Y\n"
        + "".join(
            f"{1000 + i},{kind},12/03/2019 09:{i:02d},{375100 + i},164900\n"
            for i, kind in enumerate(kinds)
        )
    )
    result = read_reports(crm)
    assert result.columns["category"]["column"] == "SUBJECT"
    assert "content" in result.columns["category"]["how"]
    assert result.layer["category"].tolist()[:4] == [
        "potholes",
        "graffiti",
        "fly_tipping",
        "dog_fouling",
    ]


def test_a_subject_column_of_free_text_is_no_category(tmp_path):
    crm = tmp_path / "crm.csv"
    crm.write_text(
        "ENQUIRY_NO,SUBJECT,ENQUIRY_TIME,X,Y\n"
        "1001,Pothole outside number 4 again,12/03/2019 09:00,375100,164900\n"
        "1002,Graffiti on the bus shelter by the school,13/03/2019 10:30,375200,164950\n"
        "1003,Someone dumped a sofa in the lane,13/03/2019 10:30,375200,164950\n"
    )
    with pytest.raises(InputFileError, match="missing: category"):
        read_reports(crm)


@pytest.mark.parametrize(
    ("x", "y"), [("375100", "164900"), ("-2.361", "51.381")], ids=["metres", "degrees"]
)
def test_arcgis_point_x_and_point_y_columns_place_the_reports(tmp_path, x, y):
    # ArcGIS's "Add XY Coordinates" writes POINT_X and POINT_Y, in the layer's CRS
    crm = tmp_path / "crm.csv"
    crm.write_text(
        f"Request ID,Request Type,Opened,POINT_X,POINT_Y\n1001,Pothole,2019-03-12,{x},{y}\n"
    )
    result = read_reports(crm)
    place = result.layer.to_crs("EPSG:4326").geometry.iloc[0]
    assert (round(place.x, 2), round(place.y, 2)) == (-2.36, 51.38)
    assert result.columns["easting"]["column"] == "POINT_X"


def test_reports_placed_by_a_socrata_location_column_of_latitude_longitude_pairs(tmp_path):
    # an open-data portal's export whose only place is "Location": "(51.381, -2.361)"
    crm = tmp_path / "requests.csv"
    crm.write_text(
        "Ref,Type,ReceivedDate,Location\n"
        'R1,Graffiti,2018-03-19,"(51.381, -2.361)"\n'
        'R2,Graffiti,2018-03-20,"(51.382, -2.362)"\n'
        'R3,Graffiti,2018-03-21,""\n'
    )
    result = read_reports(crm)
    assert result.layer["report_id"].tolist() == ["R1", "R2"]
    place = result.layer.to_crs("EPSG:4326").geometry.iloc[0]
    assert (round(place.x, 3), round(place.y, 3)) == (-2.361, 51.381)
    assert result.columns["lat"]["column"] == "Location"
    assert "latitude, longitude pairs" in result.columns["lat"]["how"]
    assert result.rejected["row"].tolist() == ["4"]


@pytest.mark.parametrize(
    "header",
    ["Service Request Number", "Job Number", "Request No", "Reference Number", "Fault Ref"],
)
def test_council_reference_headings_give_the_report_id(tmp_path, header):
    # CRM exports name their reference every way: the council's own id is kept, not a hash
    crm = tmp_path / "crm.csv"
    crm.write_text(
        f"{header},Service Request Type,Date Created,Easting,Northing\n"
        "SR100,Potholes,2023-01-03,428650,435300\n"
        "SR101,Dog Fouling,2023-01-04,428900,434800\n"
    )
    result = read_reports(crm)
    assert result.layer["report_id"].tolist() == ["SR100", "SR101"]
    assert result.columns["report_id"] == {"column": header, "how": "header", "share": None}
    assert result.columns["category"]["how"] == "header"


@pytest.mark.parametrize(
    "footer", ["Total: 2", "Grand Total,2", "Count of Case Ref,2", "2 records"]
)
def test_a_total_line_below_a_council_report_is_no_report(tmp_path, footer):
    # a CRM's saved report ends with its total, after a blank line or not
    crm = tmp_path / "crm.csv"
    crm.write_text(
        "Street Scene enquiries\n"
        "Case Ref,Enquiry Type,Date Logged,Easting,Northing\n"
        "C1,Pothole,03/01/2023,428650,435300\n"
        "C2,Graffiti,14/01/2023,428900,434800\n"
        "\n"
        f"{footer}\n"
    )
    result = read_reports(crm)
    assert (result.rows_in, result.kept, result.n_rejected) == (2, 2, 0)
    assert any(note.startswith("The last line (row ") for note in result.notes)


def test_a_report_that_mentions_a_total_is_still_a_report(tmp_path):
    crm = tmp_path / "crm.csv"
    crm.write_text(
        "Case Ref,Enquiry Type,Date Logged,Easting,Northing\n"
        "C1,Pothole,03/01/2023,428650,435300\n"
        "Total loss of lighting,Street lighting,14/01/2023,428900,434800\n"
    )
    result = read_reports(crm)
    assert result.kept == 2


def test_rows_after_a_blank_line_are_numbered_as_a_spreadsheet_shows_them(tmp_path):
    # a spreadsheet shows the blank line as a row: the row named is the one the officer sees
    crm = tmp_path / "crm.csv"
    crm.write_text(
        "Case Ref,Enquiry Type,Date Logged,Easting,Northing\n"
        "C1,Pothole,03/01/2023,428650,435300\n"
        "\n"
        '"C2","Graffiti, on\ntwo lines",14/01/2023,428900,434800\n'
        "C3,Graffiti,garbage,428900,434800\n"
    )
    result = read_reports(crm)
    assert result.kept == 2
    assert result.rejected["row"].tolist() == ["5"]


EMPTY_ROWS_CRM = (
    "Case Ref,Enquiry Type,Date Logged,Easting,Northing\n"
    "C1,Pothole,03/01/2023,428650,435300\n"
    ",,,,\n"  # 3: a row of empty cells, as Excel saves one
    "\n"  # 4: a blank line
    "C2,Graffiti,14/01/2023,428900,434800\n"
    '"","","","",""\n'  # 6: empty cells in quotes
    " , ,  ,,\t\n"  # 7: white space only
    "C3,Graffiti,garbage,428900,434800\n"  # 8: a bad date, named by its own row
    ",,,,\r\n"  # 9-11: the rows Excel leaves below a table
    ",,,\n"
    ",,,,\n"
)


def test_rows_of_empty_cells_are_skipped_as_blank_lines_are_and_said(tmp_path):
    crm = tmp_path / "crm.csv"
    crm.write_text(EMPTY_ROWS_CRM)
    result = read_reports(crm)
    assert result.layer["report_id"].tolist() == ["C1", "C2"]
    assert result.rejected["row"].tolist() == ["8"]
    assert "date" in result.rejected.iloc[0]["reason"]
    assert (result.rows_in, result.kept, result.n_rejected) == (3, 2, 1)
    assert (
        "6 rows are empty (no cell holds anything): rows 3, 6\u20137, 9\u201311; skipped as "
        "blank lines are, and not counted as rows read." in result.notes
    )
    assert "A blank line between the table's rows (row 4) was skipped" in result.notes


def test_blank_lines_between_rows_are_said_and_those_at_the_end_are_not(tmp_path):
    crm = tmp_path / "crm.csv"
    crm.write_text(
        "Case Ref,Enquiry Type,Date Logged,Easting,Northing\n"
        "\n"  # 2
        "C1,Pothole,03/01/2023,428650,435300\n"
        "\n  \n"  # 4-5, the second of spaces
        "C2,Graffiti,14/01/2023,428900,434800\n"
        "\n\n"  # the file's end
    )
    result = read_reports(crm)
    assert result.layer["report_id"].tolist() == ["C1", "C2"]
    blank = [n for n in result.notes if "blank line" in n]
    assert blank == ["3 blank lines between the table's rows (rows 2, 4\u20135) were skipped"]


def test_a_total_line_below_rows_of_empty_cells_is_still_no_report(tmp_path):
    crm = tmp_path / "crm.csv"
    crm.write_text(
        "Case Ref,Enquiry Type,Date Logged,Easting,Northing\n"
        "C1,Pothole,03/01/2023,428650,435300\n"
        ",,,,\n"
        "Total: 1,,,,\n"
        ",,,,\n"
    )
    result = read_reports(crm)
    assert (result.rows_in, result.kept, result.n_rejected) == (1, 1, 0)
    assert any(n.startswith("The last line (row 4: 'Total: 1')") for n in result.notes)
    assert any(
        n.startswith("2 rows are empty (no cell holds anything): rows 3, 5;") for n in result.notes
    )


def test_a_row_of_cells_that_say_no_value_is_not_an_empty_row(tmp_path):
    # "N/A" in every cell was typed by someone: the row is read, and rejected for what it lacks
    crm = tmp_path / "crm.csv"
    crm.write_text(
        "Case Ref,Enquiry Type,Date Logged,Easting,Northing\n"
        "C1,Pothole,03/01/2023,428650,435300\n"
        "N/A,N/A,N/A,N/A,N/A\n"
    )
    result = read_reports(crm)
    assert result.rejected["row"].tolist() == ["3"]
    assert not any("empty" in note for note in result.notes)


def test_a_fixmystreet_row_filled_only_in_columns_not_read_is_not_empty(tmp_path):
    # a FixMyStreet export is read for some of its columns: a row is empty only when all are
    path = tmp_path / "fms.csv"
    blank_but_staff = ",".join([""] * 22 + ["Sam Staff"])
    path.write_text("\n".join([FMS_HEADER, FMS_ROWS[0], blank_but_staff, "," * 22]) + "\n")
    result = reports_from_fixmystreet(path)
    assert result.layer["report_id"].tolist() == ["101"]
    assert result.rejected["row"].tolist() == ["3"]
    assert "Row 4 is empty (no cell holds anything); skipped as blank lines are" in " ".join(
        result.notes
    )


def test_empty_rows_of_an_excel_sheet_are_skipped_and_said(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Case Ref", "Enquiry Type", "Date Logged", "Easting", "Northing"])
    sheet.append(["C1", "Pothole", "03/01/2023", 428650, 435300])
    sheet.append([None, " ", "", None, "  "])  # 3: blank and white space cells
    sheet.append(["C2", "Graffiti", "garbage", 428900, 434800])  # 4
    sheet.append(["C3", "Graffiti", "14/01/2023", 428900, 434800])
    sheet["A9"] = " "  # 6-8 unused, 9 a space typed far below
    path = tmp_path / "crm.xlsx"
    book.save(path)
    result = read_reports(path)
    assert result.layer["report_id"].tolist() == ["C1", "C3"]
    assert result.rejected["row"].tolist() == ["4"]
    assert (result.rows_in, result.kept) == (3, 2)
    assert any(
        n.startswith("5 rows are empty (no cell holds anything): rows 3, 6\u20139;")
        for n in result.notes
    )
