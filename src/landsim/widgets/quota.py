"""Quota explorer: the two-links levers driving the annual quota table and charts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from landsim.quota.params import PopulationLink, QuotaPolicy, StockLink
from landsim.quota.views import quota_levers, quota_view
from landsim.widgets._controls import (
    FRACTION,
    SLIDER_WIDTH,
    ControlSpec,
    explorer,
    field_range,
    keep_order,
    sliders,
)

if TYPE_CHECKING:
    import ipywidgets

    from landsim.quota.scenario import Scenario, ScenarioInputs

__all__ = ["QUOTA_COLUMNS", "QUOTA_CONTROLS", "lever_title", "quota_controls", "quota_explorer"]

QUOTA_COLUMNS = ["year", "settled_migrants", "pop_link_requested_ha", "pop_link_quota_ha",
                 "stock_link_requested_ha", "stock_link_quota_ha", "key_project_quota_ha",
                 "new_construction_land_ha", "binding_cap", "withheld_ha"]
"""Columns of the annual table the quota explorer shows."""


def quota_controls(policy: QuotaPolicy | None = None) -> dict[str, ControlSpec]:
    """Slider specs of :func:`quota_explorer`, named after the arguments of
    :func:`landsim.quota.scenario.adjust_scenario`.

    Tier labels and the provincial-factor range come from ``policy`` (default: the
    declared defaults); the standards and the ratio take the declared ranges of their
    parameter fields narrowed to a useful span; shares and rates range over 0-1.
    """
    pop = (policy or QuotaPolicy()).population_link
    t1, t2 = f"{pop.tier1_max_m2:g}", f"{pop.tier2_max_m2:g}"

    def tier(n: int, cond: str, span: tuple[float, float]) -> ControlSpec:
        name = f"standard_tier{n}_m2"
        return (f"{n}档标准(人均{cond}m²) Standard tier {n} [m²/人]",
                *field_range(PopulationLink, name, span), 5.0)

    return {
        "settlement_share": ("落户比例 Settlement share [0-1]", *FRACTION, 0.05),
        "provincial_factor": ("省级调节系数 Provincial factor [×]", pop.provincial_factor_min,
                              pop.provincial_factor_max, 0.01),
        "standard_tier1_m2": tier(1, f"≤{t1}", (50.0, 120.0)),
        "standard_tier2_m2": tier(2, f"{t1}-{t2}", (30.0, 100.0)),
        "standard_tier3_m2": tier(3, f">{t2}", (0.0, 80.0)),
        "unsupplied_disposal_rate": ("批而未供处置率 Unsupplied disposal [per year]",
                                     *FRACTION, 0.01),
        "idle_disposal_rate": ("闲置处置率 Idle disposal [per year]", *FRACTION, 0.01),
        "inefficient_redevelopment_rate": ("低效再开发率 Inefficient redevelopment [per year]",
                                           *FRACTION, 0.01),
        "stock_link_ratio": ("增存挂钩系数 Stock-link ratio [ha/ha]",
                             *field_range(StockLink, "ratio", (0.0, 2.0)), 0.05),
    }


QUOTA_CONTROLS: dict[str, ControlSpec] = quota_controls()
"""Sliders of :func:`quota_explorer` under the default policy (see :func:`quota_controls`)."""


def quota_explorer(scenario: Scenario, inputs: ScenarioInputs,
                   show_charts: bool = True) -> ipywidgets.interactive:
    """Sliders for the two-links levers driving :func:`~landsim.quota.views.quota_view`
    and the quota charts.

    Every control starts at the scenario's own value
    (:func:`~landsim.quota.views.quota_levers`), so the first table is the scenario's run;
    the tier standards keep tier 1 ≥ tier 2 ≥ tier 3 (moving one moves its neighbour, and
    the widget says so); the chart title names every lever moved. ``.result`` is the annual
    table shown.
    """
    import ipywidgets as w

    from landsim.plots import plot_per_capita, plot_quota_sources
    from landsim.presentation import planner_view

    policy = scenario.quota_policy()
    start = quota_levers(scenario)
    specs = quota_controls(policy)
    controls: dict[str, Any] = sliders(specs, start)
    notice = w.HTML("")
    keep_order([controls[f"standard_tier{n}_m2"] for n in (1, 2, 3)], notice,
               "一档 ≥ 二档 ≥ 三档 tier 1 ≥ tier 2 ≥ tier 3")
    rp = policy.reward_penalty
    wide = {"description_width": "initial"}
    controls["reward_penalty"] = w.Checkbox(
        value=start["reward_penalty"], style=wide, layout=w.Layout(width=SLIDER_WIDTH),
        description=f"奖惩规则 Reward/penalty +{rp.reward_rate * 100:g} %/"
                    f"-{rp.penalty_rate * 100:g} %")
    brake = policy.per_capita_brake
    controls["per_capita_brake"] = w.Checkbox(
        value=start["per_capita_brake"], style=wide, layout=w.Layout(width=SLIDER_WIDTH),
        description=f"人均用地制动 Per-capita brake (ASSUMED, {brake.mode}; > "
                    f"{brake.seat_band_max_m2:g} / {brake.town_band_max_m2:g} m²/人)")

    def draw(annual: pd.DataFrame, values: dict[str, Any]) -> None:
        plot_quota_sources(annual, title=lever_title(scenario.name, values, start, specs))
        plot_per_capita(annual, (policy.indicators.band_min_m2, policy.indicators.band_max_m2))

    return explorer(lambda **levers: quota_view(scenario, inputs, **levers), controls,
                    shown=lambda annual: [planner_view(annual[QUOTA_COLUMNS])],
                    draw=draw if show_charts else None, notice=notice)


def lever_title(name: str, values: dict[str, Any], start: dict[str, Any],
                specs: dict[str, ControlSpec]) -> str:
    """Chart title naming the scenario and every lever moved from its start.

    >>> specs = {"stock_link_ratio": ("增存挂钩系数 Stock-link ratio [ha/ha]", 0, 2, 0.05)}
    >>> lever_title("baseline", {"stock_link_ratio": 1.8}, {"stock_link_ratio": 1.0}, specs)
    'baseline：增存挂钩系数 1.8'
    >>> lever_title("baseline", {"stock_link_ratio": 1.0}, {"stock_link_ratio": 1.0}, specs)
    'baseline（情景设定 as set in the scenario）'
    """
    moved = []
    for key, value in values.items():
        if key in start and value != start[key]:
            text = specs[key][0].split(" ")[0] if key in specs else key
            shown = ("开" if value else "关") if isinstance(value, bool) else f"{value:g}"
            if key == "reward_penalty":
                text = "奖惩规则"
            elif key == "per_capita_brake":
                text = "人均用地制动"
            moved.append(f"{text} {shown}")
    return f"{name}：{'，'.join(moved)}" if moved else f"{name}（情景设定 as set in the scenario）"
