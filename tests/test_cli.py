"""The command line through ``main([...])``: output, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import Cli


def test_diff_prints_the_result_on_the_last_line(cli: Cli) -> None:
    code, out, err = cli("diff", "x^3", "--wrt", "x")
    assert code == 0 and err == ""
    assert out.strip().splitlines()[-1] == "3*x**2"


def test_diff_latex(cli: Cli) -> None:
    code, out, _ = cli("diff", "x^2*sin(x)", "--wrt", "x", "--latex")
    assert code == 0
    last = out.strip().splitlines()[-1]
    assert (
        last
        == r"\frac{d}{d x} f(x) = x \left(x \cos{\left(x \right)} + 2 \sin{\left(x \right)}\right)"
    )


def test_steps_come_first(cli: Cli) -> None:
    code, out, _ = cli("diff", "x^2*sin(x)", "--wrt", "x", "--steps")
    lines = out.strip().splitlines()
    assert code == 0
    assert lines[0].startswith("definition:")
    assert any(line.startswith("product rule:") for line in lines)
    assert lines[-1] == "x*(x*cos(x) + 2*sin(x))"


def test_grad_and_hessian(cli: Cli) -> None:
    code, out, _ = cli("grad", "x**2*y + y**3", "--wrt", "x,y")
    assert code == 0 and out.strip().endswith("Matrix([[2*x*y], [x**2 + 3*y**2]])")
    code, out, _ = cli("hessian", "x**2*y + y**3", "--wrt", "x,y")
    assert code == 0 and out.strip().endswith("Matrix([[2*y, 2*x], [2*x, 6*y]])")
    code, out, _ = cli("jacobian", "[x*y, x + y]", "--wrt", "x,y")
    assert code == 0 and out.strip().endswith("Matrix([[y, x], [1, 1]])")


def test_verify_option(cli: Cli) -> None:
    code, out, _ = cli("hessian", "exp(x*y)", "--verify")
    assert code == 0
    assert "verify: passed" in out


def test_export_writes_a_working_module(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "g.py"
    code, out, _ = cli("grad", "x**2*y + y**3", "--wrt", "x,y", "--export", str(target))
    assert code == 0 and target.exists()
    script = (
        f"import importlib.util, sys; sys.modules['sympy'] = None\n"
        f"spec = importlib.util.spec_from_file_location('g', {str(target)!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "print(m.g(1.0, 2.0).tolist())"
    )
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert np.allclose(json.loads(res.stdout), [4.0, 13.0])


BAD = [
    (("diff", "2x"), 2, "column 2"),
    (("diff", "x^2", "--wrt", "y"), 2, "does not occur"),
    (("grad", "__import__('os')"), 2, "column"),
    (("grad", "x**2", "--export", "out.txt"), 2, ".py"),
    (("nosuchcommand",), 2, "invalid choice"),
    (("diff",), 2, "expression"),
    (("diff", "x", "--bogus"), 2, "unrecognized"),
    (("hessian", "[x, y]"), 2, "scalar"),
]


@pytest.mark.parametrize(("argv", "code", "fragment"), BAD)
def test_bad_input_exit_2_with_one_line(
    cli: Cli, argv: tuple[str, ...], code: int, fragment: str
) -> None:
    got, out, err = cli(*argv)
    assert got == code
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert fragment in lines[0]
    assert "Traceback" not in err


def test_option_values_may_start_with_a_minus(cli: Cli) -> None:
    code, out, _ = cli("diff", "x**2", "--wrt", "x", "-n", "2")
    assert code == 0 and out.strip() == "2"


def test_python_dash_m_symml(cli: Cli) -> None:
    res = cli("diff", "x^3", "--wrt", "x", subprocess=True)
    assert res.code == 0
    assert res.out.strip() == "3*x**2"
    res = cli("diff", "2x", subprocess=True)
    assert res.code == 2 and "Traceback" not in res.err


def test_flag_steps_is_not_confused_with_minimize_steps(cli: Cli) -> None:
    # minimize has a valued --steps; for other subcommands it is a flag and must stay one
    code, out, _ = cli("diff", "x^3", "--wrt", "x", "--steps", "--verify")
    assert code == 0
    assert out.strip().splitlines()[-1] == "3*x**2"
    assert "verify: passed" in out
