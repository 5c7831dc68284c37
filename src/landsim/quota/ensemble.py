"""Monte Carlo ensembles of the two-links quota simulation, in-process or on Dask.

Uncertain inputs are given as distributions in a scenario's ``[uncertain]`` table. All
draws are sampled up front from one seeded generator, then run in batches through the
vectorised engine (arrays ``(draws, years, townships)``; no Python loop over draws).
Batches run in this process, on a local Dask cluster, or on an existing Dask cluster;
because the draws are fixed before batching and draws never interact, every way of
running gives identical numbers for the same seed.

>>> from landsim.quota.scenario import Scenario
>>> s = Scenario("demo", uncertain={"population.settlement_share":
...                                 {"dist": "uniform", "low": 0.2, "high": 0.4}})
>>> d = sample_draws(s.uncertain, 3, seed=1)
>>> [round(float(x), 3) for x in d["population.settlement_share"]]
[0.302, 0.39, 0.229]
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from landsim.errors import InputError

__all__ = [
    "ANNUAL_FORMATS",
    "annual_sink",
    "check_scheduler",
    "PERCENTILES",
    "SUMMARY_COLUMNS",
    "Ensemble",
    "run_ensemble",
    "sample_draws",
    "summarise",
]

log = logging.getLogger(__name__)

PERCENTILES = (5, 25, 50, 75, 95)
"""Percentiles reported for each summary column. [%]"""

SUMMARY_COLUMNS = ("new_construction_land_ha", "pop_link_quota_ha", "stock_link_quota_ha",
                   "key_project_quota_ha", "cumulative_new_ha", "settled_migrants",
                   "per_capita_urban_land_m2", "stock_disposed_ha")
"""Annual columns summarised by percentiles across draws."""

# Valid range of each uncertain target; normal draws are clipped into it.
_BOUNDS: dict[str, tuple[float, float]] = {
    "population.natural_growth_rate": (-0.5, 0.5),
    "population.net_migration_rate": (-0.5, 0.5),
    "population.urbanisation_saturation": (0.0, 1.0),
    "population.urbanisation_speed": (0.0, 10.0),
    "population.settlement_share": (0.0, 1.0),
    "stock.unsupplied_disposal_rate": (0.0, 1.0),
    "stock.idle_disposal_rate": (0.0, 1.0),
    "stock.inefficient_redevelopment_rate": (0.0, 1.0),
    "policy.stock_link.ratio": (0.0, math.inf),
    "policy.population_link.provincial_factor": (0.0, math.inf),
    "economy.gdp_growth_rate": (-0.5, 0.5),
}


def sample_draws(uncertain: Mapping[str, Mapping[str, Any]], n_draws: int,
                 seed: int) -> dict[str, np.ndarray]:
    """Draw ``n_draws`` values of every uncertain target.

    Targets are drawn in sorted order from one ``numpy.random.default_rng(seed)``, so the
    result depends only on the distributions, ``n_draws`` and ``seed``. Normal draws are
    clipped to the target's valid range (e.g. shares to 0..1).

    Parameters
    ----------
    uncertain : mapping
        ``{target: {"dist": "uniform"|"triangular"|"normal", ...}}`` as validated by
        :class:`~landsim.quota.scenario.Scenario`.
    n_draws : int
        Number of draws. [count]
    seed : int
        Seed of the generator.

    Returns
    -------
    dict of numpy.ndarray
        ``{target: values (n_draws,)}``.
    """
    if int(n_draws) != n_draws or n_draws < 1:
        msg = f"draws must be a whole number >= 1, got {n_draws!r}"
        raise InputError(msg)
    rng = np.random.default_rng(seed)
    out: dict[str, np.ndarray] = {}
    for target in sorted(uncertain):
        spec = uncertain[target]
        dist = spec["dist"]
        if dist == "uniform":
            values = rng.uniform(spec["low"], spec["high"], int(n_draws))
        elif dist == "triangular":
            if spec["low"] == spec["high"]:
                values = np.full(int(n_draws), float(spec["low"]))
            else:
                values = rng.triangular(spec["low"], spec["mode"], spec["high"], int(n_draws))
        elif dist == "normal":
            values = rng.normal(spec["mean"], spec["sd"], int(n_draws))
        else:  # Scenario validation makes this unreachable
            msg = f"uncertain.{target}: unknown dist {dist!r}"
            raise InputError(msg)
        lo, hi = _BOUNDS.get(target, (-math.inf, math.inf))
        out[target] = np.clip(values, lo, hi)
    return out


@dataclass(frozen=True)
class Ensemble:
    """Result of :func:`run_ensemble`.

    Attributes
    ----------
    annual : pandas.DataFrame or None
        County annual table (design 5.3 columns) with a ``draw`` column, one row per
        (draw, year); None when :func:`run_ensemble` handed it to ``on_batch`` instead.
    summary : pandas.DataFrame
        One row per year: percentiles ``<column>_p5`` ... ``_p95`` of
        :data:`SUMMARY_COLUMNS`, the mean new construction land [ha], the demand [ha] and
        ``p_shortfall``, the share of draws whose new construction land falls short of it.
    draws : pandas.DataFrame
        The sampled inputs, one row per draw.
    """

    annual: pd.DataFrame | None
    summary: pd.DataFrame
    draws: pd.DataFrame


def _run_batch(draws: Mapping[str, np.ndarray], *, scenario: Any, inputs: Any,
               policy_path: str | None) -> pd.DataFrame:
    """County annual table of one batch of draws (draw numbers from 0 within the batch)."""
    from landsim.quota.scenario import run_scenario

    engine_draws = {k: v for k, v in draws.items() if k != "economy.gdp_growth_rate"}
    n = len(next(iter(draws.values()))) if draws else 1
    run = run_scenario(scenario, inputs, policy_path=policy_path, draws=engine_draws)
    annual = run.annual
    if "draw" not in annual.columns:  # one draw, or no uncertain input varies by draw
        annual = pd.concat([annual.assign(draw=d) for d in range(n)], ignore_index=True)
    return annual


def _batches(draws: Mapping[str, np.ndarray], n_draws: int,
             batch_size: int) -> list[tuple[int, dict[str, np.ndarray]]]:
    starts = range(0, n_draws, batch_size)
    return [(s, {k: v[s:s + batch_size] for k, v in draws.items()}) for s in starts]


def _map(fn: Callable[[dict[str, np.ndarray]], pd.DataFrame],
         batches: Sequence[dict[str, np.ndarray]], scheduler: str | None,
         progress: bool) -> Iterator[pd.DataFrame]:
    """``fn`` of every batch, yielded in batch order as each is ready (one batch's table in
    memory at a time here; on Dask, each result is released once yielded)."""
    from tqdm.auto import tqdm

    bar = partial(tqdm, total=len(batches), desc="quota ensemble", unit="batch",
                  disable=not progress)
    if scheduler is None or len(batches) == 1:
        yield from (fn(b) for b in bar(batches))
        return
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=min(len(batches), os.cpu_count() or 1),
                               threads_per_worker=1, dashboard_address=None)
        client = Client(cluster)
    else:
        check_scheduler(scheduler)
        client = Client(scheduler, timeout="20s")
    try:
        futures = client.map(fn, batches, pure=False)
        done = iter(bar(as_completed(futures)))
        for i, future in enumerate(futures):
            while not future.done():
                next(done, None)
            yield future.result()
            futures[i] = None  # let the cluster forget it
        for _ in done:
            pass
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


SCHEDULER_PROBE_S = 3.0
"""Seconds to wait for a remote Dask scheduler to accept a connection before giving up."""


def check_scheduler(address: str, timeout_s: float = SCHEDULER_PROBE_S) -> None:
    """Fail fast, naming the address and the fix, when no scheduler listens at ``address``.

    Parameters
    ----------
    address : str
        ``tcp://HOST:PORT`` or ``HOST:PORT`` of a Dask scheduler.
    timeout_s : float
        Seconds to wait for the connection. [s]

    Raises
    ------
    InputError
        The address is malformed or nothing accepts a connection there in time.
    """
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    where = f"--scheduler {address}"
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if parts.scheme not in ("tcp", "tls") or not host or not port:
        msg = (f"{where}: not a scheduler address. Fix: give tcp://HOST:PORT (e.g. "
               "tcp://10.0.0.5:8786), 'local' or 'none'")
        raise InputError(msg)
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            pass
    except OSError as err:
        reason = err.strerror or type(err).__name__
        msg = (f"{where}: no Dask scheduler answers there within {timeout_s:g} s ({reason}). "
               "Fix: start one (`dask scheduler`, then `dask worker ADDRESS`) and give its "
               "address, or use --scheduler local")
        raise InputError(msg) from None


def summarise(annual: pd.DataFrame, demand_ha: float | pd.Series | None) -> pd.DataFrame:
    """Percentile bands per year and the probability of falling short of ``demand_ha``.

    Parameters
    ----------
    annual : pandas.DataFrame
        Per-draw county annual table (columns year, draw and :data:`SUMMARY_COLUMNS`).
    demand_ha : float, pandas.Series indexed by year, or None
        New construction land needed per year [ha]. None: no shortfall column.
    """
    years, values = _by_year(annual)
    return _summary(years, values, demand_ha)


def _by_year(annual: pd.DataFrame) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Years and the :data:`SUMMARY_COLUMNS` as ``(years, draws)`` arrays in draw order."""
    years = np.sort(annual["year"].unique())
    if _draw_major(annual, years):  # as the engine writes it: no sort needed
        n_draws = len(annual) // len(years)
        return years, {col: np.ascontiguousarray(
            annual[col].to_numpy(float).reshape(n_draws, len(years)).T)
            for col in SUMMARY_COLUMNS}
    ordered = annual.sort_values(["year", "draw"])
    n_draws = ordered["draw"].nunique()
    return years, {col: ordered[col].to_numpy(float).reshape(len(years), n_draws)
                   for col in SUMMARY_COLUMNS}


def _draw_major(annual: pd.DataFrame, years: np.ndarray) -> bool:
    """Whether the rows are draw by draw, each draw's ``years`` in order, draws increasing
    (then reshaping gives what sorting by year and draw gives)."""
    n_t = len(years)
    if n_t == 0 or len(annual) % n_t:
        return False
    year = annual["year"].to_numpy().reshape(-1, n_t)
    draw = annual["draw"].to_numpy().reshape(-1, n_t)
    return bool((year == years).all() and (draw == draw[:, :1]).all()
                and (np.diff(draw[:, 0]) > 0).all())


def _summary(years: np.ndarray, values: Mapping[str, np.ndarray],
             demand_ha: float | pd.Series | None) -> pd.DataFrame:
    """:func:`summarise` from ``(years, draws)`` arrays of the summary columns."""
    rows: dict[str, Any] = {"year": years}
    for col in SUMMARY_COLUMNS:
        pct = np.percentile(values[col], PERCENTILES, axis=1)
        for p, row in zip(PERCENTILES, pct, strict=True):
            rows[f"{col}_p{p}"] = row
    new = values["new_construction_land_ha"]
    rows["new_construction_land_mean_ha"] = new.mean(axis=1)
    summary = pd.DataFrame(rows)
    if demand_ha is not None:
        demand = (pd.Series(demand_ha).reindex(years).to_numpy(float)
                  if isinstance(demand_ha, pd.Series) else np.full(len(years), float(demand_ha)))
        if np.isnan(demand).any():
            missing = years[np.isnan(demand)].tolist()
            msg = f"demand_ha has no value for year(s) {missing}; give one per simulated year"
            raise InputError(msg)
        summary["demand_ha"] = demand
        summary["p_shortfall"] = (new < demand[:, None] - 1e-9).mean(axis=1)
    return summary


def run_ensemble(scenario: Any, inputs: Any, n_draws: int, *, seed: int | None = None,
                 batch_size: int = 10_000, scheduler: str | None = None,
                 progress: bool = False, demand_ha: float | pd.Series | None = None,
                 policy_path: str | Path | None = None,
                 on_batch: Callable[[pd.DataFrame], object] | None = None) -> Ensemble:
    """Run ``n_draws`` Monte Carlo draws of ``scenario`` and summarise them.

    Parameters
    ----------
    scenario : Scenario
        Its ``uncertain`` table gives the distributions; without one every draw is the
        deterministic run.
    inputs : ScenarioInputs
        County tables.
    n_draws : int
        Number of draws. [count]
    seed : int, optional
        Seed of the draws; default the scenario's ``seed``.
    batch_size : int
        Draws per batch (memory grows with it: about 20 float arrays of
        batch x years x townships). [count]
    scheduler : None, "local" or str
        None runs batches in this process; "local" starts a local Dask cluster (one
        worker per core); any other string is the address of a running Dask scheduler
        (e.g. ``tcp://10.0.0.5:8786``). Results are identical in every case.
    progress : bool
        Show a tqdm progress bar over batches.
    demand_ha : float or pandas.Series, optional
        New construction land needed per year [ha]; default the scenario's
        ``demand_ha_per_year``. Without either, no shortfall probability is reported.
    policy_path : str or Path, optional
        Policy TOML the scenario's overrides apply to.
    on_batch : callable, optional
        Called with each batch's annual table (global draw numbers, batches in draw
        order), e.g. an :func:`annual_sink` writing it to disk; the ensemble then keeps no
        annual table (``annual`` is None), so memory stays that of one batch plus the
        summary columns.

    Returns
    -------
    Ensemble
    """
    if int(batch_size) != batch_size or batch_size < 1:
        msg = f"batch_size must be a whole number >= 1, got {batch_size!r}"
        raise InputError(msg)
    seed = scenario.seed if seed is None else seed
    draws = sample_draws(scenario.uncertain, n_draws, seed)
    if "economy.gdp_growth_rate" in draws:
        log.info("economy.gdp_growth_rate affects only GDP indicators, not the quota")
    batches = _batches(draws, int(n_draws), int(batch_size))
    if not draws:  # nothing uncertain: a single deterministic run stands for every draw
        batches = [(0, {})]
    fn = partial(_run_batch, scenario=scenario, inputs=inputs,
                 policy_path=None if policy_path is None else str(policy_path))
    tables = _map(fn, [b for _, b in batches], scheduler, progress)
    parts, columns = [], []
    years = np.empty(0)
    for (start, _), table in zip(batches, tables, strict=True):
        if not draws:
            table = pd.concat([table[table["draw"] == 0].assign(draw=d)
                               for d in range(int(n_draws))], ignore_index=True)
        table = table.assign(draw=table["draw"] + start)
        front = ["draw", "year"]
        table = table[front + [c for c in table.columns if c not in front]]
        years, values = _by_year(table)
        columns.append(values)
        if on_batch is None:
            parts.append(table)
        else:
            on_batch(table)
        del table
    values = {col: np.concatenate([v[col] for v in columns], axis=1) for col in SUMMARY_COLUMNS}
    annual = pd.concat(parts, ignore_index=True) if on_batch is None else None
    demand = scenario.demand_ha_per_year if demand_ha is None else demand_ha
    draws_table = pd.DataFrame({"draw": np.arange(int(n_draws)), **draws})
    return Ensemble(annual=annual, summary=_summary(years, values, demand), draws=draws_table)


ANNUAL_FORMATS = ("parquet", "csv")
"""Formats of an ensemble's per-draw annual table: ``annual.parquet`` (default) or
``annual.csv``."""


@contextlib.contextmanager
def annual_sink(path: str | Path, fmt: str = "parquet") -> Iterator[Callable[[pd.DataFrame],
                                                                                None]]:
    """A writer of an ensemble's annual table, one batch at a time (see ``on_batch``).

    Parameters
    ----------
    path : str or Path
        File to write (``annual.parquet`` or ``annual.csv``).
    fmt : {'parquet', 'csv'}
        Parquet: one row group per batch, zstd-compressed (floats byte-stream-split),
        ``draw`` int32, ``year`` int16, text codes (``binding_cap``, ``balance_account``)
        as dictionary columns, numbers float64 as computed. CSV: the design 5.3 text
        table, header once.

    Yields
    ------
    callable
        Takes one batch's table; batches must come in draw order with the same columns.
    """
    if fmt not in ANNUAL_FORMATS:
        msg = f"annual format {fmt!r} unknown; valid: {', '.join(ANNUAL_FORMATS)}"
        raise InputError(msg)
    if fmt == "csv":
        first = [True]

        def write_csv(table: pd.DataFrame) -> None:
            table.to_csv(path, mode="w" if first[0] else "a", header=first[0], index=False,
                         lineterminator="\n")
            first[0] = False

        yield write_csv
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer: list[pq.ParquetWriter] = []

    def write_parquet(table: pd.DataFrame) -> None:
        compact = table.astype({c: t for c, t in (("draw", "int32"), ("year", "int16"))
                                if c in table.columns})
        for col in ("binding_cap", "balance_account"):
            if col in compact.columns:
                compact[col] = compact[col].astype("category")
        arrow = pa.Table.from_pandas(compact, preserve_index=False)
        if not writer:
            # floats byte-stream-split before zstd: 141 MB instead of 195 MB for 100,000
            # draws x 13 years, and faster; dictionaries only for codes and integers
            floats = [f.name for f in arrow.schema if pa.types.is_floating(f.type)]
            writer.append(pq.ParquetWriter(
                path, arrow.schema, compression="zstd", use_byte_stream_split=floats,
                use_dictionary=[c for c in arrow.column_names if c not in floats]))
        else:
            arrow = arrow.cast(writer[0].schema)
        writer[0].write_table(arrow)

    try:
        yield write_parquet
    finally:
        if writer:
            writer[0].close()
