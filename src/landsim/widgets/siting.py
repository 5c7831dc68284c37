"""Site-selection explorer: criterion weights and the ranking method."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from landsim.siting.ranking import rank_schemes
from landsim.widgets._controls import explorer, sliders

if TYPE_CHECKING:
    import ipywidgets

__all__ = ["METHODS", "weights_explorer"]

METHODS = ("topsis", "weighted_sum")
"""Ranking methods offered (the ``method`` argument of :func:`~landsim.siting.rank_schemes`)."""


def weights_explorer(measures: pd.DataFrame, weights: dict[str, float],
                     method: str = "topsis") -> ipywidgets.interactive:
    """One slider per criterion weight (0-5, starting at ``weights``) and a method
    dropdown driving :func:`~landsim.siting.rank_schemes`; ``.result`` is the ranking."""
    import ipywidgets as w

    controls: dict[str, Any] = {
        "method": w.Dropdown(options=list(METHODS), value=method, description="方法 method")}
    controls |= sliders({name: (name, 0.0, 5.0, 0.25) for name in weights}, weights)

    def compute(method: str, **kw: float) -> pd.DataFrame:
        return rank_schemes(measures, kw, method)

    return explorer(compute, controls, shown=lambda t: [t.round(3)])
