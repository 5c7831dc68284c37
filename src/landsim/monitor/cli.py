"""``landsim report``: the annual plan health-check report from the command line.

Wire it into the main parser with::

    from landsim.monitor.cli import register
    register(subparsers)        # subparsers = parser.add_subparsers(...)

    landsim report --year Y --out report.html [--county DIR] [--scenario FILE]
                   [--layout DIR] [--thresholds TOML] [--review]

Errors are :class:`~landsim.errors.InputError` (a ``ValueError``), which ``landsim.cli.main``
prints as one line with exit status 2.
"""

from __future__ import annotations

import argparse

__all__ = ["register", "run_report"]


def run_report(args: argparse.Namespace) -> int:
    """Handler of ``landsim report``."""
    from landsim.monitor.report import render_report

    path = render_report(args.year, args.out, county_dir=args.county, scenario=args.scenario,
                         layout=args.layout, review=args.review, thresholds=args.thresholds,
                         execute=not args.no_execute)
    mode = "five-year review 五年评估" if args.review else "annual health check 年度体检"
    print(f"wrote {mode} report for {args.year} -> {path}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``report`` command to a subparsers object; return its parser."""
    report = subparsers.add_parser(
        "report", help="annual plan health-check report (年度体检评估) as one HTML file")
    report.add_argument("--year", type=int, required=True, metavar="Y",
                        help="year assessed (history years, or later simulated years)")
    report.add_argument("--out", required=True, metavar="FILE", help="output HTML file")
    report.add_argument("--county", default=None, metavar="DIR",
                        help="county folder (default: the bundled sample county)")
    report.add_argument("--scenario", default=None, metavar="FILE",
                        help="quota scenario TOML (default data/scenarios/baseline.toml)")
    report.add_argument("--layout", default=None, metavar="DIR",
                        help="farmland layout result folder holding summary.json")
    report.add_argument("--thresholds", default=None, metavar="TOML",
                        help="traffic-light thresholds (default data/policy/monitor.toml)")
    report.add_argument("--review", action="store_true",
                        help="five-year review: compare the plan's targets with the trajectory")
    report.add_argument("--no-execute", action="store_true",
                        help="build the report in-process instead of executing the notebook "
                             "template headless (same content, no Jupyter kernel)")
    report.set_defaults(func=run_report)
    return report
