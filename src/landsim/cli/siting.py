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


def _comparison(args: argparse.Namespace) -> object:
    """The comparison of ``siting compare``'s inputs (shared by ``compare`` and ``chapter``)."""
    from landsim.siting import compare_schemes, read_footprints, read_schemes

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
    return comp


def _compare(args: argparse.Namespace) -> int:
    from landsim.siting import pre_exam_table

    comp = _comparison(args)
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


def _chapter(args: argparse.Namespace) -> int:
    from landsim.monitor.docx import docx_and_html
    from landsim.siting.chapter import chapter_blocks, chapter_tables, read_standards

    docx_and_html(args.out, [], "", "the chapter")  # refuse a bad --out before any work
    standards = read_standards(args.standards, args.encoding) if args.standards else None
    comp = _comparison(args)
    tables = chapter_tables(comp, standards, args.project_type,  # type: ignore[arg-type]
                            source=str(args.standards))
    blocks = chapter_blocks(tables, args.project, args.project_type or "")
    folder, writers = docx_and_html(args.out, blocks, f"{args.project}节约集约用地专章",
                                    "the chapter")
    write_outputs(folder, writers,
                  inputs=[args.footprints, args.schemes, args.parcels, args.standards])
    print(f"节约集约用地专章 land-saving chapter: {len(tables.occupation)} schemes, recommended "
          f"{tables.recommended} -> {args.out} (+ {Path(args.out).with_suffix('.html').name})")
    return 0


def _compare_inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--footprints", required=True,
                   help="polygons (.gpkg, with scheme_id) or CSV scheme_id,parcel_id[,area_ha]")
    p.add_argument("--schemes", help="schemes CSV (scheme_id, name, cost_wan_yuan, "
                   "length_km, standard_ha, area_*_ha)")
    p.add_argument("--parcels", help="parcels file or county folder; default: sample county")
    p.add_argument("--weights", help="criterion weights, e.g. 'pbf_ha=2,cultivated_ha=1'")
    p.add_argument("--method", default="topsis", choices=["topsis", "weighted_sum"])
    p.add_argument("--tie-tolerance", type=tie_tolerance, default=1e-9,
                   help="scores this close are 'equal conditions' [0-1]")
    add_encoding(p)


def register(subparsers: argparse._SubParsersAction, verb: str = "siting"
             ) -> None:
    """Add ``siting`` (verbs ``compare``, ``conform``, ``example``) to ``landsim``."""
    verbs = verb_group(
        subparsers, "siting", "site/route scheme comparison and three-lines checks (多方案比选)",
        "Compare site or route schemes on cultivated land, PBF, red line, forest land and "
        "UDB; check special-plan projects against the control lines.")
    cmp_ = verbs.add_parser("compare", help="measure and rank at least two schemes")
    _compare_inputs(cmp_)
    add_out(cmp_)
    cmp_.set_defaults(func=_compare)
    chap = verbs.add_parser(
        "chapter", help="the land-saving chapter (节约集约用地专章) as .docx and .html",
        description="Write the 节约集约用地专章 of a land pre-examination from the inputs of "
                    "`siting compare`: --out chapter.docx also writes chapter.html beside it.")
    _compare_inputs(chap)
    chap.add_argument("--project", required=True, metavar="NAME", help="project name (项目名称)")
    chap.add_argument("--project-type", default=None, metavar="TYPE",
                      help="project type, the row of --standards to use (项目类型)")
    chap.add_argument("--standards", default=None, metavar="CSV",
                      help="land-use standards per project type (project_type, basis "
                           "per_project|per_km, standard_ha[, source]); default: the "
                           "schemes' standard_ha")
    add_out(chap, kind="file")
    chap.set_defaults(func=_chapter)
    con = verbs.add_parser("conform", help="overlay special-plan projects with PBF, red line, UDB")
    con.add_argument("--projects", required=True,
                     help="polygons (.gpkg, with project_id[, plan]) or CSV project_id,parcel_id")
    con.add_argument("--parcels", help="parcels file or county folder; default: sample county")
    add_encoding(con)
    add_out(con)
    con.set_defaults(func=_conform)
    add_example_verb(verbs, "landsim.siting.examples", "files",
                     "write synthetic example schemes and projects")
