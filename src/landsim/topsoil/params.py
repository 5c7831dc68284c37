"""Assumption parameters of topsoil stripping and reuse (耕作层剥离再利用), with units and
sources. The packaged ``topsoil.toml`` repeats every field with its unit and source;
``tests/test_topsoil_params.py`` fails when the two drift apart.

No public figure was found for costs or for depth by land class
(``shared/domain/policy-facts.md`` section 7: NOT FOUND), so those defaults are
ASSUMED and meant to be overridden per project.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, ClassVar

from landsim._params import Params, read_toml, section_values
from landsim._params import param as _param
from landsim.errors import InputError
from landsim.resources import policy_file

__all__ = ["TopsoilParams", "load_topsoil_params", "topsoil_parameter_table"]

_FACTS = "shared/domain/policy-facts.md s.7"


def _p(default: float, unit: str, source: str, description: str, hi: float) -> Any:
    """A topsoil figure: a number from 0 to ``hi``."""
    return _param(default, unit, source, description, lo=0.0, hi=hi)


@dataclass(frozen=True)
class TopsoilParams(Params):
    """Defaults of the topsoil transport plan. Every field is >= 0.

    Parameters
    ----------
    depth_paddy_m, depth_irrigated_m, depth_dry_m : float
        Plough-layer stripping depth of 水田 0101 / 水浇地 0102 / 旱地 0103 when a source
        gives no ``depth_m``. About 30 cm is the typical depth (CONFIRMED secondary,
        policy-facts s.7); "20-30 cm, deeper for good paddy soils" is RECALLED only, so
        0.30 / 0.30 / 0.25 are ASSUMED. [m]
    strip_cost_yuan_per_m3 : float
        Stripping cost, paid on every stripped m3. ASSUMED (NOT FOUND). [yuan/m3]
    haul_cost_yuan_per_m3_km : float
        Haul cost per m3 and km of road distance. ASSUMED (NOT FOUND). [yuan/(m3 km)]
    detour_factor : float
        Road distance / straight-line distance when distances come from coordinates.
        ASSUMED (a common circuity factor). [ratio >= 1]
    handling_cost_yuan_per_m3 : float
        Placing in and taking out of a stockpile, per m3 stored, when the stockpile table
        gives none. ASSUMED (NOT FOUND). [yuan/m3]
    storage_cost_yuan_per_m3_year : float
        Keeping soil in a stockpile over one year end (cover, drainage, weeding), when the
        stockpile table gives none. ASSUMED (NOT FOUND). [yuan/(m3 year)]
    disposal_penalty_yuan_per_m3 : float
        Penalty for stripped soil that reaches no destination (surplus disposal, i.e.
        wasted plough layer). ASSUMED; set it above any haul so soil is reused. [yuan/m3]
    """

    section: ClassVar[str] = "topsoil"

    depth_paddy_m: float = _p(0.30, "m", f"ASSUMED from {_FACTS} (about 30 cm CONFIRMED "
                              "secondary; by class NOT FOUND)", "stripping depth of 0101 水田",
                              2.0)
    depth_irrigated_m: float = _p(0.30, "m", f"ASSUMED from {_FACTS} (about 30 cm CONFIRMED "
                                  "secondary)", "stripping depth of 0102 水浇地", 2.0)
    depth_dry_m: float = _p(0.25, "m", f"ASSUMED from {_FACTS} ('20-30 cm' RECALLED)",
                            "stripping depth of 0103 旱地", 2.0)
    strip_cost_yuan_per_m3: float = _p(12.0, "yuan/m3", f"ASSUMED ({_FACTS}: NOT FOUND)",
                                       "stripping cost per m3", 1e6)
    haul_cost_yuan_per_m3_km: float = _p(1.2, "yuan/(m3 km)", f"ASSUMED ({_FACTS}: NOT FOUND)",
                                         "haul cost per m3 and km", 1e6)
    detour_factor: float = _p(1.3, "ratio", "ASSUMED (typical road circuity)",
                              "road / straight-line distance", 10.0)
    handling_cost_yuan_per_m3: float = _p(6.0, "yuan/m3", f"ASSUMED ({_FACTS}: NOT FOUND)",
                                          "stockpile handling cost per m3 stored", 1e6)
    storage_cost_yuan_per_m3_year: float = _p(2.0, "yuan/(m3 year)",
                                              f"ASSUMED ({_FACTS}: NOT FOUND)",
                                              "stockpile keeping cost per m3 and year end", 1e6)
    disposal_penalty_yuan_per_m3: float = _p(60.0, "yuan/m3", "ASSUMED (policy: reuse all "
                                             "stripped soil, 2015 No. 1 Document)",
                                             "penalty per m3 of surplus soil disposed", 1e9)

    def _check(self) -> None:
        if self.detour_factor < 1.0:
            msg = (f"topsoil parameter detour_factor = {self.detour_factor!r} is below 1: road "
                   "distance cannot be shorter than the straight line. Fix: give a ratio >= 1.")
            raise InputError(msg)

    def depth_by_class(self) -> dict[str, float]:
        """Default stripping depth [m] per 三调 cultivated class."""
        return {"0101": self.depth_paddy_m, "0102": self.depth_irrigated_m,
                "0103": self.depth_dry_m}

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    def with_overrides(self, origin: str = "override", **overrides: float) -> TopsoilParams:
        """A copy with some fields replaced; unknown names raise naming the closest valid one."""
        return self.replace(overrides, origin=origin)


def topsoil_parameter_table() -> list[dict[str, Any]]:
    """Every field with default, unit, source, description and range."""
    return TopsoilParams.table()


def load_topsoil_params(path: str | Path | None = None, *, override_origin: str = "override",
                        **overrides: float) -> TopsoilParams:
    """Read ``[topsoil]`` entries ``{value, unit, source}`` of a TOML file, then ``overrides``.

    Default: the packaged ``landsim/data/policy/topsoil.toml``. Every error names the file,
    the key, the value and the allowed range; an error in ``overrides`` names
    ``override_origin`` (the command line says ``--set``).
    """
    target = policy_file("topsoil") if path is None else Path(path)
    origin = "packaged topsoil.toml" if path is None else str(target)
    values = section_values(read_toml(target, what="topsoil parameter file"), origin)
    unknown = sorted(set(values) - {"topsoil"})
    if unknown:
        msg = (f"{origin}: unknown section [{unknown[0]}]. Fix: write the parameters under "
               "[topsoil]")
        raise InputError(msg)
    params = TopsoilParams().replace(values.get("topsoil", {}), origin=origin)
    return params.with_overrides(override_origin, **overrides) if overrides else params
