"""Issue 16, item 12: ``linalg`` lines of a notes recipe work in the documented form
``linalg: OPERATION MATRIX | --options``; other forms are refused with that form."""

from __future__ import annotations

from pathlib import Path

import pytest

from symml.cli import build_notes, main

RECIPE = """\
linalg: svd [[3,0],[4,5]] | --verify
linalg: det [[1,2],[3,4]] | --verify
linalg: inverse [[1, 2], [3, 4]]
linalg: lu [[0,1],[1,0]]
linalg: qr [[3,0],[4,5]] | --verify
linalg: gram-schmidt [[1,1,0],[1,0,1]] | --verify
"""


def test_linalg_recipe_lines_build_their_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recipe = tmp_path / "la.txt"
    recipe.write_text(RECIPE)
    assert main(["notes", str(recipe), "-o", str(tmp_path / "la.md")]) == 0
    assert "4 checks" in capsys.readouterr().out
    md = (tmp_path / "la.md").read_text()
    for heading in (
        "## Singular value decomposition",
        "## LU decomposition",
        "## QR decomposition",
    ):
        assert heading in md
    assert md.count("**passed**") == 4 and "FAILED" not in md


def test_the_documented_form_is_in_the_guide() -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "guide" / "notes.md").read_text()
    assert "linalg: svd [[3,0],[4,5]] | --verify" in guide
    build_notes("linalg: svd [[3,0],[4,5]] | --verify")  # and it works as written


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("linalg: svd", "expected linalg: OPERATION MATRIX"),
        ("linalg: svd | [[3,0],[4,5]]", "expected linalg: OPERATION MATRIX"),
        ("linalg: svd [[3,0],[4,5]] | x", "linalg takes no variables after '|'"),
        ("linalg: svd [[3,0],[4,5]] --verify", "options go after '|'"),
        ("linalg: trace [[1,2],[3,4]]", "invalid choice: 'trace'"),
    ],
)
def test_other_forms_say_what_to_write(
    line: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recipe = tmp_path / "bad.txt"
    recipe.write_text(f"text: first\n{line}\n")
    assert main(["notes", str(recipe), "-o", str(tmp_path / "bad.md")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "line 2:" in err and says in err
