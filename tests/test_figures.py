import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

import healthy_streets as hs
from healthy_streets.analysis.scorecard import scorecard
from healthy_streets.analysis.tables import street_lengths
from healthy_streets.figures import plot_monthly, plot_scorecard, plot_speed_bands


@pytest.fixture(scope="module")
def layers():
    return hs.load_layers(hs.sample_inputs())


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


def test_scorecard_and_speed_band_charts(layers):
    card = scorecard(layers.zones, layers.streets, layers.assets, layers.reports)
    axes = plot_scorecard(card, "yarrowside-north")
    assert len(axes.patches) == 10
    assert any(text.get_text().strip() == "no proxy" for text in axes.texts)
    bands = plot_speed_bands(street_lengths(layers.zones, layers.streets))
    assert [t.get_text() for t in bands.get_legend().get_texts()] == [
        "20 mph or less",
        "30 mph",
        "40 mph and over",
        "Limit unknown",
    ]
    plt.close("all")
