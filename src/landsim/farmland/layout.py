"""The PBF layout in two stages, within the law by default (one call for CLI and widgets).

:func:`plan_layout` runs

(a) the correction (错划纠正, :mod:`landsim.farmland.correction`): ineligible PBF leaves
    and the same area, of no worse quality, is replaced in each township, from the PBF
    reserve (储备区) first; then
(b) the optimisation (优进劣出) of the corrected layout with the canonical model of design
    5.2 (:class:`~landsim.farmland.model.FarmlandLayoutModel`) under every rule: the area
    target, added >= 105 % x removed and a mean grade no worse, each county-wide and in
    every township, no township losing PBF, and the township adjustment cap (removed <= 5 %
    of the township's PBF, :attr:`landsim.policy.CommonFigures.pbf_township_adjust_share`).

Correction removals do not count against the 5 % cap: the 2025 PBF red-line measures
treat correcting mis-delineated PBF and optimising the layout as separate procedures
(``shared/domain/policy-facts.md`` sections 5 and 6). A rule is switched off only by an
explicit ``what_if_*`` argument; the result then lists it in :attr:`LayoutPlan.what_if`
and every output labels the layout as a what-if, not a legal layout. The checks of
:func:`landsim.farmland.checks.rule_checks` list every rule per township and county.

:func:`optimize_layout` is the one-stage model run on its own (no correction, rules as
given).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from landsim.optimize.defaults import (
    DEFAULT_GAP,
    DEFAULT_SOLVER,
    DEFAULT_TIME_LIMIT_S,
    PLAN_GAP,
)

__all__ = ["PLAN_GAP", "WHAT_IF_LABELS", "LayoutPlan", "optimize_layout", "plan_layout"]


WHAT_IF_LABELS: dict[str, str] = {
    "no_township_cap": "no township cap 取消乡镇5%调整上限",
    "no_105_rule": "no 105 % compensation 取消调入≥105%",
    "no_quality_rule": "no quality rule 取消质量不降低",
    "target_below_current": "target below the current PBF area 目标低于现有面积",
}
"""What-if key -> label of a rule that a run switched off."""


def optimize_layout(parcels: pd.DataFrame, edges: pd.DataFrame | None, *,
                    solver: str = DEFAULT_SOLVER, time_limit: float | None = DEFAULT_TIME_LIMIT_S,
                    gap: float | None = DEFAULT_GAP, **options: Any) -> tuple[Any, Any]:
    """Solve the canonical layout model (design 5.2) in one stage and compare before and after.

    ``options`` are the keyword arguments of
    :meth:`~landsim.farmland.model.FarmlandLayoutModel.from_parcels`. For a layout within
    the law use :func:`plan_layout`.

    Returns
    -------
    tuple
        The :class:`~landsim.farmland.model.LayoutResult` and the
        :class:`~landsim.farmland.metrics.LayoutMetrics`.
    """
    from landsim.farmland.metrics import compare_layouts
    from landsim.farmland.model import FarmlandLayoutModel

    model = FarmlandLayoutModel.from_parcels(parcels, edges, **options)
    result = model.solve(solver=solver, time_limit=time_limit, gap=gap)
    metrics = compare_layouts(parcels, result, edges, target_ha=result.target_ha)
    return result, metrics


@dataclass(frozen=True)
class LayoutPlan:
    """The two stages of a PBF layout and the checks of the result.

    Attributes
    ----------
    correction : CorrectionResult
        Stage (a): ineligible PBF out (with reasons) and its replacement.
    result : LayoutResult
        Stage (b): the optimisation of the corrected layout (its before is the corrected
        layout; ``objective`` is design 5.2 evaluated on it).
    layout : pandas.DataFrame
        One row per parcel: parcel_id, is_pbf_before, is_pbf_after, change (kept, added,
        removed, none: after against before, design 5.2), then is_pbf_corrected,
        correction (kept, removed, replacement, none), optimisation (kept, added,
        removed, none: after against the corrected layout) and reason.
    metrics : LayoutMetrics
        Before/after statistics (area, grade, patches) per township and county.
    checks : pandas.DataFrame
        Every rule per township and county (:func:`landsim.farmland.checks.rule_checks`).
    adjustment : pandas.DataFrame
        Stage (b) per township and ``total``: pbf_corrected_ha, removed_ha, added_ha
        (with mu), removed_pct (of the township's corrected PBF) [%], cap_pct [%] and
        within_cap.
    what_if : tuple of str
        Keys of :data:`WHAT_IF_LABELS` for the rules switched off; empty for a layout
        within the law.
    target_ha : float
        County area target of stage (b). [ha]
    """

    correction: Any
    result: Any
    layout: pd.DataFrame
    metrics: Any
    checks: pd.DataFrame
    adjustment: pd.DataFrame
    what_if: tuple[str, ...]
    target_ha: float

    @property
    def failed(self) -> list[str]:
        """Rules that fail, each with the townships (and ``total``) where it fails."""
        from landsim.farmland.checks import failed_rules

        return failed_rules(self.checks)

    @property
    def all_passed(self) -> bool:
        """True only when every rule holds in every township and county-wide."""
        return not self.failed

    @property
    def legal(self) -> bool:
        """True when no rule was switched off (no what-if) and every rule holds."""
        return not self.what_if and self.all_passed

    def what_if_text(self) -> str:
        """'' for a legal run, else a label naming the rules switched off."""
        if not self.what_if:
            return ""
        labels = ", ".join(WHAT_IF_LABELS[k] for k in self.what_if)
        return f"WHAT-IF 假设情景 (not a legal layout 非法定方案): {labels}"

    def checks_text(self) -> str:
        """One line: every rule passed, or the failing rules and where."""
        from landsim.farmland.checks import RULES

        scope = f"checks ({len(RULES)} rules, every township and the county)"
        if self.all_passed:
            return f"{scope}: all passed"
        return f"{scope}: FAILED {'; '.join(self.failed)}"

    def lines(self) -> list[str]:
        """What a planner reads first, one line a stage (no timings, no paths)."""
        from landsim.units import format_ha_mu

        c, r, adj = self.correction, self.result, self.adjustment
        total = self.metrics.by_township.loc["total"]
        worst = adj.drop(index="total")["removed_pct"]
        town = str(worst.idxmax()) if len(worst) else "-"
        share = float(worst.max()) if len(worst) else 0.0
        cap = float(adj.loc["total", "cap_pct"])
        cap_text = (f"cap {cap:g} % on" if "no_township_cap" not in self.what_if
                    else f"cap {cap:g} % OFF (what-if)")
        out = [self.what_if_text()] if self.what_if else []
        out += [
            f"(a) correction 错划纠正: ineligible PBF out {format_ha_mu(c.removed_ha)}, "
            f"replaced {format_ha_mu(c.replaced_ha)} (from the reserve 储备区 "
            f"{format_ha_mu(c.from_reserve_ha)}); mean grade "
            f"{c.totals['mean_grade_before']:.2f} -> {c.totals['mean_grade_corrected']:.2f}",
            f"(b) optimisation 优进劣出 ({r.status}): removed "
            f"{format_ha_mu(float(adj.loc['total', 'removed_ha']))}, added "
            f"{format_ha_mu(float(adj.loc['total', 'added_ha']))}; largest township "
            f"adjustment {share:.2f} % ({town}), {cap_text}",
            f"PBF 永久基本农田 {format_ha_mu(total['area_before_ha'])} -> "
            f"{format_ha_mu(total['area_after_ha'])}; mean grade "
            f"{total['mean_grade_before']:.2f} -> {total['mean_grade_after']:.2f}; patches "
            f"{self.metrics.patches_before} -> {self.metrics.patches_after}",
            self.checks_text(),
        ]
        return out

    def summary(self) -> dict[str, Any]:
        """``summary.json``: the keys of design 5.2 (after against before), the stages,
        the what-if labels and the checks."""
        r, totals = self.result, self.metrics.by_township.loc["total"]
        adj = self.adjustment
        by_rule = self.checks.groupby("rule", sort=False)["passed"].all()
        return {
            "status": r.status, "objective": r.objective, "gap": r.gap,
            "best_bound": r.best_bound, "solver": r.solver, "trace": list(r.trace),
            "solve_seconds": self.correction.solve_seconds + r.solve_seconds,
            "target_ha": self.target_ha,
            "area_before_ha": float(totals["area_before_ha"]),
            "area_after_ha": float(totals["area_after_ha"]),
            "added_ha": float(totals["added_ha"]), "removed_ha": float(totals["removed_ha"]),
            "mean_grade_before": float(totals["mean_grade_before"]),
            "mean_grade_after": float(totals["mean_grade_after"]),
            "patches_before": self.metrics.patches_before,
            "patches_after": self.metrics.patches_after,
            "legal": self.legal, "what_if": [WHAT_IF_LABELS[k] for k in self.what_if],
            "all_passed": self.all_passed, "failed": self.failed,
            "checks": {str(k): bool(v) for k, v in by_rule.items()},
            "correction": self.correction.summary(),
            "optimisation": {
                "status": r.status, "area_before_ha": r.area_before_ha,
                "area_after_ha": r.area_after_ha, "added_ha": r.added_ha,
                "removed_ha": r.removed_ha, "township_cap": "no_township_cap" not in self.what_if,
                "cap_pct": float(adj.loc["total", "cap_pct"]),
                "largest_township_pct": float(adj.drop(index="total")["removed_pct"].max()),
                "active_rules": list(r.active_rules),
            },
        }


def _adjustment_table(parcels: pd.DataFrame, corrected: np.ndarray, after: np.ndarray,
                      share: float) -> pd.DataFrame:
    """Stage (b) per township against the cap (``share`` of the corrected PBF)."""
    from landsim.farmland.metrics import TOTAL_ROW
    from landsim.units import ha_to_mu

    frame = pd.DataFrame({
        "township": parcels["township"].astype(str).to_numpy(dtype=object),
        "pbf_corrected_ha": np.where(corrected, parcels["area_ha"], 0.0),
        "removed_ha": np.where(corrected & ~after, parcels["area_ha"], 0.0),
        "added_ha": np.where(after & ~corrected, parcels["area_ha"], 0.0),
    })
    table = frame.groupby("township", sort=True).sum()
    table.loc[TOTAL_ROW] = table.sum()
    base = table["pbf_corrected_ha"].where(table["pbf_corrected_ha"] > 0)
    table["removed_pct"] = (100 * table["removed_ha"] / base).fillna(0.0)
    table["cap_pct"] = 100 * share
    table["within_cap"] = table["removed_pct"] <= table["cap_pct"] * (1 + 1e-9) + 1e-9
    for col in ("pbf_corrected_ha", "removed_ha", "added_ha"):
        table.insert(table.columns.get_loc(col) + 1, col[:-3] + "_mu", ha_to_mu(table[col]))
    return table


def _combined_layout(correction: Any, result: Any) -> pd.DataFrame:
    """The layout table of both stages (after against before, and each stage)."""
    from landsim.farmland.model import CHANGE_LABELS

    first = correction.layout
    before = first["is_pbf_before"].to_numpy(dtype=bool)
    corrected = first["is_pbf_corrected"].to_numpy(dtype=bool)
    after = result.layout["is_pbf_after"].to_numpy(dtype=bool)

    def change(old: np.ndarray, new: np.ndarray) -> pd.Categorical:
        labels = np.select([old & new, ~old & new, old & ~new], ["kept", "added", "removed"],
                           default="none")
        return pd.Categorical(labels, categories=list(CHANGE_LABELS))

    return pd.DataFrame({
        "parcel_id": first["parcel_id"], "is_pbf_before": before, "is_pbf_after": after,
        "change": change(before, after), "is_pbf_corrected": corrected,
        "correction": first["correction"], "optimisation": change(corrected, after),
        "reason": first["reason"],
    })


def plan_layout(parcels: pd.DataFrame, edges: pd.DataFrame | None = None, *,
                target_ha: float | None = None, boundary_weight: float = 0.0,
                stability_weight: float = 0.0, what_if_no_township_cap: bool = False,
                what_if_no_105_rule: bool = False, what_if_no_quality_rule: bool = False,
                rules: Any = None, solver: str = DEFAULT_SOLVER,
                time_limit: float | None = DEFAULT_TIME_LIMIT_S,
                gap: float | None = PLAN_GAP, progress: Any = None) -> LayoutPlan:
    """Correct, then optimise the PBF layout under every rule (module docstring).

    Parameters
    ----------
    parcels : pandas.DataFrame
        Parcels of design 5.1, optionally with ``in_pbf_reserve`` (the PBF reserve).
    edges : pandas.DataFrame, optional
        Adjacency (parcel_a, parcel_b, shared_length_m); needed for the boundary weight
        and the patch statistics.
    target_ha : float, optional
        County PBF area after; default the current PBF area. A lower target is a what-if
        (``target_below_current``): it lifts the rule that no township loses PBF. [ha]
    boundary_weight, stability_weight : float
        Weights of design 5.2's fragmentation and stability terms. [per m, per ha]
    what_if_no_township_cap, what_if_no_105_rule, what_if_no_quality_rule : bool
        Switch the township cap, the compensation rule or the quality rule off in stage
        (b), as a labelled what-if (the checks still test every rule).
    rules : FarmlandRules, optional
        Policy parameters (slope limit, compensation ratio, township share).
    solver, time_limit, gap
        Solver settings of both stages (default gap :data:`PLAN_GAP`). [-, s, fraction]
    progress : callable, optional
        ``progress(seconds, incumbent, bound)`` as stage (b)'s in-process solver improves
        (:func:`landsim.optimize.milp.solve_arrays`).

    Returns
    -------
    LayoutPlan

    Raises
    ------
    InfeasibleError
        The correction cannot replace a township's ineligible PBF, or stage (b) cannot
        meet a rule; the message names the rule, where and by how much.
    """
    from landsim.farmland.checks import rule_checks
    from landsim.farmland.correction import correct_layout
    from landsim.farmland.metrics import compare_layouts
    from landsim.farmland.model import FarmlandLayoutModel
    from landsim.farmland.rules import FarmlandRules

    rules = FarmlandRules() if rules is None else rules
    correction = correct_layout(parcels, rules, solver=solver, time_limit=time_limit, gap=gap)
    corrected_parcels = correction.corrected_parcels(parcels)
    before = correction.layout["is_pbf_before"].to_numpy(dtype=bool)
    corrected = correction.layout["is_pbf_corrected"].to_numpy(dtype=bool)
    area = pd.to_numeric(parcels["area_ha"]).to_numpy(dtype=float)
    area_before = float(area[before].sum())
    target = area_before if target_ha is None else float(target_ha)
    flags = {"no_township_cap": what_if_no_township_cap, "no_105_rule": what_if_no_105_rule,
             "no_quality_rule": what_if_no_quality_rule,
             "target_below_current": target < area_before * (1 - 1e-9)}
    what_if = tuple(k for k in WHAT_IF_LABELS if flags[k])
    townships = correction.layout["township"].to_numpy(dtype=object)
    floors = ({} if flags["target_below_current"] else
              {str(t): float(area[corrected & (townships == t)].sum())
               for t in sorted(set(townships.tolist()))})
    model = FarmlandLayoutModel.from_parcels(
        corrected_parcels, edges, target_ha=target, boundary_weight=boundary_weight,
        stability_weight=stability_weight, compensation_rule=not what_if_no_105_rule,
        quality_rule=not what_if_no_quality_rule,
        township_share_rule=not what_if_no_township_cap, per_township_rules=True,
        township_targets=floors, rules=rules)
    result = model.solve(solver=solver, time_limit=time_limit, gap=gap, progress=progress)
    layout = _combined_layout(correction, result)
    after = layout["is_pbf_after"].to_numpy(dtype=bool)
    return LayoutPlan(
        correction=correction, result=result, layout=layout,
        metrics=compare_layouts(parcels, layout, edges, target_ha=target),
        checks=rule_checks(parcels, before, corrected, after, target_ha=target, rules=rules),
        adjustment=_adjustment_table(parcels, corrected, after, rules.township_adjust_share),
        what_if=what_if, target_ha=target)
