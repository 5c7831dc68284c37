"""Maps and charts (presentation only; the core modules never import this)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["LAND_GROUPS", "land_group", "plot_land_use"]

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


CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei",
                "Microsoft YaHei", "PingFang SC")


def cjk_rc() -> dict[str, object]:
    """Matplotlib rc settings that draw Chinese labels.

    Uses a CJK font installed on the system if there is one, else registers the Noto Sans
    CJK SC font shipped by the ``mplfonts`` package (notebooks extra). With neither, the
    settings are empty and Chinese glyphs render as boxes.
    """
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    family = next((name for name in CJK_FAMILIES if name in installed), None)
    if family is None:
        try:
            from importlib.resources import files

            path = files("mplfonts") / "fonts" / "NotoSansCJKsc-Regular.otf"
        except ModuleNotFoundError:
            return {}
        font_manager.fontManager.addfont(str(path))
        family = "Noto Sans CJK SC"
    return {"font.family": ["DejaVu Sans", family], "axes.unicode_minus": False}


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
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    if not isinstance(parcels, gpd.GeoDataFrame):
        msg = ("plot_land_use needs parcels with geometry: read them from a GeoPackage "
               "(e.g. landsim.load_sample()), not from CSV")
        raise TypeError(msg)
    plt.rcParams.update(cjk_rc())
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 7))
    else:
        fig = ax.figure
    groups = land_group(parcels["land_class"])
    colours = {label: colour for label, (_, colour) in LAND_GROUPS.items()}
    colours[OTHER[0]] = OTHER[1]
    parcels.plot(ax=ax, color=groups.map(colours).to_list(), linewidth=0.1, edgecolor="white")
    handles = [Patch(facecolor=colours[g], label=g) for g in colours if (groups == g).any()]
    if show_pbf and parcels["is_pbf"].any():
        pbf = parcels[parcels["is_pbf"].astype(bool)].dissolve()
        pbf.boundary.plot(ax=ax, color="#e41a1c", linewidth=0.6)
        handles.append(Patch(facecolor="none", edgecolor="#e41a1c",
                             label="永久基本农田 PBF (outline)"))
    ax.legend(handles=handles, loc="lower right", fontsize=7, framealpha=0.9)
    ax.set_title(title)
    ax.set_aspect("equal")
    ticks_km = ax.get_xticks()
    ax.set_xticks(ticks_km, [f"{t / 1000:.0f}" for t in ticks_km])
    ticks_km = ax.get_yticks()
    ax.set_yticks(ticks_km, [f"{t / 1000:.0f}" for t in ticks_km])
    ax.set_xlabel("Easting 东坐标 [km, EPSG:4546]")
    ax.set_ylabel("Northing 北坐标 [km]")
    return fig
