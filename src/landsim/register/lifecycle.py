"""The land-lifecycle register (一码管地): land units keyed by the real-estate unit code and
their dated events through approval, supply, use, replenishment, inspection and
registration (批、供、用、补、查、登; county plan 五、(二)).

A :class:`Register` is two tables:

- ``units`` (:data:`UNIT_COLUMNS`): one row per land unit, keyed by its 28-character code
  (:mod:`landsim.register.codes`), with township, area [ha], land use, the approval batch
  and the supply contract it belongs to, and where the code came from;
- ``events`` (:data:`EVENT_COLUMNS`): one row per dated event of a unit: its stage
  (:data:`STAGES`), date, reference (batch, contract, plot, inspection, certificate),
  document number, area concerned [ha], finding and source (file and line).

Dates are ``YYYY-MM-DD``, or ``YYYY`` where the county's table records only the year, or
empty where it records no date. Rules of the state at a date D:

- an event dated to the day counts from that day;
- an event dated to a year counts from 1 January of that year (the county tables record
  approval, identification and disposal by year, and every module reads them as done in
  that year);
- an undated event counts from the unit's approval (the batch table records supplied
  areas without dates), or always when the unit has no approval on record;
- the stage of a unit is the last stage of :data:`PROGRESSION` it has reached; its stock
  category (批而未供, idle, inefficient) is that of the one stock inventory
  (:func:`landsim.register.importer.register_inventory`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from landsim.errors import InputError
from landsim.register.codes import check_codes
from landsim.stockland._common import DateLike, as_timestamp, fmt_date
from landsim.units import MU_PER_HA

__all__ = [
    "EVENT_COLUMNS",
    "PROGRESSION",
    "STAGES",
    "STAGE_NAMES",
    "STATUS_COLUMNS",
    "UNIT_COLUMNS",
    "Register",
    "event_dates",
    "read_register",
    "register_writers",
    "stage_counts",
    "status_at",
    "stuck_units",
    "unit_history",
]

UNIT_COLUMNS = ("unit_code", "township", "area_ha", "land_use", "batch_id", "contract_id",
                "code_origin", "note")
"""Columns of :attr:`Register.units` (area [ha])."""
EVENT_COLUMNS = ("unit_code", "stage", "date", "reference", "document", "area_ha",
                 "finding", "source")
"""Columns of :attr:`Register.events` (area [ha], empty: the whole unit)."""

STAGES = ("approval", "supply", "use_start", "use_completion", "replenishment",
          "inspection", "disposal", "registration")
"""Event stages, in lifecycle order."""
STAGE_NAMES = {
    "approval": "批 approval", "supply": "供 supply", "use_start": "用 start of use (开工)",
    "use_completion": "用 completion (竣工)", "replenishment": "补 replenishment (补充耕地)",
    "inspection": "查 inspection", "disposal": "处置 disposal accepted",
    "registration": "登 registration", "": "无批供记录 no approval or supply on record",
}
"""Stage -> bilingual name."""
PROGRESSION = ("approval", "supply", "use_start", "use_completion", "registration")
"""Stages a unit passes in order; its state is the last one reached."""

STATUS_COLUMNS = ("unit_code", "township", "area_ha", "area_mu", "stage", "stage_name",
                  "stage_since", "days_in_stage", "stock_category", "stock_ha",
                  "last_inspection", "finding", "batch_id", "contract_id")
"""Columns of :func:`status_at`."""

_STUCK_FIELD = {"approval": "approval_days", "supply": "supply_days",
                "use_start": "use_start_days", "use_completion": "use_completion_days"}


@dataclass(frozen=True)
class Register:
    """Land units and their events (see the module docstring).

    Build it with :func:`landsim.register.importer.import_county` (from the county's
    supply batches, contracts and stock plots) or :func:`read_register` (files written by
    ``landsim register import``).
    """

    units: pd.DataFrame
    events: pd.DataFrame

    def unit(self, code: str) -> pd.Series:
        """The row of one unit; :class:`InputError` when the code is not in the register."""
        hit = self.units[self.units["unit_code"] == code]
        if hit.empty:
            msg = (f"unit code {code!r} is not in the register ({len(self.units)} units). "
                   "Fix: give a code from units.csv (landsim register status lists them)")
            raise InputError(msg)
        return hit.iloc[0]

    def with_events(self, events: pd.DataFrame) -> Register:
        """A copy with ``events`` appended (columns :data:`EVENT_COLUMNS`)."""
        extra = events.reindex(columns=list(EVENT_COLUMNS))
        return Register(self.units, pd.concat([self.events, extra], ignore_index=True))


def event_dates(dates: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse event dates: (first day they count from, precision 'day'/'year'/'none').

    Raises
    ------
    InputError
        A date that is neither ``YYYY-MM-DD``, ``YYYY`` nor empty.
    """
    text = dates.fillna("").astype(str).str.strip().str.removesuffix(".0")
    precision = np.where(text == "", "none", np.where(text.str.fullmatch(r"\d{4}"), "year",
                                                      "day"))
    start = pd.Series(pd.NaT, index=dates.index, dtype="datetime64[ns]")
    for i, (t, p) in enumerate(zip(text, precision, strict=True)):
        if p == "year":
            start.iloc[i] = pd.Timestamp(int(t), 1, 1)
        elif p == "day":
            start.iloc[i] = as_timestamp(t, "event date")
    return start, pd.Series(precision, index=dates.index)


def _done(reg: Register, day: pd.Timestamp | None) -> pd.DataFrame:
    """Events with ``start``, ``precision`` and ``done`` (counted at ``day``)."""
    ev = reg.events.copy()
    start, precision = event_dates(ev["date"])
    ev["start"], ev["precision"] = start, precision
    approval = ev[ev["stage"] == "approval"].groupby("unit_code")["start"].min()
    if day is None:
        ev["done"] = True
        return ev
    dated = ev["start"].notna()
    done = dated & (ev["start"] <= day)
    appr = pd.to_datetime(ev["unit_code"].map(approval.to_dict()))
    undated = ~dated & (appr.isna() | (appr <= day))
    ev["done"] = done | undated
    return ev


def _stage_order(stage: pd.Series) -> pd.Series:
    return stage.map({s: i for i, s in enumerate(STAGES)}).fillna(len(STAGES))


def status_at(reg: Register, as_of: DateLike, contracts: pd.DataFrame | None = None,
              *, rules: Any = None, idle: pd.DataFrame | None = None) -> pd.DataFrame:
    """The state of every unit at ``as_of``.

    Parameters
    ----------
    reg : Register
    as_of : str or date
        ``YYYY-MM-DD``.
    contracts : pandas.DataFrame, optional
        Industrial contracts for the Order No. 53 idle test (else idle as recorded).
    rules : IdleRules, optional
        Order No. 53 parameters.
    idle : pandas.DataFrame, optional
        An Order No. 53 table already made for ``as_of``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`STATUS_COLUMNS`, one row per unit in register order: the stage
        reached ('' before approval), since when [date] and for how many days [day], the
        stock category at the date ('unsupplied', 'idle', 'inefficient' or '') and its
        area [ha], the last inspection and its finding.
    """
    from landsim.register.importer import register_inventory

    day = as_timestamp(as_of)
    ev = _done(reg, day)
    done = ev[ev["done"]]
    prog = done[done["stage"].isin(PROGRESSION)].assign(order=lambda f: _stage_order(
        f["stage"]))
    prog = prog.sort_values(["unit_code", "order"], kind="stable")
    last = prog.groupby("unit_code").tail(1).set_index("unit_code")
    units = reg.units
    out = pd.DataFrame({"unit_code": units["unit_code"], "township": units["township"],
                        "area_ha": units["area_ha"].astype(float)})
    out["area_mu"] = out["area_ha"] * MU_PER_HA
    out["stage"] = out["unit_code"].map(last["stage"]).astype(object).fillna("")
    out["stage_name"] = out["stage"].map(STAGE_NAMES)
    since = pd.to_datetime(out["unit_code"].map(last["start"].to_dict()))
    # a year-dated stage counts from 1 January; its time in the stage from the year's end,
    # so nothing is called stuck on a date the table cannot give
    year_only = out["unit_code"].map(last["precision"].to_dict()) == "year"
    since = since.where(~year_only, since + pd.offsets.YearEnd(0))
    out["stage_since"] = [fmt_date(s) for s in since]
    out["days_in_stage"] = (day - since).dt.days.clip(lower=0).astype("Int64")
    # stock at the date, from the one inventory
    inv = register_inventory(reg, day, contracts, rules, idle=idle)
    stock_cat = pd.Series("", index=out.index, dtype=object)
    stock_ha = pd.Series(0.0, index=out.index)
    approved = out["stage"] == "approval"
    stock_cat[approved] = "unsupplied"
    stock_ha[approved] = out.loc[approved, "area_ha"]
    land = inv.land[inv.land["stock_category"] != ""]
    by_plot = _plot_units(reg)
    by_contract = units.dropna(subset=["contract_id"]).drop_duplicates("contract_id") \
        .set_index("contract_id")["unit_code"]
    pos = pd.Series(out.index, index=out["unit_code"])
    for r in land.itertuples(index=False):
        code = by_plot.get(r.plot_id) if r.plot_id else by_contract.get(r.contract_id)
        if code is None:
            continue
        i = pos[code]
        stock_cat[i] = r.stock_category
        stock_ha[i] += float(r.area_ha)
    out["stock_category"], out["stock_ha"] = stock_cat, stock_ha
    insp = done[done["stage"] == "inspection"].sort_values("start", kind="stable")
    last_insp = insp.groupby("unit_code").tail(1).set_index("unit_code")
    out["last_inspection"] = out["unit_code"].map(last_insp["date"]).astype(object).fillna("")
    out["finding"] = out["unit_code"].map(last_insp["finding"]).astype(object).fillna("")
    out["batch_id"] = units["batch_id"].astype(object).fillna("")
    out["contract_id"] = units["contract_id"].astype(object).fillna("")
    return out[list(STATUS_COLUMNS)].reset_index(drop=True)


def _plot_units(reg: Register) -> dict[str, str]:
    """Stock-plot id -> unit code, from the inspection events that recorded the plots."""
    insp = reg.events[(reg.events["stage"] == "inspection")
                      & reg.events["reference"].fillna("").astype(str).ne("")]
    return dict(zip(insp["reference"].astype(str), insp["unit_code"], strict=True))


def stage_counts(status: pd.DataFrame) -> pd.DataFrame:
    """Units and area per stage reached (the stage funnel): stage, stage_name, units,
    area_ha, area_mu, reached_units (units at this stage or beyond). [ha, mu]"""
    order = ["", *PROGRESSION]
    g = status.groupby("stage")["area_ha"].agg(["size", "sum"])
    out = pd.DataFrame({"stage": order})
    out["stage_name"] = out["stage"].map(STAGE_NAMES)
    out["units"] = out["stage"].map(g["size"]).fillna(0).astype(int)
    out["area_ha"] = out["stage"].map(g["sum"]).fillna(0.0)
    out["area_mu"] = out["area_ha"] * MU_PER_HA
    out["reached_units"] = out["units"][::-1].cumsum()[::-1]
    out.loc[0, "reached_units"] = out.loc[0, "units"]
    return out


def stuck_units(reg: Register, as_of: DateLike, rules: Any = None,
                contracts: pd.DataFrame | None = None,
                stages: Sequence[str] | None = None) -> pd.DataFrame:
    """Units that stayed in a stage longer than its threshold at ``as_of``.

    Parameters
    ----------
    rules : StuckRules, optional
        Thresholds per stage [day] (default the packaged ``register.toml``).
    stages : sequence of str, optional
        Only these stages (approval, supply, use_start, use_completion, idle).

    Returns
    -------
    pandas.DataFrame
        The :func:`status_at` rows of the stuck units plus ``stuck_in`` (the stage or
        'idle'), ``limit_days`` and ``over_days``. [day]
    """
    from landsim.register.params import StuckRules

    rules = StuckRules() if rules is None else rules
    wanted = list(stages) if stages else [*_STUCK_FIELD, "idle"]
    bad = sorted(set(wanted) - {*_STUCK_FIELD, "idle"})
    if bad:
        msg = (f"stuck: unknown stage {', '.join(bad)}; valid: "
               f"{', '.join([*_STUCK_FIELD, 'idle'])}")
        raise InputError(msg)
    status = status_at(reg, as_of, contracts)
    day = as_timestamp(as_of)
    rows = []
    for stage in wanted:
        if stage == "idle":
            ev = _done(reg, day)
            first = ev[(ev["stage"] == "inspection") & ev["done"]
                       & (ev["finding"] == "idle")].groupby("unit_code")["start"].min()
            sel = status[status["stock_category"] == "idle"].copy()
            since = pd.to_datetime(sel["unit_code"].map(first.to_dict()))
            since = since.where(since.isna(), since + pd.offsets.YearEnd(0))
            sel["days"] = (day - since).dt.days
            limit = rules.idle_days
        else:
            sel = status[status["stage"] == stage].copy()
            sel["days"] = sel["days_in_stage"].astype("float64")
            limit = getattr(rules, _STUCK_FIELD[stage])
        sel = sel[sel["days"] > limit]
        rows.append(sel.assign(stuck_in=stage, limit_days=limit,
                               over_days=(sel["days"] - limit).astype(int)).drop(
            columns="days"))
    out = pd.concat(rows, ignore_index=True) if rows else status.iloc[:0]
    return out.sort_values(["stuck_in", "over_days"], ascending=[True, False],
                           kind="stable").reset_index(drop=True)


def unit_history(reg: Register, code: str) -> pd.DataFrame:
    """Every event of one unit in date order (undated ones after the approval), with the
    stage's bilingual name."""
    reg.unit(code)
    ev = _done(reg, None)
    ev = ev[ev["unit_code"] == code].copy()
    ev["order"] = _stage_order(ev["stage"])
    appr = ev.loc[ev["stage"] == "approval", "start"].min()
    ev["key"] = ev["start"].fillna(appr if pd.notna(appr) else pd.Timestamp("1900-01-01"))
    ev = ev.sort_values(["key", "order"], kind="stable")
    ev.insert(2, "stage_name", ev["stage"].map(STAGE_NAMES))
    return ev[["unit_code", "stage", "stage_name", "date", "reference", "document",
               "area_ha", "finding", "source"]].reset_index(drop=True)


# ----------------------------------------------------------------------------- files

UNITS_FILE, EVENTS_FILE = "units.csv", "events.csv"


def _read(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    from landsim.datasets import _check_file, _read_csv

    _check_file(path, "register table")
    frame = _read_csv(path, None)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        msg = (f"{path}: missing column(s) {', '.join(missing)}. Fix: the register's "
               f"{path.name} has columns {', '.join(columns)}")
        raise InputError(msg)
    return frame[list(columns)].copy()


def _blank_to_none(s: pd.Series) -> pd.Series:
    t = s.astype(object).where(s.notna(), None)
    return t.map(lambda v: None if v is None or str(v).strip() == "" else str(v).strip())


def _first_bad(mask: pd.Series, frame: pd.DataFrame, source: str, column: str, word: str,
               offset: int, problem: str, fix: str) -> None:
    """Raise naming the first row of ``mask`` (file, column, row, unit code), the problem
    (``{value}`` is the cell) and the fix."""
    if not mask.any():
        return
    i = int(np.flatnonzero(mask.to_numpy())[0])
    value = frame[column].iloc[i]
    msg = (f"{source}: column {column!r}, {word} {i + offset} (unit_code "
           f"{frame['unit_code'].iloc[i]}): {problem.format(value=repr(value))}. Fix: {fix}")
    raise InputError(msg)


def check_register(units: pd.DataFrame, events: pd.DataFrame, county_code: str | None,
                   units_source: str = UNITS_FILE, events_source: str = EVENTS_FILE,
                   row_offset: int = 2) -> Register:
    """Check a register's tables and return the typed :class:`Register`.

    Raises
    ------
    InputError
        A bad or duplicated unit code (naming the line, the code and the part that is
        wrong), a negative or missing area, an event of an unknown unit, an unknown stage
        or a bad date.
    """
    word = "line" if row_offset == 2 else "row"
    rows = [f"{word} {i + row_offset}" for i in range(len(units))]
    check_codes(units["unit_code"].tolist(), county_code,
                f"{units_source}: column 'unit_code'", rows)
    u = units.copy()
    u["area_ha"] = pd.to_numeric(u["area_ha"], errors="coerce")
    bad = u["area_ha"].isna() | (u["area_ha"] < 0) | ~np.isfinite(u["area_ha"])
    _first_bad(bad, units, units_source, "area_ha", word, row_offset,
               "{value} is not an area", "give a number >= 0 [ha]")
    for col in ("township", "land_use", "batch_id", "contract_id", "code_origin", "note"):
        u[col] = _blank_to_none(u[col])
    u["township"] = u["township"].fillna("")
    e = events.copy()
    known = set(u["unit_code"])
    for col in ("unit_code", "stage"):
        e[col] = e[col].fillna("").astype(str).str.strip()
    _first_bad(~e["unit_code"].isin(known), e, events_source, "unit_code", word, row_offset,
               f"{{value}} is not a unit of {units_source}",
               "add the unit to units.csv or correct the code")
    _first_bad(~e["stage"].isin(STAGES), e, events_source, "stage", word, row_offset,
               "{value} is not a stage", f"use one of {', '.join(STAGES)}")
    e["date"] = e["date"].fillna("").astype(str).str.strip().str.removesuffix(".0")
    for i, t in enumerate(e["date"]):
        try:
            event_dates(pd.Series([t]))
        except InputError:
            msg = (f"{events_source}: column 'date', {word} {i + row_offset} (unit_code "
                   f"{e['unit_code'].iloc[i]}): {t!r} is not a date. Fix: write YYYY-MM-DD, "
                   "YYYY (year only) or leave it empty (not recorded)")
            raise InputError(msg) from None
    e["area_ha"] = pd.to_numeric(e["area_ha"], errors="coerce")
    for col in ("reference", "document", "finding", "source"):
        e[col] = e[col].fillna("").astype(str)
    return Register(u[list(UNIT_COLUMNS)].reset_index(drop=True),
                    e[list(EVENT_COLUMNS)].reset_index(drop=True))


def read_register(folder: str | os.PathLike[str], county_code: str | None = None
                  ) -> Register:
    """Read ``units.csv`` and ``events.csv`` of a register folder and check them
    (:func:`check_register`); ``county_code`` default the packaged ``register.toml``'s."""
    from landsim.register.params import CodeRules

    p = Path(folder)
    if not p.is_dir():
        msg = (f"{p}: not a register folder. Fix: give the folder written by `landsim "
               "register import` (units.csv, events.csv)")
        raise InputError(msg)
    code = CodeRules().county_code if county_code is None else county_code
    return check_register(_read(p / UNITS_FILE, UNIT_COLUMNS),
                          _read(p / EVENTS_FILE, EVENT_COLUMNS), code,
                          str(p / UNITS_FILE), str(p / EVENTS_FILE))


def register_writers(reg: Register) -> dict[str, Any]:
    """Writers (for :func:`landsim.outputs.write_outputs`) of units.csv and events.csv."""
    from landsim.outputs import csv_writer

    return {UNITS_FILE: csv_writer(reg.units, "%.10g"),
            EVENTS_FILE: csv_writer(reg.events, "%.10g")}
