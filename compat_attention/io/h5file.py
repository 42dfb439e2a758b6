"""Read a Keras 2 HDF5 file (``model.save`` or ``save_weights``) read-only, refusing bad files.

Checks, in order, that the path is a file, HDF5, and a Keras 2 model or weights file (a
``.weights.h5`` of tf.keras >= 2.13, weights by attribute path, is refused); a bad file raises a
``LegacyFileError`` whose one line names the file, the problem and the fix.
Also what every reader of model files shares: ``LegacyFile`` (what a file holds, whatever its
format: ``archive.read_archive`` makes one too) and ``parse_json`` (a config, depth bounded).
"""

import json
import os
import re
from collections import OrderedDict

import numpy as np

from .. import errors
from .._keras.flavour import describe
from .._keras.saving import READS_KERAS_V3_FILES
from .boundary import DAMAGED
from .resources import check_stored_size, parameter_limit

_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_TF_KERAS_2_13_LAYERS = "_layer_checkpoint_dependencies"  # "layers" of tf.keras 2.13/2.14 .weights.h5 files

#: The deepest nesting of a config's JSON (Keras 2 configs nest about 10).
MAX_JSON_DEPTH = 100

#: The ``keras_version`` of a file that records none: Keras 1 wrote none in ``save_weights`` files (nor on a
#: model file's weights group), Keras 2 always does, and Keras 2's own loader read a missing one as Keras 1
#: (``topology.load_weights_from_hdf5_group``). The Keras 1 source checks the weight names agree.
UNRECORDED_VERSION = "1.x"


class LegacyFile(object):
    """What a model file of an older Keras holds, read once, the file closed again.

    Attributes:
        path: the file.
        keras_version: the ``keras_version`` it records (e.g. ``'2.0.8'``).
        backend: the ``backend`` attribute (e.g. ``'tensorflow'``).
        model_config: the model config dict, or None for a weights-only file.
        training_config: the training config dict (an archive's ``compile_config`` in that form), or None.
        weights: OrderedDict layer name -> list of ``(weight name, array)`` in file order (an
            archive's: empty, Keras reads them by attribute path).
        has_optimizer_weights: whether the file stores optimizer state.
        optimizer_weights: ``[(name, array)]`` of the optimizer state in file order, when asked for.
        format: ``'h5'`` or ``'keras'`` (a ``.keras`` archive).
        is_weights_only: whether the file holds no model (``model.save_weights``).
        max_parameters: the cap it was read under (``resources.parameter_limit``).
        stored_parameters: dict layer name -> the parameters the file stores for it.
        source: the ``Source`` that wrote it, once picked (``loader.pick_source``), else None.
        version_recorded: whether the file records its ``keras_version`` (else ``UNRECORDED_VERSION``).
        targets: ``[(layer, stored layer name)]`` its weights went into, once assigned (``build.assign_weights``).
    """

    def __init__(self, path, keras_version, backend, model_config, training_config, weights,
                 has_optimizer_weights, optimizer_weights=(), format="h5", max_parameters=None):
        self.path = path
        self.keras_version = keras_version
        self.backend = backend
        self.model_config = model_config
        self.training_config = training_config
        self.weights = weights
        self.has_optimizer_weights = has_optimizer_weights
        self.optimizer_weights = list(optimizer_weights)
        self.format = format
        self.is_weights_only = model_config is None
        self.max_parameters = max_parameters
        self.stored_parameters = parameters_by_layer(weights or {})
        self.source = None
        self.version_recorded = True
        self.targets = []


def parameters_by_layer(weights):
    """layer name -> the number of parameters of its arrays, for ``weights`` as ``LegacyFile.weights``."""
    return {name: sum(int(array.size) for _, array in arrays) for name, arrays in weights.items()}


# -- JSON -------------------------------------------------------------------------------
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")


def json_depth(text, limit=MAX_JSON_DEPTH):
    """The nesting depth of JSON ``text``, counting no further than ``limit + 1``."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


def parse_json(path, raw, what):
    """``raw`` (an HDF5 attribute or a file's bytes: bytes, str or array) parsed as JSON, depth bounded first.

    Raises:
        MalformedFileError: not text, too deep, or not JSON.
    """
    if hasattr(raw, "tobytes") and not isinstance(raw, (bytes, str)):
        raw = raw.tolist() if getattr(raw, "ndim", 1) == 0 else None
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise errors.MalformedFileError(path, "%s is not UTF-8 text (%s)" % (what, exc.reason), DAMAGED) from exc
    if not isinstance(raw, str):
        kind = type(raw).__name__ if raw is not None else "null"
        raise errors.MalformedFileError(path, "%s is not a JSON string (an HDF5 %s)" % (what, kind), DAMAGED)
    if json_depth(raw) > MAX_JSON_DEPTH:
        raise errors.MalformedFileError(
            path, "%s nests deeper than %d levels (Keras 2 configs nest about 10)" % (what, MAX_JSON_DEPTH), DAMAGED)
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise errors.MalformedFileError(path, "%s is not valid JSON (%s)" % (what, errors.first_line(exc)),
                                        DAMAGED) from exc


# -- the HDF5 file ----------------------------------------------------------------------


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def read_legacy_file(path, max_parameters=None, keras_versions=None, optimizer_weights=False):
    """Read a Keras 2 ``.h5`` model or weights file, read-only.

    Args:
        path: path to the ``.h5`` file.
        max_parameters: the most parameters the file may store (see ``resources.parameter_limit``);
            each weight's HDF5 shape is checked before its array is read.
        keras_versions: None, or the beginnings of the ``keras_version`` values some source reads
            (``loader.KERAS_VERSIONS``): a file of any other is refused before anything else is read.
        optimizer_weights: also read the optimizer state (``LegacyFile.optimizer_weights``), each
            weight size-checked as the model's are.

    Returns:
        A ``LegacyFile``.

    Raises:
        LegacyFileError: (a subclass) when the path is not a usable file; ``UnsupportedVersionError``
            for a ``keras_version`` outside ``keras_versions``.
    """
    import h5py

    limit = parameter_limit(max_parameters)
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
            return _read_open_file(path, handle, limit, keras_versions, optimizer_weights)
    except errors.LegacyFileError:
        raise
    except Exception as exc:  # h5py raises OSError, RuntimeError, KeyError, ValueError... on damaged files
        raise errors.NotHDF5Error(
            path, "could not be read as a Keras file (%s)" % errors.first_line(exc), "use a complete copy of the file",
        ) from exc


def weights_file_refused(path):
    """The one-line error for a ``.weights.h5`` (weights by attribute path, no model) given as a model file."""
    if not READS_KERAS_V3_FILES:
        return errors.NotAKerasFileError(
            os.fspath(path), "is a .weights.h5 file (weights by attribute path, no model), a format that came with "
            "tf.keras 2.13: %s reads none" % describe(), "upgrade to TensorFlow >= 2.13 and load it with "
            "model.load_weights(path) into a model built in code with compat_attention.Attention, or load the "
            "package's .h5 file (model.save('model.h5')) with load_attention_package_model")
    return errors.NotAKerasFileError(
        os.fspath(path), "is a .weights.h5 file (model.save_weights of tf.keras >= 2.13 or Keras 3): weights "
        "by attribute path, no model", "build the model in code with compat_attention.Attention, then call "
        "model.load_weights(path)")


def _shown(text, limit=40):
    """``text`` fit for a one-line message: itself if short and printable, else its repr, cut."""
    return text if text.isprintable() and len(text) <= limit else repr(text[:limit])


def unsupported_version(path, version, keras_versions):
    """The one-line error for a file whose ``keras_version`` no source reads (those of ``keras_versions``)."""
    return errors.UnsupportedVersionError(
        os.fspath(path), "was written by Keras %s; this reader handles Keras %s files"
        % (_shown(version), " and ".join(sorted({prefix + "x" for prefix in keras_versions}))),
        "load and re-save it with Keras 2.0.x first" if version.startswith("1") else
        "load it with keras.models.load_model", version=version)


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


def _read_arrays(path, group, group_name, limit, total):
    """``[(weight name, array)]`` of the ``weight_names`` of ``group`` (a layer's, or ``optimizer_weights``),
    each dataset's dtype and size checked before it is read; and the running total of stored parameters."""
    import h5py

    arrays = []
    for weight in _names(path, group.attrs.get("weight_names"), "weight_names of layer %r" % group_name):
        what = "layer %r, weight %r" % (group_name, weight)
        dataset = _member(path, group, weight, h5py.Dataset, what)
        if dataset.dtype.kind not in "fiu" or dataset.dtype.names or dataset.dtype.subdtype:
            raise errors.WeightMismatchError(path, "%s is stored as %s, not as numbers" % (what, dataset.dtype),
                                             "use a complete copy of the file")
        if dataset.shape is None:
            raise errors.WeightMismatchError(path, "%s holds no array" % what, "use a complete copy of the file")
        total += check_stored_size(path, group_name, weight, dataset.shape, total, limit)
        arrays.append((weight, np.asarray(dataset[()])))
    return arrays, total


def _read_weights(path, group, limit):
    """layer name -> ``[(weight name, array)]``, in file order."""
    import h5py

    weights = OrderedDict()
    total = 0
    for layer_name in _names(path, group.attrs.get("layer_names"), "layer_names"):
        if layer_name in weights:
            raise errors.WeightMismatchError(path, "layer_names lists layer %r twice" % layer_name,
                                             "use a complete copy of the file")
        layer_group = _member(path, group, layer_name, h5py.Group, "the weights group of layer %r" % layer_name)
        weights[layer_name], total = _read_arrays(path, layer_group, layer_name, limit, total)
    return weights


def _read_optimizer_weights(path, handle, limit):
    """The ``optimizer_weights`` group's ``[(name, array)]`` in file order ([] when the file has none)."""
    import h5py

    if "optimizer_weights" not in handle:
        return []
    group = _member(path, handle, "optimizer_weights", h5py.Group, "the optimizer_weights group")
    return _read_arrays(path, group, "optimizer_weights", limit, 0)[0]


def _read_open_file(path, handle, limit, keras_versions, optimizer_weights):
    import h5py

    attrs = handle.attrs
    if "model_config" in attrs:
        group = handle.get("model_weights")
        if not isinstance(group, h5py.Group):
            raise errors.NotAKerasFileError(
                path, "has a model config but no 'model_weights' group", "use a complete copy of the file")
    elif "layer_names" in attrs:
        group = handle
    elif any(name in handle for name in ("vars", "layers", _TF_KERAS_2_13_LAYERS)):
        raise weights_file_refused(path)
    else:
        raise errors.NotAKerasFileError(
            path, "is HDF5 but holds no Keras model or weights (no 'model_config' or 'layer_names')",
            "pass a file written by Keras model.save() or model.save_weights()",
        )
    raw_version = attrs.get("keras_version", group.attrs.get("keras_version", UNRECORDED_VERSION))
    version = raw_version.decode("utf-8", "replace") if isinstance(raw_version, bytes) else str(raw_version)
    if keras_versions is not None and not version.startswith(tuple(keras_versions)):
        raise unsupported_version(path, version, keras_versions)
    backend = attrs.get("backend", "unknown")
    legacy = LegacyFile(
        path=path, keras_version=version,
        backend=backend.decode("utf-8", "replace") if isinstance(backend, bytes) else str(backend),
        model_config=parse_json(path, attrs["model_config"], "model_config") if "model_config" in attrs else None,
        training_config=(parse_json(path, attrs["training_config"], "training_config")
                         if "training_config" in attrs else None),
        weights=None, has_optimizer_weights="optimizer_weights" in handle, max_parameters=limit,
    )
    legacy.version_recorded = "keras_version" in attrs or "keras_version" in group.attrs
    legacy.weights = _read_weights(path, group, limit)
    legacy.stored_parameters = parameters_by_layer(legacy.weights)
    if optimizer_weights:
        legacy.optimizer_weights = _read_optimizer_weights(path, handle, limit)
    return legacy
