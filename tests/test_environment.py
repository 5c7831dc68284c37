"""environment.yml and pyproject.toml declare the same packages with the same bounds."""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml
from conftest import REPO

CONDA_NAMES = {"pyyaml": "pyyaml", "ortools": "ortools-python"}  # PyPI name -> conda-forge name, where they differ


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _split(requirement: str) -> tuple[str, str]:
    match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*", requirement)
    assert match, requirement
    return _normalise(match.group(1)), match.group(2).replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    return dict(_split(r) for r in reqs)


def conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    deps = [d for d in env["dependencies"] if isinstance(d, str)]
    for section in (d for d in env["dependencies"] if isinstance(d, dict)):
        deps += [d for d in section["pip"] if not d.startswith("-")]
    out = dict(_split(d) for d in deps)
    out.pop("pip")
    python = out.pop("python")
    assert python == ">=3.11"
    return out


def test_same_packages_and_bounds():
    pip = {CONDA_NAMES.get(k, k): v for k, v in pyproject_requirements().items()}
    conda = conda_requirements()
    assert sorted(pip) == sorted(conda), "packages differ between pyproject and environment.yml"
    for name, spec in pip.items():
        assert conda[name] == spec, f"{name}: pyproject {spec} vs environment.yml {conda[name]}"


@pytest.mark.parametrize("name, spec", sorted(pyproject_requirements().items()))
def test_every_dependency_has_lower_and_upper_bound(name, spec):
    assert re.fullmatch(r">=[\d.]+,<[\d.]+", spec), f"{name}{spec}: give >=tested,<next major"


def test_python_floor_matches():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
