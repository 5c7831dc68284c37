"""Widgets map controls onto arguments of pure functions, and changing one changes the result."""

from __future__ import annotations

import inspect

import matplotlib
import pandas as pd
import pytest

from landsim.datasets import county_from_synthetic
from landsim.widgets import township_explorer, township_view

matplotlib.use("Agg")


@pytest.fixture
def county(small_county):
    return county_from_synthetic(small_county)


def test_widget_names_are_arguments_of_the_view():
    params = inspect.signature(township_view).parameters
    assert "township" in params
    assert all(p.default is not inspect.Parameter.empty
               for name, p in params.items() if name != "parcels")


def test_changing_the_township_changes_the_table(county):
    widget = township_explorer(county, show_map=False)
    whole = widget.result
    assert isinstance(whole, pd.DataFrame)
    assert whole["parcels"].sum() == len(county.parcels)
    widget.children[0].value = "新关镇"
    seat = widget.result
    expected = (county.parcels["township"] == "新关镇").sum()
    assert seat["parcels"].sum() == expected < len(county.parcels)
    assert not seat.equals(whole)


def test_dropdown_offers_every_township_and_the_county(county):
    widget = township_explorer(county, show_map=False)
    labels = [label for label, _ in widget.children[0].options]
    assert labels[0] == "全县 Whole county"
    assert sorted(labels[1:]) == sorted(county.parcels["township"].unique())


def test_unknown_township_lists_valid_names(county):
    with pytest.raises(ValueError, match="unknown township '南堡子乡'; valid names: 万家寨镇"):
        township_view(county.parcels, "南堡子乡")


def test_map_needs_geometry(county):
    from landsim.plots import plot_land_use

    with pytest.raises(TypeError, match="needs parcels with geometry"):
        plot_land_use(pd.DataFrame(county.parcels.drop(columns="geometry")))


# ----------------------------------------------------------------------------- quota


@pytest.fixture
def quota_setup(county):
    from landsim.quota.scenario import Scenario, ScenarioInputs

    return Scenario("w", end_year=2030), ScenarioInputs.from_county(county)


def test_quota_controls_are_arguments_of_adjust_scenario():
    from landsim.quota.scenario import adjust_scenario
    from landsim.widgets import QUOTA_CONTROLS

    params = inspect.signature(adjust_scenario).parameters
    assert set(QUOTA_CONTROLS) | {"reward_penalty", "per_capita_brake"} == set(params) - {"scenario"}


def test_moving_a_slider_changes_the_quota(quota_setup):
    from landsim.widgets import quota_explorer, quota_view

    widget = quota_explorer(*quota_setup, show_charts=False)
    before = widget.result
    ratio = next(c for c in widget.children if "Stock-link ratio" in c.description)
    ratio.value = ratio.value * 2
    after = widget.result
    assert after["stock_link_quota_ha"].sum() > before["stock_link_quota_ha"].sum() > 0
    assert after["ordinary_requested_ha"].sum() > before["ordinary_requested_ha"].sum()
    # the widget shows exactly what the pure function returns for the same levers
    pd.testing.assert_frame_equal(after, quota_view(*quota_setup, **widget.kwargs))
    disposal = next(c for c in widget.children if "Unsupplied disposal" in c.description)
    disposal.value = 0.0
    assert widget.result["stock_disposed_ha"].sum() < after["stock_disposed_ha"].sum()


# ----------------------------------------------------------------------------- farmland


def test_farmland_controls_are_arguments_of_layout_view(county):
    from landsim.widgets import farmland_explorer, layout_view

    params = inspect.signature(layout_view).parameters
    widget = farmland_explorer(county, show_map=False)
    assert set(widget.kwargs) == set(params) - {"parcels", "edges"}


def test_moving_the_boundary_weight_reduces_patches():
    from landsim.synthetic import synthesize
    from landsim.widgets import farmland_explorer

    # 1,000 parcels: the 5 % cap leaves room to move whole parcels in every township
    # (seed 12: with seed 11 on the real outline the correction cannot keep 水泉镇's grade)
    widget = farmland_explorer(county_from_synthetic(synthesize(1000, seed=12)),
                               show_map=False)
    assert widget.result.attrs["what_if"] == "" and widget.result["passed"].all()
    before = widget.result.attrs["patches_after"]
    weight = next(c for c in widget.children if "Boundary weight" in c.description)
    weight.value = 0.2
    assert widget.result.attrs["patches_after"] < before
    assert widget.result["passed"].all()


def test_a_legal_rule_is_switched_off_only_as_a_labelled_what_if(county):
    from landsim.farmland import RULES
    from landsim.widgets import farmland_explorer

    widget = farmland_explorer(county, show_map=False)
    assert list(widget.result.index) == list(RULES)  # every rule is shown
    boxes = [c for c in widget.children if getattr(c, "value", None) is False]
    assert boxes and all("What-if" in c.description for c in boxes)
    cap = next(c for c in boxes if "township cap" in c.description)
    cap.value = True
    assert "WHAT-IF" in widget.result.attrs["what_if"]
    assert "no township cap" in widget.result.attrs["what_if"]


# ----------------------------------------------------------------------------- every explorer


@pytest.mark.parametrize(("controls", "function", "data_args"), [
    ("QUOTA_CONTROLS", "landsim.quota.scenario:adjust_scenario", {"scenario"}),
    ("MONITOR_CONTROLS", "landsim.monitor.lights:monitor_view", {"values", "thresholds"}),
    ("PERFORMANCE_CONTROLS", "landsim.stockland.views:class_view", {"units"}),
    ("TOPSOIL_CONTROLS", "landsim.topsoil.views:what_if", {"inputs", "params"}),
    ("CULTIVATED_CONTROLS", "landsim.cultivated.views:verify_view", {"projects", "policy"}),
])
def test_slider_names_are_arguments_of_the_pure_function(controls, function, data_args):
    import importlib

    import landsim.widgets

    module, name = function.split(":")
    params = inspect.signature(getattr(importlib.import_module(module), name)).parameters
    specs = getattr(landsim.widgets, controls)
    assert set(specs) <= set(params) - data_args
    for label, lo, hi, step in specs.values():
        assert label and lo < hi and 0 < step <= hi - lo


def test_a_value_the_rules_reject_shows_the_message():
    import ipywidgets as w

    from landsim.errors import InputError
    from landsim.widgets._controls import explorer

    def compute(x: float) -> pd.DataFrame:
        if x > 1:
            msg = f"x = {x:g} is out of range; allowed 0 to 1"
            raise InputError(msg)
        return pd.DataFrame({"x": [x]})

    widget = explorer(compute, {"x": w.FloatSlider(value=0.5, min=0, max=2)})
    assert widget.result["x"].tolist() == [0.5]
    widget.children[0].value = 1.5
    assert widget.result.empty


def test_presentation_lives_in_plots_and_widgets_only():
    import importlib.util

    for old in ("landsim.monitor.charts", "landsim.monitor.widgets",
                "landsim.stockland.widgets", "landsim.siting.views"):
        assert importlib.util.find_spec(old) is None, f"{old} should have moved"
