"""The occupation-replenishment balance (耕地占补平衡): three indicator accounts, 以补定占.

Three accounts per township and for the county (全县): cultivated quantity
``quantity_ha`` [ha], grain productive capacity ``capacity_kg`` [kg] and paddy area
``paddy_ha`` [ha]. Each year, per account and holder::

    closing = opening + credit - debit,     opening(t) = closing(t - 1)

Credits come from verified projects (:meth:`~landsim.cultivated.projects.Verification.credits`);
debits from occupations of cultivated land (construction from a quota run, or an approvals
table with afforestation, orchards and the other uses the 2024 reform counts). Under 以补定占
(:attr:`~landsim.cultivated.params.BalanceRules.enabled`) an occupation is approved only
when every account can pay it; otherwise it waits in the queue with its shortfall per
account and is tried again each following year (before that year's new occupations), so
no balance is ever negative. With ``level = 'county'`` the county's accounts pay any
township's occupation: its own township's account first, then the others by largest
balance; a township row's debit is what was drawn from that township's account.

>>> import pandas as pd
>>> credits = pd.DataFrame({"year": [2024], "township": ["A"], "quantity_ha": [10.0],
...                         "capacity_kg": [80000.0], "paddy_ha": [0.0]})
>>> occ = pd.DataFrame({"occupation_id": ["o1", "o2"], "year": [2023, 2024],
...                     "township": ["A", "A"], "use": ["construction"] * 2,
...                     "area_ha": [4.0, 8.0], "capacity_kg": [30000.0, 60000.0],
...                     "paddy_ha": [0.0, 0.0]})
>>> r = keep_accounts(credits, occ, years=range(2023, 2026))
>>> r.decisions[["occupation_id", "status", "decided_year"]].to_dict("records")
[{'occupation_id': 'o1', 'status': 'approved', 'decided_year': 2024}, \
{'occupation_id': 'o2', 'status': 'queued', 'decided_year': None}]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from landsim.cultivated.params import BalanceRules, CultivatedPolicy
from landsim.errors import InputError
from landsim.schema import CULTIVATED_CLASSES

__all__ = [
    "ACCOUNTS",
    "ACCOUNT_COLUMNS",
    "COUNTY",
    "DECISION_COLUMNS",
    "QUEUE_COLUMNS",
    "BalanceResult",
    "keep_accounts",
    "occupations_from_quota",
    "occupied_land_profile",
    "price_occupations",
]

ACCOUNTS = ("quantity_ha", "capacity_kg", "paddy_ha")
"""The three indicator accounts: quantity [ha], grain capacity [kg], paddy [ha]."""

COUNTY = "全县"
"""Township name of the county rows (and of county-level occupations)."""

CARRIED = "县级结转"
"""Holder of the county's carried-in opening balance (shown only when it is not zero)."""

ACCOUNT_COLUMNS = ("year", "township", "account", "opening", "credit", "debit", "closing")
"""Columns of ``accounts.csv``."""

QUEUE_COLUMNS = ("year", "occupation_id", "township", "use", "requested_year", "area_ha",
                 "capacity_kg", "paddy_ha", "shortfall_quantity_ha", "shortfall_capacity_kg",
                 "shortfall_paddy_ha", "status")
"""Columns of ``queue.csv``: every occupation waiting (or refused) at the end of a year."""

DECISION_COLUMNS = ("occupation_id", "township", "use", "requested_year", "decided_year",
                    "status", "waited_years", "area_ha", "capacity_kg", "paddy_ha")
"""Columns of ``decisions.csv``: one row per occupation (approved, queued or refused)."""

_TOL = 1e-6


@dataclass(frozen=True)
class BalanceResult:
    """Accounts, queue and decisions of :func:`keep_accounts`."""

    accounts: pd.DataFrame
    queue: pd.DataFrame
    decisions: pd.DataFrame

    def county(self, account: str = "quantity_ha") -> pd.DataFrame:
        """County (全县) rows of one account, indexed by year."""
        a = self.accounts
        return a[(a["township"] == COUNTY) & (a["account"] == account)].set_index("year")


def occupied_land_profile(parcels: pd.DataFrame, policy: CultivatedPolicy | None = None
                          ) -> pd.DataFrame:
    """What one hectare of occupied cultivated land costs each account, per township.

    New construction land comes from the cultivated parcels inside the urban development
    boundary (all cultivated parcels of a township without any in the boundary): capacity
    per ha is their area-weighted standard yield, paddy share the share of 0101. The county
    row (:data:`COUNTY`) pools the townships.

    Returns
    -------
    pandas.DataFrame
        Index township; columns capacity_kg_per_ha [kg/ha], paddy_share [fraction].
    """
    policy = CultivatedPolicy() if policy is None else policy
    cult = parcels[parcels["land_class"].astype(str).isin(CULTIVATED_CLASSES)].copy()
    cult = cult[cult["quality_grade"].notna()]
    cult["kg"] = cult["area_ha"] * policy.yields.kg_per_ha(cult["quality_grade"].astype(int))
    cult["paddy"] = np.where(cult["land_class"].astype(str) == "0101", cult["area_ha"], 0.0)
    in_udb = cult[cult["in_udb"].astype(bool)]

    def profile(frame: pd.DataFrame) -> tuple[float, float]:
        area = float(frame["area_ha"].sum())
        return float(frame["kg"].sum()) / area, float(frame["paddy"].sum()) / area

    rows = {}
    for town, group in cult.groupby("township", sort=True):
        inside = in_udb[in_udb["township"] == town]
        rows[str(town)] = profile(inside if len(inside) else group)
    rows[COUNTY] = profile(in_udb if len(in_udb) else cult)
    return pd.DataFrame.from_dict(rows, orient="index",
                                  columns=["capacity_kg_per_ha", "paddy_share"])


def price_occupations(occupations: pd.DataFrame, policy: CultivatedPolicy | None = None,
                      profile: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add ``capacity_kg`` and ``paddy_ha`` to an occupations table where missing.

    Capacity = area x standard yield of the given ``quality_grade``; without a grade, the
    township's ``profile`` (:func:`occupied_land_profile`), else the balance rules'
    ``default_grade``. Paddy: the given ``paddy_ha``, else area x profile share, else
    x ``default_paddy_share``.
    """
    policy = CultivatedPolicy() if policy is None else policy
    rules = policy.balance
    occ = occupations.copy()
    area = occ["area_ha"].to_numpy(dtype=float)
    towns = occ["township"].astype(str)
    default_kg = policy.yields.kg_per_ha(rules.default_grade)
    if profile is not None:
        per_ha = towns.map(profile["capacity_kg_per_ha"]).fillna(default_kg).to_numpy(float)
        share = towns.map(profile["paddy_share"]).fillna(rules.default_paddy_share)
        share = share.to_numpy(float)
    else:
        per_ha = np.full(len(occ), default_kg)
        share = np.full(len(occ), rules.default_paddy_share)
    if "capacity_kg" not in occ.columns:
        if "quality_grade" in occ.columns:
            grade = occ["quality_grade"].astype("Float64").to_numpy(dtype=float,
                                                                     na_value=np.nan)
            given = ~np.isnan(grade)
            if given.any():
                per_ha = per_ha.copy()
                per_ha[given] = policy.yields.kg_per_ha(grade[given])
        occ["capacity_kg"] = area * per_ha
    if "paddy_ha" not in occ.columns:
        occ["paddy_ha"] = area * share
    occ["paddy_ha"] = occ["paddy_ha"].astype(float).fillna(pd.Series(area * share,
                                                                     index=occ.index))
    return occ


def occupations_from_quota(annual: pd.DataFrame, profile: pd.DataFrame | None = None,
                           policy: CultivatedPolicy | None = None,
                           source: str = "annual.csv") -> pd.DataFrame:
    """Construction occupations from a quota run's ``annual.csv`` (``cultivated_occupied_ha``).

    One occupation per year (county-level run: township :data:`COUNTY`) or per year and
    township, named ``quota-<year>[-<township>]``; priced by :func:`price_occupations`.
    """
    need = ["year", "cultivated_occupied_ha"]
    missing = [c for c in need if c not in annual.columns]
    if missing:
        msg = (f"{source}: missing column(s) {', '.join(missing)}; it is not the annual.csv "
               "of `landsim quota simulate`. Fix: give the folder of a quota run")
        raise InputError(msg)
    if "draw" in annual.columns and annual["draw"].nunique() > 1:
        msg = (f"{source}: holds {annual['draw'].nunique()} draws; the balance needs one run. "
               "Fix: run `landsim quota simulate` without --draws")
        raise InputError(msg)
    frame = annual.copy()
    if "township" not in frame.columns:
        frame["township"] = COUNTY
    frame = frame[frame["cultivated_occupied_ha"] > _TOL]
    ids = [f"quota-{int(y)}" + ("" if t == COUNTY else f"-{t}")
           for y, t in zip(frame["year"], frame["township"], strict=True)]
    occ = pd.DataFrame({"occupation_id": ids, "year": frame["year"].astype(int).to_numpy(),
                        "township": frame["township"].astype(str).to_numpy(),
                        "use": "construction",
                        "area_ha": frame["cultivated_occupied_ha"].to_numpy(dtype=float)})
    return price_occupations(occ, policy, profile)


def _draw(bal: dict[str, np.ndarray], need: np.ndarray, own: str, holders: Sequence[str],
          pooled: bool) -> dict[str, np.ndarray]:
    """How much each holder's accounts pay of ``need``: own first, then largest balance."""
    paid: dict[str, np.ndarray] = {}
    rest = need.astype(float).copy()
    for a in range(len(ACCOUNTS)):
        order = ([own] if own in bal else []) + (sorted(
            (h for h in holders if h != own), key=lambda h: (-bal[h][a], h)) if pooled else [])
        for h in order:
            take = min(max(bal[h][a], 0.0), rest[a])
            if take > 0:
                paid.setdefault(h, np.zeros(len(ACCOUNTS)))[a] += take
                rest[a] -= take
        if rest[a] > _TOL:  # bookkeeping mode: the rest goes negative on the payer
            payer = own if own in bal else order[0]
            paid.setdefault(payer, np.zeros(len(ACCOUNTS)))[a] += rest[a]
    return paid


def keep_accounts(credits: pd.DataFrame, occupations: pd.DataFrame,
                  policy: CultivatedPolicy | BalanceRules | None = None, *,
                  years: Iterable[int] | None = None,
                  townships: Sequence[str] | None = None) -> BalanceResult:
    """Keep the three accounts year by year under 以补定占, with a queue.

    Parameters
    ----------
    credits : pandas.DataFrame
        year, township, quantity_ha [ha], capacity_kg [kg], paddy_ha [ha] (verified
        projects). Credits before the first year are carried in as its opening.
    occupations : pandas.DataFrame
        occupation_id, year, township (or :data:`COUNTY`), use, area_ha [ha], capacity_kg
        [kg], paddy_ha [ha] (see :func:`price_occupations`). Occupations requested before
        the first year wait from the first year.
    policy : CultivatedPolicy or BalanceRules, optional
        The balance rules (default the packaged ones).
    years : iterable of int, optional
        Years to keep; default from the first credit or occupation to the last.
    townships : sequence of str, optional
        Holders of accounts; default those named in ``credits`` and ``occupations``.

    Returns
    -------
    BalanceResult
        ``accounts`` (:data:`ACCOUNT_COLUMNS`, township rows then 全县, per year and
        account), ``queue`` (:data:`QUEUE_COLUMNS`) and ``decisions``
        (:data:`DECISION_COLUMNS`).
    """
    rules = (policy.balance if isinstance(policy, CultivatedPolicy)
             else BalanceRules() if policy is None else policy)
    pooled = rules.level == "county"
    cred = credits.copy()
    occ = occupations.copy()
    for name, frame, cols in (("credits", cred, ("year", "township", *ACCOUNTS)),
                              ("occupations", occ, ("occupation_id", "year", "township",
                                                    "area_ha", "capacity_kg", "paddy_ha"))):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            msg = f"keep_accounts: {name} lack column(s) {', '.join(missing)}"
            raise InputError(msg)
    if "use" not in occ.columns:
        occ["use"] = "construction"
    if (occ["township"].astype(str) == COUNTY).any() and not pooled:
        msg = ("keep_accounts: county-level occupations (township 全县, from a county-level "
               "quota run) need balance.level = 'county'. Fix: run the quota with --by "
               "township or set level = 'county'")
        raise InputError(msg)
    all_years = [*cred["year"].astype(int), *occ["year"].astype(int)]
    if years is None:
        if not all_years:
            msg = "keep_accounts: no credits and no occupations, so no years to keep"
            raise InputError(msg)
        years = range(min(all_years), max(all_years) + 1)
    years = [int(y) for y in years]
    first = years[0]
    names = set(cred["township"].astype(str)) | set(occ["township"].astype(str))
    holders = sorted(townships if townships is not None else names - {COUNTY})
    unknown = sorted(names - set(holders) - {COUNTY})
    if unknown:
        msg = f"keep_accounts: township(s) {unknown} are not account holders {holders}"
        raise InputError(msg)
    carried = np.array([rules.opening_quantity_ha, rules.opening_capacity_kg,
                        rules.opening_paddy_ha])
    if carried.any():
        holders = [*holders, CARRIED]
    bal = {h: np.zeros(len(ACCOUNTS)) for h in holders}
    if carried.any():
        bal[CARRIED] = carried.astype(float)
    early = cred[cred["year"].astype(int) < first]
    for town, group in early.groupby(early["township"].astype(str)):
        bal[town] = bal[town] + group[list(ACCOUNTS)].sum().to_numpy(float)
    cred_by = {(int(y), str(t)): g[list(ACCOUNTS)].sum().to_numpy(float)
               for (y, t), g in cred.groupby(["year", "township"])}
    occ = occ.assign(_year=np.maximum(occ["year"].astype(int), first)).sort_values(
        ["_year", "occupation_id"], kind="stable")
    decided: dict[str, tuple[str, int | None]] = {}
    queue: list[dict] = []
    waiting: list[dict] = []
    acc_rows = []
    queue_rows = []
    for year in years:
        opening = {h: bal[h].copy() for h in holders}
        credit = {h: cred_by.get((year, h), np.zeros(len(ACCOUNTS))) for h in holders}
        for h in holders:
            bal[h] = bal[h] + credit[h]
        debit = {h: np.zeros(len(ACCOUNTS)) for h in holders}
        new = occ[occ["_year"] == year].to_dict("records")
        still = []
        for o in [*waiting, *new]:
            need = np.array([o["area_ha"], o["capacity_kg"], o["paddy_ha"]], dtype=float)
            own = str(o["township"])
            avail = (sum(np.maximum(bal[h], 0.0) for h in holders) if pooled
                     else np.maximum(bal[own], 0.0))
            short = np.maximum(need - avail, 0.0)
            if not rules.enabled or (short <= _TOL * np.maximum(1.0, need)).all():
                for h, paid in _draw(bal, need, own, holders, pooled).items():
                    bal[h] = bal[h] - paid
                    debit[h] = debit[h] + paid
                decided[o["occupation_id"]] = ("approved", year)
                continue
            o["_short"] = short
            waited = year - int(o["year"])
            if rules.refuse_after_years and waited >= rules.refuse_after_years:
                decided[o["occupation_id"]] = ("refused", year)
                o["_status"] = "refused"
            else:
                o["_status"] = "queued"
                still.append(o)
            queue.append(o)
            queue_rows.append({
                "year": year, "occupation_id": o["occupation_id"], "township": own,
                "use": o["use"], "requested_year": int(o["year"]), "area_ha": need[0],
                "capacity_kg": need[1], "paddy_ha": need[2],
                "shortfall_quantity_ha": short[0], "shortfall_capacity_kg": short[1],
                "shortfall_paddy_ha": short[2], "status": o["_status"]})
        waiting = still
        for h in holders:
            for a, account in enumerate(ACCOUNTS):
                acc_rows.append((year, h, account, opening[h][a], credit[h][a], debit[h][a],
                                 bal[h][a]))
    accounts = pd.DataFrame(acc_rows, columns=list(ACCOUNT_COLUMNS))
    county = (accounts.groupby(["year", "account"], sort=False, as_index=False)
              [["opening", "credit", "debit", "closing"]].sum().assign(township=COUNTY))
    accounts = pd.concat([accounts, county[list(ACCOUNT_COLUMNS)]], ignore_index=True)
    accounts["account"] = pd.Categorical(accounts["account"], categories=list(ACCOUNTS))
    accounts["_c"] = accounts["township"] == COUNTY
    accounts = (accounts.sort_values(["year", "_c", "township", "account"], kind="stable")
                .drop(columns="_c").reset_index(drop=True))
    accounts["account"] = accounts["account"].astype(str)
    for col in ("opening", "credit", "debit", "closing"):
        values = accounts[col].to_numpy(dtype=float, copy=True)
        values[np.abs(values) < 1e-9] = 0.0
        accounts[col] = values
    dec_rows = []
    for o in occ.to_dict("records"):
        status, when = decided.get(o["occupation_id"], ("queued", None))
        dec_rows.append({"occupation_id": o["occupation_id"], "township": o["township"],
                         "use": o["use"], "requested_year": int(o["year"]),
                         "decided_year": when, "status": status,
                         "waited_years": (when if when is not None else years[-1])
                         - max(int(o["year"]), first),
                         "area_ha": o["area_ha"], "capacity_kg": o["capacity_kg"],
                         "paddy_ha": o["paddy_ha"]})
    decisions = pd.DataFrame(dec_rows, columns=list(DECISION_COLUMNS))
    decisions["decided_year"] = decisions["decided_year"].astype("Int64")
    return BalanceResult(accounts=accounts,
                         queue=pd.DataFrame(queue_rows, columns=list(QUEUE_COLUMNS)),
                         decisions=decisions)
