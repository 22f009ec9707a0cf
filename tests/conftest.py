"""Shared test settings and fixtures.

Property tests are derandomized so that CI runs are reproducible. Every test that runs the
command line does it through the ``cli`` fixture.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from tests.helpers import Cli, run_cli

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("SYMML_HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def cli() -> Cli:
    """Run ``symml``: ``cli("diff", "x^2", "--wrt", "x")`` returns a ``CliResult``
    (``code``, ``out``, ``err``, ``lines``); ``subprocess=True`` runs ``python -m symml``."""
    return run_cli
