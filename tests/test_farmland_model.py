"""Tests of the canonical PBF layout model (design 5.2): invariants, hand-solved cases,
diagnostics, solver agreement and properties."""

from __future__ import annotations

import dataclasses
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pulp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landsim.errors import InfeasibleError, InputError
from landsim.farmland import (
    FarmlandLayoutModel,
    FarmlandRules,
    LayoutOptions,
    NoSolutionError,
    eligibility,
)
from landsim.optimize import cbc_path, status_label

HAS_HIGHS = pulp.HiGHS(msg=False).available()
requires_highs = pytest.mark.skipif(not HAS_HIGHS, reason="highspy not installed")
SOLVERS = ["cbc", pytest.param("highs", marks=requires_highs)]
TOL = 1e-6


# --------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------
def make_landscape(n: int = 36, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A seeded grid county: parcels of design 5.1 and 4-neighbour edges.

    About 80 % of parcels are cultivated; current PBF sits on cultivated land, a few
    PBF parcels are ineligible (steep, red line, UDB or unstable) and must come out.
    """
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n)))
    row, col = np.divmod(np.arange(n), side)
    cultivated = rng.random(n) < 0.8
    land_class = np.where(cultivated, rng.choice(["0101", "0102", "0103"], n), "0301")
    grade = np.where(cultivated, rng.integers(1, 11, n), np.nan)
    parcels = pd.DataFrame({
        "parcel_id": [f"P{k:04d}" for k in range(n)],
        "township": np.where(col < side / 2, "东镇", "西乡"),
        "land_class": land_class,
        "area_ha": rng.uniform(0.5, 4.0, n).round(3),
        "quality_grade": pd.array(grade, dtype="Float64"),
        "slope_deg": rng.uniform(0.0, 27.0, n).round(1),
        "in_eco_redline": rng.random(n) < 0.04,
        "in_udb": rng.random(n) < 0.04,
        "stable": rng.random(n) > 0.03,
        "is_pbf": cultivated & (rng.random(n) < 0.45),
    })
    right = np.flatnonzero((col < side - 1) & (np.arange(n) + 1 < n))
    down = np.flatnonzero(np.arange(n) + side < n)
    a = np.concatenate([right, down])
    b = np.concatenate([right + 1, down + side])
    ids = parcels["parcel_id"].to_numpy()
    edges = pd.DataFrame({"parcel_a": ids[a], "parcel_b": ids[b],
                          "shared_length_m": rng.uniform(40.0, 160.0, len(a)).round(1)})
    return parcels, edges


@pytest.fixture
def tiny_parcels():
    """Factory fixture: ``tiny_parcels(n, seed) -> (parcels, edges)``."""
    return make_landscape


def line_parcels(grades=(5, 5, 5, 6), pbf=(True, False, True, False)) -> pd.DataFrame:
    """Four 1-ha eligible parcels in a row (edges 0-1, 1-2, 2-3 of 10 m)."""
    n = len(grades)
    return pd.DataFrame({
        "parcel_id": list("abcd")[:n], "township": ["t"] * n, "land_class": ["0101"] * n,
        "area_ha": [1.0] * n, "quality_grade": list(grades), "slope_deg": [1.0] * n,
        "in_eco_redline": [False] * n, "in_udb": [False] * n, "stable": [True] * n,
        "is_pbf": list(pbf),
    })


LINE_EDGES = pd.DataFrame({"parcel_a": ["a", "b", "c"], "parcel_b": ["b", "c", "d"],
                           "shared_length_m": [10.0, 10.0, 10.0]})


def assert_invariants(model: FarmlandLayoutModel, result, parcels: pd.DataFrame,
                      edges: pd.DataFrame | None = None) -> None:
    """Every solved model: rules hold, ineligible never selected, objective recomputed."""
    o = model.options
    layout = result.layout
    assert list(layout.columns) == ["parcel_id", "is_pbf_before", "is_pbf_after", "change"]
    assert layout["parcel_id"].tolist() == parcels["parcel_id"].astype(str).tolist()
    after = layout["is_pbf_after"].to_numpy(bool)
    before = parcels["is_pbf"].to_numpy(bool)
    area = parcels["area_ha"].to_numpy(float)
    grade = pd.to_numeric(parcels["quality_grade"]).to_numpy(float, na_value=np.nan)
    elig = eligibility(parcels, o.rules)["eligible"].to_numpy()
    # binaries are 0/1 within tolerance
    values = model.variable_values()
    assert np.all(np.minimum(np.abs(values), np.abs(values - 1)) <= TOL)
    assert not (after & ~elig).any(), "an ineligible parcel was selected"
    if model.target_ha > 0:
        assert area[after].sum() >= model.target_ha - TOL
    added, removed = area[after & ~before].sum(), area[before & ~after].sum()
    if o.compensation_rule:
        assert added >= o.rules.compensation_ratio * removed - TOL
    if o.quality_rule and before.any():
        g0 = np.average(grade[before & np.isfinite(grade)],
                        weights=area[before & np.isfinite(grade)])
        assert np.average(grade[after], weights=area[after]) <= g0 + TOL
    for township, target in o.township_targets:
        assert area[after & (parcels["township"] == township).to_numpy()].sum() >= target - TOL
    for township in parcels["township"].unique():
        inside = (parcels["township"] == township).to_numpy()
        removed_t = area[inside & before & ~after].sum()
        if o.township_share_rule:
            assert removed_t <= o.rules.township_adjust_share * area[inside & before].sum() + TOL
        if o.per_township_rules and o.compensation_rule:
            added_t = area[inside & after & ~before].sum()
            assert added_t >= o.rules.compensation_ratio * removed_t - TOL
        if o.per_township_rules and o.quality_rule and (inside & before).any():
            g_t = np.average(np.nan_to_num(grade[inside & before]),
                             weights=area[inside & before])
            if (inside & after).any():
                assert np.average(grade[inside & after], weights=area[inside & after]) <= (
                    g_t + TOL)
    ids = parcels["parcel_id"].astype(str)
    assert o.boundary_weight == 0 or edges is not None or len(model._arrays.edge_i) == 0
    assert after[ids.isin(o.locked_in).to_numpy()].all()
    assert not after[ids.isin(o.locked_out).to_numpy()].any()
    # objective equals the design 5.2 formula recomputed here, independently of the model
    quality = np.where(after, area * np.nan_to_num(grade), 0).sum()
    objective = quality + o.stability_weight * area[after != before].sum()
    if o.boundary_weight > 0 and edges is not None:
        pos = pd.Index(ids)
        a, b = pos.get_indexer(edges["parcel_a"]), pos.get_indexer(edges["parcel_b"])
        cut = edges["shared_length_m"].to_numpy(float)[after[a] != after[b]].sum()
        objective += o.boundary_weight * cut
    assert result.objective == pytest.approx(objective, rel=1e-9, abs=1e-9)
    assert result.solver_objective == pytest.approx(result.objective, rel=1e-7, abs=1e-6)
    expected_change = np.select([before & after, ~before & after, before & ~after],
                                ["kept", "added", "removed"], "none")
    assert layout["change"].astype(str).tolist() == expected_change.tolist()
    if result.best_bound is not None:
        assert result.best_bound <= result.objective + 1e-6 * max(1, abs(result.objective))


def _rules_kwargs(parcels: pd.DataFrame) -> dict:
    """Options that turn every rule on for a random landscape."""
    before = parcels.loc[parcels["is_pbf"], "area_ha"].sum()
    return {"target_ha": 0.9 * before, "boundary_weight": 0.02, "stability_weight": 0.5,
            "locked_in": [], "locked_out": []}


# --------------------------------------------------------------------------------------
# Hand-solvable cases
# --------------------------------------------------------------------------------------
def test_doc_example_known_optimum():
    parcels = pd.DataFrame({
        "parcel_id": ["a", "b", "c"], "township": ["t1"] * 3,
        "land_class": ["0101", "0101", "0103"], "area_ha": [1.0, 1.0, 2.0],
        "quality_grade": [3, 2, 2], "slope_deg": [2.0, 30.0, 3.0],
        "in_eco_redline": [False] * 3, "in_udb": [False] * 3, "stable": [True] * 3,
        "is_pbf": [True, True, False]})
    model = FarmlandLayoutModel.from_parcels(parcels, target_ha=2.0)
    result = model.solve()
    # b is too steep and must go; c alone (2 ha) fails 105 % (2 < 1.05 x 2), so a + c.
    assert result.layout["change"].tolist() == ["kept", "removed", "added"]
    assert result.objective == pytest.approx(1 * 3 + 2 * 2)
    assert result.status == "optimal" and result.is_optimal
    assert (result.added_ha, result.removed_ha) == (2.0, 1.0)
    assert_invariants(model, result, parcels)


@pytest.mark.parametrize("solver", SOLVERS)
def test_boundary_weight_prefers_contiguous_block(solver):
    parcels = line_parcels()
    model = FarmlandLayoutModel.from_parcels(parcels, LINE_EDGES, boundary_weight=1.0,
                                             compensation_rule=False)
    result = model.solve(solver)
    # {a,b}: grades 5+5 plus one cut edge of 10 m = 20; {c,d} = 21; current {a,c} = 40.
    assert result.layout["is_pbf_after"].tolist() == [True, True, False, False]
    assert result.objective == pytest.approx(20.0)
    assert result.objective_terms["cut_boundary_m"] == pytest.approx(10.0)
    assert_invariants(model, result, parcels, LINE_EDGES)


def test_stability_weight_keeps_current_layout():
    parcels = line_parcels()
    model = FarmlandLayoutModel.from_parcels(parcels, LINE_EDGES, boundary_weight=1.0,
                                             compensation_rule=False, stability_weight=100.0)
    result = model.solve()
    assert result.layout["change"].tolist() == ["kept", "none", "kept", "none"]
    assert result.objective == pytest.approx(10.0 + 30.0)


def test_locks_change_the_optimum():
    parcels = line_parcels()
    kwargs = {"boundary_weight": 1.0, "compensation_rule": False, "quality_rule": False}
    out_a = FarmlandLayoutModel.from_parcels(parcels, LINE_EDGES, locked_out=["a"], **kwargs)
    assert out_a.solve().layout["is_pbf_after"].tolist() == [False, False, True, True]
    both = FarmlandLayoutModel.from_parcels(parcels, LINE_EDGES, locked_out=["a"],
                                            locked_in=["b"], **kwargs)
    result = both.solve()
    # {b,c,d}: grades 5+5+6 plus the cut a-b (10 m) = 26 beats {b,c}: 10 + 20 = 30
    assert result.layout["is_pbf_after"].tolist() == [False, True, True, True]
    assert result.objective == pytest.approx(26.0)
    assert_invariants(both, result, parcels, LINE_EDGES)


def test_township_target_and_share_rule():
    parcels = pd.DataFrame({
        "parcel_id": ["a1", "a2", "b1", "b2"], "township": ["A", "A", "B", "B"],
        "land_class": ["0101"] * 4, "area_ha": [10.0, 11.0, 10.0, 0.4],
        "quality_grade": [9, 1, 5, 1], "slope_deg": [0.0] * 4,
        "in_eco_redline": [False] * 4, "in_udb": [False] * 4, "stable": [True] * 4,
        "is_pbf": [True, False, True, False]})
    # free: swap a1 (grade 9) for a2 (grade 1, 11 ha >= 1.05 x 10 ha): cost 11 + 50
    free_model = FarmlandLayoutModel.from_parcels(parcels)
    free = free_model.solve()
    assert free.layout["change"].tolist() == ["removed", "added", "kept", "none"]
    assert free.objective == pytest.approx(61.0)
    assert_invariants(free_model, free, parcels)
    # a 5 % cap allows 0.5 ha of A's 10 ha of PBF to leave: the swap no longer fits
    capped_model = FarmlandLayoutModel.from_parcels(parcels, township_share_rule=True)
    capped = capped_model.solve()
    assert capped.layout["change"].tolist() == ["kept", "none", "kept", "none"]
    assert_invariants(capped_model, capped, parcels)
    # only B must hold 10 ha: b1 alone is the cheapest way
    target_model = FarmlandLayoutModel.from_parcels(
        parcels, target_ha=0, compensation_rule=False, township_targets={"B": 10.0})
    targeted = target_model.solve()
    assert targeted.layout["is_pbf_after"].tolist() == [False, False, True, False]
    assert_invariants(target_model, targeted, parcels)


def test_compensation_rule_forces_extra_area():
    # 'a' is in the red line and must come out (1 ha); 1.05 ha must be added.
    parcels = pd.DataFrame({
        "parcel_id": ["a", "b", "c", "d"], "township": ["t"] * 4, "land_class": ["0101"] * 4,
        "area_ha": [1.0, 1.0, 0.5, 0.6], "quality_grade": [3, 3, 3, 3],
        "slope_deg": [0.0] * 4, "in_eco_redline": [True, False, False, False],
        "in_udb": [False] * 4, "stable": [True] * 4, "is_pbf": [True, False, False, False]})
    on = FarmlandLayoutModel.from_parcels(parcels, target_ha=0.0).solve()
    # c + d (1.1 ha, cost 3.3) is the cheapest set of at least 1.05 ha
    assert on.layout["change"].tolist() == ["removed", "none", "added", "added"]
    assert on.added_ha == pytest.approx(1.1)
    off = FarmlandLayoutModel.from_parcels(parcels, target_ha=0.0,
                                           compensation_rule=False).solve()
    assert off.layout["change"].tolist() == ["removed", "none", "none", "none"]
    assert off.objective == 0.0


def test_quality_rule_void_without_graded_pbf():
    parcels = line_parcels(pbf=(False, False, False, False))
    parcels.loc[0, ["land_class", "quality_grade", "is_pbf"]] = ["0301", np.nan, True]
    result = FarmlandLayoutModel.from_parcels(parcels, target_ha=1.0).solve()
    # a (orchard, no grade) must go; 1.05 ha needs two parcels: the two grade-5 ones
    assert result.layout["change"].tolist() == ["removed", "added", "added", "none"]
    assert np.isnan(result.mean_grade_before)


def test_all_parcels_fixed_needs_no_solver():
    parcels = line_parcels(pbf=(True, True, False, False))
    model = FarmlandLayoutModel.from_parcels(parcels, locked_in=["a", "b"],
                                             locked_out=["c", "d"])
    result = model.solve()
    assert result.status == "optimal"
    assert result.objective == pytest.approx(10.0)


# --------------------------------------------------------------------------------------
# Invariants on random landscapes with every rule on
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_invariants_random_landscapes(tiny_parcels, solver, seed):
    parcels, edges = tiny_parcels(49, seed)
    kwargs = _rules_kwargs(parcels)
    eligible = eligibility(parcels)["eligible"].to_numpy()
    ids = parcels["parcel_id"].to_numpy()
    kwargs["locked_in"] = list(ids[eligible & parcels["is_pbf"].to_numpy()][:1])
    kwargs["locked_out"] = list(ids[eligible & ~parcels["is_pbf"].to_numpy()][:1])
    kwargs["township_targets"] = {"东镇": 0.2 * kwargs["target_ha"]}
    model = FarmlandLayoutModel.from_parcels(parcels, edges, **kwargs)
    result = model.solve(solver, gap=0.0)
    assert result.status == "optimal"
    assert result.gap == pytest.approx(0.0, abs=1e-6)
    assert_invariants(model, result, parcels, edges)


@requires_highs
@pytest.mark.parametrize("seed", [3, 4, 5])
def test_cbc_and_highs_agree(tiny_parcels, seed):
    parcels, edges = tiny_parcels(64, seed)
    kwargs = {"boundary_weight": 0.03, "stability_weight": 0.2}
    objectives = {}
    for solver in ("cbc", "highs"):
        model = FarmlandLayoutModel.from_parcels(parcels, edges, **kwargs)
        result = model.solve(solver, gap=0.0)
        assert_invariants(model, result, parcels, edges)
        objectives[solver] = result.objective
    assert objectives["cbc"] == pytest.approx(objectives["highs"], rel=1e-7)


def test_from_arrays_matches_from_parcels(tiny_parcels):
    parcels, edges = tiny_parcels(30, 7)
    via_table = FarmlandLayoutModel.from_parcels(parcels, edges, boundary_weight=0.05).solve()
    ids = pd.Index(parcels["parcel_id"])
    model = FarmlandLayoutModel.from_arrays(
        parcels["parcel_id"], parcels["area_ha"], parcels["quality_grade"],
        parcels["is_pbf"], eligibility(parcels)["eligible"], township=parcels["township"],
        edge_i=ids.get_indexer(edges["parcel_b"]), edge_j=ids.get_indexer(edges["parcel_a"]),
        shared_length_m=edges["shared_length_m"], boundary_weight=0.05)
    via_arrays = model.solve()
    assert via_arrays.objective == pytest.approx(via_table.objective)
    pd.testing.assert_frame_equal(via_arrays.layout, via_table.layout)


def test_build_is_deterministic(tiny_parcels, tmp_path):
    parcels, edges = tiny_parcels(25, 8)
    texts = []
    for k in range(2):
        model = FarmlandLayoutModel.from_parcels(parcels, edges, boundary_weight=0.1)
        texts.append(model.write_lp(tmp_path / f"m{k}.lp").read_text())
    assert texts[0] == texts[1]
    assert "x_P0000" in texts[0] and "quantity" in texts[0]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_initial_layout_is_feasible_and_warm_start_keeps_optimum(tiny_parcels, seed):
    parcels, edges = tiny_parcels(64, seed)
    model = FarmlandLayoutModel.from_parcels(parcels, edges, boundary_weight=0.05)
    start = model.initial_layout()
    assert model.violations(start) == []
    cold = model.solve("cbc")
    warm = model.solve("cbc", warm_start=True)
    assert warm.objective == pytest.approx(cold.objective, rel=1e-9)
    assert warm.objective <= model.objective_value(start) + 1e-9
    assert_invariants(model, warm, parcels, edges)


def test_violations_names_broken_rules():
    parcels = line_parcels(grades=(1, 1, 9, 9), pbf=(True, True, False, False))
    model = FarmlandLayoutModel.from_parcels(parcels)
    assert model.violations(np.array([True, True, False, False])) == []
    assert model.violations(np.array([False, False, True, True])) == ["compensation",
                                                                       "quality"]
    assert model.violations(np.array([True, False, False, False])) == ["quantity",
                                                                        "compensation"]


def test_result_is_frozen():
    result = FarmlandLayoutModel.from_parcels(line_parcels()).solve()
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.status = "x"  # type: ignore[misc]
    assert set(result.summary()) >= {"status", "objective", "gap", "solver", "solve_seconds",
                                     "target_ha", "area_before_ha", "area_after_ha",
                                     "added_ha", "removed_ha", "mean_grade_before",
                                     "mean_grade_after"}


# --------------------------------------------------------------------------------------
# Status under limits
# --------------------------------------------------------------------------------------
def test_node_limited_cbc_is_not_called_optimal(tiny_parcels):
    parcels, edges = tiny_parcels(3600, 5)
    model = FarmlandLayoutModel.from_parcels(parcels, edges, boundary_weight=0.2)
    result = model.solve("cbc", maxNodes=0)
    assert result.status == "feasible (stopped early)"
    assert not result.is_optimal
    assert result.gap is not None and result.gap > 0
    assert_invariants(model, result, parcels, edges)


@pytest.mark.parametrize(("status", "sol_status", "time_limit", "gap", "expected"), [
    (pulp.LpStatusOptimal, pulp.LpSolutionOptimal, None, None, "optimal"),
    (pulp.LpStatusOptimal, pulp.LpSolutionOptimal, 10, 0.01, "optimal (relative gap <= 0.01)"),
    # PuLP reports a time-limited incumbent with status "Optimal": sol_status tells.
    (pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible, 10, None, "feasible (time limit)"),
    (pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible, None, None,
     "feasible (stopped early)"),
])
def test_status_label(status, sol_status, time_limit, gap, expected):
    problem = SimpleNamespace(status=status, sol_status=sol_status)
    assert status_label(problem, time_limit, gap) == expected


def test_time_limit_without_solution_raises(tiny_parcels, monkeypatch):
    parcels, edges = tiny_parcels(25, 1)
    model = FarmlandLayoutModel.from_parcels(parcels, edges)

    def fake_solve(solver):
        model.problem.assignStatus(pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound)

    monkeypatch.setattr(model.problem, "solve", fake_solve)
    with pytest.raises(NoSolutionError, match=r"no feasible layout within the time limit of 5 s"):
        model.solve(time_limit=5)


# --------------------------------------------------------------------------------------
# Diagnostics
# --------------------------------------------------------------------------------------
def test_diagnostic_quantity():
    parcels = line_parcels()
    model = FarmlandLayoutModel.from_parcels(parcels, target_ha=9.0)
    with pytest.raises(InfeasibleError, match=re.escape(
            "quantity: eligible area 4.0 ha (60.0 mu) < target 9.0 ha (135.0 mu)")):
        model.solve()


def test_diagnostic_compensation():
    parcels = line_parcels(pbf=(True, True, True, False))
    parcels["slope_deg"] = [30.0, 30.0, 1.0, 1.0]  # a and b must come out (2 ha)
    model = FarmlandLayoutModel.from_parcels(parcels, target_ha=0)
    with pytest.raises(InfeasibleError, match=re.escape(
            "compensation: 2.0 ha (30.0 mu) of current PBF is ineligible or locked out and "
            "must be removed, so at least 1.05 x that = 2.1 ha (31.5 mu) must be added, but "
            "only 1.0 ha (15.0 mu) of eligible non-PBF land exists")):
        model.diagnose()


def test_diagnostic_township_target():
    parcels = line_parcels()
    model = FarmlandLayoutModel.from_parcels(parcels, township_targets={"t": 5.0})
    with pytest.raises(InfeasibleError, match=r"township target t: eligible area 4\.0 ha "
                       r"\(60\.0 mu\) < target 5\.0 ha \(75\.0 mu\)"):
        model.solve()


def test_diagnostic_quality():
    parcels = line_parcels(grades=(1, 1, 9, 9), pbf=(True, False, False, False))
    model = FarmlandLayoutModel.from_parcels(parcels, target_ha=3.0)
    with pytest.raises(InfeasibleError, match=r"quality: even the best-grade eligible land "
                       r"reaching the target \(3\.0 ha \(45\.0 mu\)\) has mean grade 3\.667 > "
                       r"1\.000 before"):
        model.solve()


def test_diagnostic_locked_both_ways():
    model = FarmlandLayoutModel.from_parcels(line_parcels(), locked_in=["a", "b"],
                                             locked_out=["b"])
    with pytest.raises(InfeasibleError, match=r"locks: 1 parcel\(s\) are locked both in and "
                       r"out \(b\)"):
        model.solve()


def test_diagnostic_locked_in_ineligible():
    parcels = line_parcels()
    parcels.loc[1, "in_udb"] = True
    model = FarmlandLayoutModel.from_parcels(parcels, locked_in=["b"])
    with pytest.raises(InfeasibleError, match=r"locks: 1 locked-in parcel\(s\) are not "
                       r"eligible .*: b, 1\.0 ha \(15\.0 mu\)"):
        model.diagnose()


def test_diagnostic_township_share():
    parcels = line_parcels(pbf=(True, True, True, True))
    parcels.loc[0, "in_eco_redline"] = True  # 1 ha of 4 ha must go: 25 % > 5 %
    model = FarmlandLayoutModel.from_parcels(parcels, target_ha=0, compensation_rule=False,
                                             township_share_rule=True)
    with pytest.raises(InfeasibleError, match=r"township cap t: 1\.0 ha \(15\.0 mu\) of PBF "
                       r"\(25\.0%\) must be removed .* at most 5% of the township's PBF = "
                       r"0\.2 ha \(3\.0 mu\) may be \(over by 0\.8 ha \(12\.0 mu\)\)"):
        model.solve()


def test_solver_infeasible_names_active_rules():
    # Each rule passes its own pre-check, but B's target forces grade-9 land in, which
    # breaks the quality rule, and dropping a1 would break the 105 % rule.
    parcels = pd.DataFrame({
        "parcel_id": ["a1", "b1"], "township": ["A", "B"], "land_class": ["0101", "0101"],
        "area_ha": [1.0, 1.0], "quality_grade": [2, 9], "slope_deg": [0.0, 0.0],
        "in_eco_redline": [False] * 2, "in_udb": [False] * 2, "stable": [True] * 2,
        "is_pbf": [True, False]})
    model = FarmlandLayoutModel.from_parcels(parcels, township_targets={"B": 1.0})
    model.diagnose()
    with pytest.raises(InfeasibleError, match=r"solver proved the layout infeasible.*Active "
                       r"rules: quantity .*compensation .*quality .*township targets"):
        model.solve("cbc")


# --------------------------------------------------------------------------------------
# Input errors
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("mutate", "match"), [
    (lambda p: p.assign(parcel_id=["a", "a", "c", "d"]), r"parcel_id must be unique; repeated: a"),
    (lambda p: p.assign(area_ha=[1.0, -1.0, 1.0, 1.0]), r"area_ha must be a number > 0"),
    (lambda p: p.assign(quality_grade=[1.0, np.nan, 1.0, 1.0]),
     r"quality_grade must be 1\.\.10 for eligible .* b"),
    (lambda p: p.drop(columns="is_pbf"), r"missing column\(s\) is_pbf"),
    (lambda p: p.assign(in_udb=["yes", "no", "maybe", "no"]),
     r"column in_udb has values that are not booleans"),
])
def test_malformed_parcels(mutate, match):
    with pytest.raises(InputError, match=match):
        FarmlandLayoutModel.from_parcels(mutate(line_parcels()))


@pytest.mark.parametrize(("edges", "match"), [
    (pd.DataFrame({"parcel_a": ["a"], "parcel_b": ["zz"], "shared_length_m": [1.0]}),
     r"name parcel ids not in parcels \(zz\)"),
    (pd.DataFrame({"parcel_a": ["a", "b"], "parcel_b": ["b", "a"], "shared_length_m": [1, 1]}),
     r"same pair of parcels more than once \(a-b\)"),
    (pd.DataFrame({"parcel_a": ["a"], "parcel_b": ["a"], "shared_length_m": [1.0]}),
     r"join a parcel to itself: a"),
    (pd.DataFrame({"parcel_a": ["a"], "parcel_b": ["b"], "shared_length_m": [-3.0]}),
     r"shared_length_m must be a number >= 0"),
])
def test_malformed_edges(edges, match):
    with pytest.raises(InputError, match=match):
        FarmlandLayoutModel.from_parcels(line_parcels(), edges)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"locked_in": ["zz"]}, r"locked_in: unknown parcel ids zz"),
    ({"township_targets": {"nowhere": 1.0}}, r"township_targets: unknown townships nowhere"),
    ({"boundary_weight": -1.0}, r"boundary_weight must be a finite number >= 0"),
    ({"rules": None, "target_ha": float("nan")}, r"target_ha must be a finite number >= 0"),
])
def test_bad_options(kwargs, match):
    with pytest.raises(InputError, match=match):
        FarmlandLayoutModel.from_parcels(line_parcels(), **kwargs)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"max_slope_deg": 95}, r"max_slope_deg = 95 \[degree\] is out of range; allowed 0 to 90"),
    ({"compensation_ratio": -1}, r"compensation_ratio = -1 \[ratio\] is out of range"),
    ({"compensation_ratio": float("inf")}, r"compensation_ratio = inf \[ratio\] is not a finite"),
    ({"township_adjust_share": 1.5}, r"township_adjust_share = 1.5 \[fraction\] is out of range"),
])
def test_bad_rules(kwargs, match):
    with pytest.raises(InputError, match=match):
        FarmlandRules(**kwargs)


def test_unknown_solver_and_missing_highs(monkeypatch):
    model = FarmlandLayoutModel.from_parcels(line_parcels())
    with pytest.raises(InputError, match=r"unknown solver 'gurobi'; use 'auto', 'cbc', 'highs'"):
        model.solve("gurobi")
    monkeypatch.setattr(pulp.HiGHS, "available", lambda self: False)
    with pytest.raises(InputError, match=r"needs the highspy package.*pip install highspy"):
        model.solve("highs")


def test_solver_object_and_options_conflict():
    model = FarmlandLayoutModel.from_parcels(line_parcels())
    solver = pulp.COIN_CMD(path=cbc_path(), msg=False)
    assert model.solve(solver).status == "optimal"
    with pytest.raises(InputError, match=r"set them on the PuLP solver object"):
        model.solve(solver, time_limit=5)


def test_eligibility_criteria():
    parcels = line_parcels()
    parcels["land_class"] = ["0101", "0301", "0103", "0102"]
    parcels["slope_deg"] = [25.0, 1.0, 25.5, 1.0]
    parcels["stable"] = [True, True, True, False]
    table = eligibility(parcels)
    assert table["cultivated"].tolist() == [True, False, True, True]
    assert table["slope_ok"].tolist() == [True, True, False, True]
    assert table["eligible"].tolist() == [True, False, False, False]
    steep_ok = eligibility(parcels, FarmlandRules(max_slope_deg=30))
    assert steep_ok["eligible"].tolist() == [True, False, True, False]


def test_options_are_sorted_and_frozen():
    options = LayoutOptions.from_kwargs(locked_in={"b", "a"},
                                        township_targets={"z": 1, "a": 2})
    assert options.locked_in == ("a", "b")
    assert options.township_targets == (("a", 2.0), ("z", 1.0))
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.boundary_weight = 1.0  # type: ignore[misc]


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------
PROPERTY_SETTINGS = settings(max_examples=12, deadline=None, derandomize=True,
                             suppress_health_check=[HealthCheck.too_slow])


def _optimum(parcels, edges, **kwargs) -> float:
    solver = "highs" if HAS_HIGHS else "cbc"
    return FarmlandLayoutModel.from_parcels(parcels, edges, **kwargs).solve(
        solver, gap=0.0).objective


@PROPERTY_SETTINGS
@given(seed=st.integers(0, 10_000), perm_seed=st.integers(0, 10_000),
       weight=st.sampled_from([0.0, 0.02, 0.1]))
def test_relabelling_leaves_optimum_unchanged(seed, perm_seed, weight):
    parcels, edges = make_landscape(30, seed)
    rng = np.random.default_rng(perm_seed)
    order = rng.permutation(len(parcels))
    new_ids = {old: f"Q{k:03d}" for k, old in enumerate(rng.permutation(parcels["parcel_id"]))}
    relabelled = parcels.iloc[order].reset_index(drop=True)
    relabelled["parcel_id"] = relabelled["parcel_id"].map(new_ids)
    swapped = edges.rename(columns={"parcel_a": "parcel_b", "parcel_b": "parcel_a"})
    swapped = swapped.iloc[rng.permutation(len(edges))]
    swapped[["parcel_a", "parcel_b"]] = swapped[["parcel_a", "parcel_b"]].apply(
        lambda col: col.map(new_ids))
    try:
        expected = _optimum(parcels, edges, boundary_weight=weight)
    except InfeasibleError as exc:
        with pytest.raises(InfeasibleError, match=re.escape(str(exc).split(":")[0])):
            _optimum(relabelled, swapped, boundary_weight=weight)
        return
    assert _optimum(relabelled, swapped, boundary_weight=weight) == pytest.approx(
        expected, rel=1e-7)


@PROPERTY_SETTINGS
@given(seed=st.integers(0, 10_000), low=st.floats(0.3, 0.8), extra=st.floats(0.0, 0.3))
def test_tighter_target_never_improves(seed, low, extra):
    parcels, edges = make_landscape(30, seed)
    before = parcels.loc[parcels["is_pbf"], "area_ha"].sum()
    kwargs = {"boundary_weight": 0.05, "quality_rule": False}
    loose = _optimum(parcels, edges, target_ha=low * before, **kwargs)
    try:
        tight = _optimum(parcels, edges, target_ha=(low + extra) * before, **kwargs)
    except InfeasibleError:
        return  # a tighter target may become infeasible, which is no improvement either
    assert tight >= loose - 1e-6 * max(1.0, abs(loose))


@PROPERTY_SETTINGS
@given(seed=st.integers(0, 10_000), scale=st.sampled_from([0.5, 2.0, 15.0]))
def test_scaling_area_scales_quality_objective(seed, scale):
    parcels, edges = make_landscape(30, seed)
    scaled = parcels.assign(area_ha=parcels["area_ha"] * scale)
    try:
        base = _optimum(parcels, edges, stability_weight=0.3)
    except InfeasibleError:
        return
    assert _optimum(scaled, edges, stability_weight=0.3) == pytest.approx(scale * base,
                                                                          rel=1e-7)


# --------------------------------------------------------------------------------------
# in-process solvers on the selection arrays (issue 14)
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("solver", ["auto", "cpsat", "scip"])
@pytest.mark.parametrize("seed", [0, 1])
def test_in_process_solvers_agree_with_cbc_and_keep_every_rule(tiny_parcels, solver, seed):
    parcels, edges = tiny_parcels(49, seed)
    kwargs = _rules_kwargs(parcels)
    kwargs["township_targets"] = {"东镇": 0.2 * kwargs["target_ha"]}
    exact = FarmlandLayoutModel.from_parcels(parcels, edges, **kwargs).solve("cbc", gap=0.0)
    model = FarmlandLayoutModel.from_parcels(parcels, edges, **kwargs)
    result = model.solve(solver, gap=0.0, time_limit=120)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(exact.objective, rel=1e-6)
    assert result.solver_objective == pytest.approx(result.objective, rel=1e-9)
    after = result.layout["is_pbf_after"].to_numpy(bool)
    assert model.violations(after) == []
    assert not (after & ~eligibility(parcels)["eligible"].to_numpy()).any()
    if result.heuristic_objective is not None:
        assert result.objective <= result.heuristic_objective + TOL
        assert result.trace[0]["incumbent"] == pytest.approx(result.heuristic_objective)


def test_in_process_with_no_time_left_returns_the_heuristic_layout(tiny_parcels):
    import time

    parcels, edges = tiny_parcels(49, 0)
    model = FarmlandLayoutModel.from_parcels(parcels, edges, boundary_weight=0.02)
    start = model.initial_layout()
    assert model.violations(start) == []
    result = model.solve("auto", deadline=time.monotonic() - 1)
    assert result.status == "heuristic (no solver time left)" and result.gap is None
    assert result.objective == pytest.approx(model.objective_value(start))
    assert result.summary()["trace"]
