"""The compiled year loop (numba) gives the numpy loop's numbers, bit for bit."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import landsim
from landsim.quota import _kernel
from landsim.quota.engine import _KERNEL_TOWNSHIP, BINDING, annual_table, simulate_quota
from landsim.quota.ensemble import sample_draws
from landsim.quota.scenario import Scenario, ScenarioInputs, run_scenario

pytestmark = pytest.mark.skipif(not _kernel.AVAILABLE, reason="numba not installed")

EXTRA = {"policy.stock_link.ratio": {"dist": "uniform", "low": 0.8, "high": 1.2},
         "policy.population_link.provincial_factor": {"dist": "uniform", "low": 0.9,
                                                      "high": 1.1}}


@pytest.fixture(scope="module")
def inputs() -> ScenarioInputs:
    return ScenarioInputs.from_county(landsim.load_sample())


def _scenario(name: str) -> Scenario:
    base = Scenario.packaged(name)
    return dataclasses.replace(base, end_year=2037, uncertain={**base.uncertain, **EXTRA})


def _assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for name in a:
        x, y = np.ascontiguousarray(a[name]), np.ascontiguousarray(b[name])
        assert x.dtype == y.dtype and x.shape == y.shape, name
        # bit for bit: the raw bytes (NaN equals NaN, -0.0 differs from 0.0)
        assert np.array_equal(x.view(np.uint8), y.view(np.uint8)), name


def _variants(policy):
    """Policy switches the compiled loop covers, each changed alone."""
    r = dataclasses.replace
    yield "default", policy
    yield "brake proportional", r(policy, per_capita_brake=r(policy.per_capita_brake,
                                                             enabled=True))
    yield "brake stop", r(policy, per_capita_brake=r(policy.per_capita_brake, enabled=True,
                                                     mode="stop"))
    yield "no UDB cap", r(policy, caps=r(policy.caps, udb_enabled=False))
    yield "no plan cap", r(policy, caps=r(policy.caps, upper_plan_enabled=False))
    yield "tight plan", r(policy, caps=r(policy.caps, upper_plan_new_construction_ha=30.0,
                                         upper_plan_used_ha=0.0))
    yield "keys outside caps", r(policy, caps=r(policy.caps, key_projects_within_caps=False))
    yield "no reserve", r(policy, caps=r(policy.caps, reserve_pop_link=False))
    yield "floor on pop link", r(policy, supply_rate=r(policy.supply_rate,
                                                       exempt_pop_link=False))
    yield "no floor", r(policy, supply_rate=r(policy.supply_rate, enabled=False))
    yield "no pop link", r(policy, population_link=r(policy.population_link, enabled=False))


@pytest.mark.parametrize("name", ["baseline", "high_urbanisation", "shrinking_population",
                                  "aggressive_revitalisation"])
def test_compiled_loop_equals_numpy_loop(inputs, name, monkeypatch):
    """Same arrays and tables, with the draws split over three threads; the county table
    comes from the loop's totals, before any township array is computed."""
    monkeypatch.setattr(_kernel, "MIN_DRAWS_PER_THREAD", 4)
    scenario = _scenario(name)
    draws = sample_draws(scenario.uncertain, 40, seed=3)
    run = run_scenario(scenario, inputs, draws=draws)
    drivers = run.result.drivers
    seen = set()
    for label, policy in _variants(run.result.policy):
        fast = simulate_quota(drivers, policy, compiled=True, threads=3)
        slow = simulate_quota(drivers, policy, compiled=False, block_draws=7)
        county = annual_table(fast, "county")
        assert not _KERNEL_TOWNSHIP & set(fast.arrays._arrays), "township run not deferred"
        pd.testing.assert_frame_equal(county, annual_table(slow, "county"), check_exact=True)
        _assert_same(fast.arrays, slow.arrays)
        pd.testing.assert_frame_equal(annual_table(fast, "township"),
                                      annual_table(slow, "township"), check_exact=True)
        seen.update(np.unique(fast["binding"]).tolist())
        assert label  # every variant ran
    # the variants reach more than one binding rule (the comparison covers the branches)
    assert len(seen) >= 3, [BINDING[i] for i in seen]


def test_batch_equals_one_draw_at_a_time(inputs, monkeypatch):
    """All draws in one call give, row for row, what each draw gives on its own (both
    through the compiled loop)."""
    monkeypatch.setattr(_kernel, "MIN_DRAWS", 1)
    scenario = _scenario("baseline")
    draws = sample_draws(scenario.uncertain, 5, seed=11)
    batch = run_scenario(scenario, inputs, draws=draws).annual
    for i in range(5):
        one = run_scenario(scenario, inputs, draws={k: v[i:i + 1] for k, v in draws.items()})
        rows = batch[batch["draw"] == i].drop(columns="draw").reset_index(drop=True)
        assert rows.equals(one.annual), i


def test_township_level_and_balance_use_the_numpy_loop():
    assert _kernel.supported(True, False, 8)
    assert _kernel.supported(True, False, 8, _kernel.MIN_DRAWS)
    assert not _kernel.supported(True, False, 8, _kernel.MIN_DRAWS - 1)
    assert not _kernel.supported(False, False, 8)
    assert not _kernel.supported(True, True, 8)
    assert not _kernel.supported(True, False, _kernel.MAX_TOWNSHIPS + 1)


def test_binding_codes_match_the_engine():
    assert (_kernel._BINDING_NONE, _kernel._FLOOR, _kernel._UDB, _kernel._PLAN,
            _kernel._BRAKE, _kernel._BALANCE) == tuple(
        BINDING.index(c) for c in ("none", "supply_rate_floor", "udb", "upper_plan",
                                   "per_capita_brake", "cultivated_balance"))


@pytest.mark.parametrize("n", [1, 2, 7, 8, 9, 15, 16, 17, 40, 128])
def test_row_sum_follows_numpy_order(n):
    rng = np.random.default_rng(n)
    rows = rng.standard_normal((500, n)) * 10.0 ** rng.integers(-8, 8, (500, n))
    expected = rows.sum(axis=-1)
    _kernel.compiled_year_loop()  # the compiled helpers replace the Python ones
    got = np.array([_kernel.row_sum(r) for r in rows])
    assert np.array_equal(got, expected)


def test_summary_is_the_same_for_any_row_order():
    """The summary reads a draw-major table without sorting; any order gives the same."""
    from landsim.quota.ensemble import summarise

    rng = np.random.default_rng(5)
    years, n = np.arange(2023, 2030), 50
    annual = pd.DataFrame({"draw": np.repeat(np.arange(n), len(years)),
                           "year": np.tile(years, n)})
    for col in ("new_construction_land_ha", "pop_link_quota_ha", "stock_link_quota_ha",
                "key_project_quota_ha", "cumulative_new_ha", "settled_migrants",
                "per_capita_urban_land_m2", "stock_disposed_ha"):
        annual[col] = rng.standard_normal(len(annual)) * 1e3
    shuffled = annual.sample(frac=1.0, random_state=1)
    pd.testing.assert_frame_equal(summarise(annual, 5.0), summarise(shuffled, 5.0),
                                  check_exact=True)
