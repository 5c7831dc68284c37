"""Trend charts of the plan-monitoring indicators with their traffic-light bands."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from landsim.monitor.thresholds import Threshold

__all__ = ["LIGHT_COLOURS", "plot_trends"]

LIGHT_COLOURS = {"green": "#1a9850", "yellow": "#fdae61", "red": "#d73027"}
"""Fill colour of each traffic-light band."""


def plot_trends(values: pd.DataFrame, year: int | None = None,
                thresholds: Mapping[str, Threshold] | None = None,
                indicators: Sequence[str] | None = None, ncols: int = 3) -> Figure:
    """Small multiples: each indicator per year with its green and yellow bands.

    History is drawn solid, simulated years dashed; ``year`` is marked by a vertical line.
    Indicators without any value are left out (they are "no data" in the table).
    ``thresholds`` default to :func:`landsim.monitor.load_thresholds`.
    """
    import matplotlib.pyplot as plt

    from landsim.monitor.indicators import INDICATORS, SPECS
    from landsim.monitor.thresholds import load_thresholds
    from landsim.plots._style import cjk_rc

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
        ax.axhspan(lo, hi, color=LIGHT_COLOURS["red"], alpha=0.08)
        for light in ("yellow", "green"):
            band = getattr(t, light)
            ax.axhspan(max(band[0], lo), min(band[1], hi), color=LIGHT_COLOURS[light],
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
