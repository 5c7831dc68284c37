"""What-if re-planning of topsoil plans (pure; the topsoil widget of
:mod:`landsim.widgets` maps its sliders onto :func:`what_if`)."""

from __future__ import annotations

from dataclasses import replace

from landsim.topsoil.inputs import TopsoilInputs
from landsim.topsoil.model import TopsoilModel, TopsoilResult
from landsim.topsoil.params import TopsoilParams
from landsim.units import ha_to_m2

__all__ = ["what_if"]


def what_if(inputs: TopsoilInputs, depth_m: float | None = None,
            haul_cost_yuan_per_m3_km: float | None = None, capacity_factor: float = 1.0,
            params: TopsoilParams | None = None) -> TopsoilResult:
    """Re-plan with one stripping depth for every source [m], another haul cost
    [yuan/(m3 km)] and stockpile capacities scaled by ``capacity_factor`` [ratio].

    ``None`` keeps the sources' own depths and the haul cost of ``params`` (default
    :class:`~landsim.topsoil.params.TopsoilParams`).
    """
    params = params or TopsoilParams()
    if haul_cost_yuan_per_m3_km is not None:
        params = params.with_overrides(haul_cost_yuan_per_m3_km=haul_cost_yuan_per_m3_km)
    sources = inputs.sources.copy()
    if depth_m is not None:
        sources["depth_m"] = depth_m
        sources["volume_m3"] = ha_to_m2(sources["area_ha"]) * depth_m
    stockpiles = inputs.stockpiles.copy()
    stockpiles["capacity_m3"] = stockpiles["capacity_m3"] * capacity_factor
    changed = replace(inputs, sources=sources, stockpiles=stockpiles)
    return TopsoilModel.from_inputs(changed, params).solve()
