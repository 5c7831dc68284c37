"""``landsim farmland optimize`` (design 5.2) and ``landsim farmland marxan``.

    landsim farmland optimize --parcels FILE [--edges FILE] [--target-ha T]
        [--boundary-weight W] [--time-limit S] [--gap G] [--solver cbc|highs] --out DIR

Writes ``layout.csv`` (parcel_id, is_pbf_before, is_pbf_after, change), ``summary.json``
(the keys of design 5.2 plus the best bound and the checks) and, when the parcels came
with geometry, ``layout.gpkg`` in the parcels' CRS. Also ``checks.csv`` (数量/质量/生态)
and ``by_township.csv``.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

import pandas as pd

from landsim.errors import InputError

__all__ = ["optimize_layout", "register"]

DEFAULT_GAP = 1e-4
"""Default relative MIP gap [fraction]: proving exact optimality of knapsack-like layouts
can take CBC very long, while 0.01 % is reached in seconds on the sample county."""
DEFAULT_TIME_LIMIT_S = 600.0
"""Default solver time limit [s]."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``farmland`` command with ``optimize`` and ``marxan``."""
    from landsim.farmland.marxan_cli import add_marxan_parser

    farmland = subparsers.add_parser(
        "farmland", help="permanent basic farmland layout (永久基本农田布局优化)")
    sub = farmland.add_subparsers(dest="farmland_command", required=True, metavar="SUBCOMMAND")
    opt = sub.add_parser("optimize", help="optimise the PBF layout (design 5.2)")
    opt.add_argument("--parcels", required=True, help="parcels (.gpkg or .csv, design 5.1)")
    opt.add_argument("--edges", default=None,
                     help="adjacency CSV (parcel_a, parcel_b, shared_length_m); default: "
                          "derived from the parcels' geometry")
    opt.add_argument("--target-ha", type=float, default=None,
                     help="PBF area to keep [ha] (default: the current PBF area)")
    opt.add_argument("--boundary-weight", type=float, default=0.0,
                     help="weight of the shared-boundary fragmentation term [per m]")
    opt.add_argument("--stability-weight", type=float, default=0.0,
                     help="cost per hectare changed (added or removed) [per ha]")
    opt.add_argument("--no-105-rule", action="store_true",
                     help="switch off added >= 1.05 x removed (what-if)")
    opt.add_argument("--no-quality-rule", action="store_true",
                     help="switch off 'mean grade not worse' (what-if)")
    opt.add_argument("--township-share-rule", action="store_true",
                     help="limit the area adjusted per township to 5 %% of its PBF")
    opt.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT_S,
                     help=f"solver time limit [s] (default {DEFAULT_TIME_LIMIT_S:g})")
    opt.add_argument("--gap", type=float, default=DEFAULT_GAP,
                     help=f"relative MIP gap (default {DEFAULT_GAP:g})")
    opt.add_argument("--solver", choices=("cbc", "highs"), default="cbc")
    opt.add_argument("--out", required=True, help="output folder")
    opt.set_defaults(func=_optimize_command)
    add_marxan_parser(sub)


def optimize_layout(parcels: pd.DataFrame, edges: pd.DataFrame | None, *,
                    solver: str = "cbc", time_limit: float | None = DEFAULT_TIME_LIMIT_S,
                    gap: float | None = DEFAULT_GAP, **options: Any) -> tuple[Any, Any]:
    """Solve the canonical layout model and compare before and after.

    Returns the :class:`~landsim.farmland.model.LayoutResult` and the
    :class:`~landsim.farmland.metrics.LayoutMetrics`.
    """
    from landsim.farmland.metrics import compare_layouts
    from landsim.farmland.model import FarmlandLayoutModel

    model = FarmlandLayoutModel.from_parcels(parcels, edges, **options)
    result = model.solve(solver=solver, time_limit=time_limit, gap=gap)
    metrics = compare_layouts(parcels, result, edges, target_ha=result.target_ha)
    return result, metrics


def _edges_for(parcels: pd.DataFrame, edges_path: str | None) -> pd.DataFrame | None:
    import geopandas as gpd

    from landsim.datasets import read_edges
    from landsim.farmland.adjacency import edges_from_geometry

    if edges_path is not None:
        return read_edges(edges_path, parcels["parcel_id"])
    if isinstance(parcels, gpd.GeoDataFrame):
        return edges_from_geometry(parcels)
    return None


def _optimize_command(args: argparse.Namespace) -> int:
    import geopandas as gpd

    from landsim.datasets import read_parcels
    from landsim.outputs import prepare_out_dir, write_csv, write_json

    for name in ("boundary_weight", "stability_weight"):
        if getattr(args, name) < 0:
            msg = f"--{name.replace('_', '-')} must be >= 0, got {getattr(args, name)}"
            raise InputError(msg)
    parcels = read_parcels(args.parcels)
    edges = _edges_for(parcels, args.edges)
    if edges is None and args.boundary_weight > 0:
        msg = (f"{args.parcels}: a boundary weight needs adjacency, but the parcels have no "
               "geometry. Fix: give --edges FILE (parcel_a, parcel_b, shared_length_m) or "
               "a GeoPackage of the parcels")
        raise InputError(msg)
    out = prepare_out_dir(args.out)
    result, metrics = optimize_layout(
        parcels, edges, solver=args.solver, time_limit=args.time_limit, gap=args.gap,
        target_ha=args.target_ha, boundary_weight=args.boundary_weight,
        stability_weight=args.stability_weight, compensation_rule=not args.no_105_rule,
        quality_rule=not args.no_quality_rule, township_share_rule=args.township_share_rule)
    layout = result.layout[["parcel_id", "is_pbf_before", "is_pbf_after", "change"]]
    write_csv(layout, out / "layout.csv", float_format=None)
    summary = {**result.summary(), "patches_before": metrics.patches_before,
               "patches_after": metrics.patches_after,
               "checks": {k: bool(v) for k, v in metrics.checks["passed"].items()},
               "active_rules": list(result.active_rules)}
    write_json(_finite(summary), out / "summary.json")
    write_csv(metrics.checks.reset_index(), out / "checks.csv")
    write_csv(metrics.by_township.reset_index(), out / "by_township.csv")
    if isinstance(parcels, gpd.GeoDataFrame):
        _write_layout_gpkg(parcels, layout, out / "layout.gpkg")
    print(f"status {result.status}; PBF 永久基本农田 {result.area_before_ha:,.1f} -> "
          f"{result.area_after_ha:,.1f} ha ({result.area_after_ha * 15:,.0f} mu); added "
          f"{result.added_ha:,.1f} ha, removed {result.removed_ha:,.1f} ha; mean grade "
          f"{result.mean_grade_before:.2f} -> {result.mean_grade_after:.2f}; patches "
          f"{metrics.patches_before} -> {metrics.patches_after}")
    failed = [str(k) for k, v in metrics.checks["passed"].items() if not v]
    print("checks 数量/质量/生态: " + ("all passed" if not failed else
                                     "failed: " + ", ".join(failed)))
    return 0


def _finite(data: dict[str, Any]) -> dict[str, Any]:
    """JSON has no NaN/inf: write them as null."""
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
            for k, v in data.items()}


def _write_layout_gpkg(parcels: Any, layout: pd.DataFrame, path: Path) -> None:
    """Parcels with the layout columns, in the parcels' CRS, via a temporary file."""
    import geopandas as gpd

    frame = parcels[["parcel_id", "township", "land_class", "area_ha", "quality_grade",
                     "geometry"]].merge(layout, on="parcel_id", how="left")
    tmp = path.with_name(f".{path.stem}.tmp.gpkg")
    tmp.unlink(missing_ok=True)
    gpd.GeoDataFrame(frame, geometry="geometry", crs=parcels.crs).to_file(
        tmp, layer="layout", driver="GPKG", engine="pyogrio")
    tmp.replace(path)
