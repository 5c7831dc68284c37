"""Quota-policy parameters: defaults, TOML drift, validation messages, overrides."""

from __future__ import annotations

import dataclasses
import math
import tomllib

import pytest

from landsim.errors import InputError
from landsim.quota.params import (
    Caps,
    IndicatorParams,
    PopulationLink,
    QuotaPolicy,
    RewardPenalty,
    StockLink,
    SupplyRateRule,
    default_policy_path,
    load_policy,
    parameter_table,
)


def test_policy_facts_defaults():
    p = QuotaPolicy()
    pl = p.population_link
    assert (pl.tier1_max_m2, pl.tier2_max_m2) == (100.0, 150.0)
    assert (pl.standard_tier1_m2, pl.standard_tier2_m2, pl.standard_tier3_m2) == (100, 80, 50)
    assert (pl.provincial_factor, pl.provincial_factor_min, pl.provincial_factor_max) == (
        1.0, 0.9, 1.1)
    assert (p.reward_penalty.reward_rate, p.reward_penalty.penalty_rate) == (0.10, 0.20)
    assert (p.supply_rate.floor, p.supply_rate.window_years) == (0.60, 5)
    assert (p.caps.udb_expansion_multiple, p.caps.udb_base_year) == (1.3, 2020)
    ind = p.indicators
    assert (ind.band_min_m2, ind.band_max_m2, ind.change_min_m2, ind.change_max_m2) == (
        65, 115, -25, 20)
    assert (ind.elasticity_benchmark, ind.gdp_land_decline_target) == (1.12, 0.40)
    assert "ASSUMED" in dataclasses.fields(StockLink)[1].metadata["source"]


def test_every_rule_has_a_switch():
    for cls in (PopulationLink, StockLink, RewardPenalty, SupplyRateRule):
        assert cls().enabled is True
    assert Caps().upper_plan_enabled and Caps().udb_enabled


def test_every_field_has_unit_source_and_description():
    for row in parameter_table():
        assert row["source"], row["name"]
        assert row["description"], row["name"]
        assert isinstance(row["unit"], str)


def test_default_toml_matches_dataclasses():
    with default_policy_path().open("rb") as fh:
        raw = tomllib.load(fh)
    assert raw.pop("schema_version") == 1
    from_toml = {(sec, key): entry for sec, entries in raw.items()
                 for key, entry in entries.items()}
    from_code = {(r["section"], r["name"]): r for r in parameter_table()
                 if not r["source"].startswith("CommonFigures.")}
    assert set(from_toml) == set(from_code), "keys drifted between default.toml and params.py"
    for key, row in from_code.items():
        entry = from_toml[key]
        if isinstance(row["default"], tuple):
            entry = {**entry, "value": tuple(entry["value"])}
        assert entry["value"] == row["default"] or (
            math.isinf(row["default"]) and math.isinf(entry["value"])), key
        assert type(entry["value"]) is type(row["default"]), key
        assert entry["unit"] == row["unit"], key
        assert entry["source"] == row["source"], key
    assert load_policy() == QuotaPolicy()


@pytest.mark.parametrize(("cls", "kwargs", "match"), [
    (PopulationLink, {"provincial_factor": 1.2}, r"provincial_factor = 1.2 is outside .*0.9..1.1"),
    (PopulationLink, {"tier1_max_m2": 160.0}, "tiers must increase"),
    (PopulationLink, {"standard_tier2_m2": 120.0}, "must not increase with the tier"),
    (PopulationLink, {"standard_tier1_m2": -1.0}, r"out of range; allowed 0 to inf"),
    (PopulationLink, {"enabled": "yes"}, "must be true or false"),
    (StockLink, {"ratio": "1"}, r"must be a number \[ha/ha\]"),
    (StockLink, {"ratio": True}, "must be a number"),
    (RewardPenalty, {"reward_rate": 1.5}, "reward_rate = 1.5 .* out of range"),
    (RewardPenalty, {"penalty_rate": -0.2}, "penalty_rate = -0.2"),
    (RewardPenalty, {"lag_years": 0.5}, "whole number"),
    (SupplyRateRule, {"floor": float("nan")}, "NaN"),
    (SupplyRateRule, {"window_years": 0}, "window_years = 0"),
    (Caps, {"udb_expansion_multiple": 0.8}, "udb_expansion_multiple = 0.8"),
    (Caps, {"level": "province"}, "'county' or 'township'"),
    (Caps, {"upper_plan_new_construction_ha": 5.0, "upper_plan_used_ha": 6.0}, "exceeds"),
    (IndicatorParams, {"band_min_m2": 120.0}, "band_min_m2 = 120 must be <"),
    (IndicatorParams, {"gdp_land_target_year": 2019}, "years out of order"),
])
def test_invalid_parameters_raise_clear_errors(cls, kwargs, match):
    with pytest.raises(InputError, match=match):
        cls(**kwargs)


def test_ints_are_coerced_to_float():
    assert isinstance(StockLink(ratio=1).ratio, float)
    assert isinstance(SupplyRateRule(window_years=3.0).window_years, int)


def test_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        QuotaPolicy().stock_link.ratio = 2.0  # type: ignore[misc]


@pytest.mark.parametrize(("overrides", "match"), [
    ({"stock_link": {"ration": 0.5}}, r"unknown key stock_link.ration; did you mean 'ratio'\?"),
    ({"stok_link": {"ratio": 0.5}}, r"override: unknown section \[stok_link\]; did you mean "
                                    r"'stock_link'\?"),
    ({"caps__udb_multiple": 1.2}, r"did you mean 'udb_expansion_multiple'\?"),
    ({"ratio": 0.5}, "section table"),
])
def test_unknown_keys_name_the_closest_valid_key(overrides, match):
    with pytest.raises(InputError, match=match):
        load_policy(**overrides)


def test_override_forms_are_equivalent():
    a = load_policy(population_link={"provincial_factor": 0.95})
    b = load_policy(population_link__provincial_factor=0.95)
    assert a == b
    assert a.population_link.provincial_factor == 0.95
    assert a.stock_link == QuotaPolicy().stock_link


def test_load_policy_from_file_with_plain_and_annotated_values(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[stock_link]\nratio = 0.7\n[caps]\nupper_plan_new_construction_ha = '
                    '{ value = 500.0, unit = "ha", source = "county plan" }\n',
                    encoding="utf-8")
    policy = load_policy(path)
    assert policy.stock_link.ratio == 0.7
    assert policy.caps.upper_plan_new_construction_ha == 500.0


def test_load_policy_bad_files(tmp_path):
    with pytest.raises(InputError, match=r"policy file .*missing.toml: no such file"):
        load_policy(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[stock_link\nratio = 1", encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        load_policy(bad)
    novalue = tmp_path / "novalue.toml"
    novalue.write_text('[stock_link]\nratio = { unit = "ha/ha" }\n', encoding="utf-8")
    with pytest.raises(InputError, match="needs a 'value'"):
        load_policy(novalue)


def test_to_dict_from_dict_round_trip():
    policy = load_policy(caps__level="township", reward_penalty__lag_years=1)
    assert QuotaPolicy.from_dict(policy.to_dict()) == policy
