"""An unsupported Keras is refused at import, in one line that says which versions work.

The check reads package metadata only (``compat_attention._keras.detect.unsupported_keras``),
so the unsupported Keras is never imported: a Keras 2.0.8 or 1.x install breaks inside its
own import on today's Python, far from the cause.
"""

import os
import subprocess
import sys

import pytest

from compat_attention._keras import detect
from support import ROOT


def _installed(monkeypatch, **versions):
    """Pretend these distributions (``keras``, ``tensorflow``, ``tf_keras``...) are installed."""
    names = {name.replace("_", "-"): version for name, version in versions.items()}
    names.update(versions)
    monkeypatch.setattr(detect, "distribution_version", lambda name: names.get(name))


UPGRADE_TF = "pip install --upgrade tensorflow-cpu (or keras>=3.5 with jax or torch)"


@pytest.mark.parametrize("versions,found,fix", [
    (dict(keras="2.0.8", tensorflow="1.3.0"), "keras 2.0.8 with tensorflow 1.3.0", UPGRADE_TF),
    (dict(keras="1.2.2"), "keras 1.2.2", UPGRADE_TF),
    (dict(tensorflow="2.4.1"), "tensorflow 2.4.1", UPGRADE_TF),
    (dict(keras="2.7.0", tensorflow="2.7.0"), "keras 2.7.0 with tensorflow 2.7.0", UPGRADE_TF),
    (dict(keras="3.0.0", tensorflow="2.16.2"), "keras 3.0.0", "pip install --upgrade keras"),
    (dict(keras="4.0.0"), "keras 4.0.0", "pip install 'keras>=3.0.5,<4'"),
])
def test_unsupported_versions_get_one_line_naming_what_is_installed_and_what_works(monkeypatch, versions, found, fix):
    _installed(monkeypatch, **versions)
    reason = detect.unsupported_keras(environ={})
    assert reason is not None and "\n" not in reason
    assert reason.endswith("this Python has %s: %s" % (found, fix))
    assert reason.startswith("compat_attention runs on " + detect.supported_range())


@pytest.mark.parametrize("versions,environ", [
    (dict(keras="2.8.0", tensorflow="2.8.4"), {}),
    (dict(keras="2.15.0", tensorflow_cpu="2.15.1"), {}),
    (dict(keras=detect.MIN_KERAS_3, tensorflow="2.16.2"), {}),
    (dict(keras="3.15.1"), {}),  # JAX or PyTorch backend: no TensorFlow
    (dict(keras="3.15.1", tensorflow="2.21.0", tf_keras="2.21.0"), {"TF_USE_LEGACY_KERAS": "1"}),
])
def test_supported_versions_pass(monkeypatch, versions, environ):
    _installed(monkeypatch, **versions)
    assert detect.unsupported_keras(environ=environ) is None


def test_the_oldest_supported_keras_3_is_the_boundary(monkeypatch):
    oldest = detect._version_tuple(detect.MIN_KERAS_3)
    if oldest[1:] == (0, 0):
        pytest.skip("the oldest supported Keras 3 is 3.0.0: no older Keras 3 exists")
    older = "3.%d.0" % (oldest[1] - 1) if oldest[2] == 0 else "3.%d.%d" % (oldest[1], oldest[2] - 1)
    _installed(monkeypatch, keras=older, tensorflow="2.16.2")
    assert "this Python has keras %s:" % older in detect.unsupported_keras(environ={})


def test_import_refuses_before_importing_the_old_keras(tmp_path):
    # A site folder holding Keras 2.0.8's metadata and a `keras` package that records being
    # imported; on sys.path first, so its metadata is the one found.
    site = tmp_path / "site"
    for name, version in (("keras", "2.0.8"), ("tensorflow", "1.3.0")):
        info = site / ("%s-%s.dist-info" % (name, version))
        info.mkdir(parents=True)
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version))
    marker = tmp_path / "keras_was_imported"
    (site / "keras").mkdir()
    (site / "keras" / "__init__.py").write_text("open(%r, 'w').close()\n" % str(marker))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), ROOT]))
    env.pop("TF_USE_LEGACY_KERAS", None)  # that Python has Keras 2.0.8 only: no tf_keras to opt into
    run = subprocess.run([sys.executable, "-c", "import compat_attention"], capture_output=True, text=True,
                         env=env, cwd=str(tmp_path), timeout=120)
    assert run.returncode == 1
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: compat_attention runs on " + detect.supported_range())
    assert "this Python has keras 2.0.8 with tensorflow 1.3.0: pip install --upgrade tensorflow-cpu" in last
    assert not marker.exists()
