"""Topsoil stripping and reuse (耕作层剥离再利用): where plough-layer soil is taken
(取土区), stored (存放区) and spread (覆土区), as a multi-period transport LP.

Volumes in [m3], distances in [km], unit costs in [yuan], totals also in [万元].
See :class:`TopsoilModel` for the formulation and :class:`TopsoilParams` for the
assumption defaults (``data/policy/topsoil.toml``).
"""

from landsim.topsoil.inputs import (
    DESTINATION_KINDS,
    TopsoilInputs,
    distance_matrices,
    prepare_destinations,
    prepare_sources,
    prepare_stockpiles,
    read_topsoil_inputs,
)
from landsim.topsoil.model import (
    METHODS,
    LPArrays,
    TopsoilModel,
    TopsoilResult,
    solve_transport_emd,
)
from landsim.topsoil.params import TopsoilParams, load_topsoil_params, topsoil_parameter_table

__all__ = [
    "DESTINATION_KINDS",
    "METHODS",
    "LPArrays",
    "TopsoilInputs",
    "TopsoilModel",
    "TopsoilParams",
    "TopsoilResult",
    "distance_matrices",
    "load_topsoil_params",
    "plan_topsoil",
    "prepare_destinations",
    "prepare_sources",
    "prepare_stockpiles",
    "read_topsoil_inputs",
    "solve_transport_emd",
    "topsoil_parameter_table",
]


def plan_topsoil(inputs: TopsoilInputs, params: TopsoilParams | None = None,
                 method: str = "auto", allow_disposal: bool = True) -> TopsoilResult:
    """Build and solve the topsoil plan of validated tables (pure; for notebooks/widgets)."""
    return TopsoilModel.from_inputs(inputs, params).solve(method=method,
                                                          allow_disposal=allow_disposal)
