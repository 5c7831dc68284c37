"""``landsim siting`` command: ``compare`` (多方案比选), ``conform`` (special-plan
conformance) and ``example``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from landsim.cli._args import (
    _finite,
    add_encoding,
    add_example_verb,
    add_out,
    parse_assignments,
    verb_group,
)
from landsim.errors import InputError
from landsim.outputs import csv_writer, json_writer, write_outputs

__all__ = ["register"]


def tie_tolerance(text: str) -> float:
    """``--tie-tolerance``: schemes whose scores differ by at most this are equal; the
    scores lie in [0, 1], so the tolerance must be >= 0 and < 1 (ASSUMED upper bound 0.5,
    beyond which every scheme would tie)."""
    value = _finite(text, "--tie-tolerance")
    if not 0 <= value <= 0.5:
        msg = (f"--tie-tolerance {text}: must be from 0 to 0.5 (scores lie in 0-1; a larger "
               "tolerance makes every scheme a tie). Fix: give e.g. 0.01")
        raise argparse.ArgumentTypeError(msg)
    return value


def _parcels(path: str | None, encoding: str | None = None) -> pd.DataFrame:
    from landsim.datasets import load_sample, read_county, read_parcels

    if path is None:
        return load_sample().parcels
    p = Path(path)
    return (read_county(p, encoding=encoding).parcels if p.is_dir()
            else read_parcels(p, encoding=encoding))


def _csv(table: pd.DataFrame, index: bool = False) -> Callable[[Path], object]:
    frame = pd.DataFrame(table.drop(columns="geometry", errors="ignore"))
    return csv_writer(frame, None, index=index)


def _gpkg(table: pd.DataFrame, layer: str) -> Callable[[Path], object]:
    return lambda p: table.to_file(p, layer=layer, engine="pyogrio")


def _compare(args: argparse.Namespace) -> int:
    from landsim.siting import compare_schemes, pre_exam_table, read_footprints, read_schemes

    parcels = _parcels(args.parcels, args.encoding)
    footprints = read_footprints(args.footprints, encoding=args.encoding)
    schemes = read_schemes(args.schemes, args.encoding) if args.schemes else None
    weights = parse_assignments(args.weights, "--weights") or None
    try:
        comp = compare_schemes(footprints, parcels, schemes, weights, args.method,
                               args.tie_tolerance, source=str(args.footprints))
    except InputError as err:
        text = str(err)
        if "criterion" in text and args.weights:
            raise InputError(f"--weights {args.weights!r}: {text}") from None
        if args.schemes and str(args.schemes) not in text and str(args.footprints) not in text:
            raise InputError(f"{args.schemes}: {text}") from None
        raise
    writers = {"measures.csv": _csv(comp.measures), "ranking.csv": _csv(comp.ranking),
               "sensitivity.csv": _csv(comp.sensitivity),
               "dominance.csv": _csv(comp.dominance, index=True),
               "pre_exam.csv": _csv(pre_exam_table(comp))}
    summary = {"recommended": comp.recommended, "method": comp.method,
               "weights": comp.weights}
    writers["summary.json"] = json_writer(summary)
    if "geometry" in comp.pieces:
        writers["pieces.gpkg"] = _gpkg(comp.pieces, "pieces")
    write_outputs(args.out, writers, inputs=[args.footprints, args.schemes, args.parcels])
    print(f"siting: {len(comp.measures)} schemes compared ({comp.method}); recommended "
          f"{comp.recommended}; wrote {args.out}")
    return 0


def _conform(args: argparse.Namespace) -> int:
    from landsim.siting import conflict_pieces, conformance, read_footprints

    parcels = _parcels(args.parcels, args.encoding)
    projects = read_footprints(args.projects, encoding=args.encoding)
    conflicts = conformance(projects, parcels, source=str(args.projects))
    writers = {"conflicts.csv": _csv(conflicts)}
    if "geometry" in projects:
        writers["conflicts.gpkg"] = _gpkg(conflict_pieces(projects, parcels), "conflicts")
    write_outputs(args.out, writers, inputs=[args.projects, args.parcels])
    n = int((conflicts["severity"] == "conflict").sum())
    print(f"conformance: {n} conflict(s), {len(conflicts) - n} check(s); wrote {args.out}")
    return 0



def register(subparsers: argparse._SubParsersAction, verb: str = "siting"
             ) -> None:
    """Add ``siting`` (verbs ``compare``, ``conform``, ``example``) to ``landsim``."""
    verbs = verb_group(
        subparsers, "siting", "site/route scheme comparison and three-lines checks (多方案比选)",
        "Compare site or route schemes on cultivated land, PBF, red line, forest land and "
        "UDB; check special-plan projects against the control lines.")
    cmp_ = verbs.add_parser("compare", help="measure and rank at least two schemes")
    cmp_.add_argument("--footprints", required=True,
                      help="polygons (.gpkg, with scheme_id) or CSV scheme_id,parcel_id[,area_ha]")
    cmp_.add_argument("--schemes", help="schemes CSV (scheme_id, name, cost_wan_yuan, "
                      "length_km, standard_ha, area_*_ha)")
    cmp_.add_argument("--parcels", help="parcels file or county folder; default: sample county")
    cmp_.add_argument("--weights", help="criterion weights, e.g. 'pbf_ha=2,cultivated_ha=1'")
    cmp_.add_argument("--method", default="topsis", choices=["topsis", "weighted_sum"])
    cmp_.add_argument("--tie-tolerance", type=tie_tolerance, default=1e-9,
                      help="scores this close are 'equal conditions' [0-1]")
    add_encoding(cmp_)
    add_out(cmp_)
    cmp_.set_defaults(func=_compare)
    con = verbs.add_parser("conform", help="overlay special-plan projects with PBF, red line, UDB")
    con.add_argument("--projects", required=True,
                     help="polygons (.gpkg, with project_id[, plan]) or CSV project_id,parcel_id")
    con.add_argument("--parcels", help="parcels file or county folder; default: sample county")
    add_encoding(con)
    add_out(con)
    con.set_defaults(func=_conform)
    add_example_verb(verbs, "landsim.siting.examples", "files",
                     "write synthetic example schemes and projects")
