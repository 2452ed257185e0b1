"""A project whose every text field holds hostile text, built from the sample by the tests.

Jinja2, JavaScript-template and HTML payloads go into the zones (name, TRO reference, notes),
the OpenStreetMap file (street, school and shop names), the walkabout sheet, the FixMyStreet
and Open311 reports, a residents' additions file and the project's title. Payloads that
would run code write a marker file; a build that is safe leaves none, and shows every
payload as the text it is.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
MARKERS = "markers"


def payloads(marker_dir: Path) -> list[str]:
    """Texts an attacker would type: each would run code, break a template or a script."""
    marker = (marker_dir / "jinja-popen").as_posix()
    cycler = (marker_dir / "jinja-cycler").as_posix()
    return [
        f"{{{{ lipsum.__globals__['os'].popen('touch {marker}').read() }}}}",
        f'{{{{ cycler.__init__.__globals__.os.popen("touch {cycler}").read() }}}}',
        "Dog mess {{ again by the gate",
        "Bins {{7*7}} overflowing",
        "{% for x in range(3) %}loop{% endfor %} by the shops",
        "{# comment #} litter {%",
        "Fly-tipping ${alert(1)} `${document.title}` behind Unit 4",
        "</script><script>window.__hsPwned = 1</script> on the corner",
        '<img src=x onerror="window.__hsPwned = 2"> near the park',
        "O'Brien's \"Corner\" & <b>bold</b> \\ back\\slash",
        "line\u2028separator and }} closing braces",
    ]


def hostile_project(folder: Path) -> dict[str, object]:
    """Write the hostile project into ``folder``; return what went where.

    Returns ``{"config": path, "texts": [payloads], "markers": folder}``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    markers = folder / MARKERS
    markers.mkdir(exist_ok=True)
    texts = payloads(markers)

    def text(i: int) -> str:
        return texts[i % len(texts)]

    _zones(SAMPLE / "zones.geojson", folder / "zones.geojson", text)
    _osm(SAMPLE / "yarrowside.osm", folder / "area.osm", text)
    _csv(
        SAMPLE / "assets_walkabout.csv",
        folder / "walkabout.csv",
        {"Name": text, "Notes": lambda i: text(i + 3)},
    )
    _csv(
        SAMPLE / "reports_fixmystreet.csv",
        folder / "fixmystreet.csv",
        {"Title": text, "Detail": lambda i: text(i + 5)},
    )
    _open311(SAMPLE / "reports_open311.json", folder / "open311.json", text)
    _additions(folder / "additions.geojson", texts)
    _council_csv(SAMPLE / "reports_fixmystreet.csv", folder / "council.csv", text)
    places = _places(SAMPLE / "assets_walkabout.csv", text)
    _geojson_assets(places, folder / "places.geojson")
    _kml_assets(places, folder / "places.kml", texts)
    _xlsx_assets(places, folder / "places.xlsx")
    title = "Yarrowside " + texts[0] + " " + texts[3]
    config = folder / "healthy-streets.toml"
    taxonomy = "".join(f"{json.dumps(t)} = {json.dumps(k)}\n" for t, k in _taxonomy(texts))
    config.write_text(
        "[project]\n"
        f"name = {json.dumps(title)}\n"
        'output = "out"\n'
        f"additions_contact = {json.dumps(CONTACT + ' ' + texts[0] + ' ' + texts[3])}\n"
        "[taxonomy.assets]\n"
        f"{taxonomy}"
        "[zones]\n"
        'file = "zones.geojson"\n'
        "[streets]\n"
        'osm_file = "area.osm"\n'
        "[[assets]]\n"
        'file = "walkabout.csv"\n'
        "[[assets]]\n"
        'file = "additions.geojson"\n'
        "[[reports]]\n"
        'file = "fixmystreet.csv"\n'
        'format = "fixmystreet"\n'
        "[[reports]]\n"
        'file = "open311.json"\n'
        'format = "open311"\n'
        "[[reports]]\n"
        'file = "council.csv"\n'
        'format = "csv"\n'
        "[[assets]]\n"
        'file = "places.geojson"\n'
        "[[assets]]\n"
        'file = "places.kml"\n'
        "[[assets]]\n"
        'file = "places.xlsx"\n',
        encoding="utf-8",
    )
    return {
        "config": config,
        "texts": texts,
        "markers": markers,
        "title": title,
        "personal": PERSONAL,
    }


#: Where residents send their additions: the council's own address, published on purpose.
CONTACT = "healthy.streets@example.gov.uk"
#: Personal data planted in person columns and free text: none may come out of a build.
PEOPLE = ["Wilhelmina Crump", "Horatio Nelsonson", "Ethelred Unready"]
#: Names in free text only, in no person column: each is found by its cue alone.
CUED = {
    "on behalf of {}": "Aldous Quimby",
    "\nHi, this is {}": "Bathsheba Tring",
    "my neighbour {} says": "Cuthbert Dimmock",
    "my son {} saw it": "Dorcas Pargeter",
    "Signed {}": "Eustace Scrope",
    "Thx {}": "Fenella Wintle",
    "Ta, {}": "Gervase Blenkinsop",
    "Love, {}": "Hepzibah Farthing",
    "KR, {}": "Ignatius Huckerby",
    "BW {}": "Jemima Jellicoe",
    "Cllr {} visited": "Lancelot Kettlewell",
    "Councillor {} visited": "Mehitabel Lumsden",
    "Rev {}": "Nathaniel Mountjoy",
    "Sgt {} attended": "Ottoline Scattergood",
    "Bins full again - {}": "Perpetua Quinnell",
    "Lamp out ~ {}": "Quentin Ravenhill",
    "{} (resident) says": "Rosamund Stickney",
    "contact {} on Monday": "tobiasz",
    "my neighbours Jane and {}": "Ulric Vavasour",
    "Bins again, regards {}": "Q.X.Z.",
    "Bins not emptied again - {}": "Winifred",
    "Dog mess on path \u2013 {}": "Imogen Hill",
    "Lamp out -- {}": "Rosalind",
    "Bins full\n- {}": "K. Wimbourne",
    "Grit bin empty - {}": "X. Q.",
}
PERSONAL = [
    *PEOPLE,
    *CUED.values(),
    "wil.crump@example.org",
    "horatio@example.net",
    "07700 900461",
    "01257 515151",
    "12 Acacia Avenue",
    "PR7 1AA",
    # phones with hyphens, dots or a bare (0), and emails written in other ways
    "7700-900468",
    "7700.900469",
    "1772 614273",
    "zqcrump",
    "qxethel",
    "pcthora",
    "qxspace",
    # a registration, a phone without its 0, an NI number and a date of birth
    "KX63 WVB",
    "KX63WVB",
    "R417 HTM",
    "7700 900471",
    "QQ 61 48 27 B",
    "14/09/1961",
    # older registrations in capitals without a cue, a dateless one after a cue, and NI
    # numbers in small letters (after a cue, and a prefix HMRC gives without one)
    "M529 XWT",
    "GHF 384M",
    "7142 RN",
    "yp 61 48 27 c",
    "jt614827a",
    # initials in capitals before a full stop ("QW" alone is found in the maps' scripts)
    "Cheers QW",
]
_PERSONAL_TEXTS = [
    f"Regards, {PEOPLE[0]}",
    f"Thanks {PEOPLE[1]} Sent from my iPhone",
    f"reported by {PEOPLE[2]}, ring 07700 900461",
    "email wil.crump@example.org or 01257 515151",
    "I live at 12 Acacia Avenue, PR7 1AA",
    f"Caller {PEOPLE[0]} rang",
    f"Contact: {PEOPLE[1]}",
    "call +44-7700-900468 or +44.7700.900469",
    "ring (0)1772 614273",
    "email zqcrump at example.co.uk or qxethel＠example.com",
    "mailto:pcthora%40example.com, qxspace@example .com",
    "Abandoned car reg KX63 WVB, VRM: KX63WVB, registration R417 HTM",
    "call 7700 900471",
    "NI QQ 61 48 27 B, DOB 14/09/1961",
    "Abandoned van M529 XWT on the verge, old Rover GHF 384M, plate 7142 RN",
    "NI yp 61 48 27 c, ref jt614827a",
    "Sofa dumped again. Cheers QW.",
    *(cue.format(name) for cue, name in CUED.items()),
]


def _personal_text(i: int) -> str:
    """Free text that names a person or gives a contact detail, as residents write it."""
    return _PERSONAL_TEXTS[i % len(_PERSONAL_TEXTS)]


def _taxonomy(texts: list[str]) -> list[tuple[str, str]]:
    """[taxonomy.assets] words that are payloads, each for a category key."""
    return [(t, "bench") for t in texts[:6]]


def _council_csv(source: Path, target: Path, text) -> None:
    """A council's CRM export: person columns, and payloads and personal data in its text."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["Case Ref", "Enquiry Type", "Created", "Latitude", "Longitude", "Description"]
    writer.writerow([*header, "Customer Name", "Caller", "Email", "Contact No"])
    for i, row in enumerate(rows):
        writer.writerow(
            [
                f"CRM-{i}",
                row["Category"] if i % 4 else text(i),
                row["Created"].replace("T", " ")[:16],
                row["Latitude"],
                row["Longitude"],
                f"{text(i + 1)} {_personal_text(i)}",
                PEOPLE[i % 3],
                PEOPLE[(i + 1) % 3],
                "horatio@example.net",
                "07700 900461",
            ]
        )
    # a stray comma: the whole row is rejected, and published without its person
    writer.writerow(
        [
            *("CRM-x", "Dog fouling", " again", "2019-01-01 08:35"),
            *(rows[0]["Latitude"], rows[0]["Longitude"], "By the gate"),
            *(PEOPLE[0], PEOPLE[1], "wil.crump@example.org", "07700 900461"),
        ]
    )
    target.write_text(out.getvalue(), encoding="utf-8")


def _places(source: Path, text) -> list[dict[str, object]]:
    """The walkabout's places, with payloads and personal data in their text and a
    "Logged By" column of people."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        {
            "name": text(i + 2),
            "category": row["Category"] if i % 3 else text(i),
            "notes": f"{text(i + 4)} {_personal_text(i)}",
            "Logged By": PEOPLE[i % 3],
            "lat": float(row["Latitude"]),
            "lon": float(row["Longitude"]),
        }
        for i, row in enumerate(rows)
        if row["Latitude"]
    ][:20]


def _geojson_assets(places: list[dict[str, object]], target: Path) -> None:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
            "properties": {k: v for k, v in p.items() if k not in ("lat", "lon")},
        }
        for p in places
    ]
    target.write_text(json.dumps({"type": "FeatureCollection", "features": features}))


def _kml_assets(places: list[dict[str, object]], target: Path, texts: list[str]) -> None:
    """A My Maps export: folders named with payloads (a folder's name is a category)."""
    kml = "{http://www.opengis.net/kml/2.2}"
    ET.register_namespace("", kml[1:-1])
    root = ET.Element(f"{kml}kml")
    document = ET.SubElement(root, f"{kml}Document")
    ET.SubElement(document, f"{kml}name").text = texts[0]
    for i, place in enumerate(places):
        if i % 5 == 0:
            folder = ET.SubElement(document, f"{kml}Folder")
            ET.SubElement(folder, f"{kml}name").text = f"{texts[i % len(texts)]} {PEOPLE[0]}"
        mark = ET.SubElement(folder, f"{kml}Placemark")
        ET.SubElement(mark, f"{kml}name").text = str(place["name"])
        ET.SubElement(mark, f"{kml}description").text = str(place["notes"])
        point = ET.SubElement(mark, f"{kml}Point")
        ET.SubElement(point, f"{kml}coordinates").text = f"{place['lon']},{place['lat']},0"
    ET.ElementTree(root).write(target, encoding="utf-8", xml_declaration=True)


def _xlsx_assets(places: list[dict[str, object]], target: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Category", "Notes", "Logged By", "Latitude", "Longitude"])
    for p in places:
        sheet.append([p["name"], p["category"], p["notes"], p["Logged By"], p["lat"], p["lon"]])
    sheet.append(["=1+2", '=HYPERLINK("http://x","y")', "@SUM(1)", PEOPLE[1], 53.65, -2.62])
    book.save(target)


def _zones(source: Path, target: Path, text) -> None:
    data = json.loads(source.read_text(encoding="utf-8"))
    for i, feature in enumerate(data["features"]):
        props = feature["properties"]
        props["ZONE_NAME"] = f"Zone {i} {text(3 * i)}"  # the quotes of payload 9 too
        props["TRO_REF"] = text(3 * i + 1)
        props["NOTES"] = text(3 * i + 2)
    target.write_text(json.dumps(data), encoding="utf-8")


def _osm(source: Path, target: Path, text) -> None:
    tree = ET.parse(source)
    for i, tag in enumerate(tree.getroot().iter("tag")):
        if tag.get("k") == "name":
            tag.set("v", text(i))
    tree.write(target, encoding="utf-8", xml_declaration=True)


def _csv(source: Path, target: Path, columns: dict) -> None:
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for i, row in enumerate(rows):
        for column, make in columns.items():
            row[column] = make(i)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    target.write_text(out.getvalue(), encoding="utf-8")


def _open311(source: Path, target: Path, text) -> None:
    items = json.loads(source.read_text(encoding="utf-8"))
    for i, item in enumerate(items):
        item["title"] = text(i)
        item["description"] = item["detail"] = text(i + 2)
        item["status_notes"] = text(i + 4)
    target.write_text(json.dumps(items), encoding="utf-8")


def _additions(target: Path, texts: list[str]) -> None:
    from healthy_streets.model.layers import COMMUNITY_MAP_KIND

    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [-2.6200 + i * 0.0004, 53.6480]},
            "properties": {"name": f"Added bench {i} {t}", "category": "bench", "notes": t},
        }
        for i, t in enumerate(texts)
    ]
    target.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "healthy_streets": {"kind": COMMUNITY_MAP_KIND, "version": 1, "zone_id": "x"},
                "features": features,
            }
        ),
        encoding="utf-8",
    )


def copy_sample(folder: Path) -> None:
    """The sample's files, unchanged, in ``folder`` (for comparisons)."""
    shutil.copytree(SAMPLE, folder, dirs_exist_ok=True)
