"""Idle land (闲置土地) under the Measures for Disposing of Idle Land (Order No. 53 of 2012).

:func:`assess_idle` decides, for each land record at an as-of date, whether the land is
idle and why, how long it has been so, the idle-land fee, eligibility for unpaid recovery,
and for government-caused idle land lists the disposal options (:func:`idle_options`).

Rules (defaults of :class:`~landsim.stockland.params.IdleRules`):

- test ``no_start`` (art. 2 (1)): not started one year after the agreed start date;
- test ``low_progress_suspended`` (art. 2 (2)): started, developed share < 1/3 **or**
  invested share < 25 %, and an unapproved suspension of one year or more;
- the clock of a test starts at the agreed start date (``no_start``) or the suspension start
  (``low_progress_suspended``); a full calendar year counts on its anniversary day;
- enterprise-caused idle land (art. 14): fee of 20 % of the land price once the clock reaches
  one year, unpaid recovery (无偿收回) once it reaches two years;
- government-caused idle land (art. 8, 12): no fee and no unpaid recovery; options are a
  start extension (<= 1 year), change of use or planning conditions, temporary use
  (<= 2 years), land swap and compensated recovery (有偿收回) at a user-set valuation.

The developed and invested amounts are the latest recorded; dates after the as-of date
(a later start, a later suspension) are ignored, so an earlier as-of date replays the
start and suspension history but not the growth of the shares.

>>> import pandas as pd
>>> from landsim.datasets import load_sample
>>> idle = assess_idle(load_sample().industrial_contracts, "2022-12-31")
>>> row = idle.set_index("contract_id").loc["GY001"]
>>> bool(row["idle"]), row["test"], int(row["delay_days"])
(True, 'no_start', 365)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from landsim.stockland._common import (
    DateLike,
    add_years,
    as_timestamp,
    contract_records,
    fmt_date,
    mu,
)
from landsim.stockland.params import IdleRules

__all__ = ["IDLE_COLUMNS", "OPTION_COLUMNS", "assess_idle", "assess_idle_dates", "idle_options"]

IDLE_COLUMNS = (
    "contract_id", "enterprise", "township", "area_ha", "area_mu", "land_price_wan_yuan",
    "invested_wan_yuan", "as_of", "status", "idle", "test", "rule", "decided_by",
    "agreed_start_date", "actual_start_date", "suspended_since", "developed_share",
    "invested_share", "clock_start", "idle_since", "delay_days", "idle_days", "cause",
    "fee_due", "fee_wan_yuan", "recovery_date", "unpaid_recovery", "disposal",
)
"""Columns of :func:`assess_idle` (dates as ``YYYY-MM-DD`` text, '' when none)."""

OPTION_COLUMNS = ("contract_id", "option", "option_zh", "rule", "until", "amount_wan_yuan")
"""Columns of :func:`idle_options`."""

_TOL = 1e-9  # a share exactly at a threshold is not below it, whatever the float rounding


def _share(x: float) -> str:
    return "n/a" if pd.isna(x) else f"{x:.4g}"


def assess_idle(contracts: pd.DataFrame, as_of: DateLike, rules: IdleRules | None = None, *,
                source: str | None = None, row_word: str = "row",
                row_offset: int = 1) -> pd.DataFrame:
    """Idle-land status of every contract at ``as_of``.

    Parameters
    ----------
    contracts : pandas.DataFrame
        Industrial contracts (schema ``industrial_contracts``): agreed and actual start,
        area and developed area [ha], agreed and invested amounts [万元], suspension start,
        land price [万元], cause (government or enterprise; empty -> ``rules.missing_cause``).
    as_of : str or date
        Assessment date, ``YYYY-MM-DD``.
    rules : IdleRules, optional
        Order No. 53 parameters (defaults: the national figures).
    source, row_word, row_offset
        How bad records are named in errors (file name; ``"line", 2`` for a CSV file).

    Returns
    -------
    pandas.DataFrame
        One row per contract, columns :data:`IDLE_COLUMNS`: ``status`` (idle, not_idle,
        not_signed), the ``test`` that made it idle, ``rule`` and ``decided_by`` naming the
        rule and the dates/shares that decided it, ``delay_days`` on the test's clock,
        ``idle_days`` since the land became idle, the fee [万元] and recovery eligibility.

    Raises
    ------
    InputError
        Bad records: dates in the wrong order, developed share above 1, negative prices.
    """
    rules = IdleRules() if rules is None else rules
    day = as_timestamp(as_of)
    f = contract_records(contracts, source, row_word=row_word, row_offset=row_offset).frame
    return _idle_table(f, day, rules)


def assess_idle_dates(contracts: pd.DataFrame, dates: Sequence[DateLike],
                      rules: IdleRules | None = None, *, source: str | None = None,
                      row_word: str = "row", row_offset: int = 1) -> list[pd.DataFrame]:
    """:func:`assess_idle` at each of several dates, the records checked once.

    Returns
    -------
    list of pandas.DataFrame
        One :func:`assess_idle` table per date, in the order of ``dates``.

    Examples
    --------
    >>> from landsim.datasets import load_sample
    >>> tables = assess_idle_dates(load_sample().industrial_contracts,
    ...                            ["2020-12-31", "2022-12-31"])
    >>> [round(float(t.loc[t["idle"], "area_ha"].sum()), 2) for t in tables]
    [20.66, 39.49]
    """
    rules = IdleRules() if rules is None else rules
    days = [as_timestamp(d) for d in dates]
    f = contract_records(contracts, source, row_word=row_word, row_offset=row_offset).frame
    return [_idle_table(f, day, rules) for day in days]


def _idle_table(f: pd.DataFrame, day: pd.Timestamp, rules: IdleRules) -> pd.DataFrame:
    """The idle table of validated contract records ``f`` at ``day``."""
    signed = f["signed_date"] <= day
    started = f["actual_start_date"].notna() & (f["actual_start_date"] <= day)
    suspended = started & f["suspended_since"].notna() & (f["suspended_since"] <= day)
    dev = f["developed_area_ha"] / f["area_ha"]
    agreed = f["agreed_investment_wan_yuan"]
    inv = (f["invested_wan_yuan"] / agreed.where(agreed > 0)).astype(float)
    low_dev = dev < rules.developed_share_min - _TOL
    low_inv = (inv < rules.invested_share_min - _TOL).fillna(False)
    anniv_a = add_years(f["agreed_start_date"], rules.start_after_years)
    anniv_b = add_years(f["suspended_since"], rules.suspension_years)
    test_a = signed & ~started & (day >= anniv_a)
    test_b = signed & suspended & (low_dev | low_inv) & (day >= anniv_b)
    idle = test_a | test_b
    clock = f["agreed_start_date"].where(test_a, f["suspended_since"].where(test_b))
    since = anniv_a.where(test_a, anniv_b.where(test_b))
    cause = f["idle_cause"].where(f["idle_cause"].notna(), rules.missing_cause)
    gov = cause == "government"
    fee_date = add_years(clock, rules.fee_after_years)
    rec_date = add_years(clock, rules.recovery_after_years)
    fee_due = idle & ~gov & (day >= fee_date)
    unpaid = idle & ~gov & (day >= rec_date)

    out = pd.DataFrame({
        "contract_id": f["contract_id"], "enterprise": f["enterprise"],
        "township": f["township"], "area_ha": f["area_ha"], "area_mu": mu(f["area_ha"]),
        "land_price_wan_yuan": f["land_price_wan_yuan"],
        "invested_wan_yuan": f["invested_wan_yuan"], "as_of": fmt_date(day),
        "idle": idle.astype(bool), "test": np.where(test_a, "no_start",
                                                    np.where(test_b, "low_progress_suspended",
                                                             "")),
        "developed_share": dev, "invested_share": inv,
        "delay_days": (day - clock).dt.days.astype("Int64"),
        "idle_days": (day - since).dt.days.astype("Int64"),
        "cause": np.where(idle, cause, ""), "fee_due": fee_due.astype(bool),
        "fee_wan_yuan": np.where(fee_due, rules.fee_rate * f["land_price_wan_yuan"], 0.0),
        "unpaid_recovery": unpaid.astype(bool),
    })
    for name, col in (("agreed_start_date", f["agreed_start_date"]),
                      ("actual_start_date", f["actual_start_date"]),
                      ("suspended_since", f["suspended_since"]), ("clock_start", clock),
                      ("idle_since", since), ("recovery_date", rec_date.where(idle))):
        out[name] = col.map(fmt_date)
    status, rule, decided, disposal = [], [], [], []
    dmin, imin = rules.developed_share_min, rules.invested_share_min
    for i in range(len(f)):
        a_date, s_date = fmt_date(anniv_a.iloc[i]), fmt_date(anniv_b.iloc[i])
        shares = (f"developed share {_share(dev.iloc[i])} (min {dmin:.4g}), invested share "
                  f"{_share(inv.iloc[i])} (min {imin:.4g})")
        start_txt = f"agreed start {fmt_date(f['agreed_start_date'].iloc[i])}"
        if not signed.iloc[i]:
            status.append("not_signed")
            rule.append("contract signed after the as-of date: not assessed")
            decided.append(f"signed {fmt_date(f['signed_date'].iloc[i])} > as-of "
                           f"{fmt_date(day)}")
        elif test_a.iloc[i]:
            status.append("idle")
            rule.append(f"Order No. 53 art. 2(1): not started {rules.start_after_years} "
                        "year(s) after the agreed start")
            decided.append(f"{start_txt}; no actual start by {fmt_date(day)}; idle from "
                           f"{a_date}")
        elif test_b.iloc[i]:
            status.append("idle")
            which = " and ".join(w for w, hit in (("developed share", low_dev.iloc[i]),
                                                  ("invested share", low_inv.iloc[i])) if hit)
            rule.append(f"Order No. 53 art. 2(2): {which} below the minimum and suspended "
                        f"{rules.suspension_years} year(s) or more")
            decided.append(f"{shares}; suspended since "
                           f"{fmt_date(f['suspended_since'].iloc[i])}; idle from {s_date}")
        else:
            status.append("not_idle")
            if not started.iloc[i]:
                rule.append(f"not started, but less than {rules.start_after_years} year(s) "
                            "after the agreed start")
                decided.append(f"{start_txt}; idle from {a_date} if still not started")
            elif not suspended.iloc[i]:
                rule.append("development started and not suspended")
                decided.append(f"actual start {fmt_date(f['actual_start_date'].iloc[i])}")
            elif not (low_dev.iloc[i] or low_inv.iloc[i]):
                rule.append("suspended, but developed and invested shares reach the minimum")
                decided.append(f"{shares}; suspended since "
                               f"{fmt_date(f['suspended_since'].iloc[i])}")
            else:
                rule.append(f"low progress and suspended, but for less than "
                            f"{rules.suspension_years} year(s)")
                decided.append(f"{shares}; suspended since "
                               f"{fmt_date(f['suspended_since'].iloc[i])}; idle from {s_date} "
                               "if still suspended")
        if not idle.iloc[i]:
            disposal.append("")
        elif gov.iloc[i]:
            disposal.append("government cause (art. 8, 12): negotiate an option - extension, "
                            "change of use, temporary use, land swap or compensated recovery")
        elif unpaid.iloc[i]:
            disposal.append(f"unpaid recovery (无偿收回, art. 14): clock reached "
                            f"{rules.recovery_after_years} years on "
                            f"{fmt_date(rec_date.iloc[i])}")
        elif fee_due.iloc[i]:
            disposal.append(f"idle-land fee (土地闲置费, art. 14): {rules.fee_rate:.0%} of the "
                            f"land price; unpaid recovery from {fmt_date(rec_date.iloc[i])}")
        else:
            disposal.append(f"idle: notify the land user; fee from "
                            f"{fmt_date(fee_date.iloc[i])}")
    out["status"], out["rule"], out["decided_by"], out["disposal"] = (
        status, rule, decided, disposal)
    return out[list(IDLE_COLUMNS)].reset_index(drop=True)


def idle_options(idle: pd.DataFrame, rules: IdleRules | None = None,
                 valuation: Mapping[str, float] | pd.Series | None = None) -> pd.DataFrame:
    """Disposal options for government-caused idle land (Order No. 53 art. 12).

    Parameters
    ----------
    idle : pandas.DataFrame
        Output of :func:`assess_idle`.
    rules : IdleRules, optional
        Extension and temporary-use limits, compensation factors.
    valuation : mapping or Series of contract_id -> 万元, optional
        User-set compensation for recovery (有偿收回); contracts not listed get
        ``compensation_price_factor x land price + compensation_investment_factor x
        invested``.

    Returns
    -------
    pandas.DataFrame
        One row per (government-caused idle contract, option), columns
        :data:`OPTION_COLUMNS`; ``until`` is the latest date of a time-limited option and
        ``amount_wan_yuan`` the compensation of a recovery [万元].
    """
    rules = IdleRules() if rules is None else rules
    given = {} if valuation is None else {str(k): float(v) for k, v in dict(valuation).items()}
    rows = []
    gov = idle[idle["idle"] & (idle["cause"] == "government")]
    for r in gov.itertuples(index=False):
        day = pd.Timestamp(r.as_of)
        formula = (rules.compensation_price_factor * r.land_price_wan_yuan
                   + rules.compensation_investment_factor * r.invested_wan_yuan)
        amount = given.get(str(r.contract_id), formula)
        how = ("user-set valuation" if str(r.contract_id) in given else
               f"{rules.compensation_price_factor:g} x land price + "
               f"{rules.compensation_investment_factor:g} x invested")
        rows += [
            (r.contract_id, "extension", "延长动工开发期限",
             f"art. 12(1): supplementary agreement, start deadline extended by at most "
             f"{rules.extension_max_years} year(s)",
             fmt_date(day + pd.DateOffset(years=rules.extension_max_years)), np.nan),
            (r.contract_id, "change_of_use", "调整土地用途、规划条件",
             "art. 12(2): change the use or planning conditions; price adjusted", "", np.nan),
            (r.contract_id, "temporary_use", "安排临时使用",
             f"art. 12(3): government arranges temporary use for at most "
             f"{rules.temporary_use_max_years} year(s)",
             fmt_date(day + pd.DateOffset(years=rules.temporary_use_max_years)), np.nan),
            (r.contract_id, "land_swap", "置换土地",
             "art. 12(5): swap for land of equal value and use, if the price is paid in full "
             "and the idling came from a planning change", "", np.nan),
            (r.contract_id, "compensated_recovery", "协议有偿收回",
             f"art. 12(4): negotiated recovery with compensation ({how})", "", float(amount)),
        ]
    return pd.DataFrame(rows, columns=list(OPTION_COLUMNS))
