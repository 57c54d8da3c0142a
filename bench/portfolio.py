"""Write a deterministic synthetic portfolio as JSONL: ``python bench/portfolio.py OUT.jsonl N [--seed S]``.

The records come from :func:`coisync.sandbox.portfolio.generate`; the same seed and size give
the same file on any machine. Import it with ``coisync import OUT.jsonl``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coisync.sandbox.portfolio import write_jsonl

DEFAULT_SEED = 20261204


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and write the file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("output", type=Path, help="JSONL file to write")
    parser.add_argument("size", type=int, help="number of records")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"generator seed (default {DEFAULT_SEED})"
    )
    args = parser.parse_args(argv)
    if args.size < 1:
        parser.error("size must be at least 1")
    written = write_jsonl(args.output, args.seed, args.size)
    print(f"wrote {written} records to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
