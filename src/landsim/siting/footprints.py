"""Scheme footprints over the parcels table: occupied land by class and control line.

A footprint is either polygons (a GeoDataFrame with a ``scheme_id`` or ``project_id``
column and a projected CRS) or a table of parcel ids (``scheme_id, parcel_id[, area_ha]``:
the whole parcel, or ``area_ha`` of it). Both become the same long table of occupied
pieces: one row per (footprint, parcel) with ``area_ha`` [ha].
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landsim.errors import InputError
from landsim.schema import CULTIVATED_CLASSES
from landsim.units import m2_to_ha

__all__ = [
    "FOREST_PREFIX",
    "OUTSIDE_TOLERANCE_HA",
    "check_footprint_crs",
    "occupied_pieces",
]

FOREST_PREFIX = "03"
"""三调 codes 03xx are forest land (林地: 0301 乔木林地, 0305 灌木林地, ...); using it needs
the forestry department's opinion (偏政办发〔2023〕53号 三(二))."""

OUTSIDE_TOLERANCE_HA = 0.01
"""Footprint area allowed outside the county's parcels before it is an error [ha]
(plus 0.1 % of the footprint, for digitising slivers)."""

_PIECE_COLUMNS = ["parcel_id", "land_class", "is_pbf", "in_eco_redline", "in_udb"]


def _list(values: list[str]) -> str:
    return ", ".join(map(str, values[:5])) + (", ..." if len(values) > 5 else "")


def check_footprint_crs(footprints: gpd.GeoDataFrame, parcels: pd.DataFrame,
                        source: str) -> gpd.GeoDataFrame:
    """Footprints in the parcels' CRS; no CRS, or parcels without geometry, is an error."""
    if footprints.crs is None:
        msg = (f"{source}: column 'geometry': the footprints have no coordinate reference "
               "system (CRS). Fix: assign one in your GIS, e.g. EPSG:4546 (CGCS2000 / "
               "3-degree Gauss-Kruger CM 111E), the sample county's CRS.")
        raise InputError(msg)
    if not isinstance(parcels, gpd.GeoDataFrame):
        msg = (f"{source}: polygon footprints need parcels with geometry. Fix: read the "
               "parcels from a GeoPackage, or give footprints as parcel ids (CSV with "
               "scheme_id, parcel_id).")
        raise InputError(msg)
    if footprints.crs != parcels.crs:
        footprints = footprints.to_crs(parcels.crs)
    return footprints


def occupied_pieces(footprints: pd.DataFrame, parcels: pd.DataFrame, key: str = "scheme_id",
                    source: str = "footprints", check_outside: bool = True) -> pd.DataFrame:
    """Pieces of parcels each footprint occupies.

    Returns a DataFrame with ``key``, parcel_id, land_class, is_pbf, in_eco_redline,
    in_udb, area_ha [ha], and ``geometry`` when footprints are polygons.

    Raises
    ------
    InputError
        Unknown parcel ids; polygons without CRS; footprints partly outside the county
        (more than :data:`OUTSIDE_TOLERANCE_HA` + 0.1 %).
    """
    if key not in footprints.columns:
        msg = (f"{source}: missing column {key!r}. Fix: add a column {key!r} naming the "
               "scheme (or project) of each footprint.")
        raise InputError(msg)
    if isinstance(footprints, gpd.GeoDataFrame) and footprints.geometry.name in footprints:
        return _polygon_pieces(footprints, parcels, key, source, check_outside)
    return _id_pieces(footprints, parcels, key, source)


def _id_pieces(table: pd.DataFrame, parcels: pd.DataFrame, key: str, source: str
               ) -> pd.DataFrame:
    if "parcel_id" not in table.columns:
        msg = (f"{source}: footprints need polygons (GeoPackage) or a 'parcel_id' column. "
               f"Fix: give {key}, parcel_id[, area_ha] per row.")
        raise InputError(msg)
    table = table.copy()
    table[key] = table[key].astype(str).str.strip()
    table["parcel_id"] = table["parcel_id"].astype(str).str.strip()
    known = pd.Index(parcels["parcel_id"].astype(str))
    unknown = ~table["parcel_id"].isin(known)
    if unknown.any():
        lines = [str(i + 2) for i in np.flatnonzero(unknown.to_numpy())]
        msg = (f"{source}: column 'parcel_id', line(s) {_list(lines)}: unknown parcel id(s) "
               f"{_list(table.loc[unknown, 'parcel_id'].tolist())}. Fix: use parcel_id values "
               "of the parcels table.")
        raise InputError(msg)
    attrs = pd.DataFrame(parcels[_PIECE_COLUMNS + ["area_ha"]]).rename(
        columns={"area_ha": "parcel_area_ha"})
    attrs["parcel_id"] = attrs["parcel_id"].astype(str)
    out = table[[key, "parcel_id"] + (["area_ha"] if "area_ha" in table else [])].merge(
        attrs, on="parcel_id", how="left")
    if "area_ha" in out:
        area = pd.to_numeric(out["area_ha"], errors="coerce")
        bad = area.isna() & out["area_ha"].astype(str).str.strip().ne("") | (area < 0) | (
            area > out["parcel_area_ha"] * (1 + 1e-9))
        if bad.any():
            lines = [str(i + 2) for i in np.flatnonzero(bad.to_numpy())]
            msg = (f"{source}: column 'area_ha', line(s) {_list(lines)}: area must be a number "
                   "from 0 to the parcel's area [ha]. Fix: correct it or leave it empty for the "
                   "whole parcel.")
            raise InputError(msg)
        out["area_ha"] = area.fillna(out["parcel_area_ha"])
    else:
        out["area_ha"] = out["parcel_area_ha"]
    out = out.groupby([key, "parcel_id"], sort=True, as_index=False).agg(
        {**{c: "first" for c in _PIECE_COLUMNS[1:]}, "area_ha": "sum"})
    return out[[key, *_PIECE_COLUMNS, "area_ha"]]


def _polygon_pieces(footprints: gpd.GeoDataFrame, parcels: pd.DataFrame, key: str,
                    source: str, check_outside: bool) -> pd.DataFrame:
    from landsim.datasets import check_polygons

    check_polygons(footprints, source, key, what="scheme footprints")
    footprints = check_footprint_crs(footprints, parcels, source)
    geoms = footprints.geometry.values
    bad = shapely.is_missing(geoms) | shapely.is_empty(geoms) | ~shapely.is_valid(geoms)
    if bad.any():
        ids = footprints.loc[bad, key].astype(str).tolist()
        msg = (f"{source}: column 'geometry': invalid or empty footprint(s) of {key} "
               f"{_list(ids)}. Fix: repair them (e.g. shapely.make_valid) or delete them.")
        raise InputError(msg)
    ids = footprints[key].astype(str).str.strip()
    dissolved = gpd.GeoSeries(footprints.geometry.values, crs=footprints.crs).groupby(
        ids.to_numpy()).agg(lambda s: shapely.union_all(s.values))
    names = dissolved.index.to_numpy()
    fgeoms = np.asarray(dissolved.values)
    pgeoms = parcels.geometry.values
    fi, pj = parcels.sindex.query(fgeoms, predicate="intersects")
    inter = shapely.intersection(fgeoms[fi], np.asarray(pgeoms)[pj])
    area = m2_to_ha(shapely.area(inter))
    keep = area > 0
    pieces = pd.DataFrame(parcels.iloc[pj[keep]][_PIECE_COLUMNS]).reset_index(drop=True)
    pieces.insert(0, key, names[fi[keep]])
    pieces["area_ha"] = area[keep]
    if check_outside:
        inside = pd.Series(area[keep]).groupby(names[fi[keep]]).sum()
        total = pd.Series(m2_to_ha(shapely.area(fgeoms)), index=names)
        outside = total - inside.reindex(names).fillna(0.0)
        too_much = outside > OUTSIDE_TOLERANCE_HA + 1e-3 * total
        if too_much.any():
            shown = "; ".join(f"{k} {outside[k]:,.2f} ha of {total[k]:,.2f} ha"
                              for k in outside.index[too_much][:5])
            msg = (f"{source}: footprint(s) outside the county: {shown} lie outside the "
                   "parcels layer. Fix: clip the footprints to the county, or check that "
                   "their CRS is right (the parcels are in "
                   f"{parcels.crs.to_string() if parcels.crs else 'no CRS'}).")
            raise InputError(msg)
    out = gpd.GeoDataFrame(pieces, geometry=np.asarray(inter[keep]), crs=parcels.crs)
    return out.sort_values([key, "parcel_id"]).reset_index(drop=True)


def piece_flags(pieces: pd.DataFrame) -> pd.DataFrame:
    """Boolean columns of a pieces table: cultivated, pbf, redline, forest, udb."""
    lc = pieces["land_class"].astype(str)
    return pd.DataFrame({
        "cultivated": lc.isin(CULTIVATED_CLASSES),
        "pbf": pieces["is_pbf"].astype(bool),
        "eco_redline": pieces["in_eco_redline"].astype(bool),
        "forest": lc.str.startswith(FOREST_PREFIX),
        "udb": pieces["in_udb"].astype(bool),
    }, index=pieces.index)
