"""Topsoil explorer: one stripping depth, the haul cost and stockpile capacity."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from landsim.topsoil.params import TopsoilParams
from landsim.topsoil.views import what_if
from landsim.widgets._controls import SLIDER_WIDTH, ControlSpec, explorer, field_range, sliders

if TYPE_CHECKING:
    import ipywidgets

    from landsim.topsoil.inputs import TopsoilInputs

__all__ = ["TOPSOIL_CONTROLS", "topsoil_explorer"]

TOPSOIL_CONTROLS: dict[str, ControlSpec] = {
    "depth_m": ("统一剥离厚度 One stripping depth [m]",
                *field_range(TopsoilParams, "depth_paddy_m", (0.10, 0.50)), 0.05),
    "haul_cost_yuan_per_m3_km": ("运费 Haul cost [元/(m³·km)]",
                                 *field_range(TopsoilParams, "haul_cost_yuan_per_m3_km",
                                              (0.2, 5.0)), 0.1),
    "capacity_factor": ("存放区容量系数 Stockpile capacity [×]", 0.0, 3.0, 0.25),
}
"""Sliders of :func:`topsoil_explorer`, named after arguments of
:func:`~landsim.topsoil.views.what_if`."""


def topsoil_explorer(inputs: TopsoilInputs, params: TopsoilParams | None = None
                     ) -> ipywidgets.interactive:
    """Sliders for depth [m], haul cost [yuan/(m3 km)] and stockpile capacity factor
    [ratio] driving :func:`~landsim.topsoil.views.what_if`; ``.result`` is the cost split
    shown.

    It starts on the plan of the inputs as they are (each source's own depth: the
    one-depth box is off; the haul cost of ``params``; capacities unscaled), which is the
    plan the notebook shows above it. With the box on, every source is stripped to the
    depth slider's value (starting at ``params.depth_paddy_m``).
    """
    import ipywidgets as w

    params = params or TopsoilParams()
    start = {"depth_m": params.depth_paddy_m,
             "haul_cost_yuan_per_m3_km": params.haul_cost_yuan_per_m3_km,
             "capacity_factor": 1.0}
    controls: dict[str, Any] = {"uniform_depth": w.Checkbox(
        value=False, description="所有取土区用同一剥离厚度 One depth for every source",
        style={"description_width": "initial"}, layout=w.Layout(width=SLIDER_WIDTH))}
    controls |= sliders(TOPSOIL_CONTROLS, start)

    def compute(uniform_depth: bool, depth_m: float, **values: Any) -> Any:
        return what_if(inputs, params=params, depth_m=depth_m if uniform_depth else None,
                       **values).cost_split

    return explorer(compute, controls)
