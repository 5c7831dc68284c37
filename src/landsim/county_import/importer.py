"""``import_county``: 三调 layers in, a landsim county folder (design 5.1) out.

The DLTB polygons become parcels: ``parcel_id`` from BSM, ``land_class`` from DLBM,
``area_ha`` from TBMJ [m2] / 10,000, ``township`` from the first 9 digits of ZLDWDM,
``slope_deg`` from the slope grade GDPDJB, ``quality_grade`` from GDDB or a quality layer,
``stable`` from the refinement code TBXHDM, and ``is_pbf`` / ``in_eco_redline`` /
``in_udb`` by overlay with the control-line layers (:class:`ImportRules` states every
rule). Adjacency comes from the geometry (:func:`landsim.farmland.adjacency.edges_from_geometry`).

Features that cannot be parcels (no geometry, not a polygon, zero area, TBMJ empty) are
dropped and listed in the report; values that are wrong (a land-class code that is no
code, a slope grade outside 1..5, a cultivated polygon without quality grade, duplicate
ids ...) stop the import with one line naming the layer, the field, the features and the fix.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landsim.county_import.layers import (
    Layer,
    clean_polygons,
    describe_features,
    import_error,
    is_cgcs2000_gauss_kruger,
    read_layer,
)
from landsim.county_import.overlay import area_shares, largest_overlap
from landsim.county_import.report import ImportReport
from landsim.county_import.rules import ImportMapping, ImportRules, load_mapping
from landsim.county_import.townships import SEAT_CLASS, township_table
from landsim.errors import InputError
from landsim.sandiao import CITY_TOWN_CODES, dengbie_to_grade, land_class_codes, township_codes
from landsim.schema import CULTIVATED_CLASSES, PARCELS, validate_table
from landsim.units import M2_PER_HA, ha_to_mu

__all__ = ["ImportResult", "import_county", "write_import"]

PathLike = str | os.PathLike[str]
CONTROL_LINES = {"pbf": "is_pbf", "redline": "in_eco_redline", "udb": "in_udb"}
"""Control-line layer role -> the parcel column its overlay sets."""


@dataclass(frozen=True)
class ImportResult:
    """An imported county: parcels (GeoDataFrame, design 5.1), edges, townships, report.

    ``seconds`` holds the time per stage [s] (read, attributes, overlay, edges); it is
    never part of the report text.
    """

    parcels: gpd.GeoDataFrame
    edges: pd.DataFrame
    townships: pd.DataFrame
    report: ImportReport
    seconds: dict[str, float] = field(default_factory=dict)


def _text(values: pd.Series) -> pd.Series:
    """Cells as stripped text; whole floats lose their '.0' (ids read as numbers)."""
    if pd.api.types.is_float_dtype(values.dtype):
        whole = values.notna() & (values == np.floor(values.fillna(0)))
        text = values.astype("string")
        text[whole] = values[whole].astype("int64").astype("string")
        return text.str.strip()
    return values.astype("string").str.strip()


def _numbers(layer: Layer, col: str, keep: np.ndarray, ids: np.ndarray, id_field: str,
             what: str, fix: str) -> pd.Series:
    """Numeric values of field ``col`` (empty -> NaN); text in kept features is an error."""
    raw = layer.frame[col]
    values = pd.to_numeric(raw, errors="coerce")
    text = _text(raw)
    bad = values.isna() & text.notna() & (text != "") & keep
    if bad.any():
        shown = ", ".join(repr(v) for v in text[bad].head(3))
        raise import_error(layer.label, col, describe_features(bad.to_numpy(), ids, id_field),
                           f"{shown} is not {what}", fix)
    return values.astype("float64")


class _Fields:
    """Resolves the mapping's field names against a layer's columns (case-insensitive)."""

    def __init__(self, layer: Layer, mapping: ImportMapping) -> None:
        self.layer = layer
        self.mapping = mapping
        columns = [c for c in layer.frame.columns if c != layer.frame.geometry.name]
        self.columns = columns
        self.upper = {c.upper(): c for c in columns}

    def get(self, name: str, meaning: str, required: bool) -> str | None:
        code = self.mapping.field(self.layer.role, name)
        if not code:
            return None
        found = code if code in self.columns else self.upper.get(code.upper())
        if found is None and required:
            msg = (f"{self.layer.label}: field '{code}', all features: not found (fields: "
                   f"{', '.join(self.columns)}). Fix: name the field holding {meaning} in a "
                   f"mapping file (--mapping): {self.mapping.key(self.layer.role, name)}")
            raise InputError(msg)
        return found


def _drop_table(layer: Layer, reason: pd.Series, ids: np.ndarray | None) -> pd.DataFrame:
    mask = (reason != "").to_numpy()
    return pd.DataFrame({
        "layer": layer.role,
        "feature": np.flatnonzero(mask) + 1,
        "id": ids[mask] if ids is not None else "",
        "reason": reason[mask].to_numpy(),
    })


def _unique_ids(layer: Layer, col: str, ids: pd.Series, keep: np.ndarray) -> None:
    empty = (ids.isna() | (ids == "")).to_numpy() & keep
    if empty.any():
        raise import_error(layer.label, col, describe_features(empty), "the id is empty",
                           f"give every polygon its own {col}, or map another id field: "
                           + layer_key(layer, "parcel_id"))
    kept = ids[keep]
    dup = ids.isin(kept[kept.duplicated()]).to_numpy() & keep
    if dup.any():
        values = ids.to_numpy(dtype=object)
        raise import_error(layer.label, col, describe_features(dup, values, col),
                           "the id appears more than once",
                           f"give every polygon its own {col}, or map a unique id field: "
                           + layer_key(layer, "parcel_id"))


def layer_key(layer: Layer, name: str) -> str:
    return f'--mapping with [{layer.role}] {name} = "..."'


def _slopes(layer: Layer, f: _Fields, rules: ImportRules, keep: np.ndarray,
            cultivated: np.ndarray, ids: np.ndarray, id_field: str) -> tuple[pd.Series, str]:
    numeric = f.get("slope_deg", "the mean slope [degree]", required=True)
    if numeric is not None:
        slope = _numbers(layer, numeric, keep, ids, id_field, "a slope in degrees",
                         "write the slope as a number of degrees")
        bad = keep & ((slope < 0) | (slope > 90)).to_numpy()
        if bad.any():
            raise import_error(layer.label, numeric, describe_features(bad, ids, id_field),
                               "slope outside 0..90°", "give slopes in degrees from 0 to 90")
        used, rule = numeric, f"slope_deg from the numeric field {numeric} [degree]"
    else:
        grade_col = f.get("slope_grade", "the cultivated-land slope grade (坡度级别 1..5)",
                          required=bool(cultivated.any()))
        grade = (_numbers(layer, grade_col, keep, ids, id_field, "a slope grade",
                          "give grades 1..5 (TD/T 1055-2019)")
                 if grade_col else pd.Series(np.nan, index=layer.frame.index))
        bad = keep & grade.notna().to_numpy() & ~grade.isin([1, 2, 3, 4, 5]).to_numpy()
        if bad.any():
            raise import_error(layer.label, grade_col, describe_features(bad, ids, id_field),
                               f"slope grade {grade[bad].iloc[0]:g} is not 1..5",
                               "give grades 1 (≤2°), 2 (2-6°), 3 (6-15°), 4 (15-25°), 5 (>25°)")
        table = {g: rules.slope_for_grade(g) for g in range(1, 6)}
        slope = grade.map(table)
        used = grade_col or "GDPDJB"
        rule = ("slope_deg from the slope grade " + used + ": " + ", ".join(
            f"grade {g} -> {v:g}°" for g, v in table.items()) + " (midpoints; only the side "
            "of the 25° PBF limit matters, and the grade decides it); empty for polygons "
            "without a grade (non-cultivated land)")
    missing = keep & cultivated & slope.isna().to_numpy()
    if missing.any():
        raise import_error(layer.label, used, describe_features(missing, ids, id_field),
                           "no slope for a cultivated polygon (DLBM 0101/0102/0103)",
                           "fill the slope grade 1..5 for every cultivated polygon, or map a "
                           "numeric slope field: " + layer_key(layer, "slope_deg"))
    return slope, rule


def _scale(values: pd.Series, scale: str) -> pd.Series:
    return dengbie_to_grade(values) if scale == "1-15" else values.round().astype("Int64")


def _check_grades(layer: Layer, col: str, values: pd.Series, scale: str, mask: np.ndarray,
                  ids: np.ndarray | None, id_field: str) -> None:
    top = 15 if scale == "1-15" else 10
    bad = mask & values.notna().to_numpy() & ~values.between(1, top).to_numpy()
    bad |= mask & values.notna().to_numpy() & (values != np.floor(values)).to_numpy()
    if bad.any():
        raise import_error(layer.label, col, describe_features(bad, ids, id_field),
                           f"quality grade {values[bad].iloc[0]:g} is not a whole number "
                           f"1..{top} (scale {scale})",
                           f"give whole grades 1..{top}, or set the scale in the mapping file: "
                           "[rules] dltb_quality_scale / quality_layer_scale")


def _quality(layer: Layer, f: _Fields, rules: ImportRules, keep: np.ndarray,
             cultivated: np.ndarray, ids: np.ndarray, id_field: str, geoms: np.ndarray,
             quality: Layer | None, mapping: ImportMapping
             ) -> tuple[pd.Series, list[str], list[pd.DataFrame]]:
    grade = pd.Series(pd.NA, index=layer.frame.index, dtype="Int64")
    notes, dropped = [], []
    col = f.get("quality_dengbie", "the cultivated-land quality grade", required=False)
    if col is not None:
        values = _numbers(layer, col, keep, ids, id_field, "a quality grade",
                          "give whole grades")
        _check_grades(layer, col, values, rules.dltb_quality_scale, keep & cultivated, ids,
                      id_field)
        grade = _scale(values, rules.dltb_quality_scale)
        notes.append(f"quality_grade from {col} on the {rules.dltb_quality_scale} scale"
                     + (" (耕地质量等别) converted: grade = 1 + round((等别 - 1) x 9/14), "
                        "ASSUMED linear" if rules.dltb_quality_scale == "1-15" else ""))
    if quality is not None:
        qf = _Fields(quality, mapping)
        qcol = qf.get("grade", "the quality grade", required=True)
        qgeoms, qreason, _ = clean_polygons(quality.frame.geometry.values)
        qkeep = (qreason == "").to_numpy()
        dropped.append(_drop_table(quality, qreason, None))
        qvalues = _numbers(quality, qcol, qkeep, None, "", "a quality grade",
                           "give whole grades")
        _check_grades(quality, qcol, qvalues, rules.quality_layer_scale, qkeep, None, "")
        usable = qkeep & qvalues.notna().to_numpy()
        target = np.flatnonzero(keep & cultivated)
        best, _ = largest_overlap(geoms[target], qgeoms[usable])
        found = best >= 0
        layer_grade = _scale(qvalues[usable].reset_index(drop=True), rules.quality_layer_scale)
        values = grade.copy()
        values.iloc[target[found]] = layer_grade.iloc[best[found]].to_numpy()
        grade = values
        notes.append(f"quality_grade of cultivated parcels from the quality layer "
                     f"({quality.path.name}, field {qcol}, {rules.quality_layer_scale} scale): "
                     f"the grade of the polygon overlapping a parcel most ({int(found.sum()):,} "
                     f"of {target.size:,} parcels; the rest keep the DLTB grade)")
    missing = keep & cultivated & grade.isna().to_numpy()
    if missing.any():
        raise import_error(layer.label, col or mapping.field("dltb", "quality_dengbie"),
                           describe_features(missing, ids, id_field),
                           "no quality grade for a cultivated polygon",
                           "give GDDB for every cultivated polygon, or a --quality layer "
                           "covering them")
    grade[~cultivated] = pd.NA
    return grade, notes, dropped


def _overlay(role: str, path: PathLike, mapping: ImportMapping, encoding: str | None,
             dltb: Layer, geoms: np.ndarray, rules: ImportRules
             ) -> tuple[Layer, np.ndarray, pd.DataFrame]:
    layer = read_layer(path, role, mapping.layers.get(role), encoding)
    frame = layer.frame
    if not frame.crs.equals(dltb.frame.crs):
        frame = frame.to_crs(dltb.frame.crs)
    lgeoms, reason, _ = clean_polygons(frame.geometry.values)
    keep = (reason == "").to_numpy()
    shares = area_shares(geoms, lgeoms[keep])
    return layer, shares, _drop_table(layer, reason, None)


def _layer_row(layer: Layer, kept: int, dropped: int, repaired: int) -> dict[str, object]:
    crs = layer.frame.crs
    code = crs.to_epsg(min_confidence=70)
    kind = "" if is_cgcs2000_gauss_kruger(crs) else " (not CGCS2000 Gauss-Kruger)"
    return {"role": layer.role, "file": layer.path.name, "layer": layer.name,
            "features": len(layer.frame), "kept": kept, "dropped": dropped,
            "repaired": repaired,
            "crs": (f"EPSG:{code}" if code else crs.name) + kind,
            "encoding": layer.encoding or ("-" if layer.path.suffix.lower() != ".shp"
                                           else "ascii")}


def import_county(dltb: PathLike, *, pbf: PathLike | None = None,
                  redline: PathLike | None = None, udb: PathLike | None = None,
                  quality: PathLike | None = None, mapping: PathLike | ImportMapping | None = None,
                  encoding: str | None = None) -> ImportResult:
    """Import 三调 layers as a landsim county.

    Parameters
    ----------
    dltb
        Land-class polygons (地类图斑): GeoPackage, File Geodatabase (.gdb) or shapefile.
    pbf, redline, udb
        Polygons of permanent basic farmland, the ecological protection red line and the
        urban development boundary; a parcel is inside when at least
        ``rules.overlay_share_min`` of its area is. Absent layers leave the flag false.
    quality
        Polygons of cultivated-land quality grades, used instead of the DLTB's GDDB where
        they overlap a cultivated parcel.
    mapping
        Mapping file (TOML; see :mod:`landsim.county_import.rules`) or a mapping.
    encoding
        Text encoding of shapefiles (detected when None).

    Returns
    -------
    ImportResult
        Parcels (design 5.1, with geometry), edges, townships and the report.

    Raises
    ------
    InputError
        One line naming the layer, the field, the feature(s) and the fix.
    """
    clock = time.perf_counter()
    seconds: dict[str, float] = {}
    mapping = mapping if isinstance(mapping, ImportMapping) else load_mapping(mapping)
    rules = mapping.rules
    layer = read_layer(dltb, "dltb", mapping.layers.get("dltb"), encoding)
    seconds["read"] = time.perf_counter() - clock
    clock = time.perf_counter()
    frame = layer.frame
    f = _Fields(layer, mapping)
    id_col = f.get("parcel_id", "the feature id (标识码)", required=True)
    class_col = f.get("land_class", "the land-class code (地类编码)", required=True)
    area_col = f.get("area_m2", "the polygon area in m2 (图斑面积)", required=True)
    unit_col = f.get("unit_code", "the located-unit code (座落单位代码)", required=True)
    name_col = f.get("land_class_name", "the land-class name", required=False)
    unit_name_col = f.get("unit_name", "the located-unit name", required=False)
    net_col = f.get("class_area_m2", "the land-class area (图斑地类面积)",
                    required=rules.area_source == "TBDLMJ")
    refine_col = f.get("refinement", "the refinement code", required=False)
    urban_col = f.get("urban_rural", "the urban-rural code", required=False)

    ids = _text(frame[id_col])
    id_values = ids.to_numpy(dtype=object)
    geoms, reason, repaired = clean_polygons(frame.geometry.values)
    tbmj = _numbers(layer, area_col, (reason == "").to_numpy(), id_values, id_col,
                    "an area in m2", "write TBMJ as a number of square metres")
    reason[(reason == "") & ~(tbmj > 0).to_numpy()] = f"{area_col} empty or not > 0"
    keep = (reason == "").to_numpy()
    _unique_ids(layer, id_col, ids, keep)

    raw_class = _text(frame[class_col])
    if mapping.land_classes:
        raw_class = raw_class.replace(dict(mapping.land_classes))
    land_class, bad = land_class_codes(raw_class)
    bad = bad.fillna(True).to_numpy() & keep
    if bad.any():
        shown = ", ".join(repr(v) for v in raw_class[bad].head(3))
        raise import_error(layer.label, class_col, describe_features(bad, id_values, id_col),
                           f"{shown} is not a 三调 land-class code",
                           "give 4-digit codes (0101 水田, 0102 水浇地, 0103 旱地, ...), or map "
                           "local codes in a mapping file: [land_class] \"local\" = \"0103\"")
    cultivated = land_class.isin(CULTIVATED_CLASSES).fillna(False).to_numpy()

    codes = township_codes(_text(frame[unit_col]))
    bad = keep & ~codes.str.fullmatch(r"\d{9}").fillna(False).to_numpy()
    if bad.any():
        raise import_error(layer.label, unit_col, describe_features(bad, id_values, id_col),
                           f"{_text(frame[unit_col])[bad].iloc[0]!r} does not start with a "
                           "9-digit township code", "give the 19-character 座落单位代码 "
                           "(6 county + 3 township + 3 village digits + 7 zeros)")

    slope, slope_rule = _slopes(layer, f, rules, keep, cultivated, id_values, id_col)
    quality_layer = (read_layer(quality, "quality", mapping.layers.get("quality"), encoding)
                     if quality is not None else None)
    grade, quality_notes, dropped_q = _quality(
        layer, f, rules, keep, cultivated, id_values, id_col, geoms, quality_layer, mapping)

    if rules.area_source == "geometry":
        area_m2 = pd.Series(shapely.area(np.where(keep, geoms, None)))
    elif rules.area_source == "TBDLMJ":
        area_m2 = _numbers(layer, net_col, keep, id_values, id_col, "an area in m2",
                           "write TBDLMJ as a number of square metres")
    else:
        area_m2 = tbmj
    unstable = (_text(frame[refine_col]).str.upper().isin(rules.unstable()).fillna(False)
                .to_numpy() if refine_col else np.zeros(len(frame), dtype=bool))
    seconds["attributes"] = time.perf_counter() - clock
    clock = time.perf_counter()

    kept_geoms = geoms[keep]
    flags: dict[str, np.ndarray] = {col: np.zeros(keep.sum(), dtype=bool)
                                    for col in CONTROL_LINES.values()}
    overlay_rows, split_parts = [], []
    layer_rows = [_layer_row(layer, int(keep.sum()), int((~keep).sum()), int(repaired.sum()))]
    dropped = [_drop_table(layer, reason, id_values), *dropped_q]
    kept_area = shapely.area(kept_geoms) / M2_PER_HA
    kept_ids = ids[keep].to_numpy(dtype=object)
    for role, path in (("pbf", pbf), ("redline", redline), ("udb", udb)):
        if path is None:
            continue
        control, shares, drops = _overlay(role, path, mapping, encoding, layer, kept_geoms,
                                          rules)
        dropped.append(drops)
        layer_rows.append(_layer_row(control, len(control.frame) - len(drops), len(drops), 0))
        inside = shares >= rules.overlay_share_min
        split = (shares > rules.split_tolerance) & (shares < 1 - rules.split_tolerance)
        flags[CONTROL_LINES[role]] = inside
        overlay_rows.append({
            "layer": role, "parcels_inside": int(inside.sum()),
            "inside_ha": float(kept_area[inside].sum()),
            "inside_mu": float(ha_to_mu(kept_area[inside].sum())),
            "split_parcels": int(split.sum()), "split_ha": float(kept_area[split].sum())})
        split_parts.append(pd.DataFrame({"parcel_id": kept_ids[split], "layer": role,
                                         "share_inside_pct": np.round(100 * shares[split], 2),
                                         "inside": inside[split]}))
    if quality_layer is not None:
        n_drop = len(dropped_q[0])
        layer_rows.insert(1, _layer_row(quality_layer, len(quality_layer.frame) - n_drop,
                                        n_drop, 0))
    seconds["overlay"] = time.perf_counter() - clock
    clock = time.perf_counter()

    area_ha = (area_m2[keep] / M2_PER_HA).reset_index(drop=True)
    bad = ~(area_ha > 0).to_numpy()
    if bad.any():
        col = net_col if rules.area_source == "TBDLMJ" else area_col
        raise import_error(layer.label, col or "geometry",
                           describe_features(np.isin(np.arange(len(frame)),
                                                     np.flatnonzero(keep)[bad]),
                                             id_values, id_col),
                           "area empty or not > 0", "give every polygon a positive area")
    urban = (_text(frame[urban_col]).isin(CITY_TOWN_CODES) if urban_col
             else land_class.eq(SEAT_CLASS)).fillna(False)[keep].reset_index(drop=True)
    towns, names, town_rule = township_table(
        codes[keep].reset_index(drop=True),
        _text(frame[unit_name_col])[keep].reset_index(drop=True) if unit_name_col else None,
        area_ha.where(urban.to_numpy(), 0.0), mapping, layer.label, unit_col)
    town_rule += (f" (most area with {urban_col} {'/'.join(CITY_TOWN_CODES)})" if urban_col
                  else f" (most {SEAT_CLASS} urban housing)") if not mapping.county_seat \
        and mapping.township_table is None else ""
    cult_kept = cultivated[keep]
    table = pd.DataFrame({
        "parcel_id": kept_ids,
        "township": names.to_numpy(dtype=object),
        "land_class": land_class[keep].to_numpy(dtype=object),
        "area_ha": area_ha.to_numpy(),
        "quality_grade": grade[keep].reset_index(drop=True),
        "slope_deg": slope[keep].to_numpy(dtype=float),
        "in_eco_redline": flags["in_eco_redline"],
        "in_udb": flags["in_udb"],
        "stable": cult_kept & ~unstable[keep],
        "is_pbf": flags["is_pbf"],
    })
    source = f"import of {layer.path.name}"
    table = validate_table(table, PARCELS, source, known={"townships": towns["township"]},
                           row_word="parcel", row_offset=1)
    parcels = gpd.GeoDataFrame(table, geometry=kept_geoms, crs=layer.frame.crs)

    from landsim.farmland.adjacency import edges_from_geometry

    edges = edges_from_geometry(parcels)
    seconds["edges"] = time.perf_counter() - clock

    lc_frame = pd.DataFrame({
        "land_class": land_class.fillna("?"),
        "land_class_name": _text(frame[name_col]) if name_col else pd.NA,
        "tbmj_ha": tbmj.fillna(0.0) / M2_PER_HA,
        "tbdlmj_ha": (_numbers(layer, net_col, keep, id_values, id_col, "an area",
                               "write TBDLMJ in m2").fillna(0.0) / M2_PER_HA
                      if net_col else 0.0),
        "area_ha": (area_m2 / M2_PER_HA).where(keep, 0.0),
        "geometry_ha": pd.Series(shapely.area(np.where(keep, geoms, None))).fillna(0.0)
        / M2_PER_HA,
    })
    land_classes = ImportReport.land_class_table(lc_frame, pd.Series(keep),
                                                 has_tbdlmj=net_col is not None)
    town_stats = (parcels.assign(cult=parcels["area_ha"].where(cult_kept, 0.0))
                  .groupby("township").agg(parcels=("parcel_id", "size"),
                                           area_ha=("area_ha", "sum"),
                                           cultivated_ha=("cult", "sum")))
    townships_report = towns.join(town_stats, on="township")[
        ["township_code", "township", "kind", "is_county_seat", "parcels", "area_ha",
         "cultivated_ha"]]
    rules_text = (
        f"area_ha = {rules.area_source}"
        + (" [m2] / 10,000" if rules.area_source != "geometry" else " (planar, CRS units)"),
        f"township = first 9 digits of {unit_col}; {town_rule}",
        slope_rule,
        *quality_notes,
        "stable = cultivated and " + (f"{refine_col} not one of {rules.unstable_codes}"
                                      if refine_col else "no refinement field (all stable)"),
        f"is_pbf / in_eco_redline / in_udb: at least {rules.overlay_share_min:.0%} of the "
        f"parcel's area inside the layer's polygons; a share between "
        f"{rules.split_tolerance:.0%} and {1 - rules.split_tolerance:.0%} counts as split "
        "(import_split.csv); a layer not given leaves its flag false",
    )
    report = ImportReport(
        layers=pd.DataFrame(layer_rows), land_classes=land_classes,
        overlays=pd.DataFrame(overlay_rows, columns=["layer", "parcels_inside", "inside_ha",
                                                     "inside_mu", "split_parcels", "split_ha"]),
        townships=townships_report.reset_index(drop=True),
        dropped=pd.concat(dropped, ignore_index=True),
        split=(pd.concat(split_parts, ignore_index=True) if split_parts else
               pd.DataFrame(columns=["parcel_id", "layer", "share_inside_pct", "inside"])),
        rules=rules_text)
    towns = towns.assign(is_county_seat=towns["is_county_seat"].astype(bool))
    return ImportResult(parcels=parcels, edges=edges, townships=towns, report=report,
                        seconds=seconds)


def write_import(result: ImportResult, out: PathLike, *,
                 inputs: Iterable[PathLike | None] = ()) -> list[Path]:
    """Write the county folder: ``parcels.gpkg`` (layer ``parcels``), ``parcels.csv``,
    ``edges.csv``, ``townships.csv`` and the report (``import_report.txt``,
    ``import_land_classes.csv``, ``import_dropped.csv``, ``import_split.csv``).

    All or nothing, through :func:`landsim.outputs.write_outputs`; ``inputs`` are refused
    as targets.
    """
    from landsim.outputs import csv_writer, text_writer, write_outputs

    parcels = result.parcels

    def gpkg(path: Path) -> None:
        parcels.to_file(path, layer="parcels", driver="GPKG", engine="pyogrio")

    writers = {
        "parcels.gpkg": gpkg,
        "parcels.csv": csv_writer(pd.DataFrame(parcels.drop(columns="geometry")), None),
        "edges.csv": csv_writer(result.edges, "%.3f"),
        "townships.csv": csv_writer(result.townships, None),
        "import_report.txt": text_writer(result.report.text()),
        "import_land_classes.csv": csv_writer(result.report.land_classes, "%.4f"),
        "import_dropped.csv": csv_writer(result.report.dropped, None),
        "import_split.csv": csv_writer(result.report.split, None),
    }
    return write_outputs(out, writers, inputs=[p for p in inputs if p is not None])

