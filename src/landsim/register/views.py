"""Tables the register widget shows (pure functions; the widget only maps controls)."""

from __future__ import annotations

import pandas as pd

from landsim.register.lifecycle import Register, status_at
from landsim.stockland._common import DateLike

__all__ = ["SEARCH_COLUMNS", "MAX_SHOWN", "find_units", "unit_search"]

MAX_SHOWN = 20
"""Most units a search lists."""
SEARCH_COLUMNS = ("unit_code", "township", "area_ha", "area_mu", "stage_name", "stage_since",
                  "stock_category", "stock_ha", "batch_id", "contract_id")
"""Columns of :func:`unit_search`."""


def find_units(reg: Register, query: str) -> list[str]:
    """Codes of the units whose code, batch, contract or an event reference (plot id,
    inspection, certificate) contains ``query`` (case-insensitive), in register order."""
    q = str(query).strip().upper()
    if not q:
        return []
    u = reg.units
    hit = (u["unit_code"].str.upper().str.contains(q, regex=False)
           | u["batch_id"].fillna("").astype(str).str.upper().str.contains(q, regex=False)
           | u["contract_id"].fillna("").astype(str).str.upper().str.contains(q, regex=False))
    refs = reg.events.loc[reg.events["reference"].fillna("").astype(str).str.upper()
                          .str.contains(q, regex=False), "unit_code"]
    hit |= u["unit_code"].isin(set(refs))
    return u.loc[hit, "unit_code"].tolist()


def unit_search(reg: Register, query: str, as_of: DateLike,
                contracts: pd.DataFrame | None = None) -> pd.DataFrame:
    """State at ``as_of`` of the units matching ``query`` (:func:`find_units`), at most
    :data:`MAX_SHOWN`; columns :data:`SEARCH_COLUMNS` (area [ha] and [mu])."""
    codes = find_units(reg, query)[:MAX_SHOWN]
    status = status_at(reg, as_of, contracts)
    return status[status["unit_code"].isin(codes)][list(SEARCH_COLUMNS)].reset_index(
        drop=True)
