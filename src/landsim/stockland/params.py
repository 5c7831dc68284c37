"""Stock-land governance parameters: frozen dataclasses, each field with unit and source.

One group per rule family:

- :class:`IdleRules` - 闲置土地处置办法 (Order No. 53 of 2012);
- :class:`UnsuppliedRules` - 批而未供 supply-rate floor and window;
- :class:`PerformanceRules` - 亩均效益 weights and A/B/C/D class thresholds;
- :class:`InefficientStandard` - the county's own (因地制宜) standard for 低效 land;
- :class:`ContractRules` - 工业项目建设用地控制指标 and the 双合同 supervision checks.

:class:`StockPolicy` bundles them with the industry minimum plot ratios of the 2008 control
indicators. the packaged ``landsim/data/policy/stockland.toml`` repeats every default with unit and source; a
default marked ASSUMED has no national figure behind it (see
``shared/domain/policy-facts.md``) and should be set per county.

>>> policy = load_stock_policy(idle={"fee_rate": 0.2}, performance__class_a_min=130)
>>> policy.performance.class_a_min
130.0
>>> policy.min_plot_ratio(26)
0.6
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from landsim._params import Params, build_sections, load_policy_file, param, shared
from landsim.errors import InputError
from landsim.policy import CommonFigures
from landsim.schema import STOCK_PLOTS

__all__ = [
    "INDUSTRY_MIN_PLOT_RATIO",
    "ContractRules",
    "IdleRules",
    "InefficientStandard",
    "PerformanceRules",
    "StockPolicy",
    "UnsuppliedRules",
    "load_stock_policy",
    "stock_parameter_table",
]


_F = "shared/domain/policy-facts.md"

LAND_USES: tuple[str, ...] = STOCK_PLOTS.column("land_use").choices or ()
"""Land uses of stock plots (schema ``stock_plots``); contracts are industrial."""

INDUSTRY_MIN_PLOT_RATIO: dict[int, float] = {
    **dict.fromkeys((13, 14, 15, 16, 18, 19, 24, 30), 1.0),
    **dict.fromkeys((17, 20, 21, 22, 23, 28, 29), 0.8),
    **dict.fromkeys((27, 31), 0.7),
    **dict.fromkeys((26, 32, 33), 0.6),
    25: 0.5,
}
"""Minimum plot ratio by 2-digit industry code, Table 2 of the 2008 control indicators
(国土资发〔2008〕24号), CONFIRMED in policy-facts s.4. Codes 34-43 (RECALLED 0.7-1.0) are
not listed: give them in the ``[industry_plot_ratio]`` section when the county has them."""


@dataclass(frozen=True)
class IdleRules(Params):
    """Idle land (闲置土地), Order No. 53 of 2012.

    Land is idle when (a) development has not started ``start_after_years`` after the
    agreed start date, or (b) development started, the developed share is below
    ``developed_share_min`` or the invested share below ``invested_share_min``, and an
    unapproved suspension has lasted ``suspension_years``. Anniversaries count in calendar
    years and the anniversary day itself counts ("满一年"): a plot whose agreed start is
    2021-12-31 is idle on 2022-12-31, not on 2022-12-30. Shares exactly at a threshold are
    not "below" it.
    """

    section: ClassVar[str] = "idle"

    start_after_years: int = param(1, "year", f"Order No. 53 art. 2, {_F} s.3 (CONFIRMED sec.)",
                                "no start this long after the agreed start makes land idle",
                                lo=0, hi=10)
    developed_share_min: float = param(1 / 3, "fraction", f"Order No. 53 art. 2, {_F} s.3",
                                    "developed area share below this (with a suspension) "
                                    "makes land idle", lo=0, hi=1)
    invested_share_min: float = param(0.25, "fraction", f"Order No. 53 art. 2, {_F} s.3",
                                   "invested share below this (with a suspension) makes land "
                                   "idle", lo=0, hi=1)
    suspension_years: int = param(1, "year", f"Order No. 53 art. 2, {_F} s.3",
                               "length of an unapproved suspension that makes land idle",
                               lo=0, hi=10)
    fee_rate: float = param(0.2, "fraction", f"Order No. 53 art. 14, {_F} s.3 (CONFIRMED sec.)",
                         "idle-land fee as a share of the land transfer price", lo=0, hi=1)
    fee_after_years: int = param(1, "year", f"Order No. 53 art. 14, {_F} s.3",
                              "delay after which the idle-land fee is due", lo=0, hi=10)
    recovery_after_years: int = param(2, "year", f"Order No. 53 art. 14, {_F} s.3",
                                   "delay after which the land may be recovered unpaid",
                                   lo=0, hi=10)
    extension_max_years: int = param(1, "year", f"Order No. 53 art. 12 (RECALLED), {_F} s.3",
                                  "longest start extension for government-caused idle land",
                                  lo=0, hi=5)
    temporary_use_max_years: int = param(2, "year", f"Order No. 53 art. 12 (RECALLED), {_F} s.3",
                                      "longest temporary use arranged by the government",
                                      lo=0, hi=5)
    compensation_price_factor: float = param(
        1.0, "factor", "ASSUMED (county plan 四(三) asks for a compensated-recovery method; "
        "no national figure)", "compensation per 万元 of land price paid", lo=0)
    compensation_investment_factor: float = param(
        1.0, "factor", "ASSUMED (book value of the investment made)",
        "compensation per 万元 of investment made", lo=0)
    missing_cause: str = param("enterprise", "", "Order No. 53 art. 8: government cause must be "
                            "shown; ASSUMED enterprise when not recorded",
                            "cause used where idle_cause is empty")

    def _check(self) -> None:
        if self.missing_cause not in ("enterprise", "government"):
            msg = (f"IdleRules.missing_cause = {self.missing_cause!r}; allowed 'enterprise' "
                   "or 'government'")
            raise InputError(msg)
        if self.recovery_after_years < self.fee_after_years:
            msg = (f"IdleRules years out of order: recovery_after_years = "
                   f"{self.recovery_after_years} must be >= fee_after_years = "
                   f"{self.fee_after_years} [year]")
            raise InputError(msg)


@dataclass(frozen=True)
class UnsuppliedRules(Params):
    """Approved-but-unsupplied land (批而未供): the five-year supply-rate floor."""

    section: ClassVar[str] = "unsupplied"

    supply_rate_floor: float = shared(CommonFigures, "supply_rate_floor")
    window_years: int = shared(CommonFigures, "supply_rate_window_years")


@dataclass(frozen=True)
class PerformanceRules(Params):
    """Per-mu performance (亩均效益) evaluation.

    Each indicator is divided by its county benchmark (the pooled county value, e.g. total
    tax / total mu), capped at ``score_cap``; the score is ``100 x`` the weighted mean of
    these ratios, so a unit exactly at every benchmark scores 100. Classes: A if score >=
    ``class_a_min``, B if >= ``class_b_min``, C if >= ``class_c_min``, else D. Weights and
    thresholds are ASSUMED: Zhejiang's 亩均论英雄 uses A/B/C/D classes but its figures were
    NOT FOUND (policy-facts s.9).

    Only units whose land use is in ``evaluated_uses`` are scored (default industrial
    only); the others keep their indicators but get no score and the class
    ``not_evaluated``, so public-service land (公共管理与公共服务) is never classed by the 亩均
    score unless it is named there. With ``benchmark_by_use`` each land use is benchmarked
    against its own pooled values (industrial against industrial); without it all
    evaluated uses share one pooled benchmark.
    """

    section: ClassVar[str] = "performance"

    weight_tax: float = param(0.35, "weight", f"ASSUMED ({_F} s.9: weights NOT FOUND)",
                           "weight of tax per mu", lo=0)
    weight_value_added: float = param(0.2, "weight", "ASSUMED", "weight of value added per mu",
                                   lo=0)
    weight_output: float = param(0.15, "weight", "ASSUMED", "weight of output per mu", lo=0)
    weight_investment: float = param(0.1, "weight", "ASSUMED",
                                  "weight of investment intensity", lo=0)
    weight_plot_ratio: float = param(0.1, "weight", "ASSUMED", "weight of plot ratio", lo=0)
    weight_building_coefficient: float = param(0.1, "weight", "ASSUMED",
                                            "weight of building coefficient", lo=0)
    score_cap: float = param(2.0, "ratio", "ASSUMED (one outstanding indicator cannot carry a "
                          "unit)", "cap on each indicator / benchmark ratio", lo=1)
    class_a_min: float = param(120.0, "score", "ASSUMED", "lowest score of class A", lo=0)
    class_b_min: float = param(90.0, "score", "ASSUMED", "lowest score of class B", lo=0)
    class_c_min: float = param(60.0, "score", "ASSUMED", "lowest score of class C", lo=0)
    evaluated_uses: str = param(
        "industrial", "", f"ASSUMED: the 亩均 criteria of {_F} s.9 are for industrial land "
        "(output, tax and plot ratio of enterprises); other uses have no comparable output or "
        "tax and public-service land is not meant to earn any",
        "land uses scored by the 亩均 evaluation, comma-separated (industrial, residential, "
        "commercial, public, infrastructure) or 'all'")
    benchmark_by_use: bool = param(
        True, "", "ASSUMED: a unit is compared with units of the same land use, so commercial "
        "tax per mu does not set the industrial bar", "benchmark each land use against its "
        "own pooled values (False: one benchmark for all evaluated uses)")

    def weights(self) -> dict[str, float]:
        """Indicator name -> weight (indicator names as in the evaluation table)."""
        return {"tax_per_mu_wan_yuan": self.weight_tax,
                "value_added_per_mu_wan_yuan": self.weight_value_added,
                "output_per_mu_wan_yuan": self.weight_output,
                "investment_intensity_wan_yuan_per_ha": self.weight_investment,
                "plot_ratio": self.weight_plot_ratio,
                "building_coefficient": self.weight_building_coefficient}

    def uses(self) -> frozenset[str]:
        """The land uses scored, from ``evaluated_uses``.

        >>> sorted(PerformanceRules(evaluated_uses="industrial, commercial").uses())
        ['commercial', 'industrial']
        """
        names = {u.strip() for u in self.evaluated_uses.replace(";", ",").split(",")}
        names.discard("")
        return frozenset(LAND_USES) if names == {"all"} else frozenset(names)

    def _check(self) -> None:
        bad = sorted(self.uses() - set(LAND_USES))
        if bad or not self.uses():
            msg = (f"PerformanceRules.evaluated_uses = {self.evaluated_uses!r}: unknown land "
                   f"use {', '.join(map(repr, bad)) or '(none given)'}; give names from "
                   f"{', '.join(LAND_USES)} separated by commas, or 'all'")
            raise InputError(msg)
        if sum(self.weights().values()) <= 0:
            msg = "PerformanceRules weights are all 0; give at least one positive weight"
            raise InputError(msg)
        if not self.class_a_min > self.class_b_min > self.class_c_min:
            msg = (f"PerformanceRules class thresholds out of order: need class_a_min "
                   f"({self.class_a_min:g}) > class_b_min ({self.class_b_min:g}) > "
                   f"class_c_min ({self.class_c_min:g}) [score]")
            raise InputError(msg)


@dataclass(frozen=True)
class InefficientStandard(Params):
    """The county's standard for inefficient land (城镇低效用地认定标准, 因地制宜).

    A unit is inefficient when any enabled criterion holds: its performance class is in
    ``classes``; tax per mu below ``tax_per_mu_min`` (0 switches it off); plot ratio below
    ``plot_ratio_min`` (0 off) or, for industrial land with ``use_industry_plot_ratio``,
    below its industry minimum; building coefficient of industrial land below
    ``building_coefficient_min`` (0 off).
    """

    section: ClassVar[str] = "inefficient"

    classes: str = param("D", "", "ASSUMED (county plan 四(二): the county sets its standard)",
                      "performance classes counted as inefficient, e.g. 'D' or 'CD'")
    tax_per_mu_min: float = param(0.0, "万元/亩", "ASSUMED off (NOT FOUND, set per county)",
                               "tax per mu below which land is inefficient", lo=0)
    plot_ratio_min: float = param(0.0, "ratio", "ASSUMED off (NOT FOUND, set per county)",
                               "plot ratio below which land is inefficient", lo=0)
    use_industry_plot_ratio: bool = param(False, "", f"ASSUMED off: the 2008 minima ({_F} s.4) "
                                       "bind new projects; a county may adopt them",
                                       "industrial land below its industry minimum plot "
                                       "ratio is inefficient")
    building_coefficient_min: float = param(0.0, "fraction", f"ASSUMED off: 0.3 binds new "
                                         f"projects ({_F} s.4); a county may adopt it",
                                         "industrial building coefficient below which land "
                                         "is inefficient", lo=0, hi=1)

    def _check(self) -> None:
        bad = sorted(set(self.classes) - set("ABCD"))
        if bad or not self.classes:
            msg = (f"InefficientStandard.classes = {self.classes!r}; give letters from "
                   "'ABCD', e.g. 'D' or 'CD'")
            raise InputError(msg)


@dataclass(frozen=True)
class ContractRules(Params):
    """Control indicators checked on industrial contracts (双合同 supervision).

    Admin/living facilities: their land stays within ``admin_share_max`` of the land area
    on every contract (2004/2008 control indicators); on densified stock industrial land
    county plan 三(六) also allows their floor area up to ``admin_floor_share_max_densified``
    of the total floor area, checked where the contract gives that floor area.
    """

    section: ClassVar[str] = "contracts"

    building_coefficient_min: float = param(0.3, "fraction", f"2004/2008 control indicators, "
                                         f"{_F} s.4 (CONFIRMED)", "minimum building "
                                         "coefficient", lo=0, hi=1)
    admin_share_max: float = param(0.07, "fraction", f"2004/2008 control indicators, {_F} s.4 "
                                "(CONFIRMED)", "maximum admin/living facilities share of "
                                "the land area", lo=0, hi=1)
    admin_floor_share_max_densified: float = param(
        0.15, "fraction", f"ASSUMED: county plan 三(六) allows a higher floor-area share on "
        f"densified stock industrial land without a figure; provincial figure NOT FOUND ({_F} "
        "s.4, ~0.15 RECALLED in eastern provinces): set per county",
        "maximum admin/living facilities share of the floor area on densified stock "
        "industrial land (the 7 % land-area limit still holds)", lo=0, hi=1)
    green_ratio_max: float = param(0.2, "fraction", f"2008 control indicators, {_F} s.4 "
                                "(CONFIRMED sec.)", "maximum green ratio", lo=0, hi=1)
    investment_intensity_min_wan_yuan_per_ha: float = param(
        0.0, "万元/ha", f"NOT FOUND ({_F} s.4: values by city grade); 0 = only the agreed "
        "intensity is checked", "national/provincial minimum investment intensity", lo=0)
    use_industry_plot_ratio: bool = param(True, "", f"2008 control indicators Table 2, {_F} s.4",
                                       "check the industry minimum plot ratio too")
    start_grace_days: int = param(0, "day", "ASSUMED (no grace)", "days a start may be late "
                               "without a breach", lo=0)
    completion_grace_days: int = param(0, "day", "ASSUMED (no grace)", "days a completion may "
                                    "be late without a breach", lo=0)

    def _check(self) -> None:
        if self.admin_floor_share_max_densified < self.admin_share_max:
            msg = (f"ContractRules.admin_floor_share_max_densified = "
                   f"{self.admin_floor_share_max_densified:g} is below admin_share_max = "
                   f"{self.admin_share_max:g} [fraction]; county plan 三(六) may only raise "
                   "the share")
            raise InputError(msg)


_SECTIONS: dict[str, type[Params]] = {
    "idle": IdleRules,
    "unsupplied": UnsuppliedRules,
    "performance": PerformanceRules,
    "inefficient": InefficientStandard,
    "contracts": ContractRules,
}
_TABLES = ("industry_plot_ratio",)


def _check_plot_ratios(table: Mapping[Any, Any], origin: str) -> dict[int, float]:
    out: dict[int, float] = {}
    for code, value in table.items():
        try:
            key = int(code)
        except (TypeError, ValueError):
            key = -1
        if not 6 <= key <= 46 or str(code).strip() != str(key):
            msg = (f"{origin}: industry_plot_ratio key {code!r} is not a 2-digit industry "
                   "code (6..46)")
            raise InputError(msg)
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value) \
                or value < 0:
            msg = (f"{origin}: industry_plot_ratio.{code} = {value!r}; give a plot ratio >= 0 "
                   "[ratio]")
            raise InputError(msg)
        out[key] = float(value)
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class StockPolicy:
    """All stock-land governance parameters."""

    idle: IdleRules = field(default_factory=IdleRules)
    unsupplied: UnsuppliedRules = field(default_factory=UnsuppliedRules)
    performance: PerformanceRules = field(default_factory=PerformanceRules)
    inefficient: InefficientStandard = field(default_factory=InefficientStandard)
    contracts: ContractRules = field(default_factory=ContractRules)
    industry_plot_ratio: tuple[tuple[int, float], ...] = tuple(INDUSTRY_MIN_PLOT_RATIO.items())
    """(industry code, minimum plot ratio) pairs. [ratio]"""

    def __post_init__(self) -> None:
        for name, cls in _SECTIONS.items():
            if not isinstance(getattr(self, name), cls):
                msg = f"StockPolicy.{name} must be a {cls.__name__}"
                raise InputError(msg)
        table = _check_plot_ratios(dict(self.industry_plot_ratio), "StockPolicy")
        object.__setattr__(self, "industry_plot_ratio", tuple(table.items()))

    def min_plot_ratio(self, industry_code: int) -> float | None:
        """Minimum plot ratio of an industry, None when the table has no figure. [ratio]"""
        return dict(self.industry_plot_ratio).get(int(industry_code))

    def to_dict(self) -> dict[str, Any]:
        """Plain nested dict ``{section: {field: value}}``."""
        out: dict[str, Any] = {n: dataclasses.asdict(getattr(self, n)) for n in _SECTIONS}
        out["industry_plot_ratio"] = {str(k): v for k, v in self.industry_plot_ratio}
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, base: StockPolicy | None = None,
                  origin: str = "stock policy") -> StockPolicy:
        """Build from ``{section: {field: value}}`` on top of ``base``.

        Unknown sections or keys raise :class:`~landsim.errors.InputError` naming the file,
        the key and the closest valid key. ``industry_plot_ratio`` entries are merged into
        the table.
        """
        base = cls() if base is None else base
        data = dict(data)
        table = data.pop("industry_plot_ratio", None)
        groups = {name: getattr(base, name) for name in _SECTIONS}
        sections: dict[str, Any] = build_sections(
            {**_SECTIONS}, data, groups, origin) if data else groups
        if table is not None:
            if not isinstance(table, Mapping):
                msg = (f"{origin}: section 'industry_plot_ratio' must be a table of "
                       "code = ratio")
                raise InputError(msg)
            merged = dict(base.industry_plot_ratio)
            merged.update(_check_plot_ratios(table, origin))
            sections["industry_plot_ratio"] = tuple(sorted(merged.items()))
        return dataclasses.replace(base, **sections)


def stock_parameter_table() -> list[dict[str, Any]]:
    """One row per parameter: section, name, default, unit, source, description, range."""
    return [row for cls in _SECTIONS.values() for row in cls.table()]


def load_stock_policy(path: str | Path | None = None, **overrides: Any) -> StockPolicy:
    """Load stock-land parameters from TOML and apply overrides.

    Parameters
    ----------
    path : str or Path, optional
        TOML file with entries ``key = { value = ..., unit = ..., source = ... }`` or plain
        ``key = value``; sections it leaves out keep their defaults. Default: the packaged
        ``landsim/data/policy/stockland.toml``.
    **overrides
        ``section={"field": value}`` or ``section__field=value``.

    Raises
    ------
    InputError
        Unknown section or key (naming the closest valid key), a wrong type or a value out
        of range; the message names the file.
    """
    return load_policy_file(StockPolicy, "stockland", path, overrides,
                            what="stock policy file", sections=[*_SECTIONS, *_TABLES],
                            example="idle={'fee_rate': 0.2}")
