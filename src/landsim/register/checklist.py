"""The pre-supply land checklist (用地清单, county plan 三、(四)) and its supply gate.

Before a plot is supplied, the county assembles per plot the assessments of the county
plan (environmental impact, geological hazard, seismic safety, ...; the list and the
responsible departments are ``[[assessment]]`` of ``register.toml``) and hands the list to
the buyer with the land. A checklist is a table, one row per (unit, assessment):

============  ===============================================================
column        meaning
============  ===============================================================
unit_code     the land unit (28-character real-estate unit code)
assessment    assessment key (e.g. ``environmental_impact``)
name          its Chinese name (环境影响评价)
department    responsible department
status        ``pending`` (待完成), ``done`` (已完成) or ``not_applicable`` (不适用)
date          date of the conclusion, ``YYYY-MM-DD`` (required unless pending)
conclusion    conclusion and management requirements (required unless pending)
============  ===============================================================

:func:`supply_unit` records the supply of a unit in the register and refuses it while its
checklist is incomplete, unless an override reason is given, which is recorded with the
supply event.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from landsim.errors import InputError
from landsim.register.codes import code_problem
from landsim.register.lifecycle import Register, status_at
from landsim.register.params import RegisterPolicy, load_register_policy
from landsim.stockland._common import DateLike, as_timestamp, fmt_date

__all__ = [
    "CHECKLIST_COLUMNS",
    "STATUSES",
    "check_checklist",
    "checklist_blocks",
    "checklist_gaps",
    "checklist_template",
    "supply_unit",
]

CHECKLIST_COLUMNS = ("unit_code", "assessment", "name", "department", "status", "date",
                     "conclusion")
"""Columns of a checklist table."""
STATUSES = {"pending": "待完成", "done": "已完成", "not_applicable": "不适用"}
"""Status -> Chinese label."""


def _policy(policy: RegisterPolicy | None) -> RegisterPolicy:
    return load_register_policy() if policy is None else policy


def checklist_template(reg: Register, as_of: DateLike, units: Sequence[str] | None = None,
                       policy: RegisterPolicy | None = None) -> pd.DataFrame:
    """An empty checklist (every assessment pending) for the units awaiting supply.

    Parameters
    ----------
    reg : Register
    as_of : str or date
        Units approved and not supplied at this date are listed (``YYYY-MM-DD``).
    units : sequence of str, optional
        These units instead (each must be in the register).
    policy : RegisterPolicy, optional
        Assessment list (default the packaged ``register.toml``).
    """
    pol = _policy(policy)
    if units is None:
        status = status_at(reg, as_of)
        codes = status.loc[status["stage"] == "approval", "unit_code"].tolist()
    else:
        codes = [str(reg.unit(c)["unit_code"]) for c in units]
    rows = [{"unit_code": c, "assessment": a.key, "name": a.name,
             "department": a.department, "status": "pending", "date": "", "conclusion": ""}
            for c in codes for a in pol.assessments]
    return pd.DataFrame(rows, columns=list(CHECKLIST_COLUMNS))


def check_checklist(frame: pd.DataFrame, source: str = "checklist",
                    policy: RegisterPolicy | None = None, row_offset: int = 2
                    ) -> pd.DataFrame:
    """Check a checklist table; return it with text cells ('' for empty).

    Raises
    ------
    InputError
        A missing column, a bad unit code, an unknown assessment or status, a repeated
        (unit, assessment), or a done / not-applicable row without date or conclusion.
    """
    pol = _policy(policy)
    missing = [c for c in ("unit_code", "assessment", "status", "date", "conclusion")
               if c not in frame.columns]
    if missing:
        msg = (f"{source}: missing column(s) {', '.join(missing)}. Fix: a checklist has "
               f"columns {', '.join(CHECKLIST_COLUMNS)} (landsim checklist init writes one)")
        raise InputError(msg)
    f = frame.copy()
    for col in CHECKLIST_COLUMNS:
        if col not in f:
            f[col] = ""
        f[col] = f[col].fillna("").astype(str).str.strip()
    keys = {a.key: a for a in pol.assessments}
    seen: dict[tuple[str, str], int] = {}
    for i, r in enumerate(f.itertuples(index=False)):
        line = f"line {i + row_offset}"
        problem = code_problem(r.unit_code, pol.codes.county_code)
        if problem:
            msg = f"{source}: column 'unit_code', {line}: {problem}. Fix: correct the code"
            raise InputError(msg)
        if r.assessment not in keys:
            msg = (f"{source}: column 'assessment', {line} (unit_code {r.unit_code}): "
                   f"{r.assessment!r} is not an assessment of the checklist. Fix: use one of "
                   f"{', '.join(keys)}")
            raise InputError(msg)
        if r.status not in STATUSES:
            msg = (f"{source}: column 'status', {line} (unit_code {r.unit_code}, "
                   f"{r.assessment}): {r.status!r}. Fix: use one of {', '.join(STATUSES)}")
            raise InputError(msg)
        if r.status != "pending":
            for col in ("date", "conclusion"):
                if not getattr(r, col):
                    msg = (f"{source}: column {col!r}, {line} (unit_code {r.unit_code}, "
                           f"{r.assessment}): a {r.status} assessment needs its {col}. Fix: "
                           f"give the {col} or set status to pending")
                    raise InputError(msg)
            as_timestamp(r.date, f"{source}: column 'date', {line}")
        key = (r.unit_code, r.assessment)
        if key in seen:
            msg = (f"{source}: {line} repeats unit {r.unit_code} assessment {r.assessment} "
                   f"(line {seen[key]}). Fix: keep one row per unit and assessment")
            raise InputError(msg)
        seen[key] = i + row_offset
        if not r.name:
            f.loc[f.index[i], "name"] = keys[r.assessment].name
        if not r.department:
            f.loc[f.index[i], "department"] = keys[r.assessment].department
    return f[list(CHECKLIST_COLUMNS)].reset_index(drop=True)


def checklist_gaps(checklist: pd.DataFrame, code: str,
                   policy: RegisterPolicy | None = None) -> list[str]:
    """Assessments of ``code`` that are not complete (pending or absent), as
    ``"<key> 名称 (部门)"`` texts in the order of the assessment list."""
    pol = _policy(policy)
    rows = checklist[checklist["unit_code"] == code].set_index("assessment")
    gaps = []
    for a in pol.assessments:
        state = rows["status"].get(a.key, "")
        if state not in ("done", "not_applicable"):
            gaps.append(f"{a.key} {a.name} ({a.department}{', 待完成' if state else ', 未列入'})")
    return gaps


def supply_unit(reg: Register, checklist: pd.DataFrame, code: str, date: DateLike,
                contract: str, override_reason: str | None = None,
                policy: RegisterPolicy | None = None, source: str = "checklist"
                ) -> Register:
    """Record the supply (供地) of ``code`` on ``date`` under ``contract``, gated by its
    checklist.

    Raises
    ------
    InputError
        The unit is not in the register, is not awaiting supply at the date, or its
        checklist is incomplete and no ``override_reason`` was given (the message lists the
        missing assessments).
    """
    pol = _policy(policy)
    unit = reg.unit(code)
    day = as_timestamp(date, "supply date")
    state = status_at(reg, day)
    stage = state.loc[state["unit_code"] == code, "stage"].iloc[0]
    if stage != "approval":
        msg = (f"unit {code}: is at stage {stage or 'none'!r} on {fmt_date(day)}, not "
               "approved and awaiting supply (批而未供). Fix: supply a unit that is approved "
               "and not yet supplied")
        raise InputError(msg)
    if not str(contract).strip():
        msg = f"unit {code}: the supply needs its contract or allocation decision number"
        raise InputError(msg)
    gaps = checklist_gaps(checklist, code, pol)
    reason = (override_reason or "").strip()
    if gaps and not reason:
        listed = "; ".join(gaps[:5]) + (f"; ... ({len(gaps)} in all)" if len(gaps) > 5 else "")
        msg = (f"{source}: unit {code}: the land checklist (用地清单) is incomplete, {len(gaps)} of "
               f"{len(pol.assessments)} assessments missing: {listed}. Fix: complete them, "
               "or give --override-reason to supply anyway (the reason is recorded)")
        raise InputError(msg)
    finding = "供地: 用地清单齐全 (checklist complete)"
    if gaps:
        finding = (f"供地: 用地清单不全, 经批准先行供地 (override): {reason}; 缺 "
                   + "; ".join(g.split(" ")[1] for g in gaps))
    event = pd.DataFrame([{"unit_code": code, "stage": "supply", "date": fmt_date(day),
                           "reference": str(contract).strip(), "document": "",
                           "area_ha": float(unit["area_ha"]), "finding": finding,
                           "source": "landsim checklist supply"}])
    return reg.with_events(event)


def checklist_blocks(checklist: pd.DataFrame, reg: Register, code: str,
                     county: str = "偏关县", policy: RegisterPolicy | None = None
                     ) -> list[Any]:
    """The per-plot checklist document (Chinese), as report blocks for
    :func:`landsim.monitor.report.blocks_html` and :func:`landsim.monitor.docx.write_docx`.
    """
    from landsim.monitor.report import Cover, Heading, Paragraph, Table
    from landsim.presentation import format_number
    from landsim.units import ha_to_mu

    pol = _policy(policy)
    unit = reg.unit(code)
    rows = checklist[checklist["unit_code"] == code].set_index("assessment")
    table = []
    for i, a in enumerate(pol.assessments, start=1):
        r = rows.loc[a.key] if a.key in rows.index else None
        state = "未列入" if r is None else STATUSES.get(r["status"], r["status"])
        table.append({"序号": str(i), "调查评估事项": a.name, "类别": a.kind,
                      "责任部门": a.department, "状态": state,
                      "日期": "" if r is None else r["date"],
                      "结论及管理要求": "" if r is None else r["conclusion"]})
    gaps = checklist_gaps(checklist, code, pol)
    area = float(unit["area_ha"])
    cover = Cover(f"{county}拟出让地块用地清单", "依据《偏关县节约集约利用土地实施方案》三、(四)",
                  (("不动产单元代码", code), ("乡镇", str(unit["township"])),
                   ("面积", f"{format_number(area, 'ha')} 公顷 ({format_number(ha_to_mu(area), 'mu')} 亩)"),
                   ("用途", str(unit["land_use"] or "")),
                   ("代码来源", str(unit["code_origin"] or "")),
                   ("清单状态", "齐全" if not gaps else f"不全 (缺 {len(gaps)} 项)")))
    return [cover, Heading("调查评估与现状普查", ""),
            Table(pd.DataFrame(table), widths=(1, 4, 2, 3, 2, 2.5, 7)),
            Paragraph("相关部门提出管理要求及技术设计要点后形成本清单，在土地供应时一并交付用地单位，"
                      "作为项目审批管理、技术审查的主要依据。", note=True)]
