"""``landsim topsoil`` command: ``plan`` (solve a plan from CSV tables) and ``example``."""

from __future__ import annotations

import argparse

from landsim.cli._args import (
    add_encoding,
    add_example_verb,
    add_out,
    parse_assignments,
    verb_group,
)

__all__ = ["register"]

INPUT_FILES: tuple[tuple[str, bool, str], ...] = (
    ("sources", True, "sources CSV (取土区)"),
    ("destinations", True, "destinations CSV (覆土区)"),
    ("stockpiles", False, "stockpiles CSV (存放区); default: none"),
    ("distances", False, "distance table CSV (from_id,to_id,distance_km); default: "
                         "coordinates x detour factor"),
    ("params", False, "parameter TOML; default: the packaged topsoil.toml"),
    ("parcels", False, "parcels file to check sources' parcel_id against"),
)
"""The files ``topsoil plan`` reads: option name, required, help (never written to)."""


def _plan(args: argparse.Namespace) -> int:
    import geopandas as gpd
    import pandas as pd
    import shapely

    from landsim.outputs import csv_writer, json_writer, write_outputs
    from landsim.topsoil import TopsoilModel, load_topsoil_params, read_topsoil_inputs

    params = load_topsoil_params(args.params, override_origin=f"--set {args.set!r}",
                                 **parse_assignments(args.set, "--set"))
    parcel_ids = None
    if args.parcels:
        from landsim.datasets import read_parcels

        parcel_ids = read_parcels(args.parcels, encoding=args.encoding)["parcel_id"].tolist()
    inputs = read_topsoil_inputs(args.sources, args.destinations, args.stockpiles,
                                 args.distances, params, parcel_ids, encoding=args.encoding)
    result = TopsoilModel.from_inputs(inputs, params).solve(
        method=args.method, allow_disposal=not args.no_disposal)
    tables = {"flows.csv": result.flows, "stockpile_levels.csv": result.stockpile_levels,
              "destinations.csv": result.destinations, "sources.csv": result.sources,
              "cost_split.csv": result.cost_split}
    writers = {name: csv_writer(t, None) for name, t in tables.items()}
    summary = result.summary()
    writers["summary.json"] = json_writer(summary)
    xy = {}
    for frame, key in ((inputs.sources, "source_id"), (inputs.stockpiles, "stockpile_id"),
                       (inputs.destinations, "destination_id")):
        if {"x_m", "y_m"} <= set(frame.columns) and frame[["x_m", "y_m"]].notna().all().all():
            xy.update({str(i): (x, y) for i, x, y in zip(frame[key], frame["x_m"],
                                                         frame["y_m"], strict=True)})
    moved = result.flows[result.flows["to_kind"] != "disposal"]
    if xy and moved["from_id"].isin(xy).all() and moved["to_id"].isin(xy).all():
        lines = [shapely.LineString([xy[a], xy[b]]) for a, b in zip(moved["from_id"],
                                                                      moved["to_id"],
                                                                      strict=True)]
        gdf = gpd.GeoDataFrame(pd.DataFrame(moved).reset_index(drop=True), geometry=lines,
                               crs=args.crs)
        writers["flows.gpkg"] = lambda p: gdf.to_file(p, layer="flows", engine="pyogrio")
    write_outputs(args.out, writers,
                  inputs=[getattr(args, name) for name, _, _ in INPUT_FILES])
    print(f"topsoil plan: {summary['stripped_m3']:,.0f} m3 stripped, "
          f"{summary['delivered_m3']:,.0f} m3 delivered, {summary['disposed_m3']:,.0f} m3 "
          f"disposed, cost {summary['total_wan_yuan']:,.1f} 万元; wrote {args.out}")
    return 0


def register(subparsers: argparse._SubParsersAction, verb: str = "topsoil"
             ) -> None:
    """Add ``topsoil`` (verbs ``plan`` and ``example``) to a ``landsim`` subparsers object."""
    verbs = verb_group(subparsers, "topsoil", "topsoil stripping and reuse plan (耕作层剥离再利用)",
                       "Plan where stripped plough-layer soil is stored and spread "
                       "(multi-period transport LP).")
    plan = verbs.add_parser("plan", help="solve a topsoil plan from CSV tables")
    for name, required, help_text in INPUT_FILES:
        plan.add_argument(f"--{name}", required=required, help=help_text)
    plan.add_argument("--set", help="override parameters, e.g. 'depth_dry_m=0.3,"
                      "haul_cost_yuan_per_m3_km=1.5'")
    plan.add_argument("--method", default="auto",
                      choices=["auto", "pulp", "highs", "emd"], help="solve path")
    plan.add_argument("--no-disposal", action="store_true",
                      help="forbid surplus disposal (may be infeasible)")
    plan.add_argument("--crs", default="EPSG:4546", help="CRS of x_m/y_m for flows.gpkg")
    add_encoding(plan)
    add_out(plan)
    plan.set_defaults(func=_plan)
    add_example_verb(verbs, "landsim.topsoil.examples", "tables",
                     "write synthetic example tables (seeded)")
