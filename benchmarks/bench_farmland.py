"""Benchmark the PBF layout model on synthetic counties.

By default the county comes from the foundation generator
(``landsim.synthesize(n, seed)``: the Pianguan-like landscape with exact adjacency);
``--generator grid`` uses a plain seeded jittered grid of about 1 ha cells instead. It
builds :class:`landsim.farmland.FarmlandLayoutModel` with a positive boundary weight and
solves it with each solver, printing one row per (size, solver)::

    python benchmarks/bench_farmland.py --sizes 10000 50000 100000 --solvers cbc highs \\
        --time-limit 120 --gap 0.01

"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter

from landsim.errors import InfeasibleError
from landsim.farmland import FarmlandLayoutModel, NoSolutionError
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


def run_one(county: object, solver: str, args: argparse.Namespace) -> dict[str, object]:
    """Build and solve one model; timings in seconds."""
    start = time.perf_counter()
    model = build_model(county, args)
    problem = model.build()
    build_s = time.perf_counter() - start
    options = dict(kv.split("=", 1) for kv in args.highs_option) if solver == "highs" else {}
    if args.threads and solver == "cbc":
        options["threads"] = args.threads
    row: dict[str, object] = {
        "n": model.n_parcels, "solver": solver, "vars": len(problem.variables()),
        "constraints": len(problem.constraints()), "build_s": build_s,
    }
    try:
        result = model.solve(solver, time_limit=args.time_limit, gap=args.gap,
                             warm_start=args.warm_start, **options)
    except (InfeasibleError, NoSolutionError) as exc:
        row.update(solve_s=float("nan"), status=f"{type(exc).__name__}: {exc}", gap=None,
                   objective=None)
        return row
    row.update(solve_s=result.solve_seconds, status=result.status, gap=result.gap,
               objective=result.objective)
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
    header = (f"{'n':>8} {'solver':>6} {'vars':>8} {'cons':>8} {'build_s':>8} "
              f"{'solve_s':>8} {'gap':>9} {'objective':>14}  status")
    print(header)
    for n in args.sizes:
        county = (synthesize(n, args.seed) if args.generator == "landsim"
                  else grid_county(n, args.seed))
        for solver in args.solvers:
            row = run_one(county, solver, args)
            print(f"{row['n']:>8} {row['solver']:>6} {row['vars']:>8} {row['constraints']:>8} "
                  f"{row['build_s']:>8.2f} {row['solve_s']:>8.2f} {_fmt(row['gap'], '>9.4%')} "
                  f"{_fmt(row['objective'], '>14,.1f')}  {row['status']}", flush=True)


if __name__ == "__main__":
    main()
