"""Topsoil assumption parameters: the TOML file and the dataclass agree; bad values fail."""

from __future__ import annotations

import dataclasses
import tomllib

import pytest

from landsim import InputError
from landsim.resources import policy_file
from landsim.topsoil import TopsoilParams, load_topsoil_params


def test_toml_matches_dataclass():
    raw = tomllib.loads(policy_file("topsoil").read_text(encoding="utf-8"))["topsoil"]
    fields = {f.name: f for f in dataclasses.fields(TopsoilParams)}
    assert set(raw) == set(fields)
    for name, entry in raw.items():
        assert entry["value"] == fields[name].default, name
        assert entry["unit"] == fields[name].metadata["unit"], name
        assert entry["source"], name


def test_default_depth_is_about_30_cm():
    p = load_topsoil_params()
    assert p.depth_by_class() == {"0101": 0.30, "0102": 0.30, "0103": 0.25}


def test_override_and_unknown_name():
    assert load_topsoil_params(depth_dry_m=0.3).depth_dry_m == 0.3
    with pytest.raises(InputError, match="override: unknown key topsoil.depth_m; did you mean 'depth_dry_m'"):
        load_topsoil_params(depth_m=0.3)


def test_negative_and_detour_below_one():
    with pytest.raises(InputError, match=r"haul_cost_yuan_per_m3_km = -1.*out of range"):
        TopsoilParams(haul_cost_yuan_per_m3_km=-1)
    with pytest.raises(InputError, match="detour_factor = 0.5 is below 1"):
        TopsoilParams(detour_factor=0.5)


def test_bad_toml(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text("[topsoil\n")
    with pytest.raises(InputError, match="not valid TOML"):
        load_topsoil_params(path)
