"""csv_writer formats plain-number tables itself: the bytes DataFrame.to_csv writes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landsim.outputs import _numeric_csv, csv_writer


def _pandas(frame: pd.DataFrame, fmt: str | None) -> str:
    return frame.to_csv(index=False, lineterminator="\n", float_format=fmt)


@pytest.mark.parametrize("fmt", ["%.6g", "%.17g", "%.3f", "%g"])
def test_numbers_are_written_as_pandas_writes_them(fmt, tmp_path):
    rng = np.random.default_rng(7)
    n = 3000
    frame = pd.DataFrame({"draw": np.arange(n),
                          "x": rng.standard_normal(n) * 10.0 ** rng.integers(-14, 14, n),
                          "negative_zero": -0.0, "small": np.int16(-3),
                          "u": np.arange(n, dtype=np.uint32)})
    assert _numeric_csv(frame, fmt) == _pandas(frame, fmt)
    csv_writer(frame, fmt)(tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == _pandas(frame, fmt).encode()


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"x": [1.0, np.nan]}),  # NaN: pandas' na_rep
    pd.DataFrame({"x": [1.0, np.inf]}),
    pd.DataFrame({"s": ["a", "b"]}),
    pd.DataFrame({"b": [True, False]}),
    pd.DataFrame({"a,b": [1, 2]}),  # a name that needs quoting
    pd.DataFrame({0: [1, 2]}),
], ids=["nan", "inf", "text", "bool", "quoted-name", "int-name"])
def test_other_tables_go_to_pandas(frame, tmp_path):
    assert _numeric_csv(frame, "%.6g") is None
    csv_writer(frame)(tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == _pandas(frame, "%.6g").encode()
