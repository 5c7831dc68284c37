"""Presentation of site selection: a weights widget and a map of footprints over the
three control lines. ipywidgets and matplotlib are imported inside the functions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from landsim.siting.ranking import rank_schemes

if TYPE_CHECKING:
    import ipywidgets
    from matplotlib.axes import Axes

__all__ = ["plot_footprints", "weights_explorer"]


def weights_explorer(measures: pd.DataFrame, weights: dict[str, float],
                     method: str = "topsis") -> ipywidgets.interactive:
    """One slider per criterion weight driving :func:`~landsim.siting.rank_schemes`;
    ``.result`` is the ranking shown."""
    import ipywidgets as w
    from IPython.display import display

    def view(method: str = method, **kw: float) -> pd.DataFrame:
        table = rank_schemes(measures, kw, method)
        display(table.round(3))
        return table

    sliders = {name: w.FloatSlider(value=value, min=0.0, max=5.0, step=0.25, description=name)
               for name, value in weights.items()}
    return w.interactive(view, method=w.Dropdown(options=["topsis", "weighted_sum"],
                                                 value=method, description="方法 method"),
                         **sliders)


def plot_footprints(pieces: pd.DataFrame, parcels: pd.DataFrame, key: str = "scheme_id",
                    ax: Axes | None = None, title: str = "", pad_m: float = 1500.0) -> Axes:
    """Footprint pieces (GeoDataFrame) over PBF, red line and UDB of nearby parcels."""
    import matplotlib.pyplot as plt

    from landsim.plots import cjk_rc

    plt.rcParams.update(cjk_rc())
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6))
    x0, y0, x1, y1 = pieces.total_bounds
    near = parcels.cx[x0 - pad_m:x1 + pad_m, y0 - pad_m:y1 + pad_m]
    near.boundary.plot(ax=ax, color="0.85", linewidth=0.3)
    for col, color in (("is_pbf", "#f2d16b"), ("in_eco_redline", "#8fc98f"),
                       ("in_udb", "#f4a3a3")):
        sel = near[near[col].astype(bool)]
        if len(sel):
            sel.plot(ax=ax, color=color, alpha=0.6)
    colors = plt.get_cmap("tab10")
    for i, (name, grp) in enumerate(pieces.groupby(key, sort=True)):
        grp.plot(ax=ax, color=colors(i % 10), label=str(name))
    handles, labels = ax.get_legend_handles_labels()
    from matplotlib.patches import Patch

    handles += [Patch(color="#f2d16b", label="永久基本农田 PBF"),
                Patch(color="#8fc98f", label="生态红线 red line"),
                Patch(color="#f4a3a3", label="开发边界 UDB")]
    ax.legend(handles=handles, loc="upper left", fontsize=7)
    ax.set_aspect("equal")
    ax.set_title(title or "方案用地 Scheme footprints")
    ax.set_axis_off()
    return ax
