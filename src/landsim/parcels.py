"""Pure summaries of a parcels table (design 5.1): land classes, PBF, eligibility.

Areas are hectares; the planner-facing tables add mu (亩) beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pandas as pd

from landsim._params import Params, param, shared
from landsim.policy import CommonFigures
from landsim.schema import CULTIVATED_CLASSES
from landsim.units import ha_to_mu

__all__ = [
    "LAND_CLASS_NAMES",
    "EligibilityRules",
    "county_summary",
    "is_cultivated",
    "land_class_table",
    "pbf_eligible",
    "select_township",
    "summary_table",
    "township_table",
    "township_view",
]

LAND_CLASS_NAMES: dict[str, str] = {
    "0101": "水田 paddy",
    "0102": "水浇地 irrigated",
    "0103": "旱地 dry land",
    "0301": "乔木林地 forest",
    "0305": "灌木林地 shrubland",
    "0404": "其他草地 other grassland",
    "0601": "工业用地 industrial",
    "0701": "城镇住宅用地 urban housing",
    "0702": "农村宅基地 rural homestead",
    "0810": "公园与绿地 park and green space",
    "1006": "农村道路 rural road",
    "1101": "河流水面 river",
}
"""Names of the Third National Land Survey (三调) codes used by the sample county;
other codes pass through with their code as name."""


_RULES = "三区三线划定规则 (自然资办函〔2022〕47号), shared/domain/policy-facts.md s.5"


@dataclass(frozen=True)
class EligibilityRules(Params):
    """Which cultivated parcels may be permanent basic farmland (design 5.2).

    Parameters
    ----------
    max_slope_deg
        Steepest slope allowed (the shared figure
        :attr:`landsim.policy.CommonFigures.max_slope_deg`). [degree]
    exclude_eco_redline, exclude_udb, require_stable
        Take parcels inside the ecological red line / the urban development boundary, and
        unstable cultivated land, out of PBF [bool]. Same source.
    """

    section: ClassVar[str] = "eligibility"

    max_slope_deg: float = shared(CommonFigures, "max_slope_deg")
    exclude_eco_redline: bool = param(True, "", f"{_RULES}", "red-line parcels are not PBF")
    exclude_udb: bool = param(True, "", f"{_RULES}", "parcels inside the UDB are not PBF")
    require_stable: bool = param(True, "", f"{_RULES}", "only stable cultivated land is PBF")


def is_cultivated(parcels: pd.DataFrame) -> pd.Series:
    """True for 三调 cultivated classes 0101/0102/0103."""
    return parcels["land_class"].isin(CULTIVATED_CLASSES)


def pbf_eligible(parcels: pd.DataFrame, rules: EligibilityRules | None = None) -> pd.Series:
    """True where a parcel may be permanent basic farmland under ``rules``.

    The criteria are those of :func:`landsim.farmland.rules.eligibility` (the one rule); ``rules`` can
    switch the red-line, UDB and stability criteria off for what-if summaries.
    """
    from landsim.farmland.rules import FarmlandRules, eligibility

    rules = rules or EligibilityRules()
    table = eligibility(parcels, FarmlandRules(max_slope_deg=rules.max_slope_deg))
    ok = table["cultivated"] & table["slope_ok"]
    if rules.exclude_eco_redline:
        ok &= table["outside_redline"]
    if rules.exclude_udb:
        ok &= table["outside_udb"]
    if rules.require_stable:
        ok &= table["stable"]
    return ok


def _with_mu(frame: pd.DataFrame) -> pd.DataFrame:
    for col in [c for c in frame.columns if c.endswith("_ha")]:
        frame.insert(frame.columns.get_loc(col) + 1, col[:-3] + "_mu", ha_to_mu(frame[col]))
    return frame


def land_class_table(parcels: pd.DataFrame) -> pd.DataFrame:
    """Parcels and area per land class, with mu and share of the county area [%]."""
    grouped = parcels.groupby("land_class", sort=True)["area_ha"].agg(["count", "sum"])
    table = pd.DataFrame({
        "land_class": grouped.index,
        "name": [LAND_CLASS_NAMES.get(c, c) for c in grouped.index],
        "parcels": grouped["count"].to_numpy(),
        "area_ha": grouped["sum"].to_numpy(),
    })
    table["share_pct"] = 100 * table["area_ha"] / table["area_ha"].sum()
    return _with_mu(table).reset_index(drop=True)


def township_table(parcels: pd.DataFrame, rules: EligibilityRules | None = None
                   ) -> pd.DataFrame:
    """Per township: total, cultivated, PBF and PBF-eligible area [ha and mu]."""
    cult = is_cultivated(parcels)
    frame = pd.DataFrame({
        "township": parcels["township"],
        "area_ha": parcels["area_ha"],
        "cultivated_ha": parcels["area_ha"].where(cult, 0.0),
        "pbf_ha": parcels["area_ha"].where(parcels["is_pbf"].astype(bool), 0.0),
        "eligible_ha": parcels["area_ha"].where(pbf_eligible(parcels, rules), 0.0),
    })
    table = frame.groupby("township", sort=True).sum()
    table.insert(0, "parcels", parcels.groupby("township", sort=True).size())
    return _with_mu(table.reset_index())


def county_summary(parcels: pd.DataFrame, rules: EligibilityRules | None = None
                   ) -> dict[str, float | int]:
    """Headline figures of a county: parcel count and areas [ha]."""
    cult = is_cultivated(parcels)
    pbf = parcels["is_pbf"].astype(bool)
    eligible = pbf_eligible(parcels, rules)
    area = parcels["area_ha"]
    return {
        "parcels": len(parcels),
        "townships": int(parcels["township"].nunique()),
        "area_ha": float(area.sum()),
        "cultivated_ha": float(area[cult].sum()),
        "pbf_ha": float(area[pbf].sum()),
        "eligible_ha": float(area[eligible].sum()),
        "pbf_ineligible_ha": float(area[pbf & ~eligible].sum()),
        "eco_redline_ha": float(area[parcels["in_eco_redline"].astype(bool)].sum()),
        "udb_ha": float(area[parcels["in_udb"].astype(bool)].sum()),
    }


def select_township(parcels: pd.DataFrame, township: str | None) -> pd.DataFrame:
    """Parcels of one township, or all parcels when ``township`` is None.

    Raises ``ValueError`` listing the valid names for an unknown township.
    """
    if township is None:
        return parcels
    names = sorted(parcels["township"].unique())
    if township not in names:
        msg = f"unknown township {township!r}; valid names: {', '.join(names)}"
        raise ValueError(msg)
    return parcels[parcels["township"] == township]


def summary_table(parcels: pd.DataFrame, rules: EligibilityRules | None = None
                  ) -> pd.DataFrame:
    """:func:`county_summary` as a bilingual table with ha and mu columns."""
    s = county_summary(parcels, rules)
    labels = {
        "area_ha": "总面积 Total area",
        "cultivated_ha": "耕地 Cultivated land",
        "pbf_ha": "永久基本农田 Permanent basic farmland",
        "pbf_ineligible_ha": "不符合条件的永久基本农田 PBF on ineligible land",
        "eligible_ha": "可划入永久基本农田 Eligible for PBF",
        "eco_redline_ha": "生态保护红线 Ecological red line",
        "udb_ha": "城镇开发边界 Urban development boundary",
    }
    table = pd.DataFrame({"item": list(labels.values()),
                          "area_ha": [s[k] for k in labels]})
    table["area_mu"] = ha_to_mu(table["area_ha"])
    table["share_of_county_pct"] = 100 * table["area_ha"] / s["area_ha"]
    return table


def township_view(parcels: pd.DataFrame, township: str | None = None) -> pd.DataFrame:
    """Land-class table [ha, mu] of one township (None: the whole county)."""
    return land_class_table(select_township(parcels, township))
