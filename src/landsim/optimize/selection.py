r"""Binary-selection plumbing shared by the PBF layout and the Marxan minimum set.

Both models choose a subset of units (parcels, planning units) with one binary
:math:`x_i` per unit, fix some units in or out (locks, ineligibility) and may penalise
the boundary between selected and unselected units:

.. math::

    w \sum_{(i,j)} \ell_{ij}\,(x_i + x_j - 2 x_i x_j),
    \qquad y_{ij} \le x_i,\; y_{ij} \le x_j,\; 0 \le y_{ij} \le 1

where :math:`y_{ij}` replaces the product :math:`x_i x_j`. With :math:`w \ge 0` and
:math:`\ell_{ij} \ge 0` the objective coefficient of :math:`y_{ij}` is
:math:`-2 w \ell_{ij} \le 0`, so a minimisation pushes :math:`y_{ij}` up to
:math:`\min(x_i, x_j) = x_i x_j` and the two upper bounds linearise the product exactly;
no lower bound :math:`y_{ij} \ge x_i + x_j - 1` is needed.

Fixed units get no variable: their terms become constants, an edge to a unit fixed at 1
contributes :math:`\ell_{ij}(1 - x_i)`, and a :math:`y_{ij}` exists only for an edge
between two free units (:func:`boundary_terms`, :class:`BinarySelection`).

Examples
--------
Three units in a row, the middle one locked in:

>>> import numpy as np, pulp
>>> fixed = fixed_values(3, locked_in=np.array([False, True, False]))
>>> fixed.tolist()
[-1, 1, -1]
>>> terms = boundary_terms(3, [0, 1], [1, 2], [10.0, 10.0], 0.5, fixed)
>>> terms.coef.tolist(), terms.constant, terms.pair_edges.tolist()
([-5.0, 10.0, -5.0], 0.0, [])
>>> problem = pulp.LpProblem("demo", pulp.LpMinimize)
>>> selection = BinarySelection(fixed)
>>> _ = selection.add_variables(problem, ["x_a", "x_b", "x_c"])
>>> str(selection.linear(np.array([1.0, 2.0, 3.0]) + terms.coef))
'-4.0*x_a - 2.0*x_c + 12.0'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from landsim.errors import InputError

if TYPE_CHECKING:
    import pulp  # imported when a PuLP problem is built

__all__ = ["BinarySelection", "BoundaryTerms", "boundary_terms", "fixed_values"]


def fixed_values(n: int, *, locked_in: np.ndarray | None = None,
                 locked_out: np.ndarray | None = None) -> np.ndarray:
    """Fold locked-in and locked-out units into one array of fixed values.

    Parameters
    ----------
    n : int
        Number of units.
    locked_in, locked_out : array of bool, optional
        Units that must be / must not be selected (ineligible units belong to
        ``locked_out``).

    Returns
    -------
    numpy.ndarray of int8
        -1 for a free unit, 1 for a unit fixed in, 0 for a unit fixed out. A unit in
        both masks is fixed out (callers report that conflict before solving).
    """
    fixed = np.full(n, -1, dtype=np.int8)
    for mask, value in ((locked_in, 1), (locked_out, 0)):
        if mask is None:
            continue
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (n,):
            msg = f"a lock mask has shape {mask.shape}; expected one value per unit ({n},)"
            raise InputError(msg)
        fixed[mask] = value
    return fixed


@dataclass(frozen=True)
class BoundaryTerms:
    """The boundary penalty, linearised and with fixed units substituted.

    Attributes
    ----------
    coef : numpy.ndarray of float
        Linear coefficient per unit (all units, fixed ones included; fixed units fold
        into a constant through :meth:`BinarySelection.linear`). [objective units]
    constant : float
        Constant from edges whose two units are both fixed at 1 (the per-unit part of
        fixed units is in ``coef``). [objective units]
    pair_edges : numpy.ndarray of int64
        Positions (in the edge arrays) of the edges between two free units with a
        positive penalty: each needs a product variable :math:`y_{ij}`.
    pair_coef : numpy.ndarray of float
        Objective coefficient of each product variable, :math:`-2 w \\ell_{ij} < 0`.
        [objective units]
    """

    coef: np.ndarray
    constant: float
    pair_edges: np.ndarray
    pair_coef: np.ndarray


def boundary_terms(
    n: int,
    edge_i: Sequence[int] | np.ndarray,
    edge_j: Sequence[int] | np.ndarray,
    length: Sequence[float] | np.ndarray,
    weight: float,
    fixed: np.ndarray,
) -> BoundaryTerms:
    r"""Linearise :math:`w \sum_e \ell_e (x_i + x_j - 2 x_i x_j)` given fixed units.

    Parameters
    ----------
    n : int
        Number of units.
    edge_i, edge_j : array of int
        Row positions of the two units of each edge, ``edge_i != edge_j``; each
        unordered pair once.
    length : array of float
        Shared boundary of each edge, >= 0. [length units]
    weight : float
        Penalty per unit of boundary, >= 0 (the linearisation is exact only then).
        [objective units per length unit]
    fixed : array of int8
        From :func:`fixed_values`.

    Returns
    -------
    BoundaryTerms

    Raises
    ------
    InputError
        A negative or non-finite weight or length.
    """
    i = np.asarray(edge_i, dtype=np.int64)
    j = np.asarray(edge_j, dtype=np.int64)
    ell = np.asarray(length, dtype=float)
    if not (np.isfinite(weight) and weight >= 0):
        msg = (f"the boundary weight must be a finite number >= 0, got {weight!r}; the "
               "linearisation y <= x_i, y <= x_j needs a penalty, not a reward")
        raise InputError(msg)
    if len(ell) and not (np.isfinite(ell).all() and (ell >= 0).all()):
        msg = "boundary lengths must be finite numbers >= 0"
        raise InputError(msg)
    empty = np.zeros(0, dtype=np.int64)
    if weight == 0 or not len(i):
        return BoundaryTerms(np.zeros(n), 0.0, empty, np.zeros(0))
    w = float(weight)
    coef = w * (np.bincount(i, ell, n) + np.bincount(j, ell, n))
    fi, fj = fixed[i], fixed[j]
    # x_i x_j with one side fixed at 1 is linear in the other side
    one_i, one_j = (fj == 1) & (fi < 0), (fi == 1) & (fj < 0)
    coef -= 2 * w * (np.bincount(i[one_i], ell[one_i], n) + np.bincount(j[one_j], ell[one_j], n))
    both_one = (fi == 1) & (fj == 1)
    constant = 0.0 - 2 * w * float(ell[both_one].sum())
    pair = np.flatnonzero((fi < 0) & (fj < 0) & (ell > 0))
    return BoundaryTerms(coef, constant, pair, -2 * w * ell[pair])


class BinarySelection:
    """The binary variables of the free units of a selection problem.

    Holds the fixed values, the free units and their PuLP variables, the product
    variables of the boundary term, and turns per-unit coefficient arrays into PuLP
    expressions with fixed units folded into the constant.

    Parameters
    ----------
    fixed : array of int8
        From :func:`fixed_values`: -1 free, 0 fixed out, 1 fixed in.
    """

    def __init__(self, fixed: np.ndarray) -> None:
        self.fixed = np.asarray(fixed, dtype=np.int8)
        self.free = np.flatnonzero(self.fixed < 0)
        self.slot = np.full(len(self.fixed), -1, dtype=np.int64)
        self.slot[self.free] = np.arange(len(self.free))
        self.xvars: list[pulp.LpVariable] = []
        self.yvars: list[pulp.LpVariable] = []
        self.pair_i = np.zeros(0, dtype=np.int64)
        self.pair_j = np.zeros(0, dtype=np.int64)

    @property
    def n(self) -> int:
        """Number of units."""
        return len(self.fixed)

    def add_variables(self, problem: pulp.LpProblem,
                      names: Sequence[str]) -> list[pulp.LpVariable]:
        """Create one binary per free unit; ``names`` has one name per unit (all units)."""
        import pulp

        if len(names) != self.n:
            msg = f"got {len(names)} variable names for {self.n} units"
            raise InputError(msg)
        self.xvars = [problem.add_variable(names[k], cat=pulp.LpBinary)
                      for k in self.free.tolist()]
        return self.xvars

    def linear(self, coef: np.ndarray, constant: float = 0.0) -> pulp.LpAffineExpression:
        """``sum_i coef_i x_i + constant`` over all units, fixed units folded in.

        Parameters
        ----------
        coef : array of float
            One coefficient per unit (all units).
        constant : float
            Added to the constant.
        """
        import pulp

        coef = np.asarray(coef, dtype=float)
        fixed_part = float(coef[self.fixed == 1].sum())
        free_coef = coef[self.free]
        nonzero = np.flatnonzero(free_coef)
        xvars = self.xvars
        terms = [(xvars[k], c) for k, c in zip(nonzero.tolist(), free_coef[nonzero].tolist(),
                                                strict=True)]
        return pulp.LpAffineExpression(terms, constant=constant + fixed_part)

    def add_products(
        self,
        problem: pulp.LpProblem,
        terms: BoundaryTerms,
        edge_i: np.ndarray,
        edge_j: np.ndarray,
        *,
        names: Sequence[str],
        keys: Sequence[str],
    ) -> list[tuple[pulp.LpVariable, float]]:
        """Product variables ``y`` with ``y <= x_i`` and ``y <= x_j`` for the pair edges.

        Parameters
        ----------
        problem : pulp.LpProblem
            The problem (its x variables made by :meth:`add_variables`).
        terms : BoundaryTerms
            From :func:`boundary_terms`.
        edge_i, edge_j : array of int
            The edge arrays ``terms`` was built from.
        names : sequence of str
            Name of each product variable, one per ``terms.pair_edges``.
        keys : sequence of str
            Constraint names become ``yi_<key>`` and ``yj_<key>``, one per pair edge.

        Returns
        -------
        list of (pulp.LpVariable, float)
            Each product variable with its objective coefficient (<= 0).
        """
        import pulp

        pair = terms.pair_edges
        if not (len(names) == len(keys) == len(pair)):
            msg = f"got {len(names)} names and {len(keys)} keys for {len(pair)} pair edges"
            raise InputError(msg)
        self.pair_i = np.asarray(edge_i, dtype=np.int64)[pair]
        self.pair_j = np.asarray(edge_j, dtype=np.int64)[pair]
        xvars, slot, le = self.xvars, self.slot, pulp.LpConstraintLE
        self.yvars = []
        out = []
        for name, key, a, b, c in zip(names, keys, slot[self.pair_i].tolist(),
                                      slot[self.pair_j].tolist(), terms.pair_coef.tolist(),
                                      strict=True):
            y = problem.add_variable(name, 0, 1)
            problem.addConstraint(pulp.LpConstraint(
                pulp.LpAffineExpression(((y, 1), (xvars[a], -1))), le, f"yi_{key}", 0))
            problem.addConstraint(pulp.LpConstraint(
                pulp.LpAffineExpression(((y, 1), (xvars[b], -1))), le, f"yj_{key}", 0))
            self.yvars.append(y)
            out.append((y, c))
        return out

    def expression(self, coef: np.ndarray, constant: float = 0.0,
                   products: Sequence[tuple[pulp.LpVariable, float]] = ()
                   ) -> pulp.LpAffineExpression:
        """:meth:`linear` plus the product terms of :meth:`add_products`."""
        expr = self.linear(coef, constant)
        for var, c in products:
            expr[var] = c
        return expr

    def set_start(self, start: np.ndarray) -> None:
        """Set the variables' initial values from a selection (one bool per unit).

        Product variables get ``start_i and start_j``.
        """
        start = np.asarray(start, dtype=bool)
        for var, value in zip(self.xvars, start[self.free].astype(float).tolist(),
                              strict=True):
            var.setInitialValue(value)
        both = (start[self.pair_i] & start[self.pair_j]).astype(float)
        for var, value in zip(self.yvars, both.tolist(), strict=True):
            var.setInitialValue(value)

    def values(self) -> np.ndarray:
        """Raw solver values of the x variables, in the order of :attr:`free` (NaN if unset)."""
        return np.array([np.nan if v.varValue is None else v.varValue for v in self.xvars],
                        dtype=float)

    def selected(self) -> np.ndarray:
        """Selection after solving (one bool per unit; fixed units included)."""
        selected = self.fixed == 1
        if self.xvars:
            selected[self.free] = np.nan_to_num(self.values(), nan=0.0) > 0.5
        return selected
