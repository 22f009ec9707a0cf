"""Issue 16, item 16: ``--steps`` is the flag that prints the steps in every command
(plain text, or LaTeX with ``--latex``); ``minimize`` takes its step limit as
``--iterations``; ``gram-schmidt`` prints its vectors as it takes them, one per row."""

from __future__ import annotations

import pytest

from symml.cli import MAX_PRINTED_ITERATES, main, plain_math


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.strip().splitlines(), err


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        (r"f(x, y) = x^{2} y + y^{3}", "f(x, y) = x**2 y + y**3"),
        (r"\frac{\partial f}{\partial x} = 2 x y", "∂f/∂x = 2 x y"),
        (r"\frac{d}{d x} f(x) = x^{2} \cos{\left(x \right)}", "d/dx f(x) = x**2 cos(x)"),
        (
            r"\nabla f = \left[\begin{matrix}2 x y\\x^{2}\end{matrix}\right]",
            "∇f = [[2 x y], [x**2]]",
        ),
        (
            r"\nabla^2 f = \left[\begin{matrix}2 & 0\\0 & 2\end{matrix}\right]",
            "∇²f = [[2, 0], [0, 2]]",
        ),
        (
            r"I = \int\limits_{-\infty}^{\infty} e^{- x^{2}}\, dx = \sqrt{\pi}",
            "I = ∫[-oo..oo] exp(-x**2) dx = sqrt(pi)",
        ),
        (r"\lim_{x \to 0^{+}} f = 1", "lim[x -> 0+] f = 1"),
        (r"f^{(2)}(0) = 1", "f^(2)(0) = 1"),
        (r"\det(A - \lambda I) = \lambda^{2} - 4 \lambda + 3", "det(A - λ I) = λ**2 - 4 λ + 3"),
        (r"A^{-1} = \frac{\operatorname{adj} A}{\det A}", "A**(-1) = (adj A)/(det A)"),
        (r"e_{1} = \frac{u_{1}}{\lVert u_{1} \rVert}", "e_1 = u_1/‖u_1‖"),
        (r"\mathbb{E}\left[X^{2}\right] = 1", "E[X**2] = 1"),
        (r"(x, y) = (1, 0): \text{minimum},\ f = -2", "(x, y) = (1, 0): minimum, f = -2"),
    ],
)
def test_plain_math(latex: str, plain: str) -> None:
    assert plain_math(latex) == plain


@pytest.mark.parametrize(
    "argv",
    [
        ["diff", "x^2*sin(x)", "--wrt", "x"],
        ["grad", "x**2*y + y**3", "--wrt", "x,y"],
        ["hessian", "x**2*y", "--wrt", "x,y"],
        ["integrate", "exp(-x^2)", "--wrt", "x", "--from", "-oo", "--to", "oo"],
        ["limit", "sin(x)/x", "--to", "0"],
        ["taylor", "exp(x)", "--wrt", "x"],
        ["critical", "x^3 - 3*x + y^2"],
        ["eig", "[[2,1],[1,2]]"],
        ["linalg", "inverse", "[[1,2],[3,4]]"],
        ["linalg", "gram-schmidt", "[[1,1,0],[1,0,1]]"],
        ["expect", "X**2", "--dist", "X=Normal(0,1)"],
    ],
)
def test_steps_without_latex_are_plain_text(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, lines, _ = run(capsys, *argv, "--steps")
    assert code == 0
    assert not [ln for ln in lines if "\\" in ln or "^{" in ln], lines
    code, latex_lines, _ = run(capsys, *argv, "--steps", "--latex")
    # the same steps, as LaTeX (then the result)
    assert code == 0 and any("\\" in ln or "{" in ln for ln in latex_lines[:2])
    assert [ln.split(": ")[0] for ln in lines[:2]] == [ln.split(": ")[0] for ln in latex_lines[:2]]


def test_diff_steps_read_as_maths(capsys: pytest.CaptureFixture[str]) -> None:
    _, lines, _ = run(capsys, "diff", "x^2*sin(x)", "--wrt", "x", "--steps")
    assert lines[:2] == [
        "definition: f(x) = x**2 sin(x)",
        "product rule: d/dx f(x) = x**2 d/dx sin(x) + sin(x) d/dx x**2",
    ]


def test_minimize_iterations_is_the_step_limit(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = run(capsys, "minimize", "x**2", "--x0", "5", "--iterations", "3", "--tol", "0")
    assert code == 0 and "steps      3" in lines and lines[-1] == "x          x = 2.56"


def test_minimize_steps_prints_the_iterates(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = run(
        capsys, "minimize", "x**2", "--x0", "5", "--iterations", "3", "--tol", "0", "--steps"
    )
    assert code == 0
    assert lines[:4] == [
        "step 0: x = (5), f = 25, |grad f| = 10",
        "step 1: x = (4), f = 16, |grad f| = 8",
        "step 2: x = (3.2), f = 10.24, |grad f| = 6.4",
        "step 3: x = (2.56), f = 6.5536, |grad f| = 5.12",
    ]
    code, lines, _ = run(
        capsys, "minimize", "x**2 + 10*y**2", "--x0", "1,1", "--lr", "0.05", "--steps"
    )
    steps = [ln for ln in lines if ln.startswith("step ")]
    assert code == 0 and len(steps) == MAX_PRINTED_ITERATES
    assert any(ln.startswith("... ") and ln.endswith(" more steps ...") for ln in lines)
    code, lines, _ = run(capsys, "minimize", "x**2", "--x0", "1", "--steps", "--latex")
    assert code == 0 and lines[0].startswith(r"step 0: x_{0} = \left(1\right)")


def test_minimize_old_step_limit_says_what_to_write(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "minimize", "x**2", "--x0", "5", "--steps", "3")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "--steps 3: the step limit is --iterations 3" in err


def test_gram_schmidt_vectors_are_rows_in_and_out(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = run(capsys, "linalg", "gram-schmidt", "[[1,1,0],[1,0,1]]")
    assert code == 0
    assert lines == [
        "orthonormal vectors, one per row (as given):",
        "[[sqrt(2)/2, sqrt(2)/2, 0], [sqrt(6)/6, -sqrt(6)/6, sqrt(6)/3]]",
    ]
    with pytest.raises(SystemExit):
        main(["linalg", "--help"])
    assert "one per row" in capsys.readouterr().out


def test_sample_steps_plain_and_latex(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["sample", "--dist", "X=Normal(0,1)", "-n", "5", "--steps"]
    assert run(capsys, *args)[1][0] == "law: X ~ Normal(0, 1)"
    assert (
        run(capsys, *args, "--latex")[1][0] == r"law: X \sim \operatorname{Normal}\left(0, 1\right)"
    )
