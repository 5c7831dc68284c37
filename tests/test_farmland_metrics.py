"""Tests of layout metrics, the 数量/质量/生态 checks and adjacency from polygons."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from landsim.errors import InputError
from landsim.farmland import (
    FarmlandLayoutModel,
    compare_layouts,
    edges_from_geometry,
    patch_labels,
)
from landsim.farmland.metrics import CHECK_NAMES, TOTAL_ROW, patch_stats


# --------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------
def strip_parcels(areas, before, township=None, grades=None, redline=None) -> pd.DataFrame:
    """Parcels in a row: 0-1-2-...; edges between neighbours."""
    n = len(areas)
    return pd.DataFrame({
        "parcel_id": [f"p{k}" for k in range(n)],
        "township": township or ["t"] * n,
        "land_class": ["0101"] * n,
        "area_ha": list(map(float, areas)),
        "quality_grade": grades or [5] * n,
        "slope_deg": [1.0] * n,
        "in_eco_redline": redline or [False] * n,
        "in_udb": [False] * n,
        "stable": [True] * n,
        "is_pbf": list(before),
    })


def strip_edges(n: int, length: float = 10.0) -> pd.DataFrame:
    return pd.DataFrame({"parcel_a": [f"p{k}" for k in range(n - 1)],
                         "parcel_b": [f"p{k + 1}" for k in range(n - 1)],
                         "shared_length_m": [length] * (n - 1)})


@pytest.fixture
def square_grid():
    """Factory: ``square_grid(rows, cols, size_m, crs)`` of touching square parcels."""

    def make(rows: int = 3, cols: int = 3, size: float = 10.0,
             crs: str | None = "EPSG:4546") -> gpd.GeoDataFrame:
        boxes = [shapely.box(c * size, r * size, (c + 1) * size, (r + 1) * size)
                 for r in range(rows) for c in range(cols)]
        ids = [f"g{r}_{c}" for r in range(rows) for c in range(cols)]
        return gpd.GeoDataFrame({"parcel_id": ids}, geometry=boxes, crs=crs)

    return make


# --------------------------------------------------------------------------------------
# Patches
# --------------------------------------------------------------------------------------
def test_patch_labels_hand_graph():
    selected = np.array([True, True, False, True, True, True])
    i = np.array([0, 1, 2, 3, 4, 0])
    j = np.array([1, 2, 3, 4, 5, 5])
    # 0-1 and 0-5-4-3 are linked through selected parcels; 2 is not selected
    assert patch_labels(selected, i, j).tolist() == [0, 0, -1, 0, 0, 0]
    assert patch_labels(selected, i[:5], j[:5]).tolist() == [0, 0, -1, 1, 1, 1]
    assert patch_labels(np.zeros(3, bool), i[:0], j[:0]).tolist() == [-1, -1, -1]


def test_patch_stats_hundred_mu_share():
    # patches {0,1} = 4 + 3 = 7 ha = 105 mu (a 百亩方) and {3} = 2 ha = 30 mu
    area = np.array([4.0, 3.0, 5.0, 2.0])
    stats = patch_stats(np.array([True, True, False, True]), area,
                        np.array([0, 1, 2]), np.array([1, 2, 3]))
    assert stats["patches"] == 2
    assert stats["mean_patch_ha"] == pytest.approx(4.5)
    assert stats["share_in_large_patches"] == pytest.approx(7 / 9)
    empty = patch_stats(np.zeros(4, bool), area, np.array([0]), np.array([1]))
    assert empty["patches"] == 0 and np.isnan(empty["mean_patch_ha"])


# --------------------------------------------------------------------------------------
# compare_layouts
# --------------------------------------------------------------------------------------
def test_compare_layouts_hand_numbers():
    parcels = strip_parcels([1, 2, 3, 4], before=[True, False, True, False],
                            township=["A", "A", "B", "B"], grades=[4, 2, 6, 2])
    edges = strip_edges(4)
    after = np.array([True, True, False, True])
    metrics = compare_layouts(parcels, after, edges)
    total = metrics.by_township.loc[TOTAL_ROW]
    assert total["area_before_ha"] == 4.0 and total["area_after_ha"] == 7.0
    assert total["area_after_mu"] == 105.0
    assert (total["added_ha"], total["removed_ha"]) == (6.0, 3.0)
    assert total["mean_grade_before"] == pytest.approx((4 + 18) / 4)
    assert total["mean_grade_after"] == pytest.approx((4 + 4 + 8) / 7)
    assert (total["patches_before"], total["patches_after"]) == (2, 2)
    assert total["mean_patch_after_ha"] == pytest.approx(3.5)
    township_a = metrics.by_township.loc["A"]
    assert township_a["patches_after"] == 1 and township_a["area_after_ha"] == 3.0
    # the edge p1-p2 crosses townships, so B's patch is p3 alone
    assert metrics.by_township.loc["B", "patches_after"] == 1
    assert metrics.by_grade.loc[2].tolist() == [0.0, 6.0, 6.0]
    assert metrics.by_grade.loc[6].tolist() == [3.0, 0.0, -3.0]
    assert metrics.by_grade.index.tolist() == list(range(1, 11))
    assert metrics.checks.index.tolist() == list(CHECK_NAMES)
    assert metrics.checks["passed"].tolist() == [True, True, True]
    assert metrics.all_passed
    assert (metrics.patches_before, metrics.patches_after) == (2, 2)


@pytest.mark.parametrize(("after", "passed"), [
    ([True, False, False, False], [False, True, True]),   # area falls
    ([False, True, True, False], [True, False, True]),    # grade gets worse (p2 is 9)
    ([True, True, False, True], [True, True, False]),     # red-line parcel p3 selected
])
def test_each_check_can_fail(after, passed):
    parcels = strip_parcels([1, 1, 1, 1], before=[True, True, False, False],
                            grades=[2, 2, 9, 2], redline=[False, False, False, True])
    metrics = compare_layouts(parcels, np.array(after), strip_edges(4))
    assert metrics.checks["passed"].tolist() == passed


def test_ecology_fails_when_more_fragmented():
    parcels = strip_parcels([1, 1, 1, 1], before=[True, True, False, False])
    metrics = compare_layouts(parcels, np.array([True, False, True, False]), strip_edges(4))
    row = metrics.checks.loc["生态/ecology"]
    assert not row["passed"]
    assert "patches 1 -> 2" in row["detail"]


def test_compare_layouts_accepts_result_and_table():
    parcels = strip_parcels([1, 2, 3, 4], before=[True, False, True, False],
                            grades=[4, 2, 6, 2])
    result = FarmlandLayoutModel.from_parcels(parcels).solve()
    from_result = compare_layouts(parcels, result, strip_edges(4))
    from_table = compare_layouts(parcels, result.layout.iloc[::-1], strip_edges(4))
    pd.testing.assert_frame_equal(from_result.by_township, from_table.by_township)
    assert from_result.by_township.loc[TOTAL_ROW, "area_after_ha"] == result.area_after_ha


def test_compare_layouts_input_errors():
    parcels = strip_parcels([1, 1], before=[True, False])
    with pytest.raises(InputError, match=r"expected one bool per parcel \(2,\)"):
        compare_layouts(parcels, np.array([True]))
    layout = pd.DataFrame({"parcel_id": ["p0"], "is_pbf_after": [True]})
    with pytest.raises(InputError, match=r"1 parcel\(s\) of the parcels table are not in"):
        compare_layouts(parcels, layout)
    with pytest.raises(InputError, match=r"missing column\(s\) in_eco_redline"):
        compare_layouts(parcels.drop(columns="in_eco_redline"), np.array([True, True]))


# --------------------------------------------------------------------------------------
# Adjacency from geometry
# --------------------------------------------------------------------------------------
def test_edges_from_grid(square_grid):
    edges = edges_from_geometry(square_grid(3, 4, size=10.0))
    # rook neighbours only (corner contacts have zero length): 3*3 + 2*4 = 17
    assert len(edges) == 17
    assert np.allclose(edges["shared_length_m"], 10.0)
    pairs = set(zip(edges["parcel_a"], edges["parcel_b"], strict=True))
    assert ("g0_0", "g0_1") in pairs and ("g0_0", "g1_0") in pairs
    assert ("g0_0", "g1_1") not in pairs


def test_edges_partial_shared_boundary():
    polys = [shapely.box(0, 0, 10, 10), shapely.box(10, 4, 20, 30), shapely.box(30, 0, 40, 5)]
    gdf = gpd.GeoDataFrame({"id": ["a", "b", "c"]}, geometry=polys, crs="EPSG:4546")
    edges = edges_from_geometry(gdf, id_col="id")
    assert edges.to_dict("list") == {"parcel_a": ["a"], "parcel_b": ["b"],
                                     "shared_length_m": [6.0]}
    assert edges_from_geometry(gdf, id_col="id", min_length_m=6.0).empty


def _unordered_pairs(edges: pd.DataFrame) -> list[tuple[str, str]]:
    pairs = np.sort(edges[["parcel_a", "parcel_b"]].to_numpy(dtype=str), axis=1)
    return sorted((a, b) for a, b in pairs)


def test_edges_are_deterministic_and_model_ready(square_grid):
    gdf = square_grid(4, 4)
    first, second = edges_from_geometry(gdf), edges_from_geometry(gdf.iloc[::-1])
    assert _unordered_pairs(first) == _unordered_pairs(second)
    parcels = strip_parcels([1.0] * 16, before=[True] * 8 + [False] * 8)
    parcels["parcel_id"] = gdf["parcel_id"]
    model = FarmlandLayoutModel.from_parcels(parcels, first, boundary_weight=0.1)
    assert model.solve().status == "optimal"


@pytest.mark.parametrize(("crs", "match"), [
    (None, r"no CRS.*EPSG:4546"),
    ("EPSG:4326", r"geographic CRS.*reproject to a projected CRS such as EPSG:4546"),
])
def test_edges_need_projected_crs(square_grid, crs, match):
    with pytest.raises(InputError, match=match):
        edges_from_geometry(square_grid(2, 2, crs=crs))


def test_edges_input_errors(square_grid):
    gdf = square_grid(2, 2)
    with pytest.raises(InputError, match=r"no column 'fid'"):
        edges_from_geometry(gdf, id_col="fid")
    gdf.loc[1, "parcel_id"] = gdf.loc[0, "parcel_id"]
    with pytest.raises(InputError, match=r"duplicate ids"):
        edges_from_geometry(gdf)
