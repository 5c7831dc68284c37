"""Map of a permanent basic farmland (PBF) adjustment."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from landsim.plots._style import area_legend_label, finish_map, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["LAYOUT_COLOURS", "plot_layout"]

LAYOUT_COLOURS = {"kept": ("保留 kept", "#1b9e77"), "added": ("调入 added", "#377eb8"),
                  "removed": ("调出 removed", "#e41a1c"), "none": ("其他 other", "#eeeeee")}
"""Layout change -> (legend label, colour)."""


def plot_layout(parcels: pd.DataFrame, layout: pd.DataFrame, title: str = "",
                ax: Axes | None = None) -> Figure:
    """Map of a PBF adjustment: kept, added and removed parcels in distinct colours, with
    township boundaries and names; the legend gives each class's area in ha and 亩.

    ``layout`` has parcel_id and change (kept/added/removed/none), as returned by
    :meth:`landsim.farmland.FarmlandLayoutModel.solve`.
    """
    from matplotlib.patches import Patch

    fig, ax = new_axes(ax, (8.5, 7))
    change = parcels["parcel_id"].map(layout.set_index("parcel_id")["change"]).fillna("none")
    colours = change.map({k: c for k, (_, c) in LAYOUT_COLOURS.items()})
    parcels.plot(ax=ax, color=colours.to_list(), linewidth=0.05, edgecolor="white")
    area = parcels["area_ha"].groupby(change.to_numpy()).sum()
    finish_map(ax, title, [Patch(facecolor=c, label=area_legend_label(label, area.get(k, 0.0)))
                           for k, (label, c) in LAYOUT_COLOURS.items() if k != "none"],
               townships=parcels)
    return fig
