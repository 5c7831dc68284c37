"""Solve the canonical PBF layout and compare before and after (one call for CLI and widgets)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from landsim.optimize.defaults import DEFAULT_GAP, DEFAULT_SOLVER, DEFAULT_TIME_LIMIT_S

__all__ = ["optimize_layout"]


def optimize_layout(parcels: pd.DataFrame, edges: pd.DataFrame | None, *,
                    solver: str = DEFAULT_SOLVER, time_limit: float | None = DEFAULT_TIME_LIMIT_S,
                    gap: float | None = DEFAULT_GAP, **options: Any) -> tuple[Any, Any]:
    """Solve the canonical layout model (design 5.2) and compare before and after.

    ``options`` are the keyword arguments of
    :meth:`~landsim.farmland.model.FarmlandLayoutModel.from_parcels`.

    Returns
    -------
    tuple
        The :class:`~landsim.farmland.model.LayoutResult` and the
        :class:`~landsim.farmland.metrics.LayoutMetrics`.
    """
    from landsim.farmland.metrics import compare_layouts
    from landsim.farmland.model import FarmlandLayoutModel

    model = FarmlandLayoutModel.from_parcels(parcels, edges, **options)
    result = model.solve(solver=solver, time_limit=time_limit, gap=gap)
    metrics = compare_layouts(parcels, result, edges, target_ha=result.target_ha)
    return result, metrics
