"""The one parameter mechanism of landsim and its one TOML reader.

Every policy figure is a field of a frozen dataclass deriving from :class:`Params`,
declared with :func:`param`: a default value, its unit, its source (a section of
``shared/domain/policy-facts.md``, a standard, or ``ASSUMED``), a description and the
allowed range. A figure that several rule families use is declared once, in
:class:`landsim.policy.CommonFigures`, and other families take it with :func:`shared`.

Policy files are TOML with one table per section and entries either plain
(``ratio = 0.8``) or documented (``ratio = { value = 0.8, unit = "ha/ha", source = "..." }``);
:func:`read_toml` reads any landsim TOML file and :func:`section_values` keeps the values.
Every error names the file, the key, the value, the allowed range and, for an unknown
key, the closest valid one.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Demo(Params):
...     ratio: float = param(1.0, "ha/ha", "ASSUMED", "quota per ha disposed", lo=0)
>>> Demo(ratio=0.5).ratio
0.5
>>> Demo.from_values({"ratio": -1}, origin="my.toml", section="stock_link")
Traceback (most recent call last):
...
landsim.errors.InputError: my.toml: stock_link.ratio = -1 [ha/ha] is out of range; allowed 0 to inf. Fix: give a value in that range
>>> Demo.from_values({"ration": 2}, origin="my.toml", section="stock_link")
Traceback (most recent call last):
...
landsim.errors.InputError: my.toml: unknown key stock_link.ration; did you mean 'ratio'?
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import Any, ClassVar, Self

from landsim.errors import InputError

__all__ = [
    "Params",
    "build_sections",
    "check_value",
    "closest_key",
    "load_policy_file",
    "param",
    "read_toml",
    "require_key",
    "require_table",
    "section_values",
    "shared",
    "split_overrides",
]


def param(default: Any, unit: str, source: str, description: str, *,
          lo: float | None = None, hi: float | None = None,
          choices: Sequence[str] | None = None) -> Any:
    """Declare one parameter field: default, unit, source, description and allowed range.

    ``lo``/``hi`` bound numbers (inclusive); ``choices`` lists the allowed strings.
    """
    meta = {"unit": unit, "source": source, "description": description, "lo": lo, "hi": hi,
            "choices": tuple(choices) if choices else None}
    return field(default=default, metadata=meta)


def shared(owner: type[Params], name: str, description: str | None = None) -> Any:
    """A field that takes its default, unit, source and range from ``owner.name``.

    Used where a rule family exposes a figure declared once elsewhere (the supply-rate
    floor of :class:`landsim.policy.CommonFigures` in the quota policy, for instance),
    so that the value is never retyped.
    """
    src = {f.name: f for f in dataclasses.fields(owner)}[name]
    meta = dict(src.metadata)
    meta["source"] = f"{owner.__name__}.{name}: {src.metadata['source']}"
    if description:
        meta["description"] = description
    return field(default=src.default, metadata=meta)


def closest_key(key: str, valid: Sequence[str]) -> str:
    """Sentence naming the valid key closest to ``key`` (or listing the valid keys).

    >>> closest_key("ration", ["ratio", "enabled"])
    "did you mean 'ratio'?"
    """
    import difflib

    match = difflib.get_close_matches(str(key), list(valid), n=1, cutoff=0.5)
    if match:
        return f"did you mean {match[0]!r}?"
    return "valid keys: " + ", ".join(sorted(valid))


def require_key(key: str, valid: Sequence[str], origin: str, what: str) -> None:
    """Raise :class:`InputError` when ``key`` is not valid, naming the closest valid key.

    ``what`` is how the file calls the key (``"key stock_link.ratio"``, ``"section [x]"``).
    """
    if key not in valid:
        msg = f"{origin}: unknown {what}; {closest_key(key, list(valid))}"
        raise InputError(msg)


def require_table(entries: Any, origin: str, where: str, form: str) -> None:
    """Raise :class:`InputError` unless ``entries`` is a TOML table; ``form`` shows one."""
    if not isinstance(entries, Mapping):
        msg = f"{origin}: {where} must be a table ({form})"
        raise InputError(msg)


def _range_text(lo: float | None, hi: float | None) -> str:
    return f"{-math.inf if lo is None else lo:g} to {math.inf if hi is None else hi:g}"


def check_value(f: dataclasses.Field, value: Any, where: str) -> Any:
    """Validate and coerce ``value`` for field ``f``; ``where`` prefixes every message.

    Booleans must be booleans, whole-number fields whole numbers, numbers finite unless
    the range is open on that side (``inf`` means unlimited there), strings one of the
    field's ``choices``.
    """
    default = f.default
    meta = f.metadata
    unit = f" [{meta['unit']}]" if meta.get("unit") else ""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            msg = f"{where} = {value!r} must be true or false. Fix: write true or false"
            raise InputError(msg)
        return value
    if isinstance(default, str) or default is None and isinstance(value, str):
        choices = meta.get("choices")
        if not isinstance(value, str) or (choices and value not in choices):
            allowed = ", ".join(repr(c) for c in choices) if choices else "a text"
            msg = f"{where} = {value!r}; allowed {allowed}"
            raise InputError(msg)
        return value
    if not isinstance(default, int | float):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{where} = {value!r} must be a number{unit}. Fix: give a number"
        raise InputError(msg)
    lo, hi = meta.get("lo"), meta.get("hi")
    if math.isnan(value):
        msg = f"{where} is NaN{unit}; allowed {_range_text(lo, hi)}. Fix: give a number"
        raise InputError(msg)
    if isinstance(default, int):
        if not float(value).is_integer():
            msg = f"{where} = {value!r} must be a whole number{unit}. Fix: drop the fraction"
            raise InputError(msg)
        value = int(value)
    else:
        value = float(value)
    unlimited = (value == math.inf and hi is None) or (value == -math.inf and lo is None)
    unlimited = unlimited and not math.isfinite(default)
    if not math.isfinite(value) and not unlimited:
        msg = (f"{where} = {value:g}{unit} is not a finite number; allowed "
               f"{_range_text(lo, hi)}. Fix: give a finite value")
        raise InputError(msg)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        msg = (f"{where} = {value:g}{unit} is out of range; allowed {_range_text(lo, hi)}. "
               "Fix: give a value in that range")
        raise InputError(msg)
    return value


class Params:
    """Mix-in for frozen parameter dataclasses: generic checks from the field metadata.

    Subclasses declare fields with :func:`param` and may override :meth:`_check` for
    rules linking several fields.
    """

    section: ClassVar[str] = ""
    """Section name of the group in its policy file (for messages and tables)."""

    def __post_init__(self) -> None:
        label = self.section or type(self).__name__
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = check_value(f, getattr(self, f.name), f"{label}.{f.name}")
            object.__setattr__(self, f.name, value)
        self._check()

    def _check(self) -> None:
        """Cross-field rules of one parameter group (overridden by subclasses)."""

    @classmethod
    def field_names(cls) -> list[str]:
        """Names of the parameters, in declaration order."""
        return [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]

    @classmethod
    def default_of(cls, name: str) -> Any:
        """Declared default of parameter ``name`` (for widgets and views)."""
        return {f.name: f.default for f in dataclasses.fields(cls)}[name]  # type: ignore[arg-type]

    @classmethod
    def meta_of(cls, name: str) -> Mapping[str, Any]:
        """Unit, source, description and range of parameter ``name``."""
        return {f.name: f.metadata for f in dataclasses.fields(cls)}[name]  # type: ignore[arg-type]

    @classmethod
    def table(cls, section: str | None = None) -> list[dict[str, Any]]:
        """One row per parameter: section, name, default, unit, source, description, range."""
        rows = []
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            m = f.metadata
            rows.append({"section": section or cls.section, "name": f.name,
                         "default": f.default, "unit": m["unit"], "source": m["source"],
                         "description": m["description"], "lo": m["lo"], "hi": m["hi"]})
        return rows

    def replace(self, values: Mapping[str, Any], *, origin: str = "override",
                section: str | None = None) -> Self:
        """A copy with ``values`` replaced, each checked with file, key and range."""
        section = section or self.section or type(self).__name__
        valid = self.field_names()
        fields = {f.name: f for f in dataclasses.fields(self)}  # type: ignore[arg-type]
        checked = {}
        for key, value in values.items():
            require_key(key, valid, origin, f"key {section}.{key}")
            checked[key] = check_value(fields[key], value, f"{origin}: {section}.{key}")
        try:
            return dataclasses.replace(self, **checked)  # type: ignore[type-var]
        except InputError as err:
            if str(err).startswith(origin):
                raise
            raise InputError(f"{origin}: {err}") from None

    @classmethod
    def from_values(cls, values: Mapping[str, Any], *, origin: str = "override",
                    section: str | None = None) -> Self:
        """Build the group from defaults and ``values`` (see :meth:`replace`)."""
        return cls().replace(values, origin=origin, section=section)


def read_toml(path: str | Path, *, what: str = "policy file",
              keep_schema_version: bool = False) -> dict[str, Any]:
    """Read a landsim TOML file; every failure is an :class:`InputError` naming the file.

    ``schema_version`` is dropped unless ``keep_schema_version``. ``what`` names the kind
    of file in messages.
    """
    import tomllib

    path = Path(path)
    if path.is_dir():
        msg = f"{what} {path}: is a folder, not a TOML file. Fix: give the TOML file's path"
        raise InputError(msg)
    if not path.is_file():
        msg = f"{what} {path}: no such file. Fix: give an existing TOML file"
        raise InputError(msg)
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark (Notepad): skip it
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        try:
            data.decode("gb18030")
            guess = " (it reads as GBK/GB18030, as Chinese Windows editors save)"
        except UnicodeDecodeError:
            guess = ""
        msg = (f"{what} {path}: not UTF-8 text at byte {err.start}{guess}. Fix: save the file "
               "as UTF-8 (TOML files must be UTF-8)")
        raise InputError(msg) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = f"{what} {path}: not valid TOML ({exc}). Fix: correct the syntax"
        raise InputError(msg) from None
    if not keep_schema_version:
        raw.pop("schema_version", None)
    return raw


def section_values(raw: Mapping[str, Any], origin: str) -> dict[str, dict[str, Any]]:
    """``{section: {key: value}}`` from documented or plain TOML entries."""
    values: dict[str, dict[str, Any]] = {}
    for section, entries in raw.items():
        if not isinstance(entries, Mapping):
            msg = (f"{origin}: {section!r} must be a table [{section}] of key = value. "
                   "Fix: move the entry under its section")
            raise InputError(msg)
        values[section] = {}
        for key, entry in entries.items():
            if isinstance(entry, Mapping):
                if "value" not in entry:
                    msg = (f"{origin}: {section}.{key} needs a 'value' (with 'unit' and "
                           "'source'). Fix: write key = { value = ... }")
                    raise InputError(msg)
                values[section][key] = entry["value"]
            else:
                values[section][key] = entry
    return values


def split_overrides(overrides: Mapping[str, Any], sections: Sequence[str],
                    example: str = "stock_link={'ratio': 0.8}") -> dict[str, dict[str, Any]]:
    """Accept ``section={...}`` and ``section__field=value`` keyword overrides.

    ``sections`` are the valid section names (for the closest-key hint) and ``example``
    shows the syntax.
    """
    out: dict[str, dict[str, Any]] = {}
    for key, value in overrides.items():
        if "__" in key:
            section, name = key.split("__", 1)
            out.setdefault(section, {})[name] = value
        elif isinstance(value, Mapping):
            out.setdefault(key, {}).update(value)
        else:
            msg = (f"override {key!r} must be a section table (e.g. {example}) or "
                   f"section__field=value; {closest_key(key, list(sections))}")
            raise InputError(msg)
    return out


def build_sections(groups: Mapping[str, type[Params]], values: Mapping[str, Any],
                   base: Mapping[str, Params], origin: str) -> dict[str, Params]:
    """Apply ``{section: {key: value}}`` to ``base`` groups; unknown sections name the closest."""
    out = dict(base)
    for section, entries in values.items():
        require_key(section, list(groups), origin, f"section [{section}]")
        require_table(entries, origin, f"section {section!r}", "[section] then key = value")
        out[section] = out[section].replace(entries, origin=origin, section=section)
    return out


def load_policy_file(policy_cls: Any, family: str, path: str | Path | None,
                     overrides: Mapping[str, Any], *, what: str, sections: Sequence[str],
                     example: str) -> Any:
    """Read a policy family's TOML (the packaged one when ``path`` is None), then overrides.

    ``policy_cls`` has ``from_dict(values, base=..., origin=...)``; ``family`` names the
    packaged file (:data:`landsim.resources.POLICY_FILES`); ``what`` names the kind of file
    in messages; ``sections`` and ``example`` serve the override hints.
    """
    from landsim.resources import policy_file

    target = policy_file(family) if path is None else Path(path)
    origin = f"packaged {target.name}" if path is None else str(target)
    policy = policy_cls.from_dict(section_values(read_toml(target, what=what), origin),
                                  origin=origin)
    if overrides:
        policy = policy_cls.from_dict(split_overrides(overrides, sections, example),
                                      base=policy, origin="override")
    return policy
