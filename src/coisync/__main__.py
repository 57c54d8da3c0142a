"""``python -m coisync``: the same as the ``coisync`` command."""

from coisync.cli import main

if __name__ == "__main__":
    main()
