r"""Stage (a) of a PBF layout: correcting mis-delineated PBF (错划纠正).

The 2025 PBF red-line measures (《永久基本农田保护红线管理办法》, in force 2025-10-01;
``shared/domain/policy-facts.md`` section 5) separate *correcting* PBF that should never
have been delineated from *optimising* the layout (优进劣出, the consolidation adjustment
of section 6 with its 5 % township cap and 105 % compensation). Correction works as
follows:

- every current PBF parcel that fails the one eligibility rule
  (:func:`landsim.farmland.rules.eligibility`: not cultivated, slope above 25°, inside
  the ecological red line or the urban development boundary, unstable) leaves, and its
  reason is recorded;
- the same area is replaced (补划) in the same township from eligible non-PBF land, the
  PBF reserve (储备区, the optional parcel column ``in_pbf_reserve``) first;
- quality does not fall: the area-weighted mean grade of the corrected PBF is no worse
  than before, in each township and county-wide.

The replacement is chosen by a small binary programme (:class:`CorrectionModel`):

.. math::

    \min\ & \sum_{i \in C} a_i\,(g_i + P\,[i \notin R])\,x_i \\
    \text{s.t.}\ & \textstyle\sum_{i \in C_t} a_i x_i \ge \sum_{i \in D_t} a_i
        && \text{(area replaced in township } t) \\
    & \textstyle\sum_{i \in K_t} a_i (g_i - \bar g_t) + \sum_{i \in C_t} a_i (g_i - \bar g_t)
        x_i \le 0 && \text{(mean grade of } t \text{ not worse)} \\
    & \text{the same quality constraint county-wide}

where :math:`D_t` is the ineligible PBF of township *t*, :math:`K_t` its eligible PBF
(kept), :math:`C_t` its eligible non-PBF land (candidates), :math:`R` the reserve,
:math:`\bar g_t` the mean grade of the township's PBF before and :math:`P` =
:data:`NON_RESERVE_PENALTY`. The penalty makes a hectare outside the reserve cost more
than any hectare inside it, so the reserve is used first, hectare for hectare; the grade
term prefers good land and avoids replacing more than needed.

Whether correction counts against the 5 % township cap: it does not. The cap limits the
consolidation adjustment (优进劣出) of section 6; correction is the separate procedure of
section 5, so stage (b) (:func:`landsim.farmland.layout.plan_layout`) applies the cap to
the corrected layout only.

Examples
--------
>>> import pandas as pd
>>> parcels = pd.DataFrame({
...     "parcel_id": ["a", "b", "c", "d"], "township": ["t"] * 4,
...     "land_class": ["0103"] * 4, "area_ha": [1.0, 1.0, 1.0, 1.0],
...     "quality_grade": [5, 8, 4, 4], "slope_deg": [3.0, 31.0, 5.0, 5.0],
...     "in_eco_redline": [False] * 4, "in_udb": [False] * 4, "stable": [True] * 4,
...     "is_pbf": [True, True, False, False], "in_pbf_reserve": [False, False, False, True]})
>>> result = correct_layout(parcels)
>>> result.layout["correction"].tolist()
['kept', 'removed', 'none', 'replacement']
>>> result.layout.loc[1, "reason"]
'slope 31.0° > 25°'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pulp

from landsim.errors import InfeasibleError
from landsim.farmland.metrics import TOTAL_ROW, weighted_grade
from landsim.farmland.model import (
    PARCEL_COLUMNS,
    _validated_arrays,
    _variable_names,
    best_grade_selection,
)
from landsim.farmland.rules import FarmlandRules, bool_array, eligibility
from landsim.optimize.base import PulpModel
from landsim.optimize.defaults import DEFAULT_GAP, DEFAULT_SOLVER, DEFAULT_TIME_LIMIT_S
from landsim.optimize.selection import BinarySelection, fixed_values
from landsim.optimize.solvers import SolverOptions, solve_problem
from landsim.schema import require_columns
from landsim.units import format_ha_mu, ha_to_mu

__all__ = [
    "CORRECTION_LABELS",
    "NON_RESERVE_PENALTY",
    "RESERVE_COLUMN",
    "CorrectionModel",
    "CorrectionResult",
    "correct_layout",
    "ineligibility_reasons",
]

RESERVE_COLUMN = "in_pbf_reserve"
"""Optional boolean parcel column: inside the PBF reserve (永久基本农田储备区)."""

NON_RESERVE_PENALTY = 10.0
"""Extra cost per hectare brought in from outside the reserve [grade]: the worst grade
(10), so that a hectare outside the reserve always costs more than one inside it."""

CORRECTION_LABELS: tuple[str, ...] = ("kept", "removed", "replacement", "none")
"""Values of the ``correction`` column: PBF kept, ineligible PBF taken out, eligible land
brought in to replace it, and other parcels."""

_REL_TOL = 1e-9


def ineligibility_reasons(parcels: pd.DataFrame,
                          rules: FarmlandRules | None = None) -> pd.Series:
    """Why each parcel may not be PBF ('' where it may), criterion by criterion.

    ``parcels`` and ``rules`` are those of :func:`landsim.farmland.rules.eligibility`.

    Returns
    -------
    pandas.Series of str
        Indexed like ``parcels``; reasons joined by '; ', e.g.
        ``'slope 31.0° > 25°; in the ecological red line 生态保护红线'``.

    Examples
    --------
    >>> frame = pd.DataFrame({"land_class": ["0301", "0103"], "slope_deg": [2.0, 26.5],
    ...                       "in_eco_redline": [False, True], "in_udb": [False, False],
    ...                       "stable": [True, False]})
    >>> ineligibility_reasons(frame).tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['not cultivated (land class 0301)',
     'slope 26.5° > 25°; in the ecological red line 生态保护红线; unstable cultivated land 不稳定耕地']
    """
    rules = FarmlandRules() if rules is None else rules
    table = eligibility(parcels, rules)
    land_class = parcels["land_class"].astype("string").str.strip().fillna("").to_numpy()
    slope = pd.to_numeric(parcels["slope_deg"], errors="coerce").to_numpy(dtype=float)
    limit = f"{rules.max_slope_deg:g}°"
    texts = {
        "cultivated": [f"not cultivated (land class {c})" for c in land_class],
        "slope_ok": [f"slope {s:.1f}° > {limit}" if np.isfinite(s) else "slope unknown"
                     for s in slope],
        "outside_redline": ["in the ecological red line 生态保护红线"] * len(parcels),
        "outside_udb": ["in the urban development boundary 城镇开发边界"] * len(parcels),
        "stable": ["unstable cultivated land 不稳定耕地"] * len(parcels),
    }
    reasons = [[] for _ in range(len(parcels))]
    for column, words in texts.items():
        for k in np.flatnonzero(~table[column].to_numpy(dtype=bool)):
            reasons[k].append(words[k])
    return pd.Series(["; ".join(r) for r in reasons], index=parcels.index, dtype=object)


def _reserve(parcels: pd.DataFrame) -> np.ndarray:
    """The optional reserve column as booleans (all false when absent)."""
    if RESERVE_COLUMN not in parcels.columns:
        return np.zeros(len(parcels), dtype=bool)
    return bool_array(parcels, RESERVE_COLUMN)


@dataclass(frozen=True)
class CorrectionResult:
    """Outcome of the correction stage (错划纠正).

    Attributes
    ----------
    status : str
        Solver status label (``"optimal"`` ...; ``"optimal"`` without a solver run when
        nothing needs correcting).
    solver : str
        Solver that ran.
    solve_seconds : float
        Wall time of the solver call. [s]
    layout : pandas.DataFrame
        One row per parcel: parcel_id, township, is_pbf_before, is_pbf_corrected,
        correction (kept, removed, replacement, none), reason (why a removed parcel is
        ineligible; ``'reserve 储备区'`` or ``'eligible land outside the reserve'`` for a
        replacement; '' otherwise), area_ha, quality_grade, in_pbf_reserve.
    by_township : pandas.DataFrame
        Per township and a ``total`` row: pbf_before_ha, ineligible_ha, ineligible_pct
        (share of the township's PBF [%]), the ineligible area per criterion
        (not_cultivated_ha, slope_ha, redline_ha, udb_ha, unstable_ha; a parcel failing
        several counts under each), replaced_ha, from_reserve_ha, pbf_corrected_ha,
        mean_grade_before, mean_grade_corrected [grade], with mu beside every ha column.
    """

    status: str
    solver: str
    solve_seconds: float
    layout: pd.DataFrame
    by_township: pd.DataFrame
    totals: Mapping[str, float] = field(default_factory=dict)
    """County figures of ``by_township``'s total row (pbf_before_ha, ineligible_ha,
    replaced_ha, from_reserve_ha, pbf_corrected_ha, mean grades)."""

    @property
    def parcels(self) -> pd.DataFrame:
        """The parcels that changed (removed or replacement), with their reasons."""
        changed = self.layout["correction"].isin(["removed", "replacement"])
        return self.layout.loc[changed].reset_index(drop=True)

    @property
    def removed_ha(self) -> float:
        """Ineligible PBF taken out. [ha]"""
        return float(self.totals["ineligible_ha"])

    @property
    def replaced_ha(self) -> float:
        """Eligible land brought in to replace it. [ha]"""
        return float(self.totals["replaced_ha"])

    @property
    def from_reserve_ha(self) -> float:
        """Of the replacement, land from the PBF reserve. [ha]"""
        return float(self.totals["from_reserve_ha"])

    def corrected_parcels(self, parcels: pd.DataFrame) -> pd.DataFrame:
        """A copy of ``parcels`` (the same rows) whose ``is_pbf`` is the corrected PBF."""
        ids = parcels["parcel_id"].astype(str).to_numpy(dtype=object)
        corrected = self.layout.set_index("parcel_id")["is_pbf_corrected"]
        out = parcels.copy()
        out["is_pbf"] = corrected.reindex(ids).to_numpy(dtype=bool)
        return out

    def summary(self) -> dict[str, Any]:
        """Scalar figures for ``summary.json``."""
        return {"status": self.status, "solver": self.solver,
                "solve_seconds": self.solve_seconds,
                **{k: float(v) for k, v in self.totals.items()}}


class CorrectionModel(PulpModel):
    """The replacement of ineligible PBF as a binary programme (module docstring).

    Build with :meth:`from_parcels`; :meth:`solve` runs :meth:`diagnose` first.
    """

    def __init__(self, parcels: pd.DataFrame, rules: FarmlandRules) -> None:
        require_columns(parcels, [c for c in PARCEL_COLUMNS if c != "stable"],
                        "parcels (design 5.1)")
        self.rules = rules
        self.criteria = eligibility(parcels, rules)
        # the checks of the layout model: unique ids, areas > 0, grades of eligible land
        arrays = _validated_arrays(
            parcels["parcel_id"].to_numpy(), pd.to_numeric(parcels["area_ha"], errors="coerce"),
            pd.to_numeric(parcels["quality_grade"], errors="coerce").to_numpy(
                dtype=float, na_value=np.nan),
            bool_array(parcels, "is_pbf"), self.criteria["eligible"].to_numpy(dtype=bool),
            parcels["township"].to_numpy(), None, None, None)
        self.parcel_id, self.township = arrays.parcel_id, arrays.township
        self.area, self.grade = arrays.area_ha, arrays.quality_grade
        self.is_pbf, self.eligible = arrays.is_pbf, arrays.eligible
        self.reserve = _reserve(parcels)
        self.reasons = ineligibility_reasons(parcels, rules).to_numpy(dtype=object)
        self.removed = self.is_pbf & ~self.eligible
        towns = sorted(set(self.township[self.removed].tolist()))
        self.townships: tuple[str, ...] = tuple(towns)
        self.candidates = (~self.is_pbf & self.eligible & np.isin(self.township, towns)
                           & np.isfinite(self.grade))
        self._selection: BinarySelection | None = None

    @classmethod
    def from_parcels(cls, parcels: pd.DataFrame,
                     rules: FarmlandRules | None = None) -> CorrectionModel:
        """Build the model from a parcels table of design 5.1 (plus ``in_pbf_reserve``)."""
        return cls(parcels, FarmlandRules() if rules is None else rules)

    # ---- checks before solving --------------------------------------------------------
    def _mean_before(self, inside: np.ndarray) -> float:
        return weighted_grade(self.area, self.grade, self.is_pbf & inside)

    def diagnose(self) -> None:
        """Name the township whose ineligible PBF cannot be replaced, and by how much.

        Raises
        ------
        InfeasibleError
            Too little eligible non-PBF land in a township, or even its best-grade
            replacement would lower the township's (or the county's) mean grade.
        """
        for township in self.townships:
            inside = self.township == township
            need = float(self.area[inside & self.removed].sum())
            have = float(self.area[inside & self.candidates].sum())
            if have < need * (1 - _REL_TOL):
                msg = (f"correction {township}: {format_ha_mu(need)} of ineligible PBF must "
                       f"be replaced but only {format_ha_mu(have)} of eligible non-PBF land "
                       f"is in the township (short by {format_ha_mu(need - have)}); check "
                       "the eligibility attributes or delineate reserve land (储备区)")
                raise InfeasibleError(msg)
            self._check_quality(inside, need, f"correction {township}")
        everywhere = np.ones(len(self.area), dtype=bool)
        self._check_quality(everywhere, float(self.area[self.removed].sum()),
                            "correction (county)")

    def _check_quality(self, inside: np.ndarray, need: float, where: str) -> None:
        before = self._mean_before(inside)
        if not np.isfinite(before):
            return
        kept = inside & self.is_pbf & self.eligible
        target = float(self.area[kept].sum()) + need
        area, mean = best_grade_selection(self.area, self.grade, kept,
                                          inside & self.candidates, target, before)
        if area > 0 and mean > before + _REL_TOL * max(1.0, before):
            msg = (f"{where}: even the best-grade replacement of {format_ha_mu(need)} gives "
                   f"mean grade {mean:.3f} > {before:.3f} before (grade 1 is best); the "
                   "quality of the PBF may not fall. Delineate better reserve land or check "
                   "the quality grades")
            raise InfeasibleError(msg)

    # ---- building and solving ---------------------------------------------------------
    def build(self) -> pulp.LpProblem:
        """Create the PuLP problem (one binary per candidate parcel)."""
        n = len(self.area)
        problem = pulp.LpProblem("pbf_correction", pulp.LpMinimize)
        selection = BinarySelection(fixed_values(n, locked_out=~self.candidates))
        selection.add_variables(problem, _variable_names(self.parcel_id))
        self._selection, self._problem = selection, problem
        grade = np.nan_to_num(self.grade)
        cost = self.area * (grade + NON_RESERVE_PENALTY * ~self.reserve)
        problem.setObjective(selection.linear(np.where(self.candidates, cost, 0.0)))
        for k, township in enumerate(self.townships):
            inside = self.township == township
            need = float(self.area[inside & self.removed].sum())
            problem.addConstraint(pulp.LpConstraint(
                selection.linear(np.where(inside, self.area, 0.0)),
                sense=pulp.LpConstraintGE, name=f"area_{k}", rhs=need))
            self._add_quality(problem, selection, inside, f"quality_{k}")
        if self.townships:
            self._add_quality(problem, selection, np.ones(n, dtype=bool), "quality_county")
        return problem

    def _add_quality(self, problem: pulp.LpProblem, selection: BinarySelection,
                     inside: np.ndarray, name: str) -> None:
        before = self._mean_before(inside)
        if not np.isfinite(before):
            return
        kept = inside & self.is_pbf & self.eligible & np.isfinite(self.grade)
        excess = self.area * (np.nan_to_num(self.grade) - before)
        constant = float(excess[kept].sum())
        expr = selection.linear(np.where(inside & self.candidates, excess, 0.0), constant)
        if len(expr):
            problem.addConstraint(pulp.LpConstraint(expr, sense=pulp.LpConstraintLE, name=name,
                                                    rhs=0.0))

    def solve(self, solver: str | pulp.LpSolver | None = DEFAULT_SOLVER,
              time_limit: float | None = DEFAULT_TIME_LIMIT_S,
              gap: float | None = DEFAULT_GAP) -> CorrectionResult:
        """Diagnose, build, solve and report the correction.

        Raises
        ------
        InfeasibleError
            A township cannot replace its ineligible PBF (see :meth:`diagnose`).
        """
        self.diagnose()
        problem = self.problem
        report = solve_problem(
            problem, solver, SolverOptions.from_kwargs(time_limit=time_limit, gap=gap),
            what="correction",
            infeasible_message=("correction: the ineligible PBF cannot be replaced with the "
                                "same area in each township without lowering the mean "
                                "quality grade; check the grades or delineate reserve land"))
        selection = self._selection
        assert selection is not None  # set by build()
        replacement = selection.selected() & self.candidates
        return self._result(replacement, report.status, report.solver, report.seconds)

    def _result(self, replacement: np.ndarray, status: str, solver: str,
                seconds: float) -> CorrectionResult:
        corrected = (self.is_pbf & self.eligible) | replacement
        label = np.select([self.is_pbf & self.eligible, self.removed, replacement],
                          ["kept", "removed", "replacement"], default="none")
        reason = np.where(self.removed, self.reasons, "")
        reason = np.where(replacement & self.reserve, "reserve 储备区", reason)
        reason = np.where(replacement & ~self.reserve, "eligible land outside the reserve",
                          reason)
        layout = pd.DataFrame({
            "parcel_id": pd.array(self.parcel_id, dtype="string"),
            "township": self.township,
            "is_pbf_before": self.is_pbf.copy(),
            "is_pbf_corrected": corrected,
            "correction": pd.Categorical(label, categories=list(CORRECTION_LABELS)),
            "reason": reason.astype(object),
            "area_ha": self.area,
            "quality_grade": pd.array(self.grade, dtype="Float64"),
            RESERVE_COLUMN: self.reserve.copy(),
        })
        by_township = self._by_township(corrected, replacement)
        totals = {k: float(by_township.loc[TOTAL_ROW, k]) for k in (
            "pbf_before_ha", "ineligible_ha", "replaced_ha", "from_reserve_ha",
            "pbf_corrected_ha", "mean_grade_before", "mean_grade_corrected")}
        return CorrectionResult(status=status, solver=solver, solve_seconds=seconds,
                                layout=layout, by_township=by_township, totals=totals)

    def _by_township(self, corrected: np.ndarray, replacement: np.ndarray) -> pd.DataFrame:
        c = self.criteria
        failing = {"not_cultivated_ha": ~c["cultivated"], "slope_ha": ~c["slope_ok"],
                   "redline_ha": ~c["outside_redline"], "udb_ha": ~c["outside_udb"],
                   "unstable_ha": ~c["stable"]}
        rows = {}
        names = [*sorted(set(self.township.tolist())), TOTAL_ROW]
        for name in names:
            inside = (np.ones(len(self.area), dtype=bool) if name == TOTAL_ROW
                      else self.township == name)
            pbf = float(self.area[inside & self.is_pbf].sum())
            ineligible = float(self.area[inside & self.removed].sum())
            row = {"pbf_before_ha": pbf, "ineligible_ha": ineligible,
                   "ineligible_pct": 100 * ineligible / pbf if pbf > 0 else 0.0}
            for key, mask in failing.items():
                row[key] = float(self.area[inside & self.removed & mask.to_numpy()].sum())
            row |= {
                "replaced_ha": float(self.area[inside & replacement].sum()),
                "from_reserve_ha": float(self.area[inside & replacement & self.reserve].sum()),
                "pbf_corrected_ha": float(self.area[inside & corrected].sum()),
                "mean_grade_before": weighted_grade(self.area, self.grade, inside & self.is_pbf),
                "mean_grade_corrected": weighted_grade(self.area, self.grade, inside & corrected),
            }
            rows[name] = row
        table = pd.DataFrame.from_dict(rows, orient="index")
        table.index.name = "township"
        for col in [c for c in table.columns if c.endswith("_ha")]:
            table.insert(table.columns.get_loc(col) + 1, col[:-3] + "_mu",
                         ha_to_mu(table[col]))
        return table


def correct_layout(parcels: pd.DataFrame, rules: FarmlandRules | None = None, *,
                   solver: str | pulp.LpSolver | None = DEFAULT_SOLVER,
                   time_limit: float | None = DEFAULT_TIME_LIMIT_S,
                   gap: float | None = DEFAULT_GAP) -> CorrectionResult:
    """Correct mis-delineated PBF: take ineligible PBF out and replace it (stage a).

    Parameters
    ----------
    parcels : pandas.DataFrame
        Parcels of design 5.1; an optional boolean column ``in_pbf_reserve`` marks the
        PBF reserve (储备区), which is used first.
    rules : FarmlandRules, optional
        Policy parameters (the slope limit of the eligibility rule).
    solver, time_limit, gap
        As for :meth:`landsim.farmland.FarmlandLayoutModel.solve`. [-, s, fraction]

    Returns
    -------
    CorrectionResult

    Raises
    ------
    InfeasibleError
        A township cannot replace its ineligible PBF with the same area of eligible land
        without lowering the mean quality grade; the message names the township and the
        shortfall in ha and mu.
    """
    return CorrectionModel.from_parcels(parcels, rules).solve(solver=solver,
                                                              time_limit=time_limit, gap=gap)
