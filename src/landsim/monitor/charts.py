"""Trend charts of the monitoring indicators (presentation only; matplotlib imported lazily)."""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from landsim.monitor.indicators import INDICATORS, SPECS
from landsim.monitor.thresholds import Threshold, load_thresholds

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["figure_to_data_uri", "plot_trends"]

_COLOURS = {"green": "#1a9850", "yellow": "#fdae61", "red": "#d73027"}


def plot_trends(values: pd.DataFrame, year: int | None = None,
                thresholds: Mapping[str, Threshold] | None = None,
                indicators: Sequence[str] | None = None, ncols: int = 3) -> Figure:
    """Small multiples: each indicator per year with its green and yellow bands.

    History is drawn solid, simulated years dashed; ``year`` is marked by a vertical line.
    Indicators without any value are left out (they are "no data" in the table).
    """
    import matplotlib.pyplot as plt

    from landsim.plots import cjk_rc

    thresholds = load_thresholds() if thresholds is None else thresholds
    keys = [s.key for s in INDICATORS] if indicators is None else list(indicators)
    keys = [k for k in keys if k in values and np.isfinite(values[k].to_numpy(float)).any()]
    plt.rcParams.update(cjk_rc())
    nrows = max(1, math.ceil(len(keys) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 2.6 * nrows), squeeze=False)
    for ax, key in zip(axes.ravel(), keys, strict=False):
        spec, t = SPECS[key], thresholds[key]
        v = values[["year", "basis", key]].replace([np.inf, -np.inf], np.nan)
        finite = v[key].dropna()
        lo_data = float(finite.min()) if len(finite) else 0.0
        hi_data = float(finite.max()) if len(finite) else 1.0
        bounds = [b for b in (*t.green, *t.yellow) if np.isfinite(b)]
        lo, hi = min([lo_data, *bounds]), max([hi_data, *bounds])
        pad = 0.08 * (hi - lo) if hi > lo else 0.1 * max(abs(hi), 1.0)
        lo, hi = lo - pad, hi + pad
        ax.axhspan(lo, hi, color=_COLOURS["red"], alpha=0.08)
        ax.axhspan(max(t.yellow[0], lo), min(t.yellow[1], hi), color=_COLOURS["yellow"],
                   alpha=0.18)
        ax.axhspan(max(t.green[0], lo), min(t.green[1], hi), color=_COLOURS["green"],
                   alpha=0.18)
        for basis, style in (("history", "-"), ("simulation", "--")):
            part = v[v["basis"] == basis]
            if len(part):
                ax.plot(part["year"], part[key], style, marker="o", ms=3, color="#2b2b2b",
                        label="历史 history" if basis == "history" else "模拟 simulation")
        if year is not None:
            ax.axvline(year, color="#4575b4", lw=1)
        ax.set_ylim(lo, hi)
        ax.set_title(f"{spec.name_zh}\n{spec.name_en} [{spec.unit}]", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[len(keys):]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


def figure_to_data_uri(fig: Figure, dpi: int = 90) -> str:
    """PNG of ``fig`` as a ``data:`` URI (for self-contained HTML); closes the figure."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
