"""``landsim cultivated``: new cultivated-land verification and the 占补平衡 accounts.

    landsim cultivated verify --projects FILE [--policy TOML] --out DIR
    landsim cultivated balance [--county DIR] [--quota-run DIR | --scenario NAME|FILE]
                               [--layout FILE] [--policy TOML] --out DIR

``verify`` writes ``verified.csv`` (one row per project: newly added cultivated area,
paddy, grades, grain capacity, passed, failed rules, credits) and ``failures.csv`` (one
row per failed rule with the value and the limit). ``balance`` writes ``accounts.csv``
(year, township, account, opening, credit, debit, closing; county rows 全县),
``queue.csv`` (occupations waiting at the end of each year with the shortfall per
account), ``decisions.csv`` and ``verified.csv``. Construction occupation comes from a
quota run's ``annual.csv`` (``--quota-run``) or, without it, from running the scenario
(default ``baseline``) on the county; the county's ``cultivated_occupations.csv``
(afforestation, orchards, ...) is added when present. ``--layout`` (the ``layout.csv`` of
``landsim farmland optimize``) adds ``pbf_quality.csv``: the quality of the land the PBF
layout brings in against the land it takes out.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from landsim.cli._args import add_county, add_encoding, add_out, verb_group

__all__ = ["register"]


def _policy(args: argparse.Namespace):
    from landsim.cultivated import load_cultivated_policy

    return load_cultivated_policy(args.policy)


def _verify(args: argparse.Namespace) -> int:
    """Handler of ``landsim cultivated verify``."""
    from landsim.cultivated import verify_projects
    from landsim.datasets import read_table
    from landsim.outputs import csv_writer, write_outputs

    policy = _policy(args)
    projects = read_table(args.projects, "cultivated_projects", encoding=args.encoding)
    result = verify_projects(projects, policy, source=str(args.projects))
    write_outputs(args.out, {"verified.csv": csv_writer(result.verified.round(6), None),
                             "failures.csv": csv_writer(result.failures, None)},
                  inputs=[args.projects, *([args.policy] if args.policy else [])])
    v = result.verified
    ok = v[v["passed"]]
    print(f"新增耕地核定 verified {len(v)} projects -> {args.out}: {len(ok)} passed, "
          f"{len(v) - len(ok)} failed")
    print(f"  credited: quantity {ok['credit_quantity_ha'].sum():,.2f} ha, grain capacity "
          f"{ok['credit_capacity_kg'].sum():,.0f} kg, paddy {ok['credit_paddy_ha'].sum():,.2f} ha")
    if len(result.failures):
        counts = result.failures["rule"].value_counts().sort_index()
        print("  failed rules: " + ", ".join(f"{r} {n}" for r, n in counts.items()))
    return 0


def _quota_annual(args: argparse.Namespace, county):
    """County-level annual table of a quota run (read, or run now)."""
    import pandas as pd

    from landsim.errors import InputError

    if args.quota_run is not None:
        folder = Path(args.quota_run)
        path = folder / "annual.csv" if folder.is_dir() else folder
        if not path.is_file():
            msg = (f"--quota-run {args.quota_run}: no annual.csv there. Fix: give the --out "
                   "folder of `landsim quota simulate`")
            raise InputError(msg)
        try:
            return pd.read_csv(path), str(path)
        except (ValueError, UnicodeDecodeError) as err:
            msg = f"{path}: not a readable CSV ({' '.join(str(err).split())})"
            raise InputError(msg) from None
    from landsim.quota.scenario import Scenario, ScenarioInputs, run_scenario
    from landsim.resources import scenario_file

    scenario = Scenario.from_toml(scenario_file(args.scenario))
    run = run_scenario(scenario, ScenarioInputs.from_county(county))
    return run.annual, f"scenario {scenario.name}"


def _balance(args: argparse.Namespace) -> int:
    """Handler of ``landsim cultivated balance``."""
    import pandas as pd

    from landsim.cultivated import (
        COUNTY,
        keep_accounts,
        occupations_from_quota,
        occupied_land_profile,
        price_occupations,
        verify_projects,
    )
    from landsim.datasets import read_county, table_path
    from landsim.errors import InputError
    from landsim.outputs import csv_writer, write_outputs
    from landsim.resources import sample_county_dir

    policy = _policy(args)
    folder = Path(args.county) if args.county else sample_county_dir()
    county = read_county(folder, encoding=args.encoding)
    if county.cultivated_projects is None:
        msg = (f"{table_path(folder, 'cultivated_projects')}: file not found; the balance "
               "needs the county's projects adding cultivated land. Fix: add "
               "cultivated_projects.csv (see data/sample_county/README.md)")
        raise InputError(msg)
    verification = verify_projects(county.cultivated_projects, policy,
                                   source=str(table_path(folder, "cultivated_projects")))
    annual, origin = _quota_annual(args, county)
    profile = occupied_land_profile(county.parcels, policy)
    occupations = occupations_from_quota(annual, profile, policy, source=origin)
    if county.cultivated_occupations is not None:
        other = price_occupations(county.cultivated_occupations, policy, profile)
        occupations = pd.concat([occupations, other[occupations.columns]], ignore_index=True)
    years = range(int(annual["year"].min()), int(annual["year"].max()) + 1)
    towns = (county.townships["township"].astype(str).tolist()
             if county.townships is not None else None)
    result = keep_accounts(verification.credits(), occupations, policy, years=years,
                           townships=towns)
    inputs = [p for p in (args.county, args.quota_run, args.policy, args.layout) if p]
    writers = {}
    if args.layout is not None:
        from landsim.cultivated import layout_quality_check
        from landsim.tabular import read_raw_table

        layout = read_raw_table(Path(args.layout)).frame
        check = layout_quality_check(layout, county.parcels, policy, source=str(args.layout))
        writers["pbf_quality.csv"] = csv_writer(
            check.rename_axis("side").reset_index().assign(
                passed=check.attrs["passed"]).round(6), None)
    write_outputs(args.out, {**writers,"accounts.csv": csv_writer(result.accounts.round(6), None),
                             "queue.csv": csv_writer(result.queue.round(6), None),
                             "decisions.csv": csv_writer(result.decisions.round(6), None),
                             "verified.csv": csv_writer(verification.verified.round(6), None)},
                  inputs=inputs)
    acc = result.accounts
    last = acc[(acc["township"] == COUNTY) & (acc["year"] == years[-1])].set_index("account")
    dec = result.decisions
    print(f"耕地占补平衡 {years[0]}-{years[-1]} ({origin}) -> {args.out}")
    print(f"  closing {years[-1]}: quantity {last.at['quantity_ha', 'closing']:,.2f} ha, "
          f"capacity {last.at['capacity_kg', 'closing']:,.0f} kg, paddy "
          f"{last.at['paddy_ha', 'closing']:,.2f} ha")
    waited = dec[dec["waited_years"] > 0]
    print(f"  occupations: {(dec['status'] == 'approved').sum()} approved "
          f"({len(waited[waited['status'] == 'approved'])} after waiting), "
          f"{(dec['status'] == 'queued').sum()} still queued, "
          f"{(dec['status'] == 'refused').sum()} refused")
    if args.layout is not None:
        print(f"  PBF layout quality 占优补优: added mean grade "
              f"{check.at['added', 'mean_grade']:.2f} vs removed "
              f"{check.at['removed', 'mean_grade']:.2f}: "
              f"{'passed' if check.attrs['passed'] else 'FAILED'}")
    return 0


def register(subparsers: argparse._SubParsersAction, verb: str = "cultivated") -> None:
    """Add the ``cultivated`` command with ``verify`` and ``balance``."""
    sub = verb_group(subparsers, verb, "newly added cultivated land (新增耕地核定) and the "
                     "占补平衡 balance", "Verify projects adding cultivated land and keep the "
                     "three occupation-replenishment accounts (耕地占补平衡, 以补定占).")
    verify = sub.add_parser("verify", help="verify projects adding cultivated land")
    verify.add_argument("--projects", required=True, metavar="FILE",
                        help="project table (.csv or .xlsx; columns of cultivated_projects.csv)")
    verify.add_argument("--policy", default=None, metavar="TOML",
                        help="cultivated-land policy (default: the packaged cultivated.toml)")
    add_encoding(verify)
    add_out(verify)
    verify.set_defaults(func=_verify)
    balance = sub.add_parser("balance", help="keep the three 占补平衡 accounts (以补定占)")
    add_county(balance)
    balance.add_argument("--quota-run", default=None, metavar="DIR",
                         help="--out folder of `landsim quota simulate` (its annual.csv)")
    balance.add_argument("--scenario", default="baseline", metavar="NAME|FILE",
                         help="scenario run on the county when no --quota-run is given "
                              "(default baseline)")
    balance.add_argument("--layout", default=None, metavar="FILE",
                         help="layout.csv of `landsim farmland optimize`: check the quality "
                              "of the PBF brought in against that taken out")
    balance.add_argument("--policy", default=None, metavar="TOML",
                         help="cultivated-land policy (default: the packaged cultivated.toml)")
    add_encoding(balance)
    add_out(balance)
    balance.set_defaults(func=_balance)
