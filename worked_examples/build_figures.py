"""Rebuild the documentation's figures from the worked examples: the one way they are made.

Run from anywhere::

    python worked_examples/build_figures.py

It runs each ``NN_*.py`` script that writes a figure the docs show into a temporary folder,
copies into ``docs/_static/examples/`` every figure the docs reference (each
``_static/examples/NAME.png`` in ``docs/*.md`` and ``docs/guide/*.md``), deletes the figures
there that the docs no longer show, and writes ``docs/_static/examples/SOURCES.json``: for
each figure, the script that made it and a SHA-256 of that script and ``_common.py``.
``tests/docs/test_docs.py`` checks that the folder holds exactly the referenced figures and that
no script changed since its figures were made (it does not compare pixels: a change in
symml itself that alters a picture is caught only when the figures are rebuilt). It stops
with an error when the docs reference a figure that no script writes.

The script reads each example's ``save(fig, "NAME")`` calls to learn which figures it
writes (``tests/docs/test_worked_examples.py`` checks that list against what the script prints).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "worked_examples"
DOCS = ROOT / "docs"
FIGURES = DOCS / "_static" / "examples"
MANIFEST = FIGURES / "SOURCES.json"
#: A figure reference in the Markdown docs.
REFERENCE = re.compile(r"_static/examples/([\w.-]+\.png)")
#: A figure written by an example: ``save(<figure>, "NAME")``.
SAVE = re.compile(r'^\s*save\([^\n]*?,\s*"([\w.-]+)"\)', re.MULTILINE)


def scripts() -> list[Path]:
    """The worked examples, in chapter order."""
    return sorted(EXAMPLES.glob("[0-9][0-9]_*.py"))


def pages() -> list[Path]:
    """The Markdown pages that may show figures."""
    return sorted(DOCS.glob("*.md")) + sorted((DOCS / "guide").glob("*.md"))


def referenced() -> dict[str, list[str]]:
    """Each figure file the docs show -> the pages (relative to docs/) that show it."""
    out: dict[str, list[str]] = {}
    for page in pages():
        for name in REFERENCE.findall(page.read_text(encoding="utf-8")):
            out.setdefault(name, []).append(page.relative_to(DOCS).as_posix())
    return out


def written() -> dict[str, str]:
    """Each figure file the examples write -> the script that writes it."""
    out: dict[str, str] = {}
    for script in scripts():
        for name in SAVE.findall(script.read_text(encoding="utf-8")):
            out[f"{name}.png"] = script.name
    return out


def fingerprint(script: str) -> str:
    """SHA-256 of the script and the helpers it shares (``_common.py``)."""
    digest = hashlib.sha256()
    for path in (EXAMPLES / script, EXAMPLES / "_common.py"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build() -> dict[str, dict[str, str]]:
    """Regenerate ``docs/_static/examples/`` and its manifest; return the manifest."""
    shown, made = referenced(), written()
    missing = sorted(set(shown) - set(made))
    if missing:
        raise SystemExit(
            f"the docs show figures no worked example writes: {missing} "
            f"(referenced in {[shown[m] for m in missing]})"
        )
    needed = sorted({made[name] for name in shown})
    FIGURES.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "MPLBACKEND": "Agg"}
    with tempfile.TemporaryDirectory() as tmp:
        for script in needed:
            print(f"running {script}", flush=True)
            subprocess.run(
                [sys.executable, str(EXAMPLES / script), tmp],
                check=True,
                cwd=tmp,
                env=env,
                stdout=subprocess.DEVNULL,
            )
        for name in sorted(shown):
            shutil.copyfile(Path(tmp) / name, FIGURES / name)
    for stale in FIGURES.glob("*.png"):
        if stale.name not in shown:
            stale.unlink()
            print(f"removed {stale.name} (no page shows it)")
    manifest = {
        name: {"script": made[name], "sha256": fingerprint(made[name])} for name in sorted(shown)
    }
    MANIFEST.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(manifest)} figures and {MANIFEST.relative_to(ROOT)}")
    return manifest


if __name__ == "__main__":
    build()
