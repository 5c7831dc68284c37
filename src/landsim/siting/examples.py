"""Seeded example schemes and special-plan projects drawn from a county (synthetic).

:func:`example_schemes` makes three route schemes of a 40 m wide county road leaving the
urban development boundary (UDB); :func:`example_special_plan` makes one energy, one
transport and one water project. All geometry is in the parcels' CRS and clipped to the
county. Written to ``data/examples/siting`` by :func:`write_examples`.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landsim.units import m2_to_ha

__all__ = ["EXAMPLE_SEED", "example_schemes", "example_special_plan", "write_examples"]

EXAMPLE_SEED = 2023


def _frame(parcels: gpd.GeoDataFrame) -> tuple[np.ndarray, shapely.Geometry]:
    udb = parcels[parcels["in_udb"].astype(bool)]
    base = udb if len(udb) else parcels
    c = shapely.centroid(shapely.union_all(base.geometry.values))
    return np.array([c.x, c.y]), shapely.union_all(parcels.geometry.values)


def _route(start: np.ndarray, bearing_deg: float, length_m: float, bend_m: float,
           width_m: float) -> shapely.Geometry:
    a = np.deg2rad(bearing_deg)
    d = np.array([np.cos(a), np.sin(a)])
    n = np.array([-d[1], d[0]])
    pts = [start, start + d * length_m / 2 + n * bend_m, start + d * length_m]
    return shapely.LineString(pts).buffer(width_m / 2, cap_style="flat")


def example_schemes(parcels: gpd.GeoDataFrame, seed: int = EXAMPLE_SEED
                    ) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Schemes table and polygon footprints of three route schemes A, B, C."""
    rng = np.random.default_rng(seed)
    centre, county = _frame(parcels)
    specs = [("A", "东线 east route", 10.0, 0.0), ("B", "东北线 north-east route", 45.0, 400.0),
             ("C", "东南线 south-east route", -35.0, -300.0)]
    rows, geoms = [], []
    for sid, name, bearing, bend in specs:
        length = float(rng.uniform(4_000, 6_000))
        geom = shapely.intersection(_route(centre, bearing, length, bend, 40.0), county)
        geoms.append(geom)
        rows.append({"scheme_id": sid, "name": name,
                     "cost_wan_yuan": round(length / 1000 * float(rng.uniform(700, 900)), 0),
                     "length_km": round(length / 1000, 2),
                     "standard_ha": round(m2_to_ha(length * 36.0), 2),  # 36 m standard width
                     "area_carriageway_ha": round(m2_to_ha(length * 24.0), 2),
                     "area_verge_ha": round(m2_to_ha(length * 16.0), 2)})
    schemes = pd.DataFrame(rows)
    footprints = gpd.GeoDataFrame({"scheme_id": schemes["scheme_id"]}, geometry=geoms,
                                  crs=parcels.crs)
    return schemes, footprints


def example_special_plan(parcels: gpd.GeoDataFrame, seed: int = EXAMPLE_SEED
                         ) -> gpd.GeoDataFrame:
    """Three special-plan projects: a PV farm (energy), a road (transport), a reservoir
    (water), placed to touch PBF, the red line and the UDB."""
    rng = np.random.default_rng(seed)
    centre, county = _frame(parcels)
    redline = parcels[parcels["in_eco_redline"].astype(bool)]
    pbf = parcels[parcels["is_pbf"].astype(bool)]
    r = redline.geometry.representative_point()
    near_red = r.iloc[int(np.argmin(np.hypot(r.x - centre[0], r.y - centre[1])))]
    pv_at = pbf.geometry.representative_point().iloc[int(rng.integers(len(pbf)))]
    geoms = [
        shapely.box(pv_at.x - 600, pv_at.y - 400, pv_at.x + 600, pv_at.y + 400),
        _route(centre, 200.0, 6_000.0, 500.0, 30.0),
        shapely.Point(near_red.x, near_red.y).buffer(700.0),
    ]
    geoms = [shapely.intersection(g, county) for g in geoms]
    return gpd.GeoDataFrame({
        "project_id": ["E1", "T1", "W1"],
        "plan": ["energy", "transport", "water"],
        "name": ["光伏电站 PV farm", "县道改线 county road", "调蓄水库 reservoir"],
    }, geometry=geoms, crs=parcels.crs)


def write_examples(folder: str | os.PathLike[str], parcels: gpd.GeoDataFrame | None = None,
                   seed: int = EXAMPLE_SEED) -> list[Path]:
    """Write schemes.csv, footprints.gpkg, footprints_parcels.csv and special_plan.gpkg."""
    if parcels is None:
        from landsim.datasets import load_sample

        parcels = load_sample().parcels
    from landsim.outputs import csv_writer, write_outputs
    from landsim.siting.footprints import occupied_pieces

    schemes, footprints = example_schemes(parcels, seed)
    pieces = occupied_pieces(footprints, parcels)
    by_parcel = pd.DataFrame(pieces[["scheme_id", "parcel_id", "area_ha"]]).round(
        {"area_ha": 4})
    special = example_special_plan(parcels, seed)
    paths = write_outputs(folder, {
        "schemes.csv": csv_writer(schemes, None),
        "footprints.gpkg": lambda p: footprints.to_file(p, layer="footprints", engine="pyogrio"),
        "footprints_parcels.csv": csv_writer(by_parcel, None),
        "special_plan.gpkg": lambda p: special.to_file(p, layer="projects", engine="pyogrio"),
    })
    return paths
