"""Two-links quota simulation (人地挂钩 + 增存挂钩), design 5.3.

Modules: :mod:`~landsim.quota.population` (settled migrants),
:mod:`~landsim.quota.stock` (stock land and supply rate), :mod:`~landsim.quota.engine`
(quota rules, caps, ledger) and :mod:`~landsim.quota.indicators` (plan indicators).
Arrays are shaped ``(draws, years, townships)`` throughout.
"""

from __future__ import annotations

from landsim.quota.engine import (
    ANNUAL_COLUMNS,
    QuotaDrivers,
    QuotaResult,
    annual_table,
    build_drivers,
    ledger,
    simulate_quota,
    tier_standard,
)
from landsim.quota.indicators import indicator_table
from landsim.quota.population import base_population, project_population, settled_migrants
from landsim.quota.stock import project_stock, stock_inventory, supply_rate

__all__ = [
    "ANNUAL_COLUMNS",
    "QuotaDrivers",
    "QuotaResult",
    "annual_table",
    "base_population",
    "build_drivers",
    "indicator_table",
    "ledger",
    "project_population",
    "project_stock",
    "settled_migrants",
    "simulate_quota",
    "stock_inventory",
    "supply_rate",
    "tier_standard",
]
