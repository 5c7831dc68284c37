"""Shared figure helpers: Chinese fonts, axes creation, km ticks, the three control lines,
PNG export and the one map style every map of landsim uses.

The map style (:func:`finish_map`): township boundaries and names (:func:`draw_townships`),
a scale bar and a north arrow, the legend outside the data on the right, areas in the
legend as ha and 亩 (:func:`area_legend_label`), equal aspect, no axes frame.
matplotlib is imported inside the functions."""

from __future__ import annotations

import base64
import io
import math
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from collections.abc import Sequence

    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

__all__ = ["CJK_FAMILIES", "CONTROL_LINES", "add_north_arrow", "add_scale_bar",
           "area_legend_label", "cjk_rc", "draw_control_lines", "draw_townships",
           "figure_to_data_uri", "finish_map", "km_ticks", "label_points", "new_axes",
           "show_figures", "township_outlines"]

CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei",
                "Microsoft YaHei", "PingFang SC")
"""CJK font families tried in order before falling back to the ``mplfonts`` font."""

CONTROL_LINES = (("is_pbf", "#f2d16b", "永久基本农田 PBF"),
                 ("in_eco_redline", "#8fc98f", "生态红线 red line"),
                 ("in_udb", "#f4a3a3", "开发边界 UDB"))
"""The three control lines (三条控制线): parcel flag column, fill colour, legend label."""


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


def new_axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    """Figure and axes to draw on (new ones of ``size`` [inch] when ``ax`` is None), with
    the Chinese font settings of :func:`cjk_rc` applied."""
    import matplotlib.pyplot as plt

    plt.rcParams.update(cjk_rc())
    if ax is None:
        return plt.subplots(figsize=size)
    return ax.figure, ax  # type: ignore[return-value]


def km_ticks(ax: Axes, crs: str = "EPSG:4546") -> None:
    """Label projected axes (metres) in km, naming the coordinate system."""
    for get, put in ((ax.get_xticks, ax.set_xticks), (ax.get_yticks, ax.set_yticks)):
        ticks = get()
        put(ticks, [f"{t / 1000:.0f}" for t in ticks])
    ax.set_xlabel(f"Easting 东坐标 [km, {crs}]")
    ax.set_ylabel("Northing 北坐标 [km]")


def area_legend_label(label: str, area_ha: float) -> str:
    """Legend entry with its area in ha and 亩: ``'调入 added · 1,234.50 ha / 18,518 亩'``.

    >>> area_legend_label("调入 added", 1234.5)
    '调入 added · 1,234.50 ha / 18,518 亩'
    """
    from landsim.presentation import format_number
    from landsim.units import ha_to_mu

    return (f"{label} · {format_number(float(area_ha), 'ha')} ha / "
            f"{format_number(float(ha_to_mu(area_ha)), 'mu')} 亩")


def township_outlines(parcels: pd.DataFrame) -> pd.DataFrame:
    """Township polygons dissolved from the parcels (GeoDataFrame: township, geometry)."""
    return parcels[["township", "geometry"]].dissolve("township").reset_index()


def draw_townships(ax: Axes, outlines: pd.DataFrame, names: bool = True,
                   bounds: tuple[float, float, float, float] | None = None) -> None:
    """Township boundaries (dark lines) and names (at a point inside each township whose
    point lies within ``bounds`` when given) on ``ax``."""
    import matplotlib.patheffects as pe

    outlines.boundary.plot(ax=ax, color="#444444", linewidth=0.8, zorder=4)
    if not names:
        return
    halo = [pe.withStroke(linewidth=2.5, foreground="white")]
    for name, point in zip(outlines["township"], outlines.representative_point(), strict=True):
        if bounds is not None and not (bounds[0] <= point.x <= bounds[2]
                                       and bounds[1] <= point.y <= bounds[3]):
            continue
        ax.annotate(str(name), (point.x, point.y), ha="center", va="center", fontsize=8,
                    color="#222222", path_effects=halo, zorder=6)


def label_points(ax: Axes, xs: Sequence[float], ys: Sequence[float],
                 names: Sequence[object], offset: tuple[float, float] = (4, 4)) -> None:
    """Write each name beside its point (offset in points, white halo)."""
    import matplotlib.patheffects as pe

    halo = [pe.withStroke(linewidth=2, foreground="white")]
    for x, y, name in zip(xs, ys, names, strict=True):
        ax.annotate(str(name), (x, y), xytext=offset, textcoords="offset points", fontsize=7,
                    path_effects=halo, zorder=7)


def _nice_length(span_m: float) -> float:
    """A round scale-bar length near a fifth of ``span_m``: 1, 2 or 5 x 10^k m.

    >>> _nice_length(42_000), _nice_length(3_300)
    (5000.0, 500.0)
    """
    target = max(span_m / 5.0, 1.0)
    exp = 10 ** math.floor(math.log10(target))
    return float(max(m * exp for m in (1, 2, 5) if m * exp <= target))


def add_scale_bar(ax: Axes) -> None:
    """Scale bar in the lower left of a map in metres, labelled in km (or m)."""
    from matplotlib.patches import Rectangle

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(x1 - x0)
    x, y = x0 + 0.04 * (x1 - x0), y0 + 0.04 * (y1 - y0)
    height = 0.012 * (y1 - y0)
    for i, colour in enumerate(("black", "white")):
        ax.add_patch(Rectangle(
            (x + i * length / 2, y), length / 2, height, facecolor=colour, edgecolor="black",
            linewidth=0.6, zorder=8))
    text = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.annotate(text, (x + length / 2, y + height), xytext=(0, 2), textcoords="offset points",
                ha="center", va="bottom", fontsize=7, zorder=8)


def add_north_arrow(ax: Axes) -> None:
    """North arrow (projected maps: grid north up) in the upper right of the map."""
    ax.annotate("N 北", xy=(0.95, 0.97), xytext=(0.95, 0.86), xycoords="axes fraction",
                ha="center", va="center", fontsize=8, zorder=8,
                arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.2})


def finish_map(ax: Axes, title: str, extra: Sequence[Artist] = (), *,
               townships: pd.DataFrame | None = None, names: bool = True,
               legend_title: str | None = None) -> None:
    """The common end of every map: township boundaries and names (``townships``: a
    GeoDataFrame with a township column, e.g. the parcels), equal aspect, scale bar, north arrow,
    the legend (the labelled artists of ``ax``, then ``extra``) outside the data on the
    right, title, no axes frame."""
    bounds = (*ax.get_xlim(), *ax.get_ylim())
    view = (bounds[0], bounds[2], bounds[1], bounds[3])
    if townships is not None:
        draw_townships(ax, township_outlines(townships), names=names, bounds=view)
        ax.set_xlim(bounds[0], bounds[1])
        ax.set_ylim(bounds[2], bounds[3])
    ax.set_aspect("equal")
    handles, _ = ax.get_legend_handles_labels()
    handles = [*handles, *extra]
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                  borderaxespad=0.0, fontsize=7, frameon=False, title=legend_title,
                  title_fontsize=7)
    add_scale_bar(ax)
    add_north_arrow(ax)
    ax.set_title(title)
    ax.set_axis_off()


def draw_control_lines(ax: Axes, parcels: pd.DataFrame,
                       bounds: tuple[float, float, float, float], pad_m: float = 1500.0
                       ) -> list[Patch]:
    """Outline the parcels near ``bounds`` (x0, y0, x1, y1 [m], widened by ``pad_m`` [m])
    and fill those under each control line; returns one legend patch per line drawn.

    ``parcels`` is a GeoDataFrame with the boolean columns of :data:`CONTROL_LINES`.
    """
    from matplotlib.patches import Patch

    x0, y0, x1, y1 = bounds
    near = parcels.cx[x0 - pad_m:x1 + pad_m, y0 - pad_m:y1 + pad_m]
    near.boundary.plot(ax=ax, color="0.85", linewidth=0.3)
    handles = []
    for col, colour, label in CONTROL_LINES:
        sel = near[near[col].astype(bool)]
        if len(sel):
            sel.plot(ax=ax, color=colour, alpha=0.6)
            handles.append(Patch(color=colour, label=label))
    return handles


def figure_to_data_uri(fig: Figure, dpi: int = 90) -> str:
    """PNG of ``fig`` as a ``data:`` URI (for self-contained HTML); closes the figure."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def show_figures() -> None:
    """Display the figures drawn so far (``plt.show``; in a widget, inside its output)."""
    import matplotlib.pyplot as plt

    plt.show()
