"""Plan indicators: GB 50137-2011 band and change, elasticity, GDP-land, cultivated land."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landsim.errors import InputError
from landsim.quota.engine import QuotaDrivers, simulate_quota
from landsim.quota.indicators import (
    INDICATOR_COLUMNS,
    elasticity_within_benchmark,
    gdp_land_decline,
    growth_elasticity,
    indicator_table,
    per_capita_checks,
    required_gdp_land_decline,
)
from landsim.quota.params import IndicatorParams, load_policy
from landsim.quota.stock import StockPath


@pytest.mark.parametrize(("pc", "in_band"), [(64.99, False), (65.0, True), (115.0, True),
                                             (115.01, False)])
def test_band_boundaries(pc, in_band):
    assert per_capita_checks(np.array([pc]), pc, IndicatorParams())["in_band"][0] == in_band


@pytest.mark.parametrize(("change", "ok"), [(-25.01, False), (-25.0, True), (20.0, True),
                                            (20.01, False)])
def test_change_limits(change, ok):
    out = per_capita_checks(np.array([100.0 + change]), 100.0, IndicatorParams())
    assert out["change_m2"][0] == pytest.approx(change)
    assert out["change_ok"][0] == ok


def test_elasticity_values_and_benchmark():
    # land +2.24 %, population +2 % -> 1.12: exactly at the benchmark
    e = growth_elasticity(np.array([100.0]), np.array([102.24]), np.array([1000.0]),
                          np.array([1020.0]))
    assert e[0] == pytest.approx(1.12)
    ok = elasticity_within_benchmark(np.array([100.0, 100.0]), np.array([102.24, 102.3]),
                                     np.array([1000.0, 1000.0]), np.array([1020.0, 1020.0]),
                                     1.12)
    assert ok.tolist() == [True, False]
    # no population growth: NaN elasticity; growing land fails, stable land passes
    assert np.isnan(growth_elasticity(np.array([1.0]), np.array([2.0]), np.array([5.0]),
                                      np.array([5.0]))[0])
    assert elasticity_within_benchmark(np.array([1.0, 1.0]), np.array([1.0, 1.1]),
                                       np.array([5.0, 5.0]), np.array([4.0, 4.0]),
                                       1.12).tolist() == [True, False]


def test_gdp_land_decline_and_required_path():
    # land/GDP: base 1000/10 = 100, now 1050/15 = 70 -> 30 % decline
    assert float(gdp_land_decline(np.array(1050.0), np.array(15.0), 1000.0, 10.0)) == \
        pytest.approx(0.3)
    req = required_gdp_land_decline(np.array([2020, 2027.5, 2035, 2040]), IndicatorParams())
    assert req[0] == 0.0 and req[2] == pytest.approx(0.4)
    assert req[1] == pytest.approx(1 - 0.6**0.5)
    assert req[3] > 0.4


def _result(policy=None):
    years = np.array([2023, 2024])
    zeros = np.zeros((1, 2, 1))
    stock = StockPath(years=years, townships=("A",),
                      opening={c: zeros for c in ("unsupplied", "idle", "inefficient")},
                      disposed={c: zeros for c in ("unsupplied", "idle", "inefficient")})
    drivers = QuotaDrivers(
        years=years, townships=("A",), settled_migrants=1000.0,
        urban_pop=np.array([[[1100.0], [1200.0]]]), base_urban_pop=np.array([1000.0]),
        base_urban_land_ha=np.array([10.0]), udb_base_urban_land_ha=np.array([100.0]),
        stock=stock, key_projects_ha=0.0, cohort_years=np.array([], dtype=int),
        cohort_approved=np.zeros((0, 1)), cohort_supplied=np.zeros((0, 1)))
    return simulate_quota(drivers, policy or load_policy())


def test_indicator_table_hand_computed():
    res = _result()
    # 2023: e = 100 -> 10 ha new -> 20 ha for 1,100 people; 2024: e = 181.8 -> 50 m2 -> 5 ha
    gdp = pd.Series({2020: 10.0, 2023: 12.0, 2024: 13.0})
    land = pd.Series({2020: 100.0, 2022: 110.0})
    table = indicator_table(res, construction_land_ha=land, gdp_yi_yuan=gdp)
    assert tuple(table.columns) == INDICATOR_COLUMNS
    assert table["per_capita_urban_land_m2"].tolist() == pytest.approx(
        [20.0 * 1e4 / 1100, 25.0 * 1e4 / 1200])
    assert table["per_capita_change_m2"].iloc[0] == pytest.approx(20e4 / 1100 - 100.0)
    assert table["in_band"].tolist() == [False, False]
    assert table["elasticity"].iloc[0] == pytest.approx(1.0 / 0.1)
    assert not table["elasticity_ok"].iloc[0]
    assert table["construction_land_ha"].tolist() == pytest.approx([120.0, 125.0])
    assert table["gdp_land_decline"].iloc[0] == pytest.approx(1 - (120 / 12) / (100 / 10))
    assert table["cultivated_occupied_ha"].tolist() == pytest.approx([5.0, 2.5])


def test_indicator_table_without_gdp_and_cultivated_share():
    res = _result(load_policy(indicators__cultivated_share=0.2))
    table = indicator_table(res)
    assert table["gdp_land_decline"].isna().all()
    assert table["cultivated_occupied_ha"].tolist() == pytest.approx([2.0, 1.0])
    with pytest.raises(InputError, match="base year 2022"):
        indicator_table(res, construction_land_ha=pd.Series({2020: 1.0}))
    with pytest.raises(InputError, match="missing GDP years"):
        indicator_table(res, construction_land_ha=pd.Series({2020: 1.0, 2022: 1.0}),
                        gdp_yi_yuan=pd.Series({2020: 1.0}))
