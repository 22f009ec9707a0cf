"""Multivariable calculus: gradients, Hessians, critical points, GD vs Newton on Rosenbrock.

Chapter: multivariable calculus. The gradient ∇f collects the partial derivatives and points
uphill; the Hessian ∇²f collects the second derivatives, and at a critical point (∇f = 0) its
eigenvalues classify it: all positive → minimum, all negative → maximum, mixed signs → saddle.
Newton's method x ← x − (∇²f)⁻¹ ∇f uses that curvature and converges quadratically near a
minimum; gradient descent only sees the slope and crawls along the curved valley of the
Rosenbrock function f = (1 − x)² + 100 (y − x²)², whose minimum is (1, 1).

Run: ``python worked_examples/10_multivariable.py [OUTDIR]``.
"""

from __future__ import annotations

import numpy as np
from _common import save, show

import symml as sm

# --- gradient and Hessian, checked numerically ----------------------------------------------------
f = "x**3 - 3*x + y**2"
g = sm.gradient(f, "x, y")
H = sm.hessian(f, "x, y")
show("gradient", g.result.T)  # [3x^2 - 3, 2y]
show("hessian", H.result)  # [[6x, 0], [0, 2]]
show("gradient_verified", bool(g.verify()))
show("hessian_verified", bool(H.verify()))
# Two routes to the Hessian agree: it is the Jacobian of the gradient.
J = sm.jacobian(g, "x, y")
show("hessian_equals_jacobian_of_gradient", J.result == H.result)

# --- critical points and their classification -----------------------------------------------------
for name, expr in (
    ("cubic", f),
    ("saddle", "x**2 - y**2"),
    ("bowl", "x**2 + x*y + y**2"),
    ("monkey", "x**3 - 3*x*y**2"),
):
    cps = sm.critical_points(expr, "x, y")
    desc = "; ".join(
        f"({', '.join(str(v) for v in cp.point.values())}) {cp.kind}"
        for cp in sorted(cps, key=lambda c: [float(v) for v in c.point.values()])
    )
    show(f"critical_{name}", desc)

# --- Rosenbrock: gradient descent against Newton -------------------------------------------------------
rosen = "(1 - x)**2 + 100*(y - x**2)**2"
x0 = [-1.2, 1.0]
newton = sm.newton(rosen, x0)
gd = sm.gradient_descent(rosen, x0, lr=1e-3, steps=20000)
show("newton_x", newton.x)
show("newton_steps", newton.n_iter)
show("newton_converged", newton.converged)
show("gd_x", gd.x)
show("gd_steps", gd.n_iter)
show("gd_distance_to_minimum", float(np.linalg.norm(gd.x - 1.0)))
mom = sm.gradient_descent(rosen, x0, lr=1e-3, momentum=0.9, steps=20000)
show("momentum_steps", mom.n_iter)
show("momentum_distance_to_minimum", float(np.linalg.norm(mom.x - 1.0)))

ax = sm.plot_contour(rosen, (-1.5, 1.5), (-0.5, 1.6), path=[gd, newton])
ax.legend(handles=ax.get_legend().legend_handles, loc="lower right", fontsize="small")
ax.set_title("Rosenbrock: Newton vs gradient descent")
save(ax.figure, "10_rosenbrock_paths")
ax = sm.plot_convergence(gd)
save(ax.figure, "10_gd_convergence")
ax = sm.plot_convergence(newton)
save(ax.figure, "10_newton_convergence")
