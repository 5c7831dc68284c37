"""Presentation of topsoil plans: a what-if function, a map of flows and a widget.

:func:`what_if` is pure; :func:`plot_flows` imports matplotlib and :func:`topsoil_explorer`
ipywidgets inside the function, so the core installs without them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from landsim.topsoil.inputs import TopsoilInputs
from landsim.topsoil.model import TopsoilModel, TopsoilResult
from landsim.topsoil.params import TopsoilParams

if TYPE_CHECKING:
    import ipywidgets
    from matplotlib.axes import Axes

__all__ = ["plot_flows", "topsoil_explorer", "what_if"]


def what_if(inputs: TopsoilInputs, depth_m: float | None = None,
            haul_cost_yuan_per_m3_km: float | None = None, capacity_factor: float = 1.0,
            params: TopsoilParams | None = None) -> TopsoilResult:
    """Re-plan with one stripping depth for every source [m], another haul cost
    [yuan/(m3 km)] and stockpile capacities scaled by ``capacity_factor`` [ratio]."""
    params = params or TopsoilParams()
    if haul_cost_yuan_per_m3_km is not None:
        params = params.with_overrides(haul_cost_yuan_per_m3_km=haul_cost_yuan_per_m3_km)
    sources = inputs.sources.copy()
    if depth_m is not None:
        sources["depth_m"] = depth_m
        sources["volume_m3"] = sources["area_ha"] * 10_000.0 * depth_m
    stockpiles = inputs.stockpiles.copy()
    stockpiles["capacity_m3"] = stockpiles["capacity_m3"] * capacity_factor
    changed = replace(inputs, sources=sources, stockpiles=stockpiles)
    return TopsoilModel.from_inputs(changed, params).solve()


def plot_flows(result: TopsoilResult, inputs: TopsoilInputs,
               parcels: pd.DataFrame | None = None, ax: Axes | None = None,
               title: str = "") -> Axes:
    """Map of sources, stockpiles, destinations and flows (line width ~ volume), over the
    three control lines of ``parcels`` when given (GeoDataFrame)."""
    import matplotlib.pyplot as plt

    from landsim.plots import cjk_rc

    plt.rcParams.update(cjk_rc())
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6))
    xy = {}
    for frame, key in ((inputs.sources, "source_id"), (inputs.stockpiles, "stockpile_id"),
                       (inputs.destinations, "destination_id")):
        xy.update({str(i): (x, y) for i, x, y in zip(frame[key], frame["x_m"], frame["y_m"],
                                                     strict=True)})
    if parcels is not None and "geometry" in parcels:
        pts = pd.DataFrame(list(xy.values()), columns=["x", "y"])
        pad = 1500.0
        box = (pts.x.min() - pad, pts.y.min() - pad, pts.x.max() + pad, pts.y.max() + pad)
        near = parcels.cx[box[0]:box[2], box[1]:box[3]]
        near.boundary.plot(ax=ax, color="0.85", linewidth=0.3)
        for col, color, label in (("is_pbf", "#f2d16b", "永久基本农田 PBF"),
                                  ("in_eco_redline", "#8fc98f", "生态红线 red line"),
                                  ("in_udb", "#f4a3a3", "开发边界 UDB")):
            sel = near[near[col].astype(bool)]
            if len(sel):
                sel.plot(ax=ax, color=color, alpha=0.6, label=label)
    flows = result.flows[result.flows["to_kind"] != "disposal"]
    vmax = max(float(flows["volume_m3"].max()) if len(flows) else 1.0, 1.0)
    for row in flows.itertuples():
        (x0, y0), (x1, y1) = xy[row.from_id], xy[row.to_id]
        ax.plot([x0, x1], [y0, y1], color="#7a4a1d", alpha=0.7,
                linewidth=0.5 + 4.0 * row.volume_m3 / vmax)
    for frame, marker, color, label in (
            (inputs.sources, "^", "#b5651d", "取土区 sources"),
            (inputs.stockpiles, "s", "#555555", "存放区 stockpiles"),
            (inputs.destinations, "o", "#2e7d32", "覆土区 destinations")):
        ax.scatter(frame["x_m"], frame["y_m"], marker=marker, color=color, s=40, label=label,
                   zorder=3)
    ax.set_aspect("equal")
    ax.set_title(title or "耕作层土壤调运 Topsoil flows")
    ax.legend(loc="upper left", fontsize=7)
    ax.set_axis_off()
    return ax


def topsoil_explorer(inputs: TopsoilInputs, params: TopsoilParams | None = None
                     ) -> ipywidgets.interactive:
    """Sliders for depth [m], haul cost [yuan/(m3 km)] and stockpile capacity factor,
    driving :func:`what_if`; ``.result`` is the cost split shown."""
    import ipywidgets as w
    from IPython.display import display

    params = params or TopsoilParams()

    def view(depth_m: float = 0.30, haul_cost_yuan_per_m3_km: float = 1.2,
             capacity_factor: float = 1.0) -> pd.DataFrame:
        result = what_if(inputs, depth_m, haul_cost_yuan_per_m3_km, capacity_factor, params)
        table = result.cost_split
        display(table.round(1))
        return table

    return w.interactive(
        view,
        depth_m=w.FloatSlider(value=0.30, min=0.10, max=0.50, step=0.05,
                              description="剥离厚度 depth m"),
        haul_cost_yuan_per_m3_km=w.FloatSlider(value=params.haul_cost_yuan_per_m3_km, min=0.2,
                                               max=5.0, step=0.1,
                                               description="运费 haul 元/m3·km"),
        capacity_factor=w.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.25,
                                      description="堆场容量 capacity ×"))
