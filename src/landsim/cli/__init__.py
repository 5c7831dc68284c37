"""The ``landsim`` command: a lazy verb table.

    landsim --version
    landsim info [PATH]                       county summary (sample county by default)
    landsim sample [--parcels N] [--seed S] [--sandiao] --out DIR
    landsim county import --dltb FILE [--pbf FILE] [--redline FILE] [--udb FILE]
                          [--quality FILE] [--mapping FILE] [--encoding ENC] --out DIR
    landsim check [COUNTY] [--seeds ...]      the same quantity through every module's path
    landsim quota simulate --scenario NAME|FILE [--draws N --seed S --scheduler ADDR] --out DIR
    landsim farmland optimize --parcels FILE [--edges FILE] [--boundary-weight W] --out DIR
    landsim farmland marxan INPUT_DIR --out DIR
    landsim stock assess [--as-of DATE] [--county DIR] --out DIR
    landsim topsoil plan ... --out DIR        (耕作层剥离再利用)
    landsim siting compare ... --out DIR      (多方案比选)
    landsim report --year Y --out report.html  (annual plan health check 体检评估)

Only the module of the verb being run is imported: ``landsim --version`` and
``landsim --help`` load no engine, pandas or solver. Bad input prints a one-line error to
stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from landsim import __version__
from landsim.errors import LandsimError

__all__ = ["EXIT_INPUT", "VERBS", "build_parser", "main"]

EXIT_INPUT = 2
"""Exit status for bad input (and infeasible requests)."""

VERBS: dict[str, tuple[str, str]] = {
    "info": ("landsim.cli.county", "summarise a county: parcels, land classes, PBF"),
    "sample": ("landsim.cli.county", "write a synthetic county (seeded)"),
    "county": ("landsim.cli.county", "import a county's 三调 land-survey layers (三调数据导入)"),
    "check": ("landsim.cli.check",
              "consistency check: the same quantity through every module's path"),
    "quota": ("landsim.cli.quota", "two-links quota simulation (两挂钩)"),
    "farmland": ("landsim.cli.farmland", "permanent basic farmland layout (永久基本农田布局优化)"),
    "stock": ("landsim.cli.stock",
              "stock land: idle, unsupplied, inefficient land and contracts"),
    "topsoil": ("landsim.cli.topsoil", "topsoil stripping and reuse plan (耕作层剥离再利用)"),
    "siting": ("landsim.cli.siting",
               "site/route scheme comparison and three-lines checks (多方案比选)"),
    "report": ("landsim.cli.report", "annual plan health-check report (年度体检评估) as one HTML file"),
}
"""Verb -> (module that registers it, one-line help). Each module has ``register(sub, verb)``."""


def _selected_verb(argv: Sequence[str]) -> str | None:
    for token in argv:
        if not token.startswith("-"):
            return token if token in VERBS else None
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the verb named in ``argv`` (all verbs when ``argv`` is None) is loaded."""
    parser = argparse.ArgumentParser(
        prog="landsim",
        description="County land-use quota simulation and farmland layout (节约集约利用土地).")
    parser.add_argument("--version", action="version", version=f"landsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = None if argv is None else _selected_verb(argv)
    for verb, (module, help_text) in VERBS.items():
        if argv is None or verb == chosen:
            importlib.import_module(module).register(sub, verb)
        else:
            sub.add_parser(verb, help=help_text)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (LandsimError, ValueError) as err:
        print(f"landsim: error: {err}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("landsim: interrupted; no output was moved into place", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
