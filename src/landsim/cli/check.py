"""``landsim check``: the same quantity through every module's path (consistency check).

    landsim check [COUNTY] [--as-of DATE] [--seeds 20-39 | --seeds 1,2,3] [--parcels N]

Checks the county folder (default: the bundled sample county) with
:func:`landsim.consistency.check_folder`; with ``--seeds`` it also generates a county per
seed, writes it to a temporary folder, reads it back through every reader and checks it.
Exit status 0 when every comparison agrees, 1 on any disagreement (or a generated county
that a reader rejects), 2 on bad input.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["parse_seeds", "register"]

_MIN_PARCELS = 100  # synthesize() needs at least this many parcels
_DEFAULT_PARCELS = 500


def parse_seeds(text: str) -> list[int]:
    """Seeds from ``'20-39'``, ``'1,2,3'`` or a mix (``'1,5-7'``), in order, no repeats.

    >>> parse_seeds("20-23"), parse_seeds("3,1,5-6")
    ([20, 21, 22, 23], [3, 1, 5, 6])
    """
    from landsim.errors import InputError

    seeds: list[int] = []
    for item in (s.strip() for s in str(text).split(",")):
        lo, dash, hi = item.partition("-")
        try:
            first = int(lo)
            last = int(hi) if dash else first
        except ValueError:
            msg = (f"--seeds {text!r}: {item!r} is not a seed or a range. Fix: write e.g. "
                   "20-39 or 1,2,3")
            raise InputError(msg) from None
        if first < 0 or last < first:
            msg = (f"--seeds {text!r}: {item!r} must be whole numbers >= 0, low-high with "
                   "low <= high. Fix: write e.g. 20-39")
            raise InputError(msg)
        seeds += [s for s in range(first, last + 1) if s not in seeds]
    return seeds


def _parcels(text: str) -> int:
    from landsim.errors import InputError

    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < _MIN_PARCELS:
        msg = (f"--parcels {text!r}: must be a whole number >= {_MIN_PARCELS} (parcels per "
               f"generated county). Fix: give e.g. {_DEFAULT_PARCELS}")
        raise InputError(msg)
    return n


def _show(table: pd.DataFrame, text: str, *, full: bool) -> None:
    """Print the report and the comparison table (all rows, or only disagreements)."""
    from landsim.consistency import QUANTITIES

    head, *rest = text.split("\n")
    print(head)
    shown = table if full else table[~table["agree"]]
    if len(shown):
        def fmt(v: float, unit: str) -> str:
            return f"{v:,.6f}" if unit == "fraction" else f"{v:,.4f}"

        out = shown.assign(
            value_a=[fmt(v, u) for v, u in zip(shown["value_a"], shown["unit"], strict=True)],
            value_b=[fmt(v, u) for v, u in zip(shown["value_b"], shown["unit"], strict=True)],
            tolerance=[f"{t:.3g}" for t in shown["tolerance"]],
            result=["agree" if a else "DISAGREE" for a in shown["agree"]],
        )[["quantity", "unit", "path_a", "value_a", "path_b", "value_b", "tolerance",
           "result"]]
        print(out.to_string(index=False))
        if full:
            print("quantities:")
            for q in QUANTITIES.values():
                if q.name in set(table["quantity"]):
                    print(f"  {q.name} [{q.unit}]: {q.description}")
    for line in rest:
        if line.startswith("  note:"):
            print(line)


def _check(args: argparse.Namespace) -> int:
    """Handler of ``landsim check``."""
    from landsim.consistency import check_folder, check_synthetic
    from landsim.errors import InputError
    from landsim.resources import sample_county_dir

    seeds = parse_seeds(args.seeds) if args.seeds is not None else []
    n_parcels = _parcels(args.parcels)
    folder = args.county if args.county else sample_county_dir()
    label = args.county or "the bundled sample county"
    table, text = check_folder(folder, args.as_of, what=str(label), log=False)
    _show(table, text, full=True)
    failed = int(not table["agree"].all())
    for seed in seeds:
        print()
        try:
            t, txt = check_synthetic(seed, n_parcels, args.as_of, log=False)
        except InputError as err:  # a reader rejects a generated county: generator fault
            print(f"Consistency check of synthetic county seed {seed} ({n_parcels:,} "
                  f"parcels): a reader rejected it: {err}")
            failed += 1
            continue
        _show(t, txt, full=False)
        failed += int(not t["agree"].all())
    if seeds:
        print()
        print(f"{1 + len(seeds)} counties checked: "
              + ("all agree." if not failed else f"{failed} with disagreements."))
    return 1 if failed else 0


def register(subparsers: argparse._SubParsersAction, verb: str = "check"
             ) -> argparse.ArgumentParser:
    """Add the ``check`` command to a subparsers object; return its parser."""
    parser = subparsers.add_parser(
        verb, help="consistency check: the same quantity through every module's path",
        description="Recompute idle and unsupplied land, the 5-year supply rate, the UDB "
        "base and room, per-capita urban land and PBF area through each module (quota "
        "engine, stock assess, monitor, parcels, farmland) and report disagreements. Exit "
        "0: all agree; 1: a disagreement; 2: bad input.")
    parser.add_argument("county", nargs="?", default=None, metavar="COUNTY",
                        help="county folder (default: the bundled sample county)")
    parser.add_argument("--as-of", default=None, metavar="DATE",
                        help="as-of date YYYY-MM-DD (default: the end of the county's "
                        "population base year, the quota engine's starting date)")
    parser.add_argument("--seeds", default=None, metavar="SEEDS",
                        help="also generate, write, read back and check a county per seed: "
                        "a range 20-39 or a list 1,2,3")
    parser.add_argument("--parcels", default=str(_DEFAULT_PARCELS), metavar="N",
                        help=f"parcels per generated county (default {_DEFAULT_PARCELS})")
    parser.set_defaults(func=_check)
    return parser
