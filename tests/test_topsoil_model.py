"""Topsoil transport LP: hand-solved cases, invariants, and agreement with network simplex."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from landsim import InfeasibleError, InputError, load_sample
from landsim.topsoil import TopsoilModel, TopsoilParams, plan_topsoil, solve_transport_emd
from landsim.topsoil.examples import example_topsoil_inputs

# unit haul cost, no stripping cost, so objectives are plain m3 x km sums
UNIT = TopsoilParams(strip_cost_yuan_per_m3=0.0, haul_cost_yuan_per_m3_km=1.0,
                     disposal_penalty_yuan_per_m3=100.0)


def two_by_two(**kw):
    return TopsoilModel.from_arrays([100, 50], [80, 100], [[1, 3], [2, 1]], params=UNIT, **kw)


@pytest.mark.parametrize("method", ["pulp", "highs", "emd"])
def test_hand_solved_two_by_two(method):
    # S1 fills D1 (80 x 1 km), sends 20 to D2 (x 3 km); S2 sends 50 to D2 (x 1 km):
    # 80 + 60 + 50 = 190. The alternative S2->D1 costs 50*2 + 100*... more.
    result = two_by_two().solve(method=method)
    assert result.objective_yuan == pytest.approx(190.0)
    flows = {(r.from_id, r.to_id): r.volume_m3 for r in result.flows.itertuples()}
    assert flows == pytest.approx({("S1", "D1"): 80.0, ("S1", "D2"): 20.0, ("S2", "D2"): 50.0})
    assert result.destinations["unused_m3"].tolist() == pytest.approx([0.0, 30.0])


def test_surplus_is_disposed_at_the_penalty():
    # 100 m3 stripped, one destination takes 30 at 2 km: 30*2 + 70*100 = 7060
    result = TopsoilModel.from_arrays([100], [30], [[2]], params=UNIT).solve(method="pulp")
    assert result.objective_yuan == pytest.approx(7060.0)
    assert result.sources["disposed_m3"].iloc[0] == pytest.approx(70.0)
    assert result.summary()["disposed_m3"] == pytest.approx(70.0)


def test_disposal_cheaper_than_a_long_haul():
    # 200 km haul costs 200 yuan/m3 > penalty 100: dispose instead
    result = TopsoilModel.from_arrays([10], [10], [[200]], params=UNIT).solve(method="pulp")
    assert result.objective_yuan == pytest.approx(1000.0)


def test_multi_period_stockpile_hand_solved():
    # 100 m3 in 2024; destination ready 2026 (10 km direct is not allowed: not ready);
    # stockpile 60 m3, 1 km each way, handling 2, keeping 1 per m3 per year end.
    # 60 stored: haul 60 + handling 120 + keeping 2 year ends x 60 = 120 + haul out 60;
    # 40 disposed: 4000. Total 4360.
    model = TopsoilModel.from_arrays(
        [100], [100], [[10]], source_year=[2024], ready_year=[2026],
        stockpile_capacity_m3=[60], source_stockpile_km=[[1]], stockpile_destination_km=[[1]],
        stockpile_years=[[2024, 2027]], handling_yuan_per_m3=[2],
        storage_yuan_per_m3_year=[1], params=UNIT)
    result = model.solve(method="pulp")
    assert result.objective_yuan == pytest.approx(4360.0)
    split = result.cost_split.set_index("component")["cost_yuan"]
    assert split.to_dict() == pytest.approx({"stripping": 0.0, "haul": 120.0,
                                             "stockpile_handling": 120.0,
                                             "stockpile_storage": 120.0,
                                             "disposal_penalty": 4000.0, "total": 4360.0})
    levels = result.stockpile_levels.set_index("year")["level_end_m3"]
    assert levels.to_dict() == pytest.approx({2024: 60.0, 2025: 60.0, 2026: 0.0, 2027: 0.0})


def test_stockpile_closing_year_forces_disposal():
    # the pile closes in 2025, the destination opens in 2026: nothing can reach it
    model = TopsoilModel.from_arrays(
        [50], [50], [[1]], source_year=[2024], ready_year=[2026],
        stockpile_capacity_m3=[100], source_stockpile_km=[[1]], stockpile_destination_km=[[1]],
        stockpile_years=[[2024, 2025]], params=UNIT)
    result = model.solve(method="highs")
    assert result.destinations["received_m3"].iloc[0] == pytest.approx(0.0)
    assert result.objective_yuan == pytest.approx(50 * 100.0)


def test_no_disposal_infeasible_names_the_shortfall():
    model = TopsoilModel.from_arrays([100], [30], [[2]], params=UNIT)
    with pytest.raises(InfeasibleError, match="exceeds the destinations' total 30 m3 by 70 m3"):
        model.solve(allow_disposal=False)


def test_negative_volume_is_an_input_error():
    with pytest.raises(InputError, match=r"negative or non-finite volume in supply_m3: S2=-5"):
        TopsoilModel.from_arrays([10, -5], [10], [[1], [1]])


def test_unknown_method():
    with pytest.raises(InputError, match="unknown method 'simplex'"):
        two_by_two().solve(method="simplex")


def test_emd_refuses_multi_period():
    model = TopsoilModel.from_arrays([1, 1], [2], [[1], [1]], source_year=[2024, 2025],
                                     ready_year=[2024])
    with pytest.raises(InputError, match="method 'emd' solves one period"):
        model.solve(method="emd")


def _networkx_cost(supply, demand, cost, penalty):
    """Min-cost flow with integer data: sources -> destinations or disposal -> sink."""
    g = nx.DiGraph()
    total = int(sum(supply))
    for i, s in enumerate(supply):
        g.add_node(f"s{i}", demand=-int(s))
        g.add_edge(f"s{i}", "dispose", weight=int(penalty))
        for j in range(len(demand)):
            g.add_edge(f"s{i}", f"d{j}", weight=int(cost[i][j]))
    for j, d in enumerate(demand):
        g.add_edge(f"d{j}", "sink", capacity=int(d), weight=0)
    g.add_edge("dispose", "sink", weight=0)
    g.add_node("sink", demand=total)
    return nx.cost_of_flow(g, nx.min_cost_flow(g))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_single_period_agrees_with_network_simplex(seed):
    rng = np.random.default_rng(seed)
    supply = rng.integers(0, 50, 7)
    demand = rng.integers(0, 40, 5)
    km = rng.integers(1, 30, (7, 5))
    expected = _networkx_cost(supply, demand, km, 25)
    params = UNIT.with_overrides(disposal_penalty_yuan_per_m3=25.0)
    objectives = {m: TopsoilModel.from_arrays(supply, demand, km, params=params)
                  .solve(method=m).objective_yuan for m in ("pulp", "highs", "emd")}
    assert objectives == pytest.approx(dict.fromkeys(objectives, float(expected)))


def test_emd_plan_respects_forbidden_pairs():
    plan = solve_transport_emd(np.array([10.0]), np.array([10.0, 10.0]),
                               np.array([[1.0, np.inf]]), penalty=5.0)
    assert plan[0, 1] == 0.0 and plan[0, 0] == pytest.approx(10.0)


@pytest.fixture(scope="module")
def example():
    return example_topsoil_inputs(load_sample().parcels)


def test_example_plan_invariants(example):
    result = plan_topsoil(example, method="pulp")
    src = result.sources
    # conservation: every stripped m3 goes direct, to a stockpile or to disposal
    assert (src["direct_m3"] + src["to_stockpile_m3"] + src["disposed_m3"]).to_numpy() == \
        pytest.approx(src["volume_m3"].to_numpy())
    lv = result.stockpile_levels
    assert (lv["level_end_m3"] <= lv["capacity_m3"] + 1e-6).all()
    opening = lv.groupby("stockpile_id")["level_end_m3"].shift(fill_value=0.0)
    assert (opening + lv["inflow_m3"] <= lv["capacity_m3"] + 1e-6).all()
    # stock balance year by year, and every pile empty after its last year
    assert (opening + lv["inflow_m3"] - lv["outflow_m3"] - lv["disposed_m3"]).to_numpy() == \
        pytest.approx(lv["level_end_m3"].to_numpy(), abs=1e-6)
    d = result.destinations
    assert (d["received_m3"] <= d["required_m3"] + 1e-6).all()
    assert result.cost_split.set_index("component").loc["total", "cost_yuan"] == \
        pytest.approx(result.objective_yuan)
    # flows only to destinations that are ready in the flow's year
    ready = d.set_index("destination_id")["year_ready"]
    to_dest = result.flows[result.flows["to_kind"] == "destination"]
    assert (to_dest["year"].to_numpy() >= ready.loc[to_dest["to_id"]].to_numpy()).all()


def test_pulp_and_highs_agree_on_the_example(example):
    a = plan_topsoil(example, method="pulp").objective_yuan
    b = plan_topsoil(example, method="highs").objective_yuan
    assert a == pytest.approx(b, rel=1e-7)


def test_more_capacity_never_costs_more(example):
    from landsim.topsoil.views import what_if

    base = what_if(example).objective_yuan
    assert what_if(example, capacity_factor=2.0).objective_yuan <= base + 1e-6
    assert what_if(example, capacity_factor=0.0).objective_yuan >= base - 1e-6


def test_costs_scale_linearly():
    a = two_by_two().solve(method="pulp").objective_yuan
    model = TopsoilModel.from_arrays([100, 50], [80, 100], [[1, 3], [2, 1]],
                                     params=UNIT.with_overrides(haul_cost_yuan_per_m3_km=3.0,
                                                                disposal_penalty_yuan_per_m3=300.0))
    assert model.solve(method="pulp").objective_yuan == pytest.approx(3 * a)


def test_lp_names_are_deterministic(tmp_path):
    model = two_by_two()
    path = tmp_path / "m.lp"
    model.write_lp(str(path))
    text = path.read_text()
    assert "x_S1_D2" in text and "supply_S1" in text and "demand_D2" in text
