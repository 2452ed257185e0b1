import numpy as np
import pandas as pd
import pytest
import shapely
import statsmodels.api as sm
from scipy import stats

from healthy_streets.analysis.tables import (
    OUTSIDE,
    asset_counts,
    hotspot_streets,
    key_figures,
    report_counts,
    street_lengths,
    summarise_zones,
)

import layers_for_tests as t

X, Y = t.X0, t.Y0


@pytest.fixture
def zones():
    # a 1 km x 0.5 km zone (0.5 km2) in force, and a proposed one beside it
    return t.zones(
        [
            ("north", "implemented", "2022-01-10", (X, Y, X + 1000, Y + 500)),
            ("south", "proposed", None, (X, Y - 500, X + 1000, Y)),
        ]
    )


@pytest.fixture
def streets():
    line = lambda y, x0=X, x1=X + 1000: [(x0, y), (x1, y)]  # noqa: E731
    return t.streets(
        [
            # north: 1 km at 20 mph (signed), 500 m at 30 mph, 200 m of footway
            (
                "n1",
                "Oak Road",
                "residential",
                "local",
                20.0,
                "maxspeed",
                True,
                "20 mph",
                "north",
                line(Y + 100),
            ),
            (
                "n2",
                "Elm Road",
                "residential",
                "local",
                30.0,
                "maxspeed",
                False,
                "30 mph",
                "north",
                line(Y + 200, X, X + 500),
            ),
            (
                "n3",
                None,
                "footway",
                "path",
                None,
                "unknown",
                False,
                None,
                "north",
                line(Y + 300, X, X + 200),
            ),
            # south: 1 km of unknown limit
            (
                "s1",
                "Ash Lane",
                "service",
                "local",
                None,
                "unknown",
                False,
                None,
                "south",
                line(Y - 100),
            ),
            # outside: 2 km, half 40 mph, half 20 mph from a default
            (
                "o1",
                "Main Road",
                "primary",
                "main",
                40.0,
                "maxspeed",
                False,
                "40 mph",
                None,
                line(Y + 800, X, X + 1000),
            ),
            (
                "o2",
                "Back Lane",
                "living_street",
                "local",
                20.0,
                "default",
                False,
                None,
                None,
                line(Y + 900, X, X + 1000),
            ),
            # a 5 m stub of Oak Road, which must not top a hotspot list
            (
                "n4",
                "Stub Close",
                "residential",
                "local",
                20.0,
                "maxspeed",
                True,
                "20 mph",
                "north",
                line(Y + 400, X, X + 5),
            ),
        ]
    )


def test_street_lengths_by_band(zones, streets):
    table = street_lengths(zones, streets)
    assert table.index.tolist() == ["north", "south", OUTSIDE]
    north = table.loc["north"]
    assert north["street_km"] == pytest.approx(1.505)
    assert north["km_20"] == pytest.approx(1.005)
    assert north["km_30"] == pytest.approx(0.5)
    assert north["share_20mph"] == pytest.approx(1.005 / 1.505, abs=1e-4)
    assert north["share_signed_20mph_zone"] == pytest.approx(1.005 / 1.505, abs=1e-4)
    assert north["path_km"] == pytest.approx(0.2)
    assert table.loc["south", "km_unknown"] == pytest.approx(1.0)
    assert table.loc["south", "share_20mph"] == 0
    outside = table.loc[OUTSIDE]
    assert (outside["km_40"], outside["km_20"]) == pytest.approx((1.0, 1.0))
    assert outside["share_signed_20mph_zone"] == 0
    # the km whose limit is the toolkit's default for the class, not a tag: said apart
    assert table["km_assumed"].tolist() == pytest.approx([0.0, 0.0, 1.0])


@pytest.fixture
def reports():
    north = (X + 300, Y + 101)
    return t.reports(
        [
            # three dog fouling reports in north over 2023 (two fixed: after 10 and 30 days)
            ("1", "dog_fouling", "fixed", "2023-01-01", "2023-01-11", "north", "n1", north),
            ("2", "dog_fouling", "fixed", "2023-06-01", "2023-07-01", "north", "n1", north),
            ("3", "dog_fouling", "open", "2023-12-31", None, "north", "n1", north),
            ("4", "litter", "closed", "2023-03-01", None, "north", "n2", (X + 100, Y + 201)),
            # two on the stub: the most per metre, but too short to rank
            ("5", "dog_fouling", "open", "2023-05-01", None, "north", "n4", (X + 2, Y + 401)),
            ("6", "dog_fouling", "open", "2023-05-02", None, "north", "n4", (X + 2, Y + 401)),
            ("7", "fly_tipping", "open", "2023-07-01", None, None, "o1", (X + 500, Y + 801)),
        ]
    )


def test_report_counts_per_km_per_year(zones, streets, reports):
    table = report_counts(zones, streets, reports, start="2023-01-01", end="2024-01-01")
    dog = table[(table["zone_id"] == "north") & (table["category"] == "dog_fouling")].iloc[0]
    assert dog["count"] == 5
    # 5 reports over 1.505 km of road in one year (365 days of 365.25)
    assert dog["per_street_km_per_year"] == pytest.approx(5 / 1.505 / (365 / 365.25), abs=1e-3)
    assert (dog["open"], dog["fixed"], dog["closed"]) == (3, 2, 0)
    assert dog["median_days_to_fix"] == pytest.approx(20.0)
    outside = table[table["zone_id"] == OUTSIDE].iloc[0]
    assert (outside["category"], outside["count"]) == ("fly_tipping", 1)


def test_summarise_zones(zones, streets, reports):
    assets = t.assets(
        [
            ("b1", "bench", "north", shapely.Point(X + 10, Y + 10)),
            ("b2", "bench", "north", shapely.Point(X + 20, Y + 10)),
            ("t1", "tree", None, shapely.Point(X + 20, Y + 850)),
        ]
    )
    table = summarise_zones(zones, streets, assets, reports, start="2023-01-01", end="2024-01-01")
    north = table.loc["north"]
    assert north["area_km2"] == pytest.approx(0.5)
    assert north["assets"] == 2
    assert north["assets_per_street_km"] == pytest.approx(2 / 1.505, abs=1e-3)
    assert north["reports"] == 6
    assert (north["open"], north["fixed"], north["closed"]) == (3, 2, 1)
    assert north["median_days_to_fix"] == pytest.approx(20.0)
    assert pd.isna(table.loc[OUTSIDE, "area_km2"])
    assert table.loc[OUTSIDE, "assets"] == 1
    assert table.loc["south", "reports"] == 0
    assert str(table.loc["north", "period_end"]) == "2023-12-31"
    counts = asset_counts(zones, streets, assets)
    benches = counts[(counts["zone_id"] == "north") & (counts["category"] == "bench")].iloc[0]
    assert benches["count"] == 2
    assert benches["per_km2"] == pytest.approx(4.0)


def test_hotspots_rank_whole_streets_not_stubs(streets, reports):
    table = hotspot_streets(
        streets,
        reports,
        category="dog_fouling",
        start="2023-01-01",
        end="2024-01-01",
        min_length_m=100,
        min_reports=2,
    )
    assert table["street"].tolist() == ["Oak Road"]  # Stub Close is 5 m: not ranked
    oak = table.iloc[0]
    assert oak["rank"] == 1
    assert oak["reports"] == 3
    assert oak["per_100m_per_year"] == pytest.approx(3 / 10 / (365 / 365.25), abs=1e-3)
    loose = hotspot_streets(
        streets,
        reports,
        category="dog_fouling",
        start="2023-01-01",
        end="2024-01-01",
        min_length_m=0,
        min_reports=1,
    )
    assert loose["street"].tolist()[0] == "Stub Close"  # what the minimum length prevents
    everything = hotspot_streets(streets, reports, min_length_m=0, min_reports=1)
    assert {"reports_litter", "reports_fly_tipping"} <= set(everything.columns)


def test_key_figures_past_year(zones, streets, reports):
    assets = t.assets([])
    table = key_figures(zones, streets, assets, reports, year_ending="2023-12-31")
    assert table.loc["north", "reports"] == 6
    assert table.loc["north", "reports_past_year"] == 6
    assert (
        key_figures(zones, streets, assets, reports, year_ending="2023-06-30").loc[
            "north", "reports_past_year"
        ]
        == 5
    )


def test_two_streets_of_one_name_are_two_stretches():
    line = lambda x0, x1, y: [(x0, y), (x1, y)]  # noqa: E731
    streets = t.streets(
        [
            (
                "a",
                "Church Lane",
                "residential",
                "local",
                30.0,
                "maxspeed",
                False,
                None,
                None,
                line(X, X + 200, Y),
            ),
            (
                "b",
                "Church Lane",
                "residential",
                "local",
                30.0,
                "maxspeed",
                False,
                None,
                None,
                line(X + 200, X + 400, Y),
            ),
            (
                "c",
                "Church Lane",
                "residential",
                "local",
                30.0,
                "maxspeed",
                False,
                None,
                None,
                line(X + 5000, X + 5300, Y),
            ),
        ]
    )
    reports = t.reports(
        [
            (str(i), "litter", "open", "2023-06-01", None, None, seg, (X, Y))
            for i, seg in enumerate(["a", "b", "c", "c"])
        ]
    )
    table = hotspot_streets(streets, reports, min_length_m=0, min_reports=1)
    rows = table.set_index("stretch")
    assert sorted(table["stretch"]) == [1, 2]
    assert sorted(rows["length_m"]) == [300.0, 400.0]
    assert rows.loc[rows["length_m"] == 400.0, "reports"].iloc[0] == 2


def _stretches_by_networkx(frame):
    """The stretches as networkx numbers them (a graph of ends, its components in turn; a
    multigraph, so that two segments between the same two ends both count)."""
    import networkx as nx
    import numpy as np

    first = shapely.get_coordinates(shapely.get_point(frame.geometry.values, 0)).round(1)
    last = shapely.get_coordinates(shapely.get_point(frame.geometry.values, -1)).round(1)
    graph = nx.MultiGraph()
    for position, (zone, street, a, b) in enumerate(
        zip(frame["zone"], frame["street"], map(tuple, first), map(tuple, last), strict=True)
    ):
        graph.add_edge((zone, street, a), (zone, street, b), position=position)
    stretch = np.zeros(len(frame), dtype="int64")
    numbers: dict = {}
    for component in nx.connected_components(graph):
        zone, street, _ = next(iter(component))
        numbers[(zone, street)] = numbers.get((zone, street), 0) + 1
        for *_, data in graph.subgraph(component).edges(data=True):
            stretch[data["position"]] = numbers[(zone, street)]
    return stretch


def test_stretches_are_numbered_as_a_graph_of_their_ends_numbers_them():
    """Segments of a few names and zones on a small grid (so that many share ends, some
    form loops, some are one point): the sparse components number each street's stretches
    as networkx's graph did, in the order of their first segment."""
    import geopandas as gpd
    import numpy as np

    from healthy_streets.analysis.tables import _stretches

    rng = np.random.default_rng(2)
    count = 3000
    a = rng.integers(0, 30, (count, 2)) * 10.0
    b = a + rng.integers(-1, 2, (count, 2)) * 10.0
    frame = gpd.GeoDataFrame(
        {
            "zone": rng.choice(["Z1", "Z2", "(outside)"], count),
            "street": rng.choice(["Church Lane", "Mill Road", "Unnamed (way 7)"], count),
        },
        geometry=shapely.linestrings(np.stack([a, b], axis=1)),
        index=rng.permutation(count),
    )
    got = _stretches(frame)
    assert got.index.equals(frame.index)
    assert got.tolist() == _stretches_by_networkx(frame).tolist()
    assert got.max() > 5
    assert got.min() == 1


def test_the_two_halves_of_a_loop_are_one_stretch():
    """Two segments between the same two ends (a loop cut in two) are one stretch: a
    graph of ends that kept one edge per pair of ends left the other half in none."""
    import geopandas as gpd

    from healthy_streets.analysis.tables import _stretches

    halves = [
        shapely.LineString([(0, 0), (50, 50), (100, 0)]),
        shapely.LineString([(100, 0), (50, -50), (0, 0)]),
        shapely.LineString([(500, 0), (600, 0)]),
    ]
    frame = gpd.GeoDataFrame(
        {"zone": ["Z1"] * 3, "street": ["Mill Close"] * 3}, geometry=halves, crs="EPSG:27700"
    )
    assert _stretches(frame).tolist() == [1, 1, 2]


def test_a_hotspot_street_is_its_segments_joined(shared_sample_layers):
    """Only the streets listed have their segments joined: each is, point for point, what
    dissolving every street of the sample gave it, with the length summed over them."""
    from healthy_streets.analysis.tables import _stretches, _zone_of

    layers = shared_sample_layers
    table = hotspot_streets(layers, min_length_m=0, min_reports=1)
    frame = layers.streets.copy()
    unnamed = "Unnamed " + frame["highway"] + " (way " + frame["osm_way_id"].astype("str") + ")"
    frame["street"] = frame["name"].astype("object").where(frame["name"].notna(), unnamed)
    frame["zone"] = _zone_of(frame)
    frame["stretch"] = _stretches(frame)
    every = frame.dissolve(by=["zone", "street", "stretch"], aggfunc={"length_m": "sum"})
    expected = every.loc[
        list(zip(table["zone_id"], table["street"], table["stretch"], strict=True))
    ]
    assert len(table) > 20
    assert (table.geometry.to_wkb().to_numpy() == expected.geometry.to_wkb().to_numpy()).all()
    assert table["length_m"].tolist() == expected["length_m"].round(1).tolist()


def test_a_summary_without_assets_or_reports_leaves_their_columns_empty(zones, streets, reports):
    # an analyst with zones, streets and reports only: a summary, not "needs the assets";
    # what was not given is not counted as none
    table = summarise_zones(zones, streets, reports=reports)
    full = summarise_zones(zones, streets, t.assets([]), reports)
    assert table["assets"].isna().all() and table["assets_per_street_km"].isna().all()
    assert table["reports"].tolist() == full["reports"].tolist()
    assert table["street_km"].tolist() == full["street_km"].tolist()
    bare = summarise_zones(zones, streets)
    assert bare[["reports", "open", "fixed", "closed"]].isna().all().all()
    assert bare["period_start"].isna().all()
    assert (bare["street_km"] == full["street_km"]).all()


def test_a_period_that_is_not_one_is_refused(zones, streets, reports):
    from healthy_streets.errors import ConfigError

    with pytest.raises(ConfigError, match="start = 'last spring' is not a date"):
        report_counts(zones, streets, reports, start="last spring")
    # a day either way round is refused, never read as the US reads it (2 January)
    with pytest.raises(ConfigError, match=r"could be 1 February 2023 \(day first, as in the UK"):
        summarise_zones(zones, streets, t.assets([]), reports, start="01/02/2023")
    with pytest.raises(ConfigError, match="write it as 2023-02-01 or 2023-01-02"):
        hotspot_streets(streets, reports, start="01/02/2023")
    # one that cannot be mistaken is read as a UK date
    late = report_counts(zones, streets, reports, start="31/01/2023")
    assert late.equals(report_counts(zones, streets, reports, start="2023-01-31"))
    with pytest.raises(ConfigError, match="end 2023-01-01 is not after start 2023-06-01"):
        summarise_zones(zones, streets, t.assets([]), reports, start="2023-06-01", end="2023-01-01")
    # one bound after every report is a period with no reports, not a mistake
    later = summarise_zones(zones, streets, t.assets([]), reports, start="2099-01-01")
    assert later["reports"].sum() == 0


def hotspot_layers(reports_per_street):
    """Streets in one zone (name -> (length in m, reports in 2023)), 40 m apart; each
    street's reports spread along it, more than 10 m apart (distinct events)."""
    rows, reports, y = [], [], Y + 10
    for i, (name, (length, count)) in enumerate(reports_per_street.items()):
        segment = f"s{i}"
        rows.append(
            (segment, name, "residential", "local", 20.0, "maxspeed", False, "20 mph", "north",
             [(X, y), (X + length, y)])
        )  # fmt: skip
        for k in range(count):
            day = f"2023-{1 + k % 12:02d}-{1 + k // 12:02d}"
            at = (X + (k + 0.5) * length / count, y)
            reports.append(
                (f"{segment}-{k}", "dog_fouling", "open", day, None, "north", segment, at)
            )
        y += 40
    return t.streets(rows), t.reports(reports)


def test_hotspots_say_which_streets_stand_out_beyond_chance():
    streets, reports = hotspot_layers(
        {
            "Short Close": (100, 4),
            "Busy Road": (500, 40),
            **{f"Quiet Lane {i}": (500, 5) for i in range(4)},
        }
    )
    table = hotspot_streets(
        streets, reports, start="2023-01-01", end="2024-01-01", min_reports=1
    ).set_index("street")
    years = 365 / 365.25
    busy, short = table.loc["Busy Road"], table.loc["Short Close"]
    assert busy["per_100m_per_year"] == pytest.approx(40 / 5 / years, abs=1e-3)
    # exact Poisson interval of 4 reports in 1 hundred-metre-year
    assert (short["rate_low"], short["rate_high"]) == pytest.approx(
        (1.0899 / years, 10.2416 / years), abs=1e-3
    )
    # the rest of the zone: 24 reports over 21 hundred-metre-years
    assert busy["area_rate"] == pytest.approx(24 / 21 / years, abs=1e-3)
    assert busy["stands_out"]
    assert not short["stands_out"]  # 4 where the rest of the zone gives 2.4: chance
    assert busy["adjustment"] == "Benjamini-Hochberg over 6 streets"


def test_empirical_bayes_keeps_a_short_street_with_few_reports_off_the_top():
    streets, reports = hotspot_layers(
        {
            "Short Close": (100, 4),
            "Long Road": (500, 15),
            **{f"Quiet Lane {i}": (500, 5) for i in range(4)},
        }
    )
    period = {"start": "2023-01-01", "end": "2024-01-01", "min_reports": 1}
    raw = hotspot_streets(streets, reports, **period)
    assert raw["street"].tolist()[:2] == ["Short Close", "Long Road"]
    smoothed = hotspot_streets(streets, reports, smooth=True, **period)
    assert smoothed["street"].tolist()[:2] == ["Long Road", "Short Close"]
    # rates pulled towards the zone's 39 reports per 26 hundred-metre-years
    short = smoothed.set_index("street").loc["Short Close"]
    assert 39 / 26 < short["smoothed_per_100m_per_year"] < short["per_100m_per_year"]


def test_reports_of_one_problem_within_10_m_and_30_days_are_one_event():
    streets, _ = hotspot_layers({"Long Road": (500, 0), "Quiet Lane": (500, 0)})
    y = Y + 10
    rows = [
        ("a", "dog_fouling", "2023-03-01", X + 100),  # opens an event
        ("b", "dog_fouling", "2023-03-20", X + 108),  # 8 m, 19 days: the same event
        ("c", "dog_fouling", "2023-03-30", X + 100),  # 29 days after a: the same event
        ("d", "dog_fouling", "2023-04-05", X + 100),  # 35 days after a (6 after c): a new one
        ("e", "dog_fouling", "2023-03-02", X + 111),  # 11 m from a: a new one
        ("f", "litter", "2023-03-02", X + 100),  # another category: a new one
        ("g", "dog_fouling", "2023-09-01", X + 300),  # elsewhere: a new one
    ]
    reports = t.reports(
        [(r, category, "open", day, None, "north", "s0", (x, y)) for r, category, day, x in rows]
    )
    period = {"start": "2023-01-01", "end": "2024-01-01", "min_reports": 1}
    table = hotspot_streets(streets, reports, **period).set_index("street")
    road = table.loc["Long Road"]
    assert (road["reports"], road["events"]) == (7, 5)
    assert (road["reports_dog_fouling"], road["reports_litter"]) == (6, 1)
    # the interval is the exact Poisson interval of 5 events in 5 hundred-metre-years,
    # in reports: times 7 reports per 5 events
    years = 365 / 365.25
    assert (road["rate_low"], road["rate_high"]) == pytest.approx(
        (1.6235 / 5 / years * 7 / 5, 11.6683 / 5 / years * 7 / 5), abs=1e-3
    )
    dog = hotspot_streets(streets, reports, category="dog fouling", **period)
    assert dog.set_index("street").loc["Long Road", "events"] == 4


def test_one_problem_reported_many_times_does_not_stand_out():
    # 30 streets of 300 m with 6 reports each in a year; on one, 5 of its 6 problems are
    # reported 3 times more within a week: 21 reports, more than three times the rate
    streets, reports = hotspot_layers({f"Lane {i}": (300, 6) for i in range(30)})
    repeated = [
        (f"again-{k}-{n}", "dog_fouling", "open", f"2023-{1 + k:02d}-{3 + 2 * n:02d}",
         None, "north", "s0", (X + 25 + 50 * k, Y + 10))
        for k in range(5) for n in range(3)
    ]  # fmt: skip
    reports = pd.concat([reports, t.reports(repeated)], ignore_index=True)
    period = {"start": "2023-01-01", "end": "2024-01-01", "min_reports": 1}
    table = hotspot_streets(streets, reports, **period).set_index("street")
    lane = table.loc["Lane 0"]
    assert (lane["reports"], lane["events"]) == (21, 6)
    assert not table["stands_out"].any()
    # counting reports, a Poisson test would call it: 21 where the rest give 6
    assert lane["expected"] == pytest.approx(6, abs=0.01)
    assert stats.poisson.sf(21 - 1, 6) < 1e-5


def test_a_street_is_judged_by_how_much_the_rest_of_its_area_varies():
    # 25 streets whose events vary more than chance; the dispersion a street is judged by
    # is the quasi-Poisson dispersion of the other 24 (statsmodels' Poisson GLM with their
    # exposure as offset, Pearson's chi-squared over its degrees of freedom)
    counts = [2, 9, 4, 14, 3, 7, 1, 12, 6, 5, 10, 2, 8, 16, 3, 6, 4, 11, 7, 1, 9, 5, 13, 2, 30]
    lengths = [400 + 20 * (i % 7) for i in range(len(counts))]
    streets, reports = hotspot_layers({f"Lane {i}": (lengths[i], n) for i, n in enumerate(counts)})
    period = {"start": "2023-01-01", "end": "2024-01-01", "min_reports": 0}
    table = hotspot_streets(streets, reports, **period).set_index("street")
    years = 365 / 365.25
    for street in ("Lane 24", "Lane 3", "Lane 6"):
        i = int(street.split()[1])
        rest = [j for j in range(len(counts)) if j != i]
        exposure = np.array([lengths[j] / 100 * years for j in rest])
        fit = sm.GLM(
            np.array([counts[j] for j in rest]),
            np.ones((len(rest), 1)),
            family=sm.families.Poisson(),
            offset=np.log(exposure),
        ).fit(scale="X2")
        assert table.loc[street, "dispersion"] == pytest.approx(max(1, fit.scale), abs=0.006)
        assert table.loc[street, "expected"] == pytest.approx(
            np.exp(fit.params[0]) * lengths[i] / 100 * years, abs=0.006
        )
    busiest = table.loc["Lane 24"]
    assert busiest["dispersion"] == pytest.approx(2.76, abs=0.01)  # the others vary 2.8 times
    # as much as chance would; 30 events where 6.7 were due is beyond even that spread, and
    # the streets with twice their due (Lane 13: 16 where 8.3 were due) are within it
    assert table.loc["Lane 13", "expected"] == pytest.approx(8.33, abs=0.01)
    assert stats.poisson.sf(30 - 1, busiest["expected"]) < 1e-9
    assert busiest["stands_out"]
    assert table["stands_out"].sum() == 1


def test_no_reports_leave_the_period_and_the_rate_empty_not_a_day_in_2000(zones, streets):
    assets = t.assets([("b1", "bench", "north", shapely.Point(X + 10, Y + 10))])
    table = summarise_zones(zones, streets, assets, t.reports([]))
    assert table["period_start"].isna().all() and table["period_end"].isna().all()
    assert table["reports_per_street_km_per_year"].isna().all()
    assert (table["reports"] == 0).all()
    csv = table.to_csv()
    assert "2000-01-01" not in csv and "nan" not in csv.lower()
    # a period the user gave is a period: no reports in it is a rate of 0
    given = summarise_zones(
        zones, streets, assets, t.reports([]), start="2024-01-01", end="2025-01-01"
    )
    assert str(given.loc["north", "period_start"]) == "2024-01-01"
    assert str(given.loc["north", "period_end"]) == "2024-12-31"
    assert given.loc["north", "reports_per_street_km_per_year"] == 0
