"""landsim: county land-use quota simulation and permanent basic farmland layout.

Areas are hectares throughout; see :mod:`landsim.units` for mu (亩).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("landsim")
except PackageNotFoundError:  # pragma: no cover - running from an uninstalled checkout
    __version__ = "0+unknown"

from landsim import parcels, plots, widgets  # noqa: F401  (namespaces for notebooks)
from landsim.datasets import County, load_sample, read_county, read_edges, read_parcels
from landsim.errors import InfeasibleError, InputError, LandsimError
from landsim.params import load_policy
from landsim.parcels import EligibilityRules, county_summary, pbf_eligible
from landsim.scenarios import Scenario, run_scenarios
from landsim.synthetic import synthesize, write_county
from landsim.versions import show_versions

__all__ = [
    "County",
    "EligibilityRules",
    "InfeasibleError",
    "InputError",
    "LandsimError",
    "Scenario",
    "__version__",
    "county_summary",
    "load_policy",
    "load_sample",
    "pbf_eligible",
    "read_county",
    "read_edges",
    "read_parcels",
    "run_scenarios",
    "show_versions",
    "synthesize",
    "write_county",
]
