"""Traffic-light thresholds: boundaries, TOML defaults, overrides, errors."""

from __future__ import annotations

import math

import pytest

from landsim.errors import InputError
from landsim.monitor.indicators import INDICATORS
from landsim.monitor.thresholds import (
    DEFAULT_THRESHOLDS,
    Threshold,
    classify,
    load_thresholds,
)
from landsim.quota.params import load_policy
from landsim.resources import policy_file


def test_every_indicator_has_a_threshold_and_toml_matches_builtins():
    assert set(DEFAULT_THRESHOLDS) == {s.key for s in INDICATORS}
    from_file = load_thresholds(policy_file("monitor"))
    for key, t in DEFAULT_THRESHOLDS.items():
        assert (from_file[key].green, from_file[key].yellow, from_file[key].unit) == \
            (t.green, t.yellow, t.unit), key
        assert from_file[key].source


def test_policy_figures_match_default_toml():
    ind, pol = load_policy().indicators, load_policy()
    t = load_thresholds()
    assert t["per_capita_urban_land"].green == (ind.band_min_m2, ind.band_max_m2)
    assert t["land_pop_elasticity"].green[1] == ind.elasticity_benchmark
    assert t["udb_expansion_multiple"].yellow[1] == pol.caps.udb_expansion_multiple
    assert t["supply_rate_5y"].yellow[0] == pol.supply_rate.floor


@pytest.mark.parametrize(("value", "expected"), [
    (65.0, "green"), (115.0, "green"), (115.000001, "yellow"), (125.0, "yellow"),
    (125.000001, "red"), (60.0, "yellow"), (59.999, "red"), (math.nan, "no data")])
def test_band_edges(value, expected):
    assert classify(value, DEFAULT_THRESHOLDS["per_capita_urban_land"]) == expected


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("supply_rate_5y", 0.7, "green"), ("supply_rate_5y", 0.6, "yellow"),
    ("supply_rate_5y", 0.5999, "red"),
    ("udb_expansion_multiple", 1.25, "green"), ("udb_expansion_multiple", 1.3, "yellow"),
    ("udb_expansion_multiple", 1.3001, "red"),
    ("land_pop_elasticity", 1.12, "green"), ("land_pop_elasticity", math.inf, "red"),
    ("gdp_land_decline_gap", 0.0, "green"), ("gdp_land_decline_gap", -0.05, "yellow"),
    ("cultivated_land_vs_target", 1.0, "yellow"), ("cultivated_land_vs_target", 0.9999, "red"),
    ("flexible_zone_share", 0.15, "yellow"), ("flexible_zone_share", 0.1501, "red")])
def test_floor_and_ceiling_edges(key, value, expected):
    assert classify(value, DEFAULT_THRESHOLDS[key]) == expected


def test_override_and_user_file(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('[supply_rate_5y]\ngreen = [0.8, inf]\nyellow = [0.65, inf]\n',
                    encoding="utf-8")
    t = load_thresholds(path, idle_disposal_rate={"green": [0.6, math.inf]})
    assert classify(0.64, t["supply_rate_5y"]) == "red"
    assert t["idle_disposal_rate"].green == (0.6, math.inf)
    assert t["stock_supply_share"] == DEFAULT_THRESHOLDS["stock_supply_share"]


def test_threshold_errors_name_the_fix(tmp_path):
    with pytest.raises(InputError, match="did you mean 'supply_rate_5y'"):
        load_thresholds(supply_rate5y={"green": [0.8, math.inf]})
    with pytest.raises(InputError, match="must lie inside yellow"):
        Threshold("x", "fraction", green=(0.5, math.inf), yellow=(0.6, math.inf))
    with pytest.raises(InputError, match="Fix: swap or correct the bounds"):
        Threshold("x", "fraction", green=(0.9, 0.1), yellow=(0.0, 1.0))
    with pytest.raises(InputError, match="Fix: give the bounds in m2/person"):
        load_thresholds(per_capita_urban_land={"unit": "ha", "green": [1, 2]})
    with pytest.raises(InputError, match="Fix: give an existing TOML file"):
        load_thresholds(tmp_path / "absent.toml")
