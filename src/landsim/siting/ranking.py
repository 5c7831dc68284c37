r"""Multi-criteria ranking of site/route schemes: weighted sum, TOPSIS, the county plan's
tie rule, weight sensitivity and dominance. Pure functions of a decision matrix.

Weighted sum: each criterion is min-max normalised to [0, 1] with 1 best,
:math:`n_{ic} = (x_{ic} - \min_i x_{ic}) / (\max - \min)` for a criterion to maximise
and :math:`(\max - x_{ic}) / (\max - \min)` for one to minimise (a constant criterion gives
1 to every scheme); score :math:`S_i = \sum_c w_c n_{ic} / \sum_c w_c`.

TOPSIS (Hwang and Yoon 1981): :math:`r_{ic} = x_{ic} / \sqrt{\sum_i x_{ic}^2}` (0 for an
all-zero column), :math:`v_{ic} = w_c r_{ic} / \sum w`; ideal :math:`v^+_c` is the best
value of column c, anti-ideal :math:`v^-_c` the worst; closeness
:math:`C_i = d^-_i / (d^+_i + d^-_i)` with Euclidean distances :math:`d^\pm_i =
\lVert v_i - v^\pm \rVert` (0.5 when both are 0, i.e. all schemes identical).

Tie rule (偏政办发〔2023〕53号 三(二)): "同等条件下，优先选用占用耕地特别是永久基本农田比例
较低的方案" -- schemes whose scores differ by at most ``tie_tolerance`` are equal; among
them the lower PBF share, then the lower cultivated share, ranks first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from landsim.errors import InputError

__all__ = [
    "CRITERIA",
    "METHODS",
    "dominance",
    "rank_schemes",
    "topsis_scores",
    "weight_sensitivity",
    "weighted_sum_scores",
]

CRITERIA: dict[str, str] = {
    "cultivated_ha": "min",
    "pbf_ha": "min",
    "eco_redline_ha": "min",
    "forest_ha": "min",
    "outside_udb_ha": "min",
    "footprint_ha": "min",
    "land_use_ratio": "min",
    "cost_wan_yuan": "min",
    "length_km": "min",
    "cultivated_share": "min",
    "pbf_share": "min",
}
"""Criteria a scheme can be ranked on, each with its direction (``min``: less is better).
Any other numeric column of the measures table may be used with an explicit direction."""

METHODS = ("topsis", "weighted_sum")


def _matrix(measures: pd.DataFrame, weights: Mapping[str, float],
            directions: Mapping[str, str] | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not weights:
        msg = "no criterion weights given. Fix: give at least one weight, e.g. pbf_ha=1."
        raise InputError(msg)
    dirs = {**CRITERIA, **(directions or {})}
    names = list(weights)
    unknown = [n for n in names if n not in measures.columns or n not in dirs]
    if unknown:
        valid = [c for c in measures.columns if c in dirs]
        msg = (f"unknown criterion {', '.join(unknown)}. Fix: weight one of "
               f"{', '.join(valid)} (or give its direction).")
        raise InputError(msg)
    w = np.array([float(weights[n]) for n in names])
    if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
        msg = (f"criterion weights must be finite, >= 0 and not all 0; got "
               f"{dict(zip(names, w.tolist(), strict=True))}. Fix: correct the weights.")
        raise InputError(msg)
    x = measures[names].to_numpy(float)
    if np.isnan(x).any():
        bad = [n for n, col in zip(names, x.T, strict=True) if np.isnan(col).any()]
        msg = (f"criterion {', '.join(bad)} is missing for some schemes (e.g. land_use_ratio "
               "needs standard_ha). Fix: give the values or set the weight to 0 / drop it.")
        raise InputError(msg)
    better_high = np.array([dirs[n] == "max" for n in names])
    return x, w, better_high


def weighted_sum_scores(x: np.ndarray, w: np.ndarray, better_high: np.ndarray) -> np.ndarray:
    """Weighted sum of min-max normalised criteria (1 best) [0-1]."""
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        n = np.where(better_high, (x - lo) / span, (hi - x) / span)
    n = np.where(span > 0, n, 1.0)
    return n @ w / w.sum()


def topsis_scores(x: np.ndarray, w: np.ndarray, better_high: np.ndarray) -> np.ndarray:
    """TOPSIS closeness to the ideal [0-1], vector normalisation."""
    norm = np.sqrt((x ** 2).sum(axis=0))
    r = np.divide(x, norm, out=np.zeros_like(x, dtype=float), where=norm > 0)
    v = r * (w / w.sum())
    best = np.where(better_high, v.max(axis=0), v.min(axis=0))
    worst = np.where(better_high, v.min(axis=0), v.max(axis=0))
    d_best = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_worst = np.sqrt(((v - worst) ** 2).sum(axis=1))
    total = d_best + d_worst
    return np.divide(d_worst, total, out=np.full(len(x), 0.5), where=total > 0)


def _scores(method: str, x: np.ndarray, w: np.ndarray, better_high: np.ndarray) -> np.ndarray:
    if method == "topsis":
        return topsis_scores(x, w, better_high)
    if method == "weighted_sum":
        return weighted_sum_scores(x, w, better_high)
    msg = f"unknown ranking method {method!r}. Fix: use one of {', '.join(METHODS)}."
    raise InputError(msg)


def _order(scores: np.ndarray, pbf_share: np.ndarray, cult_share: np.ndarray,
           tol: float) -> tuple[np.ndarray, list[str]]:
    """Positions in rank order and, per position, how a tie was broken."""
    by_score = np.argsort(-scores, kind="stable")
    groups: list[list[int]] = []
    for i in by_score:
        if groups and scores[groups[-1][0]] - scores[i] <= tol:
            groups[-1].append(int(i))
        else:
            groups.append([int(i)])
    order: list[int] = []
    note = [""] * len(scores)
    for g in groups:
        ranked = sorted(g, key=lambda i: (round(pbf_share[i], 12), round(cult_share[i], 12), i))
        order += ranked
        if len(g) > 1:
            keys = {(round(pbf_share[i], 12), round(cult_share[i], 12)) for i in g}
            text = ("tie broken by lower PBF, then cultivated share (同等条件下优先占用耕地特别是"
                    "永久基本农田比例较低的方案)" if len(keys) == len(g) else
                    "tie: equal shares too, input order kept")
            for i in g:
                note[i] = text
    return np.asarray(order), note


def rank_schemes(measures: pd.DataFrame, weights: Mapping[str, float],
                 method: str = "topsis", tie_tolerance: float = 1e-9,
                 directions: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Rank schemes by ``method`` with user ``weights`` and the county plan's tie rule.

    Parameters
    ----------
    measures : DataFrame
        One row per scheme with ``scheme_id``, ``pbf_share``, ``cultivated_share`` and the
        weighted criteria (see :data:`CRITERIA`).
    weights : mapping
        Criterion -> weight [>= 0]; normalised to sum 1.
    method : str
        ``'topsis'`` or ``'weighted_sum'``.
    tie_tolerance : float
        Scores within this distance are "equal conditions". [score, 0-1]

    Returns
    -------
    DataFrame
        scheme_id, score, rank (1 best), tie_rule; in rank order.
    """
    if len(measures) < 2:
        from landsim.siting.compare import too_few_schemes

        raise too_few_schemes(measures["scheme_id"].astype(str).tolist())
    x, w, bh = _matrix(measures, weights, directions)
    scores = _scores(method, x, w, bh)
    order, note = _order(scores, measures["pbf_share"].to_numpy(float),
                         measures["cultivated_share"].to_numpy(float), tie_tolerance)
    out = pd.DataFrame({"scheme_id": measures["scheme_id"].to_numpy()[order],
                        "score": scores[order], "rank": np.arange(1, len(order) + 1),
                        "tie_rule": [note[i] for i in order]})
    out.insert(0, "method", method)
    return out


def _ranking(measures: pd.DataFrame, x: np.ndarray, w: np.ndarray, bh: np.ndarray,
             method: str, tol: float) -> list[str]:
    scores = _scores(method, x, w, bh)
    order, _ = _order(scores, measures["pbf_share"].to_numpy(float),
                      measures["cultivated_share"].to_numpy(float), tol)
    return [str(s) for s in measures["scheme_id"].to_numpy()[order]]


def weight_sensitivity(measures: pd.DataFrame, weights: Mapping[str, float],
                       method: str = "topsis", tie_tolerance: float = 1e-9,
                       directions: Mapping[str, str] | None = None,
                       max_factor: float = 10.0, steps: int = 200) -> pd.DataFrame:
    """For each criterion, how far its weight may move (others fixed) before the ranking
    changes, and which ranking it changes to.

    The weight is scanned on ``[0, max_factor x max(w_c, mean weight)]`` and the switch
    points refined by bisection (to 1e-9 of the scan width).

    Returns
    -------
    DataFrame
        criterion, weight, ranking (best first, ' > ' joined), lower_weight (below it the
        ranking changes; NaN: never down to 0), ranking_below, upper_weight (above it the
        ranking changes; NaN: not within the scan), ranking_above, top_changes_below,
        top_changes_above (whether the first-ranked scheme changes).
    """
    x, w, bh = _matrix(measures, weights, directions)
    names = list(weights)
    base = _ranking(measures, x, w, bh, method, tie_tolerance)
    rows = []
    for c, name in enumerate(names):
        def rank_at(value: float, c: int = c) -> list[str]:
            ww = w.copy()
            ww[c] = value
            if ww.sum() <= 0:
                return base
            return _ranking(measures, x, ww, bh, method, tie_tolerance)

        hi_end = max_factor * max(w[c], w.mean())
        found = {}
        for side, end in (("below", 0.0), ("above", hi_end)):
            found[side] = _first_switch(rank_at, base, w[c], end, steps, 1e-9 * hi_end)
        (lower, below), (upper, above) = found["below"], found["above"]
        rows.append({
            "criterion": name, "weight": w[c], "ranking": " > ".join(base),
            "lower_weight": lower, "ranking_below": below,
            "upper_weight": upper, "ranking_above": above,
            "top_changes_below": bool(below) and below.split(" > ")[0] != base[0],
            "top_changes_above": bool(above) and above.split(" > ")[0] != base[0],
        })
    return pd.DataFrame(rows)


def _first_switch(rank_at, base: list[str], start: float, end: float, steps: int,
                  tol: float) -> tuple[float, str]:
    """Scan the weight from ``start`` to ``end``; at the first grid point where the ranking
    differs from ``base``, bisect to the switch weight. (NaN, '') if none."""
    prev = start
    for g in np.linspace(start, end, steps + 1)[1:]:
        if rank_at(g) != base:
            same, other = prev, g
            while abs(other - same) > tol:
                mid = 0.5 * (same + other)
                if rank_at(mid) == base:
                    same = mid
                else:
                    other = mid
            return float(other), " > ".join(rank_at(other))
        prev = g
    return float("nan"), ""


def dominance(measures: pd.DataFrame, criteria: Sequence[str],
              directions: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Pareto dominance: cell (a, b) is True when scheme a is no worse than b on every
    criterion and strictly better on at least one."""
    x, _, bh = _matrix(measures, dict.fromkeys(criteria, 1.0), directions)
    signed = np.where(bh, x, -x)  # larger is better
    ge = (signed[:, None, :] >= signed[None, :, :] - 1e-12).all(axis=2)
    gt = (signed[:, None, :] > signed[None, :, :] + 1e-12).any(axis=2)
    ids = measures["scheme_id"].astype(str).to_numpy()
    return pd.DataFrame(ge & gt, index=pd.Index(ids, name="scheme_id"), columns=ids)
