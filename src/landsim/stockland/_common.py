"""Shared helpers of the stock-land rule engines: as-of dates, record checks, messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from landsim.errors import InputError
from landsim.schema import MAX_LISTED, TableSchema, validate_table
from landsim.units import MU_PER_HA

DateLike = str | dt.date | pd.Timestamp


def as_timestamp(value: DateLike, what: str = "as-of date") -> pd.Timestamp:
    """Parse a date given as ``YYYY-MM-DD`` text, ``date`` or Timestamp (day precision)."""
    if isinstance(value, str):
        try:
            stamp = pd.Timestamp(dt.date.fromisoformat(value.strip()))
        except ValueError:
            msg = f"{what} {value!r} is not a date; write it YYYY-MM-DD, e.g. 2022-12-31"
            raise InputError(msg) from None
    elif isinstance(value, dt.date | pd.Timestamp):
        stamp = pd.Timestamp(value)
    else:
        msg = f"{what} must be a date (YYYY-MM-DD), got {value!r}"
        raise InputError(msg)
    return stamp.normalize()


def add_years(dates: pd.Series, years: int) -> pd.Series:
    """Calendar anniversaries (29 Feb -> 28 Feb); NaT stays NaT."""
    return dates + pd.DateOffset(years=int(years))


def fmt_date(value: object) -> str:
    """``YYYY-MM-DD`` or '' for a missing date."""
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")  # type: ignore[arg-type]


def mu(area_ha: pd.Series | float) -> pd.Series | float:
    """Area in mu (亩) [mu] from hectares [ha]."""
    return area_ha * MU_PER_HA


class Records:
    """A validated input table plus how to name its rows in messages."""

    def __init__(self, frame: pd.DataFrame, schema: TableSchema, source: str | None = None,
                 *, row_word: str = "row", row_offset: int = 1) -> None:
        self.schema = schema
        self.source = source or schema.name
        self.row_word = row_word
        self.row_offset = row_offset
        self.frame = validate_table(frame, schema, self.source, row_word=row_word,
                                    row_offset=row_offset)

    def fail(self, column: str, mask: pd.Series, problem: str, fix: str) -> InputError:
        """InputError naming file, column, first rows (with their ids), problem and fix."""
        positions = np.flatnonzero(mask.to_numpy(dtype=bool))
        shown = positions[:MAX_LISTED]
        more = ", ..." if len(positions) > MAX_LISTED else ""
        word = self.row_word + ("" if len(positions) == 1 else "s")
        rows = f"{word} {', '.join(str(p + self.row_offset) for p in shown)}{more}"
        if len(positions) > 1:
            rows = f"{len(positions)} {rows}"
        key = self.schema.key
        if key and key in self.frame:
            ids = ", ".join(str(self.frame[key].iloc[p]) for p in shown)
            rows += f" ({key} {ids}{more})"
        return InputError(f"{self.source}: column '{column}', {rows}: {problem}. Fix: {fix}")

    def require_order(self, early: str, late: str, *, strict: bool = False,
                      what: str | None = None) -> None:
        """Raise when ``late`` comes before ``early`` (both given) in any record."""
        f = self.frame
        both = f[early].notna() & f[late].notna()
        bad = both & ((f[late] <= f[early]) if strict else (f[late] < f[early]))
        if bad.any():
            word = "not after" if strict else "before"
            problem = what or f"{late} is {word} {early} (dates in the wrong order)"
            when = "after" if strict else "on or after"
            raise self.fail(late, bad, problem, f"give {late} {when} {early}")

    def require_present(self, needed: str, when: str, problem: str) -> None:
        """Raise when column ``when`` is given but ``needed`` is empty."""
        f = self.frame
        bad = f[when].notna() & f[needed].isna()
        if bad.any():
            raise self.fail(needed, bad, problem, f"give {needed} or leave {when} empty")


def tidy_sort(frame: pd.DataFrame, by: Iterable[str]) -> pd.DataFrame:
    """Stable sort and a fresh index."""
    return frame.sort_values(list(by), kind="stable").reset_index(drop=True)


def contract_records(contracts: pd.DataFrame, source: str | None = None, *,
                     row_word: str = "row", row_offset: int = 1) -> Records:
    """Validate industrial contracts (schema + record rules) and return them.

    Record rules beyond the schema: dates in order (signed <= agreed start <= agreed
    completion <= agreed output check; signed <= actual start <= actual completion; a
    suspension needs a start and cannot precede it) and developed area <= area (a share
    above 1).
    """
    from landsim.schema import INDUSTRIAL_CONTRACTS

    rec = Records(contracts, INDUSTRIAL_CONTRACTS, source, row_word=row_word,
                  row_offset=row_offset)
    rec.require_order("signed_date", "agreed_start_date")
    rec.require_order("agreed_start_date", "agreed_completion_date", strict=True)
    rec.require_order("agreed_completion_date", "agreed_output_check_date")
    rec.require_order("signed_date", "actual_start_date")
    rec.require_present("actual_start_date", "actual_completion_date",
                        "a completion date is given but no actual start")
    rec.require_order("actual_start_date", "actual_completion_date")
    rec.require_present("actual_start_date", "suspended_since",
                        "a suspension is given but development never started")
    rec.require_order("actual_start_date", "suspended_since")
    f = rec.frame
    over = f["developed_area_ha"] > f["area_ha"] * (1 + 1e-9)
    if over.any():
        shares = ", ".join(f"{s:.3g}" for s in (f["developed_area_ha"] / f["area_ha"])[over]
                           .head(MAX_LISTED))
        raise rec.fail("developed_area_ha", over, f"developed share {shares} is above 1 "
                       "(developed_area_ha > area_ha)", "developed_area_ha is the part of "
                       "area_ha developed so far; it cannot exceed area_ha")
    return rec
