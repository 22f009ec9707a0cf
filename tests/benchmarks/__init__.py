"""The benchmark command: ``python -m tests.benchmarks [--quick] [--only NAME]``.

Every ``bench_*.py`` module beside this file defines ``ROWS``: a list of functions, each
returning a :class:`Row` (or a list of them) measured in this one run. The command
prints one table of times and ratios. Speed is measured here, never by a timed test.
"""
