"""Every worked example runs as a script, and the numbers it prints are the known ones.

Each script in ``worked_examples/`` is run in a subprocess (Agg backend, a temporary output
folder); its ``name = value`` lines are parsed and checked against independently known values
(closed forms, classical constants, NumPy). One test per script, so ``pytest -n 2`` spreads them.
"""

from __future__ import annotations

import importlib.util
import math
import os
import subprocess
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "worked_examples"
EULER_GAMMA = 0.57721566490153286  # the Euler–Mascheroni constant


def run_script(name: str, out: Path) -> dict[str, str]:
    """Run one example; return its printed ``name = value`` pairs (and check it succeeded)."""
    env = {**os.environ, "MPLBACKEND": "Agg", "SYMML_EXAMPLES_OUT": str(out)}
    res = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=out,
    )
    assert res.returncode == 0, f"{name} failed:\n{res.stderr[-3000:]}"
    values = {}
    for line in res.stdout.splitlines():
        key, sep, value = line.partition(" = ")
        if sep and key.replace("_", "").replace(".", "").isalnum():
            values[key] = value
    assert values, f"{name} printed no results"
    return values


def build_figures():
    """worked_examples/build_figures.py as a module (the scripts are not a package)."""
    spec = importlib.util.spec_from_file_location("build_figures", EXAMPLES / "build_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def num(text: str) -> float:
    return float(text)


def vec(text: str) -> np.ndarray:
    assert text.startswith("[") and text.endswith("]"), text
    return np.array([float(t) for t in text[1:-1].split(",")])


def close(text: str, expected: float, tol: float = 1e-12) -> None:
    assert abs(num(text) - expected) <= tol, (text, expected)


def vclose(text: str, expected: list[float] | np.ndarray, tol: float = 1e-12) -> None:
    got = vec(text)
    assert got.shape == np.shape(expected) and np.abs(got - expected).max() <= tol, (got, expected)


# --- one checker per script ---------------------------------------------------------------------


def check_vectors(v: dict[str, str]) -> None:
    close(v["norm2_v"], 5.0)
    close(v["norm1_v"], 7.0)
    close(v["norminf_v"], 4.0)
    assert v["norm_unit_circle"] == "1"
    vclose(v["projection"], [0.5, 0.5, 0.0])
    close(v["projection_residual_dot_u"], 0.0)
    r2, r6, r3 = 1 / math.sqrt(2), 1 / math.sqrt(6), 1 / math.sqrt(3)
    vclose(v["gs_q1"], [r2, r2, 0.0])
    vclose(v["gs_q2"], [r6, -r6, 2 * r6])
    vclose(v["gs_q3"], [-r3, r3, r3])
    close(v["gs_gram_error"], 0.0, 1e-15)
    assert num(v["cgs_loss_hilbert8"]) > 1e-3 > 1e-5 > num(v["mgs_loss_hilbert8"])
    assert v["exact_gs_hilbert6_max_offdiag"] == "0"


def check_linear_maps(v: dict[str, str]) -> None:
    close(v["det_A"], 5.0)
    close(v["image_area"], 5.0)
    assert v["det_general"] == "a*d - b*c"
    assert v["det_rotation"] == "1"
    P, L, U = (vec(v[k]).reshape(3, 3) for k in ("lu_P", "lu_L", "lu_U"))
    M = np.array([[0, 1, 1], [1, 1, 1], [2, 1, 3]], float)
    assert np.allclose(P @ L @ U, M) and np.allclose(np.triu(U), U)
    assert np.allclose(np.tril(L), L) and np.allclose(np.diag(L), 1)
    assert sorted(P.sum(0)) == [1, 1, 1] and set(P.ravel()) <= {0.0, 1.0}
    close(v["lu_residual"], 0.0)
    vclose(v["lu_solution"], np.linalg.solve(M, [2.0, 3.0, 6.0]), 1e-12)
    vclose(v["inverse"], np.linalg.inv(M).ravel(), 1e-12)
    assert v["singular_raises"] == "True"


def check_eigen(v: dict[str, str]) -> None:
    s2 = math.sqrt(2)
    vclose(v["eig_values"], [2 + s2, 2.0, 2 - s2], 1e-14)
    assert v["eig_check"] == "True"
    # the printed eigenvectors satisfy A v = lambda v, checked here in NumPy
    A = np.array([[2.0, 1, 0], [1, 2, 1], [0, 1, 2]])
    for i, lam in enumerate(vec(v["eig_values"])):
        u = vec(v[f"eig_vector_{i}"])
        assert np.linalg.norm(u) > 0.5 and np.linalg.norm(A @ u - lam * u) < 1e-12
    vclose(v["eig_values"], np.linalg.eigvalsh(A)[::-1], 1e-12)
    vclose(v["eig_2x2_values"], np.linalg.eigvalsh([[2.0, 1], [1, 2]])[::-1], 1e-12)
    close(v["power_lambda"], 2 + s2, 1e-10)
    vclose(v["qr_values"], [2 + s2, 2.0, 2 - s2], 1e-10)
    vclose(v["perm_eig_values"], [1.0, -1.0])
    close(v["perm_qr_offdiag_after_60"], 1.0, 1e-12)  # the QR algorithm made no progress
    vclose(v["cyclic_eig_moduli"], [1.0, 1.0, 1.0], 1e-12)


def check_factorizations(v: dict[str, str]) -> None:
    vclose(v["spectral_Lambda"], [3.0, 0.0, 0.0, 1.0])
    close(v["spectral_residual"], 0.0)
    assert v["spectral_nonsymmetric_raises"] == "True"
    vclose(
        v["svd_singular_values"], np.linalg.svd([[3.0, 0.0], [4.0, 5.0]], compute_uv=False), 1e-12
    )
    vclose(v["svd_singular_values"], [3 * math.sqrt(5), math.sqrt(5)], 1e-12)
    close(v["svd_residual"], 0.0, 1e-12)
    close(v["pca_angle_deg"], 30.0, 1.0)  # generated along 30 degrees
    vclose(v["pca_explained_variance"], [9.0, 0.25], 0.5)
    vclose(v["pca_mean"], [1.0, -2.0], 0.2)
    close(v["pca_vs_covariance_eigs"], 0.0, 1e-10)


def check_graphs(v: dict[str, str]) -> None:
    assert v["walks_len4_0_to_4"] == v["walks_len4_0_to_4_bruteforce"] == "6"
    assert v["triangles"] == "1"
    assert v["k3_closed_walks_formula"] in ("2*(-1)**k + 2**k", "2**k + 2*(-1)**k")
    assert v["k3_formula_max_mismatch"] == "0"
    house = np.array(
        [[0, 1, 0, 1, 0], [1, 0, 1, 0, 0], [0, 1, 0, 1, 1], [1, 0, 1, 0, 1], [0, 0, 1, 1, 0]], float
    )
    lam = np.linalg.eigvalsh(house).max()
    close(v["house_lambda_max"], lam, 1e-10)
    close(v["walks_growth_ratio_k15"], lam, 1e-4)


def check_series(v: dict[str, str]) -> None:
    assert v["limit_result"] == "E"
    close(v["e"], math.e, 1e-15)
    close(v["compound_n1e6"], math.e, 2e-6)
    close(v["compound_error_times_n_1e4"], math.e / 2, 1e-3)
    assert v["rate_limit"] == "E/2"
    close(v["taylor10_at_1"], sum(1 / math.factorial(k) for k in range(11)), 1e-14)
    assert 0 < num(v["series_error_order10"]) < 1 / math.factorial(11) * 1.2
    assert v["taylor3"] == "x**3/6 + x**2/2 + x + 1"
    close(v["harmonic_minus_log_1e6"], EULER_GAMMA + 1 / 2e6, 1e-11)
    close(v["harmonic_minus_log_corrected_1e6"], EULER_GAMMA, 1e-11)
    assert v["harmonic_gap_decreasing"] == "True"
    ns = [int(n) for n in vec(v["harmonic_gap_n"])]
    gaps = [math.fsum(1 / k for k in range(1, n + 1)) - math.log(n) for n in ns]
    vclose(v["harmonic_gap"], gaps, 1e-12)
    assert np.all(np.diff(vec(v["harmonic_gap"])) < 0) and gaps[-1] > EULER_GAMMA


def check_differentiation(v: dict[str, str]) -> None:
    assert v["sigmoid_identity_symbolic"] == "0"
    assert v["sigmoid_derivative_verified"] == "True"
    assert num(v["sigmoid_identity_numeric_max"]) < 1e-15
    close(v["sigmoid_derivative_at_0"], 0.25, 1e-15)
    sig = [1 / (1 + math.exp(-t)) for t in vec(v["sigmoid_derivative_points"])]
    vclose(v["sigmoid_derivative_values"], [s * (1 - s) for s in sig], 1e-15)
    eps = np.finfo(float).eps
    assert 1e-2 < num(v["fd_forward_best_h"]) / math.sqrt(eps) < 1e2
    assert 1e-1 < num(v["fd_central_best_h"]) / eps ** (1 / 3) < 1e2
    assert num(v["fd_forward_best_error"]) < 1e-7 and num(v["fd_central_best_error"]) < 1e-10
    close(v["fd_forward_slope"], 1.0, 0.05)
    close(v["fd_central_slope"], 2.0, 0.05)


def check_optimisation_1d(v: dict[str, str]) -> None:
    close(v["quadratic_lr0.1_x"], 0.0, 1e-7)
    assert v["quadratic_lr0.1_converged"] == "True"
    close(v["quadratic_contraction"], 0.8, 1e-12)
    assert v["quadratic_lr1.1_converged"] == "False" and v["quadratic_lr1.1_diverged"] == "True"
    close(v["quadratic_lr1.1_growth"], -1.2, 1e-12)
    vclose(v["critical_x"], [-2.0, 0.0, 1.0])
    assert v["critical_kinds"] == "minimum maximum minimum"
    assert v["critical_values"] == "-8/3, 0, -5/12"
    close(v["gd_from_2_x"], 1.0, 1e-6)
    close(v["gd_from_minus3_x"], -2.0, 1e-6)
    close(v["gd_from_2_f"], -5 / 12, 1e-10)
    close(v["gd_from_minus3_f"], -8 / 3, 1e-10)
    assert v["local_not_global"] == "True"


def check_integration(v: dict[str, str]) -> None:
    assert v["integral_x2"] == "1/3" and v["integral_x2_verified"] == "True"
    close(v["trap_error_n10"], 1 / 600, 1e-15)
    vclose(v["trap_error_times_6n2"], np.ones(8), 1e-14)
    assert v["trap_error_exact"] == "True"
    # T_n - 1/3 for x^2 on [0, 1], computed here in exact arithmetic: 1/(6 n^2) exactly
    ns = [int(n) for n in vec(v["trap_n"])]
    trap = [
        Fraction(1, n) * (Fraction(1, 2) + sum(Fraction(i * i, n * n) for i in range(1, n)))
        - Fraction(1, 3)
        for n in ns
    ]
    assert [Fraction(t) for t in v["trap_errors_exact"].split(", ")] == trap
    assert trap == [Fraction(1, 6 * n * n) for n in ns] and ns == [2**k for k in range(8)]
    close(v["trap_error_float_n1000"], 1 / 6e6, 1e-12)
    assert v["gaussian_integral"] == "sqrt(pi)"
    close(v["gaussian_integral_value"], math.sqrt(math.pi), 1e-15)
    assert v["gaussian_normaliser"] in ("sqrt(2)*sqrt(pi)*sigma", "sqrt(2*pi)*sigma")
    close(v["gaussian_trapezoid_41pts"], math.sqrt(math.pi), 1e-12)
    assert v["no_closed_form_method"] == "numeric"
    # An independent value: a fine composite Simpson rule.
    t = np.linspace(0, 1, 20001)
    w = np.ones_like(t)
    w[1:-1:2], w[2:-1:2] = 4, 2
    close(v["no_closed_form_value"], float((np.exp(-(t**4)) * np.cos(t)) @ w / 60000), 1e-10)


def check_multivariable(v: dict[str, str]) -> None:
    assert v["gradient"] == "Matrix([[3*x**2 - 3, 2*y]])"
    assert v["hessian"] == "Matrix([[6*x, 0], [0, 2]])"
    assert v["gradient_verified"] == v["hessian_verified"] == "True"
    assert v["hessian_equals_jacobian_of_gradient"] == "True"
    assert v["critical_cubic"] == "(-1, 0) saddle; (1, 0) minimum"
    assert v["critical_saddle"] == "(0, 0) saddle"
    assert v["critical_bowl"] == "(0, 0) minimum"
    assert v["critical_monkey"] == "(0, 0) degenerate"
    vclose(v["newton_x"], [1.0, 1.0], 1e-8)  # the Rosenbrock minimum
    assert v["newton_converged"] == "True" and int(v["newton_steps"]) < 100
    vclose(v["gd_x"], [1.0, 1.0], 1e-2)
    assert int(v["gd_steps"]) > 50 * int(v["newton_steps"])
    assert num(v["momentum_distance_to_minimum"]) < num(v["gd_distance_to_minimum"])


def check_neural_network(v: dict[str, str]) -> None:
    assert v["n_parameters"] == "13"
    assert v["gradient_verified"] == "True"
    assert num(v["loss_symbolic_vs_backprop"]) < 1e-12
    assert num(v["gradient_symbolic_vs_backprop"]) < 1e-12
    assert v["matrix_form_dW"] == (
        "(((c*ones(m) + tanh(ones(m) @ b.T + X @ W.T) @ v - Y) @ v.T) * "
        "(ones(m, k) - tanh(ones(m) @ b.T + X @ W.T)**2)).T @ X"
    )
    assert num(v["matrix_form_vs_backprop"]) < 1e-12
    assert v["loss_decreased"] == "True"
    assert num(v["loss_final"]) < 0.25 * num(v["loss_initial"])
    # the losses recomputed here by a forward pass on the script's data (seed 0)
    rng = np.random.default_rng(0)
    X = rng.uniform(-1.5, 1.5, size=(200, 2))
    Y = np.sin(2 * X[:, 0]) + X[:, 1] ** 2 / 2 + 0.05 * rng.standard_normal(200)
    vclose(v["theta_initial"], 0.5 * rng.standard_normal(13), 0.0)

    def loss(theta: np.ndarray) -> float:
        W, b, w, c = theta[:6].reshape(3, 2), theta[6:9], theta[9:12], theta[12]
        return float(np.mean((np.tanh(X @ W.T + b) @ w + c - Y) ** 2) / 2)

    close(v["loss_initial"], loss(vec(v["theta_initial"])), 1e-12)
    close(v["loss_final"], loss(vec(v["theta_final"])), 1e-12)
    assert loss(vec(v["theta_final"])) < 0.25 * loss(vec(v["theta_initial"]))
    close(v["loss_of_constant_predictor"], float(np.var(Y) / 2), 1e-12)
    assert num(v["loss_final"]) < 0.1 * num(v["loss_of_constant_predictor"])
    close(v["final_loss_backprop"], num(v["loss_final"]), 1e-12)


def check_logistic_regression(v: dict[str, str]) -> None:
    for name in ("w1", "w2", "b"):
        assert v[f"gradient_{name}_identity"] == "0"
    assert num(v["matrix_form_vs_symbolic"]) < 1e-12
    # matrix calculus gives Zᵀ(σ(Zw) − y) (σ printed as a Lambda), checked against NumPy here
    assert v["matrix_derivative"].startswith("Z.T*(") and "exp(-_u)" in v["matrix_derivative"]
    assert v["matrix_derivative_check"].startswith("passed")
    assert num(v["matrix_derivative_vs_numpy"]) < 1e-12
    assert num(v["hessian_matrix_form_vs_symbolic"]) < 1e-12
    assert num(v["hessian_min_eigenvalue"]) > 0
    assert v["matrix_hessian"] == "X.T @ diag(sigmoid(X @ w) * (ones(m) - sigmoid(X @ w))) @ X"
    assert num(v["matrix_hessian_vs_numpy"]) < 1e-12
    close(v["loss_initial"], math.log(2), 1e-12)
    close(v["gd_loss"], num(v["newton_loss"]), 1e-8)
    assert int(v["newton_steps"]) < 20 < int(v["gd_steps"])
    assert num(v["training_accuracy"]) > 0.9


def check_probability(v: dict[str, str]) -> None:
    assert v["die_mean"] == "7/2" and v["die_variance"] == "35/12"
    close(v["lln_die_mean_1e5"], 3.5, 4 * num(v["lln_die_stderr_1e5"]))
    close(v["mc_normal_square_mean"], 1.0, 0.02)
    known = {
        "die": math.log(6),
        "bernoulli_third": -(1 / 3) * math.log(1 / 3) - (2 / 3) * math.log(2 / 3),
        "uniform_0_2": math.log(2),
        "exponential_2": 1 - math.log(2),
        "normal_0_1": 0.5 * math.log(2 * math.pi * math.e),
    }
    for name, value in known.items():
        close(v[f"entropy_{name}_value"], value, 1e-12)
    assert v["entropy_exponential_lambda"] == "1 - log(lamda)"
    assert "log(sigma)" in v["entropy_normal_mu_sigma"]
    assert v["kl_normal_0_1_vs_1_1"] == "1/2"
    close(
        v["entropy_normal_0_1_monte_carlo"],
        known["normal_0_1"],
        4 * num(v["entropy_normal_0_1_monte_carlo_stderr"]),
    )
    close(v["mle_mu_value"], 2.0, 4 * 3 / math.sqrt(5000))
    close(v["mle_sigma_value"], 3.0, 0.15)
    assert num(v["mle_mu_vs_numpy"]) < 1e-12 and num(v["mle_sigma_vs_numpy"]) < 1e-12
    assert v["custom_second_moment"] == "3"
    close(v["custom_sample_second_moment"], 3.0, 4 * num(v["custom_sample_second_moment_stderr"]))
    close(v["custom_sample_mean"], 0.0, 4 * math.sqrt(3 / 200_000))


CHECKS: dict[str, Callable[[dict[str, str]], None]] = {
    "01_vectors.py": check_vectors,
    "02_linear_maps.py": check_linear_maps,
    "03_eigen.py": check_eigen,
    "04_factorizations.py": check_factorizations,
    "05_graphs.py": check_graphs,
    "06_series.py": check_series,
    "07_differentiation.py": check_differentiation,
    "08_optimisation_1d.py": check_optimisation_1d,
    "09_integration.py": check_integration,
    "10_multivariable.py": check_multivariable,
    "11_neural_network.py": check_neural_network,
    "12_logistic_regression.py": check_logistic_regression,
    "13_probability.py": check_probability,
}


def test_every_script_has_a_check() -> None:
    scripts = sorted(p.name for p in EXAMPLES.glob("[0-9][0-9]_*.py"))
    assert scripts == sorted(CHECKS)


@pytest.mark.parametrize("script", sorted(CHECKS))
def test_worked_example(script: str, tmp_path: Path) -> None:
    values = run_script(script, tmp_path)
    CHECKS[script](values)
    figures = [values[k] for k in values if k.startswith("figure_")]
    assert figures, f"{script} saved no figure"
    # build_figures.py finds each script's figures by reading its save() calls
    written = build_figures().written()
    assert sorted(figures) == sorted(f for f, s in written.items() if s == script)
    for fig in figures:
        png = tmp_path / fig
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png
