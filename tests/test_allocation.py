"""UDB zones and year-by-year allocation (issue 16): invariants, hand-checked cases, CLI."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from landsim.allocation import (
    ALLOCATION_COLUMNS,
    SHORTFALL_COLUMNS,
    AllocationParams,
    allocate,
    check_zones,
    solve_year,
    zone_areas,
    zones_from_layer,
    zones_from_table,
)
from landsim.allocation.model import land_use_kind
from landsim.cli import main
from landsim.datasets import county_from_synthetic
from landsim.errors import InputError
from landsim.policy import COMMON

TOL = 1e-6


def grid(classes: list[str], zones: list[str | None], *, pbf=(), redline=(), slope=None,
         side_m: float = 100.0, ncol: int | None = None) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Square parcels of ``side_m`` in a row-major grid; zone None = outside the UDB."""
    n = len(classes)
    ncol = ncol or n
    boxes = [shapely.box((i % ncol) * side_m, (i // ncol) * side_m,
                         (i % ncol + 1) * side_m, (i // ncol + 1) * side_m) for i in range(n)]
    ids = [f"Q{i}" for i in range(n)]
    parcels = gpd.GeoDataFrame({
        "parcel_id": ids, "township": "T", "land_class": classes,
        "area_ha": side_m * side_m / 1e4,
        "slope_deg": np.zeros(n) if slope is None else np.asarray(slope, float),
        "in_eco_redline": [i in redline for i in range(n)],
        "in_udb": [z is not None for z in zones],
        "is_pbf": [i in pbf for i in range(n)],
    }, geometry=boxes, crs="EPSG:4546")
    table = pd.DataFrame({"parcel_id": [ids[i] for i, z in enumerate(zones) if z],
                          "zone_code": [z for z in zones if z]})
    return parcels, zones_from_table(table, parcels)


def granted(rows: list[tuple[int, float]], township: str = "T") -> pd.DataFrame:
    return pd.DataFrame({"year": [y for y, _ in rows], "township": township,
                         "granted_ha": [g for _, g in rows], "stock_disposed_ha": 0.0})


# ----------------------------------------------------------------------------- the year LP


def test_solve_year_hand_checked():
    # best score first: piece 1 (0.9) full, then piece 2 (0.5) for the rest
    assert solve_year(np.array([0.2, 0.9, 0.5]), np.array([3.0, 1.0, 2.0]), 2.5).tolist() == [
        0.0, 1.0, 1.5]
    # more demand than room: everything, no more
    assert solve_year(np.array([0.1, 0.2]), np.array([1.0, 2.0]), 9.0).tolist() == [1.0, 2.0]
    # ties go to the first piece (parcel order)
    assert solve_year(np.array([0.5, 0.5]), np.array([1.0, 1.0]), 1.0).tolist() == [1.0, 0.0]
    assert solve_year(np.array([0.5]), np.array([1.0]), 0.0).tolist() == [0.0]


@pytest.mark.parametrize("seed", range(6))
def test_greedy_equals_the_lp_on_small_cases(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 12))
    score, room = rng.uniform(0, 1, n), rng.uniform(0, 3, n)
    demand = float(rng.uniform(0, room.sum() * 1.2))
    g = solve_year(score, room, demand)
    lp = solve_year(score, room, demand, method="lp")
    assert g.sum() == pytest.approx(min(demand, room.sum()), abs=1e-6)
    assert lp.sum() == pytest.approx(g.sum(), abs=1e-6)
    assert (lp <= room + 1e-7).all() and (g <= room + 1e-9).all()
    assert float(score @ lp) == pytest.approx(float(score @ g), abs=1e-6)


def test_whole_run_greedy_equals_lp():
    parcels, pieces = grid(["0701", "0103", "0103", "0404", "0103"],
                           ["01", "01", "01", "01", "02"], slope=[0, 3, 9, 1, 0])
    g = granted([(2025, 0.7), (2026, 1.2), (2027, 1.0)])
    a = allocate(parcels, pieces, g)
    b = allocate(parcels, pieces, g, AllocationParams(method="lp"))
    ta = a.allocation.groupby("year")["area_ha"].sum()
    tb = b.allocation.groupby("year")["area_ha"].sum()
    pd.testing.assert_series_equal(ta, tb, atol=1e-6)
    va = (a.allocation["area_ha"] * a.allocation["suitability"]).sum()
    vb = (b.allocation["area_ha"] * b.allocation["suitability"]).sum()
    assert va == pytest.approx(vb, abs=1e-6)


# ----------------------------------------------------------------------------- hand cases


def test_hand_checked_row_fills_next_to_town_first():
    # built 0701 | open | open | open, flat: nearness and adjacency favour Q1, then Q2
    parcels, pieces = grid(["0701", "0103", "0103", "0103"], ["01", "01", "01", "01"])
    res = allocate(parcels, pieces, granted([(2030, 1.5), (2031, 1.0)]),
                   AllocationParams(road_distance_weight=0.0))
    got = res.allocation[["parcel_id", "year", "area_ha"]].values.tolist()
    assert got == [["Q1", 2030, 1.0], ["Q2", 2030, 0.5], ["Q2", 2031, 0.5], ["Q3", 2031, 0.5]]
    assert res.shortfall["shortfall_ha"].sum() == 0
    # Q1's score: slope 1, urban distance 100 m of 3000 m, road 0 (weight 0), adjacency
    # 100 m of its 200 m boundary shared with built land: (1 + (1 - 1/30) + 0 + 0.5) / 3
    q1 = res.allocation.iloc[0]["suitability"]
    assert q1 == pytest.approx((1 + (1 - 100 / 3000) + 0.5) / 3.0)
    conc = res.consumption[(res.consumption["zone"] == "01") & (res.consumption["township"] == "ALL")]
    assert conc["remaining_ha"].tolist() == pytest.approx([1.5, 0.5])
    assert res.full_year() is None
    # not full within the run: remaining / mean use so far (1.5 / 1.5, then 0.5 / 1.25)
    assert conc["years_until_full"].tolist() == pytest.approx([1.0, 0.4])


def test_zone_fills_and_shortfall_is_reported_per_year():
    parcels, pieces = grid(["0701", "0103", "0103"], ["01", "01", "02"])
    res = allocate(parcels, pieces, granted([(2024, 0.6), (2025, 0.6), (2026, 0.3)]))
    s = res.shortfall.set_index("year")
    assert s["allocated_ha"].tolist() == pytest.approx([0.6, 0.4, 0.0])
    assert s["shortfall_ha"].tolist() == pytest.approx([0.0, 0.2, 0.3])
    assert s.loc[2025, "reason"] == "concentrated zone full"
    assert res.full_year() == 2025
    assert set(res.allocation["zone"]) == {"01"}  # the flexible zone is not used


def test_townships_without_a_zone_get_their_whole_quota_as_shortfall():
    parcels, pieces = grid(["0103", "0103"], ["01", "01"])
    g = pd.concat([granted([(2024, 0.5)]), granted([(2024, 0.8)], township="U")])
    res = allocate(parcels, pieces, g)
    row = res.shortfall.set_index("township").loc["U"]
    assert row["shortfall_ha"] == pytest.approx(0.8)
    assert row["reason"] == "no concentrated zone"


# ----------------------------------------------------------------------------- invariants


@pytest.fixture(scope="module")
def random_case():
    """A 3 x 6 grid with PBF, red line and special-use parcels inside the zones."""
    rng = np.random.default_rng(5)
    classes = ["0701", "0103", "0103", "0102", "0404", "0103"] * 3
    zones = ["01"] * 12 + ["02"] * 3 + ["03"] * 3
    parcels, pieces = grid(classes, zones, pbf={2, 8, 16}, redline={5, 13},
                           slope=rng.uniform(0, 20, 18), ncol=6)
    g = granted([(y, float(rng.uniform(0.5, 2.5))) for y in range(2023, 2031)])
    return parcels, pieces, g


@pytest.mark.parametrize("swap", [False, True])
def test_never_on_pbf_red_line_or_special_use(random_case, swap):
    parcels, pieces, g = random_case
    res = allocate(parcels, pieces, g, AllocationParams(flexible_swap=swap))
    new = res.allocation[~res.allocation["in_place_stock"]]
    flags = parcels.set_index("parcel_id").loc[new["parcel_id"]]
    assert not flags["is_pbf"].any() and not flags["in_eco_redline"].any()
    assert not (new["zone"] == "03").any()
    assert (land_use_kind(flags["land_class"]) == "open").all()
    assert list(res.allocation.columns) == list(ALLOCATION_COLUMNS)
    assert list(res.shortfall.columns) == list(SHORTFALL_COLUMNS)
    # totals per year equal the granted quota or a reported shortfall
    per = new.groupby("year")["area_ha"].sum().reindex(g["year"]).fillna(0.0)
    s = res.shortfall.set_index("year")
    np.testing.assert_allclose(per.to_numpy() + s["shortfall_ha"].to_numpy(),
                               g["granted_ha"].to_numpy(), atol=1e-6)
    np.testing.assert_allclose(s["allocated_ha"].to_numpy(), per.to_numpy(), atol=1e-6)
    # no piece takes more than its area
    used = new.groupby("parcel_id")["area_ha"].sum()
    assert (used <= parcels.set_index("parcel_id")["area_ha"].reindex(used.index) + TOL).all()


def test_flexible_swap_keeps_the_concentrated_total(random_case):
    parcels, pieces, g = random_case
    off = allocate(parcels, pieces, g)
    on = allocate(parcels, pieces, g, AllocationParams(flexible_swap=True))
    assert off.shortfall["shortfall_ha"].sum() > 0  # the case needs the swap
    assert on.shortfall["via_swap_ha"].sum() > 0
    assert on.shortfall["shortfall_ha"].sum() < off.shortfall["shortfall_ha"].sum()
    conc = on.consumption[(on.consumption["zone"] == "01") & (on.consumption["township"] == "T")]
    assert conc["zone_ha"].to_numpy() == pytest.approx(zone_areas(pieces)["01"])
    flows = on.swaps.groupby(["year", "from_zone"])["area_ha"].sum().unstack()
    np.testing.assert_allclose(flows["02"], flows["01"], atol=1e-9)
    # swapped out: only concentrated land that cannot be built (PBF or red line)
    out = parcels.set_index("parcel_id").loc[on.swaps.loc[on.swaps["from_zone"] == "01",
                                                          "parcel_id"]]
    assert (out["is_pbf"] | out["in_eco_redline"]).all()
    assert on.allocation["via_swap"].any()
    swapped = on.allocation[on.allocation["via_swap"]]
    assert (swapped["zone"] == "02").all()


def test_in_place_stock_is_marked_on_built_concentrated_land():
    parcels, pieces = grid(["0701", "0103", "0601"], ["01", "01", "03"])
    g = granted([(2024, 0.2)]).assign(stock_disposed_ha=0.7)
    res = allocate(parcels, pieces, g)
    stock = res.allocation[res.allocation["in_place_stock"]]
    assert stock["parcel_id"].tolist() == ["Q0"] and stock["area_ha"].sum() == pytest.approx(0.7)
    assert res.shortfall["in_place_stock_ha"].sum() == pytest.approx(0.7)
    assert res.shortfall["allocated_ha"].sum() == pytest.approx(0.2)  # stock uses no quota


def test_synthetic_county_allocation_invariants(small_county):
    from landsim.allocation import allocate_county
    from landsim.quota.scenario import Scenario, ScenarioInputs, run_scenario

    county = county_from_synthetic(small_county)
    run = run_scenario(Scenario.packaged("baseline"), ScenarioInputs.from_county(county),
                       by="township")
    res = allocate_county(county, run.annual)
    p = county.parcels.set_index("parcel_id")
    zoned = set(county.udb_zones["parcel_id"])
    assert set(res.allocation["parcel_id"]) <= zoned
    new = res.allocation[~res.allocation["in_place_stock"]]
    assert not p.loc[new["parcel_id"], "is_pbf"].any()
    tot = res.totals()
    np.testing.assert_allclose(tot["allocated_ha"] + tot["shortfall_ha"], tot["granted_ha"],
                               atol=1e-6)


# ----------------------------------------------------------------------------- zones


def test_zones_from_layer_splits_parcels_by_area():
    parcels, _ = grid(["0103", "0103"], ["01", "01"])
    layer = gpd.GeoDataFrame({"GHFQDM": ["01", "02"]},
                             geometry=[shapely.box(0, 0, 150, 100), shapely.box(150, 0, 200, 100)],
                             crs="EPSG:4546")
    pieces = zones_from_layer(layer, parcels)
    assert pieces.values.tolist() == [["Q0", "01", 1.0], ["Q1", "01", 0.5], ["Q1", "02", 0.5]]


def test_check_zones_reports_overlaps_share_and_multiple():
    parcels, pieces = grid(["0103", "0103", "0103", "0103"], ["01", "01", "02", None],
                           pbf={1, 3}, redline={3})
    checks = check_zones(pieces, parcels, base_urban_land_ha=2.0).set_index("item")
    assert checks.loc["UDB x PBF 永久基本农田", "value"] == 1.0
    assert checks.loc["UDB x PBF 永久基本农田", "parcels"] == "Q1"
    assert checks.loc["PBF x red line", "parcels"] == "Q3"
    assert checks.loc["flexible / concentrated", "value"] == 0.5
    assert checks.loc["flexible / concentrated", "limit"] == COMMON.flexible_zone_share_max
    assert not checks.loc["flexible / concentrated", "ok"]
    assert checks.loc["UDB / base urban land", "value"] == 1.5
    assert not checks.loc["UDB / base urban land", "ok"]


@pytest.mark.parametrize("table, match", [
    (pd.DataFrame({"parcel_id": ["Q0"], "zone_code": ["04"]}), "unknown codes"),
    (pd.DataFrame({"parcel_id": ["Z9"], "zone_code": ["01"]}), "not in the parcels: Z9"),
    (pd.DataFrame({"parcel_id": ["Q0"], "zone_code": ["01"], "area_ha": [5.0]}),
     "larger than the parcel"),
    (pd.DataFrame({"parcel_id": ["Q0"]}), "'zone_code' is missing"),
])
def test_bad_zone_tables(table, match):
    parcels, _ = grid(["0103"], ["01"])
    with pytest.raises(InputError, match=match):
        zones_from_table(table, parcels)


def test_sample_zones_are_inside_the_udb_and_under_the_cap(small_county):
    z = small_county.udb_zones
    p = small_county.parcels.set_index("parcel_id")
    assert p.loc[z["parcel_id"], "in_udb"].all()
    assert set(z["parcel_id"]) == set(p.index[p["in_udb"]])
    areas = zone_areas(zones_from_table(z, small_county.parcels))
    assert areas["02"] <= COMMON.flexible_zone_share_max * areas["01"]


# ----------------------------------------------------------------------------- CLI


@pytest.fixture(scope="module")
def quota_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "q"
    assert main(["quota", "simulate", "--scenario", "baseline", "--by", "township",
                 "--out", str(out)]) == 0
    return out


def test_cli_allocate_writes_every_output(quota_run: Path, tmp_path: Path, capsys):
    out = tmp_path / "a"
    assert main(["quota", "allocate", "--quota-run", str(quota_run), "--out", str(out),
                 "--weights", "slope=2,adjacency=0.5", "--flexible-swap"]) == 0
    alloc = pd.read_csv(out / "allocation.csv", dtype={"zone": str})
    assert list(alloc.columns[:7]) == ["parcel_id", "year", "township", "zone", "area_ha",
                                       "suitability", "in_place_stock"]
    short = pd.read_csv(out / "shortfall.csv")
    assert list(short.columns[:5]) == ["year", "township", "granted_ha", "allocated_ha",
                                       "shortfall_ha"]
    annual = pd.read_csv(quota_run / "annual.csv")
    assert short["granted_ha"].sum() == pytest.approx(annual["new_construction_land_ha"].sum(),
                                                      abs=1e-3)
    assert (out / "zone_consumption.csv").exists() and (out / "zone_checks.csv").exists()
    layers = gpd.list_layers(out / "allocation.gpkg")["name"].tolist()
    assert layers == ["allocation", "udb_zones"]
    printed = capsys.readouterr().out
    assert "concentrated zone full 集中建设区用完: " in printed


def test_cli_allocate_with_a_zone_layer(quota_run: Path, tmp_path: Path, capsys):
    from landsim.datasets import load_sample

    parcels = load_sample().parcels
    seat = parcels[parcels["in_udb"]]
    layer = gpd.GeoDataFrame({"zone_code": ["01"]}, geometry=[seat.union_all()], crs=parcels.crs)
    path = tmp_path / "zones.gpkg"
    layer.to_file(path, layer="zones")
    out = tmp_path / "a"
    assert main(["quota", "allocate", "--quota-run", str(quota_run), "--zones", str(path),
                 "--out", str(out)]) == 0
    alloc = pd.read_csv(out / "allocation.csv", dtype={"zone": str})
    assert set(alloc["zone"]) == {"01"}


@pytest.mark.parametrize("case, message", [
    ("missing", "quota run not found"),
    ("county_level", "has no township column"),
    ("weights", "unknown weight(s) slop"),
    ("negative", "out of range"),
])
def test_cli_allocate_one_line_errors(quota_run: Path, tmp_path: Path, capsys, case, message):
    run = quota_run
    extra: list[str] = []
    if case == "missing":
        run = tmp_path / "none"
    elif case == "county_level":
        run = tmp_path / "county"
        run.mkdir()
        annual = pd.read_csv(quota_run / "annual.csv").drop(columns="township")
        annual.to_csv(run / "annual.csv", index=False)
    elif case == "weights":
        extra = ["--weights", "slop=1"]
    else:
        extra = ["--weights", "road=-1"]
    code = main(["quota", "allocate", "--quota-run", str(run), "--out",
                 str(tmp_path / "o"), *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and message in err
    assert not (tmp_path / "o").exists()


# ----------------------------------------------------------------------------- views, plots, widgets


@pytest.fixture(scope="module")
def sample_run():
    from landsim.datasets import load_sample
    from landsim.quota.scenario import Scenario, ScenarioInputs, run_scenario

    county = load_sample()
    run = run_scenario(Scenario.packaged("baseline"), ScenarioInputs.from_county(county),
                       by="township")
    return county, run.annual


def test_weight_sliders_are_arguments_of_allocation_view():
    import inspect

    from landsim.allocation.views import allocation_view
    from landsim.widgets import ALLOCATION_WEIGHTS

    params = inspect.signature(allocation_view).parameters
    assert set(ALLOCATION_WEIGHTS) <= set(params) - {"county", "annual"}
    for name in ALLOCATION_WEIGHTS:
        assert params[name].default == AllocationParams.default_of(name)


def test_weights_widget_result_is_the_pure_function(sample_run):
    pytest.importorskip("ipywidgets")
    from landsim.allocation.views import allocation_view
    from landsim.widgets import allocation_weights_explorer

    county, annual = sample_run
    widget = allocation_weights_explorer(county, annual)
    widget.children[0].value = 3.0  # slope weight
    expected = allocation_view(county, annual, slope_weight=3.0)
    pd.testing.assert_frame_equal(widget.result, expected)


def test_year_slider_map_and_consumption_chart(sample_run):
    pytest.importorskip("ipywidgets")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from landsim.allocation import allocate_county
    from landsim.plots import plot_allocation_map, plot_zone_consumption
    from landsim.widgets import allocation_year_explorer

    county, annual = sample_run
    res = allocate_county(county, annual)
    fig = plot_allocation_map(county.parcels, res, 2026)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("allocated to 2026" in t for t in labels)
    assert any("集中建设区 01" in t for t in labels)
    plot_zone_consumption(res)
    widget = allocation_year_explorer(county.parcels, res)
    widget.children[0].value = 2024
    assert widget.result["area_ha"].sum() == pytest.approx(
        res.allocation.query("year <= 2024 and not in_place_stock")["area_ha"].sum())
    plt.close("all")


def test_cli_allocate_needs_a_zoning(quota_run: Path, county_dir: Path, tmp_path: Path, capsys):
    (county_dir / "udb_zones.csv").unlink()
    code = main(["quota", "allocate", "--quota-run", str(quota_run), "--county",
                 str(county_dir), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "no udb_zones.csv" in err and "--zones" in err
