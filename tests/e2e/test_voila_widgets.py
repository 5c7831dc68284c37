"""Open the notebooks in Voila in a real browser, move a widget, and check that the table
the planner sees changes to exactly what the pure function computes."""

from __future__ import annotations

import pytest

import landsim
from e2e.conftest import (
    open_page,
    set_slider,
    table_rows,
    wait_until_changed,
    wait_until_equal,
)
from landsim.farmland.views import layout_view
from landsim.quota.scenario import Scenario, ScenarioInputs
from landsim.quota.views import quota_view
from landsim.resources import scenario_file
from landsim.units import ha_to_mu
from landsim.widgets.quota import QUOTA_COLUMNS

pytestmark = pytest.mark.e2e


def _table(page, scope: str) -> list[list[str]]:
    """Body rows of the last HTML table inside ``scope`` (index cell first)."""
    return table_rows(page.locator(f"{scope} table").last, "th, td")


def _wait_table_change(page, scope: str, before: list[list[str]]) -> list[list[str]]:
    return wait_until_changed(lambda: _table(page, scope), before, page=page)


def _set_slider(page, label: str, value: float) -> None:
    set_slider(page, label, value)


def test_quota_slider_changes_the_table(voila_url, page, screenshots):
    scope = ".widget-interact .widget-output"
    open_page(page, f"{voila_url}/voila/render/01_two_links_quota.ipynb", f"{scope} table")
    before = _table(page, scope)
    _set_slider(page, "Stock-link ratio", 1.8)
    _wait_table_change(page, scope, before)

    inputs = ScenarioInputs.from_county(landsim.load_sample())
    baseline = Scenario.from_toml(scenario_file("baseline"))
    expected = quota_view(baseline, inputs, stock_link_ratio=1.8).round(2)
    column = QUOTA_COLUMNS.index("stock_link_quota_ha")  # planner tables have no index cell

    def stock() -> list[float]:
        return [float(row[column].replace(",", "")) for row in _table(page, scope)]

    want = expected["stock_link_quota_ha"].tolist()
    shown_stock = wait_until_equal(stock, want, page)
    page.screenshot(path=str(screenshots / "quota_after_slider.png"), full_page=False)
    assert shown_stock == pytest.approx(expected["stock_link_quota_ha"].tolist(), abs=0.006)
    # a higher ratio yields more stock-linked quota in the first uncapped year (2025)
    assert shown_stock[2] > float(before[2][column].replace(",", "")) > 0


def test_farmland_weight_slider_changes_the_checks(voila_url, page, screenshots):
    scope = ".widget-interact .widget-output"
    open_page(page, f"{voila_url}/voila/render/02_farmland_layout.ipynb", f"{scope} table")
    before = _table(page, scope)
    county = landsim.load_sample()
    pbf_ha = county.parcels.loc[county.parcels["is_pbf"], "area_ha"].sum()
    # the widget starts at the current PBF area with every legal rule on
    expected = layout_view(county.parcels, county.edges, target_mu=float(ha_to_mu(pbf_ha)),
                           boundary_weight=0.15)
    assert expected.attrs["what_if"] == ""

    def matches(rows: list[list[str]]) -> bool:
        """The planner format (criterion, value, limit, unit, passed 是 yes / 否 no; no
        index) shows the pure function's checks, values to its two decimals."""
        shown = {row[0]: row for row in rows if row}
        if list(shown) != expected["criterion"].tolist():
            return False
        return all(float(shown[expected.loc[rule, "criterion"]][1].replace(",", ""))
                   == pytest.approx(float(expected.loc[rule, "value"]), abs=0.0051)
                   for rule in ("quantity", "compensation", "quality"))

    _set_slider(page, "Boundary weight", 0.15)
    _wait_table_change(page, scope, before)
    # the page may redraw more than once after one move: wait for the expected table
    assert wait_until_equal(lambda: matches(_table(page, scope)), True, page)
    after = _table(page, scope)
    page.screenshot(path=str(screenshots / "farmland_after_slider.png"), full_page=False)
    assert all(row[4] == "是 yes" for row in after) == bool(expected["passed"].all())
    assert [row[1] for row in after] != [row[1] for row in before]
