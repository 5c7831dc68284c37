"""The PBF layout within the law: correction (错划纠正), optimisation under the 5 % township
cap (优进劣出), and the checks of every rule per township and county (issue 19)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from landsim.errors import InfeasibleError, InputError
from landsim.farmland import (
    RULES,
    FarmlandLayoutModel,
    correct_layout,
    failed_rules,
    ineligibility_reasons,
    plan_layout,
    rule_checks,
)
from landsim.farmland.metrics import TOTAL_ROW
from landsim.farmland.rules import FarmlandRules
from landsim.units import format_ha_mu

SHARE = FarmlandRules().township_adjust_share
RATIO = FarmlandRules().compensation_ratio


def frame(*rows: dict) -> pd.DataFrame:
    """Parcels of design 5.1: every parcel eligible unless a row says otherwise."""
    base = {"township": "t", "land_class": "0101", "quality_grade": 5, "slope_deg": 2.0,
            "in_eco_redline": False, "in_udb": False, "stable": True, "is_pbf": False,
            "in_pbf_reserve": False}
    table = pd.DataFrame([{**base, **row} for row in rows])
    table["quality_grade"] = pd.array(table["quality_grade"], dtype="Float64")
    return table


# ----------------------------------------------------------------------------- correction
def test_ineligibility_reasons_name_every_criterion():
    parcels = frame(
        {"parcel_id": "ok", "area_ha": 1.0},
        {"parcel_id": "steep", "area_ha": 1.0, "slope_deg": 25.1},
        {"parcel_id": "edge", "area_ha": 1.0, "slope_deg": 25.0},
        {"parcel_id": "red", "area_ha": 1.0, "in_eco_redline": True, "stable": False},
        {"parcel_id": "udb", "area_ha": 1.0, "in_udb": True},
        {"parcel_id": "forest", "area_ha": 1.0, "land_class": "0301", "quality_grade": None})
    reasons = ineligibility_reasons(parcels).tolist()
    assert reasons[0] == "" and reasons[2] == ""  # 25° itself is allowed
    assert reasons[1] == "slope 25.1° > 25°"
    assert "ecological red line" in reasons[3] and "unstable" in reasons[3]
    assert "urban development boundary" in reasons[4]
    assert reasons[5] == "not cultivated (land class 0301)"


def _reserve_case() -> pd.DataFrame:
    # b (2 ha, slope 30°) must leave; n is better land than the reserve parcel r
    return frame(
        {"parcel_id": "k", "area_ha": 10.0, "is_pbf": True},
        {"parcel_id": "b", "area_ha": 2.0, "quality_grade": 8, "slope_deg": 30.0,
         "is_pbf": True},
        {"parcel_id": "n", "area_ha": 2.0, "quality_grade": 3},
        {"parcel_id": "r", "area_ha": 2.0, "quality_grade": 5, "in_pbf_reserve": True})


def test_correction_takes_the_reserve_first():
    result = correct_layout(_reserve_case())
    assert result.layout["correction"].tolist() == ["kept", "removed", "none", "replacement"]
    assert result.layout["reason"].tolist() == ["", "slope 30.0° > 25°", "",
                                                "reserve 储备区"]
    assert (result.removed_ha, result.replaced_ha, result.from_reserve_ha) == (2.0, 2.0, 2.0)
    # without the reserve the better land comes in
    plain = correct_layout(_reserve_case().drop(columns="in_pbf_reserve"))
    assert plain.layout["correction"].tolist() == ["kept", "removed", "replacement", "none"]
    assert plain.from_reserve_ha == 0.0
    assert plain.layout.loc[2, "reason"] == "eligible land outside the reserve"


def test_correction_beyond_the_reserve_uses_other_land():
    parcels = _reserve_case()
    parcels.loc[parcels["parcel_id"] == "r", "area_ha"] = 1.0  # reserve too small
    parcels = pd.concat([parcels, frame({"parcel_id": "m", "area_ha": 1.0})],
                        ignore_index=True)
    result = correct_layout(parcels)
    brought = result.parcels.set_index("parcel_id")
    assert set(brought.index[brought["correction"] == "replacement"]) == {"r", "m"}
    assert result.from_reserve_ha == 1.0 and result.replaced_ha == 2.0
    row = result.by_township.loc["t"]
    assert row["ineligible_ha"] == 2.0 and row["slope_ha"] == 2.0
    assert row["mean_grade_corrected"] <= row["mean_grade_before"]


def test_correction_that_needs_the_reserve_land():
    # b sits in the red line; only the reserve parcel keeps the mean grade (5.0)
    parcels = frame(
        {"parcel_id": "k", "area_ha": 10.0, "is_pbf": True},
        {"parcel_id": "b", "area_ha": 2.0, "in_eco_redline": True, "is_pbf": True},
        {"parcel_id": "r", "area_ha": 2.0, "quality_grade": 4, "in_pbf_reserve": True},
        {"parcel_id": "n", "area_ha": 2.0, "quality_grade": 9})
    result = correct_layout(parcels)
    assert result.parcels["parcel_id"].tolist() == ["b", "r"]
    assert result.from_reserve_ha == 2.0
    without = parcels[parcels["parcel_id"] != "r"]
    expected = (10 * 5 + 2 * 9) / 12
    with pytest.raises(InfeasibleError, match=re.escape(
            f"correction t: even the best-grade replacement of {format_ha_mu(2.0)} gives "
            f"mean grade {expected:.3f} > 5.000 before")):
        correct_layout(without)


@pytest.mark.parametrize(("column", "values", "match"), [
    ("area_ha", [10.0, -2.0, 2.0, 2.0], r"area_ha must be a number > 0 \[ha\]; parcels b"),
    ("in_pbf_reserve", ["no", "no", "maybe", "yes"],
     r"column in_pbf_reserve has values that are not booleans at rows 2"),
    ("parcel_id", ["k", "k", "n", "r"], r"parcel_id must be unique; repeated: k"),
])
def test_correction_rejects_malformed_parcels(column, values, match):
    parcels = _reserve_case().assign(**{column: values})
    with pytest.raises(InputError, match=match):
        correct_layout(parcels)


def test_correction_short_of_land_names_the_township_and_the_shortfall():
    parcels = frame(
        {"parcel_id": "k", "area_ha": 10.0, "is_pbf": True},
        {"parcel_id": "b", "area_ha": 3.0, "in_udb": True, "is_pbf": True},
        {"parcel_id": "c", "area_ha": 1.25})
    with pytest.raises(InfeasibleError, match=re.escape(
            f"correction t: {format_ha_mu(3.0)} of ineligible PBF must be replaced but only "
            f"{format_ha_mu(1.25)} of eligible non-PBF land is in the township (short by "
            f"{format_ha_mu(1.75)})")):
        correct_layout(parcels)


def test_correction_is_not_counted_against_the_township_cap():
    # a fifth of the township's PBF is ineligible: far above the 5 % cap
    parcels = frame(
        {"parcel_id": "k", "area_ha": 8.0, "is_pbf": True},
        {"parcel_id": "b", "area_ha": 2.0, "slope_deg": 31.0, "is_pbf": True},
        {"parcel_id": "c", "area_ha": 2.2, "quality_grade": 4})
    one_stage = FarmlandLayoutModel.from_parcels(parcels, township_share_rule=True)
    cap = SHARE * 10.0
    with pytest.raises(InfeasibleError, match=re.escape(
            f"township cap t: {format_ha_mu(2.0)} of PBF (20.0%) must be removed (ineligible "
            f"or locked out) but at most {SHARE:.0%} of the township's PBF = "
            f"{format_ha_mu(cap)} may be (over by {format_ha_mu(2.0 - cap)})")):
        one_stage.solve()
    plan = plan_layout(parcels)
    assert plan.all_passed and plan.legal
    assert plan.correction.removed_ha == 2.0
    assert plan.layout["correction"].tolist() == ["kept", "removed", "replacement"]
    cap_row = plan.checks.query("township == 't' and rule == 'township_cap'").iloc[0]
    assert cap_row["value"] == 0.0 and cap_row["passed"]


# ----------------------------------------------------------------------------- the cap
def _cap_case(kept_ha: float) -> pd.DataFrame:
    # removing w (1 ha of grade 10) for c (1.1 ha of grade 1) is the one improvement
    return frame(
        {"parcel_id": "k", "area_ha": kept_ha, "is_pbf": True},
        {"parcel_id": "w", "area_ha": 1.0, "quality_grade": 10, "is_pbf": True},
        {"parcel_id": "c", "area_ha": 1.1, "quality_grade": 1})


def test_a_township_at_exactly_the_cap_may_be_adjusted():
    plan = plan_layout(_cap_case(19.0))  # w is exactly 5 % of the township's 20 ha
    assert plan.layout["optimisation"].tolist() == ["kept", "removed", "added"]
    assert plan.adjustment.loc["t", "removed_pct"] == pytest.approx(100 * SHARE)
    assert bool(plan.adjustment.loc["t", "within_cap"])
    row = plan.checks.query("township == 't' and rule == 'township_cap'").iloc[0]
    assert row["value"] == pytest.approx(row["limit"]) and row["passed"]
    assert plan.all_passed


def test_just_above_the_cap_nothing_moves_unless_the_what_if_lifts_it():
    plan = plan_layout(_cap_case(18.9))  # w is 1 / 19.9 = 5.03 % of the PBF
    assert plan.layout["optimisation"].tolist() == ["kept", "kept", "none"]
    assert plan.all_passed and plan.what_if == ()
    what_if = plan_layout(_cap_case(18.9), what_if_no_township_cap=True)
    assert what_if.layout["optimisation"].tolist() == ["kept", "removed", "added"]
    assert what_if.what_if == ("no_township_cap",) and not what_if.legal
    assert what_if.failed == ["township_cap (t, total)"]
    assert what_if.what_if_text().startswith("WHAT-IF")
    assert what_if.lines()[0] == what_if.what_if_text()
    assert "FAILED township_cap (t, total)" in what_if.checks_text()
    summary = what_if.summary()
    assert summary["legal"] is False and summary["all_passed"] is False
    assert summary["what_if"] and summary["optimisation"]["township_cap"] is False


def test_per_township_rules_keep_each_township_whole():
    parcels = frame(
        {"parcel_id": "a1", "township": "A", "area_ha": 10.0, "quality_grade": 9,
         "is_pbf": True},
        {"parcel_id": "b1", "township": "B", "area_ha": 11.0, "quality_grade": 1})
    free = FarmlandLayoutModel.from_parcels(parcels).solve()
    assert free.layout["change"].tolist() == ["removed", "added"]  # B gains, A loses
    model = FarmlandLayoutModel.from_parcels(parcels, per_township_rules=True)
    assert model.solve().layout["change"].tolist() == ["kept", "none"]
    assert model.violations(np.array([False, True])) == ["compensation A"]
    assert model.shortfalls(np.array([False, True]))[0][1] == (
        f"compensation A: added {format_ha_mu(0.0)} < {format_ha_mu(RATIO * 10.0)} (short by "
        f"{format_ha_mu(RATIO * 10.0)})")


def test_solver_infeasibility_says_which_rule_and_by_how_much():
    # each rule passes its own check; together B's target breaks the quality rule
    parcels = frame(
        {"parcel_id": "a1", "township": "A", "area_ha": 1.0, "quality_grade": 2,
         "is_pbf": True},
        {"parcel_id": "b1", "township": "B", "area_ha": 1.0, "quality_grade": 9})
    model = FarmlandLayoutModel.from_parcels(parcels, township_targets={"B": 1.0})
    with pytest.raises(InfeasibleError, match=r"closest to them still breaks .*short by|"
                                              r"closest to them still breaks .*worse by"):
        model.solve()


# ----------------------------------------------------------------------------- the checks
def _checks_case() -> pd.DataFrame:
    return frame(
        {"parcel_id": "K", "area_ha": 100.0, "is_pbf": True},
        {"parcel_id": "s", "area_ha": 2.0, "is_pbf": True},
        {"parcel_id": "m", "area_ha": 6.0, "is_pbf": True},
        {"parcel_id": "c_short", "area_ha": 2.05},
        {"parcel_id": "c_bad", "area_ha": 2.1, "quality_grade": 10},
        {"parcel_id": "c_big", "area_ha": 6.3},
        {"parcel_id": "red", "area_ha": 1.0, "in_eco_redline": True},
        {"parcel_id": "steep", "area_ha": 1.0, "slope_deg": 30.0},
        {"parcel_id": "udb", "area_ha": 1.0, "in_udb": True},
        {"parcel_id": "unstable", "area_ha": 1.0, "stable": False},
        {"parcel_id": "forest", "area_ha": 1.0, "land_class": "0301", "quality_grade": None})


@pytest.mark.parametrize(("out", "into", "rule"), [
    (["s"], [], "quantity"),
    (["s"], ["c_short"], "compensation"),  # 2.05 ha < 1.05 x 2 ha
    (["s"], ["c_bad"], "quality"),
    (["m"], ["c_big"], "township_cap"),  # 6 of 108 ha = 5.6 % > 5 %
    ([], ["red"], "redline"),
    ([], ["steep"], "slope"),
    ([], ["udb"], "udb"),
    ([], ["unstable"], "stable"),
    ([], ["forest"], "cultivated"),
])
def test_each_rule_fails_alone_and_is_named(out, into, rule):
    parcels = _checks_case()
    ids = parcels["parcel_id"]
    before = parcels["is_pbf"].to_numpy()
    after = (before & ~ids.isin(out).to_numpy()) | ids.isin(into).to_numpy()
    corrected = before if rule in ("compensation", "quality", "township_cap") else after
    checks = rule_checks(parcels, before, corrected, after)
    assert failed_rules(checks) == [f"{rule} (t, {TOTAL_ROW})"]
    assert failed_rules(rule_checks(parcels, before, before, before)) == []


def test_checks_list_every_rule_for_every_township_and_the_county(small_county):
    plan = plan_layout(small_county.parcels, small_county.edges)
    checks = plan.checks
    towns = sorted(small_county.parcels["township"].unique())
    assert checks["township"].unique().tolist() == [*towns, TOTAL_ROW]
    assert all(tuple(rules) == RULES for _, rules in checks.groupby("township")["rule"])
    assert checks[["value", "limit"]].notna().all().all()
    assert plan.all_passed == bool(checks["passed"].all())
    assert plan.checks_text().endswith("all passed") == plan.all_passed


# ----------------------------------------------------------------------------- the sample
@pytest.mark.slow
def test_the_bundled_sample_passes_every_rule_per_township_with_the_cap_on():
    """Done-criterion of issue 19: the default run is a layout within the law."""
    import landsim

    county = landsim.load_sample()
    plan = plan_layout(county.parcels, county.edges)
    assert plan.what_if == () and plan.legal, plan.failed
    assert plan.correction.removed_ha > 0 and plan.correction.from_reserve_ha > 0
    adjustment = plan.adjustment.drop(index=TOTAL_ROW)
    assert (adjustment["removed_pct"] <= 100 * SHARE + 1e-9).all()
    assert adjustment["removed_ha"].sum() > 0  # the optimisation did adjust
    cap_rows = plan.checks.query("rule == 'township_cap' and township != @TOTAL_ROW")
    np.testing.assert_allclose(cap_rows["value"].to_numpy(),
                               adjustment["removed_pct"].to_numpy())
