"""Township explorer of the county tour: land classes and the land-use map."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from landsim.parcels import select_township, township_view
from landsim.widgets._controls import ALL, explorer, township_choices

if TYPE_CHECKING:
    import ipywidgets

    from landsim.datasets import County

__all__ = ["township_explorer", "township_view"]


def township_explorer(county: County, show_map: bool = True) -> ipywidgets.interactive:
    """Dropdown of townships driving :func:`township_view` and the land-use map.

    The returned ``interactive``'s ``.result`` is the table currently shown.
    """
    import ipywidgets as w

    from landsim.plots import plot_land_use

    parcels = county.parcels

    def draw(table: pd.DataFrame, values: dict[str, Any]) -> None:
        township = values["township"]
        plot_land_use(select_township(parcels, township), title=township or ALL)

    control = w.Dropdown(options=township_choices(parcels), value=None,
                         description="乡镇 Township")
    return explorer(lambda township: township_view(parcels, township), {"township": control},
                    shown=lambda t: [t.round({"area_ha": 1, "area_mu": 0, "share_pct": 1})],
                    draw=draw if show_map else None)
