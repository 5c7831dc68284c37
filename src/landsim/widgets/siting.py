"""Site-selection explorer: criterion weights and the ranking method."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from landsim.presentation import label
from landsim.siting.ranking import rank_schemes
from landsim.widgets._controls import LABEL_WIDTH, explorer, keep_at_least_one, sliders

if TYPE_CHECKING:
    import ipywidgets

__all__ = ["METHODS", "weights_explorer"]

METHODS = (("TOPSIS 逼近理想解排序", "topsis"), ("加权求和 Weighted sum", "weighted_sum"))
"""Ranking methods offered (label, the ``method`` argument of
:func:`~landsim.siting.rank_schemes`)."""



def weights_explorer(measures: pd.DataFrame, weights: dict[str, float],
                     method: str = "topsis") -> ipywidgets.interactive:
    """One slider per criterion weight (0-5, starting at ``weights``, at least one above
    0) and a method dropdown driving :func:`~landsim.siting.rank_schemes`; ``.result`` is
    the ranking."""
    import ipywidgets as w

    controls: dict[str, Any] = {
        "method": w.Dropdown(options=list(METHODS), value=method, description="排序方法 Method",
                             style={"description_width": LABEL_WIDTH})}
    specs = {name: (f"权重 Weight: {label(name)}", 0.0, 5.0, 0.25)
             for name in weights}
    weight_sliders = sliders(specs, weights)
    notice = w.HTML("")
    keep_at_least_one(list(weight_sliders.values()), notice,
                      "至少一个权重须大于 0 At least one weight must be above 0")
    controls |= weight_sliders

    def compute(method: str, **kw: float) -> pd.DataFrame:
        return rank_schemes(measures, kw, method)

    return explorer(compute, controls, notice=notice)
