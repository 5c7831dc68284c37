"""The built wheel works outside the source tree: packaged policy, scenarios and sample county.

The wheel is built without network (no build isolation), installed with ``--no-deps`` into a
fresh virtual environment whose dependencies come from the running one through a ``.pth``
path line, and the commands run from a folder outside the repository. Paths that only an
editable checkout has (``Path(__file__).parents[N]``) would break here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = pytest.mark.slow


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None,
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False,
                          timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict[str, str], Path]:
    """(venv bin folder, environment, a working folder outside the repo)."""
    root = tmp_path_factory.mktemp("wheel")
    wheels = root / "wheels"
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                  "--quiet", "-w", str(wheels), str(REPO)], cwd=root)
    assert built.returncode == 0, built.stderr
    wheel = next(wheels.glob("landsim-*.whl"))
    venv = root / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=root)
    assert made.returncode == 0, made.stderr
    py = venv / "bin" / "python"
    site = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=root).stdout.strip())
    # dependencies from the running environment, but not its (editable) landsim
    (site / "_landsim_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n",
                                                 encoding="utf-8")
    inst = _run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet",
                 "--target", str(site), str(wheel)], cwd=root)
    assert inst.returncode == 0, inst.stderr
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "LANDSIM", "VIRTUAL_ENV"))}
    work = root / "elsewhere"
    work.mkdir()
    return venv / "bin", env, work


def test_the_wheel_is_imported_not_the_checkout(installed):
    bin_dir, env, work = installed
    done = _run([str(bin_dir / "python"), "-c", "import landsim; print(landsim.__file__)"],
                cwd=work, env=env)
    assert done.returncode == 0, done.stderr
    assert str(REPO / "src") not in done.stdout and "site-packages" in done.stdout


def test_packaged_scenario_by_name(installed):
    bin_dir, env, work = installed
    done = _run([str(bin_dir / "python"), "-m", "landsim", "quota", "simulate",
                 "--scenario", "baseline", "--scheduler", "none", "--out", "quota"],
                cwd=work, env=env)
    assert done.returncode == 0, done.stderr
    assert (work / "quota" / "annual.csv").stat().st_size > 0
    assert "scenario baseline" in done.stdout


def test_info_reads_the_packaged_sample_county(installed):
    bin_dir, env, work = installed
    done = _run([str(bin_dir / "python"), "-m", "landsim", "info"], cwd=work, env=env)
    assert done.returncode == 0, done.stderr
    assert "Parcels 图斑: 5,000" in done.stdout


def test_stock_assess_uses_the_packaged_policy(installed):
    bin_dir, env, work = installed
    done = _run([str(bin_dir / "python"), "-m", "landsim", "stock", "assess", "--out", "stock"],
                cwd=work, env=env)
    assert done.returncode == 0, done.stderr
    summary = json.loads((work / "stock" / "summary.json").read_text(encoding="utf-8"))
    assert summary["supply_rate_floor"] == 0.6
    listed = _run([str(bin_dir / "python"), "-c",
                   "from landsim.quota.scenario import load_scenarios; "
                   "print(len(load_scenarios()))"], cwd=work, env=env)
    assert listed.stdout.strip() == "4", listed.stderr
