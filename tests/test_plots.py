"""Every figure of landsim.plots draws from the engines' tables and labels what it shows."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from landsim import plots
from landsim.policy import COMMON


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def county(small_county):
    from landsim.datasets import county_from_synthetic

    return county_from_synthetic(small_county)


def _legend(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_public_names_are_reexported():
    for name in plots.__all__:
        assert callable(getattr(plots, name)) or isinstance(getattr(plots, name), dict | tuple)


def _map_parts(ax) -> dict[str, object]:
    """What the shared map style puts on a map: legend placement, scale bar, north arrow,
    township names."""
    texts = [t.get_text() for t in ax.texts]
    legend = ax.get_legend()
    return {"legend_outside": legend is not None and legend.get_bbox_to_anchor().x0
            >= ax.get_window_extent().x1,
            "scale_bar": any(t.endswith(" km") or t.endswith(" m") for t in texts),
            "north_arrow": "N 北" in texts, "texts": texts}


def test_land_use_map_groups_codes_and_outlines_pbf(county):
    fig = plots.plot_land_use(county.parcels, title="t")
    ax = fig.axes[0]
    labels = _legend(ax)
    pbf_ha = county.parcels.loc[county.parcels["is_pbf"], "area_ha"].sum()
    assert plots.area_legend_label("永久基本农田 PBF (outline)", pbf_ha) in labels
    groups = {label.split(" · ")[0] for label in labels} - {"永久基本农田 PBF (outline)"}
    assert groups <= {*plots.LAND_GROUPS, "其他 Other"}
    assert all(" ha / " in label and label.endswith(" 亩") for label in labels)
    parts = _map_parts(ax)
    assert parts["legend_outside"] and parts["scale_bar"] and parts["north_arrow"]
    assert set(county.parcels["township"]) <= set(parts["texts"])


def test_control_lines_map_gives_each_line_its_area(county):
    ax = plots.plot_control_lines(county.parcels, title="t").axes[0]
    udb_ha = county.parcels.loc[county.parcels["in_udb"].astype(bool), "area_ha"].sum()
    assert plots.area_legend_label("开发边界 UDB", udb_ha) in _legend(ax)
    assert _map_parts(ax)["north_arrow"]


def test_quota_charts_label_the_caps_and_the_band(county):
    from landsim.quota.scenario import Scenario, ScenarioInputs
    from landsim.quota.views import quota_view

    annual = quota_view(Scenario("p", end_year=2026), ScenarioInputs.from_county(county))
    fig = plots.plot_quota_sources(annual, title="p")
    assert [label for _, label, _ in plots.QUOTA_SOURCES] <= _legend(fig.axes[0])
    fig = plots.plot_per_capita(annual, band=(60.0, 120.0))
    assert any("60-120" in label for label in _legend(fig.axes[0]))
    fig = plots.plot_per_capita(annual)
    band = f"{COMMON.per_capita_band_min_m2:g}-{COMMON.per_capita_band_max_m2:g}"
    assert any(band in label for label in _legend(fig.axes[0]))


def test_fan_chart_draws_both_bands():
    summary = pd.DataFrame({"year": [2021, 2022]} | {
        f"new_construction_land_ha_p{p}": [float(p), float(p) + 1] for p in (5, 25, 50, 75, 95)})
    fig = plots.plot_fan(summary)
    assert _legend(fig.axes[0])[:2] == ["5-95 %", "25-75 %"]


def test_layout_map_gives_the_area_of_each_change(county):
    parcels = county.parcels
    change = ["kept", "added", "removed"] + ["none"] * (len(parcels) - 3)
    layout = pd.DataFrame({"parcel_id": parcels["parcel_id"], "change": change})
    fig = plots.plot_layout(parcels, layout, title="t")
    areas = parcels["area_ha"].iloc[:3].tolist()
    assert _legend(fig.axes[0]) == [plots.area_legend_label(label, a) for label, a in
                                    zip(["保留 kept", "调入 added", "调出 removed"], areas,
                                        strict=True)]
    assert _map_parts(fig.axes[0])["scale_bar"]


def test_trend_chart_leaves_out_indicators_without_data():
    values = pd.DataFrame({"year": [2021, 2022], "basis": ["history", "simulation"],
                           "supply_rate_5y": [0.55, 0.65]})
    fig = plots.plot_trends(values, 2022)
    assert sum(ax.get_visible() for ax in fig.axes) == 1
    uri = plots.figure_to_data_uri(fig)
    assert uri.startswith("data:image/png;base64,")
    assert not plt.get_fignums()  # exporting closes the figure


def test_site_and_topsoil_maps_show_the_control_lines():
    from landsim import load_sample
    from landsim.siting import compare_schemes
    from landsim.siting.examples import example_schemes
    from landsim.topsoil.examples import example_topsoil_inputs
    from landsim.topsoil.views import what_if

    parcels = load_sample().parcels
    schemes, footprints = example_schemes(parcels)
    comparison = compare_schemes(footprints, parcels, schemes)
    ax = plots.plot_footprints(comparison.pieces, parcels)
    labels = _legend(ax)
    area = comparison.pieces.groupby("scheme_id")["area_ha"].sum()
    assert {plots.area_legend_label(str(k), v) for k, v in area.items()} <= set(labels)
    assert "永久基本农田 PBF" in labels
    parts = _map_parts(ax)
    assert set(area.index.astype(str)) <= set(parts["texts"])  # each scheme named on the map
    assert parts["legend_outside"]
    inputs = example_topsoil_inputs(parcels)
    ax = plots.plot_flows(what_if(inputs), inputs, parcels)
    assert {"取土区 sources", "存放区 stockpiles", "覆土区 destinations"} <= set(_legend(ax))
    assert set(inputs.sources["source_id"]) <= set(_map_parts(ax)["texts"])
