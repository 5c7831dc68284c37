"""Quota-policy parameters: frozen dataclasses, each field with a unit and a source.

The parameters of the two-links quota simulation (design 5.3) are grouped by rule:

- :class:`PopulationLink` - 人地挂钩, the per-migrant standard by tier;
- :class:`StockLink` - 增存挂钩, quota per hectare of stock disposed;
- :class:`RewardPenalty` - +10 % / -20 % on meeting or missing disposal tasks;
- :class:`SupplyRateRule` - no ordinary quota under a 60 % five-year supply rate;
- :class:`Caps` - remaining upper-level plan quota and the urban development boundary;
- :class:`PerCapitaBrake` - optional cut of ordinary quota above the per-capita band;
- :class:`IndicatorParams` - GB 50137-2011 band and change limits, elasticity, GDP-land;
- :class:`CultivatedBalanceLink` - optional 以补定占 limit from the 占补平衡 accounts.

:class:`QuotaPolicy` bundles them. Every rule has an ``enabled`` switch. The defaults are
the figures of ``shared/domain/policy-facts.md``; where a figure was NOT FOUND the default
is an *assumption* and its ``source`` says so. the packaged ``landsim/data/policy/default.toml`` repeats every
default with unit and source; :func:`load_policy` reads it and a test fails when the two
drift apart.

Variants are made with :func:`dataclasses.replace` or :func:`load_policy` overrides, never
by mutation:

>>> policy = load_policy(population_link={"provincial_factor": 0.9})
>>> policy.population_link.provincial_factor
0.9
>>> policy.stock_link.ratio
1.0
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from landsim._params import Params, build_sections, load_policy_file, param, shared
from landsim.errors import InputError
from landsim.policy import CommonFigures
from landsim.resources import policy_file

__all__ = [
    "Caps",
    "CultivatedBalanceLink",
    "IndicatorParams",
    "PerCapitaBrake",
    "PopulationLink",
    "QuotaPolicy",
    "RewardPenalty",
    "StockLink",
    "SupplyRateRule",
    "default_policy_path",
    "load_policy",
    "parameter_table",
]

_SRC_FACTS = "shared/domain/policy-facts.md"


def default_policy_path() -> Path:
    """The packaged quota policy file (``landsim/data/policy/default.toml``)."""
    return policy_file("quota")


@dataclass(frozen=True)
class PopulationLink(Params):
    """人地挂钩: new urban construction land per settled migrant.

    The standard s(e) depends on the current per-capita urban construction land e:
    ``e <= tier1_max_m2`` -> ``standard_tier1_m2``; ``tier1_max_m2 < e <= tier2_max_m2`` ->
    ``standard_tier2_m2``; ``e > tier2_max_m2`` -> ``standard_tier3_m2`` (boundaries
    inclusive as in the Zhengzhou rule), times ``provincial_factor``.

    Parameters
    ----------
    enabled : bool
        Apply the rule; when false the population-linked quota is 0.
    tier1_max_m2, tier2_max_m2 : float
        Upper (inclusive) bounds of tiers 1 and 2 of current per-capita urban
        construction land. [m2/person]
    standard_tier1_m2, standard_tier2_m2, standard_tier3_m2 : float
        New urban construction land per settled migrant in each tier. [m2/person]
    provincial_factor : float
        Provincial adjustment of the standard. [factor]
    provincial_factor_min, provincial_factor_max : float
        Range the provincial factor may take (national ±10 %). [factor]
    """

    section: ClassVar[str] = "population_link"

    enabled: bool = param(True, "", "design 5.3", "apply the population-linked quota rule")
    tier1_max_m2: float = param(
        100.0, "m2/person", f"{_SRC_FACTS} s.1 (national text CONFIRMED; Zhengzhou 2018)",
        "upper bound (inclusive) of tier 1 current per-capita urban construction land", lo=0)
    tier2_max_m2: float = param(
        150.0, "m2/person", f"{_SRC_FACTS} s.1 (RECALLED nationally; CONFIRMED Zhengzhou 2018, "
        "Anhui 2017)", "upper bound (inclusive) of tier 2", lo=0)
    standard_tier1_m2: float = param(
        100.0, "m2/person", f"{_SRC_FACTS} s.1 (CONFIRMED, 2016 five-ministry opinion)",
        "standard per settled migrant when e <= tier1_max_m2", lo=0)
    standard_tier2_m2: float = param(
        80.0, "m2/person", f"{_SRC_FACTS} s.1 (CONFIRMED Zhengzhou 2018, Anhui 2017)",
        "standard per settled migrant when tier1_max_m2 < e <= tier2_max_m2", lo=0)
    standard_tier3_m2: float = param(
        50.0, "m2/person", f"{_SRC_FACTS} s.1 (CONFIRMED Zhengzhou 2018, Anhui 2017)",
        "standard per settled migrant when e > tier2_max_m2", lo=0)
    provincial_factor: float = param(
        1.0, "factor", f"{_SRC_FACTS} s.1 (provinces may adjust ±10 %, CONFIRMED)",
        "provincial adjustment multiplying the standard", lo=0)
    provincial_factor_min: float = param(
        0.9, "factor", f"{_SRC_FACTS} s.1 (CONFIRMED)", "lowest allowed provincial factor", lo=0)
    provincial_factor_max: float = param(
        1.1, "factor", f"{_SRC_FACTS} s.1 (CONFIRMED)", "highest allowed provincial factor",
        lo=0)

    def _check(self) -> None:
        if not self.tier1_max_m2 < self.tier2_max_m2:
            msg = (f"PopulationLink tiers must increase: tier1_max_m2 = {self.tier1_max_m2:g} "
                   f"must be < tier2_max_m2 = {self.tier2_max_m2:g} [m2/person]")
            raise InputError(msg)
        if not (self.standard_tier1_m2 >= self.standard_tier2_m2 >= self.standard_tier3_m2):
            msg = ("PopulationLink standards must not increase with the tier (a town that "
                   "already uses more land per person gets less): got "
                   f"{self.standard_tier1_m2:g} / {self.standard_tier2_m2:g} / "
                   f"{self.standard_tier3_m2:g} [m2/person]")
            raise InputError(msg)
        lo, hi = self.provincial_factor_min, self.provincial_factor_max
        if not lo <= self.provincial_factor <= hi:
            msg = (f"PopulationLink.provincial_factor = {self.provincial_factor:g} is outside "
                   f"the allowed {lo:g}..{hi:g} [factor]; choose a value in that range or "
                   "widen provincial_factor_min/max")
            raise InputError(msg)


@dataclass(frozen=True)
class StockLink(Params):
    """增存挂钩: ordinary quota set by the year's stock disposal (2020 rule).

    Parameters
    ----------
    enabled : bool
        Apply the rule; when false the stock-linked quota is 0.
    ratio : float
        New construction-land quota per hectare of stock land disposed in the year.
        NOT FOUND nationally: the default 1.0 (one for one) is an assumption. [ha/ha]
    count_unsupplied, count_idle, count_inefficient : bool
        Which disposed stock counts: 批而未供, 闲置 and 低效 land.
    """

    section: ClassVar[str] = "stock_link"

    enabled: bool = param(True, "", "design 5.3", "apply the stock-linked quota rule")
    ratio: float = param(
        1.0, "ha/ha", f"ASSUMED (one-for-one): ratio NOT FOUND nationally, {_SRC_FACTS} s.2",
        "new quota per hectare of stock land disposed in the year", lo=0)
    count_unsupplied: bool = param(True, "", f"{_SRC_FACTS} s.2 (2018 notice)",
                                "approved-but-unsupplied (批而未供) disposal counts")
    count_idle: bool = param(True, "", f"{_SRC_FACTS} s.2 (2018 notice)",
                          "idle land (闲置) disposal counts")
    count_inefficient: bool = param(True, "", f"{_SRC_FACTS} s.2 (2020 notice, stock land)",
                                 "inefficient land (低效) redevelopment counts")


@dataclass(frozen=True)
class RewardPenalty(Params):
    """Reward (+10 %) when both disposal tasks are met, penalty (-20 %) when either is missed.

    The multiplier applies to the stock-linked quota. A task is met when the area disposed
    in the year is at least ``task_rate`` times the stock at the start of the year (a task
    on an empty stock is met). The 2018 notice applies it to the *next* year's quota: set
    ``lag_years = 1`` for that; the default 0 applies it in the same year (design 5.3).

    Parameters
    ----------
    enabled : bool
        Apply the rule.
    reward_rate : float
        Increase when both tasks are met. [fraction]
    penalty_rate : float
        Decrease when either task is missed. [fraction]
    unsupplied_task_rate : float
        Annual disposal task for 批而未供 land, share of the opening stock. NOT FOUND; the
        default 0.15 is an unverified recollection. [fraction/year]
    idle_task_rate : float
        Annual disposal task for idle land, share of the opening stock (assumed). [fraction/year]
    lag_years : int
        Years between the assessment and the adjusted quota (0 or 1). [year]
    """

    section: ClassVar[str] = "reward_penalty"

    enabled: bool = param(True, "", f"{_SRC_FACTS} s.2", "apply the reward/penalty rule")
    reward_rate: float = param(0.10, "fraction", f"{_SRC_FACTS} s.2 (CONFIRMED secondary)",
                            "reward when both disposal tasks are met", lo=0, hi=1)
    penalty_rate: float = param(0.20, "fraction", f"{_SRC_FACTS} s.2 (CONFIRMED secondary)",
                             "deduction when either disposal task is missed", lo=0, hi=1)
    unsupplied_task_rate: float = param(
        0.15, "fraction/year", f"ASSUMED: '15 % disposal task' NOT FOUND, {_SRC_FACTS} s.2",
        "annual 批而未供 disposal task, share of the opening stock", lo=0, hi=1)
    idle_task_rate: float = param(
        0.15, "fraction/year", f"ASSUMED (same as 批而未供 task), {_SRC_FACTS} s.2",
        "annual idle-land disposal task, share of the opening stock", lo=0, hi=1)
    lag_years: int = param(0, "year", "design 5.3 (same year); 2018 notice: next year",
                        "years between the task assessment and the adjusted quota", lo=0, hi=1)


@dataclass(frozen=True)
class SupplyRateRule(Params):
    """No ordinary quota where the five-year average supply rate is below the floor.

    The rate is supplied / approved over the batches approved in the ``window_years``
    years before the simulated year. Key-project quota is not affected.

    Parameters
    ----------
    enabled : bool
        Apply the rule.
    floor : float
        Minimum five-year average supply rate. [fraction]
    window_years : int
        Number of approval years in the window. [year]
    exempt_pop_link : bool
        The floor does not withhold population-linked quota: land for settled migrants'
        housing, schools and clinics is livelihood (民生) land, which the floor exempts.
    lag_shares : tuple of float
        Share of the land approved in a year that is supplied in that year, the next, and
        so on (a supply-lag distribution); what the shares leave below 1 stays unsupplied
        (批而未供) in the simulation. The default is ASSUMED. [fraction]
    """

    section: ClassVar[str] = "supply_rate"

    enabled: bool = param(True, "", f"{_SRC_FACTS} s.2", "apply the supply-rate floor")
    floor: float = shared(CommonFigures, "supply_rate_floor")
    window_years: int = shared(CommonFigures, "supply_rate_window_years")
    exempt_pop_link: bool = param(
        True, "", f"{_SRC_FACTS} s.2 (RECALLED: below 60 % no new quota except national key "
        "and livelihood projects) and s.1 (CONFIRMED: linked land goes to housing, schools, "
        "health)", "the supply-rate floor does not withhold population-linked quota")
    lag_shares: tuple[float, ...] = param(
        (0.5, 0.3, 0.1, 0.05, 0.05), "fraction",
        "ASSUMED: no published supply-lag figure; most land approved for a project "
        "('quota follows projects', 2020) is supplied within two years",
        "share of a year's approved land supplied in that year, the next, ... (sum <= 1)")

    def _check(self) -> None:
        shares = self.lag_shares
        if isinstance(shares, str) or not isinstance(shares, list | tuple) or not shares:
            msg = (f"supply_rate.lag_shares = {shares!r} must be a list of fractions, e.g. "
                   "[0.5, 0.3, 0.2]")
            raise InputError(msg)
        values = []
        for j, x in enumerate(shares):
            if isinstance(x, bool) or not isinstance(x, int | float) or not 0 <= x <= 1:
                msg = (f"supply_rate.lag_shares[{j}] = {x!r} must be a fraction from 0 to 1 "
                       "[fraction]")
                raise InputError(msg)
            values.append(float(x))
        if sum(values) > 1.0 + 1e-9:
            msg = (f"supply_rate.lag_shares sum to {sum(values):g} > 1; a year's approved "
                   "land cannot be supplied more than once. Fix: lower the shares")
            raise InputError(msg)
        object.__setattr__(self, "lag_shares", tuple(values))

    def cumulative_supplied(self, age: object) -> np.ndarray:
        """Share of a cohort supplied by the end of the year ``age`` years after approval.

        >>> SupplyRateRule(lag_shares=(0.5, 0.3)).cumulative_supplied([0, 1, 5]).tolist()
        [0.5, 0.8, 0.8]
        """
        cum = np.concatenate([[0.0], np.cumsum(self.lag_shares)])
        idx = np.clip(np.asarray(age, dtype=int) + 1, 0, len(cum) - 1)
        return cum[idx]


@dataclass(frozen=True)
class Caps(Params):
    """Caps on the annual new construction land.

    Parameters
    ----------
    upper_plan_enabled : bool
        Cap cumulative new construction land by the upper-level plan's allocation.
    upper_plan_new_construction_ha : float
        New construction land the upper-level plan allows over its period; NOT FOUND for
        Pianguan, default unlimited (``inf``). [ha]
    upper_plan_used_ha : float
        Part of that allocation already used before the simulation starts. [ha]
    upper_plan_start_year : int
        First year of the upper-level plan period (when the county's planning targets do
        not name it). [year]
    udb_enabled : bool
        Cap urban construction land by the urban development boundary.
    udb_expansion_multiple : float
        Urban construction land may grow to this multiple of its ``udb_base_year`` level.
        [factor]
    udb_base_year : int
        Reference year of the expansion multiple. [year]
    level : str
        ``'county'`` applies caps and assessments (tasks, supply rate) to county totals and
        scales townships pro rata; ``'township'`` applies them per township.
    key_projects_within_caps : bool
        Key-project quota counts against (and is limited by) the upper-level plan cap.
    reserve_pop_link : bool
        Population-linked quota is a special quota (专项): under the caps, the room that
        later settled migrants need (at this year's standard) is set aside before
        stock-linked quota is granted. Within a year population-linked quota always comes
        before stock-linked quota.
    """

    section: ClassVar[str] = "caps"

    upper_plan_enabled: bool = param(True, "", "design 5.3", "apply the upper-level plan cap")
    upper_plan_new_construction_ha: float = param(
        math.inf, "ha", f"NOT FOUND for Pianguan ({_SRC_FACTS} s.11): set per county",
        "new construction land allowed by the upper-level plan over its period", lo=0)
    upper_plan_used_ha: float = param(0.0, "ha", "county data",
                                   "allocation already used before the simulation", lo=0)
    upper_plan_start_year: int = param(
        2021, "year", "the 2021-2035 territorial spatial planning period",
        "first year of the upper-level plan period", lo=1949, hi=2100)
    udb_enabled: bool = param(True, "", f"{_SRC_FACTS} s.5", "apply the UDB expansion cap")
    udb_expansion_multiple: float = shared(CommonFigures, "udb_expansion_multiple")
    udb_base_year: int = shared(CommonFigures, "udb_base_year")
    level: str = param("county", "", "modelling choice: quotas and caps are set per county",
                    "'county' or 'township' level of caps and assessments")
    key_projects_within_caps: bool = param(
        True, "", "modelling choice", "key-project quota counts against the upper-level cap")
    reserve_pop_link: bool = param(
        True, "", f"{_SRC_FACTS} s.1 (CONFIRMED: provinces set aside a special quota for "
        "settled migrants)", "set aside the cap room later settled migrants need")

    def _check(self) -> None:
        if self.level not in ("county", "township"):
            msg = f"Caps.level must be 'county' or 'township', got {self.level!r}"
            raise InputError(msg)
        if self.upper_plan_used_ha > self.upper_plan_new_construction_ha:
            msg = (f"Caps.upper_plan_used_ha = {self.upper_plan_used_ha:g} ha exceeds "
                   f"upper_plan_new_construction_ha = {self.upper_plan_new_construction_ha:g}"
                   " ha; the used part must not exceed the allocation")
            raise InputError(msg)


@dataclass(frozen=True)
class IndicatorParams(Params):
    """Benchmarks of the annual indicators (GB 50137-2011, elasticity, GDP-land).

    Parameters
    ----------
    band_min_m2, band_max_m2 : float
        Planned per-capita urban construction land band, climate zones I/II. [m2/person]
    change_min_m2, change_max_m2 : float
        Allowed change of the per-capita level versus the current level. [m2/person]
    elasticity_benchmark : float
        "Reasonable" land-to-population growth elasticity. [ratio]
    gdp_land_decline_target : float
        Decline of construction land per unit GDP by the target year. [fraction]
    gdp_land_base_year, gdp_land_target_year : int
        Years between which the decline is measured. [year]
    cultivated_share : float
        Share of new construction land that occupies cultivated land; NOT FOUND for
        Pianguan, 0.5 assumed. [fraction]
    """

    section: ClassVar[str] = "indicators"

    band_min_m2: float = shared(CommonFigures, "per_capita_band_min_m2")
    band_max_m2: float = shared(CommonFigures, "per_capita_band_max_m2")
    change_min_m2: float = param(-25.0, "m2/person", f"GB 50137-2011, {_SRC_FACTS} s.10",
                              "largest allowed decrease versus the current level", hi=0)
    change_max_m2: float = param(20.0, "m2/person", f"GB 50137-2011, {_SRC_FACTS} s.10",
                              "largest allowed increase versus the current level", lo=0)
    elasticity_benchmark: float = shared(CommonFigures, "elasticity_benchmark")
    gdp_land_decline_target: float = shared(CommonFigures, "gdp_land_decline_target")
    gdp_land_base_year: int = param(2020, "year", f"{_SRC_FACTS} s.5",
                                 "base year of the GDP-land decline", lo=1949, hi=2100)
    gdp_land_target_year: int = param(2035, "year", f"{_SRC_FACTS} s.5",
                                   "target year of the GDP-land decline", lo=1949, hi=2100)
    cultivated_share: float = param(
        0.5, "fraction", "ASSUMED: Pianguan figure NOT FOUND",
        "share of new construction land occupying cultivated land", lo=0, hi=1)

    def _check(self) -> None:
        if not self.band_min_m2 < self.band_max_m2:
            msg = (f"IndicatorParams band_min_m2 = {self.band_min_m2:g} must be < "
                   f"band_max_m2 = {self.band_max_m2:g} [m2/person]")
            raise InputError(msg)
        if not self.gdp_land_base_year < self.gdp_land_target_year:
            msg = (f"IndicatorParams years out of order: gdp_land_base_year = "
                   f"{self.gdp_land_base_year} must be before gdp_land_target_year = "
                   f"{self.gdp_land_target_year}")
            raise InputError(msg)


@dataclass(frozen=True)
class PerCapitaBrake(Params):
    """Optional brake: cut ordinary quota where per-capita urban land is above its band.

    When a township's current per-capita urban construction land e exceeds the upper end
    of its band (GB 50137-2011 for the county seat, GB 50188-2007 for other towns), its
    ordinary (population- and stock-linked) quota is cut: ``'proportional'`` multiplies
    it by ``band_max / e``; ``'stop'`` withholds it. Key projects are not braked. No
    national rule does this: the brake is ASSUMED and off by default, so a planner can
    see the consequence of a rising per-capita level.

    Parameters
    ----------
    enabled : bool
        Apply the brake.
    mode : str
        ``'proportional'`` or ``'stop'``.
    seat_band_max_m2, town_band_max_m2 : float
        Upper end of the band for the county seat and for other towns. [m2/person]
    """

    section: ClassVar[str] = "per_capita_brake"
    enabled: bool = param(False, "", "ASSUMED: no national rule; off by default",
                          "cut ordinary quota above the per-capita band")
    mode: str = param("proportional", "", "ASSUMED",
                      "'proportional' (x band_max / e) or 'stop' (no ordinary quota)",
                      choices=("proportional", "stop"))
    seat_band_max_m2: float = shared(CommonFigures, "per_capita_band_max_m2")
    town_band_max_m2: float = shared(CommonFigures, "town_per_capita_band_max_m2")


@dataclass(frozen=True)
class CultivatedBalanceLink(Params):
    """Optional link to the 占补平衡 accounts: 以补定占 limits new construction land.

    When on, the new construction land of a year may occupy only as much cultivated land
    (new land x ``indicators.cultivated_share``) as the county's three indicator accounts
    (quantity, grain capacity, paddy; :mod:`landsim.cultivated`) can pay: credits of the
    county's verified projects up to that year, less what earlier years occupied. Off by
    default, so quota runs without a project table are unchanged.

    Parameters
    ----------
    enabled : bool
        Apply the balance to the quota.
    include_key_projects : bool
        Key projects are limited by the accounts too (they occupy cultivated land like
        any construction); when false only ordinary quota is.
    """

    section: ClassVar[str] = "cultivated_balance"

    enabled: bool = param(False, "", f"{_SRC_FACTS} s.8 (以补定占, 2024 reform); off by "
                          "default", "limit new construction land by the 占补平衡 accounts")
    include_key_projects: bool = param(
        True, "", f"{_SRC_FACTS} s.8 (all occupation of cultivated land is balanced)",
        "key projects are limited by the accounts too")


_SECTIONS: dict[str, type[Params]] = {
    "population_link": PopulationLink,
    "stock_link": StockLink,
    "reward_penalty": RewardPenalty,
    "supply_rate": SupplyRateRule,
    "caps": Caps,
    "per_capita_brake": PerCapitaBrake,
    "indicators": IndicatorParams,
    "cultivated_balance": CultivatedBalanceLink,
}


@dataclass(frozen=True)
class QuotaPolicy:
    """All parameters of the two-links quota simulation, one group per rule."""

    population_link: PopulationLink = field(default_factory=PopulationLink)
    stock_link: StockLink = field(default_factory=StockLink)
    reward_penalty: RewardPenalty = field(default_factory=RewardPenalty)
    supply_rate: SupplyRateRule = field(default_factory=SupplyRateRule)
    caps: Caps = field(default_factory=Caps)
    per_capita_brake: PerCapitaBrake = field(default_factory=PerCapitaBrake)
    indicators: IndicatorParams = field(default_factory=IndicatorParams)
    cultivated_balance: CultivatedBalanceLink = field(default_factory=CultivatedBalanceLink)

    def __post_init__(self) -> None:
        for name, cls in _SECTIONS.items():
            if not isinstance(getattr(self, name), cls):
                msg = f"QuotaPolicy.{name} must be a {cls.__name__}"
                raise InputError(msg)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Plain nested dict ``{section: {field: value}}``."""
        return {name: dataclasses.asdict(getattr(self, name)) for name in _SECTIONS}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, base: QuotaPolicy | None = None,
                  origin: str = "policy") -> QuotaPolicy:
        """Build a policy from ``{section: {field: value}}``, starting from ``base``.

        Unknown sections or fields raise :class:`~landsim.errors.InputError` naming the
        file (``origin``), the key, the value, the allowed range or the closest valid key.
        """
        base = cls() if base is None else base
        groups = {name: getattr(base, name) for name in _SECTIONS}
        return cls(**build_sections(_SECTIONS, data, groups, origin))


def parameter_table() -> list[dict[str, Any]]:
    """One row per parameter: section, name, default, unit, source, description, range.

    >>> rows = parameter_table()
    >>> [r["default"] for r in rows if r["name"] == "udb_expansion_multiple"]
    [1.3]
    """
    return [row for cls in _SECTIONS.values() for row in cls.table()]


def load_policy(path: str | Path | None = None, **overrides: Any) -> QuotaPolicy:
    """Load the quota policy from TOML and apply overrides.

    Parameters
    ----------
    path : str or Path, optional
        Policy TOML file (entries ``key = { value = ..., unit = ..., source = ... }`` or
        plain ``key = value``); sections it leaves out keep their defaults. Default: the
        packaged ``landsim/data/policy/default.toml``.
    **overrides
        ``section={"field": value}`` or ``section__field=value``.

    Returns
    -------
    QuotaPolicy

    Raises
    ------
    InputError
        Unknown section or key (the message names the closest valid key), a value of
        the wrong type or out of range; the message names the file.

    Examples
    --------
    >>> load_policy(stock_link__ratio=0.5).stock_link.ratio
    0.5
    """
    return load_policy_file(QuotaPolicy, "quota", path, overrides, what="policy file",
                            sections=list(_SECTIONS), example="stock_link={'ratio': 0.8}")
