"""All matplotlib figures of landsim (presentation only; no engine imports this package).

One module per domain; every public name is re-exported here, so notebooks write
``landsim.plots.plot_quota_sources(...)``. matplotlib is imported inside the functions,
so ``import landsim.plots`` works without the notebook extras.

- :mod:`~landsim.plots.allocation` - UDB zones and allocated land by year, zone consumption;
- :mod:`~landsim.plots.county` - land-use map, three control lines;
- :mod:`~landsim.plots.county_import` - control lines of an imported county;
- :mod:`~landsim.plots.quota` - quota by source, per-capita land, ensemble fan;
- :mod:`~landsim.plots.cultivated` - 占补平衡 accounts (credits, debits, balance);
- :mod:`~landsim.plots.farmland` - PBF adjustment map;
- :mod:`~landsim.plots.topsoil` - topsoil flows map;
- :mod:`~landsim.plots.siting` - site-selection footprints map;
- :mod:`~landsim.plots.monitor` - indicator trends with traffic-light bands;
- :mod:`~landsim.plots.register` - the land register's stage funnel;
- :mod:`~landsim.plots._style` - fonts, axes, km ticks, control lines, display and PNG
  export.
"""

from landsim.plots._style import area_legend_label, cjk_rc, figure_to_data_uri, show_figures
from landsim.plots.allocation import ZONE_COLOURS, plot_allocation_map, plot_zone_consumption
from landsim.plots.county import LAND_GROUPS, land_group, plot_control_lines, plot_land_use
from landsim.plots.county_import import plot_overlays
from landsim.plots.cultivated import plot_accounts
from landsim.plots.farmland import LAYOUT_COLOURS, plot_layout
from landsim.plots.monitor import plot_trends
from landsim.plots.quota import (
    QUOTA_SOURCES,
    plot_fan,
    plot_per_capita,
    plot_quota_sources,
    plot_requested_granted,
)
from landsim.plots.register import plot_stage_funnel
from landsim.plots.siting import plot_footprints
from landsim.plots.topsoil import plot_flows

__all__ = [
    "ZONE_COLOURS",
    "plot_allocation_map",
    "plot_zone_consumption",
    "LAND_GROUPS",
    "LAYOUT_COLOURS",
    "QUOTA_SOURCES",
    "area_legend_label",
    "cjk_rc",
    "figure_to_data_uri",
    "land_group",
    "plot_accounts",
    "plot_control_lines",
    "plot_fan",
    "plot_flows",
    "plot_footprints",
    "plot_land_use",
    "plot_layout",
    "plot_overlays",
    "plot_per_capita",
    "plot_quota_sources",
    "plot_requested_granted",
    "plot_stage_funnel",
    "plot_trends",
    "show_figures",
]
