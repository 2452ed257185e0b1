"""Zones named by id or name: what a misspelt name is told."""

import pandas as pd
import pytest

from healthy_streets.errors import ConfigError
from healthy_streets.model.ids import zone_id_of


def test_a_scorecard_whose_ids_are_its_names_suggests_each_zone_once_and_not_outside():
    """A scorecard's rows carry the zone id as their name too, and a row for outside every
    zone: neither the brackets repeat the id nor is the outside row offered as a zone."""
    card = pd.DataFrame(
        {
            "zone_id": ["yarrowside-north", "cowslip", "(outside zones)"],
            "name": ["yarrowside-north", "cowslip", "(outside zones)"],
        }
    )
    with pytest.raises(ConfigError) as caught:
        zone_id_of(card, "Cowslp")
    message = str(caught.value)
    assert "Did you mean 'cowslip'?" in message
    assert message.endswith("The zones are: yarrowside-north, cowslip.")
    assert "(outside zones)" not in message.split("There is no zone 'Cowslp'.")[1]
    assert zone_id_of(card, "(outside zones)") == "(outside zones)"  # still the outside row


def test_zones_with_names_are_listed_with_them():
    zones = pd.DataFrame({"zone_id": ["cowslip"], "name": ["Cowslip Meadows"]})
    with pytest.raises(ConfigError, match=r"Did you mean 'Cowslip Meadows' \(cowslip\)\?"):
        zone_id_of(zones, "Cowslip Meadow")
    with pytest.raises(ConfigError, match=r"The zones are: cowslip \(Cowslip Meadows\)\.$"):
        zone_id_of(zones, "Kestrel")


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Café Quarter", "cafe-quarter"),
        ("Ffordd Tŷ Gwyn", "ffordd-ty-gwyn"),
        ("Heol Ŵyn", "heol-wyn"),
        ("Crème Brûlée Lane", "creme-brulee-lane"),
        ("Straße", "strasse"),
    ],
)
def test_ids_keep_the_letters_of_accented_names(name, slug):
    # Welsh and borrowed names: a letter with an accent is the letter, not a gap in the id
    from healthy_streets.model.ids import slugify

    assert slugify(name) == slug
