"""Read a ``.keras`` archive of tf.keras 2 (>= 2.13) read-only, as ``h5file`` reads an ``.h5``.

An archive is a zip of ``config.json`` (the model config, with the ``compile_config``),
``metadata.json`` (``keras_version``) and ``model.weights.h5``, which stores each weight under the
attribute path of its layer. ``read_archive`` gives the same ``LegacyFile`` the ``.h5`` reader
gives (the configs, and the parameters stored per layer, each weight's size checked against the
cap), so that the loader runs the same checks, rewrites and build on it; Keras' own
``model.load_weights`` then reads the weights (``load_weights``). tf.keras 2.13/2.14 stored the
layers under ``_layer_checkpoint_dependencies``, where Keras 2.15 on (tf_keras) no longer looks:
there it reads a copy with the layers under ``layers``.

A Keras older than the format (tf.keras < 2.13: ``saving.READS_KERAS_V3_FILES`` False) reads none:
the archive is refused there in one line before it is opened.
"""

import os
import shutil
import tempfile
import zipfile

from .. import errors
from .._keras.flavour import describe
from .._keras.saving import READS_KERAS_V3_FILES, READS_TF_KERAS_2_13_LAYOUT
from .h5file import LegacyFile, parse_json, unsupported_version
from .resources import check_stored_size, parameter_limit

_TF_KERAS_2_13_LAYERS = "_layer_checkpoint_dependencies"  # "layers" of tf.keras 2.13/2.14
_LAYER_GROUPS = ("layers", _TF_KERAS_2_13_LAYERS)
_PASS_AN_ARCHIVE = "pass a file written by model.save('model.keras')"


def keras_archive_refused(path):
    """The one-line error for a ``.keras`` archive on a Keras that reads none (tf.keras < 2.13)."""
    return errors.UnsupportedVersionError(
        os.fspath(path), "is a .keras archive, a format that came with tf.keras 2.13: %s reads none" % describe(),
        "upgrade to TensorFlow >= 2.13, or load the package's .h5 file (model.save('model.h5')) with "
        "load_attention_package_model")


def _training_config(compile_config):
    """An archive's ``compile_config`` in the form of an ``.h5``'s ``training_config`` (None: not compiled)."""
    if not isinstance(compile_config, dict):
        return None
    optimizer = compile_config.get("optimizer") or "adam"
    return {
        "optimizer_config": optimizer if isinstance(optimizer, dict) else {"class_name": optimizer, "config": {}},
        "loss": compile_config.get("loss"),
        "metrics": compile_config.get("metrics"),
        "loss_weights": compile_config.get("loss_weights"),
    }


def _stored_parameters(path, handle, limit):
    """layer name -> the parameters stored under it (every weight's size checked against the cap)."""
    import h5py

    stored, total = {}, 0
    for group_name in _LAYER_GROUPS:
        layers = handle.get(group_name)
        if not isinstance(layers, h5py.Group):
            continue
        for layer_name, group in layers.items():
            datasets = []
            if isinstance(group, h5py.Group):
                group.visititems(lambda name, item: datasets.append((name, item)) if isinstance(item, h5py.Dataset)
                                 else None)
            stored[layer_name] = 0
            for weight, dataset in datasets:
                size = check_stored_size(path, layer_name, weight, dataset.shape or (), total, limit)
                total += size
                stored[layer_name] += size
    return stored


def read_archive(path, max_parameters=None, keras_versions=None):
    """Read a ``.keras`` archive of tf.keras 2, read-only.

    Args:
        path: the ``.keras`` file.
        max_parameters: the most parameters the archive may store (see ``resources.parameter_limit``).
        keras_versions: None, or the beginnings of the ``keras_version`` values some source reads:
            an archive of any other is refused before its weights are looked at.

    Returns:
        A ``LegacyFile`` (``format='keras'``; its ``weights`` empty: ``load_weights`` reads them).

    Raises:
        LegacyFileError: (a subclass) one line: not an archive, no config or weights in it, a config
            that is no model; ``UnsupportedVersionError`` when the running Keras reads no archive
            (raised before the file is opened), or for a ``keras_version`` outside ``keras_versions``.
    """
    import h5py

    path = os.fspath(path)
    if not READS_KERAS_V3_FILES:
        raise keras_archive_refused(path)
    limit = parameter_limit(max_parameters)
    if not zipfile.is_zipfile(path):
        raise errors.NotAFileError(path, "is not a .keras archive (not a zip file)", "pass the .keras file itself")
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        missing = [n for n in ("config.json", "model.weights.h5") if n not in names]
        if missing:
            raise errors.NotAKerasFileError(
                path, "is a zip file without %s, not a .keras archive with weights" % " and ".join(missing),
                _PASS_AN_ARCHIVE)
        config = parse_json(path, archive.read("config.json"), "config.json")
        metadata = parse_json(path, archive.read("metadata.json"), "metadata.json") if "metadata.json" in names else {}
        if not isinstance(config, dict) or not isinstance(config.get("config"), dict) or \
                not isinstance(config["config"].get("layers"), list):
            raise errors.MalformedFileError(path, "config.json holds no model with layers", _PASS_AN_ARCHIVE)
        metadata = metadata if isinstance(metadata, dict) else {}
        version = str(metadata.get("keras_version", "unknown"))
        if keras_versions is not None and not version.startswith(tuple(keras_versions)):
            raise unsupported_version(path, version, keras_versions)
        legacy = LegacyFile(path, version,
                            "tensorflow",  # tf.keras 2, the Keras of the archives this reads, ran on TensorFlow
                            config, _training_config(config.get("compile_config")), {}, False, format="keras",
                            max_parameters=limit)
        with archive.open("model.weights.h5") as member, h5py.File(member, "r") as handle:
            legacy.stored_parameters = _stored_parameters(path, handle, limit)
    return legacy


def _copy_renaming_layers(source, target):
    """Copy an HDF5 group's attributes, groups and datasets, ``_layer_checkpoint_dependencies`` named ``layers``."""
    for key, value in source.attrs.items():
        target.attrs[key] = value
    for name, item in source.items():
        new_name = "layers" if name == _TF_KERAS_2_13_LAYERS else name
        if hasattr(item, "items"):
            _copy_renaming_layers(item, target.create_group(new_name))
        else:
            target.create_dataset(new_name, data=item[()])


def load_weights(model, path):
    """``model.load_weights(path)``; where this Keras no longer reads tf.keras 2.13/2.14's layout,
    from a copy of the archive's weights (in a temporary folder) with the layers under ``layers``."""
    if READS_TF_KERAS_2_13_LAYOUT:
        model.load_weights(path)
        return
    import h5py

    folder = tempfile.mkdtemp(prefix="compat_attention_")
    try:
        stored = os.path.join(folder, "stored.weights.h5")
        with zipfile.ZipFile(path) as archive, archive.open("model.weights.h5") as member, \
                open(stored, "wb") as out:
            shutil.copyfileobj(member, out)
        with h5py.File(stored, "r") as handle:
            renamed = _TF_KERAS_2_13_LAYERS in handle
            if renamed:
                weights = os.path.join(folder, "model.weights.h5")
                with h5py.File(weights, "w") as target:
                    _copy_renaming_layers(handle, target)
        model.load_weights(weights if renamed else path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
