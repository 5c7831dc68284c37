"""The seeded county generator: determinism, real anchors, geometry and adjacency."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import SAMPLE_DIR, file_digest

from landsim.datasets import SAMPLE_PARCELS, SAMPLE_SEED, read_county
from landsim.parcels import is_cultivated
from landsim.synthetic import PIANGUAN, TOWNSHIPS, synthesize, write_county


def test_same_seed_same_bytes(small_county, tmp_path: Path):
    write_county(small_county, tmp_path / "a")
    write_county(synthesize(300, seed=11), tmp_path / "b")
    assert file_digest(tmp_path / "a") == file_digest(tmp_path / "b")


def test_different_seed_differs(small_county):
    other = synthesize(300, seed=12)
    assert not small_county.parcels["land_class"].equals(other.parcels["land_class"])


def test_bundled_sample_is_the_generator_output(tmp_path: Path):
    """data/sample_county is exactly `landsim sample` with the default size and seed."""
    write_county(synthesize(SAMPLE_PARCELS, SAMPLE_SEED), tmp_path)
    from landsim.synthetic import STATIC_FILES

    assert file_digest(tmp_path) == {k: v for k, v in file_digest(SAMPLE_DIR).items()
                                     if k not in STATIC_FILES}


@pytest.mark.parametrize("n", [100, 999, 5000])
def test_exact_count_and_real_total_area(n):
    county = synthesize(n, seed=3)
    assert len(county.parcels) == n
    assert county.parcels["parcel_id"].is_unique
    total_km2 = county.parcels["area_ha"].sum() / 100
    assert total_km2 == pytest.approx(PIANGUAN["area_km2"], abs=0.01)
    geom_km2 = county.parcels.geometry.area.sum() / 1e6
    assert geom_km2 == pytest.approx(PIANGUAN["area_km2"], rel=1e-9)


def test_rejects_tiny_or_fractional_counts():
    with pytest.raises(ValueError, match="n_parcels must be a whole number >= 100"):
        synthesize(50)
    with pytest.raises(ValueError, match="n_parcels must be a whole number >= 100"):
        synthesize(150.5)  # type: ignore[arg-type]


def test_geometry_is_a_valid_projected_coverage(small_county):
    parcels = small_county.parcels
    assert parcels.crs.to_epsg() == 4546 and parcels.crs.is_projected
    assert shapely.is_valid(parcels.geometry.values).all()
    # a coverage: no two parcels overlap, so the union's area is the sum of the areas
    union = shapely.union_all(parcels.geometry.values)
    assert union.area == pytest.approx(parcels.geometry.area.sum(), rel=1e-9)
    np.testing.assert_allclose(parcels["area_ha"], parcels.geometry.area / 1e4, atol=1e-4)


def test_edges_are_the_shared_boundaries(small_county):
    parcels = small_county.parcels.set_index("parcel_id")
    edges = small_county.edges
    a = parcels.geometry.loc[edges["parcel_a"]].values
    b = parcels.geometry.loc[edges["parcel_b"]].values
    shared = shapely.length(shapely.intersection(shapely.boundary(a), shapely.boundary(b)))
    np.testing.assert_allclose(shared, edges["shared_length_m"], atol=0.01)
    # and no pair of touching parcels is missing (corner-only contacts have length 0)
    tree = shapely.STRtree(parcels.geometry.values)
    left, right = tree.query(parcels.geometry.values, predicate="touches")
    keep = left < right
    lengths = shapely.length(shapely.intersection(
        shapely.boundary(parcels.geometry.values[left[keep]]),
        shapely.boundary(parcels.geometry.values[right[keep]])))
    assert int((lengths > 0.01).sum()) == len(edges)


def test_townships_are_the_real_eight(small_county):
    names = {t[0] for t in TOWNSHIPS}
    assert set(small_county.townships["township"]) == names
    assert set(small_county.parcels["township"]) == names
    assert small_county.townships["kind"].value_counts().to_dict() == {"town": 6, "township": 2}
    seat = small_county.townships.loc[small_county.townships["is_county_seat"], "township"]
    assert seat.tolist() == ["新关镇"]


def test_landscape_rules(small_county):
    p = small_county.parcels
    cult = is_cultivated(p)
    assert not (p["is_pbf"] & ~cult).any(), "PBF only on cultivated land"
    assert p["quality_grade"].notna().eq(cult).all()
    assert p["quality_grade"].dropna().between(1, 10).all()
    assert not (p["in_eco_redline"] & p["in_udb"]).any(), "red line and UDB must not overlap"
    seat = p[p["township"] == "新关镇"]
    assert p.loc[p["in_udb"], "township"].eq("新关镇").all()
    assert p.loc[p["land_class"] == "0701", "in_udb"].all() and len(seat) > 0
    irrigated_slope = p.loc[p["land_class"] == "0102", "slope_deg"].mean()
    dry_slope = p.loc[p["land_class"] == "0103", "slope_deg"].mean()
    assert irrigated_slope < dry_slope, "valleys irrigated, slopes dry"


def test_real_population_and_gdp_anchors():
    county = synthesize(400, seed=5)
    totals = county.population.groupby("year")[["resident_pop", "urban_pop"]].sum()
    assert totals.loc[2010, "resident_pop"] == PIANGUAN["census_2010_resident_pop"]
    assert totals.loc[2020, "resident_pop"] == PIANGUAN["census_2020_resident_pop"]
    urbanisation_2019 = totals.loc[2019, "urban_pop"] / totals.loc[2019, "resident_pop"]
    assert urbanisation_2019 == pytest.approx(PIANGUAN["urbanisation_2019"], abs=0.001)
    gdp = county.indicators.set_index("year")["gdp_yi_yuan"]
    assert gdp.loc[2021] == PIANGUAN["gdp_2021_yi_yuan"]
    assert totals["resident_pop"].is_monotonic_decreasing  # Pianguan has been shrinking


def test_idle_land_edge_cases_are_exact(small_county):
    c = small_county.industrial_contracts.set_index("contract_id")
    assert c.loc["GY001", "agreed_start_date"] == "2021-12-31"  # AS_OF is 2022-12-31
    assert c.loc["GY001", "actual_start_date"] == ""
    assert c.loc["GY002", "developed_area_ha"] * 3 == c.loc["GY002", "area_ha"]
    assert c.loc["GY003", "invested_wan_yuan"] * 4 == c.loc["GY003", "agreed_investment_wan_yuan"]


def test_written_county_reads_back_valid(county_dir: Path):
    county = read_county(county_dir)
    assert len(county.parcels) == 300
    assert county.stock_plots["contract_id"].dropna().isin(
        county.industrial_contracts["contract_id"]).all()
    batches = county.supply_batches
    assert (batches["supplied_ha"] <= batches["approved_ha"]).all()
    assert pd.api.types.is_datetime64_any_dtype(county.industrial_contracts["signed_date"])


def test_data_readme_documents_every_column():
    """data/sample_county/README.md lists every file and every column of every schema."""
    from landsim.schema import SCHEMAS

    readme = (SAMPLE_DIR / "README.md").read_text(encoding="utf-8")
    for schema in SCHEMAS.values():
        assert f"`{schema.filename}`" in readme or schema.name == "parcels"
        for column in schema.columns:
            assert f"| {column.name} |" in readme, f"{schema.filename}: {column.name}"
    for path in (p for p in SAMPLE_DIR.iterdir() if p.name != "README.md"):
        assert f"`{path.name}`" in readme, f"{path.name} not described"


@pytest.mark.parametrize("n_parcels", [500, pytest.param(5000, marks=pytest.mark.slow)])
def test_every_seed_passes_stock_assess(n_parcels):
    """Issue 10 item 3: seeds 20..39 gave contracts that started before they were signed."""
    from landsim.datasets import county_from_synthetic
    from landsim.stockland import assess_stock
    from landsim.synthetic import AS_OF

    for seed in range(20, 40):
        county = synthesize(n_parcels, seed=seed)
        c = county.industrial_contracts
        started = c["actual_start_date"] != ""
        assert (c.loc[started, "actual_start_date"] >= c.loc[started, "signed_date"]).all(), seed
        assess_stock(county_from_synthetic(county), AS_OF)  # raises on any rejected record


def test_contract_dates_are_in_order_for_many_seeds():
    for seed in range(60):
        c = synthesize(100, seed=seed).industrial_contracts
        started = c["actual_start_date"] != ""
        assert (c.loc[started, "actual_start_date"] >= c.loc[started, "signed_date"]).all(), seed
        assert (c["agreed_start_date"] > c["signed_date"]).all(), seed


def test_the_sample_lies_in_pianguans_real_outline():
    """Issue 12 item 5: the parcels fill the real outline (adcode 140932), scaled from its
    computed 1,669.9 km2 to the official 1,685.4 km2."""
    import geopandas as gpd
    import shapely

    from landsim.synthetic import OUTLINE_FILE, county_outline

    raw = gpd.read_file(SAMPLE_DIR / OUTLINE_FILE).to_crs(4546).geometry.iloc[0]
    assert raw.area / 1e6 == pytest.approx(1669.9, abs=0.1)
    outline = county_outline()
    assert outline.area / 1e6 == pytest.approx(PIANGUAN["area_km2"], rel=1e-9)
    county = synthesize(2000, seed=5)
    union = shapely.union_all(county.parcels.geometry.values)
    # the parcels are the outline rounded to whole cells: they overlap it almost entirely
    assert union.intersection(outline).area / outline.area > 0.97
    with pytest.raises(ValueError, match="empty or without area"):
        synthesize(200, outline=shapely.Polygon())
    square = shapely.box(0, 0, 40_000, 40_000)
    other = synthesize(400, seed=1, outline=square)  # any outline
    assert other.parcels.total_bounds[0] > -5_000 and other.parcels.total_bounds[2] < 45_000


def _ineligible_shares(parcels: pd.DataFrame) -> pd.DataFrame:
    from landsim.farmland import eligibility

    pbf = parcels["is_pbf"].astype(bool)
    wrong = pbf & ~eligibility(parcels)["eligible"]
    table = pd.DataFrame({"pbf_ha": parcels["area_ha"].where(pbf, 0.0),
                          "ineligible_ha": parcels["area_ha"].where(wrong, 0.0),
                          "reserve_ha": parcels["area_ha"].where(parcels["in_pbf_reserve"],
                                                                 0.0)})
    by_town = table.groupby(parcels["township"]).sum()
    by_town.loc["county"] = by_town.sum()
    by_town["share"] = by_town["ineligible_ha"] / by_town["pbf_ha"]
    return by_town


def test_sample_pbf_is_delineated_after_three_lines_as_the_readme_states():
    """Issue 19: a small stated share of ineligible PBF per township, and the reserve."""
    from landsim.datasets import load_sample
    from landsim.synthetic import PBF_INELIGIBLE_SHARE

    parcels = load_sample().parcels
    shares = _ineligible_shares(parcels)
    assert (shares["share"] <= PBF_INELIGIBLE_SHARE + 1e-12).all()
    assert (shares["ineligible_ha"] > 0).all()  # the correction has work everywhere
    eligible_reserve = parcels["in_pbf_reserve"] & ~parcels["is_pbf"]
    assert eligible_reserve.sum() == parcels["in_pbf_reserve"].sum() > 0
    readme = (SAMPLE_DIR / "README.md").read_text(encoding="utf-8")
    for name, row in shares.iterrows():
        assert (f"| {name} | {row.pbf_ha:,.1f} | {row.ineligible_ha:,.1f} | "
                f"{100 * row.share:.1f} % |") in readme, name
        assert f"| {row.reserve_ha:,.1f} |\n" in readme, name


def test_the_pbf_share_moves_no_other_table(small_county):
    raw = synthesize(300, seed=11, pbf_ineligible_share=None)
    for name in ("townships", "edges", "population", "supply_batches", "stock_plots",
                 "industrial_contracts"):
        pd.testing.assert_frame_equal(getattr(raw, name), getattr(small_county, name))
    same = ["parcel_id", "township", "land_class", "area_ha", "quality_grade", "slope_deg",
            "in_eco_redline", "in_udb", "stable"]
    pd.testing.assert_frame_equal(raw.parcels[same], small_county.parcels[same])


def test_the_raw_draw_breaks_the_cap_and_a_large_share_the_correction():
    """The generator's infeasible cases on request (issue 19)."""
    from landsim.errors import InfeasibleError
    from landsim.farmland import FarmlandLayoutModel, correct_layout

    raw = synthesize(300, seed=11, pbf_ineligible_share=None).parcels
    worst = _ineligible_shares(raw).drop(index="county")["share"].max()
    assert worst > FarmlandLayoutModel.from_parcels(raw).options.rules.township_adjust_share
    with pytest.raises(InfeasibleError, match=r"township cap \S+: .* must be removed .*over by"):
        FarmlandLayoutModel.from_parcels(raw, township_share_rule=True).diagnose()
    heavy = synthesize(300, seed=11, pbf_ineligible_share=0.9).parcels
    with pytest.raises(InfeasibleError, match=r"correction \S+: .*short by"):
        correct_layout(heavy)


@pytest.mark.parametrize("share", [-0.1, 1.0])
def test_pbf_share_out_of_range(share):
    with pytest.raises(ValueError, match=r"pbf_ineligible_share must be in \[0, 1\) or None"):
        synthesize(100, seed=1, pbf_ineligible_share=share)
