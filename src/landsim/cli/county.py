"""``landsim info`` (a county summary), ``landsim sample`` (a seeded synthetic county) and
``landsim county import`` (a county's 三调 layers as a landsim county folder)."""

from __future__ import annotations

import argparse
from pathlib import Path

from landsim.cli._args import add_encoding, add_out, add_seed, verb_group, whole

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

    county = synthesize(args.parcels, args.seed)
    paths = write_county(county, args.out)
    if args.sandiao:
        from landsim.county_import.sample import write_sandiao

        paths += write_sandiao(county, Path(args.out) / "sandiao")
    print(f"wrote {len(paths)} files for a {args.parcels:,}-parcel county (seed {args.seed}) "
          f"to {args.out}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from landsim.county_import import import_county, write_import

    layers = {"pbf": args.pbf, "redline": args.redline, "udb": args.udb,
              "quality": args.quality}
    result = import_county(args.dltb, mapping=args.mapping, encoding=args.encoding, **layers)
    paths = write_import(result, args.out, inputs=[args.dltb, args.mapping, *layers.values()])
    print(result.report.text())
    print(f"wrote {len(paths)} files to {args.out}: a county folder for `landsim info`, "
          "`farmland optimize --parcels OUT/parcels.gpkg`, and, with the county's other "
          "tables added, `stock assess` and `quota simulate --county OUT`")
    return 0


def _register_import(sub: argparse._SubParsersAction) -> None:
    verbs = verb_group(sub, "county", "import a county's 三调 land-survey layers (三调数据导入)",
                       "County data: import the land-survey (三调) layers a county bureau holds.")
    imp = verbs.add_parser(
        "import", help="三调 DLTB polygons and control lines -> a landsim county folder",
        description="Read the 三调 land-class polygons (DLTB) and the permanent basic "
        "farmland, ecological red line and urban development boundary layers, and write a "
        "county folder (parcels.gpkg, parcels.csv, edges.csv, townships.csv) with an import "
        "report.")
    imp.add_argument("--dltb", required=True, metavar="FILE",
                     help="地类图斑 DLTB polygons (GeoPackage, .gdb or shapefile)")
    imp.add_argument("--pbf", metavar="FILE", help="永久基本农田 permanent basic farmland")
    imp.add_argument("--redline", metavar="FILE", help="生态保护红线 ecological red line")
    imp.add_argument("--udb", metavar="FILE", help="城镇开发边界 urban development boundary")
    imp.add_argument("--quality", metavar="FILE",
                     help="耕地质量等级 quality-grade polygons (instead of the DLTB's GDDB)")
    imp.add_argument("--mapping", metavar="FILE",
                     help="mapping file (TOML): local field and layer names, township names, "
                          "land-class codes, import rules")
    add_encoding(imp)
    add_out(imp)
    imp.set_defaults(func=_import)


def register(sub: argparse._SubParsersAction, verb: str) -> None:
    """Add ``info``, ``sample`` or ``county`` (with ``import``)."""
    if verb == "county":
        _register_import(sub)
    elif verb == "info":
        info = sub.add_parser("info", help="summarise a county: parcels, land classes, PBF")
        info.add_argument("path", nargs="?", default=None,
                          help="parcels file (.gpkg/.csv) or county folder; default: sample")
        add_encoding(info)
        info.set_defaults(func=_info)
    else:
        sample = sub.add_parser("sample", help="write a synthetic county (seeded)")
        sample.add_argument("--parcels", type=whole("--parcels", 100), default=5000,
                            help="number of parcels (at least 100)")
        sample.add_argument("--sandiao", action="store_true",
                            help="also write the county as 三调-style layers into OUT/sandiao")
        add_seed(sample)
        add_out(sample)
        sample.set_defaults(func=_sample)
