"""Example inputs are the seeded generators' output; widgets wrap pure functions."""

from __future__ import annotations

import inspect

import pandas as pd
import pytest
from conftest import REPO

from landsim import load_sample
from landsim.siting import compare_schemes
from landsim.siting.examples import example_schemes
from landsim.siting.examples import write_examples as write_siting
from landsim.topsoil import read_topsoil_inputs
from landsim.topsoil.examples import example_topsoil_inputs
from landsim.topsoil.examples import write_examples as write_topsoil
from landsim.topsoil.views import what_if
from landsim.widgets import topsoil_explorer, weights_explorer


@pytest.fixture(scope="module")
def parcels():
    return load_sample().parcels


def test_bundled_topsoil_examples_are_the_generator_output(parcels, tmp_path):
    write_topsoil(tmp_path, parcels)
    for name in ("sources.csv", "stockpiles.csv", "destinations.csv"):
        assert (tmp_path / name).read_bytes() == \
            (REPO / "data" / "examples" / "topsoil" / name).read_bytes(), name


def test_bundled_siting_examples_are_the_generator_output(parcels, tmp_path):
    write_siting(tmp_path, parcels)
    for name in ("schemes.csv", "footprints_parcels.csv"):
        assert (tmp_path / name).read_bytes() == \
            (REPO / "data" / "examples" / "siting" / name).read_bytes(), name


def test_example_generators_are_seeded(parcels):
    a = example_topsoil_inputs(parcels, seed=5).sources
    b = example_topsoil_inputs(parcels, seed=5).sources
    c = example_topsoil_inputs(parcels, seed=6).sources
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    s1, f1 = example_schemes(parcels, seed=5)
    s2, f2 = example_schemes(parcels, seed=5)
    pd.testing.assert_frame_equal(s1, s2)
    assert f1.geometry.equals(f2.geometry)


def test_example_files_read_back():
    ex = REPO / "data" / "examples" / "topsoil"
    inputs = read_topsoil_inputs(ex / "sources.csv", ex / "destinations.csv",
                                 ex / "stockpiles.csv")
    assert (inputs.sources["volume_m3"] > 0).all()
    assert set(inputs.destinations["kind"]) == {"improvement", "reclamation", "replenished"}


def test_topsoil_widget_names_match_the_pure_function(parcels):
    inputs = example_topsoil_inputs(parcels)
    widget = topsoil_explorer(inputs)
    assert set(widget.kwargs) == {"uniform_depth", "depth_m", "haul_cost_yuan_per_m3_km",
                                  "capacity_factor"}
    params = set(inspect.signature(what_if).parameters)
    assert set(widget.kwargs) - {"uniform_depth"} <= params


def test_topsoil_widget_reacts(parcels):
    widget = topsoil_explorer(example_topsoil_inputs(parcels))
    next(c for c in widget.children if "One depth" in c.description).value = True
    before = widget.result.set_index("component")["cost_yuan"].copy()  # every source 0.30 m
    depth = next(c for c in widget.children if "stripping depth" in c.description)
    depth.value = 0.45
    after = widget.result.set_index("component")["cost_yuan"]
    assert after["stripping"] == pytest.approx(before["stripping"] * 0.45 / 0.30)


def test_siting_widget_reacts(parcels):
    schemes, footprints = example_schemes(parcels)
    comp = compare_schemes(footprints, parcels, schemes)
    widget = weights_explorer(comp.measures, {"cultivated_ha": 1.0, "forest_ha": 0.0})
    m = comp.measures.set_index("scheme_id")
    least = m["cultivated_ha"].idxmin()
    assert widget.result["scheme_id"].iloc[0] == least  # the least cultivated land wins
    forest = next(c for c in widget.children if "Forest" in c.description)
    forest.value = 5.0
    # with forest weighted 5 to 1 the winner is the best on 5 x forest + cultivated
    # (min-max normalised by TOPSIS, so the most forest-hungry scheme cannot win)
    assert widget.result["scheme_id"].iloc[0] != m["forest_ha"].idxmax()
