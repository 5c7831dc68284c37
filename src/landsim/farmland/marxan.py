r"""Marxan interoperability: read a Marxan problem and solve its minimum-set form exactly.

Marxan (Ball, Possingham & Watts 2009) solves reserve selection with simulated annealing.
This module reads the same input files and solves the same minimum-set problem to proven
optimality (or a reported gap) with a mixed-integer programme built in PuLP, the approach
of prioritizr's ``add_min_set_objective`` + ``add_boundary_penalties`` (Beyer et al. 2016).

Files read (as Marxan 4 reads them, ``input.cpp``)
--------------------------------------------------
``input.dat``
    ``NAME value`` lines; ``INPUTDIR``, ``PUNAME``, ``SPECNAME`` and ``PUVSPRNAME`` are
    required (Marxan aborts without them), ``BOUNDNAME`` (alias ``CONNECTIONNAME``),
    ``BLM`` (alias ``CM``, default 0) and ``MISSLEVEL`` (default 1, reported only) are
    optional. The last occurrence of a name wins.
``pu.dat``
    ``id`` (required), ``cost`` (default 1), ``status`` (default 0): 0 available,
    1 initial reserve, 2 locked in, 3 locked out.
``spec.dat``
    ``id`` (required), ``target`` (absolute amount), ``prop`` (share of the feature's
    total amount over all planning units; when ``prop > 0`` it replaces ``target``, as in
    Marxan's ``computeSpecProp``), ``targetocc`` (minimum number of selected units holding
    the feature), ``spf`` and ``name`` (reported only).
``puvspr.dat``
    ``species``, ``pu``, ``amount`` (>= 0). A repeated (species, pu) pair keeps its last
    amount, as Marxan does.
``bound.dat``
    ``id1``, ``id2``, ``boundary`` (>= 0). Rows with ``id1 == id2`` are fixed boundary (the
    boundary of a unit on the edge of the study area, counted whenever the unit is
    selected) and are summed; a repeated pair ``(i, j)`` or ``(j, i)`` keeps its first
    value, as Marxan does. No ``BOUNDNAME``, or a named file that does not exist (Marxan
    warns and goes on), means no boundary term.

Each file may be comma, tab or space delimited (detected from its header line).

Status 1 (initial reserve) is a hint to Marxan's annealer, not a constraint. Here it seeds
the start solution handed to CBC (the status 1 and 2 units, completed greedily until every
target is met); the solver may drop any of them. HiGHS through PuLP takes no start.

Examples
--------
Two units each hold the feature's target; the cheaper one has the longer outer boundary:

>>> model = MarxanMinSetModel.from_arrays(
...     cost=[3.0, 2.0], amount=[[1.0, 1.0]], target=[1.0], fixed_boundary=[1.0, 4.0],
...     blm=0.5)
>>> result = model.solve("cbc")
>>> result.status, result.score, result.solution["solution"].tolist()
('optimal', 3.5, [1, 0])

A Marxan folder is read with ``read_marxan(folder)`` or ``MarxanMinSetModel.from_dir``.
"""

from __future__ import annotations

import logging
import os
import re
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse

from landsim.errors import InfeasibleError, InputError
from landsim.errors import first_items as _first
from landsim.optimize.base import PulpModel
from landsim.optimize.defaults import DEFAULT_SOLVER
from landsim.optimize.milp import (
    ARRAY_SOLVERS,
    Progress,
    SelectionArrays,
    array_status,
    build_selection_arrays,
    pick_solver,
    solve_arrays,
)
from landsim.optimize.selection import BinarySelection, boundary_terms, fixed_values
from landsim.optimize.solvers import SolverOptions, relative_gap, solve_problem
from landsim.outputs import columns_csv_writer, json_writer, write_outputs
from landsim.tabular import read_text

if TYPE_CHECKING:  # imported on use: the command line's array path needs neither
    import pandas as pd
    import pulp

__all__ = [
    "OUTPUT_FILES",
    "MarxanMinSetModel",
    "MarxanProblem",
    "MarxanResult",
    "read_input_dat",
    "read_marxan",
    "write_marxan_outputs",
]

logger = logging.getLogger(__name__)

STATUS_AVAILABLE, STATUS_INITIAL, STATUS_LOCKED_IN, STATUS_LOCKED_OUT = 0, 1, 2, 3
"""Marxan planning-unit status codes."""

_REQUIRED_INPUT_KEYS: tuple[str, ...] = ("INPUTDIR", "PUNAME", "SPECNAME", "PUVSPRNAME")
"""input.dat entries Marxan aborts without."""

_PU_COLUMNS = ("id", "cost", "status", "xloc", "yloc", "prob")
_SPEC_COLUMNS = ("id", "type", "target", "spf", "target2", "sepdistance", "sepnum", "name",
                 "targetocc", "prop", "ptarget1d", "ptarget2d")
_UNSUPPORTED_SPEC = ("target2", "sepdistance", "sepnum", "ptarget1d", "ptarget2d")
"""Clumping, separation and probability targets; the exact model does not encode them."""

_TOL = 1e-9
"""Relative tolerance when checking that a target is met."""


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MarxanProblem:
    """A Marxan minimum-set problem as validated arrays.

    Planning units are in the row order of ``pu.dat``, features in that of ``spec.dat``.

    Attributes
    ----------
    pu_id : numpy.ndarray of int64
        Planning-unit ids. [id]
    cost : numpy.ndarray of float
        Cost of each planning unit. [cost units of pu.dat]
    status : numpy.ndarray of int8
        0 available, 1 initial reserve (a start hint), 2 locked in, 3 locked out.
    feature_id : numpy.ndarray of int64
        Feature ids. [id]
    feature_name : numpy.ndarray of str
        Feature names (the id as text when spec.dat has no ``name``).
    amount : scipy.sparse.csr_array
        Amount of each feature (rows) in each planning unit (columns).
        [feature units of puvspr.dat]
    target : numpy.ndarray of float
        Absolute target per feature after applying ``prop``. [feature units]
    prop : numpy.ndarray of float
        ``prop`` per feature, NaN where it was not given or not > 0. [fraction 0-1]
    targetocc : numpy.ndarray of float
        Minimum number of selected units holding the feature (0 = none). [count]
    spf : numpy.ndarray of float
        Species penalty factor, reported only (targets are hard constraints here).
    edge_i, edge_j : numpy.ndarray of int64
        Row positions of the two units of each shared boundary, ``edge_i < edge_j``.
    edge_length : numpy.ndarray of float
        Shared boundary length. [boundary units of bound.dat]
    fixed_boundary : numpy.ndarray of float
        Fixed (outer) boundary per unit, from ``id1 == id2`` rows. [boundary units]
    blm : float
        Boundary length modifier from input.dat (0 when absent). [cost per boundary unit]
    misslevel : float
        Marxan's MISSLEVEL, reported only; targets here are met in full. [fraction 0-1]
    source : str
        Folder or input.dat the problem was read from ('' when built from arrays).
    has_boundary : bool
        Whether a boundary file was read.
    """

    pu_id: np.ndarray
    cost: np.ndarray
    status: np.ndarray
    feature_id: np.ndarray
    feature_name: np.ndarray
    amount: sparse.csr_array
    target: np.ndarray
    prop: np.ndarray
    targetocc: np.ndarray
    spf: np.ndarray
    edge_i: np.ndarray
    edge_j: np.ndarray
    edge_length: np.ndarray
    fixed_boundary: np.ndarray
    blm: float = 0.0
    misslevel: float = 1.0
    source: str = ""
    has_boundary: bool = False

    @property
    def n_units(self) -> int:
        """Number of planning units."""
        return len(self.pu_id)

    @property
    def n_features(self) -> int:
        """Number of features."""
        return len(self.feature_id)

    @property
    def total_amount(self) -> np.ndarray:
        """Total amount of each feature over all planning units. [feature units]"""
        return np.asarray(self.amount.sum(axis=1)).ravel()

    def held(self, selected: np.ndarray) -> np.ndarray:
        """Amount of each feature in a selection (one bool per unit). [feature units]"""
        return np.asarray(self.amount @ np.asarray(selected, dtype=float)).ravel()

    def occurrences(self, selected: np.ndarray) -> np.ndarray:
        """Number of selected units holding each feature (amount > 0). [count]"""
        present = self.amount.copy()
        present.data = (present.data > 0).astype(float)
        present.eliminate_zeros()
        return np.asarray(present @ np.asarray(selected, dtype=float)).ravel()

    def boundary(self, selected: np.ndarray) -> float:
        """Reserve boundary: fixed boundary of selected units plus shared boundary between a
        selected and an unselected unit (Marxan's "connectivity edge"). [boundary units]"""
        x = np.asarray(selected, dtype=bool)
        cut = x[self.edge_i] != x[self.edge_j]
        return float(self.fixed_boundary[x].sum() + self.edge_length[cut].sum())

    def with_blm(self, blm: float) -> MarxanProblem:
        """A copy with another boundary length modifier. [cost per boundary unit]"""
        _check_blm(blm)
        return replace(self, blm=float(blm))


def _check_blm(blm: float) -> None:
    if not (np.isfinite(blm) and blm >= 0):
        msg = f"BLM must be a finite number >= 0 [cost per boundary unit], got {blm!r}"
        raise InputError(msg)


def read_input_dat(path: str | os.PathLike[str], encoding: str | None = None
                   ) -> dict[str, str]:
    """Parameters of a Marxan ``input.dat`` as ``{NAME: value}`` (last occurrence wins).

    Parameters
    ----------
    path : path-like
        The ``input.dat`` file.

    Returns
    -------
    dict of str to str
        Upper-case parameter names to their raw text values.
    """
    path = Path(path)
    if not path.is_file():
        msg = (f"{path}: Marxan input file not found. Fix: pass the folder that holds "
               "input.dat (or the input.dat file itself)")
        raise InputError(msg)
    params: dict[str, str] = {}
    for line in read_text(path, encoding).splitlines():
        parts = line.strip().split(None, 1)
        if len(parts) == 2 and re.fullmatch(r"[A-Z][A-Z0-9_]*", parts[0]):
            params[parts[0]] = parts[1].strip()
    return params


def _input_float(params: dict[str, str], key: str, default: float, path: Path) -> float:
    if key not in params:
        return default
    try:
        return float(params[key])
    except ValueError:
        msg = (f"{path}: {key} is {params[key]!r}, not a number. Fix: write e.g. "
               f"'{key} {default:g}'")
        raise InputError(msg) from None


def read_marxan(input_dir: str | os.PathLike[str], encoding: str | None = None
                ) -> MarxanProblem:
    """Read a Marxan problem (``input.dat`` and the files it names).

    Parameters
    ----------
    input_dir : path-like
        Folder holding ``input.dat``, or the ``input.dat`` file itself. ``INPUTDIR`` is
        resolved relative to that folder.
    encoding : str, optional
        Text encoding of the files; UTF-8, UTF-8 with BOM or GBK/GB18030 is detected when
        None (feature names such as ``耕地`` read correctly either way).

    Returns
    -------
    MarxanProblem

    Raises
    ------
    InputError
        A required input.dat entry or file is missing, or a file is malformed; the message
        names the file, column, line and the fix.
    """
    given = Path(input_dir)
    dat = given if given.is_file() else given / "input.dat"
    root = dat.parent
    params = read_input_dat(dat, encoding)
    missing = [k for k in _REQUIRED_INPUT_KEYS if k not in params]
    if missing:
        msg = (f"{dat}: missing entr{'y' if len(missing) == 1 else 'ies'} "
               f"{', '.join(missing)} (Marxan requires them). Fix: add lines such as "
               "'INPUTDIR input', 'PUNAME pu.dat', 'SPECNAME spec.dat', "
               "'PUVSPRNAME puvspr.dat'")
        raise InputError(msg)
    if _input_float(params, "ASYMMETRICCONNECTIVITY", 0.0, dat) != 0:
        msg = (f"{dat}: ASYMMETRICCONNECTIVITY 1 is not supported (only symmetric "
               "boundaries). Fix: set it to 0 or remove the line")
        raise InputError(msg)
    if _input_float(params, "CONNECTIVITYIN", 0.0, dat) != 0:
        msg = f"{dat}: CONNECTIVITYIN 1 is not supported. Fix: set it to 0 or remove the line"
        raise InputError(msg)
    blm = _input_float(params, "BLM", _input_float(params, "CM", 0.0, dat), dat)
    if not (np.isfinite(blm) and blm >= 0):
        msg = f"{dat}: BLM is {blm!r}; it must be a finite number >= 0"
        raise InputError(msg)
    misslevel = _input_float(params, "MISSLEVEL", 1.0, dat)
    folder = root / params["INPUTDIR"]

    pu = _read_table(folder / params["PUNAME"], "PUNAME", _PU_COLUMNS, encoding=encoding)
    pu_id, cost, status = _planning_units(pu)
    spec = _read_table(folder / params["SPECNAME"], "SPECNAME", _SPEC_COLUMNS,
                       encoding=encoding)
    feature_id, names, target, prop, targetocc, spf = _features(spec)
    puvspr = _read_table(folder / params["PUVSPRNAME"], "PUVSPRNAME",
                         ("species", "pu", "amount"), positional=True, encoding=encoding)
    amount = _amount_matrix(puvspr, pu_id, feature_id)
    total = np.asarray(amount.sum(axis=1)).ravel()
    use_prop = np.isfinite(prop) & (prop > 0)
    target = np.where(use_prop, np.nan_to_num(prop) * total, target)

    bound_name = params.get("BOUNDNAME", params.get("CONNECTIONNAME"))
    n = len(pu_id)
    edge_i = edge_j = np.zeros(0, dtype=np.int64)
    length = np.zeros(0)
    fixed = np.zeros(n)
    has_boundary = False
    if bound_name:
        bound_path = folder / bound_name
        if bound_path.is_file():
            bound = _read_table(bound_path, "BOUNDNAME", ("id1", "id2", "boundary"),
                                positional=True, encoding=encoding)
            edge_i, edge_j, length, fixed = _boundaries(bound, pu_id)
            has_boundary = True
        else:
            warnings.warn(f"{bound_path}: boundary file named by BOUNDNAME not found; "
                          "solving without a boundary term, as Marxan does",
                          UserWarning, stacklevel=2)
    return MarxanProblem(
        pu_id=pu_id, cost=cost, status=status, feature_id=feature_id, feature_name=names,
        amount=amount, target=target, prop=np.where(use_prop, prop, np.nan),
        targetocc=targetocc, spf=spf, edge_i=edge_i, edge_j=edge_j, edge_length=length,
        fixed_boundary=fixed, blm=float(blm), misslevel=float(misslevel), source=str(given),
        has_boundary=has_boundary)


@dataclass(frozen=True)
class _Table:
    """Text cells of a delimited file with the file line number of each row."""

    path: Path
    key: str
    columns: dict[str, np.ndarray]
    line: np.ndarray

    def numeric(self, column: str, *, integer: bool = False,
                nonnegative: bool = False) -> np.ndarray:
        """A column as floats (or int64), raising InputError at the first bad cell."""
        text = self.columns[column]
        values = _to_floats(text)
        bad = ~np.isfinite(values)
        what = "a number"
        if integer and not bad.any():
            bad = values != np.round(values)
            what = "an integer"
        if nonnegative and not bad.any():
            bad = values < 0
            what = "a number >= 0"
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            msg = (f"{self.path} ({self.key}): column {column!r}, line {int(self.line[k])}: "
                   f"{text[k]!r} is not {what} ({int(bad.sum())} bad cell(s) in this "
                   f"column). Fix: correct the cell{'s' if bad.sum() > 1 else ''}")
            raise InputError(msg)
        return values.astype(np.int64) if integer else values


def _to_float(cell: object) -> float:
    """One cell as a float; NaN when it is not a number (``pd.to_numeric(errors="coerce")``)."""
    text = str(cell)
    if "_" in text:  # float() reads "1_000"; a Marxan file never means it
        return float("nan")
    try:
        return float(text)
    except ValueError:
        return float("nan")


def _to_floats(cells: np.ndarray) -> np.ndarray:
    """Text cells as floats, NaN where a cell is not a number. [the cells' unit]"""
    text = [str(c) for c in cells]
    if "_" not in "".join(text):
        try:
            return np.array(text, dtype=object).astype(float)
        except ValueError:
            pass  # a bad cell: read cell by cell, the bad ones as NaN
    return np.array([_to_float(c) for c in text], dtype=float)


def _split(line: str, sep: str | None) -> list[str]:
    tokens = line.split(sep) if sep else line.split()
    return [t.strip().strip('"').strip("'").strip() for t in tokens]


def _split_rows(lines: Sequence[str], sep: str | None) -> list[list[str]]:
    """The cells of each line, as :func:`_split` gives them.

    When no cell can need stripping (no quote, and no white space but the delimiter), a
    plain ``str.split`` per line gives the same cells at a fraction of the cost.
    """
    chars = set("".join(lines))
    chars.discard(sep)
    plain = not any(c in "\"'" or (sep is not None and c.isspace()) for c in chars)
    if plain:
        return [line.split(sep) if sep else line.split() for line in lines]
    return [_split(line, sep) for line in lines]


def _read_table(path: Path, key: str, allowed: Sequence[str], *,
                positional: bool = False, encoding: str | None = None) -> _Table:
    """Read a Marxan data file: header line, then rows; comma, tab or space delimited.

    ``positional`` files (puvspr, bound) are read by position when their header does not
    name the expected columns, and may lack a header (Marxan warns and reads them).
    """
    if not path.is_file():
        msg = (f"{path}: file named by {key} in input.dat not found. Fix: correct {key} or "
               "INPUTDIR, or add the file")
        raise InputError(msg)
    lines = [(k + 1, s) for k, s in
             enumerate(read_text(path, encoding).lstrip("\ufeff").splitlines())
             if s.strip()]
    if not lines:
        msg = f"{path} ({key}): the file is empty. Fix: add a header line and rows"
        raise InputError(msg)
    header_line = lines[0][1]
    sep = "\t" if "\t" in header_line else ("," if "," in header_line else None)
    header = [h.lower() for h in _split(header_line, sep)]
    numeric_header = all(re.fullmatch(r"[-+0-9.eE]+", h) for h in header if h)
    if positional and (numeric_header or not set(allowed) <= set(header)):
        if not numeric_header and header[:len(allowed)] != list(allowed):
            logger.info("%s: header %s read by position as %s", path, header, allowed)
        if numeric_header:
            logger.warning("%s has no header line; reading columns by position", path)
        rows = lines if numeric_header else lines[1:]
        header = list(allowed) + header[len(allowed):]
    else:
        rows = lines[1:]
        if len(set(header)) != len(header):
            msg = (f"{path} ({key}): a column name appears twice in the header "
                   f"{header}. Fix: rename or drop the duplicate")
            raise InputError(msg)
        unknown = [h for h in header if h not in allowed]
        if unknown:
            logger.warning("%s: ignoring column(s) %s (not read by Marxan)", path, unknown)
    cells = _split_rows([s for _, s in rows], sep)
    width = len(header)
    bad = next((k for k, row in enumerate(cells) if len(row) != width), None)
    if bad is not None:
        number, row = rows[bad][0], cells[bad]
        msg = (f"{path} ({key}): line {number} has {len(row)} field(s) but the header "
               f"has {width} ({', '.join(header)}). Fix: make every row match the "
               "header (check the delimiter)")
        raise InputError(msg)
    matrix = np.array(cells, dtype=object).reshape(len(cells), width)
    columns = {h: matrix[:, k] for k, h in enumerate(header)}
    return _Table(path, key, columns, np.array([n for n, _ in rows], dtype=np.int64))


def _require(table: _Table, column: str) -> None:
    if column not in table.columns:
        msg = (f"{table.path} ({table.key}): missing column {column!r}; the header has "
               f"{', '.join(table.columns)}. Fix: add the column")
        raise InputError(msg)


def _unique_ids(table: _Table, column: str) -> np.ndarray:
    ids = table.numeric(column, integer=True)
    uniq, first, counts = np.unique(ids, return_index=True, return_counts=True)
    if (counts > 1).any():
        dup = uniq[counts > 1]
        lines = table.line[np.isin(ids, dup)]
        msg = (f"{table.path} ({table.key}): column {column!r} repeats id(s) "
               f"{_first(dup.tolist())} (lines {_first(lines.tolist())}). Fix: give every "
               "row its own id")
        raise InputError(msg)
    return ids


def _planning_units(table: _Table) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    _require(table, "id")
    if len(table.line) == 0:
        msg = f"{table.path} ({table.key}): no planning units. Fix: add rows"
        raise InputError(msg)
    pu_id = _unique_ids(table, "id")
    n = len(pu_id)
    cost = table.numeric("cost") if "cost" in table.columns else np.ones(n)
    status = (table.numeric("status", integer=True) if "status" in table.columns
              else np.zeros(n, dtype=np.int64))
    bad = ~np.isin(status, [0, 1, 2, 3])
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        msg = (f"{table.path} ({table.key}): column 'status', line {int(table.line[k])}: "
               f"{int(status[k])} is not a Marxan status. Fix: use 0 (available), "
               "1 (initial reserve), 2 (locked in) or 3 (locked out)")
        raise InputError(msg)
    return pu_id, cost, status.astype(np.int8)


def _features(table: _Table) -> tuple[np.ndarray, ...]:
    _require(table, "id")
    feature_id = _unique_ids(table, "id")
    n = len(feature_id)
    if n == 0:
        msg = f"{table.path} ({table.key}): no features. Fix: add rows"
        raise InputError(msg)

    def optional(column: str, default: float, **kw: bool) -> np.ndarray:
        return table.numeric(column, **kw) if column in table.columns else np.full(n, default)

    target = optional("target", 0.0)
    target = np.maximum(target, 0.0)  # Marxan's default -1 means "no target"
    prop = optional("prop", np.nan)
    if np.any(prop > 1):
        k = int(np.flatnonzero(prop > 1)[0])
        msg = (f"{table.path} ({table.key}): column 'prop', line {int(table.line[k])}: "
               f"{prop[k]:g} is above 1. Fix: give prop as a fraction from 0 to 1")
        raise InputError(msg)
    targetocc = np.maximum(optional("targetocc", 0.0), 0.0)
    spf = optional("spf", np.nan)
    names = (np.array([str(s) for s in table.columns["name"]], dtype=object)
             if "name" in table.columns else np.array([str(i) for i in feature_id], dtype=object))
    used = [c for c in _UNSUPPORTED_SPEC if c in table.columns
            and np.any(np.nan_to_num(_to_floats(table.columns[c])) > 0)]
    if used:
        warnings.warn(f"{table.path}: column(s) {', '.join(used)} (clumping, separation or "
                      "probability targets) are ignored by the exact minimum-set model",
                      UserWarning, stacklevel=3)
    return feature_id, names, target, prop, targetocc, spf


def _positions(table: _Table, column: str, ids: np.ndarray, what: str) -> np.ndarray:
    values = table.numeric(column, integer=True)
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    idx = np.searchsorted(sorted_ids, values)
    idx_clip = np.minimum(idx, len(ids) - 1)
    unknown = sorted_ids[idx_clip] != values
    if unknown.any():
        k = int(np.flatnonzero(unknown)[0])
        msg = (f"{table.path} ({table.key}): column {column!r}, line {int(table.line[k])}: "
               f"id {int(values[k])} is not in {what} ({int(unknown.sum())} row(s) with "
               f"unknown ids: {_first(np.unique(values[unknown]).tolist())}). Fix: drop "
               f"those rows or add the ids to {what}")
        raise InputError(msg)
    return order[idx_clip].astype(np.int64)


def _amount_matrix(table: _Table, pu_id: np.ndarray,
                   feature_id: np.ndarray) -> sparse.csr_array:
    sp = _positions(table, "species", feature_id, "spec.dat (SPECNAME)")
    pu = _positions(table, "pu", pu_id, "pu.dat (PUNAME)")
    amount = table.numeric("amount", nonnegative=True)
    # a repeated (species, pu) pair keeps its last amount, as Marxan's map does
    key = sp * len(pu_id) + pu
    _, last_rev = np.unique(key[::-1], return_index=True)
    keep = np.sort(len(key) - 1 - last_rev)
    if len(keep) < len(key):
        logger.warning("%s: %d repeated (species, pu) row(s); the last amount is kept",
                       table.path, len(key) - len(keep))
    matrix = sparse.coo_array((amount[keep], (sp[keep], pu[keep])),
                              shape=(len(feature_id), len(pu_id))).tocsr()
    matrix.sort_indices()
    return matrix


def _boundaries(table: _Table, pu_id: np.ndarray) -> tuple[np.ndarray, ...]:
    i = _positions(table, "id1", pu_id, "pu.dat (PUNAME)")
    j = _positions(table, "id2", pu_id, "pu.dat (PUNAME)")
    length = table.numeric("boundary", nonnegative=True)
    n = len(pu_id)
    self_loop = i == j
    fixed = np.bincount(i[self_loop], length[self_loop], minlength=n).astype(float)
    a, b, w = np.minimum(i, j)[~self_loop], np.maximum(i, j)[~self_loop], length[~self_loop]
    # a repeated pair keeps its first value, as Marxan's readConnections does
    _, first = np.unique(a * n + b, return_index=True)
    first = np.sort(first)
    if len(first) < len(a):
        logger.warning("%s: %d duplicate boundary row(s) ignored (the first is kept)",
                       table.path, len(a) - len(first))
    return a[first], b[first], w[first], fixed


# --------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MarxanResult:
    """Outcome of :meth:`MarxanMinSetModel.solve`.

    Attributes
    ----------
    status : str
        ``"optimal"``, ``"optimal (relative gap <= g)"`` when a positive gap was allowed,
        or ``"feasible (time limit)"`` / ``"feasible (stopped early)"`` for an incumbent
        the solver did not prove optimal.
    score : float
        ``cost + blm * boundary`` recomputed with numpy on :attr:`solution` (Marxan's
        score without penalties, which are zero when every target is met). [cost units]
    cost : float
        Total cost of the selected units. [cost units]
    boundary : float
        Reserve boundary (see :meth:`MarxanProblem.boundary`). [boundary units]
    blm : float
        Boundary length modifier used. [cost per boundary unit]
    best_bound : float or None
        Lower bound on the score proved by the solver (the score itself for a proven
        optimum without a requested gap); ``None`` when unknown. [cost units]
    gap : float or None
        ``(score - best_bound) / |score|``; ``None`` when the bound is unknown.
        [fraction]
    solver : str
        Name of the solver that ran.
    build_seconds, solve_seconds : float
        Wall time to build the PuLP model and to solve it (including PuLP's hand-over). [s]
    solution_columns : dict of str to numpy.ndarray
        The columns of :attr:`solution` as arrays (no pandas needed).
    feature_columns : dict of str to numpy.ndarray
        The columns of :attr:`features` as arrays (no pandas needed).
    solver_objective : float or None
        Objective as reported through PuLP, for cross-checking. [cost units]
    warm_start : bool
        Whether the solution came from a run that was handed a start solution (False
        when CBC failed on the start and the solve was retried without it).
    heuristic_score : float or None
        Score of the greedy start (:meth:`MarxanMinSetModel.initial_solution`); the
        result is never worse. [cost units]
    trace : tuple of dict
        Time-quality trace: ``seconds`` since the solve started, ``incumbent`` and
        ``bound`` each time either improved (in-process solvers only). [s, cost units]
    """

    status: str
    score: float
    cost: float
    boundary: float
    blm: float
    best_bound: float | None
    gap: float | None
    solver: str
    build_seconds: float
    solve_seconds: float
    solution_columns: Mapping[str, np.ndarray]
    feature_columns: Mapping[str, np.ndarray]
    solver_objective: float | None = None
    warm_start: bool = False
    heuristic_score: float | None = None
    trace: tuple[dict[str, float | None], ...] = ()

    @cached_property
    def solution(self) -> pd.DataFrame:
        """``planning_unit`` (id) and ``solution`` (1 selected, 0 not), in pu.dat order."""
        import pandas as pd

        return pd.DataFrame(dict(self.solution_columns))

    @cached_property
    def features(self) -> pd.DataFrame:
        """Per feature: feature_id, name, target, target_type, prop, total_amount, held,
        shortfall, met, share_held, targetocc, occurrences_held, occurrence_met, spf."""
        return _feature_frame(self.feature_columns)

    @property
    def is_optimal(self) -> bool:
        """True only when the solver proved optimality (never for a time-limited run)."""
        return self.status.startswith("optimal")

    @property
    def gap_label(self) -> str:
        """The proven gap as text, or ``"gap unknown"`` when no bound was proved."""
        return "gap unknown" if self.gap is None else f"gap {self.gap:.3%}"

    @property
    def selected(self) -> np.ndarray:
        """One bool per planning unit, in pu.dat order."""
        return np.asarray(self.solution_columns["solution"]) == 1

    @property
    def n_selected(self) -> int:
        """Number of planning units selected."""
        return int(self.selected.sum())

    @property
    def all_targets_met(self) -> bool:
        """Whether every amount and occurrence target is met in full."""
        return self.n_targets_met == len(self.feature_columns["met"])

    @property
    def n_targets_met(self) -> int:
        """Number of features whose amount and occurrence targets are both met."""
        columns = self.feature_columns
        return int(np.sum(np.asarray(columns["met"]) & np.asarray(columns["occurrence_met"])))

    def summary(self) -> dict[str, Any]:
        """Scalar fields and the per-feature table as JSON-ready data."""
        return {
            "status": self.status, "is_optimal": self.is_optimal, "score": self.score,
            "cost": self.cost, "boundary": self.boundary, "blm": self.blm,
            "planning_units_selected": self.n_selected,
            "planning_units_total": len(self.solution_columns["solution"]),
            "all_targets_met": self.all_targets_met, "objective": self.score,
            "solver_objective": self.solver_objective, "best_bound": self.best_bound,
            "gap": self.gap, "solver": self.solver, "warm_start": self.warm_start,
            "build_seconds": self.build_seconds, "solve_seconds": self.solve_seconds,
            "heuristic_score": self.heuristic_score, "gap_label": self.gap_label,
            "trace": list(self.trace),
            "features": _records(self.feature_columns),
        }


def _records(columns: Mapping[str, np.ndarray]) -> list[dict[str, Any]]:
    """Rows of a column table as dicts of Python scalars, NaN as None (JSON-ready)."""
    names = list(columns)
    rows = zip(*(np.asarray(values).tolist() for values in columns.values()), strict=True)
    return [{name: None if isinstance(value, float) and np.isnan(value) else value
             for name, value in zip(names, row, strict=True)} for row in rows]


def _feature_frame(columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """The per-feature table as a DataFrame (feature names as pandas' string dtype)."""
    import pandas as pd

    frame = dict(columns)
    frame["name"] = pd.array(np.asarray(frame["name"]).astype(str), dtype="string")
    return pd.DataFrame(frame)


# --------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------
class MarxanMinSetModel(PulpModel):
    r"""Exact minimum-set reserve selection with a boundary penalty (Marxan's problem).

    Formulation
    -----------
    Sets: planning units :math:`i \in I`, features :math:`f \in F`, shared boundaries
    :math:`(i, j) \in E` with :math:`i < j`.

    .. math::

        \min \; & \sum_i c_i x_i + b \Big[\sum_i \big(\beta_i + \sum_{j:(i,j)\in E \text{ or }
            (j,i)\in E} \ell_{ij}\big) x_i - 2 \sum_{(i,j)\in E} \ell_{ij} y_{ij}\Big] \\
        \text{s.t. } & \sum_i a_{fi} x_i \ge t_f \quad \forall f \\
        & \sum_{i: a_{fi} > 0} x_i \ge o_f \quad \forall f \text{ with } o_f > 0 \\
        & y_{ij} \le x_i,\; y_{ij} \le x_j \quad \forall (i,j) \in E \\
        & x_i = 1 \text{ if status}_i = 2, \; x_i = 0 \text{ if status}_i = 3 \\
        & x_i \in \{0, 1\}, \; 0 \le y_{ij} \le 1

    ===================  ============================================================
    symbol               meaning [unit]
    ===================  ============================================================
    :math:`x_i`          1 if unit *i* is selected
    :math:`y_{ij}`       1 if both *i* and *j* are selected (pushed up by the objective)
    :math:`c_i`          cost [cost units]
    :math:`b`            BLM [cost per boundary unit]
    :math:`\ell_{ij}`    shared boundary [boundary units]
    :math:`\beta_i`      fixed (outer) boundary, ``id1 == id2`` rows [boundary units]
    :math:`a_{fi}`       amount of feature *f* in unit *i* [feature units]
    :math:`t_f`          target: ``target``, or ``prop`` x total amount [feature units]
    :math:`o_f`          ``targetocc`` [count]
    ===================  ============================================================

    The bracket is the reserve boundary: a shared boundary counts once when exactly one of
    its units is selected, :math:`x_i + x_j - 2 x_i x_j`. Since :math:`\ell_{ij} \ge 0` and
    :math:`b \ge 0`, minimisation drives :math:`y_{ij}` to :math:`\min(x_i, x_j)`, so the two
    upper bounds linearise the product exactly. Locked units are substituted as
    constants; a :math:`y` exists only for boundaries between two free units.

    Status 1 (Marxan's initial reserve) is not a constraint: it seeds the CBC start
    solution (see :meth:`initial_solution`).

    Build with :meth:`from_problem` or :meth:`from_arrays`, then :meth:`solve`.
    """

    def __init__(self, problem: MarxanProblem) -> None:
        self.data = problem
        self._problem: pulp.LpProblem | None = None
        self._fixed = fixed_values(problem.n_units,
                                   locked_in=problem.status == STATUS_LOCKED_IN,
                                   locked_out=problem.status == STATUS_LOCKED_OUT)
        self._selection = BinarySelection(self._fixed)
        self.build_seconds = 0.0

    # ---- constructors ---------------------------------------------------------------
    @classmethod
    def from_problem(cls, problem: MarxanProblem, blm: float | None = None) -> MarxanMinSetModel:
        """Model of a problem read by :func:`read_marxan`.

        Parameters
        ----------
        problem : MarxanProblem
            The problem.
        blm : float, optional
            Boundary length modifier overriding the problem's. [cost per boundary unit]
        """
        return cls(problem if blm is None else problem.with_blm(blm))

    @classmethod
    def from_dir(cls, input_dir: str | os.PathLike[str],
                 blm: float | None = None) -> MarxanMinSetModel:
        """Read a Marxan folder (see :func:`read_marxan`) and build the model on it."""
        return cls.from_problem(read_marxan(input_dir), blm=blm)

    @classmethod
    def from_arrays(
        cls,
        cost: Sequence[float] | np.ndarray,
        amount: np.ndarray | sparse.sparray | sparse.spmatrix,
        target: Sequence[float] | np.ndarray,
        *,
        status: Sequence[int] | np.ndarray | None = None,
        edge_i: Sequence[int] | np.ndarray | None = None,
        edge_j: Sequence[int] | np.ndarray | None = None,
        edge_length: Sequence[float] | np.ndarray | None = None,
        fixed_boundary: Sequence[float] | np.ndarray | None = None,
        blm: float = 0.0,
        targetocc: Sequence[float] | np.ndarray | None = None,
        pu_id: Sequence[int] | np.ndarray | None = None,
        feature_names: Sequence[str] | None = None,
    ) -> MarxanMinSetModel:
        """Model from arrays; edges are row positions (``edge_i != edge_j``).

        Parameters
        ----------
        cost : array of float, shape (n,)
            Cost per unit. [cost units]
        amount : array or sparse matrix, shape (features, n)
            Amount of each feature in each unit, >= 0. [feature units]
        target : array of float, shape (features,)
            Absolute target per feature. [feature units]
        status : array of int, optional
            Marxan status per unit (default all 0).
        edge_i, edge_j, edge_length : arrays, optional
            Shared boundaries by row position and their length; pairs are symmetric and a
            repeated pair keeps its first value. [boundary units]
        fixed_boundary : array of float, optional
            Fixed boundary per unit (default 0). [boundary units]
        blm : float
            Boundary length modifier. [cost per boundary unit]
        targetocc : array of float, optional
            Occurrence target per feature (default 0). [count]
        pu_id : array of int, optional
            Unit ids (default 1..n).
        feature_names : sequence of str, optional
            Names (default the feature ids 1..F).
        """
        cost = np.asarray(cost, dtype=float)
        n = len(cost)
        matrix = sparse.csr_array(amount, dtype=float)
        target = np.asarray(target, dtype=float)
        if matrix.shape != (len(target), n):
            msg = (f"amount has shape {matrix.shape}; expected (features, units) = "
                   f"({len(target)}, {n})")
            raise InputError(msg)
        if matrix.nnz and (not np.isfinite(matrix.data).all() or (matrix.data < 0).any()):
            msg = "amount must be finite and >= 0 [feature units]"
            raise InputError(msg)
        if not np.isfinite(cost).all() or not np.isfinite(target).all():
            msg = "cost and target must be finite numbers"
            raise InputError(msg)
        status_arr = (np.zeros(n, dtype=np.int8) if status is None
                      else np.asarray(status, dtype=np.int8))
        if len(status_arr) != n or not np.isin(status_arr, [0, 1, 2, 3]).all():
            msg = "status must have one value per unit, each 0, 1, 2 or 3"
            raise InputError(msg)
        ei = np.asarray([] if edge_i is None else edge_i, dtype=np.int64)
        ej = np.asarray([] if edge_j is None else edge_j, dtype=np.int64)
        el = np.asarray([] if edge_length is None else edge_length, dtype=float)
        if not (len(ei) == len(ej) == len(el)):
            msg = "edge_i, edge_j and edge_length must have the same length"
            raise InputError(msg)
        if len(ei) and (ei.min() < 0 or ej.min() < 0 or max(ei.max(), ej.max()) >= n
                        or (ei == ej).any()):
            msg = f"edge_i/edge_j must be distinct row positions from 0 to {n - 1}"
            raise InputError(msg)
        if len(el) and (not np.isfinite(el).all() or (el < 0).any()):
            msg = "edge_length must be finite and >= 0 [boundary units]"
            raise InputError(msg)
        a, b = np.minimum(ei, ej), np.maximum(ei, ej)
        _, first = np.unique(a * n + b, return_index=True)
        first = np.sort(first)
        fixed = np.zeros(n) if fixed_boundary is None else np.asarray(fixed_boundary, float)
        _check_blm(blm)
        n_feat = len(target)
        problem = MarxanProblem(
            pu_id=np.arange(1, n + 1, dtype=np.int64) if pu_id is None
            else np.asarray(pu_id, dtype=np.int64),
            cost=cost, status=status_arr,
            feature_id=np.arange(1, n_feat + 1, dtype=np.int64),
            feature_name=np.array([str(k) for k in range(1, n_feat + 1)] if feature_names
                                  is None else [str(s) for s in feature_names], dtype=object),
            amount=matrix, target=np.maximum(target, 0.0), prop=np.full(n_feat, np.nan),
            targetocc=np.zeros(n_feat) if targetocc is None
            else np.asarray(targetocc, dtype=float),
            spf=np.full(n_feat, np.nan), edge_i=a[first], edge_j=b[first],
            edge_length=el[first], fixed_boundary=fixed, blm=float(blm),
            has_boundary=bool(len(ei)) or fixed_boundary is not None)
        return cls(problem)

    # ---- evaluation -----------------------------------------------------------------
    def score(self, selected: np.ndarray) -> float:
        """``cost + blm x boundary`` of a selection (one bool per unit). [cost units]"""
        x = np.asarray(selected, dtype=bool)
        d = self.data
        return float(d.cost[x].sum() + d.blm * d.boundary(x))

    def feature_table(self, selected: np.ndarray) -> pd.DataFrame:
        """Held versus target per feature for a selection (one bool per unit)."""
        return _feature_frame(self.feature_columns(selected))

    def feature_columns(self, selected: np.ndarray) -> dict[str, np.ndarray]:
        """:meth:`feature_table` as a dict of column arrays (no pandas needed)."""
        d = self.data
        x = np.asarray(selected, dtype=bool)
        held = d.held(x)
        total = d.total_amount
        occ = d.occurrences(x)
        has_prop = np.isfinite(d.prop)
        target_type = np.where(has_prop, "prop", np.where(d.target > 0, "target", "none"))
        return {
            "feature_id": d.feature_id,
            "name": d.feature_name.astype(str).astype(object),
            "target": d.target,
            "target_type": target_type,
            "prop": d.prop,
            "total_amount": total,
            "held": held,
            "shortfall": np.maximum(d.target - held, 0.0),
            "met": held >= d.target - _TOL * np.maximum(1.0, np.abs(d.target)),
            "share_held": np.divide(held, total, out=np.full_like(held, np.nan),
                                    where=total > 0),
            "targetocc": d.targetocc,
            "occurrences_held": occ,
            "occurrence_met": occ >= d.targetocc - _TOL,
            "spf": d.spf,
        }

    # ---- diagnostics ----------------------------------------------------------------
    def diagnose(self) -> None:
        """Raise :class:`InfeasibleError` when a target exceeds what the units that are not
        locked out can hold (amount or occurrences); the message gives the numbers."""
        d = self.data
        open_units = d.status != STATUS_LOCKED_OUT
        most = d.held(open_units)
        short = most < d.target - _TOL * np.maximum(1.0, np.abs(d.target))
        occ = d.occurrences(open_units)
        short_occ = occ < d.targetocc - _TOL
        if not (short.any() or short_occ.any()):
            return
        parts = []
        for k in np.flatnonzero(short)[:5].tolist():
            rule = (f"prop {d.prop[k]:g} of the total {d.total_amount[k]:,.6g}"
                    if np.isfinite(d.prop[k]) else "target")
            parts.append(f"feature {int(d.feature_id[k])} ({d.feature_name[k]}): target "
                         f"{d.target[k]:,.6g} ({rule}) but the units not locked out hold "
                         f"only {most[k]:,.6g} (short by {d.target[k] - most[k]:,.6g})")
        for k in np.flatnonzero(short_occ)[:5].tolist():
            parts.append(f"feature {int(d.feature_id[k])} ({d.feature_name[k]}): targetocc "
                         f"{d.targetocc[k]:g} but only {int(occ[k])} units not locked out "
                         "hold it")
        n_bad = int(short.sum() + short_occ.sum())
        msg = ("infeasible Marxan problem: " + "; ".join(parts)
               + (" ..." if n_bad > len(parts) else "")
               + ". Fix: lower the target or prop, or unlock status-3 units that hold it")
        raise InfeasibleError(msg)

    # ---- building -------------------------------------------------------------------
    def build(self) -> pulp.LpProblem:
        """Create the PuLP problem from the arrays (replaces any earlier build).

        Returns
        -------
        pulp.LpProblem
        """
        import pulp

        start = time.perf_counter()
        d = self.data
        problem = pulp.LpProblem("marxan_min_set", pulp.LpMinimize)
        selection = self._selection = BinarySelection(self._fixed)
        selection.add_variables(problem, [f"x_{int(p)}" for p in d.pu_id.tolist()])
        # cost + BLM x (fixed boundary + sum len (x_i + x_j - 2 y_ij)), y_ij <= x_i, x_j
        terms = boundary_terms(d.n_units, d.edge_i, d.edge_j, d.edge_length, d.blm,
                               self._fixed)
        coef = d.cost.astype(float) + d.blm * d.fixed_boundary + terms.coef
        pair = terms.pair_edges
        labels = [f"{int(d.pu_id[i])}_{int(d.pu_id[j])}"
                  for i, j in zip(d.edge_i[pair].tolist(), d.edge_j[pair].tolist(),
                                  strict=True)]
        products = selection.add_products(problem, terms, d.edge_i, d.edge_j,
                                          names=[f"y_{k}" for k in labels], keys=labels)
        problem.setObjective(selection.expression(coef, terms.constant, products))
        self._problem = problem
        self._add_target_constraints(problem, self._fixed == 1)
        self.build_seconds = time.perf_counter() - start
        return problem

    def _add_target_constraints(self, problem: pulp.LpProblem, locked_in: np.ndarray) -> None:
        """One amount (and occurrence) constraint per feature, locked units substituted."""
        import pulp

        d = self.data
        free = self._selection.free
        amount_free = d.amount[:, free].tocsr()
        fixed_held = d.held(locked_in)
        present = d.amount.copy()
        present.data = (present.data > 0).astype(float)
        fixed_occ = np.asarray(present @ locked_in.astype(float)).ravel()
        present_free = present[:, free].tocsr()
        xv = self._selection.xvars
        for f, fid in enumerate(d.feature_id.tolist()):
            for kind, matrix, need in (("target", amount_free, d.target[f] - fixed_held[f]),
                                       ("occ", present_free, d.targetocc[f] - fixed_occ[f])):
                if need <= 0 or (kind == "occ" and d.targetocc[f] <= 0):
                    continue
                lo, hi = matrix.indptr[f], matrix.indptr[f + 1]
                cols, vals = matrix.indices[lo:hi], matrix.data[lo:hi]
                expr = pulp.LpAffineExpression(
                    [(xv[c], v) for c, v in zip(cols.tolist(), vals.tolist(), strict=True)
                     if v != 0])
                problem.addConstraint(pulp.LpConstraint(
                    expr, pulp.LpConstraintGE, f"{kind}_{fid}", float(need)))

    # ---- start solution -------------------------------------------------------------
    def initial_solution(self) -> np.ndarray:
        """Marxan's initial reserve completed greedily into a feasible start.

        Starts from the status 1 and 2 units (kept), then adds the available units with
        the most remaining target shortfall covered per unit of added score (cost plus
        BLM x boundary change), fills units enclosed by the selection and drops units
        whose removal keeps every target met and lowers the score
        (:func:`landsim.optimize.heuristic.greedy_cover`: array passes of O(nnz), about
        0.1 % of the units added per pass).

        Returns
        -------
        numpy.ndarray of bool
            One value per planning unit.
        """
        from landsim.optimize.heuristic import greedy_cover

        d = self.data
        cover, target = self._cover_rows()
        length = np.bincount(d.edge_i, d.edge_length, d.n_units) + np.bincount(
            d.edge_j, d.edge_length, d.n_units)
        return greedy_cover(
            d.cost + d.blm * (d.fixed_boundary + length), cover, target,
            candidates=d.status != STATUS_LOCKED_OUT,
            keep=np.isin(d.status, [STATUS_INITIAL, STATUS_LOCKED_IN]),
            edge_i=d.edge_i, edge_j=d.edge_j, edge_w=2 * d.blm * d.edge_length)

    def _cover_rows(self) -> tuple[sparse.csr_array, np.ndarray]:
        """Amount rows and occurrence rows (features with targetocc > 0) with targets."""
        d = self.data
        occ = np.flatnonzero(d.targetocc > 0)
        if not len(occ):
            return sparse.csr_array(d.amount), d.target
        present = sparse.csr_array(d.amount)[occ]
        present.data = (present.data > 0).astype(float)
        return (sparse.csr_array(sparse.vstack([d.amount, present])),
                np.concatenate([d.target, d.targetocc[occ]]))

    def selection_arrays(self) -> SelectionArrays:
        """The model as arrays for the in-process solvers (no PuLP problem).

        Columns: one binary per free unit, then one product column per boundary between
        two free units; rows: the amount and occurrence targets (locked-in units
        substituted), then ``y - x_i <= 0`` and ``y - x_j <= 0`` per product column.
        """
        d = self.data
        terms = boundary_terms(d.n_units, d.edge_i, d.edge_j, d.edge_length, d.blm,
                               self._fixed)
        coef = d.cost.astype(float) + d.blm * d.fixed_boundary + terms.coef
        cover, target = self._cover_rows()
        held = np.asarray(sparse.csr_array(cover) @ (self._fixed == 1).astype(float)).ravel()
        rows = np.flatnonzero((target > 0) & (target > held))
        return build_selection_arrays(
            self._fixed, coef, terms.constant, terms, d.edge_i, d.edge_j,
            sparse.csr_array(cover)[rows], target[rows], np.full(len(rows), np.inf))

    def _set_initial_values(self) -> bool:
        """Hand :meth:`initial_solution` to PuLP; False when it misses a target."""
        start = self.initial_solution()
        columns = self.feature_columns(start)
        if not (columns["met"].all() and columns["occurrence_met"].all()):
            return False
        self._selection.set_start(start)
        return True

    # ---- solving --------------------------------------------------------------------
    def solve(
        self,
        solver: str | pulp.LpSolver | None = DEFAULT_SOLVER,
        *,
        time_limit: float | None = None,
        gap: float | None = 0.0,
        warm_start: bool = True,
        deadline: float | None = None,
        progress: Progress | None = None,
        **solver_options: Any,
    ) -> MarxanResult:
        """Solve to optimality (or the gap/time limit) and return the result.

        Parameters
        ----------
        solver : {"auto", "cbc", "highs", "cpsat", "scip", "lagrangian"}, pulp.LpSolver, None
            ``"auto"`` picks by size (:func:`landsim.optimize.pick_solver`); HiGHS,
            CP-SAT, SCIP and the Lagrangian relaxation run in-process on :meth:`selection_arrays` from the greedy
            start; CBC runs through PuLP; or any PuLP solver object.
        time_limit : float, optional
            Wall-clock limit handed to the solver, finite and > 0. [s]
        gap : float or None
            Relative optimality gap at which the solver may stop, 0 <= gap < 1; 0
            (default) asks for a proof of optimality, ``None`` keeps the solver's default
            (HiGHS: 1e-4). [fraction]
        warm_start : bool
            Give CBC the start of :meth:`initial_solution` (uses status 1 units); if CBC
            fails while reading it, the solve is retried once without it. The
            in-process solvers always start from it.
        deadline : float, optional
            ``time.monotonic()`` value by which the solver must return (a command's
            wall-clock budget, :class:`landsim.optimize.budget.WallBudget`). With no time
            left the greedy start is returned, labelled "gap unknown".
        progress : callable, optional
            Called with (seconds, incumbent, bound) as either improves (in-process
            solvers).
        **solver_options
            Passed to the PuLP solver (e.g. ``msg=True``, ``threads=2``).

        Returns
        -------
        MarxanResult

        Raises
        ------
        InfeasibleError
            A target exceeds what the units not locked out can hold, or the solver proves
            the problem infeasible.
        NoSolutionError
            The time limit passed before any feasible solution was found, or the solver
            failed with an error.
        InputError
            Unknown solver name, ``highspy`` missing, or a time limit or gap out of range.

        Notes
        -----
        Solving is delegated to :func:`landsim.optimize.solve_problem`. With a positive
        ``gap`` and no bound reported by the solver, :attr:`MarxanResult.gap` is ``None``
        (unknown), never 0.
        """
        name = pick_solver(solver, self.data.n_units, len(self.data.edge_i))
        if name in ARRAY_SOLVERS:
            return self._solve_in_process(name, time_limit=time_limit, gap=gap,
                                          deadline=deadline, progress=progress,
                                          threads=solver_options.pop("threads", None),
                                          msg=bool(solver_options.pop("msg", False)),
                                          **solver_options)
        options = SolverOptions.from_kwargs(time_limit=time_limit, gap=gap,
                                            warm_start=warm_start, **solver_options)
        if deadline is not None:
            left = max(0.05, deadline - time.monotonic())
            options = replace(options, time_limit=min(options.time_limit or left, left))
        self.diagnose()
        report = solve_problem(
            self.problem, solver, options, set_start=self._set_initial_values,
            what="solution", infeasible_message=(
                "the solver proved the Marxan problem infeasible although every target "
                "passed the pre-solve check on its own; check targetocc and locked units"))
        selected = self._selected()
        score = self.score(selected)
        report = report.with_objective(score)
        d = self.data
        return MarxanResult(
            status=report.status, score=score, cost=float(d.cost[selected].sum()),
            boundary=d.boundary(selected), blm=d.blm, best_bound=report.bound,
            gap=report.gap, solver=report.solver,
            build_seconds=self.build_seconds, solve_seconds=report.seconds,
            solution_columns=_solution_columns(d, selected),
            feature_columns=self.feature_columns(selected),
            solver_objective=report.solver_objective,
            warm_start=report.warm_start)

    def _solve_in_process(self, name: str, *, time_limit: float | None, gap: float | None,
                          deadline: float | None, progress: Progress | None,
                          threads: int | None, msg: bool, **extra: Any) -> MarxanResult:
        """Greedy start, then HiGHS, CP-SAT or SCIP on :meth:`selection_arrays`."""
        if extra:
            msg_ = (f"solver option(s) {', '.join(sorted(extra))} are not taken by the "
                    f"in-process solver {name!r}; use time_limit, gap, threads or msg")
            raise InputError(msg_)
        SolverOptions(time_limit=time_limit, gap=gap, threads=threads)  # validate
        self.diagnose()
        begin = time.perf_counter()
        start_x = self.initial_solution()
        arrays = self.selection_arrays()
        free = np.flatnonzero(self._fixed < 0)
        start = arrays.completed(start_x[free].astype(float))
        self.build_seconds = time.perf_counter() - begin
        heuristic = self.score(start_x)
        solved = solve_arrays(arrays, name, time_limit=time_limit, deadline=deadline,
                              gap=gap, threads=threads, start=start, progress=progress,
                              msg=msg)
        selected = self._fixed == 1
        selected[free] = solved.values[:len(free)] > 0.5
        score = self.score(selected)
        bound = solved.bound
        d = self.data
        trace = ({"seconds": 0.0, "incumbent": heuristic, "bound": None},
                 *(p.as_dict() for p in solved.trace))
        return MarxanResult(
            status=array_status(solved, gap, time_limit or deadline), score=score,
            cost=float(d.cost[selected].sum()), boundary=d.boundary(selected), blm=d.blm,
            best_bound=bound, gap=relative_gap(score, bound), solver=solved.solver,
            build_seconds=self.build_seconds, solve_seconds=solved.seconds,
            solution_columns=_solution_columns(d, selected),
            feature_columns=self.feature_columns(selected), solver_objective=solved.objective,
            warm_start=True, heuristic_score=heuristic, trace=trace)

    def _selected(self) -> np.ndarray:
        """Selection from the variable values (locked units included)."""
        return self._selection.selected()


def _solution_columns(problem: MarxanProblem, selected: np.ndarray) -> dict[str, np.ndarray]:
    """``planning_unit`` (id) and ``solution`` (1 selected, 0 not) in pu.dat order."""
    return {"planning_unit": problem.pu_id, "solution": selected.astype(np.int64)}


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------
OUTPUT_FILES: tuple[str, ...] = ("output_best.csv", "output_mvbest.csv", "summary.json")
"""Files written by :func:`write_marxan_outputs`."""


def write_marxan_outputs(result: MarxanResult, out_dir: str | os.PathLike[str], *,
                         problem: MarxanProblem | None = None,
                         inputs: Sequence[str | os.PathLike[str]] = (),
                         wall_seconds: float | None = None) -> list[Path]:
    """Write ``output_best.csv``, ``output_mvbest.csv`` (per feature) and ``summary.json``.

    Parameters
    ----------
    result : MarxanResult
        A solved result.
    out_dir : path-like
        Output folder (created if needed).
    problem : MarxanProblem, optional
        Adds the source, unit counts by status and MISSLEVEL to the summary.
    inputs : sequence of path-like
        The problem's input files or folder: writing over one of them is refused.
    wall_seconds : float, optional
        Wall time of the command up to writing (the command line's budget), added to
        the summary. [s]

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    summary = result.summary()
    if problem is not None:
        counts = np.bincount(problem.status.astype(np.int64), minlength=4)
        summary = {
            "source": problem.source,
            "planning_units_by_status": {"available": int(counts[0]),
                                         "initial_reserve": int(counts[1]),
                                         "locked_in": int(counts[2]),
                                         "locked_out": int(counts[3])},
            "n_features": problem.n_features, "has_boundary": problem.has_boundary,
            "misslevel": problem.misslevel, **summary}
    if wall_seconds is not None:
        summary["wall_seconds_before_write"] = round(float(wall_seconds), 3)
    summary["status_1_note"] = ("status 1 (initial reserve) seeds the solver's start "
                                "solution only; it is not a lock")
    return write_outputs(out_dir, {
        "output_best.csv": columns_csv_writer(result.solution_columns, None),
        "output_mvbest.csv": columns_csv_writer(result.feature_columns, "%.10g"),
        "summary.json": json_writer(summary),
    }, inputs=inputs)

