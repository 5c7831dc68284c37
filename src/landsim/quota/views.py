"""Pure views of the two-links quota simulation (what the quota widget of
:mod:`landsim.widgets` shows); the levers are the arguments of
:func:`~landsim.quota.scenario.adjust_scenario`."""

from __future__ import annotations

import pandas as pd

from landsim.quota.scenario import Scenario, ScenarioInputs, adjust_scenario, run_scenario

__all__ = ["quota_levers", "quota_view"]


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
    }


def quota_view(scenario: Scenario, inputs: ScenarioInputs, **levers: object) -> pd.DataFrame:
    """County annual quota table of ``scenario`` with the levers of
    :func:`~landsim.quota.scenario.adjust_scenario` applied."""
    return run_scenario(adjust_scenario(scenario, **levers), inputs).annual  # type: ignore[arg-type]
