"""The import report: what was read, what became of it, and the rules that decided.

:class:`ImportReport` holds tidy tables (layers, land classes against TBMJ, control lines,
townships, dropped features, split parcels) and the rules as sentences; :meth:`text` is
what ``landsim county import`` prints and writes to ``import_report.txt``. Areas are
hectares with mu (亩) beside them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from landsim.units import format_ha_mu, ha_to_mu

__all__ = ["ImportReport"]


def _table(frame: pd.DataFrame, digits: int = 1) -> str:
    if frame.empty:
        return "  (none)"
    shown = frame.copy()
    for col in shown.columns:
        if pd.api.types.is_float_dtype(shown[col]):
            shown[col] = shown[col].map(lambda v: "" if pd.isna(v) else f"{v:,.{digits}f}")
    return "\n".join("  " + line for line in shown.to_string(index=False).splitlines())


@dataclass(frozen=True)
class ImportReport:
    """Tables and rules of one import (see the module docstring)."""

    layers: pd.DataFrame
    """role, file, layer, features, kept, dropped, repaired, crs, encoding."""
    land_classes: pd.DataFrame
    """land_class, name, features, parcels, tbmj_ha, area_ha, area_mu, difference_ha,
    geometry_ha (and tbdlmj_ha when the layer has TBDLMJ)."""
    overlays: pd.DataFrame
    """layer, parcels_inside, inside_ha, inside_mu, split_parcels, split_ha."""
    townships: pd.DataFrame
    """township_code, township, kind, is_county_seat, parcels, area_ha, cultivated_ha."""
    dropped: pd.DataFrame
    """layer, feature, id, reason."""
    split: pd.DataFrame
    """parcel_id, layer, share_inside_pct (parcels split by a control line)."""
    rules: tuple[str, ...] = field(default=())
    """The rules used, one sentence each."""

    def totals(self) -> dict[str, float]:
        """Parcel count, imported area and TBMJ total of the layer [ha]."""
        lc = self.land_classes
        return {"parcels": int(lc["parcels"].sum()), "area_ha": float(lc["area_ha"].sum()),
                "tbmj_ha": float(lc["tbmj_ha"].sum())}

    def text(self) -> str:
        """The report as printed (deterministic: no timings, no absolute paths)."""
        t = self.totals()
        dropped = self.dropped
        lines = [
            "Import of 三调 land-survey layers 三调数据导入",
            "",
            "Layers read 图层:",
            _table(self.layers),
            "",
            f"Parcels 图斑: {t['parcels']:,} in {len(self.townships)} townships; area "
            f"{format_ha_mu(t['area_ha'])} against TBMJ {format_ha_mu(t['tbmj_ha'])} "
            f"(difference {t['area_ha'] - t['tbmj_ha']:+,.2f} ha)",
            "",
            "Area per land class 地类面积 (imported area_ha against the layer's TBMJ) [ha, mu]:",
            _table(self.land_classes, 2),
            "",
            "Control lines 管控线 [ha, mu]:",
            _table(self.overlays, 2),
            "",
            "Townships 乡镇 [ha]:",
            _table(self.townships),
            "",
            f"Dropped features 剔除要素: {len(dropped)}"
            + (":" if len(dropped) else ""),
        ]
        if len(dropped):
            counts = dropped.groupby(["layer", "reason"]).size().reset_index(name="features")
            lines.append(_table(counts))
            lines.append(_table(dropped.head(10)))
            if len(dropped) > 10:
                lines.append(f"  ... {len(dropped) - 10} more in import_dropped.csv")
        lines += ["", "Rules 规则:"] + [f"  - {r}" for r in self.rules]
        return "\n".join(lines) + "\n"

    @staticmethod
    def land_class_table(frame: pd.DataFrame, kept: pd.Series, has_tbdlmj: bool
                         ) -> pd.DataFrame:
        """Per land class: features in the layer, parcels kept, TBMJ against area [ha]."""
        all_ = frame.groupby("land_class", sort=True).agg(
            name=("land_class_name", lambda s: s.mode().iloc[0] if s.notna().any() else ""),
            features=("tbmj_ha", "size"), tbmj_ha=("tbmj_ha", "sum"),
            tbdlmj_ha=("tbdlmj_ha", "sum"))
        kept_ = frame[kept.to_numpy()].groupby("land_class", sort=True).agg(
            parcels=("area_ha", "size"), area_ha=("area_ha", "sum"),
            geometry_ha=("geometry_ha", "sum"))
        table = all_.join(kept_, how="left").fillna({"parcels": 0, "area_ha": 0.0,
                                                      "geometry_ha": 0.0})
        table["parcels"] = table["parcels"].astype("int64")
        table["area_mu"] = ha_to_mu(table["area_ha"])
        table["difference_ha"] = table["area_ha"] - table["tbmj_ha"]
        columns = ["name", "features", "parcels", "tbmj_ha"]
        columns += ["tbdlmj_ha"] if has_tbdlmj else []
        columns += ["area_ha", "area_mu", "difference_ha", "geometry_ha"]
        return table[columns].reset_index()
