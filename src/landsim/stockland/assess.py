"""Whole stock-land assessment of a county at an as-of date, and writing it to a folder.

The stock figures (idle, unsupplied and inefficient land, ``inventory.csv`` and the
``idle_ha``/``unsupplied_ha`` of the summary) are those of the one stock inventory
(:func:`landsim.stockland.inventory.build_inventory`), which the quota engine and the
monitor read too; the Order No. 53 engine decides what is idle.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

import landsim.stockland.inefficient as inefficient
from landsim.errors import InputError
from landsim.outputs import csv_writer, json_writer, write_outputs
from landsim.stockland._common import DateLike, as_timestamp
from landsim.stockland.contracts import check_contracts
from landsim.stockland.idle import assess_idle, idle_options
from landsim.stockland.inventory import PLAN_COLUMNS, StockInventory, county_inventory
from landsim.stockland.params import StockPolicy
from landsim.stockland.unsupplied import (
    disposal_series,
    supply_rate_table,
    unsupplied_by_year,
    unsupplied_inventory,
)
from landsim.units import MU_PER_HA

__all__ = ["OUTPUT_FILES", "StockAssessment", "assess_stock", "write_assessment"]

OUTPUT_FILES = ("idle.csv", "idle_options.csv", "unsupplied.csv", "unsupplied_by_year.csv",
                "supply_rate.csv", "inefficient.csv", "redevelopment.csv",
                "redevelopment_by_year.csv", "contracts.csv", "disposal_plan.csv",
                "inventory.csv", "summary.json")
"""Files :func:`write_assessment` writes."""


@dataclass(frozen=True)
class StockAssessment:
    """Tables of one assessment (see each function for columns). Areas [ha], money [万元].

    ``stock`` is the inventory every stock figure comes from; ``inventory`` is its
    :meth:`~landsim.stockland.inventory.StockInventory.by_township` table and
    ``redevelopment`` carries its ``stock_category`` and ``stock_rule`` per plot.
    """

    as_of: str
    idle: pd.DataFrame
    idle_options: pd.DataFrame
    unsupplied: pd.DataFrame
    unsupplied_by_year: pd.DataFrame
    supply_rate: pd.DataFrame
    inefficient: pd.DataFrame
    redevelopment: pd.DataFrame
    redevelopment_by_year: pd.DataFrame
    contracts: pd.DataFrame
    disposal_plan: pd.DataFrame
    inventory: pd.DataFrame
    stock: StockInventory
    supply_status: str = ""

    def summary(self) -> dict[str, Any]:
        """Headline figures (JSON-ready)."""
        idle = self.idle[self.idle["idle"] & ~self.idle["disposed"]]
        stock = self.stock.totals()
        county = self.supply_rate[self.supply_rate["level"] == "county"].iloc[0]
        ineff = self.inefficient
        checks = self.contracts
        breaches = checks[checks["result"] == "breach"]

        def r(x: float, n: int = 2) -> float:
            return round(float(x), n)

        return {
            "as_of": self.as_of,
            "idle_contracts": int(len(idle)),
            "idle_ha": r(stock["idle_ha"]),
            "idle_mu": r(stock["idle_ha"] * MU_PER_HA, 1),
            "idle_by_test": {k: int(v) for k, v in idle["test"].value_counts().sort_index()
                             .items()},
            "idle_government_caused": int((idle["cause"] == "government").sum()),
            "idle_fee_due_wan_yuan": r(idle["fee_wan_yuan"].sum()),
            "unpaid_recovery_eligible": int(idle["unpaid_recovery"].sum()),
            "unsupplied_ha": r(stock["unsupplied_ha"]),
            "unsupplied_mu": r(stock["unsupplied_ha"] * MU_PER_HA, 1),
            "unsupplied_overdue_batches": int((self.unsupplied["plan_status"] == "overdue")
                                              .sum()),
            "supply_rate_5y": r(county["supply_rate"], 4),
            "supply_rate_floor": r(county["floor"], 4),
            "supply_rate_meets_floor": bool(county["meets_floor"]),
            "supply_status": self.supply_status,
            "performance_units": int(len(ineff)),
            "performance_classes": {k: int(v) for k, v in ineff["perf_class"]
                                    .value_counts().sort_index().items()},
            "inefficient_units": int(ineff["inefficient"].sum()) if len(ineff) else 0,
            "inefficient_ha": r(ineff.loc[ineff["inefficient"], "area_ha"].sum())
            if len(ineff) else 0.0,
            "contract_checks_due": int(checks["result"].isin(["ok", "breach"]).sum()),
            "contract_breaches": int(len(breaches)),
            "contracts_in_breach": int(breaches["contract_id"].nunique()),
            "breaches_by_indicator": {k: int(v) for k, v in breaches["indicator"]
                                      .value_counts().sort_index().items()},
            "planned_disposal_ha_by_year": {
                str(k): r(v) for k, v in self.disposal_plan.groupby("year")["area_ha"].sum()
                .items()},
        }

    def headline_table(self) -> pd.DataFrame:
        """The headline figures of :meth:`summary` as a planner's table: item (Chinese and
        English), value, unit; one row per figure, breakdowns spelt out."""
        s = self.summary()
        floor_ok = "达到 meets" if s["supply_rate_meets_floor"] else "未达到 below"
        rows = [
            ("评估日期 Assessed as of", s["as_of"], ""),
            ("闲置土地合同 Idle contracts", s["idle_contracts"], "宗 contracts"),
            ("闲置土地 Idle land", s["idle_ha"], "ha"),
            ("闲置土地 Idle land", s["idle_mu"], "亩"),
            ("其中政府原因 of which government-caused", s["idle_government_caused"],
             "宗 contracts"),
            ("应缴闲置费 Idle fee due", s["idle_fee_due_wan_yuan"], "万元"),
            ("可无偿收回 Recoverable without compensation", s["unpaid_recovery_eligible"],
             "宗 contracts"),
            ("批而未供土地 Approved but unsupplied", s["unsupplied_ha"], "ha"),
            ("批而未供土地 Approved but unsupplied", s["unsupplied_mu"], "亩"),
            ("逾期未供批次 Overdue batches", s["unsupplied_overdue_batches"], "批 batches"),
            ("近五年平均供地率 Five-year supply rate", s["supply_rate_5y"], "fraction"),
            (f"供地率下限 Floor ({floor_ok})", s["supply_rate_floor"], "fraction"),
            ("亩均效益评价单位 Units evaluated", s["performance_units"], "个 units"),
            ("低效用地 Inefficient units", s["inefficient_units"], "个 units"),
            ("低效用地 Inefficient land", s["inefficient_ha"], "ha"),
            ("到期合同检查 Contract checks due", s["contract_checks_due"], "项 checks"),
            ("违约 Breaches", s["contract_breaches"], "项 breaches"),
            ("违约合同 Contracts in breach", s["contracts_in_breach"], "宗 contracts"),
        ]
        from landsim.presentation import label

        rows += [(f"闲置判定 Idle test: {label(test)}", n, "宗 contracts")
                 for test, n in s["idle_by_test"].items()]
        rows += [(f"亩均效益 Performance class {label(k)}", n, "个 units")
                 for k, n in s["performance_classes"].items()]
        return pd.DataFrame(rows, columns=["item", "value", "unit"])


def supply_status_note(batches: pd.DataFrame, as_of: str) -> str:
    """How the supply status of the batches relates to the assessment date.

    ``supplied_ha`` is the area supplied as recorded when the table was made, not at the
    as-of date. A table that holds approvals after the as-of year was recorded later, so a
    back-dated assessment shows today's supply of the older cohorts (a rate no lower than
    the one that applied then).
    """
    year = int(str(as_of)[:4])
    latest = int(batches["approval_year"].max()) if len(batches) else year
    if latest > year:
        return (f"back-dated: supply status as recorded (approvals up to {latest}), not as "
                f"of {as_of}; the {year} rate counts supply made after {as_of}")
    return f"supply status as recorded in the batches table (approvals up to {latest})"


def assess_stock(county: Any, as_of: DateLike, policy: StockPolicy | None = None, *,
                 valuation: dict[str, float] | None = None,
                 sources: dict[str, str] | None = None) -> StockAssessment:
    """Assess idle, unsupplied and inefficient land and the industrial contracts.

    Parameters
    ----------
    county : landsim.datasets.County
        Needs ``supply_batches``, ``stock_plots`` and ``industrial_contracts``.
    as_of : str or date
        Assessment date ``YYYY-MM-DD``; its year is the as-of year of the inventories.
    policy : StockPolicy, optional
        Default: :func:`~landsim.stockland.params.load_stock_policy` defaults.
    valuation : dict, optional
        contract_id -> compensation [万元] for compensated recovery of government-caused
        idle land.
    sources : dict, optional
        Table name -> file name used in error messages (rows are then named as CSV lines).
    """
    policy = StockPolicy() if policy is None else policy
    day = as_timestamp(as_of)
    for name in ("supply_batches", "stock_plots", "industrial_contracts"):
        if getattr(county, name, None) is None:
            msg = (f"county {getattr(county, 'source', '')!s}: the {name} table is missing. "
                   "Fix: add its CSV to the county folder (see data/sample_county/README.md)")
            raise InputError(msg)
    src = sources or {}
    where = {"row_word": "line", "row_offset": 2} if sources else {}
    contracts = county.industrial_contracts
    idle = assess_idle(contracts, day, policy.idle,
                       source=src.get("industrial_contracts"), **where)
    checks = check_contracts(contracts, day, policy,
                             source=src.get("industrial_contracts"), **where)
    unsupplied = unsupplied_inventory(county.supply_batches, day.year, policy.unsupplied,
                                      source=src.get("supply_batches"), **where)
    redevelopment = inefficient.redevelopment_plan(county.stock_plots, day.year,
                                       source=src.get("stock_plots"), **where)
    stock = county_inventory(county, day, policy.idle, idle=idle)  # from the register
    # an idle contract whose plot was disposed (accepted) by the date is no longer idle stock
    land = stock.land
    gone = set(land.loc[land["disposed"] & land["contract_id"].notna(), "contract_id"])
    idle = idle.assign(disposed=idle["idle"] & idle["contract_id"].isin(gone))
    decided = stock.land[stock.land["plot_id"] != ""].set_index("plot_id")
    redevelopment = redevelopment.assign(
        stock_category=redevelopment["plot_id"].map(decided["stock_category"]).fillna(""),
        stock_rule=redevelopment["plot_id"].map(decided["rule"]).fillna(""))
    units = inefficient.performance_units(contracts, county.stock_plots, day)
    ineff = inefficient.identify_inefficient(inefficient.evaluate_performance(units, policy.performance),
                                 policy=policy)
    plan = pd.concat([disposal_series(unsupplied, day.year),
                      inefficient.plot_disposal_series(redevelopment, day.year)], ignore_index=True)
    plan = plan.sort_values(["year", "category", "township"], kind="stable") \
        .reset_index(drop=True)[list(PLAN_COLUMNS)]
    return StockAssessment(
        as_of=day.strftime("%Y-%m-%d"), idle=idle,
        idle_options=idle_options(idle, policy.idle, valuation),
        unsupplied=unsupplied, unsupplied_by_year=unsupplied_by_year(unsupplied),
        supply_rate=supply_rate_table(county.supply_batches, day.year, policy.unsupplied),
        inefficient=ineff, redevelopment=redevelopment,
        redevelopment_by_year=inefficient.plan_by_year(redevelopment), contracts=checks,
        disposal_plan=plan, inventory=stock.by_township().reset_index(), stock=stock,
        supply_status=supply_status_note(county.supply_batches, day.date().isoformat()))


def write_assessment(result: StockAssessment, out_dir: str | os.PathLike[str], *,
                     inputs: Sequence[str | os.PathLike[str] | None] = ()) -> list[Path]:
    """Write every table as CSV (UTF-8) and ``summary.json``, all or nothing; return the paths.

    ``inputs`` are the files the assessment read: writing over one of them is refused.
    """
    writers = {name: (json_writer(result.summary()) if name == "summary.json"
                      else csv_writer(getattr(result, name.removesuffix(".csv"))))
               for name in OUTPUT_FILES}
    return write_outputs(out_dir, writers, inputs=[p for p in inputs if p is not None])
