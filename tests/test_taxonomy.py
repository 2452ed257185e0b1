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
        ("Traffic lights not working", "street_lighting"),
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
    ],
)
def test_asset_categories(text, category):
    assert asset_taxonomy().categorise(text) == category


def test_project_synonyms_take_keys_in_any_case():
    assert asset_taxonomy({"chatty bench": "Bench"}).categorise("chatty bench") == "bench"
    assert report_taxonomy({"poo": "Dog fouling"}).categorise("poo") == "dog_fouling"


def test_import_notes_list_the_unmatched_and_the_guessed():
    from healthy_streets.model.taxonomy import match_notes

    notes = match_notes(
        ["Bench", "Comunity Centre", "Thingy", "Thingy", None],
        asset_taxonomy(),
        what="asset",
        settings_table="[taxonomy.assets]",
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
