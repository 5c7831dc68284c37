"""Dual-contract supervision: each control indicator, breach sizes and stages."""

from __future__ import annotations

import pandas as pd
import pytest

from landsim import InputError
from landsim.stockland import StockPolicy, check_contracts, contract_summary, load_stock_policy

ROW = {
    "contract_id": "C1", "township": "X", "enterprise": "E", "industry_code": 26,
    "area_ha": 2.0, "land_price_wan_yuan": 500.0, "signed_date": "2019-01-01",
    "agreed_start_date": "2019-06-01", "agreed_completion_date": "2021-06-01",
    "actual_start_date": "2019-06-11", "developed_area_ha": 2.0,
    "agreed_investment_wan_yuan": 6000.0, "invested_wan_yuan": 5000.0,
    "suspended_since": "", "idle_cause": "", "agreed_plot_ratio": 0.5,
    "floor_area_m2": 10000.0, "building_footprint_m2": 5000.0, "admin_area_m2": 1600.0,
    "green_area_m2": 5000.0, "annual_output_wan_yuan": 1500.0, "annual_tax_wan_yuan": 30.0,
    "actual_completion_date": "2021-05-01", "agreed_output_check_date": "2022-06-01",
    "agreed_output_per_mu_wan_yuan": 60.0, "agreed_tax_per_mu_wan_yuan": 1.0,
    "densified_stock": False,
}


def checks(as_of="2022-12-31", policy=None, **row) -> pd.DataFrame:
    return check_contracts(pd.DataFrame([{**ROW, **row}]), as_of, policy).set_index("indicator")


def test_each_indicator_hand_computed():
    c = checks()
    assert c.loc["start_delay_days", ["result", "breach_size"]].tolist() == ["breach", 10.0]
    assert c.loc["completion_delay_days", "result"] == "ok"
    # 5000 / 2 ha = 2500 万元/ha against the agreed 3000: short by 500 (1/6)
    inv = c.loc["investment_intensity_wan_yuan_per_ha"]
    assert inv["actual"] == 2500 and inv["breach_size"] == 500
    assert inv["breach_share"] == pytest.approx(1 / 6)
    # plot ratio 10000 / 20000 = 0.5 < industry 26 minimum 0.6 (agreed 0.5)
    pr = c.loc["plot_ratio"]
    assert pr["required"] == 0.6 and pr["breach_size"] == pytest.approx(0.1)
    assert "industry 26 minimum 0.6" in pr["rule"]
    assert c.loc["building_coefficient", "breach_size"] == pytest.approx(0.3 - 0.25)
    assert c.loc["admin_share", "breach_size"] == pytest.approx(0.08 - 0.07)
    assert c.loc["green_ratio", "breach_size"] == pytest.approx(0.25 - 0.2)
    # output 1500 / 30 mu = 50 < 60; tax 30 / 30 mu = 1.0 exactly the agreed 1.0
    assert c.loc["output_per_mu_wan_yuan", "breach_size"] == pytest.approx(10.0)
    assert c.loc["tax_per_mu_wan_yuan", "result"] == "ok"
    assert "exit" in c.loc["output_per_mu_wan_yuan", "action"]


def test_building_coefficient_exactly_30_percent_is_ok():
    assert checks(building_footprint_m2=6000.0).loc["building_coefficient", "result"] == "ok"
    assert checks(building_footprint_m2=5999.0).loc["building_coefficient", "result"] == \
        "breach"


def test_stages_wait_for_their_dates():
    c = checks(as_of="2021-05-31")
    assert c.loc["plot_ratio", "result"] == "not_due"  # completion 2021-06-01
    assert checks(as_of="2021-06-01").loc["plot_ratio", "result"] == "breach"
    assert checks(as_of="2022-05-31").loc["output_per_mu_wan_yuan", "result"] == "not_due"
    assert checks(as_of="2022-06-01").loc["output_per_mu_wan_yuan", "result"] == "breach"


def test_densified_stock_checks_floor_area_share_and_keeps_the_land_limit():
    # 1600 m2 admin land on 20000 m2: 8 % of the land area breaches the 7 % limit everywhere
    c = checks(densified_stock=True, admin_area_m2=1200.0)
    assert c.loc["admin_share", ["required", "result"]].tolist() == [0.07, "ok"]
    # no admin_floor_area_m2 given: the 三(六) rule is reported, never a breach
    row = c.loc["admin_floor_share"]
    assert row["result"] == "not_checked" and pd.isna(row["actual"])
    assert "not checked: admin_floor_area_m2" in row["rule"]
    # 1200 m2 of 10000 m2 floor area = 12 %: above 7 %, within the raised 15 % -> ok
    c = checks(densified_stock=True, admin_floor_area_m2=1200.0).loc["admin_floor_share"]
    assert c["result"] == "ok" and c["required"] == 0.15 and c["actual"] == pytest.approx(0.12)
    assert "三(六)" in c["rule"]
    c = checks(densified_stock=True, admin_floor_area_m2=1600.0).loc["admin_floor_share"]
    assert c["result"] == "breach" and c["breach_size"] == pytest.approx(0.01)
    assert "floor area" in c["action"]
    tight = load_stock_policy(contracts__admin_floor_share_max_densified=0.1)
    assert checks(policy=tight, densified_stock=True, admin_floor_area_m2=1200.0).loc[
        "admin_floor_share", "result"] == "breach"
    # not densified: the land-area rule only
    c = checks(admin_floor_area_m2=1600.0)
    assert "admin_floor_share" not in c.index and c.loc["admin_share", "result"] == "breach"
    assert "三(六)" not in c.loc["admin_share", "rule"]
    c = checks(densified_stock=True, admin_floor_area_m2=None).loc["admin_floor_share"]
    assert c["result"] == "not_checked" and "admin_floor_area_m2 empty" in c["rule"]
    c = checks(densified_stock=True, admin_floor_area_m2=10.0, floor_area_m2=0.0)
    assert c.loc["admin_floor_share", "result"] == "not_checked"
    with pytest.raises(InputError, match=r"column 'admin_floor_area_m2', row 1 \(contract_id "
                       r"C1\): -1.0 is out of range. Fix: give a number >= 0 \[m2\]"):
        checks(densified_stock=True, admin_floor_area_m2=-1.0)


def test_sample_county_densified_contracts():
    from landsim import load_sample

    contracts = load_sample().industrial_contracts
    c = check_contracts(contracts, "2022-12-31")
    floor = c[c["indicator"] == "admin_floor_share"].set_index("contract_id")["result"]
    densified = contracts.loc[contracts["densified_stock"].astype(str).str.lower()
                              .isin(("true", "1")), "contract_id"]
    assert set(floor.index) == set(densified) and len(floor) > 0  # only densified land
    # the sample has no admin floor area: the 三(六) rule is never a breach there
    assert set(floor) <= {"not_checked", "not_due"}
    land = c[c["indicator"] == "admin_share"].set_index("contract_id")
    share = (contracts.set_index("contract_id")["admin_area_m2"].astype(float)
             / (contracts.set_index("contract_id")["area_ha"].astype(float) * 1e4))
    due = land["result"].isin(("ok", "breach"))
    assert (land.loc[due, "result"].eq("breach") == (share[land.index[due]] > 0.07)).all()
    assert (land["required"] == 0.07).all()
    s = contract_summary(c).set_index("contract_id")
    # 7 completion-stage checks due by 2022-12-31; admin_floor_share (not_checked) not counted
    assert s.loc["GY014", "checks_due"] == 7


def test_not_started_start_delay_runs_to_as_of():
    c = checks(actual_start_date="", actual_completion_date="", developed_area_ha=0.0)
    assert c.loc["start_delay_days", "breach_size"] == (
        pd.Timestamp("2022-12-31") - pd.Timestamp("2019-06-01")).days


def test_summary_counts():
    s = contract_summary(check_contracts(pd.DataFrame([ROW]), "2022-12-31", StockPolicy()))
    assert s.iloc[0]["checks_due"] == 9 and s.iloc[0]["breaches"] == 7


def test_bad_dates():
    with pytest.raises(InputError, match=r"column 'actual_completion_date', row 1 \(contract_id "
                       r"C1\): actual_completion_date is before actual_start_date"):
        checks(actual_completion_date="2019-01-05")


def test_environmental_terms_are_checked_where_the_contract_gives_them():
    c = checks(agreed_energy_tce_per_wan_yuan=0.5, energy_tce_per_wan_yuan=0.6,
               agreed_emission_t_per_year=10.0, emission_t_per_year=8.0)
    energy = c.loc["energy_tce_per_wan_yuan"]
    assert energy["result"] == "breach" and energy["breach_size"] == pytest.approx(0.1)
    assert energy["stage"] == "output_check" and "energy use" in energy["rule"]
    assert c.loc["emission_t_per_year", "result"] == "ok"
    assert checks(as_of="2022-05-31", agreed_emission_t_per_year=10.0,
                  emission_t_per_year=12.0).loc["emission_t_per_year", "result"] == "not_due"
    # a term without the actual figure is not checked; no term, no row
    c = checks(agreed_emission_t_per_year=10.0)
    assert c.loc["emission_t_per_year", "result"] == "not_checked"
    assert "energy_tce_per_wan_yuan" not in checks().index
