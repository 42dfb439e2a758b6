"""Shared test set-up: quiet logs, one line naming the Keras under test."""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:  # legacy_reference/ lives beside the package, not inside it
    sys.path.insert(0, ROOT)


def pytest_report_header(config):
    from compat_attention import keras_description

    return "compat_attention under test on " + keras_description()
