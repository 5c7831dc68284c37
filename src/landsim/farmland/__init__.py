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

from landsim._lazy import lazy_names

_MODULES: dict[str, tuple[str, ...]] = {
    'landsim.farmland.adjacency': ('edges_from_geometry',),
    'landsim.farmland.checks': ('RULES', 'failed_rules', 'rule_checks',),
    'landsim.farmland.correction': ('CorrectionModel', 'CorrectionResult', 'correct_layout', 'ineligibility_reasons',),
    'landsim.farmland.layout': ('LayoutPlan', 'plan_layout',),
    'landsim.farmland.marxan': ('MarxanMinSetModel', 'MarxanProblem', 'MarxanResult', 'read_marxan', 'write_marxan_outputs',),
    'landsim.farmland.metrics': ('LayoutMetrics', 'compare_layouts', 'patch_labels',),
    'landsim.farmland.model': ('FarmlandLayoutModel', 'FarmlandRules', 'LayoutOptions', 'LayoutResult', 'NoSolutionError', 'eligibility',),
}
__all__, __getattr__, __dir__ = lazy_names(globals(), _MODULES, "landsim.farmland")
