"""``landsim stock assess``: the stock-land assessment from the command line.

    landsim stock assess [--as-of DATE] [--county DIR] [--policy TOML] --out DIR

Errors are :class:`~landsim.errors.InputError` (a ``ValueError``), which :func:`landsim.cli.main`
prints as one line with exit status 2.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from landsim.cli._args import add_county, add_encoding, add_out

__all__ = ["register"]


def _assess(args: argparse.Namespace) -> int:
    """Handler of ``landsim stock assess``."""
    from landsim.datasets import read_county, table_path
    from landsim.resources import sample_county_dir
    from landsim.stockland.assess import assess_stock, write_assessment
    from landsim.stockland.params import load_stock_policy
    from landsim.synthetic import AS_OF
    from landsim.units import MU_PER_HA

    folder = Path(args.county) if args.county else sample_county_dir()
    county = read_county(folder, encoding=args.encoding)
    sources = {name: str(table_path(folder, name))
               for name in ("supply_batches", "stock_plots", "industrial_contracts")}
    policy = load_stock_policy(args.policy)
    result = assess_stock(county, args.as_of or AS_OF, policy, sources=sources)
    write_assessment(result, args.out, inputs=[*sources.values(), args.policy])
    s = result.summary()
    print(f"Stock land 存量土地 as of {s['as_of']} -> {args.out}")
    print(f"  idle 闲置: {s['idle_contracts']} contracts, {s['idle_ha']:,.2f} ha "
          f"({s['idle_ha'] * MU_PER_HA:,.1f} mu), fee due {s['idle_fee_due_wan_yuan']:,.2f} 万元, "
          f"{s['unpaid_recovery_eligible']} eligible for unpaid recovery")
    print(f"  unsupplied 批而未供: {s['unsupplied_ha']:,.2f} ha ({s['unsupplied_mu']:,.1f} mu); "
          f"5-year supply rate {s['supply_rate_5y']:.1%} (floor {s['supply_rate_floor']:.0%})")
    if s["supply_status"].startswith("back-dated"):
        print(f"  note: {s['supply_status']}")
    print(f"  inefficient 低效: {s['inefficient_units']} of {s['performance_units']} units, "
          f"{s['inefficient_ha']:,.2f} ha")
    print(f"  contracts 双合同: {s['contract_breaches']} breaches in "
          f"{s['contracts_in_breach']} contracts")
    return 0


def register(subparsers: argparse._SubParsersAction, verb: str = "stock"
             ) -> argparse.ArgumentParser:
    """Add the ``stock`` command (with ``assess``) to a subparsers object; return it."""
    stock = subparsers.add_parser(
        "stock", help="stock land: idle, unsupplied, inefficient land and contracts")
    sub = stock.add_subparsers(dest="stock_command", required=True, metavar="SUBCOMMAND")
    assess = sub.add_parser(
        "assess", help="assess idle (闲置), unsupplied (批而未供), inefficient (低效) land "
        "and industrial contracts (双合同)")
    assess.add_argument("--as-of", default=None, metavar="DATE",
                        help="assessment date YYYY-MM-DD (default: the sample's 2022-12-31)")
    add_county(assess)
    add_encoding(assess)
    assess.add_argument("--policy", default=None, metavar="TOML",
                        help="stock-land policy file (default: the packaged stockland.toml)")
    add_out(assess)
    assess.set_defaults(func=_assess)
    return stock
