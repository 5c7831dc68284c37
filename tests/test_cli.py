"""The `landsim` command: version, info, sample, and one-line errors with exit status 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import SAMPLE_DIR

import landsim
from landsim.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"landsim {landsim.__version__}"


def test_info_on_sample_county(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "Parcels 图斑: 5,000   Townships 乡镇: 8" in out
    pbf = pd.read_csv(SAMPLE_DIR / "parcels.csv").query("is_pbf")["area_ha"].sum()
    assert f"PBF 永久基本农田: {pbf:,.1f} ha ({pbf * 15:,.1f} mu)" in out
    for name in ("新关镇", "老牛湾镇", "窑头乡", "楼沟乡"):
        assert name in out
    assert "旱地 dry land" in out and "Eligible for PBF" in out


def test_info_on_a_parcels_file_and_folder(county_dir: Path, capsys):
    assert main(["info", str(county_dir / "parcels.csv")]) == 0
    assert "Parcels 图斑: 300" in capsys.readouterr().out
    assert main(["info", str(county_dir)]) == 0
    assert "Parcels 图斑: 300" in capsys.readouterr().out


def test_bad_file_gives_one_line_and_status_2(county_dir: Path, capsys):
    path = county_dir / "parcels.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "area_ha"] = "-1"
    frame.to_csv(path, index=False)
    assert main(["info", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("landsim: error: ") and "column 'area_ha', line 2" in lines[0]


def test_sample_writes_a_county(tmp_path: Path, capsys):
    out = tmp_path / "c"
    assert main(["sample", "--parcels", "250", "--seed", "4", "--out", str(out)]) == 0
    from landsim.schema import SCHEMAS

    n_files = len(SCHEMAS) + 1  # one file per table (parcels as CSV) and parcels.gpkg
    assert f"wrote {n_files} files for a 250-parcel county (seed 4)" in capsys.readouterr().out
    assert len(landsim.read_county(out).parcels) == 250


def test_sample_rejects_tiny_county(tmp_path: Path, capsys):
    assert main(["sample", "--parcels", "5", "--out", str(tmp_path)]) == 2
    assert "--parcels 5: must be >= 100" in capsys.readouterr().err


def test_console_script_is_installed():
    """The installed `landsim` entry point runs (the README's quick start relies on it)."""
    exe = Path(sys.executable).with_name("landsim")
    result = subprocess.run([str(exe), "info", "/no/such/file.gpkg"], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "file not found" in result.stderr


def test_every_domain_command_is_wired():
    from landsim.cli import build_parser

    commands = build_parser()._subparsers._group_actions[0].choices
    assert {"info", "sample", "quota", "stock", "topsoil", "siting", "report", "farmland"} <= set(commands)


def test_stock_assess_through_main(county_dir: Path, tmp_path: Path, capsys):
    out = tmp_path / "stock"
    assert main(["stock", "assess", "--county", str(county_dir), "--as-of", "2022-12-31",
                 "--out", str(out)]) == 0
    assert (out / "idle.csv").exists() and (out / "unsupplied.csv").exists()
    assert "批而未供" in capsys.readouterr().out
