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


def pytest_addoption(parser):
    parser.addoption(
        "--record-versions", metavar="ENV=PATH", default=None,
        help="write the versions this run tests (Python, Keras, backend, numpy) to PATH as env ENV, "
             "for tools/compat_table.py (tox passes it; the import is the one the tests pay anyway)")


def pytest_sessionstart(session):
    spec = session.config.getoption("--record-versions")
    if not spec:
        return
    import importlib.util

    env, _, out = spec.partition("=")
    if not env or not out:
        raise ValueError("--record-versions takes ENV=PATH, got %r" % spec)
    loader = importlib.util.spec_from_file_location("compat_table", os.path.join(ROOT, "tools", "compat_table.py"))
    compat_table = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(compat_table)
    compat_table.record(env, out)
