"""Plan-implementation monitoring and early warning (规划实施监测预警) and the annual plan
health-check report (国土空间规划年度体检评估).

- :mod:`~landsim.monitor.indicators` - indicator definitions, formulas, yearly values;
- :mod:`~landsim.monitor.thresholds` - green / yellow / red thresholds (user settable);
- :mod:`~landsim.monitor.lights` - traffic-light tables, five-year review;
- :mod:`~landsim.monitor.report` - the self-contained HTML report;
- :mod:`landsim.cli.report` - ``landsim report``.

The explorer widget is :func:`landsim.widgets.monitor_explorer` and the trend chart
:func:`landsim.plots.plot_trends` (presentation only; not imported here).
"""

from landsim.monitor.indicators import (
    INDICATORS,
    IndicatorSpec,
    history_frame,
    indicator_table,
    indicator_values,
    simulation_frame,
)
from landsim.monitor.lights import five_year_review, monitor_view, traffic_lights
from landsim.monitor.thresholds import DEFAULT_THRESHOLDS, Threshold, classify, load_thresholds

__all__ = [
    "DEFAULT_THRESHOLDS",
    "INDICATORS",
    "IndicatorSpec",
    "Threshold",
    "classify",
    "five_year_review",
    "history_frame",
    "indicator_table",
    "indicator_values",
    "load_thresholds",
    "monitor_view",
    "simulation_frame",
    "traffic_lights",
]
