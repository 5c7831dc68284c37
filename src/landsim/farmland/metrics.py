"""Before/after metrics of a PBF layout and the 数量 / 质量 / 生态 checks.

A *patch* is a connected component of PBF parcels over the adjacency edges (parcels that
share a boundary). A 百亩方 is a patch of at least 100 mu (6.67 ha).

Examples
--------
>>> import numpy as np
>>> patch_labels(np.array([True, True, False, True]), np.array([0, 1, 2]), np.array([1, 2, 3]))
array([ 0,  0, -1,  1])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from landsim.errors import InputError
from landsim.units import MU_PER_HA, format_ha_mu

__all__ = ["LayoutMetrics", "compare_layouts", "patch_labels", "patch_stats",
           "weighted_grade"]

LARGE_PATCH_MU = 100.0
"""Size of a 百亩方 (contiguous block of farmland of at least 100 mu). [mu]"""
TOTAL_ROW = "total"
"""Label of the county-wide row of :attr:`LayoutMetrics.by_township`."""
CHECK_NAMES: tuple[str, ...] = ("数量/quantity", "质量/quality", "生态/ecology")
"""Row labels of :attr:`LayoutMetrics.checks`."""
GRADES: tuple[int, ...] = tuple(range(1, 11))
"""Quality grades 1..10 (GB/T 33469-2016, 1 best)."""


def patch_labels(selected: np.ndarray, edge_i: np.ndarray, edge_j: np.ndarray) -> np.ndarray:
    """Label contiguous patches of selected parcels.

    Parameters
    ----------
    selected : array of bool
        One value per parcel.
    edge_i, edge_j : array of int
        Row positions of adjacent parcels.

    Returns
    -------
    numpy.ndarray of int
        Patch label 0..k-1 for selected parcels (numbered in order of their first
        parcel), -1 for the others.
    """
    sel = np.asarray(selected, dtype=bool)
    i, j = np.asarray(edge_i, dtype=np.int64), np.asarray(edge_j, dtype=np.int64)
    n = len(sel)
    keep = sel[i] & sel[j]
    graph = coo_matrix((np.ones(int(keep.sum())), (i[keep], j[keep])), shape=(n, n))
    _, labels = connected_components(graph.tocsr(), directed=False)
    out = np.full(n, -1, dtype=np.int64)
    chosen = labels[sel]
    _, first, inverse = np.unique(chosen, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    out[sel] = rank[inverse]
    return out


def patch_stats(
    selected: np.ndarray,
    area_ha: np.ndarray,
    edge_i: np.ndarray,
    edge_j: np.ndarray,
    large_patch_mu: float = LARGE_PATCH_MU,
) -> dict[str, float]:
    """Patch count, mean patch area and share of area in large patches.

    Parameters
    ----------
    selected : array of bool
        One value per parcel.
    area_ha : array of float
        Parcel areas. [ha]
    edge_i, edge_j : array of int
        Row positions of adjacent parcels.
    large_patch_mu : float, default 100
        Minimum size of a 百亩方. [mu]

    Returns
    -------
    dict
        ``patches`` [count], ``mean_patch_ha`` [ha] (NaN if none) and
        ``share_in_large_patches`` [fraction 0-1] (NaN if nothing is selected).
    """
    labels = patch_labels(selected, edge_i, edge_j)
    chosen = labels >= 0
    k = int(labels.max()) + 1 if chosen.any() else 0
    if k == 0:
        return {"patches": 0, "mean_patch_ha": float("nan"),
                "share_in_large_patches": float("nan")}
    sizes = np.bincount(labels[chosen], weights=np.asarray(area_ha, float)[chosen], minlength=k)
    large = sizes * MU_PER_HA >= large_patch_mu * (1 - 1e-12)
    return {"patches": k, "mean_patch_ha": float(sizes.mean()),
            "share_in_large_patches": float(sizes[large].sum() / sizes.sum())}


@dataclass(frozen=True)
class LayoutMetrics:
    """Before/after comparison of a PBF layout.

    Attributes
    ----------
    by_township : pandas.DataFrame
        One row per township plus a ``total`` row: area_before_ha, area_after_ha,
        area_after_mu, added_ha, removed_ha, mean_grade_before, mean_grade_after,
        patches_before, patches_after, mean_patch_before_ha, mean_patch_after_ha,
        share_large_before, share_large_after (share of PBF area in 百亩方 patches
        [fraction]) and redline_after_ha. Township patches count edges inside the
        township only; the total row uses every edge.
    by_grade : pandas.DataFrame
        Index grade 1..10: area_before_ha, area_after_ha, change_ha.
    checks : pandas.DataFrame
        Index 数量/quantity, 质量/quality, 生态/ecology: criterion, before, after, unit,
        passed, detail.
    """

    by_township: pd.DataFrame
    by_grade: pd.DataFrame
    checks: pd.DataFrame

    @property
    def patches_before(self) -> int:
        """County-wide number of PBF patches before the adjustment."""
        return int(self.by_township.loc[TOTAL_ROW, "patches_before"])

    @property
    def patches_after(self) -> int:
        """County-wide number of PBF patches after the adjustment."""
        return int(self.by_township.loc[TOTAL_ROW, "patches_after"])

    @property
    def all_passed(self) -> bool:
        """True if all three checks pass."""
        return bool(self.checks["passed"].all())


def compare_layouts(
    parcels: pd.DataFrame,
    after: Any,
    edges: pd.DataFrame | None = None,
    *,
    target_ha: float | None = None,
    large_patch_mu: float = LARGE_PATCH_MU,
) -> LayoutMetrics:
    """Compare the PBF layout before (``parcels.is_pbf``) with a layout after.

    Parameters
    ----------
    parcels : pandas.DataFrame
        Parcels of design 5.1 (parcel_id, township, area_ha, quality_grade, is_pbf,
        in_eco_redline).
    after : LayoutResult, pandas.DataFrame or array of bool
        A result of :meth:`FarmlandLayoutModel.solve`, a layout table with parcel_id and
        is_pbf_after, or one bool per row of ``parcels``.
    edges : pandas.DataFrame, optional
        parcel_a, parcel_b, shared_length_m; without edges every parcel is its own patch.
    target_ha : float, optional
        Area the quantity check requires; default the area before. [ha]
    large_patch_mu : float, default 100
        Minimum size of a 百亩方. [mu]

    Returns
    -------
    LayoutMetrics
    """
    missing = [c for c in ("parcel_id", "township", "area_ha", "quality_grade", "is_pbf",
                           "in_eco_redline") if c not in parcels.columns]
    if missing:
        msg = f"parcels: missing column(s) {', '.join(missing)} (design 5.1)"
        raise InputError(msg)
    ids = pd.Index(parcels["parcel_id"].astype(str).to_numpy(dtype=object))
    data = _ParcelData(
        township=parcels["township"].astype(str).to_numpy(dtype=object),
        area=pd.to_numeric(parcels["area_ha"]).to_numpy(dtype=float),
        grade=pd.to_numeric(parcels["quality_grade"], errors="coerce").to_numpy(
            dtype=float, na_value=np.nan),
        before=parcels["is_pbf"].astype(bool).to_numpy(),
        after=_after_mask(after, ids),
        redline=parcels["in_eco_redline"].astype(bool).to_numpy(),
    )
    edge_i, edge_j = _edge_index(edges, ids)
    by_township = _by_township(data, edge_i, edge_j, large_patch_mu)
    target = float(data.area[data.before].sum()) if target_ha is None else float(target_ha)
    return LayoutMetrics(
        by_township=by_township,
        by_grade=_by_grade(data),
        checks=_checks(by_township.loc[TOTAL_ROW], target),
    )


@dataclass(frozen=True)
class _ParcelData:
    township: np.ndarray
    area: np.ndarray
    grade: np.ndarray
    before: np.ndarray
    after: np.ndarray
    redline: np.ndarray


def _after_mask(after: Any, ids: pd.Index) -> np.ndarray:
    """PBF-after as one bool per parcel row."""
    layout = getattr(after, "layout", after)
    if isinstance(layout, pd.DataFrame):
        if not {"parcel_id", "is_pbf_after"} <= set(layout.columns):
            msg = "after: a layout table needs the columns parcel_id and is_pbf_after"
            raise InputError(msg)
        series = pd.Series(layout["is_pbf_after"].astype(bool).to_numpy(),
                           index=layout["parcel_id"].astype(str).to_numpy(dtype=object))
        pos = series.index.get_indexer(ids)
        if (pos < 0).any():
            msg = (f"after: {int((pos < 0).sum())} parcel(s) of the parcels table are not in "
                   "the layout; compare a layout of the same parcels")
            raise InputError(msg)
        return series.to_numpy()[pos]
    mask = np.asarray(layout, dtype=bool)
    if mask.shape != (len(ids),):
        msg = f"after: expected one bool per parcel ({len(ids)},), got shape {mask.shape}"
        raise InputError(msg)
    return mask


def _edge_index(edges: pd.DataFrame | None, ids: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    if edges is None or len(edges) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    a = ids.get_indexer(edges["parcel_a"].astype(str))
    b = ids.get_indexer(edges["parcel_b"].astype(str))
    if ((a < 0) | (b < 0)).any():
        msg = "edges: some parcel_a/parcel_b ids are not in parcels; fix or drop those rows"
        raise InputError(msg)
    if "shared_length_m" in edges.columns:
        keep = pd.to_numeric(edges["shared_length_m"]).to_numpy(dtype=float) > 0
        a, b = a[keep], b[keep]
    return a.astype(np.int64), b.astype(np.int64)


def weighted_grade(area: np.ndarray, grade: np.ndarray, mask: np.ndarray) -> float:
    """Area-weighted mean grade of the parcels in ``mask`` that have a grade (NaN if none).

    >>> weighted_grade(np.array([1.0, 3.0, 2.0]), np.array([2.0, 6.0, np.nan]),
    ...                np.array([True, True, True]))
    5.0
    """
    mask = mask & np.isfinite(grade)
    total = float(area[mask].sum())
    return float((area[mask] * grade[mask]).sum() / total) if total > 0 else float("nan")


def _row(data: _ParcelData, rows: np.ndarray, edge_i: np.ndarray, edge_j: np.ndarray,
         large_patch_mu: float) -> dict[str, float]:
    """Metrics of the parcels in ``rows`` (a bool mask), using edges inside them."""
    inside = rows[edge_i] & rows[edge_j]
    sub = np.flatnonzero(rows)
    pos = np.full(len(rows), -1, dtype=np.int64)
    pos[sub] = np.arange(len(sub))
    ei, ej = pos[edge_i[inside]], pos[edge_j[inside]]
    area = data.area[sub]
    before, after = data.before[sub], data.after[sub]
    stats_before = patch_stats(before, area, ei, ej, large_patch_mu)
    stats_after = patch_stats(after, area, ei, ej, large_patch_mu)
    return {
        "area_before_ha": float(area[before].sum()),
        "area_after_ha": float(area[after].sum()),
        "area_after_mu": float(area[after].sum() * MU_PER_HA),
        "added_ha": float(area[after & ~before].sum()),
        "removed_ha": float(area[before & ~after].sum()),
        "mean_grade_before": weighted_grade(area, data.grade[sub], before),
        "mean_grade_after": weighted_grade(area, data.grade[sub], after),
        "patches_before": stats_before["patches"],
        "patches_after": stats_after["patches"],
        "mean_patch_before_ha": stats_before["mean_patch_ha"],
        "mean_patch_after_ha": stats_after["mean_patch_ha"],
        "share_large_before": stats_before["share_in_large_patches"],
        "share_large_after": stats_after["share_in_large_patches"],
        "redline_after_ha": float(area[after & data.redline[sub]].sum()),
    }


def _by_township(data: _ParcelData, edge_i: np.ndarray, edge_j: np.ndarray,
                 large_patch_mu: float) -> pd.DataFrame:
    towns = sorted(set(data.township.tolist()))
    rows = {t: _row(data, data.township == t, edge_i, edge_j, large_patch_mu) for t in towns}
    rows[TOTAL_ROW] = _row(data, np.ones(len(data.area), dtype=bool), edge_i, edge_j,
                           large_patch_mu)
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "township"
    return table.astype({"patches_before": "int64", "patches_after": "int64"})


def _by_grade(data: _ParcelData) -> pd.DataFrame:
    grade = data.grade
    rows = {g: {"area_before_ha": float(data.area[data.before & (grade == g)].sum()),
                "area_after_ha": float(data.area[data.after & (grade == g)].sum())}
            for g in GRADES}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table["change_ha"] = table["area_after_ha"] - table["area_before_ha"]
    table.index.name = "quality_grade"
    return table


def _checks(total: pd.Series, target_ha: float) -> pd.DataFrame:
    """The 数量 / 质量 / 生态 table from the county-wide row."""
    tol = 1e-9
    area_after = float(total["area_after_ha"])
    quantity_ok = area_after >= target_ha * (1 - tol) - tol
    g0, g1 = float(total["mean_grade_before"]), float(total["mean_grade_after"])
    quality_ok = bool(np.isnan(g0) or (np.isfinite(g1) and g1 <= g0 + tol * max(1.0, g0)))
    p0, p1 = int(total["patches_before"]), int(total["patches_after"])
    m0, m1 = float(total["mean_patch_before_ha"]), float(total["mean_patch_after_ha"])
    redline = float(total["redline_after_ha"])
    less_fragmented = p1 <= p0 or (np.isfinite(m1) and (np.isnan(m0) or m1 >= m0))
    ecology_ok = redline <= 0 and less_fragmented
    rows: list[Sequence[Any]] = [
        ("PBF area after >= target", float(total["area_before_ha"]), area_after, "ha",
         bool(quantity_ok),
         f"after {format_ha_mu(area_after)}, target {format_ha_mu(target_ha)}, added "
         f"{format_ha_mu(float(total['added_ha']))}, removed "
         f"{format_ha_mu(float(total['removed_ha']))}"),
        ("area-weighted mean grade after <= before (1 best)", g0, g1, "grade",
         quality_ok, f"mean grade {g0:.3f} -> {g1:.3f}"),
        ("no PBF in the ecological red line; fewer patches or larger mean patch",
         m0, m1, "ha per patch", bool(ecology_ok),
         f"patches {p0} -> {p1}, mean patch {m0:,.2f} -> {m1:,.2f} ha, share in 百亩方 "
         f"{float(total['share_large_before']):.1%} -> "
         f"{float(total['share_large_after']):.1%}, PBF in red line after "
         f"{format_ha_mu(redline)}"),
    ]
    table = pd.DataFrame(rows, columns=["criterion", "before", "after", "unit", "passed",
                                        "detail"], index=pd.Index(CHECK_NAMES, name="check"))
    return table
