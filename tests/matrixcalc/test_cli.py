"""``symml matdiff``: the issue's done-when commands, and recipes with ``matdiff:`` lines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from symml.cli import build_notes, main

SHAPES = "X:n,m w:m y:n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_logistic_gradient_with_steps_verified(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "matdiff",
        "sum(log(1 + exp(-y * (X @ w))))",
        "--wrt",
        "w",
        "--shapes",
        SHAPES,
        "--steps",
        "--verify",
    )
    assert code == 0 and err == ""
    lines = out.strip().splitlines()
    assert lines[1].startswith("linearity: du_1 = X dw")  # plain text (LaTeX with --latex)
    assert any(line.startswith("identification: ") for line in lines)
    assert any(line.startswith("verify: passed") for line in lines)
    assert lines[-1] == "-X.T @ (y * sigmoid(-(y * (X @ w))))"


def test_logistic_hessian_latex(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "matdiff",
        "sum(softplus(X @ w)) - y.T @ X @ w",
        "--wrt",
        "w",
        "--shapes",
        SHAPES,
        "--hessian",
        "--latex",
    )
    assert code == 0
    assert out.strip().endswith(
        r"X^{T} \operatorname{diag}\left(\sigma\left(X w\right) \odot "
        r"\left(\mathbf{1} - \sigma\left(X w\right)\right)\right) X"
    )


def test_export(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "grad.py"
    code, out, _ = run(
        capsys,
        "matdiff",
        "norm(X @ w - y)**2 / 2",
        "--wrt",
        "w",
        "--shapes",
        SHAPES,
        "--export",
        str(path),
    )
    assert code == 0 and f"exported: {path} (function grad)" in out
    namespace: dict = {}
    exec(path.read_text(), namespace)  # the module symml just wrote
    X, w, y = np.eye(3, 2), np.array([1.0, 2.0]), np.ones(3)
    np.testing.assert_allclose(namespace["grad"](X, w, y), X.T @ (X @ w - y))


def test_bad_shapes_are_one_line_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "matdiff", "X @ y", "--wrt", "y", "--shapes", SHAPES)
    assert code == 2 and "X is n×m but y is n×1" in err and len(err.strip().splitlines()) == 1


def test_recipe_lines() -> None:
    notes = build_notes(
        'matdiff: sum(softplus(X @ w)) - y.T @ X @ w | w --shapes "X:n,m w:m y:n" --hessian'
    )
    assert "1 derivation" in repr(notes)
