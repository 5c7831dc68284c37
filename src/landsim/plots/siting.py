"""Map of site-selection footprints over the three control lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from landsim.plots._style import draw_control_lines, finish_map, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_footprints"]


def plot_footprints(pieces: pd.DataFrame, parcels: pd.DataFrame, key: str = "scheme_id",
                    ax: Axes | None = None, title: str = "", pad_m: float = 1500.0) -> Axes:
    """Footprint pieces (GeoDataFrame), one colour per ``key``, over PBF, the ecological
    red line and the UDB of the parcels within ``pad_m`` [m] of them."""
    import matplotlib.pyplot as plt

    _, ax = new_axes(ax, (7, 6))
    lines = draw_control_lines(ax, parcels, tuple(pieces.total_bounds), pad_m)
    colours = plt.get_cmap("tab10")
    for i, (name, grp) in enumerate(pieces.groupby(key, sort=True)):
        grp.plot(ax=ax, color=colours(i % 10), label=str(name))
    finish_map(ax, title or "方案用地 Scheme footprints", lines)
    return ax
