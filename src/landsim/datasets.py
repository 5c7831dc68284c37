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
from landsim.tabular import RawTable, dbf_encoding, read_raw_table

__all__ = [
    "POLYGON_TYPES",
    "County",
    "check_polygons",
    "load_sample",
    "read_county",
    "read_edges",
    "read_parcels",
    "read_table",
    "synthesize",
    "table_path",
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
    cultivated_projects: pd.DataFrame | None = None
    cultivated_occupations: pd.DataFrame | None = None
    udb_zones: pd.DataFrame | None = None
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


def _read_csv(path: Path, encoding: str | None = None) -> pd.DataFrame:
    """Read a CSV (UTF-8, BOM or GBK/GB18030) or .xlsx as text cells (codes keep their zero)."""
    return read_raw_table(path, encoding).frame


def _read_raw(path: Path, schema: TableSchema, encoding: str | None) -> RawTable:
    dates = [c.name for c in schema.columns if c.kind == "date"]
    return read_raw_table(path, encoding, preferred_sheets=(schema.name, Path(schema.filename).stem),
                          date_columns=dates)


def table_path(folder: PathLike, name: str) -> Path:
    """File of table ``name`` in a county folder: ``<file>.csv`` or else ``<file>.xlsx``.

    Returns the CSV path when neither exists (so messages name the expected file).
    """
    csv = Path(folder) / SCHEMAS[name].filename
    if name == "parcels":
        csv = csv.with_suffix(".csv")
    for candidate in (csv, csv.with_suffix(".xlsx")):
        if candidate.exists():
            return candidate
    return csv


def _read_vector(path: Path, layer: str | None, encoding: str | None = None
                 ) -> gpd.GeoDataFrame:
    """Read one layer of a GIS file; shapefile text is decoded by :func:`dbf_encoding`."""
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    codec = dbf_encoding(path, encoding) if path.suffix.lower() == ".shp" else None
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
        if layer is None:
            layer = "parcels" if "parcels" in layers else layers[0]
        elif layer not in layers:
            msg = (f"{path}: has no layer {layer!r} (layers: {', '.join(layers)}). Fix: "
                   "name one of these layers.")
            raise InputError(msg)
        return gpd.read_file(path, layer=layer, engine="pyogrio", encoding=codec)
    except (DataSourceError, DataLayerError) as err:
        detail = str(err).strip().splitlines()[0]
        msg = (f"{path}: cannot be read as a GIS file ({detail}). Fix: export the layer "
               "again as GeoPackage (.gpkg) or give a CSV.")
        raise InputError(msg) from None


POLYGON_TYPES = ("Polygon", "MultiPolygon")
"""Geometry types a parcel or footprint may have."""


def check_polygons(frame: gpd.GeoDataFrame, path: PathLike, key: str,
                   what: str = "parcels") -> None:
    """Refuse features that are not polygons (points or lines have no area to plan).

    Raises
    ------
    InputError
        Naming the file, the features (``key``), their geometry type and the fix.
    """
    types = frame.geometry.geom_type
    bad = (~types.isin(POLYGON_TYPES) & types.notna()).to_numpy()
    if bad.any():
        first = bad.nonzero()[0][:5]
        listed = ", ".join(f"feature {i + 1} ({key} {frame[key].iloc[i] if key in frame else '?'}"
                           f": {types.iloc[i]})" for i in first)
        more = ", ..." if bad.sum() > 5 else ""
        msg = (f"{path}: column 'geometry', {int(bad.sum())} feature(s) are not polygons: "
               f"{listed}{more}. Fix: {what} must be Polygon or MultiPolygon areas; buffer "
               "lines or points to their footprint in your GIS first")
        raise InputError(msg)


def _check_geometry(frame: gpd.GeoDataFrame, path: Path, key: str) -> None:
    check_polygons(frame, path, key)
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
               known: dict[str, list[str]] | None = None,
               encoding: str | None = None) -> pd.DataFrame:
    """Read and validate one table of a county folder.

    Parameters
    ----------
    path
        CSV file (header line, comma separated; UTF-8, UTF-8 with BOM or GBK/GB18030) or
        an .xlsx workbook (the sheet named like the table, else the first sheet; Excel
        date serials in date columns are read as dates).
    table
        Schema name (see :data:`landsim.schema.SCHEMAS`) or a schema.
    known
        Keys of other tables for reference checks, e.g. ``{"townships": [...]}``.
    encoding
        Text encoding of a CSV; detected when None (:mod:`landsim.tabular`).
    """
    schema = SCHEMAS[table] if isinstance(table, str) else table
    path = Path(path)
    _check_file(path, schema.description)
    raw = _read_raw(path, schema, encoding)
    return validate_table(raw.frame, schema, str(path), known=known)


DBF_NAME_LENGTH = 10
"""A shapefile's .dbf keeps at most 10 characters of a field name."""


def restore_dbf_names(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """Rename fields a .dbf cut to 10 characters (``quality_gr``) to the schema's names.

    >>> list(restore_dbf_names(pd.DataFrame(columns=["parcel_id", "quality_gr"]), PARCELS))
    ['parcel_id', 'quality_grade']
    """
    renames = {}
    for col in schema.column_names:
        short = col[:DBF_NAME_LENGTH]
        if short != col and col not in frame.columns and short in frame.columns:
            renames[short] = col
    return frame.rename(columns=renames)


def read_parcels(path: PathLike, townships: list[str] | None = None,
                 layer: str | None = None, encoding: str | None = None) -> pd.DataFrame:
    """Read parcels (design 5.1) from CSV, .xlsx or a GIS file (GeoPackage, Shapefile, ...).

    A GIS file gives a GeoDataFrame whose CRS must be projected (metres); shapefile field
    names cut to 10 characters (``quality_gr``, ``in_eco_red``) are read as the full
    names. ``townships``, when given, is the list of valid township names; otherwise a
    ``townships.csv`` (or ``.xlsx``) beside the file is used if present. ``encoding``
    names the text encoding of a CSV or shapefile (detected when None).
    """
    path = Path(path)
    _check_file(path, "parcels")
    if townships is None:
        beside = table_path(path.parent, "townships")
        if beside.exists():
            townships = read_table(beside, "townships", encoding=encoding)["township"].tolist()
    known = {"townships": townships} if townships is not None else None
    if path.suffix.lower() in VECTOR_SUFFIXES:
        frame = _read_vector(path, layer, encoding)
        attributes = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        if path.suffix.lower() == ".shp":
            attributes = restore_dbf_names(attributes, PARCELS)
        parcels = validate_table(attributes, PARCELS, str(path), known=known,
                                 row_word="feature", row_offset=1)
        _check_geometry(frame, path, "parcel_id")
        return gpd.GeoDataFrame(parcels, geometry=frame.geometry.to_numpy(), crs=frame.crs)
    return read_table(path, PARCELS, known=known, encoding=encoding)


def read_zone_layer(path: PathLike, layer: str | None = None,
                    encoding: str | None = None) -> gpd.GeoDataFrame:
    """Read a polygon layer of UDB zones (规划分区: zone_code or GHFQDM 01/02/03).

    The layer must hold polygons in a projected CRS (same checks as parcels); the zone
    codes are checked when the zones are overlaid on the parcels
    (:func:`landsim.allocation.zones_from_layer`).
    """
    path = Path(path)
    _check_file(path, "zone layer")
    frame = _read_vector(path, layer, encoding)
    key = next((c for c in ("zone_code", "GHFQDM") if c in frame.columns), frame.columns[0])
    _check_geometry(frame, path, key)
    return frame


def read_edges(path: PathLike, parcel_ids: list[str] | pd.Series | None = None,
               encoding: str | None = None) -> pd.DataFrame:
    """Read an adjacency table (parcel_a, parcel_b, shared_length_m [m])."""
    known = {"parcels": list(parcel_ids)} if parcel_ids is not None else None
    edges = read_table(path, EDGES, known=known, encoding=encoding)
    self_loop = edges["parcel_a"] == edges["parcel_b"]
    if self_loop.any():
        row = int(self_loop.to_numpy().nonzero()[0][0])
        msg = (f"{path}: column 'parcel_b', line {row + 2}: a parcel cannot border itself "
               f"({edges['parcel_a'].iloc[row]}). Fix: delete that row.")
        raise InputError(msg)
    return edges


def read_county(folder: PathLike, encoding: str | None = None) -> County:
    """Read every table of a county folder (``parcels.gpkg``, ``.csv`` or ``.xlsx`` required).

    Each table is ``<name>.csv`` or else ``<name>.xlsx`` (see :func:`table_path`); CSV
    text is UTF-8, UTF-8 with BOM or GBK/GB18030, detected or named by ``encoding``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        msg = (f"{folder}: county folder not found. Fix: give a folder holding parcels.gpkg "
               "or parcels.csv (see data/sample_county/README.md).")
        raise InputError(msg)
    tables: dict[str, pd.DataFrame | None] = {}
    town_path = table_path(folder, "townships")
    tables["townships"] = (read_table(town_path, "townships", encoding=encoding)
                           if town_path.exists() else None)
    names = tables["townships"]["township"].tolist() if tables["townships"] is not None else None
    parcels_path = folder / "parcels.gpkg"
    if not parcels_path.exists():
        parcels_path = table_path(folder, "parcels")
    parcels = read_parcels(parcels_path, townships=names, encoding=encoding)
    known: dict[str, list[str]] = {"parcels": parcels["parcel_id"].tolist()}
    if names is not None:
        known["townships"] = names
    for schema in SCHEMAS.values():
        if schema.name in ("townships", "parcels"):
            continue
        path = table_path(folder, schema.name)
        if schema.name == "stock_plots" and tables.get("industrial_contracts") is not None:
            known["industrial_contracts"] = tables["industrial_contracts"]["contract_id"].tolist()
        tables[schema.name] = (read_table(path, schema, known=known, encoding=encoding)
                               if path.exists() else None)
    valid = {f.name for f in fields(County)}
    return County(parcels=parcels, source=str(folder),
                  **{k: v for k, v in tables.items() if k in valid})


def county_from_synthetic(synthetic: SyntheticCounty) -> County:
    """Wrap a freshly generated county (no file round trip) as a :class:`County`."""
    tables = synthetic.tables()
    tables.pop("parcels")
    return County(parcels=synthetic.parcels, source=f"synthesize(seed={synthetic.seed})",
                  **tables)
