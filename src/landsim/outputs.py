"""Writing result files safely: into a temporary name, then moved into place.

An interrupted run never leaves a half-written file under the final name, and input files
are never opened for writing.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from landsim.errors import InputError

__all__ = ["prepare_out_dir", "write_atomically", "write_csv", "write_json"]


def prepare_out_dir(path: str | os.PathLike[str]) -> Path:
    """Create the output folder (and parents) or explain why it cannot be used."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        msg = f"{out}: --out must be a folder, but a file has that name. Fix: pick another path."
        raise InputError(msg)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        msg = f"{out}: cannot create the output folder ({err.strerror}). Fix: pick a writable path."
        raise InputError(msg) from None
    return out


def write_csv(frame: pd.DataFrame, path: Path, float_format: str | None = "%.6g") -> Path:
    """Write ``frame`` as UTF-8 CSV (no index) via a temporary file; return ``path``."""
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_csv(tmp, index=False, lineterminator="\n", float_format=float_format)
    tmp.replace(path)
    return path


def write_json(data: Any, path: Path) -> Path:
    """Write ``data`` as indented UTF-8 JSON via a temporary file; return ``path``."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=True) + "\n",
                   encoding="utf-8")
    tmp.replace(path)
    return path


def write_atomically(out: str | os.PathLike[str],
                     writers: dict[str, Callable[[Path], object]]) -> list[Path]:
    """Write every file to a temporary folder beside ``out``, then move them into ``out``
    (so a failed run leaves no half-written outputs)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        msg = f"{out}: exists and is not a folder. Fix: give a folder for --out."
        raise InputError(msg)
    out.parent.mkdir(parents=True, exist_ok=True)
    done = []
    with tempfile.TemporaryDirectory(prefix=".landsim_", dir=out.parent) as tmp:
        for name, write in writers.items():
            write(Path(tmp) / name)
        out.mkdir(exist_ok=True)
        for name in writers:
            target = out / name
            if target.exists():
                target.unlink()
            shutil.move(str(Path(tmp) / name), target)
            done.append(target)
    return done
