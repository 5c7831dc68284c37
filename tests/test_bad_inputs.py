"""Bad-input corpus (issue 13): small corruptions of the sample files, for every verb.

Each case copies a workspace (a small county, topsoil and siting examples, a scenario, the
policy files), corrupts one thing, runs the command line in-process and asserts:

- exit status 2 and exactly one line on stderr, ``landsim: error: ...``, no traceback;
- the line names what the case says it must (the file the user gave, the column or key,
  the row or id, the value);
- no input file changed (SHA-256 of every file before and after);
- nothing was left in ``--out`` (no new folder, no partial file).

The cases are data (:data:`CASES`); ``tests/test_bad_inputs.py::test_corpus_size`` keeps
the count per verb.
"""

from __future__ import annotations

import hashlib
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from landsim.cli import main
from landsim.resources import policy_file, scenario_file
from landsim.synthetic import synthesize, write_county

Mutate = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    """One bad input: the command (``{w}`` is the workspace), a corruption, what to name."""

    id: str
    argv: tuple[str, ...]
    mutate: Mutate | None = None
    names: tuple[str, ...] = ()
    out_exists: bool = False  # --out points at something the case made on purpose
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def verb(self) -> str:
        words = [a for a in self.argv if not a.startswith("-")][:2]
        return " ".join(words[:2]) if words[0] in ("quota", "farmland", "stock", "topsoil",
                                                   "siting", "county") else words[0]


# ----------------------------------------------------------------------------- workspace


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> Path:
    """The pristine workspace, made once: county, topsoil and siting inputs, TOML files."""
    root = tmp_path_factory.mktemp("corpus_template")
    write_county(synthesize(300, seed=11), root / "county")
    assert main(["topsoil", "example", "--out", str(root / "topsoil")]) == 0
    assert main(["siting", "example", "--out", str(root / "siting")]) == 0
    shutil.copy(scenario_file("baseline"), root / "scenario.toml")
    shutil.copy(policy_file("stockland"), root / "stock_policy.toml")
    shutil.copy(policy_file("topsoil"), root / "topsoil_params.toml")
    shutil.copy(policy_file("monitor"), root / "thresholds.toml")
    return root


def digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# ----------------------------------------------------------------------------- corruptions


def edit_csv(rel: str, edit: Callable[[pd.DataFrame], pd.DataFrame | None]) -> Mutate:
    """Read ``rel`` as text cells, apply ``edit`` (in place or returning a frame), write."""

    def run(w: Path) -> None:
        path = w / rel
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        out = edit(frame)
        (frame if out is None else out).to_csv(path, index=False)

    return run


def set_cell(rel: str, column: str, value: str, row: int = 0) -> Mutate:
    def edit(f: pd.DataFrame) -> None:
        f.loc[row, column] = value

    return edit_csv(rel, edit)


def drop_column(rel: str, column: str) -> Mutate:
    return edit_csv(rel, lambda f: f.drop(columns=[column]))


def header_only(rel: str) -> Mutate:
    return edit_csv(rel, lambda f: f.iloc[:0])


def duplicate_row(rel: str) -> Mutate:
    return edit_csv(rel, lambda f: pd.concat([f, f.iloc[[0]]], ignore_index=True))


def write_text(rel: str, text: str, encoding: str = "utf-8") -> Mutate:
    def run(w: Path) -> None:
        (w / rel).parent.mkdir(parents=True, exist_ok=True)
        (w / rel).write_bytes(text.encode(encoding))

    return run


def replace_text(rel: str, old: str, new: str) -> Mutate:
    def run(w: Path) -> None:
        path = w / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return run


def append_text(rel: str, text: str) -> Mutate:
    def run(w: Path) -> None:
        path = w / rel
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    return run


def make_dir(rel: str) -> Mutate:
    return lambda w: (w / rel).mkdir(parents=True, exist_ok=True)


def make_file(rel: str) -> Mutate:
    return write_text(rel, "x\n")


def geometry_edit(rel: str, layer: str, edit: Callable[[gpd.GeoDataFrame], None],
                  out_rel: str | None = None) -> Mutate:
    def run(w: Path) -> None:
        frame = gpd.read_file(w / rel, layer=layer)
        edit(frame)
        target = w / (out_rel or rel)
        if target.exists():
            target.unlink()
        frame.to_file(target, layer=layer, engine="pyogrio")

    return run


def both(*steps: Mutate) -> Mutate:
    def run(w: Path) -> None:
        for step in steps:
            step(w)

    return run


def _to_points(frame: gpd.GeoDataFrame) -> None:
    frame.geometry = frame.geometry.centroid


def _first_to_line(frame: gpd.GeoDataFrame) -> None:
    frame.loc[0, "geometry"] = shapely.LineString(
        list(frame.geometry.iloc[0].exterior.coords)[:3])


def _first_to_point(frame: gpd.GeoDataFrame) -> None:
    frame.loc[0, "geometry"] = frame.geometry.iloc[0].centroid


# ----------------------------------------------------------------------------- the cases

PARCELS = "county/parcels.csv"
OPT = ("farmland", "optimize", "--parcels", "{w}/county/parcels.csv", "--time-limit", "60")
QUOTA = ("quota", "simulate", "--scenario", "{w}/scenario.toml", "--county", "{w}/county")
STOCK = ("stock", "assess", "--county", "{w}/county")
TOPSOIL = ("topsoil", "plan", "--sources", "{w}/topsoil/sources.csv", "--destinations",
           "{w}/topsoil/destinations.csv", "--stockpiles", "{w}/topsoil/stockpiles.csv")
SITING = ("siting", "compare", "--footprints", "{w}/siting/footprints.gpkg", "--schemes",
          "{w}/siting/schemes.csv", "--parcels", "{w}/county")
REPORT = ("report", "--county", "{w}/county", "--no-execute")
SCN = "scenario.toml"
ALLOC = ("quota", "allocate", "--quota-run", "{w}/none", "--county", "{w}/county")
ALLOC_RUN = ("quota", "allocate", "--quota-run", "{w}/run", "--county", "{w}/county")


def _quota_run(columns: dict | None = None) -> Mutate:
    """Write ``{w}/run/annual.csv`` (default: one township row of granted land)."""
    columns = columns or {"year": [2024], "township": ["新关镇"],
                          "new_construction_land_ha": [1.0]}

    def run(w: Path) -> None:
        (w / "run").mkdir()
        pd.DataFrame(columns).to_csv(w / "run" / "annual.csv", index=False)

    return run


def _both(*mutations: Mutate) -> Mutate:
    def run(w: Path) -> None:
        for m in mutations:
            m(w)

    return run


# ---- land register (issue 17): a register folder with one unit awaiting supply under UNIT
UNIT = "140932099001GB00001W00000000"
REG = ("--register", "{w}/reg")
CHAPTER = ("siting", "chapter", "--footprints", "{w}/siting/footprints.gpkg", "--schemes",
           "{w}/siting/schemes.csv", "--project", "测试公路")


def _register(*edits: Mutate) -> Mutate:
    """Import the county into ``reg/``, give its first unit awaiting supply the code UNIT,
    write an empty checklist of that unit to ``cl/checklist.csv``, then apply ``edits``."""

    def run(w: Path) -> None:
        assert main(["register", "import", "--county", str(w / "county"),
                     "--out", str(w / "reg")]) == 0
        ev = pd.read_csv(w / "reg" / "events.csv", dtype=str)
        supplied = set(ev.loc[ev["stage"] == "supply", "unit_code"])
        first = next(c for c in ev.loc[ev["stage"] == "approval", "unit_code"]
                     if c not in supplied)
        for name in ("units.csv", "events.csv"):
            path = w / "reg" / name
            path.write_text(path.read_text(encoding="utf-8").replace(first, UNIT),
                            encoding="utf-8")
        assert main(["checklist", "init", "--register", str(w / "reg"), "--unit", UNIT,
                     "--as-of", "2022-12-31", "--out", str(w / "cl")]) == 0
        for edit in edits:
            edit(w)

    return run


def _parcel_cases() -> list[Case]:
    """Corruptions of parcels.csv read through ``info`` and ``farmland optimize``."""
    bad = [
        ("area_text", set_cell(PARCELS, "area_ha", "abc"), ("parcels.csv", "area_ha", "line 2",
                                                           "abc")),
        ("area_negative", set_cell(PARCELS, "area_ha", "-1"), ("parcels.csv", "area_ha", "-1")),
        ("area_inf", set_cell(PARCELS, "area_ha", "inf"), ("parcels.csv", "area_ha", "inf")),
        ("area_huge", set_cell(PARCELS, "area_ha", "1e30"), ("parcels.csv", "area_ha", "1e30")),
        ("area_nan", set_cell(PARCELS, "area_ha", "nan"), ("parcels.csv", "area_ha")),
        ("area_missing", drop_column(PARCELS, "area_ha"), ("parcels.csv", "area_ha")),
        ("id_missing", drop_column(PARCELS, "parcel_id"), ("parcels.csv", "parcel_id")),
        ("id_duplicate", duplicate_row(PARCELS), ("parcels.csv", "parcel_id")),
        ("id_empty", set_cell(PARCELS, "parcel_id", ""), ("parcels.csv", "parcel_id",
                                                         "line 2")),
        ("land_class_unknown", set_cell(PARCELS, "land_class", "9999"), ("parcels.csv",
                                                                         "land_class", "9999")),
        ("quality_11", set_cell(PARCELS, "quality_grade", "11", row=0),
         ("parcels.csv", "quality_grade")),
        ("slope_negative", set_cell(PARCELS, "slope_deg", "-5"), ("parcels.csv", "slope_deg",
                                                                  "-5")),
        ("slope_95", set_cell(PARCELS, "slope_deg", "95"), ("parcels.csv", "slope_deg", "95")),
        ("flag_maybe", set_cell(PARCELS, "is_pbf", "maybe"), ("parcels.csv", "is_pbf",
                                                              "maybe")),
        ("township_unknown", set_cell(PARCELS, "township", "火星镇"), ("parcels.csv",
                                                                      "township", "火星镇")),
        ("header_only", header_only(PARCELS), ("parcels.csv", "no rows")),
        ("empty_file", write_text(PARCELS, ""), ("parcels.csv", "empty")),
        ("ragged_line", append_text(PARCELS, "P9,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"),
         ("parcels.csv",)),
        ("binary", write_text(PARCELS, "\x00\x01\x02\xff\xfe", "latin-1"), ("parcels.csv",)),
    ]
    cases = []
    for name, mutate, names in bad:
        cases.append(Case(f"info-{name}", ("info", "{w}/" + PARCELS), mutate, names))
        cases.append(Case(f"optimize-{name}", (*OPT, "--out", "{w}/out"), mutate, names))
    return cases


CASES: list[Case] = [
    *_parcel_cases(),
    # ---- info
    Case("info-missing-path", ("info", "{w}/nowhere.csv"), None, ("nowhere.csv", "not found")),
    Case("info-empty-folder", ("info", "{w}/empty"), make_dir("empty"), ("empty",)),
    Case("info-points-gpkg", ("info", "{w}/pts.gpkg"),
         lambda w: synthesize(120, seed=3).parcels.assign(
             geometry=lambda f: f.geometry.centroid).to_file(w / "pts.gpkg", layer="parcels"),
         ("pts.gpkg", "Point", "polygon")),
    # ---- sample
    Case("sample-parcels-5", ("sample", "--parcels", "5", "--out", "{w}/out"), None,
         ("--parcels", "5")),
    Case("sample-parcels-negative", ("sample", "--parcels", "-1", "--out", "{w}/out"), None,
         ("--parcels", "-1")),
    Case("sample-parcels-text", ("sample", "--parcels", "abc", "--out", "{w}/out"), None,
         ("--parcels", "abc")),
    Case("sample-seed-negative", ("sample", "--seed", "-1", "--out", "{w}/out"), None,
         ("--seed", "-1")),
    Case("sample-out-is-file", ("sample", "--parcels", "100", "--out", "{w}/afile"),
         make_file("afile"), ("--out", "afile", "folder"), out_exists=True),
    Case("sample-out-under-file", ("sample", "--parcels", "100", "--out", "{w}/afile/sub"),
         make_file("afile"), ("--out", "afile")),
    Case("sample-unknown-option", ("sample", "--colour", "red", "--out", "{w}/out"), None,
         ("--colour",)),
    # ---- check
    Case("check-seeds-text", ("check", "--seeds", "a-b"), None, ("--seeds", "a-b")),
    Case("check-as-of-bad", ("check", "{w}/county", "--as-of", "2022-13-45"), None,
         ("2022-13-45",)),
    Case("check-missing-county", ("check", "{w}/nowhere"), None, ("nowhere",)),
    # ---- farmland optimize: options and edges
    Case("optimize-gap-negative", (*OPT, "--gap", "-1", "--out", "{w}/out"), None,
         ("--gap", "-1")),
    Case("optimize-gap-2", (*OPT, "--gap", "2", "--out", "{w}/out"), None, ("--gap", "2")),
    Case("optimize-gap-text", (*OPT, "--gap", "small", "--out", "{w}/out"), None,
         ("--gap", "small")),
    Case("optimize-time-negative", (*OPT, "--time-limit", "-5", "--out", "{w}/out"), None,
         ("--time-limit", "-5")),
    Case("optimize-time-zero", (*OPT, "--time-limit", "0", "--out", "{w}/out"), None,
         ("--time-limit", "0")),
    Case("optimize-time-inf", (*OPT, "--time-limit", "inf", "--out", "{w}/out"), None,
         ("--time-limit", "inf")),
    Case("optimize-target-negative", (*OPT, "--target-ha", "-5", "--out", "{w}/out"), None,
         ("--target-ha", "-5")),
    Case("optimize-target-inf", (*OPT, "--target-ha", "inf", "--out", "{w}/out"), None,
         ("--target-ha", "inf")),
    Case("optimize-target-unreachable", (*OPT, "--target-ha", "1e9", "--out", "{w}/out"), None,
         ("1,000,000,000",)),
    Case("optimize-boundary-negative", (*OPT, "--boundary-weight", "-1", "--out", "{w}/out"),
         None, ("--boundary-weight", "-1")),
    Case("optimize-stability-nan", (*OPT, "--stability-weight", "nan", "--out", "{w}/out"),
         None, ("--stability-weight", "nan")),
    Case("optimize-solver-unknown", (*OPT, "--solver", "gurobi", "--out", "{w}/out"), None,
         ("--solver", "gurobi")),
    Case("optimize-parcels-missing", ("farmland", "optimize", "--parcels", "{w}/no.csv",
                                      "--out", "{w}/out"), None, ("no.csv",)),
    Case("optimize-out-is-file", (*OPT, "--out", "{w}/afile"), make_file("afile"),
         ("--out", "afile"), out_exists=True),
    Case("optimize-out-under-file", (*OPT, "--out", "{w}/county/parcels.csv/out"), None,
         ("--out", "parcels.csv")),
    Case("optimize-edges-missing-column",
         (*OPT, "--edges", "{w}/county/edges.csv", "--out", "{w}/out"),
         drop_column("county/edges.csv", "shared_length_m"), ("edges.csv", "shared_length_m")),
    Case("optimize-edges-unknown-parcel",
         (*OPT, "--edges", "{w}/county/edges.csv", "--out", "{w}/out"),
         set_cell("county/edges.csv", "parcel_a", "NOPE"), ("edges.csv", "NOPE")),
    Case("optimize-edges-negative-length",
         (*OPT, "--edges", "{w}/county/edges.csv", "--out", "{w}/out"),
         set_cell("county/edges.csv", "shared_length_m", "-3"), ("edges.csv",
                                                                 "shared_length_m", "-3")),
    Case("optimize-edges-self-loop",
         (*OPT, "--edges", "{w}/county/edges.csv", "--out", "{w}/out"),
         edit_csv("county/edges.csv", lambda f: f.assign(parcel_b=f["parcel_a"])),
         ("edges.csv", "parcel_b")),
    Case("optimize-points", ("farmland", "optimize", "--parcels", "{w}/county/pts.gpkg",
                             "--out", "{w}/out"),
         geometry_edit("county/parcels.gpkg", "parcels", _to_points, "county/pts.gpkg"),
         ("pts.gpkg", "Point", "polygon")),
    # ---- farmland marxan
    Case("marxan-missing-folder", ("farmland", "marxan", "{w}/nomarxan", "--out", "{w}/out"),
         None, ("nomarxan",)),
    Case("marxan-empty-folder", ("farmland", "marxan", "{w}/mx", "--out", "{w}/out"),
         make_dir("mx"), ("mx",)),
    Case("marxan-blm-negative", ("farmland", "marxan", "{w}/mx", "--blm", "-1", "--out",
                                 "{w}/out"), make_dir("mx"), ("--blm", "-1")),
    Case("marxan-solver-unknown", ("farmland", "marxan", "{w}/mx", "--solver", "cplex",
                                   "--out", "{w}/out"), make_dir("mx"),
         ("--solver", "cplex", "cpsat", "scip", "auto")),
    Case("marxan-workers-zero", ("farmland", "marxan", "{w}/mx", "--workers", "0", "--out",
                                 "{w}/out"), make_dir("mx"), ("--workers", "0", ">= 1")),
    Case("marxan-workers-text", ("farmland", "marxan", "{w}/mx", "--workers", "two", "--out",
                                 "{w}/out"), make_dir("mx"), ("--workers", "two")),
    Case("marxan-time-limit-zero", ("farmland", "marxan", "{w}/mx", "--time-limit", "0",
                                    "--out", "{w}/out"), make_dir("mx"),
         ("--time-limit", "0")),
    Case("optimize-solver-cpsat", ("farmland", "optimize", "--parcels",
                                   "{w}/county/parcels.gpkg", "--solver", "cpsat",
                                   "--out", "{w}/out"), None, ("--solver", "cpsat", "highs")),
    # ---- quota simulate: scenario files
    Case("quota-scenario-missing", ("quota", "simulate", "--scenario", "{w}/none.toml",
                                    "--out", "{w}/out"), None, ("none.toml",)),
    Case("quota-scenario-folder", ("quota", "simulate", "--scenario", "{w}/county",
                                   "--out", "{w}/out"), None, ("county", "folder")),
    Case("quota-scenario-unknown-key", (*QUOTA, "--out", "{w}/out"),
         replace_text(SCN, "settlement_share = 0.5", "settelment_share = 0.5"),
         ("scenario.toml", "settelment_share", "settlement_share")),
    Case("quota-scenario-percent", (*QUOTA, "--out", "{w}/out"),
         replace_text(SCN, "settlement_share = 0.5", "settlement_share = 50"),
         ("scenario.toml", "settlement_share", "50")),
    Case("quota-scenario-negative-rate", (*QUOTA, "--out", "{w}/out"),
         replace_text(SCN, "unsupplied_disposal_rate = 0.15", "unsupplied_disposal_rate = -0.1"),
         ("scenario.toml", "unsupplied_disposal_rate", "-0.1")),
    Case("quota-scenario-gdp-inf", (*QUOTA, "--out", "{w}/out"),
         replace_text(SCN, "gdp_base_yi_yuan = 38.4", "gdp_base_yi_yuan = inf"),
         ("scenario.toml", "gdp_base_yi_yuan", "inf")),
    Case("quota-scenario-gdp-nan", (*QUOTA, "--out", "{w}/out"),
         replace_text(SCN, "gdp_base_yi_yuan = 38.4", "gdp_base_yi_yuan = nan"),
         ("scenario.toml", "gdp_base_yi_yuan")),
    Case("quota-scenario-gdp-huge", (*QUOTA, "--out", "{w}/out"),
         replace_text(SCN, "gdp_base_yi_yuan = 38.4", "gdp_base_yi_yuan = 1e30"),
         ("scenario.toml", "gdp_base_yi_yuan", "1e+30")),
    Case("quota-scenario-syntax", (*QUOTA, "--out", "{w}/out"),
         replace_text(SCN, "[population]", "[population"), ("scenario.toml", "line")),
    Case("quota-scenario-bom-then-bad", (*QUOTA, "--out", "{w}/out"),
         both(lambda w: (w / SCN).write_bytes(b"\xef\xbb\xbf" + (w / SCN).read_bytes()),
              replace_text(SCN, "seed = 20230101", "seed = -1")),
         ("scenario.toml", "seed", "-1")),
    Case("quota-scenario-gbk", (*QUOTA, "--out", "{w}/out"),
         write_text(SCN, 'name = "基准"\nschema_version = 1\n', "gbk"),
         ("scenario.toml", "UTF-8")),
    Case("quota-scenario-version", (*QUOTA, "--out", "{w}/out"),
         replace_text(SCN, "schema_version = 1", "schema_version = 9"),
         ("scenario.toml", "schema_version", "9")),
    Case("quota-scenario-end-year", (*QUOTA, "--out", "{w}/out"),
         replace_text(SCN, "end_year = 2035", "end_year = 3035"),
         ("scenario.toml", "end_year", "3035")),
    Case("quota-scenario-key-township", (*QUOTA, "--out", "{w}/out"),
         replace_text(SCN, 'township = "新关镇"', 'township = "火星镇"'),
         ("scenario.toml", "火星镇")),
    Case("quota-scenario-key-area", (*QUOTA, "--out", "{w}/out"),
         replace_text(SCN, "area_ha = 8.0", "area_ha = -8.0"),
         ("scenario.toml", "area_ha", "-8")),
    Case("quota-scenario-key-area-huge", (*QUOTA, "--out", "{w}/out"),
         replace_text(SCN, "area_ha = 8.0", "area_ha = 1e30"),
         ("scenario.toml", "area_ha", "1e+30")),
    Case("quota-scenario-policy-key", (*QUOTA, "--out", "{w}/out"),
         replace_text(SCN, "[policy]", "[policy]\nstock_link = { ration = 2.0 }"),
         ("scenario.toml", "ration", "ratio")),
    Case("quota-scenario-policy-range", (*QUOTA, "--out", "{w}/out"),
         replace_text(SCN, "[policy]", "[policy]\npopulation_link = { provincial_factor = 2.0 }"),
         ("scenario.toml", "provincial_factor", "2")),
    Case("quota-scenario-lag-shares", (*QUOTA, "--out", "{w}/out"),
         replace_text(SCN, "[policy]", "[policy]\nsupply_rate = { lag_shares = [0.9, 0.9] }"),
         ("scenario.toml", "lag_shares")),
    Case("quota-scenario-uncertain-dist", (*QUOTA, "--out", "{w}/out"),
         replace_text(SCN, 'dist = "uniform"', 'dist = "gamma"'), ("scenario.toml", "gamma")),
    Case("quota-scenario-demand-negative", (*QUOTA, "--out", "{w}/out"),
         replace_text(SCN, "demand_ha_per_year = 30.0", "demand_ha_per_year = -30.0"),
         ("scenario.toml", "demand_ha_per_year", "-30")),
    # ---- quota simulate: options
    Case("quota-draws-zero", (*QUOTA, "--draws", "0", "--out", "{w}/out"), None,
         ("--draws", "0")),
    Case("quota-draws-text", (*QUOTA, "--draws", "many", "--out", "{w}/out"), None,
         ("--draws", "many")),
    Case("quota-batch-size-zero", (*QUOTA, "--draws", "10", "--batch-size", "0", "--out",
                                   "{w}/out"), None, ("--batch-size", "0")),
    Case("quota-demand-negative", (*QUOTA, "--demand-ha", "-1", "--out", "{w}/out"), None,
         ("--demand-ha", "-1")),
    Case("quota-demand-inf", (*QUOTA, "--demand-ha", "inf", "--out", "{w}/out"), None,
         ("--demand-ha", "inf")),
    Case("quota-seed-negative", (*QUOTA, "--seed", "-1", "--out", "{w}/out"), None,
         ("--seed", "-1")),
    Case("quota-by-unknown", (*QUOTA, "--by", "province", "--out", "{w}/out"), None,
         ("--by", "province")),
    Case("quota-format-unknown", (*QUOTA, "--draws", "10", "--format", "xlsx", "--out",
                                  "{w}/out"), None, ("--format", "xlsx", "parquet")),
    Case("quota-scheduler-unreachable", (*QUOTA, "--draws", "20", "--batch-size", "5",
                                         "--scheduler", "tcp://127.0.0.1:9", "--out",
                                         "{w}/out"), None, ("tcp://127.0.0.1:9",)),
    Case("quota-out-is-file", (*QUOTA, "--out", "{w}/afile"), make_file("afile"),
         ("--out", "afile"), out_exists=True),
    Case("quota-registrations-missing", (*QUOTA, "--registrations", "{w}/reg.csv", "--out",
                                         "{w}/out"), None, ("reg.csv", "not found")),
    # ---- quota simulate: county tables
    Case("quota-population-missing-column", (*QUOTA, "--out", "{w}/out"),
         drop_column("county/population.csv", "urban_pop"), ("population.csv", "urban_pop")),
    Case("quota-population-negative", (*QUOTA, "--out", "{w}/out"),
         set_cell("county/population.csv", "resident_pop", "-5"),
         ("population.csv", "resident_pop", "-5")),
    Case("quota-population-text", (*QUOTA, "--out", "{w}/out"),
         set_cell("county/population.csv", "urban_pop", "many"),
         ("population.csv", "urban_pop", "many")),
    Case("quota-population-year", (*QUOTA, "--out", "{w}/out"),
         set_cell("county/population.csv", "year", "20a2"), ("population.csv", "year", "20a2")),
    Case("quota-population-township", (*QUOTA, "--out", "{w}/out"),
         set_cell("county/population.csv", "township", "火星镇"),
         ("population.csv", "township", "火星镇")),
    Case("quota-population-land-inf", (*QUOTA, "--out", "{w}/out"),
         set_cell("county/population.csv", "urban_construction_land_ha", "inf"),
         ("population.csv", "urban_construction_land_ha", "inf")),
    Case("quota-batches-missing-column", (*QUOTA, "--out", "{w}/out"),
         drop_column("county/land_supply_batches.csv", "supplied_ha"),
         ("land_supply_batches.csv", "supplied_ha")),
    Case("quota-batches-negative", (*QUOTA, "--out", "{w}/out"),
         set_cell("county/land_supply_batches.csv", "approved_ha", "-2"),
         ("land_supply_batches.csv", "approved_ha", "-2")),
    Case("quota-registrations-negative", (*QUOTA, "--out", "{w}/out"),
         set_cell("county/registrations.csv", "registrations", "-3"),
         ("registrations.csv", "registrations", "-3")),
    Case("quota-targets-direction", (*QUOTA, "--out", "{w}/out"),
         set_cell("county/planning_targets.csv", "direction", "sideways"),
         ("planning_targets.csv", "direction", "sideways")),
    Case("quota-plots-category", (*QUOTA, "--out", "{w}/out"),
         set_cell("county/stock_plots.csv", "category", "abandoned"),
         ("stock_plots.csv", "category", "abandoned")),
    # ---- stock assess
    Case("stock-as-of-text", (*STOCK, "--as-of", "yesterday", "--out", "{w}/out"), None,
         ("yesterday",)),
    Case("stock-as-of-month-13", (*STOCK, "--as-of", "2022-13-01", "--out", "{w}/out"), None,
         ("2022-13-01",)),
    Case("stock-as-of-1800", (*STOCK, "--as-of", "1800-01-01", "--out", "{w}/out"), None,
         ("1800",)),
    Case("stock-policy-missing", (*STOCK, "--policy", "{w}/none.toml", "--out", "{w}/out"),
         None, ("none.toml",)),
    Case("stock-policy-unknown-section", (*STOCK, "--policy", "{w}/stock_policy.toml",
                                          "--out", "{w}/out"),
         append_text("stock_policy.toml", "\n[not_a_section]\nnot_a_key = 1\n"),
         ("stock_policy.toml", "not_a_section")),
    Case("stock-policy-gbk", (*STOCK, "--policy", "{w}/stock_policy.toml", "--out", "{w}/out"),
         write_text("stock_policy.toml", "# 闲置土地\n[idle]\n", "gbk"),
         ("stock_policy.toml", "UTF-8", "GBK")),
    Case("stock-contracts-area-text", (*STOCK, "--out", "{w}/out"),
         set_cell("county/industrial_contracts.csv", "area_ha", "big"),
         ("industrial_contracts.csv", "area_ha", "big")),
    Case("stock-contracts-area-inf", (*STOCK, "--out", "{w}/out"),
         set_cell("county/industrial_contracts.csv", "area_ha", "inf"),
         ("industrial_contracts.csv", "area_ha", "inf")),
    Case("stock-contracts-date", (*STOCK, "--out", "{w}/out"),
         set_cell("county/industrial_contracts.csv", "signed_date", "2019-02-30"),
         ("industrial_contracts.csv", "signed_date", "2019-02-30")),
    Case("stock-contracts-duplicate", (*STOCK, "--out", "{w}/out"),
         duplicate_row("county/industrial_contracts.csv"),
         ("industrial_contracts.csv", "contract_id")),
    Case("stock-contracts-developed", (*STOCK, "--out", "{w}/out"),
         set_cell("county/industrial_contracts.csv", "developed_area_ha", "999"),
         ("industrial_contracts.csv", "developed_area_ha")),
    Case("stock-batches-year", (*STOCK, "--out", "{w}/out"),
         set_cell("county/land_supply_batches.csv", "approval_year", "1700"),
         ("land_supply_batches.csv", "approval_year", "1700")),
    Case("stock-plots-area-negative", (*STOCK, "--out", "{w}/out"),
         set_cell("county/stock_plots.csv", "area_ha", "-1"), ("stock_plots.csv", "area_ha",
                                                               "-1")),
    Case("stock-county-missing", ("stock", "assess", "--county", "{w}/nocounty", "--out",
                                  "{w}/out"), None, ("nocounty",)),
    Case("stock-out-is-file", (*STOCK, "--out", "{w}/afile"), make_file("afile"),
         ("--out", "afile"), out_exists=True),
    # ---- topsoil plan
    *[Case(f"topsoil-{name}", (*TOPSOIL, "--out", "{w}/out"), mutate, names)
      for name, mutate, names in (
          ("sources-volume-inf", set_cell("topsoil/sources.csv", "volume_m3", "inf"),
           ("sources.csv", "volume_m3", "inf")),
          ("sources-area-huge", set_cell("topsoil/sources.csv", "area_ha", "1e30"),
           ("sources.csv", "area_ha", "1e30")),
          ("sources-area-negative", set_cell("topsoil/sources.csv", "area_ha", "-1"),
           ("sources.csv", "area_ha", "-1")),
          ("sources-area-text", set_cell("topsoil/sources.csv", "area_ha", "big"),
           ("sources.csv", "area_ha", "big")),
          ("sources-missing-column", drop_column("topsoil/sources.csv", "area_ha"),
           ("sources.csv", "area_ha")),
          ("sources-duplicate", duplicate_row("topsoil/sources.csv"),
           ("sources.csv", "source_id")),
          ("sources-header-only", header_only("topsoil/sources.csv"), ("sources.csv",)),
          ("sources-year", set_cell("topsoil/sources.csv", "year", "20x5"),
           ("sources.csv", "year", "20x5")),
          ("sources-depth", set_cell("topsoil/sources.csv", "depth_m", "7"),
           ("sources.csv", "depth_m", "7")),
          ("destinations-required-inf",
           set_cell("topsoil/destinations.csv", "required_m3", "inf"),
           ("destinations.csv", "required_m3", "inf")),
          ("destinations-required-negative",
           set_cell("topsoil/destinations.csv", "required_m3", "-10"),
           ("destinations.csv", "required_m3", "-10")),
          ("destinations-kind", set_cell("topsoil/destinations.csv", "kind", "moon"),
           ("destinations.csv", "kind", "moon")),
          ("destinations-missing-column", drop_column("topsoil/destinations.csv", "kind"),
           ("destinations.csv", "kind")),
          ("stockpiles-capacity-inf",
           set_cell("topsoil/stockpiles.csv", "capacity_m3", "inf"),
           ("stockpiles.csv", "capacity_m3", "inf")),
          ("stockpiles-years", set_cell("topsoil/stockpiles.csv", "earliest_year", "2030"),
           ("stockpiles.csv",)),
      )],
    Case("topsoil-set-unknown", (*TOPSOIL, "--set", "colour=1", "--out", "{w}/out"), None,
         ("--set", "colour")),
    Case("topsoil-set-text", (*TOPSOIL, "--set", "depth_m=deep", "--out", "{w}/out"), None,
         ("--set", "deep")),
    Case("topsoil-set-inf", (*TOPSOIL, "--set", "truck_cost_yuan_per_m3_km=inf", "--out",
                             "{w}/out"), None, ("--set", "inf")),
    Case("topsoil-params-missing", (*TOPSOIL, "--params", "{w}/none.toml", "--out", "{w}/out"),
         None, ("none.toml",)),
    Case("topsoil-params-unknown-key", (*TOPSOIL, "--params", "{w}/topsoil_params.toml",
                                        "--out", "{w}/out"),
         append_text("topsoil_params.toml", "\nnot_a_key = { value = 1 }\n"),
         ("topsoil_params.toml", "not_a_key")),
    Case("topsoil-method-unknown", (*TOPSOIL, "--method", "magic", "--out", "{w}/out"), None,
         ("--method", "magic")),
    Case("topsoil-out-is-input-folder", (*TOPSOIL, "--out", "{w}/topsoil"), None,
         ("sources.csv",)),
    Case("topsoil-sources-missing", ("topsoil", "plan", "--sources", "{w}/no.csv",
                                     "--destinations", "{w}/topsoil/destinations.csv",
                                     "--out", "{w}/out"), None, ("no.csv",)),
    Case("topsoil-parcels-unknown-id", (*TOPSOIL, "--parcels", "{w}/county/parcels.csv",
                                        "--out", "{w}/out"),
         set_cell("topsoil/sources.csv", "parcel_id", "P99999"), ("sources.csv", "P99999")),
    # ---- siting compare
    Case("siting-footprint-line", (*SITING, "--out", "{w}/out"),
         geometry_edit("siting/footprints.gpkg", "footprints", _first_to_line),
         ("footprints.gpkg", "LineString")),
    Case("siting-footprint-point", (*SITING, "--out", "{w}/out"),
         geometry_edit("siting/footprints.gpkg", "footprints", _first_to_point),
         ("footprints.gpkg", "Point")),
    Case("siting-schemes-missing-column", (*SITING, "--out", "{w}/out"),
         drop_column("siting/schemes.csv", "scheme_id"), ("schemes.csv", "scheme_id")),
    Case("siting-schemes-cost-inf", (*SITING, "--out", "{w}/out"),
         set_cell("siting/schemes.csv", "cost_wan_yuan", "inf"),
         ("schemes.csv", "cost_wan_yuan", "inf")),
    Case("siting-schemes-cost-text", (*SITING, "--out", "{w}/out"),
         set_cell("siting/schemes.csv", "cost_wan_yuan", "cheap"),
         ("schemes.csv", "cost_wan_yuan", "cheap")),
    Case("siting-schemes-cost-negative", (*SITING, "--out", "{w}/out"),
         set_cell("siting/schemes.csv", "cost_wan_yuan", "-5"),
         ("schemes.csv", "cost_wan_yuan", "-5")),
    Case("siting-schemes-one", (*SITING, "--out", "{w}/out"),
         edit_csv("siting/schemes.csv", lambda f: f.iloc[:1]), ("schemes.csv", "2 site")),
    Case("siting-schemes-duplicate", (*SITING, "--out", "{w}/out"),
         duplicate_row("siting/schemes.csv"), ("schemes.csv", "scheme_id")),
    Case("siting-weights-text", (*SITING, "--weights", "pbf_ha=lots", "--out", "{w}/out"), None,
         ("--weights", "lots")),
    Case("siting-weights-unknown", (*SITING, "--weights", "beauty=1", "--out", "{w}/out"), None,
         ("--weights", "beauty")),
    Case("siting-weights-zero", (*SITING, "--weights", "pbf_ha=0,cultivated_ha=0", "--out",
                                 "{w}/out"), None, ("--weights", "not all 0")),
    Case("siting-weights-negative", (*SITING, "--weights", "pbf_ha=-1", "--out", "{w}/out"),
         None, ("--weights", "-1")),
    Case("siting-tie-5", (*SITING, "--tie-tolerance", "5", "--out", "{w}/out"), None,
         ("--tie-tolerance", "5")),
    Case("siting-tie-negative", (*SITING, "--tie-tolerance", "-0.1", "--out", "{w}/out"), None,
         ("--tie-tolerance", "-0.1")),
    Case("siting-method-unknown", (*SITING, "--method", "vote", "--out", "{w}/out"), None,
         ("--method", "vote")),
    Case("siting-footprints-missing", ("siting", "compare", "--footprints", "{w}/no.gpkg",
                                       "--schemes", "{w}/siting/schemes.csv", "--out",
                                       "{w}/out"), None, ("no.gpkg",)),
    Case("siting-out-is-file", (*SITING, "--out", "{w}/siting/schemes.csv"), None,
         ("--out", "schemes.csv")),
    # ---- report
    Case("report-year-text", (*REPORT, "--year", "last", "--out", "{w}/r.html"), None,
         ("--year", "last")),
    Case("report-year-1800", (*REPORT, "--year", "1800", "--out", "{w}/r.html"), None,
         ("1800",)),
    Case("report-out-is-folder", (*REPORT, "--year", "2022", "--out", "{w}/county"), None,
         ("--out", "county", "folder")),
    Case("report-out-over-input", (*REPORT, "--year", "2022", "--out",
                                   "{w}/county/planning_targets.csv"), None,
         ("planning_targets.csv",)),
    Case("report-out-folder-missing", (*REPORT, "--year", "2022", "--out", "{w}/no/r.html"),
         None, ("no",)),
    Case("report-thresholds-missing", (*REPORT, "--year", "2022", "--thresholds",
                                       "{w}/none.toml", "--out", "{w}/r.html"), None,
         ("none.toml",)),
    Case("report-thresholds-unknown", (*REPORT, "--year", "2022", "--thresholds",
                                       "{w}/thresholds.toml", "--out", "{w}/r.html"),
         append_text("thresholds.toml", "\n[colour]\nred = 1\n"), ("thresholds.toml", "colour")),
    Case("report-scenario-missing", (*REPORT, "--year", "2030", "--scenario",
                                     "{w}/none.toml", "--out", "{w}/r.html"), None,
         ("none.toml",)),
    Case("report-county-bad", (*REPORT, "--year", "2022", "--out", "{w}/r.html"),
         set_cell("county/population.csv", "urban_pop", "many"), ("population.csv", "many")),
    # ---- county import
    Case("import-dltb-missing", ("county", "import", "--dltb", "{w}/none.gpkg", "--out",
                                 "{w}/out"), None, ("none.gpkg",)),
    Case("import-dltb-csv", ("county", "import", "--dltb", "{w}/county/parcels.csv", "--out",
                             "{w}/out"), None, ("parcels.csv",)),
    Case("import-mapping-missing", ("county", "import", "--dltb", "{w}/county/parcels.gpkg",
                                    "--mapping", "{w}/none.toml", "--out", "{w}/out"), None,
         ("none.toml",)),
    Case("import-encoding-unknown", ("county", "import", "--dltb", "{w}/county/parcels.gpkg",
                                     "--encoding", "klingon", "--out", "{w}/out"), None,
         ("--encoding", "klingon")),
    # ---- quota allocate (issue 16)
    Case("allocate-run-missing", (*ALLOC, "--out", "{w}/out"), None,
         ("none/annual.csv", "quota run not found")),
    Case("allocate-run-county-level", (*ALLOC_RUN, "--out", "{w}/out"),
         _quota_run({"year": [2024], "new_construction_land_ha": [1.0]}),
         ("annual.csv", "no township column", "--by township")),
    Case("allocate-run-negative", (*ALLOC_RUN, "--out", "{w}/out"),
         _quota_run({"year": [2024], "township": ["新关镇"],
                     "new_construction_land_ha": [-1.0]}),
         ("annual.csv", "new_construction_land_ha")),
    Case("allocate-zone-code", (*ALLOC_RUN, "--out", "{w}/out"),
         _both(_quota_run(), set_cell("county/udb_zones.csv", "zone_code", "07")),
         ("udb_zones.csv", "zone_code", "07")),
    Case("allocate-zone-parcel", (*ALLOC_RUN, "--out", "{w}/out"),
         _both(_quota_run(), set_cell("county/udb_zones.csv", "parcel_id", "P99999")),
         ("udb_zones.csv", "parcel_id", "P99999")),
    Case("allocate-weights", (*ALLOC_RUN, "--weights", "slop=1", "--out", "{w}/out"),
         _quota_run(), ("--weights", "slop")),
    # ---- land register, checklist, land-saving chapter (issue 17)
    Case("register-code-length", ("register", "status", *REG, "--as-of", "2022-12-31",
                                  "--out", "{w}/out"),
         _register(set_cell("reg/units.csv", "unit_code", UNIT[:-1])),
         ("units.csv", "unit_code", "line 2", "27 characters")),
    Case("register-code-prefix", ("register", "status", *REG, "--as-of", "2022-12-31",
                                  "--out", "{w}/out"),
         _register(set_cell("reg/units.csv", "unit_code", "140931" + UNIT[6:])),
         ("units.csv", "line 2", "'140931'", "140932")),
    Case("register-code-characters", ("register", "status", *REG, "--as-of", "2022-12-31",
                                      "--out", "{w}/out"),
         _register(set_cell("reg/units.csv", "unit_code", UNIT[:12] + "gb" + UNIT[14:])),
         ("units.csv", "line 2", "characters 13-19", "'gb00001'")),
    Case("register-code-duplicate", ("register", "stuck", *REG, "--as-of", "2022-12-31",
                                     "--out", "{w}/out"),
         _register(edit_csv("reg/units.csv", lambda f: f.assign(
             unit_code=[f["unit_code"].iloc[0], *f["unit_code"].iloc[:-1]]))),
         ("units.csv", "line 3", "duplicate of line 2")),
    Case("register-event-stage", ("register", "status", *REG, "--as-of", "2022-12-31",
                                  "--out", "{w}/out"),
         _register(set_cell("reg/events.csv", "stage", "approve")),
         ("events.csv", "stage", "line 2", "'approve'")),
    Case("register-event-date", ("register", "status", *REG, "--as-of", "2022-12-31",
                                 "--out", "{w}/out"),
         _register(set_cell("reg/events.csv", "date", "2019/05/01")),
         ("events.csv", "date", "2019/05/01")),
    Case("register-history-unit-length", ("register", "history", "--unit", "1409320010"),
         None, ("--unit", "10 characters")),
    Case("register-history-unit-unknown", ("register", "history", *REG, "--unit",
                                           UNIT[:-1] + "9", "--out", "{w}/out"),
         _register(), ("not in the register",)),
    Case("register-as-of-bad", ("register", "status", "--county", "{w}/county", "--as-of",
                                "2022-13-01", "--out", "{w}/out"), None,
         ("--as-of", "2022-13-01")),
    Case("register-policy-range", ("register", "stuck", *REG, "--as-of", "2022-12-31",
                                   "--policy", "{w}/reg.toml", "--out", "{w}/out"),
         _register(write_text("reg.toml", "[stuck]\napproval_days = 0\n")),
         ("reg.toml", "approval_days")),
    Case("checklist-gate-without-reason", ("checklist", "supply", *REG, "--checklist",
                                           "{w}/cl/checklist.csv", "--unit", UNIT, "--date",
                                           "2023-03-01", "--contract", "CR1", "--out",
                                           "{w}/out"),
         _register(), ("checklist.csv", UNIT, "incomplete", "--override-reason")),
    Case("checklist-status-bad", ("checklist", "supply", *REG, "--checklist",
                                  "{w}/cl/checklist.csv", "--unit", UNIT, "--date",
                                  "2023-03-01", "--contract", "CR1", "--out", "{w}/out"),
         _register(set_cell("cl/checklist.csv", "status", "finished")),
         ("checklist.csv", "status", "line 2", "finished")),
    Case("checklist-done-without-conclusion", ("checklist", "document", *REG, "--checklist",
                                               "{w}/cl/checklist.csv", "--unit", UNIT,
                                               "--out", "{w}/c.docx"),
         _register(set_cell("cl/checklist.csv", "status", "done")),
         ("checklist.csv", "date", "line 2")),
    Case("checklist-code-prefix", ("checklist", "document", *REG, "--checklist",
                                   "{w}/cl/checklist.csv", "--unit", UNIT, "--out",
                                   "{w}/c.docx"),
         _register(set_cell("cl/checklist.csv", "unit_code", "110101" + UNIT[6:])),
         ("checklist.csv", "unit_code", "'110101'")),
    Case("chapter-out-not-docx", (*CHAPTER, "--out", "{w}/chapter.pdf"), None,
         ("--out", ".docx")),
    Case("chapter-standards-type", (*CHAPTER, "--standards", "{w}/standards.csv",
                                    "--project-type", "高速公路", "--out", "{w}/c.docx"),
         write_text("standards.csv", "project_type,basis,standard_ha\n二级公路,per_km,3.5\n"),
         ("standards.csv", "高速公路")),
    Case("chapter-standards-basis", (*CHAPTER, "--standards", "{w}/standards.csv",
                                     "--project-type", "二级公路", "--out", "{w}/c.docx"),
         write_text("standards.csv", "project_type,basis,standard_ha\n二级公路,per_mile,3.5\n"),
         ("standards.csv", "basis", "per_mile")),
    # ---- usage
    Case("usage-unknown-verb", ("plant", "--out", "{w}/out"), None, ("plant",)),
    Case("usage-missing-out", ("stock", "assess"), None, ("--out",)),
    Case("usage-unknown-option", (*STOCK, "--colour", "red", "--out", "{w}/out"), None,
         ("--colour",)),
]


def test_corpus_size():
    """At least 150 cases, every verb covered (the closing note quotes this table)."""
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    per_verb = Counter(c.verb for c in CASES)
    assert len(CASES) >= 150, per_verb
    for verb in ("info", "sample", "check", "quota simulate", "quota allocate",
                 "farmland optimize",
                 "farmland marxan", "stock assess", "topsoil plan", "siting compare", "report",
                 "county import", "register", "checklist"):
        assert per_verb[verb] >= 3, (verb, per_verb)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, template: Path, tmp_path: Path, capsys):
    w = tmp_path / "w"
    shutil.copytree(template, w)
    if case.mutate is not None:
        case.mutate(w)
    before = digest(w)
    argv = [a.replace("{w}", str(w)) for a in case.argv]
    out = next((Path(argv[i + 1]) for i, a in enumerate(argv[:-1]) if a == "--out"), None)
    out_before = out is not None and out.exists()
    capsys.readouterr()
    status = main(argv)
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert status == 2, (status, captured.out[-500:], captured.err[-2000:])
    assert len(lines) == 1, captured.err
    line = lines[0]
    assert line.startswith("landsim: error: "), line
    assert "Traceback" not in captured.err and "Traceback" not in captured.out
    for name in case.names:
        assert name in line, (name, line)
    assert digest(w) == before, "an input file changed"
    if out is not None and not out_before:
        assert not out.exists(), f"{out} left behind"
    leftovers = [p for p in w.rglob(".landsim_*")]
    assert not leftovers, leftovers


# ----------------------------------------------------------------------------- behaviours


def test_a_toml_file_with_a_byte_order_mark_is_read(template: Path, tmp_path: Path):
    """Notepad writes a UTF-8 BOM: it is skipped, not reported as a syntax error."""
    w = tmp_path / "w"
    shutil.copytree(template, w)
    (w / SCN).write_bytes(b"\xef\xbb\xbf" + (w / SCN).read_bytes())
    assert main(["quota", "simulate", "--scenario", str(w / SCN), "--county", str(w / "county"),
                 "--out", str(w / "out")]) == 0
    assert (w / "out" / "annual.csv").exists()


def test_out_may_share_an_input_folder_when_names_cannot_collide(template: Path,
                                                                tmp_path: Path):
    w = tmp_path / "w"
    shutil.copytree(template, w)
    before = digest(w / "county")
    assert main([*[a.replace("{w}", str(w)) for a in QUOTA], "--out", str(w / "county")]) == 0
    after = digest(w / "county")
    assert {k: v for k, v in after.items() if k in before} == before  # inputs untouched
    assert {"annual.csv", "ledger.csv", "indicators.csv"} <= set(after) - set(before)


def test_a_full_disk_is_one_line_and_leaves_nothing(template: Path, tmp_path: Path, capsys,
                                                   monkeypatch):
    w = tmp_path / "w"
    shutil.copytree(template, w)

    def no_space(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", no_space)
    status = main(["stock", "assess", "--county", str(w / "county"), "--out", str(w / "o")])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(err) == 1
    assert "No space left on device" in err[0] and "--out" in err[0]
    assert not (w / "o").exists()
    assert not list(w.glob(".landsim_*"))


def test_a_malformed_scheduler_address_is_refused_before_any_work(capsys, tmp_path: Path):
    assert main(["quota", "simulate", "--scenario", "baseline", "--draws", "10",
                 "--scheduler", "8786", "--out", str(tmp_path / "o")]) == 2
    assert "not a scheduler address" in capsys.readouterr().err
