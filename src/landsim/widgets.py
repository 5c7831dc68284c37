"""ipywidgets front-ends. Each widget only maps controls onto arguments of a pure function;
ipywidgets is imported inside the functions so the core installs without it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from landsim.parcels import land_class_table, select_township

if TYPE_CHECKING:
    import ipywidgets

    from landsim.datasets import County
    from landsim.quota.scenario import Scenario, ScenarioInputs

__all__ = ["QUOTA_CONTROLS", "farmland_explorer", "layout_view", "quota_explorer", "quota_view",
           "township_explorer", "township_view"]

ALL = "全县 Whole county"


def township_view(parcels: pd.DataFrame, township: str | None = None) -> pd.DataFrame:
    """Land-class table [ha, mu] of one township (None: the whole county)."""
    return land_class_table(select_township(parcels, township))


def township_explorer(county: County, show_map: bool = True) -> ipywidgets.interactive:
    """Dropdown of townships driving the land-class table and the map.

    The returned ``interactive``'s ``.result`` is the table currently shown.
    """
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    from landsim.plots import plot_land_use

    parcels = county.parcels
    options = [(ALL, None)] + [(name, name) for name in sorted(parcels["township"].unique())]

    def view(township: str | None = None) -> pd.DataFrame:
        table = township_view(parcels, township)
        display(table.round({"area_ha": 1, "area_mu": 0, "share_pct": 1}))
        if show_map:
            plot_land_use(select_township(parcels, township), title=township or ALL)
            plt.show()
        return table

    control = w.Dropdown(options=options, value=None, description="乡镇 Township")
    return w.interactive(view, township=control)


QUOTA_CONTROLS: dict[str, tuple[str, float, float, float]] = {
    # argument of adjust_scenario: (label, min, max, step)
    "settlement_share": ("落户比例 Settlement share", 0.0, 1.0, 0.05),
    "provincial_factor": ("省级调节系数 Provincial factor", 0.9, 1.1, 0.01),
    "standard_tier1_m2": ("标准(≤100) Standard tier 1 [m²]", 50.0, 120.0, 5.0),
    "standard_tier2_m2": ("标准(100-150) Standard tier 2 [m²]", 30.0, 100.0, 5.0),
    "standard_tier3_m2": ("标准(>150) Standard tier 3 [m²]", 0.0, 80.0, 5.0),
    "unsupplied_disposal_rate": ("批而未供处置率 Unsupplied disposal", 0.0, 0.6, 0.01),
    "idle_disposal_rate": ("闲置处置率 Idle disposal", 0.0, 0.6, 0.01),
    "inefficient_redevelopment_rate": ("低效再开发率 Inefficient redevelopment", 0.0, 0.3,
                                       0.01),
    "stock_link_ratio": ("增存挂钩系数 Stock-link ratio [ha/ha]", 0.0, 2.0, 0.05),
}
"""Sliders of :func:`quota_explorer`, named after the arguments of
:func:`landsim.quota.scenario.adjust_scenario`."""


def quota_view(scenario: Scenario, inputs: ScenarioInputs, **levers: object) -> pd.DataFrame:
    """County annual quota table of ``scenario`` with the levers of
    :func:`~landsim.quota.scenario.adjust_scenario` applied."""
    from landsim.quota.scenario import adjust_scenario, run_scenario

    return run_scenario(adjust_scenario(scenario, **levers), inputs).annual  # type: ignore[arg-type]


def quota_explorer(scenario: Scenario, inputs: ScenarioInputs,
                   show_charts: bool = True) -> ipywidgets.interactive:
    """Sliders for the two-links levers driving the quota table and charts.

    Starts at the scenario's own values; ``.result`` is the annual table shown.
    """
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    from landsim.plots import plot_per_capita, plot_quota_sources

    policy = scenario.quota_policy()
    start = {
        "settlement_share": scenario.population.settlement_share,
        "provincial_factor": policy.population_link.provincial_factor,
        "standard_tier1_m2": policy.population_link.standard_tier1_m2,
        "standard_tier2_m2": policy.population_link.standard_tier2_m2,
        "standard_tier3_m2": policy.population_link.standard_tier3_m2,
        "unsupplied_disposal_rate": scenario.stock.unsupplied_disposal_rate,
        "idle_disposal_rate": scenario.stock.idle_disposal_rate,
        "inefficient_redevelopment_rate": scenario.stock.inefficient_redevelopment_rate,
        "stock_link_ratio": policy.stock_link.ratio,
    }
    style = {"description_width": "16em"}
    layout = w.Layout(width="34em")
    controls: dict[str, w.Widget] = {
        name: w.FloatSlider(value=start[name], min=lo, max=hi, step=step, description=label,
                            style=style, layout=layout, continuous_update=False)
        for name, (label, lo, hi, step) in QUOTA_CONTROLS.items()}
    controls["reward_penalty"] = w.Checkbox(value=policy.reward_penalty.enabled,
                                            description="奖惩规则 Reward/penalty +10 %/-20 %")

    def view(**levers: object) -> pd.DataFrame:
        annual = quota_view(scenario, inputs, **levers)
        cols = ["year", "settled_migrants", "pop_link_quota_ha", "stock_link_quota_ha",
                "key_project_quota_ha", "new_construction_land_ha", "binding_cap"]
        display(annual[cols].round(2))
        if show_charts:
            plot_quota_sources(annual, title=scenario.name)
            plot_per_capita(annual, (policy.indicators.band_min_m2,
                                     policy.indicators.band_max_m2))
            plt.show()
        return annual

    return w.interactive(view, **controls)


def layout_view(parcels: pd.DataFrame, edges: pd.DataFrame | None, target_mu: float,
                boundary_weight: float = 0.0, compensation_rule: bool = True,
                quality_rule: bool = True, township: str | None = None) -> pd.DataFrame:
    """The 数量/质量/生态 checks of the optimal layout for a target in mu [亩].

    Solves :class:`~landsim.farmland.FarmlandLayoutModel` on the whole county (CBC,
    0.01 % gap) and returns the checks table; with ``township`` the table is that
    township's row of the before/after statistics instead.
    """
    from landsim.farmland.layout import optimize_layout
    from landsim.units import mu_to_ha

    result, metrics = optimize_layout(parcels, edges, target_ha=mu_to_ha(target_mu),
                                      boundary_weight=boundary_weight,
                                      compensation_rule=compensation_rule,
                                      quality_rule=quality_rule)
    table = (metrics.checks.copy() if township is None
             else metrics.by_township.loc[[township]].copy())
    table.attrs["layout"] = result.layout
    table.attrs["status"] = result.status
    return table


def farmland_explorer(county: County, show_map: bool = True) -> ipywidgets.interactive:
    """Target (mu), boundary weight, the 105 % and quality rules and a township view
    driving the optimal PBF layout, its checks and its map. ``.result`` is the table."""
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    from landsim.plots import plot_layout
    from landsim.units import ha_to_mu

    parcels, edges = county.parcels, county.edges
    current_mu = float(ha_to_mu(parcels.loc[parcels["is_pbf"], "area_ha"].sum()))

    def view(**controls: object) -> pd.DataFrame:
        table = layout_view(parcels, edges, **controls)  # type: ignore[arg-type]
        print(f"求解状态 Solver status: {table.attrs['status']}")
        display(table.round(3))
        if show_map:
            township = controls.get("township")
            shown = select_township(parcels, township)  # type: ignore[arg-type]
            plot_layout(shown, table.attrs["layout"], title=str(township or ALL))
            plt.show()
        return table

    style = {"description_width": "14em"}
    controls = {
        "target_mu": w.FloatSlider(value=round(current_mu, -3), min=round(0.9 * current_mu, -3),
                                   max=round(1.1 * current_mu, -3), step=5000,
                                   description="保护目标 Target [亩 mu]", style=style,
                                   continuous_update=False,
                                   layout=w.Layout(width="36em")),
        "boundary_weight": w.FloatSlider(value=0.0, min=0.0, max=0.2, step=0.01,
                                         description="破碎度权重 Boundary weight",
                                         style=style, continuous_update=False),
        "compensation_rule": w.Checkbox(value=True, description="调入 ≥ 105 % 调出 rule"),
        "quality_rule": w.Checkbox(value=True, description="质量不降低 Quality rule"),
        "township": w.Dropdown(options=[(ALL, None)] + [
            (n, n) for n in sorted(parcels["township"].unique())], value=None,
            description="乡镇 Township", style=style),
    }
    return w.interactive(view, **controls)
