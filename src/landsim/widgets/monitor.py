"""Monitoring explorer: year and threshold levers driving the traffic lights and trends."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from landsim.monitor.lights import adjust_thresholds, monitor_view
from landsim.monitor.thresholds import Threshold, load_thresholds
from landsim.policy import COMMON, CommonFigures
from landsim.widgets._controls import (
    FRACTION,
    LABEL_WIDTH,
    ControlSpec,
    explorer,
    field_range,
    sliders,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    import ipywidgets

__all__ = ["LIGHT_COLUMNS_SHOWN", "MONITOR_CONTROLS", "light_view", "monitor_defaults",
           "monitor_explorer"]

LIGHT_COLUMNS_SHOWN = ["status", "name", "value", "unit", "green", "yellow", "basis"]
"""Columns of the traffic-light table the explorer shows."""

MONITOR_CONTROLS: dict[str, ControlSpec] = {
    # argument of monitor_view: (label, min, max, step)
    "per_capita_max_m2": ("人均上限 Per-capita max, green [m²/人]",
                          *field_range(CommonFigures, "per_capita_band_max_m2", (90.0, 150.0)),
                          5.0),
    "elasticity_max": ("弹性系数上限 Elasticity max, green [ratio]",
                       *field_range(CommonFigures, "elasticity_benchmark", (0.5, 2.0)), 0.01),
    "supply_rate_floor": ("供地率下限 Supply-rate floor, red below [0-1]",
                          *field_range(CommonFigures, "supply_rate_floor"), 0.05),
    "udb_multiple_max": ("扩展倍数上限 Expansion max, red above [×]",
                         *field_range(CommonFigures, "udb_expansion_multiple", (1.0, 2.0)), 0.05),
    "gdp_land_gap_min": ("GDP地耗差距下限 GDP-land gap min, green [fraction]", -0.2, 0.2,
                         0.01),
    "stock_share_min": ("存量供应比例下限 Stock share min, green [0-1]", *FRACTION, 0.05),
}
"""Sliders of :func:`monitor_explorer`, named after arguments of
:func:`~landsim.monitor.lights.monitor_view`."""


def monitor_defaults(thresholds: Mapping[str, Threshold] | None = None) -> dict[str, float]:
    """Start value of every lever of :data:`MONITOR_CONTROLS`.

    The four levers that are shared policy figures take them from
    :data:`landsim.policy.COMMON`; the two assumed bands come from ``thresholds``
    (default: the packaged monitor thresholds). At these values
    ``monitor_view(values, year, **levers)`` equals ``traffic_lights(values, year)``.
    """
    t = load_thresholds() if thresholds is None else thresholds
    return {"per_capita_max_m2": COMMON.per_capita_band_max_m2,
            "elasticity_max": COMMON.elasticity_benchmark,
            "supply_rate_floor": COMMON.supply_rate_floor,
            "udb_multiple_max": COMMON.udb_expansion_multiple,
            "gdp_land_gap_min": t["gdp_land_decline_gap"].green[0],
            "stock_share_min": t["stock_supply_share"].green[0]}


def monitor_explorer(values: pd.DataFrame, year: int | None = None,
                     show_charts: bool = True) -> ipywidgets.interactive:
    """Year dropdown and threshold sliders driving the traffic lights and trend charts.

    The sliders start at :func:`monitor_defaults`; ``.result`` is the traffic-light table
    shown.
    """
    import ipywidgets as w

    from landsim.plots import plot_trends

    years = [int(y) for y in values["year"]]
    controls: dict[str, Any] = {
        "year": w.Dropdown(options=years, value=years[-1] if year is None else year,
                           description="年份 Year", style={"description_width": LABEL_WIDTH})}
    controls |= sliders(MONITOR_CONTROLS, monitor_defaults())

    def draw(table: pd.DataFrame, levers: dict[str, Any]) -> None:
        bounds = {k: v for k, v in levers.items() if k != "year"}
        plot_trends(values, levers["year"], adjust_thresholds(**bounds))

    return explorer(lambda **levers: monitor_view(values, **levers), controls,
                    shown=lambda t: [light_view(t)], draw=draw if show_charts else None)


def light_view(table: pd.DataFrame) -> object:
    """The traffic-light table as planners read it: bilingual headers and codes, each value
    with the decimals its colour depends on (1.0049 is not shown as 1.005 beside a green
    bound of 1.005)."""
    from landsim.presentation import (
        UNIT_DECIMALS,
        TableView,
        decimals_to_show,
        format_number,
        interval_of,
        planner_table,
        unit_text,
    )

    shown = table[LIGHT_COLUMNS_SHOWN].copy()
    digits = [decimals_to_show(v, [interval_of(g), interval_of(y)], UNIT_DECIMALS.get(u, 3))
              for v, g, y, u in zip(shown["value"], shown["green"], shown["yellow"],
                                    shown["unit"], strict=True)]
    out = planner_table(shown.drop(columns=["value"]))
    out.insert(2, "数值 Value", [format_number(v, decimals=d)
                               for v, d in zip(shown["value"], digits, strict=True)])
    out["单位 Unit"] = [unit_text(u) for u in shown["unit"]]
    return TableView(out)
