"""New cultivated-land verification (新增耕地核定) and the occupation-replenishment
balance (耕地占补平衡): projects are verified (:mod:`.projects`), their credits and the
occupations of cultivated land are kept in three accounts under 以补定占 (:mod:`.accounts`),
with the parameters of :mod:`.params`. The PBF layout's quality check is
:func:`landsim.cultivated.pbf.layout_quality_check`.
"""

from landsim.cultivated.accounts import (
    ACCOUNTS,
    COUNTY,
    BalanceResult,
    keep_accounts,
    occupations_from_quota,
    occupied_land_profile,
    price_occupations,
)
from landsim.cultivated.params import (
    CultivatedPolicy,
    cultivated_parameter_table,
    load_cultivated_policy,
)
from landsim.cultivated.pbf import layout_quality_check
from landsim.cultivated.projects import RULES, Verification, verify_projects

__all__ = [
    "ACCOUNTS",
    "COUNTY",
    "RULES",
    "BalanceResult",
    "CultivatedPolicy",
    "Verification",
    "cultivated_parameter_table",
    "keep_accounts",
    "layout_quality_check",
    "load_cultivated_policy",
    "occupations_from_quota",
    "occupied_land_profile",
    "price_occupations",
    "verify_projects",
]
