"""Headless notebook execution that always finishes (the demo, the report, the stress run).

Why runs hung (jupyter/nbclient issue 312, diagnosed here with py-spy and socket probes):
while nbclient waits for a cell's ``execute_reply`` it awaits ``poll()`` on the asyncio
shell socket with no time limit. When the cell holds an ``ipywidgets`` output area
(``interactive``), nbclient's output-widget stand-in answers every captured output by
sending a ``comm_msg`` on that same shell socket from the IOPub handler; in some runs the
wake-up for the reply that arrives next is lost (ZeroMQ's edge-triggered descriptor). The
reply then sits in the client's socket (``EVENTS`` = POLLIN | POLLOUT, kernel idle, every
output received) and the client waits for ever. Without the stand-in's ``sync_state`` no
run stalled; with it 40-75 % of the runs of ``00_tour`` did.

The fix is at that wait: :class:`ReplyPollingKernelClient` polls the shell socket in short
slices (:data:`POLL_SLICE_S`), and each slice ends with a direct, synchronous poll of the
socket, which sees a reply whose wake-up was lost. The kernel's output-widget contents stay
as they were (the demo pages and Voila need them). Voila uses the same client through its
configuration (``notebooks/voila.json``).

Kernels are started over IPC sockets in a private temporary folder rather than TCP, which
keeps ipykernel's "Kernel is running over TCP without encryption" warning off the
planner's terminal. What remains is bounded by a per-cell time limit: a stall or a slow
cell becomes :class:`NotebookRunError` naming the notebook and the cell.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from queue import Empty
from typing import TYPE_CHECKING, Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from traitlets import Type

from landsim.errors import LandsimError

if TYPE_CHECKING:
    import nbformat

__all__ = ["DEFAULT_CELL_TIMEOUT_S", "POLL_SLICE_S", "NotebookRunError",
           "ReplyPollingKernelClient", "ReplyPollingShellChannel", "execute_notebook"]

POLL_SLICE_S = 0.5
"""Longest single wait on the shell socket before it is polled directly. [s]"""

DEFAULT_CELL_TIMEOUT_S = 300.0
"""Time one cell may run before the run stops with an error naming it. [s]"""

CLIENT_CLASS = "landsim.execution.ReplyPollingKernelClient"
"""Dotted name of the kernel client, for Jupyter configuration files (Voila)."""


class NotebookRunError(LandsimError, RuntimeError):
    """A notebook cell failed, timed out or lost its kernel; the message names the
    notebook, the cell and what happened."""


class ReplyPollingShellChannel(AsyncZMQSocketChannel):
    """Shell channel whose ``get_msg`` waits in slices of :data:`POLL_SLICE_S`.

    Each slice that times out ends in pyzmq with a synchronous ``poll(0)`` of the socket,
    so a reply whose asyncio wake-up was lost is received within one slice; the overall
    ``timeout`` [s] keeps its meaning (``None``: no limit). ``recovered`` counts the
    replies found by that direct poll at the end of a full slice (lost wake-ups, plus the
    rare reply arriving in the slice's last instant): the stress benchmark reports it.
    """

    recovered = 0
    """Replies found only when a slice ran out (class-wide count)."""

    async def get_msg(self, timeout: float | None = None) -> dict[str, Any]:  # type: ignore[override]
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = POLL_SLICE_S if deadline is None else deadline - time.monotonic()
            step = max(0.0, min(POLL_SLICE_S, left))
            start = time.monotonic()
            if await self.socket.poll(int(step * 1000) or 1):
                if time.monotonic() - start >= step - 1e-3:
                    type(self).recovered += 1
                return await self._recv()
            if deadline is not None and time.monotonic() >= deadline:
                raise Empty


class ReplyPollingKernelClient(AsyncKernelClient):
    """Async kernel client with :class:`ReplyPollingShellChannel` as its shell channel."""

    shell_channel_class = Type(ReplyPollingShellChannel)  # type: ignore[assignment]


def _cell_label(nb: nbformat.NotebookNode, cell: Any) -> str:
    """'cell 7 (`explorer = landsim.widgets...`)': position among code cells and first line."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    number = next((i for i, c in enumerate(code, 1) if c is cell), 0)
    lines = [s for s in str(cell.get("source", "")).splitlines()
             if s.strip() and not s.startswith("#")]
    first = (lines[0][:60] + ("..." if len(lines[0]) > 60 else "")) if lines else ""
    return f"code cell {number} of {len(code)} (`{first}`)"


def execute_notebook(nb: nbformat.NotebookNode, *, name: str, cwd: str | os.PathLike[str],
                     cell_timeout: float = DEFAULT_CELL_TIMEOUT_S) -> nbformat.NotebookNode:
    """Execute ``nb`` in place in a fresh Python kernel and return it.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook (modified in place).
    name : str
        Name used in error messages (e.g. the file name).
    cwd : path
        Working folder of the kernel (a notebook runs in its own folder).
    cell_timeout : float
        Time one cell may take. [s]

    The widget state is kept in ``nb.metadata.widgets`` (HTML pages show the widgets;
    nbclient's output-widget stand-in needs it); drop it before saving for nbval.

    Raises
    ------
    NotebookRunError
        A cell raised, ran over ``cell_timeout`` or the kernel died; the message names
        ``name`` and the cell.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from traitlets.config import Config

    ipc_dir = tempfile.mkdtemp(prefix="landsim-kernel-")
    # nbclient builds (and afterwards shuts down) the kernel manager from this config
    config = Config({"KernelManager": {"transport": "ipc", "ip": str(Path(ipc_dir) / "k"),
                                       "client_class": CLIENT_CLASS}})
    client = NotebookClient(nb, config=config, timeout=int(max(1, cell_timeout)),
                            kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(cwd)}})
    current: dict[str, Any] = {}

    def on_cell_start(cell: Any, cell_index: int) -> None:
        current["cell"] = cell

    client.on_cell_start = on_cell_start
    try:
        client.execute()
    except CellTimeoutError:
        where = _cell_label(nb, current.get("cell"))
        msg = (f"{name}: {where} ran over {cell_timeout:g} s and was stopped. Fix: run it "
               "in JupyterLab to see where it waits, or raise the cell time limit")
        raise NotebookRunError(msg) from None
    except DeadKernelError:
        where = _cell_label(nb, current.get("cell"))
        msg = f"{name}: the kernel died during {where}. Fix: check memory and the cell's code"
        raise NotebookRunError(msg) from None
    except CellExecutionError as err:
        where = _cell_label(nb, current.get("cell"))
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(err)).strip()  # no terminal colours
        last = text.splitlines()[-1] if text else type(err).__name__
        msg = f"{name}: {where} failed: {last}"
        raise NotebookRunError(msg) from None
    except Exception as err:  # the client itself failed: still one line naming the cell
        where = _cell_label(nb, current.get("cell"))
        msg = f"{name}: running {where} failed in the notebook client ({type(err).__name__})"
        raise NotebookRunError(msg) from err
    finally:
        shutil.rmtree(ipc_dir, ignore_errors=True)
    return nb
