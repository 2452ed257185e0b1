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
    assert labels[:2] == ["In Yarrowside North", "Outside all zones, beyond 100 m"]
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
    said = [text.get_text().strip() for text in axes.texts]
    assert "not scored: no usable proxy in open data" in said  # each gap says why
    # without reports "People feel relaxed" is not scored, and says why, never a bar of 3
    quiet = scorecard(layers.zones, layers.streets, layers.assets, layers.reports.iloc[0:0])
    axes = plot_scorecard(quiet, "yarrowside-north")
    relaxed = 10 - 1 - list(quiet["indicator"].unique()).index("People feel relaxed")
    assert axes.patches[relaxed].get_width() == 0
    assert "not scored: no reports were given" in [t.get_text().strip() for t in axes.texts]
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


def test_a_very_long_zone_name_is_cut_in_the_figure_not_the_plot(layers, tmp_path):
    """A 300-character name as title and legend squeezed the plot to nothing (matplotlib
    warned on the terminal); it is cut at 60 characters, still shown as text."""
    import warnings

    zones = layers.zones.copy()
    long_name = "$x$ " + "Yarrowside North " * 18
    zones.loc[zones["zone_id"] == "yarrowside-north", "name"] = long_name
    figure, axes = plt.subplots(figsize=(9, 4), layout="constrained")
    plot_monthly(zones, layers.reports, "yarrowside-north", ax=axes)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "constrained_layout not applied"
        figure.savefig(tmp_path / "long.png")
    assert axes.get_lines()[0].get_label() == "In " + r"\$x\$ " + long_name[4:59] + "…"
    assert axes.get_title().startswith(r"\$x\$ Yarrowside North") and "…: " in axes.get_title()
    plt.close("all")


def test_a_ring_is_drawn_with_the_reports_the_evaluation_counted(tmp_path, monkeypatch):
    """Layers whose reports read for a ring lie beyond the buffer: the figure's comparison
    is the evaluation's, from plot_monthly(layers) and from save_monthly_plots alike."""
    import pandas as pd

    import healthy_streets.figures as figures
    from healthy_streets.analysis.evaluation import before_after
    from healthy_streets.model.build import Layers
    from healthy_streets.model.layers import ASSETS, STREETS, empty_layer

    import layers_for_tests as t

    x, y = t.X0, t.Y0
    zones = t.zones([("north", "implemented", "2022-01-01", (x, y, x + 100, y + 100))])
    rows = [("first", "litter", "open", "2021-01-01 09:00", None, None, None, (x + 250, y))]
    rows.append(("last", "litter", "open", "2022-12-31 18:00", None, None, None, (x + 250, y)))
    for month in pd.period_range("2021-01", periods=24, freq="M"):
        for place, count, point in (("in", 5, (x + 50, y + 50)), ("near", 7, (x + 250, y + 50))):
            for k in range(count):
                day = f"{month.year}-{month.month:02d}-{1 + 4 * k:02d} 12:00"
                rows.append(
                    (f"{place}-{month}-{k}", "dog_fouling", "open", day, None, None, None, point)
                )
        for k in range(11):
            day = f"{month.year}-{month.month:02d}-{1 + 2 * k:02d} 12:00"
            rows.append(
                (
                    f"far-{month}-{k}",
                    "dog_fouling",
                    "open",
                    day,
                    None,
                    None,
                    None,
                    (x + 450, y + 50),
                )
            )
    reports = t.reports(rows)
    far = reports.geometry.x > x + 400
    bare = {"streets": empty_layer(STREETS), "assets": empty_layer(ASSETS)}
    layers = Layers(
        zones=zones, reports=reports[~far], ring_reports=reports[far], reports_within_m=500, **bare
    )
    evaluation = before_after(layers, control="ring", adjust="none")
    assert evaluation.loc["north", "control_before"] == (7 + 11) * 12
    axes = plot_monthly(layers, "north", control="ring")
    assert sum(axes.get_lines()[1].get_ydata()[:12]) == (7 + 11) * 12
    # read 500 m out, but no report lies beyond 350 m: the figure says so, as the
    # evaluation's comparison does
    assert axes.get_lines()[1].get_label() == "Ring around the zone (reports only to 350 m)"
    assert "whose reports reach 350 m" in evaluation.loc["north", "comparison"]
    # the zones and reports alone stop at 150 m: the figure says where its ring is cut
    cut = plot_monthly(layers.zones, layers.reports, "north", control="ring")
    assert sum(cut.get_lines()[1].get_ydata()[:12]) == 7 * 12
    assert cut.get_lines()[1].get_label() == "Ring around the zone (reports only to 150 m)"
    drawn = []

    def keep(*args, **kwargs):
        axes = plot_monthly(*args, **kwargs)
        drawn.append(sum(axes.get_lines()[1].get_ydata()[:12]))
        return axes

    monkeypatch.setattr(figures, "plot_monthly", keep)
    evaluation.loc["north", "evaluated"] = True  # drawn whatever its verdict
    paths = figures.save_monthly_plots(layers, evaluation, tmp_path, control="ring")
    assert [p.name for p in paths] == ["north_dog_fouling.png"]
    assert drawn == [(7 + 11) * 12]
    plt.close("all")


def test_each_category_evaluated_together_gets_its_own_figure(layers, tmp_path):
    from healthy_streets.analysis.evaluation import before_after
    from healthy_streets.figures import save_monthly_plots

    evaluation = before_after(layers, category=["dog_fouling", "litter"])
    paths = save_monthly_plots(layers, evaluation, tmp_path)
    evaluated = evaluation[evaluation["evaluated"]]
    assert sorted(p.name for p in paths) == sorted(
        f"{zone}_{category}.png" for zone, category in evaluated.index
    )
    assert "yarrowside-north_litter.png" in {p.name for p in paths}
