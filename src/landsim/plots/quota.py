"""Charts of the two-links quota simulation: quota by source, per-capita land, fan chart."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from landsim.plots._style import new_axes
from landsim.policy import COMMON

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["CAP_NAMES", "QUOTA_SOURCES", "plot_fan", "plot_per_capita", "plot_quota_sources",
           "plot_requested_granted"]

QUOTA_SOURCES = (("pop_link_quota_ha", "人地挂钩 Population link", "#377eb8"),
                 ("stock_link_quota_ha", "增存挂钩 Stock link", "#ff7f00"),
                 ("key_project_quota_ha", "重点项目 Key projects", "#984ea3"))
"""Stacked bars of :func:`plot_quota_sources`: annual column, legend label, colour."""

CAP_NAMES = {"supply_rate_floor": f"供地率<{COMMON.supply_rate_floor:.0%}", "udb": "UDB",
             "upper_plan": "上级规划", "per_capita_brake": "人均制动",
             "cultivated_balance": "占补平衡"}
"""Short label written above a year whose quota a cap limited (``binding_cap``)."""


def plot_quota_sources(annual: pd.DataFrame, title: str = "", ax: Axes | None = None
                       ) -> Figure:
    """Stacked bars of the granted quota by source per year [ha], the requested ordinary
    quota as a line, and the limiting rule written above capped years."""
    fig, ax = new_axes(ax, (8, 4))
    years = annual["year"].to_numpy()
    bottom = pd.Series(0.0, index=annual.index)
    for col, label, colour in QUOTA_SOURCES:
        ax.bar(years, annual[col], bottom=bottom, label=label, color=colour)
        bottom = bottom + annual[col]
    ax.plot(years, annual["ordinary_requested_ha"] + annual["key_project_quota_ha"],
            color="black", marker="o", ms=3, lw=1,
            label="规则可得 Requested before caps")
    _caps_and_labels(ax, years, bottom, annual["binding_cap"],
                     "新增建设用地 New construction land [ha]", title)
    return fig


def _caps_and_labels(ax: Axes, years: object, tops: object, caps: pd.Series, ylabel: str,
                     title: str) -> None:
    """Write the limiting rule above each capped year; axis labels, title and legend."""
    for year, top, cap in zip(years, tops, caps, strict=True):
        if cap != "none":
            ax.annotate(CAP_NAMES.get(cap, cap), (year, top), textcoords="offset points",
                        xytext=(0, 3), ha="center", fontsize=7, rotation=90)
    ax.set_xlabel("年份 Year")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=7, loc="upper right")


def plot_requested_granted(annual: pd.DataFrame, title: str = "",
                           ax: Axes | None = None) -> Figure:
    """Requested (outline) against granted (filled) quota per source and year [ha], with
    the rule that cut the ordinary quota written above the year."""
    fig, ax = new_axes(ax, (9, 4))
    years = annual["year"].to_numpy()
    width = 0.27
    for j, (col, label, colour) in enumerate(QUOTA_SOURCES):
        requested = annual[col.replace("_quota_ha", "_requested_ha")]
        x = years + (j - 1) * width
        ax.bar(x, requested, width=width, facecolor="none", edgecolor=colour, lw=1)
        ax.bar(x, annual[col], width=width, color=colour, label=f"{label} (granted 批准)")
    ax.bar([], [], facecolor="none", edgecolor="grey", label="申请 Requested (outline)")
    top = annual[["pop_link_requested_ha", "stock_link_requested_ha",
                  "key_project_requested_ha"]].max(axis=1)
    _caps_and_labels(ax, years, top, annual["binding_cap"], "指标 Quota [ha]", title)
    return fig


def plot_per_capita(annual: pd.DataFrame, band: tuple[float, float] | None = None,
                    ax: Axes | None = None) -> Figure:
    """Per-capita urban construction land [m2/person] against the planned band.

    ``band`` defaults to the GB 50137-2011 band of :data:`landsim.policy.COMMON`
    (``per_capita_band_min_m2`` to ``per_capita_band_max_m2``). [m2/person]
    """
    if band is None:
        band = (COMMON.per_capita_band_min_m2, COMMON.per_capita_band_max_m2)
    fig, ax = new_axes(ax, (8, 3.5))
    ax.axhspan(*band, color="#4daf4a", alpha=0.15,
               label=f"GB 50137-2011 {band[0]:g}-{band[1]:g} m²/人")
    ax.plot(annual["year"], annual["per_capita_urban_land_m2"], marker="o", color="#e41a1c",
            label="人均城镇建设用地 Per-capita urban land")
    ax.set_xlabel("年份 Year")
    ax.set_ylabel("m² / person 人")
    ax.legend(fontsize=7)
    return fig


def plot_fan(summary: pd.DataFrame, column: str = "new_construction_land_ha",
             ax: Axes | None = None) -> Figure:
    """Fan chart of an ensemble summary: the outer and inner percentile bands of
    :data:`landsim.quota.ensemble.PERCENTILES` (5-95 % and 25-75 %), median, demand."""
    from landsim.quota.ensemble import PERCENTILES

    fig, ax = new_axes(ax, (8, 3.5))
    years = summary["year"]
    outer, inner, median = PERCENTILES[::4], PERCENTILES[1:4:2], PERCENTILES[2]
    for (lo, hi), alpha in ((outer, 0.2), (inner, 0.4)):
        ax.fill_between(years, summary[f"{column}_p{lo}"], summary[f"{column}_p{hi}"],
                        color="#377eb8", alpha=alpha, label=f"{lo}-{hi} %")
    ax.plot(years, summary[f"{column}_p{median}"], color="#08306b", label="中位数 Median")
    if "demand_ha" in summary:
        ax.plot(years, summary["demand_ha"], color="black", ls="--", label="需求 Demand")
    ax.set_xlabel("年份 Year")
    ax.set_ylabel(f"{column} [ha]")
    ax.legend(fontsize=7)
    return fig
