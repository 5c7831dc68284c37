"""The one output writer: every result file goes to a temporary name, then into place.

Every verb of the command line and every ``write_*`` function of an engine hands its files
to :func:`write_outputs` (a folder of files) or :func:`write_output` (one file). Each file
is produced by a *writer*, a callable taking the temporary path; :func:`csv_writer`,
:func:`json_writer` and :func:`text_writer` make the common ones. A failure in any writer
leaves nothing under the final names (no partial output), and a target that is one of the
run's input files is refused before anything is written (inputs are never overwritten).

>>> import tempfile, pandas as pd
>>> with tempfile.TemporaryDirectory() as d:
...     paths = write_outputs(Path(d) / "out", {"a.csv": csv_writer(pd.DataFrame({"x": [1]}))})
...     print([p.name for p in paths], paths[0].read_text().strip())
['a.csv'] x
1
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from landsim.errors import InputError

__all__ = [
    "Writer",
    "csv_writer",
    "json_safe",
    "json_writer",
    "text_writer",
    "write_output",
    "write_outputs",
]

Writer = Callable[[Path], object]
"""Writes one file at the path it is given."""

PathLike = str | os.PathLike[str]


def csv_writer(frame: pd.DataFrame, float_format: str | None = "%.6g",
               index: bool = False) -> Writer:
    """Writer of ``frame`` as UTF-8 CSV with ``\\n`` line ends."""
    return lambda p: frame.to_csv(p, index=index, lineterminator="\n",
                                  float_format=float_format)


def json_safe(data: Any) -> Any:
    """``data`` with NaN and infinities replaced by ``None`` (JSON has neither)."""
    if isinstance(data, Mapping):
        return {k: json_safe(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [json_safe(v) for v in data]
    if isinstance(data, float) and not math.isfinite(data):
        return None
    return data


def json_writer(data: Any) -> Writer:
    """Writer of ``data`` as indented UTF-8 JSON (NaN and inf written as null)."""
    text = json.dumps(json_safe(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return text_writer(text)


def text_writer(text: str) -> Writer:
    """Writer of a UTF-8 text file."""
    return lambda p: p.write_text(text, encoding="utf-8")


def _refuse_inputs(targets: Iterable[Path], inputs: Iterable[PathLike], option: str) -> None:
    """Refuse a target that is an input file or an existing file inside an input folder."""
    for src in (Path(p) for p in inputs if p is not None):
        src_path = src.resolve()
        for target in targets:
            t = target.resolve()
            clash = t == src_path or (src.is_dir() and t.parent == src_path and t.exists())
            if clash:
                msg = (f"{option} {target.parent}: would overwrite the input {t}. Fix: write "
                       "the results to another folder")
                raise InputError(msg)


def write_outputs(out: PathLike, writers: Mapping[str, Writer], *,
                  inputs: Iterable[PathLike] = (), option: str = "--out") -> list[Path]:
    """Write every file of ``writers`` into folder ``out``, all or nothing.

    Files are written into a temporary folder beside ``out`` and moved in only once every
    writer succeeded. ``inputs`` are the run's input files: a target with the same path is
    refused (:class:`InputError`) before anything is written. ``option`` names the
    command-line option in messages.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        msg = f"{option} {out}: a file has that name, but a folder is needed. Fix: give a folder"
        raise InputError(msg)
    targets = [out / name for name in writers]
    _refuse_inputs(targets, inputs, option)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp_root = tempfile.mkdtemp(prefix=".landsim_", dir=out.parent)
    except OSError as err:
        msg = (f"{option} {out}: cannot write there ({err.strerror}). Fix: give a writable "
               "folder")
        raise InputError(msg) from None
    tmp = Path(tmp_root)
    try:
        for name, write in writers.items():
            write(tmp / name)
        out.mkdir(exist_ok=True)
        done = []
        for name in writers:
            target = out / name
            os.replace(tmp / name, target)
            done.append(target)
        return done
    except OSError as err:
        msg = (f"{option} {out}: cannot write there ({err.strerror}). Fix: give a writable "
               "folder")
        raise InputError(msg) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_output(path: PathLike, writer: Writer, *, inputs: Iterable[PathLike] = (),
                 option: str = "--out") -> Path:
    """Write one file at ``path`` through a temporary name beside it (see above)."""
    path = Path(path)
    if path.is_dir():
        msg = f"{option} {path}: is a folder, but a file name is needed. Fix: give a file path"
        raise InputError(msg)
    if not path.parent.is_dir():
        msg = (f"{option} {path}: folder {path.parent} not found. Fix: create it or write "
               "elsewhere")
        raise InputError(msg)
    return write_outputs(path.parent, {path.name: writer}, inputs=inputs, option=option)[0]

