"""Files saved with the ``attention`` package (5.0.0): a source of its own for the one loader.

The package's users saved with tf.keras 2 (TensorFlow 2.x), not Keras 2.0.x: the ``.h5`` files
have the Keras 2 HDF5 layout that ``h5file`` reads, but a different set of facts to rewrite (an
InputLayer heads every Sequential, recurrent configs carry ``time_major``, ...), and the
package's ``Attention`` layer (whose internal ``Lambda`` is not in the file) becomes ours.

tf.keras >= 2.13 also wrote ``.keras`` archives (``config.json`` + ``model.weights.h5``) and
``.weights.h5`` files, which store each weight under the attribute path of its layer; our
``Attention`` keeps its sub-layers under the package's attribute names, so Keras' own
``model.load_weights`` reads both on every Keras, and tf.keras 2 ``keras.models.load_model``
reads the archive with ``custom_objects={'Attention': Attention}``. Keras 3 refuses the
archive's tf.keras 2 config (``time_major``, ``keras.src.engine`` modules):
``load_keras_archive`` rebuilds it through the same rewrites, then lets Keras read the weights.
A Keras older than the formats (tf.keras < 2.13: ``saving.READS_KERAS_V3_FILES`` False) reads
neither; both are refused there in one line, before anything is read. tf.keras 2.13/2.14
stored the layers under ``_layer_checkpoint_dependencies``, where Keras 2.15 on (tf_keras) no
longer looks: ``load_keras_archive`` hands it a copy of the weights under ``layers``.
"""

import json
import os
import shutil
import tempfile
import zipfile

from .. import errors
from .._keras.flavour import describe, keras
from .._keras.saving import READS_KERAS_V3_FILES, READS_TF_KERAS_2_13_LAYOUT
from ..layers.package_attention import SCORES, Attention
from . import validate
from .boundary import wrapped
from .build import LayerFactory, build_model
from .h5file import LegacyFile
from .keras2_0 import KERAS_2_0, KERAS_2_0_FILES
from .rewrites import RewriteSet
from .source import Source

#: The rewrites for files written by tf.keras 2 with the ``attention`` package, in order.
ATTENTION_PACKAGE = RewriteSet("tf.keras 2 with the attention package")


def is_package_attention(class_name, config):
    """Whether a layer config is the ``attention`` package's layer.

    ``keras.layers.Attention`` shares the class name; only the package's config has ``units``.
    """
    return class_name == "Attention" and isinstance(config, dict) and "units" in config


@ATTENTION_PACKAGE.model_rewrite("A tf.keras 2 Sequential built with input_shape= on its first layer (no Input) "
                                 "stored the shape there as batch_input_shape; it becomes an Input.")
def sequential_input_from_first_layer(model_config):
    layers = model_config["config"].get("layers") if isinstance(model_config["config"], dict) else None
    if model_config["class_name"] != "Sequential" or not layers or layers[0]["class_name"] == "InputLayer":
        return False
    return KERAS_2_0.find("sequential_input_from_first_layer").apply(model_config)


ATTENTION_PACKAGE.include(KERAS_2_0, "drop_inner_batch_input_shape")


@ATTENTION_PACKAGE.layer_rewrite("tf.keras 2 recurrent layers stored time_major (False unless asked); "
                                 "Keras 3 refuses the key.")
def drop_time_major(class_name, config):
    if config.get("time_major", "absent") is False:
        del config["time_major"]
        return True
    return False


# Keras 2.0.x facts that still held in tf.keras 2.x (hard_sigmoid slope 0.2 until TF 2.15,
# Embedding(input_length), initializer class names such as Orthogonal).
ATTENTION_PACKAGE.include(KERAS_2_0, "legacy_hard_sigmoid", "drop_embedding_input_length", "initializer_class_names")


def plan_attention_package_model(legacy):
    """Rewrite the model config of a file saved with the package, building nothing.

    Args:
        legacy: a ``h5file.LegacyFile`` (see ``h5file.read_legacy_file``).

    Returns:
        ``(model_config, applied)``: the rewritten config (a copy) and the list of
        ``(rewrite name, layer name or None)`` that changed something.
    """
    return ATTENTION_PACKAGE_FILES.plan(legacy)


def describe_rewrite(name):
    """The fact behind a rewrite name returned by ``plan_attention_package_model``."""
    return ATTENTION_PACKAGE.describe(name)


class _AttentionPackageSource(Source):
    """Files of the package: Keras 2.0.x files refused, its ``Attention`` made ours, optimizer
    names of tf.keras 2.11+ read, and any layer that cannot be rebuilt reported in one line."""

    def plan(self, legacy):
        if isinstance(legacy.model_config.get("config"), list):
            raise errors.UnsupportedVersionError(
                legacy.path, "is a Keras 2.0.x Sequential file (bare layer list), not one saved with the attention "
                "package", "load it with compat_attention.load_legacy_model")
        config, applied = super().plan(legacy)
        if not any(is_package_attention(l["class_name"], l["config"]) for l in config["config"]["layers"]):
            self.refuse(legacy, "holds no Attention layer of the attention package (class 'Attention' with "
                        "'units' and 'score')", "load a Keras 2.0.x AttentionDecoder model with "
                        "compat_attention.load_legacy_model, any other model with keras.models.load_model")
        return config, applied

    def make_layer(self, factory, class_name, config):
        name = config.get("name") if isinstance(config, dict) else None
        try:
            if is_package_attention(class_name, config):
                return self._make_attention(factory, config)
            return factory.make_standard(class_name, config)
        except errors.LegacyFileError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise errors.UnknownLayerError(
                factory.path, "layer %r (%s) cannot be rebuilt on this Keras (%s)"
                % (name, class_name, errors.first_line(exc)),
                "re-save the model without that layer setting, or rebuild it in code and load the "
                "weights with compat_attention.load_legacy_weights()")

    @staticmethod
    def _make_attention(factory, config):
        score = config.get("score", "luong")
        if score not in SCORES:
            raise errors.UnknownLayerError(
                factory.path, "Attention layer %r has score=%r; the attention package (5.0.0) knows %s"
                % (config.get("name"), score, " and ".join(map(repr, SCORES))),
                "load it with the package that wrote it")
        return Attention.from_config(dict(config))

    def training_config(self, training_config):
        training_config = super().training_config(training_config)
        optimizer = training_config.get("optimizer_config") or {}
        # tf.keras 2.11+ wrote its (new) optimizers as 'Custom>Adam'.
        if str(optimizer.get("class_name", "")).startswith("Custom>"):
            optimizer["class_name"] = optimizer["class_name"][len("Custom>"):]
        return training_config


#: Files of the ``attention`` package: its rewrites, and its ``Attention`` layer made ours.
ATTENTION_PACKAGE_FILES = _AttentionPackageSource(
    "the attention package (5.0.0)", ATTENTION_PACKAGE, KERAS_2_0_FILES.custom_objects,
    weights_only_fix="build the model in code with compat_attention.Attention, then call "
                     "compat_attention.load_legacy_weights(model, path) or model.load_weights(path)")


# -- the formats of tf.keras >= 2.13: .keras archives and .weights.h5 --------------------------

_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def keras_format(path):
    """``'archive'`` (a ``.keras`` zip), ``'weights'`` (a ``.weights.h5``: weights stored by
    attribute path, no model) or None (anything else: an ``.h5`` of ``model.save``, ...)."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        return None
    if zipfile.is_zipfile(path):
        return "archive"
    with open(path, "rb") as raw:
        if raw.read(len(_HDF5_SIGNATURE)) != _HDF5_SIGNATURE:
            return None
    import h5py

    try:
        with h5py.File(path, "r") as handle:
            legacy = "model_config" in handle.attrs or "layer_names" in handle.attrs
            by_path = "vars" in handle or "layers" in handle or "_layer_checkpoint_dependencies" in handle
            return "weights" if by_path and not legacy else None
    except Exception:  # damaged: h5file's reader names the problem
        return None


def weights_file_refused(path):
    """The one-line error for a ``.weights.h5`` given where a model file is expected."""
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


def _read_archive(path):
    """``(metadata, config)`` of a ``.keras`` archive, refused in one line where it is not one."""
    if not zipfile.is_zipfile(path):
        raise errors.NotAFileError(path, "is not a .keras archive (not a zip file)", "pass the .keras file itself")
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        missing = [n for n in ("config.json", "model.weights.h5") if n not in names]
        if missing:
            raise errors.NotAKerasFileError(
                path, "is a zip file without %s, not a .keras archive with weights" % " and ".join(missing),
                "pass a file written by model.save('model.keras')")
        config = validate.parse_json(path, archive.read("config.json"), "config.json")
        metadata = validate.parse_json(path, archive.read("metadata.json"), "metadata.json") \
            if "metadata.json" in names else {}
    if not isinstance(config, dict) or not isinstance(config.get("config"), dict) or \
            not isinstance(config["config"].get("layers"), list):
        raise errors.MalformedFileError(path, "config.json holds no model with layers",
                                        "pass a file written by model.save('model.keras')")
    return metadata if isinstance(metadata, dict) else {}, config


def _compile_archive(model, compile_config, path):
    """Compile with the optimizer class, learning rate, loss and metrics the archive records
    (the optimizer's state is not restored)."""
    if not isinstance(compile_config, dict):
        return
    optimizer = compile_config.get("optimizer") or "adam"
    with wrapped(path, "compiling with the archive's compile_config",
                 fix="load without compile=True and compile the model yourself"):
        if isinstance(optimizer, dict):
            name = str(optimizer.get("class_name", "Adam"))
            name = name[len("Custom>"):] if name.startswith("Custom>") else name
            settings = optimizer.get("config") or {}
            rate = settings.get("learning_rate")
            cls = getattr(keras.optimizers, name)
            optimizer = cls(learning_rate=rate) if isinstance(rate, (int, float)) else cls()
        model.compile(optimizer=optimizer, loss=compile_config.get("loss"), metrics=compile_config.get("metrics"))


def keras_archive_refused(path):
    """The one-line error for a ``.keras`` archive on a Keras that reads none (tf.keras < 2.13)."""
    return errors.UnsupportedVersionError(
        os.fspath(path), "is a .keras archive, a format that came with tf.keras 2.13: %s reads none" % describe(),
        "upgrade to TensorFlow >= 2.13, or load the package's .h5 file (model.save('model.h5')) with "
        "load_attention_package_model")


_TF_KERAS_2_13_LAYERS = "_layer_checkpoint_dependencies"  # "layers" of tf.keras 2.13/2.14


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


def _load_archive_weights(model, path):
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


def load_keras_archive(path, compile=False, custom_objects=None):
    """Load a ``.keras`` archive written by tf.keras 2 (>= 2.13) with the package, on the running Keras.

    The config goes through the package's rewrites and its ``Attention`` becomes ours (as for
    ``.h5`` files); the weights are then read by Keras' own ``model.load_weights``, by attribute
    path (on Keras 3 through its reader of tf.keras 2.13+ files; on tf_keras from a copy with the
    layers where Keras 2.15 on looks for them).

    Raises:
        LegacyFileError: (a subclass) one line: not an archive, written by Keras 3 (which loads it
            itself), no package layer, a layer that cannot be rebuilt, weights that do not fit.
        UnsupportedVersionError: the running Keras reads no ``.keras`` archive (tf.keras < 2.13);
            raised before the file is opened.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise errors.NotAFileError(path, "no such file", "check the path")
    if not READS_KERAS_V3_FILES:
        raise keras_archive_refused(path)
    with wrapped(path, "reading the archive"):
        metadata, config = _read_archive(path)
    version = str(metadata.get("keras_version", "unknown"))
    if not version.startswith("2."):
        raise errors.UnsupportedVersionError(
            path, "was written by Keras %s, not by tf.keras 2 with the attention package" % version[:20],
            "load it with keras.models.load_model(path)", version=version)
    legacy = LegacyFile(path, version, "tensorflow", config, None, {}, False)
    with wrapped(path, "loading the model"):
        factory = LayerFactory(path, ATTENTION_PACKAGE_FILES, custom_objects)
        plan, _ = ATTENTION_PACKAGE_FILES.plan(legacy)
        model = build_model(plan, factory)
    with wrapped(path, "loading the weights", error=errors.WeightMismatchError,
                 fix="the archive's weights do not fit the rebuilt model; use another copy of the file"):
        _load_archive_weights(model, path)
    if compile:
        _compile_archive(model, config.get("compile_config"), path)
    return model
