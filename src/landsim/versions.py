"""Versions of landsim and the libraries it runs on, for reproducible notebook runs."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

__all__ = ["show_versions", "versions"]

PACKAGES = ("landsim", "numpy", "pandas", "scipy", "pulp", "geopandas", "pyogrio", "shapely",
            "pyproj", "matplotlib", "ipywidgets", "jupyterlab")


def versions() -> dict[str, str]:
    """Python and package versions; 'not installed' for missing optional ones."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def show_versions() -> None:
    """Print :func:`versions` one per line (notebooks call this in an ignored cell)."""
    print("\n".join(f"{k:>12}: {v}" for k, v in versions().items()))
