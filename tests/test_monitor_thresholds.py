"""Traffic-light thresholds: boundaries, TOML defaults, overrides, errors."""

from __future__ import annotations

import math

import pytest

from landsim.errors import InputError
from landsim.monitor.indicators import INDICATORS
from landsim.monitor.thresholds import (
    BINDING_BOUND,
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


# ----------------------------------------------------------------------------- binding rule

BINDING = {"cultivated_land_vs_target": "cultivated_land_ha", "pbf_vs_task": "pbf_ha",
           "eco_redline_vs_target": "eco_redline_ha", "udb_area_vs_target": "udb_ha"}
"""Binding indicator -> its row of planning_targets.csv."""


def test_binding_indicators_are_the_binding_targets():
    from landsim.datasets import load_sample

    targets = load_sample().planning_targets.set_index("indicator")
    flagged = {k for k, t in DEFAULT_THRESHOLDS.items() if t.binding}
    assert flagged == set(BINDING)
    for key, row in BINDING.items():
        assert bool(targets.loc[row, "binding"]), row
        side = "at_least" if targets.loc[row, "direction"] == "at_least" else "at_most"
        assert DEFAULT_THRESHOLDS[key].direction == side, key


@pytest.mark.parametrize("key", sorted(BINDING))
def test_any_breach_of_a_binding_bound_is_red(key):
    t = DEFAULT_THRESHOLDS[key]
    floor = t.direction == "at_least"
    just_past = math.nextafter(BINDING_BOUND, -math.inf if floor else math.inf)
    assert classify(just_past, t) == "red"
    assert classify(BINDING_BOUND, t) in ("green", "yellow")  # on the bound: rule kept
    for gap in (1e-6, 0.001, 0.003, 0.004, 0.05):
        assert classify(BINDING_BOUND - gap if floor else BINDING_BOUND + gap, t) == "red"


def test_issue_values_are_all_red():
    # issue 11: cultivated 0.999 was red while PBF 0.999, red line 0.997 and UDB 1.004
    # were yellow
    values = {"cultivated_land_vs_target": 0.999, "pbf_vs_task": 0.999,
              "eco_redline_vs_target": 0.997, "udb_area_vs_target": 1.004}
    assert {k: classify(v, DEFAULT_THRESHOLDS[k]) for k, v in values.items()} == \
        dict.fromkeys(values, "red")


def test_yellow_of_a_binding_indicator_only_inside_the_margin():
    t = DEFAULT_THRESHOLDS["cultivated_land_vs_target"]
    assert [classify(x, t) for x in (1.0, 1.004, 1.005)] == ["yellow", "yellow", "green"]


def test_a_binding_yellow_past_the_bound_is_refused():
    with pytest.raises(InputError, match="binding indicator is red on any breach"):
        load_thresholds(pbf_vs_task={"yellow": [0.995, math.inf]})
    with pytest.raises(InputError, match="binding indicator"):
        load_thresholds(udb_area_vs_target={"yellow": [-math.inf, 1.005]})
    # a margin goes into green; an explicit binding = false lifts the rule
    t = load_thresholds(pbf_vs_task={"green": [1.002, math.inf]})["pbf_vs_task"]
    assert classify(1.001, t) == "yellow" and classify(0.9999, t) == "red"
    soft = load_thresholds(pbf_vs_task={"yellow": [0.995, math.inf], "binding": False})
    assert classify(0.999, soft["pbf_vs_task"]) == "yellow"


def test_binding_rule_read_from_a_user_file(tmp_path):
    f = tmp_path / "t.toml"
    f.write_text('[eco_redline_vs_target]\nyellow = [0.99, inf]\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"t\.toml.*binding"):
        load_thresholds(f)


# ----------------------------------------------------------------------------- per capita


def test_per_capita_bands_are_the_standards():
    from landsim.policy import COMMON

    t = DEFAULT_THRESHOLDS
    assert t["per_capita_seat_land"].green == (COMMON.per_capita_band_min_m2,
                                               COMMON.per_capita_band_max_m2)
    assert t["per_capita_town_land"].green == (COMMON.town_per_capita_band_min_m2,
                                               COMMON.town_per_capita_band_max_m2)
    assert "GB 50137" in t["per_capita_seat_land"].source
    assert "GB 50188" in t["per_capita_town_land"].source
    specs = {s.key: s for s in INDICATORS}
    assert "GB 50137" in specs["per_capita_seat_land"].name_en
    assert "GB 50188" in specs["per_capita_town_land"].name_en
    # 130 m2/person: red for a county seat, green for a town
    assert classify(130.0, t["per_capita_seat_land"]) == "red"
    assert classify(130.0, t["per_capita_town_land"]) == "green"
