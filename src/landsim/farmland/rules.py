"""The rules of the permanent basic farmland (永久基本农田, PBF) layout and the one eligibility rule.

:class:`FarmlandRules` holds the policy parameters of the layout (design 5.2) as fields of
the one parameter mechanism; their defaults are the shared figures of
:class:`landsim.policy.CommonFigures`. :func:`eligibility` decides, criterion by criterion,
which parcels may be PBF; :func:`landsim.parcels.pbf_eligible` and the layout model both
use it.

>>> FarmlandRules().max_slope_deg, FarmlandRules().compensation_ratio
(25.0, 1.05)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from landsim._params import Params, shared
from landsim.errors import InputError
from landsim.policy import CommonFigures
from landsim.schema import CULTIVATED_CLASSES, parse_bool, require_columns

__all__ = ["FarmlandRules", "bool_array", "eligibility"]

_MAX_LISTED = 5
"""How many ids an error message lists before '...'."""


@dataclass(frozen=True)
class FarmlandRules(Params):
    """Policy parameters of the PBF layout rules, each with its unit and source.

    Parameters
    ----------
    max_slope_deg : float
        Steepest slope a parcel may have to stay or become PBF; steeper parcels are taken
        out. [degree]
    compensation_ratio : float
        Newly added PBF must be at least this multiple of the PBF taken out
        (新增 >= 调整 x 105 %). [ratio]
    township_adjust_share : float
        The PBF area removed from a township by the consolidation adjustment (优进劣出,
        调整面积) is at most this share of its current PBF area; the correction of
        ineligible PBF (错划纠正) is a separate procedure and not counted. [fraction 0-1]
    cultivated_classes : tuple of str
        Third National Land Survey (三调) codes counted as cultivated land: 0101 水田,
        0102 水浇地, 0103 旱地. [code]
    """

    section: ClassVar[str] = "farmland"

    max_slope_deg: float = shared(CommonFigures, "max_slope_deg")
    compensation_ratio: float = shared(CommonFigures, "pbf_compensation_ratio")
    township_adjust_share: float = shared(CommonFigures, "pbf_township_adjust_share")
    cultivated_classes: tuple[str, ...] = CULTIVATED_CLASSES

    def _check(self) -> None:
        object.__setattr__(self, "cultivated_classes",
                           tuple(str(c) for c in self.cultivated_classes))


def _first(items: Sequence[Any]) -> str:
    """'a, b, c, d, e, ...' for error messages."""
    items = list(items)
    text = ", ".join(str(i) for i in items[:_MAX_LISTED])
    return text + (", ..." if len(items) > _MAX_LISTED else "")


def eligibility(parcels: pd.DataFrame, rules: FarmlandRules | None = None) -> pd.DataFrame:
    """Which parcels may be PBF after the adjustment, criterion by criterion.

    Parameters
    ----------
    parcels : pandas.DataFrame
        Parcels table of design 5.1.
    rules : FarmlandRules, optional
        Policy parameters (default :class:`FarmlandRules`).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``parcels`` with boolean columns ``cultivated``, ``slope_ok``
        (slope <= ``rules.max_slope_deg``; a missing slope fails), ``outside_redline``, ``outside_udb``,
        ``stable`` and ``eligible`` (all of them).
    """
    rules = FarmlandRules() if rules is None else rules
    require_columns(parcels, ["land_class", "slope_deg", "in_eco_redline", "in_udb"],
                     "parcels")
    land_class = parcels["land_class"].astype("string").str.strip()
    slope = pd.to_numeric(parcels["slope_deg"], errors="coerce").to_numpy(dtype=float)
    table = pd.DataFrame(index=parcels.index)
    table["cultivated"] = land_class.isin(rules.cultivated_classes).fillna(False).to_numpy(bool)
    table["slope_ok"] = np.nan_to_num(slope, nan=np.inf) <= rules.max_slope_deg
    table["outside_redline"] = ~bool_array(parcels, "in_eco_redline")
    table["outside_udb"] = ~bool_array(parcels, "in_udb")
    table["stable"] = (bool_array(parcels, "stable") if "stable" in parcels
                       else np.ones(len(parcels), dtype=bool))
    table["eligible"] = table.all(axis=1)
    return table


def bool_array(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A boolean column as a numpy array; 1/0, true/false and yes/no are accepted."""
    try:
        values = parse_bool(frame[column])
    except ValueError as exc:
        rows = _first(exc.args[0] if exc.args else [])
        msg = (f"parcels: column {column} has values that are not booleans at rows "
               f"{rows}; use 1/0, true/false or yes/no")
        raise InputError(msg) from exc
    if values.isna().any():
        rows = _first(list(frame.index[values.isna().to_numpy()]))
        msg = f"parcels: column {column} is empty at rows {rows}; fill in true or false"
        raise InputError(msg)
    return values.to_numpy(dtype=bool)
