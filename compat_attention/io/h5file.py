"""Read a Keras 2 HDF5 file (``model.save`` or ``save_weights``) read-only, refusing bad files.

Checks, in order, that the path is a file, HDF5, and a Keras 2 model or weights file; a
bad file raises a ``LegacyFileError`` whose one line names the file, the problem and the fix.
"""

import os
from collections import OrderedDict

import numpy as np

from .. import errors
from . import validate

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


def _shown(text, limit=40):
    """``text`` fit for a one-line message: itself if short and printable, else its repr, cut."""
    return text if text.isprintable() and len(text) <= limit else repr(text[:limit])


def read_legacy_file(path, max_parameters=None):
    """Read a Keras 2.0.x ``.h5`` model or weights file, read-only.

    Args:
        path: path to the ``.h5`` file.
        max_parameters: the most parameters the file may store (see ``validate.parameter_limit``);
            each weight's HDF5 shape is checked before its array is read.

    Returns:
        A ``LegacyFile``.

    Raises:
        LegacyFileError: (a subclass) when the path is not a usable legacy file.
    """
    import h5py

    limit = validate.parameter_limit(max_parameters)
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
    except Exception as exc:  # h5py: OSError mostly, other types on some damage
        raise errors.NotHDF5Error(
            path, "is not a readable HDF5 file, probably truncated or corrupted (%s)" % errors.first_line(exc),
            "use a complete copy of the file",
        ) from exc
    try:
        with handle:
            return _read_open_file(path, handle, limit)
    except errors.LegacyFileError:
        raise
    except Exception as exc:  # h5py raises OSError, RuntimeError, KeyError, ValueError... on damaged files
        raise errors.NotHDF5Error(
            path, "could not be read as a Keras file (%s)" % errors.first_line(exc), "use a complete copy of the file",
        ) from exc


def _names(path, value, what):
    """An HDF5 attribute that lists names (``layer_names``, ``weight_names``), as a list of str."""
    if value is None:
        raise errors.WeightMismatchError(path, "%s is missing" % what, "use a complete copy of the file")
    array = np.asarray(value)
    if array.ndim != 1 or (array.size and array.dtype.kind not in "SUO"):
        raise errors.WeightMismatchError(
            path, "%s is not a list of names (an array of %s, shape %s)" % (what, array.dtype, array.shape),
            "use a complete copy of the file")
    names = []
    for item in array.tolist():
        if not isinstance(item, (bytes, str)):
            raise errors.WeightMismatchError(path, "%s holds a %s, not a name" % (what, type(item).__name__),
                                             "use a complete copy of the file")
        names.append(_text(item))
    return names


def _member(path, group, name, kind, what):
    """``group[name]`` if it is a hard link to a ``kind`` (h5py Group or Dataset), else a typed error."""
    import h5py

    link = group.get(name, getlink=True) if name else None
    if not isinstance(link, h5py.HardLink):
        raise errors.WeightMismatchError(
            path, "%s is not in the file%s" % (what, "" if link is None else " (a %s)" % type(link).__name__),
            "use a complete copy of the file")
    member = group[name]
    if not isinstance(member, kind):
        raise errors.WeightMismatchError(path, "%s is a %s, not a %s" % (what, type(member).__name__, kind.__name__),
                                         "use a complete copy of the file")
    return member


def _read_weights(path, group, limit):
    """layer name -> ``[(weight name, array)]``, each dataset's dtype and size checked before it is read."""
    import h5py

    weights = OrderedDict()
    total = 0
    for layer_name in _names(path, group.attrs.get("layer_names"), "layer_names"):
        if layer_name in weights:
            raise errors.WeightMismatchError(path, "layer_names lists layer %r twice" % layer_name,
                                             "use a complete copy of the file")
        layer_group = _member(path, group, layer_name, h5py.Group, "the weights group of layer %r" % layer_name)
        arrays = []
        for weight in _names(path, layer_group.attrs.get("weight_names"), "weight_names of layer %r" % layer_name):
            what = "layer %r, weight %r" % (layer_name, weight)
            dataset = _member(path, layer_group, weight, h5py.Dataset, what)
            if dataset.dtype.kind not in "fiu" or dataset.dtype.names or dataset.dtype.subdtype:
                raise errors.WeightMismatchError(path, "%s is stored as %s, not as numbers" % (what, dataset.dtype),
                                                 "use a complete copy of the file")
            if dataset.shape is None:
                raise errors.WeightMismatchError(path, "%s holds no array" % what, "use a complete copy of the file")
            total += validate.check_stored_size(path, layer_name, weight, dataset.shape, total, limit)
            arrays.append((weight, np.asarray(dataset[()])))
        weights[layer_name] = arrays
    return weights


def _read_open_file(path, handle, limit):
    import h5py

    attrs = handle.attrs
    if "model_config" in attrs:
        group = handle.get("model_weights")
        if not isinstance(group, h5py.Group):
            raise errors.NotAKerasFileError(
                path, "has a model config but no 'model_weights' group", "use a complete copy of the file")
    elif "layer_names" in attrs:
        group = handle
    else:
        raise errors.NotAKerasFileError(
            path, "is HDF5 but holds no Keras model or weights (no 'model_config' or 'layer_names')",
            "pass a file written by Keras model.save() or model.save_weights()",
        )
    raw_version = attrs.get("keras_version", group.attrs.get("keras_version", "unknown"))
    version = raw_version.decode("utf-8", "replace") if isinstance(raw_version, bytes) else str(raw_version)
    if not version.startswith("2."):
        raise errors.UnsupportedVersionError(
            path, "was written by Keras %s; this reader handles Keras 2.x files" % _shown(version),
            "load and re-save it with Keras 2.0.x first" if version.startswith("1") else
            "load it with keras.models.load_model",
            version=version,
        )
    model_config = validate.parse_json(path, attrs["model_config"], "model_config") if "model_config" in attrs else None
    training_config = (validate.parse_json(path, attrs["training_config"], "training_config")
                       if "training_config" in attrs else None)
    weights = _read_weights(path, group, limit)
    backend = attrs.get("backend", "unknown")
    return LegacyFile(
        path=path, keras_version=version,
        backend=backend.decode("utf-8", "replace") if isinstance(backend, bytes) else str(backend),
        model_config=model_config, training_config=training_config, weights=weights,
        has_optimizer_weights="optimizer_weights" in handle,
    )
