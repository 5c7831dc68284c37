"""Stock module: inventory, five-year supply rate, disposal by rate and by plan."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landsim.errors import InputError
from landsim.quota.stock import (
    cohort_arrays,
    disposal_by_plan,
    disposal_by_rate,
    inventory_date,
    project_stock,
    stock_inventory,
    supply_rate,
    supply_rate_from_sums,
    unsupplied_cohorts,
)


@pytest.fixture
def batches() -> pd.DataFrame:
    return pd.DataFrame({
        "batch_id": ["b1", "b2", "b3", "b4", "b5"],
        "township": ["A", "A", "B", "B", "A"],
        "approval_year": [2016, 2018, 2020, 2022, 2022],
        "approved_ha": [10.0, 20.0, 5.0, 8.0, 2.0],
        "supplied_ha": [10.0, 8.0, 5.0, 2.0, 0.0],
    })


@pytest.fixture
def plots() -> pd.DataFrame:
    return pd.DataFrame({
        "plot_id": ["p1", "p2", "p3", "p4"], "township": ["A", "A", "B", "C"],
        "category": ["idle", "inefficient", "idle", "inefficient"],
        "area_ha": [3.0, 4.0, 1.5, 6.0], "land_use": ["industrial"] * 4,
        "identified_year": [2019, 2020, 2021, 2021],
    })


def test_unsupplied_by_approval_year(batches):
    cohorts = unsupplied_cohorts(batches)
    assert cohorts.loc[("A", 2018), "unsupplied_ha"] == 12.0
    assert cohorts.loc[("B", 2022), "unsupplied_ha"] == 6.0
    assert cohorts["unsupplied_ha"].sum() == pytest.approx(20.0)


def test_inventory(batches, plots):
    inv = stock_inventory(batches, plots)
    assert inv.index.tolist() == ["A", "B", "C"]
    assert inv.loc["A"].tolist() == [14.0, 3.0, 4.0]
    assert inv.loc["C"].tolist() == [0.0, 0.0, 6.0]
    assert stock_inventory(batches, plots, ["C", "A"]).index.tolist() == ["C", "A"]


def test_inventory_rejects_bad_tables(batches, plots):
    with pytest.raises(InputError, match="unknown category"):
        stock_inventory(batches, plots.assign(category="vacant"))
    with pytest.raises(InputError, match=r"\['b1'\]: supplied_ha exceeds approved_ha"):
        stock_inventory(batches.assign(supplied_ha=[11.0, 8, 5, 2, 0]), plots)
    with pytest.raises(InputError, match="missing column"):
        stock_inventory(batches.drop(columns="approved_ha"), plots)


def test_five_year_supply_rate_hand_computed(batches):
    # window 2018..2022: A (8 + 0) / (20 + 2) ; B (5 + 2) / (5 + 8); 2016 is outside
    rate = supply_rate(batches, 2022)
    assert rate.loc["A"] == pytest.approx(8 / 22)
    assert rate.loc["B"] == pytest.approx(7 / 13)
    county = supply_rate(batches, 2022, level="county")
    assert county.loc["county"] == pytest.approx(15 / 35)
    # window 2017..2021 for A holds only the 2018 batch: 8 / 20
    assert supply_rate(batches, 2021).loc["A"] == pytest.approx(0.4)
    assert supply_rate(batches, 2012).empty
    with pytest.raises(InputError, match="level must be"):
        supply_rate(batches, 2022, level="city")


def test_supply_rate_from_sums_nan_without_approvals():
    approved = np.array([[10.0, 0.0]])
    supplied = np.array([[6.0, 0.0]])
    rate = supply_rate_from_sums(approved, supplied)
    assert rate[0, 0] == pytest.approx(0.6) and np.isnan(rate[0, 1])
    assert supply_rate_from_sums(approved, supplied, county=True).tolist() == [[0.6, 0.6]]


def test_cohort_arrays(batches):
    years, app, sup = cohort_arrays(batches, ["A", "B"], 2020, 2022)
    assert years.tolist() == [2020, 2021, 2022]
    assert app.tolist() == [[0.0, 5.0], [0.0, 0.0], [2.0, 8.0]]
    assert sup.tolist() == [[0.0, 5.0], [0.0, 0.0], [0.0, 2.0]]


def test_disposal_by_rate_geometric():
    disposed, opening = disposal_by_rate(np.array([100.0, 0.0]), np.full((1, 3, 2), 0.2))
    assert disposed[0, :, 0] == pytest.approx([20.0, 16.0, 12.8])
    assert opening[0, :, 0] == pytest.approx([100.0, 80.0, 64.0])
    assert disposed[0, :, 1].tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(InputError, match="negative rates are invalid"):
        disposal_by_rate(np.array([1.0]), np.full((1, 1, 1), -0.1))


def test_disposal_by_plan_capped_by_stock():
    disposed, opening = disposal_by_plan(np.array([10.0]), np.array([[[4.0], [4.0], [4.0]]]))
    assert disposed.ravel().tolist() == [4.0, 4.0, 2.0]
    assert opening.ravel().tolist() == [10.0, 6.0, 2.0]
    with pytest.raises(InputError, match=">= 0"):
        disposal_by_plan(np.array([10.0]), np.array([[[-1.0]]]))


def test_project_stock_plan_overrides_rate(batches, plots):
    inv = stock_inventory(batches, plots)
    plan = pd.DataFrame({"year": [2024], "township": ["C"], "category": ["inefficient"],
                         "area_ha": [5.0]})
    path = project_stock(inv, [2023, 2024], unsupplied_rate=0.5, idle_rate=1.0,
                         inefficient_rate=0.9, plan=plan)
    assert path.disposed["inefficient"][0, :, 2].tolist() == [0.0, 5.0]  # plan, not 90 %
    assert path.disposed["idle"][0, 0].tolist() == [3.0, 1.5, 0.0]
    assert path.disposed["unsupplied"][0, :, 0] == pytest.approx([7.0, 3.5])
    assert path.total_disposed()[0, 0, 0] == pytest.approx(10.0)
    assert path.total_disposed(["idle"])[0, 0, 0] == pytest.approx(3.0)


@pytest.mark.parametrize(("plan", "match"), [
    ({"year": 2024, "township": "Z", "category": "idle", "area_ha": 1.0}, "unknown township"),
    ({"year": 2040, "township": "A", "category": "idle", "area_ha": 1.0}, "outside the"),
    ({"year": 2024, "township": "A", "category": "vacant", "area_ha": 1.0}, "unknown category"),
])
def test_project_stock_bad_plans(batches, plots, plan, match):
    inv = stock_inventory(batches, plots)
    with pytest.raises(InputError, match=match):
        project_stock(inv, [2023, 2024], plan=pd.DataFrame([plan]))


def test_project_stock_vectorised_rates(batches, plots):
    inv = stock_inventory(batches, plots)
    rates = np.array([0.1, 0.5]).reshape(2, 1, 1)
    path = project_stock(inv, [2023, 2024], idle_rate=rates)
    assert path.disposed["idle"].shape == (2, 2, 3)
    assert path.disposed["idle"][1, 0, 0] == pytest.approx(1.5)


def test_disposed_plots_are_not_stock():
    batches = pd.DataFrame({"batch_id": ["b"], "township": ["A"], "approval_year": [2020],
                            "approved_ha": [10.0], "supplied_ha": [4.0]})
    plots = pd.DataFrame({"plot_id": ["p1", "p2", "p3"], "township": ["A", "A", "A"],
                          "category": ["idle", "idle", "inefficient"],
                          "area_ha": [2.0, 3.0, 5.0],
                          "disposed_year": pd.array([pd.NA, 2021, pd.NA], dtype="Int64")})
    inv = stock_inventory(batches, plots).loc["A"]
    assert inv.tolist() == [6.0, 2.0, 5.0]


def test_inventory_date_is_the_end_of_the_base_year():
    assert inventory_date(2022) == "2022-12-31"


def test_stock_inventory_lets_order_53_decide_with_contracts():
    from landsim import load_sample

    county = load_sample()
    recorded = stock_inventory(county.supply_batches, county.stock_plots)
    decided = stock_inventory(county.supply_batches, county.stock_plots,
                              contracts=county.industrial_contracts, as_of="2022-12-31")
    assert recorded["idle_ha"].sum() == pytest.approx(45.16)  # the plots recorded idle
    assert decided["idle_ha"].sum() == pytest.approx(32.49)  # idle under Order No. 53
    assert decided["unsupplied_ha"].sum() == pytest.approx(127.9)
    assert decided["inefficient_ha"].sum() == pytest.approx(85.94)
    with pytest.raises(InputError, match="needs an as-of date"):
        stock_inventory(county.supply_batches, county.stock_plots,
                        contracts=county.industrial_contracts)


def test_stock_and_supply_rate_have_one_home_in_stockland():
    from landsim.quota import stock
    from landsim.stockland import inventory

    assert stock.supply_rate is inventory.supply_rate
    assert stock.PLAN_COLUMNS is inventory.PLAN_COLUMNS
    assert stock.CATEGORIES is inventory.CATEGORIES
