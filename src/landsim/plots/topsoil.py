"""Map of a topsoil plan: sources, stockpiles, destinations and the flows between them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from landsim.plots._style import draw_control_lines, finish_map, label_points, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from landsim.topsoil.inputs import TopsoilInputs
    from landsim.topsoil.model import TopsoilResult

__all__ = ["plot_flows"]

SITES = (("sources", "source_id", "^", "#b5651d", "取土区 sources"),
         ("stockpiles", "stockpile_id", "s", "#555555", "存放区 stockpiles"),
         ("destinations", "destination_id", "o", "#2e7d32", "覆土区 destinations"))
"""Site tables of :class:`~landsim.topsoil.inputs.TopsoilInputs`: attribute, id column,
marker, colour, legend label."""


def plot_flows(result: TopsoilResult, inputs: TopsoilInputs,
               parcels: pd.DataFrame | None = None, ax: Axes | None = None,
               title: str = "", pad_m: float = 1500.0) -> Axes:
    """Map of sources, stockpiles, destinations (each labelled with its id) and flows
    (line width ~ volume [m³]), over the three control lines and township boundaries of
    ``parcels`` within ``pad_m`` [m] of the sites when given (GeoDataFrame)."""
    from matplotlib.lines import Line2D

    from landsim.presentation import format_number

    _, ax = new_axes(ax, (8.5, 6))
    xy: dict[str, tuple[float, float]] = {}
    for attr, key, *_ in SITES:
        frame = getattr(inputs, attr)
        xy.update({str(i): (x, y) for i, x, y in zip(frame[key], frame["x_m"], frame["y_m"],
                                                     strict=True)})
    lines = []
    with_geometry = parcels is not None and "geometry" in parcels
    if with_geometry:
        pts = pd.DataFrame(list(xy.values()), columns=["x", "y"])
        bounds = (pts.x.min(), pts.y.min(), pts.x.max(), pts.y.max())
        lines = draw_control_lines(ax, parcels, bounds, pad_m)
    flows = result.flows[result.flows["to_kind"] != "disposal"]
    vmax = max(float(flows["volume_m3"].max()) if len(flows) else 1.0, 1.0)
    for row in flows.itertuples():
        (x0, y0), (x1, y1) = xy[row.from_id], xy[row.to_id]
        ax.plot([x0, x1], [y0, y1], color="#7a4a1d", alpha=0.7,
                linewidth=0.5 + 4.0 * row.volume_m3 / vmax)
    for attr, key, marker, colour, label in SITES:
        frame = getattr(inputs, attr)
        ax.scatter(frame["x_m"], frame["y_m"], marker=marker, color=colour, s=40, label=label,
                   zorder=5)
        label_points(ax, frame["x_m"].tolist(), frame["y_m"].tolist(), frame[key].tolist())
    flow_key = Line2D([], [], color="#7a4a1d", lw=4.5,
                      label=f"调运 flow (widest {format_number(vmax, 'm3')} m³)")
    finish_map(ax, title or "耕作层土壤调运 Topsoil flows", [*lines, flow_key],
               townships=parcels if with_geometry else None)
    return ax
