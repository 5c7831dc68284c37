"""Stock land governance (存量土地治理): idle (闲置), approved-but-unsupplied (批而未供),
inefficient (低效, 亩均效益) land and industrial dual-contract supervision (双合同).

The stock itself (what is idle, unsupplied and inefficient at a date) is derived once, in
:mod:`landsim.stockland.inventory`; the quota engine, the assessment and the monitor read it.

Pure rule engines over DataFrames; every output row names the rule and the dates or
numbers that decided it. Parameters: :func:`load_stock_policy` (the packaged ``stockland.toml``).
Widgets live in :mod:`landsim.widgets` (not imported here).
"""

from landsim.stockland.assess import (
    OUTPUT_FILES,
    StockAssessment,
    assess_stock,
    write_assessment,
)
from landsim.stockland.contracts import check_contracts, contract_summary
from landsim.stockland.idle import assess_idle, idle_options
from landsim.stockland.inefficient import (
    classify,
    evaluate_performance,
    identify_inefficient,
    performance_units,
    plan_by_year,
    plot_disposal_series,
    redevelopment_plan,
)
from landsim.stockland.inventory import (
    PLAN_COLUMNS,
    StockInventory,
    build_inventory,
    county_inventory,
    supply_rate,
)
from landsim.stockland.params import (
    ContractRules,
    IdleRules,
    InefficientStandard,
    PerformanceRules,
    StockPolicy,
    UnsuppliedRules,
    load_stock_policy,
)
from landsim.stockland.unsupplied import (
    disposal_series,
    supply_rate_history,
    supply_rate_table,
    unsupplied_by_year,
    unsupplied_inventory,
)

__all__ = [
    "OUTPUT_FILES",
    "PLAN_COLUMNS",
    "ContractRules",
    "IdleRules",
    "InefficientStandard",
    "PerformanceRules",
    "StockAssessment",
    "StockInventory",
    "StockPolicy",
    "UnsuppliedRules",
    "assess_idle",
    "assess_stock",
    "build_inventory",
    "check_contracts",
    "classify",
    "contract_summary",
    "county_inventory",
    "disposal_series",
    "evaluate_performance",
    "identify_inefficient",
    "idle_options",
    "load_stock_policy",
    "performance_units",
    "plan_by_year",
    "plot_disposal_series",
    "redevelopment_plan",
    "supply_rate",
    "supply_rate_history",
    "supply_rate_table",
    "unsupplied_by_year",
    "unsupplied_inventory",
    "write_assessment",
]
