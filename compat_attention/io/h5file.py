"""Read a Keras 2 HDF5 file (``model.save`` or ``save_weights``) read-only, refusing bad files.

Checks, in order, that the path is a file, HDF5, and a Keras 2 model or weights file; a
bad file raises a ``LegacyFileError`` whose one line names the file, the problem and the fix.
"""

import json
import os
from collections import OrderedDict

import numpy as np

from .. import errors

_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


class LegacyFile(object):
    """What a Keras 2.0.x ``.h5`` holds, read once, the file closed again.

    Attributes:
        path: the file.
        keras_version: the ``keras_version`` attribute (e.g. ``'2.0.8'``).
        backend: the ``backend`` attribute (e.g. ``'tensorflow'``).
        model_config: the model config dict, or None for a weights-only file.
        training_config: the training config dict, or None.
        weights: OrderedDict layer name -> list of ``(weight name, array)`` in file order.
        has_optimizer_weights: whether the file stores optimizer state.
    """

    def __init__(self, path, keras_version, backend, model_config, training_config, weights,
                 has_optimizer_weights):
        self.path = path
        self.keras_version = keras_version
        self.backend = backend
        self.model_config = model_config
        self.training_config = training_config
        self.weights = weights
        self.has_optimizer_weights = has_optimizer_weights

    @property
    def is_weights_only(self):
        return self.model_config is None


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def read_legacy_file(path):
    """Read a Keras 2.0.x ``.h5`` model or weights file, read-only.

    Args:
        path: path to the ``.h5`` file.

    Returns:
        A ``LegacyFile``.

    Raises:
        LegacyFileError: (a subclass) when the path is not a usable legacy file.
    """
    import h5py

    path = os.fspath(path)
    if not os.path.exists(path):
        raise errors.NotAFileError(path, "no such file", "check the path")
    if os.path.isdir(path):
        raise errors.NotAFileError(path, "is a directory, not an .h5 file", "pass the path of the .h5 file itself")
    if os.path.getsize(path) == 0:
        raise errors.NotAFileError(path, "is empty (0 bytes)", "the save did not complete; use another copy of the model")
    with open(path, "rb") as raw:
        signature = raw.read(len(_HDF5_SIGNATURE))
    if signature != _HDF5_SIGNATURE:
        raise errors.NotHDF5Error(
            path, "is not an HDF5 file (no HDF5 signature)",
            "pass a Keras .h5 file; a .keras or SavedModel file loads with keras.models.load_model",
        )
    try:
        handle = h5py.File(path, "r")
    except OSError as exc:
        raise errors.NotHDF5Error(
            path, "is not a readable HDF5 file, probably truncated or corrupted (%s)" % errors.first_line(exc),
            "use a complete copy of the file",
        )
    try:
        with handle:
            return _read_open_file(path, handle)
    except errors.LegacyFileError:
        raise
    except (KeyError, OSError, ValueError, TypeError) as exc:
        raise errors.NotHDF5Error(
            path, "could not be read as a Keras file (%s)" % errors.first_line(exc), "use a complete copy of the file",
        )


def _read_open_file(path, handle):
    attrs = handle.attrs
    if "model_config" in attrs:
        group = handle["model_weights"] if "model_weights" in handle else None
        if group is None:
            raise errors.NotAKerasFileError(
                path, "has a model config but no 'model_weights' group", "use a complete copy of the file")
    elif "layer_names" in attrs:
        group = handle
    else:
        raise errors.NotAKerasFileError(
            path, "is HDF5 but holds no Keras model or weights (no 'model_config' or 'layer_names')",
            "pass a file written by Keras model.save() or model.save_weights()",
        )
    version = _text(attrs.get("keras_version", group.attrs.get("keras_version", "unknown")))
    if not version.startswith("2."):
        raise errors.UnsupportedVersionError(
            path, "was written by Keras %s; this reader handles Keras 2.x files" % version,
            "load and re-save it with Keras 2.0.x first" if version.startswith("1") else
            "load it with keras.models.load_model",
            version=version,
        )
    model_config = json.loads(_text(attrs["model_config"])) if "model_config" in attrs else None
    training_config = json.loads(_text(attrs["training_config"])) if "training_config" in attrs else None
    weights = OrderedDict()
    for layer_name in (_text(n) for n in group.attrs["layer_names"]):
        layer_group = group[layer_name]
        weights[layer_name] = [
            (_text(n), np.asarray(layer_group[_text(n)])) for n in layer_group.attrs["weight_names"]
        ]
    return LegacyFile(
        path=path, keras_version=version, backend=_text(attrs.get("backend", "unknown")),
        model_config=model_config, training_config=training_config, weights=weights,
        has_optimizer_weights="optimizer_weights" in handle,
    )
