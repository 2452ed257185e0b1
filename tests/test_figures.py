import copy

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from healthy_streets.analysis.scorecard import scorecard
from healthy_streets.analysis.tables import street_lengths
from healthy_streets.errors import ConfigError
from healthy_streets.figures import plot_monthly, plot_scorecard, plot_speed_bands


@pytest.fixture(scope="module")
def layers(shared_sample_layers):
    return copy.deepcopy(shared_sample_layers)


def test_monthly_series_marks_the_date_and_the_control(layers, tmp_path):
    axes = plot_monthly(layers.zones, layers.reports, "yarrowside-north")
    labels = [line.get_label() for line in axes.get_lines()]
    assert labels[:2] == ["In Yarrowside North", "Outside all zones"]
    zone_line = axes.get_lines()[0]
    assert len(zone_line.get_xdata()) >= 80  # every month from 2019 to 2025
    assert any("2021" in text.get_text() for text in axes.texts)
    axes.figure.savefig(tmp_path / "monthly.png")
    assert (tmp_path / "monthly.png").stat().st_size > 5_000
    plt.close("all")


def test_the_shaded_windows_are_the_windows_evaluated(layers):
    import matplotlib.dates as mdates

    from healthy_streets.analysis.evaluation import before_after

    zones = layers.zones.copy()
    zones.loc[zones["zone_id"] == "yarrowside-north", "implemented_precision"] = "month"
    row = before_after(zones, layers.reports, window_months=18).loc["yarrowside-north"]
    axes = plot_monthly(zones, layers.reports, "yarrowside-north", window_months=18)
    spans = {}
    for patch in axes.patches:
        left, right = patch.get_x(), patch.get_x() + patch.get_width()
        spans[patch.get_label()] = tuple(mdates.num2date(v).date() for v in (left, right))
    before, gap, after = (
        spans["Before"],
        spans["Month it came in (not counted)"],
        spans["After"],
    )
    assert before[0] == row["before_start"] and before[1] == gap[0]
    assert gap[1] == after[0] == row["after_start"]
    assert (after[1] - row["after_end"]).days == 1  # the window ends the day after its last
    expected = f"20mph zone from {row['implemented_on']:%b %Y}"  # the month, no day
    assert expected in [t.get_text() for t in axes.texts]
    plt.close("all")


def test_scorecard_and_speed_band_charts(layers):
    card = scorecard(layers.zones, layers.streets, layers.assets, layers.reports)
    axes = plot_scorecard(card, "yarrowside-north")
    assert len(axes.patches) == 10
    assert len(plot_scorecard(card, "COWSLIP").patches) == 10  # an id in any case
    with pytest.raises(ConfigError, match="yarrowside-north"):  # never an empty chart
        plot_scorecard(card, "yarrowside-nroth")
    assert any(text.get_text().strip() == "no proxy" for text in axes.texts)
    bands = plot_speed_bands(street_lengths(layers.zones, layers.streets))
    assert [t.get_text() for t in bands.get_legend().get_texts()] == [
        "20 mph or less",
        "30 mph",
        "40 mph and over",
        "Limit unknown",
    ]
    # a Layers stands for its street lengths: the same bars
    whole = plot_speed_bands(layers)
    assert [p.get_width() for p in whole.patches] == [p.get_width() for p in bands.patches]
    plt.close("all")


def test_dollar_signs_in_a_zone_name_are_text_not_a_formula(layers, tmp_path):
    zones = layers.zones.copy()
    zones.loc[zones["zone_id"] == "yarrowside-north", "name"] = r"Zone $\undefined{ and $x^2$"
    axes = plot_monthly(zones, layers.reports, "yarrowside-north")
    axes.figure.savefig(tmp_path / "dollars.png")  # a formula would fail to parse here
    label = axes.get_lines()[0].get_label()
    assert label == r"In Zone \$\undefined{ and \$x^2\$"
    assert "$" in axes.get_title()
    plt.close("all")
