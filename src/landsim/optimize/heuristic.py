r"""A fast feasible start for binary selection with cover targets and a boundary penalty.

The problem (Marxan's minimum set, and the quantity side of the PBF layout):

.. math::

    \min \sum_i c_i x_i - \sum_{(i,j)} w_{ij} x_i x_j
    \quad\text{s.t.}\quad \sum_i a_{fi} x_i \ge t_f,\; a \ge 0,\; w \ge 0

where :math:`c_i` already holds the unit's whole boundary as if it stood alone and
:math:`w_{ij} = 2 b \ell_{ij}` is what a shared boundary saves when both sides are
selected. :func:`greedy_cover` builds a selection in three passes, each costing
:math:`O(\text{nnz})` array work:

1. *add*: while a target is short, add the units with the most relative shortfall
   covered, :math:`\sum_f \min(a_{fi}/t_f, \text{short}_f)`, per unit of added cost
   :math:`c_i - \sum_{j \text{ selected}} w_{ij}` (a batch of about 0.1 % of the units
   per pass, so 100,000 units take a few hundred passes, not one pass per unit);
2. *fill*: add every unit whose added cost is negative (enclosed by the selection);
   adding one only lowers the others', so all of them together still improve;
3. *drop*: walk the selected units, dearest per cover first, and drop each one whose
   removal keeps every target met and lowers the objective.

The result meets every target that the candidates can meet (the caller checks).

>>> import numpy as np
>>> from scipy import sparse
>>> a = sparse.csc_array(np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]))
>>> greedy_cover(np.array([1.0, 1.5, 1.0]), a, np.array([1.0, 1.0])).tolist()
[False, True, False]
"""

from __future__ import annotations

import math

import numpy as np
from scipy import sparse

__all__ = ["greedy_cover"]

_TOL = 1e-9


def _neighbour_matrix(n: int, edge_i: np.ndarray, edge_j: np.ndarray,
                      edge_w: np.ndarray) -> sparse.csr_array:
    keep = edge_w > 0
    i, j, w = edge_i[keep], edge_j[keep], edge_w[keep]
    return sparse.csr_array((np.concatenate([w, w]), (np.concatenate([i, j]),
                                                      np.concatenate([j, i]))), shape=(n, n))


def greedy_cover(
    cost: np.ndarray,
    cover: sparse.sparray | sparse.spmatrix,
    target: np.ndarray,
    *,
    candidates: np.ndarray | None = None,
    start: np.ndarray | None = None,
    keep: np.ndarray | None = None,
    edge_i: np.ndarray | None = None,
    edge_j: np.ndarray | None = None,
    edge_w: np.ndarray | None = None,
    batch: int | None = None,
) -> np.ndarray:
    """A selection meeting ``cover @ x >= target`` cheaply (see the module docstring).

    Parameters
    ----------
    cost : array of float, shape (n,)
        Cost of selecting a unit alone (its boundary included). [objective units]
    cover : sparse array, shape (rows, n)
        What each unit contributes to each target row, >= 0.
    target : array of float, shape (rows,)
        Target per row (rows with a target <= 0 are ignored).
    candidates : array of bool, optional
        Units that may be added (default all).
    start : array of bool, optional
        Units selected at the start (default none).
    keep : array of bool, optional
        Units that must stay selected (locked in); default none.
    edge_i, edge_j, edge_w : arrays, optional
        Pairs of units and the saving ``w_ij >= 0`` when both are selected.
    batch : int, optional
        Units added per pass (default ``ceil(n / 1000)``).

    Returns
    -------
    numpy.ndarray of bool
    """
    cost = np.asarray(cost, dtype=float)
    n = len(cost)
    x = np.zeros(n, dtype=bool) if start is None else np.asarray(start, dtype=bool).copy()
    keep = np.zeros(n, dtype=bool) if keep is None else np.asarray(keep, dtype=bool)
    x |= keep
    cand = np.ones(n, dtype=bool) if candidates is None else np.asarray(candidates, bool)
    target = np.asarray(target, dtype=float)
    rows = np.flatnonzero(target > 0)
    rel = sparse.csc_array(sparse.diags_array(1.0 / target[rows])
                           @ sparse.csr_array(cover)[rows])
    col_of = np.repeat(np.arange(n), np.diff(rel.indptr))
    if edge_i is None or edge_w is None or not len(edge_w):
        nbr = sparse.csr_array((n, n))
    else:
        nbr = _neighbour_matrix(n, np.asarray(edge_i), np.asarray(edge_j),
                                np.asarray(edge_w, dtype=float))
    scale = max(float(np.abs(cost).mean()) if n else 1.0, 1e-12)
    step = batch or max(1, math.ceil(n / 1000))
    held = np.asarray(rel @ x.astype(float)).ravel()
    for _ in range(n):
        short = np.maximum(1.0 - held, 0.0)
        if not (short > _TOL).any():
            break
        gain = np.bincount(col_of, np.minimum(rel.data, short[rel.indices]), n)
        gain[x | ~cand] = 0.0
        useful = np.flatnonzero(gain > _TOL)
        if not len(useful):
            break
        added = cost[useful] - (nbr @ x.astype(float))[useful]
        ratio = gain[useful] / np.maximum(added, 1e-9 * scale)
        ratio[added <= 0] = np.inf
        top = (np.argpartition(-ratio, step - 1)[:step] if step < len(ratio)
               else np.arange(len(ratio)))
        take = useful[top]
        x[take] = True
        held += np.asarray(rel[:, take].sum(axis=1)).ravel()
    for _ in range(2):
        # fill: units whose addition lowers the objective (enclosed by the selection)
        while True:
            added = cost - nbr @ x.astype(float)
            fill = np.flatnonzero(~x & cand & (added < -_TOL * scale))
            if not len(fill):
                break
            x[fill] = True
            held += np.asarray(rel[:, fill].sum(axis=1)).ravel()
        # drop: units whose removal keeps every target met and lowers the objective
        chosen = np.flatnonzero(x & ~keep)
        saving = cost[chosen] - (nbr @ x.astype(float))[chosen]
        cover_of = np.bincount(col_of, rel.data, n)[chosen]
        order = chosen[np.argsort(-saving / np.maximum(cover_of, 1e-12), kind="stable")]
        indptr, indices, data = rel.indptr, rel.indices, rel.data
        nptr, nidx, nval = nbr.indptr, nbr.indices, nbr.data
        dropped = 0
        for i in order.tolist():
            lo, hi = nptr[i], nptr[i + 1]
            if cost[i] - float(nval[lo:hi] @ x[nidx[lo:hi]]) <= _TOL * scale:
                continue
            r, v = indices[indptr[i]:indptr[i + 1]], data[indptr[i]:indptr[i + 1]]
            if len(r) and (held[r] - v < 1.0 - _TOL).any():
                continue
            x[i] = False
            held[r] -= v
            dropped += 1
        if not dropped:
            break
    return x
