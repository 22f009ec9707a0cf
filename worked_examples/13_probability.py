"""Probability: the law of large numbers, expectations and entropies, a Gaussian MLE, sampling.

Chapter: probability. The sample mean of n independent draws converges to the expectation
(law of large numbers) with standard error σ/√n. Expectations and entropies of the standard
families have closed forms (a fair die: mean 7/2, entropy log 6; N(μ, σ²): entropy
½ log(2πeσ²); Exp(λ): 1 − log λ). Maximising the Gaussian log-likelihood gives the sample
mean and the (biased, 1/n) sample standard deviation. A custom density can be sampled by
inverting its CDF.

Run: ``python worked_examples/13_probability.py [OUTDIR]``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from _common import save, show

import symml as sm

rng = np.random.default_rng(2024)

# --- the law of large numbers --------------------------------------------------------------------
D = sm.Die("D", 6)
show("die_mean", sm.expectation(D).result)  # 7/2
show("die_variance", sm.variance(D).result)  # 35/12
rolls = sm.sampler(D)(100_000, rng=rng)
running = np.cumsum(rolls) / np.arange(1, rolls.size + 1)
show("lln_die_mean_1e5", float(running[-1]))
show("lln_die_stderr_1e5", float(np.sqrt(35 / 12 / rolls.size)))
est = sm.monte_carlo(sm.Normal("Z", 0, 1) ** 2, 100_000, rng=rng)  # E[Z^2] = 1
show("mc_normal_square_mean", est.mean)
show("mc_normal_square_agrees", est.agrees_with(1))

# --- expectations and entropies of the book's distributions ---------------------------------------
mu = sm.symbols("mu")
sigma, lam = sm.symbols("sigma lamda", positive=True)
table = {
    "die": sm.Die("D6", 6),
    "bernoulli_third": sm.Bernoulli("B", sm.parse("1/3")),
    "uniform_0_2": sm.Uniform("U", 0, 2),
    "exponential_2": sm.Exponential("E", 2),
    "normal_0_1": sm.Normal("N", 0, 1),
    "normal_mu_sigma": sm.Normal("G", mu, sigma),
    "exponential_lambda": sm.Exponential("L", lam),
}
for name, X in table.items():
    H = sm.entropy(X).result
    show(f"entropy_{name}", H)
    if not H.free_symbols:
        show(f"entropy_{name}_value", float(H))
show("kl_normal_0_1_vs_1_1", sm.kl_divergence(sm.Normal("P", 0, 1), sm.Normal("Q", 1, 1)).result)
# Cross-check one differential entropy by Monte Carlo: H = E[-log f(X)] for X ~ N(0, 1).
z = sm.sampler(sm.Normal("Y", 0, 1))(200_000, rng=rng)
neg_log = 0.5 * z**2 + 0.5 * np.log(2 * np.pi)
show("entropy_normal_0_1_monte_carlo", float(neg_log.mean()))
show("entropy_normal_0_1_monte_carlo_stderr", float(neg_log.std() / np.sqrt(z.size)))

# --- the maximum-likelihood estimate of a Gaussian ---------------------------------------------------
fit = sm.mle(sm.Normal("X", mu, sigma), "x")
for param, estimator in fit.estimators.items():
    show(f"mle_{param}", estimator)
sample = rng.normal(2.0, 3.0, size=5000)
values = fit.to_numpy()(sample)
show("mle_mu_value", values["mu"])
show("mle_sigma_value", values["sigma"])
show("mle_mu_vs_numpy", abs(values["mu"] - sample.mean()))
show("mle_sigma_vs_numpy", abs(values["sigma"] - sample.std(ddof=0)))

# --- sampling from a custom density ------------------------------------------------------------------
# f(x) = x^2 exp(-x^2/2)/sqrt(2 pi) on the real line: it integrates to 1 (E[Z^2] = 1 for a
# standard normal) and E[X^2] = E[Z^4] = 3.
C = sm.ContinuousRV("x", "x**2*exp(-x**2/2)/sqrt(2*pi)")
show("custom_second_moment", sm.expectation(C**2).result)  # 3
S = sm.sampler(C)
show("custom_sampler_method", S.method)
draws = S(200_000, rng=rng)
show("custom_sample_mean", float(draws.mean()))  # about 0
show("custom_sample_second_moment", float((draws**2).mean()))  # about 3
show("custom_sample_second_moment_stderr", float((draws**2).std() / np.sqrt(draws.size)))

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
ax1.semilogx(np.arange(1, rolls.size + 1), running, lw=1)
ax1.axhline(3.5, color="k", ls=":")
ax1.set_xlabel("number of rolls n")
ax1.set_ylabel("running mean")
ax1.set_title("Law of large numbers (a fair die)")
sm.plot_density(C, samples=draws[:20_000], ax=ax2)
ax2.set_title(r"$x^2 e^{-x^2/2}/\sqrt{2\pi}$: samples vs density")
save(fig, "13_probability")
