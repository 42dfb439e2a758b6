"""Markers for the migrate tests: ``corpus`` marks the slow runs of the migrated programs."""


def pytest_configure(config):
    config.addinivalue_line("markers", "corpus: runs migrated legacy programs in subprocesses (about a minute)")
