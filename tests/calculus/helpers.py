"""Known values shared by the calculus tests and the CLI tests of the same operations."""

from __future__ import annotations

import numpy as np
from scipy import special as scipy_special

#: ∫₀¹∫₀¹ |sin(xy)| dx dy = ∫₀¹ (1 − cos y)/y dy = Cin(1) = γ − Ci(1) (xy ∈ [0, 1]: sin ≥ 0).
CIN_1 = float(np.euler_gamma - scipy_special.sici(1.0)[1])
