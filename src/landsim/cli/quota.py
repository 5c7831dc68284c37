"""``landsim quota simulate``: run a scenario file on a county, once or as an ensemble.

    landsim quota simulate --scenario baseline --out build/quota
    landsim quota simulate --scenario FILE --draws 10000 --seed 1 [--scheduler ADDRESS] --out DIR
    landsim quota simulate --scenario baseline --registrations FILE --out DIR
    landsim quota allocate --quota-run DIR [--county DIR] [--zones FILE] --out DIR

A single run writes ``annual.csv`` (design 5.3 columns), ``ledger.csv`` and
``indicators.csv``. An ensemble (``--draws`` > 1) writes the per-draw annual table, one row
per draw and year, as ``annual.parquet`` (default; zstd, written batch by batch) or, with
``--format csv``, as ``annual.csv``; beside it ``summary.csv`` (percentile bands, mean and
shortfall probability per year, for people) and ``draws.csv`` (the sampled inputs).

``allocate`` places each year's granted new construction land of a township run
(``simulate --by township``) on the UDB zones (:mod:`landsim.allocation`) and writes
``allocation.csv`` and ``allocation.gpkg`` (layers ``allocation`` and ``udb_zones``),
``shortfall.csv``, ``zone_consumption.csv``, ``swaps.csv`` and ``zone_checks.csv``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from landsim.cli._args import (
    add_county,
    add_encoding,
    add_out,
    add_seed,
    nonnegative,
    whole,
)
from landsim.errors import InputError
from landsim.quota.ensemble import ANNUAL_FORMATS
from landsim.resources import scenario_file, scenario_names
from landsim.units import ha_to_mu

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction, verb: str = "quota") -> None:
    """Add the ``quota`` command and its ``simulate`` subcommand."""
    quota = subparsers.add_parser("quota", help="two-links quota simulation (两挂钩)")
    sub = quota.add_subparsers(dest="quota_command", required=True, metavar="SUBCOMMAND")
    sim = sub.add_parser("simulate", help="run a scenario file (design 5.3)")
    sim.add_argument("--scenario", required=True, metavar="NAME|FILE",
                     help="scenario TOML file, or the name of a packaged scenario "
                          f"({', '.join(scenario_names())})")
    add_county(sim)
    add_encoding(sim)
    sim.add_argument("--draws", type=whole("--draws"), default=1,
                     help="Monte Carlo draws (default 1)")
    add_seed(sim, default=None, help_text="seed (None: the scenario's)")
    sim.add_argument("--scheduler", default="local",
                     help="'local' (a local Dask cluster, the default), 'none' (this "
                          "process) or the address of a Dask scheduler")
    sim.add_argument("--batch-size", type=whole("--batch-size"), default=10_000,
                     help="draws per batch")
    sim.add_argument("--demand-ha", type=nonnegative("--demand-ha"), default=None,
                     help="construction land needed per year [ha] for the shortfall "
                          "probability (default: the scenario's demand_ha_per_year)")
    sim.add_argument("--format", choices=ANNUAL_FORMATS, default="parquet",
                     help="per-draw annual table of an ensemble: annual.parquet (default) "
                          "or annual.csv (large: every draw as text)")
    sim.add_argument("--by", choices=("county", "township"), default="county",
                     help="rows of annual.csv for a single run")
    sim.add_argument("--registrations", default=None, metavar="FILE",
                     help="registrations (落户) per simulated year and township (columns "
                          "year, township, registrations): replace the projection")
    sim.add_argument("--cultivated-balance", action="store_true",
                     help="以补定占: limit new construction land by the county's 占补平衡 "
                          "accounts (policy section cultivated_balance; needs "
                          "cultivated_projects.csv)")
    add_out(sim)
    sim.set_defaults(func=simulate)
    alloc = sub.add_parser("allocate", help="place each year's granted new construction "
                           "land on the urban development boundary zones")
    alloc.add_argument("--quota-run", required=True, metavar="DIR",
                       help="folder of 'landsim quota simulate --by township' (annual.csv)")
    add_county(alloc)
    add_encoding(alloc)
    alloc.add_argument("--zones", default=None, metavar="FILE",
                       help="zones of the UDB: a polygon layer (.gpkg/.shp with zone_code or "
                            "GHFQDM 01/02/03) or a table (parcel_id, zone_code); default the "
                            "county's udb_zones.csv")
    alloc.add_argument("--weights", default=None, metavar="NAME=W,...",
                       help="suitability weights, e.g. 'slope=1,urban=1,road=0.5,adjacency=1'")
    alloc.add_argument("--flexible-swap", action="store_true",
                       help="use the flexible-zone layout swap when the concentrated zone is "
                            "full (else the shortfall is reported)")
    alloc.add_argument("--method", choices=("greedy", "lp"), default="greedy",
                       help="solve each year by the exact sorted fill (default) or the LP "
                            "solver")
    add_out(alloc)
    alloc.set_defaults(func=allocate)


def simulate(args: argparse.Namespace) -> int:
    """Run the ``quota simulate`` command; return the exit status."""
    from landsim.datasets import load_sample, read_county
    from landsim.outputs import csv_writer, write_outputs
    from landsim.quota.engine import ledger
    from landsim.quota.ensemble import Ensemble, annual_sink, run_ensemble
    from landsim.quota.scenario import (
        Scenario,
        ScenarioInputs,
        run_scenario,
        with_registrations,
    )

    if args.draws > 1 and args.scheduler not in ("local", "none"):
        from landsim.quota.ensemble import check_scheduler

        check_scheduler(args.scheduler)  # before any work
    scenario_path = scenario_file(args.scenario)
    scenario = Scenario.from_toml(scenario_path)
    if args.cultivated_balance:
        import dataclasses

        policy = {**scenario.policy, "cultivated_balance": {
            **scenario.policy.get("cultivated_balance", {}), "enabled": True}}
        scenario = dataclasses.replace(scenario, policy=policy)
    county = (load_sample() if args.county is None
              else read_county(args.county, encoding=args.encoding))
    inputs = ScenarioInputs.from_county(county)
    inputs_used = [scenario_path, *([] if args.county is None else [args.county])]
    towns = sorted(inputs.population["township"].astype(str).unique())
    named = {kp.township for kp in scenario.key_projects} | {
        t for _y, t, _n in scenario.population.settled_migrants}
    unknown = sorted(named - set(towns))
    if unknown:
        msg = (f"{scenario_path}: township(s) {unknown} of key_projects or settled_migrants "
               f"are not in the county's population table; valid: {towns}. Fix: use one of "
               "these names")
        raise InputError(msg)
    if args.registrations is not None:
        from landsim.datasets import read_table
        from landsim.quota.population import settled_migrants_from_table

        table = read_table(args.registrations, "registrations")
        base_year = int(inputs.population["year"].max())
        try:
            settled_migrants_from_table(table, range(base_year + 1, scenario.end_year + 1),
                                        towns)
        except InputError as err:
            msg = f"{args.registrations}: {err}"
            raise InputError(msg) from None
        scenario = with_registrations(scenario, table)
        inputs_used.append(args.registrations)
    if args.draws == 1:
        run = run_scenario(scenario, inputs, by=args.by)
        write_outputs(args.out, {"annual.csv": csv_writer(run.annual, None),
                                 "ledger.csv": csv_writer(ledger(run.result), None),
                                 "indicators.csv": csv_writer(run.indicators)},
                      inputs=inputs_used)
        county_annual = run.annual if args.by == "county" else run_scenario(
            scenario, inputs).annual
        _print_single(scenario.name, county_annual)
        return 0
    scheduler = None if args.scheduler == "none" else args.scheduler
    done: list[Ensemble] = []

    def run_into(path: Path) -> None:
        """Run the ensemble, writing its annual table batch by batch at ``path``."""
        with annual_sink(path, args.format) as sink:
            done.append(run_ensemble(scenario, inputs, args.draws, seed=args.seed,
                                     batch_size=args.batch_size, scheduler=scheduler,
                                     progress=True, demand_ha=args.demand_ha,
                                     on_batch=sink))

    # writers run in order: the annual table's writer runs the ensemble for the others
    write_outputs(args.out, {f"annual.{args.format}": run_into,
                             "summary.csv": lambda p: csv_writer(done[0].summary)(p),
                             "draws.csv": lambda p: csv_writer(done[0].draws)(p)},
                  inputs=inputs_used)
    _print_ensemble(scenario.name, args.draws, done[0].summary)
    return 0


_WEIGHT_FIELDS = {"slope": "slope_weight", "urban": "urban_distance_weight",
                  "road": "road_distance_weight", "adjacency": "adjacency_weight"}


def allocate(args: argparse.Namespace) -> int:
    """Run the ``quota allocate`` command; return the exit status."""
    from pathlib import Path

    from landsim.allocation import AllocationParams, allocate_county
    from landsim.cli._args import parse_assignments
    from landsim.datasets import load_sample, read_county
    from landsim.outputs import csv_writer, write_outputs

    run_dir = Path(args.quota_run)
    annual_path = run_dir / "annual.csv"
    if not run_dir.is_dir() or not annual_path.is_file():
        msg = (f"{annual_path}: quota run not found. Fix: give the --out folder of "
               "'landsim quota simulate --by township'")
        raise InputError(msg)
    weights = parse_assignments(args.weights, "--weights")
    unknown = sorted(set(weights) - set(_WEIGHT_FIELDS))
    if unknown:
        msg = (f"--weights: unknown weight(s) {', '.join(unknown)}; valid: "
               f"{', '.join(_WEIGHT_FIELDS)}. Fix: e.g. 'slope=1,urban=2'")
        raise InputError(msg)
    params = AllocationParams().replace(
        {**{_WEIGHT_FIELDS[k]: v for k, v in weights.items()},
         "flexible_swap": bool(args.flexible_swap), "method": args.method},
        origin="--weights")
    try:
        annual = pd.read_csv(annual_path, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        detail = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        msg = f"{annual_path}: cannot be read as CSV ({detail}). Fix: give the run's file"
        raise InputError(msg) from None
    county = (load_sample() if args.county is None
              else read_county(args.county, encoding=args.encoding))
    pieces = None if args.zones is None else _read_zones(args.zones, county, args.encoding)
    result = allocate_county(county, annual, params, pieces=pieces, origin=str(annual_path))
    inputs = [run_dir, *([] if args.county is None else [args.county]),
              *([] if args.zones is None else [args.zones])]
    files = {"allocation.csv": csv_writer(result.allocation, "%.4f"),
             "shortfall.csv": csv_writer(result.shortfall, "%.4f"),
             "zone_consumption.csv": csv_writer(result.consumption, "%.4f"),
             "swaps.csv": csv_writer(result.swaps, "%.4f"),
             "zone_checks.csv": csv_writer(result.checks),
             "allocation.gpkg": _allocation_gpkg(county.parcels, result)}
    write_outputs(args.out, files, inputs=inputs)
    _print_allocation(result)
    return 0


def _read_zones(path: str, county: object, encoding: str | None) -> pd.DataFrame:
    from pathlib import Path

    from landsim.allocation import zones_from_layer, zones_from_table
    from landsim.datasets import VECTOR_SUFFIXES, read_table, read_zone_layer

    p = Path(path)
    if p.suffix.lower() in VECTOR_SUFFIXES:
        layer = read_zone_layer(p, encoding=encoding)
        return zones_from_layer(layer, county.parcels, origin=str(p))  # type: ignore[attr-defined]
    table = read_table(p, "udb_zones", encoding=encoding)
    return zones_from_table(table, county.parcels, origin=str(p))  # type: ignore[attr-defined]


def _allocation_gpkg(parcels: object, result: object) -> object:
    """Writer of ``allocation.gpkg``: allocated parcels by year, and the zone pieces."""
    import geopandas as gpd

    geom = parcels[["parcel_id", "geometry"]]  # type: ignore[index]
    crs = parcels.crs  # type: ignore[attr-defined]
    alloc = gpd.GeoDataFrame(geom.merge(result.allocation, on="parcel_id"),  # type: ignore[attr-defined]
                             geometry="geometry", crs=crs)
    alloc["in_place_stock"] = alloc["in_place_stock"].astype(int)
    alloc["via_swap"] = alloc["via_swap"].astype(int)
    zones = gpd.GeoDataFrame(geom.merge(result.zones, on="parcel_id"),  # type: ignore[attr-defined]
                             geometry="geometry", crs=crs)

    def write(path: object) -> None:
        alloc.to_file(path, layer="allocation", driver="GPKG", engine="pyogrio")
        zones.to_file(path, layer="udb_zones", driver="GPKG", engine="pyogrio")

    return write


def _print_allocation(result: object) -> None:
    tot = result.totals()  # type: ignore[attr-defined]
    granted, placed = tot["granted_ha"].sum(), tot["allocated_ha"].sum()
    short = result.shortfall  # type: ignore[attr-defined]
    full = result.consumption  # type: ignore[attr-defined]
    conc = full[(full["zone"] == "01") & (full["township"] != "ALL")]
    fills = sorted({(str(t), int(y)) for t, y in zip(conc["township"], conc["full_year"],
                                                      strict=True) if not pd.isna(y)})
    print(f"allocated 落地 {placed:,.1f} of {granted:,.1f} ha granted "
          f"({int(tot['year'].min())}-{int(tot['year'].max())}); shortfall 缺口 "
          f"{short['shortfall_ha'].sum():,.1f} ha, via flexible-zone swap "
          f"{short['via_swap_ha'].sum():,.1f} ha, stock redeveloped in place "
          f"{short['in_place_stock_ha'].sum():,.1f} ha")
    print("concentrated zone full 集中建设区用完: "
          + (", ".join(f"{t} {y}" for t, y in fills) or "not within the run"))
    failed = result.checks.loc[~result.checks["ok"], "item"].tolist()  # type: ignore[attr-defined]
    print("zone checks 分区检查: " + ("all passed" if not failed else
                                    "failed: " + "; ".join(failed)))


def _print_single(name: str, annual: pd.DataFrame) -> None:
    total = annual["new_construction_land_ha"].sum()
    binding = annual.loc[annual["binding_cap"] != "none", ["year", "binding_cap", "withheld_ha"]]
    limits = ", ".join(f"{y} {c} ({w:,.1f} ha withheld)"
                       for y, c, w in binding.itertuples(index=False)) or "none"
    print(f"scenario {name}: {int(annual['year'].min())}-{int(annual['year'].max())}, "
          f"new construction land 新增建设用地 {total:,.1f} ha ({ha_to_mu(total):,.0f} mu); "
          f"population link {annual['pop_link_quota_ha'].sum():,.1f} of "
          f"{annual['pop_link_requested_ha'].sum():,.1f} ha requested, stock link "
          f"{annual['stock_link_quota_ha'].sum():,.1f} of "
          f"{annual['stock_link_requested_ha'].sum():,.1f} ha, key projects "
          f"{annual['key_project_quota_ha'].sum():,.1f} ha")
    print(f"limits 约束: {limits}")


def _print_ensemble(name: str, draws: int, summary: pd.DataFrame) -> None:
    cum = summary.iloc[-1]
    print(f"scenario {name}: {draws:,} draws; cumulative new construction land by "
          f"{int(cum['year'])}: median {cum['cumulative_new_ha_p50']:,.1f} ha, "
          f"5-95 % {cum['cumulative_new_ha_p5']:,.1f}-{cum['cumulative_new_ha_p95']:,.1f} ha")
    if "p_shortfall" in summary:
        worst = summary.loc[summary["p_shortfall"].idxmax()]
        print(f"shortfall 缺口 vs {worst['demand_ha']:,.1f} ha/year: highest probability "
              f"{worst['p_shortfall']:.0%} in {int(worst['year'])}; mean over years "
              f"{np.mean(summary['p_shortfall']):.0%}")
    else:
        print("no demand given (--demand-ha or demand_ha_per_year): no shortfall probability")
