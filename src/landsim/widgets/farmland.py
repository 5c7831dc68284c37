"""Farmland explorer: target, boundary weight and rules driving the optimal PBF layout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from landsim.farmland.model import LayoutOptions
from landsim.farmland.rules import FarmlandRules
from landsim.farmland.views import layout_view
from landsim.parcels import select_township
from landsim.units import ha_to_mu
from landsim.widgets._controls import ALL, explorer, sliders, township_choices

if TYPE_CHECKING:
    import ipywidgets

    from landsim.datasets import County

__all__ = ["farmland_explorer"]


def farmland_explorer(county: County, show_map: bool = True) -> ipywidgets.interactive:
    """Target (mu), boundary weight, the compensation and quality rules and a township
    view driving :func:`~landsim.farmland.views.layout_view`, its checks and its map.

    The target starts at the current PBF area (rounded to 1,000 mu) with a ±10 % range;
    the weight and the rule switches start at the defaults of
    :class:`~landsim.farmland.model.LayoutOptions`, and the compensation rule is labelled
    with the ratio of :class:`~landsim.farmland.rules.FarmlandRules` that the model applies.
    ``.result`` is the table shown.
    """
    import ipywidgets as w

    from landsim.plots import plot_layout

    parcels, edges = county.parcels, county.edges
    current_mu = float(ha_to_mu(parcels.loc[parcels["is_pbf"], "area_ha"].sum()))
    target = ("保护目标 Target [亩 mu]", round(0.9 * current_mu, -3),
              round(1.1 * current_mu, -3), 5000)
    controls: dict[str, Any] = sliders({"target_mu": target},
                                       {"target_mu": round(current_mu, -3)},
                                       label_width="14em", width="36em")
    controls |= sliders({"boundary_weight": ("破碎度权重 Boundary weight", 0.0, 0.2, 0.01)},
                        {"boundary_weight": LayoutOptions.boundary_weight}, label_width="14em")
    ratio = FarmlandRules.default_of("compensation_ratio")
    controls |= {
        "compensation_rule": w.Checkbox(value=LayoutOptions.compensation_rule,
                                        description=f"调入 ≥ {ratio * 100:g} % 调出 rule"),
        "quality_rule": w.Checkbox(value=LayoutOptions.quality_rule,
                                   description="质量不降低 Quality rule"),
        "township": w.Dropdown(options=township_choices(parcels), value=None,
                               description="乡镇 Township",
                               style={"description_width": "14em"}),
    }

    def draw(table: pd.DataFrame, values: dict[str, Any]) -> None:
        township = values.get("township")
        plot_layout(select_township(parcels, township), table.attrs["layout"],
                    title=str(township or ALL))

    return explorer(lambda **values: layout_view(parcels, edges, **values), controls,
                    shown=lambda t: [f"求解状态 Solver status: {t.attrs['status']}", t.round(3)],
                    draw=draw if show_map else None)
