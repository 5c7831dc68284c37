"""``landsim farmland marxan``: solve a Marxan problem exactly and write Marxan-style outputs.

    landsim farmland marxan INPUT_DIR --out DIR [--blm X] [--time-limit S] [--gap G]
        [--solver cbc|highs]

``INPUT_DIR`` holds ``input.dat`` (or is the ``input.dat`` file). Writes ``output_best.csv``
(planning_unit, solution), ``output_mvbest.csv`` (held versus target per feature) and
``summary.json`` (score, cost, boundary, units selected, solver status, bound and gap).
Status 1 units (Marxan's initial reserve) seed CBC's start solution; they are not locked.
"""

from __future__ import annotations

import argparse

__all__ = ["add_marxan_parser", "run_marxan"]


def add_marxan_parser(farmland_subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``marxan`` subcommand to the ``farmland`` command's subparsers.

    Parameters
    ----------
    farmland_subparsers : argparse._SubParsersAction
        What ``farmland_parser.add_subparsers(...)`` returned.

    Returns
    -------
    argparse.ArgumentParser
        The ``marxan`` parser (its ``func`` default is :func:`run_marxan`).
    """
    marxan = farmland_subparsers.add_parser(
        "marxan", help="solve a Marxan problem exactly (minimum set + boundary)",
        description="Read a Marxan problem (input.dat, pu.dat, spec.dat, puvspr.dat, "
                    "bound.dat) and solve the minimum-set problem exactly with PuLP. "
                    "Status 2 is locked in, 3 locked out; status 1 (initial reserve) only "
                    "seeds the solver's start.")
    marxan.add_argument("input_dir", metavar="INPUT_DIR",
                        help="folder holding input.dat (or the input.dat file)")
    marxan.add_argument("--out", required=True, help="output folder")
    marxan.add_argument("--blm", type=float, default=None,
                        help="boundary length modifier [cost per boundary unit] "
                             "(default: BLM in input.dat, else 0)")
    marxan.add_argument("--time-limit", type=float, default=None,
                        help="solver time limit [s] (default: none)")
    marxan.add_argument("--gap", type=float, default=0.0,
                        help="relative optimality gap at which to stop [fraction] "
                             "(default 0: prove optimality)")
    marxan.add_argument("--solver", choices=("cbc", "highs"), default="cbc",
                        help="MILP solver (default cbc, bundled with PuLP)")
    marxan.set_defaults(func=run_marxan)
    return marxan


def run_marxan(args: argparse.Namespace) -> int:
    """Run the ``farmland marxan`` command; return the exit status."""
    from landsim.farmland.marxan import MarxanMinSetModel, read_marxan, write_marxan_outputs

    problem = read_marxan(args.input_dir)
    if args.blm is not None:
        problem = problem.with_blm(args.blm)
    result = MarxanMinSetModel.from_problem(problem).solve(
        args.solver, time_limit=args.time_limit, gap=args.gap)
    write_marxan_outputs(result, args.out, problem=problem)
    met = int((result.features["met"] & result.features["occurrence_met"]).sum())
    gap = "n/a" if result.gap is None else f"{result.gap:.4%}"
    print(f"Marxan problem {problem.source}: {problem.n_units:,} planning units, "
          f"{problem.n_features} features, BLM {problem.blm:g}")
    print(f"{result.solver} {result.status}: score {result.score:,.6g} = cost "
          f"{result.cost:,.6g} + BLM x boundary {result.boundary:,.6g}; gap {gap}; "
          f"{result.n_selected:,} units selected; {met}/{problem.n_features} targets met")
    print(f"wrote output_best.csv, output_mvbest.csv, summary.json to {args.out}")
    return 0
