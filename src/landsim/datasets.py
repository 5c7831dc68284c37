"""Read and validate county data: parcels, adjacency and the other tables of a county folder.

Every reader raises :class:`~landsim.errors.InputError` with the file, column, first
offending rows and the fix; none lets a pandas or pyogrio traceback through, and none
writes to its input.

>>> county = load_sample()
>>> sorted(county.townships.township)[:2]
['万家寨镇', '尚峪镇']
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from landsim.errors import InputError
from landsim.resources import sample_county_dir
from landsim.schema import EDGES, PARCELS, SCHEMAS, TableSchema, validate_table
from landsim.synthetic import SyntheticCounty, synthesize, write_county

__all__ = [
    "County",
    "load_sample",
    "read_county",
    "read_edges",
    "read_parcels",
    "read_table",
    "synthesize",
    "write_county",
]

SAMPLE_SEED = 2023
SAMPLE_PARCELS = 5000
VECTOR_SUFFIXES = {".gpkg", ".shp", ".geojson", ".json", ".fgb"}

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class County:
    """The tables of one county folder. Areas in [ha]; parcels carry geometry when read
    from a GeoPackage. Tables whose file is absent are ``None`` (edges can be derived)."""

    parcels: pd.DataFrame
    townships: pd.DataFrame | None = None
    edges: pd.DataFrame | None = None
    population: pd.DataFrame | None = None
    registrations: pd.DataFrame | None = None
    supply_batches: pd.DataFrame | None = None
    stock_plots: pd.DataFrame | None = None
    industrial_contracts: pd.DataFrame | None = None
    indicators: pd.DataFrame | None = None
    planning_targets: pd.DataFrame | None = None
    source: str = ""

    @property
    def has_geometry(self) -> bool:
        return isinstance(self.parcels, gpd.GeoDataFrame)


def load_sample() -> County:
    """The bundled sample county (Pianguan-like; see ``landsim/data/sample_county/README.md``)."""
    return read_county(sample_county_dir())


# ----------------------------------------------------------------------------- raw reading


def _check_file(path: Path, what: str) -> None:
    if path.is_dir():
        msg = f"{path}: is a folder, not a {what} file. Fix: give the path of the file itself."
        raise InputError(msg)
    if not path.exists():
        msg = (f"{path}: file not found ({what}). Fix: check the path, or write a sample "
               "county with `landsim sample --out DIR`.")
        raise InputError(msg)


def _read_csv(path: Path) -> pd.DataFrame:
    """Read a CSV as text cells (so codes like 0103 keep their zero)."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                           skipinitialspace=True)
    except UnicodeDecodeError as err:
        msg = (f"{path}: cannot be read as UTF-8 text (byte {err.start}). Fix: save the file "
               "as CSV in UTF-8 encoding.")
        raise InputError(msg) from None
    except pd.errors.EmptyDataError:
        msg = f"{path}: the file is empty. Fix: write a header line and one row per record."
        raise InputError(msg) from None
    except pd.errors.ParserError as err:
        detail = str(err).strip().splitlines()[-1]
        msg = (f"{path}: not a well-formed CSV ({detail}). Fix: give every line the same "
               "number of comma-separated fields as the header.")
        raise InputError(msg) from None


def _read_vector(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
        if layer is None:
            layer = "parcels" if "parcels" in layers else layers[0]
        elif layer not in layers:
            msg = (f"{path}: has no layer {layer!r} (layers: {', '.join(layers)}). Fix: "
                   "name one of these layers.")
            raise InputError(msg)
        return gpd.read_file(path, layer=layer, engine="pyogrio")
    except (DataSourceError, DataLayerError) as err:
        detail = str(err).strip().splitlines()[0]
        msg = (f"{path}: cannot be read as a GIS file ({detail}). Fix: export the layer "
               "again as GeoPackage (.gpkg) or give a CSV.")
        raise InputError(msg) from None


def _check_geometry(frame: gpd.GeoDataFrame, path: Path, key: str) -> None:
    if frame.crs is None:
        msg = (f"{path}: column 'geometry': the layer has no coordinate reference system "
               "(CRS). Fix: assign its projected CRS in your GIS, e.g. EPSG:4546 "
               "(CGCS2000 / 3-degree Gauss-Kruger CM 111E).")
        raise InputError(msg)
    if not frame.crs.is_projected:
        msg = (f"{path}: column 'geometry': CRS {frame.crs.to_string()} is geographic "
               "(degrees); areas and boundary lengths need metres. Fix: reproject to a "
               "projected CRS such as EPSG:4546 (CGCS2000 / 3-degree Gauss-Kruger CM 111E).")
        raise InputError(msg)
    geoms = frame.geometry.values
    bad = pd.Series(shapely.is_missing(geoms) | shapely.is_empty(geoms)
                    | ~shapely.is_valid(geoms), index=frame.index)
    if bad.any():
        first = bad.to_numpy().nonzero()[0][:5]
        reasons = "; ".join(
            f"feature {i + 1} ({key} {frame[key].iloc[i] if key in frame else '?'}): "
            f"{shapely.is_valid_reason(geoms[i]) if geoms[i] is not None else 'missing'}"
            for i in first)
        more = ", ..." if bad.sum() > 5 else ""
        msg = (f"{path}: column 'geometry', {int(bad.sum())} invalid or empty "
               f"geometr{'y' if bad.sum() == 1 else 'ies'}: {reasons}{more}. Fix: repair "
               "them (e.g. QGIS 'Fix geometries' or shapely.make_valid) or delete them.")
        raise InputError(msg)


# ----------------------------------------------------------------------------- readers


def read_table(path: PathLike, table: str | TableSchema,
               known: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """Read and validate one CSV table of a county folder.

    Parameters
    ----------
    path
        CSV file (UTF-8, header line, comma separated).
    table
        Schema name (see :data:`landsim.schema.SCHEMAS`) or a schema.
    known
        Keys of other tables for reference checks, e.g. ``{"townships": [...]}``.
    """
    schema = SCHEMAS[table] if isinstance(table, str) else table
    path = Path(path)
    _check_file(path, schema.description)
    raw = _read_csv(path)
    return validate_table(raw, schema, str(path), known=known)


def read_parcels(path: PathLike, townships: list[str] | None = None,
                 layer: str | None = None) -> pd.DataFrame:
    """Read parcels (design 5.1) from CSV or a GIS file (GeoPackage, Shapefile, ...).

    A GIS file gives a GeoDataFrame whose CRS must be projected (metres). ``townships``,
    when given, is the list of valid township names; otherwise a ``townships.csv`` beside
    the file is used if present.
    """
    path = Path(path)
    _check_file(path, "parcels")
    if townships is None:
        beside = path.with_name(SCHEMAS["townships"].filename)
        if beside.exists():
            townships = read_table(beside, "townships")["township"].tolist()
    known = {"townships": townships} if townships is not None else None
    if path.suffix.lower() in VECTOR_SUFFIXES:
        frame = _read_vector(path, layer)
        parcels = validate_table(pd.DataFrame(frame.drop(columns=frame.geometry.name)),
                                 PARCELS, str(path), known=known,
                                 row_word="feature", row_offset=1)
        _check_geometry(frame, path, "parcel_id")
        return gpd.GeoDataFrame(parcels, geometry=frame.geometry.to_numpy(), crs=frame.crs)
    return read_table(path, PARCELS, known=known)


def read_edges(path: PathLike, parcel_ids: list[str] | pd.Series | None = None
               ) -> pd.DataFrame:
    """Read an adjacency table (parcel_a, parcel_b, shared_length_m [m])."""
    known = {"parcels": list(parcel_ids)} if parcel_ids is not None else None
    edges = read_table(path, EDGES, known=known)
    self_loop = edges["parcel_a"] == edges["parcel_b"]
    if self_loop.any():
        row = int(self_loop.to_numpy().nonzero()[0][0])
        msg = (f"{path}: column 'parcel_b', line {row + 2}: a parcel cannot border itself "
               f"({edges['parcel_a'].iloc[row]}). Fix: delete that row.")
        raise InputError(msg)
    return edges


def read_county(folder: PathLike) -> County:
    """Read every table of a county folder (``parcels.gpkg`` or ``parcels.csv`` required)."""
    folder = Path(folder)
    if not folder.is_dir():
        msg = (f"{folder}: county folder not found. Fix: give a folder holding parcels.gpkg "
               "or parcels.csv (see data/sample_county/README.md).")
        raise InputError(msg)
    tables: dict[str, pd.DataFrame | None] = {}
    town_path = folder / SCHEMAS["townships"].filename
    tables["townships"] = read_table(town_path, "townships") if town_path.exists() else None
    names = tables["townships"]["township"].tolist() if tables["townships"] is not None else None
    parcels_path = folder / "parcels.gpkg"
    if not parcels_path.exists():
        parcels_path = folder / "parcels.csv"
    parcels = read_parcels(parcels_path, townships=names)
    known: dict[str, list[str]] = {"parcels": parcels["parcel_id"].tolist()}
    if names is not None:
        known["townships"] = names
    for schema in SCHEMAS.values():
        if schema.name in ("townships", "parcels"):
            continue
        path = folder / schema.filename
        if schema.name == "stock_plots" and tables.get("industrial_contracts") is not None:
            known["industrial_contracts"] = tables["industrial_contracts"]["contract_id"].tolist()
        tables[schema.name] = read_table(path, schema, known=known) if path.exists() else None
    valid = {f.name for f in fields(County)}
    return County(parcels=parcels, source=str(folder),
                  **{k: v for k, v in tables.items() if k in valid})


def county_from_synthetic(synthetic: SyntheticCounty) -> County:
    """Wrap a freshly generated county (no file round trip) as a :class:`County`."""
    tables = synthetic.tables()
    tables.pop("parcels")
    return County(parcels=synthetic.parcels, source=f"synthesize(seed={synthetic.seed})",
                  **tables)
