"""Per-mu performance, inefficient-land standard and the redevelopment plan (hand-computed)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from landsim import InputError
from landsim.stockland import (
    InefficientStandard,
    PerformanceRules,
    classify,
    evaluate_performance,
    identify_inefficient,
    plan_by_year,
    plot_disposal_series,
    redevelopment_plan,
)
from landsim.stockland.inventory import PLAN_COLUMNS

TAX_ONLY = PerformanceRules(weight_tax=1, weight_value_added=0, weight_output=0,
                            weight_investment=0, weight_plot_ratio=0,
                            weight_building_coefficient=0)
POOLED = dataclasses.replace(TAX_ONLY, evaluated_uses="all", benchmark_by_use=False)
"""Tax only, every use scored against one pooled benchmark (the behaviour before issue 11)."""


def units(**cols) -> pd.DataFrame:
    base = {"unit_id": ["u1", "u2"], "kind": "plot", "plot_id": ["u1", "u2"],
            "contract_id": None, "enterprise": None, "township": "X",
            "land_use": ["industrial", "commercial"], "industry_code": [26, pd.NA],
            "area_ha": 1.0, "annual_output_wan_yuan": 100.0,
            "annual_value_added_wan_yuan": 20.0, "annual_tax_wan_yuan": [30.0, 10.0],
            "investment_wan_yuan": 1000.0, "floor_area_m2": 5000.0,
            "building_footprint_m2": 2500.0}
    return pd.DataFrame({**base, **cols})


def test_score_is_the_weighted_capped_ratio_to_the_pooled_benchmark():
    ev = evaluate_performance(units(), POOLED)
    # benchmark 40 万元 / 30 mu; u1 2.0 /mu -> ratio 1.5 -> 150; u2 -> 0.5 -> 50
    assert ev["tax_per_mu_wan_yuan"].tolist() == pytest.approx([2.0, 2 / 3])
    assert ev["score"].tolist() == pytest.approx([150.0, 50.0])
    assert ev["perf_class"].tolist() == ["A", "D"]
    assert ev["class_rule"].iloc[1] == ("score 50.0 against the commercial, industrial, "
                                        "infrastructure, public, residential benchmark: "
                                        "class D (< 60)")
    capped = evaluate_performance(units(), dataclasses.replace(POOLED, score_cap=1.2))
    assert capped["score"].iloc[0] == pytest.approx(120.0)
    assert capped["perf_class"].iloc[0] == "A"  # exactly at the A threshold


def test_default_weights_equal_units_score_100():
    ev = evaluate_performance(units(annual_tax_wan_yuan=10.0, land_use="industrial"))
    assert ev["score"].tolist() == pytest.approx([100.0, 100.0])
    assert ev["plot_ratio"].iloc[0] == 0.5 and ev["building_coefficient"].iloc[0] == 0.25


def test_class_boundaries():
    assert classify(np.array([120, 119.99, 90, 89.99, 60, 59.99])).tolist() == [
        "A", "B", "B", "C", "C", "D"]


def test_standard_names_each_criterion():
    ev = evaluate_performance(units(), POOLED)
    default = identify_inefficient(ev)
    assert default["inefficient"].tolist() == [False, True]
    assert default["criteria"].tolist() == ["", "class D in 'D'"]
    strict = InefficientStandard(classes="CD", tax_per_mu_min=2.5, plot_ratio_min=0.6,
                                 use_industry_plot_ratio=True, building_coefficient_min=0.3)
    got = identify_inefficient(ev, strict)["criteria"].tolist()
    assert got[0] == ("tax 2 < 2.5 万元/亩; plot ratio 0.5 < 0.6; plot ratio 0.5 < industry "
                      "26 minimum 0.6; building coefficient 0.25 < 0.3")
    assert "building coefficient" not in got[1]  # commercial land: industrial rules skipped


def test_bad_performance_parameters():
    with pytest.raises(InputError, match="class thresholds out of order"):
        PerformanceRules(class_b_min=130)
    with pytest.raises(InputError, match="weights are all 0"):
        dataclasses.replace(TAX_ONLY, weight_tax=0)
    with pytest.raises(InputError, match="classes = 'E'; give letters from 'ABCD'"):
        InefficientStandard(classes="E")


def mixed() -> pd.DataFrame:
    """Two industrial units (tax 2 and 1 万元/mu) and a rich commercial and a poor public one."""
    return units(unit_id=["i1", "i2", "c1", "p1"], plot_id=["i1", "i2", "c1", "p1"],
                 land_use=["industrial", "industrial", "commercial", "public"],
                 industry_code=[26, 26, pd.NA, pd.NA],
                 annual_tax_wan_yuan=[30.0, 15.0, 120.0, 0.0])


def test_industrial_benchmarked_against_industrial_only_by_default():
    ev = evaluate_performance(mixed(), TAX_ONLY).set_index("unit_id")
    # industrial benchmark 45 万元 / 30 mu = 1.5: i1 2.0 -> 133.3 (A), i2 1.0 -> 66.7 (C)
    assert ev.loc[["i1", "i2"], "score"].tolist() == pytest.approx([400 / 3, 200 / 3])
    assert ev.loc[["i1", "i2"], "perf_class"].tolist() == ["A", "C"]
    assert ev.loc[["c1", "p1"], "perf_class"].tolist() == ["not_evaluated"] * 2
    assert ev.loc[["c1", "p1"], "score"].isna().all()
    assert "land use 'public' is not in evaluated_uses 'industrial'" in ev.loc["p1", "class_rule"]
    ident = identify_inefficient(ev.reset_index(), InefficientStandard(classes="CD",
                                                                       tax_per_mu_min=5.0))
    assert ident.set_index("unit_id")["inefficient"].to_dict() == {
        "i1": True, "i2": True, "c1": False, "p1": False}  # p1 pays no tax, still not classed
    # pooled with the commercial plot (165 / 45 mu = 3.67) both industrial units fall to D
    pooled = evaluate_performance(mixed(), dataclasses.replace(
        TAX_ONLY, evaluated_uses="industrial,commercial", benchmark_by_use=False))
    assert pooled.set_index("unit_id").loc[["i1", "i2"], "perf_class"].tolist() == ["D", "D"]


def test_other_uses_get_their_own_benchmark_and_public_only_when_named():
    rules = dataclasses.replace(TAX_ONLY, evaluated_uses="industrial, commercial, public")
    ev = evaluate_performance(mixed(), rules).set_index("unit_id")
    assert ev.loc[["i1", "i2"], "score"].tolist() == pytest.approx([400 / 3, 200 / 3])
    assert ev.loc["c1", "score"] == pytest.approx(100.0)  # alone in its group
    assert ev.loc["c1", "benchmark_group"] == "commercial"
    assert ev.loc["p1", "perf_class"] == "B"  # benchmark 0: ratio 1 by convention
    assert identify_inefficient(ev.reset_index())["inefficient"].tolist() == [False] * 4


def test_evaluated_uses_checked():
    assert PerformanceRules(evaluated_uses="all").uses() == {
        "industrial", "residential", "commercial", "public", "infrastructure"}
    with pytest.raises(InputError, match=r"evaluated_uses = 'industrial, offices': unknown land "
                       r"use 'offices'"):
        PerformanceRules(evaluated_uses="industrial, offices")
    with pytest.raises(InputError, match=r"unknown land use \(none given\)"):
        PerformanceRules(evaluated_uses=" , ")


def test_sample_county_benchmarks_industrial_plots_only():
    """Issue 11 item 7: public plots are never classed by score; industrial plots are
    benchmarked against industrial plots only, which moves classes against the old pooling."""
    from landsim import load_sample
    from landsim.stockland import performance_units

    county = load_sample()
    units = performance_units(county.industrial_contracts, county.stock_plots, "2022-12-31")
    got = identify_inefficient(evaluate_performance(units)).set_index("unit_id")
    other = got[got["land_use"] != "industrial"]
    assert len(other) > 0 and (other["perf_class"] == "not_evaluated").all()
    assert not other["inefficient"].any()
    assert set(got.loc[got["perf_class"] != "not_evaluated", "land_use"]) == {"industrial"}
    assert (got.loc[got["perf_class"] == "D", "inefficient"]).all()
    old = evaluate_performance(units, PerformanceRules(evaluated_uses="all",
                                                       benchmark_by_use=False)
                               ).set_index("unit_id")
    assert (old.loc[other.index, "perf_class"] != "not_evaluated").all()  # pooled before
    industrial = got.index[got["land_use"] == "industrial"]
    assert (old.loc[industrial, "perf_class"] != got.loc[industrial, "perf_class"]).any()


def plots() -> pd.DataFrame:
    return pd.DataFrame({
        "plot_id": ["p1", "p2", "p3", "p4", "p5"], "township": "X",
        "category": ["inefficient", "inefficient", "idle", "inefficient", "idle"],
        "area_ha": [1.0, 2.0, 3.0, 4.0, 5.0], "land_use": "industrial",
        "identified_year": [2018, 2019, 2020, 2020, 2021],
        "planned_disposal_year": [2021, 2022, 2021, 2024, None],
        "disposed_year": [2021, None, None, None, None]})


def test_redevelopment_plan_status_and_series():
    plan = redevelopment_plan(plots(), 2022).set_index("plot_id")
    assert plan["status"].to_dict() == {"p3": "overdue", "p5": "unplanned", "p1": "done",
                                        "p2": "due", "p4": "planned"}
    by_year = plan_by_year(plan.reset_index()).set_index(["year", "category"])
    assert by_year.loc[(2021, "inefficient"), "planned_ha"] == 1.0
    assert by_year.loc[(2021, "inefficient"), "done_ha"] == 1.0
    assert by_year.loc[(2021, "idle"), "planned_mu"] == 45.0
    series = plot_disposal_series(plan.reset_index(), 2022)
    assert tuple(series.columns) == PLAN_COLUMNS
    assert {(int(y), c): a for y, _, c, a in series.values} == {
        (2023, "idle"): 3.0, (2023, "inefficient"): 2.0, (2024, "inefficient"): 4.0}


def test_plan_year_before_identification_is_an_error():
    bad = plots()
    bad.loc[1, "disposed_year"] = 2017
    with pytest.raises(InputError, match=r"column 'disposed_year', row 2 \(plot_id p2\): "
                       "disposed_year before identified_year"):
        redevelopment_plan(bad, 2022)
