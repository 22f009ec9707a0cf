"""Sequences and series: e as a limit and as a series; the harmonic series against log n + γ.

Chapter: sequences and series. (1 + 1/n)^n increases to e, with error about e/(2n).
The Taylor series of exp at 0 evaluated at 1 gives e = Σ 1/k!, whose partial sums converge
factorially fast. The harmonic numbers H_n = Σ_{k≤n} 1/k diverge like log n:
H_n − log n decreases to the Euler–Mascheroni constant γ ≈ 0.5772, with error about 1/(2n).

Run: ``python worked_examples/06_series.py [OUTDIR]``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from _common import save, show

import symml as sm

# --- e as a limit ---------------------------------------------------------------------------
L = sm.limit("(1 + 1/n)**n", "n", "oo")
show("limit_result", L.result)  # E
e = float(L.result)
show("e", e)
ns = 10.0 ** np.arange(1, 8)
seq = (1 + 1 / ns) ** ns
show("compound_n1e6", float(seq[5]))
show("compound_error_times_n_1e4", float((e - seq[3]) * ns[3]))  # about e/2
# The rate, symbolically: n (e - (1 + 1/n)^n) -> e/2.
show("rate_limit", sm.limit("n*(E - (1 + 1/n)**n)", "n", "oo").result)

# --- e as a series: the Taylor polynomial of exp, evaluated at 1 ---------------------------------
partial = []
for order in range(1, 16):
    T = sm.taylor("exp(x)", "x", 0, order)  # 1 + x + ... + x^order/order!
    partial.append(float(T.result.subs(T.wrt[0], 1)))
show("taylor10_at_1", partial[9])
show("series_error_order10", abs(partial[9] - e))  # below 1/11! ~ 2.5e-8
show("taylor3", sm.taylor("exp(x)", "x", 0, 3).result)

# --- the harmonic series ---------------------------------------------------------------------------
N = 10**6
H = np.cumsum(1.0 / np.arange(1, N + 1))
n = np.arange(1, N + 1)
gap = H - np.log(n)
show("harmonic_1e6", float(H[-1]))
show("harmonic_minus_log_1e6", float(gap[-1]))
# After the correction 1/(2n) the remaining error is O(1/n^2).
show("harmonic_minus_log_corrected_1e6", float(gap[-1] - 1 / (2 * N)))
show("harmonic_gap_decreasing", bool(np.all(np.diff(gap[:1000]) < 0)))
show("harmonic_gap_n", [1, 10, 100, 1000])
show("harmonic_gap", [float(gap[k - 1]) for k in (1, 10, 100, 1000)])

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
ax1.loglog(ns, e - seq, "o-", label=r"$e - (1+1/n)^n$")
ax1.loglog(ns, e / (2 * ns), "--", label=r"$e/(2n)$")
ax1.loglog(
    np.arange(1, 16),
    np.abs(np.array(partial) - e) + 1e-17,
    "s-",
    label=r"$e - \sum_{k\leq n} 1/k!$",
)
ax1.set_xlabel("n")
ax1.set_ylabel("error")
ax1.legend(fontsize=8)
ax1.set_title("Two roads to e")
idx = np.unique(np.logspace(0, 6, 60).astype(int)) - 1
ax2.semilogx(n[idx], gap[idx], label=r"$H_n - \log n$")
ax2.axhline(gap[-1] - 1 / (2 * N), color="k", ls=":", label=r"$\gamma$")
ax2.set_xlabel("n")
ax2.set_ylabel(r"$H_n - \log n$")
ax2.legend()
ax2.set_title("Harmonic numbers")
save(fig, "06_series")
