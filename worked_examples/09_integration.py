"""Integration: the trapezoidal rule's error against n, and the Gaussian integral.

Chapter: integrals. The trapezoidal rule with n equal panels on [0, 1] applied to x² gives
T_n = 1/3 + 1/(6n²): the error is exactly 1/(6n²), since the rule's error on a panel of
width h is −h³ f''/12 and f'' = 2 is constant. The Gaussian integral ∫ e^(−x²) dx over the
real line is √π (square it and change to polar coordinates); for the trapezoidal rule it is
a spectacular case, since the integrand and all its derivatives vanish at the ends.

Run: ``python worked_examples/09_integration.py [OUTDIR]``.
"""

from __future__ import annotations

from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np
from _common import save, show

import symml as sm

exact = sm.integral("x**2", ("x", 0, 1))
show("integral_x2", exact.result)  # 1/3
show("integral_x2_verified", bool(exact.verify()))  # against quadrature


def trapezoid(f, a: Fraction, b: Fraction, n: int) -> Fraction:
    """The composite trapezoidal rule, in exact rational arithmetic."""
    h = (b - a) / n
    inner = sum(f(a + i * h) for i in range(1, n))
    return h * ((f(a) + f(b)) / 2 + inner)


ns = [1, 2, 4, 8, 16, 32, 64, 128]
third = Fraction(1, 3)
errors = [trapezoid(lambda t: t * t, Fraction(0), Fraction(1), n) - third for n in ns]
show("trap_error_n10", float(trapezoid(lambda t: t * t, Fraction(0), Fraction(1), 10) - third))
# error * 6 n^2 is exactly 1 for every n (exact rational arithmetic: no rounding at all).
show("trap_error_times_6n2", [float(err * 6 * n * n) for err, n in zip(errors, ns, strict=True)])
show(
    "trap_error_exact",
    all(err == Fraction(1, 6 * n * n) for err, n in zip(errors, ns, strict=True)),
)
show("trap_n", ns)
show("trap_errors_exact", ", ".join(str(err) for err in errors))  # as exact fractions
# Floating point agrees: numpy's trapezoid on n = 1000 panels.
grid = np.linspace(0, 1, 1001)
show("trap_error_float_n1000", float(np.trapezoid(grid**2, grid) - 1 / 3))

# --- the Gaussian integral -----------------------------------------------------------------
G = sm.integral("exp(-x**2)", ("x", "-oo", "oo"))
show("gaussian_integral", G.result)  # sqrt(pi)
show("gaussian_integral_value", float(G.result))
sigma = sm.symbols("sigma", positive=True)
normal = sm.integral(sm.parse("exp(-x**2/(2*sigma**2))", ["x", sigma]), ("x", "-oo", "oo"))
show("gaussian_normaliser", normal.result)  # sqrt(2) sqrt(pi) sigma
t = np.linspace(-8, 8, 41)
show("gaussian_trapezoid_41pts", float(np.trapezoid(np.exp(-(t**2)), t)))
# Without a closed form, integral falls back to quadrature and says so.
num = sm.integral("exp(-x**4)*cos(x)", ("x", 0, 1), timeout=1)
show("no_closed_form_method", num.method)
show("no_closed_form_value", float(num.result))

fig, ax = plt.subplots(figsize=(5, 3.5))
ax.loglog(ns, [float(e) for e in errors], "o", label=r"$T_n - 1/3$")
ax.loglog(ns, [1 / (6 * n * n) for n in ns], "-", label=r"$1/(6n^2)$")
ax.set_xlabel("n panels")
ax.set_ylabel("error")
ax.set_title(r"Trapezoidal rule on $\int_0^1 x^2\,dx$")
ax.legend()
save(fig, "09_trapezoid_error")
