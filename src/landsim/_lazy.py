"""Names of a package loaded on first use (PEP 562), so light imports stay light.

>>> import types
>>> ns = {}
>>> all_, getattr_, dir_ = lazy_names(ns, {"math": ("pi",)}, "demo")
>>> all_, round(getattr_("pi"), 2), "pi" in ns
(['pi'], 3.14, True)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(namespace: dict[str, Any], modules: Mapping[str, tuple[str, ...]],
               package: str) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """``__all__``, ``__getattr__`` and ``__dir__`` of a package whose public names live
    in ``modules`` (module -> names) and are imported on first access."""
    where = {name: module for module, names in modules.items() for name in names}

    def getattr_(name: str) -> Any:
        if name in where:
            value = getattr(importlib.import_module(where[name]), name)
            namespace[name] = value
            return value
        msg = f"module {package!r} has no attribute {name!r}"
        raise AttributeError(msg)

    def dir_() -> list[str]:
        return sorted({*namespace, *where})

    return sorted(where), getattr_, dir_
