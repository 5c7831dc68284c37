"""Townships of an imported county: codes from ZLDWDM, names from a table, the mapping
file or ZLDWMC, and the county seat.

Names come, in this order, from a township table named in the mapping file
(``township_code, township[, township_en, kind, is_county_seat]``, CSV in UTF-8 or GBK, or
.xlsx), from ``[townships.names]`` of the mapping file, from the located-unit names
(ZLDWMC) where they begin with the township (``新关镇城关村``), and else the 9-digit code
itself. ``kind`` is ``township`` for names ending in 乡 or 苏木, else ``town``. The county seat
is the one the table or ``county_seat`` names, else the township with the most city or
town land (城镇村属性码 CZCSXM 201/202) or, without that field, the most urban housing
(三调 0701 城镇住宅用地).
"""

from __future__ import annotations

import pandas as pd

from landsim.county_import.layers import describe_features, import_error
from landsim.county_import.rules import ImportMapping
from landsim.errors import InputError
from landsim.sandiao import township_name_from_unit
from landsim.schema import parse_bool
from landsim.tabular import read_raw_table

__all__ = ["SEAT_CLASS", "township_table"]

SEAT_CLASS = "0701"
"""三调 城镇住宅用地 urban housing: without CZCSXM, the county seat has the most of it."""


def _from_table(mapping: ImportMapping) -> pd.DataFrame | None:
    if mapping.township_table is None:
        return None
    path = mapping.township_table
    if not path.is_file():
        msg = (f"township table {path}: column 'township_code', all rows: file not found. "
               "Fix: correct [townships] table in the mapping file")
        raise InputError(msg)
    raw = read_raw_table(path)
    frame = raw.frame
    for col in ("township_code", "township"):
        if col not in frame.columns:
            msg = (f"{raw.source}: column '{col}', all rows: missing (columns: "
                   f"{', '.join(frame.columns)}). Fix: give township_code (9 digits) and "
                   "township (name) columns")
            raise InputError(msg)
    frame = frame.assign(township_code=frame["township_code"].str.strip().str[:9],
                         township=frame["township"].str.strip())
    bad = ~frame["township_code"].str.fullmatch(r"\d{9}") | frame["township"].eq("")
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0]) + raw.row_offset
        msg = (f"{raw.source}: column 'township_code', {raw.row_word} {row}: "
               f"{frame['township_code'][bad].iloc[0]!r} with name "
               f"{frame['township'][bad].iloc[0]!r}. Fix: give a 9-digit code and a name")
        raise InputError(msg)
    return frame


def _kind(names: pd.Series) -> pd.Series:
    return names.str.endswith(("乡", "苏木")).map({True: "township", False: "town"})


def township_table(codes: pd.Series, unit_names: pd.Series | None, urban_ha: pd.Series,
                   mapping: ImportMapping, layer_label: str,
                   unit_field: str) -> tuple[pd.DataFrame, pd.Series, str]:
    """Townships (schema ``townships`` plus ``township_code``), each parcel's township name,
    and a sentence saying where the names and the seat came from. ``urban_ha`` is each
    parcel's city or town area [ha] (0 elsewhere), which places the seat."""
    present = sorted(codes.unique())
    table = _from_table(mapping)
    names = pd.Series(dict(mapping.township_names), dtype=object)
    if table is not None:
        names = pd.Series(table.set_index("township_code")["township"].to_dict(), dtype=object)
        origin = f"names from the township table {mapping.township_table.name}"
        missing = [c for c in present if c not in names.index]
        if missing:
            mask = codes.isin(missing).to_numpy()
            raise import_error(layer_label, unit_field, describe_features(mask),
                               f"township code(s) {', '.join(missing[:5])} not in "
                               f"{mapping.township_table.name}",
                               "add a row per township code to the township table")
    elif len(names):
        origin = f"names from [townships.names] of the {mapping.source}"
    else:
        origin = "names from the located-unit names (ZLDWMC)"
    derived = pd.Series(dtype=object)
    if unit_names is not None:
        prefix = township_name_from_unit(unit_names)
        derived = (pd.DataFrame({"code": codes, "name": prefix}).dropna()
                   .groupby("code")["name"].agg(lambda s: s.value_counts().index[0]))
    chosen = {c: names.get(c, derived.get(c, c)) for c in present}
    if all(chosen[c] == c for c in present):
        origin = "no names found: the 9-digit codes are the names"
    frame = pd.DataFrame({"township_code": present,
                          "township": [str(chosen[c]) for c in present]})
    dup = frame["township"].duplicated(keep=False)
    frame.loc[dup, "township"] = frame["township"] + " (" + frame["township_code"] + ")"
    frame["township_en"] = frame["township_code"]
    frame["kind"] = _kind(frame["township"])
    if table is not None:
        extra = table.drop_duplicates("township_code").set_index("township_code")
        for col in ("township_en", "kind"):
            if col in extra.columns:
                values = frame["township_code"].map(extra[col]).fillna("")
                frame[col] = values.where(values != "", frame[col])
    frame["is_county_seat"] = _seat(frame, codes, urban_ha, mapping, table)
    seat = frame.loc[frame["is_county_seat"], "township"]
    origin += f"; county seat {seat.iloc[0] if len(seat) else 'none'}"
    parcel_names = codes.map(frame.set_index("township_code")["township"])
    columns = ["township", "township_en", "kind", "is_county_seat", "township_code"]
    return frame[columns], parcel_names, origin


def _seat(frame: pd.DataFrame, codes: pd.Series, urban_ha: pd.Series,
          mapping: ImportMapping, table: pd.DataFrame | None) -> pd.Series:
    if mapping.county_seat is not None:
        if mapping.county_seat not in set(frame["township"]):
            msg = (f"{mapping.source}: key townships.county_seat = {mapping.county_seat!r} is "
                   f"not a township of the layer ({', '.join(frame['township'])}). Fix: name "
                   "one of them")
            raise InputError(msg)
        return frame["township"].eq(mapping.county_seat)
    if table is not None and "is_county_seat" in table.columns:
        flags = parse_bool(table.set_index("township_code")["is_county_seat"].replace("", None))
        return frame["township_code"].map(flags.fillna(False)).fillna(False).astype(bool)
    urban = urban_ha.groupby(codes).sum()
    if urban.max() <= 0:
        return pd.Series(False, index=frame.index)
    return frame["township_code"].eq(urban.idxmax())
