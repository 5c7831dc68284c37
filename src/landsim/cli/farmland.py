"""``landsim farmland optimize`` (design 5.2) and ``landsim farmland marxan``.

    landsim farmland marxan INPUT_DIR --out DIR [--blm X] [--time-limit S] [--gap G]
        [--solver cbc|highs]

Marxan: ``INPUT_DIR`` holds ``input.dat`` (or is the ``input.dat`` file). Writes
``output_best.csv``, ``output_mvbest.csv`` and ``summary.json``; status 1 units (Marxan's
initial reserve) seed the start solution, status 2/3 are locked in/out.

    landsim farmland optimize --parcels FILE [--edges FILE] [--target-ha T]
        [--boundary-weight W] [--time-limit S] [--gap G] [--solver cbc|highs]
        [--what-if-no-township-cap] [--no-105-rule] [--no-quality-rule] --out DIR

Runs the two stages of :func:`landsim.farmland.layout.plan_layout`: (a) correction
(错划纠正) of ineligible PBF, replaced from the reserve (``in_pbf_reserve``) first, and
(b) optimisation (优进劣出) of the corrected layout under every rule, the 5 % township cap
included. ``--what-if-*``, ``--no-105-rule`` and ``--no-quality-rule`` switch a rule off
as a labelled what-if; ``--township-share-rule`` is still accepted (the cap is on anyway).

Writes ``layout.csv`` (parcel_id, is_pbf_before, is_pbf_after, change, then
is_pbf_corrected, correction, optimisation, reason), ``summary.json`` (the keys of design
5.2 against the PBF before, the what-if labels, the checks and a block per stage),
``checks.csv`` (every rule per township and county, value against limit),
``correction.csv`` (the parcels taken out, with the reason, and brought in),
``correction_by_township.csv``, ``adjustment_by_township.csv`` (stage b against the
cap), ``by_township.csv`` and, when the parcels came with geometry, ``layout.gpkg`` in the
parcels' CRS. An infeasible rule is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

from landsim.cli._args import (
    add_encoding,
    add_out,
    add_parcels,
    add_solver_options,
    nonnegative,
)
from landsim.errors import InputError
from landsim.optimize.defaults import PLAN_GAP
from landsim.policy import COMMON

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction, verb: str = "farmland") -> None:
    """Add the ``farmland`` command with ``optimize`` and ``marxan``."""
    farmland = subparsers.add_parser(
        "farmland", help="permanent basic farmland layout (永久基本农田布局优化)")
    sub = farmland.add_subparsers(dest="farmland_command", required=True, metavar="SUBCOMMAND")
    opt = sub.add_parser("optimize", help="optimise the PBF layout (design 5.2)")
    add_parcels(opt, required=True)
    opt.add_argument("--edges", default=None,
                     help="adjacency CSV (parcel_a, parcel_b, shared_length_m); default: "
                          "derived from the parcels' geometry")
    opt.add_argument("--target-ha", type=nonnegative("--target-ha"), default=None,
                     help="PBF area to keep [ha] (default: the current PBF area)")
    opt.add_argument("--boundary-weight", type=nonnegative("--boundary-weight"), default=0.0,
                     help="weight of the shared-boundary fragmentation term [per m]")
    opt.add_argument("--stability-weight", type=nonnegative("--stability-weight"), default=0.0,
                     help="cost per hectare changed (added or removed) [per ha]")
    opt.add_argument("--no-105-rule", action="store_true",
                     help=f"what-if: switch off added >= {COMMON.pbf_compensation_ratio:g} x "
                          "removed (outputs are labelled as a what-if)")
    opt.add_argument("--no-quality-rule", action="store_true",
                     help="what-if: switch off 'mean grade not worse' (outputs are labelled)")
    opt.add_argument("--what-if-no-township-cap", action="store_true",
                     help="what-if: lift the cap on the PBF removed per township "
                          f"({COMMON.pbf_township_adjust_share * 100:g} %% of its PBF); "
                          "outputs are labelled as a what-if")
    opt.add_argument("--township-share-rule", action="store_true",
                     help="accepted for compatibility: the township cap is on by default")
    # the in-process solvers start from the greedy layout and report progress
    add_solver_options(opt, gap_default=PLAN_GAP, solver_default="auto", quiet=True,
                       solvers=("auto", "cbc", "highs", "lagrangian"))
    add_encoding(opt)
    add_out(opt)
    opt.set_defaults(func=_optimize_command)
    _add_marxan_parser(sub)


def _edges_for(parcels: pd.DataFrame, edges_path: str | None,
               encoding: str | None = None) -> pd.DataFrame | None:
    import geopandas as gpd

    from landsim.datasets import read_edges
    from landsim.farmland.adjacency import edges_from_geometry

    if edges_path is not None:
        return read_edges(edges_path, parcels["parcel_id"], encoding=encoding)
    if isinstance(parcels, gpd.GeoDataFrame):
        return edges_from_geometry(parcels)
    return None


def _optimize_command(args: argparse.Namespace) -> int:
    import geopandas as gpd

    from landsim.datasets import read_parcels
    from landsim.farmland.layout import plan_layout
    from landsim.optimize.budget import WallBudget
    from landsim.outputs import csv_writer, json_writer, write_outputs

    clock = WallBudget(None, started=getattr(args, "started", None))

    parcels = read_parcels(args.parcels, encoding=args.encoding)
    edges = _edges_for(parcels, args.edges, args.encoding)
    if edges is None and args.boundary_weight > 0:
        msg = (f"{args.parcels}: a boundary weight needs adjacency, but the parcels have no "
               "geometry. Fix: give --edges FILE (parcel_a, parcel_b, shared_length_m) or "
               "a GeoPackage of the parcels")
        raise InputError(msg)
    plan = plan_layout(
        parcels, edges, solver=args.solver, time_limit=args.time_limit, gap=args.gap,
        target_ha=args.target_ha, boundary_weight=args.boundary_weight,
        stability_weight=args.stability_weight,
        what_if_no_township_cap=args.what_if_no_township_cap,
        what_if_no_105_rule=args.no_105_rule, what_if_no_quality_rule=args.no_quality_rule,
        progress=None if args.quiet else progress_printer(clock))
    layout = plan.layout
    files = {"layout.csv": csv_writer(layout, None), "summary.json": json_writer(plan.summary()),
             "checks.csv": csv_writer(plan.checks),
             "correction.csv": csv_writer(plan.correction.parcels),
             "correction_by_township.csv": csv_writer(plan.correction.by_township.reset_index()),
             "adjustment_by_township.csv": csv_writer(plan.adjustment.reset_index()),
             "by_township.csv": csv_writer(plan.metrics.by_township.reset_index())}
    if isinstance(parcels, gpd.GeoDataFrame):
        files["layout.gpkg"] = _layout_gpkg_writer(parcels, layout)
    write_outputs(args.out, files, inputs=[args.parcels, args.edges])
    print("\n".join(plan.lines()))
    return 0


def _layout_gpkg_writer(parcels: Any, layout: pd.DataFrame) -> Any:
    """Writer of the parcels with the layout columns, in the parcels' CRS."""
    import geopandas as gpd

    frame = parcels[["parcel_id", "township", "land_class", "area_ha", "quality_grade",
                     "geometry"]].merge(layout, on="parcel_id", how="left")
    gdf = gpd.GeoDataFrame(frame, geometry="geometry", crs=parcels.crs)
    return lambda p: gdf.to_file(p, layer="layout", driver="GPKG", engine="pyogrio")




def _add_marxan_parser(farmland_subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``marxan`` subcommand to the ``farmland`` command's subparsers.

    Parameters
    ----------
    farmland_subparsers : argparse._SubParsersAction
        What ``farmland_parser.add_subparsers(...)`` returned.

    Returns
    -------
    argparse.ArgumentParser
        The ``marxan`` parser .
    """
    marxan = farmland_subparsers.add_parser(
        "marxan", help="solve a Marxan problem exactly (minimum set + boundary)",
        description="Read a Marxan problem (input.dat, pu.dat, spec.dat, puvspr.dat, "
                    "bound.dat) and solve the minimum-set problem exactly with PuLP. "
                    "Status 2 is locked in, 3 locked out; status 1 (initial reserve) only "
                    "seeds the solver's start.")
    marxan.add_argument("input_dir", metavar="INPUT_DIR",
                        help="folder holding input.dat (or the input.dat file)")
    add_encoding(marxan)
    add_out(marxan)
    marxan.add_argument("--blm", type=nonnegative("--blm"), default=None,
                        help="boundary length modifier [cost per boundary unit] "
                             "(default: BLM in input.dat, else 0)")
    from landsim.optimize.defaults import (
        MARXAN_GAP,
        MARXAN_SOLVER,
        MARXAN_TIME_LIMIT_S,
        SOLVERS,
    )

    add_solver_options(marxan, MARXAN_GAP, solvers=SOLVERS, solver_default=MARXAN_SOLVER,
                       time_default=MARXAN_TIME_LIMIT_S, wall_budget=True)
    marxan.set_defaults(func=_run_marxan)
    return marxan


def _run_marxan(args: argparse.Namespace) -> int:
    """Run the ``farmland marxan`` command; return the exit status.

    ``--time-limit`` is the wall-clock budget of the whole command, counted from the
    start of the process: the solver gets what is left after reading and building, minus
    a reserve for writing; with nothing left the greedy start is written.
    """
    from landsim.optimize.budget import WallBudget

    budget = WallBudget(args.time_limit, started=getattr(args, "started", None))
    from landsim.farmland.marxan import MarxanMinSetModel, read_marxan, write_marxan_outputs

    problem = read_marxan(args.input_dir, encoding=args.encoding)
    if args.blm is not None:
        problem = problem.with_blm(args.blm)
    model = MarxanMinSetModel.from_problem(problem)
    # the reserve for writing grows with the problem (output_best.csv has a row per unit)
    budget.reserve = 0.25 + 2e-6 * problem.n_units
    kwargs = {} if args.workers is None else {"threads": args.workers}
    result = model.solve(args.solver, gap=args.gap, deadline=budget.deadline(),
                         progress=None if args.quiet else progress_printer(budget),
                         **kwargs)
    write_marxan_outputs(result, args.out, problem=problem, inputs=[args.input_dir],
                         wall_seconds=budget.elapsed())
    met = result.n_targets_met
    print(f"Marxan problem {problem.source}: {problem.n_units:,} planning units, "
          f"{problem.n_features} features, BLM {problem.blm:g}")
    print(f"{result.solver} {result.status}: score {result.score:,.6g} = cost "
          f"{result.cost:,.6g} + BLM x boundary {result.boundary:,.6g}; "
          f"{result.gap_label}; {result.n_selected:,} units selected; "
          f"{met}/{problem.n_features} targets met; {budget.elapsed():.2f} s wall")
    print(f"wrote output_best.csv, output_mvbest.csv, summary.json to {args.out}")
    return 0


def progress_printer(budget: Any):
    """A progress callback printing the incumbent and bound on stderr as they improve."""
    import sys

    def show(_seconds: float, incumbent: float | None, bound: float | None) -> None:
        gap = ("" if incumbent is None or bound is None or not incumbent
               else f"  gap {max(0.0, incumbent - bound) / abs(incumbent):.2%}")
        inc = "-" if incumbent is None else f"{incumbent:,.6g}"
        bnd = "-" if bound is None else f"{bound:,.6g}"
        print(f"landsim: {budget.elapsed():6.2f} s  incumbent {inc}  bound {bnd}{gap}",
              file=sys.stderr, flush=True)

    return show
