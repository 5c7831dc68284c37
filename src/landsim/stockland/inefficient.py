"""Inefficient land (城镇低效用地): per-mu performance (亩均效益), identification, redevelopment plan.

1. :func:`performance_units` gathers the evaluated units: enterprises on industrial contracts
   that have started production and stock plots with their own performance figures.
2. :func:`evaluate_performance` scores the units whose land use is evaluated (default
   industrial only): each indicator (tax, value added and output per mu, investment
   intensity, plot ratio, building coefficient) is divided by the pooled county benchmark of
   the unit's land use (default; or of all evaluated units) and capped; the score is 100 x
   the weighted mean; classes A/B/C/D by the thresholds of
   :class:`~landsim.stockland.params.PerformanceRules`. Other units are ``not_evaluated``.
3. :func:`identify_inefficient` applies the county's own standard (因地制宜,
   :class:`~landsim.stockland.params.InefficientStandard`) and names every criterion met.
4. :func:`redevelopment_plan` tracks disposal/redevelopment of stock plots per year, and
   :func:`plot_disposal_series` turns what is still to do into the quota engine's plan.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landsim.errors import InputError
from landsim.schema import STOCK_PLOTS
from landsim.stockland._common import DateLike, Records, as_timestamp, contract_records, mu
from landsim.stockland.inventory import PLAN_COLUMNS
from landsim.stockland.params import InefficientStandard, PerformanceRules, StockPolicy
from landsim.units import M2_PER_HA, MU_PER_HA

__all__ = [
    "INDICATORS",
    "NOT_EVALUATED",
    "check_plots",
    "classify",
    "evaluate_performance",
    "identify_inefficient",
    "performance_units",
    "plan_by_year",
    "plot_disposal_series",
    "redevelopment_plan",
]

INDICATORS = ("tax_per_mu_wan_yuan", "value_added_per_mu_wan_yuan", "output_per_mu_wan_yuan",
              "investment_intensity_wan_yuan_per_ha", "plot_ratio", "building_coefficient")
"""Per-mu performance indicators, in the order of the weights. [万元/亩, 万元/ha, ratio]"""

NOT_EVALUATED = "not_evaluated"
"""``perf_class`` of a unit whose land use is not in ``PerformanceRules.evaluated_uses``."""

_UNIT_COLUMNS = ("unit_id", "kind", "plot_id", "contract_id", "enterprise", "township",
                 "land_use", "industry_code", "area_ha", "annual_output_wan_yuan",
                 "annual_value_added_wan_yuan", "annual_tax_wan_yuan", "investment_wan_yuan",
                 "floor_area_m2", "building_footprint_m2")


def check_plots(plots: pd.DataFrame, source: str | None = None, *, row_word: str = "row",
                row_offset: int = 1) -> pd.DataFrame:
    """Validate stock plots (schema, disposal and plan years not before identification)."""
    rec = Records(plots, STOCK_PLOTS, source, row_word=row_word, row_offset=row_offset)
    f = rec.frame
    for col in ("planned_disposal_year", "disposed_year"):
        bad = (f[col].notna() & (f[col] < f["identified_year"])).astype(bool)
        if bad.any():
            raise rec.fail(col, bad, f"{col} before identified_year (years in the wrong order)",
                           f"give a {col} on or after identified_year, or leave it empty")
    return f


def performance_units(contracts: pd.DataFrame | None, plots: pd.DataFrame | None,
                      as_of: DateLike) -> pd.DataFrame:
    """Units evaluated for per-mu performance at ``as_of``.

    Contracts count when development started by ``as_of`` and they report output; plots
    count when they carry their own output figure and no contract (a plot on a contract is
    evaluated as that contract). Plots disposed by the as-of year are left out.
    """
    day = as_timestamp(as_of)
    parts = []
    if contracts is not None:
        c = contract_records(contracts).frame
        live = (c["actual_start_date"].notna() & (c["actual_start_date"] <= day)
                & (c["annual_output_wan_yuan"] > 0))
        c = c[live]
        parts.append(pd.DataFrame({
            "unit_id": c["contract_id"], "kind": "contract", "plot_id": None,
            "contract_id": c["contract_id"], "enterprise": c["enterprise"],
            "township": c["township"], "land_use": "industrial",
            "industry_code": c["industry_code"].astype("Int64"), "area_ha": c["area_ha"],
            "annual_output_wan_yuan": c["annual_output_wan_yuan"],
            "annual_value_added_wan_yuan": c["annual_value_added_wan_yuan"],
            "annual_tax_wan_yuan": c["annual_tax_wan_yuan"],
            "investment_wan_yuan": c["invested_wan_yuan"],
            "floor_area_m2": c["floor_area_m2"],
            "building_footprint_m2": c["building_footprint_m2"]}))
    if plots is not None:
        p = check_plots(plots)
        keep = (p["contract_id"].isna() & p["annual_output_wan_yuan"].notna()
                & ~(p["disposed_year"].notna() & (p["disposed_year"] <= day.year)).astype(bool))
        p = p[keep]
        parts.append(pd.DataFrame({
            "unit_id": p["plot_id"], "kind": "plot", "plot_id": p["plot_id"],
            "contract_id": None, "enterprise": None, "township": p["township"],
            "land_use": p["land_use"], "industry_code": pd.array([pd.NA] * len(p),
                                                                  dtype="Int64"),
            "area_ha": p["area_ha"],
            **{col: p[col] for col in _UNIT_COLUMNS[9:]}}))
    if not parts:
        msg = "performance_units: give contracts, plots or both"
        raise InputError(msg)
    parts = [x for x in parts if len(x)]
    if not parts:
        return pd.DataFrame(columns=list(_UNIT_COLUMNS))
    out = pd.concat(parts, ignore_index=True)[list(_UNIT_COLUMNS)]
    missing = out[list(_UNIT_COLUMNS[9:])].isna().any(axis=1)
    if missing.any():
        ids = ", ".join(out.loc[missing, "unit_id"].astype(str).head(5))
        msg = (f"performance_units: unit(s) {ids} lack performance figures "
               "(output, value added, tax, investment, floor area, footprint). Fix: fill "
               "them, or leave annual_output_wan_yuan empty to skip the plot")
        raise InputError(msg)
    return out


def _indicators(units: pd.DataFrame) -> pd.DataFrame:
    area_mu = units["area_ha"] * MU_PER_HA
    area_m2 = units["area_ha"] * M2_PER_HA
    return pd.DataFrame({
        "tax_per_mu_wan_yuan": units["annual_tax_wan_yuan"] / area_mu,
        "value_added_per_mu_wan_yuan": units["annual_value_added_wan_yuan"] / area_mu,
        "output_per_mu_wan_yuan": units["annual_output_wan_yuan"] / area_mu,
        "investment_intensity_wan_yuan_per_ha": units["investment_wan_yuan"]
        / units["area_ha"],
        "plot_ratio": units["floor_area_m2"] / area_m2,
        "building_coefficient": units["building_footprint_m2"] / area_m2,
    }, index=units.index)


def classify(score: pd.Series | np.ndarray | float, rules: PerformanceRules | None = None
             ) -> np.ndarray:
    """Class A/B/C/D of a score; a score exactly at a threshold gets the higher class.

    >>> classify(np.array([120.0, 119.9, 90.0, 60.0, 59.9])).tolist()
    ['A', 'B', 'B', 'C', 'D']
    """
    rules = PerformanceRules() if rules is None else rules
    s = np.asarray(score, dtype=float)
    return np.select([s >= rules.class_a_min, s >= rules.class_b_min, s >= rules.class_c_min],
                     ["A", "B", "C"], "D").astype(object)


def evaluate_performance(units: pd.DataFrame, rules: PerformanceRules | None = None
                         ) -> pd.DataFrame:
    """Per-mu performance score and class of each unit.

    Only units whose ``land_use`` is in ``rules.evaluated_uses`` are scored (default:
    industrial). Benchmarks are pooled values (total tax / total mu, total floor area /
    total area, ...) over the scored units of the same land use (``benchmark_by_use``, the
    default) or over all scored units, so the weights apply to comparable ratios.

    Returns
    -------
    pandas.DataFrame
        ``units`` plus area_mu, the :data:`INDICATORS`, ``score`` [points, 100 = at every
        benchmark; NaN when not scored], ``benchmark_group`` (the land use(s) the unit was
        compared with), ``perf_class`` (A-D, or :data:`NOT_EVALUATED`) and ``class_rule``
        (the score and the threshold that decided the class, or why it was not scored).

    >>> u = pd.DataFrame({"unit_id": ["a", "b", "p"], "land_use": ["industrial"] * 2
    ...                   + ["public"], "area_ha": [1.0] * 3,
    ...                   "annual_output_wan_yuan": [1.0] * 3,
    ...                   "annual_value_added_wan_yuan": [1.0] * 3,
    ...                   "annual_tax_wan_yuan": [3.0, 1.0, 0.0], "investment_wan_yuan": [1.0] * 3,
    ...                   "floor_area_m2": [1.0] * 3, "building_footprint_m2": [1.0] * 3})
    >>> evaluate_performance(u)[["score", "perf_class"]].round(1).values.tolist()
    [[117.5, 'B'], [82.5, 'C'], [nan, 'not_evaluated']]
    """
    rules = PerformanceRules() if rules is None else rules
    if units.empty:
        return units.assign(area_mu=[], score=[], benchmark_group=[], perf_class=[],
                            class_rule=[])
    ind = _indicators(units)
    scored = units["land_use"].isin(rules.uses()).to_numpy()
    groups = (units["land_use"] if rules.benchmark_by_use
              else pd.Series(", ".join(sorted(rules.uses())), index=units.index))
    groups = groups.where(scored, "")
    weights = rules.weights()
    total_w = sum(weights.values())
    score = pd.Series(np.nan, index=units.index)
    for group in sorted(set(groups[scored])):
        members = (groups == group).to_numpy()
        pooled = _indicators(pd.DataFrame([units.loc[members, list(_UNIT_COLUMNS[8:])].sum()]))
        part = pd.Series(0.0, index=units.index[members])
        for name, w in weights.items():
            bench = float(pooled[name].iloc[0])
            ratio = (ind.loc[members, name] / bench if bench > 0
                     else pd.Series(1.0, index=part.index))
            part += w * ratio.clip(upper=rules.score_cap)
        score[members] = 100 * part / total_w
    out = units.copy()
    out.insert(out.columns.get_loc("area_ha") + 1, "area_mu", mu(units["area_ha"]))
    for name in INDICATORS:
        out[name] = ind[name]
    out["score"] = score
    out["benchmark_group"] = groups
    out["perf_class"] = np.where(scored, classify(score, rules), NOT_EVALUATED)
    bounds = {"A": f">= {rules.class_a_min:g}",
              "B": f"{rules.class_b_min:g} <= score < {rules.class_a_min:g}",
              "C": f"{rules.class_c_min:g} <= score < {rules.class_b_min:g}",
              "D": f"< {rules.class_c_min:g}"}
    out["class_rule"] = [
        f"score {s:.1f} against the {g} benchmark: class {c} ({bounds[c]})" if c in bounds
        else f"not evaluated: land use {u!r} is not in evaluated_uses "
             f"{rules.evaluated_uses!r}"
        for s, g, c, u in zip(out["score"], out["benchmark_group"], out["perf_class"],
                              out["land_use"], strict=True)]
    return out


def identify_inefficient(evaluated: pd.DataFrame, standard: InefficientStandard | None = None,
                         policy: StockPolicy | None = None) -> pd.DataFrame:
    """Apply the county's inefficient-land standard to evaluated units.

    Units not scored by the 亩均 evaluation (``perf_class`` :data:`NOT_EVALUATED`, e.g.
    public-service land by default) meet no criterion.

    Returns
    -------
    pandas.DataFrame
        ``evaluated`` plus ``inefficient`` (bool) and ``criteria`` (every criterion met,
        with its numbers; '' when none).
    """
    policy = StockPolicy() if policy is None else policy
    std = policy.inefficient if standard is None else standard
    hits: list[list[str]] = [[] for _ in range(len(evaluated))]
    for i, r in enumerate(evaluated.itertuples(index=False)):
        if r.perf_class == NOT_EVALUATED:
            continue
        if r.perf_class in std.classes:
            hits[i].append(f"class {r.perf_class} in '{std.classes}'")
        if std.tax_per_mu_min > 0 and r.tax_per_mu_wan_yuan < std.tax_per_mu_min:
            hits[i].append(f"tax {r.tax_per_mu_wan_yuan:.3g} < {std.tax_per_mu_min:g} 万元/亩")
        if std.plot_ratio_min > 0 and r.plot_ratio < std.plot_ratio_min:
            hits[i].append(f"plot ratio {r.plot_ratio:.3g} < {std.plot_ratio_min:g}")
        industrial = r.land_use == "industrial"
        if industrial and std.use_industry_plot_ratio and not pd.isna(r.industry_code):
            floor = policy.min_plot_ratio(int(r.industry_code))
            if floor is not None and r.plot_ratio < floor:
                hits[i].append(f"plot ratio {r.plot_ratio:.3g} < industry {int(r.industry_code)}"
                               f" minimum {floor:g}")
        if (industrial and std.building_coefficient_min > 0
                and r.building_coefficient < std.building_coefficient_min):
            hits[i].append(f"building coefficient {r.building_coefficient:.3g} < "
                           f"{std.building_coefficient_min:g}")
    out = evaluated.copy()
    out["inefficient"] = [bool(h) for h in hits]
    out["criteria"] = ["; ".join(h) for h in hits]
    return out


def redevelopment_plan(plots: pd.DataFrame, as_of_year: int, *, source: str | None = None,
                       row_word: str = "row", row_offset: int = 1) -> pd.DataFrame:
    """Disposal/redevelopment status of every stock plot at the end of ``as_of_year``.

    Status: ``done`` (accepted by the as-of year), ``due`` (planned this year), ``planned``
    (later), ``overdue`` (planned earlier, not accepted) or ``unplanned``. Plots identified
    after the as-of year are left out.
    """
    year = int(as_of_year)
    p = check_plots(plots, source, row_word=row_word, row_offset=row_offset)
    p = p[p["identified_year"] <= year]
    planned, done_year = p["planned_disposal_year"], p["disposed_year"]
    done = (done_year.notna() & (done_year <= year)).astype(bool).to_numpy()
    status = np.select([done, planned.isna().to_numpy(),
                        (planned > year).fillna(False).to_numpy(dtype=bool),
                        (planned == year).fillna(False).to_numpy(dtype=bool)],
                       ["done", "unplanned", "planned", "due"], "overdue")
    out = pd.DataFrame({
        "plot_id": p["plot_id"], "category": p["category"], "township": p["township"],
        "land_use": p["land_use"], "contract_id": p["contract_id"], "area_ha": p["area_ha"],
        "area_mu": mu(p["area_ha"]), "identified_year": p["identified_year"],
        "planned_disposal_year": planned,
        "disposed_year": done_year.where(pd.Series(done, index=p.index)),
        "status": status})
    out["rule"] = [
        f"{s}: identified {iy}" + ("" if pd.isna(py) else f", planned {int(py)}")
        + ("" if pd.isna(dy) else f", accepted {int(dy)}") + f", as of {year}"
        for s, iy, py, dy in zip(out["status"], out["identified_year"],
                                 out["planned_disposal_year"], out["disposed_year"],
                                 strict=True)]
    return out.sort_values(["category", "plot_id"], kind="stable").reset_index(drop=True)


def plan_by_year(plan: pd.DataFrame) -> pd.DataFrame:
    """Planned and accepted (done) area per year and category [ha]."""
    planned = plan.dropna(subset=["planned_disposal_year"]).groupby(
        ["planned_disposal_year", "category"])["area_ha"].sum().rename("planned_ha")
    done = plan.dropna(subset=["disposed_year"]).groupby(
        ["disposed_year", "category"])["area_ha"].sum().rename("done_ha")
    planned.index = planned.index.set_names(["year", "category"])
    done.index = done.index.set_names(["year", "category"])
    out = pd.concat([planned, done], axis=1).fillna(0.0).sort_index().reset_index()
    out["year"] = out["year"].astype("int64")
    out["planned_mu"] = mu(out["planned_ha"])
    out["done_mu"] = mu(out["done_ha"])
    return out


def plot_disposal_series(plan: pd.DataFrame, as_of_year: int) -> pd.DataFrame:
    """Yearly idle/inefficient disposal still to do, in the quota engine's plan format.

    Plots planned after ``as_of_year`` go to their planned year; due and overdue plots to the
    first year after it; done and unplanned plots are left out. When ``plan`` carries the
    inventory's ``stock_category`` (as :func:`landsim.stockland.assess.assess_stock` adds
    it), only stock land is planned, under its stock category: a plot recorded idle whose
    contract is not idle under Order No. 53 is not idle stock to dispose. [ha/year]
    """
    year = int(as_of_year)
    todo = plan[plan["status"].isin(["planned", "due", "overdue"])]
    if "stock_category" in todo.columns:
        todo = todo[todo["stock_category"] != ""].assign(category=todo["stock_category"])
    years = np.maximum(todo["planned_disposal_year"].astype("int64").to_numpy(), year + 1)
    out = pd.DataFrame({"year": years, "township": todo["township"].to_numpy(),
                        "category": todo["category"].to_numpy(),
                        "area_ha": todo["area_ha"].to_numpy(dtype=float)},
                       columns=list(PLAN_COLUMNS))
    out = out.groupby(["year", "township", "category"], as_index=False)["area_ha"].sum()
    return out.astype({"year": "int64", "area_ha": "float64"})
