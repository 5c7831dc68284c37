"""The one stock-land inventory (存量土地台账): 批而未供, idle (闲置) and inefficient (低效) land
and their state at a date, derived once from the county tables.

:func:`county_inventory` derives it from the county's land register (一码管地,
:mod:`landsim.register`): the supply batches, contracts and stock plots are imported into
units keyed by the real-estate unit code, and the batches and plots this engine reads are
derived back from the units' events (:func:`landsim.register.importer.register_inventory`).

Every path that reports stock land reads this derivation: the quota engine
(:func:`landsim.quota.stock.stock_inventory`), ``landsim stock assess``
(:func:`landsim.stockland.assess.assess_stock`), the monitor
(:func:`landsim.monitor.indicators.history_frame`) and the notebooks. The five-year supply
rate (:func:`supply_rate`) and the disposal-plan format (:data:`PLAN_COLUMNS`) live here
too, so that the stock-land engines never import the quota package (the quota package
imports this module, not the reverse).

Rules at the as-of date D (year Y):

- 批而未供 (approved but unsupplied): per batch approved in or before Y,
  ``approved_ha - supplied_ha`` (never below 0), with the latest recorded supply;
- idle (闲置): the Order No. 53 engine (:func:`landsim.stockland.idle.assess_idle`) decides
  for every industrial contract. A stock plot linked to a contract is an idle case exactly
  when its contract is idle at D, whatever category the plot was recorded under; a contract
  idle at D with no stock plot on record is an idle case too (area from the contract). A
  plot recorded idle without a contract (or when no contract table is given) has no record
  to test and is taken as recorded;
- an idle case whose plot's disposal was accepted (``disposed_year <= Y``) is disposed: the
  acceptance ends the case even where the contract record was not updated;
- inefficient (低效): plots recorded inefficient (the county's 低效用地 identification) that
  are not an idle case and whose redevelopment was not accepted by Y;
- plots identified after Y are not yet on record.

Without an as-of date (``as_of=None``) nothing is filtered by date: every batch and plot
counts and any recorded disposal is done. Contracts then cannot be tested, so giving
contracts requires an as-of date.

>>> from landsim.datasets import load_sample
>>> inv = county_inventory(load_sample(), "2022-12-31")
>>> {k: round(v, 2) for k, v in inv.totals().items()}  # doctest: +NORMALIZE_WHITESPACE
{'unsupplied_ha': 127.9, 'idle_ha': 32.49, 'inefficient_ha': 85.94,
 'idle_disposed_ha': 7.0, 'idle_identified_ha': 39.49}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from landsim.errors import InputError
from landsim.policy import COMMON
from landsim.schema import require_columns
from landsim.stockland._common import DateLike, as_timestamp, fmt_date
from landsim.stockland.idle import assess_idle, assess_idle_dates
from landsim.stockland.params import IdleRules

__all__ = [
    "BATCH_COLUMNS",
    "CATEGORIES",
    "LAND_COLUMNS",
    "PLAN_COLUMNS",
    "PLOT_COLUMNS",
    "STOCK_COLUMNS",
    "StockInventory",
    "build_inventories",
    "build_inventory",
    "check_batch_table",
    "county_inventory",
    "supply_rate",
    "unsupplied_by_batch",
]

BATCH_COLUMNS = ("batch_id", "township", "approval_year", "approved_ha", "supplied_ha")
"""Columns a supply-batch table must have."""
PLOT_COLUMNS = ("plot_id", "township", "category", "area_ha", "land_use", "identified_year")
"""Columns of a stock-plot table; the inventory needs township, category and area_ha, and
reads plot_id, identified_year, contract_id and disposed_year when present."""
PLAN_COLUMNS = ("year", "township", "category", "area_ha")
"""Columns of a disposal plan table (year [year], township, category, area_ha [ha])."""
CATEGORIES = ("unsupplied", "idle", "inefficient")
"""Stock categories: 批而未供, 闲置, 低效."""
STOCK_COLUMNS = tuple(f"{c}_ha" for c in CATEGORIES)
"""Columns of :meth:`StockInventory.by_township`. [ha]"""
LAND_COLUMNS = (
    "plot_id", "contract_id", "township", "recorded_category", "area_ha", "identified_year",
    "disposed_year", "idle_case", "disposed", "stock_category", "basis", "rule",
)
"""Columns of :attr:`StockInventory.land` (one row per stock plot on record, plus one per
contract idle without a plot). ``recorded_category`` is the plot's category ('' for a
contract without a plot); ``stock_category`` is idle, inefficient or '' (not stock at the
date); ``basis`` says who decided; ``rule`` gives the dates and figures."""

_TOL_HA = 1e-6


def check_batch_table(batches: pd.DataFrame) -> pd.DataFrame:
    """Check the columns and areas of a supply-batch table; return it with numeric areas.

    Only :data:`BATCH_COLUMNS` are needed (the full file schema is checked by
    :func:`landsim.stockland.unsupplied.check_batches`).

    Raises
    ------
    InputError
        Missing columns, supplied area above the approved area, negative areas.
    """
    require_columns(batches, BATCH_COLUMNS, "supply batches")
    f = batches.copy()
    for col in ("approval_year", "approved_ha", "supplied_ha"):
        f[col] = pd.to_numeric(f[col], errors="coerce")
    if f[["approval_year", "approved_ha", "supplied_ha"]].isna().any().any():
        msg = ("supply batches: approval_year, approved_ha and supplied_ha must be numbers "
               "(no empty cells)")
        raise InputError(msg)
    over = f["supplied_ha"] > f["approved_ha"] + _TOL_HA
    if over.any():
        ids = f.loc[over, "batch_id"].astype(str).head(5).tolist()
        msg = (f"supply batches {ids}: supplied_ha exceeds approved_ha; supplied land cannot "
               "exceed the approved area")
        raise InputError(msg)
    if (f[["approved_ha", "supplied_ha"]] < 0).any().any():
        msg = "supply batches: approved_ha and supplied_ha must be >= 0 [ha]"
        raise InputError(msg)
    return f


def unsupplied_by_batch(batches: pd.DataFrame, as_of_year: int | None = None
                        ) -> pd.DataFrame:
    """Approved-but-unsupplied land (批而未供) of each batch approved by ``as_of_year``.

    Parameters
    ----------
    batches : pandas.DataFrame
        Columns :data:`BATCH_COLUMNS` (others pass through).
    as_of_year : int, optional
        Leave out batches approved later; default keep all. [year]

    Returns
    -------
    pandas.DataFrame
        The batches plus ``unsupplied_ha = max(approved_ha - supplied_ha, 0)``. [ha]

    Examples
    --------
    >>> b = pd.DataFrame({"batch_id": ["a", "b"], "township": ["X", "X"],
    ...                   "approval_year": [2020, 2023], "approved_ha": [10.0, 5.0],
    ...                   "supplied_ha": [4.0, 0.0]})
    >>> unsupplied_by_batch(b, 2022)["unsupplied_ha"].tolist()
    [6.0]
    """
    f = check_batch_table(batches)
    if as_of_year is not None:
        f = f[f["approval_year"] <= int(as_of_year)]
    left = (f["approved_ha"] - f["supplied_ha"]).clip(lower=0.0).round(6)
    return f.assign(unsupplied_ha=left).reset_index(drop=True)


def supply_rate(batches: pd.DataFrame, last_year: int,
                window_years: int = COMMON.supply_rate_window_years,
                level: str = "township") -> pd.Series:
    """Average land-supply rate of the batches approved in the last ``window_years`` years.

    Rate = sum supplied / sum approved over batches with
    ``last_year - window_years < approval_year <= last_year``; NaN where nothing was
    approved. The one definition used by the quota engine, the stock-land assessment and
    the monitor.

    Parameters
    ----------
    batches : pandas.DataFrame
        Supply batches (:data:`BATCH_COLUMNS`).
    last_year : int
        Last approval year in the window. [year]
    window_years : int
        Window length (default the shared figure ``supply_rate_window_years``). [year]
    level : {'township', 'county'}
        Rate per township or one county rate (index ``'county'``).

    Returns
    -------
    pandas.Series
        Supply rate. [fraction]

    Examples
    --------
    >>> b = pd.DataFrame({"batch_id": ["a", "b"], "township": ["X", "X"],
    ...                   "approval_year": [2018, 2022], "approved_ha": [10.0, 10.0],
    ...                   "supplied_ha": [4.0, 8.0]})
    >>> float(supply_rate(b, 2022).loc["X"])
    0.6
    """
    f = check_batch_table(batches)
    in_window = f[(f["approval_year"] > last_year - window_years)
                  & (f["approval_year"] <= last_year)]
    if level == "county":
        in_window = in_window.assign(township="county")
    elif level != "township":
        msg = f"supply_rate: level must be 'township' or 'county', got {level!r}"
        raise InputError(msg)
    sums = in_window.groupby("township")[["approved_ha", "supplied_ha"]].sum()
    rate = sums["supplied_ha"] / sums["approved_ha"].where(sums["approved_ha"] > 0)
    return rate.rename("supply_rate")


# ----------------------------------------------------------------------------- land records


def _text_ids(values: pd.Series) -> pd.Series:
    """Ids as text, with empty cells as None."""
    def one(v: object) -> str | None:
        if v is None or (not isinstance(v, str) and pd.isna(v)):  # type: ignore[arg-type]
            return None
        text = str(v).strip()
        return text or None

    return values.map(one).astype(object)


def _plot_frame(plots: pd.DataFrame) -> pd.DataFrame:
    """Stock plots with the columns the inventory reads (absent optional ones empty)."""
    require_columns(plots, ["township", "category", "area_ha"], "stock plots")
    bad = ~plots["category"].isin(["idle", "inefficient"])
    if bad.any():
        cats = sorted(plots.loc[bad, "category"].astype(str).unique().tolist())[:5]
        msg = f"stock plots: unknown category {cats}; use 'idle' or 'inefficient'"
        raise InputError(msg)
    n = len(plots)
    p = pd.DataFrame(index=range(n))
    p["plot_id"] = (plots["plot_id"].astype(str).to_numpy() if "plot_id" in plots
                    else [f"row {i + 1}" for i in range(n)])
    p["contract_id"] = (_text_ids(plots["contract_id"]).to_numpy() if "contract_id" in plots
                        else np.full(n, None, dtype=object))
    p["township"] = plots["township"].astype(str).to_numpy()
    p["recorded_category"] = plots["category"].astype(str).to_numpy()
    p["area_ha"] = pd.to_numeric(plots["area_ha"], errors="coerce").to_numpy(dtype=float)
    for col in ("identified_year", "disposed_year"):
        p[col] = (pd.to_numeric(plots[col], errors="coerce").astype("float64").to_numpy()
                  if col in plots else np.nan)
    if np.isnan(p["area_ha"]).any() or (p["area_ha"] < 0).any():
        msg = "stock plots: area_ha must be a number >= 0 [ha] in every row"
        raise InputError(msg)
    return p


def _year_text(y: float) -> str:
    return "" if pd.isna(y) else str(int(y))


@dataclass(frozen=True)
class StockInventory:
    """Stock land of a county at a date: every record and the rule that decided it.

    Build it with :func:`build_inventory` or :func:`county_inventory`.

    Attributes
    ----------
    as_of : str or None
        As-of date ``YYYY-MM-DD`` (None: records as they stand, no date filter).
    batches : pandas.DataFrame
        Supply batches approved by the as-of year, with ``unsupplied_ha``. [ha]
    land : pandas.DataFrame
        Idle and inefficient land records, columns :data:`LAND_COLUMNS`. [ha]
    idle : pandas.DataFrame or None
        The Order No. 53 assessment of every contract
        (:func:`~landsim.stockland.idle.assess_idle`), None without contracts.
    """

    as_of: str | None
    batches: pd.DataFrame
    land: pd.DataFrame
    idle: pd.DataFrame | None = None

    @property
    def as_of_year(self) -> int | None:
        """Year of the as-of date. [year]"""
        return None if self.as_of is None else int(self.as_of[:4])

    def totals(self) -> dict[str, float]:
        """County totals [ha]: unsupplied, idle and inefficient stock; idle cases disposed
        (accepted) and identified (stock + disposed), as the monitor's disposal rate uses."""
        land = self.land
        area = land["area_ha"]
        idle_disposed = area[land["disposed"] & (land["idle_case"]
                                                 | (land["recorded_category"] == "idle"))].sum()
        idle = float(area[land["stock_category"] == "idle"].sum())
        return {
            "unsupplied_ha": float(self.batches["unsupplied_ha"].sum()),
            "idle_ha": idle,
            "inefficient_ha": float(area[land["stock_category"] == "inefficient"].sum()),
            "idle_disposed_ha": float(idle_disposed),
            "idle_identified_ha": idle + float(idle_disposed),
        }

    def by_township(self, townships: Sequence[str] | None = None) -> pd.DataFrame:
        """Stock per township: unsupplied_ha, idle_ha, inefficient_ha. [ha]

        Parameters
        ----------
        townships : sequence of str, optional
            Township order (others are left out, missing ones are 0); default the sorted
            townships of the batches and of the stock land.
        """
        unsupplied = self.batches.groupby("township")["unsupplied_ha"].sum()
        in_stock = self.land[self.land["stock_category"] != ""]
        by_cat = in_stock.pivot_table(index="township", columns="stock_category",
                                      values="area_ha", aggfunc="sum")
        names = (sorted(set(unsupplied.index) | set(by_cat.index)) if townships is None
                 else [str(t) for t in townships])
        out = pd.DataFrame(index=pd.Index(names, name="township"))
        out["unsupplied_ha"] = unsupplied.reindex(names).fillna(0.0)
        for cat in ("idle", "inefficient"):
            col = by_cat[cat] if cat in by_cat else pd.Series(dtype=float)
            out[f"{cat}_ha"] = col.reindex(names).fillna(0.0)
        return out.astype(float)

    def supply_rate(self, level: str = "county",
                    window_years: int = COMMON.supply_rate_window_years) -> pd.Series:
        """Five-year supply rate of the window ending in the as-of year (see
        :func:`supply_rate`). [fraction]"""
        if self.as_of_year is None:
            msg = "StockInventory.supply_rate: the inventory has no as-of date; build it with one"
            raise InputError(msg)
        return supply_rate(self.batches, self.as_of_year, window_years, level)


def build_inventory(batches: pd.DataFrame | None, plots: pd.DataFrame | None,
                    contracts: pd.DataFrame | None = None, as_of: DateLike | None = None,
                    rules: IdleRules | None = None, *, idle: pd.DataFrame | None = None,
                    source: str | None = None, row_word: str = "row",
                    row_offset: int = 1) -> StockInventory:
    """Derive the stock inventory at ``as_of`` from the county tables.

    Parameters
    ----------
    batches : pandas.DataFrame or None
        Supply batches (:data:`BATCH_COLUMNS`); None: no 批而未供 land.
    plots : pandas.DataFrame or None
        Stock plots (township, category, area_ha [ha]; optional plot_id, contract_id,
        identified_year, disposed_year); None: no plots on record.
    contracts : pandas.DataFrame, optional
        Industrial contracts (schema ``industrial_contracts``) for the Order No. 53 test.
    as_of : str or date, optional
        As-of date ``YYYY-MM-DD``; required with ``contracts`` or ``idle``.
    rules : IdleRules, optional
        Order No. 53 parameters (default the national figures).
    idle : pandas.DataFrame, optional
        An :func:`~landsim.stockland.idle.assess_idle` table already made for ``as_of``
        (used instead of assessing ``contracts`` again).
    source, row_word, row_offset
        How bad contract records are named in errors (see
        :func:`~landsim.stockland.idle.assess_idle`).

    Returns
    -------
    StockInventory

    Raises
    ------
    InputError
        Bad tables, contracts without an as-of date, or plots naming unknown contracts.

    Examples
    --------
    >>> b = pd.DataFrame({"batch_id": ["b"], "township": ["X"], "approval_year": [2020],
    ...                   "approved_ha": [10.0], "supplied_ha": [4.0]})
    >>> p = pd.DataFrame({"township": ["X", "X"], "category": ["idle", "inefficient"],
    ...                   "area_ha": [2.0, 3.0], "disposed_year": [None, 2021]})
    >>> build_inventory(b, p, as_of="2022-12-31").by_township().loc["X"].tolist()
    [6.0, 2.0, 0.0]
    """
    day = None if as_of is None else as_timestamp(as_of)
    year = None if day is None else int(day.year)
    if batches is None:
        batches = pd.DataFrame({c: pd.Series(dtype=float) for c in BATCH_COLUMNS})
    cohort = unsupplied_by_batch(batches, year)

    p = _plot_frame(plots if plots is not None else
                    pd.DataFrame(columns=["township", "category", "area_ha"]))
    if year is not None:
        p = p[~(p["identified_year"] > year)].reset_index(drop=True)
        done = (p["disposed_year"] <= year).to_numpy()
    else:
        done = p["disposed_year"].notna().to_numpy()

    table: pd.DataFrame | None = None
    if contracts is not None or idle is not None:
        if day is None:
            msg = ("the Order No. 53 idle test needs an as-of date: give as_of (YYYY-MM-DD) "
                   "with the contracts")
            raise InputError(msg)
        table = idle if idle is not None else assess_idle(
            contracts, day, rules, source=source, row_word=row_word, row_offset=row_offset)
    linked = p["contract_id"].notna().to_numpy(dtype=bool) & (table is not None)
    status: dict[str, Mapping[str, Any]] = {}
    if table is not None:
        status = table.set_index("contract_id")[["idle", "rule", "decided_by", "township",
                                                 "area_ha"]].to_dict("index")
        unknown = sorted(set(p.loc[linked, "contract_id"]) - set(status))
        if unknown:
            ids = ", ".join(unknown[:5]) + (", ..." if len(unknown) > 5 else "")
            msg = (f"stock plots: contract_id {ids} not in the industrial contracts. Fix: "
                   "give the contract's record or leave contract_id empty")
            raise InputError(msg)
    recorded = p["recorded_category"].to_numpy()
    contract_idle = np.array([bool(status.get(c, {}).get("idle", False))
                              for c in p["contract_id"]], dtype=bool)
    idle_case = np.where(linked, contract_idle, recorded == "idle").astype(bool)
    done = np.asarray(done, dtype=bool)
    stock = np.where(idle_case & ~done, "idle",
                     np.where((recorded == "inefficient") & ~idle_case & ~done,
                              "inefficient", ""))
    when = fmt_date(day) if day is not None else "the records' date"
    basis, rule = [], []
    for i, r in enumerate(p.itertuples(index=False)):
        accepted = f"disposal accepted {_year_text(r.disposed_year)}"
        if linked[i]:
            s = status[r.contract_id]
            basis.append("Order No. 53")
            verdict = "idle" if idle_case[i] else "not idle"
            text = (f"contract {r.contract_id} {verdict} under Order No. 53 at {when}: "
                    f"{s['rule']} ({s['decided_by']})")
            rule.append(f"{accepted}; {text}" if done[i] else text)
        elif recorded[i] == "idle":
            basis.append("recorded idle (no contract to test)" if table is not None
                         else "recorded idle")
            rule.append(accepted if done[i] else
                        f"recorded idle (identified {_year_text(r.identified_year)}), taken "
                        "as recorded: no contract record to test under Order No. 53")
        else:
            basis.append("recorded inefficient")
            rule.append(f"redevelopment accepted {_year_text(r.disposed_year)}" if done[i]
                        else f"recorded inefficient (identified "
                        f"{_year_text(r.identified_year)}), not yet redeveloped")
    land = p.assign(idle_case=idle_case.astype(bool), disposed=done.astype(bool),
                    stock_category=stock, basis=basis, rule=rule)
    if table is not None:  # contracts idle at the date without a plot on record
        on_record = set(p["contract_id"].dropna())
        extra = [(cid, s) for cid, s in status.items() if s["idle"] and cid not in on_record]
        if extra:
            land = pd.concat([land, pd.DataFrame({
                "plot_id": "", "contract_id": [cid for cid, _ in extra],
                "township": [str(s["township"]) for _, s in extra], "recorded_category": "",
                "area_ha": [float(s["area_ha"]) for _, s in extra],
                "identified_year": np.nan, "disposed_year": np.nan, "idle_case": True,
                "disposed": False, "stock_category": "idle", "basis": "Order No. 53",
                "rule": [f"contract {cid} idle under Order No. 53 at {when}: {s['rule']} "
                         f"({s['decided_by']}); no stock plot on record" for cid, s in extra],
            })], ignore_index=True)
    land = land[list(LAND_COLUMNS)].reset_index(drop=True)
    return StockInventory(as_of=None if day is None else fmt_date(day), batches=cohort,
                          land=land, idle=table)


def build_inventories(batches: pd.DataFrame | None, plots: pd.DataFrame | None,
                      contracts: pd.DataFrame | None, dates: Sequence[DateLike],
                      rules: IdleRules | None = None, **naming: Any) -> list[StockInventory]:
    """:func:`build_inventory` at each of several dates (contracts checked once).

    ``naming`` (source, row_word, row_offset) names bad contract records in errors.

    Examples
    --------
    >>> from landsim.datasets import load_sample
    >>> c = load_sample()
    >>> invs = build_inventories(c.supply_batches, c.stock_plots, c.industrial_contracts,
    ...                          ["2021-12-31", "2022-12-31"])
    >>> [round(i.totals()["idle_ha"], 2) for i in invs]
    [20.66, 32.49]
    """
    tables: list[pd.DataFrame | None] = (
        list(assess_idle_dates(contracts, dates, rules, **naming)) if contracts is not None
        else [None] * len(dates))
    return [build_inventory(batches, plots, None, d, rules, idle=t)
            for d, t in zip(dates, tables, strict=True)]


def county_inventory(county: Any, as_of: DateLike, rules: IdleRules | None = None, *,
                     sources: Mapping[str, str] | None = None,
                     idle: pd.DataFrame | None = None) -> StockInventory:
    """The inventory of a :class:`landsim.datasets.County`, derived from its land register.

    The county's supply batches, contracts and stock plots are imported into the register
    (:func:`landsim.register.importer.import_county`, one code per land unit) and the
    inventory is derived from the register's units and events
    (:func:`landsim.register.importer.register_inventory`), so the stock figures of every
    module that reads this function come from the register.

    Parameters
    ----------
    county : landsim.datasets.County
        Uses ``supply_batches``, ``stock_plots`` and ``industrial_contracts`` (a missing
        table counts as empty).
    as_of : str or date
        As-of date ``YYYY-MM-DD``.
    rules : IdleRules, optional
        Order No. 53 parameters (e.g. ``load_stock_policy().idle``).
    sources : mapping, optional
        Table name -> file name used in error messages (rows are then CSV lines).
    idle : pandas.DataFrame, optional
        An Order No. 53 table of the contracts already made for ``as_of``.
    """
    from landsim.register.importer import import_county, register_inventory

    where: dict[str, Any] = {"row_word": "line", "row_offset": 2} if sources else {}
    contracts = None if idle is not None else getattr(county, "industrial_contracts", None)
    plots = getattr(county, "stock_plots", None)
    if plots is not None:
        _plot_frame(plots)  # the plot table's own checks, with its messages
    return register_inventory(import_county(county), as_of, contracts, rules, idle=idle,
                              source=(sources or {}).get("industrial_contracts"), **where)
