"""Register explorer: search a land unit (code, batch, contract or plot id) and see its
state at a date and, for one unit, its history."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import pandas as pd

from landsim.register.lifecycle import Register, unit_history
from landsim.register.views import unit_search
from landsim.widgets._controls import LABEL_WIDTH, SLIDER_WIDTH, explorer

if TYPE_CHECKING:
    import ipywidgets

__all__ = ["unit_explorer"]


def unit_explorer(reg: Register, contracts: pd.DataFrame | None = None,
                  query: str = "", as_of_options: list[str] | None = None
                  ) -> ipywidgets.interactive:
    """A search box and a date slider driving :func:`~landsim.register.views.unit_search`;
    ``.result`` is the table shown. When one unit matches, its history
    (:func:`~landsim.register.lifecycle.unit_history`) is shown below."""
    import ipywidgets as w

    from landsim.presentation import planner_view

    options = as_of_options or [f"{y}-12-31" for y in range(2016, 2026)]
    controls = {
        "query": w.Text(value=query, description="搜索 Search (code, batch, contract, plot)",
                        continuous_update=False, style={"description_width": LABEL_WIDTH},
                        layout=w.Layout(width=SLIDER_WIDTH)),
        "as_of": w.SelectionSlider(options=options, value=options[min(6, len(options) - 1)],
                                   description="截至日期 As of",
                                   style={"description_width": LABEL_WIDTH},
                                   layout=w.Layout(width=SLIDER_WIDTH)),
    }

    def shown(table: pd.DataFrame) -> list[object]:
        items: list[object] = [planner_view(table) if len(table) else
                               "没有匹配的单元 No unit matches"]
        if len(table) == 1:
            items.append(planner_view(unit_history(reg, table["unit_code"].iloc[0])))
        return items

    return explorer(partial(unit_search, reg, contracts=contracts), controls, shown=shown)
