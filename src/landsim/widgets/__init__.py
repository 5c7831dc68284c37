"""All ipywidgets front-ends of landsim (presentation only; no engine imports this package).

Each explorer only maps controls onto the arguments of a pure function of an engine and
shows what it returns (its ``.result``); every control that is a policy figure starts at
the parameter field that declares it. One module per domain, every public name
re-exported here (``landsim.widgets.quota_explorer(...)``). ipywidgets and the figures
of :mod:`landsim.plots` are imported inside the functions, so ``import landsim.widgets``
works without the notebook extras.

- :mod:`~landsim.widgets.allocation` - year slider over the allocation map, suitability
  weights (:func:`~landsim.allocation.views.allocation_view`);
- :mod:`~landsim.widgets.county` - township explorer (:func:`township_view`);
- :mod:`~landsim.widgets.quota` - two-links levers (:func:`~landsim.quota.views.quota_view`);
- :mod:`~landsim.widgets.farmland` - PBF layout (:func:`~landsim.farmland.views.layout_view`);
- :mod:`~landsim.widgets.stock` - idle land and performance classes
  (:mod:`landsim.stockland.views`);
- :mod:`~landsim.widgets.topsoil` - topsoil what-if (:func:`~landsim.topsoil.views.what_if`);
- :mod:`~landsim.widgets.siting` - criterion weights (:func:`~landsim.siting.rank_schemes`);
- :mod:`~landsim.widgets.cultivated` - verification thresholds
  (:func:`~landsim.cultivated.views.verify_view`);
- :mod:`~landsim.widgets.monitor` - thresholds (:func:`~landsim.monitor.monitor_view`);
- :mod:`~landsim.widgets.register` - unit search in the land register
  (:func:`~landsim.register.views.unit_search`).
"""

from landsim.farmland.views import layout_view
from landsim.quota.views import quota_view
from landsim.widgets.allocation import (
    ALLOCATION_WEIGHTS,
    allocation_weights_explorer,
    allocation_year_explorer,
)
from landsim.widgets.county import township_explorer, township_view
from landsim.widgets.cultivated import CULTIVATED_CONTROLS, verify_explorer
from landsim.widgets.farmland import farmland_explorer
from landsim.widgets.monitor import MONITOR_CONTROLS, monitor_defaults, monitor_explorer
from landsim.widgets.quota import QUOTA_CONTROLS, quota_controls, quota_explorer
from landsim.widgets.register import unit_explorer
from landsim.widgets.siting import weights_explorer
from landsim.widgets.stock import PERFORMANCE_CONTROLS, idle_explorer, performance_explorer
from landsim.widgets.topsoil import TOPSOIL_CONTROLS, topsoil_explorer

__all__ = [
    "CULTIVATED_CONTROLS",
    "ALLOCATION_WEIGHTS",
    "MONITOR_CONTROLS",
    "PERFORMANCE_CONTROLS",
    "QUOTA_CONTROLS",
    "TOPSOIL_CONTROLS",
    "allocation_weights_explorer",
    "allocation_year_explorer",
    "farmland_explorer",
    "idle_explorer",
    "layout_view",
    "monitor_defaults",
    "monitor_explorer",
    "performance_explorer",
    "quota_controls",
    "quota_explorer",
    "quota_view",
    "topsoil_explorer",
    "unit_explorer",
    "verify_explorer",
    "township_explorer",
    "township_view",
    "weights_explorer",
]
