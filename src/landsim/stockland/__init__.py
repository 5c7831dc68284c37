"""Stock land governance (存量土地治理): idle (闲置), approved-but-unsupplied (批而未供),
inefficient (低效, 亩均效益) land and industrial dual-contract supervision (双合同).

Pure rule engines over DataFrames; every output row names the rule and the dates or
numbers that decided it. Parameters: :func:`load_stock_policy` (``data/policy/stockland.toml``).
Widgets live in :mod:`landsim.stockland.widgets` (not imported here).
"""

from landsim.stockland.assess import (
    OUTPUT_FILES,
    StockAssessment,
    assess_stock,
    assessed_inventory,
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
    "ContractRules",
    "IdleRules",
    "InefficientStandard",
    "PerformanceRules",
    "StockAssessment",
    "StockPolicy",
    "UnsuppliedRules",
    "assess_idle",
    "assess_stock",
    "assessed_inventory",
    "check_contracts",
    "classify",
    "contract_summary",
    "disposal_series",
    "evaluate_performance",
    "identify_inefficient",
    "idle_options",
    "load_stock_policy",
    "performance_units",
    "plan_by_year",
    "plot_disposal_series",
    "redevelopment_plan",
    "supply_rate_history",
    "supply_rate_table",
    "unsupplied_by_year",
    "unsupplied_inventory",
    "write_assessment",
]
