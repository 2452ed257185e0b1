import re

import pytest

from healthy_streets.errors import ConfigError
from healthy_streets.model.taxonomy import (
    ASSET_CATEGORIES,
    OSM_ASSET_PRESETS,
    REPORT_CATEGORIES,
    RESPONSIBLE_TIER,
    asset_taxonomy,
    fold,
    report_taxonomy,
)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Dog fouling", "dog_fouling"),
        ("Dog Fouling", "dog_fouling"),
        ("Dog Mess", "dog_fouling"),
        ("Flytipping", "fly_tipping"),
        ("Fly Tipping", "fly_tipping"),
        ("Fly-Tipping", "fly_tipping"),
        ("SC-Fly-Tip Defect", "fly_tipping"),
        ("Litter", "litter"),
        ("Street cleaning", "litter"),
        ("Speeding", "speeding"),
        ("Potholes", "potholes"),
        ("Street lighting", "street_lighting"),
        ("Graffiti", "graffiti"),
        ("Overgrown vegetation", "vegetation"),
        ("Abandoned vehicles", "abandoned_vehicle"),
        ("Something unheard of", "other"),
        ("Dog fouling near the bin", "dog_fouling"),
        ("Overflowing dog bin", "litter"),
        # a traffic-signal fault is neither lighting nor speeding: left for the project
        ("Traffic lights not working", "other"),
        ("Traffic lights", "other"),
        ("Traffic signal fault", "other"),
        ("Street light out", "street_lighting"),
        # nor is a road sign (missing, wrong, dirty): not speeding, not the road surface
        ("Road traffic signs", "other"),
        ("Street sign missing", "other"),
        ("Speeding traffic", "speeding"),
        ("Road surface", "potholes"),
        # parking is not speeding, and pavement parking not the pavement's surface
        ("Car parking", "other"),
        ("Pavement parking", "other"),
        ("Pavements/footpaths", "potholes"),
        ("Dog barking all night", "noise"),  # not dog fouling
        # a council's environmental-protection requests
        ("Noise complaint", "noise"),
        ("Rat Complaint", "pests"),
        ("Bonfires", "pollution"),
        ("Odour/Fumes", "pollution"),
        ("Accumulations (including refuse & litter", "litter"),
        ("Drainage Complaint", "potholes"),
        ("Nuisance (excluding noise & pollution)", "other"),  # says what it is not
        ("General (non-noise) complaint", "other"),
    ],
)
def test_report_categories(text, category):
    assert report_taxonomy().categorise(text) == category


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Bench", "bench"),
        ("bench", "bench"),
        ("Benches", "bench"),
        ("seat", "bench"),
        ("Dog bin", "bin"),
        ("poo bin", "bin"),
        ("Dog Waste Bin", "bin"),
        ("Community centre", "community_centre"),
        ("Comunity Centre", "community_centre"),  # a typo
        ("Village hall", "community_centre"),
        ("play area", "playground"),
        ("GP surgery", "health"),
        ("Church", "place_of_worship"),
        ("Allotments", "allotment"),
        ("Cafe", "shop_cafe"),
        ("Bus stop", "bus_stop"),
        ("Bus shelter", "bus_stop"),
        # a shelter of any other kind (a picnic or weather shelter) is a place to rest
        ("shelter", "bench"),
        ("Youth club", "community_group"),
        ("Men's shed", "community_group"),
        ("Local authority run library", "library"),
        ("Thingy by the wall", "other"),
        (None, "other"),
        ("Car park", "other"),  # not a park
        ("Parking by the shops", "other"),
        ("Lapwing Park", "park"),
        ("School crossing", "crossing"),
        ("People who help", "community_group"),
        # OS Open Greenspace's functions
        ("Public Park Or Garden", "park"),
        ("Play Space", "playground"),
        ("Playing Field", "sport_leisure"),
        ("Allotments Or Community Growing Spaces", "allotment"),
        ("Religious Grounds", "place_of_worship"),
        ("Cemetery", "park"),
        ("Golf Course", "sport_leisure"),
        ("Bowling Green", "sport_leisure"),
        ("Tennis Court", "sport_leisure"),
        ("Other Sports Facility", "sport_leisure"),
        # council open data
        ("Defibrillator", "defibrillator"),
        ("Public Access Defibrillator (AED)", "defibrillator"),
        ("chorley_aed_list", "defibrillator"),  # "aed" a whole word in a longer text
        ("AED locations", "defibrillator"),
        ("AEDs in Chorley", "defibrillator"),
        ("Aedificium Hall", "community_centre"),  # a word starting "aed" is not one
        ("GP practice", "health"),
        ("GPX track", "other"),  # "gp" is a whole word
        ("Automatic Public Convenience", "toilets"),
        ("Community Toilet", "toilets"),
        ("Grit bin", "grit_bin"),
        ("GBIN", "grit_bin"),  # a council asset register's feature code
        ("Grit bin at the top of the hill", "grit_bin"),  # not a litter bin
        ("Community hub", "community_centre"),
        ("Leisure centre", "sport_leisure"),
        ("Untitled layer", "other"),  # Google My Maps' default layer name
        # Geofabrik's OpenStreetMap classes (fclass)
        ("waste_basket", "bin"),
        ("drinking_water", "drinking_water"),
        ("community_centre", "community_centre"),
        ("toilet", "toilets"),
        ("fast_food", "shop_cafe"),
        ("convenience", "shop_cafe"),  # a shop, not a public convenience
        ("post_box", "street_service"),
        ("tourist_info", "heritage"),
        ("fire_station", "public_service"),
        ("hotel", "other"),
        # council asset lists and walkabouts
        ("Football ground", "sport_leisure"),
        ("Cricket ground", "sport_leisure"),
        ("Outdoor gym", "sport_leisure"),
        ("Scout hut", "community_centre"),
        ("Telephone kiosk", "street_service"),
        # a club of a sport is a place to play it, not a community group
        ("Football Club", "sport_leisure"),
        ("Cricket Club", "sport_leisure"),
        ("Bowling Club", "sport_leisure"),
        ("Rugby Club", "sport_leisure"),
        ("Sports club", "sport_leisure"),
        ("Leyland United Football Club", "sport_leisure"),
        ("Chorley Swimming Club", "sport_leisure"),
        ("Leyland Motors Athletic Club", "sport_leisure"),
        ("Chorley FC", "sport_leisure"),
        ("Lunch club", "community_group"),
        ("Social club", "community_group"),
        ("Walking group", "community_group"),
        ("Golf shop", "shop_cafe"),
    ],
)
def test_asset_categories(text, category):
    assert asset_taxonomy().categorise(text) == category


def test_every_category_can_be_drawn():
    from healthy_streets.maps.style import ASSET_SYMBOLS, REPORT_COLOURS

    assert set(ASSET_SYMBOLS) == set(ASSET_CATEGORIES)
    assert set(REPORT_COLOURS) == set(REPORT_CATEGORIES)
    # no two categories alike: reports by colour, assets (all one ink) by pictogram
    assert len(set(REPORT_COLOURS.values())) == len(REPORT_COLOURS)
    assert len(set(ASSET_SYMBOLS.values())) == len(ASSET_SYMBOLS)
    for key, path in ASSET_SYMBOLS.items():
        assert path.startswith("M") and path.rstrip().endswith("z"), key
        numbers = [float(n) for n in re.findall(r"-?\d*\.?\d+", path)]
        assert numbers and all(abs(n) <= 24 for n in numbers), key  # drawn in a 24 x 24 box


def test_project_synonyms_take_keys_in_any_case():
    assert asset_taxonomy({"chatty bench": "Bench"}).categorise("chatty bench") == "bench"
    assert report_taxonomy({"poo": "Dog fouling"}).categorise("poo") == "dog_fouling"


def test_import_notes_list_the_unmatched_and_the_guessed():
    from healthy_streets.model.taxonomy import match_notes

    notes = match_notes(
        ["Bench", "Comunity Centre", "Thingy", "Thingy", None],
        asset_taxonomy(),
        what="asset",
    )
    assert notes[0].startswith("2 asset categories matched nothing")
    assert "'Thingy' (2)" in notes[0]
    assert "'Comunity Centre' -> Community centres and halls (1)" in notes[1]


def test_project_synonyms_extend_and_win():
    taxonomy = asset_taxonomy({"thingy by the wall": "bench", "Hall": "sport_leisure"})
    assert taxonomy.categorise("Thingy by the wall") == "bench"
    assert taxonomy.categorise("hall") == "sport_leisure"


def test_a_synonym_to_an_unknown_category_is_refused():
    with pytest.raises(ConfigError, match="'seating area'.*'benchz'"):
        asset_taxonomy({"seating area": "benchz"})


def test_every_report_category_has_a_tier_and_every_preset_a_category():
    assert set(RESPONSIBLE_TIER) == set(REPORT_CATEGORIES)
    assert set(RESPONSIBLE_TIER.values()) <= {"county", "district"}
    assert {preset[-1] for preset in OSM_ASSET_PRESETS} <= set(ASSET_CATEGORIES)


def test_fold():
    assert fold("  Dog-Waste BINS! ") == "dog waste bin"
    assert fold("Men's Sheds") == "men shed"


def _documented_keyword_orders() -> dict[str, tuple[list[str], dict[str, str]]]:
    """Each section of docs/taxonomy.md ("Assets", "Reports"): the order its keywords are
    said to be tried in, and each category's first keyword, from its table."""
    from pathlib import Path

    text = (Path(__file__).parents[1] / "docs" / "taxonomy.md").read_text(encoding="utf-8")
    out = {}
    for section in ("Assets", "Reports"):
        body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
        said = re.search(r"^Keywords are tried in this order: (.+)\.$", body, re.MULTILINE)
        assert said is not None, section
        order = re.findall(r"`([a-z_]+)`", said.group(1))
        first = {}
        for row in body.splitlines():
            cells = [c.strip() for c in row.strip("|").split("|")]
            if row.startswith("| `") and re.match(r"`[^`]+`", cells[-1]):
                first[cells[0].strip("`")] = re.match(r"`([^`]+)`", cells[-1]).group(1)
        assert set(order) == set(first), section  # every category with keywords, once
        out[section] = (order, first)
    return out


@pytest.mark.parametrize("section", ["Assets", "Reports"])
def test_keywords_are_tried_in_the_order_the_reference_says(section):
    # a text holding keywords of two categories is the one listed first, wherever the
    # keywords stand in the text ("School crossing" is a crossing)
    order, first = _documented_keyword_orders()[section]
    taxonomy = asset_taxonomy() if section == "Assets" else report_taxonomy()
    assert len(order) > 10
    for i, earlier in enumerate(order):
        for later in order[i + 1 :]:
            for text in (
                f"zzz {first[earlier]} {first[later]}",
                f"zzz {first[later]} {first[earlier]}",
            ):
                match = taxonomy.match(text)
                assert (match.category, match.how) == (earlier, "keyword"), text
