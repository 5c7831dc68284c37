"""Scenarios of the two-links quota simulation as data, and the scenario runner.

A :class:`Scenario` is a frozen dataclass: policy overrides (onto
the packaged ``default.toml``), population and stock assumptions, key projects, economic
assumptions for the GDP-land indicator, a seed, and an optional ``uncertain`` mapping of
distributions for the Monte Carlo layer. Scenarios are stored as TOML in
``landsim/data/scenarios/`` with a ``schema_version``; :meth:`Scenario.from_toml` reads them and
:meth:`Scenario.to_toml` writes them back.

>>> s = Scenario(name="demo", population=PopulationAssumptions(settlement_share=0.4))
>>> Scenario.from_dict(s.to_dict()) == s
True
>>> s.quota_policy().stock_link.ratio
1.0
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from landsim._params import closest_key, read_toml
from landsim.errors import InputError
from landsim.quota.engine import (
    QuotaResult,
    annual_table,
    build_drivers,
    key_project_array,
    simulate_quota,
)
from landsim.quota.indicators import indicator_table
from landsim.quota.params import QuotaPolicy, load_policy
from landsim.quota.population import (
    SCOPES,
    base_population,
    destination_shares,
    project_population,
    settled_migrants,
    settled_migrants_from_table,
)
from landsim.quota.stock import CATEGORIES, inventory_date, project_stock, stock_inventory
from landsim.quota.upper_plan import UpperPlan, upper_plan_allocation
from landsim.resources import scenario_file, scenario_names
from landsim.units import ha_to_mu

__all__ = [
    "DISTRIBUTIONS",
    "SCHEMA_VERSION",
    "EconomyAssumptions",
    "KeyProject",
    "PopulationAssumptions",
    "Scenario",
    "ScenarioInputs",
    "ScenarioRun",
    "StockAssumptions",
    "adjust_scenario",
    "load_scenarios",
    "run_scenario",
    "run_scenarios",
    "scenario_summary",
    "with_registrations",
]

SCHEMA_VERSION = 1
"""Version of the scenario file format written by :meth:`Scenario.to_toml`."""

DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
}
"""Distributions allowed in ``uncertain`` and their parameters."""


def _check_keys(data: Mapping[str, Any], valid: Sequence[str], where: str) -> None:
    """Raise :class:`InputError` for the first unknown key, naming the closest valid one."""
    for key in data:
        if key not in valid:
            msg = f"{where}: unknown key {key!r}; {closest_key(key, list(valid))}"
            raise InputError(msg)


def _number(value: Any, where: str, unit: str) -> float:
    """A finite number no larger than the plausible bound of its unit."""
    from landsim.schema import PLAUSIBLE_MAX

    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        msg = f"{where} must be a finite number [{unit}], got {value!r}. Fix: give a number"
        raise InputError(msg)
    bound = PLAUSIBLE_MAX.get(unit.split("/")[0])
    if bound is not None and abs(value) > bound:
        msg = (f"{where} = {value:g} [{unit}] is not plausible (more than {bound:g}). Fix: "
               "check the unit and the exponent")
        raise InputError(msg)
    return float(value)


def _fraction(value: Any, where: str, lo: float = 0.0) -> float:
    """A share in [lo, 1]; a value in (1, 100] is reported as a likely percentage."""
    x = _number(value, where, "fraction")
    if x < lo:
        what = "negative rates are invalid" if lo == 0.0 else f"must be >= {lo:g}"
        msg = f"{where} = {x:g} [fraction]: {what}; give a value from {lo:g} to 1"
        raise InputError(msg)
    if x > 1.0:
        hint = f" ({x:g} looks like a percentage: write {x / 100:g})" if x <= 100 else ""
        msg = f"{where} = {x:g} is not a fraction from {lo:g} to 1{hint}"
        raise InputError(msg)
    return x


def _year(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1949 <= value <= 2100:
        msg = f"{where} must be a calendar year (1949..2100), got {value!r}"
        raise InputError(msg)
    return int(value)


@dataclass(frozen=True)
class PopulationAssumptions:
    """Population assumptions (rates per year, shares of the resident population).

    Parameters
    ----------
    natural_growth_rate : float
        Births minus deaths. [fraction/year]
    net_migration_rate : float
        Net migration; negative when people leave (Pianguan 2010-2020: about -4 %/year
        in total). [fraction/year]
    urbanisation_saturation : float
        Level the urbanisation rate tends to. [fraction]
    urbanisation_speed : float
        Logistic growth rate of urbanisation. [1/year]
    settlement_share : float
        Share of the rural people moving into towns (农业转移人口) who register (落户)
        there. [fraction]
    settled_migrants : tuple of (year, township, persons)
        Registrations given directly; when set they replace the projection and join the
        urban population of their township. [persons]
    urbanisation_scope : str
        ``'county'`` (default): one urbanisation path for the county, migrants from every
        township settle in the towns by the destination shares (the county's registration
        history, else its urban population); ``'township'``: each township on its own
        path, never pushed below its base-year rate.
    """

    natural_growth_rate: float = -0.002
    net_migration_rate: float = -0.01
    urbanisation_saturation: float = 0.70
    urbanisation_speed: float = 0.05
    settlement_share: float = 0.5
    settled_migrants: tuple[tuple[int, str, float], ...] = ()
    urbanisation_scope: str = "county"

    def __post_init__(self) -> None:
        w = "population"
        for name in ("natural_growth_rate", "net_migration_rate"):
            x = _number(getattr(self, name), f"{w}.{name}", "fraction/year")
            if not -0.5 <= x <= 0.5:
                msg = (f"{w}.{name} = {x:g} is outside -0.5..0.5 [fraction/year]; "
                       "rates are fractions (write -0.01 for -1 %)")
                raise InputError(msg)
            object.__setattr__(self, name, x)
        object.__setattr__(self, "urbanisation_saturation",
                           _fraction(self.urbanisation_saturation,
                                     f"{w}.urbanisation_saturation"))
        object.__setattr__(self, "settlement_share",
                           _fraction(self.settlement_share, f"{w}.settlement_share"))
        speed = _number(self.urbanisation_speed, f"{w}.urbanisation_speed", "1/year")
        if speed < 0:
            msg = f"{w}.urbanisation_speed = {speed:g} [1/year]: negative rates are invalid"
            raise InputError(msg)
        object.__setattr__(self, "urbanisation_speed", speed)
        if self.urbanisation_scope not in SCOPES:
            msg = (f"{w}.urbanisation_scope = {self.urbanisation_scope!r}; allowed "
                   f"{', '.join(repr(x) for x in SCOPES)}")
            raise InputError(msg)
        entries = []
        for j, entry in enumerate(self.settled_migrants):
            if isinstance(entry, Mapping):
                _check_keys(entry, ("year", "township", "settled_migrants"),
                            f"{w}.settled_migrants[{j}]")
                entry = (entry.get("year"), entry.get("township"), entry.get("settled_migrants"))
            year, town, count = entry
            count = _number(count, f"{w}.settled_migrants[{j}].settled_migrants", "persons")
            if count < 0:
                msg = f"{w}.settled_migrants[{j}]: settled_migrants = {count:g} must be >= 0"
                raise InputError(msg)
            entries.append((_year(year, f"{w}.settled_migrants[{j}].year"), str(town), count))
        object.__setattr__(self, "settled_migrants", tuple(entries))


@dataclass(frozen=True)
class StockAssumptions:
    """Disposal of stock land: shares of the remaining stock per year, or a plan.

    Parameters
    ----------
    unsupplied_disposal_rate : float
        批而未供 land supplied per year, share of the remaining stock. [fraction/year]
    idle_disposal_rate : float
        Idle land disposed per year. [fraction/year]
    inefficient_redevelopment_rate : float
        Inefficient land redeveloped per year. [fraction/year]
    plan : tuple of (year, township, category, area_ha)
        Disposal plan; a category that appears here ignores its rate. [ha]
    """

    unsupplied_disposal_rate: float = 0.15
    idle_disposal_rate: float = 0.15
    inefficient_redevelopment_rate: float = 0.05
    plan: tuple[tuple[int, str, str, float], ...] = ()

    def __post_init__(self) -> None:
        for name in ("unsupplied_disposal_rate", "idle_disposal_rate",
                     "inefficient_redevelopment_rate"):
            object.__setattr__(self, name, _fraction(getattr(self, name), f"stock.{name}"))
        entries = []
        for j, entry in enumerate(self.plan):
            where = f"stock.plan[{j}]"
            if isinstance(entry, Mapping):
                _check_keys(entry, ("year", "township", "category", "area_ha"), where)
                entry = tuple(entry.get(k) for k in ("year", "township", "category", "area_ha"))
            year, town, cat, area = entry
            if cat not in CATEGORIES:
                msg = f"{where}.category {cat!r} unknown; {closest_key(str(cat), CATEGORIES)}"
                raise InputError(msg)
            area = _number(area, f"{where}.area_ha", "ha")
            if area < 0:
                msg = f"{where}.area_ha = {area:g} [ha]: negative areas are invalid"
                raise InputError(msg)
            entries.append((_year(year, f"{where}.year"), str(town), str(cat), area))
        object.__setattr__(self, "plan", tuple(entries))


@dataclass(frozen=True)
class KeyProject:
    """A key project (重点项目) whose quota is granted directly.

    Parameters
    ----------
    name : str
    year : int
        Year the land is approved. [year]
    township : str
    area_ha : float
        New construction land. [ha]
    in_udb : bool
        The project lies inside the urban development boundary, so its land is urban
        construction land and counts against the UDB cap (default true).
    """

    name: str
    year: int
    township: str
    area_ha: float
    in_udb: bool = True

    def __post_init__(self) -> None:
        where = f"key_projects[{self.name!r}]"
        object.__setattr__(self, "year", _year(self.year, f"{where}.year"))
        area = _number(self.area_ha, f"{where}.area_ha", "ha")
        if area < 0:
            msg = f"{where}.area_ha = {area:g} [ha]: negative areas are invalid"
            raise InputError(msg)
        object.__setattr__(self, "area_ha", area)
        if not isinstance(self.in_udb, bool):
            msg = f"{where}.in_udb = {self.in_udb!r} must be true or false"
            raise InputError(msg)


@dataclass(frozen=True)
class EconomyAssumptions:
    """GDP path for the construction-land-per-GDP indicator.

    Parameters
    ----------
    gdp_base_year : int
        Year of ``gdp_base_yi_yuan``. [year]
    gdp_base_yi_yuan : float
        County GDP (Pianguan 2021: 38.4亿元). [亿元]
    gdp_growth_rate : float
        Real growth per year, also used backwards to the indicator base year (ASSUMED
        5 %). [fraction/year]
    """

    gdp_base_year: int = 2021
    gdp_base_yi_yuan: float = 38.4
    gdp_growth_rate: float = 0.05

    def __post_init__(self) -> None:
        object.__setattr__(self, "gdp_base_year", _year(self.gdp_base_year,
                                                        "economy.gdp_base_year"))
        gdp = _number(self.gdp_base_yi_yuan, "economy.gdp_base_yi_yuan", "亿元")
        if gdp <= 0:
            msg = f"economy.gdp_base_yi_yuan = {gdp:g} [亿元] must be > 0"
            raise InputError(msg)
        object.__setattr__(self, "gdp_base_yi_yuan", gdp)
        g = _number(self.gdp_growth_rate, "economy.gdp_growth_rate", "fraction/year")
        if not -0.5 < g < 0.5:
            msg = f"economy.gdp_growth_rate = {g:g} outside -0.5..0.5 [fraction/year]"
            raise InputError(msg)
        object.__setattr__(self, "gdp_growth_rate", g)

    def gdp_path(self, years: Iterable[int]) -> pd.Series:
        """GDP by year on the constant-growth path. [亿元]

        >>> round(float(EconomyAssumptions().gdp_path([2022]).iloc[0]), 2)
        40.32
        """
        ys = np.asarray(list(years), dtype=int)
        gdp = self.gdp_base_yi_yuan * (1.0 + self.gdp_growth_rate) ** (ys - self.gdp_base_year)
        return pd.Series(gdp, index=ys, name="gdp_yi_yuan")


_UNCERTAIN_TARGETS = tuple(
    [f"population.{f.name}" for f in dataclasses.fields(PopulationAssumptions)
     if f.name not in ("settled_migrants", "urbanisation_scope")]
    + [f"stock.{f.name}" for f in dataclasses.fields(StockAssumptions) if f.name != "plan"]
    + ["policy.stock_link.ratio", "policy.population_link.provincial_factor",
       "economy.gdp_growth_rate"])


def _check_uncertain(uncertain: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Validate the ``uncertain`` mapping: known targets, known distributions, sane values."""
    out: dict[str, dict[str, Any]] = {}
    for target, spec in uncertain.items():
        where = f"uncertain.{target}"
        if target not in _UNCERTAIN_TARGETS:
            msg = f"{where}: unknown target; {closest_key(target, _UNCERTAIN_TARGETS)}"
            raise InputError(msg)
        if not isinstance(spec, Mapping) or "dist" not in spec:
            msg = f"{where}: give a table with 'dist' ({', '.join(DISTRIBUTIONS)}) and its parameters"
            raise InputError(msg)
        dist = spec["dist"]
        if dist not in DISTRIBUTIONS:
            msg = f"{where}: unknown dist {dist!r}; {closest_key(str(dist), list(DISTRIBUTIONS))}"
            raise InputError(msg)
        names = DISTRIBUTIONS[dist]
        _check_keys(spec, ("dist", *names), where)
        missing = [n for n in names if n not in spec]
        if missing:
            msg = f"{where}: {dist} needs {', '.join(names)}; missing {', '.join(missing)}"
            raise InputError(msg)
        vals = {n: _number(spec[n], f"{where}.{n}", "") for n in names}
        if dist in ("uniform", "triangular") and vals["low"] > vals["high"]:
            msg = f"{where}: low = {vals['low']:g} must not exceed high = {vals['high']:g}"
            raise InputError(msg)
        if dist == "triangular" and not vals["low"] <= vals["mode"] <= vals["high"]:
            msg = f"{where}: mode = {vals['mode']:g} must lie between low and high"
            raise InputError(msg)
        if dist == "normal" and vals["sd"] < 0:
            msg = f"{where}: sd = {vals['sd']:g} must be >= 0"
            raise InputError(msg)
        out[target] = {"dist": dist, **vals}
    return out


_TOP_KEYS = ("name", "schema_version", "description", "start_year", "end_year", "policy",
             "population", "stock", "key_projects", "economy", "seed", "uncertain",
             "demand_ha_per_year")


@dataclass(frozen=True)
class Scenario:
    """A named set of assumptions for the two-links quota simulation.

    Parameters
    ----------
    name : str
        Short identifier, used as the ``scenario`` index level.
    schema_version : int
        File-format version (:data:`SCHEMA_VERSION`).
    description : str
    start_year : int or None
        First simulated year; default the year after the population data's base year.
    end_year : int
        Last simulated year (the plan horizon is 2035). [year]
    policy : mapping
        Overrides ``{section: {key: value}}`` of the policy (see
        :func:`landsim.quota.params.load_policy`).
    population : PopulationAssumptions
    stock : StockAssumptions
    key_projects : tuple of KeyProject
    economy : EconomyAssumptions
    seed : int
        Seed of any random draw made for this scenario.
    uncertain : mapping
        ``{target: {dist: ..., params}}`` for the Monte Carlo layer, e.g.
        ``{"population.settlement_share": {"dist": "uniform", "low": 0.3, "high": 0.6}}``.
    demand_ha_per_year : float or None
        New construction land the county expects to need each year; the ensemble reports
        the probability that the quota falls short of it. [ha/year]
    """

    name: str
    schema_version: int = SCHEMA_VERSION
    description: str = ""
    start_year: int | None = None
    end_year: int = 2035
    policy: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    population: PopulationAssumptions = field(default_factory=PopulationAssumptions)
    stock: StockAssumptions = field(default_factory=StockAssumptions)
    key_projects: tuple[KeyProject, ...] = ()
    economy: EconomyAssumptions = field(default_factory=EconomyAssumptions)
    seed: int = 0
    uncertain: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    demand_ha_per_year: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            msg = "scenario name must be a non-empty string"
            raise InputError(msg)
        where = f"scenario {self.name!r}"
        if self.schema_version != SCHEMA_VERSION:
            msg = (f"{where}: schema_version {self.schema_version!r} is not supported; this "
                   f"landsim reads version {SCHEMA_VERSION}")
            raise InputError(msg)
        end = _year(self.end_year, f"{where}: end_year")
        if self.start_year is not None:
            start = _year(self.start_year, f"{where}: start_year")
            if start > end:
                msg = (f"{where}: years out of order: start_year {start} is after "
                       f"end_year {end}")
                raise InputError(msg)
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            msg = f"{where}: seed must be a whole number >= 0, got {self.seed!r}"
            raise InputError(msg)
        for kp in self.key_projects:
            if kp.year > end:
                msg = (f"{where}: years out of order: key project {kp.name!r} in {kp.year} "
                       f"is after end_year {end}")
                raise InputError(msg)
        for j, (year, *_rest) in enumerate(self.stock.plan):
            if year > end:
                msg = f"{where}: stock.plan[{j}] year {year} is after end_year {end}"
                raise InputError(msg)
        policy = {k: dict(v) if isinstance(v, Mapping) else v for k, v in self.policy.items()}
        QuotaPolicy.from_dict(policy, origin=f"{where} policy")  # validates keys and values
        object.__setattr__(self, "policy", policy)
        object.__setattr__(self, "uncertain", _check_uncertain(self.uncertain))
        if self.demand_ha_per_year is not None:
            demand = _number(self.demand_ha_per_year, f"{where}: demand_ha_per_year", "ha/year")
            if demand < 0:
                msg = f"{where}: demand_ha_per_year = {demand:g} [ha/year] must be >= 0"
                raise InputError(msg)
            object.__setattr__(self, "demand_ha_per_year", demand)

    # -- conversions -------------------------------------------------------------------

    def quota_policy(self, path: str | Path | None = None) -> QuotaPolicy:
        """Default policy (``path`` or the packaged ``default.toml``) with the overrides."""
        return load_policy(path, **self.policy)

    def to_dict(self) -> dict[str, Any]:
        """Plain nested dict of built-in types (TOML-ready; ``start_year`` None is omitted)."""
        pop = dataclasses.asdict(self.population)
        pop["settled_migrants"] = [
            {"year": y, "township": k, "settled_migrants": c}
            for y, k, c in self.population.settled_migrants]
        stock = dataclasses.asdict(self.stock)
        stock["plan"] = [{"year": y, "township": k, "category": c, "area_ha": a}
                         for y, k, c, a in self.stock.plan]
        out: dict[str, Any] = {
            "name": self.name, "schema_version": self.schema_version,
            "description": self.description, "end_year": self.end_year, "seed": self.seed,
            "policy": {k: dict(v) for k, v in self.policy.items()},
            "population": pop, "stock": stock,
            "key_projects": [dataclasses.asdict(kp) for kp in self.key_projects],
            "economy": dataclasses.asdict(self.economy),
            "uncertain": {k: dict(v) for k, v in self.uncertain.items()},
        }
        if self.start_year is not None:
            out["start_year"] = self.start_year
        if self.demand_ha_per_year is not None:
            out["demand_ha_per_year"] = self.demand_ha_per_year
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], origin: str = "scenario") -> Scenario:
        """Build a scenario from :meth:`to_dict` output or a parsed TOML file.

        Raises
        ------
        InputError
            Unknown keys (naming the closest valid key), negative or out-of-range rates,
            years out of order, unsupported schema version.
        """
        _check_keys(data, _TOP_KEYS, origin)
        if "name" not in data:
            msg = f"{origin}: missing 'name'"
            raise InputError(msg)
        if "schema_version" not in data:
            msg = f"{origin}: missing 'schema_version' (this landsim writes {SCHEMA_VERSION})"
            raise InputError(msg)
        kwargs: dict[str, Any] = {k: data[k] for k in _TOP_KEYS if k in data
                                  and k not in ("population", "stock", "key_projects",
                                                "economy")}
        sections = {"population": PopulationAssumptions, "stock": StockAssumptions,
                    "economy": EconomyAssumptions}
        for key, kind in sections.items():
            if key in data:
                sub = data[key]
                if not isinstance(sub, Mapping):
                    msg = f"{origin}: [{key}] must be a table"
                    raise InputError(msg)
                valid = [f.name for f in dataclasses.fields(kind)]
                _check_keys(sub, valid, f"{origin} [{key}]")
                sub = dict(sub)
                for seq in ("settled_migrants", "plan"):
                    if seq in sub:
                        sub[seq] = tuple(sub[seq])
                kwargs[key] = kind(**sub)
        projects = []
        for j, kp in enumerate(data.get("key_projects", ())):
            valid = [f.name for f in dataclasses.fields(KeyProject)]
            _check_keys(kp, valid, f"{origin} key_projects[{j}]")
            missing = [f.name for f in dataclasses.fields(KeyProject)
                       if f.name not in kp and f.default is dataclasses.MISSING]
            if missing:
                msg = f"{origin} key_projects[{j}]: missing {', '.join(missing)}"
                raise InputError(msg)
            projects.append(KeyProject(**kp))
        kwargs["key_projects"] = tuple(projects)
        return cls(**kwargs)

    @classmethod
    def from_toml(cls, path: str | Path) -> Scenario:
        """Read a scenario TOML file (see the packaged ``landsim/data/scenarios/baseline.toml``)."""
        path = Path(path)
        data = read_toml(path, what="scenario file", keep_schema_version=True)
        try:
            return cls.from_dict(data, origin=str(path))
        except InputError as err:
            if str(path) in str(err):
                raise
            raise InputError(f"{path}: {err}") from None

    @classmethod
    def packaged(cls, name: str) -> Scenario:
        """A scenario shipped with landsim, by name (``baseline``, ...)."""
        return cls.from_toml(scenario_file(name))

    def to_toml(self, path: str | Path) -> None:
        """Write the scenario as TOML (readable by :meth:`from_toml`)."""
        Path(path).write_text(_dump_toml(self.to_dict()), encoding="utf-8")


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "inf" if v == math.inf else ("-inf" if v == -math.inf else repr(v))
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(v, Mapping):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    msg = f"cannot write {type(v).__name__} to TOML"
    raise InputError(msg)


def _toml_key(k: str) -> str:
    return k if k.replace("_", "").replace("-", "").isalnum() and k.isascii() else _toml_value(k)


def _dump_toml(data: Mapping[str, Any], prefix: str = "") -> str:
    """Minimal TOML writer for scenario dicts (scalars, tables, arrays of tables)."""
    lines: list[str] = []
    tables: list[tuple[str, Mapping[str, Any]]] = []
    arrays: list[tuple[str, list[Mapping[str, Any]]]] = []
    for k, v in data.items():
        if isinstance(v, Mapping):
            tables.append((k, v))
        elif isinstance(v, list) and v and all(isinstance(x, Mapping) for x in v):
            arrays.append((k, v))
        elif isinstance(v, list) and not v:
            continue  # empty arrays are the defaults
        else:
            lines.append(f"{_toml_key(k)} = {_toml_value(v)}")
    for k, v in tables:
        name = f"{prefix}{_toml_key(k)}"
        lines += ["", f"[{name}]", _dump_toml(v, prefix=f"{name}.").rstrip("\n")]
    for k, items in arrays:
        name = f"{prefix}{_toml_key(k)}"
        for item in items:
            lines += ["", f"[[{name}]]", _dump_toml(item, prefix=f"{name}.").rstrip("\n")]
    return "\n".join(line for line in lines) + "\n"


def load_scenarios(paths: Iterable[str | Path] | None = None) -> list[Scenario]:
    """Read scenario files (default every packaged scenario, sorted by name)."""
    files = ([scenario_file(n) for n in scenario_names()] if paths is None
             else [Path(p) for p in paths])
    return [Scenario.from_toml(p) for p in files]


# ----------------------------------------------------------------------------- running


@dataclass(frozen=True)
class ScenarioInputs:
    """County tables a scenario runs on (loaders live in :mod:`landsim.datasets`).

    Parameters
    ----------
    population : pandas.DataFrame
        year, township, resident_pop, registered_pop, urban_pop, urban_construction_land_ha.
    supply_batches : pandas.DataFrame
        batch_id, township, approval_year, approved_ha, supplied_ha.
    stock_plots : pandas.DataFrame
        plot_id, township, category, area_ha, land_use, identified_year.
    construction_land_ha : pandas.Series, optional
        County construction land by year [ha] (for the GDP-land indicator).
    gdp_yi_yuan : pandas.Series, optional
        Observed GDP by year [亿元]; the scenario's growth rate extends it.
    industrial_contracts : pandas.DataFrame, optional
        Industrial contracts: with them the Order No. 53 engine decides which stock is
        idle at the end of the base year (:func:`landsim.quota.stock.stock_inventory`).
    registrations : pandas.DataFrame, optional
        Registration (落户) history (year, township, registrations): gives the shares of
        the county's migrants that each township's towns receive.
    planning_targets : pandas.DataFrame, optional
        Planning targets: the upper-level plan's new construction land allocation.
    indicator_history : pandas.DataFrame, optional
        Indicator history (year, new_construction_land_ha, ...): the allocation used to date.
    townships : pandas.DataFrame, optional
        Townships (township, is_county_seat): which band the per-capita brake applies.
    cultivated_projects : pandas.DataFrame, optional
        Projects adding cultivated land: their verified credits feed the optional
        ``cultivated_balance`` link (以补定占).
    cultivated_occupations : pandas.DataFrame, optional
        Occupations of cultivated land other than construction (orchards, afforestation,
        ...): paid from the accounts before the quota's construction.
    parcels : pandas.DataFrame, optional
        Parcels: the grade and paddy share of the cultivated land new construction land
        occupies (:func:`landsim.cultivated.occupied_land_profile`).
    """

    population: pd.DataFrame
    supply_batches: pd.DataFrame
    stock_plots: pd.DataFrame
    construction_land_ha: pd.Series | None = None
    gdp_yi_yuan: pd.Series | None = None
    industrial_contracts: pd.DataFrame | None = None
    registrations: pd.DataFrame | None = None
    planning_targets: pd.DataFrame | None = None
    indicator_history: pd.DataFrame | None = None
    townships: pd.DataFrame | None = None
    cultivated_projects: pd.DataFrame | None = None
    cultivated_occupations: pd.DataFrame | None = None
    parcels: pd.DataFrame | None = None
    _derived: dict[tuple[Any, ...], pd.DataFrame] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def stock_inventory(self, townships: Sequence[str], as_of: str) -> pd.DataFrame:
        """Stock per township at ``as_of`` (:func:`~landsim.quota.stock.stock_inventory`).

        Computed once per township order and date and kept: the tables of a
        ``ScenarioInputs`` are not changed in place, and an ensemble runs every batch of
        draws on the same inventory.
        """
        key = ("stock_inventory", tuple(townships), as_of)
        if key not in self._derived:
            self._derived[key] = stock_inventory(
                self.supply_batches, self.stock_plots, list(townships),
                contracts=self.industrial_contracts, as_of=as_of)
        return self._derived[key]

    @classmethod
    def from_county(cls, county: Any) -> ScenarioInputs:
        """The tables of a :class:`landsim.datasets.County` (e.g. ``load_sample()``)."""
        missing = [name for name in ("population", "supply_batches", "stock_plots")
                   if getattr(county, name) is None]
        if missing:
            files = ", ".join(f"{n}.csv" if n != "supply_batches" else
                              "land_supply_batches.csv" for n in missing)
            msg = (f"{county.source}: the quota simulation needs {files}. Fix: add "
                   "them to the county folder (see data/sample_county/README.md)")
            raise InputError(msg)
        history = county.indicators
        land = gdp = None
        if history is not None:
            by_year = history.set_index("year")
            land, gdp = by_year["construction_land_ha"], by_year["gdp_yi_yuan"]
        return cls(population=county.population, supply_batches=county.supply_batches,
                   stock_plots=county.stock_plots, construction_land_ha=land,
                   gdp_yi_yuan=gdp, industrial_contracts=county.industrial_contracts,
                   registrations=getattr(county, "registrations", None),
                   planning_targets=county.planning_targets, indicator_history=history,
                   townships=county.townships,
                   cultivated_projects=getattr(county, "cultivated_projects", None),
                   cultivated_occupations=getattr(county, "cultivated_occupations", None),
                   parcels=getattr(county, "parcels", None))


@dataclass(frozen=True)
class ScenarioRun:
    """Result of one scenario: the engine result, annual table and indicators."""

    scenario: Scenario
    result: QuotaResult
    annual: pd.DataFrame
    indicators: pd.DataFrame
    upper_plan: UpperPlan | None = None


def _gdp_series(scenario: Scenario, inputs: ScenarioInputs, years: np.ndarray,
                base_year: int) -> pd.Series:
    """Observed GDP where given, else the scenario's constant-growth path."""
    first = min(base_year, scenario.quota_policy().indicators.gdp_land_base_year)
    path = scenario.economy.gdp_path(range(first, int(years[-1]) + 1))
    if inputs.gdp_yi_yuan is not None:
        path.update(inputs.gdp_yi_yuan.astype(float))
    return path


def run_scenario(scenario: Scenario, inputs: ScenarioInputs, *,
                 policy_path: str | Path | None = None, by: str = "county",
                 draws: Mapping[str, np.ndarray] | None = None) -> ScenarioRun:
    """Run one scenario: deterministically (one draw), or for an array of draws.

    Parameters
    ----------
    scenario : Scenario
    inputs : ScenarioInputs
    policy_path : str or Path, optional
        Policy TOML the overrides apply to (default the packaged ``default.toml``).
    by : {'county', 'township'}
        Level of the annual table.
    draws : mapping, optional
        Values of uncertain inputs per draw, ``{target: array (n_draws,)}`` with targets
        as in :attr:`Scenario.uncertain` (see :func:`landsim.quota.ensemble.sample_draws`);
        they replace the scenario's values and the engine runs all draws at once.
    Returns
    -------
    ScenarioRun
    """
    policy = scenario.quota_policy(policy_path)
    draws = dict(draws or {})
    unknown = sorted(set(draws) - set(_UNCERTAIN_TARGETS))
    if unknown:
        msg = f"run_scenario: unknown draw target(s) {unknown}; valid: {list(_UNCERTAIN_TARGETS)}"
        raise InputError(msg)

    def value(target: str, scalar: float) -> Any:
        """The draws of ``target`` shaped (draws, 1, 1), else the scenario's scalar."""
        if target in draws:
            return np.asarray(draws[target], dtype=float).reshape(-1, 1, 1)
        return scalar

    base = base_population(inputs.population)
    base_year = int(base.attrs["base_year"])
    start = base_year + 1 if scenario.start_year is None else scenario.start_year
    if start <= base_year:
        msg = (f"scenario {scenario.name!r}: years out of order: start_year {start} must be "
               f"after the population base year {base_year}")
        raise InputError(msg)
    if start > scenario.end_year:
        msg = (f"scenario {scenario.name!r}: years out of order: start_year {start} is after "
               f"end_year {scenario.end_year}")
        raise InputError(msg)
    years = np.arange(start, scenario.end_year + 1)
    if start != base_year + 1:  # project from the base year, report from start_year
        years_all = np.arange(base_year + 1, scenario.end_year + 1)
    else:
        years_all = years
    pa = scenario.population
    towns = list(base.index.astype(str))
    given, rule = None, "registrations given directly in the scenario"
    if pa.settled_migrants:
        given = pd.DataFrame(list(pa.settled_migrants),
                             columns=["year", "township", "settled_migrants"])
    transfers = (None if given is None
                 else settled_migrants_from_table(given, years_all.tolist(), towns))
    path = project_population(
        base, years_all,
        natural_growth_rate=value("population.natural_growth_rate", pa.natural_growth_rate),
        net_migration_rate=value("population.net_migration_rate", pa.net_migration_rate),
        urbanisation_saturation=value("population.urbanisation_saturation",
                                      pa.urbanisation_saturation),
        urbanisation_speed=value("population.urbanisation_speed", pa.urbanisation_speed),
        scope=pa.urbanisation_scope,
        destination=destination_shares(base, inputs.registrations),
        transfers=transfers)
    if transfers is not None:
        settled = path.transfers
    else:
        settled = settled_migrants(path.transfers,
                                   value("population.settlement_share", pa.settlement_share))
        where = ("the county's urbanisation path, settling by the registration history"
                 if pa.urbanisation_scope == "county" and inputs.registrations is not None
                 else f"the {pa.urbanisation_scope}'s urbanisation path")
        rule = (f"rural-to-urban transfers from {where} x settlement share "
                f"{pa.settlement_share:g}")
    inventory = inputs.stock_inventory(towns, inventory_date(base_year))
    sa = scenario.stock
    plan = (pd.DataFrame(list(sa.plan), columns=["year", "township", "category", "area_ha"])
            if sa.plan else None)
    stock = project_stock(
        inventory, years_all,
        unsupplied_rate=value("stock.unsupplied_disposal_rate", sa.unsupplied_disposal_rate),
        idle_rate=value("stock.idle_disposal_rate", sa.idle_disposal_rate),
        inefficient_rate=value("stock.inefficient_redevelopment_rate",
                               sa.inefficient_redevelopment_rate), plan=plan)
    kp = pd.DataFrame([dataclasses.asdict(k) for k in scenario.key_projects],
                      columns=["name", "year", "township", "area_ha", "in_udb"])
    policy, upper, caps_source = _with_upper_plan(policy, inputs, base_year)
    drivers = build_drivers(inputs.population, inputs.supply_batches, path, stock,
                            settled=settled,
                            key_projects_ha=key_project_array(kp, years_all.tolist(), towns),
                            key_projects_udb_ha=key_project_array(
                                kp, years_all.tolist(), towns, in_udb_only=True),
                            udb_base_year=policy.caps.udb_base_year, migrants_rule=rule,
                            stock_link_ratio=draws.get("policy.stock_link.ratio"),
                            provincial_factor=draws.get(
                                "policy.population_link.provincial_factor"),
                            is_county_seat=_seat_flags(inputs.townships, towns),
                            caps_source=caps_source,
                            **_balance_drivers(policy, inputs, years_all))
    result = simulate_quota(drivers, policy)
    annual = annual_table(result, by=by)
    indicators = indicator_table(
        result, construction_land_ha=inputs.construction_land_ha,
        gdp_yi_yuan=(_gdp_series(scenario, inputs, years_all, base_year)
                     if inputs.construction_land_ha is not None else None))
    keep = annual["year"] >= start
    return ScenarioRun(scenario=scenario, result=result,
                       # all rows kept (the usual case): no copy of a large ensemble table
                       annual=annual if keep.all() else annual[keep].reset_index(drop=True),
                       indicators=indicators[indicators["year"] >= start].reset_index(drop=True),
                       upper_plan=upper)


def _with_upper_plan(policy: QuotaPolicy, inputs: ScenarioInputs,
                     base_year: int) -> tuple[QuotaPolicy, UpperPlan | None, str]:
    """The policy with the upper-level plan cap taken from the county's planning targets.

    A finite ``caps.upper_plan_new_construction_ha`` set in the policy or the scenario is
    kept as given; otherwise the county's allocation minus its use to date binds.
    """
    caps = policy.caps
    if not caps.upper_plan_enabled:
        return policy, None, "upper-level plan cap switched off"
    if np.isfinite(caps.upper_plan_new_construction_ha):
        return policy, None, (f"policy: {caps.upper_plan_new_construction_ha:g} ha, used "
                              f"{caps.upper_plan_used_ha:g} ha")
    upper = upper_plan_allocation(inputs.planning_targets, base_year,
                                  history=inputs.indicator_history,
                                  batches=inputs.supply_batches,
                                  start_year=caps.upper_plan_start_year)
    if upper is None:
        return policy, None, "no allocation in the county's planning targets: unlimited"
    new_caps = dataclasses.replace(caps, upper_plan_new_construction_ha=upper.allocation_ha,
                                   upper_plan_used_ha=upper.used_ha)
    return dataclasses.replace(policy, caps=new_caps), upper, upper.source


def _balance_drivers(policy: QuotaPolicy, inputs: ScenarioInputs,
                     years: np.ndarray) -> dict[str, np.ndarray]:
    """Credits, opening and cost per ha of the 占补平衡 accounts, when the link is on.

    Credits are the county's verified projects (:func:`landsim.cultivated.verify_projects`
    with the packaged cultivated-land policy) by credit year, less the county's other
    occupations of cultivated land (``cultivated_occupations``: orchards, afforestation,
    ...) in their year; those before the first simulated year, and the policy's
    carried-in balances, open the first year.
    """
    if not policy.cultivated_balance.enabled:
        return {}
    if inputs.cultivated_projects is None or inputs.parcels is None:
        msg = ("cultivated_balance.enabled needs the county's cultivated_projects.csv (and "
               "parcels). Fix: add the project table (see data/sample_county/README.md) or "
               "switch the balance off")
        raise InputError(msg)
    from landsim.cultivated import (
        ACCOUNTS,
        COUNTY,
        load_cultivated_policy,
        occupied_land_profile,
        price_occupations,
        verify_projects,
    )

    cpol = load_cultivated_policy()
    credits = verify_projects(inputs.cultivated_projects, cpol).credits()
    by_year = credits.groupby("year")[list(ACCOUNTS)].sum()
    profile = occupied_land_profile(inputs.parcels, cpol)
    if inputs.cultivated_occupations is not None and len(inputs.cultivated_occupations):
        # other occupations (orchards, afforestation, ...) are paid before construction
        other = price_occupations(inputs.cultivated_occupations, cpol, profile).rename(
            columns={"area_ha": "quantity_ha"}).groupby("year")[list(ACCOUNTS)].sum()
        by_year = by_year.sub(other, fill_value=0.0)
    first = int(years[0])
    opening = by_year[by_year.index < first].sum().to_numpy(float) + np.array(
        [cpol.balance.opening_quantity_ha, cpol.balance.opening_capacity_kg,
         cpol.balance.opening_paddy_ha])
    per_year = by_year.reindex([int(y) for y in years], fill_value=0.0).to_numpy(float)
    county = profile.loc[COUNTY]
    cost = np.array([1.0, county["capacity_kg_per_ha"], county["paddy_share"]])
    return {"cultivated_credits": per_year, "cultivated_opening": opening,
            "cultivated_cost_per_ha": cost}


def _seat_flags(townships: pd.DataFrame | None, towns: Sequence[str]) -> np.ndarray | None:
    """County-seat flag per township in ``towns`` order (None without a townships table)."""
    if townships is None or "is_county_seat" not in townships.columns:
        return None
    flags = townships.set_index(townships["township"].astype(str))["is_county_seat"]
    return np.array([bool(flags.get(t, False)) for t in towns])


def run_scenarios(scenarios: Iterable[Scenario], inputs: ScenarioInputs, *,
                  policy_path: str | Path | None = None, by: str = "county",
                  with_indicators: bool = False) -> pd.DataFrame:
    """Run several scenarios and stack their annual tables.

    Parameters
    ----------
    scenarios : iterable of Scenario
        Names must be unique.
    inputs : ScenarioInputs
    policy_path : str or Path, optional
    by : {'county', 'township'}
    with_indicators : bool
        Join the indicator columns (county level only).

    Returns
    -------
    pandas.DataFrame
        Index (scenario, year) or (scenario, year, township); columns of
        :func:`~landsim.quota.engine.annual_table`.
    """
    scenarios = list(scenarios)
    if not scenarios:
        msg = "run_scenarios: no scenarios given"
        raise InputError(msg)
    names = [s.name for s in scenarios]
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        msg = f"run_scenarios: scenario names must be unique; repeated: {dups}"
        raise InputError(msg)
    frames = []
    for sc in scenarios:
        run = run_scenario(sc, inputs, policy_path=policy_path, by=by)
        table = run.annual
        if with_indicators:
            if by != "county":
                msg = "run_scenarios: with_indicators needs by='county'"
                raise InputError(msg)
            extra = run.indicators.drop(columns=["cultivated_occupied_ha"]).rename(
                columns={"per_capita_urban_land_m2": "per_capita_urban_land_end_m2"})
            table = table.merge(extra, on="year", how="left")
        frames.append(table.assign(scenario=sc.name))
    out = pd.concat(frames, ignore_index=True)
    index = ["scenario", "year"] + (["township"] if by == "township" else [])
    return out.set_index(index)


def with_registrations(scenario: Scenario, table: pd.DataFrame) -> Scenario:
    """A copy of ``scenario`` whose registrations (落户) are given by ``table``.

    Parameters
    ----------
    scenario : Scenario
    table : pandas.DataFrame
        Columns year, township, registrations [persons] (the registration table of
        :data:`landsim.schema.SCHEMAS`), one row per simulated year and township.

    Returns
    -------
    Scenario
        ``population.settled_migrants`` set from the table (they replace the projection).
    """
    entries = tuple((int(y), str(t), float(n)) for y, t, n in
                    table[["year", "township", "registrations"]].itertuples(index=False))
    return dataclasses.replace(scenario, population=dataclasses.replace(
        scenario.population, settled_migrants=entries))


def adjust_scenario(scenario: Scenario, *, settlement_share: float | None = None,
                    provincial_factor: float | None = None,
                    standard_tier1_m2: float | None = None,
                    standard_tier2_m2: float | None = None,
                    standard_tier3_m2: float | None = None,
                    unsupplied_disposal_rate: float | None = None,
                    idle_disposal_rate: float | None = None,
                    inefficient_redevelopment_rate: float | None = None,
                    stock_link_ratio: float | None = None,
                    reward_penalty: bool | None = None,
                    per_capita_brake: bool | None = None) -> Scenario:
    """A copy of ``scenario`` with the planner's usual levers changed (None: keep).

    Parameters
    ----------
    settlement_share : float
        Share of new urban residents who settle (落户). [fraction]
    provincial_factor : float
        Provincial adjustment of the per-migrant standards, 0.9..1.1. [factor]
    standard_tier1_m2, standard_tier2_m2, standard_tier3_m2 : float
        Standards per settled migrant by tier. [m2/person]
    unsupplied_disposal_rate, idle_disposal_rate, inefficient_redevelopment_rate : float
        Stock disposed per year, share of what remains. [fraction/year]
    stock_link_ratio : float
        New quota per hectare of stock disposed. [ha/ha]
    reward_penalty : bool
        Apply the +10 % / -20 % reward-penalty rule.
    per_capita_brake : bool
        Cut ordinary quota above the per-capita band (ASSUMED rule, off by default).
    """
    policy = {k: dict(v) for k, v in scenario.policy.items()}

    def put(section: str, key: str, value: object) -> None:
        if value is not None:
            policy.setdefault(section, {})[key] = value

    put("population_link", "provincial_factor", provincial_factor)
    put("population_link", "standard_tier1_m2", standard_tier1_m2)
    put("population_link", "standard_tier2_m2", standard_tier2_m2)
    put("population_link", "standard_tier3_m2", standard_tier3_m2)
    put("stock_link", "ratio", stock_link_ratio)
    put("reward_penalty", "enabled", reward_penalty)
    put("per_capita_brake", "enabled", per_capita_brake)
    pop_changes = {} if settlement_share is None else {"settlement_share": settlement_share}
    stock_changes = {k: v for k, v in (
        ("unsupplied_disposal_rate", unsupplied_disposal_rate),
        ("idle_disposal_rate", idle_disposal_rate),
        ("inefficient_redevelopment_rate", inefficient_redevelopment_rate)) if v is not None}
    return dataclasses.replace(
        scenario, policy=policy,
        population=dataclasses.replace(scenario.population, **pop_changes),
        stock=dataclasses.replace(scenario.stock, **stock_changes))


def scenario_summary(results: pd.DataFrame) -> pd.DataFrame:
    """Totals per scenario of a :func:`run_scenarios` table (county level) [ha and mu].

    Columns: first and last year, new construction land [ha and mu]; requested and
    granted quota per source (population link, stock link) and key projects [ha]; settled
    migrants [persons]; the first year each rule cut the ordinary quota (empty: never);
    and the per-capita urban construction land in the last year [m2/person].
    """
    from landsim.quota.views import first_binding_years

    rows = []
    for name, table in results.groupby(level="scenario", sort=False):
        t = table.reset_index()
        total = float(t["new_construction_land_ha"].sum())
        first = first_binding_years(t)
        rows.append({
            "scenario": name,
            "years": f"{int(t['year'].min())}-{int(t['year'].max())}",
            "new_construction_land_ha": total,
            "new_construction_land_mu": ha_to_mu(total),
            "pop_link_requested_ha": float(t["pop_link_requested_ha"].sum()),
            "pop_link_quota_ha": float(t["pop_link_quota_ha"].sum()),
            "stock_link_requested_ha": float(t["stock_link_requested_ha"].sum()),
            "stock_link_quota_ha": float(t["stock_link_quota_ha"].sum()),
            "key_project_quota_ha": float(t["key_project_quota_ha"].sum()),
            "settled_migrants": float(t["settled_migrants"].sum()),
            **{f"first_{cap}": first[cap] for cap in first},
            "per_capita_urban_land_last_m2": float(t["per_capita_urban_land_m2"].iloc[-1]),
        })
    out = pd.DataFrame(rows)
    for cap in [c for c in out.columns if c.startswith("first_")]:
        out[cap] = out[cap].astype("Int64")
    return out
