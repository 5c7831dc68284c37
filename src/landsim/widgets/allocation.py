"""Allocation explorers: a year slider over the map, and the suitability weights."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from landsim.allocation.params import AllocationParams
from landsim.allocation.views import allocation_view, cumulative_allocation
from landsim.widgets._controls import explorer, sliders

if TYPE_CHECKING:
    import ipywidgets

__all__ = ["ALLOCATION_WEIGHTS", "allocation_year_explorer", "allocation_weights_explorer"]

ALLOCATION_WEIGHTS = {
    "slope_weight": ("坡度 Slope weight", 0.0, 3.0, 0.25),
    "urban_distance_weight": ("近城 Near urban land", 0.0, 3.0, 0.25),
    "road_distance_weight": ("近路 Near roads", 0.0, 3.0, 0.25),
    "adjacency_weight": ("连片 Adjacency", 0.0, 3.0, 0.25),
}
"""Weight sliders: keyword argument of :func:`~landsim.allocation.views.allocation_view`
-> (label, min, max, step); they start at the declared defaults of
:class:`~landsim.allocation.params.AllocationParams`."""


def allocation_year_explorer(parcels: Any, result: Any) -> ipywidgets.interactive:
    """Year slider over the map of the land placed up to that year; ``.result`` is
    :func:`~landsim.allocation.views.cumulative_allocation` of the year."""
    import ipywidgets as w

    from landsim.plots import plot_allocation_map

    years = sorted(result.shortfall["year"].unique())
    year = w.IntSlider(value=int(years[-1]), min=int(years[0]), max=int(years[-1]), step=1,
                       description="年份 Year", continuous_update=False)

    def compute(year: int) -> pd.DataFrame:
        return cumulative_allocation(result, year)

    return explorer(compute, {"year": year}, shown=lambda t: [t],
                    draw=lambda _t, v: plot_allocation_map(parcels, result, v["year"]))


def allocation_weights_explorer(county: Any, annual: pd.DataFrame) -> ipywidgets.interactive:
    """Suitability weights and the flexible-zone swap driving
    :func:`~landsim.allocation.views.allocation_view`; ``.result`` is its table."""
    import ipywidgets as w

    controls: dict[str, Any] = sliders(
        ALLOCATION_WEIGHTS, {k: AllocationParams.default_of(k) for k in ALLOCATION_WEIGHTS},
        label_width="12em")
    controls["flexible_swap"] = w.Checkbox(value=AllocationParams.default_of("flexible_swap"),
                                           description="弹性区置换 Flexible-zone swap")
    return explorer(lambda **v: allocation_view(county, annual, **v), controls,
                    shown=lambda t: [t])
