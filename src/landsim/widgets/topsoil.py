"""Topsoil explorer: one stripping depth, the haul cost and stockpile capacity."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from landsim.topsoil.params import TopsoilParams
from landsim.topsoil.views import what_if
from landsim.widgets._controls import ControlSpec, explorer, field_range, sliders

if TYPE_CHECKING:
    import ipywidgets

    from landsim.topsoil.inputs import TopsoilInputs

__all__ = ["TOPSOIL_CONTROLS", "topsoil_explorer"]

TOPSOIL_CONTROLS: dict[str, ControlSpec] = {
    "depth_m": ("剥离厚度 depth m", *field_range(TopsoilParams, "depth_paddy_m", (0.10, 0.50)),
                0.05),
    "haul_cost_yuan_per_m3_km": ("运费 haul 元/m3·km",
                                 *field_range(TopsoilParams, "haul_cost_yuan_per_m3_km",
                                              (0.2, 5.0)), 0.1),
    "capacity_factor": ("堆场容量 capacity ×", 0.0, 3.0, 0.25),
}
"""Sliders of :func:`topsoil_explorer`, named after arguments of
:func:`~landsim.topsoil.views.what_if`."""


def topsoil_explorer(inputs: TopsoilInputs, params: TopsoilParams | None = None
                     ) -> ipywidgets.interactive:
    """Sliders for depth [m], haul cost [yuan/(m3 km)] and stockpile capacity factor
    [ratio] driving :func:`~landsim.topsoil.views.what_if`; ``.result`` is the cost split
    shown.

    The depth starts at ``params.depth_paddy_m`` (the typical plough layer), the haul
    cost at ``params.haul_cost_yuan_per_m3_km`` and the capacities unscaled.
    """
    params = params or TopsoilParams()
    start = {"depth_m": params.depth_paddy_m,
             "haul_cost_yuan_per_m3_km": params.haul_cost_yuan_per_m3_km,
             "capacity_factor": 1.0}

    def compute(**values: Any) -> Any:
        return what_if(inputs, params=params, **values).cost_split

    return explorer(compute, sliders(TOPSOIL_CONTROLS, start), shown=lambda t: [t.round(1)])
