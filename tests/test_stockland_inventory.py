"""The one stock inventory: Order No. 53 decides idle land; every path reads the same figures."""

from __future__ import annotations

import pandas as pd
import pytest

from landsim import InputError, load_sample
from landsim.datasets import county_from_synthetic
from landsim.quota.stock import inventory_date, stock_inventory, unsupplied_cohorts
from landsim.stockland import assess_stock
from landsim.stockland.inventory import (
    LAND_COLUMNS,
    PLAN_COLUMNS,
    STOCK_COLUMNS,
    build_inventories,
    build_inventory,
    county_inventory,
    supply_rate,
    unsupplied_by_batch,
)

CONTRACT = {
    "township": "X", "enterprise": "E", "industry_code": 31, "area_ha": 3.0,
    "land_price_wan_yuan": 1000.0, "signed_date": "2019-01-01",
    "agreed_start_date": "2020-03-01", "agreed_completion_date": "2022-03-01",
    "actual_start_date": "", "developed_area_ha": 0.0, "agreed_investment_wan_yuan": 8000.0,
    "invested_wan_yuan": 0.0, "suspended_since": "", "idle_cause": "enterprise",
    "agreed_plot_ratio": 1.0, "floor_area_m2": 0.0, "building_footprint_m2": 0.0,
    "admin_area_m2": 0.0, "green_area_m2": 0.0, "annual_output_wan_yuan": 0.0,
    "annual_tax_wan_yuan": 0.0,
}
STARTED = {"actual_start_date": "2020-02-01", "developed_area_ha": 3.0,
           "invested_wan_yuan": 8000.0}


def contracts(**rows: dict) -> pd.DataFrame:
    """Contracts by id; a row given as {} is idle (not started) from 2021-03-01."""
    return pd.DataFrame([{**CONTRACT, "contract_id": cid, **r} for cid, r in rows.items()])


def plots(*rows: tuple) -> pd.DataFrame:
    cols = ["plot_id", "township", "category", "area_ha", "land_use", "identified_year",
            "contract_id", "disposed_year"]
    return pd.DataFrame([dict(zip(cols, r, strict=True)) for r in rows])


BATCHES = pd.DataFrame({"batch_id": ["b1", "b2"], "township": ["X", "Y"],
                        "approval_year": [2020, 2023], "approved_ha": [10.0, 4.0],
                        "supplied_ha": [6.0, 0.0]})


@pytest.fixture(scope="module")
def sample():
    return load_sample()


# ----------------------------------------------------------------------------- rules


def test_order_53_decides_over_the_recorded_category():
    c = contracts(C1={}, C2=STARTED, C3={})
    p = plots(("P1", "X", "inefficient", 3.0, "industrial", 2021, "C1", None),  # idle contract
              ("P2", "X", "idle", 3.0, "industrial", 2021, "C2", None),  # started: not idle
              ("P3", "Y", "inefficient", 2.0, "public", 2020, None, None))
    inv = build_inventory(BATCHES, p, c, "2022-12-31")
    land = inv.land.set_index("plot_id")
    assert land.loc["P1", "stock_category"] == "idle"
    assert land.loc["P2", "stock_category"] == ""
    assert "not idle under Order No. 53" in land.loc["P2", "rule"]
    assert land.loc["P3", "stock_category"] == "inefficient"
    # C3 is idle with no stock plot on record: idle land with the contract's area
    extra = inv.land[inv.land["contract_id"] == "C3"].iloc[0]
    assert (extra["plot_id"], extra["stock_category"], extra["area_ha"]) == ("", "idle", 3.0)
    assert inv.totals()["idle_ha"] == pytest.approx(6.0)
    assert tuple(inv.land.columns) == LAND_COLUMNS


def test_the_date_decides_idle_land_and_what_is_on_record():
    c = contracts(C1={})
    p = plots(("P1", "X", "idle", 3.0, "industrial", 2021, "C1", None),
              ("P2", "X", "inefficient", 1.0, "public", 2023, None, None))
    early = build_inventory(BATCHES, p, c, "2021-02-28")  # one day before the anniversary
    assert early.totals()["idle_ha"] == 0.0
    assert early.totals()["inefficient_ha"] == 0.0  # P2 identified in 2023: not yet on record
    assert early.totals()["unsupplied_ha"] == 4.0  # b2 approved in 2023 is left out
    late = build_inventory(BATCHES, p, c, "2023-12-31")
    assert (late.totals()["idle_ha"], late.totals()["inefficient_ha"]) == (3.0, 1.0)
    assert late.totals()["unsupplied_ha"] == 8.0


def test_accepted_disposal_ends_the_idle_case():
    c = contracts(C1={}, C2={})
    p = plots(("P1", "X", "idle", 3.0, "industrial", 2021, "C1", 2022),
              ("P2", "X", "idle", 2.5, "industrial", 2021, "C2", 2024))
    t = build_inventory(BATCHES, p, c, "2022-12-31").totals()
    assert t["idle_ha"] == 2.5  # P2's disposal is accepted only in 2024
    assert t["idle_disposed_ha"] == 3.0
    assert t["idle_identified_ha"] == 5.5


def test_idle_plot_without_a_contract_is_taken_as_recorded():
    p = plots(("P1", "X", "idle", 1.5, "industrial", 2020, None, None))
    with_contracts = build_inventory(BATCHES, p, contracts(C1=STARTED), "2022-12-31")
    row = with_contracts.land.set_index("plot_id").loc["P1"]
    assert (row["stock_category"], row["basis"]) == ("idle", "recorded idle (no contract to test)")
    assert build_inventory(BATCHES, p).totals()["idle_ha"] == 1.5


def test_without_a_date_every_record_counts_and_contracts_need_a_date():
    p = plots(("P1", "X", "idle", 1.0, "industrial", 2030, None, 2029),
              ("P2", "X", "idle", 2.0, "industrial", 2030, None, None))
    t = build_inventory(BATCHES, p).totals()
    assert (t["idle_ha"], t["unsupplied_ha"]) == (2.0, 8.0)
    with pytest.raises(InputError, match="needs an as-of date"):
        build_inventory(BATCHES, p, contracts(C1={}))
    with pytest.raises(InputError, match=r"contract_id C9 not in the industrial contracts"):
        build_inventory(BATCHES, plots(("P1", "X", "idle", 1.0, "industrial", 2020, "C9",
                                        None)), contracts(C1={}), "2022-12-31")


def test_bad_tables():
    with pytest.raises(InputError, match="unknown category"):
        build_inventory(BATCHES, plots(("P1", "X", "vacant", 1.0, "public", 2020, None, None)))
    with pytest.raises(InputError, match=r"\['b1'\]: supplied_ha exceeds approved_ha"):
        unsupplied_by_batch(BATCHES.assign(supplied_ha=[11.0, 0.0]))
    with pytest.raises(InputError, match="missing column"):
        build_inventory(BATCHES.drop(columns="approved_ha"), None)


def test_by_township_and_supply_rate():
    inv = build_inventory(BATCHES, plots(("P1", "Z", "inefficient", 2.0, "public", 2020, None,
                                          None)), as_of="2023-12-31")
    table = inv.by_township()
    assert tuple(table.columns) == STOCK_COLUMNS
    assert table.to_dict("index") == {
        "X": {"unsupplied_ha": 4.0, "idle_ha": 0.0, "inefficient_ha": 0.0},
        "Y": {"unsupplied_ha": 4.0, "idle_ha": 0.0, "inefficient_ha": 0.0},
        "Z": {"unsupplied_ha": 0.0, "idle_ha": 0.0, "inefficient_ha": 2.0}}
    assert inv.by_township(["Z", "W"]).index.tolist() == ["Z", "W"]
    assert float(inv.supply_rate().iloc[0]) == pytest.approx(6.0 / 14.0)
    assert float(supply_rate(BATCHES, 2022, level="county").iloc[0]) == pytest.approx(0.6)
    with pytest.raises(InputError, match="no as-of date"):
        build_inventory(BATCHES, None).supply_rate()


# ----------------------------------------------------------------------------- the sample


def test_sample_figures_are_the_order_53_figures(sample):
    inv = county_inventory(sample, "2022-12-31")
    t = inv.totals()
    assert t["idle_ha"] == pytest.approx(32.49)  # not the 45.16 ha recorded as idle
    assert t["unsupplied_ha"] == pytest.approx(127.9)
    assert t["inefficient_ha"] == pytest.approx(85.94)
    assert t["idle_disposed_ha"] == pytest.approx(7.0)
    land = inv.land.set_index("plot_id")
    not_idle = land[(land["recorded_category"] == "idle") & ~land["idle_case"]]
    assert {"XZ002", "XZ003"} <= set(not_idle.index)  # recorded idle, not idle by Order 53
    assert (not_idle["stock_category"] == "").all()
    assert (not_idle["basis"] == "Order No. 53").all()
    order53 = inv.idle
    # identified = still idle + disposed (accepted): both decided by Order No. 53
    assert t["idle_ha"] + t["idle_disposed_ha"] == pytest.approx(
        order53.loc[order53["idle"], "area_ha"].sum())


def _same_stock(county) -> None:
    """The quota engine's, stock assess's and the inventory's per-township stock agree."""
    as_of = inventory_date(int(county.population["year"].max()))
    inv = county_inventory(county, as_of)
    towns = sorted(county.population["township"].unique())
    quota = stock_inventory(county.supply_batches, county.stock_plots, towns,
                            contracts=county.industrial_contracts, as_of=as_of)
    assessed = assess_stock(county, as_of).inventory.set_index("township")
    pd.testing.assert_frame_equal(quota, inv.by_township(towns))
    pd.testing.assert_frame_equal(assessed, inv.by_township(), check_names=False)
    cohorts = unsupplied_cohorts(county.supply_batches[
        county.supply_batches["approval_year"] <= int(as_of[:4])])
    assert cohorts["unsupplied_ha"].sum() == pytest.approx(inv.totals()["unsupplied_ha"])


def test_three_paths_read_one_inventory_on_the_sample(sample):
    _same_stock(sample)


def test_three_paths_read_one_inventory_on_a_generated_county(small_county):
    _same_stock(county_from_synthetic(small_county))


def test_assessment_summary_and_plan_come_from_the_inventory(sample):
    result = assess_stock(sample, "2022-12-31")
    s = result.summary()
    assert s["idle_ha"] == pytest.approx(result.stock.totals()["idle_ha"], abs=0.005)
    redev = result.redevelopment.set_index("plot_id")
    assert redev.loc["XZ003", "stock_category"] == ""
    assert "not idle under Order No. 53" in redev.loc["XZ003", "stock_rule"]
    # only plots that are idle stock under Order No. 53 enter the idle disposal plan
    plan = result.disposal_plan
    assert tuple(plan.columns) == PLAN_COLUMNS
    planned = result.redevelopment[(result.redevelopment["category"] == "idle")
                                   & result.redevelopment["planned_disposal_year"].notna()]
    idle_stock = planned[planned["stock_category"] == "idle"]
    assert plan.loc[plan["category"] == "idle", "area_ha"].sum() == pytest.approx(
        idle_stock["area_ha"].sum())


def test_inventories_at_several_dates_equal_one_at_a_time(sample):
    dates = ["2019-12-31", "2021-06-30", "2022-12-31"]
    many = build_inventories(sample.supply_batches, sample.stock_plots,
                             sample.industrial_contracts, dates)
    for inv, day in zip(many, dates, strict=True):
        assert inv.totals() == county_inventory(sample, day).totals()
