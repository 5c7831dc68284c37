"""Map of a permanent basic farmland (PBF) adjustment."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from landsim.plots._style import finish_map, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["LAYOUT_COLOURS", "plot_layout"]

LAYOUT_COLOURS = {"kept": ("保留 kept", "#1b9e77"), "added": ("调入 added", "#377eb8"),
                  "removed": ("调出 removed", "#e41a1c"), "none": ("其他 other", "#eeeeee")}
"""Layout change -> (legend label, colour)."""


def plot_layout(parcels: pd.DataFrame, layout: pd.DataFrame, title: str = "",
                ax: Axes | None = None) -> Figure:
    """Map of a PBF adjustment: kept, added and removed parcels in distinct colours.

    ``layout`` has parcel_id and change (kept/added/removed/none), as returned by
    :meth:`landsim.farmland.FarmlandLayoutModel.solve`.
    """
    from matplotlib.patches import Patch

    fig, ax = new_axes(ax, (7, 7))
    change = parcels["parcel_id"].map(layout.set_index("parcel_id")["change"]).fillna("none")
    colours = change.map({k: c for k, (_, c) in LAYOUT_COLOURS.items()})
    parcels.plot(ax=ax, color=colours.to_list(), linewidth=0.05, edgecolor="white")
    counts = change.value_counts()
    finish_map(ax, title, [Patch(facecolor=c, label=f"{label} ({counts.get(k, 0)})")
                           for k, (label, c) in LAYOUT_COLOURS.items()],
               loc="lower right", framealpha=0.9)
    return fig
