"""``landsim county import`` (issue 12): 三调 layers in, a county folder every verb reads."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import SAMPLE_DIR, file_digest

from landsim import InputError
from landsim.cli import main
from landsim.county_import import ImportRules, import_county, load_mapping, write_import
from landsim.county_import.overlay import area_shares, largest_overlap, subdivide
from landsim.county_import.sample import sandiao_layers, write_sandiao
from landsim.datasets import read_county
from landsim.policy import COMMON
from landsim.sandiao import slope_grades
from landsim.synthetic import synthesize

SANDIAO = SAMPLE_DIR / "sandiao"
ATTRIBUTES = ["township", "land_class", "area_ha", "quality_grade", "in_eco_redline", "in_udb",
              "stable", "is_pbf"]


@pytest.fixture(scope="module")
def small():
    return synthesize(300, seed=11)


@pytest.fixture(scope="module")
def small_sandiao(small, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sandiao")
    write_sandiao(small, folder)
    return folder


def _import(folder: Path, dltb: str = "sandiao.gpkg", **kw):
    gpkg = folder / "sandiao.gpkg"
    return import_county(folder / dltb, pbf=gpkg, redline=gpkg, udb=gpkg, **kw)


def _attributes(parcels: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(parcels[ATTRIBUTES]).reset_index(drop=True)


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("dltb", ["sandiao.gpkg", "DLTB_GBK.shp"])
def test_import_gives_back_the_parcels(small, small_sandiao, dltb):
    result = _import(small_sandiao, dltb)
    pd.testing.assert_frame_equal(_attributes(result.parcels), _attributes(small.parcels),
                                  check_dtype=False)
    cultivated = small.parcels["quality_grade"].notna().to_numpy()
    imported = result.parcels["slope_deg"].to_numpy()
    # the slope is the grade's midpoint: same grade, same side of the 25° limit
    assert (slope_grades(result.parcels["slope_deg"])[cultivated]
            == slope_grades(small.parcels["slope_deg"])[cultivated]).all()
    assert ((imported[cultivated] <= COMMON.max_slope_deg)
            == (small.parcels["slope_deg"].to_numpy()[cultivated] <= COMMON.max_slope_deg)).all()
    assert np.isnan(imported[~cultivated]).all()
    edges = result.edges.assign(parcel_a=lambda e: e["parcel_a"].str[-7:].astype(int),
                                parcel_b=lambda e: e["parcel_b"].str[-7:].astype(int))
    expected = small.edges.assign(parcel_a=lambda e: e["parcel_a"].str[1:].astype(int),
                                  parcel_b=lambda e: e["parcel_b"].str[1:].astype(int))
    merged = edges.merge(expected, on=["parcel_a", "parcel_b"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert np.allclose(merged["shared_length_m_x"], merged["shared_length_m_y"], atol=0.01)


def test_report_lines_split_parcels_and_names(small_sandiao):
    report = _import(small_sandiao).report
    text = report.text()
    assert "新关镇" in text and "旱地" in text and "county seat 新关镇" in text
    assert report.totals()["area_ha"] == pytest.approx(report.totals()["tbmj_ha"])
    lines = report.overlays.set_index("layer")
    assert len(report.split) == lines["split_parcels"].sum()
    assert "at least 50% of the parcel's area" in text


def test_packaged_sandiao_set_is_the_generator_output(tmp_path):
    from landsim.datasets import SAMPLE_PARCELS, SAMPLE_SEED

    write_sandiao(synthesize(SAMPLE_PARCELS, SAMPLE_SEED), tmp_path)
    assert file_digest(tmp_path) == file_digest(SANDIAO)
    assert not list(SANDIAO.glob("*.cpg"))  # the GBK shapefile must be detected


def test_packaged_gbk_shapefile_imports_and_runs_through_every_verb(tmp_path, capsys):
    """Issue 12 'done when': import, then info, farmland optimize, stock assess and quota
    simulate on the imported county, with its other tables in GBK and .xlsx."""
    out = tmp_path / "county"
    gpkg = str(SANDIAO / "sandiao.gpkg")
    assert main(["county", "import", "--dltb", str(SANDIAO / "DLTB_GBK.shp"), "--pbf", gpkg,
                 "--redline", gpkg, "--udb", gpkg, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "gb18030" in printed and "新关镇" in printed and "Dropped features 剔除要素: 0" in printed
    assert (out / "import_report.txt").read_text(encoding="utf-8") in printed
    split = pd.read_csv(out / "import_split.csv")
    assert len(split) > 0 and split["share_inside_pct"].between(1, 99).all()  # the
    # generalised red line cuts parcels, as real lines do; the 50 % rule still decides
    for name in ("population", "registrations", "land_supply_batches", "indicator_history"):
        (out / f"{name}.csv").write_bytes(
            (SAMPLE_DIR / f"{name}.csv").read_text(encoding="utf-8").encode("gbk"))
    for name in ("industrial_contracts", "stock_plots", "planning_targets"):
        frame = pd.read_csv(SAMPLE_DIR / f"{name}.csv", dtype=str, keep_default_na=False)
        frame.to_excel(out / f"{name}.xlsx", index=False, sheet_name=name)
    county = read_county(out)
    sample = read_county(SAMPLE_DIR)
    assert county.parcels["area_ha"].sum() == pytest.approx(sample.parcels["area_ha"].sum())
    assert main(["info", str(out)]) == 0
    assert main(["farmland", "optimize", "--parcels", str(out / "parcels.gpkg"),
                 "--out", str(tmp_path / "layout")]) == 0
    assert main(["stock", "assess", "--county", str(out), "--out", str(tmp_path / "stock")]) == 0
    assert main(["quota", "simulate", "--scenario", "baseline", "--county", str(out),
                 "--out", str(tmp_path / "quota")]) == 0
    expected = tmp_path / "quota_sample"
    assert main(["quota", "simulate", "--scenario", "baseline", "--out", str(expected)]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "quota" / "annual.csv"),
                                  pd.read_csv(expected / "annual.csv"))
    layout = pd.read_csv(tmp_path / "layout" / "layout.csv")
    assert layout["is_pbf_after"].any()


def test_geodatabase_and_other_gauss_kruger_zones(small, small_sandiao, tmp_path):
    layers = sandiao_layers(small)
    gdb = tmp_path / "county.gdb"
    layers["DLTB"].to_crs(4508).to_file(gdb, layer="DLTB", driver="OpenFileGDB",  # 6-degree
                                        TARGET_ARCGIS_VERSION="ARCGIS_PRO_3_2_OR_LATER")
    redline = tmp_path / "redline.gpkg"
    layers["STBHHX"].to_crs(4525).to_file(redline, layer="STBHHX")  # 3-degree, zone prefix
    result = import_county(gdb, redline=redline)
    assert result.report.layers["crs"].tolist() == ["EPSG:4508", "EPSG:4525"]
    pd.testing.assert_series_equal(result.parcels["in_eco_redline"].reset_index(drop=True),
                                   small.parcels["in_eco_redline"].reset_index(drop=True),
                                   check_names=False)


# --------------------------------------------------------------------------- mapping


def test_mapping_renames_fields_codes_and_names_townships(small, tmp_path):
    dltb = sandiao_layers(small)["DLTB"].rename(columns={"DLBM": "地类代码", "BSM": "ID"})
    dltb["地类代码"] = dltb["地类代码"].replace({"0103": "HD"})
    dltb["ZLDWMC"] = "某村"  # village names without the township
    path = tmp_path / "local.gpkg"
    dltb.to_file(path, layer="tuban")
    table = tmp_path / "towns.csv"
    codes = sorted(dltb["ZLDWDM"].str[:9].unique())
    pd.DataFrame({"township_code": codes, "township": [f"镇{k}" for k in range(len(codes))],
                  "is_county_seat": [k == 2 for k in range(len(codes))]}).to_csv(
        table, index=False, encoding="gbk")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[dltb]\nlayer = "tuban"\nland_class = "地类代码"\nparcel_id = "ID"\n'
                       '[land_class]\nHD = "0103"\n[townships]\ntable = "towns.csv"\n'
                       '[rules]\noverlay_share_min = 0.9\n', encoding="utf-8")
    result = import_county(path, mapping=mapping)
    assert (result.parcels["land_class"].to_numpy() == small.parcels["land_class"].to_numpy()).all()
    assert sorted(result.townships["township"]) == [f"镇{k}" for k in range(len(codes))]
    assert result.townships.set_index("township").loc["镇2", "is_county_seat"]
    assert "names from the township table towns.csv" in result.report.text()
    assert load_mapping(mapping).rules.overlay_share_min == 0.9


def test_quality_layer_is_used_where_it_overlaps(small, tmp_path):
    layers = sandiao_layers(small)
    dltb = layers["DLTB"].drop(columns="GDDB")
    cultivated = small.parcels["quality_grade"].notna().to_numpy()
    quality = gpd.GeoDataFrame({"ZLDJ": small.parcels["quality_grade"][cultivated]},
                               geometry=shapely.buffer(small.parcels.geometry.values[cultivated],
                                                       -1.0), crs=small.parcels.crs)
    dltb.to_file(tmp_path / "d.gpkg", layer="DLTB")
    quality.to_file(tmp_path / "q.gpkg", layer="GDZLDJ")
    result = import_county(tmp_path / "d.gpkg", quality=tmp_path / "q.gpkg")
    assert (result.parcels["quality_grade"].to_numpy(dtype=float)[cultivated]
            == small.parcels["quality_grade"].to_numpy(dtype=float)[cultivated]).all()
    assert "from the quality layer" in result.report.text()


# --------------------------------------------------------------------------- overlay


def test_area_shares_by_hand():
    parcels = np.array([shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10),
                        shapely.box(20, 0, 30, 10)])
    layer = np.array([shapely.box(5, -5, 15, 20), shapely.box(5, 0, 12, 10)])  # overlapping
    assert area_shares(parcels, layer).round(6).tolist() == [0.5, 0.5, 0.0]
    best, share = largest_overlap(parcels, layer)
    assert best.tolist() == [0, 0, -1] and share.round(6).tolist() == [0.5, 0.5, 0.0]


def test_subdivided_pieces_cover_the_polygon_exactly():
    ring = shapely.buffer(shapely.Point(0, 0), 1000, quad_segs=400)  # 1,601 vertices
    pieces, owner = subdivide(np.array([ring]))
    assert len(pieces) > 4 and (owner == 0).all()
    assert shapely.get_num_coordinates(pieces).max() <= 256 + 8
    assert sum(p.area for p in pieces) == pytest.approx(ring.area, rel=1e-12)
    cells = np.array([shapely.box(x, y, x + 100, y + 100)
                      for x in range(-1100, 1100, 100) for y in range(-1100, 1100, 100)])
    exact = shapely.area(shapely.intersection(cells, ring)) / 1e4
    assert np.allclose(area_shares(cells, np.array([ring])), exact)


def test_dropped_features_are_reported_with_reasons(small, tmp_path):
    dltb = sandiao_layers(small)["DLTB"]
    dltb.loc[3, "geometry"] = None
    dltb.loc[5, "TBMJ"] = 0.0
    dltb.loc[7, "geometry"] = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])  # bow-tie
    path = tmp_path / "d.gpkg"
    dltb.to_file(path, layer="DLTB")
    report = import_county(path).report
    assert report.dropped[["feature", "reason"]].values.tolist() == [
        [4, "no geometry"], [6, "TBMJ empty or not > 0"]]
    assert report.layers.loc[0, "repaired"] == 1
    assert report.land_classes["features"].sum() - report.land_classes["parcels"].sum() == 2


# --------------------------------------------------------------------------- errors


@pytest.fixture
def dltb_file(small, tmp_path):
    """Factory: the small county's DLTB after ``edit``, written as a GeoPackage."""

    def make(edit=lambda f: f, crs=None) -> Path:
        frame = edit(sandiao_layers(small)["DLTB"].copy())
        if crs is not None:
            frame = frame.to_crs(crs)
        path = tmp_path / "dltb.gpkg"
        frame.to_file(path, layer="DLTB")
        return path

    return make


def _set(column, row, value):
    def edit(frame):
        if isinstance(value, str) and frame[column].dtype != object:
            frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value
        return frame

    return edit


def _cultivated_row(small, k=0):
    return int(np.flatnonzero(small.parcels["quality_grade"].notna())[k])


LAYER = r"DLTB layer 地类图斑 \(dltb\.gpkg, layer DLTB\): "


@pytest.mark.parametrize("edit, pattern", [
    (lambda f: f.drop(columns="DLBM"),
     r"field 'DLBM', all features: not found \(fields: .*\)\. Fix: name the field holding "
     r"the land-class code .* \[dltb\] land_class = "),
    (_set("DLBM", 2, "01x3"),
     r"field 'DLBM', feature 3 \(BSM 1409320000003\): '01x3' is not a 三调 land-class code\. "
     r"Fix: give 4-digit codes"),
    (_set("BSM", 4, 1409320000002),
     r"field 'BSM', 2 features 2, 5 \(BSM 1409320000002, 1409320000002\): the id appears "
     r"more than once\. Fix: give every polygon its own BSM"),
    (_set("ZLDWDM", 0, "1409"),
     r"field 'ZLDWDM', feature 1 \(BSM 1409320000001\): '1409' does not start with a 9-digit "
     r"township code\. Fix: give the 19-character"),
    (_set("TBMJ", 1, "big"),
     r"field 'TBMJ', feature 2 \(BSM 1409320000002\): 'big' is not an area in m2\. Fix:"),
])
def test_import_errors_name_layer_field_feature_and_fix(dltb_file, edit, pattern):
    with pytest.raises(InputError, match=LAYER + pattern):
        import_county(dltb_file(edit))


def test_cultivated_polygon_errors(small, dltb_file):
    row = _cultivated_row(small)
    with pytest.raises(InputError, match=LAYER + rf"field 'GDPDJB', feature {row + 1} .*slope "
                       r"grade 7 is not 1\.\.5\. Fix: give grades 1 \(≤2°\)"):
        import_county(dltb_file(_set("GDPDJB", row, 7)))
    with pytest.raises(InputError, match=LAYER + rf"field 'GDPDJB', feature {row + 1} .*no "
                       r"slope for a cultivated polygon.*Fix: fill the slope grade"):
        import_county(dltb_file(_set("GDPDJB", row, None)))
    with pytest.raises(InputError, match=LAYER + rf"field 'GDDB', feature {row + 1} .*no "
                       r"quality grade for a cultivated polygon\. Fix: give GDDB .* --quality"):
        import_county(dltb_file(_set("GDDB", row, None)))
    with pytest.raises(InputError, match=LAYER + r"field 'GDDB', .*quality grade 16 is not a "
                       r"whole number 1\.\.15 \(scale 1-15\)\. Fix:"):
        import_county(dltb_file(_set("GDDB", row, 16)))


def test_crs_errors_name_the_epsg_to_use(small, dltb_file, tmp_path):
    with pytest.raises(InputError, match=LAYER + r"field 'geometry', all features: CRS .* is "
                       r"geographic \(degrees\).*Fix: reproject to EPSG:4546 \(CGCS2000 / "
                       r"3-degree Gauss-Kruger CM 111E\)"):
        import_county(dltb_file(crs=4490))
    shp = tmp_path / "nocrs.shp"
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        sandiao_layers(small)["DLTB"][["BSM", "geometry"]].set_crs(None, allow_override=True) \
            .to_file(shp)
    with pytest.raises(InputError, match=r"DLTB layer 地类图斑 \(nocrs\.shp, layer nocrs\): "
                       r"field 'geometry', all features: the layer has no coordinate "
                       r"reference system\. Fix: assign the CGCS2000 Gauss-Kruger CRS of your "
                       r"zone.*EPSG:4546"):
        import_county(shp)


def test_layer_and_mapping_errors(small_sandiao, tmp_path):
    gpkg = small_sandiao / "sandiao.gpkg"
    with pytest.raises(InputError, match=r"PBF layer 永久基本农田 \(sandiao\.gpkg\): field "
                       r"'layer', all features: no layer 'JBNT' \(layers: DLTB, YJJBNT.*Fix: "
                       r"name one of these layers in the mapping file under \[pbf\] layer"):
        mapping = tmp_path / "m.toml"
        mapping.write_text('[pbf]\nlayer = "JBNT"\n')
        import_county(gpkg, pbf=gpkg, mapping=mapping)
    mapping.write_text('[dltb]\nland_clas = "DLBM"\n')
    with pytest.raises(InputError, match=r"m\.toml: unknown key dltb\.land_clas; did you mean "
                       r"'land_class'\?"):
        load_mapping(mapping)
    mapping.write_text('[rules]\noverlay_share_min = 2\n')
    with pytest.raises(InputError, match=r"m\.toml: rules\.overlay_share_min = 2 \[fraction\] "
                       r"is out of range"):
        load_mapping(mapping)
    with pytest.raises(InputError, match=r"DLTB layer 地类图斑 \(missing\.gpkg\): field 'file', "
                       r"all features: .* not found\. Fix: check the path given to --dltb"):
        import_county(tmp_path / "missing.gpkg")


def test_cli_import_error_is_one_line_and_writes_nothing(dltb_file, tmp_path, capsys):
    path = dltb_file(_set("DLBM", 0, "??"))
    out = tmp_path / "out"
    assert main(["county", "import", "--dltb", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "field 'DLBM', feature 1" in err[0] and "Fix:" in err[0]
    assert not out.exists()


def test_import_refuses_to_overwrite_its_input(small_sandiao, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(small_sandiao, folder)
    renamed = folder / "parcels.gpkg"
    (folder / "sandiao.gpkg").rename(renamed)
    with pytest.raises(InputError, match="would overwrite the input"):
        write_import(import_county(renamed), folder, inputs=[renamed])


def test_rules_keep_grade_slopes_on_their_side_of_the_limit():
    with pytest.raises(InputError, match=r"grade5_slope_deg = 25 \[degree\] is out of range"):
        ImportRules(grade5_slope_deg=25.0)
    rules = ImportRules()
    grades = slope_grades(pd.Series([rules.slope_for_grade(g) for g in range(1, 6)]))
    assert grades.tolist() == [1, 2, 3, 4, 5]
