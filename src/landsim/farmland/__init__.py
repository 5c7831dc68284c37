"""Permanent basic farmland (永久基本农田) layout: correction and optimisation.

:func:`plan_layout` (:mod:`landsim.farmland.layout`) is the layout within the law: the
correction of ineligible PBF (:mod:`landsim.farmland.correction`, 错划纠正), then the
optimisation of the corrected layout under every rule with the 5 % township cap, and the
checks of every rule per township and county (:mod:`landsim.farmland.checks`).
The canonical model of design section 5.2 lives in :mod:`landsim.farmland.model`,
before/after metrics and the 数量/质量/生态 checks in :mod:`landsim.farmland.metrics`, and
shared-boundary adjacency from polygons in :mod:`landsim.farmland.adjacency`, and the
Marxan minimum-set problem (read, solve exactly, write Marxan's outputs) in
:mod:`landsim.farmland.marxan`.
"""

from __future__ import annotations

from landsim.farmland.adjacency import edges_from_geometry
from landsim.farmland.checks import RULES, failed_rules, rule_checks
from landsim.farmland.correction import (
    CorrectionModel,
    CorrectionResult,
    correct_layout,
    ineligibility_reasons,
)
from landsim.farmland.layout import LayoutPlan, plan_layout
from landsim.farmland.marxan import (
    MarxanMinSetModel,
    MarxanProblem,
    MarxanResult,
    read_marxan,
    write_marxan_outputs,
)
from landsim.farmland.metrics import LayoutMetrics, compare_layouts, patch_labels
from landsim.farmland.model import (
    FarmlandLayoutModel,
    FarmlandRules,
    LayoutOptions,
    LayoutResult,
    NoSolutionError,
    eligibility,
)

__all__ = [
    "RULES",
    "CorrectionModel",
    "CorrectionResult",
    "FarmlandLayoutModel",
    "FarmlandRules",
    "LayoutMetrics",
    "LayoutOptions",
    "LayoutPlan",
    "LayoutResult",
    "MarxanMinSetModel",
    "MarxanProblem",
    "MarxanResult",
    "NoSolutionError",
    "compare_layouts",
    "correct_layout",
    "edges_from_geometry",
    "eligibility",
    "failed_rules",
    "ineligibility_reasons",
    "patch_labels",
    "plan_layout",
    "read_marxan",
    "rule_checks",
    "write_marxan_outputs",
]
