"""Headless notebook runs end (landsim.execution): errors and stalls name the notebook and
the cell, widget cells run, and no kernel or solver banner reaches the terminal."""

from __future__ import annotations

import nbformat
import pulp
import pytest

from landsim.execution import NotebookRunError, ReplyPollingKernelClient, execute_notebook


def _notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def test_a_widget_notebook_runs_and_keeps_the_widget_output(tmp_path, capfd):
    nb = _notebook("import ipywidgets as w",
                   "w.interactive(lambda x: print(f'x is {x}'), x=w.FloatSlider(value=2.0))",
                   "print('after the widget')")
    execute_notebook(nb, name="w.ipynb", cwd=tmp_path, cell_timeout=60)
    assert nb.cells[2].outputs[0]["text"] == "after the widget\n"
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    outputs = [m["state"].get("outputs") for m in state.values()
               if m["model_name"] == "OutputModel"]
    assert any(o and "x is 2.0" in o[0].get("text", "") for o in outputs)
    err = capfd.readouterr().err
    assert "Kernel is running over TCP" not in err and "Parent appears" not in err


def test_a_failing_cell_is_named(tmp_path):
    nb = _notebook("x = 1", "# a comment\n1 / 0")
    with pytest.raises(NotebookRunError, match=r"^t\.ipynb: code cell 2 of 2 \(`1 / 0`\) "
                                               r"failed: ZeroDivisionError"):
        execute_notebook(nb, name="t.ipynb", cwd=tmp_path, cell_timeout=60)


def test_a_stall_becomes_an_error_naming_the_cell(tmp_path):
    nb = _notebook("import time", "time.sleep(60)")
    with pytest.raises(NotebookRunError, match=r"s\.ipynb: code cell 2 of 2 "
                                               r"\(`time\.sleep\(60\)`\) ran over 2 s"):
        execute_notebook(nb, name="s.ipynb", cwd=tmp_path, cell_timeout=2)


def test_the_client_polls_the_shell_reply():
    from landsim.execution import ReplyPollingShellChannel

    assert ReplyPollingKernelClient.shell_channel_class.default_value is \
        ReplyPollingShellChannel


def test_highs_prints_no_banner(capfd):
    from landsim.optimize.solvers import highs_available, solve_problem

    if not highs_available():
        pytest.skip("highspy not installed")
    problem = pulp.LpProblem("p", pulp.LpMinimize)
    x = problem.add_variable("x", lowBound=0, cat="Integer")
    problem += x
    problem += x >= 1
    report = solve_problem(problem, "highs")
    assert report.is_optimal and x.value() == 1
    assert "HiGHS" not in capfd.readouterr().out
