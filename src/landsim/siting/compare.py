"""Multi-scheme site selection (多方案比选) and special-plan conformance (专项规划衔接).

The county plan (偏关县节约集约利用土地实施方案, 偏政办发〔2023〕53号, 三(二)) asks every
new or expanded project for at least two site or route schemes, weighs the cultivated
land and permanent basic farmland (PBF) each occupies, prefers under equal conditions the
one with the lower share of cultivated land and especially PBF, asks that unavoidable use
of the ecological red line be justified and that use of forest land be referred to the
forestry department. 三(一) asks energy, transport and water projects of special plans to
conform to the general plan. Areas in [ha] (mu beside them in planner tables).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from landsim.errors import InputError
from landsim.schema import Column, TableSchema, optional, validate_table
from landsim.siting.footprints import occupied_pieces, piece_flags
from landsim.siting.ranking import (
    dominance,
    rank_schemes,
    weight_sensitivity,
)
from landsim.units import ha_to_mu

__all__ = [
    "COUNTY_PLAN_RULE",
    "DEFAULT_WEIGHTS",
    "LINES",
    "SCHEMES",
    "SitingComparison",
    "compare_schemes",
    "conflict_pieces",
    "conformance",
    "pre_exam_table",
    "read_footprints",
    "read_schemes",
    "scheme_measures",
    "too_few_schemes",
]

PathLike = str | os.PathLike[str]

COUNTY_PLAN_RULE = ("偏关县节约集约利用土地实施方案 (偏政办发〔2023〕53号) 三(二): 对于新建、扩建等"
                    "项目，项目建设单位要提供至少 2 个及以上的选址选线方案 (new or expanded "
                    "projects must provide at least 2 site or route schemes)")
"""The rule cited when fewer than two schemes are given."""

DEFAULT_WEIGHTS: dict[str, float] = {
    "cultivated_ha": 1.0, "pbf_ha": 2.0, "eco_redline_ha": 2.0, "forest_ha": 0.5,
    "outside_udb_ha": 0.5, "cost_wan_yuan": 1.0,
}
"""Default criterion weights (a modelling choice, not a rule): PBF and the red line count
double; override them per project."""

LINES: dict[str, tuple[str, str, str]] = {
    "pbf": ("is_pbf", "永久基本农田 permanent basic farmland", "conflict"),
    "eco_redline": ("in_eco_redline", "生态保护红线 ecological red line", "conflict"),
    "udb": ("in_udb", "城镇开发边界 urban development boundary", "check"),
}
"""Control lines of the conformance overlay: parcel flag column, name and severity
(PBF and red line are conflicts to justify; inside the UDB must match the detailed plan)."""

SCHEMES = TableSchema(
    name="siting_schemes", filename="schemes.csv",
    description="Site or route schemes of one project", key="scheme_id",
    columns=(
        Column("scheme_id", "str", "", "scheme id", unique=True),
        optional("name", "str", "", "scheme name"),
        optional("cost_wan_yuan", "float", "万元", "investment", minimum=0.0),
        optional("length_km", "float", "km", "route length (linear projects)", minimum=0.0),
        optional("standard_ha", "float", "ha", "area allowed by the land-use standard "
                 "(建设用地指标)", minimum=0.0, exclusive_minimum=True),
    ),
)


def too_few_schemes(ids: list[str]) -> InputError:
    """The error for fewer than two schemes, citing the county plan's rule."""
    got = f"{len(ids)} scheme{'s' if len(ids) != 1 else ''}" + (
        f" ({', '.join(ids)})" if ids else "")
    msg = (f"only {got} given: {COUNTY_PLAN_RULE}. Fix: add at least one alternative "
           "scheme.")
    return InputError(msg)


def read_schemes(path: PathLike, encoding: str | None = None) -> pd.DataFrame:
    """Read a schemes CSV or .xlsx (see :data:`SCHEMES`; ``area_<function>_ha`` columns
    pass); ``encoding`` names a CSV's encoding (UTF-8, BOM or GBK detected when None)."""
    from landsim.datasets import _check_file, _read_csv

    p = Path(path)
    _check_file(p, "schemes")
    return validate_table(_read_csv(p, encoding), SCHEMES, str(p))


def read_footprints(path: PathLike, layer: str | None = None,
                    encoding: str | None = None) -> pd.DataFrame:
    """Polygons (GeoPackage, shapefile etc.) or a CSV/.xlsx of scheme_id/project_id,
    parcel_id[, area_ha]."""
    from landsim.datasets import VECTOR_SUFFIXES, _check_file, _read_csv, _read_vector

    p = Path(path)
    _check_file(p, "footprints")
    if p.suffix.lower() in VECTOR_SUFFIXES:
        frame = _read_vector(p, layer, encoding)
        if frame.crs is None:
            msg = (f"{p}: column 'geometry': the footprints have no coordinate reference "
                   "system (CRS). Fix: assign one in your GIS, e.g. EPSG:4546 (CGCS2000 / "
                   "3-degree Gauss-Kruger CM 111E).")
            raise InputError(msg)
        return frame
    return _read_csv(p, encoding)


def _prepare_schemes(schemes: pd.DataFrame | None, ids: list[str], source: str
                     ) -> pd.DataFrame:
    if schemes is None:
        schemes = pd.DataFrame({"scheme_id": ids})
    if "name" not in schemes.columns or schemes["name"].isna().all():
        schemes = schemes.assign(name=schemes["scheme_id"])
    table = validate_table(schemes, SCHEMES, source)
    missing = sorted(set(ids) - set(table["scheme_id"]))
    if missing:
        msg = (f"{source}: footprints of scheme(s) {', '.join(missing[:5])} have no row in "
               "the schemes table. Fix: add them or correct the scheme_id.")
        raise InputError(msg)
    no_fp = sorted(set(table["scheme_id"]) - set(ids))
    if no_fp:
        msg = (f"{source}: scheme(s) {', '.join(no_fp[:5])} have no footprint. Fix: add "
               "their polygons or parcel ids.")
        raise InputError(msg)
    return table


def scheme_measures(pieces: pd.DataFrame, schemes: pd.DataFrame) -> pd.DataFrame:
    """Per-scheme measures [ha, fractions, flags] from occupied pieces.

    Columns: scheme_id, name, footprint_ha, n_parcels, cultivated_ha, cultivated_share,
    pbf_ha, pbf_share, eco_redline_ha, eco_redline_flag (hard flag: avoidance must be
    justified, 不可避让论证), forest_ha, forestry_consultation (flag: 征求林业部门意见),
    in_udb_ha, outside_udb_ha, standard_ha, land_use_ratio (footprint / standard; <= 1
    meets the standard), over_standard_ha, cost_wan_yuan, length_km, and any
    ``area_*_ha`` columns of ``schemes``.
    """
    flags = piece_flags(pieces)
    area = pieces["area_ha"].to_numpy(float)
    frame = pd.DataFrame({"scheme_id": pieces["scheme_id"].astype(str), "area": area})
    for name in flags:
        frame[name] = np.where(flags[name], area, 0.0)
    g = frame.groupby("scheme_id", sort=False)
    agg = pd.DataFrame({
        "footprint_ha": g["area"].sum(),
        "n_parcels": pieces.groupby(pieces["scheme_id"].astype(str))["parcel_id"].nunique(),
        "cultivated_ha": g["cultivated"].sum(), "pbf_ha": g["pbf"].sum(),
        "eco_redline_ha": g["eco_redline"].sum(), "forest_ha": g["forest"].sum(),
        "in_udb_ha": g["udb"].sum(),
    })
    out = schemes[["scheme_id", "name"]].merge(agg, left_on="scheme_id", right_index=True,
                                               how="left").fillna({c: 0.0 for c in agg})
    out["n_parcels"] = out["n_parcels"].astype(int)
    total = out["footprint_ha"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out.insert(out.columns.get_loc("cultivated_ha") + 1, "cultivated_share",
                   np.where(total > 0, out["cultivated_ha"] / total, 0.0))
        out.insert(out.columns.get_loc("pbf_ha") + 1, "pbf_share",
                   np.where(total > 0, out["pbf_ha"] / total, 0.0))
    out.insert(out.columns.get_loc("eco_redline_ha") + 1, "eco_redline_flag",
               out["eco_redline_ha"] > 0)
    out.insert(out.columns.get_loc("forest_ha") + 1, "forestry_consultation",
               out["forest_ha"] > 0)
    out["outside_udb_ha"] = out["footprint_ha"] - out["in_udb_ha"]
    out["standard_ha"] = schemes["standard_ha"].to_numpy(float)
    out["land_use_ratio"] = out["footprint_ha"] / out["standard_ha"]
    out["over_standard_ha"] = np.maximum(out["footprint_ha"] - out["standard_ha"], 0.0)
    for col in ["cost_wan_yuan", "length_km"] + [c for c in schemes.columns
                                                  if c.startswith("area_") and c.endswith("_ha")]:
        out[col] = pd.to_numeric(schemes[col], errors="coerce").to_numpy(float)
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class SitingComparison:
    """Result of :func:`compare_schemes`.

    Attributes
    ----------
    measures : DataFrame
        :func:`scheme_measures`.
    ranking : DataFrame
        Both methods stacked: method, scheme_id, score, rank, tie_rule.
    sensitivity : DataFrame
        :func:`~landsim.siting.weight_sensitivity` of ``method``, with a method column.
    dominance : DataFrame
        Square bool table (row dominates column).
    pieces : DataFrame
        Occupied pieces (GeoDataFrame when footprints were polygons).
    weights : dict
        Criterion weights used.
    method : str
        Method whose rank is the recommendation.
    """

    measures: pd.DataFrame
    ranking: pd.DataFrame
    sensitivity: pd.DataFrame
    dominance: pd.DataFrame
    pieces: pd.DataFrame
    weights: dict[str, float]
    method: str

    @property
    def recommended(self) -> str:
        """scheme_id ranked first by ``method``."""
        r = self.ranking[self.ranking["method"] == self.method]
        return str(r.loc[r["rank"] == 1, "scheme_id"].iloc[0])

    def dominated_by(self) -> pd.Series:
        """Per scheme, the schemes that dominate it (';' joined, '' if none)."""
        d = self.dominance
        return pd.Series({b: ";".join(a for a in d.index if d.loc[a, b]) for b in d.columns},
                         name="dominated_by")


def _criteria_available(measures: pd.DataFrame, weights: Mapping[str, float]
                        ) -> dict[str, float]:
    return {k: v for k, v in weights.items()
            if k in measures and not measures[k].isna().any()}


def compare_schemes(footprints: pd.DataFrame, parcels: pd.DataFrame,
                    schemes: pd.DataFrame | None = None,
                    weights: Mapping[str, float] | None = None, method: str = "topsis",
                    tie_tolerance: float = 1e-9, source: str = "footprints") -> SitingComparison:
    """Measure, rank (TOPSIS and weighted sum), test weight sensitivity and dominance.

    ``weights`` default to :data:`DEFAULT_WEIGHTS` restricted to criteria every scheme
    has (e.g. cost only when all schemes give ``cost_wan_yuan``); explicit weights must
    name available criteria. Fewer than two schemes raises :class:`InputError` citing
    :data:`COUNTY_PLAN_RULE`.
    """
    if "scheme_id" not in footprints.columns:
        msg = f"{source}: missing column 'scheme_id'. Fix: name the scheme of each footprint."
        raise InputError(msg)
    ids = sorted(footprints["scheme_id"].astype(str).str.strip().unique())
    if schemes is not None and len(schemes) < 2 or len(ids) < 2:
        listed = (schemes["scheme_id"].astype(str).tolist() if schemes is not None
                  and len(schemes) < 2 else ids)
        raise too_few_schemes(listed)
    table = _prepare_schemes(schemes, ids, "schemes")
    pieces = occupied_pieces(footprints, parcels, "scheme_id", source)
    measures = scheme_measures(pieces, table)
    used = dict(weights) if weights is not None else _criteria_available(measures,
                                                                         DEFAULT_WEIGHTS)
    ranking = pd.concat([rank_schemes(measures, used, m, tie_tolerance)
                         for m in ("topsis", "weighted_sum")], ignore_index=True)
    sens = weight_sensitivity(measures, used, method, tie_tolerance)
    sens.insert(0, "method", method)
    dom = dominance(measures, list(used))
    return SitingComparison(measures, ranking, sens, dom, pieces, used, method)


def pre_exam_table(comparison: SitingComparison) -> pd.DataFrame:
    """Table for the 节约集约用地专章 of a land pre-examination (用地预审): one row per
    scheme, ha with mu beside, shares in %, flags as text, score and rank."""
    m = comparison.measures.set_index("scheme_id")
    r = comparison.ranking[comparison.ranking["method"] == comparison.method].set_index(
        "scheme_id")
    t = pd.DataFrame(index=m.index)
    t["方案 scheme"] = m["name"]
    for col, label in (("footprint_ha", "用地 footprint"), ("cultivated_ha", "耕地 cultivated"),
                       ("pbf_ha", "永久基本农田 PBF"), ("eco_redline_ha", "生态红线 red line"),
                       ("forest_ha", "林地 forest"), ("outside_udb_ha", "开发边界外 outside UDB")):
        t[f"{label} ha"] = m[col]
        t[f"{label} 亩 mu"] = ha_to_mu(m[col])
    t["耕地占比 cultivated %"] = 100 * m["cultivated_share"]
    t["基本农田占比 PBF %"] = 100 * m["pbf_share"]
    t["红线论证 red-line justification"] = np.where(m["eco_redline_flag"], "需要 required", "-")
    t["林业意见 forestry opinion"] = np.where(m["forestry_consultation"], "需要 required", "-")
    t["节地水平 footprint/standard"] = m["land_use_ratio"]
    t["投资 cost 万元"] = m["cost_wan_yuan"]
    t["支配 dominated by"] = comparison.dominated_by().reindex(m.index)
    t["得分 score"] = r["score"]
    t["排序 rank"] = r["rank"]
    t["比选说明 note"] = r["tie_rule"]
    return t.sort_values("排序 rank").reset_index()


def conformance(projects: pd.DataFrame, parcels: pd.DataFrame, key: str = "project_id",
                source: str = "projects") -> pd.DataFrame:
    """Overlay special-plan project footprints with PBF, red line and UDB.

    Returns one row per (project, line) with any overlap: project_id, plan (when the
    input has a ``plan`` column: energy/transport/water ...), line, line_name, severity
    (``conflict`` for PBF and red line, ``check`` for the UDB), area_ha, area_mu,
    n_parcels, parcel_ids (';' joined, sorted).
    """
    pieces = occupied_pieces(projects, parcels, key, source)
    plans = None
    if "plan" in projects.columns:
        plans = projects.assign(**{key: projects[key].astype(str)}).groupby(key)["plan"].first()
    rows = []
    for line, (col, name, severity) in LINES.items():
        hit = pieces[pieces[col].astype(bool)]
        for pid, grp in hit.groupby(key, sort=True):
            rows.append({key: pid, "plan": plans.get(pid, "") if plans is not None else "",
                         "line": line, "line_name": name, "severity": severity,
                         "area_ha": float(grp["area_ha"].sum()),
                         "n_parcels": int(grp["parcel_id"].nunique()),
                         "parcel_ids": ";".join(sorted(grp["parcel_id"].astype(str).unique()))})
    out = pd.DataFrame(rows, columns=[key, "plan", "line", "line_name", "severity", "area_ha",
                                      "n_parcels", "parcel_ids"])
    out.insert(out.columns.get_loc("area_ha") + 1, "area_mu", ha_to_mu(out["area_ha"]))
    return out.sort_values([key, "line"]).reset_index(drop=True)


def conflict_pieces(projects: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame,
                    key: str = "project_id") -> gpd.GeoDataFrame:
    """Polygons of every project piece on a control line (for maps and GeoPackage)."""
    pieces = occupied_pieces(projects, parcels, key)
    flags = pieces[["is_pbf", "in_eco_redline", "in_udb"]].astype(bool).any(axis=1)
    return pieces[flags].reset_index(drop=True)


