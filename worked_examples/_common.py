"""Small helpers shared by the worked examples: where figures go and how results are printed.

Every script prints its key results as ``name = value`` lines (one per result) so that a
reader can follow them and the test suite can parse and check them, and saves its figures
(PNG, Agg backend) to an output folder: the first command-line argument, else
``$SYMML_EXAMPLES_OUT``, else ``./examples-out``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402


def out_dir() -> Path:
    """The folder the figures are written to (created if missing)."""
    if len(sys.argv) > 1:
        folder = Path(sys.argv[1])
    else:
        folder = Path(os.environ.get("SYMML_EXAMPLES_OUT", "examples-out"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _fmt(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, (list, tuple, np.ndarray)) and not isinstance(value, str):
        arr = np.asarray(value, dtype=float).ravel()
        return "[" + ", ".join(repr(float(v)) for v in arr) + "]"
    return str(value).replace("\n", " ")


def show(name: str, value: Any) -> None:
    """Print one result as a ``name = value`` line (floats in full precision)."""
    print(f"{name} = {_fmt(value)}", flush=True)


def save(fig: Any, name: str) -> Path:
    """Save a matplotlib figure as ``<out>/<name>.png`` and close it: 80 dpi, in 256
    colours (a palette PNG, a third of the size), so the documentation's copies stay small."""
    import io

    import matplotlib.pyplot as plt
    from PIL import Image

    path = out_dir() / f"{name}.png"
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    plt.close(fig)
    buffer.seek(0)
    with Image.open(buffer) as image:
        image.convert("RGB").quantize(256).save(path, optimize=True)
    show(f"figure_{name}", path.name)
    return path
