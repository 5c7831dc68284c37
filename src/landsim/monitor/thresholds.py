"""Traffic-light thresholds (green / yellow / red) of the monitoring indicators.

A :class:`Threshold` holds a green and a yellow interval in the indicator's unit. A value
inside the green interval (bounds inclusive: a value exactly on a boundary gets the better
colour) is green, else inside the yellow interval yellow, else red; NaN is ``"no data"``.
Defaults live in the packaged ``monitor.toml`` only (unit and source per indicator); a
bound that is a shared policy figure is written there as ``"@common.<name>"`` and taken
from :data:`landsim.policy.COMMON`, never retyped.

Binding indicators (``binding = true``: the ratios to the binding floors and ceilings of
``planning_targets.csv``) follow one rule, enforced here whatever file or override sets
them: yellow is exactly the side of the target that keeps the rule (``[1, inf]`` for a
floor, ``[-inf, 1]`` for a ceiling), so any breach is red; green is yellow minus an
early-warning margin (ASSUMED), so yellow means "kept, but inside the margin".

>>> [classify(x, DEFAULT_THRESHOLDS[k]) for k, x in (("cultivated_land_vs_target", 0.999),
...  ("pbf_vs_task", 0.999), ("eco_redline_vs_target", 0.997), ("udb_area_vs_target", 1.004))]
['red', 'red', 'red', 'red']

>>> t = Threshold("supply_rate_5y", "fraction", green=(0.7, math.inf), yellow=(0.6, math.inf))
>>> [classify(x, t) for x in (0.7, 0.6, 0.59, float("nan"))]
['green', 'yellow', 'red', 'no data']
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from landsim._params import read_toml, require_key, require_table
from landsim.errors import InputError
from landsim.policy import common_figure
from landsim.resources import policy_file

__all__ = [
    "BINDING_BOUND",
    "DEFAULT_THRESHOLDS",
    "STATUSES",
    "Threshold",
    "classify",
    "load_thresholds",
]

STATUSES = ("green", "yellow", "red", "no data")
"""Traffic-light states, best first."""

_INF = math.inf

BINDING_BOUND = 1.0
"""Bound of every binding indicator: they are value / target ratios, so the target itself.
[ratio]"""


@dataclass(frozen=True)
class Threshold:
    """Green and yellow intervals of one indicator.

    Parameters
    ----------
    indicator : str
        Indicator key (see :data:`landsim.monitor.indicators.INDICATORS`).
    unit : str
        Unit of the bounds (the indicator's unit).
    green, yellow : tuple of (min, max)
        Inclusive intervals; ``-inf`` / ``inf`` leave a side open. The green interval must
        lie inside the yellow one. [unit]
    source : str
        Where the figures come from ("ASSUMED" where no official threshold was found).
    binding : bool
        The indicator is the ratio to a binding floor or ceiling: yellow must then be
        exactly ``[BINDING_BOUND, inf]`` or ``[-inf, BINDING_BOUND]`` (any breach red).
    """

    indicator: str
    unit: str
    green: tuple[float, float]
    yellow: tuple[float, float]
    source: str = ""
    binding: bool = False

    def __post_init__(self) -> None:
        where = f"threshold {self.indicator}"
        pairs = {}
        for name in ("green", "yellow"):
            pair = getattr(self, name)
            if (not isinstance(pair, list | tuple) or len(pair) != 2
                    or any(isinstance(x, bool) or not isinstance(x, int | float) for x in pair)):
                msg = (f"{where}: {name} must be [min, max] numbers in {self.unit or 'the unit'}"
                       f", got {pair!r}. Fix: write e.g. {name} = [0.6, inf]")
                raise InputError(msg)
            lo, hi = float(pair[0]), float(pair[1])
            if math.isnan(lo) or math.isnan(hi) or lo > hi:
                msg = (f"{where}: {name} = [{lo:g}, {hi:g}] is not an interval (min must be "
                       "<= max). Fix: swap or correct the bounds")
                raise InputError(msg)
            pairs[name] = (lo, hi)
            object.__setattr__(self, name, (lo, hi))
        (glo, ghi), (ylo, yhi) = pairs["green"], pairs["yellow"]
        if glo < ylo or ghi > yhi:
            msg = (f"{where}: green [{glo:g}, {ghi:g}] must lie inside yellow [{ylo:g}, "
                   f"{yhi:g}] {self.unit}. Fix: widen yellow or narrow green")
            raise InputError(msg)
        if not isinstance(self.binding, bool):
            msg = f"{where}: binding must be true or false, got {self.binding!r}"
            raise InputError(msg)
        if self.binding and (ylo, yhi) not in ((BINDING_BOUND, _INF), (-_INF, BINDING_BOUND)):
            msg = (f"{where}: a binding indicator is red on any breach, so yellow must be "
                   f"[{BINDING_BOUND:g}, inf] (floor) or [-inf, {BINDING_BOUND:g}] (ceiling), "
                   f"got [{ylo:g}, {yhi:g}]. Fix: put the early-warning margin in green "
                   "(e.g. green = [1.005, inf]) or set binding = false")
            raise InputError(msg)

    @property
    def direction(self) -> str:
        """``'at_least'``, ``'at_most'`` or ``'within'`` (from the open sides)."""
        lo, hi = self.green
        if hi == _INF:
            return "at_least"
        if lo == -_INF:
            return "at_most"
        return "within"

    def describe(self, which: str = "green") -> str:
        """Interval as text, e.g. ``'>= 0.7'`` or ``'65-115'``.

        >>> DEFAULT_THRESHOLDS["per_capita_urban_land"].describe()
        '65-115'
        """
        lo, hi = getattr(self, which)
        if hi == _INF and lo == -_INF:
            return "any"
        if hi == _INF:
            return f">= {lo:g}"
        if lo == -_INF:
            return f"<= {hi:g}"
        return f"{lo:g}-{hi:g}"

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (TOML-ready)."""
        return {"unit": self.unit, "green": list(self.green), "yellow": list(self.yellow),
                "binding": self.binding, "source": self.source}


def classify(value: float, threshold: Threshold) -> str:
    """Traffic light of ``value``: ``'green'``, ``'yellow'``, ``'red'`` or ``'no data'``.

    Bounds are inclusive, so a value exactly on a boundary gets the better colour.

    >>> t = DEFAULT_THRESHOLDS["per_capita_urban_land"]
    >>> classify(115.0, t), classify(125.0, t), classify(125.01, t), classify(64.0, t)
    ('green', 'yellow', 'red', 'yellow')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no data"
    x = float(value)
    if math.isnan(x):
        return "no data"
    for name in ("green", "yellow"):
        lo, hi = getattr(threshold, name)
        if lo <= x <= hi:
            return name
    return "red"


def _resolve(bound: Any, origin: str, where: str) -> Any:
    """A bound as given, or the shared figure named by ``"@common.<name>"``."""
    if isinstance(bound, str) and bound.startswith("@common."):
        try:
            return common_figure(bound.removeprefix("@common."))
        except InputError as err:
            raise InputError(f"{origin}: {where}: {err}") from None
    return bound


def _apply(base: dict[str, Threshold], data: Mapping[str, Any], origin: str
           ) -> dict[str, Threshold]:
    out = dict(base)
    for key, entry in data.items():
        require_key(key, sorted(base), origin, f"indicator {key!r}")
        if isinstance(entry, Threshold):
            out[key] = entry
            continue
        require_table(entry, origin, key, "green and/or yellow = [min, max]")
        for name in entry:
            require_key(name, ("unit", "green", "yellow", "source", "binding"), origin,
                        f"key {key}.{name}")
        if "unit" in entry and entry["unit"] != base[key].unit:
            msg = (f"{origin}: {key} is measured in {base[key].unit!r}, not "
                   f"{entry['unit']!r}. Fix: give the bounds in {base[key].unit}")
            raise InputError(msg)
        changes: dict[str, Any] = {}
        for name, value in entry.items():
            if name in ("green", "yellow") and isinstance(value, list | tuple):
                value = tuple(_resolve(v, origin, f"{key}.{name}") for v in value)
            if name != "unit":
                changes[name] = value
        if "source" not in entry:
            changes["source"] = f"{origin} (user setting)"
        try:
            out[key] = dataclasses.replace(base[key], **changes)
        except InputError as err:
            raise InputError(f"{origin}: {err}") from None
    return out


def _packaged() -> dict[str, Threshold]:
    """Thresholds of the packaged ``monitor.toml`` (the one declaration of the defaults)."""
    path = policy_file("monitor")
    raw = read_toml(path, what="threshold file")
    origin = "packaged monitor.toml"
    out: dict[str, Threshold] = {}
    for key, entry in raw.items():
        if not isinstance(entry, Mapping) or not {"unit", "green", "yellow"} <= set(entry):
            msg = f"{origin}: {key} needs unit, green and yellow"
            raise InputError(msg)
        green = tuple(_resolve(v, origin, f"{key}.green") for v in entry["green"])
        yellow = tuple(_resolve(v, origin, f"{key}.yellow") for v in entry["yellow"])
        out[key] = Threshold(key, entry["unit"], green, yellow,  # type: ignore[arg-type]
                             entry.get("source", origin), entry.get("binding", False))
    return out


DEFAULT_THRESHOLDS: dict[str, Threshold] = _packaged()
"""Thresholds of every indicator as shipped (read from the packaged ``monitor.toml``)."""


def load_thresholds(path: str | Path | None = None, **overrides: Any) -> dict[str, Threshold]:
    """Thresholds of every indicator, from TOML with overrides.

    Parameters
    ----------
    path : str or Path, optional
        TOML file with one table per indicator (``green``, ``yellow``, ``unit``,
        ``source``, ``binding``); indicators it leaves out keep their default. Default:
        :data:`DEFAULT_THRESHOLDS` (the packaged ``monitor.toml``).
    **overrides
        ``indicator={"green": [lo, hi], "yellow": [lo, hi]}`` or a :class:`Threshold`.

    Returns
    -------
    dict
        Indicator key -> :class:`Threshold`.

    Raises
    ------
    InputError
        Unknown indicator or key (naming the closest valid one), bounds that are not an
        interval, green not inside yellow, a unit other than the indicator's, a binding
        indicator whose yellow reaches past its bound.

    Examples
    --------
    >>> t = load_thresholds(supply_rate_5y={"green": [0.8, math.inf]})
    >>> t["supply_rate_5y"].describe(), t["supply_rate_5y"].describe("yellow")
    ('>= 0.8', '>= 0.6')
    """
    thresholds = dict(DEFAULT_THRESHOLDS)
    if path is not None:
        p = Path(path)
        raw = read_toml(p, what="threshold file")
        thresholds = _apply(thresholds, raw, str(p))
    if overrides:
        thresholds = _apply(thresholds, overrides, "override")
    return thresholds
