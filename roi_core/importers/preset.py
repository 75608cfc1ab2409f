"""What every vendor preset is: a mapping, a signature to recognise the export, extras."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from roi_core.importers.mapping import ColumnMapping, apply_mapping
from roi_core.io.read import RawTable
from roi_core.schema import normalize_label

__all__ = ["Preset", "CHANNEL_HINT", "column_of"]

# The extra column a preset may add to a frame: the channel a row's source suggests, used
# to build the campaigns sheet when the user gives none.
CHANNEL_HINT = "_channel"


def column_of(table: RawTable, *headers: str) -> pd.Series | None:
    """The raw cells under the first of ``headers`` present in the table, or None."""
    keys = {normalize_label(h): i for i, h in enumerate(table.headers)}
    for header in headers:
        if normalize_label(header) in keys:
            return table.cells[keys[normalize_label(header)]].reset_index(drop=True)
    return None


@dataclass(frozen=True)
class Preset:
    """One kind of export: ``signature`` headers recognise it, ``mapping`` converts it.

    ``channels`` maps the export's source words to a channel; ``channel_from`` names the
    headers those words sit under; ``finish`` adjusts the converted frames (a close date
    from two columns, say) and may add other sheets.
    """

    vendor: str
    name: str
    mapping: ColumnMapping
    signature: tuple[str, ...]
    channel_from: tuple[str, ...] = ()
    channels: tuple[tuple[str, str], ...] = ()
    finish: Callable[[RawTable, dict[str, pd.DataFrame], str], dict[str, pd.DataFrame]] | \
        None = None

    def matches(self, table: RawTable) -> bool:
        keys = {normalize_label(h) for h in table.headers}
        return all(normalize_label(h) in keys for h in self.signature)

    def convert(self, table: RawTable, locale: str = "auto") -> dict[str, pd.DataFrame]:
        frame = apply_mapping(table, self.mapping, locale)
        hint = column_of(table, *self.channel_from) if self.channel_from else None
        if hint is not None:
            words = {normalize_label(k): v for k, v in self.channels}
            frame[CHANNEL_HINT] = hint.map(
                lambda v: None if not isinstance(v, str) or not v.strip()
                else words.get(normalize_label(v), v.strip())).astype(object)
        frames = {self.mapping.sheet: frame}
        return self.finish(table, frames, locale) if self.finish else frames


def open_deals_have_no_close_date(frame: pd.DataFrame) -> pd.DataFrame:
    """CRMs keep an expected close date on open deals; the contract's close date is real."""
    return frame.assign(close_date=frame["close_date"].where(frame["status"] != "open"))
