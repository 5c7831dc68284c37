"""Quota engine (design 5.3): hand-computed cases for every rule, caps, ledger, draws."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from landsim.errors import InputError
from landsim.quota.engine import (
    ANNUAL_COLUMNS,
    QuotaDrivers,
    annual_table,
    ledger,
    population_link_quota,
    reward_penalty_multiplier,
    scale_to_room,
    simulate_quota,
    tier_standard,
)
from landsim.quota.params import QuotaPolicy, load_policy
from landsim.quota.stock import StockPath


def dtk(value, n_t: int, n_k: int) -> np.ndarray:
    """Scalar or list-per-township -> (1, years, townships)."""
    arr = np.asarray(value, dtype=float)
    return np.broadcast_to(arr.reshape((1, 1, -1)) if arr.ndim == 1 else arr,
                           (1, n_t, n_k)).copy() if arr.ndim < 3 else arr


def make_drivers(*, settled=0.0, land=(10.0,), urban_pop=(1000.0,), years=(2023,),
                 disposed_unsupplied=0.0, opening_unsupplied=0.0, disposed_idle=0.0,
                 opening_idle=0.0, disposed_inefficient=0.0, keys=0.0, udb_base=None,
                 cohort_approved=None, cohort_supplied=None, keys_udb=None,
                 seat=None) -> QuotaDrivers:
    """Small drivers: urban population constant, stock given directly per year."""
    n_t, n_k = len(years), len(land)
    land = np.asarray(land, dtype=float)
    stock = StockPath(
        years=np.asarray(years), townships=tuple(f"T{k}" for k in range(n_k)),
        opening={"unsupplied": dtk(opening_unsupplied, n_t, n_k),
                 "idle": dtk(opening_idle, n_t, n_k),
                 "inefficient": dtk(disposed_inefficient, n_t, n_k)},
        disposed={"unsupplied": dtk(disposed_unsupplied, n_t, n_k),
                  "idle": dtk(disposed_idle, n_t, n_k),
                  "inefficient": dtk(disposed_inefficient, n_t, n_k)})
    c_app = np.zeros((0, n_k)) if cohort_approved is None else np.atleast_2d(cohort_approved)
    c_sup = np.zeros((0, n_k)) if cohort_supplied is None else np.atleast_2d(cohort_supplied)
    c_years = np.arange(years[0] - len(c_app), years[0])
    return QuotaDrivers(
        years=np.asarray(years), townships=stock.townships, settled_migrants=settled,
        urban_pop=dtk(urban_pop, n_t, n_k), base_urban_pop=np.asarray(urban_pop, float),
        base_urban_land_ha=land,
        udb_base_urban_land_ha=land * 10 if udb_base is None else np.asarray(udb_base, float),
        stock=stock, key_projects_ha=keys, cohort_years=c_years, cohort_approved=c_app,
        cohort_supplied=c_sup, key_projects_udb_ha=keys_udb, is_county_seat=seat)


def run(policy: QuotaPolicy | None = None, **kw):
    return simulate_quota(make_drivers(**kw), policy or QuotaPolicy())


# ----------------------------------------------------------------------------- tiers


@pytest.mark.parametrize(("land_ha", "expected_e", "expected_std", "expected_q"), [
    (10.0, 100.0, 100.0, 10.0),     # e = 100: tier 1 (inclusive)
    (10.001, 100.01, 80.0, 8.0),    # just above 100: tier 2
    (15.0, 150.0, 80.0, 8.0),       # e = 150: tier 2 (inclusive)
    (15.001, 150.01, 50.0, 5.0),    # just above 150: tier 3
])
def test_tier_boundaries_hand_computed(land_ha, expected_e, expected_std, expected_q):
    # 1,000 urban residents on land_ha hectares; 1,000 settled migrants
    res = run(settled=1000.0, land=(land_ha,), urban_pop=(1000.0,))
    assert res["per_capita_urban_land_m2"][0, 0, 0] == pytest.approx(expected_e)
    assert res["standard_m2"][0, 0, 0] == expected_std
    assert res["pop_link_quota_ha"][0, 0, 0] == pytest.approx(expected_q)


def test_tier_standard_scalar_array_and_boundaries():
    s, tier = tier_standard(np.array([0.0, 100.0, 100.01, 150.0, 150.01, np.inf]),
                            QuotaPolicy().population_link)
    assert s.tolist() == [100.0, 100.0, 80.0, 80.0, 50.0, 50.0]
    assert tier.tolist() == [1, 1, 2, 2, 3, 3]
    assert float(tier_standard(120.0, QuotaPolicy().population_link)[0]) == 80.0


@pytest.mark.parametrize(("factor", "expected"), [(0.9, 7.2), (1.0, 8.0), (1.1, 8.8)])
def test_derived_check_1000_migrants_at_120_m2(factor, expected):
    # policy-facts s.12: 1,000 migrants at 120 m2/person -> 8.0 ha, 7.2-8.8 with +-10 %
    policy = load_policy(population_link={"provincial_factor": factor})
    res = run(policy, settled=1000.0, land=(12.0,), urban_pop=(1000.0,))
    assert res["per_capita_urban_land_m2"][0, 0, 0] == pytest.approx(120.0)
    assert res["pop_link_quota_ha"][0, 0, 0] == pytest.approx(expected)


def test_population_link_quota_formula():
    assert population_link_quota(np.array([0.0, 250.0]), 100.0).tolist() == [0.0, 2.5]


def test_population_link_switched_off_gives_zero():
    policy = load_policy(population_link__enabled=False)
    res = run(policy, settled=1000.0)
    assert res["pop_link_quota_ha"].sum() == 0.0


# ----------------------------------------------------------------------------- stock link


STOCK = {"opening_unsupplied": 100.0, "disposed_unsupplied": 20.0, "opening_idle": 10.0}


def test_reward_when_both_tasks_met():
    # tasks 15 %: 批而未供 20 >= 15, idle 2 >= 1.5 -> (20 + 2) x 1.0 x 1.10 = 24.2 ha
    res = run(disposed_idle=2.0, **STOCK)
    assert res["stock_multiplier"][0, 0, 0] == pytest.approx(1.1)
    assert res["stock_link_quota_ha"][0, 0, 0] == pytest.approx(24.2)


def test_penalty_when_one_task_missed():
    # idle 1 < 1.5 -> (20 + 1) x 0.80 = 16.8 ha
    res = run(disposed_idle=1.0, **STOCK)
    assert res["stock_link_quota_ha"][0, 0, 0] == pytest.approx(16.8)
    assert not res["idle_task_met"][0, 0, 0]
    assert res["unsupplied_task_met"][0, 0, 0]


def test_penalty_when_unsupplied_task_missed():
    res = run(opening_unsupplied=100.0, disposed_unsupplied=14.0, opening_idle=10.0,
              disposed_idle=2.0)
    assert res["stock_link_quota_ha"][0, 0, 0] == pytest.approx(16.0 * 0.8)


def test_reward_penalty_switched_off_and_ratio():
    policy = load_policy(reward_penalty__enabled=False, stock_link__ratio=0.5)
    res = run(policy, disposed_idle=1.0, **STOCK)
    assert res["stock_link_quota_ha"][0, 0, 0] == pytest.approx(0.5 * 21.0)


def test_counted_categories():
    policy = load_policy(stock_link={"count_idle": False}, reward_penalty__enabled=False)
    res = run(policy, disposed_idle=2.0, disposed_inefficient=3.0, **STOCK)
    assert res["stock_disposed_ha"][0, 0, 0] == pytest.approx(23.0)


def test_reward_lag_one_year():
    rp = QuotaPolicy().reward_penalty
    met = np.array([[[True], [False], [True]]])
    same = reward_penalty_multiplier(met, met, rp).ravel().tolist()
    lagged = reward_penalty_multiplier(met, met, dataclasses.replace(rp, lag_years=1))
    assert same == pytest.approx([1.1, 0.8, 1.1])
    assert lagged.ravel().tolist() == pytest.approx([1.0, 1.1, 0.8])


def test_empty_stock_tasks_are_met():
    res = run(settled=0.0)
    assert res["stock_multiplier"][0, 0, 0] == pytest.approx(1.1)
    assert res["stock_link_quota_ha"][0, 0, 0] == 0.0


def test_zero_migrants_and_zero_disposal_give_zero_ordinary_quota():
    res = run(settled=0.0, keys=3.0)
    assert res["ordinary_requested_ha"].sum() == 0.0
    assert res["pop_link_quota_ha"].sum() == 0.0
    assert res["stock_link_quota_ha"].sum() == 0.0
    assert res["new_construction_land_ha"][0, 0, 0] == 3.0  # only the key project


# ----------------------------------------------------------------------------- 60 % rule


NO_EXEMPTION = {"supply_rate": {"exempt_pop_link": False}}


@pytest.mark.parametrize(("supplied", "ordinary"), [(59.0, 0.0), (60.0, 8.0)])
def test_supply_rate_floor(supplied, ordinary):
    # 100 ha approved last year, 59 (60) supplied -> rate 59 % (60 %): no (full) quota
    policy = load_policy(**NO_EXEMPTION)
    res = run(policy, settled=1000.0, land=(12.0,), keys=2.0, cohort_approved=[[100.0]],
              cohort_supplied=[[supplied]])
    assert res["supply_rate_tested"][0, 0, 0] == pytest.approx(supplied / 100)
    assert res["pop_link_quota_ha"][0, 0, 0] == pytest.approx(ordinary)
    assert res["key_project_quota_ha"][0, 0, 0] == 2.0  # key projects are exempt
    bind = annual_table(simulate_quota(make_drivers(
        settled=1000.0, land=(12.0,), cohort_approved=[[100.0]],
        cohort_supplied=[[supplied]]), policy))["binding_cap"].iloc[0]
    assert bind == ("supply_rate_floor" if ordinary == 0 else "none")


def test_floor_withholds_stock_link_but_not_livelihood_population_link():
    # default: population-linked quota (housing, schools for settled people) is exempt
    res = run(settled=1000.0, land=(12.0,), cohort_approved=[[100.0]],
              cohort_supplied=[[59.0]], disposed_idle=2.0, opening_idle=2.0)
    assert res["pop_link_quota_ha"][0, 0, 0] == pytest.approx(8.0)
    assert res["stock_link_requested_ha"][0, 0, 0] > 0
    assert res["stock_link_quota_ha"][0, 0, 0] == 0.0
    assert annual_table(res)["binding_cap"].iloc[0] == "supply_rate_floor"


def test_supply_rate_window_excludes_older_batches():
    # a 0 % batch six years back is outside the 5-year window
    res = run(load_policy(**NO_EXEMPTION), settled=1000.0, land=(12.0,),
              cohort_approved=[[100.0], [0], [0], [0], [0], [0]],
              cohort_supplied=[[0.0], [0], [0], [0], [0], [0]])
    assert np.isnan(res["supply_rate_tested"][0, 0, 0])
    assert res["pop_link_quota_ha"][0, 0, 0] == pytest.approx(8.0)


def test_supply_rate_rises_when_unsupplied_land_is_disposed():
    # year 1: 50 % rate -> no ordinary quota; 30 of the 50 unsupplied ha are supplied;
    # year 2: (50 + 30 + new 0) / 100 = 80 % -> quota allowed
    res = run(load_policy(**NO_EXEMPTION), settled=1000.0, land=(12.0,), years=(2023, 2024),
              cohort_approved=[[100.0]], cohort_supplied=[[50.0]],
              disposed_unsupplied=[[[30.0], [0.0]]], opening_unsupplied=[[[50.0], [20.0]]])
    assert res["supply_rate_tested"][0, :, 0] == pytest.approx([0.5, 0.8])
    assert res["supply_rate"][0, 0, 0] == pytest.approx(0.8)  # end of 2023 = tested in 2024
    assert res["pop_link_quota_ha"][0, 0, 0] == 0.0
    assert res["pop_link_quota_ha"][0, 1, 0] > 0.0


def test_new_land_is_supplied_by_the_lag_distribution():
    # 10 ha approved in 2023 (1,000 migrants at 100 m2), nothing before: supplied 50 %
    # in 2023, 80 % by 2024 (lag shares 0.5, 0.3, ...), 100 % by 2026
    res = run(settled=np.array([[[1000.0], [0.0], [0.0], [0.0]]]), land=(10.0,),
              years=(2023, 2024, 2025, 2026))
    assert res["new_construction_land_ha"][0, :, 0] == pytest.approx([10.0, 0, 0, 0])
    assert res["supply_rate"][0, :, 0] == pytest.approx([0.5, 0.8, 0.9, 0.95])
    assert res["supply_rate_tested"][0, 1:, 0] == pytest.approx([0.5, 0.8, 0.9])
    custom = run(load_policy(supply_rate__lag_shares=[0.2, 0.2]),
                 settled=np.array([[[1000.0], [0.0]]]), land=(10.0,), years=(2023, 2024))
    assert custom["supply_rate"][0, :, 0] == pytest.approx([0.2, 0.4])


def test_supply_floor_binds_in_a_future_year_after_a_surge_of_approvals():
    # a scenario built for it: a 100 ha key project in 2024, supplied slowly (10 %/year):
    # the 2025 test sees 10 % -> stock-linked quota withheld in 2025, not in 2024
    policy = load_policy(supply_rate__lag_shares=[0.1] * 10)
    keys = np.array([[[0.0], [100.0], [0.0]]])
    res = run(policy, land=(12.0,), years=(2023, 2024, 2025), keys=keys, keys_udb=0.0,
              disposed_idle=2.0, opening_idle=2.0, cohort_approved=[[10.0]],
              cohort_supplied=[[10.0]])
    assert res["supply_rate_tested"][0, 1, 0] >= 0.6
    assert res["stock_link_quota_ha"][0, 1, 0] > 0
    assert res["supply_rate_tested"][0, 2, 0] < 0.6
    assert res["stock_link_quota_ha"][0, 2, 0] == 0.0
    table = annual_table(res)
    assert table["binding_cap"].tolist()[1:] == ["none", "supply_rate_floor"]


def test_supply_rate_rule_switched_off():
    policy = load_policy(supply_rate__enabled=False)
    res = run(policy, settled=1000.0, land=(12.0,), cohort_approved=[[100.0]],
              cohort_supplied=[[0.0]])
    assert res["pop_link_quota_ha"][0, 0, 0] == pytest.approx(8.0)


# ----------------------------------------------------------------------------- caps


def test_udb_cap_binds():
    # UDB limit 1.3 x 10 = 13 ha; current 12.5 ha -> room 0.5 ha of the 8 ha requested
    res = run(settled=1000.0, land=(12.5,), urban_pop=(1041.6667,), udb_base=(10.0,))
    assert res["ordinary_requested_ha"][0, 0, 0] == pytest.approx(8.0)
    assert res["new_construction_land_ha"][0, 0, 0] == pytest.approx(0.5)
    assert res["urban_land_ha"][0, 0, 0] == pytest.approx(13.0)
    table = annual_table(res)
    assert table["binding_cap"].iloc[0] == "udb"


def test_udb_cap_limits_key_projects_inside_it_only_and_can_be_switched_off():
    outside = run(settled=0.0, land=(13.0,), udb_base=(10.0,), keys=4.0, keys_udb=0.0)
    assert outside["key_project_quota_ha"][0, 0, 0] == 4.0
    assert outside["urban_land_ha"][0, 0, 0] == pytest.approx(13.0)
    inside = run(settled=0.0, land=(12.0,), udb_base=(10.0,), keys=4.0)
    assert inside["key_project_quota_ha"][0, 0, 0] == pytest.approx(1.0)  # room 13 - 12
    assert inside["urban_land_ha"][0, 0, 0] == pytest.approx(13.0)
    off = run(load_policy(caps__udb_enabled=False), settled=1000.0, land=(13.0,),
              udb_base=(10.0,))
    assert off["new_construction_land_ha"][0, 0, 0] == pytest.approx(8.0)


def test_upper_plan_cap_binds_after_key_projects():
    # plan allows 3 ha: key project 1 ha first, ordinary 8 ha cut to 2 ha
    policy = load_policy(caps={"upper_plan_new_construction_ha": 3.0})
    res = run(policy, settled=1000.0, land=(12.0,), keys=1.0)
    assert res["key_project_quota_ha"][0, 0, 0] == 1.0
    assert res["new_construction_land_ha"][0, 0, 0] == pytest.approx(3.0)
    assert res["cap_remaining_ha"][0, 0, 0] == pytest.approx(0.0)
    assert annual_table(res)["binding_cap"].iloc[0] == "upper_plan"


def test_upper_plan_cap_cuts_key_projects_and_counts_used_part():
    policy = load_policy(caps={"upper_plan_new_construction_ha": 10.0,
                               "upper_plan_used_ha": 8.0})
    res = run(policy, keys=5.0)
    assert res["key_project_quota_ha"][0, 0, 0] == pytest.approx(2.0)
    lines = ledger(res)
    rule = lines.loc[lines["quantity"] == "key_project_quota_ha", "rule"].iloc[0]
    assert "remaining" in rule


def test_upper_plan_cap_over_years():
    policy = load_policy(caps={"upper_plan_new_construction_ha": 12.0})
    res = run(policy, settled=1000.0, land=(12.0,), years=(2023, 2024))
    assert res["cumulative_new_ha"][0, :, 0] == pytest.approx([8.0, 12.0])
    assert res["cap_remaining_ha"][0, :, 0] == pytest.approx([4.0, 0.0])


def test_county_cap_scales_townships_pro_rata():
    policy = load_policy(caps={"upper_plan_new_construction_ha": 6.0})
    res = run(policy, settled=[1000.0, 500.0], land=(12.0, 6.0), urban_pop=(1000.0, 500.0))
    assert res["new_construction_land_ha"][0, 0].tolist() == pytest.approx([4.0, 2.0])


def test_township_level_udb():
    # township level: T0 has no room, T1 has plenty; county level would pool them
    kw = dict(settled=[1000.0, 1000.0], land=(13.0, 10.0), urban_pop=(1000.0, 1000.0),
              udb_base=(10.0, 10.0))
    town = run(load_policy(caps__level="township"), **kw)
    county = run(QuotaPolicy(), **kw)
    assert town["new_construction_land_ha"][0, 0].tolist() == pytest.approx([0.0, 3.0])
    # county room = 26 - 23 = 3 ha shared pro rata over 8 (e = 130) + 10 (e = 100) ha
    assert county["new_construction_land_ha"][0, 0].sum() == pytest.approx(3.0)
    assert county["new_construction_land_ha"][0, 0].tolist() == pytest.approx([4 / 3, 5 / 3])


def test_scale_to_room_keeps_requests_below_room():
    assert scale_to_room(np.array([[1.0, 2.0]]), np.array([[np.inf]]), True).tolist() == [[1.0,
                                                                                          2.0]]
    assert scale_to_room(np.array([[1.0, 2.0]]), np.array([[-5.0]]), True).tolist() == [[0.0,
                                                                                         0.0]]
    assert scale_to_room(np.array([[4.0, 2.0]]), np.array([[1.0, 5.0]]), False).tolist() == [
        [1.0, 2.0]]


# ----------------------------------------------------------------------------- dynamics


def test_new_land_raises_next_years_per_capita_level():
    # year 1: e = 100 -> tier 1, 10 ha added -> year 2: e = 200 -> tier 3
    res = run(settled=1000.0, land=(10.0,), urban_pop=(1000.0,), years=(2023, 2024))
    assert res["per_capita_urban_land_m2"][0, :, 0] == pytest.approx([100.0, 200.0])
    assert res["pop_link_quota_ha"][0, :, 0] == pytest.approx([10.0, 5.0])


def test_cumulative_quota_is_not_monotone_in_migrants_because_of_the_tier_cliff():
    # A documented property of the rule, not a bug: one more migrant this year can push
    # e over 100 m2 and cut every later migrant's standard from 100 to 80 m2.
    def total(first_year_migrants: float) -> float:
        res = run(settled=np.array([[[first_year_migrants], [10_000.0]]]), land=(9.99,),
                  urban_pop=(1000.0,), years=(2023, 2024))
        return float(res["new_construction_land_ha"].sum())
    assert total(1.0) > total(2.0)


@settings(max_examples=60, deadline=None)
@given(m_low=st.floats(0, 5000), extra=st.floats(0, 5000), land=st.floats(1, 30),
       disposed=st.floats(0, 20), cap=st.floats(0, 30), udb=st.floats(1, 30),
       supplied=st.floats(0, 100))
def test_more_migrants_never_less_quota(m_low, extra, land, disposed, cap, udb, supplied):
    policy = load_policy(caps={"upper_plan_new_construction_ha": cap})
    kw = dict(land=(land,), udb_base=(udb,), disposed_idle=disposed, opening_idle=disposed,
              cohort_approved=[[100.0]], cohort_supplied=[[supplied]])
    low = run(policy, settled=m_low, **kw)
    high = run(policy, settled=m_low + extra, **kw)
    assert (high["new_construction_land_ha"] >= low["new_construction_land_ha"] - 1e-9).all()
    assert (high["pop_link_quota_ha"] >= low["pop_link_quota_ha"] - 1e-9).all()


@settings(max_examples=40, deadline=None)
@given(m=st.floats(0, 5000), land=st.floats(1, 30), cap=st.floats(0, 30),
       keys=st.floats(0, 10))
def test_invariants_granted_within_requests_and_caps(m, land, cap, keys):
    policy = load_policy(caps={"upper_plan_new_construction_ha": cap})
    res = run(policy, settled=m, land=(land,), udb_base=(land,), keys=keys,
              years=(2023, 2024))
    new = res["new_construction_land_ha"]
    assert (new >= 0).all()
    assert res["cumulative_new_ha"][0, -1, 0] <= cap + 1e-9
    granted = res["pop_link_quota_ha"] + res["stock_link_quota_ha"]
    assert (granted <= res["ordinary_requested_ha"] + 1e-9).all()
    assert new == pytest.approx(granted + res["key_project_quota_ha"], abs=1e-6)  # [ha]
    assert (res["urban_land_ha"] <= 1.3 * land + 1e-9).all()


# ----------------------------------------------------------------------------- draws


def test_draws_axis_matches_single_runs():
    draws = np.array([0.0, 500.0, 2000.0]).reshape(3, 1, 1) * np.ones((3, 2, 1))
    kw = dict(land=(12.0,), years=(2023, 2024), opening_unsupplied=10.0,
              disposed_unsupplied=2.0)
    multi = run(settled=draws, **kw)
    assert multi["new_construction_land_ha"].shape == (3, 2, 1)
    for d in range(3):
        single = run(settled=draws[d:d + 1], **kw)
        np.testing.assert_allclose(multi["new_construction_land_ha"][d],
                                   single["new_construction_land_ha"][0])
    table = annual_table(multi)
    assert table.columns[0] == "draw" and len(table) == 6


def test_negative_drivers_are_rejected():
    with pytest.raises(InputError, match="settled_migrants must be >= 0"):
        make_drivers(settled=-1.0)


# ----------------------------------------------------------------------------- outputs


def test_annual_table_has_design_columns_in_order():
    res = run(settled=1000.0, land=(12.0,), keys=1.0, years=(2023, 2024))
    table = annual_table(res)
    assert tuple(table.columns[:len(ANNUAL_COLUMNS)]) == ANNUAL_COLUMNS
    row = table.iloc[0]
    assert row["new_construction_land_ha"] == pytest.approx(
        row["pop_link_quota_ha"] + row["stock_link_quota_ha"] + row["key_project_quota_ha"])
    assert row["cultivated_occupied_ha"] == pytest.approx(0.5 * row["new_construction_land_ha"])
    by_town = annual_table(res, by="township")
    assert list(by_town.columns[:2]) == ["year", "township"]
    with pytest.raises(InputError, match="by must be 'county' or 'township'"):
        annual_table(res, by="province")


def test_ledger_names_the_rule_of_each_number():
    res = run(settled=1000.0, land=(12.0,), **STOCK, disposed_idle=1.0)
    lines = ledger(res).set_index("quantity")
    assert set(lines.columns) == {"year", "township", "value", "unit", "rule", "binding_cap"}
    assert lines.loc["standard_m2", "rule"].startswith("tier 2 (100 < e <= 150 m2): 80 m2")
    assert "task missed (idle)" in lines.loc["stock_link_requested_ha", "rule"]
    assert "-20%" in lines.loc["stock_link_requested_ha", "rule"]
    assert lines.loc["pop_link_quota_ha", "value"] == pytest.approx(8.0)
    assert lines.loc["pop_link_quota_ha", "binding_cap"] == "none"


def _residue_cases(bound: float) -> list[tuple[float, int]]:
    """(area_ha, residents) pairs whose per-capita land is the bound up to float residue."""
    cases = []
    for residents in range(1_001, 3_000, 7):
        area_ha = round(bound * residents / 10_000, 2)
        if abs(area_ha * 10_000 - bound * residents) < 1e-6:  # exactly on the bound
            cases.append((area_ha, residents))
    return cases


@pytest.mark.parametrize("which", ["tier1_max_m2", "tier2_max_m2"])
def test_tier_bounds_are_exact_despite_float_residue(which):
    from landsim.quota.engine import tier_standard
    from landsim.quota.params import PopulationLink

    params = PopulationLink()
    bound = getattr(params, which)
    cases = _residue_cases(bound)
    e = np.array([a * 10_000 / r for a, r in cases])
    assert (e != bound).any(), "the cases must include a float residue above the bound"
    _, tier = tier_standard(e, params)
    assert (tier == (1 if which == "tier1_max_m2" else 2)).all()
    _, above = tier_standard(e * (1 + 1e-6), params)
    assert (above == (2 if which == "tier1_max_m2" else 3)).all()


def test_a_thousand_migrants_at_exactly_100_m2_get_10_ha():
    from landsim.quota.engine import population_link_quota, tier_standard
    from landsim.quota.params import PopulationLink
    from landsim.quota.population import per_capita_m2

    e = per_capita_m2(np.array([10.13]), np.array([1_013.0]))
    standard, _ = tier_standard(np.array([10.13 * 10_000 / 1_013]), PopulationLink())
    assert standard.tolist() == [100.0]
    assert float(population_link_quota(np.array([1_000.0]), standard)[0]) == pytest.approx(10.0)
    assert tier_standard(e, PopulationLink())[1].tolist() == [1]


# ----------------------------------------------------------------------------- priorities


def test_a_later_key_project_is_never_starved_by_earlier_ordinary_quota():
    # plan: 20 ha over three years; ordinary asks 10 ha a year; a 15 ha key project in
    # the third year. Ordinary quota may take only 20 - 15 = 5 ha before it.
    policy = load_policy(caps={"upper_plan_new_construction_ha": 20.0})
    keys = np.array([[[0.0], [0.0], [15.0]]])
    res = run(policy, settled=1000.0, land=(12.0,), urban_pop=(1e6,),
              years=(2023, 2024, 2025), keys=keys)
    assert res["key_project_quota_ha"][0, 2, 0] == pytest.approx(15.0)
    ordinary = res["pop_link_quota_ha"] + res["stock_link_quota_ha"]
    assert ordinary[0, :, 0].sum() == pytest.approx(5.0)
    assert res["cumulative_new_ha"][0, -1, 0] == pytest.approx(20.0)
    table = annual_table(res)
    assert table["binding_cap"].iloc[0] == "upper_plan"
    assert table["withheld_ha"].iloc[0] == pytest.approx(5.0)
    lines = ledger(res)
    rule = lines.loc[(lines["quantity"] == "pop_link_quota_ha") & (lines["year"] == 2023),
                     "rule"].iloc[0]
    assert "less key projects" in rule and "5.00 ha withheld" in rule


def test_population_link_comes_before_stock_link_and_keeps_room_for_later_migrants():
    # UDB room 2 ha over two years; 100 migrants a year at 100 m2 -> 1 ha a year;
    # stock-linked quota asks 5 ha: it gets nothing, the migrants get 1 ha each year
    kw = dict(settled=100.0, land=(11.0,), urban_pop=(1e6,), udb_base=(10.0,),
              years=(2023, 2024), disposed_idle=5.0, opening_idle=5.0)
    res = run(load_policy(reward_penalty__enabled=False), **kw)
    assert res["pop_link_quota_ha"][0, :, 0] == pytest.approx([1.0, 1.0])
    assert res["stock_link_quota_ha"][0, :, 0] == pytest.approx([0.0, 0.0])
    # without the set-aside, stock-linked quota takes the 2024 migrants' room in 2023
    off = run(load_policy(reward_penalty__enabled=False, caps__reserve_pop_link=False), **kw)
    assert off["stock_link_quota_ha"][0, 0, 0] == pytest.approx(1.0)
    assert off["pop_link_quota_ha"][0, 1, 0] == pytest.approx(0.0)


def test_township_without_urban_population_is_assessed_at_county_level():
    # T1 has no urban population: its e is the county's (12 ha / 1,000 = 120 m2), tier 2
    res = run(settled=[0.0, 100.0], land=(12.0, 0.0), urban_pop=(1000.0, 0.0))
    assert res["per_capita_urban_land_m2"][0, 0].tolist() == pytest.approx([120.0, 120.0])
    assert res["standard_m2"][0, 0, 1] == 80.0
    assert bool(res["county_level"][0, 0, 1]) and not bool(res["county_level"][0, 0, 0])
    lines = ledger(res)
    rule = lines.loc[(lines["quantity"] == "per_capita_urban_land_m2")
                     & (lines["township"] == "T1"), "rule"].iloc[0]
    assert "county level" in rule


@pytest.mark.parametrize(("mode", "expected"), [("proportional", 8.0 * 115 / 130), ("stop", 0.0)])
def test_per_capita_brake_cuts_ordinary_quota_above_the_band(mode, expected):
    # seat at 130 m2/person > 115 (GB 50137): the brake cuts its 8 ha of ordinary quota
    policy = load_policy(per_capita_brake={"enabled": True, "mode": mode})
    res = run(policy, settled=1000.0, land=(13.0,), urban_pop=(1000.0,), seat=[True])
    assert res["new_construction_land_ha"][0, 0, 0] == pytest.approx(expected)
    assert annual_table(res)["binding_cap"].iloc[0] == "per_capita_brake"
    # a town (not the seat) at 130 m2 is within GB 50188's 140: no cut
    town = run(policy, settled=1000.0, land=(13.0,), urban_pop=(1000.0,), seat=[False])
    assert town["new_construction_land_ha"][0, 0, 0] == pytest.approx(8.0)
    off = run(settled=1000.0, land=(13.0,), urban_pop=(1000.0,), seat=[True])
    assert off["new_construction_land_ha"][0, 0, 0] == pytest.approx(8.0)
