"""Zones of the urban development boundary as data, and their checks.

A zoning is held as *zone pieces*: one row per (parcel, zone) with the area of the parcel
in that zone, columns ``parcel_id, zone, area_ha``. It comes from a parcel-keyed table
(``udb_zones.csv``: parcel_id, zone_code, optional area_ha; :func:`zones_from_table`) or
from a polygon layer overlaid on the parcels (a planning database's 规划分区 layer with the
field ``zone_code`` or ``GHFQDM``; :func:`zones_from_layer`).

:func:`check_zones` reports the three checks of the UDB (policy-facts s.5):

- the three control lines do not overlap (不交叉不重叠不冲突): area [ha] and parcel ids of
  zone pieces on permanent basic farmland or the ecological red line, of PBF inside the
  red line, of zones on parcels outside the UDB flag, and of zones that overlap;
- the flexible zone's share of the concentrated zone against its cap (15 %, RECALLED);
- the UDB against ``udb_expansion_multiple`` x the base year's urban construction land.

>>> import pandas as pd
>>> parcels = pd.DataFrame({"parcel_id": ["a", "b", "c"], "area_ha": [10.0, 4.0, 2.0]})
>>> z = zones_from_table(pd.DataFrame({"parcel_id": ["a", "b", "c"],
...                                    "zone_code": ["01", "02", "03"]}), parcels)
>>> zone_areas(z)
{'01': 10.0, '02': 4.0, '03': 2.0}
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from landsim.errors import InputError

__all__ = [
    "ZONE_CODES",
    "ZONE_NAMES",
    "ZONE_PIECE_COLUMNS",
    "check_zones",
    "zone_areas",
    "zones_from_layer",
    "zones_from_table",
]

ZONE_CODES = ("01", "02", "03")
"""规划分区 codes inside the UDB: concentrated, flexible, special-use."""

ZONE_NAMES = {"01": "城镇集中建设区 concentrated construction zone",
              "02": "城镇弹性发展区 flexible development zone",
              "03": "特别用途区 special-use zone"}
"""Bilingual name of each zone code."""

ZONE_PIECE_COLUMNS = ("parcel_id", "zone", "area_ha")
"""Columns of a zoning (one row per parcel and zone)."""

_TOL_HA = 1e-6
LISTED = 10
"""How many parcel ids an overlap row lists before '...'."""


def _sorted_pieces(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.groupby(["parcel_id", "zone"], as_index=False, sort=True)["area_ha"].sum()
    return out[list(ZONE_PIECE_COLUMNS)].reset_index(drop=True)


def zones_from_table(table: pd.DataFrame, parcels: pd.DataFrame,
                     origin: str = "udb_zones.csv") -> pd.DataFrame:
    """Zone pieces from a parcel-keyed table (``udb_zones.csv``, schema ``udb_zones``).

    Parameters
    ----------
    table : pandas.DataFrame
        Columns parcel_id, zone_code (01/02/03; a lone digit is read as 0N) and optional
        area_ha [ha] (empty: the whole parcel).
    parcels : pandas.DataFrame
        The parcel table (parcel_id, area_ha [ha]).
    origin : str
        File name for the messages.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ZONE_PIECE_COLUMNS`, sorted by parcel and zone.

    Raises
    ------
    InputError
        Unknown parcel ids, an unknown zone code, or a piece larger than its parcel.
    """
    for col in ("parcel_id", "zone_code"):
        if col not in table.columns:
            msg = f"{origin}: column {col!r} is missing. Fix: add it (parcel_id, zone_code)"
            raise InputError(msg)
    zone = table["zone_code"].astype(str).str.strip().str.zfill(2)
    bad = ~zone.isin(ZONE_CODES)
    if bad.any():
        msg = (f"{origin}: column 'zone_code', {int(bad.sum())} row(s) with unknown codes "
               f"{sorted(set(zone[bad]))[:5]}. Fix: use 01 (集中建设区), 02 (弹性发展区) or "
               "03 (特别用途区)")
        raise InputError(msg)
    ids = table["parcel_id"].astype(str)
    area = parcels.set_index(parcels["parcel_id"].astype(str))["area_ha"].astype(float)
    unknown = ~ids.isin(area.index)
    if unknown.any():
        msg = (f"{origin}: column 'parcel_id', {int(unknown.sum())} id(s) not in the "
               f"parcels: {', '.join(sorted(ids[unknown])[:5])}. Fix: use ids of the parcel "
               "layer")
        raise InputError(msg)
    whole = area.reindex(ids).to_numpy()
    given = (pd.to_numeric(table["area_ha"], errors="coerce").to_numpy(float)
             if "area_ha" in table.columns else np.full(len(table), np.nan))
    pieces = pd.DataFrame({"parcel_id": ids.to_numpy(), "zone": zone.to_numpy(),
                           "area_ha": np.where(np.isnan(given), whole, given)})
    too_big = pieces["area_ha"].to_numpy() > whole + _TOL_HA
    if too_big.any():
        first = pieces.loc[too_big, "parcel_id"].tolist()[:5]
        msg = (f"{origin}: column 'area_ha': zone area larger than the parcel for "
               f"{', '.join(first)}. Fix: give at most the parcel's area_ha or leave it empty")
        raise InputError(msg)
    return _sorted_pieces(pieces)


def zones_from_layer(layer: Any, parcels: Any, origin: str = "zone layer",
                     min_area_ha: float = 1e-4) -> pd.DataFrame:
    """Zone pieces from a polygon layer of zones overlaid on the parcel polygons.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        Zone polygons with a code field ``zone_code`` (or ``GHFQDM``, the planning
        database's 规划分区代码), in a projected CRS.
    parcels : geopandas.GeoDataFrame
        Parcels with geometry (reprojected to the layer's CRS if needed).
    origin : str
        File name for the messages.
    min_area_ha : float
        Slivers smaller than this are dropped. [ha]

    The area of a piece is the parcel's ``area_ha`` times the share of its polygon
    inside the zone (so a parcel wholly inside keeps its recorded area).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ZONE_PIECE_COLUMNS`: the area of each parcel inside each zone.
    """
    import geopandas as gpd
    import shapely

    code_col = next((c for c in ("zone_code", "GHFQDM", "ghfqdm") if c in layer.columns), None)
    if code_col is None:
        msg = (f"{origin}: no zone code field (zone_code or GHFQDM). Fix: add zone_code "
               "with 01, 02 or 03 to every polygon")
        raise InputError(msg)
    if not isinstance(parcels, gpd.GeoDataFrame):
        msg = (f"{origin}: a zone layer needs parcels with geometry. Fix: give the county's "
               "parcels as parcels.gpkg")
        raise InputError(msg)
    if layer.crs is None or not layer.crs.is_projected:
        msg = (f"{origin}: the zone layer has no projected CRS. Fix: reproject it to the "
               "parcels' CRS (e.g. EPSG:4546)")
        raise InputError(msg)
    zones = layer[[code_col, layer.geometry.name]].rename(columns={code_col: "zone_code"})
    zones = zones.to_crs(parcels.crs) if zones.crs != parcels.crs else zones
    table = pd.DataFrame({"parcel_id": [], "zone_code": []})
    geoms = parcels.geometry.values
    area_ha = parcels["area_ha"].astype(float).to_numpy()
    tree = shapely.STRtree(geoms)
    rows = []
    for code, geom in zip(zones["zone_code"], zones.geometry.values, strict=True):
        if geom is None or geom.is_empty:
            continue
        hit = tree.query(geom, predicate="intersects")
        if hit.size == 0:
            continue
        share = (shapely.area(shapely.intersection(geoms[hit], geom))
                 / np.maximum(shapely.area(geoms[hit]), 1e-12))
        # the share of each parcel's recorded area (area_ha), as the UDB flag rule does
        rows.append(pd.DataFrame({"parcel_id": parcels["parcel_id"].to_numpy()[hit],
                                  "zone_code": str(code),
                                  "area_ha": np.minimum(share, 1.0) * area_ha[hit]}))
    if rows:
        table = pd.concat(rows, ignore_index=True)
        table = table[table["area_ha"] >= min_area_ha]
    return zones_from_table(table, parcels, origin)


def zone_areas(pieces: pd.DataFrame) -> dict[str, float]:
    """Area of each zone code [ha] (every code, 0 where absent)."""
    total = pieces.groupby("zone")["area_ha"].sum()
    return {z: round(float(total.get(z, 0.0)), 6) for z in ZONE_CODES}


def _overlap_row(pair: str, mask: np.ndarray, ids: pd.Series, area: pd.Series) -> dict:
    listed = sorted(ids[mask].astype(str).unique())
    more = ", ..." if len(listed) > LISTED else ""
    return {"check": "no_overlap", "item": pair, "value": round(float(area[mask].sum()), 4),
            "limit": 0.0, "unit": "ha", "ok": not bool(mask.any()),
            "parcels": ", ".join(listed[:LISTED]) + more}


def check_zones(pieces: pd.DataFrame, parcels: pd.DataFrame,
                base_urban_land_ha: float | None = None,
                flexible_zone_share_max: float | None = None,
                udb_expansion_multiple: float | None = None) -> pd.DataFrame:
    """The three UDB checks as one table.

    Parameters
    ----------
    pieces : pandas.DataFrame
        Zone pieces (:data:`ZONE_PIECE_COLUMNS`).
    parcels : pandas.DataFrame
        Parcels (design 5.1: parcel_id, area_ha, is_pbf, in_eco_redline, in_udb).
    base_urban_land_ha : float, optional
        Urban construction land of the county in the base year
        (:func:`landsim.quota.engine.udb_base_urban_land` summed); without it the
        expansion multiple is not checked. [ha]
    flexible_zone_share_max, udb_expansion_multiple : float, optional
        Caps; default the shared figures of :data:`landsim.policy.COMMON`. [fraction],
        [factor]

    Returns
    -------
    pandas.DataFrame
        Columns check, item, value, limit, unit, ok, parcels: one ``no_overlap`` row per
        pair of control lines (area [ha] and the parcel ids), ``flexible_share`` and
        ``udb_expansion_multiple``.

    Examples
    --------
    >>> parcels = pd.DataFrame({"parcel_id": ["a", "b"], "area_ha": [10.0, 4.0],
    ...     "is_pbf": [False, True], "in_eco_redline": [False, False],
    ...     "in_udb": [True, True]})
    >>> z = zones_from_table(pd.DataFrame({"parcel_id": ["a", "b"],
    ...                                    "zone_code": ["01", "02"]}), parcels)
    >>> c = check_zones(z, parcels, base_urban_land_ha=12.0)
    >>> c.set_index("item").loc[["UDB x PBF 永久基本农田", "flexible / concentrated",
    ...                          "UDB / base urban land"], ["value", "ok"]].values.tolist()
    [[4.0, False], [0.4, False], [1.1667, True]]
    """
    from landsim.policy import COMMON

    share_max = (COMMON.flexible_zone_share_max if flexible_zone_share_max is None
                 else flexible_zone_share_max)
    multiple = (COMMON.udb_expansion_multiple if udb_expansion_multiple is None
                else udb_expansion_multiple)
    flags = parcels.set_index(parcels["parcel_id"].astype(str))
    ids = pieces["parcel_id"].astype(str)
    area = pieces["area_ha"].astype(float).reset_index(drop=True)
    ids = ids.reset_index(drop=True)

    def flag(name: str) -> np.ndarray:
        if name not in flags.columns:
            return np.zeros(len(ids), dtype=bool)
        return flags[name].astype(bool).reindex(ids).fillna(False).to_numpy(bool)

    rows = [
        _overlap_row("UDB x PBF 永久基本农田", flag("is_pbf"), ids, area),
        _overlap_row("UDB x red line 生态保护红线", flag("in_eco_redline"), ids, area),
    ]
    both = pd.Series(True, index=flags.index)
    for name in ("is_pbf", "in_eco_redline"):
        both &= (flags[name].astype(bool) if name in flags.columns
                 else pd.Series(False, index=flags.index))
    rows.append(_overlap_row("PBF x red line", both.to_numpy(), pd.Series(flags.index),
                             flags["area_ha"].astype(float).reset_index(drop=True)))
    outside = ~flag("in_udb") if "in_udb" in flags.columns else np.zeros(len(ids), bool)
    rows.append(_overlap_row("zone outside UDB flag", outside, ids, area))
    per_parcel = area.groupby(ids).sum()
    excess = (per_parcel - flags["area_ha"].astype(float).reindex(per_parcel.index)).clip(0)
    over = excess.to_numpy() > 1e-3
    rows.append(_overlap_row("zones overlap", over, pd.Series(per_parcel.index),
                             pd.Series(excess.to_numpy())))
    areas = zone_areas(pieces)
    conc, flex = areas["01"], areas["02"]
    share = flex / conc if conc > 0 else (np.inf if flex > 0 else 0.0)
    rows.append({"check": "flexible_share", "item": "flexible / concentrated",
                 "value": round(float(share), 4), "limit": share_max, "unit": "fraction",
                 "ok": bool(share <= share_max + 1e-12), "parcels": ""})
    udb = sum(areas.values())
    if base_urban_land_ha is not None and base_urban_land_ha > 0:
        ratio = udb / base_urban_land_ha
        rows.append({"check": "udb_expansion_multiple", "item": "UDB / base urban land",
                     "value": round(float(ratio), 4), "limit": multiple, "unit": "factor",
                     "ok": bool(ratio <= multiple + 1e-12), "parcels": ""})
    return pd.DataFrame(rows, columns=["check", "item", "value", "limit", "unit", "ok",
                                       "parcels"])
