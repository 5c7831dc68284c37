"""Building blocks shared by the widgets: slider ranges taken from parameter fields,
sliders built from a spec table, township choices and the one interactive pattern
(controls -> pure function -> table shown -> optional charts).

ipywidgets and IPython are imported inside the functions; figures come from
:mod:`landsim.plots`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    import ipywidgets

    from landsim._params import Params

__all__ = ["ALL", "FRACTION", "LABEL_WIDTH", "SLIDER_WIDTH", "ControlSpec", "announce_bounds",
           "explorer", "field_range", "keep_at_least_one", "keep_order", "sliders",
           "township_dropdown", "township_value"]

LABEL_WIDTH = "30em"
"""Width of a control's label: the full bilingual label with its unit stays readable."""

SLIDER_WIDTH = "62em"
"""Width of a slider with its label."""

log = logging.getLogger(__name__)

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
            label_width: str | None = LABEL_WIDTH, width: str | None = SLIDER_WIDTH
            ) -> dict[str, ipywidgets.FloatSlider]:
    """One slider per spec, starting at ``values[name]``; updates on release only. The
    label is shown in full (``label_width``) and also as the hover text."""
    import ipywidgets as w

    style = {"description_width": label_width} if label_width else {}
    layout = w.Layout(width=width) if width else w.Layout()
    return {name: w.FloatSlider(value=values[name], min=lo, max=hi, step=step,
                                description=label, description_allow_html=False,
                                tooltip=label, style=style, layout=layout,
                                continuous_update=False, readout_format=_readout(step))
            for name, (label, lo, hi, step) in specs.items()}


def _readout(step: float) -> str:
    """Readout format with the decimals of ``step`` (0.05 -> '.2f', 5 -> '.0f')."""
    text = f"{step:g}"
    return f".{len(text.split('.')[1])}f" if "." in text else ".0f"


def _say(notice: Any, text: str) -> None:
    """Write ``text`` into a notice (an ``ipywidgets.HTML``)."""
    import html

    notice.value = f'<span style="color:#8a5a00">{html.escape(text)}</span>'


def keep_order(controls: Sequence[Any], notice: Any, what: str) -> None:
    """Keep ``controls[0].value >= controls[1].value >= ...``: moving one past a
    neighbour moves the neighbour with it, and ``notice`` says so (``what`` names the
    rule). Register before the controls drive a function, so it never sees them out of
    order."""

    def follow(change: dict[str, Any], i: int) -> None:
        moved = controls[i]
        for j in range(i + 1, len(controls)):  # lower tiers follow down
            if controls[j].value > controls[j - 1].value:
                controls[j].value = controls[j - 1].value
                _say(notice, f"{controls[j].description} 已随之调整为 {controls[j].value:g}"
                             f"（{what}）。{controls[j].description} moved to "
                             f"{controls[j].value:g} with {moved.description} ({what}).")
        for j in range(i - 1, -1, -1):  # higher tiers follow up
            if controls[j].value < controls[j + 1].value:
                controls[j].value = controls[j + 1].value
                _say(notice, f"{controls[j].description} 已随之调整为 {controls[j].value:g}"
                             f"（{what}）。{controls[j].description} moved to "
                             f"{controls[j].value:g} with {moved.description} ({what}).")

    for i, control in enumerate(controls):
        control.observe(lambda change, i=i: follow(change, i), names="value")


def keep_at_least_one(controls: Sequence[Any], notice: Any, what: str) -> None:
    """Keep at least one control above 0: setting the last positive one to 0 puts it
    back to one step, and ``notice`` says so."""

    def check(change: dict[str, Any]) -> None:
        if all(c.value <= 0 for c in controls):
            control = change["owner"]
            control.value = control.step
            _say(notice, f"{what}，{control.description} 已恢复为 {control.step:g}。"
                         f"{what}: {control.description} set back to {control.step:g}.")

    for control in controls:
        control.observe(check, names="value")


def announce_bounds(controls: Mapping[str, Any], notice: Any) -> None:
    """Say when a slider lands on an end of its range (a typed value beyond it is clamped
    to that end by the slider)."""

    def check(change: dict[str, Any]) -> None:
        c = change["owner"]
        if c.value in (c.min, c.max) and change["new"] != change["old"]:
            end, end_en = ("下限", "minimum") if c.value == c.min else ("上限", "maximum")
            _say(notice, f"{c.description} 取范围{end} {c.value:g}（超出范围的输入按{end}计）。"
                         f"{c.description} is at its {end_en}, {c.value:g} (a value typed "
                         "beyond the range is clamped to it).")

    for control in controls.values():
        if hasattr(control, "min") and hasattr(control, "max"):
            control.observe(check, names="value")


def township_dropdown(parcels: pd.DataFrame, description: str = "乡镇 Township",
                      label_width: str = LABEL_WIDTH) -> ipywidgets.Dropdown:
    """Township dropdown that starts on 全县 (the whole county, value :data:`ALL`; map it
    to ``None`` with :func:`township_value`), then every township by name."""
    import ipywidgets as w

    names = [ALL, *sorted(str(n) for n in parcels["township"].unique())]
    return w.Dropdown(options=names, value=ALL, description=description,
                      style={"description_width": label_width},
                      layout=w.Layout(width=f"calc({label_width} + 14em)"))


def township_value(value: str | None) -> str | None:
    """``None`` for the whole county (:data:`ALL`), else the township name.

    >>> township_value(ALL), township_value("新关镇")
    (None, '新关镇')
    """
    return None if value in (None, ALL) else value


def explorer(compute: Callable[..., pd.DataFrame], controls: Mapping[str, Any], *,
             shown: Callable[[pd.DataFrame], Iterable[object]] | None = None,
             draw: Callable[[pd.DataFrame, dict[str, Any]], object] | None = None,
             notice: Any = None) -> ipywidgets.interactive:
    """Controls mapped onto the keyword arguments of the pure function ``compute``.

    On every change the widget calls ``compute(**values)``; its table is the widget's
    ``.result``. Each item of ``shown(table)`` is displayed (text is printed, a DataFrame
    in the planner format of :func:`landsim.presentation.planner_view`; default: the
    table itself), then
    ``draw(table, values)`` may draw figures. No error ever shows a traceback: it shows one
    bilingual sentence (:func:`landsim.presentation.planner_message`, code names replaced
    by the control labels) and gives an empty table. ``notice`` (an ``ipywidgets.HTML``)
    is placed above the output: the controls' rules write into it, and every slider
    announces when it lands on an end of its range.
    """
    import ipywidgets as w
    from IPython.display import display

    from landsim.presentation import Message, planner_message, planner_view

    notice = w.HTML("") if notice is None else notice
    announce_bounds(controls, notice)
    names = {k: getattr(c, "description", k) or k for k, c in controls.items()}

    def fail(err: BaseException) -> None:
        log.info("widget computation failed", exc_info=err)
        display(Message(planner_message(err, names)))

    def view(**values: Any) -> pd.DataFrame:
        try:
            table = compute(**values)
        except Exception as err:  # a widget never shows a traceback
            fail(err)
            return pd.DataFrame()
        try:
            for item in (planner_view(table),) if shown is None else shown(table):
                if isinstance(item, str):
                    print(item)
                elif isinstance(item, pd.DataFrame):
                    display(planner_view(item))
                else:
                    display(item)
            if draw is not None:
                from landsim.plots import show_figures

                draw(table, values)
                show_figures()
        except Exception as err:  # nor does a figure
            fail(err)
        return table

    widget = w.interactive(view, **controls)
    widget.children = (*widget.children[:-1], notice, widget.children[-1])
    return widget
