"""The account every import gives of its rows: kept, repaired, rejected or elsewhere.

Nothing is lost silently. An importer returns an :class:`ImportResult`: the kept rows as a
normalised layer, plus a table of the rows it repaired (and what it did), a table of the
rows it rejected (and why), and a count of the rows that lie outside the project area
(with how far): a county-wide export read for one neighbourhood has many, and they are not
errors. Residents' additions that would change a place already mapped are set aside for an
officer to review (``for_review``): neither kept nor rejected.
``rows_in == kept + rejected + outside + for_review`` always holds; a repaired row is also
a kept row: a row repaired and then rejected, set apart as outside the project area or set
aside for review is counted there alone, its repair left out of ``repaired`` (a repair of
the whole file that no kept row carries, such as columns read the other way round when
every row then lies outside the area, is said among the notes instead). It also says which
column played which role, and why (the toolkit's guesses).

The values and reasons recorded are scrubbed of personal data like the kept rows' text
(:func:`healthy_streets.model.privacy.redact`), so the rejected rows of a file may be
published (``rejected.csv``, the store's ``rejected`` table) as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from healthy_streets.model.osm_date import OsmDate
from healthy_streets.model.privacy import cut_names, redact, redact_series, remove_names

__all__ = ["ACCOUNT_COLUMNS", "ALL_ROWS", "AccountBook", "ImportResult"]

#: Columns of the ``repaired`` and ``rejected`` tables.
ACCOUNT_COLUMNS = ["source", "row", "field", "value", "reason"]
#: The ``row`` of a repair made to every row kept (the CRS a file was read in).
ALL_ROWS = "all"
# Key of an entry's further names to cut out of its value (see AccountBook.reject).
_NAMES = "names"
#: Characters of a value kept in the account.
VALUE_LENGTH = 200
# Characters of a value scrubbed before it is cut to VALUE_LENGTH: more than any email,
# phone, address or name that may start within the part kept.
_SCRUBBED_LENGTH = 1000


@dataclass
class ImportResult:
    """What an importer kept, repaired and rejected.

    Attributes
    ----------
    layer
        The kept rows, as a normalised layer (see :mod:`healthy_streets.model.layers`).
    source
        The file (or online source) read.
    rows_in
        How many rows (features, ways, records) the source held.
    repaired
        One row per repair: ``source``, ``row`` (as the source numbers it: spreadsheet row,
        a file's feature number from 1, OSM id, or a GeoDataFrame's index label, for
        ``.loc``), ``field``, ``value`` (its first 200 characters,
        personal data removed) and ``reason`` (what was done).
    rejected
        One row per rejected row, same columns, ``reason`` saying why.
    notes
        Further facts worth telling the user (things skipped that were not rows of the
        layer, such as railways in an OSM file).
    unit
        What a row of the source is ("rows", "features", "ways").
    rows_kept
        Source rows kept, when that differs from the layer's length (an OSM way becomes
        several street segments); ``None`` means ``len(layer)``.
    kind
        The layer's name (``zones``, ``streets``, ``assets``, ``reports``,
        ``speed_limits``); taken from the layer when not given.
    outside
        One row per source row outside the project area: ``row`` and ``distance_m``
        (how far beyond the area it lies). Not rejected: left out as elsewhere.
    columns
        Role -> ``{"column", "how", "share"}``: the column that played each role and why
        (named by the user, its header, its values, or split from a column holding two).
    for_review
        One row per source row set aside for an officer to review, same columns as
        ``rejected``: a meeting map's addition that would rename or move a place already
        mapped (:func:`healthy_streets.io.assets.merge_assets`). Not rejected: proposed.
    layer_rows
        The source row (as the account names it) of each row of ``layer``, in order, when
        the importer gives them (``None`` otherwise): what :meth:`without` drops the
        repairs of when rows kept are left out later (a report already imported from
        another file).
    data_date
        The date of the data the source holds, when it says
        (:class:`~healthy_streets.model.osm_date.OsmDate`: an OpenStreetMap extract's).

    Examples
    --------
    Zones of the analyst's own, one of them with no outline:

    >>> import geopandas as gpd
    >>> from shapely import box
    >>> from healthy_streets import read_zones
    >>> drawn = gpd.GeoDataFrame({"name": ["Cowslip", "Mill Lane"]}, crs="EPSG:27700",
    ...                          geometry=[box(352000, 430000, 352500, 430500), None])
    >>> result = read_zones(drawn)
    >>> result
    <ImportResult zones (a GeoDataFrame): 2 features: 1 kept (0 repaired), 1 rejected.>
    >>> result.layer["name"].tolist()
    ['Cowslip']
    >>> result.rejected.loc[0, "reason"]
    'The row has no geometry.'
    """

    layer: gpd.GeoDataFrame
    source: str
    rows_in: int
    repaired: pd.DataFrame = field(default_factory=lambda: _empty_account())
    rejected: pd.DataFrame = field(default_factory=lambda: _empty_account())
    notes: list[str] = field(default_factory=list)
    unit: str = "rows"
    rows_kept: int | None = None
    kind: str = ""
    outside: pd.DataFrame = field(default_factory=lambda: _empty_outside())
    columns: dict[str, dict[str, object]] = field(default_factory=dict)
    for_review: pd.DataFrame = field(default_factory=lambda: _empty_account())
    layer_rows: pd.Index | None = None
    data_date: OsmDate | None = None

    def __post_init__(self) -> None:
        if not self.kind:
            self.kind = str(self.layer.attrs.get("layer", ""))

    @property
    def kept(self) -> int:
        """Source rows kept (including repaired ones)."""
        return len(self.layer) if self.rows_kept is None else self.rows_kept

    @property
    def n_repaired(self) -> int:
        """Distinct rows repaired: each of them kept (a repair of the row ``all``, such as
        the CRS the whole file was read in, is a repair of every row kept)."""
        if not len(self.repaired):
            return 0
        rows = self.repaired["row"].astype("str")
        return self.kept if bool((rows == ALL_ROWS).any()) else int(rows.nunique())

    @property
    def n_rejected(self) -> int:
        """Rows rejected."""
        return len(self.rejected)

    @property
    def n_for_review(self) -> int:
        """Rows set aside for an officer to review (not rejected)."""
        return len(self.for_review)

    @property
    def n_outside(self) -> int:
        """Rows left out because they lie outside the project area (not rejected)."""
        return len(self.outside)

    def summary(self) -> str:
        """One line: ``<source>: N rows: K kept (R repaired), J rejected, O outside the
        project area.``"""
        name = Path(self.source).name or self.source
        text = (
            f"{name}: {self.rows_in} {self.unit}: {self.kept} kept "
            f"({self.n_repaired} repaired), {self.n_rejected} rejected"
        )
        if self.n_outside:
            text += f", {self.n_outside} outside the project area"
        if self.n_for_review:
            text += f", {self.n_for_review} set aside for review"
        if self.rows_kept is not None:
            text += f"; {len(self.layer)} {self.layer_name} rows"
        return text + "."

    @property
    def layer_name(self) -> str:
        """The name of the layer held, else ``layer``."""
        return self.kind or "layer"

    def __repr__(self) -> str:
        return f"<ImportResult {self.summary()}>"

    def without(
        self,
        gone: np.ndarray | pd.Series,
        *,
        rejected: pd.DataFrame | None = None,
        for_review: pd.DataFrame | None = None,
    ) -> ImportResult:
        """This import with the rows of its layer ``gone`` (a mask) left out after it was
        read: counted once across files, or set aside for review. They are moved to
        ``rejected`` and ``for_review`` (the account rows given for them), and their
        repairs leave ``repaired``, as a repaired row is a kept row.

        A row is known by its ``layer_rows`` entry, else by its ``source_ref`` (an asset's
        row number in its file).
        """
        gone = np.asarray(gone, dtype=bool)
        names = self._layer_row_names()
        repaired = self.repaired
        if names is not None and len(repaired) and gone.any():
            dropped = set(names[gone])
            repaired = repaired[~repaired["row"].astype("str").isin(dropped)]
            repaired = repaired.reset_index(drop=True)
        layer = self.layer[~gone].reset_index(drop=True)
        layer.attrs.update(self.layer.attrs)
        return replace(
            self,
            layer=layer,
            repaired=repaired,
            rejected=_appended(self.rejected, rejected),
            for_review=_appended(self.for_review, for_review),
            layer_rows=None if self.layer_rows is None else self.layer_rows[~gone],
        )

    def _layer_row_names(self) -> np.ndarray | None:
        if self.layer_rows is not None and len(self.layer_rows) == len(self.layer):
            return np.asarray(self.layer_rows.astype("str"), dtype=object)
        if "source_ref" in self.layer:
            return self.layer["source_ref"].astype("str").to_numpy(dtype=object)
        return None


class AccountBook:
    """Collects repairs and rejections while an importer works.

    Parameters
    ----------
    source
        The file being read; written into every account row.

    Every value, reason and note recorded is scrubbed of personal data when the book is
    closed (:meth:`result`): emails, phones, postcodes, home addresses and names after a
    cue, plus the names the row itself holds once :meth:`hide_names` is told them.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self._repaired: list[dict[str, object]] = []
        # reasons of repairs made to the whole file (said as a note when no row kept has one)
        self._whole_file: list[str] = []
        self._rejected: list[dict[str, object]] = []
        self._outside: list[pd.DataFrame] = []
        self._columns: dict[str, dict[str, object]] = {}
        self._names: pd.DataFrame | None = None
        self.notes: list[str] = []

    def hide_names(self, names: pd.DataFrame) -> None:
        """Remove, from the values recorded for each row, the names of the persons that row
        and the rows next to it hold (a row split by a carriage return holds the names of
        the row before).

        ``names`` holds the source's person columns
        (:func:`~healthy_streets.model.privacy.person_columns`), its rows labelled as the
        rows are recorded.
        """
        self._names = names

    def note(self, text: str) -> None:
        """Record a fact about the whole import (not about one row)."""
        self.notes.append(text)

    def repair(self, row: object, reason: str, *, field: str = "", value: object = "") -> None:
        """Record that ``row`` was kept after ``reason`` (what was done)."""
        self._repaired.append(self._entry(row, reason, field, value))

    def reject(
        self,
        row: object,
        reason: str,
        *,
        field: str = "",
        value: object = "",
        names: Iterable[object] = (),
    ) -> None:
        """Record that ``row`` was not kept, because ``reason``.

        ``names`` are further names of persons to cut out of ``value`` (a row that could
        not be split into its columns holds its names outside the person columns).
        """
        entry = self._entry(row, reason, field, value)
        entry[_NAMES] = list(names)
        self._rejected.append(entry)

    def reject_many(
        self, rows: pd.Series, reason: str, *, field: str = "", values: pd.Series | None = None
    ) -> None:
        """Record several rejections with one reason (vectorised importers)."""
        self._rejected += self._entries(rows, reason, field, values)

    def repair_many(
        self,
        rows: pd.Series,
        reason: str,
        *,
        field: str = "",
        values: pd.Series | None = None,
        whole_file: bool = False,
    ) -> None:
        """Record several repairs with one reason.

        ``whole_file``: the repair is one made to the file (its columns read the other way
        round), recorded against each of its rows; when no row kept carries it (each row
        rejected or outside the project area), it is said among the notes instead.
        """
        self._repaired += self._entries(rows, reason, field, values)
        if whole_file and len(rows) and reason not in self._whole_file:
            self._whole_file.append(reason)

    def _entries(
        self, rows: pd.Series, reason: str, field: str, values: pd.Series | None
    ) -> list[dict[str, object]]:
        vals = [""] * len(rows) if values is None else list(values)
        return [self._entry(row, reason, field, v) for row, v in zip(rows, vals, strict=True)]

    @property
    def rejected_rows(self) -> set[object]:
        """The rows rejected so far."""
        return {entry["row"] for entry in self._rejected}

    def outside_area(self, rows: pd.Series | pd.Index, distances_m: object) -> None:
        """Record that ``rows`` lie outside the project area, ``distances_m`` beyond it
        (left out as elsewhere, not rejected: a county's file read for one town)."""
        frame = pd.DataFrame(
            {"row": pd.Index(rows).astype("str"), "distance_m": pd.Series(distances_m).to_numpy()}
        )
        self._outside.append(frame)

    def record_columns(
        self, columns: dict[str, dict[str, object]], description: str | None
    ) -> None:
        """Record which column played which role and why (``description`` is said to the
        user among the notes; ``None`` says nothing, for columns that were not guessed)."""
        self._columns = dict(columns)
        if description is not None:
            self.note(description)

    def result(
        self,
        layer: gpd.GeoDataFrame,
        rows_in: int,
        *,
        notes: list[str] | None = None,
        unit: str = "rows",
        rows_kept: int | None = None,
        rows: Iterable[object] | None = None,
    ) -> ImportResult:
        """Close the book: the :class:`ImportResult` for ``layer``.

        A row rejected or set apart as outside the project area is not kept, so its repairs
        are left out of ``repaired`` (a repair of the whole file that no row kept carries is
        said among the notes). ``rows`` are the source rows of ``layer``'s rows, in order
        (see :attr:`ImportResult.layer_rows`).
        """
        outside = pd.concat(self._outside, ignore_index=True) if self._outside else _empty_outside()
        not_kept = {str(entry["row"]) for entry in self._rejected}
        not_kept.update(outside["row"].astype("str"))
        repaired = [entry for entry in self._repaired if str(entry["row"]) not in not_kept]
        carried = {entry["reason"] for entry in repaired}
        unsaid = [reason for reason in self._whole_file if reason not in carried]
        extra = [outside_note(outside, unit)] if len(outside) else []
        return ImportResult(
            layer=layer,
            source=self.source,
            rows_in=rows_in,
            repaired=_frame(repaired, self._names),
            rejected=_frame(self._rejected, self._names),
            notes=[str(redact(note)) for note in self.notes + unsaid + extra + list(notes or [])],
            unit=unit,
            rows_kept=rows_kept,
            outside=outside,
            columns=self._columns,
            layer_rows=None if rows is None else pd.Index(rows).astype("str"),
        )

    def _entry(self, row: object, reason: str, field: str, value: object) -> dict[str, object]:
        text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else value
        return {
            "source": self.source,
            "row": row,
            "field": field,
            "value": str(text)[:_SCRUBBED_LENGTH],
            "reason": reason,
        }


def _frame(entries: list[dict[str, object]], names: pd.DataFrame | None) -> pd.DataFrame:
    if not entries:
        return _empty_account()
    frame = pd.DataFrame(entries, columns=ACCOUNT_COLUMNS)
    more = [entry.get(_NAMES) for entry in entries]
    frame["value"] = _scrubbed_values(
        frame, names, [m if isinstance(m, list) else [] for m in more]
    )
    reasons = frame["reason"].astype("str")
    unique = reasons.drop_duplicates()
    frame["reason"] = reasons.map(dict(zip(unique, redact_series(unique), strict=True)))
    frame["row"] = frame["row"].astype("str")
    return frame


def _scrubbed_values(
    frame: pd.DataFrame, names: pd.DataFrame | None, more_names: list[Iterable[object]]
) -> pd.Series:
    """The recorded values without personal data, cut to :data:`VALUE_LENGTH`: the names of
    each row's person columns, and of the rows just before and after it, are cut out (after
    the emails: "jo.bloggs@..." whole), and so are the further names given with a value."""
    values = redact_series(frame["value"].astype("object").reset_index(drop=True))
    if names is not None and len(names.columns):
        unique = names[~names.index.duplicated()]
        where = unique.index.get_indexer(pd.Index(frame["row"].tolist(), dtype="object"))
        for shift in (0, -1, 1):
            at = where + shift
            found = (where >= 0) & (at >= 0) & (at < len(unique))
            rows = pd.DataFrame(index=range(len(frame)), columns=unique.columns, dtype="object")
            rows.iloc[np.flatnonzero(found)] = unique.iloc[at[found]].to_numpy(dtype=object)
            values = remove_names(values, rows)
    for at, extra in enumerate(more_names):
        if extra and isinstance(values[at], str):
            values[at] = cut_names(values[at], extra)
    scrubbed = values.str.slice(0, VALUE_LENGTH).fillna("")
    return pd.Series(scrubbed.to_numpy(dtype=object), index=frame.index, dtype="str")


def _appended(account: pd.DataFrame, rows: pd.DataFrame | None) -> pd.DataFrame:
    if rows is None or not len(rows):
        return account
    return pd.concat([account, rows], ignore_index=True)


def _empty_account() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="str") for c in ACCOUNT_COLUMNS})


def outside_note(outside: pd.DataFrame, unit: str) -> str:
    """One sentence on the rows outside the project area: how many and how far."""
    distances = pd.to_numeric(outside["distance_m"], errors="coerce").dropna()
    count = len(outside)
    what = f"{count} {unit}" if count != 1 else f"1 {unit.removesuffix('s')}"
    lie = "lie" if count != 1 else "lies"
    text = f"{what} {lie} outside the project area"
    if len(distances):
        nearest, farthest = _distance(distances.min()), _distance(distances.max())
        text += (
            f" ({farthest} beyond it)"
            if nearest == farthest
            else f" (from {nearest} to {farthest} beyond it)"
        )
    return text + ": left out, not rejected."


def _distance(metres: float) -> str:
    if metres < 1000:
        return f"{metres:.0f} m"
    return f"{metres / 1000:.1f} km" if metres < 10_000 else f"{metres / 1000:.0f} km"


def _empty_outside() -> pd.DataFrame:
    return pd.DataFrame(
        {"row": pd.Series([], dtype="str"), "distance_m": pd.Series([], dtype=float)}
    )
