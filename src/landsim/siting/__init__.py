"""Multi-scheme site selection (多方案比选) with three-lines checks, and special-plan
conformance (专项规划衔接). Areas in [ha]; see :mod:`landsim.siting.compare`."""

from landsim.siting.compare import (
    COUNTY_PLAN_RULE,
    DEFAULT_WEIGHTS,
    LINES,
    SitingComparison,
    compare_schemes,
    conflict_pieces,
    conformance,
    pre_exam_table,
    read_footprints,
    read_schemes,
    scheme_measures,
)
from landsim.siting.footprints import occupied_pieces
from landsim.siting.ranking import (
    CRITERIA,
    dominance,
    rank_schemes,
    topsis_scores,
    weight_sensitivity,
    weighted_sum_scores,
)

__all__ = [
    "COUNTY_PLAN_RULE",
    "CRITERIA",
    "DEFAULT_WEIGHTS",
    "LINES",
    "SitingComparison",
    "compare_schemes",
    "conflict_pieces",
    "conformance",
    "dominance",
    "occupied_pieces",
    "pre_exam_table",
    "rank_schemes",
    "read_footprints",
    "read_schemes",
    "scheme_measures",
    "topsis_scores",
    "weight_sensitivity",
    "weighted_sum_scores",
]
