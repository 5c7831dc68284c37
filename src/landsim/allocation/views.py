"""Tables of an allocation for notebooks and widgets (pure functions, no presentation).

:func:`allocation_view` reruns :func:`~landsim.allocation.allocate_county` with the given
suitability weights and returns the county summary per year; the weights widget of
:mod:`landsim.widgets.allocation` maps its sliders onto these keyword arguments.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from landsim.allocation.model import AllocationResult, allocate_county
from landsim.allocation.params import AllocationParams

__all__ = ["allocation_summary", "allocation_view", "cumulative_allocation"]


def allocation_summary(result: AllocationResult) -> pd.DataFrame:
    """County summary per year: granted, allocated, via swap, shortfall, in-place stock
    and the concentrated zone's remaining room [ha], years until full [year] and the
    parcels that received new construction land in the year."""
    tot = result.totals().set_index("year")
    c = result.consumption
    conc = c[(c["township"] == "ALL") & (c["zone"] == "01")].set_index("year")
    tot["concentrated_remaining_ha"] = conc["remaining_ha"]
    tot["years_until_full"] = conc["years_until_full"]
    new = result.allocation[~result.allocation["in_place_stock"]]
    tot["parcels"] = (new.groupby("year")["parcel_id"]
                      .agg(lambda ids: ", ".join(sorted(set(ids)))).reindex(tot.index)
                      .fillna(""))
    return tot.reset_index()


def cumulative_allocation(result: AllocationResult, year: int) -> pd.DataFrame:
    """New construction land placed on each parcel up to ``year``, and the year it was
    first used (parcel_id, zone, area_ha [ha], first_year, via_swap). In-place stock is
    left out."""
    a = result.allocation
    a = a[(a["year"] <= int(year)) & ~a["in_place_stock"]]
    return (a.groupby(["parcel_id", "zone"], as_index=False)
            .agg(area_ha=("area_ha", "sum"), first_year=("year", "min"),
                 via_swap=("via_swap", "any")))


def allocation_view(county: Any, annual: pd.DataFrame, *,
                    slope_weight: float = AllocationParams.default_of("slope_weight"),
                    urban_distance_weight: float = AllocationParams.default_of(
                        "urban_distance_weight"),
                    road_distance_weight: float = AllocationParams.default_of(
                        "road_distance_weight"),
                    adjacency_weight: float = AllocationParams.default_of("adjacency_weight"),
                    flexible_swap: bool = AllocationParams.default_of("flexible_swap"),
                    ) -> pd.DataFrame:
    """:func:`allocation_summary` of an allocation with these weights (``.attrs['result']``
    holds the :class:`~landsim.allocation.AllocationResult`).

    Examples
    --------
    >>> from landsim.datasets import load_sample
    >>> from landsim.quota.scenario import Scenario, ScenarioInputs, run_scenario
    >>> county = load_sample()
    >>> run = run_scenario(Scenario.packaged("baseline"),
    ...                    ScenarioInputs.from_county(county), by="township")
    >>> t = allocation_view(county, run.annual, slope_weight=2.0)
    >>> bool(abs(t["granted_ha"] - t["allocated_ha"] - t["shortfall_ha"]).max() < 1e-6)
    True
    """
    params = AllocationParams(slope_weight=slope_weight,
                              urban_distance_weight=urban_distance_weight,
                              road_distance_weight=road_distance_weight,
                              adjacency_weight=adjacency_weight, flexible_swap=flexible_swap)
    result = allocate_county(county, annual, params)
    table = allocation_summary(result)
    table.attrs["result"] = result
    return table
