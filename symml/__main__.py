"""``python -m symml``: the command line."""

from symml.cli import main

raise SystemExit(main())
