"""Tables for planners: which projects pass under changed thresholds, account summaries."""

from __future__ import annotations

import pandas as pd

from landsim.cultivated.accounts import ACCOUNTS, COUNTY, BalanceResult
from landsim.cultivated.params import CultivatedPolicy, StandardYield
from landsim.cultivated.projects import verify_projects

__all__ = ["balance_summary", "verify_view"]


def verify_view(projects: pd.DataFrame, policy: CultivatedPolicy | None = None, *,
                max_slope_deg: float | None = None, min_soil_depth_cm: float | None = None,
                max_grade: float | None = None, yield_factor: float = 1.0) -> pd.DataFrame:
    """Verify ``projects`` with changed thresholds and a scaled yield table.

    Parameters
    ----------
    projects : pandas.DataFrame
        The project table (:data:`landsim.schema.CULTIVATED_PROJECTS`).
    policy : CultivatedPolicy, optional
        Starting parameters (default the packaged ones).
    max_slope_deg, min_soil_depth_cm, max_grade : float, optional
        Replace the acceptance thresholds. [degree], [cm], [grade]
    yield_factor : float
        Multiplies every standard yield of the table. [ratio]

    Returns
    -------
    pandas.DataFrame
        Index project_id; passed, failed_rules, new_cultivated_ha [ha], capacity_kg [kg],
        credit_capacity_kg [kg].
    """
    policy = CultivatedPolicy() if policy is None else policy
    changes = {k: v for k, v in (("max_slope_deg", max_slope_deg),
                                 ("min_soil_depth_cm", min_soil_depth_cm),
                                 ("max_grade", None if max_grade is None else int(max_grade)))
               if v is not None}
    acceptance = policy.acceptance.replace(changes, section="acceptance")
    yields = policy.yields
    if yield_factor != 1.0:
        yields = yields.replace({f: getattr(yields, f) * yield_factor
                                 for f in StandardYield.field_names()},
                                section="standard_yield")
    policy = CultivatedPolicy(yields=yields, acceptance=acceptance, balance=policy.balance)
    v = verify_projects(projects, policy).verified
    return v.set_index("project_id")[["passed", "failed_rules", "new_cultivated_ha",
                                      "capacity_kg", "credit_capacity_kg"]]


def balance_summary(result: BalanceResult) -> pd.DataFrame:
    """County (全县) closing balance of each account by year (columns :data:`ACCOUNTS`)."""
    a = result.accounts
    county = a[a["township"] == COUNTY]
    return county.pivot(index="year", columns="account", values="closing")[list(ACCOUNTS)]
