"""The guided tour notebook runs through a real Jupyter kernel and displays LaTeX."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[2]
TOUR = ROOT / "worked_examples" / "tour.ipynb"


def _kernel_name() -> str:
    """``python3`` (ipykernel's own spec) when it runs this interpreter, else a spec made
    for it in a temporary Jupyter path by the caller."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        return ""
    return "python3" if spec.argv and Path(spec.argv[0]).name.startswith("python") else ""


@pytest.fixture(scope="module")
def executed(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: pytest.MonkeyPatch
) -> tuple[object, Path]:
    work = tmp_path_factory.mktemp("tour")
    nb = nbformat.read(TOUR, as_version=4)
    name = _kernel_name()
    if not name:  # make a spec that runs this interpreter (a fresh machine, a venv)
        from ipykernel.kernelspec import install

        prefix = tmp_path_factory.mktemp("jupyter")
        install(prefix=str(prefix), kernel_name="symml-tour")
        monkeypatch_module.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
        name = "symml-tour"
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name=name, resources={"metadata": {"path": str(work)}}
    )
    client.execute()
    return nb, work


@pytest.fixture(scope="module")
def monkeypatch_module() -> pytest.MonkeyPatch:
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def _outputs(nb: object) -> list[dict]:
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]


def test_the_tour_runs_without_errors(executed: tuple[object, Path]) -> None:
    nb, _ = executed
    errors = [o for o in _outputs(nb) if o.output_type == "error"]
    assert errors == [], errors and "\n".join(errors[0].traceback)
    assert all(cell.execution_count for cell in nb.cells if cell.cell_type == "code")


def test_the_tour_displays_latex(executed: tuple[object, Path]) -> None:
    nb, _ = executed
    latex = [
        o.data["text/latex"]
        for o in _outputs(nb)
        if o.output_type == "execute_result" and "text/latex" in o.data
    ]
    # gradient, verification, Hessian, integral, eigen, expectation, Newton
    assert len(latex) >= 7
    assert any(r"\nabla f(x, y)" in t for t in latex)
    assert any(r"\sqrt{2} \sqrt{\pi}" in t for t in latex)


def test_the_tour_writes_its_notes(executed: tuple[object, Path]) -> None:
    nb, work = executed
    md = (work / "tour-notes.md").read_text(encoding="utf-8")
    assert md.startswith("# Tour notes") and "$$" in md
    assert (work / "tour-notes-fig1.png").exists()
    assert (work / "grad_f.py").exists()
    last = nb.cells[-1].outputs[-1]
    assert "text/markdown" in last.data and "data:image/png;base64," in last.data["text/markdown"]


def test_the_committed_notebook_is_what_the_script_builds() -> None:
    sys.path.insert(0, str(TOUR.parent))
    try:
        import build_tour
    finally:
        sys.path.remove(str(TOUR.parent))
    stored = json.loads(TOUR.read_text(encoding="utf-8"))
    built = json.loads(nbformat.writes(build_tour.build()))
    assert [c["source"] for c in stored["cells"]] == [c["source"] for c in built["cells"]]
    assert all(not c.get("outputs") for c in stored["cells"])
