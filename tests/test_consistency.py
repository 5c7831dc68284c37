"""`landsim check` and landsim.consistency: every module path gives the same figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landsim import InputError, load_sample
from landsim.cli import main
from landsim.cli.check import parse_seeds
from landsim.consistency import (
    CHECK_COLUMNS,
    QUANTITIES,
    ConsistencyError,
    check_synthetic,
    compare_paths,
    consistency_check,
    path_values,
)


@pytest.fixture(scope="module")
def sample():
    return load_sample()


@pytest.fixture(scope="module")
def sample_values(sample):
    values, notes = path_values(sample, "2022-12-31")
    assert notes == []  # every path ran and was compared
    return values


def value_of(values: pd.DataFrame, quantity: str, path: str) -> float:
    rows = values[(values["quantity"] == quantity) & (values["path"] == path)]
    assert len(rows) == 1, (quantity, path)
    return float(rows["value"].iloc[0])


# ----------------------------------------------------------------------------- pure parts


def values_frame(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["quantity", "unit", "path", "value", "precision"])


def test_compare_paths_uses_tolerance_plus_the_precision_of_both_paths():
    v = values_frame(("pbf_ha", "ha", "parcels", 100.0034, 0.0),
                     ("pbf_ha", "ha", "history", 100.0, 0.005),
                     ("pbf_ha", "ha", "model", 100.0, 0.0))
    table = compare_paths(v)
    assert tuple(table.columns) == CHECK_COLUMNS
    assert table["agree"].tolist() == [True, False]  # 0.0034 <= 0.005 + 1e-6; not without
    assert table["path_a"].unique().tolist() == ["parcels"]
    assert table.loc[1, "difference"] == pytest.approx(0.0034)
    assert table.loc[1, "tolerance"] == pytest.approx(QUANTITIES["pbf_ha"].tolerance)


def test_compare_paths_nan_and_unknown_quantities():
    v = values_frame(("idle_ha", "ha", "a", np.nan, 0.0), ("idle_ha", "ha", "b", np.nan, 0.0),
                     ("idle_ha", "ha", "c", 1.0, 0.0), ("udb_ha", "ha", "only", 1.0, 0.0))
    table = compare_paths(v)
    assert table["agree"].tolist() == [True, False]  # NaN = NaN; NaN != a number
    assert "udb_ha" not in set(table["quantity"])  # one path: nothing to compare
    with pytest.raises(InputError, match="no tolerance for quantity 'area'"):
        compare_paths(values_frame(("area", "ha", "a", 1.0, 0.0), ("area", "ha", "b", 1.0, 0.0)))
    loose = compare_paths(values_frame(("x", "m", "a", 1.0, 0.0), ("x", "m", "b", 1.5, 0.0)),
                          tolerances={"x": 0.5})
    assert bool(loose["agree"].iloc[0])


def test_parse_seeds():
    assert parse_seeds("20-39") == list(range(20, 40))
    assert parse_seeds("1,2,3") == [1, 2, 3]
    assert parse_seeds("5, 1-2, 2") == [5, 1, 2]
    for bad in ("20-", "a", "3-1", "-4", ""):
        with pytest.raises(InputError, match=r"--seeds .*Fix: write e\.g\."):
            parse_seeds(bad)


# ----------------------------------------------------------------------------- the sample


def test_every_path_gives_the_order_53_idle_figure_on_the_sample(sample_values):
    v = sample_values
    idle = v[v["quantity"] == "idle_ha"].set_index("path")["value"]
    assert set(idle.index) == {"stock assess: summary.json", "stock assess: inventory.csv",
                               "register: status_at", "quota engine: run_scenario",
                               "monitor: history_frame"}
    np.testing.assert_allclose(idle.to_numpy(), 32.49, atol=1e-6)  # not 45.16


def test_unsupplied_and_supply_rate_agree_on_the_sample(sample_values):
    v = sample_values
    for path in ("stock assess: inventory.csv", "register: status_at",
                 "quota engine: run_scenario"):
        assert value_of(v, "unsupplied_ha", path) == pytest.approx(127.9)
    rates = v[v["quantity"] == "supply_rate_5y"]
    assert len(rates) == 5
    np.testing.assert_allclose(rates["value"], 122.32 / 226.64, rtol=1e-12)


def test_udb_base_is_the_county_2020_urban_land_in_both_paths(sample_values):
    v = sample_values
    for path in ("quota engine: run_scenario", "monitor: history_frame"):
        assert value_of(v, "udb_base_ha", path) == pytest.approx(532.34)  # not the seat's 295.34
        assert value_of(v, "udb_room_ha", path) == pytest.approx(1.3 * 532.34 - 536.85)


def test_check_sample_all_agree(sample):
    table, text = consistency_check(sample)
    assert table["agree"].all(), text
    assert len(table) >= 15
    assert set(table["quantity"]) == set(QUANTITIES)
    assert "all agree" in text


def test_landsim_check_exit_0_on_the_sample(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "21 comparisons, all agree" in out
    assert "DISAGREE" not in out


# ----------------------------------------------------------------------------- disagreements


def test_injected_disagreement_exits_1_with_both_numbers(monkeypatch, capsys):
    import landsim.monitor.indicators as monitor

    def seat_only(population, base_year=2020):  # the old monitor base: the county seat only
        pop = population[(population["year"] == base_year)
                         & (population["township"] == "新关镇")]
        return pop.set_index("township")["urban_construction_land_ha"]

    monkeypatch.setattr(monitor, "udb_base_urban_land", seat_only)
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "DISAGREE" in out
    line = next(x for x in out.splitlines() if x.strip().startswith("udb_base_ha"))
    assert "532.3400" in line and "295.3400" in line


def test_recorded_idle_instead_of_order_53_is_caught(monkeypatch, sample):
    import landsim.monitor.indicators as monitor

    real = monitor.build_inventories

    def recorded_idle(batches, plots, contracts, dates, rules=None, **kw):
        return real(batches, plots, None, dates, rules, **kw)  # ignore the contracts

    monkeypatch.setattr(monitor, "build_inventories", recorded_idle)
    table, text = consistency_check(sample, log=False)
    bad = table[~table["agree"]]
    assert bad["quantity"].tolist() == ["idle_ha"]
    assert float(bad["value_b"].iloc[0]) == pytest.approx(45.16)
    assert "45.1600" in text and "32.4900" in text
    with pytest.raises(ConsistencyError, match="idle_ha"):
        consistency_check(sample, strict=True)


def test_generated_county_rejected_by_a_reader_exits_1(monkeypatch, capsys):
    import landsim.synthetic as synthetic

    real = synthetic.synthesize

    def started_before_signing(n, seed):
        county = real(n, seed)
        county.industrial_contracts.loc[5, "actual_start_date"] = "2000-01-01"
        return county

    monkeypatch.setattr(synthetic, "synthesize", started_before_signing)
    assert main(["check", "--seeds", "3", "--parcels", "200"]) == 1
    out = capsys.readouterr().out
    assert "seed 3 (200 parcels): a reader rejected it" in out
    assert "actual_start_date is before signed_date" in out


# ----------------------------------------------------------------------------- input


@pytest.mark.parametrize(("argv", "match"), [
    (["check", "--seeds", "20-"], "--seeds '20-'"),
    (["check", "--parcels", "50"], "--parcels '50': must be a whole number >= 100"),
    (["check", "--as-of", "2022-02-30"], "as-of date '2022-02-30' is not a date"),
    (["check", "/no/such/county"], "county folder not found"),
])
def test_bad_input_exits_2(argv, match, capsys):
    assert main(argv) == 2
    assert match in capsys.readouterr().err


def test_as_of_other_than_the_base_year_skips_the_quota_engine(sample):
    table, text = consistency_check(sample, "2021-12-31")
    assert table["agree"].all(), text
    assert not table["path_b"].str.startswith("quota engine").any()
    assert "quota engine: starts from the end of its base year (2022-12-31)" in text
    mid = consistency_check(sample, "2022-06-30")[1]
    assert "not a 31 December" in mid


def test_a_generated_county_agrees_through_every_reader():
    table, text = check_synthetic(7, 300)
    assert table["agree"].all(), text
    assert "synthetic county seed 7 (300 parcels)" in text
    assert {"parcels.csv: county_summary", "farmland: FarmlandLayoutModel"} <= set(
        table["path_b"])
    assert not table["value_a"].isna().any()


@pytest.mark.slow
def test_landsim_check_exit_0_on_seeds_20_to_39(capsys):
    assert main(["check", "--seeds", "20-39", "--parcels", "500"]) == 0
    out = capsys.readouterr().out
    assert "21 counties checked: all agree." in out
    assert out.count("all agree.") == 22
