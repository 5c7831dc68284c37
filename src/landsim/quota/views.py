"""Pure views of the two-links quota simulation (what the quota widget of
:mod:`landsim.widgets` shows); the levers are the arguments of
:func:`~landsim.quota.scenario.adjust_scenario`."""

from __future__ import annotations

import pandas as pd

from landsim.quota.scenario import Scenario, ScenarioInputs, adjust_scenario, run_scenario

__all__ = ["SOURCES", "first_binding_years", "quota_levers", "quota_view",
           "requested_vs_granted"]

SOURCES = (("pop_link", "人地挂钩 population link"), ("stock_link", "增存挂钩 stock link"),
           ("key_project", "重点项目 key projects"))
"""Quota sources: column stem of ``annual.csv`` and bilingual label."""


def requested_vs_granted(annual: pd.DataFrame) -> pd.DataFrame:
    """Requested and granted quota per source and year, what was withheld and why [ha].

    Parameters
    ----------
    annual : pandas.DataFrame
        County annual table (:func:`landsim.quota.engine.annual_table`).

    Returns
    -------
    pandas.DataFrame
        year; ``<source>_requested_ha`` and ``<source>_granted_ha`` for the population
        link, stock link and key projects; withheld_ha (ordinary quota requested but not
        granted); binding_cap (the rule that cut it); cap_remaining_ha (upper-level plan)
        and udb_room_ha after the year.
    """
    out = pd.DataFrame({"year": annual["year"].to_numpy()})
    for stem, _label in SOURCES:
        out[f"{stem}_requested_ha"] = annual[f"{stem}_requested_ha"].to_numpy()
        out[f"{stem}_granted_ha"] = annual[f"{stem}_quota_ha"].to_numpy()
    for col in ("withheld_ha", "binding_cap", "cap_remaining_ha", "udb_room_ha"):
        out[col] = annual[col].to_numpy()
    return out


def first_binding_years(annual: pd.DataFrame) -> dict[str, int | None]:
    """First year each rule cut the ordinary quota (None: never), from ``binding_cap``.

    >>> t = pd.DataFrame({"year": [2023, 2024, 2025],
    ...                   "binding_cap": ["supply_rate_floor", "none", "udb"]})
    >>> first_binding_years(t)["udb"], first_binding_years(t)["upper_plan"]
    (2025, None)
    """
    from landsim.quota.engine import BINDING

    caps = annual["binding_cap"].astype(str).to_numpy()
    years = annual["year"].to_numpy()
    return {cap: (int(years[caps == cap].min()) if (caps == cap).any() else None)
            for cap in BINDING if cap != "none"}


def quota_levers(scenario: Scenario) -> dict[str, float | bool]:
    """The scenario's own value of every lever of
    :func:`~landsim.quota.scenario.adjust_scenario` (its policy file and overrides)."""
    policy = scenario.quota_policy()
    return {
        "settlement_share": scenario.population.settlement_share,
        "provincial_factor": policy.population_link.provincial_factor,
        "standard_tier1_m2": policy.population_link.standard_tier1_m2,
        "standard_tier2_m2": policy.population_link.standard_tier2_m2,
        "standard_tier3_m2": policy.population_link.standard_tier3_m2,
        "unsupplied_disposal_rate": scenario.stock.unsupplied_disposal_rate,
        "idle_disposal_rate": scenario.stock.idle_disposal_rate,
        "inefficient_redevelopment_rate": scenario.stock.inefficient_redevelopment_rate,
        "stock_link_ratio": policy.stock_link.ratio,
        "reward_penalty": policy.reward_penalty.enabled,
        "per_capita_brake": policy.per_capita_brake.enabled,
    }


def quota_view(scenario: Scenario, inputs: ScenarioInputs, **levers: object) -> pd.DataFrame:
    """County annual quota table of ``scenario`` with the levers of
    :func:`~landsim.quota.scenario.adjust_scenario` applied."""
    return run_scenario(adjust_scenario(scenario, **levers), inputs).annual  # type: ignore[arg-type]
