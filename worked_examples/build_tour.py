"""Write ``tour.ipynb``, the guided tour of symml, from the cells below (unexecuted).

Run ``python worked_examples/build_tour.py`` after editing a cell; it rewrites the notebook
only when a cell changed. The test suite (``tests/docs/test_notebook.py``) executes the notebook
through a real Jupyter kernel. Run in place, the tour writes ``grad_f.py``, ``tour-notes.*``
and their figure beside itself; ``.gitignore`` keeps them out of the repository.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS: list[tuple[str, str]] = [
    (
        "md",
        """\
# A tour of symml

symml derives the maths of machine learning symbolically, shows the steps as LaTeX,
checks every result numerically, and compiles it into fast NumPy code. This tour goes
through the whole workbench: **derive → LaTeX → verify → to_numpy → export**, then an
integral, an eigen-decomposition, an expectation, two optimisers and a notes document.""",
    ),
    (
        "code",
        """\
import numpy as np
import symml as sm

f = "x**2*y + y**3"
g = sm.gradient(f, "x, y")
g  # displayed as LaTeX, with the rule behind each step""",
    ),
    (
        "md",
        """\
## Verify, compile, export

`verify()` compares the symbolic gradient with central differences at random points;
`to_numpy()` compiles it into a NumPy function that broadcasts over arrays, and `save()`
writes a module that needs only NumPy.""",
    ),
    (
        "code",
        """\
g.verify(rng=0)""",
    ),
    (
        "code",
        """\
grad = g.to_numpy()
X = np.linspace(-1, 1, 5)
print(grad(X, 2.0).shape)          # one row per point, one column per variable
grad.save("grad_f.py", name="grad_f")

import importlib.util
spec = importlib.util.spec_from_file_location("grad_f", "grad_f.py")
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
assert np.allclose(module.grad_f(X, 2.0), grad(X, 2.0))
sm.hessian(f, "x, y")""",
    ),
    (
        "md",
        """\
## An integral

A definite integral shows the antiderivative and the limits; its check is numeric
quadrature.""",
    ),
    (
        "code",
        """\
x = sm.symbols("x")
I = sm.integral("x**2*exp(-x**2/2)", (x, -sm.parse("oo"), sm.parse("oo")))
print(I.verify(rng=0))
I""",
    ),
    (
        "md",
        """\
## An eigen-decomposition

The characteristic polynomial, its roots, the eigenspaces and $A = P D P^{-1}$;
the check is $A v = \\lambda v$ for every pair.""",
    ),
    (
        "code",
        """\
E = sm.eig([[2, 1], [1, 2]])
print(E.verify())
E""",
    ),
    (
        "md",
        """\
## An expectation

$\\mathbb{E}[X^2]$ for $X \\sim \\mathcal{N}(1, 2^2)$ is set up as an integral against the
density and checked by Monte Carlo.""",
    ),
    (
        "code",
        """\
X = sm.Normal("X", 1, 2)
m2 = sm.expectation(X**2)
print(m2.verify(rng=0))
m2""",
    ),
    (
        "md",
        """\
## Optimisation

Newton's method and gradient descent with momentum on Rosenbrock's function, using the
compiled gradient and Hessian; `plot_contour` draws both paths.""",
    ),
    (
        "code",
        """\
import matplotlib.pyplot as plt

rosenbrock = "(1 - x)**2 + 100*(y - x**2)**2"
nt = sm.newton(rosenbrock, [-1.2, 1.0], wrt="x, y")
gd = sm.gradient_descent(rosenbrock, [-1.2, 1.0], wrt="x, y", lr=1e-3, momentum=0.9,
                         steps=20000, tol=1e-6)
fig, ax = plt.subplots(figsize=(5, 3.5))
sm.plot_contour(rosenbrock, (-2, 2), (-1, 3), wrt="x, y", path=[gd, nt], ax=ax)
nt""",
    ),
    (
        "md",
        """\
## Notes

A `Notes` document collects derivations, paragraphs and figures and writes them as a
LaTeX article (`.tex`, or `.pdf` when `pdflatex` is installed) or as Markdown.""",
    ),
    (
        "code",
        """\
notes = sm.Notes("Tour notes", rng=0)
notes.add("The gradient of $f(x, y) = x^2 y + y^3$, checked numerically.")
notes.add(g, check=True)
notes.add(E, check=True)
notes.add(fig, caption="Rosenbrock's function with both optimisation paths.")
notes.write("tour-notes.md")
notes.write("tour-notes.tex")
notes""",
    ),
]


def build() -> nbformat.NotebookNode:
    """The notebook, cells unexecuted, with fixed cell ids (nbformat draws random ones), so
    that a rebuild of unchanged cells writes the same file."""
    makers = {"md": new_markdown_cell, "code": new_code_cell}
    nb = new_notebook(
        cells=[makers[kind](source, id=f"cell-{i:02d}") for i, (kind, source) in enumerate(CELLS)]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write(path: Path) -> bool:
    """Write the notebook to ``path`` unless it already holds exactly that; return whether
    it was written."""
    text = nbformat.writes(build())
    text += "" if text.endswith("\n") else "\n"  # as nbformat.write ends the file
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


if __name__ == "__main__":
    path = Path(__file__).with_name("tour.ipynb")
    print(f"{'wrote' if write(path) else 'unchanged:'} {path}")
