"""The GPU benchmark script's path without a CUDA device: a line per library saying why its
rows are left out, then "no CUDA device: skipped", exit status 0 (the suite passes without
a GPU; the timings themselves are never a test)."""

from __future__ import annotations

import pytest

from tests.benchmarks import gpu


def test_no_library_sees_a_device_skips_with_exit_0(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    probes = {name: (lambda name=name: (None, f"{name}: none")) for name in gpu.PROBES}
    monkeypatch.setattr(gpu, "PROBES", probes)
    assert gpu.main([]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["jax: none", "torch: none", "cupy: none", "no CUDA device: skipped"]


def test_a_missing_cupy_is_a_line_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gpu, "_have", lambda name: name != "cupy")
    lib, why = gpu._cupy()
    assert lib is None and why.startswith("CuPy not installed")


def test_this_machine_without_cuda_skips(capsys: pytest.CaptureFixture[str]) -> None:
    found, skipped = gpu.libraries()
    if found:
        pytest.skip(f"a CUDA device is present ({', '.join(found)}): the script would time it")
    assert len(skipped) == len(gpu.PROBES)
    assert gpu.main(["--quick"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "no CUDA device: skipped"
