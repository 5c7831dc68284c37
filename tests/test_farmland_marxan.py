"""Marxan interoperability: reading, exact minimum-set solving, outputs, CLI.

Optima of the hand-written datasets in ``tests/data/marxan/`` are checked against brute
force enumeration of every subset of planning units.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from landsim.cli.farmland import register as register_farmland
from landsim.errors import InfeasibleError, InputError, NoSolutionError
from landsim.farmland.marxan import (
    OUTPUT_FILES,
    MarxanMinSetModel,
    MarxanProblem,
    read_marxan,
    write_marxan_outputs,
)

DATA = Path(__file__).parent / "data" / "marxan"
DATASETS = ("comma_prop", "tab_locked", "space_nobound")
TASMANIA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "marxan-tasmania"


# --------------------------------------------------------------------------------------
# helpers and fixtures
# --------------------------------------------------------------------------------------
def brute_force(p: MarxanProblem) -> tuple[float, np.ndarray]:
    """Best score over every subset respecting status 2/3 and all targets."""
    n = p.n_units
    amount = p.amount.toarray()
    best, best_x = np.inf, None
    for bits in itertools.product((False, True), repeat=n):
        x = np.array(bits)
        if (x & (p.status == 3)).any() or (~x & (p.status == 2)).any():
            continue
        held = amount @ x
        if (held < p.target - 1e-9).any():
            continue
        if ((amount > 0).astype(int) @ x < p.targetocc).any():
            continue
        cut = sum(length for i, j, length in zip(p.edge_i, p.edge_j, p.edge_length,
                                                 strict=True) if x[i] != x[j])
        score = p.cost[x].sum() + p.blm * (p.fixed_boundary[x].sum() + cut)
        if score < best - 1e-9:
            best, best_x = score, x
    assert best_x is not None
    return float(best), best_x


@pytest.fixture
def copy_dataset(tmp_path):
    """Factory: copy a test dataset into tmp_path so a test may corrupt it."""

    def make(name: str = "comma_prop") -> Path:
        target = tmp_path / name
        shutil.copytree(DATA / name, target)
        return target

    return make


def raises_input(match: str):
    return pytest.raises(InputError, match=match)


def _rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


# --------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------
def test_read_comma_prop_targets_and_fixed_boundary():
    p = read_marxan(DATA / "comma_prop")
    assert p.n_units == 8 and p.n_features == 3
    assert p.blm == 0.5
    np.testing.assert_allclose(p.total_amount, [25, 20, 7])
    np.testing.assert_allclose(p.target, [12.5, 8.0, 2.1])
    np.testing.assert_allclose(p.prop, [0.5, 0.4, 0.3])
    np.testing.assert_allclose(p.fixed_boundary, [2, 1, 1, 2, 2, 1, 1, 2])
    assert len(p.edge_i) == 10 and (p.edge_i < p.edge_j).all()
    assert list(p.feature_name) == ["heath", "wetland", "orchid"]
    # every unit of a 2 x 4 grid of unit squares: perimeter of the whole grid is 12
    assert p.boundary(np.ones(8, bool)) == pytest.approx(12.0)
    assert p.boundary(np.eye(8, dtype=bool)[0]) == pytest.approx(4.0)


def test_read_tab_locked_statuses():
    p = read_marxan(DATA / "tab_locked")
    assert p.pu_id.tolist() == [10, 20, 30, 40, 50, 60, 70]
    assert p.status.tolist() == [0, 1, 2, 0, 3, 0, 1]
    np.testing.assert_allclose(p.target, [12, 7])
    np.testing.assert_allclose(p.fixed_boundary, [3, 0, 0, 0, 0, 0, 4])


def test_read_space_defaults():
    p = read_marxan(DATA / "space_nobound")
    assert p.status.tolist() == [0] * 6  # no status column: 0
    assert p.blm == 0.0 and not p.has_boundary and len(p.edge_i) == 0
    assert list(p.feature_name) == ["7", "8"]
    np.testing.assert_allclose(p.targetocc, [0, 2])


def test_read_accepts_input_dat_path():
    p = read_marxan(DATA / "tab_locked" / "input.dat")
    assert p.n_units == 7


def test_pu_cost_defaults_to_one(copy_dataset):
    root = copy_dataset("space_nobound")
    (root / "pu.dat").write_text("id\n1\n2\n3\n4\n5\n6\n")
    assert read_marxan(root).cost.tolist() == [1.0] * 6


def test_missing_bound_file_warns_and_drops_boundary(copy_dataset):
    root = copy_dataset("comma_prop")
    (root / "input" / "bound.dat").unlink()
    with pytest.warns(UserWarning, match="boundary file named by BOUNDNAME not found"):
        p = read_marxan(root)
    assert not p.has_boundary and p.boundary(np.ones(8, bool)) == 0


def test_headerless_bound_read_by_position(copy_dataset):
    root = copy_dataset("comma_prop")
    path = root / "input" / "bound.dat"
    path.write_text("\n".join(path.read_text().splitlines()[1:]) + "\n")
    np.testing.assert_allclose(read_marxan(root).fixed_boundary,
                               read_marxan(DATA / "comma_prop").fixed_boundary)


# --------------------------------------------------------------------------------------
# malformed input: one message each, naming file, column, line and fix
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("key", "match"), [
    ("PUNAME pu.dat", r"input\.dat: missing entry PUNAME .*Fix: add lines"),
    ("INPUTDIR input", r"missing entry INPUTDIR"),
    ("PUVSPRNAME puvspr.dat", r"missing entry PUVSPRNAME"),
])
def test_missing_input_dat_entry(copy_dataset, key, match):
    root = copy_dataset()
    _rewrite(root / "input.dat", key, "")
    with raises_input(match):
        read_marxan(root)


def test_missing_input_dat(tmp_path):
    with raises_input(r"input\.dat: Marxan input file not found"):
        read_marxan(tmp_path)


def test_missing_named_file(copy_dataset):
    root = copy_dataset()
    (root / "input" / "spec.dat").unlink()
    with raises_input(r"spec\.dat: file named by SPECNAME in input\.dat not found"):
        read_marxan(root)


def test_unknown_pu_in_puvspr(copy_dataset):
    root = copy_dataset()
    _rewrite(root / "input" / "puvspr.dat", "3,8,1", "3,99,1")
    with raises_input(r"puvspr\.dat \(PUVSPRNAME\): column 'pu', line 13: id 99 is not in "
                      r"pu\.dat .*Fix: drop those rows"):
        read_marxan(root)


def test_unknown_species_in_puvspr(copy_dataset):
    root = copy_dataset()
    _rewrite(root / "input" / "puvspr.dat", "2,3,6", "5,3,6")
    with raises_input(r"column 'species', line 6: id 5 is not in spec\.dat"):
        read_marxan(root)


def test_unknown_id_in_bound(copy_dataset):
    root = copy_dataset()
    _rewrite(root / "input" / "bound.dat", "4,8,1", "4,80,1")
    with raises_input(r"bound\.dat \(BOUNDNAME\): column 'id2', line 19: id 80 is not in"):
        read_marxan(root)


def test_negative_amount(copy_dataset):
    root = copy_dataset()
    _rewrite(root / "input" / "puvspr.dat", "1,2,5", "1,2,-5")
    with raises_input(r"column 'amount', line 3: '-5' is not a number >= 0"):
        read_marxan(root)


def test_negative_boundary(copy_dataset):
    root = copy_dataset()
    _rewrite(root / "input" / "bound.dat", "1,2,1", "1,2,-1")
    with raises_input(r"column 'boundary', line 10: '-1' is not a number >= 0"):
        read_marxan(root)


def test_non_numeric_cost(copy_dataset):
    root = copy_dataset()
    _rewrite(root / "input" / "pu.dat", "3,5,0", "3,five,0")
    with raises_input(r"pu\.dat \(PUNAME\): column 'cost', line 4: 'five' is not a number"
                      r".*Fix: correct the cell"):
        read_marxan(root)


def test_bad_status(copy_dataset):
    root = copy_dataset()
    _rewrite(root / "input" / "pu.dat", "3,5,0", "3,5,7")
    with raises_input(r"column 'status', line 4: 7 is not a Marxan status"):
        read_marxan(root)


def test_ragged_row(copy_dataset):
    root = copy_dataset()
    _rewrite(root / "input" / "spec.dat", "2,0.4,10,wetland", "2,0.4,wetland")
    with raises_input(r"spec\.dat \(SPECNAME\): line 3 has 3 field\(s\) but the header has 4"):
        read_marxan(root)


def test_duplicate_pu_id(copy_dataset):
    root = copy_dataset()
    _rewrite(root / "input" / "pu.dat", "3,5,0", "2,5,0")
    with raises_input(r"column 'id' repeats id\(s\) 2 \(lines 3, 4\)"):
        read_marxan(root)


# --------------------------------------------------------------------------------------
# solving: brute force, solver agreement, invariants
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_optimum_matches_brute_force(name, solver):
    p = read_marxan(DATA / name)
    expected, _ = brute_force(p)
    result = MarxanMinSetModel.from_problem(p).solve(solver)
    assert result.status == "optimal" and result.is_optimal
    assert result.score == pytest.approx(expected, abs=1e-7)
    assert result.solver_objective == pytest.approx(result.score, abs=1e-6)
    assert result.gap == pytest.approx(0.0, abs=1e-9)
    _check_invariants(p, result)


@pytest.mark.parametrize("blm", [0.0, 0.3, 2.0, 10.0])
def test_blm_override_matches_brute_force(blm):
    p = read_marxan(DATA / "comma_prop").with_blm(blm)
    expected, _ = brute_force(p)
    for solver in ("cbc", "highs"):
        result = MarxanMinSetModel.from_problem(p).solve(solver)
        assert result.score == pytest.approx(expected, abs=1e-7), solver
        assert result.blm == blm


def _check_invariants(p: MarxanProblem, result) -> None:
    x = result.selected
    assert result.solution["planning_unit"].tolist() == p.pu_id.tolist()
    assert set(result.solution["solution"].unique()) <= {0, 1}
    assert x[p.status == 2].all() and not x[p.status == 3].any()
    assert result.all_targets_met
    np.testing.assert_allclose(result.features["held"], p.amount.toarray() @ x)
    assert result.cost == pytest.approx(p.cost[x].sum())
    assert result.boundary == pytest.approx(p.boundary(x))
    assert result.score == pytest.approx(result.cost + p.blm * result.boundary)
    assert result.n_selected == int(x.sum())


def test_locked_units_and_status_one_is_not_a_lock():
    p = read_marxan(DATA / "tab_locked")
    _, best = brute_force(p)
    result = MarxanMinSetModel.from_problem(p).solve("cbc")
    np.testing.assert_array_equal(result.selected, best)
    assert result.selected[p.pu_id == 30].all()  # status 2
    assert not result.selected[p.pu_id == 50].any()  # status 3
    # unit 20 has status 1 but is not in the unique optimum: status 1 is only a start
    assert not result.selected[p.pu_id == 20].any()
    assert result.warm_start


def test_initial_solution_starts_from_status_one_and_meets_targets():
    model = MarxanMinSetModel.from_dir(DATA / "tab_locked")
    start = model.initial_solution()
    p = model.data
    assert start[np.isin(p.status, [1, 2])].all() and not start[p.status == 3].any()
    assert model.feature_table(start)["met"].all()


def test_relabelling_units_leaves_the_optimum_unchanged():
    p = read_marxan(DATA / "comma_prop")
    base = MarxanMinSetModel.from_problem(p).solve("cbc").score
    perm = np.random.default_rng(3).permutation(p.n_units)
    inv = np.argsort(perm)
    shuffled = MarxanMinSetModel.from_arrays(
        p.cost[perm], p.amount.toarray()[:, perm], p.target, status=p.status[perm],
        edge_i=inv[p.edge_i], edge_j=inv[p.edge_j], edge_length=p.edge_length,
        fixed_boundary=p.fixed_boundary[perm], blm=p.blm)
    assert shuffled.solve("highs").score == pytest.approx(base)


def test_from_arrays_tiny_hand_solved():
    # two units each cover the target; unit 2 is cheaper but its boundary costs more
    model = MarxanMinSetModel.from_arrays(
        [3.0, 2.0], [[1.0, 1.0]], [1.0], fixed_boundary=[1.0, 4.0], blm=0.5)
    result = model.solve("cbc")
    assert result.solution["solution"].tolist() == [1, 0]
    assert result.score == pytest.approx(3.5)


def test_all_units_locked_needs_no_solver():
    model = MarxanMinSetModel.from_arrays([1.0, 2.0], [[1.0, 1.0]], [2.0], status=[2, 2],
                                          edge_i=[0], edge_j=[1], edge_length=[3.0], blm=1.0)
    result = model.solve("highs")
    assert result.is_optimal and result.score == pytest.approx(3.0)


def test_infeasible_names_the_feature_with_numbers():
    model = MarxanMinSetModel.from_dir(DATA / "infeasible")
    with pytest.raises(InfeasibleError,
                       match=r"feature 2 \(blocked_feature\): target 2\.4 \(prop 0\.6 of the "
                             r"total 4\) but the units not locked out hold only 1 \(short by "
                             r"1\.4\)"):
        model.solve("cbc")


def test_infeasible_occurrence_target():
    model = MarxanMinSetModel.from_arrays([1.0, 1.0], [[1.0, 0.0]], [0.0],
                                          targetocc=[2], feature_names=["rare"])
    with pytest.raises(InfeasibleError, match=r"feature 1 \(rare\): targetocc 2 but only 1"):
        model.solve("cbc")


def test_unknown_solver():
    with raises_input("unknown solver 'gurobi'"):
        MarxanMinSetModel.from_dir(DATA / "comma_prop").solve("gurobi")


def test_time_limited_result_is_never_called_optimal_or_raises():
    p = read_marxan(DATA / "comma_prop")
    try:
        result = MarxanMinSetModel.from_problem(p).solve("cbc", time_limit=1e-3)
    except NoSolutionError:
        return
    assert result.status.startswith(("optimal", "feasible"))
    if not result.is_optimal:
        assert result.status == "feasible (time limit)"


# --------------------------------------------------------------------------------------
# outputs and CLI
# --------------------------------------------------------------------------------------
def test_write_outputs(tmp_path):
    p = read_marxan(DATA / "tab_locked")
    result = MarxanMinSetModel.from_problem(p).solve("cbc")
    paths = write_marxan_outputs(result, tmp_path / "out", problem=p)
    assert [q.name for q in paths] == list(OUTPUT_FILES)
    best = pd.read_csv(tmp_path / "out" / "output_best.csv")
    assert best.columns.tolist() == ["planning_unit", "solution"]
    assert best["solution"].tolist() == result.solution["solution"].tolist()
    features = pd.read_csv(tmp_path / "out" / "output_mvbest.csv")
    assert features["met"].all() and features["name"].tolist() == ["alpha", "beta"]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["score"] == pytest.approx(result.score)
    assert summary["planning_units_selected"] == result.n_selected
    assert summary["planning_units_by_status"] == {
        "available": 3, "initial_reserve": 2, "locked_in": 1, "locked_out": 1}
    assert summary["status"] == "optimal" and summary["all_targets_met"]
    assert [f["feature_id"] for f in summary["features"]] == [1, 2]


def _cli_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="landsim")
    register_farmland(parser.add_subparsers(dest="command", required=True))
    return parser


def test_cli_marxan(tmp_path, capsys):
    out = tmp_path / "run"
    args = _cli_parser().parse_args(
        ["farmland", "marxan", str(DATA / "comma_prop"), "--out", str(out), "--blm", "2",
         "--solver", "highs", "--time-limit", "30"])
    assert args.func(args) == 0
    assert sorted(q.name for q in out.iterdir()) == sorted(OUTPUT_FILES)
    summary = json.loads((out / "summary.json").read_text())
    expected, _ = brute_force(read_marxan(DATA / "comma_prop").with_blm(2.0))
    assert summary["blm"] == 2.0 and summary["score"] == pytest.approx(expected)
    printed = capsys.readouterr().out
    assert "optimal" in printed and "3/3 targets met" in printed


def test_cli_rejects_negative_blm(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:  # argparse usage error, before any work
        _cli_parser().parse_args(
            ["farmland", "marxan", str(DATA / "comma_prop"), "--out", str(tmp_path),
             "--blm", "-1"])
    assert exit_info.value.code == 2
    assert "--blm" in capsys.readouterr().err


def test_negative_blm_is_an_input_error():
    with raises_input("BLM must be a finite number >= 0"):
        read_marxan(DATA / "comma_prop").with_blm(-1.0)


# --------------------------------------------------------------------------------------
# the real Tasmania problem (../shared)
# --------------------------------------------------------------------------------------
tasmania = pytest.mark.skipif(
    not TASMANIA.is_dir(),
    reason=f"Tasmania Marxan data not found at {TASMANIA} (../shared beside the repo)")


@tasmania
def test_tasmania_reads_as_documented():
    p = read_marxan(TASMANIA)
    assert p.n_units == 1751 and p.n_features == 17 and p.blm == 1.0
    assert np.bincount(p.status, minlength=4).tolist() == [1433, 0, 317, 1]
    np.testing.assert_allclose(p.prop, 0.3)


@tasmania
def test_tasmania_blm0_optimal_and_targets_met():
    p = read_marxan(TASMANIA)
    result = MarxanMinSetModel.from_problem(p, blm=0.0).solve("cbc", time_limit=20)
    assert result.all_targets_met
    assert (result.features["held"] >= 0.3 * result.features["total_amount"] - 1e-6).all()
    assert result.boundary == pytest.approx(p.boundary(result.selected))
    _check_invariants(p.with_blm(0.0), result)


@tasmania
def test_tasmania_file_blm_time_limited_feasible():
    p = read_marxan(TASMANIA)
    result = MarxanMinSetModel.from_problem(p).solve("highs", time_limit=8)
    _check_invariants(p, result)
    # Marxan 4.0.6's best score over 10 runs x 1e6 iterations (shared README)
    assert result.score < 1.01957e8
    if not result.is_optimal:
        assert result.status == "feasible (time limit)" and result.gap > 0


# --------------------------------------------------------------------------------------
# heuristic start, in-process solvers, wall-clock budget (issue 14)
# --------------------------------------------------------------------------------------
def _grid_problem(side: int = 7, seed: int = 5, blm: float = 0.5) -> MarxanMinSetModel:
    """A random grid with four features and a boundary (fast to solve exactly)."""
    rng = np.random.default_rng(seed)
    n = side * side
    r, c = np.divmod(np.arange(n), side)
    right = np.flatnonzero(c < side - 1)
    down = np.flatnonzero(r < side - 1)
    amount = rng.random((4, n)) * (rng.random((4, n)) < 0.4)
    return MarxanMinSetModel.from_arrays(
        rng.uniform(1, 5, n), amount, 0.3 * amount.sum(axis=1),
        edge_i=np.concatenate([right, down]), edge_j=np.concatenate([right + 1, down + side]),
        edge_length=np.ones(len(right) + len(down)), fixed_boundary=np.zeros(n), blm=blm)


@pytest.mark.parametrize("name", DATASETS)
def test_greedy_start_meets_every_target_and_keeps_locks(name):
    model = MarxanMinSetModel.from_dir(DATA / name)
    start = model.initial_solution()
    p = model.data
    assert model.feature_table(start)[["met", "occurrence_met"]].all(axis=None)
    assert start[p.status == 2].all() and not start[p.status == 3].any()


def test_greedy_start_on_a_grid_is_feasible_and_solvers_never_return_worse():
    model = _grid_problem()
    start = model.initial_solution()
    assert model.feature_table(start)["met"].all()
    heuristic = model.score(start)
    exact = model.solve("highs", gap=0.0)
    assert exact.is_optimal and exact.gap == 0.0
    for solver in ("cpsat", "scip", "cbc"):
        result = model.solve(solver, time_limit=30, gap=0.0)
        assert result.all_targets_met, solver
        assert result.score <= heuristic + 1e-6, solver
        if result.is_optimal:  # (a loaded machine may stop a solver at its limit)
            assert result.score == pytest.approx(exact.score, rel=1e-6), solver
        assert result.score >= exact.score - 1e-6, solver


@pytest.mark.parametrize("solver", ["highs", "cpsat", "scip"])
@pytest.mark.parametrize("name", DATASETS)
def test_in_process_solvers_match_brute_force(name, solver):
    p = read_marxan(DATA / name)
    best, _ = brute_force(p)
    result = MarxanMinSetModel.from_problem(p).solve(solver, gap=0.0)
    assert result.score == pytest.approx(best)
    assert result.solver_objective == pytest.approx(result.score)  # recomputed objective
    assert result.all_targets_met and result.heuristic_score >= result.score - 1e-9


def test_no_time_left_returns_the_heuristic_labelled_gap_unknown():
    import time

    model = _grid_problem()
    result = model.solve("highs", deadline=time.monotonic() - 1.0)
    assert result.status == "heuristic (no solver time left)"
    assert result.gap is None and result.gap_label == "gap unknown"
    assert result.score == pytest.approx(result.heuristic_score)
    assert result.all_targets_met and not result.is_optimal


def test_trace_and_progress_record_incumbent_and_bound():
    seen = []
    result = _grid_problem().solve("highs", gap=0.0,
                                   progress=lambda t, inc, bnd: seen.append((t, inc, bnd)))
    assert result.trace[0]["incumbent"] == pytest.approx(result.heuristic_score)
    assert seen and seen[-1][1] == pytest.approx(result.score)
    assert all(a["seconds"] <= b["seconds"] for a, b in itertools.pairwise(result.trace))
    assert result.summary()["trace"] == list(result.trace)


def test_cli_marxan_defaults_progress_and_quiet(tmp_path: Path, capsys):
    from landsim.cli import main

    out = tmp_path / "mx"
    assert main(["farmland", "marxan", str(DATA / "comma_prop"), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "incumbent" in err
    summary = json.loads((out / "summary.json").read_text())
    assert summary["trace"] and summary["trace"][0]["incumbent"] == summary["heuristic_score"]
    assert summary["status"].startswith("optimal") and summary["solver"] == "cpsat"  # auto: tiny problem
    assert main(["farmland", "marxan", str(DATA / "comma_prop"), "--out", str(out),
                 "--quiet", "--solver", "cpsat", "--workers", "1"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "cpsat" in captured.out


def test_cli_marxan_tiny_budget_writes_the_heuristic(tmp_path: Path, capsys):
    from landsim.cli import main

    out = tmp_path / "mx"
    assert main(["farmland", "marxan", str(DATA / "tab_locked"), "--out", str(out),
                 "--time-limit", "0.001", "--quiet"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "heuristic (no solver time left)"
    assert summary["gap"] is None and summary["gap_label"] == "gap unknown"
    assert summary["all_targets_met"]
    assert "gap unknown" in capsys.readouterr().out


# --------------------------------------------------------------------------------------
# the command line's light path: no pandas, PuLP or plotting; the same files
# --------------------------------------------------------------------------------------
HEAVY = ("pandas", "pulp", "matplotlib", "geopandas", "ipywidgets", "docx", "dask", "pyarrow")
"""Libraries ``farmland marxan`` must not import on its in-process path (start-up time)."""


def _python_of_this_tree(code: str):
    """Run ``python -c CODE`` with this tree's ``landsim`` first on the path."""
    import os
    import subprocess
    import sys

    import landsim

    src = str(Path(landsim.__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [src, *filter(None, [os.environ.get("PYTHONPATH")])]))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, check=False)


def _heavy_modules_of_command(*argv: str) -> tuple[int, list[str]]:
    """Exit status of ``python -m landsim ARGV`` (this tree) and the heavy modules it loaded."""
    code = ("import atexit, runpy, sys\n"
            "atexit.register(lambda: print('HEAVY', *sorted({m.split('.')[0] for m in "
            f"sys.modules}} & set({HEAVY!r}))))\n"
            f"sys.argv = ['landsim', *{list(argv)!r}]\n"
            "runpy.run_module('landsim', run_name='__main__', alter_sys=True)\n")
    done = _python_of_this_tree(code)
    line = next(x for x in done.stdout.splitlines() if x.startswith("HEAVY"))
    return done.returncode, line.split()[1:]


@pytest.mark.parametrize("options", [("--time-limit", "0.001"), ("--solver", "highs")],
                         ids=["no-time-left", "highs"])
def test_cli_marxan_imports_no_pandas_pulp_or_plotting(tmp_path: Path, options):
    status, heavy = _heavy_modules_of_command(
        "farmland", "marxan", str(DATA / "comma_prop"), "--out", str(tmp_path / "mx"),
        "--quiet", *options)
    assert status == 0
    assert heavy == []
    assert sorted(q.name for q in (tmp_path / "mx").iterdir()) == sorted(OUTPUT_FILES)


def test_heavy_module_probe_sees_pandas_when_a_command_loads_it(tmp_path: Path):
    """The probe above can fail: ``info`` reads a county into pandas."""
    status, heavy = _heavy_modules_of_command("info")
    assert status == 0 and "pandas" in heavy


@pytest.mark.parametrize("name", DATASETS)
def test_output_files_are_the_bytes_pandas_writes(tmp_path: Path, name):
    from landsim.outputs import csv_writer

    p = read_marxan(DATA / name)
    result = MarxanMinSetModel.from_problem(p).solve("highs")
    write_marxan_outputs(result, tmp_path / "out", problem=p)
    csv_writer(result.solution, None)(tmp_path / "best.csv")
    csv_writer(result.features, "%.10g")(tmp_path / "mvbest.csv")
    assert (tmp_path / "out" / "output_best.csv").read_bytes() == (
        tmp_path / "best.csv").read_bytes()
    assert (tmp_path / "out" / "output_mvbest.csv").read_bytes() == (
        tmp_path / "mvbest.csv").read_bytes()


def test_columns_csv_writer_matches_pandas_on_awkward_cells(tmp_path: Path):
    from landsim.outputs import columns_csv_writer, csv_writer

    columns = {
        "id": np.array([1, -2, 3], dtype=np.int64),
        "name": np.array(["耕地", 'say "hi"', "a,b"], dtype=object),
        "x": np.array([0.1, np.nan, np.inf]),
        "tiny": np.array([1e-12, 123456789.123, -0.0]),
        "ok": np.array([True, False, True]),
    }
    for fmt in ("%.10g", "%.6g", None):
        columns_csv_writer(columns, fmt)(tmp_path / "ours.csv")
        csv_writer(pd.DataFrame(columns), fmt)(tmp_path / "pandas.csv")
        assert (tmp_path / "ours.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_result_frames_and_summary_records_match_the_columns():
    model = _grid_problem()
    result = model.solve("highs", gap=0.0)
    assert result.features.equals(model.feature_table(result.selected))
    assert result.features["name"].dtype == "string"
    assert result.solution.columns.tolist() == ["planning_unit", "solution"]
    frame = result.features
    expected = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    assert result.summary()["features"] == expected
    assert result.n_targets_met == len(frame) and result.all_targets_met


def test_cells_read_as_pandas_reads_them():
    from landsim.farmland.marxan import _split, _split_rows, _to_floats

    cells = np.array(["1", "2.5", "1e3", "", "nan", "inf", "-inf", "abc", "1_000", "0x10",
                      "+3", ".5", "1.", "True", "1,5", "-0", " 7 "], dtype=object)
    expected = pd.to_numeric(pd.Series(cells, dtype=object), errors="coerce").to_numpy(float)
    np.testing.assert_array_equal(_to_floats(cells), expected)
    for sep, lines in ((",", ["1,2,3", "4, 5,6"]), (",", ["1,'a',3"]), ("\t", ["1\t2 \t3"]),
                       (None, ["1  2\t3", '"4" 5 6']), (",", ["1,,3"]), (None, ["1 2 3"])):
        assert _split_rows(lines, sep) == [_split(line, sep) for line in lines]


def test_budget_counts_from_the_start_of_the_process(tmp_path: Path):
    """``--time-limit`` of the command counts from process start: a process that slept
    longer than the budget before ``main()`` writes the greedy start (no solver time)."""
    out = tmp_path / "mx"
    code = ("import sys, time\n"
            "time.sleep(0.5)\n"
            "from landsim.optimize.budget import process_age\n"
            "print('AGE', process_age())\n"
            "from landsim.cli import main\n"
            f"sys.argv = ['landsim', 'farmland', 'marxan', {str(DATA / 'comma_prop')!r}, "
            f"'--out', {str(out)!r}, '--time-limit', '0.4', '--solver', 'highs', '--quiet']\n"
            "sys.exit(main())\n")
    done = _python_of_this_tree(code)
    assert done.returncode == 0, done.stderr
    age = float(next(x for x in done.stdout.splitlines() if x.startswith("AGE")).split()[1])
    assert age >= 0.45  # the sleep is counted (clock ticks are 10 ms)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "heuristic (no solver time left)"
    assert summary["wall_seconds_before_write"] >= 0.45


def test_wall_budget_hands_the_solver_what_is_left_after_the_reserve():
    import time

    from landsim.optimize.budget import WallBudget, command_start

    now = time.monotonic()
    budget = WallBudget(10.0, reserve=0.5, started=now - 3.0)
    assert budget.deadline() == pytest.approx(now + 6.5)
    assert 6.0 < budget.solver_seconds() <= 6.5
    assert WallBudget(None).deadline() is None and WallBudget(None).remaining() == np.inf
    assert WallBudget(1.0, started=now - 5.0).solver_seconds() == 0.0
    assert command_start(as_command=True) <= command_start(as_command=False)
