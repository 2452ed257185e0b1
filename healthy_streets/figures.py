"""Matplotlib figures an analyst wants: a zone's monthly series, the scorecard, speed bands.

Each function draws on the ``ax`` given (or a new figure) and returns the Axes; nothing is
shown or saved here. Colours match the meeting maps and read in greyscale too.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from healthy_streets._files import atomic_path, check_output
from healthy_streets.analysis.attach import given_layers
from healthy_streets.analysis.evaluation import monthly_counts, windows_for
from healthy_streets.analysis.tables import street_lengths
from healthy_streets.maps.style import SPEED_BANDS
from healthy_streets.model.build import Layers
from healthy_streets.model.dates import date_as_known
from healthy_streets.model.ids import check_file_ids, zone_id_of
from healthy_streets.model.layers import ZONES, empty_layer
from healthy_streets.model.streets import as_streets
from healthy_streets.model.taxonomy import REPORT_CATEGORIES, report_category

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_monthly", "plot_scorecard", "plot_speed_bands", "save_monthly_plots"]

ZONE_COLOUR = "#0072B2"
CONTROL_COLOUR = "#7f7f7f"


def plain(text: object, *, longest: int | None = None) -> str:
    """Text from a data file, shown as it is: matplotlib reads text between ``$`` signs
    as a math formula, so each ``$`` is escaped. With ``longest``, a longer text is cut
    there and ends with "…" (a 300-character zone name would squeeze the plot to nothing).

    >>> plain("Zone $5 $x^2$")
    'Zone \\\\$5 \\\\$x^2\\\\$'
    >>> plain("Zone " * 20, longest=12)
    'Zone Zone Z…'
    """
    text = str(text)
    if longest is not None and len(text) > longest:
        text = text[: longest - 1] + "…"
    return text.replace("$", r"\$")


#: The most characters of a zone's name a figure shows.
NAME_SHOWN = 60


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=size, layout="constrained")
    return new


def plot_monthly(
    zones: Any,
    reports: Any = None,
    zone_id: str | None = None,
    *,
    category: str = "dog_fouling",
    control: str = "outside",
    ring_m: float = 400.0,
    gap_m: float = 100.0,
    window_months: int = 12,
    baseline_months: int | None = None,
    history_months: int = 36,
    decided_on: object = None,
    ax: Axes | None = None,
) -> Axes:
    """Plot a zone's monthly report counts beside its comparison's.

    The implementation date is marked and the before/after windows shaded as
    :func:`~healthy_streets.analysis.before_after` uses them with the same settings
    (shortened to the records; a month-precision date's own month left out).
    ``decided_on`` is this zone's decision date, when the baseline is taken from before it.

    Parameters
    ----------
    zones
        The ``zones`` layer; or a :class:`~healthy_streets.Layers`, whose reports are used
        when none are given (``plot_monthly(layers, "Cowslip")``).
    reports
        The ``reports`` layer.
    zone_id
        The zone: its ``zone_id`` or its name.
    category
        The report category: its key, label or a word for it.
    control, ring_m, gap_m, window_months, baseline_months, history_months
        As for :func:`~healthy_streets.analysis.before_after`.
    decided_on
        This zone's decision date, when the baseline is taken from before it.
    ax
        The axes to draw on (default: a new figure's).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    ConfigError
        When no zone has that id or name, ``category`` or ``control`` is unknown, or a
        layer is missing, in degrees or lacks its columns.

    Examples
    --------
    >>> ax = plot_monthly(layers, "Yarrowside North")
    >>> ax.get_title()
    'Yarrowside North: dog fouling before and after'
    >>> ax = plot_monthly(layers, "Cowslip", control="ring", window_months=18)
    >>> ax.figure.savefig(out / "cowslip.png")
    >>> (out / "cowslip.png").exists()
    True
    """
    if isinstance(reports, str):  # plot_monthly(layers, "Cowslip")
        reports, zone_id = None, reports
    # the Layers itself when given alone, so that the reports read for a ring count too
    counts = monthly_counts(
        zones,
        reports,
        zone_id,
        category=category,
        control=control,
        ring_m=ring_m,
        gap_m=gap_m,
        window_months=window_months,
    )
    if isinstance(zones, Layers) and reports is None:
        reports = zones.evaluation_reports()
    given = given_layers(zones, reports, roles=("zones", "reports"), caller="plot_monthly")
    zones, reports = given["zones"], given["reports"]
    zone_id = zone_id_of(zones, zone_id)
    category = report_category(category)
    zone = zones.loc[zones["zone_id"] == zone_id].iloc[0]
    axes = _axes(ax, (9, 4))
    axes.plot(
        counts.index,
        counts["zone"],
        color=ZONE_COLOUR,
        linewidth=2,
        label=f"In {plain(zone['name'], longest=NAME_SHOWN)}",
    )
    control_label = {
        "outside": "Outside all zones",
        "ring": "Ring around the zone",
        "not_yet_treated": "Zones not yet in force",
    }.get(control, "Comparison")
    if control == "outside" and gap_m > 0:
        control_label += f", beyond {gap_m:,g} m"
    if counts.attrs.get("ring_cut_m") is not None:
        control_label += f" (reports only to {counts.attrs['ring_cut_m']:g} m)"
    axes.plot(
        counts.index,
        counts["control"],
        color=CONTROL_COLOUR,
        linewidth=1.5,
        linestyle="--",
        label=control_label,
    )
    windows = windows_for(
        zone,
        reports,
        window_months=window_months,
        baseline_months=baseline_months,
        history_months=history_months,
        decided_on=decided_on,
        category=category,
    )
    if windows is not None:

        def naive(day: pd.Timestamp) -> pd.Timestamp:
            return day.tz_localize(None)  # the monthly index is in local days, unzoned

        start = naive(windows.date)
        axes.axvline(start, color="black", linewidth=1.2)
        axes.axvspan(naive(windows.start), start, color="#E69F00", alpha=0.12, label="Before")
        if windows.after > windows.date:
            axes.axvspan(
                start,
                naive(windows.after),
                color="#999999",
                alpha=0.15,
                label="Month it came in (not counted)",
            )
        axes.axvspan(
            naive(windows.after), naive(windows.end), color="#009E73", alpha=0.12, label="After"
        )
        axes.annotate(
            f"20mph zone from {date_as_known(start, zone['implemented_precision'])}",
            (start, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(4, -12),
            textcoords="offset points",
            fontsize=9,
        )
    axes.set_ylabel(f"{REPORT_CATEGORIES[category]} reports per month")
    name = plain(zone["name"], longest=NAME_SHOWN)
    axes.set_title(f"{name}: {REPORT_CATEGORIES[category].lower()} before and after")
    axes.set_ylim(bottom=0)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9, frameon=False)
    return axes


def plot_scorecard(card: pd.DataFrame, zone_id: str, *, ax: Axes | None = None) -> Axes:
    """Plot one zone's Healthy Streets scorecard: a bar per indicator, scored 0 to 3.

    The raw value is written beside each bar; an indicator not scored in this zone says
    why (no proxy, no reports, ...).

    Parameters
    ----------
    card
        The scorecard, from :func:`~healthy_streets.analysis.scorecard`.
    zone_id
        The zone's ``zone_id`` as ``card`` has it, in any case (``"(outside zones)"`` for
        the area outside all zones).
    ax
        The axes to draw on (default: a new figure's).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    ConfigError
        When ``card`` has no such zone, naming the closest ones (never an empty plot).

    Examples
    --------
    >>> import healthy_streets as hs
    >>> card = hs.scorecard(layers)
    >>> ax = plot_scorecard(card, "cowslip")
    >>> ax.get_title()
    'Healthy Streets scorecard: cowslip'
    >>> ax.figure.savefig(out / "cowslip-scorecard.png")
    """
    ids = pd.Series(card["zone_id"].astype("str").unique())
    zone_id = zone_id_of(pd.DataFrame({"zone_id": ids, "name": ids}), zone_id)
    rows = card[card["zone_id"].astype("str") == zone_id].iloc[::-1]
    axes = _axes(ax, (8, 4.5))
    scores = rows["score"].fillna(0)
    colours = ["#cccccc" if pd.isna(s) else "#0072B2" for s in rows["score"]]
    axes.barh(rows["indicator"], scores, color=colours)
    for y, (_, row) in enumerate(rows.iterrows()):
        if pd.isna(row["score"]):
            why = row.get("not_scored")  # a card from before the column: no reason
            why = why if isinstance(why, str) and why else None
            text = (
                textwrap.fill(f"not scored: {why}", 56, subsequent_indent="  ")
                if why
                else "no proxy"
                if pd.isna(row["value"])
                else "no value"
            )
        else:
            text = f"{row['value']:g} {row['unit']}"
        axes.text(
            max(row["score"], 0) if pd.notna(row["score"]) else 0,
            y,
            f"  {text}",
            va="center",
            fontsize=8,
        )
    axes.set_xlim(0, 3.9)
    axes.set_xticks([0, 1, 2, 3])
    axes.set_xlabel("Score (0 to 3)")
    axes.set_title(f"Healthy Streets scorecard: {plain(zone_id, longest=NAME_SHOWN)}")
    return axes


def plot_speed_bands(lengths: Any, *, zones: Any = None, ax: Axes | None = None) -> Axes:
    """Plot street length by speed band: one stacked bar per zone, slowest band first.

    Parameters
    ----------
    lengths
        From :func:`healthy_streets.analysis.street_lengths`: a row per zone (its index
        labels the bars), with the km of each band in ``km_20``, ``km_30``, ``km_40`` and
        ``km_unknown``; or a :class:`~healthy_streets.Layers`, or streets as every function
        takes them (an osmnx graph, osmnx's edges or a ``streets`` layer,
        :func:`~healthy_streets.as_streets`), whose street lengths are worked out first.
    zones
        With streets: the zones to cut them at (one bar per zone, and one outside).
        Without, the streets make one bar, ``All streets``.
    ax
        The axes to draw on (default: a new figure's).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Examples
    --------
    >>> import healthy_streets as hs
    >>> ax = plot_speed_bands(hs.street_lengths(layers))
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['yarrowside-north', 'cowslip', 'yarrow-meadows', 'kestrel-park', '(outside zones)']
    >>> ax.figure.savefig(out / "speed-bands.png")

    Straight from an osmnx graph:

    >>> import osmnx as ox
    >>> G = ox.graph_from_xml("data/sample/yarrowside.osm", simplify=False)
    >>> [label.get_text() for label in plot_speed_bands(G).get_yticklabels()]
    ['All streets']
    """
    lengths = _speed_lengths(lengths, zones)
    axes = _axes(ax, (8, 0.6 * len(lengths) + 1.5))
    left = pd.Series(0.0, index=lengths.index)
    for band in SPEED_BANDS:
        values = lengths[f"km_{band.key}"]
        axes.barh(
            lengths.index,
            values,
            left=left,
            color=band.colour,
            label=band.label,
            hatch=None if band.dash is None else "//",
            edgecolor="white",
        )
        left = left + values
    axes.invert_yaxis()
    axes.set_xlabel("Street length (km)")
    axes.set_title("Street length by speed limit")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9, frameon=False)
    return axes


def _speed_lengths(lengths: Any, zones: Any) -> pd.DataFrame:
    """The street lengths :func:`plot_speed_bands` draws, from what it was given."""
    if isinstance(lengths, Layers):
        return street_lengths(lengths)
    bands = [f"km_{band.key}" for band in SPEED_BANDS]
    if isinstance(lengths, pd.DataFrame) and all(c in lengths for c in bands):
        return lengths
    if zones is not None:
        return street_lengths(zones, lengths)
    streets = as_streets(lengths, what="streets given to plot_speed_bands")
    whole = streets.assign(zone_id=None)  # one bar, wherever they lie
    table = street_lengths(empty_layer(ZONES).to_crs(streets.crs), whole)
    return table.set_axis(["All streets"], axis="index")


def save_monthly_plots(
    layers: Any,
    evaluation: pd.DataFrame,
    folder: str | Path,
    *,
    overwrite: bool = False,
    **settings: Any,
) -> list[Path]:
    """Save each evaluated zone's :func:`plot_monthly` as a PNG, ``<zone_id>_<category>.png``.

    A :class:`~healthy_streets.Layers` is drawn whole, as
    :func:`~healthy_streets.analysis.before_after` counts it: a ring's comparison counts
    the reports read for the ring too.

    Parameters
    ----------
    layers
        A :class:`~healthy_streets.Layers` (or anything with ``zones`` and ``reports``).
    evaluation
        From :func:`~healthy_streets.analysis.before_after` with ``settings``: the zones it
        evaluated are drawn, each with its decision date.
    folder
        Where the files go (made if missing).
    overwrite
        Replace files that exist (otherwise refused before any is written over).
    **settings
        The evaluation's settings (``control``, ``ring_m``, ``gap_m``, ``window_months``,
        ``baseline_months``, ``history_months``; others are not drawn), so that the
        windows drawn are the ones evaluated. Each row is drawn for its own ``category``
        (one file per zone and category when several were evaluated together);
        ``category`` here serves only a table without that column.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    OutputExistsError
        When a file exists and ``overwrite`` is false (before any file is written).
    ConfigError
        When ``category`` is unknown, or a zone's ``zone_id`` cannot name a file (an
        analyst's own layer with "LCC/TRO/117"), before any file is written.

    Examples
    --------
    >>> settings = {"category": "dog_fouling", "control": "ring", "window_months": 12}
    >>> import healthy_streets as hs
    >>> evaluation = hs.before_after(layers, **settings)
    >>> paths = save_monthly_plots(layers, evaluation, out / "figures", **settings)
    >>> sorted(path.name for path in paths)
    ['cowslip_dog_fouling.png', 'yarrowside-north_dog_fouling.png']
    """
    import matplotlib  # heavy, and only for figures

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    given_category = settings.pop("category", "dog_fouling")
    drawn = ("control", "ring_m", "gap_m", "window_months", "baseline_months", "history_months")
    settings = {k: v for k, v in settings.items() if k in drawn}  # min_reports, adjust: not
    chosen = evaluation[evaluation["evaluated"].fillna(False).astype(bool)]
    if "category" in chosen.index.names:  # several categories: keyed by zone and category
        chosen = chosen.reset_index("category")
    if "category" in chosen.columns:  # each row's own: several categories evaluated together
        categories = [report_category(c) for c in chosen["category"]]
    else:
        categories = [report_category(given_category)] * len(chosen)
    check_file_ids(chosen.index, names="<zone_id>_<category>.png")
    targets = [
        (
            zone_id,
            category,
            decided,
            check_output(out / f"{zone_id}_{category}.png", overwrite=overwrite),
        )
        for zone_id, category, decided in zip(
            chosen.index, categories, chosen["decided_on"], strict=True
        )
    ]
    # a Layers whole, as the evaluation counted it: with the reports read for a ring
    zones, reports = (
        (layers, None) if isinstance(layers, Layers) else (layers.zones, layers.reports)
    )
    written = []
    for zone_id, category, decided, target in targets:
        figure, axes = plt.subplots(figsize=(9, 4), layout="constrained")
        try:
            plot_monthly(
                zones,
                reports,
                zone_id,
                category=category,
                decided_on=decided,
                ax=axes,
                **settings,
            )
            with atomic_path(target) as tmp:
                figure.savefig(tmp, dpi=120, format="png")
        finally:
            plt.close(figure)
        written.append(target)
    return written
