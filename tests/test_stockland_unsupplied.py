"""批而未供: inventory, the 60 % floor exactly, disposal plan in the quota engine's format."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landsim import InputError, load_sample
from landsim.quota.stock import project_stock, stock_inventory
from landsim.stockland import (
    PLAN_COLUMNS,
    UnsuppliedRules,
    disposal_series,
    supply_rate_history,
    supply_rate_table,
    unsupplied_by_year,
    unsupplied_inventory,
)


def batches(*rows) -> pd.DataFrame:
    cols = ["batch_id", "township", "approval_year", "approved_ha", "supplied_ha",
            "intended_use", "disposal_target_year"]
    return pd.DataFrame([dict(zip(cols, r, strict=True)) for r in rows])


B = batches(("a", "X", 2018, 10.0, 6.0, "public", 2024),   # 4 ha left, planned 2023-2024
            ("b", "X", 2020, 20.0, 12.0, "industrial", 2021),  # 8 ha left, overdue
            ("c", "Y", 2022, 5.0, 5.0, "public", None),      # fully supplied
            ("d", "Y", 2016, 3.0, 0.0, "public", None),      # unplanned, outside the window
            ("e", "Y", 2023, 9.0, 0.0, "public", None))      # after the as-of year


def test_inventory_status_and_rule():
    inv = unsupplied_inventory(B, 2022).set_index("batch_id")
    assert list(inv.index) == ["d", "a", "b", "c"]  # sorted by approval year; e left out
    assert inv["plan_status"].to_dict() == {"d": "unplanned", "a": "planned", "b": "overdue",
                                            "c": "supplied"}
    assert inv.loc["b", "unsupplied_ha"] == 8.0 and inv.loc["b", "unsupplied_mu"] == 120.0
    assert inv.loc["a", "supplied_share"] == 0.6
    assert inv["in_rate_window"].to_dict() == {"d": False, "a": True, "b": True, "c": True}
    assert inv.loc["b", "rule"] == ("target year passed with land still unsupplied: 20.00 ha "
                                    "approved 2020, 12.00 ha supplied, target 2021, as of 2022")
    by_year = unsupplied_by_year(unsupplied_inventory(B, 2022)).set_index("approval_year")
    assert by_year.loc[2020, "supply_rate"] == 0.6


def test_supply_rate_exactly_at_the_floor_meets_it():
    # window 2018-2022: supplied 6 + 12 + 5 = 23 of 35 approved = 65.7 %; X: 18/30 = 60 %
    table = supply_rate_table(B, 2022).set_index("township")
    assert table.loc["X", "supply_rate"] == pytest.approx(0.6)
    assert table.loc["X", "meets_floor"]  # exactly 60 % meets the >= 60 % floor
    assert table.loc["county", "supply_rate"] == pytest.approx(23 / 35)
    assert table.loc["county", "level"] == "county"
    just_below = batches(("a", "X", 2020, 10.0, 5.999, "public", None))
    assert not supply_rate_table(just_below, 2022).set_index("township").loc["X", "meets_floor"]
    assert "18.00 / 30.00 ha approved 2018-2022 = 60.0% >= 60%" == table.loc["X", "rule"]


def test_window_length_is_a_parameter():
    table = supply_rate_table(B, 2022, UnsuppliedRules(window_years=7)).set_index("township")
    assert table.loc["Y", "supply_rate"] == pytest.approx(5 / 8)  # d (2016) now counts


def test_history_has_nan_for_empty_windows():
    hist = supply_rate_history(B, [2010, 2022]).set_index("last_year")
    assert np.isnan(hist.loc[2010, "supply_rate"])
    # nothing approved: the floor is not applied (the quota engine's treatment too)
    assert not hist.loc[2010, "floor_applies"] and hist.loc[2010, "meets_floor"]
    assert hist.loc[2022, "supply_rate"] == pytest.approx(23 / 35)


def test_disposal_series_spreads_to_the_target_and_feeds_the_quota_engine():
    inv = unsupplied_inventory(B, 2022)
    series = disposal_series(inv)
    assert tuple(series.columns) == PLAN_COLUMNS
    got = {(int(y), t): a for y, t, a in series[["year", "township", "area_ha"]].values}
    assert got == {(2023, "X"): 2.0 + 8.0, (2024, "X"): 2.0}  # overdue b all in 2023
    stock = project_stock(stock_inventory(B[B.approval_year <= 2022], pd.DataFrame(
        columns=["township", "category", "area_ha"])), [2023, 2024, 2025], plan=series)
    np.testing.assert_allclose(stock.disposed["unsupplied"][0, :, 0], [10.0, 2.0, 0.0])


def test_sample_supply_rate_is_the_one_definition():
    county = load_sample()
    from landsim.quota import stock as quota_stock
    from landsim.stockland import inventory

    assert quota_stock.supply_rate is inventory.supply_rate  # one function, not a copy
    table = supply_rate_table(county.supply_batches, 2022).set_index("township")
    assert table.loc["county", "supply_rate"] == pytest.approx(
        float(inventory.supply_rate(county.supply_batches, 2022, 5, "county").iloc[0]))


def test_bad_batches():
    bad = batches(("a", "X", 2020, 10.0, 4.0, "public", 2019))
    with pytest.raises(InputError, match=r"column 'disposal_target_year', row 1 \(batch_id a\)"
                       r": target year before the approval year"):
        unsupplied_inventory(bad, 2022)
    over = batches(("a", "X", 2020, 10.0, 14.0, "public", None))
    with pytest.raises(InputError, match="supplied area exceeds approved_ha"):
        unsupplied_inventory(over, 2022)
    with pytest.raises(InputError, match="as-of year must be a whole year"):
        unsupplied_inventory(B, 2022.5)


def test_a_township_without_approvals_in_the_window_is_not_held_to_the_floor():
    old = pd.DataFrame({"batch_id": ["a", "b"], "township": ["X", "Y"],
                        "approval_year": [2022, 2010], "approved_ha": [10.0, 5.0],
                        "supplied_ha": [4.0, 0.0], "intended_use": ["industrial"] * 2})
    table = supply_rate_table(old, 2022).set_index("township")
    assert not table.loc["Y", "floor_applies"] and table.loc["Y", "meets_floor"]
    assert "floor not applied" in table.loc["Y", "rule"]
    assert table.loc["X", "floor_applies"] and not table.loc["X", "meets_floor"]
