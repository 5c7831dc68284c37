"""The register's stage funnel (批 -> 供 -> 用 -> 登)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from landsim.plots._style import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_stage_funnel"]


def plot_stage_funnel(counts: pd.DataFrame, ax: Axes | None = None, title: str = "") -> Axes:
    """Horizontal bars of the units that reached each stage of
    :data:`~landsim.register.lifecycle.PROGRESSION` (``reached_units`` of
    :func:`~landsim.register.lifecycle.stage_counts`), with the units and area [ha, 亩]
    now at that stage written beside each bar."""
    _, ax = new_axes(ax, (8, 3.6))
    rows = counts[counts["stage"] != ""].iloc[::-1]
    bars = ax.barh(rows["stage_name"], rows["reached_units"], color="#4c78a8")
    for bar, r in zip(bars, rows.itertuples(index=False), strict=True):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2,
                f"  现处 now {r.units} · {r.area_ha:,.1f} ha ({r.area_mu:,.0f} 亩)",
                va="center", fontsize=8)
    ax.set_xlabel("到达该阶段的单元数 units that reached the stage")
    ax.set_xlim(0, max(float(rows["reached_units"].max()), 1.0) * 1.6)
    ax.set_title(title or "一码管地 阶段漏斗 Stage funnel of the land register")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax
