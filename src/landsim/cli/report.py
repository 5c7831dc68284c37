"""``landsim report``: the annual plan health-check report from the command line.

    landsim report --year Y --out report.html [--county DIR] [--scenario FILE]
                   [--layout DIR] [--thresholds TOML] [--review]

Errors are :class:`~landsim.errors.InputError` (a ``ValueError``), which ``landsim.cli.main``
prints as one line with exit status 2.
"""

from __future__ import annotations

import argparse

from landsim.cli._args import add_county, add_out

__all__ = ["register"]


def _report(args: argparse.Namespace) -> int:
    """Handler of ``landsim report``."""
    from landsim.monitor.report import render_report

    path = render_report(args.year, args.out, county_dir=args.county, scenario=args.scenario,
                         layout=args.layout, review=args.review, thresholds=args.thresholds,
                         execute=not args.no_execute)
    mode = "five-year review 五年评估" if args.review else "annual health check 年度体检"
    print(f"wrote {mode} report for {args.year} -> {path}")
    return 0


def register(subparsers: argparse._SubParsersAction, verb: str = "report"
             ) -> argparse.ArgumentParser:
    """Add the ``report`` command to a subparsers object; return its parser."""
    report = subparsers.add_parser(
        "report", help="annual plan health-check report (年度体检评估) as one HTML file")
    report.add_argument("--year", type=int, required=True, metavar="Y",
                        help="year assessed (history years, or later simulated years)")
    add_out(report, kind="file")
    add_county(report)
    report.add_argument("--scenario", default=None, metavar="NAME|FILE",
                        help="quota scenario TOML or packaged name (default: baseline)")
    report.add_argument("--layout", default=None, metavar="DIR",
                        help="farmland layout result folder holding summary.json")
    report.add_argument("--thresholds", default=None, metavar="TOML",
                        help="traffic-light thresholds (default: the packaged monitor.toml)")
    report.add_argument("--review", action="store_true",
                        help="five-year review: compare the plan's targets with the trajectory")
    report.add_argument("--no-execute", action="store_true",
                        help="build the report in-process instead of executing the notebook "
                             "template headless (same content, no Jupyter kernel)")
    report.set_defaults(func=_report)
    return report
