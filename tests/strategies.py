"""Hypothesis strategies of random expression trees whose functions are defined everywhere
(arguments kept positive where needed)."""

from __future__ import annotations

import sympy
from hypothesis import strategies as st

X, Y = sympy.symbols("x y", real=True)

# Unary functions with a domain made safe by construction (arguments kept positive where needed).
UNARY = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tanh": sympy.tanh,
    "exp": lambda a: sympy.exp(sympy.tanh(a)),  # bounded exponent
    "log": lambda a: sympy.log(1 + a**2),  # positive argument
    "sqrt": lambda a: sympy.sqrt(1 + a**2),  # positive argument
}
BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / (2 + sympy.sin(b)),  # denominator in [1, 3]
    "**": lambda a, b: (1 + a**2) ** sympy.tanh(b),  # positive base, exponent in (-1, 1)
}

leaves = st.sampled_from([X, Y, sympy.Integer(2), sympy.Rational(1, 3), sympy.Float(0.75)])


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    unary = st.builds(lambda f, a: UNARY[f](a), st.sampled_from(sorted(UNARY)), children)
    binary = st.builds(
        lambda op, a, b: BINARY[op](a, b), st.sampled_from(sorted(BINARY)), children, children
    )
    return unary | binary


trees = st.recursive(leaves, _extend, max_leaves=8)
