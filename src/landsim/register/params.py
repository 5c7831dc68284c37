"""Parameters of the land register (一码管地) and the pre-supply land checklist (用地清单).

Declared once with value, unit, source and range (:func:`landsim._params.param`);
``landsim/data/policy/register.toml`` mirrors them for users (a test keeps them equal) and
holds the default list of checklist assessments of the county plan 三、(四).

>>> rules = load_register_policy()
>>> rules.stuck.approval_days, rules.codes.county_code
(730, '140932')
>>> len(rules.assessments)
14
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from landsim._params import Params, param, read_toml, require_key, section_values
from landsim.errors import InputError

__all__ = [
    "Assessment",
    "CodeRules",
    "RegisterPolicy",
    "StuckRules",
    "load_register_policy",
]

_F = "shared/domain/policy-facts.md"


@dataclass(frozen=True)
class CodeRules(Params):
    """How unit codes are checked.

    Parameters
    ----------
    county_code : str
        Administrative code (GB/T 2260) every unit code of the county starts with. []
    """

    section: ClassVar[str] = "codes"

    county_code: str = param(
        "140932", "", f"GB/T 2260 (偏关县 Pianguan), {_F} s.14 (RECALLED)",
        "6-digit county administrative code, characters 1-6 of every unit code")

    def _check(self) -> None:
        if len(self.county_code) != 6 or not self.county_code.isdigit():
            msg = (f"codes.county_code = {self.county_code!r} must be 6 digits (GB/T 2260), "
                   "e.g. '140932'")
            raise InputError(msg)


@dataclass(frozen=True)
class StuckRules(Params):
    """How long a unit may stay in a stage before it is listed as stuck. [day]

    Parameters
    ----------
    approval_days : int
        Approved (批) and not yet supplied. [day]
    supply_days : int
        Supplied (供) and not yet started. [day]
    use_start_days : int
        Started (开工) and not yet completed. [day]
    use_completion_days : int
        Completed (竣工) and not yet registered (登记). [day]
    idle_days : int
        Found idle (闲置) at an inspection and not yet disposed. [day]
    """

    section: ClassVar[str] = "stuck"

    approval_days: int = param(
        730, "day", "ASSUMED (county plan 四、(四) asks to dispose of 批而未供 land; no "
        "national deadline found): two years", "approved and not supplied", lo=1, hi=36500)
    supply_days: int = param(
        365, "day", f"Order No. 53 art. 2, {_F} s.3 (CONFIRMED sec.): no start one year after "
        "the agreed start; measured here from the supply date", "supplied and not started",
        lo=1, hi=36500)
    use_start_days: int = param(
        1095, "day", "ASSUMED (a typical industrial contract's construction period)",
        "started and not completed", lo=1, hi=36500)
    use_completion_days: int = param(
        365, "day", "ASSUMED (registration follows completion acceptance)",
        "completed and not registered", lo=1, hi=36500)
    idle_days: int = param(
        730, "day", f"Order No. 53 art. 14, {_F} s.3 (CONFIRMED sec.): idle two years -> "
        "unpaid recovery", "found idle and not disposed", lo=1, hi=36500)


@dataclass(frozen=True)
class Assessment:
    """One item of the pre-supply land checklist (用地清单)."""

    key: str
    name: str
    department: str
    kind: str
    source: str


_SECTIONS: dict[str, type[Params]] = {"codes": CodeRules, "stuck": StuckRules}


@dataclass(frozen=True)
class RegisterPolicy:
    """Code rules, stuck thresholds and the checklist assessments."""

    codes: CodeRules = field(default_factory=CodeRules)
    stuck: StuckRules = field(default_factory=StuckRules)
    assessments: tuple[Assessment, ...] = ()

    @property
    def assessment_keys(self) -> list[str]:
        return [a.key for a in self.assessments]


def _assessments(entries: Any, origin: str) -> tuple[Assessment, ...]:
    if not isinstance(entries, list) or not entries:
        msg = (f"{origin}: 'assessment' must be a list of tables ([[assessment]] with key, "
               "name, department, kind, source). Fix: add at least one [[assessment]]")
        raise InputError(msg)
    out, seen = [], set()
    for i, e in enumerate(entries, start=1):
        if not isinstance(e, Mapping):
            msg = f"{origin}: [[assessment]] number {i} must be a table"
            raise InputError(msg)
        missing = [k for k in ("key", "name", "department") if not str(e.get(k, "")).strip()]
        if missing:
            msg = (f"{origin}: [[assessment]] number {i} lacks {', '.join(missing)}. Fix: "
                   "give key, name and department")
            raise InputError(msg)
        key = str(e["key"]).strip()
        if key in seen:
            msg = f"{origin}: [[assessment]] key {key!r} appears twice. Fix: keep one"
            raise InputError(msg)
        seen.add(key)
        out.append(Assessment(key, str(e["name"]).strip(), str(e["department"]).strip(),
                              str(e.get("kind", "")), str(e.get("source", ""))))
    return tuple(out)


def load_register_policy(path: str | Path | None = None) -> RegisterPolicy:
    """Read the register policy (the packaged ``register.toml`` when ``path`` is None).

    Raises
    ------
    InputError
        Unreadable file, unknown sections or keys (with the closest valid one), values out
        of range, a bad assessment list.
    """
    from landsim.resources import policy_file

    target = policy_file("register") if path is None else Path(path)
    origin = f"packaged {target.name}" if path is None else str(target)
    raw = read_toml(target, what="register policy file")
    items = raw.pop("assessment", None)
    groups: dict[str, Any] = {}
    for section, values in section_values(raw, origin).items():
        require_key(section, [*_SECTIONS, "assessment"], origin, f"section [{section}]")
        groups[section] = _SECTIONS[section]().replace(values, origin=origin,
                                                       section=section)
    return RegisterPolicy(assessments=_assessments(items, origin), **groups)
