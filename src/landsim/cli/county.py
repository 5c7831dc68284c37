"""``landsim info`` (a county summary) and ``landsim sample`` (a seeded synthetic county)."""

from __future__ import annotations

import argparse
from pathlib import Path

from landsim.cli._args import add_encoding, add_out, add_seed

__all__ = ["register"]


def _info(args: argparse.Namespace) -> int:
    from landsim.datasets import load_sample, read_county, read_parcels
    from landsim.parcels import county_summary, land_class_table, township_table
    from landsim.units import format_ha_mu

    if args.path is None:
        county = load_sample()
        parcels, label = county.parcels, "bundled sample county (偏关县-like, synthetic parcels)"
    else:
        path = Path(args.path)
        parcels = (read_county(path, encoding=args.encoding).parcels if path.is_dir()
                   else read_parcels(path, encoding=args.encoding))
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


def register(sub: argparse._SubParsersAction, verb: str) -> None:
    """Add ``info`` or ``sample``."""
    if verb == "info":
        info = sub.add_parser("info", help="summarise a county: parcels, land classes, PBF")
        info.add_argument("path", nargs="?", default=None,
                          help="parcels file (.gpkg/.csv) or county folder; default: sample")
        add_encoding(info)
        info.set_defaults(func=_info)
    else:
        sample = sub.add_parser("sample", help="write a synthetic county (seeded)")
        sample.add_argument("--parcels", type=int, default=5000, help="number of parcels")
        add_seed(sample)
        add_out(sample)
        sample.set_defaults(func=_sample)
