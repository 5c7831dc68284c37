"""Execute notebooks in place and store clean outputs for strict nbval.

Runs each notebook in its own folder (as nbval does) through
:func:`landsim.execution.execute_notebook` (no hang, per-cell time limit), without widget
state (random model ids) or per-cell execution timestamps, which never match on a re-run.

    python tools/execute_notebooks.py notebooks/*.ipynb
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

from landsim.execution import NotebookRunError, execute_notebook


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    execute_notebook(nb, name=str(path), cwd=path.parent, cell_timeout=1200)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        try:
            execute(Path(arg))
        except NotebookRunError as err:
            sys.exit(f"execute_notebooks: error: {err}")
        print(f"executed {arg}")
