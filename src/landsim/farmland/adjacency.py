"""Parcel adjacency (shared boundary length) derived from polygons.

Two parcels are adjacent when their boundaries share a line of positive length; parcels
touching at a corner only are not. Lengths are in the units of the layer's projected CRS,
which must be metres.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely

from landsim.errors import InputError

__all__ = ["edges_from_geometry"]


METRE_UNITS = frozenset({"metre", "meter", "m"})
"""Axis unit names of a metric CRS."""


def axis_units(crs: Any) -> set[str]:
    """Lower-case unit names of the axes of ``crs`` (a pyproj CRS)."""
    return {(axis.unit_name or "").lower() for axis in crs.axis_info}


def _check_crs(gdf: Any) -> None:
    """The layer must have a projected CRS in metres."""
    crs = getattr(gdf, "crs", None)
    if crs is None:
        msg = ("parcels geometry has no CRS, so boundary lengths in metres are unknown; "
               "set it (gdf.set_crs(...)) and reproject to a projected CRS such as "
               "EPSG:4546 (CGCS2000 / 3-degree Gauss-Kruger CM 111E) with gdf.to_crs(4546)")
        raise InputError(msg)
    if crs.is_geographic or not crs.is_projected:
        msg = (f"parcels geometry is in a geographic CRS ({crs.to_string()}), whose units are "
               "degrees; reproject to a projected CRS such as EPSG:4546 (CGCS2000 / "
               "3-degree Gauss-Kruger CM 111E) with gdf.to_crs(4546)")
        raise InputError(msg)
    units = axis_units(crs)
    if units and not units <= METRE_UNITS:
        msg = (f"parcels CRS {crs.to_string()} has axis units {sorted(units)}, not metres; "
               "reproject to a metric CRS such as EPSG:4546")
        raise InputError(msg)


def edges_from_geometry(gdf: Any, id_col: str = "parcel_id",
                        min_length_m: float = 0.0) -> pd.DataFrame:
    """Shared boundary lengths between polygons.

    Candidate pairs come from an STR-tree query on bounding boxes; the length is that of
    the intersection of the two polygon boundaries, computed with shapely's vectorised
    array functions.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Polygon parcels in a projected CRS with metre units.
    id_col : str, default "parcel_id"
        Column of unique parcel ids.
    min_length_m : float, default 0
        Drop pairs sharing at most this length (slivers of digitising noise). [m]

    Returns
    -------
    pandas.DataFrame
        parcel_a, parcel_b, shared_length_m [m]; each unordered pair once, with
        parcel_a the earlier row, sorted by row positions.

    Raises
    ------
    InputError
        No CRS or a geographic CRS, missing ``id_col``, duplicate ids or empty geometry.
    """
    _check_crs(gdf)
    if id_col not in gdf.columns:
        msg = f"parcels: no column {id_col!r} to name the parcels; pass id_col="
        raise InputError(msg)
    ids = gdf[id_col].astype(str).to_numpy(dtype=object)
    if pd.Index(ids).has_duplicates:
        msg = f"parcels: column {id_col} has duplicate ids; ids must be unique"
        raise InputError(msg)
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        rows = ", ".join(str(p) for p in ids[missing][:5])
        msg = f"parcels: empty or missing geometry for {rows}; fix or drop those rows"
        raise InputError(msg)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    boundaries = shapely.boundary(geoms)
    length = shapely.length(shapely.intersection(boundaries[left], boundaries[right]))
    keep = length > min_length_m
    left, right, length = left[keep], right[keep], length[keep]
    order = np.lexsort((right, left))
    return pd.DataFrame({
        "parcel_a": pd.array(ids[left[order]], dtype="string"),
        "parcel_b": pd.array(ids[right[order]], dtype="string"),
        "shared_length_m": length[order].astype(float),
    })
