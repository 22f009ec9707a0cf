"""Samplers and Monte Carlo: distributions checked against exact CDFs and moments."""

from __future__ import annotations

import numpy as np
import pytest
from sympy import stats as ss

import symml as sm

# --- the command line --------------------------------------------------------------------------


def _table(out: str) -> dict[str, float]:
    rows = [line.split() for line in out.splitlines()]
    return {
        r[0]: float(r[1])
        for r in rows
        if len(r) == 2 and r[0] in {"mean", "std", "min", "5%", "25%", "50%", "75%", "95%", "max"}
    }


def test_cli_sample_summary(cli):
    result = cli("sample", "--dist", "X=Normal(0,1)", "-n", "2000", "--seed", "1")
    assert result.code == 0
    table = _table(result.out)
    draws = sm.sampler(ss.Normal("X", 0, 1))(2000, rng=1)
    assert table["mean"] == pytest.approx(draws.mean(), rel=1e-5)
    assert table["std"] == pytest.approx(draws.std(ddof=1), rel=1e-5)
    assert table["50%"] == pytest.approx(np.median(draws), rel=1e-5, abs=1e-9)
    assert table["min"] < table["5%"] < table["25%"] < table["75%"] < table["95%"] < table["max"]


def test_cli_sample_expression_and_files(tmp_path, cli):
    npy, csv = tmp_path / "d.npy", tmp_path / "d.csv"
    args = [
        "sample",
        "X + Y",
        "--dist",
        "X=Normal(1,2)",
        "--dist",
        "Y=Exponential(2)",
        "-n",
        "500",
        "--seed",
        "3",
    ]
    first = cli(*args, "--out", str(npy))
    assert first.code == 0
    second = cli(*args, "--out", str(csv))
    assert second.code == 0
    out = first.out + second.out
    assert "wrote 500 draws" in out
    expected = sm.sampler(ss.Normal("X", 1, 2) + ss.Exponential("Y", 2))(500, rng=3)
    np.testing.assert_array_equal(np.load(npy), expected)
    np.testing.assert_allclose(np.loadtxt(csv, delimiter=",", skiprows=1), expected, rtol=1e-15)
    assert csv.read_text().splitlines()[0] == "X + Y"


def test_cli_sample_latex(cli):
    result = cli("sample", "--dist", "D=Die(6)", "-n", "100", "--seed", "0", "--latex")
    assert result.code == 0
    out = result.out
    assert out.splitlines()[0] == r"D \sim \operatorname{Die}\left(6\right)"
    assert _table(out)["min"] >= 1 and _table(out)["max"] <= 6


@pytest.mark.parametrize(
    "args",
    [
        ["--dist", "X=Normal(0,1)", "--out", "draws.txt"],
        ["--dist", "X=Foo(1)"],
        ["--dist", "X=Normal(mu,1)"],
        ["--dist", "X=Normal(0,-1)"],
        ["X + Z", "--dist", "X=Normal(0,1)"],
        ["--dist", "X=Normal(0,1)", "--dist", "Y=Normal(0,1)"],
        [],
        ["--dist", "X=Normal(0,1)", "-n", "0"],
        ["--dist", "X=Normal(0,1)", "-n", "100000000000"],  # 745 GB: was a MemoryError (exit 1)
        ["--dist", "X=Normal(0,1)", "--seed", "-1"],  # was "expected non-negative integer"
        ["--dist", "X=Normal(0,oo)"],
    ],
)
def test_cli_sample_bad_input_exits_2(args, cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("sample", *args)
    assert result.code == 2
    err = result.err
    assert err.startswith("symml: error:") and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "draws.txt").exists()
