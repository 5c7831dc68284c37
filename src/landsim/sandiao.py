"""The Third National Land Survey (三调) database: its layers, field codes and grades.

What a county bureau holds after 三调 and the annual change surveys
(``shared/domain/policy-facts.md`` section 13): land-class polygons (地类图斑, layer DLTB)
with standard field codes, and separate polygon layers for permanent basic farmland
(永久基本农田), the ecological protection red line (生态保护红线) and the urban development
boundary (城镇开发边界). This module names those codes and turns them into landsim's
parcel columns; :mod:`landsim.county_import` does the reading and the overlays.

>>> township_codes(pd.Series(["1409321002000000000", "140932201203"])).tolist()
['140932100', '140932201']
>>> slope_grades(pd.Series([1.0, 2.0, 2.1, 25.0, 25.5])).tolist()
[1, 1, 2, 4, 5]
>>> dengbie_to_grade(pd.Series([1, 7, 15])).tolist()
[1, 5, 10]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from landsim.policy import COMMON

__all__ = [
    "CITY_TOWN_CODES",
    "DLTB_FIELDS",
    "LAYER_NAMES",
    "SLOPE_GRADE_BOUNDS_DEG",
    "UNSTABLE_REFINEMENT_CODES",
    "Field",
    "dengbie_to_grade",
    "grade_to_dengbie",
    "land_class_codes",
    "slope_grades",
    "township_codes",
    "township_name_from_unit",
]

_S13 = "shared/domain/policy-facts.md s.13"


@dataclass(frozen=True)
class Field:
    """A field of a 三调 layer: its standard code, the landsim role it fills, its meaning."""

    code: str
    role: str
    meaning: str
    required: bool = False


DLTB_FIELDS: tuple[Field, ...] = (
    Field("BSM", "parcel_id", "标识码 feature id (unique)", required=True),
    Field("DLBM", "land_class", "地类编码 land-class code (4 digits)", required=True),
    Field("DLMC", "land_class_name", "地类名称 land-class name"),
    Field("TBMJ", "area_m2", "图斑面积 polygon area [m2]", required=True),
    Field("TBDLMJ", "class_area_m2", "图斑地类面积 land-class area, TBMJ - KCMJ [m2]"),
    Field("KCMJ", "deducted_m2", "扣除地类面积 ridges deducted [m2]"),
    Field("ZLDWDM", "unit_code", "座落单位代码 located unit (village) code, 19 characters",
          required=True),
    Field("ZLDWMC", "unit_name", "座落单位名称 located unit (village) name"),
    Field("GDPDJB", "slope_grade", "耕地坡度级别 cultivated-land slope grade 1..5"),
    Field("GDDB", "quality_dengbie", "耕地等别 cultivated-land quality 等别 1..15"),
    Field("TBXHDM", "refinement", "图斑细化代码 polygon refinement code"),
    Field("CZCSXM", "urban_rural", "城镇村属性码 urban-rural code (201 city, 202 town, ...)"),
)
"""The DLTB fields the importer reads, by standard code (TD/T 1016 lineage, 三调)."""

LAYER_NAMES: dict[str, tuple[str, ...]] = {
    "dltb": ("DLTB",),
    "pbf": ("YJJBNT", "YJJBNTTB", "JBNTBHTB", "PBF"),
    "redline": ("STBHHX", "STHX", "REDLINE"),
    "udb": ("CZKFBJ", "UDB"),
    "quality": ("GDZLDJ", "ZLDJ", "QUALITY"),
}
"""Layer names looked for in a multi-layer file, per role (any case): DLTB 地类图斑, YJJBNT
永久基本农田, STBHHX 生态保护红线, CZKFBJ 城镇开发边界, GDZLDJ 耕地质量等级."""

CITY_TOWN_CODES: tuple[str, ...] = ("201", "202")
"""城镇村属性码 (CZCSXM) of city (201) and town (202) land (policy-facts s.13)."""

SLOPE_GRADE_BOUNDS_DEG: tuple[float, float, float] = (2.0, 6.0, 15.0)
"""Upper bounds of slope grades 1, 2, 3 [degree] (TD/T 1055-2019, CONFIRMED in
policy-facts s.13); grade 4 ends, and grade 5 starts above, the PBF slope limit
:attr:`landsim.policy.CommonFigures.max_slope_deg` (25°)."""

UNSTABLE_REFINEMENT_CODES: tuple[str, ...] = ("HDGD", "HQGD", "LQGD", "MQGD", "SHGD")
"""三调 refinement codes (TBXHDM) of cultivated land in river courses, lake areas, forest,
pasture and sand (河道/湖区/林区/牧区/沙荒耕地), taken as not stable (稳定耕地) cultivated land
when PBF is delineated. RECALLED (三区三线划定规则 practice; not in policy-facts)."""


def slope_grades(slope_deg: pd.Series) -> pd.Series:
    """Cultivated-land slope grade 1..5 of slopes [degree]: ≤2, (2, 6], (6, 15], (15, 25],
    >25 (the upper bound belongs to the grade, so grade 4 ends at the PBF limit)."""
    bounds = [*SLOPE_GRADE_BOUNDS_DEG, COMMON.max_slope_deg]
    grades = np.searchsorted(np.asarray(bounds), slope_deg.to_numpy(dtype=float), side="left")
    return pd.Series(grades + 1, index=slope_deg.index, dtype="int64")


def township_codes(unit_codes: pd.Series) -> pd.Series:
    """Township (乡镇) code: the first 9 digits of the located-unit code ZLDWDM."""
    return unit_codes.astype("string").str.strip().str[:9]


_TOWNSHIP_SUFFIX = re.compile(r"^(.+?(?:镇|乡|街道|苏木))")


def township_name_from_unit(unit_names: pd.Series) -> pd.Series:
    """The township part of located-unit names written with it (``新关镇城关村`` -> ``新关镇``),
    else missing: the name up to its first 镇, 乡, 街道 or 苏木."""
    return unit_names.astype("string").str.strip().str.extract(_TOWNSHIP_SUFFIX)[0]


def land_class_codes(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """三调 land-class codes from DLBM values; returns ``(codes, bad)``.

    A code is 4 digits (3 digits get their leading zero back); letters after the digits
    (refinements such as ``0103K``) are dropped. ``bad`` marks values that are no code.
    """
    text = values.astype("string").str.strip()
    digits = text.str.extract(r"^(\d{3,4})[A-Za-z]*$")[0]
    codes = digits.str.zfill(4)
    return codes, digits.isna()


def dengbie_to_grade(dengbie: pd.Series) -> pd.Series:
    """耕地质量等别 (GB/T 28407, 1..15) to landsim's 1..10 grade (GB/T 33469 scale), linearly:
    ``grade = 1 + round((等别 - 1) x 9 / 14)``. ASSUMED: the two scales have no official
    crosswalk; the linear map keeps 1 -> 1 and 15 -> 10."""
    values = dengbie.astype("float64")
    return (1 + np.floor((values - 1) * 9 / 14 + 0.5)).astype("Int64")


def grade_to_dengbie(grade: pd.Series) -> pd.Series:
    """The inverse of :func:`dengbie_to_grade` on whole grades (``1 + round((g-1) x 14/9)``)."""
    values = grade.astype("float64")
    return (1 + np.floor((values - 1) * 14 / 9 + 0.5)).astype("Int64")
