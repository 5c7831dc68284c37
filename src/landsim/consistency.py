"""Consistency check (``landsim check``): the same quantity through every module's path.

Several modules report the same facts of a county: the quota engine, ``landsim stock
assess``, the land register (一码管地), the monitor, the parcel summaries and the farmland layout model. Each is meant to
read one derivation (the stock inventory of :mod:`landsim.stockland.inventory`, the UDB base
of :func:`landsim.quota.engine.udb_base_urban_land`, the supply rate of
:func:`landsim.stockland.inventory.supply_rate`), and this module checks that they do:
:func:`path_values` recomputes every quantity below through each module's public path and
:func:`compare_paths` sets each path against the first one, with both numbers and the
tolerance. :func:`consistency_check` does both and returns the table and a readable report
(PyPSA's ``consistency_check`` is the model; ``strict=True`` raises instead).

Quantities (at the as-of date D, year Y):

- ``idle_ha`` - idle land (闲置) at D, decided by the Order No. 53 engine [ha];
- ``unsupplied_ha`` - approved-but-unsupplied land (批而未供) at the end of Y [ha];
- ``inefficient_ha`` - inefficient land (低效) still to redevelop at the end of Y [ha];
- ``supply_rate_5y`` - five-year average supply rate of the batches approved Y-4..Y
  [fraction];
- ``udb_base_ha`` - the 2020 urban construction land of the county, base of the 1.3 x UDB
  cap [ha];
- ``udb_room_ha`` - room left under the cap: 1.3 x base - urban construction land [ha];
- ``per_capita_urban_land_m2`` - urban construction land / urban population in Y
  [m2/person];
- ``pbf_ha`` - permanent basic farmland (永久基本农田) [ha];
- ``udb_ha`` - area inside the urban development boundary [ha].

The quota engine starts from the end of its population base year, so its figures are
compared when D is that date; the monitor works in calendar years, so its figures are
compared when D is a 31 December of its history.

>>> values = pd.DataFrame({"quantity": ["idle_ha"] * 2, "unit": ["ha", "ha"],
...                        "path": ["stock assess", "quota engine"], "value": [33.59, 42.59],
...                        "precision": [0.005, 0.0]})
>>> row = compare_paths(values).iloc[0]
>>> row["path_b"], float(row["value_b"]), bool(row["agree"])
('quota engine', 42.59, False)
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from landsim.errors import InputError, LandsimError

__all__ = [
    "CHECK_COLUMNS",
    "QUANTITIES",
    "VALUE_COLUMNS",
    "ConsistencyError",
    "Quantity",
    "check_folder",
    "check_synthetic",
    "compare_paths",
    "consistency_check",
    "default_as_of",
    "path_values",
    "report",
]

logger = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]


class ConsistencyError(LandsimError, ValueError):
    """Two module paths report different values of the same quantity."""


@dataclass(frozen=True)
class Quantity:
    """A quantity several modules report.

    Parameters
    ----------
    name : str
        Identifier (the ``quantity`` column).
    unit : str
        Unit of the values.
    tolerance : float
        Largest difference counted as agreement between two exact paths, in ``unit``; a
        path that rounds its output adds its own precision.
    description : str
        What the quantity is.
    """

    name: str
    unit: str
    tolerance: float
    description: str


QUANTITIES: dict[str, Quantity] = {q.name: q for q in (
    Quantity("idle_ha", "ha", 1e-6, "idle land (闲置) at the as-of date, Order No. 53"),
    Quantity("unsupplied_ha", "ha", 1e-6, "approved but unsupplied land (批而未供)"),
    Quantity("inefficient_ha", "ha", 1e-6, "inefficient land (低效) still to redevelop"),
    Quantity("supply_rate_5y", "fraction", 1e-9, "five-year average land-supply rate"),
    Quantity("udb_base_ha", "ha", 1e-6,
             "2020 urban construction land of the county (base of the UDB cap)"),
    Quantity("udb_room_ha", "ha", 1e-6, "room under the UDB cap (1.3 x base - urban land)"),
    Quantity("per_capita_urban_land_m2", "m2/person", 1e-6,
             "urban construction land per urban resident"),
    Quantity("pbf_ha", "ha", 1e-6, "permanent basic farmland (永久基本农田)"),
    Quantity("udb_ha", "ha", 1e-6, "area inside the urban development boundary"),
)}
"""The quantities checked, by name."""

VALUE_COLUMNS = ("quantity", "unit", "path", "value", "precision")
"""Columns of :func:`path_values`: ``precision`` is the rounding of the path's output
(0 when exact), in ``unit``."""

CHECK_COLUMNS = ("quantity", "unit", "path_a", "value_a", "path_b", "value_b", "difference",
                 "tolerance", "agree")
"""Columns of :func:`compare_paths` (``path_a`` is the reference path of the quantity)."""

# path names, as shown in the table
STOCK_SUMMARY = "stock assess: summary.json"
STOCK_INVENTORY = "stock assess: inventory.csv"
STOCK_RATE = "stock assess: supply_rate.csv"
RATE_HISTORY = "stockland: supply_rate_history"
QUOTA = "quota engine: run_scenario"
MONITOR_FRAME = "monitor: history_frame"
MONITOR_VALUES = "monitor: indicator_values"
PARCELS = "parcels: county_summary"
PARCELS_CSV = "parcels.csv: county_summary"
FARMLAND = "farmland: FarmlandLayoutModel"
REGISTER = "register: status_at"
REGISTER_RATE = "register: supply batches"

_ROUNDED_HA = 0.005  # half a unit of the 2nd decimal: summary.json, indicator_history.csv


def default_as_of(county: Any) -> str:
    """The date a county is checked at by default: the end of its population base year
    (the quota engine's starting stock), else of its indicator history, else 2022-12-31.

    >>> from landsim.datasets import load_sample
    >>> default_as_of(load_sample())
    '2022-12-31'
    """
    from landsim.quota.stock import inventory_date

    pop = getattr(county, "population", None)
    if pop is not None and len(pop):
        return inventory_date(int(pop["year"].max()))
    hist = getattr(county, "indicators", None)
    if hist is not None and len(hist):
        return inventory_date(int(hist["year"].max()))
    from landsim.synthetic import AS_OF

    return AS_OF


def _stock_values(county: Any, day: pd.Timestamp, sources: Mapping[str, str] | None,
                  add: Any, notes: list[str]) -> None:
    """Idle, unsupplied, inefficient land and the supply rate through ``stock assess``."""
    from landsim.stockland.assess import assess_stock
    from landsim.stockland.unsupplied import supply_rate_history

    needed = ("supply_batches", "stock_plots", "industrial_contracts")
    missing = [n for n in needed if getattr(county, n, None) is None]
    if missing:
        notes.append(f"stock assess: not run (missing {', '.join(missing)})")
    else:
        result = assess_stock(county, day, sources=dict(sources) if sources else None)
        s = result.summary()
        inv = result.inventory
        add("idle_ha", STOCK_SUMMARY, s["idle_ha"], _ROUNDED_HA)
        add("idle_ha", STOCK_INVENTORY, inv["idle_ha"].sum())
        add("unsupplied_ha", STOCK_SUMMARY, s["unsupplied_ha"], _ROUNDED_HA)
        add("unsupplied_ha", STOCK_INVENTORY, inv["unsupplied_ha"].sum())
        add("inefficient_ha", STOCK_INVENTORY, inv["inefficient_ha"].sum())
        county_rate = result.supply_rate[result.supply_rate["level"] == "county"]
        add("supply_rate_5y", STOCK_RATE, float(county_rate["supply_rate"].iloc[0]))
    batches = getattr(county, "supply_batches", None)
    if batches is not None:
        hist = supply_rate_history(batches, [int(day.year)])
        add("supply_rate_5y", RATE_HISTORY, float(hist["supply_rate"].iloc[0]))


def _register_values(county: Any, day: pd.Timestamp, add: Any, notes: list[str]) -> None:
    """Stock land from the state of every unit of the land register (一码管地) at the date,
    and the supply rate of the batches the register's units were approved under."""
    from landsim.register.importer import import_county, inventory_tables
    from landsim.register.lifecycle import status_at
    from landsim.stockland.inventory import supply_rate

    if all(getattr(county, n, None) is None
           for n in ("supply_batches", "stock_plots", "industrial_contracts")):
        notes.append("register: not run (no supply batches, contracts or stock plots)")
        return
    reg = import_county(county)
    status = status_at(reg, day, getattr(county, "industrial_contracts", None))
    for cat in ("idle", "unsupplied", "inefficient"):
        add(f"{cat}_ha", REGISTER,
            status.loc[status["stock_category"] == cat, "stock_ha"].sum())
    batches, _ = inventory_tables(reg, day)
    rate = supply_rate(batches, int(day.year), level="county")
    if len(rate) and not np.isnan(rate.iloc[0]):
        add("supply_rate_5y", REGISTER_RATE, float(rate.iloc[0]))


def _quota_values(county: Any, day: pd.Timestamp, add: Any, notes: list[str]) -> None:
    """Starting stock, supply rate, UDB base and room, per-capita land of a quota run."""
    from landsim.quota.scenario import Scenario, ScenarioInputs, run_scenario
    from landsim.quota.stock import CATEGORIES, inventory_date

    missing = [n for n in ("population", "supply_batches", "stock_plots")
               if getattr(county, n, None) is None]
    if missing:
        notes.append(f"quota engine: not run (missing {', '.join(missing)})")
        return
    base_year = int(county.population["year"].max())
    start = inventory_date(base_year)
    if day != pd.Timestamp(start):
        notes.append(f"quota engine: starts from the end of its base year ({start}), not "
                     f"the as-of date {day:%Y-%m-%d}; not compared")
        return
    run = run_scenario(Scenario("consistency check", end_year=base_year + 1),
                       ScenarioInputs.from_county(county))
    drivers, caps = run.result.drivers, run.result.policy.caps
    for cat in CATEGORIES:
        opening = np.asarray(drivers.stock.opening[cat])
        add(f"{cat}_ha", QUOTA, float(opening[0, 0].sum()))
    first = run.annual.iloc[0]
    if caps.level == "county":
        add("supply_rate_5y", QUOTA, float(first["supply_rate_tested"]))
    else:
        notes.append("quota engine: township-level caps give no county supply rate")
    add("per_capita_urban_land_m2", QUOTA, float(first["per_capita_urban_land_m2"]))
    base = float(np.sum(drivers.udb_base_urban_land_ha))
    add("udb_base_ha", QUOTA, base)
    add("udb_room_ha", QUOTA,
        caps.udb_expansion_multiple * base - float(np.sum(drivers.base_urban_land_ha)))


def _monitor_values(county: Any, day: pd.Timestamp, add: Any, notes: list[str]) -> None:
    """The same figures as the monitor computes them for the year of the as-of date."""
    from landsim.monitor.indicators import (
        history_frame,
        indicator_table,
        planning_targets,
        udb_room,
    )
    from landsim.units import M2_PER_HA

    if getattr(county, "indicators", None) is None:
        notes.append("monitor: not run (no indicator_history.csv)")
        return
    if (day.month, day.day) != (12, 31):
        notes.append(f"monitor: reports calendar years; as-of {day:%Y-%m-%d} is not a "
                     "31 December, not compared")
        return
    history = history_frame(county)
    frame = history.set_index("year")
    year = int(day.year)
    if year not in frame.index:
        notes.append(f"monitor: {year} is not a year of indicator_history.csv "
                     f"({int(frame.index.min())}-{int(frame.index.max())}); not compared")
        return
    row = frame.loc[year]
    # indicator_values(county) without a run: the formulas on the history frame
    values = indicator_table(history, planning_targets(county)).set_index("year").loc[year]
    if not np.isnan(row["idle_identified_ha"]):
        add("idle_ha", MONITOR_FRAME, row["idle_identified_ha"] - row["idle_disposed_ha"])
    if not np.isnan(values["supply_rate_5y"]):
        add("supply_rate_5y", MONITOR_VALUES, values["supply_rate_5y"])
    if not np.isnan(values["per_capita_urban_land"]):
        # the monitor reads urban land from indicator_history.csv (2 decimals)
        add("per_capita_urban_land_m2", MONITOR_VALUES, values["per_capita_urban_land"],
            _ROUNDED_HA * M2_PER_HA / float(row["urban_pop"]))
    if not np.isnan(row["udb_base_urban_land_ha"]):
        add("udb_base_ha", MONITOR_FRAME, row["udb_base_urban_land_ha"])
        add("udb_room_ha", MONITOR_FRAME,
            float(udb_room(row["urban_construction_land_ha"], row["udb_base_urban_land_ha"])),
            _ROUNDED_HA)
    if year == int(frame.index.max()):  # the parcel layer is the last history year's
        add("pbf_ha", MONITOR_FRAME, row["pbf_ha"], _ROUNDED_HA)
        add("udb_ha", MONITOR_FRAME, row["udb_ha"])
    else:
        notes.append(f"monitor: PBF and UDB area of {year} are not compared with the parcel "
                     f"layer, which is the state of {int(frame.index.max())}")


def _parcel_values(county: Any, parcels_csv: pd.DataFrame | None, add: Any) -> None:
    """PBF and UDB area from the parcel summaries and the farmland layout model."""
    from landsim.farmland.model import FarmlandLayoutModel
    from landsim.parcels import county_summary

    s = county_summary(county.parcels)
    add("pbf_ha", PARCELS, s["pbf_ha"])
    add("udb_ha", PARCELS, s["udb_ha"])
    add("pbf_ha", FARMLAND, FarmlandLayoutModel.from_parcels(county.parcels).area_before_ha)
    if parcels_csv is not None:
        c = county_summary(parcels_csv)
        add("pbf_ha", PARCELS_CSV, c["pbf_ha"])
        add("udb_ha", PARCELS_CSV, c["udb_ha"])


def path_values(county: Any, as_of: str | dt.date | None = None, *,
                sources: Mapping[str, str] | None = None,
                parcels_csv: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Every checked quantity through every module path that reports it.

    Parameters
    ----------
    county : landsim.datasets.County
        The county (tables absent from it leave out the paths that need them).
    as_of : str or date, optional
        As-of date ``YYYY-MM-DD`` (default :func:`default_as_of`).
    sources : mapping, optional
        Table name -> file name, as ``landsim stock assess`` passes them (errors then
        name CSV lines).
    parcels_csv : pandas.DataFrame, optional
        The county's ``parcels.csv`` read separately (a second reader of the parcels).

    Returns
    -------
    values : pandas.DataFrame
        Columns :data:`VALUE_COLUMNS`, quantities in the order of :data:`QUANTITIES`,
        paths in the order run (the first path of a quantity is its reference).
    notes : list of str
        Paths that were not run or not compared, and why.

    Raises
    ------
    InputError
        A module rejects the county's tables, or a bad as-of date.
    """
    from landsim.stockland._common import as_timestamp

    day = as_timestamp(default_as_of(county) if as_of is None else as_of)
    rows: list[tuple[str, str, str, float, float]] = []
    notes: list[str] = []

    def add(quantity: str, path: str, value: float, precision: float = 0.0) -> None:
        rows.append((quantity, QUANTITIES[quantity].unit, path, float(value),
                     float(precision)))

    _stock_values(county, day, sources, add, notes)
    _register_values(county, day, add, notes)
    _quota_values(county, day, add, notes)
    _parcel_values(county, parcels_csv, add)
    _monitor_values(county, day, add, notes)
    values = pd.DataFrame(rows, columns=list(VALUE_COLUMNS))
    order = {name: i for i, name in enumerate(QUANTITIES)}
    values = values.sort_values("quantity", key=lambda q: q.map(order), kind="stable")
    return values.reset_index(drop=True), notes


def compare_paths(values: pd.DataFrame,
                  tolerances: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Compare every path of each quantity with the quantity's first (reference) path.

    Parameters
    ----------
    values : pandas.DataFrame
        Columns :data:`VALUE_COLUMNS` (output of :func:`path_values`).
    tolerances : mapping, optional
        Quantity -> tolerance in its unit, replacing :data:`QUANTITIES` (a quantity not
        listed there needs one here).

    Returns
    -------
    pandas.DataFrame
        One row per (quantity, other path), columns :data:`CHECK_COLUMNS`; ``tolerance``
        is the quantity's tolerance plus the precision of both paths, and ``agree`` is
        ``|value_a - value_b| <= tolerance`` (two NaN agree; NaN and a number do not).
        A quantity reported by one path only gives no row.
    """
    tolerances = dict(tolerances or {})
    rows = []
    for quantity, group in values.groupby("quantity", sort=False):
        base = tolerances.get(quantity)
        if base is None:
            if quantity not in QUANTITIES:
                msg = (f"compare_paths: no tolerance for quantity {quantity!r}; give it in "
                       f"tolerances (known: {', '.join(QUANTITIES)})")
                raise InputError(msg)
            base = QUANTITIES[quantity].tolerance
        ref = group.iloc[0]
        for other in group.iloc[1:].itertuples(index=False):
            a, b = float(ref["value"]), float(other.value)
            tol = float(base) + float(ref["precision"]) + float(other.precision)
            both_nan = np.isnan(a) and np.isnan(b)
            diff = abs(a - b) if not (np.isnan(a) or np.isnan(b)) else np.nan
            agree = both_nan or (not np.isnan(diff) and diff <= tol)
            rows.append((quantity, ref["unit"], ref["path"], a, other.path, b,
                         0.0 if both_nan else diff, tol, bool(agree)))
    return pd.DataFrame(rows, columns=list(CHECK_COLUMNS))


def _fmt(value: float, unit: str) -> str:
    if np.isnan(value):
        return "nan"
    return f"{value:,.6f}" if unit == "fraction" else f"{value:,.4f}"


def report(table: pd.DataFrame, notes: list[str] | None = None, *, what: str = "county",
           as_of: str = "") -> str:
    """Readable account of a comparison table: counts, every disagreement with both
    numbers and the tolerance, and the notes."""
    when = f" as of {as_of}" if as_of else ""
    bad = table[~table["agree"]]
    head = (f"Consistency check of {what}{when}: {len(table)} comparisons, "
            + ("all agree." if bad.empty else f"{len(bad)} DISAGREE:"))
    lines = [head]
    for r in bad.itertuples(index=False):
        lines.append(f"  {r.quantity}: {r.path_b} gives {_fmt(r.value_b, r.unit)} {r.unit}, "
                     f"{r.path_a} gives {_fmt(r.value_a, r.unit)} {r.unit} (difference "
                     f"{_fmt(r.difference, r.unit)} > tolerance {r.tolerance:.3g} {r.unit})")
    lines += [f"  note: {n}" for n in notes or []]
    return "\n".join(lines)


def consistency_check(county: Any, as_of: str | dt.date | None = None, *,
                      strict: bool = False, tolerances: Mapping[str, float] | None = None,
                      sources: Mapping[str, str] | None = None,
                      parcels_csv: pd.DataFrame | None = None, what: str | None = None,
                      log: bool = True) -> tuple[pd.DataFrame, str]:
    """Recompute the shared quantities through every module path and compare them.

    Parameters
    ----------
    county : landsim.datasets.County
        The county to check (e.g. :func:`landsim.datasets.load_sample`).
    as_of : str or date, optional
        As-of date ``YYYY-MM-DD``; default :func:`default_as_of`.
    strict : bool
        Raise :class:`ConsistencyError` on any disagreement instead of only logging it.
    tolerances : mapping, optional
        Quantity -> tolerance (see :func:`compare_paths`).
    sources, parcels_csv
        See :func:`path_values`.
    what : str, optional
        Name of the county in the report (default its ``source``).
    log : bool
        Log a disagreement as a warning (the command line prints the report instead).

    Returns
    -------
    table : pandas.DataFrame
        Columns :data:`CHECK_COLUMNS`, one row per comparison.
    report : str
        The readable account of :func:`report`.

    Raises
    ------
    InputError
        A module rejects the county's tables (bad input).
    ConsistencyError
        With ``strict=True``, when two paths disagree.
    """
    values, notes = path_values(county, as_of, sources=sources, parcels_csv=parcels_csv)
    table = compare_paths(values, tolerances)
    from landsim.stockland._common import as_timestamp, fmt_date

    day = fmt_date(as_timestamp(default_as_of(county) if as_of is None else as_of))
    name = what or str(getattr(county, "source", "") or "county")
    text = report(table, notes, what=name, as_of=day)
    if not table["agree"].all():
        if strict:
            raise ConsistencyError(text)
        if log:
            logger.warning("%s", text)
    return table, text


def check_folder(folder: PathLike, as_of: str | dt.date | None = None, **kwargs: Any
                 ) -> tuple[pd.DataFrame, str]:
    """Read a county folder through every reader and check it.

    ``read_county`` reads the folder (``parcels.gpkg`` first); a ``parcels.csv`` beside a
    GeoPackage is read again with ``read_parcels`` as a second parcel path; ``stock
    assess`` gets the file names for its messages. Keyword arguments go to
    :func:`consistency_check`.
    """
    from landsim.datasets import read_county, read_parcels
    from landsim.schema import SCHEMAS

    folder = Path(folder)
    county = read_county(folder)
    csv = folder / "parcels.csv"
    parcels_csv = (read_parcels(csv) if csv.exists() and (folder / "parcels.gpkg").exists()
                   else None)
    sources = {name: str(folder / SCHEMAS[name].filename)
               for name in ("supply_batches", "stock_plots", "industrial_contracts")}
    return consistency_check(county, as_of, sources=sources, parcels_csv=parcels_csv,
                             **kwargs)


def check_synthetic(seed: int, n_parcels: int = 500, as_of: str | dt.date | None = None,
                    **kwargs: Any) -> tuple[pd.DataFrame, str]:
    """Generate a county (:func:`landsim.synthetic.synthesize`), write it
    (:func:`landsim.synthetic.write_county`) to a temporary folder and check it with
    :func:`check_folder`.

    Parameters
    ----------
    seed : int
        Seed of the generator.
    n_parcels : int
        Parcels of the generated county [count] (at least 100).
    as_of : str or date, optional
        As-of date (default the end of the generated base year).

    Raises
    ------
    InputError
        A reader or module rejects the generated county (a generator fault).
    """
    from landsim.synthetic import synthesize, write_county

    with tempfile.TemporaryDirectory(prefix=f"landsim-check-{seed}-") as tmp:
        write_county(synthesize(n_parcels, seed), tmp)
        kwargs.setdefault("what", f"synthetic county seed {seed} ({n_parcels:,} parcels)")
        return check_folder(tmp, as_of, **kwargs)
