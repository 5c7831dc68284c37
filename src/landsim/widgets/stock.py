"""Stock-land explorers: idle land at a date and the per-mu performance classes."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import pandas as pd

from landsim.stockland.params import PerformanceRules
from landsim.stockland.views import class_view, idle_view
from landsim.widgets._controls import (
    LABEL_WIDTH,
    SLIDER_WIDTH,
    ControlSpec,
    explorer,
    field_range,
    keep_order,
    sliders,
)

if TYPE_CHECKING:
    import ipywidgets

__all__ = ["PERFORMANCE_CONTROLS", "idle_explorer", "performance_explorer"]

PERFORMANCE_CONTROLS: dict[str, ControlSpec] = {
    "class_a_min": ("A 类下限 Class A minimum [分 score]",
                    *field_range(PerformanceRules, "class_a_min", (60.0, 200.0)), 5.0),
    "class_b_min": ("B 类下限 Class B minimum [分 score]",
                    *field_range(PerformanceRules, "class_b_min", (40.0, 150.0)), 5.0),
    "class_c_min": ("C 类下限 Class C minimum [分 score]",
                    *field_range(PerformanceRules, "class_c_min", (10.0, 120.0)), 5.0),
    "weight_tax": ("税收权重 Weight of tax per mu [0-1]",
                   *field_range(PerformanceRules, "weight_tax", (0.0, 1.0)), 0.05),
}
"""Sliders of :func:`performance_explorer`, named after arguments of
:func:`~landsim.stockland.views.class_view`; each starts at the
:class:`~landsim.stockland.params.PerformanceRules` default."""


def idle_explorer(contracts: pd.DataFrame, as_of_options: list[str] | None = None
                  ) -> ipywidgets.interactive:
    """Slider of as-of dates driving :func:`~landsim.stockland.views.idle_view`;
    ``.result`` is the table shown. The default dates are the year ends 2016-2025."""
    import ipywidgets as w

    options = as_of_options or [f"{y}-12-31" for y in range(2016, 2026)]
    control = w.SelectionSlider(options=options, value=options[-4] if len(options) > 3
                                else options[0], description="截至日期 As of",
                                style={"description_width": LABEL_WIDTH},
                                layout=w.Layout(width=SLIDER_WIDTH))
    return explorer(partial(idle_view, contracts), {"as_of": control})


def performance_explorer(units: pd.DataFrame) -> ipywidgets.interactive:
    """Sliders of the class thresholds and the tax weight driving
    :func:`~landsim.stockland.views.class_view`; the class minimums keep A ≥ B ≥ C
    (moving one moves its neighbour, and the widget says so)."""
    import ipywidgets as w

    start = {name: PerformanceRules.default_of(name) for name in PERFORMANCE_CONTROLS}
    controls = sliders(PERFORMANCE_CONTROLS, start)
    notice = w.HTML("")
    keep_order([controls[f"class_{c}_min"] for c in "abc"], notice,
               "A ≥ B ≥ C 类下限 class minimums A ≥ B ≥ C")
    return explorer(partial(class_view, units), controls, notice=notice)
