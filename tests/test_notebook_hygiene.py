"""Notebooks: same first cell everywhere, outputs stored for strict nbval, nothing that
varies between runs left unmarked, and no widget state saved."""

from __future__ import annotations

import json
import re

import pytest
from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
MARK = "# NBVAL_IGNORE_OUTPUT"
LANDING = "index.ipynb"
"""The Voila landing page: its list of pages is read live, so no output of it is checked."""


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _source(cell) -> str:
    return "".join(cell["source"])


def test_there_are_notebooks():
    assert any(p.name == "00_tour.ipynb" for p in NOTEBOOKS)


def test_first_code_cell_is_identical_everywhere():
    firsts = {p.name: _source(_code_cells(_load(p))[0]) for p in NOTEBOOKS}
    reference = firsts["00_tour.ipynb"]
    assert "SEED = " in reference and "SOLVER_MSG = False" in reference
    assert "warnings.filterwarnings" in reference and "display.precision" in reference
    for name, source in firsts.items():
        assert source == reference, f"{name}: first code cell differs from 00_tour.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_stored_and_clean(path):
    nb = _load(path)
    assert "widgets" not in nb["metadata"], "widget state saved: run tools/execute_notebooks.py"
    cells = _code_cells(nb)
    assert sum(bool(c["outputs"]) for c in cells) >= len(cells) // 2, "outputs not stored"
    checked = [c for c in cells if not _source(c).startswith(MARK) and c["outputs"]]
    assert checked or path.name == LANDING, "no output is checked by nbval"
    for cell in cells:
        assert "execution" not in cell["metadata"], "execution timestamps stored"
        for output in cell["outputs"]:
            text = json.dumps(output)
            if _source(cell).startswith(MARK):
                continue
            assert "image/png" not in text, "plot output must be in an NBVAL_IGNORE_OUTPUT cell"
            assert "widget-view" not in text, "widget output must be NBVAL_IGNORE_OUTPUT"
            assert not re.search(r"/(home|root|tmp)/", text), "absolute path in a checked output"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_bilingual_and_thin(path):
    nb = _load(path)
    title = _source(nb["cells"][0])
    assert re.search(r"[\u4e00-\u9fff]", title) and re.search(r"[A-Za-z]{4}", title)
    for cell in _code_cells(nb):
        assert "sys.path" not in _source(cell), "import landsim, do not patch sys.path"
        assert not re.search(r"^\s*(def|class) ", _source(cell), re.M) or \
            len(_source(cell).splitlines()) <= 10, "move long helpers into src/landsim"


OLD_PRESENTATION = ("landsim.monitor.charts", "landsim.monitor.widgets",
                    "landsim.stockland.widgets", "landsim.siting.views",
                    "stockland import widgets", "siting import examples, views")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_figures_and_widgets_come_from_the_presentation_layer(path):
    """Charts are ``landsim.plots.*`` and widgets ``landsim.widgets.*``; the engines' old
    presentation modules are gone."""
    for cell in _code_cells(_load(path)):
        source = _source(cell)
        for old in OLD_PRESENTATION:
            assert old not in source, f"{path.name}: {old!r}; use landsim.plots / landsim.widgets"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_versions_only_at_the_end(path):
    """Planners see results first: package versions (for researchers) come last, with
    their output collapsed; no raw dict or repr is the output of a checked cell."""
    cells = _code_cells(_load(path))
    with_versions = [i for i, c in enumerate(cells) if "show_versions" in _source(c)]
    assert with_versions in ([], [len(cells) - 1]), "versions cell must be the last code cell"
    if with_versions:
        assert cells[-1]["metadata"].get("jupyter", {}).get("outputs_hidden") is True
    for cell in cells:
        for output in cell["outputs"]:
            plain = "".join(output.get("data", {}).get("text/plain", []))
            assert not plain.startswith("{'"), f"raw dict shown: {plain[:60]}"


def test_landing_page_lists_every_page_with_a_chinese_title():
    from landsim.app import pages

    table = pages(REPO / "notebooks")
    assert set(table["file"]) == {p.name for p in NOTEBOOKS} - {LANDING}
    for row in table.itertuples(index=False):
        assert re.search(r"[\u4e00-\u9fff]", row.title) and " · " in row.title, row.file
        assert re.search(r"[\u4e00-\u9fff]", row.description), row.file


def test_voila_culls_idle_kernels_and_uses_the_safe_client():
    import importlib

    config = json.loads((REPO / "voila.json").read_text(encoding="utf-8"))
    cull = config["MappingKernelManager"]
    assert cull["cull_idle_timeout"] > 0 and cull["cull_interval"] > 0
    assert 0 < config["VoilaExecutor"]["timeout"] <= 600
    module, _, name = config["KernelManager"]["client_class"].rpartition(".")
    assert getattr(importlib.import_module(module), name).__name__ == name
