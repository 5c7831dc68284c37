"""Charts of the 占补平衡 accounts: credits, debits and closing balance per account."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from landsim.plots._style import cjk_rc

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from landsim.cultivated.accounts import BalanceResult

__all__ = ["ACCOUNT_LABELS", "plot_accounts"]

ACCOUNT_LABELS = {"quantity_ha": ("数量 Quantity", "ha"),
                  "capacity_kg": ("粮食产能 Grain capacity", "t"),
                  "paddy_ha": ("水田 Paddy", "ha")}
"""Panel title and unit of each account (capacity is shown in tonnes)."""


def plot_accounts(result: BalanceResult, title: str = "") -> Figure:
    """Three panels (one per account) of the county's credits (up), debits (down) and
    closing balance (line) per year; grain capacity in [t], areas in [ha]."""
    import matplotlib.pyplot as plt

    from landsim.cultivated.accounts import COUNTY

    plt.rcParams.update(cjk_rc())
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    a = result.accounts[result.accounts["township"] == COUNTY]
    for ax, (account, (label, unit)) in zip(axes, ACCOUNT_LABELS.items(), strict=True):
        rows = a[a["account"] == account].sort_values("year")
        scale = 1000.0 if unit == "t" else 1.0
        years = rows["year"].to_numpy()
        ax.bar(years, rows["credit"] / scale, color="#4daf4a", label="补充 credit")
        ax.bar(years, -rows["debit"] / scale, color="#e41a1c", label="占用 debit")
        ax.plot(years, rows["closing"] / scale, color="black", marker="o", markersize=3,
                label="结余 closing")
        ax.axhline(0, color="grey", linewidth=0.8)
        ax.set_title(f"{label} [{unit}]", fontsize=10)
        ax.set_xticks(years[:: max(1, int(np.ceil(len(years) / 7)))])
    axes[0].legend(fontsize=8, loc="upper left")
    fig.suptitle(title or "耕地占补平衡 Occupation-replenishment accounts (全县)")
    fig.tight_layout()
    return fig
