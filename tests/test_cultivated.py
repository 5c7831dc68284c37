"""New cultivated-land verification and the 占补平衡 accounts (issue 15)."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from landsim.cultivated import (
    ACCOUNTS,
    COUNTY,
    RULES,
    CultivatedPolicy,
    keep_accounts,
    load_cultivated_policy,
    occupations_from_quota,
    occupied_land_profile,
    verify_projects,
)
from landsim.cultivated.params import (
    BalanceRules,
    StandardYield,
    cultivated_parameter_table,
)
from landsim.errors import InputError
from landsim.resources import policy_file, sample_county_dir

BASE = {
    "project_id": "T1", "township": "A", "project_type": "development",
    "paddy_before_ha": 0.0, "irrigated_before_ha": 0.0, "dry_before_ha": 0.0,
    "paddy_after_ha": 0.0, "irrigated_after_ha": 0.0, "dry_after_ha": 10.0,
    "grade_before": pd.NA, "grade_after": 8, "slope_deg": 25.0, "soil_depth_cm": 50.0,
    "irrigated": False, "road_access": True,
    "completion_date": pd.Timestamp("2024-10-31"), "acceptance_date": pd.NaT,
    "status": "planned",
}
"""A project exactly at the slope (25°), soil depth (50 cm) and grade (8) limits."""


def one(**edit) -> pd.DataFrame:
    return pd.DataFrame([{**BASE, **edit}])


# ------------------------------------------------------------------ verification


def test_hand_computed_project_at_every_limit_passes():
    v = verify_projects(one()).verified.iloc[0]
    assert v["passed"] and v["failed_rules"] == ""
    assert v["new_cultivated_ha"] == 10.0 and v["new_paddy_ha"] == 0.0
    assert v["capacity_kg"] == 10.0 * 6750.0  # grade 8 standard yield
    assert v["year"] == 2024  # planned: credited in its completion year
    assert (v["credit_quantity_ha"], v["credit_capacity_kg"], v["credit_paddy_ha"]) == (
        10.0, 67500.0, 0.0)


@pytest.mark.parametrize(("edit", "rule", "value", "limit"), [
    ({"slope_deg": 25.01}, "slope", 25.01, 25.0),
    ({"soil_depth_cm": 49.99}, "soil_depth", 49.99, 50.0),
    ({"grade_after": 9}, "grade", 9.0, 8.0),
    ({"road_access": False}, "road_access", 0.0, 1.0),
    ({"status": "pending"}, "status", "pending", "accepted/planned"),
    ({"status": "rejected"}, "status", "rejected", "accepted/planned"),
    ({"paddy_after_ha": 2.0, "dry_after_ha": 8.0}, "paddy_irrigation", 2.0, "irrigated"),
    ({"dry_before_ha": 11.0, "grade_before": 9}, "quantity_not_lower", -1.0, 0.0),
    ({"paddy_before_ha": 1.0, "dry_before_ha": 8.0, "grade_before": 8},
     "paddy_not_lower", -1.0, 0.0),
    # 20 ha of grade 5 (9,000 kg/ha) become 21 ha of grade 7 (7,500 kg/ha): -22,500 kg
    ({"dry_before_ha": 20.0, "grade_before": 5, "dry_after_ha": 21.0, "grade_after": 7,
      "project_type": "consolidation"}, "capacity_not_lower", -22500.0, 0.0),
])
def test_each_rule_fails_just_past_its_limit_with_the_numbers(edit, rule, value, limit):
    result = verify_projects(one(**edit))
    v = result.verified.iloc[0]
    assert not v["passed"] and v["failed_rules"] == rule
    assert v["credit_quantity_ha"] == v["credit_capacity_kg"] == v["credit_paddy_ha"] == 0
    f = result.failures.iloc[0]
    assert (f["rule"], f["value"], f["limit"]) == (rule, value, limit)
    assert f["message"]


def test_new_paddy_with_irrigation_passes_and_is_credited():
    v = verify_projects(one(paddy_after_ha=2.0, dry_after_ha=8.0, irrigated=True)).verified
    assert v.at[0, "passed"] and v.at[0, "credit_paddy_ha"] == 2.0


def test_consolidation_counts_the_quality_upgrade_as_capacity():
    # 40 ha grade 9 (6,000) -> 42 ha grade 7 (7,500): 315,000 - 240,000 = 75,000 kg
    v = verify_projects(one(dry_before_ha=40.0, grade_before=9, dry_after_ha=42.0,
                            grade_after=7, project_type="consolidation")).verified.iloc[0]
    assert v["new_cultivated_ha"] == 2.0 and v["capacity_kg"] == 75000.0 and v["passed"]


def test_acceptance_year_wins_over_completion():
    v = verify_projects(one(status="accepted", acceptance_date=pd.Timestamp("2025-03-01")))
    assert v.verified.at[0, "year"] == 2025


def test_rules_are_configurable():
    strict = load_cultivated_policy(acceptance={"credit_planned": False})
    assert verify_projects(one(), strict).verified.at[0, "failed_rules"] == "status"
    loose = load_cultivated_policy(acceptance={"require_road_access": False, "max_grade": 9,
                                               "max_slope_deg": 30.0})
    v = verify_projects(one(road_access=False, grade_after=9, slope_deg=28.0), loose)
    assert v.verified.at[0, "passed"]


def test_yield_table_is_a_parameter():
    policy = load_cultivated_policy(standard_yield={"grade_8_kg_per_ha": 6000.0})
    assert verify_projects(one(), policy).verified.at[0, "capacity_kg"] == 60000.0
    with pytest.raises(InputError, match="grade_5_kg_per_ha = 9800 .* above grade_4"):
        StandardYield(grade_5_kg_per_ha=9800.0)


def test_missing_grade_before_is_named():
    with pytest.raises(InputError, match="grade_before' is empty for project.*T1"):
        verify_projects(one(dry_before_ha=3.0))


def test_sample_projects_exercise_every_rule():
    from landsim.datasets import load_sample

    v = verify_projects(load_sample().cultivated_projects)
    assert set(v.failures["rule"]) == set(RULES)
    assert v.verified["passed"].sum() == 12
    assert v.verified.loc[v.verified["project_id"] == "P06", "passed"].item()


def test_packaged_toml_matches_the_dataclasses():
    raw = tomllib.loads(policy_file("cultivated").read_text(encoding="utf-8"))
    assert raw.pop("schema_version") == 1
    from_toml = {(s, k): e for s, entries in raw.items() for k, e in entries.items()}
    from_code = {(r["section"], r["name"]): r for r in cultivated_parameter_table()}
    assert set(from_toml) == set(from_code)
    for key, row in from_code.items():
        assert from_toml[key]["value"] == row["default"], key
        assert from_toml[key]["unit"] == row["unit"], key
        assert from_toml[key]["source"] == row["source"], key
    assert load_cultivated_policy() == CultivatedPolicy()
    assert "ASSUMED" in StandardYield.meta_of("grade_1_kg_per_ha")["source"]


@pytest.mark.parametrize(("overrides", "match"), [
    ({"acceptance__max_grade": 11}, r"max_grade = 11 .* out of range"),
    ({"acceptance__min_soil_depht_cm": 40}, "did you mean 'min_soil_depth_cm'"),
    ({"balance__level": "province"}, "allowed 'county', 'township'"),
])
def test_bad_parameters_name_key_and_range(overrides, match):
    with pytest.raises(InputError, match=match):
        load_cultivated_policy(**overrides)


# ------------------------------------------------------------------ accounts


def _random_case(seed: int, n_towns: int = 4, years: range = range(2023, 2031)):
    rng = np.random.default_rng(seed)
    towns = [f"T{k}" for k in range(n_towns)]
    credits = pd.DataFrame({
        "year": rng.integers(years.start - 1, years.stop, 15),
        "township": rng.choice(towns, 15),
        "quantity_ha": rng.uniform(0, 10, 15).round(2),
        "capacity_kg": rng.uniform(0, 80000, 15).round(0),
        "paddy_ha": rng.uniform(0, 2, 15).round(2) * (rng.random(15) < 0.3)})
    n = 20
    area = rng.uniform(0.5, 8, n).round(2)
    occ = pd.DataFrame({
        "occupation_id": [f"o{j:02d}" for j in range(n)],
        "year": rng.integers(years.start, years.stop, n), "township": rng.choice(towns, n),
        "use": rng.choice(["construction", "orchard", "afforestation"], n),
        "area_ha": area, "capacity_kg": area * rng.uniform(5000, 9000, n),
        "paddy_ha": area * (rng.random(n) < 0.2) * 0.3})
    return credits, occ, towns, years


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("level", ["county", "township"])
def test_account_identities_and_never_negative(seed, level):
    credits, occ, towns, years = _random_case(seed)
    rules = BalanceRules(level=level)
    r = keep_accounts(credits, occ, rules, years=years, townships=towns)
    a = r.accounts
    assert np.allclose(a["opening"] + a["credit"] - a["debit"], a["closing"], atol=1e-6)
    assert (a["closing"] >= -1e-6).all() and (a["debit"] >= -1e-9).all()
    for _key, g in a.groupby(["township", "account"]):
        g = g.sort_values("year")
        assert np.allclose(g["opening"].to_numpy()[1:], g["closing"].to_numpy()[:-1])
    county = a[a["township"] == COUNTY].set_index(["year", "account"])
    summed = a[a["township"] != COUNTY].groupby(["year", "account"])[
        ["opening", "credit", "debit", "closing"]].sum()
    assert np.allclose(county.loc[summed.index, summed.columns], summed)
    # credits before the first year open it; every credit inside the years is booked
    inside = credits[credits["year"] >= years.start][list(ACCOUNTS)].sum()
    booked = county.groupby(level="account")["credit"].sum()
    assert np.allclose(booked[list(ACCOUNTS)].to_numpy(), inside.to_numpy())
    # what was approved is exactly what was debited
    approved = r.decisions[r.decisions["status"] == "approved"]
    assert math.isclose(approved["area_ha"].sum(),
                        county.xs("quantity_ha", level="account")["debit"].sum())
    # an occupation still queued at the end cannot be paid by what is left
    if level == "county":
        left = county.xs(years[-1], level="year")["closing"]
        for row in r.decisions[r.decisions["status"] == "queued"].itertuples():
            need = pd.Series([row.area_ha, row.capacity_kg, row.paddy_ha], index=ACCOUNTS)
            assert (need > left[list(ACCOUNTS)] + 1e-6).any()


def test_queue_shortfall_and_carry_over_by_hand():
    credits = pd.DataFrame({"year": [2024, 2025], "township": ["A", "B"],
                            "quantity_ha": [3.0, 5.0], "capacity_kg": [30000.0, 10000.0],
                            "paddy_ha": [0.0, 1.0]})
    occ = pd.DataFrame({"occupation_id": ["x"], "year": [2024], "township": ["A"],
                        "use": ["orchard"], "area_ha": [4.0], "capacity_kg": [28000.0],
                        "paddy_ha": [0.5]})
    r = keep_accounts(credits, occ, years=range(2024, 2027))
    q = r.queue.iloc[0]
    assert (q["year"], q["shortfall_quantity_ha"], q["shortfall_capacity_kg"],
            q["shortfall_paddy_ha"]) == (2024, 1.0, 0.0, 0.5)
    d = r.decisions.iloc[0]
    assert (d["status"], d["decided_year"], d["waited_years"]) == ("approved", 2025, 1)
    a = r.accounts.set_index(["year", "township", "account"])
    # A pays what it can (3 ha, 28,000 kg), B the rest (1 ha, 0.5 ha paddy)
    assert a.loc[(2025, "A", "quantity_ha"), "debit"] == 3.0
    assert a.loc[(2025, "B", "quantity_ha"), "debit"] == 1.0
    assert a.loc[(2025, "B", "paddy_ha"), "closing"] == 0.5
    assert a.loc[(2026, COUNTY, "capacity_kg"), "closing"] == 12000.0
    # per township, B's credits cannot pay A's occupation
    town = keep_accounts(credits, occ, BalanceRules(level="township"), years=range(2024, 2027))
    assert town.decisions.at[0, "status"] == "queued"


def test_refused_after_waiting_and_bookkeeping_mode():
    credits = pd.DataFrame(columns=["year", "township", *ACCOUNTS])
    occ = pd.DataFrame({"occupation_id": ["x"], "year": [2024], "township": ["A"],
                        "use": ["construction"], "area_ha": [2.0], "capacity_kg": [1.0],
                        "paddy_ha": [0.0]})
    r = keep_accounts(credits, occ, BalanceRules(refuse_after_years=2),
                      years=range(2024, 2028), townships=["A"])
    assert r.decisions.at[0, "status"] == "refused" and r.decisions.at[0, "decided_year"] == 2026
    assert list(r.queue["status"]) == ["queued", "queued", "refused"]
    books = keep_accounts(credits, occ, BalanceRules(enabled=False), years=range(2024, 2026),
                          townships=["A"])
    closing = books.county("quantity_ha")["closing"]
    assert list(closing) == [-2.0, -2.0] and books.queue.empty


def test_occupied_land_profile_and_quota_occupations():
    parcels = pd.DataFrame({
        "township": ["A", "A", "B"], "land_class": ["0103", "0101", "0102"],
        "area_ha": [1.0, 1.0, 2.0], "quality_grade": [8, 2, 4],
        "in_udb": [True, True, False]})
    prof = occupied_land_profile(parcels)
    assert prof.loc["A", "capacity_kg_per_ha"] == (6750 + 11250) / 2
    assert prof.loc["A", "paddy_share"] == 0.5
    assert prof.loc["B", "capacity_kg_per_ha"] == 9750  # no UDB parcel: all its land
    assert prof.loc[COUNTY, "capacity_kg_per_ha"] == (6750 + 11250) / 2
    annual = pd.DataFrame({"year": [2023, 2024], "cultivated_occupied_ha": [2.0, 0.0]})
    occ = occupations_from_quota(annual, prof)
    assert list(occ["occupation_id"]) == ["quota-2023"]
    assert occ.at[0, "capacity_kg"] == 18000.0 and occ.at[0, "paddy_ha"] == 1.0
    with pytest.raises(InputError, match="not the annual.csv"):
        occupations_from_quota(pd.DataFrame({"year": [2023]}), prof)


# ------------------------------------------------------------------ quota link


@pytest.fixture(scope="module")
def sample_runs():
    from landsim.datasets import load_sample
    from landsim.quota.scenario import Scenario, ScenarioInputs, run_scenario

    county = load_sample()
    inputs = ScenarioInputs.from_county(county)
    scenario = Scenario.packaged("baseline")
    on = dataclasses.replace(scenario, policy={**scenario.policy,
                                               "cultivated_balance": {"enabled": True}})
    return county, run_scenario(scenario, inputs), run_scenario(on, inputs)


def test_quota_default_is_unchanged(sample_runs):
    _county, off, _on = sample_runs
    assert not any(c.startswith("balance_") for c in off.annual.columns)
    assert "cultivated_balance" not in set(off.annual["binding_cap"])


def test_quota_with_balance_never_grants_what_the_accounts_cannot_pay(sample_runs):
    county, off, on = sample_runs
    profile = occupied_land_profile(county.parcels)
    credits = verify_projects(county.cultivated_projects).credits()
    years = range(int(on.annual["year"].min()), int(on.annual["year"].max()) + 1)
    from landsim.cultivated import price_occupations

    other = price_occupations(county.cultivated_occupations, profile=profile)
    results = {}
    for name, run in (("off", off), ("on", on)):
        occ = occupations_from_quota(run.annual, profile)
        occ = pd.concat([occ, other[occ.columns]], ignore_index=True)
        results[name] = keep_accounts(credits, occ, years=years)
    with_balance = results["on"]
    assert with_balance.queue.empty
    assert (with_balance.decisions["waited_years"] == 0).all()
    assert (with_balance.accounts["closing"] >= -1e-6).all()
    # the engine's own balance equals the accounts' county closing
    closing = with_balance.county("quantity_ha")["closing"]
    assert np.allclose(on.annual.set_index("year")["balance_quantity_ha"], closing, atol=1e-6)
    # without the balance the first year's occupation waits for the 2024 credits
    first = results["off"].decisions.iloc[0]
    assert (first["requested_year"], first["decided_year"]) == (2023, 2024)
    assert on.annual.at[0, "new_construction_land_ha"] == 0.0
    assert on.annual.at[0, "binding_cap"] == "cultivated_balance"
    assert set(on.annual["balance_account"]) <= set(ACCOUNTS)


def test_quota_ledger_names_the_binding_account(sample_runs):
    from landsim.quota.engine import ledger

    led = ledger(sample_runs[2].result)
    rows = led[(led["quantity"] == "balance_room_ha") & (led["year"] == 2023)]
    assert rows["rule"].str.contains("binding account quantity_ha").all()
    granted = led[(led["quantity"] == "stock_link_quota_ha") & (led["year"] == 2023)]
    assert granted["rule"].str.contains("占补平衡 accounts can pay").any()


def test_quota_balance_needs_projects():
    from landsim.quota.params import load_policy

    policy = load_policy(cultivated_balance={"enabled": True})
    assert policy.cultivated_balance.enabled
    from landsim.datasets import load_sample
    from landsim.quota.scenario import Scenario, ScenarioInputs, run_scenario

    inputs = dataclasses.replace(ScenarioInputs.from_county(load_sample()),
                                 cultivated_projects=None)
    scenario = Scenario(name="x", policy={"cultivated_balance": {"enabled": True}})
    with pytest.raises(InputError, match="needs the county's cultivated_projects.csv"):
        run_scenario(scenario, inputs)


# ------------------------------------------------------------------ command line


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "landsim", *args], capture_output=True,
                          text=True, check=False)


def test_cli_verify_and_balance_on_the_sample(tmp_path: Path):
    projects = sample_county_dir() / "cultivated_projects.csv"
    done = _cli("cultivated", "verify", "--projects", str(projects), "--out",
                str(tmp_path / "v"))
    assert done.returncode == 0, done.stderr
    verified = pd.read_csv(tmp_path / "v" / "verified.csv")
    failures = pd.read_csv(tmp_path / "v" / "failures.csv")
    assert len(verified) == 23 and set(failures["rule"]) == set(RULES)
    done = _cli("cultivated", "balance", "--out", str(tmp_path / "b"))
    assert done.returncode == 0, done.stderr
    acc = pd.read_csv(tmp_path / "b" / "accounts.csv")
    assert list(acc.columns) == ["year", "township", "account", "opening", "credit", "debit",
                                 "closing"]
    assert set(acc["account"]) == set(ACCOUNTS) and COUNTY in set(acc["township"])
    assert acc["year"].min() == 2023 and acc["year"].max() == 2035
    queue = pd.read_csv(tmp_path / "b" / "queue.csv")
    assert queue.iloc[0]["occupation_id"] == "quota-2023"


@pytest.mark.parametrize(("args", "match"), [
    (("cultivated", "verify", "--projects", "{tmp}/none.csv", "--out", "{tmp}/o"),
     "file not found"),
    (("cultivated", "verify", "--projects", "{bad}", "--out", "{tmp}/o"),
     "column 'slope_deg'"),
    (("cultivated", "balance", "--quota-run", "{tmp}", "--out", "{tmp}/o"),
     "no annual.csv there"),
    (("cultivated", "verify", "--projects", "{good}", "--policy", "{policy}", "--out",
      "{tmp}/o"), "did you mean 'max_grade'"),
])
def test_cli_errors_are_one_line_exit_2(tmp_path: Path, args, match):
    good = sample_county_dir() / "cultivated_projects.csv"
    frame = pd.read_csv(good, dtype=str, keep_default_na=False)
    frame.loc[2, "slope_deg"] = "-3"
    bad = tmp_path / "bad.csv"
    frame.to_csv(bad, index=False)
    policy = tmp_path / "p.toml"
    policy.write_text("[acceptance]\nmax_grad = 7\n", encoding="utf-8")
    argv = [a.format(tmp=tmp_path, bad=bad, good=good, policy=policy) for a in args]
    done = _cli(*argv)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and match in lines[0], done.stderr
    assert not (tmp_path / "o").exists()


# ------------------------------------------------------------------ views and widget


def test_verify_view_and_widget_follow_the_thresholds():
    from landsim.cultivated.views import verify_view
    from landsim.datasets import load_sample
    from landsim.widgets import verify_explorer

    projects = load_sample().cultivated_projects
    base = verify_view(projects)
    assert base["passed"].sum() == 12
    loose = verify_view(projects, max_slope_deg=30.0, min_soil_depth_cm=30.0, max_grade=9)
    assert loose.loc["F01", "passed"] and loose.loc["F02", "passed"]
    assert loose.loc["F04", "passed"]
    assert verify_view(projects, yield_factor=0.5).loc["P01", "capacity_kg"] == 61500.0 / 2
    widget = verify_explorer(projects)
    assert widget.result["passed"].sum() == 12
    slope = next(c for c in widget.children if "slope" in c.description)
    slope.value = 20.0
    assert not widget.result.loc["P06", "passed"]


def test_plot_accounts_draws_three_panels():
    import matplotlib

    matplotlib.use("Agg")
    from landsim.plots import plot_accounts

    credits, occ, towns, years = _random_case(0)
    fig = plot_accounts(keep_accounts(credits, occ, years=years, townships=towns))
    assert len(fig.axes) == 3


# ------------------------------------------------------------------ PBF layout link


def test_pbf_layout_quality_check_by_hand():
    from landsim.cultivated import layout_quality_check

    parcels = pd.DataFrame({"parcel_id": ["a", "b", "c", "d"],
                            "land_class": ["0103", "0103", "0102", "0103"],
                            "area_ha": [1.0, 2.0, 1.0, 1.0], "quality_grade": [9, 6, 4, 9]})
    better = pd.DataFrame({"parcel_id": ["a", "b"], "change": ["removed", "added"]})
    check = layout_quality_check(better, parcels)
    assert check.attrs["passed"] and check.loc["added", "cultivated_change_ha"] == 0.0
    # bringing in grade 9 for grade 4 fails both quality and capacity
    worse = pd.DataFrame({"parcel_id": ["c", "d"], "change": ["removed", "added"]})
    check = layout_quality_check(worse, parcels)
    assert not check.attrs["quality_ok"] and not check.attrs["capacity_ok"]
    assert check.loc["removed", "capacity_kg"] == 9750.0
    with pytest.raises(InputError, match="parcel_id zz not in the parcels"):
        layout_quality_check(pd.DataFrame({"parcel_id": ["zz"], "change": ["added"]}), parcels)


def test_cli_balance_with_a_layout(tmp_path: Path):
    from landsim.datasets import load_sample

    parcels = load_sample().parcels
    cult = parcels[parcels["land_class"].isin(["0102", "0103"])]
    out_ = cult[cult["is_pbf"]].sort_values("quality_grade").tail(3)["parcel_id"]
    in_ = cult[~cult["is_pbf"]].sort_values("quality_grade").head(3)["parcel_id"]
    layout = pd.DataFrame({"parcel_id": [*out_, *in_],
                           "change": ["removed"] * 3 + ["added"] * 3})
    layout.to_csv(tmp_path / "layout.csv", index=False)
    done = _cli("cultivated", "balance", "--layout", str(tmp_path / "layout.csv"), "--out",
                str(tmp_path / "b"))
    assert done.returncode == 0, done.stderr
    quality = pd.read_csv(tmp_path / "b" / "pbf_quality.csv").set_index("side")
    assert quality.loc["added", "mean_grade"] <= quality.loc["removed", "mean_grade"]
    assert quality["passed"].all()
