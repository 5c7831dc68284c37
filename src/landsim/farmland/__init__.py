"""Permanent basic farmland (永久基本农田) layout optimisation.

The canonical model of design section 5.2 lives in :mod:`landsim.farmland.model`,
before/after metrics and the 数量/质量/生态 checks in :mod:`landsim.farmland.metrics`, and
shared-boundary adjacency from polygons in :mod:`landsim.farmland.adjacency`, and the
Marxan minimum-set problem (read, solve exactly, write Marxan's outputs) in
:mod:`landsim.farmland.marxan`.
"""

from __future__ import annotations

from landsim.farmland.adjacency import edges_from_geometry
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
    "FarmlandLayoutModel",
    "FarmlandRules",
    "LayoutMetrics",
    "LayoutOptions",
    "LayoutResult",
    "MarxanMinSetModel",
    "MarxanProblem",
    "MarxanResult",
    "NoSolutionError",
    "compare_layouts",
    "edges_from_geometry",
    "eligibility",
    "patch_labels",
    "read_marxan",
    "write_marxan_outputs",
]
