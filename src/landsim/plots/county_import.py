"""Map of an imported county's control lines: which parcels the overlay put inside each
line, the lines as drawn, and the parcels a line splits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from landsim.plots._style import CONTROL_LINES, draw_control_lines, finish_map, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_overlays"]

LINE_EDGES = {"pbf": "#b8860b", "redline": "#1b7837", "udb": "#d7301f"}
"""Outline colour of each control-line layer as drawn (role -> colour)."""
SPLIT_EDGE = "#000000"


def plot_overlays(parcels: pd.DataFrame, lines: Mapping[str, pd.DataFrame] | None = None,
                  split: pd.DataFrame | None = None, title: str = "",
                  ax: Axes | None = None) -> Figure:
    """Parcels filled by the control line the import put them in (the colours of
    :data:`landsim.plots._style.CONTROL_LINES`), the line polygons as read outlined, and
    the parcels a line splits (``split``: parcel_id column, as in ``import_split.csv``)
    outlined in black. ``parcels`` is a GeoDataFrame in a projected CRS [m]."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    fig, ax = new_axes(ax, (7, 7))
    handles = draw_control_lines(ax, parcels, tuple(parcels.total_bounds), pad_m=0.0)
    labels = {col: label for col, _, label in CONTROL_LINES}
    names = {"pbf": labels["is_pbf"], "redline": labels["in_eco_redline"],
             "udb": labels["in_udb"]}
    for role, frame in (lines or {}).items():
        frame.boundary.plot(ax=ax, color=LINE_EDGES[role], linewidth=0.8)
        handles.append(Line2D([], [], color=LINE_EDGES[role], label=f"{names[role]} (drawn)"))
    if split is not None and len(split):
        cut = parcels[parcels["parcel_id"].isin(split["parcel_id"])]
        cut.boundary.plot(ax=ax, color=SPLIT_EDGE, linewidth=1.0)
        handles.append(Patch(facecolor="none", edgecolor=SPLIT_EDGE,
                             label=f"被分割图斑 split parcels ({cut['parcel_id'].nunique()})"))
    finish_map(ax, title, handles)
    return fig
