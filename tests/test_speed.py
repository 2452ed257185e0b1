import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import healthy_streets as hs
from healthy_streets.errors import ConfigError
from healthy_streets.model.speed import (
    SOURCES,
    Speed,
    _speed_from_tags,
    is_signed_20mph_zone,
    restricted_road_mph,
    speed_from_tags,
)


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"maxspeed": "20 mph"}, Speed(20.0, "maxspeed")),
        ({"maxspeed": "20mph"}, Speed(20.0, "maxspeed")),
        ({"maxspeed": "20 MPH"}, Speed(20.0, "maxspeed")),
        ({"maxspeed": " 30 mph "}, Speed(30.0, "maxspeed")),
        ({"maxspeed": "30"}, Speed(18.6, "maxspeed_kmh")),  # a bare number is km/h
        ({"maxspeed": "30 km/h"}, Speed(18.6, "maxspeed_kmh")),
        ({"maxspeed": "50 kph"}, Speed(31.1, "maxspeed_kmh")),
        ({"maxspeed": "GB:nsl_single"}, Speed(60.0, "national_limit")),
        ({"maxspeed": "GB:nsl_dual"}, Speed(70.0, "national_limit")),
        ({"maxspeed": "GB:nsl_restricted"}, Speed(30.0, "national_limit")),
        ({"maxspeed": "GB:motorway"}, Speed(70.0, "national_limit")),
        ({"maxspeed": "walk"}, Speed(5.0, "maxspeed")),
        ({"maxspeed": "20 mph;30 mph"}, Speed(20.0, "maxspeed_lowest")),
        ({"maxspeed": ["30 mph", "20 mph"]}, Speed(20.0, "maxspeed_lowest")),
        ({"maxspeed:type": "GB:zone20", "highway": "residential"}, Speed(20.0, "maxspeed_type")),
        ({"zone:maxspeed": "GB:20"}, Speed(20.0, "zone_maxspeed")),
        ({"source:maxspeed": "GB:nsl_restricted"}, Speed(30.0, "source_maxspeed")),
        (
            {"maxspeed:forward": "30 mph", "maxspeed:backward": "20 mph"},
            Speed(20.0, "maxspeed_lowest"),
        ),
        # maxspeed wins over the type tag when both are present
        ({"maxspeed": "30 mph", "maxspeed:type": "GB:zone20"}, Speed(30.0, "maxspeed")),
        # values that give no limit are unknown, never a default for the road class
        ({"maxspeed": "none", "highway": "residential"}, Speed(None, "unknown")),
        ({"maxspeed": "signals", "highway": "primary"}, Speed(None, "unknown")),
        ({"maxspeed": "variable", "highway": "trunk"}, Speed(None, "unknown")),
        ({"maxspeed": "fast", "highway": "residential"}, Speed(None, "unknown")),
        ({"maxspeed": "200 mph", "highway": "residential"}, Speed(None, "unknown")),
        # ...unless another tag gives one
        (
            {"maxspeed": "signals", "source:maxspeed": "GB:nsl_dual", "highway": "trunk"},
            Speed(70.0, "source_maxspeed"),
        ),
        # the national limit by the road's class
        ({"maxspeed": "national", "highway": "unclassified"}, Speed(60.0, "national_limit")),
        ({"maxspeed": "GB:national", "highway": "motorway"}, Speed(70.0, "national_limit")),
        ({"maxspeed": "GB:zone20", "highway": "residential"}, Speed(20.0, "maxspeed")),
        ({"highway": "motorway"}, Speed(70.0, "default")),
        ({"highway": "living_street"}, Speed(20.0, "default")),
        ({"highway": ["residential", "service"]}, Speed(30.0, "default")),
        ({"highway": "footway"}, Speed(None, "unknown")),
        ({"highway": "service"}, Speed(None, "unknown")),
        ({}, Speed(None, "unknown")),
        ({"maxspeed": float("nan"), "highway": "tertiary"}, Speed(30.0, "default")),
    ],
)
def test_speed_from_tags(tags, expected):
    assert speed_from_tags(tags, nation="england") == expected


def test_welsh_restricted_roads_became_20mph_on_17_september_2023():
    tags = {"maxspeed": "GB:nsl_restricted"}
    assert speed_from_tags(tags, nation="wales", on=dt.date(2023, 9, 16)).mph == 30.0
    assert speed_from_tags(tags, nation="wales", on=dt.date(2023, 9, 17)).mph == 20.0
    assert speed_from_tags(tags, nation="scotland", on=dt.date(2024, 1, 1)).mph == 30.0
    assert speed_from_tags(
        {"highway": "residential"}, nation="wales", on=dt.date(2024, 1, 1)
    ) == Speed(20.0, "default")
    assert restricted_road_mph("northern_ireland") == 30.0


def test_the_nation_setting_is_read_at_call_time(monkeypatch):
    from healthy_streets import settings

    monkeypatch.setattr(settings, "nation", "wales")
    assert speed_from_tags({"maxspeed": "GB:nsl_restricted"}, on=dt.date(2025, 1, 1)).mph == 20


def test_a_nation_is_read_in_any_case_and_a_typo_is_refused(monkeypatch):
    tags = {"highway": "residential", "maxspeed:type": "GB:nsl_restricted"}
    on = dt.date(2024, 1, 1)
    for written in ("Wales", "WALES", " wales "):
        assert speed_from_tags(tags, nation=written, on=on) == Speed(20.0, "maxspeed_type")
    assert restricted_road_mph("Northern Ireland") == 30.0
    with pytest.raises(ConfigError) as info:
        speed_from_tags(tags, nation="englnd")
    assert str(info.value) == (
        "nation = 'englnd' should be one of england, wales, scotland or northern_ireland. "
        "Did you mean 'england'?"
    )
    monkeypatch.setattr(hs.settings, "nation", "Wales")  # the setting is read so too
    assert speed_from_tags(tags, on=on).mph == 20.0
    monkeypatch.setattr(hs.settings, "nation", "Whales")
    with pytest.raises(ConfigError, match="hs.settings.nation = 'Whales'.*'wales'"):
        speed_from_tags(tags, on=on)


def test_inputs_read_the_nation_as_the_project_file_does():
    sample = hs.sample_inputs()
    inputs = hs.Inputs(sample.zones, osm=sample.osm, osm_assets=False, nation="Wales")
    assert inputs.nation == "wales"
    # the sample's Kestrel Park is restricted roads: 20 mph in Wales, as with "wales"
    lengths = hs.street_lengths(hs.load_layers(inputs))
    assert lengths.loc["kestrel-park", "share_20mph"] == pytest.approx(0.609, abs=0.001)
    with pytest.raises(ConfigError, match="nation = 'englnd'.*Did you mean 'england'"):
        hs.Inputs(sample.zones, osm=sample.osm, nation="englnd")


@pytest.mark.parametrize(
    ("tags", "signed"),
    [
        ({"maxspeed:type": "GB:zone20"}, True),
        ({"zone:maxspeed": "GB:20"}, True),
        ({"maxspeed": "20 mph"}, False),  # a 20 mph limit is not a signed zone
        ({"maxspeed:type": "GB:nsl_restricted"}, False),
    ],
)
def test_signed_20mph_zone(tags, signed):
    assert is_signed_20mph_zone(tags) is signed


tag_values = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-1000, 1000),
    st.text(max_size=30),
    st.sampled_from(
        [
            "20 mph",
            "GB:zone20",
            "GB:nsl_single",
            "30",
            "walk",
            "none",
            "signals",
            "20 mph;30 mph",
            "70 km/h",
            "GB:",
            "mph",
            ";;",
            "1e9 mph",
            "NaN mph",
        ]
    ),
    st.lists(st.text(max_size=10), max_size=4),
)
tag_dicts = st.dictionaries(
    st.sampled_from(
        [
            "maxspeed",
            "maxspeed:type",
            "zone:maxspeed",
            "source:maxspeed",
            "maxspeed:forward",
            "maxspeed:backward",
            "highway",
        ]
    ),
    tag_values,
)


# Generation speed varies on a loaded machine; what matters is the property.
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tag_dicts, st.sampled_from(["england", "wales", "scotland", "northern_ireland"]))
def test_every_input_gives_5_to_70_mph_or_an_explicit_unknown(tags, nation):
    # the inner reader, so an exception fails here rather than hiding in the outer guard
    speed = _speed_from_tags(tags, nation=nation, on=None)
    assert speed.source in SOURCES
    if speed.mph is None:
        assert speed.source == "unknown"
    else:
        assert not math.isnan(speed.mph)
        assert 5.0 <= speed.mph <= 70.0
        assert speed.source != "unknown"
