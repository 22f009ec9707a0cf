"""Differentiation: σ' = σ(1 − σ), and the error of finite differences against the step size.

Chapter: derivatives. The logistic sigmoid σ(x) = 1/(1 + e^(−x)) has derivative
e^(−x)/(1 + e^(−x))² = σ(x)(1 − σ(x)), the identity that makes back-propagation through
sigmoid layers cheap. Finite differences approximate a derivative with a truncation error
(O(h) forward, O(h²) central) and a rounding error of about ε/h (ε ≈ 2.2e-16); the total is
smallest near h ≈ √ε ≈ 1e-8 (forward) and h ≈ ε^(1/3) ≈ 6e-6 (central).

Run: ``python worked_examples/07_differentiation.py [OUTDIR]``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from _common import save, show

import symml as sm

# --- the sigmoid identity, symbolically -------------------------------------------------------
x = sm.symbols("x")
sigma = sm.parse("1/(1 + exp(-x))")
d = sm.derivative(sigma, x)
show("sigmoid_derivative", d.result)
print(d.latex())  # the derivation, with its steps
identity = (d.result - sigma * (1 - sigma)).simplify()
show("sigmoid_identity_symbolic", identity)  # 0
show("sigmoid_derivative_verified", bool(d.verify()))  # against central differences

# ... and numerically, with the compiled derivative.
dnum = d.to_numpy()
grid = np.linspace(-10, 10, 2001)
s = 1 / (1 + np.exp(-grid))
show("sigmoid_identity_numeric_max", float(np.abs(dnum(grid) - s * (1 - s)).max()))
show("sigmoid_derivative_at_0", float(dnum(0.0)))  # 1/4
show("sigmoid_derivative_points", [-3.0, -1.0, 0.5, 2.0])
show("sigmoid_derivative_values", [float(dnum(t)) for t in (-3.0, -1.0, 0.5, 2.0)])

# --- finite-difference error against step size, for f = sin at x = 1 --------------------------------
f = sm.to_numpy("sin(x)")
exact = float(sm.to_numpy(sm.derivative("sin(x)", "x"))(1.0))  # cos(1)
hs = 10.0 ** np.linspace(-15, -1, 57)
forward = np.abs((f(1.0 + hs) - f(1.0)) / hs - exact)
central = np.abs((f(1.0 + hs) - f(1.0 - hs)) / (2 * hs) - exact)
show("fd_forward_best_h", float(hs[forward.argmin()]))
show("fd_central_best_h", float(hs[central.argmin()]))
show("fd_forward_best_error", float(forward.min()))
show("fd_central_best_error", float(central.min()))
# Slopes in the truncation regime (large h): 1 for forward, 2 for central differences.
big = hs > 1e-4
show("fd_forward_slope", float(np.polyfit(np.log10(hs[big]), np.log10(forward[big]), 1)[0]))
show("fd_central_slope", float(np.polyfit(np.log10(hs[big]), np.log10(central[big]), 1)[0]))

fig, ax = plt.subplots(figsize=(5.5, 3.8))
ax.loglog(hs, forward, "o-", ms=3, label="forward difference")
ax.loglog(hs, central, "s-", ms=3, label="central difference")
ax.set_xlabel("step h")
ax.set_ylabel("|error| of f'(1), f = sin")
ax.legend()
ax.set_title("Truncation vs rounding error")
save(fig, "07_finite_difference_error")

ax = sm.plot_function(sigma, x, (-8, 8), derivatives=1)
ax.set_title(r"$\sigma$ and $\sigma' = \sigma(1-\sigma)$")
save(ax.figure, "07_sigmoid")
