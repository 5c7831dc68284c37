"""The upper-level plan's new construction land: allocation, use to date, remainder.

A county plan allocates new construction land (新增建设用地规模) for its period, e.g.
450 ha for 2021-2035 in the sample's ``planning_targets.csv`` (indicator
``new_construction_land_2021_2035_ha``, a ceiling). The quota simulation may grant only
what remains of it: the allocation minus the new construction land of the period's years
up to the base year (``indicator_history.csv`` column ``new_construction_land_ha``, or
the approved area of the supply batches when there is no history).

>>> targets = pd.DataFrame({"indicator": ["new_construction_land_2021_2035_ha"],
...                         "target_value": [450.0]})
>>> history = pd.DataFrame({"year": [2020, 2021, 2022],
...                         "new_construction_land_ha": [35.45, 19.47, 32.54]})
>>> plan = upper_plan_allocation(targets, 2022, history=history)
>>> plan.allocation_ha, round(plan.used_ha, 2), round(plan.remaining_ha, 2)
(450.0, 52.01, 397.99)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from landsim.errors import InputError

__all__ = ["INDICATOR_PATTERN", "UpperPlan", "upper_plan_allocation"]

INDICATOR_PATTERN = re.compile(r"^new_construction_land(?:_(\d{4})_(\d{4}))?_ha$")
"""Indicator ids of the allocation: ``new_construction_land_ha`` or with the period,
``new_construction_land_2021_2035_ha``."""


@dataclass(frozen=True)
class UpperPlan:
    """The allocation of the upper-level plan and what the county used of it.

    Attributes
    ----------
    allocation_ha : float
        New construction land allowed over the plan period. [ha]
    used_ha : float
        New construction land of the period's years up to the base year. [ha]
    start_year, base_year : int
        First year of the period and the last year counted as used. [year]
    source : str
        Where both figures come from (for the ledger and the notebooks).
    """

    allocation_ha: float
    used_ha: float
    start_year: int
    base_year: int
    source: str

    @property
    def remaining_ha(self) -> float:
        """Allocation left for the simulated years. [ha]"""
        return self.allocation_ha - self.used_ha


def upper_plan_allocation(planning_targets: pd.DataFrame | None, base_year: int, *,
                          history: pd.DataFrame | None = None,
                          batches: pd.DataFrame | None = None,
                          start_year: int = 2021) -> UpperPlan | None:
    """The upper-level plan's allocation from a county's planning targets.

    Parameters
    ----------
    planning_targets : pandas.DataFrame or None
        Planning targets (indicator, target_value, ...); the row whose indicator matches
        :data:`INDICATOR_PATTERN` is the allocation. None or no such row: None.
    base_year : int
        Last year whose new construction land counts as used. [year]
    history : pandas.DataFrame, optional
        Indicator history with year and new_construction_land_ha [ha].
    batches : pandas.DataFrame, optional
        Supply batches (approval_year, approved_ha [ha]); used when ``history`` lacks the
        years.
    start_year : int
        First year of the period when the indicator id does not name it. [year]

    Returns
    -------
    UpperPlan or None

    Raises
    ------
    InputError
        Two allocation rows, a negative allocation, or use to date above the allocation.
    """
    if planning_targets is None or "indicator" not in planning_targets.columns:
        return None
    ids = planning_targets["indicator"].astype(str)
    rows = planning_targets[ids.str.match(INDICATOR_PATTERN)]
    if rows.empty:
        return None
    if len(rows) > 1:
        msg = (f"planning targets: {len(rows)} rows give the new construction land allocation "
               f"({', '.join(rows['indicator'])}); keep one")
        raise InputError(msg)
    row = rows.iloc[0]
    indicator = str(row["indicator"])
    match = INDICATOR_PATTERN.match(indicator)
    start = int(match.group(1)) if match and match.group(1) else int(start_year)
    allocation = float(row["target_value"])
    if not allocation >= 0:
        msg = (f"planning targets: {indicator} target_value = {allocation:g} ha must be >= 0. "
               "Fix: give the allocation in ha")
        raise InputError(msg)
    years = range(start, int(base_year) + 1)
    used, how = 0.0, "no years of the period before the simulation"
    if len(years):
        if history is not None and "new_construction_land_ha" in history.columns \
                and set(years) <= set(history["year"].astype(int)):
            in_period = history["year"].astype(int).isin(years)
            used = float(history.loc[in_period, "new_construction_land_ha"].astype(float).sum())
            how = f"indicator history {start}-{base_year}"
        elif batches is not None and len(batches):
            in_period = batches["approval_year"].astype(int).isin(years)
            used = float(batches.loc[in_period, "approved_ha"].astype(float).sum())
            how = f"supply batches approved {start}-{base_year}"
        else:
            how = f"use {start}-{base_year} unknown, counted as 0"
    if used > allocation + 1e-9:
        msg = (f"planning targets: {indicator} = {allocation:g} ha but {used:.2f} ha were "
               f"already used ({how}); the allocation is exhausted. Fix: check the table, or "
               "set caps.upper_plan_new_construction_ha in the scenario")
        raise InputError(msg)
    source = (f"planning_targets {indicator} = {allocation:g} ha, used {used:.2f} ha ({how})")
    return UpperPlan(allocation_ha=allocation, used_ha=used, start_year=start,
                     base_year=int(base_year), source=source)
