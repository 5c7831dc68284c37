"""The sample county as a county bureau would hold it: 三调-style layers, for the importer.

:func:`sandiao_layers` turns a synthetic county (:func:`landsim.synthetic.synthesize`) into
a DLTB layer with the standard field codes, and permanent basic farmland (YJJBNT),
ecological red line (STBHHX) and urban development boundary (CZKFBJ) polygons;
:func:`write_sandiao` writes them as one GeoPackage and a GBK shapefile of the DLTB
without a .cpg file (what many county exports look like). Everything is derived from the
parcels, without randomness: importing the layers gives back the parcels, except that
slopes become the midpoint of their slope grade (see
:class:`landsim.county_import.ImportRules`) and that the red line and the UDB are drawn
generalised (simplified by :data:`LINE_TOLERANCE_M`), so that some parcels are split by
them, as with real lines.

Synthetic, as the county is: township and village codes (140932 + 1xx for towns, 2xx for
townships), village names, ridge-deduction coefficients (KCXS) and the urban-rural code.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landsim.parcels import LAND_CLASS_NAMES
from landsim.sandiao import grade_to_dengbie, slope_grades
from landsim.synthetic import BASE_YEAR, TOWNSHIPS, URBAN_CLASSES, SyntheticCounty
from landsim.units import M2_PER_HA

__all__ = ["COUNTY_CODE", "LINE_TOLERANCE_M", "SHAPEFILE", "sandiao_layers", "write_sandiao"]

COUNTY_CODE = "140932"
"""Pianguan's administrative code (real, policy-facts s.11)."""
LINE_TOLERANCE_M = 30.0
"""How far the drawn red line and UDB may stray from parcel edges [m] (synthetic)."""
RIDGE_COEFFICIENT = {1: 0.0, 2: 0.03, 3: 0.06, 4: 0.10, 5: 0.15}
"""Ridge (田坎) deduction coefficient KCXS per slope grade (synthetic values)."""
GPKG = "sandiao.gpkg"
SHAPEFILE = "DLTB_GBK.shp"
SHAPEFILE_FIELDS = ("BSM", "DLBM", "DLMC", "ZLDWDM", "ZLDWMC", "TBMJ", "GDPDJB", "GDDB",
                    "TBXHDM")
"""DLTB fields kept in the shapefile variant (field names fit the .dbf's 10 characters)."""



def _township_codes() -> dict[str, str]:
    codes, town, township = {}, 100, 200
    for name, _, kind, *_ in TOWNSHIPS:
        if kind == "town":
            codes[name], town = f"{COUNTY_CODE}{town}", town + 1
        else:
            codes[name], township = f"{COUNTY_CODE}{township}", township + 1
    return codes


def _villages(parcels: gpd.GeoDataFrame) -> tuple[pd.Series, pd.Series]:
    """Village code (3 digits from 201) and name per parcel: blocks of about 6 km."""
    centre = shapely.centroid(parcels.geometry.values)
    block = (np.floor(shapely.get_x(centre) / 6000).astype(int) * 1000
             + np.floor(shapely.get_y(centre) / 6000).astype(int))
    key = pd.DataFrame({"township": parcels["township"], "block": block})
    number = key.groupby("township")["block"].rank(method="dense").astype(int)
    return (200 + number).astype(str), parcels["township"] + "第" + number.astype(str) + "村"


def _dltb(county: SyntheticCounty) -> gpd.GeoDataFrame:
    p = county.parcels
    n = len(p)
    cultivated = p["quality_grade"].notna().to_numpy()
    grade = slope_grades(p["slope_deg"]).where(cultivated)
    tbmj = np.round(p["area_ha"].to_numpy() * M2_PER_HA, 2)
    kcxs = grade.map(RIDGE_COEFFICIENT).fillna(0.0).to_numpy()
    kcmj = np.round(tbmj * kcxs, 2)
    village, village_name = _villages(p)
    town = p["township"].map(_township_codes())
    names = p["land_class"].map(lambda c: LAND_CLASS_NAMES.get(c, c).split(" ")[0])
    urban = p["land_class"].isin(URBAN_CLASSES).to_numpy()
    frame = pd.DataFrame({
        "BSM": np.int64(int(COUNTY_CODE) * 10**7) + np.arange(1, n + 1),
        "DLBM": p["land_class"].to_numpy(),
        "DLMC": names.to_numpy(),
        "QSXZ": np.where(urban | (p["land_class"] == "1101").to_numpy(), "10", "30"),
        "ZLDWDM": (town + village + "0000000").to_numpy(),
        "ZLDWMC": village_name.to_numpy(),
        "TBMJ": tbmj,
        "KCXS": kcxs,
        "KCMJ": kcmj,
        "TBDLMJ": np.round(tbmj - kcmj, 2),
        "GDPDJB": grade.astype("Int64"),
        "GDDB": grade_to_dengbie(p["quality_grade"]),
        "TBXHDM": np.where(cultivated & ~p["stable"].to_numpy(), "LQGD", ""),
        "CZCSXM": np.where(urban, "202", np.where(p["land_class"] == "0702", "203", "")),
    })
    return gpd.GeoDataFrame(frame, geometry=p.geometry.to_numpy(), crs=p.crs)


def _line(county: SyntheticCounty, flag: str, extra: dict[str, str],
          tolerance: float) -> gpd.GeoDataFrame:
    """Polygons of the parcels flagged ``flag``, merged (and generalised by ``tolerance``)."""
    p = county.parcels
    union = shapely.coverage_union_all(p.geometry.values[p[flag].to_numpy()])
    if tolerance > 0:
        union = shapely.simplify(union, tolerance, preserve_topology=True)
    parts = shapely.get_parts(union)
    parts = parts[np.lexsort((shapely.get_y(shapely.centroid(parts)),
                              shapely.get_x(shapely.centroid(parts))))]
    frame = pd.DataFrame({"BSM": np.arange(1, len(parts) + 1), **extra,
                          "MJ": np.round(shapely.area(parts), 2)})
    return gpd.GeoDataFrame(frame, geometry=parts, crs=p.crs)


def sandiao_layers(county: SyntheticCounty) -> dict[str, gpd.GeoDataFrame]:
    """DLTB, YJJBNT (PBF), STBHHX (red line) and CZKFBJ (UDB) layers of ``county``."""
    return {
        "DLTB": _dltb(county),
        "YJJBNT": _line(county, "is_pbf", {"DLBM": "0103"}, 0.0).drop(columns="DLBM"),
        "STBHHX": _line(county, "in_eco_redline", {"HXMC": "生态保护红线"}, LINE_TOLERANCE_M),
        "CZKFBJ": _line(county, "in_udb", {"GNFQDM": "01"}, LINE_TOLERANCE_M),
    }


def _fixed_dbf_date(dbf: Path) -> None:
    """Set the .dbf's last-update date (bytes 1-3) to the base year, for equal bytes."""
    data = bytearray(dbf.read_bytes())
    data[1:4] = bytes([BASE_YEAR - 1900, 12, 31])
    dbf.write_bytes(bytes(data))


def write_sandiao(county: SyntheticCounty, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``sandiao.gpkg`` (the four layers) and ``DLTB_GBK.shp`` (+ .shx .dbf .prj, GBK
    text, no .cpg) into ``out_dir``; equal counties give equal bytes."""
    import pyogrio

    from landsim.outputs import write_outputs

    layers = sandiao_layers(county)

    def gpkg(path: Path) -> None:
        previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": f"{BASE_YEAR}-12-31T00:00:00Z"})
        try:
            for name, frame in layers.items():
                frame.to_file(path, layer=name, driver="GPKG", engine="pyogrio",
                              SPATIAL_INDEX="NO")
        finally:
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})

    def shapefile(path: Path) -> None:
        frame = layers["DLTB"][[*SHAPEFILE_FIELDS, "geometry"]]
        frame.to_file(path, driver="ESRI Shapefile", engine="pyogrio", encoding="GBK",
                      RESIZE="YES")
        path.with_suffix(".cpg").unlink()  # as many exports do: the reader must detect GBK
        _fixed_dbf_date(path.with_suffix(".dbf"))

    stem = SHAPEFILE.removesuffix(".shp")
    writers = {GPKG: gpkg, SHAPEFILE: shapefile}
    writers |= {f"{stem}{ext}": (lambda p: None) for ext in (".shx", ".dbf", ".prj")}
    return sorted(write_outputs(out_dir, writers))
