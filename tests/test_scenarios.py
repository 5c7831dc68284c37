"""Scenarios: TOML round trip, bad-file messages, run_scenarios on a tiny county."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from landsim.errors import InputError
from landsim.quota.engine import ANNUAL_COLUMNS
from landsim.quota.scenario import (
    KeyProject,
    PopulationAssumptions,
    Scenario,
    ScenarioInputs,
    StockAssumptions,
    load_scenarios,
    run_scenario,
    run_scenarios,
)
from landsim.resources import scenario_names

TOWNS = ("新关镇", "老营镇", "楼沟乡")
SHIPPED = ("aggressive_revitalisation", "baseline", "high_urbanisation", "shrinking_population")


def tiny_county(seed: int = 0) -> ScenarioInputs:
    """Three townships, 2010-2022, shrinking residents, rising urbanisation."""
    rng = np.random.default_rng(seed)
    rows = []
    for y in range(2010, 2023):
        for j, t in enumerate(TOWNS):
            res = (30_000 - 8_000 * j) * 0.96 ** (y - 2010)
            share = 0.35 + 0.015 * (y - 2010) - 0.1 * j
            rows.append({"year": y, "township": t, "resident_pop": round(res),
                         "registered_pop": round(res * 1.3), "urban_pop": round(res * share),
                         "urban_construction_land_ha": 60.0 - 15 * j + 0.8 * (y - 2010)})
    batches = pd.DataFrame({
        "batch_id": [f"b{i}" for i in range(6)],
        "township": [TOWNS[i % 3] for i in range(6)],
        "approval_year": [2017, 2018, 2019, 2020, 2021, 2022],
        "approved_ha": rng.uniform(2, 6, 6).round(2),
        "supplied_ha": [2.0, 2.0, 1.5, 1.5, 1.0, 0.5],
    })
    plots = pd.DataFrame({
        "plot_id": ["p1", "p2", "p3", "p4"], "township": [TOWNS[0], TOWNS[0], TOWNS[1],
                                                          TOWNS[2]],
        "category": ["idle", "inefficient", "inefficient", "idle"],
        "area_ha": [2.0, 5.0, 3.0, 1.0], "land_use": ["industrial"] * 4,
        "identified_year": [2019, 2020, 2021, 2021],
    })
    return ScenarioInputs(population=pd.DataFrame(rows), supply_batches=batches,
                          stock_plots=plots,
                          construction_land_ha=pd.Series({2020: 900.0, 2022: 910.0}))


# ----------------------------------------------------------------------------- files


def test_shipped_scenarios_load():
    names = [s.name for s in load_scenarios()]
    assert names == list(SHIPPED)
    assert set(scenario_names()) == set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_toml_round_trip(name, tmp_path):
    scenario = Scenario.packaged(name)
    assert Scenario.from_dict(scenario.to_dict()) == scenario
    out = tmp_path / f"{name}.toml"
    scenario.to_toml(out)
    assert Scenario.from_toml(out) == scenario


def test_round_trip_with_every_field(tmp_path):
    scenario = Scenario(
        name="全部 fields", description='quotes " and \\ backslash', start_year=2024,
        end_year=2030, policy={"stock_link": {"ratio": 0.5}, "caps": {"level": "township"}},
        population=PopulationAssumptions(settled_migrants=((2024, "A", 10.0),)),
        stock=StockAssumptions(plan=((2025, "A", "idle", 1.5),)),
        key_projects=(KeyProject("road", 2026, "A", 3.0),), seed=7,
        uncertain={"policy.stock_link.ratio": {"dist": "normal", "mean": 1.0, "sd": 0.1}})
    path = tmp_path / "s.toml"
    scenario.to_toml(path)
    assert Scenario.from_toml(path) == scenario
    assert dataclasses.replace(scenario, seed=8) != scenario


def test_scenario_quota_policy_applies_overrides():
    scenario = Scenario(name="x", policy={"stock_link": {"ratio": 0.5}})
    assert scenario.quota_policy().stock_link.ratio == 0.5
    assert scenario.quota_policy().population_link.standard_tier1_m2 == 100.0


BAD = [
    ("[population]\nsettlement_shar = 0.5\n",
     r"unknown key 'settlement_shar'; did you mean 'settlement_share'\?"),
    ("seeed = 3\n", r"unknown key 'seeed'; did you mean 'seed'\?"),
    ("[policy.stock_link]\nration = 1.0\n", r"stock_link.ration; did you mean 'ratio'\?"),
    ("[stock]\nidle_disposal_rate = -0.1\n", "idle_disposal_rate = -0.1.*negative rates"),
    ("[stock]\nidle_disposal_rate = 15\n", "looks like a percentage: write 0.15"),
    ("[population]\nurbanisation_speed = -0.2\n", "negative rates are invalid"),
    ("start_year = 2030\nend_year = 2025\n", "years out of order: start_year 2030 is after"),
    ("[[key_projects]]\nname = 'k'\nyear = 2040\ntownship = 'A'\narea_ha = 1.0\n",
     "years out of order: key project 'k' in 2040"),
    ("[[key_projects]]\nname = 'k'\nyear = 2030\ntownship = 'A'\narea = 1.0\n",
     r"did you mean 'area_ha'\?"),
    ("[uncertain.'population.settlement_share']\ndist = 'unifrom'\nlow = 0.1\nhigh = 0.2\n",
     r"unknown dist 'unifrom'; did you mean 'uniform'\?"),
    ("[uncertain.'population.settlement']\ndist = 'uniform'\nlow = 0.1\nhigh = 0.2\n",
     r"did you mean 'population.settlement_share'\?"),
    ("[uncertain.'stock.idle_disposal_rate']\ndist = 'uniform'\nlow = 0.3\nhigh = 0.2\n",
     "low = 0.3 must not exceed high = 0.2"),
    ("[stock]\n[[stock.plan]]\nyear = 2030\ntownship = 'A'\ncategory = 'idel'\narea_ha = 1\n",
     r"category 'idel' unknown; did you mean 'idle'\?"),
]


@pytest.mark.parametrize(("body", "match"), BAD)
def test_bad_scenario_files_give_clear_errors(tmp_path, body, match):
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\nschema_version = 1\n' + body, encoding="utf-8")
    with pytest.raises(InputError, match=match):
        Scenario.from_toml(path)


def test_bad_scenario_header_and_syntax(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\n', encoding="utf-8")
    with pytest.raises(InputError, match="missing 'schema_version'"):
        Scenario.from_toml(path)
    path.write_text('name = "bad"\nschema_version = 9\n', encoding="utf-8")
    with pytest.raises(InputError, match="schema_version 9 is not supported"):
        Scenario.from_toml(path)
    path.write_text('name = "bad\n', encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        Scenario.from_toml(path)
    with pytest.raises(InputError, match=r"scenario file .*none.toml: no such file"):
        Scenario.from_toml(tmp_path / "none.toml")


# ----------------------------------------------------------------------------- running


def test_run_scenarios_has_scenario_level():
    inputs = tiny_county()
    table = run_scenarios(load_scenarios(), inputs)
    assert table.index.names == ["scenario", "year"]
    assert sorted(table.index.get_level_values("scenario").unique()) == list(SHIPPED)
    assert tuple(table.reset_index().columns[1:len(ANNUAL_COLUMNS) + 1]) == ANNUAL_COLUMNS
    years = table.loc["baseline"].index
    assert years[0] == 2023 and years[-1] == 2035
    totals = table.groupby(level="scenario")["settled_migrants"].sum()
    assert totals["high_urbanisation"] > totals["baseline"] > totals["shrinking_population"]
    stock = table.groupby(level="scenario")["stock_disposed_ha"].sum()
    assert stock["aggressive_revitalisation"] > stock["baseline"]
    # the illustrative key project of the baseline is granted in 2026
    assert table.loc[("baseline", 2026), "key_project_quota_ha"] == pytest.approx(8.0)


def test_run_is_deterministic_and_does_not_change_inputs():
    inputs = tiny_county()
    before = inputs.population.copy()
    scenarios = load_scenarios()
    a = run_scenarios(scenarios, inputs, with_indicators=True)
    b = run_scenarios(scenarios, inputs, with_indicators=True)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(inputs.population, before)
    assert "gdp_land_decline" in a.columns


def test_run_by_township_and_policy_override():
    inputs = tiny_county()
    base = Scenario(name="base", population=PopulationAssumptions(net_migration_rate=0.0,
                                                                  urbanisation_speed=0.2))
    capped = dataclasses.replace(base, name="capped",
                                 policy={"caps": {"upper_plan_new_construction_ha": 1.0}})
    table = run_scenarios([base, capped], inputs, by="township")
    assert table.index.names == ["scenario", "year", "township"]
    new = table.groupby(level="scenario")["new_construction_land_ha"].sum()
    assert new["capped"] == pytest.approx(1.0)
    assert new["base"] > 1.0


def test_settled_migrants_given_directly_and_start_year():
    inputs = tiny_county()
    given = tuple((y, t, 100.0) for y in range(2023, 2026) for t in TOWNS)
    scenario = Scenario(name="given", start_year=2024, end_year=2025,
                        population=PopulationAssumptions(settled_migrants=given),
                        policy={"supply_rate": {"enabled": False}})
    run = run_scenario(scenario, inputs)
    assert run.annual["year"].tolist() == [2024, 2025]
    assert run.annual["settled_migrants"].tolist() == [300.0, 300.0]


def test_run_errors():
    inputs = tiny_county()
    with pytest.raises(InputError, match="unique; repeated: \\['a'\\]"):
        run_scenarios([Scenario(name="a"), Scenario(name="a")], inputs)
    with pytest.raises(InputError, match="no scenarios"):
        run_scenarios([], inputs)
    with pytest.raises(InputError, match="must be after the population base year 2022"):
        run_scenario(Scenario(name="early", start_year=2021), inputs)
    unknown = Scenario(name="k", key_projects=(KeyProject("x", 2025, "Nowhere", 1.0),))
    with pytest.raises(InputError, match="unknown township \\['Nowhere'\\]"):
        run_scenario(unknown, inputs)


# ----------------------------------------------------------------------------- sample county


@pytest.fixture(scope="module")
def sample_inputs() -> ScenarioInputs:
    from landsim.datasets import load_sample

    return ScenarioInputs.from_county(load_sample())


def test_high_urbanisation_gives_the_county_seat_population_linked_quota(sample_inputs):
    run = run_scenario(Scenario.packaged("high_urbanisation"), sample_inputs, by="township")
    seat = run.annual[run.annual["township"] == "新关镇"].set_index("year")
    urban = pd.Series(run.result["urban_pop"][0, :, list(run.result.drivers.townships)
                                              .index("新关镇")], index=seat.index)
    growing = (urban.diff().fillna(1.0) > 0) | (seat["settled_migrants"] > 0)
    assert growing.all()
    assert (seat.loc[growing, "pop_link_quota_ha"] > 0).all()
    baseline = run_scenario(Scenario.packaged("baseline"), sample_inputs)
    high = run_scenario(Scenario.packaged("high_urbanisation"), sample_inputs)
    assert high.annual["pop_link_quota_ha"].sum() > 2 * baseline.annual["pop_link_quota_ha"].sum()


def test_the_upper_plan_cap_comes_from_the_planning_targets_and_binds(sample_inputs):
    base = run_scenario(Scenario.packaged("baseline"), sample_inputs)
    # 450 ha for 2021-2035 (planning_targets.csv) less 19.47 + 32.54 ha used in 2021-22
    targets = sample_inputs.planning_targets.set_index("indicator")
    history = sample_inputs.indicator_history.set_index("year")
    remaining = (targets.loc["new_construction_land_2021_2035_ha", "target_value"]
                 - history.loc[[2021, 2022], "new_construction_land_ha"].sum())
    assert base.upper_plan.remaining_ha == pytest.approx(remaining)
    first = base.annual.iloc[0]
    assert first["cap_remaining_ha"] == pytest.approx(remaining
                                                      - first["new_construction_land_ha"])
    # a scenario built to hit it: three hectares of quota per hectare disposed, no UDB cap
    hungry = Scenario(name="hungry", policy={"stock_link": {"ratio": 3.0},
                                             "caps": {"udb_enabled": False}},
                      stock=StockAssumptions(unsupplied_disposal_rate=0.5,
                                             idle_disposal_rate=0.5,
                                             inefficient_redevelopment_rate=0.4))
    run = run_scenario(hungry, sample_inputs)
    annual = run.annual
    assert annual["cumulative_new_ha"].iloc[-1] == pytest.approx(remaining)
    assert annual["cap_remaining_ha"].iloc[-1] == pytest.approx(0.0, abs=1e-9)
    bound = annual[annual["binding_cap"] == "upper_plan"]
    assert len(bound) > 0 and (bound["withheld_ha"] > 0).all()
    # an explicit allocation in the scenario wins over the county's table
    own = dataclasses.replace(hungry, name="own", policy={
        **hungry.policy, "caps": {"udb_enabled": False,
                                  "upper_plan_new_construction_ha": 100.0}})
    assert run_scenario(own, sample_inputs).annual["cumulative_new_ha"].iloc[-1] == \
        pytest.approx(100.0)


def test_key_projects_count_as_urban_land_inside_the_udb(sample_inputs):
    inside = Scenario(name="in", key_projects=(KeyProject("park", 2024, "新关镇", 20.0),))
    outside = Scenario(name="out", key_projects=(
        KeyProject("road", 2024, "新关镇", 20.0, in_udb=False),))
    a = run_scenario(inside, sample_inputs).annual.set_index("year")
    b = run_scenario(outside, sample_inputs).annual.set_index("year")
    assert a.loc[2024, "key_project_quota_ha"] == b.loc[2024, "key_project_quota_ha"] == 20.0
    assert a.loc[2024, "udb_room_ha"] == pytest.approx(b.loc[2024, "udb_room_ha"] - 20.0)
    with pytest.raises(InputError, match="in_udb = 'yes' must be true or false"):
        KeyProject("x", 2024, "新关镇", 1.0, in_udb="yes")
