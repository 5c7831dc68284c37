"""``landsim report``: the annual plan health-check report from the command line.

    landsim report --year Y --out report.html|report.docx [--county DIR] [--scenario FILE]
                   [--layout DIR] [--thresholds TOML] [--review]
                   [--bureau TEXT] [--date YYYY-MM-DD] [--data-version 三调|年度变更]

``--out`` ending in ``.docx`` writes a Word document, ``.html`` one self-contained web
page. Errors are :class:`~landsim.errors.InputError` (a ``ValueError``), which
``landsim.cli.main`` prints as one line with exit status 2.
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
                         execute=not args.no_execute, bureau=args.bureau, date=args.date,
                         data_version=args.data_version)
    mode = "五年评估 five-year review" if args.review else "年度体检 annual health check"
    print(f"已写出 wrote {mode} report for {args.year} -> {path}")
    return 0


def register(subparsers: argparse._SubParsersAction, verb: str = "report"
             ) -> argparse.ArgumentParser:
    """Add the ``report`` command to a subparsers object; return its parser."""
    report = subparsers.add_parser(
        "report", help="annual plan health-check report (年度体检评估): .html or .docx",
        description="Annual plan health-check report (国土空间规划年度体检评估), an annex with a "
                    "cover block, traffic lights, a written diagnosis of every red and "
                    "yellow indicator, a map, the quota ledger and, with --review, the "
                    "five-year review. --out report.docx writes Word, report.html a web page.")
    report.add_argument("--year", type=int, required=True, metavar="Y",
                        help="year assessed (history years, or later simulated years)")
    add_out(report, kind="file")
    add_county(report)
    report.add_argument("--scenario", default=None, metavar="NAME|FILE",
                        help="quota scenario TOML or packaged name (default: baseline)")
    report.add_argument("--layout", default=None, metavar="DIR",
                        help="farmland layout result folder holding summary.json "
                             "(and layout.csv: a map of the change)")
    report.add_argument("--thresholds", default=None, metavar="TOML",
                        help="traffic-light thresholds (default: the packaged monitor.toml)")
    report.add_argument("--review", action="store_true",
                        help="five-year review: compare the plan's targets with the trajectory")
    report.add_argument("--bureau", default=None, metavar="TEXT",
                        help="编制单位 on the cover (default: <county>自然资源局)")
    report.add_argument("--date", default=None, metavar="YYYY-MM-DD",
                        help="date on the cover (default: today)")
    report.add_argument("--data-version", default=None, choices=("三调", "年度变更"),
                        help="survey the land figures come from (default 年度变更: the annual "
                             "change survey of the last history year)")
    report.add_argument("--no-execute", action="store_true",
                        help="build the HTML report in-process instead of executing the "
                             "notebook template headless (same content, no Jupyter kernel; "
                             "the Word export is always built in-process)")
    report.set_defaults(func=_report)
    return report
