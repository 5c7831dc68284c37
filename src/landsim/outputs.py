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

import contextlib
import contextvars
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from landsim.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Writer",
    "check_out",
    "protected_inputs",
    "columns_csv_writer",
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
    """Writer of ``frame`` as UTF-8 CSV with ``\\n`` line ends.

    A table of plain numbers (integer and finite float columns, simple column names; e.g.
    the 100,000 rows of an ensemble's ``draws.csv``) is formatted directly, byte for byte
    what ``DataFrame.to_csv`` writes, several times faster.
    """
    def write(path: Path) -> None:
        text = None if index else _numeric_csv(frame, float_format)
        if text is None:
            frame.to_csv(path, index=index, lineterminator="\n", float_format=float_format)
        else:
            Path(path).write_text(text, encoding="utf-8", newline="")

    return write


def _numeric_csv(frame: pd.DataFrame, float_format: str | None) -> str | None:
    """``frame.to_csv(index=False, lineterminator="\\n", float_format=...)`` for a table of
    integer and finite float columns with plain string names; None for any other table."""
    import numpy as np

    if float_format is None or not len(frame.columns):
        return None
    names = [str(c) for c in frame.columns]
    if any(not isinstance(c, str) or any(ch in c for ch in ',"\n\r') or not c
           for c in frame.columns):
        return None
    cols, fmts = [], []
    for _, col in frame.items():
        kind = col.dtype.kind if isinstance(col.dtype, np.dtype) else "other"
        values = col.to_numpy()
        if kind in ("i", "u"):
            fmts.append("%d")
        elif values.dtype == np.float64 and np.isfinite(values).all():
            fmts.append(float_format)
        else:
            return None
        cols.append(values.tolist())
    row = ",".join(fmts)
    lines = [",".join(names), *(row % r for r in zip(*cols, strict=True))]
    return "\n".join(lines) + "\n"


def columns_csv_writer(columns: Mapping[str, Any], float_format: str | None = "%.6g"
                       ) -> Writer:
    """Writer of a table given as columns (name -> numpy array or list, equal lengths).

    The file is the one :func:`csv_writer` writes for ``pandas.DataFrame(columns)``
    (UTF-8, ``\\n`` line ends, no index, floats in ``float_format``, NaN and None as an
    empty cell, booleans as ``True``/``False``), but pandas is not imported: the command
    line writes small tables this way within its wall-clock budget.

    >>> import numpy as np
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = Path(d) / "t.csv"
    ...     _ = columns_csv_writer({"id": np.array([1, 2]), "x": [0.5, float("nan")],
    ...                             "ok": np.array([True, False])})(path)
    ...     print(path.read_text(), end="")
    id,x,ok
    1,0.5,True
    2,,False
    """

    def write(path: Path) -> None:
        import csv

        cells = [[_csv_cell(v, float_format) for v in _as_list(values)]
                 for values in columns.values()]
        with open(path, "w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow([str(name) for name in columns])
            writer.writerows(zip(*cells, strict=True))

    return write


def _as_list(values: Any) -> list[Any]:
    """A column as a list of Python scalars (``numpy`` arrays through ``tolist``)."""
    return values.tolist() if hasattr(values, "tolist") else list(values)


def _csv_cell(value: Any, float_format: str | None) -> str:
    """One CSV cell as pandas' ``to_csv`` writes it (NaN and None empty)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return float_format % value if float_format else repr(value)
    return str(value)


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


_PROTECTED: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "landsim_protected_inputs", default=())


@contextlib.contextmanager
def protected_inputs(paths: Iterable[PathLike]) -> Iterator[None]:
    """Within the block, no output of :func:`write_outputs` may replace one of ``paths``.

    :func:`landsim.cli.main` registers every path the user gave, so no verb can write over
    its input even where the verb forgot to name it.
    """
    token = _PROTECTED.set(tuple(os.fspath(p) for p in paths if p is not None))
    try:
        yield
    finally:
        _PROTECTED.reset(token)


def _nearest_existing(path: Path) -> Path:
    """``path`` or its closest existing ancestor."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path.cwd()


def check_out(out: PathLike, *, kind: str = "folder", option: str = "--out") -> None:
    """Check an output place before any work: right kind, inside a writable folder.

    Parameters
    ----------
    out : path
        The output folder (``kind='folder'``) or file (``kind='file'``).
    kind : {'folder', 'file'}
    option : str
        The option named in messages.

    Raises
    ------
    InputError
        ``out`` exists as the other kind, a file stands where a folder must be created,
        or the nearest existing folder is not writable.
    """
    path = Path(out)
    if kind == "folder" and path.exists() and not path.is_dir():
        msg = f"{option} {out}: a file has that name, but a folder is needed. Fix: give a folder"
        raise InputError(msg)
    if kind == "file" and path.is_dir():
        msg = f"{option} {out}: is a folder, but a file name is needed. Fix: give a file path"
        raise InputError(msg)
    base = _nearest_existing(path if kind == "folder" else path.parent)
    if not base.is_dir():
        msg = (f"{option} {out}: {base} is a file, so no folder can be made there. Fix: give "
               "a path inside a folder")
        raise InputError(msg)
    if not os.access(base, os.W_OK | os.X_OK):
        msg = (f"{option} {out}: no permission to write in {base}. Fix: give a folder you "
               "may write to")
        raise InputError(msg)


def _refuse_inputs(targets: Iterable[Path], inputs: Iterable[PathLike], option: str) -> None:
    """Refuse a target that is an input file or an existing file inside an input folder."""
    for src in (Path(p) for p in (*inputs, *_PROTECTED.get()) if p is not None):
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
    check_out(out, option=option)
    created = [p for p in (out, *out.parents) if not p.exists()]
    done: list[Path] = []
    tmp: Path | None = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".landsim_", dir=out.parent))
        for name, write in writers.items():
            write(tmp / name)
        out.mkdir(exist_ok=True)
        for name in writers:
            target = out / name
            os.replace(tmp / name, target)
            done.append(target)
        return done
    except OSError as err:
        _remove_created(done, created)
        msg = (f"{option} {out}: cannot write there ({err.strerror}). Fix: give a writable "
               "folder with free space")
        raise InputError(msg) from None
    except BaseException:
        _remove_created(done, created)
        raise
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _remove_created(done: list[Path], created: list[Path]) -> None:
    """Undo a failed write: files moved into place, then the folders this call made."""
    if not created:
        return  # the folder existed: files already moved stay only if they were complete
    for path in done:
        with contextlib.suppress(OSError):
            path.unlink()
    for folder in created:  # deepest first
        with contextlib.suppress(OSError):
            folder.rmdir()


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

