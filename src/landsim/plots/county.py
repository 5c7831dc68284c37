"""Land-use map of a county (the tour notebook)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from landsim.plots._style import km_ticks, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["LAND_GROUPS", "OTHER", "land_group", "plot_land_use"]

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


def plot_land_use(parcels: pd.DataFrame, title: str = "", ax: Axes | None = None,
                  show_pbf: bool = True) -> Figure:
    """Map parcels coloured by land-use group, with current PBF outlined in red.

    ``parcels`` must be a GeoDataFrame in a projected CRS (metres); the axes show km.
    """
    import geopandas as gpd
    from matplotlib.patches import Patch

    if not isinstance(parcels, gpd.GeoDataFrame):
        msg = ("plot_land_use needs parcels with geometry: read them from a GeoPackage "
               "(e.g. landsim.load_sample()), not from CSV")
        raise TypeError(msg)
    fig, ax = new_axes(ax, (7, 7))
    groups = land_group(parcels["land_class"])
    colours = {label: colour for label, (_, colour) in LAND_GROUPS.items()}
    colours[OTHER[0]] = OTHER[1]
    parcels.plot(ax=ax, color=groups.map(colours).to_list(), linewidth=0.1, edgecolor="white")
    handles = [Patch(facecolor=colours[g], label=g) for g in colours if (groups == g).any()]
    if show_pbf and parcels["is_pbf"].any():
        pbf = parcels[parcels["is_pbf"].astype(bool)].dissolve()
        pbf.boundary.plot(ax=ax, color=PBF_OUTLINE, linewidth=0.6)
        handles.append(Patch(facecolor="none", edgecolor=PBF_OUTLINE,
                             label="永久基本农田 PBF (outline)"))
    ax.legend(handles=handles, loc="lower right", fontsize=7, framealpha=0.9)
    ax.set_title(title)
    ax.set_aspect("equal")
    km_ticks(ax)
    return fig
