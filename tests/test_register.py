"""The land register (一码管地), the land checklist (用地清单) and the land-saving chapter
(节约集约用地专章), issue 17."""

from __future__ import annotations

import tomllib

import docx
import pandas as pd
import pytest

from landsim.cli import main
from landsim.datasets import load_sample
from landsim.errors import InputError
from landsim.register import (
    Register,
    check_code,
    check_codes,
    import_county,
    load_register_policy,
    parse_code,
    register_inventory,
    stage_counts,
    status_at,
    stuck_units,
    unit_code,
    unit_history,
)
from landsim.register.checklist import (
    check_checklist,
    checklist_gaps,
    checklist_template,
    supply_unit,
)
from landsim.register.params import CodeRules, StuckRules
from landsim.resources import policy_file
from landsim.stockland.inventory import build_inventory

CODE = "140932001001GB00001W00000000"


@pytest.fixture(scope="module")
def sample():
    return load_sample()


@pytest.fixture(scope="module")
def reg(sample) -> Register:
    return import_county(sample)


# ----------------------------------------------------------------------------- codes


def test_code_parts_and_generation():
    assert unit_code("140932", 1, 1, 1) == CODE
    parts = parse_code(CODE)
    assert parts == {"county": "140932", "zone": "001001", "parcel": "GB00001",
                     "fixture": "W00000000"}
    assert check_code(CODE, "140932") == CODE


@pytest.mark.parametrize(("code", "match"), [
    (CODE[:-1], r"has 27 characters; .* has 28"),
    (CODE + "0", r"has 29 characters"),
    ("", r"empty"),
    ("140931" + CODE[6:], r"characters 1-6 '140931' are not this county's administrative "
                          r"code 140932"),
    ("14O932" + CODE[6:], r"characters 1-6 '14O932' must be the 6-digit"),
    (CODE[:6] + "00a001" + CODE[12:], r"characters 7-12 '00a001' are not a cadastral zone"),
    (CODE[:12] + "XB" + CODE[14:], r"characters 13-19 'XB00001' are not a parcel code"),
    (CODE[:12] + "gb" + CODE[14:], r"characters 13-19 'gb00001'"),
    (CODE[:19] + "A00000000", r"characters 20-28 'A00000000' are not a fixture code"),
    (CODE[:20] + "0000000x", r"characters 20-28"),
])
def test_bad_codes_name_the_part(code, match):
    with pytest.raises(InputError, match=match):
        check_code(code, "140932")


def test_duplicate_codes_name_both_rows():
    other = unit_code("140932", 1, 1, 2)
    check_codes([CODE, other], "140932", "units.csv: column 'unit_code'")
    with pytest.raises(InputError, match=r"units.csv: column 'unit_code', line 4: unit code "
                                         r"'140932001001GB00001W00000000' is a duplicate of "
                                         r"line 2"):
        check_codes([CODE, other, CODE], "140932", "units.csv: column 'unit_code'",
                    ["line 2", "line 3", "line 4"])


def test_any_prefix_when_no_county_is_given():
    check_code("110101" + CODE[6:])


# ----------------------------------------------------------------------------- policy


def test_register_toml_matches_the_code():
    with open(policy_file("register"), "rb") as fh:
        raw = tomllib.load(fh)
    for cls in (CodeRules, StuckRules):
        entries = raw[cls.section]
        assert set(entries) == set(cls.field_names())
        for name in cls.field_names():
            assert entries[name]["value"] == cls.default_of(name), name
            assert entries[name]["unit"] == cls.meta_of(name)["unit"], name
    pol = load_register_policy()
    assert len(pol.assessments) == 14
    assert {"environmental_impact", "archaeology", "underground_pipelines"} <= set(
        pol.assessment_keys)


def test_register_policy_errors(tmp_path):
    bad = tmp_path / "r.toml"
    bad.write_text("[stuk]\napproval_days = 3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"r.toml: unknown section \[stuk\]; did you mean "
                                         r"'stuck'"):
        load_register_policy(bad)
    bad.write_text("[codes]\ncounty_code = '1409'\n", encoding="utf-8")
    with pytest.raises(InputError, match="6 digits"):
        load_register_policy(bad)


# ----------------------------------------------------------------------------- import


def test_import_labels_generated_codes(reg, sample):
    assert reg.units["unit_code"].is_unique
    check_codes(reg.units["unit_code"], "140932", "units")
    assert reg.units["code_origin"].str.contains("synthetic").all()
    n_contracts = len(sample.industrial_contracts)
    assert reg.units["contract_id"].notna().sum() >= n_contracts
    # every batch's approved area is on its units
    approved = reg.units.groupby("batch_id")["area_ha"].sum().round(6)
    batches = sample.supply_batches.set_index("batch_id")["approved_ha"]
    pd.testing.assert_series_equal(approved.reindex(batches.index), batches,
                                   check_names=False)


@pytest.mark.parametrize("as_of", ["2017-12-31", "2019-06-30", "2021-12-31", "2022-12-31"])
def test_inventory_from_the_register_equals_the_tables(reg, sample, as_of):
    direct = build_inventory(sample.supply_batches, sample.stock_plots,
                             sample.industrial_contracts, as_of)
    via = register_inventory(reg, as_of, sample.industrial_contracts)
    assert via.totals() == direct.totals()
    pd.testing.assert_frame_equal(via.land, direct.land)
    status = status_at(reg, as_of, sample.industrial_contracts)
    by_cat = status.groupby("stock_category")["stock_ha"].sum()
    t = direct.totals()
    for cat in ("unsupplied", "idle", "inefficient"):
        assert by_cat.get(cat, 0.0) == pytest.approx(t[f"{cat}_ha"], abs=1e-9)


def test_sample_register_stages(reg, sample):
    """The figures the closing note quotes."""
    status = status_at(reg, "2022-12-31", sample.industrial_contracts)
    counts = stage_counts(status).set_index("stage")["units"].to_dict()
    assert len(reg.units) == 138 and len(reg.events) == 240
    assert counts == {"": 24, "approval": 39, "supply": 51, "use_start": 10,
                      "use_completion": 14, "registration": 0}
    stock = status.groupby("stock_category")["stock_ha"].sum().round(2).to_dict()
    assert stock == {"": 0.0, "idle": 32.49, "inefficient": 85.94, "unsupplied": 127.9}


def test_check_has_the_register_path():
    from landsim.consistency import consistency_check

    table, _ = consistency_check(load_sample())
    reg_rows = table[table["path_b"].str.startswith("register")]
    assert set(reg_rows["quantity"]) == {"idle_ha", "unsupplied_ha", "inefficient_ha",
                                         "supply_rate_5y"}
    assert reg_rows["agree"].all()


# ----------------------------------------------------------------------------- lifecycle


def _toy() -> Register:
    units = pd.DataFrame({"unit_code": [CODE], "township": ["X"], "area_ha": [2.0],
                          "land_use": ["industrial"], "batch_id": ["B1"],
                          "contract_id": ["C1"], "code_origin": ["given"], "note": [None]})
    ev = pd.DataFrame({
        "unit_code": [CODE] * 6,
        "stage": ["approval", "supply", "use_start", "use_completion", "inspection",
                  "registration"],
        "date": ["2019", "2020-03-01", "2020-09-15", "2022-05-10", "2021-07-01",
                 "2022-11-30"],
        "reference": ["B1", "C1", "C1", "C1", "I1", "R1"], "document": ["", "", "", "", "",
                                                                          "晋(2022)不动产权1号"],
        "area_ha": [None] * 6, "finding": ["", "", "", "", "no violation", ""],
        "source": ["t"] * 6})
    return Register(units, ev)


@pytest.mark.parametrize(("day", "stage", "since"), [
    ("2018-12-31", "", ""),
    ("2019-01-01", "approval", "2019-12-31"),  # a year-dated stage counts from 1 January
    ("2020-02-29", "approval", "2019-12-31"),
    ("2020-03-01", "supply", "2020-03-01"),
    ("2020-09-14", "supply", "2020-03-01"),
    ("2020-09-15", "use_start", "2020-09-15"),
    ("2022-05-09", "use_start", "2020-09-15"),
    ("2022-05-10", "use_completion", "2022-05-10"),
    ("2022-11-29", "use_completion", "2022-05-10"),
    ("2022-11-30", "registration", "2022-11-30"),
])
def test_state_around_each_event(day, stage, since):
    s = status_at(_toy(), day).iloc[0]
    assert s["stage"] == stage
    assert s["stage_since"] == since
    assert s["stock_category"] == ("unsupplied" if stage == "approval" else "")


def test_inspection_is_recorded_not_a_stage():
    s = status_at(_toy(), "2021-12-31").iloc[0]
    assert (s["stage"], s["last_inspection"], s["finding"]) == ("use_start", "2021-07-01",
                                                                 "no violation")
    assert status_at(_toy(), "2021-06-30").iloc[0]["last_inspection"] == ""


def test_stuck_and_history():
    reg = _toy()
    rules = StuckRules()
    # started 2020-09-15: stuck in use_start after 1095 days
    assert stuck_units(reg, "2023-09-15", rules, stages=["use_start"]).empty or \
        status_at(reg, "2023-09-15").iloc[0]["stage"] != "use_start"
    early = _toy()
    early = Register(early.units, early.events[early.events["stage"].isin(
        ["approval", "supply", "use_start"])])
    assert stuck_units(early, "2023-09-15", rules, stages=["use_start"]).empty
    late = stuck_units(early, "2023-09-16", rules, stages=["use_start"])
    assert late[["stuck_in", "limit_days", "over_days"]].iloc[0].tolist() == [
        "use_start", 1095, 1]
    with pytest.raises(InputError, match="unknown stage built"):
        stuck_units(early, "2023-01-01", rules, stages=["built"])
    hist = unit_history(reg, CODE)
    assert hist["stage"].tolist() == ["approval", "supply", "use_start", "inspection",
                                      "use_completion", "registration"]
    with pytest.raises(InputError, match="not in the register"):
        unit_history(reg, unit_code("140932", 1, 1, 2))


# ----------------------------------------------------------------------------- checklist


def test_checklist_gate(reg):
    table = checklist_template(reg, "2022-12-31")
    waiting = status_at(reg, "2022-12-31")
    assert set(table["unit_code"]) == set(waiting.loc[waiting["stage"] == "approval",
                                                      "unit_code"])
    code = table["unit_code"].iloc[0]
    with pytest.raises(InputError, match=r"incomplete, 14 of 14 assessments missing: "
                                         r"environmental_impact 环境影响评价"):
        supply_unit(reg, table, code, "2023-03-01", "CR1")
    with_reason = supply_unit(reg, table, code, "2023-03-01", "CR1",
                              override_reason="县政府专题会议纪要")
    last = with_reason.events.iloc[-1]
    assert last["stage"] == "supply" and "县政府专题会议纪要" in last["finding"]
    assert "override" in last["finding"]
    # complete the checklist (one item not applicable): no reason needed
    done = table.copy()
    mine = done["unit_code"] == code
    done.loc[mine, ["status", "date", "conclusion"]] = ["done", "2023-02-01", "无制约因素"]
    done.loc[mine & (done["assessment"] == "civil_air_defence"), "status"] = "not_applicable"
    done = check_checklist(done)
    assert checklist_gaps(done, code) == []
    supplied = supply_unit(reg, done, code, "2023-03-01", "CR1")
    assert status_at(supplied, "2023-02-28").set_index("unit_code").loc[code, "stage"] == \
        "approval"
    after = status_at(supplied, "2023-03-01").set_index("unit_code").loc[code]
    assert (after["stage"], after["stock_category"]) == ("supply", "")
    # the inventory sees the supply from its date on
    before_t = register_inventory(reg, "2023-12-31").totals()["unsupplied_ha"]
    after_t = register_inventory(supplied, "2023-12-31").totals()["unsupplied_ha"]
    area = float(reg.unit(code)["area_ha"])
    assert before_t - after_t == pytest.approx(area)
    with pytest.raises(InputError, match="not approved and awaiting supply"):
        supply_unit(supplied, done, code, "2023-04-01", "CR2")


def test_checklist_rows_are_checked(reg):
    table = checklist_template(reg, "2022-12-31")
    bad = table.copy()
    bad.loc[0, "assessment"] = "feng_shui"
    with pytest.raises(InputError, match=r"cl.csv: column 'assessment', line 2 .*'feng_shui'"):
        check_checklist(bad, "cl.csv")
    bad = table.copy()
    bad.loc[1, "status"] = "done"
    with pytest.raises(InputError, match=r"column 'date', line 3 .* needs its date"):
        check_checklist(bad, "cl.csv")
    bad = pd.concat([table.iloc[:2], table.iloc[:1]], ignore_index=True)
    with pytest.raises(InputError, match=r"line 4 repeats unit"):
        check_checklist(bad, "cl.csv")


def test_checklist_document(reg, tmp_path):
    table = checklist_template(reg, "2022-12-31")
    code = table["unit_code"].iloc[0]
    out = tmp_path / "cl" / "checklist.docx"
    cl = tmp_path / "checklist.csv"
    table.to_csv(cl, index=False)
    assert main(["checklist", "document", "--checklist", str(cl), "--unit", code,
                 "--out", str(out)]) == 0
    d = docx.Document(str(out))
    rows = [[c.text for c in r.cells] for r in d.tables[1].rows]
    assert rows[0][1] == "调查评估事项" and len(rows) == 15
    assert rows[1][1:5] == ["环境影响评价", "调查评估", "县生态环境局", "待完成"]
    assert (out.with_suffix(".html")).read_text(encoding="utf-8").count("<tr>") >= 15


# ----------------------------------------------------------------------------- chapter


def _cells(table) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in table.rows]


def test_chapter_tables_match_the_comparison(tmp_path):
    from landsim.siting import compare_schemes, read_footprints, read_schemes

    assert main(["siting", "example", "--out", str(tmp_path / "in")]) == 0
    std = tmp_path / "standards.csv"
    std.write_text("project_type,basis,standard_ha,source\n二级公路,per_km,3.5,ASSUMED\n",
                   encoding="utf-8")
    out = tmp_path / "out" / "chapter.docx"
    argv = ["siting", "chapter", "--footprints", str(tmp_path / "in" / "footprints.gpkg"),
            "--schemes", str(tmp_path / "in" / "schemes.csv"), "--project", "测试公路",
            "--project-type", "二级公路", "--standards", str(std), "--out", str(out)]
    assert main(argv) == 0
    assert out.with_suffix(".html").is_file()
    comp = compare_schemes(read_footprints(tmp_path / "in" / "footprints.gpkg"),
                           load_sample().parcels, read_schemes(tmp_path / "in" / "schemes.csv"))
    m = comp.measures.set_index("scheme_id")
    d = docx.Document(str(out))
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["一、项目概况", "二、占用耕地和永久基本农田的必要性",
                        "三、用地规模和功能分区的合理性", "四、不可避让生态保护红线的充分性",
                        "五、节地水平的先进性", "六、方案比选结论"]
    occ = _cells(d.tables[1])
    assert occ[0][4] == "占用耕地(公顷)" and occ[0][7] == "占用永久基本农田(公顷)"
    assert len(occ) - 1 == len(m) >= 2
    for row in occ[1:]:
        s = m.loc[row[0]]
        assert float(row[2]) == pytest.approx(s["footprint_ha"], abs=0.005)
        assert float(row[4]) == pytest.approx(s["cultivated_ha"], abs=0.005)
        assert float(row[5]) == pytest.approx(s["cultivated_ha"] * 15, abs=0.05)
        assert float(row[6]) == pytest.approx(100 * s["cultivated_share"], abs=0.05)
        assert float(row[7]) == pytest.approx(s["pbf_ha"], abs=0.005)
        assert float(row[9]) == pytest.approx(100 * s["pbf_share"], abs=0.05)
    scale = _cells(d.tables[2])
    for row in scale[1:]:
        s = m.loc[row[0]]
        assert float(row[2]) == pytest.approx(3.5 * s["length_km"], abs=0.005)
        assert float(row[3]) == pytest.approx(s["footprint_ha"] / (3.5 * s["length_km"]),
                                              abs=5e-4)
    red = _cells(d.tables[3])
    assert red[0][1:4] == ["占用生态保护红线(公顷)", "占用林地(公顷)", "城镇开发边界外(公顷)"]
    for row in red[1:]:
        assert float(row[1]) == pytest.approx(m.loc[row[0], "eco_redline_ha"], abs=0.005)
        assert float(row[3]) == pytest.approx(m.loc[row[0], "outside_udb_ha"], abs=0.005)
    ranking = _cells(d.tables[4])
    assert ranking[1][1] == comp.recommended  # rank 1 first
    assert ranking[1][0] == "1"
    text = "\n".join(p.text for p in d.paragraphs)
    assert f"推荐方案 {comp.recommended}" in text and "至少 2 个" in text
    # rows are in rank order
    order = comp.ranking[comp.ranking["method"] == comp.method].sort_values("rank")
    assert [r[0] for r in occ[1:]] == order["scheme_id"].tolist()


# ----------------------------------------------------------------------------- widget, plot


def test_unit_explorer_shows_the_pure_function(reg, sample):
    pytest.importorskip("ipywidgets")
    import inspect

    from landsim.register.views import unit_search
    from landsim.widgets import unit_explorer

    widget = unit_explorer(reg, sample.industrial_contracts, query="GY002")
    params = inspect.signature(unit_search).parameters
    assert {"query", "as_of"} <= set(params)
    first = widget.result
    assert len(first) == 1 and first["contract_id"].iloc[0] == "GY002"
    widget.children[0].value = "PC2022"
    expected = unit_search(reg, "PC2022", widget.children[1].value,
                           sample.industrial_contracts)
    pd.testing.assert_frame_equal(widget.result, expected)
    assert len(expected) > 1
    widget.children[1].value = "2021-12-31"  # batches of 2022 are not approved yet
    assert set(widget.result["stage_name"]) == {"无批供记录 no approval or supply on record"}


def test_stage_funnel_plot(reg):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from landsim.plots import plot_stage_funnel

    ax = plot_stage_funnel(stage_counts(status_at(reg, "2022-12-31")))
    widths = [p.get_width() for p in ax.patches]
    assert widths == [0, 14, 24, 75, 114]  # registration, completion, start, supply, approval
    plt.close("all")


def test_an_empty_register_and_a_county_without_stock_tables(tmp_path, capsys):
    import shutil

    from landsim.register.lifecycle import EVENT_COLUMNS, UNIT_COLUMNS
    from landsim.resources import sample_county_dir

    empty = Register(pd.DataFrame(columns=list(UNIT_COLUMNS)),
                     pd.DataFrame(columns=list(EVENT_COLUMNS)))
    assert status_at(empty, "2022-12-31").empty
    assert stage_counts(status_at(empty, "2022-12-31"))["units"].sum() == 0
    assert stuck_units(empty, "2022-12-31").empty
    county = tmp_path / "c"
    county.mkdir()
    for name in ("parcels.csv", "townships.csv"):
        shutil.copy(sample_county_dir() / name, county / name)
    assert main(["register", "status", "--county", str(county), "--as-of", "2022-12-31",
                 "--out", str(tmp_path / "o")]) == 2
    assert "no land to register" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
