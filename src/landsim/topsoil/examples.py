"""Seeded example inputs of a topsoil plan drawn from a county's parcels (synthetic).

Sources are construction sites on cultivated parcels nearest the urban development
boundary (UDB); destinations are low-grade cultivated land to improve, grassland to turn
into replenished cultivated land and rural homesteads to reclaim; stockpiles sit on
grassland near the UDB. Written to ``data/examples/topsoil`` by :func:`write_examples`.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from landsim.schema import CULTIVATED_CLASSES
from landsim.topsoil.inputs import (
    TopsoilInputs,
    prepare_destinations,
    prepare_sources,
    prepare_stockpiles,
)
from landsim.topsoil.params import TopsoilParams
from landsim.units import ha_to_m2

__all__ = ["EXAMPLE_SEED", "example_tables", "example_topsoil_inputs", "write_examples"]

EXAMPLE_SEED = 2023


def _xy(parcels: pd.DataFrame) -> pd.DataFrame:
    if "geometry" in parcels:
        c = parcels.geometry.representative_point()
        return pd.DataFrame({"x_m": c.x.round(1), "y_m": c.y.round(1)}, index=parcels.index)
    msg = "example inputs need parcels with geometry (e.g. landsim.load_sample().parcels)"
    raise ValueError(msg)


def example_tables(parcels: pd.DataFrame, seed: int = EXAMPLE_SEED, n_sources: int = 8,
                   n_stockpiles: int = 3, n_destinations: int = 10
                   ) -> dict[str, pd.DataFrame]:
    """Raw example tables (as they would be read from CSV): sources, stockpiles,
    destinations. Deterministic for a given ``seed``."""
    rng = np.random.default_rng(seed)
    xy = _xy(parcels)
    udb = parcels["in_udb"].astype(bool)
    centre = xy[udb].mean().to_numpy() if udb.any() else xy.mean().to_numpy()
    dist = np.hypot(xy["x_m"] - centre[0], xy["y_m"] - centre[1])
    cult = parcels["land_class"].isin(CULTIVATED_CLASSES)
    grass = parcels["land_class"].eq("0404") & ~parcels["in_eco_redline"].astype(bool)
    near = dist.sort_values(kind="stable")
    src_idx = near[cult.reindex(near.index)].index[:n_sources]
    sources = pd.DataFrame({
        "source_id": [f"S{i + 1:02d}" for i in range(len(src_idx))],
        "parcel_id": parcels.loc[src_idx, "parcel_id"].to_numpy(),
        "x_m": xy.loc[src_idx, "x_m"].to_numpy(), "y_m": xy.loc[src_idx, "y_m"].to_numpy(),
        "area_ha": rng.uniform(1.5, 6.0, len(src_idx)).round(2),
        "land_class": parcels.loc[src_idx, "land_class"].to_numpy(),
        "depth_m": "", "volume_m3": "",
        "year": rng.choice([2024, 2025, 2026], len(src_idx)),
    })
    stk_idx = near[grass.reindex(near.index)].index[[2, 9, 20][:n_stockpiles]]
    stockpiles = pd.DataFrame({
        "stockpile_id": [f"K{i + 1}" for i in range(len(stk_idx))],
        "x_m": xy.loc[stk_idx, "x_m"].to_numpy(), "y_m": xy.loc[stk_idx, "y_m"].to_numpy(),
        "capacity_m3": rng.choice([15_000, 20_000, 30_000], len(stk_idx)),
        "handling_cost_yuan_per_m3": "", "storage_cost_yuan_per_m3_year": "",
        "earliest_year": 2024, "latest_year": 2028,
    })
    low = cult & (parcels["quality_grade"].fillna(0) >= 9) & ~udb
    home = parcels["land_class"].eq("0702")
    n_low = n_destinations // 2
    n_home = (n_destinations - n_low) // 2
    n_grass = n_destinations - n_low - n_home
    picks = [(near[low.reindex(near.index)].index[:n_low], "improvement", 0.20),
             (near[home.reindex(near.index)].index[:n_home], "reclamation", 0.30),
             (near[grass.reindex(near.index)].index[40:40 + n_grass], "replenished", 0.30)]
    rows = []
    for idx, kind, depth in picks:
        for i in idx:
            area = round(float(rng.uniform(2.0, 8.0)), 2)
            rows.append({"x_m": xy.at[i, "x_m"], "y_m": xy.at[i, "y_m"], "kind": kind,
                         "required_m3": round(ha_to_m2(area) * depth, -2), "area_ha": area,
                         "year_ready": int(rng.choice([2024, 2025, 2026, 2027]))})
    destinations = pd.DataFrame(rows)
    destinations.insert(0, "destination_id", [f"D{i + 1:02d}" for i in range(len(rows))])
    return {"sources": sources, "stockpiles": stockpiles, "destinations": destinations}


def example_topsoil_inputs(parcels: pd.DataFrame, seed: int = EXAMPLE_SEED,
                           params: TopsoilParams | None = None, **sizes: int
                           ) -> TopsoilInputs:
    """Validated :class:`TopsoilInputs` of :func:`example_tables`."""
    raw = {k: v.astype(str) for k, v in example_tables(parcels, seed, **sizes).items()}
    return TopsoilInputs(prepare_sources(raw["sources"], params),
                         prepare_stockpiles(raw["stockpiles"], params),
                         prepare_destinations(raw["destinations"]))


def write_examples(folder: str | os.PathLike[str], parcels: pd.DataFrame | None = None,
                   seed: int = EXAMPLE_SEED) -> list[Path]:
    """Write sources.csv, stockpiles.csv and destinations.csv to ``folder``."""
    if parcels is None:
        from landsim.datasets import load_sample

        parcels = load_sample().parcels
    from landsim.outputs import csv_writer, write_outputs

    paths = write_outputs(folder, {f"{name}.csv": csv_writer(table, None)
                                   for name, table in example_tables(parcels, seed).items()})
    return paths
