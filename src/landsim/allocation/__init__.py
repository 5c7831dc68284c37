"""Where the quota lands: urban development boundary zones and year-by-year allocation.

The county plan divides the urban development boundary (城镇开发边界, UDB) into a
concentrated construction zone (城镇集中建设区, code 01), a flexible development zone
(城镇弹性发展区, 02) and a special-use zone (特别用途区, 03) (``shared/domain/policy-facts.md``
section 5). This package reads the zones as data and checks them
(:mod:`~landsim.allocation.zones`), and places each year's granted new construction land
of a quota run on concentrated-zone parcels by a transparent suitability score
(:mod:`~landsim.allocation.model`, parameters in :mod:`~landsim.allocation.params`).

Modules
-------
:mod:`landsim.allocation.params`
    :class:`AllocationParams`: suitability weights and scales, the flexible-zone swap switch.
:mod:`landsim.allocation.zones`
    Zone pieces from a parcel table or a polygon layer; the three checks (control lines
    do not overlap, flexible share, UDB expansion multiple).
:mod:`landsim.allocation.model`
    Suitability, the per-year LP (solved exactly by a sorted fill or by the shared
    solver layer), the flexible-zone swap, shortfall and zone consumption.
"""

from __future__ import annotations

from landsim.allocation.model import (
    ALLOCATION_COLUMNS,
    SHORTFALL_COLUMNS,
    AllocationResult,
    allocate,
    allocate_county,
    granted_from_annual,
    solve_year,
)
from landsim.allocation.params import AllocationParams
from landsim.allocation.zones import (
    ZONE_CODES,
    ZONE_NAMES,
    check_zones,
    zone_areas,
    zones_from_layer,
    zones_from_table,
)

__all__ = [
    "ALLOCATION_COLUMNS",
    "SHORTFALL_COLUMNS",
    "ZONE_CODES",
    "ZONE_NAMES",
    "AllocationParams",
    "AllocationResult",
    "allocate",
    "allocate_county",
    "check_zones",
    "granted_from_annual",
    "solve_year",
    "zone_areas",
    "zones_from_layer",
    "zones_from_table",
]
