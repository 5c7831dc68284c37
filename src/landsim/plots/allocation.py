"""Maps and charts of the year-by-year allocation on the UDB zones."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from landsim.plots._style import draw_control_lines, finish_map, km_ticks, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["ZONE_COLOURS", "plot_allocation_map", "plot_zone_consumption"]

ZONE_COLOURS = {"01": ("集中建设区 01 concentrated", "#fdd0a2"),
                "02": ("弹性发展区 02 flexible", "#c6dbef"),
                "03": ("特别用途区 03 special-use", "#d9d9d9")}
"""Zone code -> (legend label, colour)."""


def plot_allocation_map(parcels: Any, result: Any, year: int, ax: Axes | None = None,
                        pad_m: float = 1500.0) -> Figure:
    """Map of the UDB zones and the new construction land placed up to ``year``.

    Zones are filled in light colours, parcels that received land are shaded by the
    share of the parcel used (darker: more), with PBF and the red line around them.
    ``result`` is a :class:`landsim.allocation.AllocationResult`.
    """
    from matplotlib.patches import Patch

    from landsim.allocation.views import cumulative_allocation

    fig, ax = new_axes(ax, (7, 6))
    zones = parcels.merge(result.zones, on="parcel_id", suffixes=("_parcel", ""))
    handles = draw_control_lines(ax, parcels, tuple(zones.total_bounds), pad_m)
    for code, (label, colour) in ZONE_COLOURS.items():
        z = zones[zones["zone"] == code]
        if len(z):
            z.plot(ax=ax, color=colour, edgecolor="0.5", linewidth=0.4)
            handles.append(Patch(facecolor=colour, label=f"{label} {z['area_ha'].sum():,.1f} ha"))
    used = cumulative_allocation(result, year)
    if len(used):
        u = parcels[["parcel_id", "area_ha", "geometry"]].merge(
            used.groupby("parcel_id", as_index=False)["area_ha"].sum(), on="parcel_id",
            suffixes=("_parcel", ""))
        share = (u["area_ha"] / u["area_ha_parcel"]).clip(0, 1)
        u.plot(ax=ax, color="#d7301f", alpha=(0.25 + 0.75 * share).to_list(),
               edgecolor="#7f0000", linewidth=0.6)
        handles.append(Patch(facecolor="#d7301f",
                             label=f"已落地 allocated to {year}: {used['area_ha'].sum():,.1f} ha"))
    x0, y0, x1, y1 = zones.total_bounds
    ax.set_xlim(x0 - pad_m, x1 + pad_m)
    ax.set_ylim(y0 - pad_m, y1 + pad_m)
    km_ticks(ax)
    finish_map(ax, f"新增建设用地落地 New construction land placed, {year}", handles)
    ax.set_axis_on()
    return fig


def plot_zone_consumption(result: Any, township: str = "ALL",
                          ax: Axes | None = None) -> Figure:
    """Concentrated zone used and remaining per year, with the annual shortfall. [ha]"""
    fig, ax = new_axes(ax, (8, 4))
    c = result.consumption
    conc = c[(c["township"] == township) & (c["zone"] == "01")].set_index("year")
    short = result.shortfall
    if township != "ALL":
        short = short[short["township"] == township]
    short = short.groupby("year")[["allocated_ha", "shortfall_ha"]].sum()
    years = conc.index.to_numpy()
    ax.bar(years, short["allocated_ha"].reindex(years).fillna(0), color="#d7301f",
           label="当年落地 placed in the year")
    ax.bar(years, short["shortfall_ha"].reindex(years).fillna(0),
           bottom=short["allocated_ha"].reindex(years).fillna(0), color="0.7",
           label="缺口 shortfall")
    ax.plot(years, conc["remaining_ha"], "o-", color="#08519c",
            label="集中建设区剩余 concentrated zone room left")
    ax.plot(years, conc["used_ha"], "s--", color="#fd8d3c", label="累计使用 used to date")
    ax.set_xlabel("年份 Year")
    ax.set_ylabel("面积 Area [ha]")
    ax.set_title(f"集中建设区消耗 Concentrated zone consumption ({township})")
    ax.legend(fontsize=7)
    return fig
