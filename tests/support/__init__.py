"""Helpers the tests share: the golden cases rebuilt, a legacy .h5 writer, the float64
reference of the new options, the bad-file corpus and the save/reload harness.

Importable as ``support`` because the root ``tests/conftest.py`` puts ``tests/`` on ``sys.path``.
"""

import os

SUPPORT = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(SUPPORT)
ROOT = os.path.dirname(TESTS)
DATA = os.path.join(TESTS, "data")
