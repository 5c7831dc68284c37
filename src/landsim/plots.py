"""Maps and charts (presentation only; the core modules never import this)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["LAND_GROUPS", "LAYOUT_COLOURS", "QUOTA_SOURCES", "cjk_rc", "land_group", "plot_fan",
           "plot_land_use", "plot_layout", "plot_per_capita", "plot_quota_sources"]

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


QUOTA_SOURCES = (("pop_link_quota_ha", "人地挂钩 Population link", "#377eb8"),
                 ("stock_link_quota_ha", "增存挂钩 Stock link", "#ff7f00"),
                 ("key_project_quota_ha", "重点项目 Key projects", "#984ea3"))


def plot_quota_sources(annual: pd.DataFrame, title: str = "", ax: Axes | None = None
                       ) -> Figure:
    """Stacked bars of the granted quota by source per year [ha], the requested ordinary
    quota as a line, and the limiting rule written above capped years."""
    import matplotlib.pyplot as plt

    plt.rcParams.update(cjk_rc())
    fig, ax = _figure(ax, (8, 4))
    years = annual["year"].to_numpy()
    bottom = pd.Series(0.0, index=annual.index)
    for col, label, colour in QUOTA_SOURCES:
        ax.bar(years, annual[col], bottom=bottom, label=label, color=colour)
        bottom = bottom + annual[col]
    ax.plot(years, annual["ordinary_requested_ha"] + annual["key_project_quota_ha"],
            color="black", marker="o", ms=3, lw=1,
            label="规则可得 Requested before caps")
    names = {"supply_rate_floor": "供地率<60%", "udb": "UDB", "upper_plan": "上级规划"}
    for year, top, cap in zip(years, bottom, annual["binding_cap"], strict=True):
        if cap != "none":
            ax.annotate(names.get(cap, cap), (year, top), textcoords="offset points",
                        xytext=(0, 3), ha="center", fontsize=7, rotation=90)
    ax.set_xlabel("年份 Year")
    ax.set_ylabel("新增建设用地 New construction land [ha]")
    ax.set_title(title)
    ax.legend(fontsize=7, loc="upper right")
    return fig


def plot_per_capita(annual: pd.DataFrame, band: tuple[float, float] = (65.0, 115.0),
                    ax: Axes | None = None) -> Figure:
    """Per-capita urban construction land [m2/person] against the GB 50137-2011 band."""
    import matplotlib.pyplot as plt

    plt.rcParams.update(cjk_rc())
    fig, ax = _figure(ax, (8, 3.5))
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
    """Fan chart of an ensemble summary: 5-95 % and 25-75 % bands, median, demand."""
    import matplotlib.pyplot as plt

    plt.rcParams.update(cjk_rc())
    fig, ax = _figure(ax, (8, 3.5))
    years = summary["year"]
    ax.fill_between(years, summary[f"{column}_p5"], summary[f"{column}_p95"],
                    color="#377eb8", alpha=0.2, label="5-95 %")
    ax.fill_between(years, summary[f"{column}_p25"], summary[f"{column}_p75"],
                    color="#377eb8", alpha=0.4, label="25-75 %")
    ax.plot(years, summary[f"{column}_p50"], color="#08306b", label="中位数 Median")
    if "demand_ha" in summary:
        ax.plot(years, summary["demand_ha"], color="black", ls="--", label="需求 Demand")
    ax.set_xlabel("年份 Year")
    ax.set_ylabel(f"{column} [ha]")
    ax.legend(fontsize=7)
    return fig


def _figure(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    import matplotlib.pyplot as plt

    if ax is None:
        return plt.subplots(figsize=size)
    return ax.figure, ax


LAYOUT_COLOURS = {"kept": ("保留 kept", "#1b9e77"), "added": ("调入 added", "#377eb8"),
                  "removed": ("调出 removed", "#e41a1c"), "none": ("其他 other", "#eeeeee")}


def plot_layout(parcels: pd.DataFrame, layout: pd.DataFrame, title: str = "",
                ax: Axes | None = None) -> Figure:
    """Map of a PBF adjustment: kept, added and removed parcels in distinct colours.

    ``layout`` has parcel_id and change (kept/added/removed/none), as returned by
    :meth:`landsim.farmland.FarmlandLayoutModel.solve`.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    plt.rcParams.update(cjk_rc())
    fig, ax = _figure(ax, (7, 7))
    change = parcels["parcel_id"].map(layout.set_index("parcel_id")["change"]).fillna("none")
    colours = change.map({k: c for k, (_, c) in LAYOUT_COLOURS.items()})
    parcels.plot(ax=ax, color=colours.to_list(), linewidth=0.05, edgecolor="white")
    counts = change.value_counts()
    ax.legend(handles=[Patch(facecolor=c, label=f"{label} ({counts.get(k, 0)})")
                       for k, (label, c) in LAYOUT_COLOURS.items()],
              loc="lower right", fontsize=7, framealpha=0.9)
    ax.set_title(title)
    ax.set_axis_off()
    ax.set_aspect("equal")
    return fig
