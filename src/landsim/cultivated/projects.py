"""New cultivated-land verification (新增耕地核定): per project, the figures and the rules.

For each land consolidation, reclamation or development project (a table with the
:data:`landsim.schema.CULTIVATED_PROJECTS` columns):

- newly added cultivated area ``ΔA = A_after - A_before`` with ``A = 0101 + 0102 + 0103``
  [ha];
- newly added paddy ``ΔP = paddy_after - paddy_before`` [ha];
- grain productive capacity added ``ΔC = A_after Y(g_after) - A_before Y(g_before)``
  [kg], Y the standard yield of a grade (:class:`~landsim.cultivated.params.StandardYield`),
  so upgrading existing land (提质改造) counts as capacity too;
- the acceptance rules of :class:`~landsim.cultivated.params.AcceptanceRules`, each with
  the project's value and the limit when it fails.

A project that passes every switched-on rule is credited ``ΔA``, ``ΔC`` and ``ΔP`` (each
at least 0) in its credit year: the year of acceptance, else of (planned) completion.

>>> import pandas as pd
>>> row = dict(project_id="P1", township="A", project_type="development",
...            paddy_before_ha=0.0, irrigated_before_ha=0.0, dry_before_ha=0.0,
...            paddy_after_ha=0.0, irrigated_after_ha=2.0, dry_after_ha=8.0,
...            grade_before=None, grade_after=8, slope_deg=12.0, soil_depth_cm=60.0,
...            irrigated=True, road_access=True, completion_date=pd.Timestamp("2021-06-30"),
...            acceptance_date=pd.Timestamp("2021-11-30"), status="accepted")
>>> v = verify_projects(pd.DataFrame([row]))
>>> v.verified[["new_cultivated_ha", "capacity_kg", "passed", "year"]].to_dict("records")
[{'new_cultivated_ha': 10.0, 'capacity_kg': 67500.0, 'passed': True, 'year': 2021}]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from landsim.cultivated.params import AcceptanceRules, CultivatedPolicy, StandardYield
from landsim.errors import InputError

__all__ = ["RULES", "VERIFIED_COLUMNS", "FAILURE_COLUMNS", "Verification", "verify_projects"]

RULES = ("status", "slope", "soil_depth", "paddy_irrigation", "grade", "road_access",
         "quantity_not_lower", "paddy_not_lower", "capacity_not_lower")
"""Names of the acceptance rules, in the order they are checked."""

VERIFIED_COLUMNS = (
    "project_id", "township", "project_type", "year", "status", "cultivated_before_ha",
    "cultivated_after_ha", "new_cultivated_ha", "new_paddy_ha", "grade_before", "grade_after",
    "capacity_before_kg", "capacity_after_kg", "capacity_kg", "passed", "failed_rules",
    "credit_quantity_ha", "credit_capacity_kg", "credit_paddy_ha",
)
"""Columns of ``verified.csv``: one row per project; credits are 0 for a failed project."""

FAILURE_COLUMNS = ("project_id", "township", "rule", "value", "limit", "unit", "message")
"""Columns of ``failures.csv``: one row per (project, failed rule)."""

_TOL = 1e-9
_REQUIRED = ("project_id", "township", "project_type", "paddy_before_ha",
             "irrigated_before_ha", "dry_before_ha", "paddy_after_ha", "irrigated_after_ha",
             "dry_after_ha", "grade_before", "grade_after", "slope_deg", "soil_depth_cm",
             "irrigated", "road_access", "completion_date", "status")


@dataclass(frozen=True)
class Verification:
    """Result of :func:`verify_projects`.

    Attributes
    ----------
    verified : pandas.DataFrame
        :data:`VERIFIED_COLUMNS`; areas [ha], capacity [kg], grades 1..10.
    failures : pandas.DataFrame
        :data:`FAILURE_COLUMNS`, sorted by project and rule order.
    """

    verified: pd.DataFrame
    failures: pd.DataFrame

    def credits(self) -> pd.DataFrame:
        """Credits of the passed projects per year and township (quantity_ha,
        capacity_kg, paddy_ha)."""
        ok = self.verified[self.verified["passed"]]
        cols = {"credit_quantity_ha": "quantity_ha", "credit_capacity_kg": "capacity_kg",
                "credit_paddy_ha": "paddy_ha"}
        return (ok.groupby(["year", "township"], as_index=False)[list(cols)].sum()
                .rename(columns=cols))


def _capacity(area: np.ndarray, grade: pd.Series, yields: StandardYield) -> np.ndarray:
    """Area x standard yield; no area (or no grade with no area) gives 0. [kg]"""
    g = grade.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    has = area > _TOL
    missing = has & np.isnan(g)
    if missing.any():
        return np.full(area.shape, np.nan)
    y = np.zeros(area.shape)
    y[has] = yields.kg_per_ha(g[has])
    return area * y


def verify_projects(projects: pd.DataFrame, policy: CultivatedPolicy | None = None,
                    source: str = "projects") -> Verification:
    """Verify every project: newly added figures and the acceptance rules.

    Parameters
    ----------
    projects : pandas.DataFrame
        Columns of :data:`landsim.schema.CULTIVATED_PROJECTS` (as read by
        :func:`landsim.datasets.read_table`).
    policy : CultivatedPolicy, optional
        Yields and acceptance rules; default the packaged defaults.
    source : str
        Name of the table in messages.

    Returns
    -------
    Verification

    Raises
    ------
    InputError
        A required column is missing, or land existed before without a grade.
    """
    policy = CultivatedPolicy() if policy is None else policy
    rules: AcceptanceRules = policy.acceptance
    missing = [c for c in _REQUIRED if c not in projects.columns]
    if missing:
        msg = (f"{source}: missing column(s) {', '.join(missing)}. Fix: add them (see "
               "data/sample_county/README.md, cultivated_projects.csv)")
        raise InputError(msg)
    p = projects.reset_index(drop=True)
    f = {c: p[c].to_numpy(dtype=float) for c in (
        "paddy_before_ha", "irrigated_before_ha", "dry_before_ha", "paddy_after_ha",
        "irrigated_after_ha", "dry_after_ha", "slope_deg", "soil_depth_cm")}
    before = f["paddy_before_ha"] + f["irrigated_before_ha"] + f["dry_before_ha"]
    after = f["paddy_after_ha"] + f["irrigated_after_ha"] + f["dry_after_ha"]
    cap_before = _capacity(before, p["grade_before"], policy.yields)
    bad = np.isnan(cap_before)
    if bad.any():
        rows = ", ".join(str(x) for x in p.loc[bad, "project_id"].head(5))
        msg = (f"{source}: column 'grade_before' is empty for project(s) {rows} that had "
               "cultivated land before. Fix: give the grade of that land (1 best .. 10)")
        raise InputError(msg)
    cap_after = _capacity(after, p["grade_after"], policy.yields)
    new_area = after - before
    new_paddy = f["paddy_after_ha"] - f["paddy_before_ha"]
    capacity = cap_after - cap_before
    status = p["status"].astype(str).to_numpy()
    irrigated = p["irrigated"].astype(bool).to_numpy()
    road = p["road_access"].astype(bool).to_numpy()
    grade_after = p["grade_after"].astype(int).to_numpy()
    accepted = pd.to_datetime(p.get("acceptance_date"), errors="coerce") \
        if "acceptance_date" in p.columns else pd.Series(pd.NaT, index=p.index)
    completed = pd.to_datetime(p["completion_date"], errors="coerce")
    year = np.where(accepted.notna(), accepted.dt.year, completed.dt.year).astype(int)

    credited_status = ("accepted", "planned") if rules.credit_planned else ("accepted",)
    # (rule, fails?, value, limit, unit, message template)
    checks = [
        ("status", rules.require_accepted & ~np.isin(status, credited_status), status,
         "/".join(credited_status), "", "acceptance status {v} is not {lim}"),
        ("slope", f["slope_deg"] > rules.max_slope_deg + _TOL, f["slope_deg"],
         rules.max_slope_deg, "degree", "slope {v:g}° > {lim:g}°"),
        ("soil_depth", f["soil_depth_cm"] < rules.min_soil_depth_cm - _TOL, f["soil_depth_cm"],
         rules.min_soil_depth_cm, "cm", "soil depth {v:g} cm < {lim:g} cm"),
        ("paddy_irrigation", rules.paddy_requires_irrigation & (new_paddy > _TOL) & ~irrigated,
         new_paddy, "irrigated", "ha", "{v:g} ha of new paddy without irrigation"),
        ("grade", grade_after > rules.max_grade, grade_after.astype(float),
         float(rules.max_grade), "grade", "grade after {v:g} worse than {lim:g}"),
        ("road_access", rules.require_road_access & ~road, road.astype(float), 1.0, "",
         "no field-road access"),
        ("quantity_not_lower", rules.no_loss & (new_area < -_TOL), new_area, 0.0, "ha",
         "cultivated area falls by {neg:g} ha"),
        ("paddy_not_lower", rules.no_loss & (new_paddy < -_TOL), new_paddy, 0.0, "ha",
         "paddy falls by {neg:g} ha"),
        ("capacity_not_lower", rules.no_loss & (capacity < -_TOL), capacity, 0.0, "kg",
         "grain capacity falls by {neg:,.0f} kg"),
    ]
    failed: list[list[str]] = [[] for _ in range(len(p))]
    rows = []
    for name, fails, value, limit, unit, text in checks:
        for i in np.flatnonzero(np.broadcast_to(fails, (len(p),))):
            v = value[i]
            lim = limit
            vnum = float(v) if not isinstance(v, str) else np.nan
            message = text.format(v=v, lim=lim, neg=-vnum if vnum == vnum else 0.0)
            failed[i].append(name)
            rows.append((p.at[i, "project_id"], p.at[i, "township"], name,
                         v if isinstance(v, str) else round(float(v), 6),
                         lim if isinstance(lim, str) else float(lim), unit, message))
    passed = np.array([not x for x in failed])
    verified = pd.DataFrame({
        "project_id": p["project_id"].astype(str), "township": p["township"].astype(str),
        "project_type": p["project_type"].astype(str), "year": year, "status": status,
        "cultivated_before_ha": before, "cultivated_after_ha": after,
        "new_cultivated_ha": new_area, "new_paddy_ha": new_paddy,
        "grade_before": p["grade_before"].astype("Int64"), "grade_after": grade_after,
        "capacity_before_kg": cap_before, "capacity_after_kg": cap_after,
        "capacity_kg": capacity, "passed": passed,
        "failed_rules": [";".join(x) for x in failed],
        "credit_quantity_ha": np.where(passed, np.maximum(new_area, 0.0), 0.0),
        "credit_capacity_kg": np.where(passed, np.maximum(capacity, 0.0), 0.0),
        "credit_paddy_ha": np.where(passed, np.maximum(new_paddy, 0.0), 0.0),
    })
    failures = pd.DataFrame(rows, columns=list(FAILURE_COLUMNS))
    if len(failures):
        order = {r: j for j, r in enumerate(RULES)}
        failures = (failures.assign(_o=failures["rule"].map(order))
                    .sort_values(["project_id", "_o"], kind="stable")
                    .drop(columns="_o").reset_index(drop=True))
    return Verification(verified=verified, failures=failures)
