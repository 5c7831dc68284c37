r"""Canonical permanent basic farmland (永久基本农田, PBF) layout model (design 5.2).

:class:`FarmlandLayoutModel` is the only place where the mixed-integer programme is
assembled. Build it with :meth:`FarmlandLayoutModel.from_parcels` (a parcels table of
design 5.1 plus optional edges) or :meth:`FarmlandLayoutModel.from_arrays`; then call
:meth:`~FarmlandLayoutModel.solve`, which runs :meth:`~FarmlandLayoutModel.diagnose`
first and returns a frozen :class:`LayoutResult`.

Examples
--------
>>> import pandas as pd
>>> parcels = pd.DataFrame({
...     "parcel_id": ["a", "b", "c"], "township": ["t1"] * 3,
...     "land_class": ["0101", "0101", "0103"], "area_ha": [1.0, 1.0, 2.0],
...     "quality_grade": [3, 2, 2], "slope_deg": [2.0, 30.0, 3.0],
...     "in_eco_redline": [False] * 3, "in_udb": [False] * 3, "stable": [True] * 3,
...     "is_pbf": [True, True, False]})
>>> result = FarmlandLayoutModel.from_parcels(parcels, target_ha=2.0).solve()
>>> result.status
'optimal'
>>> result.layout["change"].tolist()
['kept', 'removed', 'added']
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import pulp
from scipy import sparse

from landsim.errors import InfeasibleError, InputError, NoSolutionError, first_items
from landsim.farmland.rules import FarmlandRules, eligibility
from landsim.farmland.rules import bool_array as _bool_array
from landsim.optimize import milp
from landsim.optimize.base import PulpModel
from landsim.optimize.defaults import DEFAULT_SOLVER
from landsim.optimize.selection import BinarySelection, boundary_terms, fixed_values
from landsim.optimize.solvers import SolverOptions, relative_gap, solve_problem
from landsim.schema import require_columns
from landsim.units import format_ha_mu

__all__ = [
    "FarmlandLayoutModel",
    "FarmlandRules",
    "LayoutOptions",
    "LayoutResult",
    "NoSolutionError",
    "eligibility",
]

logger = logging.getLogger(__name__)

PARCEL_COLUMNS: tuple[str, ...] = (
    "parcel_id", "township", "land_class", "area_ha", "quality_grade", "slope_deg",
    "in_eco_redline", "in_udb", "stable", "is_pbf",
)
"""Columns of design 5.1 the layout model reads (``stable`` defaults to true)."""

EDGE_COLUMNS: tuple[str, ...] = ("parcel_a", "parcel_b", "shared_length_m")
"""Columns of an edges table."""

CHANGE_LABELS: tuple[str, ...] = ("kept", "added", "removed", "none")
"""Values of the ``change`` column of a layout (design 5.2)."""

_REL_TOL = 1e-9
"""Relative tolerance of the pre-solve checks."""
_MAX_LISTED = 5
"""How many ids an error message lists before '...'."""


# --------------------------------------------------------------------------------------
# Parameters (the rules live in landsim.farmland.rules)
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LayoutOptions:
    """Which rules a layout model enforces, and with what weights.

    Every rule can be switched off for what-if analysis.

    Parameters
    ----------
    target_ha : float or None
        Minimum PBF area after the adjustment; ``None`` means the current PBF area and
        ``0`` switches the quantity rule off. [ha]
    compensation_rule : bool
        Enforce added >= ``rules.compensation_ratio`` x removed.
    quality_rule : bool
        Enforce area-weighted mean grade after <= before (grade 1 is best).
    boundary_weight : float
        Weight of the fragmentation term, the length of boundary between PBF and non-PBF
        parcels; 0 switches it off. [objective units (ha x grade) per m]
    township_targets : tuple of (str, float)
        Minimum PBF area after the adjustment per township, sorted by township. [ha]
    township_share_rule : bool
        Cap the PBF area removed per township at ``rules.township_adjust_share`` x its
        current PBF area (the 5 % township adjustment cap of consolidation pilots).
        Ineligible PBF counts as removed here: take it out first with the correction
        stage (:func:`landsim.farmland.correction.correct_layout`), which is a separate
        procedure that the cap does not cover.
    per_township_rules : bool
        Apply the compensation and quality rules within every township as well as
        county-wide (each township a consolidation unit).
    locked_in, locked_out : tuple of str
        Parcel ids that must be / must not be PBF after the adjustment (sorted).
    stability_weight : float
        Cost per hectare whose PBF status changes (added or removed); 0 switches it off.
        [objective units (ha x grade) per ha]
    rules : FarmlandRules
        Policy parameters.
    """

    target_ha: float | None = None
    compensation_rule: bool = True
    quality_rule: bool = True
    boundary_weight: float = 0.0
    township_targets: tuple[tuple[str, float], ...] = ()
    township_share_rule: bool = False
    per_township_rules: bool = False
    locked_in: tuple[str, ...] = ()
    locked_out: tuple[str, ...] = ()
    stability_weight: float = 0.0
    rules: FarmlandRules = field(default_factory=FarmlandRules)

    def __post_init__(self) -> None:
        # normalise what the keyword arguments of from_arrays accept (mappings, sets,
        # ints, None) so that equal options compare and print equal
        setattr_ = object.__setattr__
        if self.target_ha is not None:
            setattr_(self, "target_ha", _as_number("target_ha", self.target_ha))
        setattr_(self, "boundary_weight", _as_number("boundary_weight", self.boundary_weight))
        setattr_(self, "stability_weight", _as_number("stability_weight",
                                                      self.stability_weight))
        for name in ("compensation_rule", "quality_rule", "township_share_rule",
                     "per_township_rules"):
            setattr_(self, name, bool(getattr(self, name)))
        if self.rules is None:
            setattr_(self, "rules", FarmlandRules())
        _check_nonnegative("target_ha", self.target_ha, "ha")
        _check_nonnegative("boundary_weight", self.boundary_weight, "per m")
        _check_nonnegative("stability_weight", self.stability_weight, "per ha")
        targets = tuple(sorted((str(t), _as_number(f"township_targets[{t!r}]", v))
                               for t, v in dict(self.township_targets or {}).items()))
        for township, value in targets:
            _check_nonnegative(f"township_targets[{township!r}]", value, "ha")
        setattr_(self, "township_targets", targets)
        setattr_(self, "locked_in", tuple(sorted({str(p) for p in self.locked_in})))
        setattr_(self, "locked_out", tuple(sorted({str(p) for p in self.locked_out})))

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> LayoutOptions:
        """Build options from the keyword arguments of ``from_parcels``/``from_arrays``.

        ``township_targets`` may be a mapping, ``locked_in``/``locked_out`` any iterable
        of ids and ``rules`` ``None`` (the defaults); unknown keywords raise TypeError.
        """
        return cls(**kwargs)


def _as_number(name: str, value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        msg = f"{name} must be a number, got {value!r}"
        raise InputError(msg) from None


def _check_nonnegative(name: str, value: float | None, unit: str) -> None:
    if value is None:
        return
    if not (np.isfinite(value) and value >= 0):
        msg = f"{name} must be a finite number >= 0 [{unit}], got {value!r}"
        raise InputError(msg)


# --------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LayoutResult:
    """Outcome of :meth:`FarmlandLayoutModel.solve`.

    Attributes
    ----------
    status : str
        ``"optimal"``, ``"optimal (relative gap <= g)"`` when a gap was requested, or
        ``"feasible (time limit)"`` / ``"feasible (stopped early)"`` for an incumbent the
        solver did not prove optimal.
    objective : float
        Design 5.2 objective recomputed with numpy on :attr:`layout`. [ha x grade]
    best_bound : float or None
        Lower bound on the objective proved by the solver, on the same scale as
        ``objective`` (the objective itself for a proven optimum without a requested
        gap); ``None`` if the solver does not report one. [ha x grade]
    gap : float or None
        Relative gap ``(objective - best_bound) / |objective|``; ``None`` when the bound
        is unknown. [fraction]
    solver : str
        Name of the solver that ran.
    solve_seconds : float
        Wall time of the solver call, including PuLP's hand-over. [s]
    layout : pandas.DataFrame
        parcel_id, is_pbf_before, is_pbf_after, change (kept, added, removed, none).
    target_ha : float
        Area target that was enforced (0 when the quantity rule was off). [ha]
    area_before_ha, area_after_ha, added_ha, removed_ha : float
        PBF area before and after, added and removed. [ha]
    mean_grade_before, mean_grade_after : float
        Area-weighted mean quality grade of PBF with a known grade (1 best). [grade]
    objective_terms : Mapping[str, float]
        ``quality_cost`` [ha x grade], ``cut_boundary_m`` (boundary between PBF and
        non-PBF parcels) [m], ``changed_ha`` [ha], and their weighted contributions.
    active_rules : tuple of str
        Rules that were enforced.
    solver_objective : float or None
        Objective as reported through PuLP, for cross-checking. [ha x grade]
    heuristic_objective : float or None
        In-process solvers: objective of the heuristic start (:meth:`initial_layout`)
        when it met every rule; the layout is never worse. [ha x grade]
    trace : tuple of dict
        In-process solvers: ``seconds``, ``incumbent`` and ``bound`` each time either
        improved. [s, ha x grade]
    build_seconds : float or None
        In-process solvers: time to build the arrays. [s]
    """

    status: str
    objective: float
    best_bound: float | None
    gap: float | None
    solver: str
    solve_seconds: float
    layout: pd.DataFrame
    target_ha: float
    area_before_ha: float
    area_after_ha: float
    added_ha: float
    removed_ha: float
    mean_grade_before: float
    mean_grade_after: float
    objective_terms: Mapping[str, float]
    active_rules: tuple[str, ...]
    solver_objective: float | None = None
    heuristic_objective: float | None = None
    trace: tuple[dict[str, float | None], ...] = ()
    build_seconds: float | None = None

    @property
    def is_optimal(self) -> bool:
        """True only when the solver proved optimality (never for a time-limited run)."""
        return self.status.startswith("optimal")

    def summary(self) -> dict[str, Any]:
        """The scalar fields of design 5.2's ``summary.json`` that the model knows.

        Patch counts come from :func:`landsim.farmland.metrics.compare_layouts`.
        """
        extra = {} if not self.trace else {
            "heuristic_objective": self.heuristic_objective, "trace": list(self.trace),
            "build_seconds": self.build_seconds}
        return {**extra,
            "status": self.status, "objective": self.objective, "gap": self.gap,
            "best_bound": self.best_bound, "solver": self.solver,
            "solve_seconds": self.solve_seconds, "target_ha": self.target_ha,
            "area_before_ha": self.area_before_ha, "area_after_ha": self.area_after_ha,
            "added_ha": self.added_ha, "removed_ha": self.removed_ha,
            "mean_grade_before": self.mean_grade_before,
            "mean_grade_after": self.mean_grade_after,
        }


# --------------------------------------------------------------------------------------
# Eligibility and input conversion
# --------------------------------------------------------------------------------------
def _in_process(solver: object) -> bool:
    """Whether a solver argument goes to the in-process array solvers."""
    return isinstance(solver, str) and solver.strip().lower() in ("auto", "cpsat", "scip",
                                                                  "lagrangian")


def _check_fixed_rule(lhs: float, sense: int, rhs: float, rule: str) -> None:
    """A rule whose parcels are all fixed: raise InfeasibleError when it fails."""
    scale = _REL_TOL * max(1.0, abs(rhs), abs(lhs))
    ok = lhs >= rhs - scale if sense == pulp.LpConstraintGE else lhs <= rhs + scale
    if not ok:
        msg = (f"{rule}: every parcel in this rule is fixed (ineligible or locked) "
               f"and the rule fails ({lhs:,.4f} vs {rhs:,.4f}); unlock parcels or "
               "switch the rule off")
        raise InfeasibleError(msg)


def _first(items: Sequence[Any]) -> str:
    """'a, b, c, d, e, ...' for error messages."""
    return first_items(items, _MAX_LISTED)


def _edge_positions(
    edges: pd.DataFrame, parcel_id: pd.Index,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Map an edges table to integer positions of ``parcel_id``."""
    require_columns(edges, EDGE_COLUMNS, "edges")
    pos_a = parcel_id.get_indexer(edges["parcel_a"].astype(str))
    pos_b = parcel_id.get_indexer(edges["parcel_b"].astype(str))
    unknown = (pos_a < 0) | (pos_b < 0)
    if unknown.any():
        bad = edges.loc[unknown, ["parcel_a", "parcel_b"]].astype(str)
        ids = sorted((set(bad["parcel_a"]) | set(bad["parcel_b"])) - set(parcel_id))
        msg = (f"edges: {int(unknown.sum())} row(s) name parcel ids not in parcels "
               f"({_first(ids)}); drop them or fix the ids")
        raise InputError(msg)
    length = pd.to_numeric(edges["shared_length_m"], errors="coerce").to_numpy(dtype=float)
    return pos_a.astype(np.int64), pos_b.astype(np.int64), length


# --------------------------------------------------------------------------------------
# Internal data holder
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Arrays:
    """Validated per-parcel and per-edge arrays (edges with ``edge_i < edge_j``)."""

    parcel_id: np.ndarray
    township: np.ndarray
    area_ha: np.ndarray
    quality_grade: np.ndarray
    is_pbf: np.ndarray
    eligible: np.ndarray
    edge_i: np.ndarray
    edge_j: np.ndarray
    length_m: np.ndarray

    @property
    def n(self) -> int:
        return len(self.parcel_id)


def _validated_arrays(
    parcel_id: Sequence[str] | np.ndarray,
    area_ha: Sequence[float] | np.ndarray,
    quality_grade: Sequence[float] | np.ndarray,
    is_pbf: Sequence[bool] | np.ndarray,
    eligible: Sequence[bool] | np.ndarray,
    township: Sequence[str] | np.ndarray | None,
    edge_i: Sequence[int] | np.ndarray | None,
    edge_j: Sequence[int] | np.ndarray | None,
    shared_length_m: Sequence[float] | np.ndarray | None,
) -> _Arrays:
    ids = np.asarray([str(p) for p in parcel_id], dtype=object)
    n = len(ids)
    area = np.asarray(area_ha, dtype=float)
    grade = np.asarray(pd.array(quality_grade, dtype="Float64").to_numpy(
        dtype=float, na_value=np.nan))
    pbf = np.asarray(is_pbf, dtype=bool)
    elig = np.asarray(eligible, dtype=bool)
    towns = (np.full(n, "", dtype=object) if township is None
             else np.asarray([str(t) for t in township], dtype=object))
    for name, arr in (("area_ha", area), ("quality_grade", grade), ("is_pbf", pbf),
                      ("eligible", elig), ("township", towns)):
        if arr.shape != (n,):
            msg = f"{name} has shape {arr.shape}; expected one value per parcel ({n},)"
            raise InputError(msg)
    dup = pd.Index(ids).duplicated()
    if dup.any():
        msg = f"parcel_id must be unique; repeated: {_first(sorted(set(ids[dup])))}"
        raise InputError(msg)
    bad = ~(np.isfinite(area) & (area > 0))
    if bad.any():
        msg = (f"area_ha must be a number > 0 [ha]; parcels {_first(ids[bad])} have "
               f"{_first(area[bad])}")
        raise InputError(msg)
    bad = elig & ~(np.isfinite(grade) & (grade >= 1) & (grade <= 10))
    if bad.any():
        msg = (f"quality_grade must be 1..10 for eligible (cultivated) parcels; parcels "
               f"{_first(ids[bad])} have {_first(grade[bad])}; fill in the grade from the "
               "cultivated-land quality survey (GB/T 33469-2016)")
        raise InputError(msg)
    edge_i, edge_j, length = _validated_edges(ids, edge_i, edge_j, shared_length_m)
    return _Arrays(ids, towns, area, grade, pbf, elig, edge_i, edge_j, length)


def _validated_edges(
    ids: np.ndarray,
    edge_i: Sequence[int] | np.ndarray | None,
    edge_j: Sequence[int] | np.ndarray | None,
    shared_length_m: Sequence[float] | np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Canonical edges: ``i < j``, sorted, each unordered pair once, length > 0."""
    if edge_i is None and edge_j is None and shared_length_m is None:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), np.zeros(0, dtype=float)
    if edge_i is None or edge_j is None or shared_length_m is None:
        msg = "give edge_i, edge_j and shared_length_m together (or none of them)"
        raise InputError(msg)
    a = np.asarray(edge_i, dtype=np.int64)
    b = np.asarray(edge_j, dtype=np.int64)
    length = np.asarray(shared_length_m, dtype=float)
    if not a.shape == b.shape == length.shape or a.ndim != 1:
        msg = (f"edge_i, edge_j and shared_length_m must be 1-d of equal length, got "
               f"{a.shape}, {b.shape}, {length.shape}")
        raise InputError(msg)
    n = len(ids)
    if len(a) and (min(a.min(), b.min()) < 0 or max(a.max(), b.max()) >= n):
        msg = f"edge positions must be 0..{n - 1} (row positions of the parcels)"
        raise InputError(msg)
    bad = ~(np.isfinite(length) & (length >= 0))
    if bad.any():
        msg = (f"shared_length_m must be a number >= 0 [m]; edges "
               f"{_first([f'{ids[i]}-{ids[j]}' for i, j in zip(a[bad], b[bad], strict=True)])}"
               f" have {_first(length[bad])}")
        raise InputError(msg)
    loops = a == b
    if loops.any():
        msg = (f"edges join a parcel to itself: {_first(ids[a[loops]])}; drop those rows")
        raise InputError(msg)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    order = np.lexsort((hi, lo))
    lo, hi, length = lo[order], hi[order], length[order]
    dup = np.zeros(len(lo), dtype=bool)
    dup[1:] = (lo[1:] == lo[:-1]) & (hi[1:] == hi[:-1])
    if dup.any():
        pairs = [f"{ids[i]}-{ids[j]}" for i, j in zip(lo[dup], hi[dup], strict=True)]
        msg = (f"edges list the same pair of parcels more than once ({_first(pairs)}); "
               "give each unordered pair once with its total shared length")
        raise InputError(msg)
    keep = length > 0
    return lo[keep], hi[keep], length[keep]


_NAME_RE = re.compile(r"[^A-Za-z0-9_]")


def _variable_names(ids: np.ndarray) -> list[str]:
    """``x_<id>`` with characters outside [A-Za-z0-9_] replaced, or ``x_<row>`` if that clashes."""
    names = [f"x_{_NAME_RE.sub('_', p)}" for p in ids]
    if len(set(names)) == len(names) and all(len(s) <= 64 for s in names):
        return names
    width = len(str(len(ids)))
    return [f"x_{k:0{width}d}" for k in range(len(ids))]


# --------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------
class FarmlandLayoutModel(PulpModel):
    r"""Canonical PBF layout model of design 5.2 (a binary programme in PuLP).

    Symbols
    -------
    ==================  ==========================================================
    :math:`x_i`         1 if parcel *i* is PBF after the adjustment (binary)
    :math:`p_i`         1 if parcel *i* is PBF now
    :math:`a_i`         parcel area [ha]
    :math:`g_i`         quality grade 1..10, 1 best [grade]
    :math:`E`           eligible parcels: cultivated (三调 0101/0102/0103), slope
                        <= ``max_slope_deg`` (25°), outside the ecological red line
                        and the urban development boundary, stable
    :math:`\ell_{ij}`   shared boundary length of adjacent parcels *i*, *j* [m]
    :math:`y_{ij}`      linearised product :math:`x_i x_j` (continuous 0..1)
    :math:`w_b, w_s`    ``boundary_weight`` [per m], ``stability_weight`` [per ha]
    :math:`T, T_t`      county and township area targets [ha]
    :math:`r`           ``compensation_ratio`` (1.05)
    :math:`s`           ``township_adjust_share`` (0.05) of the township's PBF
    :math:`\bar g_0`    area-weighted mean grade of current PBF (parcels with a grade)
    ==================  ==========================================================

    Formulation
    -----------
    .. math::

        \min\ & \sum_i a_i g_i x_i
              + w_b \sum_{(i,j)} \ell_{ij}\,(x_i + x_j - 2 y_{ij})
              + w_s \sum_i a_i \lvert x_i - p_i \rvert \\
        \text{s.t.}\ & \sum_i a_i x_i \ge T
              && \text{(quantity; } T = \textstyle\sum_i a_i p_i \text{ by default)} \\
        & \textstyle\sum_{i: p_i=0} a_i x_i \ge r \sum_{i: p_i=1} a_i (1 - x_i)
              && \text{(新增 >= 1.05 x 调整)} \\
        & \textstyle\sum_i a_i (g_i - \bar g_0)\, x_i \le 0
              && \text{(mean grade after <= before)} \\
        & \textstyle\sum_{i \in t} a_i x_i \ge T_t
              && \text{(township targets, optional)} \\
        & \textstyle\sum_{i\in t, p_i=1} a_i (1-x_i) \le s \sum_{i \in t} a_i p_i
              && \text{(removed share per township, optional)} \\
        & \text{compensation and quality within each township}
              && \text{(optional, } i \in t \text{ only)} \\
        & y_{ij} \le x_i,\ y_{ij} \le x_j && \text{(only when } w_b > 0) \\
        & x_i = 0 \ (i \notin E \text{ or locked out}), \quad x_i = 1 \ (\text{locked in})

    :math:`\lvert x_i - p_i \rvert` is linear because :math:`p_i` is data. Parcels whose
    value is fixed get no variable (their terms become constants), and :math:`y_{ij}` is
    created only for edges between two free parcels; an edge to a parcel fixed at 1
    contributes :math:`\ell_{ij}(1 - x_i)`. Because the objective rewards :math:`y_{ij}`,
    the two upper bounds suffice for :math:`y_{ij} = x_i x_j` at the optimum.

    Build with :meth:`from_parcels` or :meth:`from_arrays`; do not call ``__init__``.
    """

    def __init__(self, arrays: _Arrays, options: LayoutOptions) -> None:
        self._arrays = arrays
        self.options = options
        self._problem: pulp.LpProblem | None = None
        self._rows: list[tuple[np.ndarray, float, float]] | None = None
        self.build_seconds = 0.0
        self._fixed = self._fixed_values()
        # x variables of the free parcels and y variables of the fragmentation term
        self._selection: BinarySelection | None = None

    # ---- constructors ---------------------------------------------------------------
    @classmethod
    def from_parcels(
        cls, parcels: pd.DataFrame, edges: pd.DataFrame | None = None, **options: Any,
    ) -> FarmlandLayoutModel:
        """Build the model from a parcels table (design 5.1) and an optional edges table.

        Parameters
        ----------
        parcels : pandas.DataFrame or geopandas.GeoDataFrame
            Columns of design 5.1; geometry, if any, is ignored here (derive edges with
            :func:`landsim.farmland.adjacency.edges_from_geometry`).
        edges : pandas.DataFrame, optional
            parcel_a, parcel_b, shared_length_m [m]; each unordered pair once.
        **options
            Keyword arguments of :meth:`from_arrays` (``target_ha``, ``boundary_weight``,
            ``rules`` ...).

        Returns
        -------
        FarmlandLayoutModel
        """
        require_columns(parcels, [c for c in PARCEL_COLUMNS if c != "stable"],
                            "parcels (design 5.1)")
        rules = options.get("rules") or FarmlandRules()
        ids = pd.Index(parcels["parcel_id"].astype(str).to_numpy(dtype=object))
        edge_kw: dict[str, Any] = {}
        if edges is not None:
            edge_i, edge_j, length = _edge_positions(edges, ids)
            edge_kw = {"edge_i": edge_i, "edge_j": edge_j, "shared_length_m": length}
        grade = pd.to_numeric(parcels["quality_grade"], errors="coerce")
        return cls.from_arrays(
            parcel_id=ids.to_numpy(),
            area_ha=pd.to_numeric(parcels["area_ha"], errors="coerce").to_numpy(dtype=float),
            quality_grade=grade.to_numpy(dtype=float, na_value=np.nan),
            is_pbf=_bool_array(parcels, "is_pbf"),
            eligible=eligibility(parcels, rules)["eligible"].to_numpy(),
            township=parcels["township"].astype(str).to_numpy(dtype=object),
            **edge_kw,
            **options,
        )

    @classmethod
    def from_arrays(
        cls,
        parcel_id: Sequence[str] | np.ndarray,
        area_ha: Sequence[float] | np.ndarray,
        quality_grade: Sequence[float] | np.ndarray,
        is_pbf: Sequence[bool] | np.ndarray,
        eligible: Sequence[bool] | np.ndarray,
        *,
        township: Sequence[str] | np.ndarray | None = None,
        edge_i: Sequence[int] | np.ndarray | None = None,
        edge_j: Sequence[int] | np.ndarray | None = None,
        shared_length_m: Sequence[float] | np.ndarray | None = None,
        target_ha: float | None = None,
        compensation_rule: bool = True,
        quality_rule: bool = True,
        boundary_weight: float = 0.0,
        township_targets: Mapping[str, float] | None = None,
        township_share_rule: bool = False,
        per_township_rules: bool = False,
        locked_in: Iterable[str] = (),
        locked_out: Iterable[str] = (),
        stability_weight: float = 0.0,
        rules: FarmlandRules | None = None,
    ) -> FarmlandLayoutModel:
        """Build the model from per-parcel and per-edge arrays.

        Parameters
        ----------
        parcel_id : array of str
            Unique parcel ids.
        area_ha : array of float
            Parcel areas, > 0. [ha]
        quality_grade : array of float
            Quality grade 1..10 (1 best); NaN allowed for ineligible parcels. [grade]
        is_pbf : array of bool
            Currently PBF.
        eligible : array of bool
            May be PBF after the adjustment (see :func:`eligibility`).
        township : array of str, optional
            Township of each parcel (needed for the township rules).
        edge_i, edge_j : array of int, optional
            Row positions of adjacent parcels; each unordered pair once.
        shared_length_m : array of float, optional
            Shared boundary length of each edge. [m]
        target_ha : float, optional
            Minimum PBF area after; default the current PBF area, 0 switches it off. [ha]
        compensation_rule : bool, default True
            Enforce added >= ``rules.compensation_ratio`` x removed.
        quality_rule : bool, default True
            Enforce mean grade after <= before.
        boundary_weight : float, default 0
            Weight of the cut boundary length. [ha x grade per m]
        township_targets : mapping of str to float, optional
            Minimum PBF area per township. [ha]
        township_share_rule : bool, default False
            Cap the area removed per township at ``rules.township_adjust_share`` of its
            current PBF area.
        per_township_rules : bool, default False
            Enforce the compensation and quality rules in every township too.
        locked_in, locked_out : iterable of str
            Parcel ids forced in / out.
        stability_weight : float, default 0
            Cost per hectare changed. [ha x grade per ha]
        rules : FarmlandRules, optional
            Policy parameters.

        Returns
        -------
        FarmlandLayoutModel

        Raises
        ------
        InputError
            Malformed arrays, unknown locked ids or townships.
        """
        arrays = _validated_arrays(parcel_id, area_ha, quality_grade, is_pbf, eligible,
                                   township, edge_i, edge_j, shared_length_m)
        options = LayoutOptions(
            target_ha=target_ha, compensation_rule=compensation_rule,
            quality_rule=quality_rule, boundary_weight=boundary_weight,
            township_targets=tuple((township_targets or {}).items()),
            township_share_rule=township_share_rule,
            per_township_rules=per_township_rules, locked_in=tuple(locked_in),
            locked_out=tuple(locked_out), stability_weight=stability_weight,
            rules=FarmlandRules() if rules is None else rules,
        )
        _check_known(options, arrays)
        return cls(arrays, options)

    # ---- basic quantities -----------------------------------------------------------
    @property
    def parcel_id(self) -> np.ndarray:
        """Parcel ids in row order."""
        return self._arrays.parcel_id

    @property
    def n_parcels(self) -> int:
        """Number of parcels."""
        return self._arrays.n

    @property
    def target_ha(self) -> float:
        """Area target enforced by the quantity rule. [ha]"""
        if self.options.target_ha is None:
            return self.area_before_ha
        return self.options.target_ha

    @property
    def area_before_ha(self) -> float:
        """Current PBF area. [ha]"""
        a = self._arrays
        return float(a.area_ha[a.is_pbf].sum())

    @property
    def mean_grade_before(self) -> float:
        """Area-weighted mean grade of current PBF parcels that have a grade. [grade]"""
        return _mean_grade(self._arrays, self._arrays.is_pbf)

    def _fixed_values(self) -> np.ndarray:
        """-1 for a free parcel, 0 or 1 for a parcel whose value is fixed."""
        a, o = self._arrays, self.options
        ids = pd.Index(a.parcel_id)
        locked_in = np.zeros(a.n, dtype=bool)
        locked_in[ids.get_indexer(list(o.locked_in))] = True
        locked_out = ~a.eligible
        locked_out[ids.get_indexer(list(o.locked_out))] = True
        return fixed_values(a.n, locked_in=locked_in, locked_out=locked_out)

    def active_rules(self) -> tuple[str, ...]:
        """Names of the rules this model enforces, with their parameters."""
        o, r = self.options, self.options.rules
        active = [f"quantity (target {format_ha_mu(self.target_ha)})"] if self.target_ha > 0 else []
        if o.compensation_rule:
            active.append(f"compensation (added >= {r.compensation_ratio:g} x removed)")
        if o.quality_rule:
            active.append("quality (mean grade after <= before)")
        if o.township_targets:
            active.append(f"township targets ({len(o.township_targets)} townships)")
        if o.township_share_rule:
            active.append(f"township cap (removed <= {r.township_adjust_share:.0%} of "
                          "township PBF)")
        if o.per_township_rules:
            active.append("compensation and quality per township")
        if o.locked_in:
            active.append(f"locked in ({len(o.locked_in)} parcels)")
        if o.locked_out:
            active.append(f"locked out ({len(o.locked_out)} parcels)")
        return tuple(active)

    # ---- objective on a layout (numpy) ----------------------------------------------
    def objective_terms(self, selected: np.ndarray) -> dict[str, float]:
        """Objective terms of design 5.2 evaluated on a layout.

        Parameters
        ----------
        selected : array of bool
            PBF after the adjustment, one value per parcel.

        Returns
        -------
        dict
            ``quality_cost`` [ha x grade], ``cut_boundary_m`` [m], ``changed_ha`` [ha],
            ``boundary_cost`` and ``stability_cost`` (weighted) and ``objective``.
        """
        a, o = self._arrays, self.options
        x = np.asarray(selected, dtype=bool)
        quality = float(np.where(x, a.area_ha * a.quality_grade, 0.0).sum())
        cut = float(a.length_m[x[a.edge_i] != x[a.edge_j]].sum())
        changed = float(a.area_ha[x != a.is_pbf].sum())
        boundary_cost = o.boundary_weight * cut
        stability_cost = o.stability_weight * changed
        return {
            "quality_cost": quality, "cut_boundary_m": cut, "changed_ha": changed,
            "boundary_cost": boundary_cost, "stability_cost": stability_cost,
            "objective": quality + boundary_cost + stability_cost,
        }

    def objective_value(self, selected: np.ndarray) -> float:
        """Design 5.2 objective of a layout. [ha x grade]"""
        return self.objective_terms(selected)["objective"]

    # ---- building -------------------------------------------------------------------
    def build(self) -> pulp.LpProblem:
        """Create the PuLP problem from the arrays (replaces any earlier build).

        Returns
        -------
        pulp.LpProblem
        """
        self._check_locks()
        a = self._arrays
        problem = pulp.LpProblem("farmland_layout", pulp.LpMinimize)
        names = _variable_names(a.parcel_id)
        self._selection = BinarySelection(self._fixed)
        self._selection.add_variables(problem, names)
        self._problem = problem
        problem.setObjective(self._objective_expression(problem, names))
        self._add_rules()
        return problem

    def _add_rules(self) -> None:
        """Every enforced rule, as constraints (build) or rows (selection_arrays)."""
        self._add_quantity_constraint()
        self._add_compensation_constraint()
        self._add_quality_constraint()
        self._add_township_target_constraints()
        self._add_township_share_constraints()
        self._add_per_township_constraints()

    def _require_built(self, step: str) -> BinarySelection:
        if self._problem is None or self._selection is None:
            msg = f"{step} needs the variables: call build() first"
            raise RuntimeError(msg)
        return self._selection

    def _linear(self, coef: np.ndarray, constant: float = 0.0) -> pulp.LpAffineExpression:
        """``sum_i coef_i x_i + constant`` with fixed parcels folded into the constant."""
        return self._require_built("a linear expression").linear(coef, constant)

    def _add_rule(self, coef: np.ndarray, sense: int, rhs: float, name: str,
                  rule: str) -> None:
        """``sum_i coef_i x_i (sense) rhs`` over all parcels: a PuLP constraint, or a row
        of :meth:`selection_arrays` while those are being built."""
        if self._rows is None:
            self._add_constraint(self._linear(coef), sense, rhs, name, rule)
            return
        coef = np.asarray(coef, dtype=float)
        free = coef[self._fixed < 0]
        if not free.any():
            _check_fixed_rule(float(coef[self._fixed == 1].sum()), sense, rhs, rule)
            return
        # the same relative tolerance as _add_constraint
        scale = _REL_TOL * max(1.0, abs(rhs), float(np.abs(free).sum()))
        lo = rhs - scale if sense == pulp.LpConstraintGE else -np.inf
        hi = rhs + scale if sense == pulp.LpConstraintLE else np.inf
        self._rows.append((coef, lo, hi))

    def _add_constraint(self, expr: pulp.LpAffineExpression, sense: int, rhs: float,
                        name: str, rule: str) -> None:
        """Add ``expr (sense) rhs``; a constraint without variables is checked instead."""
        self._require_built(f"constraint {name}")
        problem = self.problem
        if len(expr) == 0:
            _check_fixed_rule(float(expr.constant), sense, rhs, rule)
            return
        # a relative tolerance of 1e-9, as for fixed rules above: the current layout meets
        # "mean grade not worse" with equality, and a float residue must not make the
        # solver (CBC) call it infeasible
        scale = _REL_TOL * max(1.0, abs(rhs), sum(abs(v) for v in expr.values()))
        rhs = rhs + scale if sense == pulp.LpConstraintLE else (
            rhs - scale if sense == pulp.LpConstraintGE else rhs)
        problem.addConstraint(pulp.LpConstraint(expr, sense=sense, rhs=rhs, name=name))

    def _objective_parts(self) -> tuple[np.ndarray, float, Any]:
        """Per-parcel objective coefficients, constant and the boundary terms."""
        a, o = self._arrays, self.options
        coef = np.where(a.eligible, a.area_ha * np.nan_to_num(a.quality_grade), 0.0)
        constant = 0.0
        if o.stability_weight > 0:
            coef = coef + o.stability_weight * a.area_ha * (1.0 - 2.0 * a.is_pbf)
            constant += o.stability_weight * float(a.area_ha[a.is_pbf].sum())
        # fragmentation: boundary_weight * sum len (x_i + x_j - 2 y_ij), y_ij <= x_i, x_j
        terms = boundary_terms(a.n, a.edge_i, a.edge_j, a.length_m, o.boundary_weight,
                               self._fixed)
        return coef, constant, terms

    def selection_arrays(self) -> milp.SelectionArrays:
        """The model as arrays for the in-process solvers (no PuLP problem): one binary
        per free parcel, one product column per boundary between two free parcels, the
        rules as rows (the same rows and tolerances as :meth:`build`)."""
        start = time.perf_counter()
        self._check_locks()
        a = self._arrays
        coef, constant, terms = self._objective_parts()
        self._rows = []
        try:
            self._add_rules()
            rows = self._rows
        finally:
            self._rows = None
        matrix = (sparse.csr_array(sparse.vstack([sparse.csr_array(r[0][None, :])
                                                  for r in rows])) if rows
                  else sparse.csr_array((0, a.n)))
        arrays = milp.build_selection_arrays(
            self._fixed, coef + terms.coef, constant + terms.constant, terms, a.edge_i,
            a.edge_j, matrix, np.array([r[1] for r in rows]), np.array([r[2] for r in rows]))
        self.build_seconds = time.perf_counter() - start
        return arrays

    def _objective_expression(self, problem: pulp.LpProblem,
                              names: list[str]) -> pulp.LpAffineExpression:
        a = self._arrays
        selection = self._require_built("the objective")
        coef, constant, terms = self._objective_parts()
        pair = terms.pair_edges
        ii, jj = a.edge_i[pair].tolist(), a.edge_j[pair].tolist()
        products = selection.add_products(
            problem, terms, a.edge_i, a.edge_j,
            names=[f"y_{names[i]}_{names[j]}" for i, j in zip(ii, jj, strict=True)],
            keys=[str(e) for e in pair.tolist()])
        return selection.expression(coef + terms.coef, constant + terms.constant, products)

    def _add_quantity_constraint(self) -> None:
        if self.target_ha > 0:
            self._add_rule(self._arrays.area_ha, pulp.LpConstraintGE,
                                 self.target_ha, "quantity", "quantity")

    def _add_compensation_constraint(self, inside: np.ndarray | None = None,
                                     name: str = "compensation") -> None:
        if not self.options.compensation_rule:
            return
        a, r = self._arrays, self.options.rules.compensation_ratio
        inside = np.ones(a.n, dtype=bool) if inside is None else inside
        # added - r * removed >= 0  <=>  sum a(1-p)x + r sum a p x >= r sum a p
        coef = np.where(inside, a.area_ha * np.where(a.is_pbf, r, 1.0), 0.0)
        self._add_rule(coef, pulp.LpConstraintGE,
                             r * float(a.area_ha[inside & a.is_pbf].sum()), name, name)

    def _add_quality_constraint(self, inside: np.ndarray | None = None,
                                name: str = "quality") -> None:
        a = self._arrays
        inside = np.ones(a.n, dtype=bool) if inside is None else inside
        before = _mean_grade(a, a.is_pbf & inside)
        # no current PBF with a grade: "before" is undefined and the rule is void
        if not self.options.quality_rule or not np.isfinite(before):
            return
        coef = np.where(a.eligible & inside,
                        a.area_ha * (np.nan_to_num(a.quality_grade) - before), 0.0)
        self._add_rule(coef, pulp.LpConstraintLE, 0.0, name, name)

    def _add_per_township_constraints(self) -> None:
        if not self.options.per_township_rules:
            return
        a = self._arrays
        for k, township in enumerate(sorted(set(a.township.tolist()))):
            inside = a.township == township
            self._add_compensation_constraint(inside, f"compensation_{k}")
            self._add_quality_constraint(inside, f"quality_{k}")

    def _add_township_target_constraints(self) -> None:
        a = self._arrays
        for k, (township, target) in enumerate(self.options.township_targets):
            coef = np.where(a.township == township, a.area_ha, 0.0)
            self._add_rule(coef, pulp.LpConstraintGE, target,
                                 f"township_target_{k}", f"township target {township}")

    def _add_township_share_constraints(self) -> None:
        if not self.options.township_share_rule:
            return
        a, share = self._arrays, self.options.rules.township_adjust_share
        for k, township in enumerate(sorted(set(a.township.tolist()))):
            pbf = (a.township == township) & a.is_pbf
            pbf_t = float(a.area_ha[pbf].sum())
            # removed_t = pbf_t - sum_(i in t, p_i = 1) a_i x_i  <=  share * pbf_t
            coef = np.where(pbf, -a.area_ha, 0.0)
            self._add_rule(coef, pulp.LpConstraintLE,
                                 share * pbf_t - pbf_t, f"township_share_{k}",
                                 f"township cap {township}")

    # ---- diagnostics ----------------------------------------------------------------
    def diagnose(self) -> None:
        """Cheap checks that name the rule a layout cannot meet, before any solver runs.

        Raises
        ------
        InfeasibleError
            Parcels locked both in and out, locked-in parcels that are ineligible, the
            eligible area below the target, too little eligible non-PBF land for the
            compensation rule (county-wide or, with ``per_township_rules``, in a
            township), a township target above the township's eligible area, forced
            removals above a township cap, or a quality rule that even the best-grade
            eligible land cannot meet.
        """
        self._check_locks()
        self._check_quantity()
        self._check_compensation()
        self._check_township_targets()
        self._check_township_share()
        self._check_per_township()
        self._check_quality()

    def _check_locks(self) -> None:
        a, o = self._arrays, self.options
        both = sorted(set(o.locked_in) & set(o.locked_out))
        if both:
            msg = (f"locks: {len(both)} parcel(s) are locked both in and out "
                   f"({_first(both)}); remove them from one of locked_in / locked_out")
            raise InfeasibleError(msg)
        pos = pd.Index(a.parcel_id).get_indexer(list(o.locked_in))
        bad = pos[~a.eligible[pos]]
        if len(bad):
            msg = (f"locks: {len(bad)} locked-in parcel(s) are not eligible for PBF "
                   f"(not cultivated, slope > {o.rules.max_slope_deg:g}°, in the ecological "
                   f"red line or the urban development boundary, or unstable): "
                   f"{_first(a.parcel_id[bad])}, {format_ha_mu(float(a.area_ha[bad].sum()))};"
                   " unlock them or correct their attributes")
            raise InfeasibleError(msg)

    def _available(self) -> np.ndarray:
        """Parcels that may be PBF after the adjustment (eligible, not locked out)."""
        return self._fixed != 0

    def _check_quantity(self) -> None:
        a = self._arrays
        available = float(a.area_ha[self._available()].sum())
        if available < self.target_ha * (1 - _REL_TOL):
            short = self.target_ha - available
            msg = (f"quantity: eligible area {format_ha_mu(available)} < target "
                   f"{format_ha_mu(self.target_ha)} (short by {format_ha_mu(short)}); lower "
                   "the target or unlock locked-out parcels (the "
                   f"{self.options.rules.max_slope_deg:g}° slope limit and the other "
                   "eligibility conditions are legal conditions and stay). 数量：可划入永久基本"
                   f"农田的耕地 {available:,.1f} 公顷，少于保护目标 {self.target_ha:,.1f} 公顷"
                   f"（差 {short:,.1f} 公顷）；请降低目标或解除锁定地块（"
                   f"{self.options.rules.max_slope_deg:g}° 坡度等法定条件不变）。")
            raise InfeasibleError(msg)

    def _check_compensation(self) -> None:
        if not self.options.compensation_rule:
            return
        a, r = self._arrays, self.options.rules.compensation_ratio
        forced_out = float(a.area_ha[a.is_pbf & (self._fixed == 0)].sum())
        addable = float(a.area_ha[~a.is_pbf & self._available()].sum())
        needed = r * forced_out
        if addable < needed * (1 - _REL_TOL):
            msg = (f"compensation: {format_ha_mu(forced_out)} of current PBF is ineligible "
                   f"or locked out and must be removed, so at least {r:g} x that = "
                   f"{format_ha_mu(needed)} must be added, but only {format_ha_mu(addable)} "
                   "of eligible non-PBF land exists; review the ineligible PBF and the "
                   "locked parcels (the 调入 ≥ 调出 × 105 % rule is a legal condition and "
                   "stays). 补划：须调出的永久基本农田 "
                   f"{forced_out:,.1f} 公顷，按规定应调入至少 {needed:,.1f} 公顷，可调入的耕地仅 "
                   f"{addable:,.1f} 公顷；请核查不符合条件的永久基本农田和锁定地块。")
            raise InfeasibleError(msg)

    def _check_township_targets(self) -> None:
        a = self._arrays
        available = self._available()
        for township, target in self.options.township_targets:
            have = float(a.area_ha[available & (a.township == township)].sum())
            if have < target * (1 - _REL_TOL):
                msg = (f"township target {township}: eligible area {format_ha_mu(have)} < "
                       f"target {format_ha_mu(target)} (short by "
                       f"{format_ha_mu(target - have)}); lower the township target")
                raise InfeasibleError(msg)

    def _check_township_share(self) -> None:
        if not self.options.township_share_rule:
            return
        a, o = self._arrays, self.options
        share = o.rules.township_adjust_share
        for township in sorted(set(a.township.tolist())):
            pbf = (a.township == township) & a.is_pbf
            pbf_t = float(a.area_ha[pbf].sum())
            cap = share * pbf_t
            forced_out = float(a.area_ha[pbf & (self._fixed == 0)].sum())
            if forced_out > cap * (1 + _REL_TOL) + 1e-12:
                msg = (f"township cap {township}: {format_ha_mu(forced_out)} of PBF "
                       f"({forced_out / pbf_t:.1%}) must be removed (ineligible or locked "
                       f"out) but at most {share:.0%} of the township's PBF = "
                       f"{format_ha_mu(cap)} may be (over by "
                       f"{format_ha_mu(forced_out - cap)}); correct the ineligible PBF first "
                       "(landsim.farmland.correct_layout), unlock parcels or switch "
                       "township_share_rule off as a what-if")
                raise InfeasibleError(msg)

    def _check_per_township(self) -> None:
        """Each township on its own: additions for its removals, grade it can reach."""
        o = self.options
        if not o.per_township_rules:
            return
        a, r = self._arrays, o.rules.compensation_ratio
        targets = dict(o.township_targets)
        for township in sorted(set(a.township.tolist())):
            inside = a.township == township
            forced_out = float(a.area_ha[inside & a.is_pbf & (self._fixed == 0)].sum())
            addable = float(a.area_ha[inside & ~a.is_pbf & self._available()].sum())
            if o.compensation_rule and addable < r * forced_out * (1 - _REL_TOL):
                msg = (f"compensation {township}: {format_ha_mu(forced_out)} of PBF must be "
                       f"removed (ineligible or locked out), so {format_ha_mu(r * forced_out)}"
                       f" must be added in the township, but only {format_ha_mu(addable)} "
                       f"of eligible non-PBF land is there (short by "
                       f"{format_ha_mu(r * forced_out - addable)}); correct the ineligible "
                       "PBF first (landsim.farmland.correct_layout) or unlock parcels")
                raise InfeasibleError(msg)
            self._check_quality(inside, targets.get(township, 0.0), f"quality {township}")

    def _check_quality(self, inside: np.ndarray | None = None, target: float | None = None,
                       rule: str = "quality") -> None:
        a = self._arrays
        inside = np.ones(a.n, dtype=bool) if inside is None else inside
        target = self.target_ha if target is None else target
        before = _mean_grade(a, a.is_pbf & inside)
        if not self.options.quality_rule or not np.isfinite(before):
            return
        best_area, best_mean = self._best_grade_selection(inside, target, before)
        if best_area > 0 and best_mean > before + _REL_TOL * max(1.0, before):
            msg = (f"{rule}: even the best-grade eligible land reaching the target "
                   f"({format_ha_mu(best_area)}) has mean grade {best_mean:.3f} > "
                   f"{before:.3f} before (grade 1 is best); lower the target, switch "
                   "quality_rule off or unlock better-grade parcels")
            raise InfeasibleError(msg)

    def _best_grade_selection(self, inside: np.ndarray, target: float,
                              before: float) -> tuple[float, float]:
        """Area and mean grade of the best-grade selection among ``inside`` that meets
        ``target`` (:func:`best_grade_selection`)."""
        a = self._arrays
        return best_grade_selection(a.area_ha, a.quality_grade, (self._fixed == 1) & inside,
                                    (self._fixed < 0) & inside, target, before)

    # ---- solving --------------------------------------------------------------------
    def solve(
        self,
        solver: str | pulp.LpSolver | None = DEFAULT_SOLVER,
        time_limit: float | None = None,
        gap: float | None = None,
        warm_start: bool = False,
        *,
        deadline: float | None = None,
        progress: milp.Progress | None = None,
        **solver_options: Any,
    ) -> LayoutResult:
        """Diagnose, build if needed, solve and return the layout.

        Parameters
        ----------
        solver : {"cbc", "highs", "auto", "cpsat", "scip", "lagrangian"}, pulp.LpSolver, None
            CBC (bundled with PuLP) or HiGHS through PuLP (``None``: the default
            choice of :func:`landsim.optimize.default_solver_name`); a PuLP solver object
            is used as given (then ``time_limit``, ``gap`` and options must be set on it).
            ``"auto"``, ``"cpsat"``, ``"scip"`` and ``"lagrangian"`` solve
            :meth:`selection_arrays` in-process from the heuristic start
            (:meth:`initial_layout`, when it meets every rule); ``"auto"`` picks CP-SAT or
            the Lagrangian relaxation by size (:func:`landsim.optimize.milp.pick_solver`).
        time_limit : float, optional
            Wall-time limit of the solver, finite and > 0. [s]
        gap : float, optional
            Relative optimality gap at which the solver may stop, 0 <= gap < 1.
            [fraction]
        warm_start : bool, default False
            Hand the solver a feasible start built by :meth:`initial_layout` (current
            eligible PBF plus the best-grade additions the rules need), so that a
            time-limited run returns at least that layout. CBC only; ignored if that
            layout breaks a rule.
        deadline : float, optional
            ``time.monotonic()`` value by which an in-process solver must return (a
            command's wall-clock budget); with no time left the heuristic start is
            returned, labelled "gap unknown".
        progress : callable, optional
            Called with (seconds, incumbent, bound) as either improves (in-process).
        **solver_options
            Passed to the PuLP solver class, e.g. ``threads=2`` or, for HiGHS, any HiGHS
            option such as ``mip_lp_solver="ipm"``; ``msg=True`` shows the solver log
            (off by default; CBC then reports no best bound).

        Returns
        -------
        LayoutResult

        Raises
        ------
        InfeasibleError
            A pre-solve diagnostic fails, or the solver proves the rules infeasible (the
            message lists the active rules and which to relax).
        NoSolutionError
            The time limit passed before any feasible layout was found, or the solver
            failed (a CBC crash on the start solution is first retried without it).
        InputError
            Unknown solver name, HiGHS requested but ``highspy`` missing, a time limit or
            gap out of range, or options given together with a solver object.

        Notes
        -----
        Solving is delegated to :func:`landsim.optimize.solve_problem` (status labels,
        bound, gap, errors). HiGHS's default ``mip_rel_gap`` is 1e-4, so its "optimal" may leave a gap of up
        to 0.01 %; pass ``gap=0`` for a proof comparable to CBC's. Solvers check the time
        limit only between steps: HiGHS 1.16 spent more than 480 s in its clique-table
        set-up (before the root node, time limit 60 s) on a 100,000-parcel grid with a
        boundary weight, so a time limit is not a hard wall-clock bound.
        """
        if _in_process(solver):
            return self._solve_in_process(
                str(milp.pick_solver(solver, self.n_parcels, len(self._arrays.edge_i))),
                time_limit=time_limit, gap=gap, deadline=deadline, progress=progress,
                **solver_options)
        options = SolverOptions.from_kwargs(time_limit=time_limit, gap=gap,
                                            warm_start=warm_start, **solver_options)
        self.diagnose()
        try:
            report = solve_problem(self.problem, solver, options,
                                   set_start=self._set_initial_values, what="layout")
        except InfeasibleError:
            closest = self.explain_infeasibility(solver, replace(options, warm_start=False))
            broken = ("; the layout closest to them still breaks " + "; ".join(closest)
                      if closest else "")
            rules = "; ".join(self.active_rules()) or "none"
            msg = ("the solver proved the layout infeasible although each rule passed the "
                   f"pre-solve checks on its own{broken}. Active rules: {rules}. Lower the "
                   "target or lock fewer parcels (the legal rules stay). 布局无解：各项规则单独"
                   "检查均可满足，但同时满足无解；请降低保护目标或减少锁定地块（法定规则不变）。")
            raise InfeasibleError(msg) from None
        selected = self._selected()
        report = report.with_objective(self.objective_value(selected))
        return self._result(selected, report.status, report.bound, report.solver,
                            report.seconds, report.solver_objective)

    def _solve_in_process(self, name: str, *, time_limit: float | None, gap: float | None,
                          deadline: float | None, progress: milp.Progress | None,
                          threads: int | None = None, msg: bool = False,
                          **extra: Any) -> LayoutResult:
        """Heuristic start, then HiGHS, CP-SAT or SCIP on :meth:`selection_arrays`."""
        if name not in milp.ARRAY_SOLVERS or extra:
            msg_ = (f"in-process solver {name!r} takes time_limit, gap, threads and msg only"
                    + (f", not {', '.join(sorted(extra))}" if extra else ""))
            raise InputError(msg_)
        SolverOptions(time_limit=time_limit, gap=gap, threads=threads)  # validate
        self.diagnose()
        arrays = self.selection_arrays()
        free = np.flatnonzero(self._fixed < 0)
        start_x = self.initial_layout()
        start = None if self.violations(start_x) else arrays.completed(
            start_x[free].astype(float))
        solved = milp.solve_arrays(arrays, name, time_limit=time_limit, deadline=deadline,
                              gap=gap, threads=threads, start=start, progress=progress,
                              msg=msg)
        selected = self._fixed == 1
        selected[free] = solved.values[:len(free)] > 0.5
        status = milp.array_status(solved, gap, time_limit or deadline)
        result = self._result(selected, status, solved.bound, solved.solver, solved.seconds,
                              solved.objective)
        heuristic = None if start is None else self.objective_value(start_x)
        trace = ((() if heuristic is None else
                  ({"seconds": 0.0, "incumbent": heuristic, "bound": None},))
                 + tuple(p.as_dict() for p in solved.trace))
        return replace(result, heuristic_objective=heuristic, trace=trace,
                       build_seconds=self.build_seconds)

    def _result(self, selected: np.ndarray, status: str, bound: float | None, solver: str,
                seconds: float, solver_objective: float | None) -> LayoutResult:
        """The result of a layout; the objective is recomputed from the selection."""
        terms = self.objective_terms(selected)
        bound = terms["objective"] if status == "optimal" and bound is None else bound
        return LayoutResult(
            status=status,
            objective=terms["objective"],
            best_bound=bound,
            gap=relative_gap(terms["objective"], bound),
            solver=solver,
            solve_seconds=seconds,
            layout=self.layout_frame(selected),
            target_ha=self.target_ha,
            area_before_ha=self.area_before_ha,
            area_after_ha=float(self._arrays.area_ha[selected].sum()),
            added_ha=float(self._arrays.area_ha[selected & ~self._arrays.is_pbf].sum()),
            removed_ha=float(self._arrays.area_ha[~selected & self._arrays.is_pbf].sum()),
            mean_grade_before=self.mean_grade_before,
            mean_grade_after=_mean_grade(self._arrays, selected),
            objective_terms=MappingProxyType(terms),
            active_rules=self.active_rules(),
            solver_objective=solver_objective,
        )

    def initial_layout(self) -> np.ndarray:
        """A quick heuristic layout: current eligible PBF plus best-grade additions.

        Keeps every current PBF parcel that may stay, takes locked-in parcels, then adds
        available non-PBF parcels in order of grade (best first, then larger area) until
        the area target and the compensation rule are met. Township rules are ignored,
        so check the result with :meth:`violations`.

        Returns
        -------
        numpy.ndarray of bool
            One value per parcel.
        """
        a, r = self._arrays, self.options.rules.compensation_ratio
        selected = (a.is_pbf & self._available()) | (self._fixed == 1)
        removed = float(a.area_ha[a.is_pbf & ~selected].sum())
        needed_added = r * removed if self.options.compensation_rule else 0.0
        added = float(a.area_ha[selected & ~a.is_pbf].sum())
        area = float(a.area_ha[selected].sum())
        candidates = np.flatnonzero(~a.is_pbf & ~selected & self._available())
        order = np.lexsort((-a.area_ha[candidates], a.quality_grade[candidates]))
        for k in candidates[order]:
            if added >= needed_added * (1 + _REL_TOL) and area >= self.target_ha:
                break
            selected[k] = True
            added += float(a.area_ha[k])
            area += float(a.area_ha[k])
        return selected

    def violations(self, selected: np.ndarray) -> list[str]:
        """Names of the enforced rules a layout breaks (empty if it satisfies all)."""
        return [name for name, _ in self.shortfalls(selected)]

    def shortfalls(self, selected: np.ndarray) -> list[tuple[str, str]]:
        """The enforced rules a layout breaks, each with by how much (ha, mu or grade).

        Returns
        -------
        list of (str, str)
            Rule name (``"quantity"``, ``"township cap <t>"`` ...) and a sentence such as
            ``"quantity: 28,000.0 ha (...) < target 28,100.0 ha (...) (short by ...)"``.
        """
        a, o = self._arrays, self.options
        x = np.asarray(selected, dtype=bool)
        tol = 1e-7
        out: list[tuple[str, str]] = []

        def at_least(name: str, what: str, have: float, need: float) -> None:
            if have < need - tol:
                out.append((name, f"{name}: {what} {format_ha_mu(have)} < "
                                  f"{format_ha_mu(need)} (short by {format_ha_mu(need - have)})"))

        def grade_not_worse(name: str, inside: np.ndarray) -> None:
            before, after = _mean_grade(a, a.is_pbf & inside), _mean_grade(a, x & inside)
            if o.quality_rule and np.isfinite(before) and after > before + tol:
                out.append((name, f"{name}: mean grade {after:.3f} > {before:.3f} before "
                                  f"(worse by {after - before:.3f})"))

        if (x & (self._fixed == 0)).any() or (~x & (self._fixed == 1)).any():
            out.append(("eligibility/locks", "eligibility/locks: an ineligible or locked "
                                             "parcel has the wrong value"))
        at_least("quantity", "area", float(a.area_ha[x].sum()), self.target_ha)
        r = o.rules.compensation_ratio
        if o.compensation_rule:
            at_least("compensation", "added", float(a.area_ha[x & ~a.is_pbf].sum()),
                     r * float(a.area_ha[~x & a.is_pbf].sum()))
        grade_not_worse("quality", np.ones(a.n, dtype=bool))
        for township, target in o.township_targets:
            at_least(f"township target {township}", "area",
                     float(a.area_ha[x & (a.township == township)].sum()), target)
        share = o.rules.township_adjust_share
        for township in sorted(set(a.township.tolist())):
            inside = a.township == township
            pbf_t = float(a.area_ha[inside & a.is_pbf].sum())
            removed_t = float(a.area_ha[inside & a.is_pbf & ~x].sum())
            if o.township_share_rule and removed_t > share * pbf_t + tol:
                name = f"township cap {township}"
                out.append((name, f"{name}: removed {format_ha_mu(removed_t)} > {share:.0%} "
                                  f"of its PBF = {format_ha_mu(share * pbf_t)} (over by "
                                  f"{format_ha_mu(removed_t - share * pbf_t)})"))
            if not o.per_township_rules:
                continue
            if o.compensation_rule:
                at_least(f"compensation {township}", "added",
                         float(a.area_ha[inside & ~a.is_pbf & x].sum()), r * removed_t)
            grade_not_worse(f"quality {township}", inside)
        return out

    def explain_infeasibility(self, solver: str | pulp.LpSolver | None = DEFAULT_SOLVER,
                              options: SolverOptions | None = None) -> list[str]:
        """Which rules the layout closest to all of them still breaks, and by how much.

        Solves the elastic problem: every rule constraint gets a slack >= 0 (per ha; per
        ha of the mean grade for the quality rules), the sum of the slacks is minimised,
        and :meth:`shortfalls` is evaluated on that layout. The model's own problem is
        left unchanged.

        Returns
        -------
        list of str
            One sentence per rule broken (empty if the elastic problem was not solved).
        """
        problem = self.problem
        elastic = pulp.LpProblem("farmland_layout_elastic", pulp.LpMinimize)
        weight_quality = 1.0 / max(1.0, np.nan_to_num(self.mean_grade_before, nan=1.0))
        slacks = []
        for con in problem.constraints():
            name = str(con.name)
            expr = pulp.LpAffineExpression(dict(con.items()))
            if name.startswith(("yi_", "yj_")):
                elastic.addConstraint(pulp.LpConstraint(expr, sense=con.sense, name=name,
                                                        rhs=-con.constant))
                continue
            slack = elastic.add_variable(f"slack_{name}", 0)
            sign = 1.0 if con.sense == pulp.LpConstraintGE else -1.0
            elastic.addConstraint(pulp.LpConstraint(expr + sign * slack, sense=con.sense,
                                                    name=name, rhs=-con.constant))
            slacks.append((weight_quality if name.startswith("quality") else 1.0, slack))
        elastic.setObjective(pulp.lpSum(w * v for w, v in slacks))
        try:
            solve_problem(elastic, solver, options, what="elastic layout")
        except (InfeasibleError, NoSolutionError):
            return []
        return [text for _, text in self.shortfalls(self._selected())]

    def _set_initial_values(self) -> bool:
        """Set PuLP initial values from :meth:`initial_layout`; False if it breaks a rule."""
        start = self.initial_layout()
        selection = self._require_built("a start solution")
        if self.violations(start) or not selection.xvars:
            return False
        selection.set_start(start)
        return True

    def _selected(self) -> np.ndarray:
        """PBF after the adjustment from the variable values (fixed parcels included)."""
        return self._require_built("the selection").selected()

    def variable_values(self) -> np.ndarray:
        """Raw solver values of the free x variables, in row order of the free parcels."""
        return self._require_built("variable_values()").values()

    def layout_frame(self, selected: np.ndarray) -> pd.DataFrame:
        """Layout table of design 5.2 for a selection (one bool per parcel)."""
        a = self._arrays
        after = np.asarray(selected, dtype=bool)
        change = np.select(
            [a.is_pbf & after, ~a.is_pbf & after, a.is_pbf & ~after],
            ["kept", "added", "removed"], default="none")
        return pd.DataFrame({
            "parcel_id": pd.array(a.parcel_id, dtype="string"),
            "is_pbf_before": a.is_pbf.copy(),
            "is_pbf_after": after,
            "change": pd.Categorical(change, categories=list(CHANGE_LABELS)),
        })


def _check_known(options: LayoutOptions, arrays: _Arrays) -> None:
    """Locked ids and township names must exist in the data."""
    known = set(arrays.parcel_id.tolist())
    for what, ids in (("locked_in", options.locked_in), ("locked_out", options.locked_out)):
        unknown = [p for p in ids if p not in known]
        if unknown:
            msg = f"{what}: unknown parcel ids {_first(unknown)}; use ids from parcel_id"
            raise InputError(msg)
    towns = set(arrays.township.tolist())
    unknown = [t for t, _ in options.township_targets if t not in towns]
    if unknown:
        msg = (f"township_targets: unknown townships {_first(unknown)}; valid names are "
               f"{_first(sorted(towns))}")
        raise InputError(msg)


def best_grade_selection(area_ha: np.ndarray, grade: np.ndarray, locked: np.ndarray,
                         free: np.ndarray, target: float, before: float) -> tuple[float, float]:
    """Area and mean grade of the best-grade selection that meets an area target.

    Locked parcels are always taken; then every free parcel no worse than ``before``;
    then the best remaining free parcels (the last one fractionally) until ``target`` is
    met. This is the optimum of the linear relaxation of
    ``min sum a (g - before) x  s.t.  sum a x >= target``, so a mean above ``before``
    proves a quality rule unattainable.

    Parameters
    ----------
    area_ha, grade : array of float
        Parcel areas [ha] and quality grades [grade] (NaN counts as 0; only parcels with
        a grade should be free).
    locked, free : array of bool
        Parcels fixed in, and parcels that may be chosen.
    target : float
        Area to reach. [ha]
    before : float
        Mean grade to compare with. [grade]

    Returns
    -------
    tuple of float
        Area [ha] and area-weighted mean grade [grade] (NaN for no area).

    Examples
    --------
    >>> import numpy as np
    >>> best_grade_selection(np.array([1.0, 1.0, 2.0]), np.array([3.0, 9.0, 5.0]),
    ...                      np.array([True, False, False]), np.array([False, True, True]),
    ...                      2.0, 4.0)
    (2.0, 4.0)
    """
    grade = np.nan_to_num(np.asarray(grade, dtype=float))
    area_ha = np.asarray(area_ha, dtype=float)
    take = locked | (free & (grade <= before))
    area, weighted = float(area_ha[take].sum()), float((area_ha * grade)[take].sum())
    rest = np.flatnonzero(free & ~take)
    rest = rest[np.argsort(grade[rest], kind="stable")]
    need = target - area
    if need > 0 and len(rest):
        cum = np.cumsum(area_ha[rest])
        k = int(np.searchsorted(cum, need))
        full = rest[:k]
        area += float(area_ha[full].sum())
        weighted += float((area_ha * grade)[full].sum())
        if k < len(rest):
            part = need - float(cum[k - 1]) if k else need
            area += part
            weighted += part * float(grade[rest[k]])
    return area, (weighted / area if area > 0 else float("nan"))


def _mean_grade(arrays: _Arrays, selected: np.ndarray) -> float:
    """Area-weighted mean grade over selected parcels with a grade. [grade]"""
    mask = np.asarray(selected, dtype=bool) & np.isfinite(arrays.quality_grade)
    area = float(arrays.area_ha[mask].sum())
    if area <= 0:
        return float("nan")
    return float((arrays.area_ha[mask] * arrays.quality_grade[mask]).sum() / area)
