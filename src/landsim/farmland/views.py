"""Pure views of the PBF layout (what the farmland widget of :mod:`landsim.widgets`
shows); every keyword argument is a control of the widget."""

from __future__ import annotations

import pandas as pd

from landsim.farmland.layout import optimize_layout
from landsim.farmland.model import LayoutOptions
from landsim.units import mu_to_ha

__all__ = ["layout_view"]


def layout_view(parcels: pd.DataFrame, edges: pd.DataFrame | None, target_mu: float,
                boundary_weight: float = LayoutOptions.boundary_weight,
                compensation_rule: bool = LayoutOptions.compensation_rule,
                quality_rule: bool = LayoutOptions.quality_rule,
                township: str | None = None) -> pd.DataFrame:
    """The 数量/质量/生态 checks of the optimal layout for a target in mu [亩].

    Solves :class:`~landsim.farmland.FarmlandLayoutModel` on the whole county (the
    default solver and gap of :mod:`landsim.optimize`) and returns the checks table; with
    ``township`` the table is that township's row of the before/after statistics instead.
    The rule switches and the boundary weight default to those of
    :class:`~landsim.farmland.model.LayoutOptions`. The layout and the solver status are
    in ``table.attrs["layout"]`` and ``table.attrs["status"]``.
    """
    result, metrics = optimize_layout(parcels, edges, target_ha=mu_to_ha(target_mu),
                                      boundary_weight=boundary_weight,
                                      compensation_rule=compensation_rule,
                                      quality_rule=quality_rule)
    table = (metrics.checks.copy() if township is None
             else metrics.by_township.loc[[township]].copy())
    table.attrs["layout"] = result.layout
    table.attrs["status"] = result.status
    return table
