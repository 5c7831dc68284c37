"""Building blocks shared by the widgets: slider ranges taken from parameter fields,
sliders built from a spec table, township choices and the one interactive pattern
(controls -> pure function -> table shown -> optional charts).

ipywidgets and IPython are imported inside the functions; figures come from
:mod:`landsim.plots`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from landsim.errors import InfeasibleError, InputError

if TYPE_CHECKING:
    import ipywidgets

    from landsim._params import Params

__all__ = ["ALL", "FRACTION", "ControlSpec", "explorer", "field_range", "sliders",
           "township_choices"]

ALL = "全县 Whole county"
"""Label of the whole-county choice of a township dropdown (value None)."""

ControlSpec = tuple[str, float, float, float]
"""Slider spec: (label, min, max, step), keyed by the argument it sets."""

FRACTION = (0.0, 1.0)
"""Slider range of a lever that is a share or a rate. [fraction]"""


def field_range(owner: type[Params], name: str,
                span: tuple[float, float] | None = None) -> tuple[float, float]:
    """Slider range of parameter ``owner.name``: its declared range (``lo``, ``hi`` of
    :meth:`~landsim._params.Params.meta_of`), narrowed to the presentation ``span``.

    A side the declaration leaves open takes the span's bound, so the slider never offers
    a value the parameter would reject.

    >>> from landsim.policy import CommonFigures
    >>> field_range(CommonFigures, "supply_rate_floor")
    (0.0, 1.0)
    >>> field_range(CommonFigures, "udb_expansion_multiple", (0.5, 2.0))
    (1.0, 2.0)
    """
    meta = owner.meta_of(name)
    lo, hi = meta["lo"], meta["hi"]
    if span is not None:
        lo = span[0] if lo is None else max(lo, span[0])
        hi = span[1] if hi is None else min(hi, span[1])
    if lo is None or hi is None:
        msg = f"{owner.__name__}.{name} has an open range; give the slider a span"
        raise ValueError(msg)
    return float(lo), float(hi)


def sliders(specs: Mapping[str, ControlSpec], values: Mapping[str, float], *,
            label_width: str | None = None, width: str | None = None
            ) -> dict[str, ipywidgets.FloatSlider]:
    """One slider per spec, starting at ``values[name]``; updates on release only."""
    import ipywidgets as w

    style = {"description_width": label_width} if label_width else {}
    layout = w.Layout(width=width) if width else w.Layout()
    return {name: w.FloatSlider(value=values[name], min=lo, max=hi, step=step,
                                description=label, style=style, layout=layout,
                                continuous_update=False)
            for name, (label, lo, hi, step) in specs.items()}


def township_choices(parcels: pd.DataFrame) -> list[tuple[str, str | None]]:
    """Dropdown options: the whole county (None), then every township by name."""
    return [(ALL, None)] + [(name, name) for name in sorted(parcels["township"].unique())]


def explorer(compute: Callable[..., pd.DataFrame], controls: Mapping[str, Any], *,
             shown: Callable[[pd.DataFrame], Iterable[object]] | None = None,
             draw: Callable[[pd.DataFrame, dict[str, Any]], object] | None = None
             ) -> ipywidgets.interactive:
    """Controls mapped onto the keyword arguments of the pure function ``compute``.

    On every change the widget calls ``compute(**values)``; its table is the widget's
    ``.result``. Each item of ``shown(table)`` is displayed (text is printed; default: the
    table itself), then ``draw(table, values)`` may draw figures. Values the rules reject
    (an :class:`~landsim.errors.InputError`, e.g. class thresholds out of order) or a
    model cannot meet (an :class:`~landsim.errors.InfeasibleError`, e.g. a target above
    the eligible land) show the message instead of a traceback and give an empty table.
    """
    import ipywidgets as w
    from IPython.display import display

    def view(**values: Any) -> pd.DataFrame:
        try:
            table = compute(**values)
        except (InputError, InfeasibleError) as err:
            display(str(err))
            return pd.DataFrame()
        for item in (table,) if shown is None else shown(table):
            if isinstance(item, str):
                print(item)
            else:
                display(item)
        if draw is not None:
            from landsim.plots import show_figures

            draw(table, values)
            show_figures()
        return table

    return w.interactive(view, **controls)
