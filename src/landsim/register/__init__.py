"""The land-lifecycle register (一码管地, county plan 五、(二)) and the pre-supply land
checklist (用地清单, 三、(四)).

- :mod:`~landsim.register.codes` - the 28-character real-estate unit code;
- :mod:`~landsim.register.lifecycle` - units, dated events, state at a date, stuck units,
  history of a unit;
- :mod:`~landsim.register.importer` - the county's stock tables into the register, and the
  one stock inventory out of it;
- :mod:`~landsim.register.checklist` - the checklist, its supply gate and its document;
- :mod:`~landsim.register.params` - thresholds, county code and assessment list
  (``landsim/data/policy/register.toml``).
"""

from landsim.register.codes import check_code, check_codes, parse_code, unit_code
from landsim.register.importer import import_county, inventory_tables, register_inventory
from landsim.register.lifecycle import (
    EVENT_COLUMNS,
    PROGRESSION,
    STAGE_NAMES,
    STAGES,
    UNIT_COLUMNS,
    Register,
    read_register,
    stage_counts,
    status_at,
    stuck_units,
    unit_history,
)
from landsim.register.params import RegisterPolicy, load_register_policy

__all__ = [
    "EVENT_COLUMNS",
    "PROGRESSION",
    "STAGES",
    "STAGE_NAMES",
    "UNIT_COLUMNS",
    "Register",
    "RegisterPolicy",
    "check_code",
    "check_codes",
    "import_county",
    "inventory_tables",
    "load_register_policy",
    "parse_code",
    "read_register",
    "register_inventory",
    "stage_counts",
    "status_at",
    "stuck_units",
    "unit_code",
    "unit_history",
]
