"""Area units. Hectares are the unit inside landsim; mu (亩) is for planners' tables.

>>> ha_to_mu(2.0)
30.0
>>> mu_to_ha(15)
1.0
>>> m2_to_ha(10_000)
1.0
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import pandas as pd

__all__ = ["MU_PER_HA", "M2_PER_HA", "M2_PER_KM2", "ha_to_mu", "mu_to_ha", "m2_to_ha",
           "ha_to_m2", "format_ha_mu"]

MU_PER_HA = 15.0
"""1 hectare = 15 mu (市亩 of 666.67 m2). [mu/ha]"""
M2_PER_HA = 10_000.0
"""[m2/ha]"""
M2_PER_KM2 = 1_000_000.0
"""[m2/km2]"""

Area = TypeVar("Area", float, np.ndarray, pd.Series)


def ha_to_mu(area_ha: Area) -> Area:
    """Convert hectares [ha] to mu [亩]."""
    return area_ha * MU_PER_HA


def mu_to_ha(area_mu: Area) -> Area:
    """Convert mu [亩] to hectares [ha]."""
    return area_mu / MU_PER_HA


def m2_to_ha(area_m2: Area) -> Area:
    """Convert square metres [m2] to hectares [ha]."""
    return area_m2 / M2_PER_HA


def ha_to_m2(area_ha: Area) -> Area:
    """Convert hectares [ha] to square metres [m2]."""
    return area_ha * M2_PER_HA


def format_ha_mu(area_ha: float) -> str:
    """Format an area for planners: ``'1,234.5 ha (18,517.5 mu)'``.

    >>> format_ha_mu(2.0)
    '2.0 ha (30.0 mu)'
    """
    return f"{area_ha:,.1f} ha ({ha_to_mu(area_ha):,.1f} mu)"
