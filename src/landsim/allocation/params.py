"""Parameters of the spatial allocation: suitability weights, scales, the swap rule.

Every figure is declared once with :func:`landsim._params.param` (value, unit, source,
range). The weights are planning judgements, not policy figures: they are ``ASSUMED``
and meant to be changed (the notebook's weights widget maps onto them). The flexible-zone
cap and the UDB expansion multiple are the shared figures of :mod:`landsim.policy`.

>>> p = AllocationParams()
>>> p.flexible_zone_share_max, p.udb_expansion_multiple
(0.15, 1.3)
>>> p.replace({"slope_weight": 2.0}).slope_weight
2.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from landsim._params import Params, param, shared
from landsim.errors import InputError
from landsim.policy import CommonFigures

__all__ = ["AllocationParams", "METHODS"]

METHODS = ("greedy", "lp")
"""How each year's LP is solved: ``greedy`` (the exact sorted fill) or ``lp`` (the shared
solver layer, CBC or HiGHS)."""

_A = "ASSUMED (a planning judgement; change it)"


@dataclass(frozen=True)
class AllocationParams(Params):
    """Parameters of :func:`landsim.allocation.allocate`.

    Parameters
    ----------
    slope_weight : float
        Weight of the slope score ``1 - min(slope / slope_scale_deg, 1)``. [-]
    urban_distance_weight : float
        Weight of the nearness to existing urban land ``1 - min(d / distance_scale_m, 1)``. [-]
    road_distance_weight : float
        Weight of the nearness to roads (transport land, 三调 class 10xx). [-]
    adjacency_weight : float
        Weight of the share of a parcel's boundary shared with built-up land or land
        allocated in earlier years (compactness). [-]
    slope_scale_deg : float
        Slope at which the slope score reaches 0. [degree]
    distance_scale_m : float
        Distance at which a nearness score reaches 0. [m]
    flexible_swap : bool
        Apply the flexible-zone layout swap when the concentrated zone cannot take a
        year's quota (policy-facts s.5, RECALLED); else report the shortfall. [-]
    method : str
        ``greedy`` or ``lp`` (see :data:`METHODS`). [-]
    flexible_zone_share_max : float
        Flexible zone <= this share of the concentrated zone (checked). [fraction]
    udb_expansion_multiple : float
        UDB <= this multiple of the base year's urban construction land (checked). [factor]
    """

    section: ClassVar[str] = "allocation"

    slope_weight: float = param(1.0, "-", _A, "weight of the slope score", lo=0)
    urban_distance_weight: float = param(
        1.0, "-", _A, "weight of nearness to existing urban land", lo=0)
    road_distance_weight: float = param(0.5, "-", _A, "weight of nearness to roads", lo=0)
    adjacency_weight: float = param(
        1.0, "-", _A, "weight of the boundary shared with built or earlier-allocated land",
        lo=0)
    slope_scale_deg: float = param(
        20.0, "degree", "ASSUMED (steep sites are costly to build on)",
        "slope at which the slope score reaches 0", lo=0, hi=90)
    distance_scale_m: float = param(
        3000.0, "m", "ASSUMED (a county seat is a few km across)",
        "distance at which a nearness score reaches 0", lo=0)
    flexible_swap: bool = param(
        False, "-", "policy-facts s.5 (RECALLED: layout swap into the flexible zone keeping "
        "the concentrated total)", "use the flexible-zone swap rule when the concentrated "
        "zone is full")
    method: str = param("greedy", "-", "landsim", "solve each year by the exact sorted fill "
                        "(greedy) or the shared LP solver (lp)", choices=METHODS)
    flexible_zone_share_max: float = shared(CommonFigures, "flexible_zone_share_max")
    udb_expansion_multiple: float = shared(CommonFigures, "udb_expansion_multiple")

    def _check(self) -> None:
        for name in ("slope_scale_deg", "distance_scale_m"):
            if getattr(self, name) <= 0:
                msg = f"allocation.{name} must be > 0. Fix: give a positive value"
                raise InputError(msg)

    @property
    def weights(self) -> dict[str, float]:
        """The four suitability weights by name."""
        return {"slope": self.slope_weight, "urban": self.urban_distance_weight,
                "road": self.road_distance_weight, "adjacency": self.adjacency_weight}
