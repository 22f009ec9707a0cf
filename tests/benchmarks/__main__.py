"""Run every benchmark row and print one table of ratios (see ``__init__``)."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

from tests.benchmarks._harness import Row


def _rows(only: str | None, quick: bool) -> list[Row]:
    out: list[Row] = []
    pkg = Path(__file__).parent
    for info in sorted(pkgutil.iter_modules([str(pkg)]), key=lambda m: m.name):
        if not info.name.startswith("bench_"):
            continue
        module = importlib.import_module(f"tests.benchmarks.{info.name}")
        for row_fn in module.ROWS:
            if only and only not in row_fn.__name__ and only not in info.name:
                continue
            print(f"... {info.name}.{row_fn.__name__}", file=sys.stderr, flush=True)
            got = row_fn(quick=quick)
            out.extend(got if isinstance(got, list) else [got])
    return out


def _fmt(t: float) -> str:
    return f"{t * 1e3:10.3f} ms" if t < 10 else f"{t:10.2f} s "


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks")
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    parser.add_argument("--only", default=None, help="run rows whose name contains this")
    args = parser.parse_args(argv)
    rows = _rows(args.only, args.quick)
    print(f"{'benchmark':58} {'symml':>13}  baselines (ratio = symml / baseline)")
    for r in rows:
        base = "; ".join(
            f"{k} {_fmt(v).strip()} ({r.symml / v:.2f}x)" for k, v in r.baselines.items()
        )
        target = ""
        if r.target is not None and r.target_of:
            met = r.met
            target = f"  target <= {r.target}x {r.target_of}: {'met' if met else 'NOT met'}"
        print(f"{r.name:58} {_fmt(r.symml)}  {base}{target}{('  ' + r.note) if r.note else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
