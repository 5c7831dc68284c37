"""Monte Carlo ensembles: seeded draws, per-draw equivalence, batching and Dask invariance."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from landsim.datasets import county_from_synthetic
from landsim.errors import InputError
from landsim.quota.ensemble import run_ensemble, sample_draws, summarise
from landsim.quota.scenario import Scenario, ScenarioInputs, run_scenario

UNCERTAIN = {
    "population.settlement_share": {"dist": "uniform", "low": 0.2, "high": 0.8},
    "population.net_migration_rate": {"dist": "triangular", "low": -0.04, "mode": -0.02,
                                      "high": 0.01},
    "stock.unsupplied_disposal_rate": {"dist": "normal", "mean": 0.15, "sd": 0.05},
    "policy.stock_link.ratio": {"dist": "uniform", "low": 0.5, "high": 1.5},
    "policy.population_link.provincial_factor": {"dist": "uniform", "low": 0.9, "high": 1.1},
}


@pytest.fixture(scope="module")
def inputs(small_county):
    return ScenarioInputs.from_county(county_from_synthetic(small_county))


@pytest.fixture
def scenario():
    return Scenario("mc", end_year=2030, seed=5, uncertain=UNCERTAIN)


def test_draws_are_seeded_and_within_bounds():
    a = sample_draws(UNCERTAIN, 500, seed=3)
    b = sample_draws(UNCERTAIN, 500, seed=3)
    c = sample_draws(UNCERTAIN, 500, seed=4)
    for key in UNCERTAIN:
        np.testing.assert_array_equal(a[key], b[key])
        assert not np.array_equal(a[key], c[key])
    share = a["population.settlement_share"]
    assert share.min() >= 0.2 and share.max() <= 0.8
    assert abs(share.mean() - 0.5) < 0.03
    mig = a["population.net_migration_rate"]
    assert mig.min() >= -0.04 and mig.max() <= 0.01


def test_normal_draws_are_clipped_to_valid_range():
    d = sample_draws({"population.settlement_share": {"dist": "normal", "mean": 0.9,
                                                      "sd": 0.5}}, 1000, seed=0)
    share = d["population.settlement_share"]
    assert share.max() == 1.0 and share.min() >= 0.0


def test_bad_draw_count():
    with pytest.raises(InputError, match="draws must be a whole number >= 1, got 0"):
        sample_draws(UNCERTAIN, 0, seed=1)


def test_each_draw_equals_a_deterministic_run(scenario, inputs):
    ens = run_ensemble(scenario, inputs, 6, seed=9)
    draws = ens.draws.set_index("draw")
    for d in (0, 3, 5):
        row = draws.loc[d]
        fixed = dataclasses.replace(
            scenario, uncertain={},
            population=dataclasses.replace(
                scenario.population,
                settlement_share=float(row["population.settlement_share"]),
                net_migration_rate=float(row["population.net_migration_rate"])),
            stock=dataclasses.replace(
                scenario.stock,
                unsupplied_disposal_rate=float(row["stock.unsupplied_disposal_rate"])),
            policy={"stock_link": {"ratio": float(row["policy.stock_link.ratio"])},
                    "population_link": {"provincial_factor": float(
                        row["policy.population_link.provincial_factor"])}})
        single = run_scenario(fixed, inputs).annual
        mine = ens.annual[ens.annual["draw"] == d].drop(columns="draw").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, single, check_exact=False, rtol=1e-12)


def test_batching_does_not_change_results(scenario, inputs):
    whole = run_ensemble(scenario, inputs, 50, seed=2)
    batched = run_ensemble(scenario, inputs, 50, seed=2, batch_size=7)
    pd.testing.assert_frame_equal(whole.annual, batched.annual)
    pd.testing.assert_frame_equal(whole.summary, batched.summary)


def test_dask_cluster_gives_identical_results(scenario, inputs):
    from dask.distributed import LocalCluster

    local = run_ensemble(scenario, inputs, 40, seed=8, batch_size=10)
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        remote = run_ensemble(scenario, inputs, 40, seed=8, batch_size=10,
                              scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(local.annual, remote.annual)
    pd.testing.assert_frame_equal(local.draws, remote.draws)


def test_uncertainty_widens_the_band(scenario, inputs):
    ens = run_ensemble(scenario, inputs, 200, seed=1)
    s = ens.summary
    assert (s["new_construction_land_ha_p95"] >= s["new_construction_land_ha_p5"]).all()
    assert (s["settled_migrants_p95"] > s["settled_migrants_p5"]).any()
    fixed = run_ensemble(dataclasses.replace(scenario, uncertain={}), inputs, 5, seed=1)
    f = fixed.summary
    np.testing.assert_array_equal(f["new_construction_land_ha_p5"],
                                  f["new_construction_land_ha_p95"])


def test_summary_percentiles_and_shortfall_by_hand():
    annual = pd.DataFrame({
        "year": [2030] * 4 + [2031] * 4,
        "draw": [0, 1, 2, 3] * 2,
        **{c: [1.0, 2.0, 3.0, 4.0, 10.0, 10.0, 10.0, 10.0] for c in (
            "new_construction_land_ha", "pop_link_quota_ha", "stock_link_quota_ha",
            "key_project_quota_ha", "cumulative_new_ha", "settled_migrants",
            "per_capita_urban_land_m2", "stock_disposed_ha")},
    })
    s = summarise(annual, demand_ha=2.5).set_index("year")
    assert s.loc[2030, "new_construction_land_ha_p50"] == 2.5
    assert s.loc[2030, "p_shortfall"] == 0.5  # draws with 1 and 2 ha fall short of 2.5
    assert s.loc[2031, "p_shortfall"] == 0.0
    assert s.loc[2030, "new_construction_land_mean_ha"] == 2.5
    by_year = summarise(annual, pd.Series({2030: 5.0, 2031: 11.0})).set_index("year")
    assert by_year["p_shortfall"].tolist() == [1.0, 1.0]
    with pytest.raises(InputError, match=r"demand_ha has no value for year\(s\) \[2031\]"):
        summarise(annual, pd.Series({2030: 5.0}))


def test_demand_defaults_to_the_scenario(scenario, inputs):
    ens = run_ensemble(dataclasses.replace(scenario, demand_ha_per_year=12.0), inputs, 10,
                       seed=1)
    assert (ens.summary["demand_ha"] == 12.0).all()
    assert "p_shortfall" not in run_ensemble(scenario, inputs, 10, seed=1).summary


@pytest.mark.parametrize("block", [1, 4, 7, 10_000])
def test_engine_blocks_of_draws_give_identical_arrays(scenario, inputs, block):
    """The engine runs draws in cache-sized blocks; any block size gives the same numbers
    as all draws in one block, array by array."""
    from landsim.quota.engine import simulate_quota

    draws = sample_draws(scenario.uncertain, 9, seed=2)
    run = run_scenario(scenario, inputs, draws=draws)
    whole = simulate_quota(run.result.drivers, run.result.policy, block_draws=10_000)
    blocked = simulate_quota(run.result.drivers, run.result.policy, block_draws=block)
    assert sorted(whole.arrays) == sorted(blocked.arrays)
    for name, value in whole.arrays.items():
        assert value.shape == (9, len(run.result.drivers.years), len(inputs.population[
            "township"].unique())), name
        np.testing.assert_array_equal(value, blocked.arrays[name], err_msg=name)


def test_streamed_batches_equal_the_kept_table(scenario, inputs):
    """on_batch receives every batch in draw order; the summary is the same either way."""
    kept = run_ensemble(scenario, inputs, 11, seed=6, batch_size=4)
    seen: list[pd.DataFrame] = []
    streamed = run_ensemble(scenario, inputs, 11, seed=6, batch_size=4, on_batch=seen.append)
    assert streamed.annual is None and len(seen) == 3
    pd.testing.assert_frame_equal(pd.concat(seen, ignore_index=True), kept.annual)
    pd.testing.assert_frame_equal(streamed.summary, kept.summary)
    pd.testing.assert_frame_equal(streamed.summary, summarise(kept.annual,
                                                              scenario.demand_ha_per_year))
