"""Farmland explorer: target, boundary weight and labelled what-ifs driving the PBF layout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from landsim.farmland.model import LayoutOptions
from landsim.farmland.rules import FarmlandRules
from landsim.farmland.views import layout_view
from landsim.parcels import select_township
from landsim.units import ha_to_mu
from landsim.widgets._controls import ALL, explorer, sliders, township_dropdown, township_value

if TYPE_CHECKING:
    import ipywidgets

    from landsim.datasets import County

__all__ = ["farmland_explorer"]


def farmland_explorer(county: County, show_map: bool = True) -> ipywidgets.interactive:
    """Target (mu), boundary weight, three labelled what-if switches and a township view
    driving :func:`~landsim.farmland.views.layout_view`, its checks and its map.

    The target starts at the current PBF area (a lower target is itself a what-if) with
    a ±10 % range; the weight starts at the default of
    :class:`~landsim.farmland.model.LayoutOptions`. Every legal rule is on until a box
    marked "假设 What-if" is ticked, and the status line then says the layout is a
    what-if. The compensation box is labelled with the ratio of
    :class:`~landsim.farmland.rules.FarmlandRules` and the cap box with its township
    share. ``.result`` is the table shown.
    """
    import ipywidgets as w

    from landsim.plots import plot_layout

    parcels, edges = county.parcels, county.edges
    current_mu = float(ha_to_mu(parcels.loc[parcels["is_pbf"], "area_ha"].sum()))
    target = ("保护目标 Target [亩 mu]", round(0.9 * current_mu, -3),
              round(1.1 * current_mu, -3), 5000)
    controls: dict[str, Any] = sliders({"target_mu": target},
                                       {"target_mu": current_mu},
                                       label_width="14em", width="36em")
    controls |= sliders({"boundary_weight": ("破碎度权重 Boundary weight", 0.0, 0.2, 0.01)},
                        {"boundary_weight": LayoutOptions.boundary_weight}, label_width="14em")
    ratio = FarmlandRules.default_of("compensation_ratio")
    share = FarmlandRules.default_of("township_adjust_share")
    style = {"description_width": "initial"}
    controls |= {
        "what_if_no_105_rule": w.Checkbox(
            value=False, style=style,
            description=f"假设 What-if: 取消调入 ≥ {ratio * 100:g} % 调出 no compensation rule"),
        "what_if_no_quality_rule": w.Checkbox(
            value=False, style=style,
            description="假设 What-if: 取消质量不降低 no quality rule"),
        "what_if_no_township_cap": w.Checkbox(
            value=False, style=style,
            description=f"假设 What-if: 取消乡镇调整 ≤ {share * 100:g} % no township cap"),
        "township": township_dropdown(parcels, label_width="14em"),
    }

    def draw(table: pd.DataFrame, values: dict[str, Any]) -> None:
        township = township_value(values.get("township"))
        plot_layout(select_township(parcels, township), table.attrs["layout"],
                    title=str(township or ALL))

    def shown(table: pd.DataFrame) -> list[object]:
        legal = table.attrs["what_if"] or "全部规则生效 every rule on (a layout within the law)"
        return [f"求解状态 Solver status: {table.attrs['status']}", legal,
                table.attrs["checks"], table]

    def view(township: str | None = None, **values: Any) -> pd.DataFrame:
        return layout_view(parcels, edges, township=township_value(township), **values)

    return explorer(view, controls,
                    shown=shown, draw=draw if show_map else None)
