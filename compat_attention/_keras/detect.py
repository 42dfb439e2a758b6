"""Which Keras is installed, read from package metadata without importing Keras or TensorFlow.

For the fast paths that must not pay TensorFlow's 10-second import: ``compat-attention --help``,
argument errors, and ``migrate --target auto``. ``flavour.py`` is the authority once Keras is
imported; both apply the same rules.
"""

import os
from importlib import metadata

#: ``installed_flavour()``'s answers: Keras 3 on any backend, or Keras 2 (tf.keras, tf_keras).
KERAS3 = "keras3"
KERAS2 = "keras2"


def truthy(value):
    """Whether an environment-variable value means yes (``1``, ``true``, ``yes``, ``on``)."""
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def distribution_version(name):
    """The installed version of distribution ``name`` (e.g. ``'keras'``), or None."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _major(version):
    try:
        return int(version.split(".")[0])
    except (AttributeError, ValueError):
        return None


def installed_flavour(environ=None):
    """``'keras3'`` or ``'keras2'``: the Keras generation ``import compat_attention`` would run on.

    Args:
        environ: the environment to read (``TF_USE_LEGACY_KERAS``); default ``os.environ``.

    Returns:
        ``KERAS3``, ``KERAS2``, or None when neither Keras nor TensorFlow is installed.
    """
    environ = os.environ if environ is None else environ
    if truthy(environ.get("TF_USE_LEGACY_KERAS", "")) and distribution_version("tf_keras"):
        return KERAS2
    keras_major = _major(distribution_version("keras"))
    if keras_major is not None and keras_major >= 3:
        return KERAS3
    if keras_major is not None or distribution_version("tensorflow") or distribution_version("tensorflow-cpu"):
        return KERAS2
    return None
