"""One function table per backend: how each library spells each SymPy function.

A table maps a SymPy function class to its spelling in generated code:

* a dotted name (``"numpy.sin"``), printed ``name(arg, ...)``; for ``Max``, ``Min`` and
  ``LogSumExp`` of many arguments the binary function nests;
* a template with ``{0}`` for the printed argument (``"numpy.logaddexp(0.0, {0})"``);
* a helper's name (``"_softplus"``): a small function the generated module defines, whose
  source is in the backend's ``*_HELPERS`` table (written out only where the code uses it).

:data:`NUMPY_FUNCTIONS` is the reference: every other array backend's table has exactly its
keys (``tests/compile`` asserts it), as sympy2jax keeps one mapping per library. The NumPy
backend prints anything else SciPy's printer knows (Bessel functions, ``Piecewise``...);
the other backends print only what their table and the printer core know, and name what
they cannot print.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy

from symml.compile.stability import Expit, Expm1, Log1p, LogSumExp, Softplus

__all__ = [
    "ARRAY_API_FUNCTIONS",
    "ARRAY_API_HELPERS",
    "JAX_FUNCTIONS",
    "JAX_HELPERS",
    "NESTED",
    "NUMBA_FUNCTIONS",
    "NUMBA_HELPERS",
    "NUMPY_FUNCTIONS",
    "NUMPY_HELPERS",
    "NUMPY_ONLY_FUNCTIONS",
    "TORCH_FUNCTIONS",
    "TORCH_HELPERS",
    "helpers_used",
]

#: Functions of many arguments that a table spells as a binary function, nested (unless
#: the backend's printer says otherwise: NumPy's ``_logsumexp`` takes any number).
NESTED: tuple[type, ...] = (sympy.Max, sympy.Min, LogSumExp)

#: The NumPy backend (on top of SciPy's printer, which knows many more functions).
NUMPY_FUNCTIONS: Mapping[type, str] = {
    sympy.sin: "numpy.sin",
    sympy.cos: "numpy.cos",
    sympy.tan: "numpy.tan",
    sympy.asin: "numpy.arcsin",
    sympy.acos: "numpy.arccos",
    sympy.atan: "numpy.arctan",
    sympy.atan2: "numpy.arctan2",
    sympy.sinh: "numpy.sinh",
    sympy.cosh: "numpy.cosh",
    sympy.tanh: "numpy.tanh",
    sympy.asinh: "numpy.arcsinh",
    sympy.acosh: "numpy.arccosh",
    sympy.atanh: "numpy.arctanh",
    sympy.exp: "numpy.exp",
    sympy.log: "numpy.log",
    sympy.Abs: "numpy.abs",
    sympy.sign: "numpy.sign",
    sympy.floor: "numpy.floor",
    sympy.ceiling: "numpy.ceil",
    sympy.Max: "numpy.maximum",
    sympy.Min: "numpy.minimum",
    sympy.erf: "scipy.special.erf",
    sympy.erfc: "scipy.special.erfc",
    sympy.gamma: "scipy.special.gamma",
    sympy.loggamma: "scipy.special.gammaln",
    Log1p: "numpy.log1p",
    Expm1: "numpy.expm1",
    Softplus: "_softplus",
    Expit: "_expit",
    LogSumExp: "_logsumexp",
}

#: Special functions the NumPy backend alone spells (through ``scipy.special``; SciPy's
#: printer lacks them), beside :data:`NUMPY_FUNCTIONS`. The other backends name them as
#: functions they have no form of.
NUMPY_ONLY_FUNCTIONS: Mapping[type, str] = {
    sympy.erfi: "scipy.special.erfi",
    sympy.li: "scipy.special.expi(numpy.log({0}))",  # li(x) = Ei(log x) for x > 0
    sympy.Shi: "scipy.special.shichi({0})[0]",
    sympy.Chi: "scipy.special.shichi({0})[1]",
}

# NumPy's own logaddexp takes ~50x longer than exp; these take a few ufunc passes, without
# overflow (and so without NumPy's overflow warnings).
NUMPY_HELPERS: Mapping[str, str] = {
    "_softplus": """def _softplus(u):
    "log(1 + exp(u)), never overflowing"
    return numpy.maximum(u, 0.0) + numpy.log1p(numpy.exp(-numpy.abs(u)))""",
    "_expit": """def _expit(u):
    "1/(1 + exp(-u)), never overflowing"
    e = numpy.exp(-numpy.abs(u))
    return numpy.where(u >= 0, 1.0, e) / (1.0 + e)""",
    "_logsumexp": """def _logsumexp(*a):
    "log(exp(a[0]) + exp(a[1]) + ...), the largest shifted out"
    if len(a) == 2:
        d = numpy.fmin(-numpy.abs(a[0] - a[1]), 0.0)  # 0, not NaN, where a == b == inf
        return numpy.maximum(a[0], a[1]) + numpy.log1p(numpy.exp(d))
    m = a[0]
    for v in a[1:]:
        m = numpy.maximum(m, v)
    m = numpy.clip(m, -numpy.finfo(float).max, numpy.finfo(float).max)  # ±inf: no inf - inf
    s = numpy.exp(a[0] - m)
    for v in a[1:]:
        s = s + numpy.exp(v - m)
    return m + numpy.log(s)""",
}

#: SymPy functions that numba evaluates in scalar code, and how they are spelled.
NUMBA_FUNCTIONS: Mapping[type, str] = {
    **{k: v for k, v in NUMPY_FUNCTIONS.items() if v.startswith("numpy.")},
    sympy.erf: "math.erf",
    sympy.erfc: "math.erfc",
    sympy.gamma: "math.gamma",
    sympy.loggamma: "math.lgamma",
    Log1p: "math.log1p",
    Expm1: "math.expm1",
    Softplus: "numpy.logaddexp(0.0, {0})",
    Expit: "(1.0/(1.0 + numpy.exp(-({0}))))",
    LogSumExp: "numpy.logaddexp",
}

#: The numba loop's helpers (none: its scalar code spells everything inline).
NUMBA_HELPERS: Mapping[str, str] = {}

#: JAX (``jax.numpy`` as ``jnp``): differentiable, vmap-able, jit-able, pure.
JAX_FUNCTIONS: Mapping[type, str] = {
    **{k: v.replace("numpy.", "jnp.") for k, v in NUMPY_FUNCTIONS.items()},
    sympy.erf: "jax.scipy.special.erf",
    sympy.erfc: "jax.scipy.special.erfc",
    sympy.gamma: "jax.scipy.special.gamma",
    sympy.loggamma: "jax.scipy.special.gammaln",
    Softplus: "jax.nn.softplus",
    Expit: "jax.nn.sigmoid",
    LogSumExp: "jnp.logaddexp",
}

JAX_HELPERS: Mapping[str, str] = {}

#: PyTorch: every function differentiable by autograd; the numbers among a call's arguments
#: are printed as tensors of the working dtype and device.
TORCH_FUNCTIONS: Mapping[type, str] = {
    sympy.sin: "torch.sin",
    sympy.cos: "torch.cos",
    sympy.tan: "torch.tan",
    sympy.asin: "torch.asin",
    sympy.acos: "torch.acos",
    sympy.atan: "torch.atan",
    sympy.atan2: "torch.atan2",
    sympy.sinh: "torch.sinh",
    sympy.cosh: "torch.cosh",
    sympy.tanh: "torch.tanh",
    sympy.asinh: "torch.asinh",
    sympy.acosh: "torch.acosh",
    sympy.atanh: "torch.atanh",
    sympy.exp: "torch.exp",
    sympy.log: "torch.log",
    sympy.Abs: "torch.abs",
    sympy.sign: "torch.sign",
    sympy.floor: "torch.floor",
    sympy.ceiling: "torch.ceil",
    sympy.Max: "torch.maximum",
    sympy.Min: "torch.minimum",
    sympy.erf: "torch.special.erf",
    sympy.erfc: "torch.special.erfc",
    sympy.gamma: "_gamma",
    sympy.loggamma: "torch.special.gammaln",
    Log1p: "torch.log1p",
    Expm1: "torch.expm1",
    Softplus: "_softplus",
    Expit: "torch.sigmoid",
    LogSumExp: "torch.logaddexp",
}

# torch.nn.functional.softplus returns u itself above u = 20 (a relative error of 1e-10):
# logaddexp is exact there, and its gradient is the sigmoid
TORCH_HELPERS: Mapping[str, str] = {
    "_softplus": """def _softplus(u):
    "log(1 + exp(u)) = logaddexp(u, 0), exact at both ends"
    return torch.logaddexp(u, torch.zeros_like(u))""",
    "_gamma": """def _gamma(x):
    "Γ(x) from log|Γ(x)| and its sign (torch has no gamma)"
    sign = torch.where((x > 0) | (torch.remainder(torch.floor(x), 2) == 0), 1.0, -1.0)
    return sign.to(x.dtype) * torch.exp(torch.special.gammaln(x))""",
}

#: The array API standard (``xp`` = ``array_api_compat.array_namespace`` of the arguments);
#: its special functions come from the arrays' own library (:data:`ARRAY_API_HELPERS`).
ARRAY_API_FUNCTIONS: Mapping[type, str] = {
    **{k: v.replace("torch.", "xp.") for k, v in TORCH_FUNCTIONS.items()},
    sympy.erf: "_special('erf', {0})",
    sympy.erfc: "_special('erfc', {0})",
    sympy.gamma: "_special('gamma', {0})",
    sympy.loggamma: "_special('gammaln', {0})",
    Expit: "_expit",
    LogSumExp: "xp.logaddexp",
}

ARRAY_API_HELPERS: Mapping[str, str] = {
    "_softplus": """def _softplus(u):
    "log(1 + exp(u)) = logaddexp(u, 0)"
    xp = array_api_compat.array_namespace(u)
    return xp.logaddexp(u, xp.zeros_like(u))""",
    "_expit": """def _expit(u):
    "1/(1 + exp(-u)) = exp(-softplus(-u)): 0 or 1 at the far ends, never NaN"
    xp = array_api_compat.array_namespace(u)
    return xp.exp(-_softplus(-u))""",
    "_special": """def _special(name, x):
    "A special function from the library the array belongs to"
    lib = type(x).__module__.split(".")[0]
    if lib == "torch":
        import torch

        if name == "gamma":
            sign = torch.where((x > 0) | (torch.remainder(torch.floor(x), 2) == 0), 1.0, -1.0)
            return sign.to(x.dtype) * torch.exp(torch.special.gammaln(x))
        return getattr(torch.special, name)(x)
    if lib in ("jax", "jaxlib"):
        import jax.scipy.special

        return getattr(jax.scipy.special, name)(x)
    if lib in ("cupy", "cupyx"):
        import cupyx.scipy.special

        return getattr(cupyx.scipy.special, name)(x)
    import scipy.special

    return getattr(scipy.special, name)(x)""",
}


def helpers_used(lines: list[str], helpers: Mapping[str, str]) -> list[str]:
    """The sources of the helpers that the code ``lines`` calls (and the ones they call),
    in the table's order.

    Examples:
        >>> [s.splitlines()[0] for s in helpers_used(["y = _expit(x)"], ARRAY_API_HELPERS)]
        ['def _softplus(u):', 'def _expit(u):']
    """
    text = "\n".join(lines)
    used: set[str] = set()
    while True:
        found = {name for name in helpers if f"{name}(" in text} - used
        if not found:
            break
        used |= found
        text = "\n".join(helpers[name] for name in found)
    return [source for name, source in helpers.items() if name in used]
