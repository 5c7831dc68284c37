"""Arguments shared by several verbs, defined once with one default and one validation.

``--out``, ``--county``, ``--parcels``, ``--solver``, ``--time-limit``, ``--gap`` and
``--seed`` are added by the functions below so that every verb spells, defaults and checks
them the same way. Validation happens in :mod:`argparse` types, so a bad value is a one-line
usage error (exit 2) before anything runs.
"""

from __future__ import annotations

import argparse
import math

from landsim.errors import InputError

__all__ = [
    "add_county",
    "add_encoding",
    "add_example_verb",
    "add_out",
    "add_parcels",
    "add_seed",
    "add_solver_options",
    "nonnegative",
    "parse_assignments",
    "verb_group",
    "whole",
]


def _finite(text: str, option: str) -> float:
    try:
        value = float(text)
    except ValueError:
        msg = f"{option} {text!r}: not a number. Fix: give a number"
        raise argparse.ArgumentTypeError(msg) from None
    if not math.isfinite(value):
        msg = f"{option} {text}: not a finite number. Fix: give a finite number"
        raise argparse.ArgumentTypeError(msg)
    return value


def _checked(check, text: str, option: str) -> float:
    """Run a shared validator of :mod:`landsim.optimize` on an option's text."""
    from landsim.errors import InputError as _InputError

    value = _finite(text, option)
    try:
        return float(check(value, option))
    except _InputError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def time_limit(text: str) -> float:
    """``--time-limit``: seconds, finite and > 0 (the check of every solve path)."""
    from landsim.optimize.solvers import check_time_limit

    return _checked(check_time_limit, text, "--time-limit")


def gap(text: str) -> float:
    """``--gap``: relative MIP gap, 0 <= gap < 1 (the check of every solve path)."""
    from landsim.optimize.solvers import check_gap

    return _checked(check_gap, text, "--gap")


def nonnegative(option: str):
    """An argparse type: a finite number >= 0 for ``option``."""

    def parse(text: str) -> float:
        value = _finite(text, option)
        if value < 0:
            msg = f"{option} {text}: must be >= 0. Fix: give a non-negative number"
            raise argparse.ArgumentTypeError(msg)
        return value

    return parse


def whole(option: str, minimum: int = 1):
    """An argparse type: a whole number >= ``minimum`` for ``option``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            msg = f"{option} {text!r}: not a whole number. Fix: give a whole number >= {minimum}"
            raise argparse.ArgumentTypeError(msg) from None
        if value < minimum:
            msg = f"{option} {text}: must be >= {minimum}. Fix: give a larger number"
            raise argparse.ArgumentTypeError(msg)
        return value

    return parse


def seed(text: str) -> int:
    """``--seed``: a whole number >= 0."""
    try:
        value = int(text)
    except ValueError:
        msg = f"--seed {text!r}: not a whole number. Fix: give e.g. 2023"
        raise argparse.ArgumentTypeError(msg) from None
    if value < 0:
        msg = f"--seed {text}: must be >= 0"
        raise argparse.ArgumentTypeError(msg)
    return value


def add_out(parser: argparse.ArgumentParser, *, kind: str = "folder") -> None:
    """``--out`` (required): the output folder (or file, for ``kind='file'``)."""
    metavar = "DIR" if kind == "folder" else "FILE"
    parser.add_argument("--out", required=True, metavar=metavar, help=f"output {kind}")
    parser.set_defaults(out_kind=kind)  # checked by landsim.cli.main before the verb runs


def add_county(parser: argparse.ArgumentParser) -> None:
    """``--county DIR``: a county folder; default the bundled sample county."""
    parser.add_argument("--county", default=None, metavar="DIR",
                        help="county folder (default: the bundled sample county)")


def add_parcels(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """``--parcels FILE``: a parcels file (.gpkg/.csv) or county folder."""
    parser.add_argument("--parcels", required=required, default=None, metavar="FILE",
                        help="parcels (.gpkg or .csv, design 5.1)"
                        + ("" if required else "; default: the bundled sample county"))


def encoding(text: str) -> str:
    """``--encoding``: a text encoding Python knows (utf-8, utf-8-sig, gbk, gb18030, ...)."""
    import codecs

    try:
        codecs.lookup(text)
    except LookupError:
        msg = (f"--encoding {text!r}: unknown encoding. Fix: give e.g. utf-8, utf-8-sig, gbk "
               "or gb18030")
        raise argparse.ArgumentTypeError(msg) from None
    return text


def add_encoding(parser: argparse.ArgumentParser) -> None:
    """``--encoding ENC``: the text encoding of CSV tables and shapefile attributes."""
    parser.add_argument("--encoding", type=encoding, default=None, metavar="ENC",
                        help="text encoding of CSV tables and shapefiles (default: detect "
                             "UTF-8, UTF-8 with BOM or GBK/GB18030)")


def add_seed(parser: argparse.ArgumentParser, default: int | None = 2023,
             help_text: str = "random seed") -> None:
    """``--seed S``."""
    parser.add_argument("--seed", type=seed, default=default, metavar="S",
                        help=f"{help_text} (default {default})")


def add_solver_options(parser: argparse.ArgumentParser, gap_default: float | None = None,
                       *, solvers: tuple[str, ...] | None = None,
                       solver_default: str | None = None,
                       time_default: float | None = None, wall_budget: bool = False,
                       quiet: bool = False) -> None:
    """``--solver``, ``--time-limit`` and ``--gap`` with the shared defaults (a verb may
    give its own defaults and solver list). With ``wall_budget`` the time limit is the
    whole command's wall-clock budget and ``--workers`` and ``--quiet`` are added; with
    ``quiet`` only ``--quiet`` (for a verb that prints the solver's progress)."""
    from landsim.optimize.defaults import (
        DEFAULT_GAP,
        DEFAULT_SOLVER,
        DEFAULT_TIME_LIMIT_S,
        PULP_SOLVERS,
    )

    solvers = ("auto", *PULP_SOLVERS) if solvers is None else solvers
    solver_default = DEFAULT_SOLVER if solver_default is None else solver_default
    time_default = DEFAULT_TIME_LIMIT_S if time_default is None else time_default
    parser.add_argument("--solver", type=solver_choice(solvers), default=solver_default,
                        help=f"MILP solver: {', '.join(solvers)} (default {solver_default})")
    what = ("wall-clock budget of the whole command: start, read, build, solve and write"
            if wall_budget else "solver time limit")
    parser.add_argument("--time-limit", type=time_limit, default=time_default,
                        metavar="S", help=f"{what} [s] (default {time_default:g})")
    gap_default = DEFAULT_GAP if gap_default is None else gap_default
    parser.add_argument("--gap", type=gap, default=gap_default, metavar="G",
                        help=f"relative MIP gap at which to stop (default {gap_default:g})")
    if wall_budget:
        parser.add_argument("--workers", type=whole("--workers"), default=None, metavar="N",
                            help="solver threads (CP-SAT workers; default: the solver's, "
                                 "1 for CP-SAT: measured best on 2 cores)")
    if wall_budget or quiet:
        parser.add_argument("--quiet", action="store_true",
                            help="no progress lines on stderr (incumbent and bound)")


def solver_choice(solvers: tuple[str, ...]):
    """``--solver``: one of ``solvers`` (case-insensitive)."""

    def parse(text: str) -> str:
        name = text.strip().lower()
        if name not in solvers:
            msg = (f"--solver {text!r} is not a solver here. Fix: give one of "
                   f"{', '.join(solvers)}")
            raise argparse.ArgumentTypeError(msg)
        return name

    return parse


def verb_group(subparsers: argparse._SubParsersAction, verb: str, help_text: str,
               description: str) -> argparse._SubParsersAction:
    """Add ``verb`` with sub-verbs (``landsim VERB SUBVERB ...``); return its subparsers."""
    parser = subparsers.add_parser(verb, help=help_text, description=description)
    return parser.add_subparsers(dest=f"{verb}_command", required=True, metavar="VERB")


def add_example_verb(verbs: argparse._SubParsersAction, module: str, what: str,
                     help_text: str) -> None:
    """``example``: write seeded synthetic inputs with ``<module>.write_examples(out, seed=)``."""

    def run(args: argparse.Namespace) -> int:
        import importlib

        paths = importlib.import_module(module).write_examples(args.out, seed=args.seed)
        print(f"wrote {len(paths)} example {what} (synthetic, seed {args.seed}) to {args.out}")
        return 0

    example = verbs.add_parser("example", help=help_text)
    add_seed(example)
    add_out(example)
    example.set_defaults(func=run)


def parse_assignments(text: str | None, what: str) -> dict[str, float]:
    """``'a=1,b=2.5'`` -> ``{'a': 1.0, 'b': 2.5}``; bad items raise :class:`InputError`.

    >>> parse_assignments("a=1, b=2.5", "--set")
    {'a': 1.0, 'b': 2.5}
    """
    out: dict[str, float] = {}
    for item in filter(None, (s.strip() for s in (text or "").split(","))):
        name, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError(item)
            number = float(value)
        except ValueError:
            msg = (f"{what}: {item!r} is not NAME=NUMBER. Fix: write e.g. "
                   "'pbf_ha=2,cultivated_ha=1'.")
            raise InputError(msg) from None
        if not math.isfinite(number):
            msg = f"{what}: {item!r} is not a finite number. Fix: give a finite value"
            raise InputError(msg)
        out[name.strip()] = number
    return out
