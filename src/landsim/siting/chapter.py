"""The land-saving chapter (节约集约用地专章) of a land pre-examination (用地预审).

County plan 三、(二) (偏政办发〔2023〕53号): the chapter analyses the necessity of occupying
cultivated land and permanent basic farmland (PBF), the rationality of the land scale and
the functional zoning, the sufficiency of the reasons where the ecological red line cannot
be avoided, and how advanced the land-saving level is; a new or expanded project gives at
least two site or route schemes and, under equal conditions, the scheme with the lower
share of cultivated land and especially PBF is preferred. County bureaus file the chapter as
a Word document, in Chinese.

:func:`chapter_tables` takes every number from a :class:`~landsim.siting.SitingComparison`
(the same measures ``landsim siting compare`` writes) and the land-use standard of the
project type (a parameter table, :func:`read_standards`); :func:`chapter_blocks` lays the
chapter out; ``landsim siting chapter --out chapter.docx`` writes it as .docx and .html.
Areas in [ha] with 亩 (15 per ha) beside them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from landsim.errors import InputError
from landsim.schema import Column, TableSchema, optional, validate_table
from landsim.siting.compare import SitingComparison
from landsim.units import MU_PER_HA

__all__ = [
    "CHAPTER_SECTIONS",
    "STANDARDS",
    "ChapterTables",
    "apply_standard",
    "chapter_blocks",
    "chapter_tables",
    "read_standards",
]

CHAPTER_SECTIONS = (
    "一、项目概况",
    "二、占用耕地和永久基本农田的必要性",
    "三、用地规模和功能分区的合理性",
    "四、不可避让生态保护红线的充分性",
    "五、节地水平的先进性",
    "六、方案比选结论",
)
"""Section headings of the chapter (county plan 三、(二))."""

STANDARDS = TableSchema(
    name="land_use_standards", filename="standards.csv",
    description="Land-use standard (建设用地指标) per project type", key="project_type",
    columns=(
        Column("project_type", "str", "", "project type, e.g. 二级公路", unique=True),
        Column("basis", "str", "", "per_project: standard_ha is the whole project's; "
               "per_km: standard_ha per km of route", choices=("per_project", "per_km")),
        Column("standard_ha", "float", "ha", "area allowed by the standard (per project or "
               "per km)", minimum=0.0, exclusive_minimum=True),
        optional("source", "str", "", "the standard and its clause"),
    ),
)
"""The standards parameter table (CSV or .xlsx)."""


def read_standards(path: str | os.PathLike[str], encoding: str | None = None
                   ) -> pd.DataFrame:
    """Read and check a standards table (:data:`STANDARDS`)."""
    from landsim.datasets import _check_file, _read_csv

    p = Path(path)
    _check_file(p, "standards")
    return validate_table(_read_csv(p, encoding), STANDARDS, str(p))


def apply_standard(measures: pd.DataFrame, standards: pd.DataFrame, project_type: str,
                   source: str = "standards") -> tuple[pd.DataFrame, str]:
    """Measures with ``standard_ha`` (and the ratios) from the project type's standard.

    Returns the measures and the standard's description (type, basis, value, source).

    Raises
    ------
    InputError
        Unknown project type; a per-km standard for a scheme without ``length_km``.
    """
    hit = standards[standards["project_type"] == project_type]
    if hit.empty:
        msg = (f"{source}: project type {project_type!r} has no row. Fix: use one of "
               f"{', '.join(standards['project_type'].astype(str))} or add it")
        raise InputError(msg)
    row = hit.iloc[0]
    value = float(row["standard_ha"])
    m = measures.copy()
    if row["basis"] == "per_km":
        km = pd.to_numeric(m["length_km"], errors="coerce")
        if km.isna().any():
            ids = ", ".join(m.loc[km.isna(), "scheme_id"].astype(str))
            msg = (f"{source}: project type {project_type!r} has a per-km standard, but "
                   f"scheme(s) {ids} have no length_km. Fix: give length_km in the schemes "
                   "table")
            raise InputError(msg)
        m["standard_ha"] = value * km
        text = f"{project_type}: {value:g} 公顷/公里"
    else:
        m["standard_ha"] = value
        text = f"{project_type}: {value:g} 公顷"
    src = str(row.get("source", "") or "")
    m["land_use_ratio"] = m["footprint_ha"] / m["standard_ha"]
    m["over_standard_ha"] = np.maximum(m["footprint_ha"] - m["standard_ha"], 0.0)
    return m, text + (f" ({src})" if src else "")


@dataclass(frozen=True)
class ChapterTables:
    """The chapter's numbers (one row per scheme, rank order; [ha], shares in [%])."""

    occupation: pd.DataFrame
    """scheme_id, name, footprint_ha, cultivated_ha, cultivated_pct, pbf_ha, pbf_pct."""
    scale: pd.DataFrame
    """scheme_id, footprint_ha, standard_ha, ratio, over_standard_ha and area_*_ha."""
    redline: pd.DataFrame
    """scheme_id, eco_redline_ha, forest_ha, outside_udb_ha (the three control lines with
    PBF in :attr:`occupation`)."""
    ranking: pd.DataFrame
    """rank, scheme_id, score, pbf_pct, cultivated_pct, note."""
    recommended: str
    standard: str


def chapter_tables(comparison: SitingComparison, standards: pd.DataFrame | None = None,
                   project_type: str | None = None, source: str = "standards"
                   ) -> ChapterTables:
    """The chapter's numbers from a comparison (and the project type's standard, which
    replaces the schemes' ``standard_ha`` when given)."""
    m = comparison.measures
    standard = "方案表 standard_ha (schemes table)"
    if standards is not None:
        if not project_type:
            msg = "a standards table needs the project type (--project-type)"
            raise InputError(msg)
        m, standard = apply_standard(m, standards, project_type, source)
    r = comparison.ranking[comparison.ranking["method"] == comparison.method]
    order = r.sort_values("rank")["scheme_id"].tolist()
    m = m.set_index("scheme_id").loc[order].reset_index()
    occ = pd.DataFrame({"scheme_id": m["scheme_id"], "name": m["name"],
                        "footprint_ha": m["footprint_ha"], "cultivated_ha": m["cultivated_ha"],
                        "cultivated_pct": 100 * m["cultivated_share"], "pbf_ha": m["pbf_ha"],
                        "pbf_pct": 100 * m["pbf_share"]})
    zones = [c for c in m.columns if c.startswith("area_") and c.endswith("_ha")]
    scale = m[["scheme_id", "footprint_ha", "standard_ha", "land_use_ratio",
               "over_standard_ha", *zones]].rename(columns={"land_use_ratio": "ratio"})
    red = m[["scheme_id", "eco_redline_ha", "forest_ha", "outside_udb_ha"]].copy()
    rr = r.set_index("scheme_id").loc[order]
    rank = pd.DataFrame({"rank": rr["rank"].to_numpy(int), "scheme_id": order,
                         "score": rr["score"].to_numpy(float),
                         "pbf_pct": occ["pbf_pct"].to_numpy(), "cultivated_pct":
                         occ["cultivated_pct"].to_numpy(),
                         "note": rr["tie_rule"].fillna("").to_numpy()})
    return ChapterTables(occ, scale, red, rank, comparison.recommended, standard)


def _ha(v: float) -> str:
    return "—" if pd.isna(v) else f"{v:,.2f}"


def _mu(v: float) -> str:
    return "—" if pd.isna(v) else f"{v * MU_PER_HA:,.1f}"


def _pct(v: float) -> str:
    return "—" if pd.isna(v) else f"{v:.1f}"


def chapter_blocks(tables: ChapterTables, project: str, project_type: str = "",
                   county: str = "偏关县") -> list[Any]:
    """The chapter as report blocks (Chinese) for :func:`landsim.monitor.report.blocks_html`
    and :func:`landsim.monitor.docx.write_docx`."""
    from landsim.monitor.report import Bullets, Cover, Heading, Paragraph, Table
    occ, scale, red, rank = tables.occupation, tables.scale, tables.redline, tables.ranking
    best = tables.recommended
    o = occ.set_index("scheme_id")
    n = len(occ)
    rec = o.loc[best]
    blocks: list[Any] = [Cover(
        f"{project}节约集约用地专章", "用地预审申报材料 (依据《偏关县节约集约利用土地实施方案》三、(二))",
        (("项目名称", project), ("项目类型", project_type or "—"), ("所在县", county),
         ("比选方案数", f"{n} 个"), ("推荐方案", f"{best} {rec['name']}"),
         ("用地标准", tables.standard)))]
    blocks += [Heading(CHAPTER_SECTIONS[0], ""), Paragraph(
        f"本项目提出 {n} 个选址选线方案，按照县实施方案三、(二)的要求，将耕地、永久基本农田占用规模"
        "作为方案比选优化因素，对占用耕地和永久基本农田的必要性、用地规模和功能分区的合理性、"
        "不可避让生态保护红线的充分性、节地水平的先进性进行分析。面积单位为公顷，括注亩 (1 公顷 = 15 亩)。")]
    # 二 occupation
    blocks.append(Heading(CHAPTER_SECTIONS[1], ""))
    t = pd.DataFrame({"方案": occ["scheme_id"], "名称": occ["name"],
                      "用地面积(公顷)": occ["footprint_ha"].map(_ha),
                      "用地面积(亩)": occ["footprint_ha"].map(_mu),
                      "占用耕地(公顷)": occ["cultivated_ha"].map(_ha),
                      "占用耕地(亩)": occ["cultivated_ha"].map(_mu),
                      "耕地占比(%)": occ["cultivated_pct"].map(_pct),
                      "占用永久基本农田(公顷)": occ["pbf_ha"].map(_ha),
                      "占用永久基本农田(亩)": occ["pbf_ha"].map(_mu),
                      "永久基本农田占比(%)": occ["pbf_pct"].map(_pct)})
    blocks.append(Table(t, widths=(0.8, 1.4, 1, 1, 1, 1, 0.9, 1.1, 1.1, 1)))
    least_c = occ.loc[occ["cultivated_ha"].idxmin()]
    least_p = occ.loc[occ["pbf_ha"].idxmin()]
    text = [f"推荐方案 {best} 占用耕地 {_ha(rec['cultivated_ha'])} 公顷 "
            f"({_mu(rec['cultivated_ha'])} 亩)，占用地面积的 {_pct(rec['cultivated_pct'])}%；"
            f"占用永久基本农田 {_ha(rec['pbf_ha'])} 公顷 ({_mu(rec['pbf_ha'])} 亩)，占 "
            f"{_pct(rec['pbf_pct'])}%。"]
    if float(occ["cultivated_ha"].min()) > 0:
        text.append(f"各比选方案均需占用耕地 (最少为方案 {least_c['scheme_id']}，"
                    f"{_ha(least_c['cultivated_ha'])} 公顷)，无不占耕地的可行方案。")
    else:
        text.append(f"方案 {least_c['scheme_id']} 不占用耕地。")
    if float(occ["pbf_ha"].min()) > 0:
        text.append(f"各比选方案均需占用永久基本农田 (最少为方案 {least_p['scheme_id']}，"
                    f"{_ha(least_p['pbf_ha'])} 公顷)，占用的必要性须结合线位和工程条件论证。")
    elif float(rec["pbf_ha"]) > 0:
        text.append(f"方案 {least_p['scheme_id']} 不占用永久基本农田，推荐方案占用须说明理由。")
    else:
        text.append("推荐方案不占用永久基本农田。")
    blocks.append(Paragraph("".join(text)))
    # 三 scale
    blocks.append(Heading(CHAPTER_SECTIONS[2], ""))
    s = pd.DataFrame({"方案": scale["scheme_id"],
                      "用地面积(公顷)": scale["footprint_ha"].map(_ha),
                      "标准面积(公顷)": scale["standard_ha"].map(_ha),
                      "用地/标准": scale["ratio"].map(lambda v: "—" if pd.isna(v)
                                                     else f"{v:.3f}"),
                      "超标准(公顷)": scale["over_standard_ha"].map(_ha)})
    for c in [c for c in scale.columns if c.startswith("area_")]:
        s[f"{c.removeprefix('area_').removesuffix('_ha')}(公顷)"] = scale[c].map(_ha)
    blocks.append(Table(s))
    sr = scale.set_index("scheme_id").loc[best]
    if pd.isna(sr["standard_ha"]):
        blocks.append(Paragraph("未提供该类项目的用地标准，用地规模的合理性无法与标准比较。"))
    elif float(sr["over_standard_ha"]) > 0:
        blocks.append(Paragraph(
            f"推荐方案用地 {_ha(sr['footprint_ha'])} 公顷，超出用地标准 ({_ha(sr['standard_ha'])} "
            f"公顷) {_ha(sr['over_standard_ha'])} 公顷，须核减规模或说明超标准的理由。"))
    else:
        blocks.append(Paragraph(
            f"推荐方案用地 {_ha(sr['footprint_ha'])} 公顷，不超过用地标准 "
            f"{_ha(sr['standard_ha'])} 公顷 (用地/标准 = {sr['ratio']:.3f})，用地规模合理。"))
    # 四 red line
    blocks.append(Heading(CHAPTER_SECTIONS[3], ""))
    blocks.append(Table(pd.DataFrame({
        "方案": red["scheme_id"], "占用生态保护红线(公顷)": red["eco_redline_ha"].map(_ha),
        "占用林地(公顷)": red["forest_ha"].map(_ha),
        "城镇开发边界外(公顷)": red["outside_udb_ha"].map(_ha),
        "红线不可避让论证": np.where(red["eco_redline_ha"] > 0, "需要", "不涉及"),
        "林业部门意见": np.where(red["forest_ha"] > 0, "需征求", "不涉及")})))
    rr = red.set_index("scheme_id")
    avoid = red.loc[red["eco_redline_ha"] <= 0, "scheme_id"].tolist()
    if float(rr.loc[best, "eco_redline_ha"]) <= 0:
        blocks.append(Paragraph("推荐方案不占用生态保护红线。"))
    elif avoid:
        blocks.append(Paragraph(
            f"推荐方案占用生态保护红线 {_ha(rr.loc[best, 'eco_redline_ha'])} 公顷，而方案 "
            f"{'、'.join(avoid)} 可避让，须充分论证不可避让的理由。"))
    else:
        blocks.append(Paragraph(
            f"各方案均占用生态保护红线，推荐方案占用 {_ha(rr.loc[best, 'eco_redline_ha'])} 公顷，"
            "须充分论证不可避让的理由。"))
    if float(rr.loc[best, "forest_ha"]) > 0:
        blocks.append(Paragraph("推荐方案涉及使用林地，应征求林业部门意见。"))
    # 五 land-saving level
    blocks.append(Heading(CHAPTER_SECTIONS[4], ""))
    ratios = scale.set_index("scheme_id")["ratio"]
    if ratios.notna().all():
        best_ratio = ratios.idxmin()
        blocks.append(Paragraph(
            f"以用地面积与用地标准之比衡量节地水平 (越低越节约)：推荐方案为 "
            f"{ratios[best]:.3f}，各方案中最低为方案 {best_ratio} ({ratios[best_ratio]:.3f})。"
            + ("推荐方案节地水平达到标准要求。" if ratios[best] <= 1 else
               "推荐方案节地水平未达到标准要求。")))
    else:
        blocks.append(Paragraph("未提供用地标准，节地水平的先进性无法评价。"))
    # 六 recommendation
    blocks.append(Heading(CHAPTER_SECTIONS[5], ""))
    blocks.append(Table(pd.DataFrame({
        "排序": rank["rank"].astype(str), "方案": rank["scheme_id"],
        "综合得分": rank["score"].map(lambda v: f"{v:.3f}"),
        "永久基本农田占比(%)": rank["pbf_pct"].map(_pct),
        "耕地占比(%)": rank["cultivated_pct"].map(_pct), "说明": rank["note"]})))
    blocks.append(Bullets((
        "比选规则 (县实施方案三、(二))：对于新建、扩建等项目，项目建设单位要提供至少 2 个及以上的"
        "选址选线方案，同等条件下，优先选用占用耕地特别是永久基本农田比例较低的方案。",
        f"比选结论：推荐方案 {best} ({rec['name']})。")))
    return blocks
