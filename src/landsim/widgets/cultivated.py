"""New cultivated-land verification explorer: rule thresholds and the yield table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from landsim.cultivated.params import AcceptanceRules, CultivatedPolicy
from landsim.cultivated.views import verify_view
from landsim.widgets._controls import ControlSpec, explorer, field_range, sliders

if TYPE_CHECKING:
    import ipywidgets
    import pandas as pd

__all__ = ["CULTIVATED_CONTROLS", "verify_explorer"]

CULTIVATED_CONTROLS: dict[str, ControlSpec] = {
    "max_slope_deg": ("最大坡度 slope °", *field_range(AcceptanceRules, "max_slope_deg",
                                                    (5.0, 35.0)), 0.5),
    "min_soil_depth_cm": ("有效土层 soil cm", *field_range(AcceptanceRules, "min_soil_depth_cm",
                                                       (20.0, 100.0)), 5.0),
    "max_grade": ("最低等级 worst grade", *field_range(AcceptanceRules, "max_grade",
                                                   (1.0, 10.0)), 1.0),
    "yield_factor": ("标准产量 yield ×", 0.5, 1.5, 0.05),
}
"""Sliders of :func:`verify_explorer`, named after arguments of
:func:`~landsim.cultivated.views.verify_view`."""


def verify_explorer(projects: pd.DataFrame, policy: CultivatedPolicy | None = None
                    ) -> ipywidgets.interactive:
    """Sliders for the slope [degree], soil depth [cm] and grade limits and a factor on
    the yield table [ratio]; ``.result`` is :func:`~landsim.cultivated.views.verify_view`.

    Each slider starts at the parameter that declares it."""
    policy = policy or CultivatedPolicy()
    a = policy.acceptance
    start = {"max_slope_deg": a.max_slope_deg, "min_soil_depth_cm": a.min_soil_depth_cm,
             "max_grade": float(a.max_grade), "yield_factor": 1.0}

    def compute(**values: Any) -> Any:
        return verify_view(projects, policy, **values)

    def shown(table: Any) -> list[object]:
        if table.empty:
            return []
        ok = table["passed"]
        return [f"通过 passed {int(ok.sum())} / {len(table)}; credited capacity "
                f"{table['credit_capacity_kg'].sum():,.0f} kg", table.reset_index()]

    return explorer(compute, sliders(CULTIVATED_CONTROLS, start), shown=shown)
