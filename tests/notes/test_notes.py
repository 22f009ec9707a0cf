"""Notes documents: LaTeX that compiles cleanly, Markdown with $$ math."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import matplotlib
import numpy as np
import pytest
import sympy

import symml as sm
from symml.derivation import tex
from symml.notes import (
    Notes,
    break_formula,
    estimate_width,
    latex_problems,
    latex_text,
    split_terms,
)

matplotlib.use("Agg")
from tests.notes.helpers import PDFLATEX, needs_pdflatex

x, y, z = sm.symbols("x y z")

#: A formula far wider than a page: 120 terms.
LONG = sympy.expand((x + y + z + 1) ** 7)
#: A formula LaTeX must shrink: a matrix whose entries cannot be broken.
WIDE_MATRIX = sympy.Matrix([[sympy.expand((x + y + 2) ** 3) / (1 + x**2 + y**2)] * 3])


def _figure() -> object:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 2.4))
    t = np.linspace(0, 1, 20)
    ax.plot(t, t**2)
    return fig


def _every_kind() -> tuple[Notes, dict[str, object]]:
    """A Notes with every kind of item, on six pages (five explicit page breaks)."""
    from symml.calculus import critical_points, integral
    from symml.linalg import eig
    from symml.optimize import newton
    from symml.probability import Normal, expectation

    parts = {
        "gradient": sm.gradient("x**2*y + y**3", "x, y"),
        "hessian": sm.hessian("x**2*y + y**3", "x, y"),
        "long": sm.derivative(sympy.expand((x + y + 1) ** 6), "x", simplify=False),
        "integral": integral("x*exp(-x)", (x, 0, sympy.oo)),
        "eig": eig([[2, 1], [1, 2]]),
        "expectation": expectation(Normal("X", 0, 1) ** 2),
        "critical": critical_points("x**3 - 3*x + y**2", "x, y"),
        "newton": newton("(x - 1)**2 + 2*(y + 1)**2", [0.0, 0.0], wrt="x, y"),
    }
    notes = Notes("Every kind: 100% of items & $x_i$ math", rng=0)
    notes.section("Derivatives")
    notes.add("A paragraph with specials: 50% of #1 & $a_1$ {braces} ~ ^ _ \\$5 → λ ∇f.")
    notes.add(parts["gradient"], check=True)
    notes.add(parts["hessian"], check=True)
    notes.newpage()
    notes.add(parts["critical"])
    notes.add(parts["integral"], check=True)
    notes.newpage()
    notes.add(parts["eig"], check=True)
    notes.add(parts["expectation"])
    notes.add(parts["newton"])
    notes.newpage()
    notes.section("Long formulas")
    notes.add(LONG, lhs="g(x, y, z)")
    notes.newpage()
    notes.add(parts["long"])
    notes.add(WIDE_MATRIX, lhs="M")
    notes.newpage()
    notes.add(_figure(), caption="A parabola, $y = t^2$.")
    notes.add(_figure(), name="second", caption="The same parabola.")
    return notes, parts


@pytest.fixture(scope="module")
def every_kind() -> tuple[Notes, dict[str, object]]:
    return _every_kind()


@pytest.fixture(scope="module")
def compiled(
    every_kind: tuple[Notes, dict[str, object]], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    if PDFLATEX is None:
        pytest.skip(
            "pdflatex is not on the PATH (Debian: apt-get install texlive-latex-base "
            "texlive-latex-recommended poppler-utils)"
        )
    out = tmp_path_factory.mktemp("notes") / "every.pdf"
    return every_kind[0].write(out)


def _pages(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))


# --- LaTeX ---------------------------------------------------------------------------------


@needs_pdflatex
def test_every_kind_compiles_without_errors_or_overfull_boxes(compiled: Path) -> None:
    log = compiled.with_suffix(".log").read_text(encoding="latin-1")
    assert latex_problems(log) == []
    assert "Overfull \\hbox" not in log
    assert compiled.stat().st_size > 10_000


@needs_pdflatex
def test_page_count_follows_the_page_breaks(
    compiled: Path, every_kind: tuple[Notes, dict[str, object]]
) -> None:
    breaks = sum(it.kind == "newpage" for it in every_kind[0].items)
    assert _pages(compiled) == breaks + 1


@needs_pdflatex
def test_figures_are_written_beside_the_tex(compiled: Path) -> None:
    source = compiled.with_suffix(".tex").read_text(encoding="utf-8")
    names = re.findall(r"\\includegraphics\[[^]]*\]\{([^}]+)\}", source)
    assert names == ["every-fig1.png", "every-second.png"]
    for name in names:
        assert (compiled.parent / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@needs_pdflatex
def test_a_single_unbreakable_formula_is_scaled_not_overfull(tmp_path: Path) -> None:
    notes = Notes("Wide")
    notes.add(sympy.Matrix([[LONG / (1 + x**2)] * 2]), lhs="W")
    pdf = notes.write(tmp_path / "wide.pdf")
    log = pdf.with_suffix(".log").read_text(encoding="latin-1")
    assert latex_problems(log) == []
    assert _pages(pdf) == 1


def test_the_long_sum_is_broken_across_aligned_lines(every_kind: tuple[Notes, dict]) -> None:
    source = every_kind[0].latex("every")
    block = source[source.index("g(x, y, z) &=") :]
    block = block[: block.index(r"\end{align*}")]
    rows = block.split(" \\\\\n")
    assert len(rows) >= 8
    assert all(r.startswith(r"&\qquad \symmlfit{{} + ") for r in rows[1:])
    # The pieces put back together are the formula.
    joined = " ".join(re.sub(r"^.*?\\symmlfit\{(\{\} )?", "", r.rstrip())[:-1] for r in rows)
    assert joined == tex(LONG)


def test_the_preamble_uses_only_texlive_latex_base_packages() -> None:
    source = Notes("t").latex()
    packages = set(re.findall(r"\\usepackage(?:\[[^]]*\])?\{([^}]+)\}", source))
    assert packages == {"geometry", "amsmath,amssymb", "graphicx", "color"}
    assert source.startswith(r"\documentclass[11pt]{article}")
    assert r"\begin{document}" in source and source.rstrip().endswith(r"\end{document}")


# --- Markdown ------------------------------------------------------------------------------


def _blocks(md: str) -> list[str]:
    blocks = re.findall(r"^\$\$\n(.*?)\n\$\$$", md, re.S | re.M)
    unnoted = [re.sub(r" && \\text\{[^}]*\}", "", b) for b in blocks]
    return [re.sub(r" \\\\\n&\\qquad \{\} ", " ", b) for b in unnoted]


@pytest.fixture(scope="module")
def markdown(
    every_kind: tuple[Notes, dict[str, object]], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    return every_kind[0].write(tmp_path_factory.mktemp("md") / "every.md")


def test_markdown_has_each_formula_once_in_dollar_blocks(
    markdown: Path, every_kind: tuple[Notes, dict[str, object]]
) -> None:
    md = markdown.read_text(encoding="utf-8")
    assert md.count("$$") % 2 == 0
    blocks = _blocks(md)
    notes, parts = every_kind
    displays = sum(
        {"stepped": 2}.get(it.kind, 1)
        for it in notes.items
        if it.kind in ("derivation", "stepped", "result", "math")
    )
    assert len(blocks) == displays
    # Blocks come in item order; each derivation's result is written once, in its block.
    shown = iter(blocks)
    own = {}
    for it in notes.items:
        if it.kind in ("derivation", "stepped", "result", "math"):
            own[id(it.value)] = next(shown)
            if it.kind == "stepped":
                own[id(it.value)] += "\n" + next(shown)
    for name in ("gradient", "hessian", "long", "integral", "expectation"):
        block = own[id(parts[name])]
        ends = [
            ln
            for ln in block.splitlines()
            if ln.removesuffix(" \\\\").endswith(f"= {tex(parts[name].result)}")
        ]
        assert len(ends) == 1, name
        assert block.count(parts[name].lhs) >= 1, name
    assert sum(f"g(x, y, z) &= {tex(LONG)}" in b for b in blocks) == 1


def test_markdown_figure_links_point_to_files_that_exist(markdown: Path) -> None:
    links = re.findall(r"!\[[^]]*\]\(([^)]+)\)", markdown.read_text(encoding="utf-8"))
    assert links == ["every-fig1.png", "every-second.png"]
    for link in links:
        assert (markdown.parent / link).stat().st_size > 1000


def test_markdown_keeps_paragraph_text_and_checks(markdown: Path) -> None:
    md = markdown.read_text(encoding="utf-8")
    assert md.startswith("# Every kind: 100% of items & $x_i$ math\n")
    assert "A paragraph with specials: 50% of #1 & $a_1$" in md
    assert md.count("*Numeric check*") == 4
    assert "**FAILED**" not in md


def test_repr_markdown_embeds_figures() -> None:
    notes = Notes("Embedded")
    notes.add(_figure())
    md = notes._repr_markdown_()
    assert "](data:image/png;base64," in md


# --- building blocks -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        ("plain", "plain"),
        ("50% & #1", r"50\% \& \#1"),
        ("a_b {c}", r"a\_b \{c\}"),
        ("math $x_1^2$ stays", "math $x_1^2$ stays"),
        ("a \\$ sign", r"a \$ sign"),
        ("`grad_f.py`", r"\texttt{grad\_f.py}"),
        ("λ → ∇", r"$\lambda$ $\to$ $\nabla$"),
        ("back\\slash", r"back\textbackslash{}slash"),
        ("café", "café"),
    ],
)
def test_latex_text(text: str, latex: str) -> None:
    assert latex_text(text) == latex


def test_unmatched_dollar_is_an_error_naming_the_paragraph() -> None:
    with pytest.raises(ValueError, match="unmatched"):
        Notes("t").add("costs $5")


@pytest.mark.parametrize(
    ("latex", "terms"),
    [
        ("x + y", ["x", "+ y"]),
        ("- x - y", ["- x", "- y"]),
        (r"\left(x + y\right) z", [r"\left(x + y\right) z"]),
        (r"\frac{x + 1}{y} - 2", [r"\frac{x + 1}{y}", "- 2"]),
        (
            r"\left[\begin{matrix}a + b\\c\end{matrix}\right] + d",
            [r"\left[\begin{matrix}a + b\\c\end{matrix}\right]", "+ d"],
        ),
    ],
)
def test_split_terms(latex: str, terms: list[str]) -> None:
    assert split_terms(latex) == terms


def test_break_formula_keeps_every_term_in_order() -> None:
    latex = tex(LONG)
    lines = break_formula(latex, 40.0)
    assert " ".join(lines) == latex
    assert len(lines) > 5
    assert all(estimate_width(ln) <= 40.0 for ln in lines)


@pytest.mark.parametrize(
    ("narrow", "wide"),
    [
        (r"\frac{a + b}{c}", "a + b + c"),
        (r"x^{2}", "x 2 y"),
        (r"\sin{\left(x \right)}", r"\operatorname{sinc}{\left(x y z \right)}"),
        (
            r"\left[\begin{matrix}a\\b\end{matrix}\right]",
            r"\left[\begin{matrix}a & b\end{matrix}\right]",
        ),
    ],
)
def test_estimate_width_orders_formulas(narrow: str, wide: str) -> None:
    assert estimate_width(narrow) < estimate_width(wide)


def test_add_rejects_unknown_items_and_bad_names() -> None:
    notes = Notes("t")
    with pytest.raises(TypeError, match="cannot add"):
        notes.add(object())
    with pytest.raises(ValueError, match="name"):
        notes.add(_figure(), name="bad name")
    with pytest.raises(ValueError, match=r"\.tex, \.md or \.pdf"):
        notes.write("notes.docx")
    with pytest.raises(ValueError, match="title"):
        Notes("")


def test_check_true_runs_the_numeric_check() -> None:
    notes = Notes("t", rng=1)
    notes.add(sm.derivative("sin(x)*x", "x"), check=True)
    check = notes.items[-1].value
    assert notes.items[-1].kind == "check" and check.passed and check.max_error < 1e-6
    assert repr(notes) == "Notes('t': 1 derivation, 1 check)"


def test_a_failed_check_says_so() -> None:
    from symml.derivation import Verification

    notes = Notes("t")
    notes.add(Verification(False, 0.5, "central differences", 5))
    assert "**FAILED**" in notes.markdown()
    assert r"\textbf{FAILED}" in notes.latex()


# --- what a document may read -----------------------------------------------------------


@needs_pdflatex
@pytest.mark.parametrize("where", ["absolute", "parent"])
def test_inline_math_cannot_read_files_outside_the_folder(tmp_path: Path, where: str) -> None:
    """Inline math is passed to pdflatex as it is, so $\\input{/etc/passwd}$ used to put
    the file into the PDF; pdflatex now runs paranoid (openin_any=p): no absolute paths,
    no parent folders, no shell escape."""
    secret = tmp_path / "secret.tex"
    secret.write_text("SECRETWORD", encoding="utf-8")
    out = tmp_path / "doc"
    out.mkdir()
    target = str(secret.with_suffix("")) if where == "absolute" else "../secret"
    notes = Notes("Reads")
    notes.add(f"$\\input{{{target}}}$")
    with pytest.raises(sm.SymmlError, match="secret"):
        notes.write(out / "reads.pdf")
    assert not (out / "reads.pdf").exists()


@needs_pdflatex
def test_figures_beside_the_document_are_still_read(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    notes = Notes("Figure")
    notes.add(fig)
    pdf = notes.write(tmp_path / "fig.pdf")
    plt.close(fig)
    assert latex_problems(pdf.with_suffix(".log").read_text(encoding="latin-1")) == []
    assert "fig-fig1.png" in pdf.with_suffix(".log").read_text(encoding="latin-1")


# --- text that would break the LaTeX is refused when added, naming it ----------------------


@pytest.mark.parametrize(
    ("add", "words"),
    [
        (lambda n: n.add(r"see $\frac{1}{$ here"), r"braces of $\frac{1}{$"),
        (lambda n: n.add(r"close $x}$ early"), "braces of $x}$"),
        (lambda n: n.add(x**2, lhs=r"\frac{"), r"lhs '\\frac{'"),
        (lambda n: n.add(x**2, title="cost $c"), "unmatched $"),
        (lambda n: n.section(r"a ${b$"), "braces"),
    ],
)
def test_broken_latex_is_refused_when_added(add: object, words: str) -> None:
    notes = Notes("Broken")
    with pytest.raises(ValueError, match=re.escape(words)):
        add(notes)  # type: ignore[operator]
    assert len(notes) == 0  # nothing half-added


def test_a_dollar_inside_code_is_a_dollar() -> None:
    notes = Notes("Code")
    notes.add("run `echo $HOME` and see $x^2$, braces \\{ too: $\\{a\\}$")
    tex_text = notes.latex()
    assert r"\texttt{echo \$HOME}" in tex_text and "$x^2$" in tex_text
    assert "`echo $HOME`" in notes.markdown()


@needs_pdflatex
def test_a_dollar_inside_code_compiles(tmp_path: Path) -> None:
    notes = Notes("Code")
    notes.add("run `echo $HOME` then $\\frac{1}{2}$")
    pdf = notes.write(tmp_path / "code.pdf")
    assert latex_problems(pdf.with_suffix(".log").read_text(encoding="latin-1")) == []
