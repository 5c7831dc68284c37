"""Pure table views of stock land (what the stock-land widgets of :mod:`landsim.widgets`
show); every keyword argument is a control of a widget."""

from __future__ import annotations

import pandas as pd

from landsim.stockland.idle import assess_idle
from landsim.stockland.inefficient import evaluate_performance
from landsim.stockland.params import PerformanceRules
from landsim.units import ha_to_mu

__all__ = ["class_view", "idle_view"]

_RULES = PerformanceRules


def idle_view(contracts: pd.DataFrame, as_of: str = "2022-12-31") -> pd.DataFrame:
    """Idle contracts at ``as_of``: count, area [ha, mu] and fee [万元] by test and cause."""
    idle = assess_idle(contracts, as_of)
    idle = idle[idle["idle"]]
    out = idle.groupby(["test", "cause"]).agg(
        contracts=("contract_id", "size"), area_ha=("area_ha", "sum"),
        fee_wan_yuan=("fee_wan_yuan", "sum"), unpaid_recovery=("unpaid_recovery", "sum"))
    out.insert(2, "area_mu", ha_to_mu(out["area_ha"]))
    return out.reset_index()


def class_view(units: pd.DataFrame,
               class_a_min: float = _RULES.default_of("class_a_min"),
               class_b_min: float = _RULES.default_of("class_b_min"),
               class_c_min: float = _RULES.default_of("class_c_min"),
               weight_tax: float = _RULES.default_of("weight_tax")) -> pd.DataFrame:
    """Units and area [ha, mu] per performance class under the given class thresholds
    [score] and tax weight [weight]; the defaults are those of
    :class:`~landsim.stockland.params.PerformanceRules`."""
    rules = PerformanceRules().replace({"class_a_min": class_a_min, "class_b_min": class_b_min,
                                        "class_c_min": class_c_min, "weight_tax": weight_tax},
                                       origin="class_view")
    ev = evaluate_performance(units, rules)
    out = ev.groupby("perf_class").agg(units=("unit_id", "size"), area_ha=("area_ha", "sum"))
    out = out.reindex(list("ABCD"), fill_value=0)
    out["area_mu"] = ha_to_mu(out["area_ha"])
    out.index.name = "perf_class"
    return out.reset_index()
