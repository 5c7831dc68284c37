"""Industrial dual-contract supervision (双合同): land-transfer contract + output supervision.

:func:`check_contracts` evaluates each contract at three stages once their dates pass:

- ``start`` (agreed start date): actual start on time;
- ``completion`` (agreed completion date): completion on time, investment intensity
  (invested / area >= the agreed intensity and the optional minimum) [万元/ha], plot ratio
  (floor area / land area, storeys above 8 m counted twice in the floor area, >= the agreed
  ratio and the industry minimum of the 2008 control indicators), building coefficient
  (>= 30 %), admin/living facilities share of the land area (<= 7 % on every contract), on
  densified stock industrial land also their share of the floor area (county plan 三(六),
  <= ``admin_floor_share_max_densified``) and green ratio (<= 20 %);
- ``output_check`` (agreed output check date): output and tax per mu >= the agreed values.

The 三(六) floor-area share needs the admin/living floor area, which the
``industrial_contracts`` schema does not carry: it is read from an optional column
:data:`ADMIN_FLOOR_COLUMN` when the table has it; otherwise (or when the contract has no
floor area yet) the row is ``not_checked``, never a breach. The supervision contract's
environmental terms (:data:`ENVIRONMENT_TERMS`: energy use per 万元 of output, pollutant
discharge) are checked at the output check where the contract gives them (optional column
pairs agreed / actual); a contract without such a term gets no row for it, and a term
without the actual figure is ``not_checked``.

Values are the latest recorded (the record is read as the state at the check). Each row
names the stage, the check date, the requirement and its source, the actual value, the size
of a breach (absolute and relative) and a suggested contractual action.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landsim.stockland._common import DateLike, as_timestamp, contract_records, fmt_date
from landsim.stockland.params import StockPolicy
from landsim.units import M2_PER_HA, MU_PER_HA

__all__ = ["ACTIONS", "ADMIN_FLOOR_COLUMN", "CHECK_COLUMNS", "ENVIRONMENT_TERMS",
           "check_contracts", "contract_summary"]

ADMIN_FLOOR_COLUMN = "admin_floor_area_m2"
"""Optional contract column: floor area of the admin/living facilities [m2], used by the
county plan 三(六) check on densified stock industrial land."""

ENVIRONMENT_TERMS = (
    ("energy_tce_per_wan_yuan", "agreed_energy_tce_per_wan_yuan", "tce/万元",
     "supervision contract environmental term: energy use per 万元 of output"),
    ("emission_t_per_year", "agreed_emission_t_per_year", "t/year",
     "supervision contract environmental term: pollutant discharge (排污总量)"),
)
"""Environmental terms checked as ceilings: (actual column = indicator, agreed column,
unit, rule text)."""

CHECK_COLUMNS = (
    "contract_id", "enterprise", "township", "industry_code", "stage", "check_date",
    "indicator", "unit", "bound", "required", "actual", "result", "breach_size",
    "breach_share", "rule", "action",
)
"""Columns of :func:`check_contracts`. ``bound`` is ``min`` or ``max``; ``result`` is
``breach``, ``ok``, ``not_due`` or ``not_checked`` (due, but the table lacks the figures;
the rule says which); ``breach_size`` is how far the actual value misses the
requirement, in ``unit``; ``breach_share`` that size / required."""

ACTIONS = {
    "start_delay_days": "start-delay liquidated damages under the transfer contract (违约金); "
                        "idle-land procedure once one year late (Order No. 53)",
    "completion_delay_days": "completion-delay liquidated damages (违约金); set a "
                             "rectification deadline",
    "investment_intensity_wan_yuan_per_ha": "rectify: invest the shortfall by a deadline, "
                                            "else damages or recovery of the unused land",
    "plot_ratio": "rectify: build to the required plot ratio, else damages per the contract",
    "energy_tce_per_wan_yuan": "rectify energy use by a deadline (节能改造), else the "
                               "contract's damages or exit",
    "emission_t_per_year": "report to the ecology-environment bureau; rectify discharge by a "
                           "deadline, else the contract's damages or exit",
    "building_coefficient": "rectify: build to the required building coefficient, else "
                            "damages per the contract",
    "admin_share": "remove or convert the excess admin/living facilities (no residential "
                   "use); damages per the contract",
    "admin_floor_share": "convert the excess admin/living floor area to production use "
                         "(no residential use); damages per the contract",
    "green_ratio": "convert the excess green space to production use",
    "output_per_mu_wan_yuan": "supervision contract: damages on the output shortfall, no "
                              "preferential policies; consider exit (退出) if it persists",
    "tax_per_mu_wan_yuan": "supervision contract: damages on the tax shortfall, no "
                           "preferential policies; consider exit (退出) if it persists",
}
"""Suggested contractual action per indicator (the county's contract fixes the amounts)."""


def check_contracts(contracts: pd.DataFrame, as_of: DateLike, policy: StockPolicy | None = None,
                    *, source: str | None = None, row_word: str = "row",
                    row_offset: int = 1) -> pd.DataFrame:
    """Compliance of every contract at each stage reached by ``as_of``.

    Parameters
    ----------
    contracts : pandas.DataFrame
        Industrial contracts (schema ``industrial_contracts``).
    as_of : str or date
        Assessment date ``YYYY-MM-DD``; stages whose date is later are ``not_due``.
    policy : StockPolicy, optional
        ``policy.contracts`` (control indicators) and ``policy.industry_plot_ratio``.

    Returns
    -------
    pandas.DataFrame
        One row per (contract, indicator), columns :data:`CHECK_COLUMNS`.

    Raises
    ------
    InputError
        Bad records (dates in the wrong order, developed share above 1, ...).
    """
    policy = StockPolicy() if policy is None else policy
    rules = policy.contracts
    day = as_timestamp(as_of)
    f = contract_records(contracts, source, row_word=row_word, row_offset=row_offset).frame
    admin_floor = _optional_number(f, ADMIN_FLOOR_COLUMN)
    terms = {col: _optional_number(f, col) for actual, agreed, *_ in ENVIRONMENT_TERMS
             for col in (actual, agreed)}
    rows = []
    for j, (r, admin_floor_m2) in enumerate(zip(f.itertuples(index=False), admin_floor,
                                                 strict=True)):
        area_m2 = r.area_ha * M2_PER_HA
        area_mu = r.area_ha * MU_PER_HA
        base = (r.contract_id, r.enterprise, r.township, int(r.industry_code))

        def add(stage: str, when: pd.Timestamp, indicator: str, unit: str, bound: str,
                required: float, actual: float, rule: str, base: tuple = base) -> None:
            due = not pd.isna(when) and day >= when
            if not due or pd.isna(required):
                result, size = "not_due", np.nan
            elif pd.isna(actual):
                result, size = "not_checked", np.nan
            else:
                size = (required - actual) if bound == "min" else (actual - required)
                result = "breach" if size > 1e-9 else "ok"
                size = max(size, 0.0)
            share = size / required if required and not pd.isna(size) else np.nan
            rows.append((*base, stage, fmt_date(when), indicator, unit, bound, required,
                         actual, result, size, share, rule,
                         ACTIONS[indicator] if result == "breach" else ""))

        # start and completion: days late (counted to the as-of date while not done)
        for stage, agreed, actual, grace, verb, missing in (
                ("start", r.agreed_start_date, r.actual_start_date, rules.start_grace_days,
                 "start", "not started"),
                ("completion", r.agreed_completion_date, r.actual_completion_date,
                 rules.completion_grace_days, "complete", "not completed")):
            done = actual if not pd.isna(actual) and actual <= day else pd.NaT
            late = ((done if not pd.isna(done) else day) - agreed).days
            add(stage, agreed + pd.Timedelta(days=grace), f"{stage}_delay_days", "day", "max",
                float(grace), float(max(late, 0)),
                f"{verb} by {fmt_date(agreed)} (+{grace} days grace); actual "
                f"{fmt_date(done) or missing}")
        when = r.agreed_completion_date
        agreed_int = r.agreed_investment_wan_yuan / r.area_ha
        need_int = max(agreed_int, rules.investment_intensity_min_wan_yuan_per_ha)
        add("completion", when, "investment_intensity_wan_yuan_per_ha", "万元/ha", "min",
            need_int, r.invested_wan_yuan / r.area_ha,
            f"agreed {agreed_int:.1f} 万元/ha"
            + (f", minimum {rules.investment_intensity_min_wan_yuan_per_ha:g}"
               if rules.investment_intensity_min_wan_yuan_per_ha > 0 else ""))
        industry = policy.min_plot_ratio(int(r.industry_code)) \
            if rules.use_industry_plot_ratio else None
        need_pr = max(r.agreed_plot_ratio, industry or 0.0)
        add("completion", when, "plot_ratio", "ratio", "min", need_pr,
            r.floor_area_m2 / area_m2,
            f"agreed {r.agreed_plot_ratio:g}; industry {int(r.industry_code)} minimum "
            + (f"{industry:g} (2008 control indicators)" if industry is not None
               else "not in the table"))
        add("completion", when, "building_coefficient", "fraction", "min",
            rules.building_coefficient_min, r.building_footprint_m2 / area_m2,
            f"control indicators: >= {rules.building_coefficient_min:g}")
        add("completion", when, "admin_share", "fraction", "max", rules.admin_share_max,
            r.admin_area_m2 / area_m2,
            f"2004/2008 control indicators: admin/living land <= {rules.admin_share_max:g} of "
            "the land area")
        if r.densified_stock:
            why = ("" if not pd.isna(admin_floor_m2) and r.floor_area_m2 > 0
                   else f"; not checked: {ADMIN_FLOOR_COLUMN} not in the contract table"
                   if ADMIN_FLOOR_COLUMN not in f.columns
                   else f"; not checked: {ADMIN_FLOOR_COLUMN} empty"
                   if pd.isna(admin_floor_m2) else "; not checked: no floor area built")
            add("completion", when, "admin_floor_share", "fraction", "max",
                rules.admin_floor_share_max_densified,
                admin_floor_m2 / r.floor_area_m2 if not why else np.nan,
                f"county plan 三(六), densified stock industrial land: admin/living floor area "
                f"<= {rules.admin_floor_share_max_densified:g} of the floor area{why}")
        add("completion", when, "green_ratio", "fraction", "max", rules.green_ratio_max,
            r.green_area_m2 / area_m2, f"2008 control indicators: <= {rules.green_ratio_max:g}")
        check = r.agreed_output_check_date
        add("output_check", check, "output_per_mu_wan_yuan", "万元/亩", "min",
            r.agreed_output_per_mu_wan_yuan, r.annual_output_wan_yuan / area_mu,
            "supervision contract: agreed output per mu")
        add("output_check", check, "tax_per_mu_wan_yuan", "万元/亩", "min",
            r.agreed_tax_per_mu_wan_yuan, r.annual_tax_wan_yuan / area_mu,
            "supervision contract: agreed tax per mu")
        for actual, agreed, unit, rule in ENVIRONMENT_TERMS:
            limit = terms[agreed].iloc[j]
            if not pd.isna(limit):  # only the terms the contract gives
                add("output_check", check, actual, unit, "max", float(limit),
                    terms[actual].iloc[j], f"{rule} <= {limit:g} {unit}"
                    + ("" if not pd.isna(terms[actual].iloc[j])
                       else f"; not checked: {actual} empty or not in the table"))
    return pd.DataFrame(rows, columns=list(CHECK_COLUMNS))


def _optional_number(f: pd.DataFrame, column: str) -> pd.Series:
    """An optional numeric column (NaN when absent or empty).

    The contracts schema has already checked the values (numbers >= 0 or empty).
    """
    if column not in f.columns:
        return pd.Series(np.nan, index=f.index)
    return pd.to_numeric(f[column], errors="coerce")


def contract_summary(checks: pd.DataFrame) -> pd.DataFrame:
    """Per contract: checks due (and checked), breaches, and the breached indicators."""
    due = checks[checks["result"].isin(["ok", "breach"])]
    breaches = checks[checks["result"] == "breach"]
    out = pd.DataFrame(index=pd.Index(checks["contract_id"].unique(), name="contract_id"))
    out["checks_due"] = due.groupby("contract_id").size().reindex(out.index).fillna(0)
    out["breaches"] = breaches.groupby("contract_id").size().reindex(out.index).fillna(0)
    out["breached"] = breaches.groupby("contract_id")["indicator"].agg(", ".join) \
        .reindex(out.index).fillna("")
    return out.astype({"checks_due": "int64", "breaches": "int64"}).reset_index()
