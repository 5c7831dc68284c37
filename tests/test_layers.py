"""Layers: engines never import the presentation layer, all matplotlib lives in
``landsim.plots`` and all ipywidgets in ``landsim.widgets``, and every widget control that
is a policy figure starts at the parameter field that declares it."""

from __future__ import annotations

import ast
import importlib.util
import inspect
import pkgutil
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

import landsim
from landsim.policy import COMMON, CommonFigures

matplotlib.use("Agg")

PRESENTATION = ("matplotlib", "ipywidgets", "landsim.plots", "landsim.widgets")
"""Modules an engine must not import, at module level or inside a function."""
NOT_ENGINES = ("landsim.plots", "landsim.widgets", "landsim.monitor.report", "landsim.cli")
"""The presentation layer, the HTML report (renders charts) and the command line."""


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _modules() -> dict[str, Path]:
    """Every module of the package (walked with pkgutil) -> its source file."""
    failed: list[str] = []
    names = ["landsim"] + [m.name for m in pkgutil.walk_packages(
        landsim.__path__, "landsim.", onerror=failed.append)]
    assert not failed, f"packages that do not import: {failed}"
    out = {}
    for name in names:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin, name
        out[name] = Path(spec.origin)
    return out


MODULES = _modules()


def imported_names(tree: ast.AST, module: str, is_package: bool = False) -> set[str]:
    """Dotted names a module imports anywhere (module level, functions, TYPE_CHECKING
    blocks): ``import a.b``, ``from a import b`` (as ``a`` and ``a.b``), relative imports
    resolved against ``module``, and ``importlib.import_module("a.b")``."""
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[:len(parts) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
        elif (isinstance(node, ast.Call) and ast.unparse(node.func) in
              ("importlib.import_module", "import_module", "__import__")
              and node.args and isinstance(node.args[0], ast.Constant)):
            names.add(str(node.args[0].value))
    return names


def _imports_of(name: str) -> set[str]:
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return imported_names(tree, name, is_package=path.name == "__init__.py")


def test_the_walk_finds_the_package():
    assert {"landsim.quota.engine", "landsim.plots.quota", "landsim.widgets.quota",
            "landsim.monitor.lights", "landsim.cli"} <= set(MODULES)
    assert len(MODULES) > 60


def test_the_scan_sees_function_level_and_relative_imports():
    source = ("from typing import TYPE_CHECKING\n"
              "if TYPE_CHECKING:\n    from matplotlib.axes import Axes\n"
              "def f():\n    import matplotlib.pyplot as plt\n"
              "def g():\n    from ..widgets import quota\n"
              "def h():\n    importlib.import_module('ipywidgets')\n")
    names = imported_names(ast.parse(source), "landsim.quota.engine")
    assert {"matplotlib.axes", "matplotlib.pyplot", "landsim.widgets",
            "landsim.widgets.quota", "ipywidgets"} <= names


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not _within(n, NOT_ENGINES)))
def test_engines_do_not_import_the_presentation_layer(name):
    bad = sorted(i for i in _imports_of(name) if _within(i, PRESENTATION))
    assert not bad, f"{name} imports {bad}: move figures to landsim.plots, widgets to " \
                    "landsim.widgets, and keep the pure view function in the engine"


def test_matplotlib_only_in_plots_and_ipywidgets_only_in_widgets():
    users: dict[str, set[str]] = {"matplotlib": set(), "ipywidgets": set()}
    for name in MODULES:
        for lib, found in users.items():
            if any(_within(i, (lib,)) for i in _imports_of(name)):
                found.add(name)
    assert users["matplotlib"] - {"landsim.monitor.report"}
    assert all(_within(n, ("landsim.plots",)) for n in
               users["matplotlib"] - {"landsim.monitor.report"}), users["matplotlib"]
    assert users["ipywidgets"]
    assert all(_within(n, ("landsim.widgets",)) for n in users["ipywidgets"]), \
        users["ipywidgets"]


def test_presentation_imports_without_its_extras():
    """Importing the presentation layer loads neither matplotlib nor ipywidgets."""
    import subprocess
    import sys

    code = ("import sys, landsim.plots, landsim.widgets; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


# ----------------------------------------------------------------------------- defaults


def _controls(widget) -> dict:
    """Argument name -> control of an ``ipywidgets.interactive``."""
    return {c._kwarg: c for c in widget.kwargs_widgets}


@pytest.fixture(scope="module")
def county(small_county):
    from landsim.datasets import county_from_synthetic

    return county_from_synthetic(small_county)


def test_quota_widget_starts_at_the_policy_fields(county):
    from landsim.quota.params import PopulationLink, RewardPenalty, StockLink
    from landsim.quota.scenario import Scenario, ScenarioInputs
    from landsim.quota.views import quota_view
    from landsim.widgets import QUOTA_CONTROLS, quota_explorer

    scenario, inputs = Scenario("w", end_year=2026), ScenarioInputs.from_county(county)
    widget = quota_explorer(scenario, inputs, show_charts=False)
    c = _controls(widget)
    for name in ("standard_tier1_m2", "standard_tier2_m2", "standard_tier3_m2",
                 "provincial_factor"):
        assert c[name].value == PopulationLink.default_of(name)
    assert c["stock_link_ratio"].value == StockLink.default_of("ratio")
    assert (c["provincial_factor"].min, c["provincial_factor"].max) == (
        PopulationLink.default_of("provincial_factor_min"),
        PopulationLink.default_of("provincial_factor_max"))
    assert c["reward_penalty"].value is RewardPenalty.default_of("enabled")
    assert f"+{RewardPenalty.default_of('reward_rate') * 100:g} %" in \
        c["reward_penalty"].description
    tier1 = PopulationLink.default_of("tier1_max_m2")
    assert QUOTA_CONTROLS["standard_tier1_m2"][0].startswith(f"1档标准(人均≤{tier1:g}m²)")
    pd.testing.assert_frame_equal(widget.result, quota_view(scenario, inputs))


def test_monitor_widget_starts_at_the_common_figures():
    from landsim.monitor import traffic_lights
    from landsim.widgets import MONITOR_CONTROLS, monitor_explorer

    values = pd.DataFrame({"year": [2021, 2022], "basis": ["history", "history"],
                           "supply_rate_5y": [0.55, 0.65],
                           "per_capita_urban_land": [120.0, 110.0]})
    widget = monitor_explorer(values, show_charts=False)
    c = _controls(widget)
    assert c["supply_rate_floor"].value == COMMON.supply_rate_floor \
        == CommonFigures.default_of("supply_rate_floor")
    assert c["per_capita_max_m2"].value == COMMON.per_capita_band_max_m2
    assert c["elasticity_max"].value == COMMON.elasticity_benchmark
    assert c["udb_multiple_max"].value == COMMON.udb_expansion_multiple
    from landsim.monitor import monitor_view
    from landsim.widgets import monitor_defaults

    view = inspect.signature(monitor_view).parameters
    assert monitor_defaults() == {name: view[name].default for name in MONITOR_CONTROLS}
    meta = CommonFigures.meta_of("supply_rate_floor")
    assert MONITOR_CONTROLS["supply_rate_floor"][1:3] == (meta["lo"], meta["hi"])
    # at its start values the widget shows exactly the default traffic lights (only the
    # threshold sources say "adjusted")
    shown = widget.result.drop(columns="source")
    pd.testing.assert_frame_equal(shown, traffic_lights(values, 2022).drop(columns="source"))


def test_class_view_defaults_are_the_rules():
    from landsim.stockland.params import PerformanceRules
    from landsim.stockland.views import class_view

    params = inspect.signature(class_view).parameters
    for name in ("class_a_min", "class_b_min", "class_c_min", "weight_tax"):
        assert params[name].default == PerformanceRules.default_of(name)


def test_performance_widget_controls_start_at_the_rules():
    from landsim import load_sample
    from landsim.stockland import performance_units
    from landsim.stockland.params import PerformanceRules
    from landsim.widgets import performance_explorer

    county = load_sample()
    units = performance_units(county.industrial_contracts, county.stock_plots, "2022-12-31")
    widget = performance_explorer(units)
    for name, control in _controls(widget).items():
        assert control.value == PerformanceRules.default_of(name)
        assert control.min >= PerformanceRules.meta_of(name)["lo"]
    _controls(widget)["class_b_min"].value = 130.0  # above class A: the rule is shown
    assert widget.result.empty


def test_topsoil_widget_starts_at_the_params():
    from landsim import load_sample
    from landsim.topsoil.examples import example_topsoil_inputs
    from landsim.topsoil.params import TopsoilParams
    from landsim.topsoil.views import what_if
    from landsim.widgets import topsoil_explorer

    inputs = example_topsoil_inputs(load_sample().parcels)
    widget = topsoil_explorer(inputs)
    c = _controls(widget)
    assert c["depth_m"].value == TopsoilParams.default_of("depth_paddy_m")
    assert c["haul_cost_yuan_per_m3_km"].value == \
        TopsoilParams.default_of("haul_cost_yuan_per_m3_km")
    assert widget.kwargs["uniform_depth"] is False  # each source keeps its own depth
    levers = {k: v for k, v in widget.kwargs.items() if k not in ("uniform_depth", "depth_m")}
    expected = what_if(inputs, **levers).cost_split
    pd.testing.assert_frame_equal(widget.result, expected)


def test_farmland_widget_starts_at_the_layout_options(county):
    from landsim.farmland.model import LayoutOptions
    from landsim.farmland.rules import FarmlandRules
    from landsim.farmland.views import layout_view
    from landsim.widgets import farmland_explorer

    widget = farmland_explorer(county, show_map=False)
    c = _controls(widget)
    assert c["boundary_weight"].value == LayoutOptions().boundary_weight
    assert inspect.signature(layout_view).parameters["boundary_weight"].default == \
        LayoutOptions().boundary_weight
    # every legal rule is on: the only switches are what-ifs, off, and labelled so
    switches = [name for name in c if name.startswith("what_if_")]
    assert switches and all(c[name].value is False for name in switches)
    assert all(inspect.signature(layout_view).parameters[name].default is False
               for name in switches)
    assert all("What-if" in c[name].description for name in switches)
    ratio = FarmlandRules.default_of("compensation_ratio")
    assert ratio == COMMON.pbf_compensation_ratio
    assert f"{ratio * 100:g} %" in c["what_if_no_105_rule"].description
    share = FarmlandRules.default_of("township_adjust_share")
    assert share == COMMON.pbf_township_adjust_share
    assert f"{share * 100:g} %" in c["what_if_no_township_cap"].description


def test_siting_widget_starts_at_the_given_weights():
    from landsim.siting import DEFAULT_WEIGHTS
    from landsim.widgets import weights_explorer

    measures = pd.DataFrame({"scheme_id": ["A", "B"], "pbf_share": [0.1, 0.2],
                             "cultivated_share": [0.3, 0.1],
                             **{k: [1.0, 2.0] for k in DEFAULT_WEIGHTS}})
    widget = weights_explorer(measures, DEFAULT_WEIGHTS)
    c = _controls(widget)
    assert {k: c[k].value for k in DEFAULT_WEIGHTS} == DEFAULT_WEIGHTS
    assert c["method"].value == "topsis"


def test_charts_take_the_policy_figures():
    from landsim.plots import plot_per_capita
    from landsim.plots.quota import CAP_NAMES

    annual = pd.DataFrame({"year": [2021, 2022], "per_capita_urban_land_m2": [120.0, 118.0]})
    fig = plot_per_capita(annual)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    band = f"{COMMON.per_capita_band_min_m2:g}-{COMMON.per_capita_band_max_m2:g}"
    assert any(band in label for label in labels)
    assert f"{COMMON.supply_rate_floor:.0%}" in CAP_NAMES["supply_rate_floor"]
