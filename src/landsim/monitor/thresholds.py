"""Traffic-light thresholds (green / yellow / red) of the monitoring indicators.

A :class:`Threshold` holds a green and a yellow interval in the indicator's unit. A value
inside the green interval (bounds inclusive: a value exactly on a boundary gets the better
colour) is green, else inside the yellow interval yellow, else red; NaN is ``"no data"``.
Defaults live in ``data/policy/monitor.toml`` (unit and source per indicator) and are
repeated in :data:`DEFAULT_THRESHOLDS` for installs without the source tree.

>>> t = Threshold("supply_rate_5y", "fraction", green=(0.7, math.inf), yellow=(0.6, math.inf))
>>> [classify(x, t) for x in (0.7, 0.6, 0.59, float("nan"))]
['green', 'yellow', 'red', 'no data']
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from landsim.errors import InputError
from landsim.params import closest_key

__all__ = [
    "DEFAULT_THRESHOLDS",
    "MONITOR_TOML",
    "STATUSES",
    "Threshold",
    "classify",
    "load_thresholds",
]

MONITOR_TOML = Path(__file__).resolve().parents[3] / "data" / "policy" / "monitor.toml"
"""``data/policy/monitor.toml`` of a source checkout (used when it exists)."""

STATUSES = ("green", "yellow", "red", "no data")
"""Traffic-light states, best first."""

_INF = math.inf


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
    """

    indicator: str
    unit: str
    green: tuple[float, float]
    yellow: tuple[float, float]
    source: str = ""

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
                "source": self.source}


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


_DEFAULTS: dict[str, tuple[str, tuple[float, float], tuple[float, float]]] = {
    "cultivated_land_vs_target": ("ratio", (1.005, _INF), (1.0, _INF)),
    "pbf_vs_task": ("ratio", (1.0, _INF), (0.995, _INF)),
    "eco_redline_vs_target": ("ratio", (1.0, _INF), (0.995, _INF)),
    "udb_area_vs_target": ("ratio", (-_INF, 1.0), (-_INF, 1.005)),
    "udb_expansion_multiple": ("factor", (-_INF, 1.25), (-_INF, 1.3)),
    "urban_land_growth_multiple": ("factor", (-_INF, 1.2), (-_INF, 1.3)),
    "flexible_zone_share": ("fraction", (-_INF, 0.12), (-_INF, 0.15)),
    "per_capita_urban_land": ("m2/person", (65.0, 115.0), (60.0, 125.0)),
    "gdp_land_decline_gap": ("fraction", (0.0, _INF), (-0.05, _INF)),
    "land_pop_elasticity": ("ratio", (-_INF, 1.12), (-_INF, 1.5)),
    "supply_rate_5y": ("fraction", (0.7, _INF), (0.6, _INF)),
    "idle_disposal_rate": ("fraction", (0.5, _INF), (0.3, _INF)),
    "stock_supply_share": ("fraction", (0.25, _INF), (0.15, _INF)),
}

DEFAULT_THRESHOLDS: dict[str, Threshold] = {
    key: Threshold(key, unit, green, yellow, "data/policy/monitor.toml")
    for key, (unit, green, yellow) in _DEFAULTS.items()}
"""Built-in thresholds (identical to ``data/policy/monitor.toml``; a test checks)."""


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        msg = (f"threshold file {path} does not exist. Fix: give an existing TOML file "
               "(see data/policy/monitor.toml) or leave the option out")
        raise InputError(msg)
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        msg = f"{path}: not valid TOML ({exc}). Fix the syntax"
        raise InputError(msg) from None
    raw.pop("schema_version", None)
    return raw


def _apply(base: dict[str, Threshold], data: Mapping[str, Any], origin: str
           ) -> dict[str, Threshold]:
    out = dict(base)
    for key, entry in data.items():
        if key not in base:
            msg = (f"{origin}: unknown indicator {key!r}; "
                   f"{closest_key(key, sorted(base))}")
            raise InputError(msg)
        if isinstance(entry, Threshold):
            out[key] = entry
            continue
        if not isinstance(entry, Mapping):
            msg = (f"{origin}: {key} must be a table with green and/or yellow = [min, max]")
            raise InputError(msg)
        valid = ("unit", "green", "yellow", "source")
        for name in entry:
            if name not in valid:
                msg = f"{origin}: unknown key {key}.{name}; {closest_key(name, valid)}"
                raise InputError(msg)
        if "unit" in entry and entry["unit"] != base[key].unit:
            msg = (f"{origin}: {key} is measured in {base[key].unit!r}, not "
                   f"{entry['unit']!r}. Fix: give the bounds in {base[key].unit}")
            raise InputError(msg)
        changes = {k: tuple(v) if k in ("green", "yellow") else v
                   for k, v in entry.items() if k != "unit"}
        if "source" not in entry:
            changes["source"] = f"{origin} (user setting)"
        out[key] = dataclasses.replace(base[key], **changes)
    return out


def load_thresholds(path: str | Path | None = None, **overrides: Any) -> dict[str, Threshold]:
    """Thresholds of every indicator, from TOML with overrides.

    Parameters
    ----------
    path : str or Path, optional
        TOML file with one table per indicator (``green``, ``yellow``, ``unit``,
        ``source``); indicators it leaves out keep their default. Default:
        ``data/policy/monitor.toml`` when present, else :data:`DEFAULT_THRESHOLDS`.
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
        interval, green not inside yellow, a unit other than the indicator's.

    Examples
    --------
    >>> t = load_thresholds(supply_rate_5y={"green": [0.8, math.inf]})
    >>> t["supply_rate_5y"].describe(), t["supply_rate_5y"].describe("yellow")
    ('>= 0.8', '>= 0.6')
    """
    thresholds = dict(DEFAULT_THRESHOLDS)
    if path is None and MONITOR_TOML.exists():
        path = MONITOR_TOML
    if path is not None:
        p = Path(path)
        raw = _read_toml(p)
        thresholds = _apply(thresholds, raw, str(p))
    if overrides:
        thresholds = _apply(thresholds, overrides, "override")
    return thresholds
