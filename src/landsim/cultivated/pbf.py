"""The PBF layout's quality check: land brought into permanent basic farmland against
land taken out (占优补优 for the 永久基本农田 adjustment).

A layout (design 5.2 ``layout.csv``: parcel_id, change in kept/added/removed/none) and the
parcels give, for the parcels added and removed: area [ha], area-weighted quality grade,
grain capacity (area x standard yield, :class:`~landsim.cultivated.params.StandardYield`)
[kg]. The check passes when the land brought in is at least as good (mean grade not
worse) and yields at least as much per hectare as the land taken out, and its capacity
in total is not lower.

A PBF adjustment changes the designation of cultivated land, not the land itself, so it
credits and debits none of the three accounts: ``cultivated_change_ha`` reports any
added or removed parcel that is not cultivated land (0101/0102/0103), which a layout of
eligible parcels never has.

>>> import pandas as pd
>>> parcels = pd.DataFrame({"parcel_id": ["a", "b", "c"], "land_class": ["0103"] * 3,
...                         "area_ha": [1.0, 2.0, 1.0], "quality_grade": [9, 6, 4]})
>>> layout = pd.DataFrame({"parcel_id": ["a", "b", "c"],
...                        "change": ["removed", "added", "kept"]})
>>> check = layout_quality_check(layout, parcels)
>>> check.loc[["added", "removed"], ["area_ha", "mean_grade", "capacity_kg"]].values.tolist()
[[2.0, 6.0, 16500.0], [1.0, 9.0, 6000.0]]
>>> bool(check.attrs["passed"])
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landsim.cultivated.params import CultivatedPolicy
from landsim.errors import InputError
from landsim.schema import CULTIVATED_CLASSES

__all__ = ["layout_quality_check"]


def layout_quality_check(layout: pd.DataFrame, parcels: pd.DataFrame,
                         policy: CultivatedPolicy | None = None,
                         source: str = "layout") -> pd.DataFrame:
    """Quality of the parcels a PBF layout adds against those it removes.

    Parameters
    ----------
    layout : pandas.DataFrame
        parcel_id, change (``added``/``removed``/``kept``/``none``).
    parcels : pandas.DataFrame
        parcel_id, land_class, area_ha [ha], quality_grade (1 best).
    policy : CultivatedPolicy, optional
        The standard-yield table.
    source : str
        Name of the layout in messages.

    Returns
    -------
    pandas.DataFrame
        Index ``added``, ``removed``; columns parcels, area_ha [ha], mean_grade,
        capacity_kg [kg], capacity_kg_per_ha [kg/ha], cultivated_change_ha [ha]. ``attrs``
        holds ``quality_ok``, ``capacity_ok`` and ``passed`` (both).
    """
    policy = CultivatedPolicy() if policy is None else policy
    for name, frame, cols in ((source, layout, ("parcel_id", "change")),
                              ("parcels", parcels, ("parcel_id", "land_class", "area_ha",
                                                    "quality_grade"))):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            msg = f"{name}: missing column(s) {', '.join(missing)}"
            raise InputError(msg)
    merged = layout[["parcel_id", "change"]].astype({"parcel_id": str, "change": str}).merge(
        parcels.astype({"parcel_id": str}), on="parcel_id", how="left", indicator=True)
    unknown = merged.loc[merged["_merge"] == "left_only", "parcel_id"]
    if len(unknown):
        msg = (f"{source}: parcel_id {', '.join(unknown.head(5))} not in the parcels. Fix: "
               "check the layout belongs to this county")
        raise InputError(msg)
    rows = {}
    for side in ("added", "removed"):
        part = merged[merged["change"] == side]
        cultivated = part["land_class"].astype(str).isin(CULTIVATED_CLASSES)
        graded = part[cultivated & part["quality_grade"].notna()]
        area = float(graded["area_ha"].sum())
        grades = graded["quality_grade"].astype(int)
        kg = float((graded["area_ha"] * policy.yields.kg_per_ha(grades)).sum()) if area else 0.0
        rows[side] = {
            "parcels": len(part), "area_ha": float(part["area_ha"].sum()),
            "mean_grade": float((graded["area_ha"] * grades).sum() / area) if area else np.nan,
            "capacity_kg": kg, "capacity_kg_per_ha": kg / area if area else np.nan,
            "cultivated_change_ha": float(part.loc[~cultivated, "area_ha"].sum())}
    table = pd.DataFrame.from_dict(rows, orient="index")
    a, r = table.loc["added"], table.loc["removed"]
    nothing_out = r["area_ha"] == 0
    quality_ok = bool(nothing_out or a["mean_grade"] <= r["mean_grade"] + 1e-9)
    capacity_ok = bool(nothing_out or (a["capacity_kg_per_ha"] >= r["capacity_kg_per_ha"] - 1e-6
                                       and a["capacity_kg"] >= r["capacity_kg"] - 1e-6))
    table.attrs.update(quality_ok=quality_ok, capacity_ok=capacity_ok,
                       passed=quality_ok and capacity_ok)
    return table
