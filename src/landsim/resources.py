"""Packaged data, found through :mod:`importlib.resources` (never ``__file__`` paths).

Everything landsim ships lives in ``landsim/data``:

- ``policy/*.toml`` - the policy files (one per rule family, each figure with unit and
  source);
- ``scenarios/*.toml`` - the quota scenarios, addressable by name (``baseline``);
- ``templates/*.ipynb`` - notebook templates (the annual health-check report);
- ``sample_county/`` - the bundled sample county (Pianguan-like, synthetic parcels).

The functions return real filesystem paths: the wheel is installed unzipped, so
``importlib.resources.files`` gives directories on disk.

>>> policy_file("quota").name
'default.toml'
>>> "baseline" in scenario_names()
True
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from landsim.errors import InputError

__all__ = [
    "POLICY_FILES",
    "data_dir",
    "policy_file",
    "sample_county_dir",
    "scenario_file",
    "scenario_names",
    "template_file",
]

POLICY_FILES: dict[str, str] = {
    "common": "common.toml",
    "quota": "default.toml",
    "stockland": "stockland.toml",
    "topsoil": "topsoil.toml",
    "monitor": "monitor.toml",
    "cultivated": "cultivated.toml",
    "register": "register.toml",
}
"""Policy family -> file name inside ``landsim/data/policy``."""


def data_dir() -> Path:
    """The package's data folder (``landsim/data``)."""
    return Path(str(files("landsim") / "data"))


def policy_file(family: str) -> Path:
    """Path of the packaged policy TOML of ``family`` (see :data:`POLICY_FILES`)."""
    if family not in POLICY_FILES:
        msg = (f"unknown policy family {family!r}; valid: {', '.join(POLICY_FILES)}")
        raise InputError(msg)
    return data_dir() / "policy" / POLICY_FILES[family]


def scenario_names() -> list[str]:
    """Names of the packaged quota scenarios, sorted (``baseline``, ...)."""
    return sorted(p.stem for p in (data_dir() / "scenarios").glob("*.toml"))


def scenario_file(name_or_path: str | Path) -> Path:
    """Resolve a scenario given as an existing file or as a packaged scenario's name.

    Raises
    ------
    InputError
        Neither an existing file nor a packaged name; the message lists the names.
    """
    path = Path(name_or_path)
    if path.is_file():
        return path
    packaged = data_dir() / "scenarios" / f"{path.name.removesuffix('.toml')}.toml"
    if path.parent == Path(".") and packaged.is_file():
        return packaged
    if path.is_dir():
        msg = (f"scenario {name_or_path}: is a folder, not a scenario TOML file. Fix: give a "
               f"file or a packaged name ({', '.join(scenario_names())})")
    else:
        msg = (f"scenario {name_or_path}: no such file or packaged scenario. Fix: give an "
               f"existing TOML file or one of {', '.join(scenario_names())}")
    raise InputError(msg)


def template_file(name: str) -> Path:
    """Path of a packaged notebook template (``health_check.ipynb``)."""
    return data_dir() / "templates" / name


def sample_county_dir() -> Path:
    """Folder of the bundled sample county (``$LANDSIM_SAMPLE_DIR`` overrides it)."""
    env = os.environ.get("LANDSIM_SAMPLE_DIR")
    return Path(env) if env else data_dir() / "sample_county"
