"""Idle land (Order No. 53): every threshold one day before, on and after, and exact shares."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from landsim import InputError, load_sample
from landsim.stockland import IdleRules, assess_idle, idle_options

BASE = {
    "contract_id": "T1", "township": "新关镇", "enterprise": "E", "industry_code": 31,
    "area_ha": 3.0, "land_price_wan_yuan": 1000.0, "signed_date": "2019-01-01",
    "agreed_start_date": "2020-03-01", "agreed_completion_date": "2022-03-01",
    "actual_start_date": "", "developed_area_ha": 0.0,
    "agreed_investment_wan_yuan": 8000.0, "invested_wan_yuan": 0.0, "suspended_since": "",
    "idle_cause": "enterprise", "agreed_plot_ratio": 1.0, "floor_area_m2": 0.0,
    "building_footprint_m2": 0.0, "admin_area_m2": 0.0, "green_area_m2": 0.0,
    "annual_output_wan_yuan": 0.0, "annual_tax_wan_yuan": 0.0,
}


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame([{**BASE, "contract_id": f"T{i + 1}", **r} for i, r in enumerate(rows)])


def one(as_of: str, rules: IdleRules | None = None, **row) -> pd.Series:
    return assess_idle(frame(row), as_of, rules).iloc[0]


# ----------------------------------------------------------------- test (a): no start


@pytest.mark.parametrize(("as_of", "idle", "delay"), [
    ("2021-02-28", False, pd.NA),  # one day before the anniversary 2021-03-01
    ("2021-03-01", True, 365),      # exactly one year: 满一年 counts
    ("2021-03-02", True, 366),
])
def test_no_start_one_year_boundary(as_of, idle, delay):
    r = one(as_of)
    assert r["idle"] is idle or r["idle"] == idle
    assert (r["test"] == "no_start") == idle
    if idle:
        assert r["delay_days"] == delay
        assert r["idle_since"] == "2021-03-01" and r["clock_start"] == "2020-03-01"
        assert r["fee_due"] and r["fee_wan_yuan"] == pytest.approx(200.0)  # 20 % of 1000
        assert "art. 2(1)" in r["rule"] and "agreed start 2020-03-01" in r["decided_by"]
    else:
        assert r["status"] == "not_idle" and r["fee_wan_yuan"] == 0
        assert "idle from 2021-03-01 if still not started" in r["decided_by"]


@pytest.mark.parametrize(("as_of", "unpaid"), [
    ("2022-02-28", False), ("2022-03-01", True), ("2022-03-02", True)])
def test_unpaid_recovery_after_two_years(as_of, unpaid):
    r = one(as_of)
    assert r["unpaid_recovery"] == unpaid
    assert r["recovery_date"] == "2022-03-01"
    assert r["disposal"].startswith("unpaid recovery") == unpaid


def test_started_later_than_as_of_is_not_started_yet():
    # started 2021-06-01, but on 2021-05-31 it had not: idle then, not idle after
    assert one("2021-05-31", actual_start_date="2021-06-01")["idle"]
    after = one("2021-06-01", actual_start_date="2021-06-01")
    assert not after["idle"] and after["rule"] == "development started and not suspended"


def test_signed_after_as_of_is_not_assessed():
    r = one("2018-12-31")
    assert r["status"] == "not_signed" and not r["idle"]


# ----------------------------------------------------- test (b): low progress + suspension

STARTED = {"actual_start_date": "2020-04-01", "suspended_since": "2021-06-30"}


@pytest.mark.parametrize(("developed", "invested", "idle"), [
    (1.0, 4000.0, False),       # exactly 1/3 developed (3 ha plot), 50 % invested
    (0.999, 4000.0, True),      # just under 1/3
    (2.0, 2000.0, False),       # exactly 25 % invested, 2/3 developed
    (2.0, 1999.0, True),        # just under 25 %
    (0.9, 1000.0, True),        # both low
])
def test_share_thresholds_are_strict(developed, invested, idle):
    r = one("2022-06-30", developed_area_ha=developed, invested_wan_yuan=invested, **STARTED)
    assert r["idle"] == idle
    if idle:
        assert r["test"] == "low_progress_suspended" and r["clock_start"] == "2021-06-30"
        assert "art. 2(2)" in r["rule"] and "suspended since 2021-06-30" in r["decided_by"]
    else:
        assert r["rule"] == "suspended, but developed and invested shares reach the minimum"


@pytest.mark.parametrize(("as_of", "idle"), [
    ("2022-06-29", False), ("2022-06-30", True), ("2022-07-01", True)])
def test_suspension_one_year_boundary(as_of, idle):
    r = one(as_of, developed_area_ha=0.5, invested_wan_yuan=4000.0, **STARTED)
    assert r["idle"] == idle
    if not idle:
        assert "for less than 1 year(s)" in r["rule"]
        assert "idle from 2022-06-30 if still suspended" in r["decided_by"]


def test_no_agreed_investment_uses_the_developed_share_only():
    r = one("2022-06-30", developed_area_ha=2.0, agreed_investment_wan_yuan=0.0, **STARTED)
    assert pd.isna(r["invested_share"]) and not r["idle"]


# ------------------------------------------------------------------ causes and options


def test_government_cause_no_fee_and_options():
    idle = assess_idle(frame({"idle_cause": "government"}, {"idle_cause": ""}), "2022-06-30")
    gov, unknown = idle.iloc[0], idle.iloc[1]
    assert gov["idle"] and gov["cause"] == "government"
    assert not gov["fee_due"] and gov["fee_wan_yuan"] == 0 and not gov["unpaid_recovery"]
    assert unknown["cause"] == "enterprise" and unknown["unpaid_recovery"]  # ASSUMED default
    opts = idle_options(idle)
    assert opts["contract_id"].unique().tolist() == ["T1"]
    assert opts["option"].tolist() == ["extension", "change_of_use", "temporary_use",
                                       "land_swap", "compensated_recovery"]
    o = opts.set_index("option")
    assert o.loc["extension", "until"] == "2023-06-30"
    assert o.loc["temporary_use", "until"] == "2024-06-30"
    assert o.loc["compensated_recovery", "amount_wan_yuan"] == 1000.0  # price + 0 invested


def test_user_valuation_and_factors():
    idle = assess_idle(frame({"idle_cause": "government", "invested_wan_yuan": 500.0}),
                       "2022-06-30")
    rules = IdleRules(compensation_price_factor=0.8, compensation_investment_factor=0.5)
    amount = idle_options(idle, rules).set_index("option").loc["compensated_recovery"]
    assert amount["amount_wan_yuan"] == pytest.approx(0.8 * 1000 + 0.5 * 500)
    given_ = idle_options(idle, rules, valuation={"T1": 1234.5}).set_index("option")
    assert given_.loc["compensated_recovery", "amount_wan_yuan"] == 1234.5
    assert "user-set valuation" in given_.loc["compensated_recovery", "rule"]


# ------------------------------------------------------------------ the sample county


def test_sample_edge_cases_at_as_of():
    idle = assess_idle(load_sample().industrial_contracts, "2022-12-31").set_index(
        "contract_id")
    assert idle.loc["GY001", "idle"] and idle.loc["GY001", "delay_days"] == 365
    price = load_sample().industrial_contracts.set_index("contract_id").loc[
        "GY001", "land_price_wan_yuan"]
    assert idle.loc["GY001", "fee_wan_yuan"] == pytest.approx(0.2 * float(price))  # 20 %
    assert not idle.loc["GY002", "idle"]  # exactly 1/3 developed, suspended exactly 1 year
    assert not idle.loc["GY003", "idle"]  # exactly 25 % invested
    day_before = assess_idle(load_sample().industrial_contracts, "2022-12-30")
    assert not day_before.set_index("contract_id").loc["GY001", "idle"]


# ------------------------------------------------------------------ bad records


@pytest.mark.parametrize(("row", "match"), [
    ({"agreed_completion_date": "2020-01-01"},
     r"column 'agreed_completion_date', row 1 \(contract_id T1\): agreed_completion_date is "
     r"not after agreed_start_date \(dates in the wrong order\)\. Fix"),
    ({"developed_area_ha": 4.5},
     r"column 'developed_area_ha', row 1 \(contract_id T1\): developed share 1\.5 is above 1"),
    ({"land_price_wan_yuan": -5},
     r"column 'land_price_wan_yuan', row 1 \(contract_id T1\): -5 is out of range"),
    ({"suspended_since": "2021-01-01"},
     r"column 'actual_start_date'.*a suspension is given but development never started"),
    ({"signed_date": "2020-13-01"}, r"'2020-13-01' is not a date"),
])
def test_bad_records_name_the_record(row, match):
    with pytest.raises(InputError, match=match):
        assess_idle(frame(row), "2022-12-31", source="contracts.csv")


def test_bad_as_of_and_rules():
    with pytest.raises(InputError, match=r"as-of date '2022-02-30' is not a date; write"):
        assess_idle(frame({}), "2022-02-30")
    with pytest.raises(InputError, match=r"(IdleRules|idle)\.fee_rate = 1.5 \[fraction\] is "
                       "out of range; allowed 0 to 1"):
        IdleRules(fee_rate=1.5)
    with pytest.raises(InputError, match="recovery_after_years = 1 must be >= "
                       "fee_after_years = 2"):
        IdleRules(fee_after_years=2, recovery_after_years=1)


# ------------------------------------------------------------------ property

dates = st.dates(min_value=pd.Timestamp("2019-06-01").date(),
                 max_value=pd.Timestamp("2026-01-01").date())


@settings(max_examples=60, deadline=None)
@given(start=st.one_of(st.none(), dates), suspend_days=st.one_of(st.none(),
       st.integers(0, 900)), developed=st.floats(0, 3), invested=st.floats(0, 8000),
       d1=dates, gap=st.integers(0, 1500))
def test_later_as_of_never_un_idles_unless_development_starts(start, suspend_days, developed,
                                                              invested, d1, gap):
    row = {"developed_area_ha": developed, "invested_wan_yuan": invested}
    if start is not None:
        row["actual_start_date"] = (pd.Timestamp("2020-03-01") + pd.Timedelta(
            days=(start - pd.Timestamp("2019-06-01").date()).days)).strftime("%Y-%m-%d")
        if suspend_days is not None:
            row["suspended_since"] = (pd.Timestamp(row["actual_start_date"])
                                      + pd.Timedelta(days=suspend_days)).strftime("%Y-%m-%d")
    early = pd.Timestamp(d1)
    late = early + pd.Timedelta(days=gap)
    a = one(early.strftime("%Y-%m-%d"), **row)
    b = one(late.strftime("%Y-%m-%d"), **row)
    if a["idle"] and not b["idle"]:
        started = pd.Timestamp(row["actual_start_date"])  # only a start in between un-idles
        assert early < started <= late
