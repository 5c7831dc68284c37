"""Shared figure helpers: Chinese fonts, axes creation, km ticks, the three control lines
and PNG export. matplotlib is imported inside the functions."""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from collections.abc import Sequence

    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

__all__ = ["CJK_FAMILIES", "CONTROL_LINES", "cjk_rc", "draw_control_lines",
           "figure_to_data_uri", "finish_map", "km_ticks", "new_axes", "show_figures"]

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


def finish_map(ax: Axes, title: str, extra: Sequence[Artist] = (), *,
               loc: str = "upper left", **legend: object) -> None:
    """Legend (the labelled artists of ``ax``, then ``extra``), equal aspect, title and no
    axes frame: the common end of every map."""
    handles, _ = ax.get_legend_handles_labels()
    ax.legend(handles=[*handles, *extra], loc=loc, fontsize=7, **legend)  # type: ignore[arg-type]
    ax.set_aspect("equal")
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
