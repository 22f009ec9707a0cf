"""The architecture holds: data flows one way (DESIGN.md's layers, the import-linter
contract in pyproject.toml), and the one upward import is the documented one."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "symml"

#: The documented lazy imports of symml inside function bodies: a result's compiled
#: callable (``Derivation.to_numpy`` and the maths areas' numeric checks go through
#: ``derivation.compiled``), which imports the compiler of a higher layer when first called.
DOCUMENTED_LAZY_IMPORTS = {("derivation.py", "compiled")}


def lazy_symml_imports(path: Path, root: Path = PACKAGE) -> list[tuple[str, str, int]]:
    """``(file, function, line)`` of each ``import symml...`` written inside a function."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for inner in ast.walk(node):
            names = []
            if isinstance(inner, ast.ImportFrom) and inner.level == 0 and inner.module:
                names = [inner.module]
            elif isinstance(inner, ast.Import):
                names = [alias.name for alias in inner.names]
            if any(n == "symml" or n.startswith("symml.") for n in names):
                found.append((str(path.relative_to(root)), node.name, inner.lineno))
    return found


def test_the_only_lazy_symml_imports_are_the_documented_ones() -> None:
    found = [hit for p in sorted(PACKAGE.rglob("*.py")) for hit in lazy_symml_imports(p)]
    undocumented = [hit for hit in found if hit[:2] not in DOCUMENTED_LAZY_IMPORTS]
    assert not undocumented, f"imports inside functions (move them to the top): {undocumented}"
    assert {hit[:2] for hit in found} == DOCUMENTED_LAZY_IMPORTS


def test_the_lazy_import_finder_sees_one(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import symml\n\ndef f():\n    from symml.compile import to_numpy\n")
    assert lazy_symml_imports(sample, tmp_path) == [("sample.py", "f", 4)]


def test_imports_follow_the_layers_contract() -> None:
    pytest.importorskip("importlinter")
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    run = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "1 kept, 0 broken" in run.stdout
