"""``python -m compat_attention ...``: the same as the ``compat-attention`` command."""

import sys

from .cli.main import main

if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess in the tests
    sys.exit(main())
