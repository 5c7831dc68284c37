"""Population module: base year, shrinking projections, logistic urbanisation, migrants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landsim.errors import InputError
from landsim.quota.population import (
    base_population,
    broadcast_dtk,
    historical_growth_rate,
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
    assert settled_migrants(path.new_urban_residents, 0.5).sum() == 0.0


def test_projection_compound_growth_hand_computed():
    base = base_population(population_table(towns=("A",)))
    p0 = base.loc["A", "resident_pop"]
    path = project_population(base, [2023, 2024], natural_growth_rate=0.01,
                              net_migration_rate=-0.03, urbanisation_saturation=0.7,
                              urbanisation_speed=0.0)
    assert path.resident_pop[0, :, 0] == pytest.approx([p0 * 0.98, p0 * 0.98**2])
    u0 = base.loc["A", "urbanisation_rate"]
    assert path.urban_pop[0, :, 0] == pytest.approx([u0 * p0 * 0.98, u0 * p0 * 0.98**2])


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
