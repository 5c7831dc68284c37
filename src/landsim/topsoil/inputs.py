"""Input tables of the topsoil plan: sources, stockpiles, destinations, distances.

Every table is validated with :func:`landsim.schema.validate_table`, so bad input raises
:class:`~landsim.errors.InputError` naming file, column, rows and the fix.

Coordinates ``x_m``/``y_m`` are metres in a projected CRS (the sample county uses
EPSG:4546); distances are road kilometres.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from landsim.errors import InputError
from landsim.schema import (
    CULTIVATED_CLASSES,
    XY_COLUMNS,
    Column,
    TableSchema,
    optional,
    validate_table,
)
from landsim.topsoil.params import TopsoilParams
from landsim.units import ha_to_m2

__all__ = [
    "DESTINATIONS",
    "DESTINATION_KINDS",
    "DISTANCES",
    "SOURCES",
    "STOCKPILES",
    "TopsoilInputs",
    "distance_matrices",
    "prepare_destinations",
    "prepare_sources",
    "prepare_stockpiles",
    "read_topsoil_inputs",
]

PathLike = str | os.PathLike[str]

DESTINATION_KINDS = ("reclamation", "improvement", "replenished")
"""复垦 reclamation, 低等耕地提质改造 low-grade farmland improvement, 补充耕地 replenished
cultivated land."""

_YEAR = {"minimum": 1990, "maximum": 2100}


def _sites(name: str, filename: str, description: str, key: str, *columns: Column,
           min_rows: int = 1) -> TableSchema:
    """A table of sites: a unique id column, optional x/y coordinates, then ``columns``;
    at least ``min_rows`` rows (a plan needs a source and a destination)."""
    return TableSchema(name=name, filename=filename, description=description, key=key,
                       columns=(Column(key, "str", "", key.replace("_", " "), unique=True),
                                *XY_COLUMNS, *columns), min_rows=min_rows)


SOURCES = _sites(
    "topsoil_sources", "sources.csv", "Construction sites occupying cultivated land (取土区)",
    "source_id",
    Column("area_ha", "float", "ha", "cultivated area stripped", minimum=0.0),
    optional("land_class", "code", "", "三调 class; 0101/0102/0103 give a default depth"),
    optional("depth_m", "float", "m", "stripping depth (empty: default by class)",
             minimum=0.0, maximum=2.0),
    optional("volume_m3", "float", "m3", "stripped volume (empty: area x depth)", minimum=0.0),
    Column("year", "int", "year", "stripping year", **_YEAR),  # type: ignore[arg-type]
    optional("parcel_id", "str", "", "parcel of the parcels table, if any"),
)

STOCKPILES = _sites(
    "topsoil_stockpiles", "stockpiles.csv", "Temporary stockpiles (存放区)", "stockpile_id",
    Column("capacity_m3", "float", "m3", "largest volume held at once", minimum=0.0),
    optional("handling_cost_yuan_per_m3", "float", "yuan/m3",
             "handling per m3 stored (empty: default)", minimum=0.0),
    optional("storage_cost_yuan_per_m3_year", "float", "yuan/(m3 year)",
             "keeping cost per m3 and year end (empty: default)", minimum=0.0),
    Column("earliest_year", "int", "year", "first year soil may be placed",
           **_YEAR),  # type: ignore[arg-type]
    Column("latest_year", "int", "year", "last year of use; must be empty after it",
           **_YEAR),  # type: ignore[arg-type]
    min_rows=0,
)

DESTINATIONS = _sites(
    "topsoil_destinations", "destinations.csv", "Places where soil is spread (覆土区)",
    "destination_id",
    Column("kind", "str", "", "use of the soil", choices=DESTINATION_KINDS),
    Column("required_m3", "float", "m3", "volume the site can take", minimum=0.0),
    Column("year_ready", "int", "year", "first year the site can receive soil",
           **_YEAR),  # type: ignore[arg-type]
    optional("area_ha", "float", "ha", "site area", minimum=0.0),
)

DISTANCES = TableSchema(
    name="topsoil_distances", filename="distances.csv",
    description="Road distances between sites (missing pair: no route)",
    label=("from_id", "to_id"),
    columns=(
        Column("from_id", "str", "", "source or stockpile id"),
        Column("to_id", "str", "", "stockpile or destination id"),
        Column("distance_km", "float", "km", "road distance", minimum=0.0),
    ),
)


@dataclass(frozen=True)
class TopsoilInputs:
    """Validated topsoil tables; ``sources`` carries ``volume_m3`` [m3]."""

    sources: pd.DataFrame
    stockpiles: pd.DataFrame
    destinations: pd.DataFrame
    distances: pd.DataFrame | None = None


def _has_xy(frame: pd.DataFrame) -> bool:
    return {"x_m", "y_m"} <= set(frame.columns) and bool(frame[["x_m", "y_m"]].notna().all()
                                                         .all())


def _source_name(source: str | None, schema: TableSchema) -> str:
    return source or schema.filename


def prepare_sources(raw: pd.DataFrame, params: TopsoilParams | None = None,
                    source: str | None = None,
                    parcel_ids: pd.Series | list[str] | None = None) -> pd.DataFrame:
    """Validate a sources table and fill ``depth_m`` and ``volume_m3`` [m3].

    ``volume_m3`` = ``area_ha`` x 10,000 m2/ha x ``depth_m`` unless given. A source
    without depth or volume must be cultivated (0101/0102/0103) to take a default depth.
    ``parcel_ids``, when given, are the valid ids of the ``parcel_id`` column.
    """
    params = params or TopsoilParams()
    name = _source_name(source, SOURCES)
    frame = validate_table(raw, SOURCES, name)
    if parcel_ids is not None:
        valid = set(map(str, parcel_ids))
        bad = frame["parcel_id"].notna() & ~frame["parcel_id"].isin(valid)
        if bad.any():
            ids = ", ".join(map(str, frame.loc[bad, "parcel_id"].head(5))) + (
                ", ..." if bad.sum() > 5 else "")
            msg = (f"{name}: column 'parcel_id': unknown parcel id(s) {ids}. Fix: use ids of "
                   "the parcels table or leave the cell empty.")
            raise InputError(msg)
    depth = frame["depth_m"].astype("float64")
    default = frame["land_class"].map(params.depth_by_class()).astype("float64")
    depth = depth.fillna(default)
    missing = depth.isna() & frame["volume_m3"].isna()
    if missing.any():
        ids = ", ".join(frame.loc[missing, "source_id"].head(5))
        msg = (f"{name}: column 'depth_m': source(s) {ids} have no depth, no volume and a "
               f"land class outside {', '.join(CULTIVATED_CLASSES)}. Fix: give depth_m [m] "
               "or volume_m3 [m3].")
        raise InputError(msg)
    frame["depth_m"] = depth
    frame["volume_m3"] = frame["volume_m3"].astype("float64").fillna(
        ha_to_m2(frame["area_ha"]) * depth)
    return frame


def prepare_stockpiles(raw: pd.DataFrame, params: TopsoilParams | None = None,
                       source: str | None = None) -> pd.DataFrame:
    """Validate a stockpiles table and fill default costs."""
    params = params or TopsoilParams()
    name = _source_name(source, STOCKPILES)
    if raw.empty and "stockpile_id" not in raw.columns:
        raw = pd.DataFrame(columns=[c.name for c in STOCKPILES.columns if c.required])
    frame = validate_table(raw, STOCKPILES, name)
    bad = frame["earliest_year"] > frame["latest_year"]
    if bad.any():
        ids = ", ".join(frame.loc[bad, "stockpile_id"].head(5))
        msg = (f"{name}: column 'latest_year': stockpile(s) {ids} end before they start. "
               "Fix: latest_year must be >= earliest_year.")
        raise InputError(msg)
    frame["handling_cost_yuan_per_m3"] = frame["handling_cost_yuan_per_m3"].astype(
        "float64").fillna(params.handling_cost_yuan_per_m3)
    frame["storage_cost_yuan_per_m3_year"] = frame["storage_cost_yuan_per_m3_year"].astype(
        "float64").fillna(params.storage_cost_yuan_per_m3_year)
    return frame


def prepare_destinations(raw: pd.DataFrame, source: str | None = None) -> pd.DataFrame:
    """Validate a destinations table."""
    return validate_table(raw, DESTINATIONS, _source_name(source, DESTINATIONS))


def distance_matrices(inputs: TopsoilInputs, params: TopsoilParams | None = None,
                      source: str | None = None
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Road distances [km]: source->destination, source->stockpile, stockpile->destination.

    From the distance table when given (a missing pair is ``inf``: no route), else from
    coordinates: straight line x ``detour_factor``.
    """
    params = params or TopsoilParams()
    src, stk, dst = inputs.sources, inputs.stockpiles, inputs.destinations
    if inputs.distances is not None:
        return _from_table(inputs.distances, src, stk, dst, source or DISTANCES.filename)
    for frame, schema in ((src, SOURCES), (stk, STOCKPILES), (dst, DESTINATIONS)):
        if len(frame) and not _has_xy(frame):
            msg = (f"{schema.filename}: columns 'x_m', 'y_m' are missing or empty and no "
                   "distance table was given. Fix: give coordinates [m] for every row or a "
                   "distances.csv (from_id, to_id, distance_km).")
            raise InputError(msg)

    def dist(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
        if len(a) == 0 or len(b) == 0:
            return np.zeros((len(a), len(b)))
        pa = a[["x_m", "y_m"]].to_numpy(float)
        pb = b[["x_m", "y_m"]].to_numpy(float)
        d = np.sqrt(((pa[:, None, :] - pb[None, :, :]) ** 2).sum(axis=2))
        return d / 1000.0 * params.detour_factor

    return dist(src, dst), dist(src, stk), dist(stk, dst)


def _from_table(table: pd.DataFrame, src: pd.DataFrame, stk: pd.DataFrame,
                dst: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ids = {"source": list(src["source_id"]), "stockpile": list(stk["stockpile_id"]),
           "destination": list(dst["destination_id"])}
    known = set().union(*map(set, ids.values()))
    for col in ("from_id", "to_id"):
        bad = ~table[col].isin(known)
        if bad.any():
            shown = ", ".join(map(str, table.loc[bad, col].head(5)))
            msg = (f"{name}: column '{col}': unknown site id(s) {shown}. Fix: use ids of the "
                   "sources, stockpiles or destinations tables.")
            raise InputError(msg)
    lookup = {(a, b): d for a, b, d in zip(table["from_id"], table["to_id"],
                                           table["distance_km"], strict=True)}

    def matrix(rows: list[str], cols: list[str]) -> np.ndarray:
        out = np.full((len(rows), len(cols)), np.inf)
        for i, a in enumerate(rows):
            for j, b in enumerate(cols):
                d = lookup.get((a, b), lookup.get((b, a)))
                if d is not None:
                    out[i, j] = d
        return out

    return (matrix(ids["source"], ids["destination"]), matrix(ids["source"], ids["stockpile"]),
            matrix(ids["stockpile"], ids["destination"]))


def _read(path: PathLike, encoding: str | None = None) -> pd.DataFrame:
    from landsim.datasets import _check_file, _read_csv

    p = Path(path)
    _check_file(p, "topsoil table")
    return _read_csv(p, encoding)


def read_topsoil_inputs(sources: PathLike, destinations: PathLike,
                        stockpiles: PathLike | None = None,
                        distances: PathLike | None = None,
                        params: TopsoilParams | None = None,
                        parcel_ids: list[str] | None = None,
                        encoding: str | None = None) -> TopsoilInputs:
    """Read and validate the tables of a topsoil plan (CSV in UTF-8, BOM or GBK, or .xlsx;
    ``encoding`` names a CSV's encoding, detected when None)."""
    src = prepare_sources(_read(sources, encoding), params, str(sources), parcel_ids)
    dst = prepare_destinations(_read(destinations, encoding), str(destinations))
    stk = prepare_stockpiles(_read(stockpiles, encoding) if stockpiles is not None
                             else pd.DataFrame(), params, str(stockpiles) if stockpiles else None)
    dist = None
    if distances is not None:
        dist = validate_table(_read(distances, encoding), DISTANCES, str(distances))
    return TopsoilInputs(src, stk, dst, dist)
