"""``landsim register`` (一码管地) and ``landsim checklist`` (用地清单) commands.

    landsim register import [--county DIR] --out DIR
    landsim register status [--county DIR | --register DIR] --as-of DATE --out DIR
    landsim register history --unit CODE [--county DIR | --register DIR] [--out DIR]
    landsim register stuck [--county DIR | --register DIR] --as-of DATE [--stage S ...]
                           [--policy TOML] --out DIR
    landsim checklist init [--county DIR | --register DIR] --as-of DATE [--unit CODE ...]
                           --out DIR
    landsim checklist document --checklist CSV --unit CODE [...] --out FILE.docx
    landsim checklist supply --checklist CSV --unit CODE --date DATE --contract ID
                             [--override-reason TEXT] [...] --out DIR

A register folder (``register import``) holds ``units.csv``, ``events.csv`` and
``contracts.csv`` (the supply contracts of its units, which the Order No. 53 idle test
reads). Without ``--register`` the register is imported from the county folder (default
the bundled sample county). Errors print one line and exit with status 2.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from landsim.cli._args import add_county, add_encoding, add_out, verb_group
from landsim.errors import InputError

__all__ = ["register", "register_checklist"]

CONTRACTS_FILE = "contracts.csv"


def _policy(args: argparse.Namespace) -> Any:
    """The register policy of ``--policy`` (or the packaged one), read once per command."""
    from landsim.register.params import load_register_policy

    if getattr(args, "_register_policy", None) is None:
        args._register_policy = load_register_policy(getattr(args, "policy", None))
    return args._register_policy


def _load(args: argparse.Namespace) -> tuple[Any, Any, list[str]]:
    """(register, contracts or None, input paths) from --register or --county."""
    from landsim.datasets import read_county, read_table, table_path
    from landsim.register.importer import import_county
    from landsim.register.lifecycle import read_register
    from landsim.resources import sample_county_dir

    pol = _policy(args)
    if getattr(args, "register", None):
        if args.county:
            msg = ("--register and --county: give one (a register folder, or a county folder "
                   "whose tables are imported)")
            raise InputError(msg)
        folder = Path(args.register)
        reg = read_register(folder, pol.codes.county_code)
        cpath = folder / CONTRACTS_FILE
        contracts = (read_table(cpath, "industrial_contracts", encoding=args.encoding)
                     if cpath.is_file() else None)
        return reg, contracts, [str(folder / n) for n in ("units.csv", "events.csv",
                                                          CONTRACTS_FILE)]
    folder = Path(args.county) if args.county else sample_county_dir()
    county = read_county(folder, encoding=args.encoding)
    names = ("supply_batches", "industrial_contracts", "stock_plots")
    sources = {n: table_path(folder, n).name for n in names}
    if all(getattr(county, n, None) is None for n in names):
        msg = (f"{folder}: no {', '.join(sources.values())}: the county has no land to "
               "register. Fix: add the county's supply batches, contracts or stock plots "
               "(see data/sample_county/README.md)")
        raise InputError(msg)
    reg = import_county(county, pol.codes.county_code, sources)
    return reg, county.industrial_contracts, [str(table_path(folder, n)) for n in names]


def _unit(code: str, args: argparse.Namespace) -> str:
    from landsim.register.codes import code_problem

    problem = code_problem(code, _policy(args).codes.county_code)
    if problem:
        msg = f"--unit: {problem}. Fix: give the unit's 28-character code (units.csv)"
        raise InputError(msg)
    return code


def _as_of(args: argparse.Namespace) -> str:
    from landsim.stockland._common import as_timestamp, fmt_date

    return fmt_date(as_timestamp(args.as_of, "--as-of"))


def _stage_lines(status: Any) -> None:
    from landsim.register.lifecycle import stage_counts

    for r in stage_counts(status).itertuples(index=False):
        print(f"  {r.stage_name}: {r.units} units, {r.area_ha:,.2f} ha ({r.area_mu:,.1f} mu)")


def _register_files(reg: Any, contracts: Any) -> dict[str, Any]:
    from landsim.outputs import csv_writer
    from landsim.register.lifecycle import register_writers

    writers = register_writers(reg)
    if contracts is not None:
        writers[CONTRACTS_FILE] = csv_writer(contracts, None)
    return writers


def _import(args: argparse.Namespace) -> int:
    from landsim.outputs import csv_writer, write_outputs
    from landsim.register.lifecycle import stage_counts, status_at
    from landsim.synthetic import AS_OF

    reg, contracts, inputs = _load(args)
    status = status_at(reg, AS_OF, contracts)
    writers = _register_files(reg, contracts)
    writers["stages.csv"] = csv_writer(stage_counts(status), "%.6f")
    write_outputs(args.out, writers, inputs=inputs)
    generated = int(reg.units["code_origin"].fillna("").str.startswith("generated").sum())
    print(f"register 一码管地: {len(reg.units)} units ({generated} with generated, synthetic "
          f"codes), {len(reg.events)} events -> {args.out}; stages at {AS_OF}:")
    _stage_lines(status)
    return 0


def _status(args: argparse.Namespace) -> int:
    from landsim.outputs import csv_writer, json_writer, write_outputs
    from landsim.register.lifecycle import stage_counts, status_at

    reg, contracts, inputs = _load(args)
    day = _as_of(args)
    status = status_at(reg, day, contracts)
    totals = {f"{c}_ha": float(status.loc[status["stock_category"] == c, "stock_ha"].sum())
              for c in ("unsupplied", "idle", "inefficient")}
    write_outputs(args.out, {"status.csv": csv_writer(status, "%.6f"),
                             "stages.csv": csv_writer(stage_counts(status), "%.6f"),
                             "summary.json": json_writer({"as_of": day,
                                                          "units": len(status), **totals})},
                  inputs=inputs)
    print(f"register status at {day}: {len(status)} units -> {args.out}")
    _stage_lines(status)
    print("  stock 存量: " + ", ".join(f"{k.removesuffix('_ha')} {v:,.2f} ha"
                                     for k, v in totals.items()))
    return 0


def _history(args: argparse.Namespace) -> int:
    from landsim.outputs import csv_writer, write_outputs
    from landsim.register.lifecycle import unit_history

    reg, _, inputs = _load(args)
    hist = unit_history(reg, _unit(args.unit, args))
    if args.out:
        write_outputs(args.out, {"history.csv": csv_writer(hist, "%.6f")}, inputs=inputs)
    print(f"unit {args.unit}: {len(hist)} events")
    for r in hist.itertuples(index=False):
        print(f"  {r.date or '(no date)':<10}  {r.stage_name:<24} {r.reference:<12} "
              f"{r.finding}  [{r.source}]")
    return 0


def _stuck(args: argparse.Namespace) -> int:
    from landsim.outputs import csv_writer, write_outputs
    from landsim.register.lifecycle import stuck_units

    reg, contracts, inputs = _load(args)
    day = _as_of(args)
    stuck = stuck_units(reg, day, _policy(args).stuck, contracts, args.stage)
    write_outputs(args.out, {"stuck.csv": csv_writer(stuck, "%.6f")},
                  inputs=[*inputs, args.policy])
    print(f"stuck units at {day}: {len(stuck)} -> {args.out}")
    for stage, n in stuck.groupby("stuck_in", sort=False).size().items():
        print(f"  {stage}: {n}")
    return 0


def _source_options(p: argparse.ArgumentParser) -> None:
    add_county(p)
    p.add_argument("--register", default=None, metavar="DIR",
                   help="register folder written by `landsim register import` (instead of "
                        "importing the county's tables)")
    p.add_argument("--policy", default=None, metavar="TOML",
                   help="register policy (default: the packaged register.toml)")
    add_encoding(p)


def register(subparsers: argparse._SubParsersAction, verb: str = "register") -> None:
    """Add ``register`` (import, status, history, stuck) to ``landsim``, or ``checklist``
    (:func:`register_checklist`) when ``verb`` is 'checklist'."""
    if verb == "checklist":
        register_checklist(subparsers, verb)
        return
    verbs = verb_group(
        subparsers, "register", "land-lifecycle register keyed by the unit code (一码管地)",
        "Land units keyed by the 28-character real-estate unit code with dated approval, "
        "supply, use, replenishment, inspection and registration events (批供用补查登).")
    imp = verbs.add_parser("import", help="import the county's stock tables into a register")
    _source_options(imp)
    add_out(imp)
    imp.set_defaults(func=_import)
    st = verbs.add_parser("status", help="state of every unit at a date")
    _source_options(st)
    st.add_argument("--as-of", required=True, metavar="DATE", help="date YYYY-MM-DD")
    add_out(st)
    st.set_defaults(func=_status)
    hi = verbs.add_parser("history", help="the events of one unit")
    _source_options(hi)
    hi.add_argument("--unit", required=True, metavar="CODE", help="28-character unit code")
    hi.add_argument("--out", default=None, metavar="DIR", help="also write history.csv here")
    hi.set_defaults(func=_history, out_kind="folder")
    sk = verbs.add_parser("stuck", help="units in a stage longer than its threshold")
    _source_options(sk)
    sk.add_argument("--as-of", required=True, metavar="DATE", help="date YYYY-MM-DD")
    sk.add_argument("--stage", action="append", default=None,
                    choices=["approval", "supply", "use_start", "use_completion", "idle"],
                    help="only this stage (repeatable); thresholds in register.toml [stuck]")
    add_out(sk)
    sk.set_defaults(func=_stuck)


# ----------------------------------------------------------------------------- checklist


def _read_checklist(args: argparse.Namespace) -> Any:
    from landsim.datasets import _check_file, _read_csv
    from landsim.register.checklist import check_checklist

    path = Path(args.checklist)
    _check_file(path, "checklist")
    return check_checklist(_read_csv(path, args.encoding), str(path), _policy(args))


def _init(args: argparse.Namespace) -> int:
    from landsim.outputs import csv_writer, write_outputs
    from landsim.register.checklist import checklist_template

    reg, _, inputs = _load(args)
    units = [_unit(u, args) for u in args.unit] if args.unit else None
    table = checklist_template(reg, _as_of(args), units, _policy(args))
    write_outputs(args.out, {"checklist.csv": csv_writer(table, None)}, inputs=inputs)
    print(f"用地清单 checklist: {table['unit_code'].nunique()} units x "
          f"{len(_policy(args).assessments)} assessments, all pending -> {args.out}")
    return 0


def _document(args: argparse.Namespace) -> int:
    from landsim.monitor.docx import docx_and_html
    from landsim.outputs import write_outputs
    from landsim.register.checklist import checklist_blocks, checklist_gaps

    what = "the checklist document"
    docx_and_html(args.out, [], "", what)  # refuse a bad --out before any work
    reg, _, inputs = _load(args)
    table = _read_checklist(args)
    code = _unit(args.unit, args)
    blocks = checklist_blocks(table, reg, code, policy=_policy(args))
    folder, writers = docx_and_html(args.out, blocks, f"用地清单 {code}", what)
    write_outputs(folder, writers, inputs=[*inputs, args.checklist])
    gaps = checklist_gaps(table, code, _policy(args))
    print(f"用地清单 {code}: {'complete' if not gaps else f'{len(gaps)} missing'} -> "
          f"{args.out} (+ .html)")
    return 0


def _supply(args: argparse.Namespace) -> int:
    from landsim.outputs import write_outputs
    from landsim.register.checklist import supply_unit

    reg, contracts, inputs = _load(args)
    table = _read_checklist(args)
    code = _unit(args.unit, args)
    new = supply_unit(reg, table, code, args.date, args.contract, args.override_reason,
                      _policy(args), source=str(args.checklist))
    write_outputs(args.out, _register_files(new, contracts), inputs=[*inputs, args.checklist])
    note = " (override recorded)" if args.override_reason else ""
    print(f"unit {code} supplied on {args.date} under {args.contract}{note}; register -> "
          f"{args.out}")
    return 0


def register_checklist(subparsers: argparse._SubParsersAction,
                       verb: str = "checklist") -> None:
    """Add ``checklist`` (init, document, supply) to ``landsim``."""
    verbs = verb_group(
        subparsers, "checklist", "pre-supply land checklist (用地清单) and its supply gate",
        "The assessments a plot needs before supply (county plan 三、(四)); a unit is "
        "supplied only with a complete checklist or a recorded override reason.")
    ini = verbs.add_parser("init", help="an empty checklist for the units awaiting supply")
    _source_options(ini)
    ini.add_argument("--as-of", required=True, metavar="DATE",
                     help="units approved and not supplied at this date (YYYY-MM-DD)")
    ini.add_argument("--unit", action="append", default=None, metavar="CODE",
                     help="only this unit (repeatable)")
    add_out(ini)
    ini.set_defaults(func=_init)
    doc = verbs.add_parser("document", help="the checklist of one unit as .docx and .html")
    _source_options(doc)
    doc.add_argument("--checklist", required=True, metavar="CSV", help="checklist table")
    doc.add_argument("--unit", required=True, metavar="CODE", help="28-character unit code")
    add_out(doc, kind="file")
    doc.set_defaults(func=_document)
    sup = verbs.add_parser("supply", help="record a supply, gated by the checklist")
    _source_options(sup)
    sup.add_argument("--checklist", required=True, metavar="CSV", help="checklist table")
    sup.add_argument("--unit", required=True, metavar="CODE", help="28-character unit code")
    sup.add_argument("--date", required=True, metavar="DATE", help="supply date YYYY-MM-DD")
    sup.add_argument("--contract", required=True, metavar="ID",
                     help="transfer contract or allocation decision number")
    sup.add_argument("--override-reason", default=None, metavar="TEXT",
                     help="supply although the checklist is incomplete; the reason is "
                          "recorded with the supply event")
    add_out(sup)
    sup.set_defaults(func=_supply)
