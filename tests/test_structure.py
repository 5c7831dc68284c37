"""The package's shape: no import cycles, a lazy command line, data found as package data,
and every shared policy figure declared once (issue "One county, one truth")."""

from __future__ import annotations

import ast
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

import landsim
from landsim.policy import COMMON, CommonFigures

SRC = Path(landsim.__file__).parent


def _modules() -> dict[str, Path]:
    """Every module of the package: dotted name -> file."""
    out = {"landsim": SRC / "__init__.py"}
    for info in pkgutil.walk_packages([str(SRC)], prefix="landsim."):
        spec = info.module_finder.find_spec(info.name, None)  # type: ignore[call-arg]
        if spec is not None and spec.origin and spec.origin.endswith(".py"):
            out[info.name] = Path(spec.origin)
    return out


MODULES = _modules()


def _module_level_imports(name: str, path: Path) -> set[str]:
    """landsim modules imported by the top-level statements of a module (not in functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(stmts: list[ast.stmt]) -> None:
        for node in stmts:
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                found.add(base)
                found.update(f"{base}.{a.name}" for a in node.names)
            elif isinstance(node, ast.If | ast.Try | ast.With):
                if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                    continue
                for block in ("body", "orelse", "finalbody", "handlers"):
                    for child in getattr(node, block, []):
                        visit(child.body if isinstance(child, ast.ExceptHandler) else [child])

    visit(tree.body)
    return {m for m in found if m in MODULES and m != name}


def test_the_package_has_many_modules_to_check():
    assert len(MODULES) > 60
    assert "landsim.quota.engine" in MODULES and "landsim.cli" in MODULES


def test_no_module_level_import_cycle():
    graph = nx.DiGraph()
    for name, path in MODULES.items():
        graph.add_node(name)
        graph.add_edges_from((name, dep) for dep in _module_level_imports(name, path))
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert cycles == [], f"import cycles: {cycles}"


def test_cycle_detector_finds_a_planted_cycle(tmp_path):
    a = tmp_path / "a.py"
    a.write_text("from landsim.quota import engine\nimport landsim.errors\n", encoding="utf-8")
    assert _module_level_imports("landsim.fake", a) == {"landsim.quota", "landsim.quota.engine",
                                                        "landsim.errors"}


def _count_modules(*argv: str) -> tuple[int, set[str], str]:
    code = ("import sys, atexit\n"
            "atexit.register(lambda: print('MODULES', len(sys.modules), ' '.join(sys.modules),"
            " file=sys.stderr))\n"
            "from landsim.cli import main\n"
            f"sys.exit(main({list(argv)!r}))\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, check=False)
    line = next(x for x in done.stderr.splitlines() if x.startswith("MODULES"))
    _, count, *names = line.split()
    return int(count), set(names), done.stdout


@pytest.mark.parametrize("argv", [("--version",), ("--help",)])
def test_version_and_help_import_no_engine(argv):
    count, names, out = _count_modules(*argv)
    assert count <= 100, f"{argv}: {count} modules"
    heavy = {"pandas", "numpy", "pulp", "scipy", "geopandas", "matplotlib", "ipywidgets",
             "highspy", "landsim.quota", "landsim.farmland", "landsim.stockland"}
    assert not heavy & names, sorted(heavy & names)
    assert "landsim" in out


def test_help_lists_every_verb():
    from landsim.cli import VERBS

    _, _, out = _count_modules("--help")
    assert all(verb in out for verb in VERBS)


def test_every_verb_module_registers_its_verb():
    import argparse
    import importlib

    from landsim.cli import VERBS

    for verb, (module, _) in VERBS.items():
        parser = argparse.ArgumentParser(prog="landsim")
        sub = parser.add_subparsers(dest="command")
        importlib.import_module(module).register(sub, verb)
        assert verb in sub.choices, verb


def test_data_is_never_found_through_file_paths():
    offenders = [f"{name}:{i}" for name, path in MODULES.items()
                 for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if "__file__" in line and "parents" in line]
    assert offenders == []


# ---------------------------------------------------------------- one declaration per figure
FIGURES = {
    COMMON.supply_rate_floor: "supply_rate_floor",
    COMMON.udb_expansion_multiple: "udb_expansion_multiple",
    COMMON.max_slope_deg: "max_slope_deg",
    COMMON.pbf_compensation_ratio: "pbf_compensation_ratio",
    COMMON.elasticity_benchmark: "elasticity_benchmark",
    COMMON.per_capita_band_min_m2: "per_capita_band_min_m2",
    COMMON.per_capita_band_max_m2: "per_capita_band_max_m2",
    15: "MU_PER_HA (landsim.units)",
    10_000: "M2_PER_HA (landsim.units)",
}
"""Literal -> the one declaration a module must import instead of retyping it."""

HOMES = {"landsim.policy", "landsim._params", "landsim.units"}
"""Modules allowed to declare the figures."""

ALLOWED: dict[tuple[str, float], str] = {
    ("landsim.quota.ensemble", 25): "percentile 25 of the ensemble bands",
    ("landsim.quota.ensemble", 10_000): "default batch size (draws), not an area",
    ("landsim.cli.quota", 10_000): "default --batch-size (draws), not an area",
    ("landsim.topsoil.model", 10_000): "yuan per 万元 (YUAN_PER_WAN), not an area",
    ("landsim.quota.population", 10_000): "sentinel year bound, not an area",
    ("landsim.synthetic", 0.6): "shares of random draws in the synthetic generator",
    ("landsim.synthetic", 15): "industry code 15 and a slope draw in the generator",
    ("landsim.synthetic", 25): "slope at which the generator thins PBF (synthetic data)",
    ("landsim.plots", 0.6): "line width / transparency",
    ("landsim.stockland.params", 0.6): "2008 minimum plot ratio of industries 26/32/33",
    ("landsim.stockland.params", 15): "industry code 15 (beverages) of the 2008 table",
    ("landsim.stockland.params", 25): "industry code 25 (petroleum) of the 2008 table",
    ("landsim.quota.params", 25.0): "GB 50137 largest decrease -25 m2/person, not a slope",
    ("landsim.topsoil.params", 1.3): "road detour factor, not the UDB multiple",
    ("landsim.county_import.importer", 15): "top of the 1-15 耕地质量等别 scale, not mu/ha",
    ("landsim.county_import.layers", 25): "Gauss-Kruger zone 25 (EPSG:4513, 4534), not a slope",
    ("landsim.sandiao", 15): "upper bound of slope grade 3 (6-15°), not mu/ha",
}
"""(module, literal) pairs that are true constants, not the policy figure."""


def _literals(path: Path) -> list[tuple[int, float]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and type(n.value) in (int, float)]


def test_policy_figures_are_declared_once():
    retyped = []
    for name, path in MODULES.items():
        if name in HOMES:
            continue
        for line, value in _literals(path):
            if value in FIGURES and (name, value) not in ALLOWED and not any(
                    name.startswith(f"{mod}.") and value == v for (mod, v) in ALLOWED):
                retyped.append(f"{name}:{line} {value!r} (import {FIGURES[value]})")
    assert retyped == [], "policy figures retyped:\n" + "\n".join(retyped)


def test_every_common_figure_has_unit_source_and_range():
    for row in CommonFigures.table():
        assert row["unit"] and row["source"] and row["description"], row["name"]
        assert row["lo"] is not None or row["hi"] is not None, row["name"]
