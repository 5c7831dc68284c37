"""The ``landsim`` command.

    landsim --version
    landsim info [PATH]                       county summary (sample county by default)
    landsim sample [--parcels N] [--seed S] --out DIR
    landsim quota simulate --scenario FILE [--draws N --seed S --scheduler ADDR] --out DIR
    landsim farmland optimize --parcels FILE [--edges FILE] [--boundary-weight W] --out DIR
    landsim farmland marxan INPUT_DIR --out DIR
    landsim stock assess [--as-of DATE] [--county DIR] --out DIR
    landsim topsoil plan ... --out DIR        (耕作层剥离再利用)
    landsim siting compare ... --out DIR      (多方案比选)
    landsim report --year Y --out report.html  (annual plan health check 体检评估)

Bad input prints a one-line error to stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from landsim import __version__
from landsim.errors import LandsimError

__all__ = ["main"]

EXIT_INPUT = 2


def _info(args: argparse.Namespace) -> int:
    from landsim.datasets import load_sample, read_county, read_parcels
    from landsim.parcels import county_summary, land_class_table, township_table
    from landsim.units import format_ha_mu

    if args.path is None:
        county = load_sample()
        parcels, label = county.parcels, "bundled sample county (偏关县-like, synthetic parcels)"
    else:
        path = Path(args.path)
        parcels = read_county(path).parcels if path.is_dir() else read_parcels(path)
        label = str(path)
    s = county_summary(parcels)
    lines = [
        f"County 县域: {label}",
        f"Parcels 图斑: {s['parcels']:,}   Townships 乡镇: {s['townships']}",
        f"Total area 总面积: {format_ha_mu(s['area_ha'])}",
        f"Cultivated 耕地: {format_ha_mu(s['cultivated_ha'])}",
        f"PBF 永久基本农田: {format_ha_mu(s['pbf_ha'])}"
        f"  (on ineligible land 不符合条件: {format_ha_mu(s['pbf_ineligible_ha'])})",
        f"Eligible for PBF 可划入永久基本农田: {format_ha_mu(s['eligible_ha'])}",
        f"Ecological red line 生态保护红线: {format_ha_mu(s['eco_redline_ha'])}",
        f"Urban development boundary 城镇开发边界: {format_ha_mu(s['udb_ha'])}",
        "",
        "Area by land class 地类面积:",
        land_class_table(parcels).round({"area_ha": 1, "area_mu": 0, "share_pct": 1})
        .to_string(index=False),
        "",
        "Townships 乡镇:",
        township_table(parcels)[["township", "parcels", "area_ha", "cultivated_ha", "pbf_ha",
                                 "pbf_mu", "eligible_ha"]].round(1).to_string(index=False),
    ]
    print("\n".join(lines))
    return 0


def _sample(args: argparse.Namespace) -> int:
    from landsim.synthetic import synthesize, write_county

    paths = write_county(synthesize(args.parcels, args.seed), args.out)
    print(f"wrote {len(paths)} files for a {args.parcels:,}-parcel county (seed {args.seed}) "
          f"to {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="landsim",
        description="County land-use quota simulation and farmland layout (节约集约利用土地).")
    parser.add_argument("--version", action="version", version=f"landsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    info = sub.add_parser("info", help="summarise a county: parcels, land classes, PBF")
    info.add_argument("path", nargs="?", default=None,
                      help="parcels file (.gpkg/.csv) or county folder; default: sample")
    info.set_defaults(func=_info)

    sample = sub.add_parser("sample", help="write a synthetic county (seeded)")
    sample.add_argument("--parcels", type=int, default=5000, help="number of parcels")
    sample.add_argument("--seed", type=int, default=2023, help="random seed")
    sample.add_argument("--out", required=True, help="output folder")
    sample.set_defaults(func=_sample)

    from landsim.farmland.cli import register as register_farmland
    from landsim.monitor.cli import register as register_report
    from landsim.quota.cli import register as register_quota
    from landsim.siting.cli import register as register_siting
    from landsim.stockland.cli import register as register_stock
    from landsim.topsoil.cli import register as register_topsoil

    register_quota(sub)
    register_farmland(sub)
    register_stock(sub)
    register_topsoil(sub)
    register_siting(sub)
    register_report(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (LandsimError, ValueError) as err:
        print(f"landsim: error: {err}", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

