"""The planner format: every code and column a planner reads has a bilingual label, and
years never carry a thousands separator."""

from __future__ import annotations

import pandas as pd
import pytest

from landsim.presentation import CODE_LABELS, column_label, format_number, planner_table


def test_every_rule_that_can_cut_the_quota_has_a_label():
    from landsim.quota.engine import BINDING

    assert set(BINDING) <= set(CODE_LABELS)


def test_every_acceptance_rule_of_new_cultivated_land_has_a_label():
    from landsim.cultivated.projects import RULES

    assert set(RULES) <= set(CODE_LABELS)


@pytest.mark.parametrize("column", ["year", "first_year", "disposed_year", "first_udb",
                                    "first_cultivated_balance"])
def test_year_columns_have_no_separator(column):
    shown = planner_table(pd.DataFrame({column: [2023, 2035]}))
    assert shown.iloc[:, 0].tolist() == ["2023", "2035"]


def test_the_first_year_each_rule_cut_the_quota_is_labelled():
    from landsim.quota.engine import BINDING

    for cap in BINDING[1:]:
        assert column_label(f"first_{cap}") != f"first_{cap}"


def test_a_list_of_failed_rules_is_labelled_rule_by_rule():
    shown = planner_table(pd.DataFrame({"failed_rules": ["status;slope", "", "odd"]}))
    assert shown.iloc[:, 0].tolist() == [
        f"{CODE_LABELS['status']}；{CODE_LABELS['slope']}", "", "odd"]
    assert format_number("slope") == CODE_LABELS["slope"]
