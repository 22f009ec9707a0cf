"""``symml demo``: every file it promises, derivations checked, notes that compile, each
gradient formula once."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from symml.notes import latex_problems
from tests.helpers import Cli

PDFLATEX = shutil.which("pdflatex")
#: The files the demo promises (the PDF only when pdflatex is on the PATH).
PROMISED = ["notes.tex", "notes.md", "grad_f.py", "notes-paths.png", "notes-convergence.png"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, cli: Cli) -> tuple[int, str, Path]:
    out = tmp_path_factory.mktemp("demo") / "tmp"
    code, printed, _ = cli("demo", "--out", str(out))
    return code, printed, out


def test_demo_writes_every_file_it_promises(demo: tuple[int, str, Path]) -> None:
    code, printed, out = demo
    assert code == 0
    listed = re.findall(r"^  (\S+)$", printed, re.M)
    promised = PROMISED + (["notes.pdf", "notes.log"] if PDFLATEX else [])
    assert sorted(listed) == sorted(promised)
    assert sorted(p.name for p in out.iterdir()) == sorted(listed)  # nothing it does not list
    for name in listed:
        assert (out / name).stat().st_size > 500, name
    assert f"wrote {len(listed)} files into {out}" in printed
    # no part skipped (without pdflatex the PDF is, and the demo says so)
    assert all(
        ln.startswith("skipped notes.pdf:") for ln in re.findall(r"^skipped.*", printed, re.M)
    )


def test_demo_summary_reports_every_check_passed(demo: tuple[int, str, Path]) -> None:
    _, printed, _ = demo
    for name in ("gradient", "hessian", "integral", "eigen", "expectation"):
        line = next(ln for ln in printed.splitlines() if ln.startswith(f"{name}:"))
        assert "[passed:" in line, line
    assert re.search(r"^newton: \d+ steps to \(1\.000000, 1\.000000\)", printed, re.M)
    assert re.search(r"^gradient descent: .*converged: True", printed, re.M)


def test_exported_gradient_matches_finite_differences(demo: tuple[int, str, Path]) -> None:
    _, _, out = demo
    spec = importlib.util.spec_from_file_location("grad_f", out / "grad_f.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def rosenbrock(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (1 - x) ** 2 + 100 * (y - x**2) ** 2

    rng = np.random.default_rng(3)
    x, y, h = rng.uniform(-2, 2, 20), rng.uniform(-1, 3, 20), 1e-6
    numeric = np.stack(
        [
            (rosenbrock(x + h, y) - rosenbrock(x - h, y)) / (2 * h),
            (rosenbrock(x, y + h) - rosenbrock(x, y - h)) / (2 * h),
        ],
        axis=-1,
    )
    assert np.allclose(module.grad_f(x, y), numeric, rtol=1e-6, atol=1e-4)


def test_demo_notes_hold_every_part(demo: tuple[int, str, Path]) -> None:
    _, _, out = demo
    md = (out / "notes.md").read_text(encoding="utf-8")
    for heading in (
        "## Gradient and Hessian",
        "## An integral",
        "## An eigen-decomposition",
        "## An expectation",
        "## Optimisation",
    ):
        assert heading in md
    assert md.count("*Numeric check*") == 5 and "**FAILED**" not in md
    assert r"\sqrt{2 \pi}" in md  # one root, not \sqrt{2} \sqrt{\pi}
    for link in re.findall(r"!\[[^]]*\]\(([^)]+)\)", md):
        assert (out / link).exists()


@pytest.mark.skipif(
    PDFLATEX is None,
    reason="pdflatex is not on the PATH (Debian: apt-get "
    "install texlive-latex-base texlive-latex-recommended poppler-utils)",
)
def test_demo_pdf_compiled_cleanly(demo: tuple[int, str, Path]) -> None:
    _, _, out = demo
    assert (out / "notes.pdf").read_bytes()[:5] == b"%PDF-"
    assert latex_problems((out / "notes.log").read_text(encoding="latin-1")) == []


def test_a_failed_check_makes_the_demo_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    """The summary line said [FAILED ...] but the demo exited 0, like a success."""
    import dataclasses

    import symml.demo as demo_module
    from symml.calculus import gradient

    def wrong_gradient(c: object) -> None:
        g = gradient("x**2*y", "x, y")
        c.derived("gradient", dataclasses.replace(g, result=2 * g.result), "wrong on purpose")

    def right_gradient(c: object) -> None:
        g = gradient("x**2*y", "x, y")
        assert np.allclose(np.asarray(g.to_numpy()(3.0, 2.0)), [12.0, 9.0])
        c.derived("gradient", g, "right")

    for part, code, verdict in (
        (wrong_gradient, 1, "verify: FAILED: gradient (1 of 1"),
        (right_gradient, 0, "verify: passed: all 1 numeric checks"),
    ):
        monkeypatch.setattr(demo_module, "PARTS", (("gradient", part),))
        result = cli("demo", "--out", str(tmp_path / part.__name__), "--no-pdf")
        assert result.code == code
        assert verdict in result.out


def test_demo_writes_its_files(cli: Cli, tmp_path: Path) -> None:
    code, out, _ = cli("demo", "--out", str(tmp_path / "demo"))
    assert code == 0
    assert (tmp_path / "demo").is_dir()
    assert any(p.suffix == ".py" for p in (tmp_path / "demo").iterdir())


def test_demo_markdown_holds_each_gradient_formula_once(tmp_path: Path) -> None:
    from symml.demo import run_demo

    report = run_demo(tmp_path, seed=0, pdf=False)
    md = (tmp_path / "notes.md").read_text()
    assert md.count(r"\frac{\partial f}{\partial x} &=") == 1
    assert "steps of the gradient above" in md
    assert all(report.checks.values())
