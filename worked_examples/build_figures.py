"""Rebuild the documentation's figures from the worked examples: the one way they are made.

Run from anywhere::

    python worked_examples/build_figures.py

It runs each ``NN_*.py`` script that writes a figure the docs show into a temporary folder,
copies into ``docs/_static/examples/`` every figure the docs reference (each
``_static/examples/NAME.png`` in ``docs/*.md`` and ``docs/guide/*.md``) whose pixels changed (a
figure that comes out the same is not rewritten, so a rebuild with nothing changed leaves
the tree clean), deletes the figures there that the docs no longer show, and writes
``docs/_static/examples/SOURCES.json`` (when it changed): for each figure, the script that
made it and a SHA-256 of that script and ``_common.py``.
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
        updated = [name for name in sorted(shown) if _update(Path(tmp) / name, FIGURES / name)]
    print(f"updated {len(updated)} of {len(shown)} figures: {', '.join(updated) or 'none'}")
    for stale in FIGURES.glob("*.png"):
        if stale.name not in shown:
            stale.unlink()
            print(f"removed {stale.name} (no page shows it)")
    manifest = {
        name: {"script": made[name], "sha256": fingerprint(made[name])} for name in sorted(shown)
    }
    text = json.dumps(manifest, indent=1) + "\n"
    if not MANIFEST.exists() or MANIFEST.read_text(encoding="utf-8") != text:
        MANIFEST.write_text(text, encoding="utf-8")
        print(f"wrote {MANIFEST.relative_to(ROOT)}")
    return manifest


def same_picture(a: Path, b: Path) -> bool:
    """Whether the PNG files ``a`` and ``b`` hold the same pixels (equal bytes, or an
    encoding of the same image)."""
    if not b.exists():
        return False
    if a.read_bytes() == b.read_bytes():
        return True
    from PIL import Image

    with Image.open(a) as x, Image.open(b) as y:
        return x.size == y.size and x.convert("RGBA").tobytes() == y.convert("RGBA").tobytes()


def _update(made: Path, committed: Path) -> bool:
    """Copy a freshly made figure over the committed one unless they are the same picture
    (so that a rebuild with nothing changed leaves the tree clean); return whether it did."""
    if same_picture(made, committed):
        return False
    shutil.copyfile(made, committed)
    return True


if __name__ == "__main__":
    build()
