"""Parameters of new cultivated-land verification and the 占补平衡 accounts.

Three groups, each a frozen :class:`~landsim._params.Params` dataclass whose fields carry
value, unit, source and range:

- :class:`StandardYield` - grain productive capacity per hectare by quality grade
  (GB/T 33469-2016 grades 1..10, 1 best); the figures are ASSUMED (no national table was
  found, ``shared/domain/policy-facts.md`` s.8) and meant to be replaced by the
  province's standard yields;
- :class:`AcceptanceRules` - the configurable checks a project must pass before its new
  land is credited (slope, soil depth, irrigation of new paddy, worst grade, road access,
  acceptance status, quantity/paddy/capacity not falling);
- :class:`BalanceRules` - how the accounts are kept (以补定占, the pooling level, opening
  balances, what occupied land costs when an occupation does not say).

:class:`CultivatedPolicy` bundles them; the packaged ``landsim/data/policy/cultivated.toml``
repeats every default with its unit and source (a test keeps the two equal) and
:func:`load_cultivated_policy` reads it with overrides:

>>> policy = load_cultivated_policy(acceptance__min_soil_depth_cm=40)
>>> policy.acceptance.min_soil_depth_cm, policy.yields.kg_per_ha(3)
(40.0, 10500.0)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from landsim._params import Params, build_sections, load_policy_file, param, shared
from landsim.errors import InputError
from landsim.policy import CommonFigures

__all__ = [
    "AcceptanceRules",
    "BalanceRules",
    "CultivatedPolicy",
    "StandardYield",
    "load_cultivated_policy",
    "cultivated_parameter_table",
]

_F = "shared/domain/policy-facts.md"
_Y = (f"ASSUMED: standard yields per grade NOT FOUND ({_F} s.8); a linear scale from "
      "12,000 kg/ha (grade 1) down by 750 kg/ha per grade; replace by the province's table")


@dataclass(frozen=True)
class StandardYield(Params):
    """Standard grain yield per hectare by cultivated-land quality grade (1 best .. 10).

    Grain productive capacity of a parcel = area x standard yield of its grade. Yields
    must not rise as the grade gets worse.

    Parameters
    ----------
    grade_1_kg_per_ha .. grade_10_kg_per_ha : float
        Standard annual grain yield of land of that grade. [kg/ha]
    """

    section: ClassVar[str] = "standard_yield"

    grade_1_kg_per_ha: float = param(12000.0, "kg/ha", _Y, "standard yield of grade 1", lo=0)
    grade_2_kg_per_ha: float = param(11250.0, "kg/ha", _Y, "standard yield of grade 2", lo=0)
    grade_3_kg_per_ha: float = param(10500.0, "kg/ha", _Y, "standard yield of grade 3", lo=0)
    grade_4_kg_per_ha: float = param(9750.0, "kg/ha", _Y, "standard yield of grade 4", lo=0)
    grade_5_kg_per_ha: float = param(9000.0, "kg/ha", _Y, "standard yield of grade 5", lo=0)
    grade_6_kg_per_ha: float = param(8250.0, "kg/ha", _Y, "standard yield of grade 6", lo=0)
    grade_7_kg_per_ha: float = param(7500.0, "kg/ha", _Y, "standard yield of grade 7", lo=0)
    grade_8_kg_per_ha: float = param(6750.0, "kg/ha", _Y, "standard yield of grade 8", lo=0)
    grade_9_kg_per_ha: float = param(6000.0, "kg/ha", _Y, "standard yield of grade 9", lo=0)
    grade_10_kg_per_ha: float = param(5250.0, "kg/ha", _Y, "standard yield of grade 10", lo=0)

    def _check(self) -> None:
        values = self.table_kg_per_ha()
        worse = [g for g in range(1, 10) if values[g] > values[g - 1]]
        if worse:
            g = worse[0] + 1
            msg = (f"standard_yield.grade_{g}_kg_per_ha = {values[g - 1]:g} [kg/ha] is above "
                   f"grade_{g - 1}_kg_per_ha = {values[g - 2]:g}: a worse grade cannot yield "
                   "more. Fix: make the yields fall (or stay) from grade 1 to grade 10")
            raise InputError(msg)

    def table_kg_per_ha(self) -> np.ndarray:
        """Yields of grades 1..10 as an array (index 0 is grade 1). [kg/ha]"""
        return np.array([getattr(self, f"grade_{g}_kg_per_ha") for g in range(1, 11)])

    def kg_per_ha(self, grade: Any) -> Any:
        """Standard yield of ``grade`` (scalar or array of whole grades 1..10). [kg/ha]

        >>> StandardYield().kg_per_ha([1, 10]).tolist()
        [12000.0, 5250.0]
        """
        g = np.asarray(grade, dtype=float)
        if np.isnan(g).any() or (g < 1).any() or (g > 10).any() or (g % 1 != 0).any():
            msg = f"quality grade must be a whole number 1..10, got {grade!r}"
            raise InputError(msg)
        out = self.table_kg_per_ha()[g.astype(int) - 1]
        return float(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class AcceptanceRules(Params):
    """Checks a land consolidation, reclamation or development project must pass.

    A project that fails any switched-on rule is not credited; the failure lists the rule,
    the project's value and the limit.

    Parameters
    ----------
    require_accepted : bool
        Only projects with acceptance status ``accepted`` (验收合格), or ``planned`` when
        ``credit_planned``, are credited; ``pending`` and ``rejected`` are not.
    credit_planned : bool
        Planned projects are credited (as a forecast) in their completion year.
    max_slope_deg : float
        Steepest slope of newly added cultivated land (no reclamation above 25°). [degree]
    min_soil_depth_cm : float
        Shallowest effective soil layer of the new land. [cm]
    paddy_requires_irrigation : bool
        New paddy (水田) is credited only with irrigation.
    max_grade : int
        Worst quality grade of the land after the project (1 best .. 10). [grade]
    require_road_access : bool
        The new land must be connected to a field road.
    no_loss : bool
        Cultivated area, paddy area and grain capacity must not fall through the project.
    """

    section: ClassVar[str] = "acceptance"

    require_accepted: bool = param(
        True, "", f"{_F} s.8 (replenished land enters the database after acceptance)",
        "credit only accepted (or planned, see credit_planned) projects")
    credit_planned: bool = param(
        True, "", "modelling choice: a forecast of the accounts needs planned projects",
        "credit planned projects in their completion year")
    max_slope_deg: float = shared(CommonFigures, "max_slope_deg",
                                  "steepest slope of newly added cultivated land")
    min_soil_depth_cm: float = param(
        50.0, "cm", f"ASSUMED: effective soil depth limit NOT FOUND ({_F} s.8); a common "
        "land-consolidation design figure", "shallowest effective soil layer of new land",
        lo=0, hi=500)
    paddy_requires_irrigation: bool = param(
        True, "", f"{_F} s.8 (占水田补水田 RECALLED)", "new paddy needs irrigation")
    max_grade: int = param(
        8, "grade", f"ASSUMED: minimum quality of new land NOT FOUND ({_F} s.8)",
        "worst quality grade of land after the project (1 best .. 10)", lo=1, hi=10)
    require_road_access: bool = param(
        True, "", "ASSUMED: field roads are part of land consolidation works",
        "new land must be connected to a field road")
    no_loss: bool = param(
        True, "", f"{_F} s.8 (quantity and quality must not fall)",
        "cultivated area, paddy area and grain capacity must not fall")


@dataclass(frozen=True)
class BalanceRules(Params):
    """How the three indicator accounts (quantity, grain capacity, paddy) are kept.

    Parameters
    ----------
    enabled : bool
        以补定占: an occupation is approved only when every account covers it; otherwise it
        waits in the queue. When false every occupation is approved and accounts may go
        negative (a bookkeeping view).
    level : str
        ``'county'``: the county's accounts pay any township's occupation (the township's
        own account first, then the others by largest balance); ``'township'``: each
        township pays only its own occupation.
    refuse_after_years : int
        An occupation still queued after this many years is refused (0: it waits for
        ever). [year]
    opening_quantity_ha, opening_capacity_kg, opening_paddy_ha : float
        County balance carried in before the first project year (spread over townships
        by nothing: it is kept on the county row). [ha], [kg], [ha]
    default_grade : int
        Quality grade of occupied cultivated land when neither the occupation nor the
        parcels say. [grade]
    default_paddy_share : float
        Paddy share of occupied cultivated land when neither says. [fraction]
    """

    section: ClassVar[str] = "balance"

    enabled: bool = param(True, "", f"{_F} s.8 (以补定占, 2024 reform, CONFIRMED)",
                          "approve an occupation only when every account covers it")
    level: str = param("county", "", f"{_F} s.8 (county accounts within the provincial "
                       "balance)", "'county' pools the townships; 'township' does not",
                       choices=("county", "township"))
    refuse_after_years: int = param(0, "year", "ASSUMED: no time limit found",
                                    "refuse an occupation queued this long (0: never)",
                                    lo=0, hi=100)
    opening_quantity_ha: float = param(0.0, "ha", "county data (none in the sample)",
                                       "quantity balance carried in", lo=0)
    opening_capacity_kg: float = param(0.0, "kg", "county data (none in the sample)",
                                       "grain-capacity balance carried in", lo=0)
    opening_paddy_ha: float = param(0.0, "ha", "county data (none in the sample)",
                                    "paddy balance carried in", lo=0)
    default_grade: int = param(6, "grade", "ASSUMED: mid grade of the county's dry land",
                               "grade of occupied land when not given", lo=1, hi=10)
    default_paddy_share: float = param(0.0, "fraction", "ASSUMED: Pianguan has no paddy",
                                       "paddy share of occupied land when not given",
                                       lo=0, hi=1)


_SECTIONS: dict[str, type[Params]] = {
    "standard_yield": StandardYield,
    "acceptance": AcceptanceRules,
    "balance": BalanceRules,
}


@dataclass(frozen=True)
class CultivatedPolicy:
    """All parameters of verification and the accounts, one group per rule."""

    yields: StandardYield = field(default_factory=StandardYield)
    acceptance: AcceptanceRules = field(default_factory=AcceptanceRules)
    balance: BalanceRules = field(default_factory=BalanceRules)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Plain nested dict ``{section: {field: value}}``."""
        return {sec: dataclasses.asdict(self._group(sec)) for sec in _SECTIONS}

    def _group(self, section: str) -> Params:
        return {"standard_yield": self.yields, "acceptance": self.acceptance,
                "balance": self.balance}[section]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, base: CultivatedPolicy | None = None,
                  origin: str = "policy") -> CultivatedPolicy:
        """Build from ``{section: {field: value}}`` starting from ``base`` (checked)."""
        base = cls() if base is None else base
        groups = {sec: base._group(sec) for sec in _SECTIONS}
        out = build_sections(_SECTIONS, data, groups, origin)
        return cls(yields=out["standard_yield"], acceptance=out["acceptance"],  # type: ignore[arg-type]
                   balance=out["balance"])  # type: ignore[arg-type]


def cultivated_parameter_table() -> list[dict[str, Any]]:
    """One row per parameter: section, name, default, unit, source, description, range."""
    return [row for cls in _SECTIONS.values() for row in cls.table()]


def load_cultivated_policy(path: str | Path | None = None, **overrides: Any) -> CultivatedPolicy:
    """Read the cultivated-land policy TOML (default the packaged one) and apply overrides.

    ``overrides`` are ``section={"field": value}`` or ``section__field=value``; every
    error names the file, the key, the value and the allowed range.
    """
    return load_policy_file(CultivatedPolicy, "cultivated", path, overrides,
                            what="cultivated-land policy file", sections=list(_SECTIONS),
                            example="acceptance={'min_soil_depth_cm': 40}")
