"""The main job of ``symml demo``: derive, check, compile and export, into a folder.

:func:`run_demo` writes files and returns what it wrote; the CLI prints the summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from symml.calculus import gradient, hessian
from symml.compile import to_numpy
from symml.derivation import Derivation, Verification

__all__ = ["DemoReport", "run_demo"]

#: The demo's objective: a smooth two-variable function with a saddle and a minimum.
DEMO_FUNCTION = "x**3 - 3*x + y**2 + x*y"


@dataclass
class DemoReport:
    """What the demo derived and wrote.

    Attributes:
        out: The output folder.
        files: The files written, in order.
        derivations: The derivations, by name.
        checks: Their numeric checks, by name.
        lines: A short summary, one line per item.
    """

    out: Path
    files: list[Path] = field(default_factory=list)
    derivations: dict[str, Derivation] = field(default_factory=dict)
    checks: dict[str, Verification] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


def run_demo(out: str | Path = "symml-demo", *, seed: int = 0) -> DemoReport:
    """Derive a gradient and Hessian, check them, export a NumPy module into ``out``.

    Examples:
        >>> import tempfile
        >>> report = run_demo(tempfile.mkdtemp(), seed=0)
        >>> all(report.checks.values())
        True
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    report = DemoReport(out)
    grad = gradient(DEMO_FUNCTION, "x, y")
    hess = hessian(DEMO_FUNCTION, "x, y")
    report.derivations.update(gradient=grad, hessian=hess)
    for name, d in report.derivations.items():
        report.checks[name] = d.verify(rng=seed)
        report.lines.append(f"{name}: {d.result}  [{report.checks[name]}]")
    tex_path = out / "derivations.tex"
    tex_path.write_text("\n\n".join(f"% {name}\n\\[\n{d.latex()}\n\\]"
                                    for name, d in report.derivations.items()) + "\n",
                        encoding="utf-8")
    report.files.append(tex_path)
    module = to_numpy(grad).save(out / "grad_f.py", name="grad_f")
    report.files.append(module)
    report.lines.append(f"exported the gradient as grad_f(x, y) in {module}")
    return report
