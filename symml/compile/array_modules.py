"""The generated modules of the JAX, PyTorch and array-API backends.

One generator, three :class:`ModuleSpec`\\ s. A module imports its library (and NumPy, for
constants such as ``numpy.pi``, plain floats), defines the helpers its code calls, and a
function ``name(args)`` that

1. turns its arguments into the library's arrays (:data:`JAX`: ``jnp.asarray``;
   :data:`TORCH` and :data:`ARRAY_API`: ``_inputs``, one floating dtype for all, float64
   when none is floating, the device of the first array, the namespace for the array API);
2. computes the components printed from the stable SymPy tree by the backend's printer
   (common subexpressions computed once, as in the NumPy backend);
3. broadcasts and stacks them (``_assemble``): ``broadcast_shape + result_shape``, the
   working dtype (float32 in, float32 out), the device of the arguments.

The code is pure (no in-place writes), so ``jax.jit``, ``jax.grad``, ``jax.vmap`` and
``torch.autograd`` go through it. ``name_packed(X)`` takes ``X[..., i]`` for the i-th
variable. Libraries are imported by the generated module only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy

from symml.compile.functions import ARRAY_API_HELPERS, JAX_HELPERS, TORCH_HELPERS, helpers_used
from symml.compile.printer import (
    LARGE_TREE,
    ArrayAPIPrinter,
    ArrayPrinter,
    JaxPrinter,
    TorchPrinter,
    arg_names,
    components_of,
    print_cse,
    print_shared,
    stable_components,
)
from symml.dag import dag_size

__all__ = ["ARRAY_API", "JAX", "SPECS", "TORCH", "ModuleSpec", "build", "module_source"]


@dataclass(frozen=True)
class ModuleSpec:
    """What one backend's generated module is made of.

    Attributes:
        name: The backend's name (``"jax"``, ``"torch"``, ``"array_api"``).
        printer: Its printer class (its function table).
        helpers: The helper functions its table may call, by name.
        imports: The module's import lines.
        runtime: Helpers every function uses (``_inputs``, ``_assemble``).
        enter: The first line of the function: ``{args}`` the arguments, ``{internal}``
            the internal names ``_x0, _x1, ...`` (one per argument, with a trailing comma).
        assemble: The return expression: ``{values}``, ``{internal}``, ``{shape}``.
        reserved: Names the arguments must not take (the modules the code uses).
        jit: The decorator of a compiled function (``@jax.jit``), if any.
    """

    name: str
    printer: type[ArrayPrinter]
    helpers: Mapping[str, str]
    imports: tuple[str, ...]
    runtime: str
    enter: str
    assemble: str
    reserved: frozenset[str]
    jit: str = ""

    def own_names(self) -> frozenset[str]:
        """The module's own names: a saved function must not take one."""
        names = {"numpy", "_inputs", "_assemble", *self.helpers}
        for line in self.imports:
            names.add(line.split()[-1].split(".")[0])
        return frozenset(names)


_JAX_RUNTIME = """def _assemble(values, args, shape):
    "the components broadcast together, on trailing axes of shape, in the working dtype"
    size = jnp.broadcast_shapes(*(jnp.shape(a) for a in args))
    dtype = jnp.result_type(float, *args, *values)
    out = [jnp.broadcast_to(jnp.asarray(v, dtype), size) for v in values]
    return out[0] if not shape else jnp.stack(out, -1).reshape(size + shape)"""

_TORCH_RUNTIME = """def _inputs(*args):
    "the arguments as tensors of one floating dtype (float64 if none is), on one device"
    tensors = [a for a in args if isinstance(a, torch.Tensor)]
    dtype = None
    for t in tensors:
        if t.is_floating_point() or t.is_complex():
            dtype = t.dtype if dtype is None else torch.promote_types(dtype, t.dtype)
    dtype = torch.float64 if dtype is None else dtype
    device = tensors[0].device if tensors else None
    return [torch.as_tensor(a, dtype=dtype, device=device) for a in args], dtype, device


def _assemble(values, args, shape, dtype, device):
    "the components broadcast together, on trailing axes of shape"
    size = torch.broadcast_tensors(*args)[0].shape if args else torch.Size()
    for v in values:
        if isinstance(v, torch.Tensor):
            dtype = torch.promote_types(dtype, v.dtype)
    out = []
    for v in values:
        v = torch.as_tensor(v, dtype=dtype, device=device)
        out.append(v if v.shape == size else torch.broadcast_to(v, size))
    return out[0] if not shape else torch.stack(out, -1).reshape(size + shape)"""

_ARRAY_API_RUNTIME = """def _inputs(*args):
    "the namespace of the arrays, and the arguments in it: one floating dtype, one device"
    arrays = [a for a in args if array_api_compat.is_array_api_obj(a)]
    xp = array_api_compat.array_namespace(*(arrays or [numpy.asarray(0.0)]))
    real = ("real floating", "complex floating")
    floating = [a.dtype for a in arrays if xp.isdtype(a.dtype, real)]
    dtype = xp.result_type(*floating) if floating else xp.float64
    device = array_api_compat.device(arrays[0]) if arrays else None
    return xp, [xp.asarray(a, dtype=dtype, device=device) for a in args], dtype, device


def _assemble(xp, values, args, shape, dtype, device):
    "the components broadcast together, on trailing axes of shape"
    size = tuple(xp.broadcast_arrays(*args)[0].shape) if args else ()
    out = []
    for v in values:
        v = xp.asarray(v, dtype=dtype, device=device) if not hasattr(v, "shape") else v
        out.append(v if tuple(v.shape) == size else xp.broadcast_to(v, size))
    return out[0] if not shape else xp.reshape(xp.stack(out, axis=-1), size + shape)"""

#: JAX: ``jnp.asarray`` of each argument; float64 needs ``jax_enable_x64``.
JAX = ModuleSpec(
    name="jax",
    printer=JaxPrinter,
    helpers=JAX_HELPERS,
    imports=("import jax", "import jax.numpy as jnp", "import jax.scipy.special"),
    runtime=_JAX_RUNTIME,
    enter="{internal} = {jnp_args}",
    assemble="_assemble([{values}], ({internal}), {shape})",
    reserved=frozenset({"jax", "jnp"}),
    jit="@jax.jit",
)

#: PyTorch: one dtype and device for all arguments (``_dtype``, ``_device``).
TORCH = ModuleSpec(
    name="torch",
    printer=TorchPrinter,
    helpers=TORCH_HELPERS,
    imports=("import torch",),
    runtime=_TORCH_RUNTIME,
    enter="({internal}), _dtype, _device = _inputs({args})",
    assemble="_assemble([{values}], ({internal}), {shape}, _dtype, _device)",
    reserved=frozenset({"torch"}),
)

#: The array API: ``xp`` is ``array_api_compat.array_namespace`` of the arguments.
ARRAY_API = ModuleSpec(
    name="array_api",
    printer=ArrayAPIPrinter,
    helpers=ARRAY_API_HELPERS,
    imports=("import array_api_compat",),
    runtime=_ARRAY_API_RUNTIME,
    enter="xp, ({internal}), _dtype, _device = _inputs({args})",
    assemble="_assemble(xp, [{values}], ({internal}), {shape}, _dtype, _device)",
    reserved=frozenset({"xp", "array_api_compat"}),
)

#: The specs by backend name.
SPECS: Mapping[str, ModuleSpec] = {s.name: s for s in (JAX, TORCH, ARRAY_API)}


def _statements(
    spec: ModuleSpec, expr: sympy.Basic, wrt: Sequence[sympy.Symbol], cse: bool
) -> tuple[list[str], list[str]]:
    """The body's statements and the components' values, in ``_x0, _x1, ...``."""
    components = stable_components(expr)
    if dag_size(components) > LARGE_TREE:
        return print_shared(components, wrt, cse, spec.printer)
    return print_cse(components, wrt, cse, spec.printer())


def module_source(
    spec: ModuleSpec,
    expr: sympy.Basic,
    wrt: Sequence[sympy.Symbol],
    cse: bool,
    name: str,
    *,
    jit: bool = True,
    doc: str = "",
) -> str:
    """The source of a module defining ``name`` and ``name + "_packed"`` for ``spec``.

    Raises:
        ValueError: For a ``name`` the module itself uses (``torch``, ``_inputs``...).

    Examples:
        >>> x, y = sympy.symbols("x y")
        >>> src = module_source(TORCH, sympy.sin(x) * y, (x, y), False, "f")
        >>> "def f(x, y):" in src and "torch.sin(_x0)" in src and "import jax" not in src
        True
    """
    if name in spec.own_names():
        raise ValueError(
            f"name {name!r} is a name the {spec.name} module uses itself; choose another"
        )
    args = arg_names(wrt, spec.reserved)
    body, values = _statements(spec, expr, wrt, cse)
    shape = components_of(expr)[1]
    internal = "".join(f"_x{i}, " for i in range(len(args)))
    fields = {
        "args": ", ".join(args),
        "internal": internal,
        "jnp_args": "".join(f"jnp.asarray({a}), " for a in args) or "()",
        "values": ", ".join(values),
        "shape": repr(shape),
    }
    code = [*body, f"return {spec.assemble.format(**fields)}"]
    used = [line for line in spec.imports if _uses(line, code)]
    lines = [
        *used,
        "import numpy",
        "",
        "",
        *(f"{source}\n\n" for source in helpers_used(code, spec.helpers)),
        f"{spec.runtime}\n\n",
        *([spec.jit] if jit and spec.jit else []),
        f"def {name}({', '.join(args)}):",
        f"    {doc or name!r}",
        *([f"    {spec.enter.format(**fields)}"] if args or spec.name != "jax" else []),
        *(f"    {line}" for line in code),
        "",
        "",
        f"def {name}_packed(X):",
        f"    {('packed form: ' + name + '(X[..., 0], X[..., 1], ...)')!r}",
        f"    return {name}(*(X[..., i] for i in range({len(args)})))",
        "",
    ]
    return "\n".join(lines)


def _uses(import_line: str, code: list[str]) -> bool:
    """Whether the code uses the module an import line brings (``jax`` always: the jit)."""
    module = import_line.split()[-1]
    if module in ("jax", "torch", "array_api_compat", "jnp"):
        return True
    return any(f"{module}." in line for line in code)


def build(
    spec: ModuleSpec,
    expr: sympy.Basic,
    wrt: Sequence[sympy.Symbol],
    cse: bool,
    *,
    jit: bool = True,
    doc: str = "",
) -> tuple[str, Callable[..., Any], Callable[..., Any]]:
    """``(source, function, packed function)`` of ``spec``'s module for ``expr``.

    Examples:
        >>> x = sympy.Symbol("x")
        >>> source, f, f_packed = build(ARRAY_API, sympy.log(1 + sympy.exp(x)), (x,), False)
        >>> float(f(800.0)), "_softplus" in source
        (800.0, True)
    """
    source = module_source(spec, expr, wrt, cse, "f", jit=jit, doc=doc)
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<symml-{spec.name}>", "exec"), namespace)  # noqa: S102 - printed from a SymPy tree
    return source, namespace["f"], namespace["f_packed"]
