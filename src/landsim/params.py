"""Quota-policy parameters: frozen dataclasses, each field with a unit and a source.

The parameters of the two-links quota simulation (design 5.3) are grouped by rule:

- :class:`PopulationLink` - 人地挂钩, the per-migrant standard by tier;
- :class:`StockLink` - 增存挂钩, quota per hectare of stock disposed;
- :class:`RewardPenalty` - +10 % / -20 % on meeting or missing disposal tasks;
- :class:`SupplyRateRule` - no ordinary quota under a 60 % five-year supply rate;
- :class:`Caps` - remaining upper-level plan quota and the urban development boundary;
- :class:`IndicatorParams` - GB 50137-2011 band and change limits, elasticity, GDP-land.

:class:`QuotaPolicy` bundles them. Every rule has an ``enabled`` switch. The defaults are
the figures of ``shared/domain/policy-facts.md``; where a figure was NOT FOUND the default
is an *assumption* and its ``source`` says so. ``data/policy/default.toml`` repeats every
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
import difflib
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from landsim.errors import InputError

__all__ = [
    "DEFAULT_POLICY_PATH",
    "Caps",
    "IndicatorParams",
    "PopulationLink",
    "QuotaPolicy",
    "RewardPenalty",
    "StockLink",
    "SupplyRateRule",
    "closest_key",
    "split_overrides",
    "load_policy",
    "parameter_table",
]

DEFAULT_POLICY_PATH = Path(__file__).resolve().parents[2] / "data" / "policy" / "default.toml"
"""``data/policy/default.toml`` of a source checkout (used when it exists)."""

_SRC_FACTS = "shared/domain/policy-facts.md"


def _p(
    default: Any,
    unit: str,
    source: str,
    description: str,
    *,
    lo: float | None = None,
    hi: float | None = None,
) -> Any:
    """Declare a parameter field with its unit, source, description and bounds."""
    meta = {"unit": unit, "source": source, "description": description, "lo": lo, "hi": hi}
    return field(default=default, metadata=meta)


def closest_key(key: str, valid: list[str] | tuple[str, ...]) -> str:
    """Sentence naming the valid key closest to ``key`` (or listing the valid keys).

    >>> closest_key("ration", ["ratio", "enabled"])
    "did you mean 'ratio'?"
    """
    match = difflib.get_close_matches(key, list(valid), n=1, cutoff=0.5)
    if match:
        return f"did you mean {match[0]!r}?"
    return "valid keys: " + ", ".join(sorted(valid))


class _Params:
    """Mix-in: generic type and range checks driven by the field metadata."""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            where = f"{type(self).__name__}.{f.name}"
            default = f.default
            if isinstance(default, bool):
                if not isinstance(value, bool):
                    msg = f"{where} must be true or false, got {value!r}"
                    raise InputError(msg)
                continue
            if isinstance(default, str):
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                msg = f"{where} must be a number [{f.metadata['unit']}], got {value!r}"
                raise InputError(msg)
            if isinstance(default, int) and not isinstance(default, bool):
                if not float(value).is_integer():
                    msg = f"{where} must be a whole number [{f.metadata['unit']}], got {value!r}"
                    raise InputError(msg)
                object.__setattr__(self, f.name, int(value))
            else:
                object.__setattr__(self, f.name, float(value))
            value = getattr(self, f.name)
            if math.isnan(value):
                msg = f"{where} is NaN; give a number [{f.metadata['unit']}]"
                raise InputError(msg)
            lo, hi = f.metadata["lo"], f.metadata["hi"]
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                rng = f"{-math.inf if lo is None else lo:g} to {math.inf if hi is None else hi:g}"
                msg = (f"{where} = {value:g} [{f.metadata['unit']}] is out of range; "
                       f"allowed {rng}")
                raise InputError(msg)
        self._check()

    def _check(self) -> None:
        """Cross-field rules of one parameter group (overridden by subclasses)."""


@dataclass(frozen=True)
class PopulationLink(_Params):
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

    enabled: bool = _p(True, "", "design 5.3", "apply the population-linked quota rule")
    tier1_max_m2: float = _p(
        100.0, "m2/person", f"{_SRC_FACTS} s.1 (national text CONFIRMED; Zhengzhou 2018)",
        "upper bound (inclusive) of tier 1 current per-capita urban construction land", lo=0)
    tier2_max_m2: float = _p(
        150.0, "m2/person", f"{_SRC_FACTS} s.1 (RECALLED nationally; CONFIRMED Zhengzhou 2018, "
        "Anhui 2017)", "upper bound (inclusive) of tier 2", lo=0)
    standard_tier1_m2: float = _p(
        100.0, "m2/person", f"{_SRC_FACTS} s.1 (CONFIRMED, 2016 five-ministry opinion)",
        "standard per settled migrant when e <= tier1_max_m2", lo=0)
    standard_tier2_m2: float = _p(
        80.0, "m2/person", f"{_SRC_FACTS} s.1 (CONFIRMED Zhengzhou 2018, Anhui 2017)",
        "standard per settled migrant when tier1_max_m2 < e <= tier2_max_m2", lo=0)
    standard_tier3_m2: float = _p(
        50.0, "m2/person", f"{_SRC_FACTS} s.1 (CONFIRMED Zhengzhou 2018, Anhui 2017)",
        "standard per settled migrant when e > tier2_max_m2", lo=0)
    provincial_factor: float = _p(
        1.0, "factor", f"{_SRC_FACTS} s.1 (provinces may adjust ±10 %, CONFIRMED)",
        "provincial adjustment multiplying the standard", lo=0)
    provincial_factor_min: float = _p(
        0.9, "factor", f"{_SRC_FACTS} s.1 (CONFIRMED)", "lowest allowed provincial factor", lo=0)
    provincial_factor_max: float = _p(
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
class StockLink(_Params):
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

    enabled: bool = _p(True, "", "design 5.3", "apply the stock-linked quota rule")
    ratio: float = _p(
        1.0, "ha/ha", f"ASSUMED (one-for-one): ratio NOT FOUND nationally, {_SRC_FACTS} s.2",
        "new quota per hectare of stock land disposed in the year", lo=0)
    count_unsupplied: bool = _p(True, "", f"{_SRC_FACTS} s.2 (2018 notice)",
                                "approved-but-unsupplied (批而未供) disposal counts")
    count_idle: bool = _p(True, "", f"{_SRC_FACTS} s.2 (2018 notice)",
                          "idle land (闲置) disposal counts")
    count_inefficient: bool = _p(True, "", f"{_SRC_FACTS} s.2 (2020 notice, stock land)",
                                 "inefficient land (低效) redevelopment counts")


@dataclass(frozen=True)
class RewardPenalty(_Params):
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

    enabled: bool = _p(True, "", f"{_SRC_FACTS} s.2", "apply the reward/penalty rule")
    reward_rate: float = _p(0.10, "fraction", f"{_SRC_FACTS} s.2 (CONFIRMED secondary)",
                            "reward when both disposal tasks are met", lo=0, hi=1)
    penalty_rate: float = _p(0.20, "fraction", f"{_SRC_FACTS} s.2 (CONFIRMED secondary)",
                             "deduction when either disposal task is missed", lo=0, hi=1)
    unsupplied_task_rate: float = _p(
        0.15, "fraction/year", f"ASSUMED: '15 % disposal task' NOT FOUND, {_SRC_FACTS} s.2",
        "annual 批而未供 disposal task, share of the opening stock", lo=0, hi=1)
    idle_task_rate: float = _p(
        0.15, "fraction/year", f"ASSUMED (same as 批而未供 task), {_SRC_FACTS} s.2",
        "annual idle-land disposal task, share of the opening stock", lo=0, hi=1)
    lag_years: int = _p(0, "year", "design 5.3 (same year); 2018 notice: next year",
                        "years between the task assessment and the adjusted quota", lo=0, hi=1)


@dataclass(frozen=True)
class SupplyRateRule(_Params):
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
    """

    enabled: bool = _p(True, "", f"{_SRC_FACTS} s.2", "apply the supply-rate floor")
    floor: float = _p(0.60, "fraction", f"{_SRC_FACTS} s.2 (CONFIRMED, 南方日报 2019-01-15)",
                      "minimum 5-year average land-supply rate", lo=0, hi=1)
    window_years: int = _p(5, "year", f"{_SRC_FACTS} s.2 (CONFIRMED)",
                           "approval years averaged", lo=1, hi=50)


@dataclass(frozen=True)
class Caps(_Params):
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
    """

    upper_plan_enabled: bool = _p(True, "", "design 5.3", "apply the upper-level plan cap")
    upper_plan_new_construction_ha: float = _p(
        math.inf, "ha", f"NOT FOUND for Pianguan ({_SRC_FACTS} s.11): set per county",
        "new construction land allowed by the upper-level plan over its period", lo=0)
    upper_plan_used_ha: float = _p(0.0, "ha", "county data",
                                   "allocation already used before the simulation", lo=0)
    udb_enabled: bool = _p(True, "", f"{_SRC_FACTS} s.5", "apply the UDB expansion cap")
    udb_expansion_multiple: float = _p(
        1.3, "factor", f"{_SRC_FACTS} s.5 (CONFIRMED, State Council approvals)",
        "urban construction land <= multiple x base-year level", lo=1)
    udb_base_year: int = _p(2020, "year", f"{_SRC_FACTS} s.5 (CONFIRMED)",
                            "reference year of the expansion multiple", lo=1949, hi=2100)
    level: str = _p("county", "", "modelling choice: quotas and caps are set per county",
                    "'county' or 'township' level of caps and assessments")
    key_projects_within_caps: bool = _p(
        True, "", "modelling choice", "key-project quota counts against the upper-level cap")

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
class IndicatorParams(_Params):
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

    band_min_m2: float = _p(65.0, "m2/person", f"GB 50137-2011, {_SRC_FACTS} s.10 (CONFIRMED)",
                            "lower bound of planned per-capita urban construction land", lo=0)
    band_max_m2: float = _p(115.0, "m2/person", f"GB 50137-2011, {_SRC_FACTS} s.10 (CONFIRMED)",
                            "upper bound of planned per-capita urban construction land", lo=0)
    change_min_m2: float = _p(-25.0, "m2/person", f"GB 50137-2011, {_SRC_FACTS} s.10",
                              "largest allowed decrease versus the current level", hi=0)
    change_max_m2: float = _p(20.0, "m2/person", f"GB 50137-2011, {_SRC_FACTS} s.10",
                              "largest allowed increase versus the current level", lo=0)
    elasticity_benchmark: float = _p(
        1.12, "ratio", f"熊柴、蔡继明 2014, {_SRC_FACTS} s.10 (CONFIRMED)",
        "reasonable urban-land / urban-population growth elasticity", lo=0)
    gdp_land_decline_target: float = _p(
        0.40, "fraction", f"State Council approvals, {_SRC_FACTS} s.5 (CONFIRMED)",
        "decline of construction land per unit GDP by the target year", lo=0, hi=1)
    gdp_land_base_year: int = _p(2020, "year", f"{_SRC_FACTS} s.5",
                                 "base year of the GDP-land decline", lo=1949, hi=2100)
    gdp_land_target_year: int = _p(2035, "year", f"{_SRC_FACTS} s.5",
                                   "target year of the GDP-land decline", lo=1949, hi=2100)
    cultivated_share: float = _p(
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


_SECTIONS: dict[str, type[_Params]] = {
    "population_link": PopulationLink,
    "stock_link": StockLink,
    "reward_penalty": RewardPenalty,
    "supply_rate": SupplyRateRule,
    "caps": Caps,
    "indicators": IndicatorParams,
}


@dataclass(frozen=True)
class QuotaPolicy:
    """All parameters of the two-links quota simulation, one group per rule."""

    population_link: PopulationLink = field(default_factory=PopulationLink)
    stock_link: StockLink = field(default_factory=StockLink)
    reward_penalty: RewardPenalty = field(default_factory=RewardPenalty)
    supply_rate: SupplyRateRule = field(default_factory=SupplyRateRule)
    caps: Caps = field(default_factory=Caps)
    indicators: IndicatorParams = field(default_factory=IndicatorParams)

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
        closest valid key.
        """
        base = cls() if base is None else base
        changes: dict[str, Any] = {}
        for section, values in data.items():
            if section not in _SECTIONS:
                msg = (f"{origin}: unknown policy section {section!r}; "
                       f"{closest_key(section, list(_SECTIONS))}")
                raise InputError(msg)
            if not isinstance(values, Mapping):
                msg = f"{origin}: policy section {section!r} must be a table of key = value"
                raise InputError(msg)
            group = getattr(base, section)
            valid = [f.name for f in dataclasses.fields(group)]
            for key in values:
                if key not in valid:
                    msg = (f"{origin}: unknown key {section}.{key}; "
                           f"{closest_key(key, valid)}")
                    raise InputError(msg)
            changes[section] = dataclasses.replace(group, **dict(values))
        return dataclasses.replace(base, **changes)


def parameter_table() -> list[dict[str, Any]]:
    """One row per parameter: section, name, default, unit, source, description.

    >>> rows = parameter_table()
    >>> [r["default"] for r in rows if r["name"] == "udb_expansion_multiple"]
    [1.3]
    """
    rows = []
    for section, cls in _SECTIONS.items():
        for f in dataclasses.fields(cls):
            rows.append({"section": section, "name": f.name, "default": f.default,
                         "unit": f.metadata["unit"], "source": f.metadata["source"],
                         "description": f.metadata["description"]})
    return rows


def _read_toml_values(path: Path) -> dict[str, dict[str, Any]]:
    """Read a policy TOML file and keep only the ``value`` of each entry."""
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        msg = f"{path}: not valid TOML ({exc}); fix the syntax"
        raise InputError(msg) from exc
    raw.pop("schema_version", None)
    values: dict[str, dict[str, Any]] = {}
    for section, entries in raw.items():
        if not isinstance(entries, Mapping):
            msg = f"{path}: {section!r} must be a table"
            raise InputError(msg)
        values[section] = {}
        for key, entry in entries.items():
            if isinstance(entry, Mapping):
                if "value" not in entry:
                    msg = f"{path}: {section}.{key} needs a 'value' (with 'unit' and 'source')"
                    raise InputError(msg)
                values[section][key] = entry["value"]
            else:
                values[section][key] = entry
    return values


def split_overrides(overrides: Mapping[str, Any], sections: Sequence[str],
                    example: str = "stock_link={'ratio': 0.8}") -> dict[str, dict[str, Any]]:
    """Accept ``section={...}`` and ``section__field=value`` keyword overrides.

    Shared by every ``load_*`` function of a policy file; ``sections`` are the valid
    section names (for the closest-key hint) and ``example`` shows the syntax.
    """
    out: dict[str, dict[str, Any]] = {}
    for key, value in overrides.items():
        if "__" in key:
            section, name = key.split("__", 1)
            out.setdefault(section, {})[name] = value
        elif isinstance(value, Mapping):
            out.setdefault(key, {}).update(value)
        else:
            msg = (f"override {key!r} must be a section table (e.g. {example}) or "
                   f"section__field=value; {closest_key(key, list(sections))}")
            raise InputError(msg)
    return out


def load_policy(path: str | Path | None = None, **overrides: Any) -> QuotaPolicy:
    """Load the quota policy from TOML and apply overrides.

    Parameters
    ----------
    path : str or Path, optional
        Policy TOML file (entries ``key = { value = ..., unit = ..., source = ... }`` or
        plain ``key = value``). Default: ``data/policy/default.toml`` when the source tree
        is present, else the dataclass defaults (which a test keeps identical).
    **overrides
        ``section={"field": value}`` or ``section__field=value``.

    Returns
    -------
    QuotaPolicy

    Raises
    ------
    InputError
        Unknown section or key (the message names the closest valid key), a value of
        the wrong type or out of range.

    Examples
    --------
    >>> load_policy(stock_link__ratio=0.5).stock_link.ratio
    0.5
    """
    if path is None:
        policy = (QuotaPolicy.from_dict(_read_toml_values(DEFAULT_POLICY_PATH),
                                        origin=str(DEFAULT_POLICY_PATH))
                  if DEFAULT_POLICY_PATH.exists() else QuotaPolicy())
    else:
        path = Path(path)
        if not path.exists():
            msg = f"policy file {path} does not exist; pass an existing TOML file or None"
            raise InputError(msg)
        policy = QuotaPolicy.from_dict(_read_toml_values(path), origin=str(path))
    if overrides:
        policy = QuotaPolicy.from_dict(split_overrides(overrides, list(_SECTIONS)), base=policy,
                                       origin="override")
    return policy
