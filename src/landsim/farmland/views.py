"""Pure views of the PBF layout (what the farmland widget of :mod:`landsim.widgets`
shows); every keyword argument is a control of the widget."""

from __future__ import annotations

import pandas as pd

from landsim.farmland.layout import plan_layout
from landsim.farmland.metrics import TOTAL_ROW
from landsim.farmland.model import LayoutOptions
from landsim.units import mu_to_ha

__all__ = ["CHECK_VIEW_COLUMNS", "layout_view"]

CHECK_VIEW_COLUMNS: tuple[str, ...] = ("criterion", "value", "limit", "unit", "passed")
"""Columns of the checks the view shows (indexed by rule)."""


def layout_view(parcels: pd.DataFrame, edges: pd.DataFrame | None, target_mu: float,
                boundary_weight: float = LayoutOptions.boundary_weight,
                what_if_no_105_rule: bool = False, what_if_no_quality_rule: bool = False,
                what_if_no_township_cap: bool = False,
                township: str | None = None) -> pd.DataFrame:
    """Every rule's check of the two-stage layout for a target in mu [亩].

    Runs :func:`~landsim.farmland.layout.plan_layout` on the whole county (correction,
    then optimisation with every rule on, the default solver and
    :data:`~landsim.farmland.layout.PLAN_GAP`) and returns the checks of the county, or
    of ``township``, indexed by rule. A rule is switched off only through a
    ``what_if_*`` argument, and a target below the current PBF area is a what-if too;
    ``table.attrs["what_if"]`` then names them ('' for a layout within the law). Also in
    ``table.attrs``: ``"checks"`` (the one-line verdict), ``"layout"``, ``"status"``,
    ``"adjustment"`` (stage b per township against the cap) and ``"patches_after"``.
    """
    plan = plan_layout(parcels, edges, target_ha=mu_to_ha(target_mu),
                       boundary_weight=boundary_weight,
                       what_if_no_105_rule=what_if_no_105_rule,
                       what_if_no_quality_rule=what_if_no_quality_rule,
                       what_if_no_township_cap=what_if_no_township_cap)
    scope = TOTAL_ROW if township is None else township
    checks = plan.checks
    table = checks.loc[checks["township"] == scope].set_index("rule")[
        list(CHECK_VIEW_COLUMNS)].copy()
    table.attrs["layout"] = plan.layout
    table.attrs["status"] = plan.result.status
    table.attrs["what_if"] = plan.what_if_text()
    table.attrs["checks"] = plan.checks_text()
    table.attrs["adjustment"] = plan.adjustment
    table.attrs["patches_after"] = plan.metrics.patches_after
    return table
