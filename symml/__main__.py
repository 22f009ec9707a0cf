"""``python -m symml``: the command line."""

from symml.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
