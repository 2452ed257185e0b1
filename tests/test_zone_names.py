"""A name several zones share: refused where one zone is wanted, all of them where several
may be; an id always wins over a name."""

from __future__ import annotations

import json
import logging

import pandas as pd
import pytest
from click.testing import CliRunner

import healthy_streets as hs
from healthy_streets.cli import main
from healthy_streets.errors import ConfigError
from healthy_streets.model.ids import zone_id_of, zone_ids_from_names, zone_ids_named, zone_ids_of

import layers_for_tests as t


def run(*args):
    return CliRunner().invoke(main, list(args))


VALLEY = "'Gleadless Valley' names 4 zones: gleadless-valley, gleadless-valley-2, "
VALLEY += "gleadless-valley-3, gleadless-valley-4; give one id."


@pytest.fixture
def sheffield():
    """Zones as Sheffield's file has them: one name for four zones, ids numbered."""
    names = ["Gleadless Valley", "Heeley", *["Gleadless Valley"] * 3]
    ids = zone_ids_from_names(names)
    assert ids == [
        "gleadless-valley",
        "heeley",
        "gleadless-valley-2",
        "gleadless-valley-3",
        "gleadless-valley-4",
    ]
    return pd.DataFrame({"zone_id": ids, "name": names})


@pytest.mark.parametrize("wanted", ["Gleadless Valley", "gleadless valley", " GLEADLESS VALLEY "])
def test_a_name_several_zones_share_is_refused_where_one_zone_is_wanted(sheffield, wanted):
    with pytest.raises(ConfigError) as caught:
        zone_id_of(sheffield, wanted)
    assert str(caught.value) == VALLEY.replace("Gleadless Valley", wanted.strip())


def test_an_id_wins_over_a_name(sheffield):
    assert zone_id_of(sheffield, "gleadless-valley") == "gleadless-valley"
    assert zone_id_of(sheffield, "gleadless-valley-3") == "gleadless-valley-3"
    assert zone_id_of(sheffield, "Heeley") == "heeley"  # a name of one zone is that zone
    # an id that is another zone's name: the id's zone
    clash = pd.DataFrame({"zone_id": ["north", "x"], "name": ["North End", "north"]})
    assert zone_id_of(clash, "north") == "north"
    assert zone_ids_named(clash, "north") == ["north"]


def test_where_several_zones_are_wanted_a_shared_name_means_them_all(sheffield, caplog):
    caplog.set_level(logging.WARNING, logger="healthy_streets")
    assert zone_ids_named(sheffield, "Gleadless Valley") == [
        "gleadless-valley",
        "gleadless-valley-2",
        "gleadless-valley-3",
        "gleadless-valley-4",
    ]
    assert (
        "'Gleadless Valley' names 4 zones (gleadless-valley, gleadless-valley-2, "
        "gleadless-valley-3, gleadless-valley-4): all 4 are taken; give an id to take one "
        "alone." in caplog.text
    )
    caplog.clear()
    assert zone_ids_of(sheffield, ["heeley", "gleadless-valley-2"]) == [
        "heeley",
        "gleadless-valley-2",
    ]
    assert caplog.text == ""  # ids: nothing to say
    assert zone_ids_of(sheffield, ["gleadless-valley-2", "Gleadless Valley", "Heeley"]) == [
        "gleadless-valley-2",
        "gleadless-valley",
        "gleadless-valley-3",
        "gleadless-valley-4",
        "heeley",
    ]
    with pytest.raises(ConfigError, match="There is no zone 'Gleadles'. Did you mean"):
        zone_ids_of(sheffield, ["Gleadles"])


def _shared_zones():
    zones = t.zones(
        [
            ("vale", "implemented", "2021-06-01", (t.X0, t.Y0, t.X0 + 300, t.Y0 + 300)),
            ("vale-2", "implemented", "2021-06-01", (t.X0 + 600, t.Y0, t.X0 + 900, t.Y0 + 300)),
            ("moor", "implemented", "2021-06-01", (t.X0, t.Y0 + 600, t.X0 + 300, t.Y0 + 900)),
        ]
    )
    zones["name"] = ["Vale", "Vale", "Moor"]
    return zones


def _reports():
    return t.reports(
        [
            ("r1", "dog_fouling", "open", "2021-01-05", None, "vale", None, (t.X0 + 10, t.Y0 + 10)),
            ("r2", "dog_fouling", "open", "2021-08-05", None, None, None, (t.X0 - 900, t.Y0)),
        ]
    )


def test_decided_on_by_a_shared_name_applies_to_all_its_zones_and_an_id_wins(caplog):
    zones = _shared_zones()
    caplog.set_level(logging.WARNING, logger="healthy_streets")
    result = hs.before_after(zones, _reports(), decided_on={"Vale": "2021-01-01"})
    decided = result["decided_on"]
    assert decided.dropna().astype("str").to_dict() == {
        "vale": "2021-01-01",
        "vale-2": "2021-01-01",
    }
    assert pd.isna(decided["moor"])
    assert "'Vale' names 2 zones (vale, vale-2): all 2 are taken" in caplog.text
    # a zone given by its id keeps its own day, whichever comes first
    for decided_on in (
        {"vale-2": "2020-12-01", "Vale": "2021-01-01"},
        {"Vale": "2021-01-01", "vale-2": "2020-12-01"},
    ):
        result = hs.before_after(zones, _reports(), decided_on=decided_on)
        assert str(result.loc["vale", "decided_on"]) == "2021-01-01"
        assert str(result.loc["vale-2", "decided_on"]) == "2020-12-01"


def test_meeting_map_refuses_a_shared_name_and_draws_the_zone_of_an_id():
    zones = _shared_zones()
    streets = t.streets(
        [
            ("s1", "Vale Road", "residential", "local", 20.0, "maxspeed", False, "20 mph",
             "vale", [(t.X0 + 10, t.Y0 + 10), (t.X0 + 200, t.Y0 + 10)]),
        ]
    )  # fmt: skip
    with pytest.raises(ConfigError, match=r"^'Vale' names 2 zones: vale, vale-2; give one id\.$"):
        hs.meeting_map(zone="Vale", zones=zones, streets=streets)


def test_build_zone_refuses_a_shared_name_naming_the_ids(tmp_path):
    from conftest import SAMPLE

    data = json.loads((SAMPLE / "zones.geojson").read_text(encoding="utf-8"))
    for feature in data["features"][1:]:  # Cowslip, Yarrow Meadows, Kestrel Park
        feature["properties"]["ZONE_NAME"] = "Vale"
    (tmp_path / "zones.geojson").write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "healthy-streets.toml").write_text(
        '[zones]\nfile = "zones.geojson"\n\n[streets]\nosm_file = "missing.osm"\n'
    )
    result = run("build", str(tmp_path), "--zone", "Vale")
    assert result.exit_code == 2, result.output
    assert "'Vale' names 3 zones: vale, vale-2, vale-3; give one id." in result.output
    assert "missing.osm" not in result.output  # refused before the streets are read
    # an id is taken: the build goes on, to the missing street file
    result = run("build", str(tmp_path), "--zone", "vale-2")
    assert "names 3 zones" not in result.output
    assert "missing.osm" in result.output
