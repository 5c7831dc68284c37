"""Population module: base year, shrinking projections, logistic urbanisation, migrants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landsim.errors import InputError
from landsim.quota import _kernel, population
from landsim.quota.population import (
    base_population,
    broadcast_dtk,
    calibrated_settlement_share,
    destination_shares,
    historical_growth_rate,
    historical_transfers,
    logistic_urbanisation,
    new_urban_residents,
    per_capita_m2,
    project_population,
    settled_migrants,
    settled_migrants_from_table,
)


def population_table(towns=("A", "B"), years=range(2018, 2023), decline=0.04) -> pd.DataFrame:
    rows = []
    for y in years:
        for j, t in enumerate(towns):
            res = 10_000 * (j + 1) * (1 - decline) ** (y - years[0])
            rows.append({"year": y, "township": t, "resident_pop": round(res),
                         "registered_pop": round(res * 1.3), "urban_pop": round(res * 0.5),
                         "urban_construction_land_ha": 50.0 * (j + 1)})
    return pd.DataFrame(rows)


def test_base_population_latest_year_sorted():
    df = population_table(towns=("B", "A")).sample(frac=1.0, random_state=0)
    base = base_population(df)
    assert base.attrs["base_year"] == 2022
    assert base.index.tolist() == ["A", "B"]
    assert base.loc["A", "urbanisation_rate"] == pytest.approx(0.5, abs=1e-3)
    # B: 100 ha for 5,000 x 0.96**4 urban people
    expected = 100.0 * 1e4 / round(20_000 * 0.96**4 * 0.5)
    assert base.loc["B", "per_capita_urban_land_m2"] == pytest.approx(expected, rel=1e-3)


@pytest.mark.parametrize(("mutate", "match"), [
    (lambda d: d.drop(columns="urban_pop"), "missing column.*urban_pop"),
    (lambda d: pd.concat([d, d.iloc[:1]]), "duplicate"),
    (lambda d: d.assign(urban_pop=d["resident_pop"] + 1), "urban_pop exceeds resident_pop"),
])
def test_base_population_bad_tables(mutate, match):
    with pytest.raises(InputError, match=match):
        base_population(mutate(population_table()))


def test_base_population_missing_year():
    with pytest.raises(InputError, match="no rows for base year 2030"):
        base_population(population_table(), 2030)


def test_pianguan_census_decline_rate():
    df = pd.DataFrame({"year": [2010, 2020], "township": ["county"] * 2,
                       "resident_pop": [112_111, 73_382]})
    rate = historical_growth_rate(df).loc["county"]
    assert rate == pytest.approx((73_382 / 112_111) ** 0.1 - 1)
    assert rate == pytest.approx(-0.0415, abs=1e-4)


def test_logistic_urbanisation_limits():
    t = np.array([0.0, 5.0, 200.0])
    up = logistic_urbanisation(np.array(0.5), 0.8, 0.2, t)
    assert up[0] == pytest.approx(0.5) and up[-1] == pytest.approx(0.8)
    assert np.all(np.diff(up) > 0)
    down = logistic_urbanisation(np.array(0.9), 0.8, 0.2, t)
    assert np.all(np.diff(down) < 0) and down[-1] == pytest.approx(0.8)
    assert logistic_urbanisation(np.array(0.0), 0.8, 0.2, t).tolist() == [0.0, 0.0, 0.0]


def test_projection_can_shrink_and_gives_no_negative_migrants():
    base = base_population(population_table())
    path = project_population(base, range(2023, 2036), natural_growth_rate=-0.004,
                              net_migration_rate=-0.038, urbanisation_saturation=0.5,
                              urbanisation_speed=0.05)
    assert path.resident_pop.shape == (1, 13, 2)
    assert np.all(np.diff(path.resident_pop, axis=1) < 0)
    # urbanisation already at saturation and people leave: urban population falls
    assert np.all(np.diff(path.urban_pop, axis=1) < 0)
    assert path.new_urban_residents.min() == 0.0
    assert path.transfers.min() >= 0.0


def test_projection_compound_growth_hand_computed():
    base = base_population(population_table(towns=("A",)))
    p0 = base.loc["A", "resident_pop"]
    path = project_population(base, [2023, 2024], natural_growth_rate=0.01,
                              net_migration_rate=-0.03, urbanisation_saturation=0.7,
                              urbanisation_speed=0.0)
    assert path.resident_pop[0, :, 0] == pytest.approx([p0 * 0.98, p0 * 0.98**2])
    u0 = base.loc["A", "urbanisation_rate"]
    assert path.urban_pop[0, :, 0] == pytest.approx([u0 * p0 * 0.98, u0 * p0 * 0.98**2])
    assert path.transfers.sum() == pytest.approx(0.0)  # speed 0: no one moves


def test_projection_vectorised_over_draws():
    base = base_population(population_table())
    rates = np.array([-0.04, 0.0, 0.02]).reshape(3, 1, 1)
    path = project_population(base, range(2023, 2026), net_migration_rate=rates,
                              urbanisation_speed=0.1)
    assert path.urban_pop.shape == (3, 3, 2)
    assert np.all(path.resident_pop[2] > path.resident_pop[0])
    single = project_population(base, range(2023, 2026), net_migration_rate=0.02,
                                urbanisation_speed=0.1)
    np.testing.assert_allclose(path.urban_pop[2], single.urban_pop[0])


@pytest.mark.parametrize(("scope", "towns", "given"), [
    ("county", 3, False), ("county", 8, False), ("county", 11, True), ("township", 3, False)])
def test_projection_compiled_and_split_over_threads_gives_the_same_bits(
        monkeypatch, scope, towns, given):
    """Draws split over threads and blocks, and the compiled loop (where numba is
    installed), give the numbers of numpy's pass over all draws, bit for bit."""
    names = tuple("ABCDEFGHIJK"[:towns])
    base = base_population(population_table(towns=names))
    rng = np.random.default_rng(5)
    kwargs = {"net_migration_rate": rng.uniform(-0.03, 0.02, (37, 1, 1)),
              "natural_growth_rate": rng.uniform(-0.01, 0.01, (37, 8, towns)),
              "urbanisation_saturation": rng.uniform(0.3, 0.9, (37, 1, 1)),
              "urbanisation_speed": rng.uniform(0.02, 0.2, (37, 1, 1)), "scope": scope}
    if given:  # more than the countryside holds in some draws: the transfers are scaled
        transfers = rng.uniform(0.0, 900.0, (37, 8, towns))
        transfers[::5] *= 100.0
        kwargs["transfers"] = transfers
    one = project_population(base, range(2023, 2031), threads=1, compiled=False, **kwargs)
    monkeypatch.setattr(population, "_BLOCK_DRAWS", 3)
    monkeypatch.setattr(_kernel, "MIN_DRAWS_PER_THREAD", 5)
    runs = [project_population(base, range(2023, 2031), threads=4, compiled=False, **kwargs)]
    if _kernel.AVAILABLE and scope == "county":
        runs.append(project_population(base, range(2023, 2031), threads=4, compiled=True,
                                       **kwargs))
    for split in runs:
        for name in ("resident_pop", "urban_pop", "transfers", "new_urban_residents"):
            a, b = getattr(one, name), getattr(split, name)
            assert a.shape == b.shape == (37, 8, towns)
            assert np.array_equal(a.view(np.uint8), b.view(np.uint8)), name
    assert (one.transfers > 0).any()
    if given:  # the countryside ran out in some draws and years
        assert (one.transfers < kwargs["transfers"] * (1 - 1e-9)).any()


def test_compiled_projection_covers_county_scope_only():
    if not _kernel.AVAILABLE:
        pytest.skip("numba not installed")
    base = base_population(population_table())
    with pytest.raises(InputError, match="scope='county'"):
        project_population(base, [2023], scope="township", compiled=True)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"urbanisation_saturation": 1.5}, "urbanisation_saturation = 1.5"),
    ({"urbanisation_speed": -0.1}, "urbanisation_speed = -0.1"),
    ({"net_migration_rate": -1.5}, "net_migration_rate"),
    ({"net_migration_rate": [0.0, 0.0, 0.0]}, "one entry per township"),
])
def test_projection_rejects_bad_rates(kwargs, match):
    base = base_population(population_table())
    with pytest.raises(InputError, match=match):
        project_population(base, range(2023, 2026), **kwargs)


def test_projection_rejects_years_out_of_order():
    base = base_population(population_table())
    with pytest.raises(InputError, match="consecutive and increasing"):
        project_population(base, [2024, 2023])
    with pytest.raises(InputError, match="must come after the base year 2022"):
        project_population(base, [2022, 2023])


def test_new_urban_residents_and_settlement_share():
    urban = np.array([[[110.0], [105.0], [120.0]]])
    new = new_urban_residents(urban, np.array([100.0]))
    assert new.ravel().tolist() == [10.0, 0.0, 15.0]
    assert settled_migrants(new, 0.4).ravel().tolist() == pytest.approx([4.0, 0.0, 6.0])
    with pytest.raises(InputError, match="settlement_share = 1.2"):
        settled_migrants(new, 1.2)


def test_settled_migrants_given_directly():
    table = pd.DataFrame({"year": [2023, 2023, 2024, 2024], "township": ["A", "B", "A", "B"],
                          "settled_migrants": [100, 0, 50, 25]})
    arr = settled_migrants_from_table(table, [2023, 2024], ["A", "B"])
    assert arr.tolist() == [[[100.0, 0.0], [50.0, 25.0]]]
    with pytest.raises(InputError, match=r"lacks \(year, township\) pairs \[\(2024, 'B'\)\]"):
        settled_migrants_from_table(table.iloc[:3], [2023, 2024], ["A", "B"])
    with pytest.raises(InputError, match="unknown township"):
        settled_migrants_from_table(table.assign(township="Z"), [2023, 2024], ["A", "B"])
    with pytest.raises(InputError, match="negative"):
        settled_migrants_from_table(table.assign(settled_migrants=-1), [2023, 2024],
                                    ["A", "B"])


def test_broadcast_and_per_capita_helpers():
    assert broadcast_dtk(np.ones((4, 1, 1)), 3, 2, "x").shape == (4, 3, 2)
    with pytest.raises(InputError, match="does not broadcast"):
        broadcast_dtk(np.ones((1, 2, 2)), 3, 2, "x")
    s = pd.Series([10.0, 0.0])
    assert per_capita_m2(s.to_numpy(), np.array([1000.0, 0.0])).tolist() == [100.0, 0.0]
    assert per_capita_m2(10.0, 1000.0) == 100.0


# ----------------------------------------------------------------------------- registrations


def seat_and_village() -> pd.DataFrame:
    """A seat at 90 % urbanisation and a rural township at 10 %, base year 2022."""
    base = pd.DataFrame({"resident_pop": [20_000.0, 10_000.0],
                         "registered_pop": [20_000.0, 10_000.0],
                         "urban_pop": [18_000.0, 1_000.0],
                         "urban_construction_land_ha": [250.0, 0.0]}, index=["seat", "rural"])
    base["urbanisation_rate"] = base["urban_pop"] / base["resident_pop"]
    base.attrs["base_year"] = 2022
    return base


def test_transfers_continue_while_the_population_shrinks():
    # county u0 = 19,000 / 30,000 = 63.3 % < S = 70 %; people leave at 3 %/year
    path = project_population(seat_and_village(), range(2023, 2031), net_migration_rate=-0.03,
                              urbanisation_saturation=0.7, urbanisation_speed=0.1,
                              destination=[1.0, 0.0])
    total = path.resident_pop.sum(axis=-1)[0]
    assert np.all(np.diff(total) < 0)  # the county shrinks ...
    assert np.all(path.transfers[0, :, 0] > 0)  # ... and the seat keeps receiving migrants
    assert path.transfers[0, :, 1].sum() == 0.0
    # county urbanisation follows the logistic path exactly
    u = path.urban_pop.sum(axis=-1)[0] / total
    expected = logistic_urbanisation(19_000 / 30_000, 0.7, 0.1, np.arange(1, 9))
    assert u == pytest.approx(expected)
    # migrants leave the countryside: the village shrinks faster than the seat
    assert path.resident_pop[0, -1, 1] / 10_000 < path.resident_pop[0, -1, 0] / 20_000


def test_a_seat_above_the_saturation_is_never_pushed_down():
    # township scope: the seat starts at 90 % > S = 70 %: its rate stays at 90 %
    path = project_population(seat_and_village(), range(2023, 2026), urbanisation_saturation=0.7,
                              urbanisation_speed=0.2, scope="township")
    seat_rate = path.urban_pop[0, :, 0] / path.resident_pop[0, :, 0]
    assert seat_rate == pytest.approx([0.9, 0.9, 0.9])
    assert path.transfers[0, :, 0] == pytest.approx([0.0, 0.0, 0.0])
    assert np.all(path.transfers[0, :, 1] > 0)  # the village urbanises towards 70 %
    # county scope, county above the saturation: no transfers, and never negative ones
    high = project_population(seat_and_village(), [2023], urbanisation_saturation=0.5,
                              urbanisation_speed=0.2)
    assert high.transfers.sum() == 0.0
    assert high.urban_pop[0, 0].sum() == pytest.approx(19_000.0)
    with pytest.raises(InputError, match="scope must be one of"):
        project_population(seat_and_village(), [2023], scope="province")


def test_registrations_given_directly_join_the_urban_population():
    given = np.array([[[300.0, 0.0], [200.0, 0.0]]])
    path = project_population(seat_and_village(), [2023, 2024], transfers=given)
    assert path.scope == "given"
    assert path.urban_pop[0, :, 0] == pytest.approx([18_300.0, 18_500.0])
    assert path.resident_pop[0, -1].sum() == pytest.approx(30_000.0)  # moved, not born
    # they leave the countryside of the whole county, pro rata to its rural people
    rural = path.resident_pop[0] - path.urban_pop[0]
    assert rural.sum(axis=-1) == pytest.approx([11_000.0 - 300.0, 11_000.0 - 500.0])
    assert rural[0, 1] / rural[0, 0] == pytest.approx(9_000 / 2_000)
    assert settled_migrants(path.transfers, 1.0)[0, :, 0].tolist() == [300.0, 200.0]


def test_destination_shares_and_calibration_from_a_registration_history():
    base = seat_and_village()
    assert destination_shares(base).tolist() == pytest.approx([18 / 19, 1 / 19])
    history = pd.DataFrame({"year": [2021, 2021, 2022], "township": ["seat", "rural", "seat"],
                            "registrations": [60, 20, 120]})
    assert destination_shares(base, history).tolist() == pytest.approx([0.9, 0.1])
    pop = pd.DataFrame({"year": [2020, 2021, 2022], "township": ["A"] * 3,
                        "resident_pop": [1000, 1000, 800], "urban_pop": [500, 600, 520]})
    transfers = historical_transfers(pop)
    # 2021: 1,000 x (0.6 - 0.5) = 100; 2022: 800 x (0.65 - 0.6) = 40
    assert transfers.to_dict() == pytest.approx({2021: 100.0, 2022: 40.0})
    assert calibrated_settlement_share(pop, history) == pytest.approx(200 / 140)
    with pytest.raises(InputError, match="sum"):
        project_population(base, [2023], destination=[0.5, 0.2])


def test_the_sample_registration_history_is_synthetic_and_plausible():
    from landsim.datasets import load_sample

    county = load_sample()
    reg = county.registrations
    assert set(reg["source"]) == {"synthetic"}
    share = calibrated_settlement_share(county.population, reg)
    assert 0.4 < share < 0.7
    by_town = reg.groupby("township")["registrations"].sum()
    assert by_town.idxmax() == "新关镇"  # the county seat takes most registrations
