"""Which Keras is installed, read from package metadata without importing Keras or TensorFlow.

For the fast paths that must not pay TensorFlow's 10-second import: ``compat-attention --help``,
argument errors, and ``migrate --target auto``. ``flavour.py`` is the authority once Keras is
imported; both apply the same rules.
"""

import os
import re
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


#: The oldest versions this package is tested on (tox.ini's envs); see ``supported_range``.
MIN_TENSORFLOW_FOR_TF_KERAS = "2.8"
#: Keras 3.0.5 was the newest Keras 3 when TensorFlow 2.16 (the first on Keras 3) came out;
#: 3.0.0 lacks ``AlphaDropout`` and ``InputLayer(batch_input_shape=...)`` (measured).
MIN_KERAS_3 = "3.0.5"
#: The oldest Keras 3 tested on JAX and PyTorch (tox.ini's jax_old, torch_old); not enforced.
MIN_KERAS_3_OTHER_BACKENDS = "3.5"
#: The newest Keras major known to work; a later major is refused.
MAX_KERAS_MAJOR = 3


def supported_range():
    """The Keras versions this package runs on, in words (for error messages and the README)."""
    return ("tf.keras of TensorFlow >= %s, tf_keras, or Keras 3 >= %s on TensorFlow (>= %s on JAX or PyTorch)"
            % (MIN_TENSORFLOW_FOR_TF_KERAS, MIN_KERAS_3, MIN_KERAS_3_OTHER_BACKENDS))


def _version_tuple(version):
    """``'3.0.0rc1'`` -> ``(3, 0, 0)``: the leading release numbers (pre-release tags dropped)."""
    parts = []
    for piece in str(version).split(".")[:3]:
        digits = re.match(r"\d*", piece).group()
        if not digits:
            break
        parts.append(int(digits))
        if digits != piece:
            break
    return tuple(parts)


def unsupported_keras(environ=None):
    """Why the installed Keras cannot run this package, in one line; None when it can.

    Reads package metadata only, so an unsupported Keras is refused before it is imported
    (a Keras 2.0.8 or 1.x install fails in obscure ways inside its own import on today's
    Python and TensorFlow).

    Args:
        environ: the environment to read (``TF_USE_LEGACY_KERAS``); default ``os.environ``.

    Returns:
        A sentence naming what is installed and which versions work, or None.
    """
    environ = os.environ if environ is None else environ
    if truthy(environ.get("TF_USE_LEGACY_KERAS", "")) and distribution_version("tf_keras"):
        return None  # tf_keras exists from 2.15 on: every release of it is supported
    keras_version = distribution_version("keras")
    tf_version = distribution_version("tensorflow") or distribution_version("tensorflow-cpu")
    found = None
    keras_tuple = _version_tuple(keras_version) if keras_version else ()
    if keras_tuple and keras_tuple[0] > MAX_KERAS_MAJOR:
        found = "keras %s" % keras_version
    elif keras_tuple and keras_tuple[0] == 3:
        if keras_tuple < _version_tuple(MIN_KERAS_3):
            found = "keras %s" % keras_version
    elif keras_tuple and keras_tuple < _version_tuple(MIN_TENSORFLOW_FOR_TF_KERAS):
        found = "keras %s" % keras_version + (" with tensorflow %s" % tf_version if tf_version else "")
    elif tf_version and _version_tuple(tf_version) < _version_tuple(MIN_TENSORFLOW_FOR_TF_KERAS):
        found = "tensorflow %s" % tf_version
    if found is None:
        return None
    if keras_tuple and keras_tuple[0] > MAX_KERAS_MAJOR:
        fix = "pip install 'keras>=%s,<%d'" % (MIN_KERAS_3, MAX_KERAS_MAJOR + 1)
    elif keras_tuple and keras_tuple[0] == 3:
        fix = "pip install --upgrade keras"
    else:
        fix = "pip install --upgrade tensorflow-cpu (or keras>=%s with jax or torch)" % MIN_KERAS_3_OTHER_BACKENDS
    return "compat_attention runs on %s; this Python has %s: %s" % (supported_range(), found, fix)
