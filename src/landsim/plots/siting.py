"""Map of site-selection footprints over the three control lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from landsim.plots._style import (
    area_legend_label,
    draw_control_lines,
    finish_map,
    label_points,
    new_axes,
)
from landsim.units import m2_to_ha

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_footprints"]


def plot_footprints(pieces: pd.DataFrame, parcels: pd.DataFrame, key: str = "scheme_id",
                    ax: Axes | None = None, title: str = "", pad_m: float = 1500.0) -> Axes:
    """Footprint pieces (GeoDataFrame), one colour per ``key``, over PBF, the ecological
    red line and the UDB of the parcels within ``pad_m`` [m] of them, with township
    boundaries; each ``key`` is labelled on the map and its area given in the legend in ha
    and 亩 (the pieces' ``area_ha`` when present)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    _, ax = new_axes(ax, (8.5, 6))
    lines = draw_control_lines(ax, parcels, tuple(pieces.total_bounds), pad_m)
    colours = plt.get_cmap("tab10")
    handles = []
    xs, ys, names = [], [], []
    for i, (name, grp) in enumerate(pieces.groupby(key, sort=True)):
        colour = colours(i % 10)
        grp.plot(ax=ax, color=colour, edgecolor="black", linewidth=0.3)
        area = float(grp["area_ha"].sum() if "area_ha" in grp else m2_to_ha(grp.area.sum()))
        handles.append(Patch(color=colour, label=area_legend_label(str(name), area)))
        point = grp.geometry.union_all().representative_point()
        xs.append(point.x)
        ys.append(point.y)
        names.append(name)
    label_points(ax, xs, ys, names)
    finish_map(ax, title or "方案用地 Scheme footprints", [*lines, *handles], townships=parcels)
    return ax
