"""Shared fixtures: small synthetic counties and helpers to write bad input files."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

from landsim.synthetic import synthesize, write_county

# Property tests draw the same examples on every run (CI must not depend on luck);
# HYPOTHESIS_PROFILE=explore searches new examples locally.
settings.register_profile("deterministic", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DIR = REPO / "src" / "landsim" / "data" / "sample_county"


@pytest.fixture(scope="session")
def small_county():
    """A 300-parcel synthetic county (seed 11), generated once per session."""
    return synthesize(300, seed=11)


@pytest.fixture
def county_dir(small_county, tmp_path: Path) -> Path:
    """A fresh folder holding the small county's files (safe to break in a test)."""
    folder = tmp_path / "county"
    write_county(small_county, folder)
    return folder


@pytest.fixture
def parcels_csv(county_dir: Path) -> Callable[..., Path]:
    """Factory: write the small county's parcels.csv after ``edit(frame)`` and return it."""

    def make(edit: Callable[[pd.DataFrame], pd.DataFrame]) -> Path:
        path = county_dir / "parcels.csv"
        frame = edit(pd.read_csv(path, dtype=str, keep_default_na=False))
        frame.to_csv(path, index=False)
        return path

    return make


def file_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file in ``folder`` (to prove readers never write their input)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}
