"""Shared by the sampling tests: the p-value below which a KS test fails."""

from __future__ import annotations

KS_PVALUE = 1e-3
