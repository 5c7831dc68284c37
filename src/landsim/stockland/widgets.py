"""ipywidgets front-ends for stock land. Each maps controls onto the keyword arguments of a
pure view function; ipywidgets is imported inside the builders."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pandas as pd

from landsim.stockland.idle import assess_idle
from landsim.stockland.inefficient import evaluate_performance
from landsim.stockland.params import PerformanceRules
from landsim.units import MU_PER_HA

if TYPE_CHECKING:
    import ipywidgets

__all__ = ["class_view", "idle_explorer", "idle_view", "performance_explorer"]


def idle_view(contracts: pd.DataFrame, as_of: str = "2022-12-31") -> pd.DataFrame:
    """Idle contracts at ``as_of``: count, area [ha, mu] and fee [万元] by test and cause."""
    idle = assess_idle(contracts, as_of)
    idle = idle[idle["idle"]]
    out = idle.groupby(["test", "cause"]).agg(
        contracts=("contract_id", "size"), area_ha=("area_ha", "sum"),
        fee_wan_yuan=("fee_wan_yuan", "sum"), unpaid_recovery=("unpaid_recovery", "sum"))
    out.insert(2, "area_mu", out["area_ha"] * MU_PER_HA)
    return out.reset_index()


def class_view(units: pd.DataFrame, class_a_min: float = 120.0, class_b_min: float = 90.0,
               class_c_min: float = 60.0, weight_tax: float = 0.35) -> pd.DataFrame:
    """Units and area [ha, mu] per performance class under the given thresholds/weight."""
    rules = dataclasses.replace(PerformanceRules(), class_a_min=class_a_min,
                                class_b_min=class_b_min, class_c_min=class_c_min,
                                weight_tax=weight_tax)
    ev = evaluate_performance(units, rules)
    out = ev.groupby("perf_class").agg(units=("unit_id", "size"), area_ha=("area_ha", "sum"))
    out = out.reindex(list("ABCD"), fill_value=0)
    out["area_mu"] = out["area_ha"] * MU_PER_HA
    out.index.name = "perf_class"
    return out.reset_index()


def idle_explorer(contracts: pd.DataFrame, as_of_options: list[str] | None = None
                  ) -> ipywidgets.interactive:
    """Slider of as-of dates driving :func:`idle_view`; ``.result`` is the table shown."""
    import ipywidgets as w
    from IPython.display import display

    options = as_of_options or [f"{y}-12-31" for y in range(2016, 2026)]

    def view(as_of: str) -> pd.DataFrame:
        table = idle_view(contracts, as_of)
        display(table.round(2))
        return table

    control = w.SelectionSlider(options=options, value=options[-4] if len(options) > 3
                                else options[0], description="截至 As of")
    return w.interactive(view, as_of=control)


def performance_explorer(units: pd.DataFrame) -> ipywidgets.interactive:
    """Sliders of class thresholds and the tax weight driving :func:`class_view`."""
    import ipywidgets as w
    from IPython.display import display

    def view(**kwargs: float) -> pd.DataFrame:
        try:
            table = class_view(units, **kwargs)
        except ValueError as err:  # thresholds out of order: say so instead of failing
            display(str(err))
            return pd.DataFrame()
        display(table.round(1))
        return table

    d = PerformanceRules()
    controls = {
        "class_a_min": w.FloatSlider(value=d.class_a_min, min=60, max=200, step=5,
                                     description="A ≥"),
        "class_b_min": w.FloatSlider(value=d.class_b_min, min=40, max=150, step=5,
                                     description="B ≥"),
        "class_c_min": w.FloatSlider(value=d.class_c_min, min=10, max=120, step=5,
                                     description="C ≥"),
        "weight_tax": w.FloatSlider(value=d.weight_tax, min=0, max=1, step=0.05,
                                    description="税收权重 tax w"),
    }
    return w.interactive(view, **controls)
