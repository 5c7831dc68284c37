"""The policy figures that several rule families share, declared once.

A figure used by more than one module (the quota engine, the stock-land engines, the
farmland layout, the monitor, the report) lives here and nowhere else; the other
families take it with :func:`landsim._params.shared` or read :data:`COMMON`. Their
source is ``shared/domain/policy-facts.md`` (section given per field).
``landsim/data/policy/common.toml`` mirrors every field for users (a test keeps them
equal); the monitor's threshold file refers to them as ``"@common.<name>"``.

>>> COMMON.supply_rate_floor, COMMON.supply_rate_window_years
(0.6, 5)
>>> COMMON.udb_expansion_multiple
1.3
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from landsim._params import Params, param

__all__ = ["COMMON", "CommonFigures", "common_figure"]

_F = "shared/domain/policy-facts.md"


@dataclass(frozen=True)
class CommonFigures(Params):
    """Figures shared across rule families.

    Parameters
    ----------
    supply_rate_floor : float
        Minimum average land-supply rate (近5年平均供地率) over the window; below it a county
        gets no ordinary new quota. [fraction]
    supply_rate_window_years : int
        Approval years averaged by the supply rate. [year]
    udb_expansion_multiple : float
        Urban development boundary <= this multiple of the base year's urban construction
        land (城镇建设用地) of the whole county. [factor]
    udb_base_year : int
        Base year of the expansion multiple. [year]
    max_slope_deg : float
        Steepest slope of permanent basic farmland; steeper land is taken out. [degree]
    pbf_compensation_ratio : float
        Newly added PBF >= this multiple of the PBF taken out (新增 >= 调整 x 105 %). [ratio]
    pbf_township_adjust_share : float
        PBF adjusted in a consolidation township is at most this share of its PBF. [fraction]
    flexible_zone_share_max : float
        Flexible development zone <= this share of the concentrated construction zone.
        [fraction]
    per_capita_band_min_m2, per_capita_band_max_m2 : float
        Planned per-capita urban construction land band (GB 50137-2011, climate zones
        I/II). [m2/person]
    elasticity_benchmark : float
        Reasonable urban-land / urban-population growth elasticity. [ratio]
    gdp_land_decline_target : float
        Decline of construction land per unit GDP by the target year. [fraction]
    town_per_capita_band_min_m2, town_per_capita_band_max_m2 : float
        Per-capita construction land band of towns (镇) other than the county seat
        (GB 50188-2007 镇规划标准, four grades spanning this range); the county seat and
        cities take the GB 50137-2011 band above. [m2/person]
    """

    section: ClassVar[str] = "common"

    supply_rate_floor: float = param(
        0.60, "fraction", f"{_F} s.2 (CONFIRMED, 南方日报 2019-01-15)",
        "minimum 5-year average land-supply rate", lo=0, hi=1)
    supply_rate_window_years: int = param(
        5, "year", f"{_F} s.2 (CONFIRMED)", "approval years averaged by the supply rate",
        lo=1, hi=30)
    udb_expansion_multiple: float = param(
        1.3, "factor", f"{_F} s.5 (CONFIRMED, State Council approvals)",
        "UDB <= multiple x base-year urban construction land of the county", lo=1)
    udb_base_year: int = param(
        2020, "year", f"{_F} s.5 (CONFIRMED)", "base year of the UDB expansion multiple",
        lo=1949, hi=2100)
    max_slope_deg: float = param(
        25.0, "degree", f"三区三线划定规则 (自然资办函〔2022〕47号), {_F} s.5 (RECALLED)",
        "steepest slope of permanent basic farmland", lo=0, hi=90)
    pbf_compensation_ratio: float = param(
        1.05, "ratio", f"全域土地综合整治试点 (自然资发〔2019〕194号), {_F} s.6 (CONFIRMED sec.)",
        "newly added PBF >= ratio x PBF taken out", lo=0, hi=10)
    pbf_township_adjust_share: float = param(
        0.05, "fraction", f"全域土地综合整治试点实施要点 (2020), {_F} s.6 (RECALLED)",
        "largest share of a township's PBF adjusted by consolidation", lo=0, hi=1)
    flexible_zone_share_max: float = param(
        0.15, "fraction", f"{_F} s.5 (RECALLED)",
        "flexible development zone <= share of the concentrated zone", lo=0, hi=1)
    per_capita_band_min_m2: float = param(
        65.0, "m2/person", f"GB 50137-2011, {_F} s.10 (CONFIRMED)",
        "lower bound of planned per-capita urban construction land", lo=0)
    per_capita_band_max_m2: float = param(
        115.0, "m2/person", f"GB 50137-2011, {_F} s.10 (CONFIRMED)",
        "upper bound of planned per-capita urban construction land", lo=0)
    elasticity_benchmark: float = param(
        1.12, "ratio", f"熊柴、蔡继明 2014, {_F} s.10 (CONFIRMED)",
        "reasonable urban-land / urban-population growth elasticity", lo=0)
    gdp_land_decline_target: float = param(
        0.40, "fraction", f"State Council approvals, {_F} s.5 (CONFIRMED)",
        "decline of construction land per unit GDP by the target year", lo=0, hi=1)
    town_per_capita_band_min_m2: float = param(
        60.0, "m2/person", f"GB 50188-2007, {_F} s.10 (CONFIRMED)",
        "lower bound of per-capita construction land of towns other than the county seat",
        lo=0)
    town_per_capita_band_max_m2: float = param(
        140.0, "m2/person", f"GB 50188-2007, {_F} s.10 (CONFIRMED)",
        "upper bound of per-capita construction land of towns other than the county seat",
        lo=0)


COMMON = CommonFigures()
"""The shared figures at their declared defaults."""


def common_figure(name: str) -> Any:
    """Value of shared figure ``name`` (used by files that refer to ``@common.<name>``)."""
    from landsim._params import closest_key
    from landsim.errors import InputError

    if name not in CommonFigures.field_names():
        msg = f"unknown common figure {name!r}; {closest_key(name, CommonFigures.field_names())}"
        raise InputError(msg)
    return getattr(COMMON, name)
