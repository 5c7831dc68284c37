"""Approved-but-unsupplied land (批而未供): inventory, supply rate, disposal progress and plan.

The unsupplied area of each batch and the five-year supply rate are those of the one
stock inventory (:func:`landsim.stockland.inventory.unsupplied_by_batch`,
:func:`landsim.stockland.inventory.supply_rate`), which the quota engine reads too, so the
assessment and the quota simulation agree. Disposal of 批而未供 land means supplying it, as
in :mod:`landsim.quota.stock`; a batch's ``disposal_target_year`` plans the supply of what
is left, spread evenly over the years up to the target. The resulting yearly series has the
columns of :data:`landsim.stockland.inventory.PLAN_COLUMNS`, the plan table
:func:`landsim.quota.stock.project_stock` reads.

>>> import pandas as pd
>>> b = pd.DataFrame({"batch_id": ["a"], "township": ["X"], "approval_year": [2020],
...                   "approved_ha": [10.0], "supplied_ha": [4.0], "intended_use": ["public"],
...                   "disposal_target_year": [2025]})
>>> series = disposal_series(unsupplied_inventory(b, 2022))
>>> [(int(y), float(a)) for y, a in zip(series["year"], series["area_ha"])]
[(2023, 2.0), (2024, 2.0), (2025, 2.0)]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landsim.errors import InputError
from landsim.schema import SUPPLY_BATCHES
from landsim.stockland._common import Records, mu, tidy_sort
from landsim.stockland.inventory import PLAN_COLUMNS, supply_rate, unsupplied_by_batch
from landsim.stockland.params import UnsuppliedRules

__all__ = [
    "INVENTORY_COLUMNS",
    "check_batches",
    "disposal_series",
    "supply_rate_history",
    "supply_rate_table",
    "unsupplied_by_year",
    "unsupplied_inventory",
]

INVENTORY_COLUMNS = (
    "batch_id", "township", "approval_year", "intended_use", "approved_ha", "supplied_ha",
    "unsupplied_ha", "unsupplied_mu", "supplied_share", "age_years", "in_rate_window",
    "disposal_target_year", "plan_status", "rule",
)
"""Columns of :func:`unsupplied_inventory`."""


def _year(as_of_year: int) -> int:
    if isinstance(as_of_year, bool) or not float(as_of_year).is_integer() \
            or not 1990 <= as_of_year <= 2100:
        msg = f"as-of year must be a whole year from 1990 to 2100, got {as_of_year!r}"
        raise InputError(msg)
    return int(as_of_year)


def check_batches(batches: pd.DataFrame, source: str | None = None, *, row_word: str = "row",
                  row_offset: int = 1) -> pd.DataFrame:
    """Validate supply batches (schema, supplied <= approved, target year >= approval year)."""
    rec = Records(batches, SUPPLY_BATCHES, source, row_word=row_word, row_offset=row_offset)
    f = rec.frame
    bad = f["disposal_target_year"].notna() & (f["disposal_target_year"] < f["approval_year"])
    if bad.any():
        raise rec.fail("disposal_target_year", bad.astype(bool), "target year before the "
                       "approval year (years in the wrong order)",
                       "give a disposal_target_year on or after approval_year, or leave it "
                       "empty")
    return f


def unsupplied_inventory(batches: pd.DataFrame, as_of_year: int,
                         rules: UnsuppliedRules | None = None, *, source: str | None = None,
                         row_word: str = "row", row_offset: int = 1) -> pd.DataFrame:
    """批而未供 inventory by batch at the end of ``as_of_year``.

    Batches approved after ``as_of_year`` are left out.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`INVENTORY_COLUMNS`. ``supplied_share`` is the batch's disposal
        progress [fraction]; ``plan_status`` is ``supplied`` (nothing left), ``planned``
        (target after the as-of year), ``due`` (target this year), ``overdue`` or
        ``unplanned``; ``rule`` states the numbers that decided it.
    """
    rules = UnsuppliedRules() if rules is None else rules
    year = _year(as_of_year)
    f = unsupplied_by_batch(check_batches(batches, source, row_word=row_word,
                                          row_offset=row_offset), year)
    left = f["unsupplied_ha"]
    target = f["disposal_target_year"]
    status = np.select(
        [left <= 0, target.isna().to_numpy(), (target > year).fillna(False).to_numpy(),
         (target == year).fillna(False).to_numpy()],
        ["supplied", "unplanned", "planned", "due"], "overdue")
    first = year - rules.window_years + 1
    out = pd.DataFrame({
        "batch_id": f["batch_id"], "township": f["township"],
        "approval_year": f["approval_year"], "intended_use": f["intended_use"],
        "approved_ha": f["approved_ha"], "supplied_ha": f["supplied_ha"],
        "unsupplied_ha": left, "unsupplied_mu": mu(left),
        "supplied_share": f["supplied_ha"] / f["approved_ha"],
        "age_years": year - f["approval_year"],
        "in_rate_window": f["approval_year"] >= first,
        "disposal_target_year": target, "plan_status": status,
    })
    texts = {
        "supplied": "approved area fully supplied",
        "unplanned": "unsupplied land without a disposal target year",
        "planned": "unsupplied land planned to be supplied by the target year",
        "due": "target year is the as-of year",
        "overdue": "target year passed with land still unsupplied",
    }
    out["rule"] = [
        f"{texts[s]}: {a:.2f} ha approved {y}, {p:.2f} ha supplied"
        + ("" if pd.isna(t) else f", target {int(t)}") + f", as of {year}"
        for s, a, y, p, t in zip(out["plan_status"], out["approved_ha"], out["approval_year"],
                                 out["supplied_ha"], out["disposal_target_year"], strict=True)]
    return tidy_sort(out, ["approval_year", "batch_id"])[list(INVENTORY_COLUMNS)]


def unsupplied_by_year(inventory: pd.DataFrame) -> pd.DataFrame:
    """Approved, supplied and unsupplied land by approval year [ha], with mu and rate."""
    out = inventory.groupby("approval_year")[["approved_ha", "supplied_ha",
                                              "unsupplied_ha"]].sum()
    out.insert(0, "batches", inventory.groupby("approval_year").size())
    out["unsupplied_mu"] = mu(out["unsupplied_ha"])
    out["supply_rate"] = out["supplied_ha"] / out["approved_ha"]
    return out.reset_index()


def supply_rate_table(batches: pd.DataFrame, as_of_year: int,
                      rules: UnsuppliedRules | None = None) -> pd.DataFrame:
    """Five-year average supply rate per township and for the county, against the floor.

    Returns
    -------
    pandas.DataFrame
        Columns level (township or county), township, first_year, last_year, approved_ha,
        supplied_ha, supply_rate [fraction], floor [fraction], floor_applies, meets_floor,
        rule. The rate is :func:`landsim.stockland.inventory.supply_rate`. Where nothing
        was approved in the window the rate is NaN and the floor is not applied (nothing
        is unsupplied, so no quota is withheld): ``floor_applies`` is false and
        ``meets_floor`` true, the one treatment the quota engine and the monitor use too.
    """
    rules = UnsuppliedRules() if rules is None else rules
    year = _year(as_of_year)
    f = check_batches(batches)
    first = year - rules.window_years + 1
    window = f[(f["approval_year"] >= first) & (f["approval_year"] <= year)]
    sums = window.groupby("township")[["approved_ha", "supplied_ha"]].sum()
    towns = sorted(f["township"].unique())
    sums = sums.reindex(towns).fillna(0.0)
    sums.loc["county"] = sums.sum()
    rate = pd.concat([supply_rate(f, year, rules.window_years, "township"),
                      supply_rate(f, year, rules.window_years, "county")]).reindex(sums.index)
    out = sums.reset_index(names="township")
    out.insert(0, "level", ["township"] * len(towns) + ["county"])
    out.insert(2, "first_year", first)
    out.insert(3, "last_year", year)
    out["supply_rate"] = rate.to_numpy()
    out["floor"] = rules.supply_rate_floor
    out["floor_applies"] = out["approved_ha"] > 0
    out["meets_floor"] = ~out["floor_applies"] | (out["supply_rate"] >= rules.supply_rate_floor)
    out["rule"] = [
        (f"{s:.2f} / {a:.2f} ha approved {first}-{year} = {r:.1%} "
         f"{'>=' if ok else '<'} {rules.supply_rate_floor:.0%}") if a > 0 else
        f"nothing approved {first}-{year}: floor not applied (no quota withheld)"
        for s, a, r, ok in zip(out["supplied_ha"], out["approved_ha"], out["supply_rate"],
                               out["meets_floor"], strict=True)]
    return out


def supply_rate_history(batches: pd.DataFrame, last_years: range | list[int],
                        rules: UnsuppliedRules | None = None) -> pd.DataFrame:
    """County five-year supply rate for each window ending in ``last_years``.

    The batches' supplied area is the latest recorded, so earlier windows show today's
    supply of those cohorts, not the rate reported at the time.
    """
    rules = UnsuppliedRules() if rules is None else rules
    f = check_batches(batches)
    rows = [(int(y), float(supply_rate(f, int(y), rules.window_years, "county").iloc[0]))
            if ((f["approval_year"] <= y) & (f["approval_year"] > y - rules.window_years)).any()
            else (int(y), np.nan) for y in last_years]
    out = pd.DataFrame(rows, columns=["last_year", "supply_rate"])
    out["floor"] = rules.supply_rate_floor
    out["floor_applies"] = out["supply_rate"].notna()
    out["meets_floor"] = ~out["floor_applies"] | (out["supply_rate"] >= rules.supply_rate_floor)
    return out


def disposal_series(inventory: pd.DataFrame, as_of_year: int | None = None) -> pd.DataFrame:
    """Planned yearly 批而未供 disposal in the quota engine's plan format.

    Each batch with unsupplied land and a target year has its unsupplied area spread evenly
    over the years after ``as_of_year`` up to the target; a batch that is due or overdue
    is put entirely in the first year after ``as_of_year``. Unplanned batches are left out.

    Parameters
    ----------
    inventory : pandas.DataFrame
        Output of :func:`unsupplied_inventory`.
    as_of_year : int, optional
        Default: the year the inventory was made for (``approval_year + age_years``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`landsim.stockland.inventory.PLAN_COLUMNS` (year, township, category,
        area_ha), category ``unsupplied``, summed per year and township. [ha/year]
    """
    if as_of_year is None:
        years = (inventory["approval_year"] + inventory["age_years"]).unique()
        if len(years) != 1:
            msg = "disposal_series: give as_of_year; the inventory mixes as-of years"
            raise InputError(msg)
        as_of_year = int(years[0])
    year = _year(as_of_year)
    rows = []
    todo = inventory[(inventory["unsupplied_ha"] > 0)
                     & inventory["disposal_target_year"].notna()]
    for r in todo.itertuples(index=False):
        last = max(int(r.disposal_target_year), year + 1)
        span = range(year + 1, last + 1)
        rows += [(y, r.township, "unsupplied", r.unsupplied_ha / len(span)) for y in span]
    out = pd.DataFrame(rows, columns=list(PLAN_COLUMNS))
    out = out.groupby(["year", "township", "category"], as_index=False)["area_ha"].sum()
    return out.astype({"year": "int64", "area_ha": "float64"})
