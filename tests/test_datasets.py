"""Readers: the sample county loads, and every kind of bad input gets a clear message."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from conftest import SAMPLE_DIR, file_digest

from landsim import InputError, load_sample, read_county, read_edges, read_parcels
from landsim.datasets import read_table
from landsim.schema import SCHEMAS


def test_sample_county_loads_every_table():
    county = load_sample()
    for name in SCHEMAS:
        table = getattr(county, name)
        assert table is not None and len(table) > 0, name
    assert isinstance(county.parcels, gpd.GeoDataFrame)
    assert county.parcels.crs.to_epsg() == 4546
    assert county.parcels["land_class"].str.len().eq(4).all()  # leading zero kept
    assert county.parcels["in_udb"].dtype == bool


def test_csv_and_gpkg_parcels_agree():
    gpkg = read_parcels(SAMPLE_DIR / "parcels.gpkg")
    csv = read_parcels(SAMPLE_DIR / "parcels.csv")
    pd.testing.assert_frame_equal(pd.DataFrame(gpkg.drop(columns="geometry")), csv)


def test_readers_never_write_their_input(county_dir: Path):
    before = file_digest(county_dir)
    read_county(county_dir)
    assert file_digest(county_dir) == before


# --------------------------------------------------------------------------- bad input


def test_missing_file(tmp_path: Path):
    with pytest.raises(InputError, match=r"nope\.csv: file not found.*Fix: check the path"):
        read_parcels(tmp_path / "nope.csv")


def test_folder_instead_of_file(tmp_path: Path):
    with pytest.raises(InputError, match="is a folder, not a parcels file"):
        read_parcels(tmp_path)


def test_unreadable_csv_encoding(tmp_path: Path):
    path = tmp_path / "parcels.csv"
    path.write_bytes(b"parcel_id,township\nP1," + "Müller Straße".encode("latin-1") + b"\n")
    with pytest.raises(InputError, match=r"parcels\.csv: cannot tell the text encoding.*"
                       r"Fix: save the file as UTF-8, or name its encoding with --encoding"):
        read_parcels(path)


def test_unreadable_csv_ragged(tmp_path: Path):
    path = tmp_path / "parcels.csv"
    path.write_text("a,b\n1,2\n1,2,3,4\n")
    with pytest.raises(InputError, match=r"not a well-formed CSV.*line 3.*Fix: give every"):
        read_parcels(path)


def test_empty_csv(tmp_path: Path):
    path = tmp_path / "parcels.csv"
    path.write_text("")
    with pytest.raises(InputError, match="the file is empty"):
        read_parcels(path)


def test_unreadable_gpkg(tmp_path: Path):
    path = tmp_path / "parcels.gpkg"
    path.write_bytes(b"this is not a geopackage" * 20)
    with pytest.raises(InputError, match=r"parcels\.gpkg: cannot be read as a GIS file.*Fix"):
        read_parcels(path)


def test_missing_column(parcels_csv):
    path = parcels_csv(lambda f: f.drop(columns=["slope_deg"]))
    with pytest.raises(InputError, match=r"missing column\(s\) 'slope_deg'.*Fix: add"):
        read_parcels(path)


def test_optional_stable_column_defaults_to_true(parcels_csv):
    path = parcels_csv(lambda f: f.drop(columns=["stable"]))
    assert read_parcels(path)["stable"].all()


def test_duplicate_parcel_id(parcels_csv):
    def dup(f):
        f.loc[4, "parcel_id"] = f.loc[1, "parcel_id"]
        return f

    path = parcels_csv(dup)
    with pytest.raises(InputError, match=r"column 'parcel_id', 2 lines 3, 6 .*duplicate value.*"
                       r"Fix: give every row its own parcel_id"):
        read_parcels(path)


@pytest.mark.parametrize("value", ["abc", "1,5"])
def test_non_numeric_area(parcels_csv, value):
    def bad(f):
        f.loc[2, "area_ha"] = value
        return f

    with pytest.raises(InputError, match=rf"column 'area_ha', line 4 \(parcel_id P00003\): "
                       rf"'{re.escape(value)}' is not a number.*Fix: give a number > 0 \[ha\]"):
        read_parcels(parcels_csv(bad))


@pytest.mark.parametrize("value", ["-3.5", "0"])
def test_negative_or_zero_area(parcels_csv, value):
    def bad(f):
        f.loc[0, "area_ha"] = value
        return f

    with pytest.raises(InputError, match=r"column 'area_ha', line 2 .*out of range.*> 0 \[ha\]"):
        read_parcels(parcels_csv(bad))


def test_nan_where_required(parcels_csv):
    def bad(f):
        f.loc[7, "area_ha"] = ""
        f.loc[9, "area_ha"] = "NaN"
        return f

    with pytest.raises(InputError, match=r"column 'area_ha', 2 lines 9, 11 .*value is empty"
                       r".*Fix: give a number > 0 \[ha\] in every row"):
        read_parcels(parcels_csv(bad))


def test_slope_may_be_empty_only_off_cultivated_land(parcels_csv):
    """A 三调 import knows slopes of cultivated land only (slope grade GDPDJB)."""
    def empty_slopes(f):
        f.loc[~f["land_class"].isin(["0101", "0102", "0103"]), "slope_deg"] = ""
        return f

    parcels = read_parcels(parcels_csv(empty_slopes))
    cultivated = parcels["land_class"].isin(["0101", "0102", "0103"])
    assert parcels.loc[~cultivated, "slope_deg"].isna().all()
    assert parcels.loc[cultivated, "slope_deg"].notna().all()

    def empty_cultivated(f):
        f.loc[f.index[f["land_class"].eq("0103")][0], "slope_deg"] = ""
        return f

    with pytest.raises(InputError, match=r"column 'slope_deg', line \d+ .*value is empty for a "
                       r"cultivated parcel.*Fix: give a number from 0 to 90 \[degree\] for "
                       r"every cultivated parcel"):
        read_parcels(parcels_csv(empty_cultivated))


def test_quality_grade_required_for_cultivated(parcels_csv):
    def bad(f):
        row = f.index[f["land_class"].isin(["0102", "0103"])][0]
        f.loc[row, "quality_grade"] = ""
        return f

    with pytest.raises(InputError, match=r"column 'quality_grade'.*empty for a cultivated"):
        read_parcels(parcels_csv(bad))


@pytest.mark.parametrize("value", ["0", "11", "3.5"])
def test_quality_grade_outside_1_to_10(parcels_csv, value):
    def bad(f):
        row = f.index[f["land_class"].isin(["0102", "0103"])][0]
        f.loc[row, "quality_grade"] = value
        return f

    with pytest.raises(InputError, match=r"column 'quality_grade', line \d+ .*"
                       r"(out of range|not a whole number).*from 1 to 10"):
        read_parcels(parcels_csv(bad))


def test_booleans_accept_common_spellings(parcels_csv):
    spellings = ["1", "0", "true", "False", "yes", "NO", "Y", "n"]

    def spell(f):
        f.loc[: len(spellings) - 1, "in_udb"] = spellings
        return f

    parsed = read_parcels(parcels_csv(spell))["in_udb"].iloc[: len(spellings)]
    assert parsed.tolist() == [True, False, True, False, True, False, True, False]


def test_unparseable_boolean(parcels_csv):
    def bad(f):
        f.loc[5, "is_pbf"] = "maybe"
        return f

    with pytest.raises(InputError, match=r"column 'is_pbf', line 7 .*'maybe' is not a boolean"
                       r".*Fix: write 1/0, true/false or yes/no"):
        read_parcels(parcels_csv(bad))


def test_unknown_township(parcels_csv):
    def bad(f):
        f.loc[3, "township"] = "南堡子乡"  # merged away before the current 6 towns + 2 townships
        return f

    with pytest.raises(InputError, match=r"column 'township', line 5 .*unknown township "
                       r"'南堡子乡'.*Fix: use a name from the townships table \(万家寨镇"):
        read_parcels(parcels_csv(bad))


def _write_gpkg(frame: gpd.GeoDataFrame, path: Path) -> Path:
    frame.to_file(path, layer="parcels", driver="GPKG", engine="pyogrio")
    return path


def test_geometry_invalid(small_county, tmp_path: Path):
    parcels = small_county.parcels.copy()
    bowtie = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    parcels.loc[parcels.index[4], "geometry"] = bowtie
    path = _write_gpkg(parcels, tmp_path / "parcels.gpkg")
    with pytest.raises(InputError, match=r"column 'geometry', 1 invalid or empty geometry: "
                       r"feature 5 \(parcel_id P00005\): Self-intersection.*Fix: repair"):
        read_parcels(path)


def test_crs_missing(small_county, tmp_path: Path):
    parcels = small_county.parcels.set_crs(None, allow_override=True)
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        path = _write_gpkg(parcels, tmp_path / "parcels.gpkg")
    with pytest.raises(InputError, match=r"no coordinate reference system.*EPSG:4546"):
        read_parcels(path)


def test_crs_geographic(small_county, tmp_path: Path):
    path = _write_gpkg(small_county.parcels.to_crs("EPSG:4490"), tmp_path / "parcels.gpkg")
    with pytest.raises(InputError, match=r"CRS EPSG:4490 is geographic.*Fix: reproject"):
        read_parcels(path)


def test_missing_layer(tmp_path: Path):
    with pytest.raises(InputError, match=r"has no layer 'fields' \(layers: parcels, townships\)"):
        read_parcels(SAMPLE_DIR / "parcels.gpkg", layer="fields")


def test_edges_unknown_parcel_and_self_loop(county_dir: Path):
    ids = read_parcels(county_dir / "parcels.csv")["parcel_id"]
    path = county_dir / "edges.csv"
    edges = pd.read_csv(path, dtype=str)
    edges.loc[1, "parcel_b"] = "P99999"
    edges.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"edges\.csv: column 'parcel_b', line 3 "
                       r"\(parcel_a/parcel_b P\d+/P99999\): unknown parcel 'P99999'"):
        read_edges(path, ids)
    edges.loc[1, "parcel_b"] = edges.loc[1, "parcel_a"]
    edges.to_csv(path, index=False)
    with pytest.raises(InputError, match="a parcel cannot border itself"):
        read_edges(path, ids)


def test_population_urban_above_resident(county_dir: Path):
    path = county_dir / "population.csv"
    frame = pd.read_csv(path, dtype=str)
    frame.loc[0, "urban_pop"] = str(int(frame.loc[0, "resident_pop"]) + 1)
    frame.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"column 'urban_pop', line 2 .*exceeds resident_pop"):
        read_table(path, "population")


def test_supply_batch_supplied_above_approved(county_dir: Path):
    path = county_dir / "land_supply_batches.csv"
    frame = pd.read_csv(path, dtype=str)
    frame.loc[2, "supplied_ha"] = str(float(frame.loc[2, "approved_ha"]) + 5)
    frame.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"column 'supplied_ha', line 4 \(batch_id PC2013-03\): "
                       "supplied area exceeds approved_ha"):
        read_county(county_dir)


def test_bad_date_in_contracts(county_dir: Path):
    path = county_dir / "industrial_contracts.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "signed_date"] = "30/06/2021"
    frame.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"column 'signed_date', line 2 \(contract_id GY001\): "
                       r"'30/06/2021' is not a date.*YYYY-MM-DD"):
        read_county(county_dir)


def test_unknown_choice(county_dir: Path):
    path = county_dir / "stock_plots.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "category"] = "vacant"
    frame.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"column 'category'.*'vacant' is not allowed.*idle, "
                       "inefficient"):
        read_county(county_dir)


def test_county_folder_missing(tmp_path: Path):
    with pytest.raises(InputError, match="county folder not found"):
        read_county(tmp_path / "nowhere")
