"""Site selection: measures on a hand-made grid, TOPSIS and weighted sum by hand, the tie
rule, sensitivity, dominance, conformance and every bad-input message."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from landsim import InputError
from landsim.siting import (
    compare_schemes,
    conformance,
    dominance,
    pre_exam_table,
    rank_schemes,
    topsis_scores,
    weight_sensitivity,
    weighted_sum_scores,
)

CRS = "EPSG:4546"


def grid_parcels() -> gpd.GeoDataFrame:
    """Four 1-ha squares (100 m): P1 PBF dry land, P2 irrigated, P3 forest in the red
    line, P4 urban land in the UDB."""
    boxes = [shapely.box(500_000, 4_000_000, 500_100, 4_000_100),
             shapely.box(500_100, 4_000_000, 500_200, 4_000_100),
             shapely.box(500_000, 4_000_100, 500_100, 4_000_200),
             shapely.box(500_100, 4_000_100, 500_200, 4_000_200)]
    return gpd.GeoDataFrame({
        "parcel_id": ["P1", "P2", "P3", "P4"], "township": ["t"] * 4,
        "land_class": ["0103", "0102", "0301", "0701"], "area_ha": [1.0] * 4,
        "quality_grade": [5, 6, None, None], "slope_deg": [2.0] * 4,
        "in_eco_redline": [False, False, True, False], "in_udb": [False, False, False, True],
        "stable": [True] * 4, "is_pbf": [True, False, False, False]}, geometry=boxes, crs=CRS)


def by_ids(rows):
    return pd.DataFrame(rows, columns=["scheme_id", "parcel_id", "area_ha"])


@pytest.fixture
def parcels():
    return grid_parcels()


def test_measures_from_parcel_ids(parcels):
    fp = by_ids([("A", "P1", ""), ("A", "P2", ""), ("B", "P2", ""), ("B", "P4", ""),
                 ("C", "P3", "0.5")])
    schemes = pd.DataFrame({"scheme_id": ["A", "B", "C"], "standard_ha": ["1.6", "2", "1"]})
    m = compare_schemes(fp, parcels, schemes).measures.set_index("scheme_id")
    assert m.loc["A", ["footprint_ha", "cultivated_ha", "pbf_ha"]].tolist() == [2.0, 2.0, 1.0]
    assert m.loc["A", ["cultivated_share", "pbf_share"]].tolist() == [1.0, 0.5]
    assert m.loc["B", ["in_udb_ha", "outside_udb_ha", "pbf_ha"]].tolist() == [1.0, 1.0, 0.0]
    assert m.loc["C", ["eco_redline_ha", "forest_ha"]].tolist() == [0.5, 0.5]
    assert m["eco_redline_flag"].tolist() == [False, False, True]
    assert m["forestry_consultation"].tolist() == [False, False, True]
    assert m["land_use_ratio"].tolist() == pytest.approx([1.25, 1.0, 0.5])
    assert m["over_standard_ha"].tolist() == pytest.approx([0.4, 0.0, 0.0])


def test_polygons_and_parcel_ids_agree(parcels):
    # a box over the right half of P1 and the left half of P2
    poly = gpd.GeoDataFrame({"scheme_id": ["A", "B"]},
                            geometry=[shapely.box(500_050, 4_000_000, 500_150, 4_000_100),
                                      shapely.box(500_100, 4_000_100, 500_200, 4_000_200)],
                            crs=CRS)
    ids = by_ids([("A", "P1", "0.5"), ("A", "P2", "0.5"), ("B", "P4", "")])
    cols = ["footprint_ha", "cultivated_ha", "pbf_ha", "in_udb_ha"]
    a = compare_schemes(poly, parcels).measures[cols]
    b = compare_schemes(ids, parcels).measures[cols]
    pd.testing.assert_frame_equal(a, b, atol=1e-9)


def test_polygons_in_another_crs_are_reprojected(parcels):
    poly = gpd.GeoDataFrame({"scheme_id": ["A", "B"]},
                            geometry=[shapely.box(500_000, 4_000_000, 500_100, 4_000_100),
                                      shapely.box(500_100, 4_000_000, 500_200, 4_000_100)],
                            crs=CRS).to_crs("EPSG:4490")
    m = compare_schemes(poly, parcels).measures
    assert m["footprint_ha"].tolist() == pytest.approx([1.0, 1.0], rel=1e-6)


# --------------------------------------------------------------------------- ranking by hand

def matrix(pbf_share=(0.3, 0.1, 0.0), cult_share=(0.5, 0.5, 0.5)):
    return pd.DataFrame({"scheme_id": ["A", "B", "C"], "c1": [1.0, 2.0, 3.0],
                         "c2": [2.0, 1.0, 3.0], "pbf_share": pbf_share,
                         "cultivated_share": cult_share})


DIRS = {"c1": "min", "c2": "min"}


def test_topsis_against_hand_computation():
    # v = x / sqrt(14) / 2 = a * x with a = 1/(2 sqrt 14); ideal (a, a), anti-ideal (3a, 3a).
    # A = (a, 2a): d+ = a, d- = sqrt(4 + 1) a  ->  C = sqrt5 / (1 + sqrt5)
    x = matrix()[["c1", "c2"]].to_numpy()
    c = topsis_scores(x, np.array([1.0, 1.0]), np.array([False, False]))
    expected = math.sqrt(5) / (1 + math.sqrt(5))
    assert c == pytest.approx([expected, expected, 0.0])


def test_topsis_benefit_criterion_and_identical_schemes():
    x = np.array([[1.0], [3.0]])
    assert topsis_scores(x, np.array([1.0]), np.array([True])) == pytest.approx([0.0, 1.0])
    same = np.array([[2.0, 1.0], [2.0, 1.0]])
    assert topsis_scores(same, np.array([1.0, 1.0]), np.array([False, False])) == \
        pytest.approx([0.5, 0.5])


def test_weighted_sum_against_hand_computation():
    # min-max, less is better: c1 -> (1, .5, 0), c2 -> (.5, 1, 0); weights 2:1
    x = matrix()[["c1", "c2"]].to_numpy()
    s = weighted_sum_scores(x, np.array([2.0, 1.0]), np.array([False, False]))
    assert s == pytest.approx([2.5 / 3, 2.0 / 3, 0.0])


def test_tie_rule_prefers_lower_pbf_share():
    # A and B tie exactly (TOPSIS above); B occupies the smaller PBF share
    r = rank_schemes(matrix(), {"c1": 1, "c2": 1}, "topsis", directions=DIRS)
    assert r["scheme_id"].tolist() == ["B", "A", "C"]
    assert r["tie_rule"].iloc[0].startswith("tie broken by lower PBF")
    assert r["tie_rule"].iloc[2] == ""


def test_tie_rule_then_cultivated_share():
    m = matrix(pbf_share=(0.1, 0.1, 0.0), cult_share=(0.2, 0.6, 0.5))
    r = rank_schemes(m, {"c1": 1, "c2": 1}, "weighted_sum", directions=DIRS)
    assert r["scheme_id"].tolist() == ["A", "B", "C"]


def test_tie_tolerance_widens_equal_conditions():
    # weights 2:1 give A 0.833 vs B 0.667: not a tie unless the tolerance covers 0.17
    m = matrix()
    strict = rank_schemes(m, {"c1": 2, "c2": 1}, "weighted_sum", directions=DIRS)
    loose = rank_schemes(m, {"c1": 2, "c2": 1}, "weighted_sum", tie_tolerance=0.2,
                         directions=DIRS)
    assert strict["scheme_id"].tolist()[:2] == ["A", "B"]
    assert loose["scheme_id"].tolist()[:2] == ["B", "A"]


def test_weight_sensitivity_matches_closed_form():
    # S_A(w1) = (w1 + .5)/(w1 + 1), S_B = (.5 w1 + 1)/(w1 + 1): equal at w1 = 1, where the
    # tie rule puts B first. For c2: (2 + .5 w2) = (1 + w2) at w2 = 2.
    s = weight_sensitivity(matrix(), {"c1": 2, "c2": 1}, "weighted_sum",
                           directions=DIRS).set_index("criterion")
    assert s.loc["c1", "lower_weight"] == pytest.approx(1.0, abs=1e-6)
    assert s.loc["c1", "ranking_below"] == "B > A > C"
    assert bool(s.loc["c1", "top_changes_below"])
    assert math.isnan(s.loc["c1", "upper_weight"])
    assert s.loc["c2", "upper_weight"] == pytest.approx(2.0, abs=1e-6)
    assert math.isnan(s.loc["c2", "lower_weight"])


def test_dominance():
    d = dominance(matrix(), ["c1", "c2"], DIRS)
    assert d.loc["A", "C"] and d.loc["B", "C"]
    assert not d.loc["A", "B"] and not d.loc["B", "A"] and not d.loc["C", "A"]
    assert not np.diag(d.to_numpy()).any()


def test_real_measures_rank_and_pre_exam(parcels):
    # A takes PBF, B takes none: any sensible weighting prefers B
    fp = by_ids([("A", "P1", ""), ("B", "P4", "")])
    comp = compare_schemes(fp, parcels, weights={"pbf_ha": 1.0, "cultivated_ha": 1.0})
    assert comp.recommended == "B"
    assert comp.dominated_by().to_dict() == {"A": "B", "B": ""}
    table = pre_exam_table(comp)
    assert table["scheme_id"].tolist() == ["B", "A"]
    assert table["永久基本农田 PBF 亩 mu"].tolist() == [0.0, 15.0]


# --------------------------------------------------------------------------- bad input

def test_one_scheme_is_an_error_citing_the_rule(parcels):
    with pytest.raises(InputError, match=r"only 1 scheme \(A\) given: .*偏政办发〔2023〕53号.*"
                                         r"至少 2 个.*Fix: add at least one"):
        compare_schemes(by_ids([("A", "P1", "")]), parcels)


def test_one_row_schemes_table_is_an_error(parcels):
    fp = by_ids([("A", "P1", ""), ("B", "P2", "")])
    with pytest.raises(InputError, match=r"only 1 scheme \(A\) given"):
        compare_schemes(fp, parcels, pd.DataFrame({"scheme_id": ["A"]}))


def test_rank_needs_two_schemes():
    with pytest.raises(InputError, match="at least 2"):
        rank_schemes(matrix().head(1), {"c1": 1}, directions=DIRS)


def test_unknown_parcel_ids(parcels):
    fp = by_ids([("A", "P1", ""), ("B", "P9", ""), ("B", "PX", "")])
    with pytest.raises(InputError, match=r"column 'parcel_id', line\(s\) 3, 4: unknown parcel "
                                         r"id\(s\) P9, PX"):
        compare_schemes(fp, parcels)


def test_footprint_outside_the_county(parcels):
    poly = gpd.GeoDataFrame({"scheme_id": ["A", "B"]},
                            geometry=[shapely.box(500_000, 4_000_000, 500_100, 4_000_100),
                                      shapely.box(500_150, 4_000_000, 500_250, 4_000_100)],
                            crs=CRS)
    with pytest.raises(InputError, match=r"outside the county: B 0.50 ha of 1.00 ha.*Fix: clip"):
        compare_schemes(poly, parcels)


def test_footprints_without_crs(parcels):
    poly = gpd.GeoDataFrame({"scheme_id": ["A", "B"]},
                            geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 1, 2, 2)])
    with pytest.raises(InputError, match=r"no coordinate reference system \(CRS\).*EPSG:4546"):
        compare_schemes(poly, parcels)


def test_unknown_criterion_and_bad_weights(parcels):
    fp = by_ids([("A", "P1", ""), ("B", "P4", "")])
    with pytest.raises(InputError, match="unknown criterion beauty"):
        compare_schemes(fp, parcels, weights={"beauty": 1.0})
    with pytest.raises(InputError, match="weights must be finite, >= 0"):
        compare_schemes(fp, parcels, weights={"pbf_ha": -1.0})
    with pytest.raises(InputError, match="land_use_ratio is missing.*standard_ha"):
        compare_schemes(fp, parcels, weights={"land_use_ratio": 1.0})


def test_scheme_without_footprint(parcels):
    fp = by_ids([("A", "P1", ""), ("B", "P4", "")])
    with pytest.raises(InputError, match=r"scheme\(s\) C have no footprint"):
        compare_schemes(fp, parcels, pd.DataFrame({"scheme_id": ["A", "B", "C"]}))


# --------------------------------------------------------------------------- conformance

def test_conformance_lists_conflicts_with_area_and_ids(parcels):
    projects = gpd.GeoDataFrame(
        {"project_id": ["R1", "R2"], "plan": ["transport", "water"]},
        geometry=[shapely.box(500_000, 4_000_000, 500_100, 4_000_200),  # P1 + P3
                  shapely.box(500_150, 4_000_100, 500_200, 4_000_200)],  # half of P4
        crs=CRS)
    c = conformance(projects, parcels)
    rows = {(r.project_id, r.line): (r.severity, r.area_ha, r.parcel_ids)
            for r in c.itertuples()}
    assert rows == {("R1", "pbf"): ("conflict", pytest.approx(1.0), "P1"),
                    ("R1", "eco_redline"): ("conflict", pytest.approx(1.0), "P3"),
                    ("R2", "udb"): ("check", pytest.approx(0.5), "P4")}
    assert c.loc[c["line"] == "udb", "area_mu"].iloc[0] == pytest.approx(7.5)
    assert set(c["plan"]) == {"transport", "water"}


def test_conformance_by_parcel_ids(parcels):
    table = pd.DataFrame({"project_id": ["X", "X"], "parcel_id": ["P1", "P2"]})
    c = conformance(table, parcels)
    assert c[["project_id", "line", "area_ha", "n_parcels", "parcel_ids"]].values.tolist() == \
        [["X", "pbf", 1.0, 1, "P1"]]
