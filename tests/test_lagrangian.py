"""The Lagrangian relaxation by minimum cuts: valid bounds, exact cuts, feasible layouts.

Small problems are checked against enumeration of every selection; the farmland layout
and Marxan models against the other in-process solvers.
"""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pytest
from scipy import sparse

from landsim.optimize.lagrangian import MinCutRelaxation, solve_lagrangian
from landsim.optimize.milp import build_selection_arrays, solve_arrays
from landsim.optimize.selection import boundary_terms

N_UNITS = 11


def _problem(seed: int, kind: str, n: int = N_UNITS, weight: float = 1.5):
    """Arrays of a random selection with a boundary penalty and rows of ``kind``."""
    rng = np.random.default_rng(seed)
    edges = [(i, j) for i, j in itertools.combinations(range(n), 2) if rng.random() < 0.3]
    edge_i = np.array([e[0] for e in edges], dtype=np.int64)
    edge_j = np.array([e[1] for e in edges], dtype=np.int64)
    length = rng.uniform(0.5, 3.0, len(edges))
    fixed = np.full(n, -1, dtype=np.int8)
    terms = boundary_terms(n, edge_i, edge_j, length, weight, fixed)
    cost = rng.uniform(-2.0, 6.0, n)
    a = rng.uniform(0.0, 4.0, (3, n)) * (rng.random((3, n)) < 0.7)
    if kind == "cover":  # Marxan: a x >= t, a >= 0
        lo, hi = 0.35 * a.sum(axis=1), np.full(3, np.inf)
    elif kind == "mixed":  # PBF layout: >= area, <= grade row with signed coefficients
        a[2] = rng.uniform(-3.0, 3.0, n)
        lo = np.array([0.3 * a[0].sum(), 0.25 * a[1].sum(), -np.inf])
        hi = np.array([np.inf, np.inf, 0.5])
    elif kind == "ranged":  # a band and an equality-like narrow band
        lo, hi = 0.3 * a.sum(axis=1), 0.6 * a.sum(axis=1)
    else:  # no rows: a pure minimum cut
        a, lo, hi = np.zeros((0, n)), np.zeros(0), np.zeros(0)
    return build_selection_arrays(fixed, cost + terms.coef, terms.constant + 1.25, terms,
                                  edge_i, edge_j, sparse.csr_array(a), lo, hi)


def _enumerate(arrays) -> float:
    """Optimum over every feasible selection (inf when none), by enumeration."""
    n = arrays.n_binary
    bits = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(float)
    relaxation = MinCutRelaxation(arrays)  # only its row and edge arrays are used
    act = bits @ relaxation.rows.T.toarray() if relaxation.n_rows else np.zeros((len(bits), 0))
    tol = 1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(relaxation.lo), relaxation.lo,
                                                  relaxation.hi)))
    ok = ((act >= relaxation.lo - tol) & (act <= relaxation.hi + tol)).all(axis=1)
    both = bits[:, relaxation.edge_i] * bits[:, relaxation.edge_j]
    value = bits @ relaxation.cost - both @ relaxation.weight + arrays.constant
    return float(value[ok].min()) if ok.any() else math.inf


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("kind", ["cover", "mixed", "ranged"])
def test_bound_is_valid_and_layouts_meet_every_row(seed, kind):
    arrays = _problem(seed, kind)
    optimum = _enumerate(arrays)
    relaxation = MinCutRelaxation(arrays)
    found = solve_lagrangian(relaxation, deadline=time.monotonic() + 20, gap=0.0)
    assert found.bound <= optimum + 1e-7 * max(1.0, abs(optimum))
    if found.x is not None:
        values = arrays.completed(found.x.astype(float))
        assert arrays.violation(values) <= 1e-6
        assert found.objective == pytest.approx(arrays.objective(values))
        assert found.objective >= optimum - 1e-7 * max(1.0, abs(optimum))


@pytest.mark.parametrize("seed", range(4))
def test_every_multiplier_gives_a_bound_of_the_cut_it_solves(seed):
    # L(lam) is min over all x of the priced objective; check it against enumeration
    arrays = _problem(seed, "mixed")
    relaxation = MinCutRelaxation(arrays)
    rng = np.random.default_rng(seed)
    lam = relaxation.signed(rng.normal(0.0, 2.0, relaxation.n_rows))
    point = relaxation.evaluate(lam)
    lo = np.where(np.isfinite(relaxation.lo), relaxation.lo, 0.0)
    hi = np.where(np.isfinite(relaxation.hi), relaxation.hi, 0.0)
    bits = ((np.arange(2**relaxation.n)[:, None] >> np.arange(relaxation.n)) & 1)
    act = bits.astype(float) @ relaxation.rows.T.toarray()
    both = bits[:, relaxation.edge_i] * bits[:, relaxation.edge_j]
    priced = (bits @ relaxation.cost - both @ relaxation.weight + relaxation.constant
              + np.where(lam > 0, lam * (lo - act), lam * (hi - act)).sum(axis=1))
    best = float(priced.min())
    assert point.bound <= best + 1e-9 * max(1.0, abs(best))
    assert point.bound == pytest.approx(best, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_without_rows_one_cut_is_the_exact_optimum(seed):
    arrays = _problem(seed, "none")
    optimum = _enumerate(arrays)
    solved = solve_arrays(arrays, "lagrangian", gap=0.0, time_limit=10)
    assert solved.proven and solved.objective == pytest.approx(optimum, rel=1e-9)
    assert solved.bound == pytest.approx(optimum, rel=1e-9)


@pytest.mark.parametrize("kind", ["cover", "mixed"])
def test_solve_arrays_lagrangian_proves_the_gap_it_reports(kind):
    arrays = _problem(11, kind, n=12)
    optimum = _enumerate(arrays)
    solved = solve_arrays(arrays, "lagrangian", gap=0.0, time_limit=20)
    # HiGHS continues from the relaxation's layout on a problem this small
    assert solved.objective == pytest.approx(optimum, rel=1e-9)
    assert solved.bound <= optimum + 1e-9
    assert arrays.violation(solved.values) <= 1e-6


def test_marxan_and_layout_models_solve_with_the_relaxation():
    from landsim.farmland.marxan import MarxanMinSetModel
    from landsim.synthetic import synthesize

    rng = np.random.default_rng(4)
    side = 16
    ids = np.arange(side * side).reshape(side, side)
    edge_i = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    edge_j = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    amount = rng.random((4, side * side)) * (rng.random((4, side * side)) < 0.3)
    model = MarxanMinSetModel.from_arrays(
        rng.uniform(1, 10, side * side), amount, 0.3 * amount.sum(axis=1), edge_i=edge_i,
        edge_j=edge_j, edge_length=np.ones(len(edge_i)), blm=0.5)
    lag = model.solve("lagrangian", time_limit=30, gap=0.005)
    assert lag.all_targets_met and lag.gap is not None and lag.gap <= 0.005 + 1e-12
    assert lag.score <= lag.heuristic_score + 1e-9
    exact = MarxanMinSetModel.from_arrays(
        model.data.cost, amount, 0.3 * amount.sum(axis=1), edge_i=edge_i, edge_j=edge_j,
        edge_length=np.ones(len(edge_i)), blm=0.5).solve("highs", time_limit=30, gap=0.0)
    assert lag.best_bound <= exact.score + 1e-6  # a valid bound of the optimum
    if exact.gap == 0.0:
        assert lag.score <= exact.score * (1 + 0.005) + 1e-6

    from landsim.farmland import FarmlandLayoutModel

    county = synthesize(3000, 5)
    layout = FarmlandLayoutModel.from_parcels(county.parcels, county.edges,
                                              boundary_weight=0.02)
    result = layout.solve("lagrangian", time_limit=30, gap=0.005)
    assert not layout.violations(result.layout["is_pbf_after"].to_numpy(bool))
    assert result.gap is not None and result.gap <= 0.005 + 1e-12
    assert result.objective <= result.heuristic_objective + 1e-9
