"""Optimisation in one variable: gradient descent, a learning rate that diverges, a local minimum.

Chapter: optimisation. Gradient descent x ← x − η f'(x) on f(x) = x² is x ← (1 − 2η) x:
it converges exactly when |1 − 2η| < 1, i.e. 0 < η < 1, and diverges for η > 1 (for a
function with curvature L the threshold is η < 2/L). On a non-convex function it finds the
minimum of whichever basin it starts in, which need not be the global one.

Run: ``python worked_examples/08_optimisation_1d.py [OUTDIR]``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from _common import save, show

import symml as sm

# --- a convex quadratic: convergence and divergence ----------------------------------------------
good = sm.gradient_descent("x**2", [1.0], lr=0.1, steps=1000)
show("quadratic_lr0.1_x", float(good.x[0]))
show("quadratic_lr0.1_converged", good.converged)
show("quadratic_lr0.1_steps", good.n_iter)
# The iterates are exactly x_k = 0.8^k x_0.
show("quadratic_contraction", float(good.path[5, 0] / good.path[4, 0]))
bad = sm.gradient_descent("x**2", [1.0], lr=1.1, steps=1000)
show("quadratic_lr1.1_converged", bad.converged)
show("quadratic_lr1.1_diverged", "diverged" in bad.message)
show("quadratic_lr1.1_growth", float(bad.path[5, 0] / bad.path[4, 0]))  # 1 - 2.2 = -1.2

# --- a non-convex function: two basins ------------------------------------------------------------
# f'(x) = x^3 + x^2 - 2x = x (x + 2)(x - 1): minima at -2 and 1, a maximum at 0.
f = "x**4/4 + x**3/3 - x**2"
x = sm.symbols("x")
cps = sorted(sm.critical_points(f), key=lambda cp: float(cp.point[x]))
show("critical_x", [float(cp.point[x]) for cp in cps])
show("critical_kinds", " ".join(cp.kind for cp in cps))
show("critical_values", ", ".join(str(cp.value) for cp in cps))
right = sm.gradient_descent(f, [2.0], lr=0.1, steps=5000)
left = sm.gradient_descent(f, [-3.0], lr=0.1, steps=5000)
show("gd_from_2_x", float(right.x[0]))  # the local minimum at 1
show("gd_from_minus3_x", float(left.x[0]))  # the global minimum at -2
show("gd_from_2_f", float(right.fun))  # -5/12
show("gd_from_minus3_f", float(left.fun))  # -8/3
show("local_not_global", bool(right.fun > left.fun))

fn = sm.to_numpy(f)
xs = np.linspace(-3.1, 2.1, 400)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
ax1.plot(xs, fn(xs), "k-", lw=1)
for res, label in ((right, "start 2"), (left, "start −3")):
    ax1.plot(res.path[:60, 0], fn(res.path[:60, 0]), "o", ms=3, label=label)
ax1.set_title(r"$x^4/4 + x^3/3 - x^2$: two basins")
ax1.set_xlabel("$x$")
ax1.set_ylabel("$f(x)$")
ax1.legend(loc="upper center")
ax2.semilogy(np.abs(good.path[:40, 0]), label="η = 0.1 (converges)")
ax2.semilogy(np.abs(bad.path[:40, 0]), label="η = 1.1 (diverges)")
ax2.set_xlabel("step")
ax2.set_ylabel("$|x_k|$")
ax2.legend()
ax2.set_title(r"Gradient descent on $x^2$")
save(fig, "08_gradient_descent_1d")
