"""What the importer assumes, as parameters: the overlay rule, slopes for slope grades, the
area taken for a parcel and the quality scale; and the mapping file for local field names.

Every figure is a :func:`landsim._params.param` with unit and source (``ASSUMED`` where no
rule gives one). A mapping file (TOML) renames fields, names layers, gives township names
and local land-class codes, and may override these rules in a ``[rules]`` section:

.. code-block:: toml

    [dltb]                      # field names of your DLTB layer (defaults: 三调 codes)
    layer = "DLTB"
    parcel_id = "BSM"
    slope_deg = "PJPD"          # a numeric slope field, used instead of GDPDJB grades
    [quality]                   # the --quality layer
    grade = "ZLDJ"
    [pbf]
    layer = "YJJBNT"
    [townships]
    table = "townships.csv"     # township_code, township[, township_en, kind, is_county_seat]
    county_seat = "新关镇"
    [townships.names]
    140932100 = "新关镇"
    [land_class]                # local code = 三调 code
    "011" = "0101"
    [rules]
    overlay_share_min = 0.5

>>> ImportRules().slope_for_grade(4), ImportRules().slope_for_grade(5)
(20.0, 30.0)
>>> ImportMapping.default().field("dltb", "land_class")
'DLBM'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from landsim._params import Params, param, read_toml, require_key, require_table
from landsim.errors import InputError
from landsim.policy import COMMON
from landsim.sandiao import DLTB_FIELDS, SLOPE_GRADE_BOUNDS_DEG, UNSTABLE_REFINEMENT_CODES

__all__ = ["ImportMapping", "ImportRules", "load_mapping"]

_TDT = "TD/T 1055-2019 slope grades (shared/domain/policy-facts.md s.13, CONFIRMED)"
_MID = f"ASSUMED: midpoint of the grade's range, {_TDT}"


@dataclass(frozen=True)
class ImportRules(Params):
    """Rules of ``landsim county import``.

    Parameters
    ----------
    overlay_share_min : float
        A parcel is inside a control line (PBF, red line, UDB) when at least this share of
        its area lies inside the line's polygons. [fraction]
    split_tolerance : float
        Shares within this of 0 or 1 are digitising noise; a parcel with a share between
        is reported as split by the line. [fraction]
    grade1_slope_deg .. grade5_slope_deg : float
        Slope given to a parcel of cultivated-land slope grade (GDPDJB) 1..5: the midpoint
        of the grade's range (≤2°, 2-6°, 6-15°, 15-25°) and, for grade 5 (>25°), 5° above
        the PBF limit. Only the side of 25° matters to PBF eligibility, and the grade
        decides it: grades 1-4 are eligible, grade 5 is not. [degree]
    area_source : str
        Parcel area: ``TBMJ`` (图斑面积, the polygon's area, so parcels add up to the county),
        ``TBDLMJ`` (图斑地类面积, net of deducted ridges) or ``geometry`` (planar area of
        the polygon in the layer's CRS). [-]
    dltb_quality_scale : str
        Scale of the DLTB quality field (GDDB): ``1-15`` (耕地质量等别, GB/T 28407,
        converted by :func:`landsim.sandiao.dengbie_to_grade`) or ``1-10`` (耕地质量等级,
        GB/T 33469, taken as is). [-]
    quality_layer_scale : str
        Scale of the ``--quality`` layer's grade field, as above. [-]
    unstable_codes : str
        Comma-separated refinement codes (TBXHDM) of cultivated land that is not stable
        (稳定耕地). [-]
    """

    section: ClassVar[str] = "rules"

    overlay_share_min: float = param(
        0.5, "fraction", "ASSUMED: majority rule (more than half inside is inside)",
        "share of a parcel's area inside a control line that puts it inside", lo=0.0001,
        hi=1)
    split_tolerance: float = param(
        0.01, "fraction", "ASSUMED: 1 % of a parcel is digitising noise",
        "shares this close to 0 or 1 do not count as split", lo=0, hi=0.49)
    grade1_slope_deg: float = param(1.0, "degree", _MID, "slope of grade 1 (≤2°)", lo=0,
                                    hi=SLOPE_GRADE_BOUNDS_DEG[0])
    grade2_slope_deg: float = param(4.0, "degree", _MID, "slope of grade 2 (2-6°)",
                                    lo=SLOPE_GRADE_BOUNDS_DEG[0], hi=SLOPE_GRADE_BOUNDS_DEG[1])
    grade3_slope_deg: float = param(10.5, "degree", _MID, "slope of grade 3 (6-15°)",
                                    lo=SLOPE_GRADE_BOUNDS_DEG[1], hi=SLOPE_GRADE_BOUNDS_DEG[2])
    grade4_slope_deg: float = param(20.0, "degree", _MID, "slope of grade 4 (15-25°)",
                                    lo=SLOPE_GRADE_BOUNDS_DEG[2], hi=COMMON.max_slope_deg)
    grade5_slope_deg: float = param(
        30.0, "degree", f"ASSUMED: 5° above the limit, {_TDT}", "slope of grade 5 (>25°)",
        lo=COMMON.max_slope_deg + 0.001, hi=90)
    area_source: str = param("TBMJ", "", "ASSUMED choice; TBMJ is the polygon's area "
                             "(shared/domain/policy-facts.md s.13)", "parcel area field", choices=("TBMJ", "TBDLMJ", "geometry"))
    dltb_quality_scale: str = param("1-15", "", "GDDB 耕地等别 (policy-facts s.13, RECALLED)",
                                    "scale of GDDB", choices=("1-15", "1-10"))
    quality_layer_scale: str = param("1-10", "", "耕地质量等级 GB/T 33469-2016 (design 3)",
                                     "scale of the --quality layer", choices=("1-15", "1-10"))
    unstable_codes: str = param(",".join(UNSTABLE_REFINEMENT_CODES), "",
                                "RECALLED: 三区三线划定规则 practice", "unstable cultivated land")

    def slope_for_grade(self, grade: int) -> float:
        """Slope [degree] given to slope grade ``grade`` (1..5)."""
        return float(getattr(self, f"grade{grade}_slope_deg"))

    def unstable(self) -> tuple[str, ...]:
        """The unstable refinement codes, upper case."""
        return tuple(c.strip().upper() for c in self.unstable_codes.split(",") if c.strip())


_ROLE_FIELDS = {"dltb": {f.role: f.code for f in DLTB_FIELDS} | {"slope_deg": ""},
                "quality": {"grade": "ZLDJ"}}
_LAYER_ROLES = ("dltb", "quality", "pbf", "redline", "udb")


@dataclass(frozen=True)
class ImportMapping:
    """Field and layer names of a county's files, township names and local land classes."""

    fields: Mapping[str, Mapping[str, str]]
    layers: Mapping[str, str] = field(default_factory=dict)
    township_names: Mapping[str, str] = field(default_factory=dict)
    township_table: Path | None = None
    county_seat: str | None = None
    land_classes: Mapping[str, str] = field(default_factory=dict)
    rules: ImportRules = field(default_factory=ImportRules)
    source: str = "default mapping (三调 field codes)"

    @classmethod
    def default(cls) -> ImportMapping:
        """The standard 三调 field codes and the default rules."""
        return cls(fields={k: dict(v) for k, v in _ROLE_FIELDS.items()})

    def field(self, role: str, name: str) -> str:
        """Field of ``role``'s layer that holds ``name`` (empty: none)."""
        return self.fields[role][name]

    def key(self, role: str, name: str) -> str:
        """How to set that field in a mapping file (for messages)."""
        return f'[{role}] {name} = "..."'


def _text_table(entries: Any, origin: str, where: str) -> dict[str, str]:
    require_table(entries, origin, where, 'key = "text"')
    out = {}
    for key, value in entries.items():
        if not isinstance(value, str | int):
            msg = f"{origin}: {where}.{key} = {value!r} must be text. Fix: write {key} = \"...\""
            raise InputError(msg)
        out[str(key)] = str(value)
    return out


def load_mapping(path: str | Path | None) -> ImportMapping:
    """Read a mapping file (TOML, see the module docstring); ``None`` gives the default."""
    base = ImportMapping.default()
    if path is None:
        return base
    origin = str(path)
    raw = read_toml(path, what="mapping file")
    sections = [*_LAYER_ROLES, "townships", "land_class", "rules"]
    fields = {k: dict(v) for k, v in base.fields.items()}
    layers: dict[str, str] = {}
    changes: dict[str, Any] = {"source": f"mapping file {Path(path).name}"}
    for section, entries in raw.items():
        require_key(section, sections, origin, f"section [{section}]")
        require_table(entries, origin, f"section [{section}]", "[section] then key = value")
        if section in _LAYER_ROLES:
            valid = [*fields.get(section, {}), "layer"]
            for key, value in _text_table(entries, origin, section).items():
                require_key(key, valid, origin, f"key {section}.{key}")
                if key == "layer":
                    layers[section] = value
                else:
                    fields[section][key] = value
        elif section == "townships":
            names = dict(entries)
            table = names.pop("table", None)
            seat = names.pop("county_seat", None)
            listed = _text_table(names.pop("names", {}), origin, "townships.names")
            for key in names:
                require_key(key, ["table", "county_seat", "names"], origin,
                            f"key townships.{key}")
            if table is not None:
                table_path = Path(str(table))
                changes["township_table"] = (table_path if table_path.is_absolute()
                                             else Path(path).parent / table_path)
            changes["county_seat"] = None if seat is None else str(seat)
            changes["township_names"] = listed
        elif section == "land_class":
            changes["land_classes"] = _text_table(entries, origin, "land_class")
        else:
            changes["rules"] = base.rules.replace(entries, origin=origin, section="rules")
    return dataclasses.replace(base, fields=fields, layers=layers, **changes)
