"""Reading the layers of a county import: file, layer, text encoding, CRS and geometry.

A layer is a GeoPackage layer, a File Geodatabase feature class (a ``.gdb`` folder, as far
as GDAL's OpenFileGDB driver reads it), a shapefile or any other vector file GDAL reads.
Its CRS must be projected in metres: CGCS2000 3-degree or 6-degree Gauss-Kruger
(EPSG:4491-4554) is what a county holds; any other projected CRS is accepted and named in
the report. A geographic or missing CRS is refused with the EPSG code to use, worked out
from the layer's coordinates.

Every error is an :class:`~landsim.errors.InputError` of one line naming the layer, the
field, the feature(s) and the fix (see :func:`import_error`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landsim.errors import InputError
from landsim.sandiao import LAYER_NAMES
from landsim.schema import MAX_LISTED
from landsim.tabular import dbf_encoding

__all__ = [
    "Layer",
    "clean_polygons",
    "describe_features",
    "gauss_kruger_epsg",
    "import_error",
    "read_layer",
]

ROLE_NAMES = {
    "dltb": "DLTB layer 地类图斑",
    "pbf": "PBF layer 永久基本农田",
    "redline": "red-line layer 生态保护红线",
    "udb": "UDB layer 城镇开发边界",
    "quality": "quality layer 耕地质量等级",
}
ROLE_OPTIONS = {"dltb": "--dltb", "pbf": "--pbf", "redline": "--redline", "udb": "--udb",
                "quality": "--quality"}


def import_error(layer: str, field: str, features: str, problem: str, fix: str) -> InputError:
    """``'<layer>: field '<field>', <features>: <problem>. Fix: <fix>'`` as an InputError."""
    return InputError(f"{layer}: field '{field}', {features}: {problem}. Fix: {fix}")


def describe_features(mask: np.ndarray, ids: np.ndarray | None = None,
                      id_field: str = "") -> str:
    """'features 3, 8 (BSM 12, 40)': the first offending features, numbered from 1."""
    positions = np.flatnonzero(mask)
    shown = positions[:MAX_LISTED]
    more = ", ..." if len(positions) > MAX_LISTED else ""
    text = ("feature " if len(positions) == 1 else f"{len(positions)} features ")
    text += ", ".join(str(p + 1) for p in shown) + more
    if ids is not None and id_field:
        text += f" ({id_field} " + ", ".join(str(ids[p]) for p in shown) + more + ")"
    return text


@dataclass(frozen=True)
class Layer:
    """One layer as read: its role, a label for messages, and the features."""

    role: str
    path: Path
    name: str
    frame: gpd.GeoDataFrame
    encoding: str | None

    @property
    def label(self) -> str:
        return f"{ROLE_NAMES[self.role]} ({self.path.name}, layer {self.name})"


def _pick_layer(path: Path, layers: list[str], role: str, wanted: str | None) -> str:
    listed = ", ".join(layers)
    if wanted is not None:
        for name in layers:
            if name.lower() == wanted.lower():
                return name
        msg = (f"{ROLE_NAMES[role]} ({path.name}): field 'layer', all features: no layer "
               f"{wanted!r} (layers: {listed}). Fix: name one of these layers in the mapping "
               f'file under [{role}] layer = "..."')
        raise InputError(msg)
    if len(layers) == 1:
        return layers[0]
    for candidate in LAYER_NAMES[role]:
        for name in layers:
            if name.lower() == candidate.lower():
                return name
    msg = (f"{ROLE_NAMES[role]} ({path.name}): field 'layer', all features: the file holds "
           f"several layers ({listed}) and none is called "
           f"{' or '.join(LAYER_NAMES[role])}. Fix: name the layer in the mapping file under "
           f'[{role}] layer = "..."')
    raise InputError(msg)


def read_layer(path: str | Path, role: str, layer: str | None = None,
               encoding: str | None = None) -> Layer:
    """Read the layer of ``role`` (``dltb``, ``pbf``, ``redline``, ``udb``, ``quality``).

    ``layer`` names the layer in a multi-layer file; otherwise the only layer, or the one
    with the role's standard name (:data:`landsim.sandiao.LAYER_NAMES`), is read.
    Shapefile text is decoded by :func:`landsim.tabular.dbf_encoding` (``encoding``
    names it). The CRS is checked (:func:`check_crs`).
    """
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    path = Path(path)
    option = ROLE_OPTIONS[role]
    what = f"{ROLE_NAMES[role]} ({path.name})"
    if not path.exists():
        msg = (f"{what}: field 'file', all features: {path} not found. Fix: check the path "
               f"given to {option}")
        raise InputError(msg)
    if path.is_dir() and path.suffix.lower() != ".gdb":
        msg = (f"{what}: field 'file', all features: {path} is a folder. Fix: give "
               f"{option} a GeoPackage, shapefile or File Geodatabase (.gdb folder)")
        raise InputError(msg)
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
        name = _pick_layer(path, layers, role, layer)
        codec = (dbf_encoding(path, encoding, layer_name=f"{what} layer {name}")
                 if path.suffix.lower() == ".shp" else None)
        frame = pyogrio.read_dataframe(path, layer=name, encoding=codec)
    except (DataSourceError, DataLayerError) as err:
        detail = str(err).strip().splitlines()[0]
        msg = (f"{what}: field 'file', all features: cannot be read as a GIS layer "
               f"({detail}). Fix: export it again as GeoPackage or shapefile")
        raise InputError(msg) from None
    if not hasattr(frame, "geometry") or "geometry" not in getattr(frame, "columns", ()):
        msg = (f"{what}: field 'geometry', all features: the file has no geometry (a table, "
               f"not a map layer). Fix: give {option} a polygon layer (GeoPackage, shapefile "
               "or File Geodatabase)")
        raise InputError(msg)
    result = Layer(role, path, name, frame, codec)
    check_crs(result)
    return result


# ----------------------------------------------------------------------------- CRS


def gauss_kruger_epsg(longitude: float, degrees: int = 3, zone_prefix: bool = False) -> int:
    """EPSG code of the CGCS2000 Gauss-Kruger zone holding ``longitude`` [degree E].

    >>> gauss_kruger_epsg(111.4), gauss_kruger_epsg(111.4, zone_prefix=True)
    (4546, 4525)
    >>> gauss_kruger_epsg(111.4, degrees=6)
    4508
    """
    if degrees == 3:
        zone = int(math.floor(longitude / 3 + 0.5))  # central meridian 3 x zone
        zone = min(max(zone, 25), 45)
        return (4513 if zone_prefix else 4534) + zone - 25
    zone = int(math.floor(longitude / 6)) + 1  # central meridian 6 x zone - 3
    zone = min(max(zone, 13), 23)
    return (4491 if zone_prefix else 4502) + zone - 13


def _epsg_name(code: int) -> str:
    from pyproj import CRS

    return f"EPSG:{code} ({CRS.from_epsg(code).name})"


def _centre(frame: gpd.GeoDataFrame) -> tuple[float, float]:
    xmin, ymin, xmax, ymax = frame.total_bounds
    return (xmin + xmax) / 2, (ymin + ymax) / 2


def _fix_for_missing_crs(frame: gpd.GeoDataFrame) -> str:
    x, y = _centre(frame)
    if not (np.isfinite(x) and np.isfinite(y)):
        return "assign the layer's CRS in your GIS, e.g. EPSG:4546"
    if abs(x) <= 180 and abs(y) <= 90:
        return (f"the coordinates look like degrees: assign EPSG:4490 (CGCS2000) in your GIS, "
                f"then reproject to {_epsg_name(gauss_kruger_epsg(x))}")
    zone = int(x // 1_000_000)
    if 25 <= zone <= 45:
        return f"the x values carry zone {zone}: assign {_epsg_name(4513 + zone - 25)}"
    if 13 <= zone <= 23:
        return f"the x values carry zone {zone}: assign {_epsg_name(4491 + zone - 13)}"
    return ("assign the CGCS2000 Gauss-Kruger CRS of your zone in your GIS: EPSG:4534-4554 "
            "(3-degree, by central meridian 75E-135E, e.g. EPSG:4546 for 111E) or "
            "EPSG:4502-4512 (6-degree)")


def check_crs(layer: Layer) -> None:
    """Refuse a missing, geographic or non-metric CRS, naming the EPSG code to use."""
    crs = layer.frame.crs
    where = f"{layer.label}: field 'geometry', all features"
    if crs is None:
        msg = f"{where}: the layer has no coordinate reference system. Fix: {_fix_for_missing_crs(layer.frame)}"
        raise InputError(msg)
    if crs.is_geographic or not crs.is_projected:
        lon = _centre(layer.frame.to_crs(4490) if crs.to_epsg() != 4490 else layer.frame)[0]
        msg = (f"{where}: CRS {crs.name} is geographic (degrees), but areas and boundary "
               f"lengths need metres. Fix: reproject to {_epsg_name(gauss_kruger_epsg(lon))}, "
               "the CGCS2000 3-degree Gauss-Kruger zone of this layer")
        raise InputError(msg)
    from landsim.farmland.adjacency import METRE_UNITS, axis_units

    units = axis_units(crs)
    if units and not units <= METRE_UNITS:
        msg = (f"{where}: CRS {crs.name} has axis units {sorted(units)}, not metres. Fix: "
               "reproject to a CGCS2000 Gauss-Kruger CRS such as EPSG:4546")
        raise InputError(msg)


def is_cgcs2000_gauss_kruger(crs) -> bool:
    """True for CGCS2000 Gauss-Kruger (EPSG:4491-4554 or a WKT of the same)."""
    code = crs.to_epsg(min_confidence=70)
    if code is not None:
        return 4491 <= code <= 4554
    datum = (crs.datum.name if crs.datum else "").replace("_", " ").lower()
    method = crs.coordinate_operation.method_name.lower() if crs.coordinate_operation else ""
    return "china 2000" in datum and "transverse mercator" in method


# ----------------------------------------------------------------------------- geometry


def clean_polygons(geoms: np.ndarray) -> tuple[np.ndarray, pd.Series, np.ndarray]:
    """2-D polygonal geometries, invalid ones repaired; why a feature cannot be kept.

    Returns the cleaned geometries, a reason per feature ('' where kept: ``no geometry``,
    ``not a polygon (<type>)``, ``invalid geometry that repairs to nothing``, ``zero
    area``) and a mask of the features repaired (``shapely.make_valid``, keeping the
    polygonal parts).
    """
    geoms = np.asarray(geoms, dtype=object)
    reason = np.full(geoms.size, "", dtype=object)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    reason[missing] = "no geometry"
    out = geoms.copy()
    ok = ~missing
    out[ok] = shapely.force_2d(out[ok])
    kinds = shapely.get_type_id(out)
    polygonal = np.isin(kinds, (3, 6))
    other = ok & ~polygonal & (kinds != 7)
    names = np.array(["Point", "LineString", "LinearRing", "Polygon", "MultiPoint",
                      "MultiLineString", "MultiPolygon", "GeometryCollection"], dtype=object)
    reason[other] = "not a polygon (" + names[kinds[other]] + ")"
    check = ok & (polygonal | (kinds == 7))
    invalid = check & ~shapely.is_valid(out)
    invalid |= check & (kinds == 7)
    repaired = np.zeros(geoms.size, dtype=bool)
    if invalid.any():
        fixed = shapely.make_valid(out[invalid])
        parts = shapely.get_parts(fixed, return_index=True)
        keep = np.isin(shapely.get_type_id(parts[0]), (3, 6))
        merged = np.full(fixed.size, None, dtype=object)
        if keep.any():
            flat = shapely.get_parts(parts[0][keep])
            owner = parts[1][keep]
            owner = np.repeat(owner, shapely.get_num_geometries(parts[0][keep]))
            for k in np.unique(owner):
                merged[k] = shapely.multipolygons(flat[owner == k])
        nothing = np.array([g is None or g.is_empty or g.area == 0 for g in merged])
        idx = np.flatnonzero(invalid)
        out[idx] = merged
        reason[idx[nothing]] = "invalid geometry that repairs to nothing"
        repaired[idx[~nothing]] = True
    zero = (reason == "") & (shapely.area(np.where(reason == "", out, None)) <= 0)
    reason[zero] = "zero area"
    return out, pd.Series(reason), repaired
