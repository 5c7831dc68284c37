"""landsim: county land-use quota simulation and permanent basic farmland layout.

Areas are hectares throughout; see :mod:`landsim.units` for mu (亩). Names are loaded on
first use, so ``import landsim`` (and ``landsim --version``) stays cheap: engines, pandas,
solvers, matplotlib and ipywidgets are imported only when something asks for them.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"
"""The package version (``pyproject.toml`` reads it from here)."""

_NAMES: dict[str, str] = {
    "County": "landsim.datasets",
    "import_county": "landsim.county_import",
    "load_sample": "landsim.datasets",
    "read_county": "landsim.datasets",
    "read_edges": "landsim.datasets",
    "read_parcels": "landsim.datasets",
    "InfeasibleError": "landsim.errors",
    "InputError": "landsim.errors",
    "LandsimError": "landsim.errors",
    "NoSolutionError": "landsim.errors",
    "load_policy": "landsim.quota.params",
    "EligibilityRules": "landsim.parcels",
    "county_summary": "landsim.parcels",
    "pbf_eligible": "landsim.parcels",
    "Scenario": "landsim.quota.scenario",
    "run_scenarios": "landsim.quota.scenario",
    "synthesize": "landsim.synthetic",
    "write_county": "landsim.synthetic",
    "show_versions": "landsim.versions",
}
"""Public name -> module defining it (imported on first access)."""

_SUBMODULES = frozenset({
    "allocation", "app", "consistency", "county_import", "cultivated", "datasets", "errors",
    "farmland", "monitor", "optimize", "outputs", "parcels", "plots", "policy",
    "presentation", "quota", "resources", "sandiao", "schema", "siting", "stockland",
    "synthetic", "tabular", "topsoil", "units", "widgets",
})
"""Subpackages and modules reachable as ``landsim.<name>`` without an explicit import."""

__all__ = ["__version__", *sorted(_NAMES)]


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        value = getattr(importlib.import_module(_NAMES[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"landsim.{name}")
    msg = f"module 'landsim' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted({*globals(), *_NAMES, *_SUBMODULES})
