r"""Notes documents: derivations, expressions, paragraphs and figures as LaTeX or Markdown.

A :class:`Notes` collects items in order and writes them as a standalone LaTeX article
(``.tex``; ``.pdf`` when ``pdflatex`` is on the PATH) or as Markdown with ``$$`` math
(``.md``, for GitHub and Jupyter). Figures are saved as PNG files beside the document.

What :meth:`Notes.add` accepts (the first matching row of :data:`KINDS` decides):

- a result object with steps (a :class:`~symml.derivation.Derivation`): a heading, then
  one ``align*`` line per step, the step's title set at the right margin;
- a result object with steps but no single result (an ``Eigen``, ``CriticalPoints``): its
  steps as above, then its ``.latex(steps=False)`` as a display formula;
- any other result object (anything with ``.latex()``, e.g. an ``OptimizeResult``): a
  heading and a display formula;
- a :class:`~symml.derivation.Verification` (or ``check=True`` with a result): one
  sentence saying how it was checked and the largest error;
- a SymPy expression, matrix or number: a display formula (``lhs=`` names it);
- a ``str``: a paragraph of plain text. ``$...$`` in it is inline LaTeX math, passed
  through unchanged; ```code``` is set in typewriter; everything else is escaped for
  LaTeX (``%``, ``_``, ``&``, ``#``... print as themselves); ``\$`` is a literal dollar.
  Common Unicode maths letters (λ, ∇, →, ≤...) are translated; blank lines separate
  paragraphs. The Markdown output keeps the text as it is;
- a matplotlib ``Figure`` or ``Axes``: a figure, saved as ``<stem>-figN.png``;
- a list or tuple of these: each in turn.

Long formulas are laid out in two stages. In Python, a formula whose estimated width
exceeds the line is broken at its top-level ``+``/``-`` signs into several aligned lines.
In LaTeX, every right-hand side is measured and, if it is still wider than the space
left beside its left-hand side, scaled down to fit (``\resizebox`` from graphicx), so a
document never has an overfull box from a formula. The preamble uses only packages of
Debian's ``texlive-latex-base`` (amsmath, amssymb, graphicx, geometry, color).

Examples:
    >>> import symml as sm
    >>> notes = Notes("Gradients")
    >>> notes.add("The gradient of $f$ collects its partial derivatives.")
    >>> notes.add(sm.gradient("x**2*y + y**3", "x, y"))
    >>> notes
    Notes('Gradients': 1 paragraph, 1 derivation)
    >>> "\\nabla f(x, y) &=" in notes.latex()
    True
    >>> notes.markdown().count("$$") // 2
    1
"""

from __future__ import annotations

import base64
import io
import math
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sympy

from symml.deadline import resolve_timeout
from symml.derivation import (
    Derivation,
    RngLike,
    Verification,
    _tex_text,  # the escaping of render_steps' titles, for Markdown's notes
    as_rng,
    counted,
    latex_number,
    tex,
)
from symml.errors import NotSupportedError, SymmlError
from symml.latex import GREEK_LETTERS

if TYPE_CHECKING:  # matplotlib is imported by the code that makes the figures
    from matplotlib.figure import Figure

__all__ = [
    "PDFLATEX_TIMEOUT",
    "TEX_PACKAGES",
    "Notes",
    "break_formula",
    "compile_latex",
    "estimate_width",
    "latex_problems",
    "latex_text",
    "matrix_columns",
    "split_terms",
    "split_factors",
    "split_top_level",
    "tidy_display",
]

#: Width of a display line, in the units of :func:`estimate_width` (about one italic
#: letter of 11 pt type; an A4 page with 2.5 cm margins holds about 80).
LINE_WIDTH = 78.0
#: Width of a Markdown display line (GitHub's column is narrower than a page).
MARKDOWN_LINE_WIDTH = 70.0
#: Seconds ``pdflatex`` may run unless told otherwise: enough for a long document on a
#: cold start (it reads fonts and packages), short enough that a TeX loop
#: (``$\def\x{\x}\x$``) is refused soon. ``Notes.write(..., timeout=)``,
#: :func:`compile_latex` and ``symml notes/demo --pdf-timeout`` take another limit.
PDFLATEX_TIMEOUT = 30.0
#: What installs ``pdflatex`` and the packages the preamble uses, on Debian and Ubuntu.
TEX_PACKAGES = "texlive-latex-base texlive-latex-recommended"

#: Headings of result objects, by ``Derivation.operation`` or by class name.
TITLES: dict[str, str] = {
    "derivative": "Derivative",
    "gradient": "Gradient",
    "jacobian": "Jacobian",
    "hessian": "Hessian",
    "integral": "Integral",
    "taylor": "Taylor polynomial",
    "limit": "Limit",
    "matrix_derivative": "Matrix derivative",
    "matrix_hessian": "Matrix Hessian",
    "expectation": "Expectation",
    "variance": "Variance",
    "covariance": "Covariance",
    "moment": "Moment",
    "mgf": "Moment generating function",
    "entropy": "Entropy",
    "kl_divergence": "KL divergence",
    "Eigen": "Eigen-decomposition",
    "Spectral": "Spectral decomposition",
    "SVD": "Singular value decomposition",
    "LU": "LU decomposition",
    "QR": "QR decomposition",
    "CriticalPoint": "Critical point",
    "CriticalPoints": "Critical points",
    "MLE": "Maximum-likelihood estimators",
    "OptimizeResult": "Optimisation",
    "PCA": "Principal components",
}

#: LaTeX for characters of plain text that LaTeX treats specially.
TEXT_ESCAPES: dict[str, str] = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}

#: Unicode characters of plain text that pdflatex cannot set directly.
UNICODE_TEXT: dict[str, str] = {
    **{ch: f"$\\{name}$" for name, ch in GREEK_LETTERS.items()},
    "∇": r"$\nabla$",
    "−": r"$-$",
    "∓": r"$\mp$",
    "⊙": r"$\odot$",
    "⊗": r"$\otimes$",
    "∝": r"$\propto$",
    "∼": r"$\sim$",
    "⟨": r"$\langle$",
    "⟩": r"$\rangle$",
    "∂": r"$\partial$",
    "∑": r"$\sum$",
    "∏": r"$\prod$",
    "∫": r"$\int$",
    "→": r"$\to$",
    "←": r"$\leftarrow$",
    "⇒": r"$\Rightarrow$",
    "↦": r"$\mapsto$",
    "≤": r"$\le$",
    "≥": r"$\ge$",
    "≠": r"$\ne$",
    "≈": r"$\approx$",
    "±": r"$\pm$",
    "×": r"$\times$",
    "·": r"$\cdot$",
    "∞": r"$\infty$",
    "∈": r"$\in$",
    "√": r"$\surd$",
    "ᵀ": r"$^{\top}$",
    "²": r"$^{2}$",
    "³": r"$^{3}$",
    "⁻": r"$^{-}$",
    "¹": r"$^{1}$",
    "‖": r"$\|$",
    "✓": r"$\checkmark$",
    "—": "---",
    "–": "--",
    "…": r"\dots{}",
    "“": "``",
    "”": "''",
    "‘": "`",
    "’": "'",
    "\u00a0": "~",
}

#: Operator names whose width is their length (``\sin`` prints as three letters).
_WORDS = frozenset(
    [
        "sin",
        "cos",
        "tan",
        "cot",
        "sec",
        "csc",
        "sinh",
        "cosh",
        "tanh",
        "asin",
        "acos",
        "atan",
        "arcsin",
        "arccos",
        "arctan",
        "exp",
        "log",
        "ln",
        "det",
        "tr",
        "max",
        "min",
        "sup",
        "inf",
        "lim",
        "operatorname",
        "sign",
        "erf",
    ]
)
#: Commands that print nothing or only a little space, with their width.
_SPACES: dict[str, float] = {
    ",": 0.3,
    ":": 0.4,
    ";": 0.5,
    "!": -0.2,
    " ": 0.5,
    "quad": 2.0,
    "qquad": 4.0,
    "displaystyle": 0.0,
    "textstyle": 0.0,
    "left": 0.0,
    "right": 0.0,
    "limits": 0.0,
    "nolimits": 0.0,
}
#: Commands whose argument is text (width = its length).
_TEXT_COMMANDS = frozenset(
    {
        "text",
        "textit",
        "textbf",
        "mathrm",
        "operatorname",
        "mathit",
        "mathbf",
        "mathsf",
        "mathtt",
        "texttt",
    }
)

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[a4paper,margin=2.5cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{graphicx}
\usepackage{color}
\allowdisplaybreaks
\setlength{\parskip}{0.5em}
\setlength{\parindent}{0pt}
% symml: measure each formula; scale it down only if it is wider than the space left.
\newsavebox{\symmlbox}
\newlength{\symmllhs}
\newlength{\symmlavail}
\newcommand{\symmlreset}{\global\setlength{\symmllhs}{0pt}}
\newcommand{\symmlmeasure}[1]{\sbox{\symmlbox}{$\displaystyle #1$}%
  \ifdim\wd\symmlbox>\symmllhs\global\setlength{\symmllhs}{\wd\symmlbox}\fi}
\newcommand{\symmlfit}[1]{\setlength{\symmlavail}{\linewidth}%
  \addtolength{\symmlavail}{-\symmllhs}\addtolength{\symmlavail}{-4em}%
  \sbox{\symmlbox}{$\displaystyle #1$}%
  \ifdim\wd\symmlbox>\symmlavail\resizebox{\symmlavail}{!}{\usebox{\symmlbox}}%
  \else\usebox{\symmlbox}\fi}
\newcommand{\symmlnote}[1]{\tag*{\footnotesize\color[gray]{0.35}\textit{#1}}}
"""


# --- measuring and breaking formulas -------------------------------------------------------


def _group(s: str, i: int) -> tuple[str, int]:
    """The brace group (or single token) starting at ``s[i]``, and the index after it."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i >= len(s):
        return "", i
    if s[i] == "{":
        depth, j = 0, i
        while j < len(s):
            if s[j] == "\\":
                j += 2
                continue
            depth += {"{": 1, "}": -1}.get(s[j], 0)
            if depth == 0:
                return s[i + 1 : j], j + 1
            j += 1
        return s[i + 1 :], len(s)
    m = re.match(r"\\(?:[A-Za-z]+|.)", s[i:])
    token = m.group(0) if m else s[i]
    return token, i + len(token)


def _environment(s: str, i: int, env: str) -> tuple[str, int]:
    """The body of ``\\begin{env}`` whose body starts at ``s[i]``, and the index after its end."""
    depth, j = 1, i
    pattern = re.compile(r"\\(begin|end)\{" + re.escape(env) + r"\}")
    for m in pattern.finditer(s, i):
        depth += 1 if m.group(1) == "begin" else -1
        if depth == 0:
            return s[i : m.start()], m.end()
        j = m.end()
    return s[i:], max(j, len(s))


def _table_width(body: str) -> float:
    rows = [split_top_level(r, "&") for r in split_top_level(body, r"\\")]
    columns = max((len(r) for r in rows), default=0)
    widths = [
        max((estimate_width(r[c]) for r in rows if c < len(r)), default=0.0) for c in range(columns)
    ]
    return sum(widths) + 2.0 * columns + 1.0


_MATRIX_ENVIRONMENTS = re.compile(r"\\begin\{([pbBvV]?matrix|smallmatrix)\}")


def matrix_columns(latex: str) -> int:
    r"""The largest number of columns of an amsmath matrix in ``latex`` (0 if none).

    Examples:
        >>> matrix_columns(r"\left[\begin{matrix}1 & 2 & 3\\4 & 5 & 6\end{matrix}\right]")
        3
    """
    widest = 0
    for m in _MATRIX_ENVIRONMENTS.finditer(latex):
        body, _ = _environment(latex, m.end(), m.group(1))
        rows = split_top_level(body, r"\\")
        widest = max([widest, *(len(split_top_level(r, "&")) for r in rows)])
    return widest


def estimate_width(latex: str) -> float:
    r"""Estimated printed width of display-math LaTeX, in italic letters (about 0.5 em).

    Fractions count their wider part, sub/superscripts 70 %, matrices the sum of their
    widest column entries. It is an estimate: LaTeX measures the real width later and
    scales what still does not fit.

    Examples:
        >>> estimate_width("x + y")
        4.0
        >>> estimate_width(r"\frac{a + b}{c}") < estimate_width("a + b + c")
        True
    """
    total, i = 0.0, 0
    while i < len(latex):
        c = latex[i]
        if c == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", latex[i:])
            name = m.group(1) if m else c
            i += len(m.group(0)) if m else 1
            if name in ("frac", "dfrac", "tfrac", "binom"):
                a, i = _group(latex, i)
                b, i = _group(latex, i)
                total += max(estimate_width(a), estimate_width(b)) + 0.6
            elif name == "begin":
                env, i = _group(latex, i)
                body, i = _environment(latex, i, env)
                total += _table_width(body)
            elif name in _TEXT_COMMANDS:
                arg, i = _group(latex, i)
                total += len(arg) if name.startswith("text") else estimate_width(arg)
            elif name == "sqrt":
                arg, i = _group(latex, i)
                total += estimate_width(arg) + 1.0
            elif name in _SPACES:
                total += _SPACES[name]
            else:
                total += len(name) if name in _WORDS else 1.0
        elif c in "^_":
            arg, i = _group(latex, i + 1)
            total += 0.7 * estimate_width(arg)
        elif c == "{":
            arg, i = _group(latex, i)
            total += estimate_width(arg)
        else:
            total += {
                " ": 0.0,
                "}": 0.0,
                "+": 2.0,
                "-": 2.0,
                "=": 2.0,
                "<": 2.0,
                ">": 2.0,
                ",": 0.5,
            }.get(c, 1.0)
            i += 1
    return total


def split_top_level(latex: str, sep: str) -> list[str]:
    r"""Split ``latex`` at ``sep`` where it is outside braces, ``\left...\right`` and
    environments.

    Examples:
        >>> split_top_level(r"a & \frac{b & c}{d} & e", "&")
        ['a ', ' \\frac{b & c}{d} ', ' e']
    """
    parts, depth, start, i = [], 0, 0, 0
    while i < len(latex):
        if latex.startswith(sep, i) and depth == 0:
            parts.append(latex[start:i])
            i += len(sep)
            start = i
            continue
        m = re.match(r"\\(left|right|begin|end)(?![A-Za-z])", latex[i:])
        if m:
            depth += 1 if m.group(1) in ("left", "begin") else -1
            i += len(m.group(0))
            continue
        if latex[i] == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(latex[i], 0)
        i += 1
    parts.append(latex[start:])
    return parts


def split_terms(latex: str) -> list[str]:
    r"""Split a sum at its top-level `` + `` and `` - `` (and a list at ``,\ ``); later
    terms keep their sign.

    Examples:
        >>> split_terms(r"x^{2} + \left(a + b\right) - \frac{1}{y + 1}")
        ['x^{2}', '+ \\left(a + b\\right)', '- \\frac{1}{y + 1}']
        >>> split_terms(r"a = 1,\ b = 2")
        ['a = 1,\\ ', 'b = 2']
    """
    marked = re.sub(r" ([+-]) ", "\x00\\1 ", latex).replace(",\\ ", ",\\ \x00")
    pieces = split_top_level(marked, "\x00")
    terms = [p.replace("\x00", " ").strip() for p in pieces if p.strip()]
    return [t + " " if t.endswith("\\") else t for t in terms]  # keep "\ " whole


def split_factors(term: str) -> list[str]:
    r"""Split a product at its top-level spaces (SymPy sets factors side by side); a sign,
    ``\cdot``/``\times`` or a bare command stays with the factor after it.

    Examples:
        >>> split_factors(r"- 2 x \sin{\left(x \right)} \left(a + b\right)")
        ['- 2', 'x', '\\sin{\\left(x \\right)}', '\\left(a + b\\right)']
    """
    factors: list[str] = []
    pending = ""  # a sign or operator waiting for its factor
    for part in (p.strip() for p in split_top_level(term, " ")):
        if not part:
            continue
        if part.startswith(("^", "_")) and factors and not pending:  # "x ^{2}": one factor
            factors[-1] += part
        elif part in ("+", "-", r"\cdot", r"\times") or re.fullmatch(r".*\\[A-Za-z]+", part):
            pending = f"{pending} {part}".strip()
        else:
            factors.append(f"{pending} {part}".strip())
            pending = ""
    if pending and factors:
        factors[-1] = f"{factors[-1]} {pending}"
    elif pending:
        factors.append(pending)
    return factors


#: Spacing commands: a line continued with one of them is not a product continued.
_SPACING = (r"\quad", r"\qquad", r"\,", r"\;", r"\ ")


def break_formula(latex: str, width: float, *, first_width: float | None = None) -> list[str]:
    r"""Break a formula into lines no wider than ``width`` at its top-level ``+``/``-``,
    and a product wider than a line between its factors.

    Args:
        latex: The formula.
        width: Width of every line but the first (in :func:`estimate_width` units).
        first_width: Width of the first line (default ``width``).

    Returns:
        The lines; every line after the first starts with its sign, or with ``\cdot`` where
        a product continues. A single factor wider than a whole line stays on a line of its
        own (LaTeX then scales it to fit).

    Examples:
        >>> break_formula("a + b + c + d", 6)
        ['a + b', '+ c + d']
        >>> break_formula(r"x \sin{\left(x \right)} \sin{\left(y \right)} + 1", 12)
        ['x \\sin{\\left(x \\right)}', '\\cdot \\sin{\\left(y \\right)} + 1']
    """
    units: list[tuple[str, bool, float]] = []  # (text, continues a product, its width)
    for term in split_terms(latex):
        w = estimate_width(term)
        factors = split_factors(term) if w > width else [term]
        units += (
            [(f, i > 0, estimate_width(f)) for i, f in enumerate(factors)]
            if len(factors) > 1
            else [(term, False, w)]
        )
    lines: list[str] = []
    current, used = "", 0.0
    limit = width if first_width is None else first_width
    for text, continues, w in units:
        if current and used + w > limit:
            lines.append(current)
            current, used, limit = "", 0.0, width
            if continues and not text.startswith(_SPACING):  # "\quad (text)": no product
                text, w = rf"\cdot {text}", w + 1.5
        current = f"{current} {text}" if current else text
        used += w
    lines.append(current)
    return lines


# --- the items -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    """One line of a displayed derivation: ``lhs = rhs`` with a note at the right."""

    lhs: str
    rhs: str
    note: str = ""
    rel: str = "="  # the relation: "=", or "\\approx" for a numeric value


@dataclass(frozen=True)
class _Item:
    kind: str
    value: Any
    title: str | None = None
    caption: str = ""
    lines: tuple[_Line, ...] = ()
    name: str = ""


def _split_equation(latex: str) -> tuple[str, str]:
    parts = split_top_level(latex, " = ")
    if len(parts) < 2:
        return "", latex.strip()
    return parts[0].strip(), " = ".join(parts[1:]).strip()


def _error_note(obj: object) -> str:
    """The note of a result's line: ``result``, or a numeric value's method and error
    estimate (``numeric, error about 3.0e-14``; ``no error estimate`` when it has none)."""
    method, error = getattr(obj, "method", "symbolic"), getattr(obj, "error", None)
    if method == "symbolic":
        return "result"
    return (
        f"{method}, error about {error:.1e}"
        if error is not None
        else f"{method}, no error estimate"
    )


def _derivation_lines(obj: Derivation) -> tuple[_Line, ...]:
    lines = [_Line(*_split_equation(s.latex), s.title) for s in obj.steps]
    final = tex(obj.result)
    shown = bool(lines) and lines[-1].rhs.endswith(final)
    numeric = getattr(obj, "method", "symbolic") != "symbolic"
    if not shown or numeric:
        rel = r"\approx" if numeric else "="
        lines.append(_Line(obj.lhs, final, _error_note(obj), rel))
    return tuple(lines)


def _title_of(obj: object) -> str:
    """The heading of a result: from :data:`TITLES`, else its operation or class name in
    words (``kl_divergence``, ``CriticalPoints``: "Kl divergence", "Critical points").

    Examples:
        >>> class ProbabilityTable: ...
        >>> _title_of(ProbabilityTable())
        'Probability table'
    """
    operation = getattr(obj, "operation", "") or type(obj).__name__
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", operation).replace("_", " ")
    return TITLES.get(operation, words.capitalize())


def _is_figure(obj: object) -> bool:
    return callable(getattr(obj, "savefig", None))


def _is_axes(obj: object) -> bool:
    return callable(getattr(obj, "get_figure", None)) and callable(getattr(obj, "plot", None))


def _is_check(obj: object) -> bool:
    return all(hasattr(obj, a) for a in ("passed", "max_error", "method", "points"))


def _is_derivation(obj: object) -> bool:
    steps = getattr(obj, "steps", None)
    return (
        isinstance(steps, tuple)
        and all(hasattr(s, "latex") and hasattr(s, "title") for s in steps)
        and hasattr(obj, "lhs")
        and hasattr(obj, "result")
    )


def _is_stepped(obj: object) -> bool:
    steps = getattr(obj, "steps", None)
    return (
        isinstance(steps, tuple)
        and len(steps) > 0
        and all(hasattr(s, "latex") and hasattr(s, "title") for s in steps)
        and callable(getattr(obj, "latex", None))
    )


def _is_result(obj: object) -> bool:
    return callable(getattr(obj, "latex", None)) and not isinstance(obj, sympy.Basic)


def _is_math(obj: object) -> bool:
    return isinstance(obj, (sympy.Basic, sympy.MatrixBase, int, float)) and not isinstance(
        obj, bool
    )


#: How :meth:`Notes.add` classifies an item: the first predicate that holds names its kind.
KINDS: tuple[tuple[Callable[[object], bool], str], ...] = (
    (lambda o: isinstance(o, str), "text"),
    (_is_figure, "figure"),
    (_is_axes, "axes"),
    (_is_check, "check"),
    (_is_derivation, "derivation"),
    (_is_stepped, "stepped"),
    (_is_result, "result"),
    (_is_math, "math"),
)


#: What ``repr(notes)`` calls each kind of item (a result with steps is a result).
_ITEM_NOUNS = {"text": "paragraph", "math": "formula", "stepped": "result"}

#: Kinds of item set as displayed formulas.
_DISPLAYS = frozenset({"derivation", "stepped", "result", "math"})


def _kind(obj: object) -> str:
    for test, kind in KINDS:
        if test(obj):
            return kind
    raise TypeError(
        f"Notes.add() cannot add {type(obj).__name__} {obj!r:.60}: give a result "
        "object, a SymPy expression, a str paragraph or a matplotlib Figure"
    )


_MATH_OR_CODE = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$|`([^`]+)`", re.S)


def _check_text(text: str, what: str = "paragraph") -> None:
    """Refuse, naming the text, what would break the LaTeX only when it is compiled: an
    unmatched ``$`` (one inside ```code``` is a dollar sign) or unbalanced braces in
    ``$...$``."""
    for m in _MATH_OR_CODE.finditer(text):
        if m.group(1) is not None and not _balanced(m.group(1)):
            raise ValueError(
                f"{what} {text[:60]!r}: the braces of ${m.group(1)[:40]}$ do not match"
            )
    if re.search(r"(?<!\\)\$", _MATH_OR_CODE.sub("", text)):
        raise ValueError(f"{what} {text[:60]!r} has an unmatched $ (write \\$ for a dollar sign)")


def _balanced(latex: str) -> bool:
    r"""Whether the braces of ``latex`` match (``\{`` and ``\}`` are characters)."""
    depth = 0
    for brace in re.findall(r"(?<!\\)[{}]", latex):
        depth += 1 if brace == "{" else -1
        if depth < 0:
            return False
    return depth == 0


#: A Greek letter with a subscript word in plain text (``σ_min``): set as math.
_GREEK_SUBSCRIPT = re.compile(r"([α-ωΑ-Ω])_([A-Za-z0-9]+)")
#: Subscript words that are LaTeX operators (``\min``); others are set upright.
_OPERATOR_WORDS = frozenset({"min", "max", "inf", "sup", "det", "log", "exp"})
#: Compatibility forms of a character (``ᵏ``, ``₂``) and how LaTeX sets the plain one.
_COMPATIBILITY: dict[str, str] = {"<super>": "$^{{{}}}$", "<sub>": "$_{{{}}}$"}


def _escape_plain(text: str) -> str:
    r"""Plain text as LaTeX: specials escaped, Unicode maths as LaTeX (``σ_min`` as
    :math:`\sigma_{\min}`, ``A − λI`` with a real minus sign, ``Aᵏ`` as :math:`A^{k}`).

    Examples:
        >>> _escape_plain("σ_min(A − λI), tr Aᵏ, 5%")
        '$\\sigma_{\\min}$(A $-$ $\\lambda$I), tr A$^{k}$, 5\\%'
    """
    out, last = [], 0
    for m in _GREEK_SUBSCRIPT.finditer(text):
        out.append(_escape_chars(text[last : m.start()]))
        word = m.group(2)
        sub = f"\\{word}" if word in _OPERATOR_WORDS else rf"\mathrm{{{word}}}"
        out.append(f"${UNICODE_TEXT[m.group(1)].strip('$')}_{{{sub}}}$")
        last = m.end()
    out.append(_escape_chars(text[last:]))
    return "".join(out)


def _escape_chars(text: str) -> str:
    text = text.replace("\\$", "\x00")
    out = "".join(TEXT_ESCAPES.get(ch) or UNICODE_TEXT.get(ch) or _latin(ch) for ch in text)
    return out.replace("\x00", r"\$")


def _latin(ch: str) -> str:
    """A character pdflatex sets as it is (Latin), or its LaTeX by its Unicode
    compatibility form (a superscript, subscript or styled letter), else a visible
    ``[U+XXXX]`` (never a silent gap)."""
    if ord(ch) < 0x250:
        return ch
    tag, _, code = unicodedata.decomposition(ch).partition(" ")
    if tag and code and " " not in code:
        plain = chr(int(code, 16))
        if ord(plain) < 0x250 or plain in UNICODE_TEXT:
            inner = _escape_chars(plain).strip("$")
            return _COMPATIBILITY.get(tag, "{}").format(inner)
    return f"[U+{ord(ch):04X}]"


def latex_text(text: str) -> str:
    r"""A paragraph of plain text as LaTeX: ``$...$`` kept, ```code``` in typewriter,
    the rest escaped.

    Examples:
        >>> latex_text("50% of $x_i$ in `grad_f.py` → done")
        '50\\% of $x_i$ in \\texttt{grad\\_f.py} $\\to$ done'
    """
    _check_text(text)
    out, last = [], 0
    for m in _MATH_OR_CODE.finditer(text):
        out.append(_escape_plain(text[last : m.start()]))
        out.append(
            f"${m.group(1)}$"
            if m.group(1) is not None
            else rf"\texttt{{{_escape_plain(m.group(2))}}}"
        )
        last = m.end()
    out.append(_escape_plain(text[last:]))
    return "".join(out)


# --- rendering -----------------------------------------------------------------------------


#: Rewrites of displayed LaTeX that read better and keep the value (regex, replacement):
#: integral limits stacked above and below the sign everywhere (the calculus results write
#: ``\int\limits``, an expectation's integral did not), and ``\sqrt{2} \sqrt{\pi}`` as
#: one root ``\sqrt{2 \pi}``.
DISPLAY_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\\int(?=\s*_)"), r"\\int\\limits"),
    (re.compile(r"\\sqrt\{(\d+)\} \\sqrt\{\\pi\}"), r"\\sqrt{\1 \\pi}"),
)
#: ``\left(`` not after a letter, ``{`` or ``)`` (a function's argument keeps its parentheses).
_OPEN_PAREN = re.compile(r"(?:^|(?<=[\s=,]))\\left\(")


def tidy_display(latex: str) -> str:
    r"""Displayed LaTeX with :data:`DISPLAY_REWRITES` applied and the parentheses around
    a lone factor dropped (``\left(x^{2}\right) \left(\frac{1}{2}\right)`` is
    ``x^{2} \frac{1}{2}``); parentheses that a power, a sign or a function needs stay.

    Examples:
        >>> tidy_display(r"\int_{0}^{1} \left(x^{2}\right) \sqrt{2} \sqrt{\pi}\, dx")
        '\\int\\limits_{0}^{1} x^{2} \\sqrt{2 \\pi}\\, dx'
        >>> tidy_display(r"\left(x\right)^{k} - \left(- 1\right) + \sin{\left(x \right)}")
        '\\left(x\\right)^{k} - \\left(- 1\\right) + \\sin{\\left(x \\right)}'
    """
    for pattern, replacement in DISPLAY_REWRITES:
        latex = pattern.sub(replacement, latex)
    out, i = [], 0
    for m in _OPEN_PAREN.finditer(latex):
        if m.start() < i:
            continue
        inner, end = _paren_body(latex, m.end())
        if (
            end is not None
            and _lone_factor(inner)
            and latex[end : end + 1] not in ("^", "_", "!", "'")
        ):
            out += [latex[i : m.start()], tidy_display(inner.strip())]
            i = end
    out.append(latex[i:])
    return "".join(out)


def _paren_body(latex: str, start: int) -> tuple[str, int | None]:
    r"""The text up to the ``\right)`` matching a ``\left(`` whose body starts at
    ``start``, and the index after it (``None`` when it does not close)."""
    depth = 1
    for m in re.finditer(r"\\(left|right)(?![A-Za-z])", latex[start:]):
        depth += 1 if m.group(1) == "left" else -1
        if depth == 0:
            close = start + m.end()
            if latex[close : close + 1] != ")":
                return "", None
            return latex[start : start + m.start()], close + 1
    return "", None


def _lone_factor(latex: str) -> bool:
    r"""Whether ``latex`` is one factor without a sign (``x^{2}``, ``\frac{a + b}{c}``)."""
    body = latex.strip()
    if not body or body[0] in "+-" or "&" in body:
        return False
    if any(len(split_top_level(body, sep)) > 1 for sep in (" + ", " - ", ",", "=", r"\\")):
        return False
    return len(split_factors(body)) == 1


@dataclass(frozen=True)
class _Layout:
    """How a document format sets a display of aligned lines (``lhs &= rhs`` with a note at
    the right, a long right-hand side broken into continued rows)."""

    width: float  # of a display line, in estimate_width units
    env: str  # the amsmath environment of the rows
    fit: Callable[[str], str]  # a piece of a right-hand side as it is set
    note: Callable[[str], str]  # a line's note, after its first row


#: The LaTeX article: ``align*``, each right-hand side scaled down when LaTeX measures it
#: wider than the room left (``\symmlfit``), the notes set as tags in the right margin.
_TEX_LAYOUT = _Layout(
    LINE_WIDTH,
    "align*",
    lambda rhs: rf"\symmlfit{{{rhs}}}",
    lambda note: rf" \symmlnote{{{_escape_plain(note)}}}",
)
#: Markdown: ``aligned`` in ``$$``, the notes as :func:`~symml.derivation.render_steps`
#: writes step titles.
_MARKDOWN_LAYOUT = _Layout(
    MARKDOWN_LINE_WIDTH,
    "aligned",
    str,
    lambda note: rf" && \text{{{_tex_text(note)}}}",
)


def _aligned(lines: tuple[_Line, ...], layout: _Layout) -> str:
    r"""The lines as one block of rows aligned at ``=``, in ``layout``'s format: each
    right-hand side broken to fit the room its widest left-hand side leaves (the first row
    also leaves room for the note), its later rows continued after ``\qquad``."""
    widest = max((estimate_width(ln.lhs) for ln in lines), default=0.0)
    room = layout.width - widest - 3.0
    rows: list[str] = []
    for ln in lines:
        parts = break_formula(ln.rhs, room - 4.0, first_width=room - 0.8 * len(ln.note))
        eq = f"&{ln.rel} " if ln.lhs else "& "
        note = layout.note(ln.note) if ln.note else ""
        rows.append(f"{ln.lhs} {eq}{layout.fit(parts[0])}{note}")
        rows += [rf"&\qquad {layout.fit('{} ' + p)}" for p in parts[1:]]
    body = " \\\\\n".join(rows)
    return f"\\begin{{{layout.env}}}\n{body}\n\\end{{{layout.env}}}"


def _tidy_lines(lines: tuple[_Line, ...]) -> tuple[_Line, ...]:
    return tuple(_Line(tidy_display(ln.lhs), tidy_display(ln.rhs), ln.note, ln.rel) for ln in lines)


def _tex_lines(lines: tuple[_Line, ...]) -> str:
    lines = _tidy_lines(lines)
    measure = "".join(rf"\symmlmeasure{{{ln.lhs}}}" for ln in lines if ln.lhs)
    return f"\\symmlreset{measure}\n{_aligned(lines, _TEX_LAYOUT)}"


def _md_lines(lines: tuple[_Line, ...]) -> str:
    return f"$$\n{_aligned(_tidy_lines(lines), _MARKDOWN_LAYOUT)}\n$$"


def _tex_display(latex: str) -> str:
    return f"\\symmlreset\n\\[\n\\symmlfit{{{tidy_display(latex)}}}\n\\]"


def _md_display(latex: str) -> str:
    return f"$$\n{tidy_display(latex)}\n$$"


def _error_tex(error: float) -> str:
    r"""An error as LaTeX math: ``$1.2 \times 10^{-7}$``, ``$\infty$``, ``$0$``, ``NaN``.

    Examples:
        >>> _error_tex(1.23e-7), _error_tex(float("inf")), _error_tex(float("nan"))
        ('$1.2 \\times 10^{-7}$', '$\\infty$', 'NaN')
    """
    if math.isnan(error):
        return "NaN"
    return f"${latex_number(error, '.1e')}$" if error != 0 else "$0$"


def _check_sentence(v: Verification) -> tuple[str, str]:
    """The sentence of a numeric check, as (LaTeX, Markdown); a failed check says FAILED."""
    status = "passed" if v.passed else "FAILED"
    error = float(v.max_error)
    details = f" Compared: {v.details}." if getattr(v, "details", "") else ""
    count = counted(v.points, "point")
    tex_s = (
        rf"\textit{{Numeric check}} ({_escape_plain(v.method)}, {count}): "
        rf"largest error {_error_tex(error)} --- \textbf{{{status}}}.{_escape_plain(details)}"
    )
    md_s = (
        f"*Numeric check* ({v.method}, {count}): largest error {error:.1e} — **{status}**.{details}"
    )
    return tex_s, md_s


@dataclass
class Notes:
    r"""A document of derivations, expressions, paragraphs and figures.

    Args:
        title: The document's title.
        rng: Seeds the numeric checks that ``add(..., check=True)`` runs (a
            ``numpy.random.Generator``, an int seed or ``None``).

    Examples:
        >>> import symml as sm, tempfile, pathlib
        >>> notes = Notes("Calculus")
        >>> notes.section("Derivatives")
        >>> notes.add(sm.derivative("x**2*sin(x)", "x"), check=True)
        >>> out = pathlib.Path(tempfile.mkdtemp())
        >>> notes.write(out / "calc.md").read_text().startswith("# Calculus")
        True
        >>> (out / "calc.tex").exists() or notes.write(out / "calc.tex").exists()
        True
    """

    title: str
    rng: RngLike = None
    items: list[_Item] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not isinstance(self.title, str) or not self.title.strip():
            raise ValueError(f"Notes title must be a non-empty str, got {self.title!r}")
        _check_text(self.title, "title")
        self.rng = as_rng(self.rng)

    # --- building ---

    def add(
        self,
        item: Any,
        *,
        title: str | None = None,
        lhs: str | None = None,
        caption: str = "",
        check: bool | Verification | None = False,
        name: str = "",
    ) -> None:
        """Add an item: a result object, an expression, a paragraph or a figure.

        Args:
            item: What to add (see the module docstring); a list/tuple adds each element.
            title: A heading above the item (result objects get one from their operation
                by default; ``""`` for none).
            lhs: For an expression, the LaTeX of its left-hand side (``"f(x)"``).
            caption: For a figure, its caption (plain text, ``$...$`` allowed).
            name: For a figure, its file name is ``<stem>-<name>.png`` (default
                ``<stem>-figN.png``); letters, digits, ``-`` and ``_``.
            check: ``True`` runs the item's ``.verify()`` and adds the outcome below it;
                a Verification adds that one.

        Raises:
            TypeError: For an item of no supported kind.
            ValueError: For a paragraph, title or caption with an unmatched ``$`` or
                unbalanced braces in its ``$...$``, or an ``lhs`` with unbalanced braces.
        """
        if isinstance(item, (list, tuple)) and not _is_result(item):
            for i, element in enumerate(item):
                self.add(
                    element, title=title if i == 0 else "", lhs=lhs, caption=caption, check=check
                )
            return
        kind = _kind(item)
        if kind == "axes":
            kind, item = "figure", item.get_figure()
        if kind == "text":
            _check_text(item)
        if caption:
            _check_text(caption, "caption")
        if title:
            _check_text(title, "title")
        if lhs is not None and not _balanced(lhs):
            raise ValueError(f"Notes.add(): the braces of lhs {lhs!r} do not match")
        if name and (
            kind != "figure"
            or not re.fullmatch(r"[A-Za-z0-9_-]+", name)
            or name in {it.name for it in self.items}
        ):
            raise ValueError(
                f"Notes.add(): name {name!r} must be a new figure name made of "
                "letters, digits, '-' and '_' (and only figures take one)"
            )
        heading = (
            title
            if title is not None
            else (_title_of(item) if kind in ("derivation", "stepped", "result") else None)
        )
        lines: tuple[_Line, ...] = ()
        if kind == "derivation":
            lines = self._carried_forward(_derivation_lines(item))
        elif kind == "stepped":
            lines = tuple(_Line(*_split_equation(st.latex), st.title) for st in item.steps)
        elif kind == "result" and r"\begin" not in (text := item.latex(steps=False)):
            lines = (_Line("", text),)
        elif kind == "math":
            value = sympy.sympify(item) if not isinstance(item, sympy.Basic) else item
            lines = (_Line(lhs or "", tex(value)),)
        self.items.append(_Item(kind, item, heading or None, caption, lines, name))
        if check is True:
            check = item.verify(rng=self.rng)
        if check is not False and check is not None:
            if not _is_check(check):
                raise TypeError(f"check must be True, False or a Verification, got {check!r}")
            self.items.append(_Item("check", check))

    def _carried_forward(self, lines: tuple[_Line, ...]) -> tuple[_Line, ...]:
        """Leading lines (two or more) whose formulas an earlier derivation of the document
        already showed, such as the gradient's steps a Hessian carries forward, as one line
        "∇f = as derived above" noted "steps of the gradient above": each formula appears
        once."""
        for earlier in reversed(self.items):
            if earlier.kind != "derivation":
                continue
            shown = {ln.rhs for ln in earlier.lines}
            k = 0
            while k < len(lines) - 1 and lines[k].rhs in shown:
                k += 1
            if k >= 2:
                what = _tex_text((earlier.title or "derivation").lower())
                # the last shown line's left-hand side keeps the symbols that follow defined
                return (
                    _Line(
                        lines[k - 1].lhs, r"\text{as derived above}", f"steps of the {what} above"
                    ),
                    *lines[k:],
                )
        return lines

    def section(self, title: str) -> None:
        """Start a numbered section; item headings below it become subsections."""
        _check_text(title, "section title")
        self.items.append(_Item("section", None, title))

    def newpage(self) -> None:
        """Start a new page in the PDF (a horizontal rule in Markdown)."""
        self.items.append(_Item("newpage", None))

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        counts: dict[str, int] = {}
        for it in self.items:
            name = _ITEM_NOUNS.get(it.kind, it.kind)
            counts[name] = counts.get(name, 0) + 1
        parts = ", ".join(counted(n, k) for k, n in counts.items())
        return f"Notes({self.title!r}: {parts or 'empty'})"

    # --- LaTeX ---

    def latex(self, stem: str = "notes") -> str:
        """The document as a standalone LaTeX article; figures are named ``<stem>-figN.png``."""
        has_sections = any(it.kind == "section" for it in self.items)
        body: list[str] = []
        figures, previous = 0, ""
        for it in self.items:
            if it.title and it.kind != "section":
                level = "subsection" if has_sections else "section"
                body.append(rf"\{level}{{{latex_text(it.title)}}}")
                previous = "heading"
            if it.kind == "figure":
                figures += 1
            # A display continues the paragraph before it (no blank line, no empty line).
            glue = "\n" if it.kind in _DISPLAYS and previous in ("text", "check") else "\n\n"
            body.append(glue + self._tex_item(it, _figure_file(stem, it, figures), figures))
            previous = it.kind
        title = latex_text(self.title)
        text = "".join(body)
        # amsmath sets at most MaxMatrixCols (10) columns: raise it to the widest matrix
        columns = max(10, matrix_columns(text))
        matrices = f"\\setcounter{{MaxMatrixCols}}{{{columns}}}\n" if columns > 10 else ""
        return (
            PREAMBLE + matrices + f"\\title{{{title}}}\n\\author{{}}\n\\date{{}}\n"
            "\\begin{document}\n\\maketitle" + text + "\n\n\\end{document}\n"
        )

    def _tex_item(self, it: _Item, figure_name: str, number: int) -> str:
        if it.kind == "section":
            return rf"\section{{{latex_text(it.title or '')}}}"
        if it.kind == "newpage":
            return r"\clearpage"
        if it.kind == "text":
            return latex_text(it.value)
        if it.kind == "check":
            return _check_sentence(it.value)[0]
        if it.kind in ("derivation", "math"):
            return _tex_lines(it.lines)
        if it.kind == "stepped":
            return _tex_lines(it.lines) + "\n\n" + _tex_display(it.value.latex(steps=False))
        if it.kind == "result":
            return _tex_lines(it.lines) if it.lines else _tex_display(it.value.latex())
        caption = rf"\textit{{Figure {number}.}} {latex_text(it.caption)}"
        return (
            "\\begin{center}\n\\begin{minipage}{\\linewidth}\\centering\n"
            f"\\includegraphics[width=0.8\\linewidth,height=0.42\\textheight,"
            f"keepaspectratio]{{{figure_name}}}\\par\\smallskip\n{{\\small {caption}}}\n"
            "\\end{minipage}\n\\end{center}"
        )

    # --- Markdown ---

    def markdown(self, stem: str = "notes", *, embed: bool = False) -> str:
        """The document as Markdown with ``$$`` math.

        Args:
            stem: Figures are linked as ``<stem>-figN.png``.
            embed: Embed figures as base64 PNG data instead (for Jupyter).
        """
        has_sections = any(it.kind == "section" for it in self.items)
        out = [f"# {self.title}"]
        figures = 0
        for it in self.items:
            if it.title and it.kind != "section":
                out.append(f"{'###' if has_sections else '##'} {it.title}")
            if it.kind == "figure":
                figures += 1
            out.append(self._md_item(it, _figure_file(stem, it, figures), figures, embed))
        return "\n\n".join(b for b in out if b) + "\n"

    def _md_item(self, it: _Item, figure_name: str, number: int, embed: bool) -> str:
        if it.kind == "section":
            return f"## {it.title}"
        if it.kind == "newpage":
            return "---"
        if it.kind == "text":
            return str(it.value)
        if it.kind == "check":
            return _check_sentence(it.value)[1]
        if it.kind in ("derivation", "math"):
            return _md_lines(it.lines)
        if it.kind == "stepped":
            return _md_lines(it.lines) + "\n\n" + _md_display(it.value.latex(steps=False))
        if it.kind == "result":
            return _md_lines(it.lines) if it.lines else _md_display(it.value.latex())
        target = figure_name
        if embed:
            buffer = io.BytesIO()
            it.value.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
            target = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
        alt = f"Figure {number}"
        caption = f"\n\n*Figure {number}.* {it.caption}" if it.caption else ""
        return f"![{alt}]({target}){caption}"

    def _repr_markdown_(self) -> str:
        return self.markdown(embed=True)

    # --- files ---

    def figures(self) -> list[Figure]:
        """The figures, in document order."""
        return [it.value for it in self.items if it.kind == "figure"]

    def figure_files(self, stem: str = "notes") -> list[str]:
        """The PNG file names of the figures for a document named ``<stem>.tex``/``.md``."""
        items = [it for it in self.items if it.kind == "figure"]
        return [_figure_file(stem, it, n) for n, it in enumerate(items, start=1)]

    def _save_figures(self, folder: Path, stem: str) -> list[Path]:
        paths = []
        for fig, name in zip(self.figures(), self.figure_files(stem), strict=True):
            fig.savefig(folder / name, dpi=150, bbox_inches="tight")
            paths.append(folder / name)
        return paths

    def write(
        self, path: str | Path, *, figures: bool = True, timeout: float | None = PDFLATEX_TIMEOUT
    ) -> Path:
        """Write the document; the suffix chooses the format.

        ``.tex``: a LaTeX article; ``.md``: Markdown; ``.pdf``: the ``.tex`` beside it,
        compiled with ``pdflatex`` (which must be on the PATH). Figures are written as
        ``<stem>-figN.png`` in the same folder.

        Args:
            path: The file to write.
            figures: Save the figures' PNG files (``False`` when an earlier ``write`` into
                the same folder with the same stem already saved them).
            timeout: Seconds ``pdflatex`` may run (``.pdf`` only; ``None``:
                ``config.timeout``; :data:`~symml.config.NO_LIMIT`: no limit).

        Returns:
            The path written.

        Raises:
            ValueError: For another suffix.
            NotSupportedError: For ``.pdf`` without ``pdflatex``.
            SymmlError: When ``pdflatex`` fails (the message quotes its first error).
        """
        path = Path(path)
        writers = {".tex": self._write_tex, ".md": self._write_md, ".pdf": self._write_pdf}
        if path.suffix not in writers:
            raise ValueError(f"Notes.write(): {str(path)!r} must end in .tex, .md or .pdf")
        path.parent.mkdir(parents=True, exist_ok=True)
        if figures:
            self._save_figures(path.parent, path.stem)
        writers[path.suffix](path, timeout)
        return path

    def _write_tex(self, path: Path, timeout: float | None) -> None:
        path.write_text(self.latex(path.stem), encoding="utf-8")

    def _write_md(self, path: Path, timeout: float | None) -> None:
        path.write_text(self.markdown(path.stem), encoding="utf-8")

    def _write_pdf(self, path: Path, timeout: float | None) -> None:
        source = path.with_suffix(".tex")
        self._write_tex(source, timeout)
        compile_latex(source, timeout=timeout)


def _figure_file(stem: str, item: _Item, number: int) -> str:
    r"""``<stem>-figN.png``; in the stem, characters other than letters, digits, ``-`` and
    ``_`` (``%``, ``#``, spaces, dots: not safe in ``\includegraphics``) are written as
    ``_`` and their hex code (``a%b`` gives ``a_25b-fig1.png``)."""
    safe = re.sub(
        r"[^A-Za-z0-9_-]", lambda m: "_" + "".join(f"{b:02x}" for b in m.group().encode()), stem
    )
    return f"{safe}-{item.name or f'fig{number}'}.png"


def compile_latex(source: str | Path, *, timeout: float | None = PDFLATEX_TIMEOUT) -> Path:
    """Compile a ``.tex`` file with ``pdflatex`` into a ``.pdf`` beside it.

    Auxiliary files go to a temporary folder; only the PDF (and the ``.log``) are kept.
    TeX runs paranoid (``openin_any=p``, no shell escape): it reads files below the
    source's folder (figures) and TeX's own, never an absolute path or a parent folder.

    Args:
        source: The ``.tex`` file.
        timeout: Seconds ``pdflatex`` may run (``None``: ``config.timeout``;
            :data:`~symml.config.NO_LIMIT`: no limit).

    Returns:
        The PDF's path.

    Raises:
        NotSupportedError: When ``pdflatex`` is not on the PATH.
        SymmlError: When it reports an error or runs past ``timeout`` seconds.
        ValueError: For a ``timeout`` that is not a positive number of seconds.
    """
    seconds = resolve_timeout(timeout)
    source = Path(source).resolve()
    exe = shutil.which("pdflatex")
    if exe is None:
        raise NotSupportedError(
            f"pdflatex is not on the PATH; install a TeX engine (Debian: {TEX_PACKAGES}) "
            "or write .tex"
        )
    with tempfile.TemporaryDirectory() as tmp:
        # TeX reads its file name as TeX text ("a%b.tex" would end at the %): compile a copy
        # with a plain name; it runs in the source's folder, so figures are found there
        job = Path(tmp, "document.tex")
        shutil.copy(source, job)
        cmd = [
            exe,
            "-halt-on-error",
            "-interaction=nonstopmode",
            "-no-shell-escape",
            f"-output-directory={tmp}",
            str(job),
        ]
        # inline math reaches TeX as it is: a paranoid TeX reads and writes only below the
        # folder (and the temporary one), never /etc/passwd or ../secret, and runs no command
        env = {**os.environ, "openin_any": "p", "openout_any": "p", "TEXMFOUTPUT": tmp}
        try:
            proc = subprocess.run(
                cmd,
                cwd=source.parent,
                capture_output=True,
                timeout=None if math.isinf(seconds) else seconds,
                check=False,
                env=env,
            )
        except subprocess.TimeoutExpired as exc:
            raise SymmlError(
                f"pdflatex ran past {seconds:g} s on {source} (a TeX loop in the math? "
                "a larger document may need a longer limit: timeout= or --pdf-timeout)"
            ) from exc
        log = Path(tmp, job.stem + ".log")
        log_text = log.read_text(encoding="latin-1") if log.exists() else ""
        pdf = Path(tmp, job.stem + ".pdf")
        if proc.returncode != 0 or not pdf.exists():
            raise SymmlError(f"pdflatex failed on {source}: {_first_error(log_text)}")
        shutil.copy(pdf, source.with_suffix(".pdf"))
        source.with_suffix(".log").write_text(log_text, encoding="latin-1")
    return source.with_suffix(".pdf")


def _first_error(log: str) -> str:
    lines = log.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("!"):
            return " ".join(s.strip() for s in lines[i : i + 3])
    return "no PDF was produced"


def latex_problems(log: str) -> list[str]:
    r"""The errors and overfull boxes a ``pdflatex`` log reports.

    Examples:
        >>> latex_problems("ok\n! Undefined control sequence.\nOverfull \\hbox (3pt too wide)")
        ['! Undefined control sequence.', 'Overfull \\hbox (3pt too wide)']
    """
    return [ln for ln in log.splitlines() if ln.startswith("!") or ln.startswith("Overfull")]
