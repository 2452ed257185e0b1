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
    title = "Yarrowside " + texts[0] + " " + texts[3]
    config = folder / "healthy-streets.toml"
    config.write_text(
        "[project]\n"
        f"name = {json.dumps(title)}\n"
        'output = "out"\n'
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
        'format = "open311"\n',
        encoding="utf-8",
    )
    return {"config": config, "texts": texts, "markers": markers, "title": title}


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
