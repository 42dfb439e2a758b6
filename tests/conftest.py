"""Shared test set-up: quiet logs, imports, one line naming the Keras under test.

Test files live in one folder per wing of the package (``decoder/``, ``io/``, ``layers/``,
``cli/``, ``examples/``) with no ``__init__.py``: pytest imports each by its basename, so
basenames stay unique across ``tests/``. Shared helpers are the ``support`` package
(``tests/support/``), importable from any folder because this file puts ``tests/`` on
``sys.path``; the repository root goes there too, for ``legacy_reference``.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
TESTS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TESTS)
for path in (ROOT, TESTS):  # legacy_reference/ lives beside the package; support/ beside this file
    if path not in sys.path:
        sys.path.insert(0, path)


def pytest_report_header(config):
    from compat_attention import keras_description

    return "compat_attention under test on " + keras_description()
