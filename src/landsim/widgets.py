"""ipywidgets front-ends. Each widget only maps controls onto arguments of a pure function;
ipywidgets is imported inside the functions so the core installs without it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from landsim.parcels import land_class_table, select_township

if TYPE_CHECKING:
    import ipywidgets

    from landsim.datasets import County

__all__ = ["township_explorer", "township_view"]

ALL = "全县 Whole county"


def township_view(parcels: pd.DataFrame, township: str | None = None) -> pd.DataFrame:
    """Land-class table [ha, mu] of one township (None: the whole county)."""
    return land_class_table(select_township(parcels, township))


def township_explorer(county: County, show_map: bool = True) -> ipywidgets.interactive:
    """Dropdown of townships driving the land-class table and the map.

    The returned ``interactive``'s ``.result`` is the table currently shown.
    """
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    from landsim.plots import plot_land_use

    parcels = county.parcels
    options = [(ALL, None)] + [(name, name) for name in sorted(parcels["township"].unique())]

    def view(township: str | None = None) -> pd.DataFrame:
        table = township_view(parcels, township)
        display(table.round({"area_ha": 1, "area_mu": 0, "share_pct": 1}))
        if show_map:
            plot_land_use(select_township(parcels, township), title=township or ALL)
            plt.show()
        return table

    control = w.Dropdown(options=options, value=None, description="乡镇 Township")
    return w.interactive(view, township=control)
