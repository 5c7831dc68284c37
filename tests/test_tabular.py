"""Encodings and Excel: every table reads the same from UTF-8, UTF-8 with BOM, GBK/GB18030
and .xlsx; shapefile text is decoded correctly or refused naming --encoding (issue 12)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import SAMPLE_DIR

from landsim import InputError
from landsim.cli import main
from landsim.datasets import read_county, read_parcels, read_table
from landsim.farmland.marxan import read_marxan
from landsim.schema import SCHEMAS
from landsim.tabular import dbf_encoding, decode_bytes, detect_encoding, read_raw_table

TABLES = [n for n in SCHEMAS if n not in ("parcels",)]


@pytest.fixture(scope="module")
def utf8_county():
    return read_county(SAMPLE_DIR)


def _recode(folder: Path, encoding: str) -> None:
    for path in folder.glob("*.csv"):
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))


def _assert_same_tables(a, b) -> None:
    for name in SCHEMAS:
        left, right = getattr(a, name), getattr(b, name)
        if name == "parcels":
            left, right = pd.DataFrame(left.drop(columns="geometry", errors="ignore")), \
                pd.DataFrame(right.drop(columns="geometry", errors="ignore"))
        pd.testing.assert_frame_equal(left, right, obj=name)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_county_tables_in_gbk_or_bom_read_like_utf8(tmp_path, utf8_county, encoding):
    folder = tmp_path / "county"
    shutil.copytree(SAMPLE_DIR, folder)
    (folder / "parcels.gpkg").unlink()  # parcels.csv is read, in the same encoding
    _recode(folder, encoding)
    data = (folder / "townships.csv").read_bytes()
    assert "新关镇".encode(encoding.replace("-sig", "")) in data
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    _assert_same_tables(read_county(folder), utf8_county)


def test_named_encoding_is_used_and_checked(tmp_path):
    path = tmp_path / "townships.csv"
    path.write_bytes((SAMPLE_DIR / "townships.csv").read_text(encoding="utf-8").encode("gbk"))
    assert "新关镇" in read_table(path, "townships", encoding="gbk")["township"].tolist()
    with pytest.raises(InputError, match=r"townships\.csv: cannot be read as utf-8 \(byte \d+\)"
                       r".*Fix: give the file's real encoding with --encoding"):
        read_table(path, "townships", encoding="utf-8")


def test_text_that_is_neither_utf8_nor_chinese_is_refused_not_misread():
    latin = "Müller Straße Verein".encode("latin-1")
    assert latin.decode("gb18030")  # it *would* decode as GB18030 ... into nonsense
    assert detect_encoding(latin) is None
    with pytest.raises(InputError, match=r"x\.csv: cannot tell the text encoding.*--encoding"):
        decode_bytes(latin, "x.csv")
    assert decode_bytes(latin, "x.csv", "latin-1")[0].startswith("Müller")


def test_detection_rule_on_short_chinese_words():
    for word in ("东线", "旱地", "水浇地", "新关镇城关村", "永久基本农田（示范）"):
        assert detect_encoding(word.encode("gbk")) == "gb18030", word
        assert detect_encoding(word.encode("utf-8")) == "utf-8", word


def test_cli_reads_a_gbk_county_and_refuses_an_unknown_encoding(tmp_path, capsys):
    folder = tmp_path / "county"
    shutil.copytree(SAMPLE_DIR, folder)
    _recode(folder, "gbk")
    assert main(["info", str(folder), "--encoding", "gbk"]) == 0
    assert "新关镇" in capsys.readouterr().out
    assert main(["info", str(folder), "--encoding", "klingon"]) == 2
    assert "--encoding 'klingon': unknown encoding" in capsys.readouterr().err


# --------------------------------------------------------------------------- Excel


def _typed(frame: pd.DataFrame, schema_name: str) -> pd.DataFrame:
    """The CSV's text cells as an Excel user types them: numbers, booleans and dates."""
    schema = SCHEMAS[schema_name]
    out = frame.copy()
    for col in schema.columns:
        if col.name not in out:
            continue
        text = out[col.name]
        if col.kind in ("float", "int"):
            out[col.name] = pd.to_numeric(text.replace("", None))
        elif col.kind == "date":
            out[col.name] = pd.to_datetime(text.replace("", None))
        elif col.kind == "bool":
            out[col.name] = text.map({"True": True, "False": False, "": None})
    return out


def _write_xlsx(frame: pd.DataFrame, path: Path, sheet: str, serial_dates: tuple = ()) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "notes"
    book.active.append(["this sheet is not the table"])
    ws = book.create_sheet(sheet)
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        cells = []
        for name, value in zip(frame.columns, row, strict=True):
            if pd.isna(value):
                value = None
            elif isinstance(value, pd.Timestamp):
                value = value.to_pydatetime()
                if name in serial_dates:  # a date typed into a General-format cell
                    value = (value - datetime(1899, 12, 30)).days
            elif isinstance(value, np.generic):
                value = value.item()
            cells.append(value)
        ws.append(cells)
    book.save(path)


def test_county_tables_as_xlsx_read_like_csv(tmp_path, utf8_county):
    folder = tmp_path / "county"
    shutil.copytree(SAMPLE_DIR, folder)
    for name in TABLES:
        csv = folder / SCHEMAS[name].filename
        frame = _typed(pd.read_csv(csv, dtype=str, keep_default_na=False), name)
        serial = ("signed_date", "actual_start_date") if name == "industrial_contracts" else ()
        _write_xlsx(frame, csv.with_suffix(".xlsx"), sheet=name, serial_dates=serial)
        csv.unlink()
    county = read_county(folder)
    _assert_same_tables(county, utf8_county)
    assert county.industrial_contracts["signed_date"].dtype.kind == "M"


def test_xlsx_messages_name_sheet_and_row(tmp_path):
    frame = pd.read_csv(SAMPLE_DIR / "population.csv", dtype=str, keep_default_na=False)
    frame.loc[2, "resident_pop"] = "many"
    path = tmp_path / "population.xlsx"
    _write_xlsx(_typed(frame.drop(columns="resident_pop"), "population")
                .assign(resident_pop=frame["resident_pop"]), path, "population")
    with pytest.raises(InputError, match=r"population\.xlsx, sheet 'population': column "
                       r"'resident_pop', row 4 \(year/township 2010/.*\): 'many' is not a "
                       r"number\. Fix: give a whole number >= 0 \[persons\]"):
        read_table(path, "population")


def test_old_xls_and_broken_workbooks_are_refused(tmp_path):
    xls = tmp_path / "population.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0 not really")
    with pytest.raises(InputError, match=r"\.xls\) cannot be read\. Fix: save it from Excel "
                       r"as \.xlsx"):
        read_table(xls, "population")
    bad = tmp_path / "population.xlsx"
    bad.write_bytes(b"not a zip file")
    with pytest.raises(InputError, match=r"cannot be read as an Excel workbook.*Fix"):
        read_table(bad, "population")


def test_raw_xlsx_cells_are_csv_text(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.append(["code", "when", "serial", "x", "flag"])
    ws.append(["0103", datetime(2021, 6, 30), 44377, 2.5, True])
    ws.append([103, None, None, 7.0, False])
    path = tmp_path / "t.xlsx"
    book.save(path)
    raw = read_raw_table(path, date_columns=("serial",))
    assert raw.frame.to_dict("records") == [
        {"code": "0103", "when": "2021-06-30", "serial": "2021-06-30", "x": "2.5",
         "flag": "true"},
        {"code": "103", "when": "", "serial": "", "x": "7", "flag": "false"}]
    assert raw.source.endswith("t.xlsx, sheet 'Sheet'")


# --------------------------------------------------------------------------- shapefiles


def _shapefile(tmp_path: Path, text: list[str], encoding: str, cpg: bool) -> Path:
    frame = gpd.GeoDataFrame({"DLMC": text, "n": range(len(text))},
                             geometry=[shapely.box(i, 0, i + 1, 1) for i in range(len(text))],
                             crs="EPSG:4546")
    path = tmp_path / "layer.shp"
    frame.to_file(path, engine="pyogrio", encoding=encoding)
    if not cpg:
        path.with_suffix(".cpg").unlink(missing_ok=True)
    return path


@pytest.mark.parametrize("encoding", ["GBK", "UTF-8"])
@pytest.mark.parametrize("cpg", [True, False])
def test_shapefile_text_is_decoded_with_or_without_cpg(tmp_path, encoding, cpg):
    from landsim.datasets import _read_vector

    path = _shapefile(tmp_path, ["东线", "旱地", "水浇地"], encoding, cpg)
    frame = _read_vector(path, None)
    assert frame["DLMC"].tolist() == ["东线", "旱地", "水浇地"]


def test_shapefile_in_an_undetectable_encoding_is_refused_naming_the_option(tmp_path):
    from landsim.datasets import _read_vector

    path = _shapefile(tmp_path, ["Müller", "Straße"], "CP1252", cpg=False)
    with pytest.raises(InputError, match=r"layer\.dbf has no \.cpg file and its text is neither "
                       r"UTF-8 nor GBK/GB18030.*Fix: name the encoding with --encoding"):
        _read_vector(path, None)
    assert _read_vector(path, None, "cp1252")["DLMC"].tolist() == ["Müller", "Straße"]


def test_shapefile_with_a_wrong_cpg_is_refused(tmp_path):
    path = _shapefile(tmp_path, ["东线"], "GBK", cpg=False)
    path.with_suffix(".cpg").write_text("UTF-8")
    with pytest.raises(InputError, match=r"its layer\.cpg names the encoding 'UTF-8', but the "
                       r"attribute table layer\.dbf is not UTF-8 text.*--encoding"):
        dbf_encoding(path)


def test_parcels_shapefile_with_cut_field_names_reads_like_the_gpkg(tmp_path):
    parcels = read_parcels(SAMPLE_DIR / "parcels.gpkg")
    path = tmp_path / "parcels.shp"
    with pytest.warns(UserWarning, match="truncated"), \
            pytest.warns(RuntimeWarning, match="laundered"):
        parcels.to_file(path, engine="pyogrio", encoding="GBK")
    path.with_suffix(".cpg").unlink()
    shutil.copy(SAMPLE_DIR / "townships.csv", tmp_path / "townships.csv")
    again = read_parcels(path)
    pd.testing.assert_frame_equal(pd.DataFrame(again.drop(columns="geometry")),
                                  pd.DataFrame(parcels.drop(columns="geometry")))


# --------------------------------------------------------------------------- Marxan


def test_marxan_feature_names_in_gbk(tmp_path):
    folder = tmp_path / "marxan"
    (folder / "input").mkdir(parents=True)
    (folder / "input.dat").write_bytes("INPUTDIR input\nPUNAME pu.dat\nSPECNAME spec.dat\n"
                                       "PUVSPRNAME puvspr.dat\n".encode("gbk"))
    (folder / "input" / "pu.dat").write_text("id,cost,status\n1,1,0\n2,2,0\n")
    (folder / "input" / "spec.dat").write_bytes("id,prop,spf,name\n1,0.5,1,耕地\n2,0.5,1,林地\n"
                                                .encode("gbk"))
    (folder / "input" / "puvspr.dat").write_text("species,pu,amount\n1,1,1\n2,2,1\n")
    assert read_marxan(folder).feature_name.tolist() == ["耕地", "林地"]
