"""ipywidgets front-end of the traffic-light table and trend charts.

The widget only maps controls onto the arguments of the pure function
:func:`landsim.monitor.lights.monitor_view`; ipywidgets is imported inside the function.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from landsim.monitor.lights import adjust_thresholds, monitor_view

if TYPE_CHECKING:
    import ipywidgets

__all__ = ["MONITOR_CONTROLS", "monitor_explorer"]

MONITOR_CONTROLS: dict[str, tuple[str, float, float, float]] = {
    # argument of monitor_view: (label, min, max, step)
    "per_capita_max_m2": ("人均上限 Per-capita max [m²]", 90.0, 150.0, 5.0),
    "elasticity_max": ("弹性系数 Elasticity max", 0.5, 2.0, 0.01),
    "supply_rate_floor": ("供地率下限 Supply-rate floor", 0.3, 0.9, 0.05),
    "udb_multiple_max": ("扩展倍数 Expansion multiple max", 1.0, 2.0, 0.05),
    "gdp_land_gap_min": ("GDP地耗差距 GDP-land gap min", -0.2, 0.2, 0.01),
    "stock_share_min": ("存量供应比例 Stock share min", 0.0, 0.6, 0.05),
}
"""Sliders of :func:`monitor_explorer`, named after arguments of :func:`monitor_view`."""


def monitor_explorer(values: pd.DataFrame, year: int | None = None,
                     show_charts: bool = True) -> ipywidgets.interactive:
    """Year dropdown and threshold sliders driving the traffic lights and trend charts.

    ``.result`` is the traffic-light table shown.
    """
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    from landsim.monitor.charts import plot_trends

    years = [int(y) for y in values["year"]]
    style = {"description_width": "14em"}
    layout = w.Layout(width="32em")
    controls: dict[str, w.Widget] = {
        "year": w.Dropdown(options=years, value=years[-1] if year is None else year,
                           description="年份 Year", style=style)}
    defaults = {name: p.default for name, p in
                __import__("inspect").signature(monitor_view).parameters.items()}
    for name, (label, lo, hi, step) in MONITOR_CONTROLS.items():
        controls[name] = w.FloatSlider(value=defaults[name], min=lo, max=hi, step=step,
                                       description=label, style=style, layout=layout,
                                       continuous_update=False)

    def view(year: int, **levers: float) -> pd.DataFrame:
        table = monitor_view(values, year, **levers)
        display(table[["status", "name", "value", "unit", "green", "yellow", "basis"]]
                .round({"value": 3}))
        if show_charts:
            plot_trends(values, year, adjust_thresholds(**levers))
            plt.show()
        return table

    return w.interactive(view, **controls)
