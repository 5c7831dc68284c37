"""County maps: land use with current PBF (the tour) and the three control lines (the
health-check report), in the shared map style of :func:`landsim.plots._style.finish_map`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from landsim.plots._style import CONTROL_LINES, area_legend_label, finish_map, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["LAND_GROUPS", "OTHER", "land_group", "plot_control_lines", "plot_land_use"]

LAND_GROUPS: dict[str, tuple[tuple[str, ...], str]] = {
    "水浇地 Irrigated": (("0101", "0102"), "#4daf4a"),
    "旱地 Dry land": (("0103",), "#e6d96a"),
    "林地 Forest and shrub": (("0301", "0305"), "#1b7837"),
    "草地 Grassland": (("0404",), "#c2dfa0"),
    "建设用地 Construction": (("0601", "0701", "0702", "0810", "1006"), "#d95f02"),
    "水域 Water": (("1101",), "#6baed6"),
}
"""Map legend: group label -> (三调 codes, colour). Other codes are drawn grey."""

OTHER = ("其他 Other", "#bdbdbd")
"""Legend label and colour of the codes outside :data:`LAND_GROUPS`."""

PBF_OUTLINE = "#e41a1c"


def land_group(land_class: pd.Series) -> pd.Series:
    """Legend group label of each land-class code."""
    lookup = {code: label for label, (codes, _) in LAND_GROUPS.items() for code in codes}
    return land_class.map(lookup).fillna(OTHER[0])


def _need_geometry(parcels: pd.DataFrame, what: str) -> None:
    import geopandas as gpd

    if not isinstance(parcels, gpd.GeoDataFrame):
        msg = (f"{what} needs parcels with geometry: read them from a GeoPackage "
               "(e.g. landsim.load_sample()), not from CSV")
        raise TypeError(msg)


def plot_land_use(parcels: pd.DataFrame, title: str = "", ax: Axes | None = None,
                  show_pbf: bool = True) -> Figure:
    """Map parcels coloured by land-use group, with current PBF outlined in red, township
    boundaries and names; the legend gives each group's area in ha and 亩.

    ``parcels`` must be a GeoDataFrame in a projected CRS (metres).
    """
    from matplotlib.patches import Patch

    _need_geometry(parcels, "plot_land_use")
    fig, ax = new_axes(ax, (8.5, 7))
    groups = land_group(parcels["land_class"])
    colours = {label: colour for label, (_, colour) in LAND_GROUPS.items()}
    colours[OTHER[0]] = OTHER[1]
    parcels.plot(ax=ax, color=groups.map(colours).to_list(), linewidth=0.1, edgecolor="white")
    area = parcels["area_ha"].groupby(groups).sum()
    handles = [Patch(facecolor=colours[g], label=area_legend_label(g, area[g]))
               for g in colours if g in area.index]
    pbf_flag = parcels["is_pbf"].astype(bool)
    if show_pbf and pbf_flag.any():
        pbf = parcels[pbf_flag].dissolve()
        pbf.boundary.plot(ax=ax, color=PBF_OUTLINE, linewidth=0.6)
        handles.append(Patch(facecolor="none", edgecolor=PBF_OUTLINE, label=area_legend_label(
            "永久基本农田 PBF (outline)", parcels.loc[pbf_flag, "area_ha"].sum())))
    finish_map(ax, title, handles, townships=parcels)
    return fig


def plot_control_lines(parcels: pd.DataFrame, title: str = "", ax: Axes | None = None
                       ) -> Figure:
    """Map of the three control lines (永久基本农田, 生态保护红线, 城镇开发边界) over the
    county, with township boundaries and names; the legend gives each line's area in ha
    and 亩."""
    from matplotlib.patches import Patch

    _need_geometry(parcels, "plot_control_lines")
    fig, ax = new_axes(ax, (8.5, 7))
    parcels.plot(ax=ax, color="#f4f4f4", linewidth=0.05, edgecolor="#dddddd")
    handles = []
    for col, colour, label in CONTROL_LINES:
        sel = parcels[parcels[col].astype(bool)]
        if len(sel):
            sel.plot(ax=ax, color=colour, alpha=0.85, linewidth=0)
            handles.append(Patch(color=colour, label=area_legend_label(label,
                                                                       sel["area_ha"].sum())))
    finish_map(ax, title, handles, townships=parcels)
    return fig
