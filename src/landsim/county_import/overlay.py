"""Overlay of parcels with control-line and quality polygons, vectorised with shapely 2.

The share of a parcel inside a layer is the area of its intersection with the layer's
polygons over its own area. Large polygons (a red line or UDB digitised with thousands of
vertices) are first cut into pieces of at most :data:`MAX_PIECE_VERTICES` vertices, so
every intersection is between two small polygons; candidate pairs come from an STR-tree,
parcels lying wholly inside one piece are settled by a ``covered_by`` query without any
intersection, and the rest are intersected in one vectorised call.

>>> import shapely
>>> parcels = np.array([shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)])
>>> layer = np.array([shapely.box(5, -5, 30, 20)])
>>> area_shares(parcels, layer).round(2).tolist()
[0.5, 1.0]
"""

from __future__ import annotations

import numpy as np
import shapely

__all__ = ["MAX_PIECE_VERTICES", "area_shares", "intersection_pairs", "largest_overlap",
           "subdivide"]

MAX_PIECE_VERTICES = 256
"""Vertex count above which a layer polygon is cut in two (recursively)."""


def _split(geom: shapely.Geometry, out: list[shapely.Geometry], depth: int) -> None:
    if shapely.get_num_coordinates(geom) <= MAX_PIECE_VERTICES or depth > 24:
        out.append(geom)
        return
    xmin, ymin, xmax, ymax = geom.bounds
    if xmax - xmin >= ymax - ymin:
        mid = (xmin + xmax) / 2
        halves = (shapely.clip_by_rect(geom, xmin, ymin, mid, ymax),
                  shapely.clip_by_rect(geom, mid, ymin, xmax, ymax))
    else:
        mid = (ymin + ymax) / 2
        halves = (shapely.clip_by_rect(geom, xmin, ymin, xmax, mid),
                  shapely.clip_by_rect(geom, xmin, mid, xmax, ymax))
    for half in halves:
        for part in shapely.get_parts(half):
            if shapely.get_type_id(part) == 3 and part.area > 0:
                _split(part, out, depth + 1)


def subdivide(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cut polygons into pieces of at most :data:`MAX_PIECE_VERTICES` vertices.

    Returns the pieces and, for each, the index of the polygon it came from. The pieces of
    one polygon do not overlap and cover it exactly.
    """
    geoms = np.asarray(geoms, dtype=object)
    big = shapely.get_num_coordinates(geoms) > MAX_PIECE_VERTICES
    pieces: list[np.ndarray] = [geoms[~big]]
    owners: list[np.ndarray] = [np.flatnonzero(~big)]
    for k in np.flatnonzero(big):
        out: list[shapely.Geometry] = []
        for part in shapely.get_parts(geoms[k]):
            _split(part, out, 0)
        pieces.append(np.array(out, dtype=object))
        owners.append(np.full(len(out), k))
    return np.concatenate(pieces), np.concatenate(owners)


def intersection_pairs(parcels: np.ndarray, layer: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every (parcel, layer polygon) pair that overlaps, with the overlap.

    Returns ``(parcel index, layer index, area, piece)``: the overlap's area [CRS units
    squared] and geometry. A pair appears once per piece of the layer polygon (see
    :func:`subdivide`); pieces of one polygon do not overlap, so their areas add up.
    """
    parcels = np.asarray(parcels, dtype=object)
    pieces, owner = subdivide(layer)
    tree = shapely.STRtree(pieces)
    shapely.prepare(parcels)
    inside_p, inside_k = tree.query(parcels, predicate="covered_by")
    covered = np.zeros(parcels.size, dtype=bool)
    covered[inside_p] = True
    first = np.unique(inside_p, return_index=True)[1]  # one covering piece per parcel
    inside_p, inside_k = inside_p[first], inside_k[first]
    rest = np.flatnonzero(~covered)
    cand_p, cand_k = tree.query(parcels[rest], predicate="intersects")
    cand_p = rest[cand_p]
    overlap = shapely.intersection(parcels[cand_p], pieces[cand_k])
    area = shapely.area(overlap)
    keep = area > 0
    p = np.concatenate([inside_p, cand_p[keep]])
    k = np.concatenate([inside_k, cand_k[keep]])
    a = np.concatenate([shapely.area(parcels[inside_p]), area[keep]])
    g = np.concatenate([parcels[inside_p], overlap[keep]])
    return p, owner[k], a, g


def area_shares(parcels: np.ndarray, layer: np.ndarray) -> np.ndarray:
    """Share of each parcel's area inside the union of ``layer`` [fraction 0..1].

    Where two polygons of the layer overlap inside a parcel, the overlap counts once.
    """
    parcels = np.asarray(parcels, dtype=object)
    total = shapely.area(parcels)
    if len(layer) == 0:
        return np.zeros(parcels.size)
    p, k, a, g = intersection_pairs(parcels, layer)
    inside = np.bincount(p, weights=a, minlength=parcels.size)
    pairs = np.unique(np.stack([p, k]), axis=1)
    several = np.flatnonzero(np.bincount(pairs[0], minlength=parcels.size) > 1)
    for i in several:  # parts of different polygons may overlap: measure their union
        inside[i] = shapely.area(shapely.union_all(g[p == i]))
    return np.clip(inside / np.where(total > 0, total, 1.0), 0.0, 1.0)


def largest_overlap(parcels: np.ndarray, layer: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each parcel, the layer polygon overlapping it most (-1: none) and that share."""
    parcels = np.asarray(parcels, dtype=object)
    best = np.full(parcels.size, -1, dtype=np.int64)
    share = np.zeros(parcels.size)
    if len(layer) == 0:
        return best, share
    p, k, a, _ = intersection_pairs(parcels, layer)
    pair = p.astype(np.int64) * len(layer) + k
    uniq, inverse = np.unique(pair, return_inverse=True)
    summed = np.bincount(inverse, weights=a)
    up, uk = uniq // len(layer), uniq % len(layer)
    order = np.lexsort((uk, -summed, up))  # per parcel: largest area, then lowest index
    first = np.unique(up[order], return_index=True)[1]
    chosen = order[first]
    best[up[chosen]] = uk[chosen]
    share[up[chosen]] = summed[chosen] / shapely.area(parcels[up[chosen]])
    return best, share
