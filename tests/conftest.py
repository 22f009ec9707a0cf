"""Shared test settings: property tests are derandomized so that CI runs are reproducible."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("SYMML_HYPOTHESIS_PROFILE", "ci"))
