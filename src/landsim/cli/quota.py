"""``landsim quota simulate``: run a scenario file on a county, once or as an ensemble.

    landsim quota simulate --scenario baseline --out build/quota
    landsim quota simulate --scenario FILE --draws 10000 --seed 1 [--scheduler ADDRESS] --out DIR
    landsim quota simulate --scenario baseline --registrations FILE --out DIR

Writes ``annual.csv`` (design 5.3 columns; with ``--draws`` > 1 one row per draw and
year), and for one run ``ledger.csv`` and ``indicators.csv``; for an ensemble
``summary.csv`` (percentile bands and shortfall probability per year) and ``draws.csv``.
"""

from __future__ import annotations

import argparse

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


def simulate(args: argparse.Namespace) -> int:
    """Run the ``quota simulate`` command; return the exit status."""
    from landsim.datasets import load_sample, read_county
    from landsim.outputs import csv_writer, write_outputs
    from landsim.quota.engine import ledger
    from landsim.quota.ensemble import run_ensemble
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
    ensemble = run_ensemble(scenario, inputs, args.draws, seed=args.seed,
                            batch_size=args.batch_size, scheduler=scheduler, progress=True,
                            demand_ha=args.demand_ha)
    write_outputs(args.out, {"annual.csv": csv_writer(ensemble.annual, None),
                             "summary.csv": csv_writer(ensemble.summary),
                             "draws.csv": csv_writer(ensemble.draws)}, inputs=inputs_used)
    _print_ensemble(scenario.name, args.draws, ensemble.summary)
    return 0


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
