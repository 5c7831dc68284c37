"""Column schemas of every input table, and the one function that validates them.

Each table of a county folder (``data/sample_county`` is one) is described by a
:class:`TableSchema`: its default file name, its key and its columns with type, unit and
allowed range. :func:`validate_table` turns a raw table (every cell a string, as read from
CSV, or native types from a GeoPackage) into a typed DataFrame, or raises
:class:`~landsim.errors.InputError` naming the file, the column, the first offending rows
and the fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from landsim.errors import InputError

__all__ = [
    "CULTIVATED_CLASSES",
    "SCHEMAS",
    "Column",
    "TableSchema",
    "parse_bool",
    "validate_table",
]

Kind = Literal["str", "code", "float", "int", "bool", "date"]

CULTIVATED_CLASSES: tuple[str, ...] = ("0101", "0102", "0103")
"""Third National Land Survey (三调) codes of cultivated land: 水田, 水浇地, 旱地."""

_TRUE = {"1", "true", "t", "yes", "y", "1.0"}
_FALSE = {"0", "false", "f", "no", "n", "0.0"}
MAX_LISTED = 5

PLAUSIBLE_MAX: dict[str, float] = {
    "ha": 2.0e7,  # the largest county of China, Ruoqiang 若羌县, is about 200,000 km2
    "m2": 2.0e11,
    "m3": 1.0e12,
    "万元": 1.0e10,
    "亿元": 1.0e6,
    "persons": 1.0e9,
}
"""Largest plausible value of a number column by unit, where the column sets no maximum.
ASSUMED: generous bounds above anything a county holds (an area larger than the largest
county, a volume of 1,000 km3, ...), so that 1e30 or a misplaced exponent is refused."""

LAND_CLASS_PATTERN = r"(0[0-9]|1[0-2]|20)\d{1,2}[A-Z]?"
"""三调 land-class codes (GB/T 21010-2017 and the 三调 work classification): a first-level
class 00-12 and two more digits (e.g. 0103), the 20x codes of towns, villages and mines, and
an optional letter suffix (e.g. 0201K, land that may be adjusted)."""
"""How many offending rows an error message lists before '...'."""


@dataclass(frozen=True)
class Column:
    """One column of an input table.

    ``kind`` is one of str, code (a land-class style code kept as text, e.g. '0103'),
    float, int, bool (accepts 1/0, true/false, yes/no), date (ISO ``YYYY-MM-DD``).
    ``minimum``/``maximum`` bound numbers (``exclusive_minimum`` makes the lower bound
    strict). A column that is not ``required`` may be absent and is then filled with
    ``default``; a ``nullable`` column may have empty cells.
    """

    name: str
    kind: Kind
    unit: str
    description: str
    required: bool = True
    nullable: bool = False
    default: object = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    choices: tuple[str, ...] | None = None
    pattern: str | None = None  # regular expression a str/code value must match in full
    unique: bool = False
    references: str | None = None  # name of a table whose key this column must match

    def rule(self) -> str:
        """Plain-language statement of what a valid value is."""
        parts = {
            "str": "text",
            "code": "a code written as text",
            "float": "a number",
            "int": "a whole number",
            "bool": "a boolean (1/0, true/false or yes/no)",
            "date": "a date written YYYY-MM-DD",
        }[self.kind]
        if self.minimum is not None and self.maximum is not None:
            parts += f" from {self.minimum:g} to {self.maximum:g}"
        elif self.minimum is not None:
            parts += f" {'>' if self.exclusive_minimum else '>='} {self.minimum:g}"
        elif self.maximum is not None:
            parts += f" <= {self.maximum:g}"
        if self.pattern is not None:
            parts += " such as 0103 (三调 land-class code)"
        if self.choices:
            parts += " (one of " + ", ".join(self.choices) + ")"
        if self.unit:
            parts += f" [{self.unit}]"
        return parts


@dataclass(frozen=True)
class TableSchema:
    """An input table: its name, default file name in a county folder, key and columns."""

    name: str
    filename: str
    description: str
    columns: tuple[Column, ...]
    key: str | None = None
    required_if_cultivated: tuple[str, ...] = field(default=())
    label: tuple[str, ...] = field(default=())
    """Columns that identify a row in messages when there is no single key."""
    min_rows: int = 0
    """Fewest rows a meaningful table has (a header-only table is refused below it)."""

    @property
    def row_label(self) -> tuple[str, ...]:
        return self.label or ((self.key,) if self.key else ())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def optional(name: str, kind: Kind, unit: str, description: str, **kw: object) -> Column:
    """A column that may be absent or empty (``required=False, nullable=True``)."""
    return Column(name, kind, unit, description, required=False, nullable=True,
                  **kw)  # type: ignore[arg-type]


XY_COLUMNS: tuple[Column, Column] = (
    optional("x_m", "float", "m", "easting (projected CRS)"),
    optional("y_m", "float", "m", "northing (projected CRS)"),
)
"""Optional point coordinates of a site, in the county's projected CRS."""


def _c(name: str, kind: Kind, unit: str, description: str, **kw: object) -> Column:
    return Column(name, kind, unit, description, **kw)  # type: ignore[arg-type]


PARCELS = TableSchema(
    name="parcels",
    filename="parcels.gpkg",
    description="Land parcels (图斑), design 5.1",
    key="parcel_id",
    min_rows=1,
    required_if_cultivated=("quality_grade", "slope_deg"),
    columns=(
        _c("parcel_id", "str", "", "parcel (图斑) id", unique=True),
        _c("township", "str", "", "township (乡镇) name", references="townships"),
        _c("land_class", "code", "", "三调 land-class code; 0101/0102/0103 are cultivated",
           pattern=LAND_CLASS_PATTERN),
        _c("area_ha", "float", "ha", "parcel area", minimum=0.0, exclusive_minimum=True),
        _c("quality_grade", "int", "grade", "cultivated-land quality grade, 1 best "
           "(GB/T 33469-2016); required for cultivated parcels",
           nullable=True, minimum=1, maximum=10),
        _c("slope_deg", "float", "degree", "mean slope; required for cultivated parcels "
           "(others may leave it empty, as a 三调 import does where only cultivated land has "
           "a slope grade)", nullable=True, minimum=0.0, maximum=90.0),
        _c("in_eco_redline", "bool", "", "inside the ecological protection red line"),
        _c("in_udb", "bool", "", "inside the urban development boundary"),
        _c("stable", "bool", "", "stable cultivated land (稳定耕地)", required=False,
           default=True),
        _c("is_pbf", "bool", "", "currently permanent basic farmland (永久基本农田)"),
        _c("in_pbf_reserve", "bool", "", "inside the PBF reserve (永久基本农田储备区), the "
           "first source of replacement land when ineligible PBF is corrected; false when "
           "absent", required=False, default=False),
    ),
)

EDGES = TableSchema(
    name="edges",
    filename="edges.csv",
    description="Parcel adjacency: pairs of parcels sharing a boundary",
    label=("parcel_a", "parcel_b"),
    columns=(
        _c("parcel_a", "str", "", "parcel id", references="parcels"),
        _c("parcel_b", "str", "", "parcel id", references="parcels"),
        _c("shared_length_m", "float", "m", "length of the shared boundary", minimum=0.0,
           exclusive_minimum=True),
    ),
)

TOWNSHIPS = TableSchema(
    name="townships",
    filename="townships.csv",
    description="Towns (镇) and townships (乡) of the county",
    key="township",
    columns=(
        _c("township", "str", "", "name in Chinese", unique=True),
        _c("township_en", "str", "", "name in pinyin"),
        _c("kind", "str", "", "镇 town or 乡 township", choices=("town", "township")),
        _c("is_county_seat", "bool", "", "seat of the county government"),
    ),
)

YEAR = _c("year", "int", "year", "calendar year", minimum=1949, maximum=2100)
"""A calendar-year column."""

POPULATION = TableSchema(
    name="population",
    filename="population.csv",
    description="Population history per township and year",
    label=("year", "township"),
    columns=(
        YEAR,
        _c("township", "str", "", "township name", references="townships"),
        _c("resident_pop", "int", "persons", "resident (常住) population", minimum=0),
        _c("registered_pop", "int", "persons", "registered (户籍) population", minimum=0),
        _c("urban_pop", "int", "persons", "urban resident population", minimum=0),
        _c("urban_construction_land_ha", "float", "ha",
           "urban construction land (城镇建设用地) in the township", minimum=0.0),
    ),
)

REGISTRATIONS = TableSchema(
    name="registrations",
    filename="registrations.csv",
    description="Registrations (落户) of rural migrants in towns per township and year",
    label=("year", "township"),
    columns=(
        YEAR,
        _c("township", "str", "", "township whose towns the migrants registered in",
           references="townships"),
        _c("registrations", "int", "persons",
           "agricultural migrants who registered (农业转移人口落户) in the year", minimum=0),
        optional("source", "str", "", "where the figure comes from (e.g. 公安户籍, synthetic)"),
    ),
)

SUPPLY_BATCHES = TableSchema(
    name="supply_batches",
    filename="land_supply_batches.csv",
    description="Approved construction-land batches (批次) and how much was supplied",
    key="batch_id",
    columns=(
        _c("batch_id", "str", "", "approval batch id", unique=True),
        _c("township", "str", "", "township name", references="townships"),
        _c("approval_year", "int", "year", "year the batch was approved", minimum=1990,
           maximum=2100),
        _c("approved_ha", "float", "ha", "area approved for conversion", minimum=0.0,
           exclusive_minimum=True),
        _c("supplied_ha", "float", "ha", "area supplied (供地) so far", minimum=0.0),
        _c("intended_use", "str", "", "planned use",
           choices=("industrial", "residential", "commercial", "public", "infrastructure")),
        _c("disposal_target_year", "int", "year", "year by which the batch's unsupplied land "
           "is planned to be supplied (批而未供 disposal plan); empty if not planned",
           required=False, nullable=True, minimum=1990, maximum=2100),
    ),
)

STOCK_PLOTS = TableSchema(
    name="stock_plots",
    filename="stock_plots.csv",
    description="Idle (闲置) and inefficient (低效) stock plots",
    key="plot_id",
    columns=(
        _c("plot_id", "str", "", "plot id", unique=True),
        _c("township", "str", "", "township name", references="townships"),
        _c("category", "str", "", "idle (闲置) or inefficient (低效)",
           choices=("idle", "inefficient")),
        _c("area_ha", "float", "ha", "plot area", minimum=0.0, exclusive_minimum=True),
        _c("land_use", "str", "", "current use",
           choices=("industrial", "residential", "commercial", "public", "infrastructure")),
        _c("identified_year", "int", "year", "year the plot was identified", minimum=1990,
           maximum=2100),
        _c("contract_id", "str", "", "industrial contract, if any", nullable=True,
           required=False, references="industrial_contracts"),
        _c("planned_disposal_year", "int", "year", "year the plot is planned to be disposed "
           "(idle) or redeveloped (inefficient); empty if not planned", required=False,
           nullable=True, minimum=1990, maximum=2100),
        _c("disposed_year", "int", "year", "year the disposal or redevelopment was accepted "
           "(验收); empty while still stock", required=False, nullable=True, minimum=1990,
           maximum=2100),
        _c("annual_output_wan_yuan", "float", "万元", "output in the latest year (plots "
           "without a contract)", required=False, nullable=True, minimum=0.0),
        _c("annual_value_added_wan_yuan", "float", "万元", "value added in the latest year "
           "(plots without a contract)", required=False, nullable=True, minimum=0.0),
        _c("annual_tax_wan_yuan", "float", "万元", "tax paid in the latest year (plots "
           "without a contract)", required=False, nullable=True, minimum=0.0),
        _c("investment_wan_yuan", "float", "万元", "fixed-asset investment on the plot "
           "(plots without a contract)", required=False, nullable=True, minimum=0.0),
        _c("floor_area_m2", "float", "m2", "built floor area, storeys > 8 m counted twice "
           "(plots without a contract)", required=False, nullable=True, minimum=0.0),
        _c("building_footprint_m2", "float", "m2", "building + structure footprint + "
           "stockyard area (plots without a contract)", required=False, nullable=True,
           minimum=0.0),
    ),
)

INDUSTRIAL_CONTRACTS = TableSchema(
    name="industrial_contracts",
    filename="industrial_contracts.csv",
    description="Industrial land-transfer contracts with their supervision terms (双合同)",
    key="contract_id",
    columns=(
        _c("contract_id", "str", "", "land-transfer contract id", unique=True),
        _c("township", "str", "", "township name", references="townships"),
        _c("enterprise", "str", "", "land user (synthetic name)"),
        _c("industry_code", "int", "", "national-economy industry code (2 digits)",
           minimum=6, maximum=46),
        _c("area_ha", "float", "ha", "land area", minimum=0.0, exclusive_minimum=True),
        _c("land_price_wan_yuan", "float", "万元", "transfer price", minimum=0.0),
        _c("signed_date", "date", "", "contract date"),
        _c("agreed_start_date", "date", "", "agreed start of construction"),
        _c("agreed_completion_date", "date", "", "agreed completion"),
        _c("actual_start_date", "date", "", "actual start, empty if not started",
           nullable=True),
        _c("developed_area_ha", "float", "ha", "area developed so far", minimum=0.0),
        _c("agreed_investment_wan_yuan", "float", "万元", "agreed fixed-asset investment",
           minimum=0.0),
        _c("invested_wan_yuan", "float", "万元", "fixed-asset investment made so far",
           minimum=0.0),
        _c("suspended_since", "date", "", "start of an unapproved suspension, if any",
           nullable=True),
        _c("idle_cause", "str", "", "who caused any delay", nullable=True,
           choices=("government", "enterprise")),
        _c("agreed_plot_ratio", "float", "ratio", "agreed plot ratio (容积率)", minimum=0.0),
        _c("floor_area_m2", "float", "m2", "built floor area, storeys > 8 m counted twice",
           minimum=0.0),
        _c("building_footprint_m2", "float", "m2",
           "building + structure footprint + stockyard area", minimum=0.0),
        _c("admin_area_m2", "float", "m2", "administrative and living facilities land",
           minimum=0.0),
        optional("admin_floor_area_m2", "float", "m2", "floor area of administrative and "
                 "living facilities (checked under county plan 三(六) on densified land)",
                 minimum=0.0),
        _c("green_area_m2", "float", "m2", "green space", minimum=0.0),
        _c("annual_output_wan_yuan", "float", "万元", "output in the latest year", minimum=0.0),
        _c("annual_tax_wan_yuan", "float", "万元", "tax paid in the latest year", minimum=0.0),
        _c("actual_completion_date", "date", "", "actual completion (竣工), empty if not "
           "completed", required=False, nullable=True),
        _c("agreed_output_check_date", "date", "", "agreed output check (达产验收) of the "
           "supervision contract", required=False, nullable=True),
        _c("agreed_output_per_mu_wan_yuan", "float", "万元/亩", "agreed annual output per mu "
           "at the output check", required=False, nullable=True, minimum=0.0),
        _c("agreed_tax_per_mu_wan_yuan", "float", "万元/亩", "agreed annual tax per mu at "
           "the output check", required=False, nullable=True, minimum=0.0),
        _c("annual_value_added_wan_yuan", "float", "万元", "value added in the latest year",
           required=False, nullable=True, minimum=0.0),
        _c("densified_stock", "bool", "", "stock industrial land densified (more floors, "
           "density, less green), which may allow a higher admin/living share",
           required=False, default=False),
        optional("agreed_energy_tce_per_wan_yuan", "float", "tce/万元", "environmental term "
                 "of the supervision contract: energy use per 万元 of output at most",
                 minimum=0.0),
        optional("energy_tce_per_wan_yuan", "float", "tce/万元",
                 "energy use per 万元 of output in the latest year", minimum=0.0),
        optional("agreed_emission_t_per_year", "float", "t/year", "environmental term of the "
                 "supervision contract: pollutant discharge at most (排污总量)", minimum=0.0),
        optional("emission_t_per_year", "float", "t/year",
                 "pollutant discharge in the latest year", minimum=0.0),
    ),
)

INDICATORS = TableSchema(
    name="indicators",
    filename="indicator_history.csv",
    description="County indicator history, one row per year",
    key="year",
    columns=(
        _c("year", "int", "year", "calendar year", unique=True, minimum=1949, maximum=2100),
        _c("cultivated_land_ha", "float", "ha", "cultivated land (耕地)", minimum=0.0),
        _c("pbf_ha", "float", "ha", "permanent basic farmland", minimum=0.0),
        _c("construction_land_ha", "float", "ha", "construction land (建设用地)", minimum=0.0),
        _c("urban_construction_land_ha", "float", "ha", "urban construction land",
           minimum=0.0),
        _c("new_construction_land_ha", "float", "ha", "construction land added that year",
           minimum=0.0),
        _c("land_supplied_ha", "float", "ha", "construction land supplied that year",
           minimum=0.0),
        _c("supplied_from_stock_ha", "float", "ha", "of which from stock land", minimum=0.0),
        _c("gdp_yi_yuan", "float", "亿元", "GDP at current prices", minimum=0.0),
        _c("resident_pop", "int", "persons", "resident population", minimum=0),
    ),
)

PLANNING_TARGETS = TableSchema(
    name="planning_targets",
    filename="planning_targets.csv",
    description="Planning indicators of the county plan (base and target values)",
    key="indicator",
    columns=(
        _c("indicator", "str", "", "indicator id", unique=True),
        _c("name_zh", "str", "", "indicator name in Chinese"),
        _c("unit", "str", "", "unit of the values"),
        _c("base_year", "int", "year", "year of the base value", minimum=1949, maximum=2100),
        _c("base_value", "float", "", "value in the base year"),
        _c("target_year", "int", "year", "year of the target", minimum=1949, maximum=2100),
        _c("target_value", "float", "", "target value"),
        _c("direction", "str", "", "target is a floor (>=) or a ceiling (<=)",
           choices=("at_least", "at_most")),
        _c("binding", "bool", "", "binding (约束性) rather than expected (预期性)"),
    ),
)

CULTIVATED_PROJECTS = TableSchema(
    name="cultivated_projects",
    filename="cultivated_projects.csv",
    description="Land consolidation, reclamation and development projects that add "
                "cultivated land (补充耕地项目), for new cultivated-land verification",
    key="project_id",
    columns=(
        _c("project_id", "str", "", "project id", unique=True),
        _c("township", "str", "", "township (乡镇) of the project", references="townships"),
        _c("project_type", "str", "", "土地整治 consolidation, 复垦 reclamation or 开发 "
           "development", choices=("consolidation", "reclamation", "development")),
        optional("source_land_class", "code", "", "三调 class of the land brought into "
                 "cultivation (e.g. 0404 other grassland, 1206 bare land)",
                 pattern=LAND_CLASS_PATTERN),
        _c("paddy_before_ha", "float", "ha", "0101 水田 paddy before the project", minimum=0.0),
        _c("irrigated_before_ha", "float", "ha", "0102 水浇地 irrigated land before",
           minimum=0.0),
        _c("dry_before_ha", "float", "ha", "0103 旱地 dry land before", minimum=0.0),
        _c("paddy_after_ha", "float", "ha", "0101 水田 paddy after the project", minimum=0.0),
        _c("irrigated_after_ha", "float", "ha", "0102 水浇地 irrigated land after",
           minimum=0.0),
        _c("dry_after_ha", "float", "ha", "0103 旱地 dry land after", minimum=0.0),
        _c("grade_before", "int", "grade", "area-weighted quality grade of the cultivated "
           "land before (1 best); empty when there was none", nullable=True, minimum=1,
           maximum=10),
        _c("grade_after", "int", "grade", "area-weighted quality grade of the cultivated "
           "land after (GB/T 33469-2016, 1 best)", minimum=1, maximum=10),
        _c("slope_deg", "float", "degree", "mean slope of the new land", minimum=0.0,
           maximum=90.0),
        _c("soil_depth_cm", "float", "cm", "effective soil depth of the new land",
           minimum=0.0, maximum=500.0),
        _c("irrigated", "bool", "", "the land after the project has irrigation"),
        _c("road_access", "bool", "", "the new land is connected to a field road"),
        _c("completion_date", "date", "", "completion (竣工) or planned completion"),
        _c("acceptance_date", "date", "", "acceptance (验收) date; empty if not accepted",
           required=False, nullable=True),
        _c("status", "str", "", "accepted (验收合格), pending (awaiting acceptance), rejected "
           "or planned", choices=("accepted", "pending", "rejected", "planned")),
        optional("source", "str", "", "where the record comes from (e.g. 项目验收, synthetic)"),
    ),
)

CULTIVATED_OCCUPATIONS = TableSchema(
    name="cultivated_occupations",
    filename="cultivated_occupations.csv",
    description="Occupations of cultivated land to be balanced (占用耕地): construction "
                "approvals and the other uses the 2024 reform counts",
    key="occupation_id",
    columns=(
        _c("occupation_id", "str", "", "occupation (approval) id", unique=True),
        YEAR,
        _c("township", "str", "", "township of the occupied land", references="townships"),
        _c("use", "str", "", "what the land becomes",
           choices=("construction", "afforestation", "orchard", "tea", "farm_facility",
                    "rural_housing", "other")),
        _c("area_ha", "float", "ha", "cultivated land occupied", minimum=0.0,
           exclusive_minimum=True),
        _c("paddy_ha", "float", "ha", "part of it that is 0101 paddy", required=False,
           default=0.0, minimum=0.0),
        _c("quality_grade", "int", "grade", "area-weighted grade of the occupied land "
           "(1 best); empty: the balance rules' default", nullable=True, required=False,
           minimum=1, maximum=10),
    ),
)

UDB_ZONES = TableSchema(
    name="udb_zones",
    filename="udb_zones.csv",
    description="Zones (规划分区) of the urban development boundary by parcel",
    label=("parcel_id", "zone_code"),
    columns=(
        _c("parcel_id", "str", "", "parcel (图斑) inside the zone", references="parcels"),
        _c("zone_code", "code", "", "规划分区 code: 01 concentrated construction zone "
           "(城镇集中建设区), 02 flexible development zone (城镇弹性发展区), 03 special-use "
           "zone (特别用途区)", choices=("01", "02", "03")),
        optional("area_ha", "float", "ha", "area of the parcel in the zone (empty: the "
                 "whole parcel)", minimum=0, exclusive_minimum=True),
        optional("source", "str", "", "where the zoning comes from (e.g. 规划, synthetic)"),
    ),
)

SCHEMAS: dict[str, TableSchema] = {
    s.name: s
    for s in (TOWNSHIPS, PARCELS, EDGES, POPULATION, REGISTRATIONS, SUPPLY_BATCHES, INDUSTRIAL_CONTRACTS,
              STOCK_PLOTS, INDICATORS, PLANNING_TARGETS, CULTIVATED_PROJECTS,
              CULTIVATED_OCCUPATIONS, UDB_ZONES)
}
"""Every input table by name, in the order a county folder is read."""


# ----------------------------------------------------------------------------- parsing


def require_columns(frame: pd.DataFrame, columns: Sequence[str], table: str) -> None:
    """Raise :class:`InputError` naming the columns of ``table`` that ``frame`` lacks.

    >>> require_columns(pd.DataFrame({"a": [1]}), ["a", "b"], "demo")
    Traceback (most recent call last):
    ...
    landsim.errors.InputError: demo table: missing column(s) b; expected the columns a, b. Fix: add them
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        msg = (f"{table} table: missing column(s) {', '.join(missing)}; expected the columns "
               f"{', '.join(columns)}. Fix: add them")
        raise InputError(msg)


def require_known(values: Iterable[object], valid: Iterable[object], table: str,
                  column: str) -> None:
    """Raise :class:`InputError` for values of ``column`` outside ``valid`` (first five).

    >>> require_known(["A", "B"], ["A"], "key projects", "township")
    Traceback (most recent call last):
    ...
    landsim.errors.InputError: key projects: unknown township ['B']; valid: ['A']
    """
    allowed = sorted({str(v) for v in valid})
    bad = sorted({str(v) for v in values} - set(allowed))
    if bad:
        msg = f"{table}: unknown {column} {bad[:5]}; valid: {allowed}"
        raise InputError(msg)


def parse_bool(values: pd.Series) -> pd.Series:
    """Parse 1/0, true/false, yes/no (any case) to a nullable boolean Series.

    Unparseable cells raise ``ValueError`` listing the index labels; empty cells become NA.
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("boolean")
    text = values.astype("string").str.strip().str.lower()
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[text.isin(_TRUE).fillna(False)] = True
    out[text.isin(_FALSE).fillna(False)] = False
    bad = out.isna() & text.notna() & (text != "")
    if bad.any():
        raise ValueError(list(values.index[bad]))
    return out


def _blank(values: pd.Series) -> pd.Series:
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        text = values.astype("string").str.strip()
        return (text.isna() | (text == "") | text.str.lower().isin(["nan", "na", "null"]))
    return values.isna()


def _row_list(frame: pd.DataFrame, mask: pd.Series, label: tuple[str, ...], word: str,
              offset: int) -> str:
    """'lines 3, 8 (parcel_id P03, P08)' for the first offending rows."""
    positions = np.flatnonzero(mask.to_numpy())
    shown = positions[:MAX_LISTED]
    more = ", ..." if len(positions) > MAX_LISTED else ""
    text = word + ("" if len(positions) == 1 else "s") + " "
    text += ", ".join(str(p + offset) for p in shown) + more
    if len(positions) > 1:
        text = f"{len(positions)} {text}"
    label = tuple(c for c in label if c in frame.columns)
    if label:
        ids = ", ".join("/".join(str(frame[c].iloc[p]) for c in label) for p in shown)
        text += f" ({'/'.join(label)} {ids}{more})"
    return text


def _values(raw: pd.Series, mask: pd.Series) -> str:
    shown = raw[mask].head(MAX_LISTED).tolist()
    return ", ".join(repr(v) for v in shown)


class _Reporter:
    """Builds InputError messages for one table read from one source."""

    def __init__(self, schema: TableSchema, source: str, frame: pd.DataFrame,
                 row_word: str, row_offset: int) -> None:
        self.schema = schema
        self.source = source
        self.frame = frame
        self.row_word = row_word
        self.row_offset = row_offset

    def fail(self, column: str, mask: pd.Series, problem: str, fix: str) -> InputError:
        rows = _row_list(self.frame, mask, self.schema.row_label, self.row_word,
                         self.row_offset)
        msg = f"{self.source}: column '{column}', {rows}: {problem}. Fix: {fix}"
        return InputError(msg)


def validate_table(
    raw: pd.DataFrame,
    schema: TableSchema,
    source: str,
    *,
    known: dict[str, Iterable[str]] | None = None,
    row_word: str | None = None,
    row_offset: int = 2,
) -> pd.DataFrame:
    """Validate ``raw`` against ``schema`` and return a typed copy.

    Parameters
    ----------
    raw
        The table as read. Cells may be strings (CSV read as text) or native types.
    schema
        The table's schema.
    source
        File name used in error messages.
    known
        Keys of other tables, e.g. ``{"townships": [...]}``; columns whose
        ``references`` names one of them must only hold those keys.
    row_word, row_offset
        How rows are named in messages: ``"line"`` with offset 2 for CSV (the header is
        line 1, so the number is the file's line number), ``"feature"`` with offset 1 for
        GIS layers. A table read from a workbook (:func:`landsim.tabular.read_raw_table`)
        carries ``attrs`` ``sheet`` and ``row_word="row"``: its messages name the sheet
        and the sheet's row.

    Raises
    ------
    InputError
        On the first problem found, naming file, column, first rows and fix.
    """
    sheet = raw.attrs.get("sheet")
    if sheet is not None and f"sheet '{sheet}'" not in source:
        source = f"{source}, sheet '{sheet}'"
    if row_word is None:
        row_word = str(raw.attrs.get("row_word", "line"))
    missing = [c.name for c in schema.columns if c.required and c.name not in raw.columns]
    if missing:
        msg = (f"{source}: missing column(s) {', '.join(repr(m) for m in missing)} of the "
               f"{schema.name} table. Found columns: {', '.join(map(str, raw.columns))}. "
               f"Fix: add the column(s); the {schema.name} table needs "
               f"{', '.join(c.name for c in schema.columns if c.required)}.")
        raise InputError(msg)
    if len(raw) < schema.min_rows:
        msg = (f"{source}: the {schema.name} table has no rows (header only); nothing to "
               f"compute. Fix: give at least {schema.min_rows} row(s) of "
               f"{schema.description.lower()}")
        raise InputError(msg)
    frame = raw.reset_index(drop=True).copy()
    rep = _Reporter(schema, source, frame, row_word, row_offset)
    out = pd.DataFrame(index=frame.index)
    for col in schema.columns:
        if col.name not in frame.columns:
            out[col.name] = col.default
            if col.kind == "bool":
                out[col.name] = out[col.name].astype(bool)
            continue
        out[col.name] = _convert(frame[col.name], col, rep)
    _check_cross_rules(out, schema, rep)
    if known:
        _check_references(out, schema, rep, known)
    extra = [c for c in frame.columns if c not in out.columns]
    for name in extra:  # pass unknown columns (and geometry) through untouched
        out[name] = frame[name]
    return out


def _convert(raw: pd.Series, col: Column, rep: _Reporter) -> pd.Series:
    blank = _blank(raw)
    if blank.any() and not col.nullable:
        if col.default is not None:
            raw = raw.where(~blank, str(col.default))
            blank = pd.Series(False, index=raw.index)
        else:
            raise rep.fail(col.name, blank, "value is empty",
                           f"give {col.rule()} in every row")
    if col.kind in ("str", "code"):
        values = raw.astype("string").str.strip()
        values = values.where(~blank, pd.NA)
        if col.kind == "code":
            short = values.str.fullmatch(r"\d{3}").fillna(False)
            values = values.where(~short, values.str.zfill(4))
        if col.pattern is not None:
            bad = ~values.str.fullmatch(col.pattern).fillna(True) & ~blank
            if bad.any():
                raise rep.fail(col.name, bad, f"{_values(raw, bad)} is not a valid code",
                               f"give {col.rule()}")
        values = values.astype(object).where(~blank, None)
    elif col.kind in ("float", "int"):
        numeric = pd.to_numeric(raw.where(~blank, None), errors="coerce")
        bad = numeric.isna() & ~blank
        if bad.any():
            raise rep.fail(col.name, bad, f"{_values(raw, bad)} is not a number",
                           f"give {col.rule()}")
        infinite = numeric.notna() & ~np.isfinite(numeric.astype("float64"))
        if infinite.any():
            raise rep.fail(col.name, infinite, f"{_values(raw, infinite)} is not a finite "
                           "number", f"give {col.rule()}")
        if col.kind == "int":
            frac = (numeric.notna()) & (numeric != np.floor(numeric.fillna(0)))
            if frac.any():
                raise rep.fail(col.name, frac, f"{_values(raw, frac)} is not a whole number",
                               f"give {col.rule()}")
        values = numeric.astype("Int64" if col.kind == "int" else "float64")
        if col.kind == "int" and not col.nullable:
            values = values.astype("int64")
        _check_range(raw, values, col, rep)
    elif col.kind == "bool":
        try:
            values = parse_bool(raw.where(~blank, None))
        except ValueError as err:
            mask = raw.index.isin(err.args[0])
            raise rep.fail(col.name, pd.Series(mask, index=raw.index),
                           f"{_values(raw, pd.Series(mask, index=raw.index))} is not a "
                           "boolean", "write 1/0, true/false or yes/no") from None
        values = values.astype(bool) if not col.nullable else values
    elif col.kind == "date":
        parsed = pd.to_datetime(raw.where(~blank, None), errors="coerce", format="%Y-%m-%d")
        bad = parsed.isna() & ~blank
        if bad.any():
            raise rep.fail(col.name, bad, f"{_values(raw, bad)} is not a date",
                           "write dates as YYYY-MM-DD, e.g. 2021-06-30")
        values = parsed
    else:  # pragma: no cover - Kind is a closed Literal
        raise AssertionError(col.kind)
    if col.choices is not None:
        bad = ~pd.Series(values).isin(col.choices) & ~blank
        if bad.any():
            raise rep.fail(col.name, bad, f"{_values(raw, bad)} is not allowed",
                           "use one of " + ", ".join(col.choices))
    if col.unique:
        dup = pd.Series(values).duplicated(keep=False) & ~blank
        if dup.any():
            raise rep.fail(col.name, dup, f"duplicate value(s) {_values(raw, dup)}",
                           f"give every row its own {col.name}")
    return values


def _check_range(raw: pd.Series, values: pd.Series, col: Column, rep: _Reporter) -> None:
    v = values.astype("float64")
    bad = pd.Series(False, index=values.index)
    if col.minimum is not None:
        bad |= (v <= col.minimum) if col.exclusive_minimum else (v < col.minimum)
    if col.maximum is not None:
        bad |= v > col.maximum
    elif col.unit in PLAUSIBLE_MAX:
        huge = (v > PLAUSIBLE_MAX[col.unit]) & v.notna()
        if huge.any():
            raise rep.fail(col.name, huge, f"{_values(raw, huge)} is implausibly large (more "
                           f"than {PLAUSIBLE_MAX[col.unit]:g} {col.unit})",
                           f"check the unit and the exponent; give {col.rule()}")
    bad &= v.notna()
    if bad.any():
        raise rep.fail(col.name, bad, f"{_values(raw, bad)} is out of range",
                       f"give {col.rule()}")


def _check_cross_rules(out: pd.DataFrame, schema: TableSchema, rep: _Reporter) -> None:
    if schema.required_if_cultivated and "land_class" in out.columns:
        cultivated = out["land_class"].isin(CULTIVATED_CLASSES)
        for name in schema.required_if_cultivated:
            bad = cultivated & out[name].isna()
            if bad.any():
                raise rep.fail(name, bad, "value is empty for a cultivated parcel "
                               f"(land_class {', '.join(CULTIVATED_CLASSES)})",
                               f"give {schema.column(name).rule()} for every cultivated parcel")
    if schema.name == "supply_batches":
        bad = out["supplied_ha"] > out["approved_ha"] + 1e-9
        if bad.any():
            raise rep.fail("supplied_ha", bad, "supplied area exceeds approved_ha",
                           "supplied_ha must not exceed approved_ha of the same batch")
    if schema.name == "population":
        bad = out["urban_pop"] > out["resident_pop"]
        if bad.any():
            raise rep.fail("urban_pop", bad, "urban population exceeds resident_pop",
                           "urban_pop is the urban part of resident_pop")
        dup = out.duplicated(["year", "township"], keep=False)
        if dup.any():
            raise rep.fail("year", dup, "(year, township) appears more than once",
                           "give one row per township and year")


def _check_references(out: pd.DataFrame, schema: TableSchema, rep: _Reporter,
                      known: dict[str, Iterable[str]]) -> None:
    for col in schema.columns:
        if col.references is None or col.references not in known or col.name not in out:
            continue
        valid = set(known[col.references])
        values = out[col.name]
        bad = values.notna() & ~values.isin(valid)
        if bad.any():
            listed = ", ".join(sorted(map(str, valid))[:10])
            more = ", ..." if len(valid) > 10 else ""
            raise rep.fail(col.name, bad, f"unknown {col.references[:-1]} "
                           f"{_values(values, bad)}",
                           f"use a name from the {col.references} table ({listed}{more})")


def schema_table(names: Sequence[str] | None = None) -> pd.DataFrame:
    """Every column of the named tables (default: all) with type, unit and meaning."""
    rows = []
    for schema in SCHEMAS.values():
        if names is not None and schema.name not in names:
            continue
        for c in schema.columns:
            rows.append({"table": schema.name, "file": schema.filename, "column": c.name,
                         "type": c.kind, "unit": c.unit, "required": c.required,
                         "rule": c.rule(), "description": c.description})
    return pd.DataFrame(rows)
