"""Stock-land parameters: TOML equals the dataclasses, overrides, unknown keys, bad values."""

from __future__ import annotations

import pytest

from landsim import InputError
from landsim.resources import policy_file
from landsim.stockland import StockPolicy, load_stock_policy
from landsim.stockland.params import stock_parameter_table


def test_toml_equals_dataclass_defaults_and_every_entry_has_unit_and_source():
    import tomllib

    assert load_stock_policy() == StockPolicy()
    raw = tomllib.loads(policy_file("stockland").read_text(encoding="utf-8"))
    for row in stock_parameter_table():
        if row["source"].startswith("CommonFigures."):
            assert row["name"] not in raw[row["section"]], "shared figure retyped"
            continue
        entry = raw[row["section"]][row["name"]]
        assert {"value", "unit", "source"} <= set(entry), row["name"]
        assert entry["value"] == row["default"], row["name"]
        for key in ("unit", "source", "description"):
            assert entry.get(key, row[key]) == row[key], (row["name"], key)


def test_assumed_defaults_are_marked():
    rows = {r["name"]: r for r in stock_parameter_table()}
    for name in ("weight_tax", "class_a_min", "compensation_price_factor", "evaluated_uses",
                 "benchmark_by_use", "admin_floor_share_max_densified"):
        assert "ASSUMED" in rows[name]["source"]


def test_overrides_and_plot_ratio_table(tmp_path):
    policy = load_stock_policy(idle={"fee_rate": 0.1}, industry_plot_ratio={"34": 0.7})
    assert policy.idle.fee_rate == 0.1 and policy.min_plot_ratio(34) == 0.7
    assert policy.min_plot_ratio(13) == 1.0 and policy.min_plot_ratio(38) is None
    path = tmp_path / "p.toml"
    path.write_text("[unsupplied]\nsupply_rate_floor = 0.5\n", encoding="utf-8")
    assert load_stock_policy(path).unsupplied.supply_rate_floor == 0.5


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"idle__fee_rat": 0.3}, r"unknown key idle.fee_rat; did you mean 'fee_rate'\?"),
    ({"idel": {"fee_rate": 0.3}}, r"override: unknown section \[idel\]; did you mean 'idle'"),
    ({"idle__fee_rate": "high"}, r"override: idle.fee_rate = 'high' must be a number \[fraction\]"),
    ({"unsupplied__supply_rate_floor": 1.2}, r"supply_rate_floor = 1.2 \[fraction\] is out"),
    ({"industry_plot_ratio": {"ab": 1.0}}, r"key 'ab' is not a 2-digit industry code"),
    ({"contracts__admin_floor_share_max_densified": 0.05},
     r"admin_floor_share_max_densified = 0.05 is below admin_share_max = 0.07"),
    ({"contracts__admin_share_max_densified": 0.15},
     r"unknown key contracts.admin_share_max_densified; did you mean "
     r"'admin_floor_share_max_densified'\?"),
    ({"performance__evaluated_uses": "industry"}, r"unknown land use 'industry'"),
])
def test_bad_overrides(kwargs, match):
    with pytest.raises(InputError, match=match):
        load_stock_policy(**kwargs)


def test_missing_policy_file(tmp_path):
    with pytest.raises(InputError, match="stock policy file .*: no such file"):
        load_stock_policy(tmp_path / "none.toml")
