"""Every rule of a PBF layout, checked per township and for the county.

:func:`rule_checks` compares the final layout with the layout before (and, for the two
rules of the consolidation adjustment, with the corrected layout that the adjustment
started from) and returns one row per township and rule plus a ``total`` row per rule:
the value, its limit, the unit and whether the rule holds. The rules (:data:`RULES`):

- ``quantity`` (数量): PBF area after >= before (the county: >= the target, never below
  the area before);
- ``compensation`` (调入 >= 105 % 调出): area added by the adjustment >= ratio x area it
  removed (correction replaces 1:1 and is not part of it);
- ``quality`` (质量): area-weighted mean grade after <= before (grade 1 best);
- ``redline``, ``slope``, ``udb``, ``stable``, ``cultivated``: no PBF after in the
  ecological red line, steeper than 25°, inside the urban development boundary, on
  unstable or on non-cultivated land (area that breaks the criterion <= 0 ha);
- ``township_cap`` (乡镇调整 <= 5 %): area removed by the adjustment <= the share of the
  township's PBF (the county row shows the largest township share).

The rule figures come from :class:`landsim.farmland.rules.FarmlandRules`.

Examples
--------
>>> import numpy as np, pandas as pd
>>> parcels = pd.DataFrame({
...     "parcel_id": ["a", "b", "c"], "township": ["t"] * 3, "land_class": ["0101"] * 3,
...     "area_ha": [10.0, 10.0, 1.0], "quality_grade": [5, 5, 3], "slope_deg": [1.0] * 3,
...     "in_eco_redline": [False] * 3, "in_udb": [False] * 3, "stable": [True] * 3,
...     "is_pbf": [True, True, False]})
>>> before = parcels["is_pbf"].to_numpy()
>>> after = np.array([True, False, True])  # 10 ha out, 1 ha in: 50 % of t's PBF removed
>>> checks = rule_checks(parcels, before, before, after)
>>> failed_rules(checks)
['quantity (t, total)', 'compensation (t, total)', 'township_cap (t, total)']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from landsim.farmland.metrics import TOTAL_ROW, weighted_grade
from landsim.farmland.rules import FarmlandRules, eligibility
from landsim.units import format_ha_mu

__all__ = ["CHECK_COLUMNS", "RULES", "failed_rules", "rule_checks"]

RULES: tuple[str, ...] = ("quantity", "compensation", "quality", "redline", "slope", "udb",
                          "stable", "cultivated", "township_cap")
"""Keys of the rules, in the order of the checks table."""

CHECK_COLUMNS: tuple[str, ...] = ("township", "rule", "criterion", "value", "limit", "unit",
                                  "passed", "detail")
"""Columns of :func:`rule_checks`."""

_ELIGIBILITY = {"redline": "outside_redline", "slope": "slope_ok", "udb": "outside_udb",
                "stable": "stable", "cultivated": "cultivated"}
"""Rule key -> column of :func:`landsim.farmland.rules.eligibility`."""

_TOL = 1e-9
"""Relative tolerance of the comparisons (and 1e-6 ha absolute for areas)."""


def _criteria(rules: FarmlandRules) -> dict[str, tuple[str, str]]:
    """Rule key -> (criterion text, unit)."""
    ratio, share = rules.compensation_ratio, rules.township_adjust_share
    return {
        "quantity": ("数量 PBF area after >= before", "ha"),
        "compensation": (f"调入 >= {ratio * 100:g} % 调出 added >= {ratio:g} x removed by "
                         "the adjustment (优进劣出)", "ha"),
        "quality": ("质量 mean grade after <= before (1 best)", "grade"),
        "redline": ("生态保护红线 no PBF in the ecological red line", "ha"),
        "slope": (f"坡度 no PBF steeper than {rules.max_slope_deg:g}°", "ha"),
        "udb": ("城镇开发边界 no PBF in the urban development boundary", "ha"),
        "stable": ("稳定耕地 PBF on stable cultivated land only", "ha"),
        "cultivated": ("耕地 PBF on cultivated land only", "ha"),
        "township_cap": (f"乡镇调整 removed by the adjustment <= {share * 100:g} % of the "
                         "township's PBF", "%"),
    }


def _at_least(value: float, limit: float) -> bool:
    return value >= limit - _TOL * max(1.0, abs(limit)) - 1e-6


def _at_most(value: float, limit: float) -> bool:
    return value <= limit + _TOL * max(1.0, abs(limit)) + 1e-6


def _scope_rows(area: np.ndarray, grade: np.ndarray, failing: dict[str, np.ndarray],
                inside: np.ndarray, before: np.ndarray, corrected: np.ndarray,
                after: np.ndarray, quantity_limit: float | None,
                rules: FarmlandRules) -> dict[str, tuple[float, float, bool, str]]:
    """Rule -> (value, limit, passed, detail) for the parcels ``inside`` (one township or
    the county; the cap row of the county is filled in by the caller)."""
    before_ha = float(area[inside & before].sum())
    after_ha = float(area[inside & after].sum())
    limit = before_ha if quantity_limit is None else quantity_limit
    added = float(area[inside & after & ~corrected].sum())
    removed = float(area[inside & corrected & ~after].sum())
    needed = rules.compensation_ratio * removed
    g0 = weighted_grade(area, grade, inside & before)
    g1 = weighted_grade(area, grade, inside & after)
    quality_ok = bool(np.isnan(g0) or np.isnan(g1) or _at_most(g1, g0))
    base = float(area[inside & corrected].sum())
    share = 100 * removed / base if base > 0 else 0.0
    cap = 100 * rules.township_adjust_share
    rows = {
        "quantity": (after_ha, limit, _at_least(after_ha, limit),
                     f"after {format_ha_mu(after_ha)}, at least {format_ha_mu(limit)}"),
        "compensation": (added, needed, _at_least(added, needed),
                         f"added {format_ha_mu(added)}, removed {format_ha_mu(removed)}"),
        "quality": (g1, g0, quality_ok, f"mean grade {g0:.3f} -> {g1:.3f}"),
    }
    for key, bad in failing.items():
        ha = float(area[inside & after & bad].sum())
        rows[key] = (ha, 0.0, _at_most(ha, 0.0), f"PBF breaking it {format_ha_mu(ha)}")
    rows["township_cap"] = (share, cap, _at_most(share, cap),
                            f"removed {format_ha_mu(removed)} of {format_ha_mu(base)}")
    return rows


def rule_checks(parcels: pd.DataFrame, before: Sequence[bool] | np.ndarray,
                corrected: Sequence[bool] | np.ndarray, after: Sequence[bool] | np.ndarray,
                *, target_ha: float | None = None,
                rules: FarmlandRules | None = None) -> pd.DataFrame:
    """Check every rule of :data:`RULES` per township and for the county.

    Parameters
    ----------
    parcels : pandas.DataFrame
        Parcels of design 5.1 (``is_pbf`` is not read: ``before`` says what PBF was).
    before, corrected, after : array of bool
        PBF before, after the correction stage (the start of the adjustment; pass
        ``before`` when there was no correction) and after, one value per parcel row.
    target_ha : float, optional
        County area target; the county's quantity limit is the larger of it and the area
        before. [ha]
    rules : FarmlandRules, optional
        Policy parameters.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CHECK_COLUMNS`: one row per township (sorted) and rule, then the
        ``total`` rows; ``value`` and ``limit`` in ``unit`` (ha, grade or % of the
        township's PBF), ``passed`` bool, ``detail`` with mu beside ha.
    """
    rules = FarmlandRules() if rules is None else rules
    masks = [np.asarray(m, dtype=bool) for m in (before, corrected, after)]
    if any(m.shape != (len(parcels),) for m in masks):
        msg = f"before, corrected and after need one bool per parcel ({len(parcels)},)"
        raise ValueError(msg)
    before_, corrected_, after_ = masks
    area = pd.to_numeric(parcels["area_ha"]).to_numpy(dtype=float)
    grade = pd.to_numeric(parcels["quality_grade"], errors="coerce").to_numpy(
        dtype=float, na_value=np.nan)
    criteria = eligibility(parcels, rules)
    failing = {k: ~criteria[c].to_numpy(dtype=bool) for k, c in _ELIGIBILITY.items()}
    township = parcels["township"].astype(str).to_numpy(dtype=object)
    texts = _criteria(rules)
    scopes: dict[str, dict[str, tuple[float, float, bool, str]]] = {}
    for name in sorted(set(township.tolist())):
        scopes[name] = _scope_rows(area, grade, failing, township == name, before_,
                                   corrected_, after_, None, rules)
    county_before = float(area[before_].sum())
    limit = county_before if target_ha is None else max(float(target_ha), county_before)
    total = _scope_rows(area, grade, failing, np.ones(len(area), dtype=bool), before_,
                        corrected_, after_, limit, rules)
    if scopes:  # the county's cap row: the largest township share
        worst = max(scopes, key=lambda t: (scopes[t]["township_cap"][0], t))
        share, cap, ok, detail = scopes[worst]["township_cap"]
        total["township_cap"] = (share, cap, ok, f"largest in {worst}: {detail}")
    scopes[TOTAL_ROW] = total
    rows = [(name, key, texts[key][0], value, lim, texts[key][1], bool(ok), detail)
            for name, table in scopes.items() for key in RULES
            for value, lim, ok, detail in [table[key]]]
    return pd.DataFrame(rows, columns=list(CHECK_COLUMNS))


def failed_rules(checks: pd.DataFrame) -> list[str]:
    """Failing rules of a :func:`rule_checks` table, each with where it fails.

    Returns
    -------
    list of str
        ``"rule (township, ..., total)"`` in the order of :data:`RULES`; empty when every
        rule holds everywhere.
    """
    failed = checks.loc[~checks["passed"].astype(bool)]
    return [f"{rule} ({', '.join(failed.loc[failed['rule'] == rule, 'township'])})"
            for rule in RULES if (failed["rule"] == rule).any()]
