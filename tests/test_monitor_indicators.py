"""Monitoring indicators: every formula against a hand computation on the sample county."""

from __future__ import annotations

import math

import numpy as np
import pytest

from landsim.datasets import load_sample
from landsim.monitor import INDICATORS, indicator_values
from landsim.monitor.indicators import (
    effective_elasticity,
    expansion_multiple,
    gdp_land_decline_gap,
    history_frame,
    indicator_table,
    monitor_frame,
    stock_supply_share,
    udb_base,
    udb_room,
    zone_share,
)
from landsim.quota.engine import udb_base_urban_land
from landsim.quota.scenario import Scenario, ScenarioInputs, run_scenario
from landsim.stockland.idle import assess_idle
from landsim.stockland.inventory import county_inventory


@pytest.fixture(scope="module")
def sample():
    return load_sample()


@pytest.fixture(scope="module")
def values(sample):
    return indicator_values(sample).set_index("year")


@pytest.fixture(scope="module")
def run(sample):
    return run_scenario(Scenario("m", end_year=2026), ScenarioInputs.from_county(sample))


def _history(sample, year, column):
    return float(sample.indicators.set_index("year").loc[year, column])


def _target(sample, indicator):
    return float(sample.planning_targets.set_index("indicator").loc[indicator, "target_value"])


def test_cultivated_and_pbf_against_targets(sample, values):
    # indicator_history value / planning_targets 2035 value
    assert values.loc[2022, "cultivated_land_vs_target"] == pytest.approx(
        _history(sample, 2022, "cultivated_land_ha") / _target(sample, "cultivated_land_ha"))
    assert values.loc[2016, "pbf_vs_task"] == pytest.approx(
        _history(sample, 2016, "pbf_ha") / _target(sample, "pbf_ha"))


def test_parcel_layer_indicators_only_in_the_last_history_year(sample, values):
    p = sample.parcels
    eco = p.loc[p["in_eco_redline"], "area_ha"].sum()
    udb = p.loc[p["in_udb"], "area_ha"].sum()
    assert values.loc[2022, "eco_redline_vs_target"] == pytest.approx(
        eco / _target(sample, "eco_redline_ha"))
    assert values.loc[2022, "udb_area_vs_target"] == pytest.approx(
        udb / _target(sample, "udb_ha"))
    # the cap is 1.3 x the 2020 urban construction land of the whole county (every
    # township), the same base as the quota engine's, not of the towns the UDB lies in
    pop = sample.population
    county_2020 = pop.loc[pop["year"] == 2020, "urban_construction_land_ha"].sum()
    assert county_2020 == pytest.approx(532.34)
    assert values.loc[2022, "udb_expansion_multiple"] == pytest.approx(udb / county_2020)
    assert values.loc[2022, "udb_expansion_multiple"] <= 1.3
    assert math.isnan(values.loc[2021, "eco_redline_vs_target"])


def test_urban_land_multiple_and_per_capita(sample, values):
    land = sample.population.groupby("year")["urban_construction_land_ha"].sum()
    urban_pop = sample.population.groupby("year")["urban_pop"].sum()
    assert values.loc[2022, "urban_land_growth_multiple"] == pytest.approx(
        land.loc[2022] / land.loc[2020])
    assert values.loc[2022, "per_capita_urban_land"] == pytest.approx(
        land.loc[2022] * 10_000 / urban_pop.loc[2022])


def test_gdp_land_decline_gap_by_hand(sample, values):
    def per_gdp(year):
        return (_history(sample, year, "construction_land_ha")
                / _history(sample, year, "gdp_yi_yuan"))

    decline = 1 - per_gdp(2022) / per_gdp(2020)
    required = 1 - 0.6 ** (2 / 15)
    assert values.loc[2022, "gdp_land_decline_gap"] == pytest.approx(decline - required)
    assert values.loc[2020, "gdp_land_decline_gap"] == pytest.approx(0.0)
    gap = gdp_land_decline_gap([60.0], [1.0], [2035], 100.0, 1.0)
    assert float(gap[0]) == pytest.approx(0.0)  # exactly the 40 % decline by 2035


def test_elasticity_by_hand(sample, values):
    urban_land = sample.population.groupby("year")["urban_construction_land_ha"].sum()
    urban_pop = sample.population.groupby("year")["urban_pop"].sum()
    land = (urban_land.loc[2022] - urban_land.loc[2021]) / urban_land.loc[2021]
    pop = (urban_pop.loc[2022] - urban_pop.loc[2021]) / urban_pop.loc[2021]
    assert values.loc[2022, "land_pop_elasticity"] == pytest.approx(land / pop)
    assert values.loc[2018, "land_pop_elasticity"] == 0.0  # both shrink: no excess growth
    assert math.isnan(values.loc[2016, "land_pop_elasticity"])  # no previous year
    e = effective_elasticity([100.0], [101.0], [100.0], [100.0])
    assert math.isinf(float(e[0]))


def test_supply_rate_by_hand(sample, values):
    b = sample.supply_batches
    w = b[(b["approval_year"] > 2017) & (b["approval_year"] <= 2022)]
    assert values.loc[2022, "supply_rate_5y"] == pytest.approx(
        w["supplied_ha"].sum() / w["approved_ha"].sum())


def test_idle_disposal_rate_by_hand(sample, values):
    # identified = idle at the end of 2022 under Order No. 53 + idle plots disposed by then
    s = sample.stock_plots
    idle = s[(s["category"] == "idle") & (s["identified_year"] <= 2022)]
    done = idle[idle["disposed_year"].notna() & (idle["disposed_year"] <= 2022)]
    order53 = assess_idle(sample.industrial_contracts, "2022-12-31")
    idle_now = order53.loc[order53["idle"] & ~order53["contract_id"].isin(done["contract_id"]),
                           "area_ha"].sum()
    assert idle_now == pytest.approx(32.49)
    assert values.loc[2022, "idle_disposal_rate"] == pytest.approx(
        done["area_ha"].sum() / (idle_now + done["area_ha"].sum()))
    # the recorded idle plots XZ002/GY002, XZ003/GY003 and XZ012/GY026 are not idle at the
    # end of 2022 under Order No. 53, so they are not counted
    assert values.loc[2022, "idle_disposal_rate"] > (
        done["area_ha"].sum() / idle["area_ha"].sum())


def test_monitor_reads_the_one_stock_inventory_and_udb_base(sample):
    frame = history_frame(sample).set_index("year")
    for year in (2019, 2020, 2022):
        totals = county_inventory(sample, f"{year}-12-31").totals()
        assert frame.loc[year, "idle_identified_ha"] == pytest.approx(
            totals["idle_identified_ha"])
        assert frame.loc[year, "idle_disposed_ha"] == pytest.approx(totals["idle_disposed_ha"])
    base = float(udb_base_urban_land(sample.population).sum())
    assert (frame["udb_base_urban_land_ha"] == base).all()  # every year, one base
    assert udb_base(sample) == pytest.approx(532.34)
    room = float(udb_room(frame.loc[2022, "urban_construction_land_ha"], base))
    assert room == pytest.approx(1.3 * 532.34 - 536.85)


def test_urban_land_growth_uses_the_udb_base(sample):
    import dataclasses

    # without population the frame has no UDB base: the history's own 2020 value is used
    frame = history_frame(sample)
    assert indicator_table(frame).set_index("year").loc[2022, "urban_land_growth_multiple"] \
        == pytest.approx(536.85 / 532.34)
    v = indicator_values(dataclasses.replace(sample, population=None)).set_index("year")
    assert math.isnan(v.loc[2022, "udb_expansion_multiple"])
    assert v.loc[2022, "urban_land_growth_multiple"] == pytest.approx(536.85 / 532.34)


def test_stock_supply_share_and_small_formulas(sample, values):
    assert values.loc[2022, "stock_supply_share"] == pytest.approx(
        _history(sample, 2022, "supplied_from_stock_ha")
        / _history(sample, 2022, "land_supplied_ha"))
    assert float(stock_supply_share(0.0, 0.0)) != float(stock_supply_share(0.0, 0.0))  # NaN
    assert float(expansion_multiple(130.0, 100.0)) == pytest.approx(1.3)
    assert float(zone_share(np.array(15.0), np.array(100.0))) == pytest.approx(0.15)


def test_flexible_zone_is_recalled_and_no_data_without_zones(sample, values):
    import dataclasses

    spec = {s.key: s for s in INDICATORS}["flexible_zone_share"]
    assert spec.recalled
    bare = indicator_values(dataclasses.replace(sample, udb_zones=None))
    assert bare["flexible_zone_share"].isna().all()


def test_zone_share_from_the_sample_zoning(sample, values):
    # udb_zones.csv, the zoning quota allocate uses (a parcel may be split by area_ha)
    from landsim.allocation import zone_areas, zones_from_table

    areas = zone_areas(zones_from_table(sample.udb_zones, sample.parcels))
    assert 0 < areas["02"] <= 0.1 * areas["01"] + 1e-3  # the synthetic 10 % (4 decimals)
    v = values
    assert v.loc[2022, "flexible_zone_share"] == pytest.approx(areas["02"] / areas["01"],
                                                               abs=1e-6)
    assert v.loc[:2021, "flexible_zone_share"].isna().all()  # zones: the current layer only


def test_zone_share_computed_when_parcels_carry_zones(sample):
    import dataclasses

    parcels = sample.parcels.copy()
    udb = parcels.index[parcels["in_udb"]]
    parcels["udb_zone"] = ""
    parcels.loc[udb, "udb_zone"] = "01"
    parcels.loc[udb[:2], "udb_zone"] = "2"  # zero-padded to 02
    county = dataclasses.replace(sample, parcels=parcels, udb_zones=None)
    v = indicator_values(county).set_index("year")
    flex = parcels.loc[udb[:2], "area_ha"].sum()
    conc = parcels.loc[udb[2:], "area_ha"].sum()
    assert v.loc[2022, "flexible_zone_share"] == pytest.approx(flex / conc)


def test_simulated_years_continue_the_history(sample, run):
    v = indicator_values(sample, run).set_index("year")
    assert list(v.loc[2023:, "basis"].unique()) == ["simulation"]
    frame = monitor_frame(sample, run).set_index("year")
    occupied = run.annual.set_index("year")["cultivated_occupied_ha"]
    assert frame.loc[2024, "cultivated_land_ha"] == pytest.approx(
        _history(sample, 2022, "cultivated_land_ha") - occupied.loc[2023] - occupied.loc[2024])
    assert v.loc[2023, "supply_rate_5y"] == pytest.approx(
        run.annual.set_index("year").loc[2023, "supply_rate"])


def test_history_frame_needs_indicator_history(sample):
    import dataclasses

    from landsim.errors import InputError

    with pytest.raises(InputError, match="Fix: add indicator_history.csv"):
        history_frame(dataclasses.replace(sample, indicators=None))


def test_per_capita_of_the_seat_and_the_towns_by_hand(sample, values):
    # population.csv 2022: the seat (新关镇) against the five other towns (镇); the two 乡 have
    # no urban land or population
    pop = sample.population[sample.population["year"] == 2022].set_index("township")
    kind = sample.townships.set_index("township")["kind"]
    seat = pop.loc["新关镇"]
    assert values.loc[2022, "per_capita_seat_land"] == pytest.approx(
        seat["urban_construction_land_ha"] * 1e4 / seat["urban_pop"])
    towns = pop.loc[[t for t in pop.index if t != "新关镇" and kind[t] == "town"]]
    assert len(towns) == 5
    assert values.loc[2022, "per_capita_town_land"] == pytest.approx(
        towns["urban_construction_land_ha"].sum() * 1e4 / towns["urban_pop"].sum())


def test_seat_and_towns_add_up_to_the_county_in_every_year(sample, run):
    frame = monitor_frame(sample, run)
    assert set(frame["basis"]) == {"history", "simulation"}
    np.testing.assert_allclose(frame["seat_urban_land_ha"] + frame["town_urban_land_ha"],
                               frame["urban_construction_land_ha"], rtol=1e-9)
    np.testing.assert_allclose(frame["seat_urban_pop"] + frame["town_urban_pop"],
                               frame["urban_pop"], rtol=1e-9)


def test_no_seat_flag_gives_no_data_not_a_guess(sample):
    import dataclasses

    towns = sample.townships.assign(is_county_seat=False)
    county = dataclasses.replace(sample, townships=towns)
    v = indicator_table(history_frame(county)).set_index("year")
    assert v["per_capita_seat_land"].isna().all()
    assert v["per_capita_town_land"].isna().all()
    assert not v["per_capita_urban_land"].isna().any()
