"""Township explorer of the county tour: land classes and the land-use map."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from landsim.parcels import select_township, township_view
from landsim.widgets._controls import ALL, explorer, township_dropdown, township_value

if TYPE_CHECKING:
    import ipywidgets

    from landsim.datasets import County

__all__ = ["township_explorer", "township_view"]


def township_explorer(county: County, show_map: bool = True) -> ipywidgets.interactive:
    """Dropdown of townships (starting on 全县, the whole county) driving
    :func:`township_view` and the land-use map.

    The returned ``interactive``'s ``.result`` is the table currently shown.
    """
    from landsim.plots import plot_land_use

    parcels = county.parcels

    def draw(table: pd.DataFrame, values: dict[str, Any]) -> None:
        township = township_value(values["township"])
        plot_land_use(select_township(parcels, township),
                      title=f"{township or ALL}：地类与永久基本农田 Land use and PBF")

    return explorer(lambda township: township_view(parcels, township_value(township)),
                    {"township": township_dropdown(parcels)},
                    draw=draw if show_map else None)
