"""The ``landsim`` command: a lazy verb table.

    landsim --version
    landsim info [PATH]                       county summary (sample county by default)
    landsim sample [--parcels N] [--seed S] [--sandiao] --out DIR
    landsim county import --dltb FILE [--pbf FILE] [--redline FILE] [--udb FILE]
                          [--quality FILE] [--mapping FILE] [--encoding ENC] --out DIR
    landsim check [COUNTY] [--seeds ...]      the same quantity through every module's path
    landsim quota simulate --scenario NAME|FILE [--draws N --seed S --scheduler ADDR] --out DIR
    landsim quota allocate --quota-run DIR [--zones FILE] [--flexible-swap] --out DIR
    landsim farmland optimize --parcels FILE [--edges FILE] [--boundary-weight W] --out DIR
    landsim farmland marxan INPUT_DIR --out DIR
    landsim stock assess [--as-of DATE] [--county DIR] --out DIR
    landsim topsoil plan ... --out DIR        (耕作层剥离再利用)
    landsim siting compare ... --out DIR      (多方案比选)
    landsim report --year Y --out report.html  (annual plan health check 体检评估)
    landsim register import|status|history|stuck ...   (一码管地 land register)
    landsim checklist init|document|supply ...         (用地清单 pre-supply checklist)
    landsim siting chapter ... --out chapter.docx       (节约集约用地专章)

Only the module of the verb being run is imported: ``landsim --version`` and
``landsim --help`` load no engine, pandas or solver. Bad input prints a one-line error to
stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from landsim import __version__
from landsim.errors import LandsimError

__all__ = ["EXIT_INPUT", "VERBS", "OneLineParser", "UsageError", "build_parser", "main"]

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
    "cultivated": ("landsim.cli.cultivated",
                   "newly added cultivated land and the 占补平衡 balance (新增耕地核定)"),
    "report": ("landsim.cli.report", "annual plan health-check report (年度体检评估) as one HTML file"),
    "register": ("landsim.cli.register",
                 "land-lifecycle register keyed by the unit code (一码管地)"),
    "checklist": ("landsim.cli.register",
                  "pre-supply land checklist (用地清单) and its supply gate"),
}
"""Verb -> (module that registers it, one-line help). Each module has ``register(sub, verb)``."""


def _selected_verb(argv: Sequence[str]) -> str | None:
    for token in argv:
        if not token.startswith("-"):
            return token if token in VERBS else None
    return None


class UsageError(LandsimError):
    """A command-line usage error (unknown option, bad option value)."""


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage block) and exit status 2."""

    def error(self, message: str) -> NoReturn:  # type: ignore[override]
        hint = f"see `{self.prog} --help`"
        text = message.rstrip(".")
        if text.startswith("argument ") and ": " in text:
            option, rest = text[len("argument "):].split(": ", 1)
            if rest.startswith(option.split("/")[0]):
                text = rest  # our own types already name the option
        raise UsageError(f"{self.prog}: {text}. Fix: {hint}" if "Fix:" not in text
                         else f"{self.prog}: {text}")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the verb named in ``argv`` (all verbs when ``argv`` is None) is loaded."""
    parser = OneLineParser(
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


def _one_line(text: object) -> str:
    """An error message on one line."""
    return " ".join(str(text).split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Before the verb runs, every path the user gave (options and arguments other than
    ``--out``) is registered as an input that no output may replace, and ``--out`` is
    checked (a folder where a file is needed or the reverse, an unwritable place), so a bad
    ``--out`` is reported before any long computation. Bad input, an infeasible request, a
    usage error or an operating-system error prints one line and exits with status 2.
    """
    from landsim.optimize.budget import command_start

    started = command_start(as_command=argv is None)
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser(argv)
        args = parser.parse_args(argv)
        args.started = started  # a wall-clock budget (--time-limit) counts from here
        from landsim.outputs import check_out, protected_inputs

        with protected_inputs(_given_paths(args)):
            if getattr(args, "out", None) is not None:
                check_out(args.out, kind=getattr(args, "out_kind", "folder"))
            return int(args.func(args))
    except (LandsimError, ValueError) as err:
        print(f"landsim: error: {_one_line(err)}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as err:
        where = f"{err.filename}: " if getattr(err, "filename", None) else ""
        reason = err.strerror or _one_line(err)
        print(f"landsim: error: {where}{reason}. Fix: check that the path exists, is the "
              "right kind (file or folder) and that you may read and write there",
              file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("landsim: interrupted; no output was moved into place", file=sys.stderr)
        return 130


def _given_paths(args: argparse.Namespace) -> list[str]:
    """Every option or argument value naming an existing file or folder, except --out."""
    import os

    paths = []
    for name, value in vars(args).items():
        if name == "out" or not isinstance(value, str | os.PathLike):
            continue
        try:
            if os.path.exists(value):
                paths.append(os.fspath(value))
        except (OSError, ValueError):
            continue
    return paths


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
