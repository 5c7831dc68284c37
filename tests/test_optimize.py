"""The shared solver layer (landsim.optimize): options, status, gap, retry, errors, selection.

Every model (PBF layout, Marxan minimum set, topsoil transport LP) solves through this
layer, so the drifts it replaced are pinned here once: the same validation messages from
every model, a time-limited incumbent never called optimal, a gap never invented without a
bound, the CBC warm-start retry for both MILP models, and a time-out never reported as
infeasibility.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pulp
import pytest

from landsim.errors import InfeasibleError, InputError, NoSolutionError
from landsim.farmland import FarmlandLayoutModel, MarxanMinSetModel
from landsim.optimize import (
    STATUS_OPTIMAL,
    STATUS_STOPPED,
    STATUS_TIME_LIMIT,
    BinarySelection,
    SolveReport,
    SolverOptions,
    boundary_terms,
    check_gap,
    check_solver_name,
    check_time_limit,
    default_solver_name,
    fixed_values,
    make_solver,
    relative_gap,
    scipy_status,
    solve_problem,
    status_label,
)
from landsim.optimize import solvers as solvers_module
from landsim.topsoil import TopsoilModel

HAS_HIGHS = pulp.HiGHS(msg=False).available()
requires_highs = pytest.mark.skipif(not HAS_HIGHS, reason="highspy not installed")
SOLVERS = ["cbc", pytest.param("highs", marks=requires_highs)]


# --------------------------------------------------------------------------------------
# Small problems
# --------------------------------------------------------------------------------------
def cover_problem() -> pulp.LpProblem:
    """min 4 x0 + 3 x1 + 2 x2 s.t. x0 + x1 >= 1, x1 + x2 >= 1 (optimum 3: x1 alone)."""
    problem = pulp.LpProblem("cover", pulp.LpMinimize)
    x = [problem.add_variable(f"x{k}", cat=pulp.LpBinary) for k in range(3)]
    problem.setObjective(pulp.lpSum([4 * x[0], 3 * x[1], 2 * x[2]]))
    problem.addConstraint(x[0] + x[1] >= 1, "a")
    problem.addConstraint(x[1] + x[2] >= 1, "b")
    return problem


def infeasible_problem() -> pulp.LpProblem:
    """Two binaries that must sum to 3."""
    problem = pulp.LpProblem("impossible", pulp.LpMinimize)
    x = [problem.add_variable(f"x{k}", cat=pulp.LpBinary) for k in range(2)]
    problem.setObjective(x[0] + x[1])
    problem.addConstraint(x[0] + x[1] >= 3, "too_much")
    return problem


def assignment_problem(n_agents: int = 15, n_jobs: int = 150, seed: int = 0) -> pulp.LpProblem:
    """A generalised assignment problem (each job to one agent, agent capacities).

    Feasible solutions are easy, proofs are not: at this size CBC and HiGHS 1.16 both stop
    at a 0.5 s time limit with a relative gap of 2-4 % (checked on seeds 0-2).
    """
    rng = np.random.default_rng(seed)
    cost = rng.integers(10, 50, (n_agents, n_jobs))
    weight = rng.integers(5, 25, (n_agents, n_jobs))
    capacity = (0.8 * weight.sum(axis=1) / n_agents).astype(int)
    problem = pulp.LpProblem("assignment", pulp.LpMinimize)
    x = [[problem.add_variable(f"x_{a}_{j}", cat=pulp.LpBinary) for j in range(n_jobs)]
         for a in range(n_agents)]
    problem.setObjective(pulp.lpSum(int(cost[a, j]) * x[a][j]
                                    for a in range(n_agents) for j in range(n_jobs)))
    for j in range(n_jobs):
        problem.addConstraint(pulp.lpSum(x[a][j] for a in range(n_agents)) == 1, f"job_{j}")
    for a in range(n_agents):
        problem.addConstraint(pulp.lpSum(int(weight[a, j]) * x[a][j] for j in range(n_jobs))
                              <= int(capacity[a]), f"capacity_{a}")
    return problem


def line_parcels() -> pd.DataFrame:
    """Four 1-ha eligible parcels, two of them PBF."""
    return pd.DataFrame({
        "parcel_id": list("abcd"), "township": ["t"] * 4, "land_class": ["0101"] * 4,
        "area_ha": [1.0] * 4, "quality_grade": [5, 5, 5, 6], "slope_deg": [1.0] * 4,
        "in_eco_redline": [False] * 4, "in_udb": [False] * 4, "stable": [True] * 4,
        "is_pbf": [True, False, True, False]})


def tiny_marxan() -> MarxanMinSetModel:
    return MarxanMinSetModel.from_arrays(
        [3.0, 2.0, 2.5], [[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]], [1.0, 1.0],
        edge_i=[0, 1], edge_j=[1, 2], edge_length=[1.0, 1.0], blm=0.2)


def tiny_topsoil() -> TopsoilModel:
    return TopsoilModel.from_arrays([100, 50], [80, 100], [[1, 3], [2, 1]])


# Each model's solve with bad options, as a callable of the keyword arguments.
MODEL_SOLVES = {
    "farmland": lambda **kw: FarmlandLayoutModel.from_parcels(line_parcels()).solve(**kw),
    "marxan": lambda **kw: tiny_marxan().solve(**kw),
    "topsoil": lambda **kw: tiny_topsoil().solve(method="pulp", **kw),
}


# --------------------------------------------------------------------------------------
# Option validation: one message everywhere
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [0, -1.0, float("inf"), float("nan"), "soon", True])
def test_bad_time_limit(value):
    with pytest.raises(InputError, match=r"time_limit must be a finite number > 0 \[s\]"):
        SolverOptions(time_limit=value)


@pytest.mark.parametrize("value", [-0.01, 1.0, 1.5, float("nan"), float("inf"), "small"])
def test_bad_gap(value):
    with pytest.raises(InputError, match=r"gap must be a relative gap with 0 <= gap < 1"):
        SolverOptions(gap=value)


@pytest.mark.parametrize("value", [0, -2, 1.5, True])
def test_bad_threads(value):
    with pytest.raises(InputError, match=r"threads must be a whole number >= 1"):
        SolverOptions(threads=value)


def test_valid_options_are_normalised():
    options = SolverOptions.from_kwargs(time_limit=5, gap=0, threads=2, msg=1, maxNodes=10)
    assert (options.time_limit, options.gap, options.threads, options.msg) == (5.0, 0.0, 2, True)
    assert dict(options.extra) == {"maxNodes": 10}
    assert check_time_limit(None) is None and check_gap(None) is None
    assert check_gap(0.999) == pytest.approx(0.999)


def test_options_that_landsim_sets_are_refused():
    with pytest.raises(InputError, match=r"timeLimit are set by landsim; use the fields"):
        SolverOptions.from_kwargs(timeLimit=5)


@pytest.mark.parametrize("model", sorted(MODEL_SOLVES))
@pytest.mark.parametrize(("kwargs", "match"), [
    ({"time_limit": 0}, r"time_limit must be a finite number > 0 \[s\], got 0; give e\.g\. "
                        r"time_limit=60 or None for no limit"),
    ({"time_limit": float("nan")}, r"time_limit must be a finite number > 0 \[s\], got nan"),
    ({"solver": "gurobi"}, r"unknown solver 'gurobi'; use 'auto', 'cbc', 'highs', 'cpsat', "
                           r"'scip', 'lagrangian' or a pulp\.LpSolver object"),
])
def test_every_model_validates_the_same_way(model, kwargs, match):
    with pytest.raises(InputError, match=match):
        MODEL_SOLVES[model](**kwargs)


@pytest.mark.parametrize("model", ["farmland", "marxan"])
def test_every_milp_model_validates_the_gap_the_same_way(model):
    with pytest.raises(InputError, match=r"gap must be a relative gap with 0 <= gap < 1 "
                                         r"\[fraction\], got 1\.0"):
        MODEL_SOLVES[model](gap=1.0)


def test_unknown_solver_names_valid_names():
    with pytest.raises(InputError, match=r"unknown solver 'cplex'; use 'auto', 'cbc', 'highs'"):
        check_solver_name("cplex")
    assert check_solver_name(" CBC ") == "cbc"


def test_solver_object_with_options_is_refused():
    solver = pulp.HiGHS(msg=False)
    with pytest.raises(InputError, match=r"apply to solver names only; set them on the PuLP "
                                         r"solver object"):
        make_solver(solver, SolverOptions(time_limit=5))
    assert make_solver(solver) == (solver, "HiGHS")


def test_missing_highs_and_default_choice(monkeypatch):
    monkeypatch.setattr(pulp.HiGHS, "available", lambda self: False)
    with pytest.raises(InputError, match=r"needs the highspy package.*pip install highspy"):
        make_solver("highs")
    assert default_solver_name() == "cbc"
    monkeypatch.setattr(solvers_module, "cbc_available", lambda: False)
    with pytest.raises(InputError, match=r"no MILP solver found"):
        default_solver_name()


@requires_highs
def test_default_choice_falls_back_to_highs(monkeypatch):
    monkeypatch.setattr(solvers_module, "cbc_available", lambda: False)
    assert default_solver_name() == "highs"
    assert solve_problem(cover_problem(), None).solver == "highs"


def test_maximisation_is_refused():
    problem = cover_problem()
    problem.sense = pulp.LpMaximize
    with pytest.raises(InputError, match=r"is a maximisation"):
        solve_problem(problem, "cbc")


# --------------------------------------------------------------------------------------
# Status mapping
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("status", "sol_status", "time_limit", "gap", "expected"), [
    (pulp.LpStatusOptimal, pulp.LpSolutionOptimal, None, None, STATUS_OPTIMAL),
    (pulp.LpStatusOptimal, pulp.LpSolutionOptimal, 10, 0.0, STATUS_OPTIMAL),
    (pulp.LpStatusOptimal, pulp.LpSolutionOptimal, 10, 0.01, "optimal (relative gap <= 0.01)"),
    # PuLP reports a time-limited incumbent with status "Optimal": sol_status tells
    (pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible, 10, None, STATUS_TIME_LIMIT),
    (pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible, 10, 0.01, STATUS_TIME_LIMIT),
    (pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible, None, None, STATUS_STOPPED),
])
def test_status_label(status, sol_status, time_limit, gap, expected):
    problem = SimpleNamespace(status=status, sol_status=sol_status)
    assert status_label(problem, time_limit, gap) == expected


@pytest.mark.parametrize("solver", SOLVERS)
def test_time_limited_incumbent_is_not_optimal_and_reports_its_gap(solver):
    try:
        report = solve_problem(assignment_problem(), solver,
                               SolverOptions(time_limit=0.5, gap=0.0))
    except NoSolutionError:  # a very slow machine may not even find an incumbent
        return
    assert report.status == STATUS_TIME_LIMIT
    assert not report.is_optimal
    assert report.bound_source == "solver"
    assert report.bound is not None and report.bound < report.objective
    assert report.gap == pytest.approx((report.objective - report.bound) / report.objective)
    assert report.gap > 0


@pytest.mark.parametrize("solver", SOLVERS)
def test_proven_optimum(solver):
    report = solve_problem(cover_problem(), solver, SolverOptions(gap=0.0))
    assert report.status == STATUS_OPTIMAL and report.is_optimal
    assert report.objective == pytest.approx(3.0)
    assert report.gap == pytest.approx(0.0, abs=1e-9)
    assert report.solver == solver and report.seconds >= 0


# --------------------------------------------------------------------------------------
# Gap from a real bound, else unknown
# --------------------------------------------------------------------------------------
def test_relative_gap():
    assert relative_gap(100.0, 90.0) == pytest.approx(0.1)
    assert relative_gap(100.0, None) is None
    assert relative_gap(None, 90.0) is None
    assert relative_gap(5.0, 5.0 + 1e-12) == 0.0


def test_gap_is_unknown_without_a_bound_when_a_gap_was_allowed(monkeypatch):
    monkeypatch.setattr(solvers_module, "_reported_bound", lambda *args: None)
    report = solve_problem(cover_problem(), "cbc", SolverOptions(gap=0.05))
    assert report.status == "optimal (relative gap <= 0.05)"
    assert report.bound is None and report.gap is None and report.bound_source == "unknown"
    # a time-limited incumbent without a bound: unknown as well, never 0
    monkeypatch.setattr(pulp.LpProblem, "solve", _assign(pulp.LpStatusOptimal,
                                                         pulp.LpSolutionIntegerFeasible))
    report = solve_problem(cover_problem(), "cbc", SolverOptions(time_limit=5))
    assert report.status == STATUS_TIME_LIMIT and report.gap is None


def test_proven_optimum_without_reported_bound_uses_the_proof(monkeypatch):
    monkeypatch.setattr(solvers_module, "_reported_bound", lambda *args: None)
    report = solve_problem(cover_problem(), "cbc")
    assert report.status == STATUS_OPTIMAL
    assert report.bound_source == "optimality proof" and report.gap == 0.0
    moved = report.with_objective(3.5)
    assert (moved.objective, moved.bound, moved.gap) == (3.5, 3.5, 0.0)


def test_with_objective_keeps_a_solver_bound():
    report = SolveReport(status=STATUS_TIME_LIMIT, solver="cbc", objective=10.0, bound=8.0,
                         gap=0.2, seconds=1.0, bound_source="solver")
    moved = report.with_objective(9.0)
    assert moved.bound == 8.0 and moved.gap == pytest.approx(1 / 9)
    unknown = SolveReport(status=STATUS_TIME_LIMIT, solver="cbc", objective=10.0, bound=None,
                          gap=None, seconds=1.0)
    assert unknown.with_objective(9.0).gap is None


def test_marxan_with_an_allowed_gap_and_no_bound_reports_no_gap(monkeypatch):
    # the Marxan path used to invent best_bound = score and a gap of 0 here
    monkeypatch.setattr(solvers_module, "_reported_bound", lambda *args: None)
    result = tiny_marxan().solve("cbc", gap=0.05)
    assert result.status == "optimal (relative gap <= 0.05)"
    assert result.best_bound is None and result.gap is None
    assert result.summary()["gap"] is None


def test_farmland_with_an_allowed_gap_and_no_bound_reports_no_gap(monkeypatch):
    monkeypatch.setattr(solvers_module, "_reported_bound", lambda *args: None)
    result = FarmlandLayoutModel.from_parcels(line_parcels()).solve("cbc", gap=0.05)
    assert result.best_bound is None and result.gap is None


# --------------------------------------------------------------------------------------
# CBC and HiGHS agree, and the selection plumbing is exact (brute force)
# --------------------------------------------------------------------------------------
def random_selection_problem(seed: int, n: int = 9):
    """Min cost + boundary penalty with covering targets and random locks."""
    rng = np.random.default_rng(seed)
    cost = rng.uniform(1.0, 10.0, n)
    amount = rng.integers(0, 4, (3, n)).astype(float)
    target = 0.4 * amount.sum(axis=1)
    pairs = [(i, j) for i, j in itertools.combinations(range(n), 2) if rng.random() < 0.35]
    edge_i = np.array([p[0] for p in pairs], dtype=np.int64)
    edge_j = np.array([p[1] for p in pairs], dtype=np.int64)
    length = rng.uniform(0.0, 5.0, len(pairs)).round(2)
    weight = float(rng.choice([0.0, 0.3, 1.5]))
    lock = rng.random(n)
    fixed = fixed_values(n, locked_in=lock < 0.12, locked_out=lock > 0.9)
    return cost, amount, target, edge_i, edge_j, length, weight, fixed


def build_selection_problem(seed: int):
    cost, amount, target, edge_i, edge_j, length, weight, fixed = random_selection_problem(seed)
    n = len(cost)
    problem = pulp.LpProblem(f"selection_{seed}", pulp.LpMinimize)
    selection = BinarySelection(fixed)
    selection.add_variables(problem, [f"x_{k}" for k in range(n)])
    terms = boundary_terms(n, edge_i, edge_j, length, weight, fixed)
    pair = terms.pair_edges
    keys = [f"{edge_i[e]}_{edge_j[e]}" for e in pair.tolist()]
    products = selection.add_products(problem, terms, edge_i, edge_j,
                                      names=[f"y_{k}" for k in keys], keys=keys)
    problem.setObjective(selection.expression(cost + terms.coef, terms.constant, products))
    for f in range(len(target)):
        expr = selection.linear(amount[f])
        problem.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintGE, f"t{f}",
                                                float(target[f])))
    return problem, selection


def brute_force(seed: int) -> float | None:
    cost, amount, target, edge_i, edge_j, length, weight, fixed = random_selection_problem(seed)
    best = None
    for bits in itertools.product((False, True), repeat=len(cost)):
        x = np.array(bits)
        if (x & (fixed == 0)).any() or (~x & (fixed == 1)).any():
            continue
        if (amount @ x < target - 1e-9).any():
            continue
        value = cost[x].sum() + weight * length[x[edge_i] != x[edge_j]].sum()
        best = value if best is None else min(best, value)
    return best


@pytest.mark.parametrize("seed", range(8))
def test_cbc_and_highs_agree_with_brute_force(seed):
    expected = brute_force(seed)
    solvers = ["cbc", "highs"] if HAS_HIGHS else ["cbc"]
    for solver in solvers:
        problem, selection = build_selection_problem(seed)
        if expected is None:
            with pytest.raises(InfeasibleError):
                solve_problem(problem, solver, SolverOptions(gap=0.0))
            continue
        report = solve_problem(problem, solver, SolverOptions(gap=0.0))
        assert report.is_optimal, solver
        assert report.objective == pytest.approx(expected, abs=1e-7), solver
        chosen = selection.selected()
        assert chosen[selection.fixed == 1].all() and not chosen[selection.fixed == 0].any()


@pytest.mark.parametrize("seed", range(20))
def test_boundary_terms_equal_the_boundary_on_every_consistent_selection(seed):
    rng = np.random.default_rng(100 + seed)
    n = 7
    pairs = [(i, j) for i, j in itertools.combinations(range(n), 2) if rng.random() < 0.5]
    edge_i = np.array([p[0] for p in pairs], dtype=np.int64)
    edge_j = np.array([p[1] for p in pairs], dtype=np.int64)
    length = rng.uniform(0.0, 3.0, len(pairs))
    weight = 0.7
    lock = rng.random(n)
    fixed = fixed_values(n, locked_in=lock < 0.25, locked_out=lock > 0.75)
    terms = boundary_terms(n, edge_i, edge_j, length, weight, fixed)
    assert (terms.pair_coef <= 0).all()
    free = fixed < 0
    assert free[edge_i[terms.pair_edges]].all() and free[edge_j[terms.pair_edges]].all()
    for bits in itertools.product((False, True), repeat=int(free.sum())):
        x = fixed == 1
        x[free] = bits
        # what the model's objective sees: free units' coefficients, the fixed-in units'
        # coefficients folded into the constant, and y_ij = x_i x_j on pair edges
        linear = terms.coef[x].sum() + terms.constant
        products = (terms.pair_coef * (x[edge_i[terms.pair_edges]]
                                       & x[edge_j[terms.pair_edges]])).sum()
        expected = weight * length[x[edge_i] != x[edge_j]].sum()
        assert linear + products == pytest.approx(expected, abs=1e-9)


def test_locks_fold_and_out_wins():
    fixed = fixed_values(4, locked_in=np.array([1, 1, 0, 0], bool),
                         locked_out=np.array([0, 1, 0, 1], bool))
    assert fixed.tolist() == [1, 0, -1, 0]
    with pytest.raises(InputError, match=r"one value per unit"):
        fixed_values(4, locked_in=np.ones(3, bool))


def test_negative_boundary_weight_is_refused():
    with pytest.raises(InputError, match=r"boundary weight must be a finite number >= 0"):
        boundary_terms(2, [0], [1], [1.0], -1.0, fixed_values(2))


def test_selection_start_values():
    problem, selection = build_selection_problem(3)
    start = np.ones(selection.n, dtype=bool)
    start[selection.fixed == 0] = False
    selection.set_start(start)
    assert all(v.varValue == 1.0 for v in selection.xvars)
    assert all(v.varValue == 1.0 for v in selection.yvars)


# --------------------------------------------------------------------------------------
# Warm start: the CBC crash retry, for every MILP model
# --------------------------------------------------------------------------------------
def failing_once_with_warm_start(monkeypatch) -> list[bool]:
    """Make CBC fail on its first run with a start solution; return the warmStart flags."""
    calls: list[bool] = []
    real_solve = pulp.LpProblem.solve

    def solve(problem, solver=None, **kwargs):
        warm = bool(getattr(solver, "optionsDict", {}).get("warmStart", False))
        calls.append(warm)
        if warm:
            raise pulp.PulpSolverError("Pulp: Error while trying to execute cbc")
        return real_solve(problem, solver, **kwargs)

    monkeypatch.setattr(pulp.LpProblem, "solve", solve)
    return calls


def test_warm_start_crash_is_retried_without_the_start(monkeypatch, caplog):
    calls = failing_once_with_warm_start(monkeypatch)
    report = solve_problem(cover_problem(), "cbc", SolverOptions(warm_start=True),
                           set_start=lambda: True)
    assert calls == [True, False]
    assert report.is_optimal and report.objective == pytest.approx(3.0)
    assert not report.warm_start
    assert "retrying without" in caplog.text


def test_solver_error_without_warm_start_is_no_solution(monkeypatch):
    def broken(problem, solver=None, **kwargs):
        raise pulp.PulpSolverError("Pulp: Error while trying to execute cbc")

    monkeypatch.setattr(pulp.LpProblem, "solve", broken)
    with pytest.raises(NoSolutionError, match=r"cbc stopped with an error"):
        solve_problem(cover_problem(), "cbc", SolverOptions(time_limit=5))


def test_warm_start_only_for_cbc_with_a_valid_start(monkeypatch):
    calls = failing_once_with_warm_start(monkeypatch)
    solve_problem(cover_problem(), "cbc", SolverOptions(warm_start=True),
                  set_start=lambda: False)
    assert calls == [False]
    if HAS_HIGHS:  # PuLP's HiGHS interface takes no start: the model is not even asked
        asked: list[int] = []
        solve_problem(cover_problem(), "highs", SolverOptions(warm_start=True),
                      set_start=lambda: asked.append(1) is None)
        assert asked == []


def test_farmland_gets_the_warm_start_retry(monkeypatch):
    # only the Marxan path used to retry; the layout model raised PulpSolverError
    calls = failing_once_with_warm_start(monkeypatch)
    parcels = line_parcels()
    result = FarmlandLayoutModel.from_parcels(parcels).solve("cbc", warm_start=True)
    assert calls == [True, False]
    assert result.is_optimal


def test_marxan_gets_the_warm_start_retry(monkeypatch):
    calls = failing_once_with_warm_start(monkeypatch)
    result = tiny_marxan().solve("cbc", warm_start=True)
    assert calls == [True, False]
    assert result.is_optimal and not result.warm_start


def test_real_warm_start_is_used_and_keeps_the_optimum():
    cold = tiny_marxan().solve("cbc", warm_start=False)
    warm = tiny_marxan().solve("cbc", warm_start=True)
    assert warm.warm_start and not cold.warm_start
    assert warm.score == pytest.approx(cold.score)


# --------------------------------------------------------------------------------------
# NoSolutionError (stopped) versus InfeasibleError (proven)
# --------------------------------------------------------------------------------------
def _assign(status: int, sol_status: int, delay_s: float = 0.0):
    def solve(problem, solver=None, **kwargs):
        time.sleep(delay_s)
        problem.assignStatus(status, sol_status)
        for var in problem.variables():
            var.varValue = 1.0
        return status

    return solve


@pytest.mark.parametrize("solver", SOLVERS)
def test_proven_infeasible_raises_infeasible_error(solver):
    with pytest.raises(InfeasibleError, match=r"nothing fits"):
        solve_problem(infeasible_problem(), solver, SolverOptions(time_limit=60),
                      infeasible_message="nothing fits")


def test_time_limit_without_solution_raises_no_solution_error(monkeypatch):
    monkeypatch.setattr(pulp.LpProblem, "solve", _assign(pulp.LpStatusNotSolved,
                                                         pulp.LpSolutionNoSolutionFound))
    with pytest.raises(NoSolutionError, match=r"no feasible layout within the time limit of "
                                              r"5 s \(PuLP status 'Not Solved'"):
        solve_problem(cover_problem(), "cbc", SolverOptions(time_limit=5), what="layout")


def test_infeasible_reported_after_the_time_limit_is_no_proof(monkeypatch):
    # CBC 2.10 says "Integer infeasible" when the time limit cuts its preprocessing short
    monkeypatch.setattr(pulp.LpProblem, "solve", _assign(pulp.LpStatusInfeasible,
                                                         pulp.LpSolutionNoSolutionFound,
                                                         delay_s=0.02))
    with pytest.raises(NoSolutionError, match=r"only when the time limit had passed"):
        solve_problem(cover_problem(), "cbc", SolverOptions(time_limit=0.01))
    with pytest.raises(InfeasibleError):
        solve_problem(cover_problem(), "cbc", SolverOptions(time_limit=60))


def test_tiny_time_limit_on_a_feasible_marxan_problem_is_never_infeasible():
    for warm_start in (True, False):
        for _ in range(5):
            try:
                result = tiny_marxan().solve("cbc", time_limit=1e-3, warm_start=warm_start)
            except NoSolutionError:
                continue
            assert result.status in (STATUS_OPTIMAL, STATUS_TIME_LIMIT)


def test_lp_stopped_early_is_no_solution(monkeypatch):
    problem = pulp.LpProblem("lp", pulp.LpMinimize)
    x = problem.add_variable("x", lowBound=0)
    problem.setObjective(1.0 * x)
    problem.addConstraint(x >= 1, "c")
    monkeypatch.setattr(pulp.LpProblem, "solve", _assign(pulp.LpStatusOptimal,
                                                         pulp.LpSolutionIntegerFeasible))
    with pytest.raises(NoSolutionError, match=r"no feasible topsoil plan within the time "
                                              r"limit of 2 s"):
        solve_problem(problem, "cbc", SolverOptions(time_limit=2), what="topsoil plan")


def test_scipy_status_mapping():
    assert scipy_status(SimpleNamespace(status=0, message="ok")) == STATUS_OPTIMAL
    with pytest.raises(InfeasibleError, match="no way"):
        scipy_status(SimpleNamespace(status=2, message="infeasible"),
                     infeasible_message="no way")
    for code in (1, 3, 4):
        with pytest.raises(NoSolutionError, match=r"HiGHS stopped: stop"):
            scipy_status(SimpleNamespace(status=code, message="stop"), 1.0)


def test_topsoil_time_out_is_not_infeasible(monkeypatch):
    # topsoil used to raise InfeasibleError for any non-optimal solver status
    model = tiny_topsoil()
    model.build()
    monkeypatch.setattr(pulp.LpProblem, "solve", _assign(pulp.LpStatusNotSolved,
                                                         pulp.LpSolutionNoSolutionFound))
    with pytest.raises(NoSolutionError, match=r"no feasible topsoil plan within the time "
                                              r"limit of 3 s"):
        model.solve(method="pulp", time_limit=3)


def test_topsoil_scipy_time_out_is_not_infeasible(monkeypatch):
    import scipy.optimize

    def timed_out(*args, **kwargs):
        assert kwargs["options"] == {"time_limit": 0.5}
        return SimpleNamespace(status=1, message="Time limit reached.", x=None)

    monkeypatch.setattr(scipy.optimize, "linprog", timed_out)
    with pytest.raises(NoSolutionError, match=r"time limit of 0\.5 s \(HiGHS stopped: Time "
                                              r"limit reached"):
        tiny_topsoil().solve(method="highs", time_limit=0.5)


@pytest.mark.parametrize("method", ["pulp", "highs"])
def test_topsoil_infeasible_stays_infeasible(method):
    # soil stripped in 2024 cannot reach a destination ready in 2026 without a stockpile;
    # totals alone pass the pre-check
    model = TopsoilModel.from_arrays([100], [100], [[1]], source_year=[2024],
                                     ready_year=[2026])
    with pytest.raises(InfeasibleError, match=r"topsoil plan is infeasible"):
        model.solve(method=method, allow_disposal=False)


def test_topsoil_solver_by_name_and_result_status():
    pulp_result = tiny_topsoil().solve("cbc", method="pulp", time_limit=30)
    assert pulp_result.status == STATUS_OPTIMAL and pulp_result.solver == "COIN_CMD"
    default = tiny_topsoil().solve(method="pulp")
    assert default.solver == "COIN_CMD" and default.objective_yuan == pytest.approx(
        pulp_result.objective_yuan)
    with pytest.raises(InputError, match=r"set them on the PuLP solver object"):
        tiny_topsoil().solve(pulp.HiGHS(msg=False), method="pulp", time_limit=5)


def test_all_fixed_problem_needs_no_solver(monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("the solver ran")

    monkeypatch.setattr(pulp.LpProblem, "solve", must_not_run)
    problem = pulp.LpProblem("fixed", pulp.LpMinimize)
    problem.setObjective(pulp.LpAffineExpression(constant=4.0))
    report = solve_problem(problem, "cbc")
    assert report.is_optimal and report.objective == 4.0 and report.gap == 0.0


def test_topsoil_emd_iteration_limit_is_no_solution(monkeypatch):
    import ot

    def stopped(a, b, m, **kwargs):
        return np.zeros((len(a), len(b))), {
            "result_code": 3, "warning": "numItermax reached before optimality"}

    monkeypatch.setattr(ot, "emd", stopped)
    with pytest.raises(NoSolutionError, match=r"network simplex .* numItermax reached"):
        tiny_topsoil().solve(method="emd")


# --------------------------------------------------------------------------------------
# Import hygiene
# --------------------------------------------------------------------------------------
def test_imports_stay_light_and_acyclic():
    code = (
        "import sys\n"
        "import landsim.optimize.defaults\n"
        "assert 'pulp' not in sys.modules, 'defaults imported pulp'\n"
        "import landsim.optimize.solvers, landsim.optimize.selection\n"
        "bad = [m for m in sys.modules if m.startswith(('landsim.farmland', "
        "'landsim.topsoil', 'matplotlib', 'ipywidgets'))]\n"
        "assert not bad, bad\n"
        "import landsim.farmland.model, landsim.farmland.marxan, landsim.topsoil.model\n"
        "bad = [m for m in sys.modules if m.startswith(('matplotlib', 'ipywidgets'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)



# --------------------------------------------------------------------------------------
# in-process selection arrays, greedy start, auto, CP-SAT scaling (issue 14)
# --------------------------------------------------------------------------------------
def _cover_arrays(seed: int = 2, n: int = 40):
    from scipy import sparse

    from landsim.optimize.milp import SelectionArrays

    rng = np.random.default_rng(seed)
    amount = rng.random((3, n)) * (rng.random((3, n)) < 0.5) * 7.3
    cost = rng.uniform(0.1, 9.9, n) * 1234.567
    target = 0.4 * amount.sum(axis=1)
    arrays = SelectionArrays(cost=cost, matrix=sparse.csr_array(amount), row_lo=target,
                             row_hi=np.full(3, np.inf), n_binary=n, constant=3.25)
    return arrays, amount, cost, target


def test_cpsat_integer_scaling_is_checked_against_the_recomputed_objective():
    from landsim.optimize.milp import cpsat_scaling, solve_arrays

    arrays, amount, cost, target = _cover_arrays()
    scale, coef, error = cpsat_scaling(arrays)
    assert error <= 0.5 * len(cost) / scale
    solved = solve_arrays(arrays, "cpsat", gap=0.0, time_limit=30)
    x = solved.values
    assert (amount @ x >= target - 1e-9).all()  # rounded rows never admit a violation
    assert solved.objective == pytest.approx(cost @ x + 3.25)
    assert abs(coef @ x / scale + 3.25 - solved.objective) <= error + 1e-9
    exact = solve_arrays(arrays, "highs", gap=0.0)
    assert solved.objective == pytest.approx(exact.objective, rel=1e-6)
    assert solved.bound <= exact.objective + 1e-6


def test_greedy_cover_meets_targets_and_the_solver_never_returns_worse():
    from landsim.optimize.heuristic import greedy_cover
    from landsim.optimize.milp import solve_arrays

    arrays, amount, cost, target = _cover_arrays(seed=7)
    x = greedy_cover(cost, amount, target)
    assert (amount @ x >= target * (1 - 1e-9)).all()
    for solver in ("highs", "cpsat", "scip"):
        solved = solve_arrays(arrays, solver, start=x.astype(float), time_limit=10)
        assert solved.objective <= arrays.objective(x.astype(float)) + 1e-6


def test_no_time_left_returns_the_start_as_heuristic():
    import time

    from landsim.optimize.milp import STATUS_HEURISTIC, array_status, solve_arrays

    arrays, amount, cost, target = _cover_arrays()
    start = np.ones(arrays.n_columns)
    solved = solve_arrays(arrays, "highs", start=start, deadline=time.monotonic())
    assert solved.solver == "heuristic" and solved.bound is None and solved.from_start
    assert array_status(solved, 0.005, 1.0) == STATUS_HEURISTIC


def test_auto_picks_a_solver_by_size_and_shape():
    from landsim.optimize.milp import AUTO_CPSAT_MAX_UNITS, pick_solver

    assert pick_solver("auto", 1751, 5000) == "lagrangian"
    assert pick_solver(None, 100_000, 300_000) == "lagrangian"
    assert pick_solver("auto", AUTO_CPSAT_MAX_UNITS, 10) == "cpsat"
    assert pick_solver("SCIP", 10) == "scip"


def test_pulp_models_refuse_the_array_solvers():
    problem = pulp.LpProblem("p", pulp.LpMinimize)
    x = problem.add_variable("x", cat=pulp.LpBinary)
    problem.setObjective(pulp.lpSum([x]))
    with pytest.raises(InputError, match="solver 'cpsat' solves the binary-selection"):
        solve_problem(problem, "cpsat")
    assert solve_problem(problem, "auto").status == "optimal"
