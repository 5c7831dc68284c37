"""County summaries against hand computations on a five-parcel table."""

from __future__ import annotations

import pandas as pd
import pytest

from landsim.parcels import (
    EligibilityRules,
    county_summary,
    land_class_table,
    pbf_eligible,
    township_table,
)
from landsim.units import format_ha_mu, ha_to_mu, m2_to_ha, mu_to_ha


@pytest.fixture
def five() -> pd.DataFrame:
    return pd.DataFrame({
        "parcel_id": ["a", "b", "c", "d", "e"],
        "township": ["T1", "T1", "T2", "T2", "T2"],
        "land_class": ["0103", "0102", "0103", "0301", "0103"],
        "area_ha": [2.0, 3.0, 4.0, 10.0, 1.0],
        "quality_grade": [8, 5, 9, None, 7],
        "slope_deg": [10.0, 2.0, 25.0, 30.0, 25.5],
        "in_eco_redline": [False, False, False, True, False],
        "in_udb": [False, True, False, False, False],
        "stable": [True, True, True, False, True],
        "is_pbf": [True, True, False, False, True],
    })


def test_eligibility_rules(five):
    assert pbf_eligible(five).tolist() == [True, False, True, False, False]
    relaxed = EligibilityRules(max_slope_deg=26, exclude_udb=False)
    assert pbf_eligible(five, relaxed).tolist() == [True, True, True, False, True]


def test_eligibility_rejects_bad_slope():
    with pytest.raises(ValueError, match=r"max_slope_deg = -1 \[degree\] is out of range; allowed 0 to 90"):
        EligibilityRules(max_slope_deg=-1)


def test_county_summary(five):
    s = county_summary(five)
    assert s == {"parcels": 5, "townships": 2, "area_ha": 20.0, "cultivated_ha": 10.0,
                 "pbf_ha": 6.0, "eligible_ha": 6.0, "pbf_ineligible_ha": 4.0,
                 "eco_redline_ha": 10.0, "udb_ha": 3.0}


def test_land_class_table_has_mu_and_shares(five):
    t = land_class_table(five).set_index("land_class")
    assert t.loc["0103", "area_ha"] == 7.0
    assert t.loc["0103", "area_mu"] == 105.0
    assert t.loc["0103", "parcels"] == 3
    assert t["share_pct"].sum() == pytest.approx(100.0)
    assert t.loc["0301", "name"] == "乔木林地 forest"


def test_township_table(five):
    t = township_table(five).set_index("township")
    assert t.loc["T1"].to_dict() == pytest.approx({
        "parcels": 2, "area_ha": 5.0, "area_mu": 75.0, "cultivated_ha": 5.0,
        "cultivated_mu": 75.0, "pbf_ha": 5.0, "pbf_mu": 75.0, "eligible_ha": 2.0,
        "eligible_mu": 30.0})
    assert t.loc["T2", "pbf_ha"] == 1.0


def test_units_scalar_array_series():
    assert ha_to_mu(1.0) == 15.0
    assert mu_to_ha(pd.Series([15.0, 30.0])).tolist() == [1.0, 2.0]
    assert m2_to_ha(25_000) == 2.5
    assert format_ha_mu(1234.5) == "1,234.5 ha (18,517.5 mu)"
