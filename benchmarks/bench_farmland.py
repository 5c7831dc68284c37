"""Benchmark the PBF layout model on synthetic counties.

By default the county comes from the foundation generator
(``landsim.synthesize(n, seed)``: the Pianguan-like landscape with exact adjacency);
``--generator grid`` uses a plain seeded jittered grid of about 1 ha cells instead. It
builds :class:`landsim.farmland.FarmlandLayoutModel` with a positive boundary weight and
solves it with each solver, printing one row per (size, solver)::

    python benchmarks/bench_farmland.py --sizes 10000 50000 100000 --solvers cbc highs \\
        --time-limit 120 --gap 0.01
    python benchmarks/bench_farmland.py --generator grid --sizes 100000 \\
        --solvers highs-inproc cpsat auto --time-limit 60 --gap 0.005

``auto``, ``lagrangian``, ``cpsat``, ``scip`` and ``highs-inproc`` solve the model's
selection arrays in-process from the heuristic start (no PuLP build); ``auto`` is the
Lagrangian relaxation by minimum cuts above 100 parcels. Prints the table and writes
``build/bench/bench_farmland.{csv,md}``.

"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass

import numpy as np
from _bench import write_tables
from scipy.ndimage import gaussian_filter

from landsim.errors import InfeasibleError
from landsim.farmland import FarmlandLayoutModel, NoSolutionError
from landsim.optimize import milp
from landsim.synthetic import synthesize

CELL_M = 100.0
"""Nominal parcel side. [m]"""


@dataclass(frozen=True)
class GridCounty:
    """Arrays of a synthetic county (row-major grid of ``side x side`` parcels)."""

    parcel_id: np.ndarray
    township: np.ndarray
    area_ha: np.ndarray
    quality_grade: np.ndarray
    is_pbf: np.ndarray
    eligible: np.ndarray
    edge_i: np.ndarray
    edge_j: np.ndarray
    length_m: np.ndarray


def _smooth_field(rng: np.random.Generator, side: int, sigma: float) -> np.ndarray:
    """Spatially autocorrelated noise scaled to ranks in [0, 1)."""
    field = gaussian_filter(rng.standard_normal((side, side)), sigma=sigma, mode="reflect")
    ranks = field.ravel().argsort(kind="stable").argsort(kind="stable")
    return (ranks / field.size).reshape(side, side)


def grid_county(n: int, seed: int = 0) -> GridCounty:
    """Seeded jittered-grid county of about ``n`` parcels (``round(sqrt(n))**2``)."""
    rng = np.random.default_rng(seed)
    side = round(np.sqrt(n))
    # vertex grid with jitter; parcel (r, c) has corners (r, c), (r, c+1), (r+1, c+1), (r+1, c)
    vx = np.arange(side + 1)[None, :] * CELL_M + rng.uniform(-25, 25, (side + 1, side + 1))
    vy = np.arange(side + 1)[:, None] * CELL_M + rng.uniform(-25, 25, (side + 1, side + 1))
    x = np.stack([vx[:-1, :-1], vx[:-1, 1:], vx[1:, 1:], vx[1:, :-1]], axis=-1)
    y = np.stack([vy[:-1, :-1], vy[:-1, 1:], vy[1:, 1:], vy[1:, :-1]], axis=-1)
    area_m2 = 0.5 * np.abs((x * np.roll(y, -1, -1) - np.roll(x, -1, -1) * y).sum(-1))
    ids = np.arange(side * side).reshape(side, side)
    # right neighbour shares the vertical side (r, c+1)-(r+1, c+1); lower one (r+1, c)-(r+1, c+1)
    right_len = np.hypot(vx[1:, 1:-1] - vx[:-1, 1:-1], vy[1:, 1:-1] - vy[:-1, 1:-1])
    down_len = np.hypot(vx[1:-1, 1:] - vx[1:-1, :-1], vy[1:-1, 1:] - vy[1:-1, :-1])
    edge_i = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    edge_j = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    length = np.concatenate([right_len.ravel(), down_len.ravel()])

    sigma = max(2.0, side / 40)
    cultivated = _smooth_field(rng, side, sigma) > 0.3
    grade = np.clip(np.ceil(_smooth_field(rng, side, sigma) * 10), 1, 10)
    slope = _smooth_field(rng, side, sigma) ** 2 * 30.0
    redline = _smooth_field(rng, side, sigma) > 0.95
    r, c = np.divmod(ids, side)
    udb = np.hypot(r - side / 2, c - side / 2) < side * 0.11
    stable = rng.random((side, side)) > 0.03
    pbf_pref = _smooth_field(rng, side, sigma) - 0.03 * grade - 0.02 * slope
    is_pbf = cultivated & (pbf_pref > np.quantile(pbf_pref[cultivated], 0.35))
    eligible = cultivated & (slope <= 25) & ~redline & ~udb & stable
    township = (r * 2 // side) * 4 + (c * 4 // side)
    return GridCounty(
        parcel_id=np.array([f"P{k:07d}" for k in range(side * side)], dtype=object),
        township=np.array([f"T{t}" for t in township.ravel()], dtype=object),
        area_ha=area_m2.ravel() / 10_000.0,
        quality_grade=np.where(cultivated, grade, np.nan).ravel(),
        is_pbf=is_pbf.ravel(),
        eligible=eligible.ravel(),
        edge_i=edge_i, edge_j=edge_j, length_m=length,
    )


def build_model(county: object, args: argparse.Namespace) -> FarmlandLayoutModel:
    """The layout model of a generated county (grid arrays or a SyntheticCounty)."""
    if isinstance(county, GridCounty):
        return FarmlandLayoutModel.from_arrays(
            county.parcel_id, county.area_ha, county.quality_grade, county.is_pbf,
            county.eligible, township=county.township, edge_i=county.edge_i,
            edge_j=county.edge_j, shared_length_m=county.length_m,
            boundary_weight=args.boundary_weight)
    return FarmlandLayoutModel.from_parcels(county.parcels, county.edges,  # type: ignore[attr-defined]
                                            boundary_weight=args.boundary_weight)


IN_PROCESS = {"auto": "auto", "cpsat": "cpsat", "scip": "scip", "highs-inproc": "highs",
              "lagrangian": "lagrangian"}
"""Solver names solved on the model's selection arrays (no PuLP build); ``highs-inproc``
is HiGHS through highspy directly rather than through PuLP."""


def run_one(county: object, solver: str, args: argparse.Namespace) -> dict[str, object]:
    """Build and solve one model; timings in seconds (wall, including the build)."""
    start = time.perf_counter()
    model = build_model(county, args)
    row: dict[str, object] = {"n": model.n_parcels, "solver": solver}
    in_process = solver in IN_PROCESS
    if not in_process:
        problem = model.build()
        row.update(vars=len(problem.variables()), constraints=len(problem.constraints()),
                   build_s=time.perf_counter() - start)
    options = dict(kv.split("=", 1) for kv in args.highs_option) if solver == "highs" else {}
    if args.threads and solver in ("cbc", "cpsat", "scip", "auto"):
        options["threads"] = args.threads
    try:
        if in_process:
            result = model._solve_in_process(
                str(milp.pick_solver(IN_PROCESS[solver], model.n_parcels,
                                     len(model._arrays.edge_i))),
                time_limit=args.time_limit, gap=args.gap, deadline=None, progress=None,
                **options)
        else:
            result = model.solve(solver, time_limit=args.time_limit, gap=args.gap,
                                 warm_start=args.warm_start, **options)
    except (InfeasibleError, NoSolutionError) as exc:
        row.update(solve_s=float("nan"), status=f"{type(exc).__name__}: {exc}", gap=None,
                   objective=None, total_s=time.perf_counter() - start)
        return row
    total = time.perf_counter() - start
    if in_process:
        row.update(build_s=result.build_seconds, vars=None, constraints=None)
    row.update(solve_s=result.solve_seconds, status=result.status, gap=result.gap,
               objective=result.objective, total_s=total,
               heuristic=result.heuristic_objective, solver_used=result.solver)
    return row


def _fmt(value: object, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--solvers", nargs="+", default=["cbc", "highs"])
    parser.add_argument("--time-limit", type=float, default=120.0, help="[s]")
    parser.add_argument("--gap", type=float, default=0.01, help="relative gap [fraction]")
    parser.add_argument("--boundary-weight", type=float, default=0.02,
                        help="[ha x grade per m]")
    parser.add_argument("--highs-option", action="append", default=[], metavar="KEY=VALUE",
                        help="HiGHS option, e.g. mip_lp_solver=ipm (repeatable)")
    parser.add_argument("--threads", type=int, default=None, help="CBC threads")
    parser.add_argument("--warm-start", action="store_true",
                        help="start CBC from the heuristic layout (initial_layout)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--generator", choices=("landsim", "grid"), default="landsim",
                        help="landsim.synthesize (default) or a plain jittered grid")
    args = parser.parse_args(argv)
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} on {os.cpu_count()} cores; generator "
          f"{args.generator}; time limit {args.time_limit:g} s, gap {args.gap:g}")
    header = ["n", "solver", "build s", "solve s", "total s", "build share", "gap",
              "heuristic", "objective", "status"]
    print(" | ".join(header))
    wide, long = [], []
    for n in args.sizes:
        county = (synthesize(n, args.seed) if args.generator == "landsim"
                  else grid_county(n, args.seed))
        for solver in args.solvers:
            row = run_one(county, solver, args)
            total = float(row["total_s"])
            cells = [str(row["n"]), str(row.get("solver_used", solver)) if solver == "auto"
                     else solver, f"{row['build_s']:.2f}" if "build_s" in row else "-",
                     f"{row['solve_s']:.2f}", f"{total:.2f}",
                     f"{row['build_s'] / total:.0%}" if "build_s" in row else "-",
                     _fmt(row["gap"], ".3%"), _fmt(row.get("heuristic"), ",.1f"),
                     _fmt(row["objective"], ",.1f"), str(row["status"])[:80]]
            wide.append(cells)
            print(" | ".join(cells), flush=True)
            case = f"{args.generator} {row['n']} {solver}"
            long += [("bench_farmland", case, key, row.get(key), unit) for key, unit in
                     (("build_s", "s"), ("solve_s", "s"), ("total_s", "s"),
                      ("gap", "fraction"), ("objective", "ha x grade"),
                      ("heuristic", "ha x grade"))]
    write_tables("bench_farmland", long, header, wide,
                 f"Load average {load[0]:.2f} on {os.cpu_count()} cores; generator "
                 f"{args.generator}; time limit {args.time_limit:g} s, gap {args.gap:g}, "
                 f"boundary weight {args.boundary_weight:g}.")


if __name__ == "__main__":
    main()
